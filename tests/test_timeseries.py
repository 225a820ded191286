"""Public holidays named for dates (holidays package), and on the anomalies of a real
five-year daily series of a US site (../shared/data/web/ga_daily_sessions.csv)."""
from __future__ import annotations

import pandas as pd
import pytest

from trafficlib import TrafficDataError, timeseries
from trafficlib.timeseries import holiday_names


def test_french_holidays_by_default_in_french_or_english():
    days = pd.Series(pd.to_datetime(["2026-12-25", "2026-07-14", "2026-07-15", "2026-04-06", None]),
                     index=[10, 11, 12, 13, 14])
    fr = holiday_names(days)
    assert list(fr.index) == [10, 11, 12, 13, 14]
    assert fr[10] == "Noël" and fr[11] == "Fête nationale" and fr[13] == "Lundi de Pâques"
    assert pd.isna(fr[12]) and pd.isna(fr[14])
    en = holiday_names(days, lang="en")
    assert en[10] == "Christmas Day" and en[13] == "Easter Monday"


def test_country_region_lists_and_errors():
    assert holiday_names(["2025-11-27"], country="US")[0] == "Thanksgiving Day"        # 4th Thursday
    assert pd.isna(holiday_names(["2025-11-27"], country="FR")[0])
    assert pd.isna(holiday_names(["2025-12-26"], country="FR")[0])                     # not in France...
    assert holiday_names(["2025-12-26"], country="FR", subdiv="57")[0]                 # ...but in Moselle
    assert holiday_names(["2026-07-03 15:30"], country="us")[0] == "Independence Day (observed)"
    with pytest.raises(TrafficDataError, match="XX"):
        holiday_names(["2025-01-01"], country="XX")


def test_us_site_drops_on_thanksgiving_and_christmas_are_named(shared_dir):
    raw = pd.read_csv(shared_dir / "data" / "web" / "ga_daily_sessions.csv", parse_dates=["Date"])
    series = raw.set_index("Date")["Target"].asfreq("D")
    flagged = timeseries.anomalies(series, holidays_country="US")
    drops = flagged[flagged["direction"] == "drop"].set_index("date")
    for year in range(2016, 2021):
        thanksgiving = pd.Timestamp(year, 11, 1) + pd.offsets.WeekOfMonth(week=3, weekday=3)  # 4th Thursday
        assert drops.loc[thanksgiving, "holiday"] == "Thanksgiving Day", year
    for year in (2017, 2018, 2019, 2020):  # Christmas 2016 was a Sunday, already quiet
        assert drops.loc[pd.Timestamp(year, 12, 25), "holiday"] == "Christmas Day", year
    # named drops are holidays, the others are not: the rule can now tell them apart
    named = drops["holiday"].notna()
    assert named.sum() >= 20
    assert drops.loc[~named].index.map(lambda d: (d.month, d.day) not in {(12, 25), (1, 1), (7, 4)}).all()
    # spikes are never public holidays on this site
    assert flagged.loc[flagged["direction"] == "spike", "holiday"].isna().all()
    # without a country the columns are unchanged
    assert "holiday" not in timeseries.anomalies(series).columns
