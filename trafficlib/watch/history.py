"""The watch's memory: one DuckDB file.

Tables (created on first use):

- ``runs``: one row per run (id, start time UTC, folder, new files, new snapshots,
  alerts raised);
- ``files``: every file seen, by the sha256 of its bytes, read or refused (with the
  reason), so a file already seen is neither read nor reported again;
- ``snapshots``: one row per export read: ``source`` (the reader's kind, e.g.
  ``ga4/report``), ``tbl`` (canonical table), period, file hash, label, row count;
- ``rows_<table>``: the export's canonical rows, with ``snapshot_id`` (columns empty in
  the whole file are not stored; a column seen for the first time is added);
- ``alerts``: every alert raised (``state`` "new"), and each later day the same change
  went on ("ongoing"), with its figures (texts are rendered from them);
- ``figures``: the daily value of each watched figure, for the history page.

A run writes all of this in ONE transaction (:meth:`History.begin` /
:meth:`History.commit`): a run killed half-way leaves the file as it was before, and
the next run does the whole work again.
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd

from trafficlib.errors import TrafficDataError

__all__ = ["History", "open_history"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs(id INTEGER PRIMARY KEY, started_at TIMESTAMP, folder VARCHAR,
    files_new INTEGER, snapshots INTEGER, alerts INTEGER);
CREATE TABLE IF NOT EXISTS files(digest VARCHAR PRIMARY KEY, label VARCHAR, status VARCHAR, reason VARCHAR,
    run_id INTEGER);
CREATE TABLE IF NOT EXISTS snapshots(id INTEGER PRIMARY KEY, run_id INTEGER, digest VARCHAR, label VARCHAR,
    source VARCHAR, tbl VARCHAR, period_start DATE, period_end DATE, n_rows INTEGER);
CREATE TABLE IF NOT EXISTS alerts(id INTEGER PRIMARY KEY, run_id INTEGER, day DATE, rule VARCHAR, area VARCHAR,
    subject VARCHAR, metric VARCHAR, value DOUBLE, expected DOUBLE, low DOUBLE, high DOUBLE, unit VARCHAR,
    detail VARCHAR, state VARCHAR);
CREATE TABLE IF NOT EXISTS figures(figure VARCHAR, day DATE, value DOUBLE, PRIMARY KEY (figure, day));
"""
_TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


def open_history(path: Path | None) -> "History":
    """The history at ``path`` (created when absent), or an in-memory one for None
    (a dry run without history). Raises TrafficDataError when the file is not a DuckDB
    database or is held by another program."""
    try:
        con = duckdb.connect(":memory:" if path is None else str(path))
    except (duckdb.IOException, duckdb.Error) as exc:
        raise TrafficDataError(f"cannot open the history ({str(exc).splitlines()[0]})",
                               file=path, hint="a DuckDB file written by trafficlib watch") from None
    return History(con, path)


class History:
    """A connection to the history with the few reads and writes the watch needs."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path | None):
        self.con, self.path = con, path
        self.con.execute(_SCHEMA)

    # -- transactions -------------------------------------------------------------
    def begin(self) -> None:
        self.con.execute("BEGIN TRANSACTION")

    def commit(self) -> None:
        self.con.execute("COMMIT")

    def rollback(self) -> None:
        self.con.execute("ROLLBACK")

    def close(self) -> None:
        self.con.close()

    # -- writes ---------------------------------------------------------------------
    def _next_id(self, table: str) -> int:
        return int(self.con.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchall()[0][0])

    def new_run(self, folder: str) -> int:
        """A new run's id (its row is completed by :meth:`finish_run`)."""
        rid = self._next_id("runs")
        self.con.execute("INSERT INTO runs VALUES (?, now()::TIMESTAMP, ?, 0, 0, 0)", [rid, folder])
        return rid

    def finish_run(self, run_id: int, files_new: int, snapshots: int, alerts: int) -> None:
        self.con.execute("UPDATE runs SET files_new = ?, snapshots = ?, alerts = ? WHERE id = ?",
                         [files_new, snapshots, alerts, run_id])

    def known_digests(self) -> set[str]:
        """sha256 of every file already seen (read or refused)."""
        return {r[0] for r in self.con.execute("SELECT digest FROM files").fetchall()}

    def add_file(self, digest: str, label: str, status: str, reason: str, run_id: int) -> None:
        self.con.execute("INSERT OR IGNORE INTO files VALUES (?, ?, ?, ?, ?)", [digest, label, status, reason, run_id])

    def add_snapshot(self, run_id: int, digest: str, label: str, source: str, table: str, period,
                     frame: pd.DataFrame) -> int:
        """Store one export's canonical rows; returns the snapshot id. Raises
        TrafficDataError, before writing anything, when a column's values do not fit
        the type the history holds for it (text where numbers were stored)."""
        if not _TABLE_NAME.match(table):
            raise TrafficDataError(f"unexpected table name {table!r}", file=label)
        rows = _storable(frame)
        sid = self._next_id("snapshots")
        rows.insert(0, "snapshot_id", sid)
        name = f"rows_{table}"
        self.con.register("_incoming", rows)
        try:
            exists = self.con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                                      [name]).fetchall()[0][0]
            casts = {}
            if exists:
                have = dict(r[:2] for r in self.con.execute(f'DESCRIBE "{name}"').fetchall())
                types = dict(r[:2] for r in self.con.execute("DESCRIBE _incoming").fetchall())
                for col in rows.columns:
                    if col in have and have[col] != types[col]:
                        n, ok = self.con.execute(f'SELECT count("{col}"), count(TRY_CAST("{col}" AS {have[col]})) '
                                                 "FROM _incoming").fetchall()[0]
                        if n != ok:
                            raise TrafficDataError(f"{n - ok} value(s) are not {have[col]} as in the history's "
                                                   f"earlier {table} rows; not stored", file=label, column=col)
                        casts[col] = have[col]
            start, end = (pd.Timestamp(period[0]).date(), pd.Timestamp(period[1]).date()) if period else (None, None)
            self.con.execute("INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             [sid, run_id, digest, label, source, table, start, end, len(frame)])
            if not exists:
                self.con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _incoming')
            else:
                for col in rows.columns:
                    if col not in have:
                        self.con.execute(f'ALTER TABLE "{name}" ADD COLUMN "{col}" {types[col]}')
                select = ", ".join(f'CAST("{c}" AS {casts[c]}) AS "{c}"' if c in casts else f'"{c}"'
                                   for c in rows.columns)
                self.con.execute(f'INSERT INTO "{name}" BY NAME SELECT {select} FROM _incoming')
        finally:
            self.con.unregister("_incoming")
        return sid

    def add_alerts(self, run_id: int, alerts: list, state: str = "new") -> None:
        """Store alerts (``state`` "new") or the days a change alerted before goes on
        (``state`` "ongoing": remembered so that it is not alerted again while it lasts)."""
        for a in alerts:
            aid = self._next_id("alerts")
            self.con.execute("INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             [aid, run_id, pd.Timestamp(a.day).date(), a.rule, a.area, a.subject, a.metric, a.value,
                              a.expected, a.low, a.high, a.unit, a.detail, state])

    def set_figures(self, figures: pd.DataFrame) -> None:
        """Upsert (figure, day, value) rows: the latest data for a day wins."""
        if figures.empty:
            return
        self.con.register("_fig", figures[["figure", "day", "value"]])
        try:
            self.con.execute("INSERT OR REPLACE INTO figures SELECT figure, CAST(day AS DATE), value FROM _fig")
        finally:
            self.con.unregister("_fig")

    # -- reads ----------------------------------------------------------------------
    def rows(self, table: str, sources: tuple[str, ...] | None = None) -> pd.DataFrame:
        """Every stored row of ``table`` (of the given reader kinds), with the snapshot's
        ``_kind``, ``_period_start``, ``_period_end`` (underscored: the rows may have a
        ``source`` column of their own, GA4's session source); empty frame when none."""
        name = f"rows_{table}"
        if not self.con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                                [name]).fetchall()[0][0]:
            return pd.DataFrame()
        where, params = "", []
        if sources:
            where = f"WHERE s.source IN ({', '.join('?' * len(sources))})"
            params = list(sources)
        return self.con.execute(
            f'SELECT r.*, s.source AS _kind, s.period_start AS _period_start, s.period_end AS _period_end FROM "{name}" r '
            f"JOIN snapshots s ON s.id = r.snapshot_id {where} ORDER BY r.snapshot_id", params).df()

    def covered(self, source: str, table: str) -> set:
        """Days the stored snapshots of ``source`` already hold (their periods, else
        their rows' dates)."""
        days: set = set()
        snaps = self.con.execute("SELECT id, period_start, period_end FROM snapshots WHERE source = ?",
                                 [source]).fetchall()
        undated = []
        for sid, a, b in snaps:
            if a is not None and b is not None:
                days.update(pd.date_range(a, b, freq="D"))
            else:
                undated.append(sid)
        if undated:
            try:
                got = self.con.execute(f'SELECT DISTINCT CAST(date AS DATE) FROM "rows_{table}" WHERE snapshot_id IN '
                                       f"({', '.join('?' * len(undated))})", undated).fetchall()
                days.update(pd.Timestamp(d) for (d,) in got if d is not None)
            except duckdb.Error:  # no date column: nothing to judge by day
                pass
        return days

    def alerted(self) -> set[tuple]:
        """(rule, subject, day) of every alert already raised."""
        return {(r, s, pd.Timestamp(d)) for r, s, d in self.con.execute("SELECT rule, subject, day FROM alerts").fetchall()}

    def table(self, name: str) -> pd.DataFrame:
        return self.con.execute(f"SELECT * FROM {name} ORDER BY 1").df()

    def counts(self) -> dict[str, int]:
        """Rows per table, for --show and the tests."""
        names = [r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables ORDER BY table_name").fetchall()]
        return {n: int(self.con.execute(f'SELECT count(*) FROM "{n}"').fetchall()[0][0]) for n in names}


def _storable(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as DuckDB stores it: columns empty throughout dropped, time zones
    converted to UTC, mixed object columns as text (a column of ``"3"`` and ``3``
    would otherwise fail the insert)."""
    out = frame.dropna(axis=1, how="all").copy()
    out.columns = [re.sub(r"\W+", "_", str(c)).strip("_").lower() or f"col{i}" for i, c in enumerate(out.columns)]
    out = out.loc[:, ~pd.Index(out.columns).duplicated()]
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[col] = s.dt.tz_convert("UTC").dt.tz_localize(None)
        elif s.dtype == object:
            kinds = {type(v) for v in s.dropna()}
            if kinds and not kinds <= {pd.Timestamp}:
                out[col] = s.map(lambda v: None if v is None or (isinstance(v, float) and v != v) else str(v))
    return out.reset_index(drop=True)
