"""A learned churn-risk model beside the rule-based health score.

L2-regularised logistic regression of logo churn within the horizon
(90 days) after a weekly health snapshot, on the snapshot's standardised
inputs only (its component scores and raw inputs: nothing after the
snapshot date), trained on the snapshots before a time split and
evaluated on later ones, out of time:

- evaluation snapshots: the latest snapshot whose horizon has passed by
  as_of_date and the ones every ceil(horizon / 7) weeks before it (at most
  `evaluations`), so their outcome windows do not overlap: one observation
  per customer per evaluation snapshot, each churn event counted once;
- training snapshots: those whose whole outcome window ends on or before
  the first evaluation snapshot (no outcome the evaluation scores is seen
  in training);
- uncertainty: ROC AUC with a percentile bootstrap 95% interval that
  resamples customers (their rows at the evaluation snapshots together),
  for the model and for the health score alike.

The logistic regression is written out here (Newton's method on the
penalised log-likelihood, the intercept not penalised), which needs no
further dependency.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retention_lib import memo
from retention_lib.health import top_decile_lift

# model inputs: column -> what it measures, in words for the top reasons
FEATURES = {
    "usage_score": "usage score",
    "breadth_score": "breadth score",
    "support_score": "support score",
    "billing_score": "billing score",
    "sentiment_score": "sentiment score",
    "user_count": "users",
    "active_users_30d": "active users (30 days)",
    "events_30d": "events (30 days)",
    "events_previous_30d": "events (previous 30 days)",
    "key_features_used": "key features used",
    "open_tickets": "open tickets",
    "open_urgent_tickets": "open urgent tickets",
    "slow_resolutions_90d": "slow ticket resolutions (90 days)",
    "failed_payments_90d": "failed payments (90 days)",
    "overdue_invoices": "overdue invoices",
    "latest_nps_score": "latest NPS score",
    "latest_csat_score": "latest CSAT score",
}
# inputs that may be missing (no survey answer yet): imputed with the
# training median, with an indicator of their own
OPTIONAL = {"latest_nps_score": "no NPS answer",
            "latest_csat_score": "no CSAT answer"}


@dataclass
class ChurnModel:
    """A fitted model: the inputs' training medians (for missing values),
    means and standard deviations, the coefficients per standardised
    input and the intercept."""

    columns: list[str]
    medians: dict[str, float]
    means: np.ndarray
    scales: np.ndarray
    coefficients: np.ndarray
    intercept: float
    l2: float

    def design(self, frame: pd.DataFrame) -> np.ndarray:
        """The standardised inputs of `frame` (rows in order)."""
        return (_raw_design(frame, self.medians) - self.means) / self.scales

    def probability(self, frame: pd.DataFrame) -> np.ndarray:
        return _sigmoid(self.design(frame) @ self.coefficients + self.intercept)

    def top_reasons(self, frame: pd.DataFrame, count: int = 3) -> list[list[str]]:
        """Per row, the inputs that raise its risk most (coefficient x
        standardised value, largest positive first), in words: 'low usage
        score', 'high open urgent tickets', 'no NPS answer'. A missing
        survey answer is named by its indicator only (the median standing
        in for it says nothing about the customer); ties go to the input
        name first in alphabetical order, as in SQL."""
        design = self.design(frame)
        contribution = design * self.coefficients
        for name in OPTIONAL:
            missing = frame[name].isna().to_numpy()
            contribution[missing, self.columns.index(name)] = 0.0
        names = np.array(self.columns)
        alphabetical = np.argsort(names, kind="stable")
        # sort by contribution descending, then by name
        contribution = contribution[:, alphabetical]
        design = design[:, alphabetical]
        order = np.argsort(-contribution, axis=1, kind="stable")[:, :count]
        reasons = []
        for row, picks in enumerate(order):
            words = []
            for j in picks:
                if contribution[row, j] <= 0:
                    break
                words.append(_words(names[alphabetical[j]], design[row, j]))
            reasons.append(words)
        return reasons


def _words(column: str, value: float) -> str:
    if column.startswith("missing_"):
        return OPTIONAL[column.removeprefix("missing_")]
    return f"{'high' if value > 0 else 'low'} {FEATURES[column]}"


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -z))


def design_columns() -> list[str]:
    return [*FEATURES, *(f"missing_{name}" for name in OPTIONAL)]


def _raw_design(frame: pd.DataFrame, medians: dict[str, float]) -> np.ndarray:
    columns = []
    for name in FEATURES:
        values = pd.to_numeric(frame[name]).astype(float)
        columns.append(values.fillna(medians.get(name, 0.0)).to_numpy())
    for name in OPTIONAL:
        columns.append(frame[name].isna().to_numpy(dtype=float))
    return np.column_stack(columns)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float,
                 iterations: int = 50) -> tuple[np.ndarray, float]:
    """Coefficients and intercept maximising sum of log-likelihoods minus
    l2 / 2 x |coefficients|^2 (Newton-Raphson; the objective is strictly
    concave for l2 > 0, so it converges from zero)."""
    n, k = x.shape
    design = np.column_stack([np.ones(n), x])
    theta = np.zeros(k + 1)
    penalty = np.full(k + 1, float(l2))
    penalty[0] = 0.0
    for _ in range(iterations):
        p = _sigmoid(design @ theta)
        gradient = design.T @ (y - p) - penalty * theta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian + 1e-12 * np.eye(k + 1), gradient)
        theta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return theta[1:], float(theta[0])


def fit(train: pd.DataFrame, churned, l2: float = 1.0) -> ChurnModel:
    """The model on training snapshots (columns FEATURES) and their labels."""
    y = np.asarray(churned, dtype=float)
    if y.min() == y.max():
        raise ValueError("the training snapshots need churners and stayers")
    medians = {name: float(pd.to_numeric(train[name]).median())
               for name in OPTIONAL}
    medians = {name: (0.0 if np.isnan(value) else value)
               for name, value in medians.items()}
    raw = _raw_design(train, medians)
    means = raw.mean(axis=0)
    scales = raw.std(axis=0)
    scales[scales == 0] = 1.0  # a constant input: its coefficient stays 0
    coefficients, intercept = fit_logistic((raw - means) / scales, y, l2)
    return ChurnModel(design_columns(), medians, means, scales, coefficients,
                      intercept, l2)


def training_snapshots(snapshot_dates, split_date,
                       horizon_days: int = 90) -> list[pd.Timestamp]:
    """Snapshots whose whole outcome window ends on or before split_date."""
    split = pd.Timestamp(split_date)
    return sorted(d for d in set(pd.to_datetime(pd.Series(snapshot_dates)))
                  if d + pd.Timedelta(days=horizon_days) <= split)


def bootstrap_auc(risk, churned, clusters, resamples: int = 1000,
                  seed: int = 0) -> tuple[float, float, float]:
    """ROC AUC and its percentile bootstrap 95% interval, resampling the
    clusters (customers) with replacement: each resample weighs every row
    by how often its customer was drawn. O(rows) per resample: the rows
    are sorted by risk once, ties grouped."""
    risk = np.asarray(risk, dtype=float)
    churned = np.asarray(churned, dtype=bool)
    codes, cluster_index = np.unique(np.asarray(clusters), return_inverse=True)
    # the same rows, clusters and draws give the same interval: kept
    # between runs of the dbt model (retention_lib.memo)
    return memo.remembered(
        "bootstrap_auc", (risk, churned, cluster_index),
        (int(codes.size), int(resamples), int(seed)),
        lambda: _bootstrap_auc(risk, churned, cluster_index, codes.size,
                               resamples, seed),
        list, tuple)


def _bootstrap_auc(risk: np.ndarray, churned: np.ndarray,
                   cluster_index: np.ndarray, n_clusters: int,
                   resamples: int, seed: int) -> tuple[float, float, float]:
    # tie groups of risk, in increasing order
    levels, group = np.unique(risk, return_inverse=True)

    def weighted_auc(weights: np.ndarray) -> float:
        positive = np.bincount(group, weights=weights * churned,
                               minlength=levels.size)
        negative = np.bincount(group, weights=weights * ~churned,
                               minlength=levels.size)
        total_p, total_n = positive.sum(), negative.sum()
        if total_p == 0 or total_n == 0:
            return float("nan")
        below = np.cumsum(negative) - negative
        return float(np.sum(positive * (below + negative / 2))
                     / (total_p * total_n))

    estimate = weighted_auc(np.ones(risk.size))
    rng = np.random.default_rng(seed)
    draws = np.empty(resamples)
    for i in range(resamples):
        counts = np.bincount(rng.integers(0, n_clusters, n_clusters),
                             minlength=n_clusters)
        draws[i] = weighted_auc(counts[cluster_index].astype(float))
    draws = draws[np.isfinite(draws)]
    low, high = np.percentile(draws, [2.5, 97.5]) if draws.size else (
        np.nan, np.nan)
    return estimate, float(low), float(high)


def risk_deciles(risk) -> np.ndarray:
    """Each row's decile of risk, 1 (lowest) to 10: ten groups of equal
    size (within one row), ties split by row order."""
    risk = np.asarray(risk, dtype=float)
    decile = np.empty(risk.size, dtype=int)
    decile[np.argsort(risk, kind="stable")] = (
        np.arange(risk.size) * 10 // max(risk.size, 1) + 1)
    return decile


def calibration_by_decile(probability, churned) -> pd.DataFrame:
    """Deciles of the predicted probability (1 = lowest risk): rows,
    mean predicted probability, observed churn rate."""
    probability = np.asarray(probability, dtype=float)
    churned = np.asarray(churned, dtype=float)
    frame = pd.DataFrame({"decile": risk_deciles(probability),
                          "predicted": probability,
                          "churned": churned})
    return frame.groupby("decile").agg(
        rows=("churned", "size"), mean_predicted=("predicted", "mean"),
        churn_rate=("churned", "mean")).reset_index()


# the rows of fct_churn_risk_model_parameters and fct_churn_risk_backtest
PARAMETER_COLUMNS = [
    "input_name", "description", "training_median", "training_mean",
    "training_scale", "coefficient", "l2", "training_observations",
    "training_churned", "split_date", "as_of_date"]
BACKTEST_COLUMNS = [
    "scorer", "section", "label", "observations", "churned_observations",
    "churn_rate", "mean_predicted_probability", "min_predicted_probability",
    "roc_auc", "roc_auc_ci_low", "roc_auc_ci_high", "top_decile_lift",
    "evaluation_snapshots", "first_evaluation_date", "last_evaluation_date",
    "status_reason", "as_of_date"]
PARAMETER_TYPES = {
    "input_name": "varchar", "description": "varchar",
    "training_median": "double", "training_mean": "double",
    "training_scale": "double", "coefficient": "double", "l2": "double",
    "training_observations": "bigint", "training_churned": "bigint",
    "split_date": "date", "as_of_date": "date"}
BACKTEST_TYPES = {
    "scorer": "varchar", "section": "varchar", "label": "varchar",
    "observations": "bigint", "churned_observations": "bigint",
    "churn_rate": "double", "mean_predicted_probability": "double",
    "min_predicted_probability": "double", "roc_auc": "double",
    "roc_auc_ci_low": "double", "roc_auc_ci_high": "double",
    "top_decile_lift": "double", "evaluation_snapshots": "bigint",
    "first_evaluation_date": "date", "last_evaluation_date": "date",
    "status_reason": "varchar", "as_of_date": "date"}


def describe(column: str) -> str:
    """An input in words: 'active users (30 days)', 'no NPS answer'."""
    if column.startswith("missing_"):
        return OPTIONAL[column.removeprefix("missing_")]
    return FEATURES[column]


def _scorer_rows(scorer: str, risk: np.ndarray, churned: np.ndarray,
                 customers: np.ndarray, frame: pd.DataFrame, resamples: int,
                 probability: np.ndarray | None) -> list[dict]:
    """The overall row, the ten risk deciles and (health score) the bands."""
    auc, low, high = bootstrap_auc(risk, churned, customers, resamples)
    rows = [{"scorer": scorer, "section": "overall", "label": None,
             "observations": int(risk.size),
             "churned_observations": int(churned.sum()),
             "churn_rate": float(churned.mean()),
             "mean_predicted_probability": (None if probability is None
                                            else float(probability.mean())),
             "roc_auc": auc, "roc_auc_ci_low": low, "roc_auc_ci_high": high,
             "top_decile_lift": top_decile_lift(risk, churned)}]
    decile = risk_deciles(risk)
    for label in np.unique(decile):
        inside = decile == label
        rows.append({
            "scorer": scorer, "section": "decile", "label": str(label),
            "observations": int(inside.sum()),
            "churned_observations": int(churned[inside].sum()),
            "churn_rate": float(churned[inside].mean()),
            "mean_predicted_probability": (
                None if probability is None
                else float(probability[inside].mean())),
            "min_predicted_probability": (
                None if probability is None
                else float(probability[inside].min()))})
    if scorer == "health_score":
        for band in ("green", "yellow", "red"):
            inside = (frame["health_band"] == band).to_numpy()
            rows.append({
                "scorer": scorer, "section": "band", "label": band,
                "observations": int(inside.sum()),
                "churned_observations": int(churned[inside].sum()),
                "churn_rate": (float(churned[inside].mean()) if inside.any()
                               else None)})
    return rows


@dataclass
class _Split:
    """The sampled snapshots split in time, and the model if it could be
    fitted (else the reason)."""

    train: pd.DataFrame
    test: pd.DataFrame
    split: pd.Timestamp | None
    window: dict
    model: ChurnModel | None
    reason: str | None


def _split_and_fit(sampled: pd.DataFrame, as_of_date, l2: float,
                   evaluations: int, horizon_days: int) -> _Split:
    """Evaluation: the latest `evaluations` sampled snapshots whose outcome
    is observed (one row per customer each, windows apart); training: the
    sampled snapshots whose window ends on or before the first of them.
    The model is fitted on the training rows only."""
    as_of = pd.Timestamp(as_of_date).date()
    data = sampled[sampled["is_outcome_observed"].fillna(False).astype(bool)]
    data = data.sort_values(["snapshot_date", "customer_id"], kind="stable",
                            ignore_index=True)
    data["snapshot_date"] = pd.to_datetime(data["snapshot_date"])
    data["churned"] = data["churned"].astype(bool)
    dates = sorted(data["snapshot_date"].unique())
    evaluation_dates = [pd.Timestamp(d) for d in dates[-evaluations:]] \
        if evaluations > 0 else []
    split = min(evaluation_dates) if evaluation_dates else None
    training_dates = (training_snapshots(dates, split, horizon_days)
                      if split is not None else [])
    train = data[data["snapshot_date"].isin(training_dates)]
    test = data[data["snapshot_date"].isin(evaluation_dates)]
    window = {"evaluation_snapshots": len(evaluation_dates),
              "first_evaluation_date": (min(evaluation_dates).date()
                                        if evaluation_dates else None),
              "last_evaluation_date": (max(evaluation_dates).date()
                                       if evaluation_dates else None),
              "as_of_date": as_of}
    reason = None
    if test.empty:
        reason = "no sampled snapshot with an observed outcome to evaluate"
    elif train.empty or train["churned"].nunique() < 2:
        reason = ("the training snapshots (before "
                  f"{split.date()}) need churners and stayers")
    model = fit(train, train["churned"], l2=l2) if reason is None else None
    return _Split(train, test, split, window, model, reason)


def parameters_from_inputs(sampled: pd.DataFrame, as_of_date, *, l2: float,
                           evaluations: int, horizon_days: int,
                           **_) -> pd.DataFrame:
    """fct_churn_risk_model_parameters from the rows of
    int_health_snapshots_sampled_to_quarter (any engine's frame): the
    fitted model only, without the back-test's scoring and bootstrap (so
    the settings' resamples goes unused); empty when the model could not
    be fitted."""
    split = _split_and_fit(sampled, as_of_date, l2, evaluations, horizon_days)
    return _parameters(split, l2)


def _parameters(split: _Split, l2: float) -> pd.DataFrame:
    model = split.model
    if model is None:
        return pd.DataFrame(columns=PARAMETER_COLUMNS)
    common = {"l2": float(l2), "training_observations": len(split.train),
              "training_churned": int(split.train["churned"].sum()),
              "split_date": split.split.date(),
              "as_of_date": split.window["as_of_date"]}
    return pd.DataFrame(
        [{"input_name": "intercept", "description": "intercept",
          "coefficient": model.intercept, **common}]
        + [{"input_name": column, "description": describe(column),
            "training_median": model.medians.get(column),
            "training_mean": float(model.means[j]),
            "training_scale": float(model.scales[j]),
            "coefficient": float(model.coefficients[j]), **common}
           for j, column in enumerate(model.columns)],
        columns=PARAMETER_COLUMNS)


def fit_from_inputs(sampled: pd.DataFrame, as_of_date, *, l2: float,
                    evaluations: int, resamples: int,
                    horizon_days: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(fct_churn_risk_model_parameters, fct_churn_risk_backtest) from the
    rows of int_health_snapshots_sampled_to_quarter (any engine's frame):
    the model fitted on the training rows (_split_and_fit), the model and
    the health score (risk 100 - health_score) scored on the evaluation
    rows."""
    split = _split_and_fit(sampled, as_of_date, l2, evaluations, horizon_days)
    test = split.test
    rows: list[dict] = []
    if not test.empty:
        churned = test["churned"].to_numpy()
        customers = test["customer_id"].to_numpy()
        rows += _scorer_rows(
            "health_score", 100 - test["health_score"].to_numpy(dtype=float),
            churned, customers, test, resamples, None)
    if split.model is not None:
        probability = split.model.probability(test)
        rows += _scorer_rows("churn_model", probability, churned, customers,
                             test, resamples, probability)
    else:
        rows.append({"scorer": "churn_model", "section": "overall",
                     "observations": len(test),
                     "churned_observations": int(test["churned"].sum()),
                     "churn_rate": (float(test["churned"].mean())
                                    if len(test) else None),
                     "status_reason": f"not fitted: {split.reason}"})
    backtest = pd.DataFrame([{**split.window, **row} for row in rows],
                            columns=BACKTEST_COLUMNS)
    return _parameters(split, l2), backtest


# the vars of the model (dbt_project.yml), by fit_from_inputs argument
SETTINGS = {"l2": "churn_risk_l2", "evaluations": "churn_risk_evaluations",
            "resamples": "churn_risk_bootstrap_resamples",
            "horizon_days": "churn_horizon_days"}


def settings(get) -> dict:
    """fit_from_inputs' keyword arguments from the vars, read with `get`
    (a dict's get: a dbt Python model passes the config values it read)."""
    values = {argument: get(var) for argument, var in SETTINGS.items()}
    return {"l2": float(values["l2"]),
            "evaluations": int(values["evaluations"]),
            "resamples": int(values["resamples"]),
            "horizon_days": int(values["horizon_days"])}


def model_from_parameters(parameters: pd.DataFrame) -> ChurnModel:
    """The ChurnModel a fct_churn_risk_model_parameters table describes (for
    scoring in Python what the SQL mart scores)."""
    rows = parameters.set_index("input_name")
    columns = design_columns()
    return ChurnModel(
        columns=columns,
        medians={name: float(rows.loc[name, "training_median"])
                 for name in OPTIONAL},
        means=rows.loc[columns, "training_mean"].to_numpy(dtype=float),
        scales=rows.loc[columns, "training_scale"].to_numpy(dtype=float),
        coefficients=rows.loc[columns, "coefficient"].to_numpy(dtype=float),
        intercept=float(rows.loc["intercept", "coefficient"]),
        l2=float(rows["l2"].iloc[0]))
