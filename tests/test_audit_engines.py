"""The same audit on every engine (issue 28): the tracking-health checks run as aggregate
queries of the shared SQL definition (trafficlib.query.engines.definition), so the
DuckDB-file, Spark and BigQuery engines show the tables the embedded path shows."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import sqlglot

from trafficlib import audit, periods
from trafficlib.channels import PAID
from trafficlib.query.engines import definition as D
from trafficlib.query.engines import parse_engine

sys.path.insert(0, str(Path(__file__).parent))
from test_engines import _spark_reason  # noqa: E402  (why Spark cannot run here, or None)

ROOT = Path(__file__).resolve().parents[1]
PERIOD, COMPARISON = periods.resolve("2026-10-01", "2026-10-31", "previous")
DOMAIN = "maison-lumiere.fr"
ROW_CHECKS = {"self_referrals", "unassigned", "utm_variants", "untagged_paid", "duplicate_transactions",
              "long_sessions", "bots"}


def _audit_tables(data: audit.AuditData, lang: str = "en") -> dict[str, pd.DataFrame]:
    """Every table the audit notebook shows, by name (findings with their evidence, KPIs,
    comparisons, dimensions, leaky pages, anomalies)."""
    found = audit.findings(data, PERIOD, COMPARISON, DOMAIN, lang)
    s = data.source
    out = {"findings": audit.findings_table(found)}
    out.update({f"evidence:{f.key}": f.evidence for f in found})
    out["kpis"] = audit.kpi_table(s, PERIOD, COMPARISON)
    out["compare"] = audit.compare_periods(s, PERIOD, COMPARISON)
    out["channels"] = audit.channel_comparison(s, PERIOD, COMPARISON)
    for dim in ("channel", "source_medium", "landing_page", "device", "country"):
        out[dim] = audit.by_dimension(s, PERIOD, dim)
    out["leaky"] = audit.leaky_landing_pages(s, PERIOD)
    out["anomalies"] = audit.anomaly_days(s, country="FR", lang=lang)
    return out


def _assert_same_tables(a: dict, b: dict) -> None:
    assert sorted(a) == sorted(b)
    for name in a:
        pd.testing.assert_frame_equal(a[name].reset_index(drop=True), b[name].reset_index(drop=True),
                                      check_dtype=False, obj=name)


@pytest.fixture(scope="module")
def embedded(demo_dir):
    data = audit.load(demo_dir)
    return data, _audit_tables(data)


def test_every_check_runs_and_finds_the_planted_problems_on_a_duckdb_file(demo_dir, embedded, tmp_path):
    data, ref = embedded
    eng = audit.load(demo_dir, engine=f"duckdb:///{tmp_path / 'audit.db'}")
    assert eng.sessions is None  # only aggregates leave the engine
    tables = _audit_tables(eng)
    assert ROW_CHECKS <= {k.split(":", 1)[1] for k in tables if k.startswith("evidence:")}
    _assert_same_tables(ref, tables)
    assert audit.not_checked(eng) == []
    # the evidence is typed alike: counts as integers, days as timestamps
    ev = tables["evidence:bots"]
    assert ev["sessions"].dtype == "int64" and str(ev["date"].dtype).startswith("datetime64")


def _html_blocks(html: str) -> list[str]:
    """The report's tables, KPI cards and findings list, without the parameters table
    (which names the engine)."""
    blocks = re.findall(r'<table class="tl-table".*?</table>|<div class="tl-kpis".*?</div>\s*</div>\s*</div>'
                        r'|<ol class="tl-findings".*?</ol>', html, flags=re.S)
    return blocks


def test_rendered_audit_identical_on_a_duckdb_file(demo_dir, tmp_path):
    """The traffic audit notebook rendered with engine="duckdb" and with a DuckDB file:
    every table, KPI card and finding of the report is the same."""
    from trafficlib.report import render

    def html(engine: str, tag: str) -> str:
        return render(ROOT / "notebooks" / "traffic_audit.ipynb",
                      {"data_path": str(demo_dir.resolve()), "engine": engine}, tmp_path / tag,
                      lang="en").read_text(encoding="utf-8")

    a = html("duckdb", "embedded")
    b = html(f"duckdb:///{tmp_path / 'report.db'}", "file")
    ta, tb = _html_blocks(a), _html_blocks(b)
    assert len(ta) >= 20 and len(ta) == len(tb)
    assert sum(t.startswith('<ol class="tl-findings"') for t in ta) == 1
    for x, y in zip(ta, tb):
        assert x == y
    assert "Not checked in the engine" not in b and "Computed in **" not in b
    for title in ("transaction id(s) recorded more than once", "Bot-like traffic", "Inconsistent UTM tagging",
                  "Paid clicks counted as free traffic", "Self-referrals and payment-gateway referrals"):
        assert title in b


def test_audit_tables_identical_on_spark(demo_dir, embedded):
    reason = _spark_reason()
    if reason:
        pytest.skip(f"Spark tests skipped: {reason}")
    _, ref = embedded
    eng = audit.load(demo_dir, engine="spark://local[2]")
    _assert_same_tables(ref, _audit_tables(eng))


# --------------------------------------------------------------------------- SQL, one definition
CHECK_SQL = {
    "duplicate_transactions": lambda: D.duplicate_transactions_sql(),
    "referrals": lambda: D.referrals_sql("t", DOMAIN, audit.PAYMENT_GATEWAYS),
    "unassigned": lambda: D.unassigned_sql("t"),
    "utm_values": lambda: D.utm_values_sql("t"),
    "untagged_paid": lambda: D.untagged_paid_sql("t", PAID),
    "long_sessions": lambda: D.long_sessions_sql("t", 4 * 3600),
    "bot_bursts": lambda: D.bot_bursts_sql("t", 50, 5.0, 0.05),
}


@pytest.mark.parametrize("check", sorted(CHECK_SQL))
def test_every_check_compiles_to_spark_and_bigquery(check):
    sql = CHECK_SQL[check]()
    for dialect in ("spark", "bigquery"):
        out = D.compile_sql(sql, dialect)
        assert sqlglot.parse_one(out, read=dialect) is not None
        assert "EPOCH_US" not in out.upper() and "REGEXP_MATCHES" not in out.upper()


SESSIONS = pd.DataFrame({
    "session_id": ["u1-1", "u2-1", "u3-1", "u4-1", "u5-1", "u6-1", "u7-1", "u8-1"],
    "user_id": ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"],
    "start": pd.to_datetime(["2026-03-01 10:00", "2026-03-01 11:00", "2026-03-02 09:00", "2026-03-02 12:00",
                             "2026-03-03 08:00", "2026-03-03 08:30", "2026-03-03 09:00", "2026-03-04 10:00"]),
    "source": ["www.Shop.fr", "paypal.com", "Facebook", "facebook ", "google", None, "face_book", "(not set)"],
    "medium": ["Referral", "referral", "social", "social", "organic", None, "Social", "(not set)"],
    "campaign": [None, None, "Spring-Sale", "spring sale", None, None, None, None],
    "channel": ["Referral", "Referral", "Organic Social", "Organic Social", "Organic Search", "Direct",
                "Organic Social", "Unassigned"],
    "landing_page": ["/", "/checkout", "/a", "/a", "/b", "/c", "/a", "/d"],
    "click_id": [None, None, "fbclid", None, "gclid", "gclid", None, None],
    "pageviews": [1, 2, 1, 3, 1, 1, 2, 1],
    "duration_s": [20.0, 30000.0, 5.0, 15000.0, 15000.0, 3.0, 40.0, 0.0],
    "engagement_time_s": [20.0, 300.0, 0.0, 40.0, 50.0, 0.0, 40.0, 0.0],
    "engaged": [True, True, False, True, True, False, True, False],
    "new_user": [True] * 8,
    "conversions": [0, 1, 0, 0, 1, 0, 0, 0],
    "revenue": [0.0, 80.0, 0.0, 0.0, 55.5, 0.0, 0.0, 0.0],
    "device": ["mobile"] * 8,
    "country": ["FR"] * 8,
})


def test_each_check_on_sessions_equals_its_pandas_check(tmp_path):
    """A sessions file on a DuckDB file engine: every check's table equals the pandas
    check on the same session rows (ties, missing values, case, spaces, underscores)."""
    from trafficlib.query.engines import open_engine_source

    path = tmp_path / "sessions.parquet"
    SESSIONS.to_parquet(path)
    eng = open_engine_source(str(path), f"duckdb:///{tmp_path / 's.db'}")
    checks = [(audit.self_referrals, ("shop.fr",)), (audit.unassigned_share, ()), (audit.utm_variants, ()),
              (audit.untagged_paid, ()), (audit.long_sessions, ())]
    for check, args in checks:
        a, b = check(SESSIONS, *args), check(eng, *args)
        assert a is not None, check.__name__
        assert (a.title, a.detail, a.severity, a.score) == (b.title, b.detail, b.severity, b.score)
        pd.testing.assert_frame_equal(a.evidence, b.evidence, check_dtype=False, obj=check.__name__)
    ev = audit.self_referrals(eng, "shop.fr").evidence
    assert list(ev["kind"]) == ["payment gateway", "self-referral"]  # ties: by kind, then source
    variants = audit.utm_variants(eng).evidence
    # most sessions first, ties by value; 'face_book' normalizes to 'face book', another value
    assert set(variants["variants"]) == {"'Facebook' | 'facebook '", "'Spring-Sale' | 'spring sale'",
                                         "'social' | 'Social'", "'Referral' | 'referral'"}
    assert list(audit.long_sessions(eng).evidence["session_id"]) == ["u2-1", "u4-1", "u5-1"]  # then by start
    paid = audit.untagged_paid(eng).evidence
    assert list(zip(paid["click_id"], paid["source_medium"])) == [
        ("fbclid", "Facebook / social"), ("gclid", "(none) / (none)"), ("gclid", "google / organic")]
    assert audit.duplicate_transactions(audit.AuditData(None, None, "sessions", eng)) is None
    assert "Duplicated transactions: needs event-level data" in audit.not_checked(
        audit.AuditData(None, None, "sessions", eng))[0]


def test_bigquery_sql_of_the_checks_run_on_duckdb_equals_the_duckdb_path(tmp_path):
    """The checks' BigQuery SQL (parsed as BigQuery, transpiled back onto DuckDB) on the
    session table built from a GA4-schema export: the tables of the embedded path."""
    import copy

    from test_engines import _export
    from test_ga4 import write_jsonl

    from trafficlib.query.engines.bigquery import DuckDBAsBigQuery, open_bigquery
    from trafficlib.readers.ga4 import GA4_JSON_COLUMNS

    (tmp_path / "plain").mkdir()
    rows, _ = _export(tmp_path / "plain", True)  # with GA4's last-click source on some events
    purchases = [r for r in rows if r["event_name"] == "purchase"]
    for r in purchases[:2]:  # two confirmation pages reloaded a minute later
        again = copy.deepcopy(r)
        again["event_timestamp"] = int(r["event_timestamp"]) + 60_000_000
        rows.append(again)
    (tmp_path / "dup").mkdir()
    path = write_jsonl(rows, tmp_path / "dup" / "events_20250301.json")
    reference = audit.load(path)
    con = duckdb.connect()
    cols = "{" + ", ".join(f"'{k}': '{v}'" for k, v in GA4_JSON_COLUMNS.items()) + "}"
    con.execute(f"CREATE VIEW ga4_export AS SELECT *, event_date AS _TABLE_SUFFIX "
                f"FROM read_json('{path.as_posix()}', format = 'auto', columns = {cols})")
    backend = DuckDBAsBigQuery(con, "project.dataset.events_*", "ga4_export")
    src = open_bigquery(parse_engine("bigquery://project/dataset"), "events_*", backend=backend, events=len(rows))
    bq = audit.AuditData(None, None, "ga4", src)
    n_sent = len(backend.statements)
    # thresholds lowered so that every check has something to show on this small export
    checks = [(audit.self_referrals, {"site_domain": "example.com"}), (audit.unassigned_share, {"threshold": 0.0}),
              (audit.utm_variants, {}), (audit.untagged_paid, {}), (audit.long_sessions, {"max_hours": 0.01}),
              (audit.bot_traffic, {"min_sessions": 1, "factor": 1.0, "max_engagement": 1.01})]
    shown = []
    for check, kw in checks:
        a, b = check(reference.sessions, **kw), check(src, **kw)
        assert (a is None) == (b is None), check.__name__
        if a is not None:
            shown.append(check.__name__)
            assert (a.title, a.detail) == (b.title, b.detail), check.__name__
            pd.testing.assert_frame_equal(a.evidence, b.evidence, check_dtype=False, obj=check.__name__)
    assert {"untagged_paid", "long_sessions", "bot_traffic"} <= set(shown), shown
    assert len(backend.statements) > n_sent
    assert all(sqlglot.parse_one(s, read="bigquery") for s in backend.statements)
    a, b = audit.duplicate_transactions(reference), audit.duplicate_transactions(bq)
    assert len(b.evidence) == 2 and (b.evidence["purchases"] == 2).all()
    assert (a.title, a.detail) == (b.title, b.detail)
    pd.testing.assert_frame_equal(a.evidence, b.evidence, check_dtype=False)
    assert any(s.startswith("WITH trafficlib_events AS (SELECT NULLIF(COALESCE(ecommerce.transaction_id")
               for s in backend.statements)
    assert audit.not_checked(bq) == []
    src.close()
