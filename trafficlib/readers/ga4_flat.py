"""GA4 BigQuery events flattened to a table by a query (one row per event, event
parameters unnested into columns), CSV / xlsx / Parquet, into the canonical ``events``
table, like :func:`trafficlib.readers.ga4.read_events` does for the nested export.

Column names follow the export fields, with dots or underscores
(``collected_traffic_source.manual_source`` or ``collected_traffic_source_manual_source``,
``device.category`` or ``device_category``, ``geo.country`` or ``geo_country``), or the
unnested parameter's own name (``ga_session_id``, ``page_location``, ``source``...):

============================  ==============================================================
canonical column              flattened column
============================  ==============================================================
user_id                       ``user_pseudo_id``
session_id                    ``user_pseudo_id`` + ``.`` + ``ga_session_id`` (GA4's own
                              session key); missing when the row has no ``ga_session_id``
timestamp                     ``event_timestamp``: microseconds since 1970 (UTC), or a
                              date-time text if the query formatted it
event_name                    ``event_name``
page / referrer               ``page_location`` / ``page_referrer``
source / medium / campaign    ``collected_traffic_source_manual_source / _manual_medium /
                              _manual_campaign_name``, else the ``source`` / ``medium`` /
                              ``campaign`` parameters; a row with a ``gclid`` and no source
                              is ``google`` / ``cpc``
device / country              ``device_category`` / ``geo_country``
engagement_time_msec          ``engagement_time_msec``
transaction_id / revenue      ``ecommerce_transaction_id`` / ``ecommerce_purchase_revenue``,
                              else ``transaction_id`` / ``purchase_revenue``, else the
                              ``value`` parameter of ``purchase`` events
last_click_source / _medium   ``session_traffic_source_last_click_cross_channel_campaign_*``,
/ _campaign                   else ``..._manual_campaign_*`` (exports since 2024): GA4's own
                              session source, used by ``sessionize``
============================  ==============================================================

``traffic_source_source / _medium / _name`` are the *user's first* acquisition in GA4's
schema, not the event's or the session's: they go to ``first_source`` /
``first_medium`` / ``first_campaign`` and the notes say so.

Ids and timestamps damaged by a spreadsheet (``1.70923E+15``) are refused
(:mod:`trafficlib.readers.ua` explains why).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from trafficlib import schema
from trafficlib.errors import TrafficDataError
from trafficlib.readers._numbers import checked_numbers
from trafficlib.readers.registry import Export, Probe, Reader, register
from trafficlib.readers.ua import compact, map_headers, refuse_damaged, string_table

__all__ = ["read_flat_events", "FIELDS"]


def _keys(*names: str) -> tuple[str, ...]:
    return tuple(compact(n) for n in names)


_LC = "session_traffic_source_last_click."
FIELDS: dict[str, tuple[str, ...]] = {
    "user_id": _keys("user_pseudo_id"),
    "event_timestamp": _keys("event_timestamp"),
    "event_date": _keys("event_date"),
    "event_name": _keys("event_name"),
    "ga_session_id": _keys("ga_session_id", "event_params.ga_session_id", "session_id"),
    "ga_session_number": _keys("ga_session_number", "event_params.ga_session_number"),
    "page": _keys("page_location", "event_params.page_location"),
    "referrer": _keys("page_referrer", "event_params.page_referrer"),
    "manual_source": _keys("collected_traffic_source.manual_source", "manual_source"),
    "manual_medium": _keys("collected_traffic_source.manual_medium", "manual_medium"),
    "manual_campaign": _keys("collected_traffic_source.manual_campaign_name", "manual_campaign_name"),
    "param_source": _keys("source", "event_params.source"),
    "param_medium": _keys("medium", "event_params.medium"),
    "param_campaign": _keys("campaign", "event_params.campaign"),
    "gclid": _keys("collected_traffic_source.gclid", "gclid"),
    "first_source": _keys("traffic_source.source"),
    "first_medium": _keys("traffic_source.medium"),
    "first_campaign": _keys("traffic_source.name"),
    "cross_source": _keys(_LC + "cross_channel_campaign.source"),
    "cross_medium": _keys(_LC + "cross_channel_campaign.medium"),
    "cross_campaign": _keys(_LC + "cross_channel_campaign.campaign_name"),
    "lc_source": _keys(_LC + "manual_campaign.source"),
    "lc_medium": _keys(_LC + "manual_campaign.medium"),
    "lc_campaign": _keys(_LC + "manual_campaign.campaign_name"),
    "ads_campaign": _keys(_LC + "google_ads_campaign.campaign_name"),
    "device": _keys("device.category", "device_category"),
    "country": _keys("geo.country", "geo_country", "country"),
    "engagement_time_msec": _keys("engagement_time_msec", "event_params.engagement_time_msec"),
    "ecom_transaction_id": _keys("ecommerce.transaction_id"),
    "transaction_id": _keys("transaction_id", "event_params.transaction_id"),
    "ecom_revenue": _keys("ecommerce.purchase_revenue"),
    "purchase_revenue": _keys("purchase_revenue"),
    "value": _keys("value", "event_params.value"),
}


def _recognise(probe: Probe) -> bool:
    if probe.suffix not in (".csv", ".tsv", ".txt", "", ".xlsx", ".xlsm", ".parquet", ".pq"):
        return False
    keys = {compact(h) for h in probe.headers()}
    if "eventparams" in keys:  # the nested export: ga4_bigquery reads it
        return False
    return {"eventtimestamp", "userpseudoid", "eventname"} <= keys


def read_flat_events(probe: Probe | str) -> Export:
    """Read a flattened GA4 BigQuery events table (see the module docstring).

    Returns an :class:`Export` of kind ``"ga4/bigquery_events_flat"`` whose frame is the
    canonical ``events`` table (+ ``ga_session_number``, ``gclid``, ``first_source``,
    ``first_medium``, ``first_campaign``, ``event_date``, ``last_click_source``,
    ``last_click_medium``, ``last_click_campaign``). Raises :class:`TrafficDataError`
    (file, column, lines) for damaged ids, unreadable timestamps or numbers, empty
    user ids, negative amounts.
    """
    if not isinstance(probe, Probe):
        probe = Probe(probe)
    file = probe.file
    header, cells, lines = string_table(probe)
    where = map_headers(header, FIELDS)
    notes: list[str] = ["GA4's own session ids (user_pseudo_id + ga_session_id) are kept"]
    refuse_damaged(cells, header, where, ("user_id", "ga_session_id", "event_timestamp"), lines, file)

    def text(name: str) -> pd.Series:
        if name not in where:
            return pd.Series(pd.NA, index=cells.index, dtype="string")
        return cells[where[name]].astype("string").str.strip().replace("", pd.NA)

    def number(name: str, integer: bool = False) -> pd.Series:
        if name not in where:
            return pd.Series(np.nan, index=cells.index, dtype="float64")
        col = cells[where[name]]
        return checked_numbers(col, file=file, column=header[where[name]], lines=lines, decimal=".",
                               integer=integer, what="durations and amounts")

    def rows_of(mask) -> list[int]:
        return [lines[i] for i in np.flatnonzero(np.asarray(mask, dtype=bool))]

    user = text("user_id")
    if user.isna().any():
        raise TrafficDataError(f"{int(user.isna().sum()):,} event(s) without user_pseudo_id", file=file,
                               column=header[where["user_id"]], rows=rows_of(user.isna()))
    raw_ts = cells[where["event_timestamp"]].astype("string").str.strip()
    numeric = raw_ts.str.fullmatch(r"\d+(\.0+)?").fillna(False)
    ts = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]")
    if numeric.any():
        v = pd.to_numeric(raw_ts[numeric], errors="coerce")
        unit = np.where(v >= 1e14, "us", np.where(v >= 1e11, "ms", "s"))
        for u in ("us", "ms", "s"):
            sel = unit == u
            if sel.any():
                ts.loc[v.index[sel]] = pd.to_datetime(v[sel].astype("int64"), unit=u)
        if (unit != "us").any():
            notes.append("event_timestamp read as " + " and ".join(sorted({
                {"ms": "milliseconds", "s": "seconds"}[u] for u in unit if u != "us"})) + " (by magnitude)")
    rest = ~numeric & raw_ts.notna() & (raw_ts != "")
    if rest.any():
        parsed, bad = schema.parse_dates(raw_ts[rest], with_time=True)
        if bad.any():
            raise TrafficDataError(f"cannot read '{raw_ts[rest][bad].iloc[0]}' as a timestamp", file=file,
                                   column=header[where["event_timestamp"]],
                                   rows=[lines[i] for i in np.flatnonzero(rest.to_numpy())[bad.to_numpy()]],
                                   hint="microseconds since 1970 (event_timestamp as exported) or 2025-03-01 14:05:00")
        ts.loc[rest] = pd.to_datetime(parsed)
    if ts.isna().any():
        raise TrafficDataError(f"{int(ts.isna().sum()):,} event(s) without event_timestamp", file=file,
                               column=header[where["event_timestamp"]], rows=rows_of(ts.isna()))
    name = text("event_name")
    if name.isna().any():
        raise TrafficDataError("event(s) without event_name", file=file, column=header[where["event_name"]],
                               rows=rows_of(name.isna()))
    sid = text("ga_session_id")
    src = text("manual_source").fillna(text("param_source"))
    med = text("manual_medium").fillna(text("param_medium"))
    cmp_ = text("manual_campaign").fillna(text("param_campaign"))
    gclid = text("gclid")
    page = text("page")
    if "gclid" not in where and "page" in where:
        gclid = page.str.extract(r"[?&]gclid=([^&#]+)", expand=False).astype("string")
    auto = gclid.notna() & src.isna()
    src = src.mask(auto, "google")
    med = med.mask(auto & med.isna(), "cpc")
    revenue = number("ecom_revenue").fillna(number("purchase_revenue"))
    is_purchase = (name == "purchase").fillna(False)
    revenue = revenue.fillna(number("value").where(is_purchase.to_numpy()))
    frame = pd.DataFrame({
        "user_id": user.astype("string"),
        "session_id": (user + "." + sid).astype("string"),
        "timestamp": ts.astype("datetime64[ns]"),
        "event_name": name.astype("string"),
        "page": page, "referrer": text("referrer"),
        "source": src, "medium": med, "campaign": cmp_,
        "device": text("device"), "country": text("country"),
        "engagement_time_msec": number("engagement_time_msec").astype("float64"),
        "transaction_id": text("ecom_transaction_id").fillna(text("transaction_id")),
        "revenue": revenue.astype("float64"),
        "ga_session_number": number("ga_session_number", integer=True).astype("Int64"),
        "gclid": gclid,
        "first_source": text("first_source"), "first_medium": text("first_medium"),
        "first_campaign": text("first_campaign"),
        "event_date": text("event_date"),
        "last_click_source": text("cross_source").fillna(text("lc_source")),
        "last_click_medium": text("cross_medium").fillna(text("lc_medium")),
        "last_click_campaign": text("cross_campaign").fillna(text("lc_campaign")).fillna(text("ads_campaign")),
    })
    frame = frame.sort_values(["user_id", "timestamp"], kind="stable").reset_index(drop=True)
    frame.attrs = {"table": "events", "file": file}
    if sid.isna().all():
        notes[0] = "no ga_session_id column or values: sessions must be rebuilt from the 30-minute rule"
    elif sid.isna().any():
        notes.append(f"{int(sid.isna().sum()):,} events without ga_session_id")
    if any(k in where for k in ("cross_source", "lc_source", "lc_medium")):
        notes.append("session source from session_traffic_source_last_click (GA4's own last non-direct click)")
        frame.attrs["fields"] = ("session_traffic_source_last_click",)
    if any(k in where for k in ("first_source", "first_medium")):
        notes.append("traffic_source_* is the user's first acquisition in GA4's schema: kept as first_source / "
                     "first_medium / first_campaign, not used as the event's or session's source")
    if not any(k in where for k in ("manual_source", "param_source", "manual_medium", "param_medium")):
        notes.append("no event-level source / medium column: every session reads as Direct unless "
                     "session_traffic_source_last_click is present")
    if int(auto.sum()):
        notes.append(f"{int(auto.sum()):,} events with a gclid and no source read as google / cpc (auto-tagging)")
    columns = {header[i]: n for n, i in where.items()}
    period = (frame["timestamp"].min().normalize(), frame["timestamp"].max().normalize()) if len(frame) else None
    return Export(path=file, kind="ga4/bigquery_events_flat", table="events", frame=frame, period=period,
                  notes=notes, columns=columns)


register(Reader("ga4/bigquery_events_flat", "events", _recognise, read_flat_events, priority=25,
                describe="GA4 BigQuery events flattened to CSV, xlsx or Parquet by a query (event_timestamp, "
                         "user_pseudo_id, event_name, unnested parameters)"))
