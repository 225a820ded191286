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

_TERM = re.compile(r"^.+:\s*\([^)]*\)\s*$")  # "maison lumiere: (France)"


def _header(probe: Probe) -> list[str]:
    if not probe.is_text:
        return []
    return [h for h in probe.sheets[0].header if h] if probe.sheets else []


def _keys(headers) -> set[str]:
    return {schema.normalize_header(h) for h in headers}


def is_trends(probe: Probe) -> bool:
    """A Google Trends download: a period header in any interface language, then terms
    written ``term: (Region)`` (or a 'Category:' line above)."""
    h = _header(probe)
    if len(h) < 2:
        return False
    first = md._ascii(h[0]).strip().lower()
    category = any(re.match(r"^(category|cat[eé]gor|kategorie)", md._ascii(ln), re.IGNORECASE)
                   for ln in probe.sheets[0].preamble)
    return first in md._TRENDS_FIRST and (category or all(_TERM.match(x) for x in h[1:]))


def is_similarweb(probe: Probe) -> bool:
    """A traffic estimate per domain and month: a domain column, a month or date column
    and visits (Similarweb and look-alikes)."""
    k = _keys(_header(probe))
    return bool(k & {"domain", "domaine", "site", "website"}) and bool(
        k & {"visits", "visites", "total_visits", "visites_totales"}) and bool(
        k & {"date", "month", "mois", "period", "periode"})


def is_rankings(probe: Probe) -> bool:
    """A rank-tracking export: SEMrush Position Tracking columns (``*.domain/*_YYYYMMDD``),
    Ahrefs' 'Current position', or keyword + position columns."""
    h = _header(probe)
    if any(md._SEMRUSH.match(c) for c in h):
        return True
    k = _keys(h)
    kw = bool(k & {"keyword", "mot_cle", "mots_cles", "requete", "query"})
    return kw and bool(k & {"current_position", "position", "rank", "pos", "classement"}) and not (
        k & {"clicks", "clics", "impressions", "impr", "cost", "cout"})


def _reader(kind: str, table: str, test, read, describe: str) -> Reader:
    def recognise(probe: Probe) -> bool:
        return test(probe)

    def load(probe: Probe) -> Export:
        frame = read(probe.path)
        period = None
        dates = next((c for c in ("date", "period") if c in frame), None)
        if dates and len(frame):
            period = (pd.Timestamp(frame[dates].min()), pd.Timestamp(frame[dates].max()))
        dims = tuple(c for c in ("date", "period", "domain", "keyword", "term") if c in frame)
        return Export(path=probe.file, kind=kind, table=table, frame=frame, period=period, dimensions=dims,
                      columns={c: c for c in frame.columns},
                      notes=["estimates from a market-intelligence panel, not measured traffic"]
                      if table == "competitors" else [])

    return Reader(kind, table, recognise, load, priority=26, describe=describe)


MARKET_KINDS = {
    "trends/interest": _reader("trends/interest", "trends", is_trends, md.read_trends,
                               "Google Trends download (multiTimeline.csv), any interface language"),
    "similarweb/traffic": _reader("similarweb/traffic", "competitors", is_similarweb, md.read_similarweb,
                                  "Similarweb-style traffic per domain and month"),
    "rankings/positions": _reader("rankings/positions", "rankings", is_rankings, md.read_rankings,
                                  "rank tracking: SEMrush Position Tracking, Ahrefs organic keywords, long tables"),
}
for _r in MARKET_KINDS.values():
    register(_r)
