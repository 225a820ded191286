"""End to end: every report of the demo manifest renders through the batch runner, and
each HTML is a clean report (no error, no code, parameters shown, images, light)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from trafficlib import report

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def batch(demo_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    manifest = yaml.safe_load((ROOT / "reports.yml").read_text(encoding="utf-8"))
    manifest["output_dir"] = str(out)
    path = ROOT / ".pytest-reports.yml"  # beside reports.yml so relative paths resolve the same
    path.write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    try:
        return report.run_batch(path, workers=2, progress=False)
    finally:
        path.unlink(missing_ok=True)


def test_every_demo_report_renders(batch):
    failed = {r.name: r.error for r in batch.failed}
    assert not failed, failed
    assert batch.index.exists()
    index = batch.index.read_text(encoding="utf-8")
    for r in batch.results:
        assert f'href="{Path(r.html).name}"' in index


def test_reports_are_clean(batch):
    for r in batch.results:
        html = Path(r.html).read_text(encoding="utf-8")
        name = r.name
        assert "Traceback" not in html and 'class="jp-OutputArea-output" data-mime-type="application/vnd.jupyter.stderr"' not in html, name
        assert "ename" not in html and "evalue" not in html, name
        assert "jp-InputArea" not in html and "import trafficlib" not in html and "from trafficlib" not in html, name
        assert 'class="tl-params"' in html, name
        for key in r.parameters:
            assert f'data-param="{key}"' in html, (name, key)
        assert "data:image/svg+xml;base64," in html, name
        assert "<script" not in html.lower(), name
        assert len(html.encode()) < 1_000_000, (name, len(html.encode()))
        assert f'<html lang="{r.lang}">' in html, name
        assert re.search(r'<nav class="tl-toc">.*?<li>', html, re.S), name
        text = re.sub(r"data:image/svg+xml;base64,[^\"]+", "", html)
        assert not re.search(r">\s*(nan|NaN|inf|None)\s*<", text), name  # missing values show as a dash
