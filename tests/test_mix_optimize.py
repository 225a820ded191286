"""trafficlib.mix.optimize: allocate() on curves with a known optimum (closed form, binding
bounds, S-shaped curves against a brute-force grid) and optimize_budget() on a MixResult
built from hand-made posterior draws (no MCMC)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

from trafficlib.mix.optimize import BudgetPlan, allocate, optimize_budget
from trafficlib.mix.transforms import hill

# ---- allocate: concave curves with a closed form ---------------------------------------------------
# response = sum_c a_c * log(1 + s_c). Lagrange: a_c / (1 + s_c) = lambda for the interior channels, so
# s_c = a_c / lambda - 1 and sum_c s_c = total gives lambda = sum(a) / (total + C).

A = np.array([1.0, 2.0, 3.0])


def log_response(s):
    return float((A * np.log1p(s)).sum())


def test_interior_optimum_closed_form():
    # lambda = 6 / (9 + 3) = 0.5: s = 1/.5 - 1, 2/.5 - 1, 3/.5 - 1 = 1, 3, 5
    s = allocate(log_response, np.array([3.0, 3.0, 3.0]), 9.0, np.zeros(3), np.full(3, 10.0))
    assert s == pytest.approx([1.0, 3.0, 5.0], abs=1e-4)
    assert s.sum() == pytest.approx(9.0, rel=1e-9)


def test_upper_bound_binds():
    # channel 3 capped at 4; the other 5 go to channels 1-2: lambda = 3 / (5 + 2) -> 7/3 - 1, 14/3 - 1
    s = allocate(log_response, np.array([3.0, 3.0, 3.0]), 9.0, np.zeros(3), np.array([10.0, 10.0, 4.0]))
    assert s == pytest.approx([4 / 3, 11 / 3, 4.0], abs=1e-4)
    assert s.sum() == pytest.approx(9.0, rel=1e-9)


def test_lower_bound_binds():
    # channel 1 held at 2 or more; 7 left for channels 2-3: lambda = 5 / (7 + 2) -> 18/5 - 1, 27/5 - 1
    s = allocate(log_response, np.array([3.0, 3.0, 3.0]), 9.0, np.array([2.0, 0.0, 0.0]), np.full(3, 10.0))
    assert s == pytest.approx([2.0, 2.6, 4.4], abs=1e-4)
    assert s.sum() == pytest.approx(9.0, rel=1e-9)


def test_total_in_currency_units_is_kept_exactly():
    # the same problem in euros: a_c * log(1 + s_c / 1000), total 90,000 -> 10,000 x (1 - 1/lambda')...
    # with x = s / 1000 the optimum is x = a / lambda - 1, lambda = 6 / (90 + 3)
    def resp(s):
        return float((A * np.log1p(s / 1000)).sum())

    s = allocate(resp, np.array([30000.0, 30000.0, 30000.0]), 90000.0, np.zeros(3), np.full(3, 1e5))
    lam = 6 / 93
    assert s == pytest.approx((A / lam - 1) * 1000, rel=1e-4)
    assert s.sum() == pytest.approx(90000.0, rel=1e-9)


def test_infeasible_bounds_raise():
    with pytest.raises(ValueError, match="bounds cannot hold this total"):
        allocate(log_response, np.ones(3), 9.0, np.array([4.0, 4.0, 4.0]), np.full(3, 10.0))  # lower sum 12 > 9
    with pytest.raises(ValueError, match="bounds cannot hold this total"):
        allocate(log_response, np.ones(3), 9.0, np.zeros(3), np.full(3, 2.0))  # upper sum 6 < 9


def test_bounds_equal_to_the_total_pin_the_plan():
    s = allocate(log_response, np.ones(3), 6.0, np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0]))
    assert s == pytest.approx([1.0, 2.0, 3.0], abs=1e-9)


def test_zero_total():
    assert allocate(log_response, np.ones(3), 0.0, np.zeros(3), np.ones(3)).tolist() == [0.0, 0.0, 0.0]


# ---- allocate: S-shaped curves (Hill slope 3) ----------------------------------------------------------

def _grid_best(response, total, upper, points=241):
    """Brute force over 3 channels: s1, s2 on a grid, s3 = total - s1 - s2."""
    g = np.linspace(0, total, points)
    best, arg = -np.inf, None
    for x in g:
        for y in g:
            z = total - x - y
            if z < -1e-12 or x > upper[0] or y > upper[1] or z > upper[2] + 1e-12:
                continue
            v = response(np.array([x, y, max(z, 0.0)]))
            if v > best:
                best, arg = v, np.array([x, y, max(z, 0.0)])
    return best, arg


def test_s_shaped_multistart_beats_the_naive_start():
    # three identical channels, hill(s, K=1, slope 3), budget 2.4 spread evenly today (0.8 each):
    # each at 0.8 (just past the inflection point 0.5**(1/3) = 0.79) is a local maximum (3 x 0.339 = 1.016);
    # the best plan funds two channels at 1.2 and drops one: 2 x 1.728 / 2.728 = 1.267
    def resp(s):
        return float(hill(np.maximum(s, 0.0), 1.0, 3.0).sum())

    current, total, upper = np.full(3, 0.8), 2.4, np.full(3, 2.4)
    naive = minimize(lambda x: -resp(x), current, method="SLSQP", bounds=[(0, 2.4)] * 3,
                     constraints=[{"type": "eq", "fun": lambda x: x.sum() - total}])
    assert -naive.fun == pytest.approx(3 * 0.512 / 1.512, abs=1e-6)  # stuck where it started
    best, arg = _grid_best(resp, total, upper)
    assert best == pytest.approx(2 * 1.728 / 2.728, abs=1e-9)
    s = allocate(resp, current, total, np.zeros(3), upper)
    assert resp(s) == pytest.approx(best, abs=1e-6)
    assert sorted(s) == pytest.approx([0.0, 1.2, 1.2], abs=1e-3)
    assert s.sum() == pytest.approx(total, rel=1e-9)


def test_s_shaped_unequal_channels_match_the_grid():
    b, K = np.array([1.0, 1.6, 1.2]), np.array([1.0, 2.0, 1.5])

    def resp(s):
        return float((b * hill(np.maximum(s, 0.0), K, 3.0)).sum())

    total, upper = 3.6, np.full(3, 3.6)
    best, arg = _grid_best(resp, total, upper)
    s = allocate(resp, np.full(3, 1.2), total, np.zeros(3), upper)
    assert resp(s) >= best - 1e-6
    assert s == pytest.approx(arg, abs=0.03)  # the grid's step is 0.015


def test_s_shaped_corner_optimum_two_channels():
    # channel 1: hill(s, 1, 3); channel 2: 1.6 x hill(s, 2, 3); budget 2.6, 1.3 each today.
    # From today SLSQP climbs to (1.10, 1.50) = 1.0457; the best plan is all on channel 2:
    # 1.6 x 2.6^3/(2.6^3+8) = 1.0995
    b, K = np.array([1.0, 1.6]), np.array([1.0, 2.0])

    def resp(s):
        return float((b * hill(np.maximum(s, 0.0), K, 3.0)).sum())

    s = allocate(resp, np.array([1.3, 1.3]), 2.6, np.zeros(2), np.full(2, 2.6))
    assert resp(s) == pytest.approx(1.6 * 2.6 ** 3 / (2.6 ** 3 + 8), abs=1e-6)


# ---- optimize_budget on hand-made posterior draws ------------------------------------------------------

CH = ["search", "social", "tv"]
HALF = np.array([0.5, 1.0, 2.0])    # in units of each channel's mean spend when on
SLOPE = np.array([1.0, 1.5, 1.0])
BETA = np.array([[0.05, 0.08, 0.10],   # draw 0 (outcome / y_scale per period)
                 [0.07, 0.06, 0.12]])  # draw 1


@pytest.fixture(scope="module")
def design():
    from trafficlib.mix.design import prepare

    r = np.random.default_rng(5)
    n = 40
    f = pd.DataFrame({"date": pd.date_range("2025-01-06", periods=n, freq="7D")})
    f["search"] = r.uniform(3000, 5000, n).round(2)
    f["social"] = r.uniform(1000, 3000, n).round(2)
    f["tv"] = r.uniform(5000, 15000, n).round(2)
    f["revenue"] = r.uniform(80000, 120000, n).round(2)
    return prepare(f, "revenue", CH)


def make_result(design, beta=BETA, half=HALF, slope=SLOPE):
    import arviz as az

    from trafficlib.mix.result import MixResult

    D = len(beta)
    post = {"half": np.tile(half, (1, D, 1)), "slope": np.tile(slope, (1, D, 1)),
            "beta": np.asarray(beta, float)[None], "alpha": np.full((1, D, 3), 0.3), "roi": np.ones((1, D, 3)),
            "intercept": np.full((1, D), 0.7), "sigma": np.full((1, D), 0.05)}
    return MixResult(design=design, idata=az.from_dict(posterior=post), saturation="hill", adstock="geometric")


def by_hand(design, spend, beta=BETA):
    """Steady weekly media effect per draw (D,): sum_c beta_c * y_scale * hill(s_c / scale_c, half_c, slope_c)."""
    return (np.asarray(beta) * design.y_scale * hill(np.asarray(spend) / design.scale, HALF, SLOPE)).sum(axis=1)


def test_budget_plan_totals_and_bounds(design):
    plan = optimize_budget(make_result(design))
    assert isinstance(plan, BudgetPlan)
    t, s = plan.table, plan.summary
    current = design.spend[-13:].mean(axis=0)  # today's spend: the mean of the last 13 weeks
    assert t["channel"].tolist() == CH
    assert t["current"].to_numpy() == pytest.approx(current)
    assert t["recommended"].sum() == pytest.approx(current.sum(), rel=1e-9)  # same budget
    assert s["periods"] == 13 and s["budget"] == pytest.approx(13 * current.sum())
    assert t["lower_bound"].to_numpy() == pytest.approx(0.5 * current)
    assert t["upper_bound"].to_numpy() == pytest.approx(1.5 * current)
    assert (t["recommended"] >= t["lower_bound"] - 1e-6).all() and (t["recommended"] <= t["upper_bound"] + 1e-6).all()
    assert t["change"].to_numpy() == pytest.approx((t["recommended"] - t["current"]).to_numpy())
    assert t["change_pct"].to_numpy() == pytest.approx((t["change"] / t["current"] * 100).to_numpy())
    assert not np.allclose(t["recommended"], t["current"], rtol=1e-3)  # the curves differ: the split moves


def test_budget_plan_is_the_grid_optimum_of_the_mean_curve(design):
    plan = optimize_budget(make_result(design))
    rec = plan.table["recommended"].to_numpy()
    current = design.spend[-13:].mean(axis=0)
    lo, hi, total = 0.5 * current, 1.5 * current, current.sum()

    def mean_curve(s):
        return by_hand(design, s[None, :] if s.ndim == 1 else s).mean()

    x = np.linspace(lo[0], hi[0], 301)[:, None]
    y = np.linspace(lo[1], hi[1], 301)[None, :]
    z = total - x - y
    ok = (z >= lo[2]) & (z <= hi[2])
    X, Y = np.broadcast_arrays(x, y)
    S = np.stack([X[ok], Y[ok], z[ok]], axis=1)
    vals = (BETA[:, None, :] * design.y_scale * hill(S[None] / design.scale, HALF, SLOPE)).sum(axis=2).mean(axis=0)
    assert mean_curve(rec) >= vals.max() - 1e-6 * vals.max()
    assert rec == pytest.approx(S[np.argmax(vals)], rel=0.01)


def test_uplift_comes_from_the_per_draw_values(design):
    plan = optimize_budget(make_result(design))
    s, rec = plan.summary, plan.table["recommended"].to_numpy()
    current = design.spend[-13:].mean(axis=0)
    r_cur = 13 * by_hand(design, current[None, :])
    r_new = 13 * by_hand(design, rec[None, :])
    u = r_new - r_cur  # one uplift per draw (the result's Hill adds 1e-9 to the level: rel 1e-6 tolerances)
    assert u[0] != pytest.approx(u[1], rel=1e-3)
    lo_u, hi_u = sorted(u)
    assert s["outcome_current"] == pytest.approx(r_cur.mean(), rel=1e-6)
    assert s["outcome_recommended"] == pytest.approx(r_new.mean(), rel=1e-6)
    assert s["uplift"] == pytest.approx(u.mean(), rel=1e-6)                     # median of two draws
    assert s["uplift_lower"] == pytest.approx(lo_u + 0.05 * (hi_u - lo_u), rel=1e-6)  # 5th percentile, linear
    assert s["uplift_upper"] == pytest.approx(lo_u + 0.95 * (hi_u - lo_u), rel=1e-6)
    assert s["uplift_lower"] < s["uplift"] < s["uplift_upper"]
    assert s["uplift_pct"] == pytest.approx(u.mean() / r_cur.mean() * 100, rel=1e-6)
    assert s["prob_positive"] == pytest.approx((u > 0).mean())
    # today's split is within the bounds, so the plan is at least as good on the mean curve
    assert s["uplift"] >= 0 and s["outcome_recommended"] >= s["outcome_current"]


def test_marginal_roi_columns(design):
    plan = optimize_budget(make_result(design))
    t = plan.table
    current = design.spend[-13:].mean(axis=0)
    # forward difference with a step of 1 % of the spend (at least 1 currency unit), posterior mean
    eps = np.maximum(current * 0.01, 1.0)
    base = by_hand(design, current[None, :])
    for j in range(3):
        more = current.copy()
        more[j] += eps[j]
        expect = ((BETA[:, j] * design.y_scale * (hill(more[j] / design.scale[j], HALF[j], SLOPE[j])
                                                  - hill(current[j] / design.scale[j], HALF[j], SLOPE[j])))
                  / eps[j]).mean()
        assert t["mroi_current"].iloc[j] == pytest.approx(expect, rel=1e-6)
    assert base.shape == (2,)
    # at the optimum, channels strictly inside their bounds have (about) the same marginal ROI
    inside = (t["recommended"] > t["lower_bound"] * 1.001) & (t["recommended"] < t["upper_bound"] * 0.999)
    m = t.loc[inside, "mroi_recommended"].to_numpy()
    if len(m) > 1:
        assert m.max() / m.min() == pytest.approx(1.0, abs=0.02)
    for _, row in t[~inside].iterrows():  # a channel at its upper bound would take more; at its lower, less
        if row["recommended"] >= row["upper_bound"] * 0.999 and len(m):
            assert row["mroi_recommended"] >= m.min() * 0.98
        elif len(m):
            assert row["mroi_recommended"] <= m.max() * 1.02


def test_given_total_and_custom_bounds(design):
    result = make_result(design)
    current = design.spend[-13:].mean(axis=0)
    total = 13 * current.sum() * 1.1  # a 10 % bigger budget over 13 weeks
    plan = result.optimize(total=total, bounds={"tv": (1.0, 1.0)}, weeks=13)
    t = plan.table.set_index("channel")
    assert plan.summary["budget"] == pytest.approx(total)
    assert t["recommended"].sum() * 13 == pytest.approx(total, rel=1e-9)
    assert t.loc["tv", "recommended"] == pytest.approx(current[2], rel=1e-9)  # pinned at today's spend
    assert (t["recommended"] <= t["upper_bound"] * (1 + 1e-9)).all()
    assert (t["recommended"] >= t["lower_bound"] * (1 - 1e-9)).all()
    # more money, saturating but increasing curves: every draw gains
    assert plan.summary["uplift_lower"] > 0 and plan.summary["prob_positive"] == 1.0


def test_spend_bounds_in_currency(design):
    """A contractual floor and cap, in currency per week, override the multiples."""
    result = make_result(design)
    current = design.spend[-13:].mean(axis=0)
    floor = float(current[2] * 0.9)
    plan = result.optimize(spend_bounds={"tv": (floor, floor * 1.1)}, bounds={"search": (0.9, 1.1)})
    t = plan.table.set_index("channel")
    assert t.loc["tv", "lower_bound"] == pytest.approx(floor)
    assert t.loc["tv", "upper_bound"] == pytest.approx(floor * 1.1)
    assert floor * (1 - 1e-9) <= t.loc["tv", "recommended"] <= floor * 1.1 * (1 + 1e-9)
    assert t.loc["search", "lower_bound"] == pytest.approx(0.9 * current[0])
    assert t["recommended"].sum() == pytest.approx(current.sum(), rel=1e-9)
    with pytest.raises(ValueError, match="does not have"):
        result.optimize(spend_bounds={"radio": (0, 1)})


def test_infeasible_budget_raises(design):
    result = make_result(design)
    current = design.spend[-13:].mean(axis=0)
    with pytest.raises(ValueError, match="bounds cannot hold this total"):
        optimize_budget(result, total=13 * current.sum() * 2)  # more than 1.5 x today's spend everywhere
    with pytest.raises(ValueError, match="bounds cannot hold this total"):
        optimize_budget(result, bounds={c: (1.0, 1.0) for c in CH}, total=13 * current.sum() * 0.9)
    with pytest.raises(ValueError, match="0 <= low <= high"):
        optimize_budget(result, bounds={"tv": (1.2, 0.8)})
    with pytest.raises(ValueError, match="0 <= low <= high"):
        optimize_budget(result, bounds={"tv": (-0.1, 1.0)})


def test_allocate_from_a_zero_current_spend():
    s = allocate(log_response, np.zeros(3), 9.0, np.zeros(3), np.full(3, 10.0))
    assert s == pytest.approx([1.0, 3.0, 5.0], abs=1e-3)


@pytest.fixture(scope="module")
def daily_design():
    from trafficlib.mix.design import prepare

    r = np.random.default_rng(6)
    n = 200
    f = pd.DataFrame({"date": pd.date_range("2025-01-01", periods=n, freq="D")})
    for c, (lo, hi) in zip(CH, [(400, 700), (150, 450), (700, 2100)]):
        f[c] = r.uniform(lo, hi, n).round(2)
    f["revenue"] = r.uniform(12000, 17000, n).round(2)
    return prepare(f, "revenue", CH)


def test_optimize_weeks_on_daily_data_are_weeks(daily_design):
    plan = make_result(daily_design).optimize(weeks=13)
    today = daily_design.spend[-91:].mean(axis=0).sum()  # spend per day over the last 13 weeks
    assert plan.summary["budget"] == pytest.approx(91 * today, rel=1e-9)


def test_marginal_roi_with_impressions_driving_the_effect():
    """With impressions as the media, the next euro buys 1 % more of each week's own
    impressions: the marginal ROI is computed on the observed impressions, not on spend
    at an average CPM (which would count the CPM's weekly swings as an effect)."""
    from trafficlib import mix
    from trafficlib.mix.transforms import geometric_adstock

    sim = mix.simulate(4, weeks=60, channels=["search", "social", "tv"])
    design = mix.prepare(sim.data, "revenue", ["search", "social", "tv"], media="impressions")
    res = make_result(design)
    m = res.marginal_roi().set_index("channel")["mroi"]
    for j, c in enumerate(CH):
        draws = []
        for d in range(2):
            def tot(scale, j=j, d=d):
                x = design.media[:, j] * scale
                return (BETA[d, j] * design.y_scale * hill(geometric_adstock(x, 0.3), HALF[j], SLOPE[j])).sum()
            draws.append((tot(1.01) - tot(1.0)) / (0.01 * design.spend[:, j].sum()))
        assert m.iloc[j] == pytest.approx(np.median(draws), rel=1e-6), c
