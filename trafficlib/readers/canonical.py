"""The kit's own canonical tables as files (CSV, TSV, Parquet): events, sessions,
touchpoints, ad_spend... (:mod:`trafficlib.schema`). Recognised when the headers hold
every required column of a table (French or English aliases)."""
from __future__ import annotations

from trafficlib import schema
from trafficlib.readers.registry import Export, Probe, Reader, register

__all__ = ["table_of"]

# Most specific first: a sessions file also has a user_id, an events file a timestamp.
_ORDER = ("events", "sessions", "touchpoints", "ad_spend", "auction_insights", "rankings", "competitors", "trends")


def table_of(headers) -> str | None:
    """The canonical table whose required columns all appear in ``headers``, or None."""
    norm = {schema.normalize_header(h) for h in headers}
    for table in _ORDER:
        ok = True
        for col in schema.TABLES[table]:
            if col.required and not ({schema.normalize_header(a) for a in (col.name, *col.aliases)} & norm):
                ok = False
                break
        if ok:
            return table
    return None


def _make(table: str) -> Reader:
    def recognise(probe: Probe) -> bool:
        if probe.suffix not in (".parquet", ".pq", ".csv", ".tsv", ".txt", ""):
            return False
        headers = probe.headers()
        if not headers:
            return False
        # Exports with a preamble are somebody's interface export, not a canonical file.
        if probe.is_text and probe.sheets[0].preamble:
            return False
        return table_of(headers) == table

    def read(probe: Probe) -> Export:
        from trafficlib import sources

        frame = sources.read(probe.path, table)
        return Export(path=probe.file, kind=f"canonical/{table}", table=table, frame=frame,
                      columns={c: c for c in frame.columns})

    return Reader(f"canonical/{table}", table, recognise, read, priority=30,
                  describe=f"the kit's canonical '{table}' table (CSV or Parquet)")


for _t in _ORDER:
    register(_make(_t))
