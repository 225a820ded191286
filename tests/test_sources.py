"""Readers and validation: French/English exports load; bad files get one clear error."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from trafficlib import TrafficDataError, schema, sources

DATA = Path(__file__).parent / "data"

# file, table, fragments the message must contain (file name always checked too)
BAD = [
    ("empty.csv", "ad_spend", ["empty"]),
    ("header_only.csv", "ad_spend", ["no data rows"]),
    ("missing_cost.csv", "ad_spend", ["missing required column", "'cost'", "column 'cost'"]),
    ("bad_date.csv", "ad_spend", ["column 'date'", "line 4", "hier"]),
    ("bad_number.csv", "ad_spend", ["column 'clicks'", "line 3", "douze"]),
    ("negative_cost.csv", "ad_spend", ["column 'cost'", "line 3", "negative"]),
    ("duplicated_keys.csv", "ad_spend", ["same key", "lines 2, 4"]),
    ("ragged.csv", "ad_spend", ["line 3", "expected 5 fields"]),
    ("rate_over_100.csv", "auction_insights", ["Taux d'impressions", "line 3", "rate outside"]),
    ("interest_over_100.csv", "trends", ["column 'interest'", "line 3", "above 100"]),
    ("duplicate_session_id.csv", "sessions", ["same key", "lines 2, 4"]),
    ("fractional_count.csv", "ad_spend", ["column 'clicks'", "whole numbers", "line 2"]),
    ("empty_required.csv", "ad_spend", ["column 'campaign'", "empty value", "line 2"]),
    ("not_parquet.parquet", "ad_spend", ["not a readable Parquet file"]),
    ("binary_garbage.csv", "ad_spend", []),
]


@pytest.mark.parametrize("name,table,fragments", BAD, ids=[b[0] for b in BAD])
def test_bad_file_gets_one_clear_error(name, table, fragments):
    path = DATA / "bad" / name
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(TrafficDataError) as info:
        sources.read(path, table)
    msg = str(info.value)
    assert name in msg, msg
    for frag in fragments:
        assert frag in msg, f"{frag!r} not in {msg!r}"
    assert "Traceback" not in msg and "\n" not in msg
    # input files are never modified
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_missing_file_and_unknown_table():
    with pytest.raises(TrafficDataError, match="file not found"):
        sources.read(DATA / "nope.csv", "ad_spend")
    with pytest.raises(TrafficDataError, match="unknown table"):
        sources.read(DATA / "good" / "ad_spend_en_bom.csv", "nonsense")


def test_french_latin1_semicolon_decimal_comma():
    df = sources.read(DATA / "good" / "ad_spend_fr_latin1.csv", "ad_spend")
    assert list(df["date"]) == [pd.Timestamp("2026-01-05"), pd.Timestamp("2026-01-06")]  # dd/mm/yyyy
    assert df["campaign"].iloc[0] == "Soldes d'hiver été"  # cp1252 decoded
    assert df["impressions"].tolist() == [1234, 2001]  # "1 234" thousands separator
    assert df["cost"].tolist() == [78.90, 81.05]
    assert df["conversions"].tolist() == [3.0, 2.5]
    assert df["conversion_value"].tolist() == [245.5, 199.0]
    assert df.attrs["file"].endswith("ad_spend_fr_latin1.csv")


def test_english_utf8_bom_with_quoted_thousands():
    df = sources.read(DATA / "good" / "ad_spend_en_bom.csv", "ad_spend")
    assert df.loc[0, "impressions"] == 1234
    assert df.loc[0, "campaign"] == "Winter sale"
    assert df.loc[0, "conversion_value"] == 245.5


def test_title_lines_above_the_header():
    """Google Ads puts a report title and a date range above a ';' header."""
    df = sources.read(DATA / "good" / "google_ads_title_lines.csv", "ad_spend")
    assert df["cost"].tolist() == [1.5, 2.5]
    assert df["date"].tolist() == [pd.Timestamp("2026-01-05"), pd.Timestamp("2026-01-06")]


def test_tab_separated():
    df = sources.read(DATA / "good" / "trends_tab.tsv", "trends")
    assert df["interest"].tolist() == [80.0, 0.0]
    assert df["term"].iloc[0] == "maison lumiere"


@pytest.mark.parametrize("text,expected", [
    ("1234.5", 1234.5), ("1 234,5", 1234.5), ("1\u202f234,5", 1234.5), ("1.234,5", 1234.5),
    ("1,234.5", 1234.5), ("12,3 %", 12.3), ("€1,234.50", 1234.5), ("1 234,50 €", 1234.5),
    ("0,5", 0.5), ("-3", -3.0), ("1,234,567", 1234567.0),
])
def test_parse_number(text, expected):
    values, bad = schema.parse_number(pd.Series([text]))
    assert not bad.any()
    assert values.iloc[0] == pytest.approx(expected)


def test_parse_dates_french_iso_and_month_first():
    fr, bad = schema.parse_dates(pd.Series(["05/01/2026", "31/12/2025"]), with_time=False)
    assert not bad.any() and fr.tolist() == [pd.Timestamp("2026-01-05"), pd.Timestamp("2025-12-31")]
    us, _ = schema.parse_dates(pd.Series(["01/05/2026", "12/31/2025"]), with_time=False)
    assert us.tolist() == [pd.Timestamp("2026-01-05"), pd.Timestamp("2025-12-31")]  # 31 proves month-first
    iso, _ = schema.parse_dates(pd.Series(["2026-01-05T10:30:00Z", "20260105"]), with_time=True)
    assert iso.tolist() == [pd.Timestamp("2026-01-05 10:30"), pd.Timestamp("2026-01-05")]


def test_rates_are_fractions_whatever_the_export():
    frame = pd.DataFrame({"period": ["2026-01-01"] * 3, "domain": ["a", "b", "c"],
                          "impression_share": ["45,2 %", "10 %", "5 %"]})
    out = schema.validate(frame, "auction_insights")
    assert out["impression_share"].tolist() == pytest.approx([0.452, 0.10, 0.05])
    plain = schema.validate(frame.assign(impression_share=[45.2, 10, 5]), "auction_insights")
    assert plain["impression_share"].tolist() == pytest.approx([0.452, 0.10, 0.05])
    frac = schema.validate(frame.assign(impression_share=[0.452, 0.1, 0.05]), "auction_insights")
    assert frac["impression_share"].tolist() == pytest.approx([0.452, 0.10, 0.05])


def test_headers_normalized_and_canonical_dtypes():
    assert schema.normalize_header("Coût (€)") == "cout"
    assert schema.normalize_header("Groupe d'annonces") == "groupe_d_annonces"
    frame = pd.DataFrame({"Jour": ["2026-01-01"], "Campagne": ["x"], "Impr.": ["10"], "Clics": ["1"],
                          "Coût": ["0,5"], "extra col": ["kept"]})
    out = schema.validate(frame, "ad_spend")
    assert list(out.columns[:4]) == ["date", "platform", "campaign", "ad_group"]
    assert out["impressions"].dtype == "Int64" and out["cost"].dtype == np.float64
    assert out["date"].dtype == "datetime64[ns]"
    assert out["extra col"].iloc[0] == "kept"


def test_source_headers_ride_along_without_being_copied():
    """The renamed columns' original headers stay in ``attrs`` through later operations,
    as one read-only mapping that pandas' copies of ``attrs`` share (not a new dict per
    operation)."""
    import copy

    raw = pd.DataFrame({"Jour": ["2026-01-01"], "Coût": ["0,5"]})
    renamed = schema._rename(raw, "ad_spend", "x.csv")
    headers = renamed.attrs["source_headers"]
    assert headers == {"date": "Jour", "cost": "Coût"}
    assert renamed[["cost"]].attrs["source_headers"] is headers and copy.deepcopy(headers) is headers
    with pytest.raises(TypeError):
        headers["cost"] = "Montant"
    import pickle

    assert pickle.loads(pickle.dumps(renamed)).attrs["source_headers"] == headers  # frames still pickle


def test_demo_tables_validate(demo_dir):
    for table in ("sessions", "ad_spend"):
        df = sources.read_folder(demo_dir, table)
        assert len(df) > 100


def test_repeated_reads_are_cached_copies_and_see_file_changes(tmp_path):
    import os

    f = tmp_path / "ads.csv"
    f.write_text("date,campaign,impressions,clicks,cost\n2026-01-01,a,10,1,1.5\n")
    first = sources.read(f, "ad_spend")
    first.loc[0, "cost"] = 999.0  # a report editing its frame must not affect the next
    again = sources.read(f, "ad_spend")
    assert again.loc[0, "cost"] == 1.5
    f.write_text("date,campaign,impressions,clicks,cost\n2026-01-01,a,10,1,2.5\n2026-01-02,a,10,1,3.5\n")
    os.utime(f, ns=(first.attrs.get("mtime", 0) + 10**9, f.stat().st_mtime_ns + 10**9))
    changed = sources.read(f, "ad_spend")
    assert changed["cost"].tolist() == [2.5, 3.5]


def test_heavy_intermediates_are_computed_once_per_file_identity(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("a\n1\n")
    calls = []

    def compute():
        calls.append(1)
        return pd.DataFrame({"a": [1]})

    first = sources.cached(f, "test", compute, 30)
    second = sources.cached(f, "test", compute, 30)
    assert len(calls) == 1 and second.equals(first)
    second.loc[0, "a"] = 99                       # a caller's edit does not reach the next caller
    assert sources.cached(f, "test", compute, 30).loc[0, "a"] == 1
    sources.cached(f, "test", compute, 60)        # other parameters: computed again
    f.write_text("a\n1\n2\n")                     # the file changed: computed again
    sources.cached(f, "test", compute, 30)
    assert len(calls) == 3


def test_multi_megabyte_field_is_one_clear_line_for_every_entry_point(tmp_path):
    f = tmp_path / "big.csv"
    f.write_text('Campaign,Impr.,Clicks,Cost\nA,10,1,"' + "x" * 3_000_000 + '"\nB,5,1,1.0\n', encoding="utf-8")
    for call in (lambda: sources.load(f), lambda: sources.read(f, "ad_spend"), lambda: sources.read_raw(f)):
        with pytest.raises(TrafficDataError, match=r"big\.csv.*malformed CSV"):
            call()


@pytest.mark.parametrize("text,enc", [
    ("クエリ,クリック数,表示回数\n緑茶 通販,12,340\n抹茶,5,120\n", "cp932"),
    ("查询,点击次数,展示次数\n绿茶,12,340\n抹茶粉,5,120\n", "gb18030"),
    ("검색어,클릭수,노출수\n녹차,12,340\n말차,5,120\n", "cp949"),
])
def test_east_asian_excel_saves_are_decoded(text, enc):
    """A Japanese, Chinese or Korean export re-saved by Excel in its ANSI code page."""
    from trafficlib.sources import decode

    got, used = decode(text.encode(enc))
    assert got == text and used == enc


@pytest.mark.parametrize("text", ["Requêtes;Clics;Coût\nthé glacé;12;3,50\nété;5;1,20\n",
                                  "Suchanfrage;Klicks\nGrüner Tee;12\nMüsli;5\nÄpfel;3\n",
                                  "Consulta;Clics\nté verde;12\nañejo;5\nacción;3\n"])
def test_western_ansi_files_stay_cp1252(text):
    from trafficlib.sources import decode

    got, used = decode(text.encode("cp1252"))
    assert got == text and used == "cp1252"
