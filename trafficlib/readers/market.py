"""Market exports through the registry: Google Trends, Similarweb-style traffic and
rank trackers (SEMrush Position Tracking, Ahrefs, long tables). The reading itself is
:mod:`trafficlib.readers.marketdata`; this module only recognises the files from their
headers and preamble, so :func:`trafficlib.sources.load`, ``trafficlib inspect`` and
``trafficlib auto`` find them whatever their names. (Google Ads Auction Insights is read
by :mod:`trafficlib.readers.google_ads`.)
"""
from __future__ import annotations

import re

import pandas as pd

from trafficlib import schema
from trafficlib.readers import marketdata as md
from trafficlib.readers.registry import Export, Probe, Reader, register

__all__ = ["is_trends", "is_similarweb", "is_rankings", "MARKET_KINDS"]

_ISO_PERIOD = re.compile(r"^\s*\d{4}-\d{2}(-\d{2})?(\s+-\s+\d{4}-\d{2}-\d{2})?\s*$")


def _header(probe: Probe) -> list[str]:
    if not probe.is_text:
        return []
    return [h for h in probe.sheets[0].header if h] if probe.sheets else []


def _keys(headers) -> set[str]:
    return {schema.normalize_header(h) for h in headers}


def is_trends(probe: Probe) -> bool:
    """A Google Trends download: a first column of periods (headed Week / Semaine /
    週 / Monat... in any interface language, or holding ISO months or days), then
    either a 'Category:' line above the table (``类别：所有类别``, ``Catégorie : ...``) or
    only series headed ``term: (Region)`` (full-width ``：（）`` too)."""
    h = _header(probe)
    if len(h) < 2:
        return False
    sheet = probe.sheets[0]
    firsts = [r[0] for r in sheet.rows[:50] if r and r[0].strip()]
    dated = bool(firsts) and all(_ISO_PERIOD.match(c) for c in firsts)
    if md.trends_step(h[0]) is None and not dated:
        return False
    category = any(md.TRENDS_CATEGORY.match(ln) for ln in sheet.preamble)
    terms = [x for x in h[1:] if schema.normalize_header(x) != "ispartial"]
    if category or (terms and all(md.is_trends_term(x) for x in terms)):
        return True
    return md.trends_step(h[0]) is not None and dated and _trends_scale(sheet, terms)


def _trends_scale(sheet, terms: list[str]) -> bool:
    """The 2025 download ('"Time","term 1","term 2"', no category line, no region) and
    files whose category line was cut: every value a whole number 0-100 or '<1', and
    100 reached (Trends scales each download to its highest point), under headers that
    name no web metric (a 'Date,Sessions' series of a small site stays a daily series)."""
    from trafficlib.readers.daily import _GENERIC, METRIC_NAMES

    if not terms or any(schema.normalize_header(t) in METRIC_NAMES or schema.normalize_header(t) in _GENERIC
                        for t in terms):
        return False
    top = -1
    for row in sheet.rows[:500]:
        for cell in row[1:len(terms) + 1]:
            c = cell.strip()
            if md.BELOW_ONE.match(c):
                continue
            if not c.isdigit() or int(c) > 100:
                return False
            top = max(top, int(c))
    return top == 100


def is_similarweb(probe: Probe) -> bool:
    """A traffic estimate per domain and month: a domain column, a month or date column
    and visits (Similarweb and look-alikes)."""
    k = _keys(_header(probe))
    return bool(k & {"domain", "domaine", "site", "website"}) and bool(
        k & {"visits", "visites", "total_visits", "visites_totales"}) and bool(
        k & {"date", "month", "mois", "period", "periode"})


def is_rankings(probe: Probe) -> bool:
    """A rank-tracking export: SEMrush Position Tracking columns (``*.domain/*_YYYYMMDD``),
    Ahrefs' 'Current position', a keyword list with one '<competitor> Ranking' column
    each, or keyword + position columns (SEMrush Organic Positions) without the clicks
    and impressions of a Search Console table."""
    h = _header(probe)
    if any(md._SEMRUSH.match(c) for c in h):
        return True
    k = _keys(h)
    kw = bool(k & {"keyword", "mot_cle", "mots_cles", "requete", "query"})
    if not kw or k & {"clicks", "clics", "impressions", "impr", "cost", "cout"}:
        return False
    return bool(k & {"current_position", "position", "rank", "pos", "classement"}) or bool(md._competitor_columns(h))


def _notes(table: str, frame: pd.DataFrame) -> list[str]:
    """What a user must know about a market table as read (plain words)."""
    a = frame.attrs
    out = []
    if table == "trends":
        out.append("interest is relative: 100 is the highest point of these terms in this download, "
                   "so two downloads are not comparable")
        if a.get("below_one"):
            out.append(f"{a['below_one']} cell(s) '<1' (above zero, below one) read as 0.5 and flagged in "
                       "below_one: leave them out of sums")
        if a.get("quoted"):
            out.append("searched in quotes (exact phrase): " + ", ".join(a["quoted"]))
    if table == "rankings":
        if a.get("not_ranked"):
            out.append(f"{a['not_ranked']} keyword x domain cell(s) not ranking ('-', empty, '> 100') left out")
        if a.get("keywords_unranked"):
            out.append(f"{a['keywords_unranked']} of the {a['keywords']} keywords listed rank for no domain "
                       "(no row for them)")
    return out


def _reader(kind: str, table: str, test, read, describe: str) -> Reader:
    def recognise(probe: Probe) -> bool:
        return test(probe)

    def load(probe: Probe) -> Export:
        frame = read(probe.path)
        period = None
        notes: list[str] = []
        dates = next((c for c in ("date", "period") if c in frame), None)
        if dates and len(frame) and frame[dates].notna().any():
            period = (pd.Timestamp(frame[dates].min()), pd.Timestamp(frame[dates].max()))
            notes.append("period taken from the first and last date in the data (the file states no range)")
        dims = tuple(c for c in ("date", "period", "domain", "keyword", "term") if c in frame)
        meta = {k: v for k, v in frame.attrs.items() if k not in ("file", "table", "line_numbers", "notes")}
        if table == "competitors":
            notes.append("estimates from a market-intelligence panel, not measured traffic")
        notes.extend(frame.attrs.get("notes", ()))
        return Export(path=probe.file, kind=kind, table=table, frame=frame, period=period, dimensions=dims,
                      columns={c: c for c in frame.columns}, notes=notes + _notes(table, frame), meta=meta)

    return Reader(kind, table, recognise, load, priority=26, describe=describe)


MARKET_KINDS = {
    "trends/interest": _reader("trends/interest", "trends", is_trends, md.read_trends,
                               "Google Trends download (multiTimeline.csv) in any interface language, CJK included; '<1' flagged"),
    "similarweb/traffic": _reader("similarweb/traffic", "competitors", is_similarweb, md.read_similarweb,
                                  "Similarweb-style traffic per domain and month"),
    "rankings/positions": _reader("rankings/positions", "rankings", is_rankings, md.read_rankings,
                                  "rank tracking: SEMrush Position Tracking and Organic Positions, keyword lists with one "
                                  "'<competitor> Ranking' column each, Ahrefs organic keywords (UTF-16 too), long tables"),
}
for _r in MARKET_KINDS.values():
    register(_r)
