"""The record of the last published run (retention_lib.run_record): what
makes the next run build and what lets it skip. No dbt: the fingerprint
and the conditions on small folders; the CLI's skip on a real published
build is in test_publish.py."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

from retention_lib import run_record

ENV = {"DBT_TARGET": "dev", "RETENTION_PG_PORT": "5433", "PATH": "/bin",
       "RETENTION_WAREHOUSE_DIR": "/a", "DBT_TARGET_PATH": "/t"}


@pytest.fixture
def raw(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "events.csv").write_text("event_id\ne1\n")
    (folder / "customers.parquet").write_bytes(b"PAR1 rows PAR1")
    return folder


def fake_pipeline(monkeypatch, cli, dbt, publish) -> None:
    """The CLI's build-and-publish sequence with dbt (`dbt(args, env)`), the
    gates (passing) and the publish (`publish(args)`) replaced."""
    import sys  # noqa: PLC0415
    import types  # noqa: PLC0415

    monkeypatch.setattr(cli, "dbt", dbt)
    monkeypatch.setattr(cli, "import_gates", lambda: None)
    monkeypatch.setattr(cli, "keep_build_results", lambda: None)
    monkeypatch.setattr(cli, "read_manifest", lambda path: {})
    monkeypatch.setattr(cli, "published_relations", lambda manifest: [])
    monkeypatch.setattr(cli, "published_docs", lambda manifest: {})
    monkeypatch.setattr(cli, "publish", lambda *args: publish(args))
    monkeypatch.setitem(sys.modules, "retention_lib.gates",
                        types.SimpleNamespace(gate=lambda *args: True))


def test_the_fingerprint_moves_with_every_input_and_only_with_inputs(raw):
    dbt_vars = {"raw_dir": str(raw), "as_of_date": "2025-12-31"}
    base = run_record.fingerprint(dbt_vars, ENV, {"docs": True})
    assert run_record.fingerprint(dbt_vars, ENV, {"docs": True}) == base
    # where things are written and unrelated variables do not count
    moved = {**ENV, "RETENTION_WAREHOUSE_DIR": "/b", "DBT_TARGET_PATH": "/u",
             "PATH": "/usr/bin"}
    assert run_record.fingerprint(dbt_vars, moved, {"docs": True}) == base
    changes = [
        (dbt_vars, {**ENV, "DBT_TARGET": "ci"}, {"docs": True}),
        (dbt_vars, {**ENV, "RETENTION_PG_PORT": "5434"}, {"docs": True}),
        ({**dbt_vars, "as_of_date": "2025-11-30"}, ENV, {"docs": True}),
        (dbt_vars, ENV, {"docs": False}),
    ]
    for args in changes:
        assert run_record.fingerprint(*args) != base, args
    (raw / "events.csv").write_text("event_id\ne2\n")  # same size, new content
    changed = run_record.fingerprint(dbt_vars, ENV, {"docs": True})
    assert changed["exports"] != base["exports"]
    assert changed["project"] == base["project"]
    (raw / "tickets.csv").write_text("ticket_id\n")
    assert "tickets.csv" in run_record.fingerprint(dbt_vars, ENV, {})["exports"]


def test_a_change_in_the_project_moves_the_fingerprint(raw, tmp_path, monkeypatch):
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    (project / "models" / "a.sql").write_text("select 1")
    monkeypatch.setattr(run_record, "PROJECT_DIR", project)
    dbt_vars = {"raw_dir": str(raw)}
    base = run_record.fingerprint(dbt_vars, ENV, {})
    (project / "models" / "a.sql").write_text("select 2")
    assert run_record.fingerprint(dbt_vars, ENV, {})["project"] != base["project"]
    (project / "models" / "a.sql").write_text("select 1")
    assert run_record.fingerprint(dbt_vars, ENV, {}) == base
    (project / "models" / "__pycache__").mkdir()
    (project / "models" / "__pycache__" / "x.pyc").write_bytes(b"compiled")
    assert run_record.fingerprint(dbt_vars, ENV, {}) == base


def published_warehouse(folder, release="r1"):
    (folder / "releases" / release).mkdir(parents=True)
    (folder / "releases" / release / "retention.duckdb").write_bytes(b"db")
    link = folder / "current"
    if link.is_symlink():
        link.unlink()
    os.symlink(f"releases/{release}", link)
    if not (folder / "retention.duckdb").is_symlink():
        os.symlink("current/retention.duckdb", folder / "retention.duckdb")
    return folder


def test_only_an_equal_fingerprint_of_the_live_release_skips(tmp_path, raw):
    warehouse = published_warehouse(tmp_path / "warehouse")
    inputs = run_record.fingerprint({"raw_dir": str(raw)}, ENV, {})
    assert run_record.unchanged_since(warehouse, inputs) is None  # no record
    run_record.write(warehouse, inputs, future_quarantined=0)
    record = run_record.unchanged_since(warehouse, inputs)
    assert record is not None and record["release"] == "r1"
    other = {**inputs, "settings": "x"}
    assert run_record.unchanged_since(warehouse, other) is None
    # rows quarantined as dated in the future: time alone may change them
    run_record.write(warehouse, inputs, future_quarantined=3)
    assert run_record.unchanged_since(warehouse, inputs) is None
    # another release published since (e.g. by an older version)
    run_record.write(warehouse, inputs, future_quarantined=0)
    published_warehouse(warehouse, "r2")
    assert run_record.unchanged_since(warehouse, inputs) is None
    # the published file is gone
    run_record.write(warehouse, inputs, future_quarantined=0)
    shutil.rmtree(warehouse / "releases" / "r2")
    assert run_record.unchanged_since(warehouse, inputs) is None
    # a run that builds forgets the record first: a failed run leaves none
    published_warehouse(warehouse, "r2")
    assert run_record.unchanged_since(warehouse, inputs) is not None
    run_record.forget(warehouse)
    assert run_record.unchanged_since(warehouse, inputs) is None
    (warehouse / run_record.RECORD).write_text("{not json")
    assert run_record.unchanged_since(warehouse, inputs) is None


def test_the_code_digest_ignores_only_where_the_exports_are(raw, tmp_path):
    """Unit tests read fixtures: a run may skip them when the code digest
    equals the last published run's. Another export folder, or other files
    in it, leave it; whether RAW_DIR is set, the vars, the target and the
    project move it."""
    other = tmp_path / "other"
    shutil.copytree(raw, other)
    (other / "events.csv").write_text("event_id\ne1\ne2\n")
    day = {"raw_dir": str(raw), "as_of_date": "2025-12-31"}
    base = run_record.fingerprint(day, {**ENV, "RETENTION_RAW_DIR": str(raw)}, {})
    next_day = run_record.fingerprint({**day, "raw_dir": str(other)},
                                      {**ENV, "RETENTION_RAW_DIR": str(other)}, {})
    assert next_day["exports"] != base["exports"]
    assert next_day["settings"] != base["settings"]
    assert next_day["code"] == base["code"]
    moved = [
        run_record.fingerprint({"as_of_date": "2025-12-31"}, ENV, {}),
        run_record.fingerprint({**day, "as_of_date": "2025-11-30"}, ENV, {}),
        run_record.fingerprint(day, {**ENV, "DBT_TARGET": "prod"}, {}),
    ]
    base = run_record.fingerprint(day, ENV, {})
    for fingerprint in moved:
        assert fingerprint["code"] != base["code"]


def test_unit_tests_passed_needs_a_record_of_the_same_code(tmp_path, raw):
    warehouse = published_warehouse(tmp_path / "warehouse")
    inputs = run_record.fingerprint({"raw_dir": str(raw)}, ENV, {})
    assert run_record.unit_tests_passed(warehouse, inputs) is None  # no record
    run_record.write(warehouse, {**inputs, "exports": {}}, future_quarantined=2)
    assert run_record.unit_tests_passed(warehouse, inputs) is not None
    assert run_record.unit_tests_passed(warehouse, {**inputs, "code": "x"}) is None
    # a record from before the code digest existed
    run_record.write(warehouse, {k: v for k, v in inputs.items() if k != "code"}, 0)
    assert run_record.unit_tests_passed(warehouse, inputs) is None
    run_record.forget(warehouse)  # a run that builds: a failure leaves none
    assert run_record.unit_tests_passed(warehouse, inputs) is None


def test_data_tests_check_new_rows_only_after_a_full_check_of_this_code(
        tmp_path, raw):
    warehouse = published_warehouse(tmp_path / "warehouse")
    inputs = run_record.fingerprint({"raw_dir": str(raw)}, ENV, {})
    now = dt.datetime(2026, 3, 10, 6, 0, tzinfo=dt.UTC)

    def rows(when=now, fingerprint=inputs, every=7):
        return run_record.data_test_rows(warehouse, fingerprint, every, when)[0]

    assert rows() == "all_rows"  # no record
    # a published run that checked every row at its start
    checked = run_record.all_rows_checked_at(warehouse, "all_rows", now, inputs)
    assert checked == "2026-03-10T06:00:00Z"
    run_record.write(warehouse, inputs, 0, checked)
    assert rows(now + dt.timedelta(days=6, hours=23)) == "new_rows"
    assert rows(now + dt.timedelta(days=7)) == "all_rows"  # the schedule
    assert rows(now + dt.timedelta(days=2), every=1) == "all_rows"
    assert rows(fingerprint={**inputs, "code": "x"}) == "all_rows"
    # a run on new exports of the same code keeps the date of the full check
    tomorrow = now + dt.timedelta(days=1)
    assert run_record.all_rows_checked_at(warehouse, "new_rows", tomorrow,
                                          inputs) == checked
    # which rows the tests check is no input of the build
    assert run_record.fingerprint(
        {"raw_dir": str(raw)}, {**ENV, "RETENTION_DATA_TESTS": "new_rows"},
        {}) == inputs
    # a record written before the field existed, or a failed run since
    run_record.write(warehouse, inputs, 0)
    assert rows() == "all_rows"
    run_record.write(warehouse, inputs, 0, checked)
    run_record.forget(warehouse)
    assert rows() == "all_rows"


def test_an_export_rewritten_during_the_run_publishes_nothing(
        raw, tmp_path, monkeypatch, capsys):
    """A Parquet export is read from its file by each model that reads it
    (DECISIONS 122): a file replaced or rewritten while the run builds
    stops the publish. The CLI's own sequence, with dbt, the gates and the
    publish replaced: the fake build rewrites one export."""
    import argparse  # noqa: PLC0415

    from retention_lib import cli  # noqa: PLC0415

    events = raw / "events.csv"
    before = run_record.export_stats({"raw_dir": str(raw)})
    assert run_record.changed_exports({"raw_dir": str(raw)}, before) == []
    published = []

    def build(args, env):
        if args[0] == "build":  # the export job writes a new file meanwhile
            replacement = raw / "events.csv.new"
            replacement.write_text(events.read_text())  # same bytes, new file
            os.replace(replacement, events)
        return 0

    fake_pipeline(monkeypatch, cli, build, published.append)
    args = argparse.Namespace(full_refresh=True, no_docs=True, no_freshness=True)
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    code = cli.build_and_publish(args, warehouse, dict(ENV), {"raw_dir": str(raw)})
    assert code == 1
    assert published == []
    error = capsys.readouterr().err
    assert f"raw export file(s) events.csv in {raw} changed during the run" in error
    assert "nothing published" in error
    # unchanged files: the same sequence publishes
    monkeypatch.setattr(cli, "dbt", lambda args, env: 0)
    monkeypatch.setattr(run_record, "write", lambda *args: None)
    monkeypatch.setattr(cli, "future_quarantined", lambda *args: 0)
    assert cli.build_and_publish(args, warehouse, dict(ENV),
                                 {"raw_dir": str(raw)}) == 0
    assert len(published) == 1


def test_the_cli_hands_dbt_the_rows_its_data_tests_check(
        raw, tmp_path, monkeypatch, capsys):
    """The CLI's own sequence, with dbt, the gates and the publish replaced:
    the first run checks every row; a run on a new export of the same code
    only the new rows (and says so); FULL_CHECK=1 every row again."""
    import argparse  # noqa: PLC0415

    from retention_lib import cli  # noqa: PLC0415

    builds = []

    def build(args, env):
        if args[0] == "build":
            builds.append(env.get("RETENTION_DATA_TESTS"))
        return 0

    fake_pipeline(monkeypatch, cli, build, lambda args: None)
    monkeypatch.setattr(cli, "future_quarantined", lambda *args: 0)
    warehouse = published_warehouse(tmp_path / "warehouse")

    def run(day: int, full_check: bool = False) -> str:
        (raw / "events.csv").write_text("event_id\n" + "".join(
            f"e{i}\n" for i in range(day)))  # one more event each day
        args = argparse.Namespace(full_refresh=False, full_check=full_check,
                                  no_docs=True, no_freshness=True)
        assert cli.build_and_publish(args, warehouse, dict(ENV),
                                     {"raw_dir": str(raw)}) == 0
        return capsys.readouterr().out

    assert "check only the rows this run built" not in run(1)
    assert "check only the rows this run built" in run(2)
    assert "check only the rows this run built" not in run(3, full_check=True)
    assert "check only the rows this run built" in run(4)
    assert builds == ["all_rows", "new_rows", "all_rows", "new_rows"]
