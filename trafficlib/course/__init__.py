"""The teaching track: lessons and exercises on the demo shop, in French and English.

Learners open ``notebooks/course/en/`` or ``notebooks/course/fr/`` in JupyterLab: each
lesson is prose in Markdown cells and short code cells, then exercises. A lesson starts
with ``data = course.start(lang, data_path)``; each exercise has a ✏️ answer cell::

    answer_1_2 = 0.61                  # the learner's answer
    course.check("1.2", answer_1_2)    # right / wrong with a hint / "type your answer first"

and the lesson ends with ``course.progress(1)`` ("3 of 4 exercises right").

Design
------
- The lesson notebooks are generated, one per language, from one source per lesson
  (``trafficlib/course/lessons/NN_name.md``) by ``python -m trafficlib.course.build``
  (:mod:`trafficlib.course.build`; a test fails when the notebooks drift from it).
- Every exercise (:class:`Exercise`, :mod:`.exercises`) has an id (``"<lesson>.<n>"``),
  a prompt and hints in both languages, an answer ``kind`` and a tolerance, and a
  ``solve`` function (:mod:`.solvers`) that computes the expected answer **from the data
  with trafficlib** (never a typed-in number): if the demo shop is regenerated
  differently, the course stays right.
- :func:`check` (:mod:`.feedback`) shows the verdict in the current
  :func:`trafficlib.display.lang` and returns True/False. It never shows the expected
  value: a wrong answer gets the next hint (hints are fixed sentences about *how* to find
  it), a number that looks like a percentage typed where a fraction is expected gets a
  units hint. :func:`progress` counts the last verdict of each exercise.
- Teachers (:mod:`.teachers`) get the answers with :func:`expected` / :func:`solutions`
  (written to ``notebooks/teachers/solutions.yml``, outside the learners' folder);
  :func:`answer_parameters` turns that file into the notebook parameters
  (``answer_1_2``...) to render a solved lesson.

Answer kinds (what a learner may type, read by :mod:`.answers`):

==========  =====================================================================
number      a count or an amount: ``11019``, ``"11 019"``, ``"98,28"`` (French)
rate        a fraction: ``0.034``, or explicitly ``"3.4%"`` / ``"3,4 %"``
text        a name (channel, page, campaign, domain): case, accents and spaces ignored
weekday     a day name in English or French (``"Saturday"``, ``"samedi"``)
date        ``"2026-02-10"`` or ``"10/02/2026"`` (day first)
yesno       ``True``/``False``, ``"yes"``/``"no"``, ``"oui"``/``"non"``
==========  =====================================================================
"""
from __future__ import annotations

from trafficlib.course.data import _DATA, SITE_DOMAIN, CourseData, _state, data, start
from trafficlib.course.solvers import _WEEKDAYS
from trafficlib.course.exercises import EXERCISES, Exercise, _get, exercises, lesson_of, param_name
from trafficlib.course.answers import _verdict
from trafficlib.course.feedback import _md, ask, check, feedback, progress
from trafficlib.course.teachers import answer_parameters, expected, load_solutions, solutions

__all__ = ["Exercise", "CourseData", "EXERCISES", "start", "data", "ask", "check", "feedback", "progress",
           "expected", "solutions", "exercises", "lesson_of", "param_name", "answer_parameters",
           "load_solutions"]
