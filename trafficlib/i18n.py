"""Labels and number, money, percent and date formatting for French and English.

Formatting follows the CLDR locale data through Babel (``fr_FR``: ``1 234,5 €``,
``12,3 %``, ``05/01/2026``; ``en_GB``: ``€1,234.5``, ``12.3%``, ``2026-01-05``), so
thousands separators and non-breaking spaces are the ones French readers expect.
A missing value (None, NaN) is shown as an en dash, never as ``nan`` or 0.
"""
from __future__ import annotations

import datetime as _dt
import functools
import math
from typing import Any

from babel import Locale
from babel.dates import format_date as _format_date
from babel.numbers import parse_pattern

__all__ = [
    "LANGS", "check_lang", "locale", "label", "text", "fmt_number", "fmt_int", "fmt_money",
    "fmt_pct", "fmt_delta", "fmt_date", "fmt_duration", "fmt", "MISSING",
]

LANGS = ("en", "fr")
MISSING = "\u2013"
_LOCALES = {"en": "en_GB", "fr": "fr_FR"}


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported ("en" or "fr"), else raise ValueError."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}; use one of {', '.join(LANGS)}")
    return lang


def locale(lang: str) -> str:
    """Babel locale for ``lang`` ("fr" -> "fr_FR")."""
    return _LOCALES[check_lang(lang)]


@functools.lru_cache(maxsize=None)
def _babel_locale(lang: str) -> Locale:
    return Locale.parse(locale(lang))


@functools.lru_cache(maxsize=256)
def _pattern(fmt: str):
    return parse_pattern(fmt)


def _apply(fmt: str, x: float, lang: str, **kw: Any) -> str:
    """What Babel's ``format_decimal`` / ``format_percent`` / ``format_currency`` do with an
    explicit pattern (parse it, apply it), with the parsed pattern and the locale kept:
    tables and chart ticks format thousands of cells, and parsing both each time was
    most of the cost (~18 µs a cell against ~7)."""
    return _pattern(fmt).apply(x, _babel_locale(lang), **kw)


def _missing(x: Any) -> bool:
    # plain values first: a batch's driver formats only these and never imports pandas
    # (its kernels start ~0.5 s sooner); pandas' own missing values need pandas loaded
    if x is None:
        return True
    if isinstance(x, float):
        return math.isnan(x)
    if isinstance(x, (str, int)) or type(x) in (_dt.date, _dt.datetime):  # exact types: NaT is a datetime
        return False
    import pandas as pd

    if x is pd.NA or x is pd.NaT:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def fmt_number(x: Any, lang: str = "en", decimals: int = 0) -> str:
    """``1234.5`` -> ``"1 234,5"`` (fr) / ``"1,234.5"`` (en), with ``decimals`` digits."""
    if _missing(x):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return _apply(pattern, float(x), lang)


def fmt_int(x: Any, lang: str = "en") -> str:
    """A count, rounded to a whole number, with thousands separators."""
    return fmt_number(x, lang, 0)


def fmt_money(x: Any, lang: str = "en", currency: str = "EUR", decimals: int = 2) -> str:
    """``1234.5`` -> ``"1 234,50 €"`` (fr) / ``"€1,234.50"`` (en)."""
    if _missing(x):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    pattern = pattern + "\u00a0¤" if lang == "fr" else "¤" + pattern
    return _apply(pattern, float(x), lang, currency=currency, currency_digits=False)


def fmt_pct(fraction: Any, lang: str = "en", decimals: int = 1) -> str:
    """A fraction as a percentage: ``0.123`` -> ``"12,3 %"`` (fr) / ``"12.3%"`` (en)."""
    if _missing(fraction):
        return MISSING
    digits = "." + "0" * decimals if decimals > 0 else ""
    pattern = f"#,##0{digits}\u00a0%" if lang == "fr" else f"#,##0{digits}%"
    return _apply(pattern, float(fraction), lang)


def fmt_delta(fraction: Any, lang: str = "en", decimals: int = 1) -> str:
    """A relative change with its sign: ``0.052`` -> ``"+5.2%"``; ``-0.1`` -> ``"−10.0%"``."""
    if _missing(fraction):
        return MISSING
    body = fmt_pct(abs(float(fraction)), lang, decimals)
    sign = "+" if float(fraction) > 0 else ("\u2212" if float(fraction) < 0 else "")
    return sign + body


def fmt_date(d: Any, lang: str = "en", long: bool = False) -> str:
    """A day: ``"05/01/2026"`` (fr) / ``"2026-01-05"`` (en); ``long=True`` gives
    ``"5 janv. 2026"`` / ``"5 Jan 2026"``."""
    if _missing(d):
        return MISSING
    day = d.date() if isinstance(d, _dt.datetime) else (d if isinstance(d, _dt.date) else _day(d))
    if long:
        return _format_date(day, "d MMM y", locale=locale(lang))
    return day.strftime("%d/%m/%Y") if lang == "fr" else day.isoformat()


def _day(value: Any) -> _dt.date:
    """The day of an ISO string without pandas (see :func:`_missing`), else of anything
    ``pandas.Timestamp`` reads."""
    if isinstance(value, str):
        try:
            return _dt.datetime.fromisoformat(value.strip()).date()
        except ValueError:
            pass
    import pandas as pd

    return pd.Timestamp(value).date()


def fmt_duration(seconds: Any, lang: str = "en") -> str:
    """Seconds as ``"2 min 05 s"`` (fr) / ``"2m 05s"`` (en); under a minute ``"42 s"``."""
    if _missing(seconds):
        return MISSING
    total = int(round(float(seconds)))
    m, s = divmod(total, 60)
    if lang == "fr":
        return f"{m}\u00a0min\u00a0{s:02d}\u00a0s" if m else f"{s}\u00a0s"
    return f"{m}m {s:02d}s" if m else f"{s}s"


_FORMATTERS = {
    "int": fmt_int,
    "num": lambda x, lang: fmt_number(x, lang, 1),
    "num2": lambda x, lang: fmt_number(x, lang, 2),
    "money": lambda x, lang: fmt_money(x, lang, decimals=2),
    "money0": lambda x, lang: fmt_money(x, lang, decimals=0),
    "pct": fmt_pct,
    "pct0": lambda x, lang: fmt_pct(x, lang, 0),
    "pct2": lambda x, lang: fmt_pct(x, lang, 2),
    "delta": fmt_delta,
    "date": fmt_date,
    "duration": fmt_duration,
}


def fmt(x: Any, kind: str, lang: str = "en") -> str:
    """Format ``x`` by kind name: int, num, num2, money, money0, pct, pct0, pct2, delta,
    date, duration; ``str`` (or anything unknown) gives ``str(x)``."""
    f = _FORMATTERS.get(kind)
    if f is None:
        return MISSING if _missing(x) else str(x)
    return f(x, lang)


# Labels shared by reports. Keys are canonical column / metric names.
LABELS: dict[str, dict[str, str]] = {
    "sessions": {"en": "Sessions", "fr": "Sessions"},
    "users": {"en": "Users", "fr": "Utilisateurs"},
    "new_users": {"en": "New users", "fr": "Nouveaux utilisateurs"},
    "engaged_sessions": {"en": "Engaged sessions", "fr": "Sessions avec engagement"},
    "engagement_rate": {"en": "Engagement rate", "fr": "Taux d'engagement"},
    "bounce_rate": {"en": "Bounce rate", "fr": "Taux de rebond"},
    "views_per_session": {"en": "Views per session", "fr": "Vues par session"},
    "pageviews": {"en": "Page views", "fr": "Pages vues"},
    "avg_engagement_time": {"en": "Average engagement time", "fr": "Durée d'engagement moyenne"},
    "conversions": {"en": "Conversions", "fr": "Conversions"},
    "conversion_rate": {"en": "Conversion rate", "fr": "Taux de conversion"},
    "revenue": {"en": "Revenue", "fr": "Chiffre d'affaires"},
    "aov": {"en": "Average order value", "fr": "Panier moyen"},
    "channel": {"en": "Channel", "fr": "Canal"},
    "source": {"en": "Source", "fr": "Source"},
    "medium": {"en": "Medium", "fr": "Support"},
    "source_medium": {"en": "Source / medium", "fr": "Source / support"},
    "campaign": {"en": "Campaign", "fr": "Campagne"},
    "landing_page": {"en": "Landing page", "fr": "Page de destination"},
    "device": {"en": "Device", "fr": "Appareil"},
    "country": {"en": "Country", "fr": "Pays"},
    "date": {"en": "Date", "fr": "Date"},
    "period": {"en": "Period", "fr": "Période"},
    "comparison": {"en": "Comparison", "fr": "Comparaison"},
    "change": {"en": "Change", "fr": "Évolution"},
    "sessions_change": {"en": "Sessions vs comparison", "fr": "Sessions vs comparaison"},
    "current": {"en": "Period", "fr": "Période"},
    "previous": {"en": "Comparison", "fr": "Comparaison"},
    "ua_bounce_rate": {"en": "Bounce rate (UA)", "fr": "Taux de rebond (UA)"},
    "avg_engagement_time_s": {"en": "Avg. engagement time", "fr": "Engagement moyen"},
    "avg_duration_s": {"en": "Avg. duration", "fr": "Durée moyenne"},
    "revenue_recorded": {"en": "Revenue recorded", "fr": "CA enregistré"},
    "revenue_true": {"en": "Revenue (once)", "fr": "CA (une fois)"},
    "purchases": {"en": "Purchases", "fr": "Achats"},
    "first_seen": {"en": "First seen", "fr": "Vu le"},
    "last_seen": {"en": "Last seen", "fr": "Revu le"},
    "transaction_id": {"en": "Transaction id", "fr": "Id de transaction"},
    "kind": {"en": "Kind", "fr": "Type"},
    "variants": {"en": "Spellings", "fr": "Graphies"},
    "normalized": {"en": "Normalized", "fr": "Forme normalisée"},
    "field": {"en": "Field", "fr": "Champ"},
    "minority_sessions": {"en": "Sessions in minority spellings", "fr": "Sessions des graphies minoritaires"},
    "click_id": {"en": "Click id", "fr": "Id de clic"},
    "expected": {"en": "Expected", "fr": "Attendu"},
    "direction": {"en": "Direction", "fr": "Sens"},
    "observed": {"en": "Observed", "fr": "Observé"},
    "share": {"en": "Share", "fr": "Part"},
    "metric": {"en": "Metric", "fr": "Indicateur"},
    "value": {"en": "Value", "fr": "Valeur"},
    "cost": {"en": "Cost", "fr": "Coût"},
    "impressions": {"en": "Impressions", "fr": "Impressions"},
    "clicks": {"en": "Clicks", "fr": "Clics"},
    "ctr": {"en": "CTR", "fr": "CTR"},
    "cpc": {"en": "CPC", "fr": "CPC"},
    "cpm": {"en": "CPM", "fr": "CPM"},
    "cpa": {"en": "CPA", "fr": "CPA"},
    "roas": {"en": "ROAS", "fr": "ROAS"},
    "domain": {"en": "Domain", "fr": "Domaine"},
    "keyword": {"en": "Keyword", "fr": "Mot-clé"},
    "sc_position": {"en": "Search Console position", "fr": "Position Search Console"},
    "sc_clicks": {"en": "Search Console clicks", "fr": "Clics Search Console"},
    "sc_impressions": {"en": "Search Console impressions", "fr": "Impressions Search Console"},
    "tracked_position": {"en": "Tracked position (ours)", "fr": "Position suivie (nous)"},
    "best_competitor": {"en": "Best competitor", "fr": "Meilleur concurrent"},
    "competitor_position": {"en": "Their position", "fr": "Leur position"},
    "position": {"en": "Position", "fr": "Position"},
    "finding": {"en": "Finding", "fr": "Constat"},
    "severity": {"en": "Severity", "fr": "Gravité"},
    "parameters": {"en": "Parameters", "fr": "Paramètres"},
    "contents": {"en": "Contents", "fr": "Sommaire"},
    "generated": {"en": "Generated", "fr": "Généré le"},
    "status": {"en": "Status", "fr": "Statut"},
    "error": {"en": "Error", "fr": "Erreur"},
    "report": {"en": "Report", "fr": "Rapport"},
    "reports": {"en": "Reports", "fr": "Rapports"},
    "duration": {"en": "Duration", "fr": "Durée"},
    "ok": {"en": "ok", "fr": "ok"},
    "abs_top_of_page_rate": {"en": 'Abs. top of page rate', "fr": 'Taux en position absolue en haut de page'},
    "adjusted_change": {"en": 'Change (seasonally adjusted)', "fr": 'Évolution (corrigée des saisons)'},
    "avg_visit_duration_s": {"en": 'Avg. visit duration', "fr": 'Durée moyenne des visites'},
    "avg_visit_duration_s_change": {"en": 'Visit duration change', "fr": 'Évolution de la durée des visites'},
    "best_domain": {"en": 'Best domain', "fr": 'Meilleur domaine'},
    "best_position": {"en": 'Best position', "fr": 'Meilleure position'},
    "bounce_rate_change": {"en": 'Bounce rate change', "fr": 'Évolution du taux de rebond'},
    "censored": {"en": 'Estimated (< 10 %)', "fr": 'Estimé (< 10 %)'},
    "clicks_after": {"en": 'Est. clicks after', "fr": 'Clics estimés après'},
    "clicks_before": {"en": 'Est. clicks before', "fr": 'Clics estimés avant'},
    "clicks_change": {"en": 'Est. clicks change', "fr": 'Évolution des clics estimés'},
    "competitors": {"en": 'Competitors', "fr": 'Concurrents'},
    "duration_s": {"en": 'Duration', "fr": 'Durée'},
    "impression_share": {"en": 'Impression share', "fr": "Taux d'impressions"},
    "impression_share_change": {"en": 'Impression share change', "fr": "Évolution du taux d'impressions"},
    "impression_share_trend": {"en": 'Impression share trend', "fr": "Tendance du taux d'impressions"},
    "keywords_after": {"en": 'Keywords after', "fr": 'Mots-clés après'},
    "keywords_before": {"en": 'Keywords before', "fr": 'Mots-clés avant'},
    "model": {"en": 'Model', "fr": 'Modèle'},
    "opportunity": {"en": 'Opportunity', "fr": 'Opportunité'},
    "our_position": {"en": 'Our position', "fr": 'Notre position'},
    "ours_only": {"en": 'Ours only', "fr": 'Nous seuls'},
    "outrank_rate": {"en": 'Outrank rate', "fr": 'Taux de surclassement'},
    "outranking_share": {"en": 'Outranking share', "fr": 'Taux de surclassement'},
    "overlap": {"en": 'Overlap', "fr": 'Chevauchement'},
    "overlap_rate": {"en": 'Overlap rate', "fr": 'Taux de chevauchement'},
    "pages_per_visit": {"en": 'Pages per visit', "fr": 'Pages par visite'},
    "pages_per_visit_change": {"en": 'Pages per visit change', "fr": 'Évolution des pages par visite'},
    "peak_month": {"en": 'Peak month', "fr": 'Mois de pic'},
    "position_above_rate": {"en": 'Position above rate', "fr": 'Taux de position supérieure'},
    "recent": {"en": 'Recent', "fr": 'Récent'},
    "search_volume": {"en": 'Search volume', "fr": 'Volume de recherche'},
    "session_id": {"en": 'Session id', "fr": 'Id de session'},
    "share_change": {"en": 'Share change', "fr": 'Évolution de la part'},
    "shared": {"en": 'Shared', "fr": 'En commun'},
    "start": {"en": 'Start', "fr": 'Début'},
    "term": {"en": 'Term', "fr": 'Terme'},
    "theirs_only": {"en": 'Theirs only', "fr": 'Eux seuls'},
    "they_outrank": {"en": 'They outrank us', "fr": 'Ils nous surclassent'},
    "top_of_page_rate": {"en": 'Top of page rate', "fr": 'Taux en haut de page'},
    "trend": {"en": 'Trend', "fr": 'Tendance'},
    "url": {"en": 'URL', "fr": 'URL'},
    "visits": {"en": 'Visits', "fr": 'Visites'},
    "visits_change": {"en": 'Visits change', "fr": 'Évolution des visites'},
    "yoy_change": {"en": 'Change vs a year ago', "fr": 'Évolution sur un an'},
    "p_value": {"en": "p-value", "fr": "p-valeur"},
    "verdict": {"en": "Verdict", "fr": "Verdict"},
    "z": {"en": "z (robust)", "fr": "z (robuste)"},
    "revenue_at_stake": {"en": "Revenue at stake", "fr": "CA en jeu"},
    "channel_engagement_rate": {"en": "Channel engagement rate", "fr": "Taux d'engagement du canal"},
    "channel_conversion_rate": {"en": "Channel conversion rate", "fr": "Taux de conversion du canal"},
    "share_of_sessions": {"en": "Share of sessions", "fr": "Part des sessions"},
    "failed": {"en": "failed", "fr": "échec"},
}


def label(key: str, lang: str = "en") -> str:
    """The display label of ``key`` in ``lang``; unknown keys are returned with
    underscores turned to spaces and a capital first letter."""
    entry = LABELS.get(key)
    if entry:
        return entry[check_lang(lang)]
    return key.replace("_", " ").capitalize()


def text(lang: str, en: str, fr: str) -> str:
    """Pick the sentence for ``lang`` among the two given."""
    return fr if check_lang(lang) == "fr" else en
