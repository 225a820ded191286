"""Split ``"A > B > C"`` strings into token codes, in Arrow (C++) and numpy.

No Python work per string or per token: Arrow splits the strings and
dictionary-encodes the raw tokens (``" Paid Search "``, ``"Paid Search"``...); only
the distinct raw tokens (a few dozen) are trimmed in Python, and raw tokens that trim
to the same text share a code. Measured on 272 k paths (2.3 M touches): about 40 %
less CPU than trimming every token in Arrow before encoding it, and faster than two
byte-level numpy tokenizers tried (token spans keyed by their bytes, then verified).
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def _arrow_strings(values):
    """``values`` as one Arrow string array (zero-copy for Arrow-backed pandas strings)."""
    import pyarrow as pa

    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        arr = values
    else:
        try:
            arr = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            arr = None
        if arr is None or not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            arr = pa.array(np.asarray(values, dtype=object).astype(str), type=pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = arr.cast(pa.string())
    if arr.null_count:
        arr = arr.fill_null("")
    if pa.types.is_large_string(arr.type) and arr.nbytes < 2**31 - 1:
        arr = arr.cast(pa.string())  # 32-bit offsets: dictionary encoding is ~40 % faster
    return arr


def tokenize(values, sep: str = ">", sort: bool = False) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Split each string on ``sep`` and trim the tokens (Python's ``str.strip``).
    ``sort``: number the codes in the sorted order of the vocabulary.

    Returns
    -------
    (lengths, codes, vocab)
        ``lengths[i]`` (int64): tokens of string i (an empty string has one empty
        token); ``codes`` (int64): the code of every token, strings concatenated;
        ``vocab``: the text of each code.
    """
    arr = _arrow_strings(values)
    if len(arr) >= _PARALLEL_FROM:
        # Arrow's kernels release the GIL: two halves split on two cores, then their
        # vocabularies are merged (exactly the codes one pass would give)
        from concurrent.futures import ThreadPoolExecutor

        m = len(arr) // 2
        with ThreadPoolExecutor(2) as pool:
            parts = list(pool.map(lambda a: _split_encode(a, sep), (arr.slice(0, m), arr.slice(m))))
    else:
        parts = [_split_encode(arr, sep)]
    lengths = np.concatenate([p[0] for p in parts]) if len(parts) > 1 else parts[0][0]
    names = [str(x).strip() for p in parts for x in p[2]]
    merged, vocab = pd.factorize(pd.Index(names, dtype=object), sort=sort)
    vocab = [str(v) for v in vocab]
    codes, offset = [], 0
    for _, raw_codes, dictionary in parts:
        codes.append(merged[offset:offset + len(dictionary)].astype(np.int64)[raw_codes])
        offset += len(dictionary)
    return lengths, (np.concatenate(codes) if len(codes) > 1 else codes[0]), vocab


_PARALLEL_FROM = 100_000  # strings; below this a second thread costs about what it saves


def _split_encode(arr, sep: str):
    """(tokens per string, raw dictionary code of every token, raw dictionary) of one
    Arrow string array split on ``sep``."""
    import pyarrow.compute as pc

    lists = pc.split_pattern(arr, sep)
    lengths = pc.list_value_length(lists).to_numpy(zero_copy_only=False).astype(np.int64)
    enc = pc.dictionary_encode(pc.list_flatten(lists))
    return lengths, enc.indices.to_numpy(zero_copy_only=False), enc.dictionary.to_pylist()
