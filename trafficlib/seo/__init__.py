"""The SEO report's analyses, on Google Search Console data.

Read an export with :func:`trafficlib.readers.search_console.load_performance`, gather it
with :func:`prepare`, then ask: :func:`totals` and :func:`coverage` (honest sums: site
totals from the Dates table, the share the visible queries cover), :func:`anomalies`
and :func:`period_comparison` (trend), :func:`top` and :func:`movers`,
:func:`brand_split`, :func:`ctr_curve` / :func:`opportunities` /
:func:`striking_distance`, :func:`pages_losing`, :func:`split` (countries, devices),
:func:`cannibalisation`, and :func:`findings` (all of it ranked by clicks at stake).
Positions are impression-weighted whenever rows are aggregated; CTR is always clicks /
impressions.
"""
from __future__ import annotations

from trafficlib import i18n
from trafficlib.seo.core import (SearchData, brand_pattern, coverage, is_brand, prepare, summarise, totals,
                                 weighted_position)
from trafficlib.seo.ctr import CtrCurve, ctr_curve, observed_curve, opportunities, striking_distance
from trafficlib.seo.findings import findings
from trafficlib.seo.joins import organic_vs_clicks, positions_beside_rankings
from trafficlib.seo.plots import plot_ctr_curve, plot_trend
from trafficlib.seo.tables import brand_split, cannibalisation, movers, pages_losing, split, top
from trafficlib.seo.trend import anomalies, comparison_display, period_comparison, site_country, weekly

__all__ = ["SearchData", "prepare", "weighted_position", "summarise", "totals", "coverage", "brand_pattern",
           "is_brand", "CtrCurve", "ctr_curve", "observed_curve", "opportunities", "striking_distance", "findings",
           "organic_vs_clicks", "positions_beside_rankings", "plot_trend", "plot_ctr_curve", "brand_split",
           "cannibalisation", "movers", "pages_losing", "split", "top", "anomalies", "site_country", "period_comparison", "comparison_display", "weekly",
           "FORMATS", "labels", "kpis", "segment_names"]

# display kinds for trafficlib.display.table
FORMATS = {
    "clicks": "int", "impressions": "int", "ctr": "pct2", "position": "num", "share_clicks": "pct",
    "share_impressions": "pct", "clicks_previous": "int", "clicks_change": "int", "clicks_change_rel": "delta",
    "position_previous": "num", "position_change": "num", "expected_ctr": "pct2", "expected_clicks": "int",
    "clicks_at_stake": "int", "target_ctr": "pct2", "clicks_at_target": "int", "top_share": "pct", "pages": "int",
    "site_clicks": "int", "site_impressions": "int", "rows": "int", "current": "num", "previous": "num",
    "change": "delta", "p_value": "num2", "observed": "int", "expected": "int", "z": "num", "at_stake": "int",
}

_LABELS = {
    "query": ("Query", "Requête"), "page": ("Page", "Page"), "country": ("Country", "Pays"), "holiday": ("Holiday", "Jour férié"),
    "device": ("Device", "Appareil"), "search_appearance": ("Search appearance", "Apparence dans les résultats"),
    "clicks": ("Clicks", "Clics"), "impressions": ("Impressions", "Impressions"), "ctr": ("CTR", "CTR"),
    "position": ("Avg. position", "Position moy."), "share_clicks": ("Share of clicks", "Part des clics"),
    "share_impressions": ("Share of impressions", "Part des impressions"),
    "clicks_previous": ("Clicks before", "Clics avant"), "clicks_change": ("Clicks change", "Écart de clics"),
    "clicks_change_rel": ("Clicks change", "Évolution des clics"), "position_previous": ("Position before", "Position avant"),
    "position_change": ("Position change", "Écart de position"), "expected_ctr": ("Site's CTR at that position", "CTR du site à cette position"),
    "expected_clicks": ("Expected clicks", "Clics attendus"), "clicks_at_stake": ("Clicks at stake", "Clics en jeu"),
    "target_ctr": ("CTR at target", "CTR visé"), "clicks_at_target": ("Clicks at target", "Clics à la cible"),
    "top_page": ("Main page", "Page principale"), "top_share": ("Its share", "Sa part"),
    "second_page": ("Second page", "Deuxième page"), "pages": ("Pages", "Pages"), "direction": ("Direction", "Sens"),
    "table": ("Table", "Tableau"), "rows": ("Rows", "Lignes"), "site_clicks": ("Site clicks", "Clics du site"),
    "site_impressions": ("Site impressions", "Impressions du site"), "segment": ("Segment", "Segment"),
    "metric": ("Metric", "Indicateur"), "current": ("Period", "Période"), "previous": ("Comparison", "Comparaison"),
    "change": ("Change", "Évolution"), "p_value": ("p-value", "p-valeur"), "date": ("Date", "Date"),
    "observed": ("Observed", "Observé"), "expected": ("Expected", "Attendu"), "z": ("z (robust)", "z (robuste)"),
    "at_stake": ("Clicks lost", "Clics perdus"),
}

_VALUES = {
    "brand": ("Brand", "Marque"), "non_brand": ("Non-brand", "Hors marque"),
    "not_shown": ("Not shown (anonymised, beyond the row limit)", "Non affichées (anonymisées, au-delà de la limite)"),
    "gain": ("gain", "hausse"), "loss": ("loss", "baisse"), "drop": ("drop", "chute"), "spike": ("spike", "pic"),
    "queries": ("Queries", "Requêtes"), "pages": ("Pages", "Pages"), "query_page": ("Query × page", "Requête × page"),
    "clicks": ("Clicks", "Clics"), "impressions": ("Impressions", "Impressions"), "ctr": ("CTR", "CTR"),
    "position": ("Avg. position (change in places)", "Position moy. (écart en places)"),
}


def labels(lang: str = "en") -> dict:
    """Column headers of the SEO tables in ``lang`` (for ``display.table(labels=...)``)."""
    k = 0 if i18n.check_lang(lang) == "en" else 1
    return {c: v[k] for c, v in _LABELS.items()}


def segment_names(frame, column: str, lang: str = "en"):
    """``frame`` with the code values of ``column`` (brand/non_brand, gain/loss, metric
    names...) written in ``lang``."""
    k = 0 if i18n.check_lang(lang) == "en" else 1
    out = frame.copy()
    if column in out:
        out[column] = out[column].map(lambda v: _VALUES[v][k] if v in _VALUES else v)
    return out


def kpis(sd: SearchData, lang: str = "en") -> list[dict]:
    """KPI cards (for ``display.kpis``): clicks, impressions, CTR, average position over
    the period, with the change against the comparison period when there is one."""
    a = totals(sd)
    b = totals(sd, previous=True) if sd.has_comparison else None

    def delta(m):
        if b is None or not b[m] or b[m] != b[m]:
            return None
        return a[m] - b[m] if m == "position" else a[m] / b[m] - 1

    return [
        {"label": i18n.text(lang, "Clicks", "Clics"), "value": i18n.fmt_int(a["clicks"], lang), "delta": delta("clicks")},
        {"label": i18n.text(lang, "Impressions", "Impressions"), "value": i18n.fmt_int(a["impressions"], lang),
         "delta": delta("impressions")},
        {"label": "CTR", "value": i18n.fmt_pct(a["ctr"], lang, 2), "delta": delta("ctr")},
        {"label": i18n.text(lang, "Average position", "Position moyenne"),
         "value": i18n.fmt_number(a["position"], lang, 1), "good_if_up": False,
         "note": i18n.text(lang, "weighted by impressions", "pondérée par les impressions"),
         **({"delta": None} if delta("position") is None else {})},
    ]
