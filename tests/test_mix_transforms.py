"""trafficlib.mix.transforms (adstock, Hill, logistic) against hand-computed values and
PyMC-Marketing's transformers; and the PyMC graph of trafficlib.mix.model against the
NumPy path of trafficlib.mix.result (same mean, same ROI definition)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from trafficlib.mix.transforms import adstock_weights, geometric_adstock, hill, logistic, saturate


# ---- adstock: hand-computed ------------------------------------------------------------------

def test_geometric_weights_hand_computed():
    # alpha = 0.5, l_max = 3: raw weights 0.5**0, 0.5**1, 0.5**2 = 1, .5, .25 (sum 1.75)
    w = adstock_weights(0.5, 3)
    assert w == pytest.approx([1 / 1.75, 0.5 / 1.75, 0.25 / 1.75])  # 4/7, 2/7, 1/7
    assert w.sum() == pytest.approx(1.0)
    assert adstock_weights(0.5, 3, normalize=False) == pytest.approx([1.0, 0.5, 0.25])


def test_weights_per_channel_shape():
    # alpha per channel -> (l_max, channels); alpha = 0 keeps only lag 0 (0**0 = 1)
    w = adstock_weights(np.array([0.5, 0.0]), 3)
    assert w.shape == (3, 2)
    assert w[:, 0] == pytest.approx([4 / 7, 2 / 7, 1 / 7])
    assert w[:, 1] == pytest.approx([1.0, 0.0, 0.0])


def test_delayed_weights_hand_computed():
    # alpha = 0.5, theta = 1, l_max = 3: powers (0-1)^2, (1-1)^2, (2-1)^2 = 1, 0, 1
    # raw .5, 1, .5 (sum 2) -> .25, .5, .25: the peak is at lag 1
    assert adstock_weights(0.5, 3, delay=1.0) == pytest.approx([0.25, 0.5, 0.25])
    # theta = 0 is the geometric adstock with alpha**(lag^2): 1, .5, .0625 (sum 1.5625)
    assert adstock_weights(0.5, 3, delay=0.0) == pytest.approx(np.array([1, 0.5, 0.0625]) / 1.5625)
    # theta = 2.5, alpha = .25, l_max = 4: powers 6.25, 2.25, .25, .25
    raw = np.array([0.25 ** 6.25, 0.25 ** 2.25, 0.25 ** 0.25, 0.25 ** 0.25])
    assert adstock_weights(0.25, 4, delay=2.5) == pytest.approx(raw / raw.sum())


def test_pulse_spreads_with_the_weights():
    # 100 spent in week 2 only (alpha .5, l_max 3): 400/7, 200/7, 100/7 in weeks 2, 3, 4, nothing before
    x = np.array([0, 0, 100, 0, 0, 0], float)
    out = geometric_adstock(x, 0.5, 3)
    assert out == pytest.approx([0, 0, 400 / 7, 200 / 7, 100 / 7, 0])
    assert out.sum() == pytest.approx(100.0)  # normalized: carry-over moves the effect, does not change its size


def test_delayed_pulse_peaks_a_week_later():
    x = np.array([100, 0, 0, 0, 0], float)
    out = geometric_adstock(x, 0.5, 3, delay=1.0)
    assert out == pytest.approx([25, 50, 25, 0, 0])


def test_steady_spend_equals_spend_after_l_max():
    # alpha .6, l_max 4: raw 1, .6, .36, .216 (sum 2.176); weeks before the first are zero spend
    x = np.full(10, 100.0)
    out = geometric_adstock(x, 0.6, 4)
    assert out[0] == pytest.approx(100 * 1 / 2.176)
    assert out[1] == pytest.approx(100 * 1.6 / 2.176)
    assert out[2] == pytest.approx(100 * 1.96 / 2.176)
    assert out[3:] == pytest.approx(np.full(7, 100.0))


def test_adstock_two_channels_and_series_shorter_than_l_max():
    x = np.array([[10.0, 1.0], [0.0, 0.0], [0.0, 3.0]])
    out = geometric_adstock(x, np.array([0.5, 0.0]), 8)
    raw = 0.5 ** np.arange(8)
    w = raw / raw.sum()
    assert out[:, 0] == pytest.approx([10 * w[0], 10 * w[1], 10 * w[2]])
    assert out[:, 1] == pytest.approx([1.0, 0.0, 3.0])  # alpha = 0: no carry-over
    assert out.shape == x.shape


# ---- saturation: hand-computed -----------------------------------------------------------------

def test_hill_hand_computed():
    assert hill(2.0, 2.0, 1.7) == pytest.approx(0.5)          # x = half: half the maximum, any slope
    assert hill(0.37, 0.37, 0.4) == pytest.approx(0.5)
    assert hill(2.0, 1.0, 2.0) == pytest.approx(4 / 5)        # 2^2 / (2^2 + 1^2)
    assert hill(3.0, 1.0, 1.0) == pytest.approx(3 / 4)        # 3 / (3 + 1)
    assert hill(0.5, 1.0, 3.0) == pytest.approx(0.125 / 1.125)  # .5^3 / (.5^3 + 1)
    # per-channel parameters broadcast over time
    x = np.array([[1.0, 1.0], [2.0, 4.0]])
    out = hill(x, np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    assert out == pytest.approx(np.array([[0.5, 1 / 5], [2 / 3, 0.8]]))


def test_hill_at_zero_is_zero_without_nan_or_warning():
    with np.errstate(all="raise"):
        out = hill(np.array([0.0, 0.0, 1.0]), np.array([1.0, 0.5, 1.0]), np.array([1.0, 3.0, 2.0]))
    assert out == pytest.approx([0.0, 0.0, 0.5])
    assert not np.isnan(out).any()


def test_hill_is_increasing_and_below_one():
    x = np.linspace(0, 50, 201)
    y = hill(x, 1.3, 2.2)
    assert (np.diff(y) > 0).all()
    assert (y < 1).all() and y[0] == 0


def test_logistic_hand_computed():
    assert logistic(0.0, 2.0) == 0.0
    assert logistic(1.0, 2.0) == pytest.approx(math.tanh(1.0))  # (1 - e^-2) / (1 + e^-2) = tanh(1)
    assert logistic(math.log(3) / 0.7, 0.7) == pytest.approx(0.5)  # e^{-lam x} = 1/3: (2/3) / (4/3)
    assert logistic(np.array([1.0, 1.0]), np.array([1.0, 3.0])) == pytest.approx(
        [(1 - math.exp(-1)) / (1 + math.exp(-1)), (1 - math.exp(-3)) / (1 + math.exp(-3))])


def test_saturate_dispatches_and_rejects_unknown():
    assert saturate(2.0, "hill", {"half": 2.0, "slope": 3.0}) == pytest.approx(0.5)
    assert saturate(1.0, "logistic", {"lam": 2.0}) == pytest.approx(math.tanh(1.0))
    with pytest.raises(ValueError, match="hill.*logistic"):
        saturate(1.0, "tanh", {})


# ---- against PyMC-Marketing -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def pmm():
    transformers = pytest.importorskip("pymc_marketing.mmm.transformers",
                                       reason="pymc_marketing is not importable: no reference to compare with")
    import pytensor.xtensor as ptx

    def xt(a, *dims):
        return ptx.as_xtensor(np.asarray(a, float), dims=dims)

    return transformers, xt


def test_geometric_adstock_matches_pymc_marketing(pmm):
    T, xt = pmm
    rng = np.random.default_rng(1)
    x = rng.gamma(2.0, 50.0, size=(30, 3)) * (rng.random((30, 3)) < 0.7)
    alpha = rng.uniform(0.05, 0.9, 3)
    for l_max in (1, 4, 8):
        ref = T.geometric_adstock(xt(x, "date", "channel"), alpha=xt(alpha, "channel"), l_max=l_max,
                                  normalize=True, dim="date").transpose("date", "channel").eval()
        assert geometric_adstock(x, alpha, l_max) == pytest.approx(ref, rel=1e-10, abs=1e-10)
    ref = T.geometric_adstock(xt(x, "date", "channel"), alpha=xt(alpha, "channel"), l_max=6,
                              normalize=False, dim="date").transpose("date", "channel").eval()
    assert geometric_adstock(x, alpha, 6, normalize=False) == pytest.approx(ref, rel=1e-10, abs=1e-10)


def test_delayed_adstock_matches_pymc_marketing(pmm):
    T, xt = pmm
    rng = np.random.default_rng(2)
    x = rng.gamma(2.0, 50.0, size=(25, 3))
    alpha = rng.uniform(0.05, 0.9, 3)
    theta = rng.uniform(0, 4, 3)
    ref = T.delayed_adstock(xt(x, "date", "channel"), alpha=xt(alpha, "channel"), theta=xt(theta, "channel"),
                            l_max=8, normalize=True, dim="date").transpose("date", "channel").eval()
    assert geometric_adstock(x, alpha, 8, delay=theta) == pytest.approx(ref, rel=1e-10, abs=1e-10)


def test_hill_matches_pymc_marketing(pmm):
    T, xt = pmm
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 4, size=(40, 3))
    x[0] = 0.0
    half = rng.uniform(0.3, 2.0, 3)
    slope = rng.uniform(0.5, 3.0, 3)
    ref = T.hill_function(xt(x, "date", "channel"), slope=xt(slope, "channel"),
                          kappa=xt(half, "channel")).transpose("date", "channel").eval()
    assert hill(x, half, slope) == pytest.approx(ref, rel=1e-9, abs=1e-12)


def test_logistic_matches_pymc_marketing(pmm):
    T, xt = pmm
    rng = np.random.default_rng(4)
    x = rng.uniform(0, 4, size=(40, 3))
    lam = rng.uniform(0.2, 5.0, 3)
    ref = T.logistic_saturation(xt(x, "date", "channel"), lam=xt(lam, "channel")).transpose("date", "channel").eval()
    assert logistic(x, lam) == pytest.approx(ref, rel=1e-10, abs=1e-12)


# ---- the PyMC graph against the NumPy path -----------------------------------------------------------

@pytest.fixture(scope="module")
def design():
    from trafficlib import mix

    sim = mix.simulate(3, weeks=60, channels=("google_search", "meta", "tv"))
    return mix.prepare(sim.data, "revenue", sim.channels, controls=["promo"], holdout=4)


POINT = {"alpha": np.array([0.2, 0.5, 0.7]), "roi": np.array([1.5, 2.0, 3.0]), "intercept": 0.6, "trend": 0.1,
         "season": np.array([0.05, -0.02]), "control": np.array([0.03]), "sigma": 0.05}
SHAPES = {"hill": {"half": np.array([0.8, 1.2, 1.0]), "slope": np.array([1.5, 1.0, 2.5])},
          "logistic": {"lam": np.array([1.0, 2.0, 3.0])}}
DELAY = {"theta": np.array([0.5, 1.0, 2.0])}


def _graph_at(design, saturation, adstock):
    """The model's mu and beta at the chosen point, and a MixResult holding that one draw."""
    import arviz as az

    from trafficlib.mix.model import build
    from trafficlib.mix.result import MixResult

    model = build(design, saturation=saturation, adstock=adstock)
    point = dict(POINT, **SHAPES[saturation], **(DELAY if adstock == "delayed" else {}))
    fn = model.compile_fn([model["mu"], model["beta"]], inputs=[model[k] for k in point], on_unused_input="ignore")
    mu, beta = fn(point)
    post = {k: np.asarray(v, float)[None, None, ...] for k, v in point.items()}
    post["beta"] = np.asarray(beta)[None, None, :]
    post["mu"] = np.asarray(mu)[None, None, :]
    idata = az.from_dict(posterior=post)
    result = MixResult(design=design, idata=idata, saturation=saturation, adstock=adstock)
    return np.asarray(mu), np.asarray(beta), point, result


@pytest.mark.parametrize("saturation", ["hill", "logistic"])
@pytest.mark.parametrize("adstock", ["geometric", "delayed"])
def test_model_graph_matches_numpy_path(design, saturation, adstock):
    mu, beta, point, result = _graph_at(design, saturation, adstock)
    d = design
    assert mu.shape == (len(d.y),)
    # 1. the result's effects are the transforms' curves times beta (outcome units)
    level = geometric_adstock(d.media, point["alpha"], d.l_max, delay=point.get("theta"))
    shape = saturate(level, saturation, point)
    effects = result.effects()[0]
    assert effects == pytest.approx(shape * beta * d.y_scale, rel=1e-6)
    # 2. the graph's mean (outcome / y_scale) = base + season + control + media, as the result splits it
    parts = result.baseline_parts()
    assert set(parts) == {"base", "season", "promo"}
    numpy_mu = (sum(v[0] for v in parts.values()) + effects.sum(axis=1)) / d.y_scale
    assert mu == pytest.approx(numpy_mu, rel=1e-9, abs=1e-9)
    # 3. and by hand from the design's arrays
    by_hand = (point["intercept"] + point["trend"] * d.trend + d.season @ point["season"]
               + d.controls @ point["control"] + (shape * beta).sum(axis=1))
    assert mu == pytest.approx(by_hand, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("saturation,adstock", [("hill", "geometric"), ("logistic", "delayed")])
def test_roi_parameterization_holds(design, saturation, adstock):
    # the model samples ROI and sets beta so that sum(effects) / sum(spend) = ROI, per channel
    _, _, point, result = _graph_at(design, saturation, adstock)
    table = result.roi.set_index("channel")
    spend = design.spend.sum(axis=0)
    assert table["spend"].to_numpy() == pytest.approx(spend)
    assert table["roi"].to_numpy() == pytest.approx(point["roi"])
    assert (result.effects()[0].sum(axis=0) / spend) == pytest.approx(point["roi"], rel=1e-6)
    assert (table["contribution"] / table["spend"]).to_numpy() == pytest.approx(point["roi"], rel=1e-6)
    total = design.y.sum() * design.y_scale
    assert table["share"].to_numpy() == pytest.approx(point["roi"] * spend / total, rel=1e-6)


def test_weekly_response_is_the_steady_state_of_effects(design):
    # a spend held constant for more than l_max periods: effects() reaches weekly_response()
    _, _, _, result = _graph_at(design, "hill", "delayed")
    steady = np.array([5000.0, 3000.0, 20000.0])
    history = np.tile(steady, (len(design.y), 1))
    eff = result.effects(history)[0]
    expected = np.tile(result.weekly_response(steady)[0], (len(design.y) - design.l_max, 1))
    assert eff[design.l_max:] == pytest.approx(expected, rel=1e-9)


def test_contributions_add_up_to_the_models_mean(design):
    # one draw: the parts of contributions() (base, season, promo, each channel) sum to the graph's mu
    mu, _, _, result = _graph_at(design, "logistic", "geometric")
    parts = result.contributions()
    assert list(parts.columns) == ["base", "season", "promo", *design.channels, "outcome"]
    assert parts.drop(columns="outcome").sum(axis=1).to_numpy() == pytest.approx(mu * design.y_scale, rel=1e-9)
    assert parts["outcome"].to_numpy() == pytest.approx(design.y * design.y_scale)


def test_marginal_roi_and_response_curves_by_hand(design):
    _, beta, point, result = _graph_at(design, "hill", "geometric")
    d = design

    def effect(spend):  # outcome units over the periods, per channel
        level = geometric_adstock(spend * d.per_spend / d.scale, point["alpha"], d.l_max)
        return (hill(level, point["half"], point["slope"]) * beta * d.y_scale).sum(axis=0)

    base = effect(d.spend)
    m = result.marginal_roi().set_index("channel")["mroi"]
    for j, c in enumerate(d.channels):
        more = d.spend.copy()
        more[:, j] *= 1.01
        assert m[c] == pytest.approx((effect(more)[j] - base[j]) / (0.01 * d.spend[:, j].sum()), rel=1e-6)
    # steady-state curves: 0 .. 2.5 x the mean spend per period, beta * y_scale * hill(spend / scale)
    curves = result.response_curves(points=6)
    for j, c in enumerate(d.channels):
        cur = curves[curves["channel"] == c]
        mean_spend = d.spend[:, j].mean()
        assert cur["spend"].to_numpy() == pytest.approx(np.linspace(0, 2.5, 6) * mean_spend)
        assert cur["current"].to_numpy() == pytest.approx(np.full(6, mean_spend))
        expect = beta[j] * d.y_scale * hill(cur["spend"].to_numpy() / d.scale[j], point["half"][j], point["slope"][j])
        assert cur["response"].to_numpy() == pytest.approx(expect, rel=1e-6, abs=1e-6)
        assert cur["response"].iloc[0] == pytest.approx(0.0, abs=1e-6)
