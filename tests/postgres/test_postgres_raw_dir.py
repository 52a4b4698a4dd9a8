"""RAW_DIR on PostgreSQL: the suite's build (scripts/postgres_suite.sh)
is from files written the ways real exports differ (tests/engine_parity.py
write_varied_exports), which the CLI checked as DuckDB does and copied into
schema raw_files; its marts equal the DuckDB build of the seeds
(test_postgres_target.py). Here: the loaded tables, bad files refused with
DuckDB's one message before anything is loaded, and dbt alone, which
cannot read files on this engine, saying to use the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT_DIR, connect
from retention_lib import runner


def cli(env: dict, raw_dir, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "retention_lib.cli", "run", "--no-docs",
         "--models-only", *extra],
        cwd=PROJECT_DIR, env={**env, "RAW_DIR": str(raw_dir)},
        capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def built(settings, tmp_path_factory):
    """The suite's database, the environment of a CLI run on it and the
    folder it was built from."""
    env = dict(os.environ, DBT_TARGET="postgres",
               DBT_TARGET_PATH=str(PROJECT_DIR / "target" / "postgres-files"),
               AS_OF="", VARS="")
    return settings, env, Path(os.environ["RETENTION_PG_RAW_DIR"])


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
