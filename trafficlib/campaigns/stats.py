"""Intervals on rates, A/B tests and sample sizes (statsmodels)."""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import pandas as pd

from trafficlib.campaigns.kpis import kpis
from trafficlib.errors import TrafficDataError
from trafficlib.metrics import ratio as _div


def rank_groups(ad_spend: pd.DataFrame, by: str | Sequence[str] = "ad_group", rate: str = "ctr",
                method: str = "wilson", alpha: float = 0.05, min_trials: int = 1) -> pd.DataFrame:
    """Ad groups (or ads, ``by="ad"``) ranked on a rate, with its interval.

    ``rate`` is ``"ctr"`` (clicks / impressions) or ``"cvr"`` (conversions / clicks;
    platform conversions rounded to whole numbers). ``method`` is a
    ``statsmodels.stats.proportion.proportion_confint`` method: ``"wilson"`` (default),
    ``"beta"`` (Clopper-Pearson, exact) or ``"jeffreys"`` (Beta(½, ½) posterior).
    Returns one row per group, sorted by the interval's lower bound (best first) with
    ``successes``, ``trials``, ``rate``, ``lower``, ``upper``, ``cost``, and ``vs_overall``:
    "above"/"below" when the interval excludes the pooled rate of all groups, else "same".
    Ranking on the lower bound keeps a small group with a lucky rate from topping the list.
    """
    from statsmodels.stats.proportion import proportion_confint

    num, den = {"ctr": ("clicks", "impressions"), "cvr": ("conversions", "clicks")}.get(rate, (None, None))
    if num is None:
        raise TrafficDataError(f"unknown rate '{rate}' (use 'ctr' or 'cvr')", column=rate)
    keys = [by] if isinstance(by, str) else list(by)
    g = kpis(ad_spend, by=keys)
    out = pd.DataFrame(index=g.index)
    out["successes"] = g[num].round().astype("int64")
    out["trials"] = g[den].round().astype("int64")
    out["cost"] = g["cost"]
    out = out[out["trials"] >= min_trials]
    out["successes"] = np.minimum(out["successes"], out["trials"])
    out["rate"] = _div(out["successes"], out["trials"])
    lo, hi = proportion_confint(out["successes"].to_numpy(), out["trials"].to_numpy(), alpha=alpha, method=method)
    out["lower"], out["upper"] = lo, hi
    pooled = _div(out["successes"].sum(), out["trials"].sum())
    out["vs_overall"] = np.where(out["lower"] > pooled, "above", np.where(out["upper"] < pooled, "below", "same"))
    out.attrs = {"pooled_rate": pooled, "rate": rate, "method": method, "alpha": alpha}
    return out.sort_values(["lower", "rate"], ascending=False).reset_index()


def ab_test(successes_a: int, trials_a: int, successes_b: int, trials_b: int, alpha: float = 0.05,
            names: tuple[str, str] = ("A", "B")) -> dict[str, Any]:
    """Two-proportion comparison of variants A and B (e.g. clicks / impressions).

    Returns a dict: ``rate_a``, ``rate_b`` with Wilson intervals (``ci_a``, ``ci_b``),
    ``diff`` (rate_b − rate_a) and its Newcombe-score interval ``ci_diff``
    (``confint_proportions_2indep``), ``rel_diff`` (rate_b / rate_a − 1), ``z`` and the
    two-sided ``p_value`` of the pooled z-test (``proportions_ztest``), ``significant``
    (p < alpha) and ``winner`` (the better variant's name, or None).
    """
    from statsmodels.stats.proportion import (confint_proportions_2indep, proportion_confint,
                                              proportions_ztest)

    for v, n in ((successes_a, trials_a), (successes_b, trials_b)):
        if n <= 0 or v < 0 or v > n:
            raise TrafficDataError(f"an A/B variant needs 0 <= successes <= trials and trials > 0 (got {v} / {n})")
    z, p = proportions_ztest([successes_b, successes_a], [trials_b, trials_a])
    lo, hi = confint_proportions_2indep(successes_b, trials_b, successes_a, trials_a,
                                        method="newcomb", compare="diff", alpha=alpha)
    ra, rb = successes_a / trials_a, successes_b / trials_b
    sig = bool(p < alpha)
    return {
        "names": names, "successes": (successes_a, successes_b), "trials": (trials_a, trials_b),
        "rate_a": ra, "rate_b": rb,
        "ci_a": tuple(proportion_confint(successes_a, trials_a, alpha=alpha, method="wilson")),
        "ci_b": tuple(proportion_confint(successes_b, trials_b, alpha=alpha, method="wilson")),
        "diff": rb - ra, "ci_diff": (float(lo), float(hi)), "rel_diff": _div(rb - ra, ra),
        "z": float(z), "p_value": float(p), "alpha": alpha, "significant": sig,
        "winner": (names[1] if rb > ra else names[0]) if sig else None,
    }


def ab_table(frame: pd.DataFrame, variant: str = "variant", successes: str = "clicks",
             trials: str = "impressions", alpha: float = 0.05) -> dict[str, Any]:
    """:func:`ab_test` on a table of daily rows per variant (e.g. the demo's
    ``ab_test_ads.csv``): sums ``successes`` and ``trials`` per ``variant`` (exactly two
    variants, compared in sorted order: the second against the first)."""
    for c in (variant, successes, trials):
        if c not in frame.columns:
            raise TrafficDataError(f"no column '{c}' in the A/B table", column=c)
    tot = frame.groupby(variant)[[successes, trials]].sum(numeric_only=True).sort_index()
    if len(tot) != 2:
        raise TrafficDataError(f"an A/B table needs exactly two variants (found {len(tot)})", column=variant)
    (a, ra), (b, rb) = tot.iterrows()
    return ab_test(int(ra[successes]), int(ra[trials]), int(rb[successes]), int(rb[trials]), alpha=alpha,
                   names=(str(a), str(b)))


def sample_size(base_rate: float, mde: float, alpha: float = 0.05, power: float = 0.8,
                relative: bool = True) -> int:
    """Observations needed *per variant* to detect a change of ``mde`` in a rate.

    ``mde`` is relative (0.10 = +10 % of ``base_rate``) unless ``relative=False``
    (absolute, in rate points as a fraction). Two-sided test at ``alpha`` with the given
    ``power``, on Cohen's effect size h (``proportion_effectsize`` +
    ``NormalIndPower().solve_power``), rounded up.
    """
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    target = base_rate * (1 + mde) if relative else base_rate + mde
    if not (0 < base_rate < 1 and 0 < target < 1) or target == base_rate:
        raise TrafficDataError("sample size needs 0 < base rate, base rate + effect < 1 and a non-zero effect")
    h = abs(proportion_effectsize(target, base_rate))
    n = NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=power, ratio=1.0, alternative="two-sided")
    return int(math.ceil(n))
