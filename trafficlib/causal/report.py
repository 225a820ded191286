"""How a causal-impact result is shown: the three-panel plot and the plain-words text."""
from __future__ import annotations

import numpy as np

from trafficlib import i18n
from trafficlib.causal.impact import CausalImpactResult

__all__ = ["plot_impact", "impact_text", "prior_text"]


def plot_impact(result: CausalImpactResult, lang: str = "en", title: str = ""):
    """Three panels sharing the date axis: (1) actual vs counterfactual with its
    interval, (2) pointwise effect, (3) cumulative effect; the campaign start is a
    dashed line. Returns the Figure."""
    import matplotlib.pyplot as plt

    from trafficlib import plots

    s = result.series
    fig, axes = plt.subplots(3, 1, figsize=(9, 8), sharex=True)
    t = lambda en, fr: i18n.text(lang, en, fr)  # noqa: E731
    level = f"{1 - result.alpha:.0%}"
    ax = axes[0]
    ax.plot(s.index, s["actual"], color="black", lw=1.2, label=t("Actual", "Observé"))
    ax.plot(s.index, s["predicted"], color=plots.ACCENT, lw=1.2, ls="--",
            label=t("Counterfactual (no campaign)", "Contrefactuel (sans campagne)"))
    ax.fill_between(s.index, s["predicted_lower"], s["predicted_upper"], color=plots.ACCENT, alpha=0.2,
                    label=t(f"{level} interval", f"intervalle à {level}"))
    ax.set_title(title or t("Actual vs counterfactual", "Observé et contrefactuel"))
    ax.legend(loc="upper left", fontsize=8)
    post = s[s["post"]]
    ax = axes[1]
    ax.plot(s.index, s["point_effect"], color=plots.ACCENT, lw=1.2)
    ax.fill_between(s.index, s["point_effect_lower"], s["point_effect_upper"], color=plots.ACCENT, alpha=0.2)
    ax.axhline(0, color=plots.GREY, lw=0.8)
    ax.set_title(t(f"Pointwise effect (per {result.unit('en')})", f"Effet par {result.unit('fr')}"))
    ax = axes[2]
    ax.plot(post.index, post["cum_effect"], color=plots.ACCENT, lw=1.5)
    ax.fill_between(post.index, post["cum_effect_lower"], post["cum_effect_upper"], color=plots.ACCENT, alpha=0.2)
    ax.axhline(0, color=plots.GREY, lw=0.8)
    ax.set_title(t("Cumulative effect", "Effet cumulé"))
    for ax in axes:
        ax.axvline(result.post_period[0], color=plots.GREY, ls=":", lw=1)
        ax.set_ylabel("")
        plots.count_axis(ax, lang)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def impact_text(result: CausalImpactResult, lang: str = "en", unit: str | None = None,
                controls_label: str | None = None) -> str:
    """A plain-words report: what happened, what it means, what it assumes (Markdown
    that :func:`trafficlib.display.say` can show; numbers formatted for ``lang``)."""
    s = result.summary
    c, a = s.loc["cumulative"], s.loc["average"]
    n = lambda x: i18n.fmt_number(x, lang, 1 if abs(x) < 100 else 0)  # noqa: E731
    p = lambda x: i18n.fmt_pct(x, lang, 1)  # noqa: E731
    level = i18n.fmt_pct(1 - result.alpha, lang, 0)
    unit = unit or result.y
    ctl_fr = controls_label or ", ".join(result.controls) or "aucune"
    ctl_en = controls_label or ", ".join(result.controls) or "none"
    d0, d1 = (i18n.fmt_date(d.date(), lang) for d in result.post_period)
    sig = result.significant
    direction = "up" if c["abs_effect"] > 0 else "down"
    if lang == "fr":
        lines = [
            f"Du {d0} au {d1}, on a observé **{n(c['actual'])}** ({unit}), soit {n(a['actual'])} par {result.unit('fr')}. "
            f"Sans la campagne, le modèle en attendait {n(c['predicted'])} "
            f"(intervalle à {level} : {n(c['predicted_lower'])} à {n(c['predicted_upper'])}).",
            f"Effet estimé : **{n(c['abs_effect'])}** au total ({n(c['abs_effect_lower'])} à {n(c['abs_effect_upper'])}), "
            f"soit **{p(c['rel_effect'])}** ({p(c['rel_effect_lower'])} à {p(c['rel_effect_upper'])}).",
        ]
        if sig:
            lines.append(f"L'intervalle exclut zéro : la {'hausse' if direction == 'up' else 'baisse'} "
                         f"est très probablement réelle (probabilité d'un effet : {p(result.prob_effect)}, "
                         f"p = {i18n.fmt_number(result.p_value, lang, 3)}).")
        else:
            lines.append(f"L'intervalle contient zéro : on ne peut pas distinguer l'effet du bruit "
                         f"(probabilité d'un effet : {p(result.prob_effect)}, p = {i18n.fmt_number(result.p_value, lang, 3)}). "
                         "Cela ne prouve pas que la campagne n'a rien fait : l'effet est peut-être trop petit pour être vu.")
        lines.append(
            "Ce que cela suppose : la relation entre la série et les séries témoins "
            f"({ctl_fr}) apprise avant la campagne serait restée la même sans elle ; "
            "les séries témoins n'ont pas été touchées par la campagne ; rien d'autre (promotion, presse, panne) n'a changé "
            f"au même moment. Modèle : {result.describe('fr')}."
        )
    else:
        lines = [
            f"From {d0} to {d1}, **{n(c['actual'])}** ({unit}) were observed, {n(a['actual'])} a {result.unit('en')}. "
            f"Without the campaign the model expected {n(c['predicted'])} "
            f"({level} interval: {n(c['predicted_lower'])} to {n(c['predicted_upper'])}).",
            f"Estimated effect: **{n(c['abs_effect'])}** in total ({n(c['abs_effect_lower'])} to {n(c['abs_effect_upper'])}), "
            f"that is **{p(c['rel_effect'])}** ({p(c['rel_effect_lower'])} to {p(c['rel_effect_upper'])}).",
        ]
        if sig:
            lines.append(f"The interval excludes zero: the {'increase' if direction == 'up' else 'decrease'} is very "
                         f"likely real (probability of an effect: {p(result.prob_effect)}, "
                         f"p = {i18n.fmt_number(result.p_value, lang, 3)}).")
        else:
            lines.append(f"The interval includes zero: the effect cannot be told apart from noise "
                         f"(probability of an effect: {p(result.prob_effect)}, p = {i18n.fmt_number(result.p_value, lang, 3)}). "
                         "This does not prove the campaign did nothing: the effect may be too small to see.")
        lines.append(
            "What this assumes: the relationship between the series and its controls "
            f"({ctl_en}) learnt before the campaign would have held without it; "
            "the controls were not touched by the campaign; nothing else (a sale, press, an outage) changed at the "
            f"same time. Model: {result.describe('en')}."
        )
    lines.append(prior_text(result, lang))
    if result.prior != "auto" and result.info.get("log_bf_volatile", 0.0) > np.log(20):
        lines.append(i18n.text(
            lang,
            "Caution: the series' level moves more than CausalImpact's default prior expects "
            "(prior_level_sd = 0.01), so these intervals are probably too narrow; rerun with "
            "prior_level_sd=\"auto\" (the default) for intervals that let the data decide.",
            "Prudence : le niveau de la série bouge plus que ne le prévoit l'a priori par défaut de CausalImpact "
            "(prior_level_sd = 0,01) ; ces intervalles sont sans doute trop étroits. Relancer avec "
            "prior_level_sd=\"auto\" (le défaut) donne des intervalles où les données tranchent."))
    return "\n\n".join(lines)


def prior_text(result: CausalImpactResult, lang: str = "en") -> str:
    """Which level prior the result used, in plain words; under ``"auto"``, when R
    CausalImpact's default prior (0.01) gives a materially narrower interval (narrower by
    a third or more, :attr:`CausalImpactResult.r_default`), both answers side by side as
    a Markdown table. "" for the ``"mle"`` method."""
    prior = result.prior
    if prior is None:
        return ""
    if prior != "auto":
        sd = i18n.fmt_number(float(prior), lang, 2 if float(prior) >= 0.01 else 3)
        if abs(float(prior) - 0.01) < 1e-12:
            return i18n.text(lang, f"Level prior: R CausalImpact's default (prior_level_sd = {sd}), chosen explicitly: "
                                   "it assumes a steady level; the default \"auto\" lets the data decide.",
                             f"A priori sur le niveau : celui de CausalImpact sous R (prior_level_sd = {sd}), choisi "
                             "explicitement : il suppose un niveau stable ; le défaut « auto » laisse les données "
                             "trancher.")
        return i18n.text(lang, f"Level prior: prior_level_sd = {sd}, chosen explicitly.",
                         f"A priori sur le niveau : prior_level_sd = {sd}, choisi explicitement.")
    base = i18n.text(
        lang,
        "Level prior: data-driven (prior_level_sd = \"auto\": R CausalImpact's 0.01, which assumes a steady level, "
        "mixed with the 0.1 it suggests for volatile series, the data weighing the two).",
        "A priori sur le niveau : guidé par les données (prior_level_sd = « auto » : le 0,01 de CausalImpact sous R, "
        "qui suppose un niveau stable, mêlé au 0,1 qu'il conseille pour les séries volatiles, les données pondérant "
        "les deux).")
    other = result.r_default
    if other is None:
        return base
    c = result.summary.loc["cumulative"]
    pct = lambda x: i18n.fmt_pct(x, lang, 1)  # noqa: E731
    p3 = lambda x: f"< {i18n.fmt_number(0.001, lang, 3)}" if x < 0.0005 else i18n.fmt_number(x, lang, 3)  # noqa: E731
    to = i18n.text(lang, "to", "à")
    verdict = lambda sig: i18n.text(lang, "significant", "significatif") if sig else \
        i18n.text(lang, "not significant", "non significatif")  # noqa: E731
    level = i18n.fmt_pct(1 - result.alpha, lang, 0)
    head = i18n.text(lang, f"| prior | effect | {level} interval | p | verdict |",
                     f"| a priori | effet | intervalle à {level} | p | verdict |")
    rows = [
        head, "|---|---|---|---|---|",
        f"| {i18n.text(lang, 'data-driven (auto), this report', 'guidé par les données (auto), ce rapport')} | "
        f"{pct(c['rel_effect'])} | {pct(c['rel_effect_lower'])} {to} {pct(c['rel_effect_upper'])} | "
        f"{p3(result.p_value)} | {verdict(result.significant)} |",
        f"| {i18n.text(lang, 'R CausalImpact default (0.01)', 'défaut de CausalImpact sous R (0,01)')} | "
        f"{pct(other['rel_effect'])} | {pct(other['rel_effect_lower'])} {to} {pct(other['rel_effect_upper'])} | "
        f"{p3(other['p_value'])} | {verdict(other['significant'])} |",
    ]
    narrower = i18n.fmt_pct(1 - other["width_ratio"], lang, 0)
    why = i18n.text(
        lang,
        f"R's default prior gives an interval {narrower} narrower on these data. The data favour a more mobile "
        "level than that prior allows, so its narrower interval is overconfident: on simulated campaigns whose "
        "level drifts, its 95 % intervals miss the true effect far more often than 5 % of the time "
        "(benchmarks/causal_priors.py). Both answers:",
        f"L'a priori par défaut de R donne un intervalle plus étroit de {narrower} sur ces données. Les données "
        "préfèrent un niveau plus mobile que cet a priori ne le permet : son intervalle plus étroit est trop "
        "confiant ; sur des campagnes simulées dont le niveau dérive, ses intervalles à 95 % manquent le vrai effet "
        "bien plus souvent qu'une fois sur vingt (benchmarks/causal_priors.py). Les deux réponses :")
    return base + " " + why + "\n\n" + "\n".join(rows)
