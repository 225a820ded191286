"""The tables inside an export file, as strings: what every reader starts from.

Exports are not tidy CSV. GA4 puts ``#`` comment lines (property, date range) above the
header and may hold several tables separated by blank lines; Google Ads puts a report
title and a date range above it; Explorations add a "Grand total" line with one field
more than the header; Excel downloads hold the same layouts in worksheets. :func:`sheets`
reads any of these into :class:`Sheet` objects, one per table block, with the lines
above each header kept as its ``preamble`` and every cell a string (``""`` when empty),
so readers recognise a format from its headers and preamble and never from a file name.

Files are only ever opened for reading.
"""
from __future__ import annotations

import csv
import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from trafficlib.errors import TrafficDataError

__all__ = ["Sheet", "sheets", "head_sheets", "decode_file", "TEXT_SUFFIXES", "EXCEL_SUFFIXES", "TotalRow", "Split",
           "split_totals", "total_label", "TOTAL_LABEL", "decimal_mark"]

TEXT_SUFFIXES = (".csv", ".tsv", ".txt", "")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_SEPARATORS = (",", ";", "\t", "|")


@dataclass
class Sheet:
    """One table block of a file.

    ``header`` holds the column names as written; ``rows`` the cells (strings, ragged
    rows kept as they are); ``lines`` the 1-based line of each row in the file (the row
    number for a worksheet); ``preamble`` the non-empty lines above the header (``#``
    comments stripped of their ``#``, title lines as text); ``where`` names the block in
    messages ("sheet 'Report'", "table 2").
    """

    file: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    preamble: list[str] = field(default_factory=list)
    header_line: int = 1
    separator: str | None = None
    encoding: str | None = None
    where: str = ""

    @property
    def width(self) -> int:
        return len(self.header)


def decode_file(path: Path) -> tuple[str, str]:
    """The text of a file and the encoding used (see :func:`trafficlib.sources.decode`)."""
    from trafficlib.sources import decode

    data = path.read_bytes()
    if not data.strip(b"\x00\r\n\t \xef\xbb\xbf\xff\xfe"):
        raise TrafficDataError("the file is empty", file=str(path))
    return decode(data, str(path))


def sniff(lines: list[str]) -> str:
    """The separator that splits most body lines into the same, widest field count."""
    best, best_score = ",", (0, 0)
    sample = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")][:60]
    for sep in _SEPARATORS:
        try:
            widths = [len(r) for r in csv.reader(sample, delimiter=sep)]
        except csv.Error:
            continue
        widths = [w for w in widths if w >= 2]
        if not widths:
            continue
        modal = max(set(widths), key=lambda w: (widths.count(w), w))
        score = (widths.count(modal), modal)
        if score > best_score:
            best, best_score = sep, score
    return best


def _blocks(records: list[tuple[int, list[str]]], comments: list[tuple[int, str]], file: str,
            separator: str | None, encoding: str | None, label: str) -> list[Sheet]:
    """Split (line, cells) records into table blocks at blank records; lines above a
    block's header that are narrower than its body are the block's preamble."""
    out: list[Sheet] = []
    groups: list[list[tuple[int, list[str]]]] = [[]]
    for line, cells in records:
        if not any(c.strip() for c in cells):
            if groups[-1]:
                groups.append([])
            continue
        groups[-1].append((line, cells))
    pending: list[str] = []
    ci = 0
    for group in groups:
        if not group:
            continue
        first_line = group[0][0]
        while ci < len(comments) and comments[ci][0] < first_line:
            pending.append(comments[ci][1])
            ci += 1
        widths = [sum(1 for c in cells if c.strip()) for _, cells in group]
        body = [len(cells) for _, cells in group]
        # header: the first line whose width (cells written) is at least that of most lines below
        modal = max(set(body), key=lambda w: (body.count(w), w))
        # (a title line such as "January 17, 2024 - February 15, 2024" written without quotes
        # splits on its commas, but is narrower than the table below it)
        h = next((i for i, (_, cells) in enumerate(group) if len(cells) >= max(modal, 2) and widths[i] >= 2), None)
        if h is None:
            h = next((i for i, (_, cells) in enumerate(group) if len(cells) >= min(modal, 2) and widths[i] >= 2), None)
        if h is None:  # a block of one-field lines: titles of the next block
            pending.extend(",".join(c for c in cells if c.strip()) for _, cells in group)
            continue
        glue = (separator + " ") if separator and separator != "\t" else " "  # put a split title line back together
        pre = pending + [glue.join(c.strip() for c in cells if c.strip()) for _, cells in group[:h]]
        pending = []
        header = [c.replace("\ufeff", "").strip() for c in group[h][1]]
        while header and not header[-1] and all(len(cells) < len(header) or not cells[len(header) - 1].strip()
                                                 for _, cells in group[h + 1:]):
            header.pop()  # a trailing separator on every line
        rows = [cells for _, cells in group[h + 1:]]
        lines = [line for line, _ in group[h + 1:]]
        n = len(out) + 1
        out.append(Sheet(file=file, header=header, rows=rows, lines=lines, preamble=pre,
                         header_line=group[h][0], separator=separator, encoding=encoding,
                         where=f"{label}table {n}" if label or n > 1 else ""))
    return out


def _text_sheets(path: Path) -> list[Sheet]:
    text, enc = decode_file(path)
    lines = text.splitlines()
    sep = "\t" if path.suffix.lower() == ".tsv" else sniff(lines)
    return _parse_lines(lines, path, sep, enc)


def _parse_lines(lines: list[str], path: Path, sep: str, enc: str) -> list[Sheet]:
    records: list[tuple[int, list[str]]] = []
    comments: list[tuple[int, str]] = []
    # csv.reader over the whole text keeps quoted newlines inside a field
    numbered = _Numbered(sep)
    reader = csv.reader(numbered(lines, comments), delimiter=sep)
    try:
        for cells in reader:
            records.append((numbered.current, [c.strip() for c in cells]))
    except csv.Error as exc:
        raise TrafficDataError(f"malformed CSV ({exc})", file=str(path), rows=[numbered.current]) from None
    return _blocks(records, comments, str(path), sep, enc, "")


# a line that ends a table block: blank, separators only, or a "#" comment
_BLOCK_END = re.compile(r'^(?:[^\S\n]|[",;|])*$|^[^\S\n]*#', re.MULTILINE)


def head_sheets(path: str | Path, n_lines: int = 200) -> list[Sheet] | None:
    """The table blocks of a text export as :func:`sheets` finds them, parsed from its
    first ``n_lines`` lines only (headers, preambles and first rows; the last block's
    rows cut short), or None when that could miss a block: a file of ``n_lines`` lines
    or fewer (read it whole), a spreadsheet, a binary file, or a line after the head
    that could end a block and start another (blank, separators only, ``#`` comment).

    For recognising a file without parsing all of it: the headers of every table of
    a 5 MB rank-tracker export are known from its first lines.
    """
    p = Path(path)
    if p.suffix.lower() not in TEXT_SUFFIXES or not p.is_file():
        return None
    with p.open("rb") as fh:
        start = fh.read(4096)
    if b"\x00" in start and not start.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    text, enc = decode_file(p)
    lines = text.splitlines()
    if len(lines) <= n_lines:
        return None
    if _BLOCK_END.search("\n".join(lines[n_lines:])):
        return None
    sep = "\t" if p.suffix.lower() == ".tsv" else sniff(lines)
    try:
        found = _parse_lines(lines[:n_lines], p, sep, enc)
    except TrafficDataError:
        return None  # a quoted field cut by the head: let the whole file be read
    if not found or len(found[-1].rows) < 3:
        return None
    return found


class _Numbered:
    """Iterates text lines for csv.reader, remembering the current 1-based line and
    diverting ``#`` comment lines (GA4's preamble) to a list.

    A ``#`` line is a comment only where a preamble can stand: at the start of the
    file, after a blank line or after another comment. Inside a table, a line that
    starts with ``#`` and splits into as many fields as a table row is data (a Search
    Console query ``#brand``, a hashtag campaign); a one-field ``#`` line there (GA4's
    ``# ------`` above its next section) is a comment and ends the table.
    """

    def __init__(self, separator: str = ",") -> None:
        self.current = 0
        self.separator = separator

    def _fields(self, line: str) -> int:
        try:
            return len(next(csv.reader([line], delimiter=self.separator), []))
        except csv.Error:
            return 1

    def _header_hash(self, lines: list[str], i: int) -> bool:
        """Whether line ``i`` (0-based), the file's first line, starting with ``#``, is a
        header whose first column is named ``#`` (Ahrefs' row-number column:
        ``#<tab>Keyword<tab>...``): it splits into as many fields (at least 2) as the
        next non-blank line, and that line is not a comment."""
        width = self._fields(lines[i])
        nxt = next((ln for ln in lines[i + 1:i + 5] if ln.strip()), None)
        return width >= 2 and nxt is not None and not nxt.lstrip().startswith("#") and self._fields(nxt) == width

    def __call__(self, lines: list[str], comments: list[tuple[int, str]]):
        in_table = False  # the previous line was a table row (not blank, not a comment)
        for i, ln in enumerate(lines, start=1):
            self.current = i
            stripped = ln.lstrip()
            if stripped.startswith("#") and i == 1 and self._header_hash(lines, 0):
                in_table = True
                yield ln
                continue
            if stripped.startswith("#") and not (in_table and self._fields(ln) >= 2):
                comments.append((i, stripped[1:].strip()))
                in_table = False
                yield ""  # a comment line also ends the table above it
                continue
            in_table = bool(ln.strip(" \t\r\n" + self.separator + '"'))
            yield ln



def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return repr(value) if value != int(value) or abs(value) > 1e15 else str(int(value))
    if isinstance(value, (_dt.datetime, _dt.date)):
        if isinstance(value, _dt.datetime) and (value.hour, value.minute, value.second) != (0, 0, 0):
            return value.isoformat(sep=" ")
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _records(rows) -> tuple[list, list]:
    """(records, comments) from worksheet rows: ``#`` lines (GA4) become comments."""
    records, comments = [], []
    for i, row in enumerate(rows, start=1):
        cells = [_cell(v) for v in row]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) == 1 and cells[0].startswith("#"):
            comments.append((i, cells[0][1:].strip()))
            records.append((i, []))
            continue
        records.append((i, cells))
    return records, comments


def _excel_sheets(path: Path, sheet: str | None = None) -> list[Sheet]:
    """Worksheets of an .xlsx/.xlsm/.xls/.ods file. python-calamine (Rust's calamine:
    fast, reads every Excel format) is used; openpyxl is the fallback for .xlsx."""
    wanted = None if sheet is None else str(sheet).strip().lower()
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a declared dependency
        CalamineWorkbook = None
    out: list[Sheet] = []
    if CalamineWorkbook is not None:
        try:
            book = CalamineWorkbook.from_path(str(path))
            names = list(book.sheet_names)
            for name in names:
                if wanted is not None and name.strip().lower() != wanted:
                    continue
                records, comments = _records(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
                out.extend(_blocks(records, comments, str(path), None, None, f"sheet '{name}' "))
        except Exception as exc:  # calamine raises its own error types: one message
            if path.suffix.lower() not in (".xlsx", ".xlsm"):
                raise TrafficDataError(f"not a readable spreadsheet ({type(exc).__name__})", file=str(path)) from None
            out = _openpyxl_sheets(path, wanted)
            names = None
    else:
        out, names = _openpyxl_sheets(path, wanted), None
    if wanted is not None and not out:
        raise TrafficDataError(f"no sheet named '{sheet}'" + (f" (sheets: {', '.join(names)})" if names else ""),
                               file=str(path))
    return out


def _openpyxl_sheets(path: Path, wanted: str | None) -> list[Sheet]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a declared dependency
        raise TrafficDataError("reading .xlsx needs python-calamine or openpyxl", file=str(path)) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip/xml errors of many kinds: one message
        raise TrafficDataError(f"not a readable Excel workbook ({type(exc).__name__})", file=str(path)) from None
    out: list[Sheet] = []
    try:
        for ws in book.worksheets:
            if wanted is not None and ws.title.strip().lower() != wanted:
                continue
            records, comments = _records(ws.iter_rows(values_only=True))
            out.extend(_blocks(records, comments, str(path), None, None, f"sheet '{ws.title}' "))
    finally:
        book.close()
    return out


def sheets(path: str | Path, sheet: str | None = None) -> list[Sheet]:
    """Every table block of a CSV/TSV/text or spreadsheet file (.xlsx, .xlsm, .xls,
    .ods), in file order; ``sheet`` keeps only the worksheet of that name.

    Raises :class:`TrafficDataError` for a missing, empty, binary or unreadable file.
    """
    p = Path(path)
    if not p.exists():
        raise TrafficDataError("file not found", file=str(path))
    if p.is_dir():
        raise TrafficDataError("is a folder, expected a file", file=str(path))
    suffix = p.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        found = _excel_sheets(p, sheet)
    else:
        head = p.read_bytes()[:4096]
        if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise TrafficDataError("a binary file, not a text export", file=str(path))
        found = _text_sheets(p)
    if not found:
        raise TrafficDataError("no table found in the file", file=str(path))
    return found


# ------------------------------------------------------------------ total rows
#
# One rule for every reader (GA4, Search Console, ad platforms, market data): a row is a
# total when a label cell says so, in any interface language, wherever that cell stands
# (first column, last column, a field beyond the header as GA4 Explorations write it,
# or any dimension cell), or when all its dimension cells are empty at the top or the
# bottom of a table that has dimensions and it is at least as large as every data row
# in its count columns. A row with empty dimensions in the MIDDLE of a table is data
# (GA4 lists a landing page "" with its 13 sessions), and so is a search term that
# merely starts with the word ("total war game").

_TOTAL_WORDS = (
    "grand total", "grand totals", "total general", "total général", "total geral", "totale complessivo",
    "totale generale", "suma total", "total global", "gesamtsumme", "gesamtergebnis", "eindtotaal", "totaal",
    "totals", "totaux", "totales", "totale", "total", "gesamt", "summe", "suma", "razem", "summa", "yhteensä",
    "итого", "всего", "合計", "合计", "總計", "总计", "總和", "总和", "総計", "총계", "합계", "toplam", "المجموع",
    "suma całkowita", "łącznie", "celkem", "totalt", "i alt",
)
TOTAL_LABEL = re.compile(
    r"^\s*(?P<word>" + "|".join(re.escape(w) for w in sorted(_TOTAL_WORDS, key=len, reverse=True)) + r")"
    r"\s*(?:(?P<colon>[:：]|\s[-–—]\s)\s*(?P<level>.*?))?\s*$",
    re.IGNORECASE)
_EMPTY_DIM = {"", "--", "—", "–"}


def total_label(cell: str | None) -> tuple[str, str] | None:
    """``(label, level)`` when ``cell`` is a total label (``"Total"``, ``"Grand total"``,
    ``"Total général"``, ``"Gesamt"``, ``"合计"``, ``"Total: Search terms"`` ->
    level ``"Search terms"``; level ``""`` when the label names none), else None."""
    if not cell:
        return None
    m = TOTAL_LABEL.match(str(cell))
    if not m:
        return None
    return str(cell).strip(), (m.group("level") or "").strip()


@dataclass
class TotalRow:
    """A total row of a table: its ``label`` as written (``""`` for an unlabelled row of
    empty dimensions), the ``level`` it names (``"Account"`` in ``"Total: Account"``),
    its ``cells`` cut or padded to the header's width, its 1-based ``line`` in the file
    and ``how`` it was recognised: ``"label"``, ``"top"`` or ``"bottom"``."""

    label: str
    level: str
    cells: list[str]
    line: int
    how: str


@dataclass
class Split:
    """A table's data rows (cells padded to the header's width), their file ``lines``,
    and its :class:`TotalRow` s in file order."""

    rows: list[list[str]]
    lines: list[int]
    totals: list[TotalRow]


def _loose_numbers(cells: list[str]) -> list[float | None]:
    """Cells as numbers, any locale (for comparing a candidate total with the rows only)."""
    from trafficlib.readers._numbers import numbers
    import pandas as pd

    vals, bad = numbers(pd.Series(cells, dtype="string").fillna(""))
    return [None if (b or v != v) else float(v) for v, b in zip(vals.tolist(), bad.tolist())]


def _dominates(candidate: list[str], data: list[list[str]], metrics: list[int]) -> bool:
    """Whether ``candidate`` is at least as large as every data row in each count
    column (whole numbers only, above 1 somewhere: rates and averages are not compared).
    True when no column can tell."""
    for m in metrics:
        column = _loose_numbers([r[m] for r in data] + [candidate[m]])
        *rows, mine = column
        known = [v for v in rows if v is not None]
        if mine is None or not known:
            continue
        if all(float(v).is_integer() for v in known) and max(known) > 1:
            if mine + 1e-9 < max(known):
                return False
    return True


def split_totals(sheet: Sheet, dims, metrics=(), *, file: str | None = None,
                 label_anywhere: bool = False) -> Split:
    """Separate a table's total rows from its data rows (the rule above).

    Parameters
    ----------
    sheet : Sheet
        The table block.
    dims : iterable of int
        Positions of the dimension columns (what a row is about: channel, page,
        campaign, search term...). Date columns that a summary row fills (Meta's
        "Reporting starts") should not be listed.
    metrics : iterable of int
        Positions of additive metric columns, to check that an unlabelled candidate
        is as large as the rows it would total.
    label_anywhere : bool
        Look for a label in every cell (not only first, last, beyond the header and
        dimension cells).

    Returns a :class:`Split`. Raises :class:`TrafficDataError` naming the file and line
    for a row with more fields than the header that is not a total row.
    """
    file = file or sheet.file
    width = sheet.width
    dims = [d for d in dims if d < width]
    metrics = [m for m in metrics if m < width]
    kept: list[tuple[list[str], int]] = []
    totals: list[TotalRow] = []
    for raw, line in zip(sheet.rows, sheet.lines):
        cells = [c.strip() for c in raw]
        extra = cells[width:]
        cells = (cells[:width] + [""] * width)[:width]
        if not any(cells) and not any(extra):
            continue
        label = None
        if any(extra):
            found = [total_label(c) for c in extra if c]
            if len(found) == 1 and found[0] is not None:
                label = found[0]
            else:
                raise TrafficDataError(f"{len(raw)} fields where the header has {width}", file=file, rows=[line],
                                       hint="check the separator and quoting on that line")
        if label is None:
            where = range(width) if label_anywhere else sorted({0, width - 1, *dims})
            for i in where:
                found = total_label(cells[i])
                if found is None:
                    continue
                others = [cells[j] for j in dims if j != i]
                # "Total: Search" in the first column is a total even where the campaign type is filled
                if (found[1] and i == 0) or all(c in _EMPTY_DIM for c in others):
                    label = found
                    break
        if label is not None:
            totals.append(TotalRow(label[0], label[1], cells, line, "label"))
            continue
        kept.append((cells, line))
    # unlabelled totals: every dimension empty, above the first or below the last data row
    has_dim = [any(cells[j] not in _EMPTY_DIM for j in dims) for cells, _ in kept]
    if dims and any(has_dim):
        first = has_dim.index(True)
        last = len(has_dim) - 1 - has_dim[::-1].index(True)
        data = [cells for (cells, _), h in zip(kept, has_dim) if h]
        out: list[tuple[list[str], int]] = []
        for k, ((cells, line), h) in enumerate(zip(kept, has_dim)):
            edge = "top" if k < first else "bottom" if k > last else None
            if not h and edge and _dominates(cells, data, metrics):
                totals.append(TotalRow("", "", cells, line, edge))
            else:
                out.append((cells, line))
        kept = out
    totals.sort(key=lambda t: t.line)
    return Split([c for c, _ in kept], [ln for _, ln in kept], totals)


def decimal_mark(sheet: Sheet, positions=None) -> str | None:
    """The decimal mark of a table's numbers, voted by the cells that can be read only
    one way (``12,5`` or ``0.75``; ``1,234`` and ``1.234`` do not vote), over the
    columns at ``positions`` (default: all). None when no cell decides."""
    from trafficlib.readers._numbers import _DEC_COMMA, _DEC_POINT

    comma = point = 0
    cols = range(sheet.width) if positions is None else list(positions)
    for row in sheet.rows[:2000]:
        for i in cols:
            if i >= len(row):
                continue
            c = re.sub(r"[\s\u00a0\u202f€$£%]", "", row[i])
            if not c or not c[-1].isdigit():
                continue
            if _DEC_COMMA.fullmatch(c):
                comma += 1
            elif _DEC_POINT.fullmatch(c):
                point += 1
    if comma > point:
        return ","
    if point > comma:
        return "."
    return None
