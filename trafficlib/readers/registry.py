"""What an export is, and the registry :func:`load` walks to recognise one.

Each reader module registers one :class:`Reader` per kind of export it understands: a
``recognise(probe)`` function that looks at the file's headers and preamble (never its
name alone) and a ``read(probe)`` function that returns an :class:`Export`. :func:`load`
asks every reader in order of priority; the first that recognises the file reads it.
A file nobody recognises raises :class:`TrafficDataError` saying what it looked like.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable

import pandas as pd

from trafficlib import filecache
from trafficlib.errors import TrafficDataError
from trafficlib.readers._sheet import EXCEL_SUFFIXES, Sheet, sheets

__all__ = ["Export", "Reader", "Probe", "register", "load", "readers", "reconcile", "coverage", "reference_total",
           "mismatch_message", "UNRECONCILED"]


@dataclass
class Export:
    """One export file, recognised and read.

    Attributes
    ----------
    path : str
        The file as given.
    kind : str
        What it is, ``"<family>/<report>"``: ``"ga4/report"``, ``"ga4/bigquery_events"``,
        ``"ua/sessions"``, ``"daily_series"``, ``"canonical/sessions"``...
    table : str
        The canonical table it feeds: one of :data:`trafficlib.schema.TABLES`, or
        ``"web_cube"`` for aggregated web-analytics reports (date × dimensions × metrics,
        see :mod:`trafficlib.readers.ga4_reports`).
    frame : DataFrame
        The data, in the canonical columns of ``table`` (the export's own total rows
        removed).
    totals : DataFrame or None
        The export's own total row(s) as parsed (same metric columns), or None.
    period : (Timestamp, Timestamp) or None
        First and last day covered, as the file states it (preamble), else None.
    notes : list of str
        What was dropped or assumed, in plain words.
    columns : dict
        File header -> canonical column, for the columns used.
    dimensions : tuple of str
        For a cube: its dimensions (canonical names, e.g. ``("date", "channel")``).
    meta : dict
        Anything else the file states (property, account, currency, filters...).
    """

    path: str
    kind: str
    table: str
    frame: pd.DataFrame
    totals: pd.DataFrame | None = None
    period: tuple[pd.Timestamp, pd.Timestamp] | None = None
    notes: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    dimensions: tuple[str, ...] = ()
    meta: dict = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return len(self.frame)

    def reconciliation(self) -> pd.DataFrame:
        """The kit's sums against the file's own totals (see :func:`reconcile`)."""
        return reconcile(self)

    def summary(self) -> str:
        """A few plain lines describing the export (used by ``trafficlib inspect``)."""
        out = [f"{self.path}", f"  kind: {self.kind} -> table {self.table}, {self.rows:,} rows"]
        if self.dimensions:
            out.append(f"  dimensions: {', '.join(self.dimensions)}")
        if self.columns:
            out.append("  columns: " + ", ".join(f"{k} -> {v}" for k, v in self.columns.items()))
        if self.period:
            out.append(f"  period: {self.period[0]:%Y-%m-%d} to {self.period[1]:%Y-%m-%d}")
        rec = self.reconciliation()
        if rec.empty:
            if self.totals is None:
                out.append("  totals: the file states none")
            elif reference_total(self) is None:
                out.append("  totals: the file states only totals wider than its rows (see below)")
            else:
                out.append("  totals: nothing to compare")
        else:
            bad = rec[~rec["ok"]]
            if bad.empty:
                out.append(f"  totals: reconcile ({', '.join(rec['metric'])} equal the file's own totals)")
            else:
                out.append("  totals: DO NOT reconcile: " + "; ".join(
                    f"{r.metric} sums to {r.kit:,.2f}, the file says {r.file:,.2f}" for r in bad.itertuples()))
        for r in coverage(self).itertuples():
            name = r.label or r.level or "a wider total"
            share = "" if r.share != r.share else f" ({r.share:.0%})"
            out.append(f"  covers: {r.metric} shown {r.shown:,.2f} of {name} {r.total:,.2f}{share}")
        out.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(out)

    @property
    def reconciled(self) -> bool | None:
        """True when the rows add up to the file's own total for them, False when they
        do not, None when the file states no such total."""
        rec = self.reconciliation()
        return None if rec.empty else bool(rec["ok"].all())


# Metrics that add up across rows (others, like users, do not; rates are recomputed).
ADDITIVE = ("sessions", "engaged_sessions", "converting_sessions", "conversions", "revenue", "pageviews",
            "engagement_time", "impressions", "clicks", "cost", "conversion_value", "event_count",
            "transactions", "bounces", "single_page")


def reference_total(export: Export) -> pd.Series | None:
    """The total the data rows must add up to: the first total row of ``scope``
    ``"rows"`` (see :attr:`Export.totals`), or the first total row when the reader
    states no scope; None when the file states no total for exactly its rows."""
    t = export.totals
    if t is None or not len(t):
        return None
    if "scope" in t.columns:
        own = t[t["scope"].astype("string").fillna("rows") == "rows"]
        return own.iloc[0] if len(own) else None
    return t.iloc[0]


def reconcile(export: Export, rel_tol: float = 5e-4, abs_tol: float = 0.01) -> pd.DataFrame:
    """Additive metrics summed by the kit against the export's own total for its rows
    (:func:`reference_total`).

    Returns one row per metric present in both: ``metric``, ``kit`` (sum of the data
    rows), ``file`` (the total row), ``ok`` (equal within ``rel_tol`` relative or
    ``abs_tol`` absolute: exports round their totals to cents or to 2 decimals, and a
    total of rounded row costs can differ from the exact total by a few cents). Empty
    when the export states no total for its rows.
    """
    total = reference_total(export)
    rows = []
    if total is not None and not export.frame.empty:
        derived = set(export.meta.get("derived", ()))
        for m in ADDITIVE:
            if m in derived:
                continue  # rebuilt from a rounded average or rate: it cannot match to the cent
            if m in export.frame.columns and m in total.index and pd.notna(total[m]):
                kit = float(pd.to_numeric(export.frame[m], errors="coerce").sum())
                want = float(total[m])
                ok = math.isclose(kit, want, rel_tol=rel_tol, abs_tol=abs_tol)
                rows.append({"metric": m, "kit": kit, "file": want, "ok": ok})
    return pd.DataFrame(rows, columns=["metric", "kit", "file", "ok"])


def reconciliation_text(rec: pd.DataFrame, lang: str = "en") -> str:
    """A :func:`reconcile` table in words for a report's list of exports: "equal" (every
    metric matches the file's own total), "DIFFERENT: cost, ..." (the metrics that do not)
    or "no total row" (nothing to compare), in ``lang``."""
    from trafficlib import i18n

    if rec.empty:
        return i18n.text(lang, "no total row", "pas de ligne de total")
    if rec["ok"].all():
        return i18n.text(lang, "equal", "égaux")
    return i18n.text(lang, "DIFFERENT: ", "DIFFÉRENTS : ") + ", ".join(rec.loc[~rec["ok"], "metric"])


def coverage(export: Export) -> pd.DataFrame:
    """What the rows cover of the wider totals the file states (``scope == "more"``):
    one row per (total, additive metric) with ``label``, ``level``, ``covers`` (what the
    reader says the total covers: ``account``, ``campaign type``, ``unnamed``...; ``""``
    when it does not say), ``metric``, ``shown`` (sum of the data rows), ``total`` (the
    file's figure; for an ``unnamed`` bucket, shown + the bucket) and ``share`` (shown /
    total). For sentences such as "search terms shown: 45,131.04 of the
    account's 97,152.46". Empty when there is none.

    Where the reader says what each total covers (a ``covers`` column: ``account``,
    ``campaign type``, ``unnamed``...), only totals that contain the rows are used: the
    account, the campaign type of the rows when they are all of one type, and an
    ``unnamed`` bucket (Google's "Other search terms") as shown of shown + unnamed.
    A "wider" figure smaller than the rows' sum is left out (it is not wider)."""
    t = export.totals
    cols = ["label", "level", "covers", "metric", "shown", "total", "share"]
    if t is None or not len(t) or "scope" not in t.columns or export.frame.empty:
        return pd.DataFrame(columns=cols)
    more = t[t["scope"].astype("string") == "more"]
    unnamed = more.iloc[0:0]
    if "covers" in more.columns:
        covers = more["covers"].astype("string").fillna("")
        wide = more[covers == "account"]
        frame = export.frame
        if "campaign_type" in frame.columns:
            types = {str(v).casefold() for v in frame["campaign_type"].dropna().unique()}
            if len(types) == 1:
                same = (covers == "campaign type") & more["level"].astype("string").str.casefold().isin(types)
                wide = pd.concat([wide, more[same.fillna(False)]])
        unnamed = more[covers == "unnamed"]
    else:
        wide = more
    out = []
    sums = {m: float(pd.to_numeric(export.frame[m], errors="coerce").sum())
            for m in ADDITIVE if m in export.frame.columns}
    for rows, add_shown in ((wide, False), (unnamed, True)):
        for _, row in rows.iterrows():
            for m, shown in sums.items():
                if m not in row.index or pd.isna(row[m]):
                    continue
                total = float(row[m]) + (shown if add_shown else 0.0)
                if total <= 0 or shown > total * (1 + 5e-4) + 0.01:
                    continue
                label = row.get("label", "")
                covers = row.get("covers", "") if "covers" in row.index else ""
                out.append({"label": f"shown + {label}" if add_shown else label, "level": row.get("level", ""),
                            "covers": "" if pd.isna(covers) else str(covers),
                            "metric": m, "shown": shown, "total": total, "share": shown / total})
    return pd.DataFrame(out, columns=cols)


def mismatch_message(export: Export, rec: pd.DataFrame | None = None) -> str | None:
    """One sentence naming every figure whose rows do not add up to the file's own
    total (both figures given), or None when they reconcile (or the file states none)."""
    rec = reconcile(export) if rec is None else rec
    if rec.empty or rec["ok"].all():
        return None
    total = reference_total(export)
    label = ""
    if total is not None and "label" in total.index and isinstance(total["label"], str) and total["label"]:
        label = f" ('{total['label']}')"
    return (f"the data rows do not add up to the file's own total{label}: " + "; ".join(
        f"{r.metric} sums to {r.kit:,.2f}, the file says {r.file:,.2f}" for r in rec[~rec["ok"]].itertuples()))


class Probe:
    """A file looked at, lazily: its table blocks (CSV/Excel), or its Parquet schema.

    Readers' ``recognise`` functions use it so the file is read once whatever the number
    of readers asking.
    """

    def __init__(self, path: str | Path, sheet: str | None = None):
        self.path = Path(path)
        self.sheet = sheet
        self.file = str(path)
        self.suffix = self.path.suffix.lower()
        if self.path.name.lower().endswith(".gz"):
            self.suffix = Path(self.path.stem).suffix.lower() + ".gz"

    @property
    def is_text(self) -> bool:
        return self.suffix in (".csv", ".tsv", ".txt", "") or self.suffix in EXCEL_SUFFIXES

    @cached_property
    def sheets(self) -> list[Sheet]:
        return sheets(self.path, self.sheet) if self.is_text else []

    @cached_property
    def parquet_columns(self) -> list[str]:
        if self.suffix not in (".parquet", ".pq"):
            return []
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(self.path).names)
        except Exception:
            raise TrafficDataError("not a readable Parquet file", file=self.file) from None

    def headers(self) -> list[str]:
        """The header of the first table block, or the Parquet columns."""
        if self.suffix in (".parquet", ".pq"):
            return self.parquet_columns
        return self.sheets[0].header if self.sheets else []


@dataclass(frozen=True)
class Reader:
    """A kind of export: how to recognise it and how to read it.

    ``recognise(probe)`` returns True when the file is of this kind (cheap: headers and
    preamble); ``read(probe)`` returns the :class:`Export`. ``priority``: lower is asked
    first (specific formats before generic ones).
    """

    kind: str
    table: str
    recognise: Callable[[Probe], bool]
    read: Callable[[Probe], Export]
    priority: int = 50
    describe: str = ""


_REGISTRY: list[Reader] = []


def register(reader: Reader) -> Reader:
    """Add a reader to the registry (replacing one of the same kind)."""
    _REGISTRY[:] = [r for r in _REGISTRY if r.kind != reader.kind] + [reader]
    _REGISTRY.sort(key=lambda r: r.priority)
    return reader


def readers() -> list[Reader]:
    """The registered readers, in the order :func:`load` asks them."""
    _ensure_loaded()
    return list(_REGISTRY)


def _ensure_loaded() -> None:
    # Reader modules register themselves on import.
    from trafficlib.readers import _all  # noqa: F401


def _looks_like(probe: Probe) -> str:
    """A short description of an unrecognised file for the error message."""
    if probe.suffix in (".parquet", ".pq"):
        cols = probe.parquet_columns
        return f"a Parquet file with columns {', '.join(cols[:8])}{'...' if len(cols) > 8 else ''}"
    try:
        blocks = probe.sheets
    except TrafficDataError:
        raise
    if not blocks:
        return "no table"
    b = blocks[0]
    head = ", ".join(h for h in b.header[:8] if h) + ("..." if len(b.header) > 8 else "")
    return f"a table with columns {head} ({len(b.rows):,} rows)"


UNRECONCILED = "DOES NOT RECONCILE"  # the start of the loud note load(..., on_mismatch="note") writes


def load(path: str | Path, sheet: str | None = None, on_mismatch: str = "error") -> Export:
    """Recognise an export from its headers and preamble and read it; in a workbook,
    ``sheet`` names the worksheet to read (default: the tables of every sheet are
    considered and the reader picks the best).

    Where the file states a total for the rows it lists, the rows are checked against it
    (:func:`reconcile`). A mismatch beyond rounding is never a quiet choice:
    ``on_mismatch="error"`` (default) raises a :class:`TrafficDataError` naming both
    figures; ``"note"`` reads the file anyway with a loud first note starting with
    ``"DOES NOT RECONCILE"`` (:data:`UNRECONCILED`), which the reports carry with the
    file's other notes, and ``meta["unreconciled"] = True``.

    Returns an :class:`Export`. Raises :class:`TrafficDataError` naming the file and what
    it looked like when no reader recognises it, or the reader's own error (file, column,
    line) when the file is recognised but malformed. The file is never modified. A file
    loaded again unchanged is served from :mod:`trafficlib.filecache`, as a copy.
    """
    if on_mismatch not in ("error", "note"):
        raise ValueError("on_mismatch is 'error' or 'note'")
    p = Path(path)
    if not p.exists():
        raise TrafficDataError("file not found", file=str(path))
    if p.is_dir():
        raise TrafficDataError("is a folder, expected a file", file=str(path))
    export = filecache.cached(p, "load", lambda: _load(p, sheet), sheet)
    export.path = str(path)  # as the caller wrote it
    rec = reconcile(export)
    why = mismatch_message(export, rec)
    if why is not None and _rows_cut(export, rec):
        # fewer rows than the total covers (the interface's row limit): both figures shown, not an error
        export.notes.insert(0, "the rows listed cover less than the file's own total (rows beyond the export's "
                               "row limit): " + "; ".join(f"{r.metric} {r.kit:,.2f} of {r.file:,.2f}"
                                                          for r in rec[~rec["ok"]].itertuples()))
        export.meta["rows_cut"] = True
    elif why is not None:
        if on_mismatch == "error":
            raise TrafficDataError(why, file=str(path),
                                   hint="a total row read as data, or rows missing: check the file; "
                                        "load(..., on_mismatch='note') reads it anyway with a warning")
        export.notes.insert(0, f"{UNRECONCILED}: {why}")
        export.meta["unreconciled"] = True
    return export


def _rows_cut(export: Export, rec: pd.DataFrame) -> bool:
    """Whether a mismatch is only rows left out by an interface's row limit: every
    figure that disagrees sums BELOW the file's total, and the export is of a kind whose
    downloads may stop at a row limit while stating the total of all rows
    (``meta["rows_may_be_cut"]``, by default web-analytics reports). Rows that sum
    ABOVE their own total are always an error: a total read as data, double counting."""
    bad = rec[~rec["ok"]]
    may = export.meta.get("rows_may_be_cut", export.table == "web_cube")
    return bool(may) and not bad.empty and bool((bad["kit"] < bad["file"]).all())


def _load(p: Path, sheet: str | None) -> Export:
    probe = Probe(p, sheet)
    explanations = []
    for reader in readers():
        try:
            hit = reader.recognise(probe)
        except TrafficDataError:
            raise
        if isinstance(hit, str):  # "almost": a reason to show if nobody else reads it
            explanations.append(hit)
            continue
        if hit:
            return reader.read(probe)
    why = explanations[0] if explanations else f"not an export the kit knows: {_looks_like(probe)}"
    raise TrafficDataError(why, file=str(p),
                           hint="`trafficlib inspect --formats` lists the exports the kit reads")
