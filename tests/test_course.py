"""The teaching track: every checker accepts the teachers' solution and rejects a wrong
answer with a hint in French and English, never shows the expected value, and every
lesson runs end to end with the solutions injected (through the report machinery)."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from trafficlib import course, i18n, report

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "notebooks" / "course"
LESSONS = sorted(COURSE.glob("*.ipynb"))
IDS = list(course.EXERCISES)


@pytest.fixture(scope="module")
def solutions(demo_dir):
    course.data(demo_dir)  # the default data of feedback() below
    course._state["data_path"] = str(demo_dir)
    return course.load_solutions(COURSE / "solutions.yml")


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


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_lesson_notebook_declares_and_checks_its_exercises(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    lesson = int(path.name[:2])
    params = report.notebook_parameters(type("NB", (), {"cells": [_Cell(c) for c in nb["cells"]]})())
    names = [course.param_name(e.id) for e in course.exercises(lesson)]
    assert set(params) == {"lang", "data_path", *names}
    assert params["lang"] == "en" and params["data_path"] == "../../data/demo"
    assert all(params[n] is None for n in names)
    source = "\n".join("".join(c["source"]) for c in nb["cells"])
    for e in course.exercises(lesson):
        assert f'course.ask("{e.id}")' in source and f'course.check("{e.id}", {course.param_name(e.id)})' in source
    assert not any(c["cell_type"] == "markdown" for c in nb["cells"])
    meta = nb["metadata"]
    assert meta["kernelspec"]["name"] == "trafficlib" and meta["trafficlib"]["title"]["fr"]


class _Cell(dict):
    def __init__(self, raw):
        super().__init__(raw)
        self.cell_type = raw["cell_type"]
        self.source = "".join(raw["source"])


def test_course_manifest_lists_every_lesson_in_both_languages():
    jobs, settings = report.load_manifest(COURSE / "course.yml")
    assert {(Path(j.notebook).name, j.lang) for j in jobs} == {(p.name, lang) for p in LESSONS for lang in ("en", "fr")}
    assert all(Path(j.parameters["data_path"]) == ROOT / "data" / "demo" for j in jobs)


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
    for path in LESSONS:
        lesson = int(path.name[:2])
        page = _run(worker, path, lang, course.answer_parameters(lesson, solutions), tmp_path, f"{path.stem}-{lang}")
        n = len(course.exercises(lesson))
        assert page.count("tl-check right") == n, path.name
        assert "tl-check wrong" not in page and "tl-check pending" not in page, path.name
        assert page.count(i18n.text(lang, "Right!", "Correct !")) == n
        assert "Traceback" not in page and "application/vnd.jupyter.stderr" not in page, path.name
        assert f'<html lang="{lang}">' in page
        assert "<script" not in page.lower()


def test_a_blank_lesson_asks_for_answers_and_a_wrong_one_gets_hints(worker, solutions, demo_dir, tmp_path):
    path = COURSE / "01_metrics.ipynb"
    page = _run(worker, path, "fr", {}, tmp_path, "blank")
    assert page.count("tl-check pending") == len(course.exercises(1)) and "Tapez votre réponse" in page
    wrong = {course.param_name(e.id): _wrong(e, course.expected(e.id)) for e in course.exercises(1)}
    page = _run(worker, path, "en", wrong, tmp_path, "wrong")
    assert page.count("tl-check wrong") == len(course.exercises(1)) and "Hint:" in page
    text = _shown(re.sub(r"data:image/png;base64,[^\"]+", "", page))
    for e in course.exercises(1):
        checks = re.findall(rf"Exercise {re.escape(e.id)} — [^\n]*", text)
        assert checks and not any(r in c.casefold() for c in checks for r in _representations(e, course.expected(e.id)))
