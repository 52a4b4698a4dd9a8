"""The synthetic data generator: determinism, contract conformance, realism,
recovery of a generating parameter, and chunked scale-out."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import numpy as np
import pytest

from retention_lib.contract import EXPORTS
from retention_lib.generator import generate

ISO_TS = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"
MONEY = r"^-?\d+\.\d{2}$"


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir())}


def read(con: duckdb.DuckDBPyConnection, folder: Path, export: str) -> str:
    """Register export as a text-only view and return its name."""
    path = next(folder.glob(f"{export}.*"))
    if path.suffix == ".csv":
        reader = f"read_csv('{path}', all_varchar = true, header = true)"
    else:
        reader = f"read_parquet('{path}')"
    con.execute(f"create or replace view {export} as select * from {reader}")
    return export


@pytest.fixture(scope="module")
def con(small_csv_set):
    connection = duckdb.connect()
    for export in EXPORTS:
        read(connection, small_csv_set, export)
    return connection


def scalar(con, sql):
    return con.execute(sql).fetchone()[0]


def test_same_seed_same_bytes_other_seed_differs(tmp_path, small_csv_set):
    generate(tmp_path / "again", 300, seed=7, fmt="csv")
    generate(tmp_path / "other", 300, seed=8, fmt="csv")
    assert digest(tmp_path / "again") == digest(small_csv_set)
    assert digest(tmp_path / "other") != digest(small_csv_set)


def test_output_is_unchanged_for_a_seed(tmp_path, small_csv_set):
    """Seed 7, 300 customers, in one chunk and in chunks of 100: every file's
    bytes equal tests/fixtures/generator_digests.json, written by the
    generator before it was split by source system (one module per system).
    A deliberate change of the generator updates that file and says why."""
    expected = json.loads((Path(__file__).parents[1] / "fixtures"
                           / "generator_digests.json").read_text())
    generate(tmp_path / "chunked", 300, seed=7, fmt="csv", chunk_size=100)
    assert digest(small_csv_set) == expected["one_chunk"]
    assert digest(tmp_path / "chunked") == expected["chunks_of_100"]


def test_every_export_has_the_contract_columns_in_order(con):
    for export, spec in EXPORTS.items():
        columns = [row[0] for row in con.execute(f"describe {export}").fetchall()]
        assert columns == spec["columns"], export


def test_keys_are_unique_and_present(con):
    for export, spec in EXPORTS.items():
        key = ", ".join(spec["key"])
        dupes = scalar(con, f"select count(*) from (select {key} from {export} "
                            f"group by {key} having count(*) > 1)")
        missing = scalar(con, f"select count(*) from {export} where "
                              + " or ".join(f"{k} is null" for k in spec["key"]))
        assert (dupes, missing) == (0, 0), export


@pytest.mark.parametrize(("child", "column", "parent", "parent_key"), [
    ("subscriptions", "customer_id", "customers", "customer_id"),
    ("subscriptions", "plan_id", "plans", "plan_id"),
    ("invoices", "customer_id", "customers", "customer_id"),
    ("invoices", "subscription_id", "subscriptions", "subscription_id"),
    ("invoice_line_items", "invoice_id", "invoices", "invoice_id"),
    ("invoice_line_items", "plan_id", "plans", "plan_id"),
    ("payments", "invoice_id", "invoices", "invoice_id"),
    ("users", "customer_id", "customers", "customer_id"),
    ("events", "user_id", "users", "user_id"),
    ("tickets", "user_id", "users", "user_id"),
    ("survey_responses", "customer_id", "customers", "customer_id"),
    ("email_sends", "user_id", "users", "user_id"),
    ("orders", "customer_id", "customers", "customer_id"),
    ("order_items", "order_id", "orders", "order_id"),
    ("returns", "order_item_id", "order_items", "order_item_id"),
    ("checkouts", "order_id", "orders", "order_id"),
])
def test_references_resolve(con, child, column, parent, parent_key):
    orphans = scalar(con, f"""
        select count(*) from {child}
        where {column} is not null
          and {column} not in (select {parent_key} from {parent})""")
    assert orphans == 0


def test_values_follow_the_contract_formats(con):
    timestamps = {
        "customers": ["created_at"], "invoices": ["issued_at", "due_at", "paid_at"],
        "invoice_line_items": ["period_start", "period_end"],
        "payments": ["created_at"], "events": ["occurred_at"],
        "tickets": ["opened_at", "first_response_at", "resolved_at"],
    }
    for export, cols in timestamps.items():
        for col in cols:
            bad = scalar(con, f"select count(*) from {export} where {col} is not "
                              f"null and not regexp_matches({col}, '{ISO_TS}')")
            assert bad == 0, f"{export}.{col}"
    for export, col in [("invoices", "total"), ("invoice_line_items", "amount"),
                        ("payments", "amount"), ("orders", "amount"),
                        ("marketing_spend", "amount"), ("plans", "list_price")]:
        bad = scalar(con, f"select count(*) from {export} "
                          f"where not regexp_matches({col}, '{MONEY}')")
        assert bad == 0, f"{export}.{col}"
    fx = {r[0] for r in con.execute(
        "select distinct currency from fx_rates").fetchall()}
    for export in ("plans", "invoices", "invoice_line_items", "payments", "orders"):
        used = {r[0] for r in con.execute(
            f"select distinct currency from {export}").fetchall()}
        assert used <= fx, export
    assert scalar(con, """select count(*) from survey_responses where
        (survey_type = 'nps' and cast(score as int) not between 0 and 10)
        or (survey_type = 'csat' and cast(score as int) not between 1 and 5)
        or (survey_type = 'ces' and cast(score as int) not between 1 and 7)""") == 0
    assert scalar(con, """select count(*) from invoice_line_items
        where cast(period_end as timestamp) <= cast(period_start as timestamp)""") == 0
    # invoice totals add up: subtotal - discount + tax = total
    assert scalar(con, """select count(*) from invoices where
        cast(subtotal as decimal(18, 2)) - cast(discount as decimal(18, 2))
        + cast(tax as decimal(18, 2)) != cast(total as decimal(18, 2))""") == 0


def test_the_business_situations_we_need_are_present(con):
    """Every situation the issue lists occurs in a 300-customer set."""
    checks = {
        "monthly, quarterly and annual plans": """select count(distinct
            billing_period_months) = 3 from plans p join subscriptions s
            using (plan_id)""",
        "at least USD, EUR and GBP billed": """select count(distinct currency)
            >= 3 from invoices""",
        "trials that convert": """select count(*) > 0 from subscriptions
            where trial_start is not null and status != 'canceled'
            or (trial_start is not null and cancel_reason != 'trial_not_converted')""",
        "trials that do not convert": """select count(*) > 0 from subscriptions
            where cancel_reason = 'trial_not_converted'""",
        "proration lines": """select count(*) > 0 from invoice_line_items
            where line_type = 'proration'""",
        "negative prorations (downgrades)": """select count(*) > 0 from
            invoice_line_items where line_type = 'proration'
            and cast(amount as decimal) < 0""",
        "discounts": """select count(*) > 0 from invoice_line_items
            where cast(discount_amount as decimal) > 0""",
        "credits and one-time charges": """select count(distinct line_type) = 4
            from invoice_line_items""",
        "voluntary cancellations with reasons": """select count(distinct
            cancel_reason) >= 5 from subscriptions""",
        "involuntary churn": """select count(*) > 0 from subscriptions
            where cancel_reason = 'payment_failed'""",
        "failed payments": """select count(*) > 0 from payments
            where status = 'failed'""",
        "uncollectible invoices": """select count(*) > 0 from invoices
            where status = 'uncollectible'""",
        "void invoices": """select count(*) > 0 from invoices
            where status = 'void'""",
        "late payments (after due date)": """select count(*) > 0 from invoices
            where cast(paid_at as timestamp) > cast(due_at as timestamp)""",
        "refunds": """select count(*) > 0 from payments
            where payment_type = 'refund'""",
        "reactivations (a second subscription after a gap)": """select count(*)
            > 0 from (select customer_id from subscriptions group by 1
            having count(*) > 1)""",
        "NPS, CSAT and CES responses": """select count(distinct survey_type) = 3
            from survey_responses""",
        "returns with reasons": """select count(distinct reason) >= 3
            from returns""",
        "abandoned checkouts": """select count(*) > 0 from checkouts
            where order_id is null""",
        "email opens": """select count(*) > 0 from email_sends
            where opened_at is not null""",
        "spend for every channel": """select count(distinct channel) = 5
            from marketing_spend""",
    }
    missing = [name for name, sql in checks.items() if not scalar(con, sql)]
    assert missing == []


def test_usage_declines_before_churn(con):
    """Events per day in the last 60 days of churned customers (active for
    at least 240 days) are fewer than in the 120 days before that."""
    ratio = scalar(con, """
        with ended as (
            select customer_id, max(cast(ended_at as timestamp)) as ended_at,
                   min(cast(started_at as timestamp)) as started_at
            from subscriptions where status = 'canceled'
              and cancel_reason != 'trial_not_converted'
            group by 1
            having max(cast(ended_at as timestamp))
                - min(cast(started_at as timestamp)) >= interval 240 day
        ), counted as (
            select
                count(*) filter (where cast(e.occurred_at as timestamp)
                    >= ended.ended_at - interval 60 day) / 60.0 as late_rate,
                count(*) filter (where cast(e.occurred_at as timestamp)
                    between ended.ended_at - interval 180 day
                    and ended.ended_at - interval 60 day) / 120.0 as early_rate
            from events e join ended using (customer_id)
        )
        select late_rate / early_rate from counted""")
    assert ratio < 0.8


def test_truth_file_and_first_renewal_churn_recovers_it(tmp_path):
    """Churn at the first monthly renewal estimates 1 - E[(1-theta)(1-f)]
    with theta ~ Beta(a, b), f = failure rate x risk, risk ~ U(0.5, 1.5)."""
    out = tmp_path / "churn"
    truth = generate(out, 4000, seed=11, fmt="parquet", chunk_size=1500)
    saved = json.loads((out / "_truth.json").read_text())
    assert saved["sbg_alpha"] == truth.sbg_alpha and saved["n_customers"] == 4000
    con = duckdb.connect()
    for export in ("subscriptions", "invoice_line_items", "invoices", "plans"):
        read(con, out, export)
    end = np.datetime64("2024-01-01") + np.timedelta64(0, "D")
    horizon = f"date '{end}' + interval 24 month"
    churned, observed = con.execute(f"""
        with paid as (
            select l.subscription_id,
                   min(cast(l.period_start as timestamp)) as first_start,
                   count(*) as paid_periods
            from invoice_line_items l
            join invoices i using (invoice_id)
            join plans p on p.plan_id = l.plan_id
            where l.line_type = 'subscription' and cast(l.amount as decimal) > 0
              and i.status != 'void' and p.billing_period_months = '1'
            group by 1
        )
        select count(*) filter (where paid_periods = 1), count(*)
        from paid where first_start + interval 1 month < {horizon}
    """).fetchone()
    mean_theta = truth.sbg_alpha / (truth.sbg_alpha + truth.sbg_beta)
    f = truth.involuntary_failure_per_invoice
    expected = 1 - (1 - mean_theta) * (1 - f)
    rate = churned / observed
    se = (expected * (1 - expected) / observed) ** 0.5
    assert observed > 1000
    assert abs(rate - expected) < 4 * se, (rate, expected, se)


def test_chunks_give_unique_ids_and_linear_volume(tmp_path):
    """Chunked generation (what keeps 500k customers in memory) keeps keys
    unique across chunks; volumes grow about linearly with customers."""
    generate(tmp_path / "a", 600, seed=3, fmt="parquet", chunk_size=200)
    generate(tmp_path / "b", 1800, seed=3, fmt="parquet", chunk_size=200)
    con = duckdb.connect()
    for export, spec in EXPORTS.items():
        key = ", ".join(spec["key"])
        path = tmp_path / "b" / f"{export}.parquet"
        dupes = scalar(con, f"select count(*) from (select {key} from "
                            f"'{path}' group by {key} having count(*) > 1)")
        assert dupes == 0, export
    for export in ("customers", "invoices", "events"):
        small = scalar(con, f"select count(*) from '{tmp_path / 'a' / export}.parquet'")
        large = scalar(con, f"select count(*) from '{tmp_path / 'b' / export}.parquet'")
        assert 2.0 < large / small < 4.5, export
