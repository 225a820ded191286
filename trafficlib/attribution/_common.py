"""Names shared by the attribution modules: the path separator, the path-table columns
and the models in display order."""
from __future__ import annotations

SEP = " > "
PATH_COLUMNS = ["path", "conversions", "value", "nulls"]

#: model names in display order (heuristics, then data-driven)
MODELS = ["first_touch", "last_touch", "last_non_direct", "linear", "time_decay",
          "position_based", "markov", "shapley"]
MODEL_LABELS = {
    "first_touch": {"en": "First touch", "fr": "Premier contact"},
    "last_touch": {"en": "Last touch", "fr": "Dernier contact"},
    "last_non_direct": {"en": "Last non-direct", "fr": "Dernier non direct"},
    "linear": {"en": "Linear", "fr": "Linéaire"},
    "time_decay": {"en": "Time decay", "fr": "Dégressif dans le temps"},
    "position_based": {"en": "Position-based", "fr": "Basé sur la position"},
    "markov": {"en": "Markov", "fr": "Markov"},
    "shapley": {"en": "Shapley", "fr": "Shapley"},
    "truth": {"en": "Planted truth", "fr": "Vérité plantée"},
}


def _model_label(name: str, lang: str) -> str:
    return MODEL_LABELS.get(name, {}).get(lang, name)
