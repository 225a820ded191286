"""Competitor watch analyses: hand-solved cases and the demo's planted surge."""
import matplotlib
import numpy as np
import pandas as pd
import pytest

from trafficlib import competitors as cp
from trafficlib import marketdata as md
from trafficlib.datasets import market

matplotlib.use("Agg")
OURS = "maison-lumiere.fr"
D1, D2 = pd.Timestamp("2026-10-19"), pd.Timestamp("2026-10-26")


def rk(rows):
    return pd.DataFrame(rows, columns=["date", "keyword", "domain", "position", "url", "search_volume"])


TINY = rk([
    (D2, "a", "us.fr", 2, "https://us.fr/a", 1000), (D2, "a", "them.fr", 1, "https://them.fr/a", 1000),
    (D2, "b", "them.fr", 1, "https://them.fr/b", 100),
    (D2, "c", "us.fr", 25, "https://us.fr/c", 500), (D2, "c", "them.fr", 4, "https://them.fr/c", 500),
    (D2, "d", "us.fr", 3, "https://us.fr/d", 200),
])


def test_share_of_voice_hand_computed():
    sov = cp.share_of_voice(TINY).set_index("domain")
    # them: 1000*.28 + 100*.28 + 500*.07 = 343 ; us: 1000*.15 + 500*0 + 200*.10 = 170
    assert sov.loc["them.fr", "est_clicks"] == pytest.approx(343)
    assert sov.loc["us.fr", "est_clicks"] == pytest.approx(170)
    assert sov.loc["them.fr", "share_of_voice"] == pytest.approx(343 / 513)
    assert sov.loc["us.fr", "top3"] == 2 and sov.loc["them.fr", "top10"] == 3


def test_ctr_curve_parameter_changes_result():
    flat = {1: 0.3, 2: 0.3, 3: 0.3, 25: 0.3}
    sov = cp.share_of_voice(TINY, ctr_curve=flat).set_index("domain")
    # every ranked keyword at 0.3: them 1600*.3, us 1700*.3
    assert sov.loc["us.fr", "share_of_voice"] == pytest.approx(1700 / 3300)
    assert cp.share_of_voice(TINY, ctr_curve=lambda p: np.where(p <= 1, 1.0, 0.0)).set_index("domain").loc["us.fr", "est_clicks"] == 0
    assert cp.ctr([1, 1.5, 10, 21, np.nan]).tolist() == pytest.approx([0.28, 0.215, 0.02, 0.0, 0.0])
    assert "Advanced Web Ranking" in cp.describe_ctr_curve()
    assert "Advanced Web Ranking" in cp.describe_ctr_curve(lang="fr")


def test_keyword_gaps_and_overlap():
    gaps = cp.keyword_gaps(TINY, "us.fr", max_position=20)
    assert gaps["keyword"].tolist() == ["c", "b"]  # c: 500*.07=35 > b: 100*.28=28
    assert gaps.set_index("keyword").loc["c", "our_position"] == 25
    assert np.isnan(gaps.set_index("keyword").loc["b", "our_position"])
    ov = cp.keyword_overlap(TINY, "us.fr").set_index("domain").loc["them.fr"]
    assert (ov["shared"], ov["theirs_only"], ov["ours_only"], ov["they_outrank"]) == (1, 2, 1, 1)
    assert ov["overlap"] == pytest.approx(0.5)


def test_rank_movers_and_pages():
    before = rk([(D1, "a", "them.fr", 9, "https://them.fr/old", 1000), (D1, "b", "them.fr", 3, "https://them.fr/b", 100),
                 (D1, "x", "them.fr", 5, "https://them.fr/x", 50)])
    after = rk([(D2, "a", "them.fr", 1, "https://them.fr/hub", 1000), (D2, "b", "them.fr", 8, "https://them.fr/b", 100),
                (D2, "y", "them.fr", 2, "https://them.fr/y", 10)])
    mv = cp.rank_movers(pd.concat([before, after]), n=None).set_index("keyword")
    assert mv.loc["a", "change"] == 8 and mv.loc["b", "change"] == -5
    assert mv.loc["x", "change"] == 5 - 101 and mv.loc["y", "change"] == 99
    assert mv.loc["a", "clicks_change"] == pytest.approx(1000 * (0.28 - 0.022))
    assert mv.index[0] == "y" and mv.index[-1] == "x"
    pages = cp.pages_won_lost(pd.concat([before, after]), n=None).set_index("url")
    assert pages.loc["https://them.fr/hub", "status"] == "won"
    assert pages.loc["https://them.fr/old", "status"] == "lost"
    assert cp.cluster_of(["applique murale bois", "applique murale lin", "suspension rotin"]) == "applique murale"


def test_traffic_share_and_our_traffic():
    start = pd.date_range("2026-09-01", "2026-10-31 23:00", freq="6h")
    sessions = pd.DataFrame({"start": start, "channel": np.where(np.arange(len(start)) % 4 == 0, "Paid Search", "Organic Search"),
                             "pageviews": 3, "duration_s": 60.0, "engaged": np.arange(len(start)) % 2 == 0})
    ours = cp.our_traffic(sessions, OURS)
    assert ours["visits"].tolist() == [120, 124]
    assert ours["share_paid"].iloc[0] == pytest.approx(0.25) and ours["share_search"].iloc[0] == pytest.approx(0.75)
    assert ours["bounce_rate"].tolist() == pytest.approx([0.5, 0.5])
    comp = pd.DataFrame({"period": ours["period"], "domain": "them.fr", "visits": [360.0, 372.0]})
    ts = cp.traffic_share(cp.combine_traffic(comp, ours))
    assert ts.groupby("period")["share"].sum().tolist() == pytest.approx([1, 1])
    assert ts.set_index(["period", "domain"])["share"].iloc[0] == pytest.approx(0.75)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("market")
    truth = market.generate(out, seed=0, scale=1.0)
    return md.load_market(out, OURS), truth


def test_alerts_find_the_planted_surge(demo):
    m, truth = demo
    traffic = cp.combine_traffic(m.competitors)
    al = cp.alerts(OURS, traffic, m.rankings, m.auction_insights, m.trends, lang="en")
    surge = truth["surge"]["domain"]
    assert al.iloc[0]["domain"] == surge and al.iloc[0]["severity"] == "high"
    found = set(al[al["domain"] == surge]["metric"])
    assert {"visits", "share_of_voice", "keyword_jumps", "impression_share", "brand_interest"} <= found
    visits = al[(al["domain"] == surge) & (al["metric"] == "visits")].iloc[0]
    assert visits["change"] == pytest.approx(truth["visits"][surge][-1] / truth["visits"][surge][-2] - 1, abs=1e-3)
    jump = al[al["metric"] == "keyword_jumps"].iloc[0]
    assert truth["surge"]["keyword_cluster"] in jump["title"]
    assert al["threat"].iloc[0]
    # the stable leader and the slow decliner raise nothing
    assert truth["stable_competitor"] not in set(al["domain"])
    assert truth["declining_competitor"]["domain"] not in set(al["domain"])
    fr = cp.alerts(OURS, traffic, m.rankings, m.auction_insights, m.trends, lang="fr")
    assert len(fr) == len(al) and "par rapport à" in fr.iloc[0]["title"]


@pytest.mark.parametrize("seed", [1, 2])
def test_alerts_other_seeds_stable_is_quiet(tmp_path, seed):
    market.generate(tmp_path, seed=seed)
    m = md.load_market(tmp_path, OURS)
    al = cp.alerts(OURS, cp.combine_traffic(m.competitors), m.rankings, m.auction_insights, m.trends)
    assert "luminaires-direct.fr" not in set(al["domain"])
    assert {"visits", "impression_share"} <= set(al[al["domain"] == "deco-rivale.fr"]["metric"])


def test_alert_thresholds_are_parameters(demo):
    m, _ = demo
    strict = cp.alerts(OURS, cp.combine_traffic(m.competitors), auction=m.auction_insights,
                       thresholds={"relative": 5.0, "z": 50})
    assert strict.empty
    loose = cp.alerts(OURS, cp.combine_traffic(m.competitors), thresholds={"relative": 0.05, "z": 1.0})
    assert len(loose) > len(cp.alerts(OURS, cp.combine_traffic(m.competitors)))


def test_brand_interest_seasonality_and_auction(demo):
    m, truth = demo
    dec = cp.brand_interest(m.trends)
    assert set(dec.attrs["method"].values()) == {"stl"}
    summ = cp.brand_summary(dec).set_index("term")
    assert summ.loc["luminaires direct", "peak_month"] in (11, 12, 1)
    assert summ.loc[truth["surge"]["brand_term"], "adjusted_change"] > 0.5
    ap = cp.auction_pressure(m.auction_insights, OURS).set_index("domain")
    assert ap.index[0] == OURS
    assert ap.loc["deco-rivale.fr", "impression_share_change"] == pytest.approx(
        truth["surge"]["impression_share_after"] - truth["surge"]["impression_share_before"], abs=1e-3)


def test_plots_return_figures(demo):
    m, _ = demo
    from matplotlib.figure import Figure
    traffic = cp.combine_traffic(m.competitors)
    figs = [cp.plot_traffic_share(cp.traffic_share(traffic), "fr"), cp.plot_channel_mix(cp.channel_mix(traffic)),
            cp.plot_share_of_voice(cp.share_of_voice(m.rankings), our_domain=OURS),
            cp.plot_rank_movers(cp.rank_movers(m.rankings)), cp.plot_auction_pressure(m.auction_insights, our_domain=OURS),
            cp.plot_brand_interest(cp.brand_interest(m.trends))]
    assert all(isinstance(f, Figure) for f in figs)


def test_package_exports_every_public_name():
    import importlib

    for name in cp.__all__:
        assert hasattr(cp, name), name
    for mod in ("_common", "traffic", "seo", "paid", "brand", "alerts", "plots", "watch"):
        assert importlib.import_module(f"trafficlib.competitors.{mod}")


def test_brand_interest_is_computed_once_per_content(demo, monkeypatch):
    import statsmodels.tsa.seasonal as seasonal

    from trafficlib import filecache

    m, _ = demo
    filecache.clear()
    fits = []
    real_stl = seasonal.STL
    monkeypatch.setattr(seasonal, "STL", lambda *a, **k: fits.append(1) or real_stl(*a, **k))
    first = cp.brand_interest(m.trends)
    n_fits = len(fits)
    assert n_fits > 0
    again = cp.brand_interest(m.trends.copy())
    assert len(fits) == n_fits  # same content: kept result, no new fit
    pd.testing.assert_frame_equal(again, first)
    again.loc[:, "trend"] = 0.0  # the caller's copy is its own
    pd.testing.assert_frame_equal(cp.brand_interest(m.trends), first)
    changed = m.trends.copy()
    changed.loc[changed.index[0], "interest"] += 1
    cp.brand_interest(changed)
    assert len(fits) > n_fits  # other content: computed


def test_alert_statistics_by_hand():
    from trafficlib.competitors.alerts import _robust_stats

    s = pd.Series([100.0, 110, 100, 110, 100, 110, 200], index=pd.date_range("2026-01-01", periods=7, freq="MS"))
    st = _robust_stats(s)
    d = np.log(np.array([110 / 100, 100 / 110, 110 / 100, 100 / 110, 110 / 100]))
    med = np.median(d)
    mad = 1.4826 * np.median(np.abs(d - med))
    assert st["change"] == pytest.approx(200 / 110 - 1)
    assert st["z"] == pytest.approx((np.log(200 / 110) - med) / max(mad, 0.05))
    assert st["usual"] == pytest.approx(np.exp(mad) - 1)
    assert _robust_stats(pd.Series([1.0, 0.0])) is None  # no change from zero
    rate = _robust_stats(pd.Series([0.0, 0.0, 0.0, 0.0, 0.0, 0.2]), kind="rate")  # rates floored at 0.1 %
    assert rate["previous"] == pytest.approx(1e-3) and rate["change"] == pytest.approx(199)
