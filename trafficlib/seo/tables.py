"""Top queries and pages, movers, brand split, country and device splits,
cannibalisation."""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib import filecache
from trafficlib.metrics import ratio
from trafficlib.seo.core import SearchData, is_brand, summarise, totals

__all__ = ["top", "movers", "pages_losing", "split", "brand_split", "cannibalisation"]

_DIM = {"queries": "query", "pages": "page", "countries": "country", "devices": "device",
        "search_appearance": "search_appearance"}


@filecache.by_content  # summed once for the en and fr reports
def _with_previous(t: pd.DataFrame, key: str) -> pd.DataFrame:
    cur = summarise(t, key)
    if "clicks_previous" in t:
        prev = summarise(t, key, suffix="_previous").add_suffix("_previous").rename(columns={f"{key}_previous": key})
        cur = cur.merge(prev, on=key, how="left")
        for m in ("clicks", "impressions"):
            cur[f"{m}_previous"] = cur[f"{m}_previous"].fillna(0.0)
        cur["clicks_change"] = cur["clicks"] - cur["clicks_previous"]
        cur["clicks_change_rel"] = ratio(cur["clicks"], cur["clicks_previous"]) - 1
        cur["position_change"] = cur["position"] - cur["position_previous"]
    return cur


def top(sd: SearchData, table: str = "queries", n: int = 20, by: str = "clicks") -> pd.DataFrame:
    """The ``n`` rows of ``table`` ("queries", "pages"...) with most ``by``: clicks,
    impressions, ctr, position, ``share_clicks`` (of the site's total clicks, from the
    Dates table), and in comparison mode ``clicks_previous``, ``clicks_change_rel``,
    ``position_change`` (negative = moved up)."""
    t = sd.tables.get(table)
    if t is None:
        return pd.DataFrame()
    key = _DIM[table]
    out = _with_previous(t, key)
    out["share_clicks"] = ratio(out["clicks"], totals(sd)["clicks"])
    cols = [key, "clicks", "impressions", "ctr", "position", "share_clicks"]
    if "clicks_previous" in out:
        cols += ["clicks_previous", "clicks_change_rel", "position_change"]
    return out.sort_values(by, ascending=False).head(n)[cols].reset_index(drop=True)


def movers(sd: SearchData, table: str = "queries", n: int = 10, min_clicks: float = 10) -> pd.DataFrame:
    """Rows of ``table`` whose clicks changed most between the two periods (comparison
    mode only): the ``n`` biggest gains then the ``n`` biggest losses, among rows with at
    least ``min_clicks`` clicks in either period. Columns: the dimension,
    ``direction`` (gain/loss), ``clicks``, ``clicks_previous``, ``clicks_change``,
    ``clicks_change_rel``, ``position``, ``position_previous``, ``position_change``. A row
    absent from the previous table counts 0 clicks there (it may have been below the
    row limit)."""
    t = sd.tables.get(table)
    if t is None or "clicks_previous" not in t:
        return pd.DataFrame()
    key = _DIM[table]
    c = _with_previous(t, key)
    c = c[(c["clicks"] >= min_clicks) | (c["clicks_previous"] >= min_clicks)]
    gains = c[c["clicks_change"] > 0].nlargest(n, "clicks_change").assign(direction="gain")
    losses = c[c["clicks_change"] < 0].nsmallest(n, "clicks_change").assign(direction="loss")
    cols = [key, "direction", "clicks", "clicks_previous", "clicks_change", "clicks_change_rel", "position",
            "position_previous", "position_change"]
    return pd.concat([gains, losses])[cols].reset_index(drop=True)


def pages_losing(sd: SearchData, min_loss: float = 20, n: int = 15) -> pd.DataFrame:
    """Pages that lost at least ``min_loss`` clicks between the two periods, biggest
    loss first, with the position change that goes with it (comparison mode only):
    ``page``, ``clicks``, ``clicks_previous``, ``clicks_change``, ``clicks_change_rel``,
    ``position``, ``position_previous``, ``position_change``, ``clicks_at_stake`` (the
    clicks lost)."""
    m = movers(sd, "pages", n=10 ** 6, min_clicks=0)
    if m.empty:
        return m
    out = m[m["clicks_change"] <= -min_loss].sort_values("clicks_change").head(n).drop(columns="direction")
    return out.assign(clicks_at_stake=-out["clicks_change"]).reset_index(drop=True)


def split(sd: SearchData, table: str = "devices", n: int = 15) -> pd.DataFrame:
    """Clicks, impressions, CTR and position by country / device / search appearance
    (``table``), with each row's share of the table's clicks and, in comparison mode, the
    change in clicks."""
    t = sd.tables.get(table)
    if t is None:
        return pd.DataFrame()
    key = _DIM[table]
    out = _with_previous(t, key)
    out["share_clicks"] = ratio(out["clicks"], out["clicks"].sum())
    cols = [key, "clicks", "share_clicks", "impressions", "ctr", "position"]
    if "clicks_previous" in out:
        cols += ["clicks_change_rel", "position_change"]
    return out.sort_values("clicks", ascending=False).head(n)[cols].reset_index(drop=True)


def brand_split(sd: SearchData) -> pd.DataFrame:
    """Brand vs non-brand clicks among the visible queries, and what the queries table
    does not show: one row per ``segment`` ("brand", "non_brand", "not_shown") with
    clicks, impressions, ctr, position (impression-weighted; unknown for queries not
    shown), ``share_clicks`` and ``share_impressions`` of the site's totals.
    """
    q = sd.queries
    if q is None:
        return pd.DataFrame()
    q = q.assign(segment=np.where(is_brand(q["query"], sd.brand), "brand", "non_brand"))
    out = summarise(q, "segment").set_index("segment").reindex(["brand", "non_brand"]).fillna(
        {"clicks": 0, "impressions": 0}).reset_index()
    tot = totals(sd)
    rest_c = tot["clicks"] - out["clicks"].sum()
    rest_i = tot["impressions"] - out["impressions"].sum()
    if np.isfinite(rest_c):
        out = pd.concat([out, pd.DataFrame([{"segment": "not_shown", "clicks": max(rest_c, 0.0),
                                             "impressions": max(rest_i, 0.0), "ctr": ratio(max(rest_c, 0), max(rest_i, 0)),
                                             "position": np.nan}])], ignore_index=True)
    out["share_clicks"] = ratio(out["clicks"], tot["clicks"])
    out["share_impressions"] = ratio(out["impressions"], tot["impressions"])
    return out


@filecache.by_content  # the en and fr reports compute it once
def cannibalisation(sd: SearchData, min_impressions: int = 100, min_share: float = 0.2, n: int = 20) -> pd.DataFrame:
    """Queries whose impressions are shared by several of the site's pages (needs query ×
    page rows: a Looker Studio / API table or the bulk export's url table).

    A query is listed when at least two pages each hold ≥ ``min_share`` of its
    impressions (and it has ≥ ``min_impressions``). Returns ``query``, ``pages`` (how
    many pages share it), ``top_page``, ``top_share`` (its share of the query's
    impressions), ``second_page``, ``impressions``, ``clicks``, ``position``
    (impression-weighted over its pages) and ``clicks_at_stake`` = Σ over the other
    pages of impressions × (top page's CTR − that page's CTR), floored at 0: the clicks
    the query would earn if the strongest page took the others' impressions at its CTR.
    """
    cols = ["query", "pages", "top_page", "top_share", "second_page", "impressions", "clicks", "position",
            "clicks_at_stake"]
    qp = sd.query_page
    if qp is None or qp.empty:
        return pd.DataFrame(columns=cols)
    g = summarise(qp[qp["query"].notna() & qp["page"].notna()], ["query", "page"])
    q_imp = g.groupby("query")["impressions"].transform("sum")
    g["share"] = ratio(g["impressions"], q_imp)
    g = g[q_imp >= min_impressions]
    rows = []
    for query, grp in g.groupby("query", sort=False):
        big = grp[grp["share"] >= min_share].sort_values("clicks", ascending=False)
        if len(big) < 2:
            continue
        first = big.iloc[0]
        others = grp[grp["page"] != first["page"]]
        stake = float((others["impressions"] * (first["ctr"] - others["ctr"].fillna(0))).clip(lower=0).sum())
        s = summarise(grp).iloc[0]
        rows.append({"query": query, "pages": len(big), "top_page": first["page"], "top_share": first["share"],
                     "second_page": big.iloc[1]["page"], "impressions": s["impressions"], "clicks": s["clicks"],
                     "position": s["position"], "clicks_at_stake": stake})
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values("clicks_at_stake", ascending=False).head(n).reset_index(drop=True)
