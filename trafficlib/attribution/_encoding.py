"""Encoded paths: the compact representation (channel codes, offsets, counts) every
model works on, built from the path table with numpy only (no work per path in
Python)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

import numpy as np
import pandas as pd

from trafficlib.attribution._tokens import tokenize
from trafficlib.errors import TrafficDataError


@dataclass(eq=False)
class _Encoded:
    channels: list[str]          # channel names, code = index
    codes: np.ndarray            # channel code of every touch, paths concatenated
    offsets: np.ndarray          # first touch index of each path
    lengths: np.ndarray          # touches per path
    conv: np.ndarray             # conversions per path
    value: np.ndarray            # value per path
    nulls: np.ndarray            # nulls per path
    ages: np.ndarray | None = None  # days before the path end, per touch

    @cached_property
    def path_of_touch(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.lengths)), self.lengths)

    @cached_property
    def pos(self) -> np.ndarray:
        return np.arange(len(self.codes)) - np.repeat(self.offsets, self.lengths)

    @cached_property
    def is_start(self) -> np.ndarray:
        s = np.zeros(len(self.codes), bool)
        s[self.offsets] = True
        return s

    @property
    def last(self) -> np.ndarray:
        """Index of the last touch of each path."""
        return self.offsets + self.lengths - 1


def _check_paths(paths: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(paths, pd.DataFrame) or "path" not in paths or "conversions" not in paths:
        raise TrafficDataError("a path table needs columns path and conversions (value, nulls optional)",
                               file=getattr(paths, "attrs", {}).get("file", "<DataFrame>"))
    return paths


def _split_paths(upaths) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Split paths written ``A > B``: (touches per path, channel code of every touch,
    channel names sorted)."""
    return tokenize(upaths, ">", sort=True)


def _encode(paths: pd.DataFrame, channels: Sequence[str] | None = None) -> _Encoded:
    """Encode a path table: every row is split once, in numpy (see ``_tokens``).

    Rows are not aggregated first: every model is a sum over paths weighted by their
    counts, so a path listed twice counts as its two rows added (the result is the
    same), and the cost grows with the touches of the table. Rows without conversions
    or nulls are dropped (their channels are not listed).
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
    col = paths["path"]
    if col.isna().any():
        raise TrafficDataError("empty path in the path table", column="path", file=file)
    lengths, codes, names = tokenize(col, ">", sort=True)
    if "" in names:
        empty = names.index("")
        starts = np.r_[0, np.cumsum(lengths)[:-1]]
        bad_tok = np.add.reduceat(codes == empty, starts) > 0
        raise TrafficDataError("empty channel name in path(s): " + "; ".join(map(str, np.asarray(col, dtype=object)[bad_tok][:3])),
                               column="path", file=file)
    ages = None
    if "ages" in paths:
        alen, acodes, avocab = tokenize(paths["ages"].astype(str), ">")
        if not np.array_equal(alen, lengths):
            raise TrafficDataError("'ages' must list one age per touch of the path", column="ages", file=file)
        ages = pd.to_numeric(pd.Series(avocab, dtype=object), errors="coerce").to_numpy(float)[acodes]
    keep = (conv + nulls) > 0
    if not keep.all():  # rows that weigh nothing: drop their touches
        kt = np.repeat(keep, lengths)
        codes = codes[kt]
        ages = ages[kt] if ages is not None else None
        lengths, conv, value, nulls = lengths[keep], conv[keep], value[keep], nulls[keep]
        used = np.bincount(codes, minlength=len(names)) > 0 if len(codes) else np.zeros(len(names), bool)
        if not used.all():  # channels seen only on dropped rows are not listed
            codes = (np.cumsum(used) - 1)[codes]
            names = [nm for nm, u in zip(names, used) if u]
    if channels is None:
        channels = names
    else:
        channels = list(channels)
        codes = pd.Index(channels).get_indexer(np.asarray(names, dtype=object))[codes]
    offsets = np.zeros(len(lengths), np.int64)
    if len(lengths) > 1:
        np.cumsum(lengths[:-1], out=offsets[1:])
    return _Encoded(list(channels), np.asarray(codes, np.int64), offsets, lengths.astype(np.int64),
                    conv, value, nulls, ages)
