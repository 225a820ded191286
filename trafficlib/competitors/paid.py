"""Paid search: Google Ads Auction Insights pressure."""
from __future__ import annotations

import numpy as np
import pandas as pd


def auction_pressure(auction: pd.DataFrame, our_domain: str, period=None, trend_periods: int = 3) -> pd.DataFrame:
    """Who appears with us in Google Ads auctions and who outranks us, at ``period``
    (default: latest), one row per domain (ours included for its impression share).

    Returns domain, impression_share, impression_share_change (points vs the previous
    period), impression_share_trend (average change in points per period over the last
    ``trend_periods``), overlap_rate (how often they showed when we did),
    position_above_rate (how often they were above us), top_of_page_rate,
    abs_top_of_page_rate, outranking_share (how often we ranked above them or showed when
    they did not) and censored. Sorted by position_above_rate then impression share.
    """
    a = auction.sort_values("period")
    period = pd.Timestamp(period) if period is not None else a["period"].max()
    a = a[a["period"] <= period]
    rows = []
    for dom, g in a.groupby("domain"):
        g = g.set_index("period")
        if period not in g.index:
            continue
        cur = g.loc[period]
        prev = g[g.index < period]
        recent = g["impression_share"].tail(trend_periods + 1)
        rows.append({
            "domain": dom, "impression_share": cur["impression_share"],
            "impression_share_change": cur["impression_share"] - prev["impression_share"].iloc[-1] if len(prev) else np.nan,
            "impression_share_trend": recent.diff().mean() if len(recent) > 1 else np.nan,
            **{c: cur.get(c, np.nan) for c in ("overlap_rate", "position_above_rate", "top_of_page_rate",
                                               "abs_top_of_page_rate", "outranking_share")},
            "censored": cur.get("censored", ""),
        })
    out = pd.DataFrame(rows)
    out["_us"] = out["domain"] == our_domain
    out = out.sort_values(["_us", "position_above_rate", "impression_share"], ascending=[False, False, False])
    return out.drop(columns="_us").reset_index(drop=True)
