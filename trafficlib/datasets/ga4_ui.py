"""GA4 interface exports written from session rows, in GA4's own layouts.

Traffic managers hold GA4 reports downloaded from the interface, not sessions. This
module writes such reports from the demo shop's sessions so the kit's readers, the
query layer and the reports are exercised on the real layouts, quirks included:

- the ``#`` preamble (report title, account, property, segment, ``Start date:
  20260801`` / ``Date de début : 20260801``);
- the header in the English or French interface;
- the total row: at the top with empty dimension cells (standard reports) or a
  "Grand total" line with one field more than the header (Explorations);
- numbers plain (``12345``) or with thousands separators (``"12,345"``, French
  ``"12 345,50"``), rates as fractions, dates as ``YYYYMMDD``;
- CSV or .xlsx.

Every figure is computed from the sessions with the GA4 definitions of
:mod:`trafficlib.metrics`; active users are distinct users of each row (and of the total
row), which is why they cannot be summed.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from trafficlib import metrics

__all__ = ["report_frame", "write_report", "HEADERS", "generate", "describe"]

# canonical name -> (English header, French header)
HEADERS = {
    "date": ("Date", "Date"),
    "channel": ("Session default channel group", "Groupe de canaux par défaut de la session"),
    "source_medium": ("Session source / medium", "Source/Support de la session"),
    "campaign": ("Session campaign", "Campagne de la session"),
    "landing_page": ("Landing page", "Page de destination"),
    "device": ("Device category", "Catégorie d'appareil"),
    "country": ("Country", "Pays"),
    "sessions": ("Sessions", "Sessions"),
    "engaged_sessions": ("Engaged sessions", "Sessions avec engagement"),
    "engagement_rate": ("Engagement rate", "Taux d'engagement"),
    "avg_engagement_time_s": ("Average engagement time per session", "Durée d'engagement moyenne par session"),
    "conversions": ("Key events", "Événements clés"),
    "conversion_rate": ("Session key event rate", "Taux d'événements clés de la session"),
    "revenue": ("Total revenue", "Revenu total"),
    "users": ("Active users", "Utilisateurs actifs"),
    "new_users": ("New users", "Nouveaux utilisateurs"),
    "pageviews": ("Views", "Vues"),
}
_COUNTS = {"sessions", "engaged_sessions", "conversions", "users", "new_users", "pageviews"}
_RATES = {"engagement_rate", "conversion_rate"}
DEFAULT_METRICS = ("sessions", "engaged_sessions", "engagement_rate", "avg_engagement_time_s", "conversions",
                   "conversion_rate", "revenue", "users")


def report_frame(sessions: pd.DataFrame, dims: list[str], metric_names=DEFAULT_METRICS,
                 start=None, end=None) -> tuple[pd.DataFrame, pd.Series]:
    """(rows, total) of a GA4 report over ``sessions`` between ``start`` and ``end``
    (days, inclusive): one row per combination of ``dims`` with the metrics named, and
    the total row (computed on all sessions: distinct users over the whole period)."""
    s = sessions
    if start is not None:
        day = s["start"].dt.normalize()
        s = s[(day >= pd.Timestamp(start)) & (day <= pd.Timestamp(end))]
    extra = {}
    if "date" in dims:
        extra["date"] = s["start"].dt.normalize()
    if "source_medium" in dims:
        extra["source_medium"] = s["source"].fillna("(direct)") + " / " + s["medium"].fillna("(none)")
    s = s.assign(**extra)
    for d in dims:
        if d not in ("date", "source_medium"):
            s[d] = s[d].astype("string").fillna("(not set)")

    def kpis(t):
        k = metrics.kpis_from_sums(t)
        k["pageviews"] = t["pageviews"]
        k["new_users"] = t["new_users"]
        return k[list(metric_names)]

    total = kpis(metrics.session_sums(s, None)).iloc[0]
    if not dims:  # a report without dimension is its total row alone
        return pd.DataFrame(columns=list(metric_names)), total
    rows = kpis(metrics.session_sums(s, dims)).reset_index().sort_values("sessions", ascending=False, kind="stable")
    return rows.reset_index(drop=True), total


def _num(value, name: str, lang: str, grouped: bool) -> str:
    if pd.isna(value):
        return ""
    if name in _COUNTS:
        text = f"{int(round(value)):,}" if grouped else str(int(round(value)))
        return text.replace(",", "\u202f") if lang == "fr" and grouped else text
    if name in _RATES:
        text = f"{value:.4f}"
    else:
        text = f"{value:,.2f}" if grouped else f"{value:.2f}"
    if lang == "fr" and grouped:
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def _preamble(title: str, start, end, lang: str, exploration: bool) -> list[str]:
    s, e = pd.Timestamp(start).strftime("%Y%m%d"), pd.Timestamp(end).strftime("%Y%m%d")
    if lang == "fr":
        return ["# ----------------------------------------", f"# {title}", "# Compte : Maison Lumière",
                "# Propriété : maison-lumiere.fr - GA4", "# ----------------------------------------", "#",
                "# Tous les utilisateurs", f"# Date de début : {s}", f"# Date de fin : {e}"]
    head = ["# ----------------------------------------", f"# {title}"]
    if not exploration:
        head += ["# Account: Maison Lumière", "# Property: maison-lumiere.fr - GA4"]
    return head + ["# ----------------------------------------", "#", "# All Users", f"# Start date: {s}",
                   f"# End date: {e}"]


def write_report(sessions: pd.DataFrame, path: str | Path, dims: list[str], start, end, lang: str = "en",
                 layout: str = "standard", grouped: bool = False, metric_names=DEFAULT_METRICS,
                 title: str | None = None) -> Path:
    """Write a GA4 report of ``sessions`` to ``path`` (``.csv`` or ``.xlsx``) in GA4's
    layout; ``layout`` is ``"standard"`` (total row on top, empty dimensions) or
    ``"exploration"`` ("Grand total" in an extra leading field). Returns the path."""
    import csv
    import io

    rows, total = report_frame(sessions, dims, metric_names, start, end)
    li = 1 if lang == "fr" else 0
    header = [HEADERS[d][li] for d in dims] + [HEADERS[m][li] for m in metric_names]
    body = []
    for r in rows.itertuples(index=False):
        rec = r._asdict()
        cells = [pd.Timestamp(rec[d]).strftime("%Y%m%d") if d == "date" else str(rec[d]) for d in dims]
        body.append(cells + [_num(rec[m], m, lang, grouped) for m in metric_names])
    tot = [_num(total[m], m, lang, grouped) for m in metric_names]
    if layout == "exploration":
        total_row = ["Total général" if lang == "fr" else "Grand total"] + [""] * len(dims) + tot
        title = title or ("Exploration libre 1" if lang == "fr" else "Free form 1")
    else:
        total_row = [""] * len(dims) + tot
        title = title or ("Rapport" if lang == "fr" else "Report") + ": " + ", ".join(header[:len(dims)])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pre = _preamble(title, start, end, lang, layout == "exploration")
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Dataset1"
        for line in pre:
            ws.append([line])
        ws.append(header)
        ws.append(total_row)
        for cells in body:
            ws.append([_typed(c) for c in cells])
        wb.save(path)
        return path
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerow(total_row)
    w.writerows(body)
    path.write_text("\n".join(pre) + "\n" + buf.getvalue(), encoding="utf-8")
    return path


def _typed(cell: str):
    try:
        return int(cell) if cell.isdigit() and not (len(cell) == 8 and cell.startswith("20")) else float(cell)
    except ValueError:
        return cell


def generate(out_dir: Path, seed: int = 0, scale: float = 1.0) -> dict:
    """Write ``ga4_exports/`` (GA4 interface reports of the demo sessions, Aug-Oct 2026
    and the three months before, English and French) into ``out_dir``; returns the
    reports' own totals (the truth the cube reports must show)."""
    sessions = pd.read_parquet(Path(out_dir) / "sessions.parquet")
    folder = Path(out_dir) / "ga4_exports"
    start, end = "2026-05-01", "2026-10-31"
    write_report(sessions, folder / "acquisition_date_channel.csv", ["date", "channel"], start, end,
                 layout="exploration", grouped=True)
    write_report(sessions, folder / "pages_destination.csv", ["landing_page"], "2026-08-01", "2026-10-31", lang="fr",
                 metric_names=DEFAULT_METRICS)
    write_report(sessions, folder / "devices.csv", ["device"], "2026-08-01", "2026-10-31")
    write_report(sessions, folder / "countries.csv", ["country"], "2026-08-01", "2026-10-31")
    write_report(sessions, folder / "campaigns.csv", ["campaign", "source_medium"], "2026-08-01", "2026-10-31")
    write_report(sessions, folder / "overview.csv", [], "2026-08-01", "2026-10-31",
                 metric_names=DEFAULT_METRICS + ("new_users", "pageviews"))
    _, total = report_frame(sessions, [], DEFAULT_METRICS, "2026-08-01", "2026-10-31")
    return {"period": ["2026-08-01", "2026-10-31"], "sessions": int(total["sessions"]), "users": int(total["users"]),
            "conversions": int(total["conversions"]), "revenue": round(float(total["revenue"]), 2)}


def describe(truth: dict) -> str:
    """The Markdown section of ``data/demo/README.md`` for the GA4 interface exports."""
    return (
        "## GA4 interface exports (`ga4_exports/`)\n\n"
        "The demo sessions as a traffic manager downloads them from the GA4 interface: an Exploration by date and "
        "channel (May–Oct 2026, \"Grand total\" line with its extra field, thousands separators), and standard "
        "reports for Aug–Oct 2026 by landing page (French interface), device, country, campaign and source / medium, "
        "and with no dimension (the site totals). Their own totals for "
        f"{truth['period'][0]} – {truth['period'][1]}: {truth['sessions']:,} sessions, {truth['users']:,} active "
        f"users, {truth['conversions']:,} key events, {truth['revenue']:,.2f} € revenue. "
        "`trafficlib report notebooks/traffic_overview.ipynb -p data_path=data/demo/ga4_exports` renders the overview "
        "from them alone.\n")
