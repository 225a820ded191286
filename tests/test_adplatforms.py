"""Ad-platform export readers (trafficlib.adplatforms) and the demo exports (datasets.ads)."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from trafficlib import TrafficDataError
from trafficlib.adplatforms import detect_platform, read_ads, read_ads_folder

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# ------------------------------------------------------------- each export variant


def test_google_ads_french(tmp_path):
    nb = "\u00a0"
    f = write(tmp_path / "g.csv", (
        "Rapport sur les campagnes\r\n01/04/2026 - 02/04/2026\r\n"
        "Jour;Campagne;Groupe d'annonces;Impr.;Clics;Coût;Conversions;Valeur de conv.\r\n"
        f"01/04/2026;fr_search;suspensions;1{nb}234;56;78,90;2,50;1{nb}234,56\r\n"
        "02/04/2026;fr_search;suspensions;987;40;51,10;1,00;99,00\r\n"
        f"Total : compte;;;2{nb}221;96;130,00;3,50;1{nb}333,56\r\n"), "cp1252")
    t = read_ads(f)
    assert t.attrs["platform"] == "Google Ads" and (t["platform"] == "Google Ads").all()
    assert len(t) == 2  # the total row is dropped
    r = t.iloc[0]
    assert r["date"] == pd.Timestamp("2026-04-01") and r["ad_group"] == "suspensions"
    assert r["impressions"] == 1234 and r["clicks"] == 56
    assert r["cost"] == pytest.approx(78.90) and r["conversions"] == pytest.approx(2.5)
    assert r["conversion_value"] == pytest.approx(1234.56)
    assert pd.isna(r["reach"]) and pd.isna(r["ad"])


def test_google_ads_english(tmp_path):
    f = write(tmp_path / "g.csv", (
        "Campaign report\nApril 1, 2026 - April 2, 2026\n"
        "Day,Campaign,Ad group,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value\n"
        '2026-04-01,brand,exact,EUR,"1,234",56,78.90,2.50,"1,234.56"\n'
        "2026-04-02,brand,exact,EUR,987,40,51.10,1.00,99.00\n"
        'Total: Account,,,EUR,"2,221",96,130.00,3.50,"1,333.56"\n'
        'Total: Search,,,EUR,"2,221",96,130.00,3.50,"1,333.56"\n'))
    t = read_ads(f)
    assert t.attrs["platform"] == "Google Ads" and len(t) == 2
    assert t["impressions"].tolist() == [1234, 987]
    assert t["conversion_value"].tolist() == pytest.approx([1234.56, 99.0])


def test_meta_english_and_french(tmp_path):
    en = write(tmp_path / "meta_en.csv", (
        "Reporting starts,Reporting ends,Campaign name,Ad set name,Ad name,Impressions,Reach,Link clicks,"
        "Amount spent (EUR),Results,Result indicator,Purchases conversion value\n"
        "2026-04-06,2026-04-06,prospection,lookalike,lookalike_A,5000,3100,48,120.50,3,actions:purchase,310.00\n"))
    fr = write(tmp_path / "meta_fr.csv", (
        "Début des rapports;Fin des rapports;Nom de la campagne;Nom de l'ensemble de publicités;"
        "Nom de la publicité;Impressions;Couverture;Clics sur un lien;Montant dépensé (EUR);Résultats;"
        "Valeur de conversion des achats\n"
        "06/04/2026;06/04/2026;prospection;lookalike;lookalike_A;5 000;3 100;48;120,50;3;310,00\n"), "utf-8-sig")
    a, b = read_ads(en), read_ads(fr)
    assert a.attrs["platform"] == b.attrs["platform"] == "Meta Ads"
    pd.testing.assert_frame_equal(a, b)
    r = a.iloc[0]
    assert (r["reach"], r["clicks"], r["cost"], r["conversions"], r["conversion_value"]) == (3100, 48, 120.5, 3, 310.0)


def test_microsoft_ads_with_header_block_and_footer(tmp_path):
    f = write(tmp_path / "ms.csv", (
        '"Report Name: Campaign performance"\r\n"Report Time: 2026-04-03"\r\n'
        '"Report Aggregation: Daily"\r\n\r\n'
        "Time period,Campaign name,Ad group,Impr.,Clicks,Spend,Conv.,Revenue\r\n"
        "2026-04-01,fr_search,g1,300,12,8.40,1,45.00\r\n"
        "2026-04-02,fr_search,g1,310,13,8.10,0,0.00\r\n\r\n"
        '"©2026 Microsoft Corporation. All rights reserved."\r\n'), "utf-8-sig")
    t = read_ads(f)
    assert t.attrs["platform"] == "Microsoft Ads" and len(t) == 2
    assert t["cost"].sum() == pytest.approx(16.5) and t["conversion_value"].sum() == pytest.approx(45.0)


def test_microsoft_ads_french(tmp_path):
    f = write(tmp_path / "ms_fr.csv", (
        "Période;Nom de la campagne;Groupe d'annonces;Impr.;Clics;Dépense;Conv.;Chiffre d'affaires\n"
        "01/04/2026;fr_search;g1;300;12;8,40;1;45,00\n"))
    t = read_ads(f)
    assert t.attrs["platform"] == "Microsoft Ads"
    assert (t.loc[0, "date"], t.loc[0, "cost"], t.loc[0, "conversion_value"]) == (pd.Timestamp("2026-04-01"), 8.4, 45.0)


def test_detect_platform():
    assert detect_platform(["Jour", "Campagne", "Coût"]) == "Google Ads"
    assert detect_platform(["Reporting starts", "Campaign name", "Amount spent (EUR)"]) == "Meta Ads"
    assert detect_platform(["Time period", "Campaign name", "Spend"]) == "Microsoft Ads"
    with pytest.raises(TrafficDataError, match="which ad platform"):
        detect_platform(["Date", "Visits"])


# ------------------------------------------------------------- bad exports

BAD_CASES = [
    ("ads_google_fr_bad_cost.csv", ["column 'Coût'", "line 5", "douze"]),
    ("ads_google_fr_bad_date.csv", ["column 'Jour'", "line 5", "31/02/2026"]),
    ("ads_google_totals_only.csv", ["no data rows"]),
    ("ads_meta_missing_spend.csv", ["missing required column 'cost'", "amount_spent"]),
    ("ads_microsoft_negative_clicks.csv", ["column 'Clicks'", "line 6", "negative"]),
    ("ads_unknown_platform.csv", ["which ad platform", "Visits"]),
    ("ads_google_en_duplicated_rows.csv", ["lines 2, 3", "same key"]),
]


@pytest.mark.parametrize("name,fragments", BAD_CASES)
def test_bad_exports_get_one_clear_error(name, fragments):
    path = BAD / name
    with pytest.raises(TrafficDataError) as info:
        read_ads(path)
    msg = str(info.value)
    assert name in msg
    for frag in fragments:
        assert frag in msg, (frag, msg)


def test_bad_corpus_is_listed():
    on_disk = {p.name for p in BAD.glob("ads_*")}
    assert on_disk == {name for name, _ in BAD_CASES}


# ------------------------------------------------------------- demo round trip


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The web part's ad_spend.parquet and this part's exports, generated afresh (fast)."""
    from trafficlib.datasets import ads, web

    out = tmp_path_factory.mktemp("demo")
    web_truth = web.generate(out, seed=0, scale=1.0)
    truth = ads.generate(out, seed=0, scale=1.0)
    return out, truth, web_truth


def test_demo_exports_read_back_into_ad_spend(demo):
    out, truth, _ = demo
    ref = pd.read_parquet(out / "ad_spend.parquet")
    for name, info in truth["exports"].items():
        got = read_ads(out / name)
        assert got.attrs["platform"] == info["platform"]
        want = (ref[ref["platform"] == info["platform"]]
                .sort_values(["date", "campaign", "ad_group", "ad"]).reset_index(drop=True))
        pd.testing.assert_frame_equal(got, want[got.columns], check_dtype=False)
        assert got["cost"].sum() == pytest.approx(info["cost"])
    allp = read_ads_folder(out, "*.csv", skip_unknown=True)  # ab_test_ads.csv is not an export
    assert set(allp["platform"]) == {"Google Ads", "Meta Ads", "Microsoft Ads"}
    assert len(allp) == sum(i["rows"] for i in truth["exports"].values())
    with pytest.raises(TrafficDataError, match="which ad platform"):
        read_ads_folder(out, "*.csv")


def test_demo_google_export_looks_like_the_real_one(demo):
    out, _, _ = demo
    raw = (out / "google_ads_fr.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # cp1252, as Excel on French Windows writes it
    text = raw.decode("cp1252").splitlines()
    assert ";" in text[2] and text[2].startswith("Jour;Campagne;Groupe d'annonces")
    assert text[-1].startswith("Total") and "," in text[3]


def test_demo_truth_and_description(demo):
    from trafficlib.datasets import ads

    _, truth, web_truth = demo
    json.dumps(truth)  # JSON-able
    ab = truth["ab_test"]
    assert ab["true_ctr"]["B"] > ab["true_ctr"]["A"]
    assert truth["exports"]["meta_ads_en.csv"]["campaigns"].count(web_truth["campaign_lift"]["campaign"]) == 1
    md = ads.describe(truth)
    assert md.startswith("## ") and "google_ads_fr.csv" in md and "A/B test" in md


# ------------------------------------------------------------- folders of downloads

_GOOGLE = ("Campaign report\nApril 1, 2026 - April 2, 2026\n"
           "Day,Campaign,Ad group,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value\n"
           '2026-04-01,brand,exact,EUR,"1,234",56,78.90,2.50,"1,234.56"\n'
           "2026-04-02,brand,exact,EUR,987,40,51.10,1.00,99.00\n"
           'Total: Account,,,EUR,"2,221",96,130.00,3.50,"1,333.56"\n')


def _rank_tracker(rows: int) -> str:
    return "Date,Keyword,Domain,Position\n" + "".join(
        f"2026-04-{1 + i % 28:02d},lampe {i},exemple.fr,{1 + i % 50}\n" for i in range(rows))


def test_head_sheets_reads_the_first_lines_only_when_nothing_else_can_start_below():
    import tempfile

    from trafficlib.readers._sheet import head_sheets, sheets

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        big = write(d / "ranks.csv", "# Rank tracker\n#\n" + _rank_tracker(1000))
        head = head_sheets(big, n_lines=50)
        whole = sheets(big)
        assert [s.header for s in head] == [s.header for s in whole] == [["Date", "Keyword", "Domain", "Position"]]
        assert head[0].preamble == whole[0].preamble and head[0].rows == whole[0].rows[:len(head[0].rows)]
        assert 3 <= len(head[0].rows) < len(whole[0].rows)
        utf16 = d / "ranks16.csv"
        utf16.write_bytes(_rank_tracker(300).replace(",", "\t").encode("utf-16"))
        assert head_sheets(utf16, n_lines=50)[0].header == ["Date", "Keyword", "Domain", "Position"]
        # a second table further down (after a blank line, a separators-only line or a
        # comment), a small file, a workbook: None, read it whole
        for tail in ("\n", ",,,\n", "# Totals\n"):
            two = write(d / "two.csv", _rank_tracker(300) + tail + _GOOGLE)
            assert head_sheets(two, n_lines=50) is None
        assert head_sheets(write(d / "small.csv", _rank_tracker(20)), n_lines=50) is None
        assert head_sheets(d / "book.xlsx") is None


def test_a_folder_of_downloads_skips_large_unrelated_files_without_parsing_them(tmp_path, monkeypatch):
    from trafficlib import filecache
    from trafficlib.readers import _sheet

    write(tmp_path / "google.csv", _GOOGLE)
    write(tmp_path / "ranks.csv", _rank_tracker(3000))
    # a large file whose second table is an ad report is read, not skipped
    write(tmp_path / "zz_two_tables.csv", _rank_tracker(3000) + "\n" + _GOOGLE.replace("brand", "other"))
    parsed = []
    whole = _sheet._text_sheets
    monkeypatch.setattr(_sheet, "_text_sheets", lambda path: (parsed.append(Path(path).name), whole(path))[1])
    filecache.clear()
    got = read_ads_folder(tmp_path, "*.csv", skip_unknown=True)
    assert "ranks.csv" not in parsed and {"google.csv", "zz_two_tables.csv"} <= set(parsed)
    assert sorted(got["campaign"]) == ["brand", "brand", "other", "other"]
    assert got["impressions"].sum() == 2 * 2221
