"""Competitor watch: who is gaining on us, on which channel and keywords, and what changed.

Every function takes canonical tables (``competitors``, ``rankings``,
``auction_insights``, ``trends``; read by :mod:`trafficlib.marketdata`) and parameters,
and returns a DataFrame. Rates are fractions; visits are Similarweb-style estimates
(our own row, from :func:`our_traffic`, is measured by analytics: the two are not the
same instrument, which the report says).

Families:

- market traffic: :func:`our_traffic`, :func:`combine_traffic`, :func:`traffic_share`,
  :func:`traffic_summary`, :func:`channel_mix`, :func:`engagement`;
- SEO visibility: :func:`ctr`, :data:`DEFAULT_CTR_CURVE`, :func:`share_of_voice`,
  :func:`keyword_gaps`, :func:`keyword_overlap`, :func:`rank_movers`,
  :func:`pages_won_lost`;
- paid search: :func:`auction_pressure`;
- brand interest: :func:`brand_interest`, :func:`brand_summary`;
- :func:`alerts`: ranked findings, one sentence each (fr/en);
- ``plot_*``: matplotlib figures in the house style.
"""
from __future__ import annotations

from collections import Counter
from typing import Mapping

import numpy as np
import pandas as pd
from babel.dates import format_date

from trafficlib import i18n, plots

__all__ = [
    "DEFAULT_CTR_CURVE", "DEFAULT_THRESHOLDS", "ctr", "describe_ctr_curve", "our_traffic",
    "combine_traffic", "select", "traffic_share", "traffic_summary", "channel_mix", "engagement",
    "share_of_voice", "keyword_gaps", "keyword_overlap", "rank_movers", "pages_won_lost",
    "cluster_of", "auction_pressure", "brand_interest", "brand_summary", "alerts",
    "plot_traffic_share", "plot_channel_mix", "plot_share_of_voice", "plot_rank_movers",
    "plot_auction_pressure", "plot_brand_interest", "CHANNELS", "Watch", "prepare", "describe_alert_rule",
]

#: Organic click-through rate by Google position: an approximation in the spirit of
#: Advanced Web Ranking's public CTR study (desktop + mobile, all intents): position 1
#: ≈ 28 %, 2 ≈ 15 %, 3 ≈ 10 %, ... 10 ≈ 2 %, a trickle on page 2 and nothing beyond 20.
#: Real curves vary with the SERP (ads, shopping units, brand queries): pass your own
#: as ``ctr_curve`` ({position: ctr}, a callable, or a Series).
DEFAULT_CTR_CURVE: dict[int, float] = {
    1: 0.28, 2: 0.15, 3: 0.10, 4: 0.07, 5: 0.05, 6: 0.04, 7: 0.03, 8: 0.025, 9: 0.022, 10: 0.02,
    11: 0.012, 12: 0.010, 13: 0.009, 14: 0.008, 15: 0.007, 16: 0.006, 17: 0.005, 18: 0.005,
    19: 0.004, 20: 0.004,
}

#: Alert thresholds: relative change since the previous period (both directions), robust
#: z-score against the usual period-to-period variation, minimum change in points for
#: rates, positions gained for a keyword to count as a jump, keywords for a cluster alert.
DEFAULT_THRESHOLDS: dict[str, float] = {
    "relative": 0.25, "z": 3.0, "min_points": 0.03, "rank_jump": 5, "min_keywords": 3,
    "trend_weeks": 4,
}

#: Similarweb channel buckets (the ``share_*`` columns) and their labels.
CHANNELS = {
    "direct": {"en": "Direct", "fr": "Direct"},
    "search": {"en": "Organic search", "fr": "Recherche naturelle"},
    "social": {"en": "Social", "fr": "Réseaux sociaux"},
    "referral": {"en": "Referrals", "fr": "Sites référents"},
    "paid": {"en": "Paid search", "fr": "Recherche payante"},
    "display": {"en": "Display", "fr": "Display"},
    "email": {"en": "Email", "fr": "E-mail"},
}
_CHANNEL_COLOR = {"direct": "Direct", "search": "Organic Search", "social": "Organic Social",
                  "referral": "Referral", "paid": "Paid Search", "display": "Display", "email": "Email"}
# GA4 default channel group -> Similarweb bucket
_GA4_TO_BUCKET = {
    "direct": "direct", "organic search": "search", "organic shopping": "search",
    "organic social": "social", "paid social": "social", "organic video": "social",
    "referral": "referral", "affiliates": "referral", "paid search": "paid",
    "paid shopping": "paid", "display": "display", "paid video": "display", "paid other": "display",
    "cross-network": "display", "email": "email", "unassigned": "direct",
}

_METRICS = {
    "visits": ("visits", "visites"),
    "impression_share": ("impression share", "taux d'impressions"),
    "position_above_rate": ("position above rate", "taux de position supérieure"),
    "overlap_rate": ("overlap rate", "taux de chevauchement"),
    "outranking_share": ("our outranking share", "notre taux de surclassement"),
    "share_of_voice": ("SEO share of voice", "part de voix SEO"),
    "brand_interest": ("brand search interest (seasonally adjusted)", "intérêt de recherche pour la marque (corrigé des saisons)"),
}


# ---------------------------------------------------------------------------- helpers
def _lang(lang: str) -> str:
    return i18n.check_lang(lang)


def ctr(positions, curve=None) -> np.ndarray:
    """Estimated organic CTR (fraction) for each position under ``curve``.

    ``curve`` is {position: ctr} (linear interpolation between points, 0 beyond the last
    one), a callable mapping an array of positions to CTRs, or a Series indexed by
    position; default :data:`DEFAULT_CTR_CURVE`. Missing positions give 0.
    """
    pos = np.asarray(positions, dtype="float64")
    if callable(curve):
        out = np.asarray(curve(pos), dtype="float64")
    else:
        c = pd.Series(DEFAULT_CTR_CURVE if curve is None else curve, dtype="float64").sort_index()
        xs, ys = c.index.to_numpy(dtype="float64"), c.to_numpy()
        out = np.interp(pos, xs, ys, left=ys[0], right=0.0)
        out = np.where(pos > xs[-1], 0.0, out)
    return np.where(np.isnan(pos), 0.0, out)


def describe_ctr_curve(curve=None, lang: str = "en") -> str:
    """One sentence stating the CTR curve used (for the report)."""
    if callable(curve):
        return i18n.text(lang, "Clicks are estimated with a custom position-to-CTR function.",
                         "Les clics sont estimés avec une fonction position → CTR personnalisée.")
    c = pd.Series(DEFAULT_CTR_CURVE if curve is None else curve).sort_index()
    pts = ", ".join(f"{int(p)}: {i18n.fmt_pct(v, lang, 1)}" for p, v in c.items() if p in (1, 2, 3, 5, 10, 20))
    last = int(c.index.max())
    if curve is None:
        return i18n.text(
            lang,
            f"Estimated clicks = search volume × CTR at the position, with a default CTR curve "
            f"approximating Advanced Web Ranking's public study (position {pts}; 0 beyond {last}). "
            "Real CTRs vary with the results page; treat shares of voice as an index.",
            f"Clics estimés = volume de recherche × CTR de la position, avec une courbe de CTR par "
            f"défaut qui approche l'étude publique d'Advanced Web Ranking (position {pts} ; 0 au-delà "
            f"de {last}). Les CTR réels dépendent de la page de résultats : lisez les parts de voix "
            "comme un indice.")
    return i18n.text(lang, f"Estimated clicks = search volume × CTR from the given curve (position {pts}; 0 beyond {last}).",
                     f"Clics estimés = volume × CTR selon la courbe fournie (position {pts} ; 0 au-delà de {last}).")


def select(frame: pd.DataFrame | None, domains=None, until=None, since=None, col: str | None = None):
    """Rows of ``frame`` for ``domains`` (None: all) and dates in [since, until]."""
    if frame is None:
        return None
    out = frame
    if domains is not None and "domain" in out.columns:
        out = out[out["domain"].isin(list(domains))]
    col = col or ("period" if "period" in out.columns else "date")
    if until is not None:
        out = out[out[col] <= pd.Timestamp(until)]
    if since is not None:
        out = out[out[col] >= pd.Timestamp(since)]
    return out.reset_index(drop=True)


def _month(d, lang: str) -> str:
    return format_date(pd.Timestamp(d).date(), "MMMM y", locale=i18n.locale(lang))


# ---------------------------------------------------------------------------- traffic
def our_traffic(sessions: pd.DataFrame, domain: str) -> pd.DataFrame:
    """Our monthly traffic from the canonical ``sessions`` table, shaped like the
    ``competitors`` table so we can be placed among the Similarweb estimates.

    Returns period (month start), domain, visits (sessions), pages_per_visit,
    avg_visit_duration_s, bounce_rate (GA4 definition: 1 − engaged sessions / sessions,
    when ``engaged`` is known) and share_* (GA4 default channel groups mapped to the
    Similarweb buckets: Organic Social and Paid Social -> social, Paid Search and Paid
    Shopping -> paid, Display/Paid Video/Paid Other -> display, Unassigned -> direct...).
    Partial months at either end are dropped when the data cover less than 25 days.
    """
    s = sessions.copy()
    s["period"] = s["start"].dt.to_period("M").dt.to_timestamp()
    g = s.groupby("period")
    out = pd.DataFrame({"visits": g.size().astype(float)})
    days = g["start"].agg(lambda x: x.dt.normalize().nunique())
    if "pageviews" in s:
        out["pages_per_visit"] = g["pageviews"].mean().astype(float)
    if "duration_s" in s and s["duration_s"].notna().any():
        out["avg_visit_duration_s"] = g["duration_s"].mean().astype(float)
    if "engaged" in s and s["engaged"].notna().any():
        out["bounce_rate"] = 1 - g["engaged"].mean().astype(float)
    if "channel" in s and s["channel"].notna().any():
        bucket = s["channel"].astype("string").str.lower().map(_GA4_TO_BUCKET).fillna("direct")
        mix = pd.crosstab(s["period"], bucket, normalize="index")
        for ch in CHANNELS:
            out[f"share_{ch}"] = mix[ch] if ch in mix else 0.0
    out = out[days >= 25].reset_index()
    out.insert(1, "domain", domain)
    out["source"] = "analytics"
    return out


def combine_traffic(competitors: pd.DataFrame | None, ours: pd.DataFrame | None = None) -> pd.DataFrame:
    """The competitors' estimates plus our own rows (which replace any estimate for our
    domain); a ``source`` column says which is which. Months not covered by every
    source of ``ours`` are kept; shares are computed per month on what is present."""
    parts = []
    if competitors is not None:
        c = competitors.copy()
        c["source"] = c.get("source", "similarweb") if "source" in c else "similarweb"
        if ours is not None and len(ours):
            c = c[~c["domain"].isin(ours["domain"].unique())]
        parts.append(c)
    if ours is not None:
        parts.append(ours)
    if not parts:
        raise ValueError("no traffic table")
    out = pd.concat(parts, ignore_index=True)
    if competitors is not None and ours is not None and len(ours):
        common = set(competitors["period"]) & set(ours["period"])
        out = out[out["period"].isin(common)] if common else out
    return out.sort_values(["period", "domain"]).reset_index(drop=True)


def traffic_share(traffic: pd.DataFrame) -> pd.DataFrame:
    """Visits and share of the visits of all listed domains, per period and domain.

    Returns period, domain, visits, share (fraction of the period's total), visits_change
    (relative change vs the previous period) and share_change (difference in share,
    fraction points).
    """
    t = traffic[["period", "domain", "visits"]].sort_values(["domain", "period"]).copy()
    t["share"] = t["visits"] / t.groupby("period")["visits"].transform("sum")
    t["visits_change"] = t.groupby("domain")["visits"].pct_change()
    t["share_change"] = t.groupby("domain")["share"].diff()
    return t.sort_values(["period", "visits"], ascending=[True, False]).reset_index(drop=True)


def traffic_summary(traffic: pd.DataFrame, period=None, trend_months: int = 6) -> pd.DataFrame:
    """One row per domain for ``period`` (default: the latest): visits, share, change vs
    the previous month, vs the same month a year earlier (when present), and ``trend``:
    the average monthly growth over the last ``trend_months`` months (log-linear fit,
    fraction per month). Sorted by visits."""
    ts = traffic_share(traffic)
    period = pd.Timestamp(period) if period is not None else ts["period"].max()
    rows = []
    for dom, g in ts[ts["period"] <= period].groupby("domain"):
        g = g.set_index("period").sort_index()
        if period not in g.index:
            continue
        last = g.loc[period]
        yoy = period - pd.DateOffset(years=1)
        recent = g.tail(trend_months)
        slope = np.nan
        if len(recent) >= 3:
            x = np.arange(len(recent))
            slope = float(np.exp(np.polyfit(x, np.log(recent["visits"].to_numpy()), 1)[0]) - 1)
        rows.append({"domain": dom, "visits": last["visits"], "share": last["share"],
                     "visits_change": last["visits_change"], "share_change": last["share_change"],
                     "yoy_change": last["visits"] / g.loc[yoy, "visits"] - 1 if yoy in g.index else np.nan,
                     "trend": slope})
    out = pd.DataFrame(rows).sort_values("visits", ascending=False).reset_index(drop=True)
    out.attrs["period"] = period
    return out


def channel_mix(traffic: pd.DataFrame, period=None) -> pd.DataFrame:
    """Traffic by channel per domain for ``period`` (default: latest): domain, channel
    (Similarweb bucket: direct, search, social, referral, paid, display, email), share
    (fraction of the domain's visits), visits (estimated), share_change (points vs the
    previous period)."""
    shares = [c for c in traffic.columns if c.startswith("share_") and traffic[c].notna().any()]
    period = pd.Timestamp(period) if period is not None else traffic["period"].max()
    t = traffic.sort_values("period")
    prev = t[t["period"] < period]["period"].max()
    long = t.melt(id_vars=["period", "domain", "visits"], value_vars=shares, var_name="channel", value_name="share")
    long["channel"] = long["channel"].str.removeprefix("share_")
    cur = long[long["period"] == period].copy()
    before = long[long["period"] == prev].set_index(["domain", "channel"])["share"]
    cur["visits"] = cur["visits"] * cur["share"]
    cur["share_change"] = cur["share"] - before.reindex(pd.MultiIndex.from_frame(cur[["domain", "channel"]])).to_numpy()
    return cur.drop(columns="period").reset_index(drop=True)


def engagement(traffic: pd.DataFrame, period=None) -> pd.DataFrame:
    """Engagement compared for ``period`` (default latest): domain, pages_per_visit,
    avg_visit_duration_s (seconds), bounce_rate, and their relative change vs the
    previous period (``*_change``). Note: our analytics bounce rate (GA4: not engaged)
    and Similarweb's (single-page visits) are not the same definition."""
    cols = [c for c in ("pages_per_visit", "avg_visit_duration_s", "bounce_rate") if c in traffic]
    period = pd.Timestamp(period) if period is not None else traffic["period"].max()
    t = traffic.sort_values("period")
    prev = t[t["period"] < period]["period"].max()
    cur = t[t["period"] == period].set_index("domain")[cols]
    before = t[t["period"] == prev].set_index("domain")[cols].reindex(cur.index)
    out = cur.copy()
    for c in cols:
        out[f"{c}_change"] = cur[c] / before[c] - 1
    return out.reset_index()


# ---------------------------------------------------------------------------- SEO visibility
def _with_clicks(rankings: pd.DataFrame, ctr_curve) -> pd.DataFrame:
    r = rankings.copy()
    vol = r["search_volume"] if "search_volume" in r and r["search_volume"].notna().any() else pd.Series(1.0, index=r.index)
    r["est_clicks"] = vol.fillna(0).to_numpy() * ctr(r["position"], ctr_curve)
    return r


def share_of_voice(rankings: pd.DataFrame, ctr_curve=None) -> pd.DataFrame:
    """SEO share of voice per date and domain, weighted by search volume.

    est_clicks = Σ over keywords of search volume × CTR(position) (``ctr_curve``, default
    :data:`DEFAULT_CTR_CURVE`); share_of_voice = a domain's est_clicks / the sum over all
    domains tracked that date. Without volumes every keyword weighs 1. Returns date,
    domain, est_clicks (clicks/month), share_of_voice (fraction), keywords (ranked in the
    top 100), top3, top10, avg_position.
    """
    r = _with_clicks(rankings, ctr_curve)
    g = r.groupby(["date", "domain"])
    out = pd.DataFrame({
        "est_clicks": g["est_clicks"].sum(),
        "keywords": g.size(),
        "top3": g["position"].agg(lambda p: int((p <= 3).sum())),
        "top10": g["position"].agg(lambda p: int((p <= 10).sum())),
        "avg_position": g["position"].mean(),
    }).reset_index()
    total = out.groupby("date")["est_clicks"].transform("sum")
    out.insert(3, "share_of_voice", np.where(total > 0, out["est_clicks"] / total.replace(0, np.nan), np.nan))
    return out.sort_values(["date", "share_of_voice"], ascending=[True, False]).reset_index(drop=True)


def _at(rankings: pd.DataFrame, date) -> pd.DataFrame:
    d = pd.Timestamp(date) if date is not None else rankings["date"].max()
    return rankings[rankings["date"] == d]


def keyword_gaps(rankings: pd.DataFrame, our_domain: str, date=None, max_position: int = 20,
                 ctr_curve=None) -> pd.DataFrame:
    """Keywords where at least one competitor is in the top ``max_position`` and we are
    not (absent, or ranked below ``max_position``), at ``date`` (default: latest).

    Returns keyword, search_volume, best_domain, best_position, competitors (how many
    rank in the top ``max_position``), our_position (NaN if not ranked) and opportunity
    (search volume × CTR of the best competitor's position: clicks/month at stake),
    largest opportunity first.
    """
    r = _with_clicks(_at(rankings, date), ctr_curve)
    ours = r[r["domain"] == our_domain].set_index("keyword")["position"]
    them = r[(r["domain"] != our_domain) & (r["position"] <= max_position)]
    if them.empty:
        return pd.DataFrame(columns=["keyword", "search_volume", "best_domain", "best_position",
                                     "competitors", "our_position", "opportunity"])
    best = them.sort_values("position").groupby("keyword").first()
    out = pd.DataFrame({
        "keyword": best.index, "search_volume": best["search_volume"].to_numpy(),
        "best_domain": best["domain"].to_numpy(), "best_position": best["position"].to_numpy(),
        "competitors": them.groupby("keyword").size().reindex(best.index).to_numpy(),
        "our_position": ours.reindex(best.index).to_numpy(),
        "opportunity": best["est_clicks"].to_numpy(),
    })
    out = out[out["our_position"].isna() | (out["our_position"] > max_position)]
    return out.sort_values(["opportunity", "keyword"], ascending=[False, True]).reset_index(drop=True)


def keyword_overlap(rankings: pd.DataFrame, our_domain: str, date=None, max_position: int = 20) -> pd.DataFrame:
    """Per competitor at ``date``: keywords both of us rank on in the top
    ``max_position`` (shared), theirs only, ours only, overlap (shared / our keywords),
    they_outrank (shared keywords where they are above us) and outrank_rate."""
    r = _at(rankings, date)
    r = r[r["position"] <= max_position]
    ours = r[r["domain"] == our_domain].set_index("keyword")["position"]
    rows = []
    for dom, g in r[r["domain"] != our_domain].groupby("domain"):
        theirs = g.set_index("keyword")["position"]
        shared = theirs.index.intersection(ours.index)
        above = int((theirs[shared] < ours[shared]).sum())
        rows.append({"domain": dom, "shared": len(shared), "theirs_only": len(theirs.index.difference(ours.index)),
                     "ours_only": len(ours.index.difference(theirs.index)),
                     "overlap": len(shared) / len(ours) if len(ours) else np.nan,
                     "they_outrank": above, "outrank_rate": above / len(shared) if len(shared) else np.nan})
    return pd.DataFrame(rows).sort_values("shared", ascending=False).reset_index(drop=True)


def _two_dates(rankings: pd.DataFrame, start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    dates = np.sort(rankings["date"].unique())
    end = pd.Timestamp(end) if end is not None else pd.Timestamp(dates[-1])
    before = dates[dates < np.datetime64(end)]
    if start is None:
        if len(before) == 0:
            raise ValueError("rank movers need two dates")
        start = pd.Timestamp(before[-1])
    return pd.Timestamp(start), end


def rank_movers(rankings: pd.DataFrame, start=None, end=None, domains=None, n: int | None = 10,
                unranked: int = 101, ctr_curve=None) -> pd.DataFrame:
    """Biggest position changes between ``start`` and ``end`` (default: the last two
    snapshots), per domain and keyword.

    A keyword absent on one date counts as position ``unranked`` (101). Returns domain,
    keyword, search_volume, position_before, position_after (NaN when absent), change
    (positions gained: before − after, positive = better), clicks_change (estimated
    clicks/month) and direction ("up"/"down"). With ``n``, the ``n`` largest gains and
    ``n`` largest losses per domain; sorted by change.
    """
    start, end = _two_dates(rankings, start, end)
    r = rankings if domains is None else rankings[rankings["domain"].isin(list(domains))]
    a = r[r["date"] == start].set_index(["domain", "keyword"])
    b = r[r["date"] == end].set_index(["domain", "keyword"])
    idx = a.index.union(b.index)
    vol = pd.concat([a["search_volume"], b["search_volume"]]).groupby(level=[0, 1]).last().reindex(idx)
    out = pd.DataFrame({"search_volume": vol.to_numpy(),
                        "position_before": a["position"].reindex(idx).to_numpy(),
                        "position_after": b["position"].reindex(idx).to_numpy(),
                        "url_after": b["url"].reindex(idx).to_numpy() if "url" in b else pd.NA},
                       index=idx).reset_index()
    pb = out["position_before"].fillna(unranked)
    pa = out["position_after"].fillna(unranked)
    out["change"] = pb - pa
    v = out["search_volume"].fillna(0).to_numpy()
    out["clicks_change"] = v * (ctr(pa.where(pa < unranked), ctr_curve) - ctr(pb.where(pb < unranked), ctr_curve))
    out = out[out["change"] != 0]
    out["direction"] = np.where(out["change"] > 0, "up", "down")
    if n is not None:
        up = out[out["change"] > 0].sort_values(["change", "clicks_change"], ascending=False).groupby("domain").head(n)
        down = out[out["change"] < 0].sort_values(["change", "clicks_change"]).groupby("domain").head(n)
        out = pd.concat([up, down])
    out = out.sort_values(["change", "clicks_change"], ascending=False).reset_index(drop=True)
    out.attrs.update(start=start, end=end)
    return out


def pages_won_lost(rankings: pd.DataFrame, start=None, end=None, domains=None, n: int | None = 10,
                   ctr_curve=None) -> pd.DataFrame:
    """Pages (URLs) whose estimated organic clicks changed most between ``start`` and
    ``end`` (default: the last two snapshots). Returns domain, url, keywords_before,
    keywords_after, clicks_before, clicks_after (clicks/month), clicks_change, status
    ("won"/"lost"); ``n`` largest wins and losses overall."""
    start, end = _two_dates(rankings, start, end)
    r = _with_clicks(rankings if domains is None else rankings[rankings["domain"].isin(list(domains))], ctr_curve)
    r = r[r["url"].notna()]
    g = lambda d: r[r["date"] == d].groupby(["domain", "url"]).agg(keywords=("keyword", "size"), clicks=("est_clicks", "sum"))
    a, b = g(start), g(end)
    out = a.merge(b, how="outer", left_index=True, right_index=True, suffixes=("_before", "_after")).fillna(0).reset_index()
    out["clicks_change"] = out["clicks_after"] - out["clicks_before"]
    out = out[out["clicks_change"] != 0]
    out["status"] = np.where(out["clicks_change"] > 0, "won", "lost")
    if n is not None:
        out = pd.concat([out.nlargest(n, "clicks_change"), out.nsmallest(n, "clicks_change")]).drop_duplicates()
    out = out.sort_values("clicks_change", ascending=False).reset_index(drop=True)
    out.attrs.update(start=start, end=end)
    return out[["domain", "url", "keywords_before", "keywords_after", "clicks_before", "clicks_after",
                "clicks_change", "status"]]


def cluster_of(keywords, min_share: float = 0.5) -> str:
    """A name for a group of keywords: the most common two-word prefix when it covers at
    least ``min_share`` of them, else the most common first word."""
    kws = [str(k).split() for k in keywords]
    if not kws:
        return ""
    two = Counter(" ".join(k[:2]) for k in kws if len(k) >= 2)
    if two:
        name, cnt = two.most_common(1)[0]
        if cnt >= min_share * len(kws):
            return name
    return Counter(k[0] for k in kws if k).most_common(1)[0][0]


# ---------------------------------------------------------------------------- paid search
def auction_pressure(auction: pd.DataFrame, our_domain: str, period=None, trend_periods: int = 3) -> pd.DataFrame:
    """Who appears with us in Google Ads auctions and who outranks us, at ``period``
    (default: latest), one row per domain (ours included for its impression share).

    Returns domain, impression_share, impression_share_change (points vs the previous
    period), impression_share_trend (average change in points per period over the last
    ``trend_periods``), overlap_rate (how often they showed when we did),
    position_above_rate (how often they were above us), top_of_page_rate,
    abs_top_of_page_rate, outranking_share (how often we ranked above them or showed when
    they did not) and censored. Sorted by position_above_rate then impression share.
    """
    a = auction.sort_values("period")
    period = pd.Timestamp(period) if period is not None else a["period"].max()
    a = a[a["period"] <= period]
    rows = []
    for dom, g in a.groupby("domain"):
        g = g.set_index("period")
        if period not in g.index:
            continue
        cur = g.loc[period]
        prev = g[g.index < period]
        recent = g["impression_share"].tail(trend_periods + 1)
        rows.append({
            "domain": dom, "impression_share": cur["impression_share"],
            "impression_share_change": cur["impression_share"] - prev["impression_share"].iloc[-1] if len(prev) else np.nan,
            "impression_share_trend": recent.diff().mean() if len(recent) > 1 else np.nan,
            **{c: cur.get(c, np.nan) for c in ("overlap_rate", "position_above_rate", "top_of_page_rate",
                                               "abs_top_of_page_rate", "outranking_share")},
            "censored": cur.get("censored", ""),
        })
    out = pd.DataFrame(rows)
    out["_us"] = out["domain"] == our_domain
    out = out.sort_values(["_us", "position_above_rate", "impression_share"], ascending=[False, False, False])
    return out.drop(columns="_us").reset_index(drop=True)


# ---------------------------------------------------------------------------- brand interest
def brand_interest(trends: pd.DataFrame, period: int = 52) -> pd.DataFrame:
    """Brand search interest with its seasonality, per term.

    With at least two full cycles (``2 × period`` points; 52 for weekly data) the series is
    decomposed by STL (statsmodels, robust) into trend + seasonal + residual; otherwise
    the seasonal part is 0 and the trend a centred rolling mean (``attrs["method"]`` says
    which). Returns date, term, interest (0-100, relative to the highest point of the
    terms of the same export), trend, seasonal, resid, adjusted (interest − seasonal).
    """
    from statsmodels.tsa.seasonal import STL

    parts, methods = [], {}
    for term, g in trends.sort_values("date").groupby("term"):
        y = g.set_index("date")["interest"].astype(float)
        if len(y) >= 2 * period and y.notna().all():
            res = STL(y.to_numpy(), period=period, robust=True).fit()
            trend, seas, resid = res.trend, res.seasonal, res.resid
            methods[term] = "stl"
        else:
            trend = y.rolling(min(len(y), 9), center=True, min_periods=1).mean().to_numpy()
            seas = np.zeros(len(y))
            resid = y.to_numpy() - trend
            methods[term] = "rolling mean (too short for seasonality)"
        parts.append(pd.DataFrame({"date": y.index, "term": term, "interest": y.to_numpy(),
                                   "trend": trend, "seasonal": seas, "resid": resid,
                                   "adjusted": y.to_numpy() - seas}))
    out = pd.concat(parts, ignore_index=True)
    out.attrs["method"] = methods
    return out


def brand_summary(decomposed: pd.DataFrame, weeks: int = 4) -> pd.DataFrame:
    """Per term: recent (mean interest over the last ``weeks`` points), previous (the
    ``weeks`` before), change, adjusted_change (same on seasonally adjusted values),
    yoy_change (vs the same weeks a year earlier, when present), peak_month (1-12, the
    month where the seasonal component is highest, NaN without seasonality)."""
    rows = []
    for term, g in decomposed.sort_values("date").groupby("term"):
        last, prev = g.tail(weeks), g.iloc[-2 * weeks:-weeks]
        yr = g[(g["date"] >= last["date"].min() - pd.Timedelta(days=364 + 3)) &
               (g["date"] <= last["date"].max() - pd.Timedelta(days=364 - 3))]
        seas = g.groupby(g["date"].dt.month)["seasonal"].mean()
        rows.append({"term": term, "recent": last["interest"].mean(), "previous": prev["interest"].mean(),
                     "change": last["interest"].mean() / prev["interest"].mean() - 1,
                     "adjusted_change": last["adjusted"].mean() / prev["adjusted"].mean() - 1,
                     "yoy_change": last["interest"].mean() / yr["interest"].mean() - 1 if len(yr) else np.nan,
                     "peak_month": int(seas.idxmax()) if seas.abs().max() > 0 else np.nan})
    return pd.DataFrame(rows).sort_values("recent", ascending=False).reset_index(drop=True)


# ---------------------------------------------------------------------------- alerts
def _robust_stats(values: pd.Series, window: int = 1, kind: str = "count"):
    """Change of the last ``window``-mean vs the previous window, with a robust z-score
    against the history of the same changes. Returns dict or None."""
    v = values.astype(float)
    if window > 1:
        v = v.rolling(window).mean()
    if kind == "rate":
        v = v.clip(lower=1e-3)
    prev = v.shift(window)
    ok = (v > 0) & (prev > 0)
    d = np.log(v / prev).where(ok)
    if pd.isna(d.iloc[-1]):
        return None
    hist = d.iloc[:-window].dropna() if window > 1 else d.iloc[:-1].dropna()
    usual = np.nan
    z = np.nan
    if len(hist) >= 4:
        med = float(hist.median())
        mad = 1.4826 * float((hist - med).abs().median())
        scale = max(mad, 0.05)  # a floor: synthetic or very smooth series would give z = inf
        z = (float(d.iloc[-1]) - med) / scale
        usual = float(np.exp(mad) - 1)
    return {"value": float(v.iloc[-1]), "previous": float(prev.iloc[-1]),
            "change": float(v.iloc[-1] / prev.iloc[-1] - 1), "z": z, "usual": usual,
            "period": v.index[-1]}


def _severity(change: float, z: float, th: Mapping) -> tuple[str, float]:
    r = abs(change) / th["relative"]
    zz = abs(z) / th["z"] if not np.isnan(z) else 1.0
    score = min(r, 6) * min(zz, 6)
    sev = "high" if (r >= 2 and zz >= 1.5) else ("medium" if (r >= 1.5 or zz >= 1.5) else "low")
    return sev, score


def alerts(our_domain: str, traffic: pd.DataFrame | None = None, rankings: pd.DataFrame | None = None,
           auction: pd.DataFrame | None = None, trends: pd.DataFrame | None = None,
           thresholds: Mapping | None = None, lang: str = "en", ctr_curve=None,
           brand_terms: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Ranked findings on what changed since the previous period, one sentence each.

    A series fires when its change since the previous period is beyond
    ``thresholds["relative"]`` (both directions) **and** outside the usual variation: a
    robust z-score of the log change against the series' earlier period-to-period log
    changes (median and 1.4826 × MAD, floored at 5 %) of at least ``thresholds["z"]``;
    with fewer than 4 earlier changes only a change of twice the threshold fires. Rates
    also need ``min_points`` of absolute change; censored auction values never fire.

    Series checked: monthly visits and visits per channel (traffic), weekly SEO share of
    voice and keyword-cluster jumps (≥ ``min_keywords`` keywords gaining ≥ ``rank_jump``
    positions into the top 10), monthly auction impression share, position-above rate,
    overlap rate and our outranking share, and brand interest (seasonally adjusted, mean
    of the last ``trend_weeks`` weeks vs the previous ones).

    Returns severity (high/medium/low), title (the sentence in ``lang``), detail, source,
    domain, metric, period, previous, value, change (relative), z, usual_change and
    threat (True when it is bad news for us: a competitor up, or us down), most severe
    first.
    """
    th = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    lang = _lang(lang)
    rows: list[dict] = []

    def consider(source, domain, metric, series, kind="count", window=1, label=None, when=None):
        st = _robust_stats(series, window, kind)
        if st is None:
            return
        ch, z = st["change"], st["z"]
        big = abs(ch) >= th["relative"]
        unusual = (abs(z) >= th["z"]) if not np.isnan(z) else abs(ch) >= 2 * th["relative"]
        if kind == "rate" and abs(st["value"] - st["previous"]) < th["min_points"]:
            return
        if not (big and unusual):
            return
        sev, score = _severity(ch, z, th)
        en_l, fr_l = label or _METRICS.get(metric, (metric, metric))
        fmtv = (lambda x: i18n.fmt_pct(x, lang)) if kind == "rate" else (lambda x: i18n.fmt_int(x, lang))
        per = when(st["period"]) if when else i18n.text(lang, "in ", "en ") + _month(st["period"], lang)
        usual = (i18n.text(lang, f" (usual variation ±{i18n.fmt_pct(st['usual'], lang, 0)})",
                           f" (variation habituelle ±{i18n.fmt_pct(st['usual'], lang, 0)})")
                 if not np.isnan(st["usual"]) else "")
        title = i18n.text(
            lang,
            f"{domain}: {en_l} {i18n.fmt_delta(ch, lang, 0)} {per} vs the previous period "
            f"({fmtv(st['previous'])} → {fmtv(st['value'])}){usual}.",
            f"{domain} : {fr_l} {i18n.fmt_delta(ch, lang, 0)} {per} par rapport à la période "
            f"précédente ({fmtv(st['previous'])} → {fmtv(st['value'])}){usual}.")
        threat = (ch > 0) != (domain == our_domain)
        if metric == "outranking_share":
            threat = ch < 0
        rows.append({"severity": sev, "title": title, "detail": None, "source": source, "domain": domain,
                     "metric": metric, "period": st["period"], "previous": st["previous"],
                     "value": st["value"], "change": ch, "z": z, "usual_change": st["usual"],
                     "threat": bool(threat), "_score": score})

    if traffic is not None and len(traffic):
        for dom, g in traffic.sort_values("period").groupby("domain"):
            g = g.set_index("period")
            consider("traffic", dom, "visits", g["visits"])
            for ch in CHANNELS:
                col = f"share_{ch}"
                if col in g and g[col].notna().all() and g[col].iloc[-1] >= 0.05:
                    consider("traffic", dom, f"visits_{ch}", g["visits"] * g[col],
                             label=(f"{CHANNELS[ch]['en'].lower()} visits", f"visites {CHANNELS[ch]['fr'].lower()}"))

    week = lambda d: i18n.text(lang, f"in the week of {i18n.fmt_date(d, lang, long=True)}",
                               f"la semaine du {i18n.fmt_date(d, lang, long=True)}")
    if rankings is not None and len(rankings):
        sov = share_of_voice(rankings, ctr_curve)
        for dom, g in sov.groupby("domain"):
            s = g.set_index("date")["share_of_voice"].reindex(sorted(sov["date"].unique())).fillna(0)
            consider("rankings", dom, "share_of_voice", s, kind="rate", when=week)
        if rankings["date"].nunique() >= 2:
            mv = rank_movers(rankings, n=None, ctr_curve=ctr_curve)
            jumps = mv[(mv["change"] >= th["rank_jump"]) & (mv["position_after"] <= 10)]
            for dom, g in jumps.groupby("domain"):
                if len(g) < th["min_keywords"]:
                    continue
                name = cluster_of(g["keyword"])
                clicks = float(g["clicks_change"].sum())
                threat = dom != our_domain
                r = len(g) / th["min_keywords"]
                sev = "high" if r >= 3 else ("medium" if r >= 2 else "low")
                title = i18n.text(
                    lang,
                    f"{dom}: {len(g)} keywords jumped into the top 10 {week(mv.attrs['end'])}, mostly "
                    f"\"{name}\" (≈ {i18n.fmt_int(clicks, lang)} estimated clicks/month).",
                    f"{dom} : {len(g)} mots-clés entrés dans le top 10 {week(mv.attrs['end'])}, surtout "
                    f"« {name} » (≈ {i18n.fmt_int(clicks, lang)} clics estimés/mois).")
                detail = ", ".join(f"{k} ({int(a) if pd.notna(a) else '>100'} → {int(b)})" for k, a, b in
                                   g.sort_values("clicks_change", ascending=False)[["keyword", "position_before", "position_after"]]
                                   .head(6).itertuples(index=False))
                rows.append({"severity": sev, "title": title, "detail": detail, "source": "rankings",
                             "domain": dom, "metric": "keyword_jumps", "period": mv.attrs["end"],
                             "previous": np.nan, "value": float(len(g)), "change": np.nan, "z": np.nan,
                             "usual_change": np.nan, "threat": threat, "_score": 4.0 * min(r, 6) / 2})

    if auction is not None and len(auction):
        a = auction.sort_values("period")
        for dom, g in a.groupby("domain"):
            g = g.set_index("period")
            cens = g.get("censored", pd.Series("", index=g.index)).fillna("")
            for metric in ("impression_share", "position_above_rate", "overlap_rate", "outranking_share"):
                if metric not in g or g[metric].isna().all():
                    continue
                if cens.tail(2).str.contains(metric).any():
                    continue  # "< 10 %": a bound, not a value
                consider("auction_insights", dom, metric, g[metric], kind="rate")

    if trends is not None and len(trends):
        dec = brand_interest(trends)
        terms = _brand_terms(dec["term"].unique(), traffic, rankings, auction, our_domain)
        terms.update({v: k for k, v in (brand_terms or {}).items()})
        for term, g in dec.groupby("term"):
            s = g.set_index("date")["adjusted"].clip(lower=0.5)
            consider("trends", terms.get(term, term), "brand_interest", s, window=int(th["trend_weeks"]),
                     when=lambda d: i18n.text(lang, f"over the {int(th['trend_weeks'])} weeks to {i18n.fmt_date(d, lang, long=True)}",
                                              f"sur les {int(th['trend_weeks'])} semaines au {i18n.fmt_date(d, lang, long=True)}"))

    cols = ["severity", "title", "detail", "source", "domain", "metric", "period", "previous", "value",
            "change", "z", "usual_change", "threat"]
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame(rows)
    # "on which channel": keep a channel alert only when the channel moved differently
    # from the domain's total (else the total says it all).
    total = out[out["metric"] == "visits"].set_index("domain")["change"]
    chan = out["metric"].str.startswith("visits_")
    same = chan & (out["change"] - out["domain"].map(total)).abs().lt(th["relative"])
    out = out[~same.fillna(False)]
    out["_sev"] = out["severity"].map({"high": 0, "medium": 1, "low": 2})
    out = out.sort_values(["_sev", "threat", "_score"], ascending=[True, False, False])
    return out[cols].reset_index(drop=True)


def _brand_terms(terms, *tables_and_ours) -> dict:
    """Map Trends terms to domains when a domain reads as the term ("deco-rivale.fr" ->
    "deco rivale")."""
    *tables, ours = tables_and_ours
    domains = {ours}
    for t in tables:
        if t is not None and "domain" in t:
            domains |= set(t["domain"].dropna().unique())
    key = lambda d: " ".join(str(d).lower().rsplit(".", 1)[0].replace("-", " ").replace(".", " ").split())
    by_key = {key(d): d for d in domains}
    return {t: by_key[" ".join(str(t).lower().split())] for t in terms if " ".join(str(t).lower().split()) in by_key}


# ---------------------------------------------------------------------------- plots
def _domain_colors(domains, our_domain=None):
    pal = ["#e8702a", "#2e8b57", "#8e44ad", "#c0392b", "#17a2b8", "#8d6e63", "#d0508a", "#6c757d"]
    others = [d for d in sorted(domains) if d != our_domain]
    colors = {d: pal[i % len(pal)] for i, d in enumerate(others)}
    if our_domain is not None:
        colors[our_domain] = plots.ACCENT
    return colors


def _lines(frame, x, y, hue, title, lang, kind, our_domain=None):
    fig, ax = plots.new_figure()
    colors = _domain_colors(frame[hue].unique(), our_domain)
    for dom, g in frame.sort_values(x).groupby(hue):
        ax.plot(g[x], g[y], label=dom, color=colors[dom], linewidth=2.6 if dom == our_domain else 1.6)
    ax.set_title(title)
    ax.set_xlabel("")
    ax.set_ylabel("")
    {"pct": plots.pct_axis, "int": plots.count_axis}.get(kind, plots.count_axis)(ax, lang)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.autofmt_xdate()
    return fig


def plot_traffic_share(shares: pd.DataFrame, lang: str = "en", our_domain: str | None = None):
    """Lines of each domain's share of visits over time (from :func:`traffic_share`)."""
    return _lines(shares, "period", "share", "domain",
                  i18n.text(lang, "Share of visits among the domains watched", "Part des visites parmi les domaines suivis"),
                  lang, "pct", our_domain)


def plot_channel_mix(mix: pd.DataFrame, lang: str = "en", our_domain: str | None = None):
    """Stacked horizontal bars: each domain's traffic split by channel (from :func:`channel_mix`)."""
    wide = mix.pivot_table(index="domain", columns="channel", values="share", aggfunc="sum").fillna(0)
    wide = wide[[c for c in CHANNELS if c in wide.columns]]
    fig, ax = plots.new_figure(height=max(2.5, 0.5 * len(wide) + 1.2))
    left = np.zeros(len(wide))
    for ch in wide.columns:
        ax.barh(wide.index, wide[ch], left=left, color=plots.color_for(_CHANNEL_COLOR[ch]), label=CHANNELS[ch][lang])
        left += wide[ch].to_numpy()
    ax.set_title(i18n.text(lang, "Channel mix", "Répartition par canal"))
    ax.grid(axis="y", visible=False)
    plots.pct_axis(ax, lang, axis="x")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if our_domain in wide.index:
        for t in ax.get_yticklabels():
            if t.get_text() == our_domain:
                t.set_fontweight("bold")
    return fig


def plot_share_of_voice(sov: pd.DataFrame, lang: str = "en", our_domain: str | None = None):
    """Lines of SEO share of voice per domain over time (from :func:`share_of_voice`)."""
    return _lines(sov, "date", "share_of_voice", "domain",
                  i18n.text(lang, "SEO share of voice (volume × CTR)", "Part de voix SEO (volume × CTR)"),
                  lang, "pct", our_domain)


def plot_rank_movers(movers: pd.DataFrame, lang: str = "en", n: int = 15):
    """Horizontal bars of the largest position changes (from :func:`rank_movers`)."""
    m = movers.reindex(movers["change"].abs().sort_values(ascending=False).index).head(n)
    s = pd.Series(m["change"].to_numpy(), index=[f"{k} · {d}" for k, d in zip(m["keyword"], m["domain"])])
    s = s.sort_values()
    fig, ax = plots.new_figure(height=max(2.5, 0.32 * len(s) + 1))
    ax.barh(s.index, s.to_numpy(), color=[plots.GOOD if v > 0 else plots.BAD for v in s])
    ax.set_title(i18n.text(lang, "Biggest rank moves (positions gained)", "Plus fortes variations de position (places gagnées)"))
    ax.grid(axis="y", visible=False)
    plots.count_axis(ax, lang, axis="x")
    return fig


def plot_auction_pressure(auction: pd.DataFrame, lang: str = "en", our_domain: str | None = None,
                          metric: str = "impression_share"):
    """Lines of an auction-insights rate (default impression share) per domain over time."""
    en, fr = _METRICS.get(metric, (metric, metric))
    return _lines(auction.dropna(subset=[metric]), "period", metric, "domain",
                  i18n.text(lang, f"Google Ads {en}", f"Google Ads : {fr}"), lang, "pct", our_domain)


def plot_brand_interest(decomposed: pd.DataFrame, lang: str = "en", last_weeks: int | None = 104,
                        our_term: str | None = None):
    """Brand interest per term: weekly values (thin) and STL trend (thick)."""
    d = decomposed
    if last_weeks:
        d = d[d["date"] >= d["date"].max() - pd.Timedelta(weeks=last_weeks)]
    fig, ax = plots.new_figure()
    colors = _domain_colors(d["term"].unique(), our_term)
    for term, g in d.groupby("term"):
        ax.plot(g["date"], g["interest"], color=colors[term], alpha=0.35, linewidth=1)
        ax.plot(g["date"], g["trend"], color=colors[term], linewidth=2.4 if term == our_term else 1.8, label=term)
    ax.set_title(i18n.text(lang, "Brand search interest (Google Trends, 0-100) and trend",
                           "Intérêt de recherche des marques (Google Trends, 0-100) et tendance"))
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.autofmt_xdate()
    return fig


# ---------------------------------------------------------------------------- one call for the notebook
class Watch:
    """The tables of one competitor watch, filtered to the domains and period asked.

    Attributes: our_domain, domains, period_end, traffic (competitors' estimates + our
    analytics rows, or None), rankings, auction, trends (None when absent).
    """

    def __init__(self, our_domain, domains, period_end, traffic, rankings, auction, trends):
        self.our_domain, self.domains, self.period_end = our_domain, domains, period_end
        self.traffic, self.rankings, self.auction, self.trends = traffic, rankings, auction, trends

    def alerts(self, thresholds=None, lang="en", ctr_curve=None) -> pd.DataFrame:
        """:func:`alerts` on these tables."""
        return alerts(self.our_domain, self.traffic, self.rankings, self.auction, self.trends,
                      thresholds=thresholds, lang=lang, ctr_curve=ctr_curve)


def prepare(market, competitors=None, period_end=None) -> Watch:
    """Build a :class:`Watch` from a :class:`trafficlib.marketdata.MarketData`: keep our
    domain and ``competitors`` (None: every domain found), data up to ``period_end``
    (None: all), and add our own monthly traffic from the sessions table when present."""
    ours = market.our_domain
    domains = None if not competitors else [ours, *[c for c in competitors if c != ours]]
    end = pd.Timestamp(period_end) if period_end else None
    own = our_traffic(market.sessions, ours) if market.sessions is not None else None
    traffic = None
    if market.competitors is not None or own is not None:
        traffic = select(combine_traffic(market.competitors, own), domains, end)
    auction = market.auction_insights
    if auction is not None and domains is not None:
        auction = auction[auction["domain"].isin(domains) | (auction["domain"] == "(you)")]
    trends = select(market.trends, None, end)
    return Watch(ours, domains, end, traffic, select(market.rankings, domains, end),
                 select(auction, None, end), trends)


def describe_alert_rule(thresholds=None, lang: str = "en") -> str:
    """One sentence stating when an alert fires (for the report)."""
    th = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    rel, z = i18n.fmt_pct(th["relative"], lang, 0), i18n.fmt_number(th["z"], lang, 1)
    return i18n.text(
        lang,
        f"An alert needs a change of at least {rel} since the previous period and a robust z-score of at "
        f"least {z} against the series' usual period-to-period variation.",
        f"Une alerte exige une variation d'au moins {rel} depuis la période précédente et un z-score "
        f"robuste d'au moins {z} par rapport à la variation habituelle de la série.")
