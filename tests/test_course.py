"""The teaching track: every checker accepts the teachers' solution and rejects a wrong
answer with a hint in French and English, never shows the expected value; the lesson
notebooks are the build of their sources (one per language, prose in Markdown), hold no
answer, and every lesson runs end to end with the solutions injected (through the report
machinery) down to its progress line."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from trafficlib import course, display, i18n, report
from trafficlib.course import build

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "notebooks" / "course"
TEACHERS = ROOT / "notebooks" / "teachers"
LESSONS = sorted(COURSE.glob("*/*.ipynb"))  # notebooks/course/<lang>/NN_name.ipynb
IDS = list(course.EXERCISES)


@pytest.fixture(scope="module")
def solutions(demo_dir):
    course.data(demo_dir)  # the default data of feedback() below
    course._state["data_path"] = str(demo_dir)
    return course.load_solutions(TEACHERS / "solutions.yml")


def _wrong(ex: course.Exercise, truth):
    """An answer outside the tolerance, of the right kind."""
    if ex.kind == "number":
        return truth * 1.5 + 7
    if ex.kind == "rate":
        return truth + 0.1 if truth < 0.8 else truth - 0.1
    if ex.kind == "yesno":
        return not truth
    if ex.kind == "date":
        return (pd.Timestamp(truth) + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    if ex.kind == "weekday":
        return "Wednesday" if truth != "Wednesday" else "Monday"
    return "Nowhere In Particular"


def _shown(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _representations(ex: course.Exercise, truth) -> set[str]:
    """Ways the expected value could leak into feedback."""
    if isinstance(truth, bool):
        return {"yes", "oui", "true", "vrai"} if truth else {"no ", "non", "false", "faux"}
    if isinstance(truth, (int, float)):
        v = float(truth)
        reps = {repr(truth), str(truth)}
        for dec in (0, 1, 2, 3):
            for lang in ("en", "fr"):
                reps.add(i18n.fmt_number(v, lang, dec))
                reps.add(i18n.fmt_pct(v, lang, dec))
        # very short forms (a single digit) would match anything; keep 2+ significant chars
        return {r.casefold() for r in reps if len(r.strip("0.,% ")) >= 2}
    if isinstance(truth, pd.Timestamp):
        return {truth.strftime("%Y-%m-%d"), truth.strftime("%d/%m/%Y")}
    reps = {str(truth).casefold()}
    if ex.kind == "weekday":
        reps |= {fr for en, fr in course._WEEKDAYS if en == truth}
    return reps


def test_solutions_file_lists_every_exercise(solutions):
    assert set(solutions) == set(IDS)
    assert 2 <= min(len(course.exercises(n)) for n in range(1, 8))
    assert max(len(course.exercises(n)) for n in range(1, 8)) <= 4


@pytest.mark.parametrize("exercise_id", IDS)
def test_checker_accepts_the_solution_and_rejects_a_wrong_answer(exercise_id, solutions):
    ex = course.EXERCISES[exercise_id]
    truth = course.expected(exercise_id)
    for lang in ("en", "fr"):
        ok, text = course.feedback(exercise_id, solutions[exercise_id], lang)
        assert ok, (exercise_id, lang, _shown(text))
        assert "tl-check right" in text
        assert i18n.text(lang, "Right!", "Correct !") in _shown(text)
        ok, text = course.feedback(exercise_id, _wrong(ex, truth), lang)
        assert not ok, (exercise_id, lang)
        hint = ex.hints[0][0 if lang == "en" else 1]
        assert _shown(course._md(hint)) in _shown(text), (exercise_id, lang, _shown(text))
        assert i18n.text(lang, "Not yet. Hint:", "Pas encore. Indice :") in _shown(text)


@pytest.mark.parametrize("exercise_id", IDS)
def test_feedback_never_shows_the_expected_value(exercise_id, solutions):
    ex = course.EXERCISES[exercise_id]
    truth = course.expected(exercise_id)
    reps = _representations(ex, truth)
    answers = [solutions[exercise_id], _wrong(ex, truth), "???", None]
    if ex.kind == "rate":
        answers.append(truth * 100)  # a percentage typed for a fraction
    for answer in answers:
        for lang in ("en", "fr"):
            for attempt in (1, 2, 3):
                _, text = course.feedback(exercise_id, answer, lang, attempt=attempt)
                shown = _shown(text).casefold()
                leaked = [r for r in reps if r in shown]
                if isinstance(truth, bool) and any(r in shown for r in _representations(ex, not truth)):
                    leaked = []  # both options named (how to type an answer): no answer given away
                assert not leaked, (exercise_id, answer, lang, leaked, shown)


def test_hints_come_one_more_at_each_wrong_answer(solutions):
    ex = next(e for e in course.exercises() if len(e.hints) >= 2)
    wrong = _wrong(ex, course.expected(ex.id))
    first = _shown(course.feedback(ex.id, wrong, "fr", attempt=1)[1])
    second = _shown(course.feedback(ex.id, wrong, "fr", attempt=2)[1])
    later = _shown(course.feedback(ex.id, wrong, "fr", attempt=9)[1])
    assert _shown(course._md(ex.hints[0][1])) in first and _shown(course._md(ex.hints[1][1])) in second
    assert second == later  # the last hint stays


def test_answer_forms_learners_type(solutions):
    rate = course.expected("1.2")
    assert course.feedback("1.2", f"{rate * 100:.2f}%", "en")[0]                       # explicit percent
    assert course.feedback("1.2", f"{rate * 100:.2f} %".replace(".", ","), "fr")[0]   # French percent
    ok, text = course.feedback("1.2", round(rate * 100, 2), "fr")                      # bare percentage
    assert not ok and "fractions" in _shown(text)
    n = course.expected("1.1")
    assert course.feedback("1.1", f"{n:,}".replace(",", "\u202f"), "fr")[0]           # 11 019
    assert course.feedback("3.1", pd.Timestamp(course.expected("3.1")).strftime("%d/%m/%Y"), "fr")[0]
    assert course.feedback("3.2", {"Saturday": "samedi"}.get(course.expected("3.2"), "x"), "fr")[0] \
        or course.expected("3.2") != "Saturday"
    assert course.feedback("6.2", "oui" if course.expected("6.2") else "non", "fr")[0]
    assert course.feedback("2.1", "  " + course.expected("2.1").upper() + " ", "en")[0]
    ok, text = course.feedback("1.1", None, "fr")
    assert not ok and "answer_1_1" in text and "tl-check pending" in text
    ok, text = course.feedback("1.1", "beaucoup", "fr")
    assert not ok and "Je ne sais pas lire" in _shown(text)


def test_expected_answers_come_from_the_data(solutions, truth):
    """Checkers compute from the data: they find the planted facts of the demo shop."""
    web = truth["web"]
    assert course.expected("3.1") == pd.Timestamp(web["tracking_outage"]["start"])
    assert course.expected("3.4") == web["leaky_landing_page"]["page"]
    assert course.expected("2.3") == web["self_referral"]["sessions"] + web["payment_referral"]["sessions"]
    assert course.expected("6.2") is True  # the planted +15 % CTR is detected


def test_lessons_are_built_from_their_sources():
    """One source per lesson, one notebook per language, and no drift between them:
    after editing a source, run ``python -m trafficlib.course.build``."""
    sources = build.sources()
    assert [build.lesson_number(p) for p in sources] == list(range(1, 8))
    assert {(p.parent.name, p.name) for p in LESSONS} == {(lang, f"{p.stem}.ipynb") for p in sources
                                                          for lang in ("en", "fr")}
    stale = build.build(check=True)
    assert not stale, f"out of date, run python -m trafficlib.course.build: {stale}"


def test_build_rejects_a_bad_source():
    with pytest.raises(ValueError, match="unknown block"):
        build.parse("%% title\nen: a\nfr: b\n%% markdown\nx")
    blocks = build.parse("%% title\nen: A\nfr: B\n%% en\n## Hi\n%% code fr\nx = 1\n")
    assert [(b.kind, b.lang) for b in blocks] == [("title", None), ("md", "en"), ("code", "fr")]


@pytest.mark.parametrize("path", LESSONS, ids=[f"{p.parent.name}/{p.name}" for p in LESSONS])
def test_lesson_reads_as_prose_and_short_code(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    lang = path.parent.name
    lesson = int(path.name[:2])
    params = report.notebook_parameters(type("NB", (), {"cells": [_Cell(c) for c in nb["cells"]]})())
    names = [course.param_name(e.id) for e in course.exercises(lesson)]
    assert set(params) == {"lang", "data_path", *names}
    assert params["lang"] == lang and params["data_path"] == "../../../data/demo"
    assert (path.parent / params["data_path"]).resolve() == ROOT / "data" / "demo"
    assert all(params[n] is None for n in names)
    cells = nb["cells"]
    text = lambda c: "".join(c["source"])  # noqa: E731
    md = [text(c) for c in cells if c["cell_type"] == "markdown"]
    code = [text(c) for c in cells if c["cell_type"] == "code"]
    assert md[0].startswith("# ") and len(md) >= 6
    assert "hide-in-report" in cells[0]["metadata"]["tags"]
    # the narrative is Markdown in one language, not string literals in code
    assert not any("d.say(en=" in c or "d.heading(" in c for c in code)
    assert max(len(c.splitlines()) for c in code) <= 12
    other = "fr" if lang == "en" else "en"
    heading = {"en": "## Exercises", "fr": "## Exercices"}
    assert any(m.startswith(heading[lang]) for m in md) and not any(m.startswith(heading[other]) for m in md)
    # one clearly marked answer cell per exercise, then the progress line
    answers = [c for c in cells if "answer" in c["metadata"].get("tags", [])]
    assert len(answers) == len(names)
    for e, cell in zip(course.exercises(lesson), answers):
        assert text(cell).startswith("# ✏️") and f'course.check("{e.id}", {course.param_name(e.id)})' in text(cell)
    assert text(cells[-1]) == f"course.progress({lesson});"
    meta = nb["metadata"]
    assert meta["kernelspec"]["name"] == "trafficlib" and meta["trafficlib"]["title"]["fr"]
    assert set(meta["trafficlib"]["hidden_parameters"]) == set(names)


def _answer_texts(value) -> set[str]:
    """How a number answer could be written down in a file (3+ significant digits, so it
    does not match by chance). Names and yes/no may appear in prose: checked as assignments."""
    if isinstance(value, (bool, str)):
        return set()
    if isinstance(value, (int, float)):
        v = float(value)
        reps = {str(value), f"{v:.4f}", f"{v:.3f}", f"{v:.2f}"}
        if abs(v) < 1:
            reps |= {f"{v * 100:.1f}", f"{v * 100:.2f}"}
        reps |= {r.replace(".", ",") for r in reps}
        for lang in ("en", "fr"):
            reps |= {i18n.fmt_number(v, lang, 0), i18n.fmt_number(v, lang, 2)}
        return {r for r in reps if len(re.sub(r"\D", "", r).lstrip("0")) >= 3}
    return set()


def test_no_learner_file_holds_an_answer(solutions):
    """Nothing in notebooks/course/ gives an answer away: the solutions live in
    notebooks/teachers/, answer variables are None, and no expected number is written."""
    files = [p for p in COURSE.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts]
    assert {p.suffix for p in files} <= {".ipynb", ".yml"}
    assert not any("solution" in p.name.lower() for p in files)
    assert (TEACHERS / "solutions.yml").exists()
    import ast

    for path in files:
        raw = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            nb = json.loads(raw)
            assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code"), path
            for c in nb["cells"]:
                if c["cell_type"] != "code":
                    continue
                for node in ast.walk(ast.parse("".join(c["source"]))):
                    if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id.startswith("answer_")
                                                            for t in node.targets):
                        assert isinstance(node.value, ast.Constant) and node.value.value is None, (path, c["source"])
        for exercise_id, value in solutions.items():
            for rep in _answer_texts(value):
                assert rep not in raw, (path.name, exercise_id, rep)
            if isinstance(value, str):  # names are allowed in prose, never as an answer
                assert not re.search(rf"answer_\w+\s*=\s*[\"']{re.escape(value)}[\"']", raw), (path.name, exercise_id)


class _Cell(dict):
    def __init__(self, raw):
        super().__init__(raw)
        self.cell_type = raw["cell_type"]
        self.source = "".join(raw["source"])


def test_course_manifest_lists_every_lesson_in_both_languages():
    jobs, settings = report.load_manifest(COURSE / "course.yml")
    assert sorted(Path(j.notebook) for j in jobs) == sorted(LESSONS)
    assert all(Path(j.notebook).parent.name == j.lang for j in jobs)  # each notebook in its own language
    assert all(Path(j.parameters["data_path"]) == ROOT / "data" / "demo" for j in jobs)
    assert settings["output_dir"] == ROOT / "reports" / "course"


def test_progress_counts_the_last_verdict_of_each_exercise(solutions, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, *a, **k: shown.append(obj.data))
    display.setup("fr")
    course._state["attempts"] = {}
    assert course.progress(1) == (0, 4)
    assert "0 exercice juste sur 4" in shown[-1] and "1.1, 1.2, 1.3, 1.4" in shown[-1]
    course.check("1.1", solutions["1.1"])
    course.check("1.2", solutions["1.2"])
    course.check("1.3", 0.9)
    assert course.progress(1) == (2, 4) and "2 exercices justes sur 4" in shown[-1]
    course.check("1.2", 0.9)  # changed to a wrong answer: no longer counted
    display.setup("en")
    assert course.progress(1) == (1, 4) and "1 of 4 exercises right" in shown[-1]
    for e in ("1.2", "1.3", "1.4"):
        course.check(e, solutions[e])
    assert course.progress(1, show=False) == (4, 4)
    course._state["attempts"] = {}


# --------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def worker():
    w = report.KernelWorker(warm=True)
    yield w
    w.shutdown()


def _run(worker, path: Path, lang: str, params: dict, out: Path, name: str):
    job = report.Job(path, name, {"lang": lang, "data_path": str(ROOT / "data" / "demo"), **params}, lang)
    res = report.run_job(job, out, worker)
    assert res.status == "ok", res.error
    return Path(res.html).read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_lesson_runs_with_the_solutions(lang, worker, solutions, demo_dir, tmp_path):
    for path in sorted((COURSE / lang).glob("*.ipynb")):
        lesson = int(path.name[:2])
        page = _run(worker, path, lang, course.answer_parameters(lesson, solutions), tmp_path, f"{path.stem}-{lang}")
        n = len(course.exercises(lesson))
        assert i18n.text(lang, f"{n} of {n} exercises right", f"{n} exercices justes sur {n}") in page, path.name
        assert 'data-param="answer_' not in page  # the About section leaves the answers out
        assert "✏️" in page and "<h1>" not in page.split("</header>", 1)[1].split("<footer", 1)[0]
        assert page.count("tl-check right") == n, path.name
        assert "tl-check wrong" not in page and "tl-check pending" not in page, path.name
        assert page.count(i18n.text(lang, "Right!", "Correct !")) == n
        assert "Traceback" not in page and "application/vnd.jupyter.stderr" not in page, path.name
        assert f'<html lang="{lang}">' in page
        assert "<script" not in page.lower()


def test_a_blank_lesson_asks_for_answers_and_a_wrong_one_gets_hints(worker, solutions, demo_dir, tmp_path):
    path = COURSE / "fr" / "01_metrics.ipynb"
    page = _run(worker, path, "fr", {}, tmp_path, "blank")
    assert page.count("tl-check pending") == len(course.exercises(1)) and "Tapez votre réponse" in page
    wrong = {course.param_name(e.id): _wrong(e, course.expected(e.id)) for e in course.exercises(1)}
    page = _run(worker, COURSE / "en" / "01_metrics.ipynb", "en", wrong, tmp_path, "wrong")
    assert page.count("tl-check wrong") == len(course.exercises(1)) and "Hint:" in page
    text = _shown(re.sub(r"data:image/svg+xml;base64,[^\"]+", "", page))
    for e in course.exercises(1):
        checks = re.findall(rf"Exercise {re.escape(e.id)} — [^\n]*", text)
        assert checks and not any(r in c.casefold() for c in checks for r in _representations(e, course.expected(e.id)))
