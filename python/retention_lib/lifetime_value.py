"""Customer lifetime value tables: the fits and the customer values.

fit_from_inputs is the one path from the fit inputs to the fits: the dbt
Python model int_clv_parameters_fitted (DuckDB) and the CLI on server
targets (retention_lib.server_fits) both call it, and the SQL mart
clv_model_parameters publishes the result. customer_values is the
reference of the SQL scoring (fct_customer_lifetime_value and its two
intermediate models), checked equal on DuckDB. Every statistical step
is in retention_lib.clv.

Conventions (docs/metrics.md section 6, docs/DECISIONS.md):
- Orders (non-contractual): BG/NBD + Gamma-Gamma, overall and per segment,
  in the time unit `day` or `week`. A segment whose fit fails (too few
  repeat buyers) uses the overall parameters; the row says which.
- Subscriptions (contractual): sBG on monthly logo survival of each
  customer's first paying spell (cohort = first paying month; a churn is
  the first month whose end finds the customer not paying; complete months
  only), overall and per cohort. A cohort whose fit fails (no churn yet, or
  no survivor) uses the overall parameters.
- A segment's or cohort's fit is published and used only when every
  standard error is below its estimate; the overall fit whenever it
  converges. A fit that fails leaves no rows, NULL values for the customers
  it would have scored, and a warning (test
  clv_model_parameters__overall_fits_exist).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retention_lib import clv

DAYS_PER_MONTH = 365.25 / 12
PARAMETER_COLUMNS = ["model", "segment", "parameter", "value", "standard_error",
                     "log_likelihood", "n_customers", "time_unit", "as_of_date"]


def time_units_per_day(time_unit: str) -> float:
    if time_unit == "day":
        return 1.0
    if time_unit == "week":
        return 1 / 7
    raise ValueError(f"var clv_time_unit must be 'day' or 'week', got {time_unit!r}")


def subscription_lifetimes(customer_months: pd.DataFrame) -> pd.DataFrame:
    """One row per subscription customer: cohort, periods, churned, MRR.

    The reference implementation of the SQL model
    int_subscription_lifetimes_summarized_to_customer, which the dbt models
    read (a test checks the two equal on DuckDB).

    customer_months: fct_customer_mrr_monthly (customer_id, date_month,
    cohort_month, months_since_start, is_paying, mrr, paying_tenure_months,
    is_complete_period).
    For the sBG fit (first paying spell, complete months): periods = the
    month index k of the first month ending unpaid (churned) or of the last
    complete month (censored, still paying then).
    For scoring (the latest month, at as_of_date): is_paying_now,
    current_mrr and current_renewals = unbroken paying months - 1 (a
    reactivated customer is scored on its current spell).
    """
    months = customer_months[customer_months["is_complete_period"]]
    columns = ["customer_id", "cohort_month", "periods", "churned",
               "is_paying_now", "current_mrr", "current_renewals"]
    if months.empty:
        return pd.DataFrame(columns=columns)
    months = months.sort_values(["customer_id", "months_since_start"])
    first_unpaid = (months[~months["is_paying"]]
                    .groupby("customer_id")["months_since_start"].min())
    last_month = months.groupby("customer_id").agg(
        cohort_month=("cohort_month", "first"),
        last_k=("months_since_start", "max"))
    out = last_month.join(first_unpaid.rename("churn_k"))
    out["churned"] = out["churn_k"].notna()
    out["periods"] = np.where(out["churned"], out["churn_k"], out["last_k"])
    latest = (customer_months.sort_values("date_month")
              .groupby("customer_id")[["mrr", "is_paying",
                                       "paying_tenure_months"]].last())
    out = out.join(latest, how="inner")
    out["is_paying_now"] = out["is_paying"].astype(bool)
    out["current_mrr"] = np.where(out["is_paying_now"],
                                  out["mrr"].astype(float), 0.0)
    out["current_renewals"] = np.where(
        out["is_paying_now"],
        out["paying_tenure_months"].fillna(1).astype(float) - 1, np.nan)
    out = out.reset_index()
    out["periods"] = out["periods"].astype(int)
    return out[columns]


MAX_RELATIVE_STANDARD_ERROR = 1.0
# what a fit that does not converge or cannot be identified raises
FIT_FAILURES = (clv.FitError, ValueError, FloatingPointError)
# the order models, fitted one by one on a segment's _order_inputs
ORDER_FITS = (
    lambda group: clv.fit_bgnbd(group["x"], group["t_x"], group["T"]),
    lambda group: clv.fit_gamma_gamma(
        group["x"], group["repeat_mean_value"].fillna(0).astype(float)),
)


def _identified(fit: clv.Fit) -> bool:
    """A segment's fit is used only when every parameter is pinned down:
    standard error below the estimate. Small segments otherwise converge to
    boundary solutions (a parameter running off to 1e6) that are numbers,
    not estimates."""
    return all(fit.standard_errors[name] < MAX_RELATIVE_STANDARD_ERROR * value
               for name, value in fit.params.items())


def _parameter_rows(fit: clv.Fit, segment: str, time_unit: str,
                    as_of_date) -> list[dict]:
    return [{"model": fit.model, "segment": segment, "parameter": name,
             "value": value, "standard_error": fit.standard_errors[name],
             "log_likelihood": fit.log_likelihood,
             "n_customers": int(round(fit.n_observations)),
             "time_unit": time_unit, "as_of_date": as_of_date}
            for name, value in fit.params.items()]


def _order_inputs(orders: pd.DataFrame, time_unit: str) -> pd.DataFrame:
    scale = time_units_per_day(time_unit)
    out = orders.copy()
    out["x"] = out["frequency"].astype(float)
    out["t_x"] = out["recency_days"].astype(float) * scale
    out["T"] = out["age_days"].astype(float) * scale
    return out


def fit_parameters(orders: pd.DataFrame, lifetimes: pd.DataFrame,
                   time_unit: str, as_of_date) -> pd.DataFrame:
    """Every fit that succeeds, in the clv_model_parameters layout.

    orders: int_orders_summarized_to_customer joined with the customer's
    segment; lifetimes: subscription_lifetimes(...). A fit that fails (for
    example, no survivor or no churn yet in the data) is left out: its
    customers are scored with the overall parameters, or get NULL values
    when the overall fit itself failed; the data test
    clv_model_parameters__overall_fits_exist then warns, naming the model.
    """
    rows: list[dict] = []
    data = _order_inputs(orders, time_unit)
    data = data[data["T"] > 0]
    if not data.empty:
        groups = [("overall", data)] + [
            (str(name), group) for name, group in data.groupby("segment")]
        for segment, group in groups:
            # each fit stands alone: one that fails never removes another's
            # rows (a Gamma-Gamma failure keeps the BG/NBD parameters)
            for fit_model in ORDER_FITS:
                try:
                    fit = fit_model(group)
                except FIT_FAILURES:
                    continue
                if segment != "overall" and not _identified(fit):
                    continue
                rows += _parameter_rows(fit, segment, time_unit, as_of_date)
    if not lifetimes.empty:
        groups = [("overall", lifetimes)] + [
            (pd.Timestamp(name).strftime("%Y-%m-%d"), group)
            for name, group in lifetimes.groupby("cohort_month")]
        for segment, group in groups:
            try:
                fit = clv.fit_sbg(group["periods"], group["churned"])
            except FIT_FAILURES:
                continue
            if segment != "overall" and not _identified(fit):
                continue
            rows += _parameter_rows(fit, segment, "month", as_of_date)
    return pd.DataFrame(rows, columns=PARAMETER_COLUMNS)


# the relations the fits read, by role (model names)
FIT_INPUTS = {"orders": "int_orders_summarized_to_customer",
              "customers": "dim_customers",
              "lifetimes": "int_subscription_lifetimes_summarized_to_customer",
              "as_of": "util_as_of_date"}


def fit_from_inputs(orders: pd.DataFrame, customers: pd.DataFrame,
                    lifetimes: pd.DataFrame, as_of_date,
                    time_unit: str) -> pd.DataFrame:
    """fit_parameters on the fit inputs as any engine hands them over
    (numbers as Decimal or text, rows in any order): rows sorted by
    customer, segment joined ('unknown' when missing), numbers as floats.
    The one path from the inputs to the fits: the DuckDB dbt model and the
    CLI on server targets both call it."""
    orders = orders.sort_values("customer_id", kind="stable", ignore_index=True)
    for column in ("frequency", "recency_days", "age_days", "repeat_mean_value"):
        orders[column] = pd.to_numeric(orders[column]).astype(float)
    segments = customers[["customer_id", "segment"]].sort_values(
        "customer_id", kind="stable", ignore_index=True)
    orders = orders.drop(columns=["segment"], errors="ignore").merge(
        segments, on="customer_id", how="left")
    orders["segment"] = orders["segment"].fillna("unknown")
    lifetimes = lifetimes.sort_values("customer_id", kind="stable",
                                      ignore_index=True)
    lifetimes["periods"] = pd.to_numeric(lifetimes["periods"]).astype(int)
    lifetimes["churned"] = lifetimes["churned"].astype(bool)
    return fit_parameters(orders, lifetimes, time_unit,
                          pd.Timestamp(as_of_date).date())


def fitted_rows(parameters: pd.DataFrame) -> list[list]:
    """The fits as plain values (text, floats, ints, 'YYYY-MM-DD'): what the
    CLI hands to clv_model_parameters.sql in var clv_fitted_parameters."""
    return [[str(row.model), str(row.segment), str(row.parameter),
             float(row.value), float(row.standard_error),
             float(row.log_likelihood), int(row.n_customers),
             str(row.time_unit), pd.Timestamp(row.as_of_date).strftime("%Y-%m-%d")]
            for row in parameters.itertuples(index=False)]


def _params_by_segment(parameters: pd.DataFrame, model: str,
                       names: list[str]) -> dict[str, tuple]:
    chosen = parameters[parameters["model"] == model]
    out = {}
    for segment, group in chosen.groupby("segment"):
        values = group.set_index("parameter")["value"]
        out[str(segment)] = tuple(float(values[name]) for name in names)
    return out


def customer_values(customers: pd.DataFrame, orders: pd.DataFrame,
                    lifetimes: pd.DataFrame, parameters: pd.DataFrame, *,
                    time_unit: str, horizon_months: int, discount_rate: float,
                    gross_margin: float) -> pd.DataFrame:
    """One row per customer with order and subscription lifetime values."""
    monthly_discount = (1 + discount_rate) ** (1 / 12) - 1
    out = customers[["customer_id", "segment"]].copy()
    out["segment"] = out["segment"].fillna("unknown")

    bgnbd = _params_by_segment(parameters, "bgnbd", ["r", "alpha", "a", "b"])
    spend = _params_by_segment(parameters, "gamma_gamma", ["p", "q", "gamma"])
    data = _order_inputs(orders, time_unit).drop(columns=["segment"],
                                                 errors="ignore")
    data = data.merge(out, on="customer_id", how="left")
    data["order_model_segment"] = np.where(data["segment"].isin(bgnbd.keys()),
                                           data["segment"], "overall")
    # the spend model's own finest fit: a segment's Gamma-Gamma may be
    # missing where its BG/NBD is not, and the other way round
    data["spend_model_segment"] = np.where(data["segment"].isin(spend.keys()),
                                           data["segment"], "overall")
    per_month = DAYS_PER_MONTH * time_units_per_day(time_unit)
    for column in ("probability_alive", "expected_purchases",
                   "discounted_purchases", "expected_order_value"):
        data[column] = np.nan
    for segment, group in data.groupby("order_model_segment"):
        if segment not in bgnbd:
            continue
        params = bgnbd[segment]
        idx = group.index
        x, t_x, age = group["x"], group["t_x"], group["T"]
        data.loc[idx, "probability_alive"] = clv.bgnbd_probability_alive(
            params, x, t_x, age)
        cumulative = np.column_stack([
            clv.bgnbd_expected_purchases(params, month * per_month, x, t_x, age)
            for month in range(1, horizon_months + 1)])
        monthly = np.diff(np.column_stack([np.zeros(len(idx)), cumulative]),
                          axis=1)
        discount = (1 + monthly_discount) ** -(np.arange(horizon_months) + 0.5)
        data.loc[idx, "expected_purchases"] = cumulative[:, -1]
        data.loc[idx, "discounted_purchases"] = monthly @ discount
    for segment, group in data.groupby("spend_model_segment"):
        if segment not in spend:
            continue
        data.loc[group.index, "expected_order_value"] = \
            clv.gamma_gamma_expected_value(
                spend[segment], group["x"],
                group["repeat_mean_value"].fillna(0).astype(float))
    data["order_clv"] = (data["discounted_purchases"]
                         * data["expected_order_value"] * gross_margin)
    out = out.merge(data[["customer_id", "order_model_segment",
                          "probability_alive", "expected_purchases",
                          "expected_order_value", "order_clv"]],
                    on="customer_id", how="left")

    sbg = _params_by_segment(parameters, "sbg", ["alpha", "beta"])
    subs = lifetimes.copy()
    subs["cohort_key"] = pd.to_datetime(subs["cohort_month"]).dt.strftime(
        "%Y-%m-%d")
    subs["subscription_model_segment"] = np.where(
        subs["cohort_key"].isin(sbg.keys()), subs["cohort_key"], "overall")
    for column in ("expected_remaining_lifetime_months",
                   "discounted_expected_residual_lifetime_months",
                   "subscription_clv"):
        subs[column] = np.nan
    for segment, group in subs.groupby("subscription_model_segment"):
        if segment not in sbg:
            continue
        alpha, beta = sbg[segment]
        alive = group["is_paying_now"]
        idx = group.index[alive]
        renewals = group.loc[alive, "current_renewals"].to_numpy(dtype=float)
        derl = clv.sbg_discounted_expected_residual_lifetime(
            alpha, beta, renewals, monthly_discount)
        subs.loc[idx, "expected_remaining_lifetime_months"] = \
            clv.sbg_expected_remaining_lifetime(alpha, beta, renewals)
        subs.loc[idx, "discounted_expected_residual_lifetime_months"] = derl
        subs.loc[idx, "subscription_clv"] = derl * gross_margin * group.loc[
            alive, "current_mrr"].to_numpy(dtype=float)
        churned = group.index[~alive]
        subs.loc[churned, ["expected_remaining_lifetime_months",
                           "discounted_expected_residual_lifetime_months",
                           "subscription_clv"]] = 0.0
    subs["expected_remaining_lifetime_months"] = subs[
        "expected_remaining_lifetime_months"].replace(np.inf, np.nan)
    out = out.merge(subs[["customer_id", "cohort_month", "current_renewals",
                          "is_paying_now", "current_mrr",
                          "subscription_model_segment",
                          "expected_remaining_lifetime_months",
                          "discounted_expected_residual_lifetime_months",
                          "subscription_clv"]],
                    on="customer_id", how="left")
    out["is_order_customer"] = out["customer_id"].isin(orders["customer_id"])
    out["is_subscription_customer"] = out["customer_id"].isin(
        lifetimes["customer_id"])
    out["clv"] = out["order_clv"].fillna(0) + out["subscription_clv"].fillna(0)
    out = out.rename(columns={"cohort_month": "subscription_cohort_month",
                              "current_renewals": "renewals"})
    out["subscription_cohort_month"] = pd.to_datetime(
        out["subscription_cohort_month"]).dt.date
    out["renewals"] = out["renewals"].astype("Int64")
    return out
