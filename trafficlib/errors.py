"""The one exception users see for bad input: :class:`TrafficDataError`."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence


def _rows_text(rows: Sequence[int], limit: int = 5) -> str:
    rows = list(rows)
    shown = ", ".join(str(r) for r in rows[:limit])
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return f"{shown}{more}"


class TrafficDataError(ValueError):
    """A data file (or table) that trafficlib cannot use, explained in one sentence.

    Attributes
    ----------
    file : str or None
        The file the data came from (or a label such as ``"<DataFrame>"``).
    column : str or None
        The column at fault, as named in the file when known.
    rows : list of int
        1-based line numbers in the file (header is line 1), at most a handful are
        quoted in the message.
    problem : str
        What is wrong, without the location.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        column: str | None = None,
        rows: Iterable[int] | None = None,
        hint: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = str(file) if file is not None else None
        self.column = column
        self.rows = [int(r) for r in rows] if rows is not None else []
        self.hint = hint
        super().__init__(self._message())

    def _message(self) -> str:
        where = []
        if self.file:
            where.append(f"{self.file}")
        if self.column:
            where.append(f"column '{self.column}'")
        if self.rows:
            label = "line" if len(self.rows) == 1 else "lines"
            where.append(f"{label} {_rows_text(self.rows)}")
        msg = (": ".join([", ".join(where), self.problem]) if where else self.problem)
        if self.hint:
            msg += f" ({self.hint})"
        return msg
