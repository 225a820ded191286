"""Budget pacing: each campaign's spend by month against a media plan.

The plan is a small CSV (``campaign, month, budget``; see
:func:`~trafficlib.paid_media.inputs.read_plan`), in the exports' currency. Spend by
campaign and month comes from each platform's campaign-level view; a row covering
several days (a week, the whole range) is spread evenly over its days. A month the data
stops inside is *projected*: spend / days with data x days in the month.

``pace`` = projected (or actual) spend / budget; "over" above ``1 + tolerance``, "under"
below ``1 - tolerance``, else "on plan". Money at stake: the gap between the projected
spend and the budget (over- or under-delivery). Campaigns are matched by name, exactly
after trimming and ignoring case.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib.paid_media.inputs import View, base_view
from trafficlib.periods import spread_over_days

__all__ = ["spend_by_month", "pacing"]


def spend_by_month(views: list[View]) -> tuple[pd.DataFrame, pd.Timestamp | None]:
    """(``platform``, ``campaign``, ``month``, ``cost`` rows, the last day with data).
    Undated views are left out; each row's cost is spread evenly over date..date_end."""
    parts, last = [], None
    for platform in dict.fromkeys(v.platform for v in views):
        v = base_view(views, platform, "campaign")
        if v is None or v.frame["date"].isna().all():
            continue
        f = v.frame[v.frame["date"].notna()]
        end = pd.to_datetime(f["date_end"]).fillna(f["date"]) if "date_end" in f else f["date"]
        rep = spread_over_days(f, ("cost",), keep=("campaign",))
        rep["month"] = rep["day"].dt.to_period("M").dt.to_timestamp()
        g = rep.groupby([rep["campaign"].astype("string"), "month"])["cost"].sum().reset_index()
        g.insert(0, "platform", platform)
        g["currency"] = v.currency
        parts.append(g)
        last = end.max() if last is None else max(last, end.max())
    if not parts:
        return pd.DataFrame(columns=["platform", "campaign", "month", "cost", "currency"]), None
    return pd.concat(parts, ignore_index=True), last


def pacing(views: list[View], plan: pd.DataFrame, tolerance: float = 0.10) -> pd.DataFrame:
    """One row per planned (campaign, month) and per campaign-month spent without a
    plan: ``campaign``, ``month``, ``budget``, ``spent``, ``days``, ``days_with_data``,
    ``projected``, ``pace``, ``status`` ("over", "under", "on plan", "not started",
    "no budget"), ``money_at_stake`` (money: |projected - budget| when over or under),
    ``currency`` (the campaign's export's; the plan's budget is taken to be in it);
    largest money at stake first. Months after the data's last day are "not started"."""
    spent, last = spend_by_month(views)
    p = plan.copy()
    p["_key"] = p["campaign"].str.strip().str.lower()
    s = spent.groupby([spent["campaign"].str.strip().str.lower().rename("_key"), "month"]).agg(
        spent=("cost", "sum"), spent_name=("campaign", "first"), currency=("currency", "first")).reset_index()
    out = p.merge(s, on=["_key", "month"], how="outer")
    out["campaign"] = out["campaign"].fillna(out["spent_name"])
    out["spent"] = out["spent"].fillna(0.0)
    out["days"] = out["month"].dt.days_in_month
    if last is None:
        out["days_with_data"] = 0
    else:
        covered = (last - out["month"]).dt.days + 1
        out["days_with_data"] = covered.clip(lower=0, upper=out["days"])
    out["projected"] = np.where(out["days_with_data"] > 0,
                                out["spent"] / out["days_with_data"].where(out["days_with_data"] > 0) * out["days"],
                                np.nan)
    out["pace"] = out["projected"] / out["budget"].where(out["budget"] > 0)
    status = np.select([out["budget"].isna(), out["days_with_data"] == 0, out["pace"] > 1 + tolerance,
                        out["pace"] < 1 - tolerance], ["no budget", "not started", "over", "under"], "on plan")
    out["status"] = status
    gap = (out["projected"] - out["budget"]).abs()
    out["money_at_stake"] = np.where(np.isin(status, ["over", "under"]), gap, 0.0)
    cols = ["campaign", "month", "budget", "spent", "days", "days_with_data", "projected", "pace", "status",
            "money_at_stake", "currency"]
    order = out["status"].map({"over": 0, "under": 0, "on plan": 1, "not started": 2, "no budget": 3})
    out = out.assign(_o=order).sort_values(["_o", "money_at_stake", "campaign", "month"],
                                           ascending=[True, False, True, True])
    return out[cols].reset_index(drop=True)
