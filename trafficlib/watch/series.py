"""Daily figures from the history: the latest data for each day wins, one breakdown at a time.

A day may be in several snapshots (yesterday's download and today's 28-day one); the
snapshot added last that covers it is taken for that day, reader kind and *breakdown*
(the dimensions its rows fill: a GA4 report by channel and one by landing page hold the
same sessions twice), so a revised figure replaces the old one and nothing is counted
twice. A figure is then read from one breakdown only (:func:`daily`).
"""
from __future__ import annotations

import pandas as pd

__all__ = ["latest_rows", "breakdown_rows", "daily", "covered_days", "DIMENSIONS"]

# columns that split a figure: rows of two snapshots filling different ones are two
# breakdowns of the same total, never to be added together
DIMENSIONS = ("channel", "landing_page", "page", "query", "device", "country", "region", "city", "campaign",
              "source", "medium", "source_medium", "ad_group", "keyword", "search_term", "term", "domain",
              "browser", "event_name", "age", "gender", "location", "network")


def _breakdowns(rows: pd.DataFrame) -> pd.Series:
    """Per row, the breakdown of its snapshot: the sorted dimensions its rows fill,
    joined by "+" ("" for a table of totals by day)."""
    dims = [c for c in DIMENSIONS if c in rows]
    if not dims:
        return pd.Series("", index=rows.index)
    filled = rows[dims].notna().groupby(rows["snapshot_id"]).any()
    sig = filled.apply(lambda r: "+".join(c for c in dims if r[c]), axis=1)
    return rows["snapshot_id"].map(sig).fillna("")


def latest_rows(rows: pd.DataFrame, col: str = "date") -> pd.DataFrame:
    """The rows of ``rows`` (from :meth:`History.rows`, with the date column ``col``,
    ``_kind`` and ``snapshot_id``) that come from the latest snapshot of their
    (reader kind, breakdown, day); ``col`` is renamed ``date``; the breakdown is in
    column ``breakdown``."""
    if rows.empty or col not in rows:
        return rows.iloc[0:0].assign(date=pd.NaT, breakdown="")  # totals over a period: no day to compare
    r = rows.drop(columns=["date"] if col != "date" and "date" in rows else []).rename(columns={col: "date"})
    r = r.assign(date=pd.to_datetime(r["date"]).dt.normalize())
    r = r[r["date"].notna()]
    if "date_end" in r:  # a row covering several days (a report's period) is no day's figure
        end = pd.to_datetime(r["date_end"]).dt.normalize()
        r = r[end.isna() | (end == r["date"])]
    r = r.assign(breakdown=_breakdowns(r))
    last = r.groupby(["_kind", "breakdown", "date"])["snapshot_id"].transform("max")
    return r[r["snapshot_id"] == last]


def covered_days(rows: pd.DataFrame) -> pd.DatetimeIndex:
    """Every day the period of some export by day covers (a day in such a period with
    no row is a day with nothing recorded: a zero, not a missing download)."""
    if rows.empty or "date" not in rows:
        return pd.DatetimeIndex([])
    days: set = set()
    dated = rows[pd.to_datetime(rows["date"]).notna()]  # only exports by day say a day had nothing
    spans = dated.drop_duplicates("snapshot_id")[["_period_start", "_period_end"]].dropna()
    for a, b in zip(pd.to_datetime(spans["_period_start"]), pd.to_datetime(spans["_period_end"])):
        days.update(pd.date_range(a, b, freq="D"))
    if "date" in rows:
        days.update(pd.to_datetime(rows["date"]).dt.normalize().dropna())
    return pd.DatetimeIndex(sorted(days))


def breakdown_rows(r: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """The rows (of :func:`latest_rows`) of one breakdown: for a total, the breakdown covering the most days
    (then the one with the fewest dimensions); for ``by``, the one with the fewest
    dimensions among those that fill ``by``."""
    if "breakdown" not in r or r.empty:
        return r
    info = r.groupby("breakdown")["date"].nunique().to_frame("days")
    info["n"] = [len([d for d in b.split("+") if d]) for b in info.index]
    if by is not None:
        info = info[[by in b.split("+") for b in info.index]]
        if info.empty:
            return r.iloc[0:0]
        best = info.sort_values(["n", "days"], ascending=[True, False]).index[0]
    else:
        best = info.sort_values(["days", "n"], ascending=[False, True]).index[0]
    return r[r["breakdown"] == best]


def daily(rows: pd.DataFrame, metric: str, by: str | None = None, fill_days: pd.DatetimeIndex | None = None) -> dict:
    """{subject: Series of ``metric`` per day} (subject "" for the whole, else each value
    of column ``by``), from one breakdown (see :func:`breakdown_rows`); days in ``fill_days``
    with no row count as 0 for the whole."""
    if rows.empty or metric not in rows:
        return {}
    r = breakdown_rows(latest_rows(rows), by)
    r = r[r[metric].notna()]
    if by is None:
        s = r.groupby("date")[metric].sum().sort_index()
        if fill_days is not None and len(fill_days):
            s = s.reindex(s.index.union(fill_days), fill_value=0.0)
        return {"": s}
    if by not in r:
        return {}
    g = r[r[by].notna()].groupby([by, "date"])[metric].sum()
    return {str(k): g.loc[k].sort_index() for k in g.index.get_level_values(0).unique()}
