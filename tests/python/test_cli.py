"""Var merging and publishing helpers of retention_lib.cli (no dbt run)."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from retention_lib.cli import build_vars, publish


def test_vars_merge_raw_dir_as_of_and_free_vars(tmp_path):
    merged = build_vars(str(tmp_path), "2025-06-30", "{ces_scale_max: 10}")
    assert merged == {"raw_dir": str(tmp_path.resolve()),
                      "as_of_date": "2025-06-30", "ces_scale_max": 10}
    assert build_vars(None, None, None) == {}


def test_vars_must_be_a_mapping():
    with pytest.raises(SystemExit, match="VARS must be a YAML mapping"):
        build_vars(None, None, "[1, 2]")


def test_raw_dir_must_exist(tmp_path):
    with pytest.raises(SystemExit, match="is not a folder"):
        build_vars(str(tmp_path / "nope"), None, None)


def test_publish_swaps_database_and_parquet_and_keeps_readers(tmp_path):
    work = tmp_path / "work.duckdb"
    with duckdb.connect(str(work)) as con:
        con.execute("create table main.dim_x as select 1 as customer_id")
    publish(work, tmp_path, [("main", "dim_x")])
    reader = duckdb.connect(str(tmp_path / "retention.duckdb"), read_only=True)
    assert reader.execute("select * from dim_x").fetchall() == [(1,)]
    with duckdb.connect(str(work)) as con:
        con.execute("create or replace table main.dim_x as select 2 as customer_id")
    publish(work, tmp_path, [("main", "dim_x")])
    # the open reader still sees its snapshot; a new reader (another process,
    # as a BI tool is: DuckDB shares one instance per path within a process)
    # sees the new one
    assert reader.execute("select * from dim_x").fetchall() == [(1,)]
    code = ("import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True);"
            " print(c.execute('select * from dim_x').fetchone()[0])")
    new = subprocess.run([sys.executable, "-c", code,
                          str(tmp_path / "retention.duckdb")],
                         capture_output=True, text=True, check=True)
    assert new.stdout.strip() == "2"
    # storage format v1.1 (version number 64): DuckDB 1.x based BI tools can
    # open the file; DuckDB 2 writes a format they cannot read by default
    header = (tmp_path / "retention.duckdb").read_bytes()[8:20]
    assert header[:4] == b"DUCK"
    assert int.from_bytes(header[4:], "little") == 64
    parquet = tmp_path / "marts" / "dim_x.parquet"
    assert duckdb.sql(f"select * from '{parquet}'").fetchall() == [(2,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "marts", "retention.duckdb", "work.duckdb"]
