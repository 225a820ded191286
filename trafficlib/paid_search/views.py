"""Tables and cards of the paid-search report: the analyses' frames with the columns a
reader needs, and their labels in English and French."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from trafficlib import i18n
from trafficlib.readers.registry import reconciliation_text

__all__ = ["LABELS", "TERM_FORMATS", "labels", "money", "pct", "exports_table", "skipped_table", "headline_cards",
           "headline_note", "negatives_note", "term_view", "waste_view", "ngram_view", "mix_view", "qs_view", "lost_view"]

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
    "coverage": ("Cost listed, of the file's wider total", "Coût listé, sur le total plus large du fichier"),
    "why": ("Why not used", "Pourquoi non utilisé"),
    "excluded": ("Already excluded", "Déjà exclu"), "excluded_by": ("Excluded by", "Exclu par"),
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


def exports_table(exports, lang: str = "en", currency: str | None = None) -> pd.DataFrame:
    """One row per export read: file, report kind, rows, period, whether its rows add up
    to the file's own total row, and what its rows' cost is of the wider total the file
    states (the account's, :func:`~trafficlib.paid_search.coverage.coverage_text`)."""
    from trafficlib.paid_search.coverage import coverage_text

    rows = []
    for e in exports:
        ok = reconciliation_text(e.reconciliation(), lang)
        per = (f"{i18n.fmt_date(e.period[0], lang)} – {i18n.fmt_date(e.period[1], lang)}" if e.period
               else i18n.text(lang, "not stated", "non indiquée"))
        rows.append({"file": Path(e.path).name, "kind": e.kind.split("/", 1)[1].replace("_", " "), "rows": e.rows,
                     "period": per, "totals": ok, "coverage": coverage_text(e, lang, currency) or "–"})
    out = pd.DataFrame(rows, columns=["file", "kind", "rows", "period", "totals", "coverage"])
    if (out["coverage"] == "–").all():
        out = out.drop(columns="coverage")
    return _rename(out, lang)


def skipped_table(skipped, lang: str = "en") -> pd.DataFrame:
    """The files of the folder the audit did not use, and why (as the loader says)."""
    return _rename(pd.DataFrame([{"file": Path(f).name, "why": why} for f, why in skipped], columns=["file", "why"]),
                   lang)


def negatives_note(negative_exports, lang: str = "en") -> list[str]:
    """One sentence per negative keyword report read: how many negatives, and the
    shared lists it names but whose keywords it does not give."""
    out = []
    for e in negative_exports:
        kinds = e.frame["criterion"].astype("string")
        n, lists = int((kinds == "keyword").sum()), int((kinds == "list").sum())
        name = Path(e.path).name
        out.append(i18n.text(
            lang, f"{name}: {n} negative keywords tell which search terms are already excluded"
                  + (f" ({lists} shared lists are applied too, whose keywords this download does not give)." if lists
                     else "."),
            f"{name} : {n} mots clés à exclure disent quels termes de recherche sont déjà exclus"
            + (f" ({lists} listes partagées sont appliquées aussi, dont ce téléchargement ne donne pas les mots clés)."
               if lists else ".")))
    return out


def headline_note(exports, lang: str = "en", currency: str | None = None) -> str:
    """Which rows the headline cards sum (the campaign report, else the keyword report,
    else the search terms), and what they are of the account when the file says:
    "The cards sum the rows of campaign_report.csv: US$193,728.59 of the account's
    US$194,034.30 (99.8%)". "" without exports."""
    from trafficlib.paid_search.coverage import coverage_text

    for report in ("campaigns", "keywords", "search_terms"):
        its = [e for e in exports if e.kind.endswith("/" + report)]
        if its:
            names = ", ".join(Path(e.path).name for e in its)
            cov = "; ".join(c for c in (coverage_text(e, lang, currency) for e in its) if c)
            return i18n.text(lang, f"The cards sum the rows of {names}" + (f": {cov}." if cov else "."),
                             f"Les indicateurs somment les lignes de {names}" + (f" : {cov}." if cov else "."))
    return ""


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


def waste_view(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The wasted-spend terms with, when the account already excludes them, "yes" /
    "partly" (in some of the campaigns or ad groups where they ran) and the negative
    that does it."""
    cols = ["term", "clicks", "cost", "conversions", "cpc"]
    out = frame.reindex(columns=cols + ["excluded", "excluded_by"]).copy()
    if "excluded" not in frame or not (frame["excluded"].fillna("") != "").any():
        return out[cols]
    yes = {"yes": i18n.text(lang, "yes", "oui"), "partly": i18n.text(lang, "partly", "en partie"), "": ""}
    out["excluded"] = out["excluded"].fillna("").map(lambda v: yes.get(v, v))
    out["excluded_by"] = out["excluded_by"].fillna("")
    return out


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
    """Impression share lost per campaign; campaigns without any search impression share
    (Display, Video...) are left out."""
    shares = frame.reindex(columns=["search_impression_share", "search_lost_is_budget", "search_lost_is_rank"])
    frame = frame[shares.notna().any(axis=1).to_numpy()]
    return frame.reindex(columns=["campaign", "search_impression_share", "search_lost_is_budget",
                                  "search_lost_is_rank", "missed_clicks_budget", "missed_value_budget",
                                  "extra_cost_budget", "missed_value_rank", "roas"])
