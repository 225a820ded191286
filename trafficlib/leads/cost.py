"""What a lead costs: ad spend set against the leads it brought, by campaign and channel.

Spend rows (:func:`trafficlib.readers.crm_inputs.load_spend`) and leads meet on the campaign
name, compared loosely (:func:`~trafficlib.readers.crm_inputs.campaign_key`: the ad platform's
"FR - Search - Devis" is the UTM value "fr_search_devis"). Only leads created within the
spend's period count. A campaign's channel is the channel of most of its leads, or the
platform's (Google Ads and Microsoft Ads: Paid Search; Meta: Paid Social) when it brought
none. At channel level every lead of the channel counts, matched to a campaign or not.

Money is in the account currency; ``value_per_cost`` is the won deals' value per unit
spent (revenue per euro spent); a ratio with a zero denominator is NaN (shown "–").
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib.readers.crm_inputs import campaign_key

__all__ = ["spend_period", "cost_table", "PLATFORM_CHANNEL", "COST_COLUMNS"]

PLATFORM_CHANNEL = {"google ads": "Paid Search", "microsoft ads": "Paid Search", "microsoft advertising": "Paid Search",
                    "bing ads": "Paid Search", "meta ads": "Paid Social", "facebook ads": "Paid Social",
                    "linkedin ads": "Paid Social"}
COST_COLUMNS = ["cost", "leads", "qualified", "won", "value", "cost_per_lead", "cost_per_qualified", "cost_per_won",
                "value_per_cost"]


def spend_period(spend: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day the spend rows cover (``date`` .. ``date_end``)."""
    end = spend["date_end"].fillna(spend["date"]) if "date_end" in spend else spend["date"]
    return pd.Timestamp(spend["date"].min()).normalize(), pd.Timestamp(end.max()).normalize()


def _ratios(t: pd.DataFrame) -> pd.DataFrame:
    cost = t["cost"].to_numpy(float)
    for name, den in (("cost_per_lead", "leads"), ("cost_per_qualified", "qualified"), ("cost_per_won", "won")):
        d = t[den].to_numpy(float)
        t[name] = np.where(d > 0, cost / np.where(d > 0, d, 1), np.nan)
    v = t["value"].fillna(0).to_numpy(float)
    t["value_per_cost"] = np.where(cost > 0, v / np.where(cost > 0, cost, 1), np.nan)
    return t


def _counts(leads: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    g = leads.groupby(key, observed=True).agg(leads=("lead_id", "size"), qualified=("qualified", "sum"),
                                              won=("won", "sum"))
    g["value"] = leads["value"].where(leads["won"]).groupby(key, observed=True).sum(min_count=1).reindex(g.index)
    return g


def cost_table(prepared: pd.DataFrame, spend: pd.DataFrame, by: str = "channel", total: bool = True) -> pd.DataFrame:
    """Cost per lead, per qualified lead and per won deal, and won value per unit spent,
    by ``by`` (``"channel"`` or ``"campaign"``).

    Columns: ``by`` (and ``platform``, ``channel`` for campaigns), ``cost``, ``leads``,
    ``qualified``, ``won`` (counts of the leads created in the spend's period), ``value``
    (their won value), ``cost_per_lead``, ``cost_per_qualified``, ``cost_per_won``
    (money), ``value_per_cost`` (value / cost). Only groups with spend are listed (a
    channel without ad spend has no cost per lead here, not a zero one), costliest
    first; ``total`` adds a "Total" row. ``attrs["notes"]`` says which leads' campaigns
    met no spend and which spend met no lead; ``attrs["period"]`` is the spend's period."""
    if by not in ("channel", "campaign"):
        raise ValueError("by is 'channel' or 'campaign'")
    start, end = spend_period(spend)
    leads = prepared[(prepared["created"] >= start) & (prepared["created"] < end + pd.Timedelta(days=1))].copy()
    leads["_key"] = campaign_key(leads["campaign"].where(leads["campaign"] != "(not set)"))
    sp = spend.assign(_key=campaign_key(spend["campaign"]))
    camp = sp.groupby("_key").agg(campaign=("campaign", "first"), platform=("platform", "first"),
                                  cost=("cost", "sum"))
    got = _counts(leads, leads["_key"])
    modal = leads.dropna(subset=["_key"]).groupby("_key")["channel"].agg(lambda s: s.value_counts().index[0])
    known = {str(c).casefold(): c for c in leads["channel"].unique()}

    def default(platform) -> str:
        ch = PLATFORM_CHANNEL.get(str(platform).casefold(), "(unmatched spend)")
        return known.get(ch.casefold(), ch)

    camp["channel"] = [modal.get(k, default(p)) for k, p in zip(camp.index, camp["platform"])]
    notes = []
    no_lead = camp[~camp.index.isin(got.index)]
    if len(no_lead):
        notes.append(f"{len(no_lead)} campaign(s) with spend and no lead in the period: "
                     + ", ".join(map(str, no_lead["campaign"].head(5))))
    paid = set(camp["channel"])
    orphan = got[~got.index.isin(camp.index)]
    orphan_leads = leads[leads["_key"].isin(orphan.index) & leads["channel"].isin(paid)]
    if len(orphan_leads):
        notes.append(f"{len(orphan_leads)} lead(s) of paid channels name a campaign without spend in these files ("
                     + ", ".join(map(str, orphan_leads["campaign"].value_counts().index[:5])) + ")")
    if by == "campaign":
        t = camp.join(got, how="left")
        t[["leads", "qualified", "won"]] = t[["leads", "qualified", "won"]].fillna(0).astype(int)
        t = t.reset_index(drop=True)[["campaign", "platform", "channel", "cost", "leads", "qualified", "won", "value"]]
    else:
        cost = camp.groupby("channel")["cost"].sum()
        counts = _counts(leads[leads["channel"].isin(cost.index)], leads["channel"])
        t = pd.DataFrame({"cost": cost}).join(counts, how="left")
        t[["leads", "qualified", "won"]] = t[["leads", "qualified", "won"]].fillna(0).astype(int)
        t = t.rename_axis("channel").reset_index()[["channel", "cost", "leads", "qualified", "won", "value"]]
    t = t[t["cost"] > 0].sort_values("cost", ascending=False).reset_index(drop=True)
    if total and len(t):
        row = {c: t[c].sum() for c in ("cost", "leads", "qualified", "won")}
        row["value"] = t["value"].sum(min_count=1)
        row[by] = "Total"
        t = pd.concat([t, pd.DataFrame([row])], ignore_index=True)
    t = _ratios(t)
    t.attrs["notes"] = notes
    t.attrs["period"] = (start, end)
    return t
