"""Demo shop, market part: what a traffic manager exports about the competition.

Four fictional competitors of maison-lumiere.fr, written in the formats the tools give:

- ``competitors_similarweb.csv`` — Similarweb-style monthly traffic estimates (13 months,
  English headers, durations as ``hh:mm:ss``, rates as ``45.21%``); competitors only: our
  own traffic comes from ``sessions.parquet`` (the audit's table).
- ``rankings.csv`` — weekly rank tracking (long format, SEMrush-like headers), ~170 French
  lighting keywords, our domain and the four competitors, top 100 only.
- ``semrush_position_tracking.csv`` — the last 8 weeks of the same rankings as a SEMrush
  Position Tracking export (wide: one column per domain and date, preamble lines).
- ``auction_insights_fr.csv`` — Google Ads Auction Insights by month, French UI export
  (``;``, decimal comma, cp1252, ``< 10 %``, ``--``, a two-line preamble).
- ``google_trends.csv`` — Google Trends "past 5 years" weekly brand interest (0-100, scaled
  on the highest point of the five terms; ``<1`` for tiny values; ``Category:`` preamble).

Planted: **deco-rivale.fr surges in the last month** (visits ×1.6 on top of seasonality,
organic and paid shares up; its "applique murale" keyword cluster jumps to the top 5 over
the last two weekly snapshots on a new hub page; its Google Ads impression share goes from
~16 % to ~38 %; its brand interest roughly doubles over the last four weeks).
luminaires-direct.fr is the stable leader (nothing should fire on it);
lampe-et-lumiere.com declines slowly (~3 % a month: a trend, not an alert).
"""
from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib.datasets import calendar

OURS = calendar.SITE["domain"]
SURGING = "deco-rivale.fr"
STABLE = "luminaires-direct.fr"
DECLINING = "lampe-et-lumiere.com"
GENERALIST = "grand-bazar-maison.fr"
COMPETITORS = [STABLE, SURGING, DECLINING, GENERALIST]
SURGE_CLUSTER = "applique murale"

# Similarweb-like monthly profile per competitor.
_PROFILE = {
    STABLE: dict(visits=62000, growth=0.004, pages=4.6, duration=245, bounce=0.38,
                 mix=dict(direct=0.30, search=0.42, social=0.05, referral=0.07, paid=0.10, display=0.02, email=0.04)),
    SURGING: dict(visits=16000, growth=0.01, pages=3.9, duration=190, bounce=0.47,
                  mix=dict(direct=0.24, search=0.38, social=0.16, referral=0.06, paid=0.08, display=0.05, email=0.03)),
    DECLINING: dict(visits=14500, growth=-0.03, pages=3.2, duration=160, bounce=0.52,
                    mix=dict(direct=0.28, search=0.50, social=0.04, referral=0.09, paid=0.04, display=0.01, email=0.04)),
    GENERALIST: dict(visits=145000, growth=0.006, pages=5.4, duration=290, bounce=0.34,
                     mix=dict(direct=0.36, search=0.33, social=0.07, referral=0.06, paid=0.11, display=0.04, email=0.03)),
}
SURGE_VISITS = 1.6
# Lighting is seasonal: dark months and Christmas sell (index by calendar month).
_SEASON = {1: 1.0, 2: 0.93, 3: 0.95, 4: 0.9, 5: 0.86, 6: 0.81, 7: 0.79, 8: 0.81, 9: 0.95,
           10: 1.04, 11: 1.2, 12: 1.24}

_TYPES = {  # product type (keyword cluster) -> relative search volume
    "suspension": 3.0, "lampe de chevet": 2.2, "lampadaire": 2.0, "applique murale": 1.8,
    "plafonnier": 2.0, "lampe à poser": 1.2, "guirlande lumineuse": 2.4, "lampe de bureau": 1.4,
    "abat-jour": 1.0, "spot led": 1.5,
}
_MATERIALS = ["rotin", "laiton", "bois", "verre", "lin", "métal noir", "céramique", "bambou",
              "papier", "béton"]
_STYLES = ["design", "scandinave", "industriel", "vintage", "pas cher"]
_GENERIC = ["luminaire salon", "luminaire chambre", "luminaire cuisine", "luminaire salle de bain",
            "luminaire extérieur", "éclairage led", "ampoule filament", "ampoule connectée",
            "luminaire design", "boutique luminaire", "magasin luminaire", "lustre",
            "lustre cristal", "lampe champignon", "lampe nuage", "veilleuse enfant"]
# Median starting position per domain and the clusters where a domain does not compete.
_SEO = {
    OURS: dict(median=13, absent=("guirlande lumineuse", "spot led"), coverage=0.85),
    STABLE: dict(median=8, absent=(), coverage=0.95),
    SURGING: dict(median=30, absent=("abat-jour",), coverage=0.6),
    DECLINING: dict(median=22, absent=("guirlande lumineuse",), coverage=0.7),
    GENERALIST: dict(median=14, absent=(), coverage=0.9),
}
_TRENDS_TERMS = {OURS: "maison lumiere", STABLE: "luminaires direct", SURGING: "deco rivale",
                 DECLINING: "lampe et lumiere", GENERALIST: "grand bazar maison"}
_TRENDS_LEVEL = {OURS: 14, STABLE: 30, SURGING: 7, DECLINING: 0.45, GENERALIST: 58}

_FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre"]


def _slug(text: str) -> str:
    import unicodedata

    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(t.replace("'", " ").split())


def _months() -> pd.DatetimeIndex:
    return pd.date_range(calendar.SITE["start"], calendar.SITE["end"], freq="MS")


def _weeks() -> pd.DatetimeIndex:
    """Weekly rank-tracking snapshots: Mondays of the demo period."""
    d = calendar.days()
    return pd.date_range(d[0], d[-1], freq="W-MON")


def keywords() -> pd.DataFrame:
    """The tracked keywords: keyword, cluster (product type or 'générique'), base volume."""
    rows = []
    for t, (m) in itertools.product(_TYPES, _MATERIALS):
        rows.append((f"{t} {m}", t))
    for t, s in itertools.product(_TYPES, _STYLES):
        rows.append((f"{t} {s}", t))
    for t in _TYPES:
        rows.append((t, t))
    for g in _GENERIC:
        rows.append((g, "générique"))
    return pd.DataFrame(rows, columns=["keyword", "cluster"])


def _pct(x: float, decimals: int = 2, fr: bool = False) -> str:
    s = f"{100 * x:.{decimals}f}"
    return (s.replace(".", ",") + " %") if fr else s + "%"


def _hms(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _similarweb(rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    months = _months()
    n = len(months)
    season = np.array([_SEASON[m.month] for m in months])
    rows = []
    truth_visits = {}
    for dom, p in _PROFILE.items():
        trend = (1 + p["growth"]) ** np.arange(n)
        noise = np.exp(rng.normal(0, 0.035, n))
        visits = p["visits"] * season * trend * noise
        mix = pd.DataFrame([p["mix"]] * n)
        mix = mix * np.exp(rng.normal(0, 0.04, mix.shape))
        if dom == SURGING:
            visits[-1] *= SURGE_VISITS
            mix.loc[n - 1, "search"] *= 1.25
            mix.loc[n - 1, "paid"] *= 1.8
        mix = mix.div(mix.sum(axis=1), axis=0)
        pages = p["pages"] * np.exp(rng.normal(0, 0.03, n))
        duration = p["duration"] * np.exp(rng.normal(0, 0.04, n))
        bounce = np.clip(p["bounce"] + rng.normal(0, 0.012, n), 0.05, 0.95)
        truth_visits[dom] = [round(float(v)) for v in visits]
        for i, m in enumerate(months):
            rows.append({
                "Domain": dom, "Date": m.strftime("%Y-%m"), "Visits": f"{visits[i]:.0f}",
                "Unique Visitors": f"{visits[i] * 0.66 * np.exp(rng.normal(0, 0.02)):.0f}",
                "Pages/Visit": f"{pages[i]:.2f}", "Avg. Visit Duration": _hms(duration[i]),
                "Bounce Rate": _pct(bounce[i]),
                "Direct": _pct(mix.loc[i, "direct"]), "Search": _pct(mix.loc[i, "search"]),
                "Social": _pct(mix.loc[i, "social"]), "Referrals": _pct(mix.loc[i, "referral"]),
                "Paid Search": _pct(mix.loc[i, "paid"]), "Display Ads": _pct(mix.loc[i, "display"]),
                "Mail": _pct(mix.loc[i, "email"]),
            })
    return pd.DataFrame(rows), truth_visits


def _rankings(rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    kw = keywords()
    k = len(kw)
    vol = (np.exp(rng.normal(np.log(900), 0.9, k)) * kw["cluster"].map(_TYPES).fillna(1.5).to_numpy())
    vol[kw["keyword"].isin(_TYPES).to_numpy()] *= 6  # head terms
    # SEMrush-like rounding of volumes
    kw["search_volume"] = np.array([_round_volume(v) for v in vol])
    kw["cpc"] = np.round(np.exp(rng.normal(np.log(0.7), 0.4, k)), 2)
    weeks = _weeks()
    w = len(weeks)
    frames = []
    for dom, s in _SEO.items():
        latent = np.exp(rng.normal(np.log(s["median"]), 0.75, k))
        covered = rng.random(k) < s["coverage"]
        covered &= ~kw["cluster"].isin(s["absent"]).to_numpy()
        walk = np.cumsum(rng.normal(0, 0.02, (w, k)), axis=0)
        if dom == DECLINING:
            walk += np.linspace(0, 0.35, w)[:, None]  # slow SEO erosion
        jitter = rng.normal(0, 0.05, (w, k))
        pos = latent[None, :] * np.exp(walk + jitter)
        if dom == SURGING:
            cl = (kw["cluster"] == SURGE_CLUSTER).to_numpy()
            covered |= cl
            target = rng.uniform(1, 5.5, cl.sum())
            before = np.maximum(pos[:, cl], 18 + rng.uniform(0, 25, cl.sum()))
            pos[:, cl] = before
            pos[w - 2, cl] = np.sqrt(before[w - 2] * target) + 2  # half-way
            pos[w - 1, cl] = target
        page_base = f"https://www.{dom}"
        for j in range(k):
            if not covered[j]:
                continue
            kwj = kw.loc[j, "keyword"]
            url = f"{page_base}/{_slug(kw.loc[j, 'cluster'])}/{_slug(kwj)}"
            urls = [url] * w
            if dom == SURGING and kw.loc[j, "cluster"] == SURGE_CLUSTER:
                hub = f"{page_base}/{_slug(SURGE_CLUSTER)}/"
                urls = [f"{page_base}/p/{_slug(kwj)}-{int(rng.integers(100, 999))}"] * (w - 2) + [hub, hub]
            frames.append(pd.DataFrame({"date": weeks, "keyword": kwj, "domain": dom,
                                        "latent": pos[:, j], "url": urls}))
    r = pd.concat(frames, ignore_index=True)
    # Integer, distinct positions per (date, keyword): q_i = max(p_i, q_{i-1} + 1).
    r["p"] = np.maximum(1, np.round(r["latent"])).astype(int)
    r = r.sort_values(["date", "keyword", "p", "latent"]).reset_index(drop=True)
    rank = r.groupby(["date", "keyword"]).cumcount()
    r["position"] = (r["p"] - rank).groupby([r["date"], r["keyword"]]).cummax() + rank
    r = r[r["position"] <= 100].merge(kw, on="keyword")
    r = r[["date", "keyword", "domain", "position", "url", "search_volume", "cpc", "cluster"]]
    r = r.sort_values(["date", "domain", "keyword"]).reset_index(drop=True)
    last, prev = weeks[-1], weeks[-3]
    cl = r[(r["domain"] == SURGING) & (r["cluster"] == SURGE_CLUSTER)]
    truth = {
        "keywords": int(k), "weeks": int(w),
        "surge_cluster_keywords": sorted(cl["keyword"].unique().tolist()),
        "surge_cluster_median_position_before": float(cl[cl["date"] == prev]["position"].median()),
        "surge_cluster_median_position_after": float(cl[cl["date"] == last]["position"].median()),
        "surge_hub_page": f"https://www.{SURGING}/{_slug(SURGE_CLUSTER)}/",
        "our_absent_clusters": list(_SEO[OURS]["absent"]),
    }
    return r, truth


def _round_volume(v: float) -> int:
    steps = [10, 20, 30, 40, 50, 70, 90, 110, 140, 170, 210, 260, 320, 390, 480, 590, 720, 880,
             1000, 1300, 1600, 1900, 2400, 2900, 3600, 4400, 5400, 6600, 8100, 9900, 12100,
             14800, 18100, 22200, 27100, 33100, 40500, 49500]
    return min(steps, key=lambda s: abs(s - v))


def _semrush_wide(r: pd.DataFrame, n_weeks: int = 8) -> str:
    dates = sorted(r["date"].unique())[-n_weeks:]
    sub = r[r["date"].isin(dates)]
    kws = sub[["keyword", "search_volume", "cpc", "cluster"]].drop_duplicates("keyword").sort_values("keyword")
    out = pd.DataFrame({"Keyword": kws["keyword"].to_numpy(), "Tags": kws["cluster"].to_numpy()})
    pos = sub.set_index(["keyword", "domain", "date"])
    domains = [OURS] + COMPETITORS
    for dom in domains:
        for d in dates:
            tag = f"*.{dom}/*_{pd.Timestamp(d):%Y%m%d}"
            try:
                part = pos.xs((dom, d), level=("domain", "date"))
            except KeyError:
                part = pos.iloc[:0]
            p = part["position"].reindex(out["Keyword"])
            out[tag] = [str(int(x)) if pd.notna(x) else "-" for x in p]
            out[tag + "_type"] = ["organic" if pd.notna(x) else "" for x in p]
            out[tag + "_landing"] = part["url"].reindex(out["Keyword"]).fillna("").to_numpy()
    out["Search Volume"] = kws["search_volume"].to_numpy()
    out["CPC"] = [f"{c:.2f}" for c in kws["cpc"]]
    pre = (f"Position Tracking: Rankings Overview\nProject: {OURS}\nDatabase: google.fr\n"
           f"Device: desktop\nPeriod: {pd.Timestamp(dates[0]):%Y%m%d} - {pd.Timestamp(dates[-1]):%Y%m%d}\n\n")
    return pre + out.to_csv(index=False)


def _auction(rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    months = _months()
    n = len(months)
    spec = {  # impression share, overlap, position above, top of page, abs top, outranking (ours over them)
        STABLE: (0.35, 0.42, 0.46, 0.72, 0.31, 0.41),
        SURGING: (0.16, 0.21, 0.30, 0.55, 0.17, 0.52),
        DECLINING: (0.06, 0.09, 0.22, 0.40, 0.08, 0.49),
        GENERALIST: (0.23, 0.30, 0.38, 0.61, 0.22, 0.44),
    }
    rows = []
    ours = np.clip(0.48 + rng.normal(0, 0.012, n), 0, 1)
    ours_top = np.clip(0.66 + rng.normal(0, 0.012, n), 0, 1)
    ours_abs = np.clip(0.29 + rng.normal(0, 0.01, n), 0, 1)
    ours[-1] -= 0.05  # pressure from the newcomer costs us impressions
    truth_is = {}
    for i, m in enumerate(months):
        label = f"{_FR_MONTHS[m.month - 1]} {m.year}"
        rows.append([label, "Vous", _pct(ours[i], fr=True), "--", "--", _pct(ours_top[i], fr=True),
                     _pct(ours_abs[i], fr=True), "--"])
    for dom, vals in spec.items():
        series = np.array([np.clip(np.array(vals) * np.exp(rng.normal(0, 0.03, 6)), 0, 0.99)
                           for _ in range(n)])
        if dom == SURGING:
            series[-1] = [0.38, 0.45, 0.61, 0.71, 0.33, 0.31]
        truth_is[dom] = [round(float(x), 4) for x in series[:, 0]]
        for i, m in enumerate(months):
            label = f"{_FR_MONTHS[m.month - 1]} {m.year}"
            cells = [("< 10 %" if (j == 0 and x < 0.10) else _pct(x, fr=True)) for j, x in enumerate(series[i])]
            rows.append([label, dom, *cells])
    cols = ["Mois", "Domaine de l'URL à afficher", "Taux d'impressions", "Taux de chevauchement",
            "Taux de position supérieure", "Taux d'impressions en haut de la page",
            "Taux d'impressions en position absolue en haut de la page", "Taux de surclassement"]
    return pd.DataFrame(rows, columns=cols), {"impression_share": truth_is,
                                              "our_impression_share": [round(float(x), 4) for x in ours]}


def _trends(rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    end = calendar.days()[-1]
    weeks = pd.date_range(end - pd.Timedelta(weeks=260), end, freq="W-SUN")
    n = len(weeks)
    doy = weeks.day_of_year.to_numpy()
    # Seasonality: winter high, summer low, a Black Friday / Christmas bump.
    season = 1 + 0.22 * np.cos(2 * np.pi * (doy - 350) / 365.25)
    bf = np.exp(-0.5 * ((doy - 332) / 6) ** 2) * 0.25 + np.exp(-0.5 * ((doy - 352) / 5) ** 2) * 0.15
    season = season + bf
    raw = {}
    for dom, term in _TRENDS_TERMS.items():
        growth = {DECLINING: -0.004, SURGING: 0.002}.get(dom, 0.0008)
        level = _TRENDS_LEVEL[dom] * np.exp(growth * np.arange(n) - growth * n)
        series = level * season * np.exp(rng.normal(0, 0.06, n))
        if dom == SURGING:
            series[-4:] *= np.array([1.6, 1.9, 2.2, 2.4])
        raw[term] = series
    top = max(s.max() for s in raw.values())
    out = pd.DataFrame({"Week": weeks.strftime("%Y-%m-%d")})
    scaled = {}
    for term, s in raw.items():
        v = 100 * s / top
        scaled[term] = v
        out[f"{term}: (France)"] = ["<1" if x < 0.5 else str(int(round(x))) for x in v]
    last4 = {t: float(np.mean(v[-4:])) for t, v in scaled.items()}
    prev4 = {t: float(np.mean(v[-8:-4])) for t, v in scaled.items()}
    return out, {"terms": dict(_TRENDS_TERMS), "weeks": int(n),
                 "surge_term": _TRENDS_TERMS[SURGING],
                 "last4_vs_prev4": {t: round(last4[t] / prev4[t] - 1, 3) for t in scaled}}


def generate(out_dir: Path, seed: int = 0, scale: float = 1.0) -> dict:
    """Write the market exports into ``out_dir``; returns the planted truth (JSON-able).

    ``scale`` does not change these files: market tools report estimates, not our
    volume.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = calendar.rng(seed, "market")
    sw, visits = _similarweb(rng)
    sw.to_csv(out / "competitors_similarweb.csv", index=False)
    rk, rk_truth = _rankings(rng)
    long = rk.drop(columns="cluster").rename(columns={
        "date": "Date", "keyword": "Keyword", "domain": "Domain", "position": "Position",
        "url": "URL", "search_volume": "Search Volume", "cpc": "CPC"})
    long["Date"] = long["Date"].dt.strftime("%Y-%m-%d")
    long.to_csv(out / "rankings.csv", index=False)
    (out / "semrush_position_tracking.csv").write_text(_semrush_wide(rk), encoding="utf-8")
    ai, ai_truth = _auction(rng)
    text = "Rapport sur les enchères\n1 octobre 2025 - 31 octobre 2026\n" + ai.to_csv(index=False, sep=";")
    (out / "auction_insights_fr.csv").write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    tr, tr_truth = _trends(rng)
    (out / "google_trends.csv").write_text("Category: All categories\n\n" + tr.to_csv(index=False),
                                           encoding="utf-8")
    months = _months()
    return {
        "our_domain": OURS,
        "competitors": list(COMPETITORS),
        "files": ["competitors_similarweb.csv", "rankings.csv", "semrush_position_tracking.csv",
                  "auction_insights_fr.csv", "google_trends.csv"],
        "months": [m.strftime("%Y-%m") for m in months],
        "surge": {
            "domain": SURGING,
            "period": months[-1].strftime("%Y-%m"),
            "visits_factor": SURGE_VISITS,
            "keyword_cluster": SURGE_CLUSTER,
            "impression_share_before": ai_truth["impression_share"][SURGING][-2],
            "impression_share_after": ai_truth["impression_share"][SURGING][-1],
            "brand_term": tr_truth["surge_term"],
        },
        "stable_competitor": STABLE,
        "declining_competitor": {"domain": DECLINING, "monthly_change": _PROFILE[DECLINING]["growth"]},
        "visits": visits,
        "rankings": rk_truth,
        "auction_insights": ai_truth,
        "trends": tr_truth,
        "auction_censoring": "values written '< 10 %' (lampe-et-lumiere.com impression share)",
    }


def describe(truth: dict) -> str:
    """A Markdown section for the demo README."""
    s = truth["surge"]
    rk = truth["rankings"]
    return (
        "## Market (competitor watch)\n\n"
        f"Files: {', '.join('`' + f + '`' for f in truth['files'])}. Competitors of "
        f"{truth['our_domain']}: {', '.join(truth['competitors'])}. Similarweb-style monthly "
        f"estimates {truth['months'][0]} to {truth['months'][-1]} (competitors only: our own "
        "traffic comes from `sessions.parquet`), weekly rankings of "
        f"{rk['keywords']} French keywords over {rk['weeks']} weeks, Google Ads Auction Insights "
        "by month (French export: `;`, decimal comma, cp1252, `< 10 %`), Google Trends weekly "
        "brand interest over five years (`<1` for tiny values).\n\n"
        "Planted:\n\n"
        f"- **{s['domain']} surges in {s['period']}**: visits ×{s['visits_factor']} on top of "
        "seasonality, with larger organic and paid shares; its "
        f"\"{s['keyword_cluster']}\" cluster ({len(rk['surge_cluster_keywords'])} keywords) moves "
        f"from a median position {rk['surge_cluster_median_position_before']:.0f} to "
        f"{rk['surge_cluster_median_position_after']:.0f} over the last two weekly snapshots, on a "
        f"new hub page ({rk['surge_hub_page']}); its Google Ads impression share goes from "
        f"{s['impression_share_before']:.0%} to {s['impression_share_after']:.0%}; brand interest "
        f"for \"{s['brand_term']}\" rises "
        f"{truth['trends']['last4_vs_prev4'][s['brand_term']]:+.0%} (last 4 weeks vs previous 4). "
        "The competitor-watch alerts must find it.\n"
        f"- **{truth['stable_competitor']}** is the stable leader: no alert should fire on it.\n"
        f"- **{truth['declining_competitor']['domain']}** declines slowly "
        f"({truth['declining_competitor']['monthly_change']:+.0%} a month, rankings eroding): a "
        "trend to see in the charts, not an alert.\n"
        f"- {truth['our_domain']} does not rank on the clusters "
        f"{', '.join(rk['our_absent_clusters'])}: keyword gaps.\n"
    )
