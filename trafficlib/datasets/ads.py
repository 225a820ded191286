"""Demo shop, ad-platform part: the exports traffic managers actually receive.

Reads ``ad_spend.parquet`` (written just before by :mod:`.web`) and writes, for the same
rows, the daily campaign / ad group / ad reports as each platform exports them:

- ``google_ads_fr.csv``: Google Ads, French interface: two title lines, ``;`` separator,
  decimal comma, no-break-space thousands, ``dd/mm/yyyy`` days, cp1252 ("ANSI") encoding
  and ``Total : ...`` rows at the bottom;
- ``meta_ads_en.csv``: Meta Ads Manager, English, UTF-8, ``Reporting starts`` /
  ``Reporting ends`` per day, reach;
- ``microsoft_ads.csv``: Microsoft Ads, English, a report header block and a copyright
  footer.

and, in ``paid_search/``, the Google Ads search terms, keyword and campaign downloads of
the paid-search audit (:mod:`.paid_search`, planted wasted spend and negative n-grams).

Criteo rows stay in ``ad_spend.parquet`` only (no reader for its exports). Also writes
``ab_test_ads.csv``: a planted A/B test of two ad variants with a known CTR difference.
:func:`trafficlib.adplatforms.read_ads` reads the three exports back into exactly the
rows of ``ad_spend.parquet`` (``tests/test_adplatforms.py`` checks it).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib.datasets import paid_search
from trafficlib.datasets.calendar import SITE, rng

__all__ = ["generate", "describe", "AB_TEST"]

NBSP = "\u00a0"

AB_TEST = {
    "file": "ab_test_ads.csv",
    "platform": "Google Ads",
    "campaign": "fr_search_generique",
    "ad_group": "suspensions",
    "variants": {"A": "Suspensions design - Livraison offerte", "B": "Suspensions en rotin dès 89 €"},
    "start": "2026-09-01",
    "days": 21,
    "impressions_per_day": 2600,  # per variant, at scale 1
    "ctr": {"A": 0.040, "B": 0.046},  # planted: B +15 % relative
    "cvr": {"A": 0.030, "B": 0.030},  # planted: no difference in conversion rate
}


def _fr_number(x: float, decimals: int) -> str:
    """French-formatted number as Google Ads writes it: no-break-space thousands,
    decimal comma."""
    s = f"{x:,.{decimals}f}"
    return s.replace(",", NBSP).replace(".", ",")


def _google_fr(rows: pd.DataFrame, path: Path) -> int:
    first, last = rows["date"].min(), rows["date"].max()
    out = pd.DataFrame({
        "Jour": rows["date"].dt.strftime("%d/%m/%Y"),
        "Campagne": rows["campaign"],
        "Groupe d'annonces": rows["ad_group"],
        "Annonce": rows["ad"],
        "Code de la devise": SITE["currency"],
        "Impr.": [_fr_number(v, 0) for v in rows["impressions"]],
        "Clics": [_fr_number(v, 0) for v in rows["clicks"]],
        "Coût": [_fr_number(v, 2) for v in rows["cost"]],
        "Conversions": [_fr_number(v, 2) for v in rows["conversions"]],
        "Valeur de conv.": [_fr_number(v, 2) for v in rows["conversion_value"]],
    })
    sep = ";"
    lines = ["Rapport sur les annonces", f"{first:%d/%m/%Y} - {last:%d/%m/%Y}", sep.join(out.columns)]
    lines += [sep.join(map(str, r)) for r in out.itertuples(index=False)]

    def total(label: str, sub: pd.DataFrame) -> str:
        return sep.join([label, "", "", "", SITE["currency"],
                         _fr_number(sub["impressions"].sum(), 0), _fr_number(sub["clicks"].sum(), 0),
                         _fr_number(sub["cost"].sum(), 2), _fr_number(sub["conversions"].sum(), 2),
                         _fr_number(sub["conversion_value"].sum(), 2)])

    lines.append(total("Total : compte", rows))
    lines.append(total("Total : Réseau de Recherche", rows[~rows["campaign"].str.contains("shopping")]))
    lines.append(total("Total : Shopping", rows[rows["campaign"].str.contains("shopping")]))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return len(out)


def _meta_en(rows: pd.DataFrame, path: Path) -> int:
    day = rows["date"].dt.strftime("%Y-%m-%d")
    out = pd.DataFrame({
        "Reporting starts": day,
        "Reporting ends": day,
        "Campaign name": rows["campaign"],
        "Ad set name": rows["ad_group"],
        "Ad name": rows["ad"],
        "Impressions": rows["impressions"].astype("int64"),
        "Reach": rows["reach"].astype("Int64"),
        "Link clicks": rows["clicks"].astype("int64"),
        "Amount spent (EUR)": rows["cost"].map(lambda v: f"{v:.2f}"),
        "Results": rows["conversions"].map(lambda v: f"{v:g}"),
        "Result indicator": "actions:offsite_conversion.fb_pixel_purchase",
        "Purchases conversion value": rows["conversion_value"].map(lambda v: f"{v:.2f}"),
    })
    out.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return len(out)


def _microsoft(rows: pd.DataFrame, path: Path) -> int:
    out = pd.DataFrame({
        "Time period": rows["date"].dt.strftime("%Y-%m-%d"),
        "Campaign name": rows["campaign"],
        "Ad group": rows["ad_group"],
        "Ad": rows["ad"],
        "Currency code": SITE["currency"],
        "Impr.": rows["impressions"].astype("int64"),
        "Clicks": rows["clicks"].astype("int64"),
        "Spend": rows["cost"].map(lambda v: f"{v:.2f}"),
        "Conv.": rows["conversions"].map(lambda v: f"{v:g}"),
        "Revenue": rows["conversion_value"].map(lambda v: f"{v:.2f}"),
    })
    first, last = rows["date"].min(), rows["date"].max()
    head = [
        '"Report Name: Ad performance - daily"',
        f'"Report Time: {last + pd.Timedelta(days=1):%Y-%m-%d}"',
        '"Time Zone: (GMT+01:00) Brussels / Copenhagen / Madrid / Paris"',
        f'"Report Period: {first:%Y-%m-%d} - {last:%Y-%m-%d}"',
        '"Report Aggregation: Daily"',
        "",
    ]
    body = out.to_csv(index=False, lineterminator="\r\n")
    foot = f'\r\n"©{last:%Y} Microsoft Corporation. All rights reserved. "\r\n'
    path.write_text("\r\n".join(head) + "\r\n" + body + foot, encoding="utf-8-sig")
    return len(out)


def _ab_test(r: np.random.Generator, out_dir: Path, scale: float) -> dict:
    t = AB_TEST
    days = pd.date_range(t["start"], periods=t["days"], freq="D")
    rows = []
    for v in ("A", "B"):
        impr = r.poisson(t["impressions_per_day"] * scale, len(days))
        clicks = r.binomial(impr, t["ctr"][v])
        conv = r.binomial(clicks, t["cvr"][v])
        rows.append(pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "campaign": t["campaign"],
                                  "ad_group": t["ad_group"], "variant": v, "ad_text": t["variants"][v],
                                  "impressions": impr, "clicks": clicks, "conversions": conv}))
    ab = pd.concat(rows, ignore_index=True).sort_values(["date", "variant"])
    ab.to_csv(out_dir / t["file"], index=False, encoding="utf-8")
    tot = ab.groupby("variant")[["impressions", "clicks", "conversions"]].sum()
    return {
        **{k: t[k] for k in ("file", "platform", "campaign", "ad_group", "variants", "start", "days")},
        "true_ctr": t["ctr"], "true_cvr": t["cvr"],
        "true_ctr_relative_lift": round(t["ctr"]["B"] / t["ctr"]["A"] - 1, 4),
        "observed": {v: {k: int(tot.loc[v, k]) for k in tot.columns} for v in ("A", "B")},
    }


def generate(out_dir: Path, seed: int = 0, scale: float = 1.0) -> dict:
    """Write google_ads_fr.csv, meta_ads_en.csv, microsoft_ads.csv and ab_test_ads.csv
    from ``out_dir/ad_spend.parquet``; return the planted truths (JSON-able)."""
    out_dir = Path(out_dir)
    src = out_dir / "ad_spend.parquet"
    if not src.exists():
        raise FileNotFoundError(f"{src} is missing: the web part writes it first (make_demo runs parts in order)")
    ad = pd.read_parquet(src)
    ad = ad.sort_values(["date", "campaign", "ad_group", "ad"]).reset_index(drop=True)
    r = rng(seed, "ads")
    exports = {}
    for platform, name, writer in (("Google Ads", "google_ads_fr.csv", _google_fr),
                                   ("Meta Ads", "meta_ads_en.csv", _meta_en),
                                   ("Microsoft Ads", "microsoft_ads.csv", _microsoft)):
        rows = ad[ad["platform"] == platform]
        n = writer(rows, out_dir / name)
        exports[name] = {"platform": platform, "rows": n, "cost": round(float(rows["cost"].sum()), 2),
                         "campaigns": sorted(rows["campaign"].astype(str).unique().tolist())}
    not_exported = sorted(set(ad["platform"].astype(str)) - {"Google Ads", "Meta Ads", "Microsoft Ads"})
    return {
        "files": [*exports, AB_TEST["file"]],
        "exports": exports,
        "formats": {
            "google_ads_fr.csv": "French headers, ';' separator, decimal comma, no-break-space thousands, "
                                 "dd/mm/yyyy, cp1252, 2 title lines, 3 'Total : ...' rows at the bottom",
            "meta_ads_en.csv": "English headers, ',' separator, UTF-8, ISO dates, reach per day",
            "microsoft_ads.csv": "English headers, UTF-8 with BOM, 5-line report header + blank line, "
                                 "copyright footer",
        },
        "not_exported": not_exported,
        "ad_variants_in_ad_spend": "every ad group has ads '<group>_A' and '<group>_B'; B's CTR is 1.15x A's "
                                   "(planted by the web part)",
        "ab_test": _ab_test(r, out_dir, scale),
        "paid_search": paid_search.generate(out_dir, rng(seed, "ads_paid_search"), scale),
    }


def describe(truth: dict) -> str:
    """The ad-platform part's planted facts, as a Markdown section."""
    ab = truth["ab_test"]
    lines = [
        "## Ad-platform exports (`google_ads_fr.csv`, `meta_ads_en.csv`, `microsoft_ads.csv`, `ab_test_ads.csv`)",
        "",
        "The same rows as `ad_spend.parquet`, written as each platform exports them; "
        "`trafficlib.adplatforms.read_ads` reads each back into exactly those rows.",
        "",
        "| file | platform | rows | spend | format |",
        "|---|---|---|---|---|",
    ]
    for name, e in truth["exports"].items():
        lines.append(f"| `{name}` | {e['platform']} | {e['rows']:,} | {e['cost']:,.2f} EUR | {truth['formats'][name]} |")
    if truth.get("not_exported"):
        lines.append("")
        lines.append(f"Not exported (only in `ad_spend.parquet`): {', '.join(truth['not_exported'])}.")
    obs = ab["observed"]
    lines += [
        "",
        f"In `ad_spend.parquet`, {truth['ad_variants_in_ad_spend']}.",
        "",
        f"**A/B test** (`{ab['file']}`): {ab['platform']} `{ab['campaign']}` / `{ab['ad_group']}`, "
        f"{ab['days']} days from {ab['start']}, variant A \"{ab['variants']['A']}\" vs B \"{ab['variants']['B']}\". "
        f"Planted CTR A {ab['true_ctr']['A']:.1%}, B {ab['true_ctr']['B']:.1%} "
        f"(B +{ab['true_ctr_relative_lift']:.0%}); conversion rate per click the same "
        f"({ab['true_cvr']['A']:.1%}) for both. Observed: A {obs['A']['clicks']:,} clicks / "
        f"{obs['A']['impressions']:,} impressions, B {obs['B']['clicks']:,} / {obs['B']['impressions']:,}.",
    ]
    if truth.get("paid_search"):
        lines += ["", paid_search.describe(truth["paid_search"]).rstrip()]
    return "\n".join(lines) + "\n"
