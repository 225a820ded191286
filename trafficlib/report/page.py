"""Executed notebook -> one self-contained HTML page (our nbconvert template), with the
table of contents and the "About this report" section at the end."""
from __future__ import annotations

import datetime as _dt
import re
import threading
from typing import Any, Iterable, Mapping

from trafficlib import i18n
from trafficlib.report.about import about_rows
from trafficlib.report.base import TEMPLATE_DIR, TEMPLATE_NAME, ReportError

# --------------------------------------------------------------------------- HTML


_EXPORTER = None
_EXPORTER_LOCK = threading.Lock()  # the exporter changes its own state while converting
HIDE_TAG = "hide-in-report"
_NO_ALT = re.compile(r"<img(?![^>]*\balt\s*=)", re.IGNORECASE)


def _exporter():
    """One HTMLExporter per process (building it costs ~0.4 s; reusing it ~0)."""
    global _EXPORTER
    if _EXPORTER is None:
        _ReportExporter = _report_exporter_class()
        if not (TEMPLATE_DIR / TEMPLATE_NAME / "index.html.j2").exists():
            raise ReportError(f"report template not found in {TEMPLATE_DIR} (set TRAFFICLIB_TEMPLATES)")
        _EXPORTER = _ReportExporter(
            template_name=TEMPLATE_NAME,
            extra_template_basedirs=[str(TEMPLATE_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
        )
    return _EXPORTER


def _report_exporter_class():
    """nbconvert's HTMLExporter, minus two passes that cost more than the page itself.

    - ``HTMLExporter.from_notebook_node`` re-parses the whole rendered page with
      BeautifulSoup to give images without ``alt`` a placeholder and JupyterLab's cell
      wrappers a ``tabindex``. Our template writes ``alt`` on every chart (its titles)
      and has no such wrappers; an image written in a Markdown cell without ``alt``
      gets nbconvert's placeholder from a regular expression here. The parse was most
      of the conversion time (~0.15 s of ~0.2 s per report).
    - The exporter validates the whole notebook against the nbformat schema after each
      of its dozen preprocessors (~0.04 s per report, about half of what is left). The
      notebook comes from our own kernel run, whose outputs nbclient validated as they
      arrived, and our preprocessors only drop cells and outputs: validated once, on
      the way in.

    Cells tagged ``hide-in-report`` and stderr outputs are dropped by a preprocessor on
    the exporter's own copy of the notebook (rather than on a second copy of ours).
    The rest of ``from_notebook_node`` is kept as nbconvert has it.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    from nbconvert.preprocessors import Preprocessor

    class HideFromReaders(Preprocessor):
        def preprocess(self, nb, resources):
            _drop_hidden(nb)
            return nb, resources

    class ReportExporter(HTMLExporter):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            self.register_preprocessor(HideFromReaders(enabled=True), enabled=True)

        def _validate_preprocessor(self, nbc, preprocessor):
            pass  # validated once in from_notebook_node, not after every preprocessor

        def from_notebook_node(self, nb, resources=None, **kw):
            nbformat.validate(nb, relax_add_props=True)
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _NO_ALT.sub('<img alt="No description has been provided for this image"', html), resources

    return ReportExporter


def _drop_hidden(nb) -> None:
    """Remove, in place, what a manager should not see: stderr (warnings, progress bars)
    and cells tagged ``hide-in-report`` (a lesson's title and how-to, shown in
    JupyterLab only)."""
    nb.cells = [c for c in nb.cells if HIDE_TAG not in c.get("metadata", {}).get("tags", [])]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]


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
    with _EXPORTER_LOCK:  # a batch writes its pages on threads
        body, _ = _exporter().from_notebook_node(nb, resources=resources)  # copies it first
    toc = _toc(body)
    toc_html = "".join(f'<li><a href="#{i}">{t}</a></li>' for i, t in toc)  # ids/text already escaped
    return body.replace("<!--TRAFFICLIB_TOC-->", f"<ol>{toc_html}</ol>" if toc else "", 1)
