"""What the LinkedIn Campaign Manager and TikTok Ads Manager readers share: their
headers said in the words :mod:`trafficlib.readers._adreport` knows, so one table
reader (totals, currencies, numbers, dates) serves every ad platform.

:func:`read_renamed` renames a sheet's headers through a synonym table, reads it with
:func:`~trafficlib.readers._adreport.read_table`, and gives the :class:`Export` back with
``columns`` naming the headers as the file writes them.
"""
from __future__ import annotations

import dataclasses

from trafficlib.readers import _adreport as ar
from trafficlib.readers._sheet import Sheet
from trafficlib.readers.registry import Export

__all__ = ["renamed", "read_renamed", "keys_of"]


def keys_of(sheet: Sheet) -> set[str]:
    """The header keys (:func:`~trafficlib.readers._adreport.key`) of a sheet."""
    return {ar.key(h) for h in sheet.header}


def renamed(sheet: Sheet, synonyms: dict[str, str]) -> tuple[Sheet, dict[str, str]]:
    """(the sheet with its headers renamed, {new header: header as written}).
    ``synonyms`` maps a header key to the header :mod:`._adreport` reads; a header
    renamed to one already present elsewhere in the header is left as written."""
    new, back = [], {}
    present = {ar.key(h) for h in sheet.header}
    for h in sheet.header:
        to = synonyms.get(ar.key(h))
        if to is not None and (ar.key(to) not in present or ar.key(to) == ar.key(h)) and to not in back:
            back[to] = h
            new.append(to)
        else:
            new.append(h)
    return dataclasses.replace(sheet, header=new), back


def read_renamed(sheet: Sheet, synonyms: dict[str, str], file: str, platform: str, kind: str,
                 preamble: list[str], period=None) -> Export:
    """Read ``sheet`` as an ``ad_spend`` Export once its headers are renamed (see module
    doc); ``Export.columns`` keys are the headers as the file writes them."""
    sheet, back = renamed(sheet, synonyms)
    exp = ar.read_table(sheet, file, platform, kind, preamble=preamble, period=period)
    exp.columns = {back.get(h, h): c for h, c in exp.columns.items()}
    exp.notes = [_unrename(n, back) for n in exp.notes]
    return exp


def _unrename(note: str, back: dict[str, str]) -> str:
    """A note listing headers ("columns not used: A, B") with each as the file writes it."""
    for lead in ("columns not used: ", "recomputed from the sums, not read: "):
        if lead in note:
            head, _, names = note.partition(lead)
            return head + lead + ", ".join(back.get(n, n) for n in names.split(", "))
    return note
