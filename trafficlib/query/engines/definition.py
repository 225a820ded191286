"""The one definition of sessionization and of the session sums, as SQL compiled per engine.

Everything here is written once, in DuckDB's SQL dialect, and turned into Spark SQL or
BigQuery Standard SQL by :func:`compile_sql` (sqlglot transpilation). Only portable
constructs are used (window functions ``LAG`` / ``LEAD`` / ``ROW_NUMBER`` / ``SUM`` /
``LAST_VALUE ... IGNORE NULLS``, ``MIN_BY`` (``arg_min``), a join on a key and a range,
``UNION ALL``, ``CASE``, integer arithmetic on microseconds, ``REGEXP_EXTRACT`` and
``REGEXP_MATCHES``), so the same figures come out of every
engine; the tests run the Spark and BigQuery output (the latter transpiled back onto
DuckDB) against the embedded DuckDB path.

Input: a relation ``trafficlib_events`` made by the engine's reader (see
``backends.py``) with columns

    user_id, session_key (GA4 session id or NULL), ts_us (BIGINT, microseconds since
    1970-01-01 UTC), event_name, page, source, medium, campaign, device, country,
    eng (engagement_time_msec, DOUBLE), revenue (DOUBLE), lc_source, lc_medium,
    lc_campaign (GA4's session_traffic_source_last_click, else NULL)

(empty strings already NULL; the audit's duplicate-transaction check also reads
``transaction_id``). Output of :func:`sessions_sql`: one row per session with
the columns :data:`SESSION_COLUMNS`, with the same rules as
:func:`trafficlib.sessions.sessionize` (boundaries, ties, picks, engaged, new users,
GA4 last-non-direct credit within ``lookback_days``) except ``channel``, which
:func:`channel_mapping_sql` adds by joining a small table of (source, medium, campaign)
→ channel computed by :func:`trafficlib.channels.channel_group` on the distinct
combinations the engine returns.

The audit's tracking-health checks (``*_sql`` functions of the last section) are
aggregate queries over that session table (or, for duplicated transactions, over the
events): only their small evidence tables leave the engine, and they are those of the
pandas checks of :mod:`trafficlib.audit` on session rows, row for row.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Sequence

import sqlglot
from sqlglot import exp

__all__ = ["SESSION_COLUMNS", "sessions_sql", "with_channels_sql", "combos_sql", "sums_sql", "span_sql",
           "compile_sql", "DIMENSIONS", "NULL_KEY", "literal", "duplicate_transactions_sql", "referrals_sql",
           "unassigned_sql", "utm_values_sql", "untagged_paid_sql", "long_sessions_sql", "bot_bursts_sql"]

DIALECTS = {"duckdb": "duckdb", "spark": "spark", "bigquery": "bigquery"}

SESSION_COLUMNS = ["user_id", "start_us", "source", "medium", "campaign", "landing_page", "device", "country",
                   "new_user", "pageviews", "duration_s", "eng_time", "engaged", "conversions", "revenue",
                   "session_id", "click_id"]

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
_K_BASE_US = 1_600_000_000_000_000  # 2020-09-13: event positions are counted from here


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

    Events are ordered within a user by time, priority (first_visit, session_start,
    page_view, others), event name and page. How it runs, for speed at 10 M+ events
    (``benchmarks/engine_sessions.py`` profiles it; sorting wide rows or string keys is
    what cost most): the boundaries are found on a narrow relation (user and
    ``k`` = µs × 4 + priority, one integer), each event finds its session by a join on the
    user and its ``k`` range, events tied on (user, ``k``) (rare) are ranked by event name
    and page in a window over those rows only, and one hash aggregation gives each
    session its sums and its picks (``arg_min`` on one integer key; a fallback rule as an
    offset of that key, not a second ``arg_min``). The last-non-direct credit is one
    window over each user's sessions carrying the donor's start, source, medium and
    campaign (no self-join). Limits of the integer position: times from 1949 to 2091
    (DuckDB raises an overflow error outside; Spark without ANSI mode would wrap), and
    beyond 1023 events of one user at the same microsecond and priority their order is
    not defined.
    """
    timeout_us = int(round(float(timeout_minutes) * 60e6))
    lookback_us = int(round(float(lookback_days) * _US_PER_DAY))
    credit = attribution == "last_non_direct"
    prio = ("CASE event_name WHEN 'first_visit' THEN 0 WHEN 'session_start' THEN 1 "
            "WHEN 'page_view' THEN 2 ELSE 3 END")
    ht = f"({_has_traffic('source')} OR {_has_traffic('medium')} OR {_has_traffic('campaign')})"
    valid = "user_id IS NOT NULL AND ts_us IS NOT NULL"
    keys = _in_list(key_events)
    revs = _in_list(revenue_events)
    lc_any = "(lc_source IS NOT NULL OR lc_medium IS NOT NULL)"
    by_k = "PARTITION BY user_id ORDER BY k NULLS FIRST"
    # k: µs since 2020-09-13 × 4 + priority; an event's position is k × 1024 + its rank
    # among events tied on (user, k) (0 when none): BIGINT for times from 1949 to 2091
    k = f"(ts_us - {_K_BASE_US}) * 4 + {prio}"
    narrow = f"SELECT user_id, ts_us, {k} AS k FROM {events} WHERE {valid}"
    if use_session_id:
        # GA4's own sessions: one per (user, session id), numbered by start below
        boundaries = f"""
    nw AS (SELECT user_id, k, 0 AS is_start, 1 AS tie_next FROM ({narrow}) AS x0
           GROUP BY user_id, k HAVING count(*) > 1),
    ss AS (SELECT user_id, coalesce(session_key, '') AS sidx, min({k}) * 1024 AS start_pos
           FROM {events} WHERE {valid} GROUP BY user_id, coalesce(session_key, '')),"""
        on = "e.user_id = ss.user_id AND coalesce(e.session_key, '') = ss.sidx"
    else:
        new_gap = f"prev_ts IS NULL OR ts_us - prev_ts > {timeout_us}"
        if split_at_midnight:
            new_gap += f" OR ts_us // {_US_PER_DAY} <> prev_ts // {_US_PER_DAY}"
        if split_on_campaign:
            # Consecutive traffic-bearing events of one inactivity-bounded visit with
            # different (source, medium, campaign), compared case-insensitively.
            kh = ("CASE WHEN ht THEN coalesce(lower(source), '') || '|' || coalesce(lower(medium), '') || '|' "
                  "|| coalesce(lower(campaign), '') END")
            # a campaign change can fall between events of the same microsecond: this path
            # ranks every event among its ties (a window with string keys: the slow one)
            by_pos = "PARTITION BY user_id ORDER BY k NULLS FIRST, tr NULLS FIRST"
            boundaries = f"""
    g AS (SELECT user_id, k, tr, kh, CASE WHEN {new_gap} THEN 1 ELSE 0 END AS gap_new,
                 CASE WHEN lead_k = k THEN 1 ELSE 0 END AS tie_next
          FROM (SELECT user_id, ts_us, k, tr, kh, lag(ts_us) OVER ({by_pos}) AS prev_ts,
                       lead(k) OVER ({by_pos}) AS lead_k
                FROM (SELECT user_id, ts_us, k, kh, row_number() OVER (PARTITION BY user_id, k
                             ORDER BY event_name NULLS FIRST, page NULLS FIRST) - 1 AS tr
                      FROM (SELECT user_id, ts_us, event_name, page, {k} AS k, {kh} AS kh
                            FROM (SELECT user_id, ts_us, event_name, page, source, medium, campaign, {ht} AS ht
                                  FROM {events} WHERE {valid}) AS x0) AS x1) AS x2) AS x3),
    v AS (SELECT *, sum(gap_new) OVER ({by_pos} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS visit FROM g),
    nw AS (SELECT user_id, k, k * 1024 + least(tr, 1023) AS pos,
                  CASE WHEN gap_new = 1 OR (kh IS NOT NULL AND prev_kh IS NOT NULL AND kh <> prev_kh)
                  THEN 1 ELSE 0 END AS is_start, tie_next
           FROM (SELECT *, last_value(kh IGNORE NULLS) OVER (PARTITION BY user_id, visit
                           ORDER BY k NULLS FIRST, tr NULLS FIRST
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_kh FROM v) AS x4),"""
        else:
            # the boundaries depend on the times only: two columns are sorted, not the events
            boundaries = f"""
    nw AS (SELECT user_id, k, k * 1024 AS pos, CASE WHEN {new_gap} THEN 1 ELSE 0 END AS is_start,
                  CASE WHEN lead_k = k THEN 1 ELSE 0 END AS tie_next
           FROM (SELECT user_id, ts_us, k, lag(ts_us) OVER ({by_k}) AS prev_ts, lead(k) OVER ({by_k}) AS lead_k
                 FROM ({narrow}) AS x0) AS x1),"""
        boundaries += """
    ss AS (SELECT user_id, start_pos, row_number() OVER (PARTITION BY user_id ORDER BY start_pos NULLS FIRST) AS sidx,
                  coalesce(lead(start_pos) OVER (PARTITION BY user_id ORDER BY start_pos NULLS FIRST),
                           9223372036854775807) AS next_pos
           FROM (SELECT user_id, pos AS start_pos FROM nw WHERE is_start = 1) AS x5),"""
        on = "e.user_id = ss.user_id AND e.pos >= ss.start_pos AND e.pos < ss.next_pos"
    # (user, k) shared by several events: ranked by event name then page (tr), the rest 0
    ties = "\n    tk AS (SELECT DISTINCT user_id, k FROM nw WHERE tie_next = 1),"
    ev = f"SELECT *, {k} AS k, {prio} AS prio, {ht} AS ht FROM {events} WHERE {valid}"
    ranked = f"""(SELECT e.*, e.k * 1024 AS pos FROM ({ev}) AS e LEFT JOIN tk ON e.user_id = tk.user_id AND e.k = tk.k
                 WHERE tk.k IS NULL
                 UNION ALL
                 SELECT e.*, e.k * 1024 + least(row_number() OVER (PARTITION BY e.user_id, e.k
                                               ORDER BY e.event_name NULLS FIRST, e.page NULLS FIRST) - 1, 1023) AS pos
                 FROM ({ev}) AS e JOIN tk ON e.user_id = tk.user_id AND e.k = tk.k)"""
    # the pick key: position in the session (k from its start, then the tie rank); a
    # fallback rule adds OFFSET so that the first rule wins whenever it is met
    off = 4611686018427387904  # 2**62: sessions spanning < 35 years
    key = "e.pos - ss.start_pos"

    def pick(col: str, first: str, fallback: str | None = None) -> str:
        # the column's value at the first event meeting the rule, NULL kept as NULL:
        # arg_min skips NULL values in DuckDB (not in Spark), so NULL travels as a sentinel
        val = f"coalesce(CAST({col} AS VARCHAR), {literal(NULL_KEY)})"
        rank = f"CASE WHEN {first} THEN pk" + (f" WHEN {fallback} THEN pk + {off}" if fallback else "") + " END"
        return f"NULLIF(arg_min({val}, {rank}), {literal(NULL_KEY)})"

    if use_session_id:
        # sessions numbered by start within the user; GA4 ids prefixed by the user when
        # they are only unique per user
        numbering = """
    t AS (SELECT *, row_number() OVER (PARTITION BY user_id ORDER BY start_us NULLS FIRST, sidx NULLS FIRST) AS sess_no,
                    count(*) OVER (PARTITION BY sidx) AS skey_n
          FROM s),
    u AS (SELECT *, max(skey_n) OVER () AS skey_dup FROM t),"""
        session_id = "CASE WHEN skey_dup > 1 THEN user_id || '-' || sidx ELSE sidx END"
    else:
        # sidx numbers the user's sessions by start already
        numbering = """
    u AS (SELECT *, sidx AS sess_no FROM s),"""
        session_id = "user_id || '-' || CAST(sess_no AS VARCHAR)"
    nk = literal(NULL_KEY)
    if credit:
        # GA4's own last click when an event of the session has it
        source = "CASE WHEN own = 1 THEN lc_source ELSE t_source END"
        # the last non-direct session before this one, in one window over the user's
        # sessions (same window for its start and its source, medium, campaign)
        prior = ("PARTITION BY user_id ORDER BY start_us NULLS FIRST, sess_no NULLS FIRST "
                 "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING")
        donor = ", ".join(
            f"last_value(CASE WHEN NOT is_direct THEN {v} END IGNORE NULLS) OVER ({prior}) AS donor_{n}"
            for n, v in (("start", "start_us"), ("source", f"coalesce(source, {nk})"),
                         ("medium", f"coalesce(medium, {nk})"), ("campaign", f"coalesce(campaign, {nk})")))
        credited = (f"is_direct AND own = 0 AND NOT coalesce(has_click, false) AND donor_start IS NOT NULL "
                    f"AND start_us - donor_start <= {lookback_us}")
        final = f"CASE WHEN credited THEN NULLIF(donor_{{col}}, {nk}) ELSE {{col}} END"
    else:
        source = "t_source"
        donor, credited, final = "0 AS no_donor", "false", "{col}"

    return f"""
WITH{boundaries}{ties}
    s AS (SELECT user_id, sidx,
            min(ts_us) AS start_us, max(ts_us) AS end_us,
            arg_min(page, CASE WHEN prio = 2 AND page IS NOT NULL THEN pk WHEN page IS NOT NULL THEN pk + {off} END)
                AS landing_url,
            {pick("source", "ht", "source IS NOT NULL")} AS t_source,
            {pick("medium", "ht", "source IS NOT NULL")} AS t_medium,
            {pick("campaign", "ht", "source IS NOT NULL")} AS t_campaign,
            arg_min(device, CASE WHEN device IS NOT NULL THEN pk END) AS device,
            arg_min(country, CASE WHEN country IS NOT NULL THEN pk END) AS country,
            max(CASE WHEN {lc_any} THEN 1 ELSE 0 END) AS own,
            {pick("lc_source", lc_any)} AS lc_source,
            {pick("lc_medium", lc_any)} AS lc_medium,
            {pick("lc_campaign", lc_any)} AS lc_campaign,
            sum(CASE WHEN prio = 2 THEN 1 ELSE 0 END) AS pageviews,
            max(CASE WHEN prio = 0 THEN 1 ELSE 0 END) AS first_visit,
            sum(CASE WHEN event_name IN ({keys}) THEN 1 ELSE 0 END) AS conversions,
            sum(CASE WHEN event_name IN ({revs}) THEN coalesce(revenue, 0) ELSE 0 END) AS revenue,
            count(eng) AS n_eng, CAST(coalesce(sum(eng), 0) AS DOUBLE) / 1000 AS eng_s
          FROM (SELECT e.user_id, ss.sidx, {key} AS pk, e.ts_us, e.prio, e.ht, e.event_name, e.page, e.source,
                       e.medium, e.campaign, e.device, e.country, e.eng, e.revenue, e.lc_source, e.lc_medium,
                       e.lc_campaign
                FROM {ranked} AS e
                JOIN ss ON {on}) AS b
          GROUP BY user_id, sidx),{numbering}
    d AS (SELECT *, (ns IS NULL AND nm IS NULL) OR (ns = '(direct)' AND (nm IS NULL OR nm IN ('(none)', '(not set)')))
                    AS is_direct
          FROM (SELECT *, NULLIF(lower(trim(source)), '') AS ns, NULLIF(lower(trim(medium)), '') AS nm
                FROM (SELECT user_id, sess_no, start_us, end_us, landing_url, device, country, pageviews,
                             first_visit, conversions, revenue, n_eng, eng_s, own, {session_id} AS session_id,
                             {source} AS source, {source.replace('source', 'medium')} AS medium,
                             {source.replace('source', 'campaign')} AS campaign,
                             regexp_extract(landing_url, {literal(_PATH_RE)}, 1) AS path,
                             regexp_matches(landing_url, {literal(_CLICK_ID_RE)}) AS has_click,
                             max(first_visit) OVER () AS any_first_visit
                      FROM u) AS w) AS y),
    f AS (SELECT *, {credited} AS credited
          FROM (SELECT *, {donor} FROM d) AS z)
SELECT user_id, start_us,
    {final.format(col='source')} AS source, {final.format(col='medium')} AS medium,
    {final.format(col='campaign')} AS campaign,
    CASE WHEN landing_url IS NULL THEN NULL WHEN path = '' THEN '/' ELSE path END AS landing_page,
    device, country,
    CASE WHEN any_first_visit = 1 THEN first_visit = 1 ELSE sess_no = 1 END AS new_user,
    pageviews, CAST(end_us - start_us AS DOUBLE) / 1000000 AS duration_s, eng_s AS eng_time,
    (CASE WHEN n_eng > 0 THEN eng_s ELSE CAST(end_us - start_us AS DOUBLE) / 1000000 END) > {float(engaged_seconds)}
        OR conversions > 0 OR pageviews >= 2 AS engaged,
    conversions, revenue, session_id,
    CASE WHEN has_click AND (landing_url LIKE '%?%' OR landing_url LIKE '%#%')
         THEN regexp_extract(landing_url, {literal(_CLICK_ID_RE)}, 1) END AS click_id
FROM f
"""


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


# --------------------------------------------------------------------------- audit checks
# Each returns a small table; trafficlib.audit turns it into the same evidence table as
# its pandas check on session rows (same rules, same order: ties broken by the keys).

def _lower_trim(col: str) -> str:
    return f"lower(trim(coalesce({col}, '')))"


def _contains(col: str, text: str) -> str:
    """``col`` contains ``text`` literally (LIKE with its wildcards escaped)."""
    esc = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{col} LIKE {literal('%' + esc + '%')} ESCAPE '\\'"


def duplicate_transactions_sql(events: str = "trafficlib_events") -> str:
    """Purchase transaction ids recorded more than once: ``transaction_id``,
    ``purchases``, ``revenue_recorded`` (sum), ``revenue_true`` (max), ``first_us`` /
    ``last_us`` (µs since 1970, UTC), by revenue recorded (descending), then id."""
    return f"""SELECT transaction_id, count(*) AS purchases, sum(revenue) AS revenue_recorded,
    max(revenue) AS revenue_true, min(ts_us) AS first_us, max(ts_us) AS last_us
FROM {events}
WHERE event_name = 'purchase' AND transaction_id IS NOT NULL AND transaction_id <> ''
GROUP BY transaction_id HAVING count(*) > 1
ORDER BY revenue_recorded DESC NULLS LAST, transaction_id"""


def referrals_sql(sessions: str, domain: str, gateways: Sequence[str]) -> str:
    """Referral sessions whose source (trimmed, lower case) contains the site's
    ``domain`` (``kind`` "self-referral") or a payment gateway ("payment gateway"), per
    ``kind`` and ``source`` as written: ``sessions``, ``conversions``, ``revenue``; most
    sessions first, then kind and source."""
    src = _lower_trim("source")
    own = f"({_contains(src, domain.lower())})"
    pay = "(" + " OR ".join(_contains(src, g.lower()) for g in gateways) + ")"
    return f"""SELECT kind, source, count(*) AS sessions, coalesce(sum(conversions), 0) AS conversions,
    coalesce(sum(revenue), 0) AS revenue
FROM (SELECT source, conversions, revenue, CASE WHEN {own} THEN 'self-referral' ELSE 'payment gateway' END AS kind
      FROM {sessions} WHERE {_lower_trim('medium')} = 'referral' AND ({own} OR {pay})) AS r
GROUP BY kind, source
ORDER BY sessions DESC, kind, source"""


def _source_medium(prefix: str = "") -> str:
    return f"coalesce({prefix}source, '(none)') || ' / ' || coalesce({prefix}medium, '(none)')"


def unassigned_sql(sessions: str) -> str:
    """Sessions GA4 cannot place in a channel (channel Unassigned or source ``(not
    set)``) per ``source_medium`` (missing parts as ``(none)``): ``sessions``, most
    first, then source_medium."""
    return f"""SELECT {_source_medium()} AS source_medium, count(*) AS sessions
FROM {sessions} WHERE coalesce(channel = 'Unassigned', false) OR coalesce(source = '(not set)', false)
GROUP BY {_source_medium()}
ORDER BY sessions DESC, source_medium"""


def utm_values_sql(sessions: str) -> str:
    """Every UTM value as written (``field`` source / medium / campaign, ``value``) with
    its ``sessions``: a small table (distinct values), on which the audit looks for
    spelling variants exactly as on session rows."""
    parts = " UNION ALL ".join(f"SELECT '{c}' AS field, {c} AS value FROM {sessions} WHERE {c} IS NOT NULL"
                               for c in ("source", "medium", "campaign"))
    return f"""SELECT field, value, count(*) AS sessions FROM ({parts}) AS v
GROUP BY field, value
ORDER BY field, sessions DESC, value"""


def untagged_paid_sql(sessions: str, paid_regex: str) -> str:
    """Sessions that landed with an ad click id but whose medium (trimmed, lower case)
    is not paid (``paid_regex``, a full match), per ``click_id`` and ``source_medium``:
    ``sessions``, ``conversions``, ``revenue``; most sessions first, then the keys."""
    paid = f"regexp_matches({_lower_trim('medium')}, {literal('^(?:' + paid_regex + ')$')})"
    return f"""SELECT click_id, {_source_medium()} AS source_medium, count(*) AS sessions,
    coalesce(sum(conversions), 0) AS conversions, coalesce(sum(revenue), 0) AS revenue
FROM {sessions} WHERE click_id IS NOT NULL AND NOT {paid}
GROUP BY click_id, {_source_medium()}
ORDER BY sessions DESC, click_id, source_medium"""


def long_sessions_sql(sessions: str, min_seconds: float, limit: int | None = 20) -> str:
    """Sessions lasting more than ``min_seconds``: ``session_id``, ``start_us``,
    ``source``, ``landing_page``, ``pageviews``, ``duration_s`` plus ``n_long`` and
    ``max_duration_s`` over all of them; the ``limit`` longest (then earliest, then id)."""
    lim = f"\nLIMIT {int(limit)}" if limit else ""
    return f"""SELECT session_id, start_us, source, landing_page, pageviews, duration_s,
    count(*) OVER () AS n_long, max(duration_s) OVER () AS max_duration_s
FROM {sessions} WHERE duration_s > {float(min_seconds)}
ORDER BY duration_s DESC, start_us, session_id{lim}"""


def bot_bursts_sql(sessions: str, min_sessions: int, factor: float, max_engagement: float) -> str:
    """Day × country × device × source segments (missing values as ``(not set)``) with
    at least ``min_sessions`` sessions, at least ``factor`` × the segment's usual daily
    sessions (its total over the days of the whole span, at least 1) and an engagement
    rate below ``max_engagement``: ``date_us`` (the day, µs), the keys, ``sessions``,
    ``engagement_rate``, ``avg_duration_s``; by day then keys."""
    keys = ", ".join(f"coalesce({k}, '(not set)') AS {k}" for k in ("country", "device", "source"))
    return f"""WITH s AS (SELECT (start_us // {_US_PER_DAY}) * {_US_PER_DAY} AS date_us, {keys},
                  CASE WHEN engaged THEN 1 ELSE 0 END AS eng, duration_s FROM {sessions}),
    span AS (SELECT (max(date_us) - min(date_us)) // {_US_PER_DAY} + 1 AS n_days FROM s),
    g AS (SELECT date_us, country, device, source, count(*) AS sessions, sum(eng) AS engaged,
                 avg(duration_s) AS avg_duration_s
          FROM s GROUP BY date_us, country, device, source),
    u AS (SELECT g.*, CAST(sum(sessions) OVER (PARTITION BY country, device, source) AS DOUBLE) / span.n_days AS usual
          FROM g CROSS JOIN span)
SELECT date_us, country, device, source, sessions, CAST(engaged AS DOUBLE) / sessions AS engagement_rate,
    avg_duration_s
FROM u
WHERE sessions >= {int(min_sessions)} AND sessions >= {float(factor)} * CASE WHEN usual < 1 THEN 1 ELSE usual END
    AND CAST(engaged AS DOUBLE) / sessions < {float(max_engagement)}
ORDER BY date_us, country, device, source"""


@lru_cache(maxsize=256)
def compile_sql(sql: str, dialect: str) -> str:
    """``sql`` (DuckDB dialect) in ``dialect`` ("duckdb", "spark" or "bigquery")."""
    if dialect == "duckdb":
        return sql
    return sqlglot.transpile(sql, read="duckdb", write=DIALECTS[dialect], unsupported_level=sqlglot.ErrorLevel.RAISE)[0]


def parse(sql: str, dialect: str) -> exp.Expression:
    """Parse ``sql`` as ``dialect`` (raises sqlglot.ParseError when it is not valid)."""
    return sqlglot.parse_one(sql, read=DIALECTS[dialect])
