"""What notebooks show: escaped, locale-formatted, with the right colours."""
from __future__ import annotations

import pandas as pd

from trafficlib import display


def test_table_escapes_every_cell_and_header():
    display.setup("en")
    html = display.table_html(pd.DataFrame({"<b>col</b>": ["<script>x</script>"], "campaign": ['a"b']}))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;col&lt;/b&gt;" in html and "a&quot;b" in html


def test_table_formats_by_column_name_in_french():
    display.setup("fr")
    html = display.table_html(pd.DataFrame({"revenue": [1234.5], "engagement_rate": [0.123], "sessions": [12000]}))
    assert "1\u202f234,50\u00a0€" in html and "12,3\u00a0%" in html and "12\u202f000" in html
    assert "Chiffre d&#x27;affaires" in html or "Chiffre d'affaires" in html
    display.setup("en")


def test_highlight_knows_when_lower_is_better():
    display.setup("en")
    frame = pd.DataFrame({"metric": ["Sessions", "Bounce rate"], "change": [-0.1, -0.1],
                          "_lower_is_better": [False, True]})
    html = display.table_html(frame, formats={"change": "delta"}, highlight="change")
    rows = html.split("<tr>")[2:]
    assert 'class="num down"' in rows[0]  # fewer sessions: bad
    assert 'class="num up"' in rows[1]  # lower bounce rate: good
    assert "_lower_is_better" not in html


def test_say_escapes_values_and_keeps_simple_markdown():
    display.setup("fr")
    html = display.render_text("Top: **{name}**", "Tête : **{name}**", name="<img src=x onerror=alert(1)>")
    assert html == "<p>Tête : <strong>&lt;img src=x onerror=alert(1)&gt;</strong></p>"
    display.setup("en")


def _ticks(fig, axis="x"):
    fig.canvas.draw()
    ax = fig.axes[0]
    return [t.get_text() for t in (ax.get_xticklabels() if axis == "x" else ax.get_yticklabels())]


def test_date_axes_speak_the_report_language_in_any_module():
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    import numpy as np

    from trafficlib import plots

    days = pd.date_range("2025-10-01", "2026-10-31")
    display.setup("fr")
    fig, ax = plt.subplots()  # a chart made anywhere, with plain matplotlib
    ax.plot(days, np.arange(len(days)))
    labels = _ticks(fig)
    assert "janv. 2026" in labels and not any("2026-" in t for t in labels), labels
    fig, ax = plt.subplots()
    ax.bar(days[:40], np.ones(40))
    labels = _ticks(fig)
    assert any(t.endswith("oct.") or t.endswith("oct. 2025") for t in labels) and "1 nov." in labels, labels
    # an explicit strftime formatter keeps its layout, with French names
    fig, ax = plt.subplots()
    ax.plot(days, np.arange(len(days)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    plots.localize_dates(fig, "fr")
    assert any(t.startswith("janv.") for t in _ticks(fig))
    display.setup("en")
    fig, ax = plt.subplots()
    ax.plot(days, np.arange(len(days)))
    assert "Jan 2026" in _ticks(fig)
    plt.close("all")


def test_partial_periods_are_left_out_and_stated():
    from trafficlib import plots

    weekly = pd.Series([300, 1700, 1750, 900],
                       index=pd.to_datetime(["2026-07-27", "2026-08-03", "2026-08-10", "2026-08-17"]))
    kept, note = plots.complete_periods(weekly, "W-MON", "2026-08-01", "2026-08-20", "fr")
    assert list(kept.index.strftime("%Y-%m-%d")) == ["2026-08-03", "2026-08-10"]
    assert note.startswith("Semaines incomplètes écartées") and "2\u00a0jours" in note and "4\u00a0jours" in note
    kept, note = plots.complete_periods(weekly, "W-MON", "2026-07-27", "2026-08-23", "en")
    assert len(kept) == 4 and note == ""
    monthly = pd.DataFrame({"m": pd.to_datetime(["2025-10-01", "2025-11-01", "2025-12-01"]), "v": [1, 2, 3]})
    kept, note = plots.complete_periods(monthly, "MS", "2025-10-05", "2025-12-31", "en", on="m")
    assert list(kept["v"]) == [2, 3] and note.startswith("Partial months left out") and "27 days" in note
    fig, ax = plots.new_figure()
    ax.plot(weekly.index, weekly.to_numpy())
    note = plots.mark_partial_periods(ax, weekly.index, "W-MON", "2026-08-01", "2026-08-20", "en")
    assert note.startswith("Hatched: partial weeks") and any(t.get_text() == note for t in fig.texts)


def test_charts_are_cropped_like_a_tight_savefig_with_one_draw():
    """plots.png_bytes gives the pixels of savefig(bbox_inches="tight"), legend outside
    the axes and note under them included, with one drawing pass (counted)."""
    import io

    import matplotlib.pyplot as plt
    import numpy as np
    from PIL import Image

    from trafficlib import plots

    def chart():
        fig, ax = plots.new_figure()
        ax.plot(np.arange(30), np.arange(30) ** 1.5, label="Organic Search")
        ax.set_title("Sessions per day")
        fig.tight_layout()
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))  # past the figure's right edge
        plots.add_note(fig, "The last week is partial and left out.")
        return fig

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))

    reference = io.BytesIO()
    fig = chart()
    fig.savefig(reference, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    fig = chart()
    draws = []
    fig.canvas.mpl_connect("draw_event", lambda event: draws.append(1))
    got = plots.png_bytes(fig, dpi=100)
    plt.close(fig)
    assert len(draws) == 1
    assert pixels(got).shape == pixels(reference.getvalue()).shape
    assert np.array_equal(pixels(got), pixels(reference.getvalue()))
    assert pixels(got).shape[1] > 9 * 100  # the canvas grew to hold the legend


def _chart_with_outside_parts(label="Organic Search"):
    import numpy as np

    from trafficlib import plots

    plots.use_style()
    fig, ax = plots.new_figure()
    ax.plot(np.arange(30), np.arange(30) ** 1.5, label=label)
    ax.set_title("Sessions per day")
    fig.tight_layout()
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))  # past the figure's right edge
    plots.add_note(fig, "The last week is partial and left out.")  # under the figure's bottom edge
    return fig


def _view_box(svg: str) -> list[float]:
    import re

    root = re.search(r"<svg\b[^>]*>", svg).group(0)
    return [float(v) for v in re.search(r'viewBox="([^"]+)"', root).group(1).split()]


def test_svg_charts_are_cropped_like_a_tight_savefig_with_one_draw():
    """plots.svg_text frames the same box as savefig(format="svg", bbox_inches="tight")
    (legend outside the axes and note under them included, nothing clipped), in one
    drawing pass (counted), with text as escaped text and the same document each time."""
    import io

    import matplotlib
    import matplotlib.pyplot as plt

    from trafficlib import plots

    label = '<script>alert(1)</script> & "co"'
    fig = _chart_with_outside_parts(label)
    reference = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(reference, format="svg", bbox_inches="tight")
    plt.close(fig)
    ref_w, ref_h = _view_box(reference.getvalue())[2:]

    fig = _chart_with_outside_parts(label)
    draws = []
    draw = fig.draw
    fig.draw = lambda renderer: (draws.append(1), draw(renderer))[1]
    svg = plots.svg_text(fig)
    again = plots.svg_text(_chart_with_outside_parts(label))
    plt.close("all")
    assert len(draws) == 1
    w, h = _view_box(svg)[2:]
    assert abs(w - ref_w) < 0.5 and abs(h - ref_h) < 0.5  # points
    assert w > 9 * 72 and h > 4 * 72  # wider and taller than the figure: legend and note kept
    assert "The last week is partial and left out." in svg
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in svg
    assert "sans-serif" in svg  # viewers without DejaVu Sans get a look-alike, not a serif
    assert svg == again  # fixed ids, no date: reruns and batch pages compare equal
    # the legend's line is drawn whole, though it lies past the figure's edge
    import re

    legend = svg[svg.index('<g id="legend_1">'):]
    xs = [float(v) for v in re.findall(r"[ML] ([\d.]+) [\d.]+", legend.split("</g>")[0])]
    assert max(xs) - min(xs) > 15  # ~20 pt handle (2 font sizes), not cut at the edge


def test_svg_charts_draw_the_same_document_as_matplotlib_on_the_same_canvas():
    """svg_text skips the placement of empty axis labels during its draw: below its
    root element, the document is matplotlib's own for the same canvas, byte for byte
    (a y label with text placed clear of wide tick labels); the figure is left as it
    was (a label given afterwards is placed as on a new figure)."""
    import re

    import matplotlib.pyplot as plt
    from matplotlib.transforms import Bbox

    from trafficlib import plots

    def chart():
        fig = _chart_with_outside_parts()
        fig.axes[0].set_ylabel("Sessions (thousands of visits)")
        fig.axes[0].set_yticks([0, 50, 100, 150], ["0 sessions", "50 sessions", "100 sessions", "150 sessions"])
        return fig

    def body(svg):  # below the root element and the background rectangle
        return re.sub(r"^\n <rect [^>]*/>", "", re.split(r"<svg\b[^>]*>", svg, maxsplit=1)[1])

    fig = chart()
    w, h = fig.get_size_inches()
    own = plots._save_svg(fig, bbox_inches=Bbox([[-4, -4], [w + 4, h + 4]]), pad_inches=0)
    plt.close(fig)
    fig = chart()
    got = plots.svg_text(fig)
    assert body(got) == body(own) and "Sessions (thousands of visits)" in got
    fig.axes[0].set_xlabel("Day of the campaign")
    later = plots.svg_text(fig)
    plt.close(fig)
    fig = chart()
    fig.axes[0].set_xlabel("Day of the campaign")
    assert later == plots.svg_text(fig)
    plt.close(fig)


def test_svg_charts_reaching_past_the_margin_fall_back_to_matplotlibs_tight_box():
    import matplotlib.pyplot as plt

    from trafficlib import plots

    fig = _chart_with_outside_parts()
    svg = plots.svg_text(fig, margin_inches=0.05)  # the legend reaches past this margin
    plt.close(fig)
    fig = _chart_with_outside_parts()
    wide = plots.svg_text(fig)
    plt.close(fig)
    assert abs(_view_box(svg)[2] - _view_box(wide)[2]) < 0.5 and "Organic Search" in svg


def test_display_figure_shows_an_svg_image_with_its_alt_text(monkeypatch):
    import matplotlib.pyplot as plt

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append((obj, kw)))
    fig = _chart_with_outside_parts()
    display.figure(fig)
    (data, kw), = shown
    assert data["image/svg+xml"].lstrip().startswith("<?xml") and data["text/plain"] == "Sessions per day"
    assert kw["metadata"]["image/svg+xml"]["alt"] == "Sessions per day"
    assert not plt.fignum_exists(fig.number)  # freed


def test_svg_charts_keep_the_figures_background():
    import matplotlib.pyplot as plt

    from trafficlib import plots

    fig = _chart_with_outside_parts()
    assert '<rect x=' in plots.svg_text(fig).split("<metadata>")[0] and 'fill="#ffffff"' in plots.svg_text(fig)
    fig.patch.set_alpha(0)
    assert "<rect" not in plots.svg_text(fig).split("<metadata>")[0]  # transparent stays transparent
    plt.close(fig)


def test_heatmap_cells_ink_and_labels_without_drawing_the_figure():
    """plots.heatmap: one coloured cell per value, NaN cells blank, dark ink on light
    cells and white ink on dark ones, row labels horizontal; the figure is not drawn to
    build it (seaborn's heatmap drew it once to decide label rotation)."""
    import matplotlib.pyplot as plt
    import numpy as np

    from trafficlib import plots

    frame = pd.DataFrame({"Last touch": [0.9, 0.05], "Markov": [np.nan, 0.2]}, index=["Organic Search", "Email"])
    fig, ax = plots.new_figure()
    draws = []
    fig.canvas.mpl_connect("draw_event", lambda event: draws.append(1))
    plots.heatmap(ax, frame, [["90%", "–"], ["5%", "20%"]], vmin=0, vmax=1)
    texts = {t.get_text(): t.get_color() for t in ax.texts}
    assert texts == {"90%": "w", "5%": ".15", "20%": ".15"}  # the NaN cell has no text
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Organic Search", "Email"]
    assert all(t.get_rotation() == 0 for t in ax.get_yticklabels())
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Last touch", "Markov"]
    assert ax.get_ylim() == (2.0, 0.0) and not any(s.get_visible() for s in ax.spines.values())
    assert draws == []
    plt.close(fig)
