"""Write-audit-publish: a build killed mid-way leaves the published marts
exactly as they were and the next build succeeds; a BI tool holding the
published file open neither blocks a build nor breaks; two builds of the
same data and as_of_date give identical marts (content hash); the Great
Expectations gates fail on a broken mart or raw export."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import (
    AS_OF,
    CLI,
    PROJECT_DIR,
    cli_env,
    copy_of_clean_build,
    marts_fingerprint,
    run_cli,
    sha,
)
from retention_lib import runner
from retention_lib.gates import run_gates

pytestmark = pytest.mark.dbt

READER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute('select count(*) from fct_retention_kpis_monthly').fetchone()[0],
      flush=True)
sys.stdin.readline()   # hold the file open until told to go on
print(con.execute('select count(*) from fct_retention_kpis_monthly').fetchone()[0],
      flush=True)
"""


def snapshot(warehouse: Path) -> dict[str, bytes]:
    """Every published file's bytes."""
    files = [warehouse / "retention.duckdb", *sorted((warehouse / "marts").glob("*"))]
    return {str(f.relative_to(warehouse)): f.read_bytes() for f in files}


def test_killed_build_changes_nothing_and_a_reader_is_never_blocked(
        clean_build, small_csv_set, tmp_path):
    warehouse, target = copy_of_clean_build(clean_build, tmp_path)
    published = warehouse / "retention.duckdb"
    before = snapshot(warehouse)
    fingerprint = marts_fingerprint(published)
    # models only: the clean build ran the data tests on the same data
    env = cli_env(warehouse, target, small_csv_set, AS_OF, data_tests=False)

    # a BI tool holds the published file open (read-only) throughout
    reader = subprocess.Popen([sys.executable, "-c", READER, str(published)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    rows_before = reader.stdout.readline().strip()

    # kill the whole build (dbt and its threads) once models are being built
    command = [*CLI, "--no-freshness"]
    build = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
    started = 0
    deadline = time.monotonic() + 600
    for line in build.stdout:
        started += " START " in line
        if started >= 40 or time.monotonic() > deadline:
            break
    os.killpg(build.pid, signal.SIGKILL)
    build.wait()
    assert started >= 40, "the build ended before it could be killed"
    assert snapshot(warehouse) == before

    # the next build succeeds while the reader still holds its handle
    rebuilt = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True,
                             text=True, timeout=900)
    assert rebuilt.returncode == 0, rebuilt.stdout[-3000:] + rebuilt.stderr[-2000:]
    assert "Published" in rebuilt.stdout
    reader.stdin.write("go\n")
    reader.stdin.flush()
    assert reader.stdout.readline().strip() == rows_before
    assert reader.wait(timeout=60) == 0

    # same data, same as_of_date: identical marts, table by table
    assert marts_fingerprint(published) == fingerprint
    assert sorted(p.name for p in warehouse.iterdir()) == [
        ".run.lock", "current", "last_run.json", "marts", "quality", "releases",
        "retention.duckdb", "work.duckdb"]
    # the killed build's release never became current, and only the live
    # release and the one before it are kept
    assert len(list((warehouse / "releases").iterdir())) <= 2


def test_a_run_with_nothing_new_rebuilds_nothing(clean_build, small_csv_set, tmp_path):
    """The same export files, code, vars and target as the published run:
    the run says so in one line and leaves every file as it was (no build,
    no gates, no publish: the working database is untouched)."""
    warehouse, target = copy_of_clean_build(clean_build, tmp_path, keep_record=True)
    before, work = snapshot(warehouse), sha(warehouse / "work.duckdb")
    result = run_cli(warehouse, target, raw_dir=small_csv_set, as_of=AS_OF)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "Nothing new since the run published at" in result.stdout
    assert "Running with dbt" not in result.stdout
    assert snapshot(warehouse) == before
    assert sha(warehouse / "work.duckdb") == work


def test_published_file_carries_descriptions_and_constraints(clean_build):
    """What a BI tool reads from the published file: every table and column
    described as in the yml (table and column comments), the working
    tables' types and NOT NULL constraints (CREATE TABLE AS would drop
    them), and each Parquet file's descriptions in its key-value metadata."""
    warehouse, target = clean_build
    docs = runner.published_docs(runner.read_manifest(target / "manifest.json"))
    published = duckdb.connect(str(warehouse / "retention.duckdb"), read_only=True)
    work = duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)
    try:
        query = """select table_name, column_name, data_type, is_nullable,
                          comment from duckdb_columns()
                   where table_name in (select unnest(?))
                   order by table_name, column_index"""
        names = sorted(docs)
        columns = published.execute(query, [names]).fetchall()
        built = {(t, c): (kind, nullable) for t, c, kind, nullable, _ in
                 work.execute(query, [names]).fetchall()}
        tables = dict(published.execute(
            "select table_name, comment from duckdb_tables()").fetchall())
    finally:
        published.close()
        work.close()
    assert {t for t, *_ in columns} == set(names)
    for table in names:
        assert docs[table][0] and tables[table] == docs[table][0], table
    not_null = 0
    for table, column, kind, nullable, comment in columns:
        assert comment and comment == docs[table][1][column], (table, column)
        assert built[(table, column)] == (kind, nullable), (table, column)
        not_null += not nullable
    assert not_null > 100  # the contracts' NOT NULL constraints came along
    parquet = warehouse / "marts" / "fct_retention_kpis_monthly.parquet"
    metadata = {key.decode(): value.decode() for key, value in duckdb.sql(
        f"select key, value from parquet_kv_metadata('{parquet}')").fetchall()}
    assert metadata["description"] == docs["fct_retention_kpis_monthly"][0]
    assert json.loads(metadata["column_descriptions"]) == \
        docs["fct_retention_kpis_monthly"][1]


def test_bi_drivers_reflect_the_descriptions_read_only(clean_build):
    """Through SQLAlchemy and duckdb-engine, as Superset connects (read
    only): every published table and column comes with its description,
    money is DECIMAL(18, 4), no column is HUGEINT, and a read-only
    connection cannot write."""
    import sqlalchemy as sa  # noqa: PLC0415

    warehouse, target = clean_build
    docs = runner.published_docs(runner.read_manifest(target / "manifest.json"))
    engine = sa.create_engine(f"duckdb:///{warehouse / 'retention.duckdb'}",
                              connect_args={"read_only": True})
    try:
        inspector = sa.inspect(engine)
        assert set(inspector.get_table_names()) >= set(docs)
        for table, (description, columns) in docs.items():
            assert inspector.get_table_comment(table)["text"] == description
            reflected = inspector.get_columns(table)
            assert {c["name"]: c["comment"] for c in reflected} == columns, table
            assert not any("HUGEINT" in str(c["type"]).upper() for c in reflected)
        money = {c["name"]: str(c["type"]) for c in
                 inspector.get_columns("fct_customer_lifetime_value")}
        assert money["clv"] == money["current_mrr"] == "NUMERIC(18, 4)"
        with engine.connect() as con, pytest.raises(sa.exc.DBAPIError):
            con.execute(sa.text("create table scratch (a int)"))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def gate_inputs(clean_build, tmp_path_factory):
    warehouse, target = clean_build
    manifest = runner.read_manifest(target / "manifest.json")
    return (warehouse, runner.published_relations(manifest),
            runner.source_relations(manifest),
            runner.project_vars({"as_of_date": AS_OF}),
            runner.declared_columns(manifest),
            runner.model_relation(manifest, "stg_product__events"),
            runner.row_count_exempt(manifest))


def gate_failures(gate_inputs, tmp_path, breakage: str | None,
                  **overrides) -> list[str]:
    warehouse, relations, sources, settings, declared, events, exempt = \
        gate_inputs
    settings = {**settings, **overrides}
    tmp_path.mkdir(parents=True, exist_ok=True)
    work = tmp_path / "work.duckdb"
    shutil.copy(warehouse / "work.duckdb", work)
    if breakage:
        with duckdb.connect(str(work)) as con:
            con.execute(breakage)
    results, docs = run_gates(work, warehouse / "retention.duckdb", relations,
                              sources, settings, tmp_path / "quality", declared,
                              events, exempt)
    # Great Expectations' Data Docs: a page per table and gate ...
    ge_index = (docs.parent / "ge_index.html").read_text()
    assert "validations/publish__fct_retention_kpis_monthly/" in ge_index
    assert "validations/ingest__customers/" in ge_index
    # ... and the offline page: every expectation, nothing from a CDN
    page = docs.read_text()
    assert docs.name == "index.html" and "http://" not in page
    assert "https://" not in page and "<script" not in page
    assert page.count("<tr data-outcome=") == sum(r.checked for r in results)
    assert all(result.checked > 50 for result in results)
    return [f for result in results for f in result.failures]


def test_gates_pass_on_the_published_build(gate_inputs, tmp_path):
    assert gate_failures(gate_inputs, tmp_path, None) == []


def test_sampled_tables_keep_exact_counts_and_freshness(gate_inputs, tmp_path):
    """With every table above gate_sample_rows and every export above
    ingest_gate_sample_rows, rows are sampled but the
    profile's row count and latest event are exact: a clean build passes,
    a stale events export and a shrunken mart still fail."""
    assert gate_failures(gate_inputs, tmp_path / "clean", None,
                         gate_sample_rows=50, ingest_gate_sample_rows=50) == []
    failures = gate_failures(
        gate_inputs, tmp_path / "broken",
        "update main.base_product__events set occurred_at = '2025-01-01'; "
        "delete from main.fct_engagement_daily where date_day < '2025-10-01'; "
        "update main.fct_engagement_daily set dau_mau_ratio = 1.5",
        gate_sample_rows=50, ingest_gate_sample_rows=50)
    assert any("events__profile.occurred_at_max" in f for f in failures), failures
    assert any("fct_engagement_daily.dau_mau_ratio" in f for f in failures)
    assert any("fct_engagement_daily__profile.row_count" in f for f in failures)


# one fault per table and check, all in one copy and one run of the gates
# (they report every failure, not the first): the statement, then the
# failure it must cause
BREAKAGES = [
    ("update main.fct_retention_kpis_monthly set customer_churn_rate = 1.5 "
     "where date_month = (select min(date_month) "
     "from main.fct_retention_kpis_monthly)",
     "publish gate: fct_retention_kpis_monthly.customer_churn_rate: "
     "expect_column_values_to_be_between"),
    # a mart of which the gate reads only the rate columns
    ("update main.fct_engagement_daily set dau_mau_ratio = 1.5",
     "publish gate: fct_engagement_daily.dau_mau_ratio: "
     "expect_column_values_to_be_between"),
    ("update main.fct_retention_kpis_monthly set nrr_monthly = 0.2 "
     "where is_complete_period",
     "publish gate: fct_retention_kpis_monthly__recent_complete.nrr_monthly"),
    ("delete from main.fct_customer_mrr_monthly where customer_id not like '%0'",
     "publish gate: fct_customer_mrr_monthly__profile.row_count: "
     "expect_column_values_to_be_between"),
    ("alter table main.fct_cohort_retention_monthly "
     "rename column logo_retention_rate to logo_retention",
     "publish gate: fct_cohort_retention_monthly"),
    ("delete from raw_files.customers",
     "ingest gate: customers__profile.row_count: "
     "expect_column_values_to_be_between"),
    ("update main.base_product__events set occurred_at = '2025-01-01'",
     "ingest gate: events__profile.occurred_at_max"),
]


def test_each_broken_table_fails_its_gate(gate_inputs, tmp_path):
    """Every fault is reported under its table and check; the clean build
    passes the same gates (test_gates_pass_on_the_published_build)."""
    failures = gate_failures(gate_inputs, tmp_path,
                             "; ".join(breakage for breakage, _ in BREAKAGES))
    missing = [expected for _, expected in BREAKAGES
               if not any(expected in failure for failure in failures)]
    assert missing == [], failures


def test_no_table_that_had_rows_drops_to_none(gate_inputs, tmp_path):
    """Even with the row-count tolerance off (a deliberate change of data
    set), an export or a mart that had rows at the last publish and has
    none now stops the publish: an empty system must not read as customers
    who did nothing."""
    failures = gate_failures(
        gate_inputs, tmp_path,
        "delete from raw_files.survey_responses; "
        "delete from main.fct_support_monthly",
        publish_row_count_tolerance=None)
    assert any("ingest gate: survey_responses__profile.row_count" in f
               for f in failures), failures
    assert any("publish gate: fct_support_monthly__profile.row_count" in f
               for f in failures), failures


def test_fitted_parameters_may_change_in_number_but_never_vanish(
        gate_inputs, tmp_path):
    """One quarantined order can make a segment's fit unidentified: the
    parameter table losing most of its rows is no truncated data, so the
    row-count gate lets it pass; losing all of them still fails."""
    assert "clv_model_parameters" in gate_inputs[-1]
    failures = gate_failures(
        gate_inputs, tmp_path / "fewer",
        "delete from main.clv_model_parameters where parameter != 'r'; "
        "delete from main.fct_customer_mrr_monthly "
        "where customer_id not like '%0'")
    assert not any("clv_model_parameters__profile" in f for f in failures)
    assert any("fct_customer_mrr_monthly__profile.row_count" in f
               for f in failures), failures
    failures = gate_failures(gate_inputs, tmp_path / "none",
                             "delete from main.clv_model_parameters")
    assert any("clv_model_parameters__profile.row_count" in f
               for f in failures), failures


def test_the_gates_command_checks_a_built_warehouse(clean_build, tmp_path,
                                                    monkeypatch, capsys):
    """`python -m retention_lib.gates` (used by make bench) on a copy of the
    clean build, given a relative folder: both gates pass, exit 0."""
    warehouse, target = clean_build
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("work.duckdb", "retention.duckdb"):
        shutil.copy(warehouse / name, copy / name)
    monkeypatch.chdir(tmp_path)
    from retention_lib.gates import main  # noqa: PLC0415

    assert main(["--warehouse", "copy", "--manifest",
                 str(target / "manifest.json")]) == 0
    out = capsys.readouterr().out
    assert "publish gate:" in out and "0 failed" in out and "peak RSS" in out
    assert (copy / "quality" / "index.html").exists()
