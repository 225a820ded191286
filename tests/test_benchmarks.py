"""The throughput benchmark's own bookkeeping: which jobs it times, and the CPU seconds
it reports beside each run's wall time (benchmarks/report_throughput.py)."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _load():
    spec = importlib.util.spec_from_file_location("report_throughput", ROOT / "benchmarks" / "report_throughput.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mixed_jobs_are_the_manifest_jobs_with_absolute_paths():
    bench = _load()
    jobs = bench.mixed_jobs()
    manifest = yaml.safe_load((ROOT / "reports.yml").read_text(encoding="utf-8"))
    expected = sum(len((j.get("matrix") or {}).get("lang", [None])) for j in manifest["jobs"])
    assert len(jobs) == expected
    assert len({j["name"] for j in jobs}) == len(jobs)  # the matrix is expanded into distinct names
    for job in jobs:
        assert Path(job["notebook"]).is_absolute() and Path(job["notebook"]).exists()
        for key, value in job["parameters"].items():
            if key.endswith(("_path", "_dir", "_file")) and value:
                assert Path(value).is_absolute(), (job["name"], key)


def test_measured_counts_the_cpu_of_the_processes_a_run_starts(tmp_path):
    """A run that starts a process spinning for 0.4 s of CPU reports at least that much,
    and its wall time; the benchmark's own CPU (spent here, in this process) is not
    counted."""
    bench = _load()
    spin = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.4: pass\n"

    def busy(out: Path) -> float:
        subprocess.run([sys.executable, "-c", spin], check=True)
        return 1.5

    wall, cpu = bench._measured(busy, tmp_path)
    assert wall == 1.5
    assert cpu >= 0.4

    def here(out: Path) -> float:
        exec(spin, {})  # noqa: S102 - the same spin, in this process
        return 0.0

    _, own = bench._measured(here, tmp_path)
    assert own < 0.2


def test_at_one_speed_undoes_a_slow_spell():
    """The same work run in a spell 20 % slower (20 % more CPU seconds, 20 % more wall
    time) comes back to the other runs' wall time; runs at the median speed are unchanged."""
    bench = _load()
    walls, cpus = [10.0, 10.0, 12.0], [20.0, 20.0, 24.0]
    assert bench._at_one_speed(walls, cpus) == [10.0, 10.0, 10.0]
    assert bench._at_one_speed([5.0], [0.0]) == [5.0]  # no CPU measured: left as measured
