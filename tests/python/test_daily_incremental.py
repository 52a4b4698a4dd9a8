"""The daily case: a run on yesterday's export, then an incremental run on
today's, equals a full build of today's export, table for table.

Yesterday's export is the small generated set as its systems would have
exported it at the start of its latest event day
(retention_lib.generator.observe): that day's rows are not there yet and
what happened to older rows since (invoices paid, tickets resolved,
cancellations) is undone. Today's export is the set itself, which
clean_build built in full. Every table the incremental run leaves in the
work database (every model, the incremental ones included: validated
events, user-days, weekly health inputs, daily engagement, monthly
feature usage and their states) must hold exactly
the rows of clean_build's, but for built_at, the start of the run that
wrote each row."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import duckdb
import pytest

from conftest import AS_OF, mark_oldest_row, mark_oldest_snapshot, marts_fingerprint
from retention_lib import runner
from retention_lib.generator.observe import export_before, latest_event_day

pytestmark = pytest.mark.dbt
INCREMENTAL = {
    "base_product__events": "new_raw_rows",
    "int_events_aggregated_to_user_day": "loaded_days",
    "int_health_inputs_aggregated_to_customer_week":
        "where snapshot_date not in (select snapshot_date",
    "fct_engagement_daily": "recompute_from.first_new_day",
    "int_feature_usage_aggregated_to_account_month":
        "kept_months.last_kept_month",
}


def code_fingerprint(manifest: dict, model: str, extra: str) -> str:
    """What macro model_code_fingerprint records for `model`, recomputed
    from the manifest: an md5 of its code, dbt's version, `extra` and the
    source of every project macro it reaches (through the macros' own
    calls and dispatch to the duckdb or default implementation)."""
    node = manifest["nodes"][f"model.retention.{model}"]
    macros = manifest["macros"]
    pending, seen, sources = list(node["depends_on"]["macros"]), set(), []
    while pending:
        unique_id = pending.pop()
        if unique_id in seen or unique_id not in macros:
            continue
        seen.add(unique_id)
        _, package, name = unique_id.split(".")
        if package != "retention":
            continue
        sources.append(unique_id + "\n" + macros[unique_id]["macro_sql"])
        pending += macros[unique_id]["depends_on"]["macros"]
        pending += [f"macro.retention.{kind}__{name}"
                    for kind in ("duckdb", "default")]
    text = "\n".join([node["raw_code"], manifest["metadata"]["dbt_version"],
                      extra, *sorted(sources)])
    return hashlib.md5(text.encode()).hexdigest()


def test_next_day_incremental_run_equals_full_build(small_csv_set, clean_build,
                                                    tmp_path):
    new_day = latest_event_day(small_csv_set)
    yesterday = tmp_path / "yesterday"
    counts = export_before(small_csv_set, yesterday, new_day)
    assert counts["events"][0] < counts["events"][1]

    warehouse, target = tmp_path / "warehouse", tmp_path / "target"
    warehouse.mkdir()
    env = runner.dbt_env(warehouse, DBT_TARGET_PATH=target, DBT_TARGET="dev")
    health = "int_health_inputs_aggregated_to_customer_week"
    engagement = "fct_engagement_daily"
    usage = "int_feature_usage_aggregated_to_account_month"
    usage_key = "date_month, customer_id, feature_name"

    def build(raw_dir, as_of, *selection) -> None:
        dbt_vars = {"raw_dir": str(raw_dir), "as_of_date": str(as_of)}
        result = runner.run_dbt(
            ["build", *selection, "--exclude-resource-type", "test",
             "unit_test", "--vars", json.dumps(dbt_vars)], env, capture=True,
            timeout=900)
        assert result.returncode == 0, result.stdout[-4000:]

    build(yesterday, new_day - dt.timedelta(days=1))
    # an old snapshot, engagement day and feature-usage month nothing
    # touched are kept, not computed again: a mark put on each survives
    # today's run; the marks are then taken off and what reads them built
    # again
    original = mark_oldest_snapshot(warehouse, -1)
    first_day = mark_oldest_row(warehouse, engagement, "dau", -1, "date_day")
    first_month = mark_oldest_row(warehouse, usage, "feature_users", -1,
                                  usage_key)
    build(small_csv_set, AS_OF)
    assert mark_oldest_snapshot(warehouse, original) == -1
    assert mark_oldest_row(warehouse, engagement, "dau", first_day,
                           "date_day") == -1
    assert mark_oldest_row(warehouse, usage, "feature_users", first_month,
                           usage_key) == -1
    # the back-test is kept whole while what it reads is unchanged: the
    # snapshots it reads change now (the mark on the health inputs is
    # off), so the mark put on it goes
    backtest = "fct_health_score_backtest"

    def mark_backtest(value) -> int:
        return mark_oldest_row(warehouse, backtest, "customers", value,
                               "snapshot_date")

    mark_backtest(-1)
    build(small_csv_set, AS_OF, "-s", f"{health}+", f"{engagement}+",
          f"{usage}+", "--exclude", health, engagement, usage)
    computed = mark_backtest(-1)
    assert computed != -1
    mark_backtest(computed)
    for model, branch in INCREMENTAL.items():
        compiled = next((target / "compiled").rglob(f"{model}.sql")).read_text()
        assert branch in compiled, model  # the incremental branch ran

    ours = marts_fingerprint(warehouse / "work.duckdb", schema="main")
    full = marts_fingerprint(clean_build[0] / "work.duckdb", schema="main")
    assert set(ours) == set(full)
    # dbt snapshots record each run's changes: history, not a function of
    # today's export
    manifest = json.loads((target / "manifest.json").read_text())
    history = {node["alias"] for node in manifest["nodes"].values()
               if node["resource_type"] == "snapshot"}
    assert history <= set(ours)
    differing = sorted(t for t in set(ours) - history if ours[t] != full[t])
    assert not differing, differing

    # nothing it reads changed since: the back-test selects no row and
    # keeps the table, a mark put on it included
    mark_backtest(-1)
    build(small_csv_set, AS_OF, "-s", backtest)
    compiled = next((target / "compiled").rglob(f"{backtest}.sql"))
    assert "where false" in compiled.read_text()
    assert mark_backtest(computed) == -1

    # each state table records its model's code fingerprint: the model,
    # every project macro it reaches and the vars it reads (a change in a
    # macro computes every row again)
    settings = runner.project_vars({})
    manifest = json.loads((target / "manifest.json").read_text())
    horizon = manifest["nodes"][f"model.retention.{backtest}"]["config"][
        "horizon_days"]
    expected = {
        backtest: f"horizon_days={horizon}",
        engagement: "",
        usage: ",".join(settings["non_qualifying_events"]),
        health: ",".join(settings["health_key_features"]) + "|"
        + str(settings["health_slow_resolution_hours"])}
    con = duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)
    try:
        for model, extra in expected.items():
            (recorded,) = con.execute(
                f"select fingerprint from {model}__inputs_state").fetchone()
            assert recorded == code_fingerprint(manifest, model, extra), model
    finally:
        con.close()
