"""The previous model, kept as ``causal_impact(..., model="mle")``: statsmodels
``UnobservedComponents`` fitted by maximum likelihood on the pre-period, with a weekly
seasonal on daily data, controls in the state vector with a diffuse prior, and forecast
*paths* simulated from the fitted model spread over ``param_draws`` draws of the variance
parameters from a Laplace approximation of their likelihood (no prior).

This is what the kit did before it matched R CausalImpact's defaults. It has no prior on
the level's variance, so the maximum-likelihood level variance drives the forecast: on
R's published example (``comparison_data``) it put the relative effect at -1.55 %
[-3.70 %, +0.43 %], p = 0.05, where R says -0.83 % [-2.6 %, +1.0 %], p = 0.20. Its
intervals come from simulated paths, so they move slightly with ``seed``.
"""
from __future__ import annotations

import warnings

import numpy as np

__all__ = ["simulate"]


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


def simulate(ys_pre: np.ndarray, exog: np.ndarray | None, n_pre: int, h: int, season: int | None,
             trend: bool, n_sims: int, param_draws: int, seed: int):
    """Fit the MLE model on the standardised pre-period ``ys_pre`` and simulate ``n_sims``
    paths over the next ``h`` periods. ``exog`` covers pre + the ``h`` periods (or None).

    Returns ``(sims (h, n_sims), pre_mean (n_pre,), pre_var (n_pre,), fitted results)``,
    all in standardised units.
    """
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    model = UnobservedComponents(
        ys_pre,
        level="local linear trend" if trend else "local level",
        seasonal=season, stochastic_seasonal=False if season else True,
        exog=None if exog is None else exog[:n_pre],
        mle_regression=False,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit(disp=False, maxiter=200)
        rng = np.random.default_rng(seed)
        sims = _simulate_paths(model, res, h, None if exog is None else exog[n_pre:], n_sims,
                               param_draws, rng)
        pred = res.get_prediction()
        pre_mean = np.asarray(pred.predicted_mean)
        pre_var = np.asarray(pred.var_pred_mean)
    return sims, pre_mean, pre_var, res
