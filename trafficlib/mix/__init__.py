"""Media-mix modelling: what each channel really brought, and where the next euro goes.

    from trafficlib import mix
    result = mix.fit(weekly, outcome="revenue", channels=["google_search", "meta", "tv"],
                     controls=["promo"], holidays="FR")
    result.roi                 # channel, roi, roi_lower, roi_upper (90 %), contribution...
    result.marginal_roi()      # the return of the next euro at today's spend
    result.optimize()          # same budget, better split, expected uplift with its interval
    result.diagnostics()       # R-hat, divergences, effective sample size

The model (:mod:`.model`) is a Bayesian regression with adstock and saturation per
channel and ROI priors, fitted by PyMC's NUTS sampler; :mod:`.design` checks and scales
the table; :mod:`.result` turns the posterior into figures; :mod:`.optimize` is the
budget planner; :mod:`.calibration` reads lift results (experiments, post-mortems);
:mod:`.simulate` is the seeded simulator with planted ROIs that the tests
and ``benchmarks/mix_*.py`` check the whole against; :mod:`.inputs` builds the weekly
table from the ad platforms' downloads and an outcome file.

Why our own PyMC model rather than PyMC-Marketing's ``MMM`` class: ROI priors and lift
calibration in outcome units (Meridian's approach) and a leaner graph that fits a
two-year, six-channel model in under a minute on two cores; PyMC-Marketing's
transformers are the reference the tests compare ours with, and its default fit stands
beside ours in ``benchmarks/mix_fit.py``.
"""
from __future__ import annotations

import time

import pandas as pd

from trafficlib.mix.calibration import lift_from_causal, lift_table, read_lift
from trafficlib.mix.design import Design, prepare
from trafficlib.mix.model import Priors, build, sample
from trafficlib.mix.optimize import BudgetPlan, allocate, optimize_budget
from trafficlib.mix.result import MixResult
from trafficlib.mix.simulate import Simulation, simulate

__all__ = ["fit", "lift_table", "lift_from_causal", "read_lift", "MixResult", "Priors", "Design", "BudgetPlan",
           "Simulation", "simulate", "prepare", "allocate", "optimize_budget"]


def fit(data: pd.DataFrame, outcome: str, channels, controls=(), date: str = "date", media: str = "spend",
        saturation: str = "hill", adstock: str = "geometric", l_max: int | None = None, seasonality="auto",
        holidays: str | None = None, trend: bool = True, priors: Priors | None = None, lift=None,
        holdout: int = 8, draws: int = 1000, tune: int = 1000, chains: int = 4, cores: int | None = None,
        target_accept: float = 0.95, seed: int = 0, progress: bool = False, sampler: str = "nutpie",
        where: str = "the mix table") -> MixResult:
    """Fit the media-mix model to ``data`` (one row per week or per day); returns a
    :class:`MixResult` (``.roi``, ``.marginal_roi()``, ``.contributions()``,
    ``.response_curves()``, ``.diagnostics()``, ``.fit_metrics()``, ``.optimize()``).

    ``channels``: the spend columns (currency units); ``controls``: other columns that move
    the outcome (price, promotions, competitor pressure); ``holidays``: a country code.
    ``holdout``: the last periods kept out of the fit to test it on periods it did not see
    (8 by default; 0 to fit on all). ``lift``: lift results to calibrate with (see
    :func:`lift_table`). ``draws``/``tune``/``chains``: NUTS settings (4 chains of 1,000 after
    1,000 warm-up steps, the PyMC defaults); ``sampler``: "nutpie" or "pymc". See
    :mod:`trafficlib.mix.model` for the model
    and its priors."""
    design = prepare(data, outcome, channels, controls=controls, date=date, media=media, l_max=l_max,
                     seasonality=seasonality, holidays=holidays, trend=trend, holdout=holdout, where=where)
    lift_rows = lift_table(lift, design.channels, where) if lift is not None else None
    model = build(design, priors, saturation=saturation, adstock=adstock, lift=lift_rows)
    start = time.perf_counter()
    idata = sample(model, draws=draws, tune=tune, chains=chains, cores=cores, target_accept=target_accept, seed=seed,
                   progress=progress, sampler=sampler)
    return MixResult(design=design, idata=idata, saturation=saturation, adstock=adstock, lift=lift_rows,
                     seconds=time.perf_counter() - start, seed=seed)
