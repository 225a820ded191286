"""Audience saturation: the frequency beyond which cost per result climbs.

Read from rows that carry their own reach, so each row's frequency (impressions / reach,
the average number of times a person reached saw the ads in that row's period) is the
platform's: an export by ad set (or campaign) and by week is the usual one; by day also
works but a day's frequency stays low. Rows are put into frequency bins
(:data:`EDGES`); per bin: impressions, reach, clicks, cost, results, CTR, cost per result
(money per result) and results per thousand impressions with its 95 % Wilson interval.

The *threshold* is the lower edge of the first bin that, alone and pooled with every bin
above it, costs at least ``rise`` times more per result than the rows below it, with
results per impression really lower (Wilson intervals that do not overlap) and at least
``min_results`` results on each side. (Pooled alone, the bins above could be carried by
the highest ones and put the threshold too low.) Each ad set is read against its own
rows, never against another audience's. Money at stake: what the results bought above the
threshold cost beyond the price below it (cost above - results above x cost per result
below).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib.metrics import ratio
from trafficlib.paid_media.breakdowns import wilson
from trafficlib.paid_media.inputs import View

__all__ = ["EDGES", "saturation_view", "frequency_rows", "frequency_bins", "saturation"]

EDGES = (1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, np.inf)


def saturation_view(views: list[View]) -> View | None:
    """The view to read saturation from: rows with reach, by ad set (else campaign),
    periods longer than a day first (weekly frequency rises where daily cannot), the
    fewest breakdowns. None when no export has reach."""
    cands = [v for v in views if "reach" in v.frame and v.frame["reach"].notna().any() and "campaign" in v.levels]
    if not cands:
        return None
    return min(cands, key=lambda v: (len(v.breakdowns), v.daily, "ad_group" not in v.levels, "ad" in v.levels, v.name))


def frequency_rows(view: View) -> pd.DataFrame:
    """The view's rows with reach > 0 (rows shorter than the export's usual row, a
    partial week at either end, left out): ``group`` (campaign / ad set), ``date``,
    ``date_end``, ``impressions``, ``reach``, ``clicks``, ``cost``, ``results``,
    ``frequency`` (impressions / reach)."""
    f = view.frame
    keys = [k for k in ("campaign", "ad_group") if k in f and f[k].notna().any()]
    out = f.assign(results=f["conversions"] if "conversions" in f else np.nan)
    out = out[out["reach"].fillna(0) > 0].copy()
    if "date_end" in out and out["date"].notna().all():
        # a partial week at the range's edges has a lower frequency for being short: rows
        # shorter than the export's usual row are left out
        span = (pd.to_datetime(out["date_end"]).fillna(out["date"]) - out["date"]).dt.days + 1
        out = out[span >= span.median()].copy()
    out["group"] = out[keys].astype("string").fillna("(none)").agg(" / ".join, axis=1)
    out["frequency"] = out["impressions"] / out["reach"]
    cols = ["group", "date", "date_end", "impressions", "reach", "clicks", "cost", "results", "frequency"]
    return out[[c for c in cols if c in out]].reset_index(drop=True)


def frequency_bins(rows: pd.DataFrame, edges=EDGES) -> pd.DataFrame:
    """The rows of :func:`frequency_rows` by frequency bin: ``low``, ``high`` (bin
    edges), ``rows``, sums, ``ctr``, ``cost_per_result``, ``results_per_mille`` (results
    per thousand impressions) with ``rpm_low`` / ``rpm_high`` (95 % Wilson); empty bins
    left out."""
    e = np.asarray(edges, dtype=float)
    pos = np.clip(np.searchsorted(e, rows["frequency"].to_numpy(), side="right") - 1, 0, len(e) - 2)
    b = rows.assign(low=e[pos], high=e[pos + 1])
    out = b.groupby(["low", "high"]).agg(rows=("frequency", "size"), impressions=("impressions", "sum"),
                                         reach=("reach", "sum"), clicks=("clicks", "sum"), cost=("cost", "sum"),
                                         results=("results", "sum")).reset_index()
    out["ctr"] = ratio(out["clicks"], out["impressions"])
    out["cost_per_result"] = ratio(out["cost"], out["results"])
    out["results_per_mille"] = ratio(out["results"], out["impressions"]) * 1000
    lo, hi = wilson(out["results"], out["impressions"])
    out["rpm_low"], out["rpm_high"] = lo * 1000, hi * 1000
    return out


def _threshold(bins: pd.DataFrame, rise: float, min_results: int) -> dict | None:
    """The first bin edge where cost per result climbs (see module doc), or None."""
    for i in range(1, len(bins)):
        below, above = bins.iloc[:i], bins.iloc[i:]
        rb, ra = below["results"].sum(), above["results"].sum()
        if rb < min_results or ra < min_results:
            continue
        cpr_b, cpr_a = below["cost"].sum() / rb, above["cost"].sum() / ra
        lo_b, _ = wilson([rb], [below["impressions"].sum()])
        _, hi_a = wilson([ra], [above["impressions"].sum()])
        first = bins.iloc[i]  # the bin itself must climb too: a pool above can be carried by its highest bins
        _, hi_f = wilson([first["results"]], [first["impressions"]])
        cpr_f = first["cost"] / first["results"] if first["results"] else np.inf
        if cpr_a >= rise * cpr_b and hi_a[0] < lo_b[0] and cpr_f >= rise * cpr_b and hi_f[0] < lo_b[0]:
            return {"threshold": float(bins["low"].iloc[i]), "cpr_below": float(cpr_b), "cpr_above": float(cpr_a),
                    "cost_above": float(above["cost"].sum()), "money_at_stake": float(above["cost"].sum() - ra * cpr_b)}
    return None


def saturation(view: View, rise: float = 1.25, min_results: int = 20, edges=EDGES) -> tuple[pd.DataFrame, dict]:
    """(bins, verdict) for the view's rows, ad set by ad set (see module doc): each
    group's rows are compared with its own rows at a lower frequency, so a cheap
    retargeting audience never makes another ad set look saturated.

    ``bins``: :func:`frequency_bins` of the saturated group with the most money at stake
    (of every row pooled when none is). ``verdict``: ``group`` (that group, or None),
    ``threshold`` (its frequency, NaN when none), ``cpr_below`` / ``cpr_above`` (money per
    result), ``cost_above``, ``money_at_stake`` (money, summed over saturated groups),
    ``groups`` (saturated groups, most money at stake first: ``group``, ``threshold``,
    ``max_frequency``, ``cost_above``, ``cpr_below``, ``cpr_above``, ``money_at_stake``),
    ``table`` (every group: ``group``, ``rows``, ``max_frequency``, ``threshold``...),
    ``rows`` (the rows read)."""
    rows = frequency_rows(view)
    table = []
    for g, part in rows.groupby("group", sort=False):
        found = _threshold(frequency_bins(part, edges), rise, min_results) or {}
        table.append({"group": g, "rows": len(part), "max_frequency": float(part["frequency"].max()),
                      "threshold": found.get("threshold", np.nan), "cost_above": found.get("cost_above", 0.0),
                      "cpr_below": found.get("cpr_below", np.nan), "cpr_above": found.get("cpr_above", np.nan),
                      "money_at_stake": found.get("money_at_stake", 0.0)})
    table = pd.DataFrame(table).sort_values("money_at_stake", ascending=False, kind="stable").reset_index(drop=True)
    hot = table[table["threshold"].notna()].reset_index(drop=True)
    verdict = {"group": None, "threshold": np.nan, "cpr_below": np.nan, "cpr_above": np.nan, "cost_above": 0.0,
               "money_at_stake": 0.0, "groups": hot, "table": table, "rows": rows}
    if hot.empty:
        return frequency_bins(rows, edges), verdict
    top = hot.iloc[0]
    verdict.update(group=top["group"], threshold=float(top["threshold"]), cpr_below=float(top["cpr_below"]),
                   cpr_above=float(top["cpr_above"]), cost_above=float(hot["cost_above"].sum()),
                   money_at_stake=float(hot["money_at_stake"].sum()))
    return frequency_bins(rows[rows["group"] == top["group"]], edges), verdict
