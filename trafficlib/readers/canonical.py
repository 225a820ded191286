"""The kit's own canonical tables as files (CSV, TSV, Parquet): events, sessions,
touchpoints, ad_spend... (:mod:`trafficlib.schema`). Recognised when the headers hold
every required column of a table (French or English aliases).

Touchpoint logs get more care (:func:`read_touchpoints`): they come from attribution
datasets, CDPs and ad servers under many header names (``customer_id`` / ``cookie`` /
``visitor_id``, ``time`` / ``datetime``, ``channel`` / ``source`` + ``medium``,
``converted`` / ``conversion``, ``revenue`` / ``value``), with conversion flags written
``1`` / ``True`` / ``yes``, and often an event-type column (``interaction``:
``impression`` / ``conversion``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib import schema
from trafficlib.errors import TrafficDataError
from trafficlib.readers.registry import Export, Probe, Reader, register

__all__ = ["table_of", "read_touchpoints"]

# Most specific first: a sessions file also has a user_id, an events file a timestamp.
_ORDER = ("events", "sessions", "touchpoints", "ad_spend", "auction_insights", "rankings", "competitors", "trends")


def table_of(headers) -> str | None:
    """The canonical table whose required columns all appear in ``headers``, or None."""
    norm = {schema.normalize_header(h) for h in headers}
    for table in _ORDER:
        ok = True
        for col in schema.TABLES[table]:
            if col.required and not ({schema.normalize_header(a) for a in (col.name, *col.aliases)} & norm):
                ok = False
                break
        if ok:
            return table
    return None


# event-type column of a touchpoint log, and the words it uses
_INTERACTION = ("interaction", "interaction_type", "event_type", "touch_type", "touchpoint_type", "type_d_interaction")
_IMPRESSION = {"impression", "impressions", "view", "views", "display", "ad_view"}
_CLICK = {"click", "clicks", "clic", "clics"}
_CONVERSION_WORDS = {"conversion", "conversions", "converted", "purchase", "order", "sale", "lead"}
_YES = {"1", "1.0", "true", "yes", "y", "oui", "vrai", "t"}
_NO = {"0", "0.0", "false", "no", "n", "non", "faux", "f", ""}


def read_touchpoints(path) -> Export:
    """Read a touchpoint log (one row per contact or conversion event) into the canonical
    ``touchpoints`` table (:mod:`trafficlib.schema`): user_id, timestamp (naive UTC),
    channel, conversion (0/1: this row is a conversion and closes its path, as
    :func:`trafficlib.attribution.paths_from_touchpoints` reads it), conversion_value
    (account currency), plus the file's other columns.

    - a ``source`` and a ``medium`` column without a ``channel`` make the channel
      ``source / medium``;
    - conversion flags ``True`` / ``yes`` / ``1`` are 1, ``False`` / ``no`` / ``0`` are 0;
    - an event-type column (``interaction``: ``impression``, ``click``, ``conversion``) is
      kept, and per-row counts ``impressions`` (and ``clicks``) are added beside
      ``conversions`` so the log sums like a report: 58 impressions, 7 conversions.

    Returns an :class:`Export` of kind ``canonical/touchpoints``; ``totals`` is None (a
    log states none), ``period`` None (it states no range: ``meta["dates"]`` holds the
    first and last day found). Raises :class:`TrafficDataError` naming file, column and
    lines for an unreadable cell or a conversion flag that is neither yes nor no.
    """
    from trafficlib import sources

    file = str(path)
    raw = sources.read_raw(path)
    notes: list[str] = []
    found = schema.header_map(raw.columns, "touchpoints")
    keys = {schema.normalize_header(c): c for c in raw.columns}
    src = keys.get("source", keys.get("utm_source"))
    med = keys.get("medium", keys.get("utm_medium"))
    if src and med and found.get("channel") in (src, med):  # no channel column of its own
        raw = raw.copy()
        raw.insert(0, "channel", raw[src].astype("string").fillna("").str.strip() + " / "
                   + raw[med].astype("string").fillna("").str.strip())
        raw.attrs = dict(raw.attrs)
        notes.append(f"channel taken as '{src} / {med}' (the file has no channel column)")
        found = schema.header_map(raw.columns, "touchpoints")
    kind_col = next((keys[k] for k in _INTERACTION if k in keys), None)
    if "conversion" not in found and kind_col is not None:  # the event type says which rows convert
        raw = raw.copy()
        raw["conversion"] = raw[kind_col].astype("string").str.strip().str.lower().isin(_CONVERSION_WORDS) \
            .astype(int).astype(str)
        raw.attrs = dict(raw.attrs)
        found = schema.header_map(raw.columns, "touchpoints")
        notes.append(f"no conversion column: rows whose '{kind_col}' is a conversion are the conversions")
    conv_col = found.get("conversion")
    if conv_col is not None and not pd.api.types.is_numeric_dtype(raw[conv_col]):
        flag = raw[conv_col].astype("string").str.strip().str.lower().fillna("")
        bad = ~(flag.isin(_YES) | flag.isin(_NO))
        numeric = pd.to_numeric(flag, errors="coerce")
        bad &= numeric.isna()  # counts above 1 are read by validate (and refused if fractional)
        if bad.any():
            raise TrafficDataError(f"conversion flags must be yes/no or counts, found '{raw[conv_col][bad].iloc[0]}'",
                                   file=file, column=conv_col, rows=_lines(raw, bad))
        raw = raw.copy()
        raw[conv_col] = flag.mask(flag.isin(_YES), "1").mask(flag.isin(_NO), "0")
    frame = schema.validate(raw, "touchpoints", file=file)
    frame.attrs = {"table": "touchpoints", "file": file}
    columns = {orig: canon for canon, orig in found.items()}
    frame["conversions"] = frame["conversion"].astype("Int64")
    if kind_col is not None:
        what = frame[kind_col].astype("string").str.strip().str.lower()
        frame["impressions"] = what.isin(_IMPRESSION).astype("Int64")
        if what.isin(_CLICK).any():
            frame["clicks"] = what.isin(_CLICK).astype("Int64")
        said = what.isin(_CONVERSION_WORDS)
        odd = said != (frame["conversion"] > 0)
        if odd.any():
            notes.append(f"{int(odd.sum())} row(s) where '{kind_col}' and '{conv_col}' disagree on whether the row "
                         f"is a conversion; '{conv_col}' is used")
        columns[kind_col] = kind_col
    n_conv = int(frame["conversion"].fillna(0).sum())
    value = float(frame["conversion_value"].fillna(0).sum()) if "conversion_value" in frame else 0.0
    off = frame["conversion"].fillna(0).eq(0) & frame["conversion_value"].fillna(0).gt(0)
    if off.any():
        notes.append(f"{int(off.sum())} row(s) carry a conversion value without being a conversion: attribution "
                     "counts a path's value from its converting row only")
    days = frame["timestamp"].dropna()
    unordered = 0
    if len(days):
        order = frame[["user_id", "timestamp"]].reset_index()
        unordered = int((order.groupby("user_id", sort=False)["timestamp"].diff() < pd.Timedelta(0)).sum())
    if unordered:
        notes.append(f"{unordered} row(s) earlier than the row above them for the same user: paths are built in "
                     "time order, not file order")
    notes.insert(0, f"{frame['user_id'].nunique():,} users, {len(frame):,} rows, {n_conv:,} conversion(s) "
                    f"worth {value:,.2f}")
    meta = {"users": int(frame["user_id"].nunique()), "channels": sorted(frame["channel"].dropna().unique()),
            "dates": (days.min().normalize(), days.max().normalize()) if len(days) else None}
    return Export(path=file, kind="canonical/touchpoints", table="touchpoints", frame=frame, notes=notes,
                  columns=columns, dimensions=("user_id", "timestamp", "channel"), meta=meta)


def _event_log(headers) -> bool:
    """A touchpoint log without a conversion column: user, time and channel columns and
    an event-type column (``interaction``) that names the conversions."""
    keys = {schema.normalize_header(h) for h in headers}
    have = schema.header_map(headers, "touchpoints")
    return {"user_id", "timestamp", "channel"} <= set(have) and bool(keys & set(_INTERACTION))


def _lines(frame: pd.DataFrame, mask) -> list[int]:
    lines = frame.attrs.get("line_numbers")
    pos = np.flatnonzero(np.asarray(mask, dtype=bool))
    return [int(lines[i]) if lines is not None else int(i) + 2 for i in pos]


def _make(table: str) -> Reader:
    def recognise(probe: Probe) -> bool:
        if probe.suffix not in (".parquet", ".pq", ".csv", ".tsv", ".txt", ""):
            return False
        headers = probe.headers()
        if not headers:
            return False
        # Exports with a preamble are somebody's interface export, not a canonical file.
        if probe.is_text and probe.sheets[0].preamble:
            return False
        found = table_of(headers)
        if found is None and table == "touchpoints":
            return _event_log(headers)
        return found == table

    def read(probe: Probe) -> Export:
        from trafficlib import sources

        if table == "touchpoints":
            return read_touchpoints(probe.path)
        frame = sources.read(probe.path, table)
        return Export(path=probe.file, kind=f"canonical/{table}", table=table, frame=frame,
                      columns={c: c for c in frame.columns})

    describe = f"the kit's canonical '{table}' table (CSV or Parquet)"
    if table == "touchpoints":
        describe = ("a touchpoint log: customer_id/cookie/user_id, time, channel (or source + medium), "
                    "conversion, value, an optional interaction type (CSV or Parquet)")
    return Reader(f"canonical/{table}", table, recognise, read, priority=30, describe=describe)


for _t in _ORDER:
    register(_make(_t))
