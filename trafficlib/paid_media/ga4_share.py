"""The share of paid display & social in the site's GA4 sessions and conversions.

A GA4 export by session source / medium (and campaign), or by channel group, tells which
sessions the ads brought. A row is paid display or social when its campaign is one of
the ad exports' campaigns, or its source names a platform (facebook, instagram, fb, ig,
linkedin, tiktok, youtube; google with a display / video / cpm medium) with a paid
medium (cpc, paid, paid_social, cpm, display, video...), or its channel group is Paid
Social, Display, Paid Video or Cross-network.

Per platform: ``sessions``, ``key_events`` (GA4's conversions), ``revenue`` (money, GA4's
currency), their ``share_sessions`` / ``share_key_events`` of the whole GA4 export,
beside the platform's own ``clicks`` and ``results``. The two never add up and are not
meant to: the platforms count results after a view (Meta: 1 day after seeing an ad,
without a click) and within their own windows (7 days after a click), each claiming the
same sale; GA4 credits a session to its source only when a click brought it (last
non-direct click). The platform's figure is the larger by design.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from trafficlib.metrics import ratio
from trafficlib.paid_media.inputs import View, base_view

__all__ = ["paid_platform", "ga4_share", "ga4_ready"]

_SOURCES = [("Meta Ads", re.compile(r"^(facebook|fb|instagram|ig|meta|messenger|an|audience[_ ]?network|"
                                    r"(l|m|lm)\.facebook\.com|l\.instagram\.com)$", re.I)),
            ("LinkedIn Ads", re.compile(r"^(linkedin|lnkd|linkedin\.com|lnkd\.in)$", re.I)),
            ("TikTok Ads", re.compile(r"^(tiktok|tiktok\.com|tt)$", re.I)),
            ("Google Ads", re.compile(r"^(google|youtube|youtube\.com|dv360|gdn)$", re.I)),
            ("Microsoft Ads", re.compile(r"^(bing|microsoft|msn)$", re.I))]
_PAID = re.compile(r"^(cpc|ppc|paid|paid[-_ ]?social|social[-_ ]?paid|paidsocial|cpm|cpv|display|video|banner|ads?|"
                   r"social[-_ ]?ads?|sponsored)$", re.I)
_GOOGLE_DISPLAY = re.compile(r"^(display|cpm|video|cpv|banner|cross-network|youtube)$", re.I)
_CHANNELS = re.compile(r"^(paid social|display|paid video|cross-network|r[ée]seaux sociaux pay[ée]s|"
                       r"vid[ée]o payante|multir[ée]seau)$", re.I)


def paid_platform(source, medium) -> str | None:
    """The ad platform a GA4 session source / medium comes from when it is paid
    display, video or social; None otherwise (organic social, search ads...)."""
    s = str(source or "").strip().lower()
    m = str(medium or "").strip().lower()
    if not _PAID.match(m):
        return None
    for name, pat in _SOURCES:
        if pat.match(s):
            if name in ("Google Ads", "Microsoft Ads") and not _GOOGLE_DISPLAY.match(m):
                return None  # google / cpc is search
            return name
    return None


def ga4_ready(export) -> bool:
    """Whether a GA4 export can tell paid sessions: sessions by source / medium,
    campaign or channel group."""
    f = export.frame if export is not None else None
    return f is not None and "sessions" in f and any(c in f for c in ("source", "campaign", "channel"))


def ga4_share(export, views: list[View]) -> tuple[pd.DataFrame, dict]:
    """(per-platform table, totals) for a GA4 export (see module doc). Totals:
    ``sessions``, ``key_events``, ``revenue`` of the whole export, ``paid_sessions``,
    ``paid_key_events``, ``how`` (what identified the rows: campaign names, sources,
    channel groups)."""
    f = export.frame
    camp = {}
    for v in views:
        if "campaign" in v.frame:
            for c in v.frame["campaign"].dropna().astype(str).unique():
                camp.setdefault(c.strip().lower(), v.platform)
    plat = pd.Series(None, index=f.index, dtype="object")
    how = []
    if "campaign" in f:
        by_name = f["campaign"].astype("string").str.strip().str.lower().map(camp)
        if by_name.notna().any():
            how.append("campaign names")
        plat = plat.fillna(by_name)
    if "source" in f:
        med = f["medium"] if "medium" in f else pd.Series("", index=f.index)
        by_src = pd.Series([paid_platform(s, m) for s, m in zip(f["source"], med)], index=f.index, dtype="object")
        if by_src.notna().any():
            how.append("sources / mediums")
        plat = plat.fillna(by_src)
    if "channel" in f and plat.isna().all():
        chan = f["channel"].astype("string").str.strip()
        paid = chan.str.match(_CHANNELS).fillna(False)
        if paid.any():
            how.append("channel groups")
            plat = plat.where(~paid, "(" + chan + ")")
    num = {c: pd.to_numeric(f[c], errors="coerce") if c in f else pd.Series(np.nan, index=f.index)
           for c in ("sessions", "conversions", "revenue")}
    g = pd.DataFrame({"platform": plat, "sessions": num["sessions"], "key_events": num["conversions"],
                      "revenue": num["revenue"]}).dropna(subset=["platform"])
    out = g.groupby("platform").sum(min_count=1).reset_index()
    total = {"sessions": float(num["sessions"].sum()), "key_events": float(num["conversions"].sum(min_count=1)),
             "revenue": float(num["revenue"].sum(min_count=1)), "how": how}
    ads = []
    for platform in dict.fromkeys(v.platform for v in views):
        r = base_view(views, platform).frame  # the platform's own figures (fewest breakdowns)
        ads.append({"platform": platform, "clicks": float(r["clicks"].sum()),
                    "results": float(r["conversions"].sum(min_count=1))})
    out = out.merge(pd.DataFrame(ads, columns=["platform", "clicks", "results"]), on="platform", how="left")
    out["share_sessions"] = ratio(out["sessions"], total["sessions"])
    out["share_key_events"] = ratio(out["key_events"], total["key_events"])
    out["sessions_per_click"] = ratio(out["sessions"], out["clicks"]) if "clicks" in out else np.nan
    total["paid_sessions"] = float(out["sessions"].sum())
    total["paid_key_events"] = float(out["key_events"].sum(min_count=1))
    return out.sort_values("sessions", ascending=False).reset_index(drop=True), total
