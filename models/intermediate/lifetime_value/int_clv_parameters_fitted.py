"""The maximum-likelihood fits on DuckDB, in the clv_model_parameters
layout (see the yml).

A thin wrapper: reads the fit inputs (SQL models, cut at as_of_date) and
calls retention_lib.lifetime_value.fit_from_inputs, the same function the
CLI calls on server targets before it hands the rows to
clv_model_parameters.sql.
"""


def model(dbt, session):
    import sys
    from pathlib import Path

    # installed as a dbt package, the library sits in dbt_packages/retention
    for folder in (Path("python"), Path("dbt_packages/retention/python")):
        if (folder / "retention_lib").is_dir() and str(folder.resolve()) not in sys.path:
            sys.path.append(str(folder.resolve()))
    from retention_lib import lifetime_value, memo
    from retention_lib.typed import relation_with_types

    # one statement per ref: dbt's parser of Python models missed a fourth
    # ref written as an argument of the same call
    orders = dbt.ref("int_orders_summarized_to_customer").df()
    customers = dbt.ref("dim_customers").df()
    lifetimes = dbt.ref("int_subscription_lifetimes_summarized_to_customer").df()
    as_of_date = dbt.ref("util_as_of_date").df()["as_of_date"].iloc[0]
    time_unit = dbt.config.get("clv_time_unit")
    penalizer = float(dbt.config.get("clv_penalizer"))
    # the fits whose data did not change since the last run are kept (memo)
    with memo.kept_in(session, memo.table_of(dbt.this)):
        parameters = lifetime_value.fit_from_inputs(
            orders, customers, lifetimes, as_of_date, time_unit, penalizer)
    # every non-text column typed, so that no fit at all (a business
    # without orders or churn yet) still gives the documented types
    return relation_with_types(session, parameters, {
        "model": "varchar", "segment": "varchar", "parameter": "varchar",
        "value": "double", "standard_error": "double",
        "log_likelihood": "double", "n_customers": "bigint",
        "time_unit": "varchar", "as_of_date": "date", "fit_scope": "varchar",
        "contract_months": "bigint", "cohort_month": "date",
        "fit_status": "varchar", "is_identified": "boolean",
        "status_reason": "varchar", "penalizer": "double"})
