"""RAW_DIR on a server target (postgres, spark), for the CLI.

The exports are checked exactly as on the default target: the DuckDB
on-run-start hook (macros/load_raw_exports.sql) runs through
`dbt run-operation check_raw_exports` on a scratch DuckDB file and fails
with its one message listing every problem (a missing export or column, a
file that is empty, not UTF-8, not comma-separated, truncated or
malformed, a header-only file that must not be empty). Only then is the
server touched:

- PostgreSQL: each checked table is copied into schema raw_files as text
  columns (COPY ... FROM STDIN in CSV, which keeps NULL apart from the
  empty string), one transaction per export.
- Spark: each export becomes a table over its own file, not a copy
  (raw_files.<export>__file: every column a string, CSV columns by
  position, so a byte-order mark or a padded header name cannot shift
  them), and raw_files.<export> is a view naming the contract's columns.
  Spark must read as many rows as the check did, or the load stops: a file
  Spark reads differently never builds with rows missing. The Spark
  server must see the files at the same path (a local server, a shared
  mount).

The build then runs with var raw_dir_loaded, so that the hook, which
cannot read files on these engines, knows the exports are in place.
Typing and the bad-value quarantine happen in staging, as everywhere.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
from pathlib import Path

import duckdb

from retention_lib.runner import PROJECT_DIR, dbt_env, run_dbt
from retention_lib.server_fits import connect

FX_FALLBACK = PROJECT_DIR / "seeds" / "sample" / "fx_rates.csv"


class LoadError(RuntimeError):
    """The exports could not be loaded; the message says why."""


def checked_exports(raw_dir: str, scratch: Path) -> dict[str, list[str]]:
    """Run the DuckDB checks into scratch/work.duckdb; {export: contract
    columns in order}. dbt prints the problems itself when there are any."""
    env = dbt_env(scratch, DBT_TARGET="dev",
                  DBT_TARGET_PATH=str(scratch / "target"))
    result = run_dbt(["run-operation", "check_raw_exports", "--vars",
                      json.dumps({"raw_dir": raw_dir})], env)
    if result.returncode != 0:
        raise LoadError(f"the raw exports in {raw_dir} did not pass the "
                        "checks (see above); nothing was loaded or built")
    con = duckdb.connect(str(scratch / "work.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'raw_files' "
            "order by table_name, ordinal_position").fetchall()
    finally:
        con.close()
    exports: dict[str, list[str]] = {}
    for table, column in rows:
        exports.setdefault(table, []).append(column)
    return exports


def quoted(name: str, quote: str = '"') -> str:
    """An identifier in quotes ('"' on DuckDB and PostgreSQL, '`' on Spark)."""
    return quote + name.replace(quote, quote * 2) + quote


def to_postgres(scratch: Path, exports: dict[str, list[str]],
                settings: dict) -> None:
    """Copy each checked export into raw_files on PostgreSQL."""
    con = duckdb.connect(str(scratch / "work.duckdb"), read_only=True)
    server = connect("postgres", settings)
    try:
        with server, server.cursor() as cur:
            cur.execute("create schema if not exists raw_files")
        for export, columns in exports.items():
            dump = scratch / f"{export}.csv"
            con.execute(f"copy raw_files.{quoted(export)} to "
                        f"'{dump}' (format csv, header false)")
            table = f"raw_files.{quoted(export)}"
            declared = ", ".join(f"{quoted(c)} text" for c in columns)
            # the staging views over the old table go with it; the build
            # that follows makes them again
            with server, server.cursor() as cur, dump.open() as data:
                cur.execute(f"drop table if exists {table} cascade")
                cur.execute(f"create table {table} ({declared})")
                cur.copy_expert(f"copy {table} from stdin with (format csv)", data)
            dump.unlink()
    finally:
        con.close()
        server.close()


def file_of(raw_dir: Path, export: str) -> Path | None:
    """The export's file (the check allows at most one), the shipped rates
    for a missing fx_rates, or None (an optional export that is missing)."""
    for suffix in (".csv", ".parquet"):
        if (raw_dir / f"{export}{suffix}").is_file():
            return (raw_dir / f"{export}{suffix}").resolve()
    return FX_FALLBACK if export == "fx_rates" else None


def file_names(path: Path) -> list[str]:
    """The file's own column names: a CSV header (a byte-order mark
    dropped) or a Parquet schema."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq  # noqa: PLC0415

        return pq.read_schema(path).names
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


def contract_names(names: list[str]) -> list[str]:
    """Column names as the contract reads them: trimmed, lower-cased,
    unnamed_column_<position> for an empty one (as the DuckDB check names
    them)."""
    return [name.strip().lower() or f"unnamed_column_{position}"
            for position, name in enumerate(names, start=1)]


def spark_statements(export: str, columns: list[str],
                     path: Path | None) -> list[str]:
    """The DDL that makes raw_files.<export> on Spark: a view over a table
    over the file, or an empty view for a missing optional export."""
    view = f"raw_files.{export}"
    if path is None:
        nulls = ", ".join(f"cast(null as string) as {quoted(c, '`')}"
                          for c in columns)
        return [f"create or replace view {view} as select {nulls} where false"]
    table = f"raw_files.{export}__file"
    location = str(path).replace("\\", "\\\\").replace("'", "\\'")
    own = file_names(path)
    names = contract_names(own)
    if path.suffix == ".parquet":
        create = (f"create table {table} using parquet "
                  f"options (path '{location}')")
        with_file_names = dict(zip(names, own, strict=True))
        select = ", ".join(
            f"cast({quoted(with_file_names[c], '`')} as string) as {quoted(c, '`')}"
            for c in columns)
    else:
        declared = ", ".join(f"c{position} string"
                             for position in range(1, len(names) + 1))
        create = (f"create table {table} ({declared}) using csv options ("
                  f"path '{location}', header 'true', multiLine 'true', "
                  "quote '\"', escape '\"', encoding 'UTF-8', "
                  "mode 'PERMISSIVE')")
        select = ", ".join(f"c{names.index(c) + 1} as {quoted(c, '`')}"
                           for c in columns)
    return [create, f"create or replace view {view} as select {select} "
                    f"from {table}"]


def to_spark(scratch: Path, exports: dict[str, list[str]], raw_dir: str,
             settings: dict) -> None:
    """Tables over the files on Spark; their row counts must match."""
    con = duckdb.connect(str(scratch / "work.duckdb"), read_only=True)
    server = connect("spark", settings)
    problems = []
    try:
        cur = server.cursor()
        cur.execute("create database if not exists raw_files")
        for export, columns in exports.items():
            path = file_of(Path(raw_dir), export)
            for kind in ("view", "table"):
                for name in (export, f"{export}__file"):
                    try:
                        cur.execute(f"drop {kind} if exists raw_files.{name}")
                    except Exception:  # noqa: BLE001, S110 (the other kind)
                        pass
            for statement in spark_statements(export, columns, path):
                cur.execute(statement)
            cur.execute(f"select count(*) from raw_files.{export}")
            on_spark = cur.fetchone()[0]
            checked = con.execute(
                f"select count(*) from raw_files.{quoted(export)}"
            ).fetchone()[0]
            if on_spark != checked:
                problems.append(
                    f"raw export '{export}' ({path}): Spark reads {on_spark} "
                    f"row(s), the checks read {checked}")
    finally:
        con.close()
        server.close()
    if problems:
        raise LoadError(f"{len(problems)} problem(s) loading the raw exports "
                        f"on Spark; nothing was built:\n  - "
                        + "\n  - ".join(problems))


def load(target: str, raw_dir: str, settings: dict) -> int:
    """Check the exports in raw_dir, then load them on the server target
    (connection settings as in the profile); the number of exports loaded,
    LoadError when not done."""
    scratch = Path(tempfile.mkdtemp(prefix="retention-raw-"))
    try:
        exports = checked_exports(raw_dir, scratch)
        if target == "postgres":
            to_postgres(scratch, exports, settings)
        else:
            to_spark(scratch, exports, raw_dir, settings)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return len(exports)
