"""Conventions: dbt-bouncer (dbt-bouncer.yml) fails on a manifest that
breaks them (an undescribed published column, a mart without a grain
sentence, an unprefixed model, a mart no exposure reads); the project's
own script catches what dbt-bouncer cannot express (a Python mart without
matches_columns, a mart other than dim_customers reading the customers
export, an undescribed source column); selectors, groups and the
versioned KPI mart are in place; no file cites a document users lack."""

from __future__ import annotations

import copy
import importlib.util
import json
import shutil
import subprocess

import pytest

from conftest import PROJECT_DIR

spec = importlib.util.spec_from_file_location(
    "check_conventions", PROJECT_DIR / "scripts" / "check_conventions.py")
conventions = importlib.util.module_from_spec(spec)
spec.loader.exec_module(conventions)
BOUNCER = PROJECT_DIR / ".venv-bouncer" / "bin" / "dbt-bouncer"


def manifest(source_column_description: str, python_mart_tested: bool) -> dict:
    mart = "model.retention.clv_x"
    return {
        "nodes": {
            mart: {
                "resource_type": "model", "name": "clv_x",
                "fqn": ["retention", "marts", "x"], "language": "python",
                "depends_on": {"nodes": []},
            },
            "model.retention.fct_x": {
                "resource_type": "model", "name": "fct_x",
                "fqn": ["retention", "marts", "x"], "language": "sql",
                "depends_on": {"nodes": [
                    "model.retention.stg_billing__customers"
                    if python_mart_tested is False else
                    "model.retention.dim_customers"]},
            },
            "test.retention.matches_columns_x": {
                "resource_type": "test",
                "test_metadata": {"name": "matches_columns"
                                  if python_mart_tested else "unique"},
                "depends_on": {"nodes": [mart]},
            },
        },
        "sources": {"source.retention.billing.customers": {
            "source_name": "billing", "name": "customers",
            "columns": {"customer_id": {"description": source_column_description}},
        }},
    }


def test_a_complete_manifest_passes():
    assert conventions.check(manifest("Key.", True)) == []


def test_what_dbt_bouncer_cannot_say_is_caught():
    problems = conventions.check(manifest(" ", False))
    assert problems == [
        "clv_x: Python marts need the matches_columns test",
        "fct_x: reads stg_billing__customers; customer attributes come from "
        "dim_customers or int_customer_slices_by_month",
        "source billing.customers.customer_id: column undescribed"]


def test_base_models_are_only_their_validation_call(ci_manifest):
    """sqlfluff skips the base models: the real ones are a comment, a
    config and the validate_source call; SQL written beside the call, or a
    base model without it, is named."""
    assert conventions.check(ci_manifest) == []
    broken = copy.deepcopy(ci_manifest)
    base = {n["name"]: n for n in broken["nodes"].values()
            if n["resource_type"] == "model" and n["fqn"][3:4] == ["base"]}
    assert len(base) == 17
    base["base_product__events"]["raw_code"] += "\nwhere 1 = 1\n"
    base["base_billing__plans"]["raw_code"] = (
        "select * from {{ source('billing', 'plans') }}")
    assert conventions.check(broken) == [
        "base_billing__plans: a base model calls validate_source",
        "base_product__events: a base model holds no SQL of its own "
        "(sqlfluff skips base models)"]


@pytest.mark.skipif(not BOUNCER.exists(), reason="make conventions installs it")
def test_dbt_bouncer_fails_a_manifest_that_breaks_the_conventions(
        ci_manifest, tmp_path):
    """The real manifest passes; five breaches in a copy are each named."""
    built = ci_manifest
    broken = copy.deepcopy(built)
    kpis = next(n for n in broken["nodes"].values()
                if n["resource_type"] == "model"
                and n["name"] == "fct_retention_kpis_monthly")
    kpis["columns"]["mrr"]["description"] = ""
    kpis["description"] = "Monthly KPIs."
    intermediate = next(n for n in broken["nodes"].values()
                        if n["resource_type"] == "model"
                        and n["name"] == "int_voice_records")
    intermediate["name"] = "voice_records"
    commerce = next(n for n in broken["nodes"].values()
                    if n["resource_type"] == "model"
                    and n["name"] == "fct_commerce_monthly")
    commerce["depends_on"]["nodes"].append(
        "model.retention.base_commerce__orders")
    for exposure in broken["exposures"].values():
        exposure["depends_on"]["nodes"] = [
            node for node in exposure["depends_on"]["nodes"]
            if "fct_support_monthly" not in node]
    results = {}
    for label, content in (("built", built), ("broken", broken)):
        folder = tmp_path / label
        folder.mkdir()
        (folder / "manifest.json").write_text(json.dumps(content))
        config = (PROJECT_DIR / "dbt-bouncer.yml").read_text().replace(
            "dbt_artifacts_dir: target", f"dbt_artifacts_dir: {folder}")
        (folder / "dbt-bouncer.yml").write_text(config)
        results[label] = subprocess.run(
            [str(BOUNCER), "run", "--config-file", str(folder / "dbt-bouncer.yml")],
            cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120)
    assert results["built"].returncode == 0, results["built"].stdout[-2000:]
    out = results["broken"].stdout + results["broken"].stderr
    assert results["broken"].returncode != 0
    for check in ("check_model_column_description_populated",
                  "check_model_description_contains_regexp_pattern",
                  "check_model_names", "check_model_has_exposure",
                  "check_lineage_permitted_upstream_models"):
        assert check in out, check
    shutil.rmtree(tmp_path)


def test_the_project_cites_no_document_its_users_do_not_have():
    """Metric definitions, design and style ship with the project
    (docs/metrics.md, docs/DECISIONS.md, the README): no tracked file points
    a reader at the development team's own documents."""
    import re  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    tracked = subprocess.run(["git", "ls-files"], cwd=PROJECT_DIR,
                             capture_output=True, text=True,
                             check=True).stdout.split()
    outside = re.compile(r"\b(METRICS|DESIGN|STYLE)\.md\b|\.\./shared\b")
    citing = []
    for name in tracked:
        path = PROJECT_DIR / name
        if path.suffix in {".csv", ".tsv", ".parquet"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        citing += [f"{name}:{n}" for n, line in enumerate(text.splitlines(), 1)
                   if outside.search(line)]
    assert citing == []


def test_selectors_pick_their_group_and_parents(tmp_path):
    """selectors.yml: the finance selector builds the KPI mart and what it
    reads, not the customer-success topics mart; marts are public, the rest
    protected; the KPI mart is a versioned model (v1) published under its
    unversioned name."""
    from retention_lib import runner  # noqa: PLC0415

    listed = runner.run_dbt(
        ["ls", "--selector", "finance", "--resource-type", "model",
         "--output", "json", "-q"],
        runner.dbt_env(tmp_path, DBT_TARGET="ci", DBT_TARGET_PATH=tmp_path),
        capture=True, timeout=300)
    assert listed.returncode == 0, listed.stdout[-2000:]
    models = {m["name"]: m for m in map(json.loads, listed.stdout.splitlines())}
    assert {"fct_retention_kpis_monthly", "fct_customer_mrr_monthly",
            "int_mrr_aggregated_to_customer_month"} <= set(models)
    assert "fct_voice_of_customer_topics_monthly" not in models
    kpis = models["fct_retention_kpis_monthly"]
    assert kpis["config"]["access"] == "public"
    assert kpis["config"]["group"] == "finance"
    assert kpis["unique_id"].endswith(".v1")
    assert kpis["alias"] == "fct_retention_kpis_monthly"
    assert models["int_mrr_aggregated_to_customer_month"]["config"][
        "access"] == "protected"
