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
    import pyarrow.compute as pc

    arr = _arrow_strings(values)
    lists = pc.split_pattern(arr, sep)
    lengths = pc.list_value_length(lists).to_numpy(zero_copy_only=False).astype(np.int64)
    enc = pc.dictionary_encode(pc.list_flatten(lists))
    raw_codes = enc.indices.to_numpy(zero_copy_only=False)
    names = [str(s).strip() for s in enc.dictionary.to_pylist()]
    merged, vocab = pd.factorize(pd.Index(names, dtype=object), sort=sort)
    vocab = [str(v) for v in vocab]
    if len(vocab) == len(names) and (merged == np.arange(len(names))).all():
        return lengths, raw_codes.astype(np.int64), vocab
    return lengths, merged.astype(np.int64)[raw_codes], vocab

