"""Before/after comparison with the same weekday mix: the weaker evidence when no control
series exists."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from trafficlib.causal.data import period as _period
from trafficlib.errors import TrafficDataError

__all__ = ["before_after"]


def before_after(data: pd.DataFrame, pre_period: Sequence, post_period: Sequence, y: str = "y",
                 alpha: float = 0.05, n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Before/after comparison with the same weekday mix (weaker evidence: no control).

    The post-period's days are compared with the pre-period's average for the *same
    weekday*, so a campaign running more weekends than the baseline is not credited with
    the weekend effect. It cannot separate the campaign from anything else that changed
    at the same time (season, prices, press): label it as weaker evidence.

    Returns a one-row-per-statistic DataFrame (``average``/``cumulative``) with
    ``actual``, ``predicted`` (expected from the pre-period's weekday means),
    ``abs_effect`` with a bootstrap ``1 - alpha`` interval (pre-period days resampled
    within weekday) and ``rel_effect``.
    """
    pre, post = _period(pre_period, "pre_period"), _period(post_period, "post_period")
    if y not in data.columns:
        raise TrafficDataError(f"no column '{y}' in the data", file="<DataFrame>", column=y)
    s = data[y].sort_index().astype(float)
    before = s.loc[pre[0]:pre[1]].dropna()
    after = s.loc[post[0]:post[1]].dropna()
    if len(before) < 14 or len(after) == 0:
        raise TrafficDataError("before/after needs at least 14 days before and 1 day after", column=y)
    by_day = {d: before[before.index.day_of_week == d].to_numpy() for d in range(7)}
    missing = [d for d in set(after.index.day_of_week) if len(by_day[d]) == 0]
    if missing:
        raise TrafficDataError("the pre-period lacks some weekdays of the post-period", column=y)
    wd = after.index.day_of_week.to_numpy()
    expected = np.array([by_day[d].mean() for d in wd])
    rng = np.random.default_rng(seed)
    boots = np.zeros(n_boot)
    counts = {d: int((wd == d).sum()) for d in range(7)}
    for d, k in counts.items():
        if k == 0:
            continue
        vals = by_day[d]
        means = rng.choice(vals, size=(n_boot, len(vals)), replace=True).mean(axis=1)
        boots += k * means
    n = len(after)
    actual = float(after.sum())
    pred = float(expected.sum())
    eff = actual - boots
    lo, hi = np.quantile(eff, [alpha / 2, 1 - alpha / 2])
    rows = []
    for name, scale in (("average", n), ("cumulative", 1)):
        rows.append({"actual": actual / scale, "predicted": pred / scale,
                     "abs_effect": (actual - pred) / scale, "abs_effect_lower": lo / scale,
                     "abs_effect_upper": hi / scale,
                     "rel_effect": (actual - pred) / pred if pred else np.nan})
    return pd.DataFrame(rows, index=["average", "cumulative"])
