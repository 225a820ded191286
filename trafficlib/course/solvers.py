"""How each exercise's expected answer is computed from the data, with trafficlib
(never a typed-in number: if the demo shop changes, the course stays right)."""
from __future__ import annotations

from typing import Any, Callable

import pandas as pd

from trafficlib.course.data import SITE_DOMAIN, CourseData

def _kpi(start_: str, end_: str, name: str, ua: bool = False) -> Callable[[CourseData], float]:
    def solve(d: CourseData) -> float:
        from trafficlib import metrics
        return float(metrics.session_kpis(d.between(start_, end_), ua_bounce=ua)[name])
    return solve


def _channel_of(source: str, medium: str) -> Callable[[CourseData], str]:
    def solve(d: CourseData) -> str:
        from trafficlib import channels
        frame = pd.DataFrame({"source": [source], "medium": [medium], "campaign": [None]})
        return str(channels.channel_group(frame).iloc[0])
    return solve


def _self_referral_sessions(d: CourseData) -> int:
    from trafficlib import audit
    found = audit.self_referrals(d.sessions, SITE_DOMAIN)
    return int(found.evidence["sessions"].sum()) if found is not None else 0


def _channel_share(channel: str) -> Callable[[CourseData], float]:
    def solve(d: CourseData) -> float:
        from trafficlib import metrics
        t = metrics.kpis_by(d.sessions, "channel")
        return float(t.loc[t["channel"] == channel, "share"].sum())
    return solve


def _outage_start(d: CourseData) -> pd.Timestamp:
    from trafficlib import audit
    return pd.Timestamp(audit.missing_days(d.sessions).evidence["date"].min()).normalize()


_WEEKDAYS = [("Monday", "lundi"), ("Tuesday", "mardi"), ("Wednesday", "mercredi"), ("Thursday", "jeudi"),
             ("Friday", "vendredi"), ("Saturday", "samedi"), ("Sunday", "dimanche")]


def _quietest_weekday(d: CourseData) -> str:
    from trafficlib import audit, timeseries
    parts = timeseries.decompose(audit.daily_sessions(d.sessions))
    weekly = parts["seasonal"].groupby(parts.index.day_of_week).mean()
    return _WEEKDAYS[int(weekly.idxmin())][0]


def _anomaly_count(d: CourseData) -> int:
    from trafficlib import audit
    return int(len(audit.anomaly_days(d.sessions)))


def _leaky_page(d: CourseData) -> str:
    from trafficlib import audit
    return str(audit.leaky_landing_pages(d.sessions)["landing_page"].iloc[0])


def _ad_kpi(campaign: str, name: str) -> Callable[[CourseData], float]:
    def solve(d: CourseData) -> float:
        from trafficlib import campaigns
        return float(campaigns.kpis(d.ad_spend).loc[campaign, name])
    return solve


def _top_campaign(name: str) -> Callable[[CourseData], str]:
    def solve(d: CourseData) -> str:
        from trafficlib import campaigns
        return str(campaigns.kpis(d.ad_spend)[name].idxmax())
    return solve


def _pacing(d: CourseData) -> float:
    from trafficlib import campaigns
    rows = campaigns.select(d.ad_spend, "prospection_printemps")
    pace = campaigns.pacing(rows, "2026-04-06", "2026-05-03", 7500, as_of="2026-04-19")
    return float(pace["pacing"].iloc[-1])


def _model_share(model: str, channel: str) -> Callable[[CourseData], float]:
    def solve(d: CourseData) -> float:
        m = d.models
        return float(m.loc[(m["model"] == model) & (m["channel"] == channel), "share"].sum())
    return solve


def _model_top(model: str) -> Callable[[CourseData], str]:
    def solve(d: CourseData) -> str:
        m = d.models[d.models["model"] == model]
        return str(m.loc[m["share"].idxmax(), "channel"])
    return solve


def _ab(key: str) -> Callable[[CourseData], Any]:
    def solve(d: CourseData) -> Any:
        from trafficlib import campaigns
        value = campaigns.ab_table(d.ab_test)[key]
        return bool(value) if key == "significant" else float(value)
    return solve


def _sample_size(d: CourseData) -> int:
    from trafficlib import campaigns
    return int(campaigns.sample_size(0.04, 0.10))


def _incremental_cpa(d: CourseData) -> float:
    return float(d.postmortem.economics.loc["incremental_cpa", "estimate"])


def _traffic_leader(d: CourseData) -> str:
    from trafficlib import competitors
    t = competitors.traffic_summary(d.traffic)
    return str(t.loc[t["visits"].idxmax(), "domain"])


def _impression_share(domain: str) -> Callable[[CourseData], float]:
    def solve(d: CourseData) -> float:
        from trafficlib import competitors
        t = competitors.auction_pressure(d.auction, SITE_DOMAIN)
        return float(t.loc[t["domain"] == domain, "impression_share"].iloc[0])
    return solve


def _sov_leader(d: CourseData) -> str:
    from trafficlib import competitors
    sov = competitors.share_of_voice(d.rankings)
    last = sov[sov["date"] == sov["date"].max()]
    return str(last.loc[last["share_of_voice"].idxmax(), "domain"])


def _gap_count(d: CourseData) -> int:
    from trafficlib import competitors
    return int(len(competitors.keyword_gaps(d.rankings, SITE_DOMAIN)))


