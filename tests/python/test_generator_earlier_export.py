"""The generated company exported on an earlier day
(retention_lib.generator.observe): what the daily-run benchmark and the
incremental tests feed as "yesterday's" export before the generated set.

No dbt here: the properties of the cut itself. Cutting after the horizon
changes nothing; cutting twice equals cutting once at the earlier day;
nothing in an earlier export happened on or after its day; rows that never
change are the same rows; and the subscriptions' state at the cut agrees
with the invoices issued before it (recomputed here from the line items)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from retention_lib.contract import EXPORTS
from retention_lib.generator.observe import export_before, latest_event_day

# exports whose rows never change once written (an earlier export holds a
# subset of the same rows); the others have state that moves on
APPEND_ONLY = ("customers", "plans", "users", "events", "payments",
               "invoice_line_items", "survey_responses", "marketing_spend",
               "orders", "order_items", "returns", "fx_rates")
# columns holding when something happened (a due date, a trial's or a
# period's end may lie after the day of the export)
TIME_COLUMNS = {export: [c for c in spec["columns"]
                         if c.endswith(("_at", "_date")) and c != "due_at"]
                for export, spec in EXPORTS.items()}


def rows(folder, export) -> list[tuple]:
    con = duckdb.connect()
    try:
        return con.execute(
            f"select * from read_csv('{folder / (export + '.csv')}', "
            "all_varchar = true, header = true) order by all").fetchall()
    finally:
        con.close()


def differing(one, other) -> list[str]:
    return [e for e in EXPORTS if (one / f"{e}.csv").exists()
            and rows(one, e) != rows(other, e)]


@pytest.fixture(scope="module")
def cuts(small_csv_set, tmp_path_factory):
    """The sample exported at the start of 2025-12-20 and of 2025-11-15,
    directly and from the 2025-12-20 export."""
    root = tmp_path_factory.mktemp("earlier")
    export_before(small_csv_set, root / "dec20", "2025-12-20")
    export_before(small_csv_set, root / "nov15", "2025-11-15")
    export_before(root / "dec20", root / "nov15_via_dec20", "2025-11-15")
    return root


def test_a_cut_after_the_horizon_changes_nothing(small_csv_set, tmp_path):
    after = latest_event_day(small_csv_set) + dt.timedelta(days=2)
    export_before(small_csv_set, tmp_path / "same", after)
    assert differing(small_csv_set, tmp_path / "same") == []


def test_cutting_twice_equals_cutting_once(cuts):
    assert differing(cuts / "nov15", cuts / "nov15_via_dec20") == []


def test_nothing_in_an_earlier_export_happened_on_or_after_its_day(cuts):
    con = duckdb.connect()
    for export, columns in TIME_COLUMNS.items():
        path = cuts / "nov15" / f"{export}.csv"
        for column in columns:
            late = con.execute(
                f"select count(*) from read_csv('{path}', all_varchar = true, "
                f"header = true) where {column} >= '2025-11-15'").fetchone()[0]
            assert late == 0, (export, column)


def test_rows_that_never_change_are_the_same_rows(small_csv_set, cuts):
    for export in EXPORTS:
        earlier, full = rows(cuts / "nov15", export), rows(small_csv_set, export)
        keys = {row[:len(EXPORTS[export]["key"])] for row in full}
        assert len(earlier) <= len(full)
        if export in APPEND_ONLY:
            assert set(earlier) <= set(full), export
        else:  # same keys, state as of the cut
            key_width = len(EXPORTS[export]["key"])
            assert {row[:key_width] for row in earlier} <= keys, export
    for export in ("events", "invoices", "payments", "invoice_line_items",
                   "tickets", "survey_responses", "users", "customers"):
        assert len(rows(cuts / "nov15", export)) < len(rows(small_csv_set, export)), \
            f"{export}: nothing new between the cut and the horizon"


@pytest.mark.parametrize("folder", ["full", "dec20", "nov15"])
def test_subscription_state_agrees_with_the_invoices_before_the_cut(
        small_csv_set, cuts, folder):
    """Recomputed from the line items of the invoices in the same export:
    the current period ends at the latest subscription line's end; a
    cancelled subscription has ended; a past-due one has an unpaid invoice;
    and no invoice is paid after the cut."""
    base = small_csv_set if folder == "full" else cuts / folder
    con = duckdb.connect()
    for export in ("subscriptions", "invoices", "invoice_line_items"):
        con.execute(f"create view {export} as select * from read_csv("
                    f"'{base / (export + '.csv')}', all_varchar = true, header = true)")
    wrong_period_end = con.execute("""
        select count(*) from subscriptions s
        left join (select subscription_id, max(period_end) as last_end
                   from invoice_line_items where line_type = 'subscription'
                   group by subscription_id) l using (subscription_id)
        where l.last_end is distinct from s.current_period_end""").fetchone()[0]
    assert wrong_period_end == 0
    assert con.execute("""select count(*) from subscriptions
                          where (status = 'canceled') != (ended_at is not null)
                         """).fetchone()[0] == 0
    assert con.execute("""
        select count(*) from subscriptions s where status = 'past_due'
        and not exists (select 1 from invoices i
                        where i.subscription_id = s.subscription_id
                        and i.status in ('open', 'uncollectible'))
        """).fetchone()[0] == 0
    assert con.execute("""select count(*) from invoices
                          where (status = 'paid') != (paid_at is not null)
                         """).fetchone()[0] == 0
    counts = dict(con.execute(
        "select status, count(*) from subscriptions group by 1").fetchall())
    assert {"active", "canceled"} <= set(counts), counts
