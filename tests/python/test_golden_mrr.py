"""Golden MRR cases worked out by hand (tests/fixtures/golden_mrr/README.md).

The raw exports are written from the hand-made specification below; the
expected customer-month MRR and movements are in expected_customer_mrr.csv,
computed by hand. One build with the default policies, one with all three
policies flipped (they touch different customers)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import build_selected
from retention_lib.contract import EXPORTS

pytestmark = pytest.mark.dbt

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "golden_mrr"

PLANS = [  # plan_id, tier, months, list price per seat, currency
    ("basic_1m_usd", "basic", 1, "50.00", "USD"),
    ("pro_1m_usd", "pro", 1, "80.00", "USD"),
    ("basic_3m_usd", "basic", 3, "300.00", "USD"),
    ("basic_12m_usd", "basic", 12, "1200.00", "USD"),
    ("basic_1m_eur", "basic", 1, "40.00", "EUR"),
    ("basic_1m_gbp", "basic", 1, "40.00", "GBP"),
    ("pro_1m_eur", "pro", 1, "100.00", "EUR"),
    ("basic_12m_gbp", "basic", 12, "1200.00", "GBP"),
]
CURRENCY = {plan[0]: plan[4] for plan in PLANS}

# subscription: customer, plan, seats, status, trial (start, end) or None,
# started, canceled_at, ended_at, cancel_reason
SUBSCRIPTIONS = {
    "s01": ("g01", "basic_12m_usd", 1, "active", None, "2024-02-01", "", "", ""),
    "s02": ("g02", "basic_3m_usd", 1, "canceled", None, "2024-01-10",
            "2024-06-20", "2024-07-10", "too_expensive"),
    "s03": ("g03", "pro_1m_usd", 1, "canceled", None, "2024-01-01",
            "2024-06-01", "2024-06-01", "other"),
    "s04": ("g04", "basic_1m_usd", 3, "canceled", None, "2024-01-01",
            "2024-05-01", "2024-05-01", "other"),
    "s05": ("g05", "basic_1m_usd", 1, "canceled", None, "2024-01-01",
            "2024-06-01", "2024-06-01", "other"),
    "s06a": ("g06", "basic_12m_usd", 1, "active", None, "2024-01-01", "", "", ""),
    "s06b": ("g06", "basic_1m_usd", 1, "canceled", None, "2024-01-01",
             "2024-03-20", "2024-04-01", "missing_features"),
    "s07e": ("g07e", "basic_1m_eur", 1, "canceled", None, "2024-02-01",
             "2024-04-01", "2024-04-01", "other"),
    "s07g": ("g07g", "basic_1m_gbp", 1, "canceled", None, "2024-06-01",
             "2024-09-01", "2024-09-01", "other"),
    "s08": ("g08", "basic_1m_usd", 1, "canceled", ("2024-01-05", "2024-01-19"),
            "2024-01-05", "2024-03-19", "2024-03-19", "other"),
    "s09": ("g09", "basic_1m_usd", 1, "canceled", ("2024-03-01", "2024-03-15"),
            "2024-03-01", "2024-03-15", "2024-03-15", "trial_not_converted"),
    "s10": ("g10", "basic_12m_usd", 1, "active", None, "2024-01-15", "", "", ""),
    "s11a": ("g11", "basic_1m_usd", 1, "canceled", None, "2024-01-01",
             "2024-03-01", "2024-03-01", "other"),
    "s11b": ("g11", "basic_1m_usd", 1, "canceled", None, "2024-06-01",
             "2024-08-01", "2024-08-01", "other"),
    "s12": ("g12", "basic_1m_usd", 1, "canceled", None, "2024-05-03",
            "2024-05-20", "2024-05-20", "other"),
    "s13": ("g13", "basic_1m_eur", 1, "canceled", None, "2024-05-01",
            "2024-09-01", "2024-09-01", "other"),
    "s14": ("g14", "basic_12m_gbp", 1, "active", None, "2023-12-01", "", "", ""),
    "s15e": ("g15", "pro_1m_eur", 1, "canceled", None, "2024-05-01",
             "2024-10-01", "2024-10-01", "other"),
    "s15u": ("g15", "basic_1m_usd", 1, "canceled", None, "2024-05-01",
             "2024-07-01", "2024-07-01", "other"),
    "s15p": ("g15", "pro_1m_usd", 1, "canceled", None, "2024-07-01",
             "2024-10-01", "2024-10-01", "other"),
}

# line: subscription, plan, seats, type, start, end, amount, discount, invoice,
# paid_at ("" = paid one hour after issue at the period start)
LINES = [
    # g01: 1200 / 12 = 100 a month, Feb to Dec
    ("s01", "basic_12m_usd", 1, "subscription", "2024-02-01", "2025-02-01",
     "1200.00", "0.00", "i01", ""),
    # g02: 300 / 3 = 100; the second quarter ends 10 July, so the July
    # snapshot (1 August) finds nothing: churn in July
    ("s02", "basic_3m_usd", 1, "subscription", "2024-01-10", "2024-04-10",
     "300.00", "0.00", "i02a", ""),
    ("s02", "basic_3m_usd", 1, "subscription", "2024-04-10", "2024-07-10",
     "300.00", "0.00", "i02b", ""),
    # g03: basic 50 until 16 March; prorations over 16 of March's 31 days:
    # -50 x 16/31 = -25.81 and +80 x 16/31 = 41.29; their full-month
    # equivalents (-50.0069, 79.9994) are within rounding of the lines they
    # prorate, so March ends at 50 - 50 + 80 = 80: an expansion of 30
    ("s03", "basic_1m_usd", 1, "subscription", "2024-01-01", "2024-02-01",
     "50.00", "0.00", "i03a", ""),
    ("s03", "basic_1m_usd", 1, "subscription", "2024-02-01", "2024-03-01",
     "50.00", "0.00", "i03b", ""),
    ("s03", "basic_1m_usd", 1, "subscription", "2024-03-01", "2024-04-01",
     "50.00", "0.00", "i03c", ""),
    ("s03", "basic_1m_usd", 1, "proration", "2024-03-16", "2024-04-01",
     "-25.81", "0.00", "i03p", ""),
    ("s03", "pro_1m_usd", 1, "proration", "2024-03-16", "2024-04-01",
     "41.29", "0.00", "i03p", ""),
    ("s03", "pro_1m_usd", 1, "subscription", "2024-04-01", "2024-05-01",
     "80.00", "0.00", "i03d", ""),
    ("s03", "pro_1m_usd", 1, "subscription", "2024-05-01", "2024-06-01",
     "80.00", "0.00", "i03e", ""),
    # g04: 2 seats x 50 = 100; from 15 Feb 3 seats, for the 15 remaining of
    # February's 29 days: -100 x 15/29 = -51.72 and +150 x 15/29 = 77.59
    # (equivalents -99.992 and 150.007, within rounding) -> February ends at 150
    ("s04", "basic_1m_usd", 2, "subscription", "2024-01-01", "2024-02-01",
     "100.00", "0.00", "i04a", ""),
    ("s04", "basic_1m_usd", 2, "subscription", "2024-02-01", "2024-03-01",
     "100.00", "0.00", "i04b", ""),
    ("s04", "basic_1m_usd", 2, "proration", "2024-02-15", "2024-03-01",
     "-51.72", "0.00", "i04p", ""),
    ("s04", "basic_1m_usd", 3, "proration", "2024-02-15", "2024-03-01",
     "77.59", "0.00", "i04p", ""),
    ("s04", "basic_1m_usd", 3, "subscription", "2024-03-01", "2024-04-01",
     "150.00", "0.00", "i04c", ""),
    ("s04", "basic_1m_usd", 3, "subscription", "2024-04-01", "2024-05-01",
     "150.00", "0.00", "i04d", ""),
    # g05: 10.00 off in February and March: net 40, contract 50
    ("s05", "basic_1m_usd", 1, "subscription", "2024-01-01", "2024-02-01",
     "50.00", "0.00", "i05a", ""),
    ("s05", "basic_1m_usd", 1, "subscription", "2024-02-01", "2024-03-01",
     "50.00", "10.00", "i05b", ""),
    ("s05", "basic_1m_usd", 1, "subscription", "2024-03-01", "2024-04-01",
     "50.00", "10.00", "i05c", ""),
    ("s05", "basic_1m_usd", 1, "subscription", "2024-04-01", "2024-05-01",
     "50.00", "0.00", "i05d", ""),
    ("s05", "basic_1m_usd", 1, "subscription", "2024-05-01", "2024-06-01",
     "50.00", "0.00", "i05e", ""),
    # g06: annual 100 + monthly 50 (cancelled 20 March, ends 1 April):
    # 150 through March, 100 from April: contraction, not churn
    ("s06a", "basic_12m_usd", 1, "subscription", "2024-01-01", "2025-01-01",
     "1200.00", "0.00", "i06a", ""),
    ("s06b", "basic_1m_usd", 1, "subscription", "2024-01-01", "2024-02-01",
     "50.00", "0.00", "i06b", ""),
    ("s06b", "basic_1m_usd", 1, "subscription", "2024-02-01", "2024-03-01",
     "50.00", "0.00", "i06c", ""),
    ("s06b", "basic_1m_usd", 1, "subscription", "2024-03-01", "2024-04-01",
     "50.00", "0.00", "i06d", ""),
    # g07e: 40 EUR x 1.10 = 44.00 USD
    ("s07e", "basic_1m_eur", 1, "subscription", "2024-02-01", "2024-03-01",
     "40.00", "0.00", "i07a", ""),
    ("s07e", "basic_1m_eur", 1, "subscription", "2024-03-01", "2024-04-01",
     "40.00", "0.00", "i07b", ""),
    # g07g: 40 GBP at each line's own period start: June 1.25 -> 50.00 (new);
    # July 1.30 -> 52.00: fx_mrr 40 x (1.30 - 1.25) = 2.00, business change
    # 0 (unchanged, never an expansion); August 52.00; September churn
    ("s07g", "basic_1m_gbp", 1, "subscription", "2024-06-01", "2024-07-01",
     "40.00", "0.00", "i07c", ""),
    ("s07g", "basic_1m_gbp", 1, "subscription", "2024-07-01", "2024-08-01",
     "40.00", "0.00", "i07d", ""),
    ("s07g", "basic_1m_gbp", 1, "subscription", "2024-08-01", "2024-09-01",
     "40.00", "0.00", "i07e", ""),
    # g08: 14-day trial at 0, then 50 from 19 Jan to 19 March
    ("s08", "basic_1m_usd", 1, "subscription", "2024-01-05", "2024-01-19",
     "0.00", "0.00", "i08t", ""),
    ("s08", "basic_1m_usd", 1, "subscription", "2024-01-19", "2024-02-19",
     "50.00", "0.00", "i08a", ""),
    ("s08", "basic_1m_usd", 1, "subscription", "2024-02-19", "2024-03-19",
     "50.00", "0.00", "i08b", ""),
    # g09: a trial that ends: never paying
    ("s09", "basic_1m_usd", 1, "subscription", "2024-03-01", "2024-03-15",
     "0.00", "0.00", "i09t", ""),
    # g10: annual invoice due 29 Jan, paid 10 April. Grace 30 days: counts
    # at the January snapshot (1 Feb < 28 Feb), not at February's (1 March)
    # nor March's (1 April, unpaid); paid by the April snapshot: reactivation
    ("s10", "basic_12m_usd", 1, "subscription", "2024-01-15", "2025-01-15",
     "1200.00", "0.00", "i10", "2024-04-10T09:00:00Z"),
    # g11: January and February, then June and July
    ("s11a", "basic_1m_usd", 1, "subscription", "2024-01-01", "2024-02-01",
     "50.00", "0.00", "i11a", ""),
    ("s11a", "basic_1m_usd", 1, "subscription", "2024-02-01", "2024-03-01",
     "50.00", "0.00", "i11b", ""),
    ("s11b", "basic_1m_usd", 1, "subscription", "2024-06-01", "2024-07-01",
     "50.00", "0.00", "i11c", ""),
    ("s11b", "basic_1m_usd", 1, "subscription", "2024-07-01", "2024-08-01",
     "50.00", "0.00", "i11d", ""),
    # g12: paid, but in force at no month end
    ("s12", "basic_1m_usd", 1, "subscription", "2024-05-03", "2024-05-20",
     "50.00", "0.00", "i12", ""),
    # g13: EUR monthly, rate 1.10 until June, 1.20 from July: May 44.00
    # (new), June 44.00, July 48.00 (fx_mrr 40 x 0.10 = 4.00, unchanged),
    # August 48.00, September churn of 48.00
    ("s13", "basic_1m_eur", 1, "subscription", "2024-05-01", "2024-06-01",
     "40.00", "0.00", "i13a", ""),
    ("s13", "basic_1m_eur", 1, "subscription", "2024-06-01", "2024-07-01",
     "40.00", "0.00", "i13b", ""),
    ("s13", "basic_1m_eur", 1, "subscription", "2024-07-01", "2024-08-01",
     "40.00", "0.00", "i13c", ""),
    ("s13", "basic_1m_eur", 1, "subscription", "2024-08-01", "2024-09-01",
     "40.00", "0.00", "i13d", ""),
    # g14: GBP annual, 1,200 GBP = 100 GBP a month: from December 2023 at
    # 1.25 = 125.00 (new, then unchanged); renewed on 1 December 2024 at
    # 1.30 = 130.00: fx_mrr 100 x 0.05 = 5.00, unchanged
    ("s14", "basic_12m_gbp", 1, "subscription", "2023-12-01", "2024-12-01",
     "1200.00", "0.00", "i14a", ""),
    ("s14", "basic_12m_gbp", 1, "subscription", "2024-12-01", "2025-12-01",
     "1200.00", "0.00", "i14b", ""),
    # g15: two currencies. EUR 100 a month (May to September) and USD basic
    # 50 (May, June), then USD pro 80 (July to September). May 110 + 50 =
    # 160.00 (new); June 160.00; July 120 + 80 = 200.00: fx_mrr = EUR 100 x
    # (1.20 - 1.10) = 10.00, USD 0 -> business change 200 - 160 - 10 = 30
    # (expansion); August, September 200.00; October churn of 200.00
    ("s15e", "pro_1m_eur", 1, "subscription", "2024-05-01", "2024-06-01",
     "100.00", "0.00", "i15a", ""),
    ("s15e", "pro_1m_eur", 1, "subscription", "2024-06-01", "2024-07-01",
     "100.00", "0.00", "i15b", ""),
    ("s15e", "pro_1m_eur", 1, "subscription", "2024-07-01", "2024-08-01",
     "100.00", "0.00", "i15c", ""),
    ("s15e", "pro_1m_eur", 1, "subscription", "2024-08-01", "2024-09-01",
     "100.00", "0.00", "i15d", ""),
    ("s15e", "pro_1m_eur", 1, "subscription", "2024-09-01", "2024-10-01",
     "100.00", "0.00", "i15e", ""),
    ("s15u", "basic_1m_usd", 1, "subscription", "2024-05-01", "2024-06-01",
     "50.00", "0.00", "i15f", ""),
    ("s15u", "basic_1m_usd", 1, "subscription", "2024-06-01", "2024-07-01",
     "50.00", "0.00", "i15g", ""),
    ("s15p", "pro_1m_usd", 1, "subscription", "2024-07-01", "2024-08-01",
     "80.00", "0.00", "i15h", ""),
    ("s15p", "pro_1m_usd", 1, "subscription", "2024-08-01", "2024-09-01",
     "80.00", "0.00", "i15i", ""),
    ("s15p", "pro_1m_usd", 1, "subscription", "2024-09-01", "2024-10-01",
     "80.00", "0.00", "i15j", ""),
]
FX_CUSTOMERS = {"g07g", "g13", "g14", "g15"}


def ts(day: str) -> str:
    return f"{day}T00:00:00Z" if day and "T" not in day else day


def write_raw(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    customers = sorted({sub[0] for sub in SUBSCRIPTIONS.values()})
    tables = {
        "customers": pd.DataFrame({
            "customer_id": customers, "name": "", "email": "",
            "country": "US", "segment": "smb", "acquisition_channel": "organic",
            "created_at": "2024-01-01T00:00:00Z"}),
        "plans": pd.DataFrame([{
            "plan_id": plan_id, "plan_name": plan_id, "tier": tier,
            "billing_period_months": str(months), "list_price": price,
            "currency": currency} for plan_id, tier, months, price, currency
            in PLANS]),
        "subscriptions": pd.DataFrame([{
            "subscription_id": sub_id, "customer_id": sub[0], "plan_id": sub[1],
            "quantity": str(sub[2]), "status": sub[3],
            "trial_start": ts(sub[4][0]) if sub[4] else "",
            "trial_end": ts(sub[4][1]) if sub[4] else "",
            "started_at": ts(sub[5]), "current_period_end": "",
            "canceled_at": ts(sub[6]), "ended_at": ts(sub[7]),
            "cancel_reason": sub[8]} for sub_id, sub in SUBSCRIPTIONS.items()]),
    }
    lines, invoices = [], {}
    for n, (sub_id, plan_id, seats, line_type, start, end, amount, discount,
            invoice_id, paid_at) in enumerate(LINES):
        customer = SUBSCRIPTIONS[sub_id][0]
        lines.append({
            "line_item_id": f"li{n:03d}", "invoice_id": invoice_id,
            "subscription_id": sub_id, "plan_id": plan_id,
            "line_type": line_type, "quantity": str(seats), "amount": amount,
            "discount_amount": discount, "currency": CURRENCY[plan_id],
            "period_start": ts(start), "period_end": ts(end)})
        invoice = invoices.setdefault(invoice_id, {
            "invoice_id": invoice_id, "customer_id": customer,
            "subscription_id": sub_id, "status": "paid",
            "currency": CURRENCY[plan_id], "subtotal": Decimal(0),
            "discount": Decimal(0), "tax": "0.00",
            "issued_at": f"{start}T01:00:00Z",
            "due_at": (pd.Timestamp(start) + pd.Timedelta(days=14)).strftime(
                "%Y-%m-%dT01:00:00Z"),
            "paid_at": paid_at or f"{start}T02:00:00Z"})
        invoice["subtotal"] += Decimal(amount)
        invoice["discount"] += Decimal(discount)
    for invoice in invoices.values():
        invoice["total"] = str(invoice["subtotal"] - invoice["discount"])
        invoice["subtotal"] = str(invoice["subtotal"])
        invoice["discount"] = str(invoice["discount"])
    tables["invoice_line_items"] = pd.DataFrame(lines)
    tables["invoices"] = pd.DataFrame(list(invoices.values()))
    tables["payments"] = pd.DataFrame([{
        "payment_id": f"p_{inv['invoice_id']}", "invoice_id": inv["invoice_id"],
        "customer_id": inv["customer_id"], "payment_type": "charge",
        "status": "succeeded", "amount": inv["total"],
        "currency": inv["currency"], "created_at": inv["paid_at"],
        "failure_reason": ""} for inv in invoices.values()
        if Decimal(inv["total"]) > 0])
    months = pd.date_range("2023-12-01", "2024-12-01", freq="MS")
    tables["fx_rates"] = pd.DataFrame(
        [{"rate_date": f"{m:%Y-%m-%d}", "currency": "USD", "rate_to_usd": "1"}
         for m in months]
        + [{"rate_date": f"{m:%Y-%m-%d}", "currency": "EUR",
            "rate_to_usd": "1.10" if m < pd.Timestamp("2024-07-01") else "1.20"}
           for m in months]
        + [{"rate_date": f"{m:%Y-%m-%d}", "currency": "GBP",
            "rate_to_usd": "1.25" if m < pd.Timestamp("2024-07-01") else "1.30"}
           for m in months])
    for export, spec in EXPORTS.items():
        if spec.get("optional"):
            continue
        frame = tables.get(export, pd.DataFrame(columns=spec["columns"]))
        frame[spec["columns"]].to_csv(folder / f"{export}.csv", index=False)


def build(tmp_path_factory, extra_vars: str = ""):
    """Build the golden case: the two marts it checks, their parents and
    their data tests."""
    raw = tmp_path_factory.mktemp("golden_raw")
    write_raw(raw)
    warehouse = tmp_path_factory.mktemp("golden_warehouse")
    result = build_selected(warehouse, tmp_path_factory.mktemp("golden_target"),
                            ["fct_customer_mrr_monthly", "fct_retention_kpis_monthly"],
                            raw_dir=raw, as_of="2024-12-31",
                            dbt_vars="{" + extra_vars.lstrip(", ") + "}")
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    return duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)


def customer_months(con) -> dict:
    rows = con.execute("""select customer_id, cast(date_month as varchar), mrr,
                                 contract_mrr, movement, fx_mrr
                          from fct_customer_mrr_monthly""").fetchall()
    return {(c, m): (Decimal(mrr).quantize(Decimal("0.01")),
                     Decimal(cmrr).quantize(Decimal("0.01")), mv,
                     Decimal(fx).quantize(Decimal("0.01")))
            for c, m, mrr, cmrr, mv, fx in rows}


def expected_rows() -> dict:
    frame = pd.read_csv(FIXTURE / "expected_customer_mrr.csv", dtype=str)
    return {(r.customer_id, r.date_month): (Decimal(r.mrr), Decimal(r.contract_mrr),
                                            r.movement, Decimal(r.fx_mrr))
            for r in frame.itertuples()}


@pytest.fixture(scope="module")
def default_build(tmp_path_factory):
    return build(tmp_path_factory)


def test_customer_months_match_the_hand_computed_golden_file(default_build):
    actual, expected = customer_months(default_build), expected_rows()
    assert set(actual) == set(expected), (set(actual) ^ set(expected))
    wrong = {k: (actual[k], expected[k]) for k in expected if actual[k] != expected[k]}
    assert wrong == {}


def test_april_kpis_by_hand(default_build):
    """End of March (S): g01 100, g02 100, g03 80, g04 150, g05 40, g06 150,
    g07e 44, g14 125 -> S = 8, mrr_start = 789. April: g05 +10
    (expansion), g06 -50 (contraction), g07e -44 (churn), g10 +100
    (reactivation) -> mrr 805, E = 8, N = 1: retention (8 - 1) / 8, churn
    1 / 8, NRR (789 + 10 - 50 - 44) / 789, GRR (789 - 50 - 44) / 789,
    quick ratio 110 / 94."""
    row = default_build.execute("""
        select mrr_start, mrr, paying_customers_start, paying_customers,
               customer_retention_rate, customer_churn_rate, nrr_monthly,
               grr_monthly, quick_ratio, arpa, reactivation_mrr
        from fct_retention_kpis_monthly where date_month = date '2024-04-01'
    """).fetchone()
    assert [float(v) for v in row[:4]] == [789, 805, 8, 8]
    assert row[4] == pytest.approx(7 / 8, abs=1e-12)
    assert row[5] == pytest.approx(1 / 8, abs=1e-12)
    assert row[6] == pytest.approx(705 / 789, abs=1e-12)
    assert row[7] == pytest.approx(695 / 789, abs=1e-12)
    assert row[8] == pytest.approx(110 / 94, abs=1e-12)
    assert float(row[9]) == pytest.approx(805 / 8, abs=1e-4)
    assert float(row[10]) == 100


def test_fx_movement_by_hand(default_build):
    """July 2024: EUR 1.10 -> 1.20 and GBP 1.25 -> 1.30. fx_mrr = g07g 2.00
    + g13 4.00 + g15 10.00 = 16.00; g15's USD upgrade (50 -> 80) is the
    month's only expansion, 30.00, not 40.00. December: g14's annual GBP
    renewal, fx_mrr 5.00. The bridge holds with fx_mrr; NRR excludes it
    (constant currency); customers paying in USD only never have fx_mrr."""
    rows = {str(r[0]): r[1:] for r in default_build.execute("""
        select date_month, fx_mrr, expansion_mrr, mrr_start, mrr, new_mrr,
               reactivation_mrr, contraction_mrr, churn_mrr, nrr_monthly
        from fct_retention_kpis_monthly""").fetchall()}
    fx, expansion, start, end, new, react, contraction, churn, nrr = \
        rows["2024-07-01"]
    assert (fx, expansion) == (Decimal("16.00"), Decimal("30.00"))
    assert end == start + new + react + expansion - contraction - churn + fx
    assert nrr == pytest.approx(
        float(start + expansion - contraction - churn) / float(start), abs=1e-12)
    assert rows["2024-12-01"][0] == Decimal("5.00")
    usd_only = default_build.execute(f"""
        select count(*) from fct_customer_mrr_monthly
        where fx_mrr != 0 and customer_id not in
            ({", ".join(f"'{c}'" for c in sorted(FX_CUSTOMERS))})""").fetchone()[0]
    assert usd_only == 0


def test_flipped_policies_change_exactly_their_customers(tmp_path_factory,
                                                        default_build):
    """cancellation: g02 stops when cancelled (20 June, so June is its churn
    month) and g06's monthly subscription stops at 20 March (contraction in
    March). list: g05 ignores its discount (50 throughout). Grace 60 days:
    g10's invoice counts until 29 March, so February is unchanged and
    March is the churn month."""
    flipped = customer_months(build(
        tmp_path_factory,
        ", churn_recognition: cancellation, discount_policy: list, "
        "past_due_grace_days: 60"))
    default = customer_months(default_build)
    changed = {k for k in set(flipped) | set(default)
               if flipped.get(k) != default.get(k)}
    assert {k[0] for k in changed} == {"g02", "g05", "g06", "g10"}
    assert flipped[("g02", "2024-06-01")][2] == "churn"
    assert ("g02", "2024-07-01") not in flipped
    assert flipped[("g06", "2024-03-01")][:3:2] == (Decimal("100.00"),
                                                      "contraction")
    assert flipped[("g06", "2024-04-01")][2] == "unchanged"
    assert [flipped[("g05", f"2024-0{m}-01")][0] for m in range(1, 6)] == [
        Decimal("50.00")] * 5
    assert flipped[("g05", "2024-06-01")][2] == "churn"
    assert flipped[("g10", "2024-02-01")] == (Decimal("100.00"), Decimal("100.00"),
                                              "unchanged", Decimal("0.00"))
    assert flipped[("g10", "2024-03-01")][2] == "churn"
    assert flipped[("g10", "2024-04-01")][2] == "reactivation"
