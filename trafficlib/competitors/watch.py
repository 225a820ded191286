"""One call for the notebook: the tables of a watch, filtered to the domains and period."""
from __future__ import annotations

import pandas as pd

from trafficlib.competitors._common import select
from trafficlib.competitors.alerts import alerts
from trafficlib.competitors.traffic import combine_traffic, our_traffic


class Watch:
    """The tables of one competitor watch, filtered to the domains and period asked.

    Attributes: our_domain, domains, period_end, traffic (competitors' estimates + our
    analytics rows, or None), rankings, auction, trends (None when absent).
    """

    def __init__(self, our_domain, domains, period_end, traffic, rankings, auction, trends):
        self.our_domain, self.domains, self.period_end = our_domain, domains, period_end
        self.traffic, self.rankings, self.auction, self.trends = traffic, rankings, auction, trends

    def alerts(self, thresholds=None, lang="en", ctr_curve=None) -> pd.DataFrame:
        """:func:`alerts` on these tables."""
        return alerts(self.our_domain, self.traffic, self.rankings, self.auction, self.trends,
                      thresholds=thresholds, lang=lang, ctr_curve=ctr_curve)


def prepare(market, competitors=None, period_end=None) -> Watch:
    """Build a :class:`Watch` from a :class:`trafficlib.marketdata.MarketData`: keep our
    domain and ``competitors`` (None: every domain found), data up to ``period_end``
    (None: all), and add our own monthly traffic from the sessions table when present."""
    ours = market.our_domain
    domains = None if not competitors else [ours, *[c for c in competitors if c != ours]]
    end = pd.Timestamp(period_end) if period_end else None
    own = our_traffic(market.sessions, ours) if market.sessions is not None else None
    traffic = None
    if market.competitors is not None or own is not None:
        traffic = select(combine_traffic(market.competitors, own), domains, end)
    auction = market.auction_insights
    if auction is not None and domains is not None:
        auction = auction[auction["domain"].isin(domains) | (auction["domain"] == "(you)")]
    trends = select(market.trends, None, end)
    return Watch(ours, domains, end, traffic, select(market.rankings, domains, end),
                 select(auction, None, end), trends)
