"""The lead report's inputs: a folder of CRM exports as one table of leads (deals joined to
the leads they name), and the ad spend beside it (the kit's ``ad_spend`` table or
ad-platform downloads, each euro once). Used by :mod:`trafficlib.leads`."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib import filecache, schema
from trafficlib.errors import TrafficDataError

__all__ = ["load_leads", "join_deals", "load_spend", "campaign_key", "spend_keys"]

_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet")


def join_deals(leads: pd.DataFrame, deals: pd.DataFrame, link: str = "lead_id") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Join a file of deals to the leads they came from, by lead id.

    ``link`` is the deals' column holding the lead id (``lead_id`` for a closed-deals
    file, ``link`` for HubSpot's "Associated Contact IDs", where several ids separated by
    ``;`` or ``,`` are allowed: the first one found among the leads is used). A lead with
    several deals is won when one is (``won_at`` = the first won date, ``value`` = the sum
    of its won deals), lost when all are lost (``lost_at`` = the last), else qualified
    (an open deal); a lead with a deal is qualified at the latest when the deal was
    created. Returns (leads with their outcome, the deals that name no known lead)."""
    out = leads.copy()
    d = deals.copy()
    ids = set(out["lead_id"].astype(str))
    keys = d[link].astype("string").fillna("").str.split(r"[;,]")
    d["_lead"] = keys.map(lambda ks: next((k.strip() for k in ks if k.strip() in ids), None))
    orphans = deals[d["_lead"].isna().to_numpy()]
    d = d.dropna(subset=["_lead"])
    if d.empty:
        return out, orphans
    won = d["stage"].eq("won")
    agg = pd.DataFrame({
        "any_won": won.groupby(d["_lead"]).any(),
        "all_lost": d["stage"].eq("lost").groupby(d["_lead"]).all(),
        "won_at": d["won_at"].where(won).groupby(d["_lead"]).min(),
        "lost_at": d["lost_at"].groupby(d["_lead"]).max(),
        "won_value": d["value"].where(won).groupby(d["_lead"]).sum(min_count=1),
        "value": d["value"].groupby(d["_lead"]).sum(min_count=1),
        "opened": d["created"].groupby(d["_lead"]).min(),
        "owner": d["owner"].groupby(d["_lead"]).first(),
    })
    at = out["lead_id"].astype(str).map(lambda k: k if k in agg.index else None)
    hit = at.notna().to_numpy()
    a = agg.reindex(at[hit].to_numpy())
    a.index = out.index[hit]
    stage = np.where(a["any_won"], "won", np.where(a["all_lost"], "lost", "qualified"))
    out.loc[hit, "stage"] = stage
    out.loc[hit, "won_at"] = a["won_at"].where(a["any_won"])
    out.loc[hit, "lost_at"] = a["lost_at"].where(a["all_lost"].astype(bool) & ~a["any_won"].astype(bool))
    out.loc[hit, "value"] = a["won_value"].where(a["any_won"].astype(bool), a["value"])
    q = pd.concat([out.loc[hit, "qualified_at"], a["opened"]], axis=1).min(axis=1)
    out.loc[hit, "qualified_at"] = q
    out.loc[hit, "owner"] = out.loc[hit, "owner"].fillna(a["owner"])
    extra = [c for c in deals.columns if c not in out.columns and c not in (link, "stage_label")]
    for c in extra:  # segment, lead type... of the (first) deal
        first = d.groupby("_lead")[c].first()
        out[c] = out["lead_id"].astype(str).map(first)
    return out, orphans


@filecache.by_files("data_path")
def load_leads(data_path: str | Path) -> dict:
    """Every CRM export in ``data_path`` (a folder, or one file), as one table of leads.

    Leads files (plain lead tables, HubSpot contacts, Salesforce leads) are stacked; deal
    files that name their lead (a closed-deals file by lead id, HubSpot deals with their
    associated contact ids) are joined to those leads (:func:`join_deals`); deal files
    that name none (Salesforce opportunities, Pipedrive deals, HubSpot deals without
    contacts) are leads of their own (an opportunity is a qualified lead).

    Returns ``leads`` (canonical ``leads`` columns plus any the exports add: segment,
    stage_label...), ``exports`` (each file read), ``skipped`` ((file, why) of the other
    files), ``notes`` (what was joined, dropped or assumed) and ``currency`` (when the
    exports state one). Raises :class:`TrafficDataError` when there is no lead to read.
    """
    from trafficlib import sources

    path = Path(data_path)
    exports, skipped, notes = [], [], []
    for f in sources.export_files(path, _SUFFIXES):
        e = sources.load_or_skip(f, skipped, path.is_file())
        if e is None:
            continue
        if e.table != "leads":
            skipped.append((str(f), f"not a CRM export ({e.kind})"))
            continue
        exports.append(e)
    lead_files = [e for e in exports if not e.meta.get("deals")]
    # deals join the leads they name when there are leads to join; else they are the leads
    own = [e for e in exports if not (e.meta.get("deals") and e.meta.get("link"))] if lead_files else \
        [e for e in exports if e.frame["created"].notna().any()]
    if not own:
        why = "; ".join(f"{Path(a).name}: {b}" for a, b in skipped[:4])
        raise TrafficDataError("no leads file (a CRM export of leads, contacts or deals)", file=str(path),
                               hint=(why + "; " if why else "") + "closed deals need the leads file they join to")
    frames = []
    seen: set = set()
    for e in own:
        fr = e.frame
        dup = fr["lead_id"].astype(str).isin(seen)
        if dup.any():
            notes.append(f"{Path(e.path).name}: {int(dup.sum())} lead(s) already read from another file, kept once")
            fr = fr[~dup.to_numpy()]
        seen |= set(fr["lead_id"].astype(str))
        frames.append(fr.assign(file=Path(e.path).name))
    leads = pd.concat(frames, ignore_index=True)
    for e in exports:
        if e in own:
            continue
        before = int(leads["stage"].eq("won").sum())
        leads, orphans = join_deals(leads, e.frame, e.meta["link"])
        matched = len(e.frame) - len(orphans)
        notes.append(f"{Path(e.path).name}: {matched:,} of {len(e.frame):,} deals joined to their lead by id "
                     f"({int(leads['stage'].eq('won').sum()) - before:+,} won)")
        if len(orphans):
            with_date = orphans["created"].notna()
            if with_date.any():
                leads = pd.concat([leads, orphans[with_date.to_numpy()].assign(file=Path(e.path).name)],
                                  ignore_index=True)
            notes.append(f"{Path(e.path).name}: {len(orphans):,} deal(s) name no lead of these files"
                         + (f"; {int((~with_date).sum()):,} without a creation date left out" if (~with_date).any()
                            else "; counted as leads of their own"))
    currencies = {e.meta.get("currency") for e in exports if e.meta.get("currency")}
    return {"leads": leads, "exports": exports, "skipped": skipped, "notes": notes,
            "currency": next(iter(currencies)) if len(currencies) == 1 else None}


# report grains of one platform, coarsest first: the spend of a campaign report already
# holds that of its ad groups, keywords and search terms
NO_CAMPAIGN = "(no campaign name)"
_GRAINS = ("campaigns", "ads_manager", "report", "ad_groups", "ads", "keywords", "search_terms")


@filecache.by_files("spend_path")
def load_spend(spend_path: str | Path | None) -> dict | None:
    """The ad spend to set against the leads: the kit's ``ad_spend`` table or ad-platform
    downloads (Google Ads, Meta, Microsoft Ads) in ``spend_path`` (a folder or one file).

    Returns None when ``spend_path`` is empty, else ``spend`` (rows with ``date``,
    ``date_end``, ``platform``, ``campaign``, ``cost`` in the account currency, ``clicks``,
    ``impressions``), ``exports``, ``skipped``, ``notes`` and ``currency``. Of several
    report grains from one platform only the coarsest is kept (a campaign report already
    holds its keywords' spend), and a file repeating campaigns and days of another
    (:func:`spend_keys`: the kit's ad_spend table beside the downloads it came from) is
    left out, so no euro is counted twice. Rows without a campaign name are kept with the
    campaign :data:`NO_CAMPAIGN` (and a note). Raises :class:`TrafficDataError` when
    the path holds no spend."""
    if not spend_path:
        return None
    from trafficlib import sources

    path = Path(spend_path)
    exports, skipped = [], []
    for f in sources.export_files(path, _SUFFIXES):
        e = sources.load_or_skip(f, skipped, path.is_file())
        if e is None:
            continue
        if e.table != "ad_spend" or "cost" not in e.frame or e.kind.endswith("auction_insights"):
            skipped.append((str(f), f"no ad spend ({e.kind})"))
            continue
        exports.append(e)
    if not exports:
        raise TrafficDataError("no ad spend (the kit's ad_spend table, or Google Ads / Meta / Microsoft Ads reports)",
                               file=str(path))
    notes: list[str] = []
    kept = select_spend(exports, skipped, notes)
    cols = ["date", "date_end", "platform", "campaign", "cost", "clicks", "impressions"]
    frames = []
    for e in kept:
        fr = e.frame.reindex(columns=cols).copy()
        if fr["platform"].isna().all():
            fr["platform"] = {"google_ads": "Google Ads", "meta": "Meta Ads", "microsoft_ads": "Microsoft Ads"}.get(
                e.kind.split("/")[0], pd.NA)
        frames.append(fr)
    spend = pd.concat(frames, ignore_index=True)
    spend["date"] = pd.to_datetime(spend["date"], errors="coerce")
    spend["date_end"] = pd.to_datetime(spend["date_end"], errors="coerce").fillna(spend["date"])
    spend["campaign"] = spend["campaign"].astype("string")
    nameless = spend["campaign"].isna() | (spend["campaign"].str.strip() == "")
    if nameless.any():  # kept and said, not dropped by a later group-by on the name
        spend.loc[nameless, "campaign"] = NO_CAMPAIGN
        notes.append(f"{int(nameless.sum()):,} spend row(s) without a campaign name "
                     f"({spend.loc[nameless, 'cost'].sum():,.2f} of spend) listed as '{NO_CAMPAIGN}'")
    currencies = {e.meta.get("currency") for e in kept if e.meta.get("currency")}
    return {"spend": spend, "exports": kept, "skipped": skipped, "notes": notes,
            "currency": next(iter(currencies)) if len(currencies) == 1 else None}


def select_spend(exports: list, skipped: list, notes: list) -> list:
    """The ad exports whose spend to count, each euro once: of several report grains of
    one platform only the coarsest (:data:`_GRAINS`: a campaign report already holds its
    keywords' spend), and a file repeating (platform, campaign, day) of a file already kept
    is left out (the kit's ad_spend table beside the download it came from). Appends to
    ``skipped`` ([(path, why)]) and ``notes``; returns the exports kept, in order."""
    by_platform: dict = {}
    for e in exports:
        by_platform.setdefault(e.kind.split("/")[0], []).append(e)
    kept = []
    for plat, es in by_platform.items():
        rank = {id(e): (_GRAINS.index(e.kind.split("/", 1)[1]) if e.kind.split("/", 1)[1] in _GRAINS
                        else len(_GRAINS)) for e in es}
        best = min(rank.values())
        for e in es:
            if rank[id(e)] == best:
                kept.append(e)
            else:
                skipped.append((e.path, f"a finer {plat} report than the one used; its spend is already counted"))
    seen: dict = {}
    out = []
    for e in kept:
        pairs = spend_keys(e)  # (platform, campaign, day) of the rows naming a campaign
        if not pairs and len(e.frame):
            notes.append(f"{Path(e.path).name}: no campaign names: it cannot be checked against the other files "
                         "for spend counted twice")
        other = next((name for name, ps in seen.items() if ps & pairs), None)
        if other is not None:
            skipped.append((e.path, f"the same campaigns and days as {other}: its spend would count twice"))
            notes.append(f"{Path(e.path).name}: left out, it repeats campaigns and days of {other}")
            continue
        seen[Path(e.path).name] = pairs
        out.append(e)
    return out


def campaign_key(values: pd.Series) -> pd.Series:
    """Campaign names compared loosely (case, accents, spaces and punctuation): an ad
    platform's "FR - Search - Devis" meets the UTM value "fr_search_devis". A ``string``
    Series (NA where the name is missing, also when every name is: pandas would otherwise
    infer an Arrow null column that no ``fillna`` accepts)."""
    return values.astype("string").map(lambda v: v if pd.isna(v) else re.sub(
        r"[^0-9a-z]+", "_", schema.normalize_header(v)).strip("_"), na_action="ignore").astype("string")


_PLATFORM_KEYS = {"google": "google", "adwords": "google", "meta": "meta", "facebook": "meta", "instagram": "meta",
                  "microsoft": "microsoft", "bing": "microsoft", "linkedin": "linkedin", "tiktok": "tiktok"}


def _platform_key(value) -> str:
    """"Google Ads", "google_ads", "Meta Ads", "Facebook Ads", "Bing Ads"... as one word per platform."""
    if value is None or pd.isna(value):
        return ""
    text = schema.normalize_header(str(value))
    return next((k for w, k in _PLATFORM_KEYS.items() if text.startswith(w)), text)


def spend_keys(export) -> set:
    """The (platform, campaign, day) triples of an ad export's rows that name a campaign
    (:func:`campaign_key`; the platform from the rows, else from the export's kind). Two
    files sharing one hold the same spend; a row without a campaign name proves nothing (two
    account-level downloads of different platforms share every day), and the platform keeps
    a Microsoft Ads campaign imported from Google Ads, of the same name, apart from it."""
    f = export.frame
    n = len(f)
    camp = campaign_key(f["campaign"]) if "campaign" in f else pd.Series(pd.NA, index=f.index, dtype="string")
    plat = f["platform"].astype("string") if "platform" in f else pd.Series(pd.NA, index=f.index, dtype="string")
    default = _platform_key(str(export.kind).split("/")[0])
    plat = [(_platform_key(p) or default) if not pd.isna(p) else default for p in plat.tolist()]
    days = pd.to_datetime(f["date"]).astype("string").fillna("") if "date" in f else pd.Series([""] * n)
    keep = (camp.notna() & (camp != "")).to_numpy()
    return {(p, c, d) for p, c, d, k in zip(plat, camp.fillna("").tolist(), days.tolist(), keep) if k}
