"""Report machinery: HTML content, escaping, names, atomic writes, batches, kernel reuse."""
from __future__ import annotations

import json
import os
import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from trafficlib import cli, report

ROOT = Path(__file__).resolve().parents[1]
NB = Path(__file__).parent / "data" / "notebooks"
OVERVIEW = ROOT / "notebooks" / "traffic_overview.ipynb"

EVIL_CAMPAIGN = "<script>alert('campaign')</script>"
EVIL_PAGE = '/promo"><img src=x onerror=alert(1)>'
EVIL_SITE = "<b onmouseover=alert(2)>Evil & Co</b>"


@pytest.fixture(scope="module")
def evil_sessions(tmp_path_factory) -> Path:
    """A tiny sessions file whose campaign, landing page and source are hostile."""
    folder = tmp_path_factory.mktemp("evil")
    n = 60
    frame = pd.DataFrame({
        "session_id": [f"s{i}" for i in range(n)],
        "user_id": [f"u{i % 40}" for i in range(n)],
        "start": pd.date_range("2026-03-01", periods=n, freq="13h"),
        "source": ["<img src=y onerror=alert(3)>"] * 20 + ["google"] * 40,
        "medium": ["cpc"] * 30 + ["organic"] * 30,
        "campaign": [EVIL_CAMPAIGN] * 30 + [None] * 30,
        "channel": ["Paid Search"] * 30 + ["Organic Search"] * 30,
        "landing_page": [EVIL_PAGE] * 25 + ["/"] * 35,
        "device": ["mobile", "desktop"] * 30,
        "country": ["FR"] * n,
        "new_user": [True] * 40 + [False] * 20,
        "pageviews": [1, 3] * 30,
        "engagement_time_s": [5.0, 40.0] * 30,
        "conversions": [0] * 50 + [1] * 10,
        "revenue": [0.0] * 50 + [80.0] * 10,
    })
    frame.to_csv(folder / "sessions.csv", index=False)
    return folder


def _strip_time(html: str) -> str:
    return re.sub(r"<time>.*?</time>", "<time></time>", html)


def test_safe_name_blocks_traversal():
    assert report.safe_name("../../x") == "x"
    assert report.safe_name("/etc/passwd") == "etc-passwd"
    assert report.safe_name("..") == "report"
    assert report.safe_name("Rapport été / Q3") == "Rapport-ete-Q3"
    assert report.safe_name("a\\..\\b") == "a-b"
    assert report.safe_name("x" * 500) == "x" * 120


def test_atomic_write_keeps_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "r.html"
    target.write_text("old report")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        report.atomic_write(target, "new half-written report")
    assert target.read_text() == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]  # no temp file left behind


def test_render_escapes_strangers_and_is_self_contained(evil_sessions, tmp_path):
    out = report.render(OVERVIEW, {"data_path": str(evil_sessions), "site_name": EVIL_SITE,
                                   "period_start": "2026-03-01", "period_end": "2026-03-31", "compare": "none"},
                        tmp_path, lang="en", name="../../evil")
    assert out.parent == tmp_path.resolve() and out.name == "evil.html"
    html = out.read_text(encoding="utf-8")
    # nothing hostile survives as markup, but the text is there, escaped
    assert "<script>alert" not in html
    assert "<img src=x onerror" not in html and "<img src=y onerror" not in html
    assert "<b onmouseover" not in html
    assert "&lt;script&gt;alert('campaign')&lt;/script&gt;" in html.replace("&#x27;", "'")
    assert "&lt;b onmouseover=alert(2)&gt;Evil &amp; Co&lt;/b&gt;" in html
    # the only <script> allowed is none at all: no CDN, no require.js, no MathJax
    assert "<script" not in html.lower()
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing loaded from the network
    assert "require.js" not in html and "mathjax" not in html.lower()


def test_report_html_shape(demo_dir, tmp_path):
    out = report.render(OVERVIEW, {"data_path": str(demo_dir), "site_name": "Maison Lumière"}, tmp_path, lang="fr")
    html = out.read_text(encoding="utf-8")
    assert '<html lang="fr">' in html
    assert "Vue d'ensemble du trafic" in unescape(html)
    assert "Sommaire" in html
    # the parameters come last, in a short "About" section with French labels and values,
    # the path as given (not made absolute)
    about = html[html.index('<section class="tl-about">'):]
    assert html.index('<section class="tl-about">') > html.rindex("data:image/svg+xml;base64,")
    assert "À propos de ce rapport" in about and '<a href="#À-propos-de-ce-rapport">' in html
    assert "Début de la période</th><td>01/08/2026</td>" in about  # French label, French date
    assert "Langue</th><td>français</td>" in about and "Comparé à</th><td>la période précédente" in about
    assert f"Données</th><td>{demo_dir}</td>" in about
    assert ">period_start<" not in html  # no raw parameter name on show
    assert 'class="tl-toc"' in html and '<a href="#Chiffres-clés">Chiffres clés</a>' in html
    assert html.count("data:image/svg+xml;base64,") >= 3  # images embedded
    imgs = re.findall(r"<img\b[^>]*>", html)
    assert imgs and all(re.search(r'\balt="[^"]+"', i) for i in imgs)  # every chart says what it shows
    assert "jp-InputArea" not in html and "d.setup(" not in html  # no code
    assert "Traceback" not in html and "Error" not in html
    assert len(html.encode()) < 1_000_000
    assert "€" in html and "\u00a0%" in html  # French money and percent formatting
    executed = out.with_suffix(".ipynb")
    assert executed.exists()  # kept beside the HTML for debugging


def test_about_section_labels_and_values():
    rows = report.about_rows({"data_path": "../data/demo", "split_on_campaign": False, "budget": 7500.0,
                              "mde": 0.1, "answer_1_2": None, "lang": "fr", "odd_new_knob": 3,
                              "competitors": ["a.fr", "b.fr"], "end_date": "2026-05-03"}, "fr",
                             hidden=["answer_1_2"])
    shown = {name: (label, value) for name, label, value in rows}
    assert shown["data_path"] == ("Données", "../data/demo")  # as given
    assert shown["split_on_campaign"] == ("Nouvelle session à chaque changement de campagne", "non")
    assert shown["budget"] == ("Budget", "7\u202f500") and shown["mde"][1] == "10\u00a0%"
    assert shown["odd_new_knob"] == ("Odd new knob", "3")  # readable fallback
    assert shown["competitors"][1] == "a.fr, b.fr" and shown["end_date"][1] == "03/05/2026"
    assert "answer_1_2" not in shown and rows[-1][0] == "lang"
    assert report.parameter_label("answer_3_4", "en") == "Answer to exercise 3.4"
    assert report.parameter_label("ads_dir", "en") == "Ad platform exports"


def test_manifest_paths_are_shown_as_written(demo_dir, tmp_path):
    m = tmp_path / "m.yml"
    m.write_text(f"jobs:\n  - notebook: {OVERVIEW}\n    parameters: {{data_path: ../{demo_dir.name}}}\n")
    jobs, _ = report.load_manifest(m)
    assert Path(jobs[0].parameters["data_path"]).is_absolute()
    assert jobs[0].shown_parameters["data_path"] == f"../{demo_dir.name}"


def test_index_links_the_course_beside_it(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    (course / "index.html").write_text("<html><head><title>Le cours</title></head></html>", encoding="utf-8")
    (course / "index.json").write_text("[]", encoding="utf-8")
    res = report.JobResult("a", "a.ipynb", "fr", "A", {"data_path": "/abs/x"}, "ok", 1.0, html=str(tmp_path / "a.html"),
                           shown_parameters={"data_path": "x"})
    index = report.write_index([res], tmp_path, "fr").read_text(encoding="utf-8")
    assert '<a href="course/index.html">Le cours</a>' in index
    assert "data_path=x" in index and "/abs/x" not in index
    back = report.write_index([], course, "fr").read_text(encoding="utf-8")
    assert '<a href="../index.html">' in back


def test_failing_report_raises_with_cell_and_reason(tmp_path):
    with pytest.raises(report.ReportError) as info:
        report.render(NB / "failing.ipynb", {}, tmp_path)
    msg = str(info.value)
    assert "cell 2" in msg and "TrafficDataError" in msg and "does/not/exist" in msg
    assert not (tmp_path / "failing-en.html").exists()
    nb = json.loads((tmp_path / "failing-en.ipynb").read_text())
    assert nb["cells"]  # executed notebook kept for debugging


def test_unknown_parameter_is_an_error(tmp_path):
    with pytest.raises(report.ReportError, match="unknown parameter.*nonsense"):
        report.render(OVERVIEW, {"nonsense": 1}, tmp_path)


def _probe_output(worker, tmp_path, name) -> list[str]:
    job = report.Job(notebook=NB / "state_probe.ipynb", name=name, parameters={})
    res = report.run_job(job, tmp_path, worker)
    assert res.status == "ok", res.error
    nb = json.loads(Path(res.executed).read_text())
    text = "".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code"
                   for o in c.get("outputs", []))
    return text.splitlines()


def test_reused_kernel_leaks_no_state(tmp_path):
    """A report renders the same in a fresh kernel and after another report in the
    same (warm, reused) kernel, even one that changes every kind of global state."""
    fresh = report.KernelWorker(warm=True)
    try:
        first = _probe_output(fresh, tmp_path, "probe-fresh")
    finally:
        fresh.shutdown()
    worker = report.KernelWorker(warm=True)
    try:
        polluter = report.run_job(report.Job(notebook=NB / "polluter.ipynb", name="polluter"), tmp_path, worker)
        assert polluter.status == "ok", polluter.error
        again = _probe_output(worker, tmp_path, "probe-reused")
        # a reset that fails is reported, and names the error
        from jupyter_core.utils import run_sync

        with pytest.raises(report.ReportError, match="kernel set-up failed: ZeroDivisionError"):
            run_sync(worker._asilent)("1 / 0")
    finally:
        worker.shutdown()

    def without_random(lines):
        return [ln for ln in lines if not ln.startswith(("np ", "py "))]

    assert without_random(again) == without_random(first)
    assert "env None" in "".join(first) and "defined False" in "".join(first)
    # the polluter seeded numpy with 123: its sequence must not reach the next report
    assert "np 0.6964691855978616" not in again


def test_reused_kernel_same_html_as_fresh(demo_dir, tmp_path):
    params = {"data_path": str(demo_dir), "period_start": "2026-09-01", "period_end": "2026-09-30"}
    fresh_dir, reused_dir = tmp_path / "fresh", tmp_path / "reused"
    fresh = report.KernelWorker(warm=True)
    try:
        a = report.run_job(report.Job(OVERVIEW, "ov", params, "en"), fresh_dir, fresh)
    finally:
        fresh.shutdown()
    worker = report.KernelWorker(warm=True)
    try:
        report.run_job(report.Job(OVERVIEW, "other", {"data_path": str(demo_dir)}, "fr"), reused_dir, worker)
        report.run_job(report.Job(NB / "polluter.ipynb", "polluter"), reused_dir, worker)
        b = report.run_job(report.Job(OVERVIEW, "ov", params, "en"), reused_dir, worker)
    finally:
        worker.shutdown()
    assert a.status == b.status == "ok"
    html_a = _strip_time(Path(a.html).read_text(encoding="utf-8"))
    html_b = _strip_time(Path(b.html).read_text(encoding="utf-8"))
    assert html_a == html_b


def test_batch_one_failure_does_not_stop_the_others(demo_dir, tmp_path):
    manifest = tmp_path / "batch.yml"
    manifest.write_text(f"""
output_dir: out
workers: 2
jobs:
  - notebook: {OVERVIEW}
    name: "../../escape-{{lang}}"
    parameters: {{data_path: {demo_dir}}}
    matrix: {{lang: [en, fr]}}
  - notebook: {NB / 'failing.ipynb'}
    name: broken
""", encoding="utf-8")
    code = cli.main(["batch", str(manifest), "--quiet"])
    assert code == cli.EXIT_FAILED
    out = tmp_path / "out"
    assert (out / "escape-en.html").exists() and (out / "escape-fr.html").exists()
    assert not (tmp_path.parent / "escape-en.html").exists()
    assert (out / "broken.ipynb").exists() and not (out / "broken.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "broken" in index and "failed" in index and "TrafficDataError" in index
    assert 'href="escape-en.html"' in index
    data = json.loads((out / "index.json").read_text())
    assert [r["status"] for r in data] == ["ok", "ok", "failed"]
    # rerunning one job keeps the others' last results in the index
    assert cli.main(["batch", str(manifest), "--quiet", "--only", "broken"]) == cli.EXIT_FAILED
    again = json.loads((out / "index.json").read_text())
    assert [(r["name"], r["status"]) for r in again] == [(r["name"], r["status"]) for r in data]


def test_manifest_errors_are_clear(tmp_path):
    bad = tmp_path / "m.yml"
    bad.write_text("jobs: [", encoding="utf-8")
    assert cli.main(["batch", str(bad)]) == cli.EXIT_USAGE
    bad.write_text("jobs: []\n", encoding="utf-8")
    with pytest.raises(Exception, match="non-empty 'jobs'"):
        report.load_manifest(bad)
    bad.write_text("jobs:\n  - notebook: a.ipynb\n    name: same\n  - notebook: b.ipynb\n    name: same\n")
    with pytest.raises(Exception, match="same report"):
        report.load_manifest(bad)
    # YAML is loaded safely: no Python object construction
    bad.write_text("jobs: !!python/object/apply:os.system ['echo hacked']\n")
    assert cli.main(["batch", str(bad)]) == cli.EXIT_USAGE


def test_manifest_paths_relative_to_manifest(tmp_path):
    m = tmp_path / "sub" / "m.yml"
    m.parent.mkdir()
    m.write_text("jobs:\n  - notebook: nb.ipynb\n    parameters: {data_path: ../data, site_name: x/y}\n")
    jobs, settings = report.load_manifest(m)
    assert jobs[0].parameters["data_path"] == str((tmp_path / "data").resolve())
    assert jobs[0].parameters["site_name"] == "x/y"  # not a path parameter
    assert settings["output_dir"] == (tmp_path / "sub" / "reports").resolve()


def _notebook(path: Path, code: str) -> Path:
    """A two-cell report notebook: the parameters cell, then ``code``."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "trafficlib", "display_name": "Python (trafficlib)", "language": "python"}}
    params = nbformat.v4.new_code_cell('lang = "en"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)
    return path


def test_timeout_fails_the_report_and_the_kernel_is_replaced(tmp_path):
    slow = _notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(30)")
    worker = report.KernelWorker(warm=False, timeout=3)
    try:
        res = report.run_job(report.Job(slow, "slow"), tmp_path / "out", worker)
        assert res.status == "failed" and "timed out" in res.error and "time.sleep" not in res.error.split(":")[0]
        assert not (tmp_path / "out" / "slow.html").exists()
        ok = report.run_job(report.Job(NB / "state_probe.ipynb", "after"), tmp_path / "out", worker)
        assert ok.status == "ok", ok.error  # a fresh kernel took over
    finally:
        worker.shutdown()


def test_dead_kernel_fails_the_report_and_the_next_one_runs(tmp_path):
    crash = _notebook(tmp_path / "crash.ipynb", "import os\nos._exit(3)")
    worker = report.KernelWorker(warm=False, timeout=60)
    try:
        res = report.run_job(report.Job(crash, "crash"), tmp_path / "out", worker)
        assert res.status == "failed" and "code cell 2" in res.error
        ok = report.run_job(report.Job(NB / "state_probe.ipynb", "after"), tmp_path / "out", worker)
        assert ok.status == "ok", ok.error
    finally:
        worker.shutdown()


def test_images_without_alt_text_get_a_placeholder():
    """The exporter skips nbconvert's BeautifulSoup pass; an image written in Markdown
    without alt text still gets nbconvert's placeholder."""
    import nbformat

    from trafficlib.report.page import to_html

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell('<img src="data:image/png;base64,AAAA">\n\n<IMG SRC="x.png" alt="kept">')]
    html = to_html(nb, "t", {}, "en")
    assert 'alt="No description has been provided for this image" src="data:image/png;base64,AAAA"' in html
    assert 'alt="kept"' in html and html.count("No description has been provided") == 1
