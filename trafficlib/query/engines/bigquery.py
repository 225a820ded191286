"""BigQuery: the GA4 export's ``events_*`` tables read in place, and what a report scans.

:func:`sessions_query` gives the BigQuery Standard SQL that turns the export's daily
tables of a date range into the session table: GA4's export fields flattened as
:mod:`trafficlib.readers.ga4` reads them (the ``trafficlib_events`` relation, written
here in BigQuery's dialect, the one part that is specific to the export), then the
engine-independent sessionization of :mod:`.definition` transpiled to BigQuery by
sqlglot. :func:`sums_query` gives the aggregates a report asks.

BigQuery bills the bytes of the columns a query reads in the partitions (daily tables)
it touches. :func:`estimate_bytes` gives that before running: the leaf columns the
query reads (:data:`SCANNED_FIELDS`) × the events of the date range, with the size of
each column either measured on export rows (BigQuery's logical sizes: STRING 2 bytes +
UTF-8 length, INT64 / FLOAT64 8, BOOL 1, NULL 0) or taken from the documented
per-event averages of :data:`BYTES_PER_EVENT`. A live run also asks BigQuery's own
dry run (``BigQueryBackend.bytes_processed``), which is exact.

:func:`to_duckdb` transpiles the BigQuery SQL back to DuckDB with the export's
wildcard table replaced by a local relation: the tests run it on a GA4-schema export
and compare the figures with the DuckDB path. Nothing here was run against the live
BigQuery service.
"""
from __future__ import annotations

import sqlglot
from sqlglot import exp

from trafficlib.query.engines import definition as D

__all__ = ["events_sql", "sessions_query", "sums_query", "duplicate_transactions_query", "estimate_bytes", "measure_bytes_per_event",
           "to_duckdb", "SCANNED_FIELDS", "BYTES_PER_EVENT", "format_bytes"]


def _param(key: str, kind: str = "str") -> str:
    v = "p.value"
    if kind == "str":
        value = (f"COALESCE({v}.string_value, CAST({v}.int_value AS STRING), CAST({v}.double_value AS STRING), "
                 f"CAST({v}.float_value AS STRING))")
    else:
        value = (f"COALESCE(SAFE_CAST({v}.string_value AS FLOAT64), CAST({v}.int_value AS FLOAT64), "
                 f"{v}.double_value, {v}.float_value)")
    # the first parameter with that key, as the DuckDB reader takes it
    return f"(SELECT {value} FROM UNNEST(event_params) AS p WHERE p.key = '{key}' LIMIT 1)"


def events_sql(table: str, start: str | None = None, end: str | None = None, last_click: bool = True,
               collected: bool = True) -> str:
    """BigQuery SQL: the canonical event relation the definition reads, from the GA4
    export ``table`` (``project.dataset.events_*``), daily tables ``start`` to ``end``
    (``YYYYMMDD``, inclusive; None: all). ``collected`` / ``last_click``: whether the
    export has ``collected_traffic_source`` (since 2023) and
    ``session_traffic_source_last_click`` (since 2024)."""
    nul = "CAST(NULL AS STRING)"
    m_src = "collected_traffic_source.manual_source" if collected else nul
    m_med = "collected_traffic_source.manual_medium" if collected else nul
    m_cmp = "collected_traffic_source.manual_campaign_name" if collected else nul
    m_gclid = "collected_traffic_source.gclid" if collected else nul
    lc = "session_traffic_source_last_click"
    if last_click:
        lc_source = f"NULLIF(COALESCE({lc}.cross_channel_campaign.source, {lc}.manual_campaign.source), '')"
        lc_medium = f"NULLIF(COALESCE({lc}.cross_channel_campaign.medium, {lc}.manual_campaign.medium), '')"
        lc_campaign = (f"NULLIF(COALESCE({lc}.cross_channel_campaign.campaign_name, "
                       f"{lc}.manual_campaign.campaign_name, {lc}.google_ads_campaign.campaign_name), '')")
    else:
        lc_source = lc_medium = lc_campaign = nul
    where = []
    if start:
        where.append(f"_TABLE_SUFFIX >= '{start}'")
    if end:
        where.append(f"_TABLE_SUFFIX <= '{end}'")
    cond = (" WHERE " + " AND ".join(where)) if where else ""
    blank = "CASE WHEN TRIM({x}) = '' THEN NULL ELSE {x} END"
    return f"""
SELECT user_id,
    CASE WHEN ga_session_id IS NOT NULL THEN user_id || '.' || ga_session_id END AS session_key,
    ts_us, event_name, NULLIF(page, '') AS page,
    {blank.format(x="COALESCE(src, CASE WHEN gclid IS NOT NULL THEN 'google' END)")} AS source,
    {blank.format(x="COALESCE(med, CASE WHEN gclid IS NOT NULL AND src IS NULL THEN 'cpc' END)")} AS medium,
    {blank.format(x="campaign")} AS campaign,
    device, country, eng, revenue,
    {blank.format(x="lc_source")} AS lc_source, {blank.format(x="lc_medium")} AS lc_medium,
    {blank.format(x="lc_campaign")} AS lc_campaign
FROM (
    SELECT
        NULLIF(CAST(user_pseudo_id AS STRING), '') AS user_id,
        {_param('ga_session_id')} AS ga_session_id,
        CAST(event_timestamp AS INT64) AS ts_us,
        CAST(event_name AS STRING) AS event_name,
        {_param('page_location')} AS page,
        NULLIF(COALESCE({m_src}, {_param('source')}), '') AS src,
        NULLIF(COALESCE({m_med}, {_param('medium')}), '') AS med,
        NULLIF(COALESCE({m_cmp}, {_param('campaign')}), '') AS campaign,
        NULLIF(device.category, '') AS device,
        NULLIF(geo.country, '') AS country,
        {_param('engagement_time_msec', 'num')} AS eng,
        COALESCE(ecommerce.purchase_revenue,
                 CASE WHEN event_name = 'purchase' THEN {_param('value', 'num')} END) AS revenue,
        COALESCE({m_gclid}, NULLIF(REGEXP_EXTRACT({_param('page_location')}, r'[?&]gclid=([^&#]+)'), '')) AS gclid,
        {lc_source} AS lc_source, {lc_medium} AS lc_medium, {lc_campaign} AS lc_campaign
    FROM `{table}`{cond}
) AS flat
"""


def sessions_query(table: str, start: str | None = None, end: str | None = None, last_click: bool = True,
                   collected: bool = True, **opts) -> str:
    """BigQuery SQL of the session table (GA4's own session ids, GA4's own last-click
    source when the export has it) for the daily tables ``start``..``end``."""
    opts.setdefault("use_session_id", True)
    body = sqlglot.parse_one(D.compile_sql(D.sessions_sql(**opts), "bigquery"), read="bigquery")
    flat = sqlglot.parse_one(events_sql(table, start, end, last_click, collected), read="bigquery")
    cte = exp.CTE(this=flat, alias=exp.TableAlias(this=exp.to_identifier("trafficlib_events")))
    with_ = body.args.get("with_") or body.args.get("with")  # (the key changed across sqlglot versions)
    with_.expressions.insert(0, cte)
    with_.set("expressions", with_.expressions)
    return body.sql(dialect="bigquery")


def duplicate_transactions_query(table: str, start: str | None = None, end: str | None = None) -> str:
    """BigQuery SQL of the audit's duplicated transactions
    (:func:`.definition.duplicate_transactions_sql`) over the purchase events of the
    export ``table``, daily tables ``start``..``end``: transaction id and revenue as the
    GA4 reader takes them (``ecommerce``, else the ``transaction_id`` / ``value``
    parameters). It reads ``event_name``, ``event_timestamp``, ``event_params`` and
    ``ecommerce.transaction_id`` / ``purchase_revenue``: a second, smaller scan than the
    session query's."""
    cond = ["event_name = 'purchase'"]
    if start:
        cond.append(f"_TABLE_SUFFIX >= '{start}'")
    if end:
        cond.append(f"_TABLE_SUFFIX <= '{end}'")
    flat = f"""SELECT NULLIF(COALESCE(ecommerce.transaction_id, {_param('transaction_id')}), '') AS transaction_id,
        CAST(event_name AS STRING) AS event_name, CAST(event_timestamp AS INT64) AS ts_us,
        COALESCE(ecommerce.purchase_revenue, {_param('value', 'num')}) AS revenue
    FROM `{table}` WHERE {' AND '.join(cond)}"""
    body = D.compile_sql(D.duplicate_transactions_sql("trafficlib_events"), "bigquery")
    return f"WITH trafficlib_events AS ({flat})\n{body}"


def sums_query(sessions_table: str, by, start_us=None, end_us=None) -> str:
    """BigQuery SQL of the sums per ``by`` over a (materialized) session table."""
    return D.compile_sql(D.sums_sql(sessions_table, list(by), start_us, end_us), "bigquery")


# --------------------------------------------------------------------------- bytes scanned
# The export's leaf columns read by events_sql (BigQuery bills leaves of records read).
SCANNED_FIELDS = [
    "user_pseudo_id", "event_timestamp", "event_name",
    "event_params.key", "event_params.value.string_value", "event_params.value.int_value",
    "event_params.value.double_value", "event_params.value.float_value",
    "device.category", "geo.country",
    "collected_traffic_source.manual_source", "collected_traffic_source.manual_medium",
    "collected_traffic_source.manual_campaign_name", "collected_traffic_source.gclid",
    "ecommerce.purchase_revenue",
    "session_traffic_source_last_click.cross_channel_campaign.source",
    "session_traffic_source_last_click.cross_channel_campaign.medium",
    "session_traffic_source_last_click.cross_channel_campaign.campaign_name",
    "session_traffic_source_last_click.manual_campaign.source",
    "session_traffic_source_last_click.manual_campaign.medium",
    "session_traffic_source_last_click.manual_campaign.campaign_name",
    "session_traffic_source_last_click.google_ads_campaign.campaign_name",
]

# Documented per-event averages (logical bytes) for a typical GA4 web property when no
# export rows are at hand: user_pseudo_id "1234567890.1234567890" (2 + 21), 8-byte
# timestamp, event name ~10 characters, ~15 event parameters of ~14-character keys with
# one value set (a ~25-character string or an 8-byte number), device and country names,
# traffic fields set on ~1 event in 10, last-click fields on every event (2024+ exports).
BYTES_PER_EVENT = {
    "user_pseudo_id": 23, "event_timestamp": 8, "event_name": 12,
    "event_params.key": 15 * 16, "event_params.value.string_value": 10 * 27,
    "event_params.value.int_value": 5 * 8, "event_params.value.double_value": 4,
    "event_params.value.float_value": 0,
    "device.category": 9, "geo.country": 10,
    "collected_traffic_source.manual_source": 1.2, "collected_traffic_source.manual_medium": 1.0,
    "collected_traffic_source.manual_campaign_name": 1.5, "collected_traffic_source.gclid": 2.0,
    "ecommerce.purchase_revenue": 0.1,
    "session_traffic_source_last_click.cross_channel_campaign.source": 10,
    "session_traffic_source_last_click.cross_channel_campaign.medium": 8,
    "session_traffic_source_last_click.cross_channel_campaign.campaign_name": 12,
    "session_traffic_source_last_click.manual_campaign.source": 10,
    "session_traffic_source_last_click.manual_campaign.medium": 8,
    "session_traffic_source_last_click.manual_campaign.campaign_name": 12,
    "session_traffic_source_last_click.google_ads_campaign.campaign_name": 4,
}


def _size(value) -> float:
    if value is None:
        return 0
    if isinstance(value, bool):
        return 1
    if isinstance(value, (int, float)):
        return 8
    if isinstance(value, str):
        return 2 + len(value.encode("utf-8"))
    return 0


def _leaf(row, path: list[str]) -> float:
    if row is None:
        return 0
    if isinstance(row, list):
        return sum(_leaf(r, path) for r in row)
    if not path:
        return _size(row)
    if not isinstance(row, dict):
        return 0
    return _leaf(row.get(path[0]), path[1:])


def measure_bytes_per_event(rows, fields=SCANNED_FIELDS) -> dict[str, float]:
    """Average logical bytes per event of each leaf ``field`` over export ``rows``
    (dicts shaped like the export's JSON; numbers given as strings, as BigQuery writes
    INT64 in JSON, count as 8 bytes when the field is numeric)."""
    numeric = {"event_timestamp", "event_params.value.int_value", "event_params.value.double_value",
               "event_params.value.float_value", "ecommerce.purchase_revenue"}
    out = {}
    n = max(len(rows), 1)
    for f in fields:
        path = f.split(".")
        if f in numeric:
            total = sum(_count(r, path) * 8 for r in rows)
        else:
            total = sum(_leaf(r, path) for r in rows)
        out[f] = total / n
    return out


def _count(row, path) -> int:
    if row is None:
        return 0
    if isinstance(row, list):
        return sum(_count(r, path) for r in row)
    if not path:
        return 1
    if not isinstance(row, dict):
        return 0
    return _count(row.get(path[0]), path[1:])


def estimate_bytes(events: int, per_event: dict[str, float] | None = None, fields=SCANNED_FIELDS) -> dict:
    """Bytes a report's session query scans: ``events`` in the date range's daily tables
    (from the tables' metadata, e.g. ``__TABLES__.row_count``) × the per-event size of
    each column read. Returns {"bytes", "per_event", "columns": {field: bytes}}."""
    per_event = per_event or BYTES_PER_EVENT
    cols = {f: float(per_event.get(f, 0.0)) * events for f in fields}
    total = sum(cols.values())
    return {"bytes": int(round(total)), "per_event": total / events if events else 0.0, "columns": cols}


def format_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n} B"


def to_duckdb(sql: str, table: str, relation: str) -> str:
    """The BigQuery ``sql`` transpiled to DuckDB, with the export wildcard ``table``
    (``project.dataset.events_*``) read from the DuckDB relation ``relation`` (which
    must have a ``_TABLE_SUFFIX`` column, e.g. ``event_date``)."""
    tree = sqlglot.parse_one(sql, read="bigquery")
    wanted = table.split(".")[-1]

    def swap(node):
        if isinstance(node, exp.Table) and node.name == wanted:
            return exp.to_table(relation).as_(node.alias or "ga4_export")
        return node

    return tree.transform(swap).sql(dialect="duckdb")


def open_bigquery(spec, pattern: str = "events_*", date_range=None, backend=None, events: int | None = None,
                  per_event: dict | None = None, **opts):
    """An :class:`~.source.EngineSource` on BigQuery over the GA4 export tables
    ``pattern`` of the engine's dataset. Prints the estimated bytes scanned (and
    BigQuery's dry-run figure) before the session query runs. Not run against the live
    service here."""
    from trafficlib.query.engines.backends import BigQueryBackend
    from trafficlib.query.engines.source import sessions_from_sql

    backend = backend or BigQueryBackend(spec.target)
    table = f"{backend.project}.{backend.dataset}.{pattern}"
    start, end = date_range or (None, None)
    sql = sessions_query(table, start, end, **opts)
    if events is None:
        prefix = pattern.rstrip("*")
        cond = [f"STARTS_WITH(table_id, '{prefix}')", f"NOT STARTS_WITH(table_id, '{prefix}intraday')"]
        if start:
            cond.append(f"table_id >= '{prefix}{start}'")
        if end:
            cond.append(f"table_id <= '{prefix}{end}'")
        meta = backend.run(f"SELECT SUM(row_count) AS n, COUNT(*) AS tables "
                           f"FROM `{backend.project}.{backend.dataset}.__TABLES__` WHERE {' AND '.join(cond)}")
        events = int(meta["n"].iloc[0] or 0)
    est = estimate_bytes(events, per_event)
    print(f"BigQuery {spec.url}: the session query reads {len(SCANNED_FIELDS)} columns of {events:,} events "
          f"({start or 'first'} to {end or 'last'} table): about {format_bytes(est['bytes'])} "
          f"({est['per_event']:.0f} B/event, estimate)")
    if getattr(backend, "dry_run_first", False):
        print(f"BigQuery dry run: {format_bytes(backend.bytes_processed(sql))} will be billed")
    src = sessions_from_sql(backend, sql, origin="ga4", description=table)
    src.transactions_query = duplicate_transactions_query(table, start, end)
    return src


class DuckDBAsBigQuery:
    """A backend that takes BigQuery SQL and runs its DuckDB transpilation on a local
    copy of the export (``relation``, a DuckDB view of the ``events_*`` rows with a
    ``_TABLE_SUFFIX`` column): BigQuery's SQL checked without BigQuery. Every statement
    it is given is first parsed as BigQuery (a ``sqlglot.ParseError`` otherwise)."""

    dialect = "bigquery"
    label = "bigquery (run on DuckDB)"
    dry_run_first = False

    def __init__(self, con, table: str, relation: str, project: str = "project", dataset: str = "dataset"):
        self.con, self.table, self.relation = con, table, relation
        self.project, self.dataset = project, dataset
        self.statements: list[str] = []

    def _local(self, sql: str) -> str:
        sqlglot.parse_one(sql, read="bigquery")  # must parse as BigQuery
        self.statements.append(sql)
        return to_duckdb(sql, self.table, self.relation)

    def run(self, sql: str):
        return self.con.sql(self._local(sql)).df()

    def materialize(self, name: str, sql: str) -> str:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {self._local(sql)}")
        return name

    def close(self) -> None:
        pass
