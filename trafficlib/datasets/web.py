"""Demo shop, site side: sessions, the events behind them, and paid media spend.

Traffic is drawn day by day: a weekly rhythm (weekdays busier, Saturday quietest), a
yearly one (Black Friday and Christmas peaks, January and June sales, a quiet August),
a slow upward trend, then split across sources, devices, countries and landing pages.
Each session gets page views, engagement, and sometimes a purchase. Events are expanded
from the sessions (session_start, first_visit, page_view, add_to_cart, begin_checkout,
purchase) and ``sessions.parquet`` is exactly what sessionizing those events gives, so
the audit can check its DuckDB sessionization against it.

Planted for the analyses (all listed in ``describe``):
a Meta campaign with a known incremental lift on French traffic, a three-day tracking
outage, self-referrals and payment-gateway referrals, UTM values differing only by case
or spaces, paid clicks arriving untagged (gclid on a "direct" landing), duplicated
transaction ids, sessions lasting hours, a bot burst, and a landing page that attracts
paid visitors and loses them.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib.datasets.calendar import SITE, days, rng as part_rng

BASE_SESSIONS_PER_DAY = 300

# (source, medium, campaign, share, engage, cvr, landing profile)
# engage: probability a session is engaged; cvr: purchase probability of an engaged session.
CATALOG = [
    ("google", "organic", None, 0.34, 0.62, 0.045, "seo"),
    ("bing", "organic", None, 0.03, 0.60, 0.045, "seo"),
    ("qwant.com", "organic", None, 0.01, 0.60, 0.045, "seo"),
    ("duckduckgo", "organic", None, 0.008, 0.60, 0.045, "seo"),
    ("(direct)", "(none)", None, 0.16, 0.66, 0.070, "home"),
    ("google", "cpc", "fr_search_marque", 0.045, 0.75, 0.090, "home"),
    ("google", "cpc", "fr_search_generique", 0.06, 0.52, 0.040, "paid"),
    ("google", "cpc", "fr_shopping_luminaires", 0.03, 0.58, 0.055, "product"),
    ("bing", "cpc", "fr_search_generique", 0.01, 0.52, 0.040, "paid"),
    ("facebook", "cpc", "retargeting_catalogue", 0.02, 0.55, 0.060, "product"),
    ("l.instagram.com", "referral", None, 0.02, 0.48, 0.020, "home"),
    ("m.facebook.com", "referral", None, 0.015, 0.45, 0.020, "blog"),
    ("pinterest.com", "social", None, 0.02, 0.50, 0.018, "blog"),
    ("blog-deco-maison.fr", "referral", None, 0.015, 0.65, 0.035, "blog"),
    ("marieclaire.fr", "referral", None, 0.008, 0.62, 0.030, "blog"),
    ("chatgpt.com", "referral", None, 0.006, 0.70, 0.050, "product"),
    ("maison-lumiere.fr", "referral", None, 0.012, 0.70, 0.060, "home"),  # self-referral
    ("paypal.com", "referral", None, 0.004, 0.95, 0.80, "checkout"),  # payment gateway
    ("awin", "affiliate", "awin_cashback", 0.03, 0.60, 0.070, "product"),
    ("criteo", "display", "retargeting_catalogue", 0.015, 0.40, 0.030, "product"),
    ("youtube.com", "referral", None, 0.005, 0.55, 0.015, "blog"),
    ("(not set)", "(not set)", None, 0.01, 0.50, 0.030, "home"),
]

LANDING = {
    "seo": (["/", "/luminaires/suspensions", "/luminaires/lampadaires", "/luminaires/appliques",
             "/blog/eclairer-un-salon", "/blog/tendances-deco-2026", "/deco/miroirs",
             "/produit/suspension-rotin-xl", "/produit/lampe-laiton-ambre"],
            [0.12, 0.14, 0.08, 0.08, 0.18, 0.16, 0.08, 0.09, 0.07]),
    "home": (["/", "/luminaires/suspensions", "/promo"], [0.75, 0.15, 0.10]),
    "paid": (["/luminaires/lampadaires", "/luminaires/suspensions", "/luminaires/appliques", "/"],
             [0.45, 0.25, 0.15, 0.15]),
    "product": (["/produit/suspension-rotin-xl", "/produit/lampe-laiton-ambre", "/produit/miroir-soleil",
                 "/luminaires/suspensions"], [0.35, 0.30, 0.20, 0.15]),
    "blog": (["/blog/eclairer-un-salon", "/blog/tendances-deco-2026", "/deco/miroirs", "/"],
             [0.40, 0.35, 0.15, 0.10]),
    "checkout": (["/commande/confirmation"], [1.0]),
    "email": (["/promo", "/nouveautes", "/"], [0.55, 0.30, 0.15]),
    "social_ads": (["/nouveautes", "/produit/suspension-rotin-xl", "/"], [0.5, 0.3, 0.2]),
}
# The page that attracts and loses: paid visitors land on a slow lampadaires page.
LEAKY_PAGE = "/luminaires/lampadaires"
LEAKY_ENGAGE_FACTOR = 0.45

DEVICES = (["mobile", "desktop", "tablet"], [0.60, 0.35, 0.05], [0.75, 1.45, 1.0])
COUNTRIES = (["FR", "BE", "CH", "CA", "LU"], [0.78, 0.09, 0.07, 0.04, 0.02])

CAMPAIGN = {
    "campaign": "prospection_printemps",
    "platform": "Meta Ads",
    "source": "facebook",
    "medium": "paid_social",
    "start": "2026-04-06",
    "end": "2026-05-03",
    "country": "FR",
    "daily_sessions": 70,  # expected incremental sessions a day, all French
    "engage": 0.55,
    "cvr": 0.085,  # purchase probability of an engaged campaign session
    "daily_budget": 260.0,
    "platform_claim_factor": 2.1,  # Meta's reported conversions vs true incremental ones
}
OUTAGE = ("2026-02-10", "2026-02-12", 0.96)  # first day, last day, share of hits lost
BOT = {"start": "2026-06-15", "end": "2026-06-19", "per_day": 450, "country": "US"}
DUPLICATED_TRANSACTIONS = 30
LONG_SESSIONS = 25
UNTAGGED_SHARE_OF_PAID_SEARCH = 0.08
CASE_VARIANTS = {  # canonical value -> (variant, share of sessions given the variant)
    ("newsletter", "email"): [("Newsletter", "Email", 0.25), ("newsletter ", "email", 0.05)],
    ("facebook", "paid_social"): [("Facebook", "paid_social", 0.2), ("facebook", "Paid_Social", 0.1)],
}


def _daily_volume(d: pd.DatetimeIndex, scale: float) -> np.ndarray:
    """Expected sessions per day (before noise): weekly x yearly x trend."""
    weekly = np.array([1.06, 1.08, 1.05, 1.02, 0.97, 0.86, 0.96])[d.day_of_week]
    doy = d.day_of_year.to_numpy()
    yearly = 1 + 0.12 * np.cos(2 * np.pi * (doy - 15) / 365.25)  # winter high, summer low
    md = d.strftime("%m-%d")
    peaks = np.ones(len(d))
    bf = (d.month == 11) & (d.day >= 24) & (d.day <= 30)
    peaks[bf] = 1.55
    xmas = (d.month == 12) & (d.day >= 1) & (d.day <= 20)
    peaks[xmas] = 1.30
    sales = ((d.month == 1) & (d.day >= 7) & (d.day <= 31)) | ((d.month == 6) & (d.day >= 24)) | (
        (d.month == 7) & (d.day <= 20))
    peaks[sales] = 1.20
    peaks[np.isin(md, ["12-25", "01-01"])] = 0.6
    august = d.month == 8
    peaks[august] *= 0.82
    trend = 1 + 0.15 * (np.arange(len(d)) / 365.25)
    return BASE_SESSIONS_PER_DAY * scale * weekly * yearly * peaks * trend


def _choice(r: np.random.Generator, options, probs, n) -> np.ndarray:
    p = np.asarray(probs, dtype=float)
    return np.asarray(options, dtype=object)[r.choice(len(options), size=n, p=p / p.sum())]


def _base_sessions(r: np.random.Generator, d: pd.DatetimeIndex, scale: float) -> pd.DataFrame:
    lam = _daily_volume(d, scale)
    counts = r.poisson(lam)
    day = np.repeat(d.to_numpy(), counts)
    n = len(day)
    shares = np.array([c[3] for c in CATALOG])
    idx = r.choice(len(CATALOG), size=n, p=shares / shares.sum())
    cat = pd.DataFrame(CATALOG, columns=["source", "medium", "campaign", "share", "engage", "cvr", "profile"])
    s = cat.iloc[idx].reset_index(drop=True).drop(columns="share")
    s["day"] = day
    # Email: newsletters every Tuesday plus two promo sends; traffic on the day and the next.
    sends = d[(d.day_of_week == 1)]
    extra = []
    for send in sends:
        for lag, frac in ((0, 0.10), (1, 0.035)):
            when = send + pd.Timedelta(days=lag)
            if when > d[-1]:
                continue
            k = r.poisson(frac * lam[d.get_loc(when)])
            extra.append(pd.DataFrame({
                "source": "newsletter", "medium": "email",
                "campaign": f"nl_{send:%Y_%m_%d}", "engage": 0.70, "cvr": 0.075,
                "profile": "email", "day": np.repeat(when.to_datetime64(), k)}))
    s = pd.concat([s, *extra], ignore_index=True)
    return s


def _campaign_sessions(r: np.random.Generator, scale: float) -> pd.DataFrame:
    c = CAMPAIGN
    d = pd.date_range(c["start"], c["end"], freq="D")
    # Ramp-up over the first 3 days, as delivery optimises.
    ramp = np.minimum(1.0, (np.arange(len(d)) + 1) / 3)
    counts = r.poisson(c["daily_sessions"] * scale * ramp)
    day = np.repeat(d.to_numpy(), counts)
    return pd.DataFrame({
        "source": c["source"], "medium": c["medium"], "campaign": c["campaign"],
        "engage": c["engage"], "cvr": c["cvr"], "profile": "social_ads", "day": day,
        "incremental": True,
    })


def _attributes(r: np.random.Generator, s: pd.DataFrame) -> pd.DataFrame:
    n = len(s)
    dev_idx = r.choice(3, size=n, p=np.array(DEVICES[1]))
    s["device"] = np.asarray(DEVICES[0], dtype=object)[dev_idx]
    dev_mult = np.asarray(DEVICES[2])[dev_idx]
    s["country"] = _choice(r, COUNTRIES[0], COUNTRIES[1], n)
    camp = s["incremental"].fillna(False).astype(bool)
    s.loc[camp, "country"] = CAMPAIGN["country"]
    landing = np.empty(n, dtype=object)
    for prof, (pages, probs) in LANDING.items():
        m = (s["profile"] == prof).to_numpy()
        landing[m] = _choice(r, pages, probs, int(m.sum()))
    s["landing_page"] = landing
    engage = s["engage"].to_numpy(dtype=float).copy()
    leaky = (s["landing_page"] == LEAKY_PAGE).to_numpy() & (s["medium"] == "cpc").to_numpy()
    engage[leaky] *= LEAKY_ENGAGE_FACTOR
    s["engaged"] = r.random(n) < engage
    p_buy = s["cvr"].to_numpy(dtype=float) * dev_mult * s["engaged"].to_numpy()
    p_buy[leaky] *= 0.5
    s["buy"] = r.random(n) < np.clip(p_buy, 0, 1)
    # Page views and engagement time: engaged sessions browse; others see one page briefly.
    pv = np.where(s["engaged"], 1 + r.poisson(2.6, n), 1)
    pv = np.where(s["buy"], np.maximum(pv, 5), pv)
    s["pageviews"] = pv
    eng = np.where(s["engaged"], r.lognormal(np.log(95), 0.8, n) + 10.5, r.uniform(0, 9, n))
    s["engagement_time_s"] = np.round(eng, 3)
    s["revenue"] = np.where(s["buy"], np.round(r.lognormal(np.log(78), 0.55, n) + 12, 2), 0.0)
    return s


def _users_and_times(r: np.random.Generator, s: pd.DataFrame) -> pd.DataFrame:
    """Give sessions users (about 30% returning) and start times; one session per user
    and day so the 30-minute rule never merges two generated sessions."""
    s = s.sort_values("day", kind="stable").reset_index(drop=True)
    n = len(s)
    hours = r.choice(24, size=n, p=_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum())
    secs = hours * 3600 + r.integers(0, 3600, n)
    s["start"] = pd.to_datetime(s["day"]) + pd.to_timedelta(secs, unit="s")
    returning = r.random(n) < 0.3
    day_codes = pd.factorize(s["day"])[0]
    first_of_day = np.r_[0, np.flatnonzero(np.diff(day_codes)) + 1]
    user = np.empty(n, dtype=np.int64)
    next_id = 0
    for k, lo in enumerate(first_of_day):
        hi = first_of_day[k + 1] if k + 1 < len(first_of_day) else n
        m = hi - lo
        ret = returning[lo:hi] & (next_id > 50)
        ids = np.arange(next_id, next_id + m)
        pool = r.integers(0, max(next_id, 1), m)
        ids = np.where(ret, pool, ids)
        # one session per user per day: clashes become new users
        _, first_pos = np.unique(ids, return_index=True)
        clash = np.ones(m, dtype=bool)
        clash[first_pos] = False
        ids[clash] = next_id + m + np.arange(clash.sum())
        user[lo:hi] = ids
        next_id = max(next_id + m + int(clash.sum()), int(ids.max()) + 1)
    s["user_num"] = user
    s["user_id"] = np.char.add("u", user.astype(str)).astype(object)
    return s


_HOUR_WEIGHTS = np.array([1.2, 0.7, 0.4, 0.3, 0.3, 0.5, 1.2, 2.4, 3.5, 4.2, 4.6, 4.8, 5.2, 5.4,
                          5.0, 4.8, 4.9, 5.2, 5.8, 6.6, 7.4, 7.2, 5.2, 2.6])


def _plant_tagging_problems(r: np.random.Generator, s: pd.DataFrame) -> dict:
    """UTM case variants and untagged paid search clicks; returns what was planted."""
    planted = {"case_variants": [], "untagged_paid_sessions": 0}
    for (src, med), variants in CASE_VARIANTS.items():
        m = ((s["source"] == src) & (s["medium"] == med)).to_numpy()
        u = r.random(len(s))
        lo = 0.0
        for vs, vm, share in variants:
            pick = m & (u >= lo) & (u < lo + share)
            s.loc[pick, "source"] = vs
            s.loc[pick, "medium"] = vm
            if src == "facebook":
                s.loc[pick & (s["campaign"] == CAMPAIGN["campaign"]).to_numpy(), "campaign"] = "Prospection_Printemps"
            planted["case_variants"].append({"canonical": f"{src} / {med}", "variant": f"{vs} / {vm}",
                                             "sessions": int(pick.sum())})
            lo += share
    paid = ((s["source"] == "google") & (s["medium"] == "cpc")).to_numpy()
    untagged = paid & (r.random(len(s)) < UNTAGGED_SHARE_OF_PAID_SEARCH)
    s["gclid"] = untagged
    s.loc[untagged, ["source", "medium", "campaign"]] = ["(direct)", "(none)", None]
    planted["untagged_paid_sessions"] = int(untagged.sum())
    return planted


def _bots(r: np.random.Generator, scale: float) -> pd.DataFrame:
    d = pd.date_range(BOT["start"], BOT["end"], freq="D")
    k = int(BOT["per_day"] * scale)
    day = np.repeat(d.to_numpy(), k)
    n = len(day)
    b = pd.DataFrame({
        "source": "(direct)", "medium": "(none)", "campaign": None, "profile": "home", "day": day,
        "device": "desktop", "country": BOT["country"], "landing_page": "/", "engaged": False,
        "buy": False, "pageviews": 1, "engagement_time_s": 0.0, "revenue": 0.0, "bot": True,
    })
    # Bots hit in bursts at the top of each hour, with a fresh cookie every time.
    b["start"] = pd.to_datetime(b["day"]) + pd.to_timedelta(r.integers(0, 24, n) * 3600 + r.integers(0, 40, n), unit="s")
    b["user_id"] = np.char.add("bot", np.arange(n).astype(str)).astype(object)
    b["user_num"] = -1
    return b


def _events(r: np.random.Generator, s: pd.DataFrame) -> pd.DataFrame:
    """Expand sessions into GA4-like events. Timestamps: session_start at the start,
    page views spread over the engagement time, then cart, checkout and purchase."""
    n = len(s)
    pv = s["pageviews"].to_numpy()
    dur = s["duration_s"].to_numpy()
    rows_sid = np.repeat(np.arange(n), pv)
    k = np.concatenate([np.arange(m) for m in pv]) if n else np.array([], dtype=int)
    frac = np.where(pv[rows_sid] > 1, k / np.maximum(pv[rows_sid] - 1, 1), 0.0)
    pv_offset = frac * dur[rows_sid]
    pages = np.array(["/", "/luminaires/suspensions", "/luminaires/appliques", "/produit/suspension-rotin-xl",
                      "/produit/lampe-laiton-ambre", "/produit/miroir-soleil", "/panier", "/deco/coussins",
                      "/nouveautes"], dtype=object)
    page = pages[r.integers(0, len(pages), len(rows_sid))]
    first = k == 0
    page[first] = s["landing_page"].to_numpy()[rows_sid[first]]
    gclid = s["gclid"].to_numpy(dtype=bool)
    tagged = first & gclid[rows_sid]
    page[tagged] = np.char.add(page[tagged].astype(str), "?gclid=Cj0KCQ" ).astype(object)
    eng_total = s["engagement_time_s"].to_numpy() * 1000
    eng = np.round(eng_total[rows_sid] / pv[rows_sid]).astype(np.int64)
    pv_events = pd.DataFrame({"sid": rows_sid, "offset": pv_offset, "event_name": "page_view",
                              "page": page, "engagement_time_msec": eng, "order": 2})
    starts = pd.DataFrame({"sid": np.arange(n), "offset": 0.0, "event_name": "session_start",
                           "page": s["landing_page"].to_numpy(), "engagement_time_msec": 0, "order": 0})
    newu = s["new_user"].to_numpy(dtype=bool)
    fv = pd.DataFrame({"sid": np.flatnonzero(newu), "offset": 0.0, "event_name": "first_visit",
                       "page": s["landing_page"].to_numpy()[newu], "engagement_time_msec": 0, "order": 1})
    buy = np.flatnonzero(s["buy"].to_numpy(dtype=bool))
    parts = [starts, fv, pv_events]
    for name, pos, order in (("add_to_cart", 0.55, 3), ("begin_checkout", 0.8, 4), ("purchase", 1.0, 5)):
        parts.append(pd.DataFrame({"sid": buy, "offset": dur[buy] * pos + order * 0.001, "event_name": name,
                                   "page": "/commande/confirmation" if name == "purchase" else "/panier",
                                   "engagement_time_msec": 0, "order": order}))
    ev = pd.concat(parts, ignore_index=True)
    ev = ev.sort_values(["sid", "offset", "order"], kind="stable").reset_index(drop=True)
    sid = ev["sid"].to_numpy()
    ev["timestamp"] = s["start"].to_numpy()[sid] + pd.to_timedelta(np.round(ev["offset"].to_numpy(), 3), unit="s").to_numpy()
    for col in ("user_id", "session_id", "device", "country"):
        ev[col] = s[col].to_numpy()[sid]
    # Traffic source travels on the first events of the session only, as in GA4.
    head = ev["event_name"].isin(["session_start", "first_visit"]) | ((ev["event_name"] == "page_view") & (
        ev.groupby("sid").cumcount() <= 2))
    for col in ("source", "medium", "campaign", "referrer"):
        vals = s[col].to_numpy()[sid]
        ev[col] = np.where(head, vals, None)
    is_buy = (ev["event_name"] == "purchase").to_numpy()
    ev["transaction_id"] = np.where(is_buy, s["transaction_id"].to_numpy()[sid], None)
    ev["revenue"] = np.where(is_buy, s["revenue"].to_numpy()[sid], np.nan)
    return ev


def generate(out_dir: Path, seed: int = 0, scale: float = 1.0) -> dict:
    """Write events.parquet, sessions.parquet and ad_spend.parquet; return the truths."""
    r = part_rng(seed, "web")
    d = days()
    base = _base_sessions(r, d, scale)
    camp = _campaign_sessions(r, scale)
    s = pd.concat([base, camp], ignore_index=True)
    s["incremental"] = s["incremental"].fillna(False).astype(bool)
    s = _attributes(r, s)
    s = _users_and_times(r, s)
    planted = _plant_tagging_problems(r, s)
    s["bot"] = False
    s = pd.concat([s, _bots(r, scale)], ignore_index=True)
    s["gclid"] = s["gclid"].fillna(False).astype(bool)
    s["incremental"] = s["incremental"].fillna(False).astype(bool)
    s = s.sort_values("start", kind="stable").reset_index(drop=True)

    # Long sessions: a tab left open, pinging every 20 minutes for hours.
    long_idx = r.choice(np.flatnonzero(~s["bot"].to_numpy() & s["engaged"].to_numpy()), LONG_SESSIONS, replace=False)
    s["pageviews"] = s["pageviews"].astype(np.int64)
    s.loc[long_idx, "pageviews"] = 14 + r.integers(0, 10, LONG_SESSIONS)
    # Session duration: from the first to the last hit. Page views are spread over the
    # engagement time plus some idle time; long sessions stretch to 20 min between hits.
    idle = np.where(s["engaged"], r.uniform(1.0, 2.2, len(s)), 1.0)
    dur = np.where(s["pageviews"] > 1, s["engagement_time_s"] * idle, s["engagement_time_s"] * 0.8)
    # Keep every gap between hits under the 30-minute timeout (25 min at most), so a
    # generated session is exactly one sessionized session.
    dur = np.minimum(dur, np.maximum(s["pageviews"].to_numpy() - 1, 1) * 1500.0)
    dur = np.where(s["bot"], 0.0, dur)
    dur[long_idx] = (s.loc[long_idx, "pageviews"].to_numpy() - 1) * 1200.0
    s["duration_s"] = np.round(dur, 3)
    buy = s["buy"].to_numpy(dtype=bool)
    s["duration_s"] = np.where(buy, np.maximum(s["duration_s"], 30.0), s["duration_s"])

    s["session_id"] = s["user_id"] + "." + (s["start"].astype("int64") // 10**9).astype(str)
    s["referrer"] = np.where(s["medium"].isin(["referral", "social"]),
                             "https://" + s["source"].astype(str) + "/", None)
    s["transaction_id"] = None
    s.loc[buy, "transaction_id"] = [f"ML-{i:07d}" for i in range(1, int(buy.sum()) + 1)]

    # Tracking outage: hits lost on those days (sessions too: they were never recorded).
    o_start, o_end, o_loss = OUTAGE
    in_outage = (s["start"] >= o_start) & (s["start"] < pd.Timestamp(o_end) + pd.Timedelta(days=1))
    lost = in_outage.to_numpy() & (r.random(len(s)) < o_loss)
    lost_sessions = int(lost.sum())
    s = s[~lost].reset_index(drop=True)

    # Duplicated transactions: the thank-you page reloaded a day later fires purchase again.
    buyers = np.flatnonzero(s["buy"].to_numpy(dtype=bool) & ~s["incremental"].to_numpy())
    dup_src = r.choice(buyers, DUPLICATED_TRANSACTIONS, replace=False)
    dups = _duplicate_purchases(s, dup_src)
    s["dup"] = False
    dups["dup"] = True
    s = pd.concat([s, dups], ignore_index=True)
    s = _drop_overlaps(s)
    user_first = s.groupby("user_id")["start"].transform("min")
    s["new_user"] = (s["start"] == user_first).to_numpy()
    ev = _events(r, s)
    # Duration as analytics tools measure it: first to last hit of the session.
    span = ev.groupby("sid")["timestamp"].agg(["min", "max"])
    s["duration_s"] = ((span["max"] - span["min"]).dt.total_seconds().round(3)).reindex(range(len(s))).to_numpy()

    ev = ev.sort_values(["timestamp", "session_id"], kind="stable").reset_index(drop=True)
    events = ev[["user_id", "session_id", "timestamp", "event_name", "page", "referrer", "source", "medium",
                 "campaign", "device", "country", "engagement_time_msec", "transaction_id", "revenue"]]
    events.to_parquet(out_dir / "events.parquet", index=False)

    sessions = _sessions_table(s)
    sessions.to_parquet(out_dir / "sessions.parquet", index=False)

    ad_spend, camp_cost = _ad_spend(r, s, d)
    ad_spend.to_parquet(out_dir / "ad_spend.parquet", index=False)

    inc = s[s["incremental"]]
    tx = events.loc[events["event_name"] == "purchase", "transaction_id"]
    dup_ids = sorted(tx[tx.duplicated()].unique().tolist())
    return {
        "files": ["events.parquet", "sessions.parquet", "ad_spend.parquet"],
        "sessions": int(len(sessions)),
        "events": int(len(events)),
        "campaign_lift": {
            **{k: CAMPAIGN[k] for k in ("campaign", "platform", "source", "medium", "start", "end", "country")},
            "incremental_sessions": int(len(inc)),
            "incremental_conversions": int(inc["buy"].sum()),
            "incremental_revenue": round(float(inc["revenue"].sum()), 2),
            "cost": round(camp_cost, 2),
            "expected_incremental_sessions_per_day": CAMPAIGN["daily_sessions"] * scale,
            "control": "daily sessions / conversions of BE, CH, CA, LU (not targeted)",
            "platform_reported_conversions": int(round(inc["buy"].sum() * CAMPAIGN["platform_claim_factor"])),
        },
        "tracking_outage": {"start": o_start, "end": o_end, "share_lost": o_loss, "sessions_lost": lost_sessions},
        "self_referral": {"source": SITE["domain"], "medium": "referral",
                          "sessions": int((sessions["source"] == SITE["domain"]).sum())},
        "payment_referral": {"source": "paypal.com", "sessions": int((sessions["source"] == "paypal.com").sum())},
        "not_set": {"source": "(not set)", "sessions": int((sessions["source"] == "(not set)").sum())},
        "utm_case_variants": planted["case_variants"],
        "untagged_paid": {"marker": "gclid= in the landing URL of (direct)/(none) sessions",
                          "sessions": int(s["gclid"].sum())},
        "duplicated_transactions": {"count": len(dup_ids), "ids": dup_ids},
        "long_sessions": {"count": int((sessions["duration_s"] >= 13 * 1200).sum()), "min_duration_s": 13 * 1200},
        "bot_burst": {**BOT, "sessions": int(s["bot"].sum()),
                      "signature": "new user every hit, desktop, direct, landing '/', 0 s, country US"},
        "leaky_landing_page": {"page": LEAKY_PAGE, "channel": "Paid Search",
                               "engagement_factor": LEAKY_ENGAGE_FACTOR},
    }


def _drop_overlaps(s: pd.DataFrame, gap_minutes: float = 30.0) -> pd.DataFrame:
    """Drop sessions starting within ``gap_minutes`` of the same user's previous session
    end (late-night sessions meeting the next morning's, hours-long sessions), so that
    sessionizing the events with a 30-minute timeout gives back exactly these sessions.
    Duplicated-purchase sessions are kept (their neighbour is dropped instead)."""
    s = s.sort_values(["user_id", "start"], kind="stable").reset_index(drop=True)
    for _ in range(5):
        end = s["start"] + pd.to_timedelta(s["duration_s"], unit="s")
        same = s["user_id"].eq(s["user_id"].shift())
        gap = (s["start"] - end.shift()).dt.total_seconds()
        clash = same & (gap <= gap_minutes * 60 + 1)
        if not clash.any():
            break
        is_dup = s["dup"].to_numpy(dtype=bool)
        victim = clash & ~is_dup
        prev_victim = (clash & is_dup).shift(-1, fill_value=False)
        s = s[~(victim | prev_victim)].reset_index(drop=True)
    return s.sort_values("start", kind="stable").reset_index(drop=True)


def _duplicate_purchases(s: pd.DataFrame, idx: np.ndarray) -> pd.DataFrame:
    """A one-page session a day later by the same user that fires purchase again with the
    same transaction id and revenue (a reloaded confirmation page)."""
    d = s.loc[idx].copy()
    d["start"] = d["start"] + pd.Timedelta(days=1, minutes=7)
    d["session_id"] = d["user_id"] + "." + (d["start"].astype("int64") // 10**9).astype(str)
    d[["source", "medium", "campaign", "referrer"]] = ["(direct)", "(none)", None, None]
    d["landing_page"] = "/commande/confirmation"
    d["pageviews"] = 1
    d["engaged"] = True
    d["engagement_time_s"] = 4.0
    d["duration_s"] = 30.0
    d["new_user"] = False
    d["gclid"] = False
    d["incremental"] = False
    return d


def _sessions_table(s: pd.DataFrame) -> pd.DataFrame:
    """The canonical sessions table, as GA4 would record it: a direct session is credited
    to the user's previous non-direct session within 90 days (GA4's last non-direct click,
    :func:`trafficlib.sessions.credit_last_non_direct`, the default of ``sessionize``),
    except one that landed with a gclid; channel from the rules."""
    from trafficlib.channels import channel_group  # written with the audit; GA4 rules
    from trafficlib.sessions import credit_last_non_direct

    out = pd.DataFrame({
        "session_id": s["session_id"].astype("string"),
        "user_id": s["user_id"].astype("string"),
        "start": s["start"].astype("datetime64[ns]"),
        "source": s["source"].astype("string"),
        "medium": s["medium"].astype("string"),
        "campaign": s["campaign"].astype("string"),
        "click_id": pd.array(np.where(s["gclid"].to_numpy(dtype=bool), "gclid", None), dtype="string"),
    })
    out = credit_last_non_direct(out).drop(columns=["click_id", "credited_from"])
    out["channel"] = channel_group(out).astype("string")
    out["landing_page"] = s["landing_page"].astype("string")
    out["device"] = s["device"].astype("string")
    out["country"] = s["country"].astype("string")
    out["new_user"] = s["new_user"].astype("boolean")
    out["pageviews"] = s["pageviews"].astype("Int64")
    out["duration_s"] = s["duration_s"].astype("float64")
    out["engagement_time_s"] = s["engagement_time_s"].astype("float64")
    # GA4 engaged session: more than 10 s of engagement, a key event, or >= 2 page views.
    out["engaged"] = ((s["engagement_time_s"] > 10) | s["buy"] | (s["pageviews"] >= 2)).astype("boolean")
    out["conversions"] = s["buy"].astype("int64").astype("Int64")
    out["revenue"] = s["revenue"].astype("float64")
    return out.sort_values(["start", "session_id"]).reset_index(drop=True)


AD_CAMPAIGNS = [
    # platform, campaign, source, medium, ad groups, cpc, ctr, claim factor
    ("Google Ads", "fr_search_marque", "google", "cpc", ["marque_exacte", "marque_large"], 0.32, 0.21, 1.05),
    ("Google Ads", "fr_search_generique", "google", "cpc", ["suspensions", "lampadaires", "appliques"], 0.78, 0.045, 1.1),
    ("Google Ads", "fr_shopping_luminaires", "google", "cpc", ["tous_produits"], 0.52, 0.012, 1.2),
    ("Microsoft Ads", "fr_search_generique", "bing", "cpc", ["suspensions", "lampadaires"], 0.55, 0.038, 1.1),
    ("Meta Ads", "retargeting_catalogue", "facebook", "cpc", ["visiteurs_30j", "paniers_abandonnes"], 0.41, 0.011, 1.6),
    ("Meta Ads", CAMPAIGN["campaign"], "facebook", "paid_social", ["lookalike_acheteurs", "interets_deco"], 0.0, 0.009, CAMPAIGN["platform_claim_factor"]),
    ("Criteo", "retargeting_catalogue", "criteo", "display", ["catalogue"], 0.35, 0.004, 1.8),
]


def _ad_spend(r: np.random.Generator, s: pd.DataFrame, d: pd.DatetimeIndex) -> tuple[pd.DataFrame, float]:
    """Daily platform rows per campaign x ad group x ad, consistent with the site's
    sessions: clicks ~ sessions / 0.9 (some clicks never load the page), impressions
    from a CTR, cost from a CPC, conversions as the platform reports them (its own
    attribution, more generous than the site's)."""
    src = s["source"].astype(str).str.strip().str.lower()
    med = s["medium"].astype(str).str.strip().str.lower()
    cmp = s["campaign"].astype(str).str.strip().str.lower()
    day = s["start"].dt.normalize()
    rows = []
    camp_cost = 0.0
    for platform, campaign, source, medium, groups, cpc, ctr, claim in AD_CAMPAIGNS:
        m = (src == source) & (med == medium) & (cmp == campaign.lower())
        if platform == "Google Ads" and campaign.startswith("fr_search"):
            m = m | (s["gclid"] & (r.random(len(s)) < (0.55 if "generique" in campaign else 0.45)))
        daily = s[m].groupby(day[m]).agg(sessions=("session_id", "size"), conv=("buy", "sum"),
                                         value=("revenue", "sum"))
        if campaign == CAMPAIGN["campaign"]:
            daily = daily.reindex(pd.date_range(CAMPAIGN["start"], CAMPAIGN["end"]), fill_value=0)
        else:
            daily = daily.reindex(d, fill_value=0)
        g_w = r.dirichlet(np.full(len(groups), 4.0))
        for gi, group in enumerate(groups):
            for ai, ad in enumerate(("A", "B")):
                share = g_w[gi] * (0.5 + (0.08 if ad == "B" else -0.08))
                sess = r.binomial(daily["sessions"].to_numpy().astype(int), share)
                clicks = np.round(sess / 0.9 + r.poisson(0.3, len(sess))).astype(int)
                ctr_ad = ctr * (1.15 if ad == "B" else 1.0)
                impr = np.round(clicks / ctr_ad * r.uniform(0.9, 1.1, len(clicks))).astype(int)
                if campaign == CAMPAIGN["campaign"]:
                    cost = np.full(len(clicks), CAMPAIGN["daily_budget"] * g_w[gi] / 2) * r.uniform(0.93, 1.05, len(clicks))
                else:
                    cost = clicks * cpc * r.uniform(0.85, 1.15, len(clicks))
                conv = np.round(daily["conv"].to_numpy() * share * claim, 1)
                val = np.round(daily["value"].to_numpy() * share * claim, 2)
                reach = np.round(impr / r.uniform(1.4, 2.2, len(impr))).astype(int) if platform == "Meta Ads" else None
                frame = pd.DataFrame({
                    "date": daily.index, "platform": platform, "campaign": campaign, "ad_group": group,
                    "ad": f"{group}_{ad}", "impressions": impr, "clicks": clicks, "cost": np.round(cost, 2),
                    "conversions": conv, "conversion_value": val,
                    "reach": reach if reach is not None else pd.NA,
                })
                rows.append(frame)
                if campaign == CAMPAIGN["campaign"]:
                    camp_cost += float(np.round(cost, 2).sum())
    out = pd.concat(rows, ignore_index=True)
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    out["impressions"] = out["impressions"].astype("Int64")
    out["clicks"] = out["clicks"].astype("Int64")
    out["reach"] = out["reach"].astype("Int64")
    for c in ("platform", "campaign", "ad_group", "ad"):
        out[c] = out[c].astype("string")
    return out.sort_values(["date", "platform", "campaign", "ad_group", "ad"]).reset_index(drop=True), camp_cost


def describe(t: dict) -> str:
    """The planted truths of the site part, as a Markdown section."""
    c = t["campaign_lift"]
    o = t["tracking_outage"]
    lines = [
        "## Site traffic (`events.parquet`, `sessions.parquet`, `ad_spend.parquet`)",
        "",
        f"{t['sessions']:,} sessions and {t['events']:,} events. `sessions.parquet` is exactly the "
        "sessionization of `events.parquet` (30-minute timeout, GA4 engaged-session rule, and GA4's "
        "last non-direct click: a direct return visit is credited to the user's previous non-direct "
        "source within 90 days).",
        "",
        "| planted | where | truth |",
        "|---|---|---|",
        f"| Campaign with a known incremental lift | `{c['campaign']}` ({c['platform']}, {c['source']} / {c['medium']}), "
        f"{c['start']} to {c['end']}, {c['country']} only | +{c['incremental_sessions']} sessions, "
        f"+{c['incremental_conversions']} conversions, +{c['incremental_revenue']:.2f} EUR revenue for "
        f"{c['cost']:.2f} EUR spent (incremental ROAS {c['incremental_revenue'] / c['cost']:.2f}); "
        f"Meta reports {c['platform_reported_conversions']} conversions. Control: {c['control']} |",
        f"| Tracking outage | {o['start']} to {o['end']} | {o['share_lost']:.0%} of hits lost "
        f"({o['sessions_lost']} sessions never recorded) |",
        f"| Self-referral | source `{t['self_referral']['source']}` / referral | {t['self_referral']['sessions']} sessions |",
        f"| Payment-gateway referral | source `paypal.com` / referral | {t['payment_referral']['sessions']} sessions |",
        f"| `(not set)` traffic | source and medium `(not set)` (Unassigned) | {t['not_set']['sessions']} sessions |",
        "| UTM values differing by case or spaces | " + "; ".join(
            f"`{v['variant']}` for `{v['canonical']}` ({v['sessions']})" for v in t["utm_case_variants"]) + " | "
        "the newsletter and the Meta campaign (`Prospection_Printemps`) |",
        f"| Untagged paid search | {t['untagged_paid']['marker']} | {t['untagged_paid']['sessions']} sessions |",
        f"| Duplicated transaction ids | purchase fired again a day later | {t['duplicated_transactions']['count']} ids |",
        f"| Implausibly long sessions | hits every 20 minutes | {t['long_sessions']['count']} sessions over "
        f"{t['long_sessions']['min_duration_s'] / 3600:.1f} h |",
        f"| Bot burst | {t['bot_burst']['start']} to {t['bot_burst']['end']} | {t['bot_burst']['sessions']} sessions: "
        f"{t['bot_burst']['signature']} |",
        f"| Landing page that attracts and loses | `{t['leaky_landing_page']['page']}` from Paid Search | "
        f"engagement x{t['leaky_landing_page']['engagement_factor']} of the channel's usual rate |",
        "",
        "Seasonality: weekdays busier than weekends (Saturday lowest), Black Friday week x1.55, "
        "early December x1.3, January and summer sales x1.2, August x0.82, +15 % a year trend. "
        "Newsletters go out every Tuesday (`nl_YYYY_MM_DD`).",
    ]
    return "\n".join(lines)
