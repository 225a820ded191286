"""Demo shop part: marketing touchpoints with planted causal channel effects.

The generative model (one *journey* = the contacts a user would have had, planned in
advance):

- ~75 k users at scale 1; 12 % of them come back for a second, independent journey
  40-120 days after the first one ended;
- a journey has ``K`` planned touches (geometric, mean ≈ 3, at most 15), a few days
  apart; the first touch is drawn from a discovery mix (search, social, display), later
  touches from a mix with more Email and Direct;
- each touch of channel ``c`` converts the user with probability ``p_c`` (a constant
  per-touch hazard), so a journey converts with probability ``1 - Π (1 - p_c)`` over its
  planned touches and stops at the converting touch;
- Direct is mostly a **closer**: once a user has decided (the decision caused by the
  touch above), 20 % of them come back through a Direct visit to buy, and that visit
  carries the conversion. Those closing visits have no causal effect; Direct's own
  hazard is small.

The truth, computed exactly from the planned journeys and ``p_c``: removing channel
``c`` (its touches) changes a journey's conversion probability from ``1 - Π_all`` to
``1 - Π_{not c}``; the expected conversions lost, summed over journeys and normalised to
the total conversions, are the channel's true incremental conversions.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib.datasets import calendar

CHANNELS = ["Organic Search", "Paid Search", "Direct", "Email", "Paid Social",
            "Organic Social", "Display", "Referral", "Affiliates"]

#: per-touch conversion hazard (the planted causal effect of one contact)
HAZARD = {"Organic Search": 0.040, "Paid Search": 0.060, "Direct": 0.008, "Email": 0.075,
          "Paid Social": 0.020, "Organic Social": 0.012, "Display": 0.005, "Referral": 0.035,
          "Affiliates": 0.030}
FIRST_MIX = {"Organic Search": 0.26, "Paid Search": 0.18, "Direct": 0.08, "Email": 0.03,
             "Paid Social": 0.14, "Organic Social": 0.08, "Display": 0.13, "Referral": 0.06,
             "Affiliates": 0.04}
LATER_MIX = {"Organic Search": 0.20, "Paid Search": 0.14, "Direct": 0.22, "Email": 0.16,
             "Paid Social": 0.07, "Organic Social": 0.05, "Display": 0.06, "Referral": 0.05,
             "Affiliates": 0.05}
DIRECT_CLOSER = 0.20
USERS_AT_SCALE_1 = 75_000
RETURNING = 0.12
MEAN_GAP_DAYS = 2.5
MAX_TOUCHES = 15


def simulate(rng: np.random.Generator, n_users: int) -> tuple[pd.DataFrame, dict]:
    """Simulate journeys; returns (touches, truth).

    ``touches`` has one row per observed touch: ``journey``, ``user`` (int), ``day``
    (float days since the demo start), ``channel`` (code into :data:`CHANNELS`),
    ``conversion`` (0/1, on the touch carrying the conversion), ``conversion_value``.
    ``truth`` holds the exact expected incremental conversions per channel.
    """
    k = len(CHANNELS)
    hz = np.array([HAZARD[c] for c in CHANNELS])
    first_p = np.array([FIRST_MIX[c] for c in CHANNELS])
    later_p = np.array([LATER_MIX[c] for c in CHANNELS])
    n_days = len(calendar.days())
    # journeys: every user has one, some a second one
    second = rng.random(n_users) < RETURNING
    j_user = np.r_[np.arange(n_users), np.flatnonzero(second)]
    j_second = np.r_[np.zeros(n_users, bool), np.ones(second.sum(), bool)]
    nj = len(j_user)
    K = np.minimum(rng.geometric(0.33, nj), MAX_TOUCHES)
    off = np.r_[0, np.cumsum(K)[:-1]]
    n = int(K.sum())
    jid = np.repeat(np.arange(nj), K)
    pos = np.arange(n) - off[jid]
    # channels: first touch from the discovery mix, later touches from the later mix
    ch = np.where(pos == 0, rng.choice(k, n, p=first_p), rng.choice(k, n, p=later_p))
    # timing: first journey starts anywhere in the first 11 months; gaps ~ exponential
    gaps = np.where(pos == 0, 0.0, rng.exponential(MEAN_GAP_DAYS, n) + 0.02)
    rel = np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[off], K)
    start = rng.uniform(0, n_days - 75, nj)
    span = rel[off + K - 1]
    first_of_user = np.zeros(n_users)
    first_of_user[j_user[~j_second]] = start[~j_second] + span[~j_second]
    start[j_second] = first_of_user[j_user[j_second]] + rng.uniform(40, 120, j_second.sum())
    day = np.repeat(start, K) + rel
    # truth from planned journeys: P(convert) and expected loss without each channel
    log_keep = np.log1p(-hz[ch])
    logS = np.bincount(jid, weights=log_keep, minlength=nj)
    logS_c = np.bincount(jid * k + ch, weights=log_keep, minlength=nj * k).reshape(nj, k)
    p_all = 1 - np.exp(logS)
    p_without = 1 - np.exp(logS[:, None] - logS_c)
    lost = (p_all[:, None] - p_without).sum(axis=0)
    # conversion: first touch whose draw succeeds; the journey stops there
    success = rng.random(n) < hz[ch]
    big = np.iinfo(np.int64).max
    conv_pos = np.minimum.reduceat(np.where(success, pos, big), off)
    converted = conv_pos < big
    keep = pos <= np.where(converted, conv_pos, big)[jid]
    closer = converted & (rng.random(nj) < DIRECT_CLOSER)
    value = np.round(rng.lognormal(np.log(72.0), 0.6, nj), 2)
    t = pd.DataFrame({"journey": jid[keep], "user": j_user[jid[keep]], "day": day[keep],
                      "channel": ch[keep], "conversion": 0, "conversion_value": 0.0})
    last_idx = np.flatnonzero(np.r_[t["journey"].to_numpy()[1:] != t["journey"].to_numpy()[:-1], True])
    last_j = t["journey"].to_numpy()[last_idx]
    direct = CHANNELS.index("Direct")
    # converting journeys without a closer: the converting touch carries the conversion
    plain = last_idx[converted[last_j] & ~closer[last_j]]
    t.loc[plain, "conversion"] = 1
    t.loc[plain, "conversion_value"] = value[t["journey"].to_numpy()[plain]]
    cj = np.flatnonzero(closer)
    extra = pd.DataFrame({"journey": cj, "user": j_user[cj],
                          "day": day[off[cj] + conv_pos[cj]] + rng.uniform(0.05, 2.0, len(cj)),
                          "channel": direct, "conversion": 1, "conversion_value": value[cj]})
    t = pd.concat([t, extra], ignore_index=True).sort_values(["journey", "day"], kind="stable")
    total_conv = int(converted.sum())
    share = lost / lost.sum()
    truth = {
        "channels": list(CHANNELS),
        "hazard": dict(HAZARD),
        "direct_closer_rate": DIRECT_CLOSER,
        "users": int(n_users),
        "journeys": int(nj),
        "conversions": total_conv,
        "expected_conversions": float(p_all.sum()),
        "expected_lost": {c: float(x) for c, x in zip(CHANNELS, lost)},
        "true_share": {c: float(x) for c, x in zip(CHANNELS, share)},
        "incremental_conversions": {c: float(x) for c, x in zip(CHANNELS, share * total_conv)},
    }
    return t.reset_index(drop=True), truth


def generate(out_dir: Path, seed: int = 0, scale: float = 1.0) -> dict:
    """Write ``touchpoints.parquet`` (canonical touchpoints table) into ``out_dir``;
    returns the planted truths (JSON-able)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = calendar.rng(seed, "touchpoints")
    n_users = max(100, int(round(USERS_AT_SCALE_1 * scale)))
    t, truth = simulate(rng, n_users)
    t0 = calendar.days()[0]
    frame = pd.DataFrame({
        "user_id": pd.Series(t["user"].to_numpy()).map("tp{:07d}".format),
        "timestamp": (t0 + pd.to_timedelta(np.round(t["day"].to_numpy() * 86400), unit="s")),
        "channel": np.asarray(CHANNELS, dtype=object)[t["channel"].to_numpy()],
        "conversion": t["conversion"].to_numpy(np.int64),
        "conversion_value": t["conversion_value"].to_numpy(float),
    }).sort_values(["user_id", "timestamp"], kind="stable").reset_index(drop=True)
    frame["timestamp"] = frame["timestamp"].astype("datetime64[ns]")
    frame.to_parquet(out_dir / "touchpoints.parquet", index=False)
    truth["rows"] = int(len(frame))
    truth["file"] = "touchpoints.parquet"
    return truth


def describe(truth: dict) -> str:
    """Markdown section for the demo README."""
    order = sorted(truth["true_share"], key=truth["true_share"].get, reverse=True)
    lines = [
        "## Touchpoints (attribution)",
        "",
        f"`touchpoints.parquet`: {truth['rows']:,} marketing contacts of {truth['users']:,} users "
        f"({truth['journeys']:,} journeys, {truth['conversions']:,} conversions). Each contact of "
        "channel *c* converts the user with a fixed probability *p_c* (so a journey converts with "
        "probability 1 − Π(1 − p_c)); the journey stops at the converting contact. Direct is mostly a "
        f"closer: {truth['direct_closer_rate']:.0%} of buyers return through a Direct visit that carries "
        "the conversion but caused nothing.",
        "",
        "| channel | p per touch | true share of incremental conversions | incremental conversions |",
        "|---|---|---|---|",
    ]
    for c in order:
        lines.append(f"| {c} | {truth['hazard'][c]:.3f} | {truth['true_share'][c]:.1%} | "
                     f"{truth['incremental_conversions'][c]:,.0f} |")
    lines += ["", "What the attribution report should find: last touch over-credits Direct (the closer) and "
              "first touch Display and Paid Social; Shapley ranks the top three channels as the truth does; Markov "
              "finds the two largest but also credits Direct well above its effect (removal effects reward "
              "closers). Under a per-touch hazard the converting touch is causal, so last non-direct lands close "
              "to the truth by construction; real journeys are not that simple.", ""]
    return "\n".join(lines)
