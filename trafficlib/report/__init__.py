"""Notebook -> HTML report: execute with parameters, render with our template, write atomically.

One report::

    render("notebooks/traffic_overview.ipynb", {"site_name": "Maison Lumière"}, "reports", lang="fr")

A batch (``trafficlib batch reports.yml``)::

    run_batch("reports.yml")  # -> BatchResult; reports/index.html lists every job

How a report is made
--------------------
1. papermill injects the parameters after the cell tagged ``parameters`` (papermill's
   own ``parameterize_notebook``, so papermill semantics and metadata are kept).
   Unknown parameter names are an error, not a silent no-op. (:mod:`.kernel`)
2. nbclient executes the cells in a Jupyter kernel. A batch keeps ``workers`` *warm*
   kernels (pandas, seaborn, trafficlib already imported), driven from one process, and
   reuses them: before each report the kernel's namespace is cleared and its process state restored
   (:mod:`trafficlib._kernel_state`); after any error or timeout the kernel is restarted.
   Execution counts are renumbered so a reused kernel's notebook equals a fresh one's.
   (:mod:`.kernel`, :mod:`.batch`)
3. nbconvert's HTMLExporter renders with ``templates/trafficlib`` (no code, no prompts,
   a header with the title and date, a table of contents, the parameters in a short
   "About this report" section at the end with readable labels, print CSS, images
   embedded, no CDN scripts): one self-contained file that opens offline.
   (:mod:`.page`, :mod:`.about`)
4. HTML and the executed notebook are written to a temporary file and renamed into place
   (``os.replace``), so a reader never sees half a report. (:mod:`.base`)

Output names are sanitized (:func:`safe_name`): a job called ``../../x`` writes
``<output_dir>/x.html``, never outside the output folder. A batch's index page
(:mod:`.index`) links the indexes beside it (``reports/course/index.html``).

The package's modules: ``base`` (settings, errors, names, atomic writes), ``kernel``
(parameters, :class:`KernelWorker`), ``page`` (HTML), ``about`` (the parameters section),
``jobs`` (:class:`Job`, :func:`render`), ``manifest``, ``batch``, ``index``.
"""
from __future__ import annotations

from trafficlib.report.base import (DEFAULT_TIMEOUT, ROOT, TEMPLATE_DIR, TEMPLATE_NAME, WARM_IMPORTS,
                                    ReportError, _inside, atomic_write, safe_name)
from trafficlib.report.kernel import KernelWorker, _cell_error, _kernel_name, _title, notebook_parameters, prepare
from trafficlib.report.about import about_rows, parameter_label, parameter_value
from trafficlib.report.page import _exporter, _toc, to_html
from trafficlib.report.jobs import BatchResult, Job, JobResult, render, run_job
from trafficlib.report.manifest import load_manifest
from trafficlib.report.index import write_index
from trafficlib.report.batch import _merge_previous, affinity_groups, run_batch, run_jobs

__all__ = ["render", "run_batch", "safe_name", "load_manifest", "Job", "JobResult", "BatchResult",
           "ReportError", "KernelWorker", "TEMPLATE_DIR"]
