"""Universal Analytics / GA360 BigQuery session extracts (``ga_sessions_*``) flattened to
a table: one row per session, read into the canonical ``sessions`` table.

A GA360 export holds one nested row per session; queries (or the BigQuery console's
"Save results") flatten it to columns named after the fields, with dots or underscores
(``trafficSource.source``, ``trafficSource_source``, ``totals_pageviews``...), or just
the last part (``source``, ``pageviews``). Fields read:

==================================  ====================================================
canonical column                    export field
==================================  ====================================================
session_id                          ``fullVisitorId`` + ``.`` + ``visitId`` (unique per
                                    session; ``.date`` added for the two rows of a session
                                    UA split at midnight)
user_id                             ``fullVisitorId`` (else ``clientId``)
start                               ``visitStartTime`` (epoch seconds, UTC) as naive UTC,
                                    else ``date`` (``YYYYMMDD``, the view's time zone)
source / medium / campaign          ``trafficSource.source / medium / campaign`` as written
                                    (``(direct)``, ``(none)``, ``(not set)`` kept)
channel                             GA4 default channel group of source / medium /
                                    campaign (:mod:`trafficlib.channels`), so UA and GA4
                                    data compare; UA's own ``channelGrouping`` is kept in
                                    ``ua_channel``
landing_page                        ``landingPagePath`` / ``hits.page.pagePath`` if flattened
device / country                    ``device.deviceCategory`` / ``geoNetwork.country``
new_user                            ``totals.newVisits`` = 1, else ``visitNumber`` = 1
pageviews                           ``totals.pageviews`` (missing = 0)
duration_s                          ``totals.timeOnSite`` (first to last hit; missing = 0)
engaged                             GA4's rule on UA fields: time on site > 10 s, or a
                                    transaction, or 2+ page views
conversions                         ``totals.transactions`` (missing = 0): UA goals are not
                                    in the extract, transactions stand for key events
revenue                             ``totals.totalTransactionRevenue`` (else
                                    ``totals.transactionRevenue``) / 10^6: BigQuery stores
                                    money in micros
==================================  ====================================================

Extra columns: ``bounces`` (``totals.bounces``: 1 for a session with a single
interaction hit), ``ua_channel``, ``visit_number``, ``date``.

UA's bounce rate is *not* GA4's: UA counts a bounce when the session has one interaction
hit (``totals.bounces`` = 1), so UA bounce rate = bounces / sessions; GA4's bounce rate
is 1 − engagement rate (a session is engaged after 10 s, a key event or 2 page views).
A one-page visit of five minutes is a UA bounce and a GA4 engaged session.

Rows whose ``totals.visits`` is not 1 (sessions made of non-interaction hits only) are
not sessions in UA's reports: they are dropped and counted in the notes.

Extracts at hit or product grain (the GA360 sample's ``all_sessions``: one row per hit
or product line, with ``time``, ``type``, ``productSKU``, ``v2ProductName``,
``unit_price``...) repeat the session's own fields (``totals.*``, source, device) on every
row of the session: they are read one session per (visitor id, ``visitId``,
``visitStartTime`` when present, ``date``), each session-level field from its first row;
exact duplicate lines are dropped (and counted in the notes, with the revenue both ways);
revenue is ``totalTransactionRevenue`` of the session when the extract has it, else the
sum of the lines' ``revenue``.

Visitor ids damaged by a spreadsheet (``7.09547E+18``: the 19-digit ``fullVisitorId``
saved in scientific notation, digits lost) merge different visitors, so users cannot
be counted: ``user_id`` is left empty (users unavailable, ``meta["unavailable"]``) and a
note says so, with the session count by visit id alone beside the one used. Sessions,
page views, transactions and revenue do not depend on that id and are kept: a session
is still told apart by its damaged id with its ``visitId`` (and ``visitStartTime``),
which two visitors share only when their ids also agree on the digits left.
A damaged ``visitId`` or ``visitStartTime`` (``1.48331E+09``) is refused with one
:class:`TrafficDataError` naming the column, the count and the lines: without them
sessions cannot be told apart. The fix is cheap: export again, or open the CSV with
those columns as text.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from trafficlib import schema
from trafficlib.errors import TrafficDataError
from trafficlib.readers._numbers import checked_numbers, yyyymmdd_or_dates
from trafficlib.readers.registry import Export, Probe, Reader, register

__all__ = ["read_ua_sessions", "FIELDS", "SCIENTIFIC", "compact", "string_table", "damaged_ids"]

SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")


def compact(header: str) -> str:
    """``trafficSource.source``, ``trafficSource_source``, ``TRAFFICSOURCE SOURCE`` ->
    ``trafficsourcesource``: header variants compared without separators or case."""
    return re.sub(r"[^0-9a-z]", "", schema.normalize_header(header).replace("_", ""))


def _keys(*names: str) -> tuple[str, ...]:
    return tuple(compact(n) for n in names)


# canonical field -> accepted headers (compacted), most specific first
FIELDS: dict[str, tuple[str, ...]] = {
    "full_visitor_id": _keys("fullVisitorId", "full_visitor_id"),
    "client_id": _keys("clientId"),
    "visit_id": _keys("visitId"),
    "visit_start_time": _keys("visitStartTime"),
    "visit_number": _keys("visitNumber"),
    "date": _keys("date", "purchase_date"),
    "ua_channel": _keys("channelGrouping"),
    "source": _keys("trafficSource.source", "source"),
    "medium": _keys("trafficSource.medium", "medium"),
    "campaign": _keys("trafficSource.campaign", "campaign"),
    "landing_page": _keys("landingPagePath", "landingPage", "hits.page.pagePath", "pagePath"),
    "device": _keys("device.deviceCategory", "deviceCategory"),
    "country": _keys("geoNetwork.country", "country"),
    "visits": _keys("totals.visits", "visits"),
    "pageviews": _keys("totals.pageviews", "pageviews"),
    "bounces": _keys("totals.bounces", "bounces"),
    "time_on_site": _keys("totals.timeOnSite", "timeOnSite"),
    "transactions": _keys("totals.transactions", "transactions"),
    "revenue_micros": _keys("totals.totalTransactionRevenue", "totalTransactionRevenue",
                            "totals.transactionRevenue", "transactionRevenue"),
    "new_visits": _keys("totals.newVisits", "newVisits"),
    "line_revenue_micros": _keys("revenue", "productRevenue", "hits.product.productRevenue"),
}
# columns of an extract at hit or product grain (several rows per session)
HIT_COLUMNS = set(_keys("time", "type", "hitNumber", "hits.hitNumber", "hits.type", "hits.time", "productSKU",
                        "v2ProductName", "productPrice", "productQuantity", "productRevenue", "unit_price",
                        "units_sold", "pageTitle", "pagePathLevel1", "eCommerceAction_type", "transactionId",
                        "itemQuantity", "itemRevenue", "hits.product.productSKU", "hits.page.pageTitle"))


def map_headers(header: list[str], fields: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """canonical field -> column position, taking the most specific accepted header."""
    keys = [compact(h) for h in header]
    out: dict[str, int] = {}
    for canon, accepted in fields.items():
        for key in accepted:
            if key in keys and keys.index(key) not in out.values():
                out[canon] = keys.index(key)
                break
    return out


def string_table(probe: Probe) -> tuple[list[str], pd.DataFrame, list[int]]:
    """(header, cells as strings with columns by position, file line of each row) of the
    file's first table (CSV/TSV/xlsx) or of a Parquet file."""
    if probe.suffix in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        table = pq.read_table(probe.path)
        frame = table.to_pandas()
        header = [str(c) for c in frame.columns]
        cells = pd.DataFrame({i: frame[c].astype("string").fillna("") for i, c in enumerate(frame.columns)})
        return header, cells, list(range(2, len(frame) + 2))
    sheet = probe.sheets[0]
    width = sheet.width
    rows = []
    for cells, line in zip(sheet.rows, sheet.lines):
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            raise TrafficDataError(f"{len(cells)} fields where the header has {width}", file=probe.file,
                                   rows=[line], hint="check the separator and quoting on that line")
        rows.append((cells + [""] * width)[:width])
    cells = pd.DataFrame(rows, columns=range(width), dtype="string") if rows else \
        pd.DataFrame({i: pd.Series(dtype="string") for i in range(width)})
    return sheet.header, cells.fillna(""), list(sheet.lines)


def damaged_ids(values: pd.Series) -> np.ndarray:
    """Cells written in scientific notation (``1.23457E+18``) by a spreadsheet."""
    return values.astype("string").str.strip().str.fullmatch(SCIENTIFIC.pattern).fillna(False).to_numpy(bool)


def refuse_damaged(cells: pd.DataFrame, header: list[str], where: dict[str, int], names, lines: list[int],
                   file: str) -> None:
    """One TrafficDataError for the first id column holding scientific-notation values."""
    for name in names:
        if name not in where:
            continue
        bad = damaged_ids(cells[where[name]])
        if bad.any():
            rows = [lines[i] for i in np.flatnonzero(bad)]
            sample = cells[where[name]][bad].iloc[0]
            raise TrafficDataError(
                f"{int(bad.sum()):,} of {len(bad):,} ids damaged by a spreadsheet (scientific notation such as "
                f"'{sample}': digits lost, different visitors merged)", file=file, column=header[where[name]],
                rows=rows, hint="export the file again, or open the CSV with this column as text, not numbers")


def _number(cells: pd.DataFrame, where: dict[str, int], name: str, header: list[str], lines: list[int],
            file: str, integer: bool = True) -> pd.Series | None:
    if name not in where:
        return None
    col = cells[where[name]]
    return checked_numbers(col, file=file, column=header[where[name]], lines=lines, decimal=".",
                           integer=integer, what="counts and amounts")


def _recognise(probe: Probe) -> bool:
    if probe.suffix not in (".csv", ".tsv", ".txt", "", ".xlsx", ".xlsm", ".parquet", ".pq"):
        return False
    keys = {compact(h) for h in probe.headers()}
    return "fullvisitorid" in keys and bool(keys & {"visitid", "visitstarttime"})


def read_ua_sessions(probe: Probe | str) -> Export:
    """Read a flattened UA / GA360 ``ga_sessions_*`` extract (see the module docstring).

    Returns an :class:`Export` of kind ``"ua/sessions"`` whose frame is the canonical
    ``sessions`` table (+ ``bounces``, ``transactions``, ``ua_channel``,
    ``visit_number``, ``date``), one row per session; revenue in currency units.
    Raises :class:`TrafficDataError` (file, column, lines) for visit ids or start times
    in scientific notation, unreadable numbers, dates or times, negative counts, and
    for a session-grain extract that repeats a session.
    """
    from trafficlib.channels import channel_group

    if not isinstance(probe, Probe):
        probe = Probe(probe)
    file = probe.file
    header, cells, lines = string_table(probe)
    where = map_headers(header, FIELDS)
    notes: list[str] = []
    meta: dict = {}
    if "full_visitor_id" not in where and "client_id" not in where:
        raise TrafficDataError("no fullVisitorId column", file=file, column="fullVisitorId")
    refuse_damaged(cells, header, where, ("visit_id", "visit_start_time"), lines, file)
    visits = _number(cells, where, "visits", header, lines, file)
    if visits is not None:
        keep = (visits == 1).to_numpy(bool)
        if (~keep).any():
            notes.append(f"{int((~keep).sum()):,} rows with totals.visits other than 1 dropped (sessions of "
                         "non-interaction hits only, which UA's reports do not count)")
            cells = cells[keep].reset_index(drop=True)
            lines = [ln for ln, k in zip(lines, keep) if k]

    def text(name: str) -> pd.Series:
        if name not in where:
            return pd.Series(pd.NA, index=cells.index, dtype="string")
        return cells[where[name]].astype("string").str.strip().replace("", pd.NA)

    id_col = "full_visitor_id" if "full_visitor_id" in where else "client_id"
    user = text(id_col)
    if user.isna().any():
        raise TrafficDataError("empty visitor id", file=file, column=header[where[id_col]],
                               rows=[lines[i] for i in np.flatnonzero(user.isna().to_numpy())])
    damaged = damaged_ids(user)
    hit_grain = bool({compact(h) for h in header} & HIT_COLUMNS)
    if hit_grain:
        cells, lines, user, damaged = _one_row_per_session(cells, lines, user, damaged, where, header, file, notes)
    n = len(cells)
    day = None
    if "date" in where:
        day, bad = yyyymmdd_or_dates(cells[where["date"]])
        if bad.any():
            raise TrafficDataError(f"cannot read '{cells[where['date']][bad].iloc[0]}' as a date", file=file,
                                   column=header[where["date"]], rows=[lines[i] for i in np.flatnonzero(bad.to_numpy())])
    if "visit_start_time" in where:
        secs = _number(cells, where, "visit_start_time", header, lines, file)
        missing = secs.isna().to_numpy(bool)
        if missing.any():
            raise TrafficDataError("empty visitStartTime", file=file, column=header[where["visit_start_time"]],
                                   rows=[lines[i] for i in np.flatnonzero(missing)])
        if ((secs < 1e8) | (secs > 1e10)).any():  # 1973..2286: anything else is not epoch seconds
            bad = ((secs < 1e8) | (secs > 1e10)).to_numpy(bool)
            raise TrafficDataError("visitStartTime is not in epoch seconds", file=file,
                                   column=header[where["visit_start_time"]],
                                   rows=[lines[i] for i in np.flatnonzero(bad)])
        start = pd.to_datetime(secs.astype("int64"), unit="s")
        notes.append("session start from visitStartTime (UTC); the date column is in the view's time zone")
    elif day is not None:
        if day.isna().any():
            raise TrafficDataError("empty date", file=file, column=header[where["date"]],
                                   rows=[lines[i] for i in np.flatnonzero(day.isna().to_numpy())])
        start = day
        notes.append("no visitStartTime: sessions start at midnight of their date")
    else:
        raise TrafficDataError("no visitStartTime or date column", file=file, column="visitStartTime")
    visit_id = text("visit_id")
    if visit_id.isna().all():
        visit_id = pd.Series((start.astype("int64") // 10**9).astype(str), index=cells.index, dtype="string")
    sid = user + "." + visit_id.fillna("")
    if "visit_start_time" in where and "visit_id" in where:
        # visitId is visitStartTime for most sessions, not all: two visitors may share a visitId
        other = text("visit_start_time").fillna("") != visit_id.fillna("")
        sid = sid.mask(other, sid + "." + text("visit_start_time").fillna(""))
    dup = sid.duplicated(keep=False)
    if dup.any() and day is not None:
        stamped = sid + "." + day.dt.strftime("%Y%m%d").astype("string")
        sid = sid.mask(dup, stamped)
        notes.append(f"{int(dup.sum()) // 2:,} sessions spanning midnight appear on two days (UA splits them "
                     "at midnight): both rows kept, as UA counts them")
    again = sid.duplicated(keep=False)
    if again.any():
        raise TrafficDataError(f"{int(again.sum()):,} rows repeat the same session (fullVisitorId + visitId)",
                               file=file, column=header[where.get("visit_id", where.get("full_visitor_id", 0))],
                               rows=[lines[i] for i in np.flatnonzero(again.to_numpy())],
                               hint="the extract holds the same day twice?")
    if damaged.any():
        col = header[where[id_col]]
        by_visit = visit_id.nunique() if visit_id.notna().all() else None
        notes.append(
            f"{int(damaged.sum()):,} of {n:,} sessions have a {col} damaged by a spreadsheet (scientific notation "
            f"such as '{user[damaged].iloc[0]}': digits lost, different visitors merged): users are NOT available "
            f"(user_id left empty). Sessions, page views and revenue are kept: {n:,} sessions told apart by the "
            f"id as written with visitId" + (f" ({by_visit:,} by visitId alone)" if by_visit is not None else "")
            + "; export again with the id as text to count users")
        meta["unavailable"] = ["users"]
        meta["damaged_ids"] = {"column": col, "rows": int(damaged.sum())}
    zero = pd.Series(0.0, index=cells.index)
    pageviews = _number(cells, where, "pageviews", header, lines, file)
    pageviews = zero if pageviews is None else pageviews.fillna(0.0)
    duration = _number(cells, where, "time_on_site", header, lines, file, integer=False)
    duration = zero if duration is None else duration.fillna(0.0)
    transactions = _number(cells, where, "transactions", header, lines, file)
    transactions = zero if transactions is None else transactions.fillna(0.0)
    micros = _number(cells, where, "revenue_micros", header, lines, file, integer=False)
    revenue = zero if micros is None else micros.fillna(0.0) / 1e6
    if micros is not None:
        notes.append(f"revenue = {header[where['revenue_micros']]} / 1,000,000 (BigQuery stores money in micros)")
    elif "line_revenue_micros" in where:  # product lines' revenue (summed per session at product grain)
        lines_micros = (cells["_line_revenue"].astype(float) if "_line_revenue" in cells
                        else _number(cells, where, "line_revenue_micros", header, lines, file, integer=False))
        revenue = lines_micros.fillna(0.0) / 1e6
        notes.append(f"revenue = sum of the lines' {header[where['line_revenue_micros']]} / 1,000,000 per session "
                     "(BigQuery stores money in micros)")
    bounces = _number(cells, where, "bounces", header, lines, file)
    new_visits = _number(cells, where, "new_visits", header, lines, file)
    visit_number = _number(cells, where, "visit_number", header, lines, file)
    if new_visits is not None:
        new_user = pd.array((new_visits.fillna(0) == 1).to_numpy(bool), dtype="boolean")
    elif visit_number is not None:
        new_user = pd.array((visit_number == 1).to_numpy(bool), dtype="boolean")
    else:
        new_user = pd.array([pd.NA] * n, dtype="boolean")
    frame = pd.DataFrame({
        "session_id": sid.astype("string"),
        "user_id": user.astype("string"),
        "start": pd.to_datetime(start).astype("datetime64[ns]"),
        "source": text("source"), "medium": text("medium"), "campaign": text("campaign"),
    })
    if damaged.any():  # any merged visitor makes every user count wrong: none is given
        frame["user_id"] = pd.Series(pd.NA, index=cells.index, dtype="string")
    frame["channel"] = channel_group(frame).astype("string")
    frame["landing_page"] = text("landing_page")
    frame["device"] = text("device")
    frame["country"] = text("country")
    frame["new_user"] = new_user
    frame["pageviews"] = pageviews.round().astype("int64").astype("Int64")
    frame["duration_s"] = duration.astype("float64")
    frame["engagement_time_s"] = np.nan
    frame["engaged"] = pd.array(((duration > 10) | (transactions > 0) | (pageviews >= 2)).to_numpy(bool),
                                dtype="boolean")
    frame["conversions"] = transactions.round().astype("int64").astype("Int64")
    frame["revenue"] = revenue.astype("float64")
    frame["bounces"] = (bounces.fillna(0) if bounces is not None else (pageviews <= 1).astype(float)
                        ).round().astype("int64").astype("Int64")
    frame["transactions"] = transactions.round().astype("int64").astype("Int64")
    frame["ua_channel"] = text("ua_channel")
    frame["visit_number"] = (visit_number.astype("Int64") if visit_number is not None
                             else pd.array([pd.NA] * n, dtype="Int64"))
    frame["date"] = day.astype("datetime64[ns]") if day is not None else frame["start"].dt.normalize()
    frame = frame.reset_index(drop=True)
    frame.attrs = {"table": "sessions", "file": file}
    notes.append("channel = GA4 default channel group of source / medium / campaign"
                 + ("; UA's own channelGrouping kept in ua_channel" if "ua_channel" in where else ""))
    notes.append("UA bounce = a session with one interaction hit (totals.bounces = 1"
                 + ("" if bounces is not None else "; the extract has no totals.bounces: one page view or less")
                 + "); UA bounce rate = bounces / sessions. GA4's bounce rate is 1 − engagement rate; "
                 "'engaged' applies GA4's rule to UA fields (time on site > 10 s, a transaction or 2+ page views)")
    notes.append("conversions = totals.transactions (UA goals are not in the extract)" if "transactions" in where else
                 "the extract has no transactions column: conversions are not known (0 in every session)")
    if "landing_page" not in where:
        notes.append("no landing page in the extract (flatten hits.page.pagePath of the first hit to get it)")
    columns = {header[i]: name for name, i in where.items()}
    period = (frame["date"].min(), frame["date"].max()) if n else None
    if period:
        notes.append("period taken from the first and last date in the data")
    return Export(path=file, kind="ua/sessions", table="sessions", frame=frame, period=period, notes=notes,
                  columns=columns, meta=meta)


def _one_row_per_session(cells: pd.DataFrame, lines: list[int], user: pd.Series, damaged: np.ndarray,
                         where: dict[str, int], header: list[str], file: str, notes: list[str]):
    """The rows of a hit- or product-grain extract reduced to one per session (its
    first row: the session-level fields repeat on every row), exact duplicate lines
    dropped, the lines' revenue summed per session into ``_line_revenue`` (micros).
    Returns (cells, lines, user, damaged) of the sessions."""
    rows = len(cells)
    dup = cells.duplicated().to_numpy(bool)
    line_rev = _number(cells, where, "line_revenue_micros", header, lines, file, integer=False)
    if dup.any():
        msg = f"{int(dup.sum()):,} exact duplicate lines dropped (the same product line twice in one session)"
        if line_rev is not None:
            msg += (f": the lines' {header[where['line_revenue_micros']]} sums to {line_rev[~dup].sum() / 1e6:,.2f} "
                    f"without them, {line_rev.sum() / 1e6:,.2f} with them")
        notes.append(msg)
    keep = ~dup
    cells, user, damaged = cells[keep], user[keep], damaged[keep]
    lines = [ln for ln, k in zip(lines, keep) if k]
    key_parts = [user.fillna("")]
    for name in ("visit_id", "visit_start_time", "date"):
        if name in where:
            key_parts.append(cells[where[name]].astype("string").str.strip().fillna(""))
    key = pd.Series(["\x1f".join(t) for t in zip(*key_parts)], index=cells.index)
    first = ~key.duplicated().to_numpy(bool)
    session_level = [where[f] for f in ("pageviews", "time_on_site", "transactions", "revenue_micros", "bounces")
                     if f in where]
    if session_level:
        varies = cells.groupby(key.to_numpy(), sort=False)[session_level].nunique().gt(1).any(axis=1)
        if varies.any():
            notes.append(f"{int(varies.sum()):,} sessions whose session-level totals differ between their rows "
                         "(taken from the first row)")
    out = cells[first].copy()
    if line_rev is not None:
        sums = line_rev[keep].fillna(0.0).groupby(key.to_numpy(), sort=False).sum()
        out["_line_revenue"] = sums.reindex(key[first].to_numpy()).to_numpy()
    notes.append(f"hit/product-grain extract: {rows:,} rows read as {int(first.sum()):,} sessions (session-level "
                 "fields from each session's first row)")
    return (out.reset_index(drop=True), [ln for ln, f in zip(lines, first) if f],
            user[first].reset_index(drop=True), damaged[first])


register(Reader("ua/sessions", "sessions", _recognise, read_ua_sessions, priority=25,
                describe="Universal Analytics / GA360 BigQuery ga_sessions_* extract flattened to CSV, xlsx or "
                         "Parquet (fullVisitorId, visitId, totals.*)"))
