"""Executed notebook -> one self-contained HTML page (our nbconvert template), with the
table of contents and the "About this report" section at the end."""
from __future__ import annotations

import copy
import datetime as _dt
import re
from typing import Any, Iterable, Mapping

from trafficlib import i18n
from trafficlib.report.about import about_rows
from trafficlib.report.base import TEMPLATE_DIR, TEMPLATE_NAME, ReportError

# --------------------------------------------------------------------------- HTML


_EXPORTER = None
HIDE_TAG = "hide-in-report"


def _exporter():
    """One HTMLExporter per process (building it costs ~0.4 s; reusing it ~0)."""
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter

        if not (TEMPLATE_DIR / TEMPLATE_NAME / "index.html.j2").exists():
            raise ReportError(f"report template not found in {TEMPLATE_DIR} (set TRAFFICLIB_TEMPLATES)")
        _EXPORTER = HTMLExporter(
            template_name=TEMPLATE_NAME,
            extra_template_basedirs=[str(TEMPLATE_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
        )
    return _EXPORTER


def _for_html(nb):
    """A copy of the executed notebook without what a manager should not see: stderr
    (warnings, progress bars) and cells tagged ``hide-in-report`` (a lesson's title and
    how-to, shown in JupyterLab only)."""
    out = copy.deepcopy(nb)
    out.cells = [c for c in out.cells if HIDE_TAG not in c.get("metadata", {}).get("tags", [])]
    for cell in out.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    return out


def _toc(body: str) -> list[tuple[str, str]]:
    """The report's h2 headings (id, text) for the table of contents (Markdown headings'
    "¶" anchor links left out)."""
    items = re.findall(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', body, flags=re.S)
    out = []
    for i, t in items:
        t = re.sub(r'<a class="anchor-link".*?</a>', "", t, flags=re.S)
        out.append((i, re.sub(r"<[^>]+>", "", t).strip()))
    return out


def to_html(nb, title: str, parameters: Mapping[str, Any], lang: str,
            generated: _dt.datetime | None = None, hidden: Iterable[str] = ()) -> str:
    """Render an executed notebook to a self-contained HTML page (a string).

    ``parameters`` are shown at the end, in the "About this report" section
    (:func:`trafficlib.report.about.about_rows`), except the names in ``hidden`` and in
    the notebook's ``metadata.trafficlib.hidden_parameters``.
    """
    generated = generated or _dt.datetime.now()
    hidden = {*hidden, *nb.metadata.get("trafficlib", {}).get("hidden_parameters", [])}
    rows = about_rows(parameters, lang, hidden)
    about_title = i18n.text(lang, "About this report", "À propos de ce rapport")
    resources = {"trafficlib": {
        "title": title, "lang": lang, "about": rows, "about_title": about_title,
        "about_id": re.sub(r"\s+", "-", about_title),
        "labels": {k: i18n.label(k, lang) for k in ("parameters", "contents", "generated")},
        "generated": f"{i18n.fmt_date(generated, lang, long=True)} {generated:%H:%M}",
    }}
    body, _ = _exporter().from_notebook_node(_for_html(nb), resources=resources)
    toc = _toc(body)
    toc_html = "".join(f'<li><a href="#{i}">{t}</a></li>' for i, t in toc)  # ids/text already escaped
    return body.replace("<!--TRAFFICLIB_TOC-->", f"<ol>{toc_html}</ol>" if toc else "", 1)
