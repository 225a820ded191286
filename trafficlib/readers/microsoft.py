"""Microsoft Advertising (Bing Ads) reports, English or French interface.

A downloaded report opens with a header block (``Report Name: ...``, ``Report Time``,
``Time Zone``, ``Report Period: 2026-04-01 - 2026-04-30``, ``Report Aggregation: Daily``,
``Account: ...``), then the table (``Time period`` / ``Période``, ``Campaign name``,
``Ad group``, ``Keyword``, ``Search term``, ``Delivered match type``, ``Impr.``,
``Clicks``, ``Spend`` / ``Dépense``, ``Conv.``, ``Revenue``...), an optional ``Total``
row and a copyright footer (``©2026 Microsoft Corporation. All rights reserved.``).
"""
from __future__ import annotations

import re

from trafficlib.readers import _adreport as ar
from trafficlib.readers.registry import Export, Probe, Reader, register

__all__ = ["read_microsoft", "recognise"]

PLATFORM = "Microsoft Ads"
_MARKERS = ar._k("Time period", "Période", "Spend", "Dépense", "Delivered match type", "Bid match type",
                 "Type de correspondance diffusé", "Account number", "Numéro de compte", "Gregorian date")
_PREAMBLE = re.compile(r'^\s*"?\s*(report name|report time|report aggregation|report period|time zone|'
                       r"nom du rapport|heure du rapport|agr[ée]gation|p[ée]riode du rapport|fuseau horaire)\s*:",
                       re.IGNORECASE)


def recognise(probe: Probe) -> bool:
    if not probe.is_text:
        return False
    sheet = ar.best_sheet(probe)
    keys = {ar.key(h) for h in sheet.header}
    if not keys & (ar.METRICS["impressions"][0] | ar.METRICS["cost"][0] | ar.METRICS["clicks"][0]):
        return False
    if any(_PREAMBLE.match(ln) for ln in ar.preamble_of(probe, sheet)):
        return True
    if any(str(c).startswith("©") for r in sheet.rows[-3:] for c in r[:1]):
        return True
    return bool(keys & _MARKERS) and "platform" not in keys


def read_microsoft(probe: Probe | str, period=None) -> Export:
    """Read a Microsoft Advertising report into an ``ad_spend`` :class:`Export`."""
    if not isinstance(probe, Probe):
        probe = Probe(probe)
    sheet = ar.best_sheet(probe)
    exp = ar.read_table(sheet, probe.file, PLATFORM, "microsoft_ads/report", preamble=ar.preamble_of(probe, sheet),
                        period=period)
    from trafficlib.readers.google_ads import report_kind

    exp.kind = "microsoft_ads/" + report_kind(exp.dimensions)
    return exp


register(Reader("microsoft_ads/report", "ad_spend", recognise, read_microsoft, priority=19,
                describe="Microsoft Advertising report (CSV or xlsx, en/fr, header block and copyright footer)"))
