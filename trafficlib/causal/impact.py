""":func:`causal_impact` and its result."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from trafficlib import i18n
from trafficlib.causal import bsts, legacy
from trafficlib.causal.data import UNITS, UNITS_FR, period, prepare, weekly_pattern
from trafficlib.errors import TrafficDataError

__all__ = ["causal_impact", "CausalImpactResult", "SUMMARY_COLUMNS"]

#: ``prior_level_sd="auto"`` (the default): an equal mixture of R's default (0.01) and
#: the 0.1 its documentation suggests for volatile series; the data weigh the two.
AUTO_LEVEL_SD = (0.01, 0.1)
#: R CausalImpact's default ``prior.level.sd``.
R_LEVEL_SD = 0.01
#: R's default answer is shown beside ours when its cumulative interval is this fraction
#: of ours or less ("narrower by a third or more").
MATERIALLY_NARROWER = 2 / 3

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
        Rows ``average`` (per post-period day, week or month: see ``kind``) and
        ``cumulative`` (sum over the post-period); columns ``actual``, ``predicted``
        (counterfactual mean), ``predicted_lower/upper``, ``abs_effect`` (actual −
        predicted) and bounds, ``rel_effect`` (fraction of the counterfactual) and bounds
        (R's definition: the absolute bounds divided by the predicted mean). Units are
        those of ``y``.
    p_value : float
        One-sided posterior tail probability of the cumulative effect: the probability,
        under the counterfactual, of a cumulative outcome at least as extreme (in the
        observed direction) as the actual one.
    series : DataFrame
        One row per pre- and post-period date: ``actual``, ``predicted``,
        ``predicted_lower``, ``predicted_upper``, ``point_effect`` (+ ``_lower``/``_upper``),
        ``cum_effect`` (+ bounds; 0 before the campaign) and ``post`` (bool).
    alpha : float
        1 − interval level (0.05 gives 95 % intervals).
    kind, freq : str
        The data's frequency: kind ``"D"``, ``"W"``, ``"M"``, ``"Q"``, ``"Y"`` or
        ``"other"`` and the pandas frequency (``"D"``, ``"W-SUN"``, ``"MS"``...).
    method : str
        ``"bsts"`` (default, R CausalImpact's model) or ``"mle"`` (the previous model).
    season : int or None
        Seasonal period used (in periods of the data), None for none.
    info : dict
        Model facts for the report: posterior mean sds (``sigma``, ``tau``, standardised
        units), ``inclusion`` probability and mean ``coefficient`` of each control,
        ``weekly_test`` (the seasonality check on daily data), ``notes``,
        ``prior_level_sd`` (the prior used: ``"auto"`` or a number) and, under ``"auto"``,
        ``r_default``: R's default answer (``prior_level_sd=0.01``) on the same data as a
        dict (``rel_effect``, ``rel_effect_lower``, ``rel_effect_upper``, ``abs_effect``,
        ``abs_effect_lower``, ``abs_effect_upper`` of the cumulative row, ``p_value``,
        ``significant``, ``width_ratio`` = its cumulative interval width / ours,
        ``material`` = ``width_ratio <= 2/3``). See :attr:`r_default`.
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
    kind: str = "D"
    freq: str = "D"
    method: str = "bsts"
    season: int | None = None
    info: dict = field(default_factory=dict)

    @property
    def prior(self):
        """The level prior used: ``"auto"`` or a number (``prior.level.sd``)."""
        return self.info.get("prior_level_sd", R_LEVEL_SD)

    @property
    def r_default(self) -> dict | None:
        """R CausalImpact's default answer (``prior_level_sd=0.01``) when it is *materially*
        narrower than ours (interval narrower by a third or more), else None: the report
        then shows both. See ``info["r_default"]`` for the comparison in every case."""
        other = self.info.get("r_default")
        return other if other and other["material"] else None

    @property
    def prob_effect(self) -> float:
        """Probability that the campaign had a real effect: ``1 - p_value``."""
        return 1.0 - self.p_value

    @property
    def significant(self) -> bool:
        """True when the cumulative effect's interval excludes zero."""
        row = self.summary.loc["cumulative"]
        return bool(row["abs_effect_lower"] > 0 or row["abs_effect_upper"] < 0)

    def unit(self, lang: str = "en", plural: bool = False) -> str:
        """The period word in ``lang``: day / week / month (jour / semaine / mois)."""
        words = (UNITS_FR if lang == "fr" else UNITS).get(self.kind, UNITS["other"])
        return words[1 if plural else 0]

    def describe(self, lang: str = "en") -> str:
        """The model in one sentence, in ``lang``."""
        season = ""
        if self.season:
            season = i18n.text(lang, f", a fixed seasonal pattern over {self.season} {self.unit('en', True)}",
                               f", un motif saisonnier fixe sur {self.season} {self.unit('fr', True)}")
        if self.method == "mle":
            return i18n.text(
                lang,
                f"local level{season} and regression on the controls (statsmodels UnobservedComponents, "
                "maximum likelihood), fitted on the pre-period, intervals from simulated forecast paths",
                f"niveau local{season} et régression sur les témoins (UnobservedComponents de statsmodels, "
                "maximum de vraisemblance), ajusté sur la période avant, intervalles par trajectoires simulées")
        return i18n.text(
            lang,
            f"Bayesian structural time series as in Google's CausalImpact (local level{season}, "
            "spike-and-slab regression on the controls), fitted on the pre-period, "
            "exact posterior (no sampling noise)",
            f"série temporelle structurelle bayésienne comme CausalImpact de Google (niveau local{season}, "
            "régression « spike-and-slab » sur les témoins), ajustée sur la période "
            "avant, loi a posteriori exacte (sans bruit d'échantillonnage)")

    def plot(self, lang: str = "en", title: str = ""):
        """The three classic panels (actual vs counterfactual, pointwise effect,
        cumulative effect); returns a matplotlib Figure."""
        from trafficlib.causal.report import plot_impact

        return plot_impact(self, lang=lang, title=title)

    def text(self, lang: str = "en", unit: str | None = None) -> str:
        """A plain-words summary of the result and its assumptions (see
        :func:`trafficlib.causal.impact_text`)."""
        from trafficlib.causal.report import impact_text

        return impact_text(self, lang=lang, unit=unit)


def _resolve_season(season, prep, ys_pre: pd.Series, X_pre: pd.DataFrame | None, method: str):
    """(season or None, weekly test dict or None)."""
    if season in (None, 0, 1, False):
        return None, None
    if isinstance(season, str):
        if season != "auto":
            raise TrafficDataError(f"season must be 'auto', None or a number of periods (got {season!r})",
                                   column="season")
        if prep.kind != "D":
            return None, None
        test = weekly_pattern(ys_pre, X_pre)
        if method == "mle":  # the previous behaviour: always weekly on daily data
            return 7, test
        return (7 if test["weekly"] else None), test
    try:
        s = int(season)
    except (TypeError, ValueError):
        raise TrafficDataError(f"season must be 'auto', None or a number of periods (got {season!r})",
                               column="season") from None
    return (s if s > 1 else None), None


def _season_effects(n: int, season: int | None, offset: int = 0) -> np.ndarray | None:
    """Sum-to-zero effect coding of a fixed seasonal pattern: (n, season - 1)."""
    if not season:
        return None
    pos = (np.arange(n) + offset) % season
    out = np.zeros((n, season - 1))
    for j in range(season - 1):
        out[pos == j, j] = 1.0
    out[pos == season - 1, :] = -1.0
    return out


def causal_impact(data: pd.DataFrame, pre_period: Sequence, post_period: Sequence, y: str = "y",
                  controls: Sequence[str] | str | None = None, *, alpha: float = 0.05,
                  season: int | str | None = "auto", method: str = "bsts", prior_level_sd: float | str = "auto",
                  trend: bool = False, n_sims: int = 1000, param_draws: int = 50,
                  seed: int = 0, compare_prior: bool = True) -> CausalImpactResult:
    """Estimate the effect of an intervention on ``y`` by a counterfactual forecast.

    Parameters
    ----------
    data : DataFrame
        Indexed by date at a regular frequency: daily, weekly or monthly (inferred from
        the dates; missing periods are allowed in ``y``, not in the controls). Columns:
        the outcome ``y`` and the control series.
    pre_period, post_period : (start, end)
        Inclusive date ranges: the model learns on ``pre_period`` and predicts the
        ``post_period`` (the campaign, possibly extended by a carry-over window). Periods
        between the two are forecast through but not evaluated.
    y : str
        Outcome column.
    controls : list of str, str or None
        Control series (not affected by the campaign). ``None`` uses every other numeric
        column, like CausalImpact; ``[]`` fits without controls.
    alpha : float
        Intervals are ``1 - alpha`` (default 95 %).
    season : "auto", int or None
        Seasonal period in periods of the data. ``"auto"`` (default): none, as in
        CausalImpact (``nseasons = 1``), except on daily data with a clear weekly pattern
        that the controls do not carry (:func:`trafficlib.causal.data.weekly_pattern`),
        where a weekly pattern is added. With ``method="mle"``, "auto" means weekly on
        daily data (the previous default).
    method : "bsts" or "mle"
        ``"bsts"`` (default): R CausalImpact's default model and priors, solved exactly
        (:mod:`trafficlib.causal.bsts`). ``"mle"``: the kit's previous model
        (:mod:`trafficlib.causal.legacy`).
    prior_level_sd : "auto" or float
        CausalImpact's ``prior.level.sd``: prior guess of the level's standard deviation
        on the standardised scale. ``"auto"`` (default): an equal mixture of R's 0.01 and
        the 0.1 R suggests for volatile series, the data deciding between them. ``0.01``
        is R's default, kept as an explicit option: it trusts a stable level, and when
        the level drifts (a control measured with noise, a market that moves) its
        intervals are too narrow: on the planted-lift simulations of
        ``benchmarks/causal_priors.py`` they cover the true effect far less than 95 % of
        the time and call a campaign without effect significant far more than 5 % of
        the time, where ``"auto"`` stays near 95 % / 5 %. With 0.01, when the data
        clearly want a more mobile level (Bayes factor > 20 for 0.1),
        ``result.info["notes"]`` says so.
    compare_prior : bool
        With ``"auto"`` and ``method="bsts"``, also fit R's default prior (0.01) on the
        same data, so that the report can show R's answer beside ours when it is
        materially narrower (``result.r_default``). False skips that second fit.
    trend : bool
        ``method="mle"`` only: local linear trend instead of a local level.
    n_sims : int
        ``"bsts"``: number of draws kept in ``cumulative_samples`` (the summary is exact,
        it does not use them). ``"mle"``: number of simulated counterfactual paths.
    param_draws : int
        ``"mle"`` only: variance-parameter draws the paths are spread over.
    seed : int
        Random seed of those draws.

    Returns
    -------
    CausalImpactResult
    """
    prior_name = prior_level_sd
    if isinstance(prior_level_sd, str):
        if prior_level_sd != "auto":
            raise TrafficDataError("prior_level_sd must be a number or 'auto'", column="prior_level_sd")
        prior_level_sd = AUTO_LEVEL_SD
    if method not in ("bsts", "mle"):
        raise TrafficDataError(f"unknown method '{method}' (use 'bsts' or 'mle')", column="method")
    if trend and method != "mle":
        raise TrafficDataError("a local linear trend is only available with method='mle'", column="trend")
    pre, post = period(pre_period, "pre_period"), period(post_period, "post_period")
    prep = prepare(data, y, controls, pre, post)
    frame = prep.frame
    n_pre = int(prep.pre.sum())
    pre_frame = frame.iloc[:n_pre]
    h = len(frame) - n_pre  # gap + post periods, forecast in one run
    mu, sd = pre_frame[y].mean(), pre_frame[y].std()
    if not np.isfinite(sd) or sd == 0:
        sd = 1.0
    ys = ((frame[y] - mu) / sd).to_numpy()
    kept = [c for c in prep.controls if pre_frame[c].std() > 0]
    X = np.zeros((len(frame), 0))
    if kept:
        X = ((frame[kept] - pre_frame[kept].mean()) / pre_frame[kept].std()).to_numpy()
    season, weekly_test = _resolve_season(season, prep, pd.Series(ys[:n_pre], index=pre_frame.index),
                                          pd.DataFrame(X[:n_pre], index=pre_frame.index) if kept else None,
                                          method)
    actual = frame[y].to_numpy()
    post_rows = prep.post[n_pre:]
    observed = ~np.isnan(actual[n_pre:])
    use = post_rows & observed
    n_obs = int(use.sum())
    if n_obs == 0:
        raise TrafficDataError("the outcome has no value in the post-period", column=y)
    cum_actual = float(np.nansum(actual[n_pre:][post_rows]))
    lo_q, hi_q = alpha / 2, 1 - alpha / 2
    info: dict[str, Any] = {"weekly_test": weekly_test, "notes": [],
                            "prior_level_sd": prior_name if method == "bsts" else None}
    rng = np.random.default_rng(seed)

    if method == "bsts":
        S = _season_effects(len(frame), season)
        post_fit = bsts.fit(ys[:n_pre], X[:n_pre], None if S is None else S[:n_pre],
                            prior_level_sd=prior_level_sd)
        m, v, cm, cv = bsts.forecast(post_fit, X[n_pre:], None if S is None else S[n_pre:],
                                     observed, post_rows)
        w = post_fit.weights
        m, s = m.T * sd + mu, np.sqrt(v.T) * sd                         # (h, K)
        n_cum = np.cumsum(use)
        cm, cs = cm.T * sd + mu * n_cum[:, None], np.sqrt(cv.T) * sd    # (h, K)
        pred_t = m @ w
        pred_lo = bsts.mixture_quantile(lo_q, w, m, s)
        pred_hi = bsts.mixture_quantile(hi_q, w, m, s)
        cum_pred_t = cm @ w
        cum_lo = bsts.mixture_quantile(lo_q, w, cm, cs)
        cum_hi = bsts.mixture_quantile(hi_q, w, cm, cs)
        cmean, cstd = cm[-1], cs[-1]
        total_pred = float(cum_pred_t[-1])
        tot_lo, tot_hi = float(cum_lo[-1]), float(cum_hi[-1])
        below = float(bsts.mixture_cdf(cum_actual, w, cmean, cstd))
        p_value = min(below, 1.0 - below)
        pick = rng.choice(len(w), size=n_sims, p=w)
        cumulative_samples = cum_actual - rng.normal(cmean[pick], cstd[pick])
        pre_mean = (post_fit.pre_mean.T @ w) * sd + mu
        pre_var = ((post_fit.pre_var + post_fit.pre_mean ** 2).T @ w - (post_fit.pre_mean.T @ w) ** 2) * sd ** 2
        info.update(sigma=post_fit.sigma_mean, tau=post_fit.tau_mean,
                    inclusion=dict(zip(kept, post_fit.inclusion.round(4).tolist())),
                    coefficient=dict(zip(kept, (post_fit.coef_mean * sd / pre_frame[kept].std().to_numpy()
                                               if kept else np.zeros(0)).tolist())),
                    components=len(w))
        info["log_bf_volatile"] = post_fit.log_bf_volatile
        if prior_name != "auto" and post_fit.log_bf_volatile > np.log(20):
            info["notes"].append(
                "the level moves more than CausalImpact's default prior allows (Bayes factor "
                f"{np.exp(min(post_fit.log_bf_volatile, 50)):.3g} for prior_level_sd=0.1): intervals may be too "
                "narrow; consider prior_level_sd=0.1 or 'auto'")
        if not post_fit.enumerated and len(kept) > 1:
            info["notes"].append(f"{len(kept)} controls: all kept in the model (no variable selection beyond "
                                 f"{bsts.MAX_ENUMERATED})")
        model_obj = post_fit
    else:
        sims, pm_, pv_, res = legacy.simulate(ys[:n_pre], X if kept else None, n_pre, h, season, trend,
                                              n_sims, param_draws, seed)
        sims = sims * sd + mu
        pred_t = sims.mean(axis=1)
        pred_lo, pred_hi = np.quantile(sims, lo_q, axis=1), np.quantile(sims, hi_q, axis=1)
        cum_sims = np.cumsum(np.where(use[:, None], sims, 0.0), axis=0)
        cum_pred_t = cum_sims.mean(axis=1)
        cum_lo, cum_hi = np.quantile(cum_sims, lo_q, axis=1), np.quantile(cum_sims, hi_q, axis=1)
        total = cum_sims[-1]
        total_pred, tot_lo, tot_hi = float(total.mean()), float(cum_lo[-1]), float(cum_hi[-1])
        n_ge, n_le = int((total >= cum_actual).sum()), int((total <= cum_actual).sum())
        p_value = (min(n_ge, n_le) + 1) / (n_sims + 1)
        cumulative_samples = cum_actual - total
        pre_mean, pre_var = pm_ * sd + mu, pv_ * sd ** 2
        model_obj = res

    from scipy.stats import norm

    z = norm.ppf(hi_q)
    keep_rows = prep.pre | prep.post
    series = pd.DataFrame(index=frame.index)
    series["actual"] = actual
    post_act = actual[n_pre:]
    series["predicted"] = np.r_[pre_mean, pred_t]
    series["predicted_lower"] = np.r_[pre_mean - z * np.sqrt(pre_var), pred_lo]
    series["predicted_upper"] = np.r_[pre_mean + z * np.sqrt(pre_var), pred_hi]
    # The first few pre-period predictions come from a vague initial state: not meaningful.
    burn = min(n_pre, (season or 1) + 2 + (1 if trend else 0) + len(kept))
    series.iloc[:burn, 1:4] = np.nan
    series["point_effect"] = series["actual"] - series["predicted"]
    series["point_effect_lower"] = series["actual"] - series["predicted_upper"]
    series["point_effect_upper"] = series["actual"] - series["predicted_lower"]
    cum_act_t = np.cumsum(np.where(use, post_act, 0.0))
    series["cum_effect"] = np.r_[np.zeros(n_pre), cum_act_t - cum_pred_t]
    series["cum_effect_lower"] = np.r_[np.zeros(n_pre), cum_act_t - cum_hi]
    series["cum_effect_upper"] = np.r_[np.zeros(n_pre), cum_act_t - cum_lo]
    series["post"] = prep.post
    series = series[keep_rows]

    def row(scale: float) -> dict[str, float]:
        return {
            "actual": cum_actual / scale,
            "predicted": total_pred / scale,
            "predicted_lower": tot_lo / scale,
            "predicted_upper": tot_hi / scale,
            "abs_effect": (cum_actual - total_pred) / scale,
            "abs_effect_lower": (cum_actual - tot_hi) / scale,
            "abs_effect_upper": (cum_actual - tot_lo) / scale,
            # R CausalImpact: relative bounds are the absolute bounds over the prediction.
            "rel_effect": (cum_actual - total_pred) / total_pred if total_pred else np.nan,
            "rel_effect_lower": (cum_actual - tot_hi) / total_pred if total_pred else np.nan,
            "rel_effect_upper": (cum_actual - tot_lo) / total_pred if total_pred else np.nan,
        }

    summary = pd.DataFrame([row(n_obs), row(1.0)], index=["average", "cumulative"])[SUMMARY_COLUMNS]
    summary.index.name = "statistic"
    if method == "bsts" and prior_name == "auto" and compare_prior:
        r = causal_impact(data, pre_period, post_period, y, controls, alpha=alpha, season=season or None,
                          prior_level_sd=R_LEVEL_SD, n_sims=n_sims, seed=seed, compare_prior=False)
        rc, oc = r.summary.loc["cumulative"], summary.loc["cumulative"]
        ours = oc["abs_effect_upper"] - oc["abs_effect_lower"]
        ratio = float((rc["abs_effect_upper"] - rc["abs_effect_lower"]) / ours) if ours > 0 else 1.0
        info["r_default"] = {**{k: float(rc[k]) for k in SUMMARY_COLUMNS if "effect" in k},
                             "p_value": r.p_value, "significant": r.significant, "width_ratio": ratio,
                             "material": ratio <= MATERIALLY_NARROWER}
    return CausalImpactResult(
        summary=summary, p_value=float(p_value), series=series, alpha=alpha, y=y,
        controls=kept, pre_period=pre, post_period=post, model=model_obj,
        cumulative_samples=cumulative_samples, kind=prep.kind, freq=prep.freq, method=method,
        season=season, info=info,
    )
