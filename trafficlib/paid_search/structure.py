"""Account structure: match-type mix, Quality Score, impression share lost.

Inputs are canonical ``ad_spend`` rows of a keyword report (``keyword``,
``match_type``, ``quality_score``) or of a campaign report (``search_impression_share``,
``search_lost_is_budget``, ``search_lost_is_rank``; a ``censored`` column marks shares
Google wrote ``< 10%`` / ``> 90%``, kept as that bound).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from trafficlib.errors import TrafficDataError
from trafficlib.metrics import ratio
from trafficlib.paid_search.terms import SUMS, with_ratios

__all__ = ["normalize_match_type", "match_type_mix", "quality_score_distribution", "quality_score_summary",
           "impression_share_lost"]


def normalize_match_type(values: pd.Series) -> pd.Series:
    """``exact`` / ``phrase`` / ``broad`` from Google's and Microsoft's labels in English or
    French ("Exact match (close variant)", "Mot clé exact", "Expression exacte" (phrase),
    "Requête large" (broad), "Phrase", "Broad match modifier"...); anything else kept
    lower-cased."""
    def one(v):
        if v is None or pd.isna(v):
            return pd.NA
        t = str(v).strip().lower()
        if "expression" in t or "phrase" in t:
            return "phrase"
        if "exact" in t:
            return "exact"
        if "broad" in t or "large" in t or "général" in t:
            return "broad"
        return t or pd.NA
    return values.map(one).astype("string")


def _num(frame: pd.DataFrame) -> pd.DataFrame:
    f = frame.copy()
    for c in SUMS:
        f[c] = pd.to_numeric(f[c], errors="coerce").astype("float64") if c in f else np.nan
    return f


def match_type_mix(rows: pd.DataFrame) -> pd.DataFrame:
    """Cost, clicks, conversions and value by match type (keyword report rows, or search
    terms rows: then the match type of the search term), with ``cost_share`` and the
    ratios. Rows without a match type are grouped as ``(none)``."""
    if rows is None or "match_type" not in rows or rows["match_type"].notna().sum() == 0:
        raise TrafficDataError("no match type column: the match-type mix needs a keyword or search terms report "
                               "with its 'Match type' column")
    f = _num(rows)
    f["match_type"] = normalize_match_type(f["match_type"]).fillna("(none)")
    g = f.groupby("match_type")[list(SUMS)].sum(min_count=1)
    g["cost_share"] = ratio(g["cost"], g["cost"].sum())
    order = {"exact": 0, "phrase": 1, "broad": 2}
    g = g.reset_index()
    g["_o"] = g["match_type"].map(lambda m: order.get(m, 9))
    return with_ratios(g.sort_values(["_o", "match_type"]).drop(columns="_o").reset_index(drop=True))


def quality_score_distribution(keywords: pd.DataFrame) -> pd.DataFrame:
    """Keywords, impressions, clicks, cost and conversions by Quality Score (1-10, then
    ``not rated`` for keywords Google shows ``--``), with ``cost_share`` and the ratios."""
    if keywords is None or "quality_score" not in keywords:
        raise TrafficDataError("no Quality Score column: add 'Quality Score' to the keyword report")
    f = _num(keywords)
    qs = pd.to_numeric(f["quality_score"], errors="coerce")
    f["quality_score"] = qs.round().astype("Int64").astype("string").fillna("not rated")
    g = f.groupby("quality_score").agg(keywords=("quality_score", "size"), **{c: (c, "sum") for c in SUMS})
    g["cost_share"] = ratio(g["cost"], g["cost"].sum())
    g = g.reset_index()
    g["_o"] = pd.to_numeric(g["quality_score"], errors="coerce").fillna(99)
    return with_ratios(g.sort_values("_o").drop(columns="_o").reset_index(drop=True))


def quality_score_summary(keywords: pd.DataFrame, low: int = 4) -> dict:
    """``weighted_qs`` (impression-weighted mean of rated keywords), ``low_cost`` and
    ``low_cost_share`` (cost of keywords with a Quality Score of ``low`` or less, and
    its share of the keyword report's cost), ``low_keywords`` (their texts), ``rated``
    (count)."""
    f = _num(keywords)
    qs = pd.to_numeric(f["quality_score"], errors="coerce")
    rated = qs.notna()
    w = f["impressions"].where(rated).fillna(0)
    weighted = float(ratio((qs.fillna(0) * w).sum(), w.sum()))
    lowm = rated & (qs <= low)
    return {"weighted_qs": weighted, "low": low, "low_cost": float(f.loc[lowm, "cost"].sum()),
            "low_cost_share": float(ratio(f.loc[lowm, "cost"].sum(), f["cost"].sum())),
            "low_keywords": f.loc[lowm, "keyword"].astype(str).tolist() if "keyword" in f else [],
            "rated": int(rated.sum())}


def impression_share_lost(campaigns: pd.DataFrame) -> pd.DataFrame:
    """Impressions, clicks, conversions and value missed per campaign, lost to budget and
    to rank.

    Eligible impressions = impressions / search impression share; missed to budget =
    eligible × lost IS (budget), to rank = eligible × lost IS (rank). Missed clicks,
    conversions and value assume the campaign's own CTR, conversion rate and value per
    conversion; ``extra_cost_budget`` is what the missed clicks would cost at its CPC
    (the budget increase the loss implies). Shares Google writes ``> 90%`` / ``< 10%``
    are their bound, so figures built on them are approximate (``censored`` says which).
    """
    need = {"search_impression_share", "search_lost_is_budget", "search_lost_is_rank"}
    if campaigns is None or not need & set(campaigns.columns) or campaigns.reindex(columns=sorted(need)).isna().all().all():
        raise TrafficDataError("no impression share columns: add 'Search impr. share', 'Search lost IS (budget)' and "
                               "'Search lost IS (rank)' to the campaign report")
    f = _num(campaigns)
    keys = [c for c in ("campaign",) if c in f]
    for c in need:
        if c not in f:
            f[c] = np.nan
    # min_count: a column the report lacks (conversion value) stays unknown, never 0
    grouped = f.groupby(keys)
    agg = grouped[list(SUMS)].sum(min_count=1).join(
        grouped[["search_impression_share", "search_lost_is_budget", "search_lost_is_rank"]].mean())
    if "censored" in f:
        agg["censored"] = f.groupby(keys)["censored"].agg(lambda s: ",".join(sorted({x for v in s.dropna()
                                                                                    for x in str(v).split(",")})))
    g = with_ratios(agg.reset_index())
    eligible = ratio(g["impressions"], g["search_impression_share"])
    g["eligible_impressions"] = eligible
    for part, col in (("budget", "search_lost_is_budget"), ("rank", "search_lost_is_rank")):
        miss = eligible * g[col]
        g[f"missed_impressions_{part}"] = miss
        g[f"missed_clicks_{part}"] = miss * g["ctr"]
        g[f"missed_conversions_{part}"] = miss * g["ctr"] * g["cvr"]
        g[f"missed_value_{part}"] = miss * g["ctr"] * g["cvr"] * ratio(g["conversion_value"], g["conversions"])
    g["extra_cost_budget"] = g["missed_clicks_budget"] * g["cpc"]
    return g.sort_values("missed_value_budget", ascending=False, na_position="last").reset_index(drop=True)
