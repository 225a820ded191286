"""Post-mortem narrative: KPI cards and paragraphs in French or English."""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib import i18n
from trafficlib.campaigns.review import _KPI_WORDS, PostMortem
from trafficlib.campaigns.stats import sample_size


def verdict_cards(pm: PostMortem, lang: str = "en", currency: str = "EUR") -> list[dict]:
    """KPI cards for :func:`trafficlib.display.kpis`: spend (vs budget), platform ROAS,
    incremental outcome of the judged KPI, incremental ROAS (vs target)."""
    t = pm.total
    money = lambda x: i18n.fmt_money(x, lang, currency, decimals=0)  # noqa: E731
    cards = [{"label": i18n.text(lang, "Spend", "Dépense"), "value": money(t["cost"]),
              "note": (i18n.text(lang, f"budget {money(pm.budget)}", f"budget {money(pm.budget)}") if pm.budget else None)},
             {"label": i18n.text(lang, "ROAS claimed by the platform", "ROAS revendiqué par la plateforme"),
              "value": i18n.fmt_number(t["roas"], lang, 2)}]
    if pm.lift is not None:
        c = pm.lift.summary.loc["cumulative"]
        fmt = (lambda x: money(x)) if pm.kpi == "revenue" else (lambda x: i18n.fmt_int(x, lang))
        en, fr = _KPI_WORDS.get(pm.kpi, (pm.kpi, pm.kpi))
        fr_label = {"sessions": "Sessions incrémentales", "conversions": "Conversions incrémentales",
                    "revenue": "Chiffre d'affaires incrémental"}.get(pm.kpi, fr)
        cards.append({"label": i18n.text(lang, f"Incremental {en}", fr_label),
                      "value": fmt(c["abs_effect"]), "delta": c["rel_effect"],
                      "note": f"{fmt(c['abs_effect_lower'])} – {fmt(c['abs_effect_upper'])} (95 %)"})
    if pm.economics is not None and "incremental_roas" in pm.economics.index:
        r = pm.economics.loc["incremental_roas"]
        note = f"{i18n.fmt_number(r['lower'], lang, 2)} – {i18n.fmt_number(r['upper'], lang, 2)} (95 %)"
        if pm.target_roas:
            note += i18n.text(lang, f"; target {i18n.fmt_number(pm.target_roas, lang, 2)}",
                              f" ; objectif {i18n.fmt_number(pm.target_roas, lang, 2)}")
        cards.append({"label": i18n.text(lang, "Incremental ROAS", "ROAS incrémental"),
                      "value": i18n.fmt_number(r["estimate"], lang, 2), "note": note})
    return cards


def pacing_text(pace: pd.DataFrame, lang: str = "en", currency: str = "EUR") -> str:
    """One paragraph on budget pacing: spent so far vs plan and the projected total."""
    a = pace.attrs
    money = lambda x: i18n.fmt_money(x, lang, currency, decimals=0)  # noqa: E731
    p = a["pacing"]
    if np.isnan(p):
        return i18n.text(lang, "No budget given: pacing not assessed.", "Pas de budget indiqué : rythme non évalué.")
    state_en = "on plan" if 0.95 <= p <= 1.05 else ("ahead of plan (overspending)" if p > 1 else "behind plan (underspending)")
    state_fr = "conforme au plan" if 0.95 <= p <= 1.05 else ("en avance sur le plan (surdépense)" if p > 1 else "en retard sur le plan (sous-dépense)")
    return i18n.text(
        lang,
        f"After {i18n.fmt_pct(a['share_of_flight'], lang, 0)} of the flight, {money(a['spent'])} spent against "
        f"{money(pace['planned_cum'].iloc[-1])} planned: **{i18n.fmt_pct(p, lang, 0)} of plan**, {state_en}. "
        f"At this rate the flight ends at {money(a['expected_total'])} for a {money(a['budget'])} budget.",
        f"À {i18n.fmt_pct(a['share_of_flight'], lang, 0)} de la période, {money(a['spent'])} dépensés pour "
        f"{money(pace['planned_cum'].iloc[-1])} prévus : **{i18n.fmt_pct(p, lang, 0)} du plan**, {state_fr}. "
        f"À ce rythme, la campagne finira à {money(a['expected_total'])} pour un budget de {money(a['budget'])}.")


def groups_text(ranked: pd.DataFrame, by: str = "ad_group", lang: str = "en") -> str:
    """Best and worst groups by the interval's lower / upper bound, in words."""
    if ranked is None or ranked.empty:
        return i18n.text(lang, "No ad group breakdown in the data.", "Pas de détail par groupe d'annonces.")
    best, worst = ranked.iloc[0], ranked.sort_values("upper").iloc[0]
    rate = ranked.attrs.get("rate", "ctr").upper()
    f = lambda r: f"{i18n.fmt_pct(r['rate'], lang, 2)} ({i18n.fmt_pct(r['lower'], lang, 2)} – {i18n.fmt_pct(r['upper'], lang, 2)})"  # noqa: E731
    above = ranked.loc[ranked["vs_overall"] == "above", by].astype(str).tolist()
    below = ranked.loc[ranked["vs_overall"] == "below", by].astype(str).tolist()
    none_en, none_fr = "none", "aucun"
    return i18n.text(
        lang,
        f"Best {rate}: **{best[by]}** {f(best)}; worst: **{worst[by]}** {f(worst)} (95 % intervals). "
        f"Clearly above the average: {', '.join(above) or none_en}; clearly below: {', '.join(below) or none_en}. "
        "The others cannot be told apart from the average with this much data.",
        f"Meilleur {rate} : **{best[by]}** {f(best)} ; le plus faible : **{worst[by]}** {f(worst)} (intervalles à 95 %). "
        f"Nettement au-dessus de la moyenne : {', '.join(above) or none_fr} ; nettement en dessous : {', '.join(below) or none_fr}. "
        "Les autres ne se distinguent pas de la moyenne avec ce volume de données.")


def ab_text(res: dict, lang: str = "en", mde: float = 0.10, metric: str = "CTR") -> str:
    """An A/B result in words, with the sample size a ``mde`` (relative) change needs."""
    a, b = res["names"]
    pct = lambda x: i18n.fmt_pct(x, lang, 2)  # noqa: E731
    need = sample_size(res["rate_a"], mde, alpha=res["alpha"]) if 0 < res["rate_a"] < 1 else float("nan")
    n_now = min(res["trials"])
    lo, hi = res["ci_diff"]
    ptxt = ("< " + i18n.fmt_number(0.0001, lang, 4)) if res["p_value"] < 0.0001 else "= " + i18n.fmt_number(res["p_value"], lang, 4)
    if res["significant"]:
        en = f"**{res['winner']} wins**: the difference is larger than chance explains (p {ptxt})."
        fr = f"**{res['winner']} l'emporte** : l'écart dépasse ce que le hasard explique (p {ptxt})."
    else:
        en = f"**No winner yet**: the difference could be chance (p = {i18n.fmt_number(res['p_value'], lang, 3)})."
        fr = f"**Pas encore de gagnant** : l'écart peut venir du hasard (p = {i18n.fmt_number(res['p_value'], lang, 3)})."
    return i18n.text(
        lang,
        f"{metric} {a} {pct(res['rate_a'])} vs {b} {pct(res['rate_b'])}: {b} − {a} = {pct(res['diff'])} "
        f"(95 % interval {pct(lo)} to {pct(hi)}, {i18n.fmt_delta(res['rel_diff'], lang)} relative). {en} "
        f"Detecting a {i18n.fmt_pct(mde, lang, 0)} relative change with 80 % power needs "
        f"{i18n.fmt_int(need, lang)} per variant; this test has {i18n.fmt_int(n_now, lang)}.",
        f"{metric} {a} {pct(res['rate_a'])} contre {b} {pct(res['rate_b'])} : {b} − {a} = {pct(res['diff'])} "
        f"(intervalle à 95 % de {pct(lo)} à {pct(hi)}, {i18n.fmt_delta(res['rel_diff'], lang)} en relatif). {fr} "
        f"Détecter un écart relatif de {i18n.fmt_pct(mde, lang, 0)} avec une puissance de 80 % demande "
        f"{i18n.fmt_int(need, lang)} par variante ; ce test en a {i18n.fmt_int(n_now, lang)}.")


def method_text(lang: str = "en") -> str:
    """How the lift is computed and how it relates to Google's CausalImpact."""
    return i18n.text(
        lang,
        "**How the lift is measured.** A Bayesian structural time-series model, the one of Google's "
        "CausalImpact (a local level, a regression on the control series with spike-and-slab selection, a "
        "weekly pattern only when the daily data clearly have one), learns "
        "before the campaign how the targeted series moves with the untargeted ones; projected over the "
        "campaign, it gives what would have happened without it. The posterior is computed exactly (no "
        "random sampling), so the figures do not change from one run to the next; the cumulative interval "
        "accounts for errors being correlated from one period to the next. The probability of an effect is "
        "the share of no-campaign worlds less extreme than what was observed.\n\n"
        "**Honest intervals.** How fast the level may move is not fixed in advance (R's default, 0.01, "
        "assumes a steady level): R's 0.01 and the 0.1 it suggests for volatile series are mixed, and the "
        "data weigh the two. On simulated campaigns whose level drifts, R's default prior gives 95 % "
        "intervals that miss the true lift far too often and calls campaigns without effect significant; "
        "this one stays near 95 % and 5 % (benchmarks/causal_priors.py). When R's default would give a "
        "materially narrower interval, the text shows both answers.\n\n"
        "**Checked against CausalImpact** (R) on its published examples: the same answer on its daily "
        "example (within 0.1 point of its relative effect); on the weekly Volkswagen case, the same "
        "significant drop (R's -26 %) with a wider interval, R's own answer shown beside it.\n\n"
        "**Platform conversions are not incremental conversions**: ad platforms count every buyer who saw or "
        "clicked an ad in their attribution window, including those who would have bought anyway.",
        "**Comment l'effet est mesuré.** Un modèle de série temporelle structurel bayésien, celui de "
        "CausalImpact de Google (un niveau local, une régression sur les séries témoins avec sélection "
        "« spike-and-slab », un motif hebdomadaire seulement si les données quotidiennes en ont clairement "
        "un), apprend avant la campagne comment la série ciblée "
        "évolue avec les séries non ciblées ; projeté sur la campagne, il donne ce qui se serait passé sans "
        "elle. La loi a posteriori est calculée exactement (sans tirage aléatoire) : les chiffres ne changent "
        "pas d'une exécution à l'autre ; l'intervalle cumulé tient compte de la corrélation des erreurs d'une "
        "période à l'autre. La probabilité d'un effet est la part des mondes sans campagne moins extrêmes que "
        "ce qui a été observé.\n\n"
        "**Des intervalles honnêtes.** La vitesse à laquelle le niveau peut bouger n'est pas fixée d'avance "
        "(le défaut de R, 0,01, suppose un niveau stable) : le 0,01 de R et le 0,1 qu'il conseille pour les "
        "séries volatiles sont mêlés, et les données pondèrent les deux. Sur des campagnes simulées dont le "
        "niveau dérive, l'a priori par défaut de R donne des intervalles à 95 % qui manquent bien trop souvent "
        "le vrai effet et déclare significatives des campagnes sans effet ; celui-ci reste près de 95 % et 5 % "
        "(benchmarks/causal_priors.py). Quand le défaut de R donnerait un intervalle nettement plus étroit, le "
        "texte montre les deux réponses.\n\n"
        "**Vérifié face à CausalImpact** (R) sur ses exemples publiés : la même réponse sur son exemple "
        "quotidien (à 0,1 point près de son effet relatif) ; sur le cas hebdomadaire Volkswagen, la même baisse "
        "significative (−26 % pour R) avec un intervalle plus large, la réponse de R affichée à côté.\n\n"
        "**Conversions plateforme et conversions incrémentales diffèrent** : les régies comptent tout acheteur "
        "ayant vu ou cliqué une annonce dans leur fenêtre d'attribution, y compris ceux qui auraient acheté de "
        "toute façon.")


def truth_check(pm: PostMortem, truth: dict | None, lang: str = "en") -> pd.DataFrame | None:
    """On the demo shop: planted incremental sessions / conversions / revenue next to the
    estimates and their 95 % intervals (None when ``truth`` has no planted campaign for
    this campaign). ``truth`` is the parsed ``truth.json``."""
    lift = ((truth or {}).get("web") or {}).get("campaign_lift")
    if not lift or lift.get("campaign", "").lower() not in {c.lower() for c in pm.campaign}:
        return None
    rows = []
    for kpi, key in (("sessions", "incremental_sessions"), ("conversions", "incremental_conversions"),
                     ("revenue", "incremental_revenue")):
        res = pm.lift_by_kpi.get(kpi)
        if res is None or key not in lift:
            continue
        c = res.summary.loc["cumulative"]
        true = float(lift[key])
        rows.append({"metric": i18n.label(kpi, lang), "planted": true, "estimate": c["abs_effect"],
                     "lower": c["abs_effect_lower"], "upper": c["abs_effect_upper"],
                     "inside": i18n.text(lang, "yes", "oui") if c["abs_effect_lower"] <= true <= c["abs_effect_upper"]
                     else i18n.text(lang, "no", "non")})
    return pd.DataFrame(rows)
