"""What the display & social report reads: a folder of ad-platform downloads, each a
*view* of the same spend (Meta's campaign x age export and its campaign x placement
export hold the same money twice), plus an optional media plan and GA4 export.

:func:`load_paid_media_inputs` reads every file with :func:`trafficlib.sources.load`
(``on_mismatch="note"``: a file whose rows do not add up to its own summary row is read
with a loud "DOES NOT RECONCILE" note, which the report shows). It keeps:

- Meta Ads Manager, LinkedIn Campaign Manager and TikTok Ads Manager exports whole;
- Google Ads rows of Display, Video, Demand Gen, Performance Max (and Discovery) campaigns,
  and Microsoft Advertising Audience rows; Search and Shopping rows are left out (the
  paid-search report reads them), each such exclusion said with its cost.

Each kept file is a :class:`View`; :func:`base_view` picks, per platform, the one view
whose sums are that platform's figures (the fewest breakdowns), so no spend is counted
once per breakdown.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib.errors import TrafficDataError

__all__ = ["View", "load_paid_media_inputs", "base_view", "BREAKDOWNS", "LEVELS", "DISPLAY_TYPES", "read_plan",
           "is_plan_file"]

# canonical breakdown -> the ad_spend columns that carry it (Meta's publisher platform is "network")
BREAKDOWNS = {"age": ("age",), "gender": ("gender",), "region": ("region", "country", "location", "city"),
              "device": ("device", "device_platform"), "placement": ("placement", "network")}
LEVELS = ("campaign", "ad_group", "ad")
# Google Ads / Microsoft campaign types bought by the thousand impressions (interface words, en/fr)
DISPLAY_TYPES = re.compile(r"^(display|r[ée]seau display|video|vid[ée]o|demand gen|discovery|d[ée]couverte|"
                           r"performance max|audience|audience ads|annonces audience|multi ?channel|smart display)$",
                           re.IGNORECASE)
_FAMILIES = ("meta/", "linkedin/", "tiktok/", "google_ads/", "microsoft_ads/")
_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")


@dataclass
class View:
    """One export kept for the report: ``export`` (as read), ``platform``, ``frame``
    (its kept rows, canonical ``ad_spend`` columns), ``breakdowns`` (the breakdowns
    of :data:`BREAKDOWNS` its rows are split by), ``levels`` (campaign / ad_group /
    ad filled), ``daily`` (one day per row), ``currency`` and ``left_out`` (rows not
    kept: Search / Shopping campaigns, with their cost)."""

    export: object
    platform: str
    frame: pd.DataFrame
    breakdowns: tuple[str, ...]
    levels: tuple[str, ...]
    daily: bool
    currency: str | None
    left_out: dict = field(default_factory=dict)
    parts: list = field(default_factory=list)   # the single-file views stacked into this one (periods apart)

    @property
    def name(self) -> str:
        return " + ".join(p.name for p in self.parts) if self.parts else Path(self.export.path).name

    @property
    def files(self) -> list["View"]:
        """The single-file views this view is made of (itself when it is one file)."""
        return list(self.parts) or [self]

    def column_of(self, breakdown: str) -> str | None:
        """The column holding ``breakdown`` in this view, or None."""
        return next((c for c in BREAKDOWNS[breakdown] if c in self.frame and self.frame[c].notna().any()), None)


def _filled(frame: pd.DataFrame, col: str) -> bool:
    return col in frame and frame[col].notna().any()


def _view(exp) -> View | None | str:
    """A View of ``exp``, or a reason why it is not one (a string)."""
    frame = exp.frame
    platform = exp.meta.get("platform") or exp.kind.split("/")[0]
    left = {}
    if exp.kind.startswith(("google_ads/", "microsoft_ads/")):
        if exp.kind.endswith("/videos") and not _filled(frame, "campaign_type"):
            pass  # a video report is YouTube's own
        elif not _filled(frame, "campaign_type"):
            return ("no Campaign type column: display and video rows cannot be told from search rows (add the "
                    "'Campaign type' column to the download)")
        else:
            keep = frame["campaign_type"].astype("string").str.strip().str.match(DISPLAY_TYPES).fillna(False)
            if not keep.any():
                return "search or shopping campaigns only (read by the paid-search report)"
            if (~keep).any():
                gone = frame[~keep]
                left = {"rows": int(len(gone)), "cost": float(gone["cost"].sum()),
                        "types": sorted(gone["campaign_type"].dropna().astype(str).unique())}
            frame = frame[keep.to_numpy()].reset_index(drop=True)
    cols = [b for b, cs in BREAKDOWNS.items() if any(_filled(frame, c) for c in cs)]
    levels = tuple(c for c in LEVELS if _filled(frame, c))
    daily = bool(frame["date"].notna().all() and ("date_end" not in frame or
                                                  (frame["date_end"].isna() | (frame["date_end"] == frame["date"])).all()))
    return View(exp, platform, frame, tuple(cols), levels, daily, exp.meta.get("currency"), left)


def _stack(views: list[View]) -> tuple[list[View], list[tuple[str, str]]]:
    """(views, skipped). Downloads of one shape (platform, report, breakdowns, levels)
    covering periods that do not overlap (a March and an April export) are stacked into
    one view, so a platform's figures are every month's, not one file's; one holding the
    same period and spend as another is a copy, skipped; other overlapping ones stay
    apart (:func:`~trafficlib.paid_media.summary.view_agreement` says when they disagree)."""
    groups: dict[tuple, list[View]] = {}
    skipped = []
    for v in views:
        key = (v.platform, v.export.kind, v.breakdowns, v.levels, v.daily, v.currency)
        same = next((o for o in groups.get(key, []) if o.export.period == v.export.period
                     and np.isclose(o.frame["cost"].sum(), v.frame["cost"].sum(), rtol=1e-6, atol=0.005)), None)
        if same is not None and v.export.period is not None:
            skipped.append((v.export.path, f"the same period and spend as {same.name} (a copy): not counted twice"))
            continue
        groups.setdefault(key, []).append(v)
    out = []
    for group in groups.values():
        dated = all(v.export.period is not None for v in group)
        if len(group) == 1 or not dated:
            out += group
            continue
        group.sort(key=lambda v: v.export.period[0])
        apart = all(b.export.period[0] > a.export.period[1] for a, b in zip(group, group[1:]))
        if not apart:
            out += group
            continue
        left = {}
        if any(v.left_out for v in group):
            left = {"rows": sum(v.left_out.get("rows", 0) for v in group),
                    "cost": sum(v.left_out.get("cost", 0.0) for v in group),
                    "types": sorted({t for v in group for t in v.left_out.get("types", [])})}
        first = group[0]
        out.append(View(first.export, first.platform, pd.concat([v.frame for v in group], ignore_index=True),
                        first.breakdowns, first.levels, first.daily, first.currency, left, parts=group))
    return out, skipped


def is_plan_file(path: Path) -> bool:
    """A media plan: a small CSV whose header names a campaign, a month and a budget."""
    if path.suffix.lower() not in (".csv", ".txt"):
        return False
    try:
        head = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()[:1]
    except OSError:
        return False
    words = {w.strip().strip('"').lower() for w in re.split(r"[,;\t]", head[0])} if head else set()
    return bool(words & {"campaign", "campagne"}) and bool(words & {"month", "mois"}) and "budget" in words


def read_plan(path: str | Path) -> pd.DataFrame:
    """A media plan CSV (``campaign``, ``month``, ``budget``; French ``campagne``,
    ``mois`` too) as rows: ``campaign``, ``month`` (first day), ``budget`` (the plan's
    currency, taken to be the exports'). Raises :class:`TrafficDataError` naming the
    file, column and lines for a missing column, an unreadable month or budget."""
    from trafficlib.readers._adreport import _months
    from trafficlib.readers._numbers import numbers

    p = Path(path)
    if not p.exists():
        raise TrafficDataError("file not found", file=str(p))
    text = p.read_text(encoding="utf-8-sig")
    sep = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    raw = pd.read_csv(p, sep=sep, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    names = {c: c.strip().lower() for c in raw.columns}
    alias = {"campagne": "campaign", "mois": "month"}
    raw = raw.rename(columns={c: alias.get(n, n) for c, n in names.items()})
    for need in ("campaign", "month", "budget"):
        if need not in raw:
            raise TrafficDataError(f"missing column '{need}' in the media plan", file=str(p), column=need,
                                   hint="a media plan has the columns campaign, month, budget")
    month, bad = _months(raw["month"])
    if bad.any():
        raise TrafficDataError(f"cannot read '{raw['month'][bad].iloc[0]}' as a month", file=str(p), column="month",
                               rows=[i + 2 for i in np.flatnonzero(bad.to_numpy())])
    decimal = "," if sep == ";" else "."
    budget, bad = numbers(raw["budget"], decimal=decimal)
    if bad.any() or (budget < 0).any():
        wrong = bad | (budget < 0)
        raise TrafficDataError(f"cannot read '{raw['budget'][wrong].iloc[0]}' as a budget", file=str(p),
                               column="budget", rows=[i + 2 for i in np.flatnonzero(wrong.to_numpy())])
    return pd.DataFrame({"campaign": raw["campaign"].str.strip(), "month": month, "budget": budget.astype(float)})


def load_paid_media_inputs(data_path: str | Path, plan_file: str | Path | None = None,
                           ga4_path: str | Path | None = None) -> dict:
    """Everything the display & social report reads (see module doc).

    ``data_path``: a folder (or one file) of exports; a media plan CSV and a GA4 export
    found in it are used as such; downloads of one shape over consecutive periods are
    stacked (:func:`_stack`). ``plan_file`` / ``ga4_path``: given explicitly (empty:
    none, or the one in the folder). Returns ``views`` (:class:`View` list), ``exports``,
    ``skipped`` ((file, why) of files not used), ``currencies`` ({platform: code}),
    ``currency`` (the one currency of every view, else None: money is then never added
    across platforms), ``plan`` (DataFrame or None), ``ga4`` (an Export or None), ``notes``.
    Raises :class:`TrafficDataError` when no display, video or social export is found.
    """
    from trafficlib import sources

    p = Path(data_path)
    files = sources.export_files(p, _SUFFIXES, missing="folder not found")
    views, skipped, notes, ga4_found, plan_found = [], [], [], [], []
    for f in files:
        if is_plan_file(f):
            plan_found.append(f)
            continue
        exp = sources.load_or_skip(f, skipped, p.is_file(), on_mismatch="note")
        if exp is None:
            continue
        if exp.table in ("web_cube", "sessions"):
            ga4_found.append(exp)
            continue
        if exp.table != "ad_spend" or not exp.kind.startswith(_FAMILIES):
            skipped.append((str(f), f"a {exp.kind} export, not a display, video or social ad report"))
            continue
        v = _view(exp)
        if isinstance(v, str):
            skipped.append((str(f), v))
            continue
        views.append(v)
        if v.left_out:
            notes.append(f"{v.name}: {v.left_out['rows']} row(s) of {', '.join(v.left_out['types'])} campaigns "
                         f"left out ({v.left_out['cost']:,.2f} {v.currency or ''}): the paid-search report reads them")
    views, copies = _stack(views)
    skipped += copies
    if not views:
        raise TrafficDataError("no display, video or social ad export (Meta Ads Manager, Google Ads display / video / "
                               "Demand Gen / Performance Max rows, LinkedIn, TikTok)", file=str(p),
                               hint="; ".join(f"{Path(a).name}: {b}" for a, b in skipped[:5]) or None)
    plan = None
    if plan_file:
        plan = read_plan(plan_file)
    elif plan_found:
        plan = read_plan(plan_found[0])
    ga4 = None
    if ga4_path:
        ga4 = sources.load(ga4_path, on_mismatch="note")
    elif ga4_found:
        ga4 = max(ga4_found, key=lambda e: int("source" in e.frame or "channel" in e.frame) * 10 + int("campaign" in e.frame))
    currencies = {v.platform: v.currency for v in views if v.currency}
    codes = set(currencies.values())
    if len(codes) > 1:
        notes.append("the platforms bill in different currencies (" + ", ".join(f"{k}: {c}" for k, c in
                     sorted(currencies.items())) + "): money is shown per platform, never added across them")
    return {"views": views, "exports": [f.export for v in views for f in v.files], "skipped": skipped, "currencies": currencies,
            "currency": next(iter(codes)) if len(codes) == 1 else None, "plan": plan, "ga4": ga4, "notes": notes}


def base_view(views: list[View], platform: str, level: str | None = None) -> View | None:
    """The view whose sums are ``platform``'s figures: among its views (holding
    ``level`` filled when given), the fewest breakdowns, then the most levels, then by
    day, then the latest period. None when there is none."""
    cands = [v for v in views if v.platform == platform and (level is None or level in v.levels)]
    if not cands:
        return None
    return min(cands, key=lambda v: (len(v.breakdowns), -len(v.levels), not v.daily, v.name))
