"""The engine suites (tests/postgres, tests/spark) compare every mart they
built with its twin in the DuckDB build of `make build-sample`: the same
columns, the same rows, numbers equal to 1e-9 relative. Each driver hands
values over in its own way (Decimal, float, text for decimals and dates on
Spark): every value is read by the kind of its DuckDB column first."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from decimal import Decimal

import duckdb

RELATIVE_TOLERANCE = 1e-9
NUMERIC = ("DECIMAL", "DOUBLE", "FLOAT", "REAL")


def read(value, duck_type: str):
    """One value as a comparable Python value, by its DuckDB column type."""
    if value is None:
        return None
    kind = duck_type.upper()
    if kind.startswith(NUMERIC):
        return float(value)
    if kind.startswith("TIMESTAMP"):
        text = value.isoformat() if isinstance(value, dt.datetime) else str(value)
        return text.replace("T", " ")[:19]
    if kind == "DATE":
        return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]
    if kind == "BOOLEAN" and isinstance(value, str):
        return value.lower() == "true"
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        a, b = float(a), float(b)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return abs(a - b) <= RELATIVE_TOLERANCE * max(1.0, abs(a), abs(b))
    return a == b


def duckdb_marts(duckdb_file: str) -> set[str]:
    """The published marts of the DuckDB build."""
    con = duckdb.connect(duckdb_file, read_only=True)
    try:
        return {row[0] for row in con.execute(
            "select table_name from information_schema.tables "
            "where table_name like 'fct_%' or table_name like 'dim_%' "
            "or table_name = 'clv_model_parameters'").fetchall()}
    finally:
        con.close()


def compare_marts(duckdb_file: str, names: list[str], engine: str,
                  fetch: Callable[[str], tuple[list[str], list[tuple]]]) -> dict:
    """Every mart in `names`, fetched from the engine (column names, rows),
    against the DuckDB file; prints one line per mart with its row count;
    returns {mart: rows}. Rows are matched after sorting on the exact
    (non-numeric) columns, which include each mart's key."""
    duck = duckdb.connect(duckdb_file, read_only=True)
    counts = {}
    try:
        for name in names:
            columns, engine_rows = fetch(name)
            duck_columns = {row[0].lower(): row[1] for row in duck.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_name = ?", [name]).fetchall()}
            columns = [column.split(".")[-1].lower() for column in columns]
            assert set(columns) == set(duck_columns), (
                name, sorted(set(columns) ^ set(duck_columns)))
            types = [duck_columns[column] for column in columns]
            listed = ", ".join(f'"{column}"' for column in columns)
            duck_rows = duck.execute(f'select {listed} from main."{name}"').fetchall()
            assert len(engine_rows) == len(duck_rows), (
                name, len(engine_rows), len(duck_rows))
            exact = [i for i, kind in enumerate(types)
                     if not kind.upper().startswith(NUMERIC)]

            def rows_of(rows, types=types, exact=exact):
                read_rows = [tuple(read(v, t) for v, t in zip(row, types, strict=True))
                             for row in rows]
                return sorted(read_rows, key=lambda row: tuple(
                    (row[i] is None, str(row[i])) for i in exact))

            for engine_row, duck_row in zip(rows_of(engine_rows), rows_of(duck_rows),
                                            strict=True):
                for column, a, b in zip(columns, engine_row, duck_row, strict=True):
                    assert same(a, b), (name, column, a, b, engine_row)
            counts[name] = len(duck_rows)
            print(f"{engine}: {name} equals DuckDB ({len(duck_rows)} rows, "
                  f"{len(columns)} columns)", flush=True)
    finally:
        duck.close()
    return counts


# The bad raw values every engine must quarantine identically (the
# PostgreSQL and Spark suites append one row per case to a copy of the raw
# exports, build the validation models and compare with DuckDB's build of
# the same rows as files).
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


QUARANTINE_QUERY = """select export_name, row_key, reason, column_name, raw_values
                      from {} order by 1, 2, 3, 4, 5"""
ORDER_QUERY = """select order_id, ordered_at from {0}
                 where order_id = (select min(order_id) from {0})"""


def check_quarantine(rows: list[tuple]) -> None:
    """Every injected bad value under its reason and column, the orphaned
    events, nothing else, and no personal detail in the raw values."""
    found = {(row[0], row[1]): (row[2], row[3]) for row in rows}
    for export, key, _, reason, column in FAULTS:
        assert found.get((export, key)) == (reason, column), (export, key)
    orphans = [row for row in rows if row[0] == "events"]
    assert len(orphans) == ORPHANED_EVENTS
    assert {(row[2], row[3]) for row in orphans} == {
        ("orphan_reference", "user_id")}
    assert len(rows) == len(FAULTS) + ORPHANED_EVENTS, \
        "quarantined rows nobody injected"
    everything = " ".join(row[4] for row in rows)
    for secret in ("ann@example.org", "7946", "Ann Smith"):
        assert secret not in everything


def duckdb_fault_build(folder, tmp_path_factory) -> tuple[list[tuple], tuple]:
    """The validation models on DuckDB over the exports in `folder` (CSV):
    its quarantine rows and its first staged order."""
    from retention_lib import runner

    warehouse = tmp_path_factory.mktemp("duck_faults")
    env = runner.dbt_env(warehouse, DBT_TARGET="dev",
                         DBT_TARGET_PATH=tmp_path_factory.mktemp("duck_target"))
    result = runner.run_dbt(["run", *SELECTION, "--vars", json.dumps({
        "raw_dir": str(folder), "as_of_date": "2025-12-31"})], env,
        capture=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    duck = duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)
    try:
        rows = duck.execute(QUARANTINE_QUERY.format(
            "main.util_quarantined_rows")).fetchall()
        order = duck.execute(ORDER_QUERY.format("main.stg_commerce__orders")).fetchone()
    finally:
        duck.close()
    return rows, order


def compare_built_marts(cursor, names: list[str], engine: str,
                        quote: str = '"') -> None:
    """compare_marts for an engine's DB-API cursor: every mart in `names`,
    read from its schema `marts`, against the DuckDB build of the suite
    (RETENTION_DUCKDB_FILE); fails unless every one was compared."""
    import os  # noqa: PLC0415

    def fetch(name):
        cursor.execute(f"select * from marts.{quote}{name}{quote}")
        return [d[0] for d in cursor.description], cursor.fetchall()

    compared = compare_marts(os.environ["RETENTION_DUCKDB_FILE"], names,
                             engine, fetch)
    assert sorted(compared) == sorted(names)


def write_varied_exports(folder) -> None:
    """The shipped sample's exports as a RAW_DIR written the ways real
    exports differ, with the same data: events as Parquet (text columns),
    customers with a UTF-8 byte-order mark and CRLF line ends, subscription
    headers in other case and padded, orders with their columns in another
    order, plans with an extra column, and no fx_rates file (the shipped
    rates are used). A build on it must equal the build on the seeds."""
    from pathlib import Path  # noqa: PLC0415

    sample = Path(__file__).resolve().parents[1] / "seeds" / "sample"
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        for path in sorted(sample.glob("*.csv")):
            export, target = path.stem, folder / path.name
            text = path.read_text(encoding="utf-8")
            header, _, body = text.partition("\n")
            if export == "fx_rates":
                continue
            if export == "events":
                con.execute(
                    f"copy (select * from read_csv('{path}', all_varchar = true, "
                    f"header = true)) to '{folder / 'events.parquet'}' "
                    "(format parquet)")
                continue
            if export == "customers":
                target.write_bytes(b"\xef\xbb\xbf" + text.replace(
                    "\n", "\r\n").encode("utf-8"))
                continue
            if export == "subscriptions":
                header = ",".join(f'" {name.strip(chr(34)).upper()} "'
                                  for name in header.split(","))
            if export == "plans":
                header += ',"internal_note"'
                body = "\n".join(line + ',"x"' if line else line
                                 for line in body.split("\n"))
            if export == "orders":
                con.execute(
                    f"copy (select ordered_at, amount, currency, status, "
                    f"customer_id, order_id from read_csv('{path}', "
                    "all_varchar = true, header = true)) to "
                    f"'{target}' (format csv, header true)")
                continue
            target.write_text(header + "\n" + body, encoding="utf-8")
    finally:
        con.close()
