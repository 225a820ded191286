"""Engines behind the query layer: the same figures computed where the data lives.

``engine="duckdb"`` (the default) keeps the query layer's embedded path (session rows
in pandas, sessionized by :func:`trafficlib.sessions.sessionize`). Any other engine
string (:func:`.backends.parse_engine`: ``"duckdb:///path.db"``, ``"spark://local[2]"``,
a Spark master URL, ``"bigquery://project/dataset"``) gives an
:class:`~.source.EngineSource`: sessionization, channel grouping and the KPI sums are
defined once (:mod:`.definition`, SQL in DuckDB's dialect), compiled to the engine's
dialect by sqlglot and run there; only one row per group comes back to pandas.
"""
from __future__ import annotations

from pathlib import Path

from trafficlib.errors import TrafficDataError
from trafficlib.query.engines.backends import (BigQueryBackend, DuckDBBackend, EngineSpec, SparkBackend,
                                               make_backend, parse_engine)
from trafficlib.query.engines.source import EngineSource, build_sessions

__all__ = ["EngineSource", "open_engine_source", "parse_engine", "is_default", "EngineSpec", "DuckDBBackend",
           "SparkBackend", "BigQueryBackend"]

_CANONICAL = {"events": ("events.parquet", "events.csv"), "sessions": ("sessions.parquet", "sessions.csv")}


def is_default(engine: str | None) -> bool:
    """True for the embedded DuckDB path (``None``, ``"duckdb"``)."""
    spec = parse_engine(engine)
    return spec.kind == "duckdb" and not spec.target


def _kind_of(path: Path) -> str:
    """'events', 'sessions' or 'ga4' from a file's columns (read from its header only)."""
    import duckdb

    name = path.name.lower()
    if name.endswith((".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz")):
        return "ga4"
    con = duckdb.connect()
    try:
        reader = "read_parquet" if name.endswith((".parquet", ".pq")) else "read_csv"
        cols = {r[0].lower() for r in con.execute(
            f"DESCRIBE SELECT * FROM {reader}('{path.as_posix()}')").fetchall()}
    except duckdb.Error as exc:
        raise TrafficDataError(f"cannot read ({str(exc).splitlines()[0][:120]})", file=str(path)) from None
    finally:
        con.close()
    if {"user_pseudo_id", "event_timestamp"} <= cols:
        return "ga4"
    if "start" in cols and "event_name" not in cols:
        return "sessions"
    return "events"


def open_engine_source(data_path, engine: str, prefer: str = "sessions", timeout_minutes: float = 30,
                       split_at_midnight: bool = False, split_on_campaign: bool = False,
                       date_range: tuple[str, str] | None = None, **backend_opts) -> EngineSource:
    """An :class:`EngineSource` for ``data_path`` computed on ``engine``.

    DuckDB and Spark read files: a folder with the kit's ``events`` / ``sessions``
    files (``prefer`` says which), a canonical events or sessions file or glob, or (DuckDB
    only) a GA4 BigQuery export file. BigQuery reads the GA4 export tables of its
    dataset in place (``data_path`` is the table pattern, default ``events_*``;
    ``date_range`` = (``YYYYMMDD``, ``YYYYMMDD``) limits the daily tables scanned, and the
    estimated bytes are printed before the query runs).
    """
    spec = parse_engine(engine)
    opts = {"timeout_minutes": timeout_minutes, "split_at_midnight": split_at_midnight,
            "split_on_campaign": split_on_campaign}
    if spec.kind == "bigquery":
        from trafficlib.query.engines.bigquery import open_bigquery

        return open_bigquery(spec, str(data_path or "events_*"), date_range=date_range)
    p = Path(data_path)
    target, kind = None, None
    if p.is_dir():
        order = ("events", "sessions") if prefer == "events" else ("sessions", "events")
        for table in order:
            for name in _CANONICAL[table]:
                if (p / name).exists():
                    target, kind = p / name, table
                    break
            if target:
                break
        if target is None:
            raise TrafficDataError(f"the {spec.kind} engine reads the kit's events or sessions files "
                                   "(events.parquet, sessions.parquet) or a GA4 export file", file=str(p),
                                   hint="use engine='duckdb' for folders of interface exports")
    elif p.exists():
        target, kind = p, _kind_of(p)
    elif any(ch in str(data_path) for ch in "*?["):
        import glob

        files = sorted(glob.glob(str(data_path)))
        if not files:
            raise TrafficDataError("file not found", file=str(data_path))
        target, kind = str(data_path), _kind_of(Path(files[0]))
    else:
        raise TrafficDataError("not found", file=str(p))
    backend = make_backend(spec, **backend_opts)
    return build_sessions(backend, str(target), kind, **opts)
