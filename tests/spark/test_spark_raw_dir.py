"""RAW_DIR on Spark: the suite's build read the sample from files written
the ways real exports differ (scripts/spark_suite.sh; its marts are
compared in test_spark_target). Each export is a table over its own file,
not a copy, and loading again never touches the files; bad files are
refused with DuckDB's one message before anything is loaded."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT_DIR


@pytest.fixture(scope="module")
def raw_dir() -> Path:
    if "RETENTION_SPARK_RAW_DIR" not in os.environ:
        pytest.fail("run through `make test-spark` (scripts/spark_suite.sh)")
    return Path(os.environ["RETENTION_SPARK_RAW_DIR"])


def location(cursor, table: str) -> tuple[str, str]:
    cursor.execute(f"describe table extended raw_files.{table}")
    details = {row[0]: row[1] for row in cursor.fetchall()}
    return details.get("Type"), details.get("Location") or details.get(
        "Storage Properties", "")


def test_each_export_is_a_table_over_its_file(cursor, raw_dir):
    kind, where = location(cursor, "events__file")
    assert kind == "EXTERNAL"
    assert where.endswith(str(raw_dir / "events.parquet"))
    kind, where = location(cursor, "customers__file")
    assert kind == "EXTERNAL"
    assert where.endswith(str(raw_dir / "customers.csv"))
    cursor.execute("select count(*) from raw_files.events")
    assert cursor.fetchone()[0] == sum(
        1 for _ in (PROJECT_DIR / "seeds" / "sample" / "events.csv").open()) - 1
    # the contract's names, whatever the file's header looked like
    cursor.execute("select * from raw_files.subscriptions limit 1")
    assert [d[0].split(".")[-1] for d in cursor.description][:2] == [
        "subscription_id", "customer_id"]


def run(raw: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, DBT_TARGET="spark", RAW_DIR=str(raw), AS_OF="",
               VARS="", RETENTION_SPARK_SCHEMA="rawcheck",
               DBT_TARGET_PATH=str(PROJECT_DIR / "target" / "spark-rawcheck"))
    return subprocess.run(
        [sys.executable, "-m", "retention_lib.cli", "run", "--no-docs",
         "--models-only"],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600)


def test_bad_files_are_refused_in_one_message_and_files_stay(
        cursor, raw_dir, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(raw_dir, bad)
    (bad / "users.csv").unlink()
    lines = (bad / "plans.csv").read_text().splitlines()
    (bad / "plans.csv").write_text("\n".join(
        ",".join(line.split(",")[:2] + line.split(",")[3:]) for line in lines))
    (bad / "tickets.csv").write_bytes(b"")
    result = run(bad)
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "3 problem(s) with the raw exports" in out
    assert "raw export 'users' not found" in out
    assert "missing column 'tier'" in out and "is empty" in out
    # nothing was loaded: the suite's tables still read the suite's files
    assert location(cursor, "events__file")[1].endswith(
        str(raw_dir / "events.parquet"))
    assert (raw_dir / "events.parquet").stat().st_size > 0


def test_loading_again_replaces_the_tables_not_the_files(cursor, raw_dir,
                                                          settings):
    from retention_lib import raw_loading

    sizes = {path.name: path.stat().st_size for path in raw_dir.iterdir()}
    loaded = raw_loading.load("spark", str(raw_dir), {
        "host": settings["host"], "port": settings["port"],
        "user": settings["username"]})
    assert loaded == 17
    assert {path.name: path.stat().st_size for path in raw_dir.iterdir()} == sizes
    cursor.execute("select count(*) from raw_files.events")
    assert cursor.fetchone()[0] == sum(
        1 for _ in (PROJECT_DIR / "seeds" / "sample" / "events.csv").open()) - 1
