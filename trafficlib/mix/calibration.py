"""Lift results that calibrate the media-mix model: experiments (geo tests, conversion
lift studies) and campaign post-mortems, as Robyn and Meridian take them.

A lift result says: over these periods, this channel brought this much outcome (with
this standard error). :func:`trafficlib.mix.fit` adds it as an observation of the
channel's modelled contribution over the same periods (:mod:`trafficlib.mix.model`).

Three ways in: rows given in code (:func:`lift_table`), a campaign post-mortem's
causal-impact result (:func:`lift_from_causal`), or a lift file beside the downloads
(:func:`read_lift`: a CSV or Excel table with channel, start, end, lift and either its
standard error or its 90 % interval; French headers and number marks too), which
:func:`trafficlib.mix.inputs.load_mix_inputs` picks up from the folder.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib import schema
from trafficlib.errors import TrafficDataError

__all__ = ["lift_table", "lift_from_causal", "read_lift", "Z90"]

Z90 = 1.6448536269514722  # a 90 % interval is +-1.645 standard errors

_HEADERS = {
    "channel": {"channel", "canal", "media", "média", "levier"},
    "start": {"start", "start_date", "debut", "début", "date_de_debut", "date_debut", "from", "du"},
    "end": {"end", "end_date", "fin", "date_de_fin", "date_fin", "to", "au"},
    "lift": {"lift", "incremental", "incremental_outcome", "incrementalite", "incrémental", "gain", "effet",
             "effect", "uplift", "resultat_incremental"},
    "lift_sd": {"lift_sd", "sd", "se", "standard_error", "ecart_type", "écart_type", "erreur_type"},
    "lift_lower": {"lift_lower", "lower", "low", "borne_basse", "basse", "min", "lift_low"},
    "lift_upper": {"lift_upper", "upper", "high", "borne_haute", "haute", "max", "lift_high"},
}


def lift_table(lift, channels, where: str = "lift results") -> pd.DataFrame:
    """Lift results as the model takes them: ``channel``, ``start``, ``end``, ``lift``,
    ``lift_sd`` (outcome units). Accepts a DataFrame or a list of dicts; ``lift_sd`` may be
    given as a 90 % interval ``lift_lower`` / ``lift_upper`` instead (sd = width / (2 x 1.645))."""
    frame = pd.DataFrame(lift).copy()
    if frame.empty:
        return frame
    if "lift_sd" not in frame and {"lift_lower", "lift_upper"} <= set(frame):
        frame["lift_sd"] = (frame["lift_upper"] - frame["lift_lower"]) / (2 * Z90)
    missing = [c for c in ("channel", "start", "end", "lift", "lift_sd") if c not in frame]
    if missing:
        raise TrafficDataError("lift results need channel, start, end, lift and lift_sd (or lift_lower/lift_upper)",
                               file=where, column=missing[0])
    unknown = sorted(set(frame["channel"]) - set(channels))
    if unknown:
        raise TrafficDataError(f"a lift result names a channel the model does not have: {unknown[0]!r}", file=where,
                               column="channel", hint="channels: " + ", ".join(channels))
    if (pd.to_numeric(frame["lift_sd"], errors="coerce").fillna(0) <= 0).any():
        raise TrafficDataError("a lift result without a positive standard error", file=where, column="lift_sd")
    return frame


def lift_from_causal(result, channel: str) -> dict:
    """A campaign post-mortem's answer as a lift row for :func:`trafficlib.mix.fit`'s
    ``lift``: the cumulative effect of a :func:`trafficlib.causal.causal_impact` result over
    its post period (outcome units), its standard error from the interval (width / 2z at
    the result's level), and the post period's first and last dates.

    The model reads it as the channel's whole contribution over those periods: right for
    a flight or a launch (the campaign was the channel's only spend then), too low for a
    campaign on top of always-on spend in the same channel (there the post-mortem measures
    the increment only)."""
    from scipy.stats import norm

    row = result.summary.loc["cumulative"]
    post = result.series.index[result.series["post"].to_numpy(bool)]
    z = norm.ppf(1 - result.alpha / 2)
    sd = (row["abs_effect_upper"] - row["abs_effect_lower"]) / (2 * z)
    return {"channel": channel, "start": pd.Timestamp(post.min()), "end": pd.Timestamp(post.max()),
            "lift": float(row["abs_effect"]), "lift_sd": float(sd)}


def _key(header: str) -> str:
    return schema.normalize_header(re.sub(r"\(.*?\)", "", header))


def read_lift(path: str | Path, blocks=None) -> pd.DataFrame | None:
    """The lift results of a CSV / Excel file: rows ``channel``, ``start``, ``end``,
    ``lift`` and ``lift_sd`` (outcome units; from a 90 % interval when the file gives
    ``lower``/``upper`` instead of a standard error), ``line`` (the file's line). None when
    the file is not a lift table (it needs a channel, a start, an end and a lift column).
    Raises :class:`TrafficDataError` naming the column and line of a cell that cannot be
    read, a negative or zero standard error, or an end before the start."""
    from trafficlib.readers._numbers import numbers, yyyymmdd_or_dates
    from trafficlib.readers._sheet import decimal_mark, sheets

    path = Path(path)
    blocks = sheets(path) if blocks is None else blocks
    for sheet in blocks:
        keys = [_key(h) for h in sheet.header]
        pos: dict[str, int] = {}
        # exact names first, then a known word with a qualifier ("gain_mesure", "ecart_type_eur")
        for exact in (True, False):
            for role, names in _HEADERS.items():
                norm = {schema.normalize_header(n) for n in names}
                for i, k in enumerate(keys):
                    if role in pos or i in pos.values():
                        continue
                    if k in norm if exact else any(k.startswith(n + "_") for n in norm):
                        pos[role] = i
                        break
        if not {"channel", "start", "end", "lift"} <= set(pos):
            continue
        if "lift_sd" not in pos and not {"lift_lower", "lift_upper"} <= set(pos):
            raise TrafficDataError("a lift table needs a standard error (sd) or a 90 % interval (lower, upper)",
                                   file=str(path))
        width = sheet.width
        rows = [(r + [""] * width)[:width] for r in sheet.rows if any(c.strip() for c in r)]
        lines = [ln for r, ln in zip(sheet.rows, sheet.lines) if any(c.strip() for c in r)]
        if not rows:
            return None
        raw = pd.DataFrame(rows, columns=range(width), dtype="string")
        out = pd.DataFrame({"channel": raw[pos["channel"]].str.strip(), "line": lines})
        for role in ("start", "end"):
            d, bad = yyyymmdd_or_dates(raw[pos[role]])
            if bad.any() or d.isna().any():
                i = int(np.flatnonzero((bad | d.isna()).to_numpy())[0])
                raise TrafficDataError(f"cannot read {raw[pos[role]].iloc[i]!r} as a date", file=str(path),
                                       column=sheet.header[pos[role]], rows=[lines[i]])
            out[role] = d.to_numpy()
        for role in ("lift", "lift_sd", "lift_lower", "lift_upper"):
            if role not in pos:
                continue
            v, bad = numbers(raw[pos[role]], decimal=decimal_mark(sheet, [pos[role]]))
            if bad.any() or v.isna().any():
                i = int(np.flatnonzero((bad | v.isna()).to_numpy())[0])
                raise TrafficDataError(f"cannot read {raw[pos[role]].iloc[i]!r} as a number", file=str(path),
                                       column=sheet.header[pos[role]], rows=[lines[i]])
            out[role] = v.to_numpy(float)
        if "lift_sd" not in out:
            out["lift_sd"] = (out["lift_upper"] - out["lift_lower"]) / (2 * Z90)
        if (out["lift_sd"] <= 0).any():
            i = int(np.flatnonzero((out["lift_sd"] <= 0).to_numpy())[0])
            raise TrafficDataError("a lift without a positive standard error (or an interval whose upper bound is "
                                   "not above its lower one)", file=str(path), rows=[lines[i]])
        if (out["end"] < out["start"]).any():
            i = int(np.flatnonzero((out["end"] < out["start"]).to_numpy())[0])
            raise TrafficDataError("the end date is before the start date", file=str(path),
                                   column=sheet.header[pos["end"]], rows=[lines[i]])
        return out[["channel", "start", "end", "lift", "lift_sd", "line"]]
    return None
