"""Which reports a set of recognised exports allows, and with which parameters.

Everything report-specific is data in :data:`REPORTS`: a report names its notebook, the
inputs it reads (kinds of export, the notebook parameter of the folder they go into,
the file name the notebook looks for) and its parameters as templates on facts worked
out from the files (``"{site_domain}"``; ``"{currency?}"`` is left out when unknown).
A new kind of export plugs in by adding its kind to an input's patterns; a new report
by adding an entry. Facts are computed by :func:`facts` from whatever files are there.
"""
from __future__ import annotations

import fnmatch
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from trafficlib.auto.walk import SITE_BOUND_TABLES, Item, site_from_urls

__all__ = ["Input", "ReportSpec", "REPORTS", "Plan", "PlannedReport", "dedupe", "split_sites", "facts", "plan"]

WEB = ("table:web_cube", "table:events", "table:sessions")
ADS = ("google_ads/*", "meta/*", "microsoft_ads/*", "meta_ads/*", "canonical/ad_spend")
MIX_OUTCOMES = ("ga4/report", "canonical/leads", "crm/*")   # an outcome by date a media-mix model can explain
MIX_MIN_WEEKS = 39                                       # weeks of spend and outcome together a media mix needs


@dataclass(frozen=True)
class Input:
    """Files a report reads: those whose kind (or ``table:<table>``) matches ``kinds``
    go into the folder given to the notebook parameter ``param``, named ``name`` when set
    (``{ext}`` is the file's suffix; one file then) or keeping their own names.
    ``group``: the report needs at least one file in each named group (inputs sharing a
    group are alternatives); None = optional. ``suffixes`` restricts the file types the
    notebook can read there. ``file``: the parameter gets the one file (the latest), and
    later inputs for the same parameter are not used when it is set."""

    param: str
    kinds: tuple[str, ...]
    group: str | None = None
    name: str | None = None
    suffixes: tuple[str, ...] | None = None
    file: bool = False                      # the parameter is the file itself (one file), not its folder
    daily: bool = False                     # spend by day, one report grain per platform (stacked: no double count)
    exclude: tuple[str, ...] = ()           # kinds matched above that the notebook cannot read


@dataclass(frozen=True)
class ReportSpec:
    """A report ``auto`` can make: ``key`` (output name), ``notebook`` (relative to the
    repository), ``inputs``, ``parameters`` (templates on :func:`facts`), and for each
    input group the file that would enable it (``enable``)."""

    key: str
    notebook: str
    inputs: tuple[Input, ...]
    parameters: dict
    enable: dict


REPORTS: tuple[ReportSpec, ...] = (
    ReportSpec(
        "traffic-overview", "notebooks/traffic_overview.ipynb",
        (Input("data_path", WEB, "web"),),
        {"site_name": "{site_name}", "period_start": "{web_start}", "period_end": "{web_end}",
         "compare": "{web_compare}", "currency": "{currency?}"},
        {"web": "GA4 interface exports (Reports > Share > Download CSV), a GA4 BigQuery export, or a sessions "
                "or events table"}),
    ReportSpec(
        "traffic-audit", "notebooks/traffic_audit.ipynb",
        (Input("data_path", WEB, "web"),
         Input("search_console_path", ("search_console/performance",), None, file=True)),
        {"site_name": "{site_name}", "site_domain": "{site_domain?}", "period_start": "{web_start}",
         "period_end": "{web_end}", "compare": "{web_compare}", "currency": "{currency?}"},
        {"web": "a GA4 BigQuery export or an events table (GA4 interface exports give a partial audit)"}),
    ReportSpec(
        "seo", "notebooks/search_console.ipynb",
        (Input("data_path", ("search_console/performance",), "seo", file=True),
         Input("data_path", tuple(f"search_console/{t}" for t in ("queries", "pages", "countries", "devices",
                                                                  "search_appearance", "dates", "filters")), "seo"),
         Input("query_page_file", ("search_console/bulk_url",), None, file=True)),
        {"site_name": "{site_name}", "site_domain": "{site_domain}", "query_page_file": "", "brand_regex": ""},
        {"seo": "a Search Console Performance export (Performance > Export > Download CSV: the zip)"}),
    ReportSpec(
        "competitor-watch", "notebooks/competitor_watch.ipynb",
        (Input("data_path", ("table:competitors",), "market", name="competitors{ext}", suffixes=(".csv",)),
         Input("data_path", ("table:rankings",), "market", name="rankings{ext}", suffixes=(".csv", ".xlsx")),
         Input("data_path", ("table:auction_insights",), "market", name="auction_insights{ext}", suffixes=(".csv",)),
         # every Trends file, under its own name: load_market combines them into one comparison
         Input("data_path", ("table:trends",), "market", suffixes=(".csv",)),
         Input("data_path", ("canonical/sessions",), None, name="sessions{ext}", suffixes=(".parquet", ".csv")),
         # GA4 reports by day: our own monthly traffic beside the competitors' (when there is no sessions table)
         Input("data_path", ("ga4/report",), None, suffixes=(".csv", ".xlsx")),
         Input("search_console_path", ("search_console/performance",), None, file=True),
         # or its tables downloaded loose: a folder of them (our positions, the holidays' country)
         Input("search_console_path", tuple(f"search_console/{t}" for t in ("queries", "pages", "countries", "devices",
                                                                            "search_appearance", "dates")))),
        {"our_domain": "{site_domain?}", "competitors": []},
        {"market": "a Similarweb, SEMrush/Ahrefs rankings, Google Ads Auction Insights or Google Trends export"}),
    ReportSpec(
        "channel-attribution", "notebooks/channel_attribution.ipynb",
        (Input("data_path", ("canonical/touchpoints",), "paths", name="touchpoints{ext}", suffixes=(".parquet", ".csv")),
         Input("data_path", ("canonical/sessions",), "paths", name="sessions{ext}", suffixes=(".parquet", ".csv")),
         Input("data_path", ("canonical/ad_spend",), None, name="ad_spend{ext}", suffixes=(".parquet", ".csv"))),
        {"currency": "{currency?}"},
        {"paths": "a touchpoints table (user, timestamp, channel, conversion) or a sessions table"}),
    ReportSpec(
        "campaign-postmortem", "notebooks/campaign_postmortem.ipynb",
        (Input("ads_dir", ADS[:-1], "ads", suffixes=(".csv",), daily=True, exclude=("*/auction_insights",)),
         Input("data_path", ("canonical/sessions",), None, name="sessions{ext}", suffixes=(".parquet", ".csv"))),
        {"campaign": "{ads_campaign}", "start_date": "{ads_campaign_start}", "end_date": "{ads_campaign_end}",
         "budget": 0.0, "target_cpa": 0.0, "target_roas": 0.0, "ab_file": "", "currency": "{currency?}"},
        {"ads": "a Google Ads, Meta or Microsoft Ads report by day (CSV)"}),
    ReportSpec(
        "paid-search", "notebooks/paid_search.ipynb",
        (Input("data_path", ("google_ads/*", "microsoft_ads/*"), "ads",
               exclude=("*/auction_insights", "google_ads/negative_keywords")),
         Input("data_path", ("google_ads/negative_keywords",))),   # optional: tells the terms already excluded
        {"site_name": "{site_name}", "currency": "{currency?}"},
        {"ads": "Google Ads or Microsoft Ads reports (search terms, keywords, campaigns)"}),
    ReportSpec(
        "paid-media", "notebooks/paid_media.ipynb",
        (Input("data_path", ("meta/*", "linkedin/*", "tiktok/*", "google_ads/videos"), "social"),
         # optional: their Display / Video / Demand Gen / Performance Max rows are read beside (search rows are not)
         Input("data_path", ("google_ads/*", "microsoft_ads/*"),
               exclude=("*/auction_insights", "google_ads/negative_keywords", "google_ads/videos")),
         Input("data_path", ("ga4/report",))),   # optional: paid media's share of the site's sessions
        {"site_name": "{site_name}", "currency": "{currency?}"},
        {"social": "a Meta Ads Manager, LinkedIn Campaign Manager or TikTok Ads Manager export, or a Google Ads "
                   "video report"}),
    ReportSpec(
        "leads", "notebooks/leads.ipynb",
        (Input("data_path", ("canonical/leads", "crm/*"), "leads"),
         Input("spend_path", ADS, None, exclude=("*/auction_insights",))),
        {"site_name": "{site_name}", "spend_path": "", "currency": "{currency?}"},
        {"leads": "a CRM export of leads or deals (HubSpot, Salesforce, Pipedrive, or a CSV: id, date, origin, stage)"}),
    ReportSpec(
        "media-mix", "notebooks/media_mix.ipynb",
        (Input("data_path", ADS[:-1], "ads", exclude=("*/auction_insights", "google_ads/negative_keywords")),
         Input("data_path", MIX_OUTCOMES, "outcome"),
         Input("data_path", ("canonical/touchpoints",), None, name="touchpoints{ext}", suffixes=(".parquet", ".csv")),
         # optional: offline spend plans (TV...), calendars of controls, lift results
         Input("data_path", ("mix/*",))),
        {"site_name": "{site_name}", "outcome": "{mix_outcome}", "currency": "{currency?}"},
        {"ads": "ad-platform downloads by day or week (Google Ads, Meta, Microsoft Ads)",
         "outcome": "an outcome by date: a GA4 report of revenue or conversions by date, or a CRM export of leads"}),
)

_FLIGHT = ("an ad report by day (campaign, day, cost) where a campaign starts at least 4 weeks after the "
           "report's first day (those weeks are the baseline)")
FACT_HINTS = {
    "site_domain": "your site's domain: a GA4 report stating its property, Search Console's Pages table, ads' final "
                   "URLs, or give it with --site example.com",
    "site_name": "your site's name: a GA4 report stating its property, Search Console's Pages table, ads' final "
                 "URLs, or give it with --site example.com",
    "web_start": "dated web-analytics data", "web_end": "dated web-analytics data",
    "web_compare": "dated web-analytics data",
    "ads_campaign": _FLIGHT, "ads_campaign_start": _FLIGHT, "ads_campaign_end": _FLIGHT,
    "mix_outcome": f"ad spend by day or week and an outcome by date over the same {MIX_MIN_WEEKS} weeks or more (a "
                   "media mix needs three quarters of history: two years is better)",
}


# Coarsest first: a campaign report by day already holds the spend of the finer ones.
_GRAIN_ORDER = ("campaigns", "ads_manager", "report", "ad_groups", "ads", "keywords", "search_terms", "landing_pages",
                "devices", "locations", "demographics")


def daily_spend(items: list[Item]) -> tuple[list[Item], list[str]]:
    """Ad reports a notebook can stack as spend by day: spend reports (table ``ad_spend``)
    with a day in each row (not a whole period per row, not an undated report whose
    ``date`` is empty), and for each platform only the coarsest report grain, so the same
    click is not counted once per grain. Returns (kept, notes)."""
    notes, daily = [], []
    for i in items:
        f = i.export.frame
        if i.export.table != "ad_spend":  # a negative keyword list, auction insights: no spend at all
            notes.append(f"{i.label}: not a spend report, not used as spend by day")
            continue
        per_period = "date_end" in f and "date" in f and (f["date_end"].notna() & (f["date_end"] != f["date"])).any()
        # an undated report ("All time", no Day column) has date and date_end empty: no day either
        if "date" not in f or per_period or f["date"].isna().all():
            notes.append(f"{i.label}: no day in its rows, not used as spend by day")
        else:
            daily.append(i)
    by_platform: dict[str, list[Item]] = {}
    for i in daily:
        by_platform.setdefault(i.export.kind.split("/")[0], []).append(i)
    kept = []
    for platform, its in by_platform.items():
        def rank(i):
            sub = i.export.kind.split("/", 1)[-1]
            return _GRAIN_ORDER.index(sub) if sub in _GRAIN_ORDER else len(_GRAIN_ORDER)
        best = min(rank(i) for i in its)
        for i in its:
            if rank(i) == best:
                kept.append(i)
            else:
                notes.append(f"{i.label}: a finer {platform} report than the one used; its spend is already counted")
    return kept, notes


def matches(item: Item, patterns) -> bool:
    keys = (item.export.kind, "table:" + item.export.table)
    return any(fnmatch.fnmatchcase(k, p) for p in patterns for k in keys)


# ------------------------------------------------------------------ duplicates, overlaps, sites


def _days(span) -> int:
    return int((span[1] - span[0]).days) + 1


_COPY = re.compile(r"(\s*\(\d+\)|[\s_-]+(copy|copie)(\s*\(?\d+\)?)?)$", re.IGNORECASE)
STACKED_TABLES = ("ad_spend",)   # readers add these files up: overlapping ones would count twice


# What an export is about, beyond its kind and dimensions: the terms of a Trends file, the
# domains of a rank tracker, the campaigns of an ad report. Two files about different
# things are two reports, whatever their periods.
_SUBJECT_COLUMNS = ("term", "keyword", "domain", "competitor", "account", "campaign", "query", "page")


def _subject(export) -> tuple:
    """(columns, distinct values of the first subject column present, distinct regions):
    two files of one kind and dimensions are the same report only when these are equal
    too."""
    frame = export.frame
    cols = tuple(sorted(str(c) for c in frame.columns)) if isinstance(frame, pd.DataFrame) else ()
    if not isinstance(frame, pd.DataFrame) or export.table in ("web_cube", "events", "sessions", "search_console"):
        return cols, ()
    # where: a Trends term over the USA and the same term over Japan are two series
    where = tuple(sorted(frame["geo"].dropna().astype(str).unique())) if "geo" in frame.columns else ()
    for c in _SUBJECT_COLUMNS:
        if c in frame.columns:
            return cols, tuple(sorted(frame[c].dropna().astype(str).unique())), where
    return cols, (), where


def dedupe(items: list[Item]) -> None:
    """Skip exact duplicates (same content) and files that another of the same kind,
    dimensions, columns, subject (terms, domains, campaigns: :func:`_subject`) and site
    already covers (period within its period). Files about different terms or campaigns
    are all kept (four Trends files, one per brand, are four series). For tables that
    notebooks stack (ad spend), a partial overlap of the same subject also skips the
    shorter file: adding both would count those days twice."""
    seen: dict[str, Item] = {}
    # the file as downloaded beats its copy in an archive, "x.csv" beats "x (1).csv" / "x - Copy.csv",
    # a shallower path a deeper one
    for it in sorted(items, key=lambda i: (i.label.count("!"), bool(_COPY.search(Path(i.label).stem)),
                                           i.label.count("/"), i.label)):
        if it.status != "taken":
            continue
        if it.digest in seen:
            it.skip(f"same content as {seen[it.digest].label}")
        else:
            seen[it.digest] = it
    groups: dict[tuple, list[Item]] = {}
    for it in items:
        if it.status == "taken" and it.span is not None and not it.kind.startswith("canonical/"):
            groups.setdefault((it.kind, tuple(it.export.dimensions), it.site, _subject(it.export)), []).append(it)
    for group in groups.values():
        group.sort(key=lambda i: (-_days(i.span), i.label))
        kept: list[Item] = []
        for it in group:
            a, b = it.span
            inside = next((k for k in kept if k.span[0] <= a and b <= k.span[1]), None)
            if inside is not None:
                it.skip(f"its period ({a:%Y-%m-%d} to {b:%Y-%m-%d}) is within {inside.label}'s, same report")
                continue
            over = next((k for k in kept if a <= k.span[1] and k.span[0] <= b), None)
            if over is not None and it.export.table in STACKED_TABLES:
                it.skip(f"overlaps {over.label} ({a:%Y-%m-%d} to {b:%Y-%m-%d}): the longer export is kept, "
                        "adding both would count those days twice")
                continue
            kept.append(it)


def split_sites(items: list[Item]) -> dict[str | None, list[Item]]:
    """Files per site. With one site (or none stated) one group, keyed by the site (or
    None). With several sites, one group per site holding its own files plus the files
    that state no site and are not site-bound (ad reports, market data...); a web or
    Search Console export that states no site is skipped (it cannot be attributed)."""
    taken = [i for i in items if i.status == "taken"]
    stated = {i.site for i in taken if i.site and not i.site_from_rows}
    if len(stated) == 1:  # one property stated: a site read from rows' URLs is that site's, by another name
        (only,) = stated
        for i in taken:
            if i.site_from_rows and i.site != only:
                i.site = only
    sites = sorted({i.site for i in taken if i.site})
    if len(sites) <= 1:
        return {sites[0] if sites else None: taken}
    unsited = []
    for i in taken:
        if not i.site and i.export.table in SITE_BOUND_TABLES:
            i.skip(f"states no site, and this folder holds several ({', '.join(sites)}): which one is it? "
                   "Put each site's exports in a folder of its own")
        elif not i.site:
            unsited.append(i)
    return {s: [i for i in taken if i.site == s] + unsited for s in sites}


# ------------------------------------------------------------------ facts


def _web_period(web: list[Item]) -> dict:
    """Report period and comparison for web data: the period most undated GA4 exports
    state (they only answer for their own period), else the last full calendar month of
    the data; compared with the previous period when the data cover it."""
    from trafficlib import periods

    undated = [i for i in web if i.export.table == "web_cube" and "date" not in i.export.dimensions and i.span]
    dated = [i for i in web if i.span and i not in undated]
    if undated:
        counts = Counter(i.span for i in undated)
        start, end = max(counts, key=lambda s: (counts[s], s[1], _days(s)))
    else:
        spans = [i.span for i in dated]
        if not spans:
            return {}
        lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
        end = hi if (hi + pd.Timedelta(days=1)).day == 1 else hi.replace(day=1) - pd.Timedelta(days=1)
        start = end.replace(day=1)
        if start < lo:                       # less than a full month: the whole span
            start, end = lo, hi
    _, prev = periods.resolve(start, end, "previous")
    covered = any(i.span[0] <= prev.start and prev.end <= i.span[1] for i in dated)
    return {"web_start": f"{start:%Y-%m-%d}", "web_end": f"{end:%Y-%m-%d}",
            "web_compare": "previous" if covered else "none"}


def _top_campaign(ads: list[Item]) -> dict:
    """The campaign with the most spend, and its first and last day with spend."""
    frames = [i.export.frame for i in ads if {"campaign", "date", "cost"} <= set(i.export.frame.columns)]
    if not frames:
        return {}
    df = pd.concat([f[["campaign", "date", "cost"]] for f in frames], ignore_index=True)
    df["cost"] = pd.to_numeric(df["cost"], errors="coerce")
    df["date"] = pd.to_datetime(df["date"], errors="coerce")
    df = df.dropna(subset=["campaign", "date"])
    df = df[df["cost"] > 0]
    if df.empty:
        return {}
    # a campaign with a flight that starts at least 4 weeks into the data (those weeks
    # are the baseline its lift is measured against); the one with the most spend
    lo = df["date"].min()
    by = df.groupby("campaign").agg(cost=("cost", "sum"), first=("date", "min"))
    flights = by[by["first"] >= lo + pd.Timedelta(days=28)]
    if flights.empty:
        return {}
    top = flights.sort_values("cost", ascending=False).index[0]
    days = df.loc[df["campaign"] == top, "date"]
    return {"ads_campaign": str(top), "ads_campaign_start": f"{days.min():%Y-%m-%d}",
            "ads_campaign_end": f"{days.max():%Y-%m-%d}"}


def _mix_span(items: list[Item]) -> dict:
    """``mix_outcome`` ("auto") when dated ad spend and a dated outcome (:data:`MIX_OUTCOMES`)
    cover at least :data:`MIX_MIN_WEEKS` weeks together: the union of the spend files'
    spans intersected with the outcome files' union (the notebook reads and checks the
    files themselves)."""
    def union(its):
        spans = sorted(i.span for i in its if i.span and pd.notna(i.span[0]) and pd.notna(i.span[1]))
        out: list = []
        for a, b in spans:
            if out and a <= out[-1][1] + pd.Timedelta(days=1):
                out[-1] = (out[-1][0], max(out[-1][1], b))
            else:
                out.append((a, b))
        return out

    spend = union([i for i in items if matches(i, ADS) and i.export.table == "ad_spend"
                   and "date" in i.export.frame and i.export.frame["date"].notna().any()])
    outcome = union([i for i in items if matches(i, MIX_OUTCOMES)
                     and (i.export.table != "web_cube" or "date" in i.export.dimensions)])
    days = sum(max(0, (min(b, d) - max(a, c)).days + 1) for a, b in spend for c, d in outcome)
    return {"mix_outcome": "auto"} if days >= 7 * MIX_MIN_WEEKS else {}


def facts(items: list[Item], site: str | None, given: dict | None = None) -> dict:
    """What the files say that reports need as parameters (see :data:`FACT_HINTS`);
    ``given`` (``--site``) wins over them."""
    out: dict = {}
    if site:
        if re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", site):
            out["site_domain"] = site
        out["site_name"] = site
    accounts = Counter(i.export.meta.get("account") for i in items
                       if i.export.table == "web_cube" and isinstance(i.export.meta.get("account"), str))
    if accounts:
        out["site_name"] = accounts.most_common(1)[0][0]
    currencies = Counter(i.export.meta.get("currency") for i in items
                         if isinstance(i.export.meta.get("currency"), str) and i.export.meta.get("currency"))
    if currencies:
        out["currency"] = currencies.most_common(1)[0][0]
    if "site_domain" not in out:  # last resort: where the ads send their clicks
        hosts = Counter(h for i in items if i.export.table == "ad_spend"
                        for h in [site_from_urls(i.export.frame)] if h)
        if len(hosts) == 1:
            out["site_domain"] = next(iter(hosts))
            out.setdefault("site_name", out["site_domain"])
    out.update(_web_period([i for i in items if matches(i, WEB)]))
    out.update(_top_campaign([i for i in items if matches(i, ADS)]))
    out.update(_mix_span(items))
    out.update({k: v for k, v in (given or {}).items() if v})
    if "site_name" not in out and (given or {}).get("folder_name"):
        out["site_name"] = given["folder_name"]       # a title, at least: the folder's name
    out.pop("folder_name", None)
    return out


# ------------------------------------------------------------------ the plan


@dataclass
class PlannedReport:
    """A report to render (``missing`` empty) or one the files do not allow (``missing``
    says which file would enable it). ``files``: parameter -> [(item, name in folder)]."""

    spec: ReportSpec
    name: str
    site: str | None
    parameters: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    missing: str = ""
    notes: list = field(default_factory=list)
    file_params: set = field(default_factory=set)


@dataclass
class Plan:
    reports: list[PlannedReport]
    sites: list
    facts: dict                # site -> facts

    @property
    def runnable(self) -> list[PlannedReport]:
        return [r for r in self.reports if not r.missing]

    @property
    def missing(self) -> list[PlannedReport]:
        return [r for r in self.reports if r.missing]


def _fill(value, fx: dict):
    """A parameter template filled from the facts: (value, missing fact or None)."""
    if not isinstance(value, str):
        return value, None
    m = re.fullmatch(r"\{(\w+)(\??)\}", value)
    if not m:
        return value, None
    if m[1] in fx:
        return fx[m[1]], None
    return (None, None) if m[2] else (None, m[1])


def _declared(notebook: Path) -> dict | None:
    import nbformat

    from trafficlib.report import notebook_parameters

    try:
        return notebook_parameters(nbformat.read(notebook, as_version=4))
    except Exception:  # noqa: BLE001
        return None


def plan(items: list[Item], root: Path, lang: str = "en", specs=REPORTS, site: str | None = None,
         folder_name: str | None = None) -> Plan:
    """Match the taken files to every report of ``specs`` (notebooks relative to ``root``).
    ``site``: the site's domain (or name) when the files do not say it (one site only)."""
    groups = split_sites(items)
    many = len(groups) > 1
    given = {"folder_name": folder_name} if folder_name else {}
    if site and not many:
        given["site_name"] = site
        if re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", site.lower()):
            given["site_domain"] = site.lower().removeprefix("www.")
    reports: list[PlannedReport] = []
    all_facts = {}
    for site, group in groups.items():
        fx = facts(group, site, given)
        all_facts[site or ""] = fx
        for spec in specs:
            name = f"{spec.key}-{re.sub(r'[^a-z0-9]+', '-', site.lower()).strip('-')}-{lang}" if many and site \
                else f"{spec.key}-{lang}"
            pr = PlannedReport(spec, name, site)
            reports.append(pr)
            nb = root / spec.notebook
            declared = _declared(nb) if nb.exists() else None
            if declared is None:
                pr.missing = f"not available: {spec.notebook} is not in this installation"
                continue
            groups_found: set[str] = set()
            as_file: set[str] = set()
            for inp in spec.inputs:
                if inp.param in as_file:
                    continue
                chosen = [i for i in group if matches(i, inp.kinds) and not matches(i, inp.exclude)]
                if inp.suffixes:
                    bad = [i for i in chosen if not i.label.lower().endswith(inp.suffixes)]
                    pr.notes += [f"{i.label}: this report reads only {'/'.join(inp.suffixes)} files there"
                                 for i in bad]
                    chosen = [i for i in chosen if i not in bad]
                if inp.daily:
                    chosen, dropped = daily_spend(chosen)
                    pr.notes += dropped
                if inp.file and len(chosen) > 1:          # one file: the latest, then the longest
                    chosen.sort(key=lambda i: (-(i.span[1].value if i.span else 0),
                                               -(_days(i.span) if i.span else 0), i.label))
                    pr.notes += [f"{i.label}: {chosen[0].label} is used for this report instead" for i in chosen[1:]]
                    chosen = chosen[:1]
                if inp.name and len(chosen) > 1:          # one file under a fixed name: the longest
                    chosen.sort(key=lambda i: (-(_days(i.span) if i.span else 0), i.label))
                    pr.notes += [f"{i.label}: {chosen[0].label} is used for this report instead" for i in chosen[1:]]
                    chosen = chosen[:1]
                if chosen:
                    if inp.group:
                        groups_found.add(inp.group)
                    if inp.file:
                        as_file.add(inp.param)
                        pr.file_params.add(inp.param)
                    pr.files.setdefault(inp.param, []).extend(chosen_named(chosen, inp))
            lacking = [g for g in dict.fromkeys(i.group for i in spec.inputs if i.group) if g not in groups_found]
            if lacking:
                pr.missing = "needs " + "; and ".join(spec.enable.get(g, g) for g in lacking)
                continue
            params, absent = {}, []
            for k, v in spec.parameters.items():
                val, miss = _fill(v, fx)
                if miss:
                    absent.append(miss)
                elif val is not None:
                    params[k] = val
            if absent:
                pr.missing = "needs " + "; and ".join(dict.fromkeys(FACT_HINTS.get(a, a) for a in absent))
                continue
            unknown = [k for k in list(params) + list(pr.files) if k not in declared]
            if any(k in pr.files for k in unknown):
                pr.missing = f"{spec.notebook} has no parameter {', '.join(k for k in unknown if k in pr.files)}"
                continue
            for k in unknown:
                params.pop(k)
            pr.parameters = params
    return Plan(reports=reports, sites=[s for s in groups if s], facts=all_facts)


def chosen_named(chosen: list[Item], inp: Input) -> list[tuple[Item, str]]:
    out = []
    for it in chosen:
        ext = "".join(Path(it.label.split("!")[-1]).suffixes[-1:]).lower() or ".csv"
        out.append((it, inp.name.format(ext=ext) if inp.name else None))
    return out
