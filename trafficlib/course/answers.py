"""Reading what a learner typed (numbers in French or English, percentages, names,
weekdays, dates, yes/no) and judging it against the expected answer."""
from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

import pandas as pd

from trafficlib.course.exercises import Exercise
from trafficlib.course.solvers import _WEEKDAYS


def _plain(text: str) -> str:
    """Case, accents, surrounding quotes/slashes and repeated spaces ignored."""
    t = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    t = re.sub(r"\s+", " ", t.strip().strip("'\"").casefold())
    return t.rstrip("/") if len(t) > 1 else t


def _number(answer: Any) -> tuple[float | None, bool]:
    """(value, had a % sign) of a typed number; (None, False) if not a number."""
    if isinstance(answer, bool):
        return None, False
    if isinstance(answer, (int, float)):
        return (float(answer), False) if math.isfinite(float(answer)) else (None, False)
    if isinstance(answer, str):
        from trafficlib import schema
        values, bad = schema.parse_number(pd.Series([answer]))
        if bad.iloc[0] or pd.isna(values.iloc[0]):
            return None, False
        return float(values.iloc[0]), "%" in answer
    try:  # numpy scalars
        return float(answer), False
    except (TypeError, ValueError):
        return None, False


def _date(answer: Any) -> pd.Timestamp | None:
    try:
        if isinstance(answer, str) and re.fullmatch(r"\s*\d{1,2}/\d{1,2}/\d{4}\s*", answer):
            return pd.to_datetime(answer.strip(), dayfirst=True).normalize()
        return pd.Timestamp(answer).normalize()
    except (ValueError, TypeError):
        return None


_YES = {"yes", "y", "oui", "o", "true", "vrai", "1"}
_NO = {"no", "n", "non", "false", "faux", "0"}


def _verdict(ex: Exercise, answer: Any, truth: Any) -> str:
    """"right", "wrong", "percent" (a percentage typed for a fraction), "unreadable"."""
    kind = ex.kind
    if kind in ("number", "rate"):
        value, pct = _number(answer)
        if value is None:
            return "unreadable"
        if pct:
            value /= 100
        tol = ex.tolerance * abs(truth) if ex.relative else ex.tolerance
        if abs(value - truth) <= tol + 1e-12:
            return "right"
        if kind == "rate" and not pct and abs(value / 100 - truth) <= tol + 1e-12:
            return "percent"
        return "wrong"
    if kind == "yesno":
        if isinstance(answer, bool):
            given = answer
        elif _plain(answer) in _YES:
            given = True
        elif _plain(answer) in _NO:
            given = False
        else:
            return "unreadable"
        return "right" if given == bool(truth) else "wrong"
    if kind == "date":
        given = _date(answer)
        if given is None:
            return "unreadable"
        return "right" if given == pd.Timestamp(truth).normalize() else "wrong"
    if not isinstance(answer, str):
        return "unreadable"
    if kind == "weekday":
        names = next(p for p in _WEEKDAYS if p[0] == truth)
        return "right" if _plain(answer) in {_plain(n) for n in names} else "wrong"
    accepted = truth if isinstance(truth, (list, tuple)) else [truth]
    return "right" if _plain(answer) in {_plain(a) for a in accepted} else "wrong"

