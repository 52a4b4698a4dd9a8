"""One row per fitted model, segment and parameter (see the yml).

A thin wrapper: reads the refs, calls retention_lib.lifetime_value, returns
the frame. Fitted on data up to as_of_date only (the refs are cut there).
"""


def model(dbt, session):
    import sys
    from pathlib import Path

    # installed as a dbt package, the library sits in dbt_packages/retention
    for folder in (Path("python"), Path("dbt_packages/retention/python")):
        if (folder / "retention_lib").is_dir() and str(folder.resolve()) not in sys.path:
            sys.path.append(str(folder.resolve()))
    from retention_lib import lifetime_value
    from retention_lib.typed import relation_with_types

    orders = dbt.ref("int_orders_summarized_to_customer").df().sort_values(
        "customer_id", kind="stable", ignore_index=True)
    customers = dbt.ref("dim_customers").df().sort_values(
        "customer_id", kind="stable", ignore_index=True)
    # the sBG inputs, in SQL on every engine
    lifetimes = dbt.ref("int_subscription_lifetimes_summarized_to_customer").df(
        ).sort_values("customer_id", kind="stable", ignore_index=True)
    as_of_date = dbt.ref("util_as_of_date").df()["as_of_date"].iloc[0]

    orders = orders.merge(customers[["customer_id", "segment"]],
                          on="customer_id", how="left")
    orders["segment"] = orders["segment"].fillna("unknown")
    parameters = lifetime_value.fit_parameters(
        orders, lifetimes, dbt.config.get("clv_time_unit"), as_of_date)
    # every non-text column typed, so that no fit at all (a business
    # without orders or churn yet) still gives the documented types
    return relation_with_types(session, parameters, {
        "value": "double", "standard_error": "double",
        "log_likelihood": "double", "n_customers": "bigint",
        "as_of_date": "date"})
