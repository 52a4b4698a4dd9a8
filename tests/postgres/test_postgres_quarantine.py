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

import duckdb
import pytest

from conftest import connect
from retention_lib import runner

DATABASE = "retention_faults"
# a base table rebuilt on PostgreSQL drops its staging view (cascade): the
# views read here are selected too
SELECTION = ["-s", "+util_quarantined_rows", "+stg_commerce__orders",
             "+stg_billing__invoices", "+int_events_aggregated_to_user_day"]
ORPHANED_EVENTS = 3  # old events whose user vanished: quarantined
PERSONAL_TEXT = "ring +44 20 7946 0958 or mail ann@example.org (Ann Smith)"
# (export, key, overrides of the export's first row, reason, column)
FAULTS = [
    ("invoices", "inv_huge", {"total": "123456789012345678901.00"},
     "out_of_range", "total"),
    ("invoices", "inv_1900", {"currency": "GBP",
                              "issued_at": "1900-01-05T00:00:00Z"},
     "no_fx_rate", "issued_at"),
    ("invoices", "inv_sum", {"subtotal": "100.00", "discount": "0.00",
                             "tax": "0.00", "total": "90.00"},
     "inconsistent_amounts", "total"),
    ("invoices", "inv_when", {"issued_at": "yesterday"}, "unparseable",
     "issued_at"),
    ("invoice_line_items", "li_negative",
     {"line_type": "subscription", "amount": "-58.00",
      "discount_amount": "0.00"}, "out_of_range", "amount"),
    ("invoice_line_items", "li_2099", {"line_type": "subscription",
                                       "period_end": "2099-01-01T00:00:00Z"},
     "invalid_period", "period_end"),
    ("invoice_line_items", "li_ccy", {"currency": "JPY"}, "unknown_currency",
     "currency"),
    ("invoice_line_items", "li_qty", {"quantity": "12345678901234567890"},
     "out_of_range", "quantity"),
    ("subscriptions", "sub_cancel", {"canceled_at": "2000-01-01T00:00:00Z"},
     "inconsistent_dates", "canceled_at"),
    ("subscriptions", "sub_seats", {"quantity": "2.5"}, "unparseable",
     "quantity"),
    ("customers", "cus_feb30", {"created_at": "2024-02-30T10:00:00Z"},
     "unparseable", "created_at"),
    ("customers", "cus_hour", {"created_at": "2024-02-10T25:00:00Z"},
     "unparseable", "created_at"),
    ("customers", "cus_year0", {"created_at": "0000-01-01T00:00:00Z"},
     "unparseable", "created_at"),
    ("customers", "cus_offset", {"created_at": "2024-02-10T10:00:00+25:00"},
     "unparseable", "created_at"),
    ("invoices", "inv_old_usd", {"currency": "USD",
                                 "issued_at": "1900-01-05T00:00:00Z"},
     "out_of_range", "issued_at"),
    ("invoice_line_items", "li_neg_qty", {"quantity": "-2"}, "out_of_range",
     "quantity"),
    ("survey_responses", "rsp_huge", {"score": "12345678901234567890"},
     "out_of_range", "score"),
    ("survey_responses", "rsp_pii", {"score": "ten", "comment": PERSONAL_TEXT},
     "unparseable", "score"),
    ("payments", "pay_pii", {"amount": "Infinity",
                             "failure_reason": PERSONAL_TEXT},
     "unparseable", "amount"),
    ("marketing_spend", "2024-02-30|organic",
     {"spend_date": "2024-02-30", "channel": "organic"}, "unparseable",
     "spend_date"),
    ("fx_rates", "2025-02-29|EUR", {"rate_date": "2025-02-29",
                                    "currency": "EUR"},
     "unparseable", "rate_date"),
]
KEYS = {"invoices": "invoice_id", "invoice_line_items": "line_item_id",
        "subscriptions": "subscription_id", "customers": "customer_id",
        "survey_responses": "response_id", "payments": "payment_id",
        "marketing_spend": None, "fx_rates": None, "orders": "order_id"}


def dbt(env: dict, *args: str) -> None:
    result = runner.run_dbt(list(args), env, capture=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def columns(cur, table: str) -> list[str]:
    cur.execute("""select column_name from information_schema.columns
                   where table_schema = 'raw' and table_name = %s
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
                       where table_schema = 'raw'""")
        for (table,) in cur.fetchall():
            cur.execute(f"create table raw_faults.{table} as "
                        f"select * from raw.{table}")
        for export, key, overrides, _, _ in FAULTS:
            names = columns(cur, export)
            values = {**({KEYS[export]: key} if KEYS[export] else {}),
                      **overrides}
            select = ", ".join(literal(values[c]) if c in values else c
                               for c in names)
            cur.execute(f"insert into raw_faults.{export} select {select} "
                        f"from raw.{export} order by {names[0]} limit 1")
        # valid rows written differently: padded keys, a +02:00 offset
        cur.execute(r"""update raw_faults.invoices
                        set customer_id = E'\t' || customer_id || E'\u00a0'
                        where invoice_id = (select min(invoice_id)
                                            from raw.invoices)""")
        cur.execute("""update raw_faults.orders
                       set ordered_at = '2025-03-01T10:00:00+02:00'
                       where order_id = (select min(order_id) from raw.orders)""")
        # events the built user-day table counted, now orphans: the
        # incremental run must drop them although they are months old
        cur.execute(f"""update raw_faults.events set user_id = 'usr_gone'
                        where event_id in (
                            select event_id from raw.events
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
    dbt(env, "run", *SELECTION, "--vars", json.dumps({
        "raw_schema": "raw_faults", "as_of_date": "2025-12-31"}))
    query = """select export_name, row_key, reason, column_name, raw_values
               from {} order by 1, 2, 3, 4, 5"""
    orders = """select order_id, ordered_at from {}
                where order_id = (select min(order_id) from {})"""
    with connect(clone) as con, con.cursor() as cur:
        cur.execute(query.format("utilities.util_quarantined_rows"))
        postgres = cur.fetchall()
        cur.execute(orders.format("staging.stg_commerce__orders",
                                  "staging.stg_commerce__orders"))
        postgres_order = cur.fetchone()
        cur.execute("select customer_id from staging.stg_billing__invoices "
                    "where invoice_id = (select min(invoice_id) from raw.invoices)")
        padded = cur.fetchone()
        cur.execute("""select
            (select sum(event_count)
             from intermediate.int_events_aggregated_to_user_day),
            (select count(*) from staging.stg_product__events
             where event_name not in ('login'))""")
        user_day_events = cur.fetchone()

    warehouse = tmp_path_factory.mktemp("duck_faults")
    dbt(runner.dbt_env(warehouse, DBT_TARGET="dev",
                       DBT_TARGET_PATH=tmp_path_factory.mktemp("duck_target")),
        "run", *SELECTION, "--vars", json.dumps({
            "raw_dir": str(folder), "as_of_date": "2025-12-31"}))
    duck = duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)
    duckdb_rows = duck.execute(query.format("main.util_quarantined_rows")).fetchall()
    duckdb_order = duck.execute(orders.format(
        "main.stg_commerce__orders", "main.stg_commerce__orders")).fetchone()
    duck.close()
    return (postgres, duckdb_rows, postgres_order, duckdb_order, padded,
            user_day_events)


def test_every_bad_value_is_quarantined_under_its_reason(faults):
    postgres = faults[0]
    found = {(row[0], row[1]): (row[2], row[3]) for row in postgres}
    for export, key, _, reason, column in FAULTS:
        assert found.get((export, key)) == (reason, column), (export, key)
    orphans = [row for row in postgres if row[0] == "events"]
    assert len(orphans) == ORPHANED_EVENTS
    assert {(row[2], row[3]) for row in orphans} == {
        ("orphan_reference", "user_id")}
    assert len(postgres) == len(FAULTS) + ORPHANED_EVENTS, \
        "quarantined rows nobody injected"
    everything = " ".join(row[4] for row in postgres)
    for secret in ("ann@example.org", "7946", "Ann Smith"):
        assert secret not in everything


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
