"""retention_lib.churn_risk on simulated snapshots whose churn process is
known: the logistic fit recovers its coefficients, the bootstrap interval
of the AUC covers the true AUC, the time split leaks no outcome into
training, and the reasons name the inputs that raise the risk."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from retention_lib import churn_risk, health


def test_logistic_fit_recovers_known_coefficients():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40_000, 3))
    truth, intercept = np.array([1.0, -0.5, 0.0]), -2.0
    y = rng.random(40_000) < 1 / (1 + np.exp(-(x @ truth + intercept)))
    coefficients, fitted_intercept = churn_risk.fit_logistic(x, y, l2=1e-6)
    assert np.allclose(coefficients, truth, atol=0.05), coefficients
    assert fitted_intercept == pytest.approx(intercept, abs=0.05)
    # the penalty shrinks the coefficients, never the intercept's role
    shrunk, _ = churn_risk.fit_logistic(x, y, l2=1e5)
    assert np.all(np.abs(shrunk) < np.abs(coefficients) + 1e-12)


def test_bootstrap_interval_covers_the_true_auc():
    """Binormal scores: churners N(d, 1), stayers N(0, 1), true AUC
    Phi(d / sqrt(2)). The estimate is the Mann-Whitney AUC; the 95%
    interval covers the truth in most of 40 samples."""
    d = 1.0
    truth = stats.norm.cdf(d / np.sqrt(2))
    covered = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        churned = rng.random(1500) < 0.1
        risk = rng.normal(size=1500) + d * churned
        customers = np.arange(1500)
        estimate, low, high = churn_risk.bootstrap_auc(
            risk, churned, customers, resamples=300, seed=seed)
        assert estimate == pytest.approx(health.roc_auc(risk, churned), abs=1e-12)
        assert low < estimate < high
        covered += low <= truth <= high
    assert covered >= 34, covered


def test_time_split_leaks_no_outcome_into_training():
    """The training snapshots' windows all end by the split; the latest
    weekly snapshot left out would reach past it. (The evaluation
    snapshots are sampled in SQL: test_health checks their spacing.)"""
    sundays = pd.date_range("2024-01-07", "2025-12-28", freq="W-SUN")
    split = pd.Timestamp("2025-06-29")
    training = churn_risk.training_snapshots(sundays, split, 90)
    assert training and all(d + pd.Timedelta(days=90) <= split for d in training)
    assert max(training) + pd.Timedelta(days=97) > split


def simulated_snapshots(n_customers: int, dates, seed: int) -> pd.DataFrame:
    """Snapshots whose churn depends on usage and failed payments only:
    logit = -3 - 1.2 z(usage_score) + 0.8 failed_payments_90d."""
    rng = np.random.default_rng(seed)
    rows = []
    base = rng.normal(60, 15, n_customers)
    for date in dates:
        usage = np.clip(base + rng.normal(0, 8, n_customers), 0, 100)
        failed = rng.poisson(0.3, n_customers)
        logit = -3 - 1.2 * (usage - 60) / 15 + 0.8 * failed
        churned = rng.random(n_customers) < 1 / (1 + np.exp(-logit))
        frame = pd.DataFrame({name: rng.normal(50, 10, n_customers)
                              for name in churn_risk.FEATURES})
        frame["usage_score"] = usage
        frame["failed_payments_90d"] = failed
        frame["latest_nps_score"] = np.where(rng.random(n_customers) < 0.3,
                                             np.nan, frame["latest_nps_score"])
        frame["customer_id"] = [f"c{i}" for i in range(n_customers)]
        frame["snapshot_date"] = date
        frame["churned"] = churned
        # a rule-based score that sees usage through noise only
        frame["health_score"] = np.clip(usage + rng.normal(0, 25, n_customers),
                                        0, 100)
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)


def test_model_beats_a_noisier_score_out_of_time_and_names_the_reasons():
    dates = pd.date_range("2024-01-07", periods=30, freq="4W-SUN")
    frame = simulated_snapshots(3000, dates, seed=3)
    split = dates[20]
    train = frame[frame["snapshot_date"] + pd.Timedelta(days=90) <= split]
    test = frame[frame["snapshot_date"] >= split]
    model = churn_risk.fit(train, train["churned"], l2=1.0)
    coefficient = dict(zip(model.columns, model.coefficients, strict=True))
    assert coefficient["usage_score"] < -0.5
    assert coefficient["failed_payments_90d"] > 0.3
    assert abs(coefficient["events_30d"]) < 0.1  # pure noise
    probability = model.probability(test)
    model_auc, low, high = churn_risk.bootstrap_auc(
        probability, test["churned"], test["customer_id"], resamples=200)
    score_auc, _, score_high = churn_risk.bootstrap_auc(
        100 - test["health_score"], test["churned"], test["customer_id"],
        resamples=200)
    assert model_auc >= 0.75 and low > score_high, (model_auc, low, score_auc)
    # calibrated: each decile's churn rate near its mean prediction
    deciles = churn_risk.calibration_by_decile(probability, test["churned"])
    assert len(deciles) == 10 and deciles["rows"].min() >= len(test) // 10
    assert (deciles["churn_rate"] - deciles["mean_predicted"]).abs().max() < 0.05
    # the riskiest customer's reasons: low usage first, in words
    riskiest = test.iloc[[int(np.argmax(probability))]]
    reasons = model.top_reasons(riskiest)[0]
    assert reasons[0] in ("low usage score", "high failed payments (90 days)")
    assert 1 <= len(reasons) <= 3


def test_fit_from_inputs_splits_in_time_and_reports_both_scorers():
    """The sampled snapshots of int_health_snapshots_sampled_to_quarter:
    every 13 weeks, the latest two with an outcome evaluate, the earlier
    ones train; an outcome the evaluation scores never reaches training
    (a label changed after the split leaves the model as it was)."""
    dates = pd.date_range("2023-01-01", periods=9, freq="13W-SUN")
    frame = simulated_snapshots(2000, dates, seed=5)
    frame["is_outcome_observed"] = frame["snapshot_date"] < dates[-1]
    frame["is_latest"] = frame["snapshot_date"] == dates[-1]
    frame["health_band"] = np.where(frame["health_score"] >= 70, "green",
                                    np.where(frame["health_score"] >= 40,
                                             "yellow", "red"))
    frame["churned"] = frame["churned"].astype(object)
    frame.loc[frame["is_latest"], "churned"] = None
    as_of = dates[-1] + pd.Timedelta(days=3)
    settings = {"l2": 1.0, "evaluations": 2, "resamples": 200,
                "horizon_days": 90}
    parameters, backtest = churn_risk.fit_from_inputs(frame, as_of, **settings)
    overall = backtest[backtest["section"] == "overall"].set_index("scorer")
    assert list(overall["first_evaluation_date"].unique()) == [dates[-3].date()]
    assert list(overall["last_evaluation_date"].unique()) == [dates[-2].date()]
    assert (overall["observations"] == 2 * 2000).all()
    assert parameters["training_observations"].iloc[0] == 6 * 2000
    assert parameters["split_date"].iloc[0] == dates[-3].date()
    for scorer, rows in backtest[backtest["section"] == "decile"].groupby(
            "scorer"):
        assert rows["observations"].sum() == overall.loc[scorer, "observations"]
        assert rows["churned_observations"].sum() == \
            overall.loc[scorer, "churned_observations"]
    bands = backtest[backtest["section"] == "band"]
    assert bands["observations"].sum() == overall.loc["health_score",
                                                      "observations"]
    assert overall.loc["churn_model", "roc_auc"] > overall.loc["health_score",
                                                               "roc_auc"]
    # relabelling the evaluation snapshots changes the back-test, never
    # the model
    flipped = frame.copy()
    evaluated = flipped["snapshot_date"].isin(dates[-3:-1])
    flipped.loc[evaluated, "churned"] = ~flipped.loc[evaluated, "churned"].astype(bool)
    again, _ = churn_risk.fit_from_inputs(flipped, as_of, **settings)
    pd.testing.assert_frame_equal(again, parameters)
    # no churner in training: no model, and the reason
    calm = frame.copy()
    calm.loc[calm["snapshot_date"] < dates[-3], "churned"] = False
    none, rows = churn_risk.fit_from_inputs(calm, as_of, **settings)
    assert none.empty
    model_row = rows[rows["scorer"] == "churn_model"].iloc[0]
    assert model_row["status_reason"].startswith("not fitted")
    assert (rows["scorer"] == "health_score").any()
