"""Daily series: seasonal decomposition, anomaly days, and period comparisons with
significance. Shared by the audit and the campaign post-mortem.

- :func:`decompose`: STL (statsmodels, robust) into trend, weekly pattern and remainder.
- :func:`anomalies`: the explained rule — a day is flagged when it departs from what
  the trend and the weekly pattern predict by more than ``threshold`` robust standard
  deviations of the remainder (median absolute deviation × 1.4826). Robust STL keeps a
  few outlying days (an outage, a bot burst) from bending the expectation itself.
- :func:`compare_rate` / :func:`compare_count`: is a change between two periods more
  than noise? Rates use statsmodels' two-proportion z-test and a Newcombe (score)
  interval on the difference; counts use Welch's t-test on the daily values (day-to-day
  variation of traffic is larger than Poisson noise).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
from statsmodels.tsa.seasonal import STL

__all__ = ["decompose", "anomalies", "compare_rate", "compare_count", "RateTest", "robust_z"]


def decompose(series: pd.Series, period: int = 7, robust: bool = True, seasonal: int = 13) -> pd.DataFrame:
    """STL decomposition of a daily series (index: dates, no gaps).

    ``seasonal`` is STL's seasonal smoother length (odd, in periods): 13 lets the weekly
    pattern drift over about a quarter; statsmodels' default (7) lets it absorb noise,
    which makes the remainder too small and flags ordinary days.

    Returns a DataFrame indexed like ``series`` with ``observed``, ``trend``,
    ``seasonal``, ``resid`` and ``expected`` (= trend + seasonal). Needs at least two
    full periods; shorter series raise ValueError.
    """
    s = series.astype(float)
    if len(s) < 2 * period + 1:
        raise ValueError(f"need at least {2 * period + 1} days for a seasonal decomposition, got {len(s)}")
    res = STL(s, period=period, seasonal=seasonal, robust=robust).fit()
    return pd.DataFrame({"observed": s, "trend": res.trend, "seasonal": res.seasonal,
                         "resid": res.resid, "expected": res.trend + res.seasonal}, index=s.index)


def robust_z(values: pd.Series) -> pd.Series:
    """(x − median) / (1.4826 × MAD): a z-score that outliers do not inflate."""
    v = values.astype(float)
    med = v.median()
    mad = (v - med).abs().median() * 1.4826
    if not mad or np.isnan(mad):
        mad = v.std() or 1.0
    return (v - med) / mad


def anomalies(series: pd.Series, period: int = 7, threshold: float = 3.5) -> pd.DataFrame:
    """Days that depart from the trend and weekly pattern by more than ``threshold``
    robust standard deviations.

    Returns one row per flagged day: ``date``, ``observed``, ``expected``, ``z``
    (signed), ``direction`` ("drop" or "spike") and ``change`` (observed / expected − 1).
    """
    d = decompose(series, period)
    z = robust_z(d["resid"])
    flagged = d[z.abs() > threshold].assign(z=z[z.abs() > threshold])
    out = pd.DataFrame({
        "date": flagged.index, "observed": flagged["observed"].to_numpy(),
        "expected": flagged["expected"].to_numpy(), "z": flagged["z"].to_numpy(),
    })
    out["direction"] = np.where(out["z"] < 0, "drop", "spike")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["change"] = np.where(out["expected"] > 0, out["observed"] / out["expected"] - 1, np.nan)
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class RateTest:
    """A rate compared between two periods: ``rate_a`` (current), ``rate_b``
    (comparison), ``diff`` = a − b (fraction points), its 95% interval
    ``diff_low``/``diff_high``, the two-sided ``p_value`` and ``significant`` (p < alpha)."""

    rate_a: float
    rate_b: float
    diff: float
    diff_low: float
    diff_high: float
    p_value: float
    significant: bool


def compare_rate(success_a: int, n_a: int, success_b: int, n_b: int, alpha: float = 0.05) -> RateTest:
    """Two-proportion z-test (statsmodels ``proportions_ztest``) and Newcombe score
    interval (``confint_proportions_2indep(method="newcomb")``) for a − b."""
    if min(n_a, n_b) <= 0:
        nan = float("nan")
        return RateTest(nan, nan, nan, nan, nan, nan, False)
    _, p = proportions_ztest([success_a, success_b], [n_a, n_b])
    lo, hi = confint_proportions_2indep(success_a, n_a, success_b, n_b, method="newcomb", alpha=alpha)
    ra, rb = success_a / n_a, success_b / n_b
    p = float(p) if not np.isnan(p) else 1.0
    return RateTest(ra, rb, ra - rb, float(lo), float(hi), p, p < alpha)


def compare_count(daily_a: pd.Series, daily_b: pd.Series, alpha: float = 0.05) -> dict:
    """Daily volumes of two periods: mean per day of each, relative change of the
    totals scaled to the same number of days, and Welch's t-test p-value on the daily
    values. Returns a dict (``mean_a``, ``mean_b``, ``change``, ``p_value``,
    ``significant``)."""
    a, b = daily_a.astype(float), daily_b.astype(float)
    if len(a) < 2 or len(b) < 2:
        return {"mean_a": a.mean(), "mean_b": b.mean(), "change": np.nan, "p_value": np.nan, "significant": False}
    t = stats.ttest_ind(a, b, equal_var=False)
    change = a.mean() / b.mean() - 1 if b.mean() > 0 else np.nan
    p = float(t.pvalue) if not np.isnan(t.pvalue) else 1.0
    return {"mean_a": a.mean(), "mean_b": b.mean(), "change": change, "p_value": p, "significant": p < alpha}
