"""Planted-lift simulations: how often :func:`~trafficlib.causal.causal_impact`'s 95 %
interval covers the true effect, and how often it calls a campaign with no effect
significant, under a given prior (used by ``benchmarks/causal_priors.py`` and
``tests/test_causal_priors.py``).

The series are built the way campaign data usually are, not in the model's own family:
the outcome and its control share a *drifting* level (a random walk: the market, the
season, the brand), the control is *measured with noise* (another segment, another
site: it tracks the level only roughly), each has a weekly pattern, and the campaign
adds a constant lift to the outcome over the post-period. The regression on the
control then leaves part of the drift in the residual, which the model's local level
has to absorb: a level prior that is too tight (R's ``prior.level.sd = 0.01``) ignores
it and gives intervals that are too narrow.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Scenario", "simulate", "rates"]


@dataclass(frozen=True)
class Scenario:
    """One family of simulated daily series (units: sessions a day)."""

    n_pre: int = 91          # days before the campaign
    n_post: int = 28         # campaign days
    base: float = 1000.0     # starting level
    drift_sd: float = 4.0   # daily step of the shared random-walk level
    control_noise: float = 10.0   # measurement noise of the control
    outcome_noise: float = 25.0   # noise of the outcome
    weekly: float = 60.0     # amplitude of the (shared) weekly pattern
    lift: float = 50.0       # planted lift per post-period day (5 % of the level)
    control_scale: float = 0.6  # the control is another segment: a fraction of the outcome


def simulate(seed: int, lift: float | None = None, scenario: Scenario = Scenario()):
    """One simulated campaign: ``(frame with columns y and x, pre_period, post_period,
    true cumulative effect)``. ``lift`` overrides the scenario's (0 for no effect)."""
    s = scenario
    lift = s.lift if lift is None else lift
    rng = np.random.default_rng(seed)
    n = s.n_pre + s.n_post
    idx = pd.date_range("2025-01-06", periods=n, freq="D")
    level = s.base + np.cumsum(rng.normal(0, s.drift_sd, n))
    week = np.tile(rng.normal(0, s.weekly / 2, 7), n // 7 + 1)[:n]
    x = s.control_scale * (level + week) + rng.normal(0, s.control_noise, n)
    y = level + week + rng.normal(0, s.outcome_noise, n)
    y[s.n_pre:] += lift
    frame = pd.DataFrame({"y": y, "x": x}, index=idx)
    return frame, (idx[0], idx[s.n_pre - 1]), (idx[s.n_pre], idx[-1]), lift * s.n_post


def rates(n: int, scenario: Scenario = Scenario(), first_seed: int = 0, **model) -> dict:
    """Coverage and false-positive rate over ``n`` planted-lift and ``n`` no-effect
    series (seeds ``first_seed``...): ``coverage`` (share of 95 % cumulative intervals
    containing the true effect), ``fpr`` (share of no-effect series declared
    significant), ``power`` (share of planted lifts declared significant), ``width``
    (median interval width over the true effect). ``model`` goes to
    :func:`~trafficlib.causal.causal_impact` (e.g. ``prior_level_sd=0.01``)."""
    from trafficlib.causal import causal_impact

    covered = detected = false_pos = 0
    widths = []
    for i in range(n):
        frame, pre, post, truth = simulate(first_seed + i, None, scenario)
        res = causal_impact(frame, pre, post, controls=["x"], compare_prior=False, **model)
        c = res.summary.loc["cumulative"]
        covered += bool(c["abs_effect_lower"] <= truth <= c["abs_effect_upper"])
        detected += res.significant
        widths.append((c["abs_effect_upper"] - c["abs_effect_lower"]) / truth)
        frame, pre, post, _ = simulate(first_seed + 100_000 + i, 0.0, scenario)
        false_pos += causal_impact(frame, pre, post, controls=["x"], compare_prior=False, **model).significant
    return {"n": n, "coverage": covered / n, "fpr": false_pos / n, "power": detected / n,
            "width": float(np.median(widths))}
