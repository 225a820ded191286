"""The engine session query, before and after the one-sort rewrite: same sessions, and where the time goes.

Run::

    .venv/bin/python benchmarks/engine_sessions.py --compare 1e6      # identical session tables?
    .venv/bin/python benchmarks/engine_sessions.py --profile 1e7      # DuckDB profile, both queries

``--compare N`` builds the session table of the events of ``benchmarks/scale.py``
(``N`` events, same generator and files) with the query before the rewrite
(``engine_sessions_before.py``, kept verbatim) and with today's
:func:`trafficlib.query.engines.definition.sessions_sql`, under every option set
(GA4 last-non-direct credit, session-start attribution, midnight and campaign splits),
and checks the two tables are equal row for row (every column, NULLs included: a
symmetric EXCEPT ALL in DuckDB). ``--demo`` does the same on the demo shop's events,
which carry GA4 last-click columns, first visits and click ids.

``--profile N`` runs each query once on a DuckDB database file with the settings of
``scale.py`` (2 threads, ``memory_limit`` 2GB, spill folder) under DuckDB's profiler
and prints the operator tree: time per operator (summed over threads) and rows out.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine_sessions_before as before  # noqa: E402
import scale  # noqa: E402

from trafficlib.query.engines import definition as D  # noqa: E402
from trafficlib.query.engines.backends import DuckDBBackend  # noqa: E402

OPTION_SETS = [{}, {"attribution": "session_start"}, {"split_at_midnight": True},
               {"split_on_campaign": True, "split_at_midnight": True}, {"timeout_minutes": 5, "lookback_days": 1}]


def _backend(folder: Path, memory_limit: str = "2GB") -> tuple[DuckDBBackend, Path]:
    (folder / "tmp").mkdir(parents=True, exist_ok=True)
    db = folder / f"engine_sessions_{os.getpid()}.db"
    return DuckDBBackend(str(db), memory_limit=memory_limit, threads=2, temp_directory=str(folder / "tmp")), db


def compare(events: Path, folder: Path, option_sets=OPTION_SETS, use_session_id: bool = False) -> bool:
    """True when both queries give the same session table for every option set (printed)."""
    b, db = _backend(folder)
    ok = True
    try:
        b.register_events(str(events), "events", use_session_id)
        for opts in option_sets:
            opts = dict(opts, use_session_id=use_session_id) if use_session_id else opts
            t = time.perf_counter()
            b.con.execute(f"CREATE OR REPLACE TEMP TABLE old_s AS {before.sessions_sql(**opts)}")
            t_old = time.perf_counter() - t
            t = time.perf_counter()
            b.con.execute(f"CREATE OR REPLACE TEMP TABLE new_s AS {D.sessions_sql(**opts)}")
            t_new = time.perf_counter() - t
            cols = ", ".join(D.SESSION_COLUMNS)
            n = b.con.execute("SELECT count(*) FROM old_s").fetchone()[0]
            diff = b.con.execute(f"""SELECT count(*) FROM ((SELECT {cols} FROM old_s EXCEPT ALL SELECT {cols} FROM new_s)
                                     UNION ALL (SELECT {cols} FROM new_s EXCEPT ALL SELECT {cols} FROM old_s))""").fetchone()[0]
            same = diff == 0 and n == b.con.execute("SELECT count(*) FROM new_s").fetchone()[0]
            ok &= same
            print(f"{str(opts) or '{}':<60} sessions {n:>10,}  before {t_old:6.1f} s  now {t_new:6.1f} s  "
                  f"{'identical' if same else f'DIFFERENT ({diff} rows)'}", flush=True)
    finally:
        b.close()
        db.unlink(missing_ok=True)
    return ok


def _walk(node: dict, depth: int = 0) -> None:
    info = node.get("extra_info") or {}
    what = ""
    for key in ("Projections", "Aggregates", "Join Type", "CTE Name", "Function"):
        if key in info:
            v = info[key] if isinstance(info[key], str) else " | ".join(map(str, info[key]))
            what = f" {key}: {v[:110]}"
            break
    if node.get("timing", 0) >= 0.05 or node["name"] in ("WINDOW", "HASH_GROUP_BY", "HASH_JOIN", "CTE"):
        print(f"{'  ' * depth}{node['name']:<16} {node.get('timing', 0):7.2f} s {node.get('intermediate_rows', 0):>12,} rows{what}")
    for child in node.get("children", []):
        _walk(child, depth + 1)


def profile(events: Path, folder: Path, which: str) -> None:
    b, db = _backend(folder)
    out = folder / f"profile_{which}.json"
    try:
        b.register_events(str(events), "events", False)
        sql = before.sessions_sql() if which == "before" else D.sessions_sql()
        b.con.execute("PRAGMA enable_profiling = 'json'")
        b.con.execute(f"PRAGMA profiling_output = '{out}'")
        t = time.perf_counter()
        b.con.execute(f"CREATE TEMP TABLE s AS {sql}")
        wall = time.perf_counter() - t
        b.con.execute("PRAGMA disable_profiling")
    finally:
        b.close()
        db.unlink(missing_ok=True)
    prof = json.loads(out.read_text())
    print(f"--- {which}: {wall:.1f} s wall; operator times are summed over threads")
    for node in prof["operator"]:
        _walk(node)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--compare", type=float, help="events (scale.py generator), e.g. 1e6")
    ap.add_argument("--demo", action="store_true", help="compare on the demo shop's events")
    ap.add_argument("--profile", type=float, help="events to profile, e.g. 1e7")
    ap.add_argument("--which", default="before,now")
    ap.add_argument("--dir", default="/tmp/trafficlib-scale")
    args = ap.parse_args()
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    ok = True
    if args.demo:
        demo = Path(__file__).resolve().parents[1] / "data" / "demo" / "events.parquet"
        if not demo.exists():
            from trafficlib.datasets import make_demo

            make_demo(demo.parent)
        print(f"demo events {demo}")
        ok &= compare(demo, folder)
        ok &= compare(demo, folder, [{}], use_session_id=True)
        # and with GA4's last-click columns on some events (a 2024+ export flattened)
        lc = folder / "demo_last_click.parquet"
        import duckdb

        duckdb.sql(f"""COPY (SELECT *, CASE WHEN hash(user_id) % 5 = 0 AND event_name <> 'page_view' THEN 'newsletter' END
                              AS last_click_source, CASE WHEN hash(user_id) % 5 = 0 THEN 'email' END AS last_click_medium,
                              CASE WHEN hash(user_id) % 10 = 0 THEN 'spring' END AS last_click_campaign
                       FROM read_parquet('{demo}')) TO '{lc}' (FORMAT parquet)""")
        print("demo events with GA4 last-click columns on a fifth of the users")
        ok &= compare(lc, folder, OPTION_SETS[:2])
        ok &= compare(lc, folder, [{}], use_session_id=True)
    if args.compare:
        n = int(args.compare)
        path = folder / f"events_{n}.parquet"
        scale.generate(n, path)
        print(f"{n:,} events {path}")
        ok &= compare(path, folder)
    if args.profile:
        n = int(args.profile)
        path = folder / f"events_{n}.parquet"
        scale.generate(n, path)
        for which in args.which.split(","):
            profile(path, folder, which)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
