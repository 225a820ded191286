"""Readers for ad-platform campaign reports: Google Ads, Meta Ads Manager, Microsoft Ads.

``read_ads("export.csv")`` recognises the platform from the headers and preamble
(English or French interface), drops what the platforms put around the data (Google Ads'
title and date-range lines and ``Total: ...`` rows in whichever column, Microsoft Ads'
report header and copyright footer), and returns the canonical ``ad_spend`` table
(:mod:`trafficlib.schema`) with ``platform`` filled in, at the grain of the report: daily
or not (``date`` .. ``date_end``), by campaign, ad group, ad, keyword, search term,
device, landing page, demographics... CSV, UTF-16 tab-separated CSV and .xlsx alike.

The readers themselves live in :mod:`trafficlib.readers.google_ads`,
:mod:`~trafficlib.readers.meta` and :mod:`~trafficlib.readers.microsoft` (registered for
:func:`trafficlib.sources.load`, which returns the whole
:class:`~trafficlib.readers.registry.Export`: totals, period, notes, reconciliation).

Headers understood (after :func:`trafficlib.schema.normalize_header`):

=========== ================================================ ==========================================
platform    English                                          French
=========== ================================================ ==========================================
Google Ads  Day, Campaign, Ad group, Ad, Impr., Clicks,       Jour, Campagne, Groupe d'annonces, Annonce,
            Cost, Conversions, Conv. value                    Impr., Clics, Coût, Conversions, Valeur de conv.
Meta Ads    Reporting starts, Campaign name, Ad set name,     Début des rapports, Nom de la campagne, Nom de
            Ad name, Impressions, Reach, Link clicks,         l'ensemble de publicités, Nom de la publicité,
            Amount spent (EUR), Results, Purchases            Impressions, Couverture, Clics sur un lien,
            conversion value                                  Montant dépensé (EUR), Résultats, Valeur de
                                                              conversion des achats
Microsoft   Time period, Campaign name, Ad group, Ad, Impr.,  Période, Nom de la campagne, Groupe d'annonces,
            Clicks, Spend, Conv., Revenue                     Impr., Clics, Dépense, Conv., Chiffre d'affaires
=========== ================================================ ==========================================

Conversions and conversion values are the platform's own (its attribution window and
model). Bad files raise :class:`trafficlib.TrafficDataError` naming the file, the column
(as headed in the file) and the lines.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib import filecache, schema, sources
from trafficlib.errors import TrafficDataError
from trafficlib.readers import _adreport, google_ads, meta, microsoft
from trafficlib.readers.google_ads import read_auction_insights_export, read_google_ads
from trafficlib.readers.meta import read_meta
from trafficlib.readers.microsoft import read_microsoft
from trafficlib.readers.registry import Export, Probe

__all__ = ["read_ads", "read_ads_folder", "read_export", "detect_platform", "load_postmortem_inputs", "PLATFORMS",
           "load_paid_search_inputs",
           "read_google_ads", "read_meta", "read_microsoft", "read_auction_insights_export"]

PLATFORMS = ("Google Ads", "Meta Ads", "Microsoft Ads")

# Headers (normalised) that only one platform uses.
_MARKERS = {
    "Meta Ads": {"reporting_starts", "reporting_ends", "debut_des_rapports", "fin_des_rapports", "amount_spent",
                 "montant_depense", "ad_set_name", "nom_de_l_ensemble_de_publicites", "link_clicks",
                 "clics_sur_un_lien", "purchases_conversion_value", "valeur_de_conversion_des_achats",
                 "result_indicator", "indicateur_de_resultats"},
    "Microsoft Ads": {"time_period", "spend", "periode", "depense"},
    "Google Ads": {"day", "jour", "conv_value", "valeur_de_conv", "cout", "cost", "groupe_d_annonces", "impr",
                   "search_term", "terme_de_recherche", "keyword", "mot_cle", "currency_code", "code_de_la_devise"},
}
_READERS = {"Google Ads": read_google_ads, "Meta Ads": read_meta, "Microsoft Ads": read_microsoft}
# what read_ads keeps beyond the canonical base columns: the report's grain and keyword/campaign facts
_GRAIN = ("date_end", "account", "campaign_type", "keyword", "match_type", "search_term", "landing_page", "device",
          "network", "age", "gender", "income", "location", "country", "region", "city", "quality_score",
          "search_impression_share", "search_lost_is_budget", "search_lost_is_rank", "censored",
          "ad_type", "asset", "video", "interaction_type", "placement", "device_platform",
          "interactions", "views")
# columns that tell two rows of one report apart beyond schema.KEYS (an asset, a video, a
# Meta breakdown by country, region, placement)
_EXTRA_KEYS = ("campaign_type", "ad_type", "asset", "video", "interaction_type", "country", "region", "city",
               "placement", "device_platform")


def detect_platform(headers) -> str:
    """The platform whose export has these column headers: "Google Ads", "Meta Ads" or
    "Microsoft Ads". Raises TrafficDataError when none fits."""
    norm = {schema.normalize_header(h) for h in headers}
    for platform in ("Meta Ads", "Microsoft Ads", "Google Ads"):  # most specific first
        if norm & _MARKERS[platform]:
            return platform
    raise TrafficDataError(
        "cannot tell which ad platform this export comes from (found: "
        + ", ".join(map(str, list(headers)[:10])) + ")",
        hint="expected a Google Ads, Meta Ads Manager or Microsoft Ads report with impressions, clicks and "
             "cost columns")


def _platform_of(probe: Probe) -> tuple[str | None, str | None]:
    """(platform, why not) from the readers' own recognisers."""
    why = None
    for platform, mod in (("Meta Ads", meta), ("Microsoft Ads", microsoft), ("Google Ads", google_ads)):
        hit = mod.recognise(probe)
        if isinstance(hit, str):
            why = why or hit
            if platform == "Google Ads":
                return platform, hit
        elif hit:
            return platform, None
    return None, why


def read_export(path: str | Path, platform: str | None = None, period=None, probe: Probe | None = None) -> Export:
    """The ad-platform export at ``path`` as an :class:`~trafficlib.readers.registry.Export`
    (frame, totals, period, notes, reconciliation). ``period`` (start, end) for a report
    that has no day column and states no date range; ``probe``: the file already opened
    (its tables parsed once)."""
    file = str(path)
    probe = probe or Probe(path)
    if not probe.path.exists():
        raise TrafficDataError("file not found", file=file)
    if platform is None:
        platform, why = _platform_of(probe)
        if platform is None:
            headers = probe.sheets[0].header if probe.sheets else []
            try:
                detect_platform(headers)
            except TrafficDataError as exc:
                raise TrafficDataError(exc.problem, file=file, hint=exc.hint) from None
            platform = detect_platform(headers)
        elif why and period is None:
            raise TrafficDataError(why, file=file, column="date")
    elif platform not in PLATFORMS:
        raise TrafficDataError(f"unknown platform '{platform}'", hint="one of " + ", ".join(PLATFORMS))
    return _READERS[platform](probe, period=period)


def read_ads(path: str | Path, platform: str | None = None, period=None, probe: Probe | None = None) -> pd.DataFrame:
    """Read one ad-platform export as the canonical ``ad_spend`` table.

    Parameters
    ----------
    path : str or Path
        A Google Ads, Meta Ads Manager or Microsoft Advertising export: CSV (any encoding,
        separator and decimal mark; UTF-16 tab-separated "CSV (Excel)") or .xlsx.
    platform : str, optional
        Force the platform instead of recognising it from the headers.
    period : (start, end), optional
        The dates a report covers when it has no day column and states no date range
        above its header (e.g. a table saved without Google's title lines).

    Returns
    -------
    DataFrame
        Columns date, platform, campaign, ad_group, ad, impressions, clicks, cost (account
        currency), conversions and conversion_value (as reported by the platform), reach
        (Meta only; NA elsewhere), then the report's own grain where it has one
        (``date_end`` when a row covers more than a day, ``keyword``, ``match_type``,
        ``search_term``, ``device``, ``landing_page``, ``age``..., ``quality_score``,
        impression shares). One row per line of the export, totals dropped.
        ``attrs``: file, platform, kind, currency, period, notes, totals.
    """
    exp = read_export(path, platform, period, probe)
    file = str(path)
    if exp.table != "ad_spend":
        raise TrafficDataError(f"a {exp.kind} export, not a performance report", file=file,
                               hint="read auction insights with trafficlib.marketdata.read_auction_insights")
    f = exp.frame
    keep = list(schema.columns("ad_spend")[:11])
    for c in _GRAIN:
        if c in f and f[c].notna().any() and c not in keep:
            if c == "date_end" and (f["date_end"].isna() | (f["date_end"] == f["date"])).all():
                continue
            keep.append(c)
    out = f[keep].copy()
    key = [k for k in (*schema.KEYS["ad_spend"], *_EXTRA_KEYS) if k in out.columns]
    dup = out.duplicated(subset=key, keep=False)
    notes = list(exp.notes)
    if dup.any() and exp.meta.get("segment") not in ("day", "week", "month"):
        # a report without a day segment lists what the interface lists (a demographic row per
        # criterion id): repeated names are kept, never merged or dropped, and said
        notes.append(f"{int(dup.sum())} rows repeat the same {', '.join(k for k in key if k != 'date')}: "
                     "kept as the report lists them")
    elif dup.any():
        lines = exp.meta.get("lines", [])
        rows = [lines[i] for i in np.flatnonzero(dup.to_numpy())] if lines else None
        raise TrafficDataError(f"{int(dup.sum())} rows share the same key ({', '.join(key)})", file=file,
                               column=next((h for h, c in exp.columns.items() if c == "date"), "date"), rows=rows,
                               hint="each key should appear once; aggregate or remove duplicates")
    for c in ("impressions", "clicks", "reach"):
        v = pd.to_numeric(out[c], errors="coerce")
        frac = v.notna() & (v % 1 != 0)
        if frac.any():
            lines = exp.meta.get("lines", [])
            raise TrafficDataError("expected whole numbers",  file=file,
                                   column=next((h for h, cc in exp.columns.items() if cc == c), c),
                                   rows=[lines[i] for i in np.flatnonzero(frac.to_numpy())] if lines else None)
        out[c] = v.round().astype("Int64")
    for c in ("cost", "conversions", "conversion_value"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    for c in ("platform", "campaign", "ad_group", "ad"):
        out[c] = out[c].astype("string")
    out["platform"] = out["platform"].fillna(exp.meta.get("platform", platform)).astype("string")
    out = out.sort_values(["date", "campaign", "ad_group", "ad"], na_position="first", kind="stable")
    out = out.reset_index(drop=True)
    out.attrs = {"file": file, "platform": exp.meta.get("platform", platform), "kind": exp.kind,
                 "currency": exp.meta.get("currency"), "period": exp.period, "notes": notes,
                 "totals": exp.totals}
    return out


def _is_auction_insights(probe: Probe) -> bool:
    """True for a Google Ads Auction Insights download (competitor shares, no spend)."""
    try:
        sheet = _adreport.best_sheet(probe)
    except TrafficDataError:
        return False
    return bool({_adreport.key(h) for h in sheet.header} & google_ads._DOMAIN)


_AD_METRICS = ("impressions", "clicks", "cost", "reach")
_AD_METRIC_KEYS = set().union(*(_adreport.METRICS[m][0] for m in _AD_METRICS))  # their header keys


def _may_hold_ad_report(path: Path) -> bool:
    """False only when ``path`` certainly holds no ad-platform report: no table in it has
    an impressions, clicks, cost or reach column, which every platform's ``recognise``
    requires (an Auction Insights table, skipped anyway, has none either). Decided from
    the file's first lines when the rest cannot start another table
    (:func:`~trafficlib.readers._sheet.head_sheets`), so that a downloads folder's 5 MB
    rank-tracker export is not parsed whole only to be skipped; True (read it) otherwise."""
    from trafficlib.readers._sheet import head_sheets

    try:
        head = head_sheets(path)
    except TrafficDataError:
        return True  # the whole read says what is wrong, or skips it
    if head is None:
        return True
    for sheet in head:
        header = _adreport.fix_sheet(sheet).header
        _, mets, _, _, _ = _adreport.map_header(header)
        if set(mets.values()) & set(_AD_METRICS) or {_adreport.key(h) for h in header} & _AD_METRIC_KEYS:
            return True
    return False


@filecache.by_files("folder")
def read_ads_folder(folder: str | Path, pattern: str = "*.csv", skip_unknown: bool = False,
                    dated: bool = False) -> pd.DataFrame:
    """Read every ad-platform export in ``folder`` matching ``pattern`` and stack them
    (canonical ``ad_spend``). A file that is not an ad-platform export raises, or is
    skipped with ``skip_unknown=True`` (a folder that also holds other CSV files).

    ``dated=True`` keeps only reports whose rows carry dates: a report downloaded for
    "All time" without a Day column (``date`` empty) is left out and named in
    ``attrs["undated"]`` (file, why); with none left, a :class:`TrafficDataError` says so.
    """
    files = sorted(Path(folder).glob(pattern))
    frames, undated = [], []
    for f in files:
        if skip_unknown and not _may_hold_ad_report(f):
            continue
        probe = Probe(f)  # each file's tables parsed once, for recognition and reading
        if skip_unknown:
            try:
                platform, why = _platform_of(probe)
            except TrafficDataError:
                continue
            if platform is None or why or _is_auction_insights(probe):
                continue  # not an ad report, or an Auction Insights download (shares, no spend)
        got = read_ads(f, probe=probe)
        if dated and got["date"].isna().all():
            undated.append((str(f), "no dates: no Day column and no dated range (period unknown)"))
            continue
        frames.append(got)
    if not frames and undated:
        raise TrafficDataError("the ad exports have no dates (no Day column, period unknown: "
                               + ", ".join(Path(u).name for u, _ in undated[:5]) + ")", file=str(folder),
                               hint="a post-mortem needs spend by day: download the reports with a Day segment "
                                    "and a dated range, not 'All time'")
    if not frames:
        raise TrafficDataError(f"no ad-platform export matching {pattern}", file=str(folder))
    frames = [fr.dropna(axis=1, how="all") if len(frames) > 1 else fr for fr in frames]
    out = pd.concat(frames, ignore_index=True)
    for c in schema.columns("ad_spend")[:11]:
        if c not in out:
            out[c] = pd.NA
    out = out[[*schema.columns("ad_spend")[:11], *[c for c in out.columns if c not in schema.columns("ad_spend")[:11]]]]
    out.attrs["undated"] = undated
    return out


@filecache.by_files("data_path", "ads_dir", "ab_file")
def load_postmortem_inputs(data_path: str | Path, ads_dir: str | Path | None = None,
                           ab_file: str | Path | None = None) -> dict:
    """Everything the campaign post-mortem reads, as canonical tables.

    - ``ad_spend``: the platform exports found in ``ads_dir`` (Google Ads, Meta,
      Microsoft Ads; other CSV files there are ignored, and so are reports without dates,
      listed in ``undated``: a post-mortem needs spend by day) or, when ``ads_dir`` is
      empty, ``<data_path>/ad_spend.parquet|csv``;
    - ``undated``: (file, why) of the ad reports left out for having no dates;
    - ``sessions``: ``<data_path>/sessions.*`` (None when absent: no site outcomes);
    - ``ab``: the A/B table (``ab_file``, default ``<data_path>/ab_test_ads.csv`` when
      present; columns variant, impressions, clicks[, conversions]) or None;
    - ``truth``: the demo shop's ``truth.json`` when present (planted facts), else None.
    """
    import json

    data = Path(data_path)
    out: dict = {}
    if ads_dir:
        out["ad_spend"] = read_ads_folder(ads_dir, "*.csv", skip_unknown=True, dated=True)
        out["undated"] = list(out["ad_spend"].attrs.get("undated", []))
    else:
        out["ad_spend"] = sources.read_folder(data, "ad_spend")
        out["undated"] = []
    try:
        out["sessions"] = sources.read_folder(data, "sessions")
    except TrafficDataError:
        out["sessions"] = None
    ab_path = Path(ab_file) if ab_file else data / "ab_test_ads.csv"
    if ab_path.exists():
        raw = sources.read_raw(ab_path)
        ab = raw.copy()
        for c in ("impressions", "clicks", "conversions"):
            if c in ab.columns:
                nums, bad = schema.parse_number(ab[c])
                if bad.any():
                    lines = [raw.attrs["line_numbers"][i] for i in bad.to_numpy().nonzero()[0]]
                    raise TrafficDataError("cannot read numbers", file=str(ab_path), column=c, rows=lines)
                ab[c] = nums
        out["ab"] = ab
    else:
        if ab_file:
            raise TrafficDataError("file not found", file=str(ab_path))
        out["ab"] = None
    truth = data / "truth.json"
    out["truth"] = json.loads(truth.read_text(encoding="utf-8")) if truth.exists() else None
    return out


_PAID_SEARCH_KINDS = ("search_terms", "keywords", "campaigns")
_SEARCH_FAMILIES = ("google_ads/", "microsoft_ads/")
# columns that split a campaign's row (a bid-adjustment, device, audience or location view
# of campaigns): such a report is not the campaign report, its impression shares are per part
_CAMPAIGN_SPLITS = ("interaction_type", "device", "network", "age", "gender", "income", "location", "country",
                    "region", "city", "placement", "device_platform", "ad_type", "keyword", "search_term")
_BID_ADJ = _adreport._k("Bid adj.", "Bid adjustment", "Bid adj", "Ajust. des enchères", "Ajustement des enchères",
                        "Ajust. enchères", "Ajustement d'enchères", "Audience segment", "Segment d'audience",
                        "Audience", "Audience name", "Nom de l'audience")
_IMPRESSION_SHARE = ("search_impression_share", "search_lost_is_budget", "search_lost_is_rank")


def _filled(frame: pd.DataFrame, columns) -> list[str]:
    return [c for c in columns if c in frame and frame[c].notna().any()]


def _campaign_report(exp: Export, probe: Probe) -> tuple[int | None, str]:
    """How fit an export of kind ``*/campaigns`` is to be THE campaign report: (0, "")
    one campaign per row with impression share, (1, why) one campaign per row without,
    (None, why) a view that splits campaigns (bid adjustments by interaction type,
    devices, audiences, locations: a ``Bid adj.`` or audience column, or a split
    column filled), never the campaign report."""
    split = _filled(exp.frame, _CAMPAIGN_SPLITS)
    try:
        header = _adreport.best_sheet(probe).header
    except TrafficDataError:
        header = list(exp.columns)
    bid = [h for h in header if _adreport.key(h) in _BID_ADJ]
    if split or bid:
        title = exp.meta.get("title") if isinstance(exp.meta.get("title"), str) else "this report"
        what = (f"splits campaigns by {', '.join(c.replace('_', ' ') for c in split)}" if split
                else f"is a bid-adjustment or audience view (column {', '.join(repr(h) for h in bid)})")
        return None, (f"'{title}' {what}: not the campaign report (impression share comes from "
                      "Campaigns > Campaigns)")
    if _filled(exp.frame, _IMPRESSION_SHARE):
        return 0, ""
    return 1, "no impression share columns"


@filecache.by_files("data_path")
def load_paid_search_inputs(data_path: str | Path) -> dict:
    """What the paid-search audit reads: every Google Ads / Microsoft Advertising download
    in ``data_path`` (a folder, or one file), by report.

    Each file is read with :func:`trafficlib.sources.load` (``on_mismatch="note"``: a file
    whose rows do not add up to its own total is read with a loud "DOES NOT RECONCILE"
    note, which the report shows). Returns:

    - ``search_terms``, ``keywords``: canonical ``ad_spend`` rows at the report's grain
      (several files of one kind stacked; None when absent);
    - ``campaigns``: THE campaign report, chosen by what each file holds: one campaign per
      row with impression share beats one without; a view that splits campaigns (a
      bid-adjustment report by interaction type, devices, audiences, locations) is never
      taken for it; the others are listed in ``skipped`` with why (None when none fits);
    - ``negatives``: the account's negative keywords (Google Ads Negative keyword report:
      ``keyword``, ``match_type``, ``criterion``, ``campaign``, ``ad_group``, ``level``;
      several files stacked; None when absent);
    - ``exports``: the :class:`~trafficlib.readers.registry.Export` of each file used (for
      periods, totals, what the rows cover of the account, notes);
    - ``skipped``: (file, why) of the other files; ``currency``.

    Raises :class:`TrafficDataError` when the folder holds no search terms, keyword or
    campaign report.
    """
    from trafficlib.readers.google_ads_negatives import KIND as NEGATIVES

    p = Path(data_path)
    files = sources.export_files(p, (".csv", ".tsv", ".txt", ".xlsx", ".xlsm"), missing="folder not found")
    got: dict[str, list] = {k: [] for k in _PAID_SEARCH_KINDS}
    negatives, campaign_views, skipped = [], [], []
    for f in files:
        exp = sources.load_or_skip(f, skipped, p.is_file(), on_mismatch="note")
        if exp is None:
            continue
        if exp.kind == NEGATIVES:
            negatives.append(exp)
            continue
        report = exp.kind.split("/", 1)[-1]
        if not exp.kind.startswith(_SEARCH_FAMILIES):
            skipped.append((str(f), f"a {exp.kind} export, not a Google Ads or Microsoft Advertising report"))
        elif report == "campaigns":
            rank, why = _campaign_report(exp, Probe(f))
            if rank is None:
                skipped.append((str(f), why))
            else:
                campaign_views.append((rank, exp, why))
        elif report in got:
            got[report].append(exp)
        else:
            skipped.append((str(f), f"a {exp.kind} report (the audit reads search terms, keywords and campaigns)"))
    if campaign_views:
        # the fittest, then the latest period, then the most rows: stacking two campaign reports would count twice
        campaign_views.sort(key=lambda t: (t[0], -(t[1].period[1].value if t[1].period else 0), -t[1].rows,
                                           Path(t[1].path).name))
        got["campaigns"] = [campaign_views[0][1]]
        best = Path(campaign_views[0][1].path).name
        for rank, exp, why in campaign_views[1:]:
            skipped.append((exp.path, f"another campaign report is used ({best})" + (f"; this one has {why}" if why
                                                                                       else "")))
    exports = [e for k in _PAID_SEARCH_KINDS for e in got[k]]
    if not exports:
        raise TrafficDataError("no search terms, keyword or campaign report from Google Ads or Microsoft Advertising",
                               file=str(p), hint="; ".join(f"{Path(a).name}: {b}" for a, b in skipped[:5]) or None)
    out = {k: (pd.concat([e.frame for e in v], ignore_index=True) if v else None) for k, v in got.items()}
    currencies = {e.meta.get("currency") for e in exports if e.meta.get("currency")}
    out.update(exports=exports, skipped=skipped, currency=next(iter(currencies)) if len(currencies) == 1 else None,
               negatives=pd.concat([e.frame for e in negatives], ignore_index=True) if negatives else None,
               negative_exports=negatives)
    return out
