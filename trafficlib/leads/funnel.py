"""The lead funnel: leads by channel and week, and lead -> qualified -> won by channel.

A lead is *qualified* when it has a qualification date on or before the report's
``as_of`` day, or its stage says qualified or won; it is *won* when its stage is won
(a won date after ``as_of`` is not yet a win). Rates are fractions with Wilson score
intervals (statsmodels ``proportion_confint(method="wilson")``): right even for small
counts and rates near 0, where the normal approximation gives negative bounds.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

__all__ = ["NOT_SET", "as_of_date", "prepare", "prepare_mature", "by_week", "conversion", "wilson", "RATES"]

NOT_SET = "(not set)"
# rate -> (numerator, denominator)
RATES = {"lead_to_qualified": ("qualified", "leads"), "qualified_to_won": ("won", "qualified"),
         "lead_to_won": ("won", "leads")}


def as_of_date(leads: pd.DataFrame) -> pd.Timestamp:
    """The day the CRM export describes: the latest date it holds (created, qualified,
    won or lost), at midnight ending that day. Open leads are censored there."""
    dates = pd.concat([leads[c] for c in ("created", "qualified_at", "won_at", "lost_at") if c in leads])
    return (dates.max().normalize() + pd.Timedelta(days=1)) if dates.notna().any() else pd.Timestamp.now().normalize()


def prepare(leads: pd.DataFrame, as_of=None, maturity_days: int = 0) -> pd.DataFrame:
    """The leads as the analyses use them, one row per lead created before ``as_of``
    (default: the day after the latest date of the table), with:

    - ``channel`` (and ``campaign``, ``landing_page``) filled with ``"(not set)"`` where empty;
    - ``week``: the Monday of the creation week;
    - ``qualified``, ``won``, ``lost``: booleans as of ``as_of`` (module docstring);
    - ``age_days``: days from creation to ``as_of``.

    ``maturity_days`` keeps only the leads created at least that many days before
    ``as_of``: recent leads have not had the time to be won, and would pull every rate
    down. ``attrs["as_of"]`` holds the day used."""
    as_of = as_of_date(leads) if as_of is None or (isinstance(as_of, str) and not as_of) else pd.Timestamp(as_of)
    df = leads[leads["created"].notna() & (leads["created"] < as_of)].copy()
    if maturity_days:
        df = df[df["created"] <= as_of - pd.Timedelta(days=int(maturity_days))]
    for c in ("channel", "campaign", "landing_page"):
        s = df[c].astype("string").str.strip() if c in df else pd.Series(pd.NA, index=df.index, dtype="string")
        df[c] = s.mask(s == "").fillna(NOT_SET)
    df["week"] = (df["created"].dt.normalize() - pd.to_timedelta(df["created"].dt.day_of_week, unit="D"))
    stage = df["stage"].astype("string").fillna("lead")
    won_date_ok = df["won_at"].isna() | (df["won_at"] < as_of)
    df["won"] = (stage.eq("won") & won_date_ok).to_numpy(bool)
    df["qualified"] = (df["won"] | stage.eq("qualified") | (df["qualified_at"].notna() & (df["qualified_at"] < as_of))
                       ).to_numpy(bool)
    df["lost"] = (stage.eq("lost") & ~df["won"]).to_numpy(bool)
    df["age_days"] = (as_of - df["created"]).dt.total_seconds() / 86400
    df.attrs["as_of"] = as_of
    return df


def prepare_mature(leads: pd.DataFrame, as_of=None, maturity_days: int = 90, min_leads: int = 30) -> pd.DataFrame:
    """:func:`prepare` keeping the leads created at least ``maturity_days`` before
    ``as_of``, the cohort whose rates no longer move; when fewer than ``min_leads`` leads
    are that old (a CRM export of the last weeks), every lead, with
    ``attrs["maturity_days"]`` = 0 so the report can say the youngest may still be won.
    ``attrs["maturity_days"]`` holds the days used."""
    out = prepare(leads, as_of, maturity_days)
    used = maturity_days
    if len(out) < min_leads and maturity_days:
        out, used = prepare(leads, as_of), 0
    out.attrs["maturity_days"] = int(used)
    return out


def by_week(prepared: pd.DataFrame, by: str = "channel") -> pd.DataFrame:
    """Leads created per week (Monday) and ``by`` group: columns ``week``, ``by``,
    ``leads``, ``qualified``, ``won`` (counts of leads; qualified and won as of the
    report's day, by creation week). Weeks without a lead are listed with 0;
    ``attrs["period"]`` holds the first and last day covered."""
    if prepared.empty:
        return pd.DataFrame(columns=["week", by, "leads", "qualified", "won"])
    g = prepared.groupby(["week", by], observed=True).agg(leads=("lead_id", "size"), qualified=("qualified", "sum"),
                                                          won=("won", "sum"))
    weeks = pd.date_range(prepared["week"].min(), prepared["week"].max(), freq="7D")
    full = pd.MultiIndex.from_product([weeks, sorted(prepared[by].unique())], names=["week", by])
    out = g.reindex(full, fill_value=0).reset_index().astype({"leads": int, "qualified": int, "won": int})
    as_of = prepared.attrs.get("as_of")
    # the days the table covers: its first and last weeks may be partial (see plot_weekly)
    out.attrs["period"] = (prepared["created"].min().normalize(),
                           (as_of - pd.Timedelta(days=1)) if as_of is not None else prepared["created"].max().normalize())
    return out


def wilson(count, nobs, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (low, high) of ``count / nobs`` (arrays); NaN where
    ``nobs`` is 0."""
    count = np.asarray(count, dtype=float)
    nobs = np.asarray(nobs, dtype=float)
    safe = np.where(nobs > 0, nobs, 1)
    lo, hi = proportion_confint(count, safe, alpha=alpha, method="wilson")
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    return np.where(nobs > 0, lo, np.nan), np.where(nobs > 0, hi, np.nan)


def conversion(prepared: pd.DataFrame, by: str | None = "channel", alpha: float = 0.05,
               total: bool = True) -> pd.DataFrame:
    """Lead -> qualified -> won by ``by`` group (None: one row for all leads).

    Columns: ``by``, ``leads``, ``qualified``, ``won`` (counts), ``value`` (sum of won
    leads' values, currency of the CRM), then for each rate of :data:`RATES` the rate
    (fraction) and its ``<rate>_low`` / ``<rate>_high`` Wilson bounds at level
    1 - ``alpha``. Sorted by leads, largest first; ``total`` adds a last row "Total" (its
    key as written in ``by``'s column). A rate with a zero denominator is NaN."""
    df = prepared
    key = by or "group"
    if by is None:
        df = df.assign(group="Total")
        total = False
    g = df.groupby(key, observed=True).agg(leads=("lead_id", "size"), qualified=("qualified", "sum"),
                                           won=("won", "sum"))
    g["value"] = df["value"].where(df["won"]).groupby(df[key], observed=True).sum(min_count=1).reindex(g.index)
    g = g.sort_values("leads", ascending=False)
    if total and len(g):
        t = g.sum(numeric_only=True)
        t["value"] = g["value"].sum(min_count=1)
        g.loc["Total"] = t
    g = g.astype({"leads": int, "qualified": int, "won": int})
    for rate, (num, den) in RATES.items():
        n, d = g[num].to_numpy(float), g[den].to_numpy(float)
        g[rate] = np.where(d > 0, n / np.where(d > 0, d, 1), np.nan)
        g[f"{rate}_low"], g[f"{rate}_high"] = wilson(n, d, alpha)
    return g.reset_index().rename(columns={"index": key})
