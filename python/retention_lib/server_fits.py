"""The lifetime-value fits on a server target (postgres, spark), for the CLI.

dbt runs Python models on DuckDB only. On a server the CLI builds
everything but clv_model_parameters first (the mart is disabled without
var clv_fitted_parameters), then reads the fit inputs (small: one row per
customer) through the engine's DB-API driver, fits them with
retention_lib.lifetime_value.fit_from_inputs, the function the DuckDB
model calls, and builds clv_model_parameters and what depends on it with
the rows in var clv_fitted_parameters, and fct_clv_backtest with the
holdout back-tests (retention_lib.clv_backtest) in var clv_backtest_rows.
"""

from __future__ import annotations

import pandas as pd

from retention_lib import clv_backtest, lifetime_value, runner


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
                  time_unit: str, penalizer: float = 0.0
                  ) -> tuple[list[list], list[list]]:
    """The fits of the built inputs and their holdout back-tests, as the
    rows of vars clv_fitted_parameters and clv_backtest_rows."""
    quote = "`" if target == "spark" else '"'
    relations = {}
    inputs = {**lifetime_value.FIT_INPUTS, "window": "util_clv_holdout_window"}
    for role, name in inputs.items():
        schema, table = runner.model_relation(manifest, name)
        relations[role] = f"{quote}{schema}{quote}.{quote}{table}{quote}"
    connection = connect(target, settings)
    try:
        frames = {role: read(connection, f"select * from {relation}")
                  for role, relation in relations.items()}
    finally:
        connection.close()
    parameters = lifetime_value.fit_from_inputs(
        frames["orders"].copy(), frames["customers"],
        frames["lifetimes"].copy(), frames["as_of"]["as_of_date"].iloc[0],
        time_unit, penalizer)
    backtest = clv_backtest.backtest_from_inputs(
        frames["orders"], frames["customers"], frames["lifetimes"],
        frames["window"], time_unit, penalizer)
    return (lifetime_value.fitted_rows(parameters),
            lifetime_value.fitted_rows(backtest, clv_backtest.BACKTEST_COLUMNS))
