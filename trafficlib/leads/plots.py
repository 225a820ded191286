"""Charts of the lead report (each returns a Figure)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib import i18n, plots

__all__ = ["plot_weekly", "plot_funnel", "plot_time_to_close", "plot_cost_per_won"]


def plot_weekly(weekly: pd.DataFrame, by: str = "channel", lang: str = "en", top: int = 6):
    """Leads created per week, one line per ``by`` group (the ``top`` largest; the rest
    summed as "Other"). Weeks the data cover only in part (``attrs["period"]`` of
    :func:`~trafficlib.leads.funnel.by_week`) are left out, said in a note: a fake drop
    otherwise."""
    note = ""
    if weekly.attrs.get("period"):
        start, end = weekly.attrs["period"]
        weeks = pd.Series(1, index=pd.DatetimeIndex(weekly["week"].unique()))
        kept, note = plots.complete_periods(weeks, "W-MON", start, end, lang)
        weekly = weekly[weekly["week"].isin(kept.index)]
    order = weekly.groupby(by)["leads"].sum().sort_values(ascending=False).index
    keep = list(order[:top])
    other = i18n.text(lang, "Other", "Autres")
    w = weekly.assign(**{by: weekly[by].where(weekly[by].isin(keep), other)})
    w = w.groupby(["week", by], as_index=False)["leads"].sum()
    fig = plots.line(w, "week", "leads", hue=by, lang=lang,
                     title=i18n.text(lang, "Leads per week, by channel", "Leads par semaine, par canal"))
    plots.add_note(fig, note)
    return fig


def plot_funnel(conv: pd.DataFrame, lang: str = "en"):
    """Per channel: lead -> qualified and qualified -> won rates with their 95 % intervals."""
    c = conv[conv.iloc[:, 0] != "Total"]
    names = [str(x) for x in c.iloc[:, 0]]
    fig, ax = plots.new_figure(height=max(2.6, 0.45 * len(c) + 1.2))
    y = np.arange(len(c))
    for off, rate, colour, label in ((-0.18, "lead_to_qualified", plots.ACCENT, ("Lead → qualified", "Lead → qualifié")),
                                     (0.18, "qualified_to_won", plots.GOOD, ("Qualified → won", "Qualifié → gagné"))):
        v = c[rate].to_numpy(float)
        err = np.clip(np.vstack([v - c[f"{rate}_low"].to_numpy(float), c[f"{rate}_high"].to_numpy(float) - v]), 0, None)
        ax.barh(y + off, v, height=0.34, color=colour, xerr=np.nan_to_num(err), ecolor="#333333", capsize=2,
                label=i18n.text(lang, *label))
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_title(i18n.text(lang, "Funnel by channel (95% intervals)", "Entonnoir par canal (intervalles à 95 %)"))
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="y", visible=False)
    plots.pct_axis(ax, lang, axis="x")
    return fig


def plot_time_to_close(curve: pd.DataFrame, lang: str = "en", max_days: float | None = None):
    """Share of leads still open after d days (Kaplan–Meier), one step line per group,
    the overall curve's 95 % band shaded; the x axis stops at ``max_days`` (default: a
    little after the day only 2 % remain open)."""
    fig, ax = plots.new_figure()
    groups = list(dict.fromkeys(curve["group"]))
    palette = plots.channel_palette([g for g in groups if g != "Total"])
    for g in groups:
        part = curve[curve["group"] == g]
        colour = "#333333" if g == "Total" else palette.get(g, plots.ACCENT)
        label = i18n.text(lang, "All leads", "Tous les leads") if g == "Total" else g
        ax.step(part["days"], part["open_share"], where="post", color=colour, linewidth=1.6, label=label)
        if g == "Total" or len(groups) == 1:
            ax.fill_between(part["days"], part["low"], part["high"], step="post", color=colour, alpha=0.15)
    if max_days is None and len(curve):  # the long flat tail of the last open leads says little
        low = curve.loc[curve["open_share"] <= 0.02, "days"]
        max_days = float(low.min()) * 1.2 if len(low) else None
    if max_days:
        ax.set_xlim(0, max_days)
    ax.set_ylim(0, 1.02)
    ax.set_title(i18n.text(lang, "Share of leads still open, by days since creation",
                           "Part des leads encore ouverts, selon les jours depuis leur création"))
    ax.set_xlabel(i18n.text(lang, "days", "jours"))
    plots.pct_axis(ax, lang)
    if len(groups) > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    return fig


def plot_cost_per_won(costs: pd.DataFrame, lang: str = "en", currency: str = "EUR"):
    """Cost per won deal by channel (bars)."""
    c = costs[(costs.iloc[:, 0] != "Total") & costs["cost_per_won"].notna()]
    s = c.set_index(c.columns[0])["cost_per_won"]
    return plots.barh(s, i18n.text(lang, "Cost per won deal", "Coût par affaire gagnée"), lang=lang, kind="money")
