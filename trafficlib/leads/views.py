"""Tables and cards of the lead report: the analyses' frames with the columns a reader
needs, and their labels in English and French."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from trafficlib import i18n

__all__ = ["LABELS", "FORMATS", "labels", "exports_table", "headline_cards", "conversion_view", "timing_view",
           "page_view", "cost_view", "month_table", "day_text", "count_text", "read_notes", "period_text"]

LABELS = {
    "channel": ("Channel", "Canal"), "campaign": ("Campaign", "Campagne"), "platform": ("Platform", "Plateforme"),
    "page": ("Landing page", "Page de destination"), "leads": ("Leads", "Leads"),
    "qualified": ("Qualified", "Qualifiés"), "won": ("Won", "Gagnés"), "value": ("Won value", "Valeur gagnée"),
    "lead_to_qualified": ("Lead → qualified", "Lead → qualifié"), "qualified_to_won": ("Qualified → won",
                                                                                       "Qualifié → gagné"),
    "lead_to_won": ("Lead → won", "Lead → gagné"), "lq_ci": ("95% interval", "Intervalle 95 %"),
    "qw_ci": ("95% interval ", "Intervalle 95 % "), "lw_ci": ("95% interval  ", "Intervalle 95 %  "),
    "qualified_rate": ("Qualified", "Qualifiés"), "won_rate": ("Won", "Gagnés"),
    "q_ci": ("95% interval", "Intervalle 95 %"), "w_ci": ("95% interval ", "Intervalle 95 % "),
    "value_per_lead": ("Value per lead", "Valeur par lead"), "cost": ("Cost", "Coût"),
    "cost_per_lead": ("Cost per lead", "Coût par lead"), "cost_per_qualified": ("Cost per qualified",
                                                                               "Coût par qualifié"),
    "cost_per_won": ("Cost per won deal", "Coût par affaire gagnée"),
    "value_per_cost": ("Won value per € spent", "Valeur gagnée par € dépensé"),
    "group": ("Leads of", "Leads de"), "closed": ("Closed", "Clos"), "censored": ("Still open", "Encore ouverts"),
    "median_days": ("Median days to close", "Jours médians avant clôture"), "median_ci": ("95% interval",
                                                                                          "Intervalle 95 %"),
    "p75_days": ("Days for 3 in 4 to close", "Jours pour en clore 3 sur 4"),
    "closed_30d": ("Closed within 30 days", "Clos en 30 jours"), "closed_90d": ("Closed within 90 days",
                                                                                 "Clos en 90 jours"),
    "won_median_days": ("Median days of the deals won", "Jours médians des affaires gagnées"),
    "file": ("File", "Fichier"), "kind": ("Export", "Export"), "rows": ("Rows", "Lignes"),
    "dates": ("Days", "Jours"), "week": ("Week", "Semaine"),
}
FORMATS = {"leads": "int", "qualified": "int", "won": "int", "closed": "int", "censored": "int", "rows": "int",
           "value": "money0", "value_per_lead": "money0", "cost": "money0", "cost_per_lead": "money0",
           "cost_per_qualified": "money0", "cost_per_won": "money0", "value_per_cost": "num2",
           "lead_to_qualified": "pct", "qualified_to_won": "pct", "lead_to_won": "pct", "qualified_rate": "pct",
           "won_rate": "pct", "median_days": "num", "p75_days": "num", "closed_30d": "pct0",
           "closed_90d": "pct0", "won_median_days": "num"}


def labels(lang: str = "en") -> dict[str, str]:
    """Column labels of the report's tables in ``lang``."""
    return {k: i18n.text(lang, *v) for k, v in LABELS.items()}


def _ci(lo, hi, lang: str, kind: str = "pct") -> pd.Series:
    f = (lambda x: i18n.fmt_pct(x, lang, 0)) if kind == "pct" else (lambda x: i18n.fmt_number(x, lang, 0))
    return pd.Series([f"{f(a)} – {f(b)}" if pd.notna(a) and pd.notna(b) else i18n.MISSING for a, b in zip(lo, hi)],
                     index=lo.index)


def _total_label(frame: pd.DataFrame, col: str, lang: str) -> pd.DataFrame:
    out = frame.copy()
    out[col] = out[col].replace({"Total": i18n.text(lang, "Total", "Total"),
                                 "(not set)": i18n.text(lang, "(not set)", "(non renseigné)"),
                                 "(other pages)": i18n.text(lang, "(other pages)", "(autres pages)")})
    return out


def exports_table(exports, lang: str = "en") -> pd.DataFrame:
    """One row per export read (CRM exports, then spend): file, kind, rows and the days
    it spans (leads' creation dates; the spend's days)."""
    rows = []
    for e in exports:
        d = e.meta.get("dates") or e.period
        if d is None and "date" in e.frame and e.frame["date"].notna().any():
            d = (e.frame["date"].min(), e.frame.get("date_end", e.frame["date"]).fillna(e.frame["date"]).max())
        span = f"{i18n.fmt_date(d[0], lang)} – {i18n.fmt_date(d[1], lang)}" if d else i18n.MISSING
        rows.append({"file": Path(e.path).name, "kind": e.kind.split("/", 1)[1].replace("_", " "), "rows": e.rows,
                     "dates": span})
    return pd.DataFrame(rows, columns=["file", "kind", "rows", "dates"])


def headline_cards(conv: pd.DataFrame, timing: pd.DataFrame | None, costs: pd.DataFrame | None, lang: str = "en",
                   currency: str = "EUR", prepared: pd.DataFrame | None = None) -> list[dict]:
    """KPI cards for :func:`trafficlib.display.kpis`: leads, won deals and won value (of
    ``prepared``, every lead, when given; else of ``conv``), the lead -> qualified and
    lead -> won rates of ``conv``, the median days to close (of the deals won, when fewer
    than half the leads have closed), and with spend the cost per lead and per won deal."""
    t = lambda en, fr: i18n.text(lang, en, fr)  # noqa: E731
    tot = conv[conv.iloc[:, 0] == "Total"]
    if tot.empty:
        return []
    r = tot.iloc[0]
    if prepared is not None:
        n, won = len(prepared), int(prepared["won"].sum())
        value = prepared["value"].where(prepared["won"]).sum(min_count=1)
    else:
        n, won, value = r["leads"], r["won"], r["value"]
    cards = [
        {"label": t("Leads", "Leads"), "value": i18n.fmt_int(n, lang)},
        {"label": t("Won deals", "Affaires gagnées"), "value": i18n.fmt_int(won, lang)},
        {"label": t("Won value", "Valeur gagnée"), "value": i18n.fmt_money(value, lang, currency, 0)},
        {"label": t("Lead → qualified", "Lead → qualifié"), "value": i18n.fmt_pct(r["lead_to_qualified"], lang)},
        {"label": t("Lead → won", "Lead → gagné"), "value": i18n.fmt_pct(r["lead_to_won"], lang)},
    ]
    if timing is not None and len(timing):
        if pd.notna(timing["median_days"].iloc[0]):
            cards.append({"label": t("Median days to close", "Jours médians avant clôture"),
                          "value": i18n.fmt_number(timing["median_days"].iloc[0], lang, 0)})
        else:  # fewer than half the leads closed: the deals won so far say how long a win takes
            cards.append({"label": t("Median days to win (deals won)", "Jours médians pour gagner (affaires gagnées)"),
                          "value": i18n.fmt_number(timing["won_median_days"].iloc[0], lang, 0)})
    if costs is not None and len(costs):
        c = costs[costs.iloc[:, 0] == "Total"].iloc[0]
        cards += [{"label": t("Cost per lead", "Coût par lead"), "value": i18n.fmt_money(c["cost_per_lead"], lang,
                                                                                          currency, 0)},
                  {"label": t("Cost per won deal", "Coût par affaire gagnée"),
                   "value": i18n.fmt_money(c["cost_per_won"], lang, currency, 0)}]
    return cards


def conversion_view(conv: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The funnel table: counts, the three rates and their 95 % intervals as text."""
    c = _total_label(conv, conv.columns[0], lang)
    out = c[[c.columns[0], "leads", "qualified", "won", "lead_to_qualified"]].copy()
    out["lq_ci"] = _ci(c["lead_to_qualified_low"], c["lead_to_qualified_high"], lang)
    out["qualified_to_won"] = c["qualified_to_won"]
    out["qw_ci"] = _ci(c["qualified_to_won_low"], c["qualified_to_won_high"], lang)
    out["lead_to_won"] = c["lead_to_won"]
    out["value"] = c["value"]
    return out


def timing_view(summary, lang: str = "en") -> pd.DataFrame:
    """Time-to-close summaries (one frame, or a list stacked: all leads, then by
    channel) with the median's interval as text."""
    if isinstance(summary, (list, tuple)):
        summary = pd.concat(list(summary), ignore_index=True)
    s = _total_label(summary, "group", lang)
    out = s[["group", "leads", "closed", "censored", "median_days"]].copy()
    out["median_ci"] = _ci(s["median_low"], s["median_high"], lang, kind="num")
    for c in ("p75_days", "closed_30d", "closed_90d", "won_median_days"):
        out[c] = s[c]
    return out


def page_view(pages: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    p = _total_label(pages, "page", lang)
    out = p[["page", "leads", "qualified_rate"]].copy()
    out["q_ci"] = _ci(p["qualified_low"], p["qualified_high"], lang)
    out["won_rate"] = p["won_rate"]
    out["w_ci"] = _ci(p["won_low"], p["won_high"], lang)
    out["value_per_lead"] = p["value_per_lead"]
    return out


def cost_view(costs: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    c = _total_label(costs, costs.columns[0], lang)
    keep = [x for x in (c.columns[0], "platform") if x in c] + ["cost", "leads", "qualified", "won", "cost_per_lead",
                                                               "cost_per_qualified", "cost_per_won", "value",
                                                               "value_per_cost"]
    return c[keep]


def month_table(prepared: pd.DataFrame, by: str = "channel", lang: str = "en") -> pd.DataFrame:
    """Leads created per calendar month (rows, ``month``) and ``by`` group (columns,
    largest first), with a ``Total`` column: counts of leads."""
    month = prepared["created"].dt.to_period("M").dt.to_timestamp()
    t = pd.crosstab(month, prepared[by])
    t = t[t.sum().sort_values(ascending=False).index]
    t["Total"] = t.sum(axis=1)
    t.index = pd.Index([f"{d:%m/%Y}" if lang == "fr" else f"{d:%Y-%m}" for d in t.index],
                       name=i18n.text(lang, "Month", "Mois"))
    t.columns = [i18n.text(lang, "Total", "Total") if c == "Total" else
                 i18n.text(lang, "(not set)", "(non renseigné)") if c == "(not set)" else str(c) for c in t.columns]
    return t.astype(int)


def day_text(prepared: pd.DataFrame, lang: str = "en") -> str:
    """The last day the report covers (the day before ``as_of``), formatted."""
    return i18n.fmt_date(prepared.attrs["as_of"] - pd.Timedelta(days=1), lang)


def count_text(n: int, lang: str = "en") -> str:
    """A count as the report writes it: ``4 000`` (fr), ``4,000`` (en)."""
    return i18n.fmt_int(n, lang)


def read_notes(got: dict, spend: dict | None = None) -> list[str]:
    """What :func:`~trafficlib.readers.crm_inputs.load_leads` (and
    :func:`~trafficlib.readers.crm_inputs.load_spend`) joined, dropped or assumed, and the files
    skipped, one sentence each (as the kit writes them, in English); a file skipped by one
    and read by the other is not listed."""
    used = {str(e.path) for e in got["exports"]} | {str(e.path) for e in (spend or {}).get("exports", [])}
    skipped = got["skipped"] + (spend or {}).get("skipped", [])
    return (list(got["notes"]) + list((spend or {}).get("notes", []))
            + [f"{Path(f).name}: {why}" for f, why in skipped if str(f) not in used])


def period_text(costs: pd.DataFrame, lang: str = "en") -> tuple[str, str]:
    """The spend period of a :func:`~trafficlib.leads.cost.cost_table`, formatted."""
    return tuple(i18n.fmt_date(x, lang) for x in costs.attrs["period"])
