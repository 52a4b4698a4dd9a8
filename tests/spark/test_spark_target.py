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


@pytest.mark.parametrize(("table", "day", "month"), [
    ("staging.stg_product__events", "cast(occurred_at as date)", "event_month"),
    ("intermediate.int_events_aggregated_to_user_day", "activity_date",
     "activity_month"),
])
def test_event_tables_are_partitioned_by_month(cursor, table, day, month):
    """The staged events and the user-days: one partition per UTC month,
    holding exactly that month's rows in one file (the incremental
    user-day model reads and overwrites only the months it recomputes)."""
    cursor.execute(f"show partitions {table}")
    partitions = sorted(row[0] for row in cursor.fetchall())
    # input_file_name() is non-deterministic: Spark takes it in no
    # aggregate, so the inner query names each row's file first
    cursor.execute(f"""select part, count(*),
                              sum(case when trunc(day, 'MM') = part
                                       then 1 else 0 end),
                              count(distinct file)
                       from (select {month} as part, {day} as day,
                                    input_file_name() as file
                             from {table}) as located
                       group by part order by part""")
    months = cursor.fetchall()
    assert len(months) > 12
    assert partitions == [f"{month}={first}" for first, *_ in months]
    assert all(matching == rows for _, rows, matching, _ in months)
    assert all(files == 1 for *_, files in months)


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
