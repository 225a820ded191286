"""Demo shop, lead generation: *Maison Lumière Pro*, the shop's trade desk.

Architects, hotels and restaurants ask for a quote on the site's professional pages; sales
qualify the requests and win some of them weeks later. Writes into ``<out>/leads/`` (a
sub-folder: the other reports read ``data/demo`` and must not meet these files):

- ``crm_leads.csv``: the CRM's lead list, French headers (``id, date_de_creation, source,
  support, campagne, page_de_destination, etape, date_de_qualification, gclid,
  proprietaire``), stages ``Nouveau`` / ``Qualifié`` / ``Gagné`` / ``Perdu``;
- ``affaires_cloturees.csv``: the closed deals, joined to the leads by ``id_lead``
  (``statut`` Gagnée / Perdue, ``date_de_cloture``, ``montant``, ``commercial``);
- ``ad_spend.csv``: the kit's ``ad_spend`` table for the paid campaigns (Google Ads and
  Meta, campaign names as the platforms write them: "Pro - Search - Devis").

Planted, per channel: the share of leads sales qualify and the share of qualified leads
won (:data:`FUNNEL`), the cost per lead of the paid channels (:data:`CPL`), a landing page
(``/contact``) whose leads qualify half as often, and the time to close: a won lead closes
after a log-normal delay (median :data:`WON_DAYS`), a qualified lead that is lost after
another (median :data:`LOST_DAYS`), an unqualified one is closed as lost quickly (median
:data:`DISQUALIFIED_DAYS`). Leads whose close falls after 31 October 2026 are still open
in the export (censored).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib.datasets import calendar

__all__ = ["generate", "describe", "FOLDER", "FUNNEL", "CPL", "START", "END"]

FOLDER = "leads"
START, END = "2025-11-01", "2026-10-31"
LEADS_AT_SCALE_1 = 4000
# channel -> (share of leads, source, medium, lead -> qualified, qualified -> won)
FUNNEL = {
    "Paid Search": (0.30, "google", "cpc", 0.40, 0.30),
    "Organic Search": (0.25, "google", "organic", 0.55, 0.35),
    "Paid Social": (0.15, "facebook", "paid_social", 0.20, 0.15),
    "Email": (0.10, "newsletter", "email", 0.60, 0.40),
    "Referral": (0.10, "architectes-mag.fr", "referral", 0.70, 0.45),
    "Direct": (0.10, "(direct)", "(none)", 0.50, 0.30),
}
# paid campaigns: channel -> [(utm_campaign, name in the ad platform, platform, share of the channel's leads)]
CAMPAIGNS = {
    "Paid Search": [("pro_search_devis", "Pro - Search - Devis", "Google Ads", 0.7),
                    ("pro_search_hotellerie", "Pro - Search - Hôtellerie", "Google Ads", 0.3)],
    "Paid Social": [("pro_meta_architectes", "Pro | Meta | Architectes", "Meta Ads", 1.0)],
}
CPL = {"Paid Search": 85.0, "Paid Social": 60.0}   # cost per lead, EUR
CPC = {"Google Ads": 2.4, "Meta Ads": 0.9}
CTR = {"Google Ads": 0.06, "Meta Ads": 0.012}
# landing page -> (share of leads, multiplier of the qualification rate; weighted mean 1)
PAGES = {"/pro/devis": (0.40, 1.125), "/pro/hotellerie": (0.15, 1.125), "/pro/restaurants": (0.15, 1.125),
         "/pro/architectes": (0.10, 1.125), "/contact": (0.20, 0.5)}
QUALIFY_DAYS = 3.0                      # mean delay to qualification (exponential)
WON_DAYS, WON_SIGMA = 45.0, 0.5          # log-normal: median days from creation to a win
LOST_DAYS, LOST_SIGMA = 30.0, 0.6        # qualified, then lost
DISQUALIFIED_DAYS, DISQUALIFIED_SIGMA = 5.0, 0.5
VALUE_MEDIAN, VALUE_SIGMA = 6000.0, 0.6  # won deal amount, EUR
OWNERS = ["Claire Martin", "Hugo Bernard", "Inès Petit", "Louis Moreau"]
STAGE_FR = {"lead": "Nouveau", "qualified": "Qualifié", "won": "Gagné", "lost": "Perdu"}


def _gclid(r: np.random.Generator) -> str:
    alphabet = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"))
    return "Cj0KCQjw" + "".join(r.choice(alphabet, 60))


def _simulate(r: np.random.Generator, n: int) -> pd.DataFrame:
    days = pd.date_range(START, END, freq="D")
    weekday = np.where(days.day_of_week < 5, 1.0, 0.35)          # pros ask on weekdays
    p_day = weekday / weekday.sum()
    names = list(FUNNEL)
    channel = r.choice(names, n, p=[FUNNEL[c][0] for c in names])
    day = r.choice(len(days), n, p=p_day)
    created = days[day] + pd.to_timedelta(r.integers(8 * 3600, 19 * 3600, n), unit="s")
    pages = list(PAGES)
    page = r.choice(pages, n, p=[PAGES[p][0] for p in pages])
    q_rate = np.array([FUNNEL[c][3] for c in channel]) * np.array([PAGES[p][1] for p in page])
    w_rate = np.array([FUNNEL[c][4] for c in channel])
    qualified = r.random(n) < q_rate
    won = qualified & (r.random(n) < w_rate)
    q_delay = r.exponential(QUALIFY_DAYS, n)
    close = np.where(won, r.lognormal(np.log(WON_DAYS), WON_SIGMA, n),
                     np.where(qualified, r.lognormal(np.log(LOST_DAYS), LOST_SIGMA, n),
                              r.lognormal(np.log(DISQUALIFIED_DAYS), DISQUALIFIED_SIGMA, n)))
    close = np.where(qualified, np.maximum(close, q_delay + 0.5), close)   # qualified before closed
    df = pd.DataFrame({"channel": channel, "created": created, "page": page, "qualified": qualified, "won": won,
                       "q_days": q_delay, "close_days": close})
    src = {c: FUNNEL[c][1] for c in names}
    med = {c: FUNNEL[c][2] for c in names}
    df["source"] = df["channel"].map(src)
    df["medium"] = df["channel"].map(med)
    df["campaign"] = ""
    df["platform_name"] = ""
    for ch, camps in CAMPAIGNS.items():
        idx = np.flatnonzero(channel == ch)
        pick = r.choice(len(camps), len(idx), p=[c[3] for c in camps])
        df.loc[idx, "campaign"] = [camps[k][0] for k in pick]
    df.loc[df["channel"] == "Email", "campaign"] = "newsletter_pro_" + df["created"].dt.strftime("%Y_%m")
    df["value"] = np.where(won, np.round(r.lognormal(np.log(VALUE_MEDIAN), VALUE_SIGMA, n), -1), np.nan)
    df["owner"] = r.choice(OWNERS, n)
    has_gclid = (channel == "Paid Search") & (r.random(n) < 0.9)
    df["gclid"] = [_gclid(r) if g else "" for g in has_gclid]
    return df.sort_values("created", kind="stable").reset_index(drop=True)


def generate(out_dir: Path, seed: int = 0, scale: float = 1.0) -> dict:
    """Write ``leads/crm_leads.csv``, ``leads/affaires_cloturees.csv`` and
    ``leads/ad_spend.csv`` into ``out_dir``; return the planted truths (JSON-able)."""
    r = calendar.rng(seed, "leads")
    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    n = max(200, int(round(LEADS_AT_SCALE_1 * scale)))
    df = _simulate(r, n)
    as_of = pd.Timestamp(END) + pd.Timedelta(days=1)
    q_at = df["created"] + pd.to_timedelta(df["q_days"], unit="D")
    c_at = df["created"] + pd.to_timedelta(df["close_days"], unit="D")
    known_q = df["qualified"] & (q_at < as_of)
    closed = c_at < as_of
    stage = np.where(closed & df["won"], "won", np.where(closed, "lost", np.where(known_q, "qualified", "lead")))
    ids = [f"L{26000 + i:05d}" for i in range(len(df))]
    leads = pd.DataFrame({
        "id": ids,
        "date_de_creation": df["created"].dt.strftime("%d/%m/%Y %H:%M"),
        "source": df["source"], "support": df["medium"], "campagne": df["campaign"],
        "page_de_destination": "https://www.maison-lumiere.fr" + df["page"] + "?utm_source=" + df["source"],
        "etape": [STAGE_FR[s] for s in stage],
        "date_de_qualification": q_at.dt.strftime("%d/%m/%Y %H:%M").where(known_q, ""),
        "gclid": df["gclid"], "proprietaire": df["owner"],
    })
    leads.loc[df["source"].eq("(direct)"), "page_de_destination"] = "https://www.maison-lumiere.fr" + df["page"]
    leads.to_csv(folder / "crm_leads.csv", index=False, encoding="utf-8")
    done = closed.to_numpy()
    deals = pd.DataFrame({
        "id_lead": np.array(ids)[done],
        "statut": np.where(df["won"][done], "Gagnée", "Perdue"),
        "date_de_cloture": c_at[done].dt.strftime("%d/%m/%Y %H:%M"),
        "montant": [f"{v:.2f}".replace(".", ",") if v == v else "" for v in df["value"][done]],
        "commercial": df["owner"][done],
    })
    deals = deals.sort_values("date_de_cloture", key=lambda s: pd.to_datetime(s, format="%d/%m/%Y %H:%M"),
                              kind="stable")
    deals.to_csv(folder / "affaires_cloturees.csv", index=False, encoding="utf-8", sep=";")
    spend, cost_truth = _spend(r, df)
    spend.to_csv(folder / "ad_spend.csv", index=False, encoding="utf-8")
    rates = {}
    for ch, (_share, _s, _m, q, w) in FUNNEL.items():
        rates[ch] = {"lead_to_qualified": q, "qualified_to_won": w, "lead_to_won": round(q * w, 6),
                     "leads": int((df["channel"] == ch).sum())}
    return {
        "folder": FOLDER,
        "files": [f"{FOLDER}/crm_leads.csv", f"{FOLDER}/affaires_cloturees.csv", f"{FOLDER}/ad_spend.csv"],
        "period": [START, END], "as_of": END, "leads": int(len(df)),
        "won": int((stage == "won").sum()), "open": int(((stage == "lead") | (stage == "qualified")).sum()),
        "funnel": rates,
        "contact_page_qualification_multiplier": PAGES["/contact"][1],
        "time_to_close": {"won_median_days": WON_DAYS, "won_sigma": WON_SIGMA, "lost_median_days": LOST_DAYS,
                          "lost_sigma": LOST_SIGMA, "disqualified_median_days": DISQUALIFIED_DAYS,
                          "disqualified_sigma": DISQUALIFIED_SIGMA,
                          # the median of every lead's close delay, as drawn (no censoring): what a
                          # survival curve of the export should find
                          "median_days_all_leads": round(float(np.median(df["close_days"])), 3)},
        "cost": cost_truth,
    }


def _spend(r: np.random.Generator, df: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Daily spend per paid campaign, its total = the campaign's leads x the planted cost
    per lead (daily noise only moves spend between days)."""
    days = pd.date_range(START, END, freq="D")
    rows, truth = [], {}
    for ch, camps in CAMPAIGNS.items():
        ch_cost = 0.0
        for utm, name, platform, _share in camps:
            n_leads = int((df["campaign"] == utm).sum())
            total = round(n_leads * CPL[ch], 2)
            w = r.gamma(20.0, 1.0, len(days))
            cost = np.round(total * w / w.sum(), 2)
            cost[-1] = round(total - cost[:-1].sum(), 2)
            clicks = np.maximum(1, np.round(cost / CPC[platform])).astype(int)
            impressions = np.round(clicks / CTR[platform]).astype(int)
            for d, c, k, i in zip(days, cost, clicks, impressions):
                rows.append({"date": d.strftime("%Y-%m-%d"), "platform": platform, "campaign": name,
                             "impressions": int(i), "clicks": int(k), "cost": f"{c:.2f}"})
            truth[name] = {"utm_campaign": utm, "channel": ch, "cost": round(float(cost.sum()), 2), "leads": n_leads}
            ch_cost += float(cost.sum())
        truth[ch] = {"cost": round(ch_cost, 2), "cost_per_lead": CPL[ch]}
    return pd.DataFrame(rows), truth


def describe(t: dict) -> str:
    """The lead-generation part's planted facts, as a Markdown section of the demo README."""
    lines = [
        "## Leads (Maison Lumière Pro, the trade desk)",
        "",
        f"`{t['folder']}/`: {t['leads']:,} quote requests from {t['period'][0]} to {t['period'][1]} in the CRM's lead "
        "list (`crm_leads.csv`, French headers), the closed deals joined by lead id (`affaires_cloturees.csv`, `;`, "
        "decimal comma) and the paid campaigns' spend (`ad_spend.csv`). "
        f"{t['won']:,} won, {t['open']:,} still open on {t['as_of']} (censored in the time to close).",
        "",
        "| channel | leads | lead → qualified | qualified → won | lead → won |",
        "|---|---|---|---|---|",
    ]
    for ch, v in t["funnel"].items():
        lines.append(f"| {ch} | {v['leads']:,} | {v['lead_to_qualified']:.0%} | {v['qualified_to_won']:.0%} | "
                     f"{v['lead_to_won']:.1%} |")
    tc = t["time_to_close"]
    lines += [
        "",
        f"Time to close (log-normal, days from creation): won median {tc['won_median_days']:g} (σ {tc['won_sigma']}), "
        f"qualified then lost median {tc['lost_median_days']:g} (σ {tc['lost_sigma']}), disqualified median "
        f"{tc['disqualified_median_days']:g} (σ {tc['disqualified_sigma']}); median over all leads as drawn "
        f"{tc['median_days_all_leads']:.1f} days.",
        f"Landing page `/contact` qualifies at {t['contact_page_qualification_multiplier']:g}× its channel's rate "
        "(the other pages at 1.125×, so each channel keeps its planted rate).",
        "Cost per lead: " + ", ".join(f"{ch} {v['cost_per_lead']:.0f} EUR ({v['cost']:,.2f} EUR spent)"
                                      for ch, v in t["cost"].items() if "cost_per_lead" in v) + ".",
    ]
    return "\n".join(lines) + "\n"
