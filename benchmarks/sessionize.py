"""Sessionize + aggregate synthetic events: trafficlib (DuckDB + numpy) vs plain pandas.

Run::

    .venv/bin/python benchmarks/sessionize.py                       # 1e6 and 1e7 events
    .venv/bin/python benchmarks/sessionize.py --sizes 1e6 --skip-pandas-above 1e6

For each size the script writes ``benchmarks/out/events_<n>.parquet`` (a fast numpy /
pyarrow generator: ~5 events per session, 1.6 sessions per user over 30 days, 10
sources, UTM tags on the first event of a session only), then runs each engine in its
own subprocess: read the Parquet file, sessionize (30-minute timeout, UA campaign split),
channel-group, and aggregate to date x channel (sessions, engaged sessions, key events,
revenue). Wall time is measured in the child; peak RSS comes from ``os.wait4`` on that
child only, so peaks are never mixed. Both engines must find the same number of
sessions, page views and revenue (checked, printed as ``match``).

DuckDB settings: ``memory_limit=1GB`` (it spills to a temporary folder beyond that,
which costs ~2x time: 512MB gave ~20 s at 10 M), ``threads`` = all cores. The Python
side of :func:`trafficlib.sessions.sessionize` holds ~40 bytes per event (sorted keys)
at its peak; :func:`trafficlib.sessions._release_memory` makes DuckDB return its sort
buffers before numpy starts, which cut the 10 M peak from 2.2 GB to 1.6 GB.

Measured on 2026-11-23 (2 cores, 23 GB RAM, DuckDB 2.0.0, pandas 3.1.1; other people's
jobs were running on the machine, load average 3-4, so wall times vary by up to 2x from
run to run; peak memory is stable)::

    $ .venv/bin/python benchmarks/sessionize.py --sizes 1e6,1e7     (two runs)
          events engine      wall_s  peak_MB   sessions time_ratio mem_ratio check
       1,000,000 trafficlib     0.9      303    200,126
       1,000,000 pandas         2.8      600    200,126       3.3x      2.0x match
      10,000,000 trafficlib    12.4    1,374  1,998,620
      10,000,000 pandas        40.9    3,955  1,998,620       3.3x      2.9x match
    (second run: 1 M 0.8 s / 1.7 s; 10 M 6.4 s / 28.4 s, 4.4x; same memory;
     third run, load ~2, after the last sessions.py changes: 1 M 1.1 s / 2.7 s;
     10 M 8.5 s / 25.5 s, 3.0x; 1,374 MB / 3,951 MB)

    $ .venv/bin/python benchmarks/sessionize.py --sizes 1e6,3e6,1e7 --skip-pandas-above 3e6
       1,000,000 trafficlib     0.6      307    200,126
       1,000,000 pandas         1.6      593    200,126       2.5x      1.9x match
       3,000,000 trafficlib     2.8      544    600,385
       3,000,000 pandas         5.9    1,337    600,385       2.1x      2.5x match
      10,000,000 trafficlib     8.2    1,454  1,998,620

So 10 M events take 6-12 s with a 1.4 GB peak (goal: <= 15 s, <= 2 GB), and cost grows
about linearly (1 M -> 10 M: x10-14 in time under varying load, memory ~120 MB per
million events above a 190 MB base). pandas fits at 10 M (4 GB peak) and is 3-4x slower.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
DAY0_US = 1_740_787_200_000_000  # 2025-03-01 UTC

SOURCES = ["google", "google", "(direct)", "facebook", "newsletter", "bing", "instagram", "criteo",
           "awin", "blog.example.com"]
MEDIUMS = ["organic", "cpc", "(none)", "paid_social", "email", "organic", "referral", "cpm",
           "affiliate", "referral"]
CAMPAIGNS = [None, "brand", None, "spring_sale", "nl_march", None, None, "retarget", None, None]
P_SOURCE = [.30, .15, .20, .08, .06, .05, .05, .04, .03, .04]
EVENTS = ["page_view", "scroll", "user_engagement", "view_item", "add_to_cart", "purchase"]
P_EVENT = [.50, .15, .15, .12, .06, .02]
PAGES = ["/", "/catalogue/lampes", "/produit/123?ref=x", "/panier", "/blog/deco", "/contact"]


# ----------------------------------------------------------------------------- data
def _chunk(n: int, seed: int):
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng(seed)
    n_sess = int(n / 5 * 1.3) + 20
    n_users = int(n / 5 / 1.6) + 1
    counts = rng.geometric(1 / 5, n_sess)
    cum = np.cumsum(counts)
    n_sess = min(int(np.searchsorted(cum, n)) + 1, len(cum))
    counts = counts[:n_sess]
    counts[-1] -= cum[n_sess - 1] - n
    sess_user = rng.integers(0, n_users, n_sess) + seed * 10_000_000
    sess_start = DAY0_US + rng.integers(0, 30 * 86400, n_sess).astype(np.int64) * 1_000_000
    sess_of_ev = np.repeat(np.arange(n_sess), counts)
    first = np.zeros(n, dtype=bool)
    first[np.concatenate([[0], np.cumsum(counts)[:-1]])] = True
    gaps = rng.exponential(60e6, n).astype(np.int64)
    gaps[first] = 0
    cs = np.cumsum(gaps)
    ts = sess_start[sess_of_ev] + cs - np.repeat(cs[first], counts)
    k = rng.choice(len(SOURCES), n_sess, p=P_SOURCE)[sess_of_ev]
    ev = rng.choice(len(EVENTS), n, p=P_EVENT)
    ev[first] = 0
    users = pc.binary_join_element_wise(pa.scalar("u"), pa.array(sess_user[sess_of_ev]).cast(pa.string()), "")
    first_arr = pa.array(first)

    def tagged(values):
        out = pc.take(pa.array(values, pa.string()), pa.array(k))
        return pc.if_else(first_arr, out, pa.nulls(n, pa.string()))

    revenue = np.where(ev == 5, np.round(rng.gamma(2, 40, n), 2), np.nan)
    return pa.table({
        "user_id": users,
        "timestamp": pa.array(ts, pa.timestamp("us")),
        "event_name": pc.take(pa.array(EVENTS), pa.array(ev)),
        "page": pc.take(pa.array(PAGES), pa.array(rng.integers(0, len(PAGES), n))),
        "source": tagged(SOURCES), "medium": tagged(MEDIUMS), "campaign": tagged(CAMPAIGNS),
        "device": pc.take(pa.array(["desktop", "mobile", "tablet"]), pa.array(rng.integers(0, 3, n))),
        "country": pc.take(pa.array(["FR", "BE", "CH"]), pa.array(rng.integers(0, 3, n))),
        "engagement_time_msec": pa.array(rng.integers(0, 15000, n).astype(float)),
        "revenue": pa.array(revenue, from_pandas=True),
    })


def generate(path: Path, n: int, chunk: int = 2_000_000) -> Path:
    """Write ``n`` synthetic events to ``path`` (Parquet), in chunks of distinct users."""
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    writer = None
    for i, start in enumerate(range(0, n, chunk)):
        table = _chunk(min(chunk, n - start), seed=i)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    writer.close()
    return path


# ----------------------------------------------------------------------------- engines
def daily(sessions):
    """date x channel: sessions, engaged sessions, key events, revenue."""
    import pandas as pd

    key = [sessions["start"].dt.floor("D").rename("date"), sessions["channel"]]
    return sessions.assign(engaged=sessions["engaged"].astype(bool)).groupby(key, observed=True).agg(
        sessions=("engaged", "size"), engaged_sessions=("engaged", "sum"),
        conversions=("conversions", "sum"), revenue=("revenue", "sum"),
    ).reset_index().sort_values(["date", "channel"]) if len(sessions) else pd.DataFrame()


def run_trafficlib(path: Path):
    from trafficlib.sessions import sessionize

    sessions = sessionize(path)
    return sessions, daily(sessions)


def run_pandas(path: Path, timeout_minutes: float = 30):
    """A straightforward pandas sessionization with the same definitions."""
    import pandas as pd

    from trafficlib.channels import channel_group

    df = pd.read_parquet(path)
    df["prio"] = df["event_name"].map({"first_visit": 0, "session_start": 1, "page_view": 2}).fillna(3)
    df = df.sort_values(["user_id", "timestamp", "prio"], kind="stable", ignore_index=True)
    new_user = df["user_id"].ne(df["user_id"].shift())
    new_base = new_user | (df["timestamp"].diff() > pd.Timedelta(minutes=timeout_minutes))
    base = new_base.cumsum()

    def real(col):
        s = df[col]
        return s.notna() & ~(s.str.startswith("(") & s.str.endswith(")")).fillna(False)

    traffic = real("source") | real("medium") | real("campaign")
    key = (df["source"].fillna("") + "\x1f" + df["medium"].fillna("") + "\x1f"
           + df["campaign"].fillna("")).str.lower().where(traffic)
    carried = key.groupby(base).ffill()
    previous = carried.groupby(base).shift()
    split = traffic & previous.notna() & key.ne(previous)
    df["sess"] = (new_base | split).cumsum()
    g = df.groupby("sess", sort=False)
    is_pv = df["event_name"].eq("page_view")
    out = pd.DataFrame({
        "user_id": g["user_id"].first(), "start": g["timestamp"].min(), "end": g["timestamp"].max(),
        "pageviews": is_pv.groupby(df["sess"]).sum(),
        "conversions": df["event_name"].eq("purchase").groupby(df["sess"]).sum(),
        "revenue": df["revenue"].where(df["event_name"].eq("purchase")).groupby(df["sess"]).sum(),
        "engagement_time_s": g["engagement_time_msec"].sum() / 1000,
        "has_engagement": g["engagement_time_msec"].count() > 0,
        "device": g["device"].first(), "country": g["country"].first(),
    })
    first_traffic = df[traffic].groupby("sess")[["source", "medium", "campaign"]].first()
    fallback = df[df["source"].notna()].groupby("sess")[["source", "medium", "campaign"]].first()
    out = out.join(first_traffic.combine_first(fallback))
    out["landing_page"] = df[is_pv & df["page"].notna()].groupby("sess")["page"].first()
    out["duration_s"] = (out["end"] - out["start"]).dt.total_seconds()
    time_measure = out["engagement_time_s"].where(out["has_engagement"], out["duration_s"])
    out["engaged"] = (time_measure > 10) | (out["conversions"] > 0) | (out["pageviews"] >= 2)
    out["channel"] = channel_group(out)
    return out, daily(out)


def worker(engine: str, path: Path) -> None:
    import pandas  # noqa: F401  (imports are not timed)

    import trafficlib.channels  # noqa: F401
    import trafficlib.sessions  # noqa: F401

    t0 = time.perf_counter()
    sessions, table = (run_trafficlib if engine == "trafficlib" else run_pandas)(path)
    wall = time.perf_counter() - t0
    print(json.dumps({
        "wall_s": wall, "sessions": int(len(sessions)), "pageviews": int(sessions["pageviews"].sum()),
        "revenue": round(float(sessions["revenue"].sum()), 2), "daily_rows": int(len(table)),
    }))


def measure(engine: str, path: Path, env: dict) -> dict:
    """Run one engine in a child process; wall time from the child, peak RSS from wait4."""
    proc = subprocess.Popen([sys.executable, __file__, "--worker", engine, "--path", str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        return {"error": (err.strip().splitlines() or ["failed"])[-1], "peak_rss_mb": usage.ru_maxrss / 1024}
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux: kilobytes
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1e6,1e7", help="comma-separated event counts")
    parser.add_argument("--skip-pandas-above", type=float, default=1e7,
                        help="do not run pandas above this many events (memory)")
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB memory_limit")
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads (0: all cores)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, Path(args.path))
        return
    env = dict(os.environ, TRAFFICLIB_DUCKDB_MEMORY=args.memory_limit)
    if args.threads:
        env["TRAFFICLIB_DUCKDB_THREADS"] = str(args.threads)
    print(f"{'events':>12} {'engine':<11} {'wall_s':>8} {'peak_MB':>9} {'sessions':>11} "
          f"{'time_ratio':>10} {'mem_ratio':>9} check")
    for size in (int(float(s)) for s in args.sizes.split(",")):
        path = OUT / f"events_{size}.parquet"
        if not path.exists():
            t0 = time.perf_counter()
            generate(path, size)
            print(f"# generated {path.name} in {time.perf_counter() - t0:.1f} s", flush=True)
        results = {"trafficlib": measure("trafficlib", path, env)}
        if size <= args.skip_pandas_above:
            results["pandas"] = measure("pandas", path, env)
        base = results["trafficlib"]
        for engine, r in results.items():
            if "error" in r:
                print(f"{size:>12,} {engine:<11} failed: {r['error']} (peak {r['peak_rss_mb']:,.0f} MB)")
                continue
            ratio_t = ratio_m = check = ""
            if engine != "trafficlib" and "error" not in base:
                ratio_t = f"{r['wall_s'] / base['wall_s']:.1f}x"
                ratio_m = f"{r['peak_rss_mb'] / base['peak_rss_mb']:.1f}x"
                same = all(r[k] == base[k] for k in ("sessions", "pageviews", "daily_rows")) and \
                    abs(r["revenue"] - base["revenue"]) < 0.01 * max(1, base["revenue"]) / 1e4
                check = "match" if same else "MISMATCH"
            print(f"{size:>12,} {engine:<11} {r['wall_s']:>8.1f} {r['peak_rss_mb']:>9,.0f} "
                  f"{r['sessions']:>11,} {ratio_t:>10} {ratio_m:>9} {check}", flush=True)
        if size > args.skip_pandas_above:
            print(f"{size:>12,} {'pandas':<11} skipped (--skip-pandas-above {args.skip_pandas_above:g})")


if __name__ == "__main__":
    main()
