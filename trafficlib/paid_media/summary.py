"""Spend, reach and results by platform, campaign, ad set and ad.

Every figure is a sum of an export's rows or a ratio of such sums, in the export's own
currency: ``cost`` (money), ``impressions``, ``clicks`` (link / destination clicks:
the visits the ad bought), ``results`` (the platform's conversions, as it counts them:
Meta's "Results" include 1-day view-through by default), ``conversion_value`` (money);
``cpm`` = cost / impressions x 1000 (money per thousand impressions), ``ctr`` = clicks /
impressions (fraction), ``cpc`` = cost / clicks (money), ``cost_per_result`` = cost /
results (money), ``cvr`` = results / clicks (fraction; above 1 when view-through results
are counted), ``roas`` = conversion value / cost. A zero denominator gives NaN.

Reach counts people, so it never adds up across rows (a person reached on two days or in
two campaigns counts twice in a sum). It is given only where one row of the export is
the whole group (a campaign over the period; the account in Meta's summary row), and
``frequency`` = impressions / reach only then.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib.metrics import ratio
from trafficlib.paid_media.inputs import View, base_view

__all__ = ["SUMS", "with_ratios", "totals", "by_platform", "by_level", "view_agreement"]

SUMS = ("cost", "impressions", "clicks", "results", "conversion_value")


def _sums(frame: pd.DataFrame) -> dict:
    out = {}
    for c in SUMS:
        src = "conversions" if c == "results" else c
        out[c] = float(pd.to_numeric(frame[src], errors="coerce").sum(min_count=1)) if src in frame else np.nan
    return out


def with_ratios(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (with the :data:`SUMS` columns, and ``reach`` when known) plus ``cpm``,
    ``ctr``, ``cpc``, ``cost_per_result``, ``cvr``, ``roas`` and ``frequency`` (see module doc)."""
    out = frame.copy()
    out["cpm"] = ratio(out["cost"], out["impressions"]) * 1000
    out["ctr"] = ratio(out["clicks"], out["impressions"])
    out["cpc"] = ratio(out["cost"], out["clicks"])
    out["cost_per_result"] = ratio(out["cost"], out["results"])
    out["cvr"] = ratio(out["results"], out["clicks"])
    out["roas"] = ratio(out["conversion_value"], out["cost"])
    out["frequency"] = ratio(out["impressions"], out["reach"]) if "reach" in out else np.nan
    return out


def totals(view: View) -> dict:
    """One view's figures. Where the file states the total of its rows (Meta's summary
    row, LinkedIn's or TikTok's ``Total``), each figure it states is taken from it, as
    the platform shows it (when the rows do not add up to it, the report flags the file);
    other figures are the rows' sums. ``reach`` is the total row's (people reached in the
    whole account over the range) or the single row's; NaN otherwise (and for files of
    consecutive periods stacked, whose figures are added). ``source``: "total row" or "rows"."""
    if view.parts:  # files of consecutive periods: their figures add up, their reach does not
        each = [totals(p) for p in view.parts]
        s = {c: float(np.nansum([e[c] for e in each])) if any(np.isfinite(e[c]) for e in each) else np.nan
             for c in SUMS}
        s["source"] = "total row" if all(e["source"] == "total row" for e in each) else "rows"
        s["reach"] = np.nan
        return s
    s = _sums(view.frame)
    s["source"] = "rows"
    reach = np.nan
    t = view.export.totals
    if t is not None and len(t) and "scope" in t and not view.left_out:
        own = t[t["scope"] == "rows"]
        if len(own):
            row = own.iloc[0]
            for c in SUMS:
                src = "conversions" if c == "results" else c
                if src in row.index and pd.notna(row[src]):
                    s[c] = float(row[src])
                    s["source"] = "total row"
            if "reach" in row.index and pd.notna(row["reach"]):
                reach = float(row["reach"])
    if np.isnan(reach) and len(view.frame) == 1 and "reach" in view.frame:
        reach = float(view.frame["reach"].iloc[0])
    s["reach"] = reach
    return s


def by_platform(views: list[View]) -> pd.DataFrame:
    """One row per platform from its :func:`~trafficlib.paid_media.inputs.base_view`:
    ``platform``, ``currency``, ``file`` (the view read), ``source`` (its total row or
    its rows' sums, see :func:`totals`), the figures, ``reach`` and the ratios of
    :func:`with_ratios`; costliest first."""
    rows = []
    for platform in dict.fromkeys(v.platform for v in views):
        v = base_view(views, platform)
        rows.append({"platform": platform, "currency": v.currency, "file": v.name, **totals(v)})
    out = with_ratios(pd.DataFrame(rows))
    return out.sort_values("cost", ascending=False, kind="stable").reset_index(drop=True)


def by_level(views: list[View], level: str) -> pd.DataFrame:
    """Figures by ``level`` ("campaign", "ad_group" or "ad") on every platform whose
    exports hold it: ``platform``, ``campaign`` (and ``ad_group`` for ads), ``level``
    value, sums, ``reach`` (only where one row of the export is the whole group, see
    module doc), ratios; costliest first. Empty when no export holds the level."""
    keys = {"campaign": ["campaign"], "ad_group": ["campaign", "ad_group"], "ad": ["campaign", "ad_group", "ad"]}[level]
    parts = []
    for platform in dict.fromkeys(v.platform for v in views):
        v = base_view(views, platform, level)
        if v is None:
            continue
        f = v.frame.copy()
        f["results"] = f["conversions"] if "conversions" in f else np.nan
        ks = [k for k in keys if k in f and (k == level or f[k].notna().any())]
        f[ks] = f[ks].astype("string").fillna("(none)")
        g = f.groupby(ks, sort=False, dropna=False)
        s = g[[c for c in SUMS if c in f]].sum(min_count=1)
        n = g.size()
        if "reach" in f:
            s["reach"] = g["reach"].sum(min_count=1).where(n == 1)
        s = s.reset_index()
        s.insert(0, "platform", platform)
        s["currency"] = v.currency
        parts.append(s)
    if not parts:
        return pd.DataFrame(columns=["platform", level, *SUMS])
    out = with_ratios(pd.concat(parts, ignore_index=True))
    return out.sort_values("cost", ascending=False, kind="stable").reset_index(drop=True)


def view_agreement(views: list[View], tol: float = 0.005) -> list[str]:
    """Sentences for views of one platform whose spend differs from the base view's by
    more than ``tol`` (relative): different periods, filters or attribution settings, so
    breakdowns from one do not split the other's figures exactly."""
    out = []
    for platform in dict.fromkeys(v.platform for v in views):
        base = base_view(views, platform)
        ref = totals(base)["cost"]
        for v in views:
            if v.platform != platform or v is base:
                continue
            cost = totals(v)["cost"]
            if ref and np.isfinite(ref) and abs(cost - ref) > tol * abs(ref):
                out.append(f"{v.name} holds {cost:,.2f} of spend, {base.name} {ref:,.2f}: the two {platform} "
                           f"downloads do not cover the same campaigns or period")
    return out
