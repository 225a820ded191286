"""Readers for market-intelligence exports: competitor traffic, rankings, auction insights, trends.

Each reader turns one tool's export into a canonical table of :mod:`trafficlib.schema`
(``competitors``, ``rankings``, ``auction_insights``, ``trends``), French or English
headers alike, and raises :class:`trafficlib.TrafficDataError` naming the file, the
column and the lines when an export cannot be used.

===============================  ==============================================  ====================
reader                           export                                          table
===============================  ==============================================  ====================
:func:`read_similarweb`          Similarweb-style monthly traffic per domain     competitors
:func:`read_rankings`            rank tracker, long or wide (SEMrush Position    rankings
                                 Tracking, one column per date or per domain),
                                 Ahrefs organic keywords
:func:`read_auction_insights`    Google Ads Auction Insights (fr/en UI export)   auction_insights
:func:`read_trends`              Google Trends ``multiTimeline.csv``             trends
:func:`combine_trends`           several Trends downloads, one comparison        trends
:func:`load_market`              a folder holding the above (the demo layout)    :class:`MarketData`
===============================  ==============================================  ====================

Conventions decided here:

- **Periods**: ``2025-10``, ``2025-10-01``, ``01/10/2025``, ``octobre 2025``, ``Oct 2025``
  all mean the month starting 2025-10-01 (a day is kept as is).
- **Durations**: ``00:03:25`` (hh:mm:ss), ``3:25`` (mm:ss) or seconds -> seconds.
- **Not ranked**: a position written ``-``, empty, ``> 100`` or ``100+`` means the domain is
  not in the tracked results; the row is dropped (``attrs["not_ranked"]`` counts them).
- **Censored auction values**: Google Ads writes ``< 10 %`` when a rate is below 10 % and
  ``> 90 %`` above 90 %. They are read as the middle of the open interval (``< 10 %`` ->
  0.05, ``> 90 %`` -> 0.95) and the row's ``censored`` column lists the canonical columns so
  estimated; analyses never raise alerts on censored values. ``--`` (not applicable) is
  missing.
- **Google Trends**: ``<1`` (or ``< 1`` with a no-break space) -> 0.5, flagged in the
  ``below_one`` column (above zero, below one: a sum leaves it out, a chart shows it).
  Interest is relative: 100 is the highest point of the terms *in the same request*, so
  two files are not comparable as read: :func:`combine_trends` rescales them through a
  term they share, or keeps them on separate scales and says so.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib import schema, sources
from trafficlib.errors import TrafficDataError

__all__ = [
    "read_export", "parse_period", "parse_duration", "read_similarweb", "read_rankings",
    "read_auction_insights", "read_trends", "combine_trends", "MarketData", "load_market", "FILES",
]

_SEPS = [",", ";", "\t", "|"]

_MONTHS = {
    # French (full and abbreviated, accents stripped) and English.
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9,
    "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "october": 10, "november": 11, "december": 12,
}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()


# ---------------------------------------------------------------------------- raw reading
def read_export(path: str | Path) -> pd.DataFrame:
    """Read an export's table as strings, skipping title lines above the header.

    Like :func:`trafficlib.sources.read_raw` (same ``attrs``: ``file``, ``line_numbers``,
    ``separator``, ``encoding``) but the separator is chosen on the lines *below* any
    preamble, so a ``;`` file with a title line (Google Ads) or a comma file with a
    ``Category:`` line (Google Trends) both read right. ``attrs["preamble"]`` holds the
    skipped lines. Parquet files go straight to ``read_raw``.
    """
    p = Path(path)
    file = str(path)
    if p.suffix.lower() in (".parquet", ".pq", ".xlsx", ".xlsm", ".xls", ".ods") or not p.is_file():
        return sources.read_raw(p)  # spreadsheets: the first table below any title lines
    data = p.read_bytes()
    if not data.strip():
        raise TrafficDataError("the file is empty", file=file)
    text, enc = sources.decode(data, file)
    lines = text.splitlines()
    head = lines[:40]
    best = None  # (score, sep, header index)
    for sep in _SEPS:
        widths = []
        for ln in head:
            try:
                widths.append(len(next(csv.reader([ln], delimiter=sep))) if ln.strip() else 0)
            except (csv.Error, StopIteration):
                widths.append(0)
        body = [w for w in widths if w >= 2]
        if not body:
            continue
        mode = max(set(body), key=lambda w: (body.count(w), w))
        score = (body.count(mode), mode)
        if best is None or score > best[0]:
            best = (score, sep, widths.index(mode))
    if best is None:
        raise TrafficDataError("no table found (a single column, or no separator among , ; tab |)",
                               file=file)
    _, sep, start = best
    preamble = [ln for ln in lines[:start] if ln.strip()]
    try:
        frame = pd.read_csv(io.StringIO("\n".join(lines[start:])), sep=sep, dtype=str,
                            keep_default_na=False, na_values=[""], skipinitialspace=True,
                            skip_blank_lines=True)
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        rows = [int(m.group(2)) + start] if m else None
        raise TrafficDataError(
            f"expected {m.group(1)} fields but found {m.group(3)}" if m else "malformed CSV",
            file=file, rows=rows, hint=f"separator detected: {sep!r}; check quoting on that line",
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    dup = [c for c in frame.columns if re.search(r"\.\d+$", c) and c.rsplit(".", 1)[0] in frame.columns]
    if dup:
        raise TrafficDataError("duplicated column header", file=file, column=dup[0].rsplit(".", 1)[0])
    # physical line of each data row (blank lines inside the table are skipped by pandas)
    phys = [i + 1 for i, ln in enumerate(lines) if i > start and ln.strip()]
    frame = frame.dropna(how="all")
    frame.attrs = {"file": file, "separator": sep, "encoding": enc, "preamble": preamble,
                   "line_numbers": schema.Lines(phys[i] if i < len(phys) else i + start + 2 for i in frame.index)}
    frame = frame.reset_index(drop=True)
    if frame.empty:
        raise TrafficDataError("no data rows below the header", file=file)
    return frame


def _lines(frame: pd.DataFrame, mask) -> list[int]:
    lines = frame.attrs.get("line_numbers")
    pos = np.flatnonzero(np.asarray(mask, dtype=bool))
    return [int(lines[p]) if lines is not None else int(p) + 2 for p in pos]


def _find(frame: pd.DataFrame, table: str, name: str) -> str | None:
    """The frame's header that maps to canonical ``table.name`` (fr/en aliases)."""
    spec = next(c for c in schema.TABLES[table] if c.name == name)
    wanted = {schema.normalize_header(a) for a in (spec.name, *spec.aliases)}
    for col in frame.columns:
        if schema.normalize_header(col) in wanted:
            return col
    return None


def _with_lines(frame: pd.DataFrame, lines: list[int], file: str) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    frame.attrs = {"file": file, "line_numbers": schema.Lines(lines)}
    return frame


# ---------------------------------------------------------------------------- value parsers
def parse_period(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse month or day labels into timestamps; returns (datetime64 series, bad mask).

    Months (``2025-10``, ``octobre 2025``, ``oct. 2025``, ``October 2025``) become the
    first day of the month; days (ISO, ``dd/mm/yyyy``, ``YYYYMMDD``) are kept.
    """
    raw = values.astype("string").str.strip()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    empty = raw.isna() | (raw == "")
    ym = raw.str.fullmatch(r"\d{4}-\d{1,2}").fillna(False)
    if ym.any():
        out[ym] = pd.to_datetime(raw[ym] + "-01", format="%Y-%m-%d", errors="coerce")
    words = raw.map(lambda s: _ascii(s) if isinstance(s, str) else s)
    m = words.str.extract(r"^([a-z]+)\.?\s+(\d{4})$")
    named = m[0].notna() & m[0].isin(list(_MONTHS))
    if named.any():
        out[named] = pd.to_datetime(
            m.loc[named, 1] + "-" + m.loc[named, 0].map(_MONTHS).astype(str) + "-01",
            format="%Y-%m-%d", errors="coerce")
    rest = ~empty & ~ym & ~named
    if rest.any():
        parsed, _bad = schema.parse_dates(raw[rest], with_time=False)
        out[rest] = parsed
    return out, out.isna() & ~empty


def parse_duration(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``00:03:25`` / ``3:25`` / ``205`` / ``205,5`` -> seconds; returns (floats, bad)."""
    raw = values.astype("string").str.strip()
    empty = raw.isna() | (raw == "") | raw.isin(["-", "--"])
    parts = raw.str.extract(r"^(?:(\d+):)?(\d{1,2}):(\d{2}(?:[.,]\d+)?)$")
    clock = parts[2].notna()
    secs = pd.Series(np.nan, index=values.index, dtype="float64")
    if clock.any():
        h = pd.to_numeric(parts.loc[clock, 0], errors="coerce").fillna(0)
        mi = pd.to_numeric(parts.loc[clock, 1], errors="coerce")
        s = pd.to_numeric(parts.loc[clock, 2].str.replace(",", "."), errors="coerce")
        secs[clock] = 3600 * h + 60 * mi + s
    other = ~clock & ~empty
    if other.any():
        nums, _bad = schema.parse_number(raw[other].str.replace(r"\s*(s|sec|secondes?)$", "", regex=True))
        secs[other] = nums
    return secs, secs.isna() & ~empty


def _parse_count(values: pd.Series) -> pd.Series:
    """'12.5K' / '1,2 M' -> numbers as strings validate can read; others untouched."""
    raw = values.astype("string").str.strip()
    m = raw.str.extract(r"^([\d.,\s]+)\s*([kKmM])$")
    hit = m[0].notna()
    if not hit.any():
        return values
    nums, _ = schema.parse_number(m.loc[hit, 0])
    mult = m.loc[hit, 1].str.lower().map({"k": 1e3, "m": 1e6})
    out = raw.copy()
    out[hit] = (nums * mult).round().astype("Int64").astype("string")
    return out


def _check_numeric(frame: pd.DataFrame, cols, file: str, allow=("-", "")) -> None:
    """Raise on the first cell of ``cols`` that is neither a number nor an allowed mark."""
    for col in cols:
        raw = frame[col].astype("string").str.strip()
        skip = raw.isna() | raw.isin(list(allow)) | raw.str.match(r"^(>\s*100|100\+)$").fillna(False)
        nums, bad = schema.parse_number(raw.where(~skip))
        bad = bad & ~skip
        if bad.any():
            raise TrafficDataError(f"cannot read {int(bad.sum())} position(s) such as '{raw[bad].iloc[0]}'",
                                   file=file, column=col, rows=_lines(frame, bad))


# ---------------------------------------------------------------------------- Similarweb
def read_similarweb(path: str | Path, domain: str | None = None) -> pd.DataFrame:
    """Read a Similarweb-style traffic export as the canonical ``competitors`` table.

    Expects one row per domain and month (``Domain``/``Domaine``, ``Date``/``Month``/``Mois``,
    ``Visits``/``Visites``; optional unique visitors, pages per visit, average visit
    duration (``00:03:25`` or seconds), bounce rate (``45.2%``) and traffic shares by
    channel (``Direct``, ``Search``, ``Social``, ``Referrals``, ``Paid Search``,
    ``Display Ads``, ``Mail``...)). A single-site export without a domain column needs
    ``domain``. Returns columns period (month start), domain, visits, unique_visitors,
    pages_per_visit, avg_visit_duration_s (seconds), bounce_rate and share_* (fractions).
    """
    file = str(path)
    raw = read_export(path)
    frame = raw.copy()
    if _find(frame, "competitors", "domain") is None:
        if domain is None:
            raise TrafficDataError("no domain column", file=file, column="domain",
                                   hint="add a 'Domain' column or pass domain='example.fr'")
        frame.insert(0, "domain", domain)
    pcol = _find(frame, "competitors", "period")
    if pcol is not None:
        parsed, bad = parse_period(frame[pcol])
        if bad.any():
            raise TrafficDataError(f"cannot read {int(bad.sum())} month(s) such as '{frame[pcol][bad].iloc[0]}'",
                                   file=file, column=pcol, rows=_lines(frame, bad),
                                   hint="expected 2025-10, octobre 2025, Oct 2025 or a date")
        frame[pcol] = parsed
    dcol = _find(frame, "competitors", "avg_visit_duration_s")
    if dcol is not None:
        secs, bad = parse_duration(frame[dcol])
        if bad.any():
            raise TrafficDataError(f"cannot read {int(bad.sum())} duration(s) such as '{frame[dcol][bad].iloc[0]}'",
                                   file=file, column=dcol, rows=_lines(frame, bad),
                                   hint="expected hh:mm:ss, mm:ss or seconds")
        frame[dcol] = secs
    for name in ("visits", "unique_visitors"):
        col = _find(frame, "competitors", name)
        if col is not None:
            frame[col] = _parse_count(frame[col])
    frame.attrs = raw.attrs
    out = schema.validate(frame, "competitors", file=file)
    out["domain"] = out["domain"].str.lower().str.replace(r"^(https?://)?(www\.)?", "", regex=True).str.rstrip("/")
    shares = [c for c in out.columns if c.startswith("share_")]
    total = out[shares].sum(axis=1, min_count=1)
    over = total > 1.02
    if over.any():
        raise TrafficDataError("channel shares add up to more than 100 %", file=file,
                               column=raw.columns[0], rows=_lines(raw, over))
    out.attrs = {"table": "competitors", "file": file, "source": "similarweb"}
    return out.sort_values(["domain", "period"]).reset_index(drop=True)


# ---------------------------------------------------------------------------- rankings
# SEMrush Position Tracking: '*.example.fr/*_20261026' (position), '..._type', '..._landing';
# some exports name the position column '..._position' and drop the wildcards.
_SEMRUSH = re.compile(r"^\*?\.?(?P<domain>[^/\s*]+?\.[a-z]{2,})(?:/\*?)?_(?P<date>\d{8})"
                      r"(?:_(?P<kind>type|landing|position|url))?$", re.IGNORECASE)
_DOMAIN = re.compile(r"^(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/?$", re.IGNORECASE)
# a competitor's column in a keyword list: 'Exemplar Ranking', 'rivalshop.com/ Ranking',
# 'Teamag Position' (its landing page and SERP type in '<name> Landing Page', '<name> Type')
_RANK_COL = re.compile(r"^(?P<name>.+?)\s*(?:ranking|rank|position|pos\.?|classement)$", re.IGNORECASE)
_NOT_A_SITE = {"current", "previous", "best", "last", "avg", "average", "first", "old", "new", "actuelle", "precedente"}
_LANDING_COL = re.compile(r"^(?P<name>.*?)\s*(?:landing page|landing|url|page de destination)$", re.IGNORECASE)
_TYPE_COL = re.compile(r"^(?P<name>.*?)\s*(?:type|serp type)$", re.IGNORECASE)
# when the rows were ranked: SEMrush Organic Positions 'Timestamp', Ahrefs 'Current date'...
_SNAPSHOT = ("timestamp", "current_date", "current_position_date", "last_update", "last_updated", "updated",
             "date_de_mise_a_jour", "snapshot_date")
_UNKNOWN_DATE = "1900-01-01"  # placeholder through validation, NaT afterwards


def _date_header(name: str) -> pd.Timestamp | None:
    s = str(name).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}|\d{8}", s):
        return None
    fmt = "%Y-%m-%d" if "-" in s else ("%d/%m/%Y" if "/" in s else "%Y%m%d")
    t = pd.to_datetime(s, format=fmt, errors="coerce")
    return None if pd.isna(t) else t


def _not_ranked(values: pd.Series) -> pd.Series:
    raw = values.astype("string").str.strip()
    return raw.isna() | raw.isin(["", "-", "--", "n/a", "N/A"]) | raw.str.match(r"^(>\s*100|100\+)$").fillna(False)


def _site(text: str) -> str:
    """``https://www.Example.fr/`` -> ``example.fr``."""
    return re.sub(r"^(https?://)?(www\.)?", "", str(text).strip().lower()).split("/")[0]


def _url_domain(urls: pd.Series) -> str | None:
    """The site most of these URLs are on (``www.`` dropped), or None when none holds
    half of them."""
    hosts = urls.dropna().astype("string").str.strip()
    hosts = hosts[hosts.str.match(r"^(https?://)?[a-z0-9.-]+\.[a-z]{2,}", case=False).fillna(False)]
    if hosts.empty:
        return None
    top = hosts.map(_site).value_counts()
    return str(top.index[0]) if top.iloc[0] * 2 >= len(hosts) else None


def _competitor_columns(cols: list[str]) -> list[tuple[str, str, str | None, str | None]]:
    """(name, ranking column, landing-page column, type column) per competitor of a
    keyword list whose positions stand in '<name> Ranking' columns; the landing page and
    type columns are those after the ranking column and before the next one."""
    ranks = [i for i, c in enumerate(cols)
             if (m := _RANK_COL.match(c)) and m.group("name").strip(" /.").lower() not in _NOT_A_SITE
             and schema.normalize_header(c) not in ("position", "rank", "pos", "classement")]
    out = []
    for k, i in enumerate(ranks):
        stop = ranks[k + 1] if k + 1 < len(ranks) else len(cols)
        after = cols[i + 1:stop]
        land = next((c for c in after if _LANDING_COL.match(c)), None)
        kind = next((c for c in after if _TYPE_COL.match(c)), None)
        out.append((_RANK_COL.match(cols[i]).group("name").strip(), cols[i], land, kind))
    return out


def _decimal(raw: pd.DataFrame) -> str | None:
    """The table's decimal mark, voted by its cells that read only one way (see
    :func:`trafficlib.readers._sheet.decimal_mark`); in a comma-separated file that no
    cell decides, a point."""
    from trafficlib.readers._sheet import Sheet, decimal_mark

    rows = raw.astype("string").fillna("").to_numpy().tolist()
    mark = decimal_mark(Sheet(file=raw.attrs.get("file", ""), header=list(raw.columns), rows=rows, lines=[]))
    return mark or ("." if raw.attrs.get("separator") == "," else None)


def _file_date(file: str) -> pd.Timestamp | None:
    """A date written in the file name (SEMrush: '<domain>-organic.Positions-fr-20260626-...')."""
    m = re.search(r"(?<!\d)(20\d{2})-?(\d{2})-?(\d{2})(?!\d)", Path(file).name)
    if not m:
        return None
    t = pd.to_datetime("-".join(m.groups()), format="%Y-%m-%d", errors="coerce")
    return None if pd.isna(t) else t


def read_rankings(path: str | Path, domain: str | None = None, date=None) -> pd.DataFrame:
    """Read a rank-tracking export as the canonical ``rankings`` table.

    Layouts recognised from the headers (CSV in any encoding, UTF-16 tab-separated as
    SEMrush and Ahrefs write for Excel, or a workbook's first table):

    - **long**: one row per date × keyword × domain (``Date``, ``Keyword``/``Mot-clé``,
      ``Domain``/``Domaine``, ``Position``, ``URL``, ``Search Volume``/``Volume``, ``CPC``);
      SEMrush Organic Research *Positions* (``Keyword,Position,Previous position,Search
      Volume,...,URL,...,Timestamp``) is this layout for one site;
    - **SEMrush Position Tracking** (wide): columns ``*.domain.fr/*_YYYYMMDD`` (position),
      ``..._landing`` (URL), ``..._type``; melted;
    - **one column per competitor** (a keyword list kept in a workbook): ``<name> Ranking``
      with its ``<name> Landing Page`` and ``<name> Type``; the name is the domain when it
      is one (``rivalshop.com/``), else the landing-page header's domain
      (``teamag-review.com/ Landing Page``), else the site of its landing pages;
    - **one column per date** (values are positions), with a domain column or ``domain``;
    - **one column per domain** (headers like ``deco-rivale.fr``), with a date column or ``date``;
    - **Ahrefs organic keywords**: ``Current position`` (and ``Previous position``,
      ``Current URL``/``Previous URL``, ``Current date``/``Previous date``).

    A one-site export without a domain column takes ``domain``, else the domain in the
    file name, else the site of its URLs. A snapshot without a date column takes
    ``date``, else a ``Timestamp``/``Current date`` column, else the date in the file
    name; else its date is unknown (NaT) and ``attrs["notes"]`` says so.

    Not-ranked cells (``-``, empty, ``> 100``) are dropped (``attrs["not_ranked"]``).
    Returns date, keyword, domain, position (1 = top), url, search_volume (monthly
    searches), cpc (account currency); ``attrs["layout"]`` names the layout.
    """
    file = str(path)
    raw = read_export(path)
    cols = [str(c) for c in raw.columns]
    raw.columns = cols
    semrush = {c: m for c in cols if (m := _SEMRUSH.match(c))}
    kw_col = _find(raw, "rankings", "keyword")
    if kw_col is None:
        raise TrafficDataError("no keyword column", file=file, column="keyword",
                               hint="expected a 'Keyword' or 'Mot-clé' column")
    lines = np.asarray(raw.attrs["line_numbers"])
    extra = {c: _find(raw, "rankings", c) for c in ("search_volume", "cpc", "url", "domain", "date")}
    keys = {schema.normalize_header(c): c for c in cols}
    snapshot = next((keys[k] for k in _SNAPSHOT if k in keys), None)
    notes: list[str] = []
    meta: dict = {}

    def common(**cells) -> pd.DataFrame:
        base = {"keyword": raw[kw_col],
                "search_volume": raw[extra["search_volume"]] if extra["search_volume"] else pd.NA,
                "cpc": raw[extra["cpc"]] if extra["cpc"] else pd.NA, "_line": lines}
        return pd.DataFrame({**base, **cells})

    def when() -> object:
        """The snapshot's date: argument, then the file name; else unknown."""
        if date is not None:
            return str(pd.Timestamp(date).date())
        t = _file_date(file)
        if t is not None:
            notes.append(f"date {t:%Y-%m-%d} taken from the file name")
            return str(t.date())
        return _UNKNOWN_DATE

    def site(urls: pd.Series | None) -> str:
        """The one site of a one-site export: argument, file name, then its URLs."""
        found = domain or _domain_from_name(file)
        if found is None and urls is not None:
            found = _url_domain(urls)
            if found:
                notes.append(f"domain {found} taken from the site of the ranking URLs")
        if found is None:
            raise TrafficDataError("no domain column, and neither the file name nor URLs name the site", file=file,
                                   column="domain", hint="add a 'Domain' column or pass domain='example.fr'")
        return found

    competitors = _competitor_columns(cols) if not semrush and "current_position" not in keys else []
    if semrush:
        pos_cols = [c for c, m in semrush.items() if (m.group("kind") or "position").lower() == "position"]
        _check_numeric(raw, pos_cols, file)
        parts = []
        for c in pos_cols:
            m = semrush[c]
            land = next((x for x, mm in semrush.items() if (mm.group("kind") or "").lower() in ("landing", "url")
                         and mm.group("domain") == m.group("domain") and mm.group("date") == m.group("date")), None)
            parts.append(common(date=str(pd.to_datetime(m.group("date"), format="%Y%m%d").date()),
                                domain=m.group("domain"), position=raw[c], url=raw[land] if land else pd.NA))
        long = pd.concat(parts, ignore_index=True)
        layout = "semrush"
    elif "current_position" in keys:
        _check_numeric(raw, [c for k, c in keys.items() if k in ("current_position", "previous_position")], file)
        dom = site(raw[keys["current_url"]] if "current_url" in keys else None)
        parts = []
        for w in ("current", "previous"):
            pc = keys.get(f"{w}_position")
            dc = keys.get(f"{w}_date") or keys.get(f"{w}_position_date") or (snapshot if w == "current" else None)
            if pc is None or (w == "previous" and dc is None):
                continue
            parts.append(common(date=raw[dc].astype("string").str.slice(0, 10) if dc else when(), domain=dom,
                                position=raw[pc], url=raw[keys[f"{w}_url"]] if f"{w}_url" in keys else pd.NA))
        long = pd.concat(parts, ignore_index=True)
        layout = "ahrefs"
    elif competitors:
        _check_numeric(raw, [r for _, r, _, _ in competitors], file, allow=("-", "", "n/a", "N/A"))
        parts, names, day = [], {}, when()
        for name, rank, land, kind in competitors:
            dom = name.strip(" /") if _DOMAIN.match(name.strip(" /")) else None
            lm = _LANDING_COL.match(land) if land else None
            if dom is None and lm and _DOMAIN.match(lm.group("name").strip(" /")):
                dom = lm.group("name").strip(" /")
            if dom is None and land:
                dom = _url_domain(raw[land])
            names[name] = _site(dom) if dom else name
            cells = {"position": raw[rank], "url": raw[land] if land else pd.NA}
            if kind:
                cells["result_type"] = raw[kind]
            parts.append(common(date=day, domain=names[name], **cells))
        long = pd.concat(parts, ignore_index=True)
        renamed = [f"'{n}' as {d}" for n, d in names.items() if n.strip(" /").lower() != d]
        if renamed:
            notes.append("competitors named by their sites: " + ", ".join(renamed))
        meta["competitors"] = names
        layout = "wide_competitors"
    elif any(_date_header(c) is not None for c in cols):
        date_cols = [c for c in cols if _date_header(c) is not None]
        _check_numeric(raw, date_cols, file)
        dom_col = extra["domain"]
        dom = raw[dom_col] if dom_col else site(raw[extra["url"]] if extra["url"] else None)
        parts = [common(date=str(_date_header(c).date()), domain=dom, position=raw[c],
                        url=raw[extra["url"]] if extra["url"] else pd.NA) for c in date_cols]
        long = pd.concat(parts, ignore_index=True)
        layout = "wide_dates"
    elif extra["domain"] is None and any(_DOMAIN.match(c) for c in cols):
        dom_cols = [c for c in cols if _DOMAIN.match(c)]
        _check_numeric(raw, dom_cols, file)
        day = raw[extra["date"]] if extra["date"] else (raw[snapshot] if snapshot else when())
        parts = [common(date=day, domain=c, position=raw[c], url=pd.NA) for c in dom_cols]
        long = pd.concat(parts, ignore_index=True)
        layout = "wide_domains"
    else:
        long = raw.copy()
        long["_line"] = lines
        if extra["domain"] is None:
            long["domain"] = site(raw[extra["url"]] if extra["url"] else None)
        if extra["date"] is None:
            long["date"] = raw[snapshot].astype("string").str.slice(0, 10) if snapshot else when()
        layout = "long"
    pcol = "position" if layout != "long" else (_find(long, "rankings", "position") or "position")
    if pcol not in long.columns:
        raise TrafficDataError("no position column", file=file, column="position",
                               hint="expected 'Position', 'Rank' or 'Classement'")
    gone = _not_ranked(long[pcol])
    listed = raw[kw_col].astype("string").str.strip()
    n_keywords = int(listed.nunique())
    n_unranked = n_keywords - int(long.loc[~gone.to_numpy(), kw_col if layout == "long" else "keyword"].astype("string").str.strip().nunique())
    if extra["search_volume"]:
        unknown_volume = int(raw[extra["search_volume"]].astype("string").str.strip().str.lower().isin(["n/a", "na", "-"]).sum())
        if unknown_volume:
            notes.append(f"{unknown_volume} keyword(s) with search volume 'n/a' (unknown, not zero)")
    long = long[~gone.to_numpy()]
    if long.empty:
        raise TrafficDataError("no ranked keyword in the export (every position is empty or '-')", file=file)
    ln = long.pop("_line").tolist()
    long = _with_lines(long, ln, file)
    long.attrs["decimal"] = _decimal(raw)  # '"1,300"' in a comma file is 1300, never 1.3
    out = schema.validate(long, "rankings", file=file)
    out = out.drop(columns=[c for c in out.columns if c.startswith("_")])
    zero = out["position"] < 1
    if zero.any():
        raise TrafficDataError("positions start at 1", file=file, column="position",
                               rows=[ln[i] for i in np.flatnonzero(zero.to_numpy())])
    out["domain"] = out["domain"].str.lower().str.replace(r"^(https?://)?(www\.)?", "", regex=True).str.rstrip("/")
    unknown = out["date"] == pd.Timestamp(_UNKNOWN_DATE)
    if unknown.any():
        out["date"] = out["date"].mask(unknown)
        notes.append("the file states no date for its positions: date unknown (NaT); "
                     "read_rankings(path, date=...) sets it")
    out = out.sort_values(["date", "domain", "keyword"]).reset_index(drop=True)
    out.attrs = {"table": "rankings", "file": file, "layout": layout, "not_ranked": int(gone.sum()),
                 "keywords": n_keywords, "keywords_unranked": n_unranked, "notes": notes, **meta}
    return out


def _domain_from_name(file: str) -> str | None:
    """The site a one-site export names in its file name: 'deco-rivale.fr-organic-keywords.csv',
    SEMrush's 'example.com-organic.Positions-us-20260626-...csv'."""
    name = Path(file).name.lower()
    m = re.match(r"^(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*?\.[a-z]{2,})(?=[-_ ]|\.(?:csv|tsv|txt|xlsx?)$)", name)
    if m and not re.search(r"\.(csv|tsv|txt|xlsx?)$", m.group(1)):
        return m.group(1)
    m = re.search(r"([a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:fr|com|net|org|eu|de|be|ch|co\.uk|io))(?![a-z])", name)
    return m.group(1) if m else None


# ---------------------------------------------------------------------------- auction insights
_YOU = {"vous", "you", "votre domaine", "your domain"}
_CENSORED = re.compile(r"^\s*([<>])\s*([\d.,]+)\s*%?\s*$")


def read_auction_insights(path: str | Path, our_domain: str | None = None, period=None) -> pd.DataFrame:
    """Read a Google Ads Auction Insights export as the canonical ``auction_insights`` table.

    French or English UI exports (``Domaine de l'URL à afficher`` / ``Display URL domain``,
    ``Taux d'impressions`` / ``Impression share``, overlap rate, position above rate, top of
    page rate, absolute top of page rate, outranking share), ``;`` or ``,``, decimal comma,
    the title lines Google puts above the header. Segmented by ``Mois``/``Month`` (or
    ``Semaine``/``Week``, a date); without a segment the whole file is one period:
    ``period`` or the start of the date range in the title lines.

    The row for the advertiser itself (``Vous`` / ``You``) is renamed ``our_domain`` (or
    ``"(you)"``). ``< 10 %`` is read as 0.05 and ``> 90 %`` as 0.95 and listed in the
    ``censored`` column; ``--`` is missing. Rates are fractions.
    """
    file = str(path)
    raw = read_export(path)
    frame = raw.copy()
    dcol = _find(frame, "auction_insights", "domain")
    if dcol is None:
        raise TrafficDataError("no display URL domain column", file=file, column="domain",
                               hint="expected 'Display URL domain' or \"Domaine de l'URL à afficher\"")
    pcol = _find(frame, "auction_insights", "period")
    if pcol is None:
        when = pd.Timestamp(period) if period is not None else _range_start(raw.attrs.get("preamble", []))
        if when is None:
            raise TrafficDataError("no period: the export is not segmented by month or week and has no date range",
                                   file=file, column="period", hint="segment by Month, or pass period='2026-10-01'")
        frame["period"] = when
    else:
        parsed, bad = parse_period(frame[pcol])
        if bad.any():
            raise TrafficDataError(f"cannot read {int(bad.sum())} period(s) such as '{frame[pcol][bad].iloc[0]}'",
                                   file=file, column=pcol, rows=_lines(frame, bad))
        frame[pcol] = parsed
    rate_cols = [c.name for c in schema.TABLES["auction_insights"] if c.kind == "rate"]
    censored = pd.Series("", index=frame.index, dtype="object")
    for name in rate_cols:
        col = _find(frame, "auction_insights", name)
        if col is None:
            continue
        m = frame[col].astype("string").str.extract(_CENSORED)
        hit = m[0].notna()
        if hit.any():
            bound, _ = schema.parse_number(m.loc[hit, 1])
            mid = np.where(m.loc[hit, 0] == "<", bound / 2, (bound + 100) / 2)
            frame.loc[hit, col] = [f"{v:.4f} %" for v in mid]  # keeps the column in percent
            censored[hit] = censored[hit] + name + " "
    you = frame[dcol].astype("string").str.strip().map(lambda s: _ascii(s) if isinstance(s, str) else s).isin(_YOU)
    frame.loc[you.fillna(False), dcol] = our_domain or "(you)"
    frame.attrs = raw.attrs
    out = schema.validate(frame, "auction_insights", file=file)
    out["domain"] = out["domain"].str.lower().str.replace(r"^(https?://)?(www\.)?", "", regex=True).str.rstrip("/")
    out["censored"] = censored.str.strip().str.replace(" ", ",").to_numpy()
    out.attrs = {"table": "auction_insights", "file": file, "our_domain": our_domain or "(you)"}
    return out.sort_values(["period", "domain"]).reset_index(drop=True)


def _range_start(preamble: list[str]) -> pd.Timestamp | None:
    for ln in preamble:
        t = _ascii(ln)
        m = re.search(r"(\d{1,2})(?:er)?\s+([a-z]+)\.?\s+(\d{4})", t)  # 1 octobre 2025
        if m and m.group(2) in _MONTHS:
            return pd.Timestamp(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)))
        m = re.search(r"([a-z]+)\.?\s+(\d{1,2}),\s+(\d{4})", t)  # October 1, 2025
        if m and m.group(1) in _MONTHS:
            return pd.Timestamp(int(m.group(3)), _MONTHS[m.group(1)], int(m.group(2)))
        m = re.search(r"(\d{4}-\d{2}-\d{2})", t)
        if m:
            return pd.Timestamp(m.group(1))
    return None


# ---------------------------------------------------------------------------- Google Trends
#: A series header: ``term: (Region)``; CJK interfaces write a full-width colon and
#: brackets (``moonlit vow：（美国）``).
_TERM = re.compile(r"^(?P<term>.*?)\s*[:：]\s*[(（](?P<geo>[^)）]*)[)）]\s*$")
#: First-column headers of a Trends time series in the interface languages (compared
#: case-folded): en, fr, it, de, es, pt, nl, pl, tr, ru, zh (Simplified and
#: Traditional), ja, ko, vi, id. "Time" heads the hourly series of short ranges, and
#: every series of the 2025 download ('"Time","term"', no category line, no region).
_TRENDS_DATE_HEADERS = {
    "month": ("month", "mois", "mese", "monat", "mes", "mês", "maand", "miesiąc", "ay", "месяц", "月", "月份",
              "월", "tháng", "bulan"),
    "week": ("week", "semaine", "settimana", "woche", "semana", "tydzień", "hafta", "неделя", "周", "週", "주",
             "tuần", "minggu"),
    "day": ("day", "jour", "giorno", "tag", "día", "dia", "dag", "dzień", "gün", "день", "日", "天", "일", "ngày",
            "hari", "date"),
    "time": ("time", "temps", "tempo", "zeit", "tiempo", "tijd", "czas", "zaman", "время", "时间", "時間", "시간",
             "heure", "hora", "ora", "waktu", "thời gian"),
}
_TRENDS_FIRST = {h for names in _TRENDS_DATE_HEADERS.values() for h in names}
#: The ``Category: All categories`` line above the table, in the interface languages.
TRENDS_CATEGORY = re.compile(
    r"^\s*(category|cat[eé]gorie|categor[ií]a|categorie|kategorie|kategoria|kategori|категория|类别|類別|カテゴリ|"
    r"카테고리|danh mục|หมวดหมู่|kategória|kategorija)\s*[:：]", re.IGNORECASE)
#: A value below one: ``<1``, ``< 1`` with any space between (no-break U+00A0, narrow
#: no-break U+202F, thin U+2009) or a full-width ``＜``.
BELOW_ONE = re.compile(r"^\s*[<＜]\s*1\s*$")
_YEAR_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_WEEK_RANGE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s+-\s+\d{4}-\d{2}-\d{2}\s*$")  # 2004-2016 downloads
_HOURLY = re.compile(r"^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}(?::\d{2})?")


def trends_step(header: str) -> str | None:
    """``"month"``, ``"week"``, ``"day"`` or ``"time"`` when ``header`` names a Trends
    period column in one of the interface languages (``Semaine``, ``週``, ``Monat``...)."""
    word = unicodedata.normalize("NFC", str(header)).replace("\ufeff", "").strip().casefold()
    return next((step for step, names in _TRENDS_DATE_HEADERS.items() if word in names), None)


def is_trends_term(header: str) -> bool:
    """Whether a header is a Trends series name, ``term: (Region)`` (any colon width)."""
    return bool(_TERM.match(str(header)))


def _trends_dates(values: pd.Series, file: str, column: str, lines) -> pd.Series:
    """Trends period labels as ISO days: ``2024-05`` (monthly) -> the month's first day,
    ``2004-01-04 - 2004-01-10`` (old weekly ranges) -> the week's first day; other
    dates are kept. Hourly labels (``2026-09-26T08``) are refused: the ``trends`` table
    holds days, weeks and months."""
    text = values.astype("string").str.strip()
    hourly = text.str.match(_HOURLY).fillna(False)
    if hourly.any():
        raise TrafficDataError("an hourly Google Trends series (past day or past 4 hours): the kit reads daily, "
                               "weekly and monthly series", file=file, column=column,
                               rows=[int(lines[i]) for i in np.flatnonzero(hourly.to_numpy())][:5],
                               hint="download the series over a longer range (past 7 days or more)")
    ym = text.str.extract(_YEAR_MONTH)
    month = ym[0].notna()
    out = text.copy()
    out[month] = ym[0][month] + "-" + ym[1][month].str.zfill(2) + "-01"
    week = text.str.extract(_WEEK_RANGE)[0]
    out[week.notna()] = week[week.notna()]
    return out


def _step_from_dates(dates: pd.Series) -> str | None:
    gaps = pd.Series(np.sort(dates.dropna().unique())).diff().dt.days.dropna()
    if gaps.empty:
        return None
    g = gaps.median()
    return "day" if g <= 1 else "week" if g <= 7 else "month" if g <= 31 else None


def read_trends(path: str | Path) -> pd.DataFrame:
    """Read a Google Trends ``multiTimeline.csv`` as the canonical ``trends`` table.

    The export has a ``Category: ...`` line in the interface's language (``Catégorie :``,
    ``Categoria:``, ``类别：``, ``類別：``, ``カテゴリ：``...), a blank line, then
    ``Week,term1: (France),term2: (France)``: the first header names the period in the
    interface's language (:data:`_TRENDS_DATE_HEADERS`; a file may mix languages, as a
    French ``semaine`` under a Chinese category line), the others are the terms with
    their region (``：（美国）`` in CJK interfaces). Monthly downloads date rows
    ``2024-05`` (read as the first of the month).

    Values are 0-100 relative to the highest point of all the terms of that request.
    ``<1`` (also ``< 1`` with a no-break or narrow no-break space) means *above zero but
    below one*: it is read as 0.5 and flagged in the ``below_one`` column, so a sum can
    leave it out and a chart still shows a point between 0 and 1.

    Returns date (period start), term (without the region suffix and the quotes some
    interfaces add), interest (0-100), geo (the region in brackets) and below_one
    (bool); ``attrs`` hold ``step`` (month/week/day), ``category`` (the category line),
    ``below_one`` (how many cells) and ``quoted`` (terms searched in quotes, as an exact
    phrase: their quotes are dropped from ``term``).
    """
    file = str(path)
    raw = read_export(path)
    first = raw.columns[0]
    terms = [c for c in raw.columns[1:] if schema.normalize_header(c) not in ("ispartial",)]
    step = trends_step(first)
    category = next((ln.strip() for ln in raw.attrs.get("preamble", []) if TRENDS_CATEGORY.match(ln)), None)
    if step is None and not (category or (terms and all(is_trends_term(c) for c in terms))):
        raise TrafficDataError("not a Google Trends time series (first column should be Week/Semaine/Day/Month, "
                               "or the same in another interface language, and the others 'term: (Region)')",
                               file=file, column=first)
    if not terms:
        raise TrafficDataError("no search term column", file=file)
    lines = raw.attrs["line_numbers"]
    dates = _trends_dates(raw[first], file, first, lines)
    parts, quoted = [], []
    for c in terms:
        m = _TERM.match(c)
        text = raw[c].astype("string").str.strip()
        below = text.str.match(BELOW_ONE).fillna(False)
        term = (m.group("term") if m else c).strip()
        if len(term) > 2 and term[0] == term[-1] == '"':  # searched as an exact phrase
            quoted.append(term[1:-1].strip())
        term = term.strip('"').strip()
        parts.append(pd.DataFrame({"date": dates, "term": term, "interest": text.mask(below, "0.5"),
                                   "geo": m.group("geo").strip() if m else pd.NA, "below_one": below.to_numpy(),
                                   "_line": lines, "_col": c}))
    names = [pt["term"].iloc[0] for pt in parts]
    for pt in parts:  # one term compared across regions: 'tea (France)', 'tea (Belgique)'
        if names.count(pt["term"].iloc[0]) > 1 and pt["geo"].notna().all():
            pt["term"] = f"{pt['term'].iloc[0]} ({pt['geo'].iloc[0]})"
    long = pd.concat(parts, ignore_index=True)
    nums, bad = schema.parse_number(long["interest"], decimal=".")
    over = nums > 100
    for mask, problem in ((bad, "cannot read {n} value(s) such as '{v}'"), (over, "{n} value(s) above 100 such as '{v}'")):
        if mask.any():
            i = np.flatnonzero(mask.to_numpy())
            raise TrafficDataError(problem.format(n=len(i), v=long["interest"].iloc[i[0]]), file=file,
                                   column=long["_col"].iloc[i[0]], rows=long["_line"].iloc[i].tolist(),
                                   hint="Google Trends values are 0-100 or '<1'")
    ln = long.pop("_line").tolist()
    long = long.drop(columns="_col")
    out = schema.validate(_with_lines(long, ln, file), "trends", file=file)
    out["below_one"] = out["below_one"].astype(bool)
    if step not in ("month", "week", "day") or schema.normalize_header(first) == "date":
        step = _step_from_dates(out["date"])  # a generic 'date' header says nothing of the step
    out.attrs = {"table": "trends", "file": file, "step": step, "category": category,
                 "below_one": int(out["below_one"].sum()), "quoted": quoted}
    return out.sort_values(["term", "date"]).reset_index(drop=True)


# ---------------------------------------------------------------------------- several Trends files
_PERIOD_OF_STEP = {"day": 7, "week": 52, "month": 12}


def combine_trends(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Several Google Trends downloads (tables of :func:`read_trends`) as one ``trends``
    table, with what can and cannot be compared said in ``attrs``.

    Each request is scaled on its own: 100 is the highest point of *its* terms, so two
    files' levels are not comparable as read. The rule:

    - **Rescaled through a shared term.** When two files hold the same series (same
      term, region and category), the ratio of that series' sums between the files
      (over the dates both state as numbers; ``<1`` cells left out; several shared
      series pooled; a shared series averaging below 5 in either file is not used:
      whole-number rounding makes its ratio unreliable) is the factor that puts the second file on the first one's scale:
      ``factor(B) = Σ shared(A) / Σ shared(B)``. Files are chained this way from the
      file with the most terms (then the first downloaded: ``x.csv`` before ``x (1).csv``),
      the shared series is kept once
      (from the file nearest that reference), and the whole group is brought back to
      0-100 (100 = its highest point), as one request with all those terms would be.
      Values are then decimals; a small series rescaled by a large factor carries the
      rounding of its file (Trends writes whole numbers), which the factor multiplies.
    - **Otherwise side by side.** Files sharing no series keep their own 0-100 scale:
      their changes over time compare, their levels do not. ``attrs["scale"]`` says
      ``"separate"`` and the report must say so.

    Files of another time step than the majority (a weekly file among monthly ones)
    are not combined: ``attrs["notes"]`` names them (``attrs["left_out"]``: file, terms
    with their region, and step of each). The same term from separate
    files about different regions is named ``term (Region)``.

    Returns the ``trends`` columns (date, term, interest 0-100, geo, below_one) plus
    ``file`` (the file's name) and ``scale`` (1, 2...: rows with the same number are on
    one scale). ``attrs``: ``table``, ``step``, ``files`` (paths used), ``scale``
    (``"one request"``, ``"rescaled"`` when every file was brought onto one scale,
    ``"separate"`` otherwise), ``groups`` (per scale: ``terms``, ``files``, ``factors``
    {file name: factor applied before the 0-100 renormalisation}, ``file_terms`` {file
    name: its terms}, ``through`` (the shared terms used)), ``weak_links`` (shared terms too low to
    rescale through), ``notes``, ``below_one``, ``category``, ``quoted``.
    """
    tables = [t for t in tables if t is not None and len(t)]
    if not tables:
        raise ValueError("no Google Trends table to combine")
    steps = [t.attrs.get("step") or _step_from_dates(t["date"]) for t in tables]
    counts = {s: steps.count(s) for s in steps}
    step = max(counts, key=lambda s: (counts[s], sum(t["term"].nunique() for t, x in zip(tables, steps) if x == s)))
    ly = {"day": "daily", "week": "weekly", "month": "monthly", None: "irregular"}
    named = lambda t: sorted({f"{a} ({b})" if pd.notna(b) else str(a)
                              for a, b in zip(t["term"], t["geo"] if "geo" in t else [pd.NA] * len(t))})
    left_out = [{"file": Path(t.attrs.get("file", "?")).name, "terms": named(t), "step": x}
                for t, x in zip(tables, steps) if x != step]
    notes = [f"{x['file']} ({', '.join(x['terms'])}): a {ly.get(x['step'], x['step'])} series, not combined with the "
             f"{ly.get(step, step)} ones (one time step per comparison)" for x in left_out]
    tables = [t for t, x in zip(tables, steps) if x == step]
    parts = []
    for i, t in enumerate(tables):
        f = t.copy()
        if "geo" not in f:
            f["geo"] = pd.NA
        f["below_one"] = f["below_one"].astype(bool) if "below_one" in f else False
        f["file"] = Path(t.attrs.get("file", f"file {i + 1}")).name
        f["_src"] = i
        f["_key"] = list(zip(f["term"], f["geo"].fillna("").astype(str), [t.attrs.get("category") or ""] * len(f)))
        parts.append(f)

    # factors along the files sharing a series, from the file with the most terms
    order = sorted(range(len(parts)), key=lambda i: (-parts[i]["term"].nunique(), _download_order(parts[i]["file"].iloc[0]), i))
    factor: dict[int, float] = {}
    depth: dict[int, int] = {}
    groups, weak = [], set()
    for ref in order:
        if ref in factor:
            continue
        factor[ref], depth[ref] = 1.0, 0
        members, through, queue = [ref], set(), [ref]
        while queue:
            a = queue.pop(0)
            for b in order:
                if b in factor:
                    continue
                ratio, shared, low = _shared_ratio(parts[a], parts[b])
                weak |= low
                if ratio is not None:
                    factor[b], depth[b] = factor[a] * ratio, depth[a] + 1
                    members.append(b)
                    through |= shared
                    queue.append(b)
        groups.append((members, sorted(through)))

    out, described = [], []
    for n, (members, through) in enumerate(groups, start=1):
        g = pd.concat([parts[i].assign(interest=parts[i]["interest"] * factor[i], _depth=depth[i]) for i in members],
                      ignore_index=True)
        g = g.sort_values(["_depth", "_src"]).drop_duplicates(["_key", "date"], keep="first")  # a shared series once
        top = g["interest"].max()
        renorm = 100.0 / top if len(members) > 1 and top > 0 else 1.0
        g["interest"] = g["interest"] * renorm
        g["scale"] = n
        out.append(g)
        described.append({"terms": sorted(g["term"].unique()), "files": [parts[i]["file"].iloc[0] for i in members],
                          "factors": {parts[i]["file"].iloc[0]: factor[i] for i in members}, "through": through,
                          "file_terms": {parts[i]["file"].iloc[0]: sorted(parts[i]["term"].unique()) for i in members}})
    long = pd.concat(out, ignore_index=True)
    _name_series(long)
    for d, (members, _) in zip(described, groups):
        d["terms"] = sorted(long.loc[long["_src"].isin(members), "term"].unique())
    long = long.drop(columns=["_src", "_key", "_depth"])
    cols = [c for c in ("date", "term", "interest", "geo", "below_one", "file", "scale") if c in long]
    long = long[cols].sort_values(["term", "date"]).reset_index(drop=True)
    long.attrs = {
        "table": "trends", "step": step, "files": [t.attrs.get("file") for t in tables],
        "scale": "one request" if len(tables) == 1 else ("rescaled" if len(groups) == 1 else "separate"),
        "groups": described, "notes": notes, "left_out": left_out, "weak_links": sorted(weak), "below_one": int(long["below_one"].sum()),
        "category": tables[0].attrs.get("category"),
        "quoted": sorted({q for t in tables for q in t.attrs.get("quoted", [])}),
    }
    return long


def _download_order(name: str) -> tuple:
    """Sort key putting a browser's renamed downloads after the first one:
    ``multiTimeline.csv`` < ``multiTimeline (1).csv`` < ``multiTimeline (2).csv``."""
    m = re.fullmatch(r"(.*?)(?:\s*\((\d+)\))?(\.[^.]*)?", name)
    return (m.group(1), int(m.group(2) or 0), m.group(3) or "") if m else (name, 0, "")


#: A shared series must average at least this (0-100 scale) in both files to carry a
#: factor: below, Trends' whole-number rounding makes the ratio unreliable (1 vs 2 is x2).
SHARED_MIN_LEVEL = 5.0


def _shared_ratio(a: pd.DataFrame, b: pd.DataFrame) -> tuple[float | None, set, set]:
    """Factor putting ``b`` on ``a``'s scale through the series both hold (pooled ratio
    of their sums over the dates both state as numbers), the terms used, and the shared
    terms too low to use (mean below :data:`SHARED_MIN_LEVEL` in either file). The factor
    is None when no shared series is usable."""
    shared = set(a["_key"]) & set(b["_key"])
    if not shared:
        return None, set(), set()
    num = lambda f: f[f["_key"].isin(shared) & ~f["below_one"] & f["interest"].notna()].set_index(["_key", "date"])["interest"]
    x, y = num(a), num(b)
    both = x.index.intersection(y.index)
    x, y = x.loc[both], y.loc[both]
    level = pd.concat([x.groupby(level=0).mean(), y.groupby(level=0).mean()], axis=1).min(axis=1)
    usable = set(level[level >= SHARED_MIN_LEVEL].index)
    weak = {k[0] for k in shared - usable}
    if not usable:
        return None, set(), weak
    keep = [k in usable for k in x.index.get_level_values(0)]
    return float(x[keep].sum()) / float(y[keep].sum()), {k[0] for k in usable}, weak


def _name_series(long: pd.DataFrame) -> None:
    """Unique series names: a term found with several regions becomes ``term (Region)``;
    one still found on several scales (same series, no common dates) gets its file's name."""
    key = long["term"] + "\x00" + long["geo"].fillna("").astype(str)
    regions = key.groupby(long["term"]).nunique()
    many = long["term"].map(regions).gt(1) & long["geo"].notna() & ~long["term"].str.endswith(")")
    long.loc[many, "term"] = long.loc[many, "term"] + " (" + long.loc[many, "geo"].astype(str) + ")"
    scales = long.groupby("term")["scale"].nunique()
    again = long["term"].map(scales).gt(1)
    long.loc[again, "term"] = long.loc[again, "term"] + " [" + long.loc[again, "file"] + "]"


# ---------------------------------------------------------------------------- a folder
FILES = {
    "competitors": ("competitors_similarweb.csv", "similarweb.csv", "competitors.csv"),
    "rankings": ("rankings.csv", "position_tracking.csv", "rankings.xlsx"),
    "auction_insights": ("auction_insights_fr.csv", "auction_insights.csv", "auction_insights_en.csv"),
    "trends": ("google_trends.csv", "multiTimeline.csv", "trends.csv", "multiTimeline*.csv", "trends_*.csv"),
    "sessions": ("sessions.parquet", "sessions.csv"),
}
#: Tables read from every matching file of the folder (combined), not only the first.
SEVERAL = ("trends",)


@dataclass
class MarketData:
    """The market tables found in a folder (``None`` when an export is absent).

    ``our_domain`` is ``""`` when not known. ``sessions`` is our own canonical sessions
    table (the audit's), used to place our site among the competitors' estimates.
    ``files`` maps each table to the file read (for ``trends``, the first of
    ``trends.attrs["files"]``: every Trends file is read and combined by
    :func:`combine_trends`); ``notes`` says what was left out and why.
    """

    our_domain: str = ""
    competitors: pd.DataFrame | None = None
    rankings: pd.DataFrame | None = None
    auction_insights: pd.DataFrame | None = None
    trends: pd.DataFrame | None = None
    sessions: pd.DataFrame | None = None
    web: pd.DataFrame | None = None  # a GA4 interface report by day (date, sessions...): our traffic without sessions
    files: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    def available(self) -> list[str]:
        """Names of the tables present."""
        return [k for k in ("competitors", "rankings", "auction_insights", "trends", "sessions", "web")
                if getattr(self, k) is not None]


def load_market(folder: str | Path, our_domain: str | None = "", files: dict | None = None) -> MarketData:
    """Read every market export found in ``folder`` (file names in :data:`FILES`, or
    ``files={table: name}`` to override, a list of names for ``trends``; other files are
    recognised from their headers by :mod:`trafficlib.readers.market`); absent exports
    are ``None``, bad ones raise :class:`TrafficDataError`. Every Google Trends file
    found is read and the files combined into one comparison by :func:`combine_trends`
    (rescaled through a shared term, else kept on separate scales: see its ``attrs``).
    ``our_domain`` may be ``""`` (unknown). Our own sessions are read from
    ``sessions.parquet`` when present (columns start, channel...)."""
    folder = Path(folder)
    our_domain = our_domain or ""
    if not folder.is_dir():
        raise TrafficDataError("folder not found", file=str(folder))
    readers = {"competitors": read_similarweb, "rankings": read_rankings,
               "auction_insights": lambda p: read_auction_insights(p, our_domain=our_domain or None),
               "trends": read_trends, "sessions": lambda p: sources.read(p, "sessions")}
    md = MarketData(our_domain=our_domain)
    found: dict[str, list[Path]] = {}
    for table, names in FILES.items():
        given = (files or {}).get(table)
        if given:
            names = tuple(given) if isinstance(given, (list, tuple)) else (given,)
        for name in names:
            hits = sorted(folder.glob(name)) if "*" in name else [folder / name]
            for p in hits:  # a renamed download (trends_it_allianz_vs_prima.csv), in name order
                if p.is_file() and p not in found.get(table, []):
                    found.setdefault(table, []).append(p)
            if found.get(table) and table not in SEVERAL:
                break
    _recognise_renamed(folder, found)
    for table, paths in found.items():
        read = [sources.cached(p, "market:" + table, lambda p=p: readers[table](p), our_domain)
                for p in (paths if table in SEVERAL else paths[:1])]
        if table == "trends":
            combined = combine_trends(read)
            md.notes += combined.attrs["notes"]
            read = [combined]
        setattr(md, table, read[0])
        md.files[table] = str(paths[0])
    if md.sessions is None:
        _our_web_report(folder, md)
    return md


def _our_web_report(folder: Path, md: "MarketData") -> None:
    """Our own traffic when the folder holds GA4 interface reports instead of a sessions
    table: the report by day with Sessions that has the most rows (one with the channel
    preferred), kept as ``md.web``; other files are left alone."""
    best, best_key = None, None
    for f in sorted(folder.iterdir()):
        if not f.is_file() or f.suffix.lower() not in (".csv", ".tsv", ".xlsx"):
            continue
        try:
            e = sources.load(f)
        except TrafficDataError:
            continue
        if e.table != "web_cube" or "date" not in e.frame or "sessions" not in e.frame:
            continue
        key = ("channel" in e.frame, len(e.frame))
        if best_key is None or key > best_key:
            best, best_key = (f, e), key
    if best is not None:
        md.web = best[1].frame
        md.files["web"] = str(best[0])


def _recognise_renamed(folder: Path, found: dict[str, list[Path]]) -> None:
    """Exports not found under their usual names are recognised from their headers
    (a Similarweb file saved as ``export (3).csv`` still counts; every Trends file,
    whatever its name)."""
    from trafficlib.errors import TrafficDataError as _Err
    from trafficlib.readers import google_ads, market
    from trafficlib.readers.registry import Probe

    tests = {"competitors": market.is_similarweb, "rankings": market.is_rankings, "trends": market.is_trends,
             "auction_insights": lambda pr: google_ads.recognise(pr) is True
             and bool({schema.normalize_header(h) for h in pr.sheets[0].header} & {"display_url_domain",
                                                                                   "domaine_de_l_url_a_afficher"})}
    wanted = [t for t in tests if t in SEVERAL or not found.get(t)]
    used = {p for paths in found.values() for p in paths}
    for f in sorted(folder.iterdir()):
        if not wanted:
            break
        if not f.is_file() or f in used or f.suffix.lower() not in (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods"):
            continue
        try:
            probe = Probe(f)
            table = next((t for t in wanted if tests[t](probe)), None)
        except _Err:
            continue
        if table:
            found.setdefault(table, []).append(f)
            if table not in SEVERAL:
                wanted.remove(table)
