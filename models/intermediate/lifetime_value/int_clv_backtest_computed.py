"""The holdout back-tests on DuckDB, in the fct_clv_backtest layout (see
the yml).

A thin wrapper: reads the fit inputs and the holdout window (SQL models)
and calls retention_lib.clv_backtest.backtest_from_inputs, the same
function the CLI calls on server targets before it hands the rows to
fct_clv_backtest.sql.
"""


def model(dbt, session):
    import sys
    from pathlib import Path

    # installed as a dbt package, the library sits in dbt_packages/retention
    for folder in (Path("python"), Path("dbt_packages/retention/python")):
        if (folder / "retention_lib").is_dir() and str(folder.resolve()) not in sys.path:
            sys.path.append(str(folder.resolve()))
    from retention_lib import clv_backtest, memo
    from retention_lib.typed import relation_with_types

    # one statement per ref (see int_clv_parameters_fitted)
    orders = dbt.ref("int_orders_summarized_to_customer").df()
    customers = dbt.ref("dim_customers").df()
    lifetimes = dbt.ref("int_subscription_lifetimes_summarized_to_customer").df()
    window = dbt.ref("util_clv_holdout_window").df()
    time_unit = dbt.config.get("clv_time_unit")
    penalizer = float(dbt.config.get("clv_penalizer"))
    # the calibration fits change only with the window's data (memo)
    with memo.kept_in(session, memo.table_of(dbt.this)):
        rows = clv_backtest.backtest_from_inputs(
            orders, customers, lifetimes, window, time_unit, penalizer)
    return relation_with_types(session, rows, clv_backtest.COLUMN_TYPES)
