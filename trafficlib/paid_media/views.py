"""Tables and cards of the display & social report: the analyses' frames with the
columns a reader needs, their labels in English and French, money in each export's
own currency (a table mixing currencies shows each amount with its own code)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib import i18n
from trafficlib.readers.registry import UNRECONCILED, coverage, reconciliation_text

__all__ = ["LABELS", "FORMATS", "formats", "labels", "money", "exports_table", "skipped_table", "headline_cards", "loud_notes",
           "level_view", "platform_view", "breakdown_view", "fatigue_table", "saturation_table", "pacing_table",
           "ga4_table", "coverage_notes", "money_as_text", "input_notes"]

LABELS = {
    "platform": ("Platform", "Plateforme"), "campaign": ("Campaign", "Campagne"), "ad_group": ("Ad set / group",
    "Ensemble / groupe"), "ad": ("Ad", "Publicité"), "segment": ("Segment", "Segment"), "cost": ("Spend", "Dépense"),
    "impressions": ("Impressions", "Impressions"), "reach": ("Reach", "Couverture"),
    "frequency": ("Frequency", "Répétition"), "cpm": ("CPM", "CPM"), "clicks": ("Clicks", "Clics"), "ctr": ("CTR", "CTR"),
    "cpc": ("CPC", "CPC"), "results": ("Results", "Résultats"), "cost_per_result": ("Cost per result",
    "Coût par résultat"), "cvr": ("Conv. rate", "Taux de conv."), "conversion_value": ("Conv. value",
    "Valeur de conv."), "roas": ("ROAS", "ROAS"), "share_cost": ("Share of spend", "Part de la dépense"),
    "ctr_ci": ("CTR 95% interval", "CTR intervalle 95 %"), "cvr_ci": ("Conv. rate 95% interval",
    "Taux de conv. intervalle 95 %"), "ctr_vs_rest": ("CTR vs the rest", "CTR face au reste"),
    "cvr_vs_rest": ("Conv. rate vs the rest", "Taux de conv. face au reste"), "file": ("File", "Fichier"),
    "kind": ("Export", "Export"), "rows": ("Rows", "Lignes"), "period": ("Period", "Période"),
    "totals": ("Against the file's own total", "Face au total du fichier"), "currency": ("Currency", "Devise"),
    "why": ("Why", "Pourquoi"), "days": ("Days", "Jours"), "ctr_fresh": ("CTR first week", "CTR 1re semaine"),
    "ctr_now": ("CTR last week", "CTR dernière semaine"), "ctr_change": ("CTR change", "Évolution du CTR"),
    "cpr_fresh": ("Cost/result first week", "Coût/résultat 1re semaine"), "cpr_now": ("Cost/result last week",
    "Coût/résultat dernière semaine"), "freq_now": ("Daily frequency now", "Répétition quotidienne actuelle"),
    "fatigued": ("Fatigued", "Lassitude"), "money_at_stake": ("Money at stake", "Montant en jeu"),
    "bin": ("Frequency", "Répétition"), "results_per_mille": ("Results per 1,000 impr.", "Résultats pour 1 000 impr."),
    "month": ("Month", "Mois"), "budget": ("Budget", "Budget"), "spent": ("Spent", "Dépensé"),
    "projected": ("Projected", "Projection"), "pace": ("Pace", "Rythme"), "status": ("Status", "Statut"),
    "sessions": ("GA4 sessions", "Sessions GA4"), "key_events": ("GA4 key events", "Événements clés GA4"),
    "revenue": ("GA4 revenue", "CA GA4"), "share_sessions": ("Share of sessions", "Part des sessions"),
    "share_key_events": ("Share of key events", "Part des événements clés"),
    "sessions_per_click": ("Sessions per click", "Sessions par clic"),
}
FORMATS = {"cost": "money", "impressions": "int", "reach": "int", "frequency": "num2", "cpm": "money", "clicks": "int",
           "ctr": "pct2", "cpc": "money", "results": "num", "cost_per_result": "money", "cvr": "pct",
           "conversion_value": "money", "roas": "num2", "share_cost": "pct", "rows": "int", "days": "int",
           "ctr_fresh": "pct2", "ctr_now": "pct2", "ctr_change": "delta", "cpr_fresh": "money", "cpr_now": "money",
           "freq_now": "num2", "money_at_stake": "money", "results_per_mille": "num2", "budget": "money",
           "spent": "money", "projected": "money", "pace": "pct", "sessions": "int", "key_events": "num",
           "revenue": "money", "share_sessions": "pct", "share_key_events": "pct", "sessions_per_click": "num2"}
_MONEY = ("cost", "cpm", "cpc", "cost_per_result", "conversion_value", "cpr_fresh", "cpr_now", "money_at_stake",
          "budget", "spent", "projected")
_STATUS = {"over": ("over", "au-dessus"), "under": ("under", "en dessous"), "on plan": ("on plan", "conforme"),
           "not started": ("not started", "pas commencé"), "no budget": ("no budget", "sans budget")}
_VS = {"higher": ("higher", "plus haut"), "lower": ("lower", "plus bas"), "same": ("not different", "pas différent"),
       "": ("–", "–")}


def formats(frame: pd.DataFrame) -> dict[str, str]:
    """The display formats of :data:`FORMATS` for ``frame``'s columns, leaving out money
    columns already written out in their own currencies (:func:`money_as_text`)."""
    return {c: k for c, k in FORMATS.items()
            if c in frame and not (k == "money" and not pd.api.types.is_numeric_dtype(frame[c]))}


def labels(lang: str = "en") -> dict[str, str]:
    """Column labels of the report's tables in ``lang``."""
    return {k: i18n.text(lang, *v) for k, v in LABELS.items()}


def money(x, lang: str = "en", currency: str | None = "EUR", decimals: int = 0) -> str:
    """An amount in ``currency`` (a plain number when the currency is unknown)."""
    if not currency:
        return i18n.fmt_number(x, lang, decimals)
    return i18n.fmt_money(x, lang, currency=currency, decimals=decimals)


def money_as_text(frame: pd.DataFrame, lang: str = "en", currency: str | None = None) -> pd.DataFrame:
    """``frame`` with its money columns written out in each row's own ``currency`` when
    the rows hold several (or ``currency`` is unknown), so no two currencies are read as
    one; unchanged otherwise."""
    if "currency" not in frame:
        return frame
    codes = set(frame["currency"].dropna())
    if len(codes) <= 1 and currency and (not codes or codes == {currency}):
        return frame
    out = frame.copy()
    for c in _MONEY:
        if c in out:
            out[c] = [money(v, lang, cur, 2 if c in ("cpm", "cpc", "cost_per_result") else 0)
                      for v, cur in zip(out[c], out["currency"])]
    return out


def exports_table(views, lang: str = "en") -> pd.DataFrame:
    """One row per export used: file, export kind, rows kept, period, currency, and
    whether its rows add up to the file's own total row (Meta's summary row, Google's
    ``Total: <campaign type>``): "equal", "DIFFERENT: cost, ..." or "no total row"."""
    rows = []
    for v in (f for view in views for f in view.files):
        e = v.export
        ok = reconciliation_text(e.reconciliation() if not v.left_out else _type_reconciliation(v), lang)
        per = f"{i18n.fmt_date(e.period[0], lang)} – {i18n.fmt_date(e.period[1], lang)}" if e.period else "–"
        rows.append({"file": v.name, "kind": e.kind, "rows": len(v.frame), "period": per,
                     "currency": v.currency or "–", "totals": ok})
    return pd.DataFrame(rows, columns=["file", "kind", "rows", "period", "currency", "totals"])


def _type_reconciliation(view) -> pd.DataFrame:
    """The kept rows of each campaign type against the file's ``Total: <type>`` row,
    for a Google Ads export whose Search / Shopping rows were left out."""
    t = view.export.totals
    out = []
    if t is None or "campaign_type" not in view.frame:
        return pd.DataFrame(columns=["metric", "kit", "file", "ok"])
    for typ, rows in view.frame.groupby(view.frame["campaign_type"].astype(str)):
        own = t[t["level"].astype(str).str.strip().str.lower() == typ.strip().lower()]
        if own.empty:
            continue
        for m in ("impressions", "clicks", "cost", "conversions"):
            if m in rows and m in own and pd.notna(own[m].iloc[0]):
                kit, want = float(rows[m].sum()), float(own[m].iloc[0])
                out.append({"metric": f"{m} ({typ})", "kit": kit, "file": want,
                            "ok": bool(np.isclose(kit, want, rtol=5e-4, atol=0.01))})
    return pd.DataFrame(out, columns=["metric", "kit", "file", "ok"])


def loud_notes(views) -> list[tuple[str, str]]:
    """(file, note) for each export whose rows do not add up to its own total."""
    out = []
    for v in (f for view in views for f in view.files):
        notes = [n for n in v.export.notes if n.startswith(UNRECONCILED) or "do not add up" in n]
        rec = _type_reconciliation(v) if v.left_out else pd.DataFrame(columns=["ok"])
        if len(rec) and not rec["ok"].all():
            notes.append("; ".join(f"{r.metric}: rows {r.kit:,.2f}, file {r.file:,.2f}"
                                   for r in rec[~rec["ok"]].itertuples()))
        if notes:
            out.append((v.name, " ".join(notes)))
    return out


def coverage_notes(views, lang: str = "en") -> list[str]:
    """What the kept rows are of the account's own total, where the file states one
    wider than its rows (:func:`trafficlib.readers.registry.coverage`), spend only."""
    out = []
    for v in (f for view in views for f in view.files):
        cov = coverage(v.export)
        cov = cov[cov["metric"] == "cost"] if len(cov) else cov
        if len(cov):
            r = cov.iloc[0]
            kept = float(v.frame["cost"].sum())
            out.append(i18n.text(
                lang, f"{v.name}: the display and video rows read hold {money(kept, lang, v.currency)} of the "
                      f"{money(r['total'], lang, v.currency)} of '{r['label']}'.",
                f"{v.name} : les lignes display et vidéo lues totalisent {money(kept, lang, v.currency)} sur les "
                f"{money(r['total'], lang, v.currency)} de « {r['label']} »."))
    return out


def input_notes(inputs: dict, lang: str = "en") -> list[str]:
    """Sentences on what the inputs left out or cannot add: Search / Shopping rows of a
    Google Ads export (with their cost), Meta results adding different actions,
    platforms billing in different currencies."""
    out = []
    for v in inputs["views"]:
        if v.left_out:
            lo = v.left_out
            out.append(i18n.text(
                lang, f"{v.name}: {lo['rows']} row(s) of {', '.join(lo['types'])} campaigns left out "
                      f"({money(lo['cost'], lang, v.currency)}): the paid-search report reads them.",
                f"{v.name} : {lo['rows']} ligne(s) de campagnes {', '.join(lo['types'])} écartée(s) "
                f"({money(lo['cost'], lang, v.currency)}) : le rapport sur le référencement payant les lit."))
    for v in (f for view in inputs["views"] for f in view.files):
        mixed = next((n for n in v.export.notes if "mixes result types" in n), None)
        if mixed:
            kinds = mixed[mixed.find("(") + 1:mixed.find(")")]
            out.append(i18n.text(
                lang, f"{v.name}: 'Results' adds different actions ({kinds}): its cost per result mixes them; "
                      "download one result type per file (Ads Manager: Columns > Customize) for a price per action.",
                f"{v.name} : « Résultats » additionne des actions différentes ({kinds}) : son coût par résultat les "
                "mélange ; télécharger un type de résultat par fichier (Gestionnaire de publicités : Colonnes > "
                "Personnaliser) pour un prix par action."))
    cur = inputs["currencies"]
    if len(set(cur.values())) > 1:
        listed = ", ".join(f"{k}: {c}" for k, c in sorted(cur.items()))
        out.append(i18n.text(lang, f"The platforms bill in different currencies ({listed}): money is shown per "
                                   "platform, never added across them.",
                             f"Les plateformes facturent dans des devises différentes ({listed}) : les montants sont "
                             "donnés par plateforme, jamais additionnés entre elles."))
    return out


def skipped_table(skipped, lang: str = "en") -> pd.DataFrame:
    return pd.DataFrame([{"file": Path(f).name, "why": w} for f, w in skipped], columns=["file", "why"])


def headline_cards(platforms: pd.DataFrame, lang: str = "en", currency: str | None = None) -> list[dict]:
    """KPI cards over every platform (money only when they share one currency)."""
    if platforms.empty:
        return []
    t = lambda en, fr: i18n.text(lang, en, fr)  # noqa: E731
    s = platforms[["cost", "impressions", "clicks", "results"]].sum(min_count=1)
    one = currency is not None
    cards = []
    if one:
        cards.append({"label": t("Spend", "Dépense"), "value": money(s["cost"], lang, currency)})
    cards += [{"label": "Impressions", "value": i18n.fmt_int(s["impressions"], lang)}]
    if one:
        cards.append({"label": "CPM", "value": money(s["cost"] / s["impressions"] * 1000 if s["impressions"] else
                                                     np.nan, lang, currency, 2)})
    cards += [{"label": t("Clicks", "Clics"), "value": i18n.fmt_int(s["clicks"], lang)},
              {"label": "CTR", "value": i18n.fmt_pct(s["clicks"] / s["impressions"] if s["impressions"] else np.nan,
                                                     lang, 2)},
              {"label": t("Results", "Résultats"), "value": i18n.fmt_number(s["results"], lang, 0)}]
    if one:
        cards.append({"label": t("Cost per result", "Coût par résultat"),
                      "value": money(s["cost"] / s["results"] if s["results"] else np.nan, lang, currency, 2)})
    return cards


def _cols(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    return frame.reindex(columns=[c for c in cols if c in frame])


def platform_view(frame: pd.DataFrame, lang: str = "en", currency: str | None = None) -> pd.DataFrame:
    cols = ["platform", "cost", "impressions", "reach", "frequency", "cpm", "clicks", "ctr", "cpc", "results",
            "cost_per_result", "currency"]
    return _cols(money_as_text(frame, lang, currency), cols)


def level_view(frame: pd.DataFrame, level: str, lang: str = "en", currency: str | None = None) -> pd.DataFrame:
    keys = {"campaign": ["campaign"], "ad_group": ["campaign", "ad_group"], "ad": ["ad_group", "ad"]}[level]
    cols = ["platform", *keys, "cost", "impressions", "reach", "frequency", "cpm", "clicks", "ctr", "cpc", "results",
            "cost_per_result", "currency"]
    return _cols(money_as_text(frame, lang, currency), cols)


def _ci(lo, hi, lang):
    return [f"{i18n.fmt_pct(a, lang, 2)} – {i18n.fmt_pct(b, lang, 2)}" if pd.notna(a) else "–" for a, b in zip(lo, hi)]


def breakdown_view(frame: pd.DataFrame, lang: str = "en", currency: str | None = None) -> pd.DataFrame:
    out = money_as_text(frame, lang, currency).copy()
    out["ctr_ci"] = _ci(frame["ctr_low"], frame["ctr_high"], lang)
    out["cvr_ci"] = _ci(frame["cvr_low"], frame["cvr_high"], lang)
    for c in ("ctr_vs_rest", "cvr_vs_rest"):
        out[c] = [i18n.text(lang, *_VS.get(v, (v, v))) for v in frame[c]]
    return _cols(out, ["segment", "cost", "share_cost", "impressions", "clicks", "ctr", "ctr_ci", "ctr_vs_rest",
                       "results", "cvr", "cvr_ci", "cvr_vs_rest", "cost_per_result"])


def fatigue_table(frame: pd.DataFrame, lang: str = "en", currency: str | None = None,
                  own: str | None = None) -> pd.DataFrame:
    """``currency``: the report's one currency (None when mixed); ``own``: the export's."""
    out = money_as_text(frame.assign(currency=own), lang, currency)
    out["fatigued"] = [i18n.text(lang, "yes", "oui") if f else i18n.text(lang, "no", "non") for f in frame["fatigued"]]
    return _cols(out, ["ad", "days", "ctr_fresh", "ctr_now", "ctr_change", "cpr_fresh", "cpr_now", "freq_now",
                       "fatigued", "money_at_stake"])


def saturation_table(bins: pd.DataFrame, lang: str = "en", currency: str | None = None,
                     own: str | None = None) -> pd.DataFrame:
    out = money_as_text(bins.assign(currency=own), lang, currency)
    out["bin"] = [f"{i18n.fmt_number(a, lang, 1)} – {i18n.fmt_number(b, lang, 1)}" if np.isfinite(b)
                  else f"≥ {i18n.fmt_number(a, lang, 1)}" for a, b in zip(bins["low"], bins["high"])]
    return _cols(out, ["bin", "rows", "impressions", "cost", "ctr", "results", "results_per_mille",
                       "cost_per_result"])


def pacing_table(frame: pd.DataFrame, lang: str = "en", currency: str | None = None) -> pd.DataFrame:
    from trafficlib.paid_media.findings import month_name

    out = money_as_text(frame, lang, currency)
    out["month"] = [month_name(m, lang) for m in frame["month"]]
    out["status"] = [i18n.text(lang, *_STATUS.get(s, (s, s))) for s in frame["status"]]
    return _cols(out, ["campaign", "month", "budget", "spent", "days", "projected", "pace", "status",
                       "money_at_stake"])


def ga4_table(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    return _cols(frame, ["platform", "sessions", "share_sessions", "key_events", "share_key_events", "revenue",
                         "clicks", "sessions_per_click", "results"])
