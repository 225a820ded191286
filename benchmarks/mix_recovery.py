"""Does the media-mix model find what was planted? Over seeded simulations
(:func:`trafficlib.mix.simulate`: two years, six channels, planted ROI, adstock and
saturation), this checks the issue's two targets:

- **ROI coverage**: the share of channels whose 90 % ROI interval holds the true ROI
  (target: at least 80 %);
- **the optimiser**: the uplift of the model's reallocation, valued with the TRUE
  response curves, against the uplift of the true optimum under the same total and
  bounds (0.5-1.5x today's spend, 13 weeks; target: at least 90 %). Reported per seed,
  as the median, the minimum and the pooled ratio (sum of gains / sum of optimal gains).

Run::

    .venv/bin/python benchmarks/mix_recovery.py               # 20 seeds, ~15 min on 2 cores
    .venv/bin/python benchmarks/mix_recovery.py --seeds 3     # quicker

Each fit uses the defaults of :func:`trafficlib.mix.fit` (4 chains x 1,000 draws, nutpie).
"""
from __future__ import annotations

import argparse
import time
import warnings

import pandas as pd

from trafficlib import mix


def one(seed: int, **fit_args) -> dict:
    """Fit seed ``seed``; returns its coverage, optimiser gain and diagnostics."""
    sim = mix.simulate(seed)
    res = mix.fit(sim.data, "revenue", sim.channels, controls=["promo"], seed=seed, **fit_args)
    roi = res.roi.set_index("channel")
    true = sim.truth["roi"]
    inside = (roi["roi_lower"] <= true) & (true <= roi["roi_upper"])
    plan = res.optimize()
    t = plan.table
    current, lower, upper = (t[c].to_numpy() for c in ("current", "lower_bound", "upper_bound"))

    def value(s):
        return float(sim.weekly_response(s).sum()) * plan.summary["periods"]

    best = mix.allocate(value, current, current.sum(), lower, upper)
    ours = value(t["recommended"].to_numpy()) - value(current)
    optimum = value(best) - value(current)
    dg = res.diagnostics()
    return {"seed": seed, "covered": int(inside.sum()), "channels": len(inside),
            "missed": ", ".join(f"{c} ({true[c]:.2f} not in "
                                f"{roi.loc[c, 'roi_lower']:.2f}-{roi.loc[c, 'roi_upper']:.2f})"
                                for c in inside[~inside].index),
            "gain": ours / optimum if optimum > 0 else float("nan"), "uplift_ours": ours, "uplift_best": optimum,
            "rhat_max": dg["rhat_max"], "divergences": dg["divergences"], "ess_min": dg["ess_min"],
            "holdout_mape": res.fit_metrics()["mape_holdout"], "seconds": res.seconds}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=20, help="number of simulated shops (seeds 0..n-1), default 20")
    ap.add_argument("--first", type=int, default=0, help="first seed (default 0)")
    ap.add_argument("--holdout", type=int, default=None, help="weeks held out of the fit (default: mix.fit's)")
    args = ap.parse_args(argv)
    fit_args = {} if args.holdout is None else {"holdout": args.holdout}
    warnings.filterwarnings("ignore")
    rows = []
    start = time.perf_counter()
    for seed in range(args.first, args.first + args.seeds):
        rows.append(one(seed, **fit_args))
        r = rows[-1]
        print(f"seed {seed:2d}: {r['covered']}/{r['channels']} ROI intervals cover the truth, optimiser gain "
              f"{r['gain']:.1%}, R-hat {r['rhat_max']:.3f}, {r['divergences']} divergences, {r['seconds']:.0f} s"
              + (f"; missed {r['missed']}" if r["missed"] else ""), flush=True)
    frame = pd.DataFrame(rows)
    coverage = frame["covered"].sum() / frame["channels"].sum()
    pooled = frame["uplift_ours"].sum() / frame["uplift_best"].sum()
    print(f"\n{len(frame)} seeds in {time.perf_counter() - start:.0f} s")
    print(f"ROI coverage: {coverage:.1%} of {frame['channels'].sum()} channel intervals (target >= 80 %): "
          + ("met" if coverage >= 0.8 else "NOT met"))
    print(f"optimiser gain vs the true optimum: median {frame['gain'].median():.1%}, "
          f"minimum {frame['gain'].min():.1%}, "
          f"pooled {pooled:.1%}, seeds >= 90 %: {(frame['gain'] >= 0.9).sum()}/{len(frame)} (target >= 90 %): "
          + ("met" if pooled >= 0.9 and frame["gain"].median() >= 0.9 else "NOT met"))
    print(f"fit time: median {frame['seconds'].median():.0f} s, max {frame['seconds'].max():.0f} s; "
          f"max R-hat {frame['rhat_max'].max():.3f}; divergences in {(frame['divergences'] > 0).sum()} seeds")
    return 0 if coverage >= 0.8 and pooled >= 0.9 else 1


if __name__ == "__main__":
    raise SystemExit(main())
