"""Command line behind `make run`: build on a working database, publish.

    python -m retention_lib.cli run [--raw-dir DIR] [--as-of YYYY-MM-DD]
                                    [--vars '{key: value}'] [--no-docs]
                                    [--full-refresh]

dbt builds into <warehouse>/work.duckdb (profile target dev). Only when every
model and test passed and the Great Expectations ingest and publish gates
passed (retention_lib.gates; Data Docs in <warehouse>/quality/) are the marts
written as a new release (<warehouse>/releases/<id>/: retention.duckdb and
marts/*.parquet) and the pointer <warehouse>/current moved to it in one
rename; <warehouse>/retention.duckdb (the file BI tools read) and
<warehouse>/marts/ are symlinks through it. A failed or interrupted build,
or publish, leaves the last published marts as they were. One run per
warehouse at a time (a lock file); bad invocations stop before building.
<warehouse> is $RETENTION_WAREHOUSE_DIR, default ./warehouse.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
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


class InvocationError(SystemExit):
    """A bad command line: one line saying what to fix, exit 2, checked
    before anything is built."""

    def __init__(self, message: str):
        super().__init__(message)
        self.code = 2


def parse_extra_vars(extra: str) -> dict:
    """VARS as a dict: a YAML mapping, or an InvocationError naming what
    is wrong with it."""
    try:
        parsed = yaml.safe_load(extra)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        at = f" at column {where.column + 1}" if where is not None else ""
        raise InvocationError(
            f"VARS is not valid YAML{at} ({getattr(error, 'problem', error)}): "
            f"{extra!r}; write a mapping like '{{key: value}}'") from None
    except ValueError as error:  # YAML reads 2025-13-01 as a date and fails
        raise InvocationError(f"VARS holds an impossible date ({error}): "
                              f"{extra!r}") from None
    if not isinstance(parsed, dict):
        raise InvocationError(f"VARS must be a YAML mapping like "
                              f"'{{key: value}}', got: {extra!r}")
    # YAML reads 2025-06-30 as a date; dbt vars travel as JSON text
    return {key: value.isoformat() if isinstance(value, dt.date) else value
            for key, value in parsed.items()}


def check_as_of(as_of: str) -> str:
    """AS_OF as YYYY-MM-DD naming a real day no later than today (UTC),
    else an InvocationError: as_of_date pins "today", and nothing after
    the run can have happened yet."""
    try:
        if len(as_of) != 10:
            raise ValueError("not YYYY-MM-DD")
        day = dt.date.fromisoformat(as_of)
    except ValueError as error:
        raise InvocationError(f"AS_OF must be a real day as YYYY-MM-DD, got "
                              f"{as_of!r} ({error})") from None
    today = dt.datetime.now(dt.UTC).date()
    if day > today:
        raise InvocationError(f"AS_OF {as_of} is after today ({today}): it "
                              "pins the build's today, which cannot be in "
                              "the future")
    return as_of


def check_vars(merged: dict) -> None:
    """Every var must be one dbt_project.yml declares, and of the kind its
    default is (a number for a number, a list for a list, ...): a typo in
    a policy var would otherwise silently use the default."""
    import difflib  # noqa: PLC0415

    declared = project_vars({})
    for key, value in merged.items():
        if key not in declared:
            close = difflib.get_close_matches(key, declared, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise InvocationError(
                f"unknown var {key!r}{hint}: the vars are listed in "
                "dbt_project.yml")
        default = declared[key]
        if default is None or value is None:
            continue
        kinds = {bool: (bool,), int: (int, float), float: (int, float),
                 str: (str,), list: (list,), dict: (dict,)}[type(default)]
        if not isinstance(value, kinds) or (
                isinstance(value, bool) and not isinstance(default, bool)):
            raise InvocationError(
                f"var {key!r} must be a {type(default).__name__} like its "
                f"default {default!r}, got {value!r}")


def build_vars(raw_dir: str | None, as_of: str | None, extra: str | None) -> dict:
    """Merge RAW_DIR, AS_OF and VARS into one dict of dbt vars, checked:
    malformed VARS, an unknown or mistyped var, an impossible AS_OF or a
    missing RAW_DIR stop here with one line (InvocationError, exit 2)."""
    merged: dict = {}
    if extra:
        merged.update(parse_extra_vars(extra))
    if raw_dir:
        folder = Path(raw_dir).resolve()
        if not folder.is_dir():
            raise InvocationError(f"RAW_DIR {raw_dir!r} is not a folder")
        merged["raw_dir"] = str(folder)
    if as_of:
        merged["as_of_date"] = check_as_of(as_of)
    elif merged.get("as_of_date") is not None:
        check_as_of(str(merged["as_of_date"]))
    check_vars(merged)
    return merged


def dbt(args: list[str], env: dict) -> int:
    """Run dbt; say how long it took."""
    command = [str(Path(sys.executable).with_name("dbt")), *args]
    started = time.monotonic()
    code = subprocess.call(command, cwd=PROJECT_DIR, env=env)
    print(f"dbt {args[0]} took {time.monotonic() - started:.0f} s (exit {code})",
          flush=True)
    return code


def dbt_env(warehouse: Path) -> dict:
    env = dict(os.environ)
    env.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR / "profiles"))
    env["RETENTION_WAREHOUSE_DIR"] = str(warehouse)
    env.setdefault("DBT_TARGET", "dev")
    if not sys.stdout.isatty():  # CI logs and files: no ANSI colour codes
        env.setdefault("DBT_USE_COLORS", "false")
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


def row_count_exempt(manifest: dict) -> set[str]:
    """Published models whose row count is not a volume of data (meta
    row_count_gate: false, e.g. the identified CLV fits): the publish gate
    does not hold them to publish_row_count_tolerance, only to never
    dropping to zero rows."""
    return {node["name"] for node in _published_models(manifest)
            if (node.get("config", {}).get("meta") or node.get("meta") or {})
            .get("row_count_gate", True) is False}


def model_relation(manifest: dict, name: str) -> tuple[str, str] | None:
    """(schema, table) of one model, None when it is not in the build."""
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["name"] == name:
            return node["schema"], node["alias"] or node["name"]
    return None


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
        warehouse / "quality", declared_columns(manifest),
        model_relation(manifest, "stg_product__events"),
        row_count_exempt(manifest))
    for result in results:
        print(f"Great Expectations {result.name} gate: {result.checked} "
              f"expectations, {len(result.failures)} failed")
        for failure in result.failures:
            print(f"  FAIL {failure}", file=sys.stderr)
    print(f"Data Docs: {docs}")
    if any(not result.success for result in results):
        print(f"Great Expectations gate failed: {nothing_published(warehouse)}",
              file=sys.stderr)
        if any("row_count" in f for result in results for f in result.failures):
            print("Row counts moved against the last publish. If this is a "
                  "deliberate change of data set, rerun with "
                  "VARS='{publish_row_count_tolerance: null}'.", file=sys.stderr)
        return False
    return True


RELEASES = "releases"


def publish_fault(step: str) -> None:
    """Tests only: RETENTION_PUBLISH_FAULT=<step> ends the process at that
    step of a publish, as a kill would (no clean-up runs)."""
    if os.environ.get("RETENTION_PUBLISH_FAULT") == step:
        os._exit(137)


def _swap_symlink(link: Path, target: str) -> None:
    """Point `link` at `target` in one rename (atomic on POSIX)."""
    temporary = link.with_name(link.name + ".swapping")
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(target, temporary)
    os.replace(temporary, link)


def _link_published_paths(warehouse: Path) -> None:
    """retention.duckdb and marts/ are fixed symlinks through `current`
    (made once). A warehouse published before releases existed holds a
    plain file and folder there: they are moved into a release of their
    own first, so readers keep them until the pointer moves."""
    for name in ("retention.duckdb", "marts"):
        path = warehouse / name
        if path.is_symlink():
            continue
        if path.exists():
            legacy = warehouse / RELEASES / "legacy"
            legacy.mkdir(parents=True, exist_ok=True)
            os.replace(path, legacy / name)
            if not (warehouse / "current").is_symlink():
                _swap_symlink(warehouse / "current", f"{RELEASES}/legacy")
        _swap_symlink(path, f"current/{name}")


def publish(work_db: Path, warehouse: Path, relations: list[tuple[str, str]]) -> None:
    """Write the relations as a new release (a DuckDB file and its Parquet
    folder side by side), then move the one pointer `current` to it:
    retention.duckdb and marts/ (symlinks through `current`) switch
    together, so a kill at any step leaves either the old pair or the new
    one, never a mix. Readers of the old file keep their open handle; the
    previous release is kept until the next publish."""
    releases = warehouse / RELEASES
    releases.mkdir(parents=True, exist_ok=True)
    current = warehouse / "current"
    release_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    release = releases / f"{release_id}.publishing"
    if release.exists():
        shutil.rmtree(release)
    (release / "marts").mkdir(parents=True)
    con = duckdb.connect(str(release / "retention.duckdb"), config={
        "storage_compatibility_version": STORAGE_COMPATIBILITY})
    try:
        con.execute(f"attach '{work_db}' as work (read_only)")
        for schema, name in relations:
            con.execute(f'create table main."{name}" as '
                        f'select * from work."{schema}"."{name}"')
            publish_fault("copying")
            con.execute(f'copy main."{name}" to '
                        f"'{release / 'marts' / (name + '.parquet')}' "
                        "(format parquet)")
        con.execute("detach work")
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(release, releases / release_id)
    publish_fault("written")
    _link_published_paths(warehouse)
    publish_fault("linked")
    live = os.readlink(current).split("/")[-1] if current.is_symlink() else None
    _swap_symlink(current, f"{RELEASES}/{release_id}")
    publish_fault("swapped")
    for old in releases.iterdir():
        if old.name not in (release_id, live):
            shutil.rmtree(old, ignore_errors=True)


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


def run_postgres(dbt_vars: dict, env: dict, full_refresh: bool) -> int:
    """On the postgres target the server is the warehouse: dbt builds the
    marts in place (each table swapped in by dbt) and grants them to the
    read-only BI role; there is no DuckDB file to publish."""
    problem = check_postgres(env)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    vars_arg = ["--vars", json.dumps(dbt_vars)] if dbt_vars else []
    refresh = ["--full-refresh"] if full_refresh else []
    code = dbt(["build", *vars_arg, *refresh], env)
    if code != 0:
        print(f"dbt build failed on target postgres (exit {code}).",
              file=sys.stderr)
        return code
    print("Built on target postgres: BI tools read schema marts as role "
          f"{env.get('RETENTION_PG_REPORTER', 'reporter')}.")
    return 0


def nothing_published(warehouse: Path) -> str:
    """What a reader of the warehouse still sees after a failed run."""
    published = warehouse / "retention.duckdb"
    if published.exists():
        return f"nothing published; the marts in {published} are the last good ones."
    return (f"nothing published; {warehouse} has no published marts yet "
            "(no run has passed).")


class RunLock:
    """One run per warehouse at a time: a second run started while one
    holds the lock refuses at once (exit 2), naming the holder, before it
    touches anything. The lock is the operating system's (flock): it goes
    away with the process, even a killed one."""

    def __init__(self, warehouse: Path):
        self.path = warehouse / ".run.lock"
        self.handle = None

    def __enter__(self) -> RunLock:
        import fcntl  # noqa: PLC0415 (POSIX)

        self.handle = open(self.path, "a+")  # noqa: SIM115 (held for the run)
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "another process"
            self.handle.close()
            raise InvocationError(
                f"another run is using the warehouse {self.path.parent} "
                f"({holder}): wait for it to finish, or set "
                "RETENTION_WAREHOUSE_DIR to another folder") from None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"pid {os.getpid()}, started "
                          f"{time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        self.handle.flush()
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()


def run(args: argparse.Namespace) -> int:
    warehouse = warehouse_dir()
    warehouse.mkdir(parents=True, exist_ok=True)
    env = dbt_env(warehouse)
    try:
        dbt_vars = build_vars(args.raw_dir, args.as_of, args.vars)
        if env.get("DBT_TARGET") == "postgres":
            return run_postgres(dbt_vars, env, args.full_refresh)
        with RunLock(warehouse):
            return build_and_publish(args, warehouse, env, dbt_vars)
    except InvocationError as error:
        print(error, file=sys.stderr)
        return 2


def build_and_publish(args: argparse.Namespace, warehouse: Path, env: dict,
                      dbt_vars: dict) -> int:
    vars_arg = ["--vars", json.dumps(dbt_vars)] if dbt_vars else []
    refresh = ["--full-refresh"] if args.full_refresh else []
    code = dbt(["build", *vars_arg, *refresh], env)
    if code != 0:
        print(f"dbt build failed (exit {code}): {nothing_published(warehouse)}",
              file=sys.stderr)
        return code
    try:
        manifest = read_manifest(target_path() / "manifest.json")
        relations = published_relations(manifest)
        print("Running the Great Expectations ingest and publish gates ...",
              flush=True)
        started = time.monotonic()
        passed = gate(warehouse, relations, manifest, dbt_vars)
        print(f"gates took {time.monotonic() - started:.0f} s", flush=True)
        if not passed:
            return 1
        started = time.monotonic()
        publish(warehouse / "work.duckdb", warehouse, relations)
        print(f"publish took {time.monotonic() - started:.0f} s", flush=True)
    except Exception as error:  # noqa: BLE001 (reported in one line)
        print(f"gates or publish failed ({type(error).__name__}: "
              f"{' '.join(str(error).split())}): {nothing_published(warehouse)}",
              file=sys.stderr)
        return 1
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
    run_p.add_argument(
        "--full-refresh", action="store_true",
        default=os.environ.get("FULL_REFRESH", "") not in ("", "0"),
        help="rebuild incremental models from scratch (FULL_REFRESH=1)")
    args = parser.parse_args(argv)
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
