"""Google Ads interface downloads: every report of the family, as Google writes them.

A Google Ads download (CSV, "CSV (Excel)" = UTF-16 tab-separated with a BOM, or .xlsx)
holds a report title line, a date-range line (``January 17, 2024 - February 15, 2024``,
``1 May 2026 - 8 May 2026``, ``1 janvier 2024 - 15 février 2024``...), the header, the
rows, and total rows (``Total: Account``, ``Total: Search``, ``Total: Keywords``,
``Total: Search terms``, ``Total: Other search terms``... in whichever column).
:func:`read_google_ads` reads any of them into the ``ad_spend`` grain of
:mod:`trafficlib.schema`; the report kind comes from the dimensions present:

=============================  =============================================================
kind                           recognised by
=============================  =============================================================
google_ads/search_terms        Search term / Terme de recherche
google_ads/keywords            Keyword / Mot clé (+ Match type, Quality Score...)
google_ads/ads                 Ad / Annonce, Ad ID, Ad type, Headline 1
google_ads/assets              Asset / Composant
google_ads/videos              Video / Vidéo
google_ads/landing_pages       Landing page / Page de destination, Final URL
google_ads/demographics        Age, Gender, Household income
google_ads/locations           Country/Territory, Region, City, Location
google_ads/devices             Device / Appareil (and nothing finer)
google_ads/ad_groups           Ad group / Groupe d'annonces
google_ads/campaigns           Campaign / Campagne (impression share columns kept)
google_ads/account             none of the above (an account-level report)
google_ads/auction_insights    Display URL domain / Domaine de l'URL à afficher
=============================  =============================================================

With a Day / Week / Month segment each row carries its day (``date``; ``date_end`` for a
week or month, clipped to the report's range); without one, every row carries the
report's period (``date`` = first day, ``date_end`` = last day); a report that states no
dated range (``All time``, ``Last 30 days``) is read with ``date`` empty and its period
unknown (the paid-search audit needs no dates). Totals are removed from the rows, kept in
:attr:`Export.totals` (``label``, ``level``, ``scope``: the rows' own total first) and
checked against the rows' sums by :func:`trafficlib.sources.load`.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from trafficlib.errors import TrafficDataError
from trafficlib.readers import _adreport as ar
from trafficlib.readers.registry import Export, Probe, Reader, register

__all__ = ["read_google_ads", "recognise", "report_kind", "read_auction_insights_export"]

PLATFORM = "Google Ads"

# Headers only Google Ads writes (compared as ar.key()).
_GOOGLE_ONLY = ar._k("Impr.", "Conv. value", "Valeur de conv.", "Avg. CPC", "CPC moy.", "Currency code",
                     "Code de la devise", "Cost / conv.", "Coût/conv.", "Conv. rate", "Taux de conv.", "Search term",
                     "Terme de recherche", "Match type", "Type de correspondance", "Quality Score", "Qual. Score",
                     "Niveau de qualité", "Search impr. share", "Search lost IS (budget)", "Search lost IS (rank)",
                     "Interactions", "Interaction rate", "Taux d'interaction", "All conv.", "Toutes les conv.",
                     "Keyword status", "État du mot clé", "Campaign state", "État de la campagne", "Ad group state",
                     "Added/Excluded", "Ajouté/Exclu", "Search keyword", "Mot clé de recherche", "Coût", "Clics",
                     "Groupe d'annonces", "Campagne", "Mot clé", "Annonce", "Ad group", "Campaign", "Keyword",
                     "Day", "Jour", "Cost", "Impressions", "Clicks")
_STRONG = ar._k("Impr.", "Conv. value", "Valeur de conv.", "Avg. CPC", "CPC moy.", "Currency code", "Code de la devise",
                "Cost / conv.", "Coût/conv.", "Search term", "Terme de recherche", "Quality Score", "Qual. Score",
                "Niveau de qualité", "Search impr. share", "Search lost IS (budget)", "Interactions", "All conv.",
                "Toutes les conv.", "Keyword status", "État du mot clé", "Added/Excluded", "Ajouté/Exclu",
                "Search keyword", "Mot clé de recherche", "Match type", "Type de correspondance", "Conv. rate",
                "Taux de conv.")
_NOT_GOOGLE = ar._k("Reporting starts", "Début des rapports", "Amount spent", "Montant dépensé", "Ad set name",
                    "Nom de l'ensemble de publicités", "Time period", "Période", "Spend", "Dépense", "platform",
                    "Result indicator", "Indicateur de résultats", "Link clicks", "Clics sur un lien")
_DOMAIN = ar._k("Display URL domain", "Domaine de l'URL à afficher", "Domaine de l'URL d'affichage", "Store display name",
                "Nom à afficher du magasin")
_REPORT_WORDS = re.compile(r"\b(report|rapport|bericht|informe)\b", re.IGNORECASE)


def recognise(probe: Probe):
    """A Google Ads download: ad metrics (impressions / clicks / cost) with Google's
    headers, or Google's title and date-range preamble above an ad table."""
    if not probe.is_text:
        return False
    sheet = ar.best_sheet(probe)
    keys = {ar.key(h) for h in sheet.header}
    if keys & _NOT_GOOGLE:
        return False
    if keys & _DOMAIN and keys & set().union(*ar.SHARES.values()):
        return True  # auction insights
    dims, mets, shares, _, _ = ar.map_header(sheet.header)
    core = {"impressions", "clicks", "cost"} & set(mets.values())
    if not core:
        return False
    pre = ar.preamble_of(probe, sheet)
    google_pre = ar.period_from_lines(pre) is not None or any(_REPORT_WORDS.search(ln) for ln in pre)
    has_total = any(ar.is_total_label(c) for row in sheet.rows[-50:] + sheet.rows[:3] for c in row[:6])
    strong = bool(keys & _STRONG) or has_total or (google_pre and bool(keys & _GOOGLE_ONLY))
    if not strong:
        if "cost" in mets.values() and len(core) >= 2:
            # an ad table of unknown origin (a Kaggle table...): which platform it is cannot be told
            return ("an ad-performance table (impressions, clicks, cost) without any platform's own headers, "
                    "title or total rows; read it with trafficlib.adplatforms.read_ads(path, platform=..., "
                    "period=(start, end) if its dates are known)")
        return False
    # a report without a day column or dated range ("All time") is read with its period unknown
    return "cost" in mets.values() or bool(keys & _STRONG)


def report_kind(dimensions) -> str:
    """The Google Ads report a set of canonical dimensions comes from (see module doc)."""
    d = set(dimensions)
    for kind, keys in (("search_terms", {"search_term"}), ("keywords", {"keyword"}), ("ads", {"ad", "ad_type"}),
                       ("assets", {"asset"}), ("videos", {"video"}), ("landing_pages", {"landing_page"}), ("demographics", {"age", "gender", "income"}),
                       ("locations", {"country", "region", "city", "location"}), ("ad_groups", {"ad_group"}),
                       ("campaigns", {"campaign"}), ("devices", {"device"})):
        if d & keys:
            return kind
    return "account"


def read_google_ads(probe: Probe | str, period=None) -> Export:
    """Read a Google Ads download into an ``ad_spend`` :class:`Export` (see module doc).

    ``period``: (start, end) for a file that states no date range and has no day column.
    Auction Insights downloads give an ``auction_insights`` Export instead.
    """
    if not isinstance(probe, Probe):
        probe = Probe(probe)
    sheet = ar.best_sheet(probe)
    keys = {ar.key(h) for h in sheet.header}
    if keys & _DOMAIN:
        return read_auction_insights_export(probe, period=period)
    pre = ar.preamble_of(probe, sheet)
    exp = ar.read_table(sheet, probe.file, PLATFORM, "google_ads/report", preamble=pre, period=period)
    # the report is told by the columns it has, filled or not (an ad report's 'Ad name' may be all ' --')
    exp.kind = "google_ads/" + report_kind(set(exp.columns.values()))
    if "keyword" in exp.frame:  # Google writes phrase/exact keywords with their quotes/brackets
        kw = exp.frame["keyword"].astype("string")
        mt = kw.str.extract(r'^\s*(\[.*\]|".*")\s*$')[0]
        if mt.notna().any():
            typ = np.where(mt.str.startswith("[").fillna(False), "Exact match", "Phrase match")
            if "match_type" not in exp.frame:
                exp.frame["match_type"] = pd.Series(np.where(mt.notna(), typ, pd.NA), dtype="string")
            exp.frame["keyword"] = kw.where(mt.isna(), kw.str.strip().str[1:-1])
    return exp


# ------------------------------------------------------------------ auction insights

_AI_COLUMNS = {
    "impression_share": ar._k("Impression share", "Impr. share", "Search impr. share", "Taux d'impressions",
                              "Part d'impressions"),
    "overlap_rate": ar._k("Overlap rate", "Taux de chevauchement"),
    "position_above_rate": ar._k("Position above rate", "Taux de position supérieure"),
    "top_of_page_rate": ar._k("Top of page rate", "Taux d'impressions en haut de la page"),
    "abs_top_of_page_rate": ar._k("Abs. Top of page rate", "Absolute top of page rate",
                                  "Taux d'impressions en position absolue en haut de la page"),
    "outranking_share": ar._k("Outranking share", "Taux de surclassement", "Part de surclassement"),
}
_YOU = {"you", "vous", "your domain", "votre domaine"}


def read_auction_insights_export(probe: Probe | str, period=None) -> Export:
    """A Google Ads Auction Insights download as an ``auction_insights`` Export.

    ``< 10%`` is kept as its bound 0.10 (and ``> 90%`` as 0.90) with the ``censored``
    column saying which values are bounds ('<' at most, '>' at least); ``--`` is missing.
    The advertiser's own row ("You" / "Vous") is named ``(you)``. Segmented by Month /
    Week / Day, or one period: the date range above the header or ``period``.
    """
    if not isinstance(probe, Probe):
        probe = Probe(probe)
    file = probe.file
    sheet = ar.best_sheet(probe)
    header = sheet.header
    width = len(header)
    pre = ar.preamble_of(probe, sheet)
    pos = {}
    for i, h in enumerate(header):
        k = ar.key(h)
        if k in _DOMAIN:
            pos.setdefault("domain", i)
        for canon, keys in _AI_COLUMNS.items():
            if k in keys:
                pos.setdefault(canon, i)
        d = ar._DIM_LOOKUP.get(k)
        if d in ("date", "week", "month", "campaign", "ad_group", "device", "keyword"):
            pos.setdefault(d, i)
    rows = [(c + [""] * (width - len(c)))[:width] for c in sheet.rows]
    lines = list(sheet.lines)
    keep = [not ar.is_total_label(r[pos["domain"]]) and r[pos["domain"]].strip() for r in rows]
    rows = [r for r, k in zip(rows, keep) if k]
    lines = [ln for ln, k in zip(lines, keep) if k]
    if not rows:
        raise TrafficDataError("no data rows (only totals or titles)", file=file)
    raw = pd.DataFrame(rows, columns=range(width))
    out = pd.DataFrame(index=raw.index)
    stated = ar.period_from_lines(pre) or (tuple(pd.Timestamp(p) for p in period) if period is not None else None)
    if "month" in pos or "week" in pos or "date" in pos:
        seg = "month" if "month" in pos else "week" if "week" in pos else "date"
        parser = ar._months if seg == "month" else ar.parse_days
        d, bad = parser(raw[pos[seg]])
        if bad.any():
            raise TrafficDataError(f"cannot read '{raw[pos[seg]][bad].iloc[0]}' as a {seg}", file=file,
                                   column=header[pos[seg]], rows=ar._err_rows(lines, bad))
        out["period"] = d
    elif stated is not None:
        out["period"] = stated[0]
    else:
        raise TrafficDataError("no period: the export is not segmented by month or week and states no date range",
                               file=file, column="period", hint="segment it by Month, or pass period=(start, end)")
    dom = raw[pos["domain"]].astype("string").str.strip()
    you = dom.str.lower().isin(_YOU)
    out["domain"] = dom.where(~you, "(you)").str.lower().str.replace(r"^(https?://)?(www\.)?", "", regex=True)
    for extra in ("campaign", "ad_group", "device", "keyword"):
        if extra in pos:
            out[extra] = raw[pos[extra]].astype("string").str.strip()
    censored = pd.Series("", index=raw.index, dtype="object")
    decimal = "," if sheet.separator == ";" or any("é" in h for h in header) else "."
    for canon in _AI_COLUMNS:
        if canon not in pos:
            out[canon] = np.nan
            continue
        vals, cens, bad = ar._shares(raw[pos[canon]], decimal)
        if bad.any():
            raise TrafficDataError(f"cannot read '{raw[pos[canon]][bad].iloc[0]}' as a rate", file=file,
                                   column=header[pos[canon]], rows=ar._err_rows(lines, bad))
        if ((vals < 0) | (vals > 1)).any():
            raise TrafficDataError("rate outside 0-100 %", file=file, column=header[pos[canon]],
                                   rows=ar._err_rows(lines, (vals < 0) | (vals > 1)))
        out[canon] = vals
        censored = censored + np.where(cens != "", canon + cens + ",", "")
    out["censored"] = censored.str.rstrip(",").replace("", pd.NA).astype("string")
    notes = []
    if out["censored"].notna().any():
        notes.append("values written '< 10%' / '> 90%' are kept as their bound (0.10 / 0.90), listed in 'censored'")
    return Export(path=file, kind="google_ads/auction_insights", table="auction_insights", frame=out,
                  period=stated, notes=notes, columns={header[i]: c for c, i in pos.items()},
                  dimensions=tuple(c for c in ("period", "domain", "campaign", "ad_group", "device") if c in out),
                  meta={"platform": PLATFORM})


register(Reader("google_ads/report", "ad_spend", recognise, read_google_ads, priority=20,
                describe="Google Ads download (campaign, ad group, keyword, search terms, ad, landing page, "
                         "demographics, locations, devices, auction insights), CSV, UTF-16 CSV or xlsx, en/fr"))
