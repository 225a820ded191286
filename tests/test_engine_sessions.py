"""The engine session query orders a user's events by time, priority, event name and
page, also where events share a microsecond (it ranks those ties apart from the rest of
the events, which it never sorts): the picks, the boundaries and the campaign split of
tied events follow that order."""
from __future__ import annotations

import pandas as pd

from trafficlib.query.engines.backends import DuckDBBackend
from trafficlib.query.engines.source import build_sessions

T0 = pd.Timestamp("2025-03-01 10:00:00.000001")


def _events() -> pd.DataFrame:
    s = pd.Timedelta(seconds=1)
    rows = [
        # user a: two session_start at the same microsecond ('/a' sorts first)
        ("a", T0, "session_start", "https://shop.example/b?gclid=1", "zeta", "cpc", "desktop", None),
        ("a", T0, "session_start", "https://shop.example/a", "alpha", "email", "mobile", None),
        # two other events at the same microsecond: add_to_cart sorts before scroll
        ("a", T0 + 5 * s, "scroll", None, None, None, None, "FR"),
        ("a", T0 + 5 * s, "add_to_cart", None, None, None, None, "BE"),
        # two page views at the same microsecond: '/m' is the landing page
        ("a", T0 + 10 * s, "page_view", "https://shop.example/z", None, None, None, None),
        ("a", T0 + 10 * s, "page_view", "https://shop.example/m", None, None, None, None),
        # user b: two campaigns at the same microsecond ('/1' then '/2')
        ("b", T0, "session_start", "https://shop.example/2", "bing", "cpc", "tablet", "CH"),
        ("b", T0, "session_start", "https://shop.example/1", "google", "cpc", "tablet", "CH"),
        ("b", T0 + 40 * 60 * s, "page_view", "https://shop.example/3", None, None, "tablet", "CH"),
    ]
    return pd.DataFrame(rows, columns=["user_id", "timestamp", "event_name", "page", "source", "medium", "device",
                                       "country"])


def _sessions(**opts) -> pd.DataFrame:
    src = build_sessions(DuckDBBackend(""), _events(), "events", **opts)
    try:
        return src.backend.run(f"SELECT * FROM {src.table} ORDER BY session_id")
    finally:
        src.close()


def test_picks_among_events_of_the_same_microsecond_follow_event_name_then_page():
    t = _sessions()
    a = t[t["user_id"] == "a"].iloc[0]
    assert (a["source"], a["medium"], a["device"], a["country"]) == ("alpha", "email", "mobile", "BE")
    assert a["landing_page"] == "/m" and a["pageviews"] == 2
    assert pd.isna(a["click_id"])  # the landing URL is the first page view's, without the gclid
    b = t[t["user_id"] == "b"]
    assert len(b) == 2 and list(b["landing_page"]) == ["/1", "/3"]  # 40-minute gap: two sessions


def test_a_campaign_change_between_events_of_the_same_microsecond_splits_in_that_order():
    t = _sessions(split_on_campaign=True)
    b = t[t["user_id"] == "b"].reset_index(drop=True)
    assert list(b["session_id"]) == ["b-1", "b-2", "b-3"]
    assert list(b["source"]) == ["google", "bing", "bing"]  # the direct third is credited to bing
    assert list(b["landing_page"]) == ["/1", "/2", "/3"]
    assert b["start_us"].iloc[0] == b["start_us"].iloc[1]
    assert len(t[t["user_id"] == "a"]) == 2  # alpha then zeta: a change within the same microsecond too
