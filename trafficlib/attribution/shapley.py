"""Shapley-value attribution over channel sets (exact up to ~15 channels)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from trafficlib.attribution._encoding import _encode
from trafficlib.errors import TrafficDataError



def _popcount(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.int64)
    c = np.zeros_like(x)
    while np.any(x):
        c += x & 1
        x = x >> 1
    return c


def shapley_model(paths: pd.DataFrame, min_paths: int = 10, max_channels: int = 15) -> pd.DataFrame:
    """Shapley-value attribution over channel sets (order ignored), exact.

    The worth ``v(S)`` of a set of channels is the conversion rate of the paths whose
    channels are exactly ``S`` (conversions / (conversions + nulls)), taken from the
    data when at least ``min_paths`` paths have that set; an unobserved set is worth the
    best of its subsets with one channel fewer (worth never falls by adding a channel to
    an unobserved set); ``v(∅) = 0``. For each observed set, the Shapley values of the
    game restricted to its channels split its conversions (and value) in proportion
    (``φ_c(S) / v(S)``); a set whose worth is 0 is split equally. Summed over sets this
    gives each channel's credit; the credits sum to the total conversions (efficiency).
    Cost: ``2^channels`` worths and ``|S| · 2^|S|`` per observed set.

    Returns
    -------
    DataFrame
        ``channel``, ``conversions``, ``value``, ``shapley_value`` (the channel's Shapley
        value in the game of all channels: conversion-rate points it adds on average).
    """
    enc = _encode(paths)
    k = len(enc.channels)
    if k > max_channels:
        raise TrafficDataError(
            f"{k} channels: exact Shapley values are limited to {max_channels} channels",
            hint="group rare channels together (e.g. into '(other)') or raise max_channels")
    if len(enc.lengths) == 0:
        return pd.DataFrame({"channel": [], "conversions": [], "value": [], "shapley_value": []})
    bits = np.left_shift(np.int64(1), enc.codes)
    masks = np.bitwise_or.reduceat(bits, enc.offsets)
    size = 1 << k
    conv_s = np.bincount(masks, weights=enc.conv, minlength=size)
    null_s = np.bincount(masks, weights=enc.nulls, minlength=size)
    val_s = np.bincount(masks, weights=enc.value, minlength=size)
    npaths = conv_s + null_s
    observed = npaths >= max(min_paths, 1e-12)
    rate = np.divide(conv_s, npaths, out=np.zeros(size), where=npaths > 0)
    v = np.where(observed, rate, 0.0)
    allm = np.arange(size, dtype=np.int64)
    pc = _popcount(allm)
    for level in range(1, k + 1):
        lv = allm[(pc == level) & ~observed]
        if len(lv) == 0:
            continue
        best = np.zeros(len(lv))
        for b in range(k):
            has = (lv >> b) & 1 == 1
            best[has] = np.maximum(best[has], v[lv[has] ^ (1 << b)])
        v[lv] = best
    v[0] = 0.0
    fact = [math.factorial(i) for i in range(k + 1)]
    credit_c = np.zeros(k)
    credit_v = np.zeros(k)
    sets = np.flatnonzero((conv_s > 0) | (val_s > 0))
    sizes = pc[sets]
    for s in np.unique(sizes):
        S = sets[sizes == s]  # (ns,)
        members = np.array([[b for b in range(k) if (m >> b) & 1] for m in S], np.int64)  # (ns, s)
        local = np.arange(1 << s, dtype=np.int64)
        lbits = (local[:, None] >> np.arange(s)) & 1  # (2^s, s)
        glob = lbits @ (np.int64(1) << members).T  # (2^s, ns)
        vv = v[glob]  # (2^s, ns)
        tsize = lbits.sum(axis=1)
        phi = np.zeros((len(S), s))
        for j in range(s):
            without = lbits[:, j] == 0
            t = tsize[without]
            wgt = np.array([fact[x] * fact[s - x - 1] / fact[s] for x in t])
            gain = vv[local[without] | (1 << j)] - vv[local[without]]
            phi[:, j] = wgt @ gain
        tot = phi.sum(axis=1, keepdims=True)
        share = np.where(np.abs(tot) > 1e-15, phi / np.where(np.abs(tot) > 1e-15, tot, 1.0), 1.0 / s)
        np.add.at(credit_c, members, share * conv_s[S][:, None])
        np.add.at(credit_v, members, share * val_s[S][:, None])
    # global Shapley value of each channel in the game of all channels (for reading)
    gphi = np.zeros(k)
    for j in range(k):
        T = allm[(allm >> j) & 1 == 0]
        t = pc[T]
        wgt = np.array([fact[x] * fact[k - x - 1] / fact[k] for x in range(k)])[t]
        gphi[j] = wgt @ (v[T | (1 << j)] - v[T])
    return pd.DataFrame({"channel": enc.channels, "conversions": credit_c, "value": credit_v,
                         "shapley_value": gphi})


