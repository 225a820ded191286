"""Markov chain attribution of order k, solved exactly as an absorbing chain, with
removal effects and the transition matrix."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from trafficlib.attribution._encoding import _encode, _Encoded
from trafficlib.errors import TrafficDataError


START, CONV, NULL = "(start)", "(conversion)", "(null)"


@dataclass
class _Chain:
    states: np.ndarray      # (m, order) channel codes, padded with -1
    start: np.ndarray       # (m,) start probabilities
    Q: object               # (m, m) sparse transition probabilities between states
    b_conv: np.ndarray      # (m,) probability of converting next
    b_null: np.ndarray      # (m,) probability of leaving
    reward: np.ndarray      # (m,) mean conversion value when converting from the state
    channels: list[str]
    total_conv: float
    total_value: float


def _build_chain(enc: _Encoded, order: int) -> _Chain:
    import scipy.sparse as sp

    if not 1 <= int(order) <= 4:
        raise TrafficDataError("markov order must be between 1 and 4")
    order = int(order)
    k = len(enc.channels)
    B = k + 1  # codes 0..k-1, padding k
    n = len(enc.codes)
    L = enc.lengths
    pos = enc.pos
    Lt = np.repeat(L, L)
    # window starting at each touch: the next `order` touches, padded past the path end
    state_code = np.zeros(n, np.int64)
    for j in range(order):
        idx = np.arange(n) + j
        inside = (pos + j) < Lt
        c = np.where(inside, enc.codes[np.minimum(idx, n - 1)], k)
        state_code += c * (B ** j)
    # valid windows: start positions 0..max(L-order, 0)
    valid = pos <= np.maximum(Lt - order, 0)
    path_t = np.repeat(np.arange(len(L)), L)
    sc = state_code[valid]
    sp_path = path_t[valid]
    # merge consecutive identical states within a path
    dup = np.r_[False, (sp_path[1:] == sp_path[:-1]) & (sc[1:] == sc[:-1])]
    sc, sp_path = sc[~dup], sp_path[~dup]
    uniq, sid = np.unique(sc, return_inverse=True)
    m = len(uniq)
    w = enc.conv + enc.nulls
    first_of = np.r_[True, sp_path[1:] != sp_path[:-1]]
    last_of = np.r_[sp_path[1:] != sp_path[:-1], True]
    start_w = np.bincount(sid[first_of], weights=w[sp_path[first_of]], minlength=m)
    # transitions between consecutive states of the same path
    inner = ~last_of
    frm = sid[:-1][inner[:-1]]
    to = sid[1:][inner[:-1]]
    tw = w[sp_path[:-1][inner[:-1]]]
    T = sp.coo_matrix((tw, (frm, to)), shape=(m, m)).tocsr()
    T.sum_duplicates()
    last_sid = sid[last_of]
    last_path = sp_path[last_of]
    conv_w = np.bincount(last_sid, weights=enc.conv[last_path], minlength=m)
    null_w = np.bincount(last_sid, weights=enc.nulls[last_path], minlength=m)
    val_w = np.bincount(last_sid, weights=enc.value[last_path], minlength=m)
    out_w = np.asarray(T.sum(axis=1)).ravel() + conv_w + null_w
    inv = np.divide(1.0, out_w, out=np.zeros(m), where=out_w > 0)
    Q = sp.diags(inv) @ T
    reward = np.divide(val_w, conv_w, out=np.zeros(m), where=conv_w > 0)
    states = np.empty((m, order), np.int64)
    rem = uniq.copy()
    for j in range(order):
        states[:, j] = rem % B
        rem //= B
    states[states == k] = -1
    total = start_w.sum()
    return _Chain(states, start_w / total if total > 0 else start_w, Q.tocsr(), conv_w * inv, null_w * inv,
                  reward, enc.channels, float(enc.conv.sum()), float(enc.value.sum()))


def _absorb(chain: _Chain, keep: np.ndarray | None = None) -> tuple[float, float]:
    """Probability of conversion and expected value from (start), states outside
    ``keep`` being sent to null. Exact: solves (I - Q) x = b on the kept states."""
    import scipy.sparse as sp
    import scipy.sparse.linalg as spl

    m = len(chain.start)
    idx = np.arange(m) if keep is None else np.flatnonzero(keep)
    if len(idx) == 0:
        return 0.0, 0.0
    Q = chain.Q[idx][:, idx]
    rhs = np.column_stack([chain.b_conv[idx], chain.b_conv[idx] * chain.reward[idx]])
    A = sp.identity(len(idx), format="csc") - Q.tocsc()
    if len(idx) <= 600:
        x = np.linalg.solve(A.toarray(), rhs)
    else:
        x = spl.splu(A).solve(rhs)
    s = chain.start[idx]
    return float(s @ x[:, 0]), float(s @ x[:, 1])


def markov_model(paths: pd.DataFrame, order: int = 1) -> pd.DataFrame:
    """Markov chain attribution of order ``order`` (1-4) with removal effects, exact.

    The chain's states are the last ``order`` channels of the path; (start) leads to the
    first state, the last state leads to (conversion) or (null). The removal effect of a
    channel is the relative drop in conversion probability from (start) when every state
    containing it leads to (null); conversions (and value) are shared among channels in
    proportion to their removal effects. The chain is solved exactly (absorbing Markov
    chain, ``(I - Q) x = b``), with no simulation and no step limit.

    Returns
    -------
    DataFrame
        ``channel``, ``conversions`` (sum = total conversions), ``value`` (sum = total
        value; removal effects computed on expected value, a conversion being worth the
        mean value of conversions from the same state), ``removal_effect`` (fraction of
        conversions lost without the channel), ``removal_effect_value``.
    """
    enc = _encode(paths)
    k = len(enc.channels)
    if len(enc.lengths) == 0:
        return pd.DataFrame({"channel": [], "conversions": [], "value": [], "removal_effect": [],
                             "removal_effect_value": []})
    chain = _build_chain(enc, order)
    p0, v0 = _absorb(chain)
    re_c = np.zeros(k)
    re_v = np.zeros(k)
    for c in range(k):
        keep = ~(chain.states == c).any(axis=1)
        pc, vc = _absorb(chain, keep)
        re_c[c] = 1 - pc / p0 if p0 > 0 else 0.0
        re_v[c] = 1 - vc / v0 if v0 > 0 else 0.0
    conv = re_c / re_c.sum() * chain.total_conv if re_c.sum() > 0 else np.zeros(k)
    val = re_v / re_v.sum() * chain.total_value if re_v.sum() > 0 else np.zeros(k)
    return pd.DataFrame({"channel": enc.channels, "conversions": conv, "value": val,
                         "removal_effect": re_c, "removal_effect_value": re_v})


def transition_matrix(paths: pd.DataFrame) -> pd.DataFrame:
    """First-order transition probabilities (consecutive repeats merged), for plots.

    Returns
    -------
    DataFrame
        Rows ``(start)`` and each channel, columns each channel, ``(conversion)`` and
        ``(null)``; each row sums to 1.
    """
    enc = _encode(paths)
    chain = _build_chain(enc, 1)
    names = [chain.channels[i] for i in chain.states[:, 0]]
    Q = pd.DataFrame(chain.Q.toarray(), index=names, columns=names)
    Q[CONV] = chain.b_conv
    Q[NULL] = chain.b_null
    start = pd.DataFrame([dict(zip(names, chain.start)) | {CONV: 0.0, NULL: 0.0}], index=[START])
    out = pd.concat([start, Q]).fillna(0.0)
    cols = sorted(names) + [CONV, NULL]
    return out.loc[[START] + sorted(names), cols]


