"""The paid-search audit: where search-ads money goes and what to change.

Inputs are Google Ads (or Microsoft Advertising) downloads read by
:func:`trafficlib.adplatforms.load_paid_search_inputs` into canonical ``ad_spend`` rows at
their own grain: a search terms report (required), a keyword report (Quality Score,
match types) and a campaign report (impression share lost to budget and to rank), each
optional. Every figure is a sum of the export's rows or a ratio of such sums (CTR =
clicks / impressions, CPC = cost / clicks, CPA = cost / conversions, ROAS = conversion
value / cost; a zero denominator gives NaN, shown "–"). Conversions and values are the
platform's own.

Modules: :mod:`.terms` (wasted spend, n-grams, negative-keyword candidates, terms to
promote), :mod:`.structure` (match-type mix, Quality Score, impression share),
:mod:`.findings` (ranked findings with their money at stake, fr/en), :mod:`.plots`.
"""
from trafficlib.paid_search.findings import Finding, findings, findings_table, headline, missing_sections
from trafficlib.paid_search.plots import plot_impression_share, plot_ngrams, plot_quality_score
from trafficlib.paid_search.structure import (impression_share_lost, match_type_mix, normalize_match_type,
                                              quality_score_distribution, quality_score_summary)
from trafficlib.paid_search.views import (LABELS, TERM_FORMATS, exports_table, headline_cards, labels, lost_view,
                                          mix_view, money, ngram_view, pct, qs_view, term_view)
from trafficlib.paid_search.terms import (account_cpa, ngrams, negative_candidates, promote_candidates, term_table,
                                          wasted_spend, with_ratios)

__all__ = ["term_table", "with_ratios", "account_cpa", "wasted_spend", "ngrams", "negative_candidates",
           "promote_candidates", "normalize_match_type", "match_type_mix", "quality_score_distribution",
           "quality_score_summary", "impression_share_lost", "Finding", "findings", "findings_table", "headline",
           "missing_sections", "plot_ngrams", "plot_quality_score", "plot_impression_share", "LABELS", "TERM_FORMATS",
           "labels", "money", "pct", "exports_table", "headline_cards", "term_view", "ngram_view", "mix_view",
           "qs_view", "lost_view"]
