"""A business with only some systems builds and publishes: an online store
with orders only (no subscription billing, product, support or marketing
data), and a SaaS with billing only. The absent systems' marts are empty
or NULL with their flags false, never zeros that read as inactivity, and
the present systems' marts are the same as in the full build."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor

import duckdb
import pytest

from conftest import AS_OF, health_reference_differences, run_cli
from retention_lib.contract import EXPORTS

pytestmark = pytest.mark.dbt

ORDERS_ONLY = {"customers", "orders", "order_items", "returns", "checkouts",
               "fx_rates"}
BILLING_ONLY = {"customers", "plans", "subscriptions", "invoices",
                "invoice_line_items", "payments", "fx_rates"}


def partial_set(full, folder, keep: set[str]):
    """The exports of `keep` as they are; every other required export as a
    header-only file; optional exports left out."""
    folder.mkdir(parents=True)
    for export, spec in EXPORTS.items():
        if export in keep:
            shutil.copy(full / f"{export}.csv", folder / f"{export}.csv")
        elif not spec.get("optional"):
            (folder / f"{export}.csv").write_text(",".join(spec["columns"]) + "\n")
    return folder


def published(warehouse, query: str):
    con = duckdb.connect(str(warehouse / "retention.duckdb"), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def builds(small_csv_set, tmp_path_factory):
    """Both sets built at the same time (two warehouses, one core each)."""
    jobs = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for name, keep, dbt_vars in [
                ("orders_only", ORDERS_ONLY,
                 "{raw_exports_never_empty: [customers]}"),
                ("billing_only", BILLING_ONLY, None)]:
            base = tmp_path_factory.mktemp(name)
            raw = partial_set(small_csv_set, base / "raw", keep)
            jobs[name] = (base / "warehouse", pool.submit(
                run_cli, base / "warehouse", base / "target", raw_dir=raw,
                as_of=AS_OF, dbt_vars=dbt_vars, freshness=True))
        return {name: (warehouse, job.result())
                for name, (warehouse, job) in jobs.items()}


def test_an_orders_only_store_publishes_its_commerce_marts(builds, clean_build):
    warehouse, result = builds["orders_only"]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "export 'invoices' has no staged rows" in result.stdout
    # commerce as in the full build
    query = """select count(*), sum(ordering_customers), sum(units_sold)
               from fct_commerce_monthly where dimension_name = 'all'"""
    assert published(warehouse, query) == published(clean_build[0], query)
    # no subscription revenue: no months, not months of zero MRR
    assert published(warehouse, "select count(*) from fct_retention_kpis_monthly"
                      ) == [(0,)]
    assert published(warehouse,
                     "select count(*) from fct_customer_mrr_monthly") == [(0,)]
    # order CLV for every buyer, no subscription CLV
    rows = published(warehouse, """
        select count(*) filter (where is_order_customer),
               count(*) filter (where order_clv is not null),
               count(*) filter (where is_subscription_customer)
        from fct_customer_lifetime_value""")[0]
    assert rows[0] > 50 and rows[2] == 0


def test_a_billing_only_saas_publishes_revenue_and_flags_the_rest(
        builds, clean_build):
    warehouse, result = builds["billing_only"]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    # dbt source freshness ran after the build and names the empty exports
    assert "source freshness: 8 exports checked" in result.stdout
    assert "product.events has no row" in result.stdout
    query = """select date_month, mrr, paying_customers, new_mrr, churn_mrr,
                      fx_mrr, dso_days
               from fct_retention_kpis_monthly order by 1"""
    assert published(warehouse, query) == published(clean_build[0], query)
    # absent systems: flags false, counts and rates NULL, not 0
    flags = published(warehouse, """
        select bool_or(has_product_data), bool_or(has_survey_data),
               bool_or(has_support_data), count(active_users),
               count(nps_responses), count(tickets_opened), count(nps),
               count(email_open_rate), count(cac)
        from fct_retention_kpis_monthly""")[0]
    assert flags == (False, False, False, 0, 0, 0, 0, 0, 0)
    # health: usage, breadth and support neutral, not zero
    components = published(warehouse, """
        select min(usage_score), max(usage_score), min(support_score),
               max(support_score), bool_or(has_product_data)
        from dim_customer_health""")[0]
    assert components == (50.0, 50.0, 50.0, 50.0, False)
    # and the SQL of the neutral rule equals the Python reference
    assert set(health_reference_differences(
        warehouse / "work.duckdb").values()) == {0}
    for mart in ("fct_voice_of_customer_monthly",
                 "fct_voice_of_customer_topics_monthly", "fct_commerce_monthly"):
        assert published(warehouse, f"select count(*) from {mart}") == [(0,)], mart
