"""Path tables: read ChannelAttribution-style exports, build paths from touchpoints or
sessions (lookback window, repeats merged, length cap)."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib.attribution._common import PATH_COLUMNS, SEP
from trafficlib.errors import TrafficDataError


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
    internal error flagging empty paths or empty channel names. Vectorised: each path
    is split once in Arrow (see ``_tokens.tokenize``) and joined back in Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from trafficlib.attribution._tokens import tokenize

    s = paths.astype("string")
    missing = s.isna().to_numpy(dtype=bool)
    lengths, codes, vocab = tokenize(s.fillna(""), sep.strip() or sep)
    starts = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=starts[1:])
    bad = missing.copy()
    if "" in vocab and len(codes):
        empty_tok = (codes == vocab.index("")).astype(np.int64)
        bad |= np.add.reduceat(empty_tok, starts[:-1]) > 0 if len(lengths) else bad
    if bad.any():
        raise _BadPaths(bad)
    values = pa.array(np.asarray(vocab, dtype=object)[codes] if len(codes) else np.zeros(0, object), type=pa.string())
    lists = pa.ListArray.from_arrays(pa.array(starts.astype(np.int32 if starts[-1] < 2**31 else np.int64)), values)
    joined = pc.binary_join(lists, SEP).to_numpy(zero_copy_only=False)
    return pd.Series(np.asarray(joined, dtype=object), index=paths.index, dtype=object)


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


