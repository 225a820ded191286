"""Notebook -> HTML report: execute with parameters, render with our template, write atomically.

One report::

    render("notebooks/traffic_overview.ipynb", {"site_name": "Maison Lumière"}, "reports", lang="fr")

A batch (``trafficlib batch reports.yml``)::

    run_batch("reports.yml")  # -> BatchResult; reports/index.html lists every job

How a report is made
--------------------
1. papermill injects the parameters after the cell tagged ``parameters`` (papermill's
   own ``parameterize_notebook``, so papermill semantics and metadata are kept).
   Unknown parameter names are an error, not a silent no-op.
2. nbclient executes the cells in a Jupyter kernel. In a batch each worker process keeps
   one *warm* kernel (pandas, seaborn, statsmodels, trafficlib already imported) and reuses
   it: before each report the kernel's namespace is cleared and its process state restored
   (:mod:`trafficlib._kernel_state`); after any error or timeout the kernel is restarted.
   Execution counts are renumbered so a reused kernel's notebook equals a fresh one's.
3. nbconvert's HTMLExporter renders with ``templates/trafficlib`` (no code, no prompts,
   a header with the title, parameters and date, a table of contents, print CSS, images
   embedded, no CDN scripts): one self-contained file that opens offline.
4. HTML and the executed notebook are written to a temporary file and renamed into place
   (``os.replace``), so a reader never sees half a report.

Output names are sanitized (:func:`safe_name`): a job called ``../../x`` writes
``<output_dir>/x.html``, never outside the output folder.
"""
from __future__ import annotations

import copy
import datetime as _dt
import html
import json
import os
import re
import shutil
import tempfile
import time
import traceback
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from trafficlib import i18n
from trafficlib.errors import TrafficDataError

__all__ = ["render", "run_batch", "safe_name", "load_manifest", "Job", "JobResult", "BatchResult",
           "ReportError", "KernelWorker", "TEMPLATE_DIR"]

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_DIR = Path(os.environ.get("TRAFFICLIB_TEMPLATES", ROOT / "templates"))
TEMPLATE_NAME = "trafficlib"
DEFAULT_TIMEOUT = 600  # seconds per cell
# Imported once per warm kernel, before the snapshot (see _kernel_state): what every
# report uses. Heavier libraries a report needs (statsmodels, DuckDB) are imported by
# its first report in the worker and stay loaded for the next ones.
WARM_IMPORTS = ["numpy", "pandas", "matplotlib.pyplot", "seaborn", "trafficlib", "trafficlib.display",
                "trafficlib.plots", "trafficlib.sources", "trafficlib.i18n", "trafficlib.metrics"]


class ReportError(RuntimeError):
    """A report that could not be produced; ``str()`` says which cell failed and why."""


# --------------------------------------------------------------------------- names, files


def safe_name(name: str) -> str:
    """A file-name-safe version of ``name`` with no path parts: ``"../../x"`` -> ``"x"``,
    ``"Rapport été / Q3"`` -> ``"Rapport-ete-Q3"``. Never empty, at most 120 chars."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    parts = [p for p in re.split(r"[\\/]+", text) if p not in ("", ".", "..")]
    text = "-".join(parts)
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text)
    text = re.sub(r"-{2,}", "-", text).strip(".-_ ")
    return (text or "report")[:120]


def _inside(folder: Path, name: str, suffix: str) -> Path:
    """``folder/name+suffix``, guaranteed inside ``folder``."""
    folder = folder.resolve()
    target = (folder / f"{safe_name(name)}{suffix}").resolve()
    if folder not in target.parents:  # belt and braces: safe_name already strips paths
        raise ReportError(f"output name {name!r} escapes the output folder")
    return target


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- notebooks


def _kernel_name() -> str:
    """The project's kernel if registered in this environment, else ``python3`` (which
    Jupyter resolves to the running interpreter)."""
    from jupyter_client.kernelspec import KernelSpecManager

    return "trafficlib" if "trafficlib" in KernelSpecManager().find_kernel_specs() else "python3"


def notebook_parameters(nb) -> dict[str, Any]:
    """Names and default values declared in the notebook's ``parameters`` cell."""
    import ast

    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            found = {}
            for node in ast.parse(cell.source).body:
                if isinstance(node, (ast.Assign, ast.AnnAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for t in targets:
                        if isinstance(t, ast.Name):
                            try:
                                found[t.id] = ast.literal_eval(node.value)
                            except ValueError:
                                found[t.id] = None
            return found
    return {}


def _title(nb, notebook: Path, lang: str, override: str | None) -> str:
    if override:
        return override
    meta = nb.metadata.get("trafficlib", {}).get("title")
    if isinstance(meta, Mapping):
        return meta.get(lang) or meta.get("en") or notebook.stem
    return meta or notebook.stem.replace("_", " ").capitalize()


def prepare(notebook: Path, parameters: Mapping[str, Any], lang: str) -> Any:
    """Read ``notebook`` and inject ``parameters`` (plus ``lang``) with papermill."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    if not notebook.exists():
        raise ReportError(f"{notebook}: notebook not found")
    nb = load_notebook_node(str(notebook))  # papermill's loader: adds the metadata it expects
    declared = notebook_parameters(nb)
    if not declared:
        raise ReportError(f"{notebook}: no cell tagged 'parameters'")
    params = dict(parameters)
    params.setdefault("lang", lang)
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise ReportError(f"{notebook}: unknown parameter(s) {', '.join(unknown)} "
                          f"(the notebook declares: {', '.join(declared)})")
    i18n.check_lang(params["lang"])
    nb = parameterize_notebook(nb, params, kernel_name=_kernel_name(), language="python")
    for cell in nb.cells:  # papermill gives the injected cell a random id: make reruns identical
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
    nb.metadata.setdefault("trafficlib", {})["resolved_parameters"] = {**declared, **params}
    return nb


class KernelWorker:
    """One Jupyter kernel, started once and reused for many notebooks.

    ``run(nb, cwd)`` executes a prepared notebook in place. The namespace and process
    state are reset before each run; the kernel is restarted after a failure.
    """

    def __init__(self, kernel_name: str | None = None, warm: bool = True,
                 timeout: int = DEFAULT_TIMEOUT) -> None:
        self.kernel_name = kernel_name or _kernel_name()
        self.warm = warm
        self.timeout = timeout
        self.km = None
        self.kc = None
        self.akc = None
        self._warming: str | None = None

    def start(self, wait: bool = True) -> None:
        """Start the kernel and send the warm-up imports; with ``wait=False`` return as
        soon as they are sent (the first :meth:`run` waits for them), so the caller can
        do its own imports meanwhile."""
        from jupyter_client.manager import KernelManager

        # IPC (unix sockets) rather than TCP: local-only, no plain-TCP warning. Each
        # worker gets its own socket folder so parallel workers never share a socket.
        self._ipc_dir = tempfile.mkdtemp(prefix="trafficlib-kernel-")
        self.km = KernelManager(kernel_name=self.kernel_name, transport="ipc",
                                ip=os.path.join(self._ipc_dir, "k"))
        self.km.start_kernel(cwd=str(ROOT))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)
        # nbclient needs an asynchronous client: with a blocking one its output poller
        # blocks the event loop and cell timeouts never fire. The blocking client above
        # serves our own set-up and reset messages.
        from jupyter_client.asynchronous import AsyncKernelClient

        # Its own session (same key): replies are routed by session identity, so two
        # clients sharing one session would steal each other's replies.
        from jupyter_client.session import Session

        own = Session(key=self.km.session.key, signature_scheme=self.km.session.signature_scheme)
        info = {k: v for k, v in self.km.get_connection_info().items() if k not in ("key", "signature_scheme")}
        self.akc = AsyncKernelClient(**info, session=own, parent=self.km)
        self.akc.start_channels()
        imports = WARM_IMPORTS if self.warm else ["numpy", "matplotlib", "pandas", "trafficlib.display"]
        code = "\n".join(
            ["import importlib as _il"]
            + [f"_il.import_module({m!r})" for m in imports]
            + ["%matplotlib inline", "import trafficlib._kernel_state as _ks", "_ks.snapshot()",
               # the imported libraries live as long as the kernel: freeze them out of the
               # garbage collector's scans, so the collection each namespace reset does
               # takes milliseconds instead of ~0.15 s
               "import gc as _gc", "_gc.collect()", "_gc.freeze()",
               "del _il, _ks, _gc"])
        self._warming = self.kc.execute(code, silent=True, store_history=False)
        if wait:
            self._await_warm()

    def _await_warm(self) -> None:
        msg_id, self._warming = self._warming, None
        if msg_id is None:
            return
        while True:
            reply = self.kc.get_shell_msg(timeout=300)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"]["status"] != "ok":
            c = reply["content"]
            raise ReportError(f"kernel set-up failed: {c.get('ename')}: {c.get('evalue')}")

    def _silent(self, code: str) -> None:
        reply = self.kc.execute_interactive(code, store_history=False, timeout=300,
                                            output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            c = reply["content"]
            raise ReportError(f"kernel set-up failed: {c.get('ename')}: {c.get('evalue')}")

    def restart(self) -> None:
        self.shutdown()
        self.start()

    def shutdown(self) -> None:
        for client in (self.kc, self.akc):
            if client is not None:
                client.stop_channels()
        if self.km is not None and self.km.has_kernel:
            self.km.shutdown_kernel(now=True)
        if getattr(self, "_ipc_dir", None):
            shutil.rmtree(self._ipc_dir, ignore_errors=True)
        self.km = self.kc = self.akc = None

    def run(self, nb, cwd: Path) -> None:
        """Execute ``nb`` (modified in place); raises ReportError naming the failing cell."""
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        if self.km is None:
            self.start()
        self._await_warm()
        # reset(new_session=False): clear the namespace without starting a new history
        # session (which costs ~0.25 s of SQLite writes per report)
        self._silent("get_ipython().reset(new_session=False)\nimport trafficlib._kernel_state as _ks\n"
                     f"_ks.restore({str(cwd)!r})\ndel _ks")
        client = NotebookClient(nb, km=self.km, kernel_name=self.kernel_name, timeout=self.timeout,
                                allow_errors=False, record_timing=False,
                                resources={"metadata": {"path": str(cwd)}})
        client.kc = self.akc
        client.reset_execution_trackers()
        count = 0  # execution counts as in a fresh kernel: 1, 2, 3...
        source_count = 0  # code cells of the source notebook (the injected cell excluded)
        try:
            with client.setup_kernel():
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type != "code":
                        continue
                    count += 1
                    if "injected-parameters" not in cell.metadata.get("tags", []):
                        source_count += 1
                    try:
                        client.execute_cell(cell, index, execution_count=count)
                    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
                        raise ReportError(_cell_error(exc, cell, source_count)) from None
        except ReportError:
            self.restart()  # never reuse a kernel after an error or a timeout
            raise


def _cell_error(exc: Exception, cell, count: int) -> str:
    first = next((ln.strip() for ln in cell.source.splitlines() if ln.strip() and not ln.startswith("#")), "")
    where = f"code cell {count} ({first[:80]})"
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", None)
    if evalue is None:
        evalue = str(exc).strip().splitlines()[-1] if str(exc).strip() else ""
    if type(exc).__name__ == "CellTimeoutError":
        return f"{where}: timed out"
    return f"{where}: {ename}: {evalue}"


# --------------------------------------------------------------------------- HTML


_EXPORTER = None


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
    (warnings, progress bars) and the injected-parameters cell (shown in the header)."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    return out


def _format_param(value: Any, lang: str) -> str:
    if value is None or value == "":
        return i18n.MISSING
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return i18n.fmt_date(value, lang)
    return str(value)


def _toc(body: str) -> list[tuple[str, str]]:
    """The report's h2 headings (id, text) for the table of contents."""
    items = re.findall(r'<h2 id="([^"]+)">(.*?)</h2>', body, flags=re.S)
    return [(i, re.sub(r"<[^>]+>", "", t)) for i, t in items]


def to_html(nb, title: str, parameters: Mapping[str, Any], lang: str,
            generated: _dt.datetime | None = None) -> str:
    """Render an executed notebook to a self-contained HTML page (a string)."""
    generated = generated or _dt.datetime.now()
    shown = {k: _format_param(v, lang) for k, v in parameters.items()}
    resources = {"trafficlib": {
        "title": title, "lang": lang, "parameters": shown,
        "labels": {k: i18n.label(k, lang) for k in ("parameters", "contents", "generated")},
        "generated": f"{i18n.fmt_date(generated, lang, long=True)} {generated:%H:%M}",
    }}
    body, _ = _exporter().from_notebook_node(_for_html(nb), resources=resources)
    toc = _toc(body)
    toc_html = "".join(f'<li><a href="#{i}">{t}</a></li>' for i, t in toc)  # ids/text already escaped
    return body.replace("<!--TRAFFICLIB_TOC-->", f"<ol>{toc_html}</ol>" if toc else "", 1)


# --------------------------------------------------------------------------- jobs


@dataclass
class Job:
    """One report to make: a notebook, its parameters and an output name."""

    notebook: Path
    name: str
    parameters: dict[str, Any] = field(default_factory=dict)
    lang: str = "en"
    title: str | None = None

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
    t0 = time.perf_counter()
    html_path = _inside(output_dir, job.name, ".html")
    nb_path = _inside(output_dir, job.name, ".ipynb")
    title = job.title or job.notebook.stem
    params = dict(job.parameters)
    nb = None
    try:
        nb = prepare(job.notebook, params, job.lang)
        title = _title(nb, job.notebook, job.lang, job.title)
        shown_params = nb.metadata["trafficlib"]["resolved_parameters"]
        worker.run(nb, cwd=job.notebook.resolve().parent)
        page = to_html(nb, title, shown_params, job.lang)
        atomic_write(html_path, page)
        status, error = "ok", None
    except (ReportError, TrafficDataError, ValueError, OSError) as exc:
        status, error = "failed", str(exc)
        html_path.unlink(missing_ok=True)  # no stale report that looks current
    except Exception as exc:  # a bug of ours: still one line in the index, detail kept
        status, error = "failed", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
        html_path.unlink(missing_ok=True)
    if nb is not None:
        import nbformat

        atomic_write(nb_path, nbformat.writes(nb))
    return JobResult(
        name=safe_name(job.name), notebook=str(job.notebook), lang=job.lang, title=title,
        parameters=params, status=status, seconds=round(time.perf_counter() - t0, 2),
        html=str(html_path) if status == "ok" else None,
        executed=str(nb_path) if nb is not None else None, error=error,
        size_bytes=html_path.stat().st_size if status == "ok" else None,
    )


def render(notebook: str | Path, parameters: Mapping[str, Any] | None = None,
           output_dir: str | Path = "reports", lang: str = "en", name: str | None = None,
           title: str | None = None) -> Path:
    """Execute ``notebook`` with ``parameters`` and write ``<output_dir>/<name>.html``.

    Returns the HTML path. Raises :class:`ReportError` (which cell failed and why) if
    the notebook fails; the executed notebook is kept beside the HTML either way.
    Uses a fresh kernel (shut down afterwards); batches reuse warm kernels instead.
    """
    nb_path = Path(notebook)
    job = Job(notebook=nb_path, name=name or f"{nb_path.stem}-{lang}", parameters=dict(parameters or {}),
              lang=i18n.check_lang(lang), title=title)
    worker = KernelWorker(warm=False)
    try:
        res = run_job(job, Path(output_dir), worker)
    finally:
        worker.shutdown()
    if res.status != "ok":
        raise ReportError(res.error)
    return Path(res.html)


# --------------------------------------------------------------------------- manifests


_PATH_PARAM = re.compile(r".*_(path|dir|file)$")


def load_manifest(path: str | Path) -> tuple[list[Job], dict]:
    """Read a batch manifest (YAML, loaded safely) into jobs and settings.

    Format::

        output_dir: reports          # relative to the manifest; default "reports"
        workers: 2                   # parallel worker processes (default: 2)
        lang: en                     # index page language and default report language
        defaults:
          parameters: {data_path: data/demo}
        jobs:
          - notebook: notebooks/traffic_overview.ipynb
            name: overview-{lang}     # output file name (sanitized)
            title: Traffic overview   # optional; default: the notebook's title
            parameters: {site_name: Maison Lumière}
            matrix: {lang: [en, fr]}  # optional: one job per combination

    Relative paths (``notebook`` and parameters named ``*_path``, ``*_dir``, ``*_file``)
    are relative to the manifest's folder and passed to notebooks as absolute paths.
    """
    from trafficlib.sources import read_yaml

    mpath = Path(path)
    file = str(path)
    data = read_yaml(mpath, "manifest")
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list) or not data["jobs"]:
        raise TrafficDataError("a manifest needs a non-empty 'jobs' list", file=file, column="jobs")
    base = mpath.resolve().parent
    settings = {
        "output_dir": (base / str(data.get("output_dir", "reports"))).resolve(),
        "workers": int(data.get("workers", 2)),
        "lang": i18n.check_lang(str(data.get("lang", "en"))),
        "title": data.get("title"),
    }
    defaults = (data.get("defaults") or {}).get("parameters") or {}
    jobs: list[Job] = []
    for i, raw in enumerate(data["jobs"], start=1):
        if not isinstance(raw, dict) or "notebook" not in raw:
            raise TrafficDataError(f"job {i} needs a 'notebook'", file=file, column="jobs")
        matrix = raw.get("matrix") or {}
        combos: list[dict] = [{}]
        for key, values in matrix.items():
            if not isinstance(values, list) or not values:
                raise TrafficDataError(f"job {i}: matrix '{key}' must be a non-empty list", file=file, column="matrix")
            combos = [{**c, key: v} for c in combos for v in values]
        for combo in combos:
            params = {**defaults, **(raw.get("parameters") or {}), **combo}
            lang = str(params.get("lang", raw.get("lang", settings["lang"])))
            params["lang"] = i18n.check_lang(lang)
            for k, v in list(params.items()):
                if _PATH_PARAM.match(k) and isinstance(v, str) and v and not Path(v).is_absolute():
                    params[k] = str((base / v).resolve())
            name_tpl = str(raw.get("name") or Path(raw["notebook"]).stem + ("-{lang}" if "lang" in combo else ""))
            try:
                name = name_tpl.format(**params)
            except (KeyError, IndexError) as exc:
                raise TrafficDataError(f"job {i}: name uses unknown field {exc}", file=file, column="name") from None
            jobs.append(Job(notebook=(base / raw["notebook"]).resolve(), name=name, parameters=params,
                            lang=params["lang"], title=raw.get("title")))
    names = [safe_name(j.name) for j in jobs]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise TrafficDataError(f"several jobs write the same report: {', '.join(dup)}", file=file, column="name")
    return jobs, settings


# --------------------------------------------------------------------------- batch

_WORKER: KernelWorker | None = None


def _init_worker() -> None:
    """Worker-process start: boot the kernel and, while it imports the data stack,
    build the HTML exporter and import papermill here (both take a second or two)."""
    global _WORKER
    import atexit
    import sys

    # nbformat -> jsonschema imports rfc3987_syntax, which builds a grammar for ~0.7 s
    # at import, for "iri" format checks that notebook validation never uses (jsonschema
    # issue 1428). Worker processes are ours: skip that optional import in them.
    sys.modules.setdefault("rfc3987_syntax", None)
    _WORKER = KernelWorker(warm=True)
    atexit.register(_WORKER.shutdown)
    _WORKER.start(wait=False)
    _exporter()
    import papermill.parameterize  # noqa: F401


def _pool_run(job: Job, output_dir: str) -> JobResult:
    """Worker-process entry: reuse this process's warm kernel."""
    if _WORKER is None:
        _init_worker()
    return run_job(job, Path(output_dir), _WORKER)


def run_jobs(jobs: list[Job], output_dir: Path, workers: int = 2, progress: bool = True) -> list[JobResult]:
    """Run jobs on ``workers`` processes (each with one warm kernel); results in job order."""
    from tqdm.auto import tqdm

    output_dir.mkdir(parents=True, exist_ok=True)
    results: dict[int, JobResult] = {}
    bar = tqdm(total=len(jobs), desc="reports", unit="report", disable=not progress)
    if workers <= 1 or len(jobs) == 1:
        worker = KernelWorker(warm=True)
        try:
            for i, job in enumerate(jobs):
                results[i] = run_job(job, output_dir, worker)
                bar.update(1)
        finally:
            worker.shutdown()
    else:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=mp.get_context("spawn"),
                                 initializer=_init_worker) as pool:
            futures = {pool.submit(_pool_run, job, str(output_dir)): i for i, job in enumerate(jobs)}
            for fut in as_completed(futures):
                i = futures[fut]
                try:
                    results[i] = fut.result()
                except Exception as exc:  # a worker died: the job fails, the batch goes on
                    j = jobs[i]
                    results[i] = JobResult(safe_name(j.name), str(j.notebook), j.lang, j.title or j.notebook.stem,
                                           j.parameters, "failed", 0.0, error=f"worker crashed: {exc!r}")
                bar.update(1)
    bar.close()
    return [results[i] for i in range(len(jobs))]


def run_batch(manifest_path: str | Path, workers: int | None = None, progress: bool = True,
              only: Iterable[str] | None = None) -> BatchResult:
    """Run every job of a manifest and write ``<output_dir>/index.html`` (and index.json).

    One failing job does not stop the others; check ``result.ok`` / ``result.failed``.
    ``only`` restricts to jobs whose (sanitized) name matches one of the given names.
    """
    all_jobs, settings = load_manifest(manifest_path)
    jobs = all_jobs
    if only:
        wanted = {safe_name(n) for n in only}
        jobs = [j for j in all_jobs if safe_name(j.name) in wanted]
        if not jobs:
            raise TrafficDataError("no job matches --only", file=str(manifest_path), column="name")
    out = settings["output_dir"]
    results = run_jobs(jobs, out, workers or settings["workers"], progress)
    listed = results
    if only:  # the index keeps the other jobs' last results
        listed = _merge_previous(results, all_jobs, out)
    index = write_index(listed, out, settings["lang"], settings.get("title"))
    return BatchResult(results=results, index=index, output_dir=out)


def _merge_previous(results: list[JobResult], all_jobs: list[Job], out: Path) -> list[JobResult]:
    """This run's results plus, for the manifest's other jobs, their entry in the
    previous index.json (in manifest order)."""
    previous: dict[str, JobResult] = {}
    try:
        for item in json.loads((out / "index.json").read_text(encoding="utf-8")):
            previous[item["name"]] = JobResult(**item)
    except (OSError, ValueError, TypeError, KeyError):
        pass
    fresh = {r.name: r for r in results}
    merged = []
    for j in all_jobs:
        name = safe_name(j.name)
        if name in fresh:
            merged.append(fresh[name])
        elif name in previous:
            merged.append(previous[name])
    return merged


def write_index(results: list[JobResult], output_dir: Path, lang: str = "en", title: str | None = None) -> Path:
    """Write ``index.html`` (a table of every report, its status and any error) and
    ``index.json`` (the same, for machines), atomically. Returns the HTML path."""
    e = html.escape
    ok = sum(r.status == "ok" for r in results)
    rows = []
    for r in results:
        link = (f'<a href="{e(Path(r.html).name)}">{e(r.title)}</a>' if r.html else e(r.title))
        nb_link = f'<a href="{e(Path(r.executed).name)}">.ipynb</a>' if r.executed else ""
        params = ", ".join(f"{e(str(k))}={e(str(v if not isinstance(v, str) or len(v) < 40 else '…' + v[-30:]))}"
                           for k, v in r.parameters.items() if k != "lang")
        status = i18n.label("ok" if r.status == "ok" else "failed", lang)
        err = f"<pre>{e(r.error)}</pre>" if r.error else ""
        size = f"{r.size_bytes / 1024:.0f} KB" if r.size_bytes else ""
        rows.append(
            f'<tr class="{e(r.status)}"><td>{link}<div class="name">{e(r.name)}</div></td><td>{e(r.lang)}</td>'
            f'<td class="params">{params}</td><td class="status">{e(status)}</td>'
            f"<td>{r.seconds:.1f} s</td><td>{size}</td><td>{nb_link}</td><td>{err}</td></tr>")
    heading = title or i18n.label("reports", lang)
    now = _dt.datetime.now()
    summary = i18n.text(lang, f"{ok} of {len(results)} reports rendered", f"{ok} rapports sur {len(results)} générés")
    page = f"""<!DOCTYPE html>
<html lang="{e(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(heading)}</title>
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2733;padding:0 1rem}}
h1{{margin-bottom:.2rem}} .summary{{color:#5b6670;margin-bottom:1.5rem}}
table{{border-collapse:collapse;width:100%;font-size:.92rem}} th,td{{border-bottom:1px solid #e3e7eb;padding:.45rem .5rem;text-align:left;vertical-align:top}}
th{{background:#f4f6f8}} tr.failed td.status{{color:#b42318;font-weight:600}} tr.ok td.status{{color:#1e7a46}}
.name{{color:#8a949e;font-size:.8rem}} .params{{color:#5b6670;font-size:.82rem;max-width:28rem}}
pre{{white-space:pre-wrap;margin:0;font-size:.8rem;color:#b42318;max-width:32rem}}
</style></head><body>
<h1>{e(heading)}</h1>
<p class="summary">{e(summary)} · {e(i18n.label("generated", lang))} {e(i18n.fmt_date(now, lang, long=True))} {now:%H:%M}</p>
<table><thead><tr><th>{e(i18n.label("report", lang))}</th><th>lang</th><th>{e(i18n.label("parameters", lang))}</th>
<th>{e(i18n.label("status", lang))}</th><th>{e(i18n.label("duration", lang))}</th><th>HTML</th><th>notebook</th>
<th>{e(i18n.label("error", lang))}</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>
</body></html>
"""
    index = output_dir / "index.html"
    atomic_write(index, page)
    atomic_write(output_dir / "index.json", json.dumps([asdict(r) for r in results], indent=2, ensure_ascii=False))
    return index
