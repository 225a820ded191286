"""The default model: CausalImpact's Bayesian structural time series, solved on a grid.

Model, on the series standardised with their pre-period mean and standard deviation (R
CausalImpact's ``standardize.data = TRUE``)::

    y_t  = mu_t + x_t' beta + [s_t] + eps_t,   eps_t ~ N(0, sigma^2)
    mu_t = mu_{t-1} + eta_t,                   eta_t ~ N(0, tau^2)

Priors, each the one R CausalImpact 1.3 gives ``bsts`` (``ConstructModel``):

- ``tau`` (local level): ``SdPrior(sigma.guess = prior.level.sd * sdy, upper.limit = sdy,
  sample.size = 32)``, i.e. ``1 / tau^2 ~ Gamma(32 / 2, 32 * 0.01^2 / 2)`` truncated to
  ``tau <= 1`` (``sdy = 1`` after standardising; ``prior_level_sd`` changes the 0.01).
- ``sigma`` (observation noise): with controls, ``SpikeSlabPrior(expected.r2 = 0.8,
  prior.df = 50)``: ``1 / sigma^2 ~ Gamma(50 / 2, 50 * (1 - 0.8) / 2)``; without controls
  bsts's ``SdPrior(sigma.guess = sdy, sample.size = 0.01)``; both truncated to
  ``sigma <= 1.2``.
- ``beta`` (static regression, ``dynamic.regression = FALSE``): spike and slab as in
  ``BoomSpikeSlab::SpikeSlabPrior``: each control is in the model with prior probability
  ``min(1, expected.model.size / p)`` with ``expected.model.size = 3`` and ``p`` the number
  of predictors *including the intercept* (R's ``y ~ .``), so 1-2 controls are always in
  and 3 are each in with probability 3/4; given inclusion ``beta ~ N(0, sigma^2 Omega^-1)``
  with ``Omega = 0.01 * (0.5 X'X / n + 0.5 diag(X'X) / n)`` (``prior.information.weight =
  0.01``, ``diagonal.shrinkage = 0.5``). The intercept is absorbed by the level, whose
  initial state is ``N(y_1, sdy^2)`` as in ``AddLocalLevel``.
- Seasonality (only when asked, or for clearly weekly-periodic daily data: see
  :func:`trafficlib.causal.data.weekly_pattern`): a fixed seasonal pattern (``season - 1``
  sum-to-zero effects in the regression, always included, same weak slab). R's
  ``AddSeasonal`` lets the pattern drift with its own variance; a fixed pattern is the
  limit of that drift's default prior (``sigma.guess = 0.01 * sdy``) over a few months.

How it is solved (instead of R's 1,000 Gibbs iterations): given ``(sigma, tau)`` and the
set of included controls, everything else (level path, coefficients, forecast) is
Gaussian, and the Kalman filter gives both the exact marginal likelihood and the exact
forecast distribution. The two variances are integrated numerically on a grid in
``(log sigma, log tau)`` (a coarse pass finds the posterior mass, a fine grid covers it),
the control subsets are enumerated exactly (up to :data:`MAX_ENUMERATED` controls; beyond,
every control is kept in and the report says so). The posterior predictive of the
counterfactual is then a mixture of Gaussians with known weights: its mean, quantiles and
tail probability are computed exactly, without sampling, so the answer does not depend
on a random seed at all (R's figures move by about a percent of the interval width
between MCMC seeds).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln, ndtr

#: Constants of R CausalImpact's ``ConstructModel`` (package version 1.3).
LEVEL_PRIOR_SAMPLE_SIZE = 32
EXPECTED_MODEL_SIZE = 3
EXPECTED_R2 = 0.8
PRIOR_DF = 50
PRIOR_INFORMATION_WEIGHT = 0.01
DIAGONAL_SHRINKAGE = 0.5
SIGMA_UPPER = 1.2
MAX_ENUMERATED = 6

_COARSE, _FINE = 24, 36


@dataclass
class Posterior:
    """The fitted model: mixture components (one per grid node and control subset kept)."""

    weights: np.ndarray          # (K,) posterior weights, sum to 1
    sigma: np.ndarray            # (K,) observation sd (standardised units)
    tau: np.ndarray              # (K,) level sd
    subsets: list[tuple[int, ...]]
    subset_of: np.ndarray        # (K,) index into subsets
    state_mean: list[np.ndarray]  # per component: predicted state after the pre-period
    state_cov: list[np.ndarray]
    pre_mean: np.ndarray         # (K, n_pre) one-step-ahead predictions
    pre_var: np.ndarray
    inclusion: np.ndarray        # (k,) posterior inclusion probability of each control
    coef_mean: np.ndarray        # (k,) posterior mean coefficient (0 when excluded)
    enumerated: bool
    #: log Bayes factor of prior.level.sd = 0.1 (R's suggestion for volatile series)
    #: against the prior used, from the coarse grid; > log(20) means the data clearly
    #: want a more mobile level than the prior allows.
    log_bf_volatile: float = 0.0

    @property
    def sigma_mean(self) -> float:
        return float(self.weights @ self.sigma)

    @property
    def tau_mean(self) -> float:
        return float(self.weights @ self.tau)


def _log_inv_gamma(var: np.ndarray, shape: float, scale: float) -> np.ndarray:
    """log density of ``var`` when ``1 / var ~ Gamma(shape, rate=scale)``."""
    return shape * np.log(scale) - gammaln(shape) - (shape + 1) * np.log(var) - scale / var


def _slab_precision(X: np.ndarray) -> np.ndarray:
    """``Omega`` of BoomSpikeSlab's ``SpikeSlabPrior`` on the columns of ``X``."""
    n = max(len(X), 1)
    xtx = X.T @ X / n
    d = np.diag(np.diag(xtx)) if X.shape[1] > 1 else xtx
    return PRIOR_INFORMATION_WEIGHT * (DIAGONAL_SHRINKAGE * d + (1 - DIAGONAL_SHRINKAGE) * xtx)


def _filter(y: np.ndarray, Z: np.ndarray, sig2: np.ndarray, tau2: np.ndarray, omega_inv: np.ndarray,
            level0: float):
    """Batched Kalman filter of the local level + static regression.

    ``y`` (n,) with NaN for missing, ``Z`` (n, p) regressors (no level column), one filter
    per (sig2[b], tau2[b]). The coefficients' prior covariance is ``sig2 * omega_inv``.
    Returns loglik (B,), predicted state after the last step a (B, m), P (B, m, m), and the
    one-step-ahead predictive mean and variance of each y (B, n).
    """
    B, (n, p) = len(sig2), Z.shape
    m = 1 + p
    a = np.zeros((B, m))
    a[:, 0] = level0
    P = np.zeros((B, m, m))
    P[:, 0, 0] = 1.0
    if p:
        P[:, 1:, 1:] = sig2[:, None, None] * omega_inv[None]
    ll = np.zeros(B)
    fmean = np.empty((B, n))
    fvar = np.empty((B, n))
    zfull = np.concatenate([np.ones((n, 1)), Z], axis=1)
    for t in range(n):
        z = zfull[t]
        pz = P @ z                       # (B, m)
        f = pz @ z + sig2                # (B,)
        mu = a @ z
        fmean[:, t], fvar[:, t] = mu, f
        if not np.isnan(y[t]):
            v = y[t] - mu
            k = pz / f[:, None]
            a = a + k * v[:, None]
            P = P - k[:, :, None] * pz[:, None, :]
            ll -= 0.5 * (np.log(2 * np.pi * f) + v * v / f)
        P[:, 0, 0] += tau2
    return ll, a, P, fmean, fvar


def _log_prior(sig2, tau2, has_controls: bool, prior_level_sd):
    guesses = np.atleast_1d(np.asarray(prior_level_sd, dtype=float))
    parts = [_log_inv_gamma(tau2, LEVEL_PRIOR_SAMPLE_SIZE / 2, LEVEL_PRIOR_SAMPLE_SIZE * g ** 2 / 2)
             for g in guesses]
    lp = np.logaddexp.reduce(parts, axis=0) - np.log(len(guesses))
    if has_controls:
        lp = lp + _log_inv_gamma(sig2, PRIOR_DF / 2, PRIOR_DF * (1 - EXPECTED_R2) / 2)
    else:
        lp = lp + _log_inv_gamma(sig2, 0.01 / 2, 0.01 / 2)
    # The grid is uniform in (log sigma, log tau): Jacobian d(var)/d(log sd) = 2 var.
    return lp + np.log(2 * sig2) + np.log(2 * tau2)


def fit(y: np.ndarray, X: np.ndarray, S: np.ndarray | None, prior_level_sd=0.01,
        spike_slab: bool = True) -> Posterior:
    """Posterior of the model on the standardised pre-period.

    ``y`` (n,) outcome (NaN = missing), ``X`` (n, k) controls, ``S`` (n, s) seasonal
    effects or None. Returns a :class:`Posterior`.
    """
    n, k = X.shape
    S = np.zeros((n, 0)) if S is None else S
    full = np.concatenate([X, S], axis=1)
    omega = _slab_precision(full) if full.shape[1] else np.zeros((0, 0))
    first = y[~np.isnan(y)][0]
    enumerated = spike_slab and k <= MAX_ENUMERATED
    if enumerated:
        subsets = [c for r in range(k + 1) for c in itertools.combinations(range(k), r)]
        incl = min(1.0, EXPECTED_MODEL_SIZE / (k + 1))
    else:
        subsets, incl = [tuple(range(k))], 1.0
    lo_s, hi_s = np.log(1e-3), np.log(SIGMA_UPPER)
    lo_t, hi_t = np.log(1e-4) + np.log(np.min(prior_level_sd) / 0.01), np.log(1.0)
    comps, coarse_used, coarse_alt = [], [], []
    for sub in subsets:
        cols = list(sub) + list(range(k, k + S.shape[1]))
        Z = full[:, cols]
        om_inv = np.linalg.inv(omega[np.ix_(cols, cols)]) if cols else np.zeros((0, 0))
        if incl >= 1.0:
            log_incl = 0.0 if len(sub) == k else -np.inf
        else:
            log_incl = len(sub) * np.log(incl) + (k - len(sub)) * np.log1p(-incl)
        if not np.isfinite(log_incl):
            continue

        def grid(ls, lt):
            gs, gt = np.meshgrid(ls, lt, indexing="ij")
            s2, t2 = np.exp(2 * gs.ravel()), np.exp(2 * gt.ravel())
            ll, a, P, fm, fv = _filter(y, Z, s2, t2, om_inv, first)
            lp = ll + _log_prior(s2, t2, k > 0, prior_level_sd) + log_incl
            return lp, s2, t2, a, P, fm, fv, ll + log_incl

        ls, lt = np.linspace(lo_s, np.log(SIGMA_UPPER), _COARSE), np.linspace(min(lo_t, np.log(1e-4)), 0.0, _COARSE)
        lp, s2, t2, *_, base = grid(ls, lt)
        coarse_used.append(lp)
        coarse_alt.append(base + _log_prior(s2, t2, k > 0, 0.1))
        lp = lp.reshape(_COARSE, _COARSE)
        keep = lp > lp.max() - 20
        i, j = np.flatnonzero(keep.any(axis=1)), np.flatnonzero(keep.any(axis=0))
        ds, dt = ls[1] - ls[0], lt[1] - lt[0]
        ls = np.linspace(max(lo_s, ls[i[0]] - ds), min(hi_s, ls[i[-1]] + ds), _FINE)
        lt = np.linspace(max(lo_t, lt[j[0]] - dt), min(hi_t, lt[j[-1]] + dt), _FINE)
        # Each fine node stands for its cell: weight by the cell's area in log space.
        cell = (ls[1] - ls[0]) * (lt[1] - lt[0])
        lp, s2, t2, a, P, fm, fv, _ = grid(ls, lt)
        comps.append((sub, lp + np.log(cell), s2, t2, a, P, fm, fv))
    allp = np.concatenate([c[1] for c in comps])
    top = allp.max()
    out_w, out_s, out_t, out_sub, means, covs, pm, pv = [], [], [], [], [], [], [], []
    for si, (sub, lp, s2, t2, a, P, fm, fv) in enumerate(comps):
        sel = lp > top - 14  # drops components below 1e-6 of the largest
        if not sel.any():
            continue
        out_w.append(np.exp(lp[sel] - top))
        out_s.append(np.sqrt(s2[sel]))
        out_t.append(np.sqrt(t2[sel]))
        out_sub.append(np.full(int(sel.sum()), si))
        means.extend(a[sel])
        covs.extend(P[sel])
        pm.append(fm[sel])
        pv.append(fv[sel])
    w = np.concatenate(out_w)
    w /= w.sum()
    sub_idx = np.concatenate(out_sub)
    all_subsets = [c[0] for c in comps]
    inclusion, coef = np.zeros(k), np.zeros(k)
    for ci, (wi, si) in enumerate(zip(w, sub_idx)):
        for pos, c in enumerate(all_subsets[si]):
            inclusion[c] += wi
            coef[c] += wi * means[ci][1 + pos]
    log_bf = float(np.logaddexp.reduce(np.concatenate(coarse_alt))
                   - np.logaddexp.reduce(np.concatenate(coarse_used)))
    return Posterior(log_bf_volatile=log_bf, weights=w, sigma=np.concatenate(out_s), tau=np.concatenate(out_t),
                     subsets=all_subsets, subset_of=sub_idx, state_mean=means, state_cov=covs,
                     pre_mean=np.concatenate(pm), pre_var=np.concatenate(pv),
                     inclusion=inclusion, coef_mean=coef, enumerated=enumerated)


def forecast(post: Posterior, X: np.ndarray, S: np.ndarray | None, observed: np.ndarray,
             evaluated: np.ndarray):
    """Exact forecast moments of each mixture component over the ``h`` periods after the
    pre-period (gap periods included: the level keeps drifting through them).

    ``X`` (h, k), ``S`` (h, s) or None; ``evaluated`` (h,) marks post-period rows,
    ``observed`` (h,) those of them with an observed outcome (the cumulative sums run
    over these). Returns per component (K, h) arrays: pointwise mean and variance, and
    the mean and variance of the running cumulative sum of the observed post periods.
    """
    h, k = X.shape
    S = np.zeros((h, 0)) if S is None else S
    K = len(post.weights)
    mean, var = np.empty((K, h)), np.empty((K, h))
    cmean, cvar = np.empty((K, h)), np.empty((K, h))
    steps = np.arange(h, dtype=float)  # level steps after the first forecast period
    use = evaluated & observed
    # sum_{j, l <= t, both used} min(j, l) for the level's random walk.
    mins = np.minimum.outer(steps, steps) * np.outer(use, use)
    walk = np.cumsum(np.cumsum(mins, axis=0), axis=1).diagonal()
    n_used = np.cumsum(use)
    for si, sub in enumerate(post.subsets):
        comp = np.flatnonzero(post.subset_of == si)
        if not len(comp):
            continue
        Z = np.concatenate([np.ones((h, 1)), X[:, list(sub)], S], axis=1)  # (h, m)
        A = np.stack([post.state_mean[c] for c in comp])      # (C, m)
        P = np.stack([post.state_cov[c] for c in comp])       # (C, m, m)
        s2, t2 = post.sigma[comp] ** 2, post.tau[comp] ** 2
        mean[comp] = A @ Z.T
        var[comp] = np.einsum("tm,cmn,tn->ct", Z, P, Z) + t2[:, None] * steps + s2[:, None]
        cz = np.cumsum(Z * use[:, None], axis=0)                # (h, m)
        cmean[comp] = A @ cz.T
        cvar[comp] = (np.einsum("tm,cmn,tn->ct", cz, P, cz) + t2[:, None] * walk
                      + s2[:, None] * n_used)
    return mean, var, cmean, cvar


def mixture_cdf(x, w, m, s):
    """P(X <= x) for the Gaussian mixture (weights w, means m, sds s); x broadcasts
    against the leading axes of m (components on the last axis)."""
    s = np.maximum(s, 1e-300)  # a sum over no period has no spread
    return (w * ndtr((np.asarray(x)[..., None] - m) / s)).sum(axis=-1)


def mixture_quantile(q: float, w, m, s, iters: int = 60):
    """Quantile ``q`` of each Gaussian mixture (components on the last axis), by bisection
    (exact to ~1e-15 of the bracket)."""
    lo = (m - 9 * s).min(axis=-1)
    hi = (m + 9 * s).max(axis=-1)
    for _ in range(iters):
        mid = (lo + hi) / 2
        below = mixture_cdf(mid, w, m, s) < q
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return (lo + hi) / 2
