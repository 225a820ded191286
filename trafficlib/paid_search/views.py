"""Tables and cards of the paid-search report: the analyses' frames with the columns a
reader needs, and their labels in English and French."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from trafficlib import i18n

__all__ = ["LABELS", "TERM_FORMATS", "labels", "money", "pct", "exports_table", "headline_cards", "term_view",
           "ngram_view", "mix_view", "qs_view", "lost_view"]

LABELS = {
    "term": ("Search term", "Terme de recherche"), "ngram": ("N-gram", "N-gramme"), "n": ("Words", "Mots"),
    "terms": ("Terms", "Termes"), "impressions": ("Impressions", "Impressions"), "clicks": ("Clicks", "Clics"),
    "cost": ("Cost", "Coût"), "conversions": ("Conversions", "Conversions"),
    "conversion_value": ("Conv. value", "Valeur de conv."), "ctr": ("CTR", "CTR"), "cpc": ("CPC", "CPC"),
    "cvr": ("Conv. rate", "Taux de conv."), "cpa": ("CPA", "CPA"), "roas": ("ROAS", "ROAS"),
    "cost_share": ("Share of cost", "Part du coût"), "match_type": ("Match type", "Type de correspondance"),
    "quality_score": ("Quality Score", "Niveau de qualité"), "keywords": ("Keywords", "Mots clés"),
    "campaign": ("Campaign", "Campagne"), "search_impression_share": ("Impr. share", "Taux d'impr."),
    "search_lost_is_budget": ("Lost: budget", "Perdues : budget"), "search_lost_is_rank": ("Lost: rank", "Perdues : classement"),
    "missed_clicks_budget": ("Clicks missed (budget)", "Clics manqués (budget)"),
    "missed_value_budget": ("Value missed (budget)", "Valeur manquée (budget)"),
    "extra_cost_budget": ("Budget needed", "Budget nécessaire"),
    "missed_value_rank": ("Value missed (rank)", "Valeur manquée (classement)"),
    "file": ("File", "Fichier"), "kind": ("Report", "Rapport"), "rows": ("Rows", "Lignes"),
    "period": ("Period", "Période"), "totals": ("Against the file's totals", "Face aux totaux du fichier"),
}
TERM_FORMATS = {"impressions": "int", "clicks": "int", "cost": "money", "conversions": "num2",
                "conversion_value": "money", "ctr": "pct", "cpc": "money", "cvr": "pct", "cpa": "money",
                "roas": "num2", "cost_share": "pct", "search_impression_share": "pct", "search_lost_is_budget": "pct",
                "search_lost_is_rank": "pct", "missed_clicks_budget": "int", "missed_value_budget": "money",
                "extra_cost_budget": "money", "missed_value_rank": "money", "terms": "int", "keywords": "int",
                "n": "int", "rows": "int"}
_MT = {"exact": ("Exact", "Exact"), "phrase": ("Phrase", "Expression"), "broad": ("Broad", "Requête large"),
       "(none)": ("(none)", "(aucun)")}


def labels(lang: str = "en") -> dict[str, str]:
    """Column labels of the report's tables in ``lang``."""
    return {k: i18n.text(lang, *v) for k, v in LABELS.items()}


def money(x, lang: str = "en", currency: str = "EUR") -> str:
    return i18n.fmt_money(x, lang, currency=currency, decimals=0)


def pct(x, lang: str = "en") -> str:
    return i18n.fmt_pct(x, lang)


def _rename(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return frame.rename(columns=labels(lang))


def exports_table(exports, lang: str = "en") -> pd.DataFrame:
    """One row per export read: file, report kind, rows, period, and whether its rows add
    up to the file's own total row."""
    rows = []
    for e in exports:
        rec = e.reconciliation()
        if rec.empty:
            ok = i18n.text(lang, "no total row", "pas de ligne de total")
        elif rec["ok"].all():
            ok = i18n.text(lang, "equal", "égaux")
        else:
            ok = i18n.text(lang, "DIFFERENT: ", "DIFFÉRENTS : ") + ", ".join(rec.loc[~rec["ok"], "metric"])
        per = (f"{i18n.fmt_date(e.period[0], lang)} – {i18n.fmt_date(e.period[1], lang)}" if e.period else "–")
        rows.append({"file": Path(e.path).name, "kind": e.kind.split("/", 1)[1].replace("_", " "), "rows": e.rows,
                     "period": per, "totals": ok})
    return _rename(pd.DataFrame(rows, columns=["file", "kind", "rows", "period", "totals"]), lang)


def headline_cards(total: pd.Series, lang: str = "en", currency: str = "EUR") -> list[dict]:
    """KPI cards for :func:`trafficlib.display.kpis` from :func:`headline`."""
    if total is None or total.empty:
        return []
    t = lambda en, fr: i18n.text(lang, en, fr)  # noqa: E731
    return [
        {"label": t("Cost", "Coût"), "value": money(total["cost"], lang, currency)},
        {"label": t("Clicks", "Clics"), "value": i18n.fmt_int(total["clicks"], lang)},
        {"label": "CTR", "value": i18n.fmt_pct(total["ctr"], lang)},
        {"label": "CPC", "value": i18n.fmt_money(total["cpc"], lang, currency=currency)},
        {"label": t("Conversions", "Conversions"), "value": i18n.fmt_number(total["conversions"], lang, 0)},
        {"label": "CPA", "value": i18n.fmt_money(total["cpa"], lang, currency=currency)},
        {"label": "ROAS", "value": i18n.fmt_number(total["roas"], lang, 2)},
    ]


def term_view(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    cols = ["term", "clicks", "cost", "conversions", "conversion_value", "ctr", "cpc", "cpa", "roas"]
    return frame.reindex(columns=cols)


def ngram_view(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    cols = ["ngram", "n", "terms", "clicks", "cost", "conversions", "conversion_value", "cpa"]
    return frame.reindex(columns=cols)


def mix_view(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    out = frame.reindex(columns=["match_type", "clicks", "cost", "cost_share", "conversions", "conversion_value",
                                 "ctr", "cpc", "cpa", "roas"]).copy()
    out["match_type"] = out["match_type"].map(lambda m: i18n.text(lang, *_MT.get(m, (m, m))))
    return out


def qs_view(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    out = frame.reindex(columns=["quality_score", "keywords", "impressions", "clicks", "cost", "cost_share",
                                 "conversions", "cpa"]).copy()
    out["quality_score"] = out["quality_score"].replace("not rated", i18n.text(lang, "not rated", "non évalué"))
    return out


def lost_view(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    return frame.reindex(columns=["campaign", "search_impression_share", "search_lost_is_budget",
                                  "search_lost_is_rank", "missed_clicks_budget", "missed_value_budget",
                                  "extra_cost_budget", "missed_value_rank", "roas"])
