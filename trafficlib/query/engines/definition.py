"""The one definition of sessionization and of the session sums, as SQL compiled per engine.

Everything here is written once, in DuckDB's SQL dialect, and turned into Spark SQL or
BigQuery Standard SQL by :func:`compile_sql` (sqlglot transpilation). Only portable
constructs are used (window functions ``LAG`` / ``ROW_NUMBER`` / ``SUM`` / ``MIN`` /
``LAST_VALUE ... IGNORE NULLS``, ``CASE``, integer arithmetic on microseconds, one
``REGEXP_EXTRACT`` and one ``REGEXP_MATCHES``), so the same figures come out of every
engine; the tests run the Spark and BigQuery output (the latter transpiled back onto
DuckDB) against the embedded DuckDB path.

Input: a relation ``trafficlib_events`` made by the engine's reader (see
``backends.py``) with columns

    user_id, session_key (GA4 session id or NULL), ts_us (BIGINT, microseconds since
    1970-01-01 UTC), event_name, page, source, medium, campaign, device, country,
    eng (engagement_time_msec, DOUBLE), revenue (DOUBLE), lc_source, lc_medium,
    lc_campaign (GA4's session_traffic_source_last_click, else NULL)

(empty strings already NULL). Output of :func:`sessions_sql`: one row per session with
the columns :data:`SESSION_COLUMNS`, with the same rules as
:func:`trafficlib.sessions.sessionize` (boundaries, ties, picks, engaged, new users,
GA4 last-non-direct credit within ``lookback_days``) except ``channel``, which
:func:`channel_mapping_sql` adds by joining a small table of (source, medium, campaign)
→ channel computed by :func:`trafficlib.channels.channel_group` on the distinct
combinations the engine returns.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Sequence

import sqlglot
from sqlglot import exp

__all__ = ["SESSION_COLUMNS", "sessions_sql", "with_channels_sql", "combos_sql", "sums_sql", "span_sql",
           "compile_sql", "DIMENSIONS", "NULL_KEY", "literal"]

DIALECTS = {"duckdb": "duckdb", "spark": "spark", "bigquery": "bigquery"}

SESSION_COLUMNS = ["user_id", "start_us", "source", "medium", "campaign", "landing_page", "device", "country",
                   "new_user", "pageviews", "duration_s", "eng_time", "engaged", "conversions", "revenue"]

# Dimensions a session table answers, as SQL over its columns.
DIMENSIONS = {
    "channel": "channel", "source": "source", "medium": "medium", "campaign": "campaign",
    "landing_page": "landing_page", "device": "device", "country": "country",
    "date": "CAST(make_timestamp(start_us) AS DATE)",
    "source_medium": "coalesce(source, '(direct)') || ' / ' || coalesce(medium, '(none)')",
}

# Stands for NULL in join keys (a NULL never equals NULL in a join).
NULL_KEY = "(trafficlib:null)"

_CLICK_ID_RE = "[?&#](gclid|gbraid|wbraid|fbclid|msclkid|ttclid)="
_PATH_RE = "^(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*)?([^?#]*)"
_US_PER_DAY = 86_400_000_000


def literal(text) -> str:
    """A string literal in DuckDB's dialect (sqlglot re-escapes it for the others)."""
    if text is None:
        return "NULL"
    return "'" + str(text).replace("'", "''") + "'"


def _in_list(values: Iterable[str]) -> str:
    vals = [literal(v) for v in values]
    return ", ".join(vals) if vals else "NULL"


def _has_traffic(col: str) -> str:
    return f"({col} IS NOT NULL AND NOT ({col} LIKE '(%)'))"


def sessions_sql(*, timeout_minutes: float = 30, split_at_midnight: bool = False,
                 split_on_campaign: bool = False, use_session_id: bool = False,
                 key_events: Sequence[str] = ("purchase",), revenue_events: Sequence[str] = ("purchase",),
                 engaged_seconds: float = 10, attribution: str = "last_non_direct",
                 lookback_days: float = 90, events: str = "trafficlib_events") -> str:
    """The sessionization query (DuckDB dialect) over the relation ``events``.

    Parameters as :func:`trafficlib.sessions.sessionize`. Returns one SELECT whose rows
    are sessions with :data:`SESSION_COLUMNS`; ``start_us`` is the session start in
    microseconds (UTC), ``eng_time`` the engagement time in seconds, ``new_user`` /
    ``engaged`` booleans.
    """
    timeout_us = int(round(float(timeout_minutes) * 60e6))
    lookback_us = int(round(float(lookback_days) * _US_PER_DAY))
    order = "ts_us NULLS FIRST, prio NULLS FIRST, event_name NULLS FIRST, page NULLS FIRST"
    if use_session_id:
        boundaries = """
    b AS (SELECT *, dense_rank() OVER (PARTITION BY user_id ORDER BY coalesce(session_key, '') NULLS FIRST) AS sidx
          FROM r),"""
    else:
        new_gap = f"CASE WHEN prev_ts IS NULL OR ts_us - prev_ts > {timeout_us} THEN 1 ELSE 0 END"
        midnight = (f" + CASE WHEN prev_ts IS NOT NULL AND ts_us // {_US_PER_DAY} <> prev_ts // {_US_PER_DAY} "
                    f"THEN 1 ELSE 0 END") if split_at_midnight else ""
        if split_on_campaign:
            # Consecutive traffic-bearing events of one inactivity-bounded visit with
            # different (source, medium, campaign), compared case-insensitively.
            campaign = """
    v AS (SELECT *, sum(gap_new) OVER (PARTITION BY user_id ORDER BY rn NULLS FIRST
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS visit
          FROM g),
    k AS (SELECT *, last_value(kh IGNORE NULLS) OVER (PARTITION BY user_id, visit ORDER BY rn NULLS FIRST
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_kh
          FROM v),
    n AS (SELECT *, CASE WHEN gap_new + mid_new > 0 OR (kh IS NOT NULL AND prev_kh IS NOT NULL AND kh <> prev_kh)
                    THEN 1 ELSE 0 END AS is_new FROM k),"""
        else:
            campaign = """
    n AS (SELECT *, CASE WHEN gap_new + mid_new > 0 THEN 1 ELSE 0 END AS is_new FROM g),"""
        boundaries = f"""
    g AS (SELECT *, {new_gap} AS gap_new, 0{midnight} AS mid_new FROM r),{campaign}
    b AS (SELECT *, sum(is_new) OVER (PARTITION BY user_id ORDER BY rn NULLS FIRST
                                      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS sidx
          FROM n),"""
    kh = ("CASE WHEN ht THEN coalesce(lower(source), '') || '|' || coalesce(lower(medium), '') || '|' "
          "|| coalesce(lower(campaign), '') END")
    keys = _in_list(key_events)
    revs = _in_list(revenue_events)
    lc_any = "(lc_source IS NOT NULL OR lc_medium IS NOT NULL)"
    keyed = {"traffic": ("CASE WHEN ht THEN rn END", "CASE WHEN source IS NOT NULL THEN rn END"),
             "lc": (f"CASE WHEN {lc_any} THEN rn END", None)}

    def pick(col: str, rule: str) -> str:
        # the column's value at the first row (by rn) meeting the rule, NULL kept as NULL:
        # arg_min skips NULL values in DuckDB (not in Spark), so NULL travels as a sentinel
        first, fallback = keyed[rule]
        val = f"coalesce(CAST({col} AS VARCHAR), {literal(NULL_KEY)})"
        expr = f"arg_min({val}, {first})"
        if fallback:
            expr = (f"CASE WHEN min({first}) IS NOT NULL THEN {expr} "
                    f"ELSE arg_min({val}, {fallback}) END")
        return f"NULLIF({expr}, {literal(NULL_KEY)})"

    sql = f"""
WITH
    e AS (SELECT user_id, session_key, ts_us, event_name, page, source, medium, campaign, device, country,
                 eng, revenue, lc_source, lc_medium, lc_campaign, ht, {kh} AS kh,
                 CASE event_name WHEN 'first_visit' THEN 0 WHEN 'session_start' THEN 1
                                 WHEN 'page_view' THEN 2 ELSE 3 END AS prio
          FROM (SELECT *, ({_has_traffic('source')} OR {_has_traffic('medium')} OR {_has_traffic('campaign')}) AS ht
                FROM {events} WHERE user_id IS NOT NULL AND ts_us IS NOT NULL) AS x),
    r AS (SELECT *, row_number() OVER (PARTITION BY user_id ORDER BY {order}) AS rn,
                    lag(ts_us) OVER (PARTITION BY user_id ORDER BY {order}) AS prev_ts
          FROM e),{boundaries}
    s AS (SELECT user_id, sidx,
            min(ts_us) AS start_us, max(ts_us) AS end_us,
            coalesce(arg_min(page, CASE WHEN prio = 2 AND page IS NOT NULL THEN rn END),
                     arg_min(page, CASE WHEN page IS NOT NULL THEN rn END)) AS landing_url,
            {pick("source", "traffic")} AS t_source,
            {pick("medium", "traffic")} AS t_medium,
            {pick("campaign", "traffic")} AS t_campaign,
            arg_min(device, CASE WHEN device IS NOT NULL THEN rn END) AS device,
            arg_min(country, CASE WHEN country IS NOT NULL THEN rn END) AS country,
            CASE WHEN min(CASE WHEN {lc_any} THEN rn END) IS NULL THEN 0 ELSE 1 END AS own,
            {pick("lc_source", "lc")} AS lc_source,
            {pick("lc_medium", "lc")} AS lc_medium,
            {pick("lc_campaign", "lc")} AS lc_campaign,
            sum(CASE WHEN prio = 2 THEN 1 ELSE 0 END) AS pageviews,
            max(CASE WHEN prio = 0 THEN 1 ELSE 0 END) AS first_visit,
            sum(CASE WHEN event_name IN ({keys}) THEN 1 ELSE 0 END) AS conversions,
            sum(CASE WHEN event_name IN ({revs}) THEN coalesce(revenue, 0) ELSE 0 END) AS revenue,
            count(eng) AS n_eng, CAST(coalesce(sum(eng), 0) AS DOUBLE) / 1000 AS eng_s
          FROM b GROUP BY user_id, sidx),
    t AS (SELECT *,
            row_number() OVER (PARTITION BY user_id ORDER BY start_us NULLS FIRST, sidx NULLS FIRST) AS sess_no,
            max(first_visit) OVER () AS any_first_visit,
            CASE WHEN own = 1 THEN lc_source ELSE t_source END AS source,
            CASE WHEN own = 1 THEN lc_medium ELSE t_medium END AS medium,
            CASE WHEN own = 1 THEN lc_campaign ELSE t_campaign END AS campaign,
            CAST(end_us - start_us AS DOUBLE) / 1000000 AS duration_s
          FROM s),
    d AS (SELECT *,
            (ns IS NULL AND nm IS NULL) OR (ns = '(direct)' AND (nm IS NULL OR nm IN ('(none)', '(not set)')))
                AS is_direct
          FROM (SELECT *, NULLIF(lower(trim(source)), '') AS ns, NULLIF(lower(trim(medium)), '') AS nm FROM t) AS y),
    c AS (SELECT *,
            last_value(CASE WHEN NOT is_direct THEN sess_no END IGNORE NULLS) OVER (PARTITION BY user_id
                ORDER BY start_us NULLS FIRST, sess_no NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS donor_no,
            last_value(CASE WHEN NOT is_direct THEN start_us END IGNORE NULLS) OVER (PARTITION BY user_id
                ORDER BY start_us NULLS FIRST, sess_no NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS donor_start
          FROM d),
    f AS (SELECT *,
            ({"true" if attribution == "last_non_direct" else "false"}) AND is_direct AND own = 0
                AND NOT coalesce(regexp_matches(landing_url, {literal(_CLICK_ID_RE)}), false)
                AND donor_no IS NOT NULL AND start_us - donor_start <= {lookback_us} AS credited
          FROM c)
SELECT f.user_id, f.start_us,
    CASE WHEN f.credited THEN o.source ELSE f.source END AS source,
    CASE WHEN f.credited THEN o.medium ELSE f.medium END AS medium,
    CASE WHEN f.credited THEN o.campaign ELSE f.campaign END AS campaign,
    CASE WHEN f.landing_url IS NULL THEN NULL
         WHEN regexp_extract(f.landing_url, {literal(_PATH_RE)}, 1) = '' THEN '/'
         ELSE regexp_extract(f.landing_url, {literal(_PATH_RE)}, 1) END AS landing_page,
    f.device, f.country,
    CASE WHEN f.any_first_visit = 1 THEN f.first_visit = 1 ELSE f.sess_no = 1 END AS new_user,
    f.pageviews, f.duration_s, f.eng_s AS eng_time,
    (CASE WHEN f.n_eng > 0 THEN f.eng_s ELSE f.duration_s END) > {float(engaged_seconds)}
        OR f.conversions > 0 OR f.pageviews >= 2 AS engaged,
    f.conversions, f.revenue
FROM f LEFT JOIN f AS o ON f.credited AND o.user_id = f.user_id AND o.sess_no = f.donor_no
"""
    if attribution != "last_non_direct":
        # session-start attribution: no credit, but GA4's own last click is also not used
        sql = sql.replace("CASE WHEN own = 1 THEN lc_source ELSE t_source END", "t_source") \
                 .replace("CASE WHEN own = 1 THEN lc_medium ELSE t_medium END", "t_medium") \
                 .replace("CASE WHEN own = 1 THEN lc_campaign ELSE t_campaign END", "t_campaign")
    return sql


def combos_sql(sessions: str) -> str:
    """The distinct (source, medium, campaign) of a session relation: the rows channel
    grouping is computed on (a few thousand for a real site)."""
    return f"SELECT DISTINCT source, medium, campaign FROM {sessions}"


def _key(col: str) -> str:
    return f"coalesce({col}, {literal(NULL_KEY)})"


def with_channels_sql(sessions: str, mapping) -> str:
    """``sessions`` with a ``channel`` column from ``mapping`` (rows of source, medium,
    campaign, channel as :func:`trafficlib.channels.channel_group` named them)."""
    if not len(mapping):
        return f"SELECT s.*, CAST(NULL AS VARCHAR) AS channel FROM {sessions} AS s"
    rows = ", ".join(
        f"({literal(NULL_KEY if _na(s) else s)}, {literal(NULL_KEY if _na(m) else m)}, "
        f"{literal(NULL_KEY if _na(c) else c)}, {literal(ch)})"
        for s, m, c, ch in mapping)
    return (f"SELECT s.*, m.channel FROM {sessions} AS s LEFT JOIN (VALUES {rows}) AS m(k_source, k_medium, "
            f"k_campaign, channel) ON {_key('s.source')} = m.k_source AND {_key('s.medium')} = m.k_medium "
            f"AND {_key('s.campaign')} = m.k_campaign")


def _na(v) -> bool:
    try:
        import pandas as pd

        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def sums_sql(sessions: str, by: Sequence[str], start_us: int | None = None, end_us: int | None = None) -> str:
    """The additive sums of :mod:`trafficlib.query.base` per group of ``by`` over
    sessions starting in [start_us, end_us), with distinct users counted for the exact
    grouping (never summed). Columns: ``by`` then the sums."""
    dims = [f"{DIMENSIONS[b]} AS {b}" for b in by]
    where = []
    if start_us is not None:
        where.append(f"start_us >= {int(start_us)}")
    if end_us is not None:
        where.append(f"start_us < {int(end_us)}")
    sums = [
        "count(*) AS sessions",
        # NULL when no session of the group has a user id (unknown, not 0), as metrics.sums_of_columns
        "CASE WHEN count(user_id) > 0 THEN count(DISTINCT user_id) END AS users",
        "sum(CASE WHEN new_user THEN 1 ELSE 0 END) AS new_users",
        "sum(CASE WHEN engaged THEN 1 ELSE 0 END) AS engaged_sessions",
        "sum(CASE WHEN coalesce(pageviews, 0) <= 1 THEN 1 ELSE 0 END) AS single_page",
        "coalesce(sum(pageviews), 0) AS pageviews",
        "coalesce(sum(eng_time), 0) AS engagement_time",
        "coalesce(sum(conversions), 0) AS conversions",
        "sum(CASE WHEN coalesce(conversions, 0) > 0 THEN 1 ELSE 0 END) AS converting_sessions",
        "coalesce(sum(revenue), 0) AS revenue",
    ]
    sql = f"SELECT {', '.join(dims + sums)} FROM {sessions}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    if by:
        sql += " GROUP BY " + ", ".join(DIMENSIONS[b] for b in by)
    return sql


def span_sql(sessions: str) -> str:
    return f"SELECT min(start_us) AS first_us, max(start_us) AS last_us, count(*) AS n FROM {sessions}"


@lru_cache(maxsize=256)
def compile_sql(sql: str, dialect: str) -> str:
    """``sql`` (DuckDB dialect) in ``dialect`` ("duckdb", "spark" or "bigquery")."""
    if dialect == "duckdb":
        return sql
    return sqlglot.transpile(sql, read="duckdb", write=DIALECTS[dialect], unsupported_level=sqlglot.ErrorLevel.RAISE)[0]


def parse(sql: str, dialect: str) -> exp.Expression:
    """Parse ``sql`` as ``dialect`` (raises sqlglot.ParseError when it is not valid)."""
    return sqlglot.parse_one(sql, read=DIALECTS[dialect])
