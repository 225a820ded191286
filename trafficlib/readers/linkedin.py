"""LinkedIn Campaign Manager exports (Campaign Performance / Creative Performance reports).

Campaign Manager's "Export" writes a title line (``Campaign Performance Report (in UTC)``),
a range line (``Report Start: 09/01/2026, Report End: 09/30/2026``, US month/day/year),
a blank line, then the header: ``Start Date (in UTC)``, ``Account Name``, ``Currency``,
``Campaign Group Name``, ``Campaign Name``, ``Campaign ID``, ``Creative Name``,
``Campaign Type``, ``Total Spent``, ``Impressions``, ``Clicks``, ``Clicks to Landing
Page``, ``Click Through Rate``, ``Average CPM``, ``Average CPC``, ``Reach`` /
``Approximate Member Reach``, ``Average Frequency``, ``Conversions``, ``Leads``,
``Cost per Conversion``, ``Total Conversion Value``... (headers seen in public code
reading these downloads, e.g. a LinkedIn upload route mapping ``Start Date (in UTC)``,
``Campaign Group Name``, ``Total Spent``, ``Approximate Member Reach`` / ``Reach``,
``Average Frequency``, and a test fixture of the report with its ``Total`` row).

Read into the ``ad_spend`` grain: the clicks are ``Clicks to Landing Page`` when the file
has them (LinkedIn's ``Clicks`` also count clicks on the company page, the logo, "see
more": kept as ``clicks_all``), else ``Clicks`` (said in the notes); ``Leads`` are the
conversions when there is no ``Conversions`` column; the currency is the ``Currency``
column's. Each row covers its ``Start Date`` day with a daily time granularity, its
month with a monthly one (clipped to the report's range), the whole range with "All"
(one row per campaign starting on the report's first day). Ratios (CTR, CPM, CPC,
frequency, cost per conversion) are recomputed, never read; reach is not additive.
"""
from __future__ import annotations

import dataclasses
import re

import pandas as pd

from trafficlib.readers import _adreport as ar
from trafficlib.readers._social import keys_of, read_renamed
from trafficlib.readers.registry import Export, Probe, Reader, register

__all__ = ["read_linkedin", "recognise", "PLATFORM"]

PLATFORM = "LinkedIn Ads"
KIND = "linkedin/campaign_manager"
_MARKERS = ar._k("Start Date (in UTC)", "Campaign Group Name", "Campaign Group ID", "Total Spent", "Clicks to Landing Page",
                 "Approximate Member Reach", "Average Frequency", "Creative Name", "Total Engagements",
                 "Total Social Actions", "Cost per Lead", "Lead Form Opens", "Viral Impressions")
_TITLE = re.compile(r"^\s*\"?(campaign|creative|campaign group|account|conversion|demographics?) performance report",
                    re.IGNORECASE)
_RANGE = re.compile(r"report start:?\s*(\d{1,2})/(\d{1,2})/(\d{4}).*?report end:?\s*(\d{1,2})/(\d{1,2})/(\d{4})",
                    re.IGNORECASE)

SYNONYMS = {ar.key(k): v for k, v in {
    "Start Date (in UTC)": "Day", "Account Name": "Account name", "Campaign Name": "Campaign name",
    "Creative Name": "Ad name", "Campaign Type": "Campaign type", "Total Spent": "Cost", "Amount Spent": "Cost",
    "Clicks to Landing Page": "Link clicks", "Approximate Member Reach": "Reach", "Reach": "Reach",
    "Average Frequency": "Frequency", "Total Conversion Value": "Conversion value", "Currency": "Currency code",
    "Click Through Rate": "CTR", "Average CPM": "Avg. CPM", "Average CPC": "Avg. CPC",
    "Cost per Conversion": "Cost / conv.", "Cost per Lead": "Cost per result",
}.items()}


def recognise(probe: Probe) -> bool:
    if not probe.is_text or not probe.sheets:
        return False
    sheet = ar.best_sheet(probe)
    keys = keys_of(sheet)
    titled = any(_TITLE.match(ln) or _RANGE.search(ln) for ln in _lines_above(probe))
    return (titled or bool(keys & _MARKERS)) and bool(keys & ar._k("Total Spent", "Amount Spent", "Impressions"))


def _us_day(text: str) -> str:
    """'9/1/2026' (LinkedIn's month/day/year) as '2026-09-01'; anything else unchanged."""
    m = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", text)
    return f"{m[3]}-{int(m[1]):02d}-{int(m[2]):02d}" if m else text


def _lines_above(probe: Probe) -> list[str]:
    """Every line above the table, as text: the range line ``Report Start: 09/01/2026,
    Report End: 09/30/2026`` holds a comma, so the file splitter may take it for a
    small table of its own."""
    out, best = [], ar.best_sheet(probe).header
    for s in probe.sheets:
        if ar.fix_sheet(s).header == best:
            out += s.preamble
            break
        out += s.preamble + [", ".join(s.header)] + [", ".join(r) for r in s.rows]
    return out


def _stated_range(probe: Probe):
    """(first day, last day) from ``Report Start: M/D/YYYY, Report End: M/D/YYYY``, or None."""
    for ln in _lines_above(probe):
        m = _RANGE.search(ln)
        if m:
            return pd.Timestamp(int(m[3]), int(m[1]), int(m[2])), pd.Timestamp(int(m[6]), int(m[4]), int(m[5]))
    return None


def read_linkedin(probe: Probe | str, period=None) -> Export:
    """Read a LinkedIn Campaign Manager export into an ``ad_spend`` :class:`Export`
    (money in the ``Currency`` column's currency; see module doc)."""
    if not isinstance(probe, Probe):
        probe = Probe(probe)
    sheet = ar.best_sheet(probe)
    pre = ar.preamble_of(probe, sheet)
    stated = _stated_range(probe)
    keys = keys_of(sheet)
    synonyms = dict(SYNONYMS)
    notes = []
    if ar.key("Clicks to Landing Page") in keys:
        synonyms[ar.key("Clicks")] = "Clicks (all)"
    elif ar.key("Clicks") in keys:
        notes.append("no 'Clicks to Landing Page' column: clicks are LinkedIn's 'Clicks', which also count clicks "
                     "on the company page, the logo and 'see more' (more than the visits they bring)")
    if ar.key("Conversions") not in keys and ar.key("Leads") in keys:
        synonyms[ar.key("Leads")] = "Conversions"
        notes.append("conversions are LinkedIn's 'Leads' (lead-form submissions): the file has no 'Conversions'")
    start = next((i for i, h in enumerate(sheet.header) if ar.key(h) == ar.key("Start Date (in UTC)")), None)
    if start is not None:  # LinkedIn writes days month first: read them as such, never as day/month
        rows = [[_us_day(c) if j == start else c for j, c in enumerate(r)] for r in sheet.rows]
        sheet = dataclasses.replace(sheet, rows=rows)
    exp = read_renamed(sheet, synonyms, probe.file, PLATFORM, KIND, preamble=[ln for ln in pre if not _RANGE.search(ln)],
                       period=period)
    exp.notes = notes + exp.notes
    f = exp.frame
    if stated is not None:
        exp.period = stated
        exp.notes = [n for n in exp.notes if not n.startswith("period taken from")]
        if "date" in f and f["date"].notna().all():
            days = f["date"].drop_duplicates()
            if len(days) == 1 and days.iloc[0] == stated[0] and stated[1] > stated[0]:
                f["date_end"] = stated[1]  # time granularity "All": one row per campaign for the whole range
                exp.meta["segment"] = "period"
                exp.notes.append("each row covers the report's whole range (time granularity 'All')")
            elif (f["date"].dt.day == 1).all() and len(days) > 1 and (days.diff().dropna() > pd.Timedelta(days=27)).all():
                f["date_end"] = (f["date"] + pd.offsets.MonthEnd(0)).clip(upper=stated[1])
                f["date"] = f["date"].clip(lower=stated[0])
                exp.meta["segment"] = "month"
                exp.notes.append("each row covers its month (time granularity 'Monthly'), clipped to the report's range")
    if "reach" in f and f["reach"].notna().any():
        exp.notes.append("reach is not additive: summed over rows it counts a member once per row")
    return exp


register(Reader(KIND, "ad_spend", recognise, read_linkedin, priority=16,
                describe="LinkedIn Campaign Manager export (campaign or creative performance report, CSV or xlsx)"))
