"""Channel attribution: which channels earn the conversions, by every serious model.

A package of small modules: :mod:`.paths` (path tables), :mod:`.heuristics`,
:mod:`.markov`, :mod:`.shapley` (the models), :mod:`.compare` (all models side by side,
ROAS, planted-truth recovery, path statistics, report helpers) and :mod:`.plots`; every
public name is importable from ``trafficlib.attribution``.

Everything works on a **path table**: one row per unique conversion path with counts,

=========  ==========================================================
``path``   channels in order, written ``"A > B > C"``
``conversions``  conversions that ended with this path (float)
``value``  conversion value of those conversions (account currency)
``nulls``  paths that did not convert (users who saw the path and left)
=========  ==========================================================

It comes from the canonical ``touchpoints`` table (:func:`paths_from_touchpoints`) or
from an aggregated export in ChannelAttribution's format (:func:`read_paths`).
Models work on unique paths, so a million users cost little.

Models
------
- :func:`heuristic_models`: first touch, last touch, last non-direct, linear, time decay
  (half-life), position-based (40/20/40).
- :func:`markov_model`: Markov chain of order k (1-4) with removal effects, solved
  exactly as an absorbing chain (sparse linear algebra, no simulation).
- :func:`shapley_model`: Shapley values over channel sets with conversion rates as the
  coalition worth, exact for up to 15 channels.
- :func:`compare_models`: all models in one tidy table (channel × model), with ROAS when
  ad spend per channel is given (:func:`spend_by_channel`).

Definitions, and where they differ from the ``channelattribution`` package
-------------------------------------------------------------------------
- Heuristics equal ``channelattribution.heuristic_models`` (first, last, linear): a
  repeated channel counts once per touch in the linear model (``A > A > B`` gives A 2/3).
- Markov: states are the last ``order`` channels (a path shorter than ``order`` is one
  state), consecutive identical states are merged (for order 1: ``A > A > B`` is
  ``A > B``), as in channelattribution. Transitions are weighted by conversions + nulls.
  The conversion value of a conversion is the mean value of the conversions ending in
  the same state; removal of a channel sends every state containing it to null.
  channelattribution *simulates* the chain (``nsim_start`` random walks) and, by
  default, stops a simulated walk after ``max_step`` = the longest path in the data
  (counted as a non-conversion). We solve the chain exactly with no step limit, which
  is what channelattribution converges to with many simulations and a large
  ``max_step``. On chains with loops the default ``max_step`` alone moves its figures by
  a few percent.
- Shapley: the worth of a channel set S is the conversion rate of paths whose set of
  channels is exactly S (estimated when at least ``min_paths`` paths have it, otherwise
  the best rate of its subsets: worth never falls when a channel is added to an
  unobserved set). Each path's conversions are split by the Shapley values of the game
  restricted to its own channels (efficiency: the credits sum to total conversions).
  channelattribution has no Shapley model.

Measured against channelattribution 2.2.5 (tests/test_attribution.py,
benchmarks/attribution.py): heuristics equal to 1e-14; on its example data (10,000
paths, 12 channels) its order-1 Markov with the default 1e5 simulations is up to 4 % off
the exact solution on channels above 500 conversions (13 % on kappa, more on the two
tiny channels), within 0.5 % with 1e7 simulations; on a 4-path toy chain with loops its
default ``max_step`` (the longest path, 4) shifts removal effects by up to 15 % and the
figures match ours once ``max_step`` is raised.
"""

from __future__ import annotations

from trafficlib.attribution._common import MODEL_LABELS, MODELS, PATH_COLUMNS, SEP
from trafficlib.attribution.paths import paths_from_touchpoints, read_paths, touchpoints_from_sessions
from trafficlib.attribution.heuristics import HEURISTICS, heuristic_models
from trafficlib.attribution.markov import markov_model, transition_matrix
from trafficlib.attribution.shapley import shapley_model
from trafficlib.attribution.compare import agreement, budget_summary, budget_view, compare_models, load, model_table, path_length_distribution, spend_by_channel, summary, time_to_conversion, top_paths, truth_recovery, with_truth
from trafficlib.attribution.plots import plot_model_comparison, plot_path_lengths, plot_shares, plot_time_to_conversion, plot_top_paths, plot_transition_heatmap, plot_truth_recovery

__all__ = [
    "SEP",
    "PATH_COLUMNS",
    "MODELS",
    "MODEL_LABELS",
    "HEURISTICS",
    "read_paths",
    "paths_from_touchpoints",
    "touchpoints_from_sessions",
    "load",
    "agreement",
    "budget_view",
    "budget_summary",
    "model_table",
    "with_truth",
    "heuristic_models",
    "markov_model",
    "transition_matrix",
    "shapley_model",
    "compare_models",
    "spend_by_channel",
    "truth_recovery",
    "path_length_distribution",
    "time_to_conversion",
    "top_paths",
    "summary",
    "plot_model_comparison",
    "plot_shares",
    "plot_path_lengths",
    "plot_time_to_conversion",
    "plot_top_paths",
    "plot_transition_heatmap",
    "plot_truth_recovery",
]
