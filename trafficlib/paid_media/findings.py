"""The display & social report's findings, ranked, each with its money at stake (in the
exports' currency) and a first action, in English or French; and, for each section the
files given cannot feed, the download that would (menu path in the platform's interface).
"""
from __future__ import annotations


import numpy as np
import pandas as pd

from trafficlib import i18n
from trafficlib.paid_media.breakdowns import available_breakdowns, breakdown, costly_segments
from trafficlib.paid_media.fatigue import creative_fatigue, fatigue_view
from trafficlib.paid_media.pacing import pacing
from trafficlib.paid_media.saturation import saturation, saturation_view
from trafficlib.paid_media.inputs import BREAKDOWNS
from trafficlib.findings import Finding, findings_table  # noqa: F401  (shared by the money reports)

__all__ = ["Finding", "findings", "findings_table", "DOWNLOADS", "section_note", "SEVERITY_ORDER", "month_name"]

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


# the download that feeds each section: (en, fr), menu paths as the interfaces name them
_META_BD = ("Meta Ads Manager: Campaigns > Breakdown > By delivery > {what}, then Reports > Export table data (CSV)",
            "Gestionnaire de publicités Meta : Campagnes > Ventilation > Par diffusion > {what}, puis Rapports > "
            "Exporter les données du tableau (CSV)")
_WHAT = {"age": ("Age", "Âge"), "gender": ("Gender", "Genre"), "region": ("Region", "Région"),
         "device": ("Impression device", "Appareil d'impression"), "placement": ("Placement", "Placement")}
_META_WHAT = {"placement": ("Platform and placement", "Plateforme et placement")}
_GOOGLE_BD = {"age": ("Google Ads: Campaigns > Audiences, keywords and content > Demographics > Age > Download",
                      "Google Ads : Campagnes > Audiences, mots clés et contenu > Données démographiques > Âge > "
                      "Télécharger"),
              "gender": ("Google Ads: Campaigns > Audiences, keywords and content > Demographics > Gender > Download",
                         "Google Ads : Campagnes > Audiences, mots clés et contenu > Données démographiques > Sexe > "
                         "Télécharger"),
              "region": ("Google Ads: Insights and reports > When and where ads showed > Locations > Download",
                         "Google Ads : Insights et rapports > Quand et où les annonces ont été diffusées > Zones "
                         "géographiques > Télécharger"),
              "device": ("Google Ads: Insights and reports > When and where ads showed > Devices > Download",
                         "Google Ads : Insights et rapports > Quand et où les annonces ont été diffusées > Appareils > "
                         "Télécharger"),
              "placement": ("Google Ads: Insights and reports > When and where ads showed > Where ads showed > "
                            "Download", "Google Ads : Insights et rapports > Quand et où les annonces ont été "
                            "diffusées > Emplacements des annonces > Télécharger")}
DOWNLOADS = {
    "fatigue": ("an export by ad and by day (Meta Ads Manager: Ads tab, Breakdown > By time > Day, columns with "
                "Reach and Frequency, then Reports > Export table data; TikTok Ads Manager: Ad tab, split by day, "
                "Export)",
                "un export par publicité et par jour (Gestionnaire de publicités Meta : onglet Publicités, Ventilation "
                "> Par période > Jour, colonnes avec Couverture et Répétition, puis Rapports > Exporter les données du "
                "tableau ; TikTok Ads Manager : onglet Publicité, par jour, Exporter)"),
    "saturation": ("an export by ad set with Reach, by week (Meta Ads Manager: Ad sets tab, Breakdown > By time > "
                   "Week, columns with Reach and Frequency, then Reports > Export table data)",
                   "un export par ensemble de publicités avec la Couverture, par semaine (Gestionnaire de publicités "
                   "Meta : onglet Ensembles de publicités, Ventilation > Par période > Semaine, colonnes avec "
                   "Couverture et Répétition, puis Rapports > Exporter les données du tableau)"),
    "pacing": ("a media plan: a CSV with the columns campaign, month, budget (the plan_file parameter, or a file "
               "with that header in the folder) and an export dated by day or week",
               "un plan média : un CSV aux colonnes campaign, month, budget (paramètre plan_file, ou un fichier à "
               "cet en-tête dans le dossier) et un export daté par jour ou par semaine"),
    "ga4": ("a GA4 export by session source / medium and campaign (GA4: Reports > Acquisition > Traffic acquisition, "
            "primary dimension Session source / medium, secondary Session campaign, then Share this report > "
            "Download file > CSV)",
            "un export GA4 par source / support et campagne de la session (GA4 : Rapports > Acquisition > "
            "Acquisition de trafic, dimension principale Source/Support de la session, secondaire Campagne de la "
            "session, puis Partager ce rapport > Télécharger le fichier > CSV)"),
}


def section_note(key: str, lang: str = "en", platforms=()) -> str:
    """One sentence for a section the files given cannot feed, naming the download that
    would (``key``: a breakdown of :data:`~trafficlib.paid_media.inputs.BREAKDOWNS`,
    "fatigue", "saturation", "pacing" or "ga4"); ``platforms`` present pick the menu
    paths shown (Meta's when none)."""
    t = lambda en, fr: i18n.text(lang, en, fr)  # noqa: E731
    if key in BREAKDOWNS:
        what = _META_WHAT.get(key, _WHAT[key])
        paths = []
        if not platforms or any(p.startswith("Meta") for p in platforms):
            paths.append(t(_META_BD[0].format(what=what[0]), _META_BD[1].format(what=what[1])))
        if any(p.startswith("Google") for p in platforms):
            paths.append(t(*_GOOGLE_BD[key]))
        if not paths:
            paths.append(t(_META_BD[0].format(what=what[0]), _META_BD[1].format(what=what[1])))
        name = t(*_WHAT[key]).lower()
        return t(f"No export is broken down by {name}. It would come from: " + "; ".join(paths) + ".",
                 f"Aucun export n'est ventilé par {name}. Il viendrait de : " + " ; ".join(paths) + ".")
    en, fr = DOWNLOADS[key]
    return t(f"Not available from these files: it needs {en}.", f"Indisponible avec ces fichiers : il faut {fr}.")


def month_name(month, lang: str = "en") -> str:
    """``"October 2026"`` / ``"octobre 2026"``."""
    from babel.dates import format_date

    return format_date(pd.Timestamp(month).date(), "MMMM y", locale=i18n.locale(lang))


def _m(x, lang, currency):
    return i18n.fmt_money(x, lang, currency=currency or "EUR", decimals=0) if currency else i18n.fmt_number(x, lang, 0)


def _q(x, lang):
    return f"« {x} »" if lang == "fr" else f"'{x}'"


def findings(views, plan: pd.DataFrame | None = None, lang: str = "en", currency: str | None = None,
             total_cost: float | None = None) -> list[Finding]:
    """Every finding the files allow, sorted by severity then money at stake:

    - creative fatigue (:func:`~trafficlib.paid_media.fatigue.creative_fatigue`): money =
      the spend since the ad tired x the CTR lost; high from 2 % of ``total_cost``;
    - audience saturation (:func:`~trafficlib.paid_media.saturation.saturation`): money =
      what results above the threshold frequency cost beyond the price below it; high from 5 %;
    - costly breakdown segments (:func:`~trafficlib.paid_media.breakdowns.costly_segments`):
      money = their excess cost; medium;
    - pacing (:func:`~trafficlib.paid_media.pacing.pacing`): money = gap between projected
      spend and budget, one finding per campaign (its month furthest from plan); high from
      20 % of the month's budget, medium below.
    """
    t = lambda en, fr: i18n.text(lang, en, fr)  # noqa: E731
    out: list[Finding] = []
    total = float(total_cost) if total_cost else np.nan

    def sev(money, high=0.05, medium=0.01):
        share = money / total if np.isfinite(total) and total > 0 else np.nan
        return "high" if share >= high else "medium" if share >= medium else "low"

    fv = fatigue_view(views)
    if fv is not None:
        cur = fv.currency or currency  # money in the export's own currency
        fat = creative_fatigue(fv)
        tired = fat[fat["fatigued"]] if len(fat) else fat
        for r in tired.itertuples():
            age = (pd.Timestamp(fv.frame["date"].max()) - r.first_day).days + 1
            freq = ("" if not np.isfinite(r.freq_now) else
                    t(f" Daily frequency {i18n.fmt_number(r.freq_fresh, lang, 1)} then {i18n.fmt_number(r.freq_now, lang, 1)}.",
                      f" Répétition quotidienne {i18n.fmt_number(r.freq_fresh, lang, 1)} puis {i18n.fmt_number(r.freq_now, lang, 1)}."))
            cpr = ("" if not (np.isfinite(r.cpr_fresh) and np.isfinite(r.cpr_now)) else
                   t(f" Cost per result {_m(r.cpr_fresh, lang, cur)} then {_m(r.cpr_now, lang, cur)}.",
                     f" Coût par résultat {_m(r.cpr_fresh, lang, cur)} puis {_m(r.cpr_now, lang, cur)}."))
            out.append(Finding(
                "fatigue", sev(r.money_at_stake, 0.02, 0.005),
                t(f"Creative fatigue: {_q(r.ad, lang)} lost {i18n.fmt_pct(-r.ctr_change, lang, 0)} of its CTR",
                  f"Lassitude créative : {_q(r.ad, lang)} a perdu {i18n.fmt_pct(-r.ctr_change, lang, 0)} de son CTR"),
                t(f"CTR {i18n.fmt_pct(r.ctr_fresh, lang, 2)} in its first week, {i18n.fmt_pct(r.ctr_now, lang, 2)} in "
                  f"the last one ({age} days in the export; the intervals do not overlap).{freq}{cpr} Tired since "
                  f"{i18n.fmt_date(r.tired_since, lang, long=True)}: {_m(r.money_at_stake, lang, cur)} of the "
                  f"{_m(r.cost_tired, lang, cur)} spent since bought clicks the fresh ad would have had.",
                  f"CTR {i18n.fmt_pct(r.ctr_fresh, lang, 2)} la première semaine, {i18n.fmt_pct(r.ctr_now, lang, 2)} la "
                  f"dernière ({age} jours dans l'export ; les intervalles ne se recouvrent pas).{freq}{cpr} Lassée "
                  f"depuis le {i18n.fmt_date(r.tired_since, lang, long=True)} : {_m(r.money_at_stake, lang, cur)} "
                  f"des {_m(r.cost_tired, lang, cur)} dépensés depuis ont payé des clics que la publicité neuve "
                  "aurait obtenus."),
                t("Replace the creative (new visual and hook) or rotate a fresh variant into the ad set.",
                  "Remplacer le visuel (nouvelle image, nouvelle accroche) ou faire tourner une variante neuve dans "
                  "l'ensemble de publicités."),
                float(r.money_at_stake), fat[fat["ad_key"] == r.ad_key]))
    sv = saturation_view(views)
    if sv is not None:
        cur = sv.currency or currency
        bins, v = saturation(sv)
        if np.isfinite(v["threshold"]):
            groups = ", ".join(_q(g, lang) for g in v["groups"]["group"].head(3))
            out.append(Finding(
                "saturation", sev(v["money_at_stake"]),
                t(f"Audience saturation: above a frequency of {i18n.fmt_number(v['threshold'], lang, 1)}, a result "
                  f"costs {_m(v['cpr_above'], lang, cur)} instead of {_m(v['cpr_below'], lang, cur)}",
                  f"Saturation de l'audience : au-delà d'une répétition de {i18n.fmt_number(v['threshold'], lang, 1)}, "
                  f"un résultat coûte {_m(v['cpr_above'], lang, cur)} au lieu de {_m(v['cpr_below'], lang, cur)}"),
                t(f"{_m(v['cost_above'], lang, cur)} was spent on rows at that frequency or more, mostly {groups}; "
                  f"the same results at the price below it would have cost {_m(v['money_at_stake'], lang, cur)} less.",
                  f"{_m(v['cost_above'], lang, cur)} ont été dépensés à cette répétition ou plus, surtout {groups} ; "
                  f"les mêmes résultats au prix d'en dessous auraient coûté {_m(v['money_at_stake'], lang, cur)} de moins."),
                t("Cap the frequency below the threshold, widen the audience (larger lookalike, broader interests) or "
                  "move budget to ad sets below it.",
                  "Plafonner la répétition sous ce seuil, élargir l'audience (similaire plus large, centres d'intérêt "
                  "plus larges) ou déplacer le budget vers les ensembles en dessous."),
                float(v["money_at_stake"]), v["groups"]))
    for name, view in available_breakdowns(views).items():
        if view is None:
            continue
        what = t(*_WHAT[name]).lower()
        cur = view.currency or currency
        frame = breakdown(views, name)
        bad = costly_segments(frame)
        if len(bad):
            r = bad.iloc[0]
            cpr = frame["cost"].sum() / frame["results"].sum()
            out.append(Finding(
                f"segment_{name}", "medium" if sev(r["excess_cost"]) != "low" else "low",
                t(f"{_q(r['segment'], lang)} ({what}) costs {_m(r['cost_per_result'], lang, cur)} per result",
                  f"{_q(r['segment'], lang)} ({what}) coûte {_m(r['cost_per_result'], lang, cur)} par résultat"),
                t(f"Against {_m(cpr, lang, cur)} across the {what} breakdown ({view.name}); its conversion rate is "
                  f"really lower than the others' (the intervals do not overlap). {_m(r['excess_cost'], lang, cur)} "
                  "more than its results would cost at the average.",
                  f"Contre {_m(cpr, lang, cur)} sur l'ensemble de la ventilation ({view.name}) ; son taux de "
                  f"conversion est réellement plus bas que celui des autres (les intervalles ne se recouvrent pas). "
                  f"{_m(r['excess_cost'], lang, cur)} de plus que ce que ses résultats coûteraient en moyenne."),
                t("Exclude it or lower its bid / budget share; check the creative fits it first.",
                  "L'exclure ou réduire sa part de budget ; vérifier d'abord que le visuel lui convient."),
                float(r["excess_cost"]), bad))
    if plan is not None and len(plan):
        pace = pacing(views, plan)
        off = pace[pace["status"].isin(["over", "under"])].drop_duplicates("campaign")  # its largest gap
        for r in off.head(3).itertuples():
            cur = r.currency if isinstance(r.currency, str) else currency
            share = r.money_at_stake / r.budget if r.budget else np.nan
            month = month_name(r.month, lang)
            over = r.status == "over"
            out.append(Finding(
                "pacing", "high" if share >= 0.2 else "medium",
                (t(f"{_q(r.campaign, lang)} spent {_m(r.projected, lang, cur)} of its "
                   f"{_m(r.budget, lang, cur)} budget for {month}",
                   f"{_q(r.campaign, lang)} a dépensé {_m(r.projected, lang, cur)} sur un budget de "
                   f"{_m(r.budget, lang, cur)} pour {month}") if r.days_with_data == r.days else
                 t(f"{_q(r.campaign, lang)} is on course to spend {_m(r.projected, lang, cur)} of its "
                   f"{_m(r.budget, lang, cur)} budget for {month}",
                   f"{_q(r.campaign, lang)} est en voie de dépenser {_m(r.projected, lang, cur)} sur un budget de "
                   f"{_m(r.budget, lang, cur)} pour {month}")),
                t(f"{_m(r.spent, lang, cur)} spent in {r.days_with_data} of {r.days} days "
                  f"({'over' if over else 'under'} plan by {i18n.fmt_pct(abs(r.pace - 1), lang, 0)}).",
                  f"{_m(r.spent, lang, cur)} dépensés en {r.days_with_data} jours sur {r.days} "
                  f"({'au-dessus' if over else 'en dessous'} du plan de {i18n.fmt_pct(abs(r.pace - 1), lang, 0)})."),
                t("Lower its daily budget to the plan's pace." if over else
                  "Check its delivery (bid, audience size, approvals) or move the unspent budget.",
                  "Baisser son budget quotidien au rythme du plan." if over else
                  "Vérifier sa diffusion (enchère, taille d'audience, validations) ou réaffecter le budget non dépensé."),
                float(r.money_at_stake), pace[pace["campaign"] == r.campaign]))
    out.sort(key=lambda f: (SEVERITY_ORDER[f.severity], -f.money))
    return out
