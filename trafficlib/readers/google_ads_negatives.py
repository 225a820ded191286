"""Google Ads 'Negative keyword report': the account's exclusions, no metrics.

The interface download (Campaigns > Audiences, keywords and content > Search keywords >
Negative search keywords > Download) is a title line, a range line (``All time``), then
``Negative keyword, Keyword or list, Campaign, Ad group, Level, Match type``: one row per
negative keyword or shared negative list applied to a campaign or an ad group. Keywords
are written with their match-type marks (``[exact]``, ``"phrase"``, broad bare); a
list's row names the list, not its keywords (they are not in this download), with match
type ``--``. French headers: ``Mot clé à exclure``, ``Mot clé ou liste``, ``Campagne``,
``Groupe d'annonces``, ``Niveau``, ``Type de correspondance``.

:func:`read_negative_keywords` returns an :class:`Export` of kind
``google_ads/negative_keywords`` (table ``negative_keywords``): columns ``keyword`` (the
text without its marks), ``match_type`` (``exact`` / ``phrase`` / ``broad``; NA for a
list), ``criterion`` (``keyword`` / ``list``), ``campaign``, ``ad_group`` (NA when the
negative applies to the whole campaign) and ``level`` (``account`` / ``campaign`` /
``ad group``). The paid-search audit uses it to tell which wasted search terms are
already excluded.
"""
from __future__ import annotations

import pandas as pd

from trafficlib.errors import TrafficDataError
from trafficlib.readers import _adreport as ar
from trafficlib.readers.registry import Export, Probe, Reader, register

__all__ = ["read_negative_keywords", "recognise", "KIND"]

KIND = "google_ads/negative_keywords"
_COLUMNS = {
    "keyword": ar._k("Negative keyword", "Negative keywords", "Negative search keyword", "Mot clé à exclure",
                     "Mots clés à exclure", "Mot clé négatif", "Mots clés négatifs"),
    "criterion": ar._k("Keyword or list", "Mot clé ou liste"),
    "campaign": ar._k("Campaign", "Campagne"),
    "ad_group": ar._k("Ad group", "Groupe d'annonces"),
    "level": ar._k("Level", "Niveau"),
    "match_type": ar._k("Match type", "Type de correspondance"),
}
_METRIC_KEYS = set().union(*(ar.METRICS[m][0] for m in ("impressions", "clicks", "cost")))
_EMPTY = {"", "--", "-", "—"}


def _positions(header: list[str]) -> dict[str, int]:
    keys = [ar.key(h) for h in header]
    return {canon: keys.index(k) for canon, names in _COLUMNS.items() for k in keys if k in names}


def recognise(probe: Probe) -> bool:
    """A table headed 'Negative keyword' (or its French name) with no impressions, clicks
    or cost column."""
    if not probe.is_text:
        return False
    for sheet in probe.sheets:
        keys = {ar.key(h) for h in sheet.header}
        if keys & _COLUMNS["keyword"] and not keys & _METRIC_KEYS:
            return True
    return False


def _match_type(cell: str) -> str | None:
    t = cell.strip().lower()
    if t in _EMPTY:
        return None
    if "phrase" in t or "expression" in t:
        return "phrase"
    if "exact" in t:
        return "exact"
    if "broad" in t or "large" in t:
        return "broad"
    return None


def _level(cell: str, ad_group) -> str:
    t = ar.key(cell)
    if t in ("ad_group", "groupe_d_annonces"):
        return "ad group"
    if t in ("account", "compte"):
        return "account"
    if t in ("campaign", "campagne"):
        return "campaign"
    return "ad group" if ad_group is not None else "campaign"


def read_negative_keywords(probe: Probe | str, period=None) -> Export:
    """The negative keyword download at ``probe`` (see module doc). ``period`` is ignored
    (an exclusion list has none). Raises :class:`TrafficDataError` naming the file and
    line of a row that does not fit the header."""
    if not isinstance(probe, Probe):
        probe = Probe(probe)
    file = probe.file
    sheet = next(s for s in probe.sheets if {ar.key(h) for h in s.header} & _COLUMNS["keyword"])
    pos = _positions(sheet.header)
    rows, lines, empty = [], [], []
    for cells, line in zip(sheet.rows, sheet.lines):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > sheet.width and any(c.strip() for c in cells[sheet.width:]):
            raise TrafficDataError(f"{len(cells)} fields where the header has {sheet.width}", file=file, rows=[line])
        cell = lambda name: (cells[pos[name]].strip() if name in pos and pos[name] < len(cells) else "")  # noqa: E731
        text = cell("keyword")
        if text in _EMPTY:
            empty.append(line)
            continue
        is_list = ar.key(cell("criterion")) in ("list", "liste", "negative_keyword_list", "liste_de_mots_cles_a_exclure")
        mark = None
        if not is_list and len(text) >= 2 and text[0] + text[-1] in ("[]", '""'):
            mark = "exact" if text[0] == "[" else "phrase"
            text = text[1:-1].strip()
        campaign = cell("campaign")
        ad_group = cell("ad_group")
        campaign = None if campaign in _EMPTY else campaign
        ad_group = None if ad_group in _EMPTY else ad_group
        rows.append({"keyword": text,
                     "match_type": None if is_list else (_match_type(cell("match_type")) or mark or "broad"),
                     "criterion": "list" if is_list else "keyword", "campaign": campaign, "ad_group": ad_group,
                     "level": _level(cell("level"), ad_group) if campaign or ad_group else "account"})
        lines.append(line)
    frame = pd.DataFrame(rows, columns=["keyword", "match_type", "criterion", "campaign", "ad_group", "level"])
    frame = frame.astype("string")
    notes = []
    lists = sorted(set(frame.loc[frame["criterion"] == "list", "keyword"]))
    if lists:
        notes.append(f"{len(lists)} shared negative keyword list(s) applied ({', '.join(lists[:5])}"
                     f"{'...' if len(lists) > 5 else ''}): their keywords are not in this download")
    if empty:
        notes.append(f"{len(empty)} rows without a negative keyword left out (lines {', '.join(map(str, empty[:5]))})")
    pre = ar.preamble_of(probe, sheet)
    meta = {"platform": "Google Ads", "lines": lines}
    if pre:
        meta["title"] = pre[0]
    return Export(path=file, kind=KIND, table="negative_keywords", frame=frame, totals=None, period=None,
                  notes=notes, columns={sheet.header[i]: c for c, i in pos.items()},
                  dimensions=tuple(c for c in ("campaign", "ad_group", "keyword") if frame[c].notna().any()),
                  meta=meta)


register(Reader(KIND, "negative_keywords", recognise, read_negative_keywords, priority=21,
                describe="Google Ads negative keyword report (negatives and shared lists by campaign / ad group), "
                         "en/fr: read by the paid-search audit to tell already-excluded terms"))
