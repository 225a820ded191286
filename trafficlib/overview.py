"""Traffic overview: the headline numbers of a period against a comparison period.

Backs ``notebooks/traffic_overview.ipynb``. Every function takes the canonical sessions
table (see :mod:`trafficlib.metrics` for the KPI definitions) and returns a DataFrame or
a matplotlib Figure.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from trafficlib import i18n, metrics, plots, sources
from trafficlib.periods import Period, require_data

__all__ = ["load_sessions", "headline", "trend", "channel_mix", "landing_pages", "campaigns", "devices",
           "headline_table", "kpi_cards", "plot_trend", "plot_channel_mix", "plot_devices", "HEADLINE_KPIS"]

HEADLINE_KPIS = ["sessions", "users", "engagement_rate", "conversions", "conversion_rate", "revenue", "aov"]
_GOOD_IF_DOWN = {"bounce_rate", "ua_bounce_rate"}


def load_sessions(data_path: str | Path, period: Period | None = None) -> pd.DataFrame:
    """The sessions table from a folder (``sessions.parquet``/``.csv``) or a file;
    with ``period``, raises TrafficDataError if no session falls in it."""
    p = Path(data_path)
    s = sources.read_folder(p, "sessions") if p.is_dir() else sources.read(p, "sessions")
    if period is not None:
        require_data(s["start"], period)
    return s


def headline(sessions: pd.DataFrame, period: Period, comparison: Period | None = None,
             ua_bounce: bool = False) -> pd.DataFrame:
    """Every KPI of :mod:`trafficlib.metrics` for the period and the comparison, one row
    per KPI: ``metric``, ``current``, ``previous``, ``change`` (relative, fraction; NaN
    without comparison or when the previous value is 0). ``ua_bounce`` adds the
    Universal Analytics bounce rate."""
    cur = metrics.session_kpis(sessions[period.mask(sessions["start"])], ua_bounce)
    out = pd.DataFrame({"metric": cur.index, "current": cur.to_numpy(dtype=float)})
    if comparison is None:
        out["previous"] = float("nan")
    else:
        prev = metrics.session_kpis(sessions[comparison.mask(sessions["start"])], ua_bounce)
        out["previous"] = prev.to_numpy(dtype=float)
    out["change"] = metrics.ratio(out["current"] - out["previous"], out["previous"])
    return out


def headline_table(table: pd.DataFrame, lang: str, currency: str = "EUR") -> pd.DataFrame:
    """A :func:`headline` table ready to show: KPI labels in ``lang``, values formatted
    per KPI (counts, percentages, money, durations), ``change`` kept numeric."""
    def show(k, v):
        kind = metrics.KPI_FORMATS.get(k, "num")
        if kind.startswith("money"):
            return i18n.fmt_money(v, lang, currency, decimals=0 if kind == "money0" else 2)
        return i18n.fmt(v, kind, lang)

    return pd.DataFrame({
        "metric": [i18n.label(k, lang) for k in table["metric"]],
        "current": [show(k, v) for k, v in zip(table["metric"], table["current"])],
        "previous": [show(k, v) for k, v in zip(table["metric"], table["previous"])],
        "change": table["change"].to_numpy(),
        "_lower_is_better": table["metric"].isin(_GOOD_IF_DOWN).to_numpy(),
    })


def kpi_cards(table: pd.DataFrame, lang: str, currency: str = "EUR", which=HEADLINE_KPIS) -> list[dict]:
    """Items for :func:`trafficlib.display.kpis` from a :func:`headline` table."""
    items = []
    t = table.set_index("metric")
    for k in which:
        kind = metrics.KPI_FORMATS.get(k, "num")
        value = (i18n.fmt_money(t.at[k, "current"], lang, currency, decimals=0 if kind == "money0" else 2)
                 if kind.startswith("money") else i18n.fmt(t.at[k, "current"], kind, lang))
        items.append({"label": i18n.label(k, lang), "value": value, "delta": t.at[k, "change"],
                      "good_if_up": k not in _GOOD_IF_DOWN})
    return items


def trend(sessions: pd.DataFrame, period: Period, window: int = 7) -> pd.DataFrame:
    """Daily sessions, conversions and revenue over the period with a centred
    ``window``-day rolling mean of sessions (``sessions_avg``)."""
    d = metrics.daily(sessions[period.mask(sessions["start"])])
    d["sessions_avg"] = d["sessions"].rolling(window, center=True, min_periods=1).mean()
    return d


def channel_mix(sessions: pd.DataFrame, period: Period, comparison: Period | None = None) -> pd.DataFrame:
    """KPIs per channel for the period, with ``sessions_change`` vs the comparison."""
    cur = metrics.kpis_by(sessions[period.mask(sessions["start"])], "channel")
    if comparison is not None:
        prev = metrics.kpis_by(sessions[comparison.mask(sessions["start"])], "channel")
        cur = cur.merge(prev[["channel", "sessions"]].rename(columns={"sessions": "previous"}), on="channel", how="left")
        cur["sessions_change"] = metrics.ratio(cur["sessions"] - cur["previous"], cur["previous"])
        cur = cur.drop(columns="previous")
    return cur


def landing_pages(sessions: pd.DataFrame, period: Period, top: int = 10) -> pd.DataFrame:
    """The ``top`` landing pages by sessions, with engagement, conversion and revenue."""
    t = metrics.kpis_by(sessions[period.mask(sessions["start"])], "landing_page")
    return t[["landing_page", "sessions", "share", "engagement_rate", "conversion_rate", "revenue"]].head(top)


def campaigns(sessions: pd.DataFrame, period: Period, top: int = 10) -> pd.DataFrame:
    """The ``top`` tagged campaigns (``campaign`` not empty) by sessions, with their
    source / medium, conversions and revenue. Names are shown exactly as tagged (UTM
    values that differ by case are different rows: the audit flags them)."""
    s = sessions[period.mask(sessions["start"]) & sessions["campaign"].notna()]
    s = s.assign(source_medium=s["source"].fillna("(not set)") + " / " + s["medium"].fillna("(not set)"))
    t = metrics.kpis_by(s, ["campaign", "source_medium"])
    return t[["campaign", "source_medium", "sessions", "conversions", "conversion_rate", "revenue"]].head(top)


def devices(sessions: pd.DataFrame, period: Period) -> pd.DataFrame:
    """KPIs per device category for the period."""
    t = metrics.kpis_by(sessions[period.mask(sessions["start"])], "device")
    return t[["device", "sessions", "share", "engagement_rate", "conversion_rate", "revenue", "aov"]]


def plot_trend(daily_table: pd.DataFrame, lang: str = "en"):
    """Daily sessions (bars, light) and their 7-day average (line); returns the Figure."""
    fig, ax = plots.new_figure(height=3.6)
    ax.bar(daily_table["date"], daily_table["sessions"], color=plots.ACCENT, alpha=0.25, width=1.0,
           label=i18n.label("sessions", lang))
    ax.plot(daily_table["date"], daily_table["sessions_avg"], color=plots.ACCENT, linewidth=2,
            label=i18n.text(lang, "7-day average", "Moyenne sur 7 jours"))
    plots.count_axis(ax, lang)
    ax.set_title(i18n.text(lang, "Sessions per day", "Sessions par jour"))
    ax.legend(loc="upper left")
    fig.autofmt_xdate()
    return fig


def plot_channel_mix(sessions: pd.DataFrame, period: Period, lang: str = "en"):
    """Weekly sessions per channel (stacked areas, fixed channel colours); returns the Figure."""
    s = sessions[period.mask(sessions["start"])]
    weekly = (s.groupby([pd.Grouper(key="start", freq="W-MON", label="left", closed="left"), "channel"],
                        observed=True).size().unstack(fill_value=0))
    order = weekly.sum().sort_values(ascending=False).index
    weekly = weekly[order]
    fig, ax = plots.new_figure(height=3.8)
    ax.stackplot(weekly.index, weekly.T.to_numpy(), labels=list(order),
                 colors=[plots.color_for(c) for c in order], alpha=0.9)
    plots.count_axis(ax, lang)
    ax.set_title(i18n.text(lang, "Sessions per week by channel", "Sessions par semaine et par canal"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    fig.autofmt_xdate()
    return fig


def plot_devices(table: pd.DataFrame, lang: str = "en"):
    """Share of sessions and conversion rate per device; returns the Figure."""
    fig, axes = plots.new_figure(ncols=2, height=2.8)
    labels = table["device"].astype(str)
    axes[0].barh(labels, table["share"], color=plots.ACCENT)
    axes[0].set_title(i18n.text(lang, "Share of sessions", "Part des sessions"))
    plots.pct_axis(axes[0], lang, axis="x")
    axes[1].barh(labels, table["conversion_rate"], color="#2e8b57")
    axes[1].set_title(i18n.label("conversion_rate", lang))
    plots.pct_axis(axes[1], lang, axis="x", decimals=1)
    for ax in axes:
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig
