"""The published interface: every table and column of a published DuckDB
file with its type, as CSV (table_name, column_name, data_type).

    python scripts/published_schema.py warehouse/retention.duckdb \
        > tests/fixtures/published_schema.csv

refreshes the checked-in list after a mart or column is added on purpose;
tests/python/test_published_schema.py fails when a listed table or column
is gone or changed its type (add, never rename or drop)."""

from __future__ import annotations

import csv
import sys

import duckdb

QUERY = """
    select table_name, column_name, data_type
    from information_schema.columns
    where table_schema = 'main'
    order by table_name, ordinal_position
"""


def published_schema(database: str) -> list[tuple[str, str, str]]:
    con = duckdb.connect(database, read_only=True)
    try:
        return [tuple(row) for row in con.execute(QUERY).fetchall()]
    finally:
        con.close()


def main(argv: list[str]) -> int:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["table_name", "column_name", "data_type"])
    writer.writerows(published_schema(argv[1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
