"""TikTok Ads Manager exports (campaign, ad group or ad tables; CSV or xlsx).

Ads Manager's "Export" of the Campaign / Ad group / Ad table, or a custom report, writes
one header line and the rows: ``By Day`` / ``Date`` when split by day, ``Campaign name``,
``Ad group name``, ``Ad name``, ``Cost`` (or ``Spend``, ``Total cost``, ``Cost (USD)``),
``Impressions``, ``Clicks (destination)``, ``CTR (destination)``, ``CPC (destination)``,
``CPM``, ``Reach``, ``Frequency``, ``Conversions``, ``Cost per conversion``,
``Result``/``Results``, ``Cost per result``, ``2-second video views``, ``6-second video
views``, ``Currency`` (headers seen in public code reading these downloads: mappings of
``clicks (destination)``, ``ctr (destination)``, ``cost per conversion``; an upload
template listing ``By Day, Campaign name, Campaign type, Ad group name, Ad name, Account
name, Spend, Impressions, Clicks (destination), Reach, Frequency, 6-second video views,
Conversions``; a detector keyed on ``Cost (USD)`` / ``CPM (USD)``; importer tests of a
download ``Campaign name,Date,Cost,Impressions,Clicks (destination),CTR (destination),
CPC (destination),Conversions`` ending with a ``Total`` row).

Read into the ``ad_spend`` grain: clicks are the destination clicks (to the advertiser's
page) when the file has them, else ``Clicks (all)``; the currency is the header's
(``Cost (USD)``) or the ``Currency`` column's. A total row (``Total``, or an unlabelled
row with every name empty above or below the rows) is the file's total, never a campaign.
Ratios are recomputed, never read; reach is not additive.
"""
from __future__ import annotations

from trafficlib.readers import _adreport as ar
from trafficlib.readers._social import keys_of, read_renamed
from trafficlib.readers.registry import Export, Probe, Reader, register

__all__ = ["read_tiktok", "recognise", "PLATFORM"]

PLATFORM = "TikTok Ads"
KIND = "tiktok/ads_manager"
_MARKERS = ar._k("Clicks (destination)", "CTR (destination)", "CPC (destination)", "2-second video views",
                 "6-second video views", "By Day", "Ad group name", "Cost per conversion", "Primary status",
                 "Total complete payment value", "Complete payment", "Video views at 100%")
_TIKTOK_ONLY = ar._k("Clicks (destination)", "CTR (destination)", "CPC (destination)", "2-second video views",
                     "6-second video views", "By Day", "Total complete payment value", "Complete payment ROAS")

SYNONYMS = {ar.key(k): v for k, v in {
    "By Day": "Day", "Clicks (destination)": "Link clicks", "CTR (destination)": "CTR",
    "CPC (destination)": "Avg. CPC", "Total cost": "Cost", "Result": "Results", "Cost per conversion": "Cost / conv.",
    "Currency": "Currency code", "Total complete payment value": "Conversion value",
    "Complete payment value": "Conversion value", "Total conversion value": "Conversion value",
    "Conversion rate (CVR)": "Conv. rate", "Conversion rate": "Conv. rate", "Complete payment ROAS": "ROAS",
    "Account name": "Account name",
}.items()}


def recognise(probe: Probe) -> bool:
    if not probe.is_text or not probe.sheets:
        return False
    keys = keys_of(ar.best_sheet(probe))
    # "Ad group name" alone is also Google's: a TikTok-only header must be there
    return bool(keys & _TIKTOK_ONLY) and bool(keys & (ar.METRICS["cost"][0] | ar._k("Total cost")))


def read_tiktok(probe: Probe | str, period=None) -> Export:
    """Read a TikTok Ads Manager export into an ``ad_spend`` :class:`Export` (see module
    doc); ``period`` (start, end) dates a file without a day column."""
    if not isinstance(probe, Probe):
        probe = Probe(probe)
    sheet = ar.best_sheet(probe)
    keys = keys_of(sheet)
    synonyms = dict(SYNONYMS)
    if ar.key("Conversions") in keys and ar.key("Result") in keys | ar._k("Results"):
        synonyms.pop(ar.key("Result"))  # "Conversions" is read; the optimisation "Result" may count another event
    exp = read_renamed(sheet, synonyms, probe.file, PLATFORM, KIND, preamble=ar.preamble_of(probe, sheet),
                       period=period)
    if "clicks" in exp.frame and ar.key("Clicks (destination)") not in keys:
        exp.notes.insert(0, "no 'Clicks (destination)' column: clicks are every click on the ad (profile, "
                            "sound, likes...), more than the visits they bring")
    if "reach" in exp.frame and exp.frame["reach"].notna().any():
        exp.notes.append("reach is not additive: summed over rows it counts a person once per row")
    return exp


register(Reader(KIND, "ad_spend", recognise, read_tiktok, priority=16,
                describe="TikTok Ads Manager export (campaign, ad group or ad table, CSV or xlsx)"))
