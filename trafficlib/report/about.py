"""The "About this report" section at the end of every report: the parameters a report
was made with, under readable labels in the report's language.

:func:`about_rows` turns parameters into (name, label, value) rows: a small table of
labels for the parameter names the notebooks use (:data:`PARAMETER_LABELS`), a readable
fallback for any other name (``answer_1_2`` -> "Answer to exercise 1.2",
``foo_bar`` -> "Foo bar"), values formatted in the report language (dates, numbers,
yes/no, the language's own name) and paths shown exactly as given.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from trafficlib import i18n

__all__ = ["PARAMETER_LABELS", "parameter_label", "parameter_value", "about_rows"]

# name -> (en, fr)
PARAMETER_LABELS: dict[str, tuple[str, str]] = {
    "lang": ("Language", "Langue"),
    "data_path": ("Data", "Données"),
    "ads_dir": ("Ad platform exports", "Exports des régies"),
    "ab_file": ("A/B test file", "Fichier du test A/B"),
    "paths_file": ("Conversion paths file", "Fichier des parcours"),
    "ad_spend_file": ("Ad spend file", "Fichier des dépenses publicitaires"),
    "site_name": ("Site", "Site"),
    "site_domain": ("Site domain", "Domaine du site"),
    "our_domain": ("Our domain", "Notre domaine"),
    "competitors": ("Competitors", "Concurrents"),
    "period_start": ("Period start", "Début de la période"),
    "period_end": ("Period end", "Fin de la période"),
    "start_date": ("Start date", "Date de début"),
    "end_date": ("End date", "Date de fin"),
    "compare": ("Compared with", "Comparé à"),
    "year_over_year": ("Year-on-year view", "Comparaison sur un an"),
    "timeout_minutes": ("Session timeout (minutes)", "Expiration des sessions (minutes)"),
    "split_at_midnight": ("Sessions split at midnight", "Sessions coupées à minuit"),
    "split_on_campaign": ("New session on a campaign change", "Nouvelle session à chaque changement de campagne"),
    "ua_bounce": ("Bounce rate as Universal Analytics counted it", "Taux de rebond façon Universal Analytics"),
    "exclude_bots": ("Bot bursts left out", "Rafales de robots écartées"),
    "currency": ("Currency", "Devise"),
    "campaign": ("Campaign", "Campagne"),
    "budget": ("Budget", "Budget"),
    "target_cpa": ("Target CPA", "CPA cible"),
    "target_roas": ("Target ROAS", "ROAS cible"),
    "kpi": ("Outcome measured", "Indicateur mesuré"),
    "control": ("Control series", "Série témoin"),
    "treated_country": ("Targeted country", "Pays ciblé"),
    "rank_by": ("Ranked by", "Classé par"),
    "mde": ("Smallest effect to detect", "Plus petit effet à détecter"),
    "lookback_days": ("Lookback window (days)", "Fenêtre d'attribution (jours)"),
    "markov_order": ("Markov chain order", "Ordre de la chaîne de Markov"),
    "half_life_days": ("Time-decay half-life (days)", "Demi-vie de la décroissance (jours)"),
    "position_first": ("Position-based: first touch weight", "En U : poids du premier contact"),
    "position_last": ("Position-based: last touch weight", "En U : poids du dernier contact"),
    "merge_repeats": ("Repeated channels merged", "Canaux répétés fusionnés"),
    "max_path_length": ("Longest path kept", "Parcours le plus long gardé"),
    "thresholds": ("Alert thresholds", "Seuils d'alerte"),
    "ctr_curve": ("Click-through curve by position", "Courbe de taux de clic par position"),
    "country": ("Country whose holidays are named", "Pays dont les jours fériés sont nommés"),
    "spend_path": ("Ad spend", "Dépenses publicitaires"),
    "as_of": ("Data as of", "Données au"),
    "maturity_days": ("Lead age for funnel rates (days)", "Âge des leads pour les taux (jours)"),
    "min_page_leads": ("Fewest leads to show a landing page", "Minimum de leads pour montrer une page"),
    "conversion_name": ("Google Ads conversion action", "Action de conversion Google Ads"),
    "timezone": ("Time zone", "Fuseau horaire"),
    "offline_file": ("Offline-conversion import file", "Fichier d'import des conversions hors ligne"),
    "search_console_path": ("Search Console export", "Export Search Console"),
    "query_page_file": ("Query × page table", "Table requête × page"),
    "brand_regex": ("Brand queries", "Requêtes de marque"),
    "min_impressions": ("Fewest impressions to judge a CTR", "Minimum d'impressions pour juger un CTR"),
    "striking_positions": ("Striking-distance positions", "Positions « à portée »"),
    "prior_level_sd": ("Prior on the level's drift", "A priori sur la dérive du niveau"),
    "plan_file": ("Media plan", "Plan média"),
    "ga4_path": ("GA4 export", "Export GA4"),
    # media mix
    "outcome": ("Outcome explained", "Résultat expliqué"),
    "channel_map": ("Campaigns to channels", "Campagnes vers canaux"),
    "holidays_country": ("Country whose holidays enter the model", "Pays dont les jours fériés entrent dans le modèle"),
    "holdout_weeks": ("Recent weeks held out to test the fit", "Semaines récentes mises de côté pour tester le modèle"),
    "budget_weeks": ("Horizon of the budget shift (weeks)", "Horizon de la réallocation (semaines)"),
    "max_shift": ("Largest change per channel (share of today's spend)",
                  "Plus grand écart par canal (part de la dépense actuelle)"),
    "adstock": ("Carry-over shape", "Forme de la rémanence"),
    "saturation": ("Diminishing-returns curve", "Courbe des rendements décroissants"),
    "draws": ("Posterior draws per chain", "Tirages a posteriori par chaîne"),
    "tune": ("Warm-up steps per chain", "Pas de chauffe par chaîne"),
    "chains": ("Chains", "Chaînes"),
    "seed": ("Random seed", "Graine aléatoire"),
}

_LANG_NAMES = {"en": ("English", "anglais"), "fr": ("French", "français")}
_COMPARE = {"previous": ("the previous period", "la période précédente"),
            "yoy": ("the same period a year earlier", "la même période un an plus tôt"),
            "none": ("nothing (no comparison)", "rien (pas de comparaison)")}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parameter_label(name: str, lang: str = "en") -> str:
    """The readable label of a parameter name in ``lang``."""
    if name in PARAMETER_LABELS:
        return i18n.text(lang, *PARAMETER_LABELS[name])
    m = re.fullmatch(r"answer_(\d+)_(\d+)", name)
    if m:
        return i18n.text(lang, f"Answer to exercise {m[1]}.{m[2]}", f"Réponse à l'exercice {m[1]}.{m[2]}")
    if name in i18n.LABELS:
        return i18n.label(name, lang)
    text = re.sub(r"_(path|dir|file)$", "", name)
    return text.replace("_", " ").strip().capitalize() or name


def parameter_value(name: str, value: Any, lang: str = "en") -> str:
    """A parameter's value as shown: paths exactly as given, dates, numbers and yes/no in
    ``lang``, the missing value as a dash."""
    if value is None or (isinstance(value, str) and value == ""):
        return i18n.MISSING
    if isinstance(value, bool):
        return i18n.text(lang, "yes", "oui") if value else i18n.text(lang, "no", "non")
    if name == "lang" and value in _LANG_NAMES:
        return i18n.text(lang, *_LANG_NAMES[value])
    if name == "compare" and isinstance(value, str) and value.strip().lower() in _COMPARE:
        return i18n.text(lang, *_COMPARE[value.strip().lower()])
    if isinstance(value, (int, float)):
        if name == "mde" and 0 < value < 1:
            return i18n.fmt_pct(value, lang, 0)
        if float(value).is_integer():
            return i18n.fmt_number(value, lang, 0)
        return i18n.fmt_number(value, lang, 3).rstrip("0").rstrip(",.")
    if isinstance(value, (list, tuple)):
        return ", ".join(parameter_value(name, v, lang) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {parameter_value(str(k), v, lang)}" for k, v in value.items())
    if isinstance(value, str) and _DATE.fullmatch(value):
        return i18n.fmt_date(value, lang)
    return str(value)


def about_rows(parameters: Mapping[str, Any], lang: str = "en",
               hidden: Iterable[str] = ()) -> list[tuple[str, str, str]]:
    """(name, label, value) of each parameter to show, in the given order, ``lang``
    last (it is the least informative), names in ``hidden`` left out."""
    skip = set(hidden)
    names = [k for k in parameters if k not in skip and k != "lang"]
    if "lang" in parameters and "lang" not in skip:
        names.append("lang")
    return [(k, parameter_label(k, lang), parameter_value(k, parameters[k], lang)) for k in names]
