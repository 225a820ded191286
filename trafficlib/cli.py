"""Command line: ``trafficlib report | batch | demo | auto | watch`` (see ``trafficlib --help``).

Exit codes: 0 success; 1 one or more reports failed (the index says which and why);
2 bad usage or bad input (manifest, data file, unknown parameter). ``watch`` adds 3:
alerts raised (see :mod:`trafficlib.watch.cli`).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Sequence

from trafficlib import __version__
from trafficlib.errors import TrafficDataError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def coerce(value: str, default: Any) -> Any:
    """A ``-p name=value`` string converted to the type of the notebook's default:
    ``"30"`` -> 30 when the default is an int, ``"a,b"`` -> ["a", "b"] for a list,
    ``"oui"``/``"true"`` -> True for a bool; strings stay strings (``"00123"`` is kept
    as written, unlike papermill's ``-p`` type guessing)."""
    if isinstance(default, bool):
        low = value.strip().lower()
        if low in ("1", "true", "yes", "oui", "vrai", "on"):
            return True
        if low in ("0", "false", "no", "non", "faux", "off"):
            return False
        raise ValueError(f"expected true/false, got {value!r}")
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value.replace(",", "."))
    if isinstance(default, (list, tuple)):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


def _parse_params(pairs: Sequence[str], notebook: Path) -> dict[str, Any]:
    import nbformat

    from trafficlib.report import notebook_parameters

    defaults = notebook_parameters(nbformat.read(notebook, as_version=4)) if notebook.exists() else {}
    params: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise ValueError(f"parameter {pair!r} should be written name=value")
        key, value = pair.split("=", 1)
        key = key.strip()
        try:
            params[key] = coerce(value, defaults.get(key))
        except ValueError as exc:
            raise ValueError(f"parameter {key}: {exc}") from None
    return params


def _inspect(files: Sequence[Path], formats: bool) -> int:
    """Print what each file is: read (and whether its rows reconcile with the totals it
    states) or refused, and why; 0 when every file was read and reconciles, 2 when any
    was refused or any figure does not reconcile."""
    from trafficlib import sources
    from trafficlib.readers.registry import readers

    if formats or not files:
        for r in readers():
            print(f"{r.kind:32} -> {r.table:16} {r.describe}")
        return EXIT_OK if formats else EXIT_USAGE
    status, counts = EXIT_OK, {"read": 0, "refused": 0, "unreconciled": 0}
    for f in files:
        try:
            export = sources.load(f, on_mismatch="note")
        except TrafficDataError as exc:
            print(f"REFUSED  {f}\n  {exc}")
            counts["refused"] += 1
            status = EXIT_USAGE
            continue
        state = {True: "read, reconciled with the file's totals", False: "read, DOES NOT RECONCILE",
                 None: "read (no total for its rows to check)"}[export.reconciled]
        print(f"{state}\n{export.summary()}")
        counts["read"] += 1
        if export.reconciled is False:
            counts["unreconciled"] += 1
            status = EXIT_USAGE
    if len(files) > 1:
        print(f"{len(files)} files: {counts['read']} read ({counts['unreconciled']} not reconciling), "
              f"{counts['refused']} refused")
    return status


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="trafficlib",
        description="Traffic analysis reports from parameterized notebooks.",
        epilog="Exit codes: 0 ok, 1 some report failed, 2 bad usage or input.",
    )
    p.add_argument("--version", action="version", version=f"trafficlib {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    r = sub.add_parser("report", help="render one notebook to HTML",
                       description="Execute a notebook with parameters and render it to a self-contained HTML report.")
    r.add_argument("notebook", type=Path, help="the .ipynb to run")
    r.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter (repeatable); converted to the type of the notebook's default")
    r.add_argument("-o", "--output-dir", type=Path, default=Path("reports"), help="folder for the report (default: reports)")
    r.add_argument("--lang", choices=["en", "fr"], default="en", help="report language (default: en)")
    r.add_argument("--name", help="output file name without extension (default: <notebook>-<lang>)")
    r.add_argument("--title", help="report title (default: the notebook's)")

    b = sub.add_parser("batch", help="render every report listed in a YAML manifest",
                       description="Run a manifest's jobs in parallel with warm kernels; write index.html.")
    b.add_argument("manifest", type=Path, help="YAML manifest (see trafficlib.report.load_manifest)")
    b.add_argument("-j", "--workers", type=int, help="warm kernels run in parallel (default: the manifest's, else 2)")
    b.add_argument("--only", action="append", metavar="NAME", help="run only this job (repeatable)")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    i = sub.add_parser("inspect", help="say what export files are and whether they reconcile",
                       description="For each file: the kind of export recognised, rows, columns mapped, period, "
                                   "and whether the kit's sums equal the file's own totals.")
    i.add_argument("files", nargs="*", type=Path, metavar="FILE", help="export files (CSV, TSV, xlsx, Parquet, JSON)")
    i.add_argument("--formats", action="store_true", help="list the kinds of export the kit reads")

    d = sub.add_parser("demo", help="write the demo shop's data",
                       description="Generate the fictional demo shop (all tables, planted truths) into a folder.")
    d.add_argument("out_dir", nargs="?", type=Path, default=Path("data/demo"), help="target folder (default: data/demo)")
    d.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    d.add_argument("--scale", type=float, default=1.0, help="traffic volume multiplier (default: 1.0)")

    a = sub.add_parser("auto", help="every report a folder of exports allows",
                       description="Recognise every export in a folder (recursively, zips included), say what each "
                                   "file was taken for or why it was skipped, write auto-manifest.yml and render "
                                   "every report the files allow, with the index.")
    a.add_argument("folder", type=Path, help="the folder of downloads (never modified)")
    a.add_argument("-o", "--out", type=Path, default=Path("reports"), help="output folder (default: reports)")
    a.add_argument("--lang", choices=["en", "fr"], default="en", help="report language (default: en)")
    a.add_argument("-j", "--workers", type=int, default=2, help="warm kernels run in parallel (default: 2)")
    a.add_argument("--only", action="append", metavar="REPORT", help="render only this report (repeatable)")
    a.add_argument("--dry-run", action="store_true", help="write the inputs and the manifest, render nothing")
    a.add_argument("--site", help="your site's domain, when the exports do not state it (e.g. example.com)")
    a.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    from trafficlib.watch.cli import add_parser as add_watch  # exit codes: 0, 3 alerts, 1 error, 2 usage

    add_watch(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command in ("batch", "auto", "report"):
        # nbformat -> jsonschema imports rfc3987_syntax, which builds a grammar for ~0.7 s
        # at import, for "iri" format checks that notebook validation never uses
        # (jsonschema issue 1428). This process is ours: skip that optional import.
        sys.modules.setdefault("rfc3987_syntax", None)
    try:
        if args.command == "demo":
            from trafficlib.datasets import make_demo

            files = make_demo(args.out_dir, seed=args.seed, scale=args.scale, progress=True)
            print(f"demo shop written to {args.out_dir} ({len(files)} files)")
            return EXIT_OK
        if args.command == "inspect":
            return _inspect(args.files, args.formats)
        if args.command == "watch":
            from trafficlib.watch.cli import main as watch_main

            return watch_main(args)
        if args.command == "report":
            from trafficlib.report import ReportError, render

            params = _parse_params(args.param, args.notebook)
            try:
                path = render(args.notebook, params, args.output_dir, lang=args.lang, name=args.name, title=args.title)
            except ReportError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return EXIT_FAILED
            print(path)
            return EXIT_OK
        if args.command == "auto":
            from trafficlib import auto

            res = auto.run(args.folder, args.out, lang=args.lang, workers=args.workers, only=args.only,
                           dry_run=args.dry_run, progress=not args.quiet, site=args.site)
            if res.batch is not None:
                for r in res.batch.failed:
                    print(f"FAILED {r.name}: {r.error}", file=sys.stderr)
                ok = len(res.batch.results) - len(res.batch.failed)
                print(f"{ok}/{len(res.batch.results)} reports ok; index: {res.batch.index}")
            return EXIT_OK if res.ok else EXIT_FAILED
        if args.command == "batch":
            from trafficlib.report import run_batch

            result = run_batch(args.manifest, workers=args.workers, progress=not args.quiet, only=args.only)
            for r in result.failed:
                print(f"FAILED {r.name}: {r.error}", file=sys.stderr)
            ok = len(result.results) - len(result.failed)
            print(f"{ok}/{len(result.results)} reports ok; index: {result.index}")
            return EXIT_OK if result.ok else EXIT_FAILED
    except (TrafficDataError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
