"""What every ad-platform report shares: headers, totals, periods, numbers.

Google Ads, Microsoft Advertising and Meta Ads Manager exports are tables of
*dimensions* (campaign, ad group, keyword, search term, device, day...) and *metrics*
(impressions, clicks, cost...), with, around them:

- a preamble: a report title and a date range (``January 17, 2024 - February 15, 2024``,
  ``1 May 2026 - 8 May 2026``, ``1 janvier 2024 - 15 février 2024``, ``2026-04-01 -
  2026-04-30``) or Microsoft's ``Report Period: ...`` lines;
- total rows: ``Total: Account``, ``Total: Search terms``, ``Total : compte``... in
  whichever column, wherever they stand (a cell labelled so while every other dimension
  of the row is blank or ``--``). A real search term that starts with "total" is data;
- ``--`` and blank for missing, ``< 10%`` / ``> 90%`` for censored shares, currency codes
  in headers (``Cost (USD)``, ``Coût (EUR)``) or a ``Currency code`` column, thousands
  separators of either locale (the locale comes from the headers' language).

:func:`read_table` turns one such table into the canonical ``ad_spend`` grain (see
:mod:`trafficlib.schema`) and an :class:`~trafficlib.readers.registry.Export` whose
``totals`` first row is the total the rows must add up to.
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from trafficlib.errors import TrafficDataError
from trafficlib.readers._numbers import MISSING, numbers, yyyymmdd_or_dates
from trafficlib.readers._sheet import Sheet
from trafficlib.readers.registry import Export
from trafficlib.schema import normalize_header

__all__ = ["key", "map_header", "period_from_lines", "parse_days", "read_table", "DIMENSIONS", "METRICS",
           "SHARES", "is_total_label", "ad_headers_score"]


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
    "device": _k("Device", "Appareil", "Device type", "Type d'appareil", "Impression device", "Plateforme de l'appareil"),
    "network": _k("Network", "Réseau", "Network (with search partners)", "Réseau (avec partenaires du Réseau de Recherche)",
                  "Réseau (avec les partenaires du Réseau de Recherche)", "Platform", "Plateforme", "Placement",
                  "Emplacement", "Ad network", "Top vs. Other", "Haut de page/Autre"),
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
    "clicks_all": (_k("Clicks (all)", "Clics (tous)", "Clics (toutes)", "Interactions"), "count"),
    "cost": (_k("Cost", "Coût", "Cout", "Spend", "Dépense", "Dépenses", "Amount spent", "Montant dépensé", "Cost (converted currency)",
                "Coût (devise convertie)"), "number"),
    "conversions": (_k("Conversions", "Conv.", "Results", "Résultats", "Conv"), "number"),
    "all_conversions": (_k("All conv.", "Toutes les conv.", "All conversions", "Toutes les conversions"), "number"),
    "conversion_value": (_k("Conv. value", "Valeur de conv.", "Conversion value", "Valeur de conversion", "Total conv. value",
                            "Valeur totale de conv.", "Revenue", "Chiffre d'affaires", "Revenus",
                            "Purchases conversion value", "Valeur de conversion des achats",
                            "Website purchases conversion value", "Valeur de conversion des achats sur le site web"),
                         "number"),
    "reach": (_k("Reach", "Couverture", "Portée"), "count"),
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
             "Coût/toutes les conv.", "Avg. CPV", "View rate", "Return on ad spend", "Avg. CPC (all)")

_DIM_LOOKUP = {k: c for c, ks in DIMENSIONS.items() for k in ks}
_MET_LOOKUP = {k: c for c, (ks, _) in METRICS.items() for k in ks}
_SHARE_LOOKUP = {k: c for c, ks in SHARES.items() for k in ks}

# the grain columns of a row (total rows have them blank); date-like first
GRAIN = ("date", "week", "month", "quarter", "year", "account", "campaign", "campaign_type", "ad_group", "keyword",
         "match_type", "search_term", "ad", "landing_page", "device", "network", "age", "gender", "income", "country",
         "region", "city", "location")

_TOTAL = re.compile(r"^\s*(?:total|totaux|totals|grand total|total g[ée]n[ée]ral|overall total|gesamt|totale)"
                    r"(?:\s*[:\-–]\s*(?P<what>.*))?\s*$", re.IGNORECASE)
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
    return bool(cell) and bool(_TOTAL.match(cell))


# ------------------------------------------------------------------ dates and periods

_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1, "fevrier": 2, "fevr": 2, "fev": 2, "february": 2, "feb": 2,
    "mars": 3, "march": 3, "mar": 3, "avril": 4, "avr": 4, "april": 4, "apr": 4, "mai": 5, "may": 5,
    "juin": 6, "june": 6, "jun": 6, "juillet": 7, "juil": 7, "july": 7, "jul": 7, "aout": 8, "august": 8, "aug": 8,
    "septembre": 9, "sept": 9, "sep": 9, "september": 9, "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11, "decembre": 12, "dec": 12, "december": 12,
}
_WEEKDAYS = r"(?:mon|tue|wed|thu|fri|sat|sun|lun|mar|mer|jeu|ven|sam|dim)[a-z]*\.?,?\s+"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()


def _one_date(text: str) -> pd.Timestamp | None:
    """A day written in any way an ad platform writes one; None if it is not a day."""
    t = _ascii(text).strip().strip(",")
    t = re.sub(r"^" + _WEEKDAYS, "", t)
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


def _months(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First day of the month from ``2024-01``, ``2024-01-01``, ``January 2024``, ``janv. 2024``."""
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


def read_table(sheet: Sheet, file: str, platform: str, kind: str, preamble: list[str] | None = None,
               period=None, decimal: str | None = None) -> Export:
    """One ad-platform table as an ``ad_spend`` :class:`Export` (see module doc).

    ``period`` (start, end) is used when the rows have no day and the preamble states no
    range. Raises :class:`TrafficDataError` naming the file, the column (as headed) and
    the lines for unreadable numbers or days, negative counts or costs; and when the
    rows carry no date at all and none is given.
    """
    header = sheet.header
    width = len(header)
    dims, mets, shares, ratios, unknown = map_header(header)
    pre = list(preamble if preamble is not None else sheet.preamble)
    notes: list[str] = []
    missing = [m for m in ("impressions", "clicks", "cost") if m not in mets.values()]
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
    # rows: data and totals (padded to the header's width)
    grain_pos = [i for i, c in dims.items() if c in GRAIN]
    data, lines, trows, tlines, tlabels = [], [], [], [], []
    for cells, line in zip(sheet.rows, sheet.lines):
        stripped = [c.strip() for c in cells]
        first = stripped[0] if stripped else ""
        if first.startswith(("©", "(c)", "Copyright", "copyright")) and not any(stripped[1:]):
            continue  # Microsoft's footer
        if len(stripped) > width:
            if any(stripped[width:]):
                raise TrafficDataError(f"{len(stripped)} fields where the header has {width}", file=file, rows=[line],
                                       hint="check the separator and quoting on that line")
            stripped = stripped[:width]
        stripped = stripped + [""] * (width - len(stripped))
        label_at = [i for i, c in enumerate(stripped) if is_total_label(c)]
        if label_at:
            i = label_at[0]
            others = [stripped[j] for j in grain_pos if j != i]
            if all((not c) or c.lower() in MISSING for c in others):
                trows.append(stripped)
                tlines.append(line)
                tlabels.append(stripped[i])
                continue
        if not any(stripped[i] for i in list(mets) + list(shares)) and not any(stripped[i] for i in grain_pos):
            continue  # an empty line of separators
        data.append(stripped)
        lines.append(line)
    if not data:
        raise TrafficDataError("no data rows (only totals or titles)", file=file)
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
            raise TrafficDataError(
                "no date: the rows have no Day / Week / Month column and no date range is stated above the header",
                file=file, column="date",
                hint="download the report with its title and date-range lines, add a Day segment, or pass "
                     "period=('2024-01-01', '2024-01-31') to trafficlib.adplatforms.read_ads")
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
    if trows:
        traw = pd.DataFrame(trows, columns=range(width))
        tv = metric_values(traw, tlines)
        tv.insert(0, "label", tlabels)
        order_idx, why = _reference_total(tlabels, out, tv)
        totals = tv.iloc[order_idx].reset_index(drop=True)
        if why:
            notes.append(why)
        meta["total_labels"] = tlabels
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
        export.period = (out["date"].min(), out.get("date_end", out["date"]).max())
        notes.append("period taken from the first and last day in the data (the file does not state it)")
    rec = export.reconciliation()
    if not rec.empty and not rec["ok"].all():
        bad = rec[~rec["ok"]]
        label = totals["label"].iloc[0]
        notes.append(f"the rows do not add up to the file's own total ('{label}') for " + ", ".join(
            f"{r.metric} ({r.kit:,.2f} vs {r.file:,.2f})" for r in bad.itertuples()))
    return export


_ACCOUNT = re.compile(r"^(account|compte|all|tous|toutes)$")
_CHANNEL = re.compile(r"^(search|display|video|shopping|performance max|demand gen|discovery|app|smart|hotel|local|"
                      r"r[ée]seau de recherche|r[ée]seau display|vid[ée]o|d[ée]couverte|applications?|"
                      r"search network|display network|audience network)$", re.IGNORECASE)


def _reference_total(labels: list[str], rows: pd.DataFrame, tv: pd.DataFrame) -> tuple[list[int], str | None]:
    """Order the total rows so the first is the one the data rows should add up to.

    Google writes one total for the rows shown ("Total: Search terms", "Total: Keywords",
    "Total: Campaigns", "Total: Filtered ..."), and others for wider scopes: the account,
    each campaign type ("Total: Search", "Total: Performance Max"), and "Total: Other
    search terms" (terms Google does not name). Rule: the rows' own total if written;
    else the account total less the "other" totals; else the first total.
    """
    whats = [(_TOTAL.match(lb).group("what") or "").strip().lower() for lb in labels]
    rows_total = [i for i, w in enumerate(whats)
                  if w and not _ACCOUNT.match(_ascii(w)) and not _CHANNEL.match(w) and not _is_other(w)]
    rest = [i for i in range(len(labels)) if i not in rows_total[:1]]
    if rows_total:
        return rows_total[:1] + rest, None
    acc = [i for i, w in enumerate(whats) if _ACCOUNT.match(_ascii(w))]
    other = [i for i, w in enumerate(whats) if _is_other(w)]
    if acc and other:
        ref = tv.iloc[acc[0]].copy()
        for i in other:
            for c in tv.columns:
                if c != "label":
                    ref[c] = ref[c] - (tv.iloc[i][c] if pd.notna(tv.iloc[i][c]) else 0.0)
        ref["label"] = f"{labels[acc[0]]} less {', '.join(labels[i] for i in other)}"
        tv.loc[len(tv)] = ref  # noqa: the caller keeps tv
        return [len(tv) - 1] + list(range(len(labels))), (
            "the rows are compared with the account total less the terms Google does not name ("
            + ", ".join(labels[i] for i in other) + ")")
    if acc:
        return acc[:1] + [i for i in range(len(labels)) if i != acc[0]], None
    return list(range(len(labels))), None


def _is_other(what: str) -> bool:
    w = _ascii(what)
    return w.startswith(("other", "autre")) or "not shown" in w or "non affich" in w
