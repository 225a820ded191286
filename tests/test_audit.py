"""Traffic audit: finds every planted problem of the demo shop, and its figures equal an
independent plain-pandas computation (definitions of ../shared/design/ga4-definitions.md)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trafficlib import audit, periods, timeseries
from trafficlib.channels import channel_group


@pytest.fixture(scope="module")
def data(demo_dir):
    return audit.load(demo_dir)


@pytest.fixture(scope="module")
def found(data):
    p, c = periods.resolve("2026-10-01", "2026-10-31", "previous")
    return {f.key: f for f in audit.findings(data, p, c, "maison-lumiere.fr", "en")}


def test_sessionized_from_events_with_duckdb(data, truth):
    assert data.origin == "events"
    assert len(data.sessions) == truth["web"]["sessions"]


def test_finds_tracking_outage(found, truth):
    f = found["missing_days"]
    days = sorted(pd.to_datetime(f.evidence["date"]).dt.strftime("%Y-%m-%d"))
    o = truth["web"]["tracking_outage"]
    assert days == [d.strftime("%Y-%m-%d") for d in pd.date_range(o["start"], o["end"])]
    assert f.severity == "high"
    assert f.score == pytest.approx(o["sessions_lost"], rel=0.15)  # missing sessions estimated from the trend


def test_finds_self_and_payment_referrals(found, truth):
    ev = found["self_referrals"].evidence
    assert ev.loc[ev["kind"] == "self-referral", "sessions"].sum() == truth["web"]["self_referral"]["sessions"]
    assert ev.loc[ev["source"] == "paypal.com", "sessions"].sum() == truth["web"]["payment_referral"]["sessions"]


def test_finds_unassigned(found, truth):
    ev = found["unassigned"].evidence
    assert ev.loc[ev["source_medium"] == "(not set) / (not set)", "sessions"].sum() == truth["web"]["not_set"]["sessions"]


def test_finds_utm_case_and_space_variants(found, truth):
    ev = found["utm_variants"].evidence
    variants = " ".join(ev["variants"])
    for v in truth["web"]["utm_case_variants"]:
        src = v["variant"].split(" / ")[0]
        assert f"'{src}'" in variants, src
    assert "'Prospection_Printemps'" in variants and "'prospection_printemps'" in variants
    assert "'newsletter '" in variants  # trailing space kept as written


def test_finds_untagged_paid(found, truth):
    f = found["untagged_paid"]
    assert f.evidence["sessions"].sum() == truth["web"]["untagged_paid"]["sessions"]
    assert set(f.evidence["click_id"]) == {"gclid"}


def test_finds_duplicated_transactions(found, truth):
    ev = found["duplicate_transactions"].evidence
    assert sorted(ev["transaction_id"]) == truth["web"]["duplicated_transactions"]["ids"]
    assert (ev["purchases"] == 2).all()


def test_finds_long_sessions(found, truth):
    assert found["long_sessions"].score == truth["web"]["long_sessions"]["count"]


def test_finds_bot_burst(found, truth):
    b = truth["web"]["bot_burst"]
    ev = found["bots"].evidence
    assert sorted(pd.to_datetime(ev["date"]).dt.strftime("%Y-%m-%d").unique()) == [
        d.strftime("%Y-%m-%d") for d in pd.date_range(b["start"], b["end"])]
    assert ev["sessions"].sum() == b["sessions"]
    assert set(ev["country"]) == {b["country"]}


def test_finds_leaky_landing_page(found, truth):
    ev = found["leaky_landing_pages"].evidence
    top = ev.iloc[0]
    assert top["landing_page"] == truth["web"]["leaky_landing_page"]["page"]
    assert top["channel"] == truth["web"]["leaky_landing_page"]["channel"]
    assert top["revenue_at_stake"] > 0


def test_findings_ranked_high_first(data):
    p, c = periods.resolve("2026-10-01", "2026-10-31", "previous")
    items = audit.findings(data, p, c, "maison-lumiere.fr", "fr")
    sev = [audit.SEVERITY_ORDER[f.severity] for f in items]
    assert sev == sorted(sev)
    assert any("Trou de mesure" in f.title for f in items)  # French sentences


def test_anomalies_flag_outage_and_bots(data, truth):
    a = audit.anomaly_days(data.sessions)
    days = set(pd.to_datetime(a["date"]).dt.strftime("%Y-%m-%d"))
    for part, direction in (("tracking_outage", "drop"), ("bot_burst", "spike")):
        t = truth["web"][part]
        for d in pd.date_range(t["start"], t["end"]):
            assert d.strftime("%Y-%m-%d") in days
            assert a.loc[pd.to_datetime(a["date"]) == d, "direction"].item() == direction


def test_anomaly_rule_quiet_on_pure_noise():
    rng = np.random.default_rng(3)
    idx = pd.date_range("2026-01-01", periods=200)
    y = pd.Series(rng.poisson(300 * (1 + 0.1 * np.sin(2 * np.pi * np.arange(200) / 7))), index=idx)
    assert len(timeseries.anomalies(y)) <= 2  # 3.5 robust sd: almost never on noise
    y.iloc[120] = 20
    a = timeseries.anomalies(y)
    assert pd.Timestamp(idx[120]) in set(a["date"])


def test_rate_comparison_matches_statsmodels_by_hand():
    t = timeseries.compare_rate(120, 1000, 90, 1000)
    p_pool = 210 / 2000
    z = (0.12 - 0.09) / np.sqrt(p_pool * (1 - p_pool) * (2 / 1000))
    from scipy.stats import norm

    assert t.p_value == pytest.approx(2 * norm.sf(z), rel=1e-6)
    assert t.diff_low < 0.03 < t.diff_high and t.significant


# --------------------------------------------------------------------------- independent check


def _pandas_sessions(events: pd.DataFrame, timeout_s: float = 1800) -> pd.DataFrame:
    """Plain pandas GA4-like sessionization: 30 min of inactivity ends a session."""
    e = events.sort_values(["user_id", "timestamp"], kind="stable").copy()
    gap = e.groupby("user_id")["timestamp"].diff().dt.total_seconds()
    e["sid"] = (gap.isna() | (gap > timeout_s)).cumsum()
    g = e.groupby("sid")
    first_src = e.dropna(subset=["source"]).groupby("sid")[["source", "medium", "campaign"]].first()
    out = pd.DataFrame({
        "user_id": g["user_id"].first(),
        "start": g["timestamp"].min(),
        "pageviews": g["event_name"].agg(lambda x: int((x == "page_view").sum())),
        "engagement_s": g["engagement_time_msec"].sum() / 1000,
        "purchases": g["event_name"].agg(lambda x: int((x == "purchase").sum())),
        "revenue": e[e["event_name"] == "purchase"].groupby("sid")["revenue"].sum(),
    }).join(first_src)
    out["revenue"] = out["revenue"].fillna(0.0)
    out["engaged"] = (out["engagement_s"] > 10) | (out["purchases"] > 0) | (out["pageviews"] >= 2)
    out["channel"] = channel_group(out)
    # GA4's last non-direct click (90 days): a direct visit takes the user's latest non-direct source,
    # except a visit that landed with an ad click id (it has its own, untagged, source)
    out["landing"] = e[e["event_name"] == "page_view"].groupby("sid")["page"].first()
    click = out["landing"].str.contains(r"[?&#](?:gclid|gbraid|wbraid|fbclid|msclkid|ttclid)=", na=False)
    direct = out["channel"] == "Direct"
    donors = out.loc[~direct, ["user_id", "start", "source", "medium", "campaign"]].rename(columns={"start": "t0"})
    want = out.loc[direct & ~click, ["user_id", "start"]].rename_axis("sid").reset_index().sort_values("start")
    m = pd.merge_asof(want, donors.sort_values("t0"), left_on="start", right_on="t0", by="user_id",
                      direction="backward", tolerance=pd.Timedelta(days=90)).dropna(subset=["t0"])
    out.loc[m["sid"].to_numpy(), ["source", "medium", "campaign"]] = m[["source", "medium", "campaign"]].to_numpy()
    out["channel"] = channel_group(out)
    return out


def test_audit_figures_equal_independent_pandas(demo_dir, data):
    events = pd.read_parquet(demo_dir / "events.parquet")
    ref = _pandas_sessions(events)
    p, _ = periods.resolve("2026-10-01", "2026-10-31", "none")
    r = ref[(ref["start"] >= p.start) & (ref["start"] < p.end + pd.Timedelta(days=1))]
    k = audit.kpi_table(data.sessions, p).set_index("metric")["current"]
    assert k["sessions"] == len(r)
    assert k["users"] == r["user_id"].nunique()
    assert k["engaged_sessions"] == r["engaged"].sum()
    assert k["engagement_rate"] == pytest.approx(r["engaged"].mean())
    assert k["bounce_rate"] == pytest.approx(1 - r["engaged"].mean())
    assert k["conversions"] == r["purchases"].sum()
    assert k["conversion_rate"] == pytest.approx((r["purchases"] > 0).mean())
    assert k["revenue"] == pytest.approx(r["revenue"].sum())
    assert k["aov"] == pytest.approx(r["revenue"].sum() / r["purchases"].sum())
    assert k["views_per_session"] == pytest.approx(r["pageviews"].mean())
    by = audit.by_dimension(data.sessions, p, "channel", top=50).set_index("channel")
    ref_by = r.groupby("channel").agg(sessions=("user_id", "size"), engaged=("engaged", "mean"),
                                      revenue=("revenue", "sum"))
    assert by["sessions"].sort_index().to_dict() == ref_by["sessions"].sort_index().to_dict()
    assert by["engagement_rate"].sort_index().to_numpy() == pytest.approx(ref_by["engaged"].sort_index().to_numpy())
    assert by["revenue"].sort_index().to_numpy() == pytest.approx(ref_by["revenue"].sort_index().to_numpy())


def test_ua_bounce_rate_option(data):
    p, _ = periods.resolve("2026-10-01", "2026-10-31", "none")
    t = audit.by_dimension(data.sessions, p, "device", ua_bounce=True)
    s = data.sessions[p.mask(data.sessions["start"])]
    for _, row in t.iterrows():
        sub = s[s["device"] == row["device"]]
        assert row["ua_bounce_rate"] == pytest.approx((sub["pageviews"] <= 1).mean())


# --------------------------------------------------------------------------- GA4 export


def test_audit_runs_on_a_ga4_bigquery_export(tmp_path):
    """No public GA4 event sample is in ../shared/data: a synthetic export in GA4's
    BigQuery schema (tests/test_ga4.py) stands in, end to end through the notebook."""
    from pathlib import Path

    from test_ga4 import make_export, write_jsonl
    from trafficlib import report

    rows, t = make_export()
    export = write_jsonl(rows, tmp_path / "events_20250301.json")
    data = audit.load(export)
    assert data.origin == "ga4" and len(data.sessions) == t["sessions"]
    p, _ = periods.resolve("2025-03-01", "2025-03-31", "none")
    k = audit.kpi_table(data.sessions, p).set_index("metric")["current"]
    assert k["sessions"] == t["sessions"] and k["revenue"] == pytest.approx(t["revenue"])
    nb = Path(__file__).resolve().parents[1] / "notebooks" / "traffic_audit.ipynb"
    out = report.render(nb, {"data_path": str(export), "site_domain": "shop.example", "period_start": "2025-03-01",
                             "period_end": "2025-03-31", "year_over_year": False}, tmp_path / "r", lang="fr")
    html = out.read_text(encoding="utf-8")
    assert "export BigQuery de GA4" in html and "Traceback" not in html


def test_without_bots_drops_exactly_the_planted_burst(data, truth):
    clean = audit.without_bots(data.sessions, audit.bot_traffic(data.sessions))
    assert len(data.sessions) - len(clean) == truth["web"]["bot_burst"]["sessions"]
    assert audit.without_bots(data.sessions, None) is data.sessions


def test_organic_sessions_against_search_console_clicks_finds_the_planted_outage(data, truth, demo_dir):
    """Search Console lost most clicks on one day while Organic Search sessions held: the
    join flags exactly that day, and nothing on the other 183 days in common."""
    from trafficlib import seo
    from trafficlib.readers.search_console import load_performance

    sd = seo.prepare(load_performance(demo_dir / "search_console"), site_name="Maison Lumière",
                     domain="maison-lumiere.fr")
    joined, finding = audit.organic_vs_search_console(data.source, sd, "en")
    assert len(joined) > 150
    assert finding is not None and finding.key == "organic_vs_search_console"
    assert [d.strftime("%Y-%m-%d") for d in finding.evidence["date"]] == [truth["search_console"]["outage_day"]]
    p, c = periods.resolve("2026-10-01", "2026-10-31", "previous")
    keys = {f.key for f in audit.findings(data, p, c, "maison-lumiere.fr", "en", search=sd)}
    assert "organic_vs_search_console" in keys


def test_the_holiday_country_is_the_data_s_own_unless_given(demo_dir):
    """'auto': the country of most sessions (the demo shop is French); a code given wins;
    an international mix names none."""
    import pandas as pd

    from trafficlib import audit, periods, timeseries

    period, _ = periods.resolve("2026-10-01", "2026-10-31", "none")
    data = audit.load(demo_dir)
    assert audit.holiday_country(data, period, "auto") == "FR"
    assert audit.holiday_country(data, period, "US") == "US"
    assert audit.holiday_country(data, period, "") is None
    assert timeseries.dominant_country(pd.Series({"France": 34, "Belgique": 33, "Suisse": 33})) is None
    assert timeseries.dominant_country(pd.Series({"États-Unis": 60, "Canada": 40})) == "US"
