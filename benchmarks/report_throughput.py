"""Report throughput: demo reports through our batch runner vs the naive loop vs the floor.

Run from the repo root (after `make demo`)::

    .venv/bin/python benchmarks/report_throughput.py            # both series, the full comparison
    .venv/bin/python benchmarks/report_throughput.py -n 6       # quicker single-report series
    .venv/bin/python benchmarks/report_throughput.py --series mixed --skip fresh

Two series, side by side in one run:

- ``single``: ``notebooks/traffic_overview.ipynb`` on the demo shop, N different
  periods, alternating en/fr (the lightest report, N times);
- ``mixed``: the 15 jobs of ``reports.yml`` (seven report kinds, en and fr: overview
  (also from GA4 interface exports), audit, competitor watch, attribution, campaign
  post-mortem, Search Console, paid search), as ``trafficlib batch`` runs them.

For each series, compared on the same reports:

- ``batch``: ``trafficlib batch`` with 2 warm kernels driven from one process;
- ``batch, floor``: the same runner on an empty notebook (parameters cell only): the
  fixed cost of the machinery itself;
- ``fresh kernels``: ``trafficlib.report.render`` one report at a time, a new kernel each
  (its pages are also compared with the batch's: identical but for the generation time,
  or the differing reports are listed);
- ``naive loop``: per report, the ``papermill`` CLI then the ``jupyter nbconvert --to html
  --no-input`` CLI (what most teams script first).

With ``--repeat N`` the approaches alternate N times and the median is shown, with every
run's seconds: the machine's speed drifts by tens of percent over minutes, and
alternating spreads a slow spell over all approaches. One untimed batch run comes first
(``--warmup``, default 1) so that no approach pays alone for loading the data and the
environment's files into the OS cache. Prints wall time, seconds per report and the
speed-up over the naive loop per series (medians), then each run's ratio against the
naive run that followed it, and each run's CPU seconds (user + system of the processes
it started, kernels included): the same work costs this machine more CPU seconds in a
slow spell, which tells a slow spell from a slower approach. With ``--repeat`` > 1, the
run-by-run ratios are also shown at one machine speed (each run's wall time scaled by
its approach's median CPU seconds over its own): an estimate, printed after the
measured ratios, never instead of them.

Measured on this project's 2-core machine (2026-11-30 12:51 UTC, see the README's
performance table for the spread over runs)::

    mixed: the 15 jobs of reports.yml
    approach                                        total s  s/report  vs naive   CPU s   runs (s)
    batch (2 workers, warm kernels)                    15.1      1.01     11.8x    28.2   17.9 15.0 15.1
    naive loop (papermill CLI + nbconvert CLI)        178.5     11.90      1.0x   181.7   178.5 183.0 175.1
    batch (2 workers, warm kernels) vs naive, run by run: 10.0x 12.2x 11.6x
    CPU seconds, run by run (user + system, kernels included; the same work costs more in a slow spell):
      batch (2 workers, warm kernels): 33.2 27.9 28.2
      naive loop (papermill CLI + nbconvert CLI): 181.7 186.1 178.3
    batch (2 workers, warm kernels) vs naive, run by run at one machine speed (an estimate): 11.8x 11.8x 11.8x

    single: 20 reports of traffic_overview.ipynb (12:25 UTC)
    batch (2 workers, warm kernels)                    11.9      0.60     15.9x           11.9
    batch, floor (empty notebook)                       4.5      0.23     42.1x           4.5
    naive loop (papermill CLI + nbconvert CLI)        189.8      9.49      1.0x           189.8
"""
from __future__ import annotations

import argparse
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "traffic_overview.ipynb"
DEMO = ROOT / "data" / "demo"
BIN = Path(sys.executable).parent
FAILED: list[str] = []  # reports that failed, listed with the results
DIFFERENT: list[str] = []  # batch pages that differ from a fresh kernel's


def jobs(n: int) -> list[dict]:
    """N overview reports over different months, alternating languages."""
    ends = pd.date_range("2025-10-31", "2026-10-31", freq="ME")  # the demo's 13 months
    out = []
    for i in range(n):
        end = ends[i % len(ends)]
        start = end.replace(day=1)
        out.append({"name": f"overview-{i:02d}", "lang": "en" if i % 2 == 0 else "fr",
                    "parameters": {"data_path": str(DEMO), "period_start": str(start.date()),
                                   "period_end": str(end.date())}})
    return out


def mixed_jobs() -> list[dict]:
    """The jobs of ``reports.yml`` (matrix expanded; *_path/_dir/_file made absolute)."""
    manifest = yaml.safe_load((ROOT / "reports.yml").read_text(encoding="utf-8"))
    out = []
    for job in manifest["jobs"]:
        params = dict(job.get("parameters") or {})
        for k, v in list(params.items()):
            if k.endswith(("_path", "_dir", "_file")) and v:
                params[k] = str((ROOT / v).resolve())
        for lang in (job.get("matrix") or {}).get("lang", [params.get("lang", "en")]):
            out.append({"name": job["name"].format(lang=lang, **params), "lang": lang,
                        "notebook": str(ROOT / job["notebook"]), "parameters": params})
    return out


def run_in_process(job: dict, around=None) -> None:
    """Execute the code cells of a job's notebook in this process, in the notebook's
    folder, the job's parameters set after the ``parameters`` cell (as papermill injects
    them); magics and shell lines skipped. ``around(cell_index)``, when given, is a
    context manager entered around each cell (a profiler, a timer)."""
    import contextlib
    import os

    nb = nbformat.read(job["notebook"], as_version=4)
    ns: dict = {}
    cwd = os.getcwd()
    os.chdir(Path(job["notebook"]).parent)
    try:
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            src = "\n".join(ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!")))
            with around(i) if around else contextlib.nullcontext():
                exec(compile(src, f"<{job['name']} cell {i}>", "exec"), ns)
            if "parameters" in cell.metadata.get("tags", []):
                ns.update(job["parameters"], lang=job["lang"])
    finally:
        os.chdir(cwd)


def run_batch(job_list: list[dict], notebook: Path | None, out: Path, workers: int = 2) -> float:
    manifest = {"output_dir": str(out), "workers": workers, "jobs": [
        {"notebook": str(notebook or j["notebook"]), "name": j["name"], "parameters": {**j["parameters"], "lang": j["lang"]}}
        for j in job_list]}
    path = out.parent / f"{out.name}.yml"
    path.write_text(yaml.safe_dump(manifest), encoding="utf-8")
    t0 = time.perf_counter()
    r = subprocess.run([str(BIN / "trafficlib"), "batch", str(path), "--quiet"], capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if r.returncode != 0:  # a failed report is reported, and timed like the others
        FAILED.append(f"batch {out.name}: " + " | ".join(l for l in (r.stdout + r.stderr).splitlines() if "FAILED" in l))
    return elapsed


def run_fresh(job_list: list[dict], out: Path) -> float:
    code = ("import sys, json; from trafficlib.report import render\n"
            "for j in json.loads(sys.argv[1]):\n"
            "    render(j.get('notebook', sys.argv[2]), j['parameters'], sys.argv[3], lang=j['lang'], name=j['name'])\n")
    import json

    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, json.dumps(job_list), str(NOTEBOOK), str(out)], check=True,
                   capture_output=True)
    return time.perf_counter() - t0


def run_naive(job_list: list[dict], out: Path) -> float:
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    for j in job_list:
        executed = out / f"{j['name']}.ipynb"
        notebook = Path(j.get("notebook", NOTEBOOK))
        args = [str(BIN / "papermill"), str(notebook), str(executed), "--cwd", str(notebook.parent)]
        for k, v in {**j["parameters"], "lang": j["lang"]}.items():
            args += ["-p", k, str(v)] if isinstance(v, str) else ["-y", yaml.safe_dump({k: v}).strip()]
        r = subprocess.run(args, capture_output=True)
        if r.returncode != 0:  # papermill still writes the executed notebook; convert it, as a script would
            FAILED.append(f"naive {j['name']}: papermill exit {r.returncode}")
        if executed.exists():
            subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                           capture_output=True)
    return time.perf_counter() - t0


def empty_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "trafficlib", "display_name": "Python (trafficlib)", "language": "python"}}
    cell = nbformat.v4.new_code_cell('lang = "en"\ndata_path = ""\nperiod_start = ""\nperiod_end = ""')
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    path = folder / "empty.ipynb"
    nbformat.write(nb, path)
    return path


def run_series(name: str, job_list: list[dict], notebook: Path | None, tmp: Path, skip: list[str],
               repeat: int = 1, warmup: int = 1) -> list:
    """(approach, median seconds, all runs) for each approach. With ``repeat`` > 1 the
    approaches alternate (batch, floor, fresh, naive, batch, ...), so a slow spell of the
    machine falls on all of them alike; each run writes to a fresh folder. ``warmup``
    untimed batch runs come first: they load the demo data and the environment's files
    into the OS cache for every approach, so that the first approach timed does not pay
    for it alone."""
    for w in range(warmup):
        run_batch(job_list, notebook, tmp / f"{name}-warmup-{w}")
    approaches = [("batch (2 workers, warm kernels)", lambda out: run_batch(job_list, notebook, out))]
    if name == "single":
        approaches.append(("batch, floor (empty notebook)", lambda out: run_batch(job_list, empty_notebook(tmp), out)))
    if "fresh" not in skip:
        approaches.append(("render() one by one, fresh kernels", lambda out: run_fresh(job_list, out)))
    if "naive" not in skip:
        approaches.append(("naive loop (papermill CLI + nbconvert CLI)", lambda out: run_naive(job_list, out)))
    times: dict[str, list[float]] = {label: [] for label, _ in approaches}
    cpu: dict[str, list[float]] = {label: [] for label, _ in approaches}
    for r in range(repeat):
        for i, (label, run) in enumerate(approaches):
            wall, seconds = _measured(run, tmp / f"{name}-{i}-{r}")
            times[label].append(wall)
            cpu[label].append(seconds)
    if "fresh" not in skip:  # the runner's shortcuts must not change a report
        fresh = next(i for i, (label, _) in enumerate(approaches) if label.startswith("render()"))
        DIFFERENT.extend(different_pages(tmp / f"{name}-0-0", tmp / f"{name}-{fresh}-0"))
    return [(label, statistics.median(t), t, cpu[label]) for label, t in times.items()]


def _measured(run, out: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one approach's run: user + system time of the
    processes it started, their kernels included (each process reaps its kernels). The
    same work takes more or less CPU time as this machine's speed drifts: a run whose
    CPU seconds are high ran in a slow spell."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = run(out)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _at_one_speed(walls: list[float], cpus: list[float]) -> list[float]:
    """Each run's wall seconds scaled by the approach's median CPU seconds over the
    run's own: what the run would have taken at the machine's median speed, if the
    drift of its speed is what changed the CPU seconds of the same work."""
    mid = statistics.median(cpus)
    return [w * mid / c if c > 0 else w for w, c in zip(walls, cpus)]


_STAMP = re.compile(r"<time>[^<]*</time>")  # the generation time in the page's header


def different_pages(batch: Path, fresh: Path) -> list[str]:
    """Reports whose page from the batch (warm kernels, caches, grouping) differs from
    the same report rendered alone in a fresh kernel, the generation time aside."""
    out = []
    for page in sorted(fresh.glob("*.html")):
        other = batch / page.name
        if not other.exists() or _STAMP.sub("", other.read_text(encoding="utf-8")) != \
                _STAMP.sub("", page.read_text(encoding="utf-8")):
            out.append(f"{batch.name}/{page.name}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", "--reports", type=int, default=20, help="reports of the single series (default 20)")
    ap.add_argument("--series", choices=["both", "single", "mixed"], default="both")
    ap.add_argument("--skip", action="append", default=[], choices=["naive", "fresh"], help="skip a slow approach")
    ap.add_argument("--repeat", type=int, default=3,
                    help="alternating runs of every approach; the median is shown (default 3)")
    ap.add_argument("--warmup", type=int, default=1,
                    help="untimed batch runs before the timed ones, to warm the OS file cache (default 1)")
    args = ap.parse_args()
    if not (DEMO / "sessions.parquet").exists():
        raise SystemExit("demo data missing: run `make demo` first")
    series = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.series in ("both", "mixed"):
            mixed = mixed_jobs()
            series.append((f"mixed: the {len(mixed)} jobs of reports.yml", len(mixed),
                           run_series("mixed", mixed, None, tmp, args.skip, args.repeat, args.warmup)))
        if args.series in ("both", "single"):
            series.append((f"single: {args.reports} reports of {NOTEBOOK.name}", args.reports,
                           run_series("single", jobs(args.reports), NOTEBOOK, tmp, args.skip, args.repeat,
                                      args.warmup)))
    for title, n, rows in series:
        naive_runs = {name: runs for name, _, runs, _ in rows}.get("naive loop (papermill CLI + nbconvert CLI)")
        naive = statistics.median(naive_runs) if naive_runs else None
        print(f"\n{title} (demo shop; median of {args.repeat} alternating run(s))\n")
        print(f"{'approach':<46}{'total s':>9}{'s/report':>10}{'vs naive':>10}{'CPU s':>8}   runs (s)")
        for name, secs, runs, cpu in rows:
            ratio = f"{naive / secs:>9.1f}x" if naive else f"{'-':>10}"
            print(f"{name:<46}{secs:>9.1f}{secs / n:>10.2f}{ratio}{statistics.median(cpu):>8.1f}   "
                  + " ".join(f"{t:.1f}" for t in runs))
        if naive_runs:  # each run against the naive run right after it
            for name, _, runs, _ in rows:
                if runs is not naive_runs:
                    print(f"{name} vs naive, run by run: " + " ".join(f"{a / b:.1f}x" for a, b in zip(naive_runs, runs)))
        print("CPU seconds, run by run (user + system, kernels included; the same work costs more in a slow spell):")
        for name, _, _, cpu in rows:
            print(f"  {name}: " + " ".join(f"{c:.1f}" for c in cpu))
        if naive_runs and len(naive_runs) > 1:
            naive_at = _at_one_speed(naive_runs, next(c for _, _, r, c in rows if r is naive_runs))
            for name, _, runs, cpu in rows:
                if runs is not naive_runs:
                    print(f"{name} vs naive, run by run at one machine speed (an estimate): "
                          + " ".join(f"{a / b:.1f}x" for a, b in zip(naive_at, _at_one_speed(runs, cpu))))
    if FAILED:
        print("\nfailed reports (timed all the same):\n  " + "\n  ".join(FAILED))
    if "fresh" not in args.skip:
        print("\nbatch pages identical to fresh-kernel renders" if not DIFFERENT else
              "\nbatch pages that differ from a fresh-kernel render:\n  " + "\n  ".join(DIFFERENT))


if __name__ == "__main__":
    main()
