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
import concurrent.futures
import datetime as dt
import json
import os
import shutil
import sys
import threading
import time
import uuid
from pathlib import Path

import duckdb

from retention_lib import raw_loading, run_record, server_fits
from retention_lib.runner import (
    PROJECT_DIR,
    InvocationError,
    build_vars,
    dbt_env,
    nothing_published,
    project_vars,
    published_docs,
    published_relations,
    read_manifest,
    run_dbt,
    target_path,
    warehouse_dir,
)

STORAGE_COMPATIBILITY = "v1.1.0"


def dbt(args: list[str], env: dict) -> int:
    """Run dbt; say how long it took."""
    started = time.monotonic()
    code = run_dbt(args, env).returncode
    print(f"dbt {args[0]} took {time.monotonic() - started:.0f} s (exit {code})",
          flush=True)
    return code


def beside_the_gates(env: dict, own_target: Path) -> dict:
    """The environment of a dbt run beside the gates and the publish (the
    freshness report, the lineage docs): the working file opened read-only
    (RETENTION_DUCKDB_ACCESS_MODE, profiles.yml), as the gates read it,
    and the artifacts in a target folder of its own (the access mode is
    part of the profile: sharing the build's partial-parse state would
    make either parse the whole project again)."""
    return {**env, "RETENTION_DUCKDB_ACCESS_MODE": "read_only",
            "DBT_TARGET_PATH": str(own_target)}


def report_freshness(env: dict, vars_arg: list[str]) -> list[str]:
    """`dbt source freshness` on the exports just loaded: one line naming
    each export older than its warn_after (how old its latest row is
    against now) or empty. Informative only: the ingest gate judges
    freshness against as_of_date, which is what decides a publish.
    It runs beside the gates and the publish (beside_the_gates: the
    working file read-only, target/freshness); sources.json is then
    copied into the build's target folder."""
    own_target = target_path() / "freshness"
    path = own_target / "sources.json"
    path.unlink(missing_ok=True)
    result = run_dbt(["source", "freshness", *vars_arg],
                     beside_the_gates(env, own_target), capture=True)
    if not path.exists():
        print(f"source freshness: not checked (dbt exit {result.returncode})")
        return []
    shutil.copyfile(path, target_path() / "sources.json")
    results = json.loads(path.read_text())["results"]
    stale = [f"{r['unique_id'].split('.', 2)[-1]} "
             + ("has no row" if str(r.get("max_loaded_at")).startswith("0001")
                else f"latest {str(r.get('max_loaded_at'))[:10]} "
                f"({r.get('max_loaded_at_time_ago_in_s', 0) / 86400:.0f} days ago)")
             for r in results if r.get("status") in ("warn", "error")]
    failed = [r["unique_id"].split(".", 2)[-1] for r in results
              if r.get("status") == "runtime error"]
    if failed:
        stale.append(f"not measurable (no parseable row): {', '.join(failed)}")
    print(f"source freshness: {len(results)} exports checked, {len(stale)} "
          f"older than their warn_after" + (": " + "; ".join(stale) if stale else ""),
          flush=True)
    return stale


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


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _copy_relation(con, schema: str, name: str, folder: Path,
                   docs: tuple[str, dict[str, str]] | None) -> None:
    """One relation into the new file, keeping what CREATE TABLE AS drops:
    its types and NOT NULL constraints (from the working table) and its
    documented descriptions as table and column comments; then its Parquet
    file, with the descriptions in the file's key-value metadata."""
    columns = con.execute(
        "select column_name, data_type, is_nullable from duckdb_columns() "
        "where database_name = 'work' and schema_name = ? and table_name = ? "
        "order by column_index", [schema, name]).fetchall()
    definition = ", ".join(
        f'"{column}" {data_type}' + ("" if nullable else " not null")
        for column, data_type, nullable in columns)
    con.execute(f'create table main."{name}" ({definition})')
    con.execute(f'insert into main."{name}" select * from work."{schema}"."{name}"')
    description, column_docs = docs or ("", {})
    if description:
        con.execute(f'comment on table main."{name}" is {_literal(description)}')
    for column, _, _ in columns:
        if column_docs.get(column):
            con.execute(f'comment on column main."{name}"."{column}" is '
                        f"{_literal(column_docs[column])}")
    metadata = {"description": description,
                "column_descriptions": json.dumps(
                    {c: column_docs.get(c, "") for c, _, _ in columns})}
    kv = ", ".join(f"{key}: {_literal(value)}" for key, value in metadata.items())
    con.execute(f'copy main."{name}" to {_literal(str(folder / (name + ".parquet")))} '
                f"(format parquet, kv_metadata {{{kv}}})")


def publish(work_db: Path, warehouse: Path, relations: list[tuple[str, str]],
            docs: dict[str, tuple[str, dict[str, str]]] | None = None) -> None:
    """Write the relations as a new release (a DuckDB file and its Parquet
    folder side by side), then move the one pointer `current` to it:
    retention.duckdb and marts/ (symlinks through `current`) switch
    together, so a kill at any step leaves either the old pair or the new
    one, never a mix. Readers of the old file keep their open handle; the
    previous release is kept until the next publish. `docs` (from
    runner.published_docs) become table and column comments in the file
    and key-value metadata in each Parquet file."""
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
            _copy_relation(con, schema, name, release / "marts",
                           (docs or {}).get(name))
            publish_fault("copying")
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


def spark_settings(env: dict) -> dict:
    """The connection the `spark` target of profiles/profiles.yml uses
    (the same environment variables and defaults)."""
    return {"host": env.get("RETENTION_SPARK_HOST", "127.0.0.1"),
            "port": int(env.get("RETENTION_SPARK_PORT", "10000")),
            "user": env.get("RETENTION_SPARK_USER", "retention")}


def check_spark(env: dict) -> str | None:
    """None when a Spark Thrift Server answers at the spark target's host
    and port, else one line naming the target, host, port and reason."""
    import socket  # noqa: PLC0415

    settings = spark_settings(env)
    try:
        socket.create_connection((settings["host"], settings["port"]),
                                 timeout=5).close()
        from pyhive import hive  # noqa: PLC0415 (only needed for this target)

        hive.connect(host=settings["host"], port=settings["port"],
                     username=settings["user"]).close()
    except ImportError as error:
        return (f"dbt target 'spark' needs dbt-spark[PyHive] ({error}): "
                "reinstall the project (pip install -e .)")
    except Exception as error:  # noqa: BLE001 (socket, thrift or SASL errors)
        reason = " ".join(str(error).split()) or type(error).__name__
        return (f"cannot connect to dbt target 'spark' at "
                f"{settings['host']}:{settings['port']} (user "
                f"{settings['user']}): {reason}")
    return None


SERVER_TARGETS = {"postgres": check_postgres, "spark": check_spark}
SERVER_SETTINGS = {"postgres": postgres_settings, "spark": spark_settings}


def run_on_server(target: str, dbt_vars: dict, env: dict, full_refresh: bool,
                  models_only: bool) -> int:
    """On a server target (postgres, spark) the server is the warehouse:
    dbt builds the marts in place (each table swapped in by dbt; on
    PostgreSQL granted to the read-only BI role); there is no DuckDB file
    to publish. With RAW_DIR, the files are checked as on DuckDB and
    loaded first (retention_lib.raw_loading). models_only (the engine
    suites, after the data tests ran on DuckDB): seeds, snapshots and
    models, no data or unit tests."""
    problem = SERVER_TARGETS[target](env)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    if dbt_vars.get("raw_dir"):
        settings = SERVER_SETTINGS[target](env)
        try:
            loaded = raw_loading.load(target, dbt_vars["raw_dir"], settings)
        except raw_loading.LoadError as error:
            print(error, file=sys.stderr)
            return 1
        print(f"Loaded {loaded} raw exports from {dbt_vars['raw_dir']} on "
              f"target {target}", flush=True)
        dbt_vars = {**dbt_vars, "raw_dir_loaded": True}
    vars_arg = ["--vars", json.dumps(dbt_vars)] if dbt_vars else []
    refresh = ["--full-refresh"] if full_refresh else []
    only = (["--exclude-resource-type", "test", "--exclude-resource-type",
             "unit_test"] if models_only else [])
    code = dbt(["build", *vars_arg, *refresh, *only], env)
    keep_build_results()
    if code == 0:
        code = build_fitted_marts(target, dbt_vars, env, only)
        keep_build_results(append=True)
    if code != 0:
        print(f"dbt build failed on target {target} (exit {code}).",
              file=sys.stderr)
        return code
    if target == "postgres":
        print("Built on target postgres: BI tools read schema marts as role "
              f"{env.get('RETENTION_PG_REPORTER', 'reporter')}.")
    else:
        print(f"Built on target {target}: BI tools read schema marts.")
    return 0


# the marts over rows computed in Python, built in the second step on a
# server (each enabled there by its var)
FITTED_MARTS = ["clv_model_parameters", "fct_clv_backtest",
                "fct_churn_risk_model_parameters", "fct_churn_risk_backtest",
                "int_mrr_forecasts_collected"]


def build_fitted_marts(target: str, dbt_vars: dict, env: dict,
                       only: list[str]) -> int:
    """The second step on a server: fit the lifetime-value models on the
    inputs just built (retention_lib.server_fits), then build
    clv_model_parameters and its dependants with the fits in var
    clv_fitted_parameters, and fct_clv_backtest with its rows in var
    clv_backtest_rows; the churn-risk marts and the MRR forecasts likewise
    (server_fits.fit_on_server). A fit that fails leaves its rows out, as on
    DuckDB."""
    settings = SERVER_SETTINGS[target](env)
    manifest = read_manifest(PROJECT_DIR / env.get("DBT_TARGET_PATH", "target")
                             / "manifest.json")
    started = time.monotonic()
    computed = server_fits.fit_on_server(target, settings, manifest,
                                         project_vars(dbt_vars))
    print(f"Fitted the lifetime-value, churn-risk and forecast models on target "
          f"{target}: " + ", ".join(f"{len(rows)} rows of {name}"
                                    for name, rows in computed.items())
          + f" in {time.monotonic() - started:.0f} s", flush=True)
    fitted_vars = {**dbt_vars, **computed}
    # the individual data tests, as in the first step (an explicit
    # selection would add the batches of DECISIONS 129 beside them)
    return dbt(["build", "--vars", json.dumps(fitted_vars), "-s",
                *(f"{mart}+" for mart in FITTED_MARTS),
                "--exclude", "test_name:batched_data_tests", *only], env)


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
        if env.get("DBT_TARGET") in SERVER_TARGETS:
            return run_on_server(env["DBT_TARGET"], dbt_vars, env,
                                 args.full_refresh, args.models_only)
        with RunLock(warehouse):
            return build_and_publish(args, warehouse, env, dbt_vars)
    except InvocationError as error:
        print(error, file=sys.stderr)
        return 2


def keep_build_results(append: bool = False) -> None:
    """Keep the build's run_results.json as run_results_build.json: the
    docs step after it writes its own (the per-model times of the last
    run's builds, which the benchmarks read); and its manifest.json, which
    holds the SQL it compiled, as manifest_build.json for the lineage docs
    (stage_lineage_docs). append: add this dbt invocation's results to the kept
    ones (a server run builds in two invocations, around the lifetime-value
    fits)."""
    manifest = target_path() / "manifest.json"
    if manifest.is_file():
        shutil.copyfile(manifest, target_path() / "manifest_build.json")
    results, kept = (target_path() / "run_results.json",
                     target_path() / "run_results_build.json")
    if not results.is_file():
        return
    if append and kept.is_file():
        merged, new = json.loads(kept.read_text()), json.loads(results.read_text())
        merged["results"] += new["results"]
        merged["elapsed_time"] += new["elapsed_time"]
        kept.write_text(json.dumps(merged))
    else:
        shutil.copyfile(results, kept)


def failing_batched_tests(work_db: Path, target: Path,
                          results: str = "run_results_build.json",
                          manifest: str = "manifest_build.json"
                          ) -> list[tuple[str, str, int]]:
    """(batch, test, failing rows) for each failing test inside a failed
    batched_data_tests test of the dbt run whose results and manifest are
    in `target` (dbt reports only how many of a batch's tests failed): the
    batch's query is run again on the working database, read-only."""
    results_path, manifest_path = target / results, target / manifest
    if not (results_path.is_file() and manifest_path.is_file()
            and work_db.is_file()):
        return []
    nodes = json.loads(manifest_path.read_text())["nodes"]
    failed = [nodes[result["unique_id"]] for result
              in json.loads(results_path.read_text())["results"]
              if result["status"] == "fail" and result["unique_id"] in nodes
              and (nodes[result["unique_id"]].get("test_metadata") or {})
              .get("name") == "batched_data_tests"]
    if not failed:
        return []
    try:
        con = duckdb.connect(str(work_db), read_only=True)
    except duckdb.Error:
        return []  # dbt's own report of the failure still stands
    try:
        return [(node["name"], test, rows) for node in failed
                for test, rows in con.execute(node["compiled_code"]).fetchall()]
    finally:
        con.close()


def import_gates() -> None:
    """Import retention_lib.gates and Great Expectations (run in a thread
    during the build); an import error is left for the gates step to
    report."""
    try:
        import great_expectations  # noqa: F401, PLC0415

        import retention_lib.gates  # noqa: F401, PLC0415
    except Exception:  # noqa: BLE001, S110 (the gates step imports again)
        pass


def choose_data_test_rows(args: argparse.Namespace, warehouse: Path,
                          inputs: dict, dbt_vars: dict,
                          now: dt.datetime) -> tuple[str, str]:
    """('new_rows' or 'all_rows', why): the rows the data tests of the
    incremental models check (macro new_rows_data_tests), printed in one
    line when only the new rows are."""
    if args.full_refresh or args.full_check:
        return "all_rows", "FULL_REFRESH=1 or FULL_CHECK=1"
    every = float(project_vars(dbt_vars)["data_tests_all_rows_every_days"])
    rows, why = run_record.data_test_rows(warehouse, inputs, every, now)
    if rows == "new_rows":
        print("Data tests of the incremental models (the validated events and "
              "the user-day model) check only the rows this run built: "
              f"{why} by this code and settings, less than {every:g} days "
              "ago (FULL_CHECK=1 checks every row).", flush=True)
    return rows, why


def gate_and_publish(warehouse: Path, dbt_vars: dict, stats: dict
                     ) -> tuple[int, dict | None, list[tuple[str, str]]]:
    """The gates, then the publish of a build that passed them: (exit
    code, the build's manifest, the published relations)."""
    try:
        manifest = read_manifest(target_path() / "manifest.json")
        relations = published_relations(manifest)
        print("Running the Great Expectations ingest and publish gates ...",
              flush=True)
        started = time.monotonic()
        from retention_lib.gates import gate  # noqa: PLC0415 (slow import)

        passed = gate(warehouse, relations, manifest, dbt_vars)
        print(f"gates took {time.monotonic() - started:.0f} s", flush=True)
        if not passed:
            return 1, manifest, relations
        changed = run_record.changed_exports(dbt_vars, stats)
        if changed:
            print(f"raw export file(s) {', '.join(changed)} in "
                  f"{dbt_vars['raw_dir']} changed during the run: the marts "
                  "could mix two versions of the data; "
                  f"{nothing_published(warehouse)} Run again once the "
                  "export is complete.", file=sys.stderr)
            return 1, manifest, relations
        started = time.monotonic()
        publish(warehouse / "work.duckdb", warehouse, relations,
                published_docs(manifest))
        print(f"publish took {time.monotonic() - started:.0f} s", flush=True)
    except Exception as error:  # noqa: BLE001 (reported in one line)
        print(f"gates or publish failed ({type(error).__name__}: "
              f"{' '.join(str(error).split())}): {nothing_published(warehouse)}",
              file=sys.stderr)
        return 1, None, []
    return 0, manifest, relations


def build_and_publish(args: argparse.Namespace, warehouse: Path, env: dict,
                      dbt_vars: dict) -> int:
    # the raw folder reaches the load hook in the environment: dbt parses
    # the whole project again when a var's value changes (7 s of a daily
    # run whose export lands in a new folder; DECISIONS 115)
    parse_vars = dict(dbt_vars)
    if dbt_vars.get("raw_dir"):
        parse_vars["raw_dir"] = "$RETENTION_RAW_DIR"
        env = {**env, "RETENTION_RAW_DIR": dbt_vars["raw_dir"]}
    vars_arg = ["--vars", json.dumps(parse_vars)] if parse_vars else []
    refresh = ["--full-refresh"] if args.full_refresh else []
    stats = run_record.export_stats(dbt_vars)
    inputs = run_record.fingerprint(dbt_vars, env, {"docs": not args.no_docs})
    last = None if args.full_refresh else run_record.unchanged_since(warehouse, inputs)
    if last is not None:
        print(f"Nothing new since the run published at {last['published_at']} "
              "(the same export files, code, vars and target): the published "
              f"marts in {warehouse / 'retention.duckdb'} are current; nothing "
              "was rebuilt (FULL_REFRESH=1 builds anyway).")
        return 0
    # unit tests read fixtures, not exports: they ran on this code already
    passed = (None if args.full_refresh
              else run_record.unit_tests_passed(warehouse, inputs))
    if passed is not None:
        print("Unit tests not run: they passed on the same code and settings in "
              f"the run published at {passed['published_at']}, and they read "
              "fixtures, not the exports (a code, vars or target change, or "
              "FULL_REFRESH=1, runs them).", flush=True)
    units = ["--exclude-resource-type", "unit_test"] if passed is not None else []
    started_at = dt.datetime.now(dt.UTC)
    rows, why = choose_data_test_rows(args, warehouse, inputs, dbt_vars,
                                      started_at)
    env = {**env, "RETENTION_DATA_TESTS": rows}
    all_rows_checked = run_record.all_rows_checked_at(warehouse, rows,
                                                      started_at, inputs)
    run_record.forget(warehouse)
    # the gates' import (Great Expectations, about 4 s) while dbt builds in
    # its own process; the import below waits for it to finish
    threading.Thread(target=import_gates, daemon=True).start()
    # the row and key tests of each model in one query (DECISIONS 129)
    code = dbt(["build", "--selector", "make_run", *vars_arg, *refresh, *units],
               env)
    keep_build_results()
    if code != 0:
        for batch, test, rows in failing_batched_tests(
                warehouse / "work.duckdb", target_path()):
            print(f"{batch}: test {test} failed ({rows} failing rows; "
                  f"`dbt test -s {test}` lists them)", file=sys.stderr)
        print(f"dbt build failed (exit {code}): {nothing_published(warehouse)}",
              file=sys.stderr)
        return code
    # the freshness report, then the lineage docs (dbt, a process each,
    # opening the working file read-only, one after the other: the gates
    # take the other core) while the gates and the publish read it too;
    # the docs are put in place only once the build is published
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        freshness = (None if args.no_freshness
                     else pool.submit(report_freshness, env, vars_arg))
        docs = (None if args.no_docs
                else pool.submit(stage_lineage_docs, vars_arg, env))
        code, manifest, relations = gate_and_publish(warehouse, dbt_vars, stats)
        if freshness is not None:
            freshness.result()
        if code != 0:
            return code
        print(f"Published {len(relations)} marts to "
              f"{warehouse / 'retention.duckdb'} and {warehouse / 'marts'}/*.parquet")
        if docs is not None:
            from retention_lib.dashboards import write_dashboards  # noqa: PLC0415

            started = time.monotonic()
            folder = write_dashboards(warehouse, manifest)
            code = docs.result()
            if code != 0:
                return code
            print(f"Lineage docs: {place_lineage_docs()}")
            print(f"Dashboards: {folder / 'index.html'} "
                  f"(docs and dashboards {time.monotonic() - started:.0f} s)")
    run_record.write(warehouse, inputs, future_quarantined(warehouse, relations),
                     all_rows_checked)
    return 0


LINEAGE_DOCS = ("static_index.html", "index.html", "catalog.json")


def stage_lineage_docs(vars_arg: list[str], env: dict) -> int:
    """The single-file lineage docs of the build just made, written into a
    target folder of their own (target/docs; `place_lineage_docs` puts them
    in place once the build is published): `dbt docs generate --static
    --no-compile` on the build's own manifest, copied there first, so that
    the docs show the SQL the build ran, and the catalog of the working
    database, opened read-only (beside_the_gates; its partial-parse state
    starts from the freshness report's, whose profile it shares, when it
    has none). It
    runs beside the gates and the publish: about 4 s of a daily run's wall
    time (DECISIONS 138). Compiling every node a second time cost 8 of the
    step's 11 s on any data set. The build does not compile analyses:
    their docs show their source (DECISIONS 115)."""
    own_target = target_path() / "docs"
    own_target.mkdir(parents=True, exist_ok=True)
    for name in LINEAGE_DOCS:
        (own_target / name).unlink(missing_ok=True)
    parse, shared = (own_target / "partial_parse.msgpack",
                     target_path() / "freshness" / "partial_parse.msgpack")
    if not parse.is_file() and shared.is_file():
        shutil.copyfile(shared, parse)
    built = target_path() / "manifest_build.json"
    if built.is_file():
        shutil.copyfile(built, own_target / "manifest.json")
    reuse = ["--no-compile"] if built.is_file() else []
    return dbt(["docs", "generate", "--static", *reuse, *vars_arg],
               beside_the_gates(env, own_target))


def place_lineage_docs() -> Path:
    """Copy the staged lineage docs (stage_lineage_docs) into the target
    folder: target/static_index.html, and the catalog and index.html that
    `dbt docs serve` reads. Returns the single file's path."""
    for name in LINEAGE_DOCS:
        shutil.copyfile(target_path() / "docs" / name, target_path() / name)
    return target_path() / "static_index.html"


def future_quarantined(warehouse: Path, relations: list[tuple[str, str]]) -> int:
    """Rows the build quarantined as dated after its start (time alone may
    make them valid: the next run must build)."""
    schema = dict((name, schema) for schema, name in relations).get(
        "util_quarantined_rows")
    if schema is None:
        return 1
    con = duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)
    try:
        return con.execute(
            f'select count(*) from "{schema}".util_quarantined_rows '
            "where reason = 'future_timestamp'").fetchone()[0]
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build and publish the marts.")
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", help="dbt build, then publish if all passed")
    run_p.add_argument("--raw-dir", default=os.environ.get("RAW_DIR") or None)
    run_p.add_argument("--as-of", default=os.environ.get("AS_OF") or None)
    run_p.add_argument("--vars", default=os.environ.get("VARS") or None)
    run_p.add_argument("--no-docs", action="store_true")
    run_p.add_argument(
        "--models-only", action="store_true",
        help="on a server target: build without data and unit tests (the "
             "engine suites, after the tests ran on DuckDB)")
    run_p.add_argument(
        "--no-freshness", action="store_true",
        help="skip the dbt source freshness report (the test suites)")
    run_p.add_argument(
        "--full-refresh", action="store_true",
        default=os.environ.get("FULL_REFRESH", "") not in ("", "0"),
        help="rebuild incremental models from scratch (FULL_REFRESH=1)")
    run_p.add_argument(
        "--full-check", action="store_true",
        default=os.environ.get("FULL_CHECK", "") not in ("", "0"),
        help="data tests of the incremental models check every row, not only "
             "the rows this run built (FULL_CHECK=1)")
    args = parser.parse_args(argv)
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
