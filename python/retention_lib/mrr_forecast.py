"""The MRR forecast (fct_mrr_forecast_monthly) and its back-tests
(fct_mrr_forecast_backtest).

From the end of an origin month O (the last complete month, or k months
before it for a back-test), month by month for h = 1 ... H:

- Existing customers (paying at the end of O, with their MRR m_i then):
  customer i on a contract of L months, c_i = its unbroken paying months
  at O minus 1 (the month index of O in its current spell), has made
  r_i = floor(c_i / L) renewals and can churn only at a renewal. By the
  sBG model (Fader and Hardie 2007) fitted on the contract's renewal
  periods, it is still paying at the end of O + h with probability
  S(floor((c_i + h) / L)) / S(r_i), S(t) = B(alpha, beta + t) / B(alpha,
  beta), by the finest identified fit that covers it (its contract length
  and cohort, else its contract length), the fits made with the data up
  to O. A customer whose every live subscription was cancelled before the
  origin's snapshot (a known cancellation) pays until the month of its
  last period end and nothing from then on. A customer without an
  identified fit (counted in customers_without_fit) churns at each
  renewal with its contract length's constant renewal churn rate (the
  geometric model's estimate on the same lifetimes: churned / renewals
  at risk; it needs no heterogeneity, so one renewal of data is enough),
  or, for an unknown contract length or one where no renewal was
  survived yet,
  with the trailing customer churn rate compounded over the contract's
  months.
- Its MRR while it pays grows by the trailing retained-MRR growth rate
  g = sum(expansion - contraction) / sum(MRR at start - churned MRR) over
  the trailing var mrr_forecast_trailing_months complete months to O.
- New business: each later month brings the trailing mean of new and
  reactivated MRR of each contract length, which then survives by the
  contract length's fit from its start and grows by g.

forecast_mrr is the expectation at the fitted parameters. The bands are
quantiles over var mrr_forecast_draws draws, each with (i) every fit's
(alpha, beta) drawn from the normal distribution of the log parameters
with the fit's covariance (the parametric bootstrap), (ii) the trailing
months resampled with replacement (g, the new business and the trailing
churn rate) and each renewal churn rate from its binomial uncertainty
(a beta distribution), (iii) the churn of the existing customers given the draw's
probabilities (a normal term with the variance of the sum of independent
Bernoulli MRRs). Seeded per origin, so a build is repeatable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from retention_lib import clv_backtest, lifetime_value

COLUMNS = [
    "months_back", "origin_month", "months_ahead", "forecast_month",
    "forecast_mrr", "forecast_mrr_p10", "forecast_mrr_p50", "forecast_mrr_p90",
    "existing_mrr", "known_cancelled_mrr", "new_business_mrr",
    "expected_existing_customers", "origin_mrr", "origin_customers",
    "customers_without_fit", "mrr_without_fit", "retained_mrr_growth_rate",
    "trailing_new_business_mrr", "trailing_customer_churn_rate",
    "trailing_months", "draws", "fits"]
# DuckDB types of COLUMNS (the Python model's output)
COLUMN_TYPES = {
    "months_back": "integer", "origin_month": "date", "months_ahead": "integer",
    "forecast_month": "date", "forecast_mrr": "double",
    "forecast_mrr_p10": "double", "forecast_mrr_p50": "double",
    "forecast_mrr_p90": "double", "existing_mrr": "double",
    "known_cancelled_mrr": "double", "new_business_mrr": "double",
    "expected_existing_customers": "double", "origin_mrr": "double",
    "origin_customers": "bigint", "customers_without_fit": "bigint",
    "mrr_without_fit": "double", "retained_mrr_growth_rate": "double",
    "trailing_new_business_mrr": "double",
    "trailing_customer_churn_rate": "double", "trailing_months": "integer",
    "draws": "integer", "fits": "varchar"}
# the vars fit_from_inputs reads (keyword argument -> var)
SETTINGS = {"trailing_months": "mrr_forecast_trailing_months",
            "draws": "mrr_forecast_draws", "penalizer": "clv_penalizer"}
# the relations the forecast reads, by role (model names)
INPUTS = {"origins": "util_mrr_forecast_origins",
          "states": "int_paying_customers_snapshotted_to_forecast_origin",
          "new_business": "int_new_business_mrr_aggregated_to_contract_month",
          "months": "fct_mrr_by_dimension_monthly",
          "lifetimes": "int_subscription_lifetimes_summarized_to_customer"}
SEED = 20261202


def settings(get) -> dict:
    """fit_from_inputs' keyword arguments from the vars, read with `get`."""
    values = {argument: get(var) for argument, var in SETTINGS.items()}
    return {"trailing_months": int(values["trailing_months"]),
            "draws": int(values["draws"]),
            "penalizer": float(values["penalizer"])}


def identified_fits(lifetimes: pd.DataFrame, penalizer: float) -> dict:
    """segment -> (Fit, fit_scope, contract_months, cohort 'YYYY-MM-DD' or
    None) for every identified sBG fit of the lifetimes, with the rules of
    clv_model_parameters (lifetime_value.sbg_fit_groups, the same
    identification)."""
    fits = {}
    for segment, scope, length, cohort, group in \
            lifetime_value.sbg_fit_groups(lifetimes):
        try:
            fit = lifetime_value.fit_sbg_group(group, penalizer)
        except lifetime_value.FIT_FAILURES:
            continue
        if not lifetime_value.unidentified_parameters(fit):
            fits[segment] = (fit, scope, length,
                             None if cohort is None else cohort.isoformat())
    return fits


def renewal_churn_rates(lifetimes: pd.DataFrame) -> dict:
    """contract_months -> (churned, renewals at risk): the data of the
    constant renewal churn rate of each contract length (a churned
    customer was at risk at each of its contract_periods renewals, a
    censored one at the contract_periods it made). Only lengths where the
    rate is identified: some churned and some renewal was survived (with
    no renewal made yet, every churn so far was one and the rate would
    read 1)."""
    known = lifetimes.dropna(subset=["contract_months"])
    rates = {}
    for length, group in known.groupby("contract_months"):
        at_risk = float(pd.to_numeric(group["contract_periods"]).sum())
        churned = float(group["churned"].astype(bool).sum())
        if 0 < churned < at_risk:
            rates[int(length)] = (churned, at_risk)
    return rates


def trailing(months: pd.DataFrame, new_business: pd.DataFrame, origin,
             n_months: int) -> pd.DataFrame:
    """One row per trailing complete month to the origin (the origin month
    and the n_months - 1 before it that exist): the retained MRR's base
    and change, the customer churn rate and the new business per contract
    length (columns new_<L>, new_unknown)."""
    origin = pd.Timestamp(origin)
    frame = months.copy()
    frame["date_month"] = pd.to_datetime(frame["date_month"])
    frame = frame[frame["is_complete_period"].astype(bool)
                  & (frame["date_month"] <= origin)
                  & (frame["date_month"] > origin - pd.DateOffset(months=n_months))]
    frame = frame.sort_values("date_month", ignore_index=True)
    out = pd.DataFrame({"date_month": frame["date_month"]})
    number = lambda c: pd.to_numeric(frame[c]).astype(float).fillna(0.0)  # noqa: E731
    out["retained_base"] = number("mrr_start") - number("churn_mrr")
    out["retained_change"] = number("expansion_mrr") - number("contraction_mrr")
    # no paying customer at the start: no churn to count
    out["churn_rate"] = number("customer_churn_rate")
    new = new_business.copy()
    new["date_month"] = pd.to_datetime(new["date_month"])
    new["key"] = [contract_key(v) for v in new["contract_months"]]
    new["new_business_mrr"] = pd.to_numeric(new["new_business_mrr"]).astype(float)
    wide = new.pivot_table(index="date_month", columns="key",
                           values="new_business_mrr", aggfunc="sum")
    for key in wide.columns:
        out[f"new_{key}"] = out["date_month"].map(wide[key]).fillna(0.0).to_numpy()
    return out


def contract_key(value) -> str:
    """'1', '3', '12' ... or 'unknown' (no contract length)."""
    return "unknown" if pd.isna(value) else str(int(value))


def _log_survival(alpha, beta, t_max: int) -> np.ndarray:
    """ln S(t), t = 0 ... t_max, for each (alpha, beta) of the arrays:
    shape (draws, t_max + 1)."""
    alpha = np.asarray(alpha, dtype=float)[:, None]
    beta = np.asarray(beta, dtype=float)[:, None]
    t = np.arange(t_max + 1, dtype=float)[None, :]
    return special.betaln(alpha, beta + t) - special.betaln(alpha, beta)


def _parameter_draws(fit, draws: int, rng: np.random.Generator) -> np.ndarray:
    """(draws, 2) values of (alpha, beta): row 0 the estimate, the others
    from the normal distribution of (ln alpha, ln beta) with the fit's
    covariance (delta method: cov / (theta theta'))."""
    estimate = np.array([fit.params["alpha"], fit.params["beta"]])
    covariance = np.asarray(fit.extra["covariance"]) / np.outer(estimate, estimate)
    logs = rng.multivariate_normal(np.log(estimate), covariance, size=draws - 1,
                                   method="cholesky")
    return np.vstack([estimate, np.exp(logs)])


def forecast_origin(states: pd.DataFrame, fits: dict, rates: pd.DataFrame,
                    origin_month, horizon: int, draws: int,
                    rng: np.random.Generator,
                    renewal_churn: dict | None = None) -> pd.DataFrame:
    """The forecast from one origin, h = 1 ... horizon (see the module).

    states: the customers paying at the origin (mrr, paying_tenure_months,
    contract_months, cohort_month, known_stop_month); fits: identified_fits
    at the origin; rates: trailing(...) at the origin; renewal_churn:
    renewal_churn_rates(...) at the origin (the fallback). Draw 0 of every
    random quantity is the estimate; the expectation columns are draw 0.
    """
    draws = max(int(draws), 1)
    h = np.arange(1, horizon + 1)
    n_trailing = len(rates)
    # trailing months, resampled per draw (draw 0: as observed)
    picks = np.vstack([np.arange(n_trailing)[None, :],
                       rng.integers(0, n_trailing, size=(draws - 1, n_trailing))]) \
        if n_trailing else np.zeros((draws, 0), dtype=int)

    def resampled_mean(column: str) -> np.ndarray:
        if not n_trailing:
            return np.zeros(draws)
        return rates[column].to_numpy(dtype=float)[picks].mean(axis=1)

    base = resampled_mean("retained_base")
    change = resampled_mean("retained_change")
    growth = np.where(base > 0, change / np.where(base > 0, base, 1), 0.0)
    churn = np.nan_to_num(resampled_mean("churn_rate"))
    growth_factor = (1 + growth)[:, None] ** h[None, :]          # (draws, H)

    parameters = {segment: _parameter_draws(entry[0], draws, rng)
                  for segment, entry in sorted(fits.items())}
    # each contract length's renewal churn rate: draw 0 the estimate, the
    # others from Beta(churned, renewals survived)
    renewal = {}
    for length, (churned, at_risk) in sorted((renewal_churn or {}).items()):
        estimate = churned / at_risk
        spread = rng.beta(churned, at_risk - churned, size=draws - 1)
        renewal[length] = np.concatenate([[estimate], spread])
    by_contract = {entry[2]: segment for segment, entry in fits.items()
                   if entry[1] == "contract"}
    by_cohort = {(entry[2], entry[3]): segment for segment, entry in fits.items()
                 if entry[1] == "contract_cohort"}

    def survival(segment, length: int, start: np.ndarray,
                 end: np.ndarray, known_length: bool = True) -> np.ndarray:
        """P(paying at month index end | paying at start), (draws, G, H)
        for start (G,) and end (G, H) month indexes of a contract of
        `length` months: the fit's S ratio, or the fallback geometric."""
        r0 = start // length
        r1 = end // length
        if segment is None:
            per_renewal = (np.log1p(-np.minimum(renewal[length], 1 - 1e-12))
                           if known_length and length in renewal else
                           length * np.log1p(-np.minimum(churn, 1 - 1e-12)))
            return np.exp(per_renewal[:, None, None]
                          * (r1 - r0[:, None])[None, :, :])
        values = parameters[segment]
        log_s = _log_survival(values[:, 0], values[:, 1], int(r1.max()))
        return np.exp(log_s[:, r1] - log_s[:, r0][:, :, None])

    # existing customers, grouped by what their survival depends on
    data = states.copy()
    data["length"] = pd.to_numeric(data["contract_months"]).astype("Float64")
    data["cohort_key"] = pd.to_datetime(data["cohort_month"]).dt.strftime("%Y-%m-%d")
    data["segment"] = [
        None if pd.isna(length) else
        by_cohort.get((int(length), cohort), by_contract.get(int(length)))
        for length, cohort in zip(data["length"], data["cohort_key"], strict=True)]
    # unknown contract length: fit_key 'unknown', projected as monthly at
    # the trailing churn rate
    data["fit_key"] = [segment if pd.notna(segment)
                       else "" if pd.notna(length) else "unknown"
                       for segment, length in zip(data["segment"], data["length"],
                                                  strict=True)]
    data["length"] = data["length"].fillna(1).astype(int)
    data["index"] = pd.to_numeric(data["paying_tenure_months"]).astype(int) - 1
    origin = pd.Timestamp(origin_month)
    stop = pd.to_datetime(data["known_stop_month"])
    data["stop_ahead"] = ((stop.dt.year - origin.year) * 12
                          + (stop.dt.month - origin.month)).fillna(0).astype(int)
    data["mrr"] = pd.to_numeric(data["mrr"]).astype(float)
    data["mrr_squared"] = data["mrr"] ** 2
    groups = (data.groupby(["fit_key", "length", "index", "stop_ahead"],
                           sort=True)
              .agg(mrr=("mrr", "sum"), mrr_squared=("mrr_squared", "sum"),
                   customers=("mrr", "size")).reset_index())
    existing = np.zeros((draws, horizon))
    variance = np.zeros((draws, horizon))
    alive = np.zeros((draws, horizon))
    for (fit_key, length), group in groups.groupby(["fit_key", "length"]):
        start = group["index"].to_numpy()
        probability = survival(fit_key if fit_key not in ("", "unknown")
                               else None, int(length), start,
                               start[:, None] + h[None, :],
                               known_length=fit_key != "unknown")
        stop_ahead = group["stop_ahead"].to_numpy()[:, None]
        known = stop_ahead > 0
        probability = np.where(known[None, :, :],
                               (h[None, :] < stop_ahead)[None, :, :].astype(float),
                               probability)
        mrr = group["mrr"].to_numpy()[None, :, None]
        existing += (probability * mrr).sum(axis=1)
        variance += (probability * (1 - probability)
                     * group["mrr_squared"].to_numpy()[None, :, None]).sum(axis=1)
        alive += (probability * group["customers"].to_numpy()[None, :, None]
                  ).sum(axis=1)
    existing *= growth_factor
    variance *= growth_factor ** 2
    known_cancelled = np.array([
        data.loc[(data["stop_ahead"] > 0) & (data["stop_ahead"] <= month),
                 "mrr"].sum() for month in h])

    # new business: arrivals in month j survive from month index 0 at j
    new_total = np.zeros((draws, horizon))
    ages = h[:, None] - h[None, :]                                # (H, H): h - j
    for column in [c for c in rates.columns if c.startswith("new_")]:
        key = column.removeprefix("new_")
        monthly_new = resampled_mean(column)                      # (draws,)
        if not np.any(monthly_new):
            continue
        length = 1 if key == "unknown" else int(key)
        segment = None if key == "unknown" else by_contract.get(length)
        age = np.clip(ages, 0, None)
        # kept[d, h, j]: survival of month j's arrivals at month h
        kept = survival(segment, length, np.zeros(horizon, dtype=int),
                        age.T, known_length=key != "unknown").transpose(0, 2, 1)
        grow = (1 + growth)[:, None, None] ** age[None, :, :]
        arrived = (ages >= 0)[None, :, :]
        new_total += monthly_new[:, None] * (kept * grow * arrived).sum(axis=2)

    noise = rng.standard_normal((draws, horizon))
    noise[0] = 0.0
    totals = existing + new_total + noise * np.sqrt(variance)
    without_fit = data["segment"].isna()
    out = pd.DataFrame({
        "months_ahead": h,
        "forecast_mrr": existing[0] + new_total[0],
        "forecast_mrr_p10": np.quantile(totals, 0.1, axis=0),
        "forecast_mrr_p50": np.quantile(totals, 0.5, axis=0),
        "forecast_mrr_p90": np.quantile(totals, 0.9, axis=0),
        "existing_mrr": existing[0],
        "known_cancelled_mrr": known_cancelled,
        "new_business_mrr": new_total[0],
        "expected_existing_customers": alive[0],
    })
    out["origin_mrr"] = float(data["mrr"].sum())
    out["origin_customers"] = len(data)
    out["customers_without_fit"] = int(without_fit.sum())
    out["mrr_without_fit"] = float(data.loc[without_fit, "mrr"].sum())
    out["retained_mrr_growth_rate"] = float(growth[0])
    out["trailing_new_business_mrr"] = float(sum(
        rates[c].mean() for c in rates.columns if c.startswith("new_"))
        if n_trailing else 0.0)
    out["trailing_customer_churn_rate"] = float(churn[0]) if n_trailing else None
    out["trailing_months"] = n_trailing
    out["draws"] = draws
    used = sorted(set(data["segment"].dropna())
                  | {by_contract[length] for length in by_contract})
    fallback_lengths = sorted(
        ({int(length) for length in data.loc[data["fit_key"] == "", "length"]}
         | {int(c.removeprefix("new_")) for c in rates.columns
            if c.startswith("new_") and c != "new_unknown"
            and int(c.removeprefix("new_")) not in by_contract})
        & set(renewal))
    described = [clv_backtest.fits_text(pd.DataFrame(
        [{"segment": segment, "alpha": fits[segment][0].params["alpha"],
          "beta": fits[segment][0].params["beta"]} for segment in used],
        columns=["segment", "alpha", "beta"]), ["alpha", "beta"])] + [
        f"{lifetime_value.sbg_segment(length)} geometric (churn "
        f"{renewal[length][0]:.4g} per renewal)" for length in fallback_lengths]
    out["fits"] = "; ".join(text for text in described if text) or None
    return out


def fit_from_inputs(origins: pd.DataFrame, states: pd.DataFrame,
                    new_business: pd.DataFrame, months: pd.DataFrame,
                    lifetimes: pd.DataFrame, trailing_months: int, draws: int,
                    penalizer: float = 0.0) -> pd.DataFrame:
    """Every origin's forecast (COLUMNS), from the inputs (INPUTS) as any
    engine hands them over. The fits at the last complete month are those
    of clv_model_parameters; at a back-test origin they are made again on
    the lifetimes as they were then (clv_backtest.calibration_lifetimes)."""
    if "dimension_name" in months.columns:
        months = months[months["dimension_name"] == "all"]
    lifetimes = lifetime_value.typed_lifetimes(lifetimes)
    states = states.sort_values(["months_back", "customer_id"], kind="stable",
                                ignore_index=True)
    frames = []
    for origin in origins.sort_values("months_back").itertuples():
        months_back = int(origin.months_back)
        origin_month = pd.Timestamp(origin.origin_month)
        if months_back == 0:
            at_origin = lifetimes
        else:
            after = origin_month + pd.DateOffset(months=1)
            at_origin = clv_backtest.calibration_lifetimes(lifetimes, {
                "holdout_start_date": after,
                "holdout_end_date": after + pd.DateOffset(months=months_back)
                - pd.Timedelta(days=1)})
        fits = identified_fits(at_origin, penalizer)
        rates = trailing(months, new_business, origin_month, trailing_months)
        rng = np.random.default_rng(SEED + months_back)
        frame = forecast_origin(
            states[pd.to_numeric(states["months_back"]) == months_back],
            fits, rates, origin_month, int(origin.horizon_months), draws, rng,
            renewal_churn_rates(at_origin))
        frame["months_back"] = months_back
        frame["origin_month"] = origin_month.date()
        frame["forecast_month"] = [
            (origin_month + pd.DateOffset(months=int(m))).date()
            for m in frame["months_ahead"]]
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True)[COLUMNS]
