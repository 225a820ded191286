"""The weekly table a media-mix fit needs, built from one folder of real downloads.

:func:`load_mix_inputs` reads, from one folder (or a list of files and folders):

- **ad spend and impressions per channel** from the ad-platform downloads the kit reads
  (Google Ads, Meta, Microsoft Ads, LinkedIn, TikTok, the kit's ``ad_spend`` table), each
  euro once (the rules of :func:`trafficlib.readers.crm_inputs.load_spend`: of several
  report grains of one platform only the coarsest, a file repeating another's campaigns
  and days left out). A row covering several days (``date`` .. ``date_end``: a weekly or monthly
  segment, a report without a day column) is spread evenly over its days. The channel is
  the platform ("Meta", "Microsoft Ads"...), except for Google Ads, split by the
  download's *Campaign type* / *Type de campagne* column (Search -> "Google Search",
  Display -> "Google Display", Video -> "YouTube", Performance Max, Shopping -> "Google
  Shopping", Demand Gen...); ``channel_map`` ({regex on the campaign name: channel})
  overrides both;
- **offline spend** (TV, radio, print, out-of-home) from a plain table: a date column
  (``date`` / ``jour`` for days, ``semaine`` / ``week`` for weeks starting that day,
  ``mois`` / ``month`` for months, or a ``date_end`` / ``fin`` column), a ``channel`` /
  ``canal`` / ``media`` column and a ``spend`` / ``dépense`` / ``coût`` / ``budget``
  column, optional ``impressions`` / ``contacts``; French layouts (``;``, decimal comma,
  dd/mm/yyyy, cp1252) and spreadsheets read by the kit's sheet core;
- **the outcome**: a GA4 report by Date (total revenue, key events, e-commerce
  purchases), a plain daily series (``date,value``), the kit's ``sessions`` table, or CRM
  exports (leads by creation date, won deals by won date,
  :func:`trafficlib.readers.crm_inputs.load_leads`);
- **controls** (promotions, price index, competitor pressure, events...) from a plain
  calendar: a ``date`` / ``jour`` (days) or ``semaine`` / ``week`` (weeks starting that day)
  column and numeric columns, each a control when its header names one (``promo``,
  ``promotion``, ``soldes``, ``prix`` / ``price_index``, ``concurrence`` / ``competitor``,
  ``pression``, ``vacances`` / ``holiday``, ``événement`` / ``event``, ``météo``,
  ``stock``...) or, in a file named ``calendrier*`` / ``calendar*`` / ``controls*`` /
  ``promo*``, every numeric column; text columns (a promotion's name) are left out with a
  note; flags may be written 1 / 0, x / blank, oui / non. A calendar is never taken for
  spend (it has no channel and spend columns) nor for the outcome. French layouts and
  spreadsheets are read by the kit's sheet core.

Weeks start on Monday. Money stays in the account currency (several currencies across
the files are an error: nothing is converted).
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib import schema
from trafficlib.errors import TrafficDataError
from trafficlib.periods import spread_over_days
from trafficlib.mix.calibration import read_lift
from trafficlib.readers.crm_inputs import select_spend

__all__ = ["load_mix_inputs", "side_export", "channel_of", "MIN_WEEKS", "GOOGLE_TYPES"]

MIN_WEEKS = 39
_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods", ".parquet")

# Google Ads campaign type (English or French interface) -> channel
GOOGLE_TYPES = (
    (r"^(search|r[ée]seau de recherche|recherche)$", "Google Search"),
    (r"^(display|r[ée]seau display|smart display)$", "Google Display"),
    (r"^(video|vid[ée]o|youtube)$", "YouTube"),
    (r"^(performance max|pmax)$", "Performance Max"),
    (r"^(shopping|smart shopping)$", "Google Shopping"),
    (r"^(demand gen|discovery|d[ée]couverte)$", "Demand Gen"),
    (r"^(app|application|applications)$", "Google App"),
)
_PLATFORMS = {"google ads": "Google Ads", "meta ads": "Meta", "meta": "Meta", "facebook ads": "Meta",
              "microsoft ads": "Microsoft Ads", "bing ads": "Microsoft Ads", "linkedin ads": "LinkedIn",
              "linkedin": "LinkedIn", "tiktok ads": "TikTok", "tiktok": "TikTok"}
_KIND_PLATFORM = {"google_ads": "Google Ads", "meta": "Meta Ads", "microsoft_ads": "Microsoft Ads",
                  "linkedin": "LinkedIn Ads", "tiktok": "TikTok Ads"}

# offline spend tables: normalized headers
_OFF_DAY = {"date", "jour", "day", "date_de_diffusion", "diffusion", "date_debut", "debut", "start", "start_date",
            "date_de_debut"}
_OFF_WEEK = {"week", "semaine", "week_start", "week_of", "debut_de_semaine", "semaine_du", "debut_semaine",
             "week_commencing", "date_semaine"}
_OFF_MONTH = {"month", "mois"}
_OFF_END = {"date_end", "end", "end_date", "fin", "date_de_fin", "date_fin"}
_OFF_CHANNEL = {"channel", "canal", "media", "levier", "support_media", "channel_name", "canal_media"}
_OFF_SPEND = {"spend", "depense", "depenses", "cout", "cost", "budget", "montant", "investissement", "amount",
              "budget_net", "depense_nette", "net", "cout_net", "spend_net", "depense_ht", "montant_ht", "cout_ht"}
_OFF_IMPR = {"impressions", "contacts", "impr", "occasions_de_voir", "odv"}
_OFF_CURRENCY = {"currency", "devise", "currency_code", "code_devise"}
_CURRENCY_SIGNS = {"€": "EUR", "$": "USD", "£": "GBP"}

_KINDS = ("revenue", "conversions", "leads", "won_deals")


def channel_of(platform, campaign_type=None, campaign=None, channel_map=None) -> str:
    """The channel of an ad row: the first ``channel_map`` regex (case-insensitive) found in
    the campaign name, else Google Ads' campaign type (:data:`GOOGLE_TYPES`; an unknown type
    gives "Google Ads (<type>)", none "Google Ads"), else the platform's readable name."""
    name = "" if campaign is None or pd.isna(campaign) else str(campaign)
    for pattern, channel in (channel_map or {}).items():
        if re.search(pattern, name, re.IGNORECASE):
            return str(channel)
    plat = "" if platform is None or pd.isna(platform) else str(platform).strip()
    label = _PLATFORMS.get(plat.casefold(), plat or "Other")
    if label == "Google Ads":
        typ = "" if campaign_type is None or pd.isna(campaign_type) else str(campaign_type).strip()
        if not typ:
            return "Google Ads"
        for pattern, channel in GOOGLE_TYPES:
            if re.match(pattern, typ, re.IGNORECASE):
                return channel
        return f"Google Ads ({typ})"
    return label


# ------------------------------------------------------------------ files

def _files(data_path) -> tuple[list[Path], list[Path]]:
    """(the paths as given, every file to consider)."""
    items = [data_path] if isinstance(data_path, (str, Path)) else list(data_path)
    if not items:
        raise TrafficDataError("no file or folder given")
    from trafficlib import sources

    given, files = [], []
    for item in items:
        p = Path(item)
        given.append(p)
        for f in sources.export_files(p, _SUFFIXES):
            if f not in files:
                files.append(f)
    return given, files


def _tables(path: Path, blocks: list | None):
    """The file's table blocks (``blocks`` when the caller parsed them already), or None
    for a file that is not a table (not CSV / text / Excel, or unreadable as one)."""
    from trafficlib.readers._sheet import EXCEL_SUFFIXES, TEXT_SUFFIXES, sheets

    if path.suffix.lower() not in TEXT_SUFFIXES + EXCEL_SUFFIXES:
        return None
    try:
        return sheets(path) if blocks is None else blocks
    except TrafficDataError:
        return None


def _offline(path: Path, blocks: list | None = None) -> dict | None:
    """An offline-spend table (see the module doc) as rows ``date``, ``date_end``,
    ``channel``, ``cost``, ``impressions`` (+ ``currency``, ``line``), or None when the file
    is not one. Raises :class:`TrafficDataError` for a recognised table with bad cells."""
    from trafficlib.readers._numbers import numbers, yyyymmdd_or_dates
    from trafficlib.readers._sheet import decimal_mark

    blocks = _tables(path, blocks)
    if blocks is None:
        return None
    for sheet in blocks:
        keys = [schema.normalize_header(re.sub(r"\(.*?\)", "", h)) for h in sheet.header]
        pos = {}
        for i, k in enumerate(keys):
            for role, names in (("week", _OFF_WEEK), ("month", _OFF_MONTH), ("day", _OFF_DAY), ("end", _OFF_END),
                                ("channel", _OFF_CHANNEL), ("spend", _OFF_SPEND), ("impressions", _OFF_IMPR),
                                ("currency", _OFF_CURRENCY)):
                if k in names:
                    pos.setdefault(role, i)
        when = next((r for r in ("week", "month", "day") if r in pos), None)
        if when is None or "channel" not in pos or "spend" not in pos:
            continue
        if {"campagne", "campaign", "campaign_name", "nom_de_la_campagne"} & set(keys):
            return None  # an ad report with a campaign column: the ad readers' business
        file = str(path)
        width = sheet.width
        rows = [(r + [""] * width)[:width] for r in sheet.rows]
        keep = [bool(r[pos["spend"]].strip() or r[pos[when]].strip()) for r in rows]
        rows = [r for r, k in zip(rows, keep) if k]
        lines = [ln for ln, k in zip(sheet.lines, keep) if k]
        if not rows:
            raise TrafficDataError("no data rows below the header", file=file)
        raw = pd.DataFrame(rows, columns=range(width), dtype="string")
        # total rows ("Total", "Total général") at the bottom: not spend of a day
        label = raw[pos["channel"]].str.strip().str.casefold().fillna("")
        day_cell = raw[pos[when]].str.strip().fillna("")
        total = label.str.match(r"^(grand )?total|^totaux|^total g[ée]n[ée]ral") | \
            day_cell.str.casefold().str.match(r"^(grand )?total|^totaux")
        raw, lines = raw[~total.to_numpy()].reset_index(drop=True), [ln for ln, t in zip(lines, total) if not t]
        header = sheet.header
        dec = decimal_mark(sheet, [pos["spend"]]) or ("," if sheet.separator == ";" else None)
        if when == "month":
            start = _months(raw[pos["month"]])
            bad = start.isna() & raw[pos["month"]].notna()
            end = start + pd.offsets.MonthEnd(0)
        else:
            start, bad = yyyymmdd_or_dates(raw[pos[when]])
            end = start + pd.Timedelta(days=6) if when == "week" else start
        if bad.any() or start.isna().any():
            at = bad | start.isna()
            raise TrafficDataError(f"cannot read '{raw[pos[when]][at].iloc[0]}' as a date", file=file,
                                   column=header[pos[when]], rows=[lines[i] for i in np.flatnonzero(at.to_numpy())])
        if "end" in pos:
            e, bad_e = yyyymmdd_or_dates(raw[pos["end"]])
            if bad_e.any():
                raise TrafficDataError(f"cannot read '{raw[pos['end']][bad_e].iloc[0]}' as a date", file=file,
                                       column=header[pos["end"]],
                                       rows=[lines[i] for i in np.flatnonzero(bad_e.to_numpy())])
            end = e.fillna(end)
        if (end < start).any():
            at = (end < start).to_numpy()
            raise TrafficDataError("the end date is before the start date", file=file, column=header[pos["end"]],
                                   rows=[lines[i] for i in np.flatnonzero(at)])
        cost, bad = numbers(raw[pos["spend"]], decimal=dec)
        if bad.any():
            raise TrafficDataError(f"cannot read '{raw[pos['spend']][bad].iloc[0]}' as an amount", file=file,
                                   column=header[pos["spend"]], rows=[lines[i] for i in np.flatnonzero(bad.to_numpy())])
        if (cost < 0).any():
            raise TrafficDataError("negative spend", file=file, column=header[pos["spend"]],
                                   rows=[lines[i] for i in np.flatnonzero((cost < 0).to_numpy())])
        channel = raw[pos["channel"]].str.strip()
        if channel.isna().any() or (channel == "").any():
            at = (channel.isna() | (channel == "")).to_numpy()
            raise TrafficDataError("rows without a channel", file=file, column=header[pos["channel"]],
                                   rows=[lines[i] for i in np.flatnonzero(at)])
        impressions = pd.Series(np.nan, index=raw.index)
        if "impressions" in pos:
            impressions, bad = numbers(raw[pos["impressions"]], decimal=dec, integer=True)
            if bad.any():
                raise TrafficDataError(f"cannot read '{raw[pos['impressions']][bad].iloc[0]}' as a number", file=file,
                                       column=header[pos["impressions"]],
                                       rows=[lines[i] for i in np.flatnonzero(bad.to_numpy())])
        currencies = set()
        if "currency" in pos:
            currencies |= {str(c).strip().upper() for c in raw[pos["currency"]].dropna() if str(c).strip()}
        m = re.search(r"\(\s*(?:en\s+)?([A-Z]{3}|€|\$|£)\s*(?:HT|TTC|net)?\s*\)", header[pos["spend"]])
        if m:
            currencies.add(_CURRENCY_SIGNS.get(m.group(1), m.group(1)))
        frame = pd.DataFrame({"date": start.astype("datetime64[ns]"), "date_end": end.astype("datetime64[ns]"),
                              "channel": channel.astype(str), "campaign": channel.astype(str), "cost": cost,
                              "impressions": impressions})
        notes = []
        used = {pos[r] for r in pos}
        unused = [h for i, h in enumerate(header) if i not in used and h.strip()]
        if unused:
            notes.append(f"{path.name}: columns not used: {', '.join(unused)}")
        return {"frame": frame, "currencies": currencies, "notes": notes, "when": when,
                "columns": {header[pos[r]]: r for r in pos}}
    return None


# controls (promotions, price index, competitor pressure...): a date or week column and numbers
_CTRL_WORDS = re.compile(
    r"(?:^|_)(?:promos?|promotions?|promotionnel(?:le)?s?|soldes?|remises?|discounts?|offres?|operations?|"
    r"prix|prices?|price_index|indices?|index|competitors?|competition|concurrences?|concurrents?|"
    r"concurrentielle|pression|pressure|holidays?|feries?|vacances|events?|evenements?|temperatures?|"
    r"meteo|weather|pluie|rain|stocks?|ruptures?|controls?|controles?|covid|confinement|lockdown|greves?|"
    r"strikes?|lancements?|launch(?:es)?|black_friday|cyber_monday|noel|christmas|flag)(?:_|$)")
_CTRL_FILE = re.compile(r"calend|control|contr[oô]le|promo|agenda|evenement|event")
_FLAG_TRUE = {"x", "oui", "yes", "vrai", "true", "o", "y"}
_FLAG_FALSE = {"non", "no", "faux", "false", "n", "-"}


def _controls(path: Path, blocks: list | None = None) -> dict | None:
    """A calendar of controls (see :func:`load_mix_inputs`) as ``{"frame": one row per day:
    day + one float column per control, "controls": [names], "when": "day" | "week",
    "notes": [...], "columns": {header: role}}``, ``{"mixed": (control columns, other numeric
    columns)}`` for a table holding both, or None when the file is not one. Raises
    :class:`TrafficDataError` for a recognised calendar with bad cells."""
    from trafficlib.readers._numbers import numbers, yyyymmdd_or_dates
    from trafficlib.readers._sheet import decimal_mark

    blocks = _tables(path, blocks)
    if blocks is None:
        return None
    named = bool(_CTRL_FILE.search(schema.normalize_header(path.stem)))
    file = str(path)
    for sheet in blocks:
        keys = [schema.normalize_header(re.sub(r"\(.*?\)", "", h)) for h in sheet.header]
        if set(keys) & (_OFF_CHANNEL | _OFF_SPEND | {"campagne", "campaign", "campaign_name"}):
            return None  # a spend plan or an ad report
        when, at = next(((r, i) for r, names in (("week", _OFF_WEEK), ("day", _OFF_DAY))
                         for i, k in enumerate(keys) if k in names), (None, None))
        if when is None:
            continue
        width = sheet.width
        rows = [(r + [""] * width)[:width] for r in sheet.rows]
        keep = [any(c.strip() for c in r) for r in rows]
        rows = [r for r, k in zip(rows, keep) if k]
        lines = [ln for ln, k in zip(sheet.lines, keep) if k]
        if not rows:
            continue
        raw = pd.DataFrame(rows, columns=range(width), dtype="string")
        dec = decimal_mark(sheet, [i for i in range(width) if i != at]) or ("," if sheet.separator == ";" else None)
        values, kinds, unused = {}, {}, []
        for i, h in enumerate(sheet.header):
            if i == at or not h.strip():
                continue
            cells = raw[i].fillna("").str.strip()
            filled = cells != ""
            low = cells.str.casefold()
            if filled.any() and low[filled].isin(_FLAG_TRUE | _FLAG_FALSE).all():
                values[i] = low.map(lambda v: 1.0 if v in _FLAG_TRUE else 0.0).astype(float)
                kinds[i] = "flag"
                continue
            num, bad = numbers(cells.where(filled), decimal=dec)
            bad = bad & filled
            if not filled.any() or bad.all() or (bad.sum() > 0 and num.notna().sum() == 0):
                unused.append(h.strip())  # text (a promotion's name): not a number per day
                continue
            if bad.any():
                if named or _CTRL_WORDS.search(keys[i]):
                    raise TrafficDataError(f"cannot read '{cells[bad].iloc[0]}' as a number", file=file, column=h,
                                           rows=[lines[j] for j in np.flatnonzero(bad.to_numpy())],
                                           hint="a control is one number per day or week (1 / 0 for a promotion)")
                unused.append(h.strip())
                continue
            values[i] = num.astype(float)
            kinds[i] = "flag" if set(num.dropna().unique()) <= {0.0, 1.0} else "number"
        ctrl = [i for i in values if named or _CTRL_WORDS.search(keys[i])]
        if not ctrl:
            return None
        other = [sheet.header[i].strip() for i in values if i not in ctrl]
        if other:  # the caller decides (an export the kit knows, e.g. GA4's "Key events", is not a calendar)
            return {"mixed": (", ".join(sheet.header[i].strip() for i in ctrl), ", ".join(other))}
        notes = []
        for i in ctrl:
            empty = values[i].isna()
            if empty.any():
                if kinds[i] == "flag":
                    values[i] = values[i].fillna(0.0)
                    notes.append(f"{path.name}: {int(empty.sum())} empty cell(s) of '{sheet.header[i].strip()}' "
                                 "read as 0")
                else:
                    raise TrafficDataError("empty cells in a control column", file=file, column=sheet.header[i],
                                           rows=[lines[j] for j in np.flatnonzero(empty.to_numpy())],
                                           hint="a control needs a value for every day or week (0 when nothing "
                                                "happened)")
        start, bad = yyyymmdd_or_dates(raw[at])
        if bad.any() or start.isna().any():
            wrong = (bad | start.isna()).to_numpy()
            raise TrafficDataError(f"cannot read '{raw[at][wrong].iloc[0]}' as a date", file=file,
                                   column=sheet.header[at], rows=[lines[j] for j in np.flatnonzero(wrong)])
        dup = start.duplicated(keep=False)
        if dup.any():
            raise TrafficDataError(f"the same {'week' if when == 'week' else 'day'} on several rows", file=file,
                                   column=sheet.header[at], rows=[lines[j] for j in np.flatnonzero(dup.to_numpy())],
                                   hint="one row per day (or per week) in a calendar of controls")
        names = [sheet.header[i].strip() for i in ctrl]
        frame = pd.DataFrame({"date": start.astype("datetime64[ns]").to_numpy(),
                              **{n: values[i].to_numpy(float) for n, i in zip(names, ctrl)}})
        frame["date_end"] = frame["date"] + pd.Timedelta(days=6 if when == "week" else 0)
        n = np.where(when == "week", 7, 1)
        days = frame.loc[frame.index.repeat(int(n))].reset_index(drop=True)
        days["day"] = days["date"] + pd.to_timedelta(np.tile(np.arange(int(n)), len(frame)), unit="D")
        days = days.drop(columns=["date", "date_end"]).sort_values("day").reset_index(drop=True)
        overlap = days["day"].duplicated(keep=False)
        if overlap.any():
            raise TrafficDataError(f"weeks overlap: {days.loc[overlap, 'day'].iloc[0]:%Y-%m-%d} falls in two rows",
                                   file=file, column=sheet.header[at],
                                   hint="weekly rows start on the same weekday, 7 days apart")
        if unused:
            notes.append(f"{path.name}: columns not used: {', '.join(unused)}")
        return {"frame": days[["day", *names]], "controls": names, "when": when, "notes": notes,
                "columns": {sheet.header[at]: when, **{n: "control" for n in names}}}
    return None


def _calendar(path: Path, blocks: list) -> dict | None:
    """:func:`_controls` of a file no reader of the kit claims (a plain ``date,value``
    series aside): an export the kit knows (GA4's "Key events"...) is never a calendar.
    Raises the calendar's :class:`TrafficDataError` (bad cells, controls mixed with other
    figures) only for such a file."""
    from trafficlib import sources

    try:
        cal, error = _controls(path, blocks), None
    except TrafficDataError as exc:
        cal, error = {}, exc
    if cal is None:
        return None
    try:
        if sources.load(path).kind != "daily_series":
            return None
    except TrafficDataError as exc:
        if not exc.problem.startswith("not an export the kit knows"):
            return None  # a known export with an error: its reader says it
    if error is not None:
        raise error
    if "mixed" in cal:
        raise TrafficDataError(f"this table mixes controls ({cal['mixed'][0]}) with other figures ({cal['mixed'][1]})",
                               file=str(path), hint="keep the outcome (sales, revenue...) in its own file, or name the "
                                                    "file calendrier_*.csv / controls_*.csv to use every column as a "
                                                    "control")
    return cal


def _months(values: pd.Series) -> pd.Series:
    """First day of each month written ``2025-01``, ``01/2025``, ``2025/01``, ``01.2025``,
    ``janvier 2025``, ``Jan 2025`` (month names in the ad readers' languages) or as a full
    date (its month); NaT where unreadable. The ad readers' month parser
    (:func:`trafficlib.readers._adreport._months`), then the numeric forms and full dates
    a plan adds."""
    from trafficlib.readers._adreport import _months as ad_months
    from trafficlib.readers._numbers import yyyymmdd_or_dates

    out, _ = ad_months(values)
    out = out.astype("datetime64[ns]")
    text = values.astype("string").str.strip()
    for pattern, y, m in ((r"^(\d{4})[-/.](\d{1,2})$", 1, 2), (r"^(\d{1,2})[-/.](\d{4})$", 2, 1)):
        g = text.str.extract(pattern)
        hit = out.isna() & g[0].notna()
        if hit.any():
            out[hit] = pd.to_datetime(g[y - 1][hit] + "-" + g[m - 1][hit] + "-01", errors="coerce")
    rest = out.isna() & text.notna() & (text != "")
    if rest.any():
        days, _bad = yyyymmdd_or_dates(text[rest])
        out[rest] = days.dt.to_period("M").dt.start_time
    return out


# ------------------------------------------------------------------ spend

# ------------------------------------------------------------------ outcome

def _daily_outcomes(export) -> tuple[pd.DataFrame, dict]:
    """(one row per covered day: ``day`` and the export's additive outcome columns, {column:
    kind}) of a web cube or sessions table; rows covering a week (a weekly series) are
    spread over their 7 days."""
    from trafficlib.readers.daily import _GENERIC

    f = export.frame
    kinds = {}
    if export.table == "sessions":
        day = pd.to_datetime(f["start"]).dt.normalize()
        out = pd.DataFrame({"day": day})
        if "revenue" in f and f["revenue"].notna().any():
            out["revenue"] = f["revenue"].astype(float).fillna(0.0)
            kinds["revenue"] = "revenue"
        if "conversions" in f:
            out["conversions"] = f["conversions"].astype(float).fillna(0.0)
            kinds["conversions"] = "conversions"
        out["sessions"] = 1.0
        kinds["sessions"] = "custom"
        return out.groupby("day", as_index=False).sum(), kinds
    cols = {}
    for c in ("revenue", "conversions", "transactions", "sessions"):
        if c in f and f[c].notna().any():
            cols[c] = c
            kinds[c] = {"revenue": "revenue", "conversions": "conversions", "transactions": "conversions"}.get(c,
                                                                                                             "custom")
    if export.kind == "daily_series":  # a generic header (value, y, target) is the user's own outcome
        head = next((h for h, c in export.columns.items() if c != "date"), None)
        if head is not None and schema.normalize_header(head) in _GENERIC:
            metric = export.columns[head]
            name = schema.normalize_header(head)
            cols = {metric: name}
            kinds = {name: "custom"}
    if not cols:
        return pd.DataFrame(columns=["day"]), {}
    out = f[["date", *cols]].rename(columns={"date": "day", **cols})
    out = out.dropna(subset=["day"]).groupby("day", as_index=False).sum(min_count=1)
    days = pd.DatetimeIndex(out["day"]).sort_values()
    gaps = np.diff(days.values).astype("timedelta64[D]").astype(int)
    if len(days) > 2 and (gaps >= 7).all() and (gaps % 7 == 0).all():  # one row per week: spread over its days
        spread = out.rename(columns={"day": "date"}).assign(date_end=lambda x: x["date"] + pd.Timedelta(days=6))
        names = [c for c in out.columns if c != "day"]
        out = spread_over_days(spread, names)
        kinds = {**kinds, "_weekly": "yes"}
    return out, kinds


def _leads_daily(path: Path, notes: list) -> tuple[pd.DataFrame, tuple, str | None, list]:
    """(leads and won deals per day over the CRM export's span, (first day, last day),
    currency, exports) from :func:`load_leads`."""
    from trafficlib.readers.crm_inputs import load_leads

    got = load_leads(path)
    leads = got["leads"]
    notes.extend(got["notes"])
    created = pd.to_datetime(leads["created"]).dt.normalize().dropna()
    won = pd.to_datetime(leads.loc[leads["stage"].eq("won"), "won_at"]).dt.normalize().dropna() \
        if "won_at" in leads else pd.Series([], dtype="datetime64[ns]")
    if created.empty:
        return pd.DataFrame(columns=["day", "leads", "won_deals"]), (None, None), None, got["exports"]
    span = (created.min(), max(created.max(), won.max() if len(won) else created.max()))
    days = pd.date_range(*span, freq="D")
    out = pd.DataFrame({"day": days, "leads": created.value_counts().reindex(days, fill_value=0).to_numpy(float),
                        "won_deals": won.value_counts().reindex(days, fill_value=0).to_numpy(float)})
    return out, span, got.get("currency"), got["exports"]


def _weeks_text(weeks) -> str:
    weeks = list(weeks)
    shown = ", ".join(f"{pd.Timestamp(w):%Y-%m-%d}" for w in weeks[:5])
    return shown + (f" and {len(weeks) - 5} more" if len(weeks) > 5 else "")


# ------------------------------------------------------------------ the table

def load_mix_inputs(data_path, outcome: str = "auto", channel_map: dict | None = None, freq: str = "W") -> dict:
    """The weekly table of a media-mix fit from one folder (or a list of files and
    folders) of downloads; see the module doc for what is read.

    ``outcome``: "auto" (revenue when a file holds it, else conversions, else CRM leads),
    "revenue", "conversions" (GA4 key events, else e-commerce purchases, else the
    sessions table's conversions), "leads" (CRM leads by creation day), "won_deals" (CRM
    deals won, by won day), or the name of another column of an outcome file (a plain
    ``date,value`` series is ``value``). ``channel_map``: {regex on the campaign name:
    channel}, tried before the platform and campaign type. ``freq``: "W" (weeks from
    Monday to Sunday) or "D" (days).

    Returns a dict:

    - ``table``: DataFrame, one row per period: ``date`` (the Monday), one spend column per
      channel (account currency, 0 when the channel spent nothing that week),
      ``<channel>_impressions`` (NaN for a channel whose files state no impressions) and
      the outcome column (currency units for revenue, counts otherwise);
    - one column per control of the calendars (see the module doc): for weekly tables the
      **mean of the week's 7 daily values** (a weekly row counts for each of its 7 days, so a
      calendar by week gives its value back; a daily 1 / 0 promotion flag becomes the share
      of the week's days with a promotion, 0 to 1); for daily tables the day's value;
    - ``controls``: the names of those columns (list, [] without a calendar), to pass as
      ``mix.fit(..., controls=...)``;
    - ``channels`` (list, by spend, largest first), ``outcome`` (its column name),
      ``outcome_kind`` ("revenue", "conversions", "leads", "won_deals" or "custom"),
      ``outcome_is_money`` (bool), ``currency`` (ISO code, or None when no file states it);
    - ``exports``: one dict per file read (``file``, ``kind``, ``role`` "spend" / "outcome"
      / "touchpoints" / "control" / "lift" (kind ``controls/day`` or ``controls/week``), ``rows``,
      ``period``, ``channels``); ``skipped``: [(file, why)];
      ``notes``: what was dropped, spread or assumed; ``touchpoints``: the path of a
      touchpoints file of the folder (for attribution beside the mix), or None;
    - ``lift``: the lift results of the folder's lift files
      (:func:`trafficlib.mix.calibration.read_lift`: channel, start, end, lift, lift_sd, line,
      file), to pass as ``mix.fit(..., lift=...)``, or None.

    Raises :class:`TrafficDataError` when there is no spend, no outcome, a week (or day)
    inside the range without outcome data, several currencies, fewer than 39 weeks
    where spend and outcome overlap, or a calendar of controls that misses a week (or some
    of its days, or a day) of the table's range (the message names the weeks), has an
    unreadable or empty cell (a blank in a 1 / 0 flag column is 0), a day twice, or a
    control named like a channel or the outcome.
    """
    from trafficlib import sources
    from trafficlib.readers._sheet import EXCEL_SUFFIXES, TEXT_SUFFIXES, sheets
    from trafficlib.readers.registry import UNRECONCILED

    if freq not in ("W", "D"):
        raise TrafficDataError(f"freq must be 'W' (weeks) or 'D' (days), not {freq!r}")
    given, files = _files(data_path)
    where = str(given[0]) if len(given) == 1 else ", ".join(map(str, given))
    notes: list[str] = []
    exports_out: list[dict] = []

    # 1. offline spend tables (read first: an ad reader may otherwise take them for an account report)
    offline: dict[str, dict] = {}
    calendars: dict[str, dict] = {}
    lifts: dict[str, pd.DataFrame] = {}
    for f in files:
        try:
            blocks = sheets(f) if f.suffix.lower() in TEXT_SUFFIXES + EXCEL_SUFFIXES else []
        except TrafficDataError:
            blocks = []
        got = _offline(f, blocks) if blocks else None
        if got is None:
            cal = _calendar(f, blocks) if blocks else None
            if cal is not None:
                calendars[str(f)] = cal
                notes.extend(cal["notes"])
            elif blocks:
                lf = read_lift(f, blocks)  # lift results (experiments, post-mortems) to calibrate the model
                if lf is not None:
                    lifts[str(f)] = lf.assign(file=str(f))
            continue
        try:  # a CRM export (date, canal, montant) is the CRM reader's, not a spend plan
            other = sources.load(f)
            if other.table not in ("ad_spend",):
                continue
        except TrafficDataError:
            pass
        offline[str(f)] = got
        notes.extend(got["notes"])

    # 2. ad-platform spend, each euro once (the rules of crm_inputs.load_spend, over the files that are
    # not offline tables)
    spend_exports, spend_notes = [], []
    spend_skipped: list = []
    loaded: dict[str, object] = {}
    for f in files:
        if str(f) in offline or str(f) in calendars or str(f) in lifts:
            continue
        e = sources.load_or_skip(f, spend_skipped, False)
        loaded[str(f)] = e
        if e is None or e.table != "ad_spend":
            continue
        if "cost" not in e.frame or e.kind.endswith("auction_insights"):
            spend_skipped.append((str(f), f"no ad spend ({e.kind})"))
            continue
        spend_exports.append(e)
    spend_exports = select_spend(spend_exports, spend_skipped, spend_notes)
    notes += spend_notes
    frames = []
    undated_files: list[str] = []
    currencies: dict[str, set] = {}
    for e in spend_exports:
        fr = e.frame
        plat = pd.Series(_KIND_PLATFORM.get(e.kind.split("/")[0]), index=fr.index, dtype="string")
        if "platform" in fr:
            plat = fr["platform"].astype("string").fillna(plat)
        typ = fr["campaign_type"] if "campaign_type" in fr else pd.Series(pd.NA, index=fr.index)
        camp = fr["campaign"] if "campaign" in fr else pd.Series(pd.NA, index=fr.index)
        keys = pd.DataFrame({"p": plat.astype("string"), "t": typ.astype("string"), "c": camp.astype("string")})
        uniq = keys.drop_duplicates()
        lookup = {(a, b, c): channel_of(a, b, c, channel_map) for a, b, c in
                  uniq.itertuples(index=False, name=None)}
        channel = [lookup[k] for k in keys.itertuples(index=False, name=None)]
        rows = pd.DataFrame({"date": pd.to_datetime(fr["date"]),
                             "date_end": pd.to_datetime(fr["date_end"]).fillna(pd.to_datetime(fr["date"]))
                             if "date_end" in fr else pd.to_datetime(fr["date"]),
                             "channel": channel, "cost": fr["cost"].astype(float),
                             "impressions": fr["impressions"].astype(float) if "impressions" in fr else np.nan,
                             "file": str(e.path)})
        undated = rows["date"].isna()
        if undated.any():
            notes.append(f"{Path(e.path).name}: {int(undated.sum()):,} row(s) without dates left out "
                         f"({rows.loc[undated, 'cost'].sum():,.2f} of spend): download the report by day or week")
            rows = rows[~undated.to_numpy()]
            undated_files.append(str(e.path))
        if (plat.astype("string").str.casefold() == "google ads").any() and typ.isna().all() and not channel_map:
            notes.append(f"{Path(e.path).name}: no Campaign type column: Google Ads is one channel (add the "
                         "'Campaign type' column to the download to split Search, Display, Video...)")
        cur = set()
        if e.meta.get("currency"):
            cur.add(str(e.meta["currency"]).upper())
        if "currency" in fr:
            cur |= {str(c).strip().upper() for c in fr["currency"].dropna().unique() if str(c).strip()}
        if cur:
            currencies[str(e.path)] = cur
        frames.append(rows)
        if e.notes and e.notes[0].startswith(UNRECONCILED):
            notes.append(f"{Path(e.path).name}: {e.notes[0]}")
        exports_out.append({"file": str(e.path), "kind": e.kind, "role": "spend", "rows": len(fr),
                            "period": e.period, "channels": sorted(set(channel))})
    ad_channels = {c for x in exports_out for c in x["channels"]}
    for path, got in offline.items():
        fr = got["frame"].copy()
        if channel_map:
            fr["channel"] = [channel_of(c, None, c, channel_map) for c in fr["campaign"]]
        both = sorted(set(fr["channel"]) & ad_channels)
        if both:
            raise TrafficDataError(f"channel {both[0]!r} is both in this spend table and in the ad downloads: its "
                                   "spend would count twice", file=path,
                                   hint="leave the plan's digital lines out, or name them apart (e.g. "
                                        f"'{both[0]} (agence)') if they are a different buy")
        fr["file"] = path
        frames.append(fr[["date", "date_end", "channel", "cost", "impressions", "file"]])
        if got["currencies"]:
            currencies[path] = got["currencies"]
        exports_out.append({"file": path, "kind": f"offline_spend/{got['when']}", "role": "spend", "rows": len(fr),
                            "period": (fr["date"].min(), fr["date_end"].max()),
                            "channels": sorted(set(fr["channel"]))})
        if got["when"] != "day":
            notes.append(f"{Path(path).name}: each row's spend spread evenly over the days of its "
                         f"{'week' if got['when'] == 'week' else 'month'}")
    if (not frames or sum(len(f) for f in frames) == 0) and undated_files:
        raise TrafficDataError("the ad downloads have no dates (a report over 'All time' or one period without a "
                               "Day / Week column): a media-mix model needs the spend week by week",
                               file=", ".join(undated_files), hint="download them segmented by Day (or Week)")
    if not frames or sum(len(f) for f in frames) == 0:
        why = "; ".join(f"{Path(a).name}: {b}" for a, b in spend_skipped[:4])
        raise TrafficDataError("no ad spend: no ad-platform download (Google Ads, Meta, Microsoft Ads...) and no "
                               "offline spend table (date, channel, spend)", file=where,
                               hint=why or "download the campaign reports by day")
    every = {c for cs in currencies.values() for c in cs}
    if len(every) > 1:
        per = "; ".join(f"{Path(f).name}: {', '.join(sorted(c))}" for f, c in currencies.items())
        raise TrafficDataError(f"the spend is in several currencies ({', '.join(sorted(every))}): nothing is "
                               f"converted, so the channels cannot be compared", file=where,
                               hint=per + "; convert them to one currency (or use the manager account's converted "
                                          "columns) first")
    currency = next(iter(every)) if every else None
    spend_rows = pd.concat(frames, ignore_index=True)
    multi = (spend_rows["date_end"] > spend_rows["date"])
    if multi.any():
        files_multi = sorted({Path(f).name for f in spend_rows.loc[multi, "file"]} -
                             {Path(p).name for p, g in offline.items() if g["when"] != "day"})
        if files_multi:
            notes.append(f"{', '.join(files_multi)}: rows covering several days spread evenly over their days")
        long = multi & ((spend_rows["date_end"] - spend_rows["date"]).dt.days >= 28)
        if long.any():
            names = sorted({Path(f).name for f in spend_rows.loc[long, "file"]})
            notes.append(f"{', '.join(names)}: {int(long.sum()):,} row(s) cover a month or more; their spend is "
                         "spread flat over it, which hides the weekly ups and downs the model learns from "
                         "(download by day or week)")
    spend_days = spread_over_days(spend_rows, ("cost", "impressions"), keep=("channel",))
    spend_start = spend_rows["date"].min()
    spend_end = spend_rows["date_end"].max()
    for e in spend_exports:
        if e.period is not None and pd.notna(e.period[0]):
            spend_start, spend_end = min(spend_start, e.period[0]), max(spend_end, e.period[1])

    # 3. the outcome
    candidates = []  # (export, daily frame, kinds)
    crm_files, touch = [], None
    for f in files:
        if str(f) in offline or str(f) in calendars:
            continue
        e = loaded.get(str(f))
        if e is None:
            continue
        if e.table == "touchpoints":
            touch = touch or str(f)
            exports_out.append({"file": str(f), "kind": e.kind, "role": "touchpoints", "rows": e.rows,
                                "period": e.period, "channels": []})
        elif e.table == "leads":
            crm_files.append(f)
        elif (e.table == "web_cube" and "date" in e.frame and e.frame["date"].notna().any()) or \
                e.table == "sessions":
            if e.meta.get("rows_cut"):
                spend_skipped.append((str(f), "its rows stop at the export's row limit: daily sums would be short"))
                continue
            daily, kinds = _daily_outcomes(e)
            if kinds:
                candidates.append((e, daily, kinds))
    wanted = outcome
    available = {k for _, d, kinds in candidates for c, k in kinds.items()
                 if k != "revenue" or (c in d and d[c].sum() > 0)} | ({"leads", "won_deals"} if crm_files
                                                                           else set())
    columns = {c for _, d, _ in candidates for c in d.columns if c != "day"}
    if wanted == "auto":
        wanted = next((k for k in ("revenue", "conversions", "leads") if k in available), None)
        if wanted is None:  # a plain series of the user's own outcome (date,value)
            wanted = next((c for _, _, k in candidates for c, v in k.items() if v == "custom" and c != "sessions"
                           and not c.startswith("_")), None)
        if wanted is None:
            raise TrafficDataError("no outcome: no GA4 report by Date with revenue or key events, no daily series "
                                   "(date,value), no sessions table and no CRM export", file=where,
                                   hint="download GA4 Reports > Monetisation (or Acquisition) by Date, or add a "
                                        "CSV date,value")
    kind = wanted if wanted in _KINDS else "custom"
    col = wanted
    daily = None
    used = []
    crm_span = (None, None)
    if kind in ("leads", "won_deals"):
        if not crm_files:
            raise TrafficDataError(f"outcome {wanted!r} needs a CRM export (leads, contacts or deals) in the folder",
                                   file=where)
        dirs = [p for p in given if p.is_dir()]
        crm_path = dirs[0] if len(dirs) == 1 and len(given) == 1 else crm_files[0]
        ld, crm_span, _crm_cur, crm_exports = _leads_daily(crm_path, notes)
        if ld.empty:
            raise TrafficDataError("no outcome: the CRM exports hold no lead with a creation date", file=where)
        daily = ld[["day", kind]]
        for e in crm_exports:
            used.append(str(e.path))
            exports_out.append({"file": str(e.path), "kind": e.kind, "role": "outcome", "rows": e.rows,
                                "period": e.period, "channels": []})
    else:
        source_col = {"revenue": ["revenue"], "conversions": ["conversions", "transactions"]}.get(kind, [wanted])
        pick = None
        for name in source_col:
            if any(name in d.columns for _, d, _ in candidates):
                pick = name
                break
        if pick is None:
            cal = next((c for c, g in calendars.items() if wanted in g["controls"]), None)
            if cal is not None:
                raise TrafficDataError(f"{wanted!r} is a control of this calendar, not an outcome", file=cal,
                                       hint="the outcome is what the media drive (revenue, conversions, leads...)")
            raise TrafficDataError(f"no outcome {wanted!r}: no file of the folder holds it", file=where,
                                   hint=("outcomes found: " + ", ".join(sorted(columns | (available & set(_KINDS)))))
                                   if columns or available else "no GA4 report by Date, daily series, sessions "
                                                                "table or CRM export was found")
        if kind == "conversions" and pick == "transactions":
            notes.append("conversions = GA4 e-commerce purchases (the export has no key events column)")
        if kind == "custom":  # a column named by the user: its kind when the kit knows it (transactions...)
            kind = next((k[pick] for _, d, k in candidates if pick in k and k[pick] in _KINDS), "custom")
        taken: set = set()
        parts = []
        for e, d, kinds in sorted(candidates, key=lambda t: -t[1]["day"].nunique() if pick in t[1] else 0):
            if pick not in d.columns:
                continue
            sub = d[["day", pick]].dropna(subset=[pick])
            days = set(sub["day"])
            if days & taken:
                spend_skipped.append((e.path, f"its days are already read from {Path(used[0]).name}"))
                continue
            taken |= days
            parts.append(sub)
            used.append(str(e.path))
            exports_out.append({"file": str(e.path), "kind": e.kind, "role": "outcome", "rows": e.rows,
                                "period": e.period, "channels": []})
            if e.notes and e.notes[0].startswith(UNRECONCILED):
                notes.append(f"{Path(e.path).name}: {e.notes[0]}")
            if kinds.get("_weekly"):
                notes.append(f"{Path(e.path).name}: one row per week, spread evenly over its 7 days")
        daily = pd.concat(parts, ignore_index=True).rename(columns={pick: col})
    is_money = kind == "revenue"
    if is_money:
        notes.append(f"{col} taken in the spend's currency ({currency or 'not stated by the ad files'}): the outcome "
                     "files do not state theirs; check that the shop sells in it")
    # the columns must not collide
    channels_all = sorted(set(spend_rows["channel"]))
    if col in channels_all or col == "date":
        raise TrafficDataError(f"the outcome column {col!r} has the name of a channel", file=where,
                               hint="rename the channel with channel_map")

    # 4. the range where spend and outcome overlap
    out_days = pd.DatetimeIndex(daily["day"])
    out_start = out_days.min() if crm_span[0] is None else crm_span[0]
    out_end = out_days.max() if crm_span[1] is None else crm_span[1]
    start, end = max(spend_start, out_start), min(spend_end, out_end)
    if start > end:
        raise TrafficDataError(f"the spend ({spend_start:%Y-%m-%d} to {spend_end:%Y-%m-%d}) and the outcome "
                               f"({out_start:%Y-%m-%d} to {out_end:%Y-%m-%d}) do not overlap", file=where)
    if freq == "W":
        first = start + pd.Timedelta(days=(7 - start.weekday()) % 7)
        last = end - pd.Timedelta(days=(end.weekday() + 1) % 7)  # the last Sunday
        if first > start:
            notes.append(f"{start:%Y-%m-%d} to {first - pd.Timedelta(days=1):%Y-%m-%d}: a partial week at the start, "
                         "left out (weeks run Monday to Sunday)")
        if last < end:
            notes.append(f"{last + pd.Timedelta(days=1):%Y-%m-%d} to {end:%Y-%m-%d}: a partial week at the end, "
                         "left out (weeks run Monday to Sunday)")
        periods = pd.date_range(first, last - pd.Timedelta(days=6), freq="7D") if last - first >= pd.Timedelta(days=6) \
            else pd.DatetimeIndex([])
        width = 7
    else:
        periods = pd.date_range(start, end, freq="D")
        first, last = start, end
        width = 1
    n_weeks = len(periods) * width / 7
    if n_weeks < MIN_WEEKS:
        raise TrafficDataError(f"only {len(periods)} {'weeks' if freq == 'W' else 'days'} where spend and outcome "
                               f"overlap ({start:%Y-%m-%d} to {end:%Y-%m-%d}); a media-mix model needs at least "
                               f"{MIN_WEEKS} weeks", file=where,
                               hint="download two years of spend and outcome by day (104 weeks is the usual "
                                    "history)")
    if start > spend_start or end < spend_end:
        notes.append(f"spend files cover {spend_start:%Y-%m-%d} to {spend_end:%Y-%m-%d}, the outcome "
                     f"{out_start:%Y-%m-%d} to {out_end:%Y-%m-%d}: the table keeps where both are known")

    def period_of(days: pd.Series) -> pd.Series:
        d = pd.to_datetime(days)
        return d - pd.to_timedelta(d.dt.day_of_week, unit="D") if freq == "W" else d

    # outcome coverage: every day of every period
    if kind not in ("leads", "won_deals"):
        covered = pd.Series(1, index=pd.DatetimeIndex(daily["day"])).groupby(level=0).sum()
        inside = covered[(covered.index >= first) & (covered.index <= last)]
        count = inside.groupby(period_of(inside.index.to_series()).to_numpy()).size().reindex(periods, fill_value=0)
        empty = count[count == 0]
        if len(empty):
            label = "week" if freq == "W" else "day"
            raise TrafficDataError(f"no outcome data for the {label}(s) of {_weeks_text(empty.index)} inside the "
                                   f"range ({first:%Y-%m-%d} to {last:%Y-%m-%d}); a missing {label} is not a "
                                   f"{label} with no {col}", file=", ".join(used) or where,
                                   hint="download the outcome over the whole period (the export may have been cut)")
        short = count[count < width]
        if len(short):
            raise TrafficDataError(f"outcome data for only some days of the week(s) of {_weeks_text(short.index)} "
                                   f"({', '.join(str(int(v)) for v in short.to_numpy()[:5])} of 7 days)",
                                   file=", ".join(used) or where,
                                   hint="days are missing from the outcome export: the week's total would be short")
    table = pd.DataFrame({"date": periods})
    spend_days = spend_days[(spend_days["day"] >= first) & (spend_days["day"] <= last + pd.Timedelta(days=width - 1))]
    spend_days = spend_days.assign(period=period_of(spend_days["day"]).to_numpy())
    sums = spend_days.groupby(["period", "channel"])[["cost"]].sum().unstack("channel")["cost"] \
        if len(spend_days) else pd.DataFrame()
    total_by = sums.sum().sort_values(ascending=False) if len(sums.columns) else pd.Series(dtype=float)
    channels = [c for c in total_by.index if total_by[c] > 0]
    gone = [c for c in channels_all if c not in channels]
    if gone:
        notes.append(f"no spend inside the table's range: {', '.join(gone)} (left out)")
    if not channels:
        raise TrafficDataError("no ad spend inside the range where the outcome is known", file=where)
    for c in channels:
        table[c] = sums[c].reindex(periods).fillna(0.0).to_numpy()
    impr_rows = spend_rows.groupby("channel")["impressions"].apply(lambda s: s.isna().any())
    impr = spend_days.groupby(["period", "channel"])["impressions"].sum(min_count=1).unstack("channel")
    for c in channels:
        if bool(impr_rows.get(c, True)):
            table[f"{c}_impressions"] = np.nan
            notes.append(f"{c}: its files state no impressions for some rows: {c}_impressions left empty "
                         "(fit on spend)")
        else:
            table[f"{c}_impressions"] = impr[c].reindex(periods).fillna(0.0).to_numpy()
    d = daily[(daily["day"] >= first) & (daily["day"] <= last + pd.Timedelta(days=width - 1))]
    y = d.groupby(period_of(d["day"]).to_numpy())[col].sum()
    table[col] = y.reindex(periods).fillna(0.0).to_numpy(float)
    if kind == "leads":
        zero = table.loc[table[col] == 0, "date"]
        if len(zero):
            raise TrafficDataError(f"no lead created in the week(s) of {_weeks_text(zero)} inside the CRM export's "
                                   "range: a gap in the export is not a week without leads", file=where,
                                   hint="export the CRM over the whole period")
    if kind == "won_deals" and (table[col] == 0).any():
        notes.append(f"{int((table[col] == 0).sum())} week(s) without any won deal (counted as 0)")
    # channels whose downloads do not cover the table's range
    for e in spend_exports:
        per = e.period if e.period is not None and pd.notna(e.period[0]) else None
        if per is None:
            continue
        if per[0] > first + pd.Timedelta(days=7) or per[1] < last - pd.Timedelta(days=7):
            chans = sorted({c for c in channels if c in set(spend_rows.loc[spend_rows["file"] == str(e.path),
                                                                           "channel"])})
            if chans:
                notes.append(f"{Path(e.path).name} covers {per[0]:%Y-%m-%d} to {per[1]:%Y-%m-%d} only: "
                             f"{', '.join(chans)} counted as 0 outside it (download the whole period if they ran)")
    # controls: the calendars' daily values averaged over each period
    controls: list[str] = []
    taken_names = {"date", col, *channels, *(f"{c}_impressions" for c in channels)}
    for path, cal in calendars.items():
        for name in cal["controls"]:
            if name in taken_names:
                raise TrafficDataError(f"the control column {name!r} has the name of another column of the table "
                                       "(the date, a channel, the outcome or another control)", file=path,
                                       column=name, hint="rename the control in the calendar")
            taken_names.add(name)
        days = cal["frame"]
        days = days[(days["day"] >= first) & (days["day"] <= last + pd.Timedelta(days=width - 1))]
        per = period_of(days["day"]).to_numpy()
        count = days.groupby(per).size().reindex(periods, fill_value=0)
        label = "week" if freq == "W" else "day"
        missing = count[count == 0]
        if len(missing):
            raise TrafficDataError(f"the calendar has no row for the {label}(s) of {_weeks_text(missing.index)} "
                                   f"inside the table's range ({first:%Y-%m-%d} to {last:%Y-%m-%d})", file=path,
                                   hint="list every day (or week) of the period, 0 where nothing happened, or "
                                        "leave the calendar out")
        short = count[count < width]
        if len(short):
            raise TrafficDataError(f"the calendar holds only some days of the week(s) of {_weeks_text(short.index)} "
                                   f"({', '.join(str(int(v)) for v in short.to_numpy()[:5])} of 7 days)", file=path,
                                   hint="list every day of the period (0 where nothing happened): a week's value is "
                                        "the mean of its 7 days")
        means = days.drop(columns="day").groupby(per).mean().reindex(periods)
        for name in cal["controls"]:
            table[name] = means[name].to_numpy(float)
            controls.append(name)
        exports_out.append({"file": path, "kind": f"controls/{cal['when']}", "role": "control",
                            "rows": int(len(cal["frame"]) // (7 if cal["when"] == "week" else 1)),
                            "period": (cal["frame"]["day"].min(), cal["frame"]["day"].max()),
                            "channels": []})
        if freq == "W" and cal["when"] == "day":
            notes.append(f"{Path(path).name}: {', '.join(cal['controls'])} averaged over the 7 days of each week "
                         "(a 1 / 0 flag becomes the share of the week's days it was on)")
    used_files = {x["file"] for x in exports_out}
    skipped_out, seen = [], set()
    for a, b in spend_skipped:
        if str(a) in used_files or str(a) in seen:
            continue
        seen.add(str(a))
        skipped_out.append((str(a), b))
    for f in files:
        e = loaded.get(str(f))
        if str(f) in used_files or str(f) in seen or str(f) in offline or e is None:
            continue
        seen.add(str(f))
        skipped_out.append((str(f), f"not used for the media mix ({e.kind})"))
    lift = None
    if lifts:
        lift = pd.concat(lifts.values(), ignore_index=True)
        for path, lf in lifts.items():
            unknown = lf[~lf["channel"].isin(channels)]
            if len(unknown):
                raise TrafficDataError(f"a lift result names a channel the downloads do not have: "
                                       f"{unknown['channel'].iloc[0]!r}", file=path, column="channel",
                                       rows=unknown["line"].tolist()[:5], hint="channels: " + ", ".join(channels))
            exports_out.append({"file": path, "kind": "lift_results", "role": "lift", "rows": len(lf),
                                "period": (lf["start"].min(), lf["end"].max()),
                                "channels": sorted(set(lf["channel"]))})
    return {"table": table, "channels": channels, "outcome": col, "outcome_kind": kind,
            "outcome_is_money": is_money, "currency": currency, "exports": exports_out, "skipped": skipped_out,
            "notes": notes, "touchpoints": touch, "controls": controls, "lift": lift}


def side_export(path: str | Path):
    """A media-mix side file that no reader of the kit claims, as an
    :class:`~trafficlib.readers.registry.Export` for ``trafficlib auto`` to route to the
    media-mix report: an offline spend plan (kind ``mix/offline_spend``: rows ``date``,
    ``date_end``, ``channel``, ``cost``, ``impressions``), a calendar of controls
    (``mix/controls``: ``date`` + the controls) or lift results (``mix/lift``). None for
    any other file. Raises the file's :class:`TrafficDataError` when it is one of these
    with a bad cell."""
    from trafficlib.readers.registry import Export

    path = Path(path)
    blocks = _tables(path, None)
    if blocks is None:
        return None
    got = _offline(path, blocks)
    if got is not None:
        fr = got["frame"]
        return Export(path=str(path), kind="mix/offline_spend", table="offline_spend",
                      frame=fr[["date", "date_end", "channel", "cost", "impressions"]].copy(),
                      period=(fr["date"].min(), fr["date_end"].max()), notes=list(got["notes"]),
                      meta={"when": got["when"]})
    cal = _calendar(path, blocks)
    if cal is not None:
        fr = cal["frame"].rename(columns={"day": "date"})
        return Export(path=str(path), kind="mix/controls", table="controls", frame=fr,
                      period=(fr["date"].min(), fr["date"].max()), notes=list(cal["notes"]),
                      meta={"controls": list(cal["controls"])})
    lift = read_lift(path, blocks)
    if lift is not None:
        return Export(path=str(path), kind="mix/lift", table="lift", frame=lift,
                      period=(lift["start"].min(), lift["end"].max()))
    return None
