"""The lead report's findings, ranked, each with its money at stake and a first action (fr/en)."""
from __future__ import annotations


import numpy as np
import pandas as pd

from trafficlib import i18n
from trafficlib.findings import Finding, findings_table  # noqa: F401  (shared by the money reports)

__all__ = ["Finding", "findings", "findings_table"]

_SEV = {"high": 0, "medium": 1, "low": 2}


def _m(x, lang, cur):
    return i18n.fmt_money(x, lang, currency=cur, decimals=0)


def _p(x, lang):
    return i18n.fmt_pct(x, lang)


def findings(conv: pd.DataFrame, pages: pd.DataFrame | None = None, costs: pd.DataFrame | None = None,
             prepared: pd.DataFrame | None = None, stale_days: float | None = None, offline: pd.DataFrame | None = None,
             lang: str = "en", currency: str = "EUR", min_won: int = 5) -> list[Finding]:
    """Findings from the report's tables, sorted by severity then money at stake:

    - ``budget``: the paid channel with the highest cost per won deal against the one with
      the lowest (:func:`trafficlib.leads.cost.cost_table`), both with at least
      ``min_won`` won deals and 1.5 times apart (fewer deals are noise); money = what its
      won deals cost beyond the best channel's cost per won deal; high when that is 20 %
      of its spend or more;
    - ``weak_channel``: a channel whose qualified -> won rate is below the overall rate
      with its whole Wilson interval (:func:`~trafficlib.leads.funnel.conversion`); money
      = the deals it would have won at the overall rate x the average won value;
    - ``weak_page``: a landing page whose share of qualified leads is, with its whole
      interval, below the overall share; money = the qualified leads missing x the overall
      qualified -> won rate x the average won value (when every lead is qualified, a file
      of marketing-qualified leads: its share of won leads against the overall one);
    - ``stale``: open qualified leads older than ``stale_days`` (the days by which three
      quarters of leads close): money = their count x the qualified -> won rate x the
      average won value;
    - ``offline``: won deals with a Google click id ready to send to Google Ads (money =
      their value; low severity, an action rather than a loss).
    """
    t = lambda en, fr: i18n.text(lang, en, fr)  # noqa: E731
    out: list[Finding] = []
    tot = conv[conv.iloc[:, 0] == "Total"]
    rows = conv[conv.iloc[:, 0] != "Total"]
    overall_qw = float(tot["qualified_to_won"].iloc[0]) if len(tot) else np.nan
    overall_lq = float(tot["lead_to_qualified"].iloc[0]) if len(tot) else np.nan
    won_n = float(tot["won"].iloc[0]) if len(tot) else 0
    avg_value = float(tot["value"].iloc[0]) / won_n if len(tot) and won_n and pd.notna(tot["value"].iloc[0]) else np.nan
    if costs is not None and len(costs):
        c = costs[(costs["channel"] != "Total") & costs["cost_per_won"].notna() & (costs["won"] >= min_won)]
        best = c.loc[c["cost_per_won"].idxmin()] if len(c) >= 2 else None
        worst = c.loc[c["cost_per_won"].idxmax()] if len(c) >= 2 else None
        if best is not None and worst["cost_per_won"] >= 1.5 * best["cost_per_won"]:
            excess = float(worst["cost"] - worst["won"] * best["cost_per_won"])
            share = excess / float(worst["cost"]) if worst["cost"] else 0
            out.append(Finding(
                "budget", "high" if share >= 0.2 else "medium",
                t(f"A deal won through {worst['channel']} costs {_m(worst['cost_per_won'], lang, currency)}, "
                  f"{worst['cost_per_won'] / best['cost_per_won']:.1f}× {best['channel']}'s "
                  f"({_m(best['cost_per_won'], lang, currency)})",
                  f"Une affaire gagnée via {worst['channel']} coûte {_m(worst['cost_per_won'], lang, currency)}, "
                  f"{i18n.fmt_number(worst['cost_per_won'] / best['cost_per_won'], lang, 1)} fois celle de "
                  f"{best['channel']} ({_m(best['cost_per_won'], lang, currency)})"),
                t(f"{worst['channel']}: {_m(worst['cost'], lang, currency)} spent, {int(worst['leads'])} leads at "
                  f"{_m(worst['cost_per_lead'], lang, currency)}, {int(worst['won'])} won. A cheap lead is not a cheap "
                  f"sale: at {best['channel']}'s cost per won deal its {int(worst['won'])} deals would have cost "
                  f"{_m(excess, lang, currency)} less.",
                  f"{worst['channel']} : {_m(worst['cost'], lang, currency)} dépensés, {int(worst['leads'])} leads à "
                  f"{_m(worst['cost_per_lead'], lang, currency)}, {int(worst['won'])} gagnés. Un lead bon marché n'est "
                  f"pas une vente bon marché : au coût par affaire de {best['channel']}, ses {int(worst['won'])} "
                  f"affaires auraient coûté {_m(excess, lang, currency)} de moins."),
                t(f"Move budget from {worst['channel']} to {best['channel']} step by step, and judge campaigns on "
                  "cost per won deal (send won deals to the platforms), not on cost per lead.",
                  f"Déplacer du budget de {worst['channel']} vers {best['channel']} par paliers, et juger les "
                  "campagnes sur le coût par affaire gagnée (envoyer les ventes aux plateformes), pas sur le coût "
                  "par lead."),
                excess, c))
    if np.isfinite(overall_qw) and np.isfinite(avg_value):
        weak = rows[(rows["qualified_to_won_high"] < overall_qw - 1e-9) & (rows["qualified"] >= 10)]
        for _, r in weak.iterrows():
            missing = (overall_qw - r["qualified_to_won"]) * r["qualified"]
            if missing < 1:
                continue
            out.append(Finding(
                "weak_channel", "medium",
                t(f"Qualified leads from {r['channel']} are won {_p(r['qualified_to_won'], lang)} of the time, "
                  f"against {_p(overall_qw, lang)} overall",
                  f"Les leads qualifiés de {r['channel']} sont gagnés dans {_p(r['qualified_to_won'], lang)} des cas, "
                  f"contre {_p(overall_qw, lang)} en moyenne"),
                t(f"{int(r['won'])} won of {int(r['qualified'])} qualified (95% interval "
                  f"{_p(r['qualified_to_won_low'], lang)}–{_p(r['qualified_to_won_high'], lang)}); at the overall rate, "
                  f"{missing:.0f} more deals, about {_m(missing * avg_value, lang, currency)}.",
                  f"{int(r['won'])} gagnés sur {int(r['qualified'])} qualifiés (intervalle à 95 % "
                  f"{_p(r['qualified_to_won_low'], lang)}–{_p(r['qualified_to_won_high'], lang)}) ; au taux moyen, "
                  f"{missing:.0f} affaires de plus, environ {_m(missing * avg_value, lang, currency)}."),
                t("Review with sales what these leads lack (budget, timing, fit) and tighten the channel's "
                  "targeting or the form's questions.",
                  "Revoir avec les commerciaux ce qui manque à ces leads (budget, délai, cible) et resserrer le "
                  "ciblage du canal ou les questions du formulaire."),
                float(missing * avg_value), r.to_frame().T))
    if pages is not None and len(pages) and np.isfinite(overall_lq) and np.isfinite(overall_qw) \
            and np.isfinite(avg_value):
        weak = pages[(pages["qualified_high"] < overall_lq - 1e-9) & (pages["page"] != "(other pages)")]
        for _, r in weak.iterrows():
            missing_q = (overall_lq - r["qualified_rate"]) * r["leads"]
            if missing_q < 1:  # an interval a hair below a rate of 100 %: nothing is missing
                continue
            money = missing_q * overall_qw * avg_value
            out.append(Finding(
                "weak_page", "medium",
                t(f"Only {_p(r['qualified_rate'], lang)} of the leads from {r['page']} are qualified "
                  f"(overall {_p(overall_lq, lang)})",
                  f"Seuls {_p(r['qualified_rate'], lang)} des leads venus de {r['page']} sont qualifiés "
                  f"(moyenne {_p(overall_lq, lang)})"),
                t(f"{int(r['leads'])} leads, {int(r['qualified'])} qualified; at the overall share, {missing_q:.0f} more "
                  f"qualified leads, worth about {_m(money, lang, currency)} in won deals.",
                  f"{int(r['leads'])} leads, {int(r['qualified'])} qualifiés ; à la part moyenne, {missing_q:.0f} "
                  f"leads qualifiés de plus, environ {_m(money, lang, currency)} d'affaires gagnées."),
                t("Look at what this page's form asks and promises; point its traffic to a page built for quote "
                  "requests.",
                  "Regarder ce que le formulaire de cette page demande et promet ; orienter son trafic vers une page "
                  "conçue pour les demandes de devis."),
                float(money), r.to_frame().T))
    if pages is not None and len(pages) and np.isfinite(overall_lq) and overall_lq >= 1 - 1e-9 \
            and np.isfinite(avg_value) and len(tot):
        overall_lw = float(tot["lead_to_won"].iloc[0])
        weak = pages[(pages["won_high"] < overall_lw - 1e-9) & (pages["page"] != "(other pages)")]
        for _, r in weak.iterrows():
            missing = (overall_lw - r["won_rate"]) * r["leads"]
            if missing < 1:
                continue
            out.append(Finding(
                "weak_page", "medium",
                t(f"Only {_p(r['won_rate'], lang)} of the leads from {r['page']} are won (overall {_p(overall_lw, lang)})",
                  f"Seuls {_p(r['won_rate'], lang)} des leads venus de {r['page']} sont gagnés (moyenne "
                  f"{_p(overall_lw, lang)})"),
                t(f"{int(r['leads'])} leads, {int(r['won'])} won; at the overall rate, {missing:.0f} more deals, "
                  f"about {_m(missing * avg_value, lang, currency)}.",
                  f"{int(r['leads'])} leads, {int(r['won'])} gagnés ; au taux moyen, {missing:.0f} affaires de plus, "
                  f"environ {_m(missing * avg_value, lang, currency)}."),
                t("Look at what this page promises and who it draws; point its traffic to the pages whose leads are "
                  "won.",
                  "Regarder ce que cette page promet et qui elle attire ; orienter son trafic vers les pages dont les "
                  "leads sont gagnés."),
                float(missing * avg_value), r.to_frame().T))
    if prepared is not None and stale_days and np.isfinite(stale_days) and np.isfinite(overall_qw) \
            and np.isfinite(avg_value):
        open_q = prepared[prepared["qualified"] & ~prepared["won"] & ~prepared["lost"]
                          & (prepared["age_days"] > stale_days)]
        if len(open_q):
            money = len(open_q) * overall_qw * avg_value
            out.append(Finding(
                "stale", "medium" if len(open_q) >= 10 else "low",
                t(f"{len(open_q)} qualified leads open for more than {stale_days:.0f} days",
                  f"{len(open_q)} leads qualifiés ouverts depuis plus de {stale_days:.0f} jours"),
                t(f"Three quarters of leads are closed by {stale_days:.0f} days; these are older. At the overall "
                  f"win rate they hold about {_m(money, lang, currency)}.",
                  f"Les trois quarts des leads sont clos en {stale_days:.0f} jours ; ceux-ci sont plus anciens. Au "
                  f"taux de gain moyen, ils représentent environ {_m(money, lang, currency)}."),
                t("Give sales the list: call them back this week, or close them as lost so the pipeline tells "
                  "the truth.",
                  "Donner la liste aux commerciaux : les rappeler cette semaine, ou les clore comme perdus pour que "
                  "le pipeline dise vrai."),
                float(money), open_q))
    if offline is not None and len(offline):
        value = float(offline.attrs.get("value", 0.0))
        out.append(Finding(
            "offline", "low",
            t(f"{len(offline)} won deals can be sent to Google Ads as offline conversions "
              f"({_m(value, lang, currency)})",
              f"{len(offline)} affaires gagnées peuvent être envoyées à Google Ads en conversions hors ligne "
              f"({_m(value, lang, currency)})"),
            t("They carry the Google click id of the ad that brought the lead: Smart Bidding can then aim at "
              "sales instead of form fills.",
              "Elles portent l'identifiant de clic Google de l'annonce qui a amené le lead : les enchères "
              "automatiques peuvent alors viser des ventes plutôt que des formulaires."),
            t("Upload the file below in Google Ads (Goals > Conversions > Uploads) every week.",
              "Importer le fichier ci-dessous dans Google Ads (Objectifs > Conversions > Importations) chaque "
              "semaine."),
            value, offline))
    out.sort(key=lambda f: (_SEV[f.severity], -(f.money if np.isfinite(f.money) else 0)))
    return out
