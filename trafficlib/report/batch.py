"""Many reports on worker processes, each with one warm kernel; the index page."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from trafficlib.errors import TrafficDataError
from trafficlib.report.base import safe_name
from trafficlib.report.index import write_index
from trafficlib.report.jobs import Job, JobResult, BatchResult, run_job
from trafficlib.report.kernel import KernelWorker
from trafficlib.report.manifest import load_manifest
from trafficlib.report.page import _exporter

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


def _pool_run(group: list[Job], output_dir: str) -> list[JobResult]:
    """Worker-process entry: run a group of jobs, in order, on this process's warm kernel."""
    if _WORKER is None:
        _init_worker()
    return [run_job(job, Path(output_dir), _WORKER) for job in group]


def affinity_groups(jobs: list[Job]) -> list[list[int]]:
    """Job indices grouped by what they read: the same notebook on the same inputs in
    other languages (the en and fr versions of a report) go to one worker, one after the
    other, so the second finds the inputs the first parsed in that kernel's file cache
    (:mod:`trafficlib.filecache`). Larger groups first, then manifest order, so the
    single jobs fill the workers at the end."""
    groups: dict[str, list[int]] = {}
    for i, job in enumerate(jobs):
        key = repr((str(job.notebook), sorted((k, repr(v)) for k, v in job.parameters.items() if k != "lang")))
        groups.setdefault(key, []).append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


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

        groups = affinity_groups(jobs)
        with ProcessPoolExecutor(max_workers=min(workers, len(groups)), mp_context=mp.get_context("spawn"),
                                 initializer=_init_worker) as pool:
            futures = {pool.submit(_pool_run, [jobs[i] for i in g], str(output_dir)): g for g in groups}
            for fut in as_completed(futures):
                group = futures[fut]
                try:
                    results.update(zip(group, fut.result()))
                except Exception as exc:  # a worker died: its jobs fail, the batch goes on
                    for i in group:
                        j = jobs[i]
                        results[i] = JobResult(safe_name(j.name), str(j.notebook), j.lang,
                                               j.title or j.notebook.stem, j.parameters, "failed", 0.0,
                                               error=f"worker crashed: {exc!r}")
                bar.update(len(group))
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

