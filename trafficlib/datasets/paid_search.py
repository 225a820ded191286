"""Demo shop, paid-search exports: the Google Ads downloads a search audit starts from.

Called by :mod:`.ads` (its own random stream, so the other exports keep their bytes).
Writes into ``<out>/paid_search/`` (a sub-folder: the post-mortem reads every export in
``data/demo`` as daily spend and must not count these again), for 1 Aug - 31 Oct 2026:

- ``google_ads_search_terms.csv``: Search terms report, English interface, "CSV (Excel)"
  layout: UTF-16 LE with a BOM, tab-separated, title and date-range lines, thousands
  commas, ``--``, totals ``Total: Search terms``, ``Total: Other search terms`` (terms
  Google does not name) and ``Total: Account``;
- ``google_ads_keywords.csv``: Search keyword report, French interface (``;``, cp1252,
  decimal comma, no-break-space thousands, ``1 août 2026 - 31 octobre 2026``), Quality
  Score and its components, ``Total : mots clés`` and ``Total : compte``;
- ``google_ads_campaigns.xlsx``: Campaign report as an Excel download, with search
  impression share and the shares lost to budget and to rank (``> 90%`` censored).

Planted: wasted spend on terms containing ``gratuit`` and ``comment fabriquer`` (never
convert), a converting term that is not a keyword (``suspension rotin xxl``), two
keywords with a Quality Score of 4 or less holding a known share of cost, and the generic
campaign losing a known share of impressions to budget.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

__all__ = ["generate", "describe", "FOLDER", "PERIOD"]

FOLDER = "paid_search"
PERIOD = ("2026-08-01", "2026-10-31")
NBSP = "\u00a0"

# campaign, ad group, keyword, match type, quality score, cpc, ctr, conversion rate, value per conversion
KEYWORDS = [
    ("fr_search_marque", "marque_exacte", "maison lumiere", "exact", 10, 0.30, 0.32, 0.09, 110.0),
    ("fr_search_marque", "marque_large", "maison lumiere luminaires", "broad", 9, 0.35, 0.20, 0.07, 105.0),
    ("fr_search_generique", "suspensions", "suspension rotin", "exact", 8, 0.80, 0.07, 0.045, 120.0),
    ("fr_search_generique", "suspensions", "suspension design", "phrase", 7, 0.85, 0.05, 0.035, 130.0),
    ("fr_search_generique", "suspensions", "suspension", "broad", 5, 0.75, 0.035, 0.02, 115.0),
    ("fr_search_generique", "lampadaires", "lampadaire design", "phrase", 6, 0.90, 0.045, 0.03, 160.0),
    ("fr_search_generique", "lampadaires", "lampadaire", "broad", 4, 0.95, 0.03, 0.012, 150.0),
    ("fr_search_generique", "appliques", "applique murale", "exact", 7, 0.70, 0.06, 0.035, 80.0),
    ("fr_search_generique", "appliques", "applique", "broad", 3, 0.85, 0.025, 0.008, 75.0),
]
MODIFIERS = ["noir", "blanc", "bois", "laiton", "salon", "chambre", "led", "vintage", "scandinave", "pas cher",
             "industrielle", "cuisine", "grande", "moderne"]
# planted: terms that never convert, matched by the broad keywords
NEGATIVE_NGRAMS = {
    "gratuit": ["suspension gratuit", "lampadaire gratuit a donner", "applique gratuit", "suspension rotin gratuit",
                "lampadaire gratuit", "applique murale gratuit livraison"],
    "comment fabriquer": ["comment fabriquer une suspension", "comment fabriquer un lampadaire",
                          "comment fabriquer applique", "comment fabriquer suspension rotin"],
}
PROMOTE = {"term": "suspension rotin xxl", "keyword": "suspension", "clicks": 140, "conversions": 9, "value": 1440.0}
LOST_BUDGET = {"fr_search_generique": (0.412, 0.365, 0.223), "fr_search_marque": (0.955, 0.0, 0.045),
               "fr_shopping_luminaires": (0.58, 0.08, 0.34)}  # impression share, lost to budget, lost to rank
SHOPPING = {"campaign": "fr_shopping_luminaires", "impressions": 410_000, "clicks": 4_900, "cost": 2_590.40,
            "conversions": 61.0, "value": 7_930.00}
OTHER_SHARE = 0.12  # share of clicks on terms Google does not name


def _terms(r: np.random.Generator, scale: float) -> pd.DataFrame:
    rows = []
    for camp, group, kw, mt, qs, cpc, ctr, cvr, vpc in KEYWORDS:
        variants = [kw] + [f"{kw} {m}" for m in r.choice(MODIFIERS, size=6 if mt != "exact" else 2, replace=False)]
        if mt == "broad" and not kw.startswith("maison"):
            variants += [f"{m} {kw}" for m in ("acheter", "prix")]
        for i, term in enumerate(variants):
            clicks = int(r.poisson((260 if i == 0 else 45) * scale))
            conv = float(r.binomial(clicks, cvr))
            rows.append((term, mt, camp, group, kw, clicks, cpc * r.uniform(0.85, 1.15), ctr * r.uniform(0.8, 1.2),
                         conv, vpc))
    for ngram, terms in NEGATIVE_NGRAMS.items():
        for term in terms:
            kw = next(k for k in KEYWORDS if k[3] == "broad" and k[2] in term)
            camp, group, kwt, mt, qs, cpc, ctr, cvr, vpc = kw
            clicks = int(r.integers(18, 40) * scale) + 1
            rows.append((term, "broad", camp, group, kwt, clicks, cpc * r.uniform(0.9, 1.1), ctr * 0.8, 0.0, vpc))
    p = PROMOTE
    kw = next(k for k in KEYWORDS if k[2] == p["keyword"] and k[3] == "broad")
    rows.append((p["term"], "broad", kw[0], kw[1], kw[2], max(1, int(p["clicks"] * scale)), 0.62, 0.06,
                 float(max(1, round(p["conversions"] * scale))), p["value"] / p["conversions"]))
    t = pd.DataFrame(rows, columns=["search_term", "match_type", "campaign", "ad_group", "keyword", "clicks", "cpc",
                                    "ctr", "conversions", "vpc"])
    t = t.groupby(["search_term", "match_type", "campaign", "ad_group", "keyword"], as_index=False).agg(
        clicks=("clicks", "sum"), cpc=("cpc", "mean"), ctr=("ctr", "mean"), conversions=("conversions", "sum"),
        vpc=("vpc", "mean"))
    t = t[t["clicks"] > 0].copy()
    t["impressions"] = np.round(t["clicks"] / t["ctr"]).astype(int)
    t["cost"] = np.round(t["clicks"] * t["cpc"], 2)
    t["conversion_value"] = np.round(t["conversions"] * t["vpc"], 2)
    return t.sort_values("cost", ascending=False).reset_index(drop=True)


def _en(x: float, decimals: int) -> str:
    return f"{x:,.{decimals}f}"


def _fr(x: float, decimals: int) -> str:
    return f"{x:,.{decimals}f}".replace(",", NBSP).replace(".", ",")


def _pct_en(num: float, den: float) -> str:
    return "--" if den == 0 else f"{100 * num / den:.2f}%"


def _pct_fr(num: float, den: float) -> str:
    return "--" if den == 0 else f"{100 * num / den:.2f} %".replace(".", ",")


_MT_EN = {"exact": "Exact match", "phrase": "Phrase match", "broad": "Broad match"}
_MT_FR = {"exact": "Mot clé exact", "phrase": "Expression exacte", "broad": "Requête large"}
_COMP = {10: ("Above average", "Above average", "Above average"), 9: ("Above average", "Above average", "Average"),
         8: ("Above average", "Average", "Above average"), 7: ("Average", "Average", "Above average"),
         6: ("Average", "Average", "Average"), 5: ("Below average", "Average", "Average"),
         4: ("Below average", "Average", "Below average"), 3: ("Below average", "Below average", "Below average")}
_COMP_FR = {"Above average": "Supérieur à la moyenne", "Average": "Moyenne", "Below average": "Inférieur à la moyenne"}


def _sums(df: pd.DataFrame) -> dict:
    return {k: float(df[k].sum()) for k in ("impressions", "clicks", "cost", "conversions", "conversion_value")}


def _write_search_terms(t: pd.DataFrame, other: dict, account: dict, path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\r\n")
    w.writerow(["Search terms report"])
    w.writerow(["August 1, 2026 - October 31, 2026"])
    w.writerow(["Search term", "Match type", "Added/Excluded", "Campaign", "Ad group", "Keyword", "Currency code",
                "Impr.", "Clicks", "CTR", "Avg. CPC", "Cost", "Conversions", "Cost / conv.", "Conv. value"])
    for r in t.itertuples():
        added = "Added" if r.search_term == r.keyword else "None"
        kw = f"[{r.keyword}]" if r.match_type == "exact" else f'"{r.keyword}"' if r.match_type == "phrase" else r.keyword
        mt = _MT_EN[r.match_type] + (" (close variant)" if r.match_type != "broad" and r.search_term != r.keyword else "")
        w.writerow([r.search_term, mt, added, r.campaign, r.ad_group, kw, "EUR", _en(r.impressions, 0), _en(r.clicks, 0),
                    _pct_en(r.clicks, r.impressions), _en(r.cost / r.clicks, 2), _en(r.cost, 2), _en(r.conversions, 2),
                    "--" if r.conversions == 0 else _en(r.cost / r.conversions, 2), _en(r.conversion_value, 2)])

    def total(label, s):
        w.writerow([label, "", "", "", "", "", "EUR", _en(s["impressions"], 0), _en(s["clicks"], 0),
                    _pct_en(s["clicks"], s["impressions"]), _en(s["cost"] / s["clicks"], 2), _en(s["cost"], 2),
                    _en(s["conversions"], 2), _en(s["cost"] / s["conversions"], 2) if s["conversions"] else "--",
                    _en(s["conversion_value"], 2)])

    total("Total: Search terms", _sums(t))
    total("Total: Other search terms", other)
    total("Total: Account", account)
    path.write_bytes("\ufeff".encode("utf-16-le") + buf.getvalue().encode("utf-16-le"))


def _write_keywords(k: pd.DataFrame, account: dict, path: Path) -> None:
    sep = ";"
    header = ["État du mot clé", "Mot clé", "Type de correspondance", "Campagne", "Groupe d'annonces", "État",
              "Code de la devise", "CPC max.", "Impr.", "Clics", "CTR", "CPC moy.", "Coût", "Conversions",
              "Coût/conv.", "Valeur de conv.", "Niveau de qualité", "CTR attendu", "Pertinence de l'annonce",
              "Convivialité de la page de destination"]
    lines = ["Rapport sur les mots clés de recherche", "1 août 2026 - 31 octobre 2026", sep.join(header)]
    for r in k.itertuples():
        kw = f"[{r.keyword}]" if r.match_type == "exact" else f'"{r.keyword}"' if r.match_type == "phrase" else r.keyword
        kw = '"' + kw.replace('"', '""') + '"' if '"' in kw else kw
        comp = [_COMP_FR[c] for c in _COMP[r.quality_score]]
        lines.append(sep.join(["Activé", kw, _MT_FR[r.match_type], r.campaign, r.ad_group, "Éligible", "EUR",
                               _fr(r.cpc * 1.3, 2), _fr(r.impressions, 0), _fr(r.clicks, 0),
                               _pct_fr(r.clicks, r.impressions), _fr(r.cost / r.clicks, 2), _fr(r.cost, 2),
                               _fr(r.conversions, 2), _fr(r.cost / r.conversions, 2) if r.conversions else "--",
                               _fr(r.conversion_value, 2), str(r.quality_score), *comp]))

    def total(label, s):
        lines.append(sep.join(["", label, "", "", "", "", "EUR", "", _fr(s["impressions"], 0), _fr(s["clicks"], 0),
                               _pct_fr(s["clicks"], s["impressions"]), _fr(s["cost"] / s["clicks"], 2),
                               _fr(s["cost"], 2), _fr(s["conversions"], 2),
                               _fr(s["cost"] / s["conversions"], 2) if s["conversions"] else "--",
                               _fr(s["conversion_value"], 2), "", "", "", ""]))

    total("Total : mots clés", _sums(k))
    total("Total : compte", account)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def _write_campaigns(c: pd.DataFrame, path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Campaign report"
    ws.append(["Campaign report"])
    ws.append(["August 1, 2026 - October 31, 2026"])
    ws.append(["Campaign", "Campaign type", "Currency code", "Impr.", "Clicks", "CTR", "Avg. CPC", "Cost",
               "Conversions", "Conv. value", "Search impr. share", "Search lost IS (budget)", "Search lost IS (rank)"])

    def share(x):
        return "> 90%" if x > 0.9 else "< 10%" if x < 0.1 else f"{100 * x:.2f}%"

    for r in c.itertuples():
        ws.append([r.campaign, r.campaign_type, "EUR", int(r.impressions), int(r.clicks),
                   _pct_en(r.clicks, r.impressions), round(r.cost / r.clicks, 2), round(r.cost, 2),
                   round(r.conversions, 2), round(r.conversion_value, 2), share(r.is_),
                   f"{100 * r.lost_budget:.2f}%", f"{100 * r.lost_rank:.2f}%"])
    s = _sums(c)
    ws.append(["Total: Account", "", "EUR", int(s["impressions"]), int(s["clicks"]), _pct_en(s["clicks"], s["impressions"]),
               round(s["cost"] / s["clicks"], 2), round(s["cost"], 2), round(s["conversions"], 2),
               round(s["conversion_value"], 2), "", "", ""])
    wb.save(path)


def generate(out_dir: Path, r: np.random.Generator, scale: float = 1.0) -> dict:
    """Write the three exports into ``out_dir/paid_search``; return the planted truths."""
    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    t = _terms(r, scale)
    # the keyword report = named terms + the terms Google does not name, per keyword
    sums = t.groupby(["campaign", "ad_group", "keyword"], as_index=False)[
        ["impressions", "clicks", "cost", "conversions", "conversion_value"]].sum()
    meta = pd.DataFrame(KEYWORDS, columns=["campaign", "ad_group", "keyword", "match_type", "quality_score", "cpc",
                                           "ctr", "cvr", "vpc"])
    k = meta.merge(sums, on=["campaign", "ad_group", "keyword"], how="left")
    other_clicks = np.round(k["clicks"] * OTHER_SHARE).astype(int)
    other = pd.DataFrame({"impressions": np.round(other_clicks / k["ctr"]).astype(int), "clicks": other_clicks,
                          "cost": np.round(other_clicks * k["cpc"], 2),
                          "conversions": np.round(other_clicks * k["cvr"]), })
    other["conversion_value"] = np.round(other["conversions"] * k["vpc"], 2)
    for c in ("impressions", "clicks", "cost", "conversions", "conversion_value"):
        k[c] = k[c] + other[c]
    k["cost"] = k["cost"].round(2)
    k["conversion_value"] = k["conversion_value"].round(2)
    # campaigns: search campaigns from the keywords, shopping as it is
    camp = k.groupby("campaign", as_index=False)[["impressions", "clicks", "cost", "conversions",
                                                  "conversion_value"]].sum()
    camp["campaign_type"] = "Search"
    sh = SHOPPING
    camp.loc[len(camp)] = {"campaign": sh["campaign"], "impressions": sh["impressions"] * scale,
                           "clicks": round(sh["clicks"] * scale), "cost": round(sh["cost"] * scale, 2),
                           "conversions": round(sh["conversions"] * scale), "conversion_value": round(sh["value"] * scale, 2),
                           "campaign_type": "Shopping"}
    camp["impressions"] = camp["impressions"].round().astype(int)
    camp["is_"] = camp["campaign"].map(lambda c: LOST_BUDGET[c][0])
    camp["lost_budget"] = camp["campaign"].map(lambda c: LOST_BUDGET[c][1])
    camp["lost_rank"] = camp["campaign"].map(lambda c: LOST_BUDGET[c][2])
    account = _sums(camp)
    other_sum = {c: account[c] - float(t[c].sum()) for c in account}
    _write_search_terms(t, other_sum, account, folder / "google_ads_search_terms.csv")
    _write_keywords(k, account, folder / "google_ads_keywords.csv")
    _write_campaigns(camp, folder / "google_ads_campaigns.xlsx")
    neg = {g: {"terms": sorted(terms), "cost": round(float(t[t["search_term"].isin(terms)]["cost"].sum()), 2),
               "clicks": int(t[t["search_term"].isin(terms)]["clicks"].sum())}
           for g, terms in NEGATIVE_NGRAMS.items()}
    low = k[k["quality_score"] <= 4]
    g = camp.set_index("campaign").loc["fr_search_generique"]
    return {
        "folder": FOLDER,
        "files": [f"{FOLDER}/google_ads_search_terms.csv", f"{FOLDER}/google_ads_keywords.csv",
                  f"{FOLDER}/google_ads_campaigns.xlsx"],
        "period": list(PERIOD),
        "search_terms": int(len(t)),
        "named_terms_cost": round(float(t["cost"].sum()), 2),
        "account_cost": round(account["cost"], 2),
        "negative_ngrams": neg,
        "promote_term": {"term": PROMOTE["term"], "keyword": PROMOTE["keyword"],
                         "conversions": float(t.loc[t["search_term"] == PROMOTE["term"], "conversions"].sum()),
                         "cost": round(float(t.loc[t["search_term"] == PROMOTE["term"], "cost"].sum()), 2)},
        "low_quality_keywords": sorted(low["keyword"].tolist()),
        "low_quality_cost_share": round(float(low["cost"].sum() / k["cost"].sum()), 4),
        "lost_budget": {"campaign": "fr_search_generique", "impression_share": LOST_BUDGET["fr_search_generique"][0],
                        "lost_to_budget": LOST_BUDGET["fr_search_generique"][1],
                        "lost_to_rank": LOST_BUDGET["fr_search_generique"][2],
                        "missed_impressions": round(float(g["impressions"]) * LOST_BUDGET["fr_search_generique"][1]
                                                    / LOST_BUDGET["fr_search_generique"][0])},
    }


def describe(t: dict) -> str:
    """The paid-search exports' planted facts, as Markdown lines (a sub-section of the ads part)."""
    neg = t["negative_ngrams"]
    lb = t["lost_budget"]
    lines = [
        f"### Paid-search audit exports (`{t['folder']}/`)",
        "",
        f"Google Ads downloads for {t['period'][0]} to {t['period'][1]}: a search terms report "
        "(English, UTF-16 tab-separated \"CSV (Excel)\", with `Total: Other search terms`), a search keyword "
        "report (French, `;`, cp1252, Quality Score) and a campaign report (.xlsx, impression shares, `> 90%`). "
        f"{t['search_terms']} named search terms, {t['named_terms_cost']:,.2f} EUR; account {t['account_cost']:,.2f} EUR.",
        "",
        "| planted | truth |",
        "|---|---|",
    ]
    for g, v in neg.items():
        lines.append(f"| Negative-keyword n-gram `{g}` ({len(v['terms'])} terms, never converts) | "
                     f"{v['cost']:,.2f} EUR, {v['clicks']} clicks |")
    p = t["promote_term"]
    lines += [
        f"| Converting term not yet a keyword | `{p['term']}` (via broad `{p['keyword']}`): "
        f"{p['conversions']:g} conversions for {p['cost']:,.2f} EUR |",
        f"| Quality Score ≤ 4 | {', '.join(f'`{k}`' for k in t['low_quality_keywords'])}: "
        f"{t['low_quality_cost_share']:.1%} of keyword cost |",
        f"| Impression share lost to budget | `{lb['campaign']}`: share {lb['impression_share']:.1%}, lost to budget "
        f"{lb['lost_to_budget']:.1%}, to rank {lb['lost_to_rank']:.1%}: about {lb['missed_impressions']:,} "
        "impressions missed for budget |",
    ]
    return "\n".join(lines) + "\n"
