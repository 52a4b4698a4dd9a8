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
  in the time unit `day` or `week`.
- Subscriptions (contractual): sBG on the logo survival of each customer's
  first paying spell, counted in renewal periods of the customer's own
  contract length (contract_months: 1, 3, 12, ...; an annual contract can
  only churn at a 12-month boundary): one fit per contract length over
  all its customers and one per contract length and cohort (cohort =
  first paying month). Contract lengths are never pooled.
- Every fit is published, with fit_status (converged or failed),
  is_identified (converged and every standard error below its estimate)
  and status_reason. Only identified fits score: a customer is scored by
  the finest identified fit that covers it (its segment's or cohort's,
  else the overall or contract-length one), otherwise its values are NULL
  and the reason is in a column. Each fit fails alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retention_lib import clv

DAYS_PER_MONTH = 365.25 / 12
PARAMETER_COLUMNS = ["model", "segment", "parameter", "value", "standard_error",
                     "log_likelihood", "n_customers", "time_unit", "as_of_date",
                     "fit_scope", "contract_months", "cohort_month",
                     "fit_status", "is_identified", "status_reason",
                     "penalizer"]
# each model's parameters, in the order the fits return them
MODEL_PARAMETERS = {"bgnbd": ["r", "alpha", "a", "b"],
                    "gamma_gamma": ["p", "q", "gamma"],
                    "sbg": ["alpha", "beta"]}
LIFETIME_COLUMNS = ["customer_id", "cohort_month", "periods", "churned",
                    "is_paying_now", "current_mrr", "current_renewals",
                    "contract_months", "contract_periods",
                    "current_contract_renewals"]


def sbg_segment(contract_months: int, cohort: str | None = None) -> str:
    """The segment of an sBG fit: '1-month' for every customer on a 1-month
    contract, '12-month 2024-03-01' for the annual contracts of one
    cohort."""
    name = f"{int(contract_months)}-month"
    return name if cohort is None else f"{name} {cohort}"


def sbg_time_unit(contract_months: int) -> str:
    """The renewal period of an sBG fit: 'month', or '3 months', ..."""
    return "month" if int(contract_months) == 1 else f"{int(contract_months)} months"


def time_units_per_day(time_unit: str) -> float:
    if time_unit == "day":
        return 1.0
    if time_unit == "week":
        return 1 / 7
    raise ValueError(f"var clv_time_unit must be 'day' or 'week', got {time_unit!r}")


def subscription_lifetimes(customer_months: pd.DataFrame,
                           contracts: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per subscription customer: cohort, periods, churned, MRR.

    The reference implementation of the SQL model
    int_subscription_lifetimes_summarized_to_customer, which the dbt models
    read (a test checks the two equal on DuckDB).

    customer_months: fct_customer_mrr_monthly (customer_id, date_month,
    cohort_month, months_since_start, is_paying, mrr, paying_tenure_months,
    is_complete_period). contracts: (customer_id, contract_months), the
    billing period of the plan of each customer's first paid service
    (the SQL model reads it from the invoice lines); missing: NULL.
    For the sBG fit (first paying spell, complete months): periods = the
    month index k of the first month ending unpaid (churned) or of the last
    complete month (censored, still paying then); in the contract's own
    renewal periods of L months, contract_periods = ceil(k / L) (churned:
    the period it did not renew after) or floor(k / L) (censored: renewals
    made so far).
    For scoring (the latest month, at as_of_date): is_paying_now,
    current_mrr, current_renewals = unbroken paying months - 1 and
    current_contract_renewals = floor(current_renewals / L) (a reactivated
    customer is scored on its current spell).
    """
    months = customer_months[customer_months["is_complete_period"]]
    if months.empty:
        return pd.DataFrame(columns=LIFETIME_COLUMNS)
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
    if contracts is None or contracts.empty:
        out["contract_months"] = np.nan
    else:
        out = out.merge(contracts[["customer_id", "contract_months"]],
                        on="customer_id", how="left")
    length = pd.to_numeric(out["contract_months"]).astype(float)
    periods = out["periods"].astype(float)
    out["contract_periods"] = pd.array(np.where(
        out["churned"], np.ceil(periods / length), np.floor(periods / length)),
        dtype="Float64").astype("Int64")
    out["current_contract_renewals"] = pd.array(
        np.floor(out["current_renewals"].astype(float) / length),
        dtype="Float64").astype("Int64")
    out["contract_months"] = pd.array(length, dtype="Float64").astype("Int64")
    out["periods"] = out["periods"].astype(int)
    return out[LIFETIME_COLUMNS]


def sbg_fit_groups(lifetimes: pd.DataFrame):
    """The customers of each sBG fit: (segment, fit_scope, contract_months,
    cohort_month, rows of `lifetimes`), one per contract length (scope
    'contract') and per contract length and cohort ('contract_cohort');
    customers of unknown contract length are in none."""
    if lifetimes.empty:
        return
    known = lifetimes.dropna(subset=["contract_months"])
    for length, contract in known.groupby("contract_months"):
        length = int(length)
        yield sbg_segment(length), "contract", length, None, contract
        for cohort, group in contract.groupby("cohort_month"):
            yield (sbg_segment(length, pd.Timestamp(cohort).strftime("%Y-%m-%d")),
                   "contract_cohort", length, pd.Timestamp(cohort).date(), group)


def fit_sbg_group(group: pd.DataFrame, penalizer: float = 0.0) -> clv.Fit:
    """The sBG fit of one group of sbg_fit_groups (contract periods and
    churn flags of its customers)."""
    return clv.fit_sbg(group["contract_periods"].astype(int), group["churned"],
                       penalizer=penalizer)


MAX_RELATIVE_STANDARD_ERROR = 1.0
# what a fit that does not converge or cannot be identified raises
FIT_FAILURES = (clv.FitError, ValueError, FloatingPointError)
# the order models, fitted one by one on a segment's _order_inputs, with
# var clv_penalizer
ORDER_FITS = {
    "bgnbd": lambda group, penalizer: clv.fit_bgnbd(
        group["x"], group["t_x"], group["T"], penalizer=penalizer),
    "gamma_gamma": lambda group, penalizer: clv.fit_gamma_gamma(
        group["x"], group["repeat_mean_value"].fillna(0).astype(float),
        penalizer=penalizer),
}


def unidentified_parameters(fit: clv.Fit) -> list[str]:
    """The parameters a fit does not pin down: standard error not below
    the estimate (MAX_RELATIVE_STANDARD_ERROR). Small data otherwise
    converges to boundary solutions (a parameter running off to 1e6) that
    are numbers, not estimates. A fit is identified when this is empty."""
    return [name for name, value in fit.params.items()
            if not fit.standard_errors[name]
            < MAX_RELATIVE_STANDARD_ERROR * value]


def _fit_rows(model: str, attempt, n_customers: int, segment: str,
              time_unit: str, as_of_date, fit_scope: str,
              contract_months=None, cohort_month=None,
              penalizer: float = 0.0) -> list[dict]:
    """One row per parameter of one fit, whatever happened to it: the
    estimates of a converged fit (identified or not), or NULL values and
    the reason of a failed one. Each fit fails alone."""
    where = {"model": model, "segment": segment, "time_unit": time_unit,
             "as_of_date": as_of_date, "fit_scope": fit_scope,
             "contract_months": contract_months, "cohort_month": cohort_month,
             "penalizer": float(penalizer)}
    try:
        fit = attempt()
    except FIT_FAILURES as error:
        reason = " ".join(str(error).split())[:300]
        return [{**where, "parameter": name, "value": None,
                 "standard_error": None, "log_likelihood": None,
                 "n_customers": int(n_customers), "fit_status": "failed",
                 "is_identified": False, "status_reason": reason}
                for name in MODEL_PARAMETERS[model]]
    loose = unidentified_parameters(fit)
    reason = ("standard error not below the estimate: " + ", ".join(
        f"{name} {fit.params[name]:.4g} (standard error "
        f"{fit.standard_errors[name]:.4g})" for name in loose)) if loose else None
    return [{**where, "parameter": name, "value": value,
             "standard_error": fit.standard_errors[name],
             "log_likelihood": fit.log_likelihood,
             "n_customers": int(round(fit.n_observations)),
             "fit_status": "converged", "is_identified": not loose,
             "status_reason": reason}
            for name, value in fit.params.items()]


def _order_inputs(orders: pd.DataFrame, time_unit: str) -> pd.DataFrame:
    scale = time_units_per_day(time_unit)
    out = orders.copy()
    out["x"] = out["frequency"].astype(float)
    out["t_x"] = out["recency_days"].astype(float) * scale
    out["T"] = out["age_days"].astype(float) * scale
    return out


def fit_parameters(orders: pd.DataFrame, lifetimes: pd.DataFrame,
                   time_unit: str, as_of_date,
                   penalizer: float = 0.0) -> pd.DataFrame:
    """Every fit, in the clv_model_parameters layout.

    orders: int_orders_summarized_to_customer joined with the customer's
    segment; lifetimes: subscription_lifetimes(...). BG/NBD and
    Gamma-Gamma overall and per segment; sBG per contract length and per
    contract length and cohort, on the contract's renewal periods. A fit
    that fails (for example, no survivor or no churn yet in a cohort) has
    its rows with NULL values, fit_status failed and the reason; one that
    converges without pinning its parameters down has is_identified false.
    Neither scores anybody (customer_values). The data test
    clv_model_parameters__overall_fits_exist warns when an overall or
    contract-length fit is not identified, naming it. penalizer (var
    clv_penalizer, default 0: plain maximum likelihood) penalises every
    fit's shape parameters (retention_lib.clv._fit).
    """
    rows: list[dict] = []
    data = _order_inputs(orders, time_unit)
    data = data[data["T"] > 0]
    if not data.empty:
        groups = [("overall", "overall", data)] + [
            (str(name), "segment", group)
            for name, group in data.groupby("segment")]
        for segment, scope, group in groups:
            for model, fit_model in ORDER_FITS.items():
                # Gamma-Gamma is fitted on the repeat buyers only
                n = len(group) if model == "bgnbd" else int(
                    (group["x"] > 0).sum())
                rows += _fit_rows(
                    model, lambda g=group, f=fit_model: f(g, penalizer), n,
                    segment, time_unit, as_of_date, scope,
                    penalizer=penalizer)
    for segment, scope, length, cohort, group in sbg_fit_groups(lifetimes):
        rows += _fit_rows(
            "sbg", lambda g=group: fit_sbg_group(g, penalizer),
            len(group), segment, sbg_time_unit(length), as_of_date, scope,
            length, cohort, penalizer)
    out = pd.DataFrame(rows, columns=PARAMETER_COLUMNS)
    # whole numbers stay whole next to the NULLs of the order models (a
    # float column would hand '1.0' to a BIGINT cast on the servers)
    out["contract_months"] = out["contract_months"].astype("Int64")
    return out


# the relations the fits read, by role (model names)
FIT_INPUTS = {"orders": "int_orders_summarized_to_customer",
              "customers": "dim_customers",
              "lifetimes": "int_subscription_lifetimes_summarized_to_customer",
              "as_of": "util_as_of_date"}


def typed_lifetimes(lifetimes: pd.DataFrame) -> pd.DataFrame:
    """The subscription lifetimes as any engine hands them over (numbers
    as Decimal or text, rows in any order), sorted by customer with whole
    numbers as integers (contract lengths nullable) and churned as bool:
    what every fit of them reads."""
    lifetimes = lifetimes.sort_values("customer_id", kind="stable",
                                      ignore_index=True)
    lifetimes["periods"] = pd.to_numeric(lifetimes["periods"]).astype(int)
    for column in ("contract_months", "contract_periods"):
        lifetimes[column] = pd.to_numeric(lifetimes[column]).astype("Int64")
    lifetimes["churned"] = lifetimes["churned"].astype(bool)
    return lifetimes


def fit_from_inputs(orders: pd.DataFrame, customers: pd.DataFrame,
                    lifetimes: pd.DataFrame, as_of_date,
                    time_unit: str, penalizer: float = 0.0) -> pd.DataFrame:
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
    return fit_parameters(orders, typed_lifetimes(lifetimes), time_unit,
                          pd.Timestamp(as_of_date).date(), float(penalizer))


def _plain(value):
    """A fit's cell as plain text-castable value; None for a missing one."""
    if value is None or (isinstance(value, float) and np.isnan(value)) \
            or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if hasattr(value, "strftime"):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    return value


def fitted_rows(parameters: pd.DataFrame,
                columns: list[str] | None = None) -> list[list]:
    """The fits (or other rows computed in Python, in `columns` order) as
    plain values (text, floats, ints, 'YYYY-MM-DD', 'true' or 'false', None
    for NULL), in PARAMETER_COLUMNS order by default: what the CLI hands to
    clv_model_parameters.sql in var clv_fitted_parameters (and to
    fct_clv_backtest.sql in var clv_backtest_rows)."""
    columns = columns or PARAMETER_COLUMNS
    return [[_plain(row[column]) for column in columns]
            for _, row in parameters[columns].iterrows()]


def _identified_fits(parameters: pd.DataFrame, model: str,
                     names: list[str]) -> pd.DataFrame:
    """One row per identified fit of `model`: segment, fit_scope,
    contract_months, cohort_month (text YYYY-MM-DD) and one column per
    parameter. Failed and unidentified fits score nobody."""
    chosen = parameters[(parameters["model"] == model)
                        & parameters["is_identified"].astype(bool)]
    rows = []
    for segment, group in chosen.groupby("segment"):
        first = group.iloc[0]
        values = group.set_index("parameter")["value"]
        cohort = first["cohort_month"]
        rows.append({
            "segment": str(segment), "fit_scope": first["fit_scope"],
            "contract_months": (None if pd.isna(first["contract_months"])
                                else int(first["contract_months"])),
            "cohort_month": (None if cohort is None or pd.isna(cohort)
                             else pd.Timestamp(cohort).strftime("%Y-%m-%d")),
            **{name: float(values[name]) for name in names}})
    return pd.DataFrame(rows, columns=["segment", "fit_scope", "contract_months",
                                       "cohort_month", *names])


def _finest_order_fit(fits: pd.DataFrame, segments: pd.Series) -> np.ndarray:
    """Each customer's segment when its segment has an identified fit, else
    'overall' when the overall fit is identified, else None."""
    own = set(fits.loc[fits["fit_scope"] == "segment", "segment"])
    overall = "overall" if (fits["fit_scope"] == "overall").any() else None
    return np.array([segment if segment in own else overall
                     for segment in segments], dtype=object)


ORDER_REASONS = {
    "bgnbd": "no identified BG/NBD fit (segment or overall)",
    "gamma_gamma": "no identified Gamma-Gamma fit (segment or overall)",
    "no_mean": "no repeat purchase, no population mean (Gamma-Gamma q <= 1)",
}


def customer_values(customers: pd.DataFrame, orders: pd.DataFrame,
                    lifetimes: pd.DataFrame, parameters: pd.DataFrame, *,
                    time_unit: str, horizon_months: int, discount_rate: float,
                    gross_margin: float) -> pd.DataFrame:
    """One row per customer with order and subscription lifetime values,
    each from the finest identified fit that covers the customer (NULL
    and a reason when none does)."""
    monthly_discount = (1 + discount_rate) ** (1 / 12) - 1
    out = customers[["customer_id", "segment"]].copy()
    out["segment"] = out["segment"].fillna("unknown")

    bgnbd_fits = _identified_fits(parameters, "bgnbd", ["r", "alpha", "a", "b"])
    spend_fits = _identified_fits(parameters, "gamma_gamma", ["p", "q", "gamma"])
    bgnbd = {row.segment: (row.r, row.alpha, row.a, row.b)
             for row in bgnbd_fits.itertuples()}
    spend = {row.segment: (row.p, row.q, row.gamma)
             for row in spend_fits.itertuples()}
    data = _order_inputs(orders, time_unit).drop(columns=["segment"],
                                                 errors="ignore")
    data = data.merge(out, on="customer_id", how="left")
    # each model's own finest fit: a segment's Gamma-Gamma may be
    # identified where its BG/NBD is not, and the other way round
    data["order_model_segment"] = _finest_order_fit(bgnbd_fits, data["segment"])
    data["spend_model_segment"] = _finest_order_fit(spend_fits, data["segment"])
    per_month = DAYS_PER_MONTH * time_units_per_day(time_unit)
    for column in ("probability_alive", "expected_purchases",
                   "discounted_purchases", "expected_order_value"):
        data[column] = np.nan
    for segment, group in data.groupby("order_model_segment"):
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
        data.loc[group.index, "expected_order_value"] = \
            clv.gamma_gamma_expected_value(
                spend[segment], group["x"],
                group["repeat_mean_value"].fillna(0).astype(float))
    data["order_clv"] = (data["discounted_purchases"]
                         * data["expected_order_value"] * gross_margin)
    data["order_clv_unscored_reason"] = np.select(
        [data["order_clv"].notna(), data["order_model_segment"].isna(),
         data["spend_model_segment"].isna(),
         data["expected_order_value"].isna()],
        [None, ORDER_REASONS["bgnbd"], ORDER_REASONS["gamma_gamma"],
         ORDER_REASONS["no_mean"]], default=None)
    out = out.merge(data[["customer_id", "order_model_segment",
                          "probability_alive", "expected_purchases",
                          "expected_order_value", "order_clv",
                          "order_clv_unscored_reason"]],
                    on="customer_id", how="left")

    sbg_fits = _identified_fits(parameters, "sbg", ["alpha", "beta"])
    by_contract = {row.contract_months: row for row in sbg_fits.itertuples()
                   if row.fit_scope == "contract"}
    by_cohort = {(row.contract_months, row.cohort_month): row
                 for row in sbg_fits.itertuples()
                 if row.fit_scope == "contract_cohort"}
    subs = lifetimes.copy()
    subs["cohort_key"] = pd.to_datetime(subs["cohort_month"]).dt.strftime(
        "%Y-%m-%d")
    length = pd.to_numeric(subs["contract_months"]).astype("Float64")
    chosen = [
        None if pd.isna(months) else
        by_cohort.get((int(months), cohort), by_contract.get(int(months)))
        for months, cohort in zip(length, subs["cohort_key"], strict=True)]
    subs["subscription_model_segment"] = [
        None if fit is None else fit.segment for fit in chosen]
    for column in ("expected_remaining_lifetime_months",
                   "discounted_expected_residual_lifetime_months",
                   "subscription_clv"):
        subs[column] = np.nan
    by_segment = {fit.segment: fit for fit in sbg_fits.itertuples()}
    for segment, group in subs.groupby("subscription_model_segment"):
        fit = by_segment[segment]
        months = fit.contract_months
        # the discount rate per contract period of `months` months
        period_discount = (1 + monthly_discount) ** months - 1
        alive = group["is_paying_now"].astype(bool)
        idx = group.index[alive]
        renewals = pd.to_numeric(group.loc[alive, "current_contract_renewals"]
                                 ).to_numpy(dtype=float)
        derl = months * clv.sbg_discounted_expected_residual_lifetime(
            fit.alpha, fit.beta, renewals, period_discount)
        subs.loc[idx, "expected_remaining_lifetime_months"] = \
            months * clv.sbg_expected_remaining_lifetime(fit.alpha, fit.beta,
                                                         renewals)
        subs.loc[idx, "discounted_expected_residual_lifetime_months"] = derl
        subs.loc[idx, "subscription_clv"] = derl * gross_margin * group.loc[
            alive, "current_mrr"].to_numpy(dtype=float)
        churned = group.index[~alive]
        subs.loc[churned, ["expected_remaining_lifetime_months",
                           "discounted_expected_residual_lifetime_months",
                           "subscription_clv"]] = 0.0
    subs["expected_remaining_lifetime_months"] = subs[
        "expected_remaining_lifetime_months"].replace(np.inf, np.nan)
    subs["subscription_clv_unscored_reason"] = [
        None if pd.notna(value) else
        "contract length unknown (no paid subscription line)" if pd.isna(months)
        else f"no identified sBG fit for {int(months)}-month contracts "
             "(cohort or all)"
        for value, months in zip(subs["subscription_clv"], length, strict=True)]
    out = out.merge(subs[["customer_id", "cohort_month", "current_renewals",
                          "is_paying_now", "current_mrr",
                          "subscription_model_segment",
                          "expected_remaining_lifetime_months",
                          "discounted_expected_residual_lifetime_months",
                          "subscription_clv", "contract_months",
                          "current_contract_renewals",
                          "subscription_clv_unscored_reason"]],
                    on="customer_id", how="left")
    out["is_order_customer"] = out["customer_id"].isin(orders["customer_id"])
    out["is_subscription_customer"] = out["customer_id"].isin(
        lifetimes["customer_id"])
    out["clv"] = out["order_clv"].fillna(0) + out["subscription_clv"].fillna(0)
    out = out.rename(columns={"cohort_month": "subscription_cohort_month",
                              "current_renewals": "renewals",
                              "current_contract_renewals": "contract_renewals"})
    out["subscription_cohort_month"] = pd.to_datetime(
        out["subscription_cohort_month"]).dt.date
    out["renewals"] = out["renewals"].astype("Int64")
    for column in ("contract_months", "contract_renewals"):
        out[column] = pd.to_numeric(out[column]).astype("Int64")
    return out[VALUE_COLUMNS]


# fct_customer_lifetime_value's columns, in order
VALUE_COLUMNS = [
    "customer_id", "segment", "order_model_segment", "probability_alive",
    "expected_purchases", "expected_order_value", "order_clv",
    "subscription_cohort_month", "renewals", "is_paying_now", "current_mrr",
    "subscription_model_segment", "expected_remaining_lifetime_months",
    "discounted_expected_residual_lifetime_months", "subscription_clv",
    "is_order_customer", "is_subscription_customer", "clv", "contract_months",
    "contract_renewals", "order_clv_unscored_reason",
    "subscription_clv_unscored_reason"]
