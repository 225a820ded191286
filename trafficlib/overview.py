"""Traffic overview: the headline numbers of a period against a comparison period.

Backs ``notebooks/traffic_overview.ipynb``. Every function takes a source of figures
(:mod:`trafficlib.query`: session rows, a sessionized event log, or a cube of GA4
interface exports) or a canonical sessions DataFrame, asks it for sums and recomputes
the KPIs (definitions in :mod:`trafficlib.metrics`), and returns a DataFrame or a
matplotlib Figure. A question the data cannot answer raises
:class:`trafficlib.query.Unsupported`, whose message names the export that would answer
it; :func:`section` turns that into one plain line in the report.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib import i18n, metrics, plots, query
from trafficlib.errors import TrafficDataError
from trafficlib.periods import Period, require_data
from trafficlib.query import Unsupported

__all__ = ["load", "load_sessions", "headline", "trend", "channel_mix", "landing_pages", "campaigns", "devices",
           "countries", "headline_table", "kpi_cards", "plot_trend", "plot_channel_mix", "plot_devices",
           "HEADLINE_KPIS", "cannot_show", "require_period"]

HEADLINE_KPIS = ["sessions", "users", "engagement_rate", "conversions", "conversion_rate", "revenue", "aov"]
_GOOD_IF_DOWN = {"bounce_rate", "ua_bounce_rate"}


def load(data_path: str | Path, period: Period | None = None, prefer: str = "sessions", **opts) -> query.Source:
    """The source of figures in ``data_path`` (folder or file: sessions, events, GA4
    BigQuery or interface exports; see :func:`trafficlib.query.open_source`); with
    ``period``, raises TrafficDataError if the data does not reach it."""
    src = query.open_source(data_path, prefer=prefer, **opts)
    if period is not None:
        require_period(src, period, str(data_path))
    return src


def require_period(src: query.Source, period: Period, file: str = "data") -> None:
    """Raise :class:`TrafficDataError` when no data of ``src`` falls in ``period``."""
    rows = src.session_rows()
    if rows is not None:
        require_data(rows["start"], period)
        return
    span = src.span()
    if span is None or span[1] < period.start or span[0] > period.end:
        have = f"{span[0]:%Y-%m-%d} to {span[1]:%Y-%m-%d}" if span else "no dates"
        raise TrafficDataError(f"no data in {period.start:%Y-%m-%d} to {period.end:%Y-%m-%d} (the exports cover {have})",
                               file=file, hint="change period_start / period_end")


def load_sessions(data_path: str | Path, period: Period | None = None) -> pd.DataFrame:
    """The sessions table of a folder or file (kept for callers that want rows);
    raises TrafficDataError when the data holds no session rows (a cube of exports)."""
    src = load(data_path, period)
    rows = src.session_rows()
    if rows is None:
        raise TrafficDataError("these exports are aggregated reports, not sessions", file=str(data_path))
    return rows


def cannot_show(exc: Unsupported, lang: str) -> str:
    """The plain line a report shows for a section the data cannot feed."""
    if getattr(exc, "needs", None) is None or not exc.have:
        return i18n.text(lang, f"Not available from this data: {exc}.", f"Non disponible avec ces données : {exc}.")
    return i18n.text(
        lang, f"Not available from these exports: this section needs {query.export_hint(exc.needs, 'en')} covering "
              f"the period (exports read: {exc.have}).",
        f"Non disponible avec ces exports : il faudrait {query.export_hint(exc.needs, 'fr')} couvrant la période "
        f"(exports lus : {exc.have}).")


def why_not(data, by, period: Period | None, lang: str = "en") -> str | None:
    """None when the data can answer ``by`` over ``period``, else the plain line saying
    which export would (in ``lang``)."""
    try:
        query.as_source(data).check([by] if isinstance(by, str) else list(by), period)
    except Unsupported as exc:
        return cannot_show(exc, lang)
    return None


def _kpi_row(src: query.Source, period: Period, ua_bounce: bool) -> pd.Series:
    return src.kpis((), period, ua_bounce).iloc[0]


def headline(data, period: Period, comparison: Period | None = None,
             ua_bounce: bool = False) -> pd.DataFrame:
    """Every KPI of :mod:`trafficlib.metrics` for the period and the comparison, one row
    per KPI: ``metric``, ``current``, ``previous``, ``change`` (relative, fraction; NaN
    without comparison, when the previous value is 0, or when the data cannot give the
    comparison). ``ua_bounce`` adds the Universal Analytics bounce rate. Users come
    from the data at exactly this grain (a cube's own total), else NaN: never summed."""
    src = query.as_source(data)
    cur = _kpi_row(src, period, ua_bounce)
    out = pd.DataFrame({"metric": cur.index, "current": cur.to_numpy(dtype=float)})
    out["previous"] = float("nan")
    if comparison is not None and src.supports((), comparison):
        out["previous"] = _kpi_row(src, comparison, ua_bounce).to_numpy(dtype=float)
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


# The daily figure a trend shows: sessions, else what the exports hold (views, users...)
TREND_METRICS = ("sessions", "pageviews", "users", "conversions", "revenue")


def trend(data, period: Period, window: int = 7) -> pd.DataFrame:
    """Daily ``sessions``, ``conversions`` and ``revenue`` over the period (and
    ``pageviews`` / ``users`` where the data hold them), with the centred ``window``-day
    rolling mean of the main figure in ``main_avg``. The main figure is sessions, else
    the first of :data:`TREND_METRICS` the data hold (a GA4 pages report has views but
    no sessions): its name is in ``attrs["metric"]``."""
    d = query.as_source(data).daily(period)
    cols = ["date"] + [c for c in TREND_METRICS if c in d]
    d = d[cols].copy()
    for c in ("sessions", "pageviews", "conversions"):
        if c in d:
            d[c] = metrics._count(metrics._floats(d, c))
    main = next((c for c in TREND_METRICS if c in d and d[c].notna().any() and d[c].sum() > 0), "sessions")
    d["main_avg"] = d[main].rolling(window, center=True, min_periods=1).mean()
    d["sessions_avg"] = d["main_avg"] if main == "sessions" else np.nan  # the name earlier code used
    d.attrs["metric"] = main
    return d


def present(table: pd.DataFrame, keep=()) -> pd.DataFrame:
    """``table`` without the figure columns the data never measured (all NaN: sessions
    of a GA4 export that has only views), so a section shows what it can instead of a
    column of dashes; the columns in ``keep`` stay whatever they hold."""
    drop = [c for c in table.columns if c not in keep and table[c].dtype.kind in "fiu" and table[c].isna().all()]
    return table.drop(columns=drop)


def channel_mix(data, period: Period, comparison: Period | None = None) -> pd.DataFrame:
    """KPIs per channel for the period, with ``sessions_change`` vs the comparison
    (NaN where the data cannot give the comparison)."""
    src = query.as_source(data)
    cur = src.kpis("channel", period)
    if comparison is not None:
        prev = src.kpis("channel", comparison) if src.supports(["channel"], comparison) else \
            pd.DataFrame({"channel": [], "sessions": []})
        cur = cur.merge(prev[["channel", "sessions"]].rename(columns={"sessions": "previous"}), on="channel", how="left")
        cur["sessions_change"] = metrics.ratio(cur["sessions"] - cur["previous"], cur["previous"])
        cur = cur.drop(columns="previous")
    return cur


# what a section shows when the data have no sessions (GA4 reports of views, users, events)
_WITHOUT_SESSIONS = ("pageviews", "users", "conversions", "revenue")


def _section(t: pd.DataFrame, dim: list[str], cols: list[str], top: int | None = None) -> pd.DataFrame:
    """The section's columns, or, when the data have no sessions, the figures they do
    have (views, users, key events, revenue), largest first."""
    if "sessions" in t and t["sessions"].isna().all():
        have = [c for c in _WITHOUT_SESSIONS if c in t and t[c].notna().any()]
        if have:
            t = t.sort_values(have[0], ascending=False, na_position="last")
            cols = dim + have
    out = t[cols].reset_index(drop=True)
    return out.head(top) if top else out


def landing_pages(data, period: Period, top: int = 10) -> pd.DataFrame:
    """The ``top`` landing pages by sessions, with engagement, conversion and revenue
    (by views, users, key events and revenue when the data have no sessions)."""
    t = query.as_source(data).kpis("landing_page", period)
    return _section(t, ["landing_page"], ["landing_page", "sessions", "share", "engagement_rate", "conversion_rate",
                                          "revenue"], top)


def campaigns(data, period: Period, top: int = 10) -> pd.DataFrame:
    """The ``top`` tagged campaigns (``campaign`` set) by sessions, with their source /
    medium, conversions and revenue. Names are shown exactly as tagged (UTM values that
    differ by case are different rows: the audit flags them)."""
    t = query.as_source(data).kpis(["campaign", "source_medium"], period)
    t = t[t["campaign"].notna() & ~t["campaign"].astype(str).isin(["(not set)", "(direct)", "(organic)", "(referral)"])]
    return t[["campaign", "source_medium", "sessions", "conversions", "conversion_rate", "revenue"]].head(
        top).reset_index(drop=True)


def devices(data, period: Period) -> pd.DataFrame:
    """KPIs per device category for the period."""
    t = query.as_source(data).kpis("device", period)
    return _section(t, ["device"], ["device", "sessions", "share", "engagement_rate", "conversion_rate", "revenue",
                                    "aov"])


def countries(data, period: Period, top: int = 10) -> pd.DataFrame:
    """KPIs of the ``top`` countries by sessions for the period."""
    t = query.as_source(data).kpis("country", period)
    return _section(t, ["country"], ["country", "sessions", "share", "engagement_rate", "conversion_rate", "revenue"],
                    top)


def headline_kpis(table: pd.DataFrame) -> list[str]:
    """The KPI cards a :func:`headline` table can fill: :data:`HEADLINE_KPIS` less those
    the data never measured, with page views first when there are no sessions."""
    known = set(table.loc[table["current"].notna(), "metric"])
    out = [k for k in HEADLINE_KPIS if k in known]
    if "sessions" not in known and "pageviews" in known:
        out.insert(0, "pageviews")
    return out


def plot_trend(daily_table: pd.DataFrame, lang: str = "en"):
    """The main daily figure of a :func:`trend` table (sessions, else views...: bars,
    light) and its 7-day average (line); returns the Figure."""
    main = daily_table.attrs.get("metric", "sessions")
    avg = daily_table["main_avg"] if "main_avg" in daily_table else daily_table["sessions_avg"]
    fig, ax = plots.new_figure(height=3.6)
    ax.bar(daily_table["date"], daily_table[main], color=plots.ACCENT, alpha=0.25, width=1.0,
           label=i18n.label(main, lang))
    ax.plot(daily_table["date"], avg, color=plots.ACCENT, linewidth=2,
            label=i18n.text(lang, "7-day average", "Moyenne sur 7 jours"))
    plots.count_axis(ax, lang)
    ax.set_title(i18n.text(lang, f"{i18n.label(main, 'en')} per day", f"{i18n.label(main, 'fr')} par jour"))
    ax.legend(loc="upper left")
    fig.autofmt_xdate()
    return fig


def weekly_by_channel(data, period: Period) -> pd.DataFrame:
    """Sessions per week (weeks starting Monday) and channel over the period: a frame
    indexed by week start, one column per channel, largest channel first."""
    t = query.as_source(data).sums(["date", "channel"], period)
    if t.empty:
        return pd.DataFrame()
    weekly = (t.assign(week=t["date"] - pd.to_timedelta(t["date"].dt.dayofweek, unit="D"))
              .pivot_table(index="week", columns="channel", values="sessions", aggfunc="sum", fill_value=0))
    order = weekly.sum().sort_values(ascending=False).index
    return weekly[order]


def plot_channel_mix(data, period: Period, lang: str = "en"):
    """Weekly sessions per channel (stacked areas, fixed channel colours); returns the Figure."""
    weekly = weekly_by_channel(data, period)
    # a week cut by the period's edges would be drawn as a drop: leave it out and say so
    weekly, note = plots.complete_periods(weekly, "W-MON", period.start, period.end, lang)
    order = list(weekly.columns)
    fig, ax = plots.new_figure(height=3.8)
    ax.stackplot(weekly.index, weekly.T.to_numpy(), labels=order,
                 colors=[plots.color_for(c) for c in order], alpha=0.9)
    plots.count_axis(ax, lang)
    ax.set_title(i18n.text(lang, "Sessions per week by channel", "Sessions par semaine et par canal"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    fig.autofmt_xdate()
    plots.add_note(fig, note)
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
