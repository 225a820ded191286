"""Daily figures from the history: the latest data for each day wins.

A day may be in several snapshots (yesterday's download and today's 28-day one); the
snapshot added last that covers it is taken for that day and reader kind, so a revised
figure replaces the old one and nothing is counted twice.
"""
from __future__ import annotations

import pandas as pd

__all__ = ["latest_rows", "daily", "covered_days"]


def latest_rows(rows: pd.DataFrame, col: str = "date") -> pd.DataFrame:
    """The rows of ``rows`` (from :meth:`History.rows`, with the date column ``col``,
    ``source`` and ``snapshot_id``) that come from the latest snapshot of their
    (source, day); ``col`` is renamed ``date``."""
    if rows.empty or col not in rows:
        return rows
    r = rows.drop(columns=["date"] if col != "date" and "date" in rows else []).rename(columns={col: "date"})
    r = r.assign(date=pd.to_datetime(r["date"]).dt.normalize())
    last = r.groupby(["source", "date"])["snapshot_id"].transform("max")
    return r[r["snapshot_id"] == last]


def covered_days(rows: pd.DataFrame) -> pd.DatetimeIndex:
    """Every day some snapshot's period covers (a day in a period with no row is a day
    with nothing recorded: a zero, not a missing download)."""
    if rows.empty:
        return pd.DatetimeIndex([])
    spans = rows.drop_duplicates("snapshot_id")[["period_start", "period_end"]].dropna()
    days = [pd.date_range(a, b, freq="D") for a, b in zip(pd.to_datetime(spans["period_start"]),
                                                          pd.to_datetime(spans["period_end"]))]
    dated = pd.to_datetime(rows["date"]).dt.normalize().dropna().unique() if "date" in rows else []
    out = pd.DatetimeIndex(sorted(set().union(*[set(d) for d in days], set(dated)))) if days or len(dated) \
        else pd.DatetimeIndex([])
    return out


def daily(rows: pd.DataFrame, metric: str, by: str | None = None, fill_days: pd.DatetimeIndex | None = None) -> dict:
    """{subject: Series of ``metric`` per day} (subject "" for the whole, else each value
    of column ``by``); days in ``fill_days`` with no row count as 0 for the whole."""
    if rows.empty or metric not in rows:
        return {}
    r = latest_rows(rows)
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
