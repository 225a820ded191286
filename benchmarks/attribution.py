"""Benchmark: trafficlib.attribution against channelattribution on the same path tables.

Path tables of 12 channels, mean length 4 touches per user (geometric lengths, a
quarter of touches repeat the previous channel, conversion odds rising with each
touch), aggregated to unique paths as ChannelAttribution's format
(``path``, ``conversions``, ``value``, ``nulls``), at 100 k, 300 k and 1 M users.
For each size, in the same run and alternating ours/theirs ``--repeats`` times
(default 3, best of each kept): our exact Markov (order 1) against
channelattribution's ``markov_model`` (order 1, default Monte Carlo settings), and our
``heuristic_models`` (6 models) against its ``heuristic_models`` (3 models). Every
call gets a fresh copy of the table (no cache can help). Printed: wall seconds and
CPU seconds of the calling process (the machine is shared: CPU time is the steadier
measure), the speed ratios (theirs / ours) and the largest relative difference of
attributed conversions (channels with at least 1 % of conversions).

``--demo-journeys`` adds the earlier series (the demo shop's touchpoint model, one row
per journey) with order 2 and the converged 1e7-simulation reference.

Run: ``.venv/bin/python benchmarks/attribution.py`` (``--sizes 100000`` for a quick run).
Figures: see the README's performance table.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time

import numpy as np
import pandas as pd

from trafficlib import attribution as at
from trafficlib.datasets import calendar, touchpoints

with contextlib.redirect_stdout(io.StringIO()):
    import ChannelAttribution as ca


CHANNELS = ["Affiliates", "Direct", "Display", "Email", "Organic Search", "Organic Shopping",
            "Organic Social", "Paid Search", "Paid Shopping", "Paid Social", "Referral", "SMS"]


def path_table(users: int, seed: int = 0, mean_length: float = 4.0) -> pd.DataFrame:
    """A path table of ``users`` journeys over 12 channels, aggregated to unique paths.

    Lengths are geometric with mean ``mean_length``; channels follow Zipf-like weights;
    a touch repeats the previous channel with probability 0.25; each channel raises
    the conversion odds by its own effect; converting users have a gamma value.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng(seed)
    k = len(CHANNELS)
    lengths = rng.geometric(1.0 / mean_length, users)
    n = int(lengths.sum())
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    weights = 1.0 / np.arange(1, k + 1) ** 0.8
    codes = rng.choice(k, n, p=weights / weights.sum())
    repeat = rng.random(n) < 0.25
    repeat[starts] = False
    codes = codes[np.maximum.accumulate(np.where(repeat, 0, np.arange(n)))]
    effect = np.linspace(0.02, 0.12, k)[rng.permutation(k)]
    odds = np.add.reduceat(np.log1p(effect[codes]), starts)
    converted = rng.random(users) < 0.6 * (1 - np.exp(-odds))
    value = np.where(converted, rng.gamma(2.0, 40.0, users).round(2), 0.0)
    lists = pa.ListArray.from_arrays(pa.array(np.r_[starts, n].astype(np.int32)),
                                     pa.array(np.asarray(CHANNELS, dtype=object)[codes], pa.string()))
    table = pd.DataFrame({"path": pc.binary_join(lists, at.SEP).to_numpy(zero_copy_only=False),
                          "conversions": converted.astype(float), "value": value,
                          "nulls": (~converted).astype(float)})
    return table.groupby("path", as_index=False, sort=True).sum()


def generated_paths(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` journeys from the demo touchpoint model as a path table (one row each)."""
    rng = calendar.rng(seed, "touchpoints-bench")
    users = int(n / (1 + touchpoints.RETURNING)) + 1
    t, _ = touchpoints.simulate(rng, users)
    names = np.asarray(touchpoints.CHANNELS, dtype=object)
    t["name"] = names[t["channel"].to_numpy()]
    g = t.groupby("journey", sort=True)
    out = pd.DataFrame({"path": g["name"].agg(at.SEP.join), "conversions": g["conversion"].max().astype(float),
                        "value": g["conversion_value"].sum()})
    out["nulls"] = 1.0 - out["conversions"]
    return out.head(n).reset_index(drop=True)


def _time(fn, *a, **kw):
    """(wall seconds, result); the CPU seconds of the call are left in ``_time.cpu``."""
    t0, c0 = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        out = fn(*a, **kw)
    _time.cpu = time.process_time() - c0
    return time.perf_counter() - t0, out


def _maxdiff(ours: pd.Series, ref: pd.Series) -> tuple[float, str]:
    big = ours > 0.01 * ours.sum()
    rel = (ref.reindex(ours.index).fillna(0) / ours - 1).abs()[big]
    return float(rel.max()), str(rel.idxmax())


def _best(fn, paths, repeats, **kw):
    """Best time of ``repeats`` calls, each on a fresh copy of the table."""
    best, out = float("inf"), None
    for _ in range(repeats):
        t, out = _time(fn, paths.copy(), **kw)
        best = min(best, t)
    return best, out


def _markov_ref(paths, order, nsim):
    return ca.markov_model(paths, "path", "conversions", var_value="value", var_null="nulls", order=order,
                           nsim_start=nsim, verbose=False, flg_pro=False)


def _heur_ref(paths):
    return ca.heuristic_models(paths, "path", "conversions", var_value="value", flg_pro=False)


def _heuristic_diff(h: pd.DataFrame, r: pd.DataFrame) -> float:
    h, r = h.set_index("channel"), r.set_index("channel_name")
    return max(_maxdiff(h[m], r[f"{c}_conversions"])[0]
               for m, c in [("first_touch", "first_touch"), ("last_touch", "last_touch"), ("linear", "linear_touch")])


def _compare(rows, label, n, paths, repeats, ours_fn, ref_fn, model, reference, diff):
    """Alternate ours and theirs ``repeats`` times; keep the best time of each."""
    t_ours, t_ref, c_ours, c_ref, ours, ref = (float("inf"),) * 4 + (None, None)
    for _ in range(repeats):
        t, ours = _time(ours_fn, paths.copy())
        t_ours, c_ours = min(t_ours, t), min(c_ours, _time.cpu)
        t, ref = _time(ref_fn, paths.copy())
        t_ref, c_ref = min(t_ref, t), min(c_ref, _time.cpu)
    d, ch = diff(ours, ref)
    rows.append({"series": label, "users": n, "unique_paths": len(paths), "model": model, "reference": reference,
                 "ours_s": t_ours, "reference_s": t_ref, "ratio": t_ref / t_ours,
                 "ours_cpu_s": c_ours, "reference_cpu_s": c_ref, "cpu_ratio": c_ref / c_ours,
                 "max_diff": d, "channel": ch})
    print(rows[-1], flush=True)


def run(sizes: list[int], repeats: int = 3, demo_journeys: bool = False, converged: bool = True) -> pd.DataFrame:
    rows = []
    warm = path_table(2000)  # import and first-call costs out of the timings, both sides
    for order in (1, 2):
        _time(at.markov_model, warm, order=order)
        _time(_markov_ref, warm, order, 1e4)
    _time(at.heuristic_models, warm)
    _time(_heur_ref, warm)
    mk_diff = lambda o, r: _maxdiff(o.set_index("channel")["conversions"], r.set_index("channel_name")["total_conversions"])
    for n in sizes:
        paths = path_table(n)
        lengths = paths["path"].str.count(">") + 1
        users = paths["conversions"] + paths["nulls"]
        print(f"\n{n:,} users: {len(paths):,} unique paths, {paths['conversions'].sum():,.0f} conversions, "
              f"{(lengths * users).sum() / users.sum():.2f} touches per user", flush=True)
        _compare(rows, "12 channels", n, paths, repeats, lambda p: at.markov_model(p, order=1),
                 lambda p: _markov_ref(p, 1, 1e5), "markov order 1 (exact)", "markov_model order 1 (nsim 1e5, default)",
                 mk_diff)
        _compare(rows, "12 channels", n, paths, repeats, at.heuristic_models, _heur_ref,
                 "heuristic_models (6 models)", "heuristic_models (3 models)", lambda o, r: (_heuristic_diff(o, r), ""))
    if demo_journeys:
        for n in sizes:
            paths = generated_paths(n)
            for order in (1, 2):
                sims = [("1e5 (default)", 1e5)] + ([("1e7", 1e7)] if converged else [])
                for label, ns in sims:
                    _compare(rows, "demo journeys", n, paths, 1, lambda p, o=order: at.markov_model(p, order=o),
                             lambda p, o=order, s=ns: _markov_ref(p, o, s), f"markov order {order}",
                             f"markov nsim {label}", mk_diff)
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000], help="users per table")
    ap.add_argument("--repeats", type=int, default=3, help="alternating runs per comparison (best kept)")
    ap.add_argument("--demo-journeys", action="store_true", help="add the demo-journey series (orders 1-2, 1e7 sims)")
    ap.add_argument("--no-converged", action="store_true", help="demo series: skip channelattribution with 1e7 simulations")
    args = ap.parse_args(argv)
    res = run(args.sizes, repeats=args.repeats, demo_journeys=args.demo_journeys, converged=not args.no_converged)
    pd.set_option("display.width", 220)
    print("\n" + res.to_string(index=False, formatters={
        "ours_s": "{:.3f}".format, "reference_s": "{:.3f}".format, "ratio": "{:.1f}x".format,
        "ours_cpu_s": "{:.3f}".format, "reference_cpu_s": "{:.3f}".format, "cpu_ratio": "{:.1f}x".format,
        "max_diff": "{:.2%}".format}))


if __name__ == "__main__":
    main(sys.argv[1:])
