"""A real Spark standalone cluster (issue 28): a master and one worker started from the
pyspark installation on 127.0.0.1, the audit run with ``engine="spark://127.0.0.1:PORT"``,
every table equal to the embedded DuckDB path's. Skipped, with the reason, without Java
or pyspark. The master and the worker are stopped at the end, whatever happens.

The audit runs in a child Python process: a process holds one SparkContext, and another
test may already have a local one (``getOrCreate`` would then silently reuse it)."""
from __future__ import annotations

import os
import pickle
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_audit_engines import _assert_same_tables, _audit_tables  # noqa: E402
from test_engines import _spark_reason  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _free_port(preferred: int | None = None) -> int:
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError("no free port")


def _wait(predicate, what: str, log: Path, timeout: float = 180) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(1)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    raise RuntimeError(f"Spark {what} did not come up within {timeout:.0f} s:\n{tail}")


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def spark_cluster(tmp_path_factory):
    """``spark://127.0.0.1:PORT`` of a master with one registered worker (7077 when free)."""
    reason = _spark_reason()
    if reason:
        pytest.skip(f"Spark cluster test skipped: {reason}")
    import pyspark

    home = Path(pyspark.__file__).parent
    spark_class = home / "bin" / "spark-class"
    if not spark_class.exists():
        pytest.skip(f"Spark cluster test skipped: no {spark_class} in the pyspark installation")
    work = tmp_path_factory.mktemp("spark-cluster")
    port, ui, worker_ui = _free_port(7077), _free_port(), _free_port()
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_LOG_DIR": str(work),
           "SPARK_WORKER_DIR": str(work / "worker"), "SPARK_NO_DAEMONIZE": "1"}
    procs = []

    def start(args, log: Path):
        fh = open(log, "wb")
        procs.append((subprocess.Popen([str(spark_class), *args], stdout=fh, stderr=subprocess.STDOUT, env=env,
                                       start_new_session=True), fh))

    try:
        master_log, worker_log = work / "master.log", work / "worker.log"
        start(["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
               "--webui-port", str(ui)], master_log)
        _wait(lambda: _listening(port), "master", master_log)
        url = f"spark://127.0.0.1:{port}"
        start(["org.apache.spark.deploy.worker.Worker", url, "--host", "127.0.0.1", "--cores", "2", "--memory", "1g",
               "--webui-port", str(worker_ui), "--work-dir", str(work / "worker")], worker_log)
        _wait(lambda: "Registering worker" in master_log.read_text(errors="replace"), "worker", worker_log)
        yield url
    finally:
        for proc, fh in procs:  # the processes this fixture started, and their children
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(timeout=30)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            fh.close()


CHILD = textwrap.dedent("""
    import pickle, sys
    sys.path.insert(0, {tests!r})
    from pyspark.sql import SparkSession
    from trafficlib import audit
    from test_audit_engines import _audit_tables
    data = audit.load({demo!r}, engine={engine!r})
    tables = _audit_tables(data)
    master = SparkSession.getActiveSession().sparkContext.master
    with open({out!r}, "wb") as fh:
        pickle.dump({{"master": master, "tables": tables}}, fh)
""")


def test_audit_on_a_spark_standalone_cluster(spark_cluster, demo_dir, tmp_path):
    out = tmp_path / "tables.pkl"
    code = CHILD.format(tests=str(Path(__file__).parent), demo=str(demo_dir.resolve()), engine=spark_cluster,
                        out=str(out))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=1800,
                         cwd=str(ROOT), env={**os.environ, "SPARK_LOCAL_IP": "127.0.0.1"})
    assert run.returncode == 0, run.stderr[-3000:]
    with open(out, "rb") as fh:
        got = pickle.load(fh)
    assert got["master"] == spark_cluster  # the cluster, not a local fallback
    from trafficlib import audit

    ref = _audit_tables(audit.load(demo_dir))
    assert {"evidence:bots", "evidence:duplicate_transactions", "evidence:utm_variants"} <= set(got["tables"])
    _assert_same_tables(ref, got["tables"])
