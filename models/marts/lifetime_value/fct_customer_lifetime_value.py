"""One row per customer with its order and subscription lifetime values.

A thin wrapper over retention_lib.lifetime_value.customer_values, using the
parameters published in clv_model_parameters (fitted once).
"""


def model(dbt, session):
    import sys
    from pathlib import Path

    # installed as a dbt package, the library sits in dbt_packages/retention
    for folder in (Path("python"), Path("dbt_packages/retention/python")):
        if (folder / "retention_lib").is_dir() and str(folder.resolve()) not in sys.path:
            sys.path.append(str(folder.resolve()))
    from retention_lib import lifetime_value
    from retention_lib.typed import MONEY, relation_with_types

    parameters = dbt.ref("clv_model_parameters").df().sort_values(
        ["model", "segment", "parameter"], kind="stable", ignore_index=True)
    orders = dbt.ref("int_orders_summarized_to_customer").df().sort_values(
        "customer_id", kind="stable", ignore_index=True)
    customers = dbt.ref("dim_customers").df().sort_values(
        "customer_id", kind="stable", ignore_index=True)
    # the scoring inputs, in SQL on every engine
    lifetimes = dbt.ref("int_subscription_lifetimes_summarized_to_customer").df(
        ).sort_values("customer_id", kind="stable", ignore_index=True)
    values = lifetime_value.customer_values(
        customers, orders, lifetimes, parameters,
        time_unit=dbt.config.get("clv_time_unit"),
        horizon_months=int(dbt.config.get("clv_horizon_months")),
        discount_rate=float(dbt.config.get("discount_rate")),
        gross_margin=float(dbt.config.get("gross_margin")))
    # money is published to 4 decimals: clv is the sum of the rounded
    # parts, so clv = order_clv + subscription_clv holds exactly
    for part in ("order_clv", "subscription_clv"):
        values[part] = values[part].astype(float).round(4)
    values["clv"] = (values["order_clv"].fillna(0)
                     + values["subscription_clv"].fillna(0))
    # every column typed: also right when there is no customer, or no
    # order at all (order_model_segment is then NULL throughout)
    return relation_with_types(session, values, {
        **{column: "varchar" for column in (
            "customer_id", "segment", "order_model_segment",
            "subscription_model_segment")},
        **{column: MONEY for column in (
            "expected_order_value", "order_clv", "current_mrr",
            "subscription_clv", "clv")},
        **{column: "double" for column in (
            "probability_alive", "expected_purchases",
            "expected_remaining_lifetime_months",
            "discounted_expected_residual_lifetime_months")},
        **{column: "boolean" for column in (
            "is_paying_now", "is_order_customer", "is_subscription_customer")},
        "subscription_cohort_month": "date", "renewals": "bigint"})
