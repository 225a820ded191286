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
    Q: object               # (m, m) transition probabilities between states (dense, or sparse CSR)
    b_conv: np.ndarray      # (m,) probability of converting next
    b_null: np.ndarray      # (m,) probability of leaving
    reward: np.ndarray      # (m,) mean conversion value when converting from the state
    channels: list[str]
    total_conv: float
    total_value: float


_DENSE = 600  # chains with at most this many states are solved with dense matrices


def _state_sequence(enc: _Encoded, order: int):
    """States visited by each path, in order: (state code of every visited state,
    True where a path starts, path index, number of codes B per position).

    A state is the window of ``order`` channels starting at a touch (padded with code
    ``k`` past the path end; a path shorter than ``order`` is one state), coded
    ``sum_j c_j B^j``. Order 1: the channel codes themselves.
    """
    k = len(enc.channels)
    if order == 1:
        return enc.codes, enc.is_start, enc.path_of_touch, k
    B = k + 1
    n = len(enc.codes)
    t = np.arange(n)
    last_t = np.repeat(enc.last, enc.lengths)
    state = enc.codes.copy()
    for j in range(1, order):
        c = np.where(t + j <= last_t, enc.codes[np.minimum(t + j, n - 1)], k)
        state += c * (B ** j)
    first_t = np.repeat(enc.offsets, enc.lengths)
    valid = t <= np.maximum(last_t - order + 1, first_t)
    return state[valid], enc.is_start[valid], enc.path_of_touch[valid], B


def _build_chain(enc: _Encoded, order: int) -> _Chain:
    import scipy.sparse as sp

    if not 1 <= int(order) <= 4:
        raise TrafficDataError("markov order must be between 1 and 4")
    order = int(order)
    k = len(enc.channels)
    seq, seq_start, seq_path, B = _state_sequence(enc, order)
    # state ids: sorted state codes
    if order == 1:
        m, uniq, sid = k, np.arange(k), seq
    elif B ** order <= 5_000_000:
        present = np.bincount(seq, minlength=B ** order) > 0
        uniq = np.flatnonzero(present)
        m = len(uniq)
        sid = (np.cumsum(present) - 1)[seq]
    else:
        uniq, sid = np.unique(seq, return_inverse=True)
        m = len(uniq)
    w = enc.conv + enc.nulls
    # first and last state of each path (a repeat never changes them)
    first_pos = np.flatnonzero(seq_start)
    last_pos = np.r_[first_pos[1:] - 1, len(seq) - 1] if len(first_pos) else first_pos
    first_sid, last_sid = sid[first_pos], sid[last_pos]
    start_w = np.bincount(first_sid, weights=w, minlength=m)
    conv_w = np.bincount(last_sid, weights=enc.conv, minlength=m)
    null_w = np.bincount(last_sid, weights=enc.nulls, minlength=m)
    val_w = np.bincount(last_sid, weights=enc.value, minlength=m)
    # transitions: consecutive states of a path that differ (repeats are merged)
    step = sid[1:] != sid[:-1]
    step &= ~seq_start[1:]
    idx = np.flatnonzero(step)
    frm, to = sid[idx], sid[idx + 1]
    tw = w[seq_path[idx]]
    if m <= 2048:
        T = np.bincount(frm * m + to, weights=tw, minlength=m * m).reshape(m, m)
        out_w = T.sum(axis=1) + conv_w + null_w
    else:
        T = sp.coo_matrix((tw, (frm, to)), shape=(m, m)).tocsr()
        T.sum_duplicates()
        out_w = np.asarray(T.sum(axis=1)).ravel() + conv_w + null_w
    inv = np.divide(1.0, out_w, out=np.zeros(m), where=out_w > 0)
    if m <= _DENSE:
        Q = T * inv[:, None] if isinstance(T, np.ndarray) else (sp.diags(inv) @ T).toarray()
    else:
        Q = (sp.diags(inv) @ sp.csr_matrix(T)).tocsr()
    reward = np.divide(val_w, conv_w, out=np.zeros(m), where=conv_w > 0)
    states = np.empty((m, order), np.int64)
    rem = uniq.copy()
    for j in range(order):
        states[:, j] = rem % B if order > 1 else rem
        rem = rem // B
    if order > 1:
        states[states == k] = -1
    total = start_w.sum()
    return _Chain(states, start_w / total if total > 0 else start_w, Q, conv_w * inv, null_w * inv,
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
    rhs = np.column_stack([chain.b_conv[idx], chain.b_conv[idx] * chain.reward[idx]])
    if isinstance(chain.Q, np.ndarray):
        A = np.eye(len(idx)) - chain.Q[np.ix_(idx, idx)]
        x = np.linalg.solve(A, rhs)
    else:
        Q = chain.Q[idx][:, idx]
        A = sp.identity(len(idx), format="csc") - Q.tocsc()
        x = np.linalg.solve(A.toarray(), rhs) if len(idx) <= _DENSE else spl.splu(A).solve(rhs)
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
    Q = pd.DataFrame(chain.Q if isinstance(chain.Q, np.ndarray) else chain.Q.toarray(), index=names, columns=names)
    Q[CONV] = chain.b_conv
    Q[NULL] = chain.b_null
    start = pd.DataFrame([dict(zip(names, chain.start)) | {CONV: 0.0, NULL: 0.0}], index=[START])
    out = pd.concat([start, Q]).fillna(0.0)
    cols = sorted(names) + [CONV, NULL]
    return out.loc[[START] + sorted(names), cols]


