"""What notebooks call to show things: headings, narrative, tables, figures, findings.

Everything here escapes the data it shows. Campaign names, UTM values, page paths and
referrers are written by strangers, so a value is never pasted into HTML or Markdown
unescaped: :func:`say` substitutes ``{placeholders}`` with escaped values, and
:func:`table` escapes every cell and header.

The report language is set once per notebook by :func:`setup` and read by the other
functions. The report runner resets it between reports (see
:mod:`trafficlib._kernel_state`).
"""
from __future__ import annotations

import html
import re
from typing import Any, Iterable, Mapping

import pandas as pd

from trafficlib import i18n, plots

__all__ = ["setup", "lang", "say", "heading", "table", "figure", "kpis", "findings", "escape"]

_state: dict[str, Any] = {"lang": "en", "currency": "EUR"}


def setup(lang: str = "en", currency: str = "EUR") -> None:
    """Start a report: set its language ("en"/"fr") and currency, apply the plot style,
    and make every chart's date axis speak the report's language
    (:func:`trafficlib.plots.use_local_dates`)."""
    _state["lang"] = i18n.check_lang(lang)
    _state["currency"] = currency
    plots.use_style()
    plots.use_local_dates()


def lang() -> str:
    """The current report language."""
    return _state["lang"]


def _show(html_text: str) -> None:
    from IPython.display import HTML, display

    display(HTML(html_text))


def escape(value: Any) -> str:
    """HTML-escape any value (quotes included)."""
    return html.escape(str(value), quote=True)


def _slug(text: str) -> str:
    s = re.sub(r"[^\w\- ]+", "", text, flags=re.UNICODE).strip().replace(" ", "-")
    return s or "section"


def heading(en: str, fr: str | None = None, level: int = 2) -> None:
    """A section title (h2 by default) in the report language; it feeds the report's
    table of contents."""
    t = i18n.text(lang(), en, fr if fr is not None else en)
    _show(f'<h{level} id="{escape(_slug(t))}">{escape(t)}</h{level}>')


def _inline_md(text: str) -> str:
    """Tiny, safe Markdown: **bold**, *italic*, `code`, paragraphs. Input is already
    escaped, so only these marks become tags."""
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"(?<!\*)\*(?!\s)(.+?)(?<!\s)\*(?!\*)", r"<em>\1</em>", text)
    text = re.sub(r"`(.+?)`", r"<code>\1</code>", text)
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    out = []
    for p in paras:
        lines = p.splitlines()
        if all(ln.lstrip().startswith(("- ", "* ")) for ln in lines):
            items = "".join(f"<li>{ln.lstrip()[2:]}</li>" for ln in lines)
            out.append(f"<ul>{items}</ul>")
        else:
            out.append(f"<p>{'<br>'.join(lines)}</p>")
    return "".join(out)


def render_text(en: str, fr: str | None = None, **values: Any) -> str:
    """The sentence for the current language with ``{name}`` placeholders filled by
    escaped ``values``; returns safe HTML. Values that are numbers should be formatted
    first (``i18n.fmt_money`` etc.)."""
    body = escape(i18n.text(lang(), en, fr if fr is not None else en))
    if values:
        body = body.format(**{k: escape(v) for k, v in values.items()})
    return _inline_md(body)


def say(en: str, fr: str | None = None, **values: Any) -> None:
    """Show narrative text in the report language.

    ``say(en="Top campaign: {name}", fr="Campagne en tête : {name}", name=campaign)``;
    the template supports **bold**, *italic*, `code`, ``- `` lists and blank-line
    paragraphs. Values are escaped.
    """
    _show(f'<div class="tl-text">{render_text(en, fr, **values)}</div>')


def _cell(value: Any, kind: str | None) -> str:
    if kind is None:
        if isinstance(value, (int,)) and not isinstance(value, bool):
            return i18n.fmt_int(value, lang())
        if isinstance(value, float):
            return i18n.fmt_number(value, lang(), 1 if abs(value) < 100 else 0)
        if isinstance(value, pd.Timestamp):
            return i18n.fmt_date(value, lang())
        return i18n.MISSING if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    if kind in ("money", "money0"):
        return i18n.fmt_money(value, lang(), _state["currency"], decimals=2 if kind == "money" else 0)
    return i18n.fmt(value, kind, lang())


def infer_kind(name: str, values: pd.Series) -> str | None:
    """A display kind guessed from a column's name and dtype, for tables shown without
    explicit ``formats``: ``*_rate``/``share*`` -> pct, revenue/cost/value/aov/cpa/cpc/cpm
    -> money, ``*duration*_s``/``*time*_s`` -> duration, ``change`` -> delta, integers ->
    int, datetimes -> date."""
    n = str(name).lower()
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date"
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return None
    if n.endswith("_rate") or n.startswith("share") or n.endswith("_share"):
        return "pct"
    if n in ("change", "delta") or n.endswith("_change"):
        return "delta"
    if any(k in n for k in ("revenue", "cost", "spend", "value", "budget")) or n in ("aov", "cpa", "cpc", "cpm"):
        return "money"
    if n.endswith("_s") and ("duration" in n or "time" in n):
        return "duration"
    if pd.api.types.is_integer_dtype(values):
        return "int"
    return None


def table_html(frame: pd.DataFrame, formats: Mapping[str, str] | None = None,
               labels: Mapping[str, str] | None = None, caption: str | None = None,
               index: bool = False, max_rows: int = 50, highlight: str | None = None) -> str:
    """HTML for a DataFrame with locale-formatted, escaped cells.

    ``formats`` maps columns to an :func:`trafficlib.i18n.fmt` kind (int, money, pct,
    delta, date, duration...); ``labels`` overrides headers (default: the i18n label of
    the column name). Rows beyond ``max_rows`` are cut with a note. ``highlight`` names
    a delta column coloured green when up, red when down; a boolean column
    ``_lower_is_better`` (not shown, like any column starting with ``_``) reverses
    that for its rows (a falling bounce rate is good news).
    """
    df = frame.reset_index() if index else frame
    lower_better = df["_lower_is_better"].head(max_rows).to_numpy(dtype=bool) if "_lower_is_better" in df else None
    df = df[[c for c in df.columns if not str(c).startswith("_")]]
    shown = df.head(max_rows)
    formats = {**{c: k for c in shown.columns if (k := infer_kind(c, shown[c]))}, **dict(formats or {})}
    heads = []
    for c in shown.columns:
        lab = (labels or {}).get(c) or i18n.label(str(c), lang())
        heads.append(f"<th>{escape(lab)}</th>")
    numeric = {c for c in shown.columns if pd.api.types.is_numeric_dtype(shown[c])
               and not pd.api.types.is_bool_dtype(shown[c])}
    rows = []
    for i, (_, r) in enumerate(shown.iterrows()):
        cells = []
        for c in shown.columns:
            cls = ' class="num"' if c in numeric or formats.get(c) not in (None, "str", "date") else ""
            v = r[c]
            txt = _cell(v, formats.get(c))
            if highlight == c and formats.get(c) == "delta" and not pd.isna(v) and v != 0:
                good = (v > 0) != (lower_better is not None and bool(lower_better[i]))
                cls = ' class="num up"' if good else ' class="num down"'
            cells.append(f"<td{cls}>{escape(txt)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    more = ""
    if len(df) > max_rows:
        note = i18n.text(lang(), f"{len(df) - max_rows} more rows not shown",
                         f"{len(df) - max_rows} lignes de plus non affichées")
        more = f'<p class="tl-note">{escape(note)}</p>'
    return (f'<table class="tl-table">{cap}<thead><tr>{"".join(heads)}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>{more}')


def table(frame: pd.DataFrame, formats: Mapping[str, str] | None = None, **kw: Any) -> None:
    """Show a DataFrame as a report table (see :func:`table_html` for options)."""
    _show(table_html(frame, formats, **kw))


def figure(fig, alt: str | None = None) -> None:
    """Show a matplotlib figure as an SVG image (:func:`trafficlib.plots.svg_text`:
    cropped to its content, drawn once) and free it.

    Date axes are put in the report's language first
    (:func:`trafficlib.plots.localize_dates`). ``alt`` is the image's alternative text;
    by default the axes' titles. JupyterLab shows the SVG as an image; the report page
    embeds it as an ``<img>`` (a data URI), so nothing in it can run.
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    plots.localize_dates(fig, lang())
    svg = plots.svg_text(fig)
    plt.close(fig)
    # the house style puts titles on the left (axes.titlelocation): read every position
    titles = [t for ax in fig.axes for t in (ax.get_title(loc) for loc in ("left", "center", "right")) if t]
    text = alt or "; ".join(titles) or "chart"
    display({"image/svg+xml": svg, "text/plain": text}, raw=True, metadata={"image/svg+xml": {"alt": text}})


def kpis(items: Iterable[Mapping[str, Any]]) -> None:
    """KPI cards: each item has ``label``, ``value`` (formatted text) and optionally
    ``delta`` (a fraction, shown signed) and ``good_if_up`` (default True)."""
    cards = []
    for it in items:
        delta = it.get("delta")
        dtxt, cls = "", ""
        if delta is not None and not pd.isna(delta):
            up = delta > 0
            good = up == it.get("good_if_up", True)
            cls = "up" if good else "down"
            if delta == 0:
                cls = ""
            dtxt = f'<div class="tl-delta {cls}">{escape(i18n.fmt_delta(delta, lang()))}</div>'
        note = f'<div class="tl-kpi-note">{escape(it["note"])}</div>' if it.get("note") else ""
        cards.append(
            f'<div class="tl-kpi"><div class="tl-kpi-label">{escape(it["label"])}</div>'
            f'<div class="tl-kpi-value">{escape(it["value"])}</div>{dtxt}{note}</div>'
        )
    _show('<div class="tl-kpis">' + "".join(cards) + "</div>")


def findings(frame: pd.DataFrame, max_items: int = 10) -> None:
    """Show ranked findings: a frame with ``severity`` (high/medium/low), ``title`` and
    optionally ``detail`` and ``action`` columns, already in the report language."""
    items = []
    for _, r in frame.head(max_items).iterrows():
        sev = str(r.get("severity", "low"))
        detail = f'<div class="tl-finding-detail">{escape(r["detail"])}</div>' if pd.notna(r.get("detail")) else ""
        action = f'<div class="tl-finding-action">→ {escape(r["action"])}</div>' if pd.notna(r.get("action")) else ""
        items.append(f'<li class="tl-finding sev-{escape(sev)}"><strong>{escape(r["title"])}</strong>{detail}{action}</li>')
    if not items:
        items.append('<li class="tl-finding sev-low">' + escape(i18n.text(lang(), "Nothing to report.", "Rien à signaler.")) + "</li>")
    _show('<ol class="tl-findings">' + "".join(items) + "</ol>")
