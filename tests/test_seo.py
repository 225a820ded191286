"""SEO analyses: hand-solved sums, and the planted facts of the demo Search Console export."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trafficlib import seo, sources
from trafficlib.readers.search_console import load_performance


def _perf(tmp_path, queries, dates):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "Queries.csv").write_text("Top queries,Clicks,Impressions,CTR,Position\n" + queries)
    (folder / "Dates.csv").write_text("Date,Clicks,Impressions,CTR,Position\n" + dates)
    return load_performance(folder)


def test_weighted_position_and_coverage_hand_solved(tmp_path):
    perf = _perf(tmp_path, "a,10,100,10%,2\nb,0,900,0%,12\nmaison lumière avis,30,60,50%,1\n",
                 "2026-07-01,50,1500,3.33%,9\n2026-07-02,50,500,10%,5\n")
    sd = seo.prepare(perf, site_name="Maison Lumière")
    # (2*100 + 12*900 + 1*60) / 1060, never the plain mean (5.0)
    assert seo.weighted_position(sd.queries) == pytest.approx((200 + 10800 + 60) / 1060)
    tot = seo.totals(sd)
    assert tot["clicks"] == 100 and tot["impressions"] == 2000 and tot["ctr"] == pytest.approx(0.05)
    assert tot["position"] == pytest.approx((9 * 1500 + 5 * 500) / 2000) and tot["source"] == "dates"
    cov = seo.coverage(sd).set_index("table")
    assert cov.loc["queries", "share_clicks"] == pytest.approx(40 / 100)
    assert cov.loc["queries", "share_impressions"] == pytest.approx(1060 / 2000)
    b = seo.brand_split(sd).set_index("segment")
    assert b.loc["brand", "clicks"] == 30 and b.loc["non_brand", "clicks"] == 10 and b.loc["not_shown", "clicks"] == 60
    s = seo.summarise(sd.queries)
    assert s["ctr"].iloc[0] == pytest.approx(40 / 1060)


def test_brand_pattern_from_site_name():
    rx = seo.brand_pattern("Maison Lumière", "maison-lumiere.fr")
    q = pd.Series(["maison lumiere", "Maison Lumière avis", "maisonlumiere", "maison-lumiere.fr", "lampe maison",
                   "lumière maison"])
    assert seo.is_brand(q, rx).tolist() == [True, True, True, True, False, False]


def test_ctr_curve_recovers_a_known_curve(tmp_path):
    r = np.random.default_rng(3)
    pos = r.uniform(1, 20, 400)
    imp = r.integers(200, 5000, 400)
    clicks = r.binomial(imp, 0.3 * pos ** -0.9)
    lines = "".join(f"q{i},{c},{n},1%,{p:.2f}\n" for i, (c, n, p) in enumerate(zip(clicks, imp, pos)))
    perf = _perf(tmp_path, lines + "bad snippet,2,4000,0.05%,2.00\n", "2026-07-01,1,1,1%,1\n")
    sd = seo.prepare(perf)
    curve = seo.ctr_curve(sd)
    for p in (2, 5, 10):
        assert curve(p) == pytest.approx(0.3 * p ** -0.9, rel=0.1)
    opp = seo.opportunities(sd, curve)
    assert opp["query"].iloc[0] == "bad snippet"
    assert opp["clicks_at_stake"].iloc[0] == pytest.approx(4000 * float(curve(2.0)) - 2)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from trafficlib.datasets import search_console as part

    out = tmp_path_factory.mktemp("demo")
    truth = part.generate(out, seed=0, scale=1.0)
    perf = load_performance(out / truth["folder"])
    qp = sources.load(out / truth["bulk_file"]).frame
    sd = seo.prepare(perf, site_name="Maison Lumière", domain="maison-lumiere.fr", query_page=qp)
    return truth, perf, sd


def test_demo_totals_and_visible_share(demo):
    truth, perf, sd = demo
    tot = seo.totals(sd)
    assert tot["clicks"] == truth["clicks"] and tot["impressions"] == truth["impressions"]
    assert tot["position"] == pytest.approx(truth["position"], abs=0.01)  # file rounds daily positions to 2 decimals
    assert seo.totals(sd, previous=True)["clicks"] == truth["clicks_previous"]
    cov = seo.coverage(sd).set_index("table")
    assert cov.loc["queries", "rows"] == truth["visible_queries"] == 1000
    assert cov.loc["queries", "share_clicks"] == pytest.approx(truth["visible_share_clicks"], abs=1e-4)
    assert cov.loc["queries", "share_impressions"] == pytest.approx(truth["visible_share_impressions"], abs=1e-4)
    b = seo.brand_split(sd).set_index("segment")
    assert b.loc["brand", "clicks"] / (b.loc["brand", "clicks"] + b.loc["non_brand", "clicks"]) == pytest.approx(
        truth["brand_share_visible_clicks"], abs=1e-4)
    assert sd.previous_period == (pd.Timestamp(truth["previous_period"][0]), pd.Timestamp(truth["previous_period"][1]))


def test_demo_planted_facts_found(demo):
    truth, perf, sd = demo
    a, b = truth["ctr_curve"]["a"], truth["ctr_curve"]["b"]
    curve = seo.ctr_curve(sd)
    for p in (3, 6, 10):
        assert curve(p) == pytest.approx(a * p ** -b, rel=0.15)
    opp = seo.opportunities(sd, curve)
    assert set(opp["query"].head(5)) == set(truth["low_ctr_queries"])
    strike = seo.striking_distance(sd, curve)
    assert set(strike["query"].head(5)) == set(truth["striking_queries"])
    losing = seo.pages_losing(sd)
    assert losing["page"].iloc[0] == truth["losing_page"]
    assert losing["clicks_previous"].iloc[0] == truth["losing_page_clicks_previous"]
    mv = seo.movers(sd)
    assert mv[mv["direction"] == "gain"]["query"].iloc[0] == truth["mover_query"]
    can = seo.cannibalisation(sd)
    assert can["query"].iloc[0] == truth["cannibalised_query"]
    assert {can["top_page"].iloc[0], can["second_page"].iloc[0]} == set(truth["cannibal_pages"])
    an = seo.anomalies(sd)
    drops = an[an["direction"] == "drop"]
    assert pd.Timestamp(truth["outage_day"]) in set(drops["date"])
    f = seo.findings(sd, "fr", curve)
    assert f["kind"].iloc[0] == "page_loss" and (f["clicks_at_stake"].iloc[0] > 0)
    assert {"drop", "low_ctr", "striking", "cannibalisation", "filters", "coverage"} <= set(f["kind"])
    assert "Type de recherche: Web" in " ".join(f["detail"].dropna())


def test_period_comparison_matches_totals(demo):
    truth, perf, sd = demo
    c = seo.period_comparison(sd).set_index("metric")
    assert c.loc["clicks", "change"] == pytest.approx(truth["clicks"] / truth["clicks_previous"] - 1)
    assert c.loc["ctr", "current"] == pytest.approx(truth["clicks"] / truth["impressions"])


def test_our_search_console_positions_beside_the_rank_tracker(demo_dir):
    """The join the competitor watch shows: for a keyword in both, our impression-weighted
    Search Console position and the tracker's latest positions (ours and the best rival)."""
    import numpy as np

    from trafficlib import seo
    from trafficlib.readers import marketdata as md
    from trafficlib.readers.search_console import load_performance

    sd = seo.prepare(load_performance(demo_dir / "search_console"), domain="maison-lumiere.fr")
    ranks = md.read_rankings(demo_dir / "rankings.csv")
    t = seo.positions_beside_rankings(sd, ranks, "maison-lumiere.fr")
    assert len(t) > 5
    row = t.iloc[0]
    q = sd.queries[sd.queries["query"].map(seo.core.fold).str.strip() == row["keyword"]]
    assert row["sc_position"] == pytest.approx(np.average(q["position"], weights=q["impressions"]))
    latest = ranks[(ranks["date"] == ranks["date"].max()) & (ranks["keyword"].map(seo.core.fold).str.strip() == row["keyword"])]
    ours = latest[latest["domain"] == "maison-lumiere.fr"]["position"]
    theirs = latest[latest["domain"] != "maison-lumiere.fr"]["position"]
    assert (np.isnan(row["tracked_position"]) and ours.empty) or row["tracked_position"] == ours.min()
    assert row["competitor_position"] == theirs.min()


def _us_site(tmp_path, country_rows):
    """A Search Console export of a US site over two Christmases (weekly pattern, clicks
    halve on Dec 24 and 25) with a Countries table."""
    days = pd.date_range("2023-10-01", "2025-01-31", freq="D")
    rng = np.random.default_rng(3)
    clicks = 1000 + 150 * (days.day_of_week < 5) + rng.normal(0, 15, len(days))
    quiet = ((days.month == 12) & days.day.isin([24, 25]))
    clicks = np.where(quiet, clicks * 0.45, clicks).round()
    dates = pd.DataFrame({"Date": days.strftime("%Y-%m-%d"), "Clicks": clicks.astype(int),
                          "Impressions": (clicks * 20).astype(int), "CTR": "5%", "Position": "8.1"})
    folder = tmp_path / "gsc"
    folder.mkdir()
    dates.to_csv(folder / "Dates.csv", index=False)
    pd.DataFrame({"Top queries": ["widgets"], "Clicks": [10], "Impressions": [100], "CTR": ["10%"],
                  "Position": ["3"]}).to_csv(folder / "Queries.csv", index=False)
    pd.DataFrame(country_rows, columns=["Country", "Clicks", "Impressions", "CTR", "Position"]).to_csv(
        folder / "Countries.csv", index=False)
    return seo.prepare(load_performance(folder), site_name="Widgets", domain="widgets.example")


def test_holidays_of_the_site_country_are_named_not_reported(tmp_path):
    sc = _us_site(tmp_path, [["United States", 9000, 90000, "10%", "5"], ["Canada", 1000, 9000, "11%", "5"]])
    assert seo.site_country(sc) == "US"
    an = seo.anomalies(sc, lang="en")
    xmas = an[an["date"].dt.month.eq(12) & an["date"].dt.day.isin([24, 25])]
    assert len(xmas) >= 2  # the quiet days depart from the weekly pattern...
    assert set(xmas["holiday"]) <= {"Christmas Eve", "Christmas Day"} and xmas["holiday"].notna().all()
    assert (xmas["at_stake"] == 0).all()  # ...but are named, not counted as clicks lost
    found = seo.findings(sc, "en")
    assert not found["kind"].eq("drop").any(), found[["kind", "title"]]
    fr = seo.anomalies(sc, country="FR", lang="fr")  # names in the report's language where the calendar has it
    assert set(fr["holiday"].dropna()) == {"Réveillon de Noël", "Noël"}


def test_without_a_dominant_country_no_holiday_is_assumed(tmp_path):
    sc = _us_site(tmp_path, [["United States", 3000, 9, "1%", "5"], ["India", 3000, 9, "1%", "5"],
                             ["Germany", 3000, 9, "1%", "5"]])
    assert seo.site_country(sc) is None
    an = seo.anomalies(sc)
    assert an["holiday"].isna().all()
    assert seo.anomalies(sc, country="US")["holiday"].notna().any()  # the parameter names it
