"""What a learner sees: the verdict of :func:`check` (right, or wrong with a hint, in
the lesson's language, never the solution) and the lesson's :func:`progress` line."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from trafficlib import display, i18n
from trafficlib.course.answers import _verdict
from trafficlib.course.data import _state, data
from trafficlib.course.exercises import _get, exercises, param_name

_STYLE = {  # inline, so a lesson looks the same in Jupyter and in the report template
    "right": "border-left:4px solid #1e7a46;background:#eef8f1;padding:.4rem .7rem;margin:.3rem 0",
    "wrong": "border-left:4px solid #b42318;background:#fdf0ef;padding:.4rem .7rem;margin:.3rem 0",
    "pending": "border-left:4px solid #8a949e;background:#f4f6f8;padding:.4rem .7rem;margin:.3rem 0",
}

_UNREADABLE = {
    "number": ("Type a number, e.g. `answer = 1234.5`.", "Tapez un nombre, par ex. `answer = 1234.5`."),
    "rate": ("Type a fraction, e.g. `0.25` for 25 %.", "Tapez une fraction, par ex. `0.25` pour 25 %."),
    "text": ("Type the name between quotes, e.g. `\"Email\"`.", "Tapez le nom entre guillemets, par ex. `\"Email\"`."),
    "weekday": ("Type a day name between quotes, e.g. `\"Monday\"`.",
                "Tapez un nom de jour entre guillemets, par ex. `\"lundi\"`."),
    "date": ("Type a date between quotes, e.g. `\"2026-01-31\"`.",
             "Tapez une date entre guillemets, par ex. `\"31/01/2026\"`."),
    "yesno": ("Answer `\"yes\"` or `\"no\"` (or True / False).", "Répondez `\"oui\"` ou `\"non\"` (ou True / False)."),
}


def feedback(exercise_id: str, answer: Any, lang: str | None = None, attempt: int = 1,
             data_path: str | Path | None = None) -> tuple[bool, str]:
    """(is the answer right, the feedback as safe HTML) in ``lang`` (default: the lesson's).

    ``attempt`` (1, 2...) picks the hint shown for a wrong answer. The HTML never holds
    the expected value. :func:`check` is this plus display and attempt counting.
    """
    ex = _get(exercise_id)
    lang = i18n.check_lang(lang or display.lang())
    name = param_name(ex.id)

    def line(css: str, mark: str, en: str, fr: str) -> str:
        body = i18n.text(lang, en, fr)
        return (f'<div class="tl-check {css}" style="{_STYLE[css]}"><strong>{display.escape(mark)}</strong> '
                f'{display.escape(i18n.text(lang, "Exercise", "Exercice"))} {display.escape(ex.id)} — '
                f'{_md(body)}</div>')

    if answer is None or (isinstance(answer, str) and not answer.strip()):
        return False, line("pending", "…", f"Write your answer in `{name}` on the ✏️ line of this cell, "
                                           "then run it again.",
                           f"Tapez votre réponse dans `{name}` sur la ligne ✏️ de cette cellule, "
                           "puis relancez-la.")
    truth = ex.solve(data(data_path))
    verdict = _verdict(ex, answer, truth)
    if verdict == "right":
        return True, line("right", "✔", "Right!", "Correct !")
    if verdict == "unreadable":
        return False, line("wrong", "?", "I cannot read this answer. " + _UNREADABLE[ex.kind][0],
                           "Je ne sais pas lire cette réponse. " + _UNREADABLE[ex.kind][1])
    if verdict == "percent":
        return False, line("wrong", "✘", "Almost: rates are fractions here. Write 0.25 for 25 %, not 25.",
                           "Presque : les taux sont des fractions ici. Écrivez 0,25 pour 25 %, pas 25.")
    hint = ex.hints[min(max(attempt, 1), len(ex.hints)) - 1]
    return False, line("wrong", "✘", "Not yet. Hint: " + hint[0], "Pas encore. Indice : " + hint[1])


def _md(text: str) -> str:
    """Escape, then the `code` and **bold** marks of a hint (no user value goes through here)."""
    t = display.escape(text)
    t = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", t)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", t)


def check(exercise_id: str, answer: Any) -> bool:
    """Check a learner's answer and show right / wrong with a hint / "type it first",
    in the lesson's language. Returns True when right. Never shows the solution.
    The last verdict of each exercise counts in :func:`progress`."""
    from IPython.display import HTML, display as show

    ex = _get(exercise_id)
    record = _state["attempts"].setdefault(ex.id, {"wrong": 0, "right": False})
    ok, html_text = feedback(ex.id, answer, attempt=record["wrong"] + 1)
    record["right"] = ok
    if not ok and answer is not None:
        record["wrong"] += 1
    show(HTML(html_text))
    return ok


def ask(exercise_id: str) -> None:
    """Show the exercise's question in the lesson's language."""
    ex = _get(exercise_id)
    lang = display.lang()
    head = i18n.text(lang, "Exercise", "Exercice")
    tail = i18n.text(lang, "Your answer goes in", "Votre réponse va dans")
    display.say(en=f"**{head} {ex.id}.** {ex.prompt[0]} *{tail}* `{param_name(ex.id)}`.",
                fr=f"**{head} {ex.id}.** {ex.prompt[1]} *{tail}* `{param_name(ex.id)}`.")



def progress(lesson: int, show: bool = True) -> tuple[int, int]:
    """(exercises right, exercises) of ``lesson``, by the last :func:`check` of each, and
    show the line "3 of 4 exercises right" / "3 exercices justes sur 4" with the ones
    still to do. A lesson's last cell calls it."""
    items = exercises(lesson)
    if not items:
        raise ValueError(f"no lesson {lesson!r}")
    attempts = _state["attempts"]
    right = [e.id for e in items if attempts.get(e.id, {}).get("right")]
    todo = [e.id for e in items if e.id not in right]
    if show:
        lang = display.lang()
        n, total = len(right), len(items)
        head = i18n.text(lang, f"{n} of {total} exercise{'s' if total > 1 else ''} right",
                         f"{n} exercice{'s' if n > 1 else ''} juste{'s' if n > 1 else ''} sur {total}")
        tail = (i18n.text(lang, "well done, lesson complete.", "bravo, leçon terminée.") if not todo else
                i18n.text(lang, "still to do: ", "reste à faire : ") + ", ".join(todo) + ".")
        css = "right" if not todo else "pending"
        from IPython.display import HTML, display as ipy_show

        ipy_show(HTML(f'<div class="tl-progress" style="{_STYLE[css]}"><strong>{display.escape(head)}</strong> — '
                      f'{display.escape(tail)}</div>'))
    return len(right), len(items)
