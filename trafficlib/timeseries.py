"""Daily series: seasonal decomposition, anomaly days, and period comparisons with
significance. Shared by the audit and the campaign post-mortem.

- :func:`decompose`: STL (statsmodels, robust) into trend, weekly pattern and remainder.
- :func:`anomalies`: the explained rule — a day is flagged when it departs from what
  the trend and the weekly pattern predict by more than ``threshold`` robust standard
  deviations of the remainder (median absolute deviation × 1.4826). Robust STL keeps a
  few outlying days (an outage, a bot burst) from bending the expectation itself.
- :func:`holiday_names`: the public holiday (if any) of each date, for a country (the
  ``holidays`` package, offline), so that a drop on Christmas Day is named as such
  rather than called an anomaly or a tracking gap; :func:`anomalies` adds it with
  ``holidays_country=``.
- :func:`compare_rate` / :func:`compare_count`: is a change between two periods more
  than noise? Rates use statsmodels' two-proportion z-test and a Newcombe (score)
  interval on the difference; counts use Welch's t-test on the daily values (day-to-day
  variation of traffic is larger than Poisson noise).
"""
from __future__ import annotations

import functools

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
from statsmodels.tsa.seasonal import STL

from trafficlib import filecache

__all__ = ["decompose", "anomalies", "holiday_names", "country_code", "dominant_country", "compare_rate",
           "compare_count", "RateTest", "robust_z"]

# Report language -> the holidays package's language codes.
_HOLIDAY_LANG = {"en": "en_US", "fr": "fr"}


@functools.lru_cache(maxsize=32)
def _holiday_table(country: str, subdiv: str | None, years: tuple, language: str | None) -> dict:
    """{day: name} of the public holidays (built once per country, years and language:
    building a calendar costs ~0.3 s and the audit asks twice per report)."""
    import holidays as _holidays

    cal = _holidays.country_holidays(country, subdiv=subdiv, years=list(years) or None)
    # Always name the language: left unset, the package follows the machine's locale.
    if not (language and language in getattr(cal, "supported_languages", ())):
        language = getattr(cal, "default_language", None)
    if language:
        cal = _holidays.country_holidays(country, subdiv=subdiv, years=list(years) or None, language=language)
    names = {pd.Timestamp(d): n for d, n in cal.items()}
    # Days that empty the web in most countries without being public holidays everywhere
    # (Christmas Eve and New Year's Eve are "unofficial" in the US, absent in France's list)
    french = (language or "").startswith("fr")
    for year in years:
        for (month, day), (en, fr) in _EVES.items():
            names.setdefault(pd.Timestamp(year, month, day), fr if french else en)
    return names


# (month, day) -> (English, French) name of the eves added to every country's holidays
_EVES = {(12, 24): ("Christmas Eve", "Réveillon de Noël"), (12, 31): ("New Year's Eve", "Saint-Sylvestre")}


def country_code(value: str | None) -> str | None:
    """An ISO 3166-1 alpha-2 code from a country as exports write it: a code (``"FR"``,
    ``"fra"``, ``"USA"``) or a name in a Search Console / GA4 interface language
    (``"France"``, ``"États-Unis"``, ``"Estados Unidos"``, ``"Vereinigte Staaten"``),
    via Babel's territory names; None when it names no country (``"(not set)"``)."""
    if not value or not str(value).strip():
        return None
    text = str(value).strip()
    table = _country_names()
    if len(text) == 2 and text.upper() in table.values():
        return text.upper()
    return table.get(text.casefold())


def dominant_country(weights, min_share: float = 0.4) -> str | None:
    """The ISO alpha-2 code of the country holding at least ``min_share`` of the total
    in ``weights`` (a Series: country as exports write it -> sessions or clicks), None
    when no country does (an international site) or it names no country."""
    w = pd.Series(weights, dtype="float64").groupby(level=0).sum().dropna()
    w = w[w > 0]
    if w.empty:
        return None
    top = w.idxmax()
    return country_code(str(top)) if w[top] / w.sum() >= min_share else None


@functools.lru_cache(maxsize=1)
def _country_names() -> dict:
    """casefolded name or alpha-3 code -> alpha-2 code, in the interface languages."""
    from babel import Locale

    out: dict = {}
    for loc in ("en", "fr", "es", "de", "it", "pt", "nl", "pl", "sv", "da", "ja", "zh", "ru", "tr"):
        for code, name in Locale.parse(loc).territories.items():
            if len(code) == 2 and code.isalpha():
                out.setdefault(name.casefold(), code)
    # alpha-3 codes (Search Console's API and bulk export write "usa", "fra") from the
    # holidays package's registry, for the countries it has calendars of
    from holidays.registry import COUNTRIES

    for entry in COUNTRIES.values():
        codes = [c for c in entry[1:] if len(c) in (2, 3) and c.isupper()]
        if len(codes) >= 2 and len(codes[0]) == 2 and len(codes[1]) == 3:
            out.setdefault(codes[1].casefold(), codes[0])
    return out


def holiday_names(dates, country: str = "FR", subdiv: str | None = None, lang: str | None = None) -> pd.Series:
    """The public holiday falling on each date, by name, or missing.

    Parameters
    ----------
    dates : Series, Index, DatetimeIndex or list of dates / strings
        Days to look up (a time of day is ignored).
    country : str
        ISO 3166-1 alpha-2 code of the country whose public holidays count
        (``"FR"``, ``"US"``, ``"GB"``, ``"DE"``...), default France.
    subdiv : str, optional
        A region with its own holidays (``"BY"`` for Bavaria, ``"CA"`` for California,
        ``"57"`` for Moselle...).
    lang : str, optional
        Language of the names: ``"en"``, ``"fr"`` or a ``holidays`` code (``"en_US"``).
        Default (or a language the country's list lacks): the country's own language
        (``"Noël"`` for FR, ``"Christmas Day"`` for US).

    Returns
    -------
    Series of str (``string`` dtype) aligned with ``dates`` (same index for a Series,
    else a RangeIndex): e.g. ``"Thanksgiving Day"``, ``"Christmas Day"``, ``"Independence
    Day (observed)"``; missing on ordinary days and on missing dates. Two holidays on one
    day are joined with ``"; "``. Computed offline by the ``holidays`` package (official
    public holidays), plus Christmas Eve and New Year's Eve in every country (days that
    empty the web without being public holidays everywhere); not Black Friday or school
    holidays.

    Raises
    ------
    TrafficDataError
        An unknown country or region code.
    """
    from trafficlib.errors import TrafficDataError

    index = dates.index if isinstance(dates, pd.Series) else None
    days = pd.to_datetime(pd.Series(list(dates) if not isinstance(dates, pd.Series) else dates.to_numpy()),
                          errors="coerce").dt.normalize()
    if index is not None:
        days.index = index
    years = tuple(sorted({int(y) for y in days.dt.year.dropna().unique()}))
    language = _HOLIDAY_LANG.get(lang, lang) if lang else None
    try:
        names = _holiday_table(str(country).upper(), subdiv, years, language)
    except NotImplementedError:
        raise TrafficDataError(f"no public holiday list for country '{country}'"
                               + (f", region '{subdiv}'" if subdiv else ""),
                               hint="an ISO country code such as FR, US, GB, DE, BE, CH, CA") from None
    out = days.map(names).astype("string")
    out.name = "holiday"
    return out


@filecache.by_content  # the en and fr reports, the audit's checks: one fit per series
def decompose(series: pd.Series, period: int = 7, robust: bool = True, seasonal: int = 13) -> pd.DataFrame:
    """STL decomposition of a daily series (index: dates, no gaps).

    ``seasonal`` is STL's seasonal smoother length (odd, in periods): 13 lets the weekly
    pattern drift over about a quarter; statsmodels' default (7) lets it absorb noise,
    which makes the remainder too small and flags ordinary days.

    Returns a DataFrame indexed like ``series`` with ``observed``, ``trend``,
    ``seasonal``, ``resid`` and ``expected`` (= trend + seasonal). Needs at least two
    full periods; shorter series raise ValueError.
    """
    s = series.astype(float)
    if len(s) < 2 * period + 1:
        raise ValueError(f"need at least {2 * period + 1} days for a seasonal decomposition, got {len(s)}")
    res = STL(s, period=period, seasonal=seasonal, robust=robust).fit()
    return pd.DataFrame({"observed": s, "trend": res.trend, "seasonal": res.seasonal,
                         "resid": res.resid, "expected": res.trend + res.seasonal}, index=s.index)


def robust_z(values: pd.Series) -> pd.Series:
    """(x − median) / (1.4826 × MAD): a z-score that outliers do not inflate."""
    v = values.astype(float)
    med = v.median()
    mad = (v - med).abs().median() * 1.4826
    if not mad or np.isnan(mad):
        mad = v.std() or 1.0
    return (v - med) / mad


def anomalies(series: pd.Series, period: int = 7, threshold: float = 3.5,
              holidays_country: str | None = None, holidays_lang: str | None = None) -> pd.DataFrame:
    """Days that depart from the trend and weekly pattern by more than ``threshold``
    robust standard deviations.

    Returns one row per flagged day: ``date``, ``observed``, ``expected``, ``z``
    (signed), ``direction`` ("drop" or "spike") and ``change`` (observed / expected − 1).
    With ``holidays_country`` (e.g. ``"FR"``, ``"US"``), also ``holiday``: the public
    holiday of that day (:func:`holiday_names`, names in ``holidays_lang``), missing on
    ordinary days, so a drop on Thanksgiving is explained rather than reported.
    """
    d = decompose(series, period)
    z = robust_z(d["resid"])
    flagged = d[z.abs() > threshold].assign(z=z[z.abs() > threshold])
    out = pd.DataFrame({
        "date": flagged.index, "observed": flagged["observed"].to_numpy(),
        "expected": flagged["expected"].to_numpy(), "z": flagged["z"].to_numpy(),
    })
    out["direction"] = np.where(out["z"] < 0, "drop", "spike")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["change"] = np.where(out["expected"] > 0, out["observed"] / out["expected"] - 1, np.nan)
    if holidays_country:
        out["holiday"] = holiday_names(out["date"], holidays_country, lang=holidays_lang).to_numpy()
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class RateTest:
    """A rate compared between two periods: ``rate_a`` (current), ``rate_b``
    (comparison), ``diff`` = a − b (fraction points), its 95% interval
    ``diff_low``/``diff_high``, the two-sided ``p_value`` and ``significant`` (p < alpha)."""

    rate_a: float
    rate_b: float
    diff: float
    diff_low: float
    diff_high: float
    p_value: float
    significant: bool


def compare_rate(success_a: int, n_a: int, success_b: int, n_b: int, alpha: float = 0.05) -> RateTest:
    """Two-proportion z-test (statsmodels ``proportions_ztest``) and Newcombe score
    interval (``confint_proportions_2indep(method="newcomb")``) for a − b."""
    if min(n_a, n_b) <= 0:
        nan = float("nan")
        return RateTest(nan, nan, nan, nan, nan, nan, False)
    _, p = proportions_ztest([success_a, success_b], [n_a, n_b])
    lo, hi = confint_proportions_2indep(success_a, n_a, success_b, n_b, method="newcomb", alpha=alpha)
    ra, rb = success_a / n_a, success_b / n_b
    p = float(p) if not np.isnan(p) else 1.0
    return RateTest(ra, rb, ra - rb, float(lo), float(hi), p, p < alpha)


def compare_count(daily_a: pd.Series, daily_b: pd.Series, alpha: float = 0.05) -> dict:
    """Daily volumes of two periods: mean per day of each, relative change of the
    totals scaled to the same number of days, and Welch's t-test p-value on the daily
    values. Returns a dict (``mean_a``, ``mean_b``, ``change``, ``p_value``,
    ``significant``)."""
    a, b = daily_a.astype(float), daily_b.astype(float)
    if len(a) < 2 or len(b) < 2:
        return {"mean_a": a.mean(), "mean_b": b.mean(), "change": np.nan, "p_value": np.nan, "significant": False}
    t = stats.ttest_ind(a, b, equal_var=False)
    change = a.mean() / b.mean() - 1 if b.mean() > 0 else np.nan
    p = float(t.pvalue) if not np.isnan(t.pvalue) else 1.0
    return {"mean_a": a.mean(), "mean_b": b.mean(), "change": change, "p_value": p, "significant": p < alpha}
