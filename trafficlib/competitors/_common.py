"""Constants and helpers shared by the competitor-watch modules: CTR curve, alert
thresholds, Similarweb channel buckets, metric labels, :func:`ctr`, :func:`select`."""
from __future__ import annotations

import numpy as np
import pandas as pd
from babel.dates import format_date

from trafficlib import i18n

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
#: rates, positions gained for a keyword to count as a jump, keywords for a cluster alert,
#: the span (in weeks) of a Google Trends window, and the Trends level (0-100 scale)
#: below which, in both windows, a change is noise and never alerts.
DEFAULT_THRESHOLDS: dict[str, float] = {
    "relative": 0.25, "z": 3.0, "min_points": 0.03, "rank_jump": 5, "min_keywords": 3,
    "trend_weeks": 4, "min_level": 5.0,
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


def watch_country(country: str | None = None, trends: pd.DataFrame | None = None, search=None) -> tuple[str | None, str]:
    """The country whose holidays are named in the watch, and where it came from:
    ``country`` when given (a code or a name, any interface language: "parameter");
    else the Google Trends region when every series is about one country ("trends":
    the ``geo`` column, ``Belgique`` -> BE; "Worldwide"/"Monde" name none); else the
    country of most of our Search Console clicks (``search``, a
    :class:`trafficlib.seo.SearchData`: "search_console"); else (None, "")."""
    from trafficlib import timeseries

    if country:
        code = timeseries.country_code(country)
        if code is None:
            raise ValueError(f"country {country!r}: not a country code or name")
        return code, "parameter"
    if trends is not None and "geo" in trends and trends["geo"].notna().any():
        codes = {timeseries.country_code(str(g)) for g in trends["geo"].dropna().unique()}
        if len(codes) == 1 and None not in codes:
            return codes.pop(), "trends"
    if search is not None:
        from trafficlib.seo import site_country

        code = site_country(search)
        if code:
            return code, "search_console"
    return None, ""


def holidays_between(start, end, country: str | None, lang: str = "en") -> list[str]:
    """Names of the public holidays (plus Christmas Eve and New Year's Eve) of
    ``country`` from ``start`` to ``end`` inclusive, in ``lang`` when the calendar has it;
    [] without a country."""
    if not country or pd.isna(start) or pd.isna(end):
        return []
    from trafficlib import timeseries

    days = pd.date_range(pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize(), freq="D")
    names = timeseries.holiday_names(pd.Series(days), country, lang=lang).dropna()
    return list(dict.fromkeys(n for cell in names for n in str(cell).split("; ")))


def country_name(code: str | None, lang: str = "en") -> str:
    """A country's name in ``lang`` (Babel), the code itself when unknown."""
    if not code:
        return ""
    from babel import Locale

    return Locale.parse(i18n.locale(lang)).territories.get(code, code)
