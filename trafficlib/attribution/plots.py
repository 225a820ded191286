"""Figures of the attribution report (house style, fixed channel colours)."""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from trafficlib.attribution._common import MODELS, _model_label
from trafficlib.attribution.compare import (
    path_length_distribution,
    time_to_conversion,
    top_paths,
)
from trafficlib.attribution.markov import CONV, NULL, START, transition_matrix



def _finish_heatmap(ax, title: str, rotation: int) -> None:
    """Title, no axis labels, slanted column labels aligned on their end."""
    ax.set_title(title)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", rotation=rotation)
    for t in ax.get_xticklabels():
        t.set_ha("right")


def plot_model_comparison(models: pd.DataFrame, lang: str = "en", metric: str = "conversions"):
    """Grouped horizontal bars: conversions (or value) per channel, one bar per model.
    Returns the Figure."""
    import seaborn as sns
    from trafficlib import plots

    order = models.groupby("channel")[metric].mean().sort_values(ascending=False).index.tolist()
    kept = [m for m in MODELS + ["truth"] if m in set(models["model"])]
    fig, ax = plots.new_figure(height=max(4, 0.55 * len(order) + 1.2))
    colours = sns.color_palette("tab10", len(kept))
    # seaborn's barplot look (bars 0.8 wide split between the models, colours at 75 %
    # saturation, first channel on top), drawn directly: one value per bar, and
    # seaborn's grouping and legend machinery cost ~0.1 s a chart
    height = 0.8 / len(kept)
    for j, (m, colour) in enumerate(zip(kept, colours)):
        values = models[models["model"] == m].groupby("channel")[metric].mean().reindex(order)
        ax.barh(np.arange(len(order)) - 0.4 + j * height, values.to_numpy(dtype=float), height=height, align="edge",
                color=sns.desaturate(colour, 0.75), label=_model_label(m, lang))
    ax.set_yticks(np.arange(len(order)), order)
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.yaxis.grid(False)
    ax.set_ylabel("")
    ax.set_xlabel("")
    ax.set_title({"en": "Conversions credited to each channel, by model",
                  "fr": "Conversions attribuées à chaque canal, par modèle"}[lang] if metric == "conversions"
                 else {"en": "Value credited to each channel, by model",
                       "fr": "Valeur attribuée à chaque canal, par modèle"}[lang])
    (plots.money_axis if metric == "value" else plots.count_axis)(ax, lang, axis="x")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def plot_shares(models: pd.DataFrame, lang: str = "en"):
    """Heatmap of each channel's share of conversions (rows) by model (columns), in
    percent. Returns the Figure."""
    from trafficlib import i18n, plots

    piv = models.pivot_table(index="channel", columns="model", values="share", aggfunc="sum")
    cols = [m for m in MODELS + ["truth"] if m in piv.columns]
    piv = piv[cols]
    piv = piv.loc[piv.mean(axis=1).sort_values(ascending=False).index]
    piv.columns = [_model_label(m, lang) for m in cols]
    fig, ax = plots.new_figure(height=max(3.5, 0.45 * len(piv) + 1.5))
    annot = piv.map(lambda x: i18n.fmt_pct(x, lang, 0)) if hasattr(piv, "map") else piv.applymap(lambda x: i18n.fmt_pct(x, lang, 0))
    plots.heatmap(ax, piv, annot.to_numpy())
    _finish_heatmap(ax, {"en": "Share of conversions per channel, by model",
                         "fr": "Part des conversions par canal, selon le modèle"}[lang], rotation=30)
    return fig


def plot_path_lengths(paths: pd.DataFrame, lang: str = "en", max_length: int = 10):
    """Conversions by path length (bars) and conversion rate (line). Returns the Figure."""
    from trafficlib import plots

    d = path_length_distribution(paths, max_length)
    fig, ax = plots.new_figure()
    labels = [str(x) for x in d["length"]]
    if d["length"].iloc[-1] == max_length:
        labels[-1] = f"{max_length}+"
    ax.bar(labels, d["conversions"], color=plots.ACCENT)
    plots.count_axis(ax, lang)
    ax.set_xlabel({"en": "touches in the path", "fr": "contacts dans le parcours"}[lang])
    ax2 = ax.twinx()
    ax2.plot(labels, d["conversion_rate"], color=plots.BAD, marker="o", linewidth=1.5)
    plots.pct_axis(ax2, lang, decimals=1)
    ax2.grid(False)
    ax2.set_ylim(bottom=0)
    ax.set_title({"en": "Conversions (bars) and conversion rate (line) by path length",
                  "fr": "Conversions (barres) et taux de conversion (courbe) selon la longueur du parcours"}[lang])
    return fig


def plot_time_to_conversion(paths: pd.DataFrame, lang: str = "en"):
    """Share of conversions by days from first touch to conversion. Returns the Figure
    (an empty note when the paths carry no ages)."""
    from trafficlib import plots

    d = time_to_conversion(paths)
    fig, ax = plots.new_figure(height=3.5)
    if d.empty:
        ax.text(0.5, 0.5, {"en": "no timestamps in a path table", "fr": "pas d'horodatage dans une table de parcours"}[lang],
                ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    ax.bar(d["label"], d["share"], color=plots.ACCENT)
    plots.pct_axis(ax, lang)
    ax.set_xlabel({"en": "days from first touch to conversion", "fr": "jours entre le premier contact et la conversion"}[lang])
    ax.set_title({"en": "Time to conversion", "fr": "Délai de conversion"}[lang])
    return fig


def plot_top_paths(paths: pd.DataFrame, n: int = 12, lang: str = "en"):
    """Horizontal bars of the most frequent converting paths. Returns the Figure."""
    from trafficlib import plots

    d = top_paths(paths, n)
    s = pd.Series(d["conversions"].to_numpy(), index=[p if len(p) <= 70 else p[:67] + "…" for p in d["path"]])
    s = s[~s.index.duplicated()]
    fig = plots.barh(s, title={"en": f"Top {n} converting paths", "fr": f"Les {n} parcours qui convertissent le plus"}[lang],
                     lang=lang, colors={})
    return fig


def plot_transition_heatmap(paths: pd.DataFrame, lang: str = "en"):
    """Heatmap of first-order transition probabilities (from row to column), with
    (start), (conversion) and (null). Returns the Figure."""
    from trafficlib import i18n, plots

    tm = transition_matrix(paths)
    ren = {START: {"en": "(start)", "fr": "(début)"}[lang], CONV: "(conversion)",
           NULL: {"en": "(no conversion)", "fr": "(sans conversion)"}[lang]}
    tm = tm.rename(index=ren, columns=ren)
    fig, ax = plots.new_figure(width=9, height=max(4, 0.45 * len(tm) + 1.5))
    annot = tm.to_numpy()
    text = np.vectorize(lambda x: i18n.fmt_pct(x, lang, 0) if x >= 0.005 else "")(annot)
    plots.heatmap(ax, tm, text, vmin=0, vmax=1)
    _finish_heatmap(ax, {"en": "Markov transition probabilities (from row to column)",
                         "fr": "Probabilités de transition de Markov (de la ligne vers la colonne)"}[lang], rotation=35)
    return fig


def plot_truth_recovery(models: pd.DataFrame, truth_share: Mapping[str, float], lang: str = "en"):
    """Each model's share per channel against the planted true share (dots on a line
    per channel). Returns the Figure."""
    from trafficlib import plots

    t = pd.Series(truth_share, dtype=float).sort_values()
    fig, ax = plots.new_figure(height=max(4, 0.5 * len(t) + 1.2))
    y = np.arange(len(t))
    markers = "osD^v<>Px"
    for i, m in enumerate([m for m in MODELS if m in set(models["model"])]):
        s = models[models["model"] == m].set_index("channel")["share"].reindex(t.index)
        ax.scatter(s.to_numpy(), y + (i - 3.5) * 0.07, s=22, marker=markers[i % len(markers)],
                   label=_model_label(m, lang), alpha=0.85)
    ax.barh(y, t.to_numpy(), color=[plots.color_for(c) for c in t.index], alpha=0.25,
            label=_model_label("truth", lang))
    ax.set_yticks(y, t.index)
    plots.pct_axis(ax, lang, axis="x")
    ax.grid(axis="y", visible=False)
    ax.set_title({"en": "Share of conversions: models (dots) against the planted truth (bars)",
                  "fr": "Part des conversions : modèles (points) face à la vérité plantée (barres)"}[lang])
    ax.legend(loc="lower right", fontsize=8)
    return fig


