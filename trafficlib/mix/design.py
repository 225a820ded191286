"""The model's design: the weekly (or daily) arrays a media-mix fit needs, built from a
table with one row per period, with the checks a real table needs.

:func:`prepare` returns a :class:`Design`; everything is scaled so that the priors of
:mod:`trafficlib.mix.model` hold whatever the currency and the outcome's size: the outcome
is divided by its mean (``y_scale``), each channel's media by its mean when on (``scale``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trafficlib import schema
from trafficlib.errors import TrafficDataError

__all__ = ["Design", "prepare", "fourier", "holiday_counts"]


@dataclass
class Design:
    """Arrays of one fit (T periods, C channels, K controls).

    ``y`` outcome / ``y_scale``; ``spend`` (T, C) in currency units; ``media`` (T, C), the
    driver of the effect (spend or impressions) divided by ``scale``; ``per_spend`` (C,):
    media units (before scaling) per currency unit, to turn a spend plan into media;
    ``controls`` (T, K) standardized; ``season`` (T, F) Fourier terms; ``trend`` (T,) from
    -0.5 to 0.5 (centred, so that the intercept is the mid-period level); ``train`` (T,)
    bool, the periods in the likelihood (the others are held out)."""

    dates: pd.DatetimeIndex
    freq: str
    outcome: str
    channels: list[str]
    y: np.ndarray
    y_scale: float
    spend: np.ndarray
    media: np.ndarray
    scale: np.ndarray
    per_spend: np.ndarray
    controls: np.ndarray
    control_names: list[str]
    season: np.ndarray
    trend: np.ndarray
    train: np.ndarray
    l_max: int
    notes: list[str] = field(default_factory=list)

    @property
    def periods_per_year(self) -> float:
        return 365.25 if self.freq == "D" else 365.25 / 7


def fourier(t: np.ndarray, period: float, order: int) -> np.ndarray:
    """sin/cos pairs of ``t`` (periods) at 1..order cycles per ``period``: shape (T, 2*order)."""
    cols = []
    for k in range(1, order + 1):
        cols += [np.sin(2 * np.pi * k * t / period), np.cos(2 * np.pi * k * t / period)]
    return np.column_stack(cols) if cols else np.zeros((len(t), 0))


def holiday_counts(dates: pd.DatetimeIndex, freq: str, country: str) -> np.ndarray:
    """Public holidays of ``country`` (the ``holidays`` package) in each period starting at ``dates``."""
    import holidays as hol

    years = range(dates.min().year, dates.max().year + 2)
    days = set(hol.country_holidays(country.upper(), years=years))
    width = 1 if freq == "D" else 7
    return np.array([sum((d + pd.Timedelta(days=i)).date() in days for i in range(width)) for d in dates], float)


def _infer_freq(dates: pd.DatetimeIndex, where: str) -> str:
    gaps = np.diff(dates.values).astype("timedelta64[D]").astype(int)
    if len(gaps) and (gaps == 1).all():
        return "D"
    if len(gaps) and (gaps == 7).all():
        return "W"
    if not len(gaps):
        raise TrafficDataError("one period: a media-mix model needs a history", file=where, column="date")
    step = 7 if (gaps == 7).sum() >= (gaps == 1).sum() else 1  # the table's own step: its commonest gap
    bad = int(np.flatnonzero(gaps != step)[0])
    raise TrafficDataError("the periods must be consecutive days or consecutive weeks, with none missing",
                           file=where, column="date",
                           hint=f"a gap of {gaps[bad]} days after {dates[bad].date()}")


_DATE_NAMES = {"date", "week", "week_start", "date_week", "semaine", "jour", "day", "ds", "period", "periode", "time"}


def _with_dates(data: pd.DataFrame, date: str, where: str) -> tuple[pd.DataFrame, str]:
    """``data`` and the name of its date column: ``date`` when present, else a date index
    (moved into a column), else the one column named like a date (week, semaine, ds...)
    or holding datetimes. Raises :class:`TrafficDataError` when none or several qualify."""
    if date in data:
        return data, date
    if isinstance(data.index, pd.DatetimeIndex):
        name = data.index.name or date
        return data.reset_index(names=name), name
    found = [c for c in data.columns
             if schema.normalize_header(str(c)) in _DATE_NAMES or pd.api.types.is_datetime64_any_dtype(data[c])]
    if len(found) == 1:
        return data, found[0]
    raise TrafficDataError(f"no {date!r} column" + (f" (several could be: {', '.join(map(str, found))})"
                                                    if found else ""), file=where, column=date,
                           hint="name the periods' column with date=...")


def _line(frame: pd.DataFrame, i: int) -> int:
    return int(frame["_line"].iloc[i]) if "_line" in frame else i + 2


def _numeric(frame: pd.DataFrame, col: str, where: str, blank_is_zero: bool = True) -> np.ndarray:
    """The column as floats. A blank is 0 for spend (ad reports leave out idle days) and
    an error for the outcome and the controls (a missing week is not a week of zero)."""
    if col not in frame:
        raise TrafficDataError(f"no column {col!r}", file=where, column=col,
                               hint="columns: " + ", ".join(str(c) for c in frame.columns if c != "_line"))
    if pd.api.types.is_numeric_dtype(frame[col]):
        values = pd.to_numeric(frame[col], errors="coerce")
    else:  # text: French and English number marks ("1 234,50", "1,234.50", "12 %")
        values, _ = schema.parse_number(frame[col])
    bad = values.isna() & frame[col].notna() & frame[col].astype("string").str.strip().ne("")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise TrafficDataError(f"a value that is not a number: {frame[col].iloc[i]!r}", file=where, column=col,
                               rows=[_line(frame, i)])
    if not blank_is_zero and values.isna().any():
        lines = [_line(frame, int(i)) for i in np.flatnonzero(values.isna().to_numpy())[:5]]
        raise TrafficDataError("a period without a value (a missing period is not a zero)", file=where, column=col,
                               rows=lines)
    return values.fillna(0.0).to_numpy(float)


def prepare(data: pd.DataFrame, outcome: str, channels, controls=(), date: str = "date", media: str = "spend",
            l_max: int | None = None, seasonality="auto", holidays: str | None = None, trend: bool = True,
            holdout: int = 0, where: str = "the mix table") -> Design:
    """Check ``data`` and build the :class:`Design`.

    ``media="impressions"`` drives each channel's effect by its ``<channel>_impressions``
    column (ROI still divides by spend). ``l_max``: carry-over length in periods (8 weeks
    or 28 days by default). ``seasonality``: "auto" (yearly Fourier order 2 with two years,
    order 1 with one, none below; plus the day of the week for daily data), an integer
    order, or 0. ``holidays``: a country code, adding the number of public holidays in each
    period as a control. ``holdout``: the last periods kept out of the likelihood, to check
    the fit on weeks it did not see."""
    channels = list(channels)
    if not channels:
        raise TrafficDataError("no channel to model", file=where, hint="give the spend columns as channels=[...]")
    data, date = _with_dates(data, date, where)
    frame = data.copy()
    frame["_line"] = np.arange(len(frame)) + 2  # the file's line of each row (header = line 1)
    frame[date], _ = schema.parse_dates(frame[date], with_time=False)  # ISO or dd/mm/yyyy (French exports)
    if frame[date].isna().any():
        i = int(np.flatnonzero(frame[date].isna().to_numpy())[0])
        raise TrafficDataError("a date that cannot be read", file=where, column=date, rows=[_line(frame, i)])
    frame = frame.sort_values(date).reset_index(drop=True)
    if frame[date].duplicated().any():
        d = frame.loc[frame[date].duplicated(), date].iloc[0]
        raise TrafficDataError(f"the period {d.date()} appears twice", file=where, column=date,
                               rows=sorted(frame.loc[frame[date] == d, "_line"].astype(int)))
    dates = pd.DatetimeIndex(frame[date])
    freq = _infer_freq(dates, where)
    T = len(frame)
    l_max = int(l_max or (28 if freq == "D" else 8))
    minimum = 3 * 52 // 4 if freq == "W" else 180
    if T < minimum:
        raise TrafficDataError(f"{T} periods: a media-mix model needs at least {minimum} "
                               f"{'weeks' if freq == 'W' else 'days'} (two years is the usual advice)", file=where)
    notes = []
    y = _numeric(frame, outcome, where, blank_is_zero=False)
    if (y < 0).any():
        raise TrafficDataError("a negative outcome", file=where, column=outcome,
                               rows=[_line(frame, int(np.flatnonzero(y < 0)[0]))])
    y_scale = float(y.mean())
    if y_scale <= 0:
        raise TrafficDataError("the outcome is zero in every period", file=where, column=outcome)
    spend = np.column_stack([_numeric(frame, c, where) for c in channels])
    if (spend < 0).any():
        c = int(np.flatnonzero((spend < 0).any(axis=0))[0])
        raise TrafficDataError("a negative spend", file=where, column=channels[c],
                               rows=[_line(frame, int(np.flatnonzero(spend[:, c] < 0)[0]))])
    if media == "impressions":
        driver = np.column_stack([_numeric(frame, f"{c}_impressions", where) for c in channels])
    elif media == "spend":
        driver = spend
    else:
        raise ValueError(f"media must be 'spend' or 'impressions', not {media!r}")
    for j, c in enumerate(channels):
        if spend[:, j].sum() <= 0:
            raise TrafficDataError("this channel spent nothing over the periods: leave it out", file=where, column=c)
        if (driver[:, j] > 0).sum() < 4:
            raise TrafficDataError("this channel is on in fewer than 4 periods: too few to tell its effect",
                                   file=where, column=c)
    scale = np.array([driver[driver[:, j] > 0, j].mean() for j in range(len(channels))])
    per_spend = driver.sum(axis=0) / spend.sum(axis=0)
    ctrl_cols, names = [], []
    for c in controls:
        v = _numeric(frame, c, where, blank_is_zero=False)
        if np.ptp(v) <= 1e-9 * max(1.0, float(np.abs(v).max())):  # constant, up to float rounding
            notes.append(f"control {c!r} is the same in every period: left out")
            continue
        ctrl_cols.append((v - v.mean()) / v.std())
        names.append(c)
    if holidays:
        h = holiday_counts(dates, freq, holidays)
        if h.std() > 0:
            ctrl_cols.append((h - h.mean()) / h.std())
            names.append(f"holidays ({holidays.upper()})")
    t = np.arange(T, dtype=float)
    per_year = 365.25 if freq == "D" else 365.25 / 7
    if seasonality == "auto":
        years = T / per_year
        order = 2 if years >= 1.75 else 1 if years >= 1 else 0
        if order == 0:
            notes.append("less than a year of data: no yearly seasonality in the model")
    else:
        order = int(seasonality)
    season = fourier(t, per_year, order)
    if freq == "D":
        season = np.column_stack([season, fourier(t, 7.0, 3)])
    holdout = int(holdout)
    if holdout < 0 or holdout > T // 4:
        raise ValueError(f"holdout must be between 0 and a quarter of the periods ({T // 4}), not {holdout}")
    train = np.ones(T, bool)
    if holdout:
        train[-holdout:] = False
    return Design(dates=dates, freq=freq, outcome=outcome, channels=channels, y=y / y_scale, y_scale=y_scale,
                  spend=spend, media=driver / scale, scale=scale, per_spend=per_spend,
                  controls=np.column_stack(ctrl_cols) if ctrl_cols else np.zeros((T, 0)), control_names=names,
                  season=season, trend=t / max(T - 1, 1) - 0.5 if trend else np.zeros(T), train=train, l_max=l_max,
                  notes=notes)
