"""Every mart on PostgreSQL (the suite's build, from RAW_DIR files written
the ways real exports differ): equal to DuckDB's build of the seeds,
readable by the reporter role only where they should be, and a clear error
for a bad connection."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg2
import pytest

from conftest import PROJECT_DIR, connect
from engine_parity import compare_built_marts, duckdb_marts


@pytest.fixture(scope="module")
def marts(settings) -> list[str]:
    with connect(settings) as con, con.cursor() as cur:
        cur.execute("""select table_name from information_schema.tables
                       where table_schema = 'marts' order by 1""")
        return [row[0] for row in cur.fetchall()]


def test_every_mart_is_built_on_postgres(marts):
    published = duckdb_marts(os.environ["RETENTION_DUCKDB_FILE"])
    assert set(marts) == published
    assert len(marts) >= 20


def test_every_mart_equals_its_duckdb_twin(settings, marts):
    with connect(settings) as con, con.cursor() as cur:
        compare_built_marts(cur, marts, "postgres")


def test_reporter_reads_marts_only_and_writes_nothing(settings):
    con = connect(settings, "RETENTION_PG_REPORTER",
                  "RETENTION_PG_REPORTER_PASSWORD")
    con.autocommit = True
    try:
        with con.cursor() as cur:
            cur.execute("select count(*) from marts.fct_retention_kpis_monthly")
            assert cur.fetchone()[0] > 0
            refused = [
                "select * from raw_files.customers limit 1",
                "select * from staging.stg_billing__customers limit 1",
                "select * from intermediate.int_invoice_lines_normalized limit 1",
                "select * from utilities.util_quarantined_rows limit 1",
                "delete from marts.fct_retention_kpis_monthly",
                "insert into marts.dim_customers (customer_id) values ('x')",
                "create table marts.scratch (a int)",
                "create table public.scratch (a int)",
                "drop table marts.dim_customers",
            ]
            for statement in refused:
                with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                    cur.execute(statement)
    finally:
        con.close()


@pytest.mark.parametrize("change", ["wrong_password", "unreachable"])
def test_bad_connection_is_a_clear_error(settings, change):
    env = dict(os.environ, DBT_TARGET="postgres", RAW_DIR="", AS_OF="", VARS="")
    if change == "wrong_password":
        env["RETENTION_PG_PASSWORD"] = "not-the-password"
    else:
        env["RETENTION_PG_PORT"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "retention_lib.cli", "run", "--no-docs"],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "dbt target 'postgres'" in result.stderr
    assert f"127.0.0.1:{env['RETENTION_PG_PORT']}" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    if change == "wrong_password":
        assert "password authentication failed" in result.stderr
