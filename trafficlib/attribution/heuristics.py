"""Rule-based attribution: first touch, last touch, last non-direct, linear, time decay
and position-based."""
from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from trafficlib.attribution._encoding import _encode, _Encoded
from trafficlib.errors import TrafficDataError


HEURISTICS = ["first_touch", "last_touch", "last_non_direct", "linear", "time_decay", "position_based"]
_HISTOGRAM_CELLS = 4_000_000  # largest (channel x length x position) histogram used


def _credits(enc: _Encoded, half_life: float, position_weights: tuple[float, float],
             direct: Iterable[str]) -> dict[str, np.ndarray]:
    """Credit per channel of every heuristic: ``{model: (2, k) array}`` of
    (conversions, value).

    Each model is a sum over touches of (the touch's share of its path) x (the path's
    conversions or value). Last non-direct is counted per path. When the shares depend
    only on the path length and the touch position (time decay in touches), the other
    five models come from one weighted histogram of touches (:func:`_by_position`);
    otherwise (time decay in days, very long paths) first and last are counted per
    path and the spread shares (linear, time decay, the middle of position-based) are
    weighted counts over all touches.
    """
    if half_life <= 0:
        raise TrafficDataError("half_life must be positive")
    k = len(enc.channels)
    n = len(enc.lengths)
    L = enc.lengths
    cv = np.vstack([enc.conv, enc.value])                # (2, n), rows contiguous
    first_c = enc.codes[enc.offsets]
    last_i = enc.last
    last_c = enc.codes[last_i]

    def by_code(code, w):                                # (2, k): path weights w (2, n) summed by code
        return np.vstack([np.bincount(code, weights=w[0], minlength=k),
                          np.bincount(code, weights=w[1], minlength=k)])

    pt = enc.path_of_touch

    def spread(w, touch_w=None):                         # (2, k): every touch gets touch_w x its path's w
        out = np.empty((2, k))
        for j in range(2):
            t = np.take(w[j], pt)
            if touch_w is not None:
                t *= touch_w
            out[j] = np.bincount(enc.codes, weights=t, minlength=k)
        return out

    # last non-direct: the last touch whose channel is not direct; all-direct paths: last touch
    direct = set(direct)
    is_direct = np.array([c in direct for c in enc.channels], dtype=bool)
    lnd_c = last_c
    ends_direct = np.flatnonzero(is_direct[last_c] & (L > 1)) if is_direct.any() else np.zeros(0, np.int64)
    if len(ends_direct):
        lnd_c = last_c.copy()
        sl = L[ends_direct]
        sub_off = np.zeros(len(sl), np.int64)
        np.cumsum(sl[:-1], out=sub_off[1:])
        t = np.arange(int(sl.sum())) + np.repeat(enc.offsets[ends_direct] - sub_off, sl)
        idx = np.where(is_direct[enc.codes[t]], -1, t)
        best = np.maximum.reduceat(idx, sub_off)
        lnd_c[ends_direct] = np.where(best >= 0, enc.codes[np.maximum(best, 0)], last_c[ends_direct])
    out = {"last_non_direct": by_code(lnd_c, cv)}
    wf, wl = position_weights
    mid = max(0.0, 1.0 - wf - wl)
    two_f = wf / (wf + wl) if (wf + wl) > 0 else 0.5
    lmax = int(L.max()) if n else 1
    if enc.ages is None and k * lmax * lmax <= _HISTOGRAM_CELLS:
        # Every other model gives a touch a share that depends only on the path length
        # and the touch's position: one weighted histogram of touches by (channel,
        # length, position from the end), then one product per model.
        out.update(_by_position(enc, cv, lmax, half_life, wf, wl, mid, two_f))
        return out
    out.update(first_touch=by_code(first_c, cv), last_touch=by_code(last_c, cv), linear=spread(cv / L))
    # time decay: weight 2^(-age / half_life); age in days when known, else in touches
    if enc.ages is not None:
        w = np.exp2(-np.nan_to_num(enc.ages, nan=0.0) / half_life)
        tot = np.add.reduceat(w, enc.offsets) if n else np.zeros(0)
        out["time_decay"] = spread(cv / tot, w)
    else:
        powers = np.exp2(-np.arange(lmax) / half_life)  # weight of the touch `a` steps before the last
        sums = np.cumsum(powers)                        # path total for each length
        rev = np.take(enc.last, pt)
        rev -= np.arange(len(enc.codes))
        out["time_decay"] = spread(cv / sums[L - 1], powers[rev])
    # position-based: first/last get their weights, the middle shares the rest
    f_w = np.where(L == 1, 1.0, np.where(L == 2, two_f, wf))
    l_w = np.where(L == 1, 0.0, np.where(L == 2, 1.0 - two_f, wl))
    pb = by_code(first_c, cv * f_w) + by_code(last_c, cv * l_w)
    if (L >= 3).any():  # middle touches: all touches of the path but the first and the last
        mcv = cv * np.where(L >= 3, mid / np.maximum(L - 2, 1), 0.0)
        pb += spread(mcv) - by_code(first_c, mcv) - by_code(last_c, mcv)
    out["position_based"] = pb
    return out


def _by_position(enc: _Encoded, cv: np.ndarray, lmax: int, half_life: float, wf: float, wl: float,
                 mid: float, two_f: float) -> dict[str, np.ndarray]:
    """First, last, linear, time decay (in touches) and position-based credits from one
    histogram of touches by (channel, path length, position from the end) weighted by
    their path's conversions and value: ``{model: (2, k)}``."""
    k = len(enc.channels)
    m = lmax * lmax
    # bin of a touch: code * m + (L - 1) * lmax + (L - 1 - pos), pos = t - offset
    base = (enc.lengths - 1) * (lmax + 1) + enc.offsets
    key = enc.codes * m
    key += np.take(base, enc.path_of_touch)
    key -= np.arange(len(enc.codes))
    hist = np.vstack([np.bincount(key, weights=np.take(cv[j], enc.path_of_touch), minlength=k * m)
                      for j in range(2)]).reshape(2, k, lmax, lmax)      # [j, code, L - 1, a]
    length = np.arange(1, lmax + 1)[:, None]                           # L
    a = np.arange(lmax)[None, :]                                       # touches before the last
    inside = a < length
    powers = np.exp2(-np.arange(lmax) / half_life)
    first, last = (a == length - 1), (a == 0) & inside
    pb = np.where(length == 1, first * 1.0,
         np.where(length == 2, np.where(first, two_f, np.where(last, 1.0 - two_f, 0.0)),
                  np.where(first, wf, np.where(last, wl, mid / np.maximum(length - 2, 1)))))
    weights = {
        "first_touch": first * 1.0,
        "last_touch": last * 1.0,
        "linear": np.where(inside, 1.0 / length, 0.0),
        "time_decay": np.where(inside, powers[None, :] / np.cumsum(powers)[:, None], 0.0),
        "position_based": np.where(inside, pb, 0.0),
    }
    return {name: np.einsum("jcla,la->jc", hist, w) for name, w in weights.items()}


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
    credits = _credits(enc, half_life, position_weights, direct)
    out = {"channel": enc.channels}
    for name in HEURISTICS:
        out[name] = credits[name][0]
    for name in HEURISTICS:
        out[f"{name}_value"] = credits[name][1]
    return pd.DataFrame(out)
