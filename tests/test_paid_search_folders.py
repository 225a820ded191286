"""The paid-search audit on client folders of real Google Ads layouts.

Folders are made of ../shared/specimens/google_ads files (read in place through a copy
in tmp_path; skipped with the reason when ../shared is absent) and of small files in
Google's layout written here (title line, range line, header, rows, ``Total: ...`` rows;
invented numbers). What is checked: the campaign report is chosen by what each file
holds (a bid-adjustment view is never taken for it), a section whose download is missing
is replaced by one line naming it with its menu path (en/fr, real renders), the rows
shown are set against the account's totals the file states, the Negative keyword report
is read and its negatives (exact / phrase / broad, where they are set) take the
already-excluded terms out of the suggestions, a file that does not reconcile carries its
loud note into the report, and ``auto`` leaves undated reports out of spend by day.
"""
from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trafficlib import TrafficDataError, adplatforms, sources
from trafficlib import paid_search as ps
from trafficlib.auto.plan import daily_spend, plan
from trafficlib.auto.walk import Item
from trafficlib.readers.registry import Export, UNRECONCILED

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT.parent / "shared" / "specimens" / "google_ads"


def _spaces(text: str) -> str:
    """French number and percent spacing (no-break spaces) as plain spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def specimen(name: str) -> Path:
    if not SPEC.exists():
        pytest.skip(f"the layout specimens are not here ({SPEC}): ../shared is absent")
    return SPEC / name


def folder(tmp_path: Path, *names: str, extra: dict | None = None) -> Path:
    """A client folder: copies of these specimens plus files written from ``extra``."""
    d = tmp_path / "client"
    d.mkdir(exist_ok=True)
    for n in names:
        shutil.copy(specimen(n), d / n)
    for n, text in (extra or {}).items():
        (d / n).write_text(text, encoding="utf-8")
    return d


# A search terms report whose rows (cost 50.00) do not add up to its Total: Search terms (55.00).
UNRECONCILED_TERMS = """Search terms report
"March 3, 2025 - March 30, 2025"
Search term,Match type,Added/Excluded,Campaign,Ad group,Keyword,Impr.,Clicks,Currency code,Cost,Conversions
lampe gratuite,Broad match,None,Lampes,Lampes,lampe,200,25,EUR,30.00,0.00
lampe rotin,Exact match,None,Lampes,Lampes,[lampe rotin],100,10,EUR,20.00,2.00
Total: Search terms,,,,,,300,35,EUR,55.00,2.00
Total: Other search terms,,,,,,10,2,EUR,3.00,0.00
Total: Account,,,,,,400,40,EUR,70.00,2.00
"""

# A campaign report without impression share columns (the same campaigns as the bid-adjustment specimen).
CAMPAIGNS_NO_IS = """Campaign report
"March 3, 2025 - May 31, 2025"
Campaign,Campaign type,Impr.,Clicks,Currency code,Cost,Conversions
XC-Search-Generic-Springfield,Search,"13,636",270,USD,345.73,3.00
XC-Search-Brand-Springfield,Search,"11,166",132,USD,337.01,1.50
Total: Campaigns,,"24,802",402,USD,682.74,4.50
Total: Account,,"30,000",500,USD,900.00,6.00
"""


# ------------------------------------------------------------------ the Negative keyword report


def test_negative_keyword_report_specimen_is_read():
    e = sources.load(specimen("negative_keyword_report.csv"))
    assert e.kind == "google_ads/negative_keywords" and e.rows == 42 and e.totals is None and e.period is None
    f = e.frame
    assert (f["criterion"] == "keyword").sum() == 32 and (f["criterion"] == "list").sum() == 10
    assert (f["level"] == "ad group").sum() == 8
    first = f.iloc[:3]
    assert first["keyword"].tolist() == ["climbing gym for sale", "free day pass", "rentals"]
    assert first["match_type"].tolist() == ["exact", "phrase", "broad"]
    assert f["match_type"][f["criterion"] == "list"].isna().all()
    assert '"FREE" terms' in set(f["keyword"])  # a list name with quotes, as written
    assert any("shared negative keyword list" in n for n in e.notes)


def test_negative_keyword_report_in_french_and_a_malformed_row(tmp_path):
    p = tmp_path / "Rapport sur les mots clés à exclure.csv"
    p.write_text("Rapport sur les mots clés à exclure\nToute la période\n"
                 "Mot clé à exclure,Mot clé ou liste,Campagne,Groupe d'annonces,Niveau,Type de correspondance\n"
                 "[lampe gratuite],Mot clé,Lampes,--,Campagne,Mot clé exact\n"
                 "\"\"\"occasion\"\"\",Mot clé,Lampes,Suspensions,Groupe d'annonces,Expression exacte\n"
                 "réparation,Mot clé,Lampes,--,Campagne,Requête large\n"
                 "Concurrents,Liste,Lampes,--,Campagne,--\n", encoding="utf-8")
    e = sources.load(p)
    assert e.kind == "google_ads/negative_keywords"
    assert e.frame["keyword"].tolist() == ["lampe gratuite", "occasion", "réparation", "Concurrents"]
    assert e.frame["match_type"].tolist()[:3] == ["exact", "phrase", "broad"]
    assert e.frame["level"].tolist() == ["campaign", "ad group", "campaign", "campaign"]
    assert e.frame["ad_group"].isna().tolist() == [True, False, True, True] and e.frame["ad_group"][1] == "Suspensions"
    assert e.frame["criterion"].tolist() == ["keyword", "keyword", "keyword", "list"]
    bad = tmp_path / "negatives_bad.csv"
    bad.write_text("Negative keyword report\nAll time\nNegative keyword,Keyword or list,Campaign,Ad group,Level,"
                   "Match type\nrentals,Keyword,A, --,Campaign,Broad match\njobs,Keyword,A, --,Campaign,Broad match,x\n",
                   encoding="utf-8")
    with pytest.raises(TrafficDataError, match=r"negatives_bad\.csv.*7 fields") as exc:
        sources.load(bad)
    assert "5" in str(exc.value)  # the line of the bad row


# ------------------------------------------------------------------ negative match types, by hand

TERMS = pd.DataFrame({
    "search_term": ["cheap lamp", "cheap lamp shade", "lamp cheap", "free lamp", "buy free lamp now", "lamp free",
                    "free red lamp", "repair my lamp", "lamps repair", "lamp fix", "cheap lamp", "gift lamp",
                    "gift lamp", "old lamp"],
    "campaign": ["A", "A", "A", "A", "A", "A", "A", "A", "A", "A", "B", "A", "A", "A"],
    "ad_group": ["g1", "g1", "g1", "g1", "g1", "g1", "g1", "g1", "g1", "g1", "g1", "g1", "g2", "g1"],
    "term_status": [None] * 13 + ["Excluded"],
    "clicks": [30] * 14, "cost": [10.0] * 14, "conversions": [0.0] * 14, "impressions": [100] * 14,
})
NEGATIVES = pd.DataFrame({
    "keyword": ["cheap lamp", "free lamp", "lamp repair", "gift", "Shared list"],
    "match_type": ["exact", "phrase", "broad", "broad", None],
    "criterion": ["keyword", "keyword", "keyword", "keyword", "list"],
    "campaign": ["A", "A", "A", "A", "A"],
    "ad_group": [None, None, None, "g2", None],
})


def test_negative_match_types_follow_google():
    by = dict(zip(range(len(TERMS)), ps.exclusions(TERMS, NEGATIVES)))
    # exact: the term itself, nothing more, same order
    assert by[0] == "[cheap lamp]" and by[1] == "" and by[2] == ""
    # phrase: those words in that order, next to each other, anything around
    assert by[3] == '"free lamp"' and by[4] == '"free lamp"' and by[5] == "" and by[6] == ""
    # broad: every word in any order, others around; no close variants (plural "lamps" is another word)
    assert by[7] == "lamp repair" and by[8] == "" and by[9] == ""
    assert ps.exclusions(pd.DataFrame({"search_term": ["repair lamp now"], "campaign": ["A"], "ad_group": ["x"]}),
                         NEGATIVES).tolist() == ["lamp repair"]
    # where it is set: campaign A's negative does not exclude the term in campaign B; g2's only in g2
    assert by[10] == "" and by[11] == "" and by[12] == "gift"
    # the report's own Added/Excluded column; a shared list's keywords are unknown, so never applied
    assert by[13] == "Excluded"
    assert not ps.excluded_mask(pd.DataFrame({"search_term": ["shared list"], "campaign": ["A"]}), NEGATIVES).any()


def test_already_excluded_terms_are_flagged_and_never_suggested():
    waste, w = ps.wasted_spend(TERMS, 10, NEGATIVES)
    flags = dict(zip(waste["term"], waste["excluded"]))
    assert flags["cheap lamp"] == "partly"      # excluded in campaign A, still served in B
    assert flags["free lamp"] == "yes" and flags["gift lamp"] == "partly" and flags["old lamp"] == "yes"
    assert flags["lamp fix"] == ""
    assert w["excluded_terms"] == 4 and w["excluded_cost"] == pytest.approx(10.0 * 6)
    view = ps.waste_view(waste, "fr")
    assert set(view["excluded"]) == {"oui", "en partie", ""}
    ours = pd.DataFrame({"keyword": ["lamp"]})  # "lamp" is bought: never proposed
    before, _ = ps.negative_candidates(TERMS, ours, min_clicks=20, min_cost=0)
    after, rule = ps.negative_candidates(TERMS, ours, min_clicks=20, min_cost=0, negatives=NEGATIVES)
    b, a = before.set_index("ngram"), after.set_index("ngram")
    # the spend already stopped no longer counts: "free" keeps its two terms not excluded, "repair" one term
    assert b.loc["free", "cost"] == pytest.approx(40.0) and a.loc["free", "cost"] == pytest.approx(20.0)
    assert set(a.loc["free", "_terms"]) == {"lamp free", "free red lamp"}
    assert "repair" in b.index and "repair" not in a.index and a.loc["lamps repair", "cost"] == pytest.approx(10.0)
    assert a.loc["cheap", "cost"] == pytest.approx(30.0)  # "cheap lamp" excluded in A, still served in B
    assert not {"old", "old lamp"} & set(before.index)  # the report's own Added/Excluded column, even alone
    blocked = {t for ts in after["_terms"] for t in ts}
    assert blocked.isdisjoint({"free lamp", "buy free lamp now", "repair my lamp", "old lamp"})
    assert rule["already_excluded_terms"] == 6 and rule["already_excluded_cost"] == pytest.approx(60.0)
    assert rule["money_at_stake"] == pytest.approx(80.0)


# ------------------------------------------------------------------ shown vs the account's totals


def test_search_terms_shown_against_the_account_by_hand():
    e = sources.load(specimen("search_terms_report.csv"))
    # the file: Total: Search terms 714.20, Other search terms 14,931.17, Account 32,620.90
    w = ps.wider_total(e)
    assert w["shown"] == pytest.approx(714.20) and w["total"] == pytest.approx(32620.90)
    assert w["level"] == "Account" and w["unnamed"] == pytest.approx(14931.17)
    en = ps.coverage_sentences([e], "en", "USD")[0]
    assert en.startswith("search_terms_report.csv: search terms shown: US$714.20 of the account's US$32,620.90 (2.2%)")
    assert "US$14,931.17 in 'Other search terms'" in en
    fr = ps.coverage_sentences([e], "fr", "USD")[0]
    assert "termes de recherche affichés : 714,20 $US sur 32 620,90 $US du compte (2,2 %)" in _spaces(fr)
    base = ps.search_terms_base([e])
    text = ps.share_of_base(206.62, 714.20, base, "en", "USD")
    assert text.startswith("28.9% of the US$714 spent on the search terms listed; 0.6% of the account's US$32,621")
    assert "US$14,931" in text
    assert ps.share_of_base(206.62, 714.20, None, "en", "USD") == "28.9% of the US$714 spent on the search terms listed"


# ------------------------------------------------------------------ the loader chooses by content


def test_the_campaign_report_is_chosen_by_what_it_holds(tmp_path):
    d = folder(tmp_path, "campaign_report.csv", "advanced_bid_adjustment_report.csv", "search_terms_report.csv",
               "negative_keyword_report.csv", extra={"campaign_report_no_is.csv": CAMPAIGNS_NO_IS})
    inp = adplatforms.load_paid_search_inputs(d)
    assert [Path(e.path).name for e in inp["exports"] if e.kind.endswith("/campaigns")] == ["campaign_report.csv"]
    assert inp["campaigns"]["cost"].sum() == pytest.approx(193728.59)  # one campaign report, nothing stacked
    why = dict((Path(f).name, r) for f, r in inp["skipped"])
    assert "interaction type" in why["advanced_bid_adjustment_report.csv"]
    assert "campaign_report.csv" in why["campaign_report_no_is.csv"] and "impression share" in why["campaign_report_no_is.csv"]
    assert len(inp["negatives"]) == 42 and [Path(e.path).name for e in inp["negative_exports"]] == [
        "negative_keyword_report.csv"]
    # without the report holding impression share, the one without is used and the section says what to download
    (d / "campaign_report.csv").unlink()
    inp = adplatforms.load_paid_search_inputs(d)
    assert inp["campaigns"]["campaign"].nunique() == 2
    assert not ps.has_section("impression_share", campaigns=inp["campaigns"])


# Bid-adjustment views of campaigns in the layouts Google writes them (device, ad schedule).
DEVICE_REPORT = ('Device report\n"March 3, 2025 - May 31, 2025"\n'
                 "Device,Level,Campaign,Ad group,Bid adj.,Ad group bid adj.,Currency code,Avg. CPM,Impr.,Interactions,"
                 "Interaction rate,Avg. cost,Cost,Conv. rate,Conversions,Cost / conv.\n"
                 'Computers,Campaign,Lampes-Search, --, --,None,EUR,120.00,"1,000",50,5.00%,2.40,120.00,4.00%,2.00,60.00\n'
                 'Mobile phones,Campaign,Lampes-Search, --,-20%,None,EUR,80.00,"2,000",80,4.00%,2.00,160.00,2.50%,2.00,'
                 "80.00\n")
SCHEDULE_REPORT = """Ad schedule report
"March 3, 2025 - May 31, 2025"
Day & time,Campaign,Bid adj.,Currency code,Impr.,Interactions,Cost,Conversions,Interaction rate
"Mondays, 8:00 AM - 6:00 PM",Lampes-Search,+0%,EUR,"1,500",90,174.30,4,6.00%
"Saturdays, all day",Lampes-Search,--,EUR,800,40,81.60,1,5.00%
"""


def test_device_and_schedule_views_are_not_the_campaign_report(tmp_path):
    d = folder(tmp_path, "search_terms_report.csv",
               extra={"device_report.csv": DEVICE_REPORT, "ad_schedule_report.csv": SCHEDULE_REPORT})
    inp = adplatforms.load_paid_search_inputs(d)
    assert inp["campaigns"] is None
    why = dict((Path(f).name, r) for f, r in inp["skipped"])
    assert "'Ad schedule report' is a bid-adjustment or audience view (column 'Bid adj.')" in why["ad_schedule_report.csv"]
    assert "device_report.csv" in why


def test_a_bid_adjustment_report_alone_is_not_a_campaign_report(tmp_path):
    d = folder(tmp_path, "advanced_bid_adjustment_report.csv", "search_terms_report.csv")
    inp = adplatforms.load_paid_search_inputs(d)
    assert inp["campaigns"] is None and inp["negatives"] is None
    notes = ps.missing_sections(inp["search_terms"], inp["keywords"], inp["campaigns"], "fr")
    assert any("Campagnes > Campagnes" in n and "Statistiques sur la concurrence" in n for n in notes)
    assert any("Mots clés de recherche" in n and "Niveau de qualité" in n for n in notes)
    found = ps.findings(inp["search_terms"], None, None, lang="en", currency="USD",
                        base=ps.search_terms_base(inp["exports"]))
    waste = next(f for f in found if f.key == "wasted_spend")
    assert "spent on the search terms listed" in waste.detail and "of the account's US$32,621" in waste.detail


def test_headline_keeps_a_missing_column_unknown(tmp_path):
    d = folder(tmp_path, "campaign_report.csv")
    inp = adplatforms.load_paid_search_inputs(d)
    h = ps.headline(None, inp["campaigns"])
    assert h["cost"] == pytest.approx(193728.59) and np.isnan(h["conversion_value"]) and np.isnan(h["roas"])
    note = ps.headline_note(inp["exports"], "en", "USD")
    assert note == ("The cards sum the rows of campaign_report.csv: US$193,728.59 of the account's "
                    "US$194,034.30 (99.8%).")


def test_an_unreconciled_file_is_read_with_its_loud_note(tmp_path):
    d = folder(tmp_path, extra={"search_terms.csv": UNRECONCILED_TERMS})
    inp = adplatforms.load_paid_search_inputs(d)
    (name, note), = ps.loud_notes(inp["exports"])
    assert name == "search_terms.csv" and note.startswith(UNRECONCILED) and "55.00" in note and "50.00" in note
    table = ps.exports_table(inp["exports"], "en", "EUR")
    assert table.iloc[0]["Against the file's totals"] == "DIFFERENT: cost"


# ------------------------------------------------------------------ real renders


def _text(html: str) -> str:
    html = re.sub(r"<style.*?</style>|data:image/[^\"]+", "", html, flags=re.S)
    return _spaces(re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))))


def test_report_renders_with_the_impression_share_section_replaced(tmp_path):
    from trafficlib.report import render

    d = folder(tmp_path, "advanced_bid_adjustment_report.csv", "search_terms_report.csv",
               "negative_keyword_report.csv")
    html = render(ROOT / "notebooks" / "paid_search.ipynb", {"data_path": str(d), "site_name": "Client"},
                  tmp_path / "out", lang="en").read_text(encoding="utf-8")
    assert "Traceback" not in html and "TrafficDataError" not in html
    text = _text(html)
    assert ("Impression share lost to budget and to rank needs a campaign report with Search impr. share" in text
            and "Campaigns > Campaigns; Columns > Modify columns > Competitive metrics" in text)
    assert "'Advanced bid adjustment report' splits campaigns by interaction type" in text
    assert "US$714.20 of the account's US$32,620.90 (2.2%)" in text
    assert "The Quality Score distribution needs a search keyword report" in text
    assert "32 negative keywords tell which search terms are already excluded" in text


def test_report_in_french_shows_the_loud_note_and_the_missing_sections(tmp_path):
    from trafficlib.report import render

    d = folder(tmp_path, extra={"search_terms.csv": UNRECONCILED_TERMS})
    html = render(ROOT / "notebooks" / "paid_search.ipynb", {"data_path": str(d), "site_name": "Client"},
                  tmp_path / "out", lang="fr").read_text(encoding="utf-8")
    text = _text(html)
    assert "Attention : les lignes de search_terms.csv ne correspondent pas" in text
    assert "DOES NOT RECONCILE" in text and "55.00" in text
    assert "Les impressions perdues faute de budget ou de classement : il faut un rapport sur les campagnes" in text
    assert "Les indicateurs somment les lignes de search_terms.csv : 50,00 € sur 70,00 € du compte" in text
    assert "Insights et rapports" not in text  # search terms are there: no note for them
    assert "Mots clés de recherche > Mots clés à exclure du Réseau de Recherche" in text  # no negatives yet


def test_report_without_search_terms_says_what_to_download(tmp_path):
    from trafficlib.report import render

    d = folder(tmp_path, "campaign_report.csv", "search_keyword_report.csv")
    html = render(ROOT / "notebooks" / "paid_search.ipynb", {"data_path": str(d), "site_name": "Client"},
                  tmp_path / "out", lang="en").read_text(encoding="utf-8")
    text = _text(html)
    assert ("The search-term analysis (wasted spend, n-grams, negative keywords, terms to promote) needs a search "
            "terms report (Google Ads: Campaigns > Insights and reports > Search terms, then Download)") in text
    assert "Impression share lost to budget and to rank needs" not in text  # the campaign report has it
    assert "The Quality Score distribution needs" not in text and "The match-type mix needs" not in text
    assert "The cards sum the rows of campaign_report.csv: US$193,728.59 of the account's US$194,034.30" in text
    assert "value unknown (the report has no conversion value)" in text  # never a value of 0


def test_postmortem_names_the_undated_reports_it_left_out(tmp_path, demo_dir):
    from trafficlib.report import render

    ads = tmp_path / "ads"
    ads.mkdir()
    for name in ("google_ads_fr.csv", "meta_ads_en.csv", "microsoft_ads.csv"):
        shutil.copy(demo_dir / name, ads / name)
    shutil.copy(specimen("campaign_report.csv"), ads / "campaign_report.csv")  # 'All time', no Day column
    html = render(ROOT / "notebooks" / "campaign_postmortem.ipynb",
                  {"data_path": str(demo_dir.resolve()), "ads_dir": str(ads), "campaign": "prospection_printemps",
                   "start_date": "2026-04-06", "end_date": "2026-05-03"},
                  tmp_path / "out", lang="fr").read_text(encoding="utf-8")
    assert "Écartés faute de dates (ni colonne Jour ni période datée) : campaign_report.csv." in _text(html)


# ------------------------------------------------------------------ auto


def _item(label: str, export: Export) -> Item:
    return Item(label, status="taken", export=export)


def test_daily_spend_leaves_out_undated_reports_and_exclusion_lists():
    undated = sources.load(specimen("campaign_report.csv"))       # 'All time': date and date_end empty
    assert undated.frame["date"].isna().all()
    negatives = sources.load(specimen("negative_keyword_report.csv"))
    daily = Export("daily.csv", "google_ads/campaigns", "ad_spend",
                   pd.DataFrame({"date": pd.to_datetime(["2025-03-03", "2025-03-04"]), "campaign": ["a", "a"],
                                 "cost": [1.0, 2.0]}))
    kept, notes = daily_spend([_item("all_time.csv", undated), _item("neg.csv", negatives),
                                        _item("daily.csv", daily)])
    assert [i.label for i in kept] == ["daily.csv"]
    assert "all_time.csv: no day in its rows, not used as spend by day" in notes
    assert "neg.csv: not a spend report, not used as spend by day" in notes


def test_auto_gives_the_negative_keyword_report_to_the_paid_search_audit_only(tmp_path):
    items = [_item(n, sources.load(specimen(n))) for n in ("search_terms_report.csv", "negative_keyword_report.csv",
                                                            "campaign_report.csv")]
    p = plan(items, ROOT, "en", folder_name="client")
    paid = next(r for r in p.reports if r.spec.key == "paid-search")
    assert not paid.missing
    assert sorted(i.label for i, _ in paid.files["data_path"]) == [
        "campaign_report.csv", "negative_keyword_report.csv", "search_terms_report.csv"]
    post = next(r for r in p.reports if r.spec.key == "campaign-postmortem")
    assert post.missing  # an undated campaign report is no spend by day
    alone = plan([_item("negative_keyword_report.csv", sources.load(specimen("negative_keyword_report.csv")))],
                          ROOT, "en", folder_name="client")
    assert next(r for r in alone.reports if r.spec.key == "paid-search").missing  # negatives alone make no audit


def test_an_account_total_in_the_french_interface_reads_as_the_account(tmp_path):
    """'Total : compte' is the account's total: the English report says "the account's",
    never "the compte campaigns' total"."""
    from trafficlib import sources
    from trafficlib.paid_search.coverage import coverage_text

    f = tmp_path / "mots_cles.csv"
    f.write_text("Rapport sur les mots clés\n\"1 octobre 2026 - 31 octobre 2026\"\n"
                 "Mot clé;Campagne;Impr.;Clics;Coût;Conversions\n"
                 "lampe;C1;100;10;12,50;1,00\nsuspension;C1;50;5;7,50;0,00\n"
                 "Total : mots clés;;150;15;20,00;1,00\nTotal : compte;;400;40;80,00;4,00\n", encoding="utf-8")
    e = sources.load(f)
    assert coverage_text(e, "en").startswith("€20.00 of the account's €80.00")
    assert "du compte" in coverage_text(e, "fr")
