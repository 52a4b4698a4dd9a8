"""dbt Python models run on DuckDB only: on the postgres target (dbt-postgres
runs no Python models) the lifetime-value and health marts, and the tests
on them, are disabled while every SQL mart stays enabled. `dbt parse` needs
no server, so this runs anywhere."""

from __future__ import annotations

import json

import pytest

from retention_lib import runner

PYTHON_MARTS = {"clv_model_parameters", "fct_customer_lifetime_value",
                "fct_customer_health_snapshots", "fct_health_score_backtest"}
READ_PYTHON_MARTS = {"dim_customer_health", "fct_health_alerts",
                     "fct_renewals_at_risk"}


def parse(target: str, tmp_path) -> dict:
    env = runner.dbt_env(tmp_path, DBT_TARGET=target, DBT_TARGET_PATH=tmp_path)
    result = runner.run_dbt(["parse", "--no-partial-parse"], env, capture=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
    return json.loads((tmp_path / "manifest.json").read_text())


def mart_models(manifest: dict) -> dict[str, str]:
    return {node["name"]: node["language"] for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["fqn"][1] == "marts"}


@pytest.mark.dbt
def test_python_marts_are_disabled_on_postgres_and_sql_marts_are_not(tmp_path):
    duckdb_marts = mart_models(parse("ci", tmp_path / "duckdb"))
    postgres = parse("postgres", tmp_path / "postgres")
    postgres_marts = mart_models(postgres)
    assert PYTHON_MARTS | READ_PYTHON_MARTS <= set(duckdb_marts)
    assert {n for n, lang in duckdb_marts.items() if lang == "python"} == PYTHON_MARTS
    assert not (PYTHON_MARTS | READ_PYTHON_MARTS) & set(postgres_marts)
    assert set(postgres_marts) == set(duckdb_marts) - PYTHON_MARTS - READ_PYTHON_MARTS
    assert all(language == "sql" for language in postgres_marts.values())
    disabled = {key.split(".")[-1] for key in postgres["disabled"]}
    assert PYTHON_MARTS <= disabled
    # no enabled node depends on a disabled one
    enabled_ids = set(postgres["nodes"])
    for node in postgres["nodes"].values():
        for parent in node.get("depends_on", {}).get("nodes", []):
            assert parent in enabled_ids or parent.startswith(
                ("source.", "seed.")) or parent in postgres["sources"], (
                node["name"], parent)
