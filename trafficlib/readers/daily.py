"""A plain daily series: a date column and one metric (``Date,Sessions``,
``Date,Target``, ``Jour,Visites``, ``ds,y``...), as kept in a spreadsheet or exported by a
forecasting tool, read into the ``web_cube`` table with the single dimension ``date``.

The metric is named from its header when it says what it counts (sessions, users,
page views, key events / conversions, transactions, revenue; English or French, GA4 or
UA wording); a header that does not (``Target``, ``y``, ``value``) is taken as
**sessions**, and the notes say so. Days absent from the file stay absent (a missing
day is not a day with zero sessions: the tracking-gap rule decides); the notes count
them.

Recognised when the file's table has exactly two columns, the first holding dates for
every row and the second numbers headed by a metric name the kit knows
(:data:`METRIC_NAMES`) or a generic one (``Target``, ``y``, ``value``), and no GA4
preamble (a GA4 report of Date × Sessions is a ``ga4/report``). Anything else (ad or
market metrics, a Google Trends series ``term: (Region)`` in any interface language) is
left to its reader.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib.errors import TrafficDataError
from trafficlib.readers._numbers import numbers, yyyymmdd_or_dates
from trafficlib.readers.registry import Export, Probe, Reader, register
from trafficlib.readers.ua import string_table
from trafficlib.schema import normalize_header

__all__ = ["read_daily_series", "METRIC_NAMES"]

_DATE_HEADERS = {"date", "day", "jour", "ds", "dates", "datum", "fecha", "data", "giorno", "tag", "dia",
                 "date_jour", "day_index", "timestamp"}
# normalized header -> canonical cube metric
METRIC_NAMES: dict[str, str] = {}
for _canon, _names in {
    "sessions": ("sessions", "session", "visits", "visites", "visit", "ga_sessions", "nombre_de_sessions",
                 "total_sessions"),
    "users": ("users", "active_users", "utilisateurs", "utilisateurs_actifs", "visitors", "visiteurs",
              "unique_visitors", "visiteurs_uniques"),
    "new_users": ("new_users", "nouveaux_utilisateurs"),
    "total_users": ("total_users", "nombre_total_d_utilisateurs"),
    "pageviews": ("pageviews", "page_views", "views", "vues", "pages_vues", "screen_page_views"),
    "conversions": ("conversions", "key_events", "evenements_cles", "goal_completions", "objectifs_realises"),
    "transactions": ("transactions", "orders", "commandes", "purchases", "achats", "ecommerce_purchases"),
    "revenue": ("revenue", "total_revenue", "revenu", "revenu_total", "chiffre_d_affaires", "ca",
                "purchase_revenue", "sales", "ventes"),
    "engaged_sessions": ("engaged_sessions", "sessions_avec_engagement"),
}.items():
    for _n in _names:
        METRIC_NAMES[_n] = _canon
_GENERIC = {"target", "y", "value", "valeur", "count", "total", "n", "metric", "values", "nombre", "amount"}


def _layout(probe: Probe):
    """(date column, metric column) positions of a two-column date + number table, else None."""
    if probe.suffix not in (".csv", ".tsv", ".txt", "", ".xlsx", ".xlsm", ".parquet", ".pq"):
        return None
    if probe.is_text:
        blocks = probe.sheets
        if len(blocks) != 1:
            return None
        sheet = blocks[0]
        if any(ln.lower().startswith(("start date", "end date", "date de d", "date de fin", "property", "propri"))
               for ln in sheet.preamble):
            return None
        header = sheet.header
        sample = [r for r in sheet.rows[:200]]
    else:
        header = probe.parquet_columns
        sample = None
    used = [i for i, h in enumerate(header) if str(h).strip()]
    if len(used) != 2 or used != [0, 1]:
        return None
    # The metric header must be one the kit can name (Sessions, Visites...) or a
    # generic one (Target, y, value): a Trends series 'term: (Region)' under a '週'
    # header, or any other two-column file of dates and numbers, is somebody else's.
    metric = normalize_header(header[1])
    if metric not in METRIC_NAMES and metric not in _GENERIC:
        return None
    if sample is None:
        return 0, 1
    if not sample:
        return None
    first = pd.Series([r[0] if r else "" for r in sample], dtype="string")
    second = pd.Series([r[1] if len(r) > 1 else "" for r in sample], dtype="string")
    days, bad = yyyymmdd_or_dates(first)
    if bad.any() or days.isna().all():
        return None
    _, bad = numbers(second)
    if bad.mean() > 0.1:  # a few unreadable cells: ours, and read() names their lines
        return None
    if normalize_header(header[0]) not in _DATE_HEADERS and days.notna().mean() < 0.99:
        return None
    return 0, 1


def _recognise(probe: Probe) -> bool:
    return _layout(probe) is not None


def read_daily_series(probe: Probe | str) -> Export:
    """Read a Date + one metric file into a ``web_cube`` :class:`Export` of kind
    ``"daily_series"`` (columns ``date`` and the metric, e.g. ``sessions``; dimensions
    ``("date",)``). Raises :class:`TrafficDataError` (file, column, lines) for
    unreadable dates or numbers, negative values or a date given twice.
    """
    if not isinstance(probe, Probe):
        probe = Probe(probe)
    file = probe.file
    header, cells, lines = string_table(probe)
    if len([h for h in header if str(h).strip()]) != 2:
        raise TrafficDataError(f"expected two columns (a date and one metric), found {len(header)}", file=file)
    notes: list[str] = []
    day, bad = yyyymmdd_or_dates(cells[0])
    if bad.any():
        raise TrafficDataError(f"cannot read '{cells[0][bad].iloc[0]}' as a date", file=file, column=header[0],
                               rows=[lines[i] for i in np.flatnonzero(bad.to_numpy())])
    empty_day = day.isna().to_numpy(bool)
    if empty_day.any():
        raise TrafficDataError("rows without a date", file=file, column=header[0],
                               rows=[lines[i] for i in np.flatnonzero(empty_day)])
    if (day != day.dt.normalize()).any():
        raise TrafficDataError("times of day found: expected one row per day", file=file, column=header[0],
                               rows=[lines[i] for i in np.flatnonzero((day != day.dt.normalize()).to_numpy())])
    key = normalize_header(header[1])
    metric = METRIC_NAMES.get(key)
    if metric is None:
        metric = "sessions"
        what = "a generic name" if key in _GENERIC else "a name the kit does not know"
        notes.append(f"the metric column '{header[1]}' ({what}) is taken as sessions")
    values, bad = numbers(cells[1], integer=metric not in ("revenue",))
    if bad.any():
        raise TrafficDataError(f"cannot read '{cells[1][bad].iloc[0]}' as a number", file=file, column=header[1],
                               rows=[lines[i] for i in np.flatnonzero(bad.to_numpy())])
    if (values < 0).any():
        raise TrafficDataError("negative values where counts and amounts cannot be negative", file=file,
                               column=header[1], rows=[lines[i] for i in np.flatnonzero((values < 0).to_numpy())])
    dup = day.duplicated(keep=False).to_numpy(bool)
    if dup.any():
        raise TrafficDataError(f"{int(day[dup].nunique())} date(s) given more than once", file=file,
                               column=header[0], rows=[lines[i] for i in np.flatnonzero(dup)],
                               hint="a daily series has one row per day")
    frame = pd.DataFrame({"date": day.astype("datetime64[ns]"), metric: values.astype("float64")})
    frame = frame.sort_values("date").reset_index(drop=True)
    if values.isna().any():
        notes.append(f"{int(values.isna().sum())} day(s) with an empty value, kept as missing")
    period = None
    if len(frame):
        period = (frame["date"].min(), frame["date"].max())
        span = (period[1] - period[0]).days + 1
        if span > len(frame):
            notes.append(f"{span - len(frame)} day(s) between the first and last date are absent from the file "
                         "(kept absent, not zero)")
        notes.append("period taken from the first and last date in the data")
    if metric in ("users", "new_users", "total_users"):
        notes.append(f"{metric} per day: not additive, never summed over days")
    return Export(path=file, kind="daily_series", table="web_cube", frame=frame, period=period, notes=notes,
                  columns={header[0]: "date", header[1]: metric}, dimensions=("date",))


register(Reader("daily_series", "web_cube", _recognise, read_daily_series, priority=35,
                describe="a plain daily series: a date column and one metric (Date,Sessions; Date,Target...)"))
