"""The house style: one seaborn theme, one fixed colour per channel in every report.

Call :func:`use_style` once (the notebooks' first cell does, via
:func:`trafficlib.display.setup`); then plot with the helpers here or with seaborn
directly, passing ``palette=channel_palette(...)`` for channels so "Paid Search" is the
same blue in the audit, the attribution and the post-mortem.
Figures are sized for a report column (≈ 9 × 4 in at 100 dpi: a ~40-70 KB PNG).
"""
from __future__ import annotations

from typing import Iterable, Mapping

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pandas as pd
import seaborn as sns

from trafficlib import i18n

__all__ = [
    "CHANNEL_COLORS", "ACCENT", "GREY", "use_style", "channel_palette", "color_for",
    "new_figure", "money_axis", "pct_axis", "count_axis", "line", "barh",
]

ACCENT = "#1f5fa8"
GREY = "#9aa1a9"
GOOD = "#2e8b57"
BAD = "#c0392b"

# GA4 default channel groups (and a few common extras). Fixed across reports.
CHANNEL_COLORS: dict[str, str] = {
    "Organic Search": "#2e8b57",
    "Paid Search": "#1f5fa8",
    "Direct": "#6c757d",
    "Referral": "#e6a817",
    "Organic Social": "#d0508a",
    "Paid Social": "#8e44ad",
    "Email": "#17a2b8",
    "Display": "#e8702a",
    "Affiliates": "#8d6e63",
    "Paid Shopping": "#0b3d91",
    "Organic Shopping": "#66bb6a",
    "Paid Video": "#b71c1c",
    "Organic Video": "#ef9a9a",
    "Paid Other": "#5c6bc0",
    "Cross-network": "#00897b",
    "Audio": "#795548",
    "SMS": "#9e9d24",
    "Mobile Push Notifications": "#546e7a",
    "Unassigned": "#c7c7c7",
    "(other)": "#dddddd",
}
_EXTRA = sns.color_palette("tab20", 20).as_hex()


def use_style() -> None:
    """Apply the house style to matplotlib/seaborn (idempotent)."""
    sns.set_theme(
        context="notebook", style="whitegrid", font_scale=0.95,
        rc={
            "figure.figsize": (9, 4),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "savefig.bbox": "tight",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.prop_cycle": matplotlib.cycler(color=[ACCENT, "#e8702a", "#2e8b57", "#8e44ad", "#c0392b", GREY]),
            "legend.frameon": False,
            "font.family": "DejaVu Sans",
        },
    )


def color_for(name: str, i: int = 0) -> str:
    """The channel's fixed colour, or a stable colour from a 20-colour palette."""
    if name in CHANNEL_COLORS:
        return CHANNEL_COLORS[name]
    return _EXTRA[(sum(map(ord, str(name))) + i) % len(_EXTRA)]


def channel_palette(names: Iterable[str]) -> dict[str, str]:
    """A seaborn ``palette`` dict mapping each channel name to its fixed colour."""
    return {n: color_for(n) for n in names}


def new_figure(width: float = 9, height: float = 4, ncols: int = 1, nrows: int = 1, **kw):
    """``plt.subplots`` with the house size; returns (fig, ax or axes)."""
    return plt.subplots(nrows, ncols, figsize=(width, height), **kw)


def money_axis(ax, lang: str = "en", currency: str = "EUR", axis: str = "y") -> None:
    """Format an axis as money in ``lang`` (no decimals)."""
    f = mticker.FuncFormatter(lambda v, _: i18n.fmt_money(v, lang, currency, decimals=0))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(f)


def pct_axis(ax, lang: str = "en", axis: str = "y", decimals: int = 0) -> None:
    """Format an axis whose values are fractions as percentages in ``lang``."""
    f = mticker.FuncFormatter(lambda v, _: i18n.fmt_pct(v, lang, decimals))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(f)


def count_axis(ax, lang: str = "en", axis: str = "y") -> None:
    """Format an axis as whole numbers with thousands separators in ``lang``."""
    f = mticker.FuncFormatter(lambda v, _: i18n.fmt_int(v, lang))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(f)


def line(frame: pd.DataFrame, x: str, y: str, hue: str | None = None, title: str = "",
         lang: str = "en", kind: str = "int", palette: Mapping[str, str] | None = None,
         ax=None):
    """A line chart of ``y`` over ``x`` (one line per ``hue``); returns the figure.

    ``kind`` formats the y axis: "int", "money" or "pct" (values are fractions).
    """
    if ax is None:
        fig, ax = new_figure()
    else:
        fig = ax.figure
    if hue is not None and palette is None:
        palette = channel_palette(frame[hue].dropna().unique())
    sns.lineplot(data=frame, x=x, y=y, hue=hue, ax=ax, palette=palette, linewidth=1.6)
    ax.set_title(title)
    ax.set_xlabel("")
    ax.set_ylabel("")
    {"money": money_axis, "pct": pct_axis}.get(kind, count_axis)(ax, lang)
    if hue is not None:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def barh(series: pd.Series, title: str = "", lang: str = "en", kind: str = "int",
         colors: Mapping[str, str] | None = None, ax=None):
    """A horizontal bar chart of a Series (index = labels), largest on top; returns the
    figure. ``colors`` maps labels to colours (defaults to channel colours)."""
    if ax is None:
        fig, ax = new_figure(height=max(2.5, 0.35 * len(series) + 1))
    else:
        fig = ax.figure
    s = series.sort_values()
    cols = [(colors or {}).get(k, color_for(k)) if colors is not None or k in CHANNEL_COLORS else ACCENT
            for k in s.index]
    ax.barh([str(i) for i in s.index], s.to_numpy(), color=cols)
    ax.set_title(title)
    ax.grid(axis="y", visible=False)
    {"money": money_axis, "pct": pct_axis}.get(kind, count_axis)(ax, lang, axis="x")
    return fig
