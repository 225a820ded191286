"""Demo shop, display & social exports: what the paid-media report starts from.

Writes ``<out>/paid_media/`` (a sub-folder: the post-mortem reads every export in
``data/demo`` as daily spend and must not count these again), for 1 Aug - 31 Oct 2026,
in EUR, each file in the layout its platform downloads:

- ``meta_ads_by_day.csv``: Meta Ads Manager, ads by day (``Reporting starts``,
  ``Reporting ends``, ``Day``, ``Amount spent (EUR)``, ``Reach``, ``Frequency``,
  ``Results``, ``Result indicator``, ``Cost per result``...), the account's summary row
  first (names and day empty);
- ``meta_adsets_by_week.csv``: ad sets by week (each row's ``Reporting starts`` /
  ``Reporting ends`` its week), with the week's reach and frequency, summary row first;
- ``meta_age_gender.csv`` and ``meta_placement.csv``: campaigns by age x gender and by
  platform x placement over the range, summary row first (no device or region export:
  the report names the download that would feed those sections);
- ``google_ads_campaigns.csv``: a Google Ads campaign report (title, range line,
  ``Total: Campaigns``, ``Total: Account`` and one ``Total: <type>`` row per campaign
  type) with Display, Video, Demand Gen and Performance Max campaigns beside Search and
  Shopping ones (which the report leaves out);
- ``linkedin_campaigns.csv``: LinkedIn Campaign Manager, ``Campaign Performance Report
  (in UTC)``, ``Report Start: 8/1/2026, Report End: 10/31/2026``, daily rows;
- ``tiktok_ads.csv``: TikTok Ads Manager ads by day (``By Day``, ``Clicks (destination)``);
- ``media_plan.csv``: campaign, month, budget;
- ``ga4_traffic_acquisition.csv``: a GA4 export by session source / medium and campaign.

Planted: the carousel ``carrousel_suspensions`` tires (its CTR falls with its age while
the other ads hold theirs); the ad set ``lookalike_acheteurs_1pct`` (an audience of
30,000 people) is pushed to a weekly frequency above 5 and its cost per result climbs
beyond a frequency of 3; Audience Network clicks convert far less; 18-24 year olds
convert less; ``prospection_automne`` overspends its October plan and ``tiktok_rentree``
under-delivers.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["generate", "describe", "FOLDER", "PERIOD"]

FOLDER = "paid_media"
PERIOD = ("2026-08-01", "2026-10-31")
SEED_OFFSET = 3030
# ad set -> (campaign, audience size, CPM in EUR, conversion per click, value per result)
AD_SETS = {
    "interets_deco": ("prospection_automne", 300_000, 7.5, 0.028, 92.0),
    "lookalike_acheteurs_1pct": ("prospection_automne", 30_000, 9.0, 0.050, 96.0),
    "visiteurs_30j": ("retargeting_catalogue", 25_000, 11.0, 0.075, 88.0),
}
# ad -> (ad set, first day, daily budget EUR (first, last), CTR when fresh, fatigue half-life days or None)
ADS = {
    "carrousel_suspensions": ("interets_deco", "2026-08-01", (60.0, 60.0), 0.0140, 30.0),
    "video_salon_15s": ("interets_deco", "2026-08-01", (45.0, 45.0), 0.0095, None),
    "photo_lampadaire": ("interets_deco", "2026-09-15", (40.0, 40.0), 0.0115, None),
    "video_lookalike": ("lookalike_acheteurs_1pct", "2026-08-01", (35.0, 165.0), 0.0090, None),
    "catalogue_dynamique": ("visiteurs_30j", "2026-08-01", (30.0, 30.0), 0.0160, None),
}
SATURATION = {"ad_set": "lookalike_acheteurs_1pct", "threshold": 3.0}
AGES = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
# (age, gender) -> (share of impressions, CTR multiplier, conversion-per-click multiplier)
AGE_GENDER = {
    ("18-24", "female"): (0.07, 0.75, 0.35), ("18-24", "male"): (0.05, 0.60, 0.35),
    ("25-34", "female"): (0.16, 1.00, 1.00), ("25-34", "male"): (0.09, 0.90, 0.95),
    ("35-44", "female"): (0.17, 1.05, 1.15), ("35-44", "male"): (0.08, 0.95, 1.00),
    ("45-54", "female"): (0.14, 1.10, 1.20), ("45-54", "male"): (0.06, 0.95, 1.05),
    ("55-64", "female"): (0.11, 1.35, 1.10), ("55-64", "male"): (0.04, 1.00, 1.00),
    ("65+", "female"): (0.027, 1.10, 1.00), ("65+", "male"): (0.003, 1.50, 1.00),
}
PLACEMENTS = {  # (platform, placement) -> (share of impressions, CTR multiplier, conversion multiplier)
    ("facebook", "Feed"): (0.34, 1.00, 1.15), ("instagram", "Feed"): (0.28, 1.05, 1.10),
    ("instagram", "Instagram Stories"): (0.16, 0.80, 0.90), ("instagram", "Instagram Reels"): (0.10, 0.90, 0.85),
    ("audience_network", "Native, banner and interstitial"): (0.12, 1.60, 0.22),
}
GOOGLE = [  # campaign, type, impressions, CTR, CPM EUR, conversions, value per conversion
    ("fr_display_remarketing", "Display", 1_850_000, 0.0042, 2.10, 96, 85.0),
    ("fr_youtube_inspiration", "Video", 640_000, 0.0031, 6.40, 14, 110.0),
    ("fr_demandgen_deco", "Demand Gen", 520_000, 0.0085, 5.20, 41, 95.0),
    ("fr_pmax_luminaires", "Performance Max", 780_000, 0.0120, 6.10, 132, 118.0),
    ("fr_search_marque", "Search", 61_000, 0.2100, 20.80, 410, 110.0),
    ("fr_shopping_luminaires", "Shopping", 410_000, 0.0119, 6.32, 61, 130.0),
]
LINKEDIN = [("fr_linkedin_architectes", 38.0, 0.0062, 34.0, 0.020), ("fr_linkedin_decorateurs", 22.0, 0.0048, 31.0, 0.012)]
TIKTOK = {"campaign": "tiktok_rentree", "ad_group": "femmes_25_44", "ads": ("video_ugc_salon", "video_avant_apres"),
          "start": "2026-09-01", "daily": 62.0, "cpm": 6.2, "ctr": 0.0072, "cvr": 0.011}
PLAN = {  # campaign -> budget per month (Aug, Sep, Oct), EUR
    "prospection_automne": (4500.0, 6000.0, 6500.0), "retargeting_catalogue": (950.0, 900.0, 950.0),
    "fr_linkedin_architectes": (1200.0, 1150.0, 1200.0), "fr_linkedin_decorateurs": (700.0, 650.0, 700.0),
    "tiktok_rentree": (0.0, 3000.0, 3000.0),
}


def _reach(impressions, audience):
    """People reached by ``impressions`` served at random to an audience: A (1 - e^(-I/A))."""
    return np.round(audience * (1 - np.exp(-np.asarray(impressions, dtype=float) / audience))).astype(int)


def _ads_by_day(r: np.random.Generator) -> pd.DataFrame:
    days = pd.date_range(*PERIOD, freq="D")
    rows = []
    for ad, (ad_set, first, (b0, b1), ctr0, half) in ADS.items():
        campaign, audience, cpm, cvr, vpr = AD_SETS[ad_set]
        live = days[days >= pd.Timestamp(first)]
        for i, d in enumerate(live):
            week = (d - days[0]).days // 7
            budget = b0 + (b1 - b0) * week / 12
            impr = int(r.poisson(budget / cpm * 1000))
            age = i
            ctr = ctr0 * (0.35 + 0.65 * np.exp(-age / half)) if half else ctr0
            clicks = int(r.binomial(impr, ctr))
            cost = round(impr * cpm / 1000 * r.uniform(0.97, 1.03), 2)
            rows.append({"campaign": campaign, "ad_set": ad_set, "ad": ad, "day": d, "impressions": impr,
                         "clicks": clicks, "cost": cost, "cvr": cvr, "vpr": vpr, "audience": audience})
    f = pd.DataFrame(rows)
    # results: per click, except the saturating ad set, where they follow the week's frequency
    f["week"] = f["day"].dt.to_period("W-SUN").dt.start_time
    wk = f.groupby(["ad_set", "week"])["impressions"].transform("sum")
    f["week_freq"] = wk / _reach(wk, f["audience"])
    sat = f["ad_set"] == SATURATION["ad_set"]
    per_click = np.where(sat, f["cvr"] * np.minimum(1.0, (SATURATION["threshold"] / f["week_freq"]) ** 2.5), f["cvr"])
    f["results"] = r.binomial(f["clicks"].to_numpy(), np.clip(per_click, 0, 1))
    f["value"] = np.round(f["results"] * f["vpr"] * r.uniform(0.8, 1.2, len(f)), 2)
    # a day's reach: most of a day's impressions reach distinct people
    f["reach"] = _reach(f["impressions"], f["audience"] / 6)
    return f


def _csv(header: list[str], rows: list[list], pre: list[str] = (), sep: str = ",") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return "".join(p + "\n" for p in pre) + buf.getvalue()


def _n(x, d=2):
    return f"{x:.{d}f}"


def _ratio(a, b, scale=1.0, d=2):
    return _n(a / b * scale, d) if b else ""


_META_HEAD = ["Reporting starts", "Reporting ends"]
_META_TAIL = ["Results", "Result indicator", "Reach", "Frequency", "Cost per result", "Amount spent (EUR)",
              "Impressions", "CPM (cost per 1,000 impressions) (EUR)", "Link clicks", "CTR (link click-through rate)",
              "Purchases conversion value"]
_INDICATOR = "actions:offsite_conversion.fb_pixel_purchase"


def _meta_tail(results, reach, cost, impr, clicks, value, indicator=_INDICATOR):
    return [int(results), indicator, int(reach), _ratio(impr, reach), _ratio(cost, results), _n(cost), int(impr),
            _ratio(cost, impr, 1000), int(clicks), _ratio(clicks, impr, 100, 4), _n(value)]


def _account_reach(f: pd.DataFrame) -> int:
    """People reached over the range: each ad set's audience reached by its impressions (ad sets apart)."""
    s = f.groupby("ad_set").agg(impressions=("impressions", "sum"), audience=("audience", "first"))
    return int(_reach(s["impressions"], s["audience"]).sum())


def _split(total, weights, r: np.random.Generator, cents=False):
    """``total`` split over ``weights``: whole counts (multinomial) or cents adding up exactly."""
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    if not cents:
        return r.multinomial(int(total), w)
    parts = np.floor(total * 100 * w) / 100
    parts[np.argmax(w)] += round(total - parts.sum(), 2)
    return np.round(parts, 2)


def _breakdown_rows(f: pd.DataFrame, segments: dict, r: np.random.Generator) -> list[tuple]:
    """Per campaign and segment: (campaign, segment key, impressions, clicks, cost, results, value, reach)."""
    out = []
    for campaign, c in f.groupby("campaign", sort=False):
        keys = list(segments)
        share = np.array([segments[k][0] for k in keys])
        impr = _split(c["impressions"].sum(), share, r)
        clicks = _split(c["clicks"].sum(), impr * np.array([segments[k][1] for k in keys]), r)
        results = _split(c["results"].sum(), clicks * np.array([segments[k][2] for k in keys]), r)
        cost = _split(round(c["cost"].sum(), 2), impr, r, cents=True)
        value = _split(round(c["value"].sum(), 2), np.maximum(results, 1e-9), r, cents=True)
        audience = c.groupby("ad_set")["audience"].first().sum()
        reach = _reach(impr, audience * share)
        for k, i, cl, co, re_, v, rc in zip(keys, impr, clicks, cost, results, value, reach):
            out.append((campaign, k, int(i), int(cl), float(co), int(re_), float(v), int(rc)))
    return out


def _meta_files(folder: Path, f: pd.DataFrame, r: np.random.Generator) -> dict:
    start, end = PERIOD
    tot = f[["results", "cost", "impressions", "clicks", "value"]].sum()
    reach_all = _account_reach(f)
    summary = _meta_tail(tot["results"], reach_all, round(tot["cost"], 2), tot["impressions"], tot["clicks"],
                         round(tot["value"], 2), indicator="")
    # ads by day
    head = _META_HEAD + ["Campaign name", "Ad set name", "Ad name", "Day"] + _META_TAIL
    rows = [[start, end, "", "", "", ""] + summary]
    for x in f.sort_values(["day", "campaign", "ad_set", "ad"]).itertuples():
        d = f"{x.day:%Y-%m-%d}"
        rows.append([d, d, x.campaign, x.ad_set, x.ad, d] + _meta_tail(x.results, x.reach, x.cost, x.impressions,
                                                                        x.clicks, x.value))
    (folder / "meta_ads_by_day.csv").write_text(_csv(head, rows), encoding="utf-8")
    # ad sets by week (Monday to Sunday, clipped to the range)
    w = f.groupby(["campaign", "ad_set", "week"], sort=True).agg(
        impressions=("impressions", "sum"), clicks=("clicks", "sum"), cost=("cost", "sum"), results=("results", "sum"),
        value=("value", "sum"), audience=("audience", "first"), first=("day", "min"), last=("day", "max")).reset_index()
    w["reach"] = _reach(w["impressions"], w["audience"])
    head = _META_HEAD + ["Campaign name", "Ad set name"] + _META_TAIL
    rows = [[start, end, "", ""] + summary]
    for x in w.sort_values(["week", "campaign", "ad_set"]).itertuples():
        rows.append([f"{x.first:%Y-%m-%d}", f"{x.last:%Y-%m-%d}", x.campaign, x.ad_set]
                    + _meta_tail(x.results, x.reach, round(x.cost, 2), x.impressions, x.clicks, round(x.value, 2)))
    (folder / "meta_adsets_by_week.csv").write_text(_csv(head, rows), encoding="utf-8")
    # campaign x age x gender, campaign x platform x placement, over the range
    for name, segs, cols in (("meta_age_gender.csv", AGE_GENDER, ["Age", "Gender"]),
                             ("meta_placement.csv", PLACEMENTS, ["Platform", "Placement"])):
        head = _META_HEAD + ["Campaign name"] + cols + _META_TAIL
        rows = [[start, end, ""] + ["", ""] + summary]
        for campaign, k, i, cl, co, re_, v, rc in _breakdown_rows(f, segs, r):
            rows.append([start, end, campaign, *k] + _meta_tail(re_, rc, co, i, cl, v))
        (folder / name).write_text(_csv(head, rows), encoding="utf-8")
    return {"weeks": w}


def _google(folder: Path, r: np.random.Generator) -> dict:
    head = ["Campaign status", "Campaign", "Campaign type", "Currency code", "Impr.", "Clicks", "CTR", "Avg. CPM", "Cost",
            "Conversions", "Conv. value", "Cost / conv."]
    rows, sums = [], {}

    def line(label, ctype, i, c, cost, conv, val, status=""):
        return [label if not status else status, "" if not status else label, ctype, "EUR", f"{i:,}", f"{c:,}",
                f"{c / i:.2%}" if i else " --", f"{cost / i * 1000:.2f}" if i else " --", f"{cost:.2f}",
                f"{conv:,.2f}", f"{val:,.2f}", f"{cost / conv:.2f}" if conv else " --"]

    for camp, ctype, impr, ctr, cpm, conv, vpc in GOOGLE:
        i = int(r.poisson(impr))
        c = int(r.binomial(i, ctr))
        cost = round(i * cpm / 1000, 2)
        val = round(conv * vpc, 2)
        rows.append(line(camp, ctype, i, c, cost, float(conv), val, status="Enabled"))
        s = sums.setdefault(ctype, [0, 0, 0.0, 0.0, 0.0])
        for k, v in enumerate((i, c, cost, float(conv), val)):
            s[k] += v
    tot = [sum(s[k] for s in sums.values()) for k in range(5)]
    tot[2], tot[4] = round(tot[2], 2), round(tot[4], 2)
    rows.append(line("Total: Campaigns", "", *tot))
    rows.append(line("Total: Account", "", *tot))
    for ctype, s in sums.items():
        rows.append(line(f"Total: {ctype}", ctype, s[0], s[1], round(s[2], 2), s[3], round(s[4], 2)))
    text = _csv(head, rows, pre=["Campaign report", "August 1, 2026 - October 31, 2026"])
    (folder / "google_ads_campaigns.csv").write_text(text, encoding="utf-8")
    display = {k: v for k, v in sums.items() if k not in ("Search", "Shopping")}
    return {"display_cost": round(sum(v[2] for v in display.values()), 2),
            "left_out_cost": round(sum(v[2] for k, v in sums.items() if k in ("Search", "Shopping")), 2),
            "rows": [(c, t) for c, t, *_ in GOOGLE]}


def _linkedin(folder: Path, r: np.random.Generator) -> pd.DataFrame:
    days = pd.date_range(*PERIOD, freq="D")
    head = ["Start Date (in UTC)", "Account Name", "Currency", "Campaign Group Name", "Campaign Name", "Campaign ID",
            "Campaign Type", "Total Spent", "Impressions", "Clicks", "Clicks to Landing Page", "Click Through Rate",
            "Average CPM", "Average CPC", "Approximate Member Reach", "Average Frequency", "Conversions",
            "Cost per Conversion", "Total Conversion Value"]
    rows, recs = [], []
    for k, (camp, daily, ctr, cpm, cvr) in enumerate(LINKEDIN):
        for d in days:
            i = int(r.poisson(daily / cpm * 1000))
            c = int(r.binomial(i, ctr))
            lp = int(r.binomial(c, 0.7))
            conv = int(r.binomial(lp, cvr * 3))
            cost = round(i * cpm / 1000, 2)
            reach = int(i / r.uniform(1.1, 1.4))
            rows.append([f"{d.month}/{d.day}/{d.year}", "Maison Lumière Pro", "EUR", "Prescripteurs", camp,
                         510000 + k, "Sponsored Content", _n(cost), i, c, lp, _ratio(c, i, 1, 4), _ratio(cost, i, 1000),
                         _ratio(cost, c), reach, _ratio(i, reach), conv, _ratio(cost, conv), _n(conv * 450.0)])
            recs.append({"campaign": camp, "day": d, "cost": cost, "clicks": lp, "results": conv})
    pre = ["Campaign Performance Report (in UTC)", "Report Start: 8/1/2026, Report End: 10/31/2026", ""]
    (folder / "linkedin_campaigns.csv").write_text(_csv(head, rows, pre=pre), encoding="utf-8")
    return pd.DataFrame(recs)


def _tiktok(folder: Path, r: np.random.Generator) -> pd.DataFrame:
    t = TIKTOK
    days = pd.date_range(t["start"], PERIOD[1], freq="D")
    head = ["By Day", "Campaign name", "Ad group name", "Ad name", "Cost", "Impressions", "Clicks (destination)",
            "CTR (destination)", "CPC (destination)", "CPM", "Reach", "Frequency", "Conversions",
            "Cost per conversion", "Currency"]
    rows, recs = [], []
    for ad in t["ads"]:
        for d in days:
            i = int(r.poisson(t["daily"] / 2 / t["cpm"] * 1000))
            c = int(r.binomial(i, t["ctr"]))
            conv = int(r.binomial(c, t["cvr"]))
            cost = round(i * t["cpm"] / 1000, 2)
            reach = int(i / r.uniform(1.05, 1.3))
            rows.append([f"{d:%Y-%m-%d}", t["campaign"], t["ad_group"], ad, _n(cost), i, c, f"{c / i:.2%}",
                         _ratio(cost, c), _ratio(cost, i, 1000), reach, _ratio(i, reach), conv, _ratio(cost, conv),
                         "EUR"])
            recs.append({"campaign": t["campaign"], "day": d, "cost": cost, "clicks": c, "results": conv})
    (folder / "tiktok_ads.csv").write_text(_csv(head, rows), encoding="utf-8")
    return pd.DataFrame(recs)


def _plan(folder: Path) -> None:
    rows = [[c, m, _n(b)] for c, budgets in PLAN.items() for m, b in zip(("2026-08", "2026-09", "2026-10"), budgets)
            if b > 0]
    (folder / "media_plan.csv").write_text(_csv(["campaign", "month", "budget"], rows), encoding="utf-8")


def _ga4(folder: Path, meta: pd.DataFrame, others: list[pd.DataFrame], r: np.random.Generator) -> dict:
    """GA4 sessions by source / medium and campaign: the ads' clicks that became sessions, and the rest."""
    paid = []
    for camp, c in meta.groupby("campaign"):
        for src, share in (("facebook", 0.62), ("instagram", 0.38)):
            clicks = c["clicks"].sum() * share
            paid.append((f"{src} / paid_social", camp, int(clicks * 0.78), int(c["results"].sum() * share * 0.45)))
    for g in others:
        camp = g["campaign"].iloc[0]
        src = "linkedin / paid_social" if "linkedin" in camp else "tiktok / paid_social"
        for camp, c in g.groupby("campaign"):
            paid.append((src, camp, int(c["clicks"].sum() * 0.7), int(c["results"].sum() * 0.5)))
    for camp, ctype, impr, ctr, *_ in GOOGLE:  # auto-tagged: google / cpc whatever the network
        paid.append(("google / cpc", camp, int(impr * ctr * 0.85), int(impr * ctr * 0.85 * 0.02)))
    rest = [("google / organic", "(organic)", 38_400, 1_150), ("(direct) / (none)", "(direct)", 17_900, 760),
            ("bing / organic", "(organic)", 3_100, 80), ("newsletter / email", "nl_automne", 2_400, 95),
            ("m.facebook.com / referral", "(referral)", 1_300, 9), ("pinterest.com / social", "(referral)", 900, 4)]
    rows = [(s, c, n, int(k)) for s, c, n, k in paid + rest]
    rows.sort(key=lambda x: -x[2])
    total_s, total_k = sum(x[2] for x in rows), sum(x[3] for x in rows)
    out = [["", "", total_s, total_k, ""]]
    for s, c, n, k in rows:
        out.append([s, c, n, k, _n(k * 96.0)])
    out[0][4] = _n(sum(float(x[4]) for x in out[1:]))
    pre = ["# ----------------------------------------", "# Report: Session source / medium, Session campaign",
           "# Account: Maison Lumière", "# Property: maison-lumiere.fr - GA4",
           "# ----------------------------------------", "#", "# All Users", "# Start date: 20260801",
           "# End date: 20261031"]
    head = ["Session source / medium", "Session campaign", "Sessions", "Key events", "Total revenue"]
    (folder / "ga4_traffic_acquisition.csv").write_text(_csv(head, out, pre=pre), encoding="utf-8")
    meta_sessions = sum(n for s, c, n, k in paid if s.endswith("paid_social") and not s.startswith(("linkedin", "tiktok")))
    return {"sessions": total_s, "key_events": total_k, "meta_sessions": meta_sessions}


def generate(out_dir: Path, seed: int = 0, scale: float = 1.0) -> dict:
    """Write ``out_dir/paid_media/`` (see module doc); return the planted truths.
    ``scale`` is not used: the planted effects are sized for the report's thresholds."""
    r = np.random.default_rng(seed + SEED_OFFSET)
    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    f = _ads_by_day(r)
    meta = _meta_files(folder, f, r)
    google = _google(folder, r)
    li = _linkedin(folder, r)
    tt = _tiktok(folder, r)
    _plan(folder)
    ga4 = _ga4(folder, f, [li, tt], r)
    weeks = meta["weeks"]
    lal = weeks[weeks["ad_set"] == SATURATION["ad_set"]]
    oct_spend = float(f[(f["campaign"] == "prospection_automne") & (f["day"].dt.month == 10)]["cost"].sum())
    return {
        "folder": FOLDER, "period": list(PERIOD), "currency": "EUR",
        "meta_cost": round(float(f["cost"].sum()), 2), "meta_impressions": int(f["impressions"].sum()),
        "meta_clicks": int(f["clicks"].sum()), "meta_results": int(f["results"].sum()),
        "fatigued_ad": "carrousel_suspensions", "steady_ads": ["video_salon_15s", "photo_lampadaire"],
        "saturating_ad_set": SATURATION["ad_set"], "saturation_frequency": SATURATION["threshold"],
        "saturating_max_weekly_frequency": round(float((lal["impressions"] / lal["reach"]).max()), 2),
        "costly_placement": "audience_network", "costly_age": "18-24",
        "google_display_cost": google["display_cost"], "google_left_out_cost": google["left_out_cost"],
        "linkedin_cost": round(float(li["cost"].sum()), 2), "tiktok_cost": round(float(tt["cost"].sum()), 2),
        "prospection_october_spend": round(oct_spend, 2), "prospection_october_budget": PLAN["prospection_automne"][2],
        "tiktok_budget_per_month": PLAN["tiktok_rentree"][1], "ga4": ga4,
    }


def describe(t: dict) -> str:
    """The display & social exports' planted facts, as Markdown."""
    return "\n".join([
        f"## Display & social exports (`{t['folder']}/`)",
        "",
        f"Meta Ads Manager (ads by day, ad sets by week, age x gender, placement; summary row first), Google Ads "
        f"campaign report (display, video, Demand Gen, Performance Max beside search and shopping), LinkedIn "
        f"Campaign Manager, TikTok Ads Manager, a media plan and a GA4 traffic-acquisition export, "
        f"{t['period'][0]} to {t['period'][1]}, {t['currency']}. Meta spend {t['meta_cost']:,.2f}.",
        "",
        "| planted | truth |",
        "|---|---|",
        f"| Creative fatigue | `{t['fatigued_ad']}`: CTR falls with the ad's age (the other ads hold theirs) |",
        f"| Audience saturation | `{t['saturating_ad_set']}`: weekly frequency up to "
        f"{t['saturating_max_weekly_frequency']}, cost per result climbs beyond {t['saturation_frequency']} |",
        f"| Costly segments | placement `{t['costly_placement']}`, age `{t['costly_age']}` convert far less |",
        f"| Pacing | `prospection_automne` spends {t['prospection_october_spend']:,.2f} in October for a "
        f"{t['prospection_october_budget']:,.2f} plan; `tiktok_rentree` under-delivers its "
        f"{t['tiktok_budget_per_month']:,.2f} a month |",
        f"| Google Ads rows left out | Search and Shopping, {t['google_left_out_cost']:,.2f} (the paid-search report's) |",
        "",
    ])
