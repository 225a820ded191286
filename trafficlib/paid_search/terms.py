"""Search terms: wasted spend, n-grams, negative-keyword candidates, terms to promote.

All functions take the canonical ``ad_spend`` rows of a search terms report (columns
``search_term``, ``impressions``, ``clicks``, ``cost``, ``conversions``,
``conversion_value``; ``keyword`` when the report has it). Terms are compared
lower-cased with spaces collapsed, so one term bought through several ad groups or
match types is one term.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from trafficlib import filecache
from trafficlib.errors import TrafficDataError
from trafficlib.metrics import ratio

__all__ = ["SUMS", "with_ratios", "term_table", "account_cpa", "wasted_spend", "ngrams", "negative_candidates",
           "promote_candidates", "normalize_text"]

SUMS = ("impressions", "clicks", "cost", "conversions", "conversion_value")


def normalize_text(s: pd.Series) -> pd.Series:
    """Lower case, spaces collapsed, Google's keyword marks (``[..]``, ``".."``, ``+``) removed."""
    t = s.astype("string").str.lower().str.strip()
    t = t.str.replace(r'^\[(.*)\]$|^"(.*)"$', lambda m: m.group(1) or m.group(2), regex=True)
    return t.str.replace("+", "", regex=False).str.replace(r"\s+", " ", regex=True).str.strip()


def with_ratios(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ctr, cpc, cvr (conversions / clicks), cpa and roas to a frame of sums (NaN on
    a zero denominator)."""
    out = frame.copy()
    out["ctr"] = ratio(out["clicks"], out["impressions"])
    out["cpc"] = ratio(out["cost"], out["clicks"])
    out["cvr"] = ratio(out["conversions"], out["clicks"])
    out["cpa"] = ratio(out["cost"], out["conversions"])
    out["roas"] = ratio(out["conversion_value"], out["cost"])
    return out


def _require(frame: pd.DataFrame | None, column: str, what: str) -> pd.DataFrame:
    if frame is None or column not in frame or frame[column].notna().sum() == 0:
        raise TrafficDataError(f"no '{column}' column: {what} needs a search terms report",
                               hint="download Insights and reports > Search terms in Google Ads")
    return frame


def _sums(frame: pd.DataFrame) -> pd.DataFrame:
    f = frame.copy()
    for c in SUMS:
        f[c] = pd.to_numeric(f[c], errors="coerce").astype("float64") if c in f else np.nan
    return f


@filecache.by_content  # the en and fr reports compute it once
def term_table(search_terms: pd.DataFrame) -> pd.DataFrame:
    """One row per search term: summed impressions, clicks, cost, conversions,
    conversion_value (NaN conversions count as 0 once a term has clicks; conversion_value
    stays NaN when the report has no value column), the ratios,
    and ``rows`` (how many report lines it gathers). Sorted by cost, highest first."""
    f = _sums(_require(search_terms, "search_term", "the term analysis"))
    f["term"] = normalize_text(f["search_term"])
    f = f[f["term"].notna() & (f["term"] != "")]
    f["conversions"] = f["conversions"].fillna(0.0)
    if f["conversion_value"].notna().any():  # a report without a Conv. value column: value unknown, not 0
        f["conversion_value"] = f["conversion_value"].fillna(0.0)
    grouped = f.groupby("term", sort=False)
    g = grouped[list(SUMS)].sum(min_count=1)  # a column the report lacks stays NaN
    g["rows"] = grouped.size()
    return with_ratios(g.reset_index()).sort_values(["cost", "term"], ascending=[False, True]).reset_index(drop=True)


def account_cpa(search_terms: pd.DataFrame) -> float:
    """Cost per conversion over all the search terms (NaN without conversions)."""
    t = term_table(search_terms)
    return float(ratio(t["cost"].sum(), t["conversions"].sum()))


def wasted_spend(search_terms: pd.DataFrame, min_clicks: int = 10,
                 negatives: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict]:
    """Spend on terms that never converted.

    Rule: a term wastes its cost when, over the report's period, it got at least
    ``min_clicks`` clicks and not one conversion (fewer clicks are no evidence either
    way). Returns (those terms, by cost, with ``excluded`` = "yes" / "partly" / "" when
    the account already excludes them where they ran, ``excluded_by`` and
    ``excluded_cost``: :func:`~trafficlib.paid_search.negatives.term_exclusions` with the
    ``negatives`` given and the report's Added/Excluded column; a summary dict:
    ``wasted_cost``, ``terms``, ``share_of_cost`` of the cost of the search terms listed
    (``total_cost``: the report's rows, not the account: see
    :func:`~trafficlib.paid_search.coverage.search_terms_base`), ``non_converting_cost``
    whatever the clicks, ``min_clicks``, ``excluded_cost`` and ``excluded_terms`` (wasted
    cost already excluded, and the terms excluded wherever they ran)).
    """
    from trafficlib.paid_search.negatives import term_exclusions

    t = term_table(search_terms)
    zero = t[t["conversions"] <= 0]
    waste = zero[zero["clicks"] >= min_clicks].reset_index(drop=True)
    ex = term_exclusions(search_terms, negatives)
    waste = waste.merge(ex, on="term", how="left")
    waste["excluded"] = waste["excluded"].fillna("")
    waste["excluded_by"] = waste["excluded_by"].fillna("")
    waste["excluded_cost"] = pd.to_numeric(waste["excluded_cost"], errors="coerce").fillna(0.0)
    total = float(t["cost"].sum())
    return waste, {"wasted_cost": float(waste["cost"].sum()), "terms": int(len(waste)),
                   "share_of_cost": float(ratio(waste["cost"].sum(), total)),
                   "non_converting_cost": float(zero["cost"].sum()), "total_cost": total, "min_clicks": int(min_clicks),
                   "excluded_cost": float(waste["excluded_cost"].sum()),
                   "excluded_terms": int((waste["excluded"] == "yes").sum()),
                   "partly_excluded_terms": int((waste["excluded"] == "partly").sum())}


@filecache.by_content  # the en and fr reports compute it once
def ngrams(search_terms: pd.DataFrame, n: tuple[int, ...] = (1, 2, 3)) -> pd.DataFrame:
    """Cost, clicks and conversions of every 1-, 2- and 3-word sequence across terms.

    A term contributes its whole figures once to each distinct n-gram it contains (so
    n-gram rows overlap and do not add up to the account). Returns ngram, n, terms
    (count), impressions, clicks, cost, conversions, conversion_value and the ratios,
    by cost; ``_terms`` holds the tuple of terms.
    """
    t = term_table(search_terms)
    members: dict[str, set[int]] = defaultdict(set)
    for i, term in enumerate(t["term"]):
        words = str(term).split()
        for k in n:
            for j in range(len(words) - k + 1):
                members[" ".join(words[j:j + k])].add(i)
    vals = t[list(SUMS)].to_numpy()
    rows = []
    for gram, idx in members.items():
        ix = sorted(idx)
        s = vals[ix].sum(axis=0)
        rows.append({"ngram": gram, "n": len(gram.split()), "terms": len(ix), **dict(zip(SUMS, s)),
                     "_terms": tuple(t["term"].iloc[ix])})
    out = pd.DataFrame(rows, columns=["ngram", "n", "terms", *SUMS, "_terms"])
    return with_ratios(out).sort_values(["cost", "n", "ngram"], ascending=[False, False, True]).reset_index(drop=True)


@filecache.by_content  # the en and fr reports compute it once
def negative_candidates(search_terms: pd.DataFrame, keywords: pd.DataFrame | None = None, min_clicks: int = 20,
                        min_cost: float | None = None,
                        negatives: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict]:
    """N-grams to add as negative keywords.

    Rule: an n-gram (1-3 words) is a candidate when the terms containing it got at least
    ``min_clicks`` clicks and no conversion, and cost at least ``min_cost`` (default:
    the account's CPA, the average cost of one conversion: it has already spent what a
    conversion costs without getting one). N-grams that are, or appear in, one of the
    account's keywords are never proposed. When several candidates block the same
    terms, the one with the highest cost is kept (the longest on a tie: the most
    specific), and candidates whose terms are all blocked by a kept one are dropped.
    Money at stake: the cost of its terms over the period. Search-term rows the account
    already excludes where they ran (the ``negatives`` given, with Google's negative
    match types, and the report's Added/Excluded column:
    :func:`~trafficlib.paid_search.negatives.exclusions`) are left out first: their spend
    is already stopped, so it neither makes nor weighs a candidate. Returns (candidates,
    rule dict with the thresholds used, ``already_excluded_cost`` and
    ``already_excluded_terms``).
    """
    from trafficlib.paid_search.negatives import excluded_mask

    cpa = account_cpa(search_terms)
    threshold = float(min_cost) if min_cost is not None else (cpa if np.isfinite(cpa) else 0.0)
    kw_texts: set[str] = set()
    for src in (search_terms, keywords):
        if src is not None and "keyword" in src:
            kw_texts |= set(normalize_text(src["keyword"]).dropna())
    done = excluded_mask(search_terms, negatives)
    excluded_cost, excluded_terms = 0.0, 0
    if done.any():
        gone = search_terms[done.to_numpy()]
        excluded_cost = float(pd.to_numeric(gone["cost"], errors="coerce").sum()) if "cost" in gone else 0.0
        excluded_terms = int(normalize_text(gone["search_term"]).nunique())
        search_terms = search_terms[~done.to_numpy()]
    rule = {"min_clicks": int(min_clicks), "min_cost": threshold, "account_cpa": cpa, "money_at_stake": 0.0,
            "terms_blocked": 0, "already_excluded_cost": excluded_cost, "already_excluded_terms": excluded_terms}
    if search_terms["search_term"].notna().sum() == 0:  # every term already excluded
        return with_ratios(pd.DataFrame(columns=["ngram", "n", "terms", *SUMS, "_terms"])), rule
    g = ngrams(search_terms)
    protected = lambda gram: any(f" {gram} " in f" {k} " for k in kw_texts)  # noqa: E731
    c = g[(g["conversions"] <= 0) & (g["clicks"] >= min_clicks) & (g["cost"] >= threshold)]
    c = c[~c["ngram"].map(protected).astype(bool).to_numpy()] if len(c) else c
    c = c.sort_values(["cost", "n"], ascending=[False, False])
    kept, covered = [], []
    for idx in c.index:
        terms = set(c.loc[idx, "_terms"])
        if any(terms <= k for k in covered):
            continue
        kept.append(idx)
        covered.append(terms)
    out = c.loc[kept].reset_index(drop=True)
    blocked = set().union(*covered) if covered else set()
    tt = term_table(search_terms)
    at_stake = float(tt.loc[tt["term"].isin(blocked), "cost"].sum())
    rule.update(money_at_stake=at_stake, terms_blocked=len(blocked))
    return out, rule


@filecache.by_content  # the en and fr reports compute it once
def promote_candidates(search_terms: pd.DataFrame, keywords: pd.DataFrame | None = None,
                       min_conversions: float = 2.0) -> tuple[pd.DataFrame, dict]:
    """Search terms that convert well but are not keywords yet.

    Rule: at least ``min_conversions`` conversions and a CPA no higher than the
    account's, and the term (normalised) is not a keyword of the account (the search
    terms report's Keyword column and the keyword report, when given). Buying them as
    exact keywords controls their bid and ad. Returns (terms by conversions, rule dict).
    """
    t = term_table(search_terms)
    cpa = account_cpa(search_terms)
    kw_texts: set[str] = set()
    for src in (search_terms, keywords):
        if src is not None and "keyword" in src:
            kw_texts |= set(normalize_text(src["keyword"]).dropna())
    ok = (t["conversions"] >= min_conversions) & ~t["term"].isin(kw_texts)
    if np.isfinite(cpa):
        ok &= t["cpa"] <= cpa
    out = t[ok].sort_values(["conversions", "cost"], ascending=[False, True]).reset_index(drop=True)
    return out, {"min_conversions": float(min_conversions), "account_cpa": cpa}
