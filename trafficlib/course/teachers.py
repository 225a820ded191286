"""Teachers' side: the expected answers (computed from the data), the solutions file and
the parameters of a solved lesson."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from trafficlib.course.data import data
from trafficlib.course.exercises import _get, exercises, param_name


def expected(exercise_id: str, data_path: str | Path | None = None) -> Any:
    """The expected answer of an exercise, computed from the data (for teachers and tests)."""
    ex = _get(exercise_id)
    truth = ex.solve(data(data_path))
    if isinstance(truth, (list, tuple)):
        truth = truth[0]
    return truth


def _plain_value(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, 6)
    return value


def solutions(data_path: str | Path | None = None) -> dict[str, Any]:
    """Every exercise id -> its expected answer (YAML-friendly: dates as ISO text,
    floats rounded to 6 decimals). Written to ``notebooks/teachers/solutions.yml``."""
    return {ex.id: _plain_value(expected(ex.id, data_path)) for ex in exercises()}


def load_solutions(path: str | Path) -> dict[str, Any]:
    """Read a solutions file (YAML: exercise id -> answer)."""
    from trafficlib.yamlfiles import read_yaml

    raw = read_yaml(path, "solutions file") or {}
    return {str(k): v for k, v in raw.items()}


def answer_parameters(lesson: int, solutions_file: str | Path | Mapping[str, Any]) -> dict[str, Any]:
    """Notebook parameters (``answer_1_1``...) of a lesson filled from a solutions file,
    e.g. ``report.render(nb, {**answer_parameters(1, "solutions.yml"), "lang": "fr"}, ...)``."""
    sols = solutions_file if isinstance(solutions_file, Mapping) else load_solutions(solutions_file)
    return {param_name(ex.id): sols[ex.id] for ex in exercises(lesson) if ex.id in sols}

