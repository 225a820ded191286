"""Search Console over time: the daily trend, its anomalies and the period comparison."""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib import timeseries
from trafficlib.metrics import ratio
from trafficlib.seo.core import SearchData, summarise, totals

__all__ = ["anomalies", "period_comparison", "weekly", "comparison_display", "site_country"]


def site_country(sd: SearchData, min_share: float = 0.4) -> str | None:
    """The ISO alpha-2 code of the country that brings the site most of its clicks (the
    Countries table), when it brings at least ``min_share`` of them; None otherwise (no
    Countries table, or an international site with no dominant country). Used for the
    holidays named beside anomalies."""
    t = sd.tables.get("countries")
    if t is None or t.empty or "country" not in t or t["clicks"].sum() <= 0:
        return None
    return timeseries.dominant_country(t.groupby("country")["clicks"].sum(), min_share)


def weekly(sd: SearchData) -> pd.DataFrame:
    """Clicks, impressions, CTR and weighted position per ISO week (weeks cut by the
    period's edges are flagged ``partial``)."""
    d = sd.daily
    if d is None or d.empty:
        return pd.DataFrame(columns=["week", "clicks", "impressions", "ctr", "position", "days", "partial"])
    f = d.assign(week=d["date"].dt.to_period("W-SUN").dt.start_time)
    out = summarise(f, "week")
    out["days"] = f.groupby("week")["date"].nunique().reindex(out["week"]).to_numpy()
    out["partial"] = out["days"] < 7
    return out.sort_values("week").reset_index(drop=True)


def anomalies(sd: SearchData, metric: str = "clicks", threshold: float = 3.5, country: str | None = "auto",
              lang: str = "en", min_change: float = 0.10) -> pd.DataFrame:
    """Days whose ``metric`` departs from the trend and weekly pattern by more than
    ``threshold`` robust standard deviations (STL decomposition, see
    :func:`trafficlib.timeseries.anomalies`), over the current and comparison periods.

    ``country``: whose holidays name the days (ISO code); ``"auto"`` = the country of
    most clicks (:func:`site_country`); None = none. ``min_change``: a day is flagged only
    when it is also at least this far from what was expected, relatively (a very steady
    site's 4 % dip can be 4 robust deviations and still not worth a look). Returns ``date``, ``observed``,
    ``expected``, ``z``, ``direction`` (drop/spike), ``change``, ``holiday`` (its name
    in ``lang``, missing on ordinary days) and ``at_stake`` (expected − observed for a
    drop on an ordinary day, in the metric's units; 0 on a holiday: a quiet Christmas
    is not clicks lost). Empty when there are fewer than 15 days.
    """
    parts = [x for x in (sd.daily_previous, sd.daily) if x is not None and len(x)]
    cols = ["date", "observed", "expected", "z", "direction", "change", "holiday", "at_stake"]
    if not parts:
        return pd.DataFrame(columns=cols)
    d = pd.concat(parts).drop_duplicates("date").set_index("date")[metric].sort_index()
    d = d.asfreq("D")
    if d.notna().sum() < 15:
        return pd.DataFrame(columns=cols)
    d = d.interpolate(limit_direction="both")
    code = site_country(sd) if country == "auto" else (timeseries.country_code(country) if country else None)
    out = timeseries.anomalies(d, period=7, threshold=threshold, holidays_country=code, holidays_lang=lang)
    if "holiday" not in out:
        out["holiday"] = pd.Series(pd.NA, index=out.index, dtype="string")
    out = out[out["change"].abs().fillna(np.inf) >= min_change].reset_index(drop=True)
    ordinary = out["holiday"].isna().to_numpy()
    out["at_stake"] = np.where((out["direction"] == "drop").to_numpy() & ordinary,
                               out["expected"] - out["observed"], 0.0)
    return out[cols]


def period_comparison(sd: SearchData) -> pd.DataFrame:
    """The period against the comparison period: one row per metric (clicks,
    impressions, ctr, position) with ``current``, ``previous``, ``change`` (relative;
    for position, the difference in places, negative = better) and ``p_value`` (Welch
    test on daily clicks/impressions, two-proportion test on CTR; NaN where it does not
    apply). Empty when the export has no comparison period.
    """
    cols = ["metric", "current", "previous", "change", "p_value", "_lower_is_better"]
    if not sd.has_comparison:
        return pd.DataFrame(columns=cols)
    a, b = totals(sd), totals(sd, previous=True)
    if np.isnan(b["clicks"]):
        return pd.DataFrame(columns=cols)
    rows = []
    for m in ("clicks", "impressions", "ctr", "position"):
        p = np.nan
        if sd.daily is not None and sd.daily_previous is not None and m in ("clicks", "impressions"):
            p = timeseries.compare_count(sd.daily[m], sd.daily_previous[m])["p_value"]
        elif m == "ctr":
            p = timeseries.compare_rate(int(a["clicks"]), int(a["impressions"]), int(b["clicks"]),
                                        int(b["impressions"])).p_value
        change = a[m] - b[m] if m == "position" else ratio(a[m], b[m]) - 1
        rows.append({"metric": m, "current": a[m], "previous": b[m], "change": change, "p_value": p,
                     "_lower_is_better": m == "position"})
    return pd.DataFrame(rows, columns=cols)


def comparison_display(comparison: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """:func:`period_comparison` as text in ``lang``, each value in its unit (counts,
    CTR in %, position in places)."""
    from trafficlib import i18n

    rows = []
    for r in comparison.itertuples():
        if r.metric == "ctr":
            f = lambda x: i18n.fmt_pct(x, lang, 2)  # noqa: E731
        elif r.metric == "position":
            f = lambda x: i18n.fmt_number(x, lang, 1)  # noqa: E731
        else:
            f = lambda x: i18n.fmt_int(x, lang)  # noqa: E731
        change = (i18n.fmt_number(r.change, lang, 1) if r.metric == "position" else i18n.fmt_delta(r.change, lang))
        rows.append({"metric": r.metric, "current": f(r.current), "previous": f(r.previous), "change": change,
                     "p_value": "–" if pd.isna(r.p_value) else ("< 0,001" if lang == "fr" else "< 0.001")
                     if r.p_value < 0.001 else i18n.fmt_number(r.p_value, lang, 3)})
    return pd.DataFrame(rows, columns=["metric", "current", "previous", "change", "p_value"])
