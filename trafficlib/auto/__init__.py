"""``trafficlib auto FOLDER``: from a folder of downloads to every report it allows.

1. :func:`~trafficlib.auto.walk.scan` walks the folder (zips opened into a temporary
   folder), snapshots each file into ``<out>/auto-inputs/files/`` and recognises it with
   :func:`trafficlib.sources.load` (the reports later read those snapshots, so a file that
   changes meanwhile cannot make them disagree).
2. :func:`~trafficlib.auto.plan.dedupe` skips duplicates and files whose period another
   file of the same report already covers; :func:`~trafficlib.auto.plan.plan` works out
   the site(s) (two sites in one folder give two sets of reports, never one blend), the
   periods and, from the table :data:`~trafficlib.auto.plan.REPORTS`, which reports the
   files allow and with which parameters.
3. Each report gets its own input folder ``<out>/auto-inputs/<report>/<parameter>/``
   made of links to the snapshots (copies where links are not possible), a manifest
   ``<out>/auto-manifest.yml`` (paths relative to it: edit and re-run it with
   ``trafficlib batch``), then :func:`trafficlib.report.run_batch` renders them and
   writes the index. Reports the files do not allow are listed in the manifest
   (``missing:``), in ``index.json`` (status ``missing``) and printed, with the file
   that would enable each.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from trafficlib.auto.plan import REPORTS, Input, Plan, ReportSpec, dedupe, plan
from trafficlib.auto.walk import Item, scan
from trafficlib.errors import TrafficDataError

__all__ = ["run", "AutoResult", "REPORTS", "ReportSpec", "Input", "Item", "Plan", "scan", "plan", "dedupe",
           "MANIFEST", "INPUTS"]

MANIFEST = "auto-manifest.yml"
INPUTS = "auto-inputs"
_MARK = ".trafficlib-auto"
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class AutoResult:
    """What ``auto`` did: every file (``items``), the ``plan``, the ``manifest`` written,
    and the batch result (None when nothing was rendered)."""

    items: list[Item]
    plan: Plan
    manifest: Path | None = None
    batch: object = None
    lines: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.batch is None or self.batch.ok


def _say(lines: list[str], text: str, echo: bool) -> None:
    lines.append(text)
    if echo:
        print(text, flush=True)


def _prepare_out(out: Path) -> Path:
    """``<out>/auto-inputs``, emptied when it is ours from an earlier run."""
    inputs = out / INPUTS
    if inputs.exists():
        if not (inputs / _MARK).exists():
            raise TrafficDataError(f"{inputs} exists and was not written by trafficlib auto: choose another --out",
                                   file=str(inputs))
        shutil.rmtree(inputs)
    inputs.mkdir(parents=True)
    (inputs / _MARK).write_text("written by trafficlib auto; deleted and rewritten on each run\n", encoding="utf-8")
    return inputs


def _link(target: Path, link: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.symlink(os.path.relpath(target, link.parent), link)
    except (OSError, NotImplementedError):
        shutil.copy2(target, link)


def _layout(plan_: Plan, inputs: Path, out: Path) -> None:
    """One folder per report and folder parameter, of links to the snapshots; the
    parameter points at it (relative to the manifest in ``out``)."""
    from trafficlib.report import safe_name

    for pr in plan_.runnable:
        base = inputs / safe_name(pr.name)
        for param, files in pr.files.items():
            if param in pr.file_params:                   # the parameter is the file itself
                item, name = files[0]
                link = base / param / (name or item.snapshot.name)
                _link(item.snapshot, link)
                item.used_by.append(pr.name)
                pr.parameters[param] = os.path.relpath(link, out).replace(os.sep, "/")
                continue
            folder = base / param
            folder.mkdir(parents=True, exist_ok=True)
            used: set[str] = set()
            for item, name in files:
                final = name or item.snapshot.name
                stem, ext = os.path.splitext(final)
                i = 1
                while final.lower() in used:
                    i += 1
                    final = f"{stem}-{i}{ext}"
                used.add(final.lower())
                _link(item.snapshot, folder / final)
                if pr.name not in item.used_by:
                    item.used_by.append(pr.name)
            pr.parameters[param] = os.path.relpath(folder, out).replace(os.sep, "/")


def _describe(item: Item) -> str:
    e = item.export
    bits = [e.kind]
    if e.dimensions:
        bits.append("(" + ", ".join(e.dimensions) + ")")
    if item.span:
        bits.append(f"{item.span[0]:%Y-%m-%d} to {item.span[1]:%Y-%m-%d}")
    if item.site:
        bits.append(f"site {item.site}")
    return " ".join(bits)


def _manifest(plan_: Plan, folder: Path, out: Path, lang: str, workers: int, items: list[Item]) -> dict:
    jobs = []
    for pr in plan_.runnable:
        nb = os.path.relpath(ROOT / pr.spec.notebook, out).replace(os.sep, "/")
        if nb.startswith("../"):  # reports outside the kit's folder: an absolute path survives moving them
            nb = (ROOT / pr.spec.notebook).resolve().as_posix()
        jobs.append({"notebook": nb, "name": pr.name, "parameters": {**pr.parameters, "lang": lang}})
    return {
        "title": "trafficlib auto: " + (", ".join(plan_.sites) or folder.name),
        "output_dir": ".",
        "workers": workers,
        "lang": lang,
        "jobs": jobs,
        # Not read by `trafficlib batch`: what auto found, for the record.
        "auto": {
            "folder": str(folder),
            "sites": plan_.sites,
            "facts": {k or "-": v for k, v in plan_.facts.items()},
            "files": [{"file": i.label, "status": i.status,
                       **({"kind": i.kind, "used_by": i.used_by} if i.status == "taken" else {"reason": i.reason})}
                      for i in items],
        },
        "missing": [{"report": pr.name, "notebook": pr.spec.notebook, "why": pr.missing} for pr in plan_.missing],
    }


def _write_yaml(path: Path, data: dict) -> None:
    import yaml

    from trafficlib.report import atomic_write

    head = ("# Written by `trafficlib auto`: the reports its files allow and the parameters chosen.\n"
            "# Edit and re-run with: trafficlib batch " + path.name + "\n"
            "# Paths are relative to this file. 'auto' and 'missing' are notes, not read by batch.\n")
    atomic_write(path, head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False))


def _add_missing_to_index(out: Path, plan_: Plan, lang: str) -> None:
    """Reports not made, in ``index.json`` with status ``missing`` and what would enable them."""
    from trafficlib.report import atomic_write

    index = out / "index.json"
    try:
        listed = json.loads(index.read_text(encoding="utf-8")) if index.exists() else []
    except (OSError, ValueError):
        listed = []
    names = {r.name for r in plan_.missing}
    listed = [x for x in listed if not (isinstance(x, dict) and x.get("name") in names)]
    for pr in plan_.missing:
        listed.append({"name": pr.name, "notebook": pr.spec.notebook, "lang": lang, "title": pr.spec.key,
                       "parameters": {}, "status": "missing", "seconds": 0.0, "html": None, "executed": None,
                       "error": pr.missing, "size_bytes": None, "shown_parameters": None})
    atomic_write(index, json.dumps(listed, indent=2, ensure_ascii=False))
    # the page too: the missing reports with the export that would enable each
    from trafficlib.report import JobResult, write_index

    fields = set(JobResult.__dataclass_fields__)
    results = [JobResult(**{k: v for k, v in x.items() if k in fields}) for x in listed if isinstance(x, dict)]
    write_index(results, out, lang)


def run(folder: str | Path, out: str | Path = "reports", lang: str = "en", workers: int = 2,
        only: list[str] | None = None, dry_run: bool = False, echo: bool = True, progress: bool = False,
        site: str | None = None, specs=REPORTS) -> AutoResult:
    """Recognise every file under ``folder``, plan and render the reports it allows
    into ``out``. ``only``: render only these reports (keys like ``traffic-overview``
    or full names); ``site``: the site's domain when the files do not state it;
    ``dry_run``: write the inputs and the manifest, render nothing.
    Raises :class:`TrafficDataError` when ``folder`` is not a folder or nothing in it
    allows any report (the lines printed say why for each file)."""
    from trafficlib import i18n

    lang = i18n.check_lang(lang)
    folder = Path(folder)
    if not folder.is_dir():
        raise TrafficDataError("not a folder", file=str(folder))
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    inputs = _prepare_out(out)
    lines: list[str] = []
    _say(lines, f"Reading {folder} ...", echo)
    items = scan(folder, inputs / "files", exclude=[out])
    dedupe(items)
    plan_ = plan(items, ROOT, lang, specs, site=site, folder_name=folder.resolve().name)
    _layout(plan_, inputs, out)
    for it in items:
        if it.status == "taken" and not it.used_by:
            it.reason = "recognised, but no report reads it"
        if it.status == "taken" and it.snapshot is not None and not it.used_by:
            it.snapshot.unlink(missing_ok=True)
    width = max((len(i.label) for i in items), default=0)
    for it in items:
        if it.status == "taken":
            where = ", ".join(it.used_by) if it.used_by else it.reason
            _say(lines, f"  taken    {it.label:<{width}}  {_describe(it)} -> {where}", echo)
        else:
            _say(lines, f"  skipped  {it.label:<{width}}  {it.reason}", echo)
    if len(plan_.sites) > 1:
        _say(lines, f"Several sites in one folder: {', '.join(plan_.sites)}. Each gets its own reports; files "
                    "that name no site (ad reports...) are used for each.", echo)
    for site, fx in plan_.facts.items():
        if fx.get("web_start"):
            _say(lines, f"Period{' for ' + site if site else ''}: {fx['web_start']} to {fx['web_end']}, "
                        f"compared with {'the previous period' if fx['web_compare'] == 'previous' else 'nothing'}",
                 echo)
    for pr in plan_.missing:
        _say(lines, f"  not made {pr.name}: {pr.missing}", echo)
    manifest = out / MANIFEST
    _write_yaml(manifest, _manifest(plan_, folder.resolve(), out, lang, workers, items))
    _say(lines, f"Manifest: {manifest}", echo)
    result = AutoResult(items=items, plan=plan_, manifest=manifest, lines=lines)
    if not plan_.runnable:
        _add_missing_to_index(out, plan_, lang)
        if dry_run:
            return result
        raise TrafficDataError("no report can be made from these files (see the lines above)", file=str(folder))
    if dry_run:
        return result
    from trafficlib.report import run_batch

    names = None
    if only:
        names = [pr.name for pr in plan_.runnable if pr.name in only or pr.spec.key in only]
        if not names:
            raise TrafficDataError("--only names no report these files allow: "
                                   + ", ".join(pr.name for pr in plan_.runnable), file=str(manifest))
    result.batch = run_batch(manifest, workers=workers, progress=progress, only=names)
    _add_missing_to_index(out, plan_, lang)
    return result
