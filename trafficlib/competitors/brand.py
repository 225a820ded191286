"""Brand interest (Google Trends): trend and seasonality at the data's own frequency,
changes that never contradict each other, and what the scales allow comparing."""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib import filecache, i18n

#: Points in one seasonal cycle, per time step.
PERIODS = {"day": 7, "week": 52, "month": 12}
#: Centred rolling window (points) giving the trend when there is no seasonal fit.
_TREND_WINDOW = {"day": 7, "week": 9, "month": 5}
#: Floor of the 0-100 Trends scale below which a change is not read (both levels under it).
MIN_LEVEL = 5.0


def trends_step(trends: pd.DataFrame) -> str | None:
    """The time step of a trends table: ``attrs["step"]`` (from the download) or, when
    absent, inferred from the median gap between dates: "day", "week", "month", or None
    (irregular or a single date)."""
    step = trends.attrs.get("step")
    if step in PERIODS:
        return step
    gaps = pd.Series(np.sort(pd.to_datetime(trends["date"]).dropna().unique())).diff().dt.days.dropna()
    if gaps.empty:
        return None
    g = gaps.median()
    return "day" if g <= 1 else "week" if g <= 7 else "month" if 28 <= g <= 31 else None


def window_points(step: str | None, weeks: int = 4) -> int:
    """Points in the window a change is measured over: about ``weeks`` weeks whatever the
    step (``7 × weeks`` days, ``weeks`` weeks, or ``weeks / 4.35`` months, at least one)."""
    if step == "day":
        return 7 * int(weeks)
    if step == "month":
        return max(1, round(weeks / 4.35))
    return int(weeks)


def brand_interest(trends: pd.DataFrame, period: int | None = None) -> pd.DataFrame:
    """Brand search interest with its seasonality, per term, at the data's frequency.

    The cycle follows the time step (:func:`trends_step`): 12 points for months, 52 for
    weeks, 7 for days (``period`` overrides). With at least two full cycles
    (``2 × period`` points, none missing) the series is decomposed by STL (statsmodels,
    robust) into trend + seasonal + residual; otherwise there is no seasonal adjustment
    (seasonal 0) and the trend is a centred rolling mean (5 months, 9 weeks or 7 days).
    The trend is floored at 0 (an index cannot be negative) and covers every date.

    Returns date, term, interest (0-100), trend, seasonal, resid, adjusted (interest −
    seasonal), below_one (the cell was ``<1``: above 0, below 1, not a value) and scale
    (which 0-100 scale the term is on, see
    :func:`trafficlib.readers.marketdata.combine_trends`). ``attrs``: ``method``
    {term: "stl" or why not}, ``step``, ``period``, ``scale`` (the table's).

    The robust STL fits are the watch's heaviest computation and :func:`alerts` needs
    them too: the result is kept for the same values (:func:`trafficlib.filecache.by_content`)
    and handed back as a copy.
    """
    step = trends_step(trends)
    period = int(period) if period else PERIODS.get(step)
    t = trends.reset_index(drop=True)
    cols = [c for c in ("date", "term", "interest") if c in t]
    frame = t[cols].assign(below_one=t["below_one"].astype(bool) if "below_one" in t else False,
                           scale=t["scale"] if "scale" in t else 1)
    out = _brand_interest(frame, period or 0, step or "")
    out.attrs.update(step=step, period=period, scale=trends.attrs.get("scale", "one request"),
                     groups=trends.attrs.get("groups", []))
    return out


@filecache.by_content
def _brand_interest(trends: pd.DataFrame, period: int, step: str) -> pd.DataFrame:
    from statsmodels.tsa.seasonal import STL

    parts, methods = [], {}
    for term, g in trends.sort_values("date").groupby("term", sort=True):
        g = g.set_index("date")
        y = g["interest"].astype(float)
        if period and len(y) >= 2 * period and y.notna().all():
            res = STL(y.to_numpy(), period=period, robust=True).fit()
            trend, seas = res.trend, res.seasonal
            methods[term] = "stl"
        else:
            win = _TREND_WINDOW.get(step, 5)
            trend = y.rolling(min(len(y), win), center=True, min_periods=1).mean().to_numpy()
            seas = np.zeros(len(y))
            methods[term] = ("too short for seasonality" if period else "irregular dates: no seasonality")
        trend = np.clip(trend, 0, None)
        parts.append(pd.DataFrame({"date": y.index, "term": term, "interest": y.to_numpy(),
                                   "trend": trend, "seasonal": seas, "resid": y.to_numpy() - trend - seas,
                                   "adjusted": y.to_numpy() - seas, "below_one": g["below_one"].to_numpy(),
                                   "scale": g["scale"].to_numpy()}))
    out = pd.concat(parts, ignore_index=True)
    out.attrs["method"] = methods
    return out


def brand_summary(decomposed: pd.DataFrame, weeks: int = 4, min_level: float = MIN_LEVEL,
                  lang: str = "en") -> pd.DataFrame:
    """Per term, the latest window against the one before, in the data's own step.

    The window covers about ``weeks`` weeks (:func:`window_points`: the last month of
    monthly data, the last 4 weeks, the last 28 days). Columns: term, recent and
    previous (mean interest, 0-100), change (relative), adjusted_change (the same on
    seasonally adjusted values, when there is a seasonal fit), yoy_change (vs the same
    window a year earlier), peak_month (1-12, where the seasonal part is highest; NaN
    without seasonality), scale and note (why a change is not shown, in ``lang``).

    A change is not computed (NaN, and the note says why) when either window holds a
    ``<1`` cell (above 0 and below 1: no percentage can be read from it), or when both
    levels are below ``min_level`` (5 on the 0-100 scale: a change of a few units
    there is noise). The seasonally adjusted change is shown only when it has the same
    sign as the raw one and its levels are not below ``min_level``: one series never
    shows two contradictory changes. Sorted by recent level when every term is on one
    scale, else by term (levels on separate scales do not rank).
    """
    step = decomposed.attrs.get("step") or trends_step(decomposed)
    n = window_points(step, weeks)
    seasonal = decomposed.attrs.get("method", {})
    rows = []
    for term, g in decomposed.sort_values("date").groupby("term"):
        last, prev = g.tail(n), g.iloc[-2 * n:-n]
        yr = g[(g["date"] >= last["date"].min() - pd.Timedelta(days=364 + 3)) &
               (g["date"] <= last["date"].max() - pd.Timedelta(days=364 - 3))]
        seas = g.groupby(g["date"].dt.month)["seasonal"].mean()
        row = {"term": term, "recent": last["interest"].mean(), "previous": prev["interest"].mean() if len(prev) else np.nan,
               "change": np.nan, "adjusted_change": np.nan, "yoy_change": np.nan,
               "peak_month": int(seas.idxmax()) if seas.abs().max() > 0 else np.nan,
               "scale": g["scale"].iloc[0] if "scale" in g else 1, "note": ""}
        notes = []
        below = bool(last["below_one"].any() or prev["below_one"].any()) if "below_one" in g else False
        low = max(row["recent"], row["previous"]) < min_level if len(prev) else False
        if not len(prev):
            notes.append(i18n.text(lang, "too few points for a change", "trop peu de points pour une variation"))
        elif below:
            notes.append(i18n.text(lang, "'<1' values in the compared periods: no percentage",
                                   "valeurs « <1 » dans les périodes comparées : pas de pourcentage"))
        elif low:
            notes.append(i18n.text(lang, f"below {i18n.fmt_number(min_level, lang, 0)} on the 0-100 scale: too low to read a change",
                                   f"sous {i18n.fmt_number(min_level, lang, 0)} sur l'échelle 0-100 : trop bas pour lire une variation"))
        elif row["previous"] <= 0:
            notes.append(i18n.text(lang, "from 0: no percentage", "depuis 0 : pas de pourcentage"))
        else:
            row["change"] = row["recent"] / row["previous"] - 1
            if seasonal.get(term) == "stl":
                a, b = last["adjusted"].mean(), prev["adjusted"].mean()
                adj = a / b - 1 if b > 0 and a >= 0 else np.nan
                if min(a, b) < min_level or np.isnan(adj):
                    notes.append(i18n.text(lang, "seasonally adjusted level too low: adjusted change not shown",
                                           "niveau corrigé des saisons trop bas : variation corrigée non affichée"))
                elif np.sign(adj) != np.sign(row["change"]) and row["change"] != 0:
                    notes.append(i18n.text(
                        lang, f"the seasonal adjustment reverses the change ({i18n.fmt_delta(adj, lang, 0)} adjusted: "
                              "a usual seasonal move); adjusted change not shown",
                        f"la correction des saisons inverse la variation ({i18n.fmt_delta(adj, lang, 0)} corrigée : "
                        "un mouvement saisonnier habituel) ; variation corrigée non affichée"))
                else:
                    row["adjusted_change"] = adj
        if len(yr) and not below and not (yr["below_one"].any() if "below_one" in yr else False):
            base = yr["interest"].mean()
            if base > 0 and max(base, row["recent"]) >= min_level:
                row["yoy_change"] = row["recent"] / base - 1
        row["note"] = "; ".join(notes)
        rows.append(row)
    out = pd.DataFrame(rows)
    one_scale = out["scale"].nunique() <= 1 if len(out) else True
    out = (out.sort_values("recent", ascending=False) if one_scale else out.sort_values("term")).reset_index(drop=True)
    out.attrs.update(step=step, window=n)
    return out


def describe_scale(trends: pd.DataFrame, lang: str = "en") -> str:
    """What the Trends levels allow comparing, in one or two sentences (fr/en): one
    request (one scale), files rescaled through a shared term (the factors), or
    separate scales (compare changes, not levels)."""
    scale, groups = trends.attrs.get("scale", "one request"), trends.attrs.get("groups", [])
    if scale == "one request" or not groups:
        return i18n.text(lang, "Google Trends is relative: 100 is the highest point of the terms in the same download; "
                               "their levels compare with each other.",
                         "Google Trends est relatif : 100 est le point le plus haut des termes du même téléchargement ; "
                         "leurs niveaux se comparent entre eux.")
    if scale == "rescaled":
        g = groups[0]
        through = ", ".join(f"« {t} »" if lang == "fr" else f'"{t}"' for t in g["through"])
        terms = g.get("file_terms", {})
        f = i18n.text(lang, "; ", " ; ").join(f"[{' + '.join(terms.get(name, [name]))}] × {i18n.fmt_number(v, lang, 2)}"
                                              for name, v in g["factors"].items())
        return i18n.text(
            lang,
            f"The {len(g['files'])} Google Trends downloads were requested separately, each on its own 0-100 scale. "
            f"They share {through}: the ratio of that series between files puts them on one scale ({f}), then 100 is "
            "the highest point of all the terms. Levels compare, within the rounding of each file (whole numbers).",
            f"Les {len(g['files'])} téléchargements Google Trends ont été demandés séparément, chacun sur sa propre "
            f"échelle 0-100. Ils ont en commun {through} : le rapport de cette série entre fichiers les met sur une "
            f"même échelle ({f}), puis 100 est le point le plus haut de tous les termes. Les niveaux se comparent, à "
            "l'arrondi de chaque fichier près (nombres entiers).")
    parts = [" + ".join(g["terms"]) for g in groups]
    weak = trends.attrs.get("weak_links") or []
    if weak:
        w = ", ".join(weak)
        return i18n.text(
            lang,
            f"These Google Trends series come from {len(groups)} separate downloads ({'; '.join(parts)}). They share "
            f"{w}, but at too low a level (under 5 on average) to carry a scale factor: each download keeps its own "
            "0-100 scale. Compare their changes and trends, not their levels.",
            f"Ces séries Google Trends viennent de {len(groups)} téléchargements séparés ({' ; '.join(parts)}). Ils ont "
            f"en commun {w}, mais à un niveau trop bas (moins de 5 en moyenne) pour porter un facteur d'échelle : "
            "chaque téléchargement garde sa propre échelle 0-100. Comparez leurs variations et tendances, pas leurs "
            "niveaux.")
    return i18n.text(
        lang,
        f"These Google Trends series come from {len(groups)} separate downloads ({'; '.join(parts)}) that share no "
        "term: each is on its own 0-100 scale (100 = its own highest point). Compare their changes and trends, not "
        "their levels. To compare levels, download the terms together (up to 5 per request), or with one term in "
        "common.",
        f"Ces séries Google Trends viennent de {len(groups)} téléchargements séparés ({' ; '.join(parts)}) sans "
        "terme commun : chacune est sur sa propre échelle 0-100 (100 = son propre point le plus haut). Comparez "
        "leurs variations et tendances, pas leurs niveaux. Pour comparer les niveaux, téléchargez les termes "
        "ensemble (jusqu'à 5 par demande), ou avec un terme en commun.")


def describe_left_out(trends: pd.DataFrame, lang: str = "en") -> str:
    """One sentence (fr/en) naming the Trends series left out of the comparison because
    their time step differs (``attrs["left_out"]`` of
    :func:`trafficlib.readers.marketdata.combine_trends`); "" when none."""
    out = trends.attrs.get("left_out") or []
    if not out:
        return ""
    step = trends.attrs.get("step")
    en = {"day": "daily", "week": "weekly", "month": "monthly"}
    fr = {"day": "quotidienne", "week": "hebdomadaire", "month": "mensuelle"}
    by_step: dict = {}
    for x in out:
        by_step.setdefault(x["step"], []).extend(x["terms"])
    en_parts = "; ".join(f"{', '.join(t)} ({en.get(k, 'irregular')})" for k, t in by_step.items())
    fr_parts = " ; ".join(f"{', '.join(t)} ({fr.get(k, 'irrégulière')})" for k, t in by_step.items())
    return i18n.text(
        lang, f"Not in this comparison: {en_parts}: one time step per comparison, and this one is "
              f"{en.get(step, step)}. Download them over the same range to compare them.",
        f"Hors de cette comparaison : {fr_parts} : un seul pas de temps par comparaison, ici "
        f"{ {'day': 'quotidien', 'week': 'hebdomadaire', 'month': 'mensuel'}.get(step, step) }. Téléchargez-les sur la "
        "même période pour les comparer.")


def describe_method(decomposed: pd.DataFrame, lang: str = "en") -> str:
    """How trend and seasonality were obtained, at which frequency (fr/en)."""
    step, period = decomposed.attrs.get("step"), decomposed.attrs.get("period")
    methods = decomposed.attrs.get("method", {})
    unit = {"day": ("days", "jours"), "week": ("weeks", "semaines"), "month": ("months", "mois")}.get(step)
    stl = sorted(t for t, m in methods.items() if m == "stl")
    short = sorted(t for t, m in methods.items() if m != "stl")
    if unit is None:
        return i18n.text(lang, "The dates are not evenly spaced: no seasonal adjustment; the trend is a rolling mean.",
                         "Les dates ne sont pas régulières : pas de correction des saisons ; la tendance est une moyenne mobile.")
    en_u, fr_u = unit
    out = []
    if stl:
        out.append(i18n.text(lang, f"Trend and seasonality come from an STL decomposition with a {period}-{en_u[:-1]} cycle"
                                   + ("" if not short else f" ({', '.join(stl)})") + ".",
                             f"Tendance et saisonnalité viennent d'une décomposition STL sur un cycle de {period} {fr_u}"
                             + ("" if not short else f" ({', '.join(stl)})") + "."))
        points = decomposed[decomposed["term"].isin(stl)].groupby("term").size().min()
        if points < 3 * period:  # two cycles: a new peak has one earlier season to be told apart from
            out.append(i18n.text(
                lang, f"With fewer than three cycles ({3 * period} {en_u}), a new peak can be taken for a season: "
                      "read the seasonally adjusted change with care.",
                f"Avec moins de trois cycles ({3 * period} {fr_u}), un nouveau pic peut être pris pour une saison : "
                "lisez la variation corrigée des saisons avec prudence."))
    if short:
        out.append(i18n.text(
            lang, f"No seasonal adjustment{'' if not stl else ' for ' + ', '.join(short)}: it needs two full cycles "
                  f"({2 * period} {en_u}); the trend is a centred rolling mean.",
            f"Pas de correction des saisons{'' if not stl else ' pour ' + ', '.join(short)} : il faut deux cycles "
            f"complets ({2 * period} {fr_u}) ; la tendance est une moyenne mobile centrée."))
    return " ".join(out)
