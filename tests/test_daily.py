"""Plain daily series (Date + one metric) through sources.load: the real five-year series
of ../shared (Date, Target) and files written here in the layouts people keep."""
from __future__ import annotations

import pandas as pd
import pytest

from trafficlib import TrafficDataError, sources


def test_real_daily_series_is_taken_as_sessions(shared_dir):
    path = shared_dir / "data" / "web" / "ga_daily_sessions.csv"
    e = sources.load(path)
    assert e.kind == "daily_series" and e.table == "web_cube" and e.dimensions == ("date",)
    raw = pd.read_csv(path)
    assert list(e.frame.columns) == ["date", "sessions"] and len(e.frame) == len(raw) == 1827
    assert e.frame["sessions"].sum() == pytest.approx(raw["Target"].sum())
    assert e.period == (pd.Timestamp("2016-01-01"), pd.Timestamp("2020-12-31"))
    assert any("'Target'" in n and "taken as sessions" in n for n in e.notes)
    assert e.columns == {"Date": "date", "Target": "sessions"}


def write(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return path


def test_named_metrics_locales_and_gaps(tmp_path):
    e = sources.load(write(tmp_path / "a.csv", 'Date,Sessions\n20250301,120\n20250302,"1,234"\n20250304,98\n'))
    assert e.kind == "daily_series" and list(e.frame["sessions"]) == [120, 1234, 98]
    assert list(e.frame["date"]) == list(pd.to_datetime(["2025-03-01", "2025-03-02", "2025-03-04"]))
    assert any("1 day(s)" in n and "absent" in n for n in e.notes)
    assert not any("taken as sessions" in n for n in e.notes)
    fr = sources.load(write(tmp_path / "b.csv", "Jour;Visites\n02/03/2025;1 234\n01/03/2025;980\n", "cp1252"))
    assert fr.kind == "daily_series" and list(fr.frame["sessions"]) == [980, 1234]  # sorted by date
    users = sources.load(write(tmp_path / "c.csv", "Date,Active users\n2025-03-01,50\n2025-03-02,60\n"))
    assert list(users.frame.columns) == ["date", "users"]
    assert any("not additive" in n for n in users.notes)
    rev = sources.load(write(tmp_path / "d.csv", "date,revenue\n2025-03-01,1234.50\n2025-03-02,99.99\n"))
    assert rev.frame["revenue"].tolist() == [1234.5, 99.99]


def test_xlsx_daily_series(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ds", "y"])
    for d, v in (("2025-01-01", 10), ("2025-01-02", 12.0), ("2025-01-03", 9)):
        ws.append([pd.Timestamp(d).to_pydatetime(), v])
    wb.save(tmp_path / "series.xlsx")
    e = sources.load(tmp_path / "series.xlsx")
    assert e.kind == "daily_series" and e.frame["sessions"].tolist() == [10, 12, 9]


def test_other_layouts_go_to_other_readers(tmp_path):
    ga4 = write(tmp_path / "ga4.csv", "# ----------------------------------------\n# Property: Shop\n"
                "# Start date: 20250301\n# End date: 20250302\n# ----------------------------------------\n"
                "Date,Sessions\n20250301,120\n20250302,130\n")
    assert sources.load(ga4).kind == "ga4/report"
    cost = write(tmp_path / "cost.csv", "Date,Cost\n2025-03-01,12.5\n2025-03-02,13\n")
    try:
        assert sources.load(cost).kind != "daily_series"
    except TrafficDataError:
        pass
    three = write(tmp_path / "three.csv", "Date,Sessions,Users\n2025-03-01,12,10\n")
    assert sources.load(three).kind != "daily_series"


def test_bad_files_name_column_and_line(tmp_path):
    with pytest.raises(TrafficDataError) as err:
        sources.load(write(tmp_path / "dup.csv", "Date,Sessions\n2025-03-01,1\n2025-03-02,2\n2025-03-01,3\n"))
    assert err.value.column == "Date" and err.value.rows == [2, 4]
    with pytest.raises(TrafficDataError) as err:
        sources.load(write(tmp_path / "neg.csv", "Date,Sessions\n2025-03-01,1\n2025-03-02,-2\n"))
    assert err.value.column == "Sessions" and err.value.rows == [3]
    with pytest.raises(TrafficDataError) as err:
        sources.load(write(tmp_path / "nan.csv", "Date,Target\n" + "".join(
            f"2025-03-{d:02d},{'abc' if d == 5 else d}\n" for d in range(1, 21))))
    assert err.value.column == "Target" and err.value.rows == [6] and "nan.csv" in str(err.value)
