"""Leads, not only sales: the lead-generation funnel by channel, and what a lead costs.

Inputs are CRM exports read into the canonical ``leads`` table
(:mod:`trafficlib.readers.crm`: HubSpot, Salesforce, Pipedrive, plain lead files and a
file of closed deals joined by lead id) and, optionally, ad spend (the kit's
``ad_spend`` table or ad-platform downloads). Counts are leads; rates are fractions with
Wilson 95 % intervals; days are calendar days from a lead's creation; money is in the
CRM's (or ad account's) currency.

Inputs come from :mod:`trafficlib.readers.crm_inputs` (folders of exports, deals joined
to leads, spend; re-exported here). Modules: :mod:`.funnel` (leads by week, lead -> qualified -> won), :mod:`.timing` (time to close,
Kaplan–Meier with open leads censored), :mod:`.quality` (by landing page), :mod:`.cost`
(cost per lead, per qualified lead, per won deal, value per unit spent),
:mod:`.offline` (won deals as a Google Ads offline-conversion import),
:mod:`.findings`, :mod:`.views`, :mod:`.plots`.
"""
from trafficlib.readers.crm_inputs import campaign_key, join_deals, load_leads, load_spend  # the inputs
from trafficlib.leads.cost import cost_table, spend_period
from trafficlib.leads.findings import Finding, findings, findings_table
from trafficlib.leads.funnel import NOT_SET, as_of_date, by_week, conversion, prepare, prepare_mature, wilson
from trafficlib.leads.offline import offline_conversions, offline_csv, write_offline_conversions
from trafficlib.leads.plots import plot_cost_per_won, plot_funnel, plot_time_to_close, plot_weekly
from trafficlib.leads.quality import by_landing_page, page_of
from trafficlib.leads.timing import durations, time_to_close
from trafficlib.leads.views import (FORMATS, LABELS, conversion_view, cost_view, count_text, day_text, exports_table,
                                    headline_cards, labels, page_view, period_text, read_notes, timing_view,
                                    month_table)

__all__ = ["load_leads", "load_spend", "join_deals", "as_of_date", "campaign_key", "prepare", "prepare_mature", "by_week",
           "conversion", "wilson", "NOT_SET", "durations", "time_to_close", "by_landing_page", "page_of",
           "cost_table", "spend_period", "offline_conversions", "offline_csv", "write_offline_conversions",
           "Finding", "findings", "findings_table", "plot_weekly", "plot_funnel", "plot_time_to_close",
           "plot_cost_per_won", "LABELS", "FORMATS", "labels", "exports_table", "headline_cards", "conversion_view",
           "timing_view", "page_view", "cost_view", "month_table", "day_text", "count_text", "read_notes", "period_text"]
