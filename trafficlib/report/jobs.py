"""One report: a :class:`Job` run by a worker into a :class:`JobResult`; :func:`render`."""
from __future__ import annotations

import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Mapping

from trafficlib import i18n
from trafficlib.errors import TrafficDataError
from trafficlib.report.base import ReportError, _inside, atomic_write, safe_name
from trafficlib.report.kernel import KernelWorker, _in_thread, _title, prepare
from trafficlib.report.page import to_html

# --------------------------------------------------------------------------- jobs


@dataclass
class Job:
    """One report to make: a notebook, its parameters and an output name.

    ``shown_parameters`` are the values to show in the report's "About" section when
    they differ from what the notebook gets (a manifest's relative paths, which the
    notebook receives made absolute); by default ``parameters``."""

    notebook: Path
    name: str
    parameters: dict[str, Any] = field(default_factory=dict)
    lang: str = "en"
    title: str | None = None
    shown_parameters: dict[str, Any] | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["notebook"] = str(self.notebook)
        return d


@dataclass
class JobResult:
    """What happened to a job: ``status`` is "ok" or "failed"; paths are None when not
    written; ``error`` says which cell failed and why; ``seconds`` is wall time."""

    name: str
    notebook: str
    lang: str
    title: str
    parameters: dict
    status: str
    seconds: float
    html: str | None = None
    executed: str | None = None
    error: str | None = None
    size_bytes: int | None = None
    shown_parameters: dict | None = None


@dataclass
class BatchResult:
    """All job results of a batch, and the index page written for them."""

    results: list[JobResult]
    index: Path
    output_dir: Path

    @property
    def ok(self) -> bool:
        return all(r.status == "ok" for r in self.results)

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if r.status != "ok"]


def run_job(job: Job, output_dir: Path, worker: KernelWorker) -> JobResult:
    """Execute and render one job with ``worker``; never raises for a report failure."""
    from jupyter_core.utils import run_sync

    return run_sync(arun_job)(job, output_dir, worker)


async def arun_job(job: Job, output_dir: Path, worker: KernelWorker, kernel_free=None) -> JobResult:
    """:func:`run_job` as a coroutine (a batch drives its kernels from one process).
    ``kernel_free`` (an :class:`asyncio.Event`), when given, is set as soon as the
    notebook has run, before its page and notebook are written: a batch then gives the
    kernel its next report meanwhile."""
    t0 = time.perf_counter()
    html_path = _inside(output_dir, job.name, ".html")
    nb_path = _inside(output_dir, job.name, ".ipynb")
    title = job.title or job.notebook.stem
    params = dict(job.parameters)
    nb = None
    try:
        nb = prepare(job.notebook, params, job.lang)
        title = _title(nb, job.notebook, job.lang, job.title)
        shown_params = {**nb.metadata["trafficlib"]["resolved_parameters"], **(job.shown_parameters or {})}
        await worker.arun(nb, cwd=job.notebook.resolve().parent)
        if kernel_free is not None:
            kernel_free.set()
        # on a thread: the event loop keeps feeding the batch's kernels meanwhile
        await _in_thread(_write_page, nb, title, shown_params, job.lang, html_path)
        status, error = "ok", None
    except (ReportError, TrafficDataError, ValueError, OSError) as exc:
        status, error = "failed", str(exc)
        html_path.unlink(missing_ok=True)  # no stale report that looks current
    except Exception as exc:  # a bug of ours: still one line in the index, detail kept
        status, error = "failed", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
        html_path.unlink(missing_ok=True)
    if nb is not None:
        await _in_thread(_write_notebook, nb, nb_path)
    return JobResult(
        name=safe_name(job.name), notebook=str(job.notebook), lang=job.lang, title=title,
        parameters=params, status=status, seconds=round(time.perf_counter() - t0, 2),
        html=str(html_path) if status == "ok" else None,
        executed=str(nb_path) if nb is not None else None, error=error,
        size_bytes=html_path.stat().st_size if status == "ok" else None,
        shown_parameters=job.shown_parameters,
    )


def _write_page(nb, title: str, parameters: Mapping[str, Any], lang: str, path: Path) -> None:
    atomic_write(path, to_html(nb, title, parameters, lang))


def _write_notebook(nb, path: Path) -> None:
    import nbformat

    atomic_write(path, nbformat.writes(nb))


def render(notebook: str | Path, parameters: Mapping[str, Any] | None = None,
           output_dir: str | Path = "reports", lang: str | None = None, name: str | None = None,
           title: str | None = None) -> Path:
    """Execute ``notebook`` with ``parameters`` and write ``<output_dir>/<name>.html``.

    The report's language is ``lang``, else ``parameters["lang"]``, else the notebook's
    default ``lang``, else English.

    Returns the HTML path. Raises :class:`ReportError` (which cell failed and why) if
    the notebook fails; the executed notebook is kept beside the HTML either way.
    Uses a fresh kernel (shut down afterwards); batches reuse warm kernels instead.
    """
    nb_path = Path(notebook)
    params = dict(parameters or {})
    if not lang and not params.get("lang"):  # a one-language notebook (a lesson) says its own
        import nbformat

        from trafficlib.report.kernel import notebook_parameters

        try:
            lang = notebook_parameters(nbformat.read(str(nb_path), as_version=4)).get("lang")
        except (OSError, ValueError):
            lang = None
    lang = lang or params.get("lang") or "en"
    params.setdefault("lang", lang)
    job = Job(notebook=nb_path, name=name or f"{nb_path.stem}-{lang}", parameters=params,
              lang=i18n.check_lang(lang), title=title)
    worker = KernelWorker(warm=False)
    try:
        res = run_job(job, Path(output_dir), worker)
    finally:
        worker.shutdown()
    if res.status != "ok":
        raise ReportError(res.error)
    return Path(res.html)

