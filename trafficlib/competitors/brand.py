"""Brand interest (Google Trends): STL decomposition per term and summary."""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib import filecache


def brand_interest(trends: pd.DataFrame, period: int = 52) -> pd.DataFrame:
    """Brand search interest with its seasonality, per term.

    With at least two full cycles (``2 × period`` points; 52 for weekly data) the series is
    decomposed by STL (statsmodels, robust) into trend + seasonal + residual; otherwise
    the seasonal part is 0 and the trend a centred rolling mean (``attrs["method"]`` says
    which). Returns date, term, interest (0-100, relative to the highest point of the
    terms of the same export), trend, seasonal, resid, adjusted (interest − seasonal).

    The robust STL fits are the watch's heaviest computation and :func:`alerts` needs
    them too: the result is kept for the same date, term and interest values
    (:func:`trafficlib.filecache.by_content`) and handed back as a copy.
    """
    cols = [c for c in ("date", "term", "interest") if c in trends]
    return _brand_interest(trends[cols].reset_index(drop=True), int(period))


@filecache.by_content
def _brand_interest(trends: pd.DataFrame, period: int) -> pd.DataFrame:
    from statsmodels.tsa.seasonal import STL

    parts, methods = [], {}
    for term, g in trends.sort_values("date").groupby("term"):
        y = g.set_index("date")["interest"].astype(float)
        if len(y) >= 2 * period and y.notna().all():
            res = STL(y.to_numpy(), period=period, robust=True).fit()
            trend, seas, resid = res.trend, res.seasonal, res.resid
            methods[term] = "stl"
        else:
            trend = y.rolling(min(len(y), 9), center=True, min_periods=1).mean().to_numpy()
            seas = np.zeros(len(y))
            resid = y.to_numpy() - trend
            methods[term] = "rolling mean (too short for seasonality)"
        parts.append(pd.DataFrame({"date": y.index, "term": term, "interest": y.to_numpy(),
                                   "trend": trend, "seasonal": seas, "resid": resid,
                                   "adjusted": y.to_numpy() - seas}))
    out = pd.concat(parts, ignore_index=True)
    out.attrs["method"] = methods
    return out


def brand_summary(decomposed: pd.DataFrame, weeks: int = 4) -> pd.DataFrame:
    """Per term: recent (mean interest over the last ``weeks`` points), previous (the
    ``weeks`` before), change, adjusted_change (same on seasonally adjusted values),
    yoy_change (vs the same weeks a year earlier, when present), peak_month (1-12, the
    month where the seasonal component is highest, NaN without seasonality)."""
    rows = []
    for term, g in decomposed.sort_values("date").groupby("term"):
        last, prev = g.tail(weeks), g.iloc[-2 * weeks:-weeks]
        yr = g[(g["date"] >= last["date"].min() - pd.Timedelta(days=364 + 3)) &
               (g["date"] <= last["date"].max() - pd.Timedelta(days=364 - 3))]
        seas = g.groupby(g["date"].dt.month)["seasonal"].mean()
        rows.append({"term": term, "recent": last["interest"].mean(), "previous": prev["interest"].mean(),
                     "change": last["interest"].mean() / prev["interest"].mean() - 1,
                     "adjusted_change": last["adjusted"].mean() / prev["adjusted"].mean() - 1,
                     "yoy_change": last["interest"].mean() / yr["interest"].mean() - 1 if len(yr) else np.nan,
                     "peak_month": int(seas.idxmax()) if seas.abs().max() > 0 else np.nan})
    return pd.DataFrame(rows).sort_values("recent", ascending=False).reset_index(drop=True)
