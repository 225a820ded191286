"""Command line conventions: --help, exit codes, typed -p parameters."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from trafficlib import cli

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return subprocess.run([sys.executable, "-m", "trafficlib.cli", *args], capture_output=True, text=True, cwd=ROOT)


def test_help_and_version():
    r = run("--help")
    assert r.returncode == 0 and "report" in r.stdout and "batch" in r.stdout and "demo" in r.stdout
    for sub in ("report", "batch", "demo"):
        assert run(sub, "--help").returncode == 0
    assert run("--version").stdout.startswith("trafficlib ")


def test_usage_errors_exit_2_with_one_line():
    r = run("batch", "no-such-manifest.yml")
    assert r.returncode == 2
    assert "manifest not found" in r.stderr and "Traceback" not in r.stderr
    assert run().returncode == 2
    assert run("report").returncode == 2  # argparse: missing notebook


def test_param_coercion_follows_notebook_defaults():
    assert cli.coerce("30", 7) == 30
    assert cli.coerce("00123", "x") == "00123"  # strings stay strings (papermill -p would give 123)
    assert cli.coerce("a, b", []) == ["a", "b"]
    assert cli.coerce("oui", False) is True
    assert cli.coerce("0,5", 0.1) == 0.5
    with pytest.raises(ValueError):
        cli.coerce("maybe", True)


def test_report_failure_exit_1(tmp_path):
    r = run("report", "tests/data/notebooks/failing.ipynb", "-o", str(tmp_path))
    assert r.returncode == 1
    assert "TrafficDataError" in r.stderr and "Traceback" not in r.stderr
