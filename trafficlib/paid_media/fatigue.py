"""Creative fatigue: an ad whose click-through rate falls as it ages.

Read from an export by ad and by day. An ad's *age* is the days since its first day with
impressions in the export (an ad already running on the export's first day is older than
it looks: said in the rule). For each ad with at least ``min_days`` days: its CTR over
its first ``window`` days (*fresh*) and over its last ``window`` days (*now*), each with
its 95 % Wilson interval, its cost per result over the same days, and its mean daily
frequency (impressions / reach of each day's row) when the export has reach.

An ad is *fatigued* when its CTR now is at most ``1 - drop`` times its fresh CTR and the
two intervals do not overlap (the fall is not noise). It is *tired since* the first day
its CTR over the trailing ``window`` days fell to ``1 - drop`` times the fresh CTR or
less. Money at stake: over every such day, the day's spend x (1 - trailing CTR / fresh
CTR), the part of that spend buying fewer clicks than the same ad bought fresh.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib.metrics import ratio
from trafficlib.paid_media.breakdowns import wilson
from trafficlib.paid_media.inputs import View

__all__ = ["fatigue_view", "ad_age_curve", "creative_fatigue"]


def fatigue_view(views: list[View]) -> View | None:
    """The view to read fatigue from: by ad and by day, the fewest breakdowns; None
    when no export is by ad and day."""
    cands = [v for v in views if "ad" in v.levels and v.daily]
    return min(cands, key=lambda v: (len(v.breakdowns), v.name)) if cands else None


def _daily(view: View) -> pd.DataFrame:
    f = view.frame
    keys = [k for k in ("campaign", "ad_group", "ad") if k in f and f[k].notna().any()]
    d = f.assign(results=f["conversions"] if "conversions" in f else np.nan)
    d[keys] = d[keys].astype("string").fillna("(none)")
    cols = [c for c in ("cost", "impressions", "clicks", "results", "reach") if c in d]
    g = d.groupby(keys + ["date"], sort=True)[cols].sum(min_count=1).reset_index()
    g = g[g["impressions"].fillna(0) > 0]
    first = g.groupby(keys)["date"].transform("min")
    g["age"] = (g["date"] - first).dt.days
    g["ad_key"] = g[keys].astype(str).agg(" / ".join, axis=1)
    g["frequency"] = ratio(g["impressions"], g["reach"]) if "reach" in g else np.nan
    return g


def ad_age_curve(view: View, bucket: int = 7) -> pd.DataFrame:
    """CTR, cost per result and mean daily frequency by ad and age bucket (days
    ``bucket`` wide): ``ad``, ``ad_key``, ``age`` (first day of the bucket), ``impressions``,
    ``clicks``, ``cost``, ``results``, ``ctr``, ``cost_per_result``, ``frequency``."""
    g = _daily(view)
    g["age"] = (g["age"] // bucket) * bucket
    out = g.groupby(["ad_key", "ad", "age"], sort=True).agg(
        impressions=("impressions", "sum"), clicks=("clicks", "sum"), cost=("cost", "sum"),
        results=("results", "sum"), frequency=("frequency", "mean")).reset_index()
    out["ctr"] = ratio(out["clicks"], out["impressions"])
    out["cost_per_result"] = ratio(out["cost"], out["results"])
    return out


def creative_fatigue(view: View, window: int = 7, min_days: int = 21, drop: float = 0.25,
                     min_impressions: int = 1000) -> pd.DataFrame:
    """One row per ad with at least ``min_days`` days and ``min_impressions`` in each
    window: ``ad``, ``ad_key`` (campaign / ad set / ad), ``days``, ``first_day``,
    ``started_before`` (running on the export's first day: its true age is unknown),
    ``ctr_fresh`` / ``ctr_now`` with ``*_low`` / ``*_high`` (95 % Wilson),
    ``ctr_change`` (fraction), ``cpr_fresh`` / ``cpr_now`` (money per result),
    ``freq_fresh`` / ``freq_now`` (mean daily frequency), ``cost_now`` (money, last
    window), ``fatigued`` (bool, see module doc), ``tired_since`` (day), ``cost_tired``
    (money spent since) and ``money_at_stake`` (money); fatigued ads
    first, then by money at stake."""
    g = _daily(view)
    first_day = g["date"].min()
    rows = []
    for key, a in g.groupby("ad_key", sort=False):
        a = a.sort_values("date")
        if a["date"].nunique() < min_days:
            continue
        fresh = a[a["age"] < window]
        now = a[a["date"] > a["date"].max() - pd.Timedelta(days=window)]
        if fresh["impressions"].sum() < min_impressions or now["impressions"].sum() < min_impressions:
            continue
        r = {"ad": a["ad"].iloc[0], "ad_key": key, "days": int(a["date"].nunique()), "first_day": a["date"].min(),
             "started_before": bool(a["date"].min() == first_day)}
        for name, part in (("fresh", fresh), ("now", now)):
            r[f"ctr_{name}"] = ratio(part["clicks"].sum(), part["impressions"].sum())
            lo, hi = wilson([part["clicks"].sum()], [part["impressions"].sum()])
            r[f"ctr_{name}_low"], r[f"ctr_{name}_high"] = float(lo[0]), float(hi[0])
            r[f"cpr_{name}"] = ratio(part["cost"].sum(), part["results"].sum())
            r[f"freq_{name}"] = float(part["frequency"].mean()) if part["frequency"].notna().any() else np.nan
        r["cost_now"] = float(now["cost"].sum())
        r["ctr_change"] = r["ctr_now"] / r["ctr_fresh"] - 1 if r["ctr_fresh"] else np.nan
        r["fatigued"] = bool(np.isfinite(r["ctr_change"]) and r["ctr_change"] <= -drop
                             and r["ctr_now_high"] < r["ctr_fresh_low"])
        daily = a.set_index("date")[["clicks", "impressions", "cost"]].asfreq("D", fill_value=0)
        trail = daily.rolling(window, min_periods=window).sum()
        ctr_trail = trail["clicks"] / trail["impressions"].where(trail["impressions"] > 0)
        tired = (ctr_trail <= (1 - drop) * r["ctr_fresh"]) & (ctr_trail.index >= a["date"].min()
                                                             + pd.Timedelta(days=window))
        r["tired_since"] = tired.idxmax() if r["fatigued"] and tired.any() else pd.NaT
        r["cost_tired"] = float(daily["cost"][tired].sum()) if r["fatigued"] else 0.0
        r["money_at_stake"] = (float((daily["cost"] * (1 - ctr_trail / r["ctr_fresh"]))[tired].sum())
                               if r["fatigued"] else 0.0)
        rows.append(r)
    cols = ["ad", "ad_key", "days", "first_day", "started_before", "ctr_fresh", "ctr_now", "ctr_change", "cpr_fresh",
            "cpr_now", "freq_fresh", "freq_now", "cost_now", "fatigued", "tired_since", "cost_tired", "money_at_stake"]
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame(rows)
    return out.sort_values(["fatigued", "money_at_stake"], ascending=[False, False]).reset_index(drop=True)
