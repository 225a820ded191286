"""A source of figures computed inside an engine (DuckDB, Spark, BigQuery).

:class:`EngineSource` answers :meth:`~trafficlib.query.base.Source.sums` with one
aggregate query run where the data lives; only the small result (one row per group)
comes back to pandas. The session table is built once per source in the engine
(:func:`.definition.sessions_sql`, or a sessions file read as it is), the channel of
each distinct (source, medium, campaign) is named by
:func:`trafficlib.channels.channel_group` and joined back in the engine.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from trafficlib.errors import TrafficDataError
from trafficlib.periods import Period
from trafficlib.query.base import SUMS, Source, Unsupported
from trafficlib.query.engines import definition as D
from trafficlib.query.engines.backends import Backend, unique

__all__ = ["EngineSource", "build_sessions", "sessions_from_sql"]

_STRING_DIMS = {"channel", "source", "medium", "campaign", "landing_page", "device", "country", "source_medium"}


def _micros(ts) -> int:
    return int(pd.Timestamp(ts).value // 1000)


@dataclass
class EngineSource(Source):
    """Sums computed in an engine. ``backend`` runs the SQL, ``table`` is the session
    table (with ``channel``) there, ``dims`` the dimensions it can group by."""

    backend: Backend | None = None
    table: str = ""
    dims: set = field(default_factory=set)
    engine: str = "duckdb"
    sql_log: list = field(default_factory=list)
    #: the engine's relation of events (``trafficlib_events``) when the source was built
    #: from events: the audit's duplicate-transaction check reads it; None otherwise.
    events_relation: str | None = None
    #: or the whole duplicate-transaction query in the engine's dialect (BigQuery: a
    #: query over the export's purchase events)
    transactions_query: str | None = None

    def dimensions(self) -> set[str]:
        return set(self.dims)

    def _run(self, sql: str) -> pd.DataFrame:
        compiled = D.compile_sql(sql, self.backend.dialect)
        self.sql_log.append(compiled)
        return self.backend.run(compiled)

    def span(self):
        t = self._run(D.span_sql(self.table))
        if not len(t) or pd.isna(t["first_us"].iloc[0]):
            return None
        first = pd.Timestamp(int(t["first_us"].iloc[0]), unit="us").normalize()
        last = pd.Timestamp(int(t["last_us"].iloc[0]), unit="us").normalize()
        return first, last

    def check(self, by=(), period: Period | None = None) -> None:
        missing = [b for b in by if b not in self.dims]
        if missing:
            raise Unsupported(f"the sessions have no {', '.join(missing)} column")

    def sums(self, by=(), period: Period | None = None) -> pd.DataFrame:
        by = [by] if isinstance(by, str) else list(by)
        self.check(by, period)
        start = end = None
        if period is not None:
            start = _micros(period.start)
            end = _micros(period.end + pd.Timedelta(days=1))
        t = self._run(D.sums_sql(self.table, by, start, end))
        cols = [c for c in SUMS]
        for c in cols:
            t[c] = pd.to_numeric(t[c], errors="coerce").astype(float)
        for b in by:
            if b == "date":
                t[b] = pd.to_datetime(t[b]).astype("datetime64[ns]")
            elif b in _STRING_DIMS:
                t[b] = t[b].astype("string")
        t = t[by + cols]
        if by:
            # pandas groupby order (keys ascending, missing last): same tables as session rows
            t = t.sort_values(by, kind="stable", na_position="last").reset_index(drop=True)
        return t

    # ------------------------------------------------------------------ audit checks
    def audit_table(self, check: str, **params) -> pd.DataFrame | None:
        """The small table of one of the audit's tracking-health checks, computed in the
        engine (:mod:`.definition`, ``<check>_sql``): ``duplicate_transactions`` (None
        without events), ``referrals`` (``domain``, ``gateways``), ``unassigned``,
        ``utm_values``, ``untagged_paid`` (``paid_regex``), ``long_sessions``
        (``min_seconds``, ``limit``), ``bot_bursts`` (``min_sessions``, ``factor``,
        ``max_engagement``). Columns as the SQL names them; microsecond columns
        (``*_us``) come back as timestamps (UTC, naive) under their name without
        ``_us`` (``date_us`` -> ``date``, ``first_us`` -> ``first_seen``...)."""
        if check == "duplicate_transactions" and self.transactions_query:
            self.sql_log.append(self.transactions_query)
            t = self.backend.run(self.transactions_query)
        elif check == "duplicate_transactions":
            if not self.events_relation:
                return None
            t = self._run(D.duplicate_transactions_sql(self.events_relation))
        else:
            t = self._run(getattr(D, f"{check}_sql")(self.table, **params))
        renames = {"date_us": "date", "first_us": "first_seen", "last_us": "last_seen", "start_us": "start"}
        for col, name in renames.items():
            if col in t:
                us = pd.to_numeric(t[col], errors="coerce")
                t[col] = pd.to_datetime(us, unit="us")
        return t.rename(columns={c: n for c, n in renames.items() if c in t})

    def close(self) -> None:
        if self.backend is not None:
            self.backend.close()


def _sessions_file_sql(view: str, names) -> tuple[str, set[str]]:
    """The session relation of a sessions file (canonical columns) for the definition."""
    have = set(names)

    def col(name: str, kind: str = "VARCHAR") -> str:
        return name if name in have else f"CAST(NULL AS {kind})"

    eng = "engagement_time_s" if "engagement_time_s" in have else col("duration_s", "DOUBLE")
    rule = (f"(coalesce({eng}, 0) > 10 OR coalesce({col('conversions', 'BIGINT')}, 0) > 0 "
            f"OR coalesce({col('pageviews', 'BIGINT')}, 0) >= 2)")
    engaged = f"coalesce(engaged, {rule})" if "engaged" in have else rule
    sql = (f"SELECT user_id, trafficlib_start_us AS start_us, {col('source')} AS source, "
           f"{col('medium')} AS medium, {col('campaign')} AS campaign, {col('channel')} AS channel, "
           f"{col('landing_page')} AS landing_page, {col('device')} AS device, {col('country')} AS country, "
           f"{col('new_user', 'BOOLEAN')} AS new_user, {col('pageviews', 'BIGINT')} AS pageviews, "
           f"{col('duration_s', 'DOUBLE')} AS duration_s, {eng} AS eng_time, {engaged} AS engaged, "
           f"{col('conversions', 'BIGINT')} AS conversions, {col('revenue', 'DOUBLE')} AS revenue, "
           f"CAST({col('session_id')} AS VARCHAR) AS session_id, {col('click_id')} AS click_id "
           f"FROM {view}")
    dims = {c for c in ("channel", "source", "medium", "campaign", "landing_page", "device", "country") if c in have}
    return sql, dims | {"date", "source_medium"}


def build_sessions(backend: Backend, data, kind: str, *, channel_rules=None, **opts) -> EngineSource:
    """An :class:`EngineSource` on ``backend`` for ``data``: ``kind`` "events" (canonical
    events: file, glob or frame), "ga4" (a GA4 BigQuery export: GA4's own session ids)
    or "sessions" (a sessions file). ``opts`` are the sessionization options of
    :func:`.definition.sessions_sql`."""
    if kind == "sessions":
        view, names = backend.register_sessions(data)
        if "user_id" not in names or "start" not in names:
            raise TrafficDataError("a sessions file needs user_id and start columns", file=str(data))
        sql, dims = _sessions_file_sql(view, names)
        table = backend.materialize(unique("trafficlib_sessions"), D.compile_sql(sql, backend.dialect))
        return EngineSource(origin="sessions", description=str(data), backend=backend, table=table, dims=dims,
                            engine=backend.label)
    use_sid = kind == "ga4"
    if use_sid:
        opts["use_session_id"] = True
    backend.register_events(data, kind, use_sid)
    src = sessions_from_sql(backend, D.compile_sql(D.sessions_sql(**opts), backend.dialect),
                            origin="ga4" if use_sid else "events", description=str(data),
                            channel_rules=channel_rules)
    src.events_relation = getattr(backend, "events_view", "trafficlib_events")
    return src


def sessions_from_sql(backend: Backend, sql: str, origin: str, description: str,
                      channel_rules=None) -> EngineSource:
    """Materialize the session query ``sql`` (already in the backend's dialect), name
    the channel of its distinct (source, medium, campaign) with
    :func:`trafficlib.channels.channel_group` and join it back in the engine."""
    from trafficlib.channels import channel_group

    raw = backend.materialize(unique("trafficlib_sessions_raw"), sql)
    combos = backend.run(D.compile_sql(D.combos_sql(raw), backend.dialect))
    mapping = []
    if len(combos):
        for c in ("source", "medium", "campaign"):
            combos[c] = combos[c].astype("string")
        combos["channel"] = channel_group(combos, rules=channel_rules)
        mapping = list(combos[["source", "medium", "campaign", "channel"]].itertuples(index=False, name=None))
    table = backend.materialize(unique("trafficlib_sessions"),
                                D.compile_sql(D.with_channels_sql(raw, mapping), backend.dialect))
    dims = {"channel", "source", "medium", "campaign", "landing_page", "device", "country", "date", "source_medium"}
    return EngineSource(origin=origin, description=description, backend=backend, table=table, dims=dims,
                        engine=backend.label)
