"""Google Ads, Meta and Microsoft Ads exports in their real layouts, through sources.load.

Each test writes a file the way the platform's download writes it (title and date-range
lines, total rows in whichever column, UTF-16 tab-separated "CSV (Excel)" with a BOM,
thousands separators per locale, ``--``, ``< 10%``, French headers, xlsx) and checks the
rows, the period, the totals and the reconciliation.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from trafficlib import TrafficDataError, sources
from trafficlib.adplatforms import read_ads, read_export

NB = "\u00a0"


def write_report(path: Path, preamble: list[str], header: list[str], rows: list[list], *, sep: str = ",",
                 encoding: str = "utf-8", quote_preamble: bool = True) -> Path:
    """A download as Google Ads writes it: preamble lines, header, rows (totals included)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    for ln in preamble:
        if quote_preamble:
            w.writerow([ln])
        else:
            buf.write(ln + "\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    text = buf.getvalue()
    if encoding in ("utf-16-le", "utf-16-be"):
        bom = "\ufeff".encode(encoding)
        path.write_bytes(bom + text.encode(encoding))
    else:
        path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, preamble: list[str], header: list[str], rows: list[list], sheet: str = "Report") -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for ln in preamble:
        ws.append([ln])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


KW_HEADER = ["Keyword status", "Keyword", "Match type", "Campaign", "Ad group", "Currency code", "Max. CPC",
             "Impr.", "Clicks", "CTR", "Avg. CPC", "Cost", "Conversions", "Cost / conv.", "Conv. value",
             "Quality Score", "Exp. CTR", "Ad relevance", "Landing page exp."]
KW_ROWS = [
    ["Enabled", "[suspension rotin]", "Exact match", "Generic", "Suspensions", "EUR", "1.20", "10,708", "1,204",
     "11.24%", "0.98", "1,179.92", "31.00", "38.06", "4,512.40", "8", "Above average", "Average", "Above average"],
    ["Enabled", '"lampe design"', "Phrase match", "Generic", "Lampes", "EUR", "0.90", "2,310", "95", "4.11%",
     "0.71", "67.45", "0.00", "--", "0.00", "4", "Below average", "Average", "Below average"],
    ["Paused", "luminaire", "Broad match", "Generic", "Lampes", "EUR", "--", "870", "12", "1.38%", "0.50", "6.00",
     "--", "--", "--", "--", "--", "--", "--"],
]
KW_TOTALS = [
    ["", "Total: Keywords", "", "", "", "EUR", "", "13,888", "1,311", "9.44%", "0.95", "1,253.37", "31.00", "40.43",
     "4,512.40", "", "", "", ""],
    ["", "Total: Account", "", "", "", "EUR", "", "93,888", "5,311", "5.66%", "1.10", "6,253.37", "90.00", "69.48",
     "9,512.40", "", "", "", ""],
]


@pytest.mark.parametrize("encoding,sep", [("utf-16-le", "\t"), ("utf-16-be", "\t"), ("utf-8", ",")])
def test_keyword_report_totals_in_column_2_and_thousands(tmp_path, encoding, sep):
    f = write_report(tmp_path / "kw.csv", ["Search keyword report", "January 17, 2024 - February 15, 2024"],
                     KW_HEADER, KW_ROWS + KW_TOTALS, sep=sep, encoding=encoding)
    e = sources.load(f)
    assert e.kind == "google_ads/keywords" and e.table == "ad_spend"
    assert e.period == (pd.Timestamp("2024-01-17"), pd.Timestamp("2024-02-15"))
    fr = e.frame
    assert len(fr) == 3  # both totals out of the data
    assert fr["impressions"].tolist() == [10708, 2310, 870]  # "10,708" is ten thousand, not 10.708
    assert fr["cost"].sum() == pytest.approx(1253.37)
    assert fr["keyword"].tolist() == ["suspension rotin", "lampe design", "luminaire"]
    assert fr["match_type"].tolist() == ["Exact match", "Phrase match", "Broad match"]
    assert fr["quality_score"].tolist()[:2] == [8, 4] and pd.isna(fr["quality_score"].iloc[2])
    assert pd.isna(fr["conversions"].iloc[2])  # "--" is missing, not 0
    assert (fr["date"] == pd.Timestamp("2024-01-17")).all() and (fr["date_end"] == pd.Timestamp("2024-02-15")).all()
    # the rows' own total comes first and reconciles; the account total is kept too
    assert e.totals["label"].tolist()[0] == "Total: Keywords"
    assert "Total: Account" in e.totals["label"].tolist()
    rec = e.reconciliation()
    assert set(rec["metric"]) >= {"impressions", "clicks", "cost", "conversions"} and rec["ok"].all()
    assert "reconcile" in e.summary() and "DO NOT" not in e.summary()


def test_unquoted_date_range_line_is_preamble_not_header(tmp_path):
    f = write_report(tmp_path / "kw.csv", ["Search keyword report", "January 17, 2024 - February 15, 2024"],
                     KW_HEADER, KW_ROWS + KW_TOTALS, quote_preamble=False)
    e = sources.load(f)
    assert e.kind == "google_ads/keywords" and len(e.frame) == 3
    assert e.period == (pd.Timestamp("2024-01-17"), pd.Timestamp("2024-02-15"))


ST_HEADER = ["Search term", "Match type", "Added/Excluded", "Campaign", "Ad group", "Keyword", "Currency code",
             "Impr.", "Clicks", "CTR", "Avg. CPC", "Cost", "Conversions", "Cost / conv.", "Conv. value"]


def test_search_terms_other_terms_and_a_term_that_starts_with_total(tmp_path):
    rows = [
        ["suspension rotin", "Exact match", "Added", "Generic", "Suspensions", "[suspension rotin]", "USD", "1,204",
         "87", "7.23%", "0.40", "34.80", "3.00", "11.60", "270.00"],
        ["total gym", "Broad match", "None", "Generic", "Lampes", "luminaire", "USD", "300", "12", "4.00%", "0.50",
         "6.00", "--", "--", "--"],
        ["Total: Search terms", "", "", "", "", "", "USD", "1,504", "99", "6.58%", "0.41", "40.80", "3.00", "13.60",
         "270.00"],
        ["Total: Other search terms", "", "", "", "", "", "USD", "496", "21", "4.23%", "0.40", "8.40", "1.00", "8.40",
         "30.00"],
        ["Total: Account", "", "", "", "", "", "USD", "2,000", "120", "6.00%", "0.41", "49.20", "4.00", "12.30",
         "300.00"],
    ]
    f = write_report(tmp_path / "st.csv", ["Search terms report", "1 May 2026 - 8 May 2026"], ST_HEADER, rows)
    e = sources.load(f)
    assert e.kind == "google_ads/search_terms"
    assert e.frame["search_term"].tolist() == ["suspension rotin", "total gym"]  # a real term is kept
    assert e.period == (pd.Timestamp("2026-05-01"), pd.Timestamp("2026-05-08"))
    assert e.totals["label"].iloc[0] == "Total: Search terms" and e.reconciliation()["ok"].all()
    assert e.meta["currency"] == "USD"
    assert e.totals["scope"].tolist() == ["rows", "more", "more"]
    assert e.totals["level"].tolist() == ["Search terms", "Other search terms", "Account"]
    # without the rows' own total, the wider totals are kept as such: nothing the rows must equal
    f2 = write_report(tmp_path / "st2.csv", ["Search terms report", "1 May 2026 - 8 May 2026"], ST_HEADER,
                      rows[:2] + rows[3:])
    e2 = sources.load(f2)
    assert e2.reconciliation().empty and (e2.totals["scope"] == "more").all()
    assert any("no total for exactly its rows" in n for n in e2.notes)


def test_french_search_terms_semicolon_nbsp_thousands_total_in_column_3(tmp_path):
    header = ["Terme de recherche", "Type de correspondance", "Campagne", "Groupe d'annonces", "Code de la devise",
              "Impr.", "Clics", "CTR", "CPC moy.", "Coût", "Conversions", "Valeur de conv.", "Taux de conv."]
    rows = [
        ["suspension en rotin", "Expression exacte", "Générique", "Suspensions", "EUR", f"12{NB}345", "1 204",
         "9,75 %", "0,41", f"1{NB}234,56", "12,50", f"2{NB}345,60", "1,04 %"],
        ["lampe pas chère", "Requête large", "Générique", "Lampes", "EUR", "987", "40", "4,05 %", "0,25", "10,00",
         "0,00", "0,00", "0,00 %"],
        ["", "", "Total : compte", "", "EUR", f"13{NB}332", f"1{NB}244", "9,33 %", "1,00", f"1{NB}244,56", "12,50",
         f"2{NB}345,60", "1,00 %"],
    ]
    f = write_report(tmp_path / "st_fr.csv", ["Rapport sur les termes de recherche", "1 janvier 2024 - 15 février 2024"],
                     header, rows, sep=";", encoding="cp1252")
    e = sources.load(f)
    assert e.kind == "google_ads/search_terms" and len(e.frame) == 2
    assert e.period == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-15"))
    assert e.frame["impressions"].tolist() == [12345, 987]
    assert e.frame["clicks"].tolist() == [1204, 40]
    assert e.frame["cost"].tolist() == pytest.approx([1234.56, 10.0])
    assert e.frame["conversions"].tolist() == pytest.approx([12.5, 0.0])
    assert e.totals["label"].iloc[0] == "Total : compte" and e.reconciliation()["ok"].all()


def test_daily_campaign_report_utf16_be_and_impression_shares(tmp_path):
    header = ["Day", "Campaign", "Campaign type", "Impr.", "Clicks", "Cost (USD)", "Conversions",
              "Search impr. share", "Search lost IS (budget)", "Search lost IS (rank)"]
    rows = [["2026-05-01", "Brand", "Search", "1,000", "100", "50.00", "5.00", "> 90%", "< 10%", "< 10%"],
            ["2026-05-01", "Generic", "Search", "4,000", "80", "120.00", "2.00", "35.20%", "40.10%", "24.70%"],
            ["2026-05-02", "Generic", "Search", "3,000", "60", "90.00", "1.00", "--", "--", "--"],
            ["Total: Account", "", "", "8,000", "240", "260.00", "8.00", "", "", ""]]
    f = write_report(tmp_path / "c.csv", ["Campaign report", "May 1, 2026 - May 2, 2026"], header, rows,
                     sep="\t", encoding="utf-16-be")
    e = sources.load(f)
    assert e.kind == "google_ads/campaigns"
    fr = e.frame
    assert fr["date"].tolist() == [pd.Timestamp("2026-05-01")] * 2 + [pd.Timestamp("2026-05-02")]
    assert e.meta["currency"] == "USD"
    assert fr["search_impression_share"].tolist()[:2] == pytest.approx([0.90, 0.352])
    assert fr["search_lost_is_budget"].tolist()[:2] == pytest.approx([0.10, 0.401])
    assert fr.loc[0, "censored"] == "search_impression_share>,search_lost_is_budget<,search_lost_is_rank<"
    assert pd.isna(fr.loc[2, "search_impression_share"])
    assert e.reconciliation()["ok"].all()


def test_mismatching_total_is_a_note_not_hidden(tmp_path):
    header = ["Campaign", "Impr.", "Clicks", "Cost"]
    rows = [["A", "100", "10", "5.00"], ["B", "100", "10", "5.00"], ["Total: Campaigns", "200", "20", "12.00"]]
    f = write_report(tmp_path / "c.csv", ["Campaign report", "May 1, 2026 - May 2, 2026"], header, rows)
    with pytest.raises(TrafficDataError, match=r"cost sums to 10\.00, the file says 12\.00"):
        sources.load(f)
    e = sources.load(f, on_mismatch="note")
    assert any("do not add up" in n and "cost" in n for n in e.notes)
    assert "DO NOT reconcile" in e.summary()


def test_xlsx_ad_group_report_with_week_segment(tmp_path):
    header = ["Week", "Campaign", "Ad group", "Impr.", "Clicks", "Cost", "Conversions", "Conv. value"]
    rows = [["2024-01-15", "Generic", "Lampes", 1000, 50, 25.5, 2, 150.0],
            ["2024-01-22", "Generic", "Lampes", 1200, 60, 30.25, 3, 210.0],
            ["Total: Ad groups", None, None, 2200, 110, 55.75, 5, 360.0]]
    f = write_xlsx(tmp_path / "ag.xlsx", ["Ad group report", "January 17, 2024 - January 25, 2024"], header, rows)
    e = sources.load(f)
    assert e.kind == "google_ads/ad_groups" and len(e.frame) == 2
    # a week is clipped to the report's range
    assert e.frame["date"].tolist() == [pd.Timestamp("2024-01-17"), pd.Timestamp("2024-01-22")]
    assert e.frame["date_end"].tolist() == [pd.Timestamp("2024-01-21"), pd.Timestamp("2024-01-25")]
    assert e.reconciliation()["ok"].all()
    t = read_ads(f)
    assert t["cost"].sum() == pytest.approx(55.75) and "date_end" in t


@pytest.mark.parametrize("dims,kind", [(["Age"], "demographics"), (["Gender"], "demographics"),
                                       (["Device"], "devices"), (["Country/Territory"], "locations"),
                                       (["Landing page"], "landing_pages"), (["Campaign", "Ad group", "Ad"], "ads")])
def test_report_kind_from_its_dimensions(tmp_path, dims, kind):
    rows = [[f"v{i}"] * len(dims) + ["10", "1", "0.50"] for i in range(2)]
    f = write_report(tmp_path / "r.csv", ["Report", "May 1, 2026 - May 8, 2026"], dims + ["Impr.", "Clicks", "Cost"],
                     rows + [["Total: Account"] + [""] * (len(dims) - 1) + ["20", "2", "1.00"]])
    e = sources.load(f)
    assert e.kind == f"google_ads/{kind}" and len(e.frame) == 2 and e.reconciliation()["ok"].all()


def test_table_without_dates_says_how_to_supply_a_period(tmp_path):
    f = tmp_path / "kaggle.csv"
    f.write_text("Campaign,Impressions,Clicks,Cost,Conversions\nA,100,10,5.5,1\nB,200,12,6.5,0\n")
    with pytest.raises(TrafficDataError) as info:
        sources.load(f)
    assert "kaggle.csv" in str(info.value) and "period" in str(info.value)
    t = read_ads(f, platform="Google Ads", period=("2024-01-01", "2024-01-31"))
    assert t["date"].eq(pd.Timestamp("2024-01-01")).all() and t["date_end"].eq(pd.Timestamp("2024-01-31")).all()
    assert t["cost"].sum() == pytest.approx(12.0)


def test_bad_cells_name_file_column_and_line(tmp_path):
    header = ["Day", "Campaign", "Impr.", "Clicks", "Cost"]
    f = write_report(tmp_path / "bad.csv", ["Campaign report", "May 1, 2026 - May 2, 2026"], header,
                     [["2026-05-01", "A", "100", "10", "5.00"], ["2026-05-02", "A", "100", "ten", "5.00"]])
    with pytest.raises(TrafficDataError) as info:
        sources.load(f)
    msg = str(info.value)
    assert "bad.csv" in msg and "column 'Clicks'" in msg and "line 5" in msg and "ten" in msg


def test_multi_megabyte_field_is_a_clear_error(tmp_path):
    f = tmp_path / "huge.csv"
    f.write_text('Campaign report\nDay,Campaign,Impr.,Clicks,Cost\n2026-05-01,"' + "x" * 3_000_000 + '",1,1,1\n')
    with pytest.raises(TrafficDataError, match="huge.csv"):
        sources.load(f)


# ------------------------------------------------------------------ Meta and Microsoft

META_EN = ["Reporting starts", "Reporting ends", "Campaign name", "Ad set name", "Delivery", "Results",
           "Result indicator", "Reach", "Frequency", "Cost per result", "Amount spent (EUR)", "Impressions",
           "Link clicks", "CPC (cost per link click)", "Ends"]
META_FR = ["Début des rapports", "Fin des rapports", "Nom de la campagne", "Nom de l'ensemble de publicités",
           "Diffusion", "Résultats", "Indicateur de résultats", "Couverture", "Répétition", "Coût par résultat",
           "Montant dépensé (EUR)", "Impressions", "Clics sur un lien", "CPC (coût par clic sur un lien)", "Fin"]


def test_meta_whole_period_rows_en_fr_and_xlsx(tmp_path):
    en_rows = [["2026-04-01", "2026-04-30", "Prospection", "Lookalike", "active", "12", "actions:purchase", "15,230",
                "1.40", "10.04", "120.50", "21,322", "310", "0.39", "Ongoing"],
               ["2026-04-01", "2026-04-30", "Retargeting", "Visitors 30d", "active", "", "", "1,100", "2.10", "",
                "30.00", "2,310", "41", "0.73", "Ongoing"]]
    fr_rows = [[r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7].replace(",", NB), r[8].replace(".", ","),
                r[9].replace(".", ","), r[10].replace(".", ","), r[11].replace(",", NB), r[12],
                r[13].replace(".", ","), r[14]] for r in en_rows]
    a = sources.load(write_report(tmp_path / "meta_en.csv", [], META_EN, en_rows))
    b = sources.load(write_report(tmp_path / "meta_fr.csv", [], META_FR, fr_rows, sep=";", encoding="utf-8-sig"))
    c = sources.load(write_xlsx(tmp_path / "meta.xlsx", [], META_EN, en_rows, sheet="Raw Data Report"))
    for e in (a, b, c):
        assert e.kind == "meta/ads_manager"
        fr = e.frame
        assert fr["cost"].tolist() == pytest.approx([120.5, 30.0])
        assert fr["impressions"].tolist() == [21322, 2310] and fr["reach"].tolist() == [15230, 1100]
        assert fr["clicks"].tolist() == [310, 41]
        assert fr["conversions"].iloc[0] == 12 and pd.isna(fr["conversions"].iloc[1])
        assert (fr["date"] == pd.Timestamp("2026-04-01")).all() and (fr["date_end"] == pd.Timestamp("2026-04-30")).all()
        assert e.meta["currency"] == "EUR"


def test_microsoft_report_with_period_total_and_copyright(tmp_path):
    text = ('"Report Name: Keyword performance"\r\n"Report Time: 5/9/2026"\r\n'
            '"Time Zone: (GMT+01:00) Brussels, Copenhagen, Madrid, Paris"\r\n'
            '"Report Period: 2026-05-01 - 2026-05-08"\r\n"Report Aggregation: Summary"\r\n\r\n'
            "Campaign name,Ad group,Keyword,Delivered match type,Impr.,Clicks,Spend,Conv.,Revenue\r\n"
            'Generic,Lampes,lampe design,Phrase,"1,234",40,24.40,2,180.00\r\n'
            "Generic,Lampes,luminaire,Broad,500,10,6.10,0,0.00\r\n"
            'Total,,,,"1,734",50,30.50,2,180.00\r\n\r\n'
            '"©2026 Microsoft Corporation. All rights reserved. "\r\n')
    f = tmp_path / "ms.csv"
    f.write_bytes(text.encode("utf-8-sig"))
    e = sources.load(f)
    assert e.kind == "microsoft_ads/keywords" and len(e.frame) == 2
    assert e.period == (pd.Timestamp("2026-05-01"), pd.Timestamp("2026-05-08"))
    assert e.frame["impressions"].tolist() == [1234, 500]
    assert e.reconciliation()["ok"].all() and len(e.reconciliation()) >= 4


def test_auction_insights_download(tmp_path):
    header = ["Display URL domain", "Impression share", "Overlap rate", "Position above rate", "Top of page rate",
              "Abs. Top of page rate", "Outranking share"]
    rows = [["You", "45.12%", "--", "--", "61.02%", "20.50%", "--"],
            ["luminaires-et-co.fr", "< 10%", "12.00%", "40.00%", "55.00%", "18.00%", "< 10%"]]
    f = write_report(tmp_path / "ai.csv", ["Auction insights report", "October 1, 2026 - October 31, 2026"],
                     header, rows, sep="\t", encoding="utf-16-le")
    e = sources.load(f)
    assert e.kind == "google_ads/auction_insights" and e.table == "auction_insights"
    fr = e.frame.set_index("domain")
    assert fr.loc["(you)", "impression_share"] == pytest.approx(0.4512)
    assert fr.loc["luminaires-et-co.fr", "impression_share"] == pytest.approx(0.10)
    assert fr.loc["luminaires-et-co.fr", "censored"] == "impression_share<,outranking_share<"
    assert (e.frame["period"] == pd.Timestamp("2026-10-01")).all()


def test_read_export_keeps_the_legacy_errors(tmp_path):
    f = tmp_path / "visits.csv"
    f.write_text("Date,Channel,Visits\n2026-04-01,email,3\n")
    with pytest.raises(TrafficDataError, match="which ad platform"):
        read_export(f)


def test_unquoted_date_range_above_a_narrow_report_stays_in_the_preamble(tmp_path):
    """A three-column report: the unquoted range splits into three fields too, as wide as
    the table, so only recognising it as a date range keeps it out of the header."""
    f = tmp_path / "narrow.csv"
    f.write_text("Campaign report\nJanuary 17, 2024 - February 15, 2024\nCampaign,Clicks,Cost\nA,10,5.00\nB,5,2.50\n",
                 encoding="utf-8")
    e = sources.load(f)
    assert e.frame["campaign"].tolist() == ["A", "B"]
    assert e.frame["cost"].sum() == pytest.approx(7.5)
    assert e.period == (pd.Timestamp("2024-01-17"), pd.Timestamp("2024-02-15"))
