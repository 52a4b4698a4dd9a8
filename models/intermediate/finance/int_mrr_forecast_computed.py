"""The MRR forecasts on DuckDB, in the int_mrr_forecasts_collected layout
(see the yml).

A thin wrapper: reads the forecast inputs (SQL models) and calls
retention_lib.mrr_forecast.fit_from_inputs, the same function the CLI
calls on server targets before it hands the rows to
int_mrr_forecasts_collected.sql.
"""


def model(dbt, session):
    import sys
    from pathlib import Path

    # installed as a dbt package, the library sits in dbt_packages/retention
    for folder in (Path("python"), Path("dbt_packages/retention/python")):
        if (folder / "retention_lib").is_dir() and str(folder.resolve()) not in sys.path:
            sys.path.append(str(folder.resolve()))
    from retention_lib import memo, mrr_forecast
    from retention_lib.typed import relation_with_types

    # dbt hands a Python model only the config keys it reads in plain
    # statements of its own (not inside another call's arguments)
    trailing_months = dbt.config.get("mrr_forecast_trailing_months")
    draws = dbt.config.get("mrr_forecast_draws")
    penalizer = dbt.config.get("clv_penalizer")
    config = {"mrr_forecast_trailing_months": trailing_months,
              "mrr_forecast_draws": draws, "clv_penalizer": penalizer}
    # one statement per ref
    origins = dbt.ref("util_mrr_forecast_origins").df()
    states = dbt.ref("int_paying_customers_snapshotted_to_forecast_origin").df()
    new_business = dbt.ref("int_new_business_mrr_aggregated_to_contract_month").df()
    months = dbt.ref("fct_mrr_by_dimension_monthly").df()
    lifetimes = dbt.ref("int_subscription_lifetimes_summarized_to_customer").df()
    # the back-test origins' fits, and the cohorts' fits whose data did not
    # change, are kept between runs (memo)
    with memo.kept_in(session, memo.table_of(dbt.this)):
        rows = mrr_forecast.fit_from_inputs(
            origins, states, new_business, months, lifetimes,
            **mrr_forecast.settings(config.get))
    return relation_with_types(session, rows, mrr_forecast.COLUMN_TYPES)
