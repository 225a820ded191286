"""One call for the notebook: the tables of a watch, filtered to the domains and period."""
from __future__ import annotations

import pandas as pd

from trafficlib.competitors._common import select, watch_country
from trafficlib.competitors.alerts import alerts
from trafficlib.competitors.traffic import combine_traffic, our_traffic, our_traffic_from_report


class Watch:
    """The tables of one competitor watch, filtered to the domains and period asked.

    Attributes: our_domain ("" when unknown), domains, period_end, traffic (competitors'
    estimates + our analytics rows, or None), rankings, auction, trends (None when
    absent), country (ISO code whose holidays are named, or None) and country_source
    ("parameter", "trends", "search_console" or "").
    """

    def __init__(self, our_domain, domains, period_end, traffic, rankings, auction, trends,
                 country=None, country_source=""):
        self.our_domain, self.domains, self.period_end = our_domain or "", domains, period_end
        self.traffic, self.rankings, self.auction, self.trends = traffic, rankings, auction, trends
        self.country, self.country_source = country, country_source

    def alerts(self, thresholds=None, lang="en", ctr_curve=None) -> pd.DataFrame:
        """:func:`alerts` on these tables, holidays of :attr:`country` named."""
        return alerts(self.our_domain, self.traffic, self.rankings, self.auction, self.trends,
                      thresholds=thresholds, lang=lang, ctr_curve=ctr_curve, country=self.country)


def prepare(market, competitors=None, period_end=None, country: str | None = None, search=None) -> Watch:
    """Build a :class:`Watch` from a :class:`trafficlib.marketdata.MarketData`: keep our
    domain (when known) and ``competitors`` (None or []: every domain found), data up to
    ``period_end`` (None: all), and add our own monthly traffic from the sessions table,
    else from a GA4 report by day (``market.web``), when our domain is known. The holidays' country is ``country`` when
    given, else the Trends region, else the country of most clicks in ``search`` (our
    Search Console data, :class:`trafficlib.seo.SearchData`), else none
    (:func:`watch_country`)."""
    ours = market.our_domain or ""
    domains = None if not competitors else [*([ours] if ours else []), *[c for c in competitors if c != ours]]
    end = pd.Timestamp(period_end) if period_end else None
    own = our_traffic(market.sessions, ours) if market.sessions is not None and ours else None
    if own is None and ours and getattr(market, "web", None) is not None:  # GA4 interface reports by day
        own = our_traffic_from_report(market.web, ours)
        own = own if len(own) else None
    traffic = None
    if market.competitors is not None or own is not None:
        traffic = select(combine_traffic(market.competitors, own), domains, end)
    auction = market.auction_insights
    if auction is not None and domains is not None:
        auction = auction[auction["domain"].isin(domains) | (auction["domain"] == "(you)")]
    trends = select(market.trends, None, end)
    if trends is not None and market.trends is not None:
        trends.attrs = dict(market.trends.attrs)
    code, source = watch_country(country, market.trends, search)
    return Watch(ours, domains, end, traffic, select(market.rankings, domains, end),
                 select(auction, None, end), trends, code, source)
