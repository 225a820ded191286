"""What the exports' rows cover of the wider totals their files state.

A Google Ads search terms report lists the named terms, then ``Total: Search terms`` (the
rows), ``Total: Other search terms`` (terms Google does not name) and ``Total: Account``.
Sums of the rows are then a part of the account, and every share the audit gives must
say which base it uses. These helpers read :func:`trafficlib.readers.registry.coverage`
(shown vs. the file's wider totals) and write the sentences, in English and French:
"search terms shown: US$714.20 of the account's US$32,620.90".
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from trafficlib import i18n
from trafficlib.readers.registry import UNRECONCILED, coverage

__all__ = ["wider_total", "search_terms_base", "coverage_text", "coverage_sentences", "loud_notes", "share_of_base"]

_UNNAMED = "shown + "  # the label prefix registry.coverage gives shown + an unnamed bucket
_SHOWN = {"search_terms": ("search terms shown", "termes de recherche affichés"),
          "keywords": ("keywords listed", "mots clés listés"),
          "campaigns": ("campaigns listed", "campagnes listées")}


def wider_total(export, metric: str = "cost") -> dict | None:
    """The rows' sum of ``metric`` against the widest total the file states that contains
    them: ``shown`` (sum of the rows), ``total`` (the account's figure, else the total of
    the rows' campaign type), ``level`` of that total ("Account", "Search"...),
    ``unnamed`` (what the file counts in an unnamed bucket such as "Other search terms",
    or NaN) and ``unnamed_label``. Amounts in the file's currency. None when the file
    states no wider total for ``metric``. ``shown`` is the file's own total of its rows
    (``Total: Search terms``) when it states one that the rows reconcile with: the
    interface's figure, which the sum of the rounded row cells can miss by a few cents
    (a file that does not reconcile shows its rows' sum, as every table does)."""
    try:
        cov = coverage(export)
    except Exception:  # noqa: BLE001 - a report never fails on its side figures
        return None
    if cov is None or cov.empty or "metric" not in cov:
        return None
    cov = cov[cov["metric"] == metric]
    if cov.empty:
        return None
    unnamed_rows = cov["covers"].astype(str) == "unnamed"  # "Other search terms": terms Google does not name
    bucket = cov[unnamed_rows]
    wide = cov[~unnamed_rows]
    unnamed, unnamed_label = np.nan, ""
    if len(bucket):
        b = bucket.iloc[0]
        unnamed = float(b["total"] - b["shown"])
        unnamed_label = str(b["level"] or b["label"][len(_UNNAMED):])
    if len(wide):
        # the account's total, whatever the interface language calls it ("Total : compte")
        is_account = (wide["covers"].astype(str) == "account") | (wide["level"].astype(str).str.casefold() == "account")
        acc = wide[is_account]
        row = (acc if len(acc) else wide).iloc[0]
        level = "Account" if len(acc) else str(row["level"] or row["label"])
        shown, total = float(row["shown"]), float(row["total"])
    elif len(bucket):
        b = bucket.iloc[0]
        shown, total, level = float(b["shown"]), float(b["total"]), ""
    else:
        return None
    own = _own_total(export, metric)
    if own is not None and abs(own - shown) <= max(0.01, 5e-4 * abs(own)):
        shown = own  # the file's own figure for its rows (the interface's), not the sum of rounded cells
    return {"shown": shown, "total": total, "level": level, "unnamed": unnamed, "unnamed_label": unnamed_label}


def _own_total(export, metric: str) -> float | None:
    t = export.totals
    if t is None or not len(t) or "scope" not in t or metric not in t:
        return None
    rows = t[t["scope"].astype("string") == "rows"]
    value = pd.to_numeric(rows[metric], errors="coerce").dropna() if len(rows) else pd.Series(dtype=float)
    return float(value.iloc[0]) if len(value) else None


def search_terms_base(exports, metric: str = "cost") -> dict | None:
    """The base of every share of search-term spend: ``listed`` (the search terms
    reports' rows, summed over the files), ``total`` (their wider totals, summed, when
    every file states one), ``level`` ("Account" when all are account totals), ``unnamed``
    (spend in "Other search terms", NaN when no file states it). None without a search
    terms report stating a wider total."""
    parts = [wider_total(e, metric) for e in exports if e.kind.endswith("/search_terms")]
    if not parts or any(p is None for p in parts):
        return None
    levels = {p["level"] for p in parts}
    unnamed = [p["unnamed"] for p in parts if np.isfinite(p["unnamed"])]
    return {"listed": sum(p["shown"] for p in parts), "total": sum(p["total"] for p in parts),
            "level": levels.pop() if len(levels) == 1 else "", "unnamed": sum(unnamed) if unnamed else np.nan,
            "unnamed_label": next((p["unnamed_label"] for p in parts if p["unnamed_label"]), "")}


def _whose(level: str, lang: str) -> tuple[str, str]:
    """("of the account's", "du compte") style phrases for a total's level."""
    if not level or level.casefold() == "account":
        return ("the account's", "du compte") if level else ("the file's total", "du total du fichier")
    return (f"the {level} campaigns' total", f"du total des campagnes {level}")


def coverage_text(export, lang: str = "en", currency: str | None = "EUR", metric: str = "cost") -> str:
    """One short phrase for the exports table: "US$714.20 of the account's US$32,620.90
    (2.2%); US$14,931.17 in unnamed 'Other search terms'", or "" when the file states no
    wider total."""
    w = wider_total(export, metric)
    if w is None:
        return ""
    m = lambda x: i18n.fmt_money(x, lang, currency=currency or export.meta.get("currency") or "EUR")  # noqa: E731
    en_whose, fr_whose = _whose(w["level"], lang)
    out = i18n.text(lang, f"{m(w['shown'])} of {en_whose} {m(w['total'])} ({i18n.fmt_pct(w['shown'] / w['total'], lang)})",
                    f"{m(w['shown'])} sur {m(w['total'])} {fr_whose} ({i18n.fmt_pct(w['shown'] / w['total'], lang)})")
    if np.isfinite(w["unnamed"]) and w["unnamed"] > 0:
        out += i18n.text(lang, f"; {m(w['unnamed'])} in '{w['unnamed_label']}' (terms not named)",
                         f" ; {m(w['unnamed'])} dans « {w['unnamed_label']} » (termes non nommés)")
    return out


def coverage_sentences(exports, lang: str = "en", currency: str | None = "EUR") -> list[str]:
    """One sentence per export whose rows are part of a wider total the file states:
    "search_terms_report.csv: search terms shown: US$714.20 of the account's US$32,620.90
    (2.2%); US$14,931.17 in 'Other search terms' (terms not named)". Sums of the rows are
    what the audit analyses; these say how much of the account they are."""
    out = []
    for e in exports:
        text = coverage_text(e, lang, currency)
        if not text:
            continue
        report = e.kind.split("/", 1)[-1]
        what = i18n.text(lang, *_SHOWN.get(report, ("rows", "lignes")))
        out.append(f"{Path(e.path).name} : {what} : {text}" if lang == "fr" else f"{Path(e.path).name}: {what}: {text}")
    return out


def loud_notes(exports) -> list[tuple[str, str]]:
    """(file name, note) of every export read although its rows do not add up to its own
    total (``load(..., on_mismatch="note")``): the report shows them first."""
    return [(Path(e.path).name, n) for e in exports for n in e.notes if str(n).startswith(UNRECONCILED)]



def share_of_base(amount: float, listed: float, base: dict | None, lang: str = "en",
                  currency: str | None = "EUR") -> str:
    """Where ``amount`` stands against the spend it is a part of, naming both bases:
    "28.9% of the US$714 spent on the search terms listed; 0.6% of the account's
    US$32,621" (the second part only when the search terms report states a wider total,
    ``base`` from :func:`search_terms_base`)."""
    m = lambda x: i18n.fmt_money(x, lang, currency=currency or "EUR", decimals=0)  # noqa: E731
    pct = lambda a, b: i18n.fmt_pct(a / b if b else np.nan, lang)  # noqa: E731
    out = i18n.text(lang, f"{pct(amount, listed)} of the {m(listed)} spent on the search terms listed",
                    f"{pct(amount, listed)} des {m(listed)} dépensés sur les termes de recherche listés")
    if base and np.isfinite(base.get("total", np.nan)) and base["total"] > 0:
        en_whose, fr_whose = _whose(base.get("level", ""), lang)
        out += i18n.text(lang, f"; {pct(amount, base['total'])} of {en_whose} {m(base['total'])}",
                         f" ; {pct(amount, base['total'])} des {m(base['total'])} {fr_whose}")
        if np.isfinite(base.get("unnamed", np.nan)) and base["unnamed"] > 0:
            out += i18n.text(lang, f" (Google names no term for {m(base['unnamed'])} of it, "
                                   f"'{base.get('unnamed_label') or 'Other search terms'}')",
                             f" (Google ne nomme pas les termes de {m(base['unnamed'])}, "
                             f"« {base.get('unnamed_label') or 'Other search terms'} »)")
    return out
