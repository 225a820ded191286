"""Readers: files (CSV, TSV, Parquet) into canonical tables.

:func:`load` recognises any export the kit knows (GA4 interface reports, GA4 BigQuery
events, Universal Analytics extracts, ad-platform reports, canonical tables...) from its
headers and preamble and returns an :class:`~trafficlib.readers.registry.Export`; the
readers themselves live in :mod:`trafficlib.readers`, one module per source family.

:func:`read` is the entry point: ``read("export.csv", "ad_spend")``. CSV files are
sniffed for their encoding (UTF-8 with or without BOM, else cp1252 / latin-1), their
separator (``,`` ``;`` tab ``|``) and their decimal mark, then handed to
:func:`trafficlib.schema.validate`, which maps French and English headers and parses
French or ISO dates and numbers. Files are only ever opened for reading.

Other modules build their format-specific readers (ad platforms, GA4 exports, rank
trackers) on :func:`read_raw`, which returns the file's cells as strings.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from trafficlib import schema
from trafficlib.filecache import cached  # the readers' cache (also called as sources.cached)
from trafficlib.errors import TrafficDataError
from trafficlib.readers._sheet import EXCEL_SUFFIXES, sheets
from trafficlib.readers.registry import Export, load  # noqa: F401  (the entry point for any export)
from trafficlib.yamlfiles import read_yaml  # noqa: F401  (kept here for existing imports)

__all__ = ["load", "Export", "read", "read_raw", "read_folder", "read_yaml", "decode", "sniff_separator",
           "export_files", "load_or_skip"]

_SEPARATORS = [",", ";", "\t", "|"]


def decode(data: bytes, file: str = "<bytes>") -> tuple[str, str]:
    """Decode file bytes; returns (text, encoding name).

    UTF-8 (a BOM is dropped) is tried first because it is strict: latin-1 text almost
    never decodes as valid UTF-8. Then, for text whose non-ASCII bytes come in runs (two
    or more in a row for most of them, as double-byte CJK encodings write every
    character, where French or German accents stand alone between ASCII letters), the
    East Asian code pages Excel saves in (cp932 for Japanese, gb18030 for Chinese,
    cp949 for Korean, big5), as charset-normalizer ranks them, when it decodes strictly
    to mostly CJK characters.
    Otherwise cp1252 (Excel's "ANSI" on French Windows, a superset of latin-1's
    printable range), and latin-1 as the last resort (it decodes any byte).
    """
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16"), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    cjk = _east_asian(data)
    if cjk is not None:
        return cjk
    for enc in ("cp1252", "latin-1"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise TrafficDataError("cannot decode the file's text", file=file)  # pragma: no cover


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]")


def _east_asian(data: bytes, sample: int = 1 << 16) -> tuple[str, str] | None:
    """(text, encoding) when ``data`` reads as a double-byte East Asian code page (see
    :func:`decode`), else None."""
    head = data[:sample]
    high = [i for i, b in enumerate(head) if b >= 0x80]
    if len(high) < 4:
        return None
    paired = sum(1 for i in high if (i + 1 < len(head) and head[i + 1] >= 0x80) or (i > 0 and head[i - 1] >= 0x80))
    if paired < 0.6 * len(high):
        return None  # accents standing alone: a Western code page
    # which of them: charset-normalizer (a well-kept detector) tells Japanese, Chinese and
    # Korean apart where each would decode the others' bytes without error
    from charset_normalizer import from_bytes

    best = from_bytes(head, cp_isolation=["cp932", "gb18030", "cp949", "big5"]).best()
    if best is None:
        return None
    enc = best.encoding
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return None
    wide = [c for c in text[:sample] if ord(c) >= 0x80]
    if wide and sum(1 for c in wide if _CJK.match(c)) >= 0.8 * len(wide):
        return text, enc
    return None


def sniff_separator(text: str) -> str:
    """The field separator of CSV ``text``: the candidate that splits the most lines
    into the same, largest number of fields (quotes respected; title lines of one field
    and ``#`` comments are not judged). One rule for every reader
    (:func:`trafficlib.readers._sheet.sniff`)."""
    from trafficlib.readers._sheet import sniff

    return sniff(text.splitlines()[:60])


def _skip_preamble(text: str, sep: str) -> tuple[str, int]:
    """Drop title lines some exports put above the header (Google Ads puts a report
    title and a date range; Google Trends a 'Category:' line). Returns (text, lines
    dropped)."""
    lines = text.splitlines(keepends=True)
    head = lines[:10]
    counts = [len(next(csv.reader([ln], delimiter=sep), [])) if ln.strip() else 0 for ln in head]
    if not counts:
        return text, 0
    # The header is the first line as wide as most lines below it (the data rows);
    # title lines are narrower. A single ragged data row does not move the header.
    from collections import Counter

    for i, n in enumerate(counts):
        rest = [c for c in counts[i:] if c]
        if n >= 2 and rest and n == max(Counter(rest).most_common(), key=lambda kv: (kv[1], kv[0]))[0]:
            return "".join(lines[i:]), i
    return text, 0


def _sheet_frame(p: Path, sheet: str | None = None) -> pd.DataFrame:
    """The first table of a spreadsheet (.xlsx, .xls, .ods) as strings, with the same
    ``attrs`` as a CSV read by :func:`read_raw` (file, line_numbers = worksheet rows,
    preamble = the lines above the header)."""
    block = sheets(p, sheet)[0]
    width = len(block.header)
    rows = [(r + [""] * width)[:width] for r in block.rows]
    frame = pd.DataFrame(rows, columns=[str(h).strip() for h in block.header], dtype="string")
    frame = frame.replace("", pd.NA).astype(object)
    keep = ~frame.isna().all(axis=1)
    frame = frame[keep.to_numpy()].reset_index(drop=True)
    frame.attrs = {"file": str(p), "line_numbers": schema.Lines(ln for ln, k in zip(block.lines, keep) if k),
                   "separator": None, "encoding": None, "decimal": None, "preamble": list(block.preamble)}
    if frame.empty:
        raise TrafficDataError("no data rows below the header", file=str(p))
    return frame


def read_raw(path: str | Path) -> pd.DataFrame:
    """Read a CSV/TSV/Parquet/spreadsheet file as-is: every cell a string (empty -> NA);
    a spreadsheet's first table is read (see :func:`trafficlib.readers._sheet.sheets`).

    The frame's ``attrs["line_numbers"]`` holds each row's 1-based line in the file so
    errors can point at it, and ``attrs["file"]`` the path. Raises
    :class:`TrafficDataError` for missing, empty or malformed files.
    """
    p = Path(path)
    file = str(path)
    if not p.exists():
        raise TrafficDataError("file not found", file=file)
    if p.is_dir():
        raise TrafficDataError("is a folder, expected a file", file=file)
    suffix = p.suffix.lower()
    if suffix in (".parquet", ".pq"):
        try:
            frame = pd.read_parquet(p)
        except Exception as exc:  # pyarrow raises many types; one message for the user
            raise TrafficDataError(f"not a readable Parquet file ({type(exc).__name__})", file=file) from None
        frame.attrs = {"file": file}
        return frame
    if suffix in EXCEL_SUFFIXES:
        return _sheet_frame(p)
    data = p.read_bytes()
    if not data.strip():
        raise TrafficDataError("the file is empty", file=file)
    text, _enc = decode(data, file)
    try:
        sep = sniff_separator(text)
        text, skipped = _skip_preamble(text, sep)
    except csv.Error as exc:  # e.g. a multi-megabyte field: one readable line, not _csv.Error
        raise TrafficDataError(f"malformed CSV ({exc})", file=file,
                               hint="a field this long is usually a broken quote or a binary file") from None
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
            na_values=[""], skipinitialspace=True, engine="c",
        )
    except pd.errors.EmptyDataError:
        raise TrafficDataError("the file is empty", file=file) from None
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if m:
            raise TrafficDataError(
                f"expected {m.group(1)} fields but found {m.group(3)}",
                file=file, rows=[int(m.group(2)) + skipped],
                hint=f"separator detected: {sep!r}; check quoting on that line",
            ) from None
        raise TrafficDataError("malformed CSV", file=file) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    dup = [c for c in frame.columns if re.search(r"\.\d+$", c) and c.rsplit(".", 1)[0] in frame.columns]
    if dup:
        raise TrafficDataError("duplicated column header", file=file, column=dup[0].rsplit(".", 1)[0])
    frame = frame.dropna(how="all")
    # index holds the 0-based data row; +2 = header line + 1-based, + any preamble.
    frame.attrs = {"file": file, "line_numbers": schema.Lines((frame.index.to_numpy() + 2 + skipped).tolist()),
                   "separator": sep, "encoding": _enc,
                   # a ','-separated file cannot use the decimal comma unquoted; quoted
                   # "1,234" there is a thousands separator
                   "decimal": "." if sep == "," else None}
    return frame


def read(path: str | Path, table: str) -> pd.DataFrame:
    """Read ``path`` (CSV, TSV or Parquet) as the canonical ``table``.

    ``table`` is one of :data:`trafficlib.schema.TABLES` (events, sessions,
    touchpoints, ad_spend, competitors, rankings, auction_insights, trends). Returns a
    DataFrame with the canonical columns and dtypes (see :mod:`trafficlib.schema`).
    Raises :class:`trafficlib.TrafficDataError` with the file, column and lines at
    fault. The file is never modified. A file read again unchanged (same size and
    modification time) is served from a small in-process cache, as a copy.
    """
    if table not in schema.TABLES:
        raise TrafficDataError(f"unknown table '{table}'", hint="one of " + ", ".join(schema.TABLES))
    if table == "touchpoints":  # logs come under many header synonyms and flag spellings (yes/True/1)
        from trafficlib.readers.canonical import read_touchpoints

        return cached(path, "read", lambda: read_touchpoints(path).frame, table)
    return cached(path, "read", lambda: schema.validate(read_raw(path), table, file=str(path)), table)


def export_files(path: str | Path, suffixes, missing: str = "file or folder not found") -> list[Path]:
    """The files a report reads from ``path``: the file itself, or the folder's files
    whose suffix is in ``suffixes``, in name order. Raises :class:`TrafficDataError`
    (``missing``) when the path does not exist."""
    p = Path(path)
    if not p.exists():
        raise TrafficDataError(missing, file=str(p))
    if p.is_file():
        return [p]
    return sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in suffixes)


def load_or_skip(f: Path, skipped: list, given_file: bool, on_mismatch: str = "error") -> Export | None:
    """:func:`load` of one file of a folder: its :class:`Export`, or None with
    ``(file, why)`` appended to ``skipped`` when it cannot be read. A file the user gave
    by itself (``given_file``) is not skipped: its error is raised."""
    try:
        return load(f, on_mismatch=on_mismatch)
    except TrafficDataError as exc:
        if given_file:
            raise
        skipped.append((str(f), str(exc).splitlines()[0]))
        return None


def read_folder(folder: str | Path, table: str) -> pd.DataFrame:
    """Read ``<folder>/<table>.parquet`` or ``<table>.csv`` (the demo shop's layout)."""
    folder = Path(folder)
    for suffix in (".parquet", ".csv"):
        candidate = folder / f"{table}{suffix}"
        if candidate.exists():
            return read(candidate, table)
    raise TrafficDataError(f"no '{table}' table in this folder (looked for {table}.parquet / {table}.csv)",
                           file=str(folder))


