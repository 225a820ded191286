"""Input checks for :func:`trafficlib.causal.causal_impact`: periods, frequency, gaps,
and whether daily data is clearly weekly-periodic."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from trafficlib.errors import TrafficDataError

#: Period words by frequency kind (singular, plural), for messages and reports.
UNITS = {"D": ("day", "days"), "W": ("week", "weeks"), "M": ("month", "months"),
         "Q": ("quarter", "quarters"), "Y": ("year", "years"), "other": ("period", "periods")}
UNITS_FR = {"D": ("jour", "jours"), "W": ("semaine", "semaines"), "M": ("mois", "mois"),
            "Q": ("trimestre", "trimestres"), "Y": ("an", "ans"), "other": ("période", "périodes")}
MIN_PRE = {"D": 21}
MIN_PRE_OTHER = 12


def period(p: Sequence, name: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``(start, end)`` as normalised Timestamps; TrafficDataError when not a pair of dates
    or when it ends before it starts."""
    try:
        a, b = p
        a, b = pd.Timestamp(a), pd.Timestamp(b)
    except (TypeError, ValueError):
        raise TrafficDataError(f"{name} must be a pair of dates (start, end)", column=name) from None
    if b < a:
        raise TrafficDataError(f"{name} ends before it starts ({a.date()} > {b.date()})", column=name)
    return a.normalize(), b.normalize()


def infer_frequency(index: pd.DatetimeIndex, file: str = "<DataFrame>") -> tuple[str, str]:
    """The regular frequency of a sorted, duplicate-free date index: ``(pandas freq, kind)``
    with kind ``"D"``, ``"W"``, ``"M"``, ``"Q"``, ``"Y"`` or ``"other"``.

    Gaps are allowed (missing periods are missing values): daily when every step is a
    whole number of days and the smallest is one day; weekly when every step is a
    multiple of 7 days (anchored on the first date's weekday); monthly when every date is
    the same day of the month (or every one a month end) and steps are whole months
    (quarterly / yearly likewise); otherwise whatever ``pandas.infer_freq`` finds.
    Anything else is irregular: TrafficDataError naming the first offending rows.
    """
    idx = pd.DatetimeIndex(index)
    if len(idx) < 3:
        raise TrafficDataError("at least 3 dates are needed to tell the frequency", file=file)
    if (idx == idx.normalize()).all():
        span = np.asarray((idx[1:] - idx[:-1]) / pd.Timedelta(days=1), dtype=float)
        days = np.rint(span).astype(int)
        exact = bool(np.allclose(span, days))
        if exact and days.min() == 1:
            return "D", "D"
        if exact and (days % 7 == 0).all():
            return f"W-{idx[0].day_name()[:3].upper()}", "W"
        step = np.diff((idx.year * 12 + idx.month).to_numpy())
        starts, ends = (idx.day == 1).all(), idx.is_month_end.all()
        if (starts or ends) and (step > 0).all():
            g = int(np.gcd.reduce(step))
            edge, mon = ("S" if starts else "E"), idx[0].strftime("%b").upper()
            if g == 1:
                return "M" + edge, "M"
            if g == 3:
                return f"Q{edge}-{mon}", "Q"
            if g == 12:
                return f"Y{edge}-{mon}", "Y"
    guess = pd.infer_freq(idx) if len(idx) >= 3 else None
    if guess:
        return guess, "other"
    steps = pd.Series(np.asarray((idx[1:] - idx[:-1]) / pd.Timedelta(seconds=1), dtype=float))
    mode = steps.mode().iloc[0]
    odd = [int(i) + 2 for i in np.flatnonzero(steps.to_numpy() != mode)[:5]]
    raise TrafficDataError("the dates are not at a regular frequency (daily, weekly, monthly...)",
                           file=file, rows=odd, hint="aggregate the data to days, weeks or months first")


@dataclass
class Prepared:
    """The checked input on its regular grid, from the pre-period's start to the
    post-period's end (periods between pre and post included, flagged ``gap``)."""

    frame: pd.DataFrame
    controls: list[str]
    freq: str
    kind: str
    pre: np.ndarray
    post: np.ndarray
    gap: np.ndarray


def prepare(data: pd.DataFrame, y: str, controls, pre, post) -> Prepared:
    """Check ``data`` and put it on its regular grid (see :func:`infer_frequency`)."""
    if not isinstance(data, pd.DataFrame) or not isinstance(data.index, pd.DatetimeIndex):
        raise TrafficDataError("data must be a DataFrame indexed by date (one row per day, week or month)",
                               file="<DataFrame>")
    if y not in data.columns:
        raise TrafficDataError(f"no column '{y}' in the data", file="<DataFrame>", column=y)
    if controls is None:
        controls = [c for c in data.columns if c != y and pd.api.types.is_numeric_dtype(data[c])]
    elif isinstance(controls, str):
        controls = [controls]
    controls = list(controls)
    for c in controls:
        if c not in data.columns:
            raise TrafficDataError(f"no control column '{c}' in the data", file="<DataFrame>", column=c)
    if pre[1] >= post[0]:
        raise TrafficDataError("the pre-period must end before the post-period starts", column="pre_period")
    frame = data[[y, *controls]].sort_index()
    if frame.index.has_duplicates:
        raise TrafficDataError("several rows for the same date", file="<DataFrame>",
                               rows=[int(i) + 1 for i in np.flatnonzero(frame.index.duplicated())])
    frame = frame.loc[pre[0]:post[1]]
    if len(frame) < 3:
        raise TrafficDataError("fewer than 3 dates between the pre-period's start and the post-period's end",
                               column=y)
    freq, kind = infer_frequency(frame.index)
    frame = frame.asfreq(freq)
    bad_cells = {}
    for c in frame.columns:
        num = pd.to_numeric(frame[c], errors="coerce")
        bad = num.isna() & frame[c].notna()
        if bad.any():
            bad_cells[c] = bad
        frame[c] = num.astype(float)
    if bad_cells:
        c, bad = next(iter(bad_cells.items()))
        raise TrafficDataError(f"{int(bad.sum())} value(s) that are not numbers", column=c,
                               rows=[int(i) + 1 for i in np.flatnonzero(bad.to_numpy())])
    _, many = UNITS[kind]
    is_pre = np.asarray(frame.index <= pre[1])
    is_post = np.asarray(frame.index >= post[0])
    need = MIN_PRE.get(kind, MIN_PRE_OTHER)
    if frame.loc[is_pre, y].notna().sum() < need:
        raise TrafficDataError(f"the pre-period needs at least {need} {many} with data to learn from",
                               column=y, hint="start the pre-period earlier")
    if not is_post.any():
        raise TrafficDataError("no data in the post-period", column=y)
    if controls:
        missing = frame[controls].isna().any(axis=1)
        if missing.any():
            dates = [d.date().isoformat() for d in frame.index[missing][:5]]
            col = controls[int(np.argmax(frame[controls].isna().any().to_numpy()))]
            raise TrafficDataError(f"control series have missing {many} ({', '.join(dates)})",
                                   column=col, hint="fill or drop the control")
    return Prepared(frame=frame, controls=controls, freq=freq, kind=kind, pre=is_pre, post=is_post,
                    gap=~is_pre & ~is_post)


def weekly_pattern(y: pd.Series, X: pd.DataFrame | None = None) -> dict:
    """Is this daily pre-period series clearly weekly-periodic (beyond what its controls
    already carry)?

    ``y`` is regressed on the controls (least squares), the residual is detrended with a
    centred 7-day moving average, and a one-way ANOVA compares the weekdays. "Clearly"
    means both F-test p < 0.001 and weekdays explaining at least 10 % of the detrended
    variance (eta squared): a strong, unmistakable pattern, so that CausalImpact's
    default (no seasonality) is kept on anything less. Returns ``{"weekly": bool,
    "p_value": float, "eta2": float}``.
    """
    from scipy import stats

    s = y.astype(float)
    ok = s.notna()
    if X is not None and X.shape[1]:
        A = np.column_stack([np.ones(int(ok.sum())), X[ok].to_numpy(float)])
        coef, *_ = np.linalg.lstsq(A, s[ok].to_numpy(), rcond=None)
        s = s.copy()
        s[ok] = s[ok].to_numpy() - A @ coef
    r = (s - s.rolling(7, center=True, min_periods=7).mean()).dropna()
    if len(r) < 28:
        return {"weekly": False, "p_value": float("nan"), "eta2": float("nan")}
    groups = [g.to_numpy() for _, g in r.groupby(r.index.day_of_week) if len(g) > 1]
    if len(groups) < 7:
        return {"weekly": False, "p_value": float("nan"), "eta2": float("nan")}
    f, p = stats.f_oneway(*groups)
    means = r.groupby(r.index.day_of_week).transform("mean")
    total = float(((r - r.mean()) ** 2).sum())
    eta2 = float(((means - r.mean()) ** 2).sum() / total) if total > 0 else 0.0
    return {"weekly": bool(p < 1e-3 and eta2 >= 0.10), "p_value": float(p), "eta2": eta2}
