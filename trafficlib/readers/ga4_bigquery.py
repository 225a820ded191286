"""GA4 BigQuery event export files (newline JSON or nested Parquet) through the registry;
the reading itself is :func:`trafficlib.readers.ga4.read_events`."""
from __future__ import annotations

from trafficlib.readers.registry import Export, Probe, Reader, register


def _recognise(probe: Probe) -> bool:
    if probe.suffix in (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz"):
        import gzip

        opener = gzip.open if probe.suffix.endswith(".gz") else open
        try:
            with opener(probe.path, "rt", encoding="utf-8", errors="replace") as fh:
                head = fh.read(4096)
        except OSError:
            return False
        return '"event_name"' in head and ('"event_timestamp"' in head or '"user_pseudo_id"' in head)
    if probe.suffix in (".parquet", ".pq"):
        cols = set(probe.parquet_columns)
        return "event_params" in cols and "event_name" in cols
    return False


def _read(probe: Probe) -> Export:
    from trafficlib.readers.ga4 import read_events

    frame = read_events(probe.path)
    period = (frame["timestamp"].min().normalize(), frame["timestamp"].max().normalize()) if len(frame) else None
    notes = ["GA4's own session ids (user_pseudo_id + ga_session_id) are kept"]
    if "session_traffic_source_last_click" in frame.attrs.get("fields", ()):
        notes.append("session source from session_traffic_source_last_click (GA4's own last non-direct click)")
    return Export(path=probe.file, kind="ga4/bigquery_events", table="events", frame=frame, period=period,
                  notes=notes, columns={c: c for c in frame.columns})


register(Reader("ga4/bigquery_events", "events", _recognise, _read, priority=20,
                describe="GA4 BigQuery export (events_* tables saved as newline JSON or Parquet)"))
