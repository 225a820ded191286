"""A seeded media-mix simulator with planted, known truths.

``simulate(seed)`` writes the weekly history of a shop spending on several channels and
returns the data a media-mix model sees plus the truth it should recover:

- **spend** per channel, in one of three buying styles: *always on* (search: a steady
  level with noise and a yearly swing), *bursts* (TV, YouTube, display: flights of 2-6
  weeks on, 1-5 off) and *steps* (social: a level that changes every quarter);
- **impressions** = spend / CPM (a planted CPM per channel, with noise);
- **the outcome** (revenue, in the spend's currency) = baseline + trend + yearly
  seasonality (two Fourier pairs) + a promotion control + the media effects + Normal noise;
- **media effect** of channel c in week t = ``beta_c * hill(adstock(spend_c / scale_c))``
  (:mod:`trafficlib.mix.transforms`, weights normalized), with ``beta_c`` set so that the
  channel's ROI over the simulated weeks is exactly the planted ``roi_c``.

Planted ranges (drawn per seed): ROI 0.5-4.0; adstock decay by channel family (search
0-0.3, social and display 0.1-0.5, video 0.3-0.7, TV 0.4-0.8, others 0.05-0.7); Hill
half-saturation 0.5-1.5 times the channel's usual weekly spend, slope 1.0-2.2; media
bring 20-40 % of the outcome; noise 4 % of the baseline. These are the model's domain,
not its priors: the priors of :mod:`trafficlib.mix.model` are wider and are not centred
on them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trafficlib.mix.transforms import geometric_adstock, hill

__all__ = ["CHANNELS", "Simulation", "simulate"]

CHANNELS = ("google_search", "meta", "display", "youtube", "microsoft", "tv")

# (buying style, adstock decay range, weekly spend range when on, CPM range)
_FAMILIES = {
    "search": ("always_on", (0.0, 0.3), (4000, 15000), (15, 40)),
    "microsoft": ("always_on", (0.0, 0.3), (800, 3000), (12, 30)),
    "meta": ("steps", (0.1, 0.5), (3000, 10000), (5, 12)),
    "social": ("steps", (0.1, 0.5), (2000, 8000), (5, 12)),
    "display": ("bursts", (0.1, 0.5), (2000, 8000), (1.5, 4)),
    "youtube": ("bursts", (0.3, 0.7), (3000, 10000), (6, 15)),
    "video": ("bursts", (0.3, 0.7), (3000, 10000), (6, 15)),
    "tv": ("bursts", (0.4, 0.8), (15000, 40000), (8, 20)),
}
_OTHER = ("steps", (0.05, 0.7), (2000, 10000), (4, 20))


def _family(name: str):
    low = name.lower()
    for key, fam in _FAMILIES.items():
        if key in low:
            return fam
    return _OTHER


@dataclass
class Simulation:
    """What :func:`simulate` returns.

    ``data``: one row per week: ``date`` (Monday), a spend column per channel (currency
    units), ``<channel>_impressions``, the outcome column and the ``promo`` control.
    ``truth``: one row per channel: ``roi`` (outcome per currency unit over the weeks),
    ``alpha``, ``half``, ``slope`` (of the Hill curve, in units of ``scale``), ``scale``
    (the channel's mean weekly spend when on), ``beta`` (maximum weekly effect, outcome
    units), ``spend`` and ``contribution`` over the weeks.
    ``parts``: the weekly components (baseline, trend, season, promo, each channel, noise)."""

    data: pd.DataFrame
    truth: pd.DataFrame
    parts: pd.DataFrame
    outcome: str = "revenue"
    channels: list[str] = field(default_factory=list)
    l_max: int = 8
    seed: int = 0

    def weekly_response(self, spend) -> np.ndarray:
        """True weekly effect of each channel at a steady weekly ``spend`` (array in channel
        order or {channel: spend}), in outcome units: ``beta * hill(spend / scale)`` (a steady
        spend's adstocked level equals the spend, the weights summing to 1)."""
        t = self.truth.loc[self.channels]
        s = np.array([spend[c] for c in self.channels], float) if isinstance(spend, dict) else np.asarray(spend, float)
        return t["beta"].to_numpy() * hill(s / t["scale"].to_numpy(), t["half"].to_numpy(), t["slope"].to_numpy())


def _spend(r: np.random.Generator, style: str, level: float, weeks: int) -> np.ndarray:
    t = np.arange(weeks)
    if style == "always_on":
        swing = 1 + 0.25 * np.sin(2 * np.pi * (t + r.uniform(0, 52)) / 52.18)
        return level * swing * r.lognormal(0, 0.25, weeks)
    if style == "steps":
        out = np.empty(weeks)
        for start in range(0, weeks, 13):
            out[start:start + 13] = level * r.uniform(0.4, 1.6)
        return out * r.lognormal(0, 0.2, weeks)
    out = np.zeros(weeks)  # bursts
    week = int(r.integers(0, 4))
    while week < weeks:
        on = int(r.integers(2, 7))
        out[week:week + on] = level * r.uniform(0.6, 1.4) * r.lognormal(0, 0.15, min(on, weeks - week))
        week += on + int(r.integers(1, 6))
    return out


def simulate(seed: int = 0, weeks: int = 104, channels=CHANNELS, start: str = "2024-11-04",
             outcome: str = "revenue", l_max: int = 8) -> Simulation:
    """A seeded weekly history with planted ROIs and adstock (see the module's docstring).

    Same seed, same numbers. ``channels``: names (their family sets the buying style and
    adstock range: search, microsoft, meta/social, display, youtube/video, tv, other)."""
    r = np.random.default_rng([seed, 29])
    channels = list(channels)
    dates = pd.date_range(pd.Timestamp(start), periods=weeks, freq="7D")
    t = np.arange(weeks)
    data = pd.DataFrame({"date": dates})
    rows = []
    effects = {}
    for name in channels:
        style, decay, level_range, cpm = _family(name)
        level = r.uniform(*level_range)
        spend = _spend(r, style, level, weeks)
        on = spend > 0
        scale = float(spend[on].mean()) if on.any() else 1.0
        alpha, half, slope, roi = r.uniform(*decay), r.uniform(0.5, 1.5), r.uniform(1.0, 2.2), r.uniform(0.5, 4.0)
        shape = hill(geometric_adstock(spend / scale, alpha, l_max), half, slope)
        beta = roi * spend.sum() / shape.sum()
        effects[name] = beta * shape
        data[name] = spend.round(2)
        data[f"{name}_impressions"] = np.round(spend / r.uniform(*cpm) * 1000 * r.lognormal(0, 0.05, weeks))
        rows.append({"channel": name, "roi": roi, "alpha": alpha, "half": half, "slope": slope, "scale": scale,
                     "beta": beta, "spend": spend.sum(), "contribution": effects[name].sum()})
    truth = pd.DataFrame(rows).set_index("channel")
    # recompute ROI from the rounded spend so that the truth is exactly the data's
    truth["spend"] = [data[c].sum() for c in channels]
    truth["roi"] = truth["contribution"] / truth["spend"]
    media = sum(effects.values()) if effects else np.zeros(weeks)
    share = r.uniform(0.2, 0.4)
    base_level = media.mean() * (1 - share) / share
    trend = base_level * r.uniform(-0.15, 0.25) * t / weeks
    phase = r.uniform(0, 2 * np.pi, 2)
    season = base_level * (r.uniform(0.06, 0.15) * np.sin(2 * np.pi * t / 52.18 + phase[0])
                           + r.uniform(0.02, 0.06) * np.sin(4 * np.pi * t / 52.18 + phase[1]))
    promo = (r.random(weeks) < 0.12).astype(float)
    promo_effect = base_level * r.uniform(0.03, 0.08) * promo
    noise = r.normal(0, 0.04 * base_level, weeks)
    data["promo"] = promo
    data[outcome] = (base_level + trend + season + promo_effect + media + noise).round(2)
    parts = pd.DataFrame({"date": dates, "baseline": base_level, "trend": trend, "season": season,
                          "promo": promo_effect, **effects, "noise": noise})
    return Simulation(data=data, truth=truth, parts=parts, outcome=outcome, channels=channels, l_max=l_max,
                      seed=seed)
