"""Shared fixtures: generated data sets and a helper that runs the CLI/dbt."""

from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
AS_OF = "2025-12-31"
sys.path.insert(0, str(PROJECT_DIR / "python"))

from retention_lib import health, runner  # noqa: E402
from retention_lib.generator import generate  # noqa: E402


def once_per_session(tmp_path_factory, name: str, make) -> Path:
    """A folder that `make(folder)` fills once per test session, also when
    pytest-xdist runs the tests in several workers (`make test` does): the
    first worker to get here builds it under a lock in the folder the
    workers share, the others wait and read it. Tests only read it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    shared = tmp_path_factory.getbasetemp().parent
    folder, done = shared / name, shared / f"{name}.done"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.write_text("built\n")
    return folder


@pytest.fixture(scope="session", autouse=True)
def dbt_parse_cache(tmp_path_factory) -> Path:
    """Every dbt run of the session goes through one parse cache (see
    runner.parse_cached), shared by the pytest-xdist workers: a new
    warehouse or target folder no longer costs dbt a full parse of the
    project (about 12 s of CPU each, some 40 times a session)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    cache = shared / "dbt-parse-cache"
    os.environ[runner.PARSE_CACHE] = str(cache)
    return cache


@pytest.fixture(scope="session")
def small_csv_set(tmp_path_factory) -> Path:
    """300 customers as CSV (seed 7), generated once per session."""
    return once_per_session(tmp_path_factory, "raw_csv",
                            lambda out: generate(out, 300, seed=7, fmt="csv"))


@pytest.fixture(scope="session")
def clean_build(small_csv_set, tmp_path_factory):
    """One published build of small_csv_set (as_of 2025-12-31): the
    baseline the publishing, repeatability and privacy tests compare with.
    Read-only: a test that builds again works on a copy
    (copy_of_clean_build)."""
    def make(folder: Path) -> None:
        result = run_cli(folder / "warehouse", folder / "target",
                         raw_dir=small_csv_set, as_of=AS_OF)
        assert result.returncode == 0, (result.stdout[-4000:]
                                        + result.stderr[-2000:])

    folder = once_per_session(tmp_path_factory, "clean_build", make)
    return folder / "warehouse", folder / "target"


def parse_manifest(target: str, folder: Path, *extra: str) -> dict:
    """`dbt parse` of the project for `target` into `folder` (never the
    project's own target folder, which the build of the sample writes
    while the tests run in `make test`); its manifest."""
    env = runner.dbt_env(folder, DBT_TARGET=target, DBT_TARGET_PATH=folder)
    result = runner.run_dbt(["parse", "--no-partial-parse", *extra], env,
                            capture=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
    return runner.read_manifest(folder / "manifest.json")


@pytest.fixture(scope="session")
def ci_parse(tmp_path_factory) -> Path:
    """The folder of one `dbt parse` of the project on the ci target (as
    `make conventions` parses it), once per session: its manifest and
    partial-parse state (read-only: copy it to run dbt on it)."""
    return once_per_session(tmp_path_factory, "ci_manifest",
                            lambda out: parse_manifest("ci", out))


@pytest.fixture(scope="session")
def ci_manifest(ci_parse) -> dict:
    """The project's manifest on the ci target (ci_parse)."""
    return runner.read_manifest(ci_parse / "manifest.json")


def copy_of_clean_build(clean_build, destination: Path, *,
                        keep_record: bool = False) -> tuple[Path, Path]:
    """A private copy of the clean build's warehouse and target, for a test
    that builds or publishes into it: without the record of the last run
    (retention_lib.run_record), so that a run on the same inputs builds,
    unless keep_record."""
    warehouse, target = clean_build
    copy = destination / "warehouse"
    shutil.copytree(warehouse, copy, symlinks=True)
    (copy / ".run.lock").unlink(missing_ok=True)
    if not keep_record:
        (copy / "last_run.json").unlink(missing_ok=True)
    target_copy = destination / "target"
    shutil.copytree(target, target_copy)
    return copy, target_copy


def read_cdnow(name: str) -> dict[str, np.ndarray]:
    """One file of the CDNOW fixtures (tests/fixtures/cdnow) as columns of
    floats."""
    with open(PROJECT_DIR / "tests" / "fixtures" / "cdnow" / name,
              newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {key: np.array([float(row[key]) for row in rows]) for key in rows[0]}


def sha(path: Path) -> str:
    """SHA-256 of a file's bytes (a published file left unchanged)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def marts_fingerprint(database: Path, schema: str | None = None
                      ) -> dict[str, str]:
    """table -> row count and md5 of its rows (as text, sorted): equal
    fingerprints mean identical contents, whatever the physical row order.
    Every table of the file, or only the base tables of `schema`; every
    column but built_at (the start of the run that wrote the row, which
    differs between two builds by construction; no mart has it)."""
    import duckdb  # noqa: PLC0415

    con = duckdb.connect(str(database), read_only=True)
    try:
        only = ("" if schema is None else
                f"where table_schema = '{schema}' and table_type = 'BASE TABLE'")
        tables = con.execute(
            "select table_schema, table_name, bool_or(column_name = 'built_at') "
            "from information_schema.tables join information_schema.columns "
            f"using (table_schema, table_name) {only} "
            "group by all order by 2").fetchall()
        return {name: con.execute(
            "select count(*) || ':' || coalesce(md5(string_agg(r, chr(10) "
            "order by r)), '') from (select cast(t as varchar) as r "
            f"from (select * {'exclude (built_at)' if marked else ''} "
            f'from "{table_schema}"."{name}") as t)').fetchone()[0]
            for table_schema, name, marked in tables}
    finally:
        con.close()


def cli_env(warehouse: Path, target_path: Path, raw_dir: Path | None = None,
            as_of: str | None = None, dbt_vars: str | None = None, *,
            data_tests: bool = True) -> dict:
    """The environment of a CLI run in an isolated warehouse. Its builds
    leave out dbt's unit tests: they read fixtures, not the data these
    tests vary, so they pass or fail alike in every build; `make test` runs
    them in the build of the sample and in the PostgreSQL suite.
    data_tests=False leaves out the data tests too (about a third of a
    build's time), for a build whose test compares its result with a build
    whose data tests ran (clean_build) or checks something else entirely
    (a gate, a kill): never for a data set of its own that no other build
    tests."""
    excluded = "unit_test" if data_tests else "unit_test test"
    return runner.dbt_env(warehouse, DBT_TARGET_PATH=target_path,
                          DBT_TARGET="dev", RAW_DIR=raw_dir or "",
                          AS_OF=as_of or "", VARS=dbt_vars or "",
                          DBT_EXCLUDE_RESOURCE_TYPES=excluded)


CLI = [sys.executable, "-m", "retention_lib.cli", "run", "--no-docs"]


def run_cli(warehouse: Path, target_path: Path, *, raw_dir: Path | None = None,
            as_of: str | None = None, dbt_vars: str | None = None,
            timeout: int = 900, freshness: bool = False,
            data_tests: bool = True) -> subprocess.CompletedProcess:
    """`python -m retention_lib.cli run --no-docs` in an isolated warehouse
    (without the source freshness report unless asked: it only prints;
    data_tests: see cli_env)."""
    command = CLI if freshness else [*CLI, "--no-freshness"]
    return subprocess.run(
        command, cwd=PROJECT_DIR, env=cli_env(warehouse, target_path, raw_dir,
                                             as_of, dbt_vars,
                                             data_tests=data_tests),
        capture_output=True, text=True, timeout=timeout)


def build_selected(warehouse: Path, target_path: Path, selection: list[str], *,
                   raw_dir: Path, as_of: str | None = None,
                   dbt_vars: str | None = None, data_tests: bool = True
                   ) -> subprocess.CompletedProcess:
    """`dbt build` of `selection` and their parents (data tests included
    unless data_tests=False, unit tests not: see cli_env) into
    warehouse/work.duckdb: for a test that reads a few marts of its own
    data set and needs neither the rest nor the gates and publishing (a
    quarter of a full build's nodes for the MRR marts)."""
    merged = runner.build_vars(str(raw_dir), as_of, dbt_vars)
    return runner.run_dbt(
        ["build", "-s", *(f"+{name}" for name in selection),
         "--indirect-selection", "cautious", "--vars", json.dumps(merged)],
        cli_env(warehouse, target_path, data_tests=data_tests), capture=True,
        timeout=900)


def health_reference_differences(work_db) -> dict[str, int]:
    """The health marts of a DuckDB build against retention_lib.health (the
    reference implementation) run on the same build's inputs: the number
    of cells that differ in each (0 = equal to the last bit)."""
    settings = runner.project_vars({})
    con = duckdb.connect(str(work_db), read_only=True)
    try:
        def table(query):
            return con.execute(query).df()

        inputs = table("""select * from int_health_inputs_aggregated_to_customer_week
                          order by snapshot_date, customer_id""")
        built = table("""select * from fct_customer_health_snapshots
                         order by snapshot_date, customer_id""")
        months = table("""select * from fct_customer_mrr_monthly
                          order by customer_id, date_month""")
        as_of = table("select as_of_date from util_as_of_date")["as_of_date"].iloc[0]
        built_backtest = table("""select * from fct_health_score_backtest
                                  order by scope desc, snapshot_date""")
    finally:
        con.close()
    reference = health.score_snapshots(
        inputs, weights=settings["health_weights"],
        n_key_features=len(settings["health_key_features"]),
        green_min=float(settings["health_green_min"]),
        yellow_min=float(settings["health_yellow_min"]))
    reference_backtest = health.backtest(
        built, months[months["movement"] == "churn"], as_of, horizon_days=90)
    reference_backtest = reference_backtest.sort_values(
        ["scope", "snapshot_date"], ascending=[False, True],
        ignore_index=True)

    def differing(ours: pd.DataFrame, theirs: pd.DataFrame) -> int:
        assert list(ours.columns) == list(theirs.columns)
        assert len(ours) == len(theirs)
        count = 0
        for column in ours.columns:
            a, b = ours[column], theirs[column]
            if column == "snapshot_date":
                a, b = pd.to_datetime(a), pd.to_datetime(b)
            both_missing = a.isna() & b.isna()
            count += int((~both_missing & (a.astype(object) != b.astype(object))).sum())
        return count

    return {"fct_customer_health_snapshots": differing(built, reference),
            "fct_health_score_backtest": differing(built_backtest,
                                                   reference_backtest)}


def mark_oldest_row(warehouse, table: str, column: str, value,
                    key: str) -> object:
    """Set `column` to `value` on the first row of `table` in the order of
    `key` (its key columns, comma-separated); return the value it had.
    A mark that survives an incremental run shows the row was kept."""
    row = f"({key}) = (select ({key}) from {table} order by {key} limit 1)"
    con = duckdb.connect(str(warehouse / "work.duckdb"))
    try:
        (was,) = con.execute(f"select {column} from {table} where {row}"
                             ).fetchone()
        con.execute(f"update {table} set {column} = ? where {row}", [value])
        return was
    finally:
        con.close()


def mark_oldest_snapshot(warehouse, user_count: int) -> int:
    """Set user_count on one row of the oldest weekly health snapshot;
    return the value it had."""
    return mark_oldest_row(
        warehouse, "int_health_inputs_aggregated_to_customer_week",
        "user_count", user_count, "snapshot_date, customer_id")
