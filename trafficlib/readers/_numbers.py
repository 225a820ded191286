"""Numbers, durations and dates as exports write them, in English and French locales.

An export column is parsed as a whole, because one value alone is ambiguous: "1,234"
is one thousand two hundred and thirty-four in an English file and 1.234 in a French
one. :func:`numbers` decides the decimal mark per column from the values that can only
be read one way (``12,5`` or ``0.75``), then from the file's locale, and reads groups of
three digits in count columns as thousands.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["numbers", "checked_numbers", "durations", "yyyymmdd_or_dates", "MISSING"]

MISSING = {"", "--", "-", "–", "—", "n/a", "na", "(not set)", "null", "none", " --"}
_JUNK = re.compile(r"[\s\u00a0\u202f€$£¥%]|\b(?:EUR|USD|GBP|CHF|CAD|AUD|JPY)\b", re.IGNORECASE)
_DEC_COMMA = re.compile(r"^[+-]?\d*,(\d{1,2}|\d{4,})$|^[+-]?\d{1,3}(\.\d{3})+,\d+$")
_DEC_POINT = re.compile(r"^[+-]?\d*\.(\d{1,2}|\d{4,})$|^[+-]?\d{1,3}(,\d{3})+\.\d+$")
_GROUPS_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")
_GROUPS_POINT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_GROUPS_SPACE = re.compile(r"^[+-]?\d{1,3}([ \u00a0\u202f']\d{3})+([.,]\d+)?$")


def numbers(values: pd.Series, decimal: str | None = None, integer: bool = False,
            percent: bool | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse a column of number strings.

    Parameters
    ----------
    decimal : ``"."``, ``","`` or None
        The file's decimal mark when known (its locale); the column's own unambiguous
        values win over it.
    integer : bool
        A count column (sessions, clicks): ``1,234`` and ``1.234`` are thousands there.
    percent : bool or None
        Divide by 100 (``"12.5%"`` -> 0.125). None: only values written with ``%`` are.

    Returns
    -------
    (values, bad): float Series (NaN for missing: empty, ``--``, ``n/a``) and a boolean
    Series marking cells that are not numbers.
    """
    fast = _shortcut(values, percent)
    if fast is not None:
        return fast
    return _by_rules(values, decimal, integer, percent)


def _shortcut(values: pd.Series, percent: bool | None) -> tuple[pd.Series, pd.Series] | None:
    """(values, bad) when the column needs none of the locale rules (:func:`_plain`,
    :func:`_one_mark`), else None."""
    fast = _plain(values, percent)
    return fast if fast is not None else _one_mark(values, percent)


def _by_rules(values: pd.Series, decimal: str | None, integer: bool,
              percent: bool | None) -> tuple[pd.Series, pd.Series]:
    """:func:`numbers` for any column: the decimal mark voted by the values that can
    only be read one way, thousands groups, currency signs, ``%``, ``(negatives)``."""
    text = values.astype("string").str.strip()
    missing = text.isna() | text.str.lower().isin(MISSING)
    had_pct = text.str.contains("%", regex=False).fillna(False)
    spaced = text.str.fullmatch(_GROUPS_SPACE.pattern).fillna(False)
    t = text.str.replace(_JUNK, "", regex=True).str.replace("'", "", regex=False)
    t = t.str.replace("\u2212", "-", regex=False)
    neg_paren = t.str.fullmatch(r"\(.*\)").fillna(False)
    t = t.mask(neg_paren, "-" + t.str.strip("()"))
    sample = t[~missing]
    comma_votes = int(sample.str.fullmatch(_DEC_COMMA.pattern).fillna(False).sum())
    point_votes = int(sample.str.fullmatch(_DEC_POINT.pattern).fillna(False).sum())
    if comma_votes and not point_votes:
        dec = ","
    elif point_votes and not comma_votes:
        dec = "."
    elif spaced.any():
        dec = ","
    else:
        dec = decimal or "."
    if dec == ",":
        t = t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        grouped = t.str.fullmatch(_GROUPS_COMMA.pattern).fillna(False) | t.str.contains(r",\d{3}\.", regex=True).fillna(False)
        if integer or grouped.any() or decimal == ".":
            t = t.str.replace(",", "", regex=False)
    if integer and dec == ",":
        pass  # already dropped the '.' thousands groups
    elif integer:
        pts = t.str.fullmatch(_GROUPS_POINT.pattern).fillna(False)
        if pts.any() and not point_votes:
            t = t.mask(pts, t.str.replace(".", "", regex=False))
    out = pd.to_numeric(t.mask(missing), errors="coerce").astype("float64")
    bad = out.isna() & ~missing
    scale = had_pct if percent is None else pd.Series(bool(percent), index=values.index)
    out = out.where(~scale.to_numpy(), out / 100.0)
    return out, bad.astype(bool)


def _plain(values: pd.Series, percent: bool | None) -> tuple[pd.Series, pd.Series] | None:
    """(values, bad) when the column needs no locale rules: numbers already, or text in
    which every cell is a number without a decimal mark or thousands separator
    ("1234", "-5"); None otherwise. Most machine-written columns are one of these, and
    one ``to_numeric`` pass is several times cheaper than the rules below."""
    if pd.api.types.is_bool_dtype(values):
        return None
    if pd.api.types.is_numeric_dtype(values):
        out = values.astype("float64")
    else:
        if len(values) == 0:
            return None
        text = values.astype("string")
        if text.isna().any() or text.str.contains(".", regex=False).any():
            return None
        out = pd.to_numeric(text, errors="coerce")
        if out.isna().any():
            return None
        out = out.astype("float64")
    if percent:
        out = out / 100.0
    return out, pd.Series(False, index=values.index)


# every cell a number with one kind of decimal mark, thousands grouped by the other mark,
# by spaces (French: no-break or narrow no-break spaces) or not at all
_SPACES = "[ \u00a0\u202f]"
_ONE_MARK = {mark: rf"[+-]?(?:\d{{1,3}}(?:{re.escape(group)}\d{{3}})+|\d{{1,3}}(?:{_SPACES}\d{{3}})+|\d+)(?:{re.escape(mark)}\d+)?"
             for mark, group in ((".", ","), (",", "."))}
# the rules' own votes for that mark (a value that can only be read one way)
_VOTE = {".": _DEC_POINT.pattern, ",": _DEC_COMMA.pattern}


def _one_mark(values: pd.Series, percent: bool | None) -> tuple[pd.Series, pd.Series] | None:
    """(values, bad) for a text column of plain numbers written with one decimal mark,
    ``.`` or ``,``, thousands grouped by the other mark, by spaces or not at all
    (``"0.5812"``, ``"1,234.56"``, ``"83,63"``, ``"1 234,50"``), when the rules would
    settle the mark from the column alone: some cell votes for it as the rules count
    votes (decimals that cannot be a group of three), or, for the comma, spaces group
    the thousands, a ``%`` after every number or after none; None otherwise (no
    currency signs, no missing cells).
    Machine-written exports are like this (GA4 rates and averages, ad costs, French
    Google Ads downloads): :func:`_by_rules` reads such a column the same way, with a
    dozen passes instead of three vectorised ones (tested against it)."""
    if len(values) == 0 or pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return None
    text = values.astype("string")
    if text.isna().any():
        return None
    signed = text.str.endswith("%")
    if signed.any():  # rates written with % in every cell ("3,88 %", "12.5%"): read as the rules do
        if not signed.all():
            return None
        text = text.str.replace(rf"{_SPACES}?%$", "", regex=True)
        percent = True if percent is None else percent
    spaced = None
    for mark, group in ((".", ","), (",", ".")):
        if not text.str.fullmatch(_ONE_MARK[mark]).all():
            continue
        if spaced is None:
            spaced = text.str.contains(_SPACES, regex=True).any()
        plain = text.str.replace(_SPACES, "", regex=True) if spaced else text
        if not plain.str.fullmatch(_VOTE[mark]).any() and not (mark == "," and spaced):
            continue  # undecided here ("1.234", "1 234"): the comma's turn, else the rules'
        plain = plain.str.replace(group, "", regex=False)
        if mark == ",":
            plain = plain.str.replace(",", ".", regex=False)
        out = pd.to_numeric(plain, errors="coerce").astype("float64")
        if out.isna().any():  # pragma: no cover - the pattern admits numbers only
            return None
        if percent:
            out = out / 100.0
        return out, pd.Series(False, index=values.index)
    return None


_DURATION = re.compile(r"^(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*(?:m|min))?\s*(?:(?P<s>\d+(?:[.,]\d+)?)\s*s)?$")


def durations(values: pd.Series, decimal: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Durations in seconds from ``83.2``, ``"1m 23s"``, ``"1 min 23 s"``, ``"00:01:23"``
    or ``"1h 02m 03s"``. Returns (seconds, bad) like :func:`numbers`."""
    fast = _shortcut(values, None)
    if fast is not None:  # seconds written as plain numbers (GA4's averages): no units to read
        return fast
    text = values.astype("string").str.strip().str.lower()
    missing = text.isna() | text.isin(MISSING)
    out = pd.Series(np.nan, index=values.index, dtype="float64")
    hms = text.str.fullmatch(r"\d+:\d{2}(:\d{2}(\.\d+)?)?").fillna(False)
    if hms.any():
        parts = text[hms].str.split(":")
        secs = parts.map(lambda p: sum(float(x) * 60 ** (len(p) - 1 - i) for i, x in enumerate(p)))
        out[hms] = secs.astype(float)
    units = text.str.contains(r"\d\s*(?:h|m|min|s)\b", regex=True).fillna(False) & ~hms
    if units.any():
        def conv(s):
            m = _DURATION.fullmatch(s.replace(" ", ""))
            if not m or not any(m.groupdict().values()):
                return np.nan
            return (int(m["h"] or 0) * 3600 + int(m["m"] or 0) * 60 + float((m["s"] or "0").replace(",", ".")))
        out[units] = text[units].map(conv).astype(float)
    plain = ~(hms | units | missing)
    if plain.any():
        vals, _ = numbers(values[plain], decimal=decimal)
        out[plain] = vals
    bad = out.isna() & ~missing
    return out, bad


def yyyymmdd_or_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Days from GA4's ``20240131``, ISO ``2024-01-31``, French ``31/01/2024``, or
    ``Jan 31, 2024``. Returns (datetime64 days, bad)."""
    from trafficlib import schema

    if schema.holds_dates(values):  # days already (a Parquet DATE column)
        return schema.parse_dates(values, with_time=False)
    text = values.astype("string").str.strip()
    missing = text.isna() | (text == "")
    compact = text.str.fullmatch(r"(19|20)\d{6}").fillna(False)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if compact.any():
        out[compact] = pd.to_datetime(text[compact], format="%Y%m%d", errors="coerce")
    rest = ~compact & ~missing
    if rest.any():
        parsed, bad = schema.parse_dates(text[rest], with_time=False)
        if bad.any():  # "Jan 31, 2024", "31 janv. 2024"...
            alt = pd.to_datetime(text[rest][bad], errors="coerce", format="mixed")
            parsed = parsed.where(~bad, alt)
        out[rest] = pd.to_datetime(parsed).dt.normalize()
    bad = out.isna() & ~missing
    return out, bad


def checked_numbers(values: pd.Series, *, file: str, column: str, lines, decimal: str | None = None,
                    integer: bool = False, nonneg: bool = True, what: str = "counts and amounts") -> pd.Series:
    """:func:`numbers` for a column that must be readable (and, with ``nonneg``, not
    negative): the values as floats, or one :class:`TrafficDataError` naming the file,
    the ``column`` as headed in the file and the ``lines`` (1-based file lines of the
    rows, in order) at fault."""
    from trafficlib.errors import TrafficDataError

    vals, bad = numbers(values, decimal=decimal, integer=integer)
    if bad.any():
        raise TrafficDataError(f"cannot read '{values[bad].iloc[0]}' as a number", file=file, column=column,
                               rows=[lines[i] for i in np.flatnonzero(bad.to_numpy())])
    if nonneg and (vals < 0).any():
        raise TrafficDataError(f"negative values where {what} cannot be negative", file=file, column=column,
                               rows=[lines[i] for i in np.flatnonzero((vals < 0).to_numpy())])
    return vals
