"""Demo shop part: two years of weekly media-mix history, as the downloads would hold it.

Writes ``media_mix/`` inside the demo folder: the history of *Maison Lumière* over the 104
weeks (Monday to Sunday) ending on Sunday 2026-10-25, built from
:func:`trafficlib.mix.simulate` (its planted ROI, adstock decay ``alpha``, Hill
half-saturation ``half`` and ``slope`` per channel are the truth), and written as the
files a traffic manager would download:

- ``google_ads_campagnes.csv``: a Google Ads campaign report by day, French interface
  (cp1252, ``;``, decimal comma, ``dd/mm/yyyy``, two title lines, ``Total : ...`` rows),
  with the ``Type de campagne`` column: Search campaigns (the "Google Search" channel),
  Display ("Google Display") and Video ("YouTube");
- ``meta_ads.csv``: a Meta Ads Manager export by day (English, UTF-8);
- ``microsoft_ads.csv``: a Microsoft Ads report by day (report header block, footer);
- ``plan_tv.csv``: the TV buying agency's weekly plan, French layout (cp1252, ``;``,
  decimal comma, ``dd/mm/yyyy`` Mondays, spend, contacts and GRP; flight weeks only);
- ``calendrier_promotions.csv``: the shop's promotions calendar, French layout (cp1252,
  ``;``, ``dd/mm/yyyy``), one row per day with a 0 / 1 ``promotion`` column (1 on every day
  of the simulator's promotion weeks, so its weekly mean is the simulator's ``promo``
  control) and the operation's name;
- ``ga4_revenus_par_date.csv``: a GA4 report by Date (key events, e-commerce purchases,
  total revenue), English interface;
- ``touchpoints.parquet``: marketing touchpoints (the kit's touchpoints table) of the
  last 26 weeks, channel names equal to the mix channels: search, Meta and Microsoft
  clicks dominate the paths; Display, YouTube and TV (bought by the thousand
  impressions) leave few clicks and barely appear;
- ``truth.json`` and ``README.md``: the planted truth.

Each channel's weekly spend (and impressions) is split into days and campaigns in whole
cents, so :func:`trafficlib.mix.inputs.load_mix_inputs` on the folder gives back the
simulator's weekly table to the cent (``tests/test_mix_inputs.py`` checks it); the GA4
revenue by day sums to the simulator's weekly revenue the same way.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib.datasets.ads import _fr_number, _meta_en, _microsoft
from trafficlib.datasets.calendar import SITE, rng

__all__ = ["generate", "describe", "CHANNELS", "START", "END", "WEEKS", "FOLDER"]

FOLDER = "media_mix"
CHANNELS = ["Google Search", "Meta", "Google Display", "YouTube", "Microsoft Ads", "TV"]
WEEKS = 104
END = "2026-10-25"  # a Sunday: the last week is 2026-10-19 .. 2026-10-25
START = str((pd.Timestamp(END) - pd.Timedelta(days=7 * WEEKS - 1)).date())  # a Monday, 2024-11-04
TOUCH_WEEKS = 26

# the campaigns each channel's spend is split over: (platform file, campaign type, campaign, share)
_CAMPAIGNS = {
    "Google Search": [("google", "Search", "FR - Search - Luminaires", 0.62),
                      ("google", "Search", "FR - Search - Marque", 0.38)],
    "Google Display": [("google", "Display", "FR - Display - Remarketing", 0.55),
                       ("google", "Display", "FR - Display - Prospection maison", 0.45)],
    "YouTube": [("google", "Video", "FR - YouTube - Collection automne", 1.0)],
    "Meta": [("meta", None, "FR | Conversions | Catalogue", 0.7), ("meta", None, "FR | Notoriété | Reels", 0.3)],
    "Microsoft Ads": [("microsoft", None, "FR - Bing - Luminaires", 1.0)],
}
_CTR = {"Google Search": 0.055, "Google Display": 0.004, "YouTube": 0.003, "Meta": 0.012, "Microsoft Ads": 0.045}
_TYPE_TOTALS = {"Search": "Réseau de Recherche", "Display": "Display", "Video": "Vidéo"}
AOV = 86.0  # average order value planted for the purchases (EUR)


def _split(total_cents: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Whole units (cents, impressions) of each total spread over cells by ``weights``
    (rows sum to 1): floors plus one unit to the cells of largest remainder, so that every
    row adds up exactly to its total."""
    raw = total_cents[:, None] * weights
    out = np.floor(raw).astype(np.int64)
    rem = (total_cents - out.sum(axis=1)).astype(np.int64)
    order = np.argsort(-(raw - out), axis=1, kind="stable")
    ranks = np.argsort(order, axis=1, kind="stable")
    out += (ranks < rem[:, None]).astype(np.int64)
    return out


def _daily_rows(r: np.random.Generator, weekly: pd.DataFrame, channel: str) -> pd.DataFrame:
    """One row per day and campaign of ``channel``: cost (EUR, whole cents), impressions,
    clicks, conversions, conversion value; days without spend are left out (the platforms
    write no row for them)."""
    camps = _CAMPAIGNS[channel]
    weeks = len(weekly)
    k = 7 * len(camps)
    share = np.repeat([c[3] for c in camps], 7)
    w = share * r.uniform(0.7, 1.3, (weeks, k))
    w = w / w.sum(axis=1, keepdims=True)
    cents = _split(np.round(weekly[channel].to_numpy() * 100).astype(np.int64), w)
    impr = _split(weekly[f"{channel}_impressions"].to_numpy().astype(np.int64), w)
    days = weekly["date"].to_numpy()[:, None] + np.tile(np.arange(7), len(camps))[None, :] * np.timedelta64(1, "D")
    cidx = np.repeat(np.arange(len(camps)), 7)[None, :].repeat(weeks, axis=0)
    frame = pd.DataFrame({"date": days.ravel(), "camp": cidx.ravel(), "cents": cents.ravel(),
                          "impressions": impr.ravel()})
    frame = frame[(frame["cents"] > 0) | (frame["impressions"] > 0)].reset_index(drop=True)
    frame["cost"] = frame["cents"] / 100
    frame["clicks"] = r.binomial(frame["impressions"].to_numpy(), _CTR[channel])
    frame["conversions"] = r.binomial(frame["clicks"].to_numpy(), 0.02).astype(float)
    frame["conversion_value"] = np.round(frame["conversions"] * AOV * r.uniform(0.8, 1.2, len(frame)), 2)
    frame["campaign"] = [camps[i][2] for i in frame["camp"]]
    frame["campaign_type"] = [camps[i][1] for i in frame["camp"]]
    frame["ad_group"] = frame["campaign"] + " - groupe 1"
    frame["ad"] = frame["campaign"] + " - annonce A"
    frame["reach"] = np.round(frame["impressions"] * 0.7).astype("int64")
    return frame.sort_values(["date", "campaign"], kind="stable").reset_index(drop=True)


def _google_campaigns(rows: pd.DataFrame, path: Path) -> None:
    """A Google Ads campaign report by day as the French interface downloads it."""
    first, last = rows["date"].min(), rows["date"].max()
    sep = ";"
    header = ["Jour", "Campagne", "Type de campagne", "Code de la devise", "Impr.", "Clics", "Coût", "Conversions",
              "Valeur de conv."]
    lines = ["Rapport sur les campagnes", f"{first:%d/%m/%Y} - {last:%d/%m/%Y}", sep.join(header)]
    for rec in rows.itertuples(index=False):
        lines.append(sep.join([f"{rec.date:%d/%m/%Y}", rec.campaign, rec.campaign_type, SITE["currency"],
                               _fr_number(rec.impressions, 0), _fr_number(rec.clicks, 0), _fr_number(rec.cost, 2),
                               _fr_number(rec.conversions, 2), _fr_number(rec.conversion_value, 2)]))

    def total(label: str, sub: pd.DataFrame) -> str:
        return sep.join([label, "", "", SITE["currency"], _fr_number(sub["impressions"].sum(), 0),
                         _fr_number(sub["clicks"].sum(), 0), _fr_number(round(sub["cents"].sum() / 100, 2), 2),
                         _fr_number(sub["conversions"].sum(), 2), _fr_number(sub["conversion_value"].sum(), 2)])

    lines.append(total("Total : compte", rows))
    for typ, label in _TYPE_TOTALS.items():
        lines.append(total(f"Total : {label}", rows[rows["campaign_type"] == typ]))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def _tv_plan(sim: pd.DataFrame, r: np.random.Generator, path: Path) -> int:
    """The TV agency's weekly plan: flight weeks only, French layout."""
    on = sim[sim["TV"] > 0]
    grp = on["TV_impressions"] / 52_000_000 * 100  # contacts over the 15+ population
    out = [["Semaine", "Canal", "Chaîne", "Dépense (EUR)", "Contacts", "GRP"]]
    for (_, rec), g in zip(on.iterrows(), grp):
        out.append([f"{rec['date']:%d/%m/%Y}", "TV", r.choice(["TF1", "M6", "France 5"]),
                    _fr_number(rec["TV"], 2), _fr_number(rec["TV_impressions"], 0), f"{g:.1f}".replace(".", ",")])
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(out)
    path.write_bytes(buf.getvalue().encode("cp1252"))
    return len(on)


_OPERATIONS = ("Soldes", "Offre de saison", "Ventes privées", "Black Friday", "Fête des mères")


def _promotions(sim: pd.DataFrame, path: Path) -> int:
    """The promotions calendar: one row per day of the simulated weeks, ``promotion`` 1 on
    the 7 days of each promotion week, 0 elsewhere; returns the number of promotion days."""
    out = [["Date", "promotion", "Opération"]]
    on = 0
    for rec in sim.itertuples(index=False):
        flag = int(rec.promo > 0)
        name = _OPERATIONS[(rec.date.month + rec.date.year) % len(_OPERATIONS)] if flag else ""
        if rec.date.month == 11 and flag:
            name = "Black Friday"
        for k in range(7):
            day = rec.date + pd.Timedelta(days=k)
            out.append([f"{day:%d/%m/%Y}", str(flag), name])
            on += flag
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(out)
    path.write_bytes(buf.getvalue().encode("cp1252"))
    return on


def _ga4(sim: pd.DataFrame, r: np.random.Generator, path: Path) -> pd.DataFrame:
    """A GA4 report by Date (standard layout: preamble, total row on top) whose daily revenue
    adds up to the simulator's weekly revenue to the cent; returns the daily rows."""
    weeks = len(sim)
    w = r.uniform(0.8, 1.2, (weeks, 7)) * np.array([1.0, 0.95, 0.95, 1.0, 1.05, 1.1, 1.2])
    w = w / w.sum(axis=1, keepdims=True)
    cents = _split(np.round(sim["revenue"].to_numpy() * 100).astype(np.int64), w)
    purchases = _split(np.round(sim["revenue"].to_numpy() / AOV * r.uniform(0.95, 1.05, weeks)).astype(np.int64), w)
    days = (sim["date"].to_numpy()[:, None] + np.arange(7)[None, :] * np.timedelta64(1, "D")).ravel()
    daily = pd.DataFrame({"date": pd.to_datetime(days), "cents": cents.ravel(), "purchases": purchases.ravel()})
    daily["key_events"] = daily["purchases"] + r.poisson(3, len(daily))  # purchases + newsletter sign-ups
    start, end = daily["date"].min(), daily["date"].max()
    pre = ["# ----------------------------------------", "# Reports: Date", "# Account: Maison Lumière",
           "# Property: maison-lumiere.fr - GA4", "# ----------------------------------------", "#", "# All Users",
           f"# Start date: {start:%Y%m%d}", f"# End date: {end:%Y%m%d}"]
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\n")
    wr.writerow(["Date", "Key events", "Ecommerce purchases", "Total revenue"])
    wr.writerow(["", int(daily["key_events"].sum()), int(daily["purchases"].sum()),
                 f"{daily['cents'].sum() / 100:.2f}"])
    for rec in daily.itertuples(index=False):
        wr.writerow([f"{rec.date:%Y%m%d}", rec.key_events, rec.purchases, f"{rec.cents / 100:.2f}"])
    path.write_text("\n".join(pre) + "\n" + buf.getvalue(), encoding="utf-8")
    return daily


# touchpoints: how often each channel shows in paths (per touch, before the week's spend weighting)
_TOUCH_MIX = {"Google Search": 0.30, "Meta": 0.13, "Microsoft Ads": 0.05, "Google Display": 0.012, "YouTube": 0.008,
              "TV": 0.003, "Organic Search": 0.22, "Direct": 0.17, "Email": 0.107}
_TRACKED = 0.30  # share of the purchases whose path is logged (consent, cross-device)


def _touchpoints(sim: pd.DataFrame, daily: pd.DataFrame, r: np.random.Generator, path: Path) -> dict:
    """Journeys of the last :data:`TOUCH_WEEKS` weeks: paid channels show in proportion to
    their base click share times the week's spend over its mean; a third of the journeys
    convert (the last touch carries the purchase)."""
    last = sim.tail(TOUCH_WEEKS).reset_index(drop=True)
    names = list(_TOUCH_MIX)
    base = np.array([_TOUCH_MIX[c] for c in names])
    frames = []
    uid = 0
    for _, rec in last.iterrows():
        week_days = daily[(daily["date"] >= rec["date"]) & (daily["date"] < rec["date"] + pd.Timedelta(days=7))]
        p = base.copy()
        for j, c in enumerate(names):
            if c in CHANNELS:
                mean = sim.loc[sim[c] > 0, c].mean()
                p[j] *= rec[c] / mean if mean > 0 else 0.0
        p = p / p.sum()
        n_conv = int(round(week_days["purchases"].sum() * _TRACKED))
        n_j = int(round(n_conv / 0.33))
        k = np.minimum(r.geometric(0.4, n_j), 8)
        conv = np.zeros(n_j, bool)
        conv[r.choice(n_j, n_conv, replace=False)] = True
        aov = week_days["cents"].sum() / 100 / max(int(week_days["purchases"].sum()), 1)
        t_end = r.uniform(0, 7 * 86400, n_j)  # seconds after the week's Monday: the journey's last touch
        n = int(k.sum())
        jid = np.repeat(np.arange(n_j), k)
        last_of = np.cumsum(k) - 1
        g = r.exponential(2.5 * 86400, n)
        g[last_of] = 0.0
        s = np.cumsum(g)
        before_end = s[last_of][jid] - s + g  # seconds from each touch to the journey's last touch
        is_conv = np.zeros(n, bool)
        is_conv[last_of[conv]] = True
        value = np.where(is_conv, np.round(r.lognormal(np.log(aov) - 0.08, 0.4, n), 2), 0.0)
        frames.append(pd.DataFrame({
            "user": uid + jid,
            "timestamp": rec["date"] + pd.to_timedelta(np.round(t_end[jid] - before_end), unit="s"),
            "channel": np.asarray(names, dtype=object)[r.choice(len(names), n, p=p)],
            "conversion": is_conv.astype(np.int64), "conversion_value": value}))
        uid += n_j
    frame = pd.concat(frames, ignore_index=True)
    frame["user_id"] = frame["user"].map("mm{:07d}".format)
    frame["timestamp"] = frame["timestamp"].astype("datetime64[ns]")
    frame = frame[["user_id", "timestamp", "channel", "conversion", "conversion_value"]]
    frame = frame.sort_values(["user_id", "timestamp"], kind="stable").reset_index(drop=True)
    frame.to_parquet(path, index=False)
    share = frame["channel"].value_counts(normalize=True)
    last_touch = frame[frame["conversion"] == 1].groupby("channel")["conversion_value"].sum()
    return {"file": path.name, "rows": int(len(frame)), "users": int(frame["user_id"].nunique()),
            "conversions": int(frame["conversion"].sum()), "weeks": TOUCH_WEEKS,
            "from": str(last["date"].min().date()), "to": str((last["date"].max() + pd.Timedelta(days=6)).date()),
            "tracked_share_of_purchases": _TRACKED,
            "touch_share": {c: round(float(share.get(c, 0.0)), 4) for c in names},
            "last_touch_value": {c: round(float(last_touch.get(c, 0.0)), 2) for c in names}}


def _lift_test(sim, path: Path, seed: int) -> dict:
    """A TV geo test as an agency reports it (French CSV: channel, start, end, measured gain
    and its standard error): TV's true contribution over its largest flight of the second
    year plus two weeks of carry-over, measured with a 10 % standard error. Its own random
    stream, so the other files do not change."""
    r = rng(seed, "media_mix_lift")
    data, parts = sim.data, sim.parts
    on = data["TV"].to_numpy() > 0
    best, best_spend, i = None, -1.0, 52
    while i < len(on) - 2:
        if on[i]:
            j = i
            while j < len(on) and on[j]:
                j += 1
            spent = float(data["TV"].iloc[i:j].sum())
            if spent > best_spend:
                best, best_spend = (i, min(j + 1, len(on) - 1)), spent
            i = j
        else:
            i += 1
    a, b = best
    true = float(parts["TV"].iloc[a:b + 1].sum())
    measured = true * (1 + r.normal(0, 0.10))
    sd = 0.10 * true
    start, end = data["date"].iloc[a], data["date"].iloc[b] + pd.Timedelta(days=6)
    text = ("Canal;Début;Fin;Gain mesuré (€);Écart-type (€);Méthode\r\n"
            f"TV;{start:%d/%m/%Y};{end:%d/%m/%Y};{_fr(measured)};{_fr(sd)};Test géographique (régions témoins)\r\n")
    path.write_bytes(text.encode("cp1252"))
    return {"channel": "TV", "start": str(start.date()), "end": str(end.date()), "true_contribution": round(true, 2),
            "measured": round(measured, 2), "sd": round(sd, 2)}


def _fr(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


def generate(out_dir: Path, seed: int = 0, scale: float = 1.0) -> dict:
    """Write ``<out_dir>/media_mix/`` (see the module doc); returns the planted truths
    (JSON-able): the simulator's truth per channel (``roi`` in revenue EUR per EUR spent,
    ``alpha``, ``half`` and ``slope`` of the Hill curve in units of ``scale`` EUR/week,
    ``spend`` and ``contribution`` in EUR over the 104 weeks), the files and their
    totals. ``scale`` does not change the weekly history (the simulator's levels)."""
    from trafficlib import mix

    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    sim = mix.simulate(seed, weeks=WEEKS, channels=CHANNELS, start=START)
    data = sim.data
    r = rng(seed, "media_mix")
    rows = {c: _daily_rows(r, data, c) for c in _CAMPAIGNS}
    google = pd.concat([rows[c] for c in ("Google Search", "Google Display", "YouTube")], ignore_index=True)
    google = google.sort_values(["date", "campaign"], kind="stable").reset_index(drop=True)
    _google_campaigns(google, folder / "google_ads_campagnes.csv")
    _meta_en(rows["Meta"], folder / "meta_ads.csv")
    _microsoft(rows["Microsoft Ads"], folder / "microsoft_ads.csv")
    tv_weeks = _tv_plan(data, r, folder / "plan_tv.csv")
    promo_days = _promotions(data, folder / "calendrier_promotions.csv")
    daily = _ga4(data, r, folder / "ga4_revenus_par_date.csv")
    touch = _touchpoints(data, daily, r, folder / "touchpoints.parquet")
    lift = _lift_test(sim, folder / "test_lift_tv.csv", seed)
    truth = sim.truth
    out = {
        "folder": FOLDER,
        "weeks": WEEKS, "start": START, "end": END, "currency": SITE["currency"], "outcome": "revenue",
        "channels": list(CHANNELS),
        "truth": {c: {k: round(float(truth.loc[c, k]), 6) for k in ("roi", "alpha", "half", "slope", "scale", "beta",
                                                                    "spend", "contribution")} for c in CHANNELS},
        "revenue": round(float(data["revenue"].sum()), 2),
        "media_share": round(float(truth["contribution"].sum() / data["revenue"].sum()), 4),
        "promo_weeks": [str(d.date()) for d in data.loc[data["promo"] > 0, "date"]],
        "files": {
            "google_ads_campagnes.csv": "Google Ads campaign report by day, French (cp1252, ';', decimal comma), "
                                        "campaign types Search / Display / Video",
            "meta_ads.csv": "Meta Ads Manager export by day, English",
            "microsoft_ads.csv": "Microsoft Ads report by day, header block and footer",
            "plan_tv.csv": f"TV plan by week, French (cp1252, ';', dd/mm/yyyy), {tv_weeks} flight weeks",
            "calendrier_promotions.csv": f"promotions calendar by day, French (cp1252, ';', dd/mm/yyyy), 0 / 1 "
                                         f"'promotion' column, {promo_days} promotion days",
            "ga4_revenus_par_date.csv": "GA4 report by Date: key events, ecommerce purchases, total revenue",
            "touchpoints.parquet": "touchpoints of the last 26 weeks (attribution beside the mix)",
            "test_lift_tv.csv": "a TV geo test's measured gain and standard error, French (cp1252, ';'): calibrates "
                                "the model",
        },
        "lift_test": lift,
        "touchpoints": touch,
        "controls": ["promotion"],
        "not_in_files": "the promotion weeks (the simulator's control, listed in truth.json as promo_weeks) are in "
                        "no ad or analytics download, only in calendrier_promotions.csv: a model without that "
                        "calendar leaves their lift to the baseline and the noise",
    }
    (folder / "truth.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "README.md").write_text(describe(out), encoding="utf-8")
    return out


def describe(truth: dict) -> str:
    """The media-mix part's planted facts, as a Markdown section."""
    lines = [
        f"## Media mix (`{truth['folder']}/`)",
        "",
        f"{truth['weeks']} weeks of history ({truth['start']} to {truth['end']}, Monday weeks) from "
        "`trafficlib.mix.simulate`, written as the downloads hold it: "
        + ", ".join(f"`{f}` ({d})" for f, d in truth["files"].items()) + ". "
        "`trafficlib.mix.inputs.load_mix_inputs` on the folder gives back the weekly spend per channel "
        f"and the revenue ({truth['revenue']:,.2f} {truth['currency']} over the weeks; media bring "
        f"{truth['media_share']:.0%} of it), and the weekly `promotion` control (the share of the week's days "
        "on promotion: the simulator's promo weeks, 1 or 0).",
        "",
        "| channel | planted ROI | adstock decay | Hill half-saturation | Hill slope | spend (EUR) "
        "| contribution (EUR) |",
        "|---|---|---|---|---|---|---|",
    ]
    for c, t in truth["truth"].items():
        lines.append(f"| {c} | {t['roi']:.2f} | {t['alpha']:.2f} | {t['half']:.2f} | {t['slope']:.2f} | "
                     f"{t['spend']:,.0f} | {t['contribution']:,.0f} |")
    tp = truth["touchpoints"]
    lines += ["", f"`{tp['file']}`: {tp['rows']:,} touches of {tp['users']:,} users, {tp['conversions']:,} "
              f"conversions ({tp['from']} to {tp['to']}, about {tp['tracked_share_of_purchases']:.0%} of the "
              "purchases). Search, Meta and Microsoft clicks dominate the paths; Display, YouTube and TV barely "
              "appear (bought by the thousand impressions, they leave few clicks), so click attribution credits them "
              "far below their planted ROI.", "", truth["not_in_files"][0].upper() + truth["not_in_files"][1:] + ".",
              ""]
    lt = truth.get("lift_test")
    if lt:
        lines += [f"`test_lift_tv.csv`: a {lt['channel']} geo test from {lt['start']} to {lt['end']} measured "
                  f"{lt['measured']:,.2f} EUR ± {lt['sd']:,.2f} (standard error) against a planted contribution "
                  f"of {lt['true_contribution']:,.2f} EUR over those weeks; the media mix takes it as calibration.", ""]
    return "\n".join(lines)
