"""Every layout specimen of ../shared/specimens read with sources.load, checked against
what specimens.yml says a correct reader must find (rows, totals, period, the file's own
total row, figures never to present as totals).

The specimens reproduce the layouts of real exports (encodings, preambles, total rows,
number formats, quirks) with invented numbers; they are read in place and this module
skips, saying why, when ../shared is absent. ../shared/tools/check_specimens.py prints
the same verdicts for a person; this test asserts them (and a little more).
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

from trafficlib import sources
from trafficlib.errors import TrafficDataError
from trafficlib.readers.registry import reference_total

SPEC = Path(__file__).resolve().parents[1].parent / "shared" / "specimens"
if not (SPEC / "specimens.yml").exists():
    pytest.skip(f"the layout specimens are not here ({SPEC}): ../shared is absent", allow_module_level=True)

ITEMS = yaml.safe_load((SPEC / "specimens.yml").read_text(encoding="utf-8"))["specimens"]

# Families the kit must read (a refusal is a failure), as the shared checker counts them.
MUST_READ = ("ga4_ui/", "ga360_ua/", "daily_series/", "search_console/", "google_ads/", "trends/fr_monthly/",
             "trends/it_monthly/", "trends/mixed_locale_weekly/", "meta/", "rank_tracker/", "touchpoints/")
# Files no report reads: a clear refusal is allowed (and reading them is fine too).
MAY_REFUSE = ("google_ads/per_store_report.csv", "search_console/en/Filters.csv", "search_console/fr/Filtres.csv", "trends/searched_with", "leads_crm/")
ROW_FAMILIES = ("ga4_ui/", "search_console/", "google_ads/", "meta/")
METRICS = {
    "impressions": ["impressions"], "clicks": ["clicks"], "cost": ["cost"], "spent": ["cost"],
    "conversions": ["conversions"], "interactions": ["interactions"], "views": ["pageviews", "views"],
    "event_count": ["event_count"], "key_events": ["conversions"], "total_users": ["users", "total_users"],
    "conv_value": ["conversion_value", "revenue"], "conversion_value": ["conversion_value", "revenue"],
    "total_revenue": ["revenue"], "revenue": ["revenue"], "transactions": ["transactions"],
    "total_conversion": ["conversions"],
}


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(0.011, abs(b) * 1e-6)


def _numbers(series) -> list[float]:
    return [float(v) for v in pd.to_numeric(series, errors="coerce").dropna()]


def _must_read(rel: str) -> bool:
    return rel.startswith(MUST_READ) and not rel.startswith(MAY_REFUSE)


@pytest.fixture(scope="module")
def loaded():
    """Each specimen loaded once: the Export, or the TrafficDataError it raised."""
    out = {}
    for item in ITEMS:
        try:
            out[item["file"]] = sources.load(SPEC / item["file"])
        except Exception as exc:  # noqa: BLE001 - a crash is reported by the test of that file
            out[item["file"]] = exc
    return out


@pytest.mark.parametrize("item", ITEMS, ids=[i["file"] for i in ITEMS])
def test_specimen_is_read_as_specimens_yml_says(item, loaded):
    rel, exp = item["file"], item.get("expected") or {}
    got = loaded[rel]
    if isinstance(got, Exception) and not isinstance(got, TrafficDataError):
        pytest.fail(f"crash: {type(got).__name__}: {got}")
    if isinstance(got, TrafficDataError):
        assert not _must_read(rel), f"refused: {got}"
        # a refusal is one readable line naming the file
        assert Path(rel).name in str(got)
        return
    e = got
    fr = e.frame
    if rel.startswith(ROW_FAMILIES) and isinstance(exp.get("rows"), int):
        assert e.rows == exp["rows"], f"{e.rows} data rows, expected {exp['rows']} (total rows must not be data)"
    for name, want in (exp.get("totals") or {}).items():
        cols = METRICS.get(name)
        if not cols or isinstance(want, bool) or not isinstance(want, (int, float)):
            continue
        col = next((c for c in cols if c in fr.columns or (e.totals is not None and c in e.totals.columns)), None)
        assert col is not None, f"{name}: no {'/'.join(cols)} column"
        got_sum = sum(_numbers(fr[col])) if col in fr.columns else math.nan
        got_tot = _numbers(e.totals[col]) if e.totals is not None and col in e.totals.columns else []
        assert _close(got_sum, want) or any(_close(t, want) for t in got_tot), \
            f"{name}: rows sum to {got_sum:,.2f}, file totals {got_tot[:4]}, expected {want:,}"
    for name, want in (exp.get("data_row_sums") or {}).items():
        col = next((c for c in METRICS.get(name, [name]) if c in fr.columns), None)
        if col is not None:
            assert _close(sum(_numbers(fr[col])), want), f"data rows of {name}: {sum(_numbers(fr[col]))} vs {want}"
    # the file's own total for its rows is the one the reader takes as such
    if exp.get("own_total_row"):
        ref = reference_total(e)
        assert ref is not None and "label" in ref.index and ref["label"] == exp["own_total_row"], \
            f"the rows' own total should be '{exp['own_total_row']}'"
    # every total row the file states is kept, with its figures
    for label, figures in (exp.get("file_totals") or {}).items():
        assert e.totals is not None and "label" in e.totals.columns, "the file's total rows are not kept"
        rows = e.totals[e.totals["label"] == label]
        assert len(rows) == 1, f"total row '{label}' not kept (labels: {list(e.totals['label'])})"
        for name, want in figures.items():
            col = next((c for c in METRICS.get(name, [name]) if c in rows.columns), None)
            if col is not None and not isinstance(want, bool) and isinstance(want, (int, float)):
                assert _close(float(rows[col].iloc[0]), want), f"'{label}' {name}: {rows[col].iloc[0]} vs {want}"
    # figures that must never be presented as totals (summed users)
    for name, bad in (exp.get("must_not_show") or {}).items():
        metric = name.replace("_row_sum", "")
        cols = METRICS.get(metric, [metric]) + ([metric] if metric not in METRICS else [])
        for col in cols:
            if e.totals is not None and col in e.totals.columns:
                assert not any(_close(t, bad) for t in _numbers(e.totals[col])), f"{name} {bad} shown as a total"
    # the period the file states
    if isinstance(exp.get("period"), list) and (rel.startswith(("ga4_ui/", "google_ads/")) or "Dates" in rel):
        assert e.period is not None, "the period the file states was not read"
        assert [f"{d:%Y-%m-%d}" for d in e.period] == exp["period"]
    # load never hands out rows that contradict the file's own total
    assert e.reconciled is not False


def test_no_specimen_crashes_and_the_checker_agrees(loaded):
    """Every specimen is read or refused with a TrafficDataError (no other exception),
    and no file the kit must read is refused."""
    crashed = [rel for rel, got in loaded.items() if isinstance(got, Exception) and not isinstance(got, TrafficDataError)]
    refused = [rel for rel, got in loaded.items() if isinstance(got, TrafficDataError) and _must_read(rel)]
    assert crashed == [] and refused == []
