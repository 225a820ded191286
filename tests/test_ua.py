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


def test_ids_damaged_by_a_spreadsheet_are_refused(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[0][0] = "7.19524E+18"
    rows[2][0] = "1.23457E+16"
    with pytest.raises(TrafficDataError) as err:
        sources.load(write(tmp_path / "excel.csv", DOTTED, rows))
    e = err.value
    assert e.column == "fullVisitorId" and e.rows == [2, 4]
    assert "2 of 6 ids damaged" in e.problem and "excel.csv" in str(e)
    rows = [list(r) for r in ROWS]
    rows[4][3] = "1.48331E+09"  # visitStartTime too: the time cannot be recovered
    with pytest.raises(TrafficDataError) as err:
        sources.load(write(tmp_path / "excel2.csv", DOTTED, rows))
    assert err.value.column == "visitStartTime" and err.value.rows == [6]


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
