"""Where a report's time goes: every job of ``reports.yml``, cell by cell in one warm
kernel, then function by function inside the package.

Run from the repo root (after `make demo`)::

    .venv/bin/python benchmarks/profile_reports.py                  # cells, every job
    .venv/bin/python benchmarks/profile_reports.py --functions      # + top package functions
    .venv/bin/python benchmarks/profile_reports.py audit --top 25   # jobs whose name contains "audit"

``cells``: the jobs run in the order of ``reports.yml`` on one kernel, as a batch
kernel would run them (so a report's second language shows what the caches save);
prints each job's seconds and its slowest cells. ``--functions`` then runs the same
cells in this process under cProfile and lists, per job, the trafficlib functions
(and matplotlib's savefig) with the most cumulative time. Profiling slows everything
about 2x; compare the rows, not the absolute figures.
"""
from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_throughput import DEMO, mixed_jobs, run_in_process  # noqa: E402


def _cell_seconds(cell) -> float | None:
    ex = cell.metadata.get("execution") or {}
    if not (ex.get("iopub.status.busy") and ex.get("iopub.status.idle")):
        return None
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    return (parse(ex["iopub.status.idle"]) - parse(ex["iopub.status.busy"])).total_seconds()


def profile_cells(jobs: list[dict], top: int) -> None:
    """Each job on one warm kernel, with nbclient's per-cell timing."""
    import nbclient

    from trafficlib.report.kernel import KernelWorker, prepare

    class Timed(nbclient.NotebookClient):  # record_timing on, nothing else changed
        def __init__(self, *a, **k):
            k["record_timing"] = True
            super().__init__(*a, **k)

    nbclient.NotebookClient = Timed
    worker = KernelWorker(warm=True)
    worker.start()
    try:
        for j in jobs:
            nb = prepare(Path(j["notebook"]), j["parameters"], j["lang"])
            t0 = time.perf_counter()
            worker.run(nb, Path(j["notebook"]).parent)
            cells = [(_cell_seconds(c), i, c.source.strip().splitlines()[0][:70] if c.source.strip() else "")
                     for i, c in enumerate(nb.cells) if c.cell_type == "code"]
            cells = sorted(((s, i, src) for s, i, src in cells if s is not None), reverse=True)
            print(f"== {j['name']}: {time.perf_counter() - t0:.2f} s")
            for s, i, src in cells[:top]:
                print(f"   {s:5.2f}  cell {i:2d}  {src}")
    finally:
        worker.shutdown()


def profile_functions(jobs: list[dict], top: int) -> None:
    """The same cells in this process under cProfile; top package functions per job."""
    import matplotlib

    matplotlib.use("Agg")
    import IPython.display

    IPython.display.display = lambda *a, **k: None  # outputs are not the question here
    for j in jobs:
        prof = cProfile.Profile()

        @contextlib.contextmanager
        def profiled(_cell):
            prof.enable()
            try:
                yield
            finally:
                prof.disable()

        t0 = time.perf_counter()
        run_in_process(j, profiled)
        stats = pstats.Stats(prof).stats
        rows = sorted(((v[3], k) for k, v in stats.items()
                       if ("/trafficlib/" in k[0] and k[2] != "<module>") or k[2] == "savefig"), reverse=True)
        print(f"== {j['name']}: {time.perf_counter() - t0:.2f} s under the profiler")
        for cum, (file, line, func) in rows[:top]:
            print(f"   {cum:5.2f}  {file.split('site-packages/')[-1].split('/trafficlib/')[-1]}:{line} {func}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("only", nargs="*", help="profile only the jobs whose name contains one of these")
    ap.add_argument("--functions", action="store_true", help="also profile package functions (in-process)")
    ap.add_argument("--top", type=int, default=6, help="rows per job (default 6)")
    args = ap.parse_args()
    if not (DEMO / "sessions.parquet").exists():
        raise SystemExit("demo data missing: run `make demo` first")
    jobs = [j for j in mixed_jobs() if not args.only or any(o in j["name"] for o in args.only)]
    if not jobs:
        raise SystemExit(f"no job of reports.yml matches {args.only}")
    profile_cells(jobs, args.top)
    if args.functions:
        print()
        profile_functions(jobs, args.top)


if __name__ == "__main__":
    main()
