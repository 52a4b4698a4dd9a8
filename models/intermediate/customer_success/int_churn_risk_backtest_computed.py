"""The out-of-time back-test of the churn-risk model and of the health
score on DuckDB, in the fct_churn_risk_backtest layout (see the yml).

A thin wrapper around retention_lib.churn_risk.fit_from_inputs (it
repeats the fit of int_churn_risk_fitted, which is deterministic and takes
a second, then scores and bootstraps the evaluation rows).
"""


def model(dbt, session):
    import sys
    from pathlib import Path

    # installed as a dbt package, the library sits in dbt_packages/retention
    for folder in (Path("python"), Path("dbt_packages/retention/python")):
        if (folder / "retention_lib").is_dir() and str(folder.resolve()) not in sys.path:
            sys.path.append(str(folder.resolve()))
    from retention_lib import churn_risk, memo
    from retention_lib.typed import relation_with_types

    # dbt hands a Python model only the config keys it reads in plain
    # statements of its own (not inside another call's arguments)
    l2 = dbt.config.get("churn_risk_l2")
    evaluations = dbt.config.get("churn_risk_evaluations")
    resamples = dbt.config.get("churn_risk_bootstrap_resamples")
    horizon_days = dbt.config.get("churn_horizon_days")
    config = {"churn_risk_l2": l2, "churn_risk_evaluations": evaluations,
              "churn_risk_bootstrap_resamples": resamples,
              "churn_horizon_days": horizon_days}
    sampled = dbt.ref("int_health_snapshots_sampled_to_quarter").df()
    as_of_date = dbt.ref("util_as_of_date").df()["as_of_date"].iloc[0]
    # the bootstrap of evaluation rows that did not change is kept (memo)
    with memo.kept_in(session, memo.table_of(dbt.this)):
        _, backtest = churn_risk.fit_from_inputs(
            sampled, as_of_date, **churn_risk.settings(config.get))
    return relation_with_types(session, backtest, churn_risk.BACKTEST_TYPES)
