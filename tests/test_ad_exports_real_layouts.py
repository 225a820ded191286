"""Ad-platform downloads in the layouts users actually get (issue 24), through sources.load.

Every file is written by the test in the layout of real downloads seen in public
repositories (invented numbers): Google Ads reports ending with eight ``Total: ...``
lines (search terms, other search terms, account, one per campaign type) with the
campaign type filled on the per-type totals; manager-account reports with
converted-currency columns; UTF-16 tab "CSV (Excel)" downloads; "All time" reports with
no day; Meta Ads Manager exports whose first row is the account summary (empty names,
the range's dates filled) under any breakdown. Range lines are checked over every month,
weekday and interface language Google writes them in.
"""
from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest

from trafficlib import TrafficDataError, sources
from trafficlib.adplatforms import load_paid_search_inputs, read_ads, read_ads_folder
from trafficlib.readers import _adreport as ar


def write(path: Path, lines: list[list[str]], *, sep: str = ",", encoding: str = "utf-8",
          newline: str = "\n") -> Path:
    """Rows written as a CSV writer quotes them (a one-cell line is a preamble line)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator=newline)
    for ln in lines:
        w.writerow(ln)
    data = buf.getvalue()
    if encoding == "utf-16":
        path.write_bytes(b"\xff\xfe" + data.encode("utf-16-le"))
    else:
        path.write_bytes(data.encode(encoding))
    return path


# ------------------------------------------------------------------ Google Ads search terms

ST_HEADER = ["Search term", "Match type", "Added/Excluded", "Campaign", "Ad group", "Keyword", "Impr.",
             "Interactions", "Clicks", "Currency code", "Cost", "Conversions", "Campaign type"]
ST_ROWS = [
    ["heat pump cost", "Phrase match", "None", "S_Generic", "Heat pumps", "[heat pump price]", "188", "12", "12",
     "USD", "206.62", "0.00", "Search"],
    ["total home heating", "Broad match", "None", "S_Generic", "Heat pumps", '"home heating"', "40", "3", "3",
     "USD", "15.80", "1.00", "Search"],
    ["Total heat pump", "Exact match (close variant)", "Added", "S_Generic", "Heat pumps", "[heat pump]", "1,208",
     "37", "37", "USD", "491.78", "6.00", "Search"],
]
ST_TOTALS = [
    ["Total: Search terms", "", "", "", "", "", "1,436", "52", "52", "USD", "714.20", "7.00", ""],
    ["Total: Other search terms", "", "", "", "", "", "0", "0", "1,204", "USD", "14931.17", "63.00", ""],
    ["Total: Account", "", "", "", "", "", "48,241", "2,611", "2,611", "USD", "32620.90", "154.00", ""],
    ["Total: Display", "", "", "", "", "", "0", "0", "0", "USD", "0.00", "0.00", "Display"],
    ["Total: Demand Gen", "", "", "", "", "", "31", "0", "0", "USD", "0.00", "0.00", "Demand Gen"],
    ["Total: Search", "", "", "", "", "", "48,210", "2,611", "2,611", "USD", "32620.90", "154.00", "Search"],
    ["Total: Video", "", "", "", "", "", "0", "0", "0", "USD", "0.00", "0.00", "Video"],
    ["Total: Smart", "", "", "", "", "", "0", "0", "0", "USD", "0.00", "0.00", "Smart"],
]


def test_search_terms_eight_totals_by_the_shared_rule(tmp_path):
    f = write(tmp_path / "Search terms report.csv", [["Search terms report"], ["March 3, 2025 - May 31, 2025"],
                                                     ST_HEADER, *ST_ROWS, *ST_TOTALS])
    e = sources.load(f)
    assert e.kind == "google_ads/search_terms"
    assert e.period == (pd.Timestamp("2025-03-03"), pd.Timestamp("2025-05-31"))  # a range starting in March
    # real terms that start with "total" are data; the eight Total: lines are not
    assert e.frame["search_term"].tolist() == ["heat pump cost", "total home heating", "Total heat pump"]
    assert e.frame["cost"].sum() == pytest.approx(714.20)
    t = e.totals
    assert t["label"].tolist()[0] == "Total: Search terms" and len(t) == 8
    assert t["scope"].tolist() == ["rows"] + ["more"] * 7
    assert t["covers"].tolist() == ["rows", "unnamed", "account"] + ["campaign type"] * 5
    assert t.set_index("label").loc["Total: Search", "level"] == "Search"  # campaign type filled: still a total
    assert e.reconciled is True
    assert e.meta["currency"] == "USD"


def test_search_terms_rows_never_silently_disagree_with_their_total(tmp_path):
    rows = [r[:] for r in ST_ROWS]
    rows[0][10] = "306.62"  # 100 more than the file's own total allows
    f = write(tmp_path / "st.csv", [["Search terms report"], ["March 3, 2025 - May 31, 2025"], ST_HEADER, *rows,
                                    *ST_TOTALS])
    with pytest.raises(TrafficDataError, match=r"814\.20.*714\.20"):
        sources.load(f)


def test_search_terms_utf16_tab_csv_excel_download(tmp_path):
    lines = [["Search terms report"], ["3 March 2026 - 10 March 2026"], ST_HEADER, *ST_ROWS, *ST_TOTALS]
    lines[-6][6] = "48,241"  # a quoted thousands separator inside a tab file
    f = write(tmp_path / "st16.csv", lines, sep="\t", encoding="utf-16")
    assert f.read_bytes()[:2] == b"\xff\xfe"
    e = sources.load(f)
    assert len(e.frame) == 3 and e.reconciled is True
    assert e.period == (pd.Timestamp("2026-03-03"), pd.Timestamp("2026-03-10"))
    assert e.totals.set_index("label").loc["Total: Account", "impressions"] == 48241


def test_totals_whose_label_is_in_the_third_column(tmp_path):
    header = ["Keyword status", "Keyword", "Match type", "Campaign", "Ad group", "Impr.", "Clicks", "Cost"]
    rows = [["Enabled", "[climbing gym]", "Exact match", "C1", "G1", "100", "10", "12.50"],
            ["Enabled", "bouldering", "Broad match", "C1", "G1", "50", "5", "4.50"],
            [" --", "", "Total: All but removed keywords", " --", " --", "150", "15", "17.00"],
            ["", "", "Total: Keywords in your account", "", "", "170", "16", "18.00"],
            ["", "", "Total: Account", "", "", "1,170", "96", "118.00"]]
    e = sources.load(write(tmp_path / "kw.csv", [["Search keyword report"], ["1 March 2026 - 31 March 2026"],
                                                 header, *rows]))
    assert e.kind == "google_ads/keywords" and len(e.frame) == 2
    assert e.totals["scope"].tolist() == ["rows", "more", "more"]
    assert e.totals["covers"].tolist() == ["rows", "more", "account"]
    assert e.totals["label"].iloc[0] == "Total: All but removed keywords" and e.reconciled is True


# ------------------------------------------------------------------ manager accounts

MCC_HEADER = ["Account name", "Customer ID", "Campaign", "Campaign type", "Day", "Clicks", "Impr.", "Currency code",
              "Avg. CPC", "Avg. CPC (Converted currency)", "Cost", "Cost (Converted currency)", "Conversions",
              "Converted currency code"]


def test_manager_report_with_several_currencies_reads_the_converted_money_once(tmp_path):
    rows = [["Shop FR", "123-456-7890", "FR Search", "Search", "2026-08-28", "10", "100", "EUR", "1.00", "1.10",
             "10.00", "11.00", "1.00", "USD"],
            ["Shop UK", "234-567-8901", "UK Search", "Search", "2026-08-28", "20", "300", "GBP", "2.00", "2.60",
             "40.00", "52.00", "2.00", "USD"],
            ["Shop UK", "234-567-8901", "UK Search", "Search", "2026-08-29", "5", "80", "GBP", "2.00", "2.60",
             "10.00", "13.00", "0.00", "USD"],
            ["Total: Account", "", "", "", "", "35", "480", " --", " --", "2.17", " --", "76.00", "3.00", "USD"]]
    f = write(tmp_path / "mcc.csv", [["Daily Campaign Performance"], ["28 August 2026 - 29 August 2026"],
                                     MCC_HEADER, *rows])
    e = sources.load(f)
    assert e.frame["cost"].tolist() == pytest.approx([11.0, 52.0, 13.0])  # never cost + converted cost
    assert e.meta["currency"] == "USD"
    assert any("converted-currency columns" in n and "several currencies" in n for n in e.notes)
    assert e.totals["cost"].iloc[0] == pytest.approx(76.0) and e.reconciled is True


def test_manager_report_in_one_currency_reads_the_accounts_own_money(tmp_path):
    rows = [["Shop FR", "123-456-7890", "FR Search", "Search", "2026-08-28", "10", "100", "EUR", "1.00", "1.10",
             "10.00", "11.00", "1.00", "USD"],
            ["Shop BE", "234-567-8901", "BE Search", "Search", "2026-08-28", "20", "300", "EUR", "2.00", "2.20",
             "40.00", "44.00", "2.00", "USD"],
            ["Total: Account", "", "", "", "", "30", "400", "EUR", "1.67", "1.83", "50.00", "55.00", "3.00", "USD"]]
    e = sources.load(write(tmp_path / "mcc1.csv", [["Campaign report"], ["28 August 2026 - 28 August 2026"],
                                                   MCC_HEADER, *rows]))
    assert e.frame["cost"].sum() == pytest.approx(50.0) and e.meta["currency"] == "EUR"
    assert any("accounts' own columns (EUR)" in n for n in e.notes)
    assert e.reconciled is True


def test_manager_report_without_currency_codes_reads_the_converted_money(tmp_path):
    header = ["Account name", "Campaign", "Clicks", "Impr.", "Cost", "Cost (Converted currency)",
              "Converted currency code"]
    rows = [["Shop JP", "JP Search", "10", "100", "1500", "10.00", "USD"],
            ["Shop US", "US Search", "5", "50", "5.00", "5.00", "USD"]]
    e = sources.load(write(tmp_path / "mcc_nocode.csv", [["Campaign report"], ["1 May 2026 - 2 May 2026"],
                                                          header, *rows]))
    assert e.frame["cost"].tolist() == pytest.approx([10.0, 5.0]) and e.meta["currency"] == "USD"
    assert any("no Currency code column" in n for n in e.notes)


# ------------------------------------------------------------------ undated reports

CAMPAIGN_HEADER = ["Campaign status", "Campaign", "Campaign type", "Impr.", "Interactions", "Currency code", "Cost",
                   "Search impr. share", "Search lost IS (budget)", "Search lost IS (rank)", "Clicks", "Conversions"]
CAMPAIGN_ROWS = [["Enabled", "Brand", "Search", "1,000", "100", "USD", "50.00", "> 90%", "< 10%", "< 10%", "100",
                  "5.00"],
                 ["Enabled", "Generic, all", "Search", "4,000", "80", "USD", "120.00", "35.20%", "40.10%", "24.70%",
                  "80", "2.00"],
                 ["Total: Campaigns", " --", " --", "5,000", "180", "USD", "170.00", " --", " --", " --", "180",
                  "7.00"],
                 ["Total: Account", "", "", "6,000", "190", "USD", "175.00", "", "", "", "190", "7.00"],
                 ["Total: Search", "", "Search", "6,000", "190", "USD", "175.00", "", "", "", "190", "7.00"]]


@pytest.mark.parametrize("range_line", ["All time", "Last 30 days", "This month", "Toute la période", None])
def test_undated_reports_are_read_with_their_period_unknown(tmp_path, range_line):
    pre = [["Campaign report"]] + ([[range_line]] if range_line else [])
    e = sources.load(write(tmp_path / "c.csv", [*pre, CAMPAIGN_HEADER, *CAMPAIGN_ROWS]))
    assert e.kind == "google_ads/campaigns" and len(e.frame) == 2
    assert e.period is None
    assert e.frame["date"].isna().all() and e.frame["date_end"].isna().all()
    assert any(n.startswith("period unknown") for n in e.notes)
    if range_line:
        assert any(range_line in n for n in e.notes)
    assert e.totals["label"].iloc[0] == "Total: Campaigns" and e.reconciled is True
    t = read_ads(e.path)
    assert len(t) == 2 and t["date"].isna().all()


def test_an_undated_folder_feeds_the_paid_search_audit(tmp_path):
    from trafficlib import paid_search as ps

    write(tmp_path / "campaigns.csv", [["Campaign report"], ["All time"], CAMPAIGN_HEADER, *CAMPAIGN_ROWS])
    write(tmp_path / "terms.csv", [["Search terms report"], ["All time"], ST_HEADER, *ST_ROWS, *ST_TOTALS])
    inp = load_paid_search_inputs(tmp_path)
    assert inp["search_terms"]["cost"].sum() == pytest.approx(714.20)
    assert inp["campaigns"]["cost"].sum() == pytest.approx(170.0)
    table = ps.exports_table(inp["exports"])
    assert len(table) == 2
    found = ps.findings(inp["search_terms"], None, inp["campaigns"])
    assert isinstance(ps.findings_table(found), pd.DataFrame)
    assert ps.headline(inp["search_terms"], inp["campaigns"], None)["cost"] > 0


def test_the_post_mortem_says_it_needs_dated_reports(tmp_path):
    write(tmp_path / "campaigns.csv", [["Campaign report"], ["All time"], CAMPAIGN_HEADER, *CAMPAIGN_ROWS])
    with pytest.raises(TrafficDataError, match="no dates") as info:
        read_ads_folder(tmp_path, "*.csv", skip_unknown=True, dated=True)
    assert "Day segment" in str(info.value)
    daily = CAMPAIGN_HEADER[:2] + ["Day"] + CAMPAIGN_HEADER[3:]
    write(tmp_path / "daily.csv", [["Campaign report"], ["1 May 2026 - 2 May 2026"], daily,
                                   ["Enabled", "Brand", "2026-05-01", "10", "1", "USD", "1.00", "", "", "", "1", "0"]])
    got = read_ads_folder(tmp_path, "*.csv", skip_unknown=True, dated=True)
    assert len(got) == 1 and [Path(p).name for p, _ in got.attrs["undated"]] == ["campaigns.csv"]


# ------------------------------------------------------------------ range lines, every month and language

# how Google Ads writes a day in each interface language: (language, format(day, month))
_MONTH_NAMES = {
    "en": calendar.month_name[1:],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November",
           "Dezember"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"],
    "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
           "novembre", "dicembre"],
    "pt": ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
           "novembro", "dezembro"],
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"],
}
# the abbreviations the interfaces write (CLDR)
_MONTH_ABBR = {
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
    "de": ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."],
    "es": ["ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.", "nov.", "dic."],
}
_WEEKDAY_NAMES = {
    "en": calendar.day_name[:], "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
    "it": ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"],
    "pt": ["segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo"],
    "nl": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"],
}


def _written(d: dt.date, lang: str, style: str) -> str:
    m = _MONTH_NAMES[lang][d.month - 1]
    if style == "abbr" and lang == "en":
        return f"{calendar.month_abbr[d.month]} {d.day}, {d.year}"
    if style == "abbr":
        m = _MONTH_ABBR[lang][d.month - 1]
    text = {"en": f"{m} {d.day}, {d.year}", "de": f"{d.day}. {m} {d.year}",
            "es": f"{d.day} de {m} de {d.year}", "pt": f"{d.day} de {m} de {d.year}"}.get(lang, f"{d.day} {m} {d.year}")
    if style == "uk":
        text = f"{d.day} {m} {d.year}"
    if style == "weekday":
        text = f"{_WEEKDAY_NAMES[lang][d.weekday()]}, {text}"
    return text


_CASES = [(lang, month, style) for lang in _MONTH_NAMES for month in range(1, 13)
          for style in ("long", "weekday", "uk") + (("abbr",) if lang in ("en", "fr", "de", "es") else ())]


@pytest.mark.parametrize("lang,month,style", _CASES)
def test_range_lines_every_month_weekday_and_language(lang, month, style):
    # every day of the week is met across the months (the 3rd and the last day of a month)
    start = dt.date(2025, month, 3)
    end = dt.date(2025 + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    line = f"{_written(start, lang, style)} - {_written(end, lang, style)}"
    assert ar.period_from_lines([line]) == (pd.Timestamp(start), pd.Timestamp(end)), line
    assert ar.period_from_lines([f'"{line}"']) == (pd.Timestamp(start), pd.Timestamp(end)), line


@pytest.mark.parametrize("line", ["All time", "Last 30 days", "This month", "Depuis le début", "Campaign report",
                                  "Gesamter Zeitraum", "Últimos 30 días"])
def test_lines_that_state_no_dated_range(line):
    assert ar.period_from_lines([line]) is None


def test_march_is_not_a_weekday():
    assert ar.parse_days(pd.Series(["March 3, 2025", "Mar 4, 2025", "mardi 4 mars 2025"]))[0].tolist() == [
        pd.Timestamp("2025-03-03"), pd.Timestamp("2025-03-04"), pd.Timestamp("2025-03-04")]


# ------------------------------------------------------------------ Meta Ads Manager

@pytest.mark.parametrize("columns,values", [
    (["Age", "Gender"], [["25-34", "female"], ["35-44", "male"]]),
    (["Region"], [["Maharashtra"], ["Karnataka"]]),
    (["Impression device"], [["iPhone"], ["Android Smartphone"]]),
    (["Platform", "Placement"], [["instagram", "Feed"], ["facebook", "Feed"]]),
    ([], [[], []]),
])
def test_meta_summary_row_is_the_total_never_a_campaign(tmp_path, columns, values):
    header = ["Campaign name", *columns, "Reporting starts", "Reporting ends", "Amount spent (INR)", "Impressions",
              "Reach", "Link clicks", "Results", "Result indicator", "Cost per result"]
    summary = ["", *[""] * len(columns), "2025-10-01", "2025-10-31", "33,245.34", "1,000,000", "320,000", "8,901",
               "420", "", "79.16"]
    rows = [["Diwali - Prospecting", *values[0], "2025-10-01", "2025-10-31", "12,000.50", "400,000", "150,000",
             "3,000", "120", "actions:purchase", "100.00"],
            ["Diwali - Retargeting", *values[1], "2025-10-01", "2025-10-31", "21,244.84", "600,000", "180,000",
             "5,901", "300", "actions:purchase", "70.82"]]
    e = sources.load(write(tmp_path / "meta.csv", [header, summary, *rows]))
    assert e.kind == "meta/ads_manager"
    assert e.frame["campaign"].tolist() == ["Diwali - Prospecting", "Diwali - Retargeting"]
    assert e.frame["cost"].sum() == pytest.approx(33245.34)  # not doubled
    assert e.totals["label"].tolist() == [""] and e.totals["scope"].tolist() == ["rows"]
    assert e.totals["cost"].iloc[0] == pytest.approx(33245.34) and e.reconciled is True
    assert e.meta["currency"] == "INR"
    assert e.period == (pd.Timestamp("2025-10-01"), pd.Timestamp("2025-10-31"))


def test_meta_day_breakdown_with_summary_row(tmp_path):
    header = ["Campaign name", "Day", "Reporting starts", "Reporting ends", "Amount spent (EUR)", "Impressions",
              "Link clicks", "Results"]
    rows = [["", "", "2025-10-01", "2025-10-02", "30.00", "3,000", "60", "3"],
            ["Promo", "2025-10-01", "2025-10-01", "2025-10-01", "10.00", "1,000", "20", "1"],
            ["Promo", "2025-10-02", "2025-10-02", "2025-10-02", "20.00", "2,000", "40", "2"]]
    e = sources.load(write(tmp_path / "meta_day.csv", [header, *rows]))
    assert e.frame["date"].tolist() == [pd.Timestamp("2025-10-01"), pd.Timestamp("2025-10-02")]
    assert e.frame["cost"].sum() == pytest.approx(30.0) and e.reconciled is True


def test_meta_daily_rows_without_a_day_column(tmp_path):
    header = ["Reporting starts", "Reporting ends", "Campaign name", "Amount spent (USD)", "Impressions",
              "Link clicks"]
    rows = [["2025-10-01", "2025-10-02", "", "30.00", "3000", "60"],
            ["2025-10-01", "2025-10-01", "Promo", "10.00", "1000", "20"],
            ["2025-10-02", "2025-10-02", "Promo", "20.00", "2000", "40"]]
    e = sources.load(write(tmp_path / "meta_daily.csv", [header, *rows], newline="\r\n"))
    assert len(e.frame) == 2 and e.frame["cost"].sum() == pytest.approx(30.0)
    assert (e.frame["date"] == e.frame["date_end"]).all() and e.reconciled is True


def test_meta_ad_table_with_bare_cr_line_endings_and_no_dates(tmp_path):
    header = ["ad_id", "xyz_campaign_id", "fb_campaign_id", "age", "gender", "interest", "Impressions", "Clicks",
              "Spent", "Total_Conversion", "Approved_Conversion"]
    rows = [["708746", "916", "103916", "30-34", "M", "15", "7350", "1", "1.429999948", "2", "1"],
            ["708749", "916", "103917", "30-34", "F", "16", "17861", "2", "1.820000023", "2", "0"],
            ["708771", "936", "103920", "45-49", "M", "10", "693", "0", "0", "1", "0"]]
    f = tmp_path / "KAG_conversion_data.csv"
    f.write_bytes("\r".join(",".join(r) for r in [header, *rows]).encode())
    e = sources.load(f)
    assert e.kind == "meta/ads_table" and len(e.frame) == 3 and e.period is None
    assert e.frame["cost"].sum() == pytest.approx(3.25, abs=1e-6)
    assert e.frame["conversions"].sum() == 5 and e.frame["approved_conversions"].sum() == 1
    assert e.frame["gender"].tolist() == ["M", "F", "M"]
    assert any(n.startswith("period unknown") for n in e.notes)


@pytest.mark.parametrize("lang", sorted(_MONTH_NAMES))
def test_month_cells_in_every_interface_language(lang):
    cells = [f"{m} 2025" if lang not in ("es", "pt") else f"{m} de 2025" for m in _MONTH_NAMES[lang]]
    got, bad = ar._months(pd.Series(cells))
    assert not bad.any() and got.tolist() == [pd.Timestamp(2025, m, 1) for m in range(1, 13)]


def test_an_account_total_is_the_rows_total_only_when_the_rows_are_the_whole_account(tmp_path):
    header = ["Campaign", "Impr.", "Clicks", "Cost"]
    rows = [["A", "100", "10", "5.00"], ["B", "200", "20", "7.50"]]
    whole = sources.load(write(tmp_path / "whole.csv", [["Campaign report"], ["1 May 2026 - 2 May 2026"], header,
                                                         *rows, ["Total: Account", "300", "30", "12.50"]]))
    assert whole.totals["scope"].tolist() == ["rows"] and whole.reconciled is True
    assert any("whole account" in n for n in whole.notes)
    # a removed campaign counted in the account total only: the total covers more than the rows
    more = sources.load(write(tmp_path / "more.csv", [["Campaign report"], ["1 May 2026 - 2 May 2026"], header,
                                                       *rows, ["Total: Account", "350", "31", "13.00"]]))
    assert more.totals["scope"].tolist() == ["more"] and more.reconciled is None
    assert any("no total for exactly its rows" in n for n in more.notes)


@pytest.mark.parametrize("columns,cells", [
    (["Region"], [["Maharashtra"], ["Karnataka"]]),
    (["Platform", "Placement"], [["facebook", "Feed"], ["facebook", "Stories"]]),
    (["Platform", "Device platform"], [["instagram", "Mobile app"], ["instagram", "Desktop"]]),
    (["Country"], [["IN"], ["AE"]]),
])
def test_meta_breakdowns_of_one_campaign_read_row_for_row(tmp_path, columns, cells):
    header = ["Campaign name", *columns, "Reporting starts", "Reporting ends", "Amount spent (INR)", "Impressions",
              "Link clicks"]
    rows = [["", *[""] * len(columns), "2025-10-01", "2025-10-31", "300.00", "3,000", "30"],
            ["Diwali", *cells[0], "2025-10-01", "2025-10-31", "100.00", "1,000", "10"],
            ["Diwali", *cells[1], "2025-10-01", "2025-10-31", "200.00", "2,000", "20"]]
    f = write(tmp_path / "meta_bd.csv", [header, *rows])
    t = read_ads(f)  # the breakdown tells the two rows apart: no "same key" refusal
    assert len(t) == 2 and t["cost"].sum() == pytest.approx(300.0)
    assert t.attrs["totals"]["cost"].iloc[0] == pytest.approx(300.0)


def test_meta_xlsx_export_with_summary_row(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Raw Data Report"
    ws.append(["Campaign name", "Age", "Reporting starts", "Reporting ends", "Amount spent (EUR)", "Impressions",
               "Link clicks"])
    ws.append([None, None, "2025-10-01", "2025-10-31", 30.5, 3000, 30])
    ws.append(["Promo", "18-24", "2025-10-01", "2025-10-31", 10.25, 1000, 10])
    ws.append(["Promo", "25-34", "2025-10-01", "2025-10-31", 20.25, 2000, 20])
    wb.save(tmp_path / "meta.xlsx")
    e = sources.load(tmp_path / "meta.xlsx")
    assert len(e.frame) == 2 and e.frame["cost"].sum() == pytest.approx(30.5)
    assert e.totals["scope"].tolist() == ["rows"] and e.reconciled is True


def test_a_total_labelled_in_the_third_column_with_its_campaign_type_filled(tmp_path):
    header = ["Keyword status", "Account", "Keyword", "Campaign", "Campaign type", "Impr.", "Clicks", "Cost"]
    rows = [["Enabled", "Shop", "[climbing gym]", "C1", "Search", "100", "10", "12.50"],
            ["Enabled", "Shop", "bouldering", "C1", "Search", "50", "5", "4.50"],
            ["", "", "Total: Keywords", "", "", "150", "15", "17.00"],
            ["", "Shop", "Total: Account", "", "", "1,170", "96", "118.00"],
            ["", "", "Total: Search", "", "Search", "1,000", "90", "110.00"]]
    e = sources.load(write(tmp_path / "kw_types.csv", [["Search keyword report"], ["1 March 2026 - 31 March 2026"],
                                                       header, *rows]))
    assert e.frame["keyword"].tolist() == ["climbing gym", "bouldering"]  # the totals are not keywords
    assert e.totals["label"].tolist() == ["Total: Keywords", "Total: Account", "Total: Search"]
    assert e.totals["covers"].tolist() == ["rows", "account", "campaign type"] and e.reconciled is True
