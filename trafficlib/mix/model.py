"""The Bayesian media-mix model, written in PyMC, and its sampling.

Outcome (divided by its mean) in period t::

    y_t = intercept + trend * t/T + season_t . gamma + controls_t . delta
          + sum_c beta_c * sat_c(adstock_c(media_c))_t + Normal(0, sigma)

Per channel: geometric adstock (optionally delayed), Hill (default) or logistic
saturation, and the channel's **ROI** as the sampled parameter, as in Google's Meridian:
``beta_c`` is set so that ``sum_t contribution_c,t / sum_t spend_c,t = roi_c``. A prior on
ROI is a prior on what a manager can state ("search returns between 1 and 5 euros per
euro"), which a prior on beta is not.

Default priors (each replaceable through :class:`Priors`):

- ``roi_c ~ LogNormal(log(roi0), 0.9)``, ``roi0 = media_share * sum(y) / sum(spend)``: the
  ROI at which paid media would bring ``media_share`` (30 %) of the outcome; 0.9 is
  Meridian's default spread (a 90 % prior range of x/4.4 .. x4.4 around roi0);
- adstock decay ``alpha_c ~ Uniform(0, 1)`` (Beta(1, 1), Meridian's default; PyMC-Marketing's
  Beta(1, 3) pulled the decay of long-memory channels such as TV and video down), delay
  ``theta_c ~ HalfNormal(2)`` periods when ``adstock="delayed"``;
- Hill half-saturation ``half_c ~ LogNormal(0, 0.5)`` in units of the channel's usual
  level (90 % between 0.44 and 2.3 times it; a wider LogNormal(0, 0.7) let a channel
  saturate from its first euro, which makes its effect a constant that trades against the
  intercept: the sampler diverged there, 20 divergences against 1 on the benchmark's
  shop), slope ``slope_c ~ LogNormal(0.3, 0.4)``; logistic ``lam_c ~ Gamma(3, 1)``;
- ``intercept ~ Normal(0.7, 0.5)``, ``trend ~ Normal(0, 0.5)``, Fourier and control
  coefficients ``Normal(0, 0.3)``, ``sigma ~ HalfNormal(0.2)``.

Lift results (experiments, campaign post-mortems) enter as extra observations: the
model's contribution of a channel over the test's periods is observed as the measured
lift with its standard error (Meridian's and Robyn's calibration, in outcome units).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trafficlib.mix.design import Design

__all__ = ["Priors", "build", "sample"]


@dataclass
class Priors:
    """Prior settings (see the module's docstring). ``roi``: {channel: (median, log-sd)}
    for channels with a known ROI range; the others get ``(roi0, roi_sigma)``."""

    media_share: float = 0.3
    roi_sigma: float = 0.9
    roi: dict = field(default_factory=dict)
    alpha: tuple = (1.0, 1.0)
    delay_sigma: float = 2.0
    half: tuple = (0.0, 0.5)
    slope: tuple = (0.3, 0.4)
    lam: tuple = (3.0, 1.0)
    intercept: tuple = (0.7, 0.5)
    trend_sigma: float = 0.5
    coef_sigma: float = 0.3
    noise_sigma: float = 0.2

    def roi_prior(self, design: Design) -> tuple[np.ndarray, np.ndarray]:
        """(median, log-sd) of each channel's ROI prior, in outcome units per currency unit."""
        roi0 = self.media_share * design.y.sum() * design.y_scale / design.spend.sum()
        med = np.array([self.roi.get(c, (roi0, self.roi_sigma))[0] for c in design.channels], float)
        sd = np.array([self.roi.get(c, (roi0, self.roi_sigma))[1] for c in design.channels], float)
        if (med <= 0).any() or (sd <= 0).any():
            raise ValueError("ROI priors need a positive median and spread")
        return med, sd


def _lags(media: np.ndarray, l_max: int) -> np.ndarray:
    """(l_max, T, C): media shifted by each lag, zeros before the first period."""
    T = media.shape[0]
    out = np.zeros((l_max,) + media.shape)
    for lag in range(min(l_max, T)):
        out[lag, lag:] = media[: T - lag]
    return out


def build(design: Design, priors: Priors | None = None, saturation: str = "hill", adstock: str = "geometric",
          lift: pd.DataFrame | None = None):
    """The PyMC model of ``design``. ``lift``: rows ``channel``, ``start``, ``end``, ``lift``,
    ``lift_sd`` (outcome units, over the periods whose start falls in [start, end])."""
    import pymc as pm
    import pytensor.tensor as pt

    priors = priors or Priors()
    lags = _lags(design.media, design.l_max)
    coords = {"channel": design.channels, "period": np.arange(len(design.y)),
              "season_term": np.arange(design.season.shape[1]), "control_name": design.control_names}
    roi_med, roi_sd = priors.roi_prior(design)
    spend_total = design.spend.sum(axis=0) / design.y_scale  # currency, in outcome-scale units
    with pm.Model(coords=coords) as model:
        alpha = pm.Beta("alpha", *priors.alpha, dims="channel")
        lag = pt.arange(design.l_max)[:, None]
        if adstock == "delayed":
            theta = pm.HalfNormal("theta", priors.delay_sigma, dims="channel")
            w = alpha[None, :] ** ((lag - theta[None, :]) ** 2)
        elif adstock == "geometric":
            w = alpha[None, :] ** lag
        else:
            raise ValueError(f"adstock must be 'geometric' or 'delayed', not {adstock!r}")
        w = w / w.sum(axis=0)
        level = (lags * w[:, None, :]).sum(axis=0)
        if saturation == "hill":
            half = pm.LogNormal("half", *priors.half, dims="channel")
            slope = pm.LogNormal("slope", *priors.slope, dims="channel")
            # 0 exactly without media; the 1e-9 keeps log() and its gradient finite in the other branch
            shape = pt.switch(level > 0, pm.math.sigmoid(slope * (pt.log(level + 1e-9) - pt.log(half))), 0.0)
        elif saturation == "logistic":
            lam = pm.Gamma("lam", alpha=priors.lam[0], beta=priors.lam[1], dims="channel")
            shape = (1 - pt.exp(-lam * level)) / (1 + pt.exp(-lam * level))
        else:
            raise ValueError(f"saturation must be 'hill' or 'logistic', not {saturation!r}")
        roi = pm.LogNormal("roi", np.log(roi_med), roi_sd, dims="channel")
        beta = pm.Deterministic("beta", roi * spend_total / shape.sum(axis=0), dims="channel")
        effect = shape * beta[None, :]
        mu = pm.Normal("intercept", *priors.intercept) + effect.sum(axis=1)
        if design.trend.any():
            mu = mu + pm.Normal("trend", 0, priors.trend_sigma) * design.trend
        if design.season.shape[1]:
            gamma = pm.Normal("season", 0, priors.coef_sigma, dims="season_term")
            mu = mu + pt.dot(design.season, gamma)
        if design.controls.shape[1]:
            delta = pm.Normal("control", 0, priors.coef_sigma, dims="control_name")
            mu = mu + pt.dot(design.controls, delta)
        mu = pm.Deterministic("mu", mu, dims="period")
        sigma = pm.HalfNormal("sigma", priors.noise_sigma)
        train = np.flatnonzero(design.train)
        pm.Normal("y", mu[train], sigma, observed=design.y[train])
        if lift is not None and len(lift):
            idx = [design.channels.index(c) for c in lift["channel"]]
            mask = np.array([(design.dates >= pd.Timestamp(s)) & (design.dates <= pd.Timestamp(e))
                             for s, e in zip(lift["start"], lift["end"])], float)  # (L, T)
            model_lift = (mask * effect[:, idx].T).sum(axis=1)
            pm.Normal("lift", model_lift, lift["lift_sd"].to_numpy(float) / design.y_scale,
                      observed=lift["lift"].to_numpy(float) / design.y_scale)
    return model


def sample(model, draws: int = 1000, tune: int = 1000, chains: int = 4, cores: int | None = None,
           target_accept: float = 0.95, seed: int = 0, progress: bool = False, sampler: str = "nutpie"):
    """NUTS on ``model``; returns the ArviZ InferenceData.

    ``sampler="nutpie"`` (default): nutpie, the PyMC project's NUTS in Rust on the model
    compiled by Numba, about twice as fast here as ``sampler="pymc"`` (PyMC's own NUTS) for
    the same draws. ``cores`` defaults to the machine's, at most ``chains``."""
    import pymc as pm

    if sampler not in ("nutpie", "pymc"):
        raise ValueError(f"sampler must be 'nutpie' or 'pymc', not {sampler!r}")
    cores = cores or min(chains, os.cpu_count() or 1)
    with model:
        return pm.sample(draws=draws, tune=tune, chains=chains, cores=cores, target_accept=target_accept,
                         random_seed=seed, progressbar=progress, compute_convergence_checks=False,
                         nuts_sampler=sampler)
