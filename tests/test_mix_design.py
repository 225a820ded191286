"""trafficlib.mix.design.prepare: the checks a real weekly (or daily) table needs, and the
arrays it builds (scales, seasonality, holidays, holdout)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trafficlib.errors import TrafficDataError
from trafficlib.mix.design import fourier, holiday_counts, prepare

CHANNELS = ["search", "tv"]


def table(n: int = 60, freq: str = "7D", start: str = "2024-01-01") -> pd.DataFrame:
    """n periods: search always on, tv on every third period (5,000), revenue, a promo flag."""
    r = np.random.default_rng(0)
    f = pd.DataFrame({"date": pd.date_range(start, periods=n, freq=freq)})
    f["search"] = r.uniform(1000, 2000, n).round(2)
    f["tv"] = np.where(np.arange(n) % 3 == 0, 5000.0, 0.0)
    f["revenue"] = r.uniform(20000, 30000, n).round(2)
    f["promo"] = (np.arange(n) % 7 == 0) * 1.0
    return f


def error(frame, channels=CHANNELS, **kw) -> TrafficDataError:
    with pytest.raises(TrafficDataError) as info:
        prepare(frame, "revenue", channels, where="mix.csv", **kw)
    return info.value


# ---- errors --------------------------------------------------------------------------------------

def test_gap_in_the_weeks_names_the_gap():
    e = error(table().drop(index=10))  # week of 2024-03-11 missing
    assert e.column == "date" and e.file == "mix.csv"
    assert "consecutive" in str(e) and "none missing" in str(e)
    assert "a gap of 14 days after 2024-03-04" in str(e)


def test_gap_after_the_first_week_names_the_right_week():
    e = error(table().drop(index=1))  # 2024-01-08 missing: a 14-day gap after 2024-01-01
    assert "a gap of 14 days after 2024-01-01" in str(e)


def test_daily_gap():
    e = error(table(200, "D").drop(index=50))
    assert "a gap of 2 days after 2024-02-19" in str(e)


def test_monthly_periods_are_refused():
    e = error(table(40, "MS"))
    assert e.column == "date" and "consecutive days or consecutive weeks" in str(e)


def test_duplicated_week():
    f = table()
    f.loc[5, "date"] = f.loc[4, "date"]
    e = error(f)
    assert e.column == "date"
    assert "the period 2024-01-29 appears twice" in str(e)


def test_duplicated_week_names_its_lines():
    f = table()
    f.loc[5, "date"] = f.loc[4, "date"]
    assert error(f).rows == [6, 7]


def test_text_in_a_spend_column_names_column_and_line():
    f = table()
    f["tv"] = f["tv"].astype(object)
    f.loc[5, "tv"] = "abc"  # data row 5 = line 7 of the file (header on line 1)
    e = error(f)
    assert e.column == "tv" and e.rows == [7]
    assert str(e) == "mix.csv, column 'tv', line 7: a value that is not a number: 'abc'"


def test_line_numbers_are_the_files_even_when_rows_are_not_in_date_order():
    f = table().iloc[::-1].reset_index(drop=True)  # newest first, as many exports are
    f["search"] = f["search"].astype(object)
    f.loc[3, "search"] = "voir note"  # line 5 of this file
    e = error(f)
    assert e.column == "search" and e.rows == [5]
    assert "'voir note'" in str(e)


def test_text_in_the_outcome():
    f = table()
    f["revenue"] = f["revenue"].astype(object)
    f.loc[0, "revenue"] = "n/a"
    e = error(f)
    assert e.column == "revenue" and e.rows == [2] and "'n/a'" in str(e)


def test_negative_spend():
    f = table()
    f.loc[12, "search"] = -50.0
    e = error(f)
    assert e.column == "search" and e.rows == [14]
    assert "a negative spend" in str(e)


def test_negative_outcome():
    f = table()
    f.loc[20, "revenue"] = -1.0
    e = error(f)
    assert e.column == "revenue" and e.rows == [22]
    assert "a negative outcome" in str(e)


def test_outcome_zero_everywhere():
    f = table()
    f["revenue"] = 0.0
    e = error(f)
    assert e.column == "revenue" and "zero in every period" in str(e)


def test_missing_outcome_value_is_an_error():
    f = table()
    f.loc[7, "revenue"] = np.nan
    e = error(f)
    assert e.column == "revenue" and e.rows == [9]


def test_too_few_weeks():
    e = error(table(38))
    assert "38 periods" in str(e) and "at least 39 weeks" in str(e)
    prepare(table(39), "revenue", CHANNELS)  # 39 is enough


def test_too_few_days():
    e = error(table(179, "D"))
    assert "179 periods" in str(e) and "at least 180 days" in str(e)


def test_channel_that_never_spends():
    f = table()
    f["radio"] = 0.0
    e = error(f, channels=["search", "tv", "radio"])
    assert e.column == "radio" and "spent nothing" in str(e) and "leave it out" in str(e)


def test_channel_on_in_fewer_than_four_weeks():
    f = table()
    f["radio"] = 0.0
    f.loc[[3, 9, 30], "radio"] = 800.0
    e = error(f, channels=["search", "tv", "radio"])
    assert e.column == "radio" and "fewer than 4 periods" in str(e)
    f.loc[40, "radio"] = 800.0  # 4 weeks on: accepted
    d = prepare(f, "revenue", ["search", "tv", "radio"])
    assert d.channels == ["search", "tv", "radio"]


def test_unknown_channel_or_control_column():
    e = error(table(), channels=["search", "radio"])
    assert e.column == "radio" and "no column 'radio'" in str(e)
    e = error(table(), controls=["price"])
    assert e.column == "price" and "no column 'price'" in str(e)


def test_missing_column_hint_lists_only_the_files_columns():
    e = error(table(), controls=["price"])
    assert "_line" not in str(e)


def test_no_channel_and_no_date_column():
    with pytest.raises(TrafficDataError, match="no channel to model"):
        prepare(table(), "revenue", [])
    e = error(table().rename(columns={"date": "when"}).assign(when=lambda f: f["when"].astype(str)))
    assert e.column == "date" and "no 'date' column" in str(e)
    two = table().assign(week=lambda f: f["date"]).rename(columns={"date": "day"})
    e = error(two)
    assert "several could be: day, week" in str(e)


def test_the_periods_found_without_a_date_column():
    """A column named like a period (week, semaine, ds...), a date index or the one
    datetime column stand for ``date``."""
    base = prepare(table(), "revenue", ["search", "tv"])
    for frame in (table().rename(columns={"date": "week"}), table().rename(columns={"date": "Semaine"}),
                  table().set_index("date"), table().rename(columns={"date": "when"})):
        got = prepare(frame, "revenue", ["search", "tv"])
        assert (got.dates == base.dates).all() and np.allclose(got.y, base.y)


def test_unreadable_date_names_the_line():
    f = table()
    f["date"] = f["date"].dt.strftime("%Y-%m-%d").astype(object)
    f.loc[3, "date"] = "not a date"
    e = error(f)
    assert e.column == "date" and e.rows == [5]
    assert "a date that cannot be read" in str(e)


def test_french_day_first_dates_are_read():
    f = table()
    f["date"] = f["date"].dt.strftime("%d/%m/%Y")
    d = prepare(f, "revenue", CHANNELS)
    assert d.dates[2] == pd.Timestamp("2024-01-15")


# ---- shapes and arrays ---------------------------------------------------------------------------------

def test_weekly_design_arrays():
    f = table()
    d = prepare(f, "revenue", CHANNELS, controls=["promo"])
    T = len(f)
    assert d.freq == "W" and d.l_max == 8 and d.periods_per_year == pytest.approx(365.25 / 7)
    assert d.spend.shape == d.media.shape == (T, 2)
    assert d.spend == pytest.approx(f[CHANNELS].to_numpy())
    # outcome divided by its mean; media by the channel's mean spend when on (tv: 5,000 when on)
    assert d.y_scale == pytest.approx(f["revenue"].mean())
    assert d.y.mean() == pytest.approx(1.0)
    assert d.scale == pytest.approx([f["search"].mean(), 5000.0])
    assert set(np.unique(d.media[:, 1])) == {0.0, 1.0}
    assert d.per_spend == pytest.approx([1.0, 1.0])
    # the control is standardized
    assert d.control_names == ["promo"]
    assert d.controls[:, 0].mean() == pytest.approx(0.0, abs=1e-12)
    assert d.controls[:, 0].std() == pytest.approx(1.0)
    assert d.train.all() and d.notes == []


def test_rows_are_put_in_date_order():
    f = table()
    d = prepare(f.iloc[::-1], "revenue", CHANNELS)
    assert d.dates.is_monotonic_increasing
    assert d.spend[:, 0] == pytest.approx(f["search"].to_numpy())


def test_impressions_drive_the_media_and_per_spend_converts():
    f = table()
    f["search_impressions"] = f["search"] * 40  # 40 impressions per euro
    f["tv_impressions"] = f["tv"] * 100
    d = prepare(f, "revenue", CHANNELS, media="impressions")
    assert d.per_spend == pytest.approx([40.0, 100.0])
    assert d.scale == pytest.approx([f["search"].mean() * 40, 500000.0])
    assert d.spend == pytest.approx(f[CHANNELS].to_numpy())  # ROI still divides by spend
    with pytest.raises(ValueError, match="media"):
        prepare(f, "revenue", CHANNELS, media="clicks")


def test_daily_detection():
    d = prepare(table(200, "D"), "revenue", CHANNELS)
    assert d.freq == "D" and d.l_max == 28 and d.periods_per_year == pytest.approx(365.25)
    # 200 days < a year: no yearly terms, but the day of the week (3 sin/cos pairs at a 7-day period)
    assert d.season.shape == (200, 6)
    assert d.season[:, :2] == pytest.approx(fourier(np.arange(200.0), 7.0, 1))
    assert "less than a year" in " ".join(d.notes)
    d = prepare(table(400, "D"), "revenue", CHANNELS)
    assert d.season.shape == (400, 2 + 6)  # 400 days = 1.1 years: order 1 yearly + weekday


def test_holdout_mask():
    d = prepare(table(), "revenue", CHANNELS, holdout=8)
    assert (~d.train).sum() == 8
    assert not d.train[-8:].any() and d.train[:-8].all()
    with pytest.raises(ValueError, match="holdout"):
        prepare(table(), "revenue", CHANNELS, holdout=16)  # more than a quarter of 60 weeks
    with pytest.raises(ValueError, match="holdout"):
        prepare(table(), "revenue", CHANNELS, holdout=-1)


@pytest.mark.parametrize("weeks,order", [(104, 2), (92, 2), (91, 1), (53, 1), (52, 0), (40, 0)])
def test_seasonality_auto_orders(weeks, order):
    # a year is 365.25 / 7 = 52.18 weeks: order 2 from 1.75 years (91.3 weeks), order 1 from a year
    d = prepare(table(weeks), "revenue", CHANNELS)
    assert d.season.shape == (weeks, 2 * order)
    assert ("less than a year of data: no yearly seasonality in the model" in d.notes) == (order == 0)


def test_seasonality_given_order_and_fourier_values():
    d = prepare(table(), "revenue", CHANNELS, seasonality=3)
    assert d.season.shape == (60, 6)
    assert prepare(table(), "revenue", CHANNELS, seasonality=0).season.shape == (60, 0)
    # first pair: sin and cos of 2*pi*t/52.18 (t in weeks)
    p = 365.25 / 7
    assert d.season[0, :2] == pytest.approx([0.0, 1.0])
    assert d.season[13, 0] == pytest.approx(np.sin(2 * np.pi * 13 / p))
    assert d.season[13, 5] == pytest.approx(np.cos(2 * np.pi * 3 * 13 / p))


def test_fr_holidays_hand_checked():
    weeks = pd.DatetimeIndex(["2024-05-06",   # Wed 8 May (Victoire 1945) + Thu 9 May (Ascension 2024): 2
                              "2024-12-16",   # none
                              "2024-12-23",   # Wed 25 Dec (Noël); 26 Dec is a holiday in Alsace-Moselle only: 1
                              "2024-12-30",   # Wed 1 Jan 2025: 1
                              "2025-04-21",   # Easter Monday 21 Apr 2025: 1
                              "2025-07-14"])  # Mon 14 Jul: 1
    assert holiday_counts(weeks, "W", "FR") == pytest.approx([2, 0, 1, 1, 1, 1])
    days = pd.DatetimeIndex(["2024-12-24", "2024-12-25", "2024-12-26"])
    assert holiday_counts(days, "D", "fr") == pytest.approx([0, 1, 0])


def test_holidays_enter_as_a_standardized_control():
    f = table(60, start="2024-11-04")  # covers Christmas 2024 and the spring 2025 holidays
    d = prepare(f, "revenue", CHANNELS, controls=["promo"], holidays="fr")
    assert d.control_names == ["promo", "holidays (FR)"]
    h = holiday_counts(d.dates, "W", "FR")
    assert d.controls[:, 1] == pytest.approx((h - h.mean()) / h.std())
    christmas = list(d.dates).index(pd.Timestamp("2024-12-23"))
    assert h[christmas] == 1


def test_constant_control_left_out_with_a_note():
    f = table()
    f["price"] = 20.0
    d = prepare(f, "revenue", CHANNELS, controls=["price", "promo"])
    assert d.control_names == ["promo"]
    assert d.controls.shape == (60, 1)
    assert "control 'price' is the same in every period: left out" in d.notes


def test_constant_decimal_control_left_out():
    f = table()
    f["price"] = 19.9
    d = prepare(f, "revenue", CHANNELS, controls=["price", "promo"])
    assert d.control_names == ["promo"]
    assert "control 'price' is the same in every period: left out" in d.notes


def test_trend_flag():
    assert not prepare(table(), "revenue", CHANNELS, trend=False).trend.any()
    t = prepare(table(), "revenue", CHANNELS).trend
    assert t[-1] - t[0] == pytest.approx(1.0) and (np.diff(t) > 0).all()  # a straight line over the periods


def test_blank_control_is_an_error_but_blank_spend_is_zero():
    f = table()
    f.loc[9, "promo"] = np.nan
    e = error(f, controls=["promo"])
    assert e.column == "promo" and e.rows == [11] and "without a value" in str(e)
    f = table()
    f.loc[9, "search"] = np.nan  # ad reports leave idle weeks blank
    d = prepare(f, "revenue", CHANNELS)
    assert d.spend[9, 0] == 0.0


def test_a_single_period():
    e = error(table().iloc[:1])
    assert e.column == "date" and "one period" in str(e)


def test_french_written_numbers_are_read():
    f = table()
    f["search"] = [f"{v:,.2f}".replace(",", " ").replace(".", ",") for v in f["search"]]  # '1 234,56'
    f["revenue"] = [f"{v:.2f}".replace(".", ",") for v in f["revenue"]]
    d = prepare(f, "revenue", CHANNELS)
    assert d.spend[:, 0] == pytest.approx(table()["search"].to_numpy())
    assert d.y_scale == pytest.approx(table()["revenue"].mean())
