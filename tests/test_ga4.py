"""GA4 readers: a synthetic BigQuery export (schema of the public
``ga4_obfuscated_sample_ecommerce`` dataset) written as JSON lines and Parquet, and
session-level UI exports in English and French."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from trafficlib import TrafficDataError, schema
from trafficlib.ga4 import read_events, read_sessions_report, write_events
from trafficlib.sessions import sessionize

DAY0 = 1_740_787_200_000_000  # 2025-03-01 00:00:00 UTC in microseconds


def _param(key, value):
    if isinstance(value, str):
        v = {"string_value": value, "int_value": None, "float_value": None, "double_value": None}
    elif isinstance(value, float):
        v = {"string_value": None, "int_value": None, "float_value": None, "double_value": value}
    else:
        v = {"string_value": None, "int_value": int(value), "float_value": None, "double_value": None}
    return {"key": key, "value": v}


def make_export(n_users=40, seed=0):
    """Rows shaped like the GA4 BigQuery export, plus the truth needed by the tests."""
    rng = np.random.default_rng(seed)
    rows, truth = [], {"sessions": 0, "revenue": 0.0, "purchases": 0, "page_views": 0, "by_source": {}}
    channels = [("google", "organic", "(organic)", None), ("google", "cpc", "brand", "CjwKCA"),
                ("newsletter", "email", "march", None), (None, None, None, None)]
    for u in range(n_users):
        user = f"{1000 + u}.{rng.integers(10**9, 10**10)}"
        t = DAY0 + int(rng.integers(0, 86400)) * 1_000_000
        for s in range(int(rng.integers(1, 4))):
            sid = int(t // 1_000_000)
            src, med, cmp_, gclid = channels[int(rng.integers(0, len(channels)))]
            truth["sessions"] += 1
            key = src or "(direct)"
            truth["by_source"][key] = truth["by_source"].get(key, 0) + 1
            n_pages = int(rng.integers(1, 5))
            names = ["session_start"] + ["page_view"] * n_pages + ["user_engagement"]
            if rng.random() < 0.3:
                names.append("purchase")
            for i, name in enumerate(names):
                page = f"https://shop.example/p{i}" + ("?gclid=" + gclid if gclid and i <= 1 else "")
                params = [_param("ga_session_id", sid), _param("ga_session_number", s + 1),
                          _param("page_location", page), _param("page_title", "Shop"),
                          _param("session_engaged", "1")]
                if name == "user_engagement":
                    params.append(_param("engagement_time_msec", 12000))
                ecommerce = {"transaction_id": None, "purchase_revenue": None}
                if name == "purchase":
                    value = float(rng.integers(20, 300)) + 0.5
                    ecommerce = {"transaction_id": f"T{u}-{s}", "purchase_revenue": value}
                    params.append(_param("value", value))
                    truth["revenue"] += value
                    truth["purchases"] += 1
                truth["page_views"] += name == "page_view"
                cts = None
                if src and i <= 1:
                    if med == "email":  # older-style: traffic only in the event params
                        params += [_param("source", src), _param("medium", med), _param("campaign", cmp_)]
                    else:
                        cts = {"manual_campaign_id": None, "manual_campaign_name": cmp_,
                               "manual_source": src, "manual_medium": med, "gclid": gclid}
                rows.append({
                    "event_date": "20250301", "event_timestamp": t, "event_name": name,
                    "event_params": params, "user_pseudo_id": user,
                    "user_first_touch_timestamp": DAY0,
                    "device": {"category": ["desktop", "mobile"][u % 2], "operating_system": "Linux",
                               "web_info": {"browser": "Chrome", "browser_version": "120"}},
                    "geo": {"country": "France", "city": "Lyon"},
                    "traffic_source": {"name": "(direct)", "medium": "(none)", "source": "(direct)"},
                    "collected_traffic_source": cts,
                    "ecommerce": ecommerce,
                    "items": [],
                })
                t += int(rng.integers(2, 120)) * 1_000_000
            t += int(rng.integers(3600, 20000)) * 1_000_000  # next session well after 30 min
    return rows, truth


def write_jsonl(rows, path):
    """As BigQuery writes JSON: INT64 values as strings."""
    def conv(x):
        if isinstance(x, dict):
            return {k: conv(v) for k, v in x.items()}
        if isinstance(x, list):
            return [conv(v) for v in x]
        if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
            return str(int(x))
        return x
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(conv(r)) + "\n")
    return path


def write_parquet(rows, path):
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ga4")
    rows, truth = make_export()
    return {"json": write_jsonl(rows, tmp / "events_20250301.json"),
            "parquet": write_parquet(rows, tmp / "events_20250301.parquet"),
            "rows": rows, "truth": truth, "tmp": tmp}


def test_read_events_json_and_parquet_agree(export):
    a = read_events(export["json"])
    b = read_events(export["parquet"])
    assert len(a) == len(export["rows"])
    pd.testing.assert_frame_equal(a.drop(columns=[]), b, check_like=False, check_exact=False)


def test_flattened_values(export):
    ev = read_events(export["json"])
    truth = export["truth"]
    assert ev["session_id"].nunique() == truth["sessions"]
    assert (ev["event_name"] == "page_view").sum() == truth["page_views"]
    assert ev.loc[ev.event_name == "purchase", "revenue"].sum() == pytest.approx(truth["revenue"])
    assert ev["transaction_id"].notna().sum() == truth["purchases"]
    assert ev["timestamp"].min() >= pd.Timestamp("2025-03-01")
    assert set(ev["device"]) == {"desktop", "mobile"} and set(ev["country"]) == {"France"}
    assert ev["page"].str.startswith("https://shop.example/").all()
    assert ev["engagement_time_msec"].max() == 12000
    # session id = user_pseudo_id + '.' + ga_session_id
    first = export["rows"][0]
    sid = first["event_params"][0]["value"]["int_value"]
    assert ev["session_id"].iloc[0] == f"{first['user_pseudo_id']}.{sid}"
    # traffic from collected_traffic_source (cpc, organic) or event params (email)
    tagged = ev.dropna(subset=["source"])
    assert set(zip(tagged.source, tagged.medium)) <= {("google", "organic"), ("google", "cpc"),
                                                      ("newsletter", "email")}
    assert {"newsletter", "google"} <= set(tagged.source)
    assert set(ev.loc[ev.gclid.notna(), "medium"]) == {"cpc"}
    assert ev["first_source"].eq("(direct)").all()
    assert ev["session_engaged"].all()


def test_events_validate_as_canonical(export):
    ev = read_events(export["parquet"])
    checked = schema.validate(ev, "events")
    for col in schema.columns("events"):
        assert checked[col].dtype == ev[col].dtype, col


def test_sessionize_ga4_export(export):
    ev = read_events(export["json"])
    truth = export["truth"]
    own = sessionize(ev, use_session_id=True)
    assert len(own) == truth["sessions"]
    assert own["revenue"].sum() == pytest.approx(truth["revenue"])
    ga4_like = sessionize(ev, split_on_campaign=False)
    assert len(ga4_like) == truth["sessions"]  # sessions are hours apart in the fixture
    plain = sessionize(ev, use_session_id=True, attribution="session_start")
    counts = plain["source"].fillna("(direct)").value_counts().to_dict()
    assert counts == truth["by_source"]
    # GA4's reports: direct return visits credited to the user's earlier source
    credited = own["credited_from"].notna()
    assert credited.any() and own.loc[credited, "source"].notna().all()
    assert (own["source"].fillna("(direct)") == "(direct)").sum() == truth["by_source"]["(direct)"] - credited.sum()
    assert set(own.loc[own.source == "google", "channel"]) <= {"Organic Search", "Paid Search"}
    assert own.loc[(own.medium == "cpc") & own["credited_from"].isna(), "has_gclid"].all()
    # Through a canonical Parquet file written out of core.
    out = write_events(export["json"], export["tmp"] / "canonical.parquet")
    assert len(sessionize(out, use_session_id=True)) == truth["sessions"]


def test_glob_and_errors(export, tmp_path):
    rows = export["rows"]
    write_jsonl(rows[:10], tmp_path / "events_1.json")
    write_jsonl(rows[10:25], tmp_path / "events_2.json")
    assert len(read_events(str(tmp_path / "events_*.json"))) == 25
    with pytest.raises(TrafficDataError, match="file not found"):
        read_events(tmp_path / "nope.json")
    (tmp_path / "other.json").write_text('{"a": 1, "event_name": "x"}\n')
    with pytest.raises(TrafficDataError) as err:
        read_events(tmp_path / "other.json")
    assert "other.json" in str(err.value)
    pq.write_table(pa.table({"user_pseudo_id": ["u"], "event_name": ["page_view"]}), tmp_path / "bad.parquet")
    with pytest.raises(TrafficDataError, match="event_timestamp") as err:
        read_events(tmp_path / "bad.parquet")
    assert err.value.column == "event_timestamp"
    (tmp_path / "broken.json").write_text('{"event_timestamp": "1", "user_pseudo_id": \n')
    with pytest.raises(TrafficDataError, match="broken.json"):
        read_events(tmp_path / "broken.json")
    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    with pytest.raises(TrafficDataError, match="GA4 export"):
        read_events(tmp_path / "x.csv")


# --------------------------------------------------------------- session-level reports
EN = """# ----------------------------------------
# Traffic acquisition: Session default channel group
# Account: Maison Lumière
# Start date: 20250301
# End date: 20250302
# ----------------------------------------

Date,Session source / medium,Session default channel group,Sessions,Engaged sessions,Key events,Total revenue
20250301,google / organic,Organic Search,"1,234",789,12.5,"1,234.50"
20250301,(direct) / (none),Direct,300,120,2,99.90
20250302,newsletter / email,Email,45,30,0,0
Total,,,"1,579",939,14.5,"1,334.40"
"""

FR = """Date;Source/Support de la session;Groupe de canaux par défaut de la session;Sessions;Sessions avec engagement;Événements clés;Revenu total
01/03/2025;google / cpc;Paid Search;1 200;800;10;2 345,60 €
02/03/2025;facebook.com / referral;Organic Social;150;60;1;45,00 €
"""

API = """date,sessionSource,sessionMedium,sessions,engagementRate,keyEvents
20250301,google,cpc,200,0.5,3
20250301,criteo,cpm,100,0.25,0
"""


def test_sessions_report_english_ui(tmp_path):
    path = tmp_path / "acquisition.csv"
    path.write_text(EN, encoding="utf-8")
    r = read_sessions_report(path)
    assert list(r.columns) == ["date", "source", "medium", "channel", "sessions", "engaged_sessions",
                               "conversions", "revenue"]
    assert len(r) == 3  # total row dropped
    assert list(r["source"]) == ["google", "(direct)", "newsletter"]
    assert list(r["medium"]) == ["organic", "(none)", "email"]
    assert list(r["sessions"]) == [1234, 300, 45]
    assert list(r["engaged_sessions"]) == [789, 120, 30]
    assert r["conversions"].tolist() == [12.5, 2.0, 0.0]
    assert r["revenue"].tolist() == [1234.5, 99.9, 0.0]
    assert r["date"].tolist() == [pd.Timestamp("2025-03-01")] * 2 + [pd.Timestamp("2025-03-02")]


def test_sessions_report_french_ui(tmp_path):
    path = tmp_path / "acquisition_fr.csv"
    path.write_bytes(FR.encode("cp1252"))
    r = read_sessions_report(path)
    assert list(r["channel"]) == ["Paid Search", "Organic Social"]
    assert list(r["source"]) == ["google", "facebook.com"]
    assert list(r["sessions"]) == [1200, 150]
    assert r["revenue"].tolist() == [2345.6, 45.0]
    assert r["date"].tolist() == [pd.Timestamp("2025-03-01"), pd.Timestamp("2025-03-02")]


def test_sessions_report_api_columns_rate_and_computed_channel(tmp_path):
    path = tmp_path / "api.csv"
    path.write_text(API, encoding="utf-8")
    r = read_sessions_report(path)
    assert list(r["channel"]) == ["Paid Search", "Display"]
    assert list(r["engaged_sessions"]) == [100, 25]
    assert r["revenue"].tolist() == [0.0, 0.0]


def test_sessions_report_errors(tmp_path):
    path = tmp_path / "nosessions.csv"
    path.write_text("Date,Session source / medium,Users\n20250301,google / organic,3\n")
    with pytest.raises(TrafficDataError, match="Sessions") as err:
        read_sessions_report(path)
    assert err.value.file == str(path)
    bad = tmp_path / "bad.csv"
    bad.write_text(EN.replace('"1,234",789', '"1,234",lots'), encoding="utf-8")
    with pytest.raises(TrafficDataError) as err:
        read_sessions_report(bad)
    assert err.value.column == "Engaged sessions"
    assert err.value.rows == [9]  # the 9th line of the file
    with pytest.raises(TrafficDataError, match="file not found"):
        read_sessions_report(tmp_path / "missing.csv")


def test_older_export_without_collected_traffic_source(export, tmp_path):
    """2020-2021 exports (like the public obfuscated sample) have no
    collected_traffic_source; source/medium then come from the event parameters."""
    rows = [{k: v for k, v in r.items() if k not in ("collected_traffic_source", "ecommerce")}
            for r in export["rows"]]
    rows[0]["event_params"] = rows[0]["event_params"] + [_param("source", "bing"), _param("medium", "organic")]
    path = write_parquet(rows, tmp_path / "old.parquet")
    ev = read_events(path)
    assert len(ev) == len(rows)
    assert ev["transaction_id"].isna().all()           # no ecommerce record, no transaction_id param
    purchases = ev[ev.event_name == "purchase"]
    assert purchases["revenue"].sum() == pytest.approx(export["truth"]["revenue"])  # 'value' param
    bing = ev[ev.source.eq("bing").fillna(False)]
    assert len(bing) == 1 and bing["medium"].iloc[0] == "organic"
    assert bing["user_id"].iloc[0] == rows[0]["user_pseudo_id"]
    assert set(ev.dropna(subset=["source"]).source) <= {"bing", "newsletter", "google"}


def test_session_traffic_source_last_click_is_read_and_used(tmp_path):
    """Exports since 2024 carry GA4's own session source on every event
    (session_traffic_source_last_click): read it, and sessionize takes it as it is."""
    from trafficlib import sources

    rows, truth = make_export(n_users=12, seed=3)
    sid_of = lambda r: next(p["value"]["int_value"] for p in r["event_params"] if p["key"] == "ga_session_id")
    # GA4 says: every session of this export came from one Google Ads campaign (its history
    # reaches before the export), except through the cross-channel record for odd sessions.
    for r in rows:
        odd = sid_of(r) % 2
        r["session_traffic_source_last_click"] = {
            "manual_campaign": {"campaign_id": None, "campaign_name": "manual_name", "source": "partner.example",
                                "medium": "referral"},
            "google_ads_campaign": {"campaign_id": "1", "campaign_name": "pmax"},
            "cross_channel_campaign": ({"campaign_id": "1", "campaign_name": "brand_x", "source": "google",
                                        "medium": "cpc", "default_channel_group": "Paid Search"} if odd else None),
        }
    for writer, name in ((write_jsonl, "events_20250301.json"), (write_parquet, "events_20250301.parquet")):
        path = writer(rows, tmp_path / name)
        ev = read_events(path)
        assert ev.attrs["fields"] == ("session_traffic_source_last_click",)
        s = sessionize(ev, use_session_id=True)
        assert len(s) == truth["sessions"]
        odd = s["session_id"].str.rsplit(".", n=1).str[-1].astype(int) % 2 == 1
        assert odd.any() and (~odd).any()
        assert (s.loc[odd, "channel"] == "Paid Search").all() and (s.loc[odd, "campaign"] == "brand_x").all()
        assert (s.loc[~odd, "channel"] == "Referral").all() and (s.loc[~odd, "source"] == "partner.example").all()
        plain = sessionize(ev, use_session_id=True, attribution="session_start")
        assert plain["source"].fillna("(direct)").value_counts().to_dict() == truth["by_source"]
    export = sources.load(tmp_path / "events_20250301.json")
    assert any("session_traffic_source_last_click" in n for n in export.notes)
    older = read_events(write_jsonl(make_export(n_users=3)[0], tmp_path / "events_old.json"))
    assert older.attrs["fields"] == () and older["last_click_source"].isna().all()


# --------------------------------------------------------------- flattened by a query (CSV)
def flatten(rows, dotted=True, last_click=False):
    """The export's rows as a BigQuery query flattening them would write them: one
    column per field (dotted or underscored names), event parameters unnested."""
    sep = "." if dotted else "_"
    out = []
    for r in rows:
        params = {}
        for p in r["event_params"]:
            v = p["value"]
            params[p["key"]] = next((v[k] for k in ("string_value", "int_value", "double_value", "float_value")
                                     if v.get(k) is not None), None)
        cts = r.get("collected_traffic_source") or {}
        flat = {
            "event_date": r["event_date"], "event_timestamp": r["event_timestamp"], "event_name": r["event_name"],
            "user_pseudo_id": r["user_pseudo_id"], "ga_session_id": params.get("ga_session_id"),
            "ga_session_number": params.get("ga_session_number"), "page_location": params.get("page_location"),
            "page_referrer": params.get("page_referrer"), "page_title": params.get("page_title"),
            "source": params.get("source"), "medium": params.get("medium"), "campaign": params.get("campaign"),
            "engagement_time_msec": params.get("engagement_time_msec"), "value": params.get("value"),
            f"collected_traffic_source{sep}manual_source": cts.get("manual_source"),
            f"collected_traffic_source{sep}manual_medium": cts.get("manual_medium"),
            f"collected_traffic_source{sep}manual_campaign_name": cts.get("manual_campaign_name"),
            f"collected_traffic_source{sep}gclid": cts.get("gclid"),
            f"traffic_source{sep}source": r["traffic_source"]["source"],
            f"traffic_source{sep}medium": r["traffic_source"]["medium"],
            f"traffic_source{sep}name": r["traffic_source"]["name"],
            f"device{sep}category": r["device"]["category"], f"geo{sep}country": r["geo"]["country"],
            f"ecommerce{sep}transaction_id": r["ecommerce"]["transaction_id"],
            f"ecommerce{sep}purchase_revenue": r["ecommerce"]["purchase_revenue"],
        }
        if last_click:
            lc = r["session_traffic_source_last_click"]
            flat[f"session_traffic_source_last_click{sep}manual_campaign{sep}source"] = lc["manual_campaign"]["source"]
            flat[f"session_traffic_source_last_click{sep}manual_campaign{sep}medium"] = lc["manual_campaign"]["medium"]
            flat[f"session_traffic_source_last_click{sep}manual_campaign{sep}campaign_name"] = \
                lc["manual_campaign"]["campaign_name"]
        out.append(flat)
    return pd.DataFrame(out)


CANONICAL_AND_GA4 = schema.columns("events") + ["ga_session_number", "gclid", "first_source", "first_medium",
                                                "first_campaign", "event_date"]


@pytest.mark.parametrize("dotted", [True, False])
def test_flattened_csv_reads_like_the_nested_export(export, tmp_path, dotted):
    from trafficlib import sources

    path = tmp_path / "ga4_events_flat.csv"
    flatten(export["rows"], dotted=dotted).to_csv(path, index=False)
    e = sources.load(path)
    assert e.kind == "ga4/bigquery_events_flat" and e.table == "events"
    nested = read_events(export["json"])
    a = e.frame[CANONICAL_AND_GA4].sort_values(["user_id", "timestamp", "event_name"]).reset_index(drop=True)
    b = nested[CANONICAL_AND_GA4].sort_values(["user_id", "timestamp", "event_name"]).reset_index(drop=True)
    for col in CANONICAL_AND_GA4:
        x = a[col].astype(object).where(a[col].notna(), None).tolist()
        y = b[col].astype(object).where(b[col].notna(), None).tolist()
        if col == "ga_session_number":
            x, y = [None if v is None else int(v) for v in x], [None if v is None else int(v) for v in y]
        assert x == y, col
    assert any("first acquisition" in n for n in e.notes)
    checked = schema.validate(e.frame, "events")
    for col in schema.columns("events"):
        assert checked[col].dtype == e.frame[col].dtype, col
    truth = export["truth"]
    assert len(sessionize(e.frame, use_session_id=True)) == truth["sessions"]
    plain = sessionize(e.frame, use_session_id=True, attribution="session_start")
    assert plain["source"].fillna("(direct)").value_counts().to_dict() == truth["by_source"]
    assert plain["revenue"].sum() == pytest.approx(truth["revenue"])


def test_flattened_with_last_click_and_damaged_values(tmp_path):
    from trafficlib import sources

    rows, truth = make_export(n_users=8, seed=5)
    for r in rows:
        r["session_traffic_source_last_click"] = {
            "manual_campaign": {"source": "newsletter", "medium": "email", "campaign_name": "weekly"}}
    flat = flatten(rows, dotted=False, last_click=True)
    flat.to_csv(tmp_path / "lc.csv", index=False)
    e = sources.load(tmp_path / "lc.csv")
    assert e.frame.attrs["fields"] == ("session_traffic_source_last_click",)
    s = sessionize(e.frame, use_session_id=True)
    assert (s["channel"] == "Email").all() and len(s) == truth["sessions"]
    bad = flat.astype(object)
    bad.loc[3, "event_timestamp"] = "1.74079E+15"  # saved by a spreadsheet
    bad.to_csv(tmp_path / "excel.csv", index=False)
    with pytest.raises(TrafficDataError) as err:
        sources.load(tmp_path / "excel.csv")
    assert err.value.column == "event_timestamp" and err.value.rows == [5]
    bad = flat.astype(object)
    bad.loc[2, "engagement_time_msec"] = "soon"
    bad.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(TrafficDataError) as err:
        sources.load(tmp_path / "bad.csv")
    assert err.value.column == "engagement_time_msec" and err.value.rows == [4]
