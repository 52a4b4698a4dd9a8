"""Command line behind `make run`: build on a working database, publish.

    python -m retention_lib.cli run [--raw-dir DIR] [--as-of YYYY-MM-DD]
                                    [--vars '{key: value}'] [--no-docs]

dbt builds into <warehouse>/work.duckdb (profile target dev). Only when every
model and test passed and the Great Expectations ingest and publish gates
passed (retention_lib.gates; Data Docs in <warehouse>/quality/) are the marts
copied into <warehouse>/retention.duckdb (the file BI tools read, replaced
atomically) and written as Parquet under <warehouse>/marts/. A failed or
interrupted build leaves the last published marts as they were.
<warehouse> is $RETENTION_WAREHOUSE_DIR, default ./warehouse.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
PUBLISHED_FOLDERS = ("marts", "utilities")
STORAGE_COMPATIBILITY = "v1.1.0"


def warehouse_dir() -> Path:
    return Path(os.environ.get("RETENTION_WAREHOUSE_DIR", "warehouse")).resolve()


def target_path() -> Path:
    """dbt's target folder (DBT_TARGET_PATH, as dbt itself reads it)."""
    return PROJECT_DIR / os.environ.get("DBT_TARGET_PATH", "target")


def build_vars(raw_dir: str | None, as_of: str | None, extra: str | None) -> dict:
    """Merge RAW_DIR, AS_OF and VARS into one dict of dbt vars."""
    merged: dict = {}
    if extra:
        parsed = yaml.safe_load(extra)
        if not isinstance(parsed, dict):
            raise SystemExit(f"VARS must be a YAML mapping like '{{key: value}}', "
                             f"got: {extra!r}")
        merged.update(parsed)
    if raw_dir:
        folder = Path(raw_dir).resolve()
        if not folder.is_dir():
            raise SystemExit(f"RAW_DIR {raw_dir!r} is not a folder")
        merged["raw_dir"] = str(folder)
    if as_of:
        merged["as_of_date"] = as_of
    return merged


def dbt(args: list[str], env: dict) -> int:
    command = [str(Path(sys.executable).with_name("dbt")), *args]
    return subprocess.call(command, cwd=PROJECT_DIR, env=env)


def dbt_env(warehouse: Path) -> dict:
    env = dict(os.environ)
    env.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR / "profiles"))
    env["RETENTION_WAREHOUSE_DIR"] = str(warehouse)
    env.setdefault("DBT_TARGET", "dev")
    return env


def read_manifest(path: Path) -> dict:
    """dbt's manifest.json, parsed once per run (several MB)."""
    return json.loads(path.read_text())


def _published_models(manifest: dict):
    """Every model under models/marts or models/utilities (dbt keeps
    disabled models out of manifest["nodes"])."""
    for node in manifest["nodes"].values():
        if (node["resource_type"] == "model" and len(node["fqn"]) > 1
                and node["fqn"][1] in PUBLISHED_FOLDERS):
            yield node


def published_relations(manifest: dict) -> list[tuple[str, str]]:
    """(schema, name) of every published model, by name."""
    return sorted(((node["schema"], node["alias"] or node["name"])
                   for node in _published_models(manifest)),
                  key=lambda rel: rel[1])


def declared_columns(manifest: dict) -> dict[str, list[str]]:
    """model name -> its documented columns (the yml), for published models."""
    return {node["name"]: list(node["columns"])
            for node in _published_models(manifest) if node["columns"]}


def source_relations(manifest: dict) -> dict[str, tuple[str, str]]:
    """export name -> (schema, table) of every raw export (dbt source)."""
    return {node["name"]: (node["schema"], node["identifier"])
            for node in manifest["sources"].values()}


def project_vars(overrides: dict) -> dict:
    """dbt_project.yml's vars with the command line's overrides on top."""
    declared = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return {**declared.get("vars", {}), **overrides}


def gate(warehouse: Path, relations: list[tuple[str, str]], manifest: dict,
         dbt_vars: dict) -> bool:
    """The Great Expectations ingest and publish checkpoints on the working
    database; prints each failure. True when both passed."""
    from retention_lib.gates import run_gates  # noqa: PLC0415 (slow import)

    results, docs = run_gates(
        warehouse / "work.duckdb", warehouse / "retention.duckdb", relations,
        source_relations(manifest), project_vars(dbt_vars),
        warehouse / "quality", declared_columns(manifest))
    for result in results:
        print(f"Great Expectations {result.name} gate: {result.checked} "
              f"expectations, {len(result.failures)} failed")
        for failure in result.failures:
            print(f"  FAIL {failure}", file=sys.stderr)
    print(f"Data Docs: {docs}")
    if any(not result.success for result in results):
        print("Great Expectations gate failed: nothing published; the marts in "
              f"{warehouse / 'retention.duckdb'} are the last good ones.",
              file=sys.stderr)
        if any("row_count" in f for result in results for f in result.failures):
            print("Row counts moved against the last publish. If this is a "
                  "deliberate change of data set, rerun with "
                  "VARS='{publish_row_count_tolerance: null}'.", file=sys.stderr)
        return False
    return True


def publish(work_db: Path, warehouse: Path, relations: list[tuple[str, str]]) -> None:
    """Copy the relations into a new database file and Parquet folder, then
    swap both in. Readers of the old file keep their open handle."""
    target = warehouse / "retention.duckdb"
    staging = warehouse / "retention.duckdb.publishing"
    parquet_new = warehouse / "marts.publishing"
    for leftover in (staging, parquet_new):
        if leftover.is_dir():
            shutil.rmtree(leftover)
        elif leftover.exists():
            leftover.unlink()
    parquet_new.mkdir(parents=True)
    con = duckdb.connect(str(staging), config={
        "storage_compatibility_version": STORAGE_COMPATIBILITY})
    try:
        con.execute(f"attach '{work_db}' as work (read_only)")
        for schema, name in relations:
            con.execute(f'create table main."{name}" as '
                        f'select * from work."{schema}"."{name}"')
            con.execute(f'copy main."{name}" to '
                        f"'{parquet_new / (name + '.parquet')}' (format parquet)")
        con.execute("detach work")
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(staging, target)
    parquet = warehouse / "marts"
    retired = warehouse / "marts.retired"
    if retired.exists():
        shutil.rmtree(retired)
    if parquet.exists():
        os.replace(parquet, retired)
    os.replace(parquet_new, parquet)
    if retired.exists():
        shutil.rmtree(retired)


def postgres_settings(env: dict) -> dict:
    """The connection the `postgres` target of profiles/profiles.yml uses
    (the same environment variables and defaults)."""
    return {"host": env.get("RETENTION_PG_HOST", "127.0.0.1"),
            "port": int(env.get("RETENTION_PG_PORT", "5432")),
            "dbname": env.get("RETENTION_PG_DATABASE", "retention"),
            "user": env.get("RETENTION_PG_USER", "retention"),
            "password": env.get("RETENTION_PG_PASSWORD", "")}


def check_postgres(env: dict) -> str | None:
    """None when the postgres target accepts a connection, else one line
    naming the target, host and reason (no traceback)."""
    import psycopg2  # noqa: PLC0415 (only needed for this target)

    settings = postgres_settings(env)
    try:
        psycopg2.connect(connect_timeout=5, **settings).close()
    except psycopg2.OperationalError as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        return (f"cannot connect to dbt target 'postgres' at "
                f"{settings['host']}:{settings['port']} (database "
                f"{settings['dbname']}, user {settings['user']}): {reason}")
    return None


def run_postgres(args: argparse.Namespace, env: dict) -> int:
    """On the postgres target the server is the warehouse: dbt builds the
    marts in place (each table swapped in by dbt) and grants them to the
    read-only BI role; there is no DuckDB file to publish."""
    problem = check_postgres(env)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    dbt_vars = build_vars(args.raw_dir, args.as_of, args.vars)
    vars_arg = ["--vars", json.dumps(dbt_vars)] if dbt_vars else []
    code = dbt(["build", *vars_arg], env)
    if code != 0:
        print(f"dbt build failed on target postgres (exit {code}).",
              file=sys.stderr)
        return code
    print("Built on target postgres: BI tools read schema marts as role "
          f"{env.get('RETENTION_PG_REPORTER', 'reporter')}.")
    return 0


def run(args: argparse.Namespace) -> int:
    warehouse = warehouse_dir()
    warehouse.mkdir(parents=True, exist_ok=True)
    env = dbt_env(warehouse)
    if env.get("DBT_TARGET") == "postgres":
        return run_postgres(args, env)
    dbt_vars = build_vars(args.raw_dir, args.as_of, args.vars)
    vars_arg = ["--vars", json.dumps(dbt_vars)] if dbt_vars else []
    code = dbt(["build", *vars_arg], env)
    if code != 0:
        print(f"dbt build failed (exit {code}): nothing published; the marts in "
              f"{warehouse / 'retention.duckdb'} are the last good ones.",
              file=sys.stderr)
        return code
    manifest = read_manifest(target_path() / "manifest.json")
    relations = published_relations(manifest)
    if not gate(warehouse, relations, manifest, dbt_vars):
        return 1
    publish(warehouse / "work.duckdb", warehouse, relations)
    print(f"Published {len(relations)} marts to {warehouse / 'retention.duckdb'} "
          f"and {warehouse / 'marts'}/*.parquet")
    if not args.no_docs:
        code = dbt(["docs", "generate", "--static", *vars_arg], env)
        if code != 0:
            return code
        print(f"Lineage docs: {target_path() / 'static_index.html'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build and publish the marts.")
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", help="dbt build, then publish if all passed")
    run_p.add_argument("--raw-dir", default=os.environ.get("RAW_DIR") or None)
    run_p.add_argument("--as-of", default=os.environ.get("AS_OF") or None)
    run_p.add_argument("--vars", default=os.environ.get("VARS") or None)
    run_p.add_argument("--no-docs", action="store_true")
    args = parser.parse_args(argv)
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
