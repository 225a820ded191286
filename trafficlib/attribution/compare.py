"""All models side by side, ad spend per channel (ROAS), recovery of a planted truth,
path statistics, and what the report says (agreement, budget view, inputs)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from trafficlib import filecache
from trafficlib.attribution._common import MODELS, _model_label
from trafficlib.attribution._encoding import _check_paths, _encode
from trafficlib.attribution.heuristics import HEURISTICS, heuristic_models
from trafficlib.attribution.markov import markov_model
from trafficlib.attribution.paths import (
    paths_from_touchpoints,
    read_paths,
    touchpoints_from_sessions,
)
from trafficlib.attribution.shapley import shapley_model
from trafficlib.errors import TrafficDataError


#: default mapping of ad platforms to GA4 channel groups (campaigns named *shopping* on
#: Google Ads go to Paid Shopping)
PLATFORM_CHANNELS = {
    "google ads": "Paid Search", "google": "Paid Search", "adwords": "Paid Search",
    "microsoft ads": "Paid Search", "bing ads": "Paid Search", "bing": "Paid Search",
    "meta": "Paid Social", "facebook": "Paid Social", "instagram": "Paid Social",
    "meta ads": "Paid Social", "facebook ads": "Paid Social", "linkedin": "Paid Social",
    "tiktok": "Paid Social", "pinterest": "Paid Social", "snapchat": "Paid Social",
    "criteo": "Display", "display": "Display", "dv360": "Display", "google display": "Display",
    "awin": "Affiliates", "affilae": "Affiliates", "effiliation": "Affiliates",
}


def spend_by_channel(ad_spend: pd.DataFrame, mapping: Mapping[str, str] | None = None,
                     shopping_channel: str | None = "Paid Shopping",
                     channels: Iterable[str] | None = None) -> pd.Series:
    """Total ad cost per channel from the canonical ``ad_spend`` table.

    Each row's channel is ``mapping[platform]`` (case-insensitive; default
    :data:`PLATFORM_CHANNELS`: Google/Microsoft Ads → Paid Search, Meta → Paid Social,
    Criteo → Display); Google Ads campaigns whose name contains "shopping" or "pmax
    shopping" go to ``shopping_channel`` (None keeps them in Paid Search). Unmapped
    platforms are left out (listed in ``attrs["unmapped"]``).

    Returns
    -------
    Series
        Cost per channel (account currency), index named ``channel``.
    """
    if "cost" not in ad_spend:
        raise TrafficDataError("ad_spend lacks a cost column")
    mp = {str(k).lower(): v for k, v in (mapping or PLATFORM_CHANNELS).items()}
    plat = (ad_spend["platform"] if "platform" in ad_spend else pd.Series("", index=ad_spend.index)).astype(str)
    ch = plat.str.lower().str.strip().map(mp)
    if channels is not None and shopping_channel not in set(channels):
        shopping_channel = None
    if shopping_channel and "campaign" in ad_spend:
        shop = ad_spend["campaign"].astype(str).str.contains("shopping", case=False, regex=False)
        ch = ch.mask(shop & ch.eq("Paid Search"), shopping_channel)
    cost = pd.to_numeric(ad_spend["cost"], errors="coerce").fillna(0.0)
    out = cost.groupby(ch).sum()
    out.index.name = "channel"
    out.attrs["unmapped"] = sorted(plat[ch.isna()].unique().tolist())
    return out.rename("spend")


def compare_models(paths: pd.DataFrame, order: int = 1, half_life: float = 7.0,
                   position_weights: tuple[float, float] = (0.4, 0.4),
                   spend: Mapping[str, float] | pd.Series | None = None,
                   shapley: bool = True, min_paths: int = 10) -> pd.DataFrame:
    """All models in one tidy table.

    Returns
    -------
    DataFrame
        One row per channel × model: ``channel``, ``model`` (see :data:`MODELS`),
        ``conversions``, ``value``, ``share`` (fraction of the model's conversions), and
        when ``spend`` (cost per channel) is given ``spend`` and ``roas`` (value / spend;
        NaN where there is no spend).
    """
    h = heuristic_models(paths, half_life=half_life, position_weights=position_weights)
    parts = []
    for name in HEURISTICS:
        parts.append(pd.DataFrame({"channel": h["channel"], "model": name,
                                   "conversions": h[name], "value": h[f"{name}_value"]}))
    mk = markov_model(paths, order=order)
    parts.append(mk[["channel", "conversions", "value"]].assign(model="markov"))
    if shapley:
        sh = shapley_model(paths, min_paths=min_paths)
        parts.append(sh[["channel", "conversions", "value"]].assign(model="shapley"))
    out = pd.concat(parts, ignore_index=True)[["channel", "model", "conversions", "value"]]
    tot = out.groupby("model")["conversions"].transform("sum")
    out["share"] = np.where(tot > 0, out["conversions"] / tot.where(tot > 0, 1.0), np.nan)
    if spend is not None:
        s = pd.Series(spend, dtype=float)
        out["spend"] = out["channel"].map(s)
        out["roas"] = np.where(out["spend"] > 0, out["value"] / out["spend"].where(out["spend"] > 0, 1.0), np.nan)
    order_map = {m: i for i, m in enumerate(MODELS)}
    out["_o"] = out["model"].map(order_map)
    return out.sort_values(["_o", "channel"]).drop(columns="_o").reset_index(drop=True)


def truth_recovery(models: pd.DataFrame, truth_share: Mapping[str, float]) -> pd.DataFrame:
    """How well each model recovers planted (true incremental) shares.

    Parameters
    ----------
    models : the output of :func:`compare_models`.
    truth_share : channel -> true share of incremental conversions (sums to 1).

    Returns
    -------
    DataFrame
        One row per model: ``model``, ``mae`` (mean absolute error of shares, in share
        points as a fraction), ``max_error`` (largest absolute share error and its
        ``worst_channel``), ``rank_corr`` (Spearman correlation of the channel ranking),
        ``top3_match`` (the top 3 channels are the true top 3, in any order), sorted best
        first.
    """
    t = pd.Series(truth_share, dtype=float)
    rows = []
    for model, g in models.groupby("model", sort=False):
        s = g.set_index("channel")["share"].reindex(t.index).fillna(0.0)
        err = (s - t).abs()
        rows.append({
            "model": model, "mae": float(err.mean()), "max_error": float(err.max()),
            "worst_channel": str(err.idxmax()),
            "rank_corr": float(s.rank().corr(t.rank())),
            "top3_match": set(s.nlargest(3).index) == set(t.nlargest(3).index),
        })
    return pd.DataFrame(rows).sort_values("mae").reset_index(drop=True)


# ---------------------------------------------------------------------------------
# Descriptive statistics of paths
# ---------------------------------------------------------------------------------


def summary(paths: pd.DataFrame) -> dict:
    """Headline figures: ``paths`` (conversions + nulls), ``unique_paths``,
    ``conversions``, ``value``, ``conversion_rate`` (fraction), ``channels``,
    ``mean_length`` (touches per converting path)."""
    enc = _encode(paths)
    conv = float(enc.conv.sum())
    n = float((enc.conv + enc.nulls).sum())
    return {"paths": n, "unique_paths": int(pd.Index(paths["path"]).nunique()), "conversions": conv,
            "value": float(enc.value.sum()), "conversion_rate": conv / n if n else float("nan"),
            "channels": len(enc.channels),
            "mean_length": float((enc.lengths * enc.conv).sum() / conv) if conv else float("nan")}


def path_length_distribution(paths: pd.DataFrame, max_length: int = 10) -> pd.DataFrame:
    """Converting and non-converting paths by number of touches.

    Returns ``length`` (int; the last row is "``max_length`` or more"), ``conversions``,
    ``nulls``, ``conversion_rate``, ``share_of_conversions`` (fractions)."""
    enc = _encode(paths)
    L = np.minimum(enc.lengths, max_length)
    conv = np.bincount(L, weights=enc.conv, minlength=max_length + 1)[1:]
    nulls = np.bincount(L, weights=enc.nulls, minlength=max_length + 1)[1:]
    out = pd.DataFrame({"length": np.arange(1, max_length + 1), "conversions": conv, "nulls": nulls})
    tot = out["conversions"] + out["nulls"]
    out["conversion_rate"] = np.where(tot > 0, out["conversions"] / tot.where(tot > 0, 1), np.nan)
    out["share_of_conversions"] = out["conversions"] / max(conv.sum(), 1e-12)
    while len(out) > 1 and out.iloc[-1][["conversions", "nulls"]].sum() == 0:
        out = out.iloc[:-1]
    return out


def time_to_conversion(paths: pd.DataFrame) -> pd.DataFrame:
    """Days from first touch to conversion, for paths built ``with_ages=True``.

    Returns ``days`` (lower bound of the bin: 0, 1, 2-3, 4-7, 8-14, 15-21, 22-30, 31+),
    ``label``, ``conversions``, ``share`` (fraction of conversions). Empty when the
    paths carry no ages (aggregated path files).
    """
    if "ages" not in paths:
        return pd.DataFrame(columns=["days", "label", "conversions", "share"])
    import pyarrow.compute as pc

    from trafficlib.attribution._tokens import _arrow_strings

    first = pc.list_element(pc.split_pattern(_arrow_strings(paths["ages"]), ">", max_splits=1), 0)
    first_age = pd.to_numeric(pd.Series(pc.utf8_trim_whitespace(first).to_numpy(zero_copy_only=False), dtype=object),
                              errors="coerce")
    bins = [0, 1, 2, 4, 8, 15, 22, 31, np.inf]
    labels = ["0", "1", "2-3", "4-7", "8-14", "15-21", "22-30", "31+"]
    cut = pd.cut(first_age, bins=bins, right=False, labels=labels)
    conv = pd.Series(paths["conversions"].to_numpy(float)).groupby(cut.to_numpy(), observed=False).sum()
    conv = conv.reindex(labels).fillna(0.0)
    out = pd.DataFrame({"days": bins[:-1], "label": labels, "conversions": conv.to_numpy()})
    out["share"] = out["conversions"] / max(out["conversions"].sum(), 1e-12)
    return out


def top_paths(paths: pd.DataFrame, n: int = 10, by: str = "conversions") -> pd.DataFrame:
    """The ``n`` most frequent paths by ``conversions`` (or ``nulls``/``value``).

    Returns ``path``, ``conversions``, ``value``, ``nulls``, ``conversion_rate``
    (fraction), ``share`` (of all conversions)."""
    _check_paths(paths)
    cols = [c for c in ("conversions", "value", "nulls") if c in paths]
    g = paths.groupby("path", sort=False)[cols].sum().reset_index()
    for c in ("value", "nulls"):
        if c not in g:
            g[c] = 0.0
    tot = g["conversions"] + g["nulls"]
    g["conversion_rate"] = np.where(tot > 0, g["conversions"] / tot.where(tot > 0, 1), np.nan)
    g["share"] = g["conversions"] / max(g["conversions"].sum(), 1e-12)
    return g.sort_values([by, "path"], ascending=[False, True]).head(n).reset_index(drop=True)



# ---------------------------------------------------------------------------------
# What the report says: agreement between models, budget view, inputs
# ---------------------------------------------------------------------------------

DATA_DRIVEN = ("markov", "shapley")


def agreement(models: pd.DataFrame) -> dict:
    """Where the models agree and disagree, as facts for the report's sentences.

    Returns
    -------
    dict
        ``consensus_top``: channels in the top 3 of every model; ``leader``: the
        channel with the largest mean share of the data-driven models (Markov, Shapley);
        ``disputed``: the channel whose share varies most between models, with
        ``disputed_low_model`` / ``disputed_low`` and ``disputed_high_model`` /
        ``disputed_high`` (shares, fractions); ``last_touch_gap``: the channel last touch
        over-credits most against the data-driven mean, with ``last_touch_share`` and
        ``data_driven_share``; ``spread``: Series of (max - min) share per channel.
    """
    piv = models.pivot_table(index="channel", columns="model", values="share", aggfunc="sum").fillna(0.0)
    top3 = [set(piv[m].nlargest(3).index) for m in piv.columns]
    consensus = sorted(set.intersection(*top3)) if top3 else []
    dd = [m for m in DATA_DRIVEN if m in piv.columns] or list(piv.columns)
    dd_share = piv[dd].mean(axis=1)
    spread = (piv.max(axis=1) - piv.min(axis=1)).sort_values(ascending=False)
    disputed = spread.index[0]
    out = {
        "consensus_top": consensus,
        "leader": str(dd_share.idxmax()),
        "leader_share": float(dd_share.max()),
        "disputed": str(disputed),
        "disputed_low_model": str(piv.loc[disputed].idxmin()), "disputed_low": float(piv.loc[disputed].min()),
        "disputed_high_model": str(piv.loc[disputed].idxmax()), "disputed_high": float(piv.loc[disputed].max()),
        "spread": spread,
        "data_driven_share": dd_share.sort_values(ascending=False),
    }
    if "last_touch" in piv.columns:
        gap = (piv["last_touch"] - dd_share).sort_values(ascending=False)
        out.update(last_touch_gap=str(gap.index[0]), last_touch_share=float(piv.loc[gap.index[0], "last_touch"]),
                   last_touch_dd_share=float(dd_share[gap.index[0]]))
    return out


def budget_view(models: pd.DataFrame, spend: Mapping[str, float] | pd.Series | None) -> pd.DataFrame:
    """ROAS per paid channel under every model, and a direction for the budget.

    Returns
    -------
    DataFrame
        One row per channel with spend > 0: ``channel``, ``spend``, ``roas_min`` /
        ``roas_max`` (lowest and highest ROAS over all models), ``roas_data_driven``
        (value credited by the mean of Markov and Shapley / spend), ``suggestion``:
        ``"increase"`` when the data-driven ROAS is above 1.25× the median of the paid
        channels and every model gives a ROAS above 1, ``"decrease"`` when it is below
        0.75× that median or below 1, else ``"hold"``. Empty without spend.
    """
    cols = ["channel", "spend", "roas_min", "roas_max", "roas_data_driven", "suggestion"]
    if spend is None:
        return pd.DataFrame(columns=cols)
    s = pd.Series(spend, dtype=float)
    s = s[s > 0]
    if s.empty:
        return pd.DataFrame(columns=cols)
    val = models.pivot_table(index="channel", columns="model", values="value", aggfunc="sum").reindex(s.index).fillna(0.0)
    roas = val.div(s, axis=0)
    dd = [m for m in DATA_DRIVEN if m in val.columns] or list(val.columns)
    out = pd.DataFrame({"channel": s.index, "spend": s.to_numpy(), "roas_min": roas.min(axis=1).to_numpy(),
                        "roas_max": roas.max(axis=1).to_numpy(),
                        "roas_data_driven": (val[dd].mean(axis=1) / s).to_numpy()})
    med = float(out["roas_data_driven"].median())
    out["suggestion"] = np.where((out["roas_data_driven"] > 1.25 * med) & (out["roas_min"] > 1), "increase",
                        np.where((out["roas_data_driven"] < 0.75 * med) | (out["roas_data_driven"] < 1), "decrease", "hold"))
    return out.sort_values("roas_data_driven", ascending=False).reset_index(drop=True)


@dataclass
class Inputs:
    """What the attribution notebook works on (see :func:`load`)."""

    paths: pd.DataFrame
    source: str                              # "touchpoints" or "path file"
    touchpoints: pd.DataFrame | None = None
    spend: pd.Series | None = None           # cost per channel
    truth_share: dict | None = None          # planted true shares (demo shop only)
    unmapped_platforms: list | None = None


@filecache.by_files("data_path", "paths_file", "ad_spend_file")
def load(data_path: str | Path = "", paths_file: str | Path = "", lookback_days: float = 30,
         merge_repeats: bool = False, max_length: int | None = None, ad_spend_file: str | Path = "") -> Inputs:
    """Read the inputs of an attribution report.

    ``paths_file`` (an aggregated path table, see :func:`read_paths`) wins when given;
    otherwise ``<data_path>/touchpoints.parquet|csv`` is read and turned into paths (with
    ages, for time decay in days). Ad spend comes from ``ad_spend_file`` or
    ``<data_path>/ad_spend.parquet|csv`` when present, mapped to channels by
    :func:`spend_by_channel`; the demo's planted truth from ``<data_path>/truth.json``
    (section ``touchpoints``) when present.
    """
    import json

    from trafficlib import sources

    folder = Path(data_path) if str(data_path) else None
    touch = None
    if str(paths_file):
        paths = read_paths(paths_file)
        source = "path file"
    else:
        if folder is None:
            raise TrafficDataError("give data_path (a folder with touchpoints) or paths_file")
        has_tp = any((folder / f"touchpoints{x}").exists() for x in (".parquet", ".csv"))
        has_s = any((folder / f"sessions{x}").exists() for x in (".parquet", ".csv"))
        if has_tp or not has_s:
            touch = sources.read_folder(folder, "touchpoints")
        else:  # no touchpoints export: one touch per session
            touch = touchpoints_from_sessions(sources.read_folder(folder, "sessions"))
        paths = paths_from_touchpoints(touch, lookback_days, merge_repeats=merge_repeats,
                                       max_length=max_length, with_ages=True)
        source = "touchpoints"
    channels = _encode(paths).channels
    spend, unmapped = None, None
    spend_file = Path(ad_spend_file) if str(ad_spend_file) else None
    if spend_file is None and folder is not None and not str(paths_file):
        for suffix in (".parquet", ".csv"):
            if (folder / f"ad_spend{suffix}").exists():
                spend_file = folder / f"ad_spend{suffix}"
                break
    if spend_file is not None:
        ad = sources.read(spend_file, "ad_spend")
        spend = spend_by_channel(ad, channels=channels)
        unmapped = spend.attrs.get("unmapped", [])
    truth = None
    if folder is not None and not str(paths_file) and (folder / "truth.json").exists():
        t = json.loads((folder / "truth.json").read_text(encoding="utf-8")).get("touchpoints") or {}
        truth = t.get("true_share")
    return Inputs(paths, source, touch, spend, truth, unmapped)


def model_table(models: pd.DataFrame, metric: str = "share", lang: str = "en") -> pd.DataFrame:
    """Wide table for reports: one row per channel, one column per model (labelled in
    ``lang``), values of ``metric`` (share, conversions, value or roas); channels sorted
    by the data-driven mean."""
    piv = models.pivot_table(index="channel", columns="model", values=metric, aggfunc="sum")
    cols = [m for m in MODELS + ["truth"] if m in piv.columns]
    piv = piv[cols]
    dd = [m for m in DATA_DRIVEN if m in piv.columns] or cols
    piv = piv.loc[piv[dd].mean(axis=1).sort_values(ascending=False).index]
    piv.columns = [_model_label(m, lang) for m in cols]
    return piv.reset_index()


def with_truth(models: pd.DataFrame, truth_share: Mapping[str, float] | None) -> pd.DataFrame:
    """``models`` plus rows of model ``"truth"`` (share and conversions scaled to the
    total conversions) when a planted truth is known."""
    if not truth_share:
        return models
    t = pd.Series(truth_share, dtype=float)
    total = float(models.loc[models["model"] == models["model"].iloc[0], "conversions"].sum())
    extra = pd.DataFrame({"channel": t.index, "model": "truth", "conversions": t.to_numpy() * total,
                          "value": np.nan, "share": t.to_numpy()})
    return pd.concat([models, extra], ignore_index=True)


def budget_summary(budget: pd.DataFrame) -> dict:
    """Facts for the budget sentence from :func:`budget_view`: channel lists
    ``increase``, ``hold``, ``decrease``, and ``uncertain`` (channels whose ROAS varies by
    more than 2× between models, or is not positive under some model)."""
    out = {k: budget.loc[budget["suggestion"] == k, "channel"].tolist() for k in ("increase", "hold", "decrease")}
    lo = budget["roas_min"].where(budget["roas_min"] > 0)
    ratio = budget["roas_max"] / lo
    out["uncertain"] = budget.loc[ratio.isna() | (ratio > 2), "channel"].tolist()
    return out
