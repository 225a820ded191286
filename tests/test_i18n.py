"""French and English formatting."""
from __future__ import annotations

import math

import pytest

from trafficlib import i18n

NB = "\u00a0"  # no-break space
NNB = "\u202f"  # narrow no-break space (CLDR French thousands separator)


def test_money():
    assert i18n.fmt_money(1234.5, "fr", decimals=1) == f"1{NNB}234,5{NB}€"
    assert i18n.fmt_money(1234.5, "en", decimals=1) == "€1,234.5"
    assert i18n.fmt_money(1234.5, "en") == "€1,234.50"
    assert i18n.fmt_money(-3, "fr", decimals=0) == f"-3{NB}€"


def test_percent_and_delta():
    assert i18n.fmt_pct(0.123, "fr") == f"12,3{NB}%"
    assert i18n.fmt_pct(0.123, "en") == "12.3%"
    assert i18n.fmt_delta(0.052, "en") == "+5.2%"
    assert i18n.fmt_delta(-0.1, "fr") == f"\u221210,0{NB}%"
    assert i18n.fmt_delta(0, "en") == "0.0%"


def test_numbers_dates_durations():
    assert i18n.fmt_int(1234567, "fr") == f"1{NNB}234{NNB}567"
    assert i18n.fmt_int(1234567, "en") == "1,234,567"
    assert i18n.fmt_number(0.5, "fr", 2) == "0,50"
    assert i18n.fmt_date("2026-01-05", "fr") == "05/01/2026"
    assert i18n.fmt_date("2026-01-05", "en") == "2026-01-05"
    assert i18n.fmt_date("2026-01-05", "fr", long=True) == "5 janv. 2026"
    assert i18n.fmt_duration(125, "fr") == f"2{NB}min{NB}05{NB}s"
    assert i18n.fmt_duration(42, "en") == "42s"


@pytest.mark.parametrize("missing", [None, float("nan"), math.nan])
def test_missing_values_are_a_dash_not_zero(missing):
    for f in (i18n.fmt_money, i18n.fmt_pct, i18n.fmt_int, i18n.fmt_delta, i18n.fmt_date):
        assert f(missing, "fr") == "\u2013"


def test_labels_and_languages():
    assert i18n.label("bounce_rate", "fr") == "Taux de rebond"
    assert i18n.label("bounce_rate", "en") == "Bounce rate"
    assert i18n.label("some_new_key", "fr") == "Some new key"
    with pytest.raises(ValueError, match="unsupported language"):
        i18n.label("sessions", "de")


def test_formatting_gives_what_babels_own_functions_give():
    """fmt_* keep Babel's parsed patterns and locales: same text as calling Babel's
    format_decimal / format_percent / format_currency each time."""
    import random

    from babel.numbers import format_currency, format_decimal, format_percent

    from trafficlib import i18n

    rng = random.Random(7)
    values = [0.0, -0.0, 0.5, 1234.5, -98765.4321, 1e9, 0.00049] + [rng.uniform(-1e6, 1e6) for _ in range(200)]
    for lang, loc in (("en", "en_GB"), ("fr", "fr_FR")):
        for x in values:
            assert i18n.fmt_number(x, lang, 2) == format_decimal(x, format="#,##0.00", locale=loc)
            assert i18n.fmt_int(x, lang) == format_decimal(x, format="#,##0", locale=loc)
            pct = "#,##0.0\u00a0%" if lang == "fr" else "#,##0.0%"
            assert i18n.fmt_pct(x / 1e6, lang) == format_percent(x / 1e6, format=pct, locale=loc)
            cur = "#,##0.00\u00a0¤" if lang == "fr" else "¤#,##0.00"
            assert i18n.fmt_money(x, lang) == format_currency(x, "EUR", format=cur, locale=loc, currency_digits=False)
