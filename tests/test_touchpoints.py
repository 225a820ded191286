"""Touchpoint logs under the header names real attribution datasets, CDPs and ad servers
use, read into the canonical touchpoints table with the conversions and their value
right (files written here in those layouts, invented ids and numbers; the specimen of
../shared read in place)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from trafficlib import TrafficDataError, sources
from trafficlib.attribution import paths_from_touchpoints

SPECIMENS = Path(__file__).resolve().parents[2] / "shared" / "specimens"

# The public multi-touch attribution dataset layout: one row per impression or
# conversion, ISO-8601 UTC times, CRLF, no newline after the last row, rows grouped by
# customer but not in time order (a conversion may come before impressions).
ATTRIBUTION = "\r\n".join([
    "customer_id,time,interaction,conversion,conversion_value,channel",
    "C001,2024-03-05T10:00:00Z,conversion,1,12.5,Facebook",
    "C001,2024-03-01T09:00:00Z,impression,0,0,Paid Search",
    "C001,2024-03-04T08:30:00Z,impression,0,0,Facebook",
    "C002,2024-03-02T12:00:00Z,impression,0,0,Online Video",
    "C002,2024-03-03T12:00:00Z,impression,0,0,Instagram",
    "C003,2024-03-10T18:00:00Z,impression,0,0,Instagram",
    "C003,2024-03-11T19:00:00Z,conversion,1,8,Instagram",
])


def write(path: Path, text: str, encoding="utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_attribution_dataset_layout(tmp_path):
    e = sources.load(write(tmp_path / "attribution_data.csv", ATTRIBUTION))
    assert (e.kind, e.table) == ("canonical/touchpoints", "touchpoints")
    fr = e.frame
    assert len(fr) == 7 and e.totals is None and e.period is None
    assert fr["user_id"].tolist()[:3] == ["C001"] * 3
    assert fr["timestamp"].iloc[0] == pd.Timestamp("2024-03-05 10:00:00")  # 'Z' read as UTC, kept naive
    assert int(fr["conversions"].sum()) == 2 and int(fr["impressions"].sum()) == 5
    assert fr["conversion_value"].sum() == pytest.approx(20.5)
    assert e.columns["customer_id"] == "user_id" and e.columns["time"] == "timestamp"
    assert e.meta["users"] == 3 and e.meta["dates"] == (pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-11"))
    assert any("time order" in n for n in e.notes)  # C001's conversion is listed first
    # the attribution reads it in time order: C001 converts after Paid Search > Facebook
    paths = paths_from_touchpoints(fr, lookback_days=30)
    assert paths["conversions"].sum() == 2 and paths["value"].sum() == pytest.approx(20.5)
    assert "Paid Search > Facebook > Facebook" in set(paths["path"])


def test_cookie_layout_utf8_bom_and_clicks(tmp_path):
    text = ("cookie,time,interaction,conversion,conversion_value,channel\n"
            "00A1,2018-07-03T13:02:11Z,impression,0,0,Facebook\n"
            "00A1,2018-07-05T08:00:00Z,click,0,0,Facebook\n"
            "00A1,2018-07-06T09:00:00Z,conversion,1,4.5,Paid Search\n")
    e = sources.load(write(tmp_path / "log.csv", "\ufeff" + text))
    assert e.kind == "canonical/touchpoints"
    assert e.frame[["impressions", "clicks", "conversions"]].sum().tolist() == [1, 1, 1]


def test_source_medium_and_boolean_flags(tmp_path):
    text = ("user_id,timestamp,source,medium,converted,revenue\n"
            "u1,2025-01-02 10:00:00,google,cpc,False,0\n"
            "u1,2025-01-03 11:00:00,newsletter,email,True,59.90\n"
            "u2,2025-01-03 12:00:00,google,organic,no,\n")
    e = sources.load(write(tmp_path / "touches.csv", text))
    assert e.kind == "canonical/touchpoints"
    assert e.frame["channel"].tolist() == ["google / cpc", "newsletter / email", "google / organic"]
    assert e.frame["conversion"].tolist() == [0, 1, 0]
    assert e.frame["conversion_value"].sum() == pytest.approx(59.9)
    assert any("source / medium" in n for n in e.notes)


def test_visitor_id_datetime_yes_no(tmp_path):
    text = ("visitor_id;datetime;channel;conversion;value\n"
            "v9;03/01/2025 09:15;Display;non;0\n"
            "v9;04/01/2025 10:00;Direct;oui;120,50\n")
    e = sources.load(write(tmp_path / "parcours.csv", text, "cp1252"))
    assert e.frame["timestamp"].tolist() == list(pd.to_datetime(["2025-01-03 09:15", "2025-01-04 10:00"]))
    assert e.frame["conversion"].tolist() == [0, 1] and e.frame["conversion_value"].tolist() == [0, 120.5]


def test_bad_conversion_flag_names_column_and_line(tmp_path):
    text = "customer_id,time,channel,conversion\nc1,2024-01-01,Email,0\nc1,2024-01-02,Email,maybe\n"
    with pytest.raises(TrafficDataError) as err:
        sources.load(write(tmp_path / "bad.csv", text))
    assert err.value.column == "conversion" and err.value.rows == [3] and "bad.csv" in str(err.value)


def test_disagreeing_event_type_is_noted(tmp_path):
    text = ("customer_id,time,interaction,conversion,conversion_value,channel\n"
            "c1,2024-01-01T00:00:00Z,conversion,0,0,Email\nc1,2024-01-02T00:00:00Z,impression,0,0,Email\n")
    e = sources.load(write(tmp_path / "odd.csv", text))
    assert any("disagree" in n for n in e.notes) and int(e.frame["conversions"].sum()) == 0


@pytest.mark.skipif(not (SPECIMENS / "touchpoints").is_dir(), reason="../shared/specimens is absent")
def test_touchpoints_specimen():
    import yaml

    spec = yaml.safe_load((SPECIMENS / "specimens.yml").read_text(encoding="utf-8"))
    exp = next(s for s in spec["specimens"] if s["file"] == "touchpoints/attribution_data.csv")["expected"]
    e = sources.load(SPECIMENS / "touchpoints" / "attribution_data.csv")
    fr = e.frame
    assert len(fr) == exp["rows"] and fr["user_id"].nunique() == exp["customers"]
    assert int(fr["conversions"].sum()) == exp["totals"]["conversions"]
    assert int(fr["impressions"].sum()) == exp["totals"]["impressions"]
    assert fr["conversion_value"].sum() == pytest.approx(exp["totals"]["conversion_value"])
    assert sorted(fr["channel"].unique()) == exp["channels"]
    assert [f"{d:%Y-%m-%d}" for d in e.meta["dates"]] == exp["dates"] and e.period is None


def test_event_log_without_conversion_column(tmp_path):
    """The event type alone says which rows convert."""
    text = ("cookie,time,interaction,conversion_value,channel\n"
            "a1,2024-05-01T10:00:00Z,impression,0,Facebook\n"
            "a1,2024-05-02T10:00:00Z,conversion,30,Facebook\n"
            "b2,2024-05-02T11:00:00Z,impression,0,Paid Search\n")
    e = sources.load(write(tmp_path / "events_log.csv", text))
    assert e.kind == "canonical/touchpoints"
    assert e.frame["conversion"].tolist() == [0, 1, 0] and int(e.frame["impressions"].sum()) == 2
    assert e.frame["conversion_value"].sum() == 30
    assert any("no conversion column" in n for n in e.notes)


def test_sources_read_touchpoints_takes_the_log_readers_synonyms_and_flags(tmp_path):
    """sources.read(path, "touchpoints") (what the attribution report's folder reading
    uses) reads True/False flags and header synonyms as load does."""
    from trafficlib import sources

    f = tmp_path / "touchpoints.csv"
    f.write_text("cookie,datetime,source,medium,converted,revenue\n"
                 "u1,2026-01-01 10:00:00,google,cpc,False,0\n"
                 "u1,2026-01-02 11:00:00,newsletter,email,True,42.5\n", encoding="utf-8")
    t = sources.read(f, "touchpoints")
    assert t["conversion"].tolist() == [0, 1] and t["conversion_value"].sum() == 42.5
    assert t["channel"].tolist() == ["google / cpc", "newsletter / email"]
