"""The lifetime-value fits on a server target (postgres, spark), for the CLI.

dbt runs Python models on DuckDB only. On a server the CLI builds
everything but clv_model_parameters first (the mart is disabled without
var clv_fitted_parameters), then reads the fit inputs (small: one row per
customer) through the engine's DB-API driver, fits them with
retention_lib.lifetime_value.fit_from_inputs, the function the DuckDB
model calls, and builds clv_model_parameters and what depends on it with
the rows in var clv_fitted_parameters, and fct_clv_backtest with the
holdout back-tests (retention_lib.clv_backtest) in var clv_backtest_rows;
the churn-risk model (retention_lib.churn_risk) and the MRR forecasts
(retention_lib.mrr_forecast, var mrr_forecast_rows) the same way.
"""

from __future__ import annotations

import pandas as pd

from retention_lib import churn_risk, clv_backtest, lifetime_value, mrr_forecast, runner


def connect(target: str, settings: dict):
    """A DB-API connection to the server target (settings as in the
    profile: runner's postgres_settings or spark_settings)."""
    if target == "postgres":
        import psycopg2  # noqa: PLC0415 (only needed for this target)

        return psycopg2.connect(**settings)
    from pyhive import hive  # noqa: PLC0415 (only needed for this target)

    return hive.connect(host=settings["host"], port=settings["port"],
                        username=settings["user"])


def read(connection, query: str) -> pd.DataFrame:
    """A query's rows as a frame, column names without table prefixes
    (Spark's driver says `t.column`)."""
    cursor = connection.cursor()
    try:
        cursor.execute(query)
        names = [d[0].split(".")[-1] for d in cursor.description]
        return pd.DataFrame(cursor.fetchall(), columns=names)
    finally:
        cursor.close()


def fit_on_server(target: str, settings: dict, manifest: dict,
                  dbt_vars: dict) -> dict[str, list[list]]:
    """The rows computed in Python from the built inputs, by the var that
    hands them to their SQL mart: clv_fitted_parameters and
    clv_backtest_rows (lifetime value), churn_risk_parameters and
    churn_risk_backtest_rows (churn risk), mrr_forecast_rows (the MRR
    forecasts). dbt_vars: the project's vars
    with the run's overrides (runner.project_vars)."""
    quote = "`" if target == "spark" else '"'
    relations = {}
    inputs = {**lifetime_value.FIT_INPUTS, **mrr_forecast.INPUTS,
              "window": "util_clv_holdout_window",
              "snapshots": "int_health_snapshots_sampled_to_quarter"}
    # the rows each input is read with (all by default)
    where = {"snapshots": " where is_outcome_observed",
             "months": " where dimension_name = 'all'"}
    for role, name in inputs.items():
        schema, table = runner.model_relation(manifest, name)
        relations[role] = f"{quote}{schema}{quote}.{quote}{table}{quote}"
    connection = connect(target, settings)
    try:
        frames = {role: read(connection, f"select * from {relation}"
                             + where.get(role, ""))
                  for role, relation in relations.items()}
    finally:
        connection.close()
    time_unit = dbt_vars["clv_time_unit"]
    penalizer = float(dbt_vars["clv_penalizer"])
    as_of_date = frames["as_of"]["as_of_date"].iloc[0]
    parameters = lifetime_value.fit_from_inputs(
        frames["orders"].copy(), frames["customers"],
        frames["lifetimes"].copy(), as_of_date, time_unit, penalizer)
    backtest = clv_backtest.backtest_from_inputs(
        frames["orders"], frames["customers"], frames["lifetimes"],
        frames["window"], time_unit, penalizer)
    churn_parameters, churn_backtest = churn_risk.fit_from_inputs(
        frames["snapshots"], as_of_date,
        **churn_risk.settings(dbt_vars.get))
    forecasts = mrr_forecast.fit_from_inputs(
        frames["origins"], frames["states"], frames["new_business"],
        frames["months"], frames["lifetimes"],
        **mrr_forecast.settings(dbt_vars.get))
    return {
        "mrr_forecast_rows": lifetime_value.fitted_rows(
            forecasts, mrr_forecast.COLUMNS),
        "clv_fitted_parameters": lifetime_value.fitted_rows(parameters),
        "clv_backtest_rows": lifetime_value.fitted_rows(
            backtest, clv_backtest.BACKTEST_COLUMNS),
        "churn_risk_parameters": lifetime_value.fitted_rows(
            churn_parameters, churn_risk.PARAMETER_COLUMNS),
        "churn_risk_backtest_rows": lifetime_value.fitted_rows(
            churn_backtest, churn_risk.BACKTEST_COLUMNS)}
