"""Ad KPIs: sums and ratios of canonical ``ad_spend`` rows, targets and budget pacing."""
from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from trafficlib import i18n
from trafficlib.errors import TrafficDataError
from trafficlib.metrics import ratio as _div  # the kit's one rule: zero denominator -> NaN


SUMS = ["impressions", "reach", "clicks", "cost", "conversions", "conversion_value"]
RATIOS = ["frequency", "ctr", "cpc", "cpm", "cvr", "cpa", "roas"]


def add_ratios(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the ratio KPIs (frequency, ctr, cpc, cpm, cvr, cpa, roas) to a frame of
    summed counts; returns a copy. Zero denominators give NaN."""
    out = frame.copy()
    out["frequency"] = _div(out["impressions"], out["reach"]) if "reach" in out else np.nan
    out["ctr"] = _div(out["clicks"], out["impressions"])
    out["cpc"] = _div(out["cost"], out["clicks"])
    out["cpm"] = 1000 * _div(out["cost"], out["impressions"])
    out["cvr"] = _div(out["conversions"], out["clicks"])
    out["cpa"] = _div(out["cost"], out["conversions"])
    out["roas"] = _div(out["conversion_value"], out["cost"])
    return out


def select(ad_spend: pd.DataFrame, campaigns: str | Iterable[str] | None = None,
           start=None, end=None, platform: str | None = None) -> pd.DataFrame:
    """Rows of ``ad_spend`` for the campaign(s) (case- and space-insensitive names),
    platform and inclusive date range. Raises TrafficDataError when nothing matches."""
    df = ad_spend
    if campaigns is not None:
        names = [campaigns] if isinstance(campaigns, str) else list(campaigns)
        wanted = {str(n).strip().lower() for n in names}
        key = df["campaign"].astype("string").str.strip().str.lower()
        df = df[key.isin(wanted).fillna(False)]
        if df.empty:
            known = ", ".join(sorted(ad_spend["campaign"].dropna().astype(str).unique())[:10])
            raise TrafficDataError(f"no ad spend for campaign {', '.join(names)}", column="campaign",
                                   hint=f"campaigns in the data: {known}")
    if platform is not None:
        df = df[df["platform"].astype("string").str.lower() == platform.lower()]
    if start is not None:
        df = df[df["date"] >= pd.Timestamp(start)]
    if end is not None:
        df = df[df["date"] <= pd.Timestamp(end)]
    return df


def kpis(ad_spend: pd.DataFrame, by: str | Sequence[str] | None = ("campaign",)) -> pd.DataFrame:
    """Summed counts and ratio KPIs of canonical ``ad_spend`` rows, grouped ``by``
    (e.g. ``"campaign"``, ``["campaign", "ad_group"]``, ``"date"``; None for one total row).

    Returns one row per group with impressions, reach, clicks, cost, conversions,
    conversion_value (sums; conversions and value as the platform reports them) and
    frequency, ctr, cpc, cpm, cvr, cpa, roas. Reach is summed as reported: daily reach
    summed over days counts a person once per day, so frequency over a period is a lower
    bound of the true one; reach is NaN where the platform does not give it.
    """
    df = ad_spend.copy()
    for c in SUMS:
        if c not in df.columns:
            df[c] = np.nan
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    if by is None or (not isinstance(by, str) and len(by) == 0):
        sums = df[SUMS].sum(min_count=1).to_frame().T
        sums.index = ["total"]
    else:
        keys = [by] if isinstance(by, str) else list(by)
        sums = df.groupby(keys, dropna=False, observed=True)[SUMS].sum(min_count=1)
    for c in ("impressions", "clicks", "cost"):
        sums[c] = sums[c].fillna(0.0)
    return add_ratios(sums)


_TARGET_LABELS = {
    "cost": ("Spend vs budget", "Dépense / budget"),
    "cpa": ("CPA (platform)", "CPA (plateforme)"),
    "roas": ("ROAS (platform)", "ROAS (plateforme)"),
    "incremental_cpa": ("Incremental CPA", "CPA incrémental"),
    "incremental_roas": ("Incremental ROAS", "ROAS incrémental"),
}


def against_targets(total: pd.Series | dict, budget: float | None = None,
                    target_cpa: float | None = None, target_roas: float | None = None,
                    lang: str = "en") -> pd.DataFrame:
    """Compare achieved KPIs with targets.

    ``total`` holds ``cost``, ``cpa``, ``roas`` and optionally ``incremental_cpa`` /
    ``incremental_roas``. Returns rows ``metric`` (label), ``key``, ``actual``,
    ``target``, ``gap`` (actual / target − 1, a fraction) and ``met`` (bool; lower is
    better for cost and CPA, higher for ROAS). Targets left at None are skipped.
    """
    rows = []
    spec = [("cost", budget, False), ("cpa", target_cpa, False), ("incremental_cpa", target_cpa, False),
            ("roas", target_roas, True), ("incremental_roas", target_roas, True)]
    for key, target, higher in spec:
        if target is None or key not in total:
            continue
        actual = float(total[key]) if total[key] is not None else float("nan")
        gap = _div(actual - target, target)
        met = (actual >= target) if higher else (actual <= target)
        en, fr = _TARGET_LABELS[key]
        rows.append({"metric": i18n.text(lang, en, fr), "key": key, "actual": actual, "target": float(target),
                     "gap": gap, "met": bool(met) if not math.isnan(actual) else False})
    return pd.DataFrame(rows, columns=["metric", "key", "actual", "target", "gap", "met"])


def pacing(ad_spend: pd.DataFrame, start, end, budget: float, as_of=None) -> pd.DataFrame:
    """Budget pacing over the flight: spent vs planned, day by day.

    The plan spends ``budget`` evenly over the flight days ``start``..``end`` (inclusive).
    Returns one row per flight day up to ``as_of`` (default: the last day with data or
    ``end``) with ``spend``, ``cum_spend``, ``planned_cum`` and ``pacing`` (cum_spend /
    planned_cum: 1.0 on plan, > 1 overspending). ``frame.attrs`` holds ``spent``,
    ``budget``, ``expected_total`` (spend so far extrapolated to the flight's end at the
    current rate) and ``pacing`` at ``as_of``.
    """
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if end < start:
        raise TrafficDataError("the flight ends before it starts", column="end")
    flight = pd.date_range(start, end, freq="D")
    daily = (ad_spend.assign(date=pd.to_datetime(ad_spend["date"]).dt.normalize())
             .groupby("date")["cost"].sum().astype(float))
    last = pd.Timestamp(as_of).normalize() if as_of is not None else min(end, daily.index.max() if len(daily) else end)
    days = flight[flight <= last]
    out = pd.DataFrame(index=days)
    out.index.name = "date"
    out["spend"] = daily.reindex(days, fill_value=0.0).to_numpy()
    out["cum_spend"] = out["spend"].cumsum()
    per_day = budget / len(flight) if budget else float("nan")
    out["planned_cum"] = per_day * np.arange(1, len(days) + 1)
    out["pacing"] = _div(out["cum_spend"], out["planned_cum"])
    spent = float(out["cum_spend"].iloc[-1]) if len(out) else 0.0
    out.attrs = {
        "spent": spent, "budget": float(budget) if budget else float("nan"),
        "expected_total": spent / len(days) * len(flight) if len(days) else float("nan"),
        "pacing": float(out["pacing"].iloc[-1]) if len(out) else float("nan"),
        "share_of_flight": len(days) / len(flight),
    }
    return out
