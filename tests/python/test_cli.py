"""Var merging, invocation checks, the run lock and publishing helpers of
retention_lib.cli (no dbt run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_DIR
from retention_lib import cli, run_record, runner
from retention_lib.cli import publish
from retention_lib.runner import build_vars


@pytest.fixture(autouse=True)
def no_gates_import(monkeypatch):
    """The in-process runs below stop at a stand-in dbt and never reach the
    gates: no thread importing Great Expectations in the test process."""
    monkeypatch.setattr(cli, "import_gates", lambda: None)


def test_vars_merge_raw_dir_as_of_and_free_vars(tmp_path):
    merged = build_vars(str(tmp_path), "2025-06-30", "{ces_scale_max: 10}")
    assert merged == {"raw_dir": str(tmp_path.resolve()),
                      "as_of_date": "2025-06-30", "ces_scale_max": 10}
    assert build_vars(None, None, None) == {}


def test_vars_must_be_a_mapping():
    with pytest.raises(SystemExit, match="VARS must be a YAML mapping"):
        build_vars(None, None, "[1, 2]")


def test_raw_dir_must_exist(tmp_path):
    with pytest.raises(SystemExit, match="is not a folder"):
        build_vars(str(tmp_path / "nope"), None, None)


def test_publish_swaps_database_and_parquet_and_keeps_readers(tmp_path):
    work = tmp_path / "work.duckdb"
    with duckdb.connect(str(work)) as con:
        con.execute("create table main.dim_x as select 1 as customer_id")
    publish(work, tmp_path, [("main", "dim_x")])
    reader = duckdb.connect(str(tmp_path / "retention.duckdb"), read_only=True)
    assert reader.execute("select * from dim_x").fetchall() == [(1,)]
    with duckdb.connect(str(work)) as con:
        con.execute("create or replace table main.dim_x as select 2 as customer_id")
    publish(work, tmp_path, [("main", "dim_x")])
    # the open reader still sees its snapshot; a new reader (another process,
    # as a BI tool is: DuckDB shares one instance per path within a process)
    # sees the new one
    assert reader.execute("select * from dim_x").fetchall() == [(1,)]
    code = ("import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True);"
            " print(c.execute('select * from dim_x').fetchone()[0])")
    new = subprocess.run([sys.executable, "-c", code,
                          str(tmp_path / "retention.duckdb")],
                         capture_output=True, text=True, check=True)
    assert new.stdout.strip() == "2"
    # storage format v1.1 (version number 64): DuckDB 1.x based BI tools can
    # open the file; DuckDB 2 writes a format they cannot read by default
    header = (tmp_path / "retention.duckdb").read_bytes()[8:20]
    assert header[:4] == b"DUCK"
    assert int.from_bytes(header[4:], "little") == 64
    parquet = tmp_path / "marts" / "dim_x.parquet"
    assert duckdb.sql(f"select * from '{parquet}'").fetchall() == [(2,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "current", "marts", "releases", "retention.duckdb", "work.duckdb"]


@pytest.mark.parametrize(("as_of", "extra", "message"), [
    (None, "{quarantine_max_share: 0.5", "VARS is not valid YAML"),
    (None, "{a: [1, 2}", "VARS is not valid YAML"),
    (None, "{quarantine_max_shar: 0.5}",
     "unknown var 'quarantine_max_shar' (did you mean 'quarantine_max_share'?)"),
    (None, "{churn_recogniton: cancellation}",
     "unknown var 'churn_recogniton' (did you mean 'churn_recognition'?)"),
    (None, "{quarantine_max_share: lots}",
     "var 'quarantine_max_share' must be a float"),
    (None, "{premium_tiers: enterprise}", "var 'premium_tiers' must be a list"),
    ("2025-02-30", None, "AS_OF must be a real day as YYYY-MM-DD"),
    ("tomorrow", None, "AS_OF must be a real day as YYYY-MM-DD"),
    ("2025-6-30", None, "AS_OF must be a real day as YYYY-MM-DD"),
    (None, "{as_of_date: 2025-13-01}", "VARS holds an impossible date"),
    ("2999-01-01", None, "AS_OF 2999-01-01 is after today"),
    (None, "{as_of_date: 2999-01-01}", "AS_OF 2999-01-01 is after today"),
    (None, "{as_of_date: 20250631}", "AS_OF must be a real day"),
])
def test_bad_invocations_stop_with_one_line(as_of, extra, message):
    with pytest.raises(runner.InvocationError, match=message.replace("(", r"\(")
                       .replace(")", r"\)").replace("?", r"\?")) as caught:
        build_vars(None, as_of, extra)
    assert caught.value.code == 2
    assert "\n" not in str(caught.value)


def test_dates_in_vars_travel_as_text():
    assert build_vars(None, None, "{as_of_date: 2025-06-30}") == {
        "as_of_date": "2025-06-30"}


def run_cli(warehouse: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "retention_lib.cli", "run", "--no-docs", *args],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120,
        env=runner.dbt_env(warehouse, **{
            "DBT_TARGET": "dev", "DBT_TARGET_PATH": str(warehouse / "target"),
            "RAW_DIR": "", "AS_OF": "", "VARS": "", **env}))


def test_the_command_line_refuses_bad_invocations_before_building(tmp_path):
    """No traceback, exit 2, and nothing built (no work database)."""
    for env in ({"VARS": "{quarantine_max_share: "}, {"AS_OF": "2025-02-30"},
                {"VARS": "{discount_polcy: list}"}):
        result = run_cli(tmp_path, **env)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "work.duckdb").exists()


def test_a_second_run_on_the_same_warehouse_refuses(tmp_path):
    with cli.RunLock(tmp_path):
        result = run_cli(tmp_path)
    assert result.returncode == 2
    assert "another run is using the warehouse" in result.stderr
    assert f"pid {os.getpid()}" in result.stderr
    assert not (tmp_path / "work.duckdb").exists()
    with cli.RunLock(tmp_path):  # released: the next run may start
        pass


def test_nothing_published_says_whether_there_is_a_last_good_build(tmp_path):
    assert "has no published marts yet" in runner.nothing_published(tmp_path)
    work = tmp_path / "work.duckdb"
    with duckdb.connect(str(work)) as con:
        con.execute("create table main.dim_x as select 1 as customer_id")
    publish(work, tmp_path, [("main", "dim_x")])
    assert "are the last good ones" in runner.nothing_published(tmp_path)


PUBLISH = """
import sys
from pathlib import Path
from retention_lib.cli import publish
folder = Path(sys.argv[1])
publish(folder / "work.duckdb", folder, [("main", "dim_x"), ("main", "dim_y")])
"""


def published_pair(warehouse: Path) -> tuple[int, int]:
    """The value the DuckDB file and the Parquet folder hold; they must be
    the same release (both tables, both formats)."""
    con = duckdb.connect(str(warehouse / "retention.duckdb"), read_only=True)
    in_file = {t: con.execute(f"select v from {t}").fetchone()[0]
               for t in ("dim_x", "dim_y")}
    con.close()
    in_parquet = {t: duckdb.sql(
        f"select v from '{warehouse / 'marts' / (t + '.parquet')}'"
    ).fetchall()[0][0] for t in ("dim_x", "dim_y")}
    assert in_file == in_parquet, (in_file, in_parquet)
    assert len(set(in_file.values())) == 1, in_file
    return in_file["dim_x"]


@pytest.mark.parametrize("step", ["copying", "written", "linked", "swapped"])
@pytest.mark.parametrize("layout", ["releases", "legacy"])
def test_a_publish_killed_at_any_step_leaves_one_consistent_release(
        tmp_path, step, layout):
    """The DuckDB file and the Parquet folder are published as one release
    behind one pointer: a kill at any step leaves both old or both new,
    never a mix, and the next publish succeeds. Also from a warehouse
    published before releases existed (a plain file and folder)."""
    work = tmp_path / "work.duckdb"

    def build(value: int) -> None:
        with duckdb.connect(str(work)) as con:
            for table in ("dim_x", "dim_y"):
                con.execute(f"create or replace table main.{table} as "
                            f"select {value} as v")

    build(1)
    if layout == "legacy":
        (tmp_path / "marts").mkdir()
        con = duckdb.connect(str(tmp_path / "retention.duckdb"))
        con.execute("attach '" + str(work) + "' as work (read_only)")
        for table in ("dim_x", "dim_y"):
            con.execute(f"create table {table} as select * from work.{table}")
            con.execute(f"copy {table} to '{tmp_path / 'marts' / table}.parquet'"
                        " (format parquet)")
        con.close()
    else:
        publish(work, tmp_path, [("main", "dim_x"), ("main", "dim_y")])
    assert published_pair(tmp_path) == 1
    build(2)
    killed = subprocess.run(
        [sys.executable, "-c", PUBLISH, str(tmp_path)], cwd=PROJECT_DIR,
        env={**os.environ, "RETENTION_PUBLISH_FAULT": step,
             "PYTHONPATH": str(PROJECT_DIR / "python")})
    assert killed.returncode == 137
    assert published_pair(tmp_path) == (2 if step == "swapped" else 1)
    build(3)
    publish(work, tmp_path, [("main", "dim_x"), ("main", "dim_y")])
    assert published_pair(tmp_path) == 3
    assert len(list((tmp_path / "releases").iterdir())) <= 2


def test_full_refresh_switch(monkeypatch, tmp_path):
    """make run FULL_REFRESH=1 (or --full-refresh) rebuilds incremental
    models: the flag reaches dbt build."""
    calls = []
    monkeypatch.setattr(cli, "dbt", lambda args, env: calls.append(args) or 1)
    monkeypatch.setenv("FULL_REFRESH", "1")
    monkeypatch.setenv("RETENTION_WAREHOUSE_DIR", str(tmp_path))
    monkeypatch.setenv("DBT_TARGET", "dev")
    for name in ("RAW_DIR", "AS_OF", "VARS"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main(["run", "--no-docs"]) == 1
    assert calls == [["build", "--selector", "make_run", "--full-refresh"]]
    monkeypatch.setenv("FULL_REFRESH", "")
    calls.clear()
    cli.main(["run", "--no-docs"])
    assert calls == [["build", "--selector", "make_run"]]


@pytest.mark.parametrize("gates_pass", [True, False])
def test_lineage_docs_are_staged_beside_the_gates_and_placed_once_published(
        monkeypatch, tmp_path, gates_pass):
    """The lineage docs are generated while the gates run (dbt in its own
    target folder, the working file read-only, after the freshness report,
    whose parse it starts from) and copied into target/ only when the
    build was published: a run whose gates fail leaves the last published
    build's docs in place."""
    target = tmp_path / "target"
    monkeypatch.setenv("DBT_TARGET_PATH", str(target))
    monkeypatch.setenv("RETENTION_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("DBT_TARGET", "dev")
    for name in ("RAW_DIR", "AS_OF", "VARS", "FULL_REFRESH"):
        monkeypatch.delenv(name, raising=False)
    target.mkdir()
    (target / "manifest_build.json").write_text("{}")
    for name in cli.LINEAGE_DOCS:
        (target / name).write_text("last published build")
    (target / "freshness").mkdir()
    (target / "freshness" / "partial_parse.msgpack").write_bytes(b"a parse")
    events = []

    def fake_dbt(args, env):
        if args[0] == "docs":
            assert env["RETENTION_DUCKDB_ACCESS_MODE"] == "read_only"
            own = Path(env["DBT_TARGET_PATH"])
            assert own == target / "docs"
            assert (own / "manifest.json").read_text() == "{}"  # the build's
            assert "--no-compile" in args
            assert (own / "partial_parse.msgpack").read_bytes() == b"a parse"
            for name in cli.LINEAGE_DOCS:
                (own / name).write_text("this build")
        events.append(args[0])
        return 0

    def fake_gates(warehouse, dbt_vars, stats):
        events.append("gates")
        return (0 if gates_pass else 1), {"nodes": {}}, []

    monkeypatch.setattr(cli, "dbt", fake_dbt)
    monkeypatch.setattr(cli, "keep_build_results", lambda: None)
    monkeypatch.setattr(cli, "gate_and_publish", fake_gates)
    monkeypatch.setattr(cli, "future_quarantined", lambda *a: 0)
    monkeypatch.setattr(cli, "report_freshness",
                        lambda env, vars_arg: events.append("freshness"))
    monkeypatch.setattr(run_record, "write", lambda *a: None)
    import retention_lib.dashboards as dashboards  # noqa: PLC0415
    monkeypatch.setattr(dashboards, "write_dashboards",
                        lambda warehouse, manifest: tmp_path / "dashboards")
    code = cli.main(["run"])
    assert sorted(events) == ["build", "docs", "freshness", "gates"]
    assert events.index("freshness") < events.index("docs")
    assert code == (0 if gates_pass else 1)
    expected = "this build" if gates_pass else "last published build"
    assert {(target / name).read_text() for name in cli.LINEAGE_DOCS} == {expected}


def test_a_new_export_folder_leaves_the_parsed_vars_unchanged(monkeypatch, tmp_path):
    """dbt parses the whole project again when a var's value changes (7 s):
    the CLI passes var raw_dir as '$RETENTION_RAW_DIR' and the folder in that
    environment variable, so two days' folders give dbt the same vars. (The
    load hook reading it names the real folder in its messages: the bad
    folder tests of test_raw_dir_build.)"""
    calls = []
    monkeypatch.setattr(cli, "dbt", lambda args, env: calls.append(
        (args, env.get("RETENTION_RAW_DIR"))) or 1)
    monkeypatch.setenv("RETENTION_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("DBT_TARGET", "dev")
    for name in ("AS_OF", "VARS", "FULL_REFRESH"):
        monkeypatch.delenv(name, raising=False)
    days = [tmp_path / "2025-12-28", tmp_path / "2025-12-29"]
    for day in days:
        day.mkdir()
        monkeypatch.setenv("RAW_DIR", str(day))
        assert cli.main(["run", "--no-docs"]) == 1
    (first, first_dir), (second, second_dir) = calls
    assert first == second == ["build", "--selector", "make_run", "--vars",
                               '{"raw_dir": "$RETENTION_RAW_DIR"}']
    assert [first_dir, second_dir] == [str(day.resolve()) for day in days]
    hook = (PROJECT_DIR / "macros" / "load_raw_exports.sql").read_text()
    assert "env_var('RETENTION_RAW_DIR')" in hook


def test_a_new_export_on_the_same_code_skips_the_unit_tests(monkeypatch, tmp_path):
    """After a published run, the next run with new exports but the same
    code and settings builds without the unit tests (they read fixtures);
    other vars, or FULL_REFRESH, run them. The record is the one the CLI
    writes after publishing (here written from the first run's fingerprint,
    as publishing needs a real build)."""
    calls, prints = [], []
    monkeypatch.setattr(cli, "dbt", lambda args, env: calls.append(args) or 1)
    real_fingerprint = run_record.fingerprint
    monkeypatch.setattr(run_record, "fingerprint", lambda *a: prints.append(
        real_fingerprint(*a)) or prints[-1])
    warehouse = tmp_path / "warehouse"
    monkeypatch.setenv("RETENTION_WAREHOUSE_DIR", str(warehouse))
    monkeypatch.setenv("DBT_TARGET", "dev")
    for name in ("AS_OF", "VARS", "FULL_REFRESH"):
        monkeypatch.delenv(name, raising=False)
    days = [tmp_path / "2025-12-28", tmp_path / "2025-12-29"]
    for number, day in enumerate(days):
        day.mkdir()
        (day / "events.csv").write_text(f"event_id\ne{number}\n")
    unit = ["--exclude-resource-type", "unit_test"]

    def run(day, **settings) -> list[str]:
        monkeypatch.setenv("RAW_DIR", str(day))
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        assert cli.main(["run", "--no-docs"]) == 1  # the build "fails"
        return calls[-1]

    assert run(days[0])[-2:] != unit  # no record yet
    run_record.write(warehouse, prints[-1], future_quarantined=0)
    assert run(days[1])[-2:] == unit
    run_record.write(warehouse, prints[0], future_quarantined=0)
    assert run(days[1], VARS="{reporting_currency: EUR}")[-2:] != unit
    run_record.write(warehouse, prints[0], future_quarantined=0)
    assert run(days[1], VARS="", FULL_REFRESH="1")[-2:] != unit


def test_the_parse_cache_keys_on_vars_target_and_warehouse_name(tmp_path):
    """Two warehouses of one name share a parse (dbt runs in each one's
    parent folder, where the profile's relative path names it); other vars,
    another target, another warehouse name or the read-only access mode
    (the lineage docs, the freshness report) do not."""
    cache = tmp_path / "cache"
    args = ["build", "--vars", '{"as_of_date": "2025-12-31"}']

    def prepared(warehouse, dbt_args=args, target="dev", **settings):
        env = runner.dbt_env(warehouse, DBT_TARGET=target, **settings)
        return runner.parse_cached(dbt_args, env, cache)

    env, cwd, cached = prepared(tmp_path / "a" / "warehouse")
    assert cwd == tmp_path / "a"
    assert env["RETENTION_WAREHOUSE_DIR"] == "warehouse"
    assert env["DBT_PROJECT_DIR"] == str(PROJECT_DIR)
    assert "DBT_PARTIAL_PARSE_FILE_PATH" not in env  # nothing cached yet
    cached.write_bytes(b"a parse")
    env, cwd, again = prepared(tmp_path / "b" / "warehouse")
    assert (cwd, again) == (tmp_path / "b", cached)
    assert env["DBT_PARTIAL_PARSE_FILE_PATH"] == str(cached)
    others = {prepared(tmp_path / "a" / "warehouse", ["build"])[2],
              prepared(tmp_path / "a" / "warehouse", target="prod")[2],
              prepared(tmp_path / "a" / "judged")[2],
              prepared(tmp_path / "a" / "warehouse",
                       RETENTION_DUCKDB_ACCESS_MODE="read_only")[2]}
    assert cached not in others and len(others) == 4
