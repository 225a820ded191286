"""CRM exports: leads and deals into the canonical ``leads`` table (:mod:`trafficlib.schema`).

One row per lead: ``lead_id``, ``created`` (naive timestamp), ``channel`` / ``source`` /
``medium`` / ``campaign``, ``landing_page``, ``stage`` (``"lead"``: open, not qualified;
``"qualified"``: open and qualified; ``"won"``; ``"lost"``), ``qualified_at``,
``won_at``, ``lost_at``, ``value`` (the deal's amount, in the file's currency),
``owner``, ``gclid``; ``stage_label`` keeps the stage as the CRM wrote it. Names,
e-mails and phone numbers are never carried over.

Layouts (headers as exported, English and French interfaces):

=========================== ============================================================
kind                        recognised by
=========================== ============================================================
``crm/hubspot_contacts``    ``Lifecycle Stage`` / ``Phase du cycle de vie`` and ``Create
                            Date``; ``Original Source``, ``Became a ... Date`` columns
``crm/hubspot_deals``       ``Deal Stage`` / ``Phase de la transaction``, ``Amount``,
                            ``Close Date``; ``Associated Contact IDs`` links a contact
``crm/salesforce_leads``    ``Lead Source`` + ``Lead Status`` (``Origine de la piste`` +
                            ``Statut de la piste``), report footer handled
``crm/salesforce_opportunities`` ``Opportunity Name`` + ``Stage`` + ``Close Date`` (``Nom
                            de l'opportunité``, ``Étape``, ``Date de clôture``)
``crm/pipedrive_deals``     ``Deal - Title`` + ``Deal - Status`` (``Affaire - Titre`` +
                            ``Affaire - Statut``)
``crm/closed_deals``        a lead id and a won (or close) date, no creation date: closed
                            deals to join to a leads file by lead id (``mql_id``,
                            ``won_date``...)
``canonical/leads``         a plain CSV (or Parquet): id, date, origin / channel /
                            source, stage... (the ``leads`` aliases of the schema)
=========================== ============================================================

Salesforce report exports end with a footer: ``"Grand Totals (N records)"`` (``Total
général (N enregistrements)``), ``Confidential Information - Do Not Distribute`` and
``Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.``. The footer is
never data: the record count is checked against the rows read (a difference is an
error naming both figures) and kept in ``Export.totals`` (``records``); any other total
row is set apart by :func:`trafficlib.readers._sheet.split_totals`.

A deal file (HubSpot deals, Salesforce opportunities, Pipedrive deals) is a set of
leads of its own: an opportunity is a qualified lead (``qualified_at`` = its creation),
won or lost at its close date. :func:`trafficlib.leads.load_leads` joins a deal file
to the leads of the same folder when it names their ids (``meta["link"]``).
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib import schema
from trafficlib.errors import TrafficDataError
from trafficlib.readers._sheet import Sheet, decimal_mark, split_totals
from trafficlib.readers.registry import Export, Probe, Reader, register
from trafficlib.schema import Lines

__all__ = ["LAYOUTS", "Layout", "read_crm", "canonical_stage", "STAGES"]

STAGES = ("lead", "qualified", "won", "lost")


def _k(*names: str) -> tuple[str, ...]:
    return tuple(schema.normalize_header(n) for n in names)


@dataclass(frozen=True)
class Layout:
    """A CRM export: its ``kind``, the headers that identify it (``signature``: each a
    tuple of alternatives, all needed), ``fields`` (canonical or helper column -> headers
    as written, English and French), and whether its rows are deals (``deals``)."""

    kind: str
    system: str
    describe: str
    signature: tuple[tuple[str, ...], ...]
    fields: dict
    deals: bool = False


_HUBSPOT_CONTACTS = Layout(
    "crm/hubspot_contacts", "HubSpot", "HubSpot contacts export (en/fr)",
    (_k("Lifecycle Stage", "Phase du cycle de vie"), _k("Create Date", "Date de création")),
    {"lead_id": _k("Record ID", "Contact ID", "ID de fiche d'informations", "ID de l'enregistrement", "ID du contact"),
     "created": _k("Create Date", "Date de création"),
     "stage_label": _k("Lifecycle Stage", "Phase du cycle de vie"),
     "status": _k("Lead Status", "Statut du lead"),
     "channel": _k("Original Source", "Original Source Type", "Source d'origine", "Type de source d'origine"),
     "source": _k("Original Source Drill-Down 1", "Détails de la source d'origine 1", "Source d'origine - Détail 1"),
     "campaign": _k("UTM Campaign", "utm_campaign", "Original Source Drill-Down 2",
                    "Détails de la source d'origine 2", "Source d'origine - Détail 2"),
     "landing_page": _k("First Page Seen", "Première page vue"),
     "owner": _k("Contact owner", "Propriétaire du contact"),
     "gclid": _k("Google ad click id", "ID de clic Google Ads", "GCLID"),
     "value": _k("Recent Deal Amount", "Total Revenue", "Montant de la transaction récente", "Revenu total"),
     "q1": _k("Became a Marketing Qualified Lead Date", "Date à laquelle le contact est devenu un lead marketing",
              "Date de passage en lead marketing"),
     "q2": _k("Became a Sales Qualified Lead Date", "Date à laquelle le contact est devenu un lead qualifié pour la vente",
              "Date de passage en lead qualifié pour la vente"),
     "q3": _k("Became an Opportunity Date", "Date à laquelle le contact est devenu une opportunité",
              "Date de passage en opportunité"),
     "won_at": _k("Became a Customer Date", "Date à laquelle le contact est devenu un client",
                  "Date de passage en client")})

_HUBSPOT_DEALS = Layout(
    "crm/hubspot_deals", "HubSpot", "HubSpot deals export (en/fr)",
    (_k("Deal Stage", "Phase de la transaction"), _k("Close Date", "Date de fermeture", "Date de clôture", "Amount",
                                                   "Montant")),
    {"lead_id": _k("Record ID", "Deal ID", "ID de fiche d'informations", "ID de la transaction"),
     "created": _k("Create Date", "Date de création"),
     "stage_label": _k("Deal Stage", "Phase de la transaction"),
     "close": _k("Close Date", "Date de fermeture", "Date de clôture"),
     "channel": _k("Original Source Type", "Original Source", "Type de source d'origine", "Source d'origine"),
     "campaign": _k("UTM Campaign", "utm_campaign"),
     "value": _k("Amount", "Montant"),
     "owner": _k("Deal owner", "Propriétaire de la transaction"),
     "currency": _k("Currency", "Deal Currency Code", "Devise"),
     "link": _k("Associated Contact IDs", "Associated Contact ID", "ID des contacts associés", "ID du contact associé")},
    deals=True)

_SALESFORCE_LEADS = Layout(
    "crm/salesforce_leads", "Salesforce", "Salesforce leads report (en/fr), footer handled",
    (_k("Lead Source", "Origine de la piste"), _k("Lead Status", "Statut de la piste")),
    {"lead_id": _k("Lead ID", "ID de la piste", "Identifiant de la piste"),
     "created": _k("Create Date", "Created Date", "Date de création"),
     "stage_label": _k("Lead Status", "Statut de la piste"),
     "channel": _k("Lead Source", "Origine de la piste"),
     "campaign": _k("Campaign Name", "Primary Campaign Source", "Nom de la campagne", "Source de la campagne principale"),
     "owner": _k("Lead Owner", "Propriétaire de la piste"),
     "qualified_at": _k("Converted Date", "Date de conversion"),
     "converted": _k("Converted", "Converti", "Convertie"),
     "gclid": _k("GCLID", "Google Click ID")})

_SALESFORCE_OPPORTUNITIES = Layout(
    "crm/salesforce_opportunities", "Salesforce", "Salesforce opportunities report (en/fr), footer handled",
    (_k("Opportunity Name", "Nom de l'opportunité"), _k("Stage", "Étape"), _k("Close Date", "Date de clôture")),
    {"lead_id": _k("Opportunity ID", "ID de l'opportunité", "Identifiant de l'opportunité"),
     "created": _k("Created Date", "Create Date", "Date de création"),
     "stage_label": _k("Stage", "Étape"),
     "close": _k("Close Date", "Date de clôture"),
     "channel": _k("Lead Source", "Origine de la piste"),
     "campaign": _k("Primary Campaign Source", "Campaign Name", "Source de la campagne principale",
                    "Nom de la campagne"),
     "value": _k("Amount", "Montant"),
     "currency": _k("Opportunity Currency", "Amount Currency", "Devise de l'opportunité", "Devise du montant"),
     "owner": _k("Opportunity Owner", "Propriétaire de l'opportunité"),
     "won": _k("Won", "Gagné", "Gagnée"),
     "closed": _k("Closed", "Fermé", "Fermée"),
     "gclid": _k("GCLID", "Google Click ID")},
    deals=True)

_PIPEDRIVE_DEALS = Layout(
    "crm/pipedrive_deals", "Pipedrive", "Pipedrive deals export (en/fr)",
    (_k("Deal - Title", "Affaire - Titre"), _k("Deal - Status", "Affaire - Statut")),
    {"lead_id": _k("Deal - ID", "Affaire - ID"),
     "created": _k("Deal - Deal created", "Deal - Add time", "Deal - Created", "Affaire - Affaire créée",
                   "Affaire - Date d'ajout", "Affaire - Créée le"),
     "stage_label": _k("Deal - Stage", "Affaire - Étape"),
     "status": _k("Deal - Status", "Affaire - Statut"),
     "won_at": _k("Deal - Won time", "Affaire - Heure de gain", "Affaire - Date de gain"),
     "lost_at": _k("Deal - Lost time", "Affaire - Heure de perte", "Affaire - Date de perte"),
     "channel": _k("Deal - Source channel", "Deal - Source origin", "Deal - Lead source", "Deal - Source",
                   "Affaire - Canal source", "Affaire - Origine de la source", "Affaire - Source"),
     "campaign": _k("Deal - Campaign", "Deal - UTM campaign", "Affaire - Campagne"),
     "value": _k("Deal - Value", "Affaire - Valeur"),
     "currency": _k("Deal - Currency", "Deal - Currency of value", "Affaire - Devise", "Affaire - Devise de la valeur"),
     "owner": _k("Deal - Owner", "Affaire - Propriétaire"),
     "gclid": _k("Deal - GCLID", "Affaire - GCLID")},
    deals=True)

_CLOSED_DEALS = Layout(
    "crm/closed_deals", "CRM", "closed deals joined to leads by lead id (lead id, won/close date, value)",
    (_k("mql_id", "lead_id", "id_lead", "lead id", "id du lead"),
     _k("won_date", "won_at", "won time", "date de gain", "closed_at", "close_date", "close date", "date de clôture")),
    {"lead_id": _k("mql_id", "lead_id", "id_lead", "lead id", "id du lead"),
     "won_at": _k("won_date", "won_at", "won time", "date de gain"),
     "close": _k("closed_at", "close_date", "close date", "date de clôture"),
     "stage_label": _k("stage", "status", "outcome", "statut", "étape", "résultat"),
     "value": _k("value", "amount", "deal_value", "montant", "valeur", "declared_monthly_revenue"),
     "owner": _k("owner", "sr_id", "sales_rep", "propriétaire", "commercial"),
     "segment": _k("business_segment", "segment"),
     "lead_type": _k("lead_type", "type_de_lead")},
    deals=True)

LAYOUTS: tuple[Layout, ...] = (_PIPEDRIVE_DEALS, _HUBSPOT_DEALS, _HUBSPOT_CONTACTS, _SALESFORCE_OPPORTUNITIES,
                               _SALESFORCE_LEADS, _CLOSED_DEALS)

# ------------------------------------------------------------------ stages

_WON = {"won", "closed won", "closedwon", "customer", "client", "gagne", "gagnee", "conclue gagnee", "conclu gagne",
        "fermee gagnee", "ferme gagne", "signed", "signe", "closed - won", "deal won", "true"}
_LOST = {"lost", "closed lost", "closedlost", "perdu", "perdue", "conclue perdue", "fermee perdue", "ferme perdu",
         "closed not converted", "ferme non converti", "fermee non convertie", "unqualified", "disqualified",
         "non qualifie", "disqualifie", "bad fit", "false"}
_QUALIFIED = {"marketingqualifiedlead", "salesqualifiedlead", "opportunity", "mql", "sql", "qualified", "qualifie",
              "qualifiee", "closed converted", "ferme converti", "fermee convertie", "opportunite",
              "lead marketing", "lead qualifie pour la vente", "marketing qualified lead", "sales qualified lead",
              "evangelist", "open deal", "in progress"}


def _words(text) -> str:
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    t = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", t).split())


def canonical_stage(label, deals: bool = False) -> str:
    """The canonical stage of a stage or status as a CRM writes it (any case, accents,
    ``Closed - Converted``, ``closedwon``, ``Fermée gagnée``...): ``"won"``, ``"lost"``,
    ``"qualified"`` or ``"lead"``. In a deal file an open stage is ``"qualified"`` (an
    opportunity is a qualified lead)."""
    w = _words(label)
    if w in _WON or w.replace(" ", "") in _WON:
        return "won"
    if w in _LOST or w.replace(" ", "") in _LOST:
        return "lost"
    if deals or w in _QUALIFIED or w.replace(" ", "") in _QUALIFIED:
        return "qualified"
    return "lead"


# ------------------------------------------------------------------ footer and sheet

_RECORDS = re.compile(r"^\s*(?:grand\s+totals?|total\s+g[ée]n[ée]ral|totaux\s+g[ée]n[ée]raux|sommes?\s+globales?)"
                      r"\s*\(\s*([\d\s.,\u00a0\u202f]+)\s*(?:records?|enregistrements?)\s*\)\s*$", re.IGNORECASE)
_NOISE = re.compile(r"^\s*(?:confidential\s+information|informations?\s+confidentielles?|copyright|\(c\)|©)"
                    r"|salesforce\.com", re.IGNORECASE)


def _footer_line(cells: list[str]) -> str | None:
    """``"records"`` for ``Grand Totals (N records)``, ``"noise"`` for the confidentiality
    and copyright lines, None for anything else (a row whose other cells are filled is
    never footer)."""
    filled = [c for c in cells if c.strip()]
    if len(filled) != 1 or not cells[0].strip():
        return None
    if _RECORDS.match(filled[0]):
        return "records"
    if _NOISE.search(filled[0]):
        return "noise"
    return None


def _record_count(text: str) -> int:
    return int(re.sub(r"\D", "", _RECORDS.match(text).group(1)))


def _fields_found(header: list[str], layout: Layout) -> dict[str, int]:
    keys = [schema.normalize_header(h) for h in header]
    out: dict[str, int] = {}
    for name, alts in layout.fields.items():
        for a in alts:  # the first alternative present wins
            if a in keys:
                out[name] = keys.index(a)
                break
    return out


def _matches(header: list[str], layout: Layout) -> bool:
    keys = {schema.normalize_header(h) for h in header}
    if layout is _CLOSED_DEALS and "created" in schema.header_map(header, "leads"):
        return False  # leads with their outcome: a leads file, not deals to join
    return all(keys & set(alts) for alts in layout.signature)


def _sheet_of(probe: Probe, layout: Layout) -> Sheet | None:
    return next((s for s in probe.sheets if _matches(s.header, layout)), None)


def _footer_after(probe: Probe, sheet: Sheet) -> list[tuple[str, int]]:
    """Footer lines below the table, after a blank line (Salesforce writes them so; the
    table reader keeps one-field lines there for the title of a next table that never
    comes): [(text, line)] read from the file's own lines."""
    if probe.suffix not in (".csv", ".tsv", ".txt", "") or not sheet.lines:
        return []
    from trafficlib.readers._sheet import decode_file

    text, _ = decode_file(probe.path)
    out = []
    lines = text.splitlines()
    for i, ln in enumerate(lines[sheet.lines[-1]:], start=sheet.lines[-1] + 1):
        if not ln.strip():
            continue
        cells = next(csv.reader([ln], delimiter=sheet.separator or ","), [""])
        if _footer_line([c.strip() for c in cells] or [""]):
            out.append((cells[0].strip(), i))
    return out


# ------------------------------------------------------------------ reading

def _dates(values: pd.Series, file: str, column: str, lines) -> pd.Series:
    parsed, bad = schema.parse_dates(values, with_time=True)
    if bad.any():
        rows = [int(lines[i]) for i in np.flatnonzero(bad.to_numpy())]
        raise TrafficDataError(f"cannot read {int(bad.sum())} date(s) such as '{values[bad].iloc[0]}'", file=file,
                               column=column, rows=rows, hint="expected YYYY-MM-DD, dd/mm/yyyy or mm/dd/yyyy")
    return parsed


_SLASHED = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(.*)$")


def _iso_days(raw: pd.DataFrame, columns) -> pd.DataFrame:
    """Slashed dates (``3/9/2026``) rewritten as ISO days with one order for the whole
    file: month first when a cell of any date column proves it (``3/14/2026``, a US
    Salesforce export) and none proves the contrary, else day first. Per column, a
    column of ambiguous dates only (``3/9/2026``) would be read day first."""
    cols = [c for c in columns if c in raw and not pd.api.types.is_datetime64_any_dtype(raw[c])]
    if not cols:
        return raw
    cells = pd.concat([raw[c].astype("string") for c in cols]).dropna()
    m = cells.str.extract(_SLASHED)
    first, second = pd.to_numeric(m[0], errors="coerce"), pd.to_numeric(m[1], errors="coerce")
    monthfirst = bool(((second > 12) & (first <= 12)).any() and not (first > 12).any())
    out = raw.copy()
    for c in cols:
        s = out[c].astype("string")
        parts = s.str.extract(_SLASHED)
        day, month = (parts[1], parts[0]) if monthfirst else (parts[0], parts[1])
        iso = parts[2] + "-" + month.str.zfill(2) + "-" + day.str.zfill(2) + parts[3].fillna("")
        out[c] = s.where(parts[0].isna(), iso)
    return out


def _tidy(raw: pd.DataFrame, file: str, lines, headers: dict[str, str], deals: bool,
          decimal: str | None = None) -> pd.DataFrame:
    """Typed canonical ``leads`` columns from string columns already named canonically.
    Raises TrafficDataError naming file, column (as written) and lines."""
    raw = _iso_days(raw, [c.name for c in schema.TABLES["leads"] if c.kind == "datetime"])
    out = pd.DataFrame(index=raw.index)
    for col in schema.TABLES["leads"]:
        label = headers.get(col.name, col.name)
        if col.name not in raw:
            out[col.name] = schema._empty(col.kind, len(raw), raw.index)
            continue
        v = raw[col.name]
        if col.kind == "datetime":
            out[col.name] = v if pd.api.types.is_datetime64_any_dtype(v) else _dates(v, file, label, lines)
        elif col.kind == "float":
            nums, bad = schema.parse_number(v, decimal=decimal)
            if bad.any():
                rows = [int(lines[i]) for i in np.flatnonzero(bad.to_numpy())]
                raise TrafficDataError(f"cannot read {int(bad.sum())} amount(s) such as '{v[bad].iloc[0]}'",
                                       file=file, column=label, rows=rows)
            neg = nums < 0
            if neg.any():
                rows = [int(lines[i]) for i in np.flatnonzero(neg.fillna(False).to_numpy())]
                raise TrafficDataError(f"{int(neg.sum())} negative amount(s)", file=file, column=label, rows=rows)
            out[col.name] = nums
        else:
            s = v.astype("string").str.strip()
            out[col.name] = s.mask(s == "")
    ids = out["lead_id"]
    empty = ids.isna()
    if empty.any():
        rows = [int(lines[i]) for i in np.flatnonzero(empty.to_numpy())]
        raise TrafficDataError(f"{int(empty.sum())} row(s) without a lead id", file=file,
                               column=headers.get("lead_id", "lead_id"), rows=rows)
    dup = ids.duplicated(keep=False)
    if dup.any():
        rows = [int(lines[i]) for i in np.flatnonzero(dup.to_numpy())]
        raise TrafficDataError(f"{int(dup.sum())} rows share a lead id (e.g. '{ids[dup].iloc[0]}')", file=file,
                               column=headers.get("lead_id", "lead_id"), rows=rows,
                               hint="each lead should appear once")
    if not deals and out["created"].isna().any():
        miss = out["created"].isna()
        rows = [int(lines[i]) for i in np.flatnonzero(miss.to_numpy())]
        raise TrafficDataError(f"{int(miss.sum())} lead(s) without a creation date", file=file,
                               column=headers.get("created", "created"), rows=rows)
    for extra in raw.columns:
        if extra not in out.columns:
            out[extra] = raw[extra]
    return out.reset_index(drop=True)


def _stage_dates(frame: pd.DataFrame, deals: bool) -> list[str]:
    """Make stage and stage dates agree: a won or lost date sets the stage when the stage
    column says nothing else; a deal is qualified when created. Returns notes."""
    notes = []
    won = frame["won_at"].notna()
    lost = frame["lost_at"].notna() & ~won
    st = frame["stage"].astype("string")
    frame["stage"] = st.mask(won, "won").mask(lost, "lost").fillna("lead")
    if deals:
        frame["qualified_at"] = frame["qualified_at"].fillna(frame["created"])
    q = frame["qualified_at"].notna() & frame["stage"].eq("lead")
    frame.loc[q, "stage"] = "qualified"
    undated = frame["stage"].eq("won") & frame["won_at"].isna()
    if undated.any():
        notes.append(f"{int(undated.sum())} won lead(s) without a won date: counted as won, left out of the time to "
                     "close")
    return notes


def read_crm(probe: Probe | str, layout: Layout | None = None) -> Export:
    """Read a CRM export (one of :data:`LAYOUTS`) into a ``leads`` :class:`Export`
    (columns of the module docstring; ``value`` in the file's currency, ``meta["currency"]``
    when it states a single one; ``meta["link"]``: the column of lead ids a deal file
    joins on; ``totals``: the footer's record count when the file states one).

    Raises :class:`TrafficDataError` naming file, column and lines for an unreadable date
    or amount, a row without id, a repeated id, or a footer record count that differs
    from the rows read."""
    if not isinstance(probe, Probe):
        probe = Probe(probe)
    file = probe.file
    if layout is None:
        layout = next((lay for lay in LAYOUTS if any(_matches(s.header, lay) for s in probe.sheets)), None)
        if layout is None:
            raise TrafficDataError("not a CRM export the kit knows", file=file)
    sheet = _sheet_of(probe, layout)
    notes: list[str] = []
    # the footer, inside the block (no blank line before it) or in blocks of its own
    rows, lines, footer = [], [], []
    for cells, line in zip(sheet.rows, sheet.lines):
        what = _footer_line(cells)
        if what:
            footer.append((cells[0].strip(), line))
        elif not footer:
            rows.append(cells)
            lines.append(line)
        elif any(c.strip() for c in cells):
            raise TrafficDataError("a data row below the report's footer", file=file, rows=[line])
    footer += _footer_after(probe, sheet)
    found = _fields_found(sheet.header, layout)
    body = Sheet(file=file, header=sheet.header, rows=rows, lines=lines, preamble=sheet.preamble,
                 header_line=sheet.header_line, separator=sheet.separator, encoding=sheet.encoding, where=sheet.where)
    dims = [found[k] for k in ("lead_id", "stage_label", "channel", "owner") if k in found]
    split = split_totals(body, dims, [found["value"]] if "value" in found else [], file=file)
    if not split.rows:
        raise TrafficDataError("no data rows", file=file)
    width = len(sheet.header)
    raw = pd.DataFrame({name: [r[i] if i < len(r) else "" for r in split.rows] for name, i in found.items()},
                       index=range(len(split.rows)), dtype="string")
    line_of = Lines(split.lines)
    headers = {name: sheet.header[i] for name, i in found.items()}
    total_rows = []
    for t in split.totals:
        notes.append(f"line {t.line}: total row '{t.label or '(unlabelled)'}' set apart, not a lead")
        v = t.cells[found["value"]] if "value" in found and found["value"] < width else ""
        total_rows.append({"label": t.label, "level": t.level, "scope": "rows", "records": np.nan,
                           "value": schema.parse_number(pd.Series([v], dtype="string"))[0].iloc[0]})
    for text, line in footer:
        if _RECORDS.match(text):
            n = _record_count(text)
            if n != len(split.rows):
                raise TrafficDataError(f"the footer '{text}' states {n:,} records, {len(split.rows):,} rows read",
                                       file=file, rows=[line], hint="rows missing or a footer line read as data")
            total_rows.insert(0, {"label": text, "level": "", "scope": "rows", "records": float(n), "value": np.nan})
    if footer:
        counted = [_record_count(t) for t, _ in footer if _RECORDS.match(t)]
        notes.append(f"report footer ({len(footer)} line(s): record count, confidentiality, copyright) not read as data"
                     + (f"; its record count ({counted[0]:,}) equals the rows read" if counted else ""))
    if "lead_id" not in raw:
        raw["lead_id"] = [f"{Path(file).stem}:{ln}" for ln in split.lines]
        notes.append(f"no id column ({' / '.join(layout.fields['lead_id'][:2])}): each lead is named by its file "
                     "line, so this file cannot be joined to another")
    raw = _layout_rules(raw, layout, notes, found)
    if layout is _HUBSPOT_CONTACTS and "campaign" in headers and "utm" not in schema.normalize_header(
            headers["campaign"]):
        notes.append(f"campaign read from '{headers['campaign']}' (no UTM campaign column exported; for paid search "
                     "HubSpot may write the keyword there)")
    gone = raw["stage"].eq("deleted").to_numpy()
    if gone.any():  # deleted deals are not in the pipeline any more
        raw = raw[~gone].reset_index(drop=True)
        line_of = Lines(ln for ln, g in zip(split.lines, gone) if not g)
        notes.append(f"{int(gone.sum())} deleted deal(s) left out")
    decimal = decimal_mark(body, [found["value"]]) if "value" in found else None
    frame = _tidy(raw, file, line_of, headers, layout.deals, decimal)
    notes += _stage_dates(frame, layout.deals)
    if frame["channel"].isna().all() and frame["source"].notna().any():
        from trafficlib import channels

        frame["channel"] = channels.channel_group(frame)
        notes.append("channel worked out from source / medium / campaign (GA4 default channel group)")
    meta = {"system": layout.system, "deals": layout.deals}
    if "currency" in frame and frame["currency"].notna().any():
        cur = sorted(frame["currency"].dropna().astype(str).str.strip().str.upper().unique())
        if len(cur) == 1:
            meta["currency"] = cur[0]
        else:
            notes.append(f"amounts in several currencies ({', '.join(cur)}): values are not converted")
    if layout.deals and "link" in frame:
        meta["link"] = "link"
    elif layout.kind == "crm/closed_deals":
        meta["link"] = "lead_id"
    if layout.kind == "crm/closed_deals" and headers.get("value") and \
            schema.normalize_header(headers["value"]) == "declared_monthly_revenue":
        notes.append("value = the declared monthly revenue of each closed deal (the file states no deal amount)")
    n = {s: int((frame["stage"] == s).sum()) for s in STAGES}
    notes.insert(0, f"{len(frame):,} {'deals' if layout.deals else 'leads'}: " + ", ".join(
        f"{v:,} {k}" for k, v in n.items() if v))
    created = frame["created"].dropna()
    meta["dates"] = (created.min().normalize(), created.max().normalize()) if len(created) else None
    totals = pd.DataFrame(total_rows, columns=["label", "level", "scope", "records", "value"]) if total_rows else None
    return Export(path=file, kind=layout.kind, table="leads", frame=frame, totals=totals, notes=notes,
                  columns={h: c for c, h in headers.items()}, dimensions=("lead_id",), meta=meta)


def _layout_rules(raw: pd.DataFrame, layout: Layout, notes: list[str], found: dict) -> pd.DataFrame:
    """What each CRM's columns mean for stage and stage dates (string columns in, out)."""
    raw = raw.copy()
    label = raw["stage_label"] if "stage_label" in raw else pd.Series(pd.NA, index=raw.index, dtype="string")
    if layout is _PIPEDRIVE_DEALS and "status" in raw:
        st = raw["status"].map(lambda s: canonical_stage(s, deals=True))
        deleted = raw["status"].map(_words).isin({"deleted", "supprime", "supprimee"})
        st = st.mask(deleted, "deleted")  # dropped by read_crm
    elif layout is _HUBSPOT_CONTACTS:
        st = label.map(canonical_stage)
        if "status" in raw:  # Lead Status UNQUALIFIED closes a lead that lifecycle stage leaves open
            lost = raw["status"].map(canonical_stage).eq("lost") & st.isin(["lead", "qualified"])
            st = st.mask(lost, "lost")
    elif layout is _SALESFORCE_OPPORTUNITIES and "won" in raw and "closed" in raw:
        w, c = raw["won"].map(_words), raw["closed"].map(_words)
        yes = {"1", "true", "yes", "oui", "vrai"}
        st = np.where(w.isin(yes), "won", np.where(c.isin(yes), "lost", label.map(lambda s: canonical_stage(s, True))))
        st = pd.Series(st, index=raw.index, dtype="string")
    elif layout is _SALESFORCE_LEADS:
        st = label.map(canonical_stage)
        if "converted" in raw:
            yes = raw["converted"].map(_words).isin({"1", "true", "yes", "oui", "vrai"})
            st = st.mask(yes & st.eq("lead"), "qualified")
    else:
        st = label.map(lambda s: canonical_stage(s, layout.deals)) if "stage_label" in raw \
            else pd.Series("won" if layout is _CLOSED_DEALS else "lead", index=raw.index, dtype="string")
    raw["stage"] = st.astype("string")
    if "close" in raw:  # a close date is a won or a lost date by the stage; an open deal's is a forecast
        close = raw["close"].fillna("")
        if "won_at" not in raw:
            raw["won_at"] = close.where(raw["stage"].eq("won"), "")
        if "lost_at" not in raw:
            raw["lost_at"] = close.where(raw["stage"].eq("lost"), "")
        raw = raw.drop(columns="close")
    if layout is _PIPEDRIVE_DEALS:  # a status says won but another date column may be empty
        for col, want in (("won_at", "won"), ("lost_at", "lost")):
            if col in raw:
                raw[col] = raw[col].where(raw["stage"].eq(want), "")
    if layout is _HUBSPOT_CONTACTS:
        qs = [c for c in ("q1", "q2", "q3") if c in raw]
        raw = _iso_days(raw, qs + ["created", "won_at"])
        if qs:  # qualified on the first of MQL / SQL / opportunity dates
            parsed = pd.concat([schema.parse_dates(raw[c], with_time=True)[0] for c in qs], axis=1)
            raw["qualified_at"] = parsed.min(axis=1)
            raw = raw.drop(columns=qs)
        if "won_at" in raw:
            raw["won_at"] = raw["won_at"].where(raw["stage"].eq("won") | raw["won_at"].fillna("").ne(""), "")
    raw = raw.drop(columns=[c for c in ("status", "converted", "won", "closed") if c in raw])
    return raw


# ------------------------------------------------------------------ plain lead files (canonical/leads)

_NOT_LEADS = _k("event_name", "conversion", "converted", "impressions", "clicks", "cost", "session_id", "pageviews")


def _plain_headers(headers) -> bool:
    have = schema.header_map(headers, "leads")
    keys = {schema.normalize_header(h) for h in headers}
    return ({"lead_id", "created"} <= set(have)
            and bool({"channel", "source", "stage", "won_at", "landing_page", "qualified_at"} & set(have))
            and not keys & set(_NOT_LEADS))


def read_leads_file(probe: Probe | str) -> Export:
    """A plain leads file (CSV, TSV, xlsx or Parquet): the ``leads`` columns under their
    schema names or aliases (``id, date, origin, stage``, ``mql_id, first_contact_date,
    landing_page_id, origin``...). A stage column is read as in :func:`canonical_stage`;
    without one the dates decide (won, lost, qualified, else lead). A file whose id
    column is ``mql_id`` lists marketing-qualified leads: each is qualified when created."""
    if not isinstance(probe, Probe):
        probe = Probe(probe)
    file = probe.file
    notes: list[str] = []
    if probe.suffix in (".parquet", ".pq"):
        df = pd.read_parquet(probe.path)
        mapping = schema.header_map(df.columns, "leads")
        raw = pd.DataFrame({c: df[h] for c, h in mapping.items()})
        raw = raw.apply(lambda s: s if pd.api.types.is_datetime64_any_dtype(s) or pd.api.types.is_numeric_dtype(s)
                        else s.astype("string"))
        lines = Lines(range(1, len(df) + 1))
        decimal = None
    else:
        sheet = next(s for s in probe.sheets if _plain_headers(s.header))
        mapping = schema.header_map(sheet.header, "leads")
        pos = {c: sheet.header.index(h) for c, h in mapping.items()}
        split = split_totals(sheet, [pos["lead_id"]] + [pos[c] for c in ("channel", "stage") if c in pos],
                             [pos["value"]] if "value" in pos else [], file=file)
        for t in split.totals:
            notes.append(f"line {t.line}: total row '{t.label or '(unlabelled)'}' set apart, not a lead")
        raw = pd.DataFrame({c: [r[i] for r in split.rows] for c, i in pos.items()}, dtype="string")
        lines = Lines(split.lines)
        decimal = decimal_mark(sheet, [pos["value"]]) if "value" in pos else None
    if "stage" in raw:
        raw["stage_label"] = raw["stage"]
        raw["stage"] = raw["stage"].map(canonical_stage).astype("string")
    frame = _tidy(raw, file, lines, mapping, deals=False, decimal=decimal)
    if schema.normalize_header(mapping["lead_id"]) == "mql_id":
        frame["qualified_at"] = frame["qualified_at"].fillna(frame["created"])
        notes.append(f"every row is a marketing-qualified lead ('{mapping['lead_id']}'): qualified when created")
    notes += _stage_dates(frame, deals=False)
    if frame["channel"].isna().all() and frame["source"].notna().any():
        from trafficlib import channels

        frame["channel"] = channels.channel_group(frame)
        notes.append("channel worked out from source / medium / campaign (GA4 default channel group)")
    n = {s: int((frame["stage"] == s).sum()) for s in STAGES}
    notes.insert(0, f"{len(frame):,} leads: " + ", ".join(f"{v:,} {k}" for k, v in n.items() if v))
    created = frame["created"].dropna()
    meta = {"system": "file", "deals": False,
            "dates": (created.min().normalize(), created.max().normalize()) if len(created) else None}
    return Export(path=file, kind="canonical/leads", table="leads", frame=frame, notes=notes,
                  columns={h: c for c, h in mapping.items()}, dimensions=("lead_id",), meta=meta)


def _recognise_plain(probe: Probe) -> bool:
    if probe.suffix in (".parquet", ".pq"):
        return _plain_headers(probe.parquet_columns)
    if not probe.is_text:
        return False
    return any(_plain_headers(s.header) for s in probe.sheets)


def _make(layout: Layout, priority: int) -> Reader:
    def recognise(probe: Probe) -> bool:
        return probe.is_text and any(_matches(s.header, layout) for s in probe.sheets)

    return Reader(layout.kind, "leads", recognise, lambda probe: read_crm(probe, layout), priority=priority,
                  describe=layout.describe)


for _i, _lay in enumerate(LAYOUTS):
    register(_make(_lay, 21 + _i))
register(Reader("canonical/leads", "leads", _recognise_plain, read_leads_file, priority=29,
                describe="a leads table: id, creation date, origin / channel / source, stage, stage dates, value "
                         "(CSV, xlsx or Parquet)"))
