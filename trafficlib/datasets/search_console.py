"""Demo part: the shop's Google Search Console exports, with planted facts.

Writes ``search_console/``: a Performance export as the French interface writes it in
comparison mode ("3 derniers mois" vs "3 mois précédents", 2026-08-01 – 2026-10-31 vs
2026-05-01 – 2026-07-31): ``Requêtes.csv`` (top 1,000 queries; anonymised queries left
out), ``Pages.csv``, ``Pays.csv``, ``Appareils.csv``, ``Apparence dans les résultats de
recherche.csv``, ``Dates.csv``, ``Filtres.csv`` (UTF-8 with BOM, ``"4,52 %"`` CTRs,
``"7,2"`` positions); and ``searchdata_url_impression.parquet`` beside it, a bulk-export
url table (query × page × day × device) for the last three months.

Clicks are drawn per query and day: impressions Poisson, clicks binomial at the site's
true CTR curve ``CTR = 0.28 × position^-0.85`` (brand queries: 45 %).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib.datasets.calendar import SITE, rng

CURVE = (0.28, 0.85)
CURRENT = ("2026-08-01", "2026-10-31")
PREVIOUS = ("2026-05-01", "2026-07-31")
OUTAGE = "2026-09-17"
HOST = "https://www.maison-lumiere.fr"
PRODUCTS = ["lampe", "suspension", "applique", "lampadaire", "lustre", "plafonnier", "lampe de chevet",
            "guirlande lumineuse", "spot", "ampoule", "lampe à poser", "abat-jour"]
MODS = ["rotin", "laiton", "design", "industrielle", "scandinave", "noir", "blanc", "bois", "led", "vintage",
        "salon", "chambre", "cuisine", "pas cher", "en verre", "doré", "béton", "céramique", "extérieur", "enfant"]
BRAND = ["maison lumière", "maison lumiere", "maison lumière avis", "maison lumière code promo", "maison-lumiere.fr",
         "maison lumiere suspension", "maisonlumiere", "maison lumière livraison"]
LOW_CTR = ["lampe laiton", "applique design", "lustre vintage", "plafonnier bois", "spot led"]
STRIKING = ["suspension scandinave", "plafonnier design", "applique murale", "lampe industrielle",
            "guirlande lumineuse extérieur"]
LOSING_PAGE = "/lampadaire/"
MOVER = "lampe de chevet rotin"
CANNIBAL = "suspension rotin"
COUNTRIES = [("France", 0.82), ("Belgique", 0.07), ("Suisse", 0.05), ("Canada", 0.03), ("Luxembourg", 0.015),
             ("Maroc", 0.015)]
DEVICES = [("Mobile", 0.62), ("Ordinateur", 0.34), ("Tablette", 0.04)]


def _slug(text: str) -> str:
    import unicodedata

    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(w for w in "".join(c if c.isalnum() else " " for c in t).split())


def _queries(r: np.random.Generator) -> pd.DataFrame:
    names = []
    for p in PRODUCTS:
        names.append(p)
        for m in MODS:
            names.append(f"{p} {m}")
    for p in PRODUCTS:
        for _ in range(140):
            m1, m2 = r.choice(MODS, 2, replace=False)
            names.append(f"{p} {m1} {m2}")
    names += ["applique murale", "lampe industrielle", "suspension scandinave", "plafonnier design"]
    names = list(dict.fromkeys(names))
    n = len(names)
    q = pd.DataFrame({"query": names})
    q["product"] = [next(p for p in sorted(PRODUCTS, key=len, reverse=True) if s.startswith(p)) for s in names]
    words = q["query"].str.split().str.len()
    q["lam"] = np.exp(r.normal(1.3, 1.0, n)) / words.clip(lower=1) ** 1.6
    q["pos"] = np.clip(np.exp(r.normal(np.log(11), 0.6, n)), 1.0, 60)
    q["mult"] = np.exp(r.normal(0, 0.2, n))
    q["page"] = [f"/{_slug(p)}/" if s == p or len(s.split()) > 3 else f"/{_slug(p)}/{_slug(s[len(p):])}/"
                 for s, p in zip(names, q["product"])]
    q.loc[q["product"] == "lampadaire", "page"] = LOSING_PAGE
    q["brand"] = False
    b = pd.DataFrame({"query": BRAND, "product": "", "lam": [60, 25, 8, 6, 5, 3, 3, 2], "pos": 1.1, "mult": 1.0,
                      "page": "/", "brand": True})
    q = pd.concat([q, b], ignore_index=True)
    for name in LOW_CTR:
        i = q.index[q["query"] == name][0]
        q.loc[i, ["lam", "pos", "mult"]] = [r.uniform(60, 110), r.uniform(2.2, 5.0), 0.25]
    for name in STRIKING:
        i = q.index[q["query"] == name][0]
        q.loc[i, ["lam", "pos", "mult"]] = [r.uniform(180, 320), r.uniform(9.0, 15.0), 1.0]
    i = q.index[q["query"] == CANNIBAL][0]
    q.loc[i, ["lam", "pos", "mult"]] = [120, 4.5, 0.8]
    i = q.index[q["query"] == MOVER][0]
    q.loc[i, ["lam", "pos", "mult"]] = [70, 9.5, 1.0]
    q["pos_prev"] = q["pos"]
    q.loc[q["query"] == MOVER, "pos"] = 2.6  # moved up in the last three months
    lose = q["page"] == LOSING_PAGE
    q.loc[lose, "pos_prev"] = q.loc[lose, "pos"].clip(upper=4.0)  # ranked well before...
    q.loc[lose, "pos"] = q.loc[lose, "pos_prev"] + 6.0              # ...and lost six places
    q.loc[lose, "lam"] = q.loc[lose, "lam"].clip(lower=25)
    return q


def _ctr(pos, mult, brand):
    base = CURVE[0] * np.asarray(pos, dtype=float) ** (-CURVE[1]) * mult
    return np.clip(np.where(brand, 0.45, base), 0, 0.95)


def _fr_num(x: float, decimals: int) -> str:
    return f"{x:.{decimals}f}".replace(".", ",")


def _fr_pct(c: float, i: float) -> str:
    return "0 %" if not i else _fr_num(100 * c / i, 2) + " %"


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


_CUR, _PREV = "3 derniers mois", "3 mois précédents"


def _cmp_header(first: str) -> list[str]:
    return [first] + [f"{lab} {m}" for m in ("Clics", "Impressions", "CTR", "Position") for lab in (_CUR, _PREV)]


def _cmp_row(key, c, i, p, c0, i0, p0) -> list:
    def cells(cc, ii, pp):
        return [int(cc), int(ii), _fr_pct(cc, ii), _fr_num(pp, 2) if ii else ""]

    a, b = cells(c, i, p), cells(c0, i0, p0)
    return [key, a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3]]


def generate(out_dir: Path, seed: int = 0, scale: float = 1.0) -> dict:
    r = rng(seed, "search_console")
    out = Path(out_dir) / "search_console"
    out.mkdir(parents=True, exist_ok=True)
    q = _queries(r)
    cur_days = pd.date_range(*CURRENT)
    prev_days = pd.date_range(*PREVIOUS)
    days = prev_days.append(cur_days)
    nd, nq = len(days), len(q)
    is_cur = np.r_[np.zeros(len(prev_days), bool), np.ones(len(cur_days), bool)]
    dow = np.array([1.08, 1.1, 1.06, 1.02, 0.95, 0.82, 0.97])[days.day_of_week]
    season = 1 + 0.25 * (days.month.isin([10]) ) + 0.12 * (days.month.isin([9]))
    outage_i = np.where(days == pd.Timestamp(OUTAGE), 0.35, 1.0)
    lam = np.outer(dow * season * outage_i, q["lam"].to_numpy()) * scale
    impr = r.poisson(lam)
    pos = np.where(is_cur[:, None], q["pos"].to_numpy()[None, :], q["pos_prev"].to_numpy()[None, :])
    pos = np.clip(pos * np.exp(r.normal(0, 0.05, pos.shape)), 1.0, None)
    ctr = _ctr(pos, q["mult"].to_numpy()[None, :], q["brand"].to_numpy()[None, :])
    clicks = r.binomial(impr, ctr)
    # anonymised queries: many rare ones, seen only in the totals and the page/country/device tables
    anon_lam = 0.42 * lam.sum(axis=1)
    anon_impr = r.poisson(anon_lam)
    anon_pos = np.clip(np.exp(r.normal(np.log(14), 0.1, nd)), 1, None)
    anon_clicks = r.binomial(anon_impr, 0.02)
    pages_list = sorted(q["page"].unique())
    anon_page_w = r.dirichlet(np.ones(len(pages_list)))

    # --- Dates.csv (both periods on one row: comparison day = same day of the earlier range)
    d_clicks = clicks.sum(axis=1) + anon_clicks
    d_impr = impr.sum(axis=1) + anon_impr
    d_pos = ((pos * impr).sum(axis=1) + anon_pos * anon_impr) / np.maximum(d_impr, 1)
    n_cur = len(cur_days)
    rows = []
    for k in range(n_cur):
        j, jp = len(prev_days) + k, k
        rows.append(_cmp_row(cur_days[k].strftime("%Y-%m-%d"), d_clicks[j], d_impr[j], d_pos[j],
                             d_clicks[jp], d_impr[jp], d_pos[jp]))
    _write_csv(out / "Dates.csv", _cmp_header("Date"), rows)

    # --- per-query period totals
    def period(mask):
        i_ = impr[mask].sum(axis=0)
        c_ = clicks[mask].sum(axis=0)
        p_ = (pos[mask] * impr[mask]).sum(axis=0) / np.maximum(i_, 1)
        return c_, i_, p_

    qc, qi, qp = period(is_cur)
    qc0, qi0, qp0 = period(~is_cur)
    qtab = pd.DataFrame({"query": q["query"], "page": q["page"], "brand": q["brand"], "c": qc, "i": qi, "p": qp,
                         "c0": qc0, "i0": qi0, "p0": qp0})
    visible = qtab[(qtab["i"] > 0)].sort_values(["c", "i"], ascending=False).head(1000)
    _write_csv(out / "Requêtes.csv", _cmp_header("Requêtes les plus fréquentes"),
               [_cmp_row(x.query, x.c, x.i, x.p, x.c0, x.i0, x.p0) for x in visible.itertuples()])

    # --- pages: the queries of each page plus its share of the anonymised queries
    ac, ai = anon_clicks[is_cur].sum(), anon_impr[is_cur].sum()
    ac0, ai0 = anon_clicks[~is_cur].sum(), anon_impr[~is_cur].sum()
    apc, api = r.multinomial(ac, anon_page_w), r.multinomial(ai, anon_page_w)
    apc0, api0 = r.multinomial(ac0, anon_page_w), r.multinomial(ai0, anon_page_w)
    apos = float((anon_pos[is_cur] * anon_impr[is_cur]).sum() / max(ai, 1))
    apos0 = float((anon_pos[~is_cur] * anon_impr[~is_cur]).sum() / max(ai0, 1))
    prow = []
    g = qtab.assign(pw=qtab["p"] * qtab["i"], pw0=qtab["p0"] * qtab["i0"]).groupby("page")[["c", "i", "pw", "c0", "i0", "pw0"]].sum()
    page_truth = {}
    for k, page in enumerate(pages_list):
        c, i = g.loc[page, "c"] + apc[k], g.loc[page, "i"] + api[k]
        c0, i0 = g.loc[page, "c0"] + apc0[k], g.loc[page, "i0"] + api0[k]
        p = (g.loc[page, "pw"] + apos * api[k]) / max(i, 1)
        p0 = (g.loc[page, "pw0"] + apos0 * api0[k]) / max(i0, 1)
        prow.append((HOST + page, c, i, p, c0, i0, p0))
        page_truth[page] = (int(c), int(c0))
    prow.sort(key=lambda x: -x[1])
    _write_csv(out / "Pages.csv", _cmp_header("Pages les plus populaires"), [_cmp_row(*x) for x in prow[:1000]])

    # --- countries, devices, search appearance: the site's totals split
    tot = (int(d_clicks[is_cur].sum()), int(d_impr[is_cur].sum()), float((d_pos * d_impr)[is_cur].sum() / d_impr[is_cur].sum()))
    tot0 = (int(d_clicks[~is_cur].sum()), int(d_impr[~is_cur].sum()), float((d_pos * d_impr)[~is_cur].sum() / d_impr[~is_cur].sum()))
    for fname, first, parts, spread in (("Pays.csv", "Pays", COUNTRIES, 1.5), ("Appareils.csv", "Appareil", DEVICES, 0.8)):
        w = np.array([s for _, s in parts])
        cs, is_ = r.multinomial(tot[0], w), r.multinomial(tot[1], w)
        cs0, is0 = r.multinomial(tot0[0], w), r.multinomial(tot0[1], w)
        offs = r.normal(0, spread, len(parts))
        _write_csv(out / fname, _cmp_header(first),
                   [_cmp_row(name, cs[k], is_[k], max(tot[2] + offs[k], 1), cs0[k], is0[k], max(tot0[2] + offs[k], 1))
                    for k, (name, _) in enumerate(parts)])
    app = [("Extraits de produits", 0.18), ("Fiches marchands", 0.07), ("Vidéos", 0.01)]
    _write_csv(out / "Apparence dans les résultats de recherche.csv",
               _cmp_header("Apparence dans les résultats de recherche"),
               [_cmp_row(n, int(tot[0] * s), int(tot[1] * s), tot[2] - 1, int(tot0[0] * s), int(tot0[1] * s), tot0[2] - 1)
                for n, s in app])
    _write_csv(out / "Filtres.csv", ["Filtre", "Valeur"],
               [["Type de recherche", "Web"], ["Date", "Comparer : 3 derniers mois et 3 mois précédents"]])

    # --- bulk export url table (last three months, top queries, two devices), cannibalisation planted
    top_q = qtab.loc[qtab["i"].nlargest(300).index]
    recs = []
    cur_idx = np.flatnonzero(is_cur)
    for qi_ in top_q.index:
        name = q.loc[qi_, "query"]
        urls = [(q.loc[qi_, "page"], 1.0, 1.0)]
        if name == CANNIBAL:
            urls = [(q.loc[qi_, "page"], 0.55, 1.0), ("/blog/guide-suspension-rotin/", 0.45, 0.35)]
        for j in cur_idx:
            for url, share, ctr_mult in urls:
                for dev, dshare in (("MOBILE", 0.64), ("DESKTOP", 0.36)):
                    im = r.binomial(impr[j, qi_], share * dshare)
                    if im == 0:
                        continue
                    cl = min(r.binomial(im, min(ctr[j, qi_] * ctr_mult, 0.95)), im)
                    recs.append((days[j], url, name, dev, im, cl, (pos[j, qi_] + (2.5 if ctr_mult < 1 else 0) - 1) * im))
    bulk = pd.DataFrame(recs, columns=["data_date", "url", "query", "device", "impressions", "clicks", "sum_position"])
    bulk["data_date"] = bulk["data_date"].dt.date
    bulk["url"] = HOST + bulk["url"]
    bulk.insert(1, "site_url", "sc-domain:" + SITE["domain"])
    bulk["is_anonymized_query"] = False
    bulk["is_anonymized_discover"] = False
    bulk["country"] = "fra"
    bulk["search_type"] = "WEB"
    bulk = bulk[["data_date", "site_url", "url", "query", "is_anonymized_query", "is_anonymized_discover", "country",
                 "search_type", "device", "impressions", "clicks", "sum_position"]]
    bulk.to_parquet(Path(out_dir) / "searchdata_url_impression.parquet", index=False)

    vis = visible
    brand_vis = vis[vis["brand"]]
    lose_c, lose_c0 = page_truth[LOSING_PAGE]
    return {
        "folder": "search_console",
        "bulk_file": "searchdata_url_impression.parquet",
        "period": list(CURRENT), "previous_period": list(PREVIOUS),
        "clicks": tot[0], "impressions": tot[1], "position": round(tot[2], 4),
        "clicks_previous": tot0[0], "impressions_previous": tot0[1],
        "visible_queries": int(len(vis)), "queries_with_impressions": int((qtab["i"] > 0).sum()),
        "visible_share_clicks": round(float(vis["c"].sum() / tot[0]), 4),
        "visible_share_impressions": round(float(vis["i"].sum() / tot[1]), 4),
        "brand_share_visible_clicks": round(float(brand_vis["c"].sum() / vis["c"].sum()), 4),
        "ctr_curve": {"a": CURVE[0], "b": CURVE[1]},
        "outage_day": OUTAGE, "outage_factor": 0.35,
        "low_ctr_queries": LOW_CTR, "striking_queries": STRIKING,
        "losing_page": HOST + LOSING_PAGE, "losing_page_clicks": lose_c, "losing_page_clicks_previous": lose_c0,
        "mover_query": MOVER, "cannibalised_query": CANNIBAL,
        "cannibal_pages": [HOST + q.loc[q["query"] == CANNIBAL, "page"].iloc[0], HOST + "/blog/guide-suspension-rotin/"],
    }


def describe(truth: dict) -> str:
    t = truth
    return (
        "## Search Console (`search_console/`, `searchdata_url_impression.parquet`)\n\n"
        f"A Performance export as the French interface writes it, comparison mode: {t['period'][0]} – {t['period'][1]} "
        f"vs {t['previous_period'][0]} – {t['previous_period'][1]}. Site totals (Dates.csv): {t['clicks']:,} clicks, "
        f"{t['impressions']:,} impressions, impression-weighted position {t['position']:.2f} "
        f"(previous period {t['clicks_previous']:,} clicks).\n\n"
        f"- The {t['visible_queries']:,} queries of Requêtes.csv (row limit 1,000, anonymised queries left out) cover "
        f"{t['visible_share_clicks']:.1%} of clicks and {t['visible_share_impressions']:.1%} of impressions.\n"
        f"- Brand queries (\"maison lumière\"...) make {t['brand_share_visible_clicks']:.1%} of the visible queries' clicks.\n"
        f"- True CTR curve (non-brand): CTR = {t['ctr_curve']['a']} × position^-{t['ctr_curve']['b']}.\n"
        f"- Outage: on {t['outage_day']} impressions and clicks fall to {t['outage_factor']:.0%} of normal.\n"
        f"- Snippets far below the curve (CTR × 0.25): {', '.join(t['low_ctr_queries'])}.\n"
        f"- Striking distance (positions 9-15, many impressions): {', '.join(t['striking_queries'])}.\n"
        f"- Page losing clicks: {t['losing_page']} lost six places ({t['losing_page_clicks_previous']:,} -> "
        f"{t['losing_page_clicks']:,} clicks).\n"
        f"- Mover: \"{t['mover_query']}\" moved from position 9.5 to 2.6.\n"
        f"- Cannibalisation (bulk url table): \"{t['cannibalised_query']}\" is split 55/45 between "
        f"{t['cannibal_pages'][0]} and {t['cannibal_pages'][1]}.\n"
    )
