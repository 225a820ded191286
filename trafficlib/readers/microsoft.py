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
# column names only Microsoft writes (UI and API spellings); a generic "Spend" / "Dépense" /
# "Période" is not one: a French TV plan (Semaine;Canal;Dépense (EUR)) has them too
_OWN_COLUMNS = ar._k("Delivered match type", "Bid match type", "Type de correspondance diffusé",
                     "Type de correspondance des enchères", "Account number", "Numéro de compte", "Gregorian date",
                     "Date grégorienne", "Ad distribution", "Distribution des annonces", "TimePeriod", "GregorianDate",
                     "AccountNumber", "DeliveredMatchType", "BidMatchType", "AdDistribution", "CampaignName",
                     "AdGroupName")
# the date and spend headers of Microsoft's report grid, telling only inside a campaign table with clicks
_GRID_DATE = ar._k("Time period", "Période")
_GRID_SPEND = ar._k("Spend", "Dépense")
# the lines of Microsoft's report header block ("Report Name: ...", "Report Time: ...")
_PREAMBLE = re.compile(r'^\s*"?\s*(report name|report time|report aggregation|report period|report filter|time zone|'
                       r"last completed available (?:day|hour)|potential incomplete data|rows|"
                       r"nom du rapport|heure du rapport|agr[ée]gation(?: du rapport)?|p[ée]riode du rapport|"
                       r"filtre du rapport|fuseau horaire|donn[ée]es potentiellement incompl[èe]tes|lignes)\s*:",
                       re.IGNORECASE)
_SPECIFIC = {"report aggregation", "last completed available day", "last completed available hour",
             "potential incomplete data", "agrégation du rapport", "agregation du rapport"}
_FOOTER = re.compile(r"microsoft\s+corporation", re.IGNORECASE)


def _header_block(lines: list[str]) -> bool:
    """Microsoft's report header block: two of its lines (``Report Name:``, ``Report Time:``,
    ``Time Zone:``, ``Rows:``...) or one only Microsoft writes (``Report Aggregation:``)."""
    found = set()
    for ln in lines:
        m = _PREAMBLE.match(ln)
        if m:
            found.add(m.group(1).casefold())
    return len(found) >= 2 or bool(found & _SPECIFIC)


def recognise(probe: Probe) -> bool:
    """True for a Microsoft Advertising report: an ad table (impressions, clicks or spend)
    under Microsoft's header block, above its copyright footer (``©2026 Microsoft
    Corporation``), with a column only Microsoft names so (``Delivered match type``,
    ``Account number``, ``Gregorian date``, the API's ``TimePeriod``...), or Microsoft's
    ``Time period`` / ``Période`` and ``Spend`` / ``Dépense`` headers in a campaign table with
    clicks. Generic names alone (a plan ``Semaine;Canal;Dépense (EUR)``) are not enough."""
    if not probe.is_text:
        return False
    sheet = ar.best_sheet(probe)
    keys = {ar.key(h) for h in sheet.header}
    if not keys & (ar.METRICS["impressions"][0] | ar.METRICS["cost"][0] | ar.METRICS["clicks"][0]):
        return False
    if _header_block(ar.preamble_of(probe, sheet)):
        return True
    if any(_FOOTER.search(str(c)) for s in probe.sheets for r in s.rows[-3:] for c in r[:1]):
        return True
    if "platform" in keys:
        return False
    if keys & _OWN_COLUMNS:
        return True
    return bool(keys & _GRID_DATE and keys & _GRID_SPEND and keys & ar.DIMENSIONS["campaign"]
                and keys & ar.METRICS["clicks"][0])


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
