"""The query layer: one way for every web analysis to ask for figures.

Analyses (overview, audit) ask a :class:`~trafficlib.query.base.Source` for sums by
dimensions over a period (``src.kpis(by=["channel"], period=p)``) instead of holding
session rows, so the same report runs on

- session rows (:class:`~trafficlib.query.rows.SessionRows`): a sessions file, an event
  log sessionized in DuckDB (:func:`trafficlib.sessions.sessionize`), a GA4 BigQuery
  export, a Universal Analytics extract;
- a cube of aggregated exports (:class:`~trafficlib.query.cube.Cube`): GA4 interface
  reports, a daily series. It answers what its dimensions allow and says plainly what
  it cannot (:class:`~trafficlib.query.base.Unsupported`).

:func:`open_source` turns a report's ``data_path`` (a folder or a file) into a source.
"""
from __future__ import annotations

from pathlib import Path

from trafficlib.errors import TrafficDataError
from trafficlib.query.base import SUMS, Source, Unsupported
from trafficlib.query.cube import Cube, export_hint
from trafficlib.query.rows import SessionRows

__all__ = ["Source", "SessionRows", "Cube", "Unsupported", "SUMS", "open_source", "as_source", "export_hint"]

_CANONICAL = {"events": ("events.parquet", "events.csv"), "sessions": ("sessions.parquet", "sessions.csv")}
_SKIP_SUFFIXES = {".md", ".json", ".yml", ".yaml", ".ipynb", ".html", ".png", ".jpg", ".pdf", ".zip", ".gz"}


def as_source(data) -> Source:
    """A :class:`Source` from a Source (returned as is) or a sessions DataFrame."""
    if isinstance(data, Source):
        return data
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return SessionRows(frame=data, origin="sessions")
    raise TypeError(f"expected a Source or a sessions DataFrame, got {type(data).__name__}")


def _sessionize(events, origin: str, description: str, **opts) -> SessionRows:
    from trafficlib.sessions import sessionize

    # GA4's own session ids are kept as they are (no timeout or split rules to apply)
    frame = sessionize(events, use_session_id=True) if origin == "ga4" else sessionize(events, **opts)
    return SessionRows(frame=frame, events=events, origin=origin, description=description)


def _from_export(export, opts: dict) -> Source:
    if export.table == "events":
        origin = "ga4" if export.kind.startswith("ga4/") else "events"
        src = _sessionize(export.frame, origin, export.kind, **opts)
        src.events = export.frame if origin == "ga4" else Path(export.path)
        src.notes = list(export.notes)
        return src
    if export.table == "sessions":
        origin = "ua" if export.kind.startswith("ua/") else "sessions"
        return SessionRows(frame=export.frame, origin=origin, description=export.kind, notes=list(export.notes))
    if export.table == "web_cube":
        return Cube(exports=[export], description=export.kind, notes=list(export.notes))
    raise TrafficDataError(f"a {export.kind} export ({export.table}), not web-analytics data", file=export.path,
                           hint="give a GA4 export, an event log or a sessions table")


def open_source(data_path: str | Path, prefer: str = "sessions", timeout_minutes: float = 30,
                split_at_midnight: bool = False, split_on_campaign: bool = False, engine: str = "duckdb") -> Source:
    """The source of figures in ``data_path``.

    A folder holding the kit's ``events`` / ``sessions`` files uses them (``prefer``
    says which when both are there: the audit sessionizes events with its own rules,
    the overview reads the sessions); any other folder has every file recognised by
    :func:`trafficlib.sources.load` (recursively): event logs and session tables give
    session rows, GA4 interface reports and daily series make a cube. Files of other
    kinds (ad reports...) are skipped and listed in the source's ``notes``.
    Raises :class:`TrafficDataError` when nothing usable is found.

    ``engine`` (a connection string: ``"duckdb"``, the default and the path above;
    ``"duckdb:///path.db"``, ``"spark://local[2]"`` or a Spark master URL,
    ``"bigquery://project/dataset"``) computes the figures in that engine instead
    (:mod:`trafficlib.query.engines`): same definitions, only aggregates come back.
    """
    from trafficlib import sources

    if engine not in (None, "", "duckdb"):  # the engines (and sqlglot) are imported only when asked for
        from trafficlib.query.engines import is_default, open_engine_source

        if not is_default(engine):
            return open_engine_source(data_path, engine, prefer=prefer, timeout_minutes=timeout_minutes,
                                      split_at_midnight=split_at_midnight, split_on_campaign=split_on_campaign)

    opts = {"timeout_minutes": timeout_minutes, "split_at_midnight": split_at_midnight,
            "split_on_campaign": split_on_campaign}
    p = Path(data_path)
    if not p.exists():
        raise TrafficDataError("not found", file=str(p))
    if p.is_file():
        return _from_export(sources.load(p), opts)
    order = ("events", "sessions") if prefer == "events" else ("sessions", "events")
    for table in order:
        for name in _CANONICAL[table]:
            f = p / name
            if f.exists():
                if table == "events":
                    # sessionized once per file and rules in a worker (the en and fr audits share it)
                    def read(f=f):
                        return sources.cached(f, "sessionize",
                                              lambda: _sessionize(f, "events", "events", **opts).frame,
                                              sorted(opts.items()))
                    rows = SessionRows(frame=read(), events=f, origin="events", description="events")
                    rows.share_answers(f, repr(("sessionize", sorted(opts.items()))), read)
                    return rows
                rows = SessionRows(frame=sources.read(f, "sessions"), origin="sessions", description=str(f))
                rows.share_answers(f, "sessions", lambda f=f: sources.read(f, "sessions"))
                return rows
    rows, cubes, notes = [], [], []
    for f in sorted(x for x in p.rglob("*") if x.is_file() and not x.name.startswith(".")):
        json_events = f.name.lower().endswith((".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz"))
        if f.suffix.lower() in _SKIP_SUFFIXES and not json_events:
            continue
        try:
            e = sources.load(f)
        except TrafficDataError as exc:
            notes.append(f"skipped {f.relative_to(p)}: {exc.problem}")
            continue
        if e.table in ("events", "sessions"):
            rows.append(e)
        elif e.table == "web_cube":
            cubes.append(e)
        else:
            notes.append(f"skipped {f.relative_to(p)}: a {e.kind} export, not web-analytics data")
    if rows:
        if len(rows) > 1:
            notes.append("several event or session files: only " + rows[0].path + " is used")
        src = _from_export(rows[0], opts)
        src.notes = notes + src.notes
        return src
    if cubes:
        cube = Cube(exports=cubes, description="GA4 interface exports", notes=notes)
        for e in cubes:
            cube.notes += [f"{Path(e.path).name}: {n}" for n in e.notes]
        return cube
    raise TrafficDataError("no web-analytics data found (GA4 exports, events or sessions)", file=str(p),
                           hint="; ".join(notes[:3]) or None)
