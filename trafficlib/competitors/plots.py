"""Competitor-watch figures in the house style."""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib import i18n, plots
from trafficlib.competitors._common import _CHANNEL_COLOR, _METRICS, CHANNELS


def _domain_colors(domains, our_domain=None):
    pal = ["#e8702a", "#2e8b57", "#8e44ad", "#c0392b", "#17a2b8", "#8d6e63", "#d0508a", "#6c757d"]
    others = [d for d in sorted(domains) if d != our_domain]
    colors = {d: pal[i % len(pal)] for i, d in enumerate(others)}
    if our_domain is not None:
        colors[our_domain] = plots.ACCENT
    return colors


def _lines(frame, x, y, hue, title, lang, kind, our_domain=None):
    fig, ax = plots.new_figure()
    colors = _domain_colors(frame[hue].unique(), our_domain)
    for dom, g in frame.sort_values(x).groupby(hue):
        ax.plot(g[x], g[y], label=dom, color=colors[dom], linewidth=2.6 if dom == our_domain else 1.6)
    ax.set_title(title)
    ax.set_xlabel("")
    ax.set_ylabel("")
    {"pct": plots.pct_axis, "int": plots.count_axis}.get(kind, plots.count_axis)(ax, lang)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.autofmt_xdate()
    return fig


def plot_traffic_share(shares: pd.DataFrame, lang: str = "en", our_domain: str | None = None):
    """Lines of each domain's share of visits over time (from :func:`traffic_share`)."""
    return _lines(shares, "period", "share", "domain",
                  i18n.text(lang, "Share of visits among the domains watched", "Part des visites parmi les domaines suivis"),
                  lang, "pct", our_domain)


def plot_channel_mix(mix: pd.DataFrame, lang: str = "en", our_domain: str | None = None):
    """Stacked horizontal bars: each domain's traffic split by channel (from :func:`channel_mix`)."""
    wide = mix.pivot_table(index="domain", columns="channel", values="share", aggfunc="sum").fillna(0)
    wide = wide[[c for c in CHANNELS if c in wide.columns]]
    fig, ax = plots.new_figure(height=max(2.5, 0.5 * len(wide) + 1.2))
    left = np.zeros(len(wide))
    for ch in wide.columns:
        ax.barh(wide.index, wide[ch], left=left, color=plots.color_for(_CHANNEL_COLOR[ch]), label=CHANNELS[ch][lang])
        left += wide[ch].to_numpy()
    ax.set_title(i18n.text(lang, "Channel mix", "Répartition par canal"))
    ax.grid(axis="y", visible=False)
    plots.pct_axis(ax, lang, axis="x")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if our_domain in wide.index:
        for t in ax.get_yticklabels():
            if t.get_text() == our_domain:
                t.set_fontweight("bold")
    return fig


def plot_share_of_voice(sov: pd.DataFrame, lang: str = "en", our_domain: str | None = None):
    """Lines of SEO share of voice per domain over time (from :func:`share_of_voice`)."""
    return _lines(sov, "date", "share_of_voice", "domain",
                  i18n.text(lang, "SEO share of voice (volume × CTR)", "Part de voix SEO (volume × CTR)"),
                  lang, "pct", our_domain)


def plot_rank_movers(movers: pd.DataFrame, lang: str = "en", n: int = 15):
    """Horizontal bars of the largest position changes (from :func:`rank_movers`)."""
    m = movers.reindex(movers["change"].abs().sort_values(ascending=False).index).head(n)
    s = pd.Series(m["change"].to_numpy(), index=[f"{k} · {d}" for k, d in zip(m["keyword"], m["domain"])])
    s = s.sort_values()
    fig, ax = plots.new_figure(height=max(2.5, 0.32 * len(s) + 1))
    ax.barh(s.index, s.to_numpy(), color=[plots.GOOD if v > 0 else plots.BAD for v in s])
    ax.set_title(i18n.text(lang, "Biggest rank moves (positions gained)", "Plus fortes variations de position (places gagnées)"))
    ax.grid(axis="y", visible=False)
    plots.count_axis(ax, lang, axis="x")
    return fig


def plot_auction_pressure(auction: pd.DataFrame, lang: str = "en", our_domain: str | None = None,
                          metric: str = "impression_share"):
    """Lines of an auction-insights rate (default impression share) per domain over time."""
    en, fr = _METRICS.get(metric, (metric, metric))
    return _lines(auction.dropna(subset=[metric]), "period", metric, "domain",
                  i18n.text(lang, f"Google Ads {en}", f"Google Ads : {fr}"), lang, "pct", our_domain)


def plot_brand_interest(decomposed: pd.DataFrame, lang: str = "en", last_weeks: int | None = None,
                        our_term: str | None = None):
    """Brand interest per term: the values (thin) and the trend (thick), over the whole
    range (``last_weeks`` to show only the end). Terms on separate 0-100 scales
    (downloads that share no term) get a panel each, so no level is read across them."""
    d = decomposed
    if last_weeks:
        d = d[d["date"] >= d["date"].max() - pd.Timedelta(weeks=last_weeks)]
    scales = sorted(d["scale"].unique()) if "scale" in d else [1]
    colors = _domain_colors(d["term"].unique(), our_term)
    fig, axes = plots.new_figure(height=4 if len(scales) == 1 else 1.2 + 1.5 * len(scales), nrows=len(scales),
                                 sharex=True, squeeze=False)
    for ax, sc in zip(axes[:, 0], scales):
        part = d[d["scale"] == sc] if "scale" in d else d
        for term, g in part.groupby("term"):
            ax.plot(g["date"], g["interest"], color=colors[term], alpha=0.35, linewidth=1)
            ax.plot(g["date"], g["trend"], color=colors[term], linewidth=2.4 if term == our_term else 1.8, label=term)
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    title = (i18n.text(lang, "Brand search interest (Google Trends, 0-100) and trend",
                       "Intérêt de recherche des marques (Google Trends, 0-100) et tendance") if len(scales) == 1 else
             i18n.text(lang, "Brand search interest (Google Trends): each panel on its own 0-100 scale",
                       "Intérêt de recherche des marques (Google Trends) : chaque panneau sur sa propre échelle 0-100"))
    axes[0, 0].set_title(title)
    fig.autofmt_xdate()
    return fig
