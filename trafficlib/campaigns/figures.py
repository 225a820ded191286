"""Post-mortem figures (each returns a matplotlib Figure)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib import i18n


def plot_pacing(pace: pd.DataFrame, lang: str = "en", currency: str = "EUR"):
    """Cumulative spend vs the even plan over the flight; returns a Figure."""
    from trafficlib import plots

    fig, ax = plots.new_figure(height=3.5)
    ax.plot(pace.index, pace["cum_spend"], color=plots.ACCENT, lw=2, label=i18n.text(lang, "Spent", "Dépensé"))
    ax.plot(pace.index, pace["planned_cum"], color=plots.GREY, ls="--", label=i18n.text(lang, "Plan", "Prévu"))
    ax.set_title(i18n.text(lang, "Budget pacing", "Rythme de dépense"))
    plots.money_axis(ax, lang, currency)
    ax.legend(loc="upper left")
    fig.autofmt_xdate()
    return fig


def plot_groups(ranked: pd.DataFrame, by: str = "ad_group", lang: str = "en"):
    """Rates of ad groups / ads with their intervals (dots and bars) and the pooled rate
    as a vertical line; returns a Figure."""
    from trafficlib import plots

    r = ranked.iloc[::-1]
    fig, ax = plots.new_figure(height=max(2.5, 0.4 * len(r) + 1))
    y = np.arange(len(r))
    colors = [plots.GOOD if v == "above" else plots.BAD if v == "below" else plots.ACCENT for v in r["vs_overall"]]
    ax.hlines(y, r["lower"], r["upper"], color=colors, lw=3, alpha=0.6)
    ax.scatter(r["rate"], y, color=colors, zorder=3)
    ax.set_yticks(y, [str(v) for v in r[by]])
    pooled = ranked.attrs.get("pooled_rate")
    if pooled is not None:
        ax.axvline(pooled, color=plots.GREY, ls=":")
    rate = ranked.attrs.get("rate", "ctr").upper()
    ax.set_title(i18n.text(lang, f"{rate} with 95 % intervals", f"{rate} et intervalles à 95 %"))
    plots.pct_axis(ax, lang, axis="x", decimals=2)
    ax.grid(axis="y", visible=False)
    return fig


def plot_daily(by_day: pd.DataFrame, lang: str = "en", currency: str = "EUR"):
    """Daily spend (bars) and platform conversions (line) over the flight."""
    from trafficlib import plots

    fig, ax = plots.new_figure(height=3.5)
    ax.bar(by_day.index, by_day["cost"], color=plots.ACCENT, alpha=0.6, label=i18n.text(lang, "Spend", "Dépense"))
    plots.money_axis(ax, lang, currency)
    ax2 = ax.twinx()
    ax2.plot(by_day.index, by_day["conversions"], color="#e8702a", lw=1.8,
             label=i18n.text(lang, "Conversions (platform)", "Conversions (plateforme)"))
    ax2.grid(False)
    ax.set_title(i18n.text(lang, "Daily spend and reported conversions", "Dépense et conversions déclarées par jour"))
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper left")
    fig.autofmt_xdate()
    return fig
