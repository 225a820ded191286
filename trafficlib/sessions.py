"""Sessionization of event logs in DuckDB, and GA4 session metrics.

:func:`sessionize` turns the canonical ``events`` table (a CSV / Parquet file, a glob of
them, or a DataFrame) into the canonical ``sessions`` table. DuckDB reads the files
directly and works out of core: 10 M events take a few seconds and well under 2 GB of
memory (see ``benchmarks/sessionize.py``).

Session boundaries
------------------
Events are ordered per user by timestamp (ties: ``first_visit``, ``session_start``,
``page_view``, then other events by name). A new session starts at a user's first event
and whenever:

- the gap since the user's previous event is **strictly greater** than
  ``timeout_minutes`` (an event exactly 30 min 00 s after the previous one stays in the
  session; 30 min 00.001 s starts a new one);
- ``split_at_midnight=True`` and the calendar day (of the naive UTC timestamps) changes;
- ``split_on_campaign=True`` and the event carries traffic information (a source,
  medium or campaign that is not empty and not a placeholder in brackets such as
  ``(direct)``, ``(none)``, ``(not set)``, ``(organic)``) whose (source, medium,
  campaign), compared case-insensitively, differs from the current session's. A direct
  or untagged event never splits (UA behaviour: direct does not override a campaign).

``split_on_campaign=True`` (the default) and ``split_at_midnight`` reproduce Universal
Analytics. **GA4 does neither**: GA4 sessions only end after 30 minutes of inactivity, so
use ``split_on_campaign=False, split_at_midnight=False`` to approximate GA4 counts (or,
with a GA4 export, ``use_session_id=True`` to keep GA4's own ``ga_session_id``).

Session attributes
------------------
- ``source``, ``medium``, ``campaign``: those of the session's first event carrying
  traffic information (as above); if none, those of the first event with a source
  (e.g. ``(direct)`` / ``(none)``); else missing, which
  :func:`trafficlib.channels.channel_group` reads as Direct. That is *session-start*
  attribution (``attribution="session_start"``).
- By default (``attribution="last_non_direct"``), as GA4 reports session source and
  channel: a **direct** session (GA4's Direct rule: ``(direct)`` with ``(none)`` /
  ``(not set)``, or no source at all) takes the source, medium and campaign of the same
  user's latest earlier non-direct session that started at most ``lookback_days`` (90)
  days before it; ``credited_from`` names that session. A session that landed with an ad
  click id keeps its own source (a click, not a direct visit). With GA4 BigQuery events
  carrying ``session_traffic_source_last_click`` (``last_click_*`` columns), GA4's own
  session source is used as it is. A user's first session in the data cannot inherit
  from visits before the data starts: the first 90 days show a little more Direct than
  GA4 would.
- ``channel``: GA4 default channel group of the above (:mod:`trafficlib.channels`).
- ``landing_page``: path (no scheme, host, query string or fragment) of the first
  ``page_view``'s page, else of the first event with a page.
- ``device``, ``country``: first non-empty value in the session.
- ``new_user``: if the data contain ``first_visit`` events (GA4), the session has one;
  otherwise, the session is the user's first in the data (a returning visitor whose
  earlier visits are outside the data counts as new: say so when reporting).
- ``pageviews``: number of ``page_view`` events; ``events``: number of events.
- ``duration_s``: last event time - first event time, in seconds (0 for one event).
- ``engagement_time_s``: sum of ``engagement_time_msec`` / 1000 (0 if none recorded).
- ``engaged`` (GA4 "engaged session"): the session lasted **more than**
  ``engaged_seconds`` (10 s) **or** had a key event **or** had 2 or more page views.
  "Lasted" is measured with ``engagement_time_s`` when the session has any
  ``engagement_time_msec`` value (GA4's engagement timer, what GA4 itself uses), and with
  ``duration_s`` otherwise (raw logs without an engagement timer; duration
  underestimates the time spent on the last page).
- ``conversions``: number of key events (``key_events``, default ``{"purchase"}``).
- ``revenue``: sum of ``revenue`` over ``revenue_events`` (default ``purchase``), 0.0 when
  none, in the account currency.
- extras (after the canonical columns): ``end``, ``events``, ``session_number`` (1 for
  the user's first session in the data), ``landing_url`` (the full first page),
  ``click_id`` (``gclid``, ``gbraid``, ``wbraid``, ``fbclid``, ``msclkid`` or ``ttclid``
  when the landing URL carries one, else missing) and ``has_gclid`` (Google Ads click id
  ``gclid``/``gbraid``/``wbraid`` on the landing URL; with a medium other than cpc it
  points at auto-tagging being overridden by UTM tags or lost) and ``credited_from``
  (last non-direct click: the session whose source was credited, else missing).

How it runs
-----------
1. DuckDB scans the input once (Parquet/CSV read directly, or a registered DataFrame)
   and returns a narrow table of per-event keys (user hash, time, event priority, a
   traffic-key hash, flags, revenue, engagement time: ~40 bytes an event), sorted by
   user and time.
2. numpy finds the session boundaries in one linear pass over it (gaps, midnight,
   traffic changes within the inactivity-bounded visit) and sums the per-session
   figures with ``np.add.reduceat``; it also marks, per session, the row giving each
   string attribute (first event, landing page, traffic, device, country).
   Empty strings are missing values; values are otherwise kept *as written* (not
   trimmed, case kept), so that an audit can flag ``'newsletter '`` next to
   ``'newsletter'``; :func:`trafficlib.channels.channel_group` ignores case and
   surrounding spaces, and the campaign-change test ignores case only. (Trimming every
   string of 10 M events also cost more than the rest of the work.)
3. DuckDB scans the input a second time and returns only the marked rows (a
   ``POSITIONAL JOIN`` with the marks), so strings are never sorted or held for all
   events.

Window functions over (user, time) in pure SQL were tried first: with the wide event
rows they cost ~90 s for 10 M events on 2 cores; this path takes ~11 s and 1.4 GB peak
(``benchmarks/sessionize.py``). Memory is about 40 bytes per event in Python at the peak
plus DuckDB's sort (bounded by ``memory_limit``). Output rows are grouped by user (in an arbitrary but deterministic
user order) and in start order within a user.

Configuration
-------------
DuckDB runs in memory with ``memory_limit`` (default ``"1GB"``, spilling to a temporary
folder beyond it) and ``threads`` (default: all cores). Override per call or with the
environment variables ``TRAFFICLIB_DUCKDB_MEMORY`` / ``TRAFFICLIB_DUCKDB_THREADS``.
"""
from __future__ import annotations

import glob
import os
import tempfile
from pathlib import Path
from typing import Iterable

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from trafficlib import schema
from trafficlib.channels import channel_group
from trafficlib.errors import TrafficDataError

__all__ = ["sessionize", "credit_last_non_direct", "is_direct", "connect", "events_relation", "SESSION_COLUMNS",
           "ATTRIBUTIONS"]

SESSION_COLUMNS = schema.columns("sessions")
EXTRA_COLUMNS = ["end", "events", "session_number", "landing_url", "click_id", "has_gclid", "credited_from"]
# GA4's own session source (BigQuery ``session_traffic_source_last_click``), when the events carry it.
LAST_CLICK_COLUMNS = ("last_click_source", "last_click_medium", "last_click_campaign")
ATTRIBUTIONS = ("last_non_direct", "session_start")
_EVENT_COLS = schema.columns("events")


def connect(memory_limit: str | None = None, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB connection configured for trafficlib.

    ``memory_limit`` (e.g. ``"1GB"``; default from ``TRAFFICLIB_DUCKDB_MEMORY`` or
    ``"1GB"``) caps DuckDB's buffer memory; larger work spills to a temporary folder.
    ``threads`` defaults to ``TRAFFICLIB_DUCKDB_THREADS`` or the number of cores.
    Insertion order is not preserved (less memory) unless a caller needs it:
    :func:`sessionize` switches it on because it pairs two scans of the same input row
    by row (``POSITIONAL JOIN``).
    """
    memory_limit = memory_limit or os.environ.get("TRAFFICLIB_DUCKDB_MEMORY", "1GB")
    threads = threads or int(os.environ.get("TRAFFICLIB_DUCKDB_THREADS", "0")) or os.cpu_count() or 1
    # Nothing may reach the network: never download an extension on demand (Parquet and
    # JSON readers are built into the Python wheel).
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False})
    tmp = Path(tempfile.gettempdir()) / "trafficlib-duckdb"
    con.execute(f"SET memory_limit = '{memory_limit}'").fetchall()
    con.execute(f"SET threads = {int(threads)}").fetchall()
    con.execute(f"SET temp_directory = '{tmp.as_posix()}'").fetchall()
    con.execute("SET preserve_insertion_order = false").fetchall()
    try:
        con.execute("SET enable_progress_bar = false").fetchall()
    except duckdb.Error:
        # Inside Jupyter DuckDB refuses to touch the progress bar setting without
        # ipywidgets; its default there is already no bar.
        pass
    return con


def _quote(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _source_sql(con: duckdb.DuckDBPyConnection, events, label: str) -> str:
    """A FROM-clause reading ``events`` (path, glob or DataFrame)."""
    if isinstance(events, pd.DataFrame):
        if len(events) == 0:
            raise TrafficDataError("no events (empty table)", file=label)
        events = _parse_frame_timestamps(events, label)
        con.register("_trafficlib_events_df", events)
        return "_trafficlib_events_df"
    if isinstance(events, (str, Path)):
        pattern = str(events)
        files = sorted(glob.glob(pattern)) if any(ch in pattern for ch in "*?[") else (
            [pattern] if Path(pattern).exists() else [])
        if not files:
            raise TrafficDataError("file not found", file=label)
        files = [f for f in files if Path(f).is_file()]
        if not files:
            raise TrafficDataError("is a folder, expected a file or a glob such as 'events/*.parquet'",
                                   file=label)
        suffixes = {"".join(Path(f).suffixes[-2:]).lower() if f.lower().endswith(".gz")
                    else Path(f).suffix.lower() for f in files}
        lst = "[" + ", ".join(_literal(Path(f).as_posix()) for f in files) + "]"
        if suffixes <= {".parquet", ".pq"}:
            return f"read_parquet({lst}, union_by_name = true)"
        if suffixes <= {".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz"}:
            return f"read_csv({lst}, union_by_name = true, header = true, all_varchar = false)"
        raise TrafficDataError(f"unsupported file type {', '.join(sorted(suffixes))}", file=label,
                               hint="events are read from .parquet or .csv files")
    raise TrafficDataError(f"expected a file path or a DataFrame, got {type(events).__name__}")


def _parse_frame_timestamps(events: pd.DataFrame, label: str) -> pd.DataFrame:
    """Text timestamps of an in-memory frame are parsed like :mod:`trafficlib.schema`
    does (ISO, dd/mm/yyyy, time zones converted to naive UTC)."""
    names = {schema.normalize_header(a) for c in schema.TABLES["events"] if c.name == "timestamp"
             for a in (c.name, *c.aliases)}
    for col in events.columns:
        if schema.normalize_header(col) in names:
            values = events[col]
            if pd.api.types.is_datetime64_any_dtype(values) and getattr(values.dt, "tz", None) is None:
                return events
            if pd.api.types.is_numeric_dtype(values):
                return events  # epoch numbers: read by DuckDB
            parsed, bad = schema.parse_dates(values, with_time=True)
            if bad.any():
                raise TrafficDataError(
                    f"cannot read {int(bad.sum())} timestamp(s) such as '{values[bad].iloc[0]}'",
                    file=label, column=str(col), rows=schema._line_numbers(events, bad),
                    hint="expected e.g. 2025-03-01 14:05:00 or 01/03/2025 14:05")
            return events.assign(**{col: parsed})
    return events


def _columns(con, source: str, label: str) -> dict[str, str]:
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    except duckdb.Error as exc:
        raise TrafficDataError(f"cannot read the events ({str(exc).splitlines()[0]})", file=label) from None
    return {r[0]: r[1] for r in rows}


def events_relation(con: duckdb.DuckDBPyConnection, events, label: str | None = None) -> str:
    """Register a view ``events`` (canonical column names and types) over ``events``.

    Headers are matched like :func:`trafficlib.schema.validate` (aliases, French
    variants); missing optional columns are NULL. ``timestamp`` may be a timestamp,
    text, or an epoch number (seconds, milliseconds or microseconds, by magnitude).
    Returns the view name. Raises :class:`TrafficDataError` for missing columns or
    unreadable timestamps (naming the file and column).
    """
    label = label or (str(events) if not isinstance(events, pd.DataFrame)
                      else events.attrs.get("file", "<DataFrame>"))
    source = _source_sql(con, events, label)
    types = _columns(con, source, label)
    mapping = schema.header_map(types, "events")
    required = [c.name for c in schema.TABLES["events"] if c.required]
    missing = [c for c in required if c not in mapping]
    if missing:
        raise TrafficDataError(
            f"missing required column '{missing[0]}' for an 'events' table "
            f"(found: {', '.join(list(types)[:12])})", file=label, column=missing[0])
    exprs = []
    for col in schema.TABLES["events"]:
        if col.name not in mapping:
            kind = "DOUBLE" if col.kind == "float" else "VARCHAR"
            exprs.append(f"CAST(NULL AS {kind}) AS {col.name}")
            continue
        q = _quote(mapping[col.name])
        typ = types[mapping[col.name]].upper()
        if col.name == "timestamp":
            exprs.append(f"{_timestamp_sql(q, typ)} AS timestamp")
        elif col.kind == "float":
            if typ in ("VARCHAR", "JSON"):
                exprs.append(f"TRY_CAST(replace({q}, ',', '.') AS DOUBLE) AS {col.name}")
            else:
                exprs.append(f"CAST({q} AS DOUBLE) AS {col.name}")
        elif col.name in ("source", "medium", "campaign"):
            # UTM values kept as written ("newsletter " and "newsletter" are two values
            # in GA4 too): the audit reports such variants. Blank means missing.
            exprs.append(f"CASE WHEN trim(CAST({q} AS VARCHAR)) = '' THEN NULL ELSE CAST({q} AS VARCHAR) END"
                         f" AS {col.name}")
        else:
            # Empty strings are missing values; otherwise kept as written (an audit
            # flags 'newsletter ' vs 'newsletter'; trimming 10 M strings is also slow).
            cast = q if typ == "VARCHAR" else f"CAST({q} AS VARCHAR)"
            exprs.append(f"NULLIF({cast}, '') AS {col.name}")
    lower = {str(k).lower(): k for k in types}
    for extra in LAST_CLICK_COLUMNS:
        if extra in lower:
            q = _quote(lower[extra])
            exprs.append(f"CASE WHEN trim(CAST({q} AS VARCHAR)) = '' THEN NULL ELSE CAST({q} AS VARCHAR) END AS {extra}")
        else:
            exprs.append(f"CAST(NULL AS VARCHAR) AS {extra}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW events AS SELECT {', '.join(exprs)} FROM {source}").fetchall()
    ts_col = mapping["timestamp"]
    bad = con.execute(
        f"SELECT count(*), any_value(CAST({_quote(ts_col)} AS VARCHAR)) FROM {source} "
        f"WHERE {_quote(ts_col)} IS NOT NULL AND {_timestamp_sql(_quote(ts_col), types[ts_col].upper())} IS NULL"
    ).fetchall()[0]
    if bad[0]:
        raise TrafficDataError(f"cannot read {bad[0]} timestamp(s) such as '{bad[1]}'",
                               file=label, column=ts_col, hint="expected e.g. 2025-03-01 14:05:00")
    return "events"


def _timestamp_sql(q: str, typ: str) -> str:
    if typ.startswith("TIMESTAMP WITH TIME ZONE") or typ == "TIMESTAMPTZ":
        return f"CAST(timezone('UTC', {q}) AS TIMESTAMP)"
    if typ.startswith("TIMESTAMP") or typ == "DATE":
        return f"CAST({q} AS TIMESTAMP)"
    if typ in ("BIGINT", "INTEGER", "HUGEINT", "UBIGINT", "DOUBLE", "FLOAT", "DECIMAL") or typ.startswith("DECIMAL"):
        return (f"CASE WHEN abs({q}) >= 1e14 THEN make_timestamp(CAST({q} AS BIGINT)) "
                f"WHEN abs({q}) >= 1e11 THEN make_timestamp(CAST({q} * 1000 AS BIGINT)) "
                f"ELSE make_timestamp(CAST({q} * 1000000 AS BIGINT)) END")
    return f"TRY_CAST({q} AS TIMESTAMP)"


_CLICK_IDS = ("gclid", "gbraid", "wbraid", "fbclid", "msclkid", "ttclid")

# Pick flags: which row of a session supplies which attribute (bit mask per event).
_P_FIRST, _P_LAND, _P_TRAFFIC, _P_DEVICE, _P_COUNTRY, _P_LAST_CLICK = 1, 2, 4, 8, 16, 32


_F_TRAFFIC, _F_KEY, _F_PAGE, _F_SOURCE, _F_DEVICE, _F_COUNTRY, _F_LAST_CLICK = 1, 2, 4, 8, 16, 32, 64


def _narrow_sql(view: str, key_events, revenue_events, use_session_id: bool) -> str:
    """Per-event keys and flags, numbered in scan order (``rn``) and sorted by user,
    [session id], time and priority (first_visit, session_start, page_view, others)."""
    keys = ", ".join(_literal(k) for k in key_events) or "NULL"
    revs = ", ".join(_literal(k) for k in revenue_events) or "NULL"
    sid = "hash(coalesce(session_id, ''))" if use_session_id else "CAST(0 AS UBIGINT)"
    return f"""
    SELECT rn, uh, sh, tp, flags, kh, rev, eng FROM (
        SELECT CAST(row_number() OVER () - 1 AS UINTEGER) AS rn, hash(user_id) AS uh, {sid} AS sh,
            epoch_us(timestamp) * 4 + CASE event_name WHEN 'first_visit' THEN 0
                WHEN 'session_start' THEN 1 WHEN 'page_view' THEN 2 ELSE 3 END AS tp,
            ((source IS NOT NULL AND source NOT LIKE '(%)')
                OR (medium IS NOT NULL AND medium NOT LIKE '(%)')
                OR (campaign IS NOT NULL AND campaign NOT LIKE '(%)')) AS ht,
            CAST(CASE WHEN ht THEN {_F_TRAFFIC} ELSE 0 END
                 + CASE WHEN event_name IN ({keys}) THEN {_F_KEY} ELSE 0 END
                 + CASE WHEN page IS NOT NULL THEN {_F_PAGE} ELSE 0 END
                 + CASE WHEN source IS NOT NULL THEN {_F_SOURCE} ELSE 0 END
                 + CASE WHEN device IS NOT NULL THEN {_F_DEVICE} ELSE 0 END
                 + CASE WHEN country IS NOT NULL THEN {_F_COUNTRY} ELSE 0 END
                 + CASE WHEN last_click_source IS NOT NULL OR last_click_medium IS NOT NULL
                        THEN {_F_LAST_CLICK} ELSE 0 END AS UTINYINT) AS flags,
            CASE WHEN ht THEN CAST(hash(lower(source), lower(medium), lower(campaign)) >> 32 AS UINTEGER) END AS kh,
            CASE WHEN event_name IN ({revs}) THEN coalesce(revenue, 0) ELSE 0 END AS rev,
            CAST(engagement_time_msec AS FLOAT) AS eng
        FROM {view} WHERE user_id IS NOT NULL AND timestamp IS NOT NULL
    ) ORDER BY uh, {"sh, " if use_session_id else ""}tp
    """


def _release_memory(con) -> None:
    """Make DuckDB hand back the buffers of the last (sorting) query: its allocator keeps
    them cached up to ``memory_limit`` otherwise, doubling the peak memory."""
    limit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    con.execute("SET memory_limit = '16MB'").fetchall()
    con.execute(f"SET memory_limit = '{limit}'").fetchall()


def _col(table: pa.Table, name: str) -> np.ndarray:
    col = table.column(name)
    if pa.types.is_floating(col.type):
        return col.to_numpy()  # nulls -> NaN
    return col.to_numpy() if col.null_count == 0 else col.fill_null(0).to_numpy()


def _sessions_arrow(con, view: str, timeout_minutes: float, split_at_midnight: bool,
                    split_on_campaign: bool, key_events, revenue_events, engaged_seconds: float,
                    use_session_id: bool) -> pa.Table | None:
    """Core: DuckDB scans the events once for narrow per-event keys sorted by (user,
    time); numpy finds the boundaries and sums in one linear pass; DuckDB scans again to
    fetch the strings of the few rows each session takes its attributes from."""
    narrow = con.sql(_narrow_sql(view, key_events, revenue_events, use_session_id)).to_arrow_table()
    _release_memory(con)
    n = narrow.num_rows
    if n == 0:
        return None
    order = _col(narrow, "rn").astype(np.int64)  # scan position of each event, in (user, time) order
    u = _col(narrow, "uh")
    tp = _col(narrow, "tp")
    ts = tp >> 2  # microseconds
    prio = (tp & 3).astype(np.int8)  # 0 first_visit, 1 session_start, 2 page_view, 3 other
    del tp
    flags = _col(narrow, "flags")
    new_user = np.empty(n, dtype=bool)
    new_user[0] = True
    np.not_equal(u[1:], u[:-1], out=new_user[1:])
    del u
    if use_session_id:
        s_sorted = _col(narrow, "sh")
        news = new_user.copy()
        news[1:] |= s_sorted[1:] != s_sorted[:-1]
        del s_sorted
    else:
        gap = np.empty(n, dtype=np.int64)
        gap[0] = 0
        np.subtract(ts[1:], ts[:-1], out=gap[1:])
        news = new_user | (gap > int(round(float(timeout_minutes) * 60e6)))
        del gap
        if split_at_midnight:
            day = ts // 86_400_000_000
            news[1:] |= day[1:] != day[:-1]
            del day
        if split_on_campaign:
            # Consecutive traffic-bearing events of the same inactivity-bounded visit
            # with different keys: the later one starts a session.
            tr = np.flatnonzero((flags & _F_TRAFFIC) > 0)
            if len(tr) > 1:
                visit = np.cumsum(news, dtype=np.int64)
                kh = _col(narrow, "kh")[tr]
                same_visit = visit[tr[1:]] == visit[tr[:-1]]
                del visit
                news[tr[1:][same_visit & (kh[1:] != kh[:-1])]] = True
                del kh, same_visit
            del tr
    starts = np.flatnonzero(news)
    del news
    n_sess = len(starts)
    ends = np.append(starts[1:], n)

    pageviews = np.add.reduceat((prio == 2).astype(np.int64), starts)
    first_visit = np.add.reduceat((prio == 0).astype(np.int64), starts) > 0
    conversions = np.add.reduceat(((flags & _F_KEY) > 0).astype(np.int64), starts)
    revenue = np.add.reduceat(_col(narrow, "rev").astype(np.float64), starts)
    eng = _col(narrow, "eng")
    has_eng = np.add.reduceat((~np.isnan(eng)).astype(np.int64), starts) > 0
    engagement_s = np.add.reduceat(np.nan_to_num(eng).astype(np.float64), starts) / 1000.0
    del eng
    start_us, end_us = ts[starts], ts[ends - 1]
    duration_s = (end_us - start_us) / 1e6
    events = ends - starts

    # Session number within the user (sessions of a user are consecutive here).
    first_of_user = new_user[starts]
    del new_user
    sidx = np.arange(n_sess, dtype=np.int64)
    if use_session_id:
        # Sessions are in session-id order within a user here: number them by start.
        group = np.cumsum(first_of_user) - 1
        by_start = np.lexsort((start_us, group))
        session_number = np.empty(n_sess, dtype=np.int64)
        g_sorted = group[by_start]
        group_start = np.empty(n_sess, dtype=bool)
        group_start[0] = True
        group_start[1:] = g_sorted[1:] != g_sorted[:-1]
        session_number[by_start] = sidx - np.maximum.accumulate(
            np.where(group_start, sidx, 0)) + 1
        del group, by_start, g_sorted, group_start
    else:
        session_number = sidx - np.maximum.accumulate(np.where(first_of_user, sidx, 0)) + 1
    new_user_flag = first_visit if first_visit.any() else session_number == 1
    time_measure = np.where(has_eng, engagement_s, duration_s)
    engaged = (time_measure > float(engaged_seconds)) | (conversions > 0) | (pageviews >= 2)

    # Which event (row in scan order) gives each session its string attributes.
    bits = np.zeros(n, dtype=np.int8)
    pick_sess = np.full(n, -1, dtype=np.int64)
    pos = np.arange(n, dtype=np.int64)

    def first_where(mask: np.ndarray) -> np.ndarray:
        """Sorted position of each session's first ``mask`` event, or n if none."""
        return np.minimum.reduceat(np.where(mask, pos, n), starts)

    def mark(first: np.ndarray, bit: int) -> None:
        found = first < n
        rows = order[first[found]]
        bits[rows] |= bit
        pick_sess[rows] = sidx[found]

    mark(starts, _P_FIRST)
    has_page = (flags & _F_PAGE) > 0
    land = first_where((prio == 2) & has_page)
    land = np.where(land < n, land, first_where(has_page))
    mark(land, _P_LAND)
    del has_page, land
    traffic = first_where((flags & _F_TRAFFIC) > 0)
    has_traffic = traffic < n
    # No traffic information: take source/medium/campaign from the first event with a
    # source, e.g. (direct) / (none).
    traffic = np.where(has_traffic, traffic, first_where((flags & _F_SOURCE) > 0))
    mark(traffic, _P_TRAFFIC)
    mark(first_where((flags & _F_DEVICE) > 0), _P_DEVICE)
    mark(first_where((flags & _F_COUNTRY) > 0), _P_COUNTRY)
    mark(first_where((flags & _F_LAST_CLICK) > 0), _P_LAST_CLICK)
    del traffic, pos
    del narrow, order, flags, prio
    con.register("_trafficlib_picks", pa.table({"bits": bits, "sess": pick_sess}))
    sid_col = "session_id" if use_session_id else "CAST(NULL AS VARCHAR) AS session_id"
    picked = con.sql(f"""
        SELECT p.bits, p.sess, e.user_id, e.page, e.source, e.medium, e.campaign, e.device,
               e.country, e.last_click_source, e.last_click_medium, e.last_click_campaign, {sid_col}
        FROM (SELECT * FROM {view} WHERE user_id IS NOT NULL AND timestamp IS NOT NULL) e
        POSITIONAL JOIN _trafficlib_picks p
        WHERE p.bits <> 0
    """).to_arrow_table()
    con.unregister("_trafficlib_picks")
    del bits, pick_sess
    picked = picked.combine_chunks()
    pbits = picked.column("bits").to_numpy()
    psess = picked.column("sess").to_numpy()

    def gather(column: str, bit: int) -> pa.Array:
        rows = np.flatnonzero(pbits & bit)
        out_idx = np.full(n_sess, -1, dtype=np.int64)
        out_idx[psess[rows]] = rows
        idx = pa.array(out_idx, mask=out_idx < 0)
        return picked.column(column).take(idx).combine_chunks()

    user_id = gather("user_id", _P_FIRST)
    landing_url = gather("page", _P_LAND)
    source = gather("source", _P_TRAFFIC)
    medium = gather("medium", _P_TRAFFIC)
    campaign = gather("campaign", _P_TRAFFIC)
    device = gather("device", _P_DEVICE)
    country = gather("country", _P_COUNTRY)
    last_click = [gather(c, _P_LAST_CLICK) for c in LAST_CLICK_COLUMNS]
    if use_session_id:
        given = pc.fill_null(gather("session_id", _P_FIRST), "")
        if len(pc.unique(given)) < n_sess:  # ids only unique per user: prefix the user
            given = pc.binary_join_element_wise(user_id, given, "-")
        session_id = given
    else:
        session_id = pc.binary_join_element_wise(
            user_id, pa.array(session_number).cast(pa.string()), "-")
    path = pc.replace_substring_regex(
        landing_url, r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*)?([^?#]*).*$", r"\1")
    landing_page = pc.if_else(pc.equal(path, ""), pa.scalar("/"), path)
    # Click ids: only URLs with a query string or fragment can carry one.
    click = pa.nulls(n_sess, pa.string())
    has_gclid = pa.array(np.zeros(n_sess, dtype=bool))
    query = np.flatnonzero(pc.fill_null(pc.match_substring_regex(landing_url, "[?#]"), False)
                           .to_numpy(zero_copy_only=False))
    if len(query):
        sub = landing_url.take(pa.array(query))
        found = pc.struct_field(pc.extract_regex(
            sub, "[?&#](?P<c>" + "|".join(_CLICK_IDS) + ")="), [0])
        click_np = np.full(n_sess, None, dtype=object)
        click_np[query] = found.to_numpy(zero_copy_only=False)
        click = pa.array(click_np, pa.string())
        gclid_np = np.zeros(n_sess, dtype=bool)
        gclid_np[query] = pc.fill_null(pc.is_in(found, pa.array(["gclid", "gbraid", "wbraid"])),
                                       False).to_numpy(zero_copy_only=False)
        has_gclid = pa.array(gclid_np)
    ts_type = pa.timestamp("us")
    return pa.table({
        "session_id": session_id, "user_id": user_id,
        "start": pa.array(start_us, ts_type),
        "source": source, "medium": medium, "campaign": campaign,
        "channel": pa.nulls(n_sess, pa.string()),
        "landing_page": landing_page, "device": device, "country": country,
        "new_user": pa.array(new_user_flag), "pageviews": pa.array(pageviews.astype(np.int64)),
        "duration_s": pa.array(duration_s), "engagement_time_s": pa.array(engagement_s),
        "engaged": pa.array(engaged), "conversions": pa.array(conversions.astype(np.int64)),
        "revenue": pa.array(revenue.astype(np.float64)),
        "end": pa.array(end_us, ts_type), "events": pa.array(events.astype(np.int64)),
        "session_number": pa.array(session_number), "landing_url": landing_url,
        "click_id": click, "has_gclid": has_gclid,
        "_group": pa.array(np.cumsum(first_of_user) - 1),
        **dict(zip(LAST_CLICK_COLUMNS, last_click)),
    })


def is_direct(source: pd.Series, medium: pd.Series) -> np.ndarray:
    """Whether each (source, medium) is Direct by GA4's rule, as
    :func:`trafficlib.channels.channel_group` reads it: ``(direct)`` with medium
    ``(none)``, ``(not set)`` or missing, or no source and no medium at all. Case and
    surrounding spaces ignored. A ``(not set)`` source is *not* direct."""
    s = source.astype("string").str.strip().str.lower().replace("", pd.NA)
    m = medium.astype("string").str.strip().str.lower().replace("", pd.NA)
    both_missing = (s.isna() & m.isna()).to_numpy(bool)
    direct_src = (s == "(direct)").fillna(False).to_numpy(bool)
    none_med = (m.isna() | m.isin(["(none)", "(not set)"])).fillna(False).to_numpy(bool)
    return both_missing | (direct_src & none_med)


def credit_last_non_direct(sessions: pd.DataFrame, lookback_days: float = 90,
                           keep: np.ndarray | None = None) -> pd.DataFrame:
    """GA4's "last non-direct click" for sessions: a direct session takes the source,
    medium and campaign of the same user's latest earlier non-direct session that
    started at most ``lookback_days`` days before it.

    Parameters
    ----------
    sessions : DataFrame
        Columns ``session_id``, ``user_id``, ``start``, ``source``, ``medium``,
        ``campaign`` (others kept as they are). A ``click_id`` column, when present,
        marks sessions that landed with an ad click id (``gclid``...): those are clicks,
        never direct visits, so they keep their own source (GA4 would have credited the
        ad; the audit reports them as untagged paid clicks); with a direct-looking source
        they are no donor either (their real source is unknown).
    lookback_days : float
        The window, start to start, in days (inclusive: a session exactly 90 days after
        the click is still credited).
    keep : boolean array, optional
        Sessions whose source must not change (e.g. GA4's own last-click source).

    Returns
    -------
    A copy with ``source``, ``medium``, ``campaign`` replaced on the credited direct
    sessions and ``credited_from`` (string): the ``session_id`` whose source was
    credited, missing for sessions keeping their own. ``channel``, if present, is *not*
    recomputed (call :func:`trafficlib.channels.channel_group`). Direct sessions that
    are credited chain back to the click, not to another credited session: a direct
    visit 60 days after a credited direct visit that was 60 days after the click is
    past the 90-day window and stays Direct.
    """
    out = sessions.copy()
    n = len(out)
    credited = pd.Series(pd.NA, index=out.index, dtype="string")
    if n == 0:
        out["credited_from"] = credited
        return out
    direct = is_direct(out["source"], out["medium"])
    donor = ~direct  # a click on a direct-looking landing gives nothing to credit either
    if "click_id" in out:
        direct &= out["click_id"].isna().to_numpy(bool)
    if keep is not None:
        direct &= ~np.asarray(keep, dtype=bool)
    if direct.any() and donor.any():
        user = pd.factorize(out["user_id"])[0]
        start = pd.to_datetime(out["start"]).to_numpy("datetime64[us]").astype(np.int64)
        order = np.lexsort((start, user))
        u, st, dr, dn = user[order], start[order], direct[order], donor[order]
        k = np.arange(n)
        first = np.empty(n, dtype=bool)
        first[0] = True
        first[1:] = u[1:] != u[:-1]
        group_first = np.maximum.accumulate(np.where(first, k, 0))
        last = np.maximum.accumulate(np.where(dn, k, -1))  # latest donor at or before k
        ok = dr & (last >= group_first) & (last >= 0)
        window = int(round(float(lookback_days) * 86_400e6))
        ok &= (st - st[np.maximum(last, 0)]) <= window
        target = order[k[ok]]
        origin = order[last[ok]]
        if len(target):
            # positional takes keep the (Arrow) string columns out of Python objects
            take = np.arange(n)
            take[target] = origin
            for col in ("source", "medium", "campaign"):
                if col in out:
                    out[col] = out[col].take(take).set_axis(out.index)
            from_ = np.full(n, -1)
            from_[target] = origin
            ids = out["session_id"].astype("string").take(np.maximum(from_, 0)).set_axis(out.index)
            credited = ids.where(from_ >= 0, pd.NA).astype("string")
    out["credited_from"] = credited
    return out


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    mapping = {
        pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype(),
        pa.bool_(): pd.BooleanDtype(), pa.int64(): pd.Int64Dtype(),
    }
    frame = table.to_pandas(types_mapper=mapping.get)
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].astype("datetime64[ns]")
    return frame


def sessionize(events, timeout_minutes: float = 30, split_at_midnight: bool = False,
               split_on_campaign: bool = True, *, key_events: Iterable[str] = ("purchase",),
               revenue_events: Iterable[str] = ("purchase",), engaged_seconds: float = 10,
               use_session_id: bool = False, channel_rules=None,
               attribution: str = "last_non_direct", lookback_days: float = 90,
               memory_limit: str | None = None, threads: int | None = None,
               con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Group events into sessions (the canonical ``sessions`` table).

    Parameters
    ----------
    events : str, Path or DataFrame
        A CSV or Parquet file, a glob (``"events/*.parquet"``), or a DataFrame in the
        canonical ``events`` layout (user_id, timestamp, event_name, page, source,
        medium, campaign, device, country, engagement_time_msec, revenue, ...).
    timeout_minutes : float
        Inactivity (minutes) after which the next event starts a new session; a gap
        equal to the timeout does not split.
    split_at_midnight : bool
        Also start a new session when the (UTC) day changes (Universal Analytics).
    split_on_campaign : bool
        Also start a new session when an event brings a different
        source/medium/campaign (Universal Analytics). GA4 does not: pass ``False``
        (and ``split_at_midnight=False``) for GA4-like sessions.
    key_events : iterable of str
        Event names counted in ``conversions`` (GA4 key events).
    revenue_events : iterable of str
        Event names whose ``revenue`` is summed into the session ``revenue``.
    engaged_seconds : float
        Time threshold of the engaged-session rule (strictly more than this).
    use_session_id : bool
        Group by the events' own ``session_id`` (e.g. GA4 ``ga_session_id``) instead of
        computing sessions; the three split parameters are then ignored.
    channel_rules : path or dict, optional
        Rules file for :func:`trafficlib.channels.channel_group`.
    attribution : {"last_non_direct", "session_start"}
        How a session gets its source / medium / campaign (and so its channel).
        ``"last_non_direct"`` (default, what GA4 reports in "Session source / medium"
        and "Session default channel group"): a direct session is credited to the same
        user's latest earlier non-direct session within ``lookback_days``
        (:func:`credit_last_non_direct`); when the events carry GA4's own
        ``last_click_source`` / ``last_click_medium`` / ``last_click_campaign``
        (BigQuery ``session_traffic_source_last_click``, read by
        :func:`trafficlib.ga4.read_events`), those are taken as they are.
        ``"session_start"``: the traffic of the session's own first events only (a
        direct return visit stays Direct).
    lookback_days : float
        Window of the last-non-direct rule, from the earlier session's start to this
        one's (inclusive), in days. GA4's is 90 days.
    memory_limit, threads, con
        DuckDB settings (see :func:`connect`) or an existing connection (on which
        ``preserve_insertion_order`` is switched on and a temporary view ``events`` is
        created).

    Returns
    -------
    DataFrame with the canonical ``sessions`` columns and dtypes (as
    :func:`trafficlib.schema.validate` returns them) followed by ``end``, ``events``,
    ``session_number``, ``landing_url``, ``click_id``, ``has_gclid``, ``credited_from``
    (session whose source a direct session was credited with, else missing); one row per
    session, grouped by user (users in a deterministic hash order) and by start within
    a user (sort it if you need another order). Times are naive UTC; durations in seconds;
    revenue in the account currency. Definitions: see the module docstring.

    Raises
    ------
    TrafficDataError
        Missing file, missing required column (user_id, timestamp, event_name),
        unreadable timestamps, or no events.
    """
    if timeout_minutes is None or float(timeout_minutes) <= 0:
        raise TrafficDataError("timeout_minutes must be positive")
    if attribution not in ATTRIBUTIONS:
        raise TrafficDataError(f"unknown attribution '{attribution}'", hint=" or ".join(ATTRIBUTIONS))
    if lookback_days is None or float(lookback_days) < 0:
        raise TrafficDataError("lookback_days must be zero or more")
    own = con is None
    con = con or connect(memory_limit, threads)
    try:
        con.execute("SET preserve_insertion_order = true").fetchall()  # POSITIONAL JOIN
        view = events_relation(con, events)
        table = _sessions_arrow(con, view, timeout_minutes, split_at_midnight, split_on_campaign,
                                list(key_events), list(revenue_events), engaged_seconds,
                                use_session_id)
    finally:
        if own:
            con.close()
    if table is None:
        label = str(events) if not isinstance(events, pd.DataFrame) else "<DataFrame>"
        raise TrafficDataError("no events with a user_id and a timestamp", file=label)
    frame = _to_pandas(table)
    del table
    if attribution == "last_non_direct":
        lc = frame[list(LAST_CLICK_COLUMNS)]
        own = (lc["last_click_source"].notna() | lc["last_click_medium"].notna()).to_numpy(bool)
        if own.any():  # GA4's own session source: already last non-direct click
            for col, lcc in zip(("source", "medium", "campaign"), LAST_CLICK_COLUMNS):
                frame[col] = frame[col].mask(own, frame[lcc])
        frame = credit_last_non_direct(frame, lookback_days, keep=own)
    else:
        frame["credited_from"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    frame["channel"] = channel_group(frame, rules=channel_rules)
    frame["revenue"] = frame["revenue"].astype("float64")
    for col in ("duration_s", "engagement_time_s"):
        frame[col] = frame[col].astype("float64")
    frame.attrs = {"table": "sessions"}
    return frame[SESSION_COLUMNS + EXTRA_COLUMNS]
