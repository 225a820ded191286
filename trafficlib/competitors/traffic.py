"""Market traffic: our analytics beside the Similarweb estimates, shares, trend,
channel mix and engagement."""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib.competitors._common import _GA4_TO_BUCKET, CHANNELS


def our_traffic(sessions: pd.DataFrame, domain: str) -> pd.DataFrame:
    """Our monthly traffic from the canonical ``sessions`` table, shaped like the
    ``competitors`` table so we can be placed among the Similarweb estimates.

    Returns period (month start), domain, visits (sessions), pages_per_visit,
    avg_visit_duration_s, bounce_rate (GA4 definition: 1 − engaged sessions / sessions,
    when ``engaged`` is known) and share_* (GA4 default channel groups mapped to the
    Similarweb buckets: Organic Social and Paid Social -> social, Paid Search and Paid
    Shopping -> paid, Display/Paid Video/Paid Other -> display, Unassigned -> direct...).
    Partial months at either end are dropped when the data cover less than 25 days.
    """
    s = sessions
    day = s["start"].dt.normalize()
    period = s["start"].dt.to_period("M").dt.to_timestamp().rename("period")
    g = s.groupby(period)
    out = pd.DataFrame({"visits": g.size().astype(float)})
    days = day.groupby(period).nunique()
    if "pageviews" in s:
        out["pages_per_visit"] = g["pageviews"].mean().astype(float)
    if "duration_s" in s and s["duration_s"].notna().any():
        out["avg_visit_duration_s"] = g["duration_s"].mean().astype(float)
    if "engaged" in s and s["engaged"].notna().any():
        out["bounce_rate"] = 1 - g["engaged"].mean().astype(float)
    if "channel" in s and s["channel"].notna().any():
        bucket = s["channel"].astype("string").str.lower().map(_GA4_TO_BUCKET).fillna("direct")
        mix = pd.crosstab(period, bucket, normalize="index")
        for ch in CHANNELS:
            out[f"share_{ch}"] = mix[ch] if ch in mix else 0.0
    out = out[days >= 25].reset_index()
    out.insert(1, "domain", domain)
    out["source"] = "analytics"
    return out


def our_traffic_from_report(frame: pd.DataFrame, domain: str) -> pd.DataFrame:
    """Our monthly traffic from a GA4 interface report by day (the ``web_cube`` rows of
    :mod:`trafficlib.readers.ga4_reports`: ``date``, ``sessions``, optionally
    ``channel``, ``engaged_sessions``, ``pageviews``), shaped as :func:`our_traffic`:
    visits = sessions summed per month (sessions add up over any grouping), pages per
    visit and bounce rate (1 − engaged / sessions) from the sums, channel shares when the
    report has the channel. Months the report covers on fewer than 25 days are dropped.
    Empty when the report has no date or no sessions."""
    cols = ["period", "domain", "visits", "source"]
    if "date" not in frame or "sessions" not in frame or frame["sessions"].isna().all():
        return pd.DataFrame(columns=cols)
    f = frame[frame["date"].notna()]
    period = f["date"].dt.to_period("M").dt.to_timestamp().rename("period")
    g = f.groupby(period)
    sessions = g["sessions"].sum(min_count=1).astype(float)
    out = pd.DataFrame({"visits": sessions})
    if "pageviews" in f and f["pageviews"].notna().any():
        out["pages_per_visit"] = g["pageviews"].sum() / sessions
    if "engaged_sessions" in f and f["engaged_sessions"].notna().any():
        out["bounce_rate"] = 1 - g["engaged_sessions"].sum() / sessions
    if "channel" in f and f["channel"].notna().any():
        bucket = f["channel"].astype("string").str.lower().map(_GA4_TO_BUCKET).fillna("direct")
        mix = f.assign(_b=bucket.to_numpy(), period=period.to_numpy()).pivot_table(
            index="period", columns="_b", values="sessions", aggfunc="sum", fill_value=0.0)
        mix = mix.div(mix.sum(axis=1), axis=0)
        for ch in CHANNELS:
            out[f"share_{ch}"] = mix[ch] if ch in mix else 0.0
    days = f["date"].dt.normalize().groupby(period).nunique()
    out = out[days >= 25].reset_index()
    out.insert(1, "domain", domain)
    out["source"] = "analytics"
    return out


def combine_traffic(competitors: pd.DataFrame | None, ours: pd.DataFrame | None = None) -> pd.DataFrame:
    """The competitors' estimates plus our own rows (which replace any estimate for our
    domain); a ``source`` column says which is which. Months not covered by every
    source of ``ours`` are kept; shares are computed per month on what is present."""
    parts = []
    if competitors is not None:
        c = competitors.copy()
        c["source"] = c.get("source", "similarweb") if "source" in c else "similarweb"
        if ours is not None and len(ours):
            c = c[~c["domain"].isin(ours["domain"].unique())]
        parts.append(c)
    if ours is not None:
        parts.append(ours)
    if not parts:
        raise ValueError("no traffic table")
    out = pd.concat(parts, ignore_index=True)
    if competitors is not None and ours is not None and len(ours):
        common = set(competitors["period"]) & set(ours["period"])
        out = out[out["period"].isin(common)] if common else out
    return out.sort_values(["period", "domain"]).reset_index(drop=True)


def traffic_share(traffic: pd.DataFrame) -> pd.DataFrame:
    """Visits and share of the visits of all listed domains, per period and domain.

    Returns period, domain, visits, share (fraction of the period's total), visits_change
    (relative change vs the previous period) and share_change (difference in share,
    fraction points).
    """
    t = traffic[["period", "domain", "visits"]].sort_values(["domain", "period"]).copy()
    t["share"] = t["visits"] / t.groupby("period")["visits"].transform("sum")
    t["visits_change"] = t.groupby("domain")["visits"].pct_change()
    t["share_change"] = t.groupby("domain")["share"].diff()
    return t.sort_values(["period", "visits"], ascending=[True, False]).reset_index(drop=True)


def traffic_summary(traffic: pd.DataFrame, period=None, trend_months: int = 6) -> pd.DataFrame:
    """One row per domain for ``period`` (default: the latest): visits, share, change vs
    the previous month, vs the same month a year earlier (when present), and ``trend``:
    the average monthly growth over the last ``trend_months`` months (log-linear fit,
    fraction per month). Sorted by visits."""
    ts = traffic_share(traffic)
    period = pd.Timestamp(period) if period is not None else ts["period"].max()
    rows = []
    for dom, g in ts[ts["period"] <= period].groupby("domain"):
        g = g.set_index("period").sort_index()
        if period not in g.index:
            continue
        last = g.loc[period]
        yoy = period - pd.DateOffset(years=1)
        recent = g.tail(trend_months)
        slope = np.nan
        if len(recent) >= 3:
            x = np.arange(len(recent))
            slope = float(np.exp(np.polyfit(x, np.log(recent["visits"].to_numpy()), 1)[0]) - 1)
        rows.append({"domain": dom, "visits": last["visits"], "share": last["share"],
                     "visits_change": last["visits_change"], "share_change": last["share_change"],
                     "yoy_change": last["visits"] / g.loc[yoy, "visits"] - 1 if yoy in g.index else np.nan,
                     "trend": slope})
    out = pd.DataFrame(rows).sort_values("visits", ascending=False).reset_index(drop=True)
    out.attrs["period"] = period
    return out


def channel_mix(traffic: pd.DataFrame, period=None) -> pd.DataFrame:
    """Traffic by channel per domain for ``period`` (default: latest): domain, channel
    (Similarweb bucket: direct, search, social, referral, paid, display, email), share
    (fraction of the domain's visits), visits (estimated), share_change (points vs the
    previous period)."""
    shares = [c for c in traffic.columns if c.startswith("share_") and traffic[c].notna().any()]
    period = pd.Timestamp(period) if period is not None else traffic["period"].max()
    t = traffic.sort_values("period")
    prev = t[t["period"] < period]["period"].max()
    long = t.melt(id_vars=["period", "domain", "visits"], value_vars=shares, var_name="channel", value_name="share")
    long["channel"] = long["channel"].str.removeprefix("share_")
    cur = long[long["period"] == period].copy()
    before = long[long["period"] == prev].set_index(["domain", "channel"])["share"]
    cur["visits"] = cur["visits"] * cur["share"]
    cur["share_change"] = cur["share"] - before.reindex(pd.MultiIndex.from_frame(cur[["domain", "channel"]])).to_numpy()
    return cur.drop(columns="period").reset_index(drop=True)


def engagement(traffic: pd.DataFrame, period=None) -> pd.DataFrame:
    """Engagement compared for ``period`` (default latest): domain, pages_per_visit,
    avg_visit_duration_s (seconds), bounce_rate, and their relative change vs the
    previous period (``*_change``). Note: our analytics bounce rate (GA4: not engaged)
    and Similarweb's (single-page visits) are not the same definition."""
    cols = [c for c in ("pages_per_visit", "avg_visit_duration_s", "bounce_rate") if c in traffic]
    period = pd.Timestamp(period) if period is not None else traffic["period"].max()
    t = traffic.sort_values("period")
    prev = t[t["period"] < period]["period"].max()
    cur = t[t["period"] == period].set_index("domain")[cols]
    before = t[t["period"] == prev].set_index("domain")[cols].reindex(cur.index)
    out = cur.copy()
    for c in cols:
        out[f"{c}_change"] = cur[c] / before[c] - 1
    return out.reset_index()
