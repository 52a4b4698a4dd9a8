"""retention_lib.health by hand, and the dbt health snapshots: a snapshot
never changes when data dated after it arrives."""

from __future__ import annotations

import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest

from conftest import build_selected, health_reference_differences
from retention_lib import health, runner

WEIGHTS = {"usage": 0.35, "breadth": 0.15, "support": 0.15, "billing": 0.15,
           "sentiment": 0.20}


def inputs(**overrides) -> pd.DataFrame:
    row = {"snapshot_date": "2025-01-05", "customer_id": "c1", "user_count": 4,
           "active_users_30d": 2, "events_30d": 30, "events_previous_30d": 20,
           "key_features_used": 3, "open_tickets": 1, "open_urgent_tickets": 1,
           "slow_resolutions_90d": 1, "failed_payments_90d": 1,
           "overdue_invoices": 0, "latest_nps_score": 8.0,
           "latest_csat_score": np.nan}
    row.update(overrides)
    return pd.DataFrame([row])


def test_components_and_score_by_hand():
    out = health.score_snapshots(inputs(), weights=WEIGHTS, n_key_features=6,
                                 green_min=70, yellow_min=40).iloc[0]
    # usage: 100 x (0.6 x 2/4 + 0.4 x min(30/20, 2)/2) = 100 x (0.3 + 0.3)
    assert out["usage_score"] == pytest.approx(60.0)
    assert out["breadth_score"] == pytest.approx(50.0)  # 3 of 6
    assert out["support_score"] == pytest.approx(50.0)  # 100 - 10 - 25 - 15
    assert out["billing_score"] == pytest.approx(65.0)  # 100 - 35
    assert out["sentiment_score"] == pytest.approx(80.0)  # NPS 8 x 10
    # 0.35 x 60 + 0.15 x 50 + 0.15 x 50 + 0.15 x 65 + 0.2 x 80 = 61.75 -> 62
    assert out["usage_contribution"] == pytest.approx(21.0)
    assert out["health_score"] == 62
    assert out["health_band"] == "yellow"


def test_missing_inputs_are_neutral_never_null():
    out = health.score_snapshots(
        inputs(user_count=0, active_users_30d=0, events_30d=0,
               events_previous_30d=0, latest_nps_score=np.nan,
               latest_csat_score=np.nan),
        weights=WEIGHTS, n_key_features=6, green_min=70, yellow_min=40).iloc[0]
    assert out["usage_score"] == pytest.approx(50.0)
    assert out["sentiment_score"] == pytest.approx(50.0)
    csat = health.components(inputs(latest_nps_score=np.nan,
                                    latest_csat_score=5.0), 6).iloc[0]
    assert csat["sentiment"] == pytest.approx(100.0)
    started = health.components(inputs(events_previous_30d=0), 6).iloc[0]
    assert started["usage"] == pytest.approx(100 * (0.6 * 0.5 + 0.4 * 1.0))


def test_a_missing_system_is_neutral_not_inactivity():
    """No product events at all (an empty export): zero events and zero
    key features are no behaviour, so usage and breadth are neutral, not
    the 20 and 0 that turned almost every customer red; no tickets export:
    support is neutral, not a clean 100. The flags say so per row."""
    idle = dict(active_users_30d=0, events_30d=0, events_previous_30d=0,
                key_features_used=0, open_tickets=0, open_urgent_tickets=0,
                slow_resolutions_90d=0)
    with_systems = health.score_snapshots(
        inputs(**idle), weights=WEIGHTS, n_key_features=6, green_min=70,
        yellow_min=40).iloc[0]
    assert with_systems["usage_score"] == pytest.approx(20.0)
    assert with_systems["breadth_score"] == pytest.approx(0.0)
    assert with_systems["support_score"] == pytest.approx(100.0)
    assert with_systems["has_product_data"] and with_systems["has_support_data"]
    missing = health.score_snapshots(
        inputs(**idle, has_product_data=False, has_support_data=False),
        weights=WEIGHTS, n_key_features=6, green_min=70, yellow_min=40).iloc[0]
    assert missing["usage_score"] == pytest.approx(50.0)
    assert missing["breadth_score"] == pytest.approx(50.0)
    assert missing["support_score"] == pytest.approx(50.0)
    assert missing["billing_score"] == with_systems["billing_score"]
    assert not missing["has_product_data"] and not missing["has_support_data"]


def test_weights_must_cover_the_components_and_sum_to_one():
    with pytest.raises(ValueError, match="sum to 1"):
        health.check_weights({**WEIGHTS, "usage": 0.5})
    with pytest.raises(ValueError, match="missing"):
        health.check_weights({"usage": 1.0})


def test_bands_at_their_edges():
    assert list(health.band([70, 69, 40, 39], 70, 40)) == [
        "green", "yellow", "yellow", "red"]


def test_roc_auc_and_lift_by_hand():
    # churners at risks 4 and 2, stayers at 3 and 1: pairs (4>3, 4>1, 2<3,
    # 2>1) -> 3 of 4 = 0.75; a tie counts half
    assert health.roc_auc([4, 3, 2, 1], [1, 0, 1, 0]) == pytest.approx(0.75)
    assert health.roc_auc([1, 1], [1, 0]) == pytest.approx(0.5)
    assert np.isnan(health.roc_auc([1, 2], [0, 0]))
    risk = np.arange(20, dtype=float)  # the top tenth: risks 19 and 18
    churned = np.zeros(20, bool)
    churned[[19, 3]] = True
    # top decile churn 1/2 over overall 2/20 -> lift 5
    assert health.top_decile_lift(risk, churned) == pytest.approx(5.0)


def test_churn_labels_window_edges():
    snapshots = pd.DataFrame({"snapshot_date": ["2024-01-07"] * 4,
                              "customer_id": ["a", "b", "c", "d"]})
    churn = pd.DataFrame({
        "customer_id": ["a", "b", "c"],
        # a: January's end is after the snapshot -> churn; b: April's end
        # (30 April) is after 7 January + 90 days (6 April) -> no;
        # c: December 2023 ended before the snapshot -> no
        "date_month": ["2024-01-01", "2024-04-01", "2023-12-01"]})
    labels = health.churn_labels(snapshots, churn, 90)
    assert list(labels) == [True, False, False, False]
    # March ends 31 March, inside (7 January, 6 April]
    march = health.churn_labels(snapshots.iloc[:1], pd.DataFrame(
        {"customer_id": ["a"], "date_month": ["2024-03-01"]}), 90)
    assert bool(march.iloc[0])


def truncate(source, target, cutoff: str) -> None:
    """Copy a CSV export set as it would have looked at the end of cutoff:
    rows created later removed, later timestamps unknown (empty) with the
    status they imply."""
    end = pd.Timestamp(cutoff) + pd.Timedelta(days=1)
    target.mkdir()
    for path in source.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)

        def later(column, frame=frame):
            stamps = pd.to_datetime(frame[column], utc=True, errors="coerce")
            return (stamps >= end.tz_localize("UTC")).fillna(False)

        created = {"customers": "created_at", "users": "created_at",
                   "events": "occurred_at", "tickets": "opened_at",
                   "payments": "created_at", "survey_responses": "responded_at",
                   "invoices": "issued_at", "subscriptions": "started_at",
                   "orders": "ordered_at", "checkouts": "started_at",
                   "returns": "returned_at", "email_sends": "sent_at",
                   "marketing_spend": "spend_date", "fx_rates": "rate_date"}
        name = path.stem
        if name in created:
            frame = frame[~later(created[name])]
        if name == "tickets":
            unresolved = later("resolved_at")
            frame.loc[unresolved, ["resolved_at"]] = ""
            frame.loc[unresolved, "status"] = "open"
            frame.loc[later("first_response_at"), "first_response_at"] = ""
        if name == "invoices":
            unpaid = later("paid_at")
            frame.loc[unpaid, "paid_at"] = ""
            frame.loc[unpaid, "status"] = "open"
        if name == "subscriptions":
            for column in ("canceled_at", "ended_at"):
                frame.loc[later(column), column] = ""
        if name == "email_sends":
            for column in ("opened_at", "clicked_at"):
                frame.loc[later(column), column] = ""
        frame.to_csv(target / path.name, index=False)
    kept = {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False)
            for p in target.glob("*.csv")}
    invoices = set(kept["invoices"]["invoice_id"])
    lines = kept["invoice_line_items"]
    lines[lines["invoice_id"].isin(invoices)].to_csv(
        target / "invoice_line_items.csv", index=False)
    payments = kept["payments"]
    payments[payments["invoice_id"].isin(invoices)
             | (payments["invoice_id"] == "")].to_csv(
        target / "payments.csv", index=False)
    shutil.copy(source / "_truth.json", target / "_truth.json")


def build_snapshots(raw, warehouse, target, as_of) -> pd.DataFrame:
    warehouse.mkdir()
    result = build_selected(warehouse, target, ["fct_customer_health_snapshots"],
                            raw_dir=raw, as_of=as_of,
                            dbt_vars='{"quarantine_max_share": 0.5}')
    assert result.returncode == 0, result.stdout[-4000:]
    return read_snapshots(warehouse)


def read_snapshots(warehouse) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)
    try:
        return con.execute("""select * from fct_customer_health_snapshots
                              order by snapshot_date, customer_id""").df()
    finally:
        con.close()


@pytest.mark.dbt
def test_later_data_does_not_change_a_snapshot(small_csv_set, clean_build,
                                              tmp_path):
    """The snapshots of the whole set (clean_build: as_of 2025-12-31)
    up to a cutoff equal those of a build of the set as it was then."""
    cutoff = "2025-06-29"  # a Sunday: its snapshot is the last one compared
    truncate(small_csv_set, tmp_path / "truncated", cutoff)
    full = read_snapshots(clean_build[0])
    early = build_snapshots(tmp_path / "truncated", tmp_path / "w2",
                            tmp_path / "t2", cutoff)
    full = full[pd.to_datetime(full["snapshot_date"]) <= pd.Timestamp(cutoff)]
    assert len(early) > 1000 and full["snapshot_date"].nunique() > 20
    pd.testing.assert_frame_equal(full.reset_index(drop=True),
                                  early.reset_index(drop=True))


@pytest.mark.dbt
def test_sql_health_marts_equal_the_python_reference_exactly(clean_build):
    """The marts are SQL (every engine); retention_lib.health is the
    reference: on the same inputs both agree to the last bit."""
    warehouse, _ = clean_build
    differences = health_reference_differences(warehouse / "work.duckdb")
    assert differences == {"fct_customer_health_snapshots": 0,
                           "fct_health_score_backtest": 0}


@pytest.mark.dbt
def test_churn_risk_marts_equal_the_python_reference_and_leak_nothing(
        clean_build):
    """fct_churn_risk_scores (SQL, every engine) scores the latest
    snapshot as retention_lib.churn_risk does with the published
    parameters: the same probabilities and reasons. The model was trained
    only on sampled snapshots whose outcome window ended by the split, and
    the published back-test is what the library computes from the same
    sampled snapshots."""
    from retention_lib import churn_risk

    warehouse, _ = clean_build
    con = duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)
    try:
        sampled = con.execute(
            "select * from int_health_snapshots_sampled_to_quarter").df()
        parameters = con.execute(
            "select * from fct_churn_risk_model_parameters").df()
        backtest = con.execute("select * from fct_churn_risk_backtest").df()
        scores = con.execute("select * from fct_churn_risk_scores "
                             "order by customer_id").df()
        as_of = con.execute("select as_of_date from util_as_of_date").fetchone()[0]
    finally:
        con.close()
    settings = churn_risk.settings(runner.project_vars({}).get)
    expected_parameters, expected_backtest = churn_risk.fit_from_inputs(
        sampled, as_of, **settings)
    assert len(parameters) == len(churn_risk.design_columns()) + 1
    pd.testing.assert_frame_equal(
        parameters.sort_values("input_name", ignore_index=True)[
            ["input_name", "coefficient", "training_mean", "training_scale"]],
        expected_parameters.sort_values("input_name", ignore_index=True)[
            ["input_name", "coefficient", "training_mean", "training_scale"]],
        check_dtype=False)
    overall = backtest.set_index(["scorer", "section"]).sort_index()
    expected = expected_backtest.set_index(["scorer", "section"]).sort_index()
    for scorer in ("churn_model", "health_score"):
        assert overall.loc[(scorer, "overall"), "roc_auc"] == pytest.approx(
            expected.loc[(scorer, "overall"), "roc_auc"], abs=1e-12)
    # out of time: the split is the first evaluation snapshot, every
    # training window ends by it
    split = pd.Timestamp(parameters["split_date"].iloc[0])
    first = pd.Timestamp(overall.loc[("churn_model", "overall"),
                                     "first_evaluation_date"])
    assert split == first
    # sampled in SQL: observed snapshots a horizon or more apart (no two
    # outcome windows overlap), the latest observed one the last whose
    # horizon has passed (a week later it would not have)
    observed = sampled[sampled["is_outcome_observed"]]
    horizon = pd.Timedelta(days=settings["horizon_days"])
    dates = sorted(pd.to_datetime(observed["snapshot_date"].unique()))
    assert len(dates) >= 3
    assert all(later - earlier >= horizon
               for earlier, later in zip(dates, dates[1:], strict=False))
    as_of = pd.Timestamp(as_of)
    assert dates[-1] + horizon <= as_of < dates[-1] + horizon + pd.Timedelta(days=7)
    training = observed[pd.to_datetime(observed["snapshot_date"])
                        + pd.Timedelta(days=settings["horizon_days"]) <= split]
    assert parameters["training_observations"].iloc[0] == len(training)
    # the latest snapshot scored in SQL as in Python
    model = churn_risk.model_from_parameters(parameters)
    latest = sampled[sampled["is_latest"]].sort_values(
        "customer_id", ignore_index=True)
    assert list(latest["customer_id"]) == list(scores["customer_id"])
    np.testing.assert_allclose(scores["churn_probability"],
                               model.probability(latest), rtol=1e-9, atol=1e-12)
    reasons = model.top_reasons(latest)
    sql_reasons = [[r for r in row if r is not None] for row in scores[
        ["top_reason_1", "top_reason_2", "top_reason_3"]].itertuples(
            index=False)]
    assert sql_reasons == reasons
    assert scores["unscored_reason"].isna().all()
