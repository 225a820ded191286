"""The fitted media-mix model on a simulation with planted truths (short chains, so the
thresholds are loose; benchmarks/mix_recovery.py checks the issue's targets over 20
seeds with the default settings)."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pymc")
from trafficlib import mix  # noqa: E402

FAST = {"draws": 300, "tune": 400, "chains": 2, "seed": 3}


@pytest.fixture(scope="module")
def sim():
    return mix.simulate(3)


@pytest.fixture(scope="module")
def res(sim):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mix.fit(sim.data, "revenue", sim.channels, controls=["promo"], **FAST)


def test_the_planted_rois_are_found(sim, res):
    roi = res.roi.set_index("channel")
    true = sim.truth["roi"]
    inside = (roi["roi_lower"] <= true) & (true <= roi["roi_upper"])
    assert inside.sum() >= 5, roi.assign(true=true)
    # the media's total contribution: within 15 % of the planted one
    assert roi["contribution"].sum() == pytest.approx(sim.truth["contribution"].sum(), rel=0.15)
    assert list(res.roi.columns[:4]) == ["channel", "roi", "roi_lower", "roi_upper"]
    assert (res.roi["roi_lower"] < res.roi["roi"]).all() and (res.roi["roi"] < res.roi["roi_upper"]).all()


def test_roi_is_each_draws_contribution_over_spend(res):
    """The ROI parameterization: per draw, the channel's effect summed over the weeks
    divided by its spend is the sampled ROI."""
    eff = res.effects().sum(axis=1)
    roi = res.draws("roi", thin=True)
    np.testing.assert_allclose(eff / res.design.spend.sum(axis=0), roi, rtol=1e-6)


def test_numpy_figures_match_the_sampled_model(res):
    """The mean the PyMC graph computed (its ``mu``) is rebuilt exactly by the NumPy path
    that gives every figure of the report (parts + media effects)."""
    parts = res.baseline_parts()
    rebuilt = (sum(parts.values()) + res.effects().sum(axis=2)) / res.design.y_scale
    np.testing.assert_allclose(rebuilt, res.draws("mu", thin=True), rtol=1e-6, atol=1e-9)
    contrib = res.contributions()
    assert list(contrib.columns) == ["base", "season", "promo", *res.channels, "outcome"]
    # the posterior-mean parts add up to the posterior-mean fit
    np.testing.assert_allclose(contrib.drop(columns="outcome").sum(axis=1).to_numpy(),
                               res.draws("mu", thin=True).mean(axis=0) * res.design.y_scale, rtol=1e-6)


def test_holdout_weeks_are_left_out_and_scored(res):
    table = res.fit_table()
    assert table["held_out"].sum() == 8 and not table["held_out"].iloc[:-8].any()
    m = res.fit_metrics()
    assert m["holdout_periods"] == 8
    assert m["mape_holdout"] < 10 and m["r2_train"] > 0.8
    assert 0 <= m["coverage_holdout"] <= 1


def test_diagnostics(res):
    dg = res.diagnostics()
    assert dg["chains"] == 2 and dg["draws"] == 300
    assert dg["rhat_max"] < 1.1 and dg["ess_min"] > 50
    assert dg["verdict"] in ("good", "usable", "poor")
    assert dg["ok"] == (dg["rhat_max"] <= 1.01 and dg["divergences"] == 0 and dg["ess_min"] >= 400)


def test_marginal_roi_and_curves(res):
    m = res.marginal_roi()
    assert (m["mroi_lower"] <= m["mroi"]).all() and (m["mroi"] <= m["mroi_upper"]).all() and (m["mroi"] > 0).all()
    curves = res.response_curves(points=11)
    assert len(curves) == 11 * len(res.channels)
    for _, c in curves.groupby("channel"):
        assert c["response"].iloc[0] == pytest.approx(0, abs=1e-6)
        assert c["response"].is_monotonic_increasing


def test_budget_plan_keeps_the_total_and_the_bounds(res):
    plan = res.optimize(bounds={res.channels[0]: (1.0, 1.0)})
    t = plan.table
    assert t["recommended"].sum() == pytest.approx(t["current"].sum(), rel=1e-6)
    assert (t["recommended"] >= t["lower_bound"] - 1e-6).all() and (t["recommended"] <= t["upper_bound"] + 1e-6).all()
    assert t["recommended"].iloc[0] == pytest.approx(t["current"].iloc[0], rel=1e-6)
    s = plan.summary
    assert s["uplift_lower"] <= s["uplift"] <= s["uplift_upper"] and s["uplift"] >= 0


def test_a_lift_result_pulls_the_channel_toward_it(sim, res):
    """A precise lift test of one channel over 13 weeks (its true contribution there, 5 %
    standard error) narrows that channel's ROI interval and brings it to the truth."""
    ch = sim.channels[3]
    weeks = sim.data["date"].iloc[40:53]
    true_lift = float(sim.parts[ch].iloc[40:53].sum())
    lift = [{"channel": ch, "start": weeks.iloc[0], "end": weeks.iloc[-1], "lift": true_lift,
             "lift_sd": 0.05 * true_lift}]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = mix.fit(sim.data, "revenue", sim.channels, controls=["promo"], lift=lift, **FAST)
    before, after = res.roi.set_index("channel").loc[ch], cal.roi.set_index("channel").loc[ch]
    assert after["roi_upper"] - after["roi_lower"] < 0.8 * (before["roi_upper"] - before["roi_lower"])
    true = sim.truth.loc[ch, "roi"]
    assert abs(after["roi"] - true) <= abs(before["roi"] - true) + 0.05 * true


def test_lift_rows_are_checked(sim):
    with pytest.raises(Exception, match="channel the model does not have"):
        mix.lift_table([{"channel": "Radio", "start": "2025-01-06", "end": "2025-02-03", "lift": 10, "lift_sd": 1}],
                       sim.channels)
    rows = mix.lift_table([{"channel": sim.channels[0], "start": "2025-01-06", "end": "2025-02-03", "lift": 10,
                            "lift_lower": 5, "lift_upper": 15}], sim.channels)
    assert rows["lift_sd"].iloc[0] == pytest.approx(10 / (2 * 1.6448536))  # a 90 % interval is +-1.645 sd


def test_a_post_mortem_becomes_a_lift_row():
    """A causal-impact result's cumulative effect, its 95 % interval turned into a
    standard error (width / 2 x 1.96), and its post period's dates."""
    from types import SimpleNamespace

    days = pd.date_range("2025-03-03", periods=10, freq="7D")
    summary = pd.DataFrame({"abs_effect": [120.0], "abs_effect_lower": [80.0], "abs_effect_upper": [160.0]},
                           index=["cumulative"])
    series = pd.DataFrame({"post": [False] * 6 + [True] * 4}, index=days)
    row = mix.lift_from_causal(SimpleNamespace(summary=summary, series=series, alpha=0.05), "TV")
    assert row["channel"] == "TV" and row["lift"] == 120.0
    assert row["lift_sd"] == pytest.approx(80.0 / (2 * 1.959964), rel=1e-5)
    assert row["start"] == days[6] and row["end"] == days[9]
