"""retention_lib.mrr_forecast (fct_mrr_forecast_monthly and its back-tests)
on simulated subscription books whose true sBG parameters are known: the
forecast with the true or fitted parameters stays within a stated bound
of what the simulation did, a deliberately wrong parameter set breaks the
bound, and the p10-p90 band covers the outcome about as often as it says.
Contract renewals, known cancellations, retained growth and new business
by hand; then the marts of the clean build: each back-test starts from
the MRR of its origin month, sees nothing after it, and the published
forecast uses the fits of clv_model_parameters."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest

from retention_lib import clv, lifetime_value, mrr_forecast

ALPHA, BETA = 1.2, 20.0  # the generator's monthly sBG truth
ORIGIN = date(2024, 12, 1)
HORIZON = 12
# |forecast - simulated| / simulated of the existing customers' MRR, each
# month, with the true or the fitted parameters
BOUND = 0.03
NO_RATES = pd.DataFrame({"date_month": [pd.Timestamp(ORIGIN)],
                         "retained_base": [1.0], "retained_change": [0.0],
                         "churn_rate": [0.0]})


def true_fit(alpha: float = ALPHA, beta: float = BETA) -> clv.Fit:
    """An sBG fit with the given values and a negligible covariance."""
    return clv.Fit("sbg", {"alpha": alpha, "beta": beta},
                   {"alpha": 1e-6 * alpha, "beta": 1e-6 * beta}, 0.0, 1.0,
                   extra={"covariance": np.diag([1e-12 * alpha ** 2,
                                                 1e-12 * beta ** 2])})


def simulated_book(rng: np.random.Generator, cohorts: int, size: int,
                   alpha: float = ALPHA, beta: float = BETA):
    """Monthly subscribers who started at the origin minus 0 ... cohorts - 1
    months, `size` per cohort, each with its churn probability from
    Beta(alpha, beta) and an MRR. Returns the customers paying at the
    origin (the states), their calibration lifetimes (periods survived or
    the churn period, by the origin) and their MRR each month after it."""
    start = np.repeat(np.arange(cohorts), size)          # months before origin
    theta = rng.beta(alpha, beta, size=start.size)
    churn_period = rng.geometric(theta)                  # T >= 1
    mrr = rng.lognormal(4.0, 0.6, size=start.size).round(2)
    alive = churn_period > start                         # paying at the origin
    churned_by_origin = ~alive
    lifetimes = pd.DataFrame({
        "contract_periods": np.where(churned_by_origin, churn_period, start),
        "churned": churned_by_origin})
    states = pd.DataFrame({
        "customer_id": np.arange(start.size)[alive], "mrr": mrr[alive],
        "paying_tenure_months": start[alive] + 1, "contract_months": 1,
        "cohort_month": pd.NaT, "known_stop_month": pd.NaT})
    h = np.arange(1, HORIZON + 1)
    actual = ((churn_period[alive, None] > start[alive, None] + h[None, :])
              * mrr[alive, None]).sum(axis=0)
    return states, lifetimes, actual


def existing(states, fits, draws=1, seed=0, rates=NO_RATES) -> pd.DataFrame:
    return mrr_forecast.forecast_origin(states, fits, rates, ORIGIN, HORIZON,
                                        draws, np.random.default_rng(seed))


def relative_errors(frame: pd.DataFrame, actual: np.ndarray) -> np.ndarray:
    return np.abs(frame["existing_mrr"].to_numpy() - actual) / actual


def test_true_fitted_and_wrong_parameters_against_a_simulated_book():
    states, lifetimes, actual = simulated_book(np.random.default_rng(11), 36, 800)
    assert len(states) > 8000
    with_truth = relative_errors(existing(
        states, {"1-month": (true_fit(), "contract", 1, None)}), actual)
    assert with_truth.max() < BOUND, with_truth
    fitted = clv.fit_sbg(lifetimes["contract_periods"], lifetimes["churned"])
    assert not lifetime_value.unidentified_parameters(fitted)
    with_fit = relative_errors(existing(
        states, {"1-month": (fitted, "contract", 1, None)}), actual)
    assert with_fit.max() < BOUND, with_fit
    # three times the churn heterogeneity's alpha: the bound breaks
    wrong = relative_errors(existing(
        states, {"1-month": (true_fit(3 * ALPHA), "contract", 1, None)}), actual)
    assert wrong.max() > 3 * BOUND, wrong


def test_the_band_covers_the_outcome_about_as_often_as_it_says():
    """20 books of 1,200 subscribers, each fitted on its own history: the
    actual MRR 12 months on falls inside p10-p90 in about 80% of them
    (binomial: 10 to 20 of 20 with high probability), and the band is not
    so wide that it always does by being useless (median width under
    30% of the forecast)."""
    inside, widths = 0, []
    for seed in range(20):
        rng = np.random.default_rng(100 + seed)
        states, lifetimes, actual = simulated_book(rng, 24, 50)
        fitted = clv.fit_sbg(lifetimes["contract_periods"], lifetimes["churned"])
        frame = existing(states, {"1-month": (fitted, "contract", 1, None)},
                         draws=400, seed=seed)
        last = frame.iloc[-1]
        inside += last["forecast_mrr_p10"] <= actual[-1] <= last["forecast_mrr_p90"]
        widths.append((last["forecast_mrr_p90"] - last["forecast_mrr_p10"])
                      / last["forecast_mrr"])
    assert 10 <= inside <= 20, inside
    assert np.median(widths) < 0.3, widths


def one_customer(**state) -> pd.DataFrame:
    return pd.DataFrame([{"customer_id": "c1", "mrr": 120.0,
                          "paying_tenure_months": 5, "contract_months": 12,
                          "cohort_month": pd.NaT, "known_stop_month": pd.NaT,
                          **state}])


def test_annual_contracts_churn_only_at_renewals_and_grow_while_they_pay():
    """An annual customer in month 5 of its term (index 4): full MRR for
    months 1-7, then S(1) / S(0) from month 8, its renewal; with retained
    growth g = (30 - 10) / (1000 - 200) = 2.5% a month (two trailing
    months: (10 - 0) / (500 - 100) and (20 - 10) / (500 - 100))."""
    fit = true_fit(2.0, 6.0)
    rates = pd.DataFrame({"date_month": pd.to_datetime(["2024-11-01", ORIGIN]),
                          "retained_base": [400.0, 400.0],
                          "retained_change": [10.0, 10.0],
                          "churn_rate": [0.0, 0.0]})
    months = pd.DataFrame({
        "date_month": ["2024-10-01", "2024-11-01", "2024-12-01"],
        "is_complete_period": [True, True, True],
        "mrr_start": [900.0, 500.0, 500.0], "churn_mrr": [0.0, 100.0, 100.0],
        "expansion_mrr": [99.0, 10.0, 20.0], "contraction_mrr": [0.0, 0.0, 10.0],
        "customer_churn_rate": [0.1, 0.0, 0.0]})
    computed = mrr_forecast.trailing(months, pd.DataFrame(
        columns=["date_month", "contract_months", "new_business_mrr"]), ORIGIN, 2)
    assert computed[["retained_base", "retained_change"]].sum().tolist() == [800, 20]
    frame = existing(one_customer(), {"12-month": (fit, "contract", 12, None)},
                     rates=rates)
    growth = 20 / 800
    h = np.arange(1, 13)
    survival = np.where(h < 8, 1.0, 6.0 / 8.0)  # S(1) = beta / (alpha + beta)
    assert np.allclose(frame["existing_mrr"], 120 * survival * (1 + growth) ** h)
    assert np.allclose(frame["expected_existing_customers"], survival)
    assert (frame["customers_without_fit"] == 0).all()


def test_a_known_cancellation_pays_until_its_period_ends_then_nothing():
    frame = existing(one_customer(known_stop_month=pd.Timestamp("2025-03-01")),
                     {"12-month": (true_fit(), "contract", 12, None)})
    assert frame["existing_mrr"].tolist() == [120.0, 120.0] + [0.0] * 10
    assert frame["known_cancelled_mrr"].tolist() == [0.0, 0.0] + [120.0] * 10


def test_without_a_fit_the_trailing_churn_rate_applies_at_renewals():
    """A quarterly customer in the last month of its term, no fit: it
    renews at months 1, 4, 7, 10 with (1 - 5%)^3 each."""
    rates = NO_RATES.assign(churn_rate=0.05)
    frame = existing(one_customer(contract_months=3, paying_tenure_months=3),
                     {}, rates=rates)
    renewals = (np.arange(1, 13) + 2) // 3 - 0
    assert np.allclose(frame["existing_mrr"], 120 * 0.95 ** (3 * renewals))
    assert frame["customers_without_fit"].iloc[0] == 1
    assert frame["fits"].iloc[0] is None


def test_without_a_fit_a_contract_churns_at_its_own_renewal_rate():
    """Annual lifetimes with one renewal seen (sBG's heterogeneity is not
    identified, the rate is): 10 churned at their first renewal, 30
    renewed once, 60 not yet due. Churn per renewal 10 / (10 + 30); the
    customer in month 5 of its term pays in full until its renewal at
    month 8, then 75%."""
    lifetimes = pd.DataFrame({
        "contract_months": [12] * 100,
        "contract_periods": [1] * 10 + [1] * 30 + [0] * 60,
        "churned": [True] * 10 + [False] * 90})
    rates = mrr_forecast.renewal_churn_rates(lifetimes)
    assert rates == {12: (10.0, 40.0)}
    # before any renewal was survived the rate is not identified
    assert mrr_forecast.renewal_churn_rates(lifetimes.iloc[:10]) == {}
    assert mrr_forecast.renewal_churn_rates(
        lifetimes.assign(churned=False)) == {}
    frame = mrr_forecast.forecast_origin(
        one_customer(), {}, NO_RATES.assign(churn_rate=0.05), ORIGIN, HORIZON,
        1, np.random.default_rng(0), rates)
    h = np.arange(1, 13)
    assert np.allclose(frame["existing_mrr"], 120 * np.where(h < 8, 1, 0.75))
    assert frame["fits"].iloc[0] == "12-month geometric (churn 0.25 per renewal)"


def test_a_mixed_book_is_the_sum_of_its_parts():
    """Customers with a fit, without one and of unknown contract length
    together forecast what each forecasts alone."""
    book = pd.concat([
        one_customer(customer_id="annual", contract_months=12),
        one_customer(customer_id="monthly", contract_months=1, mrr=50.0),
        one_customer(customer_id="unknown", contract_months=None, mrr=70.0)],
        ignore_index=True)
    fits = {"1-month": (true_fit(), "contract", 1, None)}
    rates = NO_RATES.assign(churn_rate=0.05)
    renewal = {12: (10.0, 40.0), 1: (1.0, 2.0)}

    def run(frame):
        return mrr_forecast.forecast_origin(
            frame, fits, rates, ORIGIN, HORIZON, 1, np.random.default_rng(0),
            renewal)["existing_mrr"].to_numpy()

    together = run(book)
    alone = sum(run(book.iloc[[i]]) for i in range(3))
    assert np.allclose(together, alone)
    # the unknown contract churns monthly at the trailing rate, not at the
    # 1-month renewal rate
    assert np.allclose(run(book.iloc[[2]]), 70 * 0.95 ** np.arange(1, 13))


def test_new_business_arrives_each_month_and_survives_by_its_contract_fit():
    """100 of new monthly MRR a month, no growth: month h holds
    100 x (S(0) + ... + S(h - 1)); monthly arrivals with no fit churn at
    the trailing rate instead."""
    rates = NO_RATES.assign(new_1=100.0)
    fit = true_fit()
    frame = existing(one_customer().iloc[:0], {"1-month": (fit, "contract", 1, None)},
                     rates=rates)
    survival = clv.sbg_survival(ALPHA, BETA, np.arange(HORIZON))
    assert np.allclose(frame["new_business_mrr"], 100 * np.cumsum(survival))
    assert np.allclose(frame["forecast_mrr"], frame["new_business_mrr"])
    fallback = existing(one_customer().iloc[:0], {},
                        rates=rates.assign(churn_rate=0.1))
    assert np.allclose(fallback["new_business_mrr"],
                       100 * np.cumsum(0.9 ** np.arange(HORIZON)))


# ------------------------------------------------------------ the marts
@pytest.fixture(scope="module")
def built(clean_build):
    warehouse, _ = clean_build
    con = duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)
    try:
        yield {name: con.execute(f"select * from {name}").df() for name in (
            *mrr_forecast.INPUTS.values(), "fct_mrr_forecast_monthly",
            "fct_mrr_forecast_backtest", "fct_retention_kpis_monthly",
            "clv_model_parameters")}
    finally:
        con.close()


@pytest.mark.dbt
def test_each_backtest_starts_from_its_origin_month_and_is_published(built):
    backtest = built["fct_mrr_forecast_backtest"]
    kpis = built["fct_retention_kpis_monthly"].set_index("date_month")
    assert sorted(backtest.groupby("months_back").size().items()) == [
        (3, 3), (6, 6), (12, 12)]
    for row in backtest.itertuples():
        origin = kpis.loc[pd.Timestamp(row.origin_month)]
        assert row.origin_mrr == pytest.approx(float(origin["mrr"]))
        assert row.origin_customers == origin["paying_customers"]
        assert row.actual_mrr == pytest.approx(
            float(kpis.loc[pd.Timestamp(row.forecast_month), "mrr"]))
    forecast = built["fct_mrr_forecast_monthly"]
    assert forecast["months_ahead"].tolist() == list(range(1, 13))
    at = forecast.set_index("months_ahead")["backtest_absolute_percentage_error"]
    ends = backtest[backtest["months_ahead"] == backtest["months_back"]]
    assert at.dropna().to_dict() == pytest.approx(
        ends.set_index("months_back")["absolute_percentage_error"].to_dict())


@pytest.mark.dbt
def test_the_published_forecast_uses_the_published_identified_fits(built):
    parameters = built["clv_model_parameters"]
    identified = set(parameters.loc[(parameters["model"] == "sbg")
                                    & parameters["is_identified"], "segment"])
    forecast = built["fct_mrr_forecast_monthly"]
    used = forecast["fits"].iloc[0]
    named = set() if used is None else {p.split(" (")[0] for p in used.split("; ")}
    # the sBG fits it names are identified ones; the others are renewal
    # churn rates of contract lengths without one
    sbg = {name for name in named if not name.endswith(" geometric")}
    assert sbg <= identified
    assert {name.removesuffix(" geometric") for name in named - sbg}.isdisjoint(
        identified)
    if not identified:
        assert (forecast["customers_without_fit"]
                == forecast["origin_customers"]).all()


@pytest.mark.dbt
def test_a_backtest_sees_nothing_after_its_origin(built):
    """Changing what happened after the 12-month origin (every customer
    paying then is made to stay, its churn erased; more new business)
    leaves that back-test's forecast as it was; the published forecast,
    made after, moves."""
    inputs = {role: built[name].copy() for role, name in mrr_forecast.INPUTS.items()}
    settings = {"trailing_months": 6, "draws": 200, "penalizer": 0.0}
    before = mrr_forecast.fit_from_inputs(**inputs, **settings)
    origins = inputs["origins"].set_index("months_back")["origin_month"]
    origin = pd.Timestamp(origins.loc[12])
    lifetimes = inputs["lifetimes"]
    churn_month = (pd.to_datetime(lifetimes["cohort_month"])
                   + pd.to_timedelta(0, "D")).dt.to_period("M").dt.to_timestamp()
    churn_index = lifetimes["periods"].astype(int)
    after = (lifetimes["churned"].astype(bool)
             & ((churn_month.dt.year - origin.year) * 12
                + churn_month.dt.month - origin.month + churn_index > 0))
    assert after.any()
    lifetimes.loc[after, "churned"] = False
    new = inputs["new_business"]
    new.loc[pd.to_datetime(new["date_month"]) > origin, "new_business_mrr"] *= 3
    changed = mrr_forecast.fit_from_inputs(**inputs, **settings)
    keep = ["months_back", "months_ahead", "forecast_mrr", "forecast_mrr_p10",
            "forecast_mrr_p90", "fits"]
    old = before[before["months_back"] == 12][keep].reset_index(drop=True)
    new_rows = changed[changed["months_back"] == 12][keep].reset_index(drop=True)
    pd.testing.assert_frame_equal(old, new_rows)
    assert not np.allclose(before.loc[before["months_back"] == 0, "forecast_mrr"],
                           changed.loc[changed["months_back"] == 0, "forecast_mrr"])
