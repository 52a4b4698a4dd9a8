"""The SQL marts on PostgreSQL: equal to DuckDB's, readable by the reporter
role only where they should be, and a clear error for a bad connection."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from decimal import Decimal

import duckdb
import psycopg2
import pytest

from conftest import PROJECT_DIR, connect

# marts that are (or read) dbt Python models: DuckDB only
DUCKDB_ONLY = {"clv_model_parameters", "fct_customer_lifetime_value",
               "fct_customer_health_snapshots", "fct_health_score_backtest",
               "dim_customer_health", "fct_health_alerts",
               "fct_renewals_at_risk"}


def normalise(value):
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()[:19]
    return value


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        a, b = float(a), float(b)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return a == b


@pytest.fixture(scope="module")
def marts(settings) -> list[str]:
    with connect(settings) as con, con.cursor() as cur:
        cur.execute("""select table_name from information_schema.tables
                       where table_schema = 'marts' order by 1""")
        return [row[0] for row in cur.fetchall()]


def test_every_sql_mart_is_built_on_postgres(marts):
    duck = duckdb.connect(os.environ["RETENTION_DUCKDB_FILE"], read_only=True)
    try:
        published = {row[0] for row in duck.execute(
            "select table_name from information_schema.tables "
            "where table_name like 'fct_%' or table_name like 'dim_%' "
            "or table_name = 'clv_model_parameters'").fetchall()}
    finally:
        duck.close()
    assert set(marts) == published - DUCKDB_ONLY
    assert len(marts) >= 20


def test_every_mart_equals_its_duckdb_twin(settings, marts):
    duck = duckdb.connect(os.environ["RETENTION_DUCKDB_FILE"], read_only=True)
    compared = 0
    try:
        with connect(settings) as con, con.cursor() as cur:
            for name in marts:
                cur.execute(f'select * from marts."{name}"')
                columns = [d[0] for d in cur.description]
                pg_rows = [tuple(normalise(v) for v in row)
                           for row in cur.fetchall()]
                duck_rows = [tuple(normalise(v) for v in row) for row in
                             duck.execute(
                                 f'select {", ".join(columns)} from main."{name}"'
                             ).fetchall()]
                assert len(pg_rows) == len(duck_rows), name
                # sort on the exact (non-float) columns: the keys
                exact = [i for i, v in enumerate(pg_rows[0] if pg_rows else [])
                         if not isinstance(v, float)]

                def key(row, exact=exact):
                    return tuple((row[i] is None, str(row[i])) for i in exact)

                for pg_row, duck_row in zip(sorted(pg_rows, key=key),
                                            sorted(duck_rows, key=key),
                                            strict=True):
                    for column, a, b in zip(columns, pg_row, duck_row,
                                            strict=True):
                        assert same(a, b), (name, column, a, b, pg_row)
                compared += 1
    finally:
        duck.close()
    assert compared == len(marts)


def test_reporter_reads_marts_only_and_writes_nothing(settings):
    con = connect(settings, "RETENTION_PG_REPORTER",
                  "RETENTION_PG_REPORTER_PASSWORD")
    con.autocommit = True
    try:
        with con.cursor() as cur:
            cur.execute("select count(*) from marts.fct_retention_kpis_monthly")
            assert cur.fetchone()[0] > 0
            refused = [
                "select * from raw.customers limit 1",
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
