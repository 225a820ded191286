"""Which level prior gives honest campaign intervals? R CausalImpact's default
(``prior_level_sd=0.01``) against the kit's default (``"auto"``), side by side.

Run::

    .venv/bin/python benchmarks/causal_priors.py              # 200 series per case
    .venv/bin/python benchmarks/causal_priors.py --n 60       # quicker

Simulations (:mod:`trafficlib.causal.simulate`): daily series, 91 days before and 28
days of campaign; the outcome and its control share a drifting level (a random walk) and
a weekly pattern; the control is measured with noise; the campaign adds 5 % to the
outcome. For each scenario, ``n`` series with the planted lift (coverage: share of 95 %
intervals of the cumulative effect that contain the true one) and ``n`` without a lift
(false positives: share declared significant). Scenarios: ``drifting`` (the default
:class:`~trafficlib.causal.simulate.Scenario`), ``calm`` (a level that barely moves: the
case R's default prior is made for) and ``volatile`` (a faster drift, a noisier control).

Then R's two published cases (``../shared/data/causal``, skipped when absent): R's
example and the weekly Volkswagen case, both priors beside R's published figures.

Every fit is exact (no sampling), so the figures are reproducible to the digit.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from trafficlib.causal import causal_impact
from trafficlib.causal.simulate import Scenario, rates

SCENARIOS = {
    "drifting": Scenario(),
    "calm": Scenario(drift_sd=0.5),
    "volatile": Scenario(drift_sd=5.0, control_noise=20.0),
}
PRIORS = (("R default 0.01", 0.01), ("auto (default)", "auto"))
CAUSAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "causal"


def r_cases() -> list[tuple[str, pd.DataFrame, tuple, tuple, str, str]]:
    if not CAUSAL.is_dir():
        return []
    cmp_ = pd.read_csv(CAUSAL / "comparison_data.csv", index_col="DATE", parse_dates=True)
    vw = pd.read_csv(CAUSAL / "volks_data.csv", sep=" ", index_col="Date", parse_dates=True)
    return [("R example (daily)", cmp_, ("2019-04-16", "2019-07-14"), ("2019-07-15", "2019-08-01"), "CHANGED",
             "-0.83 % [-2.6 %, +1.0 %], p 0.20"),
            ("Volkswagen (weekly)", vw, ("2011-01-02", "2015-09-13"), ("2015-09-20", "2017-03-19"), "VolksWagen",
             "-26 % [-32 %, -19 %], p 0.001")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200, help="series per scenario and case (default 200)")
    args = ap.parse_args()
    print(f"{'scenario':<10} {'prior':<16} {'coverage':>9} {'false pos':>10} {'power':>6} {'width/lift':>11} {'s':>6}")
    for name, sc in SCENARIOS.items():
        for label, prior in PRIORS:
            t0 = time.perf_counter()
            r = rates(args.n, sc, prior_level_sd=prior)
            print(f"{name:<10} {label:<16} {r['coverage']:>9.1%} {r['fpr']:>10.1%} {r['power']:>6.0%} "
                  f"{r['width']:>11.2f} {time.perf_counter() - t0:>6.1f}", flush=True)
    cases = r_cases()
    if not cases:
        print(f"\n(R's published cases skipped: no {CAUSAL})")
        return
    print(f"\n{'case':<22} {'prior':<16} {'relative effect [95 %]':<28} {'p':>7}   R published")
    for name, data, pre, post, y, published in cases:
        for label, prior in PRIORS:
            res = causal_impact(data, pre, post, y=y, prior_level_sd=prior, compare_prior=False)
            a = res.summary.loc["average"]
            eff = f"{a['rel_effect']:+.2%} [{a['rel_effect_lower']:+.2%}, {a['rel_effect_upper']:+.2%}]"
            print(f"{name:<22} {label:<16} {eff:<28} {res.p_value:>7.4f}   {published}")


if __name__ == "__main__":
    main()
