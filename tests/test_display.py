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
