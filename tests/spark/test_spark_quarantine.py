"""Bad raw values on Spark: the same rows that DuckDB quarantines are
quarantined here, under the same reason and column, with the same masked
raw values; a padded key stages; a timestamp with an offset becomes UTC.
Spark's casts return NULL silently (ANSI mode off), so this proves the
validation never depends on a cast error.

Spark tables take no UPDATE or DELETE: the faulty copy of the raw exports
(schema raw_faults) is made by one CREATE TABLE AS per export, with the
changes written in and the bad rows added (UNION ALL). The validation
models are built on the faulty exports into schemas of their own
(RETENTION_SPARK_SCHEMA=faults: faults_staging, ...), over a copy of the
user-day table the suite's build made from the clean exports, so that the
run is incremental for it
(partition overwrite); the same exports, read back as CSV, run through
DuckDB (RAW_DIR) meanwhile and the two quarantines are compared."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from engine_parity import (
    FAULTS,
    KEYS,
    ORDER_QUERY,
    ORPHANED_EVENTS,
    QUARANTINE_QUERY,
    SELECTION,
    check_quarantine,
    duckdb_fault_build,
)
from retention_lib import runner

PREFIX = "faults"
USER_DAYS = f"{PREFIX}_intermediate.int_events_aggregated_to_user_day"


def literal(value: str) -> str:
    """A Spark string literal (backslash escapes)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def csv_field(value) -> str:
    """As PostgreSQL's COPY ... force_quote * writes it: NULL unquoted."""
    if value is None:
        return ""
    return '"' + str(value).replace('"', '""') + '"'


def columns(cursor, table: str) -> list[str]:
    cursor.execute(f"select * from raw_files.{table} limit 0")
    return [d[0].split(".")[-1] for d in cursor.description]


# columns rewritten in the copy: (export, column) -> expression over the
# original row `r` and the helper relation `h` joined for that export
CHANGES = {
    # a valid key padded with a tab and a no-break space (U+00A0)
    ("invoices", "customer_id"): (
        "case when r.invoice_id = h.first_id "
        "then concat(chr(9), r.customer_id, chr(160)) else r.customer_id end",
        "cross join (select min(invoice_id) as first_id from raw_files.invoices) h"),
    # a valid timestamp with a +02:00 offset
    ("orders", "ordered_at"): (
        "case when r.order_id = h.first_id "
        "then '2025-03-01T10:00:00+02:00' else r.ordered_at end",
        "cross join (select min(order_id) as first_id from raw_files.orders) h"),
    # old events whose user vanished: orphans, once counted by user-day
    ("events", "user_id"): (
        "case when h.event_id is null then r.user_id else 'usr_gone' end",
        "left join (select event_id from raw_files.events where event_name != 'login' "
        f"order by occurred_at limit {ORPHANED_EVENTS}) h "
        "on r.event_id = h.event_id"),
}


@pytest.fixture(scope="module")
def faults(cursor, settings, tmp_path_factory):
    folder = tmp_path_factory.mktemp("raw_faults")
    cursor.execute("drop database if exists raw_faults cascade")
    cursor.execute("create database raw_faults")
    # the exports as the suite's build loaded them: a view with the
    # contract's names over each file's table (raw_files.<export>__file)
    cursor.execute("show views in raw_files")
    tables = [row[1] for row in cursor.fetchall()]
    for table in tables:
        names = columns(cursor, table)
        changed = {column: CHANGES[(table, column)] for column in names
                   if (table, column) in CHANGES}
        select = ", ".join(f"{changed[c][0]} as {c}" if c in changed else f"r.{c}"
                           for c in names)
        joins = " ".join(join for _, join in changed.values())
        # each bad row: the export's first row with the fault's values
        # written in (every raw column is text), added in the same
        # statement: one Spark job per export, not one per bad row
        bad_rows = ""
        for export, key, overrides, _, _ in FAULTS:
            if export != table:
                continue
            values = {**({KEYS[export]: key} if KEYS[export] else {}), **overrides}
            bad = ", ".join(literal(values[c]) if c in values else c for c in names)
            bad_rows += (f" union all (select {bad} from raw_files.{table} "
                         f"order by {names[0]} limit 1)")
        cursor.execute(f"create table raw_faults.{table} as "
                       f"select {select} from raw_files.{table} r {joins}{bad_rows}")
    for table in tables:
        cursor.execute(f"select * from raw_faults.{table}")
        header = [d[0].split(".")[-1] for d in cursor.description]
        with open(folder / f"{table}.csv", "w", encoding="utf-8") as handle:
            handle.write(",".join(header) + "\n")
            for row in cursor.fetchall():
                handle.write(",".join(csv_field(v) for v in row) + "\n")

    # the user-day table as the suite's build left it from the clean
    # exports (same data as raw), marked: the run on the faults must find
    # it and overwrite partitions, not rebuild it (the mark survives)
    cursor.execute(f"create database if not exists {PREFIX}_intermediate")
    cursor.execute(f"drop table if exists {USER_DAYS}")
    cursor.execute(f"""create table {USER_DAYS} using parquet
                       partitioned by (activity_month)
                       tblproperties ('retention.test' = 'clean build')
                       as select *
                       from intermediate.int_events_aggregated_to_user_day""")
    env = runner.dbt_env(tmp_path_factory.mktemp("spark_warehouse"),
                         DBT_TARGET="spark", RETENTION_SPARK_SCHEMA=PREFIX,
                         DBT_TARGET_PATH=tmp_path_factory.mktemp("spark_target"))
    # the DuckDB build of the same files runs meanwhile (its own process)
    with ThreadPoolExecutor(1) as pool:
        duckdb_build = pool.submit(duckdb_fault_build, folder, tmp_path_factory)
        result = runner.run_dbt(["run", *SELECTION, "--vars", json.dumps({
            "raw_schema": "raw_faults", "as_of_date": "2025-12-31"})], env,
            capture=True, timeout=900)
        assert result.returncode == 0, result.stdout[-4000:]
        duckdb_rows, duckdb_order = duckdb_build.result()
    cursor.execute(f"show tblproperties {USER_DAYS} ('retention.test')")
    mark = cursor.fetchall()
    cursor.execute(QUARANTINE_QUERY.format(f"{PREFIX}_utilities.util_quarantined_rows"))
    spark_rows = [tuple(row) for row in cursor.fetchall()]
    cursor.execute(ORDER_QUERY.format(f"{PREFIX}_staging.stg_commerce__orders"))
    spark_order = cursor.fetchone()
    cursor.execute(f"""select customer_id from {PREFIX}_staging.stg_billing__invoices
                       where invoice_id = (
                           select min(invoice_id) from raw_files.invoices)""")
    padded = cursor.fetchone()
    cursor.execute(f"""select
        (select sum(event_count)
         from {PREFIX}_intermediate.int_events_aggregated_to_user_day),
        (select count(*) from {PREFIX}_staging.stg_product__events
         where event_name not in ('login'))""")
    user_day_events = cursor.fetchone()
    yield (spark_rows, duckdb_rows, spark_order, duckdb_order, padded,
           user_day_events, mark)
    for schema in ("staging", "intermediate", "utilities", "marts"):
        cursor.execute(f"drop database if exists {PREFIX}_{schema} cascade")
    cursor.execute("drop database if exists raw_faults cascade")


def test_every_bad_value_is_quarantined_under_its_reason(faults):
    check_quarantine(faults[0])


def test_spark_and_duckdb_quarantine_the_same_rows_the_same_way(faults):
    assert faults[0] == faults[1]


def test_incremental_user_days_drop_newly_quarantined_events(faults):
    """The run is incremental (the user-day table exists, built from the
    clean exports, and is not replaced: its mark is still there): the
    partitions of the months whose events changed are overwritten."""
    loaded, staged = faults[5]
    assert loaded == staged
    assert [tuple(row)[-1] for row in faults[6]] == ["clean build"], faults[6]


def test_padded_keys_stage_and_offsets_become_utc(faults):
    _, _, spark_order, duckdb_order, padded, *_ = faults
    assert str(spark_order[1])[:19] == "2025-03-01 08:00:00"
    assert spark_order[0] == duckdb_order[0]
    assert padded is not None and padded[0] == padded[0].strip()
    assert "\t" not in padded[0] and "\u00a0" not in padded[0]
    assert os.environ["RETENTION_SPARK_PORT"]
