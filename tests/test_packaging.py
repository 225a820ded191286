"""Project hygiene: dependency lists in step, notebooks committed clean and parameterized."""
from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names that differ from PyPI names
CONDA_NAMES = {"duckdb": "python-duckdb"}


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[; ]", req.strip(), maxsplit=1)[0].lower()


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_deps = {CONDA_NAMES.get(_name(d), _name(d)) for d in project["dependencies"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert pip_deps == conda, f"only in pyproject: {pip_deps - conda}; only in environment.yml: {conda - pip_deps}"
    pip_section = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    assert "-e .[dev]" in pip_section  # the package itself, with the dev extras


NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebooks_are_committed_clean(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"{path.name} has outputs"
            assert cell.get("execution_count") is None, f"{path.name} has execution counts"


REPORT_NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", REPORT_NOTEBOOKS, ids=[p.name for p in REPORT_NOTEBOOKS])
def test_report_notebooks_are_parameterized_and_bilingual(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    first_code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert "parameters" in first_code["metadata"].get("tags", [])
    src = "".join(first_code["source"])
    assert re.search(r"^lang\s*=", src, re.M)
    title = nb["metadata"]["trafficlib"]["title"]
    assert title["en"] and title["fr"]
    assert nb["metadata"]["kernelspec"]["name"] == "trafficlib"


def test_every_report_notebook_is_in_the_demo_manifest():
    manifest = yaml.safe_load((ROOT / "reports.yml").read_text(encoding="utf-8"))
    listed = {Path(j["notebook"]).name for j in manifest["jobs"]}
    assert {p.name for p in REPORT_NOTEBOOKS} <= listed
