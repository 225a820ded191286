"""What a media-mix fit gives: ROI, marginal ROI, contributions, response curves and
diagnostics, all computed from the posterior draws (NumPy, :mod:`.transforms`).

Money is in the spend's currency; the outcome in its own units (euros of revenue,
conversions, leads); ROI is outcome units per currency unit. Intervals are equal-tailed
90 % posterior intervals (5th and 95th percentiles), point values posterior medians.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trafficlib.mix.design import Design
from trafficlib.mix.model import _lags

__all__ = ["MixResult", "LOW", "HIGH"]

LOW, HIGH = 5, 95  # percentiles of the 90 % intervals
MAX_DRAWS = 1000   # draws used for derived quantities (contributions, curves, budget)


def _summary(draws: np.ndarray, axis: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (np.median(draws, axis=axis), np.percentile(draws, LOW, axis=axis),
            np.percentile(draws, HIGH, axis=axis))


@dataclass
class MixResult:
    """A fitted media-mix model. Build it with :func:`trafficlib.mix.fit`."""

    design: Design
    idata: object
    saturation: str = "hill"
    adstock: str = "geometric"
    lift: pd.DataFrame | None = None
    seconds: float = float("nan")
    seed: int = 0
    _p: dict = field(default_factory=dict, repr=False)      # thinned posterior draws, by parameter
    # figures of the observed history, computed once; not an init field, so dataclasses.replace starts afresh
    _cache: dict = field(default_factory=dict, init=False, repr=False)

    # ---- posterior draws -------------------------------------------------------------
    def draws(self, name: str, thin: bool = False) -> np.ndarray | None:
        """Posterior draws of a parameter, chains stacked: shape (draws, ...) or None."""
        post = self.idata.posterior
        if name not in post:
            return None
        a = post[name].values
        a = a.reshape((-1,) + a.shape[2:])
        return a[self._thin_index(len(a))] if thin else a

    def _thin_index(self, n: int) -> np.ndarray:
        if n <= MAX_DRAWS:
            return np.arange(n)
        return np.sort(np.random.default_rng(self.seed).choice(n, MAX_DRAWS, replace=False))

    def _params(self) -> dict:
        if not self._p:
            names = ("alpha", "theta", "half", "slope", "lam", "roi", "beta", "intercept", "trend", "season",
                     "control", "sigma", "mu")
            self._p.update({n: self.draws(n, thin=True) for n in names})
        return self._p

    @property
    def channels(self) -> list[str]:
        return self.design.channels

    # ---- the media curves, per draw ----------------------------------------------------
    def _weights(self) -> np.ndarray:
        """(D, l_max, C) adstock weights per draw, summing to 1."""
        p = self._params()
        lag = np.arange(self.design.l_max, dtype=float)[None, :, None]
        power = lag if p["theta"] is None else (lag - p["theta"][:, None, :]) ** 2
        w = p["alpha"][:, None, :] ** power
        return w / w.sum(axis=1, keepdims=True)

    def _shape(self, level: np.ndarray) -> np.ndarray:
        """Saturation of adstocked ``level`` (D, T, C) -> (D, T, C), in [0, 1)."""
        p = self._params()
        if self.saturation == "hill":
            with np.errstate(divide="ignore"):
                z = p["slope"][:, None, :] * (np.log(level + 1e-9) - np.log(p["half"][:, None, :]))
            # exactly 0 without media, as in the model
            return np.where(level > 0, 1.0 / (1.0 + np.exp(-z)), 0.0)
        e = np.exp(-p["lam"][:, None, :] * level)
        return (1 - e) / (1 + e)

    def effects(self, spend: np.ndarray | None = None, media: np.ndarray | None = None) -> np.ndarray:
        """Each channel's effect per period, in outcome units: (draws, T, C), for the
        observed media, another spend history ``spend`` (T, C; impressions at each
        channel's average CPM) or another scaled media history ``media`` (T, C)."""
        d = self.design
        observed = spend is None and media is None
        if observed and "_effects" in self._cache:
            return self._cache["_effects"]
        if media is None:
            media = d.media if spend is None else np.asarray(spend, float) * d.per_spend / d.scale
        level = np.einsum("ltc,dlc->dtc", _lags(media, d.l_max), self._weights())
        out = self._shape(level) * self._params()["beta"][:, None, :] * d.y_scale
        if observed:  # the report asks for the observed effects a few dozen times: computed once, read-only
            out.setflags(write=False)
            self._cache["_effects"] = out
        return out

    def weekly_response(self, spend) -> np.ndarray:
        """Steady-state effect per period of a constant spend per period ``spend`` (C,) or
        (n, C), per draw: (draws, C) or (draws, n, C), outcome units. A steady spend's
        adstocked level equals it (the weights sum to 1)."""
        d = self.design
        s = np.asarray(spend, float)
        level = (s * d.per_spend / d.scale)
        level = level[None, None, :] if level.ndim == 1 else level[None, :, :]
        out = self._shape(np.broadcast_to(level, (len(self._params()["beta"]),) + level.shape[1:]))
        out = out * self._params()["beta"][:, None, :] * d.y_scale
        return out[:, 0, :] if s.ndim == 1 else out

    # ---- what a manager reads ------------------------------------------------------------
    @property
    def roi(self) -> pd.DataFrame:
        """One row per channel: ``roi``, ``roi_lower``, ``roi_upper`` (outcome units per
        currency unit over the modelled periods; median and 90 % interval), ``spend``,
        ``contribution`` (+ ``_lower``/``_upper``) and ``share`` of the outcome."""
        d = self.design
        roi = self.draws("roi")
        eff = self.effects().sum(axis=1)
        r, rl, ru = _summary(roi)
        c, cl, cu = _summary(eff)
        total = d.y.sum() * d.y_scale
        return pd.DataFrame({"channel": d.channels, "roi": r, "roi_lower": rl, "roi_upper": ru,
                             "spend": d.spend.sum(axis=0), "contribution": c, "contribution_lower": cl,
                             "contribution_upper": cu, "share": c / total})

    def marginal_roi(self, step: float = 0.01) -> pd.DataFrame:
        """The return of the next currency unit at current spend: (effect of the spend
        history scaled by 1 + step - effect of it) / (step * spend), per channel, median
        and 90 % interval (``mroi``, ``mroi_lower``, ``mroi_upper``)."""
        key = ("marginal_roi", step)
        if key in self._cache:
            return self._cache[key].copy()
        d = self.design
        base = self.effects().sum(axis=1)
        m = np.empty_like(base)
        for j in range(len(d.channels)):
            more = d.media.copy()  # 1 % more of the channel's spend buys 1 % more of its media, week by week
            more[:, j] *= 1 + step
            m[:, j] = (self.effects(media=more)[:, :, j].sum(axis=1) - base[:, j]) / (step * d.spend[:, j].sum())
        v, lo, hi = _summary(m)
        self._cache[key] = pd.DataFrame({"channel": d.channels, "mroi": v, "mroi_lower": lo, "mroi_upper": hi})
        return self._cache[key].copy()

    def baseline_parts(self) -> dict[str, np.ndarray]:
        """Non-media parts per draw (draws, T), outcome units: base (intercept + trend),
        season, each control."""
        p, d = self._params(), self.design
        parts = {"base": (p["intercept"][:, None] + (p["trend"][:, None] * d.trend if p["trend"] is not None else 0))
                 * d.y_scale}
        if p["season"] is not None:
            parts["season"] = p["season"] @ d.season.T * d.y_scale
        if p["control"] is not None:
            for k, name in enumerate(d.control_names):
                parts[name] = p["control"][:, k, None] * d.controls[:, k][None, :] * d.y_scale
        return parts

    def contributions(self) -> pd.DataFrame:
        """Posterior-mean contribution of every part per period (index ``date``), outcome
        units: base, season, controls, then each channel; plus ``outcome`` (observed)."""
        d = self.design
        out = pd.DataFrame({k: v.mean(axis=0) for k, v in self.baseline_parts().items()}, index=d.dates)
        eff = self.effects().mean(axis=0)
        for j, c in enumerate(d.channels):
            out[c] = eff[:, j]
        out["outcome"] = d.y * d.y_scale
        out.index.name = "date"
        return out

    def response_curves(self, points: int = 41, upto: float = 2.5) -> pd.DataFrame:
        """Steady-state effect per period against spend per period, per channel, from 0 to
        ``upto`` times the channel's mean spend per period: ``channel``, ``spend``,
        ``response`` (median), ``lower``, ``upper``, and the channel's ``current`` mean spend."""
        d = self.design
        current = d.spend.mean(axis=0)
        grid = np.linspace(0, upto, points)[:, None] * current[None, :]
        r = self.weekly_response(grid)
        v, lo, hi = _summary(r)
        return pd.concat([pd.DataFrame({"channel": c, "spend": grid[:, j], "response": v[:, j], "lower": lo[:, j],
                                        "upper": hi[:, j], "current": current[j]})
                          for j, c in enumerate(d.channels)], ignore_index=True)

    # ---- how far to trust it ---------------------------------------------------------------
    def predictive(self) -> np.ndarray:
        """Posterior predictive draws of the outcome per period (draws, T), outcome units."""
        p = self._params()
        rng = np.random.default_rng(self.seed + 1)
        return (p["mu"] + rng.normal(size=p["mu"].shape) * p["sigma"][:, None]) * self.design.y_scale

    def fit_table(self) -> pd.DataFrame:
        """Per period: ``actual``, ``predicted`` (posterior mean), ``lower``/``upper`` (90 %
        predictive interval) and ``held_out`` (True for periods kept out of the fit)."""
        d = self.design
        pred = self.predictive()
        return pd.DataFrame({"date": d.dates, "actual": d.y * d.y_scale, "predicted": pred.mean(axis=0),
                             "lower": np.percentile(pred, LOW, axis=0), "upper": np.percentile(pred, HIGH, axis=0),
                             "held_out": ~d.train})

    def fit_metrics(self) -> dict:
        """MAPE (%) and R² on the fitted periods, MAPE (%) and the share of actuals inside
        the 90 % predictive interval on the held-out ones (NaN without a holdout)."""
        t = self.fit_table()
        out = {}
        for name, part in (("train", t[~t["held_out"]]), ("holdout", t[t["held_out"]])):
            if len(part):
                err = part["actual"] - part["predicted"]
                out[f"mape_{name}"] = float((err.abs() / part["actual"].abs().clip(lower=1e-9)).mean() * 100)
                out[f"r2_{name}"] = float(1 - (err ** 2).sum() / ((part["actual"] - part["actual"].mean()) ** 2).sum())
                out[f"coverage_{name}"] = float(part["actual"].between(part["lower"], part["upper"]).mean())
            else:
                out[f"mape_{name}"] = out[f"r2_{name}"] = out[f"coverage_{name}"] = float("nan")
        out["holdout_periods"] = int((~self.design.train).sum())
        return out

    def diagnostics(self) -> dict:
        """Convergence: ``rhat_max`` (worst split R-hat, ArviZ), ``rhat_worst`` (its
        parameter), ``ess_min`` (smallest bulk effective sample size), ``divergences``
        (after tuning), ``chains``, ``draws``, ``seconds``, ``ok``: R-hat <= 1.01, no
        divergence and ESS >= 400, the thresholds of Vehtari et al. (2021) and Stan; and
        ``verdict``: "good" (ok), "usable" (R-hat <= 1.05, divergences in at most 0.5 % of
        the draws, ESS >= 100: the figures hold, their intervals are a little rough) or
        "poor" (do not use the figures; rerun with more tuning or check the data)."""
        import arviz as az

        names = [n for n in ("roi", "alpha", "theta", "half", "slope", "lam", "intercept", "trend", "season",
                             "control", "sigma") if n in self.idata.posterior]
        rhat = az.rhat(self.idata, var_names=names)
        ess = az.ess(self.idata, var_names=names, method="bulk")
        worst, rmax = None, 0.0
        for n in names:
            v = float(np.nanmax(rhat[n].values))
            if v > rmax:
                worst, rmax = n, v
        emin = min(float(np.nanmin(ess[n].values)) for n in names)
        div = int(self.idata.sample_stats["diverging"].values.sum())
        post = self.idata.posterior
        ok = rmax <= 1.01 and div == 0 and emin >= 400
        total = int(post.sizes["chain"]) * int(post.sizes["draw"])
        usable = rmax <= 1.05 and div <= 0.005 * total and emin >= 100
        return {"rhat_max": rmax, "rhat_worst": worst, "ess_min": emin, "divergences": div,
                "chains": int(post.sizes["chain"]), "draws": int(post.sizes["draw"]), "seconds": self.seconds,
                "ok": ok, "verdict": "good" if ok else "usable" if usable else "poor"}

    # ---- the budget -------------------------------------------------------------------------
    def optimize(self, total: float | None = None, bounds: dict | None = None, weeks: int = 13,
                 reference: int = 13, default_bounds: tuple = (0.5, 1.5), spend_bounds: dict | None = None):
        """Where the next euro goes: the same ``total`` (over ``weeks``; default today's
        spend) spread over the channels within ``bounds`` (multiples of today's spend) or
        ``spend_bounds`` (currency per period). Returns a
        :class:`~trafficlib.mix.optimize.BudgetPlan`; see
        :func:`trafficlib.mix.optimize.optimize_budget`."""
        from trafficlib.mix.optimize import optimize_budget

        return optimize_budget(self, total=total, bounds=bounds, periods=weeks, reference=reference,
                               default_bounds=default_bounds, spend_bounds=spend_bounds)
