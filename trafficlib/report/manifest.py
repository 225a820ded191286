"""Batch manifests (YAML) -> jobs."""
from __future__ import annotations

import re
from pathlib import Path

from trafficlib import i18n
from trafficlib.errors import TrafficDataError
from trafficlib.report.base import safe_name
from trafficlib.report.jobs import Job

# --------------------------------------------------------------------------- manifests


_PATH_PARAM = re.compile(r".*_(path|dir|file)$")


def load_manifest(path: str | Path) -> tuple[list[Job], dict]:
    """Read a batch manifest (YAML, loaded safely) into jobs and settings.

    Format::

        output_dir: reports          # relative to the manifest; default "reports"
        workers: 2                   # warm kernels run in parallel (default: 2)
        lang: en                     # index page language and default report language
        defaults:
          parameters: {data_path: data/demo}
        jobs:
          - notebook: notebooks/traffic_overview.ipynb
            name: overview-{lang}     # output file name (sanitized)
            title: Traffic overview   # optional; default: the notebook's title
            parameters: {site_name: Maison Lumière}
            matrix: {lang: [en, fr]}  # optional: one job per combination

    Relative paths (``notebook`` and parameters named ``*_path``, ``*_dir``, ``*_file``)
    are relative to the manifest's folder and passed to notebooks as absolute paths;
    reports show them as written here (``Job.shown_parameters``).
    """
    from trafficlib.yamlfiles import read_yaml

    mpath = Path(path)
    file = str(path)
    data = read_yaml(mpath, "manifest")
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list) or not data["jobs"]:
        raise TrafficDataError("a manifest needs a non-empty 'jobs' list", file=file, column="jobs")
    base = mpath.resolve().parent
    settings = {
        "output_dir": (base / str(data.get("output_dir", "reports"))).resolve(),
        "workers": int(data.get("workers", 2)),
        "lang": i18n.check_lang(str(data.get("lang", "en"))),
        "title": data.get("title"),
    }
    defaults = (data.get("defaults") or {}).get("parameters") or {}
    jobs: list[Job] = []
    for i, raw in enumerate(data["jobs"], start=1):
        if not isinstance(raw, dict) or "notebook" not in raw:
            raise TrafficDataError(f"job {i} needs a 'notebook'", file=file, column="jobs")
        matrix = raw.get("matrix") or {}
        combos: list[dict] = [{}]
        for key, values in matrix.items():
            if not isinstance(values, list) or not values:
                raise TrafficDataError(f"job {i}: matrix '{key}' must be a non-empty list", file=file, column="matrix")
            combos = [{**c, key: v} for c in combos for v in values]
        for combo in combos:
            params = {**defaults, **(raw.get("parameters") or {}), **combo}
            lang = str(params.get("lang", raw.get("lang", settings["lang"])))
            params["lang"] = i18n.check_lang(lang)
            given = dict(params)  # shown in the report as written in the manifest
            for k, v in list(params.items()):
                if _PATH_PARAM.match(k) and isinstance(v, str) and v and not Path(v).is_absolute():
                    params[k] = str((base / v).resolve())
            name_tpl = str(raw.get("name") or Path(raw["notebook"]).stem + ("-{lang}" if "lang" in combo else ""))
            try:
                name = name_tpl.format(**params)
            except (KeyError, IndexError) as exc:
                raise TrafficDataError(f"job {i}: name uses unknown field {exc}", file=file, column="name") from None
            jobs.append(Job(notebook=(base / raw["notebook"]).resolve(), name=name, parameters=params,
                            lang=params["lang"], title=raw.get("title"), shown_parameters=given))
    names = [safe_name(j.name) for j in jobs]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise TrafficDataError(f"several jobs write the same report: {', '.join(dup)}", file=file, column="name")
    return jobs, settings

