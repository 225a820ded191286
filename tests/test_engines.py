"""Engines behind the query layer: one definition (sqlglot-compiled SQL) giving the
figures of the embedded DuckDB path on DuckDB, on a real local Spark, and as BigQuery SQL
run (transpiled) on DuckDB against a GA4-schema export."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import sqlglot

from trafficlib import TrafficDataError, audit
from trafficlib.periods import Period
from trafficlib.query import open_source
from trafficlib.query.engines import definition as D
from trafficlib.query.engines import is_default, open_engine_source, parse_engine
from trafficlib.query.engines.backends import DuckDBBackend
from trafficlib.query.engines.bigquery import (SCANNED_FIELDS, DuckDBAsBigQuery, estimate_bytes,
                                               measure_bytes_per_event, open_bigquery, sessions_query)

sys.path.insert(0, str(Path(__file__).parent))
from test_ga4 import make_export, write_jsonl  # noqa: E402  (the GA4-schema export builder)

MONTH = Period(pd.Timestamp("2026-09-01"), pd.Timestamp("2026-09-30"))
PREVIOUS = Period(pd.Timestamp("2026-08-01"), pd.Timestamp("2026-08-31"))
AUDIT_DIMS = ([], ["channel"], ["device"], ["date"], ["source_medium"], ["landing_page"], ["country"],
              ["channel", "device"])


def test_engine_strings():
    assert is_default(None) and is_default("duckdb")
    assert parse_engine("duckdb:///work.db").target == "work.db"
    assert parse_engine("duckdb:////tmp/work.db").target == "/tmp/work.db"
    assert parse_engine("spark://local[2]").target == "local[2]"
    assert parse_engine("spark://10.0.0.5:7077").target == "spark://10.0.0.5:7077"
    spec = parse_engine("bigquery://my-project/analytics_123456")
    assert (spec.kind, spec.target) == ("bigquery", "my-project/analytics_123456")
    for bad in ("postgres://x", "bigquery://only-project"):
        with pytest.raises(TrafficDataError):
            parse_engine(bad)


@pytest.mark.parametrize("opts", [{}, {"use_session_id": True}, {"split_at_midnight": True, "split_on_campaign": True},
                                  {"attribution": "session_start"}])
def test_one_definition_compiles_and_parses_in_every_dialect(opts):
    sql = D.sessions_sql(**opts)
    for dialect in ("spark", "bigquery"):
        out = D.compile_sql(sql, dialect)
        assert sqlglot.parse_one(out, read=dialect) is not None
        assert "EPOCH_US" not in out.upper()  # no DuckDB-only function left behind
    sums = D.sums_sql("t", ["date", "channel"], 0, 10)
    assert "TIMESTAMP_MICROS" in D.compile_sql(sums, "bigquery")


def _assert_same(a, b, dims=AUDIT_DIMS, periods=(MONTH, PREVIOUS)):
    for period in periods:
        for by in dims:
            pd.testing.assert_frame_equal(a.sums(by, period), b.sums(by, period), check_dtype=False, obj=f"{by}")


@pytest.fixture(scope="module")
def embedded(demo_dir):
    return open_source(demo_dir, prefer="events")


def test_duckdb_engine_file_gives_the_embedded_figures(demo_dir, embedded, tmp_path):
    src = open_engine_source(demo_dir, f"duckdb:///{tmp_path / 'work.db'}", prefer="events")
    try:
        assert src.session_rows() is None  # only aggregates leave the engine
        assert src.span() == embedded.span()
        _assert_same(embedded, src)
    finally:
        src.close()


def test_universal_analytics_splits_match_sessionize(demo_dir):
    """Midnight and campaign-change splits in SQL = sessionize's numpy pass."""
    opts = {"split_at_midnight": True, "split_on_campaign": True}
    a = open_source(demo_dir, prefer="events", **opts)
    b = _engine(demo_dir, **opts)
    ga4 = open_source(demo_dir, prefer="events")
    assert b.sums((), MONTH)["sessions"].iloc[0] > ga4.sums((), MONTH)["sessions"].iloc[0]  # the splits split
    _assert_same(a, b, dims=([], ["channel"], ["date"]), periods=(MONTH,))


def _engine(path, **opts):
    from trafficlib.query.engines.source import build_sessions

    return build_sessions(DuckDBBackend(""), str(Path(path) / "events.parquet"), "events",
                          timeout_minutes=30, **opts)


def test_sessions_file_on_an_engine_matches_session_rows(demo_dir, tmp_path):
    a = open_source(demo_dir, prefer="sessions")
    b = open_engine_source(demo_dir, f"duckdb:///{tmp_path / 's.db'}", prefer="sessions")
    _assert_same(a, b, dims=([], ["channel"], ["date"], ["landing_page"]), periods=(MONTH,))


# --------------------------------------------------------------------------- Spark
def _spark_reason() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return 'pyspark is not installed (pip install "trafficlib[spark]")'
    java = shutil.which("java")
    if not java:
        return "no Java runtime for Spark (apt-get install openjdk-17-jre-headless)"
    try:
        subprocess.run([java, "-version"], capture_output=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError):
        return "the Java runtime does not start"
    return None


@pytest.fixture(scope="session")
def spark_engine():
    reason = _spark_reason()
    if reason:
        pytest.skip(f"Spark tests skipped: {reason}")
    return "spark://local[2]"


@pytest.fixture(scope="module")
def spark_audit(demo_dir, spark_engine):
    return audit.load(demo_dir, engine=spark_engine)


def test_audit_kpi_tables_identical_on_spark(demo_dir, spark_audit):
    """The audit's tables (sessions, users, engaged, conversions, revenue... by channel,
    device, date for a month) are the same with engine="duckdb" and "spark://local[2]"."""
    local = audit.load(demo_dir)
    s, e = local.source, spark_audit.source
    assert spark_audit.sessions is None and spark_audit.origin == "events"
    pd.testing.assert_frame_equal(audit.kpi_table(s, MONTH, PREVIOUS), audit.kpi_table(e, MONTH, PREVIOUS))
    for dim in ("channel", "device", "source_medium", "landing_page", "country"):
        pd.testing.assert_frame_equal(audit.by_dimension(s, MONTH, dim), audit.by_dimension(e, MONTH, dim),
                                      check_dtype=False, obj=dim)
    pd.testing.assert_frame_equal(s.daily(MONTH), e.daily(MONTH), check_dtype=False)
    pd.testing.assert_frame_equal(audit.channel_comparison(s, MONTH, PREVIOUS),
                                  audit.channel_comparison(e, MONTH, PREVIOUS), check_dtype=False)


def test_overview_sessions_file_on_spark(demo_dir, spark_engine):
    from trafficlib import overview

    a = overview.load(demo_dir, MONTH)
    b = overview.load(demo_dir, MONTH, engine=spark_engine)
    for by in ("channel", "device"):
        pd.testing.assert_frame_equal(a.kpis(by, MONTH), b.kpis(by, MONTH), check_dtype=False)


# --------------------------------------------------------------------------- BigQuery, without BigQuery
def _export(tmp_path, last_click: bool):
    rows, _ = make_export(n_users=80, seed=3)
    if last_click:  # GA4's own session source on some events (2024+ exports)
        for i, r in enumerate(rows):
            if i % 3 == 0:
                r["session_traffic_source_last_click"] = {
                    "manual_campaign": {"campaign_id": None, "campaign_name": "spring", "source": "newsletter",
                                        "medium": "email"},
                    "google_ads_campaign": None, "cross_channel_campaign": None}
    path = write_jsonl(rows, tmp_path / "events_20250301.json")
    return rows, path


@pytest.mark.parametrize("last_click", [False, True])
def test_bigquery_sql_parses_and_its_duckdb_run_equals_the_duckdb_path(tmp_path, capsys, last_click):
    from trafficlib.readers.ga4 import GA4_JSON_COLUMNS

    rows, path = _export(tmp_path, last_click)
    reference = open_source(path)  # the GA4 reader + sessionize (GA4 session ids, last click)
    con = duckdb.connect()
    cols = "{" + ", ".join(f"'{k}': '{v}'" for k, v in GA4_JSON_COLUMNS.items()) + "}"
    con.execute(f"CREATE VIEW ga4_export AS SELECT *, event_date AS _TABLE_SUFFIX "
                f"FROM read_json('{path.as_posix()}', format = 'auto', columns = {cols})")
    backend = DuckDBAsBigQuery(con, "project.dataset.events_*", "ga4_export")
    per_event = measure_bytes_per_event(rows)
    src = open_bigquery(parse_engine("bigquery://project/dataset"), "events_*", ("20250301", "20250301"),
                        backend=backend, events=len(rows), per_event=per_event)
    printed = capsys.readouterr().out
    assert "reads 22 columns" in printed and f"{len(rows):,} events" in printed
    for by in ([], ["channel"], ["source_medium"], ["device"], ["date"], ["landing_page"]):
        pd.testing.assert_frame_equal(reference.sums(by), src.sums(by), check_dtype=False, obj=f"{by}")
    # every statement sent was BigQuery SQL (parsed as BigQuery before being transpiled)
    assert backend.statements[0].startswith("WITH trafficlib_events AS")
    assert "`project.dataset.events_*`" in backend.statements[0]
    assert "_TABLE_SUFFIX >= '20250301'" in backend.statements[0]
    assert all(sqlglot.parse_one(s, read="bigquery") for s in backend.statements)
    assert any("UNNEST([STRUCT(" in s for s in backend.statements)  # the channel table, as BigQuery writes it


def test_bytes_scanned_estimate(tmp_path):
    rows, _ = _export(tmp_path, True)
    per_event = measure_bytes_per_event(rows)
    # hand check of one column: BigQuery STRING = 2 bytes + UTF-8 length
    assert per_event["user_pseudo_id"] == pytest.approx(sum(2 + len(r["user_pseudo_id"]) for r in rows) / len(rows))
    assert per_event["event_timestamp"] == 8
    assert per_event["event_params.value.int_value"] > 0 and per_event["ecommerce.purchase_revenue"] < 8
    one = estimate_bytes(len(rows), per_event)
    assert one["bytes"] == round(sum(one["columns"].values())) and len(one["columns"]) == len(SCANNED_FIELDS)
    # columns x partitions: a 30-day range of the same traffic scans 30 times the bytes
    assert estimate_bytes(30 * len(rows), per_event)["bytes"] == pytest.approx(30 * one["bytes"], rel=1e-9)
    typical = estimate_bytes(10_000_000)  # documented per-event averages: a 10 M events/day property
    assert 3e9 < typical["bytes"] < 2e10


def test_bigquery_query_has_the_date_range_and_no_duckdb_functions():
    sql = sessions_query("p.d.events_*", "20250101", "20250131")
    tree = sqlglot.parse_one(sql, read="bigquery")
    assert tree is not None and "MAKE_TIMESTAMP" not in sql.upper() and "LIST_FILTER" not in sql.upper()
    assert "_TABLE_SUFFIX <= '20250131'" in sql
