"""Post-mortem tables: (frame, formats) pairs for :func:`trafficlib.display.table`."""
from __future__ import annotations

import pandas as pd

from trafficlib import i18n
from trafficlib.campaigns.kpis import against_targets
from trafficlib.campaigns.review import PostMortem

_COLUMN_LABELS = {
    "metric": ("Metric", "Indicateur"), "actual": ("Observed", "Observé"), "target": ("Target", "Objectif"),
    "gap": ("Gap", "Écart"), "met": ("Met", "Atteint"), "statistic": ("Statistic", "Statistique"),
    "predicted": ("Expected without campaign", "Attendu sans campagne"),
    "predicted_lower": ("low", "bas"), "predicted_upper": ("high", "haut"),
    "abs_effect": ("Effect", "Effet"), "abs_effect_lower": ("low", "bas"), "abs_effect_upper": ("high", "haut"),
    "rel_effect": ("Relative effect", "Effet relatif"), "rel_effect_lower": ("low", "bas"),
    "rel_effect_upper": ("high", "haut"), "estimate": ("Estimate", "Estimation"), "lower": ("95 % low", "bas (95 %)"),
    "upper": ("95 % high", "haut (95 %)"), "planted": ("Planted", "Planté"), "inside": ("In the interval", "Dans l'intervalle"),
    "platform": ("Platform", "Régie"), "ad_group": ("Ad group", "Groupe d'annonces"), "ad": ("Ad", "Annonce"),
    "reach": ("Reach", "Couverture"), "conversion_value": ("Conv. value", "Valeur conv."),
    "frequency": ("Frequency", "Répétition"), "cvr": ("CVR", "Taux de conv."), "impressions": ("Impr.", "Impr."),
    "conversions": ("Conv. (platform)", "Conv. (régie)"),
}

KPI_FORMATS = {"impressions": "int", "reach": "int", "clicks": "int", "cost": "money", "conversions": "num",
               "conversion_value": "money0", "frequency": "num2", "ctr": "pct2", "cpc": "money", "cpm": "money",
               "cvr": "pct2", "cpa": "money", "roas": "num2"}


def labels(lang: str = "en") -> dict[str, str]:
    """Column headers of the post-mortem tables in ``lang`` (for ``display.table(labels=)``)."""
    out = {k: (en if lang == "en" else fr) for k, (en, fr) in _COLUMN_LABELS.items()}
    for k in ("campaign", "cost", "clicks", "ctr", "cpc", "cpm", "cpa", "roas", "date"):
        out.setdefault(k, i18n.label(k, lang))
    return out


_MONEY_KEYS = {"cost", "cpa", "incremental_cpa", "incremental_revenue"}


def _show_value(key: str, value, lang: str, currency: str) -> str:
    """A KPI value in its unit: money for costs, CPA and revenue, a plain ratio (2.74)
    for ROAS, a count otherwise."""
    if key in _MONEY_KEYS:
        return i18n.fmt_money(value, lang, currency)
    if "roas" in key:
        return i18n.fmt_number(value, lang, 2)
    return i18n.fmt_number(value, lang, 1)


def targets_table(pm: PostMortem, lang: str = "en", currency: str = "EUR") -> tuple[pd.DataFrame, dict]:
    """(frame, formats) of the targets comparison: values shown in their unit (money,
    ratio), ``met`` as yes/no in ``lang``."""
    t = against_targets(pm.total, pm.budget, pm.target_cpa, pm.target_roas, lang)
    for col in ("actual", "target"):
        t[col] = [_show_value(k, v, lang, currency) for k, v in zip(t["key"], t[col])]
    t["met"] = t["met"].map({True: i18n.text(lang, "yes", "oui"), False: i18n.text(lang, "no", "non")})
    return t.drop(columns="key"), {"gap": "delta"}


def lift_table(pm: PostMortem, lang: str = "en") -> tuple[pd.DataFrame, dict]:
    """(frame, formats) of the causal-impact summary (average per day, cumulative)."""
    s = pm.lift.summary.copy()
    s.index = [i18n.text(lang, "Average per day", "Moyenne par jour"), i18n.text(lang, "Cumulative", "Cumul")]
    s = s.reset_index().rename(columns={"index": "statistic"})
    fm = {c: "num" for c in s.columns if not c.startswith("rel") and c != "statistic"}
    fm.update({c: "delta" for c in s.columns if c.startswith("rel")})
    return s, fm


def economics_table(pm: PostMortem, lang: str = "en", currency: str = "EUR") -> tuple[pd.DataFrame, dict]:
    """(frame, formats) of incremental conversions, CPA, revenue and ROAS, each value in
    its unit."""
    names = {"incremental_conversions": ("Incremental conversions", "Conversions incrémentales"),
             "incremental_cpa": ("Incremental CPA", "CPA incrémental"),
             "incremental_revenue": ("Incremental revenue", "Chiffre d'affaires incrémental"),
             "incremental_roas": ("Incremental ROAS", "ROAS incrémental")}
    e = pm.economics.copy()
    for col in ("estimate", "lower", "upper"):
        e[col] = [_show_value(k, v, lang, currency) for k, v in zip(e.index, e[col])]
    e.index = [i18n.text(lang, *names[i]) for i in e.index]
    return e.reset_index().rename(columns={"index": "metric"}), {}


def before_after_table(pm: PostMortem, lang: str = "en") -> tuple[pd.DataFrame, dict]:
    """(frame, formats) of the weekday-matched before/after comparison."""
    b = pm.before_after.copy()
    b.index = [i18n.text(lang, "Average per day", "Moyenne par jour"), i18n.text(lang, "Cumulative", "Cumul")]
    b = b.reset_index().rename(columns={"index": "statistic"})
    return b, {c: ("delta" if c == "rel_effect" else "num") for c in b.columns if c != "statistic"}


def group_table(pm: PostMortem) -> tuple[pd.DataFrame, dict]:
    """(frame, formats) of KPIs by platform, campaign and ad group."""
    g = pm.by_group.reset_index()
    if g["reach"].isna().all():
        g = g.drop(columns=["reach", "frequency"])
    return g, {k: v for k, v in KPI_FORMATS.items() if k in g.columns}
