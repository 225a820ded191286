"""Many reports on warm kernels driven from one process; the index page."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from trafficlib.errors import TrafficDataError
from trafficlib.report.base import safe_name
from trafficlib.report.index import write_index
from trafficlib.report.jobs import Job, JobResult, BatchResult, arun_job
from trafficlib.report.kernel import KernelWorker, _in_thread
from trafficlib.report.manifest import load_manifest
from trafficlib.report.page import _exporter

# --------------------------------------------------------------------------- batch


def affinity_groups(jobs: list[Job]) -> list[list[int]]:
    """Job indices grouped by what they read: the same notebook on the same inputs in
    other languages (the en and fr versions of a report) go to one kernel, one after the
    other, so the second finds the inputs the first parsed in that kernel's cache
    (:mod:`trafficlib.filecache`). Single jobs first, then the groups, in manifest order:
    the batch then ends on groups, whose waiting jobs an idle kernel can take over
    (:func:`run_jobs`), rather than on one long job."""
    groups: dict[str, list[int]] = {}
    for i, job in enumerate(jobs):
        key = repr((str(job.notebook), sorted((k, repr(v)) for k, v in job.parameters.items() if k != "lang")))
        groups.setdefault(key, []).append(i)
    return sorted(groups.values(), key=lambda g: (len(g) > 1, g[0]))


def run_jobs(jobs: list[Job], output_dir: Path, workers: int = 2, progress: bool = True) -> list[JobResult]:
    """Run jobs on ``workers`` warm kernels, driven from this process; results in job order.

    The kernels do the work (one process each, so ``workers`` cores); this process
    sends them cells and writes the pages. Each kernel takes the next group of
    :func:`affinity_groups` when it is free; when none is left, an idle kernel takes the
    last job not yet started of another's group, so the batch does not end on one
    kernel. One process rather than a pool of worker processes: no second interpreter
    per kernel importing nbconvert and papermill, and the kernels start at once (the
    demo batch's first report finishes ~1.7 s sooner on two cores).
    """
    from jupyter_core.utils import run_sync
    from tqdm.auto import tqdm

    output_dir.mkdir(parents=True, exist_ok=True)
    results: dict[int, JobResult] = {}
    bar = tqdm(total=len(jobs), desc="reports", unit="report", disable=not progress)
    try:
        run_sync(_drive)(jobs, output_dir, max(1, workers), results, bar)
    finally:
        bar.close()
    return [results[i] for i in range(len(jobs))]


async def _drive(jobs: list[Job], output_dir: Path, workers: int, results: dict, bar) -> None:
    import asyncio
    from collections import deque

    waiting = deque(deque(g) for g in affinity_groups(jobs))
    kernels = [KernelWorker(warm=True) for _ in range(min(workers, len(waiting)))]
    taken: list[deque] = []  # groups a kernel has taken, with the jobs it has not started yet

    def next_job(own: deque | None) -> tuple[int | None, deque | None]:
        """The kernel's next job: the rest of its group, else a new group, else (at the
        end of the batch, rather than idling) the last job of another kernel's group."""
        if own:
            return own.popleft(), own
        if waiting:
            own = waiting.popleft()
            taken.append(own)
            return own.popleft(), own
        busy = max(taken, key=len, default=None)
        if busy:
            return busy.pop(), None
        return None, None

    async def one(i: int, kernel: KernelWorker, free: asyncio.Event) -> None:
        try:
            results[i] = await arun_job(jobs[i], output_dir, kernel, free)
        except Exception as exc:  # the kernel could not be restarted: this job fails, others go on
            j = jobs[i]
            results[i] = JobResult(safe_name(j.name), str(j.notebook), j.lang, j.title or j.notebook.stem,
                                   j.parameters, "failed", 0.0, error=f"kernel lost: {exc!r}")
        bar.update(1)

    async def serve(kernel: KernelWorker) -> None:
        """Feed one kernel: its next job starts as soon as the previous notebook has run,
        while that report's page is still being written (~50 ms a report otherwise idle)."""
        own, writing = None, []
        while True:
            i, own = next_job(own)
            if i is None:
                break
            free = asyncio.Event()
            job = asyncio.ensure_future(one(i, kernel, free))
            writing.append(job)
            freed = asyncio.ensure_future(free.wait())
            await asyncio.wait([job, freed], return_when=asyncio.FIRST_COMPLETED)
            freed.cancel()
        await asyncio.gather(*writing)

    try:
        # start the kernels side by side (each launch waits ~1 s for its kernel to answer),
        # and build the page exporter while they import the data stack
        starting = [asyncio.ensure_future(_in_thread(k.start, False)) for k in kernels]
        await asyncio.sleep(0)  # let the launches reach their threads before the work below
        _exporter()
        import papermill.parameterize  # noqa: F401

        await asyncio.gather(*starting)
        await asyncio.gather(*(serve(k) for k in kernels))
    finally:
        for k in kernels:
            k.shutdown()


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

