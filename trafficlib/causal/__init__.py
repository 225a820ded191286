"""Causal lift of a campaign: a Bayesian structural-time-series counterfactual that agrees
with Google's R CausalImpact.

:func:`causal_impact` learns, on the periods *before* the campaign, how the outcome moves
with control series the campaign did not touch, projects that over the campaign to say
what would have happened without it, and reports the difference with its interval and
tail probability. Daily, weekly and monthly data alike (the frequency is read from the
dates).

A package of small modules: :mod:`.data` (input checks, frequency, the weekly-pattern
test), :mod:`.bsts` (the default model: R CausalImpact's defaults, solved exactly),
:mod:`.legacy` (the previous maximum-likelihood model, ``method="mle"``), :mod:`.impact`
(:func:`causal_impact` and its result), :mod:`.report` (plot and text) and :mod:`.naive`
(weekday-matched before/after); every public name is importable from
``trafficlib.causal``.

The default model against R CausalImpact 1.3 (``CausalImpact(data, pre, post)``)
--------------------------------------------------------------------------------
Same:

- data standardised on the pre-period (``standardize.data = TRUE``); local level with
  an inverse-gamma prior on the level variance (``sigma.guess = prior.level.sd``,
  ``sample.size = 32``, ``kLocalLevelPriorSampleSize``), upper limit ``sdy``;
- no seasonality by default (``nseasons = 1``);
- static regression on the controls (``dynamic.regression = FALSE``) with bsts's
  spike-and-slab prior: ``expected.model.size = 3``, ``expected.r2 = 0.8``,
  ``prior.df = 50``, slab ``prior.information.weight = 0.01``, ``diagonal.shrinkage = 0.5``;
- counterfactual = posterior predictive of the outcome over the post-period (state plus
  observation noise); cumulative interval from the distribution of the *sum* (the
  errors' correlation across periods is kept); relative bounds = absolute bounds /
  predicted mean; p = one-sided tail probability of the cumulative outcome.

Different, and why:

- The level prior. R's default ``prior.level.sd = 0.01`` trusts a steady level; when the
  level drifts (a control measured with noise, a moving market) its intervals are too
  narrow: on the planted-lift simulations of ``benchmarks/causal_priors.py`` its 95 %
  intervals cover the true effect 84.5 % of the time and call 18.5 % of campaigns
  without effect significant. The default here is ``prior_level_sd="auto"``: an equal
  mixture of 0.01 and the 0.1 R suggests for volatile series, the data weighing the two
  (97 % and 5 % on the same simulations; on calm series the data pick 0.01 and the
  answer is R's). ``prior_level_sd=0.01`` gives R's default; under "auto" the report
  shows R's answer beside ours when R's interval is narrower by a third or more.
- Solved, not sampled. R runs 1,000 Gibbs iterations (100 burnt). Here the two variances
  are integrated on a grid and the control subsets enumerated, everything else exactly
  by the Kalman filter (:mod:`.bsts`): the answer has no Monte Carlo noise and does not
  depend on the seed. The tail probability has no ``+1`` Monte Carlo correction, so it
  can be below R's floor of 1/901.
- Seasonality: besides "asked for" (``season=7``, R's ``nseasons``), a weekly pattern is
  added to *daily* data when it is unmistakable in the outcome after the controls
  (:func:`.data.weekly_pattern`), because web traffic usually is weekly and R's default
  then leaves it in the noise. It is a fixed pattern, where R's ``AddSeasonal`` lets it
  drift slowly.
- Beyond 6 controls the subsets are not enumerated: all controls are kept (noted in
  ``result.info["notes"]``); pass a few relevant controls.

Measured (``tests/test_causal.py``, ``tests/test_causal_priors.py``, R's published figures
in ``../shared/data/README.md``): on ``comparison_data`` the relative effect is -0.81 %
[-2.68 %, +1.04 %], p = 0.19 with either prior (R: -0.83 % [-2.6 %, +1.0 %], p = 0.20);
on the weekly ``volks_data`` -22.7 % [-41.9 %, -3.4 %], p = 0.011 by default (the data
favour the mobile level: Bayes factor ~3.6e7 for 0.1 against 0.01) and -25.8 % [-32.1 %,
-19.2 %] with ``prior_level_sd=0.01`` (R: -26 % [-32 %, -19 %], p = 0.001).
"""
from __future__ import annotations

from trafficlib.causal.impact import SUMMARY_COLUMNS, CausalImpactResult, causal_impact
from trafficlib.causal.legacy import _forecast_paths  # noqa: F401  (tests compare it with statsmodels)
from trafficlib.causal.naive import before_after
from trafficlib.causal.report import impact_text, plot_impact

__all__ = ["causal_impact", "CausalImpactResult", "plot_impact", "impact_text", "before_after",
           "SUMMARY_COLUMNS"]
