"""The watch day after day over the demo's daily downloads: is each planted event found
on its day (or the next), and how many false alerts a week?

    python benchmarks/watch_days.py [--days-dir data/demo-watch/days | --seed N]

Each day's folder is copied into a fresh downloads folder and ``trafficlib watch`` runs
once (in process, one history). An alert counts for an event when it is in the event's
area and on its day or the next three; every other alert is a false alert (holiday
notes are not alerts). Prints one line per event and the false alerts per week.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from trafficlib.datasets import watch as demo  # noqa: E402
from trafficlib.watch import run  # noqa: E402


def replay(days_dir: Path, work: Path, lang: str = "en") -> tuple[list, list, list]:
    """Run the watch once per day folder; returns (alerts, notes, seconds per run)."""
    inbox, history = work / "downloads", work / "watch.duckdb"
    inbox.mkdir(parents=True, exist_ok=True)
    alerts, notes, times = [], [], []
    for day_dir in sorted(p for p in days_dir.iterdir() if p.is_dir()):
        for f in day_dir.iterdir():
            shutil.copy(f, inbox / f.name)
        t = time.perf_counter()
        res = run(inbox, history, lang=lang)
        times.append(time.perf_counter() - t)
        day = pd.Timestamp(day_dir.name)
        alerts += [(day, a) for a in res.alerts]
        notes += [(day, a) for a in res.notes]
    return alerts, notes, times


def score(alerts: list, events: dict, n_days: int) -> tuple[list, list]:
    rows, matched = [], set()
    for name, ev in events.items():
        day = pd.Timestamp(ev["day"])
        hits = [(run_day, a) for run_day, a in alerts
                if a.area == ev["area"] and day <= a.day <= day + pd.Timedelta(days=3)]
        for h in hits:
            matched.add(id(h[1]))
        first = min((run_day for run_day, _ in hits), default=None)
        rows.append({"event": name, "day": ev["day"], "found": first.date().isoformat() if first is not None else "-",
                     "lag_days": (first - day).days if first is not None else None,
                     "alerts": "; ".join(sorted({f"{a.rule}:{a.subject}" for _, a in hits}))})
    false = [(d, a) for d, a in alerts if id(a) not in matched]
    return rows, false


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--days-dir", type=Path, help="the daily folders (default: generated into a temporary folder)")
    p.add_argument("--seed", type=int, default=0, help="demo seed when generating (default: 0)")
    p.add_argument("--markdown", action="store_true", help="print the events table in Markdown (for the README)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.days_dir is None:
            demo.generate(tmp / "demo", seed=args.seed)
        days_dir = args.days_dir or demo.folder_for(tmp / "demo") / "days"
        alerts, notes, times = replay(days_dir, tmp / "work")
    n_days = len(times)
    rows, false = score(alerts, demo.EVENTS, n_days)
    table = pd.DataFrame(rows)
    if args.markdown:
        print("| event | planted on | found in the run of | alerts |\n|---|---|---|---|")
        for r in rows:
            print(f"| {r['event'].replace('_', ' ')} | {r['day']} | {r['found']} | {r['alerts'].replace(';', ',')} |")
    else:
        print(table.to_string(index=False))
    weeks = n_days / 7
    print(f"\n{len(alerts)} alerts over {n_days} days; false alerts: {len(false)} "
          f"= {len(false) / weeks:.2f} per week (goal <= 1)")
    for d, a in false:
        print(f"  false: run {d.date()} {a.rule} {a.subject!r} {a.metric} {a.value:.1f} (usual {a.low:.1f}-{a.high:.1f})")
    for d, a in notes:
        print(f"  holiday note: {a.day.date()} {a.holiday}: {a.rule} {a.subject!r} {a.value:.1f} (usual {a.low:.1f}-{a.high:.1f})")
    print(f"run time: median {pd.Series(times).median():.2f} s, max {max(times):.2f} s")
    found_ok = all(r["lag_days"] is not None and r["lag_days"] <= 1 for r in rows)
    return 0 if found_ok and len(false) / weeks <= 1 else 1


if __name__ == "__main__":
    sys.exit(main())
