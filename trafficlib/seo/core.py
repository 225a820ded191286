"""The Search Console data a report works on, and the honest sums.

Search Console's tables do not add up to the site: the queries table leaves out
anonymised queries and stops at the interface's 1,000 rows, and the pages table counts
an impression once per page shown. Site totals therefore come from the Dates table (or
the bulk export's site table), never from summing queries. Average position is always
impression-weighted when rows are aggregated, and CTR is recomputed as clicks /
impressions.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trafficlib.metrics import ratio

__all__ = ["SearchData", "prepare", "weighted_position", "summarise", "totals", "coverage",
           "brand_pattern", "is_brand", "fold"]


def fold(text) -> str:
    """Lower-case text without accents (for brand matching)."""
    t = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return t.lower()


def weighted_position(frame: pd.DataFrame, position: str = "position", weight: str = "impressions") -> float:
    """Impression-weighted average position of the rows: Σ(position × impressions) /
    Σ impressions over rows with a position and impressions. NaN when none. A plain mean
    of positions would let a query seen twice weigh as much as one seen 10,000 times."""
    if frame is None or position not in frame or weight not in frame:
        return float("nan")
    p = pd.to_numeric(frame[position], errors="coerce")
    w = pd.to_numeric(frame[weight], errors="coerce")
    ok = p.notna() & (w > 0)
    if not ok.any():
        return float("nan")
    return float((p[ok] * w[ok]).sum() / w[ok].sum())


def summarise(frame: pd.DataFrame, by: str | list[str] | None = None, suffix: str = "") -> pd.DataFrame:
    """Clicks and impressions summed, CTR recomputed and position impression-weighted,
    by ``by`` (None: one row). ``suffix`` selects the previous-period columns
    (``"_previous"``); the output columns are always clicks, impressions, ctr, position."""
    c, i, p = f"clicks{suffix}", f"impressions{suffix}", f"position{suffix}"
    f = pd.DataFrame({"clicks": frame[c], "impressions": frame[i]})
    pos = frame[p] if p in frame else pd.Series(np.nan, index=frame.index)
    ok = pos.notna() & (f["impressions"] > 0)
    f["_pw"] = (pos * f["impressions"]).where(ok, 0.0)
    f["_w"] = f["impressions"].where(ok, 0.0)
    keys = [by] if isinstance(by, str) else list(by or [])
    for k in keys:
        f[k] = frame[k]
    if keys:
        g = f.groupby(keys, dropna=False, sort=False)[["clicks", "impressions", "_pw", "_w"]].sum(min_count=1)
    else:
        g = f[["clicks", "impressions", "_pw", "_w"]].sum(min_count=1).to_frame().T
    g["ctr"] = ratio(g["clicks"], g["impressions"])
    g["position"] = ratio(g["_pw"], g["_w"])
    out = g.drop(columns=["_pw", "_w"])
    return out.reset_index() if keys else out.reset_index(drop=True)


def brand_pattern(site_name: str | None, domain: str | None = None) -> str | None:
    """A regular expression for brand queries built from the site name (and domain):
    "Maison Lumière" -> ``maison[\\W_]*lumiere``, matched on queries lower-cased without
    accents, so "maison lumiere", "maisonlumière" and "maison-lumiere.fr" are brand."""
    parts = []
    for name in (site_name, (domain or "").split(".")[0] if domain else None):
        if not name:
            continue
        words = [w for w in re.split(r"[\W_]+", fold(name)) if w]
        if words:
            parts.append(r"[\W_]*".join(re.escape(w) for w in words))
    parts = list(dict.fromkeys(parts))
    return "|".join(parts) if parts else None


def is_brand(queries: pd.Series, pattern: str | None) -> pd.Series:
    """True for queries matching ``pattern`` (case-insensitive, on the query as written
    or without accents)."""
    if not pattern:
        return pd.Series(False, index=queries.index)
    rx = re.compile(pattern, re.IGNORECASE)
    text = queries.astype("string").fillna("")
    return text.map(lambda q: bool(rx.search(q) or rx.search(fold(q)))).astype(bool)


@dataclass
class SearchData:
    """What the SEO report works on (built by :func:`prepare`).

    ``daily``: one row per day of the current period (date, clicks, impressions, ctr,
    position); ``daily_previous``: same for the comparison period (or None);
    ``tables``: queries, pages, countries, devices, search_appearance (those present,
    previous-period columns ``*_previous`` in comparison mode); ``query_page``: query ×
    page rows (Looker Studio / API or bulk export), or None; ``brand``: the brand
    regex; ``comparison``: period labels; ``filters``: filters applied; ``notes``.
    """

    daily: pd.DataFrame | None
    daily_previous: pd.DataFrame | None
    tables: dict[str, pd.DataFrame]
    query_page: pd.DataFrame | None
    brand: str | None
    comparison: dict | None = None
    filters: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    site_name: str | None = None

    @property
    def queries(self):
        return self.tables.get("queries")

    @property
    def pages(self):
        return self.tables.get("pages")

    @property
    def has_comparison(self) -> bool:
        return self.comparison is not None or self.daily_previous is not None

    @property
    def period(self):
        if self.daily is None or self.daily.empty:
            return None
        return self.daily["date"].min(), self.daily["date"].max()

    @property
    def previous_period(self):
        if self.daily_previous is None or self.daily_previous.empty:
            return None
        return self.daily_previous["date"].min(), self.daily_previous["date"].max()


def _daily_from(frame: pd.DataFrame) -> pd.DataFrame:
    d = summarise(frame[frame["date"].notna()], "date").sort_values("date").reset_index(drop=True)
    return d[["date", "clicks", "impressions", "ctr", "position"]]


def prepare(perf, site_name: str | None = None, brand_regex: str | None = None, domain: str | None = None,
            query_page: pd.DataFrame | None = None) -> SearchData:
    """Gather a :class:`~trafficlib.readers.search_console.Performance` into
    :class:`SearchData`.

    ``brand_regex``: brand queries (None: built from ``site_name`` and ``domain`` by
    :func:`brand_pattern`). ``query_page``: an extra query × page table (e.g. a bulk
    export's ``searchdata_url_impression`` read with ``sources.load``); by default the
    one found beside the export, if any.
    """
    tables = {k: v for k, v in perf.tables.items() if k != "dates"}
    notes: list[str] = []
    daily = daily_prev = None
    if "dates" in perf.tables:
        dates = perf.tables["dates"]
        if "period" in dates:
            daily = _daily_from(dates[dates["period"] == "current"])
            prev = dates[dates["period"] == "previous"]
            daily_prev = _daily_from(prev) if len(prev) else None
        else:
            daily = _daily_from(dates)
        notes.append("site totals: the Dates table (all queries, anonymised ones included)")
    elif "bulk_site" in perf.details:
        daily = _daily_from(perf.details["bulk_site"])
        notes.append("site totals: the bulk export's site table (searchdata_site_impression)")
    elif "table" in perf.details and "date" in perf.details["table"] and "query" not in perf.details["table"] \
            and "page" not in perf.details["table"]:
        daily = _daily_from(perf.details["table"])
        notes.append("site totals: the date table (Looker Studio / API)")
    qp = query_page
    if qp is None:
        for key in ("bulk_url", "table"):
            t = perf.details.get(key)
            if t is not None and {"query", "page"} <= set(t.columns):
                qp = t
                notes.append(f"query × page rows from the {'bulk export' if key == 'bulk_url' else 'Looker Studio / API'} table")
                break
    if qp is not None and "is_anonymized_query" in qp:
        qp = qp[~qp["is_anonymized_query"].astype(bool)]
    if "queries" not in tables:
        for key in ("bulk_url", "bulk_site", "table"):
            t = perf.details.get(key)
            if t is not None and "query" in t:
                src = t[~t["is_anonymized_query"].astype(bool)] if "is_anonymized_query" in t else t
                tables["queries"] = summarise(src[src["query"].notna()], "query")
                notes.append(f"queries summed from the {key} table")
                break
    pattern = brand_regex if brand_regex else brand_pattern(site_name, domain)
    return SearchData(daily=daily, daily_previous=daily_prev, tables=tables, query_page=qp, brand=pattern,
                      comparison=perf.comparison, filters=perf.filters_applied(), notes=notes + list(perf.notes),
                      site_name=site_name)


def totals(sd: SearchData, previous: bool = False) -> dict:
    """The site's clicks, impressions, CTR and impression-weighted position over the
    period (``previous``: the comparison period), and where they come from.

    Returns a dict: ``clicks``, ``impressions``, ``ctr`` (fraction), ``position``,
    ``source`` ("dates", "devices", "countries" or "queries"; the last is a lower
    bound). Values are NaN when the export cannot give them.
    """
    d = sd.daily_previous if previous else sd.daily
    if d is not None and len(d):
        s = summarise(d).iloc[0]
        return {"clicks": float(s["clicks"]), "impressions": float(s["impressions"]), "ctr": float(s["ctr"]),
                "position": float(s["position"]), "source": "dates"}
    suffix = "_previous" if previous else ""
    for name in ("devices", "countries", "queries"):
        t = sd.tables.get(name)
        if t is not None and f"clicks{suffix}" in t:
            s = summarise(t, suffix=suffix).iloc[0]
            return {"clicks": float(s["clicks"]), "impressions": float(s["impressions"]), "ctr": float(s["ctr"]),
                    "position": float(s["position"]), "source": name}
    nan = float("nan")
    return {"clicks": nan, "impressions": nan, "ctr": nan, "position": nan, "source": None}


def coverage(sd: SearchData) -> pd.DataFrame:
    """How much of the site's clicks and impressions each detail table shows.

    One row per table present (``queries``, ``pages``, ``query_page``): ``table``,
    ``clicks`` (summed over its rows), ``site_clicks``, ``share_clicks``, ``impressions``,
    ``site_impressions``, ``share_impressions``, ``rows``. The queries' share is what the
    visible queries cover (anonymised queries and the row limit make the rest); the
    pages' can pass 100 % for impressions (one impression per page shown).
    """
    tot = totals(sd)
    rows = []
    for name, t in (("queries", sd.queries), ("pages", sd.pages), ("query_page", sd.query_page)):
        if t is None:
            continue
        c, i = float(t["clicks"].sum()), float(t["impressions"].sum())
        rows.append({"table": name, "rows": len(t), "clicks": c, "site_clicks": tot["clicks"],
                     "share_clicks": ratio(c, tot["clicks"]), "impressions": i,
                     "site_impressions": tot["impressions"], "share_impressions": ratio(i, tot["impressions"])})
    return pd.DataFrame(rows, columns=["table", "rows", "clicks", "site_clicks", "share_clicks", "impressions",
                                       "site_impressions", "share_impressions"])
