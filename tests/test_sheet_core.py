"""The table-sniffing core every reader starts from (trafficlib.readers._sheet): comment
lines, total rows in every layout real exports use, the decimal mark of a table; and
load's check of the rows against the file's own total.

Fixtures are written here in the layouts of real downloads (invented numbers): a GA4
Exploration's trailing "Grand total" field, a GA4 standard report's unlabelled total on
top, Google Ads' "Total: <level>" lines at the bottom, a Search Console query "#brand".
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from trafficlib import sources
from trafficlib.errors import TrafficDataError
from trafficlib.readers._sheet import decimal_mark, sheets, split_totals, total_label


def _sheet(tmp_path, text, name="t.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return sheets(p)


@pytest.mark.parametrize("cell,level", [
    ("Total", ""), ("Totals", ""), ("Grand total", ""), ("Total général", ""), ("Totaux", ""), ("Gesamt", ""),
    ("Gesamtergebnis", ""), ("Totale", ""), ("Totales", ""), ("Total geral", ""), ("Totaal", ""), ("合计", ""),
    ("總計", ""), ("合計", ""), ("総計", ""), ("Suma całkowita", ""), ("Łącznie", ""), ("Итого", ""), ("Total: Search terms", "Search terms"),
    ("Total : compte", "compte"), ("Total - Account", "Account"), ("TOTAL: Account", "Account"),
    ("Total：帳戶", "帳戶"),
])
def test_total_labels_in_interface_languages(cell, level):
    assert total_label(cell) == (cell.strip(), level)


@pytest.mark.parametrize("cell", ["total war game", "totally free shipping", "Total users", "totalenergies",
                                  "subtotal", "", "Grand totale piscine", "(not set)"])
def test_words_that_only_start_like_a_total_are_data(cell):
    assert total_label(cell) is None


def test_exploration_grand_total_in_a_trailing_field(tmp_path):
    text = ("# ----------------------------------------\n# Acme - GA4\n# Free form\n# 20250301-20250331\n"
            "# ----------------------------------------\n\n"
            "Session default channel group,Date,Total users,Key events\n"
            ",,5048,96,Grand total\n"
            "Organic Search,20250301,900,40\nDirect,20250301,700,56\n")
    s = _sheet(tmp_path, text)[0]
    split = split_totals(s, dims=[0, 1], metrics=[2, 3])
    assert len(split.rows) == 2 and [r[0] for r in split.rows] == ["Organic Search", "Direct"]
    (t,) = split.totals
    assert (t.label, t.how, t.cells[2:], t.line) == ("Grand total", "label", ["5048", "96"], 8)
    assert s.preamble[-1] == "----------------------------------------"


def test_leading_label_and_google_ads_levels(tmp_path):
    text = ("Search terms report\n\"October 7, 2024 - November 5, 2024\"\n"
            "Search term,Match type,Campaign,Impr.,Clicks,Currency code,Cost,Campaign type\n"
            "total war game,Broad match,C1,10,2,USD,3.10,Search\n"
            "heat pump,Exact match,C1,5,1,USD,2.00,Search\n"
            "Total: Search terms,,,15,3,USD,5.10,\n"
            "Total: Other search terms,,,0,4,USD,9.00,\n"
            "Total: Account,,,\"1,015\",7,USD,14.10,\n"
            "Total: Search,,,\"1,015\",7,USD,14.10,Search\n")
    s = _sheet(tmp_path, text)[0]
    split = split_totals(s, dims=[0, 1, 2, 7], metrics=[3, 4, 6])
    assert [r[0] for r in split.rows] == ["total war game", "heat pump"]
    assert [t.level for t in split.totals] == ["Search terms", "Other search terms", "Account", "Search"]
    assert all(t.how == "label" for t in split.totals)


def test_unlabelled_total_on_top_and_an_empty_dimension_row_in_the_middle(tmp_path):
    text = ("Landing page,Sessions,Engaged sessions,Engagement rate\n"
            ",2671,1600,0.599\n"
            "/,1500,900,0.6\n/shop,1000,600,0.6\n,13,5,0.38\n/blog,158,95,0.6\n")
    s = _sheet(tmp_path, text)[0]
    split = split_totals(s, dims=[0], metrics=[1, 2, 3])
    assert [t.how for t in split.totals] == ["top"]
    assert [r[0] for r in split.rows] == ["/", "/shop", "", "/blog"]  # the 13-session row is data


def test_an_empty_dimension_row_at_the_bottom_smaller_than_the_rows_is_data(tmp_path):
    text = "Landing page,Sessions\n/,1500\n/shop,1000\n,13\n"
    split = split_totals(_sheet(tmp_path, text)[0], dims=[0], metrics=[1])
    assert split.totals == [] and len(split.rows) == 3


def test_meta_account_summary_row_with_dates_filled(tmp_path):
    text = ("Campaign name,Reporting starts,Reporting ends,Amount spent (INR),Impressions\n"
            ",2024-01-01,2024-01-31,33245.34,90000\n"
            "Brand,2024-01-01,2024-01-31,20000.00,50000\nRetargeting,2024-01-01,2024-01-31,13245.34,40000\n")
    split = split_totals(_sheet(tmp_path, text)[0], dims=[0], metrics=[3, 4])
    assert [t.how for t in split.totals] == ["top"] and len(split.rows) == 2


def test_a_too_wide_row_that_is_not_a_total_is_an_error_naming_the_line(tmp_path):
    text = "Page,Views\n/a,10\n/b,20,oops\n"
    with pytest.raises(TrafficDataError, match=r"line 3.*3 fields where the header has 2"):
        split_totals(_sheet(tmp_path, text)[0], dims=[0], metrics=[1])


def test_hash_is_a_comment_only_where_a_preamble_can_stand(tmp_path):
    text = ("# Property: Acme\n# Start date: 20250101\n\n"
            "Query,Clicks,Impressions\nthe brand,10,100\n#brand,5,50\nother,1,10\n"
            "\n# ----\n# Next section\nDevice,Clicks\ndesktop,3\n")
    blocks = _sheet(tmp_path, text)
    assert [r[0] for r in blocks[0].rows] == ["the brand", "#brand", "other"]
    assert blocks[0].preamble == ["Property: Acme", "Start date: 20250101"]
    assert blocks[1].header == ["Device", "Clicks"] and blocks[1].preamble == ["----", "Next section"]


def test_a_one_field_hash_line_right_under_a_table_ends_it(tmp_path):
    text = "Query,Clicks\na,1\nb,2\n# ----\n# Section 2\nDevice,Clicks\ndesktop,3\n"
    blocks = _sheet(tmp_path, text)
    assert [len(b.rows) for b in blocks] == [2, 1]


@pytest.mark.parametrize("cells,mark", [
    (["12,5", "3"], ","), (["0.75", "1"], "."), (["1 234,50", "2,1"], ","), (["1,234.56", "3.25"], "."),
    (["1,234", "5,678"], None), (["1.234"], None),
])
def test_decimal_mark_is_voted_by_cells_read_one_way_only(tmp_path, cells, mark):
    text = "Name;Value\n" + "".join(f"r{i};{c}\n" for i, c in enumerate(cells))
    assert decimal_mark(_sheet(tmp_path, text)[0], positions=[1]) == mark


def _ads_file(tmp_path, own_total_cost: str):
    text = ("Campaign report\n\"March 3, 2025 - May 31, 2025\"\n"
            "Day,Campaign,Impr.,Clicks,Cost,Conversions\n"
            "2025-03-03,Brand,100,10,12.50,1.00\n2025-03-04,Brand,120,12,14.00,2.00\n"
            f"Total: Campaigns,,220,22,{own_total_cost},3.00\n"
            "Total: Account,,900,90,99.00,9.00\n")
    p = tmp_path / "ads.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_load_reconciles_rows_with_their_own_total_and_shows_the_wider_one(tmp_path):
    e = sources.load(_ads_file(tmp_path, "26.50"))
    assert e.reconciled is True and e.rows == 2
    cov = e.reconciliation()
    assert set(cov["metric"]) >= {"impressions", "clicks", "cost"}
    from trafficlib.readers.registry import coverage

    wide = coverage(e)
    if not wide.empty:  # the account total is wider than the campaigns shown
        row = wide[(wide["metric"] == "cost")].iloc[0]
        assert row["shown"] == pytest.approx(26.5) and row["total"] == pytest.approx(99.0)


def test_rows_that_do_not_add_up_to_their_total_are_an_error_naming_both_figures(tmp_path):
    f = _ads_file(tmp_path, "36.50")
    with pytest.raises(TrafficDataError, match=r"cost sums to 26\.50, the file says 36\.50"):
        sources.load(f)
    e = sources.load(f, on_mismatch="note")
    assert e.reconciled is False and e.notes[0].startswith("DOES NOT RECONCILE") and e.meta["unreconciled"]


def test_inspect_exits_2_when_a_figure_does_not_reconcile(tmp_path):
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    ok, wrong = _ads_file(good, "26.50"), _ads_file(bad, "36.50")
    run = [sys.executable, "-m", "trafficlib.cli", "inspect"]
    r = subprocess.run(run + [str(ok)], capture_output=True, text=True)
    assert r.returncode == 0 and "reconciled" in r.stdout
    r = subprocess.run(run + [str(ok), str(wrong)], capture_output=True, text=True)
    assert r.returncode == 2 and "DOES NOT RECONCILE" in r.stdout and "1 not reconciling" in r.stdout


def test_a_first_line_headed_hash_is_a_header_not_a_comment(tmp_path):
    """Ahrefs writes a row-number column headed '#' (UTF-16, tab-separated)."""
    text = "#\tKeyword\tVolume\tPosition\n1\tgreen tea\t1200\t3\n2\tmatcha\t800\t7\n"
    (block,) = _sheet(tmp_path, text, name="ahrefs.csv", encoding="utf-16")
    assert block.header == ["#", "Keyword", "Volume", "Position"] and len(block.rows) == 2
    # a GA4 preamble line that happens to hold a comma stays a comment
    text = "# Account: Acme, Inc\n# Property: Acme\n\nPage,Views\n/,10\n"
    (block,) = _sheet(tmp_path, text, name="ga4.csv")
    assert block.header == ["Page", "Views"] and block.preamble == ["Account: Acme, Inc", "Property: Acme"]
