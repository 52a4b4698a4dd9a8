"""Holdout back-tests of the lifetime-value models (fct_clv_backtest).

Every model is fitted again on the data up to calibration_end_date (the
day before the holdout window of util_clv_holdout_window: the last var
clv_holdout_months complete months), with the same rules as the published
fits (retention_lib.lifetime_value.fit_from_inputs: the same scopes,
penalizer and identification), and predicts the window; the prediction is
compared with what happened in it.

- BG/NBD: each order customer known by calibration_end_date is predicted
  E[purchases in the window | frequency, recency, age at calibration end]
  (Fader, Hardie and Lee 2005, eq. 10) and compared with its purchase
  days in the window, per calibration frequency bucket (0, 1, ..., 6, 7+)
  and in total (the comparison of the paper's figure 4).
- Gamma-Gamma: each customer with a purchase in the window is predicted
  its expected purchase value E[M | frequency, mean value] and compared
  with the mean value of its purchases in the window, per bucket and in
  total.
- sBG: each subscription customer still paying at calibration_end_date,
  after r renewals of its contract, survives renewal p of the window with
  probability S(p) / S(r) (Fader and Hardie 2007); the predicted and
  actual survivors are compared per contract length, cohort and renewal,
  and in total.

Each customer is predicted by the finest identified calibration fit that
covers it, as in scoring; customers without one are counted, not
predicted. Columns: BACKTEST_COLUMNS; each row's predicted and actual are
sums over its customers, mean_absolute_error the mean over them of
|predicted - actual|.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retention_lib import clv, lifetime_value

BACKTEST_COLUMNS = [
    "model", "comparison", "bucket", "contract_months", "cohort_month",
    "renewal_period", "customers", "unscored_customers", "predicted", "actual",
    "absolute_error", "mean_absolute_error", "fits", "time_unit",
    "calibration_end_date", "holdout_start_date", "holdout_end_date",
    "as_of_date", "status_reason"]
# DuckDB types of BACKTEST_COLUMNS (the Python model's output)
COLUMN_TYPES = {
    "model": "varchar", "comparison": "varchar", "bucket": "varchar",
    "contract_months": "bigint", "cohort_month": "date",
    "renewal_period": "bigint", "customers": "bigint",
    "unscored_customers": "bigint", "predicted": "double", "actual": "double",
    "absolute_error": "double", "mean_absolute_error": "double",
    "fits": "varchar", "time_unit": "varchar", "calibration_end_date": "date",
    "holdout_start_date": "date", "holdout_end_date": "date",
    "as_of_date": "date", "status_reason": "varchar"}
# calibration frequencies from this one up share a bucket ('7+')
TOP_BUCKET = 7
NO_FIT = {"bgnbd": "no identified BG/NBD fit at calibration_end_date",
          "gamma_gamma": "no identified Gamma-Gamma fit at calibration_end_date",
          "sbg": "no identified sBG fit at calibration_end_date"}


def frequency_bucket(frequency) -> np.ndarray:
    """'0', '1', ..., '6', '7+' for calibration frequencies."""
    x = np.asarray(frequency, dtype=int)
    return np.where(x >= TOP_BUCKET, f"{TOP_BUCKET}+", x.astype(str))


def calibration_orders(orders: pd.DataFrame) -> pd.DataFrame:
    """The fit inputs as of calibration_end_date (customers known then),
    with the window's purchases beside them."""
    known = orders[orders["calibration_frequency"].notna()].copy()
    for column in ("frequency", "recency_days", "age_days",
                   "repeat_mean_value"):
        known[column] = pd.to_numeric(known[f"calibration_{column}"])
    known["holdout_purchases"] = pd.to_numeric(known["holdout_purchases"])
    known["holdout_mean_value"] = pd.to_numeric(known["holdout_mean_value"])
    return known


def _months_between(start, end) -> np.ndarray:
    start = pd.to_datetime(start)
    end = pd.to_datetime(end)
    return ((end.dt.year - start.dt.year) * 12
            + (end.dt.month - start.dt.month)).to_numpy()


def calibration_lifetimes(lifetimes: pd.DataFrame, window: dict) -> pd.DataFrame:
    """The sBG inputs as of calibration_end_date, from the lifetimes at
    as_of_date, with what the window showed.

    With month indexes from the cohort month (0), c = the last complete
    month before the window and e = the window's last month: a churn at
    month k <= c is a churn in the calibration data (period ceil(k / L)),
    otherwise the customer is censored after floor(c / L) renewals. A
    survivor then survives renewal p (r < p <= floor(e / L), the renewals
    the window shows) unless it churned at or before month p L, i.e. unless
    its contract_periods (ceil(k / L)) is at most p."""
    subs = lifetimes[lifetimes["contract_months"].notna()].copy()
    cohort = pd.Series(pd.to_datetime(subs["cohort_month"]), index=subs.index)
    last_before = _months_between(
        cohort, pd.Series(pd.Timestamp(window["holdout_start_date"]),
                          index=subs.index)) - 1
    last_in = _months_between(
        cohort, pd.Series(pd.Timestamp(window["holdout_end_date"]),
                          index=subs.index))
    subs["last_month_before"] = last_before
    subs["last_month_in"] = last_in
    subs = subs[subs["last_month_before"] >= 0].copy()
    length = subs["contract_months"].astype(int)
    periods = subs["periods"].astype(int)
    churned = subs["churned"].astype(bool)
    subs["calibration_churned"] = churned & (periods <= subs["last_month_before"])
    subs["renewals_before"] = subs["last_month_before"] // length
    subs["renewals_in"] = subs["last_month_in"] // length
    subs["actual_contract_periods"] = subs["contract_periods"]
    subs["actual_churned"] = churned
    subs["contract_periods"] = np.where(
        subs["calibration_churned"], -(-periods // length),
        subs["renewals_before"]).astype(int)
    subs["churned"] = subs["calibration_churned"]
    return subs


def fits_text(fits: pd.DataFrame, names: list[str]) -> str | None:
    """'overall (r 0.2, alpha 3.7, ...); smb (...)': the fits that predicted."""
    if fits.empty:
        return None
    return "; ".join(
        f"{row.segment} (" + ", ".join(f"{name} {getattr(row, name):.4g}"
                                       for name in names) + ")"
        for row in fits.itertuples())


def _compare(model: str, comparison: str, frame: pd.DataFrame,
             predicted: str, actual: str, unscored: int, **where) -> dict:
    errors = (frame[predicted] - frame[actual]).abs()
    n = len(frame)
    return {"model": model, "comparison": comparison, **where,
            "customers": n, "unscored_customers": int(unscored),
            "predicted": float(frame[predicted].sum()) if n else None,
            "actual": float(frame[actual].sum()) if n else None,
            "absolute_error": (float(abs(frame[predicted].sum()
                                         - frame[actual].sum())) if n else None),
            "mean_absolute_error": float(errors.mean()) if n else None}


def _bucket_rows(model: str, scored: pd.DataFrame, unscored: pd.DataFrame,
                 predicted: str, actual: str) -> list[dict]:
    rows = []
    buckets = sorted(set(scored["bucket"]) | set(unscored["bucket"]),
                     key=lambda b: int(b.rstrip("+")))
    for bucket in buckets:
        rows.append(_compare(model, "frequency_bucket",
                             scored[scored["bucket"] == bucket], predicted,
                             actual, (unscored["bucket"] == bucket).sum(),
                             bucket=bucket))
    rows.append(_compare(model, "total", scored, predicted, actual,
                         len(unscored), bucket="all"))
    return rows


def order_backtest(orders: pd.DataFrame, customers: pd.DataFrame,
                   parameters: pd.DataFrame, time_unit: str,
                   holdout_days: int) -> list[dict]:
    """BG/NBD and Gamma-Gamma rows, given calibration fits (parameters in
    the clv_model_parameters layout) of calibration_orders(...)."""
    data = orders.merge(customers[["customer_id", "segment"]],
                        on="customer_id", how="left", suffixes=("_x", ""))
    data["segment"] = data["segment"].fillna("unknown")
    data = lifetime_value._order_inputs(data, time_unit)
    data["bucket"] = frequency_bucket(data["x"])
    rows = []
    bgnbd = lifetime_value._identified_fits(parameters, "bgnbd",
                                            lifetime_value.MODEL_PARAMETERS["bgnbd"])
    data["bgnbd_fit"] = lifetime_value._finest_order_fit(bgnbd, data["segment"])
    scored = data[data["bgnbd_fit"].notna()].copy()
    scored["predicted_purchases"] = np.nan
    horizon = holdout_days * lifetime_value.time_units_per_day(time_unit)
    by_segment = bgnbd.set_index("segment")
    for segment, group in scored.groupby("bgnbd_fit"):
        params = tuple(by_segment.loc[segment, ["r", "alpha", "a", "b"]])
        scored.loc[group.index, "predicted_purchases"] = \
            clv.bgnbd_expected_purchases(params, horizon, group["x"],
                                         group["t_x"], group["T"])
    rows += [{**row, "fits": fits_text(bgnbd, ["r", "alpha", "a", "b"])}
             for row in _bucket_rows("bgnbd", scored,
                                     data[data["bgnbd_fit"].isna()],
                                     "predicted_purchases",
                                     "holdout_purchases")]
    spend = lifetime_value._identified_fits(parameters, "gamma_gamma",
                                            ["p", "q", "gamma"])
    buyers = data[data["holdout_purchases"] > 0].copy()
    buyers["spend_fit"] = lifetime_value._finest_order_fit(spend,
                                                           buyers["segment"])
    buyers["predicted_value"] = np.nan
    by_segment = spend.set_index("segment")
    for segment, group in buyers[buyers["spend_fit"].notna()].groupby(
            "spend_fit"):
        params = tuple(by_segment.loc[segment, ["p", "q", "gamma"]])
        buyers.loc[group.index, "predicted_value"] = \
            clv.gamma_gamma_expected_value(
                params, group["x"],
                group["repeat_mean_value"].fillna(0).astype(float))
    # no fit, or no population mean for a customer without repeats (q <= 1)
    has = buyers["predicted_value"].notna()
    rows += [{**row, "fits": fits_text(spend, ["p", "q", "gamma"])}
             for row in _bucket_rows("gamma_gamma", buyers[has], buyers[~has],
                                     "predicted_value", "holdout_mean_value")]
    for row in rows:
        if row["customers"] == 0 and row["unscored_customers"] > 0:
            row["status_reason"] = NO_FIT[row["model"]]
    return rows


def subscription_backtest(subs: pd.DataFrame,
                          parameters: pd.DataFrame) -> list[dict]:
    """sBG rows, given calibration fits of calibration_lifetimes(...)."""
    fits = lifetime_value._identified_fits(parameters, "sbg", ["alpha", "beta"])
    by_contract = {row.contract_months: row for row in fits.itertuples()
                   if row.fit_scope == "contract"}
    by_cohort = {(row.contract_months, row.cohort_month): row
                 for row in fits.itertuples()
                 if row.fit_scope == "contract_cohort"}
    alive = subs[~subs["calibration_churned"]].copy()
    alive["cohort_key"] = pd.to_datetime(alive["cohort_month"]).dt.strftime(
        "%Y-%m-%d")
    chosen = [by_cohort.get((int(months), cohort), by_contract.get(int(months)))
              for months, cohort in zip(alive["contract_months"],
                                        alive["cohort_key"], strict=True)]
    # one row per survivor and renewal the window shows: survivor i has
    # renewals before_i + 1, ..., renewals_in_i
    before = alive["renewals_before"].to_numpy(dtype=int)
    shown = np.maximum(alive["renewals_in"].to_numpy(dtype=int) - before, 0)
    owner = np.repeat(np.arange(len(alive)), shown)
    periods = (before[owner] + 1
               + np.arange(owner.size) - np.repeat(np.cumsum(shown) - shown, shown))
    churned = alive["actual_churned"].to_numpy(dtype=bool)[owner]
    survived = ~churned | (periods < np.where(
        churned, pd.to_numeric(alive["actual_contract_periods"]).to_numpy(
            dtype=float, na_value=np.nan)[owner], 0))
    alpha, beta = (np.array([np.nan if fit is None else getattr(fit, name)
                             for fit in chosen], dtype=float)[owner]
                   for name in ("alpha", "beta"))
    probability = (clv.sbg_survival(alpha, beta, periods)
                   / clv.sbg_survival(alpha, beta, before[owner]))
    frame = pd.DataFrame({
        "contract_months": alive["contract_months"].to_numpy(dtype=int)[owner],
        "cohort_month": alive["cohort_key"].to_numpy()[owner],
        "renewal_period": periods,
        "fit": np.array([None if fit is None else fit.segment
                         for fit in chosen], dtype=object)[owner],
        "predicted_survivors": probability,
        "survivors": survived.astype(float)})
    scored = frame[frame["fit"].notna()]
    unscored = frame[frame["fit"].isna()]
    rows = []
    for key, group in frame.groupby(["contract_months", "cohort_month",
                                     "renewal_period"]):
        months, cohort, period = key
        has = group["fit"].notna()
        rows.append({**_compare("sbg", "cohort_renewal", group[has],
                                "predicted_survivors", "survivors",
                                (~has).sum(), bucket=None,
                                contract_months=int(months),
                                cohort_month=cohort,
                                renewal_period=int(period)),
                     "fits": ", ".join(sorted(set(group.loc[has, "fit"])))
                     or None})
    rows.append({**_compare("sbg", "total", scored, "predicted_survivors",
                            "survivors", len(unscored), bucket="all"),
                 "fits": fits_text(fits, ["alpha", "beta"])})
    for row in rows:
        if row["customers"] == 0 and row["unscored_customers"] > 0:
            row["status_reason"] = NO_FIT["sbg"]
    return rows


def backtest_from_inputs(orders: pd.DataFrame, customers: pd.DataFrame,
                         lifetimes: pd.DataFrame, window: pd.DataFrame,
                         time_unit: str, penalizer: float = 0.0) -> pd.DataFrame:
    """fct_clv_backtest from the fit inputs (lifetime_value.FIT_INPUTS, the
    orders with their calibration_ and holdout_ columns) and the one row of
    util_clv_holdout_window, on any engine's frames."""
    window = window.iloc[0].to_dict()
    calibration_end = pd.Timestamp(window["calibration_end_date"]).date()
    orders = calibration_orders(orders.sort_values(
        "customer_id", kind="stable", ignore_index=True))
    subs = calibration_lifetimes(lifetime_value.typed_lifetimes(lifetimes),
                                 window)
    parameters = lifetime_value.fit_from_inputs(
        orders, customers, subs[lifetime_value.LIFETIME_COLUMNS].copy(),
        calibration_end, time_unit, penalizer)
    rows = (order_backtest(orders, customers, parameters, time_unit,
                           int(window["holdout_days"]))
            + subscription_backtest(subs, parameters))
    out = pd.DataFrame(rows, columns=BACKTEST_COLUMNS)
    out["time_unit"] = np.where(out["model"] == "sbg", "renewal", time_unit)
    for column in ("calibration_end_date", "holdout_start_date",
                   "holdout_end_date", "as_of_date"):
        out[column] = pd.Timestamp(window[column]).date()
    for column in ("contract_months", "renewal_period"):
        out[column] = out[column].astype("Int64")
    return out[BACKTEST_COLUMNS]
