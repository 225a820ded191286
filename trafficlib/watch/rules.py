"""What the watch alerts on, and the one comparison rule most alerts share.

:func:`departure` compares a day with the 28 days before it: the usual level is the
median of those days once the weekly pattern is taken out (weekday factors from the
last 8 weeks), the spread the robust standard deviation (MAD × 1.4826, see
:func:`trafficlib.timeseries.robust_z`) of their log ratios to that level. A day is a
departure when it is more than ``k`` spreads away AND the change passes a minimum
relative size AND a minimum absolute size (so that 3 sessions instead of 1 on a small
page, or a 4 % move on a large figure, are never alerts). Public holidays of the site's
country are left out of the baselines; a departure falling on one is a named *note*,
not an alert (:func:`trafficlib.timeseries.holiday_names`).

Each rule returns :class:`Alert` objects; the texts are rendered in the user's language
by :mod:`trafficlib.watch.texts`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from trafficlib.timeseries import compare_rate
from trafficlib.watch.series import breakdown_rows, covered_days, daily, latest_rows

__all__ = ["Alert", "Check", "departure", "evaluate", "RULES"]

K = 4.0              # spreads away from the usual level
WINDOW = 28          # baseline days
MIN_DAYS = 14        # fewer baseline days: no verdict
RECENT = 7           # a run judges at most the last 7 days of a series (a first run over months stays quiet)
REPEAT = 7           # the same rule and subject within 7 days: "ongoing", not a new alert
# GA4's organic search channel as the interfaces name it
ORGANIC = {"organic search", "recherche organique", "recherche naturelle", "búsqueda orgánica", "organische suche"}


@dataclass
class Alert:
    """One alert: ``rule`` (see RULES), ``area`` (traffic, seo, competitors, paid),
    ``subject`` (channel, query, campaign... "" for the whole), ``metric``, the
    ``day``, the ``value``, the ``expected`` level and the usual range ``low``-``high``
    in the metric's ``unit`` (count, money, position, index, ratio, rate); ``holiday``
    names the public holiday when the departure is only a note."""

    rule: str
    area: str
    subject: str
    metric: str
    day: pd.Timestamp
    value: float
    expected: float
    low: float
    high: float
    unit: str = "count"
    detail: str = ""
    holiday: str = ""

    @property
    def change(self) -> float:
        return self.value / self.expected - 1 if self.expected else float("nan")

    @property
    def key(self) -> tuple:
        return (self.rule, self.subject, self.day)


@dataclass
class Check:
    """A day against its baseline: value, expected, usual range, z (in spreads)."""

    value: float
    expected: float
    low: float
    high: float
    z: float


def _weekday_factors(base: pd.Series) -> np.ndarray:
    f = np.ones(7)
    if len(base) < 21:
        return f
    overall = base.median()
    if not overall or overall <= 0:
        return f
    for w in range(7):
        v = base[base.index.day_of_week == w]
        if len(v) >= 3:
            f[w] = np.clip(v.median() / overall, 0.3, 3.0)
    return f


def departure(s: pd.Series, day: pd.Timestamp, skip: set = frozenset(), k: float = K,
              additive: bool = False, floor: float = 0.5) -> Check | None:
    """``day`` of the daily series ``s`` against the ``WINDOW`` days before it (days in
    ``skip`` left out); None when the day is absent or the baseline has fewer than
    ``MIN_DAYS`` days. ``additive`` for figures whose changes are differences (a
    position), else ratios (counts, money); ``floor`` is the smallest spread of an
    additive figure (0.5 place for a position)."""
    if day not in s.index:
        return None
    x = float(s.loc[day])
    hist = s[(s.index < day) & (s.index >= day - pd.Timedelta(days=8 * 7))]
    hist = hist[~hist.index.isin(list(skip))]
    base = hist[hist.index >= day - pd.Timedelta(days=WINDOW)]
    if len(base) < MIN_DAYS:
        return None
    if additive:
        e = float(base.median())
        spread = max(1.4826 * float((base - e).abs().median()), floor)
        return Check(x, e, e - k * spread, e + k * spread, (x - e) / spread)
    f = _weekday_factors(hist)
    fw = f[base.index.day_of_week]
    level = float(np.median(base.to_numpy() / fw))
    c = max(1.0, 0.05 * level)
    resid = np.log((base.to_numpy() + c) / (level * fw + c))
    spread = max(1.4826 * float(np.median(np.abs(resid - np.median(resid)))), 0.05)
    e = level * f[day.day_of_week]
    z = math.log((x + c) / (e + c)) / spread
    low, high = max((e + c) * math.exp(-k * spread) - c, 0.0), (e + c) * math.exp(k * spread) - c
    return Check(x, e, low, high, z)


def _passes(ch: Check, direction: str, min_rel: float, min_abs: float, k: float = K) -> bool:
    diff = ch.value - ch.expected
    rel = diff / ch.expected if ch.expected else math.inf
    if direction == "drop":
        return ch.z < -k and -diff >= min_abs and -rel >= min_rel
    if direction == "spike":
        return ch.z > k and diff >= min_abs and rel >= min_rel
    return abs(ch.z) > k and abs(diff) >= min_abs and abs(rel) >= min_rel


@dataclass
class Context:
    """What every rule gets: the history's rows by table, the days to judge, the
    holidays ({day: name}), alerts already raised (keys) and the figures to remember."""

    rows: dict
    days: list
    holidays: dict
    already: set
    figures: list = field(default_factory=list)
    alerts: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    ongoing: list = field(default_factory=list)

    def add(self, a: Alert) -> bool:
        """File ``a``: a note on a holiday, "ongoing" when the same rule and subject
        alerted (or was ongoing) in the 7 days before (a lasting change is said once,
        and not again while it lasts), else an alert.
        Returns True when it became an alert."""
        if a.day in self.holidays:
            a.holiday = self.holidays[a.day]
            self.notes.append(a)
            return False
        recent = [k for k in self.already | {x.key for x in self.alerts + self.ongoing}
                  if k[0] == a.rule and k[1] == a.subject and a.day - pd.Timedelta(days=REPEAT) <= k[2] < a.day]
        if recent:
            self.ongoing.append(a)
            return False
        self.alerts.append(a)
        return True

    def judge(self, s: pd.Series, *, rule: str, area: str, subject: str, metric: str, direction: str,
              min_rel: float, min_abs: float, unit: str = "count", additive: bool = False, remember: bool = False,
              k: float = K, floor: float = 0.5) -> list[Alert]:
        """Judge the days to judge in ``s``; new alerts are added and returned."""
        if remember:
            self.figures.append((f"{area}:{metric}:{subject}", s))
        found = []
        recent = set(s.index[-RECENT:]) if len(s) else set()
        for day in self.days:
            if day not in recent or (rule, subject, day) in self.already:
                continue
            ch = departure(s, day, skip=set(self.holidays), k=k, additive=additive, floor=floor)
            if ch is None or not _passes(ch, direction, min_rel, min_abs, k):
                continue
            a = Alert(rule, area, subject, metric, day, ch.value, ch.expected, ch.low, ch.high, unit)
            if self.add(a):
                found.append(a)
        return found

    def on(self, rule: str) -> set:
        """Days on which ``rule`` raised an alert (this run or an earlier one)."""
        return {a.day for a in self.alerts if a.rule == rule} | {k[2] for k in self.already if k[0] == rule}


# -- own traffic ------------------------------------------------------------------------
def _web(ctx: Context) -> None:
    rows = ctx.rows.get("web_cube", pd.DataFrame())
    if rows.empty or "sessions" not in rows:
        return
    fill = covered_days(rows)
    total = daily(rows, "sessions", fill_days=fill)[""]
    ctx.judge(total, rule="tracking_gap", area="traffic", subject="", metric="sessions", direction="drop",
              min_rel=0.5, min_abs=50, remember=True)
    if "conversions" in rows:
        conv = daily(rows, "conversions", fill_days=fill)[""]
        ctx.figures.append(("traffic:conversions:", conv))
        for day in ctx.days:
            # key events gone while sessions are there: the conversion tag, not the site
            if day in conv.index and conv.loc[day] == 0 and day not in ctx.on("tracking_gap"):
                base = conv[(conv.index < day) & (conv.index >= day - pd.Timedelta(days=WINDOW))]
                if len(base) >= MIN_DAYS and base.median() >= 5 and ("tracking_gap", "conversions", day) not in ctx.already:
                    ctx.add(Alert("tracking_gap", "traffic", "conversions", "conversions", day, 0.0,
                                  float(base.median()), float(base.quantile(0.05)), float(base.quantile(0.95))))
        gaps = ctx.on("tracking_gap")
        s_by_day = total
        rate_days = [d for d in ctx.days if d not in gaps and d in conv.index and d in s_by_day.index]
        for day in rate_days[-RECENT:]:
            if ("conversion_rate", "", day) in ctx.already or day in ctx.holidays:
                continue
            base = [d for d in s_by_day.index if day - pd.Timedelta(days=WINDOW) <= d < day and d not in ctx.holidays]
            if len(base) < MIN_DAYS:
                continue
            cb, sb = float(conv.reindex(base).sum()), float(s_by_day.reindex(base).sum())
            c1, s1 = float(conv.loc[day]), float(s_by_day.loc[day])
            if sb <= 0 or s1 <= 0 or cb / sb * s1 < 10:
                continue
            t = compare_rate(int(round(c1)), int(round(s1)), int(round(cb)), int(round(sb)))
            if t.p_value < 1e-4 and abs(t.diff) / t.rate_b >= 0.4:
                rates = (conv.reindex(base) / s_by_day.reindex(base)).dropna()
                ctx.add(Alert("conversion_rate", "traffic", "", "conversion_rate", day, t.rate_a, t.rate_b,
                                        float(rates.quantile(0.05)), float(rates.quantile(0.95)), unit="rate"))
    skip_days = ctx.on("tracking_gap")
    for col, rule, min_abs in (("channel", "channel_drop", 30), ("landing_page", "landing_drop", 20)):
        if col not in rows:
            continue
        for subject, s in daily(rows, "sessions", by=col).items():
            if s.tail(WINDOW).mean() < 2 * min_abs:
                continue
            found = ctx.judge(s, rule=rule, area="traffic", subject=subject, metric="sessions", direction="drop",
                              min_rel=0.4, min_abs=min_abs, remember=col == "channel")
            for a in found:
                if a.day in skip_days:  # the whole site's gap already said it
                    ctx.alerts.remove(a)


def _organic_vs_console(ctx: Context) -> None:
    web, sc = ctx.rows.get("web_cube", pd.DataFrame()), ctx.rows.get("search_console", pd.DataFrame())
    if web.empty or sc.empty or "channel" not in web or "clicks" not in sc:
        return
    channels = daily(web, "sessions", by="channel")
    org = next((s for name, s in channels.items() if name.strip().casefold() in ORGANIC), None)
    if org is None:
        return
    clicks = daily(sc, "clicks")[""]
    both = pd.concat([org, clicks], axis=1, join="inner").dropna()
    both = both[both.iloc[:, 1] >= 50]
    ratio = both.iloc[:, 0] / both.iloc[:, 1]
    found = ctx.judge(ratio, rule="organic_vs_console", area="traffic", subject="", metric="sessions_per_click",
                      direction="both", min_rel=0.3, min_abs=0.2, unit="ratio", additive=True, floor=0.03)
    for a in found:
        if a.day in ctx.on("tracking_gap"):
            ctx.alerts.remove(a)
        else:  # the more telling diagnosis: not a fall of searches, a loss of measure
            for b in [b for b in ctx.alerts if b.rule == "channel_drop" and b.day == a.day
                      and b.subject.strip().casefold() in ORGANIC]:
                ctx.alerts.remove(b)


# -- SEO ----------------------------------------------------------------------------------
def _seo(ctx: Context) -> None:
    sc = ctx.rows.get("search_console", pd.DataFrame())
    if sc.empty or "clicks" not in sc:
        return
    total = daily(sc, "clicks")[""]
    ctx.judge(total, rule="seo_clicks", area="seo", subject="", metric="clicks", direction="drop",
              min_rel=0.3, min_abs=30, remember=True)
    r = latest_rows(sc)
    if "query" in r and "position" in r and "impressions" in r:
        q = breakdown_rows(r, "query")
        q = q[q["query"].notna() & (q["impressions"] > 0)].assign(pw=lambda d: d["position"] * d["impressions"])
        g = q.groupby(["query", "date"])[["pw", "impressions", "clicks"]].sum()
        for query in g.index.get_level_values(0).unique():
            t = g.loc[query]
            if t["clicks"].tail(WINDOW).sum() < 3 * WINDOW:  # queries that bring clicks: 3 a day or more
                continue
            pos = (t["pw"] / t["impressions"])[t["impressions"] >= 20]
            ctx.judge(pos, rule="position_drop", area="seo", subject=str(query), metric="position", direction="spike",
                      min_rel=0.25, min_abs=2.0, unit="position", additive=True, remember=True)
    if "page" in r:
        for page, s in daily(sc, "clicks", by="page").items():
            if s.tail(WINDOW).mean() < 20:
                continue
            ctx.judge(s, rule="page_clicks", area="seo", subject=page, metric="clicks", direction="drop",
                      min_rel=0.5, min_abs=20)


# -- competitors ----------------------------------------------------------------------------
def _trends(ctx: Context) -> None:
    tr = ctx.rows.get("trends", pd.DataFrame())
    if tr.empty or "interest" not in tr:
        return
    # Trends rescales every download (100 = the window's peak): a download is only
    # compared with itself, the latest one holding the new days.
    last = tr[tr["snapshot_id"] == tr["snapshot_id"].max()]
    last = last.assign(date=pd.to_datetime(last["date"]).dt.normalize())
    for term, t in last.groupby("term"):
        s = t.groupby("date")["interest"].sum().sort_index()
        if len(s) < 2 or (s.index[1] - s.index[0]).days != 1:
            continue  # weekly or monthly downloads: too coarse for a daily watch
        ctx.judge(s, rule="trends_surge", area="competitors", subject=str(term), metric="interest",
                  direction="spike", min_rel=0.5, min_abs=10, unit="index", remember=True)


def _rankings(ctx: Context) -> None:
    """Per domain and snapshot day: tracked keywords that moved 5 places or more into,
    out of or within the top 10 since the previous snapshot; an alert when 3 or more did."""
    rk = ctx.rows.get("rankings", pd.DataFrame())
    if rk.empty or not {"keyword", "position", "date", "domain"} <= set(rk.columns):
        return
    r = latest_rows(rk)
    wide = r.pivot_table(index=["domain", "keyword"], columns="date", values="position", aggfunc="min")
    dates = list(wide.columns)
    for i, day in enumerate(dates):
        if i == 0 or day not in ctx.days:
            continue
        before, now = wide[dates[i - 1]].fillna(101), wide[day].fillna(101)
        moved = ((before - now).abs() >= 5) & ((before <= 10) | (now <= 10))
        history = [int(((wide[dates[j - 1]].fillna(101) - wide[dates[j]].fillna(101)).abs() >= 5).sum())
                   for j in range(max(1, i - 4), i)]
        for dom in wide.index.get_level_values(0).unique():
            m = moved.loc[dom]
            if m.sum() < 3:
                continue
            kws = m[m].index
            moves = sorted(((before.loc[(dom, k)], now.loc[(dom, k)], k) for k in kws), key=lambda t: -abs(t[0] - t[1]))
            detail = "; ".join(f"{k}: {'>100' if a > 100 else int(a)} → {'>100' if b > 100 else int(b)}"
                               for a, b, k in moves[:5])
            ctx.add(Alert("rank_change", "competitors", str(dom), "keywords_moved", day, float(m.sum()),
                          float(np.mean(history)) if history else 0.0, float(min(history, default=0)),
                          float(max(history, default=0)), detail=detail))


def _auction(ctx: Context) -> None:
    """A domain never seen in Auction Insights with 10 % impression share or more, or a
    known one whose share moved 10 points from its mean of the last 4 periods."""
    ai = ctx.rows.get("auction_insights", pd.DataFrame())
    col = "period" if "period" in ai else "date"
    if ai.empty or "impression_share" not in ai or "domain" not in ai or col not in ai:
        return
    r = latest_rows(ai, col)
    dates = sorted(r["date"].unique())
    periods = {pd.Timestamp(d) for d in dates}
    judged = [d for d in periods if d in ctx.days or any(d <= x < d + pd.Timedelta(days=31) for x in ctx.days)]
    for day in sorted(judged):
        prev = [d for d in dates if d < day]
        if not prev or day != max(periods):
            continue
        now = r[r["date"] == day].groupby("domain")["impression_share"].mean()
        before = r[r["date"].isin(prev[-4:])].groupby("domain")["impression_share"].mean()
        seen = set(r[r["date"] < day]["domain"])
        for dom, share in now.items():
            if pd.isna(share) or str(dom).strip().lower() in ("you", "(you)", "vous", "(vous)", "your domain"):
                continue
            if dom not in seen and share >= 0.10 and ("auction_entrant", str(dom), day) not in ctx.already:
                ctx.add(Alert("auction_entrant", "competitors", str(dom), "impression_share", day,
                              float(share), 0.0, 0.0, 0.0, unit="rate"))
            elif dom in before and abs(share - before[dom]) >= 0.10 and ("auction_share", str(dom), day) not in ctx.already:
                ctx.add(Alert("auction_share", "competitors", str(dom), "impression_share", day,
                              float(share), float(before[dom]), float(before[dom]) - 0.05,
                              float(before[dom]) + 0.05, unit="rate"))


def _similarweb(ctx: Context) -> None:
    """A competitor's latest period of visits 30 % (and 1,000 visits) away from the mean
    of its three periods before."""
    sw = ctx.rows.get("competitors", pd.DataFrame())
    col = "period" if "period" in sw else "date"
    if sw.empty or not {"domain", "visits", col} <= set(sw.columns):
        return
    r = latest_rows(sw, col)
    for dom, t in r.groupby("domain"):
        s = t.groupby("date")["visits"].sum().sort_index()
        if len(s) < 4:
            continue
        day = s.index[-1]
        if not any(day <= x < day + pd.Timedelta(days=31) for x in ctx.days) or \
                ("similarweb_move", str(dom), day) in ctx.already:
            continue
        base = s.iloc[-4:-1]
        e = float(base.mean())
        if e > 0 and abs(s.iloc[-1] / e - 1) >= 0.3 and abs(s.iloc[-1] - e) >= 1000:
            ctx.add(Alert("similarweb_move", "competitors", str(dom), "visits", day, float(s.iloc[-1]), e,
                          float(base.min()), float(base.max())))


# -- paid ------------------------------------------------------------------------------------
def _paid(ctx: Context) -> None:
    ads = ctx.rows.get("ad_spend", pd.DataFrame())
    if ads.empty or "cost" not in ads:
        return
    terms = ads["search_term"].notna() if "search_term" in ads else pd.Series(False, index=ads.index)
    camp = ads[~terms]
    for col in ("keyword", "ad_group", "device", "age", "gender", "location", "landing_page"):
        if col in camp:  # breakdown reports: the campaign rows alone, counted once
            camp = camp[camp[col].isna()]
    if not camp.empty and "date" in camp:
        total = daily(camp, "cost")[""]
        spiked = []
        if "campaign" in camp:
            for name, s in daily(camp, "cost", by="campaign").items():
                if s.tail(WINDOW).mean() < 10:
                    continue
                spiked += ctx.judge(s, rule="spend_spike", area="paid", subject=name, metric="cost", direction="spike",
                                    min_rel=0.6, min_abs=50, unit="money")
        ctx.figures.append(("paid:cost:", total))
        found = ctx.judge(total, rule="spend_spike", area="paid", subject="", metric="cost", direction="spike",
                          min_rel=0.5, min_abs=100, unit="money")
        for a in found:
            if a.day in {b.day for b in spiked}:
                ctx.alerts.remove(a)
        if "conversions" in camp:
            _cpa(ctx, total, daily(camp, "conversions")[""])
    if terms.any():
        _wasted_terms(ctx, ads[terms], camp)


def _cpa(ctx: Context, cost: pd.Series, conv: pd.Series) -> None:
    """Conversions far below what the day's spend buys at the usual cost per
    conversion (Poisson, p < 0.001), with the CPA up 50 % or more."""
    cpa = (cost / conv.where(conv > 0)).dropna()
    ctx.figures.append(("paid:cpa:", cpa))
    recent = set(cost.index[-RECENT:])
    for day in ctx.days:
        if day not in recent or day not in conv.index or ("cpa_jump", "", day) in ctx.already:
            continue
        base = [d for d in cost.index if day - pd.Timedelta(days=WINDOW) <= d < day and d not in ctx.holidays]
        if len(base) < MIN_DAYS or conv.reindex(base).sum() <= 0:
            continue
        usual = float(cost.reindex(base).sum() / conv.reindex(base).sum())
        expected = float(cost.loc[day]) / usual
        got = float(conv.loc[day])
        if expected < 5:
            continue
        value = float(cost.loc[day]) / got if got else float("inf")
        if stats.poisson.cdf(got, expected) < 1e-3 and value >= 1.5 * usual:
            daily_cpa = cpa.reindex(base).dropna()
            ctx.add(Alert("cpa_jump", "paid", "", "cpa", day, value if got else float(cost.loc[day]), usual,
                          float(daily_cpa.quantile(0.05)), float(daily_cpa.quantile(0.95)), unit="money",
                          detail="" if got else "no conversion"))


def _wasted_terms(ctx: Context, terms: pd.DataFrame, camp: pd.DataFrame) -> None:
    """Search terms first seen in the last 14 days, never converting, that already cost
    one usual conversion (at least 20)."""
    t = terms.assign(first=pd.to_datetime(terms["_period_start"]), last=pd.to_datetime(terms["_period_end"]))
    t = t.drop_duplicates(["search_term", "campaign", "_period_start", "_period_end", "cost"])
    end = t["last"].max()
    spend, conv = float(t["cost"].sum()), float(t["conversions"].fillna(0).sum()) if "conversions" in t else 0.0
    usual_cpa = spend / conv if conv else 0.0
    threshold = max(20.0, usual_cpa)
    g = t.groupby("search_term").agg(first=("first", "min"), cost=("cost", "sum"),
                                     conv=("conversions", "sum") if "conversions" in t else ("cost", "size"))
    new = g[(g["first"] >= end - pd.Timedelta(days=13)) & (g["conv"] == 0) & (g["cost"] >= threshold)]
    seen_terms = {k[1] for k in ctx.already if k[0] == "wasted_terms"}
    for term, row in new.sort_values("cost", ascending=False).iterrows():
        if term in seen_terms or (len(g) == len(new)):  # a first download: every term is "new"
            continue
        ctx.add(Alert("wasted_terms", "paid", str(term), "cost", end, float(row["cost"]), 0.0, 0.0,
                                threshold, unit="money", detail=f"since {row['first'].date()}"))


RULES = {
    "tracking_gap": _web, "organic_vs_console": _organic_vs_console, "seo": _seo, "trends": _trends,
    "rankings": _rankings, "auction": _auction, "similarweb": _similarweb, "paid": _paid,
}


def evaluate(rows: dict, days: list, holidays: dict, already: set) -> Context:
    """Run every rule over the history ``rows`` ({table: frame}) for the ``days`` to
    judge; returns the context with ``alerts``, ``notes`` (holiday departures) and
    ``figures`` (the watched series)."""
    ctx = Context(rows, sorted(days), holidays, already)
    for rule in RULES.values():
        rule(ctx)
    ctx.alerts.sort(key=lambda a: (a.day, PRIORITY.index(a.rule) if a.rule in PRIORITY else 99))
    return ctx


PRIORITY = ["tracking_gap", "channel_drop", "seo_clicks", "position_drop", "trends_surge", "spend_spike", "cpa_jump",
            "wasted_terms", "conversion_rate", "landing_drop", "organic_vs_console", "page_clicks", "rank_change",
            "auction_entrant", "auction_share", "similarweb_move"]
