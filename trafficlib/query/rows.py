"""Session rows as a source: the canonical sessions table answers every question."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from trafficlib import metrics
from trafficlib.periods import Period
from trafficlib.query.base import Source, Unsupported

__all__ = ["SessionRows"]


@dataclass
class SessionRows(Source):
    """The canonical sessions table (from a sessions file, an event log sessionized in
    DuckDB, a GA4 BigQuery export or a Universal Analytics extract). ``events`` keeps
    the event file or frame for checks that need events (duplicated transactions)."""

    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    events: object = None

    def dimensions(self) -> set[str]:
        dims = {c for c in ("channel", "source", "medium", "campaign", "landing_page", "device", "country")
                if c in self.frame}
        return dims | {"date", "source_medium"}

    def span(self):
        if self.frame.empty:
            return None
        st = self.frame["start"]
        return st.min().normalize(), st.max().normalize()

    def has_rows(self) -> bool:
        return True

    def session_rows(self) -> pd.DataFrame:
        return self.frame

    def check(self, by=(), period: Period | None = None) -> None:
        missing = [b for b in by if b not in self.dimensions()]
        if missing:
            raise Unsupported(f"the sessions have no {', '.join(missing)} column")

    def _in(self, period: Period | None) -> pd.DataFrame:
        s = self.frame
        return s if period is None else s[period.mask(s["start"])]

    def sums(self, by=(), period: Period | None = None) -> pd.DataFrame:
        by = [by] if isinstance(by, str) else list(by)
        self.check(by, period)
        s = self._in(period)
        extra = {}
        if "date" in by:
            extra["date"] = s["start"].dt.normalize()
        if "source_medium" in by:
            extra["source_medium"] = s["source"].fillna("(direct)") + " / " + s["medium"].fillna("(none)")
        if extra:
            s = s.assign(**extra)
        t = metrics.session_sums(s, by or None).astype(float)
        if not by:
            t = t.reset_index(drop=True)
            if t.empty:  # no session in the period: zero sessions, not an empty table
                t = pd.DataFrame([{c: 0.0 for c in t.columns}])
            return t
        return t.reset_index()
