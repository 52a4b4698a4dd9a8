"""Incremental validation and engagement equal a full refresh, late
events and newly quarantined rows included.

Build 1 sees the events up to day T, minus a share of the events of the two
days before T (they arrive late), and lacks one user (that user's events
are orphans). Build 2 sees every event and runs incrementally; by then
- some events of an old day (long before the lookback window) have become
  invalid (quarantined as orphans), and every event of another old day is
  unparseable (the day vanishes);
- some old events are gone from the export, one old event has a new row
  with the same key (both are duplicate_key now) and another an exact copy
  (copies 2);
- the missing user has arrived (their events become good) and another user
  is gone (their events, good in build 1 and unchanged, become orphans).
It must pick up the new days and the late events, and drop what was
quarantined; rows that nothing touched are kept as build 1 validated them
(not validated again). Build 3 is a full refresh of the same data; the
validated events, the user-day table, the daily mart and the weekly health
inputs (whose old snapshots read the changed users and events, so the
incremental run must compute them all again) must be identical to build
2's."""

from __future__ import annotations

import json
import shutil
import subprocess

import duckdb
import pandas as pd
import pytest

from conftest import mark_oldest_snapshot
from retention_lib import cli, runner

pytestmark = pytest.mark.dbt
SELECTION = "+fct_engagement_daily +int_health_inputs_aggregated_to_customer_week"
# the folder in the environment, as the CLI passes it: the vars stay the
# same from one folder to the next, so dbt reuses its parse
VARS = {"raw_dir": "$RETENTION_RAW_DIR"}


def dbt_build(warehouse, target, raw_dir, *extra, data_tests: bool = True
              ) -> subprocess.CompletedProcess:
    """`dbt build` of SELECTION, without the unit tests (as the CLI builds
    in the tests: see conftest.cli_env) and, unless data_tests, without
    the data tests: the first build only sets the stage, and the full
    refresh must equal the incremental build, whose data tests ran."""
    env = runner.dbt_env(warehouse, DBT_TARGET_PATH=target, DBT_TARGET="dev",
                         DBT_EXCLUDE_RESOURCE_TYPES="unit_test"
                         if data_tests else "unit_test test",
                         RETENTION_RAW_DIR=raw_dir)
    dbt_vars = {**VARS, "as_of_date": "2025-12-31"}
    result = runner.run_dbt(
        ["build", "-s", *SELECTION.split(), "--indirect-selection", "cautious",
         "--vars", json.dumps(dbt_vars), *extra], env, capture=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:]
    return result


def snapshot(warehouse) -> dict[str, pd.DataFrame]:
    con = duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)
    try:
        return {
            # every column orders the rows: the rows of a repeated key
            # carry no raw_row_hash (validated again every run), so key
            # and hash alone left their order to the engine's threads
            "validated": con.execute(
                """select * exclude (raw_values), raw_values
                   from base_product__events order by all"""
            ).df(),
            "user_days": con.execute(
                """select * from int_events_aggregated_to_user_day
                   order by user_id, activity_date""").df(),
            "engagement": con.execute(
                "select * from fct_engagement_daily order by date_day").df(),
            "health_inputs": con.execute(
                """select * from int_health_inputs_aggregated_to_customer_week
                   order by snapshot_date, customer_id""").df(),
        }
    finally:
        con.close()


def mark_row(warehouse, event_id: str, feature: str) -> str:
    """Set the feature of a validated event; return the one it had."""
    con = duckdb.connect(str(warehouse / "work.duckdb"))
    try:
        (was,) = con.execute("select feature from base_product__events "
                             "where row_key = ?", [event_id]).fetchone()
        con.execute("update base_product__events set feature = ? "
                    "where row_key = ?", [feature, event_id])
        return was
    finally:
        con.close()


def inject_user_day_faults(warehouse) -> None:
    """Two bad rows in the user-day table: a copy of a row an earlier run
    wrote (a repeated key among the old rows) and a row without an account
    written by the latest run."""
    con = duckdb.connect(str(warehouse / "work.duckdb"))
    try:
        con.execute("""
            insert into int_events_aggregated_to_user_day
            select * from int_events_aggregated_to_user_day
            where built_at < (select max(built_at)
                              from int_events_aggregated_to_user_day)
            limit 1""")
        con.execute("""
            insert into int_events_aggregated_to_user_day
            select * replace ('usr_new_fault' as user_id,
                              null as customer_id)
            from int_events_aggregated_to_user_day
            where built_at = (select max(built_at)
                              from int_events_aggregated_to_user_day)
            limit 1""")
    finally:
        con.close()


def data_test_failures(warehouse, target, raw_dir, rows: str) -> set[str]:
    """The data tests of the user-day model that fail when they check
    `rows` (RETENTION_DATA_TESTS: new_rows or all_rows)."""
    env = runner.dbt_env(warehouse, DBT_TARGET_PATH=target, DBT_TARGET="dev",
                         RETENTION_DATA_TESTS=rows, RETENTION_RAW_DIR=raw_dir)
    dbt_vars = {**VARS, "as_of_date": "2025-12-31"}
    runner.run_dbt(["test", "-s", "int_events_aggregated_to_user_day",
                    "--indirect-selection", "cautious",
                    "--exclude-resource-type", "unit_test",
                    "--vars", json.dumps(dbt_vars)], env, capture=True,
                   timeout=600)
    results = [r for r in json.loads(
        (target / "run_results.json").read_text())["results"]
        if r["unique_id"].startswith("test.")]
    batch = [r for r in results
             if r["unique_id"].split(".")[2].startswith("batched_data_tests_")]
    results = [r for r in results if r not in batch]
    assert len(results) == 4, results  # the model's four data tests
    failing = {r["unique_id"].split(".")[2] for r in results
               if r["status"] != "pass"}
    # the model's batch (all four tests in one query, as `make run` runs
    # them) checks the same rows and finds the same failures
    assert [r["status"] for r in batch] == ["fail" if failing else "pass"]
    assert {test for _, test, _ in cli.failing_batched_tests(
        warehouse / "work.duckdb", target, "run_results.json",
        "manifest.json")} == failing
    return failing


def test_incremental_run_equals_full_refresh(small_csv_set, tmp_path):
    events = pd.read_csv(small_csv_set / "events.csv", dtype=str,
                         keep_default_na=False)
    occurred = pd.to_datetime(events["occurred_at"])
    cutoff = occurred.max().normalize() - pd.Timedelta(days=10)
    late_window = (occurred >= cutoff - pd.Timedelta(days=2)) & (occurred < cutoff)
    late = late_window & (events.index % 3 == 0)
    assert late.sum() > 20
    first = tmp_path / "raw_first"
    shutil.copytree(small_csv_set, first)
    events[(occurred < cutoff) & ~late].to_csv(first / "events.csv", index=False)

    users = pd.read_csv(small_csv_set / "users.csv", dtype=str,
                        keep_default_na=False)
    counts = events["user_id"].value_counts()
    arriving, leaving = counts.index[3], counts.index[4]
    users[users["user_id"] != arriving].to_csv(first / "users.csv", index=False)

    # by the second build, rows of old days have become bad
    second = tmp_path / "raw_second"
    shutil.copytree(small_csv_set, second)
    users[users["user_id"] != leaving].to_csv(second / "users.csv", index=False)
    day = occurred.dt.normalize()
    orphaned_day = cutoff - pd.Timedelta(days=40)
    vanished_day = cutoff - pd.Timedelta(days=60)
    vanished_date = vanished_day.tz_localize(None)
    orphaned = (day == orphaned_day) & (events.index % 2 == 0)
    vanished = day == vanished_day
    assert orphaned.sum() > 5 and vanished.sum() > 5
    changed = events.copy()
    changed.loc[orphaned, "user_id"] = "usr_gone"
    changed.loc[vanished, "occurred_at"] = "not a time"
    old_rows = changed.index[(occurred < cutoff - pd.Timedelta(days=80))
                             & (changed["user_id"] != leaving)
                             & (changed["user_id"] != arriving)]
    removed, repeated, copied, marked = (old_rows[:5], old_rows[10],
                                          old_rows[11], old_rows[12])
    clash = changed.loc[[repeated]].assign(feature="another feature")
    changed = pd.concat([changed.drop(removed), clash, changed.loc[[copied]]])
    changed.to_csv(second / "events.csv", index=False)

    warehouse, target = tmp_path / "warehouse", tmp_path / "target"
    warehouse.mkdir()
    dbt_build(warehouse, target, first, data_tests=False)
    first_build = snapshot(warehouse)
    before = first_build["user_days"]
    assert (before["activity_date"] == vanished_date).any()
    validated = first_build["validated"].set_index("row_key")
    arriving_events = validated[validated["user_id"] == arriving]
    assert (arriving_events["quarantine_reason"]
            == "orphan_reference:user_id").all()
    # a good row nothing touches is kept as it is, not validated again: a
    # mark put on it survives the incremental build (and is taken off)
    marked_key = events.loc[marked, "event_id"]
    assert pd.isna(validated.loc[marked_key, "quarantine_reason"])
    original = mark_row(warehouse, marked_key, "marked")
    # old snapshots read what changed (users, old events): the checksum of
    # the health inputs differs and every snapshot is computed again
    mark_oldest_snapshot(warehouse, -1)
    dbt_build(warehouse, target, second)
    now_held = mark_oldest_snapshot(warehouse, 0)
    mark_oldest_snapshot(warehouse, now_held)  # read, left as it is
    assert now_held != -1
    for model, branch in (("int_events_aggregated_to_user_day", "loaded_days"),
                          ("base_product__events", "new_raw_rows")):
        compiled = next((target / "compiled").rglob(f"{model}.sql")).read_text()
        assert branch in compiled, model  # the incremental branch ran
    assert mark_row(warehouse, marked_key, original) == "marked"
    incremental = snapshot(warehouse)
    now = incremental["validated"].set_index("row_key")
    assert (now.loc[arriving_events.index, "quarantine_reason"].isna()).all()
    assert (now.loc[now["user_id"] == leaving, "quarantine_reason"]
            == "orphan_reference:user_id").all()
    assert (now.loc[events.loc[repeated, "event_id"], "quarantine_reason"]
            == "duplicate_key:event_id").all()
    assert now.loc[events.loc[copied, "event_id"], "copies"] == 2
    assert not now.index.isin(events.loc[removed, "event_id"]).any()
    assert len(incremental["user_days"]) > len(before)
    assert not (incremental["user_days"]["activity_date"]
                == vanished_date).any()
    # built_at names the run that wrote a row: the kept row keeps build 1's
    # (the marker of the rows a daily run's data tests may check alone)
    first_run, second_run = (validated["built_at"].max(),
                             now["built_at"].max())
    assert second_run > first_run
    assert now.loc[marked_key, "built_at"] == first_run
    assert (now.loc[arriving_events.index, "built_at"] == second_run).all()
    assert data_test_failures(warehouse, target, second, "new_rows") == set()
    inject_user_day_faults(warehouse)
    assert data_test_failures(warehouse, target, second, "new_rows") == {
        "not_null_int_events_aggregated_to_user_day_customer_id"}
    assert data_test_failures(warehouse, target, second, "all_rows") == {
        "not_null_int_events_aggregated_to_user_day_customer_id",
        "unique_combination_of_columns_int_events_aggregated_to_user_day_"
        "user_id__activity_date"}

    dbt_build(warehouse, target, second, "--full-refresh", data_tests=False)
    full = snapshot(warehouse)
    for name in ("validated", "user_days", "engagement", "health_inputs"):
        # every column but the run that wrote the row
        pd.testing.assert_frame_equal(
            incremental[name].drop(columns="built_at", errors="ignore")
            .reset_index(drop=True),
            full[name].drop(columns="built_at", errors="ignore")
            .reset_index(drop=True), check_exact=True, obj=name)


def test_changed_contract_or_old_table_validates_every_row(small_csv_set,
                                                           tmp_path):
    """Rows are kept only while what their result depends on is unchanged:
    a var a rule reads (the contract fingerprint) or a table built before
    incremental validation sends every row through validation again."""
    warehouse, target = tmp_path / "warehouse", tmp_path / "target"
    warehouse.mkdir()
    event_id = pd.read_csv(small_csv_set / "events.csv", dtype=str,
                           nrows=1)["event_id"][0]

    def build(**extra_vars) -> None:
        env = runner.dbt_env(warehouse, DBT_TARGET_PATH=target, DBT_TARGET="dev")
        dbt_vars = {"raw_dir": str(small_csv_set), "as_of_date": "2025-12-31",
                    **extra_vars}
        result = runner.run_dbt(
            ["run", "-s", "+base_product__events", "--vars", json.dumps(dbt_vars)],
            env, capture=True, timeout=600)
        assert result.returncode == 0, result.stdout[-4000:]

    build()
    original = mark_row(warehouse, event_id, "marked")
    build()  # nothing changed: the mark stays
    assert mark_row(warehouse, event_id, "marked") == "marked"
    build(earliest_plausible_date="1991-01-01")
    assert mark_row(warehouse, event_id, "marked") == original
    con = duckdb.connect(str(warehouse / "work.duckdb"))
    con.execute("alter table base_product__events drop raw_row_hash")
    con.execute("alter table base_product__events drop contract_fingerprint")
    con.close()
    build(earliest_plausible_date="1991-01-01")
    assert mark_row(warehouse, event_id, original) == original
    con = duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)
    assert con.execute("select count(*) from base_product__events "
                       "where contract_fingerprint is null").fetchone()[0] == 0
    con.close()
