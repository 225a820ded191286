"""Which search terms the account already excludes.

Two sources say so: the account's negative keywords (a Google Ads Negative keyword
report, read as ``google_ads/negative_keywords``: ``keyword``, ``match_type``,
``criterion``, ``campaign``, ``ad_group``) and the search terms report's own
Added/Excluded column (``term_status`` "Excluded", added after the spend it reports).

Negative keywords match as Google documents it, without close variants (no plurals,
misspellings or synonyms), words compared lower-cased with spaces collapsed:

- exact ``[a b]``: the search term is exactly ``a b``;
- phrase ``"a b"``: the term contains ``a b``, those words in that order, next to each
  other (other words before or after allowed);
- broad ``a b``: the term contains every word of the negative, in any order.

A negative applies where it is set: an account-level negative everywhere, a campaign's
to that campaign's terms, an ad group's to that ad group's terms. Shared negative lists
are named in the download but not their keywords: they cannot be applied (said in the
loader's notes).
"""
from __future__ import annotations

from collections import defaultdict

import pandas as pd

from trafficlib.paid_search.terms import normalize_text

__all__ = ["exclusions", "term_exclusions", "excluded_mask"]

def _norm(text) -> str:
    return " ".join(str(text).casefold().split())


def _index(negatives: pd.DataFrame) -> tuple[dict, dict, dict]:
    """(exact, phrase, broad) lookups: text -> [(scope, as written)]; broad keyed by its
    first word -> [(word set, scope, as written)]."""
    exact: dict[str, list] = defaultdict(list)
    phrase: dict[str, list] = defaultdict(list)
    broad: dict[str, list] = defaultdict(list)
    f = negatives
    if "criterion" in f:
        f = f[f["criterion"].astype("string").fillna("keyword") != "list"]
    f = f.drop_duplicates(subset=[c for c in ("keyword", "match_type", "campaign", "ad_group") if c in f])
    for row in f.itertuples(index=False):
        text = _norm(getattr(row, "keyword"))
        if not text:
            continue
        mt = getattr(row, "match_type", None)
        mt = "broad" if mt is None or pd.isna(mt) else str(mt)
        camp = getattr(row, "campaign", None)
        group = getattr(row, "ad_group", None)
        scope = (None if camp is None or pd.isna(camp) else str(camp).strip(),
                 None if group is None or pd.isna(group) else str(group).strip())
        if mt == "exact":
            exact[text].append((scope, f"[{text}]"))
        elif mt == "phrase":
            phrase[text].append((scope, f'"{text}"'))
        else:
            words = text.split()
            broad[words[0]].append((frozenset(words), scope, text))
    return exact, phrase, broad


def _applies(scope: tuple, campaign, ad_group) -> bool:
    """Whether a negative set at ``scope`` (campaign or None, ad group or None) applies to a
    term that ran in ``campaign`` / ``ad_group``."""
    camp, group = scope
    if camp is None and group is None:
        return True
    if campaign is None:  # the search terms report does not say where the term ran
        return True
    if camp is not None and camp != campaign:
        return False
    return group is None or ad_group is None or group == ad_group


def exclusions(search_terms: pd.DataFrame, negatives: pd.DataFrame | None = None) -> pd.Series:
    """For each row of a search terms report, what already excludes its term: the
    negative keyword that matches it where it ran, as Google writes it (``[exact]``,
    ``"phrase"``, ``broad``), or ``"Excluded"`` when the report's Added/Excluded column
    says so; ``""`` when nothing does. A string Series on the rows' index."""
    out = pd.Series("", index=search_terms.index, dtype="object")
    if "term_status" in search_terms:
        status = search_terms["term_status"].astype("string").str.casefold().fillna("")
        out[status.str.contains("exclu", regex=False).to_numpy()] = "Excluded"
    if negatives is None or negatives.empty or "search_term" not in search_terms:
        return out
    exact, phrase, broad = _index(negatives)
    text = normalize_text(search_terms["search_term"]).fillna("")
    camp = (search_terms["campaign"].astype("string").str.strip() if "campaign" in search_terms
            else pd.Series(pd.NA, index=search_terms.index))
    group = (search_terms["ad_group"].astype("string").str.strip() if "ad_group" in search_terms
             else pd.Series(pd.NA, index=search_terms.index))
    cache: dict[tuple, str] = {}
    found = []
    for t, c, g in zip(text.tolist(), camp.tolist(), group.tolist()):
        key = (t, None if pd.isna(c) else c, None if pd.isna(g) else g)
        if key not in cache:
            cache[key] = _match(*key, exact, phrase, broad)
        found.append(cache[key])
    found = pd.Series(found, index=search_terms.index, dtype="object")
    return found.where(found != "", out)


def _match(term: str, campaign, ad_group, exact, phrase, broad) -> str:
    if not term:
        return ""
    for scope, written in exact.get(term, ()):
        if _applies(scope, campaign, ad_group):
            return written
    words = term.split()
    for n in range(1, len(words) + 1):
        for j in range(len(words) - n + 1):
            for scope, written in phrase.get(" ".join(words[j:j + n]), ()):
                if _applies(scope, campaign, ad_group):
                    return written
    have = set(words)
    for w in have:
        for need, scope, written in broad.get(w, ()):
            if need <= have and _applies(scope, campaign, ad_group):
                return written
    return ""


def excluded_mask(search_terms: pd.DataFrame, negatives: pd.DataFrame | None = None) -> pd.Series:
    """True for the search terms report's rows whose term is already excluded where it
    ran (:func:`exclusions`)."""
    return exclusions(search_terms, negatives) != ""


def term_exclusions(search_terms: pd.DataFrame, negatives: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per search term (normalised as :func:`~trafficlib.paid_search.terms.term_table`
    does): ``excluded`` ("yes" when every row of the term is excluded where it ran,
    "partly" when some are, "" when none), ``excluded_cost`` (cost of its excluded rows,
    account currency) and ``excluded_by`` (the negatives or "Excluded", as written)."""
    cols = ["term", "excluded", "excluded_cost", "excluded_by"]
    if search_terms is None or "search_term" not in search_terms:
        return pd.DataFrame(columns=cols)
    by = exclusions(search_terms, negatives)
    f = pd.DataFrame({"term": normalize_text(search_terms["search_term"]).to_numpy(),
                      "cost": pd.to_numeric(search_terms.get("cost"), errors="coerce").to_numpy()
                      if "cost" in search_terms else 0.0,
                      "by": by.to_numpy()})
    f = f[f["term"].notna() & (f["term"] != "")]
    f["hit"] = f["by"] != ""
    f["excluded_cost"] = f["cost"].where(f["hit"], 0.0).fillna(0.0)
    grouped = f.groupby("term", sort=False)
    g = grouped.agg(rows=("hit", "size"), hits=("hit", "sum"), excluded_cost=("excluded_cost", "sum"))
    hit = f[f["hit"]]
    g["excluded_by"] = hit.groupby("term")["by"].agg(lambda s: ", ".join(sorted(set(s)))).reindex(g.index).fillna("")
    g["excluded"] = ["yes" if h == r else "partly" if h else "" for h, r in zip(g["hits"], g["rows"])]
    return g.reset_index()[cols]
