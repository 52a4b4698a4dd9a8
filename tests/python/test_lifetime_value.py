"""retention_lib.lifetime_value (the fits and the reference scoring) on
hand-made frames; the dbt models end to end on a generated set whose true
BG/NBD and Gamma-Gamma parameters are known; and the SQL scoring
(fct_customer_lifetime_value, every engine) equal to the Python reference
on the built sets and on hand-made extreme parameters."""

from __future__ import annotations

import json
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest

from conftest import build_selected, copy_of_clean_build
from retention_lib import clv, lifetime_value, runner
from retention_lib.generator import generate


def given(model: str, segment: str, values: dict, *, scope=None,
          contract_months=None, cohort_month=None, identified=True) -> list:
    """clv_model_parameters rows of one hand-made fit."""
    scope = scope or ("overall" if segment == "overall" else "segment")
    return [{"model": model, "segment": segment, "parameter": name,
             "value": value, "fit_scope": scope,
             "contract_months": contract_months, "cohort_month": cohort_month,
             "fit_status": "converged", "is_identified": identified}
            for name, value in values.items()]


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
        + month_rows("annual", "2024-01-01", [True] * 12 + [False])
        + month_rows("quarterly", "2024-01-01", [True] * 8)
        + month_rows("reactivated", "2024-01-01",
                     [True, True, False, False, True, True]))
    # the month of as_of_date is incomplete: not used for the fit, used for
    # the current state
    months.loc[months.index[-1], "is_complete_period"] = False
    contracts = pd.DataFrame({
        "customer_id": ["churned", "censored", "annual", "quarterly",
                        "reactivated"],
        "contract_months": [1, 1, 12, 3, 1]})
    out = lifetime_value.subscription_lifetimes(
        months, contracts).set_index("customer_id")
    # in the contract's own periods: monthly as in months; the annual
    # customer did not renew after its first year (period 1); the
    # quarterly one has renewed twice by month index 7 (months 0-2, 3-5,
    # 6-8) and is in its third quarter
    assert out.loc["churned", "contract_periods"] == 3
    assert out.loc["annual", "periods"] == 12
    assert out.loc["annual", "contract_periods"] == 1
    assert bool(out.loc["annual", "churned"])
    assert out.loc["quarterly", "contract_periods"] == 2
    assert out.loc["quarterly", "current_renewals"] == 7
    assert out.loc["quarterly", "current_contract_renewals"] == 2
    assert pd.isna(out.loc["annual", "current_contract_renewals"])
    # no contract length known: no contract periods
    unknown = lifetime_value.subscription_lifetimes(months)
    assert unknown["contract_periods"].isna().all()
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


def test_cohort_without_churn_falls_back_to_its_contract_fit_and_churned_is_zero():
    rng = np.random.default_rng(8)
    rows = []
    for i in range(400):  # an old cohort with churn
        life = int(rng.geometric(rng.beta(2.0, 8.0)))
        paying = [k < life for k in range(13)]
        rows += month_rows(f"old{i}", "2024-01-01", paying)
    for i in range(30):  # a young cohort nobody has left yet
        rows += month_rows(f"new{i}", "2024-11-01", [True, True])
    months = pd.DataFrame(rows)
    contracts = pd.DataFrame({"customer_id": months["customer_id"].unique(),
                              "contract_months": 1})
    lifetimes = lifetime_value.subscription_lifetimes(months, contracts)
    parameters = lifetime_value.fit_parameters(
        pd.DataFrame(columns=["customer_id", "frequency", "recency_days",
                              "age_days", "repeat_mean_value", "segment"]),
        lifetimes, "week", date(2025, 1, 31))
    sbg = parameters[parameters["model"] == "sbg"]
    fits = sbg.groupby("segment").first()
    assert bool(fits.loc["1-month", "is_identified"])
    assert bool(fits.loc["1-month 2024-01-01", "is_identified"])
    # the young cohort's fit is published, failed, with the reason
    young = fits.loc["1-month 2024-11-01"]
    assert young["fit_status"] == "failed" and not young["is_identified"]
    assert "no customer has churned" in young["status_reason"]
    assert (sbg["time_unit"] == "month").all()
    assert (parameters["penalizer"] == 0).all()
    # var clv_penalizer reaches every fit and is published with it
    penalised = lifetime_value.fit_parameters(
        pd.DataFrame(columns=["customer_id", "frequency", "recency_days",
                              "age_days", "repeat_mean_value", "segment"]),
        lifetimes, "week", date(2025, 1, 31), penalizer=0.1)
    assert (penalised["penalizer"] == 0.1).all()
    def monthly_alpha(rows):
        return rows.loc[(rows["segment"] == "1-month")
                        & (rows["parameter"] == "alpha"), "value"].item()

    assert monthly_alpha(penalised) != monthly_alpha(sbg)
    customers = pd.DataFrame({"customer_id": lifetimes["customer_id"],
                              "segment": "smb"})
    values = lifetime_value.customer_values(
        customers, pd.DataFrame(columns=["customer_id", "frequency",
                                         "recency_days", "age_days",
                                         "repeat_mean_value"]),
        lifetimes, parameters, time_unit="week", horizon_months=12,
        discount_rate=0.1, gross_margin=0.8).set_index("customer_id")
    assert values.loc["new0", "subscription_model_segment"] == "1-month"
    assert values.loc["old0", "subscription_model_segment"] == "1-month 2024-01-01"
    assert values["subscription_clv_unscored_reason"].isna().all()
    churned = values[~values["is_paying_now"].astype(bool)]
    assert len(churned) > 0 and (churned["subscription_clv"] == 0).all()
    paying = values[values["is_paying_now"].astype(bool)]
    monthly = (1.1) ** (1 / 12) - 1
    alpha, beta = (sbg[(sbg["segment"] == "1-month 2024-01-01")]
                   .set_index("parameter")["value"][["alpha", "beta"]])
    one = paying[paying["subscription_model_segment"] == "1-month 2024-01-01"
                 ].iloc[0]
    expected = clv.sbg_discounted_expected_residual_lifetime(
        alpha, beta, one["renewals"], monthly) * 0.8 * 100.0
    assert one["subscription_clv"] == pytest.approx(expected)


def test_contract_lengths_are_fitted_apart_in_their_own_periods():
    """Quarterly contracts churn only at quarter ends: simulated with a
    known sBG per quarter, fitted on their quarters (not pooled with the
    monthly ones), scored per quarter with quarterly discounting, and an
    annual contract without any fit that identifies it is not scored, with
    the reason."""
    rng = np.random.default_rng(21)
    rows, lengths = [], {}
    for i in range(2000):  # quarterly: churn probability per quarter
        theta = rng.beta(2.0, 6.0)
        quarters = int(rng.geometric(theta))
        paying = [k < 3 * quarters for k in range(24)]
        rows += month_rows(f"q{i}", "2023-01-01", paying)
        lengths[f"q{i}"] = 3
    for i in range(2000):  # monthly: another population
        theta = rng.beta(1.2, 20.0)
        life = int(rng.geometric(theta))
        rows += month_rows(f"m{i}", "2023-01-01", [k < life for k in range(24)])
        lengths[f"m{i}"] = 1
    for i in range(5):  # annual: too few to identify anything
        rows += month_rows(f"a{i}", "2023-01-01", [True] * 24)
        lengths[f"a{i}"] = 12
    months = pd.DataFrame(rows)
    lifetimes = lifetime_value.subscription_lifetimes(months, pd.DataFrame(
        {"customer_id": list(lengths), "contract_months": list(lengths.values())}))
    parameters = lifetime_value.fit_parameters(
        pd.DataFrame(columns=["customer_id", "frequency", "recency_days",
                              "age_days", "repeat_mean_value", "segment"]),
        lifetimes, "week", date(2025, 1, 31))
    fits = {segment: group.set_index("parameter")
            for segment, group in parameters.groupby("segment")}
    quarterly = fits["3-month"]
    assert (quarterly["time_unit"] == "3 months").all()
    assert quarterly["is_identified"].all()
    for name, truth in (("alpha", 2.0), ("beta", 6.0)):
        value, se = quarterly.loc[name, ["value", "standard_error"]]
        assert abs(value - truth) < 3 * se, (name, value, se)
    monthly = fits["1-month"]
    for name, truth in (("alpha", 1.2), ("beta", 20.0)):
        value, se = monthly.loc[name, ["value", "standard_error"]]
        assert abs(value - truth) < 3 * se, (name, value, se)
    assert not fits["12-month"]["is_identified"].any()
    # handed to the servers as text: whole numbers stay whole ('3', not
    # '3.0', which a BIGINT cast on Spark and PostgreSQL refuses)
    position = lifetime_value.PARAMETER_COLUMNS.index("contract_months")
    assert {type(row[position]) for row in lifetime_value.fitted_rows(
        parameters)} == {int}
    values = lifetime_value.customer_values(
        pd.DataFrame({"customer_id": list(lengths), "segment": "smb"}),
        pd.DataFrame(columns=["customer_id", "frequency", "recency_days",
                              "age_days", "repeat_mean_value"]),
        lifetimes, parameters, time_unit="week", horizon_months=12,
        discount_rate=0.1, gross_margin=0.8).set_index("customer_id")
    annual = values.loc["a0"]
    assert pd.isna(annual["subscription_clv"])
    assert pd.isna(annual["subscription_model_segment"])
    assert annual["subscription_clv_unscored_reason"] == (
        "no identified sBG fit for 12-month contracts (cohort or all)")
    # a quarterly customer in month 23 is in quarter 8 (7 renewals), and
    # each quarter is discounted by a quarter's rate
    paying = values[values.index.str.startswith("q")
                    & values["is_paying_now"].astype(bool)].iloc[0]
    assert paying["contract_renewals"] == 7
    alpha, beta = quarterly.loc["alpha", "value"], quarterly.loc["beta", "value"]
    if paying["subscription_model_segment"] == "3-month 2023-01-01":
        cohort = fits["3-month 2023-01-01"]
        alpha, beta = cohort.loc["alpha", "value"], cohort.loc["beta", "value"]
    per_quarter = 1.1 ** 0.25 - 1
    assert paying["discounted_expected_residual_lifetime_months"] == pytest.approx(
        3 * clv.sbg_discounted_expected_residual_lifetime(alpha, beta, 7,
                                                          per_quarter))
    assert paying["subscription_clv"] == pytest.approx(
        paying["discounted_expected_residual_lifetime_months"] * 0.8 * 100.0)


def test_a_single_order_customer_is_scored_with_given_parameters():
    parameters = pd.DataFrame(
        given("bgnbd", "overall", {"r": 0.243, "alpha": 4.414, "a": 0.793,
                                   "b": 2.426})
        + given("gamma_gamma", "overall", {"p": 6.25, "q": 3.74, "gamma": 15.44})
        # a segment fit that is not identified scores nobody
        + given("bgnbd", "smb", {"r": 9.0, "alpha": 1.0, "a": 9.0, "b": 0.1},
                identified=False))
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
    assert one["order_model_segment"] == "overall"
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
    # one customer cannot identify BG/NBD: its fits are published as not
    # identified, and score nobody
    alone = lifetime_value.fit_parameters(
        orders.assign(segment="smb"), pd.DataFrame(), "week", date(2025, 1, 1))
    assert len(alone) > 0 and not alone["is_identified"].any()
    assert alone["status_reason"].notna().all()
    unscored = lifetime_value.customer_values(
        pd.DataFrame({"customer_id": ["c1"], "segment": ["smb"]}), orders,
        lifetime_value.subscription_lifetimes(pd.DataFrame(
            columns=["customer_id", "date_month", "cohort_month",
                     "months_since_start", "is_paying", "mrr",
                     "paying_tenure_months", "is_complete_period"])),
        alone, time_unit="week", horizon_months=12, discount_rate=0.1,
        gross_margin=0.8).iloc[0]
    assert pd.isna(unscored["order_clv"]) and pd.isna(
        unscored["order_model_segment"])
    assert unscored["order_clv_unscored_reason"] == (
        "no identified BG/NBD fit (segment or overall)")


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
    spend = parameters[parameters["model"] == "gamma_gamma"]
    assert (spend["fit_status"] == "failed").all() and spend["value"].isna().all()
    assert (spend["status_reason"] == "no convergence").all()
    overall = parameters[(parameters["model"] == "bgnbd")
                         & (parameters["segment"] == "overall")]
    assert set(overall["parameter"]) == {"r", "alpha", "a", "b"}
    assert overall["is_identified"].all()
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
    assert (values["order_clv_unscored_reason"]
            == "no identified Gamma-Gamma fit (segment or overall)").all()


@pytest.mark.dbt
def test_dbt_models_recover_the_generator_truth(tmp_path_factory):
    raw = tmp_path_factory.mktemp("clv_raw")
    generate(raw, 6000, seed=11, fmt="parquet")
    truth = json.loads((raw / "_truth.json").read_text())
    warehouse = tmp_path_factory.mktemp("clv_warehouse")
    result = build_selected(
        warehouse, tmp_path_factory.mktemp("clv_target"),
        ["fct_customer_lifetime_value", "fct_clv_backtest"], raw_dir=raw)
    assert result.returncode == 0, result.stdout[-4000:]
    con = duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)
    try:
        rows = con.execute("""
            select model, parameter, value, standard_error
            from clv_model_parameters where segment = 'overall'""").fetchall()
        sbg = {(segment, name): (value, se, identified)
               for segment, name, value, se, identified in con.execute("""
            select segment, parameter, value, standard_error, is_identified
            from clv_model_parameters where fit_scope = 'contract'""").fetchall()}
        customers = con.execute(
            "select count(*), count(probability_alive) from "
            "fct_customer_lifetime_value").fetchone()
        annual = con.execute("""
            select count(*), count(subscription_clv),
                   min(subscription_clv_unscored_reason)
            from fct_customer_lifetime_value
            where contract_months = 12""").fetchone()
        dim = con.execute("select count(*) from dim_customers").fetchone()[0]
        backtest = con.execute("""
            select model, customers, unscored_customers, predicted, actual,
                   mean_absolute_error
            from fct_clv_backtest where comparison = 'total'""").df()
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
    # monthly contracts: the generator's monthly churn is Beta(1.2, 20)
    # (plus a little involuntary churn); fitted apart from the others
    for name, value in (("alpha", truth["sbg_alpha"]), ("beta", truth["sbg_beta"])):
        estimate, se, identified = sbg[("1-month", name)]
        assert identified and abs(estimate - value) < 2 * se, (name, estimate, se)
    assert sbg[("3-month", "alpha")][2]
    # annual contracts renew at most once in two years: not identified, so
    # none of them is scored, each with the reason
    assert not sbg[("12-month", "alpha")][2]
    assert annual[0] > 100 and annual[1] == 0
    assert annual[2] == ("no identified sBG fit for 12-month contracts "
                         "(cohort or all)")
    assert customers[0] == dim and customers[1] > 0
    # the holdout back-test: refitted on the data before the last six
    # months, each model's total prediction of them is within 10% of what
    # the generator did (its own processes: sampling noise alone is a few
    # percent here); the annual contracts' survivors are counted, not
    # predicted (their fit is not identified)
    backtest = backtest.set_index("model")
    for model in ("bgnbd", "gamma_gamma", "sbg"):
        row = backtest.loc[model]
        assert row["customers"] > 300, row
        assert abs(row["predicted"] - row["actual"]) < 0.10 * row["actual"], row
    assert backtest.loc[["bgnbd", "gamma_gamma"], "unscored_customers"].eq(0).all()
    assert backtest.loc["sbg", "unscored_customers"] > 0
    assert sql_lifetimes_differences(warehouse / "work.duckdb") == 0
    compared = sql_customer_values_differences(warehouse / "work.duckdb")
    assert compared["differing"] == {}, compared
    # segments' own fits and the spend model scored customers here
    assert compared["order_clv"] > 0 and compared["segment_scored"] > 0


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
    # the contract lengths as SQL read them from the invoice lines; the
    # reference checks everything computed from them
    reference = lifetime_value.subscription_lifetimes(
        months, built[["customer_id", "contract_months"]]).sort_values(
        "customer_id", ignore_index=True)
    assert built["contract_months"].notna().all()
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


MONEY_COLUMNS = {"expected_order_value", "order_clv", "current_mrr",
                 "subscription_clv", "clv"}


def sql_customer_values_differences(work_db, overrides=None) -> dict:
    """fct_customer_lifetime_value (SQL) against
    lifetime_value.customer_values (the reference) on the same build's
    inputs: {"differing": {column: cells}, "order_clv": non-NULL order CLVs,
    "segment_scored": customers scored by a segment's own fit}. Doubles
    must agree to 1e-9 relative; money to the cent's hundredth (the
    reference rounds the double to 4 decimals before the cast, SQL casts
    through 9 decimals: a value within 1e-9 of a half may round apart)."""
    settings = runner.project_vars(overrides or {})
    con = duckdb.connect(str(work_db), read_only=True)
    try:
        def frame(name, order):
            return con.execute(f"select * from {name} order by {order}").df()
        parameters = frame("clv_model_parameters", "model, segment, parameter")
        orders = frame("int_orders_summarized_to_customer", "customer_id")
        customers = frame("dim_customers", "customer_id")
        lifetimes = frame("int_subscription_lifetimes_summarized_to_customer",
                          "customer_id")
        built = frame("fct_customer_lifetime_value", "customer_id")
    finally:
        con.close()
    for column in ("frequency", "recency_days", "age_days", "repeat_mean_value"):
        orders[column] = pd.to_numeric(orders[column]).astype(float)
    reference = lifetime_value.customer_values(
        customers, orders, lifetimes, parameters,
        time_unit=settings["clv_time_unit"],
        horizon_months=int(settings["clv_horizon_months"]),
        discount_rate=float(settings["discount_rate"]),
        gross_margin=float(settings["gross_margin"]),
    ).sort_values("customer_id", ignore_index=True)
    assert list(built.columns) == list(reference.columns)
    assert len(built) == len(reference) > 0
    differing = {}
    for column in built.columns:
        a, b = built[column], reference[column]
        if column == "subscription_cohort_month":
            a, b = pd.to_datetime(a), pd.to_datetime(b)
        if column in MONEY_COLUMNS or a.dtype.kind in "fiub" or b.dtype.kind in "fiub":
            a = pd.to_numeric(a.astype(object).where(a.notna(), None)).astype(float)
            b = pd.to_numeric(b.astype(object).where(b.notna(), None)).astype(float)
            if column in MONEY_COLUMNS:
                b = b.round(4)
                same = (a - b).abs() <= 1.000001e-4
            else:
                same = (a - b).abs() <= 1e-9 * b.abs()
        else:
            same = a.astype(object) == b.astype(object)
        cells = int((~(same | (a.isna() & b.isna()))).sum())
        if cells:
            differing[column] = cells
    # scored by a segment's or a cohort's own fit (sBG cohort segments are
    # '<L>-month <cohort month>')
    cohort_fit = built["subscription_model_segment"].str.contains(" ", na=False)
    return {"differing": differing,
            "order_clv": int(built["order_clv"].notna().sum()),
            "segment_scored": int(((built["order_model_segment"] != "overall")
                                   & built["order_model_segment"].notna()).sum()
                                  + cohort_fit.sum()),
            "unscored": int(built["order_clv_unscored_reason"].notna().sum()
                            + built["subscription_clv_unscored_reason"]
                            .notna().sum())}


@pytest.mark.dbt
def test_sql_lifetimes_and_values_equal_the_python_reference(clean_build):
    warehouse, _ = clean_build
    assert sql_lifetimes_differences(warehouse / "work.duckdb") == 0
    compared = sql_customer_values_differences(warehouse / "work.duckdb")
    assert compared["differing"] == {}, compared


def extreme_inputs(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Hand-made scoring inputs over the parameter space the fits can
    return: BG/NBD with a below and above 1 and 2, heavy buyers, customers
    who bought today; Gamma-Gamma with q below 1 (no population mean); sBG
    with alpha below 1 (no mean lifetime) and long tenures; segments and
    cohorts without a fit of their own, and one model without an overall
    fit."""
    rows = []
    for i in range(8):
        segment = f"s{i}"
        # s7's BG/NBD fit is not identified: its customers use overall's
        rows += given("bgnbd", segment, dict(zip(
            ["r", "alpha", "a", "b"],
            [rng.uniform(0.05, 3), 10 ** rng.uniform(-0.5, 2),
             rng.choice([rng.uniform(0.2, 0.95), rng.uniform(1.05, 6)]),
             10 ** rng.uniform(-0.5, 1.7)], strict=True)), identified=i != 7)
        if i % 3:
            rows += given("gamma_gamma", segment, dict(zip(
                ["p", "q", "gamma"],
                [rng.uniform(0.5, 10), rng.uniform(0.5, 6), rng.uniform(1, 50)],
                strict=True)))
    rows += given("bgnbd", "overall", {"r": 0.24, "alpha": 4.4, "a": 0.79,
                                       "b": 2.4})
    cohorts = [f"2023-{month:02d}-01" for month in range(1, 13)]
    # monthly and quarterly contracts with a fit over all their customers
    # and some cohorts' own (one of them not identified); 12-month
    # contracts with one cohort's fit only, the rest unscored
    for months in (1, 3):
        rows += given("sbg", f"{months}-month",
                      {"alpha": 10 ** rng.uniform(-0.7, 1.5),
                       "beta": 10 ** rng.uniform(-0.5, 2)},
                      scope="contract", contract_months=months)
        for k, cohort in enumerate(cohorts[:9]):
            rows += given("sbg", f"{months}-month {cohort}",
                          {"alpha": 10 ** rng.uniform(-0.7, 1.5),
                           "beta": 10 ** rng.uniform(-0.5, 2)},
                          scope="contract_cohort", contract_months=months,
                          cohort_month=date.fromisoformat(cohort),
                          identified=k != 4)
    rows += given("sbg", f"12-month {cohorts[0]}",
                  {"alpha": 3.0, "beta": 9.0}, scope="contract_cohort",
                  contract_months=12, cohort_month=date.fromisoformat(cohorts[0]))
    parameters = pd.DataFrame(rows)
    n = 400
    customers = pd.DataFrame({
        "customer_id": [f"c{i:04d}" for i in range(n)],
        "segment": [None if i % 17 == 0 else f"s{i % 10}" for i in range(n)]})
    buyers = customers.sample(260, random_state=1)["customer_id"]
    age = rng.integers(0, 900, len(buyers)).astype(float)
    frequency = np.where(age > 0, rng.integers(0, 45, len(buyers)), 0)
    recency = np.where(frequency > 0, np.floor(rng.uniform(0, 1, len(buyers))
                                               * age), 0)
    orders = pd.DataFrame({
        "customer_id": buyers.to_numpy(), "frequency": frequency,
        "recency_days": recency, "age_days": age,
        "repeat_mean_value": pd.array(
            [float(v) if x > 0 else None for v, x in zip(
                rng.uniform(5, 500, len(buyers)), frequency, strict=True)],
            dtype="Float64")})
    subscribers = customers.sample(220, random_state=2)["customer_id"]
    paying = rng.uniform(size=len(subscribers)) < 0.7
    renewals = rng.integers(0, 120, len(subscribers))
    contract = np.where(np.arange(len(subscribers)) % 11 == 0, -1,
                        rng.choice([1, 3, 12], len(subscribers)))
    lifetimes = pd.DataFrame({
        "customer_id": subscribers.to_numpy(),
        "cohort_month": pd.to_datetime(rng.choice(cohorts, len(subscribers)))
        .date,
        "periods": rng.integers(1, 30, len(subscribers)),
        "churned": ~paying,
        "is_paying_now": paying,
        "current_mrr": np.where(paying, rng.uniform(10, 900, len(subscribers))
                                .round(4), 0.0),
        "current_renewals": pd.array(
            [int(k) if alive else None for k, alive in zip(
                renewals, paying, strict=True)], dtype="Int64"),
        # a few customers without a known contract length
        "contract_months": pd.array([None if c < 0 else int(c) for c in contract],
                                    dtype="Int64"),
        "contract_periods": pd.array(
            [None if c < 0 else int(p // c) for p, c in zip(
                rng.integers(1, 30, len(subscribers)), contract, strict=True)],
            dtype="Int64"),
        "current_contract_renewals": pd.array(
            [int(k // c) if alive and c > 0 else None for k, c, alive in zip(
                renewals, contract, paying, strict=True)], dtype="Int64")})
    return {"parameters": parameters, "customers": customers,
            "orders": orders, "lifetimes": lifetimes}


@pytest.mark.dbt
def test_sql_scoring_equals_the_reference_on_extreme_parameters(
        clean_build, tmp_path):
    """The SQL series (BG/NBD expected purchases, sBG discounted residual
    lifetimes) against scipy's hypergeometric function, over parameters
    no real build reaches, with other vars than the defaults (days as the
    time unit, a 7-month horizon, 25% a year): the scoring models run on a
    copy of the clean build whose inputs are replaced by extreme_inputs,
    and their data tests (the recursion DERL must satisfy, every fitted
    customer scored) run too."""
    warehouse, target = copy_of_clean_build(clean_build, tmp_path)
    inputs = extreme_inputs(np.random.default_rng(20))
    overrides = {"clv_time_unit": "day", "clv_horizon_months": 7,
                 "discount_rate": 0.25}
    con = duckdb.connect(str(warehouse / "work.duckdb"))
    try:
        for name, frame in [("clv_model_parameters", "parameters"),
                            ("dim_customers", "customers"),
                            ("int_orders_summarized_to_customer", "orders"),
                            ("int_subscription_lifetimes_summarized_to_customer",
                             "lifetimes")]:
            con.register("replacement", inputs[frame])
            kind = con.execute(
                "select table_type from information_schema.tables "
                "where table_name = ?", [name]).fetchone()[0]
            con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} {name}")
            con.execute(f"create table {name} as select * from replacement")
            con.unregister("replacement")
    finally:
        con.close()
    selected = ("int_order_purchases_projected_to_customer "
                "int_residual_lifetimes_discounted_to_segment_period "
                "fct_customer_lifetime_value")
    result = runner.run_dbt(
        ["build", "-s", *selected.split(), "--exclude", "test_type:unit",
         "--vars", json.dumps(overrides)],
        runner.dbt_env(warehouse, DBT_TARGET_PATH=target), capture=True,
        timeout=600)
    assert result.returncode == 0, result.stdout[-4000:]
    compared = sql_customer_values_differences(warehouse / "work.duckdb",
                                               overrides)
    assert compared["differing"] == {}, compared
    assert compared["order_clv"] > 100 and compared["segment_scored"] > 150
    # unscored customers: 12-month contracts outside the one cohort fitted,
    # unknown contract lengths, segments without a spend model and no
    # overall one
    assert compared["unscored"] > 50


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
