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
:mod:`.findings` (ranked findings with their money at stake, fr/en; the download each
section needs, with its menu path), :mod:`.negatives` (terms the account already
excludes: negative keywords with their match types), :mod:`.coverage` (what the rows
listed are of the account's totals, so every share names its base), :mod:`.plots`.
"""
from trafficlib.paid_search.coverage import (coverage_sentences, coverage_text, loud_notes, search_terms_base,
                                             share_of_base, wider_total)
from trafficlib.paid_search.findings import (DOWNLOADS, Finding, findings, findings_table, has_section, headline,
                                             missing_sections, section_note)
from trafficlib.paid_search.negatives import excluded_mask, exclusions, term_exclusions
from trafficlib.paid_search.plots import plot_impression_share, plot_ngrams, plot_quality_score
from trafficlib.paid_search.structure import (impression_share_lost, match_type_mix, normalize_match_type,
                                              quality_score_distribution, quality_score_summary)
from trafficlib.paid_search.views import (LABELS, TERM_FORMATS, exports_table, headline_cards, headline_note, labels,
                                          lost_view, mix_view, money, negatives_note, ngram_view, pct, qs_view, skipped_table, term_view,
                                          waste_view)
from trafficlib.paid_search.terms import (account_cpa, ngrams, negative_candidates, promote_candidates, term_table,
                                          wasted_spend, with_ratios)

__all__ = ["term_table", "with_ratios", "account_cpa", "wasted_spend", "ngrams", "negative_candidates",
           "promote_candidates", "normalize_match_type", "match_type_mix", "quality_score_distribution",
           "quality_score_summary", "impression_share_lost", "Finding", "findings", "findings_table", "headline",
           "missing_sections", "plot_ngrams", "plot_quality_score", "plot_impression_share", "LABELS", "TERM_FORMATS",
           "labels", "money", "pct", "exports_table", "headline_cards", "term_view", "ngram_view", "mix_view",
           "qs_view", "lost_view", "waste_view", "skipped_table", "headline_note", "negatives_note", "DOWNLOADS", "has_section",
           "section_note", "exclusions", "excluded_mask", "term_exclusions", "wider_total", "search_terms_base",
           "coverage_text", "coverage_sentences", "loud_notes", "share_of_base"]
