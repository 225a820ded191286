"""Google Search Console exports: the Performance report, Looker Studio / API tables and
the bulk data export.

The **Performance export** ("Export > Download CSV / Download Excel / Google Sheets") is a
zip (or, unpacked, a folder; or an .xlsx workbook with one worksheet each) of one table
per dimension: ``Queries.csv`` ("Top queries" / "Requêtes les plus fréquentes"),
``Pages.csv`` ("Top pages" / "Pages les plus populaires"), ``Countries.csv`` / ``Pays.csv``,
``Devices.csv`` / ``Appareils.csv``, ``Search appearance.csv`` / ``Apparence dans les
résultats de recherche.csv``, ``Dates.csv`` (``Chart.csv`` in some downloads) and
``Filters.csv`` / ``Filtres.csv`` ("Filter, Value": search type, date range, any
query/page/country filter). Each table has the dimension then ``Clicks`` / ``Clics``,
``Impressions``, ``CTR`` (``4.5%`` or ``4,5 %``) and ``Position``. In **comparison
mode** each metric comes twice, labelled with the two date ranges ("Last 3 months
Clicks", "Previous 3 months Clicks"; French "3 derniers mois Clics", "3 mois précédents
Clics", or "Clics (même période l'année précédente)").

Every table is recognised from its headers, never its file name: :func:`read_table`
reads one into an :class:`~trafficlib.readers.registry.Export` of kind
``search_console/<dimension>`` (``queries``, ``pages``, ``countries``, ``devices``,
``search_appearance``, ``dates``, ``filters``), ``search_console/table`` (Looker Studio
or Search Analytics API tables with several of ``date, query, page, country, device,
searchAppearance`` and ``clicks, impressions, ctr, position``) or
``search_console/bulk_site`` / ``bulk_url`` (the BigQuery bulk export tables
``searchdata_site_impression`` and ``searchdata_url_impression`` saved as Parquet or
CSV). :func:`load_performance` reads a whole export (zip, folder or workbook) into one
:class:`Performance`.

Canonical columns (table ``search_console``): dimensions ``date``, ``query``, ``page``,
``country``, ``device``, ``search_appearance`` (plus ``search_type``, ``site_url``,
``is_anonymized_query`` for the bulk export); additive metrics ``clicks`` and
``impressions``; ``position`` (average position, 1 = top) with ``position_weight``
(= impressions, so positions aggregate impression-weighted); ``ctr`` always recomputed
as clicks / impressions (the file's CTR is rounded). In comparison mode the previous
period's values are ``clicks_previous``, ``impressions_previous``, ``ctr_previous``,
``position_previous``; a Dates table in comparison mode is returned long, one row per
day with ``period`` = ``"current"`` / ``"previous"``.
"""
from __future__ import annotations

import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib import filecache, schema
from trafficlib.errors import TrafficDataError
from trafficlib.readers._numbers import numbers, yyyymmdd_or_dates
from trafficlib.readers._sheet import Sheet
from trafficlib.readers.registry import Export, Probe, Reader, register

__all__ = ["read_table", "load_performance", "Performance", "TABLE", "DIMENSION_TABLES", "is_search_console"]

TABLE = "search_console"
METRICS = ("clicks", "impressions", "ctr", "position")
DIMENSION_TABLES = ("queries", "pages", "countries", "devices", "search_appearance", "dates")
_DIM_OF_TABLE = {"queries": "query", "pages": "page", "countries": "country", "devices": "device",
                 "search_appearance": "search_appearance", "dates": "date"}


def _fold(text: str) -> str:
    """Lower-case ASCII with single spaces; brackets kept (they may hold a period label)."""
    t = unicodedata.normalize("NFKD", str(text).replace("\ufeff", "")).encode("ascii", "ignore").decode()
    t = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", t)  # searchAppearance -> search Appearance
    t = re.sub(r"[_\s]+", " ", t.lower()).strip()
    return t


# Interface table headers (first column), English and French, and API / Looker Studio names.
_DIMENSION_HEADERS: dict[str, set[str]] = {
    "query": {"top queries", "queries", "query", "requetes les plus frequentes", "requetes", "requete",
              "principales requetes", "search query", "requete de recherche"},
    "page": {"top pages", "pages", "page", "pages les plus populaires", "principales pages", "landing page",
             "url", "page de destination", "landing page url"},
    "country": {"country", "countries", "pays", "country code"},
    "device": {"device", "devices", "appareil", "appareils", "device category", "categorie d'appareil",
               "categorie d appareil"},
    "search_appearance": {"search appearance", "apparence dans les resultats de recherche",
                          "apparence dans les resultats", "apparence de recherche", "search appearance type"},
    "date": {"date", "dates", "jour", "day", "data date"},
    "search_type": {"search type", "type de recherche"},
    "site_url": {"site url", "site", "property"},
}
_DIM_LOOKUP = {h: d for d, hs in _DIMENSION_HEADERS.items() for h in hs}
_TABLE_OF_DIM = {v: k for k, v in _DIM_OF_TABLE.items()}

_METRIC_WORDS = {"clicks": "clicks", "clics": "clicks", "click": "clicks", "clic": "clicks",
                 "impressions": "impressions", "impression": "impressions", "impr": "impressions",
                 "ctr": "ctr", "taux de clics": "ctr", "click through rate": "ctr",
                 "position": "position", "average position": "position", "position moyenne": "position",
                 "avg position": "position", "avg. position": "position"}
# Words a Looker Studio field puts before the metric that are not a period label.
_QUALIFIERS = ("url", "site", "average", "avg.", "avg", "moyenne", "total", "sum", "nombre de", "nombre d'")
_METRIC_RE = re.compile(
    r"^(?P<label>.*?)\s*\b(?P<metric>taux de clics|click through rate|average position|position moyenne|"
    r"avg\.? position|clicks|clics|click|clic|impressions|impression|impr|ctr|position)\b\s*"
    r"(?P<suffix>moyenne)?\s*(?:\((?P<label2>[^)]*)\))?\s*$")
_PREVIOUS_WORDS = re.compile(r"previous|prior|precedent|last year|annee precedente|annee derniere|comparison|"
                             r"comparaison|before|avant|vorherig|anterior", re.IGNORECASE)
_BULK_SITE = {"data_date", "impressions", "clicks", "sum_top_position"}
_BULK_URL = {"data_date", "url", "impressions", "clicks", "sum_position"}
_AD_HEADERS = re.compile(r"\b(cost|cout|spend|spent|depenses?|montant|campaign|campagne|budget|reach|couverture|"
                         r"conversions?|cpc|cpm|sessions|ad group|ad set|annonces?|publicites?|keyword|mot cle)\b")
_PERIOD_LABEL = re.compile(r"\d|\b(last|previous|prior|past|days?|weeks?|months?|years?|period|derni[e]?r?e?s?|"
                           r"precedente?s?|jours?|semaines?|mois|annee|periode|same|meme|current|actuelle?|"
                           r"comparison|comparaison|before|after|avant|apres)\b")


@dataclass
class _Layout:
    """Which column holds what in a Search Console table."""

    kind: str                                  # queries, pages..., dates, table, filters, bulk_site, bulk_url
    dims: dict[int, str] = field(default_factory=dict)
    metrics: dict[int, tuple[str, str]] = field(default_factory=dict)  # col -> (metric, "current"/"previous")
    labels: dict[str, str] = field(default_factory=dict)               # "current"/"previous" -> label as written
    extra: list[int] = field(default_factory=list)


def _metric_of(header: str) -> tuple[str, str] | None:
    """(metric, period label or "") for a metric header, else None."""
    h = _fold(header)
    if h in _METRIC_WORDS:
        return _METRIC_WORDS[h], ""
    m = _METRIC_RE.match(h)
    if not m:
        return None
    metric = _METRIC_WORDS.get(m["metric"].replace(".", "") if m["metric"].startswith("avg") else m["metric"])
    if metric is None:
        metric = "position" if "position" in m["metric"] else None
    if metric is None:
        return None
    label = (m["label"] or "").strip(" -:")
    for q in _QUALIFIERS:
        if label == q or label.endswith(" " + q):
            label = label[: len(label) - len(q)].strip(" -:")
    label2 = (m["label2"] or "").strip()
    label = " ".join(x for x in (label, label2) if x)
    if label and not _PERIOD_LABEL.search(label):
        return None  # "Link clicks", "Impression share": not a Search Console metric with a period label
    return metric, label


def _layout(header: list[str]) -> _Layout | None:
    """How a header reads as a Search Console table, or None."""
    folded = [_fold(h) for h in header]
    raw = {h.strip().lower() for h in header}
    if raw >= _BULK_SITE and "url" not in raw:
        return _Layout("bulk_site", dims={i: h.strip().lower() for i, h in enumerate(header)})
    if raw >= _BULK_URL:
        return _Layout("bulk_url", dims={i: h.strip().lower() for i, h in enumerate(header)})
    if len(folded) >= 2 and {folded[0], folded[1]} in ({"filter", "value"}, {"filtre", "valeur"}):
        return _Layout("filters", dims={0: "filter", 1: "value"})
    if any(_AD_HEADERS.search(h) for h in folded):
        return None
    lay = _Layout("table")
    labelled: dict[str, list[int]] = {}
    for i, h in enumerate(folded):
        if not h:
            continue
        if h in _DIM_LOOKUP and _DIM_LOOKUP[h] not in lay.dims.values():
            lay.dims[i] = _DIM_LOOKUP[h]
            continue
        mt = _metric_of(header[i])
        if mt is None:
            lay.extra.append(i)
            continue
        metric, label = mt
        labelled.setdefault(label, []).append(i)
        lay.metrics[i] = (metric, label)
    names = {m for m, _ in lay.metrics.values()}
    if not {"clicks", "impressions"} <= names or not lay.dims:
        return None
    if not (names & {"ctr", "position"}) and not any(d in lay.dims.values() for d in ("query", "page")) \
            and not any(labelled):
        return None  # clicks + impressions alone with a country or date: too generic to claim
    # period labels: "" (plain) or one/two written labels
    labels = [lb for lb in labelled if lb]
    if len(labels) > 2:
        return None
    if labels:
        prev = [lb for lb in labels if _PREVIOUS_WORDS.search(lb)]
        if len(labels) == 2:
            previous = prev[0] if len(prev) == 1 else labels[1]  # Google writes the current period first
            current = next(lb for lb in labels if lb != previous)
        else:  # "Clicks" + "Same period last year Clicks", or one labelled period alone
            current, previous = ("", labels[0]) if (prev or "" in labelled) else (labels[0], None)
        lay.labels = {"current": current or "", **({"previous": previous} if previous is not None else {})}
        role = {current: "current", **({previous: "previous"} if previous is not None else {})}
        lay.metrics = {i: (m, role.get(lb, "current")) for i, (m, lb) in lay.metrics.items()
                       if lb in role}
    else:
        lay.metrics = {i: (m, "current") for i, (m, _) in lay.metrics.items()}
    if lay.labels:
        for role in list(lay.labels):
            col = next((i for i, (m, r) in lay.metrics.items() if r == role and m == "clicks"), None)
            if col is not None:
                text = re.sub(r"\b(clicks|clics|url|site)\b", " ", header[col], flags=re.IGNORECASE)
                lay.labels[role] = re.sub(r"\s+", " ", text).strip(" ()-:")
    seen = set()
    for i, mp in sorted(lay.metrics.items()):
        if mp in seen:
            del lay.metrics[i]
        seen.add(mp)
    if len(lay.dims) == 1 and next(iter(lay.dims)) == 0:
        lay.kind = _TABLE_OF_DIM.get(lay.dims[0], "table")
    return lay


def _best_sheet(probe: Probe) -> tuple[Sheet, _Layout] | None:
    if probe.suffix in (".parquet", ".pq"):
        return None
    for s in probe.sheets:
        lay = _layout(s.header)
        if lay is not None:
            return s, lay
    return None


def is_search_console(probe: Probe) -> bool:
    """True when the file is a Search Console table (any kind this module reads)."""
    if probe.suffix in (".parquet", ".pq"):
        cols = {c.lower() for c in probe.parquet_columns}
        return cols >= _BULK_SITE or cols >= _BULK_URL
    if probe.suffix == ".zip":
        return bool(_zip_members(probe.path))
    if not probe.is_text:
        return False
    return _best_sheet(probe) is not None


# ---------------------------------------------------------------------------- reading


def _err_rows(lines: list[int], mask: pd.Series) -> list[int]:
    return [lines[j] for j in np.flatnonzero(mask.to_numpy())]


def _parse_metric(values: pd.Series, metric: str, decimal: str | None, file: str, column: str,
                  lines: list[int]) -> pd.Series:
    vals, bad = numbers(values, decimal=decimal, integer=metric in ("clicks", "impressions"),
                        percent=None)
    if bad.any():
        raise TrafficDataError(f"cannot read '{values[bad].iloc[0]}' as a number", file=file, column=column,
                               rows=_err_rows(lines, bad))
    if (vals < 0).any():
        raise TrafficDataError("negative values where clicks, impressions, CTR and positions cannot be negative",
                               file=file, column=column, rows=_err_rows(lines, vals < 0))
    if metric in ("clicks", "impressions"):
        frac = vals.notna() & (vals != vals.round())
        if frac.any():
            raise TrafficDataError(f"'{values[frac].iloc[0]}' is not a whole number of {metric}", file=file,
                                   column=column, rows=_err_rows(lines, frac))
    return vals


def _decimal_of(sheet: Sheet) -> str | None:
    if sheet.separator == ";":
        return ","
    text = " ".join(sheet.header)
    if re.search(r"[éèêàç]|\bClics\b|Requ", text):
        return ","
    return None


def _finish_metrics(frame: pd.DataFrame, suffix: str = "") -> None:
    """ctr recomputed, position NaN where there were no impressions, position_weight."""
    c, i = f"clicks{suffix}", f"impressions{suffix}"
    if c in frame and i in frame:
        with np.errstate(divide="ignore", invalid="ignore"):
            frame[f"ctr{suffix}"] = np.where(frame[i] > 0, frame[c] / frame[i], np.nan)
    p = f"position{suffix}"
    if p in frame and i in frame:
        frame.loc[~(frame[i] > 0), p] = np.nan
        frame.loc[frame[p] < 1, p] = np.nan  # 0 is how some tools write "no position"


def _read_sheet(sheet: Sheet, lay: _Layout, file: str) -> tuple[pd.DataFrame, list[str]]:
    """The table's canonical frame (wide) and notes."""
    notes: list[str] = []
    width = sheet.width
    rows, lines = [], []
    for cells, line in zip(sheet.rows, sheet.lines):
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            raise TrafficDataError(f"{len(cells)} fields where the header has {width}", file=file, rows=[line],
                                   hint="check the separator and quoting on that line")
        rows.append((cells + [""] * width)[:width])
        lines.append(line)
    raw = pd.DataFrame(rows, columns=range(width), dtype="string") if rows else \
        pd.DataFrame({i: pd.Series(dtype="string") for i in range(width)})
    decimal = _decimal_of(sheet)
    frame = pd.DataFrame(index=raw.index)
    for i, dim in lay.dims.items():
        frame[dim] = raw[i].str.strip().replace("", pd.NA)
    for i, (metric, role) in lay.metrics.items():
        name = metric if role == "current" else f"{metric}_previous"
        frame[name] = _parse_metric(raw[i], metric, decimal, file, sheet.header[i], lines)
    frame.attrs["lines"] = schema.Lines(lines)  # immutable: pandas need not deep-copy it
    if "date" in frame:
        d, bad = yyyymmdd_or_dates(frame["date"].fillna(""))
        bad = bad & frame["date"].notna()
        if bad.any():
            col = sheet.header[next(i for i, x in lay.dims.items() if x == "date")]
            raise TrafficDataError(f"cannot read '{frame['date'][bad].iloc[0]}' as a date", file=file, column=col,
                                   rows=_err_rows(lines, bad))
        frame["date"] = d
    for suffix in ("", "_previous"):
        if f"clicks{suffix}" in frame and f"impressions{suffix}" in frame:
            over = frame[f"clicks{suffix}"] > frame[f"impressions{suffix}"]
            if over.any():
                notes.append(f"{int(over.sum())} rows with more clicks than impressions (kept as written)")
        _finish_metrics(frame, suffix)
    dropped = [sheet.header[i] for i in lay.extra if sheet.header[i]]
    if dropped:
        notes.append("columns not used: " + ", ".join(dropped))
    return frame, notes


def _long_dates(frame: pd.DataFrame, labels: dict, notes: list[str]) -> pd.DataFrame:
    """A comparison-mode Dates table as one row per day and period."""
    cur_cols = [m for m in METRICS if m in frame]
    prev_cols = [f"{m}_previous" for m in METRICS if f"{m}_previous" in frame]
    cur = frame[["date", *cur_cols]].copy()
    prev = frame[["date", *prev_cols]].rename(columns=lambda c: c.replace("_previous", ""))
    has_cur = cur[[c for c in ("clicks", "impressions") if c in cur]].notna().any(axis=1)
    has_prev = prev[[c for c in ("clicks", "impressions") if c in prev]].notna().any(axis=1)
    if not (has_cur & has_prev).any():
        # each row is dated with its own day: current rows, then the comparison rows
        out = pd.concat([cur[has_cur].assign(period="current"), prev[has_prev].assign(period="previous")])
    else:
        # both periods on one row: the comparison day is the same day of the earlier range
        days = int((cur["date"].max() - cur["date"].min()).days) + 1
        prev = prev[has_prev].copy()
        prev["date"] = prev["date"] - pd.Timedelta(days=days)
        notes.append(f"comparison days dated by shifting the period's days back {days} days (the file puts "
                     "both periods on one row)")
        out = pd.concat([cur[has_cur].assign(period="current"), prev.assign(period="previous")])
    return out.sort_values(["period", "date"], ascending=[False, True]).reset_index(drop=True)


def _read_filters(sheet: Sheet, file: str) -> tuple[pd.DataFrame, dict]:
    rows = [(c + ["", ""])[:2] for c in sheet.rows if any(x.strip() for x in c)]
    frame = pd.DataFrame(rows, columns=["filter", "value"])
    meta: dict = {}
    for f, v in rows:
        key = _fold(f)
        if key in ("search type", "type de recherche"):
            meta["search_type"] = v
        elif key in ("date", "dates", "periode", "plage de dates"):
            meta["date_range"] = v
        elif key in ("compare", "comparer", "comparaison"):
            meta["compare"] = v
    meta["applied"] = [f"{f}: {v}" for f, v in rows]
    return frame, meta


def _read_bulk(probe: Probe, kind: str) -> tuple[pd.DataFrame, list[str]]:
    file = probe.file
    if probe.suffix in (".parquet", ".pq"):
        try:
            raw = pd.read_parquet(probe.path)
        except Exception as exc:
            raise TrafficDataError(f"not a readable Parquet file ({type(exc).__name__})", file=file) from None
        raw.columns = [str(c).lower() for c in raw.columns]
        lines = list(range(1, len(raw) + 1))
        where = "row"
    else:
        sheet, _ = _best_sheet(probe)
        width = sheet.width
        raw = pd.DataFrame([(c + [""] * width)[:width] for c in sheet.rows], columns=[h.lower() for h in sheet.header],
                           dtype="string")
        lines = list(sheet.lines)
        where = "line"
    notes: list[str] = []
    frame = pd.DataFrame(index=raw.index)
    d, bad = yyyymmdd_or_dates(raw["data_date"])  # text, or days already (Parquet DATE)
    if bad.any():
        raise TrafficDataError(f"cannot read '{raw['data_date'][bad].iloc[0]}' as a date", file=file,
                               column="data_date", rows=_err_rows(lines, bad))
    frame["date"] = d
    keep = {"site_url": "site_url", "url": "page", "query": "query", "country": "country", "device": "device",
            "search_type": "search_type"}
    for src, dst in keep.items():
        if src in raw:
            frame[dst] = raw[src].astype("string").str.strip().replace("", pd.NA)
    if "is_anonymized_query" in raw:
        anon = raw["is_anonymized_query"].astype("string").str.strip().str.lower().isin(["true", "1", "t", "yes"])
        frame["is_anonymized_query"] = anon.to_numpy()
    elif "query" in frame:
        frame["is_anonymized_query"] = frame["query"].isna().to_numpy()
    psum = "sum_top_position" if kind == "bulk_site" else "sum_position"
    for col in ("clicks", "impressions", psum):
        text = raw[col].astype("string")
        vals, bad = numbers(text, integer=col != psum)
        if bad.any():
            raise TrafficDataError(f"cannot read '{text[bad].iloc[0]}' as a number", file=file, column=col,
                                   rows=_err_rows(lines, bad))
        if (vals < 0).any():
            raise TrafficDataError("negative values where counts and position sums cannot be negative", file=file,
                                   column=col, rows=_err_rows(lines, vals < 0))
        frame[col if col != psum else "_psum"] = vals
    # Google: position = sum_(top_)position / impressions + 1 (positions are zero-based in the table)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["position"] = np.where(frame["impressions"] > 0, frame["_psum"] / frame["impressions"] + 1, np.nan)
    frame = frame.drop(columns="_psum")
    _finish_metrics(frame)
    notes.append(f"position = {psum} / impressions + 1 (the bulk export's positions start at 0)")
    if where == "row":
        notes.append("rows with repeated keys are kept: aggregate before reading them (Google's advice)")
    if "is_anonymized_query" in frame and frame["is_anonymized_query"].any():
        share = frame.loc[frame["is_anonymized_query"], "clicks"].sum() / max(frame["clicks"].sum(), 1)
        notes.append(f"anonymized queries (no query text) hold {share:.1%} of the clicks")
    return frame, notes


def read_table(probe: Probe | str | Path) -> Export:
    """Read one Search Console table (see the module doc) into an :class:`Export`.

    Raises :class:`TrafficDataError` (file, column, lines) for unreadable numbers or
    dates, negative values, fractional clicks, rows wider than the header, or a file
    that is not a Search Console table.
    """
    if not isinstance(probe, Probe):
        probe = Probe(probe)
    file = probe.file
    if probe.suffix in (".parquet", ".pq"):
        cols = {c.lower() for c in probe.parquet_columns}
        kind = "bulk_url" if cols >= _BULK_URL else "bulk_site" if cols >= _BULK_SITE else None
        if kind is None:
            raise TrafficDataError("not a Search Console bulk export table (needs data_date, clicks, impressions "
                                   "and sum_top_position or url + sum_position)", file=file)
        frame, notes = _read_bulk(probe, kind)
        return _export(file, kind, frame, notes, {}, {})
    found = _best_sheet(probe)
    if found is None:
        raise TrafficDataError("not a Search Console table (expected a dimension such as 'Top queries' or "
                               "'Requêtes les plus fréquentes' with Clicks/Clics, Impressions, CTR, Position)",
                               file=file)
    sheet, lay = found
    if lay.kind in ("bulk_site", "bulk_url"):
        frame, notes = _read_bulk(probe, lay.kind)
        return _export(file, lay.kind, frame, notes, {}, {})
    if lay.kind == "filters":
        frame, meta = _read_filters(sheet, file)
        return Export(path=file, kind="search_console/filters", table=TABLE, frame=frame,
                      notes=["filters applied in Search Console: " + "; ".join(meta["applied"])] if meta["applied"]
                      else ["no filter applied"], columns={sheet.header[0]: "filter", sheet.header[1]: "value"},
                      meta=meta)
    frame, notes = _read_sheet(sheet, lay, file)
    columns = {sheet.header[i]: d for i, d in lay.dims.items()}
    columns.update({sheet.header[i]: (m if r == "current" else f"{m}_previous") for i, (m, r) in lay.metrics.items()})
    meta = {"comparison": dict(lay.labels)} if "previous" in lay.labels else {}
    if lay.labels.get("current") and "previous" not in lay.labels:
        meta["period_label"] = lay.labels["current"]
    if sheet.where:
        meta["sheet"] = sheet.where
    if lay.kind == "dates" and "previous" in lay.labels:
        frame = _long_dates(frame, lay.labels, notes)
    if lay.kind in DIMENSION_TABLES and lay.kind != "dates":
        empty = frame[_DIM_OF_TABLE[lay.kind]].isna()
        if empty.any():
            notes.append(f"{int(empty.sum())} rows without a {_DIM_OF_TABLE[lay.kind]} kept as '(blank)'")
            frame[_DIM_OF_TABLE[lay.kind]] = frame[_DIM_OF_TABLE[lay.kind]].fillna("(blank)")
    if "previous" in lay.labels:
        notes.append(f"comparison mode: '{lay.labels['current'] or 'current'}' vs '{lay.labels['previous']}'")
    notes.append("CTR recomputed as clicks / impressions (the file's CTR is rounded)")
    if lay.kind == "queries":
        notes.append("the queries table leaves out anonymised queries and stops at the interface's row limit "
                     "(1,000): its sums are below the site's totals")
    return _export(file, lay.kind, frame, notes, columns, meta)


def _export(file: str, kind: str, frame: pd.DataFrame, notes: list[str], columns: dict, meta: dict) -> Export:
    frame = frame.reset_index(drop=True)
    dims = tuple(c for c in ("date", "query", "page", "country", "device", "search_appearance", "search_type",
                             "site_url") if c in frame)
    period = None
    if "date" in frame and frame["date"].notna().any():
        cur = frame[frame["period"] == "current"] if "period" in frame else frame
        period = (cur["date"].min(), cur["date"].max())
        if "previous" in frame.get("period", pd.Series(dtype=str)).values:
            prev = frame[frame["period"] == "previous"]
            meta = {**meta, "previous_period": (prev["date"].min(), prev["date"].max())}
    return Export(path=file, kind=f"search_console/{kind}", table=TABLE, frame=frame, period=period, notes=notes,
                  columns=columns, dimensions=dims, meta=meta)


# ---------------------------------------------------------------------------- a whole export


@dataclass
class Performance:
    """A Search Console Performance export (zip, folder or workbook), every table read.

    Attributes
    ----------
    path : str
    tables : dict
        ``{"queries", "pages", "countries", "devices", "search_appearance", "dates"} ->
        DataFrame`` (those present), in canonical columns (see module doc).
    details : dict
        Finer tables found beside them: ``"table"`` (Looker Studio / API), ``"bulk_site"``,
        ``"bulk_url"`` -> DataFrame.
    exports : dict
        Member file name -> :class:`Export`, for every Search Console table read.
    filters : DataFrame or None
        Filters.csv as written (filter, value).
    comparison : dict or None
        ``{"current": label, "previous": label}`` in comparison mode.
    lang : str or None
        "fr" or "en": the interface language the headers are in.
    notes : list of str
    """

    path: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    details: dict[str, pd.DataFrame] = field(default_factory=dict)
    exports: dict[str, Export] = field(default_factory=dict)
    filters: pd.DataFrame | None = None
    filter_meta: dict = field(default_factory=dict)
    comparison: dict | None = None
    lang: str | None = None
    notes: list[str] = field(default_factory=list)

    def __getattr__(self, name):  # perf.queries, perf.dates... (None when absent)
        if name in DIMENSION_TABLES:
            return self.__dict__.get("tables", {}).get(name)
        raise AttributeError(name)

    @property
    def period(self):
        for e in self.exports.values():
            if e.kind == "search_console/dates" and e.period:
                return e.period
        for e in self.exports.values():
            if e.period:
                return e.period
        return None

    @property
    def previous_period(self):
        for e in self.exports.values():
            if "previous_period" in e.meta:
                return e.meta["previous_period"]
        return None

    def filters_applied(self) -> list[str]:
        """The filters Filters.csv states, as "Filter: value" lines (empty when none)."""
        return list(self.filter_meta.get("applied", []))

    def summary(self) -> str:
        out = [f"{self.path}: Search Console Performance export"]
        for name, e in self.exports.items():
            out.append(f"  {name}: {e.kind}, {e.rows:,} rows")
        out.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(out)


_SKIP = re.compile(r"(^|/)(__MACOSX|\.)")


def _zip_members(path: Path) -> list[str]:
    """Table members of a zip that look like a Search Console export (CSV/xlsx/parquet)."""
    try:
        with zipfile.ZipFile(path) as z:
            names = [i.filename for i in z.infolist() if not i.is_dir() and not _SKIP.search(i.filename)
                     and i.filename.lower().endswith((".csv", ".tsv", ".xlsx", ".parquet"))]
    except (zipfile.BadZipFile, OSError):
        return []
    known = {"queries", "requetes", "pages", "countries", "pays", "devices", "appareils", "dates", "chart",
             "graphique", "filters", "filtres", "search appearance", "apparence dans les resultats de recherche"}
    stems = {_fold(Path(n).stem) for n in names}
    return names if stems & known or any("searchdata" in n for n in names) else []


def _lang_of(exports: dict[str, Export]) -> str | None:
    for e in exports.values():
        heads = " ".join(e.columns)
        if re.search(r"Clics|Requêtes|Pays|Appareil|Filtre|Valeur", heads):
            return "fr"
        if re.search(r"Clicks|Top queries|Country|Device|Filter", heads):
            return "en"
    return None


def _relabel(exc: TrafficDataError, file: str) -> TrafficDataError:
    return TrafficDataError(exc.problem, file=file, column=exc.column, rows=exc.rows, hint=exc.hint)


def _collect(perf: Performance, export: Export, name: str) -> None:
    kind = export.kind.split("/", 1)[1]
    perf.exports[name] = export
    if kind == "filters":
        perf.filters = export.frame
        perf.filter_meta = export.meta
        return
    if kind in DIMENSION_TABLES:
        if kind in perf.tables:
            perf.notes.append(f"two {kind} tables: the second ({name}) is ignored")
            return
        perf.tables[kind] = export.frame
        if "comparison" in export.meta:
            perf.comparison = export.meta["comparison"]
    else:
        if kind in perf.details:
            perf.details[kind] = pd.concat([perf.details[kind], export.frame], ignore_index=True)
        else:
            perf.details[kind] = export.frame


def _workbook(perf: Performance, path: Path, label: str) -> None:
    probe = Probe(path)
    for s in probe.sheets:
        lay = _layout(s.header)
        if lay is None:
            continue
        sub = _SheetProbe(probe, s)
        try:
            export = read_table(sub)
        except TrafficDataError as exc:
            raise _relabel(exc, f"{label} ({s.where.strip()})") from None
        export.path = f"{label} ({s.where.strip()})"
        _collect(perf, export, s.where.split("'")[1] if "'" in s.where else s.where)


class _SheetProbe(Probe):
    """A probe over one worksheet of a workbook."""

    def __init__(self, probe: Probe, sheet: Sheet):
        super().__init__(probe.path)
        self.__dict__["sheets"] = [sheet]


@filecache.by_files("path")
def load_performance(path: str | Path) -> Performance:
    """Read a Search Console Performance export: a zip, a folder of its CSVs (English or
    French names and headers), an .xlsx download, or one of its CSVs alone.

    Tables are recognised by their headers. Files of the folder that are not Search
    Console tables are listed in ``notes`` and otherwise ignored; Looker Studio / API
    tables and bulk-export tables found beside them go to ``details``. Raises
    :class:`TrafficDataError` when nothing in ``path`` is a Search Console table, or
    naming the member file, column and line of a malformed table.
    """
    p = Path(path)
    if not p.exists():
        raise TrafficDataError("file or folder not found", file=str(path))
    perf = Performance(path=str(path))
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith(".")
                       and f.suffix.lower() in (".csv", ".tsv", ".txt", ".xlsx", ".parquet", ".pq"))
        for f in files:
            _member(perf, f, f.name, str(f))
    elif p.suffix.lower() == ".zip":
        members = _zip_members(p)
        if not members:
            raise TrafficDataError("a zip without Search Console tables (Queries.csv, Dates.csv...)", file=str(path))
        with tempfile.TemporaryDirectory(prefix="tl_gsc_") as tmp, zipfile.ZipFile(p) as z:
            for i, name in enumerate(members):
                target = Path(tmp) / f"{i:03d}_{re.sub(r'[^0-9A-Za-z._ -]+', '_', Path(name).name)}"
                target = target.with_name(target.name)  # same suffix, flat, no path from the archive
                with z.open(name) as src:
                    data = src.read(200_000_001)
                if len(data) > 200_000_000:
                    raise TrafficDataError("a member larger than 200 MB", file=f"{path} ({name})")
                target.write_bytes(data)
                _member(perf, target, Path(name).name, f"{path} ({name})")
    elif p.suffix.lower() in (".xlsx", ".xlsm"):
        _workbook(perf, p, str(path))
    else:
        _member(perf, p, p.name, str(path), strict=True)
    if not perf.tables and not perf.details:
        raise TrafficDataError("no Search Console table found (expected Queries.csv, Pages.csv, Dates.csv... "
                               "or their French names)", file=str(path))
    perf.lang = _lang_of(perf.exports)
    if "dates" not in perf.tables and "bulk_site" not in perf.details:
        perf.notes.append("no Dates table: site totals come from the devices or countries table where present")
    return perf


def _member(perf: Performance, f: Path, name: str, label: str, strict: bool = False) -> None:
    if f.suffix.lower() in (".xlsx", ".xlsm"):
        _workbook(perf, f, label)
        return
    probe = Probe(f)
    try:
        ok = is_search_console(probe)
        if not ok:
            if strict:
                raise TrafficDataError("not a Search Console table", file=label)
            perf.notes.append(f"{name}: not a Search Console table, ignored")
            return
        export = read_table(probe)
    except TrafficDataError as exc:
        if exc.file and exc.file != str(f):
            raise
        raise _relabel(exc, label) from None
    export.path = label
    _collect(perf, export, name)


# ---------------------------------------------------------------------------- registry


def _recognise_table(probe: Probe):
    if probe.suffix == ".zip" or probe.suffix in (".xlsx", ".xlsm"):
        return False
    return is_search_console(probe)


def _recognise_bundle(probe: Probe):
    """A zip of a Performance export, or an .xlsx download with several tables."""
    if probe.suffix == ".zip":
        return bool(_zip_members(probe.path))
    if probe.suffix in (".xlsx", ".xlsm"):
        return any(_layout(s.header) is not None for s in probe.sheets)
    return False


def _read_bundle(probe: Probe) -> Export:
    """Export of kind ``search_console/performance``: ``frame`` is the Dates table (else
    the first table found), ``meta["tables"]`` every table, ``meta["performance"]`` the
    :class:`Performance`."""
    perf = load_performance(probe.path)
    tables = {**perf.tables, **perf.details}
    first = "dates" if "dates" in tables else next(iter(tables))
    frame = tables[first]
    notes = [f"a Search Console Performance export with tables {', '.join(tables)}; frame = {first}"] + perf.notes
    if perf.filters_applied():
        notes.append("filters applied in Search Console: " + "; ".join(perf.filters_applied()))
    e = next((x for x in perf.exports.values() if x.kind.endswith("/" + first)), None)
    return Export(path=probe.file, kind="search_console/performance", table=TABLE, frame=frame,
                  period=perf.period, notes=notes, columns=e.columns if e else {},
                  dimensions=e.dimensions if e else (),
                  meta={"tables": tables, "performance": perf, "filters": perf.filters_applied(),
                        "comparison": perf.comparison})


register(Reader("search_console/table", TABLE, _recognise_table, read_table, priority=25,
                describe="Google Search Console table: a Performance export CSV (queries, pages, countries, devices, "
                         "search appearance, dates, filters; en/fr, comparison mode), a Looker Studio / API table, "
                         "or a bulk export table (searchdata_site_impression / searchdata_url_impression)"))
register(Reader("search_console/performance", TABLE, _recognise_bundle, _read_bundle, priority=24,
                describe="Google Search Console Performance export as a zip or an .xlsx download"))
