"""Charts of the SEO report (each returns a matplotlib Figure)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib import i18n, plots
from trafficlib.seo.core import SearchData
from trafficlib.seo.ctr import CtrCurve, observed_curve

__all__ = ["plot_trend", "plot_ctr_curve"]


def plot_trend(sd: SearchData, anomalies: pd.DataFrame | None = None, lang: str = "en"):
    """Daily clicks (bars of the comparison period in grey) with anomalous days marked,
    and impressions on a second panel."""
    fig, (ax1, ax2) = plots.new_figure(9, 5.5, nrows=2, sharex=False)
    d = sd.daily
    if d is not None and len(d):
        if sd.daily_previous is not None and len(sd.daily_previous):
            p = sd.daily_previous
            ax1.plot(p["date"], p["clicks"], color=plots.GREY, linewidth=1.2,
                     label=i18n.text(lang, "comparison period", "période de comparaison"))
            ax2.plot(p["date"], p["impressions"], color=plots.GREY, linewidth=1.2)
        ax1.plot(d["date"], d["clicks"], color=plots.ACCENT, linewidth=1.6, label=i18n.text(lang, "period", "période"))
        ax2.plot(d["date"], d["impressions"], color=plots.ACCENT, linewidth=1.6)
        if anomalies is not None and len(anomalies):
            a = anomalies
            ax1.scatter(a["date"], a["observed"], color=np.where(a["direction"] == "drop", plots.BAD, plots.GOOD),
                        zorder=3, s=28, label=i18n.text(lang, "anomalous day", "jour anormal"))
        ax1.legend(loc="upper left", fontsize=8)
    ax1.set_title(i18n.text(lang, "Clicks per day", "Clics par jour"))
    ax2.set_title(i18n.text(lang, "Impressions per day", "Impressions par jour"))
    for ax in (ax1, ax2):
        plots.count_axis(ax, lang)
        ax.set_xlabel("")
        ax.set_ylabel("")
    fig.tight_layout()
    return fig


def plot_ctr_curve(sd: SearchData, curve: CtrCurve, opportunities: pd.DataFrame | None = None, lang: str = "en"):
    """The site's observed CTR by position (non-brand queries, dots sized by
    impressions), its fitted curve, and the queries far below it."""
    fig, ax = plots.new_figure(9, 4.5)
    obs = observed_curve(sd)
    if len(obs):
        size = 20 + 280 * obs["impressions"] / obs["impressions"].max()
        ax.scatter(obs["position"], obs["ctr"], s=size, color=plots.ACCENT, alpha=0.5,
                   label=i18n.text(lang, "observed (non-brand)", "observé (hors marque)"))
    if curve.ok:
        x = np.linspace(1, curve.max_position, 200)
        ax.plot(x, curve(x), color=plots.ACCENT, linewidth=1.8,
                label=i18n.text(lang, f"fitted: CTR = {curve.a:.2f} × position^-{curve.b:.2f}",
                                f"ajustée : CTR = {curve.a:.2f} × position^-{curve.b:.2f}"))
    if opportunities is not None and len(opportunities):
        o = opportunities.head(15)
        ax.scatter(o["position"], o["ctr"], marker="x", color=plots.BAD, s=40,
                   label=i18n.text(lang, "queries far below the curve", "requêtes très sous la courbe"))
    ax.set_title(i18n.text(lang, "The site's CTR by position", "CTR du site par position"))
    ax.set_xlabel(i18n.text(lang, "average position", "position moyenne"))
    ax.set_ylabel("")
    plots.pct_axis(ax, lang)
    ax.legend(loc="upper right", fontsize=8)
    return fig
