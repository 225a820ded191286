"""The paid-search audit: hand-solved cases for each rule, and the planted demo facts."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trafficlib import TrafficDataError, adplatforms
from trafficlib import paid_search as ps


def terms(rows):
    return pd.DataFrame(rows, columns=["search_term", "keyword", "match_type", "impressions", "clicks", "cost",
                                       "conversions", "conversion_value"])


ST = terms([
    ["lampe gratuit", "lampe", "Broad match", 500, 30, 30.0, 0, 0],
    ["applique gratuit", "applique", "Broad match", 300, 20, 25.0, 0, 0],
    ["lampe rotin", "[lampe rotin]", "Exact match", 400, 40, 20.0, 4, 400],
    ["Lampe  Rotin", "[lampe rotin]", "Exact match (close variant)", 100, 10, 5.0, 1, 100],
    ["lampe xxl", "lampe", "Broad match", 200, 20, 10.0, 2, 220],
    ["lampe rare", "lampe", "Broad match", 50, 5, 4.0, 0, 0],
])


def test_term_table_merges_case_and_spaces_and_computes_ratios():
    t = ps.term_table(ST).set_index("term")
    assert t.loc["lampe rotin", "clicks"] == 50 and t.loc["lampe rotin", "cost"] == pytest.approx(25.0)
    assert t.loc["lampe rotin", "cpa"] == pytest.approx(5.0) and t.loc["lampe rotin", "roas"] == pytest.approx(20.0)
    assert t.loc["lampe rotin", "ctr"] == pytest.approx(50 / 500)
    assert np.isnan(t.loc["lampe gratuit", "cpa"])  # zero conversions: no CPA, never 0
    assert ps.account_cpa(ST) == pytest.approx(94.0 / 7)


def test_wasted_spend_threshold():
    waste, s = ps.wasted_spend(ST, min_clicks=10)
    assert set(waste["term"]) == {"lampe gratuit", "applique gratuit"}  # "lampe rare" has 5 clicks only
    assert s["wasted_cost"] == pytest.approx(55.0) and s["non_converting_cost"] == pytest.approx(59.0)
    assert s["share_of_cost"] == pytest.approx(55.0 / 94.0)
    assert ps.wasted_spend(ST, min_clicks=5)[1]["wasted_cost"] == pytest.approx(59.0)


def test_ngrams_count_each_term_once():
    g = ps.ngrams(ST).set_index("ngram")
    assert g.loc["lampe", "terms"] == 4 and g.loc["lampe", "cost"] == pytest.approx(30 + 25 + 10 + 4)
    assert g.loc["gratuit", "clicks"] == 50 and g.loc["gratuit", "conversions"] == 0
    assert g.loc["lampe rotin", "n"] == 2 and "lampe gratuit" in g.index


def test_negative_candidates_rule():
    neg, rule = ps.negative_candidates(ST, min_clicks=20)
    # "gratuit": 50 clicks, 55.00 spent > CPA 13.43, no conversion; its longer forms are covered by it
    assert neg["ngram"].tolist() == ["gratuit"]
    assert rule["money_at_stake"] == pytest.approx(55.0) and rule["min_cost"] == pytest.approx(94.0 / 7)
    # a word of one of our keywords is never proposed (the terms themselves still are, at 20 clicks)
    kws = pd.DataFrame({"keyword": ["gratuit"]})
    assert ps.negative_candidates(ST, kws, min_clicks=20)[0]["ngram"].tolist() == ["lampe gratuit", "applique gratuit"]
    # above the spend threshold nothing qualifies
    assert ps.negative_candidates(ST, min_clicks=20, min_cost=60)[0].empty


def test_promote_candidates_rule():
    promo, rule = ps.promote_candidates(ST, min_conversions=2)
    # "lampe rotin" is a keyword already; "lampe xxl": 2 conversions at CPA 5 <= 13.43
    assert promo["term"].tolist() == ["lampe xxl"]


def test_match_type_mix_and_labels():
    mix = ps.match_type_mix(ST).set_index("match_type")
    assert list(mix.index) == ["exact", "broad"]
    assert mix.loc["exact", "cost"] == pytest.approx(25.0) and mix.loc["broad", "cost_share"] == pytest.approx(69 / 94)
    assert ps.normalize_match_type(pd.Series(["Expression exacte", "Mot clé exact", "Requête large", "Phrase"])).tolist() \
        == ["phrase", "exact", "broad", "phrase"]


def test_quality_score_and_impression_share_by_hand():
    kw = pd.DataFrame({"keyword": ["a", "b", "c"], "quality_score": [3, 8, np.nan], "impressions": [100, 300, 50],
                       "clicks": [10, 30, 5], "cost": [30.0, 10.0, 5.0], "conversions": [0, 2, 0],
                       "conversion_value": [0, 100, 0]})
    q = ps.quality_score_summary(kw)
    assert q["low_cost"] == pytest.approx(30.0) and q["low_cost_share"] == pytest.approx(30 / 45)
    assert q["weighted_qs"] == pytest.approx((3 * 100 + 8 * 300) / 400)
    dist = ps.quality_score_distribution(kw)
    assert dist["quality_score"].tolist() == ["3", "8", "not rated"]
    cp = pd.DataFrame({"campaign": ["g"], "impressions": [4000], "clicks": [200], "cost": [100.0], "conversions": [10.0],
                       "conversion_value": [500.0], "search_impression_share": [0.4], "search_lost_is_budget": [0.5],
                       "search_lost_is_rank": [0.1]})
    lost = ps.impression_share_lost(cp).iloc[0]
    assert lost["eligible_impressions"] == pytest.approx(10_000)
    assert lost["missed_impressions_budget"] == pytest.approx(5_000)
    assert lost["missed_clicks_budget"] == pytest.approx(250) and lost["extra_cost_budget"] == pytest.approx(125)
    assert lost["missed_value_budget"] == pytest.approx(250 * 0.05 * 50)
    with pytest.raises(TrafficDataError, match="impression share"):
        ps.impression_share_lost(cp.drop(columns=["search_impression_share", "search_lost_is_budget",
                                                  "search_lost_is_rank"]))


# ------------------------------------------------------------------ planted demo facts


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from trafficlib.datasets import paid_search
    from trafficlib.datasets.calendar import rng

    out = tmp_path_factory.mktemp("ps")
    truth = paid_search.generate(out, rng(0, "ads_paid_search"), 1.0)
    json.dumps(truth)
    return out / paid_search.FOLDER, truth


def test_demo_exports_reconcile_with_their_totals(demo):
    folder, truth = demo
    inp = adplatforms.load_paid_search_inputs(folder)
    assert {Path(e.path).name: e.kind for e in inp["exports"]} == {
        "google_ads_search_terms.csv": "google_ads/search_terms", "google_ads_keywords.csv": "google_ads/keywords",
        "google_ads_campaigns.xlsx": "google_ads/campaigns"}
    for e in inp["exports"]:
        rec = e.reconciliation()
        assert len(rec) >= 4 and rec["ok"].all(), (e.path, rec)
    assert inp["search_terms"]["cost"].sum() == pytest.approx(truth["named_terms_cost"])
    assert inp["campaigns"]["cost"].sum() == pytest.approx(truth["account_cost"])
    assert inp["currency"] == "EUR"


def test_demo_planted_facts_are_found(demo):
    folder, truth = demo
    inp = adplatforms.load_paid_search_inputs(folder)
    st, kw, cp = inp["search_terms"], inp["keywords"], inp["campaigns"]
    neg, rule = ps.negative_candidates(st, kw)
    top = neg["ngram"].head(2).tolist()
    assert set(top) == set(truth["negative_ngrams"])  # the two planted n-grams lead
    for gram, info in truth["negative_ngrams"].items():
        row = neg.set_index("ngram").loc[gram]
        assert row["cost"] == pytest.approx(info["cost"]) and row["terms"] == len(info["terms"])
    waste, w = ps.wasted_spend(st)
    planted = {t for v in truth["negative_ngrams"].values() for t in v["terms"]}
    assert planted <= set(waste["term"])
    assert w["wasted_cost"] >= sum(v["cost"] for v in truth["negative_ngrams"].values())
    promo, _ = ps.promote_candidates(st, kw)
    assert truth["promote_term"]["term"] in promo["term"].tolist()
    q = ps.quality_score_summary(kw)
    assert sorted(q["low_keywords"]) == truth["low_quality_keywords"]
    assert q["low_cost_share"] == pytest.approx(truth["low_quality_cost_share"], abs=1e-4)
    lost = ps.impression_share_lost(cp).set_index("campaign")
    lb = truth["lost_budget"]
    assert lost.loc[lb["campaign"], "missed_impressions_budget"] == pytest.approx(lb["missed_impressions"], rel=1e-3)
    found = ps.findings(st, kw, cp, lang="fr")
    keys = [f.key for f in found]
    assert {"wasted_spend", "negative_keywords", "promote_terms", "low_quality_score", "lost_to_budget"} <= set(keys)
    lost_f = next(f for f in found if f.key == "lost_to_budget")
    assert lb["campaign"] in lost_f.title and lost_f.money > 0
    assert all(f.severity in ("high", "medium", "low") for f in found)


def test_a_folder_with_only_a_search_terms_report(demo, tmp_path):
    folder, _ = demo
    (tmp_path / "st.csv").write_bytes((folder / "google_ads_search_terms.csv").read_bytes())
    (tmp_path / "notes.csv").write_text("Date,Channel,Visits\n2026-04-01,email,3\n")
    inp = adplatforms.load_paid_search_inputs(tmp_path)
    assert inp["keywords"] is None and inp["campaigns"] is None and len(inp["skipped"]) == 1
    found = ps.findings(inp["search_terms"], None, None, lang="en")
    assert "negative_keywords" in [f.key for f in found]
    missing = ps.missing_sections(inp["search_terms"], None, None, "en")
    assert len(missing) == 2 and any("Quality Score" in m for m in missing)
    with pytest.raises(TrafficDataError, match="no search terms"):
        adplatforms.load_paid_search_inputs(tmp_path / "notes.csv")
