"""Lead quality by landing page: which pages bring leads that sales qualify and win."""
from __future__ import annotations

from urllib.parse import urlsplit

import pandas as pd

from trafficlib.leads.funnel import NOT_SET, wilson

__all__ = ["page_of", "by_landing_page", "OTHER_PAGES"]

OTHER_PAGES = "(other pages)"


def page_of(value) -> str:
    """A landing page as a path: ``https://www.site.fr/pro/devis?utm_source=x#form`` ->
    ``/pro/devis`` (query strings and fragments make every URL unique); values that are
    not URLs (a page id) are kept as written."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == NOT_SET:
        return NOT_SET
    text = str(value).strip()
    if "/" not in text and "?" not in text:
        return text
    parts = urlsplit(text if "://" in text or text.startswith("/") else "//" + text)
    path = parts.path or "/"
    return path if len(path) == 1 else path.rstrip("/")


def by_landing_page(prepared: pd.DataFrame, min_leads: int = 20, alpha: float = 0.05) -> pd.DataFrame:
    """Per landing page (:func:`page_of`): ``leads``, ``qualified``, ``won`` (counts),
    ``qualified_rate`` and ``won_rate`` (fractions of its leads) with the Wilson bounds
    ``qualified_low`` / ``qualified_high`` and ``won_low`` / ``won_high``, ``value`` (won
    value, CRM currency) and ``value_per_lead`` (value / leads). Pages with fewer than
    ``min_leads`` leads are pooled into one row "(other pages)", listed last; the others
    are sorted by leads."""
    df = prepared.assign(page=prepared["landing_page"].map(page_of))
    n = df["page"].value_counts()
    small = set(n[n < min_leads].index)
    df["page"] = df["page"].where(~df["page"].isin(small), OTHER_PAGES)
    g = df.groupby("page").agg(leads=("lead_id", "size"), qualified=("qualified", "sum"), won=("won", "sum"))
    g["value"] = df["value"].where(df["won"]).groupby(df["page"]).sum(min_count=1).reindex(g.index).fillna(0.0)
    g = g.astype({"leads": int, "qualified": int, "won": int})
    g["qualified_rate"] = g["qualified"] / g["leads"]
    g["qualified_low"], g["qualified_high"] = wilson(g["qualified"], g["leads"], alpha)
    g["won_rate"] = g["won"] / g["leads"]
    g["won_low"], g["won_high"] = wilson(g["won"], g["leads"], alpha)
    g["value_per_lead"] = g["value"] / g["leads"]
    order = sorted(range(len(g)), key=lambda i: (g.index[i] == OTHER_PAGES, -g["leads"].iloc[i]))
    return g.iloc[order].reset_index()
