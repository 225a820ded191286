"""Where the SQL of :mod:`.definition` runs: DuckDB, Spark, BigQuery.

A backend is chosen by a connection string (:func:`parse_engine`):

==================================  ==========================================================
``"duckdb"``                        embedded DuckDB in memory (the query layer's default path)
``"duckdb:///path/to/work.db"``     DuckDB with a database file (working tables, spill)
``"spark://local[2]"``              a local Spark (pyspark, ``pip install trafficlib[spark]``)
``"spark://host:7077"``             a Spark standalone master; ``"yarn"`` / ``"k8s://..."`` too
``"bigquery://project/dataset"``    BigQuery (``pip install trafficlib[bigquery]``): the GA4
                                    export's ``events_*`` tables of ``dataset``, read in place
==================================  ==========================================================

Each backend: ``dialect`` (sqlglot's name), ``register_events(files, kind, use_session_id)``
(makes the relation ``trafficlib_events`` the definition reads, or for sessions files
the session relation), ``materialize(name, sql)`` (a working table, returns the name to
use in later SQL) and ``run(sql)`` (a small result as a DataFrame).
"""
from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from trafficlib import schema
from trafficlib.errors import TrafficDataError

__all__ = ["Backend", "DuckDBBackend", "SparkBackend", "BigQueryBackend", "parse_engine", "EngineSpec"]

_counter = itertools.count(1)


def unique(name: str) -> str:
    return f"{name}_{os.getpid()}_{next(_counter)}"


@dataclass
class EngineSpec:
    kind: str              # "duckdb", "spark", "bigquery"
    target: str = ""       # db path, Spark master, "project/dataset"
    url: str = "duckdb"


def parse_engine(engine: str | None) -> EngineSpec:
    """The engine named by a connection string (see module doc). Raises
    :class:`TrafficDataError` for an unknown one."""
    url = (engine or "duckdb").strip()
    low = url.lower()
    if low in ("duckdb", "duckdb://", "duckdb:///:memory:", "duckdb://:memory:"):
        return EngineSpec("duckdb", "", url)
    if low.startswith("duckdb:///"):
        return EngineSpec("duckdb", url[len("duckdb:///"):], url)
    if low.startswith("spark://"):
        rest = url[len("spark://"):]
        master = rest if rest.startswith("local") else "spark://" + rest
        return EngineSpec("spark", master, url)
    if low in ("spark", "local") or low.startswith(("yarn", "k8s://", "local[")):
        return EngineSpec("spark", "local[2]" if low == "spark" else url, url)
    if low.startswith("bigquery://"):
        parts = [p for p in url[len("bigquery://"):].split("/") if p]
        if len(parts) != 2:
            raise TrafficDataError(f"bad BigQuery engine '{url}'", hint="bigquery://PROJECT/DATASET")
        return EngineSpec("bigquery", "/".join(parts), url)
    raise TrafficDataError(f"unknown engine '{url}'",
                           hint="duckdb, duckdb:///path.db, spark://local[2], spark://HOST:7077, "
                                "bigquery://PROJECT/DATASET")


def _q(name: str, char: str = '"') -> str:
    return char + str(name).replace(char, char * 2) + char


class Backend:
    dialect = "duckdb"
    label = "duckdb"

    def run(self, sql: str) -> pd.DataFrame:
        raise NotImplementedError

    def materialize(self, name: str, sql: str) -> str:
        raise NotImplementedError

    def close(self) -> None:
        pass


# --------------------------------------------------------------------------- DuckDB
class DuckDBBackend(Backend):
    """DuckDB, in memory or on a database file, with the kit's memory limit and spill
    folder (:func:`trafficlib.sessions.connect` settings)."""

    dialect = "duckdb"

    def __init__(self, path: str = "", memory_limit: str | None = None, threads: int | None = None,
                 temp_directory: str | None = None):
        import duckdb

        from trafficlib.sessions import connect

        self.label = f"duckdb:///{path}" if path else "duckdb"
        if path:
            self.con = duckdb.connect(path, config={"autoinstall_known_extensions": False})
            mem = memory_limit or os.environ.get("TRAFFICLIB_DUCKDB_MEMORY", "1GB")
            self.con.execute(f"SET memory_limit = '{mem}'")
            if threads:
                self.con.execute(f"SET threads = {int(threads)}")
            self.con.execute("SET preserve_insertion_order = false")
        else:
            self.con = connect(memory_limit, threads)
        if temp_directory:
            self.con.execute(f"SET temp_directory = '{Path(temp_directory).as_posix()}'")

    def register_events(self, data, kind: str, use_session_id: bool) -> None:
        """``trafficlib_events`` over canonical events (file, glob or frame) or a GA4
        export (``kind="ga4"``)."""
        from trafficlib.sessions import events_relation

        if kind == "ga4":
            from trafficlib.readers.ga4 import events_sql

            self.con.execute(f"CREATE OR REPLACE TEMP VIEW events AS {events_sql(self.con, data)}")
            view = "events"
        else:
            view = events_relation(self.con, data)
        sk = "session_id" if use_session_id else "CAST(NULL AS VARCHAR)"
        self.con.execute(f"""CREATE OR REPLACE TEMP VIEW trafficlib_events AS
            SELECT user_id, {sk} AS session_key, epoch_us(timestamp) AS ts_us, event_name, page, source, medium,
                   campaign, device, country, CAST(engagement_time_msec AS DOUBLE) AS eng,
                   CAST(revenue AS DOUBLE) AS revenue, last_click_source AS lc_source,
                   last_click_medium AS lc_medium, last_click_campaign AS lc_campaign,
                   CAST(transaction_id AS VARCHAR) AS transaction_id
            FROM {view}""")

    def register_sessions(self, path: str) -> tuple[str, set[str]]:
        from trafficlib.sessions import _source_sql

        src = _source_sql(self.con, path, str(path))
        names = [r[0] for r in self.con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()]
        view = unique("trafficlib_sessions_file")
        extra = ", epoch_us(CAST(start AS TIMESTAMP)) AS trafficlib_start_us" if "start" in names else ""
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT *{extra} FROM {src}")
        return view, names

    def run(self, sql: str) -> pd.DataFrame:
        return self.con.sql(sql).df()

    def materialize(self, name: str, sql: str) -> str:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
        return name

    def close(self) -> None:
        self.con.close()


# --------------------------------------------------------------------------- Spark
_SPARKS: dict[str, object] = {}


def spark_session(master: str, **conf):
    """One SparkSession per process (pyspark allows one): UTC session time zone, Arrow
    transfers, Parquet nanosecond timestamps read as numbers (converted to µs), few
    shuffle partitions (``TRAFFICLIB_SPARK_PARTITIONS``, default 8) and no UI."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise TrafficDataError("the Spark engine needs pyspark", hint='pip install "trafficlib[spark]"') from None
    if master in _SPARKS:
        return _SPARKS[master]
    builder = (SparkSession.builder.master(master).appName("trafficlib")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .config("spark.sql.legacy.parquet.nanosAsLong", "true")
               .config("spark.sql.shuffle.partitions", os.environ.get("TRAFFICLIB_SPARK_PARTITIONS", "8"))
               .config("spark.driver.memory", os.environ.get("TRAFFICLIB_SPARK_DRIVER_MEMORY", "2g")))
    for k, v in conf.items():
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    _SPARKS[master] = spark
    return spark


class SparkBackend(Backend):
    """Spark SQL (local mode or a cluster). Reads Parquet files in place."""

    dialect = "spark"

    def __init__(self, master: str = "local[2]"):
        self.label = f"spark://{master}" if master.startswith("local") else master
        self.spark = spark_session(master)
        self.cached: list[str] = []

    @staticmethod
    def _files(data) -> list[str]:
        import glob

        if isinstance(data, pd.DataFrame):
            raise TrafficDataError("the Spark engine reads files, not an in-memory table")
        pattern = str(data)
        files = sorted(glob.glob(pattern)) if any(ch in pattern for ch in "*?[") else [pattern]
        files = [f for f in files if Path(f).is_file()]
        if not files:
            raise TrafficDataError("file not found", file=pattern)
        if not all(f.lower().endswith((".parquet", ".pq")) for f in files):
            raise TrafficDataError("the Spark engine reads Parquet files", file=pattern,
                                   hint="convert the events to Parquet, or use engine='duckdb'")
        return [str(Path(f).resolve()) for f in files]

    def _micros(self, col: str, arrow_type) -> str:
        import pyarrow as pa

        q = _q(col, "`")
        if pa.types.is_timestamp(arrow_type):
            if arrow_type.unit == "ns":  # read as a number (nanosAsLong)
                return f"CAST({q} DIV 1000 AS BIGINT)"
            return f"unix_micros(CAST({q} AS TIMESTAMP))"
        if pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type):
            return (f"CAST(CASE WHEN abs({q}) >= 1e14 THEN {q} WHEN abs({q}) >= 1e11 THEN {q} * 1000 "
                    f"ELSE {q} * 1000000 END AS BIGINT)")
        return f"unix_micros(to_timestamp({q}))"

    def register_events(self, data, kind: str, use_session_id: bool) -> None:
        import pyarrow.parquet as pq

        if kind == "ga4":
            raise TrafficDataError("the Spark engine reads canonical events (Parquet), not a GA4 export",
                                   hint="flatten it first: trafficlib.readers.ga4.write_events(...)")
        files = self._files(data)
        arrow = pq.read_schema(files[0])
        types = {f.name: f.type for f in arrow}
        m = schema.header_map(types, "events")
        for req in ("user_id", "timestamp", "event_name"):
            if req not in m:
                raise TrafficDataError(f"missing required column '{req}' for an 'events' table", file=files[0],
                                       column=req)
        raw = unique("trafficlib_raw")
        self.spark.read.parquet(*files).createOrReplaceTempView(raw)

        def s(name: str) -> str:
            if name not in m:
                return "CAST(NULL AS STRING)"
            q = _q(m[name], "`")
            if name in ("source", "medium", "campaign"):
                return f"CASE WHEN trim(CAST({q} AS STRING)) = '' THEN NULL ELSE CAST({q} AS STRING) END"
            return f"NULLIF(CAST({q} AS STRING), '')"

        def num(name: str) -> str:
            return f"CAST({_q(m[name], '`')} AS DOUBLE)" if name in m else "CAST(NULL AS DOUBLE)"

        lower = {k.lower(): k for k in types}

        def lc(name: str) -> str:
            if name not in lower:
                return "CAST(NULL AS STRING)"
            q = _q(lower[name], "`")
            return f"CASE WHEN trim(CAST({q} AS STRING)) = '' THEN NULL ELSE CAST({q} AS STRING) END"

        sk = s("session_id") if use_session_id else "CAST(NULL AS STRING)"
        # the definition reads trafficlib_events; the audit's later queries read this
        # source's own copy (another source in the same Spark session replaces the first)
        self.events_view = unique("trafficlib_events")
        for view in ("trafficlib_events", self.events_view):
            self.spark.sql(f"""CREATE OR REPLACE TEMP VIEW {view} AS
            SELECT {s('user_id')} AS user_id, {sk} AS session_key,
                   {self._micros(m['timestamp'], types[m['timestamp']])} AS ts_us,
                   {s('event_name')} AS event_name, {s('page')} AS page, {s('source')} AS source,
                   {s('medium')} AS medium, {s('campaign')} AS campaign, {s('device')} AS device,
                   {s('country')} AS country, {num('engagement_time_msec')} AS eng, {num('revenue')} AS revenue,
                   {lc('last_click_source')} AS lc_source, {lc('last_click_medium')} AS lc_medium,
                   {lc('last_click_campaign')} AS lc_campaign, {s('transaction_id')} AS transaction_id
            FROM {raw}""")

    def register_sessions(self, path: str) -> tuple[str, set[str]]:
        import pyarrow.parquet as pq

        files = self._files(path)
        arrow = pq.read_schema(files[0])
        raw = unique("trafficlib_sessions_raw")
        self.spark.read.parquet(*files).createOrReplaceTempView(raw)
        view = unique("trafficlib_sessions_file")
        # start in µs as a column the definition reads; other columns as they are
        start = next((f for f in arrow if f.name == "start"), None)
        extra = f", {self._micros('start', start.type)} AS trafficlib_start_us" if start is not None else ""
        self.spark.sql(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT *{extra} FROM {raw}")
        return view, [f.name for f in arrow]

    def run(self, sql: str) -> pd.DataFrame:
        import warnings

        with warnings.catch_warnings():  # pyspark's notes on pandas 3 (results are checked by the tests)
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            try:
                warnings.simplefilter("ignore", pd.errors.Pandas4Warning)
            except AttributeError:
                pass
            return self.spark.sql(sql).toPandas()

    def materialize(self, name: str, sql: str) -> str:
        self.spark.sql(f"CACHE TABLE {name} AS {sql}")
        self.cached.append(name)
        return name

    def close(self) -> None:
        for name in self.cached:
            self.spark.sql(f"UNCACHE TABLE IF EXISTS {name}")
        self.cached = []


# --------------------------------------------------------------------------- BigQuery
class BigQueryBackend(Backend):
    """BigQuery, reading a GA4 export's ``events_*`` tables in place. Each working table
    is the query's own (anonymous, 24 h) result table, so a report scans the export once.

    Not exercised against the live service in this repository (no credentials, no
    network): the SQL it sends is tested by parsing it as BigQuery and by running its
    transpilation on DuckDB (``tests/test_engines.py``)."""

    dialect = "bigquery"

    def __init__(self, target: str, client=None, dry_run_first: bool = True):
        self.project, self.dataset = target.split("/")
        self.label = f"bigquery://{target}"
        self._client = client
        self.dry_run_first = dry_run_first

    @property
    def client(self):
        if self._client is None:
            try:
                from google.cloud import bigquery
            except ImportError:
                raise TrafficDataError("the BigQuery engine needs google-cloud-bigquery",
                                       hint='pip install "trafficlib[bigquery]"') from None
            self._client = bigquery.Client(project=self.project)
        return self._client

    def bytes_processed(self, sql: str) -> int:
        """BigQuery's own figure for ``sql`` (a dry run: free, nothing read)."""
        from google.cloud import bigquery

        job = self.client.query(sql, job_config=bigquery.QueryJobConfig(dry_run=True, use_query_cache=False))
        return int(job.total_bytes_processed or 0)

    def run(self, sql: str) -> pd.DataFrame:
        return self.client.query(sql).result().to_dataframe()

    def materialize(self, name: str, sql: str) -> str:
        job = self.client.query(sql)
        job.result()
        d = job.destination
        return f"`{d.project}.{d.dataset_id}.{d.table_id}`"


def make_backend(spec: EngineSpec, **opts) -> Backend:
    if spec.kind == "duckdb":
        return DuckDBBackend(spec.target, **{k: v for k, v in opts.items()
                                             if k in ("memory_limit", "threads", "temp_directory")})
    if spec.kind == "spark":
        return SparkBackend(spec.target)
    if spec.kind == "bigquery":
        return BigQueryBackend(spec.target)
    raise TrafficDataError(f"unknown engine {spec.url}")

