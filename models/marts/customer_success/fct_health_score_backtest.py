"""One row per back-test snapshot and one for all of them (see the yml).

A thin wrapper over retention_lib.health.backtest.
"""


def model(dbt, session):
    import sys
    from pathlib import Path

    # installed as a dbt package, the library sits in dbt_packages/retention
    for folder in (Path("python"), Path("dbt_packages/retention/python")):
        if (folder / "retention_lib").is_dir() and str(folder.resolve()) not in sys.path:
            sys.path.append(str(folder.resolve()))
    from retention_lib import health
    from retention_lib.typed import relation_with_types

    snapshots = dbt.ref("fct_customer_health_snapshots").df().sort_values(
        ["snapshot_date", "customer_id"], kind="stable", ignore_index=True)
    months = dbt.ref("fct_customer_mrr_monthly").df().sort_values(
        ["customer_id", "date_month"], kind="stable", ignore_index=True)
    as_of_date = dbt.ref("util_as_of_date").df()["as_of_date"].iloc[0]
    churn_months = months[months["movement"] == "churn"]
    result = health.backtest(snapshots, churn_months, as_of_date,
                             horizon_days=int(dbt.config.get("horizon_days")))
    # every non-text column typed (also right when nothing was scored)
    return relation_with_types(session, result, {
        **{column: "double" for column in result.columns
           if column.endswith(("_rate", "roc_auc", "_lift"))},
        "snapshot_date": "date", "customers": "bigint",
        "churned_customers": "bigint"})
