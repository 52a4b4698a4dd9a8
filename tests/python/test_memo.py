"""Results kept between runs (retention_lib.memo, DECISIONS 133): a kept
result is returned only for the same computation (kind, input arrays,
settings, code), it equals computing again bit for bit, and the memo
table holds exactly what the last successful run used."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from conftest import read_cdnow
from retention_lib import churn_risk, clv, lifetime_value, memo

TABLE = '"memory"."main"."model__memo"'
# Fader and Hardie (2007), table 1, regular customers, years 0-7
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]


class Counter:
    def __init__(self, value):
        self.calls = 0
        self.value = value

    def __call__(self):
        self.calls += 1
        return self.value


def kept(con) -> dict[str, str]:
    return dict(con.execute(f"select key, value from {TABLE}").fetchall())


def test_outside_a_store_every_call_computes():
    compute = Counter(1.5)
    for _ in range(2):
        assert memo.remembered("k", (np.arange(3),), (), compute, float,
                               float) == 1.5
    assert compute.calls == 2


def test_the_same_computation_is_kept_and_any_change_computes_again():
    con = duckdb.connect()
    data = np.array([1.0, 2.0, 3.0])
    with memo.kept_in(con, TABLE):
        first = Counter([0.1, 2.0 / 3.0])
        memo.remembered("k", (data,), (1,), first, list, list)
    assert first.calls == 1 and len(kept(con)) == 1
    with memo.kept_in(con, TABLE) as store:
        again = Counter([9.0])
        # the kept value, exactly (floats round-trip through the table)
        assert memo.remembered("k", (data.copy(),), (1,), again, list,
                               list) == [0.1, 2.0 / 3.0]
        assert again.calls == 0 and store.hits == 1
        changes = [("k", (data + [0, 0, 1e-12],), (1,)),   # one input value
                   ("k", (data.astype(np.float32),), (1,)),  # its type
                   ("k", (data[:2],), (1,)),                 # its rows
                   ("k", (data,), (2,)),                     # a setting
                   ("other", (data,), (1,))]                 # the kind
        for kind, arrays, settings in changes:
            fresh = Counter([1.0])
            assert memo.remembered(kind, arrays, settings, fresh, list,
                                   list) == [1.0]
            assert fresh.calls == 1, (kind, arrays, settings)
    # the table now holds what the second run used: six entries
    assert len(kept(con)) == 6


def test_a_code_change_computes_again(monkeypatch):
    con = duckdb.connect()
    with memo.kept_in(con, TABLE):
        memo.remembered("k", (np.ones(2),), (), Counter(1.0), float, float)
    monkeypatch.setattr(memo, "code_version", lambda: "another version")
    with memo.kept_in(con, TABLE):
        fresh = Counter(2.0)
        assert memo.remembered("k", (np.ones(2),), (), fresh, float,
                               float) == 2.0
    assert fresh.calls == 1


def test_entries_not_used_are_dropped_and_a_failed_run_keeps_the_table():
    con = duckdb.connect()
    with memo.kept_in(con, TABLE):
        for i in range(3):
            memo.remembered("k", (np.array([i]),), (), Counter(i), int, int)
    with memo.kept_in(con, TABLE):
        memo.remembered("k", (np.array([1]),), (), Counter(-1), int, int)
    assert len(kept(con)) == 1
    before = kept(con)
    with pytest.raises(RuntimeError, match="the model failed"), \
            memo.kept_in(con, TABLE):
        memo.remembered("k", (np.array([7]),), (), Counter(7), int, int)
        raise RuntimeError("the model failed")
    assert kept(con) == before


def test_a_fit_failure_is_kept_and_raised_again_with_its_message():
    con = duckdb.connect()
    messages = []
    for _ in range(2):
        with memo.kept_in(con, TABLE), \
                pytest.raises(clv.FitError) as error:
            clv.fit_sbg([3, 3, 3], [False, False, False])
        messages.append(str(error.value))
    assert messages[0] == messages[1]
    assert "no customer has churned" in messages[0]


def test_a_kept_fit_equals_the_fit_bit_for_bit(monkeypatch):
    periods, churned, weights = clv.survivors_to_observations(REGULAR)
    plain = clv.fit_sbg(periods, churned, weights)
    con = duckdb.connect()
    with memo.kept_in(con, TABLE):
        computed = clv.fit_sbg(periods, churned, weights)
    # the second run does not maximise at all
    monkeypatch.setattr(clv, "_maximise", None)
    with memo.kept_in(con, TABLE) as store:
        kept_fit = clv.fit_sbg(periods, churned, weights)
    assert store.hits == 1
    for fit in (computed, kept_fit):
        assert fit.params == plain.params
        assert fit.standard_errors == plain.standard_errors
        assert fit.log_likelihood == plain.log_likelihood
        assert fit.iterations == plain.iterations
        np.testing.assert_array_equal(fit.extra["covariance"],
                                      plain.extra["covariance"])
    with memo.kept_in(con, TABLE), pytest.raises(TypeError):
        # one more churned customer is another fit: computed, not kept
        clv.fit_sbg(np.append(periods, 1), np.append(churned, True),
                    np.append(weights, 1))


def test_every_fit_kind_is_kept_and_equal(monkeypatch):
    summary = read_cdnow("cdnow_customers_summary.csv")
    spend = read_cdnow("cdnow_customers_summary_with_transactions.csv")
    x = summary["frequency"]
    risk = np.linspace(0, 1, x.size) + (x > 2) * 0.3
    fits = {"bgnbd": lambda: clv.fit_bgnbd(x, summary["recency"], summary["T"]),
            "gamma_gamma": lambda: clv.fit_gamma_gamma(spend["x"], spend["zbar"]),
            "auc": lambda: churn_risk.bootstrap_auc(
                risk, x > 2, np.arange(x.size) % 700, resamples=50)}
    plain = {name: fit() for name, fit in fits.items()}
    con = duckdb.connect()
    with memo.kept_in(con, TABLE):
        for fit in fits.values():
            fit()
    monkeypatch.setattr(clv, "_maximise", None)
    monkeypatch.setattr(churn_risk, "_bootstrap_auc", None)
    with memo.kept_in(con, TABLE) as store:
        again = {name: fit() for name, fit in fits.items()}
    assert store.hits == 3
    assert again["auc"] == plain["auc"]
    for name in ("bgnbd", "gamma_gamma"):
        assert again[name].params == plain[name].params
        assert again[name].standard_errors == plain[name].standard_errors


def test_fit_groups_with_unchanged_data_are_kept_and_changed_ones_refitted(
        monkeypatch):
    # two cohorts; a new day changes one: only that one is fitted again
    def cohort(month: str, survivors: list[int]) -> list[dict]:
        periods, churned, weights = clv.survivors_to_observations(survivors)
        return [{"customer_id": f"{month}-{i}-{j}", "cohort_month": month,
                 "contract_months": 1, "contract_periods": int(p),
                 "periods": int(p), "churned": bool(c)}
                for i, (p, c, w) in enumerate(zip(periods, churned, weights,
                                                  strict=True))
                for j in range(int(w))]

    def fit(lifetimes: pd.DataFrame) -> pd.DataFrame:
        no_orders = pd.DataFrame(columns=["x", "frequency", "recency_days",
                                          "age_days", "segment"])
        return lifetime_value.fit_parameters(
            no_orders, lifetime_value.typed_lifetimes(pd.DataFrame(lifetimes)),
            "week", pd.Timestamp("2024-06-01").date())

    january = cohort("2024-01-01", [200, 130, 96, 78, 66])
    first = january + cohort("2024-02-01", [200, 140, 100, 80])
    second = january + cohort("2024-02-01", [200, 140, 100, 79])
    con = duckdb.connect()
    with memo.kept_in(con, TABLE):
        fit(first)
    fitted = []
    real = clv._maximise

    def counting(*args, **kwargs):
        fitted.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(clv, "_maximise", counting)
    with memo.kept_in(con, TABLE):
        out = fit(second)
    # the contract fit and the February cohort changed, January did not
    assert fitted == ["sbg", "sbg"]
    monkeypatch.setattr(clv, "_maximise", real)
    pd.testing.assert_frame_equal(out, fit(second))
