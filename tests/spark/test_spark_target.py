"""The marts on Spark (dbt-spark over Thrift): every mart of the DuckDB
build exists with equal values, and a bad connection is one clear line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import PROJECT_DIR
from engine_parity import compare_built_marts, duckdb_marts


@pytest.fixture(scope="module")
def marts(cursor) -> list[str]:
    cursor.execute("show tables in marts")
    return sorted(row[1] for row in cursor.fetchall())


def test_every_mart_is_built_on_spark(marts):
    published = duckdb_marts(os.environ["RETENTION_DUCKDB_FILE"])
    assert set(marts) == published
    assert len(marts) >= 20


def test_every_mart_equals_its_duckdb_twin(cursor, marts):
    compare_built_marts(cursor, marts, "spark", quote="`")


def test_staged_events_are_partitioned_by_event_date(cursor):
    """One partition per UTC day of the staged events, holding exactly that
    day's events: the incremental user-day model reads only the partitions
    of the days it recomputes."""
    cursor.execute("show partitions staging.stg_product__events")
    partitions = sorted(row[0] for row in cursor.fetchall())
    cursor.execute("""select event_date, count(*),
                             sum(case when cast(occurred_at as date) = event_date
                                      then 1 else 0 end)
                      from staging.stg_product__events group by event_date
                      order by event_date""")
    days = cursor.fetchall()
    assert len(days) > 300
    assert partitions == [f"event_date={day}" for day, _, _ in days]
    assert all(matching == events for _, events, matching in days)


@pytest.mark.parametrize("change", ["closed_port", "unknown_host"])
def test_bad_connection_is_one_clear_line(change):
    env = dict(os.environ, DBT_TARGET="spark", RAW_DIR="", AS_OF="", VARS="")
    if change == "closed_port":
        env["RETENTION_SPARK_PORT"] = "1"
    else:
        env["RETENTION_SPARK_HOST"] = "no-such-host.invalid"
    result = subprocess.run(
        [sys.executable, "-m", "retention_lib.cli", "run", "--no-docs"],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "dbt target 'spark'" in lines[0]
    assert f"{env['RETENTION_SPARK_HOST']}:{env['RETENTION_SPARK_PORT']}" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
