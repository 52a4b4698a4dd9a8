"""RAW_DIR on PostgreSQL: the CLI checks the files as DuckDB does, copies
them into schema raw_files, and the marts built from them equal the DuckDB
build of the seeds, although the files are written the ways real exports
differ (tests/engine_parity.py write_varied_exports). Bad files are refused
with DuckDB's one message before anything is loaded; dbt alone, which
cannot read files on this engine, says to use the CLI.

Builds in database retention_files (made by scripts/postgres_suite.sh)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import PROJECT_DIR, connect
from engine_parity import compare_built_marts, duckdb_marts, write_varied_exports
from retention_lib import runner

DATABASE = "retention_files"


def cli(env: dict, raw_dir, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "retention_lib.cli", "run", "--no-docs",
         "--models-only", *extra],
        cwd=PROJECT_DIR, env={**env, "RAW_DIR": str(raw_dir)},
        capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def built(settings, tmp_path_factory):
    folder = tmp_path_factory.mktemp("varied")
    write_varied_exports(folder)
    env = dict(os.environ, DBT_TARGET="postgres", RETENTION_PG_DATABASE=DATABASE,
               DBT_TARGET_PATH=str(PROJECT_DIR / "target" / "postgres-files"),
               AS_OF="", VARS="")
    result = cli(env, folder)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Loaded 17 raw exports" in result.stdout
    return {**settings, "dbname": DATABASE}, env, folder


def marts_of(cur) -> list[str]:
    cur.execute("""select table_name from information_schema.tables
                   where table_schema = 'marts' order by 1""")
    return [row[0] for row in cur.fetchall()]


def test_marts_from_files_equal_the_duckdb_build(built):
    settings, _, _ = built
    with connect(settings) as con, con.cursor() as cur:
        marts = marts_of(cur)
        assert set(marts) == duckdb_marts(os.environ["RETENTION_DUCKDB_FILE"])
        compare_built_marts(cur, marts, "postgres from RAW_DIR")


def test_the_files_are_loaded_as_text_with_the_contract_columns(built):
    settings, _, _ = built
    with connect(settings) as con, con.cursor() as cur:
        cur.execute("""select table_name, string_agg(column_name, ',' order by
                              ordinal_position), bool_and(data_type = 'text')
                       from information_schema.columns
                       where table_schema = 'raw_files' group by 1""")
        tables = {name: (columns, text) for name, columns, text in cur.fetchall()}
        cur.execute("select count(*) from raw_files.events")
        events = cur.fetchone()[0]
    assert len(tables) == 17 and all(text for _, text in tables.values())
    assert tables["plans"][0] == ("plan_id,plan_name,tier,billing_period_months,"
                                  "list_price,currency")
    assert tables["subscriptions"][0].startswith("subscription_id,customer_id")
    assert events == sum(1 for _ in (PROJECT_DIR / "seeds" / "sample" /
                                     "events.csv").open()) - 1


def test_bad_files_are_refused_in_one_message_before_loading(built, tmp_path):
    settings, env, folder = built
    bad = tmp_path / "bad"
    shutil.copytree(folder, bad)
    (bad / "users.csv").unlink()
    (bad / "tickets.csv").write_bytes(b"")
    lines = (bad / "plans.csv").read_text().splitlines()
    (bad / "plans.csv").write_text("\n".join(
        ",".join(line.split(",")[:2] + line.split(",")[3:]) for line in lines))
    result = cli(env, bad)
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "3 problem(s) with the raw exports" in out
    assert "raw export 'users' not found" in out
    assert "raw export 'tickets'" in out and "is empty" in out
    assert "raw export 'plans'" in out and "missing column 'tier'" in out
    with connect(settings) as con, con.cursor() as cur:
        cur.execute("select count(*) from raw_files.users")
        assert cur.fetchone()[0] > 0     # the last load stands


def test_dbt_alone_says_to_load_through_the_cli(built):
    _, env, folder = built
    result = runner.run_dbt(
        ["run", "-s", "util_as_of_date", "--vars", f"{{raw_dir: '{folder}'}}"],
        {**env, "DBT_PROFILES_DIR": str(PROJECT_DIR / "profiles")},
        capture=True, timeout=300)
    assert result.returncode != 0
    assert "dbt cannot read the files on this engine" in result.stdout
