"""retention_lib.lifetime_value (the logic of the CLV dbt Python models) on
hand-made frames, and the dbt models end to end on a generated set whose
true BG/NBD and Gamma-Gamma parameters are known."""

from __future__ import annotations

import json
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest

from conftest import copy_of_clean_build
from retention_lib import clv, lifetime_value, runner
from retention_lib.generator import generate


def month_rows(customer, cohort, paying, mrr=100.0):
    """fct_customer_mrr_monthly rows: paying flags for k = 0, 1, ..."""
    rows, tenure = [], 0
    for k, is_paying in enumerate(paying):
        tenure = tenure + 1 if is_paying else 0
        rows.append({"customer_id": customer,
                     "date_month": pd.Timestamp(cohort) + pd.DateOffset(months=k),
                     "cohort_month": pd.Timestamp(cohort),
                     "months_since_start": k, "is_paying": is_paying,
                     "mrr": mrr if is_paying else 0.0,
                     "paying_tenure_months": tenure,
                     "is_complete_period": True})
    return rows


def test_subscription_lifetimes_by_hand():
    months = pd.DataFrame(
        month_rows("churned", "2024-01-01", [True, True, True, False])
        + month_rows("censored", "2024-01-01", [True] * 6)
        + month_rows("reactivated", "2024-01-01",
                     [True, True, False, False, True, True]))
    # the month of as_of_date is incomplete: not used for the fit, used for
    # the current state
    months.loc[months.index[-1], "is_complete_period"] = False
    out = lifetime_value.subscription_lifetimes(months).set_index("customer_id")
    assert out.loc["churned", "periods"] == 3
    assert bool(out.loc["churned", "churned"])
    assert not bool(out.loc["churned", "is_paying_now"])
    assert out.loc["censored", "periods"] == 5
    assert not bool(out.loc["censored", "churned"])
    assert out.loc["censored", "current_renewals"] == 5
    # first spell churned at k = 2; now paying for 2 months -> 1 renewal
    assert out.loc["reactivated", "periods"] == 2
    assert bool(out.loc["reactivated", "churned"])
    assert bool(out.loc["reactivated", "is_paying_now"])
    assert out.loc["reactivated", "current_renewals"] == 1


def test_cohort_without_churn_falls_back_to_overall_and_churned_is_zero():
    rng = np.random.default_rng(8)
    rows = []
    for i in range(400):  # an old cohort with churn
        life = int(rng.geometric(rng.beta(2.0, 8.0)))
        paying = [k < life for k in range(13)]
        rows += month_rows(f"old{i}", "2024-01-01", paying)
    for i in range(30):  # a young cohort nobody has left yet
        rows += month_rows(f"new{i}", "2024-11-01", [True, True])
    lifetimes = lifetime_value.subscription_lifetimes(pd.DataFrame(rows))
    parameters = lifetime_value.fit_parameters(
        pd.DataFrame(columns=["customer_id", "frequency", "recency_days",
                              "age_days", "repeat_mean_value", "segment"]),
        lifetimes, "week", date(2025, 1, 31))
    sbg = parameters[parameters["model"] == "sbg"]
    assert set(sbg["segment"]) >= {"overall", "2024-01-01"}
    assert "2024-11-01" not in set(sbg["segment"])
    customers = pd.DataFrame({"customer_id": lifetimes["customer_id"],
                              "segment": "smb"})
    values = lifetime_value.customer_values(
        customers, pd.DataFrame(columns=["customer_id", "frequency",
                                         "recency_days", "age_days",
                                         "repeat_mean_value"]),
        lifetimes, parameters, time_unit="week", horizon_months=12,
        discount_rate=0.1, gross_margin=0.8).set_index("customer_id")
    assert values.loc["new0", "subscription_model_segment"] == "overall"
    assert values.loc["old0", "subscription_model_segment"] == "2024-01-01"
    churned = values[~values["is_paying_now"].astype(bool)]
    assert len(churned) > 0 and (churned["subscription_clv"] == 0).all()
    paying = values[values["is_paying_now"].astype(bool)]
    monthly = (1.1) ** (1 / 12) - 1
    alpha, beta = (sbg[(sbg["segment"] == "2024-01-01")]
                   .set_index("parameter")["value"][["alpha", "beta"]])
    one = paying[paying["subscription_model_segment"] == "2024-01-01"].iloc[0]
    expected = clv.sbg_discounted_expected_residual_lifetime(
        alpha, beta, one["renewals"], monthly) * 0.8 * 100.0
    assert one["subscription_clv"] == pytest.approx(expected)


def test_a_single_order_customer_is_scored_with_given_parameters():
    parameters = pd.DataFrame([
        {"model": "bgnbd", "segment": "overall", "parameter": name,
         "value": value} for name, value in
        zip(["r", "alpha", "a", "b"], [0.243, 4.414, 0.793, 2.426], strict=True)
    ] + [{"model": "gamma_gamma", "segment": "overall", "parameter": name,
          "value": value} for name, value in
         zip(["p", "q", "gamma"], [6.25, 3.74, 15.44], strict=True)])
    orders = pd.DataFrame({"customer_id": ["c1"], "frequency": [2],
                           "recency_days": [70], "age_days": [140],
                           "repeat_mean_value": [40.0]})
    values = lifetime_value.customer_values(
        pd.DataFrame({"customer_id": ["c1", "c2"], "segment": ["smb", None]}),
        orders, lifetime_value.subscription_lifetimes(pd.DataFrame(
            columns=["customer_id", "date_month", "cohort_month",
                     "months_since_start", "is_paying", "mrr",
                     "paying_tenure_months", "is_complete_period"])),
        parameters, time_unit="week", horizon_months=12, discount_rate=0.1,
        gross_margin=0.8).set_index("customer_id")
    one = values.loc["c1"]
    params = (0.243, 4.414, 0.793, 2.426)
    x, t_x, age = 2.0, 10.0, 20.0
    assert one["probability_alive"] == pytest.approx(
        clv.bgnbd_probability_alive(params, [x], [t_x], [age])[0])
    assert one["expected_purchases"] == pytest.approx(
        clv.bgnbd_expected_purchases(params, 12 * 365.25 / 12 / 7, [x], [t_x],
                                     [age])[0])
    undiscounted = one["expected_purchases"] * one["expected_order_value"] * 0.8
    assert 0.9 * undiscounted < one["order_clv"] < undiscounted
    assert values.loc["c2", "clv"] == 0 and not values.loc["c2", "is_order_customer"]
    # one customer cannot identify BG/NBD: no rows, not garbage
    alone = lifetime_value.fit_parameters(
        orders.assign(segment="smb"), pd.DataFrame(), "week", date(2025, 1, 1))
    assert alone.empty


def test_each_fit_fails_alone(monkeypatch):
    """A Gamma-Gamma fit that fails (as one quarantined order made it on a
    sample) removes only its own rows: the BG/NBD parameters stay, and the
    customers keep probability_alive and expected purchases; order_clv,
    which needs both, is NULL."""
    rng = np.random.default_rng(3)
    age = np.full(2000, 40.0)
    x, t_x = clv.simulate_bgnbd((0.25, 4.4, 0.8, 2.4), age, rng)
    orders = pd.DataFrame({
        "customer_id": [f"c{i}" for i in range(len(age))], "frequency": x,
        "recency_days": t_x * 7, "age_days": age * 7,
        "repeat_mean_value": np.where(x > 0, 30.0, np.nan), "segment": "smb"})

    def failing(*args, **kwargs):
        raise clv.FitError("no convergence")

    monkeypatch.setattr(clv, "fit_gamma_gamma", failing)
    parameters = lifetime_value.fit_parameters(
        orders, pd.DataFrame(), "week", date(2025, 1, 1))
    assert set(parameters["model"]) == {"bgnbd"}
    assert set(parameters.loc[parameters["segment"] == "overall",
                              "parameter"]) == {"r", "alpha", "a", "b"}
    values = lifetime_value.customer_values(
        orders[["customer_id", "segment"]], orders.drop(columns="segment"),
        lifetime_value.subscription_lifetimes(pd.DataFrame(
            columns=["customer_id", "date_month", "cohort_month",
                     "months_since_start", "is_paying", "mrr",
                     "paying_tenure_months", "is_complete_period"])),
        parameters, time_unit="week", horizon_months=12, discount_rate=0.1,
        gross_margin=0.8)
    assert values["probability_alive"].notna().all()
    assert values["expected_purchases"].notna().all()
    assert values["order_clv"].isna().all()


@pytest.mark.dbt
def test_dbt_models_recover_the_generator_truth(tmp_path_factory):
    raw = tmp_path_factory.mktemp("clv_raw")
    generate(raw, 6000, seed=11, fmt="parquet")
    truth = json.loads((raw / "_truth.json").read_text())
    warehouse = tmp_path_factory.mktemp("clv_warehouse")
    env = runner.dbt_env(warehouse, DBT_TARGET="dev", DBT_TARGET_PATH=(
        tmp_path_factory.mktemp("clv_target")))
    result = runner.run_dbt(
        ["build", "-s", "+fct_customer_lifetime_value", "--indirect-selection",
         "cautious", "--vars", json.dumps({"raw_dir": str(raw)})],
        env, capture=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:]
    con = duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)
    try:
        rows = con.execute("""
            select model, parameter, value, standard_error
            from clv_model_parameters where segment = 'overall'""").fetchall()
        customers = con.execute(
            "select count(*), count(probability_alive) from "
            "fct_customer_lifetime_value").fetchone()
        dim = con.execute("select count(*) from dim_customers").fetchone()[0]
    finally:
        con.close()
    fitted = {(model, name): (value, se) for model, name, value, se in rows}
    expected = {("bgnbd", "r"): truth["bgnbd_r"],
                ("bgnbd", "alpha"): truth["bgnbd_alpha"],
                ("bgnbd", "a"): truth["bgnbd_a"],
                ("bgnbd", "b"): truth["bgnbd_b"],
                ("gamma_gamma", "p"): truth["gg_p"],
                ("gamma_gamma", "q"): truth["gg_q"],
                ("gamma_gamma", "gamma"): truth["gg_gamma"]}
    for key, value in expected.items():
        estimate, se = fitted[key]
        assert abs(estimate - value) < 2 * se, (key, estimate, value, se)
    assert customers[0] == dim and customers[1] > 0
    assert sql_lifetimes_differences(warehouse / "work.duckdb") == 0


def sql_lifetimes_differences(work_db) -> int:
    """Cells in which int_subscription_lifetimes_summarized_to_customer (SQL,
    every engine) differs from lifetime_value.subscription_lifetimes (the
    reference) run on the same build's fct_customer_mrr_monthly."""
    con = duckdb.connect(str(work_db), read_only=True)
    try:
        months = con.execute("select * from fct_customer_mrr_monthly "
                             "order by customer_id, date_month").df()
        built = con.execute(
            "select * from int_subscription_lifetimes_summarized_to_customer "
            "order by customer_id").df()
    finally:
        con.close()
    reference = lifetime_value.subscription_lifetimes(months).sort_values(
        "customer_id", ignore_index=True)
    assert list(built.columns) == list(reference.columns)
    assert len(built) == len(reference) > 0
    differing = 0
    for column in built.columns:
        a, b = built[column], reference[column]
        if column == "cohort_month":
            a, b = pd.to_datetime(a), pd.to_datetime(b)
        if a.dtype.kind in "fiub" or b.dtype.kind in "fiub":
            a, b = a.astype(float), b.astype(float)
        differing += int((~((a == b) | (a.isna() & b.isna()))).sum())
    return differing


@pytest.mark.dbt
def test_sql_lifetimes_equal_the_python_reference(clean_build):
    warehouse, _ = clean_build
    assert sql_lifetimes_differences(warehouse / "work.duckdb") == 0


@pytest.mark.dbt
def test_the_portable_fit_path_equals_the_duckdb_model_to_the_bit(
        clean_build, tmp_path):
    """Server engines get clv_model_parameters from the CLI: the fit
    inputs read as plain rows, fit_from_inputs, the rows handed to the SQL
    model in var clv_fitted_parameters. On DuckDB that path must give the
    very table the dbt Python model gives: same rows, same bits."""
    warehouse, target = copy_of_clean_build(clean_build, tmp_path)
    con = duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)
    try:
        frames = {role: con.execute(f"select * from {name}").df()
                  for role, name in lifetime_value.FIT_INPUTS.items()}
        built = con.execute("select * from clv_model_parameters "
                            "order by model, segment, parameter").fetchall()
    finally:
        con.close()
    rows = lifetime_value.fitted_rows(lifetime_value.fit_from_inputs(
        frames["orders"], frames["customers"], frames["lifetimes"],
        frames["as_of"]["as_of_date"].iloc[0],
        runner.project_vars({})["clv_time_unit"]))
    assert {"bgnbd", "gamma_gamma"} <= {row[0] for row in rows}
    result = runner.run_dbt(
        ["run", "-s", "clv_model_parameters", "--vars",
         json.dumps({"clv_fitted_parameters": rows})],
        runner.dbt_env(warehouse, DBT_TARGET_PATH=target), capture=True,
        timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
    con = duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)
    try:
        portable = con.execute("select * from clv_model_parameters "
                               "order by model, segment, parameter").fetchall()
    finally:
        con.close()
    assert len(portable) == len(built) > 0
    assert portable == built
