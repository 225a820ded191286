"""Spreadsheets everywhere: every reader takes .xlsx (python-calamine, openpyxl as the
fallback), a named worksheet can be chosen, SEMrush workbooks included."""
from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from trafficlib import TrafficDataError, sources
from trafficlib.readers import _sheet
from trafficlib.readers import marketdata as md


def _csv_to_xlsx(csv_path, xlsx_path, sheet="Sheet1", above=()):
    import csv

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for line in above:
        ws.append([line])
    with open(csv_path, encoding="utf-8-sig") as fh:
        for row in csv.reader(fh, delimiter=","):
            ws.append([_typed(c) for c in row])
    wb.save(xlsx_path)
    return xlsx_path


def _typed(cell):
    try:
        return float(cell) if "." in cell else int(cell)
    except ValueError:
        return cell


def test_semrush_position_tracking_workbook_reads_like_the_csv(demo_dir, tmp_path):
    x = _csv_to_xlsx(demo_dir / "semrush_position_tracking.csv", tmp_path / "Position tracking.xlsx",
                     sheet="Rankings Overview")
    a, b = md.read_rankings(demo_dir / "semrush_position_tracking.csv"), md.read_rankings(x)
    assert len(a) == len(b) > 0
    pd.testing.assert_series_equal(a["position"].reset_index(drop=True), b["position"].reset_index(drop=True),
                                   check_dtype=False)
    assert sources.load(x).kind == "rankings/positions"


def test_named_sheet_and_a_clear_error_for_a_missing_one(demo_dir, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["nothing to see"])
    ws = wb.create_sheet("Devices")
    ws.append(["Device category", "Sessions", "Engaged sessions"])
    ws.append(["mobile", 120, 80])
    ws.append(["desktop", 80, 60])
    f = tmp_path / "book.xlsx"
    wb.save(f)
    e = sources.load(f, sheet="devices")
    assert e.kind == "ga4/report" and e.frame["sessions"].tolist() == [120, 80]
    with pytest.raises(TrafficDataError, match="no sheet named 'Countries'.*Notes, Devices"):
        _sheet.sheets(f, sheet="Countries")


def test_canonical_table_from_xlsx_keeps_line_numbers_for_errors(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["date", "term", "interest"])
    ws.append(["2026-01-04", "lampe", 40])
    ws.append(["2026-01-11", "lampe", 140])
    f = tmp_path / "trends.xlsx"
    wb.save(f)
    with pytest.raises(TrafficDataError) as info:
        sources.read(f, "trends")
    assert info.value.rows == [3] and info.value.column == "interest"


def test_openpyxl_is_the_fallback(monkeypatch, tmp_path):
    import builtins

    real = builtins.__import__

    def no_calamine(name, *a, **k):
        if name == "python_calamine":
            raise ImportError(name)
        return real(name, *a, **k)

    wb = openpyxl.Workbook()
    wb.active.append(["Date", "Sessions"])
    wb.active.append(["20261001", 12])
    f = tmp_path / "d.xlsx"
    wb.save(f)
    monkeypatch.setattr(builtins, "__import__", no_calamine)
    assert _sheet.sheets(f)[0].rows == [["20261001", "12"]]


def test_plain_number_columns_take_the_fast_path_with_the_same_values():
    """A column of plain numbers skips the locale rules; the values are those the rules
    give (the same column with one "n/a" more goes through them)."""
    import numpy as np
    import pandas as pd

    from trafficlib.readers._numbers import numbers
    from trafficlib.schema import parse_number

    rng = np.random.default_rng(7)
    columns = [
        pd.Series(rng.integers(-5, 10**6, 200).astype(str), dtype="string"),
        pd.Series(rng.integers(0, 10**4, 50).astype(str)),                     # object dtype
        pd.Series(rng.random(40) * 1000),                                       # floats (xlsx cells)
        pd.Series(["1.234", "12.5", "3"]),                                      # decimal points
        pd.Series(["1,234", "12"]), pd.Series(["12%", "3"]), pd.Series(["1 234", "5"]),
    ]
    for col in columns:
        slow_input = pd.concat([col.astype("string"), pd.Series(["n/a"], dtype="string")], ignore_index=True)
        for kw in ({}, {"integer": True}, {"decimal": ","}, {"decimal": "."}, {"percent": True}):
            fast, bad = numbers(col, **kw)
            slow, slow_bad = numbers(slow_input, **kw)
            assert np.allclose(fast.to_numpy(), slow.to_numpy()[:-1], equal_nan=True), (col.tolist()[:3], kw)
            assert bad.tolist() == slow_bad.tolist()[:-1]
        fast, bad = parse_number(col)
        slow, slow_bad = parse_number(slow_input)
        assert np.allclose(fast.to_numpy(), slow.to_numpy()[:-1], equal_nan=True) and not bad.any()


def test_columns_of_plain_decimals_read_as_the_locale_rules_read_them():
    """numbers' one-mark shortcut (``"0.5812"``, ``"1,234.56"``, ``"83,63"``,
    ``"1 234,5"``) gives what the full rules give, for every option, on decimals of every
    length (three decimals alone are ambiguous: the shortcut leaves those to the rules),
    with signs, whole numbers and thousands grouped by the other mark or by spaces."""
    import numpy as np
    import pandas as pd

    from trafficlib.readers import _numbers
    from trafficlib.readers._numbers import _by_rules, durations, numbers

    rng = np.random.default_rng(11)
    columns = []
    for mark in (".", ","):
        for digits in ((1, 2), (2,), (3,), (4, 5), (1, 3), (3, 4)):
            vals = []
            for _ in range(int(rng.integers(1, 60))):
                whole = str(int(rng.integers(-999, 100_000)))
                d = int(rng.choice(digits))
                if rng.random() < 0.4 and len(whole.lstrip("-")) > 3:  # thousands grouped
                    sign, digits_ = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
                    head = len(digits_) % 3 or 3
                    other = rng.choice(["," if mark == "." else ".", " ", "\u00a0", "\u202f"])
                    whole = sign + digits_[:head] + "".join(other + digits_[i:i + 3] for i in range(head, len(digits_), 3))
                vals.append(whole if rng.random() < 0.2 else f"{whole}{mark}{int(rng.integers(0, 10 ** d)):0{d}d}")
            columns.append(pd.Series(vals))
    columns += [pd.Series(["0.5812", "83.63", "1"]), pd.Series(["12,5", "-3,25", "+7"]), pd.Series(["1.234"]),
                pd.Series(["1,234.56", "419.99", "12,345"]), pd.Series(["1.234,5", "7", "12.345"]),
                pd.Series(["1,234", "567"]), pd.Series(["1.234.567", "8"]), pd.Series(["1\u00a0234", "5"]),
                pd.Series(["1\u202f234,5", "12"]), pd.Series(["1 234.567", "8"]), pd.Series(["1 234.5", "8"]),
                # rates with % (Search Console, ad platforms, GA4 in French): every cell or none
                pd.Series(["3,88 %", "5,56\u00a0%", "42,67 %"]), pd.Series(["12.5%", "3%", "0.04%"]),
                pd.Series(["1 234,5 %", "2 %"]), pd.Series(["3 %", "4"]), pd.Series(["1.234%", "5%"]),
                pd.Series(["3,5  %", "4 %"])]
    shortcut = 0
    for col in columns:
        for kw in ({}, {"integer": True}, {"decimal": ","}, {"decimal": "."}, {"percent": True}, {"percent": False}):
            got, bad = numbers(col, **kw)
            want, want_bad = _by_rules(col, kw.get("decimal"), kw.get("integer", False), kw.get("percent"))
            assert np.allclose(got.to_numpy(), want.to_numpy(), equal_nan=True, rtol=0, atol=0), (col.tolist()[:4], kw)
            assert bad.tolist() == want_bad.tolist()
        shortcut += _numbers._one_mark(col, None) is not None
        secs, bad = durations(col)  # seconds written as plain numbers: read as numbers
        want, want_bad = numbers(col)
        assert np.array_equal(secs.to_numpy(), want.to_numpy(), equal_nan=True) and bad.tolist() == want_bad.tolist()
    assert 0 < shortcut < len(columns)  # both ways were exercised


def test_dates_read_the_same_from_iso_text_from_days_and_from_any_layout():
    """The ISO-days shortcut and Parquet DATE cells give what the general date parse
    gives the same days written as text."""
    import datetime as dt

    import numpy as np
    import pandas as pd

    from trafficlib.readers._numbers import yyyymmdd_or_dates
    from trafficlib.schema import parse_dates

    days = pd.date_range("2025-12-25", periods=40, freq="D")
    iso = pd.Series(days.strftime("%Y-%m-%d"))
    slashed = pd.Series(days.strftime("%d/%m/%Y"))
    for with_time in (False, True):
        a, bad_a = parse_dates(iso, with_time)
        b, bad_b = parse_dates(slashed, with_time)
        c, bad_c = parse_dates(pd.Series([d.date() for d in days], dtype=object), with_time)
        assert a.tolist() == b.tolist() == c.tolist() == list(days) and not (bad_a.any() or bad_b.any() or bad_c.any())
    with_gaps = pd.Series(["2026-01-31", "", None, "2026-02-30"], dtype="string")
    got, bad = parse_dates(with_gaps, False)
    assert got[0] == pd.Timestamp("2026-01-31") and got[1:].isna().all() and bad.tolist() == [False, False, False, True]
    d, bad = yyyymmdd_or_dates(pd.Series([dt.date(2026, 1, 5), dt.date(2026, 1, 6)], dtype=object))
    assert d.tolist() == [pd.Timestamp("2026-01-05"), pd.Timestamp("2026-01-06")] and not bad.any()
    d, _ = yyyymmdd_or_dates(pd.Series(["20260105", "2026-01-06"]))
    assert np.array_equal(d.to_numpy(), np.array(["2026-01-05", "2026-01-06"], dtype="datetime64[ns]"))
