"""Incremental engagement equals a full refresh, late events and newly
quarantined rows included.

Build 1 sees the events up to day T, minus a share of the events of the two
days before T (they arrive late). Build 2 sees every event and runs
incrementally; by then some events of an old day (long before the lookback
window) have become invalid (quarantined as orphans), and every event of
another old day is unparseable (the day vanishes). It must pick up the new
days and the late events, and drop what was quarantined. Build 3 is a full
refresh of the same data; the user-day table and the daily mart must be
identical to build 2's."""

from __future__ import annotations

import json
import shutil
import subprocess

import duckdb
import pandas as pd
import pytest

from retention_lib import runner

pytestmark = pytest.mark.dbt
SELECTION = "+fct_engagement_daily"


def dbt_build(warehouse, target, raw_dir, *extra) -> subprocess.CompletedProcess:
    env = runner.dbt_env(warehouse, DBT_TARGET_PATH=target, DBT_TARGET="dev")
    dbt_vars = {"raw_dir": str(raw_dir), "as_of_date": "2025-12-31"}
    result = runner.run_dbt(
        ["build", "-s", SELECTION, "--indirect-selection", "cautious",
         "--vars", json.dumps(dbt_vars), *extra], env, capture=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:]
    return result


def snapshot(warehouse) -> dict[str, pd.DataFrame]:
    con = duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)
    try:
        return {
            "user_days": con.execute(
                """select * from int_events_aggregated_to_user_day
                   order by user_id, activity_date""").df(),
            "engagement": con.execute(
                "select * from fct_engagement_daily order by date_day").df(),
        }
    finally:
        con.close()


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

    # by the second build, rows of old days have become bad
    second = tmp_path / "raw_second"
    shutil.copytree(small_csv_set, second)
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
    changed.to_csv(second / "events.csv", index=False)

    warehouse, target = tmp_path / "warehouse", tmp_path / "target"
    warehouse.mkdir()
    dbt_build(warehouse, target, first)
    before = snapshot(warehouse)["user_days"]
    assert (before["activity_date"] == vanished_date).any()
    dbt_build(warehouse, target, second)
    compiled = next((target / "compiled").rglob(
        "int_events_aggregated_to_user_day.sql")).read_text()
    assert "loaded_days" in compiled  # the incremental branch ran
    incremental = snapshot(warehouse)
    assert len(incremental["user_days"]) > len(before)
    assert not (incremental["user_days"]["activity_date"]
                == vanished_date).any()

    dbt_build(warehouse, target, second, "--full-refresh")
    full = snapshot(warehouse)
    for name in ("user_days", "engagement"):
        pd.testing.assert_frame_equal(
            incremental[name].reset_index(drop=True),
            full[name].reset_index(drop=True), check_exact=True, obj=name)
