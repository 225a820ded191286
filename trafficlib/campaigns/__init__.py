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

A package of small modules, every public name importable from ``trafficlib.campaigns``:
:mod:`.kpis` (sums, ratios, targets, pacing), :mod:`.stats` (rate intervals, A/B tests,
sample sizes), :mod:`.lift` (site outcome series, incremental economics),
:mod:`.trends` (a campaign judged on Google Trends brand interest), :mod:`.review` (the
whole post-mortem and its verdict), :mod:`.text`, :mod:`.tables` and :mod:`.figures`
(what the notebook shows).
"""
from __future__ import annotations

from trafficlib.campaigns.figures import plot_daily, plot_groups, plot_pacing
from trafficlib.campaigns.kpis import RATIOS, SUMS, add_ratios, against_targets, kpis, pacing, select
from trafficlib.campaigns.lift import (KPI_COLUMNS, default_periods, incremental_economics, lift_series,
                                       site_outcomes)
from trafficlib.campaigns.review import PostMortem, postmortem, verdict_text
from trafficlib.campaigns.stats import ab_table, ab_test, rank_groups, sample_size
from trafficlib.campaigns.tables import (KPI_FORMATS, before_after_table, economics_table, group_table, labels,
                                         lift_table, targets_table)
from trafficlib.campaigns.text import ab_text, groups_text, method_text, pacing_text, truth_check, verdict_cards
from trafficlib.campaigns.trends import trends_postmortem, trends_series
from trafficlib.causal import CausalImpactResult, before_after, causal_impact, impact_text, plot_impact

__all__ = [
    "causal_impact", "before_after", "plot_impact", "impact_text", "CausalImpactResult",
    "add_ratios", "kpis", "against_targets", "pacing", "rank_groups", "ab_test", "ab_table", "sample_size",
    "lift_series", "default_periods", "incremental_economics", "site_outcomes",
    "postmortem", "PostMortem", "verdict_text", "plot_pacing", "plot_groups", "plot_daily",
    "select", "verdict_cards", "pacing_text", "groups_text", "ab_text", "method_text", "truth_check",
    "labels", "targets_table", "lift_table", "economics_table", "before_after_table", "group_table", "KPI_FORMATS",
    "trends_series", "trends_postmortem", "SUMS", "RATIOS", "KPI_COLUMNS",
]
