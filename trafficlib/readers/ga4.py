"""Google Analytics 4 readers: the BigQuery event export and session-level UI/API exports.

Event export (BigQuery ``events_YYYYMMDD`` tables)
--------------------------------------------------
:func:`read_events` reads the export saved as newline-delimited JSON (``.json``,
``.jsonl``, ``.ndjson``, optionally ``.gz``) or Parquet, one file or a glob, into the
canonical ``events`` table (:mod:`trafficlib.schema`). DuckDB reads the nested records
and flattens them; :func:`write_events` does the same straight into a Parquet file
(out of core), ready for :func:`trafficlib.sessions.sessionize`. Fields read, following
the export schema (and ``bigquery-public-data.ga4_obfuscated_sample_ecommerce``):

============================  ==============================================================
canonical column              export field
============================  ==============================================================
user_id                       ``user_pseudo_id``
session_id                    ``user_pseudo_id || '.' || ga_session_id`` (event parameter);
                              missing when the event has no ``ga_session_id``
timestamp                     ``event_timestamp`` (microseconds, UTC) as a naive UTC timestamp
event_name                    ``event_name``
page                          ``page_location`` parameter (the full URL; landing pages are
                              reduced to their path by ``sessionize``)
referrer                      ``page_referrer`` parameter
source / medium / campaign    ``collected_traffic_source.manual_source / manual_medium /
                              manual_campaign_name`` when present, else the ``source`` /
                              ``medium`` / ``campaign`` event parameters; an event with a
                              ``gclid`` (collected or in the page URL) but no source is
                              ``google`` / ``cpc`` (Google Ads auto-tagging)
device                        ``device.category``
country                       ``geo.country``
engagement_time_msec          ``engagement_time_msec`` parameter
transaction_id                ``ecommerce.transaction_id``, else the ``transaction_id`` parameter
revenue                       ``ecommerce.purchase_revenue``, else the ``value`` parameter of
                              ``purchase`` events (account currency)
============================  ==============================================================

Extra columns: ``last_click_source`` / ``last_click_medium`` / ``last_click_campaign``
(``session_traffic_source_last_click``, in exports since 2024: GA4's own session source,
the last non-direct click, from its ``cross_channel_campaign`` record, else
``manual_campaign``, the campaign name else from ``google_ads_campaign``; missing in older
exports; :func:`trafficlib.sessions.sessionize` uses them as the session's source, and
``read_events(...).attrs["fields"]`` names the field when the export has it),
``ga_session_number``, ``session_engaged`` (GA4's own flag, bool),
``gclid``, ``first_source`` / ``first_medium`` / ``first_campaign`` (``traffic_source``:
the *user's* first acquisition, not the session's) and ``event_date``. Parameter values
are read from whichever of ``string_value``, ``int_value``, ``double_value``,
``float_value`` is set. Fields absent from a file (older exports have no
``collected_traffic_source``) are read as missing.

Session-level exports (GA4 UI "Traffic acquisition" CSV, Data API)
------------------------------------------------------------------
:func:`read_sessions_report` reads aggregated tables such as::

    Date,Session source / medium,Session default channel group,Sessions,Engaged sessions,Key events,Total revenue
    20250301,google / organic,Organic Search,1234,789,12,"1,234.50"

in English or French (``Source/Support de la session``, ``Groupe de canaux par défaut
de la session``, ``Sessions avec engagement``, ``Événements clés``, ``Revenu total``),
with GA4's ``#`` comment preamble and a totals row tolerated. It returns an
*aggregated* table, not the ``sessions`` table.

All readers raise :class:`trafficlib.TrafficDataError` naming the file and column.
"""
from __future__ import annotations

import glob
from pathlib import Path

import duckdb
import pandas as pd

from trafficlib.channels import channel_group
from trafficlib.errors import TrafficDataError
from trafficlib.sessions import _literal, _to_pandas, connect

__all__ = ["read_events", "write_events", "events_sql", "read_sessions_report", "REPORT_COLUMNS",
           "GA4_JSON_COLUMNS"]

_VALUE = "STRUCT(string_value VARCHAR, int_value BIGINT, float_value DOUBLE, double_value DOUBLE)"
# The subset of the export schema the reader needs; JSON is read with these types (other
# fields are ignored, absent ones are NULL; BigQuery writes INT64 as strings: cast).
GA4_JSON_COLUMNS = {
    "event_date": "VARCHAR",
    "event_timestamp": "BIGINT",
    "event_name": "VARCHAR",
    "event_params": f"STRUCT(key VARCHAR, value {_VALUE})[]",
    "user_pseudo_id": "VARCHAR",
    "device": "STRUCT(category VARCHAR, operating_system VARCHAR, web_info STRUCT(browser VARCHAR))",
    "geo": "STRUCT(country VARCHAR, city VARCHAR)",
    "traffic_source": "STRUCT(name VARCHAR, medium VARCHAR, source VARCHAR)",
    "collected_traffic_source": ("STRUCT(manual_campaign_id VARCHAR, manual_campaign_name VARCHAR, "
                                 "manual_source VARCHAR, manual_medium VARCHAR, gclid VARCHAR)"),
    "ecommerce": "STRUCT(transaction_id VARCHAR, purchase_revenue DOUBLE)",
    # Added to the export in 2024: GA4's own session source (last non-direct click).
    "session_traffic_source_last_click": (
        "STRUCT(manual_campaign STRUCT(campaign_id VARCHAR, campaign_name VARCHAR, source VARCHAR, medium VARCHAR), "
        "google_ads_campaign STRUCT(campaign_id VARCHAR, campaign_name VARCHAR), "
        "cross_channel_campaign STRUCT(campaign_id VARCHAR, campaign_name VARCHAR, source VARCHAR, medium VARCHAR, "
        "default_channel_group VARCHAR))"),
}
_REQUIRED = ("user_pseudo_id", "event_timestamp", "event_name")


def _files(path, label: str) -> list[str]:
    pattern = str(path)
    files = sorted(glob.glob(pattern)) if any(ch in pattern for ch in "*?[") else (
        [pattern] if Path(pattern).exists() else [])
    files = [f for f in files if Path(f).is_file()]
    if not files:
        raise TrafficDataError("file not found", file=label)
    return files


def _reader(files: list[str], label: str) -> str:
    lst = "[" + ", ".join(_literal(Path(f).as_posix()) for f in files) + "]"
    kinds = set()
    for f in files:
        name = f.lower().removesuffix(".gz")
        if name.endswith((".parquet", ".pq")):
            kinds.add("parquet")
        elif name.endswith((".json", ".jsonl", ".ndjson")):
            kinds.add("json")
        else:
            raise TrafficDataError("expected a GA4 export as .json/.jsonl (newline-delimited) or .parquet",
                                   file=f)
    if len(kinds) > 1:
        raise TrafficDataError("mixed JSON and Parquet files in one read", file=label)
    if kinds == {"parquet"}:
        return f"read_parquet({lst}, union_by_name = true)"
    cols = "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in GA4_JSON_COLUMNS.items()) + "}"
    return f"read_json({lst}, format = 'auto', columns = {cols})"


def _binds(con, source: str, expr: str) -> bool:
    try:
        con.execute(f"SELECT {expr} FROM {source} LIMIT 0").fetchall()
        return True
    except duckdb.Error:
        return False


def events_sql(con: duckdb.DuckDBPyConnection, path, label: str | None = None) -> str:
    """A SELECT statement turning the GA4 export at ``path`` into canonical events.

    Checks the file is readable and has the required fields (``user_pseudo_id``,
    ``event_timestamp``, ``event_name``); raises :class:`TrafficDataError` otherwise.
    """
    label = label or str(path)
    files = _files(path, label)
    source = _reader(files, label)
    try:
        cols = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    except duckdb.Error as exc:
        raise TrafficDataError(f"not a readable GA4 export ({str(exc).splitlines()[0][:160]})",
                               file=label) from None
    for req in _REQUIRED:
        if req not in cols:
            raise TrafficDataError(f"missing field '{req}': not a GA4 BigQuery event export",
                                   file=label, column=req)
    has_params = _binds(con, source, "event_params[1].key")
    value_fields = [f for f in ("string_value", "int_value", "double_value", "float_value")
                    if has_params and _binds(con, source, f"event_params[1].value.{f}")]

    def param(key: str, kind: str = "str") -> str:
        if not value_fields:
            return "CAST(NULL AS VARCHAR)" if kind == "str" else "CAST(NULL AS DOUBLE)"
        v = f"list_filter(event_params, lambda p: p.key = {_literal(key)})[1].value"
        parts = []
        for f in value_fields:
            if kind == "str":
                parts.append(f"{v}.{f}" if f == "string_value" else f"CAST({v}.{f} AS VARCHAR)")
            else:
                parts.append(f"TRY_CAST({v}.{f} AS DOUBLE)")
        return f"coalesce({', '.join(parts)})"

    def field(expr: str, kind: str = "VARCHAR") -> str:
        return f"CAST({expr} AS {kind})" if _binds(con, source, expr) else f"CAST(NULL AS {kind})"

    manual_source = field("collected_traffic_source.manual_source")
    manual_medium = field("collected_traffic_source.manual_medium")
    manual_campaign = field("collected_traffic_source.manual_campaign_name")
    gclid = field("collected_traffic_source.gclid")
    last_click = "session_traffic_source_last_click"

    def first_of(*exprs: str) -> str:
        return "NULLIF(coalesce(" + ", ".join(field(f"{last_click}.{e}") for e in exprs) + "), '')"

    lc_source = first_of("cross_channel_campaign.source", "manual_campaign.source")
    lc_medium = first_of("cross_channel_campaign.medium", "manual_campaign.medium")
    lc_campaign = first_of("cross_channel_campaign.campaign_name", "manual_campaign.campaign_name",
                           "google_ads_campaign.campaign_name")
    ecom_tid = field("ecommerce.transaction_id")
    ecom_rev = field("ecommerce.purchase_revenue", "DOUBLE")
    return f"""
    SELECT user_id, CASE WHEN ga_session_id IS NOT NULL THEN user_id || '.' || ga_session_id END AS session_id,
        timestamp, event_name, page, referrer,
        coalesce(src, CASE WHEN gclid IS NOT NULL THEN 'google' END) AS source,
        coalesce(med, CASE WHEN gclid IS NOT NULL AND src IS NULL THEN 'cpc' END) AS medium,
        campaign, device, country, engagement_time_msec, transaction_id, revenue,
        ga_session_number, session_engaged, gclid, first_source, first_medium, first_campaign, event_date,
        last_click_source, last_click_medium, last_click_campaign
    FROM (
        SELECT
            NULLIF(CAST(user_pseudo_id AS VARCHAR), '') AS user_id,
            {param("ga_session_id")} AS ga_session_id,
            make_timestamp(CAST(event_timestamp AS BIGINT)) AS timestamp,
            CAST(event_name AS VARCHAR) AS event_name,
            {param("page_location")} AS page,
            {param("page_referrer")} AS referrer,
            NULLIF(coalesce({manual_source}, {param("source")}), '') AS src,
            NULLIF(coalesce({manual_medium}, {param("medium")}), '') AS med,
            NULLIF(coalesce({manual_campaign}, {param("campaign")}), '') AS campaign,
            NULLIF({field("device.category")}, '') AS device,
            NULLIF({field("geo.country")}, '') AS country,
            {param("engagement_time_msec", "num")} AS engagement_time_msec,
            NULLIF(coalesce({ecom_tid}, {param("transaction_id")}), '') AS transaction_id,
            coalesce({ecom_rev}, CASE WHEN event_name = 'purchase' THEN {param("value", "num")} END) AS revenue,
            CAST({param("ga_session_number", "num")} AS BIGINT) AS ga_session_number,
            CASE {param("session_engaged")} WHEN '1' THEN true WHEN '0' THEN false END AS session_engaged,
            coalesce({gclid}, NULLIF(regexp_extract({param("page_location")}, '[?&]gclid=([^&#]+)', 1), '')) AS gclid,
            {field("traffic_source.source")} AS first_source,
            {field("traffic_source.medium")} AS first_medium,
            {field("traffic_source.name")} AS first_campaign,
            {field("event_date")} AS event_date,
            {lc_source} AS last_click_source,
            {lc_medium} AS last_click_medium,
            {lc_campaign} AS last_click_campaign
        FROM {source}
    )
    """


def read_events(path, con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Read a GA4 BigQuery event export (JSON lines or Parquet, file or glob).

    Returns the canonical ``events`` table (columns and dtypes as
    :func:`trafficlib.schema.validate` gives them) plus the extra GA4 columns listed in
    the module docstring, ordered by user and time. Raises :class:`TrafficDataError` for
    a missing or unreadable file, a file that is not a GA4 export, or events without
    ``user_pseudo_id`` / ``event_timestamp``.
    """
    label = str(path)
    own = con is None
    con = con or connect()
    try:
        sql = events_sql(con, path, label)
        try:
            table = con.sql(f"SELECT * FROM ({sql}) ORDER BY user_id, timestamp").to_arrow_table()
        except duckdb.Error as exc:
            raise TrafficDataError(f"cannot read the GA4 export ({str(exc).splitlines()[0][:160]})",
                                   file=label) from None
    finally:
        if own:
            con.close()
    frame = _to_pandas(table)
    if len(frame) == 0:
        raise TrafficDataError("no events in the export", file=label)
    for col, what in (("user_id", "user_pseudo_id"), ("timestamp", "event_timestamp")):
        bad = frame[col].isna()
        if bad.any():
            raise TrafficDataError(f"{int(bad.sum())} event(s) without {what}", file=label, column=what)
    frame["engagement_time_msec"] = frame["engagement_time_msec"].astype("float64")
    frame["revenue"] = frame["revenue"].astype("float64")
    has_last_click = bool(frame["last_click_source"].notna().any() or frame["last_click_medium"].notna().any())
    frame.attrs = {"table": "events", "file": label,
                   "fields": ("session_traffic_source_last_click",) if has_last_click else ()}
    return frame


def write_events(path, out, con: duckdb.DuckDBPyConnection | None = None) -> Path:
    """Flatten a GA4 export into a canonical ``events`` Parquet file ``out`` (out of core).

    Returns the output path. Same mapping as :func:`read_events`.
    """
    out = Path(out)
    own = con is None
    con = con or connect()
    try:
        sql = events_sql(con, path)
        con.execute(f"COPY ({sql}) TO {_literal(out.as_posix())} (FORMAT parquet)").fetchall()
    except duckdb.Error as exc:
        raise TrafficDataError(f"cannot convert the GA4 export ({str(exc).splitlines()[0][:160]})",
                               file=str(path)) from None
    finally:
        if own:
            con.close()
    return out


# --------------------------------------------------------------------- session reports
REPORT_COLUMNS = ["date", "source", "medium", "channel", "sessions", "engaged_sessions",
                  "conversions", "revenue"]

def read_sessions_report(path) -> pd.DataFrame:
    """Read a GA4 session-level export (UI CSV or Data API) into an aggregated table.

    Returns
    -------
    DataFrame with columns ``date`` (datetime64, day; missing when the export has no
    date dimension), ``source``, ``medium`` (split from "Session source / medium" or
    read from separate columns), ``channel`` (the export's "Session default channel
    group", else computed with :func:`trafficlib.channels.channel_group`), ``sessions``
    (int), ``engaged_sessions`` (int; from "Engagement rate" x sessions, rounded, when
    only the rate is exported; missing when neither is), ``conversions`` (key events,
    float: GA4 reports fractional key events under data-driven attribution),
    ``revenue`` (float, account currency; 0 when absent). One row per row of the
    export; total rows are dropped. This is aggregated data, not the ``sessions`` table:
    it is :func:`trafficlib.readers.ga4_reports.read_report` (the one GA4 interface
    reader) in this older, fixed layout.

    Raises :class:`TrafficDataError` (file, column, lines) for a missing "Sessions"
    column, no way to tell the source, or unreadable numbers or dates.
    """
    from trafficlib.readers.ga4_reports import read_report

    export = read_report(path)
    f = export.frame
    label = str(path)
    if "sessions" not in f.columns:
        raise TrafficDataError(
            f"no 'Sessions' column (found: {', '.join(export.columns)})", file=label, column="Sessions",
            hint="export a GA4 report with the Sessions metric")
    if not {"source", "medium", "channel"} & set(f.columns):
        raise TrafficDataError(
            "no source / medium or channel column", file=label, column="Session source / medium",
            hint="add the 'Session source / medium' or 'Session default channel group' dimension")
    out = pd.DataFrame(index=f.index)
    out["date"] = f["date"] if "date" in f else pd.Series(pd.NaT, index=f.index, dtype="datetime64[ns]")
    for c in ("source", "medium"):
        out[c] = f[c].astype("string") if c in f else pd.Series(pd.NA, index=f.index, dtype="string")
    out["channel"] = f["channel"].astype("string") if "channel" in f else channel_group(out.assign(campaign=pd.NA))
    out["sessions"] = f["sessions"].round().astype("int64")
    out["engaged_sessions"] = (f["engaged_sessions"].round().astype("Int64") if "engaged_sessions" in f
                               else pd.Series(pd.NA, index=f.index, dtype="Int64"))
    out["conversions"] = f["conversions"].fillna(0.0) if "conversions" in f else 0.0
    out["revenue"] = f["revenue"].fillna(0.0) if "revenue" in f else 0.0
    out = out[REPORT_COLUMNS]
    out.attrs = {"file": label, "table": "ga4_sessions_report"}
    return out
