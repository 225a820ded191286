"""The paid-search audit's findings, ranked, each with its money at stake (fr/en)."""
from __future__ import annotations


import numpy as np
import pandas as pd

from trafficlib import i18n
from trafficlib.metrics import ratio
from trafficlib.paid_search import structure, terms
from trafficlib.paid_search.coverage import share_of_base
from trafficlib.findings import Finding, findings_table  # noqa: F401  (shared by the money reports)

__all__ = ["Finding", "findings", "findings_table", "headline", "missing_sections", "section_note", "has_section",
           "SEVERITY_ORDER", "DOWNLOADS"]

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def _m(x, lang, currency):
    return i18n.fmt_money(x, lang, currency=currency, decimals=0)


def _sev(share: float, high: float, medium: float) -> str:
    if not np.isfinite(share):
        return "low"
    return "high" if share >= high else "medium" if share >= medium else "low"


def findings(search_terms: pd.DataFrame | None, keywords: pd.DataFrame | None = None,
             campaigns: pd.DataFrame | None = None, min_clicks_waste: int = 10, min_clicks_negative: int = 20,
             min_conversions_promote: float = 2.0, low_qs: int = 4, lang: str = "en",
             currency: str = "EUR", negatives: pd.DataFrame | None = None,
             base: dict | None = None) -> list[Finding]:
    """Every finding the reports given allow, sorted by severity then money at stake.

    ``negatives``: the account's negative keywords (terms they already exclude are
    flagged in the wasted spend and never proposed again); ``base``: what the search
    terms listed are of the account (:func:`~trafficlib.paid_search.coverage.search_terms_base`),
    so that every share names its base.

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
        waste, w = terms.wasted_spend(search_terms, min_clicks_waste, negatives)
        if w["terms"]:
            top = ", ".join(f"« {x} »" if lang == "fr" else f"'{x}'" for x in waste["term"].head(3))
            share = share_of_base(w["wasted_cost"], w["total_cost"], base, lang, currency)
            done = ""
            if w["excluded_cost"] > 0:
                done = t(f" {_m(w['excluded_cost'], lang, currency)} of it on terms already excluded since "
                         "(negative keywords or the report's Added/Excluded column): flagged in the table.",
                         f" Dont {_m(w['excluded_cost'], lang, currency)} sur des termes exclus depuis (mots clés à "
                         "exclure ou colonne Ajouté/Exclu du rapport) : signalés dans le tableau.")
            out.append(Finding(
                "wasted_spend", _sev(w["share_of_cost"], 0.10, 0.03),
                t(f"{_m(w['wasted_cost'], lang, currency)} spent on {w['terms']} search terms that never converted",
                  f"{_m(w['wasted_cost'], lang, currency)} dépensés sur {w['terms']} termes de recherche qui n'ont jamais converti"),
                t(f"{share}; terms with at least {w['min_clicks']} clicks and no conversion over the period, "
                  f"e.g. {top}.{done}",
                  f"{share} ; termes d'au moins {w['min_clicks']} clics sans aucune conversion sur la période, "
                  f"par ex. {top}.{done}"),
                t("Exclude the irrelevant ones (negative keywords), tighten the match type of the keywords behind them.",
                  "Exclure ceux qui sont hors sujet (mots clés à exclure), resserrer le type de correspondance des mots clés en cause."),
                w["wasted_cost"], waste))
        neg, rule = terms.negative_candidates(search_terms, keywords, min_clicks_negative, negatives=negatives)
        if len(neg):
            share = float(ratio(rule["money_at_stake"], terms.term_table(search_terms)["cost"].sum()))
            grams = ", ".join(f"« {x} »" if lang == "fr" else f"'{x}'" for x in neg["ngram"].head(4))
            done = ""
            if rule["already_excluded_terms"]:
                done = t(f" Terms already excluded ({rule['already_excluded_terms']}, "
                         f"{_m(rule['already_excluded_cost'], lang, currency)}) are left out.",
                         f" Les termes déjà exclus ({rule['already_excluded_terms']}, "
                         f"{_m(rule['already_excluded_cost'], lang, currency)}) sont écartés.")
            out.append(Finding(
                "negative_keywords", _sev(share, 0.05, 0.01),
                t(f"{len(neg)} negative-keyword candidate(s): {grams}",
                  f"{len(neg)} mot(s) clé(s) à exclure : {grams}"),
                t(f"They appear in {rule['terms_blocked']} terms that cost {_m(rule['money_at_stake'], lang, currency)} "
                  f"without a conversion (each n-gram: at least {rule['min_clicks']} clicks, no conversion, and more "
                  f"spent than the account's cost per conversion, {_m(rule['min_cost'], lang, currency)}).{done}",
                  f"Ils figurent dans {rule['terms_blocked']} termes qui ont coûté {_m(rule['money_at_stake'], lang, currency)} "
                  f"sans conversion (chaque n-gramme : au moins {rule['min_clicks']} clics, aucune conversion, et plus "
                  f"dépensé que le coût par conversion du compte, {_m(rule['min_cost'], lang, currency)}).{done}"),
                t("Add them as phrase-match negative keywords (check each against your offer first).",
                  "Les ajouter en mots clés à exclure en expression exacte (vérifier chacun au regard de l'offre)."),
                rule["money_at_stake"], neg.drop(columns="_terms")))
        promo, prule = terms.promote_candidates(search_terms, keywords, min_conversions_promote)
        if len(promo):
            names = ", ".join(f"« {x} »" if lang == "fr" else f"'{x}'" for x in promo["term"].head(3))
            value = float(promo["conversion_value"].sum(min_count=1))  # NaN: the report has no conversion value
            out.append(Finding(
                "promote_terms", "medium" if value > 0 else "low",
                t(f"{len(promo)} converting search term(s) not yet keywords: {names}",
                  f"{len(promo)} terme(s) de recherche qui convertissent sans être des mots clés : {names}"),
                t(f"{promo['conversions'].sum():g} conversions worth {_m(value, lang, currency)} "
                  f"at a cost per conversion no higher than the account's ({_m(prule['account_cpa'], lang, currency)}), "
                  f"bought today through broader keywords.",
                  f"{promo['conversions'].sum():g} conversions pour {_m(promo['conversion_value'].sum(), lang, currency)} "
                  f"de valeur, à un coût par conversion au plus égal à celui du compte ({_m(prule['account_cpa'], lang, currency)}), "
                  f"achetées aujourd'hui via des mots clés plus larges."),
                t("Add them as exact-match keywords with their own bid and ad.",
                  "Les ajouter en mots clés exacts, avec leur propre enchère et annonce."),
                value if np.isfinite(value) else 0.0, promo))
    if keywords is not None and "quality_score" in keywords and keywords["quality_score"].notna().any():
        q = structure.quality_score_summary(keywords, low_qs)
        if q["low_cost"] > 0:
            out.append(Finding(
                "low_quality_score", _sev(q["low_cost_share"], 1.1, 0.20),
                t(f"{_m(q['low_cost'], lang, currency)} on keywords with a Quality Score of {low_qs} or less",
                  f"{_m(q['low_cost'], lang, currency)} sur des mots clés de niveau de qualité {low_qs} ou moins"),
                t(f"{i18n.fmt_pct(q['low_cost_share'], lang)} of the spend on the keywords listed ({', '.join(q['low_keywords'][:5])}); "
                  f"impression-weighted Quality Score {i18n.fmt_number(q['weighted_qs'], lang, 1)}. A low score raises the price of each click.",
                  f"{i18n.fmt_pct(q['low_cost_share'], lang)} des dépenses des mots clés listés ({', '.join(q['low_keywords'][:5])}) ; "
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
                worth = (t(f"worth about {_m(r['missed_value_budget'], lang, currency)} at its rates",
                           f"soit environ {_m(r['missed_value_budget'], lang, currency)} de valeur à ses taux")
                         if np.isfinite(r["missed_value_budget"]) else
                         t("value unknown (the report has no conversion value)",
                           "valeur inconnue (le rapport n'a pas de valeur de conversion)"))
                out.append(Finding(
                    "lost_to_budget", "high" if (r["roas"] >= 1) else "medium",
                    t(f"'{r['campaign']}' loses {i18n.fmt_pct(r['search_lost_is_budget'], lang)} of its impressions to budget",
                      f"« {r['campaign']} » perd {i18n.fmt_pct(r['search_lost_is_budget'], lang)} de ses impressions faute de budget"),
                    t(f"About {i18n.fmt_int(r['missed_impressions_budget'], lang)} impressions and "
                      f"{i18n.fmt_int(r['missed_clicks_budget'], lang)} clicks missed, {worth}, for about "
                      f"{_m(r['extra_cost_budget'], lang, currency)} more budget (ROAS {i18n.fmt_number(r['roas'], lang, 2)}).",
                      f"Environ {i18n.fmt_int(r['missed_impressions_budget'], lang)} impressions et "
                      f"{i18n.fmt_int(r['missed_clicks_budget'], lang)} clics manqués, {worth}, pour environ "
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
                    t(f"About {i18n.fmt_int(r['missed_clicks_rank'], lang)} clicks missed, "
                      + (f"worth {_m(r['missed_value_rank'], lang, currency)}." if np.isfinite(r["missed_value_rank"])
                         else "value unknown (the report has no conversion value)."),
                      f"Environ {i18n.fmt_int(r['missed_clicks_rank'], lang)} clics manqués, "
                      + (f"soit {_m(r['missed_value_rank'], lang, currency)}." if np.isfinite(r["missed_value_rank"])
                         else "valeur inconnue (le rapport n'a pas de valeur de conversion).")),
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




def headline(search_terms: pd.DataFrame | None, campaigns: pd.DataFrame | None = None,
             keywords: pd.DataFrame | None = None) -> pd.Series:
    """Totals of the most complete report given (campaigns, else keywords, else search
    terms): impressions, clicks, cost, conversions, conversion_value and ctr, cpc, cpa,
    roas."""
    rows = next((r for r in (campaigns, keywords, search_terms) if r is not None), None)
    if rows is None:
        return pd.Series(dtype="float64")
    # min_count: a column the report lacks (conversion value) stays unknown, never 0
    s = pd.DataFrame([{c: pd.to_numeric(rows[c], errors="coerce").sum(min_count=1) if c in rows else np.nan
                       for c in terms.SUMS}])
    return terms.with_ratios(s).iloc[0]


# The download that feeds each section, with its menu path in Google Ads (en, fr).
DOWNLOADS = {
    "search_terms": (
        "a search terms report (Google Ads: Campaigns > Insights and reports > Search terms, then Download)",
        "un rapport sur les termes de recherche (Google Ads : Campagnes > Insights et rapports > Termes de recherche, "
        "puis Télécharger)"),
    "match_types": (
        "a search keyword report with its Match type column (Google Ads: Campaigns > Audiences, keywords and content > "
        "Search keywords, then Download), or a search terms report with Match type",
        "un rapport sur les mots clés de recherche avec sa colonne Type de correspondance (Google Ads : Campagnes > "
        "Audiences, mots clés et contenu > Mots clés de recherche, puis Télécharger), ou un rapport sur les termes de "
        "recherche avec le type de correspondance"),
    "quality_score": (
        "a search keyword report with the Quality Score column (Google Ads: Campaigns > Audiences, keywords and "
        "content > Search keywords; Columns > Modify columns > Quality Score; then Download)",
        "un rapport sur les mots clés de recherche avec la colonne Niveau de qualité (Google Ads : Campagnes > "
        "Audiences, mots clés et contenu > Mots clés de recherche ; Colonnes > Modifier les colonnes > Niveau de "
        "qualité ; puis Télécharger)"),
    "impression_share": (
        "a campaign report with Search impr. share, Search lost IS (budget) and Search lost IS (rank) (Google Ads: "
        "Campaigns > Campaigns; Columns > Modify columns > Competitive metrics; then Download). A bid-adjustment, "
        "device or audience report does not replace it",
        "un rapport sur les campagnes avec le taux d'impressions sur le Réseau de Recherche et les taux d'impressions "
        "perdues (budget) et (classement) (Google Ads : Campagnes > Campagnes ; Colonnes > Modifier les colonnes > "
        "Statistiques sur la concurrence ; puis Télécharger). Un rapport d'ajustements d'enchères, par appareil ou "
        "par audience ne le remplace pas"),
    "negatives": (
        "a negative keyword report (Google Ads: Campaigns > Audiences, keywords and content > Search keywords > "
        "Negative search keywords, then Download)",
        "un rapport sur les mots clés à exclure (Google Ads : Campagnes > Audiences, mots clés et contenu > Mots clés "
        "de recherche > Mots clés à exclure du Réseau de Recherche, puis Télécharger)"),
}
_SECTIONS = {
    "search_terms": ("The search-term analysis (wasted spend, n-grams, negative keywords, terms to promote)",
                     "L'analyse des termes de recherche (dépenses perdues, n-grammes, mots clés à exclure, termes à "
                     "promouvoir)"),
    "match_types": ("The match-type mix", "La répartition par type de correspondance"),
    "quality_score": ("The Quality Score distribution", "La répartition des niveaux de qualité"),
    "impression_share": ("Impression share lost to budget and to rank",
                         "Les impressions perdues faute de budget ou de classement"),
    "negatives": ("Telling the terms already excluded", "Repérer les termes déjà exclus"),
}


def _usable(frame, column: str) -> bool:
    return frame is not None and column in frame and frame[column].notna().any()


def has_section(key: str, search_terms=None, keywords=None, campaigns=None, negatives=None) -> bool:
    """Whether the exports given feed the section ``key`` (see :data:`DOWNLOADS`):
    ``search_terms`` needs search terms; ``match_types`` a match type on keywords or
    search terms; ``quality_score`` a keyword report with Quality Scores;
    ``impression_share`` a campaign report with impression share; ``negatives`` a
    negative keyword report."""
    if key == "search_terms":
        return _usable(search_terms, "search_term")
    if key == "match_types":
        return _usable(keywords, "match_type") or _usable(search_terms, "match_type")
    if key == "quality_score":
        return _usable(keywords, "quality_score")
    if key == "impression_share":
        return any(_usable(campaigns, c) for c in ("search_impression_share", "search_lost_is_budget",
                                                   "search_lost_is_rank"))
    if key == "negatives":
        return negatives is not None and len(negatives) > 0
    raise KeyError(key)


def section_note(key: str, lang: str = "en") -> str:
    """The one line that stands for section ``key`` when its download is missing: what
    it needs, with the menu path in Google Ads, in ``lang``."""
    what_en, what_fr = _SECTIONS[key]
    need_en, need_fr = DOWNLOADS[key]
    return i18n.text(lang, f"{what_en} needs {need_en}.", f"{what_fr} : il faut {need_fr}.")


def missing_sections(search_terms, keywords, campaigns, lang: str = "en") -> list[str]:
    """One plain sentence per section the exports given cannot support, naming the export
    that would enable it and where to download it (:func:`section_note`)."""
    return [section_note(k, lang) for k in ("search_terms", "match_types", "quality_score", "impression_share")
            if not has_section(k, search_terms, keywords, campaigns)]
