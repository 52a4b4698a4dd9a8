"""Bad raw values on PostgreSQL: the same rows that DuckDB quarantines are
quarantined here, under the same reason and column, with the same masked
raw values; keys padded with tabs or no-break spaces stage; a timestamp
with an offset is converted to UTC. PostgreSQL has no try_cast, so this
proves the validation never depends on a cast error.

Works in a clone of the suite's database (retention_faults, made by
scripts/postgres_suite.sh from the built one), whose exports are copied to
schema raw_faults with one bad row per case appended; only the validation
models and the quarantine are built (`dbt run`), then the same exports run
through DuckDB (RAW_DIR) and the two quarantines are compared."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import connect
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

DATABASE = "retention_faults"


def dbt(env: dict, *args: str) -> None:
    result = runner.run_dbt(list(args), env, capture=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def columns(cur, table: str) -> list[str]:
    cur.execute("""select column_name from information_schema.columns
                   where table_schema = 'raw_files' and table_name = %s
                   order by ordinal_position""", [table])
    return [row[0] for row in cur.fetchall()]


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@pytest.fixture(scope="module")
def faults(settings, tmp_path_factory):
    """The exports with the bad rows, in raw_faults on PostgreSQL and as
    CSV files; both engines' quarantines and staged orders."""
    clone = {**settings, "dbname": DATABASE}
    folder = tmp_path_factory.mktemp("raw_faults")
    with connect(clone) as con, con.cursor() as cur:
        cur.execute("drop schema if exists raw_faults cascade; "
                    "create schema raw_faults")
        cur.execute("""select table_name from information_schema.tables
                       where table_schema = 'raw_files'""")
        for (table,) in cur.fetchall():
            cur.execute(f"create table raw_faults.{table} as "
                        f"select * from raw_files.{table}")
        for export, key, overrides, _, _ in FAULTS:
            names = columns(cur, export)
            values = {**({KEYS[export]: key} if KEYS[export] else {}),
                      **overrides}
            select = ", ".join(literal(values[c]) if c in values else c
                               for c in names)
            cur.execute(f"insert into raw_faults.{export} select {select} "
                        f"from raw_files.{export} order by {names[0]} limit 1")
        # valid rows written differently: padded keys, a +02:00 offset
        cur.execute(r"""update raw_faults.invoices
                        set customer_id = E'\t' || customer_id || E'\u00a0'
                        where invoice_id = (select min(invoice_id)
                                            from raw_files.invoices)""")
        cur.execute("""update raw_faults.orders
                       set ordered_at = '2025-03-01T10:00:00+02:00'
                       where order_id = (select min(order_id) from raw_files.orders)""")
        # events the built user-day table counted, now orphans: the
        # incremental run must drop them although they are months old
        cur.execute(f"""update raw_faults.events set user_id = 'usr_gone'
                        where event_id in (
                            select event_id from raw_files.events
                            where event_name != 'login'
                            order by occurred_at limit {ORPHANED_EVENTS})""")
        # the same exports as files, for the DuckDB build
        cur.execute("""select table_name from information_schema.tables
                       where table_schema = 'raw_faults'""")
        for (table,) in cur.fetchall():
            with open(folder / f"{table}.csv", "w", encoding="utf-8") as handle:
                cur.copy_expert(f"copy raw_faults.{table} to stdout "
                                "with (format csv, header true, force_quote *)",
                                handle)

    env = runner.dbt_env(tmp_path_factory.mktemp("pg_warehouse"),
                         RETENTION_PG_DATABASE=DATABASE, DBT_TARGET="postgres",
                         DBT_TARGET_PATH=tmp_path_factory.mktemp("pg_target"))
    # the DuckDB build of the same files runs meanwhile (its own process)
    with ThreadPoolExecutor(1) as pool:
        duckdb_build = pool.submit(duckdb_fault_build, folder, tmp_path_factory)
        dbt(env, "run", *SELECTION, "--vars", json.dumps({
            "raw_schema": "raw_faults", "as_of_date": "2025-12-31"}))
        duckdb_rows, duckdb_order = duckdb_build.result()
    query = QUARANTINE_QUERY
    with connect(clone) as con, con.cursor() as cur:
        cur.execute(query.format("utilities.util_quarantined_rows"))
        postgres = cur.fetchall()
        cur.execute(ORDER_QUERY.format("staging.stg_commerce__orders"))
        postgres_order = cur.fetchone()
        cur.execute("select customer_id from staging.stg_billing__invoices "
                    "where invoice_id = "
                    "(select min(invoice_id) from raw_files.invoices)")
        padded = cur.fetchone()
        cur.execute("""select
            (select sum(event_count)
             from intermediate.int_events_aggregated_to_user_day),
            (select count(*) from staging.stg_product__events
             where event_name not in ('login'))""")
        user_day_events = cur.fetchone()
    return (postgres, duckdb_rows, postgres_order, duckdb_order, padded,
            user_day_events)


def test_every_bad_value_is_quarantined_under_its_reason(faults):
    check_quarantine(faults[0])


def test_both_engines_quarantine_the_same_rows_the_same_way(faults):
    postgres, duckdb_rows = faults[0], faults[1]
    assert postgres == duckdb_rows


def test_incremental_user_days_drop_newly_quarantined_events(faults):
    """The clone's user-day table was built from the clean exports; the
    run on raw_faults is incremental (the table exists) and must match the
    staged events exactly, old days included."""
    loaded, staged = faults[5]
    assert loaded == staged


def test_padded_keys_stage_and_offsets_become_utc(faults):
    _, _, postgres_order, duckdb_order, padded, _ = faults
    assert str(postgres_order[1])[:19] == "2025-03-01 08:00:00"
    assert postgres_order[0] == duckdb_order[0]
    assert str(duckdb_order[1])[:19] == "2025-03-01 08:00:00"
    assert padded is not None and padded[0] == padded[0].strip()
    assert "\t" not in padded[0] and "\u00a0" not in padded[0]
