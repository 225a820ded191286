"""The questions every web analysis asks, and what a source must answer.

A :class:`Source` answers ``sums(by, period)``: additive session measures summed over
the groups of ``by`` (dimension names such as ``"date"``, ``"channel"``,
``"landing_page"``) for the days of ``period``, plus distinct users where the source can
count them at that grain. KPIs (rates, averages) are always recomputed from those sums by
:func:`trafficlib.metrics.kpis_from_sums`, never averaged.

Sum columns (all floats; NaN where the source cannot know them):

=====================  ============================================================
sessions               sessions
engaged_sessions       GA4 engaged sessions
converting_sessions    sessions with at least one key event
conversions            key events (purchases)
revenue                purchase revenue, account currency
pageviews              page views
engagement_time        total engagement time, seconds
single_page            single-page-view sessions (for the UA bounce rate)
new_users              sessions of new users (first session of the user)
users                  distinct users of the group: never a sum of smaller groups
=====================  ============================================================
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from trafficlib.periods import Period

__all__ = ["Source", "SUMS", "Unsupported", "virtual_dimensions"]

SUMS = ["sessions", "users", "new_users", "engaged_sessions", "single_page", "pageviews", "engagement_time",
        "conversions", "converting_sessions", "revenue"]

# Dimensions computed from others.
virtual_dimensions = {"source_medium": ("source", "medium")}


class Unsupported(Exception):
    """The source cannot answer this question; ``str(exc)`` says which export would.
    ``needs`` holds the dimensions a GA4 report would need, ``have`` the exports read."""

    def __init__(self, message: str, needs=(), have: str = ""):
        super().__init__(message)
        self.needs = list(needs)
        self.have = have


@dataclass
class Source:
    """Base class of the sources of figures (session rows, event logs, cubes)."""

    origin: str = "sessions"           # "sessions", "events", "ga4", "cube", "ua"
    description: str = ""
    notes: list[str] = field(default_factory=list)

    # -- what it holds
    def dimensions(self) -> set[str]:
        raise NotImplementedError

    def span(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """First and last day with data, or None when the source has no dates."""
        raise NotImplementedError

    def has_rows(self) -> bool:
        """True when the source holds session rows (row-level checks can run)."""
        return False

    # -- the questions
    def supports(self, by=(), period: Period | None = None) -> bool:
        try:
            self.check(by, period)
            return True
        except Unsupported:
            return False

    def check(self, by=(), period: Period | None = None) -> None:
        """Raise :class:`Unsupported` (with the plain reason) when ``sums`` cannot answer."""

    def sums(self, by=(), period: Period | None = None) -> pd.DataFrame:
        """Additive sums (see module doc) per group of ``by`` over ``period``; one row
        per group, the ``by`` columns first. With ``by=()``, one row."""
        raise NotImplementedError

    def kpis(self, by=(), period: Period | None = None, ua_bounce: bool = False) -> pd.DataFrame:
        """KPIs per group (:func:`trafficlib.metrics.kpis_from_sums`) with ``share`` of
        sessions, sorted by sessions descending."""
        from trafficlib import metrics

        by = [by] if isinstance(by, str) else list(by)
        t = self.sums(by, period)
        out = metrics.kpis_from_sums(t.set_index(by) if by else t, ua_bounce)
        if by:
            out.insert(1, "share", out["sessions"] / out["sessions"].sum())
            out = out.sort_values("sessions", ascending=False, kind="stable").reset_index()
        return out

    def daily(self, period: Period | None = None, by: str | None = None) -> pd.DataFrame:
        """Sums per day (and per ``by``), every day of the data's span in the period
        present (a day without data is 0: that is what a tracking gap looks like)."""
        keys = ["date"] + ([by] if by else [])
        t = self.sums(keys, period)
        if by is None and len(t):
            full = pd.date_range(t["date"].min(), t["date"].max(), freq="D", name="date")
            # a day without data is 0, for the figures the source has (a metric it never
            # measured stays NaN, never a row of zeros)
            add = [c for c in SUMS if c != "users" and t[c].notna().any()]
            t = t.set_index("date").reindex(full)
            t[add] = t[add].fillna(0.0)
            t = t.reset_index()
        return t

    def session_rows(self) -> pd.DataFrame | None:
        """The sessions table when the source has rows, else None."""
        return None
