"""Market export readers: each format (fr/en), round trips against the demo's truth, bad exports."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trafficlib import TrafficDataError
from trafficlib import marketdata as md
from trafficlib.datasets import market

BAD = Path(__file__).parent / "data" / "bad"
SHARED = Path(__file__).resolve().parents[2] / "shared"
OURS = "maison-lumiere.fr"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("market")
    truth = market.generate(out, seed=0, scale=1.0)
    return out, truth


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


# ---------------------------------------------------------------- Similarweb
def test_similarweb_demo_round_trip(demo):
    out, truth = demo
    c = md.read_similarweb(out / "competitors_similarweb.csv")
    assert set(c["domain"]) == set(truth["competitors"])
    assert c["period"].nunique() == 13 and c["period"].dt.day.eq(1).all()
    for dom, visits in truth["visits"].items():
        got = c[c["domain"] == dom].sort_values("period")["visits"].to_numpy()
        np.testing.assert_allclose(got, visits, atol=1)
    shares = c.filter(like="share_").sum(axis=1)
    np.testing.assert_allclose(shares, 1, atol=0.001)
    assert c["bounce_rate"].between(0.2, 0.7).all()
    assert c["avg_visit_duration_s"].between(60, 600).all()


def test_similarweb_french_headers_and_values(tmp_path):
    p = write(tmp_path, "sw.csv",
              "Domaine;Mois;Visites;Visiteurs uniques;Pages par visite;Durée moyenne des visites;Taux de rebond;Direct;Recherche;Réseaux sociaux\n"
              "www.deco-rivale.fr;octobre 2025;16,2K;10 500;3,9;00:03:25;45,2 %;30 %;60 %;10 %\n"
              "deco-rivale.fr;nov. 2025;18 884;12 000;4,1;3:05;44 %;25 %;65 %;10 %\n", "cp1252")
    c = md.read_similarweb(p)
    assert c["domain"].tolist() == ["deco-rivale.fr"] * 2
    assert c["period"].tolist() == [pd.Timestamp("2025-10-01"), pd.Timestamp("2025-11-01")]
    assert c["visits"].tolist() == [16200, 18884]
    assert c["avg_visit_duration_s"].tolist() == [205, 185]
    assert c["bounce_rate"].tolist() == pytest.approx([0.452, 0.44])
    assert c["share_search"].tolist() == pytest.approx([0.6, 0.65])
    assert c["share_social"].tolist() == pytest.approx([0.1, 0.1])


def test_similarweb_single_site_needs_domain(tmp_path):
    p = write(tmp_path, "one.csv", "Date,Visits\n2025-10,100\n")
    with pytest.raises(TrafficDataError, match="domain"):
        md.read_similarweb(p)
    assert md.read_similarweb(p, domain="x.fr")["domain"].tolist() == ["x.fr"]


# ---------------------------------------------------------------- rankings
def test_rankings_long_and_semrush_wide_agree(demo):
    out, truth = demo
    long = md.read_rankings(out / "rankings.csv")
    wide = md.read_rankings(out / "semrush_position_tracking.csv")
    assert long.attrs["layout"] == "long" and wide.attrs["layout"] == "semrush"
    assert wide.attrs["not_ranked"] > 0
    assert long["keyword"].nunique() == truth["rankings"]["keywords"]
    assert long["date"].nunique() == truth["rankings"]["weeks"]
    last8 = long[long["date"].isin(wide["date"].unique())]
    key = ["date", "keyword", "domain"]
    m = last8.merge(wide, on=key, how="outer", suffixes=("_l", "_w"), indicator=True)
    assert (m["_merge"] == "both").all()
    assert (m["position_l"] == m["position_w"]).all()
    assert (m["url_l"] == m["url_w"]).all()
    assert (m["search_volume_l"] == m["search_volume_w"]).all()
    # distinct positions per date and keyword, like a real results page
    assert not long.duplicated(["date", "keyword", "position"]).any()
    # the planted cluster jump
    last = long[(long["date"] == long["date"].max()) & (long["domain"] == truth["surge"]["domain"])]
    cl = last[last["keyword"].isin(truth["rankings"]["surge_cluster_keywords"])]
    assert cl["position"].median() == truth["rankings"]["surge_cluster_median_position_after"] <= 5
    assert (cl["url"] == truth["rankings"]["surge_hub_page"]).all()


def test_rankings_french_long_with_not_ranked(tmp_path):
    p = write(tmp_path, "rk.csv",
              "Date;Mot-clé;Domaine;Position;URL;Volume de recherche;CPC (€)\n"
              "19/10/2026;suspension rotin;deco-rivale.fr;4;https://d.fr/a;4 400;0,85\n"
              "19/10/2026;lampadaire bois;deco-rivale.fr;-;;1 900;0,40\n"
              "19/10/2026;abat-jour lin;deco-rivale.fr;> 100;;590;0,30\n", "cp1252")
    r = md.read_rankings(p)
    assert len(r) == 1 and r.attrs["not_ranked"] == 2
    row = r.iloc[0]
    assert row["date"] == pd.Timestamp("2026-10-19") and row["position"] == 4
    assert row["search_volume"] == 4400 and row["cpc"] == pytest.approx(0.85)


def test_rankings_wide_by_date(tmp_path):
    p = write(tmp_path, "bydate.csv", "Keyword,Domain,Volume,2026-10-19,2026-10-26\n"
              "suspension rotin,a.fr,4400,4,3\nsuspension rotin,b.fr,4400,-,9\n")
    r = md.read_rankings(p)
    assert r.attrs["layout"] == "wide_dates" and len(r) == 3
    assert r.set_index(["date", "domain"]).loc[(pd.Timestamp("2026-10-26"), "b.fr"), "position"] == 9


def test_rankings_wide_by_domain(tmp_path):
    p = write(tmp_path, "bydomain.csv", "Date,Keyword,Search Volume,maison-lumiere.fr,deco-rivale.fr\n"
              "2026-10-26,suspension rotin,4400,7,2\n2026-10-26,abat-jour lin,590,12,-\n")
    r = md.read_rankings(p)
    assert r.attrs["layout"] == "wide_domains"
    assert sorted(r["domain"].unique()) == ["deco-rivale.fr", "maison-lumiere.fr"] and len(r) == 3


def test_rankings_ahrefs(tmp_path):
    p = write(tmp_path, "deco-rivale.fr-organic-keywords.csv",
              "Keyword,Country,Volume,KD,CPC,Organic traffic,Current position,Previous position,Current URL,Previous URL,Current date,Previous date\n"
              "suspension rotin,fr,4400,12,0.8,300,3,8,https://d.fr/s,https://d.fr/old,2026-10-26,2026-09-26\n"
              "abat-jour lin,fr,590,5,0.3,10,15,,https://d.fr/a,,2026-10-26,\n")
    r = md.read_rankings(p)
    assert r.attrs["layout"] == "ahrefs" and set(r["domain"]) == {"deco-rivale.fr"}
    assert len(r) == 3
    prev = r[r["date"] == pd.Timestamp("2026-09-26")].iloc[0]
    assert prev["position"] == 8 and prev["url"] == "https://d.fr/old"


# ---------------------------------------------------------------- auction insights
def test_auction_insights_french_demo(demo):
    out, truth = demo
    a = md.read_auction_insights(out / "auction_insights_fr.csv", our_domain=OURS)
    assert a["period"].nunique() == 13
    assert set(a["domain"]) == {OURS, *truth["competitors"]}
    ours = a[a["domain"] == OURS].sort_values("period")
    np.testing.assert_allclose(ours["impression_share"], truth["auction_insights"]["our_impression_share"], atol=6e-5)
    assert ours["overlap_rate"].isna().all()  # "--"
    for dom, series in truth["auction_insights"]["impression_share"].items():
        got = a[a["domain"] == dom].sort_values("period")
        exp = np.array(series)
        cens = exp < 0.10
        np.testing.assert_allclose(got["impression_share"].to_numpy()[~cens], exp[~cens], atol=6e-5)
        assert (got["impression_share"].to_numpy()[cens] == 0.05).all()
        assert got["censored"].to_numpy()[cens].tolist() == ["impression_share"] * cens.sum()


def test_auction_insights_english_unsegmented(tmp_path):
    p = write(tmp_path, "ai.csv",
              "Auction insights report\nOctober 1, 2026 - October 31, 2026\n"
              "Display URL domain,Impression share,Overlap rate,Position above rate,Top of page rate,Abs. Top of page rate,Outranking share\n"
              "You,> 90%,--,--,70.10%,30.00%,--\nwww.deco-rivale.fr,< 10%,12.50%,40.00%,55.00%,20.00%,51.00%\n", "utf-16")
    a = md.read_auction_insights(p, our_domain=OURS)
    assert (a["period"] == pd.Timestamp("2026-10-01")).all()
    row = a.set_index("domain")
    assert row.loc[OURS, "impression_share"] == pytest.approx(0.95)
    assert row.loc["deco-rivale.fr", "impression_share"] == pytest.approx(0.05)
    assert row.loc["deco-rivale.fr", "overlap_rate"] == pytest.approx(0.125)
    assert row.loc["deco-rivale.fr", "abs_top_of_page_rate"] == pytest.approx(0.20)


# ---------------------------------------------------------------- trends
def test_trends_demo(demo):
    out, truth = demo
    t = md.read_trends(out / "google_trends.csv")
    assert set(t["term"]) == set(truth["trends"]["terms"].values())
    assert t.groupby("term").size().eq(truth["trends"]["weeks"]).all()
    assert (t["geo"] == "France").all()
    assert t["interest"].max() == 100
    assert (t["interest"] == 0.5).any()  # "<1"


def test_trends_french_less_than_one(tmp_path):
    p = write(tmp_path, "multiTimeline.csv",
              "Catégorie : Toutes catégories\n\nSemaine,deco rivale: (France),maison lumière: (France)\n"
              "2026-10-18,<1,20\n2026-10-25,3,21\n")
    t = md.read_trends(p)
    assert sorted(t["term"].unique()) == ["deco rivale", "maison lumière"]
    assert t.set_index(["term", "date"]).loc[("deco rivale", pd.Timestamp("2026-10-18")), "interest"] == 0.5


def test_load_market_folder(demo):
    out, _ = demo
    m = md.load_market(out, OURS)
    assert m.available() == ["competitors", "rankings", "auction_insights", "trends"]
    assert m.sessions is None


# ---------------------------------------------------------------- bad exports
BAD_CASES = [
    ("market_similarweb_bad_duration.csv", md.read_similarweb, "Avg. Visit Duration", [3]),
    ("market_similarweb_bad_month.csv", md.read_similarweb, "Mois", [3]),
    ("market_rankings_bad_position.csv", md.read_rankings, "Position", [4]),
    ("market_rankings_duplicates.csv", md.read_rankings, "Date", [2, 3]),
    ("market_semrush_bad_position.csv", md.read_rankings, "*.deco-rivale.fr/*_20261026", [7]),
    ("market_auction_no_domain.csv", md.read_auction_insights, "domain", []),
    ("market_auction_bad_rate.csv", md.read_auction_insights, "Taux d'impressions", [4]),
    ("market_trends_over_100.csv", md.read_trends, "deco rivale: (France)", [5]),
    ("market_trends_bad_value.csv", md.read_trends, "deco rivale: (France)", [5]),
]


@pytest.mark.parametrize("name,reader,column,rows", BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_exports(name, reader, column, rows):
    with pytest.raises(TrafficDataError) as info:
        reader(BAD / name)
    err = info.value
    assert err.file.endswith(name)
    assert err.column == column
    assert err.rows == rows
    assert name in str(err)


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(TrafficDataError, match="not found"):
        md.read_trends(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(TrafficDataError, match="empty"):
        md.read_rankings(tmp_path / "empty.csv")
    (tmp_path / "notrends.csv").write_text("Domain,Visits\na.fr,1\n")
    with pytest.raises(TrafficDataError, match="Google Trends"):
        md.read_trends(tmp_path / "notrends.csv")


@pytest.mark.skipif(not (SHARED / "data" / "market").is_dir(), reason="no public market exports in ../shared/data")
def test_shared_public_exports():  # pragma: no cover - data not present today
    m = md.load_market(SHARED / "data" / "market", OURS)
    assert m.available()
