"""Breakdowns (age, gender, region, device, placement) with differences that are real.

Each segment's CTR (clicks / impressions) and conversion rate (results / clicks) comes
with its 95 % Wilson interval (:func:`statsmodels.stats.proportion.proportion_confint`,
``method="wilson"``). A segment *differs* from the rest of its breakdown when its
interval and the interval of every other segment pooled do not overlap: a difference
the sample sizes could produce by chance is shown as "not different", never ranked.
Conversion rates above 1 (a platform counting view-through results without a click)
get no interval: a proportion of clicks they are not.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from trafficlib.paid_media.inputs import BREAKDOWNS, View
from trafficlib.paid_media.summary import SUMS, with_ratios

__all__ = ["wilson", "breakdown", "available_breakdowns", "breakdown_view", "costly_segments"]


def wilson(successes, trials, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) of the Wilson score interval of successes / trials, as fractions;
    NaN where trials is 0 or successes exceed trials. Successes are rounded to whole
    counts (platforms write fractional conversions)."""
    k = np.round(np.asarray(successes, dtype=float))
    n = np.asarray(trials, dtype=float)
    ok = (n > 0) & (k >= 0) & (k <= n) & np.isfinite(k) & np.isfinite(n)
    lo = np.full(n.shape, np.nan)
    hi = np.full(n.shape, np.nan)
    if ok.any():
        lo[ok], hi[ok] = proportion_confint(k[ok], n[ok], alpha=alpha, method="wilson")
    return lo, hi


def breakdown_view(views: list[View], name: str) -> View | None:
    """The view to read breakdown ``name`` from: the one split by it with the fewest
    other breakdowns (a campaign x age export before a campaign x age x gender one)."""
    cands = [v for v in views if name in v.breakdowns]
    return min(cands, key=lambda v: (len(v.breakdowns), v.name)) if cands else None


def available_breakdowns(views: list[View]) -> dict[str, View | None]:
    """{breakdown: the view feeding it, or None} for every breakdown of
    :data:`~trafficlib.paid_media.inputs.BREAKDOWNS`."""
    return {b: breakdown_view(views, b) for b in BREAKDOWNS}


def breakdown(views: list[View], name: str, min_impressions: int = 100) -> pd.DataFrame:
    """Breakdown ``name`` (age, gender, region, device, placement) summed over the
    platform of its view (:func:`breakdown_view`): one row per segment with the sums,
    ratios, ``share_cost`` (fraction of the view's spend), ``ctr_low`` / ``ctr_high`` and
    ``cvr_low`` / ``cvr_high`` (95 % Wilson), ``ctr_vs_rest`` / ``cvr_vs_rest``
    ("higher", "lower" or "same": intervals that do not overlap the rest's pooled
    interval, see module doc), costliest first. Segments under ``min_impressions`` are
    pooled as "(other)". Empty when no view holds the breakdown."""
    v = breakdown_view(views, name)
    cols = ["segment", *SUMS, "ctr", "ctr_low", "ctr_high", "cvr", "cvr_low", "cvr_high"]
    if v is None:
        return pd.DataFrame(columns=cols)
    f = v.frame.copy()
    seg_cols = [c for c in BREAKDOWNS[name] if c in f and f[c].notna().any()]
    if name == "placement" and len(seg_cols) > 1:  # Meta: "instagram · Stories"
        seg = f[seg_cols[1]].astype("string").fillna("") + " · " + f[seg_cols[0]].astype("string").fillna("")
        seg = seg.str.strip(" ·")
    else:
        seg = f[seg_cols[0]].astype("string")
    f["segment"] = seg.fillna("(not set)").replace("", "(not set)")
    f["results"] = f["conversions"] if "conversions" in f else np.nan
    g = f.groupby("segment", sort=False)[[c for c in SUMS if c in f]].sum(min_count=1)
    small = g["impressions"].fillna(0) < min_impressions
    if small.sum() > 1:
        g = pd.concat([g[~small], g[small].sum(min_count=1).to_frame("(other)").T])
    out = with_ratios(g.reset_index(names="segment"))
    out["share_cost"] = out["cost"] / out["cost"].sum() if out["cost"].sum() else np.nan
    out["ctr_low"], out["ctr_high"] = wilson(out["clicks"], out["impressions"])
    out["cvr_low"], out["cvr_high"] = wilson(out["results"], out["clicks"])
    for rate, num, den in (("ctr", "clicks", "impressions"), ("cvr", "results", "clicks")):
        rest_num = out[num].sum() - out[num]
        rest_den = out[den].sum() - out[den]
        r_lo, r_hi = wilson(rest_num, rest_den)
        lo, hi = out[f"{rate}_low"], out[f"{rate}_high"]
        verdict = np.where(lo > r_hi, "higher", np.where(hi < r_lo, "lower", "same"))
        out[f"{rate}_vs_rest"] = np.where(lo.isna() | np.isnan(r_lo), "", verdict)
    out["platform"] = v.platform
    out["currency"] = v.currency
    out["file"] = v.name
    return out.sort_values("cost", ascending=False, kind="stable").reset_index(drop=True)


def costly_segments(frame: pd.DataFrame, factor: float = 1.3) -> pd.DataFrame:
    """Segments of a :func:`breakdown` whose cost per result is at least ``factor``
    times the breakdown's own and whose conversion rate is really lower than the rest's
    (``cvr_vs_rest == "lower"``), with ``excess_cost`` = cost - results x the
    breakdown's cost per result (money: what the same results would cost at the
    average); costliest excess first."""
    if frame.empty or frame["results"].sum() <= 0:
        return frame.iloc[0:0].assign(excess_cost=pd.Series(dtype=float))
    cpr = frame["cost"].sum() / frame["results"].sum()
    bad = frame[(frame["cost_per_result"].fillna(np.inf) >= factor * cpr) & (frame["cvr_vs_rest"] == "lower")].copy()
    bad["excess_cost"] = bad["cost"] - bad["results"] * cpr
    return bad.sort_values("excess_cost", ascending=False).reset_index(drop=True)
