"""Report periods and comparison periods."""
import pandas as pd
import pytest

from trafficlib import periods


def test_previous_whole_month_is_previous_calendar_month():
    p, c = periods.resolve("2026-10-01", "2026-10-31", "previous")
    assert (c.start, c.end) == (pd.Timestamp("2026-09-01"), pd.Timestamp("2026-09-30"))
    p, c = periods.resolve("2026-08-01", "2026-10-31", "previous")
    assert (c.start, c.end) == (pd.Timestamp("2026-05-01"), pd.Timestamp("2026-07-31"))


def test_previous_days_and_yoy():
    p, c = periods.resolve("2026-10-10", "2026-10-16", "previous")
    assert (c.start, c.end) == (pd.Timestamp("2026-10-03"), pd.Timestamp("2026-10-09"))
    p, c = periods.resolve("2026-10-10", "2026-10-16", "yoy")
    assert c.start.day_of_week == p.start.day_of_week and (p.start - c.start).days == 364
    p, c = periods.resolve("2026-10-10", "2026-10-16", "2025-01-01:2025-01-07")
    assert c.days == 7
    assert periods.resolve("2026-10-10", "2026-10-16", "none")[1] is None


def test_bad_periods_are_clear():
    with pytest.raises(ValueError, match="before period_start"):
        periods.resolve("2026-10-16", "2026-10-10")
    with pytest.raises(ValueError, match="cannot read the date"):
        periods.resolve("hier", "2026-10-10")
    with pytest.raises(ValueError, match="compare"):
        periods.resolve("2026-10-01", "2026-10-10", "last week")


def test_mask_includes_the_whole_last_day():
    p = periods.Period(pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-31"))
    ts = pd.Series(pd.to_datetime(["2026-09-30 23:59:00", "2026-10-01 00:00:00", "2026-10-31 23:59:59", "2026-11-01 00:00:00"]))
    assert p.mask(ts).tolist() == [False, True, True, False]


def test_empty_period_is_a_clear_error():
    from trafficlib import TrafficDataError

    p = periods.Period(pd.Timestamp("2027-01-01"), pd.Timestamp("2027-01-31"))
    ts = pd.Series(pd.to_datetime(["2026-01-01", "2026-10-31"]))
    with pytest.raises(TrafficDataError, match="data cover 2026-01-01 to 2026-10-31"):
        periods.require_data(ts, p)


def test_spread_over_days_divides_each_row_by_its_days():
    from trafficlib.periods import spread_over_days

    rows = pd.DataFrame({"date": pd.to_datetime(["2025-01-06", "2025-01-31"]),
                         "date_end": pd.to_datetime(["2025-01-12", pd.NaT]),
                         "channel": ["TV", "Meta"], "cost": [700.0, 50.0], "impressions": [70.0, None]})
    out = spread_over_days(rows, ("cost", "impressions"), keep=("channel",))
    assert len(out) == 8 and list(out.columns) == ["day", "channel", "cost", "impressions"]
    tv = out[out["channel"] == "TV"]
    assert tv["day"].tolist() == list(pd.date_range("2025-01-06", "2025-01-12"))
    assert (tv["cost"] == 100.0).all() and (tv["impressions"] == 10.0).all()
    meta = out[out["channel"] == "Meta"]  # no end: one day
    assert meta["day"].tolist() == [pd.Timestamp("2025-01-31")] and meta["cost"].iloc[0] == 50.0
    assert meta["impressions"].isna().all()
