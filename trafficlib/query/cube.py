"""Aggregated exports (GA4 interface reports, daily series) as a source of figures.

A cube answers a question when one of its exports holds every dimension asked (the
others are summed over: sessions, key events and revenue add up over any grouping) and
covers the period: with a ``date`` dimension, by filtering days; without one, only when
the export's own period is the period asked. Users never add up: they are shown only
from an export at exactly the grain asked (its rows, or its own total row for the
whole period), otherwise they are NaN and the report says they are not available.
Where the export states a total for the grain and period asked, the total is the
figure shown (row limits and "(other)" rows make the rows fall short of it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib.periods import Period
from trafficlib.query.base import SUMS, Source, Unsupported

__all__ = ["Cube", "export_hint"]

_ADDITIVE = [c for c in SUMS if c not in ("users", "new_users")]
_USERS = ("users", "new_users")

# GA4 interface names of the dimensions (English, French), for the plain lines saying
# which export is missing: the names the user sees in their own GA4 interface.
_UI_NAMES = {"date": ("Date", "Date"),
             "channel": ("Session default channel group", "Groupe de canaux par défaut de la session"),
             "source": ("Session source", "Source de la session"), "medium": ("Session medium", "Support de la session"),
             "source_medium": ("Session source / medium", "Source/Support de la session"),
             "campaign": ("Session campaign", "Campagne de la session"),
             "landing_page": ("Landing page", "Page de destination"),
             "device": ("Device category", "Catégorie d'appareil"), "country": ("Country", "Pays"),
             "page": ("Page path and screen class", "Chemin de la page et classe de l'écran")}


def export_hint(by, lang: str = "en") -> str:
    """'a GA4 report with dimensions Date, Landing page' for the dimensions ``by``
    (French: 'un rapport GA4 avec les dimensions Date, Page de destination')."""
    i = 1 if lang == "fr" else 0
    names = [_UI_NAMES[b][i] if b in _UI_NAMES else b for b in by]
    if lang == "fr":
        return (f"un rapport GA4 avec {'les dimensions' if len(names) > 1 else 'la dimension'} {', '.join(names)}"
                if names else "un rapport GA4 avec la métrique Sessions")
    return f"a GA4 report with dimension{'s' if len(names) > 1 else ''} {', '.join(names)}" if names else \
        "a GA4 report with the Sessions metric"


@dataclass
class Cube(Source):
    """One or more ``web_cube`` exports (see :mod:`trafficlib.readers.ga4_reports`)."""

    exports: list = field(default_factory=list)

    def __post_init__(self):
        self.origin = "cube"

    # -- what it holds
    def _dims(self, e) -> set[str]:
        d = set(e.dimensions)
        if {"source", "medium"} <= d:
            d.add("source_medium")
        return d

    @staticmethod
    def _has_figures(e) -> bool:
        """Whether an export holds any figure the kit sums (a GA4 pages × country report
        of views and events has no Sessions, and still answers what it holds)."""
        return any(c in e.frame for c in _ADDITIVE) or any(c in e.frame for c in (*_USERS, "total_users"))

    def dimensions(self) -> set[str]:
        out: set[str] = set()
        for e in self.exports:
            if self._has_figures(e):
                out |= self._dims(e)
        return out

    def span(self):
        days = []
        for e in self.exports:
            if e.period is not None:
                days += list(e.period)
            elif "date" in e.frame and e.frame["date"].notna().any():
                days += [e.frame["date"].min(), e.frame["date"].max()]
        return (min(days), max(days)) if days else None

    def describe_exports(self) -> str:
        return "; ".join(f"{Path(e.path).name} ({', '.join(e.dimensions) or 'no dimension'})" for e in self.exports)

    # -- answering
    def _covers(self, e, period: Period | None) -> bool:
        if period is None:
            return True
        if "date" in e.frame:
            lo, hi = e.period if e.period else (e.frame["date"].min(), e.frame["date"].max())
            return lo <= period.start and hi >= period.end
        return e.period is not None and e.period[0] == period.start and e.period[1] == period.end

    def _candidates(self, by, period):
        want = set(by)
        found = []
        for e in self.exports:
            if not self._has_figures(e):
                continue
            dims = self._dims(e)
            if want <= dims and self._covers(e, period):
                found.append(e)
        # an export with Sessions first (the reports' main figure; others answer with the
        # figures they hold, the rest NaN, shown as "not available"); then the finest grain
        # that still answers is the least summed over; equal grains: more rows
        return sorted(found, key=lambda e: ("sessions" not in e.frame, len(self._dims(e) - want), -len(e.frame)))

    def check(self, by=(), period: Period | None = None) -> None:
        if not self._candidates(list(by), period):
            # a report for exactly this period would do without a Date dimension
            same = period is not None and any(e.period == (period.start, period.end) for e in self.exports)
            needs = list(by) + ([] if "date" in by or period is None or same else ["date"])
            have = self.describe_exports() or "none"
            raise Unsupported(f"needs {export_hint(needs)} covering the period (exports read: {have})", needs, have)

    def sums(self, by=(), period: Period | None = None) -> pd.DataFrame:
        by = [by] if isinstance(by, str) else list(by)
        cands = self._candidates(by, period)
        if not cands:
            self.check(by, period)
        e = cands[0]
        f = e.frame
        if "source_medium" in by and "source_medium" not in f:
            f = f.assign(source_medium=f["source"].fillna("(direct)") + " / " + f["medium"].fillna("(none)"))
        if period is not None and "date" in f:
            f = f[(f["date"] >= period.start) & (f["date"] <= period.end)]
        cols = [c for c in _ADDITIVE if c in f]
        if by:
            t = f.groupby(by, dropna=False, observed=True)[cols].sum(min_count=1).reset_index()
        else:
            t = pd.DataFrame([f[cols].sum(min_count=1)]) if len(f) else pd.DataFrame([{c: 0.0 for c in cols}])
        for c in _ADDITIVE:
            if c not in t:
                t[c] = np.nan
        whole_period = period is not None and e.period is not None and (e.period[0], e.period[1]) == (
            period.start, period.end)
        for u in _USERS:
            t[u] = np.nan
            src = u if u in f else ("total_users" if u == "users" and "total_users" in f else None)
            # users only where each group is exactly one row of the export (never summed)
            if src and by and set(by) == set(e.dimensions) and len(t) == len(f):
                t[u] = f.groupby(by, dropna=False, observed=True)[src].sum(min_count=1).to_numpy()
            elif src and not by and not e.dimensions and len(f) == 1 and (period is None or whole_period):
                t[u] = float(f[src].iloc[0])  # a report without dimension: its one row is the total
        if not by and (whole_period or period is None) and e.totals is not None and len(e.totals):
            tot = e.totals.iloc[0]
            for c in _ADDITIVE + list(_USERS) + ["total_users"]:
                if c in tot and pd.notna(tot[c]):
                    target = "users" if c == "total_users" else c
                    if c == "total_users" and pd.notna(t.at[0, "users"]):
                        continue  # active users win over total users
                    t[target] = float(tot[c])  # the export's own total: right even past row limits
        return t[by + SUMS].astype({c: float for c in SUMS})
