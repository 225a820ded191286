"""The alerts in words, French or English: what moved, by how much against its usual
range, on which day, and the first thing to check."""
from __future__ import annotations

import math

from trafficlib import i18n

__all__ = ["title", "figure", "first_check", "detail", "pick", "metric_name", "AREAS", "line"]

AREAS = {"traffic": ("Own traffic", "Trafic du site"), "seo": ("SEO", "SEO"),
         "competitors": ("Competitors", "Concurrents"), "paid": ("Paid", "Payant")}

# rule -> ((English title, French title), (English check, French check)); {s} is the subject
_RULES = {
    "tracking_gap": (("Tracking gap: {s} far below usual", "Trou de mesure : {s} très en dessous de l'habituel"),
                     ("Open the site and check the GA4 tag fires (Tag Assistant / DebugView); look for a deploy or a "
                      "consent-banner change on that day.",
                      "Ouvrir le site et vérifier que la balise GA4 se déclenche (Tag Assistant / DebugView) ; chercher "
                      "une mise en production ou un changement du bandeau de consentement ce jour-là.")),
    "channel_drop": (("Channel drop: {s}", "Chute d'un canal : {s}"),
                     ("Compare with the source's own figures (Search Console, the ad platform, the e-mail tool) to tell "
                      "a real fall from a tagging change (UTM, redirects).",
                      "Comparer avec les chiffres de la source (Search Console, la régie, l'outil d'e-mailing) pour "
                      "distinguer une vraie baisse d'un changement de marquage (UTM, redirections).")),
    "landing_drop": (("Landing page drop: {s}", "Chute d'une page d'entrée : {s}"),
                     ("Open the page: is it up, indexed, still linked from the menu and the campaigns?",
                      "Ouvrir la page : est-elle en ligne, indexée, encore liée depuis le menu et les campagnes ?")),
    "conversion_rate": (("Conversion-rate break", "Rupture du taux de conversion"),
                        ("Place a test order; check the checkout and the key-event tag.",
                         "Passer une commande test ; vérifier le tunnel de commande et la balise d'événement clé.")),
    "organic_vs_console": (("Organic sessions part from Search Console clicks",
                            "Les sessions organiques s'écartent des clics Search Console"),
                           ("Check the tag on landing pages and the consent rate; a change of redirects or of the "
                            "channel grouping also splits them.",
                            "Vérifier la balise sur les pages d'entrée et le taux de consentement ; un changement de "
                            "redirections ou du regroupement de canaux les sépare aussi.")),
    "seo_clicks": (("Search Console clicks drop", "Chute des clics Search Console"),
                   ("Look at Search Console's Pages and Queries for the day: one page or everywhere? Check robots.txt, "
                    "noindex and server errors.",
                    "Regarder Pages et Requêtes dans Search Console ce jour-là : une page ou partout ? Vérifier "
                    "robots.txt, noindex et les erreurs serveur.")),
    "position_drop": (("Position drop on '{s}'", "Perte de positions sur « {s} »"),
                      ("Search the query: who took the place? Check the ranking page is indexed and unchanged.",
                       "Chercher la requête : qui a pris la place ? Vérifier que la page qui se classait est indexée "
                       "et inchangée.")),
    "page_clicks": (("Page losing clicks: {s}", "Page qui perd des clics : {s}"),
                    ("Inspect the URL in Search Console (indexing, canonical) and its queries' positions.",
                     "Inspecter l'URL dans Search Console (indexation, canonique) et les positions de ses requêtes.")),
    "trends_surge": (("Search interest surge: '{s}'", "Envolée de l'intérêt de recherche : « {s} »"),
                     ("Look for the competitor's campaign (TV, press, promotion) and watch your brand and auction "
                      "share in the next days.",
                      "Chercher la campagne du concurrent (TV, presse, promotion) et surveiller votre marque et vos "
                      "parts d'enchères les jours suivants.")),
    "rank_change": (("Rank changes on tracked keywords: {s}", "Changements de rang sur les mots-clés suivis : {s}"),
                    ("Search the keywords listed and compare the pages now ranking (a new page, a site migration?).",
                     "Chercher les mots-clés listés et comparer les pages désormais classées (nouvelle page, "
                     "migration de site ?).")),
    "auction_entrant": (("New advertiser in your auctions: {s}", "Nouvel annonceur dans vos enchères : {s}"),
                        ("Search your main keywords to see their ads; watch your CPC and impression share.",
                         "Chercher vos mots-clés principaux pour voir leurs annonces ; surveiller CPC et part "
                         "d'impressions.")),
    "auction_share": (("Impression share moved: {s}", "Part d'impressions en mouvement : {s}"),
                      ("Compare with your own impression share lost to budget and rank.",
                       "Comparer avec votre part d'impressions perdue (budget, classement).")),
    "similarweb_move": (("Competitor traffic moved: {s}", "Trafic d'un concurrent en mouvement : {s}"),
                        ("Look at their channel mix in Similarweb to see where it came from.",
                         "Regarder leur répartition par canal dans Similarweb pour voir d'où cela vient.")),
    "spend_spike": (("Spend spike: {s}", "Pic de dépenses : {s}"),
                    ("Open the change history of the account: budget, bid strategy, new keywords or match types.",
                     "Ouvrir l'historique des modifications du compte : budget, stratégie d'enchères, nouveaux "
                     "mots-clés ou types de correspondance.")),
    "cpa_jump": (("Cost per conversion jump", "Envolée du coût par conversion"),
                 ("Check conversion tracking in the ad account first, then the search terms that spent the most.",
                  "Vérifier d'abord le suivi des conversions dans le compte, puis les termes de recherche qui ont le "
                  "plus dépensé.")),
    "wasted_terms": (("New search term spending without converting: '{s}'",
                      "Nouveau terme de recherche qui dépense sans convertir : « {s} »"),
                     ("Add it as a negative keyword if it does not match what you sell.",
                      "L'ajouter en mot-clé négatif s'il ne correspond pas à ce que vous vendez.")),
}
_WHOLE = {"tracking_gap": ("sessions", "les sessions"), "channel_drop": ("", ""), "spend_spike": ("the account", "le compte")}
_METRICS = {"sessions": ("sessions", "sessions"), "conversions": ("key events", "événements clés"),
            "clicks": ("clicks", "clics"), "position": ("position", "position"), "interest": ("interest", "intérêt"),
            "cost": ("cost", "coût"), "cpa": ("cost per conversion", "coût par conversion"),
            "conversion_rate": ("conversion rate", "taux de conversion"),
            "sessions_per_click": ("organic sessions per click", "sessions organiques par clic"),
            "impression_share": ("impression share", "part d'impressions"), "visits": ("visits", "visites"),
            "keywords_moved": ("keywords moved 5 places or more", "mots-clés qui ont bougé de 5 places ou plus")}


def pick(pair, lang: str) -> str:
    """The French or English one of an (English, French) pair."""
    return pair[1] if lang == "fr" else pair[0]


def metric_name(metric: str, lang: str) -> str:
    """``"clicks"`` -> ``"clics"`` in French."""
    return pick(_METRICS.get(metric, (metric, metric)), lang)


def title(a, lang: str) -> str:
    """The alert's headline (plain text: escape it before putting it in HTML)."""
    subject = a.subject
    if not subject:
        if a.rule == "tracking_gap":
            subject = pick(_WHOLE["tracking_gap"], lang)
        elif a.rule == "spend_spike":
            subject = pick(_WHOLE["spend_spike"], lang)
    elif a.rule == "tracking_gap" and a.subject == "conversions":
        subject = pick(_METRICS["conversions"], lang)
    return pick(_RULES[a.rule][0], lang).format(s=subject)


def first_check(a, lang: str) -> str:
    return pick(_RULES[a.rule][1], lang)


def value(x: float, unit: str, lang: str, currency: str = "EUR", decimals: int | None = None) -> str:
    """``x`` formatted for its unit (money without cents from 100 up, unless ``decimals``)."""
    if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))):
        return i18n.MISSING
    if unit == "money":
        return i18n.fmt_money(x, lang, currency, decimals if decimals is not None else (0 if abs(x) >= 100 else 2))
    if unit == "rate":
        return i18n.fmt_pct(x, lang, 1)
    if unit in ("position", "ratio"):
        return i18n.fmt_number(x, lang, 1 if unit == "position" else 2)
    return i18n.fmt_number(x, lang, 0)


def figure(a, lang: str, currency: str = "EUR") -> str:
    """``"sessions 312 on 17/09/2026 (usual 3 100 – 4 200, −91,0 %)"``."""
    metric = pick(_METRICS.get(a.metric, (a.metric, a.metric)), lang)
    finite = [abs(x) for x in (a.value, a.expected) if x is not None and math.isfinite(x)]
    dec = 0 if finite and max(finite) >= 100 else 2   # one precision for the figure and its range
    v = value(a.value, a.unit, lang, currency, dec)
    if a.rule == "wasted_terms":
        limit = value(a.high, a.unit, lang, currency, dec)
        usual = i18n.text(lang, f"threshold {limit}: a usual conversion's cost, at least 20",
                          f"seuil {limit} : le coût d'une conversion habituelle, 20 au moins")
    elif a.high > a.low:
        rng = f"{value(a.low, a.unit, lang, currency, dec)} – {value(a.high, a.unit, lang, currency, dec)}"
        usual = i18n.text(lang, f"usual {rng}", f"habituel {rng}")
    else:
        usual = i18n.text(lang, "not seen before", "jamais vu avant")
    change = ""
    if a.metric == "keywords_moved":
        pass  # a handful of keywords: a percentage would say nothing
    elif a.expected and a.unit not in ("position",) and not math.isnan(a.change):
        change = ", " + i18n.fmt_delta(a.change, lang, 0)
    elif a.unit == "position":
        change = ", " + i18n.text(lang, f"{a.value - a.expected:+.1f} places", f"{a.value - a.expected:+.1f} places".replace(".", ","))
    day = i18n.fmt_date(a.day, lang, long=True)
    on = i18n.text(lang, "on", "le")
    head = f"{v} {metric}" if a.metric == "keywords_moved" else f"{metric} {v}"
    return f"{head} {on} {day} ({usual}{change})"


def detail(a, lang: str) -> str:
    """The alert's extra detail in ``lang``: the day a search term was first seen, the
    keywords that moved (as written), "no conversion"."""
    if not a.detail:
        return ""
    if a.rule == "wasted_terms" and a.detail.startswith("since "):
        day = i18n.fmt_date(a.detail[6:], lang, long=True)
        return i18n.text(lang, f"first seen {day}, no conversion since", f"vu pour la première fois le {day}, "
                                                                         "aucune conversion depuis")
    if a.detail == "no conversion":
        return i18n.text(lang, "no conversion that day (the figure is the day's cost)",
                         "aucune conversion ce jour-là (le chiffre est le coût du jour)")
    return a.detail


def line(a, lang: str) -> str:
    """One plain-text line: title, figure, first check."""
    note = f" [{a.holiday}]" if getattr(a, "holiday", "") else ""
    colon = " : " if lang == "fr" else ": "
    extra = f" ({detail(a, lang)})" if a.detail else ""
    return f"{title(a, lang)}{note}{colon}{figure(a, lang)}{extra}. {first_check(a, lang)}"
