"""`make run` runs each model's row and key tests in one query (the
batched_data_tests generic test, selector make_run): it must fail exactly
where the individual tests fail, and no test of those kinds may be left
out of every batch (DECISIONS 129)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import duckdb
import yaml

from conftest import AS_OF, PROJECT_DIR, copy_of_clean_build
from retention_lib import cli, runner

KINDS = {"not_null", "unique", "accepted_values", "accepted_range",
         "expression_is_true", "unique_combination_of_columns"}
FAULTY = ("fct_customer_health_snapshots", "int_survey_comments_scored")


def test_the_selector_leaves_out_the_kinds_the_batches_run():
    """The kinds in the macro and the kinds selector make_run leaves out
    are the same list."""
    macro = (PROJECT_DIR / "macros/tests/test_batched_data_tests.sql").read_text()
    listed = re.search(r"batched_data_test_names\(\) -%\}\s*\{\{ return\((\[.*?\])\)",
                       macro, re.S).group(1)
    in_macro = set(re.findall(r"'(\w+)'", listed))
    selectors = yaml.safe_load((PROJECT_DIR / "selectors.yml").read_text())
    make_run = next(s for s in selectors["selectors"] if s["name"] == "make_run")
    (excluded,) = [entry["exclude"] for entry in make_run["definition"]["union"]
                   if "exclude" in entry]
    kinds = excluded[0]["intersection"][0]
    assert {entry["value"] for entry in kinds["union"]} == in_macro == KINDS


def test_the_selectors_leave_out_only_what_the_other_runs(ci_parse, ci_manifest,
                                                         tmp_path):
    """Plain dbt (the default selector) selects every node, sources
    included (`dbt source freshness` reads them), but the batches; make_run
    every node but the individual tests the batches run."""
    shutil.copytree(ci_parse, tmp_path / "target")  # its parse, reused
    env = runner.dbt_env(tmp_path, DBT_TARGET="ci", DBT_TARGET_PATH=tmp_path / "target")

    def listed(*selection: str) -> set[str]:
        result = runner.run_dbt(["ls", "-q", "--output", "json", "--output-keys",
                                 "unique_id", *selection], env, capture=True,
                                timeout=600)
        assert result.returncode == 0, result.stdout[-2000:]
        return {json.loads(line)["unique_id"] for line in result.stdout.splitlines()
                if line.startswith("{")}

    everything = listed("-s", "fqn:*", "source:*")
    nodes = ci_manifest["nodes"]

    def kind(unique_id: str) -> str | None:
        return (nodes.get(unique_id, {}).get("test_metadata") or {}).get("name")

    batches = {u for u in everything if kind(u) == "batched_data_tests"}
    batched = {u for u in everything if kind(u) in KINDS
               and "unbatched" not in nodes[u]["tags"]}
    assert len(batches) > 100 and len(batched) > 600
    assert any(u.startswith("source.") for u in everything)
    assert listed() == everything - batches
    assert listed("--selector", "make_run") == everything - batched


def test_every_test_of_those_kinds_is_batched_or_runs_alone(ci_manifest):
    """The manifest view of the singular test's rule: each test of the
    batched kinds is tagged unbatched or attached to a node that has a
    batched_data_tests test; the singular test itself is in the project."""
    nodes = ci_manifest["nodes"].values()
    batched = {n["attached_node"] for n in nodes
               if (n.get("test_metadata") or {}).get("name") == "batched_data_tests"}
    loose = [n["name"] for n in nodes
             if (n.get("test_metadata") or {}).get("name") in KINDS
             and "unbatched" not in n["tags"] and n["attached_node"] not in batched]
    assert loose == []
    assert len(batched) > 100
    assert any(n["name"] == "batched_data_tests__cover_every_generic_test"
               for n in nodes)


def test_the_singular_test_names_each_test_no_batch_runs(tmp_path):
    """A copy of the project where util_months lost its batched test and a
    test with Jinja in its arguments lost its `unbatched` tag: the
    singular test batched_data_tests__cover_every_generic_test returns a
    row for each of their tests, and only those."""
    project = tmp_path / "project"
    project.mkdir()
    for entry in PROJECT_DIR.iterdir():
        if entry.name not in {"target", "logs", "warehouse", ".git", "models"}:
            (project / entry.name).symlink_to(entry)
    shutil.copytree(PROJECT_DIR / "models", project / "models")
    utilities = project / "models/utilities/_utilities__models.yml"
    text = utilities.read_text()
    batch = ("    data_tests:\n      - batched_data_tests  # its row and key "
             "tests in one query (make run)\n")
    start = text.index("  - name: util_months\n")
    assert text.index(batch, start) < text.index("    columns:", start)
    utilities.write_text(text[:start] + text[start:].replace(batch, "", 1))
    voice = project / "models/marts/customer_voice/_customer_voice__models.yml"
    text = voice.read_text()
    tag = text.index("tags: [unbatched]",
                     text.index("- name: fct_voice_of_customer_verbatims\n"))
    voice.write_text(text[:tag] + "tags: []" + text[text.index("\n", tag):])
    target = tmp_path / "target"
    result = subprocess.run(
        [runner.dbt_executable(), "compile", "--quiet", "-s",
         "batched_data_tests__cover_every_generic_test"], cwd=project,
        env=runner.dbt_env(tmp_path, DBT_TARGET="ci", DBT_TARGET_PATH=target),
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
    compiled = next(target.rglob("batched_data_tests__cover_every_generic_test.sql"))
    named = set(re.findall(r"select '(\w+)' as test_name", compiled.read_text()))
    assert named == {
        "unique_util_months_date_month", "not_null_util_months_date_month",
        "not_null_util_months_next_month_start_date",
        "not_null_util_months_snapshot_at",
        "fct_voice_of_customer_verbatims_at_most_n_per_topic"}


def test_a_batch_fails_exactly_where_the_individual_tests_fail(
        small_csv_set, clean_build, tmp_path):
    """Faults of every batched kind in two tables of a copy of the clean
    build; `dbt test` of the two runs both the individual tests and the
    batches: each batch names exactly the failing individual tests of its
    kinds (the batches passed in the clean build itself)."""
    warehouse, target = copy_of_clean_build(clean_build, tmp_path)
    con = duckdb.connect(str(warehouse / "work.duckdb"))
    try:
        for column in ("customer_id", "health_score", "health_band"):
            con.execute("alter table fct_customer_health_snapshots "
                        f"alter column {column} drop not null")
        con.execute("""
            insert into fct_customer_health_snapshots
            select * from fct_customer_health_snapshots limit 1""")
        con.execute("""
            update fct_customer_health_snapshots
            set health_score = 250, health_band = 'purple'
            where rowid = (select max(rowid) from fct_customer_health_snapshots)""")
        con.execute("""
            update fct_customer_health_snapshots set customer_id = null
            where rowid = (select min(rowid) + 5 from fct_customer_health_snapshots)""")
        con.execute("""
            insert into int_survey_comments_scored
            select * from int_survey_comments_scored limit 1""")
    finally:
        con.close()
    # the vars and environment of the CLI's build: dbt reuses its parse
    env = runner.dbt_env(warehouse, DBT_TARGET_PATH=target, DBT_TARGET="dev",
                         RETENTION_RAW_DIR=str(small_csv_set))
    dbt_vars = {"raw_dir": "$RETENTION_RAW_DIR", "as_of_date": AS_OF}
    runner.run_dbt(["test", "-s", *FAULTY, "--indirect-selection", "cautious",
                    "--exclude-resource-type", "unit_test",
                    "--vars", json.dumps(dbt_vars)], env, capture=True,
                   timeout=600)
    manifest = json.loads((target / "manifest.json").read_text())["nodes"]
    results = json.loads((target / "run_results.json").read_text())["results"]
    kind = {r["unique_id"]: (manifest[r["unique_id"]].get("test_metadata") or {})
            .get("name") for r in results}
    batches = [r for r in results if kind[r["unique_id"]] == "batched_data_tests"]
    assert sorted(r["unique_id"].split(".")[2] for r in batches) == sorted(
        f"batched_data_tests_{name}_" for name in FAULTY)
    assert {r["status"] for r in batches} == {"fail"}
    failing = {manifest[r["unique_id"]]["name"] for r in results
               if r["status"] != "pass" and kind[r["unique_id"]] in KINDS
               and "unbatched" not in manifest[r["unique_id"]]["tags"]}
    assert {kind[r["unique_id"]] for r in results
            if manifest[r["unique_id"]]["name"] in failing} == KINDS
    named = cli.failing_batched_tests(warehouse / "work.duckdb", target,
                                      "run_results.json", "manifest.json")
    assert {test for _, test, _ in named} == failing
    assert all(rows > 0 for _, _, rows in named)
