"""Campaign KPIs, pacing, intervals, A/B tests and the post-mortem (trafficlib.campaigns)."""
from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from trafficlib import TrafficDataError, campaigns

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"


def spend(rows):
    cols = ["date", "platform", "campaign", "ad_group", "ad", "impressions", "clicks", "cost",
            "conversions", "conversion_value", "reach"]
    df = pd.DataFrame(rows, columns=cols)
    df["date"] = pd.to_datetime(df["date"])
    return df


# ---------------------------------------------------------------- KPI definitions


def test_kpi_definitions_by_hand():
    df = spend([("2026-04-01", "Meta Ads", "c", "g1", "a", 600, 30, 60.0, 3.0, 240.0, 300),
                ("2026-04-02", "Meta Ads", "c", "g1", "a", 400, 20, 40.0, 2.0, 160.0, 200)])
    k = campaigns.kpis(df, by="campaign").loc["c"]
    assert k["impressions"] == 1000 and k["clicks"] == 50 and k["cost"] == 100
    assert k["ctr"] == pytest.approx(0.05)          # clicks / impressions
    assert k["cpc"] == pytest.approx(2.0)           # cost / clicks
    assert k["cpm"] == pytest.approx(100.0)         # 1000 * cost / impressions
    assert k["cvr"] == pytest.approx(0.1)           # conversions / clicks
    assert k["cpa"] == pytest.approx(20.0)          # cost / conversions
    assert k["roas"] == pytest.approx(4.0)          # value / cost
    assert k["frequency"] == pytest.approx(2.0)     # impressions / reach
    total = campaigns.kpis(df, by=None)
    assert list(total.index) == ["total"] and total.loc["total", "cost"] == 100


def test_zero_denominators_are_nan_never_zero_or_inf():
    df = spend([("2026-04-01", "Google Ads", "idle", "g", "a", 0, 0, 0.0, 0.0, 0.0, None),
                ("2026-04-01", "Google Ads", "noconv", "g", "a", 100, 5, 10.0, 0.0, 0.0, None)])
    k = campaigns.kpis(df, by="campaign")
    idle, noconv = k.loc["idle"], k.loc["noconv"]
    for col in ("ctr", "cpc", "cpm", "cvr", "cpa", "roas", "frequency"):
        assert math.isnan(idle[col]), col
    assert math.isnan(noconv["cpa"]) and math.isnan(noconv["frequency"])
    assert noconv["cvr"] == 0 and noconv["roas"] == 0  # 0 / positive is a real zero
    assert not np.isinf(k.select_dtypes("number").to_numpy()).any()


def test_against_targets():
    total = pd.Series({"cost": 900.0, "cpa": 45.0, "roas": 2.5, "incremental_roas": 1.2})
    t = campaigns.against_targets(total, budget=1000, target_cpa=40, target_roas=2.0).set_index("key")
    assert t.loc["cost", "met"] and t.loc["cost", "gap"] == pytest.approx(-0.1)
    assert not t.loc["cpa", "met"] and t.loc["cpa", "gap"] == pytest.approx(0.125)
    assert t.loc["roas", "met"] and not t.loc["incremental_roas", "met"]
    assert "incremental_cpa" not in t.index


# ---------------------------------------------------------------- pacing


def test_pacing_even_plan():
    days = pd.date_range("2026-04-01", periods=5)
    df = spend([(d, "Meta Ads", "c", "g", "a", 100, 1, 100.0, 0, 0, None) for d in days])
    p = campaigns.pacing(df, "2026-04-01", "2026-04-10", budget=1000)
    assert len(p) == 5
    assert p["planned_cum"].tolist() == [100, 200, 300, 400, 500]
    assert p["pacing"].tolist() == pytest.approx([1.0] * 5)
    assert p.attrs["spent"] == 500 and p.attrs["expected_total"] == pytest.approx(1000)
    assert p.attrs["share_of_flight"] == pytest.approx(0.5)
    over = campaigns.pacing(df, "2026-04-01", "2026-04-10", budget=800)
    assert over.attrs["pacing"] == pytest.approx(500 / 400)
    with pytest.raises(TrafficDataError):
        campaigns.pacing(df, "2026-04-10", "2026-04-01", budget=10)


# ---------------------------------------------------------------- intervals


def _wilson(k, n, z=stats.norm.ppf(0.975)):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_rank_groups_wilson_and_beta_intervals():
    df = spend([("2026-04-01", "Meta Ads", "c", "big_good", "a", 10000, 300, 50.0, 5, 0, None),
                ("2026-04-01", "Meta Ads", "c", "small_lucky", "a", 100, 4, 5.0, 0, 0, None),
                ("2026-04-01", "Meta Ads", "c", "big_bad", "a", 10000, 100, 50.0, 1, 0, None)])
    r = campaigns.rank_groups(df, by="ad_group", rate="ctr").set_index("ad_group")
    lo, hi = _wilson(300, 10000)
    assert r.loc["big_good", "lower"] == pytest.approx(lo) and r.loc["big_good", "upper"] == pytest.approx(hi)
    # Ranked on the lower bound: the big good group beats the small lucky one (4 %, n=100).
    ranked = campaigns.rank_groups(df, by="ad_group", rate="ctr")
    assert ranked["ad_group"].tolist() == ["big_good", "small_lucky", "big_bad"]
    assert r.loc["big_good", "vs_overall"] == "above" and r.loc["big_bad", "vs_overall"] == "below"
    assert r.loc["small_lucky", "vs_overall"] == "same"
    # Clopper-Pearson ("beta"): Beta quantiles.
    b = campaigns.rank_groups(df, by="ad_group", rate="ctr", method="beta").set_index("ad_group")
    assert b.loc["small_lucky", "lower"] == pytest.approx(stats.beta.ppf(0.025, 4, 97))
    assert b.loc["small_lucky", "upper"] == pytest.approx(stats.beta.ppf(0.975, 5, 96))
    with pytest.raises(TrafficDataError):
        campaigns.rank_groups(df, rate="roas")


# ---------------------------------------------------------------- A/B


def test_ab_test_against_statsmodels_and_by_hand():
    from statsmodels.stats.proportion import proportions_ztest

    res = campaigns.ab_test(200, 5000, 250, 5000)
    pa, pb, pooled = 0.04, 0.05, 450 / 10000
    z = (pb - pa) / math.sqrt(pooled * (1 - pooled) * (2 / 5000))
    assert res["z"] == pytest.approx(z)
    assert res["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)))
    z_sm, p_sm = proportions_ztest([250, 200], [5000, 5000])
    assert res["z"] == pytest.approx(z_sm) and res["p_value"] == pytest.approx(p_sm)
    assert res["diff"] == pytest.approx(0.01) and res["rel_diff"] == pytest.approx(0.25)
    lo, hi = res["ci_diff"]
    assert lo < 0.01 < hi and lo > 0  # significant: the interval of the difference excludes 0
    assert res["significant"] and res["winner"] == "B"
    assert res["ci_a"] == pytest.approx(_wilson(200, 5000))
    null = campaigns.ab_test(200, 5000, 205, 5000)
    assert not null["significant"] and null["winner"] is None
    with pytest.raises(TrafficDataError):
        campaigns.ab_test(10, 5, 1, 5)


def test_sample_size_by_hand():
    p0, p1 = 0.04, 0.046
    h = 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p0))
    # 2 asin(sqrt(p_hat)) has variance 1/n, a difference of two 2/n: n = 2 (z_a + z_b)^2 / h^2.
    z_a, z_b = stats.norm.ppf(0.975), stats.norm.ppf(0.8)
    n = 2 * (z_a + z_b) ** 2 / h ** 2
    assert campaigns.sample_size(0.04, 0.15) == math.ceil(n)
    # The textbook pooled-variance formula agrees within 1 %.
    pbar = (p0 + p1) / 2
    classic = (z_a * math.sqrt(2 * pbar * (1 - pbar)) + z_b * math.sqrt(p0 * (1 - p0) + p1 * (1 - p1))) ** 2 / (p1 - p0) ** 2
    assert campaigns.sample_size(0.04, 0.15) == pytest.approx(classic, rel=0.01)
    assert campaigns.sample_size(0.04, 0.006, relative=False) == math.ceil(n)
    assert campaigns.sample_size(0.04, 0.30) < campaigns.sample_size(0.04, 0.15)
    with pytest.raises(TrafficDataError):
        campaigns.sample_size(0.04, 0.0)


def test_ab_table_sums_daily_rows():
    t = pd.DataFrame({"variant": ["A", "B", "A", "B"], "clicks": [100, 130, 100, 130],
                      "impressions": [2500, 2500, 2500, 2500]})
    res = campaigns.ab_table(t)
    assert res["trials"] == (5000, 5000) and res["successes"] == (200, 260)


# ---------------------------------------------------------------- site series, economics


def test_lift_series_and_site_outcomes():
    s = pd.DataFrame({
        "start": pd.to_datetime(["2026-04-01 10:00", "2026-04-01 11:00", "2026-04-01 12:00", "2026-04-03 09:00"]),
        "country": ["FR", "fr", "BE", "CH"],
        "campaign": ["Prospection_Printemps ", "x", "x", "prospection_printemps"],
        "conversions": [1, 0, 1, 0], "revenue": [50.0, 0.0, 20.0, 0.0],
    })
    d = campaigns.lift_series(s, kpi="sessions", treated={"country": "FR"})
    assert d.index.tolist() == list(pd.date_range("2026-04-01", "2026-04-03"))
    assert d["treated"].tolist() == [2, 0, 0] and d["control"].tolist() == [1, 0, 1]
    r = campaigns.lift_series(s, kpi="revenue", treated={"country": "FR"}, controls="each")
    assert r["treated"].iloc[0] == 50 and set(r.columns) == {"treated", "control_BE", "control_CH"}
    o = campaigns.site_outcomes(s, "prospection_printemps")
    assert o == {"sessions": 2.0, "conversions": 1.0, "revenue": 50.0}
    with pytest.raises(TrafficDataError):
        campaigns.lift_series(s, kpi="bounces")


def _fake(effect, lo, hi):
    summary = pd.DataFrame({"abs_effect": [effect], "abs_effect_lower": [lo], "abs_effect_upper": [hi]},
                           index=["cumulative"])
    return SimpleNamespace(summary=summary)


def test_incremental_economics():
    e = campaigns.incremental_economics(1000.0, conversions=_fake(50, 20, 80), revenue=_fake(3000, -500, 6000))
    assert e.loc["incremental_cpa", "estimate"] == pytest.approx(20.0)
    assert e.loc["incremental_cpa", "lower"] == pytest.approx(1000 / 80)
    assert e.loc["incremental_cpa", "upper"] == pytest.approx(1000 / 20)
    assert e.loc["incremental_roas"].tolist() == pytest.approx([3.0, -0.5, 6.0])
    e2 = campaigns.incremental_economics(1000.0, conversions=_fake(10, -5, 25))
    assert math.isnan(e2.loc["incremental_cpa", "upper"])  # cannot rule out zero conversions


# ---------------------------------------------------------------- whole post-mortem


def _synthetic_shop(seed=0, lift=60.0):
    rng = np.random.default_rng(seed)
    days = pd.date_range("2026-01-01", "2026-05-03")
    start = pd.Timestamp("2026-04-06")
    rows = []
    for d in days:
        base = 300 * (1.1 if d.day_of_week < 5 else 0.85)
        n_fr = rng.poisson(base * 0.78 + (lift if d >= start else 0))
        n_be = rng.poisson(base * 0.22)
        for country, n in (("FR", n_fr), ("BE", n_be)):
            conv = rng.binomial(1, 0.03, n)
            rows.append(pd.DataFrame({"start": d + pd.Timedelta(hours=12), "country": country,
                                      "campaign": "x", "conversions": conv, "revenue": conv * 100.0}))
    sessions = pd.concat(rows, ignore_index=True)
    flight = pd.date_range(start, "2026-05-03")
    ads = spend([(d, "Meta Ads", "prospection", g, f"{g}_{a}", 5000, 50 if a == "A" else 60, 120.0, 4.0, 400.0, 3000)
                 for d in flight for g in ("g1", "g2") for a in ("A", "B")])
    return sessions, ads


def test_postmortem_synthetic_verdict():
    sessions, ads = _synthetic_shop()
    pm = campaigns.postmortem(ads, sessions, "prospection", "2026-04-06", "2026-05-03", budget=14000,
                              target_cpa=100, target_roas=1.5, kpi="sessions")
    assert pm.total["cost"] == pytest.approx(28 * 4 * 120)
    c = pm.lift.summary.loc["cumulative"]
    assert c["abs_effect_lower"] <= 60 * 28 <= c["abs_effect_upper"]
    assert {"incremental_roas", "incremental_cpa"} <= set(pm.economics.index)
    assert pm.ads_ranked.iloc[0]["ad"].endswith("_B")
    en, fr = pm.verdict("en"), pm.verdict("fr")
    assert "Cost." in en and "Incremental ROAS" in en and "Bottom line" in en
    assert "Coût." in fr and "ROAS incrémental" in fr and "En bref" in fr
    no_ctl = campaigns.postmortem(ads, sessions, "prospection", "2026-04-06", "2026-05-03", budget=14000,
                                  control="none")
    assert no_ctl.lift.controls == [] and "weaker evidence" in no_ctl.verdict("en")
    with pytest.raises(TrafficDataError, match="no ad spend"):
        campaigns.postmortem(ads, sessions, "nope", "2026-04-06", "2026-05-03")


@pytest.mark.skipif(not (DEMO / "ab_test_ads.csv").exists(), reason="demo data not generated")
def test_demo_ab_test_finds_planted_ctr_difference():
    truth = json.loads((DEMO / "truth.json").read_text(encoding="utf-8"))["ads"]["ab_test"]
    table = pd.read_csv(DEMO / "ab_test_ads.csv")
    ctr = campaigns.ab_table(table)
    assert ctr["significant"] and ctr["winner"] == "B"
    true_diff = truth["true_ctr"]["B"] - truth["true_ctr"]["A"]
    assert ctr["ci_diff"][0] <= true_diff <= ctr["ci_diff"][1]
    cvr = campaigns.ab_table(table, successes="conversions", trials="clicks")
    assert not cvr["significant"]  # planted: same conversion rate


# ---------------------------------------------------------------- Google Trends campaign

TRENDS_IT = Path(__file__).resolve().parents[2] / "shared" / "data" / "market" / "trends_it_allianz_vs_prima.csv"


@pytest.mark.skipif(not TRENDS_IT.is_file(), reason="no ../shared/data/market")
def test_trends_campaign_end_to_end():
    """Prima Assicurazioni's campaign (launched May 2024) on monthly Italian Trends
    interest, Allianz as control, through the post-mortem machinery."""
    from trafficlib import marketdata

    trends = marketdata.read_trends(TRENDS_IT)
    pm = campaigns.trends_postmortem(trends, "Prima Assicurazioni", "2024-05-01")
    lift = pm.lift
    assert lift.kind == "M" and lift.freq == "MS" and lift.controls == ["Allianz"]
    assert lift.pre_period == (pd.Timestamp("2020-01-01"), pd.Timestamp("2024-04-01"))
    assert lift.summary.loc["average", "actual"] == pytest.approx(np.mean([14, 17, 20, 13, 16, 18, 18, 17, 22, 23, 24, 21, 22, 23]))
    c = lift.summary.loc["cumulative"]
    assert c["abs_effect_lower"] < c["abs_effect"] < c["abs_effect_upper"]
    # The counterfactual is learnt before May 2024 only: a lift planted in the post-period
    # moves the estimate by exactly that lift, and the model then finds it.
    planted = trends.copy()
    after = (planted["term"] == "Prima Assicurazioni") & (planted["date"] >= "2024-05-01")
    planted.loc[after, "interest"] += 10
    pm2 = campaigns.trends_postmortem(planted, "prima assicurazioni", "2024-05-01")
    c2 = pm2.lift.summary.loc["cumulative"]
    assert c2["abs_effect"] - c["abs_effect"] == pytest.approx(10 * 14)
    assert c2["abs_effect_upper"] - c["abs_effect_upper"] == pytest.approx(10 * 14)
    # words and tables of the post-mortem
    en, fr = pm.verdict("en"), pm.verdict("fr")
    assert "Allianz" in en and "Allianz" in fr and "Cost." not in en
    assert "a month" in pm.lift_text("en") and "par mois" in pm.lift_text("fr")
    table, formats = campaigns.lift_table(pm, "en")
    assert len(table) == 2
    with pytest.raises(TrafficDataError, match="no Google Trends term"):
        campaigns.trends_postmortem(trends, "Genertel", "2024-05-01")
    with pytest.raises(TrafficDataError, match="before the campaign"):
        campaigns.trends_postmortem(trends, "Prima Assicurazioni", "2019-01-01")


def test_trends_series_weekly_synthetic():
    dates = pd.date_range("2024-01-07", periods=60, freq="W-SUN")
    rng = np.random.default_rng(2)
    base = 40 + np.cumsum(rng.normal(0, 0.3, 60))
    brand = 0.5 * base + rng.normal(0, 1, 60)
    brand[45:] += 6
    t = pd.concat([pd.DataFrame({"date": dates, "term": "brand", "interest": brand}),
                   pd.DataFrame({"date": dates, "term": "category", "interest": base})])
    pm = campaigns.trends_postmortem(t, "brand", dates[45])
    assert pm.lift.kind == "W"
    c = pm.lift.summary.loc["cumulative"]
    assert c["abs_effect_lower"] <= 6 * 15 <= c["abs_effect_upper"] and pm.lift.significant
