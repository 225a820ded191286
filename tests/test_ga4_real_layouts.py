"""GA4 and Universal Analytics interface downloads in the layouts real files have
(fixtures in tests/data/ga4_ui/: invented figures, real layouts), read through
sources.load: where each total row stands, what is data, what is refused and why."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from trafficlib import TrafficDataError, sources

DATA = Path(__file__).parent / "data" / "ga4_ui"
SPECIMENS = Path(__file__).resolve().parents[2] / "shared" / "specimens"


def test_exploration_grand_total_in_a_trailing_field():
    # ',,,,902,0.5993,16,0.0177...,Grand total': one field more than the header, dimensions empty
    e = sources.load(DATA / "exploration_trailing_total.csv")
    assert e.kind == "ga4/report" and e.rows == 5
    assert e.period == (pd.Timestamp("2025-04-01"), pd.Timestamp("2025-04-30"))  # '# 20250401-20250430'
    t = e.totals.iloc[0]
    assert (t["label"], t["level"], t["scope"]) == ("Grand total", "", "rows")
    assert t["conversions"] == 16 and e.frame["conversions"].sum() == 16
    assert t["total_users"] == 902 and e.frame["total_users"].sum() == 975   # de-duplicated: less than the rows
    assert e.frame["page"].tolist()[2] == '/blog/post?a=1,2&ref="x"'         # quoted commas and quotes
    # a custom channel group the kit cannot know is kept as a dimension under its own name
    assert "session_acme_custom_channels" in e.dimensions
    assert e.frame["session_acme_custom_channels"].tolist()[:2] == ["Organic Search", "Direct"]


def test_exploration_downloaded_with_a_row_limit_is_a_total_of_more(tmp_path):
    text = (DATA / "exploration_trailing_total.csv").read_text(encoding="utf-8").splitlines()
    f = tmp_path / "top4.csv"
    f.write_text("\n".join(text[:-2]) + "\n", encoding="utf-8")  # the last row (1 key event) not downloaded
    e = sources.load(f)
    assert e.rows == 4 and e.totals.iloc[0]["scope"] == "more"
    assert any("conversions 15.00 of 16.00" in n and "fewer rows" in n for n in e.notes)


def test_total_label_in_a_dimension_cell_and_leading_field(tmp_path):
    f = tmp_path / "sheets.csv"
    f.write_text("Session default channel group,Date,Sessions,Key events\n"
                 "Direct,20250401,50,1\nOrganic Search,20250401,100,2\n"
                 "Grand total,,150,3\n", encoding="utf-8")
    e = sources.load(f)
    assert e.rows == 2 and e.totals.iloc[0]["label"] == "Grand total" and e.totals.iloc[0]["sessions"] == 150
    g = tmp_path / "lead.csv"
    g.write_text("Session default channel group,Date,Sessions,Key events\n"
                 "Total,,,150,3\nDirect,20250401,50,1\nOrganic Search,20250401,100,2\n", encoding="utf-8")
    e = sources.load(g)
    assert e.rows == 2 and e.totals.iloc[0]["label"] == "Total" and e.totals.iloc[0]["scope"] == "rows"


def test_a_row_wider_than_the_header_that_is_no_total_is_refused(tmp_path):
    f = tmp_path / "wide.csv"
    f.write_text("# Start date: 20250401\n# End date: 20250430\nSession default channel group,Sessions\n"
                 "Direct,50\nOrganic Search,100,7\n", encoding="utf-8")
    with pytest.raises(TrafficDataError) as err:
        sources.load(f)
    assert err.value.rows == [5] and "3 fields where the header has 2" in str(err.value)


@pytest.mark.parametrize("name", ["landing_page_empty_row.csv", "landing_page_empty_row_last.csv"])
def test_an_empty_landing_page_is_data_not_the_total(name):
    e = sources.load(DATA / name)
    assert e.rows == 5 and e.frame["sessions"].sum() == 2658
    empty = e.frame[e.frame["landing_page"].isna()]
    assert empty["sessions"].tolist() == [13]
    assert len(e.totals) == 1 and e.totals.iloc[0]["sessions"] == 2658 and e.totals.iloc[0]["label"] == ""
    assert e.totals.iloc[0]["scope"] == "rows" and e.reconciliation()["ok"].all()
    assert e.totals.iloc[0]["users"] == 2301   # the file's de-duplicated users, never the row sum (2,382)


def test_views_active_users_event_count_without_sessions_or_preamble():
    e = sources.load(DATA / "pages_by_country.csv")
    assert e.kind == "ga4/report" and e.rows == 5 and e.dimensions == ("page", "country")
    assert e.frame["pageviews"].sum() == 634 and e.frame["event_count"].sum() == 2168
    assert e.frame["country"].tolist()[2:4] == ["Türkiye", "Côte d’Ivoire"]
    assert e.totals is None and e.reconciliation().empty            # no users total made from the rows
    assert any("de-duplicated" in n and "no total" in n for n in e.notes)


def test_a_users_only_total_covers_more_than_its_rows(tmp_path):
    f = tmp_path / "countries.csv"
    f.write_text("# Start date: 20250401\n# End date: 20250430\nCountry,Active users,New users,Engagement rate\n"
                 ",950,700,0.61\nFrance,800,600,0.62\nBelgium,200,120,0.55\n", encoding="utf-8")
    e = sources.load(f)
    assert e.rows == 2 and e.totals.iloc[0]["scope"] == "more" and e.totals.iloc[0]["users"] == 950


def test_universal_analytics_pages_csv():
    e = sources.load(DATA / "ua_all_pages.csv")
    assert e.kind == "ua/report" and e.table == "web_cube" and e.rows == 3
    assert e.period == (pd.Timestamp("2017-05-01"), pd.Timestamp("2017-05-07"))
    assert e.frame["pageviews"].tolist() == [3047, 412, 96]
    t = e.totals.iloc[0]
    assert t["label"] == "" and t["scope"] == "rows" and t["pageviews"] == 3555   # blank-label row at the bottom
    assert set(e.frame.columns) == {"page", "pageviews"}      # rates and averages are not summable: not kept
    assert "engaged_sessions" not in e.frame


def test_universal_analytics_xlsx_download(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Summary"
    for line in ("All Web Site Data", "Pages", "20170501-20170507", "", "Links to data:", "Dataset1", "Dataset2"):
        ws.append([line])
    ds = wb.create_sheet("Dataset1")
    ds.append(["Page", "Pageviews", "Unique Pageviews", "Avg. Time on Page", "Entrances", "Bounce Rate", "% Exit",
               "Page Value"])
    ds.append(["/", 3047, 2476, 45.2, 1346, 0.1214, 0.3479, 0])
    ds.append(["/search/widgets", 412, 300, 65.0, 120, 0.55, 0.401, 1.2])
    ds.append(["/w/blue-widget", 96, 81, 138.4, 14, 0, 0.125, 0])
    ds.append([None, 3555, 2857, 52.1, 1480, 0.1628, 0.3325, 0.14])
    d2 = wb.create_sheet("Dataset2")
    d2.append(["Day Index", "Pageviews"])
    for day, v in zip(range(1, 8), (512, 498, 530, 505, 480, 500, 530)):
        d2.append([f"5/{day}/17", v])
    d2.append([None, 3555])
    wb.save(tmp_path / "Analytics All Web Site Data Pages 20170501-20170507.xlsx")
    e = sources.load(tmp_path / "Analytics All Web Site Data Pages 20170501-20170507.xlsx")
    assert e.kind == "ua/report" and e.rows == 3 and e.frame["pageviews"].sum() == 3555
    assert e.totals.iloc[0]["pageviews"] == 3555 and e.totals.iloc[0]["scope"] == "rows"
    assert e.period == (pd.Timestamp("2017-05-01"), pd.Timestamp("2017-05-07"))


def test_universal_analytics_bounce_rate_is_not_turned_into_engaged_sessions(tmp_path):
    f = tmp_path / "landing.csv"
    f.write_text("# ----------------------------------------\n# All Web Site Data\n# Landing Pages\n"
                 "# 20170501-20170531\n# ----------------------------------------\n\n"
                 "Landing Page,Sessions,% New Sessions,New Users,Bounce Rate,Pages / Session,Avg. Session Duration,"
                 "Goal Conversion Rate,Goal Completions,Goal Value\n"
                 '/,"1,000",70.00%,700,40.00%,2.50,00:01:30,1.00%,10,$0.00\n'
                 "/blog,500,80.00%,400,60.00%,1.40,00:00:40,0.40%,2,$0.00\n"
                 ',"1,500",73.33%,"1,100",46.67%,2.13,00:01:13,0.80%,12,$0.00\n', encoding="utf-8")
    e = sources.load(f)
    assert e.kind == "ua/report" and e.rows == 2 and e.totals.iloc[0]["sessions"] == 1500
    assert "engaged_sessions" not in e.frame and any("UA's bounce rate" in n for n in e.notes)
    assert e.frame["conversions"].tolist() == [10, 2]      # goal completions
    assert e.frame["pageviews"].tolist() == [2500, 700] and "pageviews" in e.meta["derived"]
    assert e.reconciliation()["ok"].all()


def test_ga4_home_export_is_refused_by_name():
    with pytest.raises(TrafficDataError) as err:
        sources.load(DATA / "home_reports_snapshot.csv")
    msg = str(err.value)
    assert "Home / Reports snapshot" in msg and "5 small tables" in msg and "Nth day × New users" in msg
    assert "Traffic acquisition" in msg and "home_reports_snapshot.csv" in msg


def test_home_export_without_its_title_is_refused_too(tmp_path):
    text = (DATA / "home_reports_snapshot.csv").read_text(encoding="utf-8").replace("# Reports snapshot\n", "")
    f = tmp_path / "snapshot.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(TrafficDataError, match="Home / Reports snapshot"):
        sources.load(f)


def _expected(rel: str) -> dict:
    import yaml

    if not (SPECIMENS / "specimens.yml").exists():
        pytest.skip("../shared/specimens is absent (layout specimens are not distributed)")
    spec = yaml.safe_load((SPECIMENS / "specimens.yml").read_text(encoding="utf-8"))
    return next(s["expected"] for s in spec["specimens"] if s["file"] == rel)


def test_exploration_specimen():
    want = _expected("ga4_ui/exploration_free_form.csv")
    e = sources.load(SPECIMENS / "ga4_ui" / "exploration_free_form.csv")
    assert e.rows == want["rows"]
    assert [str(d.date()) for d in e.period] == want["period"]
    t = e.totals.iloc[0]
    assert t["conversions"] == want["totals"]["key_events"] and t["total_users"] == want["totals"]["total_users"]
    assert e.frame["total_users"].sum() == want["must_not_show"]["total_users_row_sum"]
    assert not (e.totals[["total_users"]] == want["must_not_show"]["total_users_row_sum"]).any().any()


def test_pages_by_country_specimen():
    want = _expected("ga4_ui/pages_by_country.csv")
    e = sources.load(SPECIMENS / "ga4_ui" / "pages_by_country.csv")
    assert e.kind == "ga4/report" and e.rows == want["rows"] and e.period is None and e.totals is None
    assert e.frame["pageviews"].sum() == want["totals"]["views"]
    assert e.frame["event_count"].sum() == want["totals"]["event_count"]


def test_a_report_below_its_chart_tables_is_read_not_refused(tmp_path):
    # older GA4 downloads: the line chart's and the bar chart's tables above the report's table
    f = tmp_path / "acq.csv"
    f.write_text("# ----------------------------------------\n# Traffic acquisition: Session default channel group\n"
                 "# Start date: 20250401\n# End date: 20250402\n# ----------------------------------------\n\n"
                 "Nth day,Organic Search,Direct\n0000,60,40\n0001,55,45\n\n"
                 "Session default channel group,Sessions\nOrganic Search,115\nDirect,85\n\n"
                 "Session default channel group,Sessions,Engaged sessions,Key events,Total revenue\n"
                 ",200,120,5,300\nOrganic Search,115,70,3,200\nDirect,85,50,2,100\n", encoding="utf-8")
    e = sources.load(f)
    assert e.rows == 2 and e.totals.iloc[0]["sessions"] == 200 and e.reconciliation()["ok"].all()


def test_an_unknown_duration_column_is_no_dimension(tmp_path):
    # 'Avg. Visit Time' is unknown to the kit: written 00:01:05 it is still a metric, so the
    # blank-label bottom row keeps empty dimensions and stays the total
    f = tmp_path / "ua.csv"
    f.write_text("# ----------------------------------------\n# All Web Site Data\n# Pages\n# 20170501-20170507\n"
                 "# ----------------------------------------\n\n"
                 "Page,Pageviews,Avg. Visit Time,% Exit\n/,300,00:01:05,10.00%\n/a,100,00:00:20,50.00%\n"
                 ",400,00:00:54,20.00%\n", encoding="utf-8")
    e = sources.load(f)
    assert e.kind == "ua/report" and e.rows == 2 and e.totals.iloc[0]["pageviews"] == 400
    assert e.dimensions == ("page",) and any("Avg. Visit Time" in n for n in e.notes)


def test_a_comparison_download_is_never_summed_across_its_two_periods(tmp_path):
    """GA4 writes the rows once per date range when a report is downloaded with a
    comparison: only the first (current) range is read, and a note says so."""
    from trafficlib import sources

    f = tmp_path / "compare.csv"
    f.write_text("# Start date: 20250301\n# End date: 20250331\n\n"
                 "Session default channel group,Date range,Sessions,Key events\n"
                 "Direct,Mar 1 - Mar 31 2025,100,5\nDirect,Feb 1 - Feb 28 2025,80,4\n"
                 "Organic Search,Mar 1 - Mar 31 2025,300,9\nOrganic Search,Feb 1 - Feb 28 2025,250,7\n",
                 encoding="utf-8")
    e = sources.load(f)
    assert e.frame["sessions"].sum() == 400 and e.rows == 2
    assert any("comparison download" in n and "Feb 1 - Feb 28 2025" in n for n in e.notes)
