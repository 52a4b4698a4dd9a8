"""Every mart is SQL and portable. dbt Python models run on DuckDB only
(dbt-postgres runs none, dbt-spark only on Databricks): those left, the
CLV fits and back-tests, the churn-risk model and its back-test and the
MRR forecasts, are
disabled on the postgres and spark targets, where the CLI computes the
same rows and hands them to their SQL marts in vars
(retention_lib.server_fits); the marts that read them are enabled there
exactly when those rows are handed over. `dbt parse` needs
no server, so this runs anywhere."""

from __future__ import annotations

import json

import pytest

from conftest import parse_manifest

FIT_READERS = {"clv_model_parameters", "fct_customer_lifetime_value",
               "fct_clv_backtest", "fct_churn_risk_model_parameters",
               "fct_churn_risk_backtest", "fct_churn_risk_scores",
               "fct_mrr_forecast_monthly", "fct_mrr_forecast_backtest"}
PYTHON_MODELS = {"int_clv_parameters_fitted", "int_clv_backtest_computed",
                 "int_churn_risk_fitted", "int_churn_risk_backtest_computed",
                 "int_mrr_forecast_computed"}
HEALTH_MARTS = {"fct_customer_health_snapshots", "fct_health_score_backtest",
                "dim_customer_health", "fct_health_alerts", "fct_renewals_at_risk"}


def mart_models(manifest: dict) -> dict[str, str]:
    return {node["name"]: node["language"] for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["fqn"][1] == "marts"}


@pytest.mark.dbt
@pytest.mark.parametrize("engine", ["postgres", "spark"])
def test_every_mart_is_sql_and_built_on_server_engines_with_the_fits(
        engine, ci_manifest, tmp_path):
    duckdb_marts = mart_models(ci_manifest)
    assert FIT_READERS | HEALTH_MARTS <= set(duckdb_marts)
    assert set(duckdb_marts.values()) == {"sql"}
    python_models = {node["name"] for node in ci_manifest["nodes"].values()
                     if node.get("language") == "python"}
    assert python_models == PYTHON_MODELS
    # a plain dbt build on a server, without the CLI's fits: every mart
    # but those reading the fits
    other = parse_manifest(engine, tmp_path / engine)
    other_marts = mart_models(other)
    assert HEALTH_MARTS <= set(other_marts)
    assert set(other_marts) == set(duckdb_marts) - FIT_READERS
    disabled = {key.split(".")[-1] for key in other["disabled"]}
    assert FIT_READERS | PYTHON_MODELS <= disabled
    # with the fits handed over (what the CLI does), every mart is built
    fitted = mart_models(parse_manifest(
        engine, tmp_path / f"{engine}_fitted", "--vars",
        json.dumps({name: [] for name in (
            "clv_fitted_parameters", "clv_backtest_rows",
            "churn_risk_parameters", "churn_risk_backtest_rows",
            "mrr_forecast_rows")})))
    assert fitted == duckdb_marts
    # no enabled node depends on a disabled one
    enabled_ids = set(other["nodes"])
    for node in other["nodes"].values():
        for parent in node.get("depends_on", {}).get("nodes", []):
            assert parent in enabled_ids or parent.startswith(
                ("source.", "seed.")) or parent in other["sources"], (
                node["name"], parent)
