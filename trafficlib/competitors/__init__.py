"""Competitor watch: who is gaining on us, on which channel and keywords, and what changed.

Every function takes canonical tables (``competitors``, ``rankings``,
``auction_insights``, ``trends``; read by :mod:`trafficlib.marketdata`) and parameters,
and returns a DataFrame. Rates are fractions; visits are Similarweb-style estimates
(our own row, from :func:`our_traffic`, is measured by analytics: the two are not the
same instrument, which the report says).

Families:

- market traffic: :func:`our_traffic`, :func:`combine_traffic`, :func:`traffic_share`,
  :func:`traffic_summary`, :func:`channel_mix`, :func:`engagement`;
- SEO visibility: :func:`ctr`, :data:`DEFAULT_CTR_CURVE`, :func:`share_of_voice`,
  :func:`keyword_gaps`, :func:`keyword_overlap`, :func:`rank_movers`,
  :func:`pages_won_lost`;
- paid search: :func:`auction_pressure`;
- brand interest: :func:`brand_interest`, :func:`brand_summary` (at the data's own step:
  :func:`trends_step`), :func:`describe_scale` (what several Trends downloads allow
  comparing), :func:`describe_method`;
- holidays named beside alerts: :func:`watch_country`, :func:`holidays_between`;
- :func:`alerts`: ranked findings, one sentence each (fr/en);
- ``plot_*``: matplotlib figures in the house style.

A package of small modules (:mod:`._common`, :mod:`.traffic`, :mod:`.seo`, :mod:`.paid`,
:mod:`.brand`, :mod:`.alerts`, :mod:`.plots`, :mod:`.watch`); every public name is
importable from ``trafficlib.competitors``.
"""
from __future__ import annotations

from trafficlib.competitors._common import (
    CHANNELS, DEFAULT_CTR_CURVE, DEFAULT_THRESHOLDS, country_name, ctr, describe_ctr_curve, holidays_between,
    select, watch_country,
)
from trafficlib.competitors.traffic import (
    channel_mix, combine_traffic, engagement, our_traffic, our_traffic_from_report, traffic_share, traffic_summary,
)
from trafficlib.competitors.seo import (
    cluster_of, keyword_gaps, keyword_overlap, latest, pages_won_lost, rank_movers, share_of_voice, snapshots,
)
from trafficlib.competitors.paid import auction_pressure
from trafficlib.competitors.brand import (
    brand_interest, brand_summary, describe_left_out, describe_method, describe_scale, trends_step, window_points,
)
from trafficlib.competitors.alerts import alerts, describe_alert_rule
from trafficlib.competitors.plots import (
    plot_auction_pressure, plot_brand_interest, plot_channel_mix, plot_rank_movers, plot_share_of_voice,
    plot_traffic_share,
)
from trafficlib.competitors.watch import Watch, prepare

__all__ = [
    "DEFAULT_CTR_CURVE", "DEFAULT_THRESHOLDS", "ctr", "describe_ctr_curve", "our_traffic", "our_traffic_from_report",
    "combine_traffic", "select", "traffic_share", "traffic_summary", "channel_mix", "engagement",
    "share_of_voice", "keyword_gaps", "keyword_overlap", "rank_movers", "pages_won_lost",
    "cluster_of", "auction_pressure", "brand_interest", "brand_summary", "alerts",
    "plot_traffic_share", "plot_channel_mix", "plot_share_of_voice", "plot_rank_movers",
    "plot_auction_pressure", "plot_brand_interest", "CHANNELS", "Watch", "prepare", "describe_alert_rule",
    "snapshots", "latest", "describe_scale", "describe_method", "describe_left_out", "trends_step", "window_points", "watch_country",
    "holidays_between", "country_name",
]
