"""Demo shop, watch part: the downloads that land day after day, for ``trafficlib watch``.

90 days (2026-07-20 to 2026-10-17), one folder per day (``days/2026-07-20/``...), each
holding what a daily job downloads for that day, in the tools' own layouts:

- ``ga4_acquisition_<day>.csv`` — GA4 Traffic acquisition (Date × Session default channel
  group: sessions, key events, revenue), the ``#`` preamble with its start and end dates;
- ``searchdata_url_impression_<day>.csv`` — the Search Console bulk export table of the
  day (query × page × device × country, ``sum_position`` counted from 0);
- ``google_ads_campaigns_<day>.csv`` — a Google Ads Campaign report with a Day column,
  its title and date-range lines and the ``Total: Campaigns`` row;
- ``multiTimeline_<day>.csv`` — Google Trends, the last 90 days by day for our brand and
  two competitors (rescaled to 100 by each download, as Trends does).

Written beside the demo folder (``<out_dir>-watch``, e.g. ``data/demo-watch``), not in it:
a folder of 360 one-day files would otherwise be read by ``trafficlib auto data/demo``.

Planted events (``truth["events"]``), each to be found on its day or the next:
a tracking gap (the GA4 tag broken for most of a day: sessions ÷ 12), a competitor surge
(a TV campaign: "luminaires direct" searched ×2.6 for three days), a position drop
("suspension scandinave" from ~3 to ~9, for good), a spend spike (the generic search
campaign's budget tripled by mistake for a day). The 15 August holiday empties the site
by ~40 %: the watch names it and does not alert.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib.datasets.calendar import SITE, rng

__all__ = ["generate", "describe", "START", "DAYS", "EVENTS", "folder_for"]

START = pd.Timestamp("2026-07-20")
DAYS = 90
EVENTS = {
    "tracking_gap": {"day": "2026-09-10", "area": "traffic", "what": "GA4 tag broken most of the day"},
    "competitor_surge": {"day": "2026-09-22", "area": "competitors", "what": "'luminaires direct' searched ×2.6 for 3 days"},
    "position_drop": {"day": "2026-09-30", "area": "seo", "what": "'suspension scandinave' from ~3 to ~9"},
    "spend_spike": {"day": "2026-10-08", "area": "paid", "what": "fr_search_generique spends ×3.2 for a day"},
}
HOLIDAY = pd.Timestamp("2026-08-15")
CHANNELS = {"Organic Search": 0, "Paid Search": 420, "Direct": 360, "Email": 130, "Organic Social": 160, "Referral": 90}
CAMPAIGNS = {"fr_search_marque": (70.0, 9.0), "fr_search_generique": (260.0, 7.0), "fr_shopping": (190.0, 6.0)}
QUERIES = [  # query, page, clicks a day, position
    ("maison lumière", "/", 120, 1.1), ("maison lumiere", "/", 45, 1.1),
    ("suspension scandinave", "/suspensions/scandinave", 70, 3.1), ("lampe de chevet", "/lampes/chevet", 55, 4.2),
    ("guirlande lumineuse", "/guirlandes", 60, 5.0), ("lampadaire design", "/lampadaires/design", 45, 4.8),
    ("applique murale", "/appliques", 40, 6.1), ("lampe à poser", "/lampes", 38, 5.5),
    ("abat-jour lin", "/abat-jour/lin", 30, 3.9), ("plafonnier led", "/plafonniers/led", 35, 6.8),
    ("suspension rotin", "/suspensions/rotin", 33, 4.4), ("lampe bureau", "/lampes/bureau", 28, 7.2),
    ("ampoule filament", "/ampoules", 25, 5.9), ("lustre moderne", "/lustres", 22, 8.1),
    ("lampe enfant", "/lampes/enfant", 20, 6.3), ("spot encastrable", "/spots", 18, 9.0),
]
TERMS = ("maison lumiere", "luminaires direct", "deco rivale")


def folder_for(out_dir: str | Path) -> Path:
    """Where the daily downloads go for a demo written to ``out_dir``."""
    out = Path(out_dir)
    return out.parent / f"{out.name}-watch"


def _days() -> pd.DatetimeIndex:
    return pd.date_range(START, periods=DAYS, freq="D")


def _weekly(day: pd.Timestamp) -> float:
    return (1.0, 1.02, 1.0, 0.98, 0.93, 0.82, 0.88)[day.day_of_week]


def _noisy(r: np.random.Generator, mean: float, cv: float = 0.06) -> int:
    """A count around ``mean``: Poisson on a lognormal day-to-day wobble."""
    return int(r.poisson(max(mean, 0.0) * r.lognormal(0.0, cv)))


def _fmt(x: float, decimals: int = 2) -> str:
    return f"{x:,.{decimals}f}"


def _sc_day(r, day, ev_pos) -> tuple[list[list], int]:
    rows, total = [], 0
    for q, page, clicks, pos in QUERIES:
        mean_clicks, position = clicks * _weekly(day), pos
        if q == "suspension scandinave" and day >= ev_pos:
            mean_clicks, position = clicks * 0.18 * _weekly(day), pos + 6.0
        for device, share in (("MOBILE", 0.62), ("DESKTOP", 0.38)):
            c = _noisy(r, mean_clicks * share)
            ctr = max(0.35 / (position ** 1.2), 0.01)
            imp = max(int(c / ctr * r.uniform(0.9, 1.1)), c + 1)
            p = max(position + r.normal(0, 0.25), 1.0)
            rows.append([day.date().isoformat(), "sc-domain:maison-lumiere.fr", f"https://www.maison-lumiere.fr{page}",
                         q, "false", "WEB", device, "fra", imp, c, round((p - 1) * imp, 1)])
            total += c
    return rows, total


def _ga4(day, channels: dict, path: Path) -> None:
    lines = ["# ----------------------------------------", "# Traffic acquisition: Session default channel group",
             "# ----------------------------------------", "#", "# All Users",
             f"# Start date: {day:%Y%m%d}", f"# End date: {day:%Y%m%d}"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Date", "Session default channel group", "Sessions", "Key events", "Total revenue"])
    for ch, (s, k, rev) in channels.items():
        if s > 0:
            w.writerow([f"{day:%Y%m%d}", ch, s, k, f"{rev:.2f}"])
    path.write_text("\n".join(lines) + "\n" + buf.getvalue(), encoding="utf-8")


def _ads(day, camps: dict, path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    when = f"{day:%B} {day.day}, {day.year}"
    buf.write(f"Campaign report\n{when} - {when}\n")
    w.writerow(["Day", "Campaign", "Currency code", "Impr.", "Clicks", "Cost", "Conversions", "Conv. value"])
    tot = np.zeros(5)
    for name, (imp, clicks, cost, conv, value) in camps.items():
        w.writerow([day.date().isoformat(), name, "EUR", _fmt(imp, 0), _fmt(clicks, 0), _fmt(cost), _fmt(conv),
                    _fmt(value)])
        tot += [imp, clicks, round(cost, 2), conv, round(value, 2)]
    w.writerow(["Total: Campaigns", "--", "EUR", _fmt(tot[0], 0), _fmt(tot[1], 0), _fmt(tot[2]), _fmt(tot[3]),
                _fmt(tot[4])])
    path.write_text(buf.getvalue(), encoding="utf-8")


def _trends_all(r: np.random.Generator) -> pd.DataFrame:
    """Daily search interest (unscaled) of the three terms from 90 days before the start."""
    days = pd.date_range(START - pd.Timedelta(days=DAYS), periods=2 * DAYS, freq="D")
    surge = pd.Timestamp(EVENTS["competitor_surge"]["day"])
    base = {"maison lumiere": 30.0, "luminaires direct": 45.0, "deco rivale": 22.0}
    out = {}
    for t, b in base.items():
        v = np.array([b * _weekly(d) ** 2 * r.lognormal(0, 0.05) for d in days])
        if t == "luminaires direct":
            v = v * np.where((days >= surge) & (days < surge + pd.Timedelta(days=3)), 2.6, 1.0)
        out[t] = v
    return pd.DataFrame(out, index=days)


def _trends(raw: pd.DataFrame, day, path: Path) -> None:
    w = raw[(raw.index > day - pd.Timedelta(days=DAYS)) & (raw.index <= day)]
    scaled = (w / w.to_numpy().max() * 100).round().astype(int)
    lines = ["Category: All categories", "", "Day," + ",".join(f"{t}: (France)" for t in scaled.columns)]
    lines += [f"{d.date().isoformat()}," + ",".join(str(v) for v in row) for d, row in zip(scaled.index, scaled.to_numpy())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def generate(out_dir: Path, seed: int = 0, scale: float = 1.0) -> dict:
    """Write the 90 daily download folders into ``folder_for(out_dir) / "days"``;
    returns the planted truth (events, holiday, the folder as a pattern)."""
    root = folder_for(out_dir) / "days"
    r = rng(seed, "watch")
    trends = _trends_all(r)
    ev = {k: pd.Timestamp(v["day"]) for k, v in EVENTS.items()}
    for day in _days():
        d = root / day.date().isoformat()
        d.mkdir(parents=True, exist_ok=True)
        level = _weekly(day) * scale * (0.6 if day == HOLIDAY else 1.0)
        sc_rows, clicks = _sc_day(r, day, ev["position_drop"])
        if day == HOLIDAY:
            sc_rows = [row[:9] + [int(row[9] * 0.6)] + row[10:] for row in sc_rows]
            clicks = sum(row[9] for row in sc_rows)
        channels = {}
        for ch, mean in CHANNELS.items():
            s = _noisy(r, clicks * 1.05 if ch == "Organic Search" else mean * level)
            if day == ev["tracking_gap"]:
                s = int(s / 12)
            k = int(r.binomial(s, 0.021))
            channels[ch] = (s, k, sum(r.gamma(4.0, 25.0) for _ in range(k)))
        _ga4(day, channels, d / f"ga4_acquisition_{day.date()}.csv")
        with open(d / f"searchdata_url_impression_{day.date()}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["data_date", "site_url", "url", "query", "is_anonymized_query", "search_type", "device",
                        "country", "impressions", "clicks", "sum_position"])
            w.writerows(sc_rows)
        camps = {}
        for name, (cost, conv) in CAMPAIGNS.items():
            c = cost * scale * r.lognormal(0, 0.07) * (0.8 + 0.2 * _weekly(day))
            if name == "fr_search_generique" and day == ev["spend_spike"]:
                c *= 3.2
            clicks_n = int(c / r.uniform(0.8, 1.0))
            n_conv = float(r.poisson(conv * scale * (0.8 + 0.2 * _weekly(day))))
            camps[name] = (clicks_n * r.uniform(12, 18), clicks_n, round(c, 2), n_conv, n_conv * r.uniform(90, 130))
        _ads(day, camps, d / f"google_ads_campaigns_{day.date()}.csv")
        _trends(trends, day, d / f"multiTimeline_{day.date()}.csv")
    # the folder as a pattern: truth.json stays the same wherever the demo is written
    return {"folder": "<demo folder>-watch/days", "start": str(START.date()), "days": DAYS,
            "events": {k: dict(v) for k, v in EVENTS.items()},
            "holiday": {"day": str(HOLIDAY.date()), "what": "Assomption: traffic −40 %, to be named, not alerted"}}


def describe(truth: dict) -> str:
    """The Markdown section of the demo README."""
    ev = "\n".join(f"- {k.replace('_', ' ')} on {v['day']} ({v['area']}): {v['what']}" for k, v in truth["events"].items())
    return ("## Daily downloads for the watch (`" + truth["folder"] + "`, e.g. `data/demo-watch/days`)\n\n"
            f"{truth['days']} days from {truth['start']}, one folder per day (GA4 acquisition, Search Console bulk "
            "table, Google Ads campaigns, Google Trends). `python benchmarks/watch_days.py` runs "
            "`trafficlib watch` day after day over them. Planted:\n\n" + ev +
            f"\n- {truth['holiday']['day']}: {truth['holiday']['what']}\n")
