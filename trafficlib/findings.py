"""A finding with money at stake: what the paid-search, paid-media and leads reports
rank and show first (the audit's own findings rank by sessions or revenue at stake, see
:class:`trafficlib.audit.Finding`)."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Finding", "findings_table"]


@dataclass
class Finding:
    """One finding: ``key``, ``severity`` (high/medium/low), ``title``, ``detail`` and
    ``action`` (in the report language), ``money`` at stake (in the exports' own
    currency) and ``data`` (the rows behind it)."""

    key: str
    severity: str
    title: str
    detail: str
    action: str
    money: float
    data: pd.DataFrame = field(default_factory=pd.DataFrame)


def findings_table(found: list[Finding]) -> pd.DataFrame:
    """Findings as the frame :func:`trafficlib.display.findings` shows: ``key``,
    ``severity``, ``title``, ``detail``, ``action``, ``money``."""
    return pd.DataFrame([{"key": f.key, "severity": f.severity, "title": f.title, "detail": f.detail,
                          "action": f.action, "money": f.money} for f in found],
                        columns=["key", "severity", "title", "detail", "action", "money"])
