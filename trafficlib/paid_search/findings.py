"""The paid-search audit's findings, ranked, each with its money at stake (fr/en)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trafficlib import i18n
from trafficlib.metrics import ratio
from trafficlib.paid_search import structure, terms

__all__ = ["Finding", "findings", "findings_table", "headline", "missing_sections", "SEVERITY_ORDER"]

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass
class Finding:
    """One finding: ``key``, ``severity`` (high/medium/low), ``title``, ``detail``,
    ``action`` (in the report language), ``money`` (at stake, account currency) and
    ``data`` (the rows behind it)."""

    key: str
    severity: str
    title: str
    detail: str
    action: str
    money: float
    data: pd.DataFrame = field(default_factory=pd.DataFrame)


def _m(x, lang, currency):
    return i18n.fmt_money(x, lang, currency=currency, decimals=0)


def _sev(share: float, high: float, medium: float) -> str:
    if not np.isfinite(share):
        return "low"
    return "high" if share >= high else "medium" if share >= medium else "low"


def findings(search_terms: pd.DataFrame | None, keywords: pd.DataFrame | None = None,
             campaigns: pd.DataFrame | None = None, min_clicks_waste: int = 10, min_clicks_negative: int = 20,
             min_conversions_promote: float = 2.0, low_qs: int = 4, lang: str = "en",
             currency: str = "EUR") -> list[Finding]:
    """Every finding the reports given allow, sorted by severity then money at stake.

    - wasted spend (:func:`~trafficlib.paid_search.terms.wasted_spend`): high from 10 % of
      search-term cost, medium from 3 %;
    - negative-keyword candidates (:func:`~trafficlib.paid_search.terms.negative_candidates`):
      money = cost of the terms they would block; high from 5 %, medium from 1 %;
    - converting terms not yet keywords: money = their conversion value;
    - keywords with a Quality Score of ``low_qs`` or less: their cost; medium from 20 %;
    - impression share lost to budget (campaigns losing 10 % or more): money = the value
      the missed clicks would bring at the campaign's rates; high when that campaign's
      ROAS is at least 1;
    - impression share lost to rank (30 % or more): the same, medium;
    - broad match costing more per conversion than exact: money = broad cost less what its
      conversions would cost at the exact CPA.
    """
    out: list[Finding] = []
    t = lambda en, fr: i18n.text(lang, en, fr)  # noqa: E731
    if search_terms is not None and "search_term" in search_terms and search_terms["search_term"].notna().any():
        waste, w = terms.wasted_spend(search_terms, min_clicks_waste)
        if w["terms"]:
            top = ", ".join(f"« {x} »" if lang == "fr" else f"'{x}'" for x in waste["term"].head(3))
            out.append(Finding(
                "wasted_spend", _sev(w["share_of_cost"], 0.10, 0.03),
                t(f"{_m(w['wasted_cost'], lang, currency)} spent on {w['terms']} search terms that never converted",
                  f"{_m(w['wasted_cost'], lang, currency)} dépensés sur {w['terms']} termes de recherche qui n'ont jamais converti"),
                t(f"{i18n.fmt_pct(w['share_of_cost'], lang)} of search-term spend; terms with at least "
                  f"{w['min_clicks']} clicks and no conversion over the period, e.g. {top}.",
                  f"{i18n.fmt_pct(w['share_of_cost'], lang)} des dépenses des termes ; termes d'au moins "
                  f"{w['min_clicks']} clics sans aucune conversion sur la période, par ex. {top}."),
                t("Exclude the irrelevant ones (negative keywords), tighten the match type of the keywords behind them.",
                  "Exclure ceux qui sont hors sujet (mots clés à exclure), resserrer le type de correspondance des mots clés en cause."),
                w["wasted_cost"], waste))
        neg, rule = terms.negative_candidates(search_terms, keywords, min_clicks_negative)
        if len(neg):
            share = float(ratio(rule["money_at_stake"], terms.term_table(search_terms)["cost"].sum()))
            grams = ", ".join(f"« {x} »" if lang == "fr" else f"'{x}'" for x in neg["ngram"].head(4))
            out.append(Finding(
                "negative_keywords", _sev(share, 0.05, 0.01),
                t(f"{len(neg)} negative-keyword candidate(s): {grams}",
                  f"{len(neg)} mot(s) clé(s) à exclure : {grams}"),
                t(f"They appear in {rule['terms_blocked']} terms that cost {_m(rule['money_at_stake'], lang, currency)} "
                  f"without a conversion (each n-gram: at least {rule['min_clicks']} clicks, no conversion, and more "
                  f"spent than the account's cost per conversion, {_m(rule['min_cost'], lang, currency)}).",
                  f"Ils figurent dans {rule['terms_blocked']} termes qui ont coûté {_m(rule['money_at_stake'], lang, currency)} "
                  f"sans conversion (chaque n-gramme : au moins {rule['min_clicks']} clics, aucune conversion, et plus "
                  f"dépensé que le coût par conversion du compte, {_m(rule['min_cost'], lang, currency)})."),
                t("Add them as phrase-match negative keywords (check each against your offer first).",
                  "Les ajouter en mots clés à exclure en expression exacte (vérifier chacun au regard de l'offre)."),
                rule["money_at_stake"], neg.drop(columns="_terms")))
        promo, prule = terms.promote_candidates(search_terms, keywords, min_conversions_promote)
        if len(promo):
            names = ", ".join(f"« {x} »" if lang == "fr" else f"'{x}'" for x in promo["term"].head(3))
            out.append(Finding(
                "promote_terms", "medium" if promo["conversion_value"].sum() > 0 else "low",
                t(f"{len(promo)} converting search term(s) not yet keywords: {names}",
                  f"{len(promo)} terme(s) de recherche qui convertissent sans être des mots clés : {names}"),
                t(f"{promo['conversions'].sum():g} conversions worth {_m(promo['conversion_value'].sum(), lang, currency)} "
                  f"at a cost per conversion no higher than the account's ({_m(prule['account_cpa'], lang, currency)}), "
                  f"bought today through broader keywords.",
                  f"{promo['conversions'].sum():g} conversions pour {_m(promo['conversion_value'].sum(), lang, currency)} "
                  f"de valeur, à un coût par conversion au plus égal à celui du compte ({_m(prule['account_cpa'], lang, currency)}), "
                  f"achetées aujourd'hui via des mots clés plus larges."),
                t("Add them as exact-match keywords with their own bid and ad.",
                  "Les ajouter en mots clés exacts, avec leur propre enchère et annonce."),
                float(promo["conversion_value"].sum()), promo))
    if keywords is not None and "quality_score" in keywords and keywords["quality_score"].notna().any():
        q = structure.quality_score_summary(keywords, low_qs)
        if q["low_cost"] > 0:
            out.append(Finding(
                "low_quality_score", _sev(q["low_cost_share"], 1.1, 0.20),
                t(f"{_m(q['low_cost'], lang, currency)} on keywords with a Quality Score of {low_qs} or less",
                  f"{_m(q['low_cost'], lang, currency)} sur des mots clés de niveau de qualité {low_qs} ou moins"),
                t(f"{i18n.fmt_pct(q['low_cost_share'], lang)} of keyword spend ({', '.join(q['low_keywords'][:5])}); "
                  f"impression-weighted Quality Score {i18n.fmt_number(q['weighted_qs'], lang, 1)}. A low score raises the price of each click.",
                  f"{i18n.fmt_pct(q['low_cost_share'], lang)} des dépenses des mots clés ({', '.join(q['low_keywords'][:5])}) ; "
                  f"niveau de qualité moyen pondéré par les impressions {i18n.fmt_number(q['weighted_qs'], lang, 1)}. "
                  "Un niveau bas renchérit chaque clic."),
                t("Split these keywords into tighter ad groups with matching ads and landing pages, or pause them.",
                  "Répartir ces mots clés dans des groupes d'annonces plus serrés, avec annonces et pages adaptées, ou les suspendre."),
                q["low_cost"], structure.quality_score_distribution(keywords)))
    if campaigns is not None:
        try:
            lost = structure.impression_share_lost(campaigns)
        except Exception:
            lost = pd.DataFrame()
        if not lost.empty:
            b = lost[lost["search_lost_is_budget"] >= 0.10].sort_values("missed_value_budget", ascending=False)
            if len(b):
                r = b.iloc[0]
                out.append(Finding(
                    "lost_to_budget", "high" if (r["roas"] >= 1) else "medium",
                    t(f"'{r['campaign']}' loses {i18n.fmt_pct(r['search_lost_is_budget'], lang)} of its impressions to budget",
                      f"« {r['campaign']} » perd {i18n.fmt_pct(r['search_lost_is_budget'], lang)} de ses impressions faute de budget"),
                    t(f"About {i18n.fmt_int(r['missed_impressions_budget'], lang)} impressions and "
                      f"{i18n.fmt_int(r['missed_clicks_budget'], lang)} clicks missed, worth about "
                      f"{_m(r['missed_value_budget'], lang, currency)} at its rates, for about "
                      f"{_m(r['extra_cost_budget'], lang, currency)} more budget (ROAS {i18n.fmt_number(r['roas'], lang, 2)}).",
                      f"Environ {i18n.fmt_int(r['missed_impressions_budget'], lang)} impressions et "
                      f"{i18n.fmt_int(r['missed_clicks_budget'], lang)} clics manqués, soit environ "
                      f"{_m(r['missed_value_budget'], lang, currency)} de valeur à ses taux, pour environ "
                      f"{_m(r['extra_cost_budget'], lang, currency)} de budget en plus (ROAS {i18n.fmt_number(r['roas'], lang, 2)})."),
                    t("Raise its budget if its ROAS meets the target, or move budget from campaigns that do not.",
                      "Augmenter son budget si son ROAS atteint l'objectif, ou y transférer le budget de campagnes moins rentables."),
                    float(r["missed_value_budget"]) if np.isfinite(r["missed_value_budget"]) else 0.0, b))
            k = lost[lost["search_lost_is_rank"] >= 0.30].sort_values("missed_value_rank", ascending=False)
            if len(k):
                r = k.iloc[0]
                out.append(Finding(
                    "lost_to_rank", "medium",
                    t(f"'{r['campaign']}' loses {i18n.fmt_pct(r['search_lost_is_rank'], lang)} of its impressions to ad rank",
                      f"« {r['campaign']} » perd {i18n.fmt_pct(r['search_lost_is_rank'], lang)} de ses impressions à cause du classement"),
                    t(f"About {i18n.fmt_int(r['missed_clicks_rank'], lang)} clicks worth {_m(r['missed_value_rank'], lang, currency)} missed.",
                      f"Environ {i18n.fmt_int(r['missed_clicks_rank'], lang)} clics manqués, soit {_m(r['missed_value_rank'], lang, currency)}."),
                    t("Improve Quality Score (ads, landing pages) before raising bids.",
                      "Améliorer le niveau de qualité (annonces, pages) avant de monter les enchères."),
                    float(r["missed_value_rank"]) if np.isfinite(r["missed_value_rank"]) else 0.0, k))
    rows = keywords if keywords is not None and "match_type" in keywords else search_terms
    if rows is not None and "match_type" in rows and rows["match_type"].notna().any():
        mix = structure.match_type_mix(rows).set_index("match_type")
        if {"broad", "exact"} <= set(mix.index):
            br, ex = mix.loc["broad"], mix.loc["exact"]
            if np.isfinite(br["cpa"]) and np.isfinite(ex["cpa"]) and br["cpa"] > 1.5 * ex["cpa"]:
                money = float(br["cost"] - br["conversions"] * ex["cpa"])
                out.append(Finding(
                    "broad_match_cpa", "medium" if br["cost_share"] >= 0.3 else "low",
                    t(f"Broad match costs {i18n.fmt_number(br['cpa'] / ex['cpa'], lang, 1)}× more per conversion than exact",
                      f"La requête large coûte {i18n.fmt_number(br['cpa'] / ex['cpa'], lang, 1)} fois plus par conversion "
                      "que le mot clé exact"),
                    t(f"Broad: {i18n.fmt_pct(br['cost_share'], lang)} of spend, CPA {_m(br['cpa'], lang, currency)}; exact: "
                      f"CPA {_m(ex['cpa'], lang, currency)}. At the exact CPA its conversions would cost "
                      f"{_m(money, lang, currency)} less.",
                      f"Requête large : {i18n.fmt_pct(br['cost_share'], lang)} des dépenses, CPA {_m(br['cpa'], lang, currency)} ; "
                      f"exact : CPA {_m(ex['cpa'], lang, currency)}. Au CPA de l'exact, ses conversions coûteraient "
                      f"{_m(money, lang, currency)} de moins."),
                    t("Add the converting broad-match terms as exact keywords and exclude the rest.",
                      "Ajouter en exact les termes qui convertissent en requête large et exclure les autres."),
                    money, mix.reset_index()))
    return sorted(out, key=lambda f: (SEVERITY_ORDER[f.severity], -f.money))


def findings_table(items: list[Finding]) -> pd.DataFrame:
    """Findings as a frame for :func:`trafficlib.display.findings`."""
    return pd.DataFrame([{"key": f.key, "severity": f.severity, "title": f.title, "detail": f.detail,
                          "action": f.action, "money": f.money} for f in items],
                        columns=["key", "severity", "title", "detail", "action", "money"])


def headline(search_terms: pd.DataFrame | None, campaigns: pd.DataFrame | None = None,
             keywords: pd.DataFrame | None = None) -> pd.Series:
    """Totals of the most complete report given (campaigns, else keywords, else search
    terms): impressions, clicks, cost, conversions, conversion_value and ctr, cpc, cpa,
    roas."""
    rows = next((r for r in (campaigns, keywords, search_terms) if r is not None), None)
    if rows is None:
        return pd.Series(dtype="float64")
    s = pd.DataFrame([{c: pd.to_numeric(rows[c], errors="coerce").sum() if c in rows else np.nan
                       for c in terms.SUMS}])
    return terms.with_ratios(s).iloc[0]


def missing_sections(search_terms, keywords, campaigns, lang: str = "en") -> list[str]:
    """One plain sentence per section the exports given cannot support, naming the export
    that would enable it."""
    t = lambda en, fr: i18n.text(lang, en, fr)  # noqa: E731
    out = []
    if search_terms is None:
        out.append(t("Wasted spend, n-grams, negative keywords and terms to promote need a search terms report "
                     "(Google Ads: Insights and reports > Search terms > Download).",
                     "Dépenses perdues, n-grammes, mots clés à exclure et termes à promouvoir demandent un rapport sur "
                     "les termes de recherche (Google Ads : Insights et rapports > Termes de recherche > Télécharger)."))
    if keywords is None or "quality_score" not in keywords:
        out.append(t("The Quality Score distribution needs a search keyword report with the Quality Score column.",
                     "La répartition des niveaux de qualité demande un rapport sur les mots clés avec la colonne "
                     "Niveau de qualité."))
    if campaigns is None or "search_lost_is_budget" not in campaigns:
        out.append(t("Impression share lost to budget and to rank needs a campaign report with Search impr. share, "
                     "Search lost IS (budget) and Search lost IS (rank).",
                     "Les impressions perdues faute de budget ou de classement demandent un rapport sur les campagnes "
                     "avec le taux d'impressions et les taux d'impressions perdues (budget, classement)."))
    return out
