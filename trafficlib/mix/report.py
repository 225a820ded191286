"""The media-mix report's views: tables, charts and sentences, in English and French,
from a fitted :class:`~trafficlib.mix.result.MixResult` and the inputs of
:func:`trafficlib.mix.inputs.load_mix_inputs`.

Definitions used throughout (and said in the report):

- **ROI** of a channel: the outcome the channel brought over the modelled weeks divided
  by its spend over those weeks, posterior median and 90 % interval (5th-95th
  percentiles). With a money outcome (revenue) it is currency units of outcome per
  currency unit spent; otherwise outcome units per 1,000 currency units (``scale`` 1000:
  "conversions per 1,000 €"). :func:`roi_scale` gives the factor.
- **Marginal ROI**: the outcome of the next currency unit at the spend of the modelled weeks, same units.
- **The shift**: :meth:`~trafficlib.mix.result.MixResult.optimize`, the same budget over
  the next weeks spread within bounds (multiples of today's spend), with its expected
  uplift (median, 90 % interval) and the probability that it is positive.
- **Attribution ROAS**: what a path-based attribution model (last touch, Markov,
  Shapley... :mod:`trafficlib.attribution`) credits to a channel from the touchpoints
  file, divided by the channel's spend over the same weeks.

Everything a stranger wrote (channel names, file names) is shown through
:mod:`trafficlib.display`, which escapes it; the sentences here are plain text for
:func:`trafficlib.display.findings` or templates for :func:`trafficlib.display.say`.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from trafficlib import i18n, plots
from trafficlib.findings import Finding, findings_table

__all__ = ["LABELS", "FORMATS", "labels", "controls_of", "fit_inputs", "roi_scale", "unit_text", "outcome_name",
           "roi_view", "plot_roi", "plot_contributions", "mroi_view", "plot_response_curves", "plan_view",
           "plot_plan", "plan_facts", "trust", "trust_view", "warnings", "plot_fit", "attribution_roas",
           "side_by_side_view", "plot_side_by_side", "exports_table", "read_notes", "headline_cards", "findings",
           "findings_table", "parse_channel_map", "warning_table", "warning_heading", "attribution_side",
           "no_touchpoints_text", "side_period", "intro_text", "roi_definition", "trust_verdict", "attribution_text",
           "colours", "skipped_table", "view_formats", "period_text", "num_text", "money_text", "pct_text",
           "DEFAULT_MODELS",
           "COVERAGE_MIN", "MAPE_MAX"]

COVERAGE_MIN = 0.6   # held-out weeks inside the 90 % interval below this share: the fit is not trusted
MAPE_MAX = 20.0      # held-out MAPE (%) above this: the fit is not trusted
DEFAULT_MODELS = ("last_touch", "linear", "markov", "shapley")

LABELS = {
    "channel": ("Channel", "Canal"), "spend": ("Spend", "Dépense"),
    "contribution": ("Outcome brought", "Résultat apporté"), "contribution_ci": ("90% interval", "Intervalle 90 %"),
    "share": ("Share of the outcome", "Part du résultat"), "roi": ("ROI", "ROI"),
    "roi_ci": ("ROI 90% interval", "ROI intervalle 90 %"), "mroi": ("Next-euro ROI", "ROI du prochain euro"),
    "mroi_ci": ("90% interval", "Intervalle 90 %"), "verdict": ("Reading", "Lecture"),
    "current": ("Weekly spend today", "Dépense hebdo. actuelle"),
    "weekly_spend": ("Average weekly spend", "Dépense hebdo. moyenne"),
    "recommended": ("Recommended weekly spend", "Dépense hebdo. recommandée"),
    "change": ("Change per week", "Écart par semaine"), "change_pct": ("Change", "Écart"),
    "bounds": ("Allowed range", "Plage autorisée"),
    "mroi_current": ("Next-euro ROI today", "ROI du prochain euro aujourd'hui"),
    "mroi_recommended": ("Next-euro ROI after", "ROI du prochain euro après"),
    "check": ("Check", "Contrôle"), "value": ("Value", "Valeur"), "target": ("Good when", "Bon si"),
    "status": ("Status", "État"), "mmm_roi": ("Media-mix ROI", "ROI media mix"),
    "mmm_ci": ("90% interval", "Intervalle 90 %"), "file": ("File", "Fichier"), "kind": ("Export", "Export"),
    "rows": ("Rows", "Lignes"), "dates": ("Days", "Jours"), "why": ("Why skipped", "Raison"),
    "role": ("Used for", "Sert à"), "channels": ("Channels", "Canaux"),
}
FORMATS = {"spend": "money0", "current": "money0", "weekly_spend": "money0", "recommended": "money0",
           "change": "money0",
           "change_pct": "delta", "share": "pct", "rows": "int"}


def labels(lang: str = "en", extra: dict | None = None) -> dict[str, str]:
    """Column labels of the report's tables in ``lang`` (``extra``: more, already translated)."""
    return {**{k: i18n.text(lang, *v) for k, v in LABELS.items()}, **(extra or {})}


def _t(lang: str, en: str, fr: str) -> str:
    return i18n.text(lang, en, fr)


def num_text(x, lang: str = "en", decimals: int = 2) -> str:
    """A number as the report writes it (``1,25`` in French)."""
    return i18n.fmt_number(x, lang, decimals)


def money_text(x, lang: str = "en", currency: str = "EUR", decimals: int = 0) -> str:
    return i18n.fmt_money(x, lang, currency, decimals)


def pct_text(fraction, lang: str = "en", decimals: int = 0) -> str:
    return i18n.fmt_pct(fraction, lang, decimals)


def _symbol(currency: str, lang: str) -> str:
    from babel.numbers import get_currency_symbol

    try:
        return get_currency_symbol(currency, locale=i18n.locale(lang))
    except Exception:  # noqa: BLE001
        return currency


_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf",
            "#393b79", "#ad494a", "#637939")


def colours(channels) -> dict[str, str]:
    """One distinct colour per channel of the model, in the model's order (the house
    colour when the name is a GA4 channel group), the same in every chart of the report."""
    out, k = {}, 0
    for c in channels:
        c = str(c)
        if c in plots.CHANNEL_COLORS:
            out[c] = plots.CHANNEL_COLORS[c]
        else:
            out[c] = _PALETTE[k % len(_PALETTE)]
            k += 1
    return out


# ------------------------------------------------------------------ the fit


def controls_of(table: pd.DataFrame, channels, outcome: str, date: str = "date") -> list[str]:
    """Numeric columns of the weekly table that are neither the date, a channel's spend or
    impressions, nor the outcome (a promotion flag, a price index): the fit's controls."""
    skip = {date, outcome, *channels, *(f"{c}_impressions" for c in channels)}
    return [c for c in table.columns if c not in skip and pd.api.types.is_numeric_dtype(table[c])
            and not pd.api.types.is_bool_dtype(table[c]) and table[c].nunique() > 1]


def fit_inputs(inputs: dict, holidays_country: str = "FR", holdout_weeks: int = 8, draws: int = 1000,
               tune: int = 1000, chains: int = 4, seed: int = 0, **kw):
    """Fit :func:`trafficlib.mix.fit` on the weekly table of ``inputs`` (its channels,
    outcome and any control column), holding out the last ``holdout_weeks``; returns the
    :class:`~trafficlib.mix.result.MixResult`. The controls are the calendar columns the
    inputs name (``inputs["controls"]``), else the table's other numeric columns; the lift
    results of the folder (``inputs["lift"]``) calibrate the fit."""
    from trafficlib import mix

    table = inputs["table"]
    channels = list(inputs["channels"])
    controls = inputs["controls"] if "controls" in inputs else controls_of(table, channels, inputs["outcome"])
    lift = inputs.get("lift")
    if lift is not None and len(lift) and "lift" not in kw:
        kw["lift"] = lift
    return mix.fit(table, inputs["outcome"], channels, controls=controls,
                   holidays=(holidays_country or None), holdout=int(holdout_weeks), draws=int(draws), tune=int(tune),
                   chains=int(chains), seed=int(seed), where=str(inputs.get("where") or "the weekly mix table"), **kw)


# ------------------------------------------------------------------ units


def roi_scale(outcome_is_money: bool) -> float:
    """The factor ROI figures are shown with: 1 for a money outcome (currency of outcome per
    currency unit spent), 1000 otherwise (outcome units per 1,000 currency units)."""
    return 1.0 if outcome_is_money else 1000.0


_KINDS = {"revenue": ("revenue", "chiffre d'affaires"), "conversions": ("conversions", "conversions"),
          "leads": ("leads", "leads"), "won_deals": ("won deals", "affaires gagnées")}


def outcome_name(kind: str, column: str, lang: str = "en") -> str:
    """The outcome in words: "revenue", "conversions", "leads", "won deals", or the
    column's own name for a custom outcome."""
    pair = _KINDS.get(kind)
    return _t(lang, *pair) if pair else str(column).replace("_", " ")


def unit_text(kind: str, column: str, is_money: bool, currency: str = "EUR", lang: str = "en") -> str:
    """The ROI's unit in words: "€ of revenue per € spent", or "conversions per 1,000 €"."""
    sym, name = _symbol(currency, lang), outcome_name(kind, column, lang)
    if is_money:
        return _t(lang, f"{sym} of {name} per {sym} spent", f"{sym} de {name} par {sym} dépensé")
    return _t(lang, f"{name} per 1,000 {sym} spent", f"{name} pour 1 000 {sym} dépensés")


def _interval(lo, hi, lang: str, decimals: int = 2) -> pd.Series:
    return pd.Series([f"{i18n.fmt_number(a, lang, decimals)} – {i18n.fmt_number(b, lang, decimals)}"
                      if pd.notna(a) and pd.notna(b) else i18n.MISSING for a, b in zip(lo, hi)])


def _decimals(values) -> int:
    v = np.nanmax(np.abs(np.asarray(values, float))) if len(values) else 0
    return 2 if not np.isfinite(v) or v < 10 else 1 if v < 100 else 0


def period_text(result, lang: str = "en") -> tuple[str, str, int]:
    """(first week, last day, number of weeks) of the modelled period, formatted."""
    dates = result.design.dates
    step = pd.Timedelta(days=6 if result.design.freq == "W" else 0)
    return i18n.fmt_date(dates[0], lang), i18n.fmt_date(dates[-1] + step, lang), len(dates)


# ------------------------------------------------------------------ calibration


def lift_view(result, lang: str = "en", currency: str = "EUR", outcome_is_money: bool = True) -> pd.DataFrame:
    """One row per lift result the fit was calibrated with: ``channel``, ``period`` (text),
    ``measured`` (the test's lift, ± its standard error, text) and ``model`` (the calibrated
    model's contribution of the channel over the same periods, median and 90 % interval,
    text), in outcome units. Empty without lift results."""
    lift = result.lift
    if lift is None or not len(lift):
        return pd.DataFrame(columns=["channel", "period", "measured", "model"])
    d = result.design
    eff = result.effects()

    def amount(x):
        return money_text(x, lang, currency) if outcome_is_money else num_text(x, lang, 0)

    rows = []
    for rec in lift.itertuples(index=False):
        j = d.channels.index(rec.channel)
        mask = (d.dates >= pd.Timestamp(rec.start)) & (d.dates <= pd.Timestamp(rec.end))
        got = eff[:, mask, j].sum(axis=1)
        rows.append({"channel": rec.channel,
                     "period": f"{i18n.fmt_date(rec.start, lang)} – {i18n.fmt_date(rec.end, lang)}",
                     "measured": f"{amount(rec.lift)} ± {amount(rec.lift_sd)}",
                     "model": f"{amount(np.median(got))} ({amount(np.percentile(got, 5))} – "
                              f"{amount(np.percentile(got, 95))})"})
    return pd.DataFrame(rows)


def lift_labels(lang: str = "en") -> dict[str, str]:
    """Column labels of :func:`lift_view`."""
    return {"channel": _t(lang, "Channel", "Canal"), "period": _t(lang, "Test period", "Période du test"),
            "measured": _t(lang, "Measured lift (± standard error)", "Gain mesuré (± écart-type)"),
            "model": _t(lang, "Model over the same weeks (90% interval)",
                        "Modèle sur les mêmes semaines (intervalle 90 %)")}


# ------------------------------------------------------------------ what each channel brought


def roi_view(result, outcome_is_money: bool, lang: str = "en", currency: str = "EUR") -> pd.DataFrame:
    """One row per channel, highest ROI first: ``channel``, ``spend`` (over the modelled
    weeks), ``contribution`` (outcome brought, median) and its 90 % interval as text,
    ``share`` of the outcome, ``roi`` (median, in the report's unit: see
    :func:`roi_scale`) and its 90 % interval as text, ``mroi`` (next-euro ROI, same unit)."""
    scale = roi_scale(outcome_is_money)
    r = result.roi.copy()
    m = result.marginal_roi().set_index("channel")
    r = r.sort_values("roi", ascending=False).reset_index(drop=True)
    dec = _decimals(r["roi"] * scale)
    cdec = 0
    out = pd.DataFrame({"channel": r["channel"].astype(str), "spend": r["spend"], "contribution": r["contribution"]})
    if outcome_is_money:
        cur = currency or "EUR"
        out["contribution_ci"] = [f"{money_text(a, lang, cur)} – {money_text(b, lang, cur)}"
                                  for a, b in zip(r["contribution_lower"], r["contribution_upper"])]
    else:
        out["contribution_ci"] = _interval(r["contribution_lower"], r["contribution_upper"], lang, cdec).to_numpy()
    out["share"] = r["share"]
    out["roi"] = (r["roi"] * scale).round(dec)
    out["roi_ci"] = _interval(r["roi_lower"] * scale, r["roi_upper"] * scale, lang, dec).to_numpy()
    out["mroi"] = (m.loc[r["channel"], "mroi"].to_numpy() * scale).round(dec)
    out.attrs.update(decimals=dec, scale=scale)
    return out


def _formats_for(view: pd.DataFrame, outcome_is_money: bool) -> dict:
    dec = view.attrs.get("decimals", 2)
    f = dict(FORMATS)
    f["contribution"] = "money0" if outcome_is_money else "int"
    ratios = ["roi", "mroi", "mmm_roi", "mroi_current", "mroi_recommended"]
    for c in ratios + [c for c in view if str(c).startswith("roas_")]:
        f[c] = {0: "int", 1: "num", 2: "num2"}.get(dec, "num2")
    return f


def view_formats(view: pd.DataFrame, outcome_is_money: bool) -> dict:
    """The :func:`trafficlib.display.table` formats of one of this module's views."""
    return _formats_for(view, outcome_is_money)


def plot_roi(result, outcome_is_money: bool, unit: str, lang: str = "en", marginal: bool = False):
    """Each channel's ROI (or next-euro ROI with ``marginal``) as a point with its 90 %
    interval, highest on top; a dashed line at 1 for a money outcome (break-even)."""
    scale = roi_scale(outcome_is_money)
    if marginal:
        r = result.marginal_roi().rename(columns={"mroi": "v", "mroi_lower": "lo", "mroi_upper": "hi"})
    else:
        r = result.roi.rename(columns={"roi": "v", "roi_lower": "lo", "roi_upper": "hi"})
    r = r.sort_values("v").reset_index(drop=True)
    names = [str(c) for c in r["channel"]]
    fig, ax = plots.new_figure(height=max(2.4, 0.42 * len(r) + 1.2))
    y = np.arange(len(r))
    v, lo, hi = (r[c].to_numpy(float) * scale for c in ("v", "lo", "hi"))
    pal = colours(result.channels)
    colours_ = [pal[n] for n in names]
    ax.hlines(y, lo, hi, color=colours_, linewidth=3, alpha=0.55)
    ax.scatter(v, y, color=colours_, zorder=3, s=36)
    if outcome_is_money:
        ax.axvline(1.0, color=plots.BAD, linestyle="--", linewidth=1)
        ax.text(1.0, len(r) - 0.4, _t(lang, " break-even", " seuil de rentabilité"), color=plots.BAD, fontsize=8,
                va="bottom")
    ax.set_yticks(y, names)
    ax.set_xlim(left=min(0.0, float(np.nanmin(lo)) * 1.05))
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(unit)
    title = (_t(lang, "Return of the next euro, by channel (90% intervals)",
                "Rendement du prochain euro, par canal (intervalles à 90 %)") if marginal else
             _t(lang, "ROI by channel over the modelled weeks (90% intervals)",
                "ROI par canal sur les semaines modélisées (intervalles à 90 %)"))
    ax.set_title(title)
    return fig


def plot_contributions(result, lang: str = "en", currency: str = "EUR", outcome_is_money: bool = True):
    """The outcome per week split into its parts, stacked: the baseline (base level, trend,
    season, holidays and controls together), then each channel; the observed outcome as a
    black line. Posterior means, outcome units."""
    c = result.contributions()
    channels = list(result.channels)
    base = c.drop(columns=channels + ["outcome"]).sum(axis=1)
    fig, ax = plots.new_figure(height=4.2)
    parts = [base.clip(lower=0)] + [c[ch].clip(lower=0) for ch in channels]
    names = [_t(lang, "Baseline (without media)", "Socle (hors médias)")] + [str(ch) for ch in channels]
    pal = colours(channels)
    ax.stackplot(c.index, *[p.to_numpy() for p in parts], labels=names,
                 colors=[plots.GREY] + [pal[n] for n in names[1:]], alpha=0.85, linewidth=0)
    ax.plot(c.index, c["outcome"], color="#222222", linewidth=1.2, label=_t(lang, "Observed", "Observé"))
    ax.set_title(_t(lang, "What made each week's outcome", "Ce qui a fait le résultat de chaque semaine"))
    ax.set_xlabel("")
    (plots.money_axis(ax, lang, currency) if outcome_is_money else plots.count_axis(ax, lang))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.margins(x=0)
    if (base < 0).any():
        plots.add_note(fig, _t(lang, "Weeks where the baseline is negative are drawn at zero.",
                               "Les semaines où le socle est négatif sont tracées à zéro."))
    return fig


# ------------------------------------------------------------------ where the next euro pays


def mroi_view(result, outcome_is_money: bool, lang: str = "en") -> pd.DataFrame:
    """One row per channel, best next euro first: ``channel``, ``weekly_spend`` (mean
    spend per week over the modelled weeks), ``roi`` (average), ``mroi`` (next-euro ROI, median)
    and its 90 % interval, and a ``verdict``: "room to grow" when the next euro returns at
    least 80 % of the average one, "saturating" below 40 %, else "flattening"."""
    scale = roi_scale(outcome_is_money)
    m = result.marginal_roi().merge(result.roi[["channel", "roi", "spend"]], on="channel")
    m = m.sort_values("mroi", ascending=False).reset_index(drop=True)
    dec = _decimals(m["roi"] * scale)
    ratio = m["mroi"] / m["roi"].where(m["roi"] > 0)
    verdict = np.where(ratio >= 0.8, _t(lang, "room to grow", "marge de croissance"),
                       np.where(ratio < 0.4, _t(lang, "saturating", "saturé"),
                                _t(lang, "flattening", "s'essouffle")))
    out = pd.DataFrame({"channel": m["channel"].astype(str), "weekly_spend": m["spend"] / len(result.design.dates),
                        "roi": (m["roi"] * scale).round(dec), "mroi": (m["mroi"] * scale).round(dec)})
    out["mroi_ci"] = _interval(m["mroi_lower"] * scale, m["mroi_upper"] * scale, lang, dec).to_numpy()
    out["verdict"] = verdict
    out.attrs.update(decimals=dec, scale=scale)
    return out


def plot_response_curves(result, lang: str = "en", currency: str = "EUR", outcome_is_money: bool = True):
    """One small chart per channel: the weekly outcome a steady weekly spend brings
    (median and 90 % band) from 0 to 2.5 times the channel's average weekly spend over the
    modelled weeks, that average marked by a dot and a dashed line."""
    curves = result.response_curves()
    channels = [str(c) for c in dict.fromkeys(curves["channel"])]
    ncols = 3 if len(channels) > 4 else 2 if len(channels) > 1 else 1
    nrows = math.ceil(len(channels) / ncols)
    fig, axes = plots.new_figure(width=9, height=2.5 * nrows + 0.6, ncols=ncols, nrows=nrows, squeeze=False)
    pal = colours(channels)
    for ax, ch in zip(axes.flat, dict.fromkeys(curves["channel"])):
        part = curves[curves["channel"] == ch]
        colour = pal[str(ch)]
        ax.fill_between(part["spend"], part["lower"], part["upper"], color=colour, alpha=0.2, linewidth=0)
        ax.plot(part["spend"], part["response"], color=colour, linewidth=1.8)
        cur = float(part["current"].iloc[0])
        at = float(np.interp(cur, part["spend"], part["response"]))
        ax.axvline(cur, color="#333333", linestyle="--", linewidth=0.9)
        ax.scatter([cur], [at], color="#333333", zorder=3, s=22)
        ax.set_title(str(ch), fontsize=9)
        plots.money_axis(ax, lang, currency, axis="x")
        (plots.money_axis(ax, lang, currency) if outcome_is_money else plots.count_axis(ax, lang))
        ax.tick_params(labelsize=7.5)
        ax.xaxis.set_major_locator(mticker.MaxNLocator(4))
        ax.set_xlabel("")
        ax.set_ylabel("")
    for ax in list(axes.flat)[len(channels):]:
        ax.set_visible(False)
    fig.suptitle(_t(lang, "Weekly outcome by weekly spend (dashed: average weekly spend; band: 90%)",
                    "Résultat hebdomadaire selon la dépense hebdomadaire (tirets : dépense moyenne ; bande : 90 %)"),
                 x=0.01, ha="left", fontsize=10.5, fontweight="bold")
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------ the recommended shift


def plan_view(plan, outcome_is_money: bool, lang: str = "en", currency: str = "EUR") -> pd.DataFrame:
    """The optimiser's table for a reader, biggest increase first: ``channel``,
    ``current`` and ``recommended`` weekly spend, ``change`` per week and ``change_pct``
    (a fraction), the allowed range (``bounds``, text), the next-euro ROI today and after
    (report unit)."""
    scale = roi_scale(outcome_is_money)
    t = plan.table.sort_values("change", ascending=False).reset_index(drop=True)
    dec = _decimals(t["mroi_current"] * scale)
    out = pd.DataFrame({"channel": t["channel"].astype(str), "current": t["current"],
                        "recommended": t["recommended"], "change": t["change"],
                        "change_pct": t["change_pct"] / 100})
    out["bounds"] = [f"{money_text(a, lang, currency)} – {money_text(b, lang, currency)}"
                     for a, b in zip(t["lower_bound"], t["upper_bound"])]
    out["mroi_current"] = (t["mroi_current"] * scale).round(dec)
    out["mroi_recommended"] = (t["mroi_recommended"] * scale).round(dec)
    out.attrs.update(decimals=dec, scale=scale)
    return out


def plan_facts(plan, lang: str = "en", currency: str = "EUR", outcome_is_money: bool = True) -> dict:
    """The plan's summary as formatted text for the report's sentences: ``weeks``,
    ``budget``, ``uplift``, ``uplift_lower``, ``uplift_upper`` (outcome units over the
    horizon), ``uplift_pct``, ``prob`` (probability the uplift is positive), ``moved``
    (spend moved per week), and ``sure``: True when that probability is at least 90 %."""
    s = plan.summary
    fmt = (lambda x: money_text(x, lang, currency)) if outcome_is_money else (lambda x: i18n.fmt_int(round(x), lang))
    moved = float(plan.table["change"].clip(lower=0).sum())
    return {"weeks": str(s["periods"]), "budget": money_text(s["budget"], lang, currency),
            "uplift": fmt(s["uplift"]), "uplift_lower": fmt(s["uplift_lower"]), "uplift_upper": fmt(s["uplift_upper"]),
            "uplift_pct": i18n.fmt_delta(s["uplift_pct"] / 100, lang), "prob": pct_text(s["prob_positive"], lang),
            "moved": money_text(moved, lang, currency), "sure": s["prob_positive"] >= 0.9,
            "raw": dict(s)}


def plot_plan(plan, lang: str = "en", currency: str = "EUR"):
    """Weekly spend per channel today and as recommended, side by side (horizontal bars)."""
    t = plan.table.sort_values("current").reset_index(drop=True)
    names = [str(c) for c in t["channel"]]
    fig, ax = plots.new_figure(height=max(2.6, 0.5 * len(t) + 1.2))
    y = np.arange(len(t))
    ax.barh(y - 0.19, t["current"], height=0.36, color=plots.GREY, label=_t(lang, "Today", "Aujourd'hui"))
    ax.barh(y + 0.19, t["recommended"], height=0.36, color=plots.ACCENT, label=_t(lang, "Recommended", "Recommandé"))
    for yy, (cur, new) in zip(y, zip(t["current"], t["recommended"])):
        if cur > 0:
            ax.text(max(cur, new) * 1.01, yy + 0.19, i18n.fmt_delta((new - cur) / cur, lang, 0), va="center",
                    fontsize=8, color=plots.GOOD if new >= cur else plots.BAD)
    ax.set_yticks(y, names)
    ax.grid(axis="y", visible=False)
    plots.money_axis(ax, lang, currency, axis="x")
    ax.set_xlim(0, float(max(t["current"].max(), t["recommended"].max())) * 1.15)
    handles, names_ = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], names_[::-1], loc="lower right", fontsize=8)
    ax.set_title(_t(lang, "Weekly spend: today and recommended", "Dépense hebdomadaire : actuelle et recommandée"))
    return fig


# ------------------------------------------------------------------ how far to trust it


def trust(result) -> dict:
    """Diagnostics and held-out fit together: everything of ``result.diagnostics()`` and
    ``result.fit_metrics()``, plus ``sampler_ok`` (R-hat <= 1.01, no divergence, ESS >=
    400), ``sampler_verdict`` ("good", "usable": R-hat <= 1.05, divergences in at most
    0.5 % of the draws, ESS >= 100, or "poor"), ``holdout_ok`` (held-out coverage of the
    90 % interval >= :data:`COVERAGE_MIN` and MAPE <= :data:`MAPE_MAX` %, or no holdout),
    ``level``: "good" (every check passes), "caution" (the sampler is only usable, the
    held-out weeks are fine) or "poor" (the sampler failed or the forecast of the
    held-out weeks is poor), and ``ok`` (level "good")."""
    out = {**result.diagnostics(), **result.fit_metrics()}
    out["sampler_ok"] = bool(out["ok"])
    out["sampler_verdict"] = "good" if out["sampler_ok"] else out["verdict"] if out["verdict"] != "good" else "usable"
    n = out.get("holdout_periods", 0)
    cov, mape = out.get("coverage_holdout", float("nan")), out.get("mape_holdout", float("nan"))
    out["holdout_ok"] = bool((not n) or (pd.notna(cov) and cov >= COVERAGE_MIN and pd.notna(mape) and mape <= MAPE_MAX))
    if out["sampler_verdict"] == "poor" or not out["holdout_ok"]:
        out["level"] = "poor"
    else:
        out["level"] = "good" if out["sampler_ok"] else "caution"
    out["ok"] = out["level"] == "good"
    return out


def trust_view(tr: dict, lang: str = "en") -> pd.DataFrame:
    """The checks as a table: ``check``, ``value`` (text), ``target`` (text), ``status``
    ("OK" or "problem")."""
    ok, bad = _t(lang, "OK", "OK"), _t(lang, "problem", "problème")
    n = tr.get("holdout_periods", 0)
    rows = [
        (_t(lang, "R-hat (chains agree), worst parameter", "R-hat (accord des chaînes), pire paramètre"),
         f"{i18n.fmt_number(tr['rhat_max'], lang, 3)} ({tr.get('rhat_worst') or '–'})", "≤ 1,01" if lang == "fr"
         else "≤ 1.01", tr["rhat_max"] <= 1.01),
        (_t(lang, "Divergent transitions", "Transitions divergentes"), i18n.fmt_int(tr["divergences"], lang), "0",
         tr["divergences"] == 0),
        (_t(lang, "Effective sample size, smallest", "Taille d'échantillon effective, minimale"),
         i18n.fmt_int(round(tr["ess_min"]), lang), "≥ 400", tr["ess_min"] >= 400),
        (_t(lang, "Error on the fitted weeks (MAPE)", "Erreur sur les semaines ajustées (MAPE)"),
         i18n.fmt_number(tr["mape_train"], lang, 1) + " %", _t(lang, "small", "faible"), None),
    ]
    if n:
        rows += [
            (_t(lang, f"Error on the {n} held-out weeks (MAPE)", f"Erreur sur les {n} semaines mises de côté (MAPE)"),
             i18n.fmt_number(tr["mape_holdout"], lang, 1) + " %", f"≤ {MAPE_MAX:.0f} %",
             pd.notna(tr["mape_holdout"]) and tr["mape_holdout"] <= MAPE_MAX),
            (_t(lang, "Held-out weeks inside the 90% interval", "Semaines mises de côté dans l'intervalle à 90 %"),
             pct_text(tr["coverage_holdout"], lang), f"≥ {COVERAGE_MIN:.0%}".replace("%", " %"),
             pd.notna(tr["coverage_holdout"]) and tr["coverage_holdout"] >= COVERAGE_MIN),
        ]
    return pd.DataFrame([{"check": c, "value": v, "target": t, "status": "–" if s is None else ok if s else bad}
                         for c, v, t, s in rows])


def warnings(tr: dict, lang: str = "en") -> list[str]:
    """Why the figures should not be acted on yet, one sentence each (empty when the fit
    passes every check): the sampler's checks, then the held-out weeks."""
    return [w for _, w in _warnings(tr, lang)]


_WARNING_TITLES = {"rhat": ("The sampler's chains disagree", "Les chaînes de l'échantillonneur ne s'accordent pas"),
                   "divergences": ("Divergent transitions", "Transitions divergentes"),
                   "ess": ("Too few effective draws", "Trop peu de tirages effectifs"),
                   "holdout": ("Poor forecast of the held-out weeks",
                               "Mauvaise prévision des semaines mises de côté")}


def _warnings(tr: dict, lang: str) -> list[tuple[str, str]]:
    out = []
    if tr["rhat_max"] > 1.01:
        out.append(("rhat", _t(lang, f"The sampler's chains disagree (R-hat {tr['rhat_max']:.3f} on "
                                     f"{tr.get('rhat_worst')}, "
                            "above 1.01): run longer (more draws and tune) before reading the ROIs.",
                      "Les chaînes de l'échantillonneur ne s'accordent pas "
                      f"(R-hat {i18n.fmt_number(tr['rhat_max'], 'fr', 3)}"
                      f" sur {tr.get('rhat_worst')}, au-dessus de 1,01) : relancer plus longtemps (draws et tune) "
                      "avant de lire les ROI.")))
    if tr["divergences"] > 0:
        n = tr["divergences"]
        out.append(("divergences", _t(lang, f"{n} divergent transition{'s' if n > 1 else ''}: parts of the "
                                            "posterior were not explored, the intervals may be too narrow.",
                                      f"{n} transition{'s' if n > 1 else ''} divergente{'s' if n > 1 else ''} : une "
                                      "partie de la loi a posteriori n'a pas été explorée, les intervalles sont "
                                      "peut-être trop étroits.")))
    if tr["ess_min"] < 400:
        out.append(("ess", _t(lang, f"Too few effective draws ({tr['ess_min']:.0f}, fewer than 400): the intervals are "
                            "rough; raise draws or chains.",
                      f"Trop peu de tirages effectifs ({tr['ess_min']:.0f}, moins de 400) : les intervalles sont "
                      "approximatifs ; augmenter draws ou chains.")))
    n = tr.get("holdout_periods", 0)
    if n and not tr["holdout_ok"]:
        out.append(("holdout", _t(lang, f"On the {n} weeks it did not see, the model is off by "
                                        f"{tr['mape_holdout']:.1f} % on "
                            f"average and only {tr['coverage_holdout']:.0%} of them fall inside its 90% interval: it "
                            "does not forecast well, so its ROIs are doubtful too.",
                      f"Sur les {n} semaines qu'il n'a pas vues, le modèle se trompe de "
                      f"{i18n.fmt_number(tr['mape_holdout'], 'fr', 1)} % en moyenne et seules "
                      f"{i18n.fmt_pct(tr['coverage_holdout'], 'fr', 0)} tombent dans son intervalle à 90 % : il "
                      "prévoit mal, ses ROI sont donc douteux aussi.")))
    return out


def warning_heading(tr: dict) -> tuple[str, str] | None:
    """The (en, fr) title of the warning section, or None when every check passes."""
    if tr["level"] == "poor":
        return ("WARNING: do not act on these figures yet", "ATTENTION : ne pas agir sur ces chiffres pour l'instant")
    if tr["level"] == "caution":
        return ("Caution: the sampler's checks are only nearly met",
                "Prudence : les contrôles de l'échantillonneur ne sont que presque tenus")
    return None


def warning_table(tr: dict, lang: str = "en") -> pd.DataFrame:
    """The warnings as :func:`trafficlib.display.findings` shows them (severity high when
    the level is "poor", medium otherwise), each with what to do."""
    action = (_t(lang, "Fix this before acting on the ROIs or the recommended shift.",
                 "À corriger avant d'agir sur les ROI ou la réallocation recommandée.") if tr["level"] == "poor" else
              _t(lang, "A longer run (more draws and tune) would firm the intervals up.",
                 "Une exécution plus longue (plus de draws et de tune) consoliderait les intervalles."))
    sev = "high" if tr["level"] == "poor" else "medium"
    return pd.DataFrame([{"severity": sev, "title": _t(lang, *_WARNING_TITLES[k]), "detail": w,
                          "action": action} for k, w in _warnings(tr, lang)],
                        columns=["severity", "title", "detail", "action"])


def plot_fit(result, lang: str = "en", currency: str = "EUR", outcome_is_money: bool = True):
    """Observed and predicted outcome per week with the 90 % predictive band; the held-out
    weeks (not used by the fit) shaded."""
    t = result.fit_table()
    fig, ax = plots.new_figure(height=3.8)
    ax.fill_between(t["date"], t["lower"], t["upper"], color=plots.ACCENT, alpha=0.18, linewidth=0,
                    label=_t(lang, "Model, 90% interval", "Modèle, intervalle à 90 %"))
    ax.plot(t["date"], t["predicted"], color=plots.ACCENT, linewidth=1.5, label=_t(lang, "Model", "Modèle"))
    ax.plot(t["date"], t["actual"], color="#222222", linewidth=1.1, marker="o", markersize=2.2,
            label=_t(lang, "Observed", "Observé"))
    held = t[t["held_out"]]
    if len(held):
        step = pd.Timedelta(days=7 if result.design.freq == "W" else 1)
        ax.axvspan(held["date"].min() - step / 2, held["date"].max() + step / 2, color=plots.GREY, alpha=0.22,
                   label=_t(lang, "Held out (not seen by the fit)", "Mises de côté (non vues par l'ajustement)"))
    ax.set_title(_t(lang, "Observed vs model, week by week", "Observé et modèle, semaine par semaine"))
    ax.set_xlabel("")
    (plots.money_axis(ax, lang, currency) if outcome_is_money else plots.count_axis(ax, lang))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.margins(x=0.01)
    return fig


# ------------------------------------------------------------------ beside the attribution models


def _model_label(name: str, lang: str) -> str:
    from trafficlib.attribution import MODEL_LABELS

    return MODEL_LABELS.get(name, {}).get(lang, name)


def _key(name) -> str:
    return re.sub(r"[^a-z0-9]+", "", str(name).lower())


def attribution_roas(touchpoints, result, outcome_is_money: bool, models=DEFAULT_MODELS,
                     lookback_days: float = 30) -> pd.DataFrame:
    """Path-based attribution beside the media-mix ROI, over the same weeks.

    ``touchpoints``: the canonical touchpoints table (a path or a DataFrame: user_id,
    timestamp, channel, conversion, conversion_value). Conversions are kept when they fall
    in the modelled weeks (the touches before them count within ``lookback_days``); the
    channels are matched to the model's by name (case, spaces and punctuation ignored).
    Returns one row per model channel: ``channel``, ``spend`` (over the weeks the
    touchpoints cover), ``mmm_roi`` (median) with ``mmm_lower`` / ``mmm_upper`` (90 %):
    the model's effect over those same weeks / that spend, and one ``roas_<model>``
    column per attribution model: credited value (money outcome) or conversions per
    1,000 currency units (otherwise) / spend. Both in the report's unit
    (:func:`roi_scale`). ``attrs``: ``start``, ``end`` (the weeks compared), ``weeks``,
    ``conversions`` (in those weeks), ``unmatched`` (touchpoint channels without spend),
    ``models``."""
    from trafficlib import attribution, sources

    tp = sources.read(touchpoints, "touchpoints") if isinstance(touchpoints, (str, Path)) else touchpoints.copy()
    d = result.design
    width = pd.Timedelta(days=7 if d.freq == "W" else 1)
    ts = pd.to_datetime(tp["timestamp"], utc=True, errors="coerce").dt.tz_localize(None)
    tp = tp.assign(timestamp=ts).dropna(subset=["timestamp"])
    conv = tp.loc[tp["conversion"].astype(float) > 0, "timestamp"]
    lo, hi = max(conv.min(), d.dates[0]) if len(conv) else d.dates[0], conv.max() if len(conv) else d.dates[-1]
    weeks = (d.dates + width > lo) & (d.dates <= hi)
    if not weeks.any():
        raise ValueError("the touchpoints do not overlap the modelled weeks")
    start, end = d.dates[weeks][0], d.dates[weeks][-1] + width
    # touches before the first week may lead to a conversion in it; conversions outside are dropped
    keep = (tp["timestamp"] >= start - pd.Timedelta(days=lookback_days)) & (tp["timestamp"] < end)
    tp = tp[keep]
    # a conversion before the first week is outside the comparison: its path (the user's touches up to it) goes
    is_conv = tp["conversion"].astype(float) > 0
    before = tp[is_conv & (tp["timestamp"] < start)].groupby("user_id")["timestamp"].max()
    if len(before):
        cut = tp[["user_id"]].merge(before.rename("cut").reset_index(), on="user_id", how="left")["cut"]
        tp = tp[~(cut.notna().to_numpy() & (tp["timestamp"].to_numpy() <= cut.to_numpy()))]
    # so do users whose every touch precedes the first week (no conversion in the weeks)
    last = tp.groupby("user_id")["timestamp"].transform("max")
    tp = tp[last >= start]
    paths = attribution.paths_from_touchpoints(tp, lookback_days, with_ages=True)
    spend = pd.Series(d.spend[weeks].sum(axis=0), index=d.channels)
    by_key = {_key(c): c for c in d.channels}
    mm = attribution.compare_models(paths, shapley="shapley" in models)
    mm["channel_model"] = mm["channel"].map(lambda c: by_key.get(_key(c)))
    unmatched = sorted({str(c) for c in mm.loc[mm["channel_model"].isna(), "channel"]})
    scale = roi_scale(outcome_is_money)
    credit = "value" if outcome_is_money else "conversions"
    eff = result.effects()[:, weeks, :].sum(axis=1) / np.where(spend.to_numpy() > 0, spend.to_numpy(), np.nan)
    out = pd.DataFrame({"channel": [str(c) for c in d.channels], "spend": spend.to_numpy(),
                        "mmm_roi": np.median(eff, axis=0) * scale, "mmm_lower": np.percentile(eff, 5, axis=0) * scale,
                        "mmm_upper": np.percentile(eff, 95, axis=0) * scale})
    used = []
    for m in models:
        part = mm[(mm["model"] == m) & mm["channel_model"].notna()].groupby("channel_model")[credit].sum()
        if mm["model"].eq(m).any():
            used.append(m)
            got = part.reindex(d.channels).fillna(0.0).to_numpy()
            out[f"roas_{m}"] = np.where(spend.to_numpy() > 0, got / np.where(spend > 0, spend, 1) * scale, np.nan)
    out.attrs.update(start=start, end=end - pd.Timedelta(days=1), weeks=int(weeks.sum()),
                     conversions=float(paths["conversions"].sum()), unmatched=unmatched, models=used)
    return out


def attribution_side(inputs: dict, result, outcome_is_money: bool, models=DEFAULT_MODELS):
    """:func:`attribution_roas` on the inputs' touchpoints file: (table, None), or (None,
    why) when there is no touchpoints file (``why`` = "absent") or it cannot be used (the
    reader's one-line error, or that it does not overlap the modelled weeks)."""
    path = inputs.get("touchpoints")
    if not path:
        return None, "absent"
    try:
        return attribution_roas(path, result, outcome_is_money, models), None
    except ValueError as e:  # TrafficDataError included: one readable line
        return None, f"{Path(str(path)).name}: {e}"


def no_touchpoints_text(why: str | None, lang: str = "en") -> str:
    """The one line shown instead of the attribution comparison (plain text)."""
    if why in (None, "absent"):
        return _t(lang, "No touchpoints file: add one (touchpoints.csv or .parquet: user_id, timestamp, channel, "
                        "conversion, conversion_value, with the same channel names as the spend) to data_path to see "
                        "the attribution models' ROAS beside the media-mix ROI.",
                  "Aucun fichier de points de contact : en ajouter un (touchpoints.csv ou .parquet : user_id, "
                  "timestamp, channel, conversion, conversion_value, avec les mêmes noms de canaux que les "
                  "dépenses) dans data_path pour voir le ROAS des modèles d'attribution à côté du ROI media mix.")
    return _t(lang, f"The touchpoints file could not be used: {why}",
              f"Le fichier de points de contact n'a pas pu être utilisé : {why}")


def side_period(side: pd.DataFrame, lang: str = "en") -> tuple[str, str]:
    """The first and last day compared by :func:`attribution_roas`, formatted."""
    return i18n.fmt_date(side.attrs["start"], lang), i18n.fmt_date(side.attrs["end"], lang)


def side_by_side_view(side: pd.DataFrame, lang: str = "en") -> tuple[pd.DataFrame, dict]:
    """The comparison table and its labels: channel, spend, the media-mix ROI and its
    interval, then each attribution model's ROAS (labelled by the model's name)."""
    dec = _decimals(side["mmm_roi"])
    out = side[["channel", "spend", "mmm_roi"]].copy()
    out["mmm_roi"] = out["mmm_roi"].round(dec)
    out["mmm_ci"] = _interval(side["mmm_lower"], side["mmm_upper"], lang, dec).to_numpy()
    extra = {}
    for m in side.attrs.get("models", []):
        out[f"roas_{m}"] = side[f"roas_{m}"].round(dec)
        extra[f"roas_{m}"] = _model_label(m, lang)
    out.attrs.update(decimals=dec)
    return out, extra


def plot_side_by_side(side: pd.DataFrame, unit: str, lang: str = "en"):
    """Per channel: the media-mix ROI (dot and 90 % interval) and each attribution model's
    ROAS (markers), same unit."""
    s = side.sort_values("mmm_roi").reset_index(drop=True)
    fig, ax = plots.new_figure(height=max(2.6, 0.5 * len(s) + 1.3))
    y = np.arange(len(s))
    ax.hlines(y, s["mmm_lower"], s["mmm_upper"], color=plots.ACCENT, linewidth=4, alpha=0.35)
    ax.scatter(s["mmm_roi"], y, color=plots.ACCENT, s=44, zorder=4, label=_t(lang, "Media mix", "Media mix"))
    markers = ["s", "^", "D", "v", "P", "X", "<", ">"]
    colours = ["#e8702a", "#8e44ad", "#2e8b57", "#c0392b", "#6c757d", "#17a2b8", "#8d6e63", "#5c6bc0"]
    for k, m in enumerate(side.attrs.get("models", [])):
        ax.scatter(s[f"roas_{m}"], y + 0.12 * (k + 1) - 0.3, marker=markers[k % 8], color=colours[k % 8], s=26,
                   zorder=3, label=_model_label(m, lang))
    ax.set_yticks(y, [str(c) for c in s["channel"]])
    ax.grid(axis="y", visible=False)
    ax.set_xlim(left=0)
    ax.set_xlabel(unit)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.set_title(_t(lang, "Media-mix ROI beside attribution ROAS, same weeks",
                    "ROI media mix et ROAS des modèles d'attribution, mêmes semaines"))
    return fig


# ------------------------------------------------------------------ sentences


def intro_text(result, inputs: dict, site_name: str, lang: str = "en") -> str:
    """The report's first paragraph: what was modelled, over which weeks (plain text, for
    :func:`trafficlib.display.say` as a value)."""
    a, b, n = period_text(result, lang)
    name = outcome_name(inputs.get("outcome_kind", "custom"), inputs.get("outcome", ""), lang)
    chans = ", ".join(str(c) for c in result.channels)
    return _t(lang, f"Media-mix model of {site_name}: how much {name} each channel really brought, week by week, "
                    f"whether or not a click can be traced to it, and where the next euro should go. {n} weeks from "
                    f"{a} to {b}; channels: {chans}.",
              f"Modèle de media mix de {site_name} : ce que chaque canal a vraiment apporté en {name}, semaine après "
              f"semaine, qu'un clic le trace ou non, et où placer le prochain euro. {n} semaines du {a} au {b} ; "
              f"canaux : {chans}.")


def roi_definition(inputs: dict, lang: str = "en", currency: str = "EUR") -> str:
    """How the ROI is defined, in the report's unit (plain text)."""
    money = bool(inputs.get("outcome_is_money"))
    unit = unit_text(inputs.get("outcome_kind", "custom"), inputs.get("outcome", ""), money, currency, lang)
    return _t(lang, f"ROI = what the channel brought over the modelled weeks ÷ what it cost over those weeks, in {unit}"
                    + (" (1 = break-even)" if money else "") + ". The model separates each channel's effect from the "
                    "baseline (season, trend, holidays, promotions) and lets it last beyond the week of spend "
                    "(carry-over) and flatten as spend grows (saturation). Each figure is the posterior median with "
                    "its 90% interval: 9 chances in 10 that the true value lies inside.",
              f"ROI = ce que le canal a apporté sur les semaines modélisées ÷ ce qu'il a coûté sur ces semaines, en "
              f"{unit}" + (" (1 = seuil de rentabilité)" if money else "") + ". Le modèle sépare l'effet de chaque "
              "canal du socle (saison, tendance, jours fériés, promotions), le laisse durer au-delà de la semaine "
              "de dépense (rémanence) et s'essouffler quand la dépense augmente (saturation). Chaque chiffre est la "
              "médiane a posteriori avec son intervalle à 90 % : 9 chances sur 10 que la vraie valeur s'y trouve.")


def trust_verdict(tr: dict, lang: str = "en") -> str:
    """One plain-language sentence on how far to trust the figures."""
    n = tr.get("holdout_periods", 0)
    held = (_t(lang, f" On the {n} most recent weeks, kept out of the fit, the model is off by "
                     f"{i18n.fmt_number(tr['mape_holdout'], lang, 1)} % on average and "
                     f"{pct_text(tr['coverage_holdout'], lang)} of them fall inside its 90% interval.",
               f" Sur les {n} semaines les plus récentes, mises de côté, le modèle se trompe de "
               f"{i18n.fmt_number(tr['mape_holdout'], lang, 1)} % en moyenne et "
               f"{pct_text(tr['coverage_holdout'], lang)} d'entre elles tombent dans son intervalle à 90 %.")
            if n else _t(lang, " No week was held out: the forecast was not tested on unseen weeks.",
                         " Aucune semaine mise de côté : la prévision n'a pas été testée sur des semaines non vues."))
    if tr["ok"]:
        return _t(lang, "The sampler converged (chains agree, no divergence, enough effective draws) and the model "
                        "forecasts weeks it did not see: the figures can be used, with their intervals.",
                  "L'échantillonneur a convergé (chaînes d'accord, aucune divergence, assez de tirages effectifs) et "
                  "le modèle prévoit des semaines qu'il n'a pas vues : les chiffres sont utilisables, avec leurs "
                  "intervalles.") + held
    if tr["sampler_verdict"] == "usable" and tr["holdout_ok"]:
        return _t(lang, "The sampler's checks are nearly met (see the table): the figures hold, their intervals are a "
                        "little rough.",
                  "Les contrôles de l'échantillonneur sont presque tenus (voir le tableau) : les chiffres tiennent, "
                  "leurs intervalles sont un peu approximatifs.") + held
    if tr["sampler_verdict"] == "poor":
        return _t(lang, "The sampler did not converge: the figures below are not reliable yet.",
                  "L'échantillonneur n'a pas convergé : les chiffres ci-dessous ne sont pas encore fiables.") + held
    return _t(lang, "The sampler converged, but the model forecasts the weeks it did not see poorly: read the "
                    "figures as rough orders of magnitude.",
              "L'échantillonneur a convergé, mais le modèle prévoit mal les semaines qu'il n'a pas vues : lire les "
              "chiffres comme des ordres de grandeur.") + held


def attribution_text(side: pd.DataFrame, lang: str = "en") -> str:
    """Why path-based attribution and the media mix disagree, naming the channels whose
    attribution ROAS is furthest below their media-mix ROI (plain text)."""
    models = side.attrs.get("models", [])
    roas = side[[f"roas_{m}" for m in models]].mean(axis=1) if models else pd.Series(np.nan, index=side.index)
    gap = (roas / side["mmm_roi"].where(side["mmm_roi"] > 0)).dropna().sort_values()
    low = [str(side.loc[i, "channel"]) for i in gap.index[:2] if gap[i] < 0.5]
    if len(low) == 1:
        who = _t(lang, f" Here {low[0]} loses the most in attribution compared with the model.",
                 f" Ici, {low[0]} est le canal qui perd le plus en attribution face au modèle.")
    elif low:
        who = _t(lang, f" Here {low[0]} and {low[1]} lose the most in attribution compared with the model.",
                 f" Ici, {low[0]} et {low[1]} sont les canaux qui perdent le plus en attribution face au modèle.")
    else:
        who = ""
    return _t(lang, "Attribution models share out the conversions a tracked path of clicks leads to; the media mix "
                    "measures what each channel's spend changes in the weekly outcome. Channels bought by the "
                    "thousand impressions (TV, video, display, social reach) mostly work without a click: people "
                    "see the ad, then come back later through search or directly, and path-based attribution "
                    "credits that later visit. So they look worse in attribution than in the media mix, and search "
                    "usually looks better. Attribution also only sees the conversions it can track." + who,
              "Les modèles d'attribution répartissent les conversions au bout d'un parcours de clics suivi ; le "
              "media mix mesure ce que la dépense de chaque canal change au résultat hebdomadaire. Les canaux "
              "achetés au mille impressions (TV, vidéo, display, portée sociale) agissent surtout sans clic : on "
              "voit la publicité, puis on revient plus tard par la recherche ou en direct, et l'attribution par "
              "parcours crédite cette visite. Ils paraissent donc moins bons en attribution qu'en media mix, et la "
              "recherche paraît souvent meilleure. L'attribution ne voit aussi que les conversions qu'elle suit." + who)


# ------------------------------------------------------------------ inputs, cards, findings


def exports_table(inputs: dict, lang: str = "en") -> pd.DataFrame:
    """One row per file read: ``file``, ``kind`` (the export's report), ``role`` (spend,
    outcome or touchpoints, translated), ``channels`` it gave (text), ``rows`` and
    ``dates`` (the days it spans, text)."""
    roles = {"spend": ("spend", "dépense"), "outcome": ("outcome", "résultat"), "control": ("control", "contrôle"),
             "touchpoints": ("touchpoints", "points de contact")}
    rows = []
    for e in inputs.get("exports", []):
        get = e.get if isinstance(e, dict) else (lambda k, default=None, e=e: getattr(e, k, default))
        span = get("period")
        text = (f"{i18n.fmt_date(span[0], lang)} – {i18n.fmt_date(span[1], lang)}"
                if span and pd.notna(span[0]) and pd.notna(span[1]) else i18n.MISSING)
        kind = str(get("kind", "") or "")
        role = get("role")
        rows.append({"file": Path(str(get("file") or get("path") or "")).name,
                     "kind": kind.split("/", 1)[-1].replace("_", " ") if kind else i18n.MISSING,
                     "role": _t(lang, *roles[role]) if role in roles else (role or i18n.MISSING),
                     "channels": ", ".join(map(str, get("channels") or [])) or i18n.MISSING,
                     "rows": int(get("rows", 0) or 0), "dates": text})
    return pd.DataFrame(rows, columns=["file", "kind", "role", "channels", "rows", "dates"])


def parse_channel_map(value) -> dict | None:
    """The notebook's ``channel_map`` parameter as :func:`~trafficlib.mix.inputs.load_mix_inputs`
    takes it ({regex on the campaign name: channel}, or None): a dict as it is, or text
    ``"regex = channel; regex = channel"`` (semicolons or new lines between pairs), "" =
    None. Raises TrafficDataError on a pair without "=" or an invalid regex."""
    from trafficlib.errors import TrafficDataError

    if value is None or isinstance(value, dict):
        return value or None
    out = {}
    for part in re.split(r"[;\n]", str(value)):
        if not part.strip():
            continue
        if "=" not in part:
            raise TrafficDataError(f"channel_map: {part.strip()!r} is not 'regex = channel'",
                                   hint="e.g. channel_map = \"brand = Brand search; tv|radio = Offline\"")
        key, channel = (x.strip() for x in part.rsplit("=", 1))
        try:
            re.compile(key)
        except re.error as e:
            raise TrafficDataError(f"channel_map: {key!r} is not a valid regular expression ({e})") from None
        out[key] = channel
    return out or None


def skipped_table(inputs: dict) -> pd.DataFrame:
    """The files left out and why: ``file``, ``why``."""
    return pd.DataFrame([{"file": Path(str(f)).name, "why": str(why)} for f, why in inputs.get("skipped", [])],
                        columns=["file", "why"])


def read_notes(inputs: dict, result=None) -> list[str]:
    """What the inputs' loader and the model's design assumed or dropped, one sentence
    each (as the kit writes them, in English)."""
    notes = list(inputs.get("notes", []))
    if result is not None:
        notes += [n for n in result.design.notes if n not in notes]
    return notes


def headline_cards(result, plan, inputs: dict, lang: str = "en", currency: str = "EUR") -> list[dict]:
    """KPI cards for :func:`trafficlib.display.kpis`: media spend and outcome over the
    modelled weeks, the share of the outcome the media brought (median), the best
    channel's ROI (its name and the unit as the note), and the recommended shift's
    expected uplift."""
    unit = unit_text(inputs.get("outcome_kind", "custom"), inputs.get("outcome", ""),
                     bool(inputs.get("outcome_is_money")), currency, lang)
    money = bool(inputs.get("outcome_is_money"))
    roi = result.roi
    spend = float(roi["spend"].sum())
    total = float(result.design.y.sum() * result.design.y_scale)
    scale = roi_scale(money)
    best = roi.sort_values("roi", ascending=False).iloc[0]
    name = outcome_name(inputs.get("outcome_kind", "custom"), inputs.get("outcome", ""), lang)
    out_text = money_text(total, lang, currency) if money else i18n.fmt_int(round(total), lang)
    cards = [
        {"label": _t(lang, "Media spend", "Dépense média"), "value": money_text(spend, lang, currency)},
        {"label": name[:1].upper() + name[1:], "value": out_text},
        {"label": _t(lang, "Brought by the media", "Apporté par les médias"),
         "value": pct_text(float(roi["contribution"].sum()) / total if total else float("nan"), lang)},
        {"label": _t(lang, "Best ROI", "Meilleur ROI"),
         "value": i18n.fmt_number(best["roi"] * scale, lang, 2),
         "note": f"{best['channel']} ({unit})"},
    ]
    if plan is not None:
        f = plan_facts(plan, lang, currency, money)
        cards.append({"label": _t(lang, f"Shift: expected gain over {f['weeks']} weeks",
                                  f"Réallocation : gain attendu sur {f['weeks']} semaines"),
                      "value": f["uplift"], "note": _t(lang, f"probability > 0: {f['prob']}",
                                                       f"probabilité > 0 : {f['prob']}")})
    return cards


def findings(result, plan, tr: dict, inputs: dict, lang: str = "en", currency: str = "EUR") -> list[Finding]:
    """The report's findings, most important first: the fit cannot be trusted (high);
    channels that lose money for sure (money outcome: 90 % interval of the ROI below 1);
    the recommended shift when its uplift is positive with probability >= 80 %; the
    channel whose next euro pays best and the one that pays least."""
    money = bool(inputs.get("outcome_is_money"))
    scale = roi_scale(money)
    unit = unit_text(inputs.get("outcome_kind", "custom"), inputs.get("outcome", ""), money, currency, lang)
    out: list[Finding] = []
    if tr["level"] == "poor":
        out.append(Finding("trust", "high", _t(lang, "Do not act on these figures yet: the model fails its checks",
                                                "Ne pas agir sur ces chiffres pour l'instant : le modèle échoue à ses "
                                                "contrôles"),
                           " ".join(warnings(tr, lang)), _t(lang, "See the warning section below.",
                                                             "Voir la section d'avertissement ci-dessous."), 0.0))
    elif tr["level"] == "caution":
        out.append(Finding("trust", "medium", _t(lang, "The figures hold, but their intervals are a little rough",
                                                  "Les chiffres tiennent, mais leurs intervalles sont un peu "
                                                  "approximatifs"),
                           " ".join(warnings(tr, lang)), _t(lang, "A longer run (more draws and tune) would firm them "
                                                                  "up.", "Une exécution plus longue (plus de draws et "
                                                                         "de tune) les consoliderait."), 0.0))
    roi = result.roi
    if money:
        losing = roi[roi["roi_upper"] < 1]
        for _, r in losing.iterrows():
            lost = float(r["spend"] - r["contribution"])
            out.append(Finding(f"loses:{r['channel']}", "high" if tr["ok"] else "medium",
                               _t(lang, f"{r['channel']} returns less than it costs",
                                  f"{r['channel']} rapporte moins qu'il ne coûte"),
                               _t(lang, f"ROI {i18n.fmt_number(r['roi'], lang, 2)} ({unit}), 90% interval "
                                        f"{i18n.fmt_number(r['roi_lower'], lang, 2)} – "
                                        f"{i18n.fmt_number(r['roi_upper'], lang, 2)}: about "
                                        f"{money_text(lost, lang, currency)} spent beyond what it brought.",
                                  f"ROI {i18n.fmt_number(r['roi'], lang, 2)} ({unit}), intervalle à 90 % "
                                  f"{i18n.fmt_number(r['roi_lower'], lang, 2)} – "
                                  f"{i18n.fmt_number(r['roi_upper'], lang, 2)} : environ "
                                  f"{money_text(lost, lang, currency)} dépensés au-delà de ce qu'il a rapporté."),
                               _t(lang, "Cut it back or change how it is bought.",
                                  "La réduire ou changer sa façon d'acheter."), lost))
    if plan is not None:
        f = plan_facts(plan, lang, currency, money)
        s = plan.summary
        t = plan.table.sort_values("change")
        down, up = str(t.iloc[0]["channel"]), str(t.iloc[-1]["channel"])
        if s["prob_positive"] >= 0.8 and s["uplift"] > 0:
            out.append(Finding("shift", "high" if s["prob_positive"] >= 0.9 and tr["ok"] else "medium",
                               _t(lang, f"Moving {f['moved']} a week towards {up} should bring {f['uplift']} more "
                                        f"over {f['weeks']} weeks",
                                  f"Déplacer {f['moved']} par semaine vers {up} devrait rapporter {f['uplift']} de "
                                  f"plus sur {f['weeks']} semaines"),
                               _t(lang, f"Same budget ({f['budget']}); 90% interval {f['uplift_lower']} to "
                                        f"{f['uplift_upper']}, probability of a gain {f['prob']}. The most is taken "
                                        f"from {down}.",
                                  f"Même budget ({f['budget']}) ; intervalle à 90 % de {f['uplift_lower']} à "
                                  f"{f['uplift_upper']}, probabilité de gain {f['prob']}. Le plus est pris sur "
                                  f"{down}."),
                               _t(lang, "Test the shift on part of the budget and measure it (a geo or lift test).",
                                  "Tester la réallocation sur une partie du budget et la mesurer (test géo ou de "
                                  "lift)."), float(s["uplift"]) if money else 0.0))
        else:
            out.append(Finding("shift", "low", _t(lang, "No reallocation pays for sure",
                                                  "Aucune réallocation ne paie à coup sûr"),
                               _t(lang, f"The best split within the bounds gains {f['uplift']} over {f['weeks']} "
                                        f"weeks, probability {f['prob']}: within the model's uncertainty.",
                                  f"La meilleure répartition dans les bornes gagne {f['uplift']} sur {f['weeks']} "
                                  f"semaines, probabilité {f['prob']} : dans l'incertitude du modèle."),
                               _t(lang, "Keep the split; a lift test on the most uncertain channel would narrow it.",
                                  "Garder la répartition ; un test de lift sur le canal le plus incertain la "
                                  "préciserait."), 0.0))
    m = result.marginal_roi().sort_values("mroi")
    if len(m) > 1:
        hi, lo = m.iloc[-1], m.iloc[0]
        out.append(Finding("next_euro", "medium",
                           _t(lang, f"The next euro pays most on {hi['channel']}, least on {lo['channel']}",
                              f"Le prochain euro rapporte le plus sur {hi['channel']}, le moins sur {lo['channel']}"),
                           _t(lang, f"{i18n.fmt_number(hi['mroi'] * scale, lang, 2)} vs "
                                    f"{i18n.fmt_number(lo['mroi'] * scale, lang, 2)} ({unit}) at their average spend.",
                              f"{i18n.fmt_number(hi['mroi'] * scale, lang, 2)} contre "
                              f"{i18n.fmt_number(lo['mroi'] * scale, lang, 2)} ({unit}) à leur dépense moyenne."),
                           _t(lang, "Grow where the next euro pays; do not judge a channel by its average ROI.",
                              "Augmenter là où le prochain euro paie ; ne pas juger un canal sur son ROI moyen."),
                           0.0))
    order = {"high": 0, "medium": 1, "low": 2}
    return sorted(out, key=lambda f: (order.get(f.severity, 3), f.key != "trust", -abs(f.money)))
