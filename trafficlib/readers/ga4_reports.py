"""GA4 interface exports (standard reports, Explorations, Sheets, Data API tables).

A GA4 report is a *cube*: a few dimensions (date, channel, landing page, country...)
and metrics aggregated over them, not sessions. :func:`read_report` reads one into the
``web_cube`` table:

- the ``#`` comment preamble: property, account, ``Start date: 20240101`` /
  ``Date de début : 20240101`` and the end date (the export's period);
- the header line, in the English or French interface (see ``DIMENSIONS`` and
  ``METRICS``), or Data API names (``sessionDefaultChannelGroup``);
- a total row wherever it stands: "Grand total" / "Total" / "Totaux" / "Total général"
  in a dimension cell, a row whose dimensions are all empty (standard reports put it
  at the top), or the Explorations' "Grand total" line that has one field more than the
  header. It is removed from the data and kept as :attr:`Export.totals`;
- numbers with thousands separators in either locale, rates as ``0.65`` or ``65 %``,
  durations as seconds or ``1m 23s``, dates as ``YYYYMMDD`` (or "Nth day" counted from
  the start date);
- several tables in one file (a chart's table above the report's): the table with the
  most recognised columns is read; .xlsx downloads hold the same layout.

Cube columns (canonical names): dimensions as found (``date``, ``channel``, ``source``,
``medium``, ``campaign``, ``landing_page``, ``page``, ``device``, ``country``...); additive
metrics ``sessions``, ``engaged_sessions``, ``converting_sessions``, ``conversions``
(key events), ``revenue``, ``pageviews``, ``engagement_time`` (seconds, total),
``event_count``, ``transactions``; non-additive ``users`` (active users), ``total_users``,
``new_users``. Metrics exported only as ratios are turned back into sums with their
denominator (engaged sessions = engagement rate × sessions, rounded) and the note says so.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from trafficlib.errors import TrafficDataError
from trafficlib.readers._numbers import durations, numbers, yyyymmdd_or_dates
from trafficlib.readers._sheet import Sheet
from trafficlib.readers.registry import Export, Probe, Reader, register
from trafficlib.schema import normalize_header

__all__ = ["read_report", "DIMENSIONS", "METRICS", "TOTAL_LABELS", "CUBE_ADDITIVE", "CUBE_USERS"]

CUBE_ADDITIVE = ("sessions", "engaged_sessions", "converting_sessions", "conversions", "revenue", "pageviews",
                 "engagement_time", "session_duration", "event_count", "transactions")
CUBE_USERS = ("users", "total_users", "new_users")

TOTAL_LABELS = {"total", "totals", "grand_total", "totaux", "total_general", "somme", "totale", "gesamt",
                "gesamtsumme", "summe", "totale_complessivo", "total_geral"}


def _keys(*names: str) -> list[str]:
    return [normalize_header(re.sub(r"(?<=[a-z])(?=[A-Z])", "_", n)) for n in names]


# canonical dimension -> headers (English UI, French UI, Data API)
DIMENSIONS: dict[str, list[str]] = {
    "date": _keys("Date", "date", "Jour", "Day"),
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
                  "Emplacement de la page", "pageLocation", "unifiedScreenClass", "unifiedPagePathScreen"),
    "page_title": _keys("Page title and screen class", "Titre de la page et classe de l'écran", "Page title",
                        "Titre de la page", "pageTitle", "unifiedScreenName"),
    "device": _keys("Device category", "Catégorie d'appareil", "deviceCategory", "Device", "Appareil"),
    "country": _keys("Country", "Pays", "country", "Country ID", "countryId"),
    "region": _keys("Region", "Région", "region"),
    "city": _keys("City", "Ville", "city"),
    "browser": _keys("Browser", "Navigateur", "browser"),
    "os": _keys("Operating system", "Système d'exploitation", "operatingSystem"),
    "language": _keys("Language", "Langue", "language"),
    "new_vs_returning": _keys("New / established", "Nouveau/Établi", "Nouveaux/Établis", "newVsReturning",
                              "New vs returning", "Nouveaux/Connus"),
    "event_name": _keys("Event name", "Nom de l'événement", "eventName"),
    "hostname": _keys("Hostname", "Nom d'hôte", "hostName"),
}

# canonical metric -> (headers, how it is written)
METRICS: dict[str, tuple[list[str], str]] = {
    "sessions": (_keys("Sessions", "sessions", "Visits", "Visites"), "count"),
    "engaged_sessions": (_keys("Engaged sessions", "Sessions avec engagement", "engagedSessions"), "count"),
    "engagement_rate": (_keys("Engagement rate", "Taux d'engagement", "engagementRate"), "rate"),
    "bounce_rate": (_keys("Bounce rate", "Taux de rebond", "bounceRate"), "rate"),
    "conversions": (_keys("Key events", "Événements clés", "keyEvents", "Conversions", "conversions"), "number"),
    "converting_rate": (_keys("Session key event rate", "Taux d'événements clés de la session", "sessionKeyEventRate",
                              "Session conversion rate", "Taux de conversion de la session",
                              "sessionConversionRate"), "rate"),
    "revenue": (_keys("Total revenue", "Revenu total", "Revenus totaux", "totalRevenue", "Purchase revenue",
                      "Revenus générés par les achats", "Revenu généré par les achats", "purchaseRevenue"), "number"),
    "pageviews": (_keys("Views", "Vues", "screenPageViews", "Pageviews", "Pages vues"), "count"),
    "views_per_session": (_keys("Views per session", "Vues par session", "screenPageViewsPerSession"), "number"),
    "avg_engagement_per_session": (_keys("Average engagement time per session",
                                         "Durée d'engagement moyenne par session",
                                         "Temps d'engagement moyen par session", "userEngagementDuration per session"),
                                   "duration"),
    "user_engagement": (_keys("User engagement", "Engagement de l'utilisateur", "userEngagementDuration"), "duration"),
    "avg_session_duration": (_keys("Average session duration", "Durée moyenne des sessions", "averageSessionDuration"),
                             "duration"),
    "event_count": (_keys("Event count", "Nombre d'événements", "eventCount"), "count"),
    "transactions": (_keys("Transactions", "Ecommerce purchases", "Achats e-commerce", "ecommercePurchases"), "count"),
    "users": (_keys("Active users", "Utilisateurs actifs", "activeUsers", "Users", "Utilisateurs"), "count"),
    "total_users": (_keys("Total users", "Nombre total d'utilisateurs", "Utilisateurs totaux", "totalUsers"), "count"),
    "new_users": (_keys("New users", "Nouveaux utilisateurs", "newUsers"), "count"),
}

_DIM_LOOKUP = {k: canon for canon, keys in DIMENSIONS.items() for k in keys}
_MET_LOOKUP = {k: canon for canon, (keys, _) in METRICS.items() for k in keys}
_GA4_PREAMBLE = re.compile(r"^(start date|end date|date de d[ée]but|date de fin|property|propri[ée]t[ée]|account|compte)\b",
                           re.IGNORECASE)
_DATE_IN_LINE = re.compile(r"((?:19|20)\d{6})")


def _snake(header: str) -> str:
    return normalize_header(re.sub(r"(?<=[a-z])(?=[A-Z])", "_", header))


def _map_header(header: list[str]) -> tuple[dict[int, str], dict[int, str], list[int]]:
    """(dimension columns, metric columns, unknown columns) by position."""
    dims, mets, unknown = {}, {}, []
    for i, h in enumerate(header):
        key = _snake(h)
        if not key:
            unknown.append(i)
        elif key in _MET_LOOKUP and _MET_LOOKUP[key] not in mets.values():
            mets[i] = _MET_LOOKUP[key]
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


def _preamble_facts(lines: list[str]) -> dict:
    facts: dict = {}
    for ln in lines:
        low = ln.lower()
        m = _DATE_IN_LINE.search(ln)
        if m and ("start date" in low or "date de début" in low or "date de debut" in low):
            facts.setdefault("start" if "comparison" not in low and "comparaison" not in low else "compare_start",
                             pd.Timestamp(m.group(1)))
        elif m and ("end date" in low or "date de fin" in low):
            facts.setdefault("end" if "comparison" not in low and "comparaison" not in low else "compare_end",
                             pd.Timestamp(m.group(1)))
        elif re.match(r"^(property|propri[ée]t[ée])\s*:", ln, re.IGNORECASE):
            facts["property"] = ln.split(":", 1)[1].strip()
        elif re.match(r"^(account|compte)\s*:", ln, re.IGNORECASE):
            facts["account"] = ln.split(":", 1)[1].strip()
    titles = [ln for ln in lines if ln and not set(ln) <= set("-= ") and ":" not in ln[:3]]
    if titles:
        facts["title"] = titles[0]
    return facts


def _is_total_label(cell: str) -> bool:
    key = normalize_header(cell)
    return key in TOTAL_LABELS or key.startswith("total_")


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
    ga4_preamble = any(_GA4_PREAMBLE.match(ln) for s in probe.sheets for ln in s.preamble)
    ga4_metrics = set(mets.values()) & {"sessions", "engaged_sessions", "engagement_rate", "users", "total_users",
                                        "pageviews", "conversions", "event_count", "new_users"}
    if not ga4_metrics:
        return False
    if ga4_preamble:
        return True
    # Without GA4's preamble (Sheets, Data API, a saved copy): GA4 names or GA4-only metrics.
    ga4_only = set(mets.values()) & {"engaged_sessions", "engagement_rate", "converting_rate", "total_users",
                                     "avg_engagement_per_session", "user_engagement"}
    ga4_names = any(k in _DIM_LOOKUP and ("session" in k or k.startswith("first_user")) for k in keys)
    if ga4_only or ga4_names:
        return True
    # a generic "Date + Sessions (+ dims)" table is a GA4-like cube too, unless ad metrics say otherwise
    if keys & {"cost", "cout", "impressions", "impr", "clicks", "clics", "spend"}:
        return False
    return "sessions" in mets.values() and bool(dims)


def _rows(sheet: Sheet, file: str) -> tuple[list[list[str]], list[int], list[list[str]], list[int]]:
    """Data rows and total rows (both padded to the header's width)."""
    width = sheet.width
    data, lines, totals, tlines = [], [], [], []
    dim_positions = None
    for cells, line in zip(sheet.rows, sheet.lines):
        if len(cells) == width + 1 and _is_total_label(cells[0]):
            totals.append(cells[1:])  # Explorations: "Grand total" in an extra leading field
            tlines.append(line)
            continue
        if len(cells) > width:
            extra = cells[width:]
            if any(c.strip() for c in extra):
                raise TrafficDataError(f"{len(cells)} fields where the header has {width}", file=file, rows=[line],
                                       hint="check the separator and quoting on that line")
            cells = cells[:width]
        cells = cells + [""] * (width - len(cells))
        if dim_positions is None:
            dims, _, _ = _map_header(sheet.header)
            dim_positions = list(dims) or [0]
        dim_cells = [cells[i] for i in dim_positions]
        if any(_is_total_label(c) for c in dim_cells if c) or all(not c for c in dim_cells):
            totals.append(cells)
            tlines.append(line)
            continue
        data.append(cells)
        lines.append(line)
    return data, lines, totals, tlines


def read_report(probe: Probe | str) -> Export:
    """Read a GA4 interface export into a ``web_cube`` :class:`Export` (see module doc).

    Raises :class:`TrafficDataError` naming the file, the column and the lines for
    unreadable numbers or dates, negative counts, or rows wider than the header.
    """
    if not isinstance(probe, Probe):
        probe = Probe(probe)
    file = probe.file
    sheet = max(probe.sheets, key=_score)
    facts: dict = {}
    for s in probe.sheets:  # the preamble may sit above an earlier table
        for k, v in _preamble_facts(s.preamble).items():
            facts.setdefault(k, v)
    dims, mets, unknown = _map_header(sheet.header)
    data, lines, total_rows, total_lines = _rows(sheet, file)
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
    frame = pd.concat([frame, values[[c for c in values.columns if c in CUBE_ADDITIVE + CUBE_USERS]]], axis=1)
    totals = None
    if total_rows:
        traw = pd.DataFrame(total_rows, columns=range(sheet.width))
        tv = metric_frame(traw, total_lines)
        _derive(tv, [])
        totals = tv[[c for c in tv.columns if c in CUBE_ADDITIVE + CUBE_USERS]].head(1).reset_index(drop=True)
        if len(total_rows) > 1:
            notes.append(f"{len(total_rows)} total rows found; the first is kept as the file's total")
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
    export = Export(path=file, kind="ga4/report", table="web_cube", frame=frame.reset_index(drop=True),
                    totals=totals, period=period, notes=notes, columns=columns, dimensions=dim_names,
                    meta={**{k: v for k, v in facts.items() if k in ("property", "account", "title")},
                          "derived": derived})
    rec = export.reconciliation()
    if not rec.empty and not rec["ok"].all():
        bad = rec[~rec["ok"]]
        notes.append("the rows do not add up to the file's own total for " + ", ".join(
            f"{r.metric} ({r.kit:,.2f} vs {r.file:,.2f})" for r in bad.itertuples())
            + ": the report uses the file's total where it shows a total")
    return export


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


register(Reader("ga4/report", "web_cube", recognise, read_report, priority=40,
                describe="GA4 interface export (standard report, Exploration, Sheets or Data API table), CSV or xlsx"))
