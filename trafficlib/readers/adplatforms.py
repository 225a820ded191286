"""Readers for ad-platform campaign reports: Google Ads, Meta Ads Manager, Microsoft Ads.

``read_ads("export.csv")`` recognises the platform from the headers (English or French
interface), drops what the platforms put around the data (Google Ads' two title lines
and ``Total: ...`` rows, Microsoft Ads' report header and copyright footer), and returns
the canonical ``ad_spend`` table (:mod:`trafficlib.schema`) with ``platform`` filled in.
Daily reports by campaign, ad group (Meta: ad set) and ad are supported; coarser reports
(no ad group / ad columns) are read too.

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

import pandas as pd

from trafficlib import schema, sources
from trafficlib.errors import TrafficDataError

__all__ = ["read_ads", "read_ads_folder", "detect_platform", "load_postmortem_inputs", "PLATFORMS"]

PLATFORMS = ("Google Ads", "Meta Ads", "Microsoft Ads")

# Headers (normalised) that only one platform uses.
_MARKERS = {
    "Meta Ads": {"reporting_starts", "reporting_ends", "debut_des_rapports", "fin_des_rapports", "amount_spent",
                 "montant_depense", "ad_set_name", "nom_de_l_ensemble_de_publicites", "link_clicks",
                 "clics_sur_un_lien", "purchases_conversion_value", "valeur_de_conversion_des_achats",
                 "result_indicator", "indicateur_de_resultats"},
    "Microsoft Ads": {"time_period", "spend", "periode", "depense"},
    "Google Ads": {"day", "jour", "conv_value", "valeur_de_conv", "cout", "cost", "groupe_d_annonces"},
}
_FOOTER_PREFIXES = ("total", "©", "(c)", "copyright")


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
        hint="expected a Google Ads, Meta Ads Manager or Microsoft Ads campaign report "
             "with a day column (Day / Jour, Reporting starts, Time period)")


def _drop_footer(raw: pd.DataFrame) -> pd.DataFrame:
    """Remove total and copyright rows (their first or second cell starts with 'Total',
    '©'...), keeping ``attrs['line_numbers']`` aligned with the rows kept."""
    if raw.empty:
        return raw
    first_cols = raw.columns[:2]
    cells = raw[first_cols].astype("string").apply(lambda s: s.str.strip().str.lower())
    footer = cells.apply(lambda s: s.str.startswith(_FOOTER_PREFIXES).fillna(False)).any(axis=1)
    lines = raw.attrs.get("line_numbers")
    keep = ~footer.to_numpy()
    out = raw[keep].copy()
    out.attrs = dict(raw.attrs)
    if lines is not None:
        out.attrs["line_numbers"] = [ln for ln, k in zip(lines, keep) if k]
    return out


def read_ads(path: str | Path, platform: str | None = None) -> pd.DataFrame:
    """Read one ad-platform export as the canonical ``ad_spend`` table.

    Parameters
    ----------
    path : str or Path
        A CSV export (any encoding / separator / decimal mark the sniffer handles:
        Google Ads French exports are ``;``-separated cp1252 with decimal commas).
    platform : str, optional
        Force the platform instead of recognising it from the headers.

    Returns
    -------
    DataFrame
        Columns date, platform, campaign, ad_group, ad, impressions, clicks, cost (account
        currency), conversions and conversion_value (as reported by the platform), reach
        (Meta only; NA elsewhere). One row per line of the export, totals dropped.
    """
    raw = sources.read_raw(path)
    file = str(path)
    if platform is None:
        try:
            platform = detect_platform(raw.columns)
        except TrafficDataError as exc:
            raise TrafficDataError(exc.problem, file=file, hint=exc.hint) from None
    elif platform not in PLATFORMS:
        raise TrafficDataError(f"unknown platform '{platform}'", hint="one of " + ", ".join(PLATFORMS))
    raw = _drop_footer(raw)
    if raw.empty:
        raise TrafficDataError("no data rows (only totals or titles)", file=file)
    table = schema.validate(raw, "ad_spend", file=file)
    table = table[schema.columns("ad_spend")].copy()
    table["platform"] = table["platform"].fillna(platform).astype("string")
    table.attrs = {"file": file, "platform": platform}
    return table.sort_values(["date", "campaign", "ad_group", "ad"], na_position="first").reset_index(drop=True)


def read_ads_folder(folder: str | Path, pattern: str = "*.csv", skip_unknown: bool = False) -> pd.DataFrame:
    """Read every ad-platform export in ``folder`` matching ``pattern`` and stack them
    (canonical ``ad_spend``). A file that is not an ad-platform export raises, or is
    skipped with ``skip_unknown=True`` (a folder that also holds other CSV files)."""
    files = sorted(Path(folder).glob(pattern))
    frames = []
    for f in files:
        if skip_unknown:
            try:
                detect_platform(sources.read_raw(f).columns)
            except TrafficDataError:
                continue
        frames.append(read_ads(f))
    if not frames:
        raise TrafficDataError(f"no ad-platform export matching {pattern}", file=str(folder))
    return pd.concat(frames, ignore_index=True)


def load_postmortem_inputs(data_path: str | Path, ads_dir: str | Path | None = None,
                           ab_file: str | Path | None = None) -> dict:
    """Everything the campaign post-mortem reads, as canonical tables.

    - ``ad_spend``: the platform exports found in ``ads_dir`` (Google Ads, Meta,
      Microsoft Ads; other CSV files there are ignored) or, when ``ads_dir`` is empty,
      ``<data_path>/ad_spend.parquet|csv``;
    - ``sessions``: ``<data_path>/sessions.*`` (None when absent: no site outcomes);
    - ``ab``: the A/B table (``ab_file``, default ``<data_path>/ab_test_ads.csv`` when
      present; columns variant, impressions, clicks[, conversions]) or None;
    - ``truth``: the demo shop's ``truth.json`` when present (planted facts), else None.
    """
    import json

    data = Path(data_path)
    out: dict = {}
    if ads_dir:
        out["ad_spend"] = read_ads_folder(ads_dir, "*.csv", skip_unknown=True)
    else:
        out["ad_spend"] = sources.read_folder(data, "ad_spend")
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
