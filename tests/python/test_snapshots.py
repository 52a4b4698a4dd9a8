"""Snapshots keep the history of customers and subscriptions: a customer
whose segment changes between two builds has two versions, the old one
closed (dbt_valid_to set) and the new one current."""

from __future__ import annotations

import json
import shutil

import duckdb
import pandas as pd
import pytest

from retention_lib import runner

pytestmark = pytest.mark.dbt


def build_snapshots(warehouse, raw):
    env = runner.dbt_env(warehouse, DBT_TARGET_PATH=warehouse / "target",
                         DBT_TARGET="dev")
    result = runner.run_dbt(
        ["build", "-s", "+snap_customers", "+snap_subscriptions",
         "--exclude", "resource_type:test", "resource_type:unit_test",
         "--vars", json.dumps({"raw_dir": str(raw), "as_of_date": "2025-12-31"})],
        env, capture=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]


def test_a_changed_segment_becomes_a_second_version(small_csv_set, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(small_csv_set, raw)
    warehouse = tmp_path / "warehouse"
    build_snapshots(warehouse, raw)
    customers = pd.read_csv(raw / "customers.csv", dtype=str,
                            keep_default_na=False)
    customer = customers.loc[0, "customer_id"]
    before = customers.loc[0, "segment"]
    after = "enterprise" if before != "enterprise" else "smb"
    customers.loc[0, "segment"] = after
    customers.to_csv(raw / "customers.csv", index=False)
    build_snapshots(warehouse, raw)
    con = duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)
    try:
        versions = con.execute("""
            select segment, dbt_valid_to is null as is_current
            from snap_customers where customer_id = ?
            order by dbt_valid_from""", [customer]).fetchall()
        others = con.execute("""
            select count(*) from snap_customers where customer_id != ?
            group by customer_id having count(*) > 1""", [customer]).fetchall()
        subscriptions = con.execute(
            "select count(*), count(distinct subscription_id) from snap_subscriptions"
        ).fetchone()
    finally:
        con.close()
    assert versions == [(before, False), (after, True)]
    assert others == []  # nothing else changed, nothing else versioned
    assert subscriptions[0] == subscriptions[1] > 100
