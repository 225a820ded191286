"""SEO visibility: share of voice, keyword gaps and overlap, rank movers, pages won
and lost."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from trafficlib.competitors._common import ctr


def _with_clicks(rankings: pd.DataFrame, ctr_curve) -> pd.DataFrame:
    r = rankings.copy()
    vol = r["search_volume"] if "search_volume" in r and r["search_volume"].notna().any() else pd.Series(1.0, index=r.index)
    r["est_clicks"] = vol.fillna(0).to_numpy() * ctr(r["position"], ctr_curve)
    return r


def share_of_voice(rankings: pd.DataFrame, ctr_curve=None) -> pd.DataFrame:
    """SEO share of voice per date and domain, weighted by search volume.

    est_clicks = Σ over keywords of search volume × CTR(position) (``ctr_curve``, default
    :data:`DEFAULT_CTR_CURVE`); share_of_voice = a domain's est_clicks / the sum over all
    domains tracked that date. Without volumes every keyword weighs 1. Returns date,
    domain, est_clicks (clicks/month), share_of_voice (fraction), keywords (ranked in the
    top 100), top3, top10, avg_position. Rankings stating no date (NaT: a keyword
    workbook) are one snapshot, dated NaT.
    """
    r = _with_clicks(rankings, ctr_curve)
    r["_top3"] = (r["position"] <= 3).astype(int)
    r["_top10"] = (r["position"] <= 10).astype(int)
    g = r.groupby(["date", "domain"], dropna=False)  # a workbook with no date (NaT) is one snapshot
    out = pd.DataFrame({
        "est_clicks": g["est_clicks"].sum(),
        "keywords": g.size(),
        "top3": g["_top3"].sum(),
        "top10": g["_top10"].sum(),
        "avg_position": g["position"].mean(),
    }).reset_index()
    total = out.groupby("date", dropna=False)["est_clicks"].transform("sum")
    out.insert(3, "share_of_voice", np.where(total > 0, out["est_clicks"] / total.replace(0, np.nan), np.nan))
    return out.sort_values(["date", "share_of_voice"], ascending=[True, False]).reset_index(drop=True)


def snapshots(rankings: pd.DataFrame) -> int:
    """How many snapshots a rankings table holds: its distinct dates, a table stating
    no date at all (NaT everywhere: one keyword workbook) counting as one."""
    dates = rankings["date"]
    return int(dates.nunique()) + int(dates.isna().any() and dates.notna().sum() == 0)


def latest(rankings: pd.DataFrame, date=None) -> pd.DataFrame:
    """The rows of the snapshot at ``date`` (default: the latest date; every row when the
    table states no date: one undated snapshot)."""
    dates = rankings["date"]
    if date is None and dates.isna().all():
        return rankings
    d = pd.Timestamp(date) if date is not None else dates.max()
    return rankings[dates == d]



def keyword_gaps(rankings: pd.DataFrame, our_domain: str, date=None, max_position: int = 20,
                 ctr_curve=None) -> pd.DataFrame:
    """Keywords where at least one competitor is in the top ``max_position`` and we are
    not (absent, or ranked below ``max_position``), at ``date`` (default: latest).

    Returns keyword, search_volume, best_domain, best_position, competitors (how many
    rank in the top ``max_position``), our_position (NaN if not ranked) and opportunity
    (search volume × CTR of the best competitor's position: clicks/month at stake),
    largest opportunity first.
    """
    r = _with_clicks(latest(rankings, date), ctr_curve)
    ours = r[r["domain"] == our_domain].set_index("keyword")["position"]
    them = r[(r["domain"] != our_domain) & (r["position"] <= max_position)]
    if them.empty:
        return pd.DataFrame(columns=["keyword", "search_volume", "best_domain", "best_position",
                                     "competitors", "our_position", "opportunity"])
    best = them.sort_values("position").groupby("keyword").first()
    out = pd.DataFrame({
        "keyword": best.index, "search_volume": best["search_volume"].to_numpy(),
        "best_domain": best["domain"].to_numpy(), "best_position": best["position"].to_numpy(),
        "competitors": them.groupby("keyword").size().reindex(best.index).to_numpy(),
        "our_position": ours.reindex(best.index).to_numpy(),
        "opportunity": best["est_clicks"].to_numpy(),
    })
    out = out[out["our_position"].isna() | (out["our_position"] > max_position)]
    return out.sort_values(["opportunity", "keyword"], ascending=[False, True]).reset_index(drop=True)


def keyword_overlap(rankings: pd.DataFrame, our_domain: str, date=None, max_position: int = 20) -> pd.DataFrame:
    """Per competitor at ``date``: keywords both of us rank on in the top
    ``max_position`` (shared), theirs only, ours only, overlap (shared / our keywords),
    they_outrank (shared keywords where they are above us) and outrank_rate."""
    r = latest(rankings, date)
    r = r[r["position"] <= max_position]
    ours = r[r["domain"] == our_domain].set_index("keyword")["position"]
    rows = []
    for dom, g in r[r["domain"] != our_domain].groupby("domain"):
        theirs = g.set_index("keyword")["position"]
        shared = theirs.index.intersection(ours.index)
        above = int((theirs[shared] < ours[shared]).sum())
        rows.append({"domain": dom, "shared": len(shared), "theirs_only": len(theirs.index.difference(ours.index)),
                     "ours_only": len(ours.index.difference(theirs.index)),
                     "overlap": len(shared) / len(ours) if len(ours) else np.nan,
                     "they_outrank": above, "outrank_rate": above / len(shared) if len(shared) else np.nan})
    return pd.DataFrame(rows).sort_values("shared", ascending=False).reset_index(drop=True)


def _two_dates(rankings: pd.DataFrame, start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    dates = np.sort(rankings["date"].dropna().unique())
    if end is None and len(dates) == 0:
        raise ValueError("rank movers need two dated snapshots: these rankings state no date")
    end = pd.Timestamp(end) if end is not None else pd.Timestamp(dates[-1])
    before = dates[dates < np.datetime64(end)]
    if start is None:
        if len(before) == 0:
            raise ValueError("rank movers need two dates")
        start = pd.Timestamp(before[-1])
    return pd.Timestamp(start), end


def rank_movers(rankings: pd.DataFrame, start=None, end=None, domains=None, n: int | None = 10,
                unranked: int = 101, ctr_curve=None) -> pd.DataFrame:
    """Biggest position changes between ``start`` and ``end`` (default: the last two
    snapshots), per domain and keyword.

    A keyword absent on one date counts as position ``unranked`` (101). Returns domain,
    keyword, search_volume, position_before, position_after (NaN when absent), change
    (positions gained: before − after, positive = better), clicks_change (estimated
    clicks/month) and direction ("up"/"down"). With ``n``, the ``n`` largest gains and
    ``n`` largest losses per domain; sorted by change.
    """
    start, end = _two_dates(rankings, start, end)
    r = rankings if domains is None else rankings[rankings["domain"].isin(list(domains))]
    a = r[r["date"] == start].set_index(["domain", "keyword"])
    b = r[r["date"] == end].set_index(["domain", "keyword"])
    idx = a.index.union(b.index)
    vol = pd.concat([a["search_volume"], b["search_volume"]]).groupby(level=[0, 1]).last().reindex(idx)
    out = pd.DataFrame({"search_volume": vol.to_numpy(),
                        "position_before": a["position"].reindex(idx).to_numpy(),
                        "position_after": b["position"].reindex(idx).to_numpy(),
                        "url_after": b["url"].reindex(idx).to_numpy() if "url" in b else pd.NA},
                       index=idx).reset_index()
    pb = out["position_before"].fillna(unranked)
    pa = out["position_after"].fillna(unranked)
    out["change"] = pb - pa
    v = out["search_volume"].fillna(0).to_numpy()
    out["clicks_change"] = v * (ctr(pa.where(pa < unranked), ctr_curve) - ctr(pb.where(pb < unranked), ctr_curve))
    out = out[out["change"] != 0]
    out["direction"] = np.where(out["change"] > 0, "up", "down")
    if n is not None:
        up = out[out["change"] > 0].sort_values(["change", "clicks_change"], ascending=False).groupby("domain").head(n)
        down = out[out["change"] < 0].sort_values(["change", "clicks_change"]).groupby("domain").head(n)
        out = pd.concat([up, down])
    out = out.sort_values(["change", "clicks_change"], ascending=False).reset_index(drop=True)
    out.attrs.update(start=start, end=end)
    return out


def pages_won_lost(rankings: pd.DataFrame, start=None, end=None, domains=None, n: int | None = 10,
                   ctr_curve=None) -> pd.DataFrame:
    """Pages (URLs) whose estimated organic clicks changed most between ``start`` and
    ``end`` (default: the last two snapshots). Returns domain, url, keywords_before,
    keywords_after, clicks_before, clicks_after (clicks/month), clicks_change, status
    ("won"/"lost"); ``n`` largest wins and losses overall."""
    start, end = _two_dates(rankings, start, end)
    r = _with_clicks(rankings if domains is None else rankings[rankings["domain"].isin(list(domains))], ctr_curve)
    r = r[r["url"].notna()]
    g = lambda d: r[r["date"] == d].groupby(["domain", "url"]).agg(keywords=("keyword", "size"), clicks=("est_clicks", "sum"))
    a, b = g(start), g(end)
    out = a.merge(b, how="outer", left_index=True, right_index=True, suffixes=("_before", "_after")).fillna(0).reset_index()
    out["clicks_change"] = out["clicks_after"] - out["clicks_before"]
    out = out[out["clicks_change"] != 0]
    out["status"] = np.where(out["clicks_change"] > 0, "won", "lost")
    if n is not None:
        out = pd.concat([out.nlargest(n, "clicks_change"), out.nsmallest(n, "clicks_change")]).drop_duplicates()
    out = out.sort_values("clicks_change", ascending=False).reset_index(drop=True)
    out.attrs.update(start=start, end=end)
    return out[["domain", "url", "keywords_before", "keywords_after", "clicks_before", "clicks_after",
                "clicks_change", "status"]]


def cluster_of(keywords, min_share: float = 0.5) -> str:
    """A name for a group of keywords: the most common two-word prefix when it covers at
    least ``min_share`` of them, else the most common first word."""
    kws = [str(k).split() for k in keywords]
    if not kws:
        return ""
    two = Counter(" ".join(k[:2]) for k in kws if len(k) >= 2)
    if two:
        name, cnt = two.most_common(1)[0]
        if cnt >= min_share * len(kws):
            return name
    return Counter(k[0] for k in kws if k).most_common(1)[0][0]
