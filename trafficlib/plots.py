"""The house style: one seaborn theme, one fixed colour per channel in every report.

Call :func:`use_style` once (the notebooks' first cell does, via
:func:`trafficlib.display.setup`); then plot with the helpers here or with seaborn
directly, passing ``palette=channel_palette(...)`` for channels so "Paid Search" is the
same blue in the audit, the attribution and the post-mortem.
Figures are sized for a report column (≈ 9 × 4 in) and shown as SVG (:func:`svg_text`).

Dates on axes
-------------
:func:`use_local_dates` (called by :func:`trafficlib.display.setup`) makes every
matplotlib date axis, in any module, label its ticks with Babel in the report's
language: ``janv. 2026``, ``5 janv.`` in French, ``Jan 2026``, ``5 Jan`` in English
(:class:`LocalDateFormatter`). :func:`localize_dates` converts the date axes of a finished
figure (explicit ``DateFormatter`` ones included); :func:`trafficlib.display.figure` calls it.

Partial periods
---------------
A weekly or monthly chart whose first or last week/month is cut by the data's range
shows a fake drop. :func:`complete_periods` drops those periods (and returns the note
to put under the chart); :func:`mark_partial_periods` keeps them but hatches them; both
write the note with :func:`add_note`.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import re
from typing import Any, Iterable, Mapping

import matplotlib
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import matplotlib.units as munits
import numpy as np
import pandas as pd
import seaborn as sns
from babel.dates import format_date as _babel_date, format_datetime as _babel_datetime

from trafficlib import i18n

__all__ = [
    "CHANNEL_COLORS", "ACCENT", "GREY", "use_style", "channel_palette", "color_for",
    "new_figure", "money_axis", "pct_axis", "count_axis", "line", "barh", "heatmap",
    "LocalDateFormatter", "use_local_dates", "date_axis", "localize_dates",
    "partial_periods", "complete_periods", "mark_partial_periods", "partial_note", "add_note",
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
            # Titles sit at the top of their axes. Left to matplotlib (titley None), every
            # draw and every size measurement would lay out each y axis again to see
            # whether an offset text ("1e6") or top ticks push the title up: about a
            # third of a chart's drawing time. Our charts have neither: x ticks stay
            # at the bottom, and numbers are written out, never as an offset or "1e6".
            "axes.titley": 1.0,
            "axes.formatter.useoffset": False,
            "axes.formatter.limits": (-9, 15),
            "axes.prop_cycle": matplotlib.cycler(color=[ACCENT, "#e8702a", "#2e8b57", "#8e44ad", "#c0392b", GREY]),
            "legend.frameon": False,
            # SVG charts name the font: DejaVu Sans (what the text was measured with),
            # then look-alikes and the generic family for viewers without it
            "font.family": "sans-serif",
            "font.sans-serif": ["DejaVu Sans", "Bitstream Vera Sans", "Verdana", "Arial", "Helvetica"],
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


def png_bytes(fig, dpi: float = 100, pad_inches: float | None = None) -> bytes:
    """``fig`` as PNG bytes cropped to its content, as ``savefig(bbox_inches="tight")``
    gives, with one drawing pass instead of two: a chart as a picture file (reports
    show :func:`svg_text` instead).

    ``savefig`` with a tight bounding box first draws the whole figure without output
    to lay it out, then measures it, then draws it for real; ticks and text layout are
    most of a report's chart time. A figure without a layout engine (ours call
    ``tight_layout`` once, when built) needs no layout pass: it is measured directly
    and drawn once into that box. Figures with a layout engine go through ``savefig``.
    ``pad_inches`` defaults to ``rcParams["savefig.pad_inches"]``.
    """
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    pad = matplotlib.rcParams["savefig.pad_inches"] if pad_inches is None else pad_inches
    buf = io.BytesIO()
    engine = fig.get_layout_engine()
    if engine is not None and not isinstance(engine, PlaceHolderLayoutEngine):
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", pad_inches=pad)
        return buf.getvalue()
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    saved_dpi = fig.dpi
    with _one_draw(fig):
        try:
            fig.dpi = dpi
            box = fig.get_tightbbox(canvas.get_renderer()).padded(pad)  # inches
        finally:
            fig.dpi = saved_dpi
        # zlib level 3: half the encoding time of the default 6, files ~5 % larger
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches=box, pil_kwargs={"compress_level": 3})
    return buf.getvalue()


@contextlib.contextmanager
def _one_draw(fig):
    """Two of matplotlib's per-draw steps that change nothing in our charts, skipped for
    the one draw (and measurement) of :func:`png_bytes` and :func:`svg_text`. Private
    attributes, guarded; the same pixels and documents either way (tests/test_display.py).

    - ``tight_layout()`` leaves a placeholder layout engine, which makes ``savefig``
      lay the figure out again (a no-op for a placeholder): hidden.
    - Each axis label is placed clear of the tick labels at every draw and every
      measurement, which lays out all the axis' tick labels again (~20 % of a chart's
      time). An empty label draws nothing and adds nothing to the tight box (136 of the
      demo's 144 axes have none): its placement is skipped. Labels with text are placed
      as usual.
    """
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    engine = fig.get_layout_engine()
    hide = isinstance(engine, PlaceHolderLayoutEngine)
    unplaced = [axis for ax in fig.get_axes() for axis in (ax.xaxis, ax.yaxis)
                if getattr(axis, "_autolabelpos", False) is True and not axis.label.get_text()]
    if hide:
        fig._layout_engine = None
    for axis in unplaced:
        axis._autolabelpos = False
    try:
        yield
    finally:
        if hide:
            fig._layout_engine = engine
        for axis in unplaced:
            axis._autolabelpos = True


def _save_svg(fig, **kw) -> str:
    """``fig.savefig`` as SVG text in the reports' settings: text as text, fixed id
    salt and no date (the same figure gives the same document)."""
    import io

    out = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "trafficlib"}):
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None}, **kw)
    return out.getvalue()


def svg_text(fig, pad_inches: float | None = None, margin_inches: float = 4.0) -> str:
    """``fig`` as an SVG document (text) cropped to its content, as
    ``savefig(format="svg", bbox_inches="tight")`` crops it, with one drawing pass
    instead of two.

    The reports' charts: vectors stay sharp on any screen and in print, and a page
    weighs ~2.5x less than with 100-dpi PNGs. Text is written as text
    (``svg.fonttype="none"``: selectable, searchable, escaped by matplotlib's XML
    writer) in the house font with look-alike and generic fallbacks (:func:`use_style`).
    Sizes are in points (72 per inch). Ids are salted with a fixed string, so the same
    figure gives the same document (reruns and batch pages compare equal).

    How: the figure is drawn once on a canvas ``margin_inches`` larger than itself on
    every side (an SVG canvas costs nothing per square inch, unlike pixels), measured at
    the end of that draw with the same renderer (text already laid out), and the
    document's ``viewBox`` is set to that box plus ``pad_inches`` (default
    ``rcParams["savefig.pad_inches"]``); a rectangle in the figure's colour goes under
    it. Content reaching past the margin (not seen in our charts) falls back to
    matplotlib's own two-pass tight box.
    """
    from matplotlib.transforms import Bbox

    pad = matplotlib.rcParams["savefig.pad_inches"] if pad_inches is None else pad_inches
    width, height = fig.get_size_inches()
    m = margin_inches
    canvas_box = Bbox([[-m, -m], [width + m, height + m]])
    seen: list = []

    def measure(event) -> None:  # at the end of the draw: the figure sits inside the canvas box
        seen.append(fig.get_tightbbox(event.renderer))

    cid = fig.canvas.mpl_connect("draw_event", measure)
    try:
        with _one_draw(fig):
            svg = _save_svg(fig, bbox_inches=canvas_box, pad_inches=0)
    finally:
        fig.canvas.mpl_disconnect(cid)
    root = _SVG_ROOT.search(svg)
    if not seen or root is None:  # pragma: no cover - matplotlib emits both
        return svg
    inner = seen[-1]  # inches, in the canvas box's frame (origin at its bottom left)
    big_w, big_h = canvas_box.width, canvas_box.height
    if inner.x0 < 0 or inner.y0 < 0 or inner.x1 > big_w or inner.y1 > big_h:
        return _save_svg(fig, bbox_inches="tight", pad_inches=pad)
    box = inner.padded(pad)
    x, top = box.x0 * 72, (big_h - box.y1) * 72  # SVG's origin is the top left
    w, h = box.width * 72, box.height * 72
    head = (f'<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="{w:.2f}pt" height="{h:.2f}pt" '
            f'viewBox="{x:.2f} {top:.2f} {w:.2f} {h:.2f}" xmlns="http://www.w3.org/2000/svg" version="1.1">')
    *rgb, alpha = matplotlib.colors.to_rgba(fig.get_facecolor())
    if alpha > 0:  # a transparent figure stays transparent
        opacity = f' fill-opacity="{alpha:.3g}"' if alpha < 1 else ""
        head += (f'\n <rect x="{x:.2f}" y="{top:.2f}" width="{w:.2f}" height="{h:.2f}" '
                 f'fill="{matplotlib.colors.to_hex(rgb)}"{opacity}/>')
    return svg[:root.start()] + head + svg[root.end():]


_SVG_ROOT = re.compile(r"<svg\b[^>]*>")


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


def heatmap(ax, frame: pd.DataFrame, annot, cmap: str = "Blues", vmin: float | None = None,
            vmax: float | None = None, linewidth: float = 0.5):
    """``frame`` as a grid of coloured cells on ``ax`` (rows top to bottom, columns left
    to right, labelled by the index and the columns), each with its text from ``annot``
    (an array of the frame's shape) in dark or white ink by the cell's luminance; NaN
    cells left blank. The colour scale runs from ``vmin`` to ``vmax`` (default: the
    frame's smallest and largest values). Returns the mesh.

    seaborn's ``heatmap`` look (same cells, lines, ink rule and no spines) without the
    whole-figure draw seaborn makes to decide whether labels overlap (~0.1 s a chart):
    row labels are horizontal, column labels as the caller turns them.
    """
    from seaborn.utils import relative_luminance

    values = np.ma.masked_invalid(frame.to_numpy(dtype=float))
    filled = values.filled(np.nan)
    lo = np.nanmin(filled) if vmin is None else vmin
    hi = np.nanmax(filled) if vmax is None else vmax
    mesh = ax.pcolormesh(values, cmap=cmap, vmin=lo, vmax=hi, linewidths=linewidth, edgecolor="white")
    for spine in ax.spines.values():
        spine.set_visible(False)
    rows, cols = values.shape
    ax.set(xlim=(0, cols), ylim=(0, rows))
    ax.invert_yaxis()
    ax.set_xticks(np.arange(cols) + 0.5, [str(c) for c in frame.columns])
    ax.set_yticks(np.arange(rows) + 0.5, [str(i) for i in frame.index], rotation=0, va="center")
    mesh.update_scalarmappable()
    texts, blank = np.asarray(annot, dtype=object), np.ma.getmaskarray(values)
    for (r, c), color in zip(np.ndindex(rows, cols), mesh.get_facecolors()):
        if not blank[r, c]:
            ink = ".15" if relative_luminance(color) > 0.408 else "w"
            ax.text(c + 0.5, r + 0.5, str(texts[r, c]), color=ink, ha="center", va="center")
    return mesh


# --------------------------------------------------------------------------- dates on axes


def _current_lang() -> str:
    from trafficlib import display  # display imports plots: resolve at call time

    return display.lang()


def _as_datetime(value: float, tz=None) -> _dt.datetime:
    return mdates.num2date(value, tz=tz).replace(tzinfo=None)


class LocalDateFormatter(mticker.Formatter):
    """Date tick labels in ``lang`` (default: the report's language when the axis is
    made), with Babel's month and day names: yearly ticks ``2026``; monthly ``janv.``
    (the year on the first tick and at each January: ``janv. 2026``); daily/weekly
    ``5 janv.`` (the year on the first tick and when it changes); hourly ``14:00``."""

    def __init__(self, lang: str | None = None, tz=None) -> None:
        self.lang = i18n.check_lang(lang) if lang else _current_lang()
        self.tz = tz

    def _fmt(self, day: _dt.datetime, pattern: str) -> str:
        loc = i18n.locale(self.lang)
        if "H" in pattern:
            return _babel_datetime(day, pattern, locale=loc)
        return _babel_date(day.date(), pattern, locale=loc)

    def format_ticks(self, values) -> list[str]:
        values = [v for v in values]
        if not values:
            return []
        days = [_as_datetime(v, self.tz) for v in values]
        step = min((b - a for a, b in zip(values, values[1:])), default=None)
        if step is None:
            lo, hi = self.axis.get_view_interval() if self.axis is not None else (values[0], values[0])
            step = max(abs(hi - lo), 1.0)
        out, previous = [], None
        for d in days:
            new_year = previous is None or d.year != previous.year
            if step >= 300:
                text = self._fmt(d, "y")
            elif step >= 27:
                text = self._fmt(d, "MMM y" if new_year else "MMM")
            elif step >= 0.99:
                text = self._fmt(d, "d MMM y" if new_year else "d MMM")
            else:
                text = self._fmt(d, "d MMM HH:mm" if previous is None or d.date() != previous.date() else "HH:mm")
            out.append(text)
            previous = d
        return out

    def __call__(self, x, pos=None) -> str:
        return self._fmt(_as_datetime(x, self.tz), "d MMM y")

    def format_data_short(self, value) -> str:
        return self(value)


class _LocalDateConverter(mdates.DateConverter):
    """matplotlib's date converter, with :class:`LocalDateFormatter` labels."""

    def axisinfo(self, unit, axis):
        majloc = mdates.AutoDateLocator(tz=unit, interval_multiples=True)
        return munits.AxisInfo(majloc=majloc, majfmt=LocalDateFormatter(tz=unit), label="",
                               default_limits=(_dt.date(1970, 1, 1), _dt.date(1970, 1, 2)))


_DATE_TYPES = (_dt.date, _dt.datetime, np.datetime64, pd.Timestamp)


def use_local_dates() -> None:
    """Make every matplotlib date axis created from now on use
    :class:`LocalDateFormatter` in the report's language (idempotent; the language is
    read when an axis is made, from :func:`trafficlib.display.lang`)."""
    conv = _LocalDateConverter()
    for t in _DATE_TYPES:
        if not isinstance(munits.registry.get(t), _LocalDateConverter):
            munits.registry[t] = conv


def date_axis(ax, lang: str = "en", axis: str = "x") -> None:
    """Put dates of ``ax``'s x (or y) axis in ``lang`` explicitly, keeping its locator."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_formatter(LocalDateFormatter(lang))


_STRFTIME_TO_CLDR = {"%Y": "y", "%y": "yy", "%m": "MM", "%d": "dd", "%-d": "d", "%e": "d", "%b": "MMM",
                     "%B": "MMMM", "%a": "EEE", "%A": "EEEE", "%H": "HH", "%M": "mm", "%j": "D", "%%": "%"}


def _cldr(fmt: str) -> str | None:
    """A strftime format as a CLDR pattern (literal text quoted), or None if unknown."""
    out, pos = [], 0
    for m in re.finditer(r"%-?[A-Za-z%]", fmt):
        lit = fmt[pos:m.start()]
        if lit:
            out.append("'" + lit.replace("'", "''") + "'")
        code = _STRFTIME_TO_CLDR.get(m.group())
        if code is None:
            return None
        out.append(code)
        pos = m.end()
    if fmt[pos:]:
        out.append("'" + fmt[pos:].replace("'", "''") + "'")
    return "".join(out)


class _StrftimeLocal(mticker.Formatter):
    """An explicit ``DateFormatter(fmt)`` rendered with Babel names in ``lang``."""

    def __init__(self, pattern: str, lang: str, tz=None) -> None:
        self.pattern, self.lang, self.tz = pattern, lang, tz

    def __call__(self, x, pos=None) -> str:
        d = _as_datetime(x, self.tz)
        if "H" in self.pattern or "m" in self.pattern.replace("MM", ""):
            return _babel_datetime(d, self.pattern, locale=i18n.locale(self.lang))
        return _babel_date(d.date(), self.pattern, locale=i18n.locale(self.lang))


def localize_dates(fig, lang: str | None = None) -> None:
    """Turn the date axes of ``fig`` to ``lang`` (default: the report's language):
    matplotlib's automatic date formatters become :class:`LocalDateFormatter`, an
    explicit ``DateFormatter("%b %Y")`` keeps its layout with localized names.
    Other axes are left alone."""
    lang = i18n.check_lang(lang) if lang else _current_lang()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            f = axis.get_major_formatter()
            if isinstance(f, LocalDateFormatter):
                if f.lang != lang:
                    f.lang = lang
            elif isinstance(f, (mdates.AutoDateFormatter, mdates.ConciseDateFormatter)):
                axis.set_major_formatter(LocalDateFormatter(lang, tz=getattr(f, "_tz", None)))
            elif isinstance(f, mdates.DateFormatter):
                pattern = _cldr(f.fmt)
                if pattern is not None:
                    axis.set_major_formatter(_StrftimeLocal(pattern, lang, getattr(f, "tz", None)))


# --------------------------------------------------------------------------- partial periods


def _freq_bounds(start: pd.Timestamp, freq: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the period of ``freq`` that starts at ``start``."""
    offset = pd.tseries.frequencies.to_offset(freq)
    if isinstance(offset, pd.offsets.Week):
        return start, start + pd.Timedelta(days=6)
    if isinstance(offset, (pd.offsets.MonthBegin, pd.offsets.MonthEnd)):
        first = start.replace(day=1)
        return first, first + pd.offsets.MonthEnd(0)
    if isinstance(offset, (pd.offsets.QuarterBegin, pd.offsets.QuarterEnd)):
        first = start.to_period("Q").start_time
        return first, start.to_period("Q").end_time.normalize()
    if isinstance(offset, pd.offsets.Day):
        return start, start + pd.Timedelta(days=offset.n - 1)
    raise ValueError(f"complete_periods: unsupported frequency {freq!r} (weeks, months, quarters, days)")


def _is_partial(p: pd.Timestamp, freq: str, lo: pd.Timestamp, hi: pd.Timestamp) -> bool:
    first, last = _freq_bounds(p.normalize(), freq)
    return first < lo or last > hi


def partial_periods(index: Iterable, freq: str, start: Any, end: Any) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The periods of ``index`` (period *starts*, e.g. Mondays for ``"W-MON"`` grouped
    with ``label="left"``, or month starts for ``"MS"``) that the data range
    ``start``..``end`` (days, both included) does not fully cover, as (first day
    covered, last day covered) pairs, in index order."""
    lo, hi = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    out = []
    for p in pd.DatetimeIndex(list(index)):
        if _is_partial(p, freq, lo, hi):
            first, last = _freq_bounds(p.normalize(), freq)
            out.append((max(first, lo), min(last, hi)))
    return out


def partial_note(partial: list[tuple[pd.Timestamp, pd.Timestamp]], freq: str, lang: str = "en",
                 left_out: bool = True) -> str:
    """The sentence under a chart that states its partial periods, or "" if none:
    "Partial weeks left out: 1–3 Aug 2026 (3 days)." / "Semaines incomplètes écartées :
    du 1 au 3 août 2026 (3 jours)."."""
    if not partial:
        return ""
    monthly = isinstance(pd.tseries.frequencies.to_offset(freq), (pd.offsets.MonthBegin, pd.offsets.MonthEnd))
    what = i18n.text(lang, "months" if monthly else "weeks", "mois" if monthly else "semaines")
    spans = []
    for a, b in partial:
        days = (b - a).days + 1
        if lang == "fr":
            span = (f"le {i18n.fmt_date(a, 'fr', long=True)}" if a == b else
                    f"du {_babel_date(a.date(), 'd MMM', locale='fr_FR')} au {i18n.fmt_date(b, 'fr', long=True)}")
            spans.append(f"{span} ({days}\u00a0jour{'s' if days > 1 else ''})")
        else:
            span = (i18n.fmt_date(a, "en", long=True) if a == b else
                    f"{_babel_date(a.date(), 'd MMM', locale='en_GB')} – {i18n.fmt_date(b, 'en', long=True)}")
            spans.append(f"{span} ({days} day{'s' if days > 1 else ''})")
    if left_out:
        head = i18n.text(lang, f"Partial {what} left out", f"{what.capitalize()} incomplets écartés"
                         if monthly else f"{what.capitalize()} incomplètes écartées")
    else:
        head = i18n.text(lang, f"Hatched: partial {what}, not comparable",
                         f"Hachurés : {what} incomplets, non comparables" if monthly else
                         f"Hachurées : {what} incomplètes, non comparables")
    sep = " ; " if lang == "fr" else "; "
    colon = "\u00a0: " if lang == "fr" else ": "
    return f"{head}{colon}{sep.join(spans)}."


def complete_periods(frame: pd.DataFrame | pd.Series, freq: str, start: Any, end: Any, lang: str = "en",
                     on: str | None = None):
    """``frame`` without its partial periods, and the note that says so.

    ``frame`` is indexed by period start (or has the period start in column ``on``),
    as made by ``groupby(pd.Grouper(key=..., freq="W-MON", label="left", closed="left"))``
    or ``resample("MS")``; ``start``/``end`` are the first and last days the data
    covers (the report period). Returns ``(kept, note)``; put ``note`` under the chart
    with :func:`add_note` (it is "" when nothing was left out)::

        weekly, note = plots.complete_periods(weekly, "W-MON", period.start, period.end, lang)
        ... plot weekly ...
        plots.add_note(fig, note)
    """
    idx = pd.DatetimeIndex(frame[on] if on is not None else frame.index)
    lo, hi = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    partial = np.array([_is_partial(p, freq, lo, hi) for p in idx], dtype=bool)
    return frame[~partial], partial_note(partial_periods(idx, freq, start, end), freq, lang, left_out=True)


def mark_partial_periods(ax, index: Iterable, freq: str, start: Any, end: Any, lang: str = "en") -> str:
    """Hatch the partial periods of a weekly/monthly chart drawn on ``ax`` (x = period
    starts) and write the note under the figure; returns the note ("" if none)."""
    idx = pd.DatetimeIndex(list(index))
    lo, hi = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    for p in idx:
        if _is_partial(p, freq, lo, hi):
            first, last = _freq_bounds(p.normalize(), freq)
            ax.axvspan(first, last + pd.Timedelta(days=1), facecolor="white", alpha=0.55, hatch="///",
                       edgecolor=GREY, linewidth=0, zorder=5)
    partial = partial_periods(idx, freq, start, end)
    note = partial_note(partial, freq, lang, left_out=False)
    add_note(ax.figure, note)
    return note


def add_note(fig, text: str) -> None:
    """A short grey note under the figure (kept by the report's tight bounding box);
    nothing when ``text`` is empty."""
    if not text:
        return
    fig.text(0.01, -0.02, text, ha="left", va="top", fontsize=8.5, color="#5b6670", wrap=True,
             transform=fig.transFigure)
