"""Search Console beside the other sources: organic sessions and rank trackers."""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib import timeseries
from trafficlib.metrics import ratio
from trafficlib.seo.core import SearchData, fold, summarise

__all__ = ["organic_vs_clicks", "positions_beside_rankings"]


def organic_vs_clicks(sd: SearchData, organic_sessions: pd.Series, threshold: float = 3.5) -> pd.DataFrame:
    """Daily Organic Search sessions (analytics, a Series indexed by day) against Search
    Console clicks: ``date``, ``sessions``, ``clicks``, ``ratio`` (sessions / clicks),
    ``z`` (robust z of the ratio) and ``flag`` (|z| > ``threshold``: one source moved and
    not the other, a tracking finding). Only days present in both are kept. The usual
    range of the ratio is its median ± 1.4826 × MAD."""
    if sd.daily is None:
        return pd.DataFrame(columns=["date", "sessions", "clicks", "ratio", "z", "flag"])
    s = organic_sessions.copy()
    s.index = pd.to_datetime(s.index).normalize()
    c = pd.concat([x for x in (sd.daily_previous, sd.daily) if x is not None]).set_index("date")["clicks"]
    j = pd.DataFrame({"sessions": s.groupby(level=0).sum(), "clicks": c}).dropna()
    j["ratio"] = ratio(j["sessions"], j["clicks"])
    j["z"] = timeseries.robust_z(j["ratio"].dropna()).reindex(j.index)
    j["flag"] = j["z"].abs() > threshold
    return j.rename_axis("date").reset_index()


def positions_beside_rankings(sd: SearchData, rankings: pd.DataFrame, our_domain: str) -> pd.DataFrame:
    """Our Search Console average position beside rank-tracker positions, for keywords
    present in both (matched lower-case without accents). ``rankings`` is the canonical
    rankings table (date, keyword, domain, position); the latest snapshot is used (the
    whole table when it states no date).
    Returns ``keyword``, ``sc_position`` (impression-weighted), ``sc_clicks``,
    ``sc_impressions``, ``tracked_position`` (ours in the tracker), ``best_competitor``,
    ``competitor_position``."""
    q = sd.queries
    cols = ["keyword", "sc_position", "sc_clicks", "sc_impressions", "tracked_position", "best_competitor",
            "competitor_position"]
    if q is None or rankings is None or rankings.empty:
        return pd.DataFrame(columns=cols)
    q = summarise(q.assign(key=q["query"].map(fold).str.strip()), "key")
    dates = rankings["date"]  # all NaT: a keyword workbook stating no date is one snapshot
    r = (rankings if dates.isna().all() else rankings[dates == dates.max()]).assign(
        key=lambda x: x["keyword"].map(fold).str.strip())
    ours = r[r["domain"].str.lower() == our_domain.lower()].groupby("key")["position"].min()
    theirs = r[r["domain"].str.lower() != our_domain.lower()].sort_values("position").groupby("key").first()
    out = q[q["key"].isin(r["key"])].rename(columns={"key": "keyword", "position": "sc_position",
                                                     "clicks": "sc_clicks", "impressions": "sc_impressions"})
    out["tracked_position"] = out["keyword"].map(ours)
    out["best_competitor"] = out["keyword"].map(theirs["domain"]) if len(theirs) else np.nan
    out["competitor_position"] = out["keyword"].map(theirs["position"]) if len(theirs) else np.nan
    return out.sort_values("sc_impressions", ascending=False)[cols].reset_index(drop=True)
