"""How a batch spreads its jobs over warm kernels (stand-in kernels: no Jupyter needed)."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from trafficlib.report import batch
from trafficlib.report.batch import affinity_groups
from trafficlib.report.jobs import Job, JobResult

ROOT = Path(__file__).resolve().parents[1]


def test_batch_sends_the_languages_of_one_report_to_one_worker():
    nb_a, nb_b = Path("a.ipynb"), Path("b.ipynb")
    jobs = [Job(nb_a, "a-en", {"data_path": "x"}, "en"), Job(nb_a, "a-fr", {"data_path": "x"}, "fr"),
            Job(nb_a, "a-y-en", {"data_path": "y"}, "en"), Job(nb_b, "b-en", {"data_path": "x"}, "en"),
            Job(nb_b, "b-fr", {"data_path": "x"}, "fr")]
    assert affinity_groups(jobs) == [[2], [0, 1], [3, 4]]  # single jobs first, the batch ends on groups


class _StandIn:
    """A kernel that starts and stops instantly, numbered in order of creation."""
    made = 0

    def __init__(self, warm=True):
        _StandIn.made += 1
        self.id = _StandIn.made

    def start(self, wait=True):
        pass

    def shutdown(self):
        pass


def _stand_in_kernels(monkeypatch, fake_run) -> None:
    """run_jobs with stand-in kernels, ``fake_run`` in place of arun_job, no page exporter."""
    monkeypatch.setattr(batch, "KernelWorker", _StandIn)
    monkeypatch.setattr(batch, "arun_job", fake_run)
    monkeypatch.setattr(batch, "_exporter", lambda: None)


def test_batch_kernels_keep_groups_together_and_share_the_tail(monkeypatch, tmp_path):
    """Scheduling of trafficlib.report.batch.run_jobs with stand-in kernels: every job
    runs once, a report's languages run on one kernel, and at the end an idle kernel
    takes a waiting job from a busy one instead of idling."""
    ran = []

    async def fake_run(job, output_dir, kernel, kernel_free=None):
        ran.append((kernel.id, job.name))
        await asyncio.sleep(0.05 if job.name.startswith("slow") else 0.01)
        return JobResult(job.name, str(job.notebook), job.lang, job.name, job.parameters, "ok", 0.0)

    _stand_in_kernels(monkeypatch, fake_run)
    nb = Path("x.ipynb")
    jobs = [Job(nb, "slow-en", {"p": 1}, "en"), Job(nb, "slow-fr", {"p": 1}, "fr"), Job(nb, "slow-de", {"p": 1}, "en"),
            Job(nb, "b-en", {"p": 2}, "en"), Job(nb, "b-fr", {"p": 2}, "fr")]
    results = batch.run_jobs(jobs, tmp_path, workers=2, progress=False)
    assert [r.name for r in results] == [j.name for j in jobs]
    assert sorted(name for _, name in ran) == sorted(j.name for j in jobs)
    kernel_of = {name: k for k, name in ran}
    assert kernel_of["b-en"] == kernel_of["b-fr"]            # one report's languages together
    assert kernel_of["slow-de"] != kernel_of["slow-en"]      # the tail shared: stolen by the idle kernel


def test_the_batch_driver_starts_its_kernels_without_loading_the_data_stack():
    """The driver process needs no pandas: importing it would delay the kernels' launch
    by ~0.5 s. Reading the manifest and formatting a page's parameters (text, numbers,
    ISO dates) keep it out."""
    import subprocess
    import sys

    code = ("import sys, datetime as dt\n"
            "from trafficlib.cli import main\n"
            "import trafficlib.report.batch\n"
            "from trafficlib.report.manifest import load_manifest\n"
            f"jobs, settings = load_manifest({str(ROOT / 'reports.yml')!r})\n"
            "assert len(jobs) > 10, jobs\n"
            "from trafficlib.report.about import about_rows\n"
            "about_rows({'period_start': '2026-08-01', 'budget': 7500.0, 'lookback_days': 30, 'site_name': 'x',\n"
            "            'lang': 'fr', 'compare': 'previous', 'ads_dir': 'data/demo', 'flag': True}, 'fr', set())\n"
            "from trafficlib import i18n\n"
            "assert i18n.fmt_date(dt.datetime(2026, 11, 30, 9), 'fr', long=True) == '30 nov. 2026'\n"  # page footer
            "print(sorted(m for m in ('pandas', 'numpy', 'matplotlib') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_a_kernel_takes_its_next_report_while_the_last_page_is_written(monkeypatch, tmp_path):
    """arun_job signals when the notebook has run; the batch then starts that kernel's
    next job while the previous page is still being written, and waits for every write."""
    events = []

    async def fake_run(job, output_dir, kernel, kernel_free=None):
        events.append(("run", job.name))
        await asyncio.sleep(0.01)
        kernel_free.set()  # the notebook has run: the page is written below
        await asyncio.sleep(0.1)
        events.append(("written", job.name))
        return JobResult(job.name, str(job.notebook), job.lang, job.name, job.parameters, "ok", 0.0)

    _stand_in_kernels(monkeypatch, fake_run)
    nb = Path("x.ipynb")
    jobs = [Job(nb, "a-en", {"p": 1}, "en"), Job(nb, "a-fr", {"p": 1}, "fr")]
    results = batch.run_jobs(jobs, tmp_path, workers=1, progress=False)
    assert [r.status for r in results] == ["ok", "ok"]
    assert events.index(("run", "a-fr")) < events.index(("written", "a-en"))  # overlapped
    assert ("written", "a-fr") in events  # the batch waited for the last write


def test_a_kernel_that_cannot_be_reset_is_restarted_not_reused():
    from jupyter_core.utils import run_sync

    from trafficlib.report.base import ReportError
    from trafficlib.report.kernel import KernelWorker

    worker = KernelWorker(warm=False)
    restarts = []
    worker.km = object()  # started, as far as arun can tell
    worker._await_warm = lambda: None

    async def failing_reset(code, timeout=300):
        raise ReportError("kernel set-up timed out after 300 s")

    worker._asilent = failing_reset
    worker.restart = lambda: restarts.append(1)
    with pytest.raises(ReportError, match="timed out"):
        run_sync(worker.arun)(None, Path("."))
    assert restarts == [1]
