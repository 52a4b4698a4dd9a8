"""The engine suites (tests/postgres, tests/spark) compare every mart they
built with its twin in the DuckDB build of `make build-sample`: the same
columns, the same rows, numbers equal to 1e-9 relative. Each driver hands
values over in its own way (Decimal, float, text for decimals and dates on
Spark): every value is read by the kind of its DuckDB column first."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal

import duckdb

RELATIVE_TOLERANCE = 1e-9
# the marts that are dbt Python models, which run on DuckDB only (the
# maximum-likelihood fits): every other mart is built on every engine
DUCKDB_ONLY = {"clv_model_parameters", "fct_customer_lifetime_value"}
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
