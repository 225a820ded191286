"""The display & social report: what the CPM side of paid media bought.

Inputs are Meta Ads Manager, LinkedIn Campaign Manager and TikTok Ads Manager exports and
the Display / Video / Demand Gen / Performance Max rows of Google Ads downloads, read by
:func:`load_paid_media_inputs` into canonical ``ad_spend`` rows, one
:class:`~.inputs.View` per file (each a view of the same spend: a breakdown export holds
the same money again), plus an optional media plan (campaign, month, budget) and GA4
export. Money is in each export's own currency (from its headers or currency column),
never converted and never added across currencies.

Modules: :mod:`.inputs` (the files, which one gives each platform's figures),
:mod:`.summary` (spend, impressions, reach, frequency, CPM, clicks, CTR, CPC, results and
cost per result by platform / campaign / ad set / ad), :mod:`.breakdowns` (age, gender,
region, device, placement with 95 % Wilson intervals), :mod:`.fatigue` (CTR by ad age),
:mod:`.saturation` (cost per result by frequency), :mod:`.pacing` (spend against the
plan), :mod:`.ga4_share` (paid display & social in GA4 sessions and key events),
:mod:`.findings` (ranked findings with money at stake; the download each absent section
needs), :mod:`.views` (tables, labels, reconciliation with each file's own total),
:mod:`.plots`.
"""
from trafficlib.paid_media.breakdowns import available_breakdowns, breakdown, breakdown_view, costly_segments, wilson
from trafficlib.paid_media.fatigue import ad_age_curve, creative_fatigue, fatigue_view
from trafficlib.paid_media.findings import DOWNLOADS, Finding, findings, findings_table, month_name, section_note
from trafficlib.paid_media.ga4_share import ga4_ready, ga4_share, paid_platform
from trafficlib.paid_media.inputs import (BREAKDOWNS, DISPLAY_TYPES, LEVELS, View, base_view, load_paid_media_inputs,
                                          read_plan)
from trafficlib.paid_media.pacing import pacing, spend_by_month
from trafficlib.paid_media.plots import plot_breakdown, plot_fatigue, plot_saturation
from trafficlib.paid_media.saturation import EDGES, frequency_bins, frequency_rows, saturation, saturation_view
from trafficlib.paid_media.summary import SUMS, by_level, by_platform, totals, view_agreement, with_ratios
from trafficlib.paid_media.views import (FORMATS, LABELS, coverage_notes, formats, exports_table, fatigue_table, ga4_table,
                                         headline_cards, input_notes, labels, level_view, loud_notes, money, money_as_text,
                                         pacing_table, platform_view, saturation_table, skipped_table)
from trafficlib.paid_media.views import breakdown_view as breakdown_table

__all__ = ["load_paid_media_inputs", "View", "base_view", "read_plan", "BREAKDOWNS", "LEVELS", "DISPLAY_TYPES",
           "SUMS", "with_ratios", "totals", "by_platform", "by_level", "view_agreement", "wilson", "breakdown",
           "breakdown_view", "available_breakdowns", "costly_segments", "fatigue_view", "ad_age_curve",
           "creative_fatigue", "EDGES", "saturation_view", "frequency_rows", "frequency_bins", "saturation",
           "pacing", "spend_by_month", "paid_platform", "ga4_share", "ga4_ready", "Finding", "findings",
           "findings_table", "DOWNLOADS", "section_note", "month_name", "LABELS", "FORMATS", "formats", "labels", "money",
           "money_as_text", "input_notes", "exports_table", "skipped_table", "headline_cards", "loud_notes", "coverage_notes",
           "platform_view", "level_view", "breakdown_table", "fatigue_table", "saturation_table", "pacing_table",
           "ga4_table", "plot_fatigue", "plot_saturation", "plot_breakdown"]
