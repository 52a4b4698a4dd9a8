"""Peer conformance: dbt-labs/mrr-playbook's input mapped onto our contract
gives, from 2018-01 on, the peer's MRR and movement for every customer-month
(see tests/fixtures/mrr_playbook/README.md)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import build_selected
from retention_lib.contract import EXPORTS

pytestmark = pytest.mark.dbt

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "mrr_playbook"
MOVEMENT = {"new": "new", "upgrade": "expansion", "downgrade": "contraction",
            "churn": "churn", "reactivation": "reactivation", "": "unchanged"}


def month_starts(start: pd.Timestamp, end: pd.Timestamp) -> list[pd.Timestamp]:
    return list(pd.date_range(start, end, freq="MS", inclusive="left"))


def to_contract(folder: Path) -> None:
    """Write the peer's periods as our raw exports."""
    periods = pd.read_csv(FIXTURE / "subscription_periods.csv",
                          parse_dates=["start_date", "end_date"])
    iso = "%Y-%m-%dT%H:%M:%SZ"
    customers = periods.groupby("customer_id")["start_date"].min().reset_index()
    tables = {
        "customers": pd.DataFrame({
            "customer_id": customers["customer_id"].astype(str),
            "name": "Peer " + customers["customer_id"].astype(str),
            "email": "", "country": "US", "segment": "smb",
            "acquisition_channel": "organic",
            "created_at": customers["start_date"].dt.strftime(iso)}),
        "plans": pd.DataFrame([{
            "plan_id": "playbook_monthly", "plan_name": "Playbook", "tier": "pro",
            "billing_period_months": "1", "list_price": "0.00",
            "currency": "USD"}]),
        "subscriptions": pd.DataFrame({
            "subscription_id": periods["subscription_id"].astype(str),
            "customer_id": periods["customer_id"].astype(str),
            "plan_id": "playbook_monthly", "quantity": "1", "status": "canceled",
            "trial_start": "", "trial_end": "",
            "started_at": periods["start_date"].dt.strftime(iso),
            "current_period_end": periods["end_date"].dt.strftime(iso),
            "canceled_at": periods["end_date"].dt.strftime(iso),
            "ended_at": periods["end_date"].dt.strftime(iso),
            "cancel_reason": ""}),
    }
    invoices, lines, payments = [], [], []
    for period in periods.itertuples():
        for month in month_starts(period.start_date, period.end_date):
            key = f"{period.subscription_id}_{month:%Y%m}"
            amount = f"{period.monthly_amount:.2f}"
            issued = month + pd.Timedelta(hours=1)
            invoices.append({
                "invoice_id": f"inv_{key}", "customer_id": str(period.customer_id),
                "subscription_id": str(period.subscription_id), "status": "paid",
                "currency": "USD", "subtotal": amount, "discount": "0.00",
                "tax": "0.00", "total": amount, "issued_at": issued.strftime(iso),
                "due_at": (issued + pd.Timedelta(days=14)).strftime(iso),
                "paid_at": (issued + pd.Timedelta(hours=1)).strftime(iso)})
            lines.append({
                "line_item_id": f"li_{key}", "invoice_id": f"inv_{key}",
                "subscription_id": str(period.subscription_id),
                "plan_id": "playbook_monthly", "line_type": "subscription",
                "quantity": "1", "amount": amount, "discount_amount": "0.00",
                "currency": "USD", "period_start": month.strftime(iso),
                "period_end": (month + pd.offsets.MonthBegin(1)).strftime(iso)})
            payments.append({
                "payment_id": f"pay_{key}", "invoice_id": f"inv_{key}",
                "customer_id": str(period.customer_id), "payment_type": "charge",
                "status": "succeeded", "amount": amount, "currency": "USD",
                "created_at": (issued + pd.Timedelta(hours=1)).strftime(iso),
                "failure_reason": ""})
    tables["invoices"] = pd.DataFrame(invoices)
    tables["invoice_line_items"] = pd.DataFrame(lines)
    tables["payments"] = pd.DataFrame(payments)
    folder.mkdir(parents=True, exist_ok=True)
    for export, spec in EXPORTS.items():
        if spec.get("optional") or export == "fx_rates":
            continue  # no commerce; USD needs no rate (shipped rates used)
        frame = tables.get(export, pd.DataFrame(columns=spec["columns"]))
        frame[spec["columns"]].to_csv(folder / f"{export}.csv", index=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    raw = tmp_path_factory.mktemp("peer_raw")
    to_contract(raw)
    warehouse = tmp_path_factory.mktemp("peer_warehouse")
    # the two marts compared, their parents and their data tests
    result = build_selected(warehouse, tmp_path_factory.mktemp("peer_target"),
                            ["fct_customer_mrr_monthly", "fct_retention_kpis_monthly"],
                            raw_dir=raw, as_of="2020-02-29")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)


def test_every_customer_month_matches_the_peer(built):
    ours = built.execute("""
        select customer_id, date_month, mrr, movement
        from fct_customer_mrr_monthly
        where date_month >= date '2018-01-01'""").df()
    peer = pd.read_csv(FIXTURE / "peer_output_mrr.csv", dtype=str,
                       keep_default_na=False)
    expected = {(row.customer_id, row.date_month):
                (Decimal(row.mrr), MOVEMENT[row.change_category])
                for row in peer.itertuples()}
    actual = {(row.customer_id, str(row.date_month)[:10]):
              (Decimal(str(row.mrr)), row.movement)
              for row in ours.itertuples()}
    assert len(expected) == 410
    assert set(actual) == set(expected)
    mismatches = {key: (actual[key], expected[key]) for key in expected
                  if actual[key] != expected[key]}
    assert mismatches == {}


def test_monthly_totals_match_the_peer_summary(built):
    ours = built.execute("""
        select cast(date_month as varchar) as date_month, mrr, paying_customers,
               new_mrr, reactivation_mrr, expansion_mrr, contraction_mrr,
               churn_mrr, churned_customers, new_customers
        from fct_retention_kpis_monthly
        where date_month >= date '2018-01-01'""").df().set_index("date_month")
    peer = pd.read_csv(FIXTURE / "peer_output_monthly_summary.csv").set_index(
        "date_month")
    assert list(ours.index) == list(peer.index)
    pairs = {"mrr": "total_mrr", "paying_customers": "active_customers",
             "new_mrr": "new_mrr", "reactivation_mrr": "reactivation_mrr",
             "expansion_mrr": "expansion_mrr", "new_customers": "n_new",
             "churned_customers": "n_churn"}
    for ours_col, peer_col in pairs.items():
        assert [float(v) for v in ours[ours_col]] == [
            float(v) for v in peer[peer_col]], ours_col
    # the peer signs decreases negatively
    assert [float(v) for v in ours["contraction_mrr"]] == [
        -float(v) for v in peer["contraction_mrr"]]
    assert [float(v) for v in ours["churn_mrr"]] == [
        -float(v) for v in peer["churned_mrr"]]


def test_customers_outside_the_peer_spine_are_kept(built):
    early = built.execute("""
        select customer_id, min(date_month), max(date_month)
        from fct_customer_mrr_monthly
        where customer_id in ('2', '3', '4') group by 1 order by 1""").fetchall()
    assert [row[0] for row in early] == ["2", "3", "4"]
