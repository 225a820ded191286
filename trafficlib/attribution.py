"""Channel attribution: which channels earn the conversions, by every serious model.

Everything works on a **path table**: one row per unique conversion path with counts,

=========  ==========================================================
``path``   channels in order, written ``"A > B > C"``
``conversions``  conversions that ended with this path (float)
``value``  conversion value of those conversions (account currency)
``nulls``  paths that did not convert (users who saw the path and left)
=========  ==========================================================

It comes from the canonical ``touchpoints`` table (:func:`paths_from_touchpoints`) or
from an aggregated export in ChannelAttribution's format (:func:`read_paths`).
Models work on unique paths, so a million users cost little.

Models
------
- :func:`heuristic_models`: first touch, last touch, last non-direct, linear, time decay
  (half-life), position-based (40/20/40).
- :func:`markov_model`: Markov chain of order k (1-4) with removal effects, solved
  exactly as an absorbing chain (sparse linear algebra, no simulation).
- :func:`shapley_model`: Shapley values over channel sets with conversion rates as the
  coalition worth, exact for up to 15 channels.
- :func:`compare_models`: all models in one tidy table (channel × model), with ROAS when
  ad spend per channel is given (:func:`spend_by_channel`).

Definitions, and where they differ from the ``channelattribution`` package
-------------------------------------------------------------------------
- Heuristics equal ``channelattribution.heuristic_models`` (first, last, linear): a
  repeated channel counts once per touch in the linear model (``A > A > B`` gives A 2/3).
- Markov: states are the last ``order`` channels (a path shorter than ``order`` is one
  state), consecutive identical states are merged (for order 1: ``A > A > B`` is
  ``A > B``), as in channelattribution. Transitions are weighted by conversions + nulls.
  The conversion value of a conversion is the mean value of the conversions ending in
  the same state; removal of a channel sends every state containing it to null.
  channelattribution *simulates* the chain (``nsim_start`` random walks) and, by
  default, stops a simulated walk after ``max_step`` = the longest path in the data
  (counted as a non-conversion). We solve the chain exactly with no step limit, which
  is what channelattribution converges to with many simulations and a large
  ``max_step``. On chains with loops the default ``max_step`` alone moves its figures by
  a few percent.
- Shapley: the worth of a channel set S is the conversion rate of paths whose set of
  channels is exactly S (estimated when at least ``min_paths`` paths have it, otherwise
  the best rate of its subsets: worth never falls when a channel is added to an
  unobserved set). Each path's conversions are split by the Shapley values of the game
  restricted to its own channels (efficiency: the credits sum to total conversions).
  channelattribution has no Shapley model.

Measured against channelattribution 2.2.5 (tests/test_attribution.py,
benchmarks/attribution.py): heuristics equal to 1e-14; on its example data (10,000
paths, 12 channels) its order-1 Markov with the default 1e5 simulations is up to 4 % off
the exact solution on channels above 500 conversions (13 % on kappa, more on the two
tiny channels), within 0.5 % with 1e7 simulations; on a 4-path toy chain with loops its
default ``max_step`` (the longest path, 4) shifts removal effects by up to 15 % and the
figures match ours once ``max_step`` is raised.
"""
from __future__ import annotations

import math
import re
from itertools import chain
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from trafficlib.errors import TrafficDataError

__all__ = [
    "SEP", "MODELS", "read_paths", "paths_from_touchpoints", "touchpoints_from_sessions", "load",
    "agreement", "budget_view", "budget_summary", "model_table", "with_truth", "heuristic_models", "markov_model",
    "transition_matrix", "shapley_model", "compare_models", "spend_by_channel",
    "truth_recovery", "path_length_distribution", "time_to_conversion", "top_paths",
    "summary", "plot_model_comparison", "plot_shares", "plot_path_lengths",
    "plot_time_to_conversion", "plot_top_paths", "plot_transition_heatmap",
    "plot_truth_recovery",
]

SEP = " > "
PATH_COLUMNS = ["path", "conversions", "value", "nulls"]

#: model names in display order (heuristics, then data-driven)
MODELS = ["first_touch", "last_touch", "last_non_direct", "linear", "time_decay",
          "position_based", "markov", "shapley"]
MODEL_LABELS = {
    "first_touch": {"en": "First touch", "fr": "Premier contact"},
    "last_touch": {"en": "Last touch", "fr": "Dernier contact"},
    "last_non_direct": {"en": "Last non-direct", "fr": "Dernier non direct"},
    "linear": {"en": "Linear", "fr": "Linéaire"},
    "time_decay": {"en": "Time decay", "fr": "Dégressif dans le temps"},
    "position_based": {"en": "Position-based", "fr": "Basé sur la position"},
    "markov": {"en": "Markov", "fr": "Markov"},
    "shapley": {"en": "Shapley", "fr": "Shapley"},
    "truth": {"en": "Planted truth", "fr": "Vérité plantée"},
}

# ---------------------------------------------------------------------------------
# Reading and building path tables
# ---------------------------------------------------------------------------------

_PATH_ALIASES = {
    "path": ("path", "chemin", "parcours", "channel_path", "conversion_path", "chemin_de_conversion",
             "path_channels", "sequence"),
    "conversions": ("total_conversions", "conversions", "conversion", "conv", "nb_conversions",
                    "total_conv"),
    "value": ("total_conversion_value", "value", "valeur", "conversion_value", "valeur_de_conversion",
              "revenue", "chiffre_d_affaires", "total_value", "valeur_totale"),
    "nulls": ("total_null", "nulls", "null", "total_nulls", "non_conversions", "sans_conversion",
              "total_non_conversions"),
}


def read_paths(path_file: str | Path) -> pd.DataFrame:
    """Read an aggregated path table (ChannelAttribution's format, French or English).

    Accepts ``path`` / ``total_conversions`` / ``total_conversion_value`` /
    ``total_null`` and variants (``chemin``, ``conversions``, ``valeur``, ``nulls``...),
    any separator (``;`` ``,`` tab), decimal comma, UTF-8 or Windows encodings, CSV or
    Parquet. Value and nulls columns are optional (0 when absent).

    Returns
    -------
    DataFrame
        ``path`` (channels joined by ``" > "``), ``conversions`` (float), ``value``
        (float, account currency), ``nulls`` (float). Rows are as in the file.

    Raises
    ------
    TrafficDataError
        Missing path or conversions column, non-numeric or negative counts, empty
        paths; the message names the file, the column and the lines.
    """
    from trafficlib import schema, sources

    raw = sources.read_raw(path_file)
    file = str(path_file)
    lines = np.asarray(raw.attrs.get("line_numbers", np.arange(len(raw)) + 2))
    norm = {schema.normalize_header(c): c for c in raw.columns}
    found: dict[str, str] = {}
    for canon, aliases in _PATH_ALIASES.items():
        for alias in aliases:
            if alias in norm and norm[alias] not in found.values():
                found[canon] = norm[alias]
                break
    for need in ("path", "conversions"):
        if need not in found:
            raise TrafficDataError(
                f"no '{need}' column", file=file, column=_PATH_ALIASES[need][0],
                hint="expected columns path, total_conversions, total_conversion_value, total_null "
                     f"(found: {', '.join(map(str, raw.columns))})")
    out = pd.DataFrame(index=raw.index)
    paths = raw[found["path"]].astype("string")
    out["path"] = paths
    for canon in ("conversions", "value", "nulls"):
        if canon not in found:
            out[canon] = 0.0
            continue
        col = found[canon]
        nums, bad = schema.parse_number(raw[col])
        if bad.any():
            raise TrafficDataError("not a number", file=file, column=col,
                                   rows=lines[bad.to_numpy()].tolist())
        neg = nums < 0
        if neg.any():
            raise TrafficDataError("negative count or value", file=file, column=col,
                                   rows=lines[neg.to_numpy()].tolist())
        out[canon] = nums.fillna(0.0).to_numpy()
    try:
        out["path"] = normalize_paths(out["path"])
    except _BadPaths as exc:
        raise TrafficDataError("empty path or empty channel name in a path", file=file,
                               column=found["path"], rows=lines[exc.mask].tolist(),
                               hint="paths are written 'A > B > C'") from None
    out = out.reset_index(drop=True)
    out.attrs = {"file": file}
    return out


class _BadPaths(ValueError):
    def __init__(self, mask):
        super().__init__("bad paths")
        self.mask = np.asarray(mask)


def normalize_paths(paths: pd.Series, sep: str = ">") -> pd.Series:
    """Paths rewritten ``"A > B > C"`` (spaces around channels stripped). Raises an
    internal error flagging empty paths or empty channel names."""
    s = paths.astype("string")
    parts = s.str.split(re.escape(sep.strip()) if sep.strip() else sep, regex=True)
    empty = s.isna() | s.str.strip().eq("")
    stripped = parts.map(lambda xs: [x.strip() for x in xs] if isinstance(xs, list) else None)
    badtok = stripped.map(lambda xs: xs is None or any(x == "" for x in xs))
    bad = (empty | badtok).to_numpy(dtype=bool)
    if bad.any():
        raise _BadPaths(bad)
    return stripped.map(SEP.join).astype(object)


def _join_lists(starts: np.ndarray, n: int, values: np.ndarray) -> np.ndarray:
    """Join ``values[starts[i]:starts[i+1]]`` with ``" > "`` for every i (Arrow)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    offsets = pa.array(np.r_[starts, n].astype(np.int32))
    lists = pa.ListArray.from_arrays(offsets, pa.array(values, type=pa.string()))
    return np.asarray(pc.binary_join(lists, SEP).to_numpy(zero_copy_only=False), dtype=object)


def _fmt_ages(age: np.ndarray) -> np.ndarray:
    """Ages in days rounded to 0.1 as short strings ("12.5", "3", "0")."""
    tenths = np.round(np.maximum(age, 0) * 10).astype(np.int64)
    whole, frac = tenths // 10, tenths % 10
    w = whole.astype(str).astype(object)
    return np.where(frac == 0, w, w + "." + frac.astype(str).astype(object))


def touchpoints_from_sessions(sessions: pd.DataFrame) -> pd.DataFrame:
    """The canonical ``sessions`` table as touchpoints: one touch per session (its
    ``channel`` at its ``start``), ``conversion`` = 1 when the session had a conversion,
    ``conversion_value`` = its revenue. Sessions without a channel are dropped.

    Returns
    -------
    DataFrame
        user_id, timestamp, channel, conversion (0/1), conversion_value.
    """
    need = {"user_id", "start", "channel"}
    missing = need - set(sessions.columns)
    if missing:
        raise TrafficDataError(f"sessions table lacks column(s) {', '.join(sorted(missing))}",
                               file=sessions.attrs.get("file", "<DataFrame>"),
                               hint="attribution needs a channel per session (see trafficlib.channels)")
    conv = (pd.to_numeric(sessions["conversions"], errors="coerce").fillna(0) > 0).astype(int) \
        if "conversions" in sessions else 0
    value = pd.to_numeric(sessions["revenue"], errors="coerce").fillna(0.0) if "revenue" in sessions else 0.0
    out = pd.DataFrame({"user_id": sessions["user_id"], "timestamp": sessions["start"], "channel": sessions["channel"],
                        "conversion": conv, "conversion_value": value})
    out["conversion_value"] = out["conversion_value"].where(out["conversion"] == 1, 0.0)
    return out.dropna(subset=["channel"]).reset_index(drop=True)


def paths_from_touchpoints(touchpoints: pd.DataFrame, lookback_days: float = 30,
                           merge_repeats: bool = False, max_length: int | None = None,
                           with_ages: bool = False) -> pd.DataFrame:
    """Conversion paths (converting and not) from the canonical ``touchpoints`` table.

    Rules, per user in time order:

    - a touchpoint with ``conversion = 1`` closes a path and is its **last touch** (its
      channel is included: it is the visit that converted); its ``conversion_value`` is
      the path's value. The next touch starts a new path (a user can convert again);
    - touches more than ``lookback_days`` before the conversion are dropped;
    - touches after the last conversion form a **null path** (no conversion), as do
      touches followed by a gap longer than ``lookback_days`` without conversion; null
      paths keep the touches within ``lookback_days`` of their last touch;
    - ``merge_repeats`` merges consecutive identical channels (``A > A > B`` → ``A > B``);
    - ``max_length`` keeps the last ``max_length`` touches of a longer path.

    Parameters
    ----------
    touchpoints : DataFrame
        user_id, timestamp, channel, conversion (0/1), conversion_value (optional).
    lookback_days : float
        Lookback window in days.
    with_ages : bool
        Add ``ages``: for each touch, days before the path's end, as ``"12.5 > 3 > 0"``
        (rounded to 0.1 day), used by the time-decay model. Rows are then unique
        (path, ages) pairs rather than unique paths.

    Returns
    -------
    DataFrame
        ``path``, ``conversions``, ``value``, ``nulls`` (and ``ages``), one row per unique
        path, sorted by conversions + nulls descending.
    """
    need = {"user_id", "timestamp", "channel", "conversion"}
    missing = need - set(touchpoints.columns)
    if missing:
        raise TrafficDataError(f"touchpoints table lacks column(s) {', '.join(sorted(missing))}",
                               file=touchpoints.attrs.get("file", "<DataFrame>"))
    cols = ["user_id", "timestamp", "channel", "conversion"]
    tp = touchpoints[cols].copy()
    tp["conversion_value"] = (touchpoints["conversion_value"].fillna(0.0).to_numpy(float)
                              if "conversion_value" in touchpoints else 0.0)
    tp = tp.dropna(subset=["user_id", "timestamp", "channel"])
    if tp.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c == "path" else float) for c in PATH_COLUMNS})
    tp = tp.sort_values(["user_id", "timestamp"], kind="stable")
    user = pd.factorize(tp["user_id"])[0]
    t = tp["timestamp"].to_numpy("datetime64[ns]").astype("int64") / 86_400e9  # days
    conv = tp["conversion"].to_numpy(float) > 0
    n = len(tp)
    new_user = np.r_[True, user[1:] != user[:-1]]
    gap = np.r_[np.inf, np.diff(t)]
    prev_conv = np.r_[False, conv[:-1]]
    start = new_user | prev_conv | (gap > lookback_days)
    seg = np.cumsum(start) - 1
    # end of each segment: its last row
    seg_end_idx = np.r_[np.flatnonzero(start[1:]), n - 1]
    end_t = t[seg_end_idx][seg]
    age = end_t - t
    keep = age <= lookback_days + 1e-9
    ch_codes, ch_names = pd.factorize(tp["channel"].astype(str), sort=True)
    value = tp["conversion_value"].to_numpy(float)
    is_conv_seg = conv[seg_end_idx]
    seg_value = np.where(is_conv_seg, value[seg_end_idx], 0.0)
    rows = np.flatnonzero(keep)
    codes = ch_codes[rows]
    seg_r = seg[rows]
    age_r = age[rows]
    if merge_repeats:
        dup = np.r_[False, (seg_r[1:] == seg_r[:-1]) & (codes[1:] == codes[:-1])]
        rows, codes, seg_r, age_r = rows[~dup], codes[~dup], seg_r[~dup], age_r[~dup]
    if max_length is not None:
        if max_length < 1:
            raise TrafficDataError("max_length must be at least 1")
        # position from the end within its segment
        first_of_seg = np.r_[True, seg_r[1:] != seg_r[:-1]]
        starts = np.flatnonzero(first_of_seg)
        lens = np.diff(np.r_[starts, len(seg_r)])
        pos = np.arange(len(seg_r)) - np.repeat(starts, lens)
        from_end = np.repeat(lens, lens) - 1 - pos
        k = from_end < max_length
        codes, seg_r, age_r = codes[k], seg_r[k], age_r[k]
    # rows are sorted by segment: join each segment's channels in Arrow (C++)
    starts = np.flatnonzero(np.r_[True, seg_r[1:] != seg_r[:-1]]) if len(seg_r) else np.zeros(0, np.int64)
    segs = seg_r[starts]
    out = pd.DataFrame({
        "path": _join_lists(starts, len(seg_r), np.asarray(ch_names, dtype=object)[codes]),
        "conversions": is_conv_seg[segs].astype(float),
        "value": seg_value[segs],
        "nulls": (~is_conv_seg[segs]).astype(float),
    })
    keys = ["path"]
    if with_ages:
        out["ages"] = _join_lists(starts, len(seg_r), _fmt_ages(age_r))
        keys = ["path", "ages"]
    agg = out.groupby(keys, sort=False, as_index=False)[["conversions", "value", "nulls"]].sum()
    agg = agg.assign(_n=agg["conversions"] + agg["nulls"]).sort_values(["_n", "path"], ascending=[False, True])
    return agg.drop(columns="_n").reset_index(drop=True)


# ---------------------------------------------------------------------------------
# Encoded paths (the internal representation all models share)
# ---------------------------------------------------------------------------------


@dataclass
class _Encoded:
    channels: list[str]          # channel names, code = index
    codes: np.ndarray            # channel code of every touch, paths concatenated
    offsets: np.ndarray          # first touch index of each path
    lengths: np.ndarray          # touches per path
    conv: np.ndarray             # conversions per path
    value: np.ndarray            # value per path
    nulls: np.ndarray            # nulls per path
    ages: np.ndarray | None = None  # days before the path end, per touch

    @property
    def path_of_touch(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.lengths)), self.lengths)

    @property
    def pos(self) -> np.ndarray:
        return np.arange(len(self.codes)) - np.repeat(self.offsets, self.lengths)


def _check_paths(paths: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(paths, pd.DataFrame) or "path" not in paths or "conversions" not in paths:
        raise TrafficDataError("a path table needs columns path and conversions (value, nulls optional)",
                               file=getattr(paths, "attrs", {}).get("file", "<DataFrame>"))
    return paths


def _split_paths(upaths) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Split paths written ``A > B``: (touches per path, channel code of every touch,
    channel names sorted). Done in Arrow (C++): ~10x faster than Python string methods."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(upaths, (pa.Array, pa.ChunkedArray)):
        arr = upaths
    else:
        try:
            arr = pa.array(upaths)  # zero-copy for Arrow-backed pandas strings
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            arr = pa.array(np.asarray(upaths, dtype=object).astype(str), type=pa.string())
        if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
            arr = pa.array(np.asarray(upaths, dtype=object).astype(str), type=pa.string())
    lists = pc.split_pattern(arr, ">")
    lengths = pc.list_value_length(lists).to_numpy(zero_copy_only=False).astype(np.int64)
    flat = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    if isinstance(flat, pa.ChunkedArray):
        flat = flat.combine_chunks()
    enc = pc.dictionary_encode(flat)
    names = enc.dictionary.to_pylist()
    order = np.argsort(np.asarray(names, dtype=object), kind="stable") if names else np.zeros(0, np.int64)
    remap = np.empty(len(names), np.int64)
    remap[order] = np.arange(len(names))
    idx = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return lengths, remap[idx] if len(idx) else idx, [names[i] for i in order]


def _encode(paths: pd.DataFrame, channels: Sequence[str] | None = None) -> _Encoded:
    """Aggregate to unique paths (or unique path + ages) and encode channels.

    Works on hashes of the path strings (``pd.factorize``) and splits each unique path
    once, so the cost grows with the number of unique paths, not of users.
    """
    paths = _check_paths(paths)
    file = paths.attrs.get("file", "<DataFrame>")
    n = len(paths)

    def num(col):
        if col not in paths:
            return np.zeros(n)
        x = paths[col]
        if not pd.api.types.is_numeric_dtype(x):
            x = pd.to_numeric(x, errors="coerce")
        return np.nan_to_num(np.asarray(x, dtype=float), nan=0.0)

    conv, value, nulls = num("conversions"), num("value"), num("nulls")
    if (conv < 0).any() or (value < 0).any() or (nulls < 0).any():
        raise TrafficDataError("negative conversions, value or nulls in the path table", file=file)
    pcodes, puniq = pd.factorize(paths["path"], sort=False)
    if (pcodes < 0).any():
        raise TrafficDataError("empty path in the path table", column="path", file=file)
    group, first = pcodes, None
    if "ages" in paths:
        acodes, auniq = pd.factorize(paths["ages"].astype(str), sort=False)
        group, rep = pd.factorize(pcodes.astype(np.int64) * max(len(auniq), 1) + acodes, sort=False)
        first = np.zeros(len(rep), np.int64)
        first[group[::-1]] = np.arange(n)[::-1]  # first row of each group
    g = int(group.max()) + 1 if n else 0
    gconv = np.bincount(group, weights=conv, minlength=g)
    gval = np.bincount(group, weights=value, minlength=g)
    gnull = np.bincount(group, weights=nulls, minlength=g)
    keep = (gconv + gnull) > 0
    if first is None:
        upaths = puniq if keep.all() else puniq[keep]
        uages = None
    else:
        upaths = np.asarray(puniq, dtype=object)[pcodes[first]][keep]
        uages = paths["ages"].astype(str).to_numpy(object)[first][keep]
    gconv, gval, gnull = gconv[keep], gval[keep], gnull[keep]
    lengths, codes, names = _split_paths(upaths)
    if "" in names:
        empty = names.index("")
        bad_tok = np.add.reduceat(codes == empty, np.r_[0, np.cumsum(lengths)[:-1]]) > 0
        raise TrafficDataError("empty channel name in path(s): " + "; ".join(map(str, np.asarray(upaths, dtype=object)[bad_tok][:3])),
                               column="path", file=file)
    if channels is None:
        channels = [str(c) for c in names]
    else:
        channels = list(channels)
        codes = pd.Index(channels).get_indexer(np.asarray(names, dtype=object)[codes])
    offsets = np.r_[0, np.cumsum(lengths)[:-1]].astype(np.int64) if len(lengths) else np.zeros(0, np.int64)
    ages = None
    if uages is not None:
        asplit = [s.split(">") for s in uages]
        if not np.array_equal(np.fromiter((len(x) for x in asplit), np.int64, count=len(asplit)), lengths):
            raise TrafficDataError("'ages' must list one age per touch of the path", column="ages", file=file)
        ages = pd.to_numeric(pd.Series(list(chain.from_iterable(asplit)), dtype=object).str.strip(),
                             errors="coerce").to_numpy(float)
    return _Encoded(channels, np.asarray(codes, np.int64), offsets, lengths, gconv, gval, gnull, ages)


# ---------------------------------------------------------------------------------
# Heuristic models
# ---------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------
# Markov chain attribution (exact)
# ---------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------
# Shapley attribution over channel sets
# ---------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------
# Everything together, spend and ROAS
# ---------------------------------------------------------------------------------

#: default mapping of ad platforms to GA4 channel groups (campaigns named *shopping* on
#: Google Ads go to Paid Shopping)
PLATFORM_CHANNELS = {
    "google ads": "Paid Search", "google": "Paid Search", "adwords": "Paid Search",
    "microsoft ads": "Paid Search", "bing ads": "Paid Search", "bing": "Paid Search",
    "meta": "Paid Social", "facebook": "Paid Social", "instagram": "Paid Social",
    "meta ads": "Paid Social", "facebook ads": "Paid Social", "linkedin": "Paid Social",
    "tiktok": "Paid Social", "pinterest": "Paid Social", "snapchat": "Paid Social",
    "criteo": "Display", "display": "Display", "dv360": "Display", "google display": "Display",
    "awin": "Affiliates", "affilae": "Affiliates", "effiliation": "Affiliates",
}


def spend_by_channel(ad_spend: pd.DataFrame, mapping: Mapping[str, str] | None = None,
                     shopping_channel: str | None = "Paid Shopping",
                     channels: Iterable[str] | None = None) -> pd.Series:
    """Total ad cost per channel from the canonical ``ad_spend`` table.

    Each row's channel is ``mapping[platform]`` (case-insensitive; default
    :data:`PLATFORM_CHANNELS`: Google/Microsoft Ads → Paid Search, Meta → Paid Social,
    Criteo → Display); Google Ads campaigns whose name contains "shopping" or "pmax
    shopping" go to ``shopping_channel`` (None keeps them in Paid Search). Unmapped
    platforms are left out (listed in ``attrs["unmapped"]``).

    Returns
    -------
    Series
        Cost per channel (account currency), index named ``channel``.
    """
    if "cost" not in ad_spend:
        raise TrafficDataError("ad_spend lacks a cost column")
    mp = {str(k).lower(): v for k, v in (mapping or PLATFORM_CHANNELS).items()}
    plat = (ad_spend["platform"] if "platform" in ad_spend else pd.Series("", index=ad_spend.index)).astype(str)
    ch = plat.str.lower().str.strip().map(mp)
    if channels is not None and shopping_channel not in set(channels):
        shopping_channel = None
    if shopping_channel and "campaign" in ad_spend:
        shop = ad_spend["campaign"].astype(str).str.contains("shopping", case=False, regex=False)
        ch = ch.mask(shop & ch.eq("Paid Search"), shopping_channel)
    cost = pd.to_numeric(ad_spend["cost"], errors="coerce").fillna(0.0)
    out = cost.groupby(ch).sum()
    out.index.name = "channel"
    out.attrs["unmapped"] = sorted(plat[ch.isna()].unique().tolist())
    return out.rename("spend")


def compare_models(paths: pd.DataFrame, order: int = 1, half_life: float = 7.0,
                   position_weights: tuple[float, float] = (0.4, 0.4),
                   spend: Mapping[str, float] | pd.Series | None = None,
                   shapley: bool = True, min_paths: int = 10) -> pd.DataFrame:
    """All models in one tidy table.

    Returns
    -------
    DataFrame
        One row per channel × model: ``channel``, ``model`` (see :data:`MODELS`),
        ``conversions``, ``value``, ``share`` (fraction of the model's conversions), and
        when ``spend`` (cost per channel) is given ``spend`` and ``roas`` (value / spend;
        NaN where there is no spend).
    """
    h = heuristic_models(paths, half_life=half_life, position_weights=position_weights)
    parts = []
    for name in HEURISTICS:
        parts.append(pd.DataFrame({"channel": h["channel"], "model": name,
                                   "conversions": h[name], "value": h[f"{name}_value"]}))
    mk = markov_model(paths, order=order)
    parts.append(mk[["channel", "conversions", "value"]].assign(model="markov"))
    if shapley:
        sh = shapley_model(paths, min_paths=min_paths)
        parts.append(sh[["channel", "conversions", "value"]].assign(model="shapley"))
    out = pd.concat(parts, ignore_index=True)[["channel", "model", "conversions", "value"]]
    tot = out.groupby("model")["conversions"].transform("sum")
    out["share"] = np.where(tot > 0, out["conversions"] / tot.where(tot > 0, 1.0), np.nan)
    if spend is not None:
        s = pd.Series(spend, dtype=float)
        out["spend"] = out["channel"].map(s)
        out["roas"] = np.where(out["spend"] > 0, out["value"] / out["spend"].where(out["spend"] > 0, 1.0), np.nan)
    order_map = {m: i for i, m in enumerate(MODELS)}
    out["_o"] = out["model"].map(order_map)
    return out.sort_values(["_o", "channel"]).drop(columns="_o").reset_index(drop=True)


def truth_recovery(models: pd.DataFrame, truth_share: Mapping[str, float]) -> pd.DataFrame:
    """How well each model recovers planted (true incremental) shares.

    Parameters
    ----------
    models : the output of :func:`compare_models`.
    truth_share : channel -> true share of incremental conversions (sums to 1).

    Returns
    -------
    DataFrame
        One row per model: ``model``, ``mae`` (mean absolute error of shares, in share
        points as a fraction), ``max_error`` (largest absolute share error and its
        ``worst_channel``), ``rank_corr`` (Spearman correlation of the channel ranking),
        ``top3_match`` (the top 3 channels are the true top 3, in any order), sorted best
        first.
    """
    t = pd.Series(truth_share, dtype=float)
    rows = []
    for model, g in models.groupby("model", sort=False):
        s = g.set_index("channel")["share"].reindex(t.index).fillna(0.0)
        err = (s - t).abs()
        rows.append({
            "model": model, "mae": float(err.mean()), "max_error": float(err.max()),
            "worst_channel": str(err.idxmax()),
            "rank_corr": float(s.rank().corr(t.rank())),
            "top3_match": set(s.nlargest(3).index) == set(t.nlargest(3).index),
        })
    return pd.DataFrame(rows).sort_values("mae").reset_index(drop=True)


# ---------------------------------------------------------------------------------
# Descriptive statistics of paths
# ---------------------------------------------------------------------------------


def summary(paths: pd.DataFrame) -> dict:
    """Headline figures: ``paths`` (conversions + nulls), ``unique_paths``,
    ``conversions``, ``value``, ``conversion_rate`` (fraction), ``channels``,
    ``mean_length`` (touches per converting path)."""
    enc = _encode(paths)
    conv = float(enc.conv.sum())
    n = float((enc.conv + enc.nulls).sum())
    return {"paths": n, "unique_paths": int(pd.Index(paths["path"]).nunique()), "conversions": conv,
            "value": float(enc.value.sum()), "conversion_rate": conv / n if n else float("nan"),
            "channels": len(enc.channels),
            "mean_length": float((enc.lengths * enc.conv).sum() / conv) if conv else float("nan")}


def path_length_distribution(paths: pd.DataFrame, max_length: int = 10) -> pd.DataFrame:
    """Converting and non-converting paths by number of touches.

    Returns ``length`` (int; the last row is "``max_length`` or more"), ``conversions``,
    ``nulls``, ``conversion_rate``, ``share_of_conversions`` (fractions)."""
    enc = _encode(paths)
    L = np.minimum(enc.lengths, max_length)
    conv = np.bincount(L, weights=enc.conv, minlength=max_length + 1)[1:]
    nulls = np.bincount(L, weights=enc.nulls, minlength=max_length + 1)[1:]
    out = pd.DataFrame({"length": np.arange(1, max_length + 1), "conversions": conv, "nulls": nulls})
    tot = out["conversions"] + out["nulls"]
    out["conversion_rate"] = np.where(tot > 0, out["conversions"] / tot.where(tot > 0, 1), np.nan)
    out["share_of_conversions"] = out["conversions"] / max(conv.sum(), 1e-12)
    while len(out) > 1 and out.iloc[-1][["conversions", "nulls"]].sum() == 0:
        out = out.iloc[:-1]
    return out


def time_to_conversion(paths: pd.DataFrame) -> pd.DataFrame:
    """Days from first touch to conversion, for paths built ``with_ages=True``.

    Returns ``days`` (lower bound of the bin: 0, 1, 2-3, 4-7, 8-14, 15-21, 22-30, 31+),
    ``label``, ``conversions``, ``share`` (fraction of conversions). Empty when the
    paths carry no ages (aggregated path files).
    """
    if "ages" not in paths:
        return pd.DataFrame(columns=["days", "label", "conversions", "share"])
    first_age = pd.to_numeric(paths["ages"].astype(str).str.split(">", n=1).str[0].str.strip(), errors="coerce")
    bins = [0, 1, 2, 4, 8, 15, 22, 31, np.inf]
    labels = ["0", "1", "2-3", "4-7", "8-14", "15-21", "22-30", "31+"]
    cut = pd.cut(first_age, bins=bins, right=False, labels=labels)
    conv = pd.Series(paths["conversions"].to_numpy(float)).groupby(cut.to_numpy(), observed=False).sum()
    conv = conv.reindex(labels).fillna(0.0)
    out = pd.DataFrame({"days": bins[:-1], "label": labels, "conversions": conv.to_numpy()})
    out["share"] = out["conversions"] / max(out["conversions"].sum(), 1e-12)
    return out


def top_paths(paths: pd.DataFrame, n: int = 10, by: str = "conversions") -> pd.DataFrame:
    """The ``n`` most frequent paths by ``conversions`` (or ``nulls``/``value``).

    Returns ``path``, ``conversions``, ``value``, ``nulls``, ``conversion_rate``
    (fraction), ``share`` (of all conversions)."""
    _check_paths(paths)
    cols = [c for c in ("conversions", "value", "nulls") if c in paths]
    g = paths.groupby("path", sort=False)[cols].sum().reset_index()
    for c in ("value", "nulls"):
        if c not in g:
            g[c] = 0.0
    tot = g["conversions"] + g["nulls"]
    g["conversion_rate"] = np.where(tot > 0, g["conversions"] / tot.where(tot > 0, 1), np.nan)
    g["share"] = g["conversions"] / max(g["conversions"].sum(), 1e-12)
    return g.sort_values([by, "path"], ascending=[False, True]).head(n).reset_index(drop=True)


# ---------------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------------


def _model_label(name: str, lang: str) -> str:
    return MODEL_LABELS.get(name, {}).get(lang, name)


def plot_model_comparison(models: pd.DataFrame, lang: str = "en", metric: str = "conversions"):
    """Grouped horizontal bars: conversions (or value) per channel, one bar per model.
    Returns the Figure."""
    import seaborn as sns

    from trafficlib import plots

    df = models.copy()
    df["model_label"] = df["model"].map(lambda m: _model_label(m, lang))
    order = df.groupby("channel")[metric].mean().sort_values(ascending=False).index.tolist()
    models_order = [_model_label(m, lang) for m in MODELS + ["truth"] if m in set(df["model"])]
    fig, ax = plots.new_figure(height=max(4, 0.55 * len(order) + 1.2))
    pal = dict(zip(models_order, sns.color_palette("tab10", len(models_order)).as_hex()))
    sns.barplot(data=df, y="channel", x=metric, hue="model_label", order=order, hue_order=models_order,
                palette=pal, ax=ax, orient="h")
    ax.set_ylabel("")
    ax.set_xlabel("")
    ax.set_title({"en": "Conversions credited to each channel, by model",
                  "fr": "Conversions attribuées à chaque canal, par modèle"}[lang] if metric == "conversions"
                 else {"en": "Value credited to each channel, by model",
                       "fr": "Valeur attribuée à chaque canal, par modèle"}[lang])
    (plots.money_axis if metric == "value" else plots.count_axis)(ax, lang, axis="x")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def plot_shares(models: pd.DataFrame, lang: str = "en"):
    """Heatmap of each channel's share of conversions (rows) by model (columns), in
    percent. Returns the Figure."""
    import seaborn as sns

    from trafficlib import i18n, plots

    piv = models.pivot_table(index="channel", columns="model", values="share", aggfunc="sum")
    cols = [m for m in MODELS + ["truth"] if m in piv.columns]
    piv = piv[cols]
    piv = piv.loc[piv.mean(axis=1).sort_values(ascending=False).index]
    piv.columns = [_model_label(m, lang) for m in cols]
    fig, ax = plots.new_figure(height=max(3.5, 0.45 * len(piv) + 1.5))
    annot = piv.map(lambda x: i18n.fmt_pct(x, lang, 0)) if hasattr(piv, "map") else piv.applymap(lambda x: i18n.fmt_pct(x, lang, 0))
    sns.heatmap(piv, annot=annot.to_numpy(), fmt="", cmap="Blues", cbar=False, ax=ax, linewidths=0.5)
    ax.set_title({"en": "Share of conversions per channel, by model",
                  "fr": "Part des conversions par canal, selon le modèle"}[lang])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", rotation=30)
    for t in ax.get_xticklabels():
        t.set_ha("right")
    return fig


def plot_path_lengths(paths: pd.DataFrame, lang: str = "en", max_length: int = 10):
    """Conversions by path length (bars) and conversion rate (line). Returns the Figure."""
    from trafficlib import plots

    d = path_length_distribution(paths, max_length)
    fig, ax = plots.new_figure()
    labels = [str(x) for x in d["length"]]
    if d["length"].iloc[-1] == max_length:
        labels[-1] = f"{max_length}+"
    ax.bar(labels, d["conversions"], color=plots.ACCENT)
    plots.count_axis(ax, lang)
    ax.set_xlabel({"en": "touches in the path", "fr": "contacts dans le parcours"}[lang])
    ax2 = ax.twinx()
    ax2.plot(labels, d["conversion_rate"], color=plots.BAD, marker="o", linewidth=1.5)
    plots.pct_axis(ax2, lang, decimals=1)
    ax2.grid(False)
    ax2.set_ylim(bottom=0)
    ax.set_title({"en": "Conversions (bars) and conversion rate (line) by path length",
                  "fr": "Conversions (barres) et taux de conversion (courbe) selon la longueur du parcours"}[lang])
    return fig


def plot_time_to_conversion(paths: pd.DataFrame, lang: str = "en"):
    """Share of conversions by days from first touch to conversion. Returns the Figure
    (an empty note when the paths carry no ages)."""
    from trafficlib import plots

    d = time_to_conversion(paths)
    fig, ax = plots.new_figure(height=3.5)
    if d.empty:
        ax.text(0.5, 0.5, {"en": "no timestamps in a path table", "fr": "pas d'horodatage dans une table de parcours"}[lang],
                ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    ax.bar(d["label"], d["share"], color=plots.ACCENT)
    plots.pct_axis(ax, lang)
    ax.set_xlabel({"en": "days from first touch to conversion", "fr": "jours entre le premier contact et la conversion"}[lang])
    ax.set_title({"en": "Time to conversion", "fr": "Délai de conversion"}[lang])
    return fig


def plot_top_paths(paths: pd.DataFrame, n: int = 12, lang: str = "en"):
    """Horizontal bars of the most frequent converting paths. Returns the Figure."""
    from trafficlib import plots

    d = top_paths(paths, n)
    s = pd.Series(d["conversions"].to_numpy(), index=[p if len(p) <= 70 else p[:67] + "…" for p in d["path"]])
    s = s[~s.index.duplicated()]
    fig = plots.barh(s, title={"en": f"Top {n} converting paths", "fr": f"Les {n} parcours qui convertissent le plus"}[lang],
                     lang=lang, colors={})
    return fig


def plot_transition_heatmap(paths: pd.DataFrame, lang: str = "en"):
    """Heatmap of first-order transition probabilities (from row to column), with
    (start), (conversion) and (null). Returns the Figure."""
    import seaborn as sns

    from trafficlib import i18n, plots

    tm = transition_matrix(paths)
    ren = {START: {"en": "(start)", "fr": "(début)"}[lang], CONV: "(conversion)",
           NULL: {"en": "(no conversion)", "fr": "(sans conversion)"}[lang]}
    tm = tm.rename(index=ren, columns=ren)
    fig, ax = plots.new_figure(width=9, height=max(4, 0.45 * len(tm) + 1.5))
    annot = tm.to_numpy()
    text = np.vectorize(lambda x: i18n.fmt_pct(x, lang, 0) if x >= 0.005 else "")(annot)
    sns.heatmap(tm, annot=text, fmt="", cmap="Blues", cbar=False, ax=ax, linewidths=0.5, vmin=0, vmax=1)
    ax.set_title({"en": "Markov transition probabilities (from row to column)",
                  "fr": "Probabilités de transition de Markov (de la ligne vers la colonne)"}[lang])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", rotation=35)
    for t in ax.get_xticklabels():
        t.set_ha("right")
    return fig


def plot_truth_recovery(models: pd.DataFrame, truth_share: Mapping[str, float], lang: str = "en"):
    """Each model's share per channel against the planted true share (dots on a line
    per channel). Returns the Figure."""
    from trafficlib import plots

    t = pd.Series(truth_share, dtype=float).sort_values()
    fig, ax = plots.new_figure(height=max(4, 0.5 * len(t) + 1.2))
    y = np.arange(len(t))
    markers = "osD^v<>Px"
    for i, m in enumerate([m for m in MODELS if m in set(models["model"])]):
        s = models[models["model"] == m].set_index("channel")["share"].reindex(t.index)
        ax.scatter(s.to_numpy(), y + (i - 3.5) * 0.07, s=22, marker=markers[i % len(markers)],
                   label=_model_label(m, lang), alpha=0.85)
    ax.barh(y, t.to_numpy(), color=[plots.color_for(c) for c in t.index], alpha=0.25,
            label=_model_label("truth", lang))
    ax.set_yticks(y, t.index)
    plots.pct_axis(ax, lang, axis="x")
    ax.grid(axis="y", visible=False)
    ax.set_title({"en": "Share of conversions: models (dots) against the planted truth (bars)",
                  "fr": "Part des conversions : modèles (points) face à la vérité plantée (barres)"}[lang])
    ax.legend(loc="lower right", fontsize=8)
    return fig


# ---------------------------------------------------------------------------------
# What the report says: agreement between models, budget view, inputs
# ---------------------------------------------------------------------------------

DATA_DRIVEN = ("markov", "shapley")


def agreement(models: pd.DataFrame) -> dict:
    """Where the models agree and disagree, as facts for the report's sentences.

    Returns
    -------
    dict
        ``consensus_top``: channels in the top 3 of every model; ``leader``: the
        channel with the largest mean share of the data-driven models (Markov, Shapley);
        ``disputed``: the channel whose share varies most between models, with
        ``disputed_low_model`` / ``disputed_low`` and ``disputed_high_model`` /
        ``disputed_high`` (shares, fractions); ``last_touch_gap``: the channel last touch
        over-credits most against the data-driven mean, with ``last_touch_share`` and
        ``data_driven_share``; ``spread``: Series of (max - min) share per channel.
    """
    piv = models.pivot_table(index="channel", columns="model", values="share", aggfunc="sum").fillna(0.0)
    top3 = [set(piv[m].nlargest(3).index) for m in piv.columns]
    consensus = sorted(set.intersection(*top3)) if top3 else []
    dd = [m for m in DATA_DRIVEN if m in piv.columns] or list(piv.columns)
    dd_share = piv[dd].mean(axis=1)
    spread = (piv.max(axis=1) - piv.min(axis=1)).sort_values(ascending=False)
    disputed = spread.index[0]
    out = {
        "consensus_top": consensus,
        "leader": str(dd_share.idxmax()),
        "leader_share": float(dd_share.max()),
        "disputed": str(disputed),
        "disputed_low_model": str(piv.loc[disputed].idxmin()), "disputed_low": float(piv.loc[disputed].min()),
        "disputed_high_model": str(piv.loc[disputed].idxmax()), "disputed_high": float(piv.loc[disputed].max()),
        "spread": spread,
        "data_driven_share": dd_share.sort_values(ascending=False),
    }
    if "last_touch" in piv.columns:
        gap = (piv["last_touch"] - dd_share).sort_values(ascending=False)
        out.update(last_touch_gap=str(gap.index[0]), last_touch_share=float(piv.loc[gap.index[0], "last_touch"]),
                   last_touch_dd_share=float(dd_share[gap.index[0]]))
    return out


def budget_view(models: pd.DataFrame, spend: Mapping[str, float] | pd.Series | None) -> pd.DataFrame:
    """ROAS per paid channel under every model, and a direction for the budget.

    Returns
    -------
    DataFrame
        One row per channel with spend > 0: ``channel``, ``spend``, ``roas_min`` /
        ``roas_max`` (lowest and highest ROAS over all models), ``roas_data_driven``
        (value credited by the mean of Markov and Shapley / spend), ``suggestion``:
        ``"increase"`` when the data-driven ROAS is above 1.25× the median of the paid
        channels and every model gives a ROAS above 1, ``"decrease"`` when it is below
        0.75× that median or below 1, else ``"hold"``. Empty without spend.
    """
    cols = ["channel", "spend", "roas_min", "roas_max", "roas_data_driven", "suggestion"]
    if spend is None:
        return pd.DataFrame(columns=cols)
    s = pd.Series(spend, dtype=float)
    s = s[s > 0]
    if s.empty:
        return pd.DataFrame(columns=cols)
    val = models.pivot_table(index="channel", columns="model", values="value", aggfunc="sum").reindex(s.index).fillna(0.0)
    roas = val.div(s, axis=0)
    dd = [m for m in DATA_DRIVEN if m in val.columns] or list(val.columns)
    out = pd.DataFrame({"channel": s.index, "spend": s.to_numpy(), "roas_min": roas.min(axis=1).to_numpy(),
                        "roas_max": roas.max(axis=1).to_numpy(),
                        "roas_data_driven": (val[dd].mean(axis=1) / s).to_numpy()})
    med = float(out["roas_data_driven"].median())
    out["suggestion"] = np.where((out["roas_data_driven"] > 1.25 * med) & (out["roas_min"] > 1), "increase",
                        np.where((out["roas_data_driven"] < 0.75 * med) | (out["roas_data_driven"] < 1), "decrease", "hold"))
    return out.sort_values("roas_data_driven", ascending=False).reset_index(drop=True)


@dataclass
class Inputs:
    """What the attribution notebook works on (see :func:`load`)."""

    paths: pd.DataFrame
    source: str                              # "touchpoints" or "path file"
    touchpoints: pd.DataFrame | None = None
    spend: pd.Series | None = None           # cost per channel
    truth_share: dict | None = None          # planted true shares (demo shop only)
    unmapped_platforms: list | None = None


def load(data_path: str | Path = "", paths_file: str | Path = "", lookback_days: float = 30,
         merge_repeats: bool = False, max_length: int | None = None, ad_spend_file: str | Path = "") -> Inputs:
    """Read the inputs of an attribution report.

    ``paths_file`` (an aggregated path table, see :func:`read_paths`) wins when given;
    otherwise ``<data_path>/touchpoints.parquet|csv`` is read and turned into paths (with
    ages, for time decay in days). Ad spend comes from ``ad_spend_file`` or
    ``<data_path>/ad_spend.parquet|csv`` when present, mapped to channels by
    :func:`spend_by_channel`; the demo's planted truth from ``<data_path>/truth.json``
    (section ``touchpoints``) when present.
    """
    import json

    from trafficlib import sources

    folder = Path(data_path) if str(data_path) else None
    touch = None
    if str(paths_file):
        paths = read_paths(paths_file)
        source = "path file"
    else:
        if folder is None:
            raise TrafficDataError("give data_path (a folder with touchpoints) or paths_file")
        has_tp = any((folder / f"touchpoints{x}").exists() for x in (".parquet", ".csv"))
        has_s = any((folder / f"sessions{x}").exists() for x in (".parquet", ".csv"))
        if has_tp or not has_s:
            touch = sources.read_folder(folder, "touchpoints")
        else:  # no touchpoints export: one touch per session
            touch = touchpoints_from_sessions(sources.read_folder(folder, "sessions"))
        paths = paths_from_touchpoints(touch, lookback_days, merge_repeats=merge_repeats,
                                       max_length=max_length, with_ages=True)
        source = "touchpoints"
    channels = _encode(paths).channels
    spend, unmapped = None, None
    spend_file = Path(ad_spend_file) if str(ad_spend_file) else None
    if spend_file is None and folder is not None and not str(paths_file):
        for suffix in (".parquet", ".csv"):
            if (folder / f"ad_spend{suffix}").exists():
                spend_file = folder / f"ad_spend{suffix}"
                break
    if spend_file is not None:
        ad = sources.read(spend_file, "ad_spend")
        spend = spend_by_channel(ad, channels=channels)
        unmapped = spend.attrs.get("unmapped", [])
    truth = None
    if folder is not None and not str(paths_file) and (folder / "truth.json").exists():
        t = json.loads((folder / "truth.json").read_text(encoding="utf-8")).get("touchpoints") or {}
        truth = t.get("true_share")
    return Inputs(paths, source, touch, spend, truth, unmapped)


def model_table(models: pd.DataFrame, metric: str = "share", lang: str = "en") -> pd.DataFrame:
    """Wide table for reports: one row per channel, one column per model (labelled in
    ``lang``), values of ``metric`` (share, conversions, value or roas); channels sorted
    by the data-driven mean."""
    piv = models.pivot_table(index="channel", columns="model", values=metric, aggfunc="sum")
    cols = [m for m in MODELS + ["truth"] if m in piv.columns]
    piv = piv[cols]
    dd = [m for m in DATA_DRIVEN if m in piv.columns] or cols
    piv = piv.loc[piv[dd].mean(axis=1).sort_values(ascending=False).index]
    piv.columns = [_model_label(m, lang) for m in cols]
    return piv.reset_index()


def with_truth(models: pd.DataFrame, truth_share: Mapping[str, float] | None) -> pd.DataFrame:
    """``models`` plus rows of model ``"truth"`` (share and conversions scaled to the
    total conversions) when a planted truth is known."""
    if not truth_share:
        return models
    t = pd.Series(truth_share, dtype=float)
    total = float(models.loc[models["model"] == models["model"].iloc[0], "conversions"].sum())
    extra = pd.DataFrame({"channel": t.index, "model": "truth", "conversions": t.to_numpy() * total,
                          "value": np.nan, "share": t.to_numpy()})
    return pd.concat([models, extra], ignore_index=True)


def budget_summary(budget: pd.DataFrame) -> dict:
    """Facts for the budget sentence from :func:`budget_view`: channel lists
    ``increase``, ``hold``, ``decrease``, and ``uncertain`` (channels whose ROAS varies by
    more than 2× between models, or is not positive under some model)."""
    out = {k: budget.loc[budget["suggestion"] == k, "channel"].tolist() for k in ("increase", "hold", "decrease")}
    lo = budget["roas_min"].where(budget["roas_min"] > 0)
    ratio = budget["roas_max"] / lo
    out["uncertain"] = budget.loc[ratio.isna() | (ratio > 2), "channel"].tolist()
    return out
