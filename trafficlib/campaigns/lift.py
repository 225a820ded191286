"""Site outcome series for the causal lift, and what the lift is worth."""
from __future__ import annotations

from typing import Iterable

import pandas as pd

from trafficlib.causal import CausalImpactResult
from trafficlib.errors import TrafficDataError
from trafficlib.metrics import ratio as _div

KPI_COLUMNS = {"sessions": None, "conversions": "conversions", "revenue": "revenue"}


def lift_series(sessions: pd.DataFrame, kpi: str = "sessions", treated: dict | None = None,
                controls: str = "others", start=None, end=None) -> pd.DataFrame:
    """Daily outcome of the targeted segment and of its control, from canonical sessions.

    ``kpi`` is ``"sessions"``, ``"conversions"`` or ``"revenue"`` (per day).
    ``treated`` selects the segment the campaign targeted, e.g. ``{"country": "FR"}``.
    ``controls="others"`` gives one ``control`` column: the same KPI for everything
    else (e.g. the countries the campaign did not target); ``"each"`` gives one column per
    value of the treated dimension (``control_BE``...). Returns a DataFrame indexed by
    day with ``treated`` and the control column(s); days without sessions are 0.
    """
    if kpi not in KPI_COLUMNS:
        raise TrafficDataError(f"unknown KPI '{kpi}' (use sessions, conversions or revenue)", column="kpi")
    treated = treated or {"country": "FR"}
    (dim, value), = treated.items()
    if dim not in sessions.columns:
        raise TrafficDataError(f"sessions have no '{dim}' column to split treated from control", column=dim)
    day = pd.to_datetime(sessions["start"]).dt.normalize()
    col = KPI_COLUMNS[kpi]
    vals = pd.Series(1.0, index=sessions.index) if col is None else pd.to_numeric(sessions[col], errors="coerce").fillna(0.0)
    seg = sessions[dim].astype("string").str.strip().str.upper()
    is_t = (seg == str(value).strip().upper()).fillna(False)
    full = pd.date_range(start or day.min(), end or day.max(), freq="D")
    out = pd.DataFrame(index=full)
    out.index.name = "date"
    out["treated"] = vals[is_t].groupby(day[is_t]).sum().reindex(full, fill_value=0.0)
    if controls == "each":
        for v, g in vals[~is_t].groupby([seg[~is_t].fillna("(none)"), day[~is_t]]).sum().unstack(0).items():
            out[f"control_{v}"] = g.reindex(full, fill_value=0.0)
    else:
        out["control"] = vals[~is_t].groupby(day[~is_t]).sum().reindex(full, fill_value=0.0)
    return out


def default_periods(daily: pd.DataFrame, start, end, pre_days: int | None = None):
    """(pre_period, post_period) for a flight ``start``..``end``: the pre-period runs from
    the first day of data (or ``pre_days`` before the start) to the day before."""
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    first = daily.index.min()
    if pre_days:
        first = max(first, start - pd.Timedelta(days=pre_days))
    return (first, start - pd.Timedelta(days=1)), (start, end)


def site_outcomes(sessions: pd.DataFrame, campaigns: str | Iterable[str], start=None, end=None) -> dict[str, float]:
    """Sessions, conversions and revenue the site recorded with the campaign's UTM
    ``campaign`` (case- and space-insensitive: ``Prospection_Printemps`` counts), last
    click, over the dates. Returns a dict of floats."""
    names = {campaigns.strip().lower()} if isinstance(campaigns, str) else {c.strip().lower() for c in campaigns}
    s = sessions
    m = s["campaign"].astype("string").str.strip().str.lower().isin(names).fillna(False)
    if start is not None:
        m &= s["start"] >= pd.Timestamp(start)
    if end is not None:
        m &= s["start"] < pd.Timestamp(end) + pd.Timedelta(days=1)
    sub = s[m]
    rev = pd.to_numeric(sub["revenue"], errors="coerce").sum() if "revenue" in sub else float("nan")
    return {"sessions": float(len(sub)), "conversions": float(pd.to_numeric(sub["conversions"]).sum()),
            "revenue": float(rev)}


def incremental_economics(cost: float, conversions: CausalImpactResult | None = None,
                          revenue: CausalImpactResult | None = None) -> pd.DataFrame:
    """Incremental CPA and ROAS from causal-lift results, with their intervals.

    ``conversions`` / ``revenue`` are :func:`causal_impact` results on daily conversions
    and revenue. Incremental CPA = cost / incremental conversions (its interval maps the
    effect's bounds: cost / upper .. cost / lower, NaN where the bound is <= 0, i.e. the
    data cannot rule out no effect); incremental ROAS = incremental revenue / cost.
    Returns rows ``incremental_conversions``, ``incremental_cpa``,
    ``incremental_revenue``, ``incremental_roas`` with ``estimate``, ``lower``, ``upper``.
    """
    rows = {}
    if conversions is not None:
        c = conversions.summary.loc["cumulative"]
        rows["incremental_conversions"] = (c["abs_effect"], c["abs_effect_lower"], c["abs_effect_upper"])
        pos = lambda x: _div(cost, x) if x > 0 else float("nan")  # noqa: E731
        rows["incremental_cpa"] = (pos(c["abs_effect"]), pos(c["abs_effect_upper"]), pos(c["abs_effect_lower"]))
    if revenue is not None:
        r = revenue.summary.loc["cumulative"]
        rows["incremental_revenue"] = (r["abs_effect"], r["abs_effect_lower"], r["abs_effect_upper"])
        rows["incremental_roas"] = tuple(_div(v, cost) for v in
                                         (r["abs_effect"], r["abs_effect_lower"], r["abs_effect_upper"]))
    return pd.DataFrame.from_dict(rows, orient="index", columns=["estimate", "lower", "upper"])
