"""retention_lib.clv_backtest (fct_clv_backtest) on simulated customers
whose true parameters are known: the holdout error of the true parameters
and of the fits on the calibration data stays within a stated bound, and a
deliberately wrong parameter set breaks it; the calibration cut of the
subscription lifetimes by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from retention_lib import clv, clv_backtest

BGNBD = (0.25, 4.0, 0.8, 2.5)  # r, alpha (weeks), a, b
SPEND = (6.0, 4.0, 15.0)  # p, q, gamma
HOLDOUT_WEEKS = 26
WINDOW = pd.DataFrame([{
    "as_of_date": date(2024, 12, 31), "calibration_end_date": date(2024, 6, 30),
    "holdout_start_date": date(2024, 7, 1), "holdout_end_date": date(2024, 12, 31),
    "holdout_months": 6, "holdout_days": HOLDOUT_WEEKS * 7}])
# the bounds the back-test must meet with the true (or fitted) parameters
TOTAL_BOUND = 0.05  # |predicted - actual| / actual, over all customers
BUCKET_BOUND = 0.15  # the same per bucket of at least 300 customers


def given(model: str, values: tuple, names: list[str]) -> list[dict]:
    """clv_model_parameters rows of one identified overall fit."""
    return [{"model": model, "segment": "overall", "parameter": name,
             "value": value, "fit_scope": "overall", "contract_months": None,
             "cohort_month": None, "fit_status": "converged",
             "is_identified": True} for name, value in zip(names, values,
                                                            strict=True)]


def order_parameters(bgnbd=BGNBD, spend=SPEND) -> pd.DataFrame:
    return pd.DataFrame(given("bgnbd", bgnbd, ["r", "alpha", "a", "b"])
                        + given("gamma_gamma", spend, ["p", "q", "gamma"]))


@pytest.fixture(scope="module")
def simulated_orders() -> pd.DataFrame:
    """20,000 order customers, first purchases spread over 20-80 weeks
    before the calibration end, in the layout of
    int_orders_summarized_to_customer (days)."""
    rng = np.random.default_rng(20261202)
    n = 20_000
    age = rng.uniform(20, 80, n)
    x, t_x, later = clv.simulate_bgnbd_holdout(BGNBD, age, HOLDOUT_WEEKS, rng)
    p, q, gamma = SPEND
    # each customer's mean spend 1 / nu, nu ~ Gamma(q, rate gamma); a mean
    # of k purchases of Gamma(p, rate nu) is Gamma(p k, rate nu k)
    nu = rng.gamma(q, 1 / gamma, n)

    def mean_of(k):
        safe = np.maximum(k, 1)
        return np.where(k > 0, rng.gamma(p * safe, 1 / (nu * safe)), np.nan)

    return pd.DataFrame({
        "customer_id": [f"c{i}" for i in range(n)],
        "calibration_frequency": x, "calibration_recency_days": t_x * 7,
        "calibration_age_days": age * 7,
        "calibration_repeat_mean_value": mean_of(x),
        "holdout_purchases": later, "holdout_mean_value": mean_of(later)})


def backtest_rows(orders: pd.DataFrame, parameters: pd.DataFrame) -> pd.DataFrame:
    customers = pd.DataFrame({"customer_id": orders["customer_id"],
                              "segment": "smb"})
    return pd.DataFrame(clv_backtest.order_backtest(
        clv_backtest.calibration_orders(orders), customers, parameters,
        "week", HOLDOUT_WEEKS * 7)).set_index(["model", "bucket"])


def relative_errors(rows: pd.DataFrame, model: str) -> tuple[float, float]:
    """(total relative error, worst relative error of a bucket of >= 300)."""
    part = rows.loc[model]
    error = part["absolute_error"] / part["actual"]
    large = part.index.isin([b for b in part.index if b != "all"]) & (
        part["customers"] >= 300)
    return float(error["all"]), float(error[large].max())


def test_true_bgnbd_and_gamma_gamma_predict_the_holdout_within_the_bound(
        simulated_orders):
    rows = backtest_rows(simulated_orders, order_parameters())
    total, worst = relative_errors(rows, "bgnbd")
    assert total < TOTAL_BOUND and worst < BUCKET_BOUND, (total, worst)
    assert rows.loc[("bgnbd", "all"), "customers"] == len(simulated_orders)
    assert rows.loc[("bgnbd", "all"), "actual"] == \
        simulated_orders["holdout_purchases"].sum()
    total, worst = relative_errors(rows, "gamma_gamma")
    assert total < TOTAL_BOUND and worst < BUCKET_BOUND, (total, worst)
    # gamma_gamma compares the customers who bought in the window
    assert rows.loc[("gamma_gamma", "all"), "customers"] == \
        (simulated_orders["holdout_purchases"] > 0).sum()


@pytest.mark.parametrize("wrong", [
    {"bgnbd": (0.5, 4.0, 0.8, 2.5)},  # twice the purchase rate
    {"bgnbd": (0.25, 4.0, 2.4, 2.5)},  # three times the dropout
    {"spend": (2.0, 4.0, 15.0)},  # a third of the spend
])
def test_a_wrong_parameter_set_breaks_the_bound(simulated_orders, wrong):
    rows = backtest_rows(simulated_orders, order_parameters(**wrong))
    total, _ = relative_errors(rows, "bgnbd" if "bgnbd" in wrong
                               else "gamma_gamma")
    assert total > 2 * TOTAL_BOUND, total


def test_the_calibration_fits_predict_the_holdout_within_the_bound(
        simulated_orders):
    """The whole path: fits on the calibration data only (frequency,
    recency and age at calibration end), then the window."""
    customers = pd.DataFrame({"customer_id": simulated_orders["customer_id"],
                              "segment": "smb"})
    lifetimes = pd.DataFrame(columns=[
        "customer_id", "cohort_month", "periods", "churned", "is_paying_now",
        "current_mrr", "current_renewals", "contract_months",
        "contract_periods", "current_contract_renewals"])
    out = clv_backtest.backtest_from_inputs(
        simulated_orders.assign(frequency=0, recency_days=0, age_days=1,
                                repeat_mean_value=None),
        customers, lifetimes, WINDOW, "week")
    rows = out.set_index(["model", "bucket"])
    for model in ("bgnbd", "gamma_gamma"):
        total, worst = relative_errors(rows, model)
        assert total < TOTAL_BOUND and worst < BUCKET_BOUND, (model, total,
                                                             worst)
    assert rows.loc[("bgnbd", "all"), "fits"].startswith("overall (r 0.2")
    assert (out["calibration_end_date"] == date(2024, 6, 30)).all()


def simulated_lifetimes(alpha: float, beta: float, months: int,
                        seed: int) -> pd.DataFrame:
    """Subscription lifetimes at as_of 2024-12-31 of 24 monthly cohorts of
    600 customers (2023-01 to 2024-12) on contracts of `months` months
    whose churn per period is Beta(alpha, beta) distributed: a customer
    lost in period T first goes unpaid in month index T x months."""
    rng = np.random.default_rng(seed)
    rows = []
    for start in range(24):
        cohort = pd.Timestamp("2023-01-01") + pd.DateOffset(months=start)
        last_k = 23 - start  # the cohort's last complete month index
        lost = rng.geometric(np.clip(rng.beta(alpha, beta, 600), 1e-12, 1))
        k = lost * months
        churned = k <= last_k
        periods = np.where(churned, k, last_k)
        for i in range(600):
            rows.append({
                "customer_id": f"s{start}-{i}", "cohort_month": cohort,
                "periods": int(periods[i]), "churned": bool(churned[i]),
                "contract_months": months,
                "contract_periods": int(lost[i] if churned[i]
                                        else last_k // months)})
    return pd.DataFrame(rows)


def sbg_parameters(alpha: float, beta: float, months: int) -> pd.DataFrame:
    return pd.DataFrame([{
        "model": "sbg", "segment": f"{months}-month", "parameter": name,
        "value": value, "fit_scope": "contract", "contract_months": months,
        "cohort_month": None, "fit_status": "converged", "is_identified": True}
        for name, value in (("alpha", alpha), ("beta", beta))])


@pytest.mark.parametrize("months", [1, 3])
def test_sbg_survivors_of_the_window_within_the_bound_and_wrong_breaks_it(
        months):
    truth = (1.2, 8.0)
    subs = clv_backtest.calibration_lifetimes(
        simulated_lifetimes(*truth, months, seed=months),
        WINDOW.iloc[0].to_dict())
    rows = pd.DataFrame(clv_backtest.subscription_backtest(
        subs, sbg_parameters(*truth, months)))
    total = rows[rows["comparison"] == "total"].iloc[0]
    assert total["absolute_error"] / total["actual"] < TOTAL_BOUND, total
    cells = rows[rows["comparison"] == "cohort_renewal"]
    assert cells["renewal_period"].min() >= 1 and len(cells) > 10
    # each survivor counts once per renewal the window shows
    alive = subs[~subs["calibration_churned"]]
    assert total["customers"] == (alive["renewals_in"]
                                  - alive["renewals_before"]).sum()
    wrong = pd.DataFrame(clv_backtest.subscription_backtest(
        subs, sbg_parameters(truth[0] * 3, truth[1], months)))
    wrong_total = wrong[wrong["comparison"] == "total"].iloc[0]
    assert wrong_total["absolute_error"] / wrong_total["actual"] \
        > 2 * TOTAL_BOUND


def test_calibration_cut_of_subscription_lifetimes_by_hand():
    """Window July-December 2024. Monthly cohort 2024-01 (last month
    before the window: index 5, last in it: 11): lost in month 5 -> a
    calibration churn; lost in month 6 -> censored after 5 renewals, then
    fails renewal 6; never lost -> survives renewals 6 to 11. Annual
    cohort 2023-10 (index 8 before, 14 in the window): renewal 1 falls in
    October 2024; lost at month 12 fails it. A cohort starting in the
    window is not in the calibration data."""
    lifetimes = pd.DataFrame([
        ("m-churn-before", "2024-01-01", 5, True, 1, 5),
        ("m-churn-in", "2024-01-01", 6, True, 1, 6),
        ("m-alive", "2024-01-01", 11, False, 1, 11),
        ("a-lost", "2023-10-01", 12, True, 12, 1),
        ("a-alive", "2023-10-01", 14, False, 12, 1),
        ("late", "2024-08-01", 4, False, 1, 4),
    ], columns=["customer_id", "cohort_month", "periods", "churned",
                "contract_months", "contract_periods"])
    subs = clv_backtest.calibration_lifetimes(
        lifetimes, WINDOW.iloc[0].to_dict()).set_index("customer_id")
    assert "late" not in subs.index
    assert bool(subs.loc["m-churn-before", "calibration_churned"])
    assert subs.loc["m-churn-before", "contract_periods"] == 5
    assert not subs.loc[["m-churn-in", "m-alive", "a-lost", "a-alive"],
                        "calibration_churned"].any()
    assert subs.loc["m-churn-in", "contract_periods"] == 5
    assert subs.loc["a-lost", "contract_periods"] == 0
    assert subs.loc["m-alive", "renewals_in"] == 11
    assert subs.loc["a-alive", "renewals_in"] == 1
    rows = pd.DataFrame(clv_backtest.subscription_backtest(
        subs.reset_index(), pd.concat([sbg_parameters(1.0, 3.0, 1),
                                       sbg_parameters(1.0, 3.0, 12)])))
    cells = rows[rows["comparison"] == "cohort_renewal"].set_index(
        ["contract_months", "renewal_period"])
    # monthly renewal 6: m-churn-in fails it, m-alive survives it
    assert cells.loc[(1, 6), "customers"] == 2
    assert cells.loc[(1, 6), "actual"] == 1
    assert cells.loc[(1, 11), "actual"] == 1
    # annual renewal 1: one of two survives; S(1) = beta / (alpha + beta)
    assert cells.loc[(12, 1), "actual"] == 1
    assert cells.loc[(12, 1), "predicted"] == pytest.approx(2 * 3.0 / 4.0)
