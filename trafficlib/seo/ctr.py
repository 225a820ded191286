"""The site's own CTR curve by position, and the queries that fall far below it.

Published CTR curves average thousands of sites; a site's own curve depends on its
SERP features, its brand and its snippets. :func:`ctr_curve` fits
``CTR(position) = a × position^-b`` on the site's non-brand visible queries
(positions 1-20), by binomial maximum likelihood with a robust loss so the few
queries with a broken snippet do not drag the curve down. :func:`opportunities` lists
the queries whose CTR is far below the curve at their position (title / snippet
work), with the clicks at stake; :func:`striking_distance` the queries ranking 8-20
with many impressions, and the clicks they would get at a target position.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from trafficlib.metrics import ratio
from trafficlib.seo.core import SearchData, is_brand, summarise

__all__ = ["CtrCurve", "ctr_curve", "observed_curve", "opportunities", "striking_distance"]


@dataclass(frozen=True)
class CtrCurve:
    """CTR(position) = ``a`` × position^-``b``, fitted on ``queries`` queries
    (``impressions`` impressions) between positions 1 and ``max_position``."""

    a: float
    b: float
    queries: int
    impressions: float
    max_position: float = 20.0

    def __call__(self, position):
        p = np.clip(np.asarray(position, dtype=float), 1.0, None)
        return np.clip(self.a * p ** (-self.b), 0.0, 1.0)

    @property
    def ok(self) -> bool:
        return np.isfinite(self.a) and np.isfinite(self.b)


def _visible(sd: SearchData, include_brand: bool = False) -> pd.DataFrame:
    q = sd.queries
    if q is None or q.empty:
        return pd.DataFrame(columns=["query", "clicks", "impressions", "ctr", "position", "brand"])
    q = summarise(q, "query")
    q["brand"] = is_brand(q["query"], sd.brand).to_numpy()
    return q if include_brand else q[~q["brand"]]


def ctr_curve(sd: SearchData, min_impressions: int = 20, max_position: float = 20.0) -> CtrCurve:
    """Fit the site's CTR curve on its non-brand queries with at least
    ``min_impressions`` impressions and a position ≤ ``max_position``.

    Maximises the binomial likelihood of clicks given impressions under a Cauchy-like
    robust loss on Pearson residuals (``scipy.optimize.least_squares``, ``soft_l1``).
    Returns a :class:`CtrCurve` (NaN parameters when fewer than 5 queries qualify).
    """
    q = _visible(sd)
    q = q[(q["impressions"] >= min_impressions) & q["position"].between(1, max_position)]
    if len(q) < 5 or q["clicks"].sum() == 0:
        return CtrCurve(np.nan, np.nan, len(q), float(q["impressions"].sum()), max_position)
    pos, imp, clk = q["position"].to_numpy(float), q["impressions"].to_numpy(float), q["clicks"].to_numpy(float)
    start_a = max(float(np.clip(clk[pos < 2].sum() / max(imp[pos < 2].sum(), 1), 0.02, 0.9)), 0.05)

    def resid(theta):
        a, b = np.exp(theta[0]), theta[1]
        f = np.clip(a * pos ** (-b), 1e-6, 0.999)
        return (clk - imp * f) / np.sqrt(imp * f * (1 - f))

    fit = optimize.least_squares(resid, x0=[np.log(start_a), 1.0], loss="soft_l1", f_scale=2.0,
                                 bounds=([np.log(1e-4), 0.0], [0.0, 4.0]))
    return CtrCurve(float(np.exp(fit.x[0])), float(fit.x[1]), len(q), float(imp.sum()), max_position)


def observed_curve(sd: SearchData, max_position: int = 20, include_brand: bool = False) -> pd.DataFrame:
    """The site's CTR per rounded position (1..``max_position``) over its visible
    queries: ``position``, ``clicks``, ``impressions``, ``ctr`` (clicks / impressions),
    ``queries``."""
    q = _visible(sd, include_brand)
    q = q[q["position"].notna()].assign(bucket=lambda x: x["position"].round().clip(lower=1))
    q = q[q["bucket"] <= max_position]
    g = q.groupby("bucket").agg(clicks=("clicks", "sum"), impressions=("impressions", "sum"),
                                queries=("query", "size")).reset_index().rename(columns={"bucket": "position"})
    g["ctr"] = ratio(g["clicks"], g["impressions"])
    return g


def opportunities(sd: SearchData, curve: CtrCurve, min_impressions: int = 100, ratio_below: float = 0.5,
                  alpha: float = 0.01) -> pd.DataFrame:
    """Non-brand queries whose CTR is far below the site's curve at their position.

    A query qualifies with ≥ ``min_impressions`` impressions, a position within the
    curve's range, a CTR below ``ratio_below`` × the curve's, and a binomial test saying
    so (P[clicks ≤ observed] < ``alpha`` at the curve's CTR). Returns ``query``,
    ``clicks``, ``impressions``, ``ctr``, ``position``, ``expected_ctr``,
    ``expected_clicks``, ``clicks_at_stake`` (expected − observed clicks over the
    period), sorted by clicks at stake.
    """
    cols = ["query", "clicks", "impressions", "ctr", "position", "expected_ctr", "expected_clicks", "clicks_at_stake"]
    if not curve.ok:
        return pd.DataFrame(columns=cols)
    q = _visible(sd)
    q = q[(q["impressions"] >= min_impressions) & q["position"].between(1, curve.max_position)].copy()
    q["expected_ctr"] = curve(q["position"])
    q["expected_clicks"] = q["impressions"] * q["expected_ctr"]
    p = stats.binom.cdf(q["clicks"], q["impressions"].astype(int), q["expected_ctr"])
    far = (q["ctr"] < ratio_below * q["expected_ctr"]) & (p < alpha)
    out = q[far].assign(clicks_at_stake=lambda x: x["expected_clicks"] - x["clicks"])
    return out.sort_values("clicks_at_stake", ascending=False)[cols].reset_index(drop=True)


def striking_distance(sd: SearchData, curve: CtrCurve, positions: tuple[float, float] = (8, 20),
                      min_impressions: int = 200, target: float = 3.0) -> pd.DataFrame:
    """Queries ranking between ``positions`` (average position) with at least
    ``min_impressions`` impressions: the ones a small ranking gain would pay most.

    Returns ``query``, ``clicks``, ``impressions``, ``ctr``, ``position``,
    ``target_ctr`` (the site's curve at ``target``), ``clicks_at_target`` and
    ``clicks_at_stake`` (clicks at target − clicks), sorted by clicks at stake. Brand
    queries included (they rarely sit there).
    """
    cols = ["query", "clicks", "impressions", "ctr", "position", "target_ctr", "clicks_at_target", "clicks_at_stake"]
    q = _visible(sd, include_brand=True)
    q = q[q["position"].between(*positions) & (q["impressions"] >= min_impressions)].copy()
    if q.empty or not curve.ok:
        return pd.DataFrame(columns=cols)
    q["target_ctr"] = float(curve(target))
    q["clicks_at_target"] = q["impressions"] * q["target_ctr"]
    q["clicks_at_stake"] = (q["clicks_at_target"] - q["clicks"]).clip(lower=0)
    return q.sort_values("clicks_at_stake", ascending=False)[cols].reset_index(drop=True)
