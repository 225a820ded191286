"""One watch run: lock, read what is new, store it, compare, alert — in one transaction."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from trafficlib.errors import TrafficDataError
from trafficlib.timeseries import country_code, holiday_names
from trafficlib.watch.history import open_history
from trafficlib.watch.ingest import read_new
from trafficlib.watch.lock import history_lock
from trafficlib.watch.rules import evaluate
from trafficlib.watch.series import latest_rows

__all__ = ["WatchResult", "run", "FIGURE_DAYS"]

FIGURE_DAYS = 120  # days of each watched figure kept for the history page
TABLES = ("web_cube", "search_console", "ad_spend", "trends", "rankings", "auction_insights", "competitors")


@dataclass
class WatchResult:
    """What a run found: new ``alerts``, holiday ``notes`` and ``ongoing`` changes
    alerted in the days before (:class:`~trafficlib.watch.rules.Alert`), ``refused`` files (label, reason), the
    counts of new files/snapshots and files already seen, the ``run_id`` (None on a
    dry run) and the ``country`` whose holidays were used."""

    alerts: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    ongoing: list = field(default_factory=list)
    refused: list = field(default_factory=list)
    snapshots: int = 0
    seen: int = 0
    run_id: int | None = None
    country: str | None = None
    dry_run: bool = False
    days: list = field(default_factory=list)


def _days_of(export) -> set:
    """Days an export holds: its dates, else its stated period."""
    frame = export.frame
    if isinstance(frame, pd.DataFrame) and "date" in frame and len(frame):
        d = pd.to_datetime(frame["date"], errors="coerce")
        if getattr(d.dt, "tz", None) is not None:
            d = d.dt.tz_localize(None)
        return {pd.Timestamp(x) for x in d.dt.normalize().dropna().unique()}
    if export.period:
        return set(pd.date_range(pd.Timestamp(export.period[0]).normalize(), pd.Timestamp(export.period[1]).normalize()))
    return set()


def _country(rows: dict, given: str | None) -> str | None:
    """The site's country for holidays: ``given`` (a code or a name), else the country
    bringing at least 40 % of the Search Console clicks (the rule of
    :func:`trafficlib.seo.site_country`), else None (no holidays named)."""
    if given and given != "auto":
        return country_code(given) or given.upper()
    sc = rows.get("search_console", pd.DataFrame())
    if sc.empty or "country" not in sc or "clicks" not in sc:
        return None
    by = latest_rows(sc).groupby("country")["clicks"].sum().sort_values(ascending=False)
    if by.empty or by.sum() <= 0 or by.iloc[0] / by.sum() < 0.4:
        return None
    return country_code(str(by.index[0]))


def run(folder: Path, history: Path | None, *, lang: str = "en", dry_run: bool = False, country: str | None = "auto",
        wait: float = 30.0) -> WatchResult:
    """Watch ``folder`` once against ``history`` (a DuckDB file, created when absent).

    Everything the run writes (snapshots, rows, alerts, figures, the run itself) is
    committed at the end in one transaction, or not at all: an exception, a kill or
    ``dry_run`` leaves the history as it was. Refused files are not recorded (they are
    reported again until fixed or removed). Raises LockBusy when another run holds the
    history longer than ``wait`` seconds, TrafficDataError when the history is not a
    DuckDB file, FileNotFoundError for a missing folder."""
    history = Path(history) if history is not None else None
    if dry_run and history is not None and not history.exists():
        history = None  # nothing to compare with, nothing to create
    if history is None:
        return _run(folder, None, lang, dry_run, country)
    with history_lock(history, wait=wait):
        return _run(folder, history, lang, dry_run, country)


def _run(folder: Path, history: Path | None, lang: str, dry_run: bool, country: str | None) -> WatchResult:
    h = open_history(history)
    res = WatchResult(dry_run=dry_run)
    try:
        h.begin()
        new = read_new(Path(folder), h.known_digests())
        res.seen = new.seen
        res.refused = [(label, reason) for _, label, reason in new.refused]
        run_id = h.new_run(str(folder))
        days: set = set()
        before: dict = {}
        for digest, item in new.taken:
            e = item.export
            if not isinstance(e.frame, pd.DataFrame):
                continue
            if e.kind not in before:  # days this source held before the run: not judged again
                before[e.kind] = h.covered(e.kind, e.table)
            try:
                h.add_snapshot(run_id, digest, item.label, e.kind, e.table, e.period, e.frame)
            except TrafficDataError as exc:  # checked before any write: the run goes on without it
                res.refused.append((item.label, exc.problem + (f" (column {exc.column!r})" if exc.column else "")))
                continue
            h.add_file(digest, item.label, "taken", "", run_id)
            days |= _days_of(e) - before[e.kind]
            res.snapshots += 1
        rows = {t: h.rows(t) for t in TABLES}
        res.country = _country(rows, country)
        res.days = sorted(days)
        holidays = {}
        if res.country and days:
            span = pd.date_range(min(days) - pd.Timedelta(days=70), max(days))
            names = holiday_names(span, res.country, lang=lang)
            holidays = {d: n for d, n in zip(span, names) if isinstance(n, str)}
        ctx = evaluate(rows, sorted(days), holidays, h.alerted())
        res.alerts, res.notes, res.ongoing = ctx.alerts, ctx.notes, ctx.ongoing
        h.add_alerts(run_id, ctx.alerts)
        h.add_alerts(run_id, ctx.ongoing, state="ongoing")
        h.set_figures(_figures(ctx.figures))
        h.finish_run(run_id, len({d for d, _ in new.taken}), res.snapshots, len(ctx.alerts))
        if dry_run:
            h.rollback()
        else:
            h.commit()
            res.run_id = run_id
    except BaseException:
        try:
            h.rollback()
        except Exception:  # noqa: BLE001 - the transaction may already be gone
            pass
        raise
    finally:
        h.close()
    return res


def _figures(series: list) -> pd.DataFrame:
    parts = []
    for name, s in series:
        if s is None or not len(s):
            continue
        s = s.tail(FIGURE_DAYS)
        parts.append(pd.DataFrame({"figure": name, "day": pd.to_datetime(s.index), "value": s.to_numpy(dtype=float)}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["figure", "day", "value"])
