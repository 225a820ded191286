"""The query layer: a cube of GA4 interface exports gives the session rows' figures,
users are never summed, and the overview and audit render on exports alone."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trafficlib import audit, metrics, overview, periods, query
from trafficlib.datasets import ga4_ui

ROOT = Path(__file__).resolve().parents[1]
P = periods.Period(pd.Timestamp("2026-09-01"), pd.Timestamp("2026-09-30"))
PREV = periods.Period(pd.Timestamp("2026-08-01"), pd.Timestamp("2026-08-31"))


@pytest.fixture(scope="module")
def sessions(demo_dir):
    return pd.read_parquet(demo_dir / "sessions.parquet")


@pytest.fixture(scope="module")
def exports(sessions, tmp_path_factory):
    d = tmp_path_factory.mktemp("ga4")
    ga4_ui.write_report(sessions, d / "by_date_channel.csv", ["date", "channel"], "2026-08-01", "2026-09-30",
                        layout="exploration", grouped=True)
    ga4_ui.write_report(sessions, d / "devices.csv", ["device"], "2026-09-01", "2026-09-30", lang="fr", grouped=True)
    ga4_ui.write_report(sessions, d / "site.xlsx", [], "2026-09-01", "2026-09-30")
    (d / "notes.txt").write_text("not an export\n")
    return d


def test_cube_kpis_equal_the_session_rows(sessions, exports):
    cube = query.open_source(exports)
    rows = query.as_source(sessions)
    assert isinstance(cube, query.Cube)
    a, b = cube.kpis((), P).iloc[0], rows.kpis((), P).iloc[0]
    for k in ("sessions", "engaged_sessions", "conversions", "revenue", "users"):
        assert a[k] == pytest.approx(b[k]), k
    assert a["conversion_rate"] == pytest.approx(b["conversion_rate"], abs=1e-4)  # from a rate rounded to 4 places
    by_ch = cube.kpis("channel", P).set_index("channel")
    want = rows.kpis("channel", P).set_index("channel")
    assert (by_ch["sessions"] == want["sessions"].reindex(by_ch.index)).all()
    dev = cube.kpis("device", P).set_index("device")
    assert (dev["users"] == rows.kpis("device", P).set_index("device")["users"].reindex(dev.index)).all()


def test_users_are_never_summed(exports):
    cube = query.open_source(exports)
    # by channel over a month: the export is by date x channel, so users per channel would be a sum over days
    assert cube.kpis("channel", P)["users"].isna().all()
    # the comparison month has no export total: no user count, rather than a sum of daily users
    assert math.isnan(cube.kpis((), PREV).iloc[0]["users"])
    head = overview.headline(cube, P, PREV).set_index("metric")
    assert not math.isnan(head.loc["users", "current"]) and math.isnan(head.loc["users", "previous"])
    assert math.isnan(head.loc["users", "change"])


def test_unsupported_question_names_the_export_that_would_answer(exports):
    cube = query.open_source(exports)
    assert overview.why_not(cube, ["channel"], P) is None
    line = overview.why_not(cube, ["landing_page"], P, "en")
    assert "Landing page" in line and "a GA4 report" in line
    assert "Page de destination" not in line and "Page de destination" in overview.why_not(cube, ["landing_page"], P, "fr")
    with pytest.raises(query.Unsupported):
        cube.sums(["landing_page"], P)


def test_cube_uses_the_exports_own_total_when_rows_fall_short(sessions, tmp_path):
    f = ga4_ui.write_report(sessions, tmp_path / "ch.csv", ["channel"], "2026-09-01", "2026-09-30")
    lines = f.read_text(encoding="utf-8").splitlines()
    f.write_text("\n".join(lines[:-2]) + "\n", encoding="utf-8")  # the interface's row limit: last rows cut
    e = query.open_source(f)
    total = e.exports[0].totals.iloc[0]["sessions"]
    assert e.exports[0].frame["sessions"].sum() < total
    assert e.kpis((), P).iloc[0]["sessions"] == total
    assert any("do not add up" in n for n in e.notes)


def test_folder_of_events_runs_the_overview_too(demo_dir, tmp_path):
    (tmp_path / "events.parquet").symlink_to(demo_dir / "events.parquet")
    src = overview.load(tmp_path, P)
    assert src.origin == "events" and src.has_rows()
    ref = overview.load(demo_dir, P)  # the sessions table, the DuckDB sessionization of the same events
    a = overview.headline(src, P).set_index("metric")["current"]
    b = overview.headline(ref, P).set_index("metric")["current"]
    assert a["sessions"] == b["sessions"] and a["revenue"] == pytest.approx(b["revenue"])


@pytest.mark.parametrize("notebook,lang", [("traffic_overview", "en"), ("traffic_audit", "fr")])
def test_reports_render_on_ga4_interface_exports_alone(exports, sessions, tmp_path, notebook, lang):
    from trafficlib import report

    out = report.render(ROOT / "notebooks" / f"{notebook}.ipynb",
                        {"data_path": str(exports), "period_start": "2026-09-01", "period_end": "2026-09-30",
                         "compare": "previous"}, tmp_path, lang=lang)
    html = out.read_text(encoding="utf-8")
    total = int(ga4_ui.report_frame(sessions, [], start="2026-09-01", end="2026-09-30")[1]["sessions"])
    shown = f"{total:,}".replace(",", "\u202f" if lang == "fr" else ",")
    assert shown in html  # the export's own total sessions
    if notebook == "traffic_overview":
        assert "Not available from these exports" in html and "Landing page" in html
    else:
        assert "Non vérifié à partir de rapports agrégés" in html
        assert "Non disponible avec ces exports" in html
    assert "Traceback" not in html


def test_audit_figures_on_a_cube_match_the_rows(sessions, exports):
    cube = audit.load(exports).source
    t_cube = audit.compare_periods(cube, P, PREV).set_index("metric")
    t_rows = audit.compare_periods(sessions, P, PREV).set_index("metric")
    for m in ("sessions", "conversions", "revenue"):
        assert t_cube.loc[m, "current"] == pytest.approx(t_rows.loc[m, "current"])
        assert t_cube.loc[m, "p_value"] == pytest.approx(t_rows.loc[m, "p_value"])
    np.testing.assert_array_equal(audit.daily_sessions(cube).loc["2026-08-01":"2026-09-30"].to_numpy(),
                                  audit.daily_sessions(sessions).loc["2026-08-01":"2026-09-30"].to_numpy())


def test_public_holidays_are_not_tracking_gaps(shared_dir):
    """A real five-year daily series (a US site): Thanksgiving is a quiet day, not a gap."""
    src = query.open_source(shared_dir / "data" / "web" / "ga_daily_sessions.csv")
    gaps = audit.missing_days(src, "en", country=None).evidence["date"]
    assert pd.Timestamp("2017-11-23") in set(gaps)  # Thanksgiving, taken for a gap without the calendar
    us = audit.missing_days(src, "en", country="US")
    assert us is not None and pd.Timestamp("2017-11-23") not in set(us.evidence["date"])
    named = audit.anomaly_days(src, country="US", lang="en").dropna(subset=["holiday"])
    assert {"Thanksgiving Day", "Christmas Day"} <= set(named["holiday"])


def test_session_rows_remember_sums_and_return_copies(sessions):
    src = query.as_source(sessions)
    first = src.sums(["channel"], P)
    first.loc[0, "sessions"] = -1.0  # a caller changing its answer...
    first["extra"] = 1
    again = src.sums(["channel"], P)
    assert "extra" not in again and (again["sessions"] >= 0).all()  # ...does not change the next one
    fresh = query.SessionRows(frame=sessions.copy(), origin="sessions")
    for by in ((), ["channel"], ["date"], ["source_medium"], ["landing_page", "channel"]):
        for period in (None, P, PREV):
            pd.testing.assert_frame_equal(src.sums(by, period), fresh.sums(by, period), check_exact=True)
    # and the same figures as the sessions of the period summed directly
    rows = sessions[P.mask(sessions["start"])]
    direct = metrics.session_sums(rows, ["channel"]).astype(float).reset_index()
    pd.testing.assert_frame_equal(src.sums("channel", P), direct, check_exact=True)
    k = src.kpis("channel", P)
    k["sessions"] = 0
    assert (src.kpis("channel", P)["sessions"] > 0).all()
    # another frame assigned to the source: answers from the new frame, not the memo
    src2 = query.SessionRows(frame=sessions, origin="sessions")
    src2.sums((), P)
    src2.frame = rows.head(10)
    assert src2.sums((), P)["sessions"].iloc[0] == 10.0



def test_reports_on_the_same_sessions_file_share_their_answers(sessions, tmp_path):
    """Two sources opened on one sessions file (a batch's en and fr reports) share the
    per-session columns and answers: the second gets the first's sums without summing
    again, as copies it may change; a changed file, or another frame assigned to the
    source, starts afresh."""
    from trafficlib import filecache

    sessions.to_parquet(tmp_path / "sessions.parquet")
    first = query.open_source(tmp_path)
    expected = first.sums(["channel"], P)
    second = query.open_source(tmp_path)
    assert second.frame is not first.frame and second._prepared() is first._prepared()
    got = second.sums(["channel"], P)
    pd.testing.assert_frame_equal(got, expected)
    got["sessions"] = -1.0
    assert (query.open_source(tmp_path).sums(["channel"], P)["sessions"] > 0).all()
    # a report changing its frame in place does not reach the next report's answers
    second.frame.loc[:, "conversions"] = 0
    assert query.open_source(tmp_path).sums((), P)["conversions"].iloc[0] == expected["conversions"].sum()
    # another frame assigned: its own answers
    second.frame = sessions.head(10)
    assert second.sums((), None)["sessions"].iloc[0] == 10.0
    # the file changed: new answers
    sessions.head(100).to_parquet(tmp_path / "sessions.parquet")
    assert query.open_source(tmp_path).sums((), None)["sessions"].iloc[0] == 100.0
    filecache.clear()

def test_kpis_from_sums_recompute_every_ratio_and_keep_unknowns_unknown():
    """Ratios from their sums (never averaged); a zero or unknown denominator gives NaN,
    not 0 or inf; counts stay whole numbers unless a group cannot know them."""
    sums = pd.DataFrame({
        "sessions": [200, 0, 50], "users": pd.array([150, 0, pd.NA], dtype="Int64"),
        "new_users": [90.0, 0.0, 10.0], "engaged_sessions": [120, 0, 25], "pageviews": [500, 0, 75],
        "engagement_time": [12_000.0, 0.0, 1_500.0], "conversions": [4, 0, 0],
        "converting_sessions": [3, 0, 0], "revenue": [360.0, 0.0, 0.0], "single_page": [80, 0, 30],
    }, index=pd.Index(["Organic Search", "Email", "Direct"], name="channel"))
    k = metrics.kpis_from_sums(sums, ua_bounce=True)
    assert list(k.index) == ["Organic Search", "Email", "Direct"]
    assert k["sessions"].dtype == np.int64 and k["new_users"].dtype == np.int64
    assert k["users"].dtype == np.float64 and math.isnan(k.at["Direct", "users"])  # unknown, not 0
    row = k.loc["Organic Search"]
    assert row["engagement_rate"] == pytest.approx(0.6) and row["bounce_rate"] == pytest.approx(0.4)
    assert row["views_per_session"] == pytest.approx(2.5) and row["avg_engagement_time_s"] == pytest.approx(60)
    assert row["conversion_rate"] == pytest.approx(0.015) and row["aov"] == pytest.approx(90)
    assert row["ua_bounce_rate"] == pytest.approx(0.4)
    assert k.loc["Email", ["engagement_rate", "views_per_session", "conversion_rate", "aov"]].isna().all()
    assert math.isnan(k.at["Direct", "aov"]) and k.at["Direct", "conversion_rate"] == 0
    without = metrics.kpis_from_sums(sums.drop(columns=["pageviews"]))
    assert without["views_per_session"].isna().all() and "ua_bounce_rate" not in without


def test_overview_degrades_on_ga4_exports_without_sessions(tmp_path):
    """A GA4 pages report of views and users (no Sessions column, as real downloads often
    are) answers with the figures it holds: views by day, never a column of zeros for
    sessions it does not have."""
    from trafficlib.periods import Period

    rows = "\n".join(f"2026090{d},/p{p},{10 * d + p},{3 + p}" for d in range(1, 8) for p in range(3))
    f = tmp_path / "pages.csv"
    f.write_text("# Start date: 20260901\n# End date: 20260907\n\nDate,Page path and screen class,Views,Active users\n"
                 + rows + "\n", encoding="utf-8")
    period = Period(pd.Timestamp("2026-09-01"), pd.Timestamp("2026-09-07"))
    src = query.open_source(f)
    daily = overview.trend(src, period)
    assert daily.attrs["metric"] == "pageviews"
    assert daily["pageviews"].tolist() == [30 * d + 3 for d in range(1, 8)]
    assert daily["sessions"].isna().all()  # unknown, not 0
    head = overview.headline(src, period)
    assert overview.headline_kpis(head)[0] == "pageviews"
    assert "sessions" not in overview.headline_kpis(head)
    table = overview.present(pd.DataFrame({"page": ["/a"], "sessions": [np.nan], "pageviews": [3.0]}))
    assert list(table.columns) == ["page", "pageviews"]


def test_users_unknown_when_every_user_id_is_missing_on_both_paths():
    """Sessions of an extract whose visitor ids a spreadsheet damaged: users are NaN
    (shown as not available), never 0, in pandas and in the engines' SQL alike."""
    import duckdb

    from trafficlib.metrics import _ADDED, sums_of_columns
    from trafficlib.query.engines.definition import sums_sql

    g = pd.DataFrame({"device": ["desktop", "desktop", "mobile"], "user_id": [pd.NA, pd.NA, 7]})
    for v in _ADDED.values():
        g[v] = 1
    out = sums_of_columns(g, ["device"])
    assert math.isnan(out.loc["desktop", "users"]) and out.loc["mobile", "users"] == 1
    con = duckdb.connect()
    con.execute("CREATE TABLE s AS SELECT * FROM (VALUES ('desktop', NULL, 1, FALSE, TRUE, 1, 5.0, 0, 0.0), "
                "('desktop', NULL, 2, FALSE, TRUE, 2, 5.0, 0, 0.0), ('mobile', 7, 3, TRUE, FALSE, 1, 1.0, 1, 9.5)) "
                "t(device, user_id, start_us, new_user, engaged, pageviews, eng_time, conversions, revenue)")
    rows = con.execute(sums_sql("s", ["device"]) + " ORDER BY 1").df().set_index("device")
    assert pd.isna(rows.loc["desktop", "users"]) and rows.loc["mobile", "users"] == 1
    assert rows.loc["desktop", "sessions"] == 2
