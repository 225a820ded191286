"""Plots of the display & social report (each returns a Figure)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib import i18n, plots

__all__ = ["plot_fatigue", "plot_saturation", "plot_breakdown"]


def plot_fatigue(curve: pd.DataFrame, fatigued=(), lang: str = "en", top: int = 6):
    """CTR by ad age (weeks since the ad's first day), one line per ad (the costliest
    ``top``); fatigued ads in red."""
    fig, ax = plots.new_figure(height=3.6)
    spend = curve.groupby("ad_key")["cost"].sum().sort_values(ascending=False)
    keys = list(dict.fromkeys([k for k in fatigued if k in spend.index] + list(spend.index)))[:top]
    for i, k in enumerate(keys):
        c = curve[curve["ad_key"] == k].sort_values("age")
        bad = k in set(fatigued)
        ax.plot(c["age"] / 7, c["ctr"], marker="o", markersize=3, linewidth=2.2 if bad else 1.3,
                color=plots.BAD if bad else plots.color_for(str(k), i + 1), label=str(c["ad"].iloc[0]))
    ax.set_title(i18n.text(lang, "CTR by ad age", "CTR selon l'âge de la publicité"))
    ax.set_xlabel(i18n.text(lang, "Weeks since the ad's first day", "Semaines depuis le premier jour de la publicité"))
    plots.pct_axis(ax, lang, decimals=1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    return fig


def plot_saturation(bins: pd.DataFrame, threshold: float, lang: str = "en", currency: str | None = "EUR"):
    """Cost per result by frequency bin (bars), the threshold marked."""
    fig, ax = plots.new_figure(height=3.4)
    names = [f"{i18n.fmt_number(a, lang, 1)}–{i18n.fmt_number(b, lang, 1)}" if np.isfinite(b)
             else f"≥ {i18n.fmt_number(a, lang, 1)}" for a, b in zip(bins["low"], bins["high"])]
    hot = np.isfinite(threshold) & (bins["low"] >= threshold)
    ax.bar(names, bins["cost_per_result"].to_numpy(), color=np.where(hot, plots.BAD, plots.ACCENT))
    ax.set_title(i18n.text(lang, "Cost per result by frequency", "Coût par résultat selon la répétition"))
    ax.set_xlabel(i18n.text(lang, "Frequency (impressions / reach of each row)",
                            "Répétition (impressions / couverture de chaque ligne)"))
    if currency:
        plots.money_axis(ax, lang, currency)
    return fig


def plot_breakdown(frame: pd.DataFrame, title: str, lang: str = "en"):
    """CTR by segment with its 95 % interval (error bars), the breakdown's CTR dashed."""
    d = frame[frame["impressions"] > 0].sort_values("ctr")
    fig, ax = plots.new_figure(height=max(2.4, 0.35 * len(d) + 1.2))
    err = np.vstack([(d["ctr"] - d["ctr_low"]).clip(lower=0), (d["ctr_high"] - d["ctr"]).clip(lower=0)])
    colors = [plots.GOOD if v == "higher" else plots.BAD if v == "lower" else plots.GREY for v in d["ctr_vs_rest"]]
    ax.barh([str(s) for s in d["segment"]], d["ctr"].to_numpy(), xerr=err, color=colors, ecolor="#444")
    avg = d["clicks"].sum() / d["impressions"].sum()
    ax.axvline(avg, color="#444", linestyle="--", linewidth=1)
    ax.set_title(title)
    ax.grid(axis="y", visible=False)
    plots.pct_axis(ax, lang, axis="x", decimals=1)
    return fig
