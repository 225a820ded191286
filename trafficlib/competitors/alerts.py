"""Alerts: ranked findings on what changed since the previous period, one sentence each."""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from trafficlib import i18n
from trafficlib.competitors._common import (
    _METRICS, CHANNELS, DEFAULT_THRESHOLDS, _lang, _month, country_name, holidays_between,
)
from trafficlib.competitors.brand import brand_interest, brand_summary, window_points
from trafficlib.competitors.seo import cluster_of, rank_movers, share_of_voice


def _robust_stats(values: pd.Series, window: int = 1, kind: str = "count"):
    """Change of the last ``window``-mean vs the previous window, with a robust z-score
    against the history of the same changes. Returns dict or None. (numpy on the
    values: this runs for every series of the watch.)"""
    v = values.astype(float)
    if window > 1:
        v = v.rolling(window).mean()
    x = v.to_numpy(dtype=float)
    if kind == "rate":
        x = np.where(np.isnan(x), x, np.maximum(x, 1e-3))
    if len(x) <= window:
        return None
    prev = np.full(len(x), np.nan)
    prev[window:] = x[:-window]
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where((x > 0) & (prev > 0), np.log(x / prev), np.nan)
    if np.isnan(d[-1]):
        return None
    hist = d[:-window] if window > 1 else d[:-1]
    hist = hist[~np.isnan(hist)]
    usual = np.nan
    z = np.nan
    if len(hist) >= 4:
        med = float(np.median(hist))
        mad = 1.4826 * float(np.median(np.abs(hist - med)))
        scale = max(mad, 0.05)  # a floor: synthetic or very smooth series would give z = inf
        z = (float(d[-1]) - med) / scale
        usual = float(np.exp(mad) - 1)
    return {"value": float(x[-1]), "previous": float(prev[-1]),
            "change": float(x[-1] / prev[-1] - 1), "z": z, "usual": usual,
            "period": v.index[-1]}


def _severity(change: float, z: float, th: Mapping) -> tuple[str, float]:
    r = abs(change) / th["relative"]
    zz = abs(z) / th["z"] if not np.isnan(z) else 1.0
    score = min(r, 6) * min(zz, 6)
    sev = "high" if (r >= 2 and zz >= 1.5) else ("medium" if (r >= 1.5 or zz >= 1.5) else "low")
    return sev, score


def _span(index, window: int = 1) -> tuple:
    """(first day, last day) a change measured on the last ``window`` points of a dated
    index covers: from the first of those points to the day before the next point would
    fall (the median step)."""
    idx = pd.DatetimeIndex(index).dropna()
    if len(idx) < 2:
        return (idx[-1], idx[-1]) if len(idx) else (pd.NaT, pd.NaT)
    step = pd.Series(idx).diff().median()
    return idx[-min(window, len(idx))], idx[-1] + step - pd.Timedelta(days=1)


def alerts(our_domain: str | None, traffic: pd.DataFrame | None = None, rankings: pd.DataFrame | None = None,
           auction: pd.DataFrame | None = None, trends: pd.DataFrame | None = None,
           thresholds: Mapping | None = None, lang: str = "en", ctr_curve=None,
           brand_terms: Mapping[str, str] | None = None, country: str | None = None) -> pd.DataFrame:
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
    overlap rate and our outranking share, and brand interest (Google Trends, at the
    data's own step: the mean of the last ``trend_weeks`` weeks, 28 days or month vs the
    window before, as in :func:`brand_summary`). A Trends series alerts only from a
    level of ``min_level`` (5 on the 0-100 scale) in one of the two windows, never from
    ``<1`` cells, and on the very change the summary table shows (seasonally adjusted
    when the table shows that one, else raw): an alert never contradicts the table.

    ``our_domain`` may be None or "" (unknown): every domain is then a competitor.
    ``country`` (ISO code): the holidays within each alert's period are named in its
    ``detail`` and ``holidays`` columns (named, not judged: a holiday explains, it does
    not excuse).

    Returns severity (high/medium/low), title (the sentence in ``lang``), detail, source,
    domain, metric, period, previous, value, change (relative), z, usual_change,
    threat (True when it is bad news for us: a competitor up, or us down) and holidays,
    most severe first.
    """
    th = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    lang = _lang(lang)
    our_domain = our_domain or ""
    rows: list[dict] = []

    def consider(source, domain, metric, series, kind="count", window=1, label=None, when=None, st=None):
        st = st or _robust_stats(series, window, kind)
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
        fmtv = {"rate": lambda x: i18n.fmt_pct(x, lang),
                "index": lambda x: i18n.fmt_number(x, lang, 1)}.get(kind, lambda x: i18n.fmt_int(x, lang))
        per = (when or _when_at_step(series.index, lang))(st["period"])
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
        hol = holidays_between(*_span(series.index, window), country, lang) if source != "rankings" else []
        detail = (i18n.text(lang, f"Holidays in this period ({country_name(country, lang)}): {', '.join(hol)}.",
                            f"Jours fériés de la période ({country_name(country, lang)}) : {', '.join(hol)}.")
                  if hol else None)
        rows.append({"severity": sev, "title": title, "detail": detail, "source": source, "domain": domain,
                     "metric": metric, "period": st["period"], "previous": st["previous"],
                     "value": st["value"], "change": ch, "z": z, "usual_change": st["usual"],
                     "threat": bool(threat), "holidays": "; ".join(hol), "_score": score})

    if traffic is not None and len(traffic):
        for dom, g in traffic.sort_values("period").groupby("domain"):
            g = g.set_index("period")
            consider("traffic", dom, "visits", g["visits"])
            for ch in CHANNELS:
                col = f"share_{ch}"
                if col in g and g[col].notna().all() and g[col].iloc[-1] >= 0.05:
                    consider("traffic", dom, f"visits_{ch}", g["visits"] * g[col],
                             label=(f"{CHANNELS[ch]['en'].lower()} visits", f"visites {CHANNELS[ch]['fr'].lower()}"))

    if rankings is not None and len(rankings):
        week = _when_at_step(rankings["date"].dropna().unique(), lang)  # "in the week of", or the month
        sov = share_of_voice(rankings, ctr_curve)
        for dom, g in sov.groupby("domain"):
            s = g.set_index("date")["share_of_voice"].reindex(sorted(sov["date"].unique())).fillna(0)
            consider("rankings", dom, "share_of_voice", s, kind="rate")
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
                             "usual_change": np.nan, "threat": threat, "holidays": "",
                             "_score": 4.0 * min(r, 6) / 2})

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
        step = dec.attrs.get("step")
        n = window_points(step, th["trend_weeks"])
        summ = brand_summary(dec, th["trend_weeks"], th["min_level"], lang).set_index("term")
        terms = _brand_terms(dec["term"].unique(), traffic, rankings, auction, our_domain)
        terms.update({v: k for k, v in (brand_terms or {}).items()})
        for term, g in dec.groupby("term"):
            row = summ.loc[term]
            if pd.isna(row["change"]):
                continue  # '<1' cells, a level below the floor, too short: the table says why
            adjusted = pd.notna(row["adjusted_change"])
            s = g.set_index("date")["adjusted" if adjusted else "interest"]
            st = _robust_stats(s, n)
            if st is None:
                continue
            st["change"] = row["adjusted_change"] if adjusted else row["change"]  # the table's figure
            label = _METRICS["brand_interest"] if adjusted else ("brand search interest", "intérêt de recherche pour la marque")
            consider("trends", terms.get(term, term), "brand_interest", s, kind="index", window=n, label=label, st=st,
                     when=_trends_when(step, n, th["trend_weeks"], lang))

    cols = ["severity", "title", "detail", "source", "domain", "metric", "period", "previous", "value",
            "change", "z", "usual_change", "threat", "holidays"]
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


def _when_at_step(index, lang: str):
    """The period phrase of a one-point change at the step of a dated index: "in
    October 2026" (months), "in the week of 26 Oct 2026" (weeks), "on 26 Oct 2026" (days)."""
    gaps = pd.Series(pd.DatetimeIndex(index).dropna().sort_values()).diff().dt.days.dropna()
    g = gaps.median() if len(gaps) else 31
    if g >= 28:
        return lambda d: i18n.text(lang, "in ", "en ") + _month(d, lang)
    if g >= 7:
        return lambda d: i18n.text(lang, f"in the week of {i18n.fmt_date(d, lang, long=True)}",
                                   f"la semaine du {i18n.fmt_date(d, lang, long=True)}")
    return lambda d: i18n.text(lang, f"on {i18n.fmt_date(d, lang, long=True)}", f"le {i18n.fmt_date(d, lang, long=True)}")


def _trends_when(step: str | None, n: int, weeks: int, lang: str):
    """The period phrase of a Trends alert, at the data's step."""
    if step == "month" and n == 1:
        return lambda d: i18n.text(lang, "in ", "en ") + _month(d, lang)
    if step == "month":
        return lambda d: i18n.text(lang, f"over the {n} months to {_month(d, lang)}", f"sur les {n} mois jusqu'à {_month(d, lang)}")
    if step == "day":
        return lambda d: i18n.text(lang, f"over the {n} days to {i18n.fmt_date(d, lang, long=True)}",
                                   f"sur les {n} jours au {i18n.fmt_date(d, lang, long=True)}")
    return lambda d: i18n.text(lang, f"over the {int(weeks)} weeks to {i18n.fmt_date(d, lang, long=True)}",
                               f"sur les {int(weeks)} semaines au {i18n.fmt_date(d, lang, long=True)}")


def _brand_terms(terms, *tables_and_ours) -> dict:
    """Map Trends terms to domains when a domain reads as the term ("deco-rivale.fr" ->
    "deco rivale")."""
    *tables, ours = tables_and_ours
    domains = {ours} if ours else set()
    for t in tables:
        if t is not None and "domain" in t:
            domains |= set(t["domain"].dropna().unique())
    key = lambda d: " ".join(str(d).lower().rsplit(".", 1)[0].replace("-", " ").replace(".", " ").split())
    by_key = {key(d): d for d in domains}
    return {t: by_key[" ".join(str(t).lower().split())] for t in terms if " ".join(str(t).lower().split()) in by_key}


def describe_alert_rule(thresholds=None, lang: str = "en") -> str:
    """One sentence stating when an alert fires (for the report)."""
    th = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    rel, z = i18n.fmt_pct(th["relative"], lang, 0), i18n.fmt_number(th["z"], lang, 1)
    floor = i18n.fmt_number(th["min_level"], lang, 0)
    return i18n.text(
        lang,
        f"An alert needs a change of at least {rel} since the previous period and a robust z-score of at "
        f"least {z} against the series' usual period-to-period variation. A Google Trends series also needs a "
        f"level of at least {floor} (0-100 scale) in one of the two periods compared and no '<1' value in them: "
        f"below {floor}, a few units of change are noise.",
        f"Une alerte exige une variation d'au moins {rel} depuis la période précédente et un z-score "
        f"robuste d'au moins {z} par rapport à la variation habituelle de la série. Une série Google Trends doit "
        f"aussi atteindre au moins {floor} (échelle 0-100) dans l'une des deux périodes comparées, sans valeur "
        f"« <1 » : sous {floor}, quelques unités de variation sont du bruit.")
