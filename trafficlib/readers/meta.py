"""Meta Ads Manager exports (Facebook / Instagram), English or French interface.

Ads Manager's "Export table data" writes one header line and the rows, CSV or .xlsx:
``Reporting starts`` / ``Début des rapports`` and ``Reporting ends`` / ``Fin des
rapports`` (the period each row covers: one day with a Day breakdown, else the whole
range), ``Campaign name`` / ``Nom de la campagne``, ``Ad set name``, ``Ad name``,
``Impressions``, ``Reach`` / ``Couverture``, ``Frequency``, ``Link clicks`` / ``Clics sur
un lien``, ``Amount spent (EUR)`` / ``Montant dépensé (EUR)``, ``Results`` / ``Résultats``
with its ``Result indicator``, ``Cost per result`` and conversion values. Ratios
(frequency, CPC, CTR, cost per result) are recomputed by the kit, never read. Reach is
not additive across rows (a person reached on two days counts twice).

Ads Manager writes the account's summary over the range as the first row: names empty,
"Reporting starts/ends" filled, every breakdown (age, gender, region, device, placement,
day) blank. It is the file's total (``Export.totals``, scope "rows"), never a campaign;
the money's currency comes from the header (``Amount spent (INR)``). An ad table shared
without Ads Manager's headers (``ad_id, fb_campaign_id, age, gender, Impressions, Clicks,
Spent, Total_Conversion``, no dates) is read as ``meta/ads_table`` with its period unknown.
"""
from __future__ import annotations

from trafficlib.readers import _adreport as ar
from trafficlib.readers.registry import Export, Probe, Reader, register

__all__ = ["read_meta", "recognise"]

PLATFORM = "Meta Ads"
_MARKERS = ar._k("Reporting starts", "Reporting ends", "Début des rapports", "Fin des rapports", "Amount spent",
                 "Montant dépensé", "Ad set name", "Nom de l'ensemble de publicités", "Link clicks",
                 "Clics sur un lien", "Result indicator", "Indicateur de résultats", "Cost per result",
                 "Coût par résultat", "Purchases conversion value", "Valeur de conversion des achats",
                 "Ad set ID", "Identifiant de l'ensemble de publicités")


def recognise(probe: Probe) -> bool:
    if not probe.is_text:
        return False
    keys = {ar.key(h) for h in ar.best_sheet(probe).header}
    # Facebook's own ids (``fb_campaign_id``) mark a Meta table shared without Ads Manager's headers
    facebook = any(k.startswith(("fb_", "facebook_")) for k in keys)
    return (len(keys & _MARKERS) >= 1 or facebook) and bool(keys & (ar.METRICS["impressions"][0] | ar.METRICS["cost"][0]
                                                     | ar.METRICS["reach"][0]))


def read_meta(probe: Probe | str, period=None) -> Export:
    """Read a Meta Ads Manager export into an ``ad_spend`` :class:`Export`."""
    if not isinstance(probe, Probe):
        probe = Probe(probe)
    sheet = ar.best_sheet(probe)
    keys = {ar.key(h) for h in sheet.header}
    # Ads Manager's summary row (the account's total over the range) has empty names
    # whatever the breakdown; a table shared without Ads Manager's headers is not its export
    kind = "meta/ads_manager" if keys & _MARKERS else "meta/ads_table"
    exp = ar.read_table(sheet, probe.file, PLATFORM, kind, period=period,
                        summary_dims=("campaign", "ad_group", "ad"))
    if "result_indicator" in exp.frame:
        kinds = exp.frame["result_indicator"].dropna().unique()
        if len(kinds) > 1:
            exp.notes.append("'Results' mixes result types (" + ", ".join(map(str, kinds[:5]))
                             + "): summed conversions add different actions")
    if "reach" in exp.frame and exp.frame["reach"].notna().any():
        exp.notes.append("reach is not additive: summed over rows it counts a person once per row")
    return exp


register(Reader("meta/ads_manager", "ad_spend", recognise, read_meta, priority=18,
                describe="Meta Ads Manager export (CSV or xlsx, en/fr)"))
