"""Causal lift of a campaign: a structural-time-series counterfactual (CausalImpact-style).

:func:`causal_impact` fits a state-space model on the days *before* the campaign and
projects it over the campaign days to say what would have happened without it; the
difference between what happened and that counterfactual is the campaign's effect.

The model (statsmodels ``UnobservedComponents``), fitted on the pre-period only::

    y_t = mu_t [+ trend] + s_t + beta' x_t + eps_t,   eps_t ~ N(0, sigma_eps^2)
    mu_t = mu_{t-1} [+ delta_{t-1}] + eta_t,           eta_t ~ N(0, sigma_mu^2)
    s_t  = weekly seasonal (deterministic, 7 days)

``x_t`` are control series the campaign did not touch (e.g. the same KPI in countries the
campaign did not target). ``y`` and each control are standardised on the pre-period.
The regression coefficients ``beta`` are put in the state vector
(``mle_regression=False``): they are estimated by the Kalman filter with a diffuse
prior, so their uncertainty flows into the forecast. The variances are estimated by
maximum likelihood.

Intervals and p-value
---------------------
The counterfactual is a set of ``n_sims`` (default 1000) forecast *paths* simulated from
the fitted state-space model (what ``MLEResults.simulate(anchor="end", repetitions=...)`` does — initial state drawn
from the predicted state distribution after the pre-period, then state and measurement
shocks — vectorised over paths), spread over ``param_draws`` draws of the variance
parameters from a Laplace approximation of their likelihood (see
:func:`_variance_draws`). In the simulation study of ``tests/test_causal.py`` (200
series with a planted lift, 200 without) the 95 % cumulative interval covered the true
lift in 96 % of series and excluded zero in 5 % of no-lift series; plugging in the MLE
variances alone covered only ~89 %. Pointwise intervals are quantiles of each day's
simulated values; the cumulative interval is the quantile of each path's *sum*, so the
correlation of forecast errors across days (the local level makes them strongly
positive) is accounted for — summing pointwise bounds would be wrong.

``p_value`` is the posterior-style one-sided tail probability of CausalImpact:
``min(#{sims with cumulative counterfactual >= actual}, #{<= actual}) + 1`` over
``n_sims + 1``, i.e. how often a simulated no-effect world is at least as extreme as
what was observed. ``1 - p_value`` is reported as the probability of a real effect.

Differences from Google's CausalImpact (R package, BSTS)
--------------------------------------------------------
- CausalImpact fits a Bayesian structural time series by MCMC with a spike-and-slab
  prior on the regression coefficients (variable selection among many controls) and an
  inverse-gamma prior on the level's variance (``prior.level.sd = 0.01``). Here the
  variances are estimated by maximum likelihood and their uncertainty is approximated
  (normal on log-sd around the MLE, no informative prior); coefficients get a flat
  (diffuse) prior, no variable selection: pass a few relevant controls rather than
  hundreds.
- CausalImpact has no weekly seasonality unless asked (``nseasons``); here a weekly
  seasonal is on by default (``season=7``, set ``None`` to drop it).
- The relative effect interval here is the quantile of ``effect / counterfactual`` over
  the simulated paths; the R package divides the absolute bounds by the point
  prediction. Both agree closely when the prediction is precise.
- Both compute intervals and the tail probability from samples of the counterfactual
  (MCMC draws there, simulated paths here).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from trafficlib import i18n
from trafficlib.errors import TrafficDataError

__all__ = ["causal_impact", "CausalImpactResult", "plot_impact", "impact_text", "before_after"]

SUMMARY_COLUMNS = [
    "actual", "predicted", "predicted_lower", "predicted_upper",
    "abs_effect", "abs_effect_lower", "abs_effect_upper",
    "rel_effect", "rel_effect_lower", "rel_effect_upper",
]


@dataclass
class CausalImpactResult:
    """What :func:`causal_impact` returns.

    Attributes
    ----------
    summary : DataFrame
        Rows ``average`` (per post-period day) and ``cumulative`` (sum over the
        post-period); columns ``actual``, ``predicted`` (counterfactual mean),
        ``predicted_lower/upper``, ``abs_effect`` (actual − predicted) and bounds,
        ``rel_effect`` (fraction of the counterfactual) and bounds. Units are those of
        ``y`` (per day for ``average``).
    p_value : float
        One-sided posterior tail probability of the cumulative effect (see module doc).
    series : DataFrame
        Daily, pre- and post-period: ``actual``, ``predicted``, ``predicted_lower``,
        ``predicted_upper``, ``point_effect`` (+ ``_lower``/``_upper``),
        ``cum_effect`` (+ bounds; 0 before the campaign) and ``post`` (bool).
    alpha : float
        1 − interval level (0.05 gives 95 % intervals).
    """

    summary: pd.DataFrame
    p_value: float
    series: pd.DataFrame
    alpha: float
    y: str
    controls: list[str]
    pre_period: tuple[pd.Timestamp, pd.Timestamp]
    post_period: tuple[pd.Timestamp, pd.Timestamp]
    model: Any = field(repr=False, default=None)
    cumulative_samples: np.ndarray = field(repr=False, default=None)

    @property
    def prob_effect(self) -> float:
        """Probability that the campaign had a real effect: ``1 - p_value``."""
        return 1.0 - self.p_value

    @property
    def significant(self) -> bool:
        """True when the cumulative effect's interval excludes zero."""
        row = self.summary.loc["cumulative"]
        return bool(row["abs_effect_lower"] > 0 or row["abs_effect_upper"] < 0)

    def plot(self, lang: str = "en", title: str = ""):
        """The three classic panels (actual vs counterfactual, pointwise effect,
        cumulative effect); returns a matplotlib Figure."""
        return plot_impact(self, lang=lang, title=title)

    def text(self, lang: str = "en", unit: str | None = None) -> str:
        """A plain-words summary of the result and its assumptions (see
        :func:`impact_text`)."""
        return impact_text(self, lang=lang, unit=unit)


def _period(p: Sequence, name: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    try:
        a, b = p
        a, b = pd.Timestamp(a), pd.Timestamp(b)
    except (TypeError, ValueError):
        raise TrafficDataError(f"{name} must be a pair of dates (start, end)", column=name) from None
    if b < a:
        raise TrafficDataError(f"{name} ends before it starts ({a.date()} > {b.date()})", column=name)
    return a.normalize(), b.normalize()


def _prepare(data: pd.DataFrame, y: str, controls, pre, post):
    if not isinstance(data, pd.DataFrame) or not isinstance(data.index, pd.DatetimeIndex):
        raise TrafficDataError("data must be a DataFrame indexed by date (one row per day)",
                               file="<DataFrame>")
    if y not in data.columns:
        raise TrafficDataError(f"no column '{y}' in the data", file="<DataFrame>", column=y)
    if controls is None:
        controls = [c for c in data.columns if c != y and pd.api.types.is_numeric_dtype(data[c])]
    elif isinstance(controls, str):
        controls = [controls]
    controls = list(controls)
    for c in controls:
        if c not in data.columns:
            raise TrafficDataError(f"no control column '{c}' in the data", file="<DataFrame>", column=c)
    if pre[1] >= post[0]:
        raise TrafficDataError("the pre-period must end before the post-period starts", column="pre_period")
    frame = data[[y, *controls]].sort_index()
    if frame.index.has_duplicates:
        raise TrafficDataError("several rows for the same day", file="<DataFrame>",
                               rows=[int(i) + 1 for i in np.flatnonzero(frame.index.duplicated())])
    frame = frame.loc[pre[0]:post[1]].asfreq("D")
    frame = frame.apply(pd.to_numeric, errors="coerce").astype(float)
    pre_frame = frame.loc[pre[0]:pre[1]]
    post_frame = frame.loc[post[0]:post[1]]
    if pre_frame[y].notna().sum() < 21:
        raise TrafficDataError("the pre-period needs at least 21 days with data to learn from",
                               column=y, hint="start the pre-period earlier")
    if len(post_frame) == 0:
        raise TrafficDataError("no data in the post-period", column=y)
    bad = frame[controls].isna().any(axis=1)
    if bad.any():
        days = [d.date().isoformat() for d in frame.index[bad][:5]]
        raise TrafficDataError(f"control series have missing days ({', '.join(days)})",
                               column=controls[int(np.argmax(frame[controls].isna().any().to_numpy()))],
                               hint="fill or drop the control")
    return frame.loc[pre[0]:post[1]], controls


def _forecast_paths(fres, exog_post, h: int, reps: int, rng: np.random.Generator) -> np.ndarray:
    """``reps`` forecast paths (h × reps) from a filtered statsmodels state-space model.

    The same simulation as ``MLEResults.simulate(h, anchor="end", repetitions=reps,
    exog=exog_post)`` (initial state drawn from the predicted state distribution one step
    after the sample, then state and measurement shocks through the model's own system
    matrices), vectorised over paths: statsmodels loops over repetitions in Python,
    which made the coverage study 50× slower. ``tests/test_causal.py`` checks that both
    give the same forecast moments.
    """
    ssm = getattr(fres, "filter_results", fres)
    design = ssm.design[0, :, -1].copy()
    T = ssm.transition[:, :, 0]
    sel = ssm.selection[:, :, 0]
    Q = ssm.state_cov[:, :, 0]
    H = float(ssm.obs_cov[0, 0, 0])
    k_exog = 0 if exog_post is None else exog_post.shape[1]
    a = rng.multivariate_normal(ssm.predicted_state[:, -1], ssm.predicted_state_cov[:, :, -1],
                                size=reps, method="eigh").T
    w, v = np.linalg.eigh(Q)
    q_half = v * np.sqrt(np.clip(w, 0, None))
    out = np.empty((h, reps))
    for t in range(h):
        if k_exog:
            design[-k_exog:] = exog_post[t]
        out[t] = design @ a + np.sqrt(max(H, 0.0)) * rng.standard_normal(reps)
        a = T @ a + sel @ (q_half @ rng.standard_normal((Q.shape[0], reps)))
    return out


def _laplace(f, x: np.ndarray) -> np.ndarray | None:
    """Covariance of a normal approximation of the likelihood ``f`` around its maximum
    ``x`` (inverse of minus the complex-step Hessian, exact to machine precision; finite
    differences are too noisy on this likelihood), or None if not positive definite."""
    from statsmodels.tools.numdiff import approx_hess_cs

    try:
        cov = np.linalg.inv(-approx_hess_cs(x, f))
        np.linalg.cholesky(cov)
    except (np.linalg.LinAlgError, ValueError):
        return None
    return cov if np.all(np.isfinite(cov)) else None


def _variance_draws(model, res, n: int, rng: np.random.Generator) -> list[np.ndarray]:
    """``n`` draws of the model's standard deviations (statsmodels' unconstrained
    parameters) from a Laplace approximation of the likelihood.

    Interior estimates are drawn on the log-sd scale (a flat prior on log sigma, the
    usual choice for a scale; right-skewed like BSTS's inverse-gamma posteriors), kept
    within a factor e^3 of the MLE. When a standard deviation sits at or near zero (the
    MLE is on the boundary, common for the level's), the log scale is meaningless and
    the draws are made on the sd scale, where the likelihood is smooth and symmetric
    around zero. Returns [] when no approximation is available (plug-in MLE then).
    """
    sd = model.untransform_params(res.params)
    cov_sd = _laplace(lambda p: model.loglike(p, transformed=False, complex_step=True), sd)
    if cov_sd is None:
        return []
    near_zero = np.abs(sd) < 2 * np.sqrt(np.diag(cov_sd))
    if near_zero.any():
        return list(np.abs(rng.multivariate_normal(sd, cov_sd, size=n)))
    log_sd = np.log(np.abs(sd))
    cov = _laplace(lambda w: model.loglike(np.exp(w), transformed=False, complex_step=True), log_sd)
    if cov is None:
        return list(np.abs(rng.multivariate_normal(sd, cov_sd, size=n)))
    w = rng.multivariate_normal(log_sd, cov, size=n)
    return list(np.exp(np.clip(w, log_sd - 3.0, log_sd + 3.0)))


def _simulate_paths(model, res, h: int, exog_post, n_sims: int, param_draws: int,
                    rng: np.random.Generator) -> np.ndarray:
    """``n_sims`` forecast paths (h × n_sims, model units) from the end of the sample.

    With ``param_draws > 0`` the variance parameters are drawn by
    :func:`_variance_draws` (Laplace approximation), the model is re-filtered at
    each draw and ``n_sims / param_draws`` paths are simulated from it: a cheap stand-in
    for the posterior over variances that BSTS samples by MCMC.
    """
    draws: list[np.ndarray] = []
    if param_draws > 0:
        draws = _variance_draws(model, res, param_draws, rng)
    if not draws:
        return _forecast_paths(res, exog_post, h, n_sims, rng)
    per = np.diff(np.linspace(0, n_sims, len(draws) + 1).round().astype(int))
    parts = []
    for d, k in zip(draws, per):
        if k == 0:
            continue
        fres = model.filter(model.transform_params(d), return_ssm=True)
        parts.append(_forecast_paths(fres, exog_post, h, int(k), rng))
    return np.concatenate(parts, axis=1)


def causal_impact(data: pd.DataFrame, pre_period: Sequence, post_period: Sequence, y: str = "y",
                  controls: Sequence[str] | str | None = None, *, alpha: float = 0.05,
                  season: int | None = 7, trend: bool = False, n_sims: int = 1000,
                  param_draws: int = 50, seed: int = 0) -> CausalImpactResult:
    """Estimate the effect of an intervention on ``y`` by a counterfactual forecast.

    Parameters
    ----------
    data : DataFrame
        Daily data indexed by date: the outcome column ``y`` and control columns.
        Missing days in the pre-period are allowed (the Kalman filter skips them);
        controls must be complete.
    pre_period, post_period : (start, end)
        Inclusive date ranges: the model learns on ``pre_period`` and predicts the
        ``post_period`` (the campaign flight, possibly extended by a carry-over window).
    y : str
        Outcome column (sessions, conversions, revenue per day...).
    controls : list of str, str or None
        Control series (not affected by the campaign). ``None`` uses every other
        numeric column, like CausalImpact; ``[]`` fits without controls.
    alpha : float
        Intervals are ``1 - alpha`` (default 95 %).
    season : int or None
        Seasonal period in days (7 = weekly); None for none.
    trend : bool
        Local linear trend instead of a local level.
    n_sims : int
        Number of simulated counterfactual paths.
    param_draws : int
        Number of variance-parameter draws the paths are spread over (Laplace
        approximation of the likelihood around the MLE); 0 uses the
        MLE only (narrower intervals: they ignore the variances' uncertainty).
    seed : int
        Random seed of the simulation (results are reproducible).

    Returns
    -------
    CausalImpactResult
        ``.summary`` (average / cumulative rows), ``.p_value``, ``.series`` (daily),
        ``.plot()``, ``.text(lang)``. Units are those of ``y``.
    """
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    pre, post = _period(pre_period, "pre_period"), _period(post_period, "post_period")
    frame, controls = _prepare(data, y, controls, pre, post)
    pre_frame = frame.loc[pre[0]:pre[1]]
    post_mask = frame.index >= post[0]
    # Days between the periods (if any) are neither fitted nor evaluated.
    frame = frame[(frame.index <= pre[1]) | post_mask]
    post_mask = frame.index >= post[0]
    n_pre = int((~post_mask).sum())

    mu, sd = pre_frame[y].mean(), pre_frame[y].std()
    if not np.isfinite(sd) or sd == 0:
        sd = 1.0
    ys = (frame[y] - mu) / sd
    kept = [c for c in controls if pre_frame[c].std() > 0]
    exog = None
    if kept:
        xm, xs = pre_frame[kept].mean(), pre_frame[kept].std()
        exog = ((frame[kept] - xm) / xs).to_numpy()

    model = UnobservedComponents(
        ys.iloc[:n_pre].to_numpy(),
        level="local linear trend" if trend else "local level",
        seasonal=season, stochastic_seasonal=False if season else True,
        exog=None if exog is None else exog[:n_pre],
        mle_regression=False,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit(disp=False, maxiter=200)
        h = int(post_mask.sum())
        rng = np.random.default_rng(seed)
        sims = _simulate_paths(model, res, h, None if exog is None else exog[n_pre:], n_sims,
                               param_draws, rng) * sd + mu
        pre_pred = res.get_prediction()
        pre_mean = np.asarray(pre_pred.predicted_mean) * sd + mu
        pre_ci = np.asarray(pre_pred.conf_int(alpha=alpha)) * sd + mu
    lo_q, hi_q = alpha / 2, 1 - alpha / 2
    actual = frame[y].to_numpy()
    act_post = actual[post_mask]
    pred_post = sims.mean(axis=1)

    series = pd.DataFrame(index=frame.index)
    series["actual"] = actual
    series["predicted"] = np.r_[pre_mean, pred_post]
    series["predicted_lower"] = np.r_[pre_ci[:, 0], np.quantile(sims, lo_q, axis=1)]
    series["predicted_upper"] = np.r_[pre_ci[:, 1], np.quantile(sims, hi_q, axis=1)]
    # The first few pre-period predictions come from a diffuse state: not meaningful.
    burn = min(n_pre, (season or 1) + 2 + (1 if trend else 0) + (len(kept)))
    series.iloc[:burn, 1:4] = np.nan
    eff_sims = act_post[:, None] - sims
    series["point_effect"] = series["actual"] - series["predicted"]
    series["point_effect_lower"] = np.r_[actual[:n_pre] - series["predicted_upper"].to_numpy()[:n_pre],
                                         np.quantile(eff_sims, lo_q, axis=1)]
    series["point_effect_upper"] = np.r_[actual[:n_pre] - series["predicted_lower"].to_numpy()[:n_pre],
                                         np.quantile(eff_sims, hi_q, axis=1)]
    observed = ~np.isnan(act_post)
    cum_eff = np.cumsum(np.where(observed[:, None], eff_sims, 0.0), axis=0)
    series["cum_effect"] = np.r_[np.zeros(n_pre), cum_eff.mean(axis=1)]
    series["cum_effect_lower"] = np.r_[np.zeros(n_pre), np.quantile(cum_eff, lo_q, axis=1)]
    series["cum_effect_upper"] = np.r_[np.zeros(n_pre), np.quantile(cum_eff, hi_q, axis=1)]
    series["post"] = post_mask

    n_obs = int(observed.sum())
    if n_obs == 0:
        raise TrafficDataError("the outcome has no value in the post-period", column=y)
    cum_actual = float(np.nansum(act_post))
    cum_pred = sims[observed].sum(axis=0)  # one cumulative counterfactual per path
    cum_effect = cum_actual - cum_pred
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(cum_pred != 0, cum_effect / cum_pred, np.nan)

    def row(scale: float) -> dict[str, float]:
        q = lambda v, p: float(np.nanquantile(v, p)) if np.isfinite(v).any() else np.nan  # noqa: E731
        pred_mean = float(cum_pred.mean())
        return {
            "actual": cum_actual / scale,
            "predicted": pred_mean / scale,
            "predicted_lower": q(cum_pred, lo_q) / scale,
            "predicted_upper": q(cum_pred, hi_q) / scale,
            "abs_effect": (cum_actual - pred_mean) / scale,
            "abs_effect_lower": q(cum_effect, lo_q) / scale,
            "abs_effect_upper": q(cum_effect, hi_q) / scale,
            "rel_effect": (cum_actual - pred_mean) / pred_mean if pred_mean else np.nan,
            "rel_effect_lower": q(rel, lo_q),
            "rel_effect_upper": q(rel, hi_q),
        }

    summary = pd.DataFrame([row(n_obs), row(1.0)], index=["average", "cumulative"])[SUMMARY_COLUMNS]
    summary.index.name = "statistic"
    n_ge = int((cum_pred >= cum_actual).sum())
    n_le = int((cum_pred <= cum_actual).sum())
    p_value = (min(n_ge, n_le) + 1) / (n_sims + 1)
    return CausalImpactResult(
        summary=summary, p_value=float(p_value), series=series, alpha=alpha, y=y,
        controls=kept, pre_period=pre, post_period=post, model=res,
        cumulative_samples=cum_effect,
    )


def before_after(data: pd.DataFrame, pre_period: Sequence, post_period: Sequence, y: str = "y",
                 alpha: float = 0.05, n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Before/after comparison with the same weekday mix (weaker evidence: no control).

    The post-period's days are compared with the pre-period's average for the *same
    weekday*, so a campaign running more weekends than the baseline is not credited with
    the weekend effect. It cannot separate the campaign from anything else that changed
    at the same time (season, prices, press): label it as weaker evidence.

    Returns a one-row-per-statistic DataFrame (``average``/``cumulative``) with
    ``actual``, ``predicted`` (expected from the pre-period's weekday means),
    ``abs_effect`` with a bootstrap ``1 - alpha`` interval (pre-period days resampled
    within weekday) and ``rel_effect``.
    """
    pre, post = _period(pre_period, "pre_period"), _period(post_period, "post_period")
    if y not in data.columns:
        raise TrafficDataError(f"no column '{y}' in the data", file="<DataFrame>", column=y)
    s = data[y].sort_index().astype(float)
    before = s.loc[pre[0]:pre[1]].dropna()
    after = s.loc[post[0]:post[1]].dropna()
    if len(before) < 14 or len(after) == 0:
        raise TrafficDataError("before/after needs at least 14 days before and 1 day after", column=y)
    by_day = {d: before[before.index.day_of_week == d].to_numpy() for d in range(7)}
    missing = [d for d in set(after.index.day_of_week) if len(by_day[d]) == 0]
    if missing:
        raise TrafficDataError("the pre-period lacks some weekdays of the post-period", column=y)
    wd = after.index.day_of_week.to_numpy()
    expected = np.array([by_day[d].mean() for d in wd])
    rng = np.random.default_rng(seed)
    boots = np.zeros(n_boot)
    counts = {d: int((wd == d).sum()) for d in range(7)}
    for d, k in counts.items():
        if k == 0:
            continue
        vals = by_day[d]
        means = rng.choice(vals, size=(n_boot, len(vals)), replace=True).mean(axis=1)
        boots += k * means
    n = len(after)
    actual = float(after.sum())
    pred = float(expected.sum())
    eff = actual - boots
    lo, hi = np.quantile(eff, [alpha / 2, 1 - alpha / 2])
    rows = []
    for name, scale in (("average", n), ("cumulative", 1)):
        rows.append({"actual": actual / scale, "predicted": pred / scale,
                     "abs_effect": (actual - pred) / scale, "abs_effect_lower": lo / scale,
                     "abs_effect_upper": hi / scale,
                     "rel_effect": (actual - pred) / pred if pred else np.nan})
    return pd.DataFrame(rows, index=["average", "cumulative"])


def plot_impact(result: CausalImpactResult, lang: str = "en", title: str = ""):
    """Three panels sharing the date axis: (1) actual vs counterfactual with its
    interval, (2) pointwise effect, (3) cumulative effect; the campaign start is a
    dashed line. Returns the Figure."""
    import matplotlib.pyplot as plt

    from trafficlib import plots

    s = result.series
    fig, axes = plt.subplots(3, 1, figsize=(9, 8), sharex=True)
    t = lambda en, fr: i18n.text(lang, en, fr)  # noqa: E731
    level = f"{1 - result.alpha:.0%}"
    ax = axes[0]
    ax.plot(s.index, s["actual"], color="black", lw=1.2, label=t("Actual", "Observé"))
    ax.plot(s.index, s["predicted"], color=plots.ACCENT, lw=1.2, ls="--",
            label=t("Counterfactual (no campaign)", "Contrefactuel (sans campagne)"))
    ax.fill_between(s.index, s["predicted_lower"], s["predicted_upper"], color=plots.ACCENT, alpha=0.2,
                    label=t(f"{level} interval", f"intervalle à {level}"))
    ax.set_title(title or t("Actual vs counterfactual", "Observé et contrefactuel"))
    ax.legend(loc="upper left", fontsize=8)
    post = s[s["post"]]
    ax = axes[1]
    ax.plot(s.index, s["point_effect"], color=plots.ACCENT, lw=1.2)
    ax.fill_between(s.index, s["point_effect_lower"], s["point_effect_upper"], color=plots.ACCENT, alpha=0.2)
    ax.axhline(0, color=plots.GREY, lw=0.8)
    ax.set_title(t("Pointwise effect (per day)", "Effet jour par jour"))
    ax = axes[2]
    ax.plot(post.index, post["cum_effect"], color=plots.ACCENT, lw=1.5)
    ax.fill_between(post.index, post["cum_effect_lower"], post["cum_effect_upper"], color=plots.ACCENT, alpha=0.2)
    ax.axhline(0, color=plots.GREY, lw=0.8)
    ax.set_title(t("Cumulative effect", "Effet cumulé"))
    for ax in axes:
        ax.axvline(result.post_period[0], color=plots.GREY, ls=":", lw=1)
        ax.set_ylabel("")
        plots.count_axis(ax, lang)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def impact_text(result: CausalImpactResult, lang: str = "en", unit: str | None = None,
                controls_label: str | None = None) -> str:
    """A plain-words report: what happened, what it means, what it assumes (Markdown
    that :func:`trafficlib.display.say` can show; numbers formatted for ``lang``)."""
    s = result.summary
    c, a = s.loc["cumulative"], s.loc["average"]
    n = lambda x: i18n.fmt_number(x, lang, 1 if abs(x) < 100 else 0)  # noqa: E731
    p = lambda x: i18n.fmt_pct(x, lang, 1)  # noqa: E731
    level = i18n.fmt_pct(1 - result.alpha, lang, 0)
    unit = unit or result.y
    ctl_fr = controls_label or ", ".join(result.controls) or "aucune"
    ctl_en = controls_label or ", ".join(result.controls) or "none"
    d0, d1 = (i18n.fmt_date(d.date(), lang) for d in result.post_period)
    sig = result.significant
    direction = "up" if c["abs_effect"] > 0 else "down"
    if lang == "fr":
        lines = [
            f"Du {d0} au {d1}, on a observé **{n(c['actual'])}** ({unit}), soit {n(a['actual'])} par jour. "
            f"Sans la campagne, le modèle en attendait {n(c['predicted'])} "
            f"(intervalle à {level} : {n(c['predicted_lower'])} à {n(c['predicted_upper'])}).",
            f"Effet estimé : **{n(c['abs_effect'])}** au total ({n(c['abs_effect_lower'])} à {n(c['abs_effect_upper'])}), "
            f"soit **{p(c['rel_effect'])}** ({p(c['rel_effect_lower'])} à {p(c['rel_effect_upper'])}).",
        ]
        if sig:
            lines.append(f"L'intervalle exclut zéro : la {'hausse' if direction == 'up' else 'baisse'} "
                         f"est très probablement réelle (probabilité d'un effet : {p(result.prob_effect)}, "
                         f"p = {i18n.fmt_number(result.p_value, lang, 3)}).")
        else:
            lines.append(f"L'intervalle contient zéro : on ne peut pas distinguer l'effet du bruit "
                         f"(probabilité d'un effet : {p(result.prob_effect)}, p = {i18n.fmt_number(result.p_value, lang, 3)}). "
                         "Cela ne prouve pas que la campagne n'a rien fait : l'effet est peut-être trop petit pour être vu.")
        lines.append(
            "Ce que cela suppose : la relation entre la série et les séries témoins "
            f"({ctl_fr}) apprise avant la campagne serait restée la même sans elle ; "
            "les séries témoins n'ont pas été touchées par la campagne ; rien d'autre (promotion, presse, panne) n'a changé "
            "au même moment. Modèle : niveau local, saisonnalité hebdomadaire et régression sur les témoins "
            "(statsmodels UnobservedComponents), ajusté sur la période avant, intervalles par simulation de trajectoires."
        )
    else:
        lines = [
            f"From {d0} to {d1}, **{n(c['actual'])}** ({unit}) were observed, {n(a['actual'])} a day. "
            f"Without the campaign the model expected {n(c['predicted'])} "
            f"({level} interval: {n(c['predicted_lower'])} to {n(c['predicted_upper'])}).",
            f"Estimated effect: **{n(c['abs_effect'])}** in total ({n(c['abs_effect_lower'])} to {n(c['abs_effect_upper'])}), "
            f"that is **{p(c['rel_effect'])}** ({p(c['rel_effect_lower'])} to {p(c['rel_effect_upper'])}).",
        ]
        if sig:
            lines.append(f"The interval excludes zero: the {'increase' if direction == 'up' else 'decrease'} is very "
                         f"likely real (probability of an effect: {p(result.prob_effect)}, "
                         f"p = {i18n.fmt_number(result.p_value, lang, 3)}).")
        else:
            lines.append(f"The interval includes zero: the effect cannot be told apart from noise "
                         f"(probability of an effect: {p(result.prob_effect)}, p = {i18n.fmt_number(result.p_value, lang, 3)}). "
                         "This does not prove the campaign did nothing: the effect may be too small to see.")
        lines.append(
            "What this assumes: the relationship between the series and its controls "
            f"({ctl_en}) learnt before the campaign would have held without it; "
            "the controls were not touched by the campaign; nothing else (a sale, press, an outage) changed at the "
            "same time. Model: local level, weekly seasonality and regression on the controls (statsmodels "
            "UnobservedComponents) fitted on the pre-period, intervals from simulated forecast paths."
        )
    return "\n\n".join(lines)
