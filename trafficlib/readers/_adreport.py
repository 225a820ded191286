"""What every ad-platform report shares: headers, totals, periods, numbers.

Google Ads, Microsoft Advertising and Meta Ads Manager exports are tables of
*dimensions* (campaign, ad group, keyword, search term, device, day...) and *metrics*
(impressions, clicks, cost...), with, around them:

- a preamble: a report title and a date range (``January 17, 2024 - February 15, 2024``,
  ``1 May 2026 - 8 May 2026``, ``1 janvier 2024 - 15 février 2024``, ``2026-04-01 -
  2026-04-30``) or Microsoft's ``Report Period: ...`` lines;
- total rows, told apart by the one rule of :func:`trafficlib.readers._sheet.split_totals`:
  ``Total: Account``, ``Total: Search terms``, ``Total : compte``... in whichever column
  (a cell labelled so while every other dimension of the row is blank or ``--``; a
  ``Total: <level>`` in the first column whatever else the row holds, e.g. its campaign
  type), and Meta's unlabelled summary row (empty names, above the rows). A real search
  term that starts with "total" is data. Each goes to ``Export.totals`` with its
  ``level`` and ``scope``: ``"rows"`` for the rows' own total (``Total: Search terms``,
  ``Total: Keywords``, ``Total: All but removed ads``, Meta's summary), ``"more"`` for
  the account, a campaign type or the terms Google does not name;
- sometimes no dated range at all (``All time``, ``Last 30 days``, a script's output):
  such a report is read with ``date``/``date_end`` empty and a note (period unknown);
- on a manager account, each money column twice: the account's own (``Cost``, in its
  ``Currency code``) and ``Cost (Converted currency)``: one set is read, never both;
- ``--`` and blank for missing, ``< 10%`` / ``> 90%`` for censored shares, currency codes
  in headers (``Cost (USD)``, ``Coût (EUR)``) or a ``Currency code`` column, thousands
  separators of either locale (the locale comes from the headers' language).

:func:`read_table` turns one such table into the canonical ``ad_spend`` grain (see
:mod:`trafficlib.schema`) and an :class:`~trafficlib.readers.registry.Export` whose
``totals`` first row is the total the rows must add up to when its scope is ``"rows"``.
Range lines and date cells in the interface languages (en, fr, de, es, it, pt, nl) are
read by ``dateparser`` where the fast common layouts do not match.
"""
from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata

import numpy as np
import pandas as pd

from trafficlib.errors import TrafficDataError
from trafficlib.readers._numbers import MISSING, numbers, yyyymmdd_or_dates
from trafficlib.readers._sheet import Sheet, split_totals, total_label
from trafficlib.readers.registry import Export
from trafficlib.schema import normalize_header

__all__ = ["key", "map_header", "period_from_lines", "parse_days", "read_table", "DIMENSIONS", "METRICS",
           "SHARES", "is_total_label", "ad_headers_score", "total_scopes", "total_covers",
           "LANGUAGES"]


def key(header: str) -> str:
    """A header in snake ASCII form, bracket contents kept except currency codes:
    ``'Search lost IS (budget)'`` -> ``'search_lost_is_budget'``, ``'Cost (USD)'`` -> ``'cost'``."""
    h = re.sub(r"\(\s*(?:[A-Z]{3}|[€$£¥₹])\s*\)", " ", str(header))
    h = h.replace("(", " ").replace(")", " ").replace("[", " ").replace("]", " ")
    return normalize_header(h)


def _k(*names: str) -> set[str]:
    return {key(n) for n in names}


# canonical dimension -> header keys (Google Ads, Microsoft, Meta; English and French UI)
DIMENSIONS: dict[str, set[str]] = {
    "date": _k("Day", "Date", "Jour", "Reporting starts", "Début des rapports", "Time period", "Période",
               "Gregorian date", "Date grégorienne"),
    "date_end": _k("Reporting ends", "Fin des rapports"),
    "week": _k("Week", "Semaine", "Week (Mon - Sun)", "Week (Sun - Sat)", "Semaine (lun - dim)",
               "Semaine (lun. - dim.)", "Semaine (dim. - sam.)"),
    "month": _k("Month", "Mois"),
    "quarter": _k("Quarter", "Trimestre"),
    "year": _k("Year", "Année"),
    "account": _k("Account", "Account name", "Compte", "Nom du compte", "Customer name", "Nom du client"),
    "campaign": _k("Campaign", "Campagne", "Campaign name", "Nom de la campagne"),
    "campaign_type": _k("Campaign type", "Type de campagne", "Advertising channel", "Campaign subtype"),
    "ad_group": _k("Ad group", "Groupe d'annonces", "Ad group name", "Nom du groupe d'annonces", "Ad set name",
                   "Nom de l'ensemble de publicités", "Ad set", "Ensemble de publicités", "Asset group",
                   "Groupe d'assets", "Groupe de composants"),
    "keyword": _k("Keyword", "Search keyword", "Mot clé", "Mot-clé", "Mot clé de recherche", "Keyword text",
                  "Mots clés", "Mot clé du Réseau de Recherche"),
    "match_type": _k("Match type", "Type de correspondance", "Search keyword match type", "Keyword match type",
                     "Search term match type", "Delivered match type", "Type de correspondance diffusé",
                     "Type de correspondance du mot clé", "Type de correspondance du terme de recherche"),
    "search_term": _k("Search term", "Terme de recherche", "Search query", "Requête de recherche", "Search terms",
                      "Termes de recherche", "Query", "Requête"),
    "term_status": _k("Added/Excluded", "Added / Excluded", "Ajouté/Exclu", "Ajouté / Exclu", "Ajouté/Exclu(e)"),
    "ad": _k("Ad", "Annonce", "Ad name", "Nom de la publicité", "Nom de l'annonce", "Ad ID", "ID de l'annonce",
             "Ad title", "Titre de l'annonce"),
    "ad_type": _k("Ad type", "Type d'annonce"),
    "landing_page": _k("Landing page", "Page de destination", "Final URL", "URL finale", "Expanded landing page",
                       "Page de destination développée", "Destination URL", "URL de destination"),
    "device": _k("Device", "Appareil", "Device type", "Type d'appareil", "Impression device", "Appareil d'impression"),
    "video": _k("Video", "Vidéo", "Video title", "Titre de la vidéo"),
    "asset": _k("Asset", "Composant", "Élément"),
    "interaction_type": _k("Interaction type", "Type d'interaction"),
    "network": _k("Network", "Réseau", "Network (with search partners)", "Réseau (avec partenaires du Réseau de Recherche)",
                  "Réseau (avec les partenaires du Réseau de Recherche)", "Platform", "Plateforme", "Ad network",
                  "Top vs. Other", "Haut de page/Autre"),
    "placement": _k("Placement", "Emplacement"),
    "device_platform": _k("Device platform", "Plateforme de l'appareil"),
    "age": _k("Age", "Âge", "Age range", "Tranche d'âge"),
    "gender": _k("Gender", "Sexe"),
    "income": _k("Household income", "Revenu du foyer", "Revenus du foyer", "Income range", "Tranche de revenus"),
    "country": _k("Country/Territory", "Pays/Territoire", "Country", "Pays", "Country/Territory (User location)",
                  "Pays/Territoire (zone géographique de l'utilisateur)"),
    "region": _k("Region", "Région", "Region (User location)", "Région (zone géographique de l'utilisateur)", "State",
                 "État/Région"),
    "city": _k("City", "Ville", "City (User location)", "Ville (zone géographique de l'utilisateur)"),
    "location": _k("Location", "Zone géographique", "Targeted location", "Zone géographique ciblée", "Matched location",
                   "Most specific location", "Zone géographique la plus précise"),
    "currency": _k("Currency code", "Code de la devise", "Currency", "Devise", "Code devise"),
    "result_indicator": _k("Result indicator", "Indicateur de résultats", "Result type", "Type de résultat"),
    "expected_ctr": _k("Exp. CTR", "Expected CTR", "CTR attendu", "CTR escompté", "Exp. CTR (hist.)"),
    "ad_relevance": _k("Ad relevance", "Pertinence de l'annonce", "Ad relevance (hist.)"),
    "landing_page_experience": _k("Landing page exp.", "Landing page experience", "Convivialité de la page de destination",
                                  "Expérience sur la page de destination", "Landing page exp. (hist.)"),
}

# canonical metric -> (header keys, kind): "count" whole numbers, "number" decimals
METRICS: dict[str, tuple[set[str], str]] = {
    "impressions": (_k("Impr.", "Impressions", "Impr", "Impressions (Impr.)"), "count"),
    "clicks": (_k("Clicks", "Clics", "Link clicks", "Clics sur un lien", "Clics sur le lien"), "count"),
    "clicks_all": (_k("Clicks (all)", "Clics (tous)", "Clics (toutes)"), "count"),
    "interactions": (_k("Interactions", "Interactions (Interactions)"), "count"),
    "views": (_k("Views", "Vues", "Video views", "Vues de vidéos"), "count"),
    "cost": (_k("Cost", "Coût", "Cout", "Spend", "Spent", "Dépense", "Dépenses", "Amount spent", "Montant dépensé"),
             "number"),
    "conversions": (_k("Conversions", "Conv.", "Results", "Résultats", "Conv", "Conv. (Platform Comparable)",
                       "Conversions (Platform Comparable)", "Total_Conversion", "Total conversions"), "number"),
    "all_conversions": (_k("All conv.", "Toutes les conv.", "All conversions", "Toutes les conversions"), "number"),
    "conversion_value": (_k("Conv. value", "Valeur de conv.", "Conversion value", "Valeur de conversion", "Total conv. value",
                            "Valeur totale de conv.", "Revenue", "Chiffre d'affaires", "Revenus",
                            "Purchases conversion value", "Valeur de conversion des achats",
                            "Website purchases conversion value", "Valeur de conversion des achats sur le site web"),
                         "number"),
    "reach": (_k("Reach", "Couverture", "Portée"), "count"),
    "approved_conversions": (_k("Approved_Conversion", "Approved conversions"), "number"),
    "quality_score": (_k("Quality Score", "Qual. Score", "Quality score", "Niveau de qualité", "Qual. Score (hist.)",
                         "Niveau de qualité (hist.)"), "number"),
}

# shares written as percentages, possibly censored ("< 10%"): canonical -> header keys
SHARES: dict[str, set[str]] = {
    "search_impression_share": _k("Search impr. share", "Search Impr. share", "Impr. share", "Impression share",
                                  "Taux d'impressions", "Part d'impressions", "Search IS",
                                  "Taux d'impressions sur le Réseau de Recherche",
                                  "Taux d'impressions dans le Réseau de Recherche", "Impr. share (IS)"),
    "search_lost_is_budget": _k("Search lost IS (budget)", "Impr. share lost to budget", "Lost IS (budget)"),
    "search_lost_is_rank": _k("Search lost IS (rank)", "Impr. share lost to rank", "Lost IS (rank)"),
    "search_top_is": _k("Search top IS", "Top of page rate", "Taux d'impressions en haut de la page"),
    "search_abs_top_is": _k("Search abs. top IS", "Abs. Top of page rate",
                            "Taux d'impressions en position absolue en haut de la page"),
}

# Ratios the platforms compute; the kit recomputes them from the sums, never reads them.
_RATIOS = _k("CTR", "Avg. CPC", "CPC moy.", "CPC moyen", "Avg. CPM", "CPM moy.", "CPM", "Conv. rate", "Taux de conv.",
             "Cost / conv.", "Coût/conv.", "Coût / conv.", "Cost per result", "Coût par résultat", "Avg. cost",
             "Coût moyen", "Interaction rate", "Taux d'interaction", "Conv. value / cost", "Valeur de conv./coût",
             "ROAS", "Purchase ROAS", "ROAS des achats", "Frequency", "Répétition", "Fréquence", "Value / conv.",
             "Valeur/conv.", "CPC (all)", "CPC (tous)", "CTR (all)", "CTR (tous)", "CPC (cost per link click)",
             "CTR (link click-through rate)", "CPC (coût par clic sur un lien)", "CTR (taux de clics sur le lien)",
             "Cost per conv.", "Conv. rate (all)", "Avg. position", "Position moy.", "Cost / all conv.",
             "Coût/toutes les conv.", "Avg. CPV", "View rate", "Return on ad spend", "Avg. CPC (all)",
             # Meta's own ratio headers ("Cost per results" in some exports; CPM with its long name)
             "Cost per results", "CPM (cost per 1,000 impressions)", "CPM (coût pour 1 000 impressions)")

_DIM_LOOKUP = {k: c for c, ks in DIMENSIONS.items() for k in ks}
_MET_LOOKUP = {k: c for c, (ks, _) in METRICS.items() for k in ks}
_SHARE_LOOKUP = {k: c for c, ks in SHARES.items() for k in ks}

# the grain columns of a row (total rows have them blank); date-like first
GRAIN = ("date", "week", "month", "quarter", "year", "account", "campaign", "campaign_type", "ad_group", "keyword",
         "match_type", "search_term", "ad", "landing_page", "device", "network", "age", "gender", "income", "country",
         "region", "city", "location", "video", "asset", "interaction_type", "placement", "device_platform")

_CURRENCY_IN_HEADER = re.compile(r"\(\s*([A-Z]{3})\s*\)")


def _fuzzy_share(k: str) -> str | None:
    """Impression-share columns by their words, whatever the UI's exact phrasing."""
    lost = "lost" in k or "perdu" in k
    if ("is" in k.split("_") or "impr" in k or "impression" in k) and lost:
        if "budget" in k:
            return "search_lost_is_budget"
        if "rank" in k or "classement" in k:
            return "search_lost_is_rank"
    return None


def best_sheet(probe) -> Sheet:
    """The table block of ``probe`` that looks most like an ad report (its header fixed
    by :func:`fix_sheet`)."""
    return max((fix_sheet(s) for s in probe.sheets), key=lambda s: ad_headers_score(s.header))


def preamble_of(probe, sheet: Sheet) -> list[str]:
    """The lines above ``sheet``: the preambles of the blocks before it, then its own
    (a report title and date range may sit in a block of their own)."""
    lines = []
    for s in probe.sheets:
        if s.header_line >= sheet.header_line or s.lines[:1] == sheet.lines[:1]:
            break
        lines.extend(s.preamble)
    lines.extend(sheet.preamble)
    return lines


def fix_sheet(sheet: Sheet) -> Sheet:
    """The sheet with its real header: a date range written without quotes
    (``January 17, 2024 - February 15, 2024``) splits on its commas and is taken for the
    header by :func:`~trafficlib.readers._sheet.sheets`; it belongs to the preamble."""
    import dataclasses

    for _ in range(3):
        joined = ", ".join(sheet.header).strip(", ")
        looks_range = period_from_lines([joined]) is not None
        nonempty = sum(1 for h in sheet.header if h)
        if not sheet.rows:
            break
        nxt = sheet.rows[0]
        if looks_range or (nonempty <= 3 and ad_headers_score(nxt) >= 6 and ad_headers_score(sheet.header) < 3):
            sheet = dataclasses.replace(sheet, preamble=[*sheet.preamble, joined], header=[c.strip() for c in nxt],
                                        rows=sheet.rows[1:], lines=sheet.lines[1:],
                                        header_line=sheet.lines[0])
            while sheet.header and not sheet.header[-1]:
                sheet.header.pop()
        else:
            break
    return sheet


def map_header(header: list[str]) -> tuple[dict[int, str], dict[int, str], dict[int, str], list[int], list[int]]:
    """(dimension, metric, share, ratio, unknown) columns of a header, by position."""
    dims, mets, shares, ratios, unknown = {}, {}, {}, [], []
    for i, h in enumerate(header):
        k = key(h)
        if not k:
            unknown.append(i)
        elif k in _MET_LOOKUP and _MET_LOOKUP[k] not in mets.values():
            mets[i] = _MET_LOOKUP[k]
        elif k in _SHARE_LOOKUP and _SHARE_LOOKUP[k] not in shares.values():
            shares[i] = _SHARE_LOOKUP[k]
        elif _fuzzy_share(k) and _fuzzy_share(k) not in shares.values():
            shares[i] = _fuzzy_share(k)
        elif k in _DIM_LOOKUP and _DIM_LOOKUP[k] not in dims.values():
            dims[i] = _DIM_LOOKUP[k]
        elif k in _RATIOS or k in _MET_LOOKUP or k in _SHARE_LOOKUP:
            ratios.append(i)
        else:
            unknown.append(i)
    # Meta: "Link clicks" is the click; "Clicks (all)" only when there is nothing else
    if "clicks" not in mets.values():
        for i, c in list(mets.items()):
            if c == "clicks_all":
                mets[i] = "clicks"
    return dims, mets, shares, ratios, unknown


def ad_headers_score(header: list[str]) -> int:
    dims, mets, shares, _, _ = map_header(header)
    core = {"impressions", "clicks", "cost"} & set(mets.values())
    return 3 * len(core) + len(mets) + len(dims) + len(shares)


def is_total_label(cell: str) -> bool:
    """Whether a cell is a total label in any interface language (the shared rule,
    :func:`trafficlib.readers._sheet.total_label`)."""
    return total_label(cell) is not None


_CONVERTED = "_converted_currency"


def _money_columns(header: list[str], mets: dict[int, str], dims: dict[int, str], data: list[list[str]],
                   currency: str | None) -> tuple[dict[int, str], str | None, str | None]:
    """(metric columns, currency, note) once a manager account's converted-currency columns
    (``Cost (Converted currency)``, ``Conv. value (Converted currency)``) are weighed
    against the accounts' own (``Cost`` in each row's ``Currency code``): one set only,
    never both. The accounts' own money when the rows hold one currency; the converted
    money (in the ``Converted currency code``) when they hold several or have no own
    column. Totals are read from the same columns, so they reconcile with the rows."""
    converted = {}
    for i, h in enumerate(header):
        k = key(h)
        if k.endswith(_CONVERTED) and _MET_LOOKUP.get(k[: -len(_CONVERTED)]) in ("cost", "conversion_value"):
            converted[i] = _MET_LOOKUP[k[: -len(_CONVERTED)]]
    if not converted:
        return mets, currency, None
    cur_pos = next((i for i, c in dims.items() if c == "currency"), None)
    codes = sorted({r[cur_pos].strip() for r in data if r[cur_pos].strip() not in ("", "--")}) \
        if cur_pos is not None else []
    conv_code = next((i for i, h in enumerate(header) if key(h) == "converted_currency_code"), None)
    names = ", ".join(header[i] for i in converted)
    if len(codes) == 1 and "cost" in mets.values():
        return mets, codes[0], (f"money read from the accounts' own columns ({codes[0]}); "
                                f"the converted-currency columns ({names}) are not added")
    out = {i: c for i, c in mets.items() if c not in converted.values()}
    out.update(converted)
    code = None
    if conv_code is not None:
        found = sorted({r[conv_code].strip() for r in data if r[conv_code].strip() not in ("", "--")})
        code = found[0] if len(found) == 1 else None
    why = (f"the rows hold several currencies ({', '.join(codes)})" if len(codes) > 1
           else "no own cost column" if "cost" not in mets.values()
           else "no Currency code column shows that the accounts share one currency")
    return out, code, (f"money read from the converted-currency columns ({names}, in {code or 'the manager currency'}):"
                       f" {why}; the accounts' own-currency columns are not added")


# ------------------------------------------------------------------ dates and periods

_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1, "fevrier": 2, "fevr": 2, "fev": 2, "february": 2, "feb": 2,
    "mars": 3, "march": 3, "mar": 3, "avril": 4, "avr": 4, "april": 4, "apr": 4, "mai": 5, "may": 5,
    "juin": 6, "june": 6, "jun": 6, "juillet": 7, "juil": 7, "july": 7, "jul": 7, "aout": 8, "august": 8, "aug": 8,
    "septembre": 9, "sept": 9, "sep": 9, "september": 9, "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11, "decembre": 12, "dec": 12, "december": 12,
}
# weekday names an interface writes before a day ("Monday, March 3, 2025", "lundi 3 mars 2025"):
# stripped only when a day does not read without it ("mar" is also March)
_WEEKDAYS = r"(?:mon|tue|wed|thu|fri|sat|sun|lun|mar|mer|jeu|ven|sam|dim)[a-z]*\.?,?\s+"
# interface languages of the ad platforms, for dateparser (range lines, date cells)
LANGUAGES = ["en", "fr", "de", "es", "it", "pt", "nl"]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()


def _fast_date(t: str) -> pd.Timestamp | None:
    """The common layouts (ISO, YYYYMMDD, '1 May 2026', 'January 17, 2024'), ASCII lower text."""
    m = re.fullmatch(r"((?:19|20)\d\d)-(\d\d)-(\d\d)(?:[ t]\d\d:\d\d(?::\d\d)?)?", t)
    if m:
        return _ts(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"((?:19|20)\d\d)(\d\d)(\d\d)", t)
    if m:
        return _ts(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"(\d{1,2})(?:er)?\s+([a-z]+)\.?,?\s+(\d{4})", t)  # 1 May 2026, 1er janvier 2024
    if m and m[2] in _MONTHS:
        return _ts(int(m[3]), _MONTHS[m[2]], int(m[1]))
    m = re.fullmatch(r"([a-z]+)\.?\s+(\d{1,2}),?\s*(\d{4})", t)  # January 17, 2024
    if m and m[1] in _MONTHS:
        return _ts(int(m[3]), _MONTHS[m[1]], int(m[2]))
    return None


@functools.lru_cache(maxsize=4096)
def _one_date(text: str) -> pd.Timestamp | None:
    """A day written in any way an ad platform writes one, in any of :data:`LANGUAGES`
    (``March 3, 2025``, ``3 mars 2025``, ``3. März 2025``, ``3 de marzo de 2025``,
    ``Montag, 3. März 2025``); None if it is not a whole day (day, month and year)."""
    t = _ascii(text).strip().strip(",")
    if not t or not re.search(r"\d", t):
        return None
    found = _fast_date(t)
    if found is None:
        found = _fast_date(re.sub(r"^" + _WEEKDAYS, "", t))
    if found is not None or not re.search(r"[^\W\d_]", str(text)):
        return found  # numbers only: not for dateparser (3/4/2025 is read by the callers' rules)
    import dateparser

    got = dateparser.parse(str(text).strip().strip(","), languages=LANGUAGES,
                           settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]})
    return pd.Timestamp(got.date()) if got is not None else None


def _ts(y: int, m: int, d: int) -> pd.Timestamp | None:
    try:
        return pd.Timestamp(y, m, d)
    except ValueError:
        return None


_RANGE_SEP = re.compile(r"\s+[-–—]\s+|\s+(?:to|au|a|à|bis)\s+", re.IGNORECASE)


def period_from_lines(lines: list[str]) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The date range a report states above its header, or None (``All time``...)."""
    for ln in lines:
        text = ln.strip().strip('"').strip()
        if ":" in text:  # "Report Period: 2026-04-01 - 2026-04-30", "Date range: ..."
            head, _, rest = text.partition(":")
            low = _ascii(head)
            if any(w in low for w in ("period", "periode", "date range", "plage", "dates", "range")) \
                    and not re.search(r"\d", head):
                text = rest.strip()
        parts = _RANGE_SEP.split(text)
        if len(parts) == 2:
            a, b = _one_date(parts[0]), _one_date(parts[1])
            if a is None and b is not None:  # "1 - 8 May 2026", "January 1 - 31, 2024"
                a = _one_date(f"{parts[0].strip()} {' '.join(parts[1].split()[1:])}") or \
                    _one_date(f"{parts[1].split()[0]} {parts[0].strip()}, {parts[1].split()[-1]}")
            if a is not None and b is not None and a <= b:
                return a, b
        if "/" in text:  # 01/04/2026 - 02/04/2026
            m = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*[-–—]\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", text)
            if m:
                a, b = _ts(int(m[3]), int(m[2]), int(m[1])), _ts(int(m[6]), int(m[5]), int(m[4]))
                if a and b and a <= b:
                    return a, b
                a, b = _ts(int(m[3]), int(m[1]), int(m[2])), _ts(int(m[6]), int(m[4]), int(m[5]))
                if a and b and a <= b:
                    return a, b
    return None


def parse_days(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Days from ISO, ``dd/mm/yyyy``, ``YYYYMMDD``, ``January 17, 2024``, ``17 janv. 2024``,
    ``Wednesday, January 17, 2024``. Returns (datetime64 days, bad)."""
    text = values.astype("string").str.strip()
    missing = text.isna() | text.str.lower().isin(MISSING)
    out, bad = yyyymmdd_or_dates(text.mask(missing))
    if bad.any():
        alt = text[bad].map(lambda s: _one_date(s) or pd.NaT)
        out = out.copy()
        out[bad] = pd.to_datetime(alt)
        bad = out.isna() & ~missing
    return out, bad


@functools.lru_cache(maxsize=1024)
def _one_month(text: str) -> pd.Timestamp | None:
    """The first day of a month written with its name in any of :data:`LANGUAGES`
    (``März 2025``, ``marzo de 2025``, ``mrt. 2025``), else None."""
    if not re.search(r"[^\W\d_]", text) or not re.search(r"\d{4}", text):
        return None
    import dateparser

    got = dateparser.parse(text.strip(), languages=LANGUAGES,
                           settings={"REQUIRE_PARTS": ["month", "year"],
                                     "PREFER_DAY_OF_MONTH": "first"})
    return pd.Timestamp(got.year, got.month, 1) if got is not None else None


def _months(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First day of the month from ``2024-01``, ``2024-01-01``, ``January 2024``, ``janv. 2024``,
    ``März 2025``, ``marzo de 2025`` (any of :data:`LANGUAGES`)."""
    text = values.astype("string").str.strip()

    def one(s):
        if s is None or pd.isna(s) or str(s).lower() in MISSING:
            return pd.NaT
        t = _ascii(s)
        m = re.fullmatch(r"((?:19|20)\d\d)-(\d{1,2})(?:-\d{1,2})?", t)
        if m:
            return _ts(int(m[1]), int(m[2]), 1) or pd.NaT
        m = re.fullmatch(r"([a-z]+)\.?\s+(\d{4})", t)
        if m and m[1] in _MONTHS:
            return pd.Timestamp(int(m[2]), _MONTHS[m[1]], 1)
        m = re.fullmatch(r"(\d{1,2})/(\d{4})", t)
        if m:
            return _ts(int(m[2]), int(m[1]), 1) or pd.NaT
        d = _one_date(s)
        if d is None:
            d = _one_month(str(s))
        return d.replace(day=1) if d is not None else pd.NaT

    out = pd.to_datetime(text.map(one))
    bad = out.isna() & ~(text.isna() | text.str.lower().isin(MISSING))
    return out, bad


# ------------------------------------------------------------------ the table


def _err_rows(lines: list[int], mask) -> list[int]:
    return [lines[j] for j in np.flatnonzero(np.asarray(mask, dtype=bool))]


def _shares(col: pd.Series, decimal: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(fraction, censored '<' / '>' / '', bad) from '45.2%', '< 10%', '> 90%', '--'."""
    text = col.astype("string").str.strip()
    m = text.str.extract(r"^([<>])\s*(.*)$")
    cens = m[0].fillna("")
    body = text.where(m[0].isna(), m[1])
    vals, bad = numbers(body, decimal=decimal, percent=None)
    has_pct = body.str.contains("%", regex=False).fillna(False)
    if not has_pct.any() and (vals > 1).any():
        vals = vals / 100.0
    return vals, cens, bad


_DAY = _k("Day", "Jour", "Date", "Tag", "Día", "Giorno", "Dia", "Dag")


def read_table(sheet: Sheet, file: str, platform: str, kind: str, preamble: list[str] | None = None,
               period=None, decimal: str | None = None, summary_dims=None) -> Export:
    """One ad-platform table as an ``ad_spend`` :class:`Export` (see module doc).

    ``period`` (start, end) is used when the rows have no day and the preamble states no
    range; without either, the rows are read with ``date`` and ``date_end`` empty
    (period unknown, said in the notes). ``summary_dims``: the canonical dimensions whose
    cells are empty on an unlabelled summary row (Meta's: the campaign / ad set / ad
    names); default every grain column. Totals go to ``Export.totals`` with ``label``,
    ``level`` and ``scope`` ("rows" first). Raises :class:`TrafficDataError` naming the
    file, the column (as headed) and the lines for unreadable numbers or days, negative
    counts or costs.
    """
    header = sheet.header
    width = len(header)
    dims, mets, shares, ratios, unknown = map_header(header)
    day = [i for i, h in enumerate(header) if key(h) in _DAY]
    if day and "date_end" in dims.values():
        # a Day breakdown beside Meta's "Reporting starts/ends": the row's day is its period
        for i, c in list(dims.items()):
            if c in ("date", "date_end"):
                del dims[i]
                unknown.append(i)
        dims[day[0]] = "date"
        unknown = [i for i in unknown if i != day[0]]
    pre = list(preamble if preamble is not None else sheet.preamble)
    notes: list[str] = []
    missing = [m for m in ("impressions", "clicks", "cost") if m not in mets.values()]
    if "clicks" in missing and "interactions" in mets.values():
        missing.remove("clicks")
        notes.append("no Clicks column: clicks are the report's Interactions (clicks on Search; engagements or "
                     "views on Display and Video)")
    if "cost" in missing:
        raise TrafficDataError(
            "missing required column 'cost' for an ad report (found: " + ", ".join(h for h in header[:12] if h) + ")",
            file=file, column="cost",
            hint="cost may be headed Cost / Coût / Spend / Dépense / Amount spent (EUR) / amount_spent")
    if decimal is None:
        french = any(re.search(r"[éèêàû]|^(co[uû]t|clics|campagne|jour|mot|groupe)", h.lower()) for h in header)
        decimal = "," if (sheet.separator == ";" or french) else "."
    currency = None
    for h in header:
        m = _CURRENCY_IN_HEADER.search(h)
        if m and key(h) in METRICS["cost"][0] | METRICS["conversion_value"][0]:
            currency = m.group(1)
    # rows: data and totals, by the one rule of _sheet.split_totals (dimension cells = the grain
    # columns; Meta's "Reporting starts/ends", filled on its summary row, are not dimensions)
    body = [(c, ln) for c, ln in zip(sheet.rows, sheet.lines)
            if not (c and c[0].strip().startswith(("©", "(c)", "Copyright", "copyright"))
                    and not any(x.strip() for x in c[1:]))]  # Microsoft's footer
    sheet = dataclasses.replace(sheet, rows=[c for c, _ in body], lines=[ln for _, ln in body])
    ranged = "date_end" in dims.values()
    grain_pos = [i for i, c in dims.items() if c in GRAIN and not (ranged and c == "date")]
    # attributes Google fills on its per-type and per-account totals ("Total: Search" with
    # Campaign type "Search"), wherever the label stands: not what a row is about
    finer = [i for i in grain_pos if dims[i] not in ("campaign_type", "account")]
    if finer:
        grain_pos = finer
    if summary_dims is not None and set(summary_dims) & set(dims.values()):
        grain_pos = [i for i, c in dims.items() if c in summary_dims]
    counts = [i for i, c in mets.items() if METRICS[c][1] == "count"]
    split = split_totals(sheet, grain_pos, counts, file=file)
    data, lines = [], []
    for cells, line in zip(split.rows, split.lines):
        if not any(cells[i] for i in list(mets) + list(shares)) and not any(cells[i] for i in grain_pos):
            continue  # an empty line of separators
        data.append(cells)
        lines.append(line)
    if not data:
        raise TrafficDataError("no data rows (only totals or titles)", file=file)
    mets, currency, money_note = _money_columns(header, mets, dims, data, currency)
    if money_note:
        notes.append(money_note)
    raw = pd.DataFrame(data, columns=range(width))

    def metric_values(rows: pd.DataFrame, where: list[int]) -> pd.DataFrame:
        out = pd.DataFrame(index=rows.index)
        for i, canon in mets.items():
            kind_ = METRICS[canon][1]
            vals, bad = numbers(rows[i], decimal=decimal, integer=(kind_ == "count"))
            if bad.any():
                raise TrafficDataError(f"cannot read '{rows[i][bad].iloc[0]}' as a number", file=file,
                                       column=header[i], rows=_err_rows(where, bad))
            if (vals < 0).any():
                raise TrafficDataError(f"{int((vals < 0).sum())} negative value(s) where counts, costs and amounts "
                                       "cannot be negative", file=file, column=header[i],
                                       rows=_err_rows(where, vals < 0))
            out[canon] = vals
        if "clicks" not in out and "interactions" in out:
            out["clicks"] = out["interactions"]  # the report's click count (see the note)
        return out

    values = metric_values(raw, lines)
    frame = pd.DataFrame(index=raw.index)
    columns: dict[str, str] = {}
    for i, canon in dims.items():
        columns[header[i]] = canon
        col = raw[i].astype("string").str.strip()
        frame[canon] = col.mask(col.str.lower().isin(MISSING - {"(not set)"}) | (col == ""))
    for i, canon in mets.items():
        columns[header[i]] = canon
    censored = pd.Series("", index=raw.index, dtype="object")
    for i, canon in shares.items():
        columns[header[i]] = canon
        vals, cens, bad = _shares(raw[i], decimal)
        if bad.any():
            raise TrafficDataError(f"cannot read '{raw[i][bad].iloc[0]}' as a share", file=file, column=header[i],
                                   rows=_err_rows(lines, bad))
        values[canon] = vals
        if (cens != "").any():
            censored = censored + np.where(cens != "", canon + cens + ",", "")
    if (censored != "").any():
        notes.append("impression shares written '< 10%' or '> 90%' are kept as their bound (0.10, 0.90); "
                     "the 'censored' column lists them ('<' at most, '>' at least)")
    # time
    segment = None
    if "date" in frame:
        d, bad = parse_days(frame["date"])
        if bad.any():
            col = next(h for h, c in columns.items() if c == "date")
            raise TrafficDataError(f"cannot read '{frame['date'][bad].iloc[0]}' as a date", file=file, column=col,
                                   rows=_err_rows(lines, bad), hint="expected YYYY-MM-DD, dd/mm/yyyy or 'January 17, 2024'")
        frame["date"] = d
        segment = "day"
        if "date_end" in frame:
            e, bad = parse_days(frame["date_end"])
            if bad.any():
                col = next(h for h, c in columns.items() if c == "date_end")
                raise TrafficDataError(f"cannot read '{frame['date_end'][bad].iloc[0]}' as a date", file=file,
                                       column=col, rows=_err_rows(lines, bad))
            frame["date_end"] = e.fillna(d)
    else:
        for seg, parser in (("week", parse_days), ("month", _months)):
            if seg in frame:
                d, bad = parser(frame[seg])
                if bad.any():
                    col = next(h for h, c in columns.items() if c == seg)
                    raise TrafficDataError(f"cannot read '{frame[seg][bad].iloc[0]}' as a {seg}", file=file,
                                           column=col, rows=_err_rows(lines, bad))
                frame["date"] = d
                frame["date_end"] = d + (pd.Timedelta(days=6) if seg == "week" else pd.offsets.MonthEnd(0))
                segment = seg
                break
    stated = period_from_lines(pre)
    if stated is None and period is not None:
        stated = (pd.Timestamp(period[0]).normalize(), pd.Timestamp(period[1]).normalize())
    if segment is None:
        if stated is None:
            # readable without dates (the paid-search audit needs none); what needs days says so
            said = next((ln.strip().strip('"') for ln in pre[1:] if ln.strip()), None)
            frame["date"] = pd.NaT
            frame["date_end"] = pd.NaT
            notes.append("period unknown: the rows have no Day / Week / Month column and the report states no "
                         "dated range" + (f" ('{said}')" if said else "") + "; date and date_end are empty "
                         "(pass period=(start, end) to read_ads to date them)")
            segment = "none"
        else:
            frame["date"] = stated[0]
            frame["date_end"] = stated[1]
            notes.append(f"no day in the rows: each row covers the report's period {stated[0]:%Y-%m-%d} to "
                         f"{stated[1]:%Y-%m-%d} (columns date and date_end)")
    elif segment in ("week", "month") and stated is not None:
        frame["date"] = frame["date"].clip(lower=stated[0])
        frame["date_end"] = frame["date_end"].clip(upper=stated[1])
    for drop in ("week", "month", "quarter", "year"):
        if drop in frame:
            frame = frame.drop(columns=drop)
    if "date" in frame and segment == "day" and stated is not None:
        outside = (frame["date"] < stated[0]) | (frame["date"] > stated[1])
        if outside.any():
            notes.append(f"{int(outside.sum())} rows dated outside the stated period")
    # currency
    if "currency" in frame:
        cur = frame["currency"].dropna().unique()
        if len(cur) > 1:
            notes.append("several currencies in one file (" + ", ".join(map(str, cur)) + "): costs are not converted")
        elif len(cur) == 1:
            currency = str(cur[0])
    frame["platform"] = platform
    out = pd.concat([frame, values], axis=1)
    if (censored != "").any():
        out["censored"] = censored.str.rstrip(",").replace("", pd.NA).astype("string")
    from trafficlib import schema

    base = schema.columns("ad_spend")
    for c in base:
        if c not in out:
            out[c] = np.nan if c in ("impressions", "clicks", "cost", "conversions", "conversion_value", "reach") else pd.NA
    for c in ("platform", "campaign", "ad_group", "ad"):
        out[c] = out[c].astype("string")
    extra = [c for c in out.columns if c not in base]
    order = [c for c in schema.columns("ad_spend") if c in out.columns]
    out = out[base + [c for c in order if c not in base] + [c for c in extra if c not in order]]
    out = out.reset_index(drop=True)
    if missing:
        notes.append("no " + " / ".join(missing) + " column: left empty")
    if ratios:
        notes.append("ratio columns recomputed from the sums, not read: " + ", ".join(header[i] for i in ratios))
    if unknown:
        dropped = [header[i] for i in unknown if header[i]]
        if dropped:
            notes.append("columns not used: " + ", ".join(dropped))
    # totals
    totals = None
    meta = {"platform": platform, "currency": currency, "segment": segment or "none", "lines": lines}
    if split.totals:
        traw = pd.DataFrame([t.cells for t in split.totals], columns=range(width))
        tv = metric_values(traw, [t.line for t in split.totals])
        for c in ("clicks", "cost", "conversions", "conversion_value", "impressions", "interactions"):
            if c not in tv and c in out:
                tv[c] = np.nan
        covers = total_covers(split.totals)
        scopes = ["rows" if c == "rows" else "more" for c in covers]
        tv.insert(0, "label", [t.label for t in split.totals])
        tv.insert(1, "level", [t.level for t in split.totals])
        tv.insert(2, "scope", scopes)
        tv.insert(3, "covers", covers)
        totals = tv.iloc[sorted(range(len(tv)), key=lambda k: scopes[k] != "rows")].reset_index(drop=True)
        meta["total_labels"] = [t.label for t in split.totals]
        if "rows" not in scopes:
            totals = _whole_account(totals, out, notes)
        if "rows" not in totals["scope"].tolist():
            notes.append("the file states no total for exactly its rows (only " + ", ".join(
                t.label or "an unlabelled total" for t in split.totals) + ", which cover more): nothing to check "
                "the rows against")
    title = next((ln for ln in pre if ln and period_from_lines([ln]) is None and ":" not in ln), None)
    if title:
        meta["title"] = title
    for ln in pre:
        m = re.match(r'^\s*"?([A-Za-zÀ-ÿ .]+?)\s*:\s*(.+?)"?\s*$', ln)
        if m and _ascii(m[1]).strip() in ("account", "compte", "report name", "nom du rapport", "account name"):
            meta[_ascii(m[1]).strip().replace(" ", "_")] = m[2].strip()
    dimensions = tuple(c for c in out.columns if c in GRAIN and out[c].notna().any() and c != "date")
    export = Export(path=file, kind=kind, table="ad_spend", frame=out, totals=totals, period=stated,
                    notes=notes, columns=columns, dimensions=dimensions, meta=meta)
    if stated is None and out["date"].notna().any():
        # a row without an end (one day) ends on its own day: Meta's Day breakdown leaves date_end empty
        export.period = (out["date"].min(), out.get("date_end", out["date"]).fillna(out["date"]).max())
        notes.append("period taken from the first and last day in the data (the file does not state it)")
    _overlapping_impressions(export)
    rec = export.reconciliation()
    if not rec.empty and not rec["ok"].all():
        bad = rec[~rec["ok"]]
        label = totals["label"].iloc[0]
        notes.append(f"the rows do not add up to the file's own total ('{label}') for " + ", ".join(
            f"{r.metric} ({r.kit:,.2f} vs {r.file:,.2f})" for r in bad.itertuples()))
    return export


def _overlapping_impressions(export: Export) -> None:
    """A landing-page report counts an impression once per page it may lead to: its rows'
    impressions add up to more than the file's own total (clicks and cost do add up). The
    impressions are then marked not additive (``meta["derived"]``) with a note, instead of
    failing the reconciliation of the figures that do add up."""
    t = export.totals
    if t is None or "landing_page" not in export.columns.values() or "impressions" not in export.frame:
        return
    own = t[t["scope"] == "rows"]
    if own.empty or pd.isna(own["impressions"].iloc[0]):
        return
    shown = float(export.frame["impressions"].sum())
    stated = float(own["impressions"].iloc[0])
    if shown > stated * (1 + 5e-4) + 0.01:
        export.meta["derived"] = sorted(set(export.meta.get("derived", ())) | {"impressions"})
        export.notes.append(f"impressions overlap across landing pages: the rows sum to {shown:,.0f}, the file's "
                            f"'{own['label'].iloc[0]}' says {stated:,.0f} (an impression counts once per page it "
                            "may lead to); use the total, not the sum, for the account's impressions")


def _whole_account(totals: pd.DataFrame, rows: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """When the file's only totals are wider ones and its account total equals the rows'
    sums in every additive metric (a campaign report listing every campaign), that total
    is the rows' total: scope ``"rows"``, moved first, with a note. Otherwise unchanged."""
    from trafficlib.readers.registry import ADDITIVE

    acc = [k for k, c in enumerate(totals["covers"]) if c == "account"]
    if not acc:
        return totals
    t = totals.iloc[acc[0]]
    compared = 0
    for m in ADDITIVE:
        if m in rows and m in t.index and pd.notna(t[m]):
            kit = float(pd.to_numeric(rows[m], errors="coerce").sum())
            if not np.isclose(kit, float(t[m]), rtol=5e-4, atol=0.01):
                return totals
            compared += 1
    if not compared:
        return totals
    totals = totals.copy()
    totals.loc[totals.index[acc[0]], "scope"] = "rows"  # covers stays "account": the rows are all of it
    notes.append(f"the rows add up to the file's '{t['label']}' in every figure: the report lists the whole account")
    return totals.iloc[[acc[0]] + [k for k in range(len(totals)) if k != acc[0]]].reset_index(drop=True)


# levels of "Total: <level>" rows that cover more than the rows listed (levels ASCII-folded):
# the account, a campaign type, the terms or rows the report does not name (any interface language)
_ACCOUNT_LEVEL = re.compile(r"^(account|compte|konto|cuenta|conta|account totale|all|tous|toutes|alle|todos|todas|"
                            r"tutti)$", re.IGNORECASE)
_TYPE_LEVEL = re.compile(
    r"^(search|display|video|shopping|performance max|demand gen|discovery|app|apps|smart|hotel|local|"
    r"multi ?channel|reseau de recherche|reseau display|decouverte|applications?|search network|display network|"
    r"audience network|suche|busqueda|pesquisa|ricerca|zoeken)$", re.IGNORECASE)
_UNNAMED_LEVEL = re.compile(r"^(other .*|autres? .*|andere .*|otr[oa]s .*|outr[oa]s .*|altr[ie] .*|overige .*|"
                            r".*not shown.*|.*non affich.*)$", re.IGNORECASE)


def total_covers(totals) -> list[str]:
    """What each :class:`~trafficlib.readers._sheet.TotalRow` of an ad report covers:
    ``"rows"`` (the first total of the rows' own level: ``Total: Search terms``,
    ``Total: Keywords``, ``Total: All but removed ads``, Microsoft's bare ``Total``,
    Meta's unlabelled summary row), ``"account"`` (the whole account: it contains the
    rows), ``"campaign type"`` (``Total: Search``, ``Total: Display``: one type's part of
    the account, which may or may not hold the rows), ``"unnamed"`` (``Total: Other
    search terms``: what the report does not list, beside the rows), ``"more"`` (another
    wider total, e.g. ``Total: Keywords in your account`` after the rows' own)."""
    out, seen = [], False
    for t in totals:
        level = _ascii(t.level).strip()
        if _ACCOUNT_LEVEL.match(level):
            out.append("account")
        elif _TYPE_LEVEL.match(level):
            out.append("campaign type")
        elif _UNNAMED_LEVEL.match(level):
            out.append("unnamed")
        else:
            out.append("more" if seen else "rows")
            seen = True
    return out


def total_scopes(totals) -> list[str]:
    """The ``scope`` of each total row (:func:`total_covers`): ``"rows"`` for the rows'
    own total, ``"more"`` for every other."""
    return ["rows" if c == "rows" else "more" for c in total_covers(totals)]
