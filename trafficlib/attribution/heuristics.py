"""Rule-based attribution: first touch, last touch, last non-direct, linear, time decay
and position-based."""
from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from trafficlib.attribution._encoding import _encode, _Encoded
from trafficlib.errors import TrafficDataError


HEURISTICS = ["first_touch", "last_touch", "last_non_direct", "linear", "time_decay", "position_based"]


def _heuristic_weights(enc: _Encoded, half_life: float, position_weights: tuple[float, float],
                       direct: Iterable[str]) -> dict[str, np.ndarray]:
    """Per-touch credit (summing to 1 over each path) for every heuristic."""
    n = len(enc.codes)
    L = np.repeat(enc.lengths, enc.lengths)
    pos = enc.pos
    first = (pos == 0).astype(float)
    last = (pos == L - 1).astype(float)
    linear = 1.0 / L
    # last non-direct: the last touch whose channel is not direct; all-direct paths: last touch
    direct_codes = [i for i, c in enumerate(enc.channels) if c in set(direct)]
    nondirect = ~np.isin(enc.codes, direct_codes)
    idx = np.where(nondirect, np.arange(n), -1)
    lnd_idx = np.maximum.reduceat(idx, enc.offsets) if n else np.zeros(0, np.int64)
    lnd_idx = np.where(lnd_idx < 0, enc.offsets + enc.lengths - 1, lnd_idx)
    lnd = np.zeros(n)
    lnd[lnd_idx] = 1.0
    # time decay: weight 2^(-age / half_life); age in days when known, else in touches
    age = enc.ages if enc.ages is not None else (L - 1 - pos).astype(float)
    if half_life <= 0:
        raise TrafficDataError("half_life must be positive")
    w = np.exp2(-np.nan_to_num(age, nan=0.0) / half_life)
    decay = w / np.repeat(np.add.reduceat(w, enc.offsets), enc.lengths) if n else w
    # position-based: first/last get their weights, the middle shares the rest
    wf, wl = position_weights
    mid = max(0.0, 1.0 - wf - wl)
    pb = np.where(L == 1, 1.0,
         np.where(L == 2, np.where(pos == 0, wf, wl) / (wf + wl) if (wf + wl) > 0 else 0.5,
         np.where(pos == 0, wf, np.where(pos == L - 1, wl, mid / np.maximum(L - 2, 1)))))
    return {"first_touch": first, "last_touch": last, "last_non_direct": lnd, "linear": linear,
            "time_decay": decay, "position_based": pb}


def heuristic_models(paths: pd.DataFrame, half_life: float = 7.0,
                     position_weights: tuple[float, float] = (0.4, 0.4),
                     direct: Iterable[str] = ("Direct", "direct", "(direct)")) -> pd.DataFrame:
    """Rule-based attribution: first touch, last touch, last non-direct, linear, time
    decay and position-based.

    Parameters
    ----------
    paths : DataFrame
        A path table (``path``, ``conversions``, ``value``, optional ``nulls`` and
        ``ages``).
    half_life : float
        Time-decay half-life: in **days** when ``paths`` has an ``ages`` column
        (:func:`paths_from_touchpoints` with ``with_ages=True``), otherwise in **touches**
        counted back from the last one.
    position_weights : (first, last)
        Position-based shares of the first and last touch (the middle touches share the
        rest equally; a 2-touch path splits first/last in proportion, 50/50 by default).
    direct : channel names treated as direct by last non-direct.

    Returns
    -------
    DataFrame
        One row per channel: ``channel``, then conversions per model (``first_touch``,
        ``last_touch``, ``last_non_direct``, ``linear``, ``time_decay``,
        ``position_based``), then value per model (``<model>_value``). Each model's
        conversions sum to the total conversions.
    """
    enc = _encode(paths)
    weights = _heuristic_weights(enc, half_life, position_weights, direct)
    k = len(enc.channels)
    conv_t = np.repeat(enc.conv, enc.lengths)
    val_t = np.repeat(enc.value, enc.lengths)
    out = {"channel": enc.channels}
    for name in HEURISTICS:
        out[name] = np.bincount(enc.codes, weights=weights[name] * conv_t, minlength=k)
    for name in HEURISTICS:
        out[f"{name}_value"] = np.bincount(enc.codes, weights=weights[name] * val_t, minlength=k)
    return pd.DataFrame(out)


