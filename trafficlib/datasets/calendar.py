"""Constants shared by the demo shop's generators: the site and its dates."""
from __future__ import annotations

import numpy as np
import pandas as pd

SITE = {
    "name": "Maison Lumière",
    "domain": "maison-lumiere.fr",
    "currency": "EUR",
    "start": "2025-10-01",
    "end": "2026-10-31",
}


def days() -> pd.DatetimeIndex:
    """Every day of the demo period."""
    return pd.date_range(SITE["start"], SITE["end"], freq="D")


def rng(seed: int, part: str) -> np.random.Generator:
    """An independent random stream per part, so changing one part's draws leaves the
    others byte-identical."""
    return np.random.default_rng([seed, sum(map(ord, part))])
