"""Report periods and their comparison periods.

A period is a closed range of days ``(start, end)``. The comparison is:

- ``"previous"``: the same number of days just before (10-16 Oct -> 3-9 Oct); whole
  calendar months face the preceding whole months (October -> September);
- ``"yoy"``: the same dates one year earlier (52 weeks earlier when ``align_weekdays``,
  so Mondays face Mondays);
- ``"YYYY-MM-DD:YYYY-MM-DD"``: explicit dates;
- ``"none"`` or empty: no comparison.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Period", "resolve", "last_full_months", "require_data", "spread_over_days"]


@dataclass(frozen=True)
class Period:
    """A closed range of days; ``contains`` works on timestamps (end day included)."""

    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def days(self) -> int:
        return int((self.end - self.start).days) + 1

    def mask(self, ts: pd.Series) -> pd.Series:
        """Boolean mask of timestamps falling on a day of the period."""
        return (ts >= self.start) & (ts < self.end + pd.Timedelta(days=1))

    def label(self, lang: str = "en") -> str:
        from trafficlib.i18n import fmt_date

        return f"{fmt_date(self.start, lang)} – {fmt_date(self.end, lang)}"


def _day(value, name: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError):
        raise ValueError(f"{name}: cannot read the date {value!r} (use YYYY-MM-DD)") from None


def resolve(start, end, compare: str | None = "previous", align_weekdays: bool = True) -> tuple[Period, Period | None]:
    """The report period and its comparison period (or None). Raises ValueError with a
    readable message for bad dates or an unknown comparison."""
    cur = Period(_day(start, "period_start"), _day(end, "period_end"))
    if cur.end < cur.start:
        raise ValueError(f"period_end {cur.end.date()} is before period_start {cur.start.date()}")
    comp = (compare or "none").strip().lower()
    if comp in ("none", ""):
        return cur, None
    if comp == "previous":
        if cur.start.day == 1 and (cur.end + pd.Timedelta(days=1)).day == 1:
            # whole calendar months: compare with the preceding whole months (October
            # faces September, not 31 Aug - 30 Sep)
            months = (cur.end.year - cur.start.year) * 12 + cur.end.month - cur.start.month + 1
            start = cur.start - pd.DateOffset(months=months)
            return cur, Period(start.normalize(), cur.start - pd.Timedelta(days=1))
        return cur, Period(cur.start - pd.Timedelta(days=cur.days), cur.start - pd.Timedelta(days=1))
    if comp == "yoy":
        shift = pd.Timedelta(weeks=52) if align_weekdays else pd.DateOffset(years=1)
        return cur, Period(cur.start - shift, cur.end - shift)
    if ":" in comp:
        a, b = comp.split(":", 1)
        other = Period(_day(a, "compare"), _day(b, "compare"))
        return cur, other
    raise ValueError(f"compare: expected 'previous', 'yoy', 'none' or 'YYYY-MM-DD:YYYY-MM-DD', got {compare!r}")


def last_full_months(last_day, months: int = 3) -> tuple[pd.Timestamp, pd.Timestamp]:
    """(start, end) of the ``months`` full calendar months ending on or before ``last_day``."""
    last = pd.Timestamp(last_day).normalize()
    end = last if (last + pd.Timedelta(days=1)).day == 1 else last.replace(day=1) - pd.Timedelta(days=1)
    start = (end.replace(day=1) - pd.DateOffset(months=months - 1)).normalize()
    return start, end


def require_data(timestamps: pd.Series, period: Period, what: str = "sessions") -> None:
    """Raise :class:`trafficlib.TrafficDataError` when no timestamp falls in ``period``,
    saying which dates the data do cover (a report on an empty period is a wrong
    parameter, not a report)."""
    from trafficlib.errors import TrafficDataError

    if period.mask(timestamps).any():
        return
    if len(timestamps) == 0:
        raise TrafficDataError(f"no {what} at all")
    lo, hi = timestamps.min(), timestamps.max()
    raise TrafficDataError(
        f"no {what} between {period.start.date()} and {period.end.date()}; "
        f"the data cover {lo.date()} to {hi.date()}", hint="change period_start / period_end")


def spread_over_days(rows: pd.DataFrame, values, keep=(), start: str = "date", end: str = "date_end") -> pd.DataFrame:
    """Rows covering ``start`` .. ``end`` (a week, a month, a report's range) spread evenly
    over their days: one row per day (``day``) with the ``keep`` columns as they are and
    each of ``values`` divided by the row's number of days (NaN stays NaN). A missing or
    earlier ``end`` counts as one day."""
    rows = rows.reset_index(drop=True)
    first = pd.to_datetime(rows[start])
    last = pd.to_datetime(rows[end]).fillna(first) if end in rows else first
    n = ((last - first).dt.days + 1).clip(lower=1).to_numpy(np.int64)
    idx = np.repeat(np.arange(len(rows)), n)
    offset = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    out = pd.DataFrame({"day": first.to_numpy()[idx] + offset * np.timedelta64(1, "D")})
    for k in keep:
        out[k] = rows[k].to_numpy()[idx]
    for v in values:
        out[v] = pd.to_numeric(rows[v], errors="coerce").to_numpy(float)[idx] / n[idx]
    return out
