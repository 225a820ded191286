"""A campaign judged on Google Trends brand interest (weekly or monthly), through the same
post-mortem machinery: the campaign's brand is the treated series, other terms of the
same Trends request (a competitor, the category) are the controls.

Google Trends values are relative (100 = the highest point of all the terms of one
request), so treated and controls must come from the same download; the lift is in
those index points (``average``: per week or month; ``cumulative``: points summed over
the post-period) and ``rel_effect`` is its fraction of the counterfactual interest.
"""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from trafficlib.campaigns.review import PostMortem
from trafficlib.causal import causal_impact
from trafficlib.errors import TrafficDataError

__all__ = ["trends_series", "trends_postmortem"]


def trends_series(trends: pd.DataFrame, term: str, controls: Sequence[str] | None = None) -> pd.DataFrame:
    """Wide series from the canonical ``trends`` table (:func:`trafficlib.marketdata.read_trends`):
    one row per date (the download's own week or month), column ``treated`` (interest in
    ``term``) and one column per control term (default: every other term of the table).
    Terms match case- and space-insensitively. Raises TrafficDataError naming the terms
    available when one is missing."""
    for c in ("date", "term", "interest"):
        if c not in trends.columns:
            raise TrafficDataError(f"not a trends table: no '{c}' column", column=c)
    key = trends["term"].astype("string").str.strip().str.lower()
    known = sorted(trends["term"].dropna().astype(str).unique())

    def pick(name: str) -> pd.Series:
        rows = trends[(key == str(name).strip().lower()).fillna(False)]
        if rows.empty:
            raise TrafficDataError(f"no Google Trends term '{name}'", column="term",
                                   hint=f"terms in the data: {', '.join(known)}")
        s = rows.groupby(pd.to_datetime(rows["date"]))["interest"].mean().astype(float)
        return s.sort_index()

    if controls is None:
        controls = [t for t in known if t.strip().lower() != str(term).strip().lower()]
    elif isinstance(controls, str):
        controls = [controls]
    out = pd.DataFrame({"treated": pick(term)})
    for c in controls:
        out[str(c)] = pick(c)
    out.index.name = "date"
    return out


def trends_postmortem(trends: pd.DataFrame, term: str, start, end=None, controls: Sequence[str] | None = None,
                      pre_start=None, **model) -> PostMortem:
    """Post-mortem of a campaign for ``term`` launched on ``start`` (inclusive) and judged
    until ``end`` (default: the last date of the data), on its Google Trends interest
    against the ``controls`` terms (default: every other term of the download).

    The pre-period runs from ``pre_start`` (default: the first date) to the last date
    before ``start``; the frequency (weekly, monthly) is the download's own. ``model`` is
    passed to :func:`trafficlib.causal.causal_impact` (``prior_level_sd``, ``season``...).
    Returns a :class:`PostMortem` with the lift (``kpi="interest"``) and no ad-spend part:
    its ``verdict`` / ``lift_text`` and the lift table work as for a site campaign.
    """
    wide = trends_series(trends, term, controls)
    start = pd.Timestamp(start).normalize()
    before = wide.index[wide.index < start]
    if len(before) == 0:
        raise TrafficDataError(f"no Google Trends data before the campaign start {start.date()}", column="date")
    after = wide.index[wide.index >= start]
    if len(after) == 0:
        raise TrafficDataError(f"no Google Trends data from the campaign start {start.date()} on", column="date")
    end = pd.Timestamp(end).normalize() if end is not None else after[-1]
    pre = (pd.Timestamp(pre_start) if pre_start is not None else wide.index[0], before[-1])
    ctl = [c for c in wide.columns if c != "treated"]
    lift = causal_impact(wide, pre, (start, end), y="treated", controls=ctl, **model)
    empty = pd.DataFrame()
    label_en = f"Google Trends interest in {', '.join(ctl)}" if ctl else "none"
    label_fr = f"l'intérêt Google Trends pour {', '.join(ctl)}" if ctl else "aucune"
    return PostMortem(
        campaign=[term], start=start, end=end, total=pd.Series(dtype=float), by_group=empty, by_day=empty,
        by_platform=empty, targets=empty, pacing=empty, groups_ranked=empty, ads_ranked=empty, site={},
        lift=lift, lift_by_kpi={"interest": lift}, kpi="interest", control="others" if ctl else "none",
        treated={"term": term}, control_label=(label_en, label_fr),
    )
