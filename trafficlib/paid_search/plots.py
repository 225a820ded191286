"""Plots of the paid-search audit (each returns a Figure)."""
from __future__ import annotations

import pandas as pd

from trafficlib import i18n, plots

__all__ = ["plot_ngrams", "plot_quality_score", "plot_impression_share"]


def plot_ngrams(candidates: pd.DataFrame, lang: str = "en", top: int = 12):
    """Cost of the negative-keyword candidates (n-grams), largest on top."""
    s = candidates.head(top).set_index("ngram")["cost"]
    return plots.barh(s, i18n.text(lang, "Spend without conversion, by n-gram", "Dépense sans conversion, par n-gramme"),
                      lang=lang, kind="money")


def plot_quality_score(distribution: pd.DataFrame, lang: str = "en"):
    """Cost by Quality Score (bars), low scores in red."""
    fig, ax = plots.new_figure(height=3.4)
    d = distribution
    labels = [i18n.text(lang, "not rated", "non évalué") if q == "not rated" else str(q) for q in d["quality_score"]]
    colors = [plots.BAD if str(q).isdigit() and int(q) <= 4 else plots.GREY if q == "not rated" else plots.ACCENT
              for q in d["quality_score"]]
    ax.bar(labels, d["cost"].to_numpy(), color=colors)
    ax.set_title(i18n.text(lang, "Keyword spend by Quality Score", "Dépense des mots clés par niveau de qualité"))
    ax.set_xlabel(i18n.text(lang, "Quality Score", "Niveau de qualité"))
    plots.money_axis(ax, lang)
    return fig


def plot_impression_share(lost: pd.DataFrame, lang: str = "en"):
    """Per campaign: impression share won, lost to budget, lost to rank (stacked, 100 %)."""
    fig, ax = plots.new_figure(height=max(2.5, 0.5 * len(lost) + 1.2))
    d = lost.set_index("campaign")
    won = d["search_impression_share"].fillna(0)
    bud = d["search_lost_is_budget"].fillna(0)
    rank = d["search_lost_is_rank"].fillna(0)
    names = [str(i) for i in d.index]
    ax.barh(names, won, color=plots.ACCENT, label=i18n.text(lang, "Won", "Obtenues"))
    ax.barh(names, bud, left=won, color=plots.BAD, label=i18n.text(lang, "Lost: budget", "Perdues : budget"))
    ax.barh(names, rank, left=won + bud, color=plots.GREY, label=i18n.text(lang, "Lost: rank", "Perdues : classement"))
    ax.set_xlim(0, 1)
    ax.set_title(i18n.text(lang, "Search impression share", "Taux d'impressions sur le Réseau de Recherche"))
    ax.legend(loc="lower right", fontsize=8)
    plots.pct_axis(ax, lang, axis="x")
    return fig
