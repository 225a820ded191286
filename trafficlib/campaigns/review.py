"""The whole post-mortem (:func:`postmortem`) and its verdict in words."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from trafficlib import filecache, i18n
from trafficlib.campaigns.kpis import against_targets, kpis, pacing, select
from trafficlib.campaigns.lift import default_periods, incremental_economics, lift_series, site_outcomes
from trafficlib.campaigns.stats import rank_groups
from trafficlib.causal import CausalImpactResult, before_after, causal_impact, impact_text
from trafficlib.errors import TrafficDataError
from trafficlib.metrics import ratio as _div


@dataclass
class PostMortem:
    """Everything the post-mortem notebook shows; built by :func:`postmortem`."""

    campaign: list[str]
    start: pd.Timestamp
    end: pd.Timestamp
    total: pd.Series
    by_group: pd.DataFrame
    by_day: pd.DataFrame
    by_platform: pd.DataFrame
    targets: pd.DataFrame
    pacing: pd.DataFrame
    groups_ranked: pd.DataFrame
    ads_ranked: pd.DataFrame
    site: dict
    lift: CausalImpactResult | None
    lift_by_kpi: dict[str, CausalImpactResult] = field(default_factory=dict)
    economics: pd.DataFrame | None = None
    before_after: pd.DataFrame | None = None
    kpi: str = "sessions"
    budget: float | None = None
    target_cpa: float | None = None
    target_roas: float | None = None
    control: str = "others"
    treated: dict = field(default_factory=dict)
    #: (en, fr) words for the control series, when not "the same KPI outside the segment"
    control_label: tuple[str, str] | None = None

    def verdict(self, lang: str = "en") -> str:
        """The one-screen verdict in plain words (see :func:`verdict_text`)."""
        return verdict_text(self, lang)

    def lift_text(self, lang: str = "en") -> str:
        """:func:`impact_text` for the judged KPI, naming the segment and its control."""
        if self.lift is None:
            return ""
        en, fr = _KPI_WORDS.get(self.kpi, (self.kpi, self.kpi))
        (dim, value), = (self.treated or {"country": "FR"}).items()
        if self.control_label:
            ctl = i18n.text(lang, *self.control_label)
        elif self.control == "none":
            ctl = i18n.text(lang, "none", "aucune")
        else:
            ctl = i18n.text(lang, f"the same KPI outside {dim} {value}", f"le même indicateur hors {dim} {value}")
        return impact_text(self.lift, lang, unit=i18n.text(lang, f"{en}, {dim} {value}", f"{fr}, {dim} {value}"),
                           controls_label=ctl)


@filecache.by_content  # the en and fr reports compute it once
def postmortem(ad_spend: pd.DataFrame, sessions: pd.DataFrame | None, campaign: str | Sequence[str],
               start, end, budget: float | None = None, target_cpa: float | None = None,
               target_roas: float | None = None, kpi: str = "sessions", control: str = "others",
               treated: dict | None = None, pre_days: int | None = None, rate_method: str = "wilson",
               seed: int = 0, prior_level_sd: float | str = "auto") -> PostMortem:
    """Run the whole post-mortem of ``campaign`` over its flight ``start``..``end``.

    ``control="others"`` estimates the causal lift of the campaign on the ``treated``
    segment (default ``{"country": "FR"}``) against the same KPI in all other segments;
    ``control="none"`` has no control series: the lift is a weekday-matched before/after
    comparison (weaker evidence) and the structural model runs without regressors.
    The lift is computed for ``kpi`` and, for incremental CPA / ROAS, for conversions and
    revenue. ``sessions=None`` skips site outcomes and lift. ``prior_level_sd``: the
    level prior of :func:`trafficlib.causal.causal_impact` (``"auto"``, the data-driven
    default, or R CausalImpact's ``0.01``); the lift text names it and, under "auto",
    shows R's answer beside ours when R's interval would be materially narrower.
    """
    names = [campaign] if isinstance(campaign, str) else list(campaign)
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    rows = select(ad_spend, names, start, end)
    if rows.empty:
        raise TrafficDataError(f"no ad spend for {', '.join(names)} between {start.date()} and {end.date()}",
                               column="date")
    total = kpis(rows, by=None).iloc[0]
    by_group = kpis(rows, by=["platform", "campaign", "ad_group"]) if rows["ad_group"].notna().any() else kpis(rows)
    by_day = kpis(rows, by="date")
    by_platform = kpis(rows, by="platform")
    pace = pacing(rows, start, end, budget) if budget else pacing(rows, start, end, float(total["cost"]))
    ranked = rank_groups(rows, by="ad_group", rate="ctr", method=rate_method) if rows["ad_group"].notna().any() else pd.DataFrame()
    ads = rank_groups(rows, by="ad", rate="ctr", method=rate_method) if rows["ad"].notna().any() else pd.DataFrame()
    site, lift, by_kpi, econ, ba = {}, None, {}, None, None
    treated = treated or {"country": "FR"}
    if sessions is not None:
        site = site_outcomes(sessions, names, start, end)
        for k in dict.fromkeys([kpi, "conversions", "revenue"]):
            daily = lift_series(sessions, kpi=k, treated=treated)
            daily = daily.loc[:end]
            pre, post = default_periods(daily, start, end, pre_days)
            ctl = ["control"] if control != "none" else []
            by_kpi[k] = causal_impact(daily, pre, post, y="treated", controls=ctl, seed=seed,
                                      prior_level_sd=prior_level_sd, compare_prior=k == kpi)
            if k == kpi:
                ba = before_after(daily, (max(pre[0], start - pd.Timedelta(days=56)), pre[1]), post, y="treated")
        lift = by_kpi[kpi]
        econ = incremental_economics(float(total["cost"]), by_kpi.get("conversions"), by_kpi.get("revenue"))
        total = total.copy()
        total["incremental_cpa"] = econ.loc["incremental_cpa", "estimate"]
        total["incremental_roas"] = econ.loc["incremental_roas", "estimate"]
    targets = against_targets(total, budget, target_cpa, target_roas)
    return PostMortem(
        campaign=names, start=start, end=end, total=total, by_group=by_group, by_day=by_day,
        by_platform=by_platform, targets=targets, pacing=pace, groups_ranked=ranked, ads_ranked=ads,
        site=site, lift=lift, lift_by_kpi=by_kpi, economics=econ, before_after=ba, kpi=kpi,
        budget=budget, target_cpa=target_cpa, target_roas=target_roas, control=control, treated=treated,
    )


_KPI_WORDS = {"sessions": ("sessions", "sessions"), "conversions": ("conversions", "conversions"),
              "revenue": ("revenue", "chiffre d'affaires"),
              "interest": ("Google Trends interest points", "points d'intérêt Google Trends")}


def verdict_text(pm: PostMortem, lang: str = "en") -> str:
    """The verdict in plain words: cost (vs budget), what the platform claims, what the
    site gained because of the campaign (lift with its interval), incremental ROAS / CPA
    vs target, and a bottom line. Markdown for :func:`trafficlib.display.say`."""
    fr = lang == "fr"
    money = lambda x: i18n.fmt_money(x, lang, decimals=0)  # noqa: E731
    num = lambda x: i18n.fmt_number(x, lang, 1 if abs(x) < 10 else 0)  # noqa: E731
    ratio = lambda x: i18n.fmt_number(x, lang, 2)  # noqa: E731
    pct = lambda x: i18n.fmt_pct(x, lang, 0)  # noqa: E731
    t = pm.total
    name = ", ".join(pm.campaign)
    d0, d1 = i18n.fmt_date(pm.start.date(), lang), i18n.fmt_date(pm.end.date(), lang)
    parts = []
    cost = float(t["cost"]) if "cost" in t else float("nan")
    if np.isnan(cost):
        pass
    elif pm.budget:
        share = cost / pm.budget
        parts.append(i18n.text(
            lang,
            f"**Cost.** {name} ran from {d0} to {d1} and spent **{money(cost)}**, {pct(share)} of its {money(pm.budget)} budget.",
            f"**Coût.** {name} a tourné du {d0} au {d1} et a dépensé **{money(cost)}**, soit {pct(share)} de son budget de {money(pm.budget)}."))
    else:
        parts.append(i18n.text(lang, f"**Cost.** {name} ran from {d0} to {d1} and spent **{money(cost)}**.",
                               f"**Coût.** {name} a tourné du {d0} au {d1} et a dépensé **{money(cost)}**."))
    conv, cpa, roas = t.get("conversions", np.nan), t.get("cpa", np.nan), t.get("roas", np.nan)
    parts.append("" if np.isnan(cost) else i18n.text(
        lang,
        f"**What the platform claims.** {num(conv)} conversions (CPA {money(cpa)}), ROAS {ratio(roas)}, "
        f"by its own attribution, which counts anyone who saw or clicked an ad.",
        f"**Ce que revendique la plateforme.** {num(conv)} conversions (CPA {money(cpa)}), ROAS {ratio(roas)}, "
        f"selon sa propre attribution, qui compte toute personne ayant vu ou cliqué une annonce."))
    if pm.lift is not None:
        c = pm.lift.summary.loc["cumulative"]
        w_en, w_fr = _KPI_WORDS.get(pm.kpi, (pm.kpi, pm.kpi))
        fmt_k = money if pm.kpi == "revenue" else num
        if pm.lift.significant:
            what_en = f"caused about **{fmt_k(c['abs_effect'])}** extra {w_en} ({fmt_k(c['abs_effect_lower'])} to {fmt_k(c['abs_effect_upper'])}, 95 % interval), {i18n.fmt_delta(c['rel_effect'], lang)} over what was expected without it"
            what_fr = f"a causé environ **{fmt_k(c['abs_effect'])}** {w_fr} de plus ({fmt_k(c['abs_effect_lower'])} à {fmt_k(c['abs_effect_upper'])}, intervalle à 95 %), {i18n.fmt_delta(c['rel_effect'], lang)} par rapport à l'attendu sans elle"
        else:
            what_en = f"shows no effect on {w_en} that can be told from noise (estimate {fmt_k(c['abs_effect'])}, 95 % interval {fmt_k(c['abs_effect_lower'])} to {fmt_k(c['abs_effect_upper'])})"
            what_fr = f"ne montre pas d'effet sur les {w_fr} distinguable du bruit (estimation {fmt_k(c['abs_effect'])}, intervalle à 95 % de {fmt_k(c['abs_effect_lower'])} à {fmt_k(c['abs_effect_upper'])})"
        if pm.control_label and pm.control != "none":
            basis_en, basis_fr = (f"compared with {pm.control_label[0]}",
                                  f"par comparaison avec {pm.control_label[1]}")
        else:
            basis_en = basis_fr = None
        basis_en = basis_en or ("compared with the untargeted segments" if pm.control != "none" else "from the series' own history, without a control series (weaker evidence)")
        basis_fr = basis_fr or ("par comparaison avec les segments non ciblés" if pm.control != "none" else "d'après l'historique de la série seul, sans série témoin (preuve plus faible)")
        parts.append(i18n.text(lang, f"**What it caused.** The campaign {what_en}, {basis_en}.",
                               f"**Ce qu'elle a causé.** La campagne {what_fr}, {basis_fr}."))
    econ = pm.economics
    if econ is not None and "incremental_roas" in econ.index:
        r = econ.loc["incremental_roas"]
        line_en = f"**Incremental ROAS {ratio(r['estimate'])}** (95 % interval {ratio(r['lower'])} to {ratio(r['upper'])})"
        line_fr = f"**ROAS incrémental {ratio(r['estimate'])}** (intervalle à 95 % : {ratio(r['lower'])} à {ratio(r['upper'])})"
        if pm.target_roas:
            if r["lower"] >= pm.target_roas:
                v_en, v_fr = "above the target even at the low end", "au-dessus de l'objectif même en bas de l'intervalle"
            elif r["upper"] < pm.target_roas:
                v_en, v_fr = "below the target even at the high end", "sous l'objectif même en haut de l'intervalle"
            elif r["estimate"] >= pm.target_roas:
                v_en, v_fr = "probably above the target, but the interval includes it", "probablement au-dessus de l'objectif, mais l'intervalle l'inclut"
            else:
                v_en, v_fr = "probably below the target, but the interval includes it", "probablement sous l'objectif, mais l'intervalle l'inclut"
            line_en += f" against a target of {ratio(pm.target_roas)}: {v_en}."
            line_fr += f" pour un objectif de {ratio(pm.target_roas)} : {v_fr}."
        else:
            line_en += "."
            line_fr += "."
        if "incremental_cpa" in econ.index and not np.isnan(econ.loc["incremental_cpa", "estimate"]):
            ic = econ.loc["incremental_cpa", "estimate"]
            tgt_en = f" (target {money(pm.target_cpa)})" if pm.target_cpa else ""
            tgt_fr = f" (objectif {money(pm.target_cpa)})" if pm.target_cpa else ""
            line_en += f" Incremental CPA {money(ic)}{tgt_en}."
            line_fr += f" CPA incrémental {money(ic)}{tgt_fr}."
        claim_gap = _div(float(t.get("roas", np.nan)), r["estimate"])
        if not np.isnan(claim_gap) and claim_gap > 1.2:
            line_en += f" The platform's ROAS is {ratio(claim_gap)}× the incremental one: much of what it claims would have happened anyway."
            line_fr += f" Le ROAS de la plateforme vaut {ratio(claim_gap)} fois le ROAS incrémental : une bonne part de ce qu'elle revendique serait arrivé de toute façon."
        parts.append(i18n.text(lang, line_en, line_fr))
        if pm.target_roas:
            good = r["estimate"] >= pm.target_roas
            sure = r["lower"] >= pm.target_roas or r["upper"] < pm.target_roas
            if good and sure:
                bl = ("**Bottom line: it paid off; worth renewing.**", "**En bref : elle a été rentable ; à reconduire.**")
            elif good:
                bl = ("**Bottom line: probably profitable, not proven; renew with a holdout to confirm.**",
                      "**En bref : probablement rentable, sans certitude ; reconduire avec un groupe témoin pour confirmer.**")
            elif sure:
                bl = ("**Bottom line: it did not pay for itself at the target; rethink targeting or budget.**",
                      "**En bref : elle n'a pas atteint l'objectif de rentabilité ; revoir le ciblage ou le budget.**")
            else:
                bl = ("**Bottom line: probably below target, not proven; test at a smaller budget before renewing.**",
                      "**En bref : probablement sous l'objectif, sans certitude ; tester à budget réduit avant de reconduire.**")
            parts.append(bl[1] if fr else bl[0])
    return "\n\n".join(p for p in parts if p)
