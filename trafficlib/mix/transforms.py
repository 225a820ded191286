"""The two curves of a media-mix model, in NumPy: adstock (carry-over) and saturation.

The same formulas are written in PyTensor inside :mod:`trafficlib.mix.model`; the tests
check both against hand-computed values and against PyMC-Marketing's transformers
(``geometric_adstock``, ``delayed_adstock``, ``hill_function``, ``logistic_saturation``).

Conventions (those of PyMC-Marketing with ``normalize=True``):

- adstock weights sum to 1, so a steady spend of 100 a week has an adstocked level of 100:
  carry-over moves an ad's effect later in time without changing its size;
- the media series is in units of the channel's own scale (its mean weekly spend when on),
  so the half-saturation point ``half`` reads "half of the maximum effect is reached at
  ``half`` times the usual weekly spend".
"""
from __future__ import annotations

import numpy as np

__all__ = ["adstock_weights", "geometric_adstock", "hill", "logistic", "saturate"]


def adstock_weights(alpha, l_max: int = 8, delay=None, normalize: bool = True) -> np.ndarray:
    """Weights of lags 0..l_max-1, shape (l_max,) or (l_max, channels).

    Geometric: ``alpha ** lag``. Delayed (``delay`` = theta, the lag of the peak effect):
    ``alpha ** ((lag - theta) ** 2)``, PyMC-Marketing's ``delayed_adstock``. Normalized to
    sum to 1 unless ``normalize=False``."""
    alpha = np.asarray(alpha, dtype=float)
    lags = np.arange(l_max, dtype=float).reshape((-1,) + (1,) * alpha.ndim)
    power = lags if delay is None else (lags - np.asarray(delay, dtype=float)) ** 2
    w = alpha ** power
    return w / w.sum(axis=0) if normalize else w


def geometric_adstock(x, alpha, l_max: int = 8, delay=None, normalize: bool = True) -> np.ndarray:
    """Adstocked series, same shape as ``x`` (time first: (T,) or (T, channels)).

    ``out[t] = sum_l w[l] * x[t - l]``; weeks before the first are taken as zero spend."""
    x = np.asarray(x, dtype=float)
    w = adstock_weights(alpha, l_max, delay, normalize)
    out = np.zeros_like(x)
    T = x.shape[0]
    for lag in range(min(l_max, T)):
        out[lag:] += w[lag] * x[: T - lag]
    return out


def hill(x, half, slope) -> np.ndarray:
    """Hill saturation ``x^s / (x^s + K^s)``, in [0, 1): 0.5 at ``x = half`` (K).

    ``slope`` (s) > 1 gives an S-shaped curve (a threshold before ads work), <= 1 a
    concave one. Written as a logistic in log(x) so that x = 0 gives 0 without a NaN."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore"):
        z = np.asarray(slope, dtype=float) * (np.log(x) - np.log(np.asarray(half, dtype=float)))
    return 1.0 / (1.0 + np.exp(-z))


def logistic(x, lam) -> np.ndarray:
    """Logistic saturation ``(1 - e^{-lam x}) / (1 + e^{-lam x})``, in [0, 1): PyMC-Marketing's
    ``logistic_saturation``. Concave from the first euro; larger ``lam`` saturates sooner."""
    e = np.exp(-np.asarray(lam, dtype=float) * np.asarray(x, dtype=float))
    return (1.0 - e) / (1.0 + e)


def saturate(x, kind: str, params: dict) -> np.ndarray:
    """``hill(x, params["half"], params["slope"])`` or ``logistic(x, params["lam"])``."""
    if kind == "hill":
        return hill(x, params["half"], params["slope"])
    if kind == "logistic":
        return logistic(x, params["lam"])
    raise ValueError(f"saturation must be 'hill' or 'logistic', not {kind!r}")
