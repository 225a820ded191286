"""Time to close: how many days from a lead's creation to its outcome, as a survival curve.

Leads still open on the report's day have not closed *yet*: dropping them would keep
only the quick closes and make the sales cycle look shorter than it is. They are
*censored* instead (Kaplan–Meier, statsmodels ``SurvfuncRight``): each counts as "not
closed after its age so far", which is all the export knows.

``event="closed"`` (default): the outcome is the first of won and lost; the curve is the
share of leads still open after *d* days. ``event="won"``: only a win ends the wait;
lost leads are censored at their lost date, so the curve reads as "not won yet, among
leads that stay in the pipeline" (it overstates the eventual win rate: read win rates
from :func:`trafficlib.leads.funnel.conversion`).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import SurvfuncRight

__all__ = ["durations", "time_to_close", "median_ci"]


def durations(prepared: pd.DataFrame, event: str = "closed") -> pd.DataFrame:
    """Per lead: ``days`` (float, from creation to its outcome, or to the report's day
    when still open) and ``closed`` (1 = the outcome happened, 0 = censored). Leads
    marked won or lost without the date are left out, and so are dates before the
    lead's creation (counted in ``attrs["dropped"]``)."""
    if event not in ("closed", "won"):
        raise ValueError("event is 'closed' or 'won'")
    as_of = prepared.attrs.get("as_of")
    if as_of is None:
        raise ValueError("prepare() the leads first (it sets the report's day)")
    won = prepared["won"].to_numpy(bool)
    lost = prepared["lost"].to_numpy(bool)
    won_at = prepared["won_at"].where(won)
    lost_at = prepared["lost_at"].where(lost)
    if event == "closed":
        end = won_at.fillna(lost_at)
        happened = won | lost
        undated = happened & end.isna().to_numpy()
    else:
        end = won_at
        happened = won
        undated = (won & won_at.isna().to_numpy()) | (lost & lost_at.isna().to_numpy())
        end = end.fillna(lost_at)  # lost: censored at the lost date
    end = end.fillna(pd.Timestamp(as_of))
    days = (end - prepared["created"]).dt.total_seconds().to_numpy() / 86400
    bad = undated | (days < 0)
    out = pd.DataFrame({"days": days, "closed": happened.astype(int)}, index=prepared.index)[~bad]
    out.attrs["dropped"] = int(bad.sum())
    return out


def _quantile_day(sf: SurvfuncRight, share_open: float) -> float:
    """The first day the curve is at or below ``share_open`` (products of fractions such
    as 7/8 x 6/7 x 5/6 x 4/5 land a hair above 1/2: compared with a tolerance), NaN
    when it never gets there."""
    s = np.asarray(sf.surv_prob, dtype=float)
    t = np.asarray(sf.surv_times, dtype=float)
    hit = s <= share_open + 1e-9
    return float(t[np.argmax(hit)]) if hit.any() else np.nan


def _closed_by(sf: SurvfuncRight, days: float) -> float:
    """Share of leads closed within ``days`` (1 - the curve there); NaN when no lead was
    followed that long."""
    t = np.asarray(sf.surv_times, dtype=float)
    s = np.asarray(sf.surv_prob, dtype=float)
    if not len(t) or sf.time.max() < days:
        return np.nan
    i = np.searchsorted(t, days, side="right") - 1
    return float(1 - (s[i] if i >= 0 else 1.0))


def median_ci(sf: SurvfuncRight, alpha: float = 0.05) -> tuple[float, float, float]:
    """(median, low, high) in days of a fitted curve; NaN where the curve does not fall
    to one half (fewer than half the leads closed) or a bound is not reached."""
    med = _quantile_day(sf, 0.5)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)  # log(0) where the curve reaches 0 or 1
            lo, hi = sf.quantile_ci(0.5, alpha=alpha)
    except Exception:  # noqa: BLE001 - statsmodels raises on curves without a median
        lo, hi = np.nan, np.nan
    lo = np.nan if lo is None or not np.isfinite(lo) else float(lo)
    hi = np.nan if hi is None or not np.isfinite(hi) else float(hi)
    return med, lo, hi


def time_to_close(prepared: pd.DataFrame, by: str | None = None, event: str = "closed", alpha: float = 0.05,
                  min_leads: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kaplan–Meier time to close, for all leads or per ``by`` group (groups of fewer
    than ``min_leads`` leads are left out).

    Returns (curve, summary):

    - curve: ``group``, ``days`` (days since creation), ``open_share`` (share of leads
      not closed after that many days), ``low`` / ``high`` (pointwise bounds at level
      1 - ``alpha``), ``at_risk`` (leads still open and observed that long); starting at
      day 0 with 1.0;
    - summary: ``group``, ``leads``, ``closed``, ``censored`` (still open), ``median_days``
      with ``median_low`` / ``median_high`` (NaN when fewer than half have closed),
      ``p75_days`` (days by which three quarters have closed, NaN when not reached),
      ``closed_30d`` / ``closed_90d`` (share closed within 30 / 90 days, Kaplan–Meier,
      fractions) and ``won_median_days`` (median days from creation to a win among the
      leads won so far: a plain median, not corrected for the deals still to be won);
      ``attrs["dropped"]``: leads left out (outcome without its date, or dated before
      the lead's creation).
    """
    d = durations(prepared, event)
    groups = [("Total", d)] if by is None else [
        (str(k), d.loc[idx]) for k, idx in prepared.loc[d.index].groupby(by, observed=True).groups.items()]
    curves, rows = [], []
    for name, part in groups:
        if len(part) < min_leads or part["closed"].sum() == 0:
            continue
        sf = SurvfuncRight(part["days"].to_numpy(float), part["closed"].to_numpy(int))
        lo, hi = _pointwise(sf, alpha)
        curves.append(pd.DataFrame({"group": name, "days": np.r_[0.0, sf.surv_times],
                                    "open_share": np.r_[1.0, sf.surv_prob], "low": np.r_[1.0, lo],
                                    "high": np.r_[1.0, hi], "at_risk": np.r_[len(part), sf.n_risk]}))
        med, mlo, mhi = median_ci(sf, alpha)
        p75 = _quantile_day(sf, 0.25)
        won = prepared.loc[part.index]
        won_days = ((won["won_at"] - won["created"]).dt.total_seconds() / 86400)[won["won"].to_numpy(bool)]
        rows.append({"group": name, "leads": len(part), "closed": int(part["closed"].sum()),
                     "censored": int((part["closed"] == 0).sum()), "median_days": med, "median_low": mlo,
                     "median_high": mhi, "p75_days": p75, "closed_30d": _closed_by(sf, 30),
                     "closed_90d": _closed_by(sf, 90),
                     "won_median_days": float(won_days[won_days >= 0].median()) if (won_days >= 0).any() else np.nan})
    curve = pd.concat(curves, ignore_index=True) if curves else pd.DataFrame(
        columns=["group", "days", "open_share", "low", "high", "at_risk"])
    summary = pd.DataFrame(rows, columns=["group", "leads", "closed", "censored", "median_days", "median_low",
                                          "median_high", "p75_days", "closed_30d", "closed_90d", "won_median_days"])
    summary.attrs["dropped"] = d.attrs.get("dropped", 0)
    return curve, summary


def _pointwise(sf: SurvfuncRight, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise log(-log) bounds of the survival curve (Greenwood's variance)."""
    from scipy.stats import norm

    s = np.clip(np.asarray(sf.surv_prob, dtype=float), 1e-12, 1 - 1e-12)
    se = np.asarray(sf.surv_prob_se, dtype=float)
    z = norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = se / (s * np.abs(np.log(s)))
        lo = s ** np.exp(z * v)
        hi = s ** np.exp(-z * v)
    surv = np.asarray(sf.surv_prob, dtype=float)
    lo = np.where(np.isfinite(lo), lo, surv)
    hi = np.where(np.isfinite(hi), hi, surv)
    return lo, hi
