"""The file-identity cache that lets a batch worker parse an input once for many reports."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from trafficlib import filecache


@pytest.fixture(autouse=True)
def _empty_cache():
    filecache.clear()
    yield
    filecache.clear()


@dataclass
class Parsed:
    frame: pd.DataFrame
    notes: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)


def _touch_later(f: Path) -> None:
    st = f.stat()
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))


def test_by_files_reads_a_folder_once_until_a_file_changes_or_appears(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "a.csv").write_text("x\n1\n")
    calls = []

    @filecache.by_files("path")
    def read_folder(path, scale=1):
        calls.append(scale)
        files = sorted(Path(path).glob("*.csv"))
        return Parsed(pd.concat([pd.read_csv(f) for f in files], ignore_index=True) * scale, ["read"])

    first = read_folder(folder)
    assert read_folder(folder).frame.equals(first.frame) and len(calls) == 1
    read_folder(folder, scale=2)                      # other arguments: computed again
    assert len(calls) == 2
    (folder / "b.csv").write_text("x\n5\n")           # a new file in the folder
    assert read_folder(folder).frame["x"].tolist() == [1, 5]
    _touch_later(folder / "a.csv")                    # a file rewritten (new mtime)
    read_folder(folder)
    assert len(calls) == 4
    (folder / ".hidden").write_text("ignored")        # hidden files are not inputs
    read_folder(folder)
    assert len(calls) == 4


def test_callers_get_copies_they_may_change(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("x\n1\n2\n")

    @filecache.by_files("path")
    def parse(path):
        return Parsed(pd.read_csv(path), ["one note"], {"total": pd.Series([3])})

    got = parse(f)
    got.frame.loc[0, "x"] = 99
    got.frame["y"] = 0
    got.notes.append("caller's note")
    got.totals["total"].iloc[0] = -1
    again = parse(f)
    assert again.frame["x"].tolist() == [1, 2] and "y" not in again.frame
    assert again.notes == ["one note"] and again.totals["total"].iloc[0] == 3


def test_errors_and_missing_files_are_never_cached(tmp_path):
    calls = []

    @filecache.by_files("path")
    def parse(path):
        calls.append(1)
        if not Path(path).exists():
            raise FileNotFoundError(path)
        if Path(path).read_text() == "bad":
            raise ValueError("bad file")
        return pd.read_csv(path)

    with pytest.raises(FileNotFoundError):
        parse(tmp_path / "none.csv")
    f = tmp_path / "a.csv"
    f.write_text("bad")
    for _ in range(2):
        with pytest.raises(ValueError):
            parse(f)
    assert len(calls) == 3


def test_the_cache_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(filecache, "MAX_ENTRIES", 3)
    files = []
    for i in range(5):
        files.append(tmp_path / f"{i}.csv")
        files[-1].write_text(f"x\n{i}\n")
    for f in files:
        filecache.cached(f, "t", lambda f=f: pd.read_csv(f))
    assert len(filecache._STORE) == 3


def test_search_console_folder_is_parsed_once_per_worker(tmp_path, monkeypatch):
    from trafficlib.readers import search_console as sc

    folder = tmp_path / "gsc"
    folder.mkdir()
    (folder / "Dates.csv").write_text("Date,Clicks,Impressions,CTR,Position\n2026-10-01,10,100,10%,3.5\n"
                                      "2026-10-02,20,200,10%,4.5\n")
    calls = []
    real = sc.read_table
    monkeypatch.setattr(sc, "read_table", lambda probe: calls.append(1) or real(probe))
    first = sc.load_performance(folder)
    second = sc.load_performance(folder)
    assert len(calls) == 1
    assert second.tables["dates"].equals(first.tables["dates"])
    assert second.tables["dates"]["clicks"].sum() == 30


def test_pure_steps_are_computed_once_per_argument_content():
    calls = []

    @filecache.by_content
    def spend_by_campaign(frame, min_cost=0.0):
        calls.append(1)
        t = frame.groupby("campaign", as_index=False)["cost"].sum()
        return t[t["cost"] >= min_cost]

    frame = pd.DataFrame({"campaign": ["a", "b", "a"], "cost": [1.0, 2.0, 3.0]})
    first = spend_by_campaign(frame)
    again = spend_by_campaign(frame.copy())                      # equal content, another object
    assert len(calls) == 1 and again.equals(first)
    again.loc[0, "cost"] = -1                                    # a caller's edit stays with the caller
    assert spend_by_campaign(frame)["cost"].tolist() == [4.0, 2.0]
    changed = frame.copy()
    changed.loc[1, "cost"] = 2.5                                 # one cell differs: computed again
    assert spend_by_campaign(changed)["cost"].tolist() == [4.0, 2.5]
    spend_by_campaign(frame, min_cost=3.0)                       # another argument: computed again
    spend_by_campaign(frame[["cost", "campaign"]])               # columns reordered: another key
    assert len(calls) == 4


def test_content_keys_see_values_order_names_and_types():
    base = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    key = filecache.content_key
    assert key(base) == key(base.copy())
    assert key(base) != key(base.iloc[::-1])                      # row order
    assert key(base) != key(base.rename(columns={"b": "c"}))      # column names
    assert key(base) != key(base.astype({"a": "float64"}))        # dtypes
    assert key({"x": 1}) != key({"x": "1"})                       # types of plain values
    with pytest.raises(filecache.Unkeyable):
        key(object())

    @filecache.by_content
    def count(thing):
        return len(thing.__dict__)

    assert count(type("T", (), {})()) == 0                       # unkeyable argument: just computed
