"""Session rows as a source: the canonical sessions table answers every question."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trafficlib import filecache, metrics
from trafficlib.periods import Period
from trafficlib.query.base import Source, Unsupported

__all__ = ["SessionRows"]


class _Prepared:
    """What :meth:`SessionRows.sums` reuses for one sessions frame: the per-session
    columns the sums add up (:func:`trafficlib.metrics.session_columns`, ``user_id`` as
    integer codes), the derived keys (``date``, ``source_medium``), the rows of each
    period and the sums already answered."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame  # the frame these were computed from (identity checked on use)
        cols = metrics.session_columns(frame)
        # distinct users counted on integer codes (one per user_id; missing ids stay missing)
        codes = pd.factorize(cols["user_id"])[0]
        missing = codes < 0
        cols["user_id"] = (pd.arrays.IntegerArray(codes.astype("int64"), missing) if missing.any()
                           else codes.astype("int64"))
        self.columns = cols
        self.keys: dict[str, pd.Series] = {}
        self.rows: dict = {}
        self.sums: dict = {}

    def key(self, name: str) -> pd.Series:
        """The group key ``name`` over all rows (derived keys computed once)."""
        if name not in self.keys:
            s = self.frame
            if name == "date":  # the day of ``start`` (a ``date`` column of the frame is not used)
                v = s["start"].dt.normalize()
            elif name == "source_medium":
                v = s["source"].fillna("(direct)") + " / " + s["medium"].fillna("(none)")
            else:
                v = s[name]
            self.keys[name] = v
        return self.keys[name]

    def positions(self, period: Period | None):
        """Positions of the rows in ``period`` (None: every row)."""
        if period is None:
            return None
        k = (period.start, period.end)
        if k not in self.rows:
            self.rows[k] = np.flatnonzero(period.mask(self.frame["start"]).to_numpy(dtype=bool, na_value=False))
        return self.rows[k]


@dataclass
class SessionRows(Source):
    """The canonical sessions table (from a sessions file, an event log sessionized in
    DuckDB, a GA4 BigQuery export or a Universal Analytics extract). ``events`` keeps
    the event file or frame for checks that need events (duplicated transactions).

    ``frame`` is read, never changed: :meth:`sums` computes the per-session columns
    once per frame and remembers its answers. Assigning another frame to ``frame``
    starts afresh; changing the frame in place (adding rows, editing values) is not
    supported (build a new SessionRows instead)."""

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

    def share_answers(self, file, what: str, pristine) -> None:
        """Mark ``frame`` as the sessions read from ``file`` (``what`` names the read and
        its settings): the per-session columns and the answers are then kept per file
        identity (:func:`trafficlib.filecache.shared`), built from ``pristine()`` (a
        new copy of that read), so the next report on the same file (a batch's other
        language) reuses them. Until another frame is assigned to ``frame``."""
        self.__dict__["_share"] = (file, what, pristine, self.frame)

    def _prepared(self) -> _Prepared:
        """The reusable columns and answers of the current ``frame`` (rebuilt when
        ``frame`` was replaced by another object). Not dataclass fields: no effect on
        repr, ==, replace()."""
        held = self.__dict__.get("_prep")
        if held is not None and held[0] is self.frame:
            return held[1]
        share = self.__dict__.get("_share")
        if share is not None and share[3] is self.frame:
            file, what, pristine, _ = share
            prep = filecache.shared(file, "session answers", lambda: _Prepared(pristine()), what)
        else:
            prep = _Prepared(self.frame)
        self.__dict__["_prep"] = (self.frame, prep)
        return prep

    def sums(self, by=(), period: Period | None = None) -> pd.DataFrame:
        """Additive sums (see :mod:`trafficlib.query.base`) per group of ``by`` over
        ``period``, as floats; one row per group, the ``by`` columns first. With
        ``by=()``, one row (zeros when no session falls in the period). Answers are
        remembered per (``by``, period): each call returns a copy the caller may change."""
        by = [by] if isinstance(by, str) else list(by)
        self.check(by, period)
        prep = self._prepared()
        memo = (tuple(by), None if period is None else (period.start, period.end))
        if memo not in prep.sums:
            prep.sums[memo] = self._sums(prep, by, period)
        return prep.sums[memo].copy()

    def kpis(self, by=(), period: Period | None = None, ua_bounce: bool = False) -> pd.DataFrame:
        """KPIs per group (:meth:`trafficlib.query.base.Source.kpis`: with ``share`` of
        sessions, sorted by sessions descending), remembered like :meth:`sums`; each
        call returns a copy the caller may change."""
        by = [by] if isinstance(by, str) else list(by)
        self.check(by, period)
        prep = self._prepared()
        memo = ("kpis", tuple(by), None if period is None else (period.start, period.end), bool(ua_bounce))
        if memo not in prep.sums:
            prep.sums[memo] = super().kpis(by, period, ua_bounce)
        return prep.sums[memo].copy()

    @staticmethod
    def _sums(prep: _Prepared, by: list[str], period: Period | None) -> pd.DataFrame:
        """The sums of :meth:`sums`, computed on a slim frame (group keys and the
        per-session numeric columns of the rows in ``period``)."""
        g = prep.columns
        if by:
            g = pd.concat([pd.DataFrame({b: prep.key(b) for b in dict.fromkeys(by)}), g], axis=1)
        rows = prep.positions(period)
        if rows is not None:
            g = g.take(rows)
        t = metrics.sums_of_columns(g, by or None).astype(float)
        if not by:
            t = t.reset_index(drop=True)
            if t.empty:  # no session in the period: zero sessions, not an empty table
                t = pd.DataFrame([{c: 0.0 for c in t.columns}])
            return t
        return t.reset_index()
