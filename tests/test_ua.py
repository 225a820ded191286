"""Universal Analytics / GA360 ga_sessions_* extracts flattened to CSV, built from the
export schema (fullVisitorId, visitId, visitStartTime in epoch seconds, date YYYYMMDD,
trafficSource.*, device.deviceCategory, geoNetwork.country, totals.* with revenue in
micros), read through sources.load."""
from __future__ import annotations

import pandas as pd
import pytest

from trafficlib import TrafficDataError, schema, sources
from trafficlib.readers.registry import readers

DOTTED = ["fullVisitorId", "visitId", "visitNumber", "visitStartTime", "date", "channelGrouping",
          "trafficSource.source", "trafficSource.medium", "trafficSource.campaign", "device.deviceCategory",
          "geoNetwork.country", "totals.visits", "totals.pageviews", "totals.bounces", "totals.timeOnSite",
          "totals.transactions", "totals.totalTransactionRevenue", "totals.newVisits"]
# (fullVisitorId, visitId, visitNumber, visitStartTime, date, channel, source, medium, campaign, device,
#  country, visits, pageviews, bounces, timeOnSite, transactions, revenue micros, newVisits)
ROWS = [
    ("7195236582938475621", "1483228800", "1", "1483228800", "20170101", "Organic Search", "google", "organic",
     "(not set)", "desktop", "France", "1", "5", "", "320", "1", "129990000", "1"),
    ("7195236582938475621", "1483315200", "2", "1483315200", "20170102", "Direct", "(direct)", "(none)",
     "(not set)", "desktop", "France", "1", "1", "1", "", "", "", ""),
    ("0012345678901234567", "1483230000", "1", "1483230000", "20170101", "Paid Search", "google", "cpc",
     "brand_fr", "mobile", "Belgium", "1", "2", "", "45", "", "", "1"),
    ("0012345678901234567", "1483231000", "2", "1483231000", "20170101", "Referral", "fr.search.yahoo.com",
     "referral", "(not set)", "mobile", "Belgium", "", "1", "", "", "", "", ""),   # non-interaction only
    ("5550001112223334445", "1483311000", "1", "1483311000", "20170101", "Social", "m.facebook.com",
     "referral", "(not set)", "tablet", "Canada", "1", "1", "1", "", "", "", "1"),
    ("5550001112223334445", "1483311000", "1", "1483311000", "20170102", "Social", "m.facebook.com",
     "referral", "(not set)", "tablet", "Canada", "1", "3", "", "620", "1", "45500000", ""),  # same visit after midnight
]


def write(path, header, rows, sep=","):
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=sep)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_recognised_and_read(tmp_path):
    e = sources.load(write(tmp_path / "ga_sessions_20170101.csv", DOTTED, ROWS))
    assert e.kind == "ua/sessions" and e.table == "sessions"
    s = e.frame.set_index("session_id")
    assert len(s) == 5                                   # the visits-less row is not a session
    assert any("1 rows with totals.visits other than 1 dropped" in n for n in e.notes)
    first = s.loc["7195236582938475621.1483228800"]
    assert first["start"] == pd.Timestamp("2017-01-01 00:00:00")   # epoch seconds, UTC
    assert first["revenue"] == pytest.approx(129.99)                # micros / 1e6
    assert first["conversions"] == 1 and first["pageviews"] == 5 and first["duration_s"] == 320
    assert first["channel"] == "Organic Search" and first["ua_channel"] == "Organic Search"
    assert first["campaign"] == "(not set)" and first["new_user"]
    second = s.loc["7195236582938475621.1483315200"]
    assert second["bounces"] == 1 and not second["engaged"] and second["revenue"] == 0.0
    assert second["source"] == "(direct)" and second["channel"] == "Direct" and not second["new_user"]
    # the session UA split at midnight: two rows, both kept, ids made unique by the date
    assert {"5550001112223334445.1483311000.20170101", "5550001112223334445.1483311000.20170102"} <= set(s.index)
    assert s["revenue"].sum() == pytest.approx(129.99 + 45.5)
    assert e.period == (pd.Timestamp("2017-01-01"), pd.Timestamp("2017-01-02"))
    assert any("UA bounce" in n and "1 − engagement rate" in n for n in e.notes)
    # canonical sessions columns and dtypes
    assert list(e.frame.columns[:17]) == schema.columns("sessions")
    checked = schema.validate(e.frame, "sessions")
    for col in schema.columns("sessions"):
        assert checked[col].dtype == e.frame[col].dtype, col


def test_underscore_and_last_part_headers_and_xlsx(tmp_path):
    under = [h.replace(".", "_") for h in DOTTED]
    a = sources.load(write(tmp_path / "a.csv", under, ROWS)).frame
    short = [h.split(".")[-1] for h in DOTTED]
    b = sources.load(write(tmp_path / "b.tsv", short, ROWS, sep="\t")).frame
    base = sources.load(write(tmp_path / "c.csv", DOTTED, ROWS)).frame
    pd.testing.assert_frame_equal(a, base)
    pd.testing.assert_frame_equal(b, base)
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(DOTTED)
    for r in ROWS:
        ws.append(list(r))  # ids as text, as BigQuery's "Save to Sheets" writes them
    wb.save(tmp_path / "d.xlsx")
    x = sources.load(tmp_path / "d.xlsx")
    assert x.kind == "ua/sessions"
    pd.testing.assert_frame_equal(x.frame, base)


def test_visitor_ids_damaged_by_a_spreadsheet_degrade_to_no_users(tmp_path):
    """A fullVisitorId saved as '7.19524E+18' merges visitors: users are not available,
    sessions, page views and revenue are kept, and a note says so."""
    rows = [list(r) for r in ROWS]
    rows[0][0] = "7.19524E+18"
    rows[2][0] = "1.23457E+16"
    e = sources.load(write(tmp_path / "excel.csv", DOTTED, rows))
    assert e.kind == "ua/sessions" and len(e.frame) == 5
    assert e.frame["user_id"].isna().all()                      # no user count can be right
    assert e.meta["unavailable"] == ["users"] and e.meta["damaged_ids"]["rows"] == 2
    assert e.frame["revenue"].sum() == pytest.approx(129.99 + 45.5)
    assert e.frame["pageviews"].sum() == 5 + 1 + 2 + 1 + 3
    assert "7.19524E+18.1483228800" in set(e.frame["session_id"])
    note = next(n for n in e.notes if "damaged by a spreadsheet" in n)
    assert "2 of 5 sessions" in note and "users are NOT available" in note and "fullVisitorId" in note


def test_visit_ids_or_start_times_damaged_are_refused(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[4][3] = "1.48331E+09"  # visitStartTime: the time and the session cannot be recovered
    with pytest.raises(TrafficDataError) as err:
        sources.load(write(tmp_path / "excel2.csv", DOTTED, rows))
    assert err.value.column == "visitStartTime" and err.value.rows == [6]
    rows = [list(r) for r in ROWS]
    rows[1][1] = "1.48332E+09"
    with pytest.raises(TrafficDataError) as err:
        sources.load(write(tmp_path / "excel3.csv", DOTTED, rows))
    assert err.value.column == "visitId" and err.value.rows == [3]


# The GA360 sample's all_sessions layout (hit x product grain; session fields repeated on
# every row of the session; ids as a spreadsheet re-saved them), invented values.
HITS = ["fullVisitorId", "channelGrouping", "time", "country", "city", "totalTransactionRevenue", "transactions",
        "timeOnSite", "pageviews", "sessionQualityDim", "date", "visitId", "type", "productRefundAmount",
        "productQuantity", "productPrice", "productRevenue", "productSKU", "v2ProductName", "v2ProductCategory",
        "productVariant", "currencyCode", "itemQuantity", "itemRevenue", "transactionRevenue", "transactionId",
        "pageTitle", "searchKeyword", "pagePathLevel1", "eCommerceAction_type", "eCommerceAction_step",
        "eCommerceAction_option"]


def hit(visitor, visit, day, pv, tos, rev, tx, t, sku, name, price, prod_rev=""):
    return [visitor, "Organic Search", t, "France", "Lyon", rev, tx, tos, pv, "", day, visit, "PAGE", "", "",
            price, prod_rev, sku, name, "Shop/Bags/", "(not set)", "EUR", "", "", "", "", "Bags | Shop", "",
            "/shop/", "0", "1", ""]


def test_hit_grain_extract_is_read_one_row_per_session(tmp_path):
    rows = [
        hit("4.11223E+18", "1500000100", "20170714", "3", "120", "25990000", "1", "0", "SKU1", "Tote, canvas",
            "12990000", "12990000"),
        hit("4.11223E+18", "1500000100", "20170714", "3", "120", "25990000", "1", "5400", "SKU2", "Cap", "13000000",
            "13000000"),
        hit("4.11223E+18", "1500000100", "20170714", "3", "120", "25990000", "1", "9000", "SKU3", "Mug", "5000000"),
        hit("8.70012E+18", "1500000100", "20170714", "1", "", "", "", "0", "SKU1", "Tote, canvas", "12990000"),
        hit("8.70012E+18", "1500009999", "20170714", "2", "40", "", "", "0", "SKU4", "Pen", "1990000"),
    ]
    e = sources.load(write(tmp_path / "all_sessions.csv", HITS, rows))
    assert e.kind == "ua/sessions" and len(e.frame) == 3          # two visitors share visitId 1500000100
    assert e.frame["pageviews"].tolist() == [3, 1, 2]              # session values, not summed over hits
    assert e.frame["revenue"].sum() == pytest.approx(25.99)        # totalTransactionRevenue once per session
    assert e.frame["transactions"].sum() == 1 and e.frame["conversions"].sum() == 1
    assert any("5 rows read as 3 sessions" in n for n in e.notes)
    assert any("(2 by visitId alone)" in n for n in e.notes)


def test_product_lines_with_exact_duplicates_and_line_revenue(tmp_path):
    header = ["visit_number", "visit_id", "visit_start_time", "purchase_date", "full_visitor_id", "user_id",
              "channel_grouping", "social_engagement_type", "units_sold", "page_views", "time_on_site", "bounces",
              "revenue", "unit_price"]
    line = ["1", "1496504143", "1496504143", "20170603", "7.58E+18", "", "Organic Search", "Not Socially Engaged",
            "1", "4", "253", "", "15990000", "15990000"]
    other = line[:]
    other[12:] = ["7990000", "7990000"]
    second = ["2", "1496504143", "1496509999", "20170603", "1.20E+18", "", "Direct", "Not Socially Engaged",
              "", "1", "", "1", "", "7990000"]
    e = sources.load(write(tmp_path / "analytics.csv", header, [line, line, other, second]))
    assert len(e.frame) == 2                                      # visit_id shared, visit_start_time differs
    assert e.frame["revenue"].tolist() == pytest.approx([23.98, 0.0])   # distinct lines summed
    assert e.frame["bounces"].tolist() == [0, 1] and e.frame["pageviews"].tolist() == [4, 1]
    note = next(n for n in e.notes if "exact duplicate" in n)
    assert "1 exact duplicate lines dropped" in note and "23.98 without them, 39.97 with them" in note
    assert any("no transactions column" in n for n in e.notes)


SPECIMENS = __import__("pathlib").Path(__file__).resolve().parents[2] / "shared" / "specimens"


@pytest.mark.parametrize("name", ["all_sessions.csv", "analytics_sessions_products.csv"])
def test_ga360_specimens_degrade_and_keep_sessions(name):
    import yaml

    if not (SPECIMENS / "specimens.yml").exists():
        pytest.skip("../shared/specimens is absent (layout specimens are not distributed)")
    spec = {s["file"]: s["expected"] for s in yaml.safe_load((SPECIMENS / "specimens.yml").read_text())["specimens"]}
    want = spec[f"ga360_ua/{name}"]
    e = sources.load(SPECIMENS / "ga360_ua" / name)
    assert e.frame["user_id"].isna().all() and e.meta["unavailable"] == ["users"]
    by_pair = [v for k, v in want["sessions"].items() if k.startswith("by_full")][0]
    assert len(e.frame) == by_pair
    if name == "all_sessions.csv":
        assert e.frame["revenue"].sum() == pytest.approx(want["totals"]["revenue"])
        assert e.frame["transactions"].sum() == want["totals"]["transactions"]
        assert e.frame["pageviews"].sum() == want["pageviews_first_row_per_session"]["by_fullVisitorId_visitId"]
    else:
        assert e.frame["revenue"].sum() == pytest.approx(want["totals"]["revenue_distinct_rows"])
        assert e.frame["pageviews"].sum() == want["totals"]["page_views_first_row_per_session"]
        assert e.frame["bounces"].sum() == want["totals"]["bounces_first_row_per_session"]


def test_bad_values_name_file_column_line(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][12] = "two"
    with pytest.raises(TrafficDataError) as err:
        sources.load(write(tmp_path / "bad.csv", DOTTED, rows))
    assert err.value.column == "totals.pageviews" and err.value.rows == [3]
    rows = [list(r) for r in ROWS]
    rows[0][16] = "-5"
    with pytest.raises(TrafficDataError) as err:
        sources.load(write(tmp_path / "neg.csv", DOTTED, rows))
    assert err.value.column == "totals.totalTransactionRevenue" and err.value.rows == [2]
    rows = [list(r) for r in ROWS] + [list(ROWS[0])]
    with pytest.raises(TrafficDataError, match="repeat the same session") as err:
        sources.load(write(tmp_path / "dup.csv", DOTTED, rows))
    assert err.value.rows == [2, 8]


def test_reader_order():
    kinds = [r.kind for r in readers()]
    assert kinds.index("ua/sessions") < kinds.index("canonical/sessions") < kinds.index("ga4/report")


def test_each_file_lands_on_its_reader(tmp_path):
    """Headers decide: a UA extract has fullVisitorId, a flattened GA4 export
    event_timestamp + user_pseudo_id, our canonical files keep going to canonical."""
    ua = write(tmp_path / "ua.csv", DOTTED, ROWS)
    flat = write(tmp_path / "flat.csv", ["event_date", "event_timestamp", "event_name", "user_pseudo_id",
                                         "ga_session_id", "page_location"],
                 [("20250301", "1740787200000000", "page_view", "123.456", "1740787200", "https://a.fr/")])
    events = write(tmp_path / "events.csv", ["user_pseudo_id", "timestamp", "event_name"],
                   [("123.456", "2025-03-01 00:00:00", "page_view")])
    sessions = write(tmp_path / "sessions.csv", ["session_id", "user_id", "start", "pageviews", "conversions"],
                     [("s1", "u1", "2025-03-01 10:00:00", "2", "0")])
    daily = write(tmp_path / "daily.csv", ["Date", "Sessions"], [("2025-03-01", "10"), ("2025-03-02", "12")])
    got = {p.name: sources.load(p).kind for p in (ua, flat, events, sessions, daily)}
    assert got == {"ua.csv": "ua/sessions", "flat.csv": "ga4/bigquery_events_flat", "events.csv": "canonical/events",
                   "sessions.csv": "canonical/sessions", "daily.csv": "daily_series"}
    e = sources.load(flat).frame
    assert e["timestamp"].iloc[0] == pd.Timestamp("2025-03-01") and e["session_id"].iloc[0] == "123.456.1740787200"


def test_session_grain_extract_with_line_revenue_column(tmp_path):
    header = ["fullVisitorId", "visitId", "visitStartTime", "date", "pageviews", "revenue"]
    rows = [("7195236582938475621", "1483228800", "1483228800", "20170101", "3", "12500000"),
            ("0012345678901234567", "1483230000", "1483230000", "20170101", "1", "")]
    e = sources.load(write(tmp_path / "s.csv", header, rows))
    assert e.frame["revenue"].tolist() == pytest.approx([12.5, 0.0])
    assert any("revenue / 1,000,000" in n for n in e.notes)
