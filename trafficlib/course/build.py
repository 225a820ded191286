"""Build the lesson notebooks, one per language, from one source per lesson.

::

    .venv/bin/python -m trafficlib.course.build            # write notebooks/course/{en,fr}/*.ipynb
    .venv/bin/python -m trafficlib.course.build --check    # exit 1 if a notebook differs from its source

Sources are ``trafficlib/course/lessons/NN_name.md``: blocks that start with a line
``%% <kind>``::

    %% title               two lines, "en: ..." and "fr: ...": the lesson's title
    %% en                  a Markdown cell of the English notebook
    %% fr                  a Markdown cell of the French notebook
    %% code                a code cell of both notebooks
    %% code en             a code cell of one notebook only (e.g. labels in one language)

The builder adds, per language: the title cell (JupyterLab only: tagged
``hide-in-report``, the report has its own title), the ``parameters`` cell (``lang``,
``data_path`` and one ``answer_<lesson>_<n> = None`` per exercise), then the source's
cells, then the exercises: a Markdown cell with the question (from
:data:`trafficlib.course.EXERCISES`) and a ✏️ answer cell (tagged ``answer``) per
exercise, and the progress line (``course.progress(lesson)``). Cell ids are stable, so
building twice gives the same files. Nothing here knows an answer.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from trafficlib.course.exercises import exercises, param_name

ROOT = Path(__file__).resolve().parents[2]
SOURCES = Path(__file__).resolve().parent / "lessons"
COURSE_DIR = ROOT / "notebooks" / "course"
LANGS = ("en", "fr")
DATA_PATH = "../../../data/demo"  # from notebooks/course/<lang>/
KERNELSPEC = {"name": "trafficlib", "display_name": "Python (trafficlib)", "language": "python"}

_EXAMPLES = {  # what an answer looks like, by kind (never an answer itself)
    "number": ("1234.5", "1234.5"),
    "rate": ("0.25", "0.25"),
    "text": ('"a name"', '"un nom"'),
    "weekday": ('"Monday"', '"lundi"'),
    "date": ('"2026-01-31"', '"31/01/2026"'),
    "yesno": ('"yes"  # or "no"', '"oui"  # ou "non"'),
}
_KIND_TEXT = {
    "number": ("a number", "un nombre"),
    "rate": ("a fraction: 0.25 for 25 %", "une fraction : 0.25 pour 25 %"),
    "text": ("a name, between quotes", "un nom, entre guillemets"),
    "weekday": ("a day of the week, between quotes", "un jour de la semaine, entre guillemets"),
    "date": ("a date, between quotes", "une date, entre guillemets"),
    "yesno": ("yes or no, between quotes", "oui ou non, entre guillemets"),
}


@dataclass
class Block:
    kind: str          # "title", "md", "code"
    lang: str | None   # None: both languages
    text: str


def parse(source: str, name: str = "lesson") -> list[Block]:
    """The blocks of a lesson source (see the module docstring)."""
    blocks: list[Block] = []
    current: list[str] | None = None
    head = None
    for number, line in enumerate(source.splitlines(), start=1):
        m = re.fullmatch(r"%%\s*(title|en|fr|code)(?:\s+(en|fr))?\s*", line)
        if m:
            if current is not None:
                blocks.append(_block(head, current, name))
            head, current = (m[1], m[2]), []
        elif line.startswith("%%"):
            raise ValueError(f"{name}, line {number}: unknown block {line!r} (title, en, fr, code, code en, code fr)")
        elif current is None:
            if line.strip():
                raise ValueError(f"{name}, line {number}: text before the first %% block")
        else:
            current.append(line)
    if current is not None:
        blocks.append(_block(head, current, name))
    return blocks


def _block(head, lines: list[str], name: str) -> Block:
    kind, lang = head
    text = "\n".join(lines).strip("\n")
    if kind in ("en", "fr"):
        return Block("md", kind, text)
    if kind == "title":
        return Block("title", None, text)
    return Block("code", lang, text)


def _title(blocks: list[Block], name: str) -> dict[str, str]:
    found = next((b for b in blocks if b.kind == "title"), None)
    if found is None:
        raise ValueError(f"{name}: no %% title block")
    titles = dict(re.match(r"\s*(en|fr)\s*:\s*(.+)", ln).groups() for ln in found.text.splitlines() if ln.strip())
    if set(titles) != set(LANGS):
        raise ValueError(f"{name}: the title needs an 'en:' and an 'fr:' line")
    return titles


def _t(lang: str, en: str, fr: str) -> str:
    return fr if lang == "fr" else en


def lesson_number(path: Path) -> int:
    return int(path.name[:2])


def notebook(path: Path, lang: str):
    """The notebook (nbformat node) of the lesson source ``path`` in ``lang``."""
    import nbformat

    lesson = lesson_number(path)
    blocks = parse(path.read_text(encoding="utf-8"), path.name)
    titles = _title(blocks, path.name)
    items = exercises(lesson)
    v4 = nbformat.v4
    cells = []

    def add(cell, *tags):
        cell["id"] = f"l{lesson:02d}-{lang}-{len(cells):03d}"
        if tags:
            cell.metadata["tags"] = list(tags)
        cells.append(cell)

    add(v4.new_markdown_cell(f"# {titles[lang]}\n\n" + _t(
        lang,
        "Read from the top and run each cell in turn (**Shift + Enter**). The exercises are at the end: "
        "write your answer in the cells marked ✏️, each one tells you at once if it is right. "
        "Your score is in the last cell.",
        "Lisez depuis le début et exécutez les cellules une à une (**Maj + Entrée**). Les exercices sont à la "
        "fin : écrivez votre réponse dans les cellules marquées ✏️, chacune vous dit aussitôt si elle est juste. "
        "Votre score est dans la dernière cellule.")), "hide-in-report")
    params = [_t(lang, "# Parameters (papermill injects overrides after this cell)",
                 "# Paramètres (papermill injecte ses valeurs après cette cellule)"),
              f'lang = "{lang}"',
              f'data_path = "{DATA_PATH}"  ' + _t(lang, "# the demo shop (make it with: trafficlib demo data/demo)",
                                                  "# la boutique de démonstration (trafficlib demo data/demo)"),
              _t(lang, "# Answers: leave None here, write them in the ✏️ cells below",
                 "# Réponses : laissez None ici, écrivez-les dans les cellules ✏️ plus bas")]
    params += [f"{param_name(e.id)} = None" for e in items]
    add(v4.new_code_cell("\n".join(params)), "parameters")
    for b in blocks:
        if b.kind == "title" or (b.lang is not None and b.lang != lang):
            continue
        add(v4.new_markdown_cell(b.text) if b.kind == "md" else v4.new_code_cell(b.text))
    add(v4.new_markdown_cell(_t(
        lang,
        "## Exercises\n\nCompute each answer with trafficlib (add cells as you need), write it in the ✏️ cell "
        "under the question and run that cell. A wrong answer gets a hint, never the solution.",
        "## Exercices\n\nCalculez chaque réponse avec trafficlib (ajoutez des cellules si besoin), écrivez-la dans "
        "la cellule ✏️ sous la question et exécutez-la. Une mauvaise réponse reçoit un indice, jamais la solution.")))
    for e in items:
        name = param_name(e.id)
        prompt = e.prompt[1] if lang == "fr" else e.prompt[0]
        kind = _KIND_TEXT[e.kind][1 if lang == "fr" else 0]
        add(v4.new_markdown_cell(
            f"### ✏️ {_t(lang, 'Exercise', 'Exercice')} {e.id}\n\n{prompt}\n\n"
            + _t(lang, f"*Your answer:* {kind}, in `{name}`.", f"*Votre réponse :* {kind}, dans `{name}`.")))
        example = _EXAMPLES[e.kind][1 if lang == "fr" else 0]
        add(v4.new_code_cell(
            _t(lang, f"# ✏️ Exercise {e.id}: write your answer on the next line, e.g.  {name} = {example}",
               f"# ✏️ Exercice {e.id} : écrivez votre réponse à la ligne suivante, par ex.  {name} = {example}")
            + f"\n\ncourse.check(\"{e.id}\", {name});"), "answer")
    add(v4.new_markdown_cell(_t(lang, "## Your score", "## Votre score")))
    add(v4.new_code_cell(f"course.progress({lesson});"))
    nb = v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
        "trafficlib": {
            "title": dict(titles), "lang": lang, "lesson": lesson,
            "source": f"trafficlib/course/lessons/{path.name}",
            "note": "generated: edit the source, then run python -m trafficlib.course.build",
            "hidden_parameters": [param_name(e.id) for e in items],
        },
    }
    return nb


def sources() -> list[Path]:
    return sorted(SOURCES.glob("[0-9][0-9]_*.md"))


def target(path: Path, lang: str, course_dir: Path = COURSE_DIR) -> Path:
    return course_dir / lang / f"{path.stem}.ipynb"


def render(path: Path, lang: str) -> str:
    """The notebook file's text (what :func:`build` writes)."""
    import nbformat

    return nbformat.writes(notebook(path, lang)) + "\n"


def build(course_dir: Path = COURSE_DIR, check: bool = False) -> list[Path]:
    """Write every lesson notebook (or, with ``check``, write nothing); returns the
    notebooks that were out of date (missing or different from their source)."""
    stale = []
    for src in sources():
        for lang in LANGS:
            out = target(src, lang, course_dir)
            text = render(src, lang)
            if not out.exists() or out.read_text(encoding="utf-8") != text:
                stale.append(out)
                if not check:
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_text(text, encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trafficlib.course.build", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a notebook is out of date")
    args = parser.parse_args(argv)
    stale = build(check=args.check)
    for path in stale:
        print(("out of date: " if args.check else "wrote ") + str(path.relative_to(ROOT)))
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
