"""GA4 and Universal Analytics interface exports (standard reports, Explorations,
Sheets, Data API tables, UA report downloads).

A GA4 report is a *cube*: a few dimensions (date, channel, landing page, country...)
and metrics aggregated over them, not sessions. :func:`read_report` reads one into the
``web_cube`` table:

- the ``#`` comment preamble: property, account, ``Start date: 20240101`` /
  ``Date de début : 20240101`` and the end date, or the Explorations' and UA's one-line
  range ``20250301-20250331`` (the export's period);
- the header line, in the English or French interface (see ``DIMENSIONS`` and
  ``METRICS``), or Data API names (``sessionDefaultChannelGroup``); a column of text
  whose header the kit does not know (a custom channel group, a custom dimension) is
  kept as a dimension under its own name;
- total rows by the one rule of :func:`trafficlib.readers._sheet.split_totals`:
  "Grand total" / "Total" / "Totaux" / "Total général" in a dimension cell, in the
  Explorations' field beyond the header (``,,,,190426,0.5589,...,Grand total``) or in
  an extra leading field (``Grand total,,,300,...``), or an unlabelled row of empty
  dimensions at the top (GA4 standard reports) or the bottom (UA downloads) that is at
  least as large as every row. A row of empty dimensions in the middle of the table (a
  landing page ``""`` with its 13 sessions) is data. Totals go to :attr:`Export.totals`;
- numbers with thousands separators in either locale, rates as ``0.65`` or ``65 %``,
  durations as seconds, ``1m 23s`` or ``00:01:23``, dates as ``YYYYMMDD`` (or "Nth
  day" counted from the start date);
- several tables in one file (a chart's table above the report's): the table with the
  most recognised columns is read; .xlsx downloads hold the same layout. GA4's Home /
  Reports snapshot export (one small table per card of the overview page) is refused
  by name, with the report to download instead: its tables are the cards' top rows,
  not reports, and no one table of it is the site's traffic.

Cube columns (canonical names): dimensions as found (``date``, ``channel``, ``source``,
``medium``, ``campaign``, ``landing_page``, ``page``, ``device``, ``country``...); additive
metrics ``sessions``, ``engaged_sessions``, ``converting_sessions``, ``conversions``
(key events, UA goal completions), ``revenue``, ``pageviews``, ``engagement_time``
(seconds, total), ``event_count``, ``transactions``; non-additive ``users`` (active
users), ``total_users``, ``new_users``: users are de-duplicated over the rows of a
report, so they are never summed into a total. Metrics exported only as ratios are
turned back into sums with their denominator (engaged sessions = engagement rate ×
sessions, rounded) and the note says so; UA's bounce rate (one-hit sessions) is kept
apart from GA4's (1 − engagement rate) and never turned into engaged sessions.

:attr:`Export.totals` holds one row per total row of the file, with the metric columns
and ``label`` (as written, ``""`` when unlabelled), ``level`` (``""``) and ``scope``:
``"rows"`` when the additive metrics of the rows add up to it, ``"more"`` when the
rows fall short of it (an Exploration downloaded with its "Show rows" limit) or when
it states only users (de-duplicated: more than a row sum can say). Users in a total
row are GA4's de-duplicated count: the figure to show, never the sum of the rows.
"""
from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pandas as pd

from trafficlib.errors import TrafficDataError
from trafficlib.readers._numbers import durations, numbers, yyyymmdd_or_dates
from trafficlib.readers._sheet import Sheet, split_totals, total_label
from trafficlib.readers.registry import Export, Probe, Reader, register
from trafficlib.schema import normalize_header

__all__ = ["read_report", "DIMENSIONS", "METRICS", "CUBE_ADDITIVE", "CUBE_USERS"]

CUBE_ADDITIVE = ("sessions", "engaged_sessions", "converting_sessions", "conversions", "revenue", "pageviews",
                 "engagement_time", "session_duration", "event_count", "transactions")
CUBE_USERS = ("users", "total_users", "new_users")
# the additive metrics a file's total is checked against (registry.ADDITIVE, minus time sums)
_CHECKED = ("sessions", "engaged_sessions", "conversions", "revenue", "pageviews", "event_count", "transactions")


def _keys(*names: str) -> list[str]:
    return [normalize_header(re.sub(r"(?<=[a-z])(?=[A-Z])", "_", n)) for n in names]


# canonical dimension -> headers (English UI, French UI, Data API; UA's names)
DIMENSIONS: dict[str, list[str]] = {
    "date": _keys("Date", "date", "Jour", "Day", "Day Index", "Index des jours"),
    "nth_day": _keys("Nth day", "Nième jour", "Énième jour", "N-ième jour", "nthDay"),
    "year_month": _keys("Year month", "Mois de l'année", "Année et mois", "yearMonth", "Month of year"),
    "week": _keys("Week", "Semaine", "ISO week of the year", "isoYearIsoWeek", "Year week", "yearWeek"),
    "channel": _keys("Session default channel group", "Groupe de canaux par défaut de la session",
                     "Session primary channel group", "Groupe de canaux principal de la session",
                     "sessionDefaultChannelGroup", "sessionPrimaryChannelGroup",
                     "Default channel group", "Groupe de canaux par défaut", "defaultChannelGroup",
                     "Default Channel Grouping", "channelGrouping"),
    "first_user_channel": _keys("First user default channel group", "First user primary channel group",
                                "Groupe de canaux par défaut du premier utilisateur",
                                "Groupe de canaux principal du premier utilisateur", "firstUserDefaultChannelGroup"),
    "source_medium": _keys("Session source / medium", "Source/Support de la session", "Source / support de la session",
                           "sessionSourceMedium", "Source / medium", "Source/Support", "sourceMedium"),
    "source": _keys("Session source", "Source de la session", "sessionSource", "Source"),
    "medium": _keys("Session medium", "Support de la session", "sessionMedium", "Medium", "Support"),
    "campaign": _keys("Session campaign", "Campagne de la session", "sessionCampaignName", "Campaign", "Campagne",
                      "Session campaign name"),
    "landing_page": _keys("Landing page", "Page de destination", "Landing page + query string",
                          "Page de destination + chaîne de requête", "landingPage", "landingPagePlusQueryString"),
    "page": _keys("Page path and screen class", "Chemin de la page et classe de l'écran",
                  "Page path + query string and screen class", "Chemin de la page + chaîne de requête et classe de l'écran",
                  "Page path", "Chemin de la page", "pagePath", "pagePathPlusQueryString", "Page location",
                  "Emplacement de la page", "pageLocation", "unifiedScreenClass", "unifiedPagePathScreen", "Page"),
    "page_title": _keys("Page title and screen class", "Titre de la page et classe de l'écran", "Page title",
                        "Titre de la page", "pageTitle", "unifiedScreenName", "Page Title"),
    "device": _keys("Device category", "Catégorie d'appareil", "deviceCategory", "Device", "Appareil"),
    "country": _keys("Country", "Pays", "country", "Country ID", "countryId"),
    "region": _keys("Region", "Région", "region"),
    "city": _keys("City", "Ville", "city"),
    "browser": _keys("Browser", "Navigateur", "browser"),
    "os": _keys("Operating system", "Système d'exploitation", "operatingSystem"),
    "language": _keys("Language", "Langue", "language"),
    "new_vs_returning": _keys("New / established", "Nouveau/Établi", "Nouveaux/Établis", "newVsReturning",
                              "New vs returning", "Nouveaux/Connus", "User Type"),
    "event_name": _keys("Event name", "Nom de l'événement", "eventName"),
    "hostname": _keys("Hostname", "Nom d'hôte", "hostName"),
}

# canonical metric -> (headers, how it is written)
METRICS: dict[str, tuple[list[str], str]] = {
    "sessions": (_keys("Sessions", "sessions", "Visits", "Visites"), "count"),
    "engaged_sessions": (_keys("Engaged sessions", "Sessions avec engagement", "engagedSessions"), "count"),
    "engagement_rate": (_keys("Engagement rate", "Taux d'engagement", "engagementRate"), "rate"),
    "bounce_rate": (_keys("Bounce rate", "Taux de rebond", "bounceRate"), "rate"),
    "ua_bounce_rate": ([], "rate"),  # UA's "Bounce Rate" (one-hit sessions): see _map_header
    "conversions": (_keys("Key events", "Événements clés", "keyEvents", "Conversions", "conversions",
                          "Goal Completions", "Réalisations d'objectifs"), "number"),
    "converting_rate": (_keys("Session key event rate", "Taux d'événements clés de la session", "sessionKeyEventRate",
                              "Session conversion rate", "Taux de conversion de la session",
                              "sessionConversionRate"), "rate"),
    "revenue": (_keys("Total revenue", "Revenu total", "Revenus totaux", "totalRevenue", "Purchase revenue",
                      "Revenus générés par les achats", "Revenu généré par les achats", "purchaseRevenue",
                      "Revenue", "Revenus"), "number"),
    "pageviews": (_keys("Views", "Vues", "screenPageViews", "Pageviews", "Pages vues"), "count"),
    "views_per_session": (_keys("Views per session", "Vues par session", "screenPageViewsPerSession",
                                "Pages / Session", "Pages/session"), "number"),
    "views_per_user": (_keys("Views per active user", "Vues par utilisateur actif", "screenPageViewsPerUser",
                             "Views per user"), "number"),
    "avg_engagement_per_session": (_keys("Average engagement time per session",
                                         "Durée d'engagement moyenne par session",
                                         "Temps d'engagement moyen par session", "userEngagementDuration per session"),
                                   "duration"),
    "avg_engagement_per_user": (_keys("Average engagement time per active user",
                                      "Durée d'engagement moyenne par utilisateur actif",
                                      "Temps d'engagement moyen par utilisateur actif"), "duration"),
    "user_engagement": (_keys("User engagement", "Engagement de l'utilisateur", "userEngagementDuration"), "duration"),
    "avg_session_duration": (_keys("Average session duration", "Durée moyenne des sessions", "averageSessionDuration",
                                   "Avg. Session Duration"), "duration"),
    "event_count": (_keys("Event count", "Nombre d'événements", "eventCount"), "count"),
    "transactions": (_keys("Transactions", "Ecommerce purchases", "Achats e-commerce", "ecommercePurchases"), "count"),
    "users": (_keys("Active users", "Utilisateurs actifs", "activeUsers", "Users", "Utilisateurs"), "count"),
    "total_users": (_keys("Total users", "Nombre total d'utilisateurs", "Utilisateurs totaux", "totalUsers"), "count"),
    "new_users": (_keys("New users", "Nouveaux utilisateurs", "newUsers"), "count"),
    # Universal Analytics report downloads (read, not kept in the cube: per-page figures)
    "unique_pageviews": (_keys("Unique Pageviews", "Vues uniques", "Pages vues uniques"), "count"),
    "avg_time_on_page": (_keys("Avg. Time on Page", "Temps moyen passé sur la page"), "duration"),
    "entrances": (_keys("Entrances", "Entrées"), "count"),
    "exit_rate": (_keys("% Exit", "% de sorties"), "rate"),
    "page_value": (_keys("Page Value", "Valeur de la page"), "number"),
    "new_sessions_rate": (_keys("% New Sessions", "% de nouvelles sessions"), "rate"),
    "goal_conversion_rate": (_keys("Goal Conversion Rate", "Taux de conversion de l'objectif"), "rate"),
    "goal_value": (_keys("Goal Value", "Valeur de l'objectif"), "number"),
}
# headers only Universal Analytics writes (GA4 has no such metric)
_UA_ONLY = {"unique_pageviews", "avg_time_on_page", "entrances", "exit_rate", "page_value", "new_sessions_rate",
            "goal_conversion_rate", "goal_value"}

_DIM_LOOKUP = {k: canon for canon, keys in DIMENSIONS.items() for k in keys}
_MET_LOOKUP = {k: canon for canon, (keys, _) in METRICS.items() for k in keys}
_GA4_PREAMBLE = re.compile(r"^(start date|end date|date de d[ée]but|date de fin|property|propri[ée]t[ée]|account|compte)\b",
                           re.IGNORECASE)
_UA_PREAMBLE = re.compile(r"^(all web site data|toutes les données du site web)\b", re.IGNORECASE)
_DATE_IN_LINE = re.compile(r"((?:19|20)\d{6})")
_RANGE_LINE = re.compile(r"^\s*((?:19|20)\d{6})\s*-\s*((?:19|20)\d{6})\s*$")
# the titles GA4 gives its overview export (English, French, German, Spanish, Italian)
_HOME_TITLES = re.compile(r"^(home|reports snapshot|accueil|instantané des rapports|startseite|"
                          r"übersicht der berichte|inicio|resumen de informes|panoramica dei report)\b", re.IGNORECASE)


def _snake(header: str) -> str:
    return normalize_header(re.sub(r"(?<=[a-z])(?=[A-Z])", "_", header))


def _map_header(header: list[str], ua: bool = False) -> tuple[dict[int, str], dict[int, str], list[int]]:
    """(dimension columns, metric columns, unknown columns) by position; with ``ua``,
    "Bounce Rate" is UA's (``ua_bounce_rate``)."""
    dims, mets, unknown = {}, {}, []
    for i, h in enumerate(header):
        key = _snake(h)
        if not key:
            unknown.append(i)
        elif key in _MET_LOOKUP and _MET_LOOKUP[key] not in mets.values():
            canon = _MET_LOOKUP[key]
            mets[i] = "ua_bounce_rate" if ua and canon == "bounce_rate" else canon
        elif key in _DIM_LOOKUP and _DIM_LOOKUP[key] not in dims.values():
            dims[i] = _DIM_LOOKUP[key]
        elif "channel_group" in key or "groupe_de_canaux" in key:
            if "channel" not in dims.values():
                dims[i] = "channel"  # a custom channel group
            else:
                dims[i] = key
        else:
            unknown.append(i)
    return dims, mets, unknown


def _score(sheet: Sheet) -> int:
    dims, mets, _ = _map_header(sheet.header)
    return 2 * len(mets) + len(dims)


def _is_ua(probe: Probe, sheet: Sheet) -> bool:
    """A Universal Analytics download: a UA-only metric or UA's "All Web Site Data" line."""
    _, mets, _ = _map_header(sheet.header)
    pre = any(_UA_PREAMBLE.match(ln) for s in probe.sheets for ln in s.preamble)
    return bool(set(mets.values()) & _UA_ONLY) or pre


def _preamble_facts(lines: list[str]) -> dict:
    facts: dict = {}
    for ln in lines:
        low = ln.lower()
        m = _DATE_IN_LINE.search(ln)
        rng = _RANGE_LINE.match(ln)
        if rng:  # Explorations and UA: "20250301-20250331"
            facts.setdefault("start", pd.Timestamp(rng.group(1)))
            facts.setdefault("end", pd.Timestamp(rng.group(2)))
        elif m and ("start date" in low or "date de début" in low or "date de debut" in low):
            facts.setdefault("start" if "comparison" not in low and "comparaison" not in low else "compare_start",
                             pd.Timestamp(m.group(1)))
        elif m and ("end date" in low or "date de fin" in low):
            facts.setdefault("end" if "comparison" not in low and "comparaison" not in low else "compare_end",
                             pd.Timestamp(m.group(1)))
        elif re.match(r"^(property|propri[ée]t[ée])\s*:", ln, re.IGNORECASE):
            facts["property"] = ln.split(":", 1)[1].strip()
        elif re.match(r"^(account|compte)\s*:", ln, re.IGNORECASE):
            facts["account"] = ln.split(":", 1)[1].strip()
    titles = [ln for ln in lines if ln and not set(ln) <= set("-= ") and ":" not in ln[:3] and not _RANGE_LINE.match(ln)]
    if titles:
        facts["title"] = titles[0]
    return facts


def recognise(probe: Probe):
    """A GA4 report: GA4's preamble, or GA4 metric headers with dimensions and no
    row-level ids (those are session or event tables)."""
    if not probe.is_text:
        return False
    best = max(probe.sheets, key=_score)
    keys = {_snake(h) for h in best.header}
    if keys & {"session_id", "user_pseudo_id", "event_timestamp", "fullvisitorid", "full_visitor_id", "visit_id",
               "client_id", "user_id", "timestamp"}:
        return False
    dims, mets, _ = _map_header(best.header)
    ga4_preamble = any(_GA4_PREAMBLE.match(ln) or _RANGE_LINE.match(ln) for s in probe.sheets for ln in s.preamble)
    ga4_metrics = set(mets.values()) & {"sessions", "engaged_sessions", "engagement_rate", "users", "total_users",
                                        "pageviews", "conversions", "event_count", "new_users"}
    if not ga4_metrics:
        return False
    if ga4_preamble:
        return True
    # Without GA4's preamble (Sheets, Data API, a saved copy): GA4 names or GA4-only metrics.
    ga4_only = set(mets.values()) & {"engaged_sessions", "engagement_rate", "converting_rate", "total_users",
                                     "avg_engagement_per_session", "user_engagement", "views_per_user",
                                     "avg_engagement_per_user"}
    # GA4's own header names: "Active users", "Key events", "Event count", "Views", "Page path and screen class"
    ga4_words = keys & {"active_users", "key_events", "event_count", "views", "page_path_and_screen_class",
                        "page_title_and_screen_class", "page_path_query_string_and_screen_class"}
    ga4_names = any(k in _DIM_LOOKUP and ("session" in k or k.startswith("first_user")) for k in keys)
    if ga4_only or ga4_names:
        return True
    if keys & {"cost", "cout", "impressions", "impr", "clicks", "clics", "spend"}:
        return False  # an ad platform's table
    if ga4_words and dims:
        return True
    # a generic "Date + Sessions (+ dims)" table is a GA4-like cube too
    return "sessions" in mets.values() and bool(dims)


def recognise_ua(probe: Probe) -> bool:
    """A Universal Analytics interface download (CSV or xlsx): UA-only metric headers
    (Unique Pageviews, Avg. Time on Page, % Exit, Page Value, % New Sessions...) with a
    dimension, or UA's "All Web Site Data" preamble."""
    if not probe.is_text or not probe.sheets:
        return False
    best = max(probe.sheets, key=_score)
    dims, mets, _ = _map_header(best.header)
    keys = {_snake(h) for h in best.header}
    if keys & {"fullvisitorid", "full_visitor_id", "cost", "impressions", "clicks"}:
        return False
    return bool(mets) and (bool(dims) or len(best.header) > len(mets)) and _is_ua(probe, best)


def _home_sections(probe: Probe) -> list[Sheet]:
    """The tables of GA4's Home / Reports snapshot export, or [] for any other file:
    two or more GA4 tables under that title, or (title lost) three or more tables with
    different headers and none of them a report (a card has one or two metrics; a
    report's table, even below its charts' tables, has more)."""
    tables = [(s, len(_map_header(s.header)[1])) for s in probe.sheets]
    tables = [(s, k) for s, k in tables if k]
    if len(tables) < 2:
        return []
    titled = any(_HOME_TITLES.match(ln) for s in probe.sheets for ln in s.preamble)
    cards = len({tuple(s.header) for s, _ in tables}) >= 3 and max(k for _, k in tables) <= 2
    return [s for s, _ in tables] if titled or cards else []


def _refuse_home(probe: Probe, tables: list[Sheet]) -> None:
    names = "; ".join(" × ".join(h for h in s.header if h) for s in tables[:6]) + ("; ..." if len(tables) > 6 else "")
    raise TrafficDataError(
        f"GA4's Home / Reports snapshot export ({len(tables)} small tables, one per card: {names}): its tables "
        "are the cards' top rows, not reports, and none of them is the site's traffic, so the kit does not read it",
        file=probe.file,
        hint="download a report instead: Reports > Acquisition > Traffic acquisition (sessions by channel, add "
             "the Date dimension for a daily series) or Engagement > Pages and screens / Landing page, each with "
             "Share this report > Download File > Download CSV")


def _title_lines(probe: Probe) -> list[str]:
    """The one-cell lines of a workbook's sheets that hold no table (UA's xlsx downloads
    put "All Web Site Data", "Pages", "20170501-20170507" on a "Summary" sheet)."""
    try:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(probe.path))
        out = []
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python()
            cells = [[str(c).strip() for c in r if str(c).strip()] for r in rows[:40]]
            if all(len(c) <= 1 for c in cells):
                out += [c[0] for c in cells if c]
        return out
    except Exception:  # noqa: BLE001 - a title sheet is a nicety: the table was read already
        return []


def _text_columns(sheet: Sheet, positions: list[int]) -> list[int]:
    """The columns among ``positions`` whose cells are mostly not numbers (a custom
    dimension under a header the kit does not know)."""
    out = []
    for i in positions:
        cells = pd.Series([r[i] if i < len(r) else "" for r in sheet.rows[:500]], dtype="string")
        cells = cells[cells.str.strip() != ""]
        if len(cells) == 0:
            continue
        _, bad = durations(cells)  # numbers, rates, money and durations ("00:01:05") are not text
        if bad.mean() > 0.5:
            out.append(i)
    return out


def _lead_label_to_trailing(sheet: Sheet, dims: list[int]) -> Sheet:
    """The same table with a total's label written in an extra LEADING field
    (``Grand total,,,300,...``: the kit's demo, some Sheets copies) moved to the
    trailing field GA4 Explorations use, so that :func:`split_totals` reads both."""
    width = sheet.width
    rows = []
    for cells in sheet.rows:
        if (len(cells) == width + 1 and total_label(cells[0]) is not None and cells[width].strip()
                and all(not cells[1 + d].strip() for d in dims)):
            cells = cells[1:] + [cells[0]]
        rows.append(cells)
    return dataclasses.replace(sheet, rows=rows)


def read_report(probe: Probe | str) -> Export:
    """Read a GA4 or UA interface export into a ``web_cube`` :class:`Export` (see
    module doc): kind ``"ga4/report"`` or ``"ua/report"``.

    Raises :class:`TrafficDataError` naming the file, the column and the lines for
    unreadable numbers or dates, negative counts, or rows wider than the header that
    are not total rows; and for GA4's Home export (named, with the report to download).
    """
    if not isinstance(probe, Probe):
        probe = Probe(probe)
    file = probe.file
    home = _home_sections(probe)
    if home:
        _refuse_home(probe, home)
    sheet = max(probe.sheets, key=_score)
    ua = _is_ua(probe, sheet)
    facts: dict = {}
    for s in probe.sheets:  # the preamble may sit above an earlier table
        for k, v in _preamble_facts(s.preamble).items():
            facts.setdefault(k, v)
    if "start" not in facts and probe.suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        for k, v in _preamble_facts(_title_lines(probe)).items():  # UA's xlsx: a "Summary" sheet of titles
            facts.setdefault(k, v)
    dims, mets, unknown = _map_header(sheet.header, ua=ua)
    for i in _text_columns(sheet, unknown):  # a custom dimension: kept under its own name
        if sheet.header[i]:
            dims[i] = _snake(sheet.header[i])
            unknown.remove(i)
    dims = dict(sorted(dims.items()))
    counts = [i for i, c in mets.items() if METRICS[c][1] == "count"]
    split = split_totals(_lead_label_to_trailing(sheet, list(dims)), list(dims), counts, file=file)
    data, lines = split.rows, split.lines
    notes: list[str] = []
    raw = pd.DataFrame(data, columns=range(sheet.width)) if data else pd.DataFrame(columns=range(sheet.width))
    decimal = "," if sheet.separator == ";" or any("é" in h or "è" in h for h in sheet.header) else None

    def metric_frame(rows: pd.DataFrame, where: list[int]) -> pd.DataFrame:
        out = pd.DataFrame(index=rows.index)
        for i, canon in mets.items():
            kind = METRICS[canon][1]
            col = rows[i] if len(rows) else pd.Series(dtype="string")
            if kind == "duration":
                vals, bad = durations(col, decimal=decimal)
            else:
                vals, bad = numbers(col, decimal=decimal, integer=(kind == "count"))
                if kind == "rate":
                    text = col.astype("string")
                    if not text.str.contains("%", regex=False).fillna(False).any() and (vals > 1).any():
                        vals = vals / 100.0  # a percentage written without its sign
            if bad.any():
                first = col[bad].iloc[0]
                raise TrafficDataError(f"cannot read '{first}' as a number", file=file, column=sheet.header[i],
                                       rows=[where[j] for j in np.flatnonzero(bad.to_numpy())])
            if kind in ("count", "number", "duration") and (vals < 0).any():
                raise TrafficDataError("negative values where counts and amounts cannot be negative", file=file,
                                       column=sheet.header[i],
                                       rows=[where[j] for j in np.flatnonzero((vals < 0).to_numpy())])
            out[canon] = vals
        return out

    values = metric_frame(raw, lines)
    frame = pd.DataFrame(index=raw.index)
    columns: dict[str, str] = {}
    for i, canon in dims.items():
        columns[sheet.header[i]] = canon
        frame[canon] = raw[i].astype("string").str.strip().replace("", pd.NA)
    for i, canon in mets.items():
        columns[sheet.header[i]] = canon
    if unknown:
        dropped = [sheet.header[i] for i in unknown if sheet.header[i]]
        if dropped:
            notes.append("columns not used: " + ", ".join(dropped))
    # dates
    if "date" in frame:
        d, bad = yyyymmdd_or_dates(frame["date"])
        if bad.any():
            col = next(h for h, c in columns.items() if c == "date")
            raise TrafficDataError(f"cannot read '{frame['date'][bad].iloc[0]}' as a date", file=file, column=col,
                                   rows=[lines[j] for j in np.flatnonzero(bad.to_numpy())])
        frame["date"] = d
    elif "nth_day" in frame and "start" in facts:
        n, bad = numbers(frame["nth_day"], integer=True)
        if bad.any():
            raise TrafficDataError("cannot read the day number", file=file, column="Nth day",
                                   rows=[lines[j] for j in np.flatnonzero(bad.to_numpy())])
        frame["date"] = facts["start"] + pd.to_timedelta(n, unit="D")
        frame = frame.drop(columns="nth_day")
        notes.append("'Nth day' turned into dates from the start date in the preamble")
    if "source_medium" in frame:
        parts = frame["source_medium"].str.split(r"\s*/\s*", n=1, expand=True, regex=True)
        frame["source"] = parts[0].str.strip() if "source" not in frame else frame["source"]
        frame["medium"] = (parts[1].str.strip() if parts.shape[1] > 1 else pd.NA) if "medium" not in frame else frame["medium"]
    before = set(values.columns)
    _derive(values, notes)
    derived = sorted(set(values.columns) - before)
    kept = [c for c in values.columns if c in CUBE_ADDITIVE + CUBE_USERS]
    frame = pd.concat([frame, values[kept]], axis=1)
    if ua and "ua_bounce_rate" in values:
        notes.append("UA's bounce rate (sessions of one interaction hit) is not GA4's (1 − engagement rate): "
                     "no engaged sessions are derived from it")
    totals = _totals(split.totals, sheet, metric_frame, frame, derived, notes)
    users = [c for c in CUBE_USERS if c in frame]
    if users and totals is None:
        notes.append(f"{', '.join(users)} per row are de-duplicated counts: they do not add up, and the file states "
                     "no total for them")
    period = None
    if "start" in facts and "end" in facts:
        period = (facts["start"], facts["end"])
    elif "date" in frame and frame["date"].notna().any():
        period = (frame["date"].min(), frame["date"].max())
        notes.append("period taken from the first and last date in the data (the file does not state it)")
    if "date" in frame and period is not None and frame["date"].notna().any():
        outside = (frame["date"] < period[0]) | (frame["date"] > period[1])
        if outside.any():
            notes.append(f"{int(outside.sum())} rows dated outside the stated period")
    dim_names = tuple(c for c in frame.columns if c not in CUBE_ADDITIVE + CUBE_USERS)
    if "source_medium" in dim_names:
        dim_names = tuple(d for d in dim_names if d != "source_medium")
        frame = frame.drop(columns="source_medium")
    return Export(path=file, kind="ua/report" if ua else "ga4/report", table="web_cube",
                  frame=frame.reset_index(drop=True), totals=totals, period=period, notes=notes, columns=columns,
                  dimensions=dim_names,
                  meta={**{k: v for k, v in facts.items() if k in ("property", "account", "title")},
                        "derived": derived})


def _totals(rows, sheet: Sheet, metric_frame, frame: pd.DataFrame, derived: list[str],
            notes: list[str]) -> pd.DataFrame | None:
    """:attr:`Export.totals` from the file's total rows (see the module doc): metric
    columns, ``label``, ``level``, ``scope``; the ``"rows"`` totals first. None when the
    file states no total."""
    if not rows:
        return None
    traw = pd.DataFrame([t.cells for t in rows], columns=range(sheet.width))
    tv = metric_frame(traw, [t.line for t in rows])
    _derive(tv, [])
    tv = tv[[c for c in tv.columns if c in CUBE_ADDITIVE + CUBE_USERS]].reset_index(drop=True)
    scopes = []
    for k, t in enumerate(rows):
        checked = [m for m in _CHECKED if m in tv and m in frame and m not in derived and pd.notna(tv.at[k, m])]
        short, over = [], []
        for m in checked:
            kit, want = float(frame[m].sum()), float(tv.at[k, m])
            if not math.isclose(kit, want, rel_tol=5e-4, abs_tol=0.01):
                (short if kit < want else over).append(f"{m} {kit:,.2f} of {want:,.2f}")
        if not checked:
            scope = "more"  # users (de-duplicated) and rates only: no row sum can equal it
        elif short and not over:
            scope = "more"
            notes.append(f"the rows do not add up to the file's {t.label or 'total row'} ({'; '.join(short)}): "
                         "the download holds fewer rows than its total covers (a row limit, or rows GA4 groups "
                         "as '(other)'); reports show the file's total for the whole period")
        else:
            scope = "rows"
            if over or short:
                notes.append(f"the rows do not add up to the file's own {t.label or 'total row'} for "
                             + ", ".join(short + over))
        scopes.append(scope)
    tv.insert(0, "label", [t.label for t in rows])
    tv.insert(1, "level", [t.level for t in rows])
    tv.insert(2, "scope", scopes)
    if len(rows) > 1:
        notes.append(f"{len(rows)} total rows found (lines {', '.join(str(t.line) for t in rows)})")
    order = sorted(range(len(rows)), key=lambda k: (scopes[k] != "rows", k))
    return tv.iloc[order].reset_index(drop=True)


def _derive(values: pd.DataFrame, notes: list[str]) -> None:
    """Sums from ratios where only the ratio is exported (in place)."""
    if "sessions" in values:
        s = values["sessions"]
        if "engaged_sessions" not in values and "engagement_rate" in values:
            values["engaged_sessions"] = (values["engagement_rate"] * s).round()
            notes.append("engaged sessions = engagement rate × sessions (rounded): the export has only the rate")
        elif "engaged_sessions" not in values and "bounce_rate" in values:
            values["engaged_sessions"] = ((1 - values["bounce_rate"]) * s).round()
            notes.append("engaged sessions = (1 − bounce rate) × sessions (GA4 bounce rate), rounded")
        if "converting_rate" in values:
            values["converting_sessions"] = (values["converting_rate"] * s).round()
        if "pageviews" not in values and "views_per_session" in values:
            values["pageviews"] = (values["views_per_session"] * s).round()
            notes.append("views = views per session × sessions (rounded)")
        if "avg_engagement_per_session" in values:
            values["engagement_time"] = values["avg_engagement_per_session"] * s
        if "avg_session_duration" in values:
            values["session_duration"] = values["avg_session_duration"] * s
    if "engagement_time" not in values and "user_engagement" in values:
        values["engagement_time"] = values["user_engagement"]
    if "engagement_time" not in values and "avg_engagement_per_user" in values and "users" in values:
        values["engagement_time"] = values["avg_engagement_per_user"] * values["users"]


register(Reader("ua/report", "web_cube", recognise_ua, read_report, priority=39,
                describe="Universal Analytics interface download (Pages, Landing Pages, Channels...: Pageviews, "
                         "Unique Pageviews, Avg. Time on Page, Bounce Rate, % Exit...), CSV or xlsx"))
register(Reader("ga4/report", "web_cube", recognise, read_report, priority=40,
                describe="GA4 interface export (standard report, Exploration, Sheets or Data API table), CSV or xlsx"))
