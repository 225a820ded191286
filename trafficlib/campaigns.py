"""Campaign post-mortem: what a campaign cost, what it brought, and whether it caused it.

Inputs are canonical tables (:mod:`trafficlib.schema`): ``ad_spend`` (platform exports,
read by :mod:`trafficlib.adplatforms`) and ``sessions`` (site outcomes). Nothing here
reads files.

KPI definitions (``/work/shared/design/ga4-definitions.md``, the ad platforms' own):
CTR = clicks / impressions · CPC = cost / clicks · CPM = 1000 × cost / impressions ·
CVR = conversions / clicks · CPA = cost / conversions · ROAS = conversion value / cost ·
frequency = impressions / reach · incremental ROAS = incremental value / cost ·
incremental CPA = cost / incremental conversions. A ratio with a zero (or missing)
denominator is NaN, never 0 or infinity. Rates are fractions; money is in the account
currency. Conversions and values in ``ad_spend`` are what the *platform* reports (its own
attribution window, usually generous); the causal lift measures what the site really
gained.

Statistics come from statsmodels: intervals on rates (``proportion_confint``: Wilson or
the Beta-based Clopper-Pearson / Jeffreys), A/B tests (``proportions_ztest``,
``confint_proportions_2indep``), sample sizes (``NormalIndPower`` on Cohen's h). The
causal lift is :func:`trafficlib.causal.causal_impact` (re-exported here).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from trafficlib import i18n
from trafficlib.causal import CausalImpactResult, before_after, causal_impact, impact_text, plot_impact
from trafficlib.errors import TrafficDataError
from trafficlib.metrics import ratio as _div  # the kit's one rule: zero denominator -> NaN

__all__ = [
    "causal_impact", "before_after", "plot_impact", "impact_text", "CausalImpactResult",
    "add_ratios", "kpis", "against_targets", "pacing", "rank_groups", "ab_test", "ab_table", "sample_size",
    "lift_series", "default_periods", "incremental_economics", "site_outcomes",
    "postmortem", "PostMortem", "verdict_text", "plot_pacing", "plot_groups", "plot_daily",
    "select", "verdict_cards", "pacing_text", "groups_text", "ab_text", "method_text", "truth_check",
    "labels", "targets_table", "lift_table", "economics_table", "before_after_table", "group_table", "KPI_FORMATS",
]

SUMS = ["impressions", "reach", "clicks", "cost", "conversions", "conversion_value"]
RATIOS = ["frequency", "ctr", "cpc", "cpm", "cvr", "cpa", "roas"]


def add_ratios(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the ratio KPIs (frequency, ctr, cpc, cpm, cvr, cpa, roas) to a frame of
    summed counts; returns a copy. Zero denominators give NaN."""
    out = frame.copy()
    out["frequency"] = _div(out["impressions"], out["reach"]) if "reach" in out else np.nan
    out["ctr"] = _div(out["clicks"], out["impressions"])
    out["cpc"] = _div(out["cost"], out["clicks"])
    out["cpm"] = 1000 * _div(out["cost"], out["impressions"])
    out["cvr"] = _div(out["conversions"], out["clicks"])
    out["cpa"] = _div(out["cost"], out["conversions"])
    out["roas"] = _div(out["conversion_value"], out["cost"])
    return out


def select(ad_spend: pd.DataFrame, campaigns: str | Iterable[str] | None = None,
           start=None, end=None, platform: str | None = None) -> pd.DataFrame:
    """Rows of ``ad_spend`` for the campaign(s) (case- and space-insensitive names),
    platform and inclusive date range. Raises TrafficDataError when nothing matches."""
    df = ad_spend
    if campaigns is not None:
        names = [campaigns] if isinstance(campaigns, str) else list(campaigns)
        wanted = {str(n).strip().lower() for n in names}
        key = df["campaign"].astype("string").str.strip().str.lower()
        df = df[key.isin(wanted).fillna(False)]
        if df.empty:
            known = ", ".join(sorted(ad_spend["campaign"].dropna().astype(str).unique())[:10])
            raise TrafficDataError(f"no ad spend for campaign {', '.join(names)}", column="campaign",
                                   hint=f"campaigns in the data: {known}")
    if platform is not None:
        df = df[df["platform"].astype("string").str.lower() == platform.lower()]
    if start is not None:
        df = df[df["date"] >= pd.Timestamp(start)]
    if end is not None:
        df = df[df["date"] <= pd.Timestamp(end)]
    return df


def kpis(ad_spend: pd.DataFrame, by: str | Sequence[str] | None = ("campaign",)) -> pd.DataFrame:
    """Summed counts and ratio KPIs of canonical ``ad_spend`` rows, grouped ``by``
    (e.g. ``"campaign"``, ``["campaign", "ad_group"]``, ``"date"``; None for one total row).

    Returns one row per group with impressions, reach, clicks, cost, conversions,
    conversion_value (sums; conversions and value as the platform reports them) and
    frequency, ctr, cpc, cpm, cvr, cpa, roas. Reach is summed as reported: daily reach
    summed over days counts a person once per day, so frequency over a period is a lower
    bound of the true one; reach is NaN where the platform does not give it.
    """
    df = ad_spend.copy()
    for c in SUMS:
        if c not in df.columns:
            df[c] = np.nan
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    if by is None or (not isinstance(by, str) and len(by) == 0):
        sums = df[SUMS].sum(min_count=1).to_frame().T
        sums.index = ["total"]
    else:
        keys = [by] if isinstance(by, str) else list(by)
        sums = df.groupby(keys, dropna=False, observed=True)[SUMS].sum(min_count=1)
    for c in ("impressions", "clicks", "cost"):
        sums[c] = sums[c].fillna(0.0)
    return add_ratios(sums)


_TARGET_LABELS = {
    "cost": ("Spend vs budget", "Dépense / budget"),
    "cpa": ("CPA (platform)", "CPA (plateforme)"),
    "roas": ("ROAS (platform)", "ROAS (plateforme)"),
    "incremental_cpa": ("Incremental CPA", "CPA incrémental"),
    "incremental_roas": ("Incremental ROAS", "ROAS incrémental"),
}


def against_targets(total: pd.Series | dict, budget: float | None = None,
                    target_cpa: float | None = None, target_roas: float | None = None,
                    lang: str = "en") -> pd.DataFrame:
    """Compare achieved KPIs with targets.

    ``total`` holds ``cost``, ``cpa``, ``roas`` and optionally ``incremental_cpa`` /
    ``incremental_roas``. Returns rows ``metric`` (label), ``key``, ``actual``,
    ``target``, ``gap`` (actual / target − 1, a fraction) and ``met`` (bool; lower is
    better for cost and CPA, higher for ROAS). Targets left at None are skipped.
    """
    rows = []
    spec = [("cost", budget, False), ("cpa", target_cpa, False), ("incremental_cpa", target_cpa, False),
            ("roas", target_roas, True), ("incremental_roas", target_roas, True)]
    for key, target, higher in spec:
        if target is None or key not in total:
            continue
        actual = float(total[key]) if total[key] is not None else float("nan")
        gap = _div(actual - target, target)
        met = (actual >= target) if higher else (actual <= target)
        en, fr = _TARGET_LABELS[key]
        rows.append({"metric": i18n.text(lang, en, fr), "key": key, "actual": actual, "target": float(target),
                     "gap": gap, "met": bool(met) if not math.isnan(actual) else False})
    return pd.DataFrame(rows, columns=["metric", "key", "actual", "target", "gap", "met"])


def pacing(ad_spend: pd.DataFrame, start, end, budget: float, as_of=None) -> pd.DataFrame:
    """Budget pacing over the flight: spent vs planned, day by day.

    The plan spends ``budget`` evenly over the flight days ``start``..``end`` (inclusive).
    Returns one row per flight day up to ``as_of`` (default: the last day with data or
    ``end``) with ``spend``, ``cum_spend``, ``planned_cum`` and ``pacing`` (cum_spend /
    planned_cum: 1.0 on plan, > 1 overspending). ``frame.attrs`` holds ``spent``,
    ``budget``, ``expected_total`` (spend so far extrapolated to the flight's end at the
    current rate) and ``pacing`` at ``as_of``.
    """
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if end < start:
        raise TrafficDataError("the flight ends before it starts", column="end")
    flight = pd.date_range(start, end, freq="D")
    daily = (ad_spend.assign(date=pd.to_datetime(ad_spend["date"]).dt.normalize())
             .groupby("date")["cost"].sum().astype(float))
    last = pd.Timestamp(as_of).normalize() if as_of is not None else min(end, daily.index.max() if len(daily) else end)
    days = flight[flight <= last]
    out = pd.DataFrame(index=days)
    out.index.name = "date"
    out["spend"] = daily.reindex(days, fill_value=0.0).to_numpy()
    out["cum_spend"] = out["spend"].cumsum()
    per_day = budget / len(flight) if budget else float("nan")
    out["planned_cum"] = per_day * np.arange(1, len(days) + 1)
    out["pacing"] = _div(out["cum_spend"], out["planned_cum"])
    spent = float(out["cum_spend"].iloc[-1]) if len(out) else 0.0
    out.attrs = {
        "spent": spent, "budget": float(budget) if budget else float("nan"),
        "expected_total": spent / len(days) * len(flight) if len(days) else float("nan"),
        "pacing": float(out["pacing"].iloc[-1]) if len(out) else float("nan"),
        "share_of_flight": len(days) / len(flight),
    }
    return out


def rank_groups(ad_spend: pd.DataFrame, by: str | Sequence[str] = "ad_group", rate: str = "ctr",
                method: str = "wilson", alpha: float = 0.05, min_trials: int = 1) -> pd.DataFrame:
    """Ad groups (or ads, ``by="ad"``) ranked on a rate, with its interval.

    ``rate`` is ``"ctr"`` (clicks / impressions) or ``"cvr"`` (conversions / clicks;
    platform conversions rounded to whole numbers). ``method`` is a
    ``statsmodels.stats.proportion.proportion_confint`` method: ``"wilson"`` (default),
    ``"beta"`` (Clopper-Pearson, exact) or ``"jeffreys"`` (Beta(½, ½) posterior).
    Returns one row per group, sorted by the interval's lower bound (best first) with
    ``successes``, ``trials``, ``rate``, ``lower``, ``upper``, ``cost``, and ``vs_overall``:
    "above"/"below" when the interval excludes the pooled rate of all groups, else "same".
    Ranking on the lower bound keeps a small group with a lucky rate from topping the list.
    """
    from statsmodels.stats.proportion import proportion_confint

    num, den = {"ctr": ("clicks", "impressions"), "cvr": ("conversions", "clicks")}.get(rate, (None, None))
    if num is None:
        raise TrafficDataError(f"unknown rate '{rate}' (use 'ctr' or 'cvr')", column=rate)
    keys = [by] if isinstance(by, str) else list(by)
    g = kpis(ad_spend, by=keys)
    out = pd.DataFrame(index=g.index)
    out["successes"] = g[num].round().astype("int64")
    out["trials"] = g[den].round().astype("int64")
    out["cost"] = g["cost"]
    out = out[out["trials"] >= min_trials]
    out["successes"] = np.minimum(out["successes"], out["trials"])
    out["rate"] = _div(out["successes"], out["trials"])
    lo, hi = proportion_confint(out["successes"].to_numpy(), out["trials"].to_numpy(), alpha=alpha, method=method)
    out["lower"], out["upper"] = lo, hi
    pooled = _div(out["successes"].sum(), out["trials"].sum())
    out["vs_overall"] = np.where(out["lower"] > pooled, "above", np.where(out["upper"] < pooled, "below", "same"))
    out.attrs = {"pooled_rate": pooled, "rate": rate, "method": method, "alpha": alpha}
    return out.sort_values(["lower", "rate"], ascending=False).reset_index()


def ab_test(successes_a: int, trials_a: int, successes_b: int, trials_b: int, alpha: float = 0.05,
            names: tuple[str, str] = ("A", "B")) -> dict[str, Any]:
    """Two-proportion comparison of variants A and B (e.g. clicks / impressions).

    Returns a dict: ``rate_a``, ``rate_b`` with Wilson intervals (``ci_a``, ``ci_b``),
    ``diff`` (rate_b − rate_a) and its Newcombe-score interval ``ci_diff``
    (``confint_proportions_2indep``), ``rel_diff`` (rate_b / rate_a − 1), ``z`` and the
    two-sided ``p_value`` of the pooled z-test (``proportions_ztest``), ``significant``
    (p < alpha) and ``winner`` (the better variant's name, or None).
    """
    from statsmodels.stats.proportion import (confint_proportions_2indep, proportion_confint,
                                              proportions_ztest)

    for v, n in ((successes_a, trials_a), (successes_b, trials_b)):
        if n <= 0 or v < 0 or v > n:
            raise TrafficDataError(f"an A/B variant needs 0 <= successes <= trials and trials > 0 (got {v} / {n})")
    z, p = proportions_ztest([successes_b, successes_a], [trials_b, trials_a])
    lo, hi = confint_proportions_2indep(successes_b, trials_b, successes_a, trials_a,
                                        method="newcomb", compare="diff", alpha=alpha)
    ra, rb = successes_a / trials_a, successes_b / trials_b
    sig = bool(p < alpha)
    return {
        "names": names, "successes": (successes_a, successes_b), "trials": (trials_a, trials_b),
        "rate_a": ra, "rate_b": rb,
        "ci_a": tuple(proportion_confint(successes_a, trials_a, alpha=alpha, method="wilson")),
        "ci_b": tuple(proportion_confint(successes_b, trials_b, alpha=alpha, method="wilson")),
        "diff": rb - ra, "ci_diff": (float(lo), float(hi)), "rel_diff": _div(rb - ra, ra),
        "z": float(z), "p_value": float(p), "alpha": alpha, "significant": sig,
        "winner": (names[1] if rb > ra else names[0]) if sig else None,
    }


def ab_table(frame: pd.DataFrame, variant: str = "variant", successes: str = "clicks",
             trials: str = "impressions", alpha: float = 0.05) -> dict[str, Any]:
    """:func:`ab_test` on a table of daily rows per variant (e.g. the demo's
    ``ab_test_ads.csv``): sums ``successes`` and ``trials`` per ``variant`` (exactly two
    variants, compared in sorted order: the second against the first)."""
    for c in (variant, successes, trials):
        if c not in frame.columns:
            raise TrafficDataError(f"no column '{c}' in the A/B table", column=c)
    tot = frame.groupby(variant)[[successes, trials]].sum(numeric_only=True).sort_index()
    if len(tot) != 2:
        raise TrafficDataError(f"an A/B table needs exactly two variants (found {len(tot)})", column=variant)
    (a, ra), (b, rb) = tot.iterrows()
    return ab_test(int(ra[successes]), int(ra[trials]), int(rb[successes]), int(rb[trials]), alpha=alpha,
                   names=(str(a), str(b)))


def sample_size(base_rate: float, mde: float, alpha: float = 0.05, power: float = 0.8,
                relative: bool = True) -> int:
    """Observations needed *per variant* to detect a change of ``mde`` in a rate.

    ``mde`` is relative (0.10 = +10 % of ``base_rate``) unless ``relative=False``
    (absolute, in rate points as a fraction). Two-sided test at ``alpha`` with the given
    ``power``, on Cohen's effect size h (``proportion_effectsize`` +
    ``NormalIndPower().solve_power``), rounded up.
    """
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    target = base_rate * (1 + mde) if relative else base_rate + mde
    if not (0 < base_rate < 1 and 0 < target < 1) or target == base_rate:
        raise TrafficDataError("sample size needs 0 < base rate, base rate + effect < 1 and a non-zero effect")
    h = abs(proportion_effectsize(target, base_rate))
    n = NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=power, ratio=1.0, alternative="two-sided")
    return int(math.ceil(n))


# ------------------------------------------------------------------ site outcomes

KPI_COLUMNS = {"sessions": None, "conversions": "conversions", "revenue": "revenue"}


def lift_series(sessions: pd.DataFrame, kpi: str = "sessions", treated: dict | None = None,
                controls: str = "others", start=None, end=None) -> pd.DataFrame:
    """Daily outcome of the targeted segment and of its control, from canonical sessions.

    ``kpi`` is ``"sessions"``, ``"conversions"`` or ``"revenue"`` (per day).
    ``treated`` selects the segment the campaign targeted, e.g. ``{"country": "FR"}``.
    ``controls="others"`` gives one ``control`` column: the same KPI for everything
    else (e.g. the countries the campaign did not target); ``"each"`` gives one column per
    value of the treated dimension (``control_BE``...). Returns a DataFrame indexed by
    day with ``treated`` and the control column(s); days without sessions are 0.
    """
    if kpi not in KPI_COLUMNS:
        raise TrafficDataError(f"unknown KPI '{kpi}' (use sessions, conversions or revenue)", column="kpi")
    treated = treated or {"country": "FR"}
    (dim, value), = treated.items()
    if dim not in sessions.columns:
        raise TrafficDataError(f"sessions have no '{dim}' column to split treated from control", column=dim)
    day = pd.to_datetime(sessions["start"]).dt.normalize()
    col = KPI_COLUMNS[kpi]
    vals = pd.Series(1.0, index=sessions.index) if col is None else pd.to_numeric(sessions[col], errors="coerce").fillna(0.0)
    seg = sessions[dim].astype("string").str.strip().str.upper()
    is_t = (seg == str(value).strip().upper()).fillna(False)
    full = pd.date_range(start or day.min(), end or day.max(), freq="D")
    out = pd.DataFrame(index=full)
    out.index.name = "date"
    out["treated"] = vals[is_t].groupby(day[is_t]).sum().reindex(full, fill_value=0.0)
    if controls == "each":
        for v, g in vals[~is_t].groupby([seg[~is_t].fillna("(none)"), day[~is_t]]).sum().unstack(0).items():
            out[f"control_{v}"] = g.reindex(full, fill_value=0.0)
    else:
        out["control"] = vals[~is_t].groupby(day[~is_t]).sum().reindex(full, fill_value=0.0)
    return out


def default_periods(daily: pd.DataFrame, start, end, pre_days: int | None = None):
    """(pre_period, post_period) for a flight ``start``..``end``: the pre-period runs from
    the first day of data (or ``pre_days`` before the start) to the day before."""
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    first = daily.index.min()
    if pre_days:
        first = max(first, start - pd.Timedelta(days=pre_days))
    return (first, start - pd.Timedelta(days=1)), (start, end)


def site_outcomes(sessions: pd.DataFrame, campaigns: str | Iterable[str], start=None, end=None) -> dict[str, float]:
    """Sessions, conversions and revenue the site recorded with the campaign's UTM
    ``campaign`` (case- and space-insensitive: ``Prospection_Printemps`` counts), last
    click, over the dates. Returns a dict of floats."""
    names = {campaigns.strip().lower()} if isinstance(campaigns, str) else {c.strip().lower() for c in campaigns}
    s = sessions
    m = s["campaign"].astype("string").str.strip().str.lower().isin(names).fillna(False)
    if start is not None:
        m &= s["start"] >= pd.Timestamp(start)
    if end is not None:
        m &= s["start"] < pd.Timestamp(end) + pd.Timedelta(days=1)
    sub = s[m]
    rev = pd.to_numeric(sub["revenue"], errors="coerce").sum() if "revenue" in sub else float("nan")
    return {"sessions": float(len(sub)), "conversions": float(pd.to_numeric(sub["conversions"]).sum()),
            "revenue": float(rev)}


def incremental_economics(cost: float, conversions: CausalImpactResult | None = None,
                          revenue: CausalImpactResult | None = None) -> pd.DataFrame:
    """Incremental CPA and ROAS from causal-lift results, with their intervals.

    ``conversions`` / ``revenue`` are :func:`causal_impact` results on daily conversions
    and revenue. Incremental CPA = cost / incremental conversions (its interval maps the
    effect's bounds: cost / upper .. cost / lower, NaN where the bound is <= 0, i.e. the
    data cannot rule out no effect); incremental ROAS = incremental revenue / cost.
    Returns rows ``incremental_conversions``, ``incremental_cpa``,
    ``incremental_revenue``, ``incremental_roas`` with ``estimate``, ``lower``, ``upper``.
    """
    rows = {}
    if conversions is not None:
        c = conversions.summary.loc["cumulative"]
        rows["incremental_conversions"] = (c["abs_effect"], c["abs_effect_lower"], c["abs_effect_upper"])
        pos = lambda x: _div(cost, x) if x > 0 else float("nan")  # noqa: E731
        rows["incremental_cpa"] = (pos(c["abs_effect"]), pos(c["abs_effect_upper"]), pos(c["abs_effect_lower"]))
    if revenue is not None:
        r = revenue.summary.loc["cumulative"]
        rows["incremental_revenue"] = (r["abs_effect"], r["abs_effect_lower"], r["abs_effect_upper"])
        rows["incremental_roas"] = tuple(_div(v, cost) for v in
                                         (r["abs_effect"], r["abs_effect_lower"], r["abs_effect_upper"]))
    return pd.DataFrame.from_dict(rows, orient="index", columns=["estimate", "lower", "upper"])


# ------------------------------------------------------------------ the post-mortem


@dataclass
class PostMortem:
    """Everything the post-mortem notebook shows; built by :func:`postmortem`."""

    campaign: list[str]
    start: pd.Timestamp
    end: pd.Timestamp
    total: pd.Series
    by_group: pd.DataFrame
    by_day: pd.DataFrame
    by_platform: pd.DataFrame
    targets: pd.DataFrame
    pacing: pd.DataFrame
    groups_ranked: pd.DataFrame
    ads_ranked: pd.DataFrame
    site: dict
    lift: CausalImpactResult | None
    lift_by_kpi: dict[str, CausalImpactResult] = field(default_factory=dict)
    economics: pd.DataFrame | None = None
    before_after: pd.DataFrame | None = None
    kpi: str = "sessions"
    budget: float | None = None
    target_cpa: float | None = None
    target_roas: float | None = None
    control: str = "others"
    treated: dict = field(default_factory=dict)

    def verdict(self, lang: str = "en") -> str:
        """The one-screen verdict in plain words (see :func:`verdict_text`)."""
        return verdict_text(self, lang)

    def lift_text(self, lang: str = "en") -> str:
        """:func:`impact_text` for the judged KPI, naming the segment and its control."""
        if self.lift is None:
            return ""
        en, fr = _KPI_WORDS.get(self.kpi, (self.kpi, self.kpi))
        (dim, value), = (self.treated or {"country": "FR"}).items()
        if self.control == "none":
            ctl = i18n.text(lang, "none", "aucune")
        else:
            ctl = i18n.text(lang, f"the same KPI outside {dim} {value}", f"le même indicateur hors {dim} {value}")
        return impact_text(self.lift, lang, unit=i18n.text(lang, f"{en}, {dim} {value}", f"{fr}, {dim} {value}"),
                           controls_label=ctl)


def postmortem(ad_spend: pd.DataFrame, sessions: pd.DataFrame | None, campaign: str | Sequence[str],
               start, end, budget: float | None = None, target_cpa: float | None = None,
               target_roas: float | None = None, kpi: str = "sessions", control: str = "others",
               treated: dict | None = None, pre_days: int | None = None, rate_method: str = "wilson",
               seed: int = 0) -> PostMortem:
    """Run the whole post-mortem of ``campaign`` over its flight ``start``..``end``.

    ``control="others"`` estimates the causal lift of the campaign on the ``treated``
    segment (default ``{"country": "FR"}``) against the same KPI in all other segments;
    ``control="none"`` has no control series: the lift is a weekday-matched before/after
    comparison (weaker evidence) and the structural model runs without regressors.
    The lift is computed for ``kpi`` and, for incremental CPA / ROAS, for conversions and
    revenue. ``sessions=None`` skips site outcomes and lift.
    """
    names = [campaign] if isinstance(campaign, str) else list(campaign)
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    rows = select(ad_spend, names, start, end)
    if rows.empty:
        raise TrafficDataError(f"no ad spend for {', '.join(names)} between {start.date()} and {end.date()}",
                               column="date")
    total = kpis(rows, by=None).iloc[0]
    by_group = kpis(rows, by=["platform", "campaign", "ad_group"]) if rows["ad_group"].notna().any() else kpis(rows)
    by_day = kpis(rows, by="date")
    by_platform = kpis(rows, by="platform")
    pace = pacing(rows, start, end, budget) if budget else pacing(rows, start, end, float(total["cost"]))
    ranked = rank_groups(rows, by="ad_group", rate="ctr", method=rate_method) if rows["ad_group"].notna().any() else pd.DataFrame()
    ads = rank_groups(rows, by="ad", rate="ctr", method=rate_method) if rows["ad"].notna().any() else pd.DataFrame()
    site, lift, by_kpi, econ, ba = {}, None, {}, None, None
    treated = treated or {"country": "FR"}
    if sessions is not None:
        site = site_outcomes(sessions, names, start, end)
        for k in dict.fromkeys([kpi, "conversions", "revenue"]):
            daily = lift_series(sessions, kpi=k, treated=treated)
            daily = daily.loc[:end]
            pre, post = default_periods(daily, start, end, pre_days)
            ctl = ["control"] if control != "none" else []
            by_kpi[k] = causal_impact(daily, pre, post, y="treated", controls=ctl, seed=seed)
            if k == kpi:
                ba = before_after(daily, (max(pre[0], start - pd.Timedelta(days=56)), pre[1]), post, y="treated")
        lift = by_kpi[kpi]
        econ = incremental_economics(float(total["cost"]), by_kpi.get("conversions"), by_kpi.get("revenue"))
        total = total.copy()
        total["incremental_cpa"] = econ.loc["incremental_cpa", "estimate"]
        total["incremental_roas"] = econ.loc["incremental_roas", "estimate"]
    targets = against_targets(total, budget, target_cpa, target_roas)
    return PostMortem(
        campaign=names, start=start, end=end, total=total, by_group=by_group, by_day=by_day,
        by_platform=by_platform, targets=targets, pacing=pace, groups_ranked=ranked, ads_ranked=ads,
        site=site, lift=lift, lift_by_kpi=by_kpi, economics=econ, before_after=ba, kpi=kpi,
        budget=budget, target_cpa=target_cpa, target_roas=target_roas, control=control, treated=treated,
    )


_KPI_WORDS = {"sessions": ("sessions", "sessions"), "conversions": ("conversions", "conversions"),
              "revenue": ("revenue", "chiffre d'affaires")}


def verdict_text(pm: PostMortem, lang: str = "en") -> str:
    """The verdict in plain words: cost (vs budget), what the platform claims, what the
    site gained because of the campaign (lift with its interval), incremental ROAS / CPA
    vs target, and a bottom line. Markdown for :func:`trafficlib.display.say`."""
    fr = lang == "fr"
    money = lambda x: i18n.fmt_money(x, lang, decimals=0)  # noqa: E731
    num = lambda x: i18n.fmt_number(x, lang, 1 if abs(x) < 10 else 0)  # noqa: E731
    ratio = lambda x: i18n.fmt_number(x, lang, 2)  # noqa: E731
    pct = lambda x: i18n.fmt_pct(x, lang, 0)  # noqa: E731
    t = pm.total
    name = ", ".join(pm.campaign)
    d0, d1 = i18n.fmt_date(pm.start.date(), lang), i18n.fmt_date(pm.end.date(), lang)
    parts = []
    cost = float(t["cost"])
    if pm.budget:
        share = cost / pm.budget
        parts.append(i18n.text(
            lang,
            f"**Cost.** {name} ran from {d0} to {d1} and spent **{money(cost)}**, {pct(share)} of its {money(pm.budget)} budget.",
            f"**Coût.** {name} a tourné du {d0} au {d1} et a dépensé **{money(cost)}**, soit {pct(share)} de son budget de {money(pm.budget)}."))
    else:
        parts.append(i18n.text(lang, f"**Cost.** {name} ran from {d0} to {d1} and spent **{money(cost)}**.",
                               f"**Coût.** {name} a tourné du {d0} au {d1} et a dépensé **{money(cost)}**."))
    conv, cpa, roas = t.get("conversions", np.nan), t.get("cpa", np.nan), t.get("roas", np.nan)
    parts.append(i18n.text(
        lang,
        f"**What the platform claims.** {num(conv)} conversions (CPA {money(cpa)}), ROAS {ratio(roas)}, "
        f"by its own attribution, which counts anyone who saw or clicked an ad.",
        f"**Ce que revendique la plateforme.** {num(conv)} conversions (CPA {money(cpa)}), ROAS {ratio(roas)}, "
        f"selon sa propre attribution, qui compte toute personne ayant vu ou cliqué une annonce."))
    if pm.lift is not None:
        c = pm.lift.summary.loc["cumulative"]
        w_en, w_fr = _KPI_WORDS.get(pm.kpi, (pm.kpi, pm.kpi))
        fmt_k = money if pm.kpi == "revenue" else num
        if pm.lift.significant:
            what_en = f"caused about **{fmt_k(c['abs_effect'])}** extra {w_en} ({fmt_k(c['abs_effect_lower'])} to {fmt_k(c['abs_effect_upper'])}, 95 % interval), {i18n.fmt_delta(c['rel_effect'], lang)} over what was expected without it"
            what_fr = f"a causé environ **{fmt_k(c['abs_effect'])}** {w_fr} de plus ({fmt_k(c['abs_effect_lower'])} à {fmt_k(c['abs_effect_upper'])}, intervalle à 95 %), {i18n.fmt_delta(c['rel_effect'], lang)} par rapport à l'attendu sans elle"
        else:
            what_en = f"shows no effect on {w_en} that can be told from noise (estimate {fmt_k(c['abs_effect'])}, 95 % interval {fmt_k(c['abs_effect_lower'])} to {fmt_k(c['abs_effect_upper'])})"
            what_fr = f"ne montre pas d'effet sur les {w_fr} distinguable du bruit (estimation {fmt_k(c['abs_effect'])}, intervalle à 95 % de {fmt_k(c['abs_effect_lower'])} à {fmt_k(c['abs_effect_upper'])})"
        basis_en = "compared with the untargeted segments" if pm.control != "none" else "from the series' own history, without a control series (weaker evidence)"
        basis_fr = "par comparaison avec les segments non ciblés" if pm.control != "none" else "d'après l'historique de la série seul, sans série témoin (preuve plus faible)"
        parts.append(i18n.text(lang, f"**What it caused.** The campaign {what_en}, {basis_en}.",
                               f"**Ce qu'elle a causé.** La campagne {what_fr}, {basis_fr}."))
    econ = pm.economics
    if econ is not None and "incremental_roas" in econ.index:
        r = econ.loc["incremental_roas"]
        line_en = f"**Incremental ROAS {ratio(r['estimate'])}** (95 % interval {ratio(r['lower'])} to {ratio(r['upper'])})"
        line_fr = f"**ROAS incrémental {ratio(r['estimate'])}** (intervalle à 95 % : {ratio(r['lower'])} à {ratio(r['upper'])})"
        if pm.target_roas:
            if r["lower"] >= pm.target_roas:
                v_en, v_fr = "above the target even at the low end", "au-dessus de l'objectif même en bas de l'intervalle"
            elif r["upper"] < pm.target_roas:
                v_en, v_fr = "below the target even at the high end", "sous l'objectif même en haut de l'intervalle"
            elif r["estimate"] >= pm.target_roas:
                v_en, v_fr = "probably above the target, but the interval includes it", "probablement au-dessus de l'objectif, mais l'intervalle l'inclut"
            else:
                v_en, v_fr = "probably below the target, but the interval includes it", "probablement sous l'objectif, mais l'intervalle l'inclut"
            line_en += f" against a target of {ratio(pm.target_roas)}: {v_en}."
            line_fr += f" pour un objectif de {ratio(pm.target_roas)} : {v_fr}."
        else:
            line_en += "."
            line_fr += "."
        if "incremental_cpa" in econ.index and not np.isnan(econ.loc["incremental_cpa", "estimate"]):
            ic = econ.loc["incremental_cpa", "estimate"]
            tgt_en = f" (target {money(pm.target_cpa)})" if pm.target_cpa else ""
            tgt_fr = f" (objectif {money(pm.target_cpa)})" if pm.target_cpa else ""
            line_en += f" Incremental CPA {money(ic)}{tgt_en}."
            line_fr += f" CPA incrémental {money(ic)}{tgt_fr}."
        claim_gap = _div(float(t.get("roas", np.nan)), r["estimate"])
        if not np.isnan(claim_gap) and claim_gap > 1.2:
            line_en += f" The platform's ROAS is {ratio(claim_gap)}× the incremental one: much of what it claims would have happened anyway."
            line_fr += f" Le ROAS de la plateforme vaut {ratio(claim_gap)} fois le ROAS incrémental : une bonne part de ce qu'elle revendique serait arrivé de toute façon."
        parts.append(i18n.text(lang, line_en, line_fr))
        if pm.target_roas:
            good = r["estimate"] >= pm.target_roas
            sure = r["lower"] >= pm.target_roas or r["upper"] < pm.target_roas
            if good and sure:
                bl = ("**Bottom line: it paid off; worth renewing.**", "**En bref : elle a été rentable ; à reconduire.**")
            elif good:
                bl = ("**Bottom line: probably profitable, not proven; renew with a holdout to confirm.**",
                      "**En bref : probablement rentable, sans certitude ; reconduire avec un groupe témoin pour confirmer.**")
            elif sure:
                bl = ("**Bottom line: it did not pay for itself at the target; rethink targeting or budget.**",
                      "**En bref : elle n'a pas atteint l'objectif de rentabilité ; revoir le ciblage ou le budget.**")
            else:
                bl = ("**Bottom line: probably below target, not proven; test at a smaller budget before renewing.**",
                      "**En bref : probablement sous l'objectif, sans certitude ; tester à budget réduit avant de reconduire.**")
            parts.append(bl[1] if fr else bl[0])
    return "\n\n".join(parts)


# ------------------------------------------------------------------ plots


def plot_pacing(pace: pd.DataFrame, lang: str = "en", currency: str = "EUR"):
    """Cumulative spend vs the even plan over the flight; returns a Figure."""
    from trafficlib import plots

    fig, ax = plots.new_figure(height=3.5)
    ax.plot(pace.index, pace["cum_spend"], color=plots.ACCENT, lw=2, label=i18n.text(lang, "Spent", "Dépensé"))
    ax.plot(pace.index, pace["planned_cum"], color=plots.GREY, ls="--", label=i18n.text(lang, "Plan", "Prévu"))
    ax.set_title(i18n.text(lang, "Budget pacing", "Rythme de dépense"))
    plots.money_axis(ax, lang, currency)
    ax.legend(loc="upper left")
    fig.autofmt_xdate()
    return fig


def plot_groups(ranked: pd.DataFrame, by: str = "ad_group", lang: str = "en"):
    """Rates of ad groups / ads with their intervals (dots and bars) and the pooled rate
    as a vertical line; returns a Figure."""
    from trafficlib import plots

    r = ranked.iloc[::-1]
    fig, ax = plots.new_figure(height=max(2.5, 0.4 * len(r) + 1))
    y = np.arange(len(r))
    colors = [plots.GOOD if v == "above" else plots.BAD if v == "below" else plots.ACCENT for v in r["vs_overall"]]
    ax.hlines(y, r["lower"], r["upper"], color=colors, lw=3, alpha=0.6)
    ax.scatter(r["rate"], y, color=colors, zorder=3)
    ax.set_yticks(y, [str(v) for v in r[by]])
    pooled = ranked.attrs.get("pooled_rate")
    if pooled is not None:
        ax.axvline(pooled, color=plots.GREY, ls=":")
    rate = ranked.attrs.get("rate", "ctr").upper()
    ax.set_title(i18n.text(lang, f"{rate} with 95 % intervals", f"{rate} et intervalles à 95 %"))
    plots.pct_axis(ax, lang, axis="x", decimals=2)
    ax.grid(axis="y", visible=False)
    return fig


def plot_daily(by_day: pd.DataFrame, lang: str = "en", currency: str = "EUR"):
    """Daily spend (bars) and platform conversions (line) over the flight."""
    from trafficlib import plots

    fig, ax = plots.new_figure(height=3.5)
    ax.bar(by_day.index, by_day["cost"], color=plots.ACCENT, alpha=0.6, label=i18n.text(lang, "Spend", "Dépense"))
    plots.money_axis(ax, lang, currency)
    ax2 = ax.twinx()
    ax2.plot(by_day.index, by_day["conversions"], color="#e8702a", lw=1.8,
             label=i18n.text(lang, "Conversions (platform)", "Conversions (plateforme)"))
    ax2.grid(False)
    ax.set_title(i18n.text(lang, "Daily spend and reported conversions", "Dépense et conversions déclarées par jour"))
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper left")
    fig.autofmt_xdate()
    return fig


# ------------------------------------------------------------------ report text


def verdict_cards(pm: PostMortem, lang: str = "en", currency: str = "EUR") -> list[dict]:
    """KPI cards for :func:`trafficlib.display.kpis`: spend (vs budget), platform ROAS,
    incremental outcome of the judged KPI, incremental ROAS (vs target)."""
    t = pm.total
    money = lambda x: i18n.fmt_money(x, lang, currency, decimals=0)  # noqa: E731
    cards = [{"label": i18n.text(lang, "Spend", "Dépense"), "value": money(t["cost"]),
              "note": (i18n.text(lang, f"budget {money(pm.budget)}", f"budget {money(pm.budget)}") if pm.budget else None)},
             {"label": i18n.text(lang, "ROAS claimed by the platform", "ROAS revendiqué par la plateforme"),
              "value": i18n.fmt_number(t["roas"], lang, 2)}]
    if pm.lift is not None:
        c = pm.lift.summary.loc["cumulative"]
        fmt = (lambda x: money(x)) if pm.kpi == "revenue" else (lambda x: i18n.fmt_int(x, lang))
        en, fr = _KPI_WORDS.get(pm.kpi, (pm.kpi, pm.kpi))
        fr_label = {"sessions": "Sessions incrémentales", "conversions": "Conversions incrémentales",
                    "revenue": "Chiffre d'affaires incrémental"}.get(pm.kpi, fr)
        cards.append({"label": i18n.text(lang, f"Incremental {en}", fr_label),
                      "value": fmt(c["abs_effect"]), "delta": c["rel_effect"],
                      "note": f"{fmt(c['abs_effect_lower'])} – {fmt(c['abs_effect_upper'])} (95 %)"})
    if pm.economics is not None and "incremental_roas" in pm.economics.index:
        r = pm.economics.loc["incremental_roas"]
        note = f"{i18n.fmt_number(r['lower'], lang, 2)} – {i18n.fmt_number(r['upper'], lang, 2)} (95 %)"
        if pm.target_roas:
            note += i18n.text(lang, f"; target {i18n.fmt_number(pm.target_roas, lang, 2)}",
                              f" ; objectif {i18n.fmt_number(pm.target_roas, lang, 2)}")
        cards.append({"label": i18n.text(lang, "Incremental ROAS", "ROAS incrémental"),
                      "value": i18n.fmt_number(r["estimate"], lang, 2), "note": note})
    return cards


def pacing_text(pace: pd.DataFrame, lang: str = "en", currency: str = "EUR") -> str:
    """One paragraph on budget pacing: spent so far vs plan and the projected total."""
    a = pace.attrs
    money = lambda x: i18n.fmt_money(x, lang, currency, decimals=0)  # noqa: E731
    p = a["pacing"]
    if np.isnan(p):
        return i18n.text(lang, "No budget given: pacing not assessed.", "Pas de budget indiqué : rythme non évalué.")
    state_en = "on plan" if 0.95 <= p <= 1.05 else ("ahead of plan (overspending)" if p > 1 else "behind plan (underspending)")
    state_fr = "conforme au plan" if 0.95 <= p <= 1.05 else ("en avance sur le plan (surdépense)" if p > 1 else "en retard sur le plan (sous-dépense)")
    return i18n.text(
        lang,
        f"After {i18n.fmt_pct(a['share_of_flight'], lang, 0)} of the flight, {money(a['spent'])} spent against "
        f"{money(pace['planned_cum'].iloc[-1])} planned: **{i18n.fmt_pct(p, lang, 0)} of plan**, {state_en}. "
        f"At this rate the flight ends at {money(a['expected_total'])} for a {money(a['budget'])} budget.",
        f"À {i18n.fmt_pct(a['share_of_flight'], lang, 0)} de la période, {money(a['spent'])} dépensés pour "
        f"{money(pace['planned_cum'].iloc[-1])} prévus : **{i18n.fmt_pct(p, lang, 0)} du plan**, {state_fr}. "
        f"À ce rythme, la campagne finira à {money(a['expected_total'])} pour un budget de {money(a['budget'])}.")


def groups_text(ranked: pd.DataFrame, by: str = "ad_group", lang: str = "en") -> str:
    """Best and worst groups by the interval's lower / upper bound, in words."""
    if ranked is None or ranked.empty:
        return i18n.text(lang, "No ad group breakdown in the data.", "Pas de détail par groupe d'annonces.")
    best, worst = ranked.iloc[0], ranked.sort_values("upper").iloc[0]
    rate = ranked.attrs.get("rate", "ctr").upper()
    f = lambda r: f"{i18n.fmt_pct(r['rate'], lang, 2)} ({i18n.fmt_pct(r['lower'], lang, 2)} – {i18n.fmt_pct(r['upper'], lang, 2)})"  # noqa: E731
    above = ranked.loc[ranked["vs_overall"] == "above", by].astype(str).tolist()
    below = ranked.loc[ranked["vs_overall"] == "below", by].astype(str).tolist()
    none_en, none_fr = "none", "aucun"
    return i18n.text(
        lang,
        f"Best {rate}: **{best[by]}** {f(best)}; worst: **{worst[by]}** {f(worst)} (95 % intervals). "
        f"Clearly above the average: {', '.join(above) or none_en}; clearly below: {', '.join(below) or none_en}. "
        "The others cannot be told apart from the average with this much data.",
        f"Meilleur {rate} : **{best[by]}** {f(best)} ; le plus faible : **{worst[by]}** {f(worst)} (intervalles à 95 %). "
        f"Nettement au-dessus de la moyenne : {', '.join(above) or none_fr} ; nettement en dessous : {', '.join(below) or none_fr}. "
        "Les autres ne se distinguent pas de la moyenne avec ce volume de données.")


def ab_text(res: dict, lang: str = "en", mde: float = 0.10, metric: str = "CTR") -> str:
    """An A/B result in words, with the sample size a ``mde`` (relative) change needs."""
    a, b = res["names"]
    pct = lambda x: i18n.fmt_pct(x, lang, 2)  # noqa: E731
    need = sample_size(res["rate_a"], mde, alpha=res["alpha"]) if 0 < res["rate_a"] < 1 else float("nan")
    n_now = min(res["trials"])
    lo, hi = res["ci_diff"]
    ptxt = ("< " + i18n.fmt_number(0.0001, lang, 4)) if res["p_value"] < 0.0001 else "= " + i18n.fmt_number(res["p_value"], lang, 4)
    if res["significant"]:
        en = f"**{res['winner']} wins**: the difference is larger than chance explains (p {ptxt})."
        fr = f"**{res['winner']} l'emporte** : l'écart dépasse ce que le hasard explique (p {ptxt})."
    else:
        en = f"**No winner yet**: the difference could be chance (p = {i18n.fmt_number(res['p_value'], lang, 3)})."
        fr = f"**Pas encore de gagnant** : l'écart peut venir du hasard (p = {i18n.fmt_number(res['p_value'], lang, 3)})."
    return i18n.text(
        lang,
        f"{metric} {a} {pct(res['rate_a'])} vs {b} {pct(res['rate_b'])}: {b} − {a} = {pct(res['diff'])} "
        f"(95 % interval {pct(lo)} to {pct(hi)}, {i18n.fmt_delta(res['rel_diff'], lang)} relative). {en} "
        f"Detecting a {i18n.fmt_pct(mde, lang, 0)} relative change with 80 % power needs "
        f"{i18n.fmt_int(need, lang)} per variant; this test has {i18n.fmt_int(n_now, lang)}.",
        f"{metric} {a} {pct(res['rate_a'])} contre {b} {pct(res['rate_b'])} : {b} − {a} = {pct(res['diff'])} "
        f"(intervalle à 95 % de {pct(lo)} à {pct(hi)}, {i18n.fmt_delta(res['rel_diff'], lang)} en relatif). {fr} "
        f"Détecter un écart relatif de {i18n.fmt_pct(mde, lang, 0)} avec une puissance de 80 % demande "
        f"{i18n.fmt_int(need, lang)} par variante ; ce test en a {i18n.fmt_int(n_now, lang)}.")


def method_text(lang: str = "en") -> str:
    """How the lift is computed and how it differs from Google's CausalImpact."""
    return i18n.text(
        lang,
        "**How the lift is measured.** A structural time-series model (local level, weekly seasonality and a "
        "regression on the control series, statsmodels `UnobservedComponents`) learns, before the campaign, how "
        "the targeted segment moves with the untargeted ones; projected over the campaign, it gives what would "
        "have happened without it. Intervals come from 1,000 simulated forecast paths, which also carry the "
        "uncertainty of the model's variances; the cumulative interval accounts for errors being correlated "
        "from day to day. The probability of an effect is the share of simulated no-campaign worlds less "
        "extreme than what was observed.\n\n"
        "**Differences with Google's CausalImpact** (R, Bayesian structural time series): it samples the "
        "model by MCMC with a spike-and-slab prior that selects among many controls; here variances are "
        "estimated by maximum likelihood with a normal approximation of their uncertainty, the coefficients of "
        "the few given controls have a flat prior, and a weekly seasonality is included by default. On series "
        "with a planted lift, the 95 % interval contained the true lift in 96 % of 200 simulations and "
        "excluded zero in 5 % of 200 series without a lift.\n\n"
        "**Platform conversions are not incremental conversions**: ad platforms count every buyer who saw or "
        "clicked an ad in their attribution window, including those who would have bought anyway.",
        "**Comment l'effet est mesuré.** Un modèle de série temporelle structurel (niveau local, saisonnalité "
        "hebdomadaire et régression sur la série témoin, `UnobservedComponents` de statsmodels) apprend, avant "
        "la campagne, comment le segment ciblé évolue avec les segments non ciblés ; projeté sur la période de "
        "campagne, il donne ce qui se serait passé sans elle. Les intervalles viennent de 1 000 trajectoires "
        "simulées, qui intègrent aussi l'incertitude sur les variances du modèle ; l'intervalle cumulé tient "
        "compte de la corrélation des erreurs d'un jour à l'autre. La probabilité d'un effet est la part des "
        "mondes simulés sans campagne moins extrêmes que ce qui a été observé.\n\n"
        "**Différences avec CausalImpact de Google** (R, séries temporelles structurelles bayésiennes) : il "
        "échantillonne le modèle par MCMC avec un a priori « spike-and-slab » qui sélectionne parmi de "
        "nombreux témoins ; ici les variances sont estimées par maximum de vraisemblance avec une approximation "
        "normale de leur incertitude, les coefficients des quelques témoins donnés ont un a priori plat, et une "
        "saisonnalité hebdomadaire est incluse par défaut. Sur des séries avec un effet connu, l'intervalle à "
        "95 % a contenu le vrai effet dans 96 % de 200 simulations, et exclu zéro dans 5 % de 200 séries "
        "sans effet.\n\n"
        "**Conversions plateforme et conversions incrémentales diffèrent** : les régies comptent tout acheteur "
        "ayant vu ou cliqué une annonce dans leur fenêtre d'attribution, y compris ceux qui auraient acheté de "
        "toute façon.")


def truth_check(pm: PostMortem, truth: dict | None, lang: str = "en") -> pd.DataFrame | None:
    """On the demo shop: planted incremental sessions / conversions / revenue next to the
    estimates and their 95 % intervals (None when ``truth`` has no planted campaign for
    this campaign). ``truth`` is the parsed ``truth.json``."""
    lift = ((truth or {}).get("web") or {}).get("campaign_lift")
    if not lift or lift.get("campaign", "").lower() not in {c.lower() for c in pm.campaign}:
        return None
    rows = []
    for kpi, key in (("sessions", "incremental_sessions"), ("conversions", "incremental_conversions"),
                     ("revenue", "incremental_revenue")):
        res = pm.lift_by_kpi.get(kpi)
        if res is None or key not in lift:
            continue
        c = res.summary.loc["cumulative"]
        true = float(lift[key])
        rows.append({"metric": i18n.label(kpi, lang), "planted": true, "estimate": c["abs_effect"],
                     "lower": c["abs_effect_lower"], "upper": c["abs_effect_upper"],
                     "inside": i18n.text(lang, "yes", "oui") if c["abs_effect_lower"] <= true <= c["abs_effect_upper"]
                     else i18n.text(lang, "no", "non")})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ report tables

_COLUMN_LABELS = {
    "metric": ("Metric", "Indicateur"), "actual": ("Observed", "Observé"), "target": ("Target", "Objectif"),
    "gap": ("Gap", "Écart"), "met": ("Met", "Atteint"), "statistic": ("Statistic", "Statistique"),
    "predicted": ("Expected without campaign", "Attendu sans campagne"),
    "predicted_lower": ("low", "bas"), "predicted_upper": ("high", "haut"),
    "abs_effect": ("Effect", "Effet"), "abs_effect_lower": ("low", "bas"), "abs_effect_upper": ("high", "haut"),
    "rel_effect": ("Relative effect", "Effet relatif"), "rel_effect_lower": ("low", "bas"),
    "rel_effect_upper": ("high", "haut"), "estimate": ("Estimate", "Estimation"), "lower": ("95 % low", "bas (95 %)"),
    "upper": ("95 % high", "haut (95 %)"), "planted": ("Planted", "Planté"), "inside": ("In the interval", "Dans l'intervalle"),
    "platform": ("Platform", "Régie"), "ad_group": ("Ad group", "Groupe d'annonces"), "ad": ("Ad", "Annonce"),
    "reach": ("Reach", "Couverture"), "conversion_value": ("Conv. value", "Valeur conv."),
    "frequency": ("Frequency", "Répétition"), "cvr": ("CVR", "Taux de conv."), "impressions": ("Impr.", "Impr."),
    "conversions": ("Conv. (platform)", "Conv. (régie)"),
}

KPI_FORMATS = {"impressions": "int", "reach": "int", "clicks": "int", "cost": "money", "conversions": "num",
               "conversion_value": "money0", "frequency": "num2", "ctr": "pct2", "cpc": "money", "cpm": "money",
               "cvr": "pct2", "cpa": "money", "roas": "num2"}


def labels(lang: str = "en") -> dict[str, str]:
    """Column headers of the post-mortem tables in ``lang`` (for ``display.table(labels=)``)."""
    out = {k: (en if lang == "en" else fr) for k, (en, fr) in _COLUMN_LABELS.items()}
    for k in ("campaign", "cost", "clicks", "ctr", "cpc", "cpm", "cpa", "roas", "date"):
        out.setdefault(k, i18n.label(k, lang))
    return out


_MONEY_KEYS = {"cost", "cpa", "incremental_cpa", "incremental_revenue"}


def _show_value(key: str, value, lang: str, currency: str) -> str:
    """A KPI value in its unit: money for costs, CPA and revenue, a plain ratio (2.74)
    for ROAS, a count otherwise."""
    if key in _MONEY_KEYS:
        return i18n.fmt_money(value, lang, currency)
    if "roas" in key:
        return i18n.fmt_number(value, lang, 2)
    return i18n.fmt_number(value, lang, 1)


def targets_table(pm: PostMortem, lang: str = "en", currency: str = "EUR") -> tuple[pd.DataFrame, dict]:
    """(frame, formats) of the targets comparison: values shown in their unit (money,
    ratio), ``met`` as yes/no in ``lang``."""
    t = against_targets(pm.total, pm.budget, pm.target_cpa, pm.target_roas, lang)
    for col in ("actual", "target"):
        t[col] = [_show_value(k, v, lang, currency) for k, v in zip(t["key"], t[col])]
    t["met"] = t["met"].map({True: i18n.text(lang, "yes", "oui"), False: i18n.text(lang, "no", "non")})
    return t.drop(columns="key"), {"gap": "delta"}


def lift_table(pm: PostMortem, lang: str = "en") -> tuple[pd.DataFrame, dict]:
    """(frame, formats) of the causal-impact summary (average per day, cumulative)."""
    s = pm.lift.summary.copy()
    s.index = [i18n.text(lang, "Average per day", "Moyenne par jour"), i18n.text(lang, "Cumulative", "Cumul")]
    s = s.reset_index().rename(columns={"index": "statistic"})
    fm = {c: "num" for c in s.columns if not c.startswith("rel") and c != "statistic"}
    fm.update({c: "delta" for c in s.columns if c.startswith("rel")})
    return s, fm


def economics_table(pm: PostMortem, lang: str = "en", currency: str = "EUR") -> tuple[pd.DataFrame, dict]:
    """(frame, formats) of incremental conversions, CPA, revenue and ROAS, each value in
    its unit."""
    names = {"incremental_conversions": ("Incremental conversions", "Conversions incrémentales"),
             "incremental_cpa": ("Incremental CPA", "CPA incrémental"),
             "incremental_revenue": ("Incremental revenue", "Chiffre d'affaires incrémental"),
             "incremental_roas": ("Incremental ROAS", "ROAS incrémental")}
    e = pm.economics.copy()
    for col in ("estimate", "lower", "upper"):
        e[col] = [_show_value(k, v, lang, currency) for k, v in zip(e.index, e[col])]
    e.index = [i18n.text(lang, *names[i]) for i in e.index]
    return e.reset_index().rename(columns={"index": "metric"}), {}


def before_after_table(pm: PostMortem, lang: str = "en") -> tuple[pd.DataFrame, dict]:
    """(frame, formats) of the weekday-matched before/after comparison."""
    b = pm.before_after.copy()
    b.index = [i18n.text(lang, "Average per day", "Moyenne par jour"), i18n.text(lang, "Cumulative", "Cumul")]
    b = b.reset_index().rename(columns={"index": "statistic"})
    return b, {c: ("delta" if c == "rel_effect" else "num") for c in b.columns if c != "statistic"}


def group_table(pm: PostMortem) -> tuple[pd.DataFrame, dict]:
    """(frame, formats) of KPIs by platform, campaign and ad group."""
    g = pm.by_group.reset_index()
    if g["reach"].isna().all():
        g = g.drop(columns=["reach", "frequency"])
    return g, {k: v for k, v in KPI_FORMATS.items() if k in g.columns}
