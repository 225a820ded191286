"""The engine session query as it was before the one-sort rewrite (commit 5ee51a7), kept
verbatim for the side-by-side timing of ``benchmarks/scale.py`` and for the check that
the new query gives exactly the same session table (``benchmarks/engine_sessions.py``).

Not used by the package.
"""
from __future__ import annotations

from typing import Sequence

from trafficlib.query.engines.definition import (_CLICK_ID_RE, _PATH_RE, _US_PER_DAY, NULL_KEY, _has_traffic,
                                                 _in_list, literal)


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
    # sessionize's ids: user-number, or (GA4 ids) the given id, prefixed by the user
    # when the ids are only unique per user
    session_id = ("CASE WHEN f.skey_dup > 1 THEN f.user_id || '-' || f.skey ELSE f.skey END" if use_session_id
                  else "f.user_id || '-' || CAST(f.sess_no AS VARCHAR)")
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
            count(eng) AS n_eng, CAST(coalesce(sum(eng), 0) AS DOUBLE) / 1000 AS eng_s,
            coalesce(min(session_key), '') AS skey
          FROM b GROUP BY user_id, sidx),
    t AS (SELECT *,
            row_number() OVER (PARTITION BY user_id ORDER BY start_us NULLS FIRST, sidx NULLS FIRST) AS sess_no,
            count(*) OVER (PARTITION BY skey) AS skey_n,
            max(first_visit) OVER () AS any_first_visit,
            CASE WHEN own = 1 THEN lc_source ELSE t_source END AS source,
            CASE WHEN own = 1 THEN lc_medium ELSE t_medium END AS medium,
            CASE WHEN own = 1 THEN lc_campaign ELSE t_campaign END AS campaign,
            CAST(end_us - start_us AS DOUBLE) / 1000000 AS duration_s
          FROM s),
    d AS (SELECT *,
            (ns IS NULL AND nm IS NULL) OR (ns = '(direct)' AND (nm IS NULL OR nm IN ('(none)', '(not set)')))
                AS is_direct
          FROM (SELECT *, NULLIF(lower(trim(source)), '') AS ns, NULLIF(lower(trim(medium)), '') AS nm,
                       max(skey_n) OVER () AS skey_dup FROM t) AS y),
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
    f.conversions, f.revenue,
    {session_id} AS session_id,
    CASE WHEN regexp_matches(f.landing_url, '[?#]')
         THEN NULLIF(regexp_extract(f.landing_url, {literal(_CLICK_ID_RE)}, 1), '') END AS click_id
FROM f LEFT JOIN f AS o ON f.credited AND o.user_id = f.user_id AND o.sess_no = f.donor_no
"""
    if attribution != "last_non_direct":
        # session-start attribution: no credit, but GA4's own last click is also not used
        sql = sql.replace("CASE WHEN own = 1 THEN lc_source ELSE t_source END", "t_source") \
                 .replace("CASE WHEN own = 1 THEN lc_medium ELSE t_medium END", "t_medium") \
                 .replace("CASE WHEN own = 1 THEN lc_campaign ELSE t_campaign END", "t_campaign")
    return sql
