"""The budget optimiser: the same total, spread over channels within bounds, to get the
most expected outcome from the fitted response curves.

The plan is a steady spend per period per channel over the planning horizon (13 weeks by
default). Its expected outcome is the steady-state effect of that spend (the adstocked
level of a steady spend equals it), summed over the horizon: the ramp from today's
levels and the carry-over beyond the horizon are left out, as in PyMC-Marketing's and
Robyn's allocators. The curves are averaged over the posterior draws; the uplift's
interval is the 5th-95th percentile of the per-draw uplift of the chosen plan.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize

__all__ = ["allocate", "optimize_budget", "BudgetPlan"]


def allocate(response, current, total: float, lower, upper, starts: int = 6, seed: int = 0) -> np.ndarray:
    """The spend per channel (C,) with ``sum == total`` and ``lower <= s <= upper`` that
    maximizes ``response(s)`` (a smooth scalar function), by SLSQP (SciPy) from today's
    spend, from each corner (one channel filled first) and from ``starts`` random feasible
    points: S-shaped curves have several local optima, and the best is often a corner.
    Raises ValueError when the bounds cannot hold the total."""
    current, lower, upper = (np.asarray(v, float) for v in (current, lower, upper))
    if lower.sum() > total * (1 + 1e-9) or upper.sum() < total * (1 - 1e-9):
        raise ValueError(f"the bounds cannot hold this total: they allow {lower.sum():,.0f} to {upper.sum():,.0f} "
                         f"per period, the total is {total:,.0f}")
    if total <= 0:
        return np.zeros_like(current)
    unit = total

    span = upper - lower
    fill = lower + (total - lower.sum()) * (span / span.sum() if span.sum() > 0 else 1 / len(span))
    norm = max(abs(response(current)), abs(response(fill)), 1e-12)  # objective of order 1 for SLSQP's tolerances

    def f(x):
        return -response(x * unit) / norm

    bounds = list(zip(lower / unit, upper / unit))
    cons = [{"type": "eq", "fun": lambda x: x.sum() - 1.0}]
    rng = np.random.default_rng(seed)
    x0s = [np.clip(current, lower, upper), fill]
    for j in range(len(current)):  # the corners: channel j first to its bound, the rest at their lowest
        corner = lower.copy()
        corner[j] = min(upper[j], lower[j] + total - lower.sum())
        left = total - corner.sum()
        if left > 0:
            room = upper - corner
            corner += left * room / max(room.sum(), 1e-12)
        x0s.append(corner)
    for _ in range(starts):
        w = rng.dirichlet(np.ones(len(current)))
        x0s.append(lower + (total - lower.sum()) * w)
    best, best_val = None, np.inf
    for x0 in x0s:
        x0 = x0 / unit
        x0 = x0 + (1 - x0.sum()) * (span / unit) / max((span / unit).sum(), 1e-12)
        res = minimize(f, np.clip(x0, lower / unit, upper / unit), method="SLSQP", bounds=bounds, constraints=cons,
                       options={"maxiter": 300, "ftol": 1e-10})
        x = np.clip(res.x, lower / unit, upper / unit)
        val = f(x)
        if abs(x.sum() - 1) < 1e-6 and val < best_val:
            best, best_val = x, val
    if best is None:
        raise RuntimeError("the budget optimiser found no plan within the bounds")
    return best * unit


@dataclass
class BudgetPlan:
    """An optimiser's answer. ``table``: one row per channel with spend per period
    ``current`` and ``recommended`` (currency), ``change``, ``change_pct``, the bounds, and
    the marginal ROI at both (``mroi_current``, ``mroi_recommended``: outcome per extra
    currency unit, posterior mean). ``summary``: ``periods``, ``budget`` (over the horizon),
    ``outcome_current`` / ``outcome_recommended`` (media effect over the horizon, posterior
    mean), ``uplift`` (median), ``uplift_lower`` / ``uplift_upper`` (90 %), ``uplift_pct``
    (of the current media effect) and ``prob_positive``."""

    table: pd.DataFrame
    summary: dict


def optimize_budget(result, total: float | None = None, bounds: dict | None = None, periods: int = 13,
                    reference: int = 13, default_bounds: tuple = (0.5, 1.5),
                    spend_bounds: dict | None = None) -> BudgetPlan:
    """Reallocate the budget of the next ``periods`` weeks across the channels of ``result``.

    Today's spend per period is the mean of the last ``reference`` weeks (daily data: per
    day, over 7 x as many days). ``total`` (over the horizon) defaults to today's spend over
    the horizon. ``bounds``: {channel: (low, high)} as multiples of today's spend
    (``default_bounds`` for the others, 0.5-1.5: a plan that keeps every channel alive and
    does not leave the spends the model has seen far behind); a channel idle over the
    reference weeks may go from 0 up to ``high`` times its mean over the whole history.
    ``spend_bounds``: {channel: (low, high)} in currency per period instead, for channels
    with contractual floors or caps (they override ``bounds``)."""
    d = result.design
    per_week = 7 if d.freq == "D" else 1  # ``periods`` and ``reference`` are in weeks
    periods, reference = periods * per_week, reference * per_week
    current = d.spend[-reference:].mean(axis=0)
    # a channel idle over the reference weeks (TV between flights) is bounded by its mean
    # over the whole history, so that the plan may bring it back
    base = np.where(current > 0, current, d.spend.mean(axis=0))
    per_period = (current.sum() if total is None else float(total) / periods)
    lo_m = np.array([(bounds or {}).get(c, default_bounds)[0] for c in d.channels], float)
    hi_m = np.array([(bounds or {}).get(c, default_bounds)[1] for c in d.channels], float)
    if (lo_m < 0).any() or (hi_m < lo_m).any():
        raise ValueError("bounds must be 0 <= low <= high (multiples of today's spend)")
    lower, upper = np.where(current > 0, current * lo_m, 0.0), base * hi_m
    for c, (lo, hi) in (spend_bounds or {}).items():
        if c not in d.channels:
            raise ValueError(f"spend_bounds names a channel the model does not have: {c!r}")
        if not 0 <= lo <= hi:
            raise ValueError(f"spend_bounds of {c!r} must be 0 <= low <= high")
        j = d.channels.index(c)
        lower[j], upper[j] = lo, hi

    def expected(s):
        return float(result.weekly_response(s).mean(axis=0).sum())

    plan = allocate(expected, current * per_period / max(current.sum(), 1e-12), per_period, lower, upper)
    r_cur = result.weekly_response(current).sum(axis=1) * periods
    r_new = result.weekly_response(plan).sum(axis=1) * periods
    uplift = r_new - r_cur

    def mroi(s):
        eps = np.maximum(s * 0.01, 1.0)
        base = result.weekly_response(s).mean(axis=0)
        out = []
        for j in range(len(s)):
            more = s.copy()
            more[j] += eps[j]
            out.append((result.weekly_response(more).mean(axis=0)[j] - base[j]) / eps[j])
        return np.array(out)

    table = pd.DataFrame({"channel": d.channels, "current": current, "recommended": plan,
                          "change": plan - current,
                          "change_pct": np.where(current > 0,
                                                 (plan - current) / np.where(current > 0, current, 1) * 100, np.nan),
                          "lower_bound": lower, "upper_bound": upper,
                          "mroi_current": mroi(current), "mroi_recommended": mroi(plan)})
    summary = {"periods": periods, "weeks": periods // per_week, "budget": per_period * periods,
               "outcome_current": float(r_cur.mean()),
               "outcome_recommended": float(r_new.mean()), "uplift": float(np.median(uplift)),
               "uplift_lower": float(np.percentile(uplift, 5)), "uplift_upper": float(np.percentile(uplift, 95)),
               "uplift_pct": float(np.median(uplift) / r_cur.mean() * 100) if r_cur.mean() else float("nan"),
               "prob_positive": float((uplift > 0).mean())}
    return BudgetPlan(table=table, summary=summary)
