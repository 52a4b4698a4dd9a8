"""dbt Python models run on DuckDB only: on the postgres and spark targets
(dbt-postgres runs no Python models, dbt-spark only on Databricks)
fct_customer_lifetime_value and the fits' Python model, and the tests on
them, are disabled while every SQL mart (the health marts among them)
stays enabled. clv_model_parameters is SQL: there it is enabled when the
CLI hands it the fits (var clv_fitted_parameters). `dbt parse` needs no
server, so this runs anywhere."""

from __future__ import annotations

import json

import pytest

from retention_lib import runner

PYTHON_MARTS = {"fct_customer_lifetime_value"}
CLI_FITTED = {"clv_model_parameters"}
HEALTH_MARTS = {"fct_customer_health_snapshots", "fct_health_score_backtest",
                "dim_customer_health", "fct_health_alerts", "fct_renewals_at_risk"}


def parse(target: str, tmp_path, *extra: str) -> dict:
    env = runner.dbt_env(tmp_path, DBT_TARGET=target, DBT_TARGET_PATH=tmp_path)
    result = runner.run_dbt(["parse", "--no-partial-parse", *extra], env,
                            capture=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
    return json.loads((tmp_path / "manifest.json").read_text())


def mart_models(manifest: dict) -> dict[str, str]:
    return {node["name"]: node["language"] for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["fqn"][1] == "marts"}


@pytest.mark.dbt
@pytest.mark.parametrize("engine", ["postgres", "spark"])
def test_python_marts_are_disabled_on_server_engines_and_sql_marts_are_not(
        engine, tmp_path):
    duckdb_marts = mart_models(parse("ci", tmp_path / "duckdb"))
    other = parse(engine, tmp_path / engine)
    other_marts = mart_models(other)
    assert PYTHON_MARTS | HEALTH_MARTS | CLI_FITTED <= set(duckdb_marts)
    assert {n for n, lang in duckdb_marts.items() if lang == "python"} == PYTHON_MARTS
    assert not (PYTHON_MARTS | CLI_FITTED) & set(other_marts)
    assert HEALTH_MARTS <= set(other_marts)
    assert set(other_marts) == set(duckdb_marts) - PYTHON_MARTS - CLI_FITTED
    assert all(language == "sql" for language in other_marts.values())
    disabled = {key.split(".")[-1] for key in other["disabled"]}
    assert PYTHON_MARTS | CLI_FITTED | {"int_clv_parameters_fitted"} <= disabled
    # with the fits handed over, the parameters mart is built there too
    fitted = mart_models(parse(engine, tmp_path / f"{engine}_fitted", "--vars",
                               '{clv_fitted_parameters: []}'))
    assert set(fitted) == set(duckdb_marts) - PYTHON_MARTS
    assert fitted["clv_model_parameters"] == "sql"
    # no enabled node depends on a disabled one
    enabled_ids = set(other["nodes"])
    for node in other["nodes"].values():
        for parent in node.get("depends_on", {}).get("nodes", []):
            assert parent in enabled_ids or parent.startswith(
                ("source.", "seed.")) or parent in other["sources"], (
                node["name"], parent)
