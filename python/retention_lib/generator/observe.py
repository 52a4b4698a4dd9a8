"""The same generated company, exported one day earlier (or more).

A generated set is the state of every source system at the end of its
horizon. `export_before(src, dst, cut)` writes what the same systems would
have exported at the start of day `cut`: rows created on or after the cut
are not there yet, and what happened to older rows since (a payment that
settled an invoice, a ticket's reply, a cancellation taking effect) is
undone. The set at `src` is then the next export of the same business: the
day(s) from `cut` on are new rows with new ids and updates of older rows,
which is what a daily run receives (`make bench`, the incremental tests).

Every timestamp in the generator's exports is ISO 8601 text
('2025-12-30T08:15:00Z', dates '2025-12-30'), so text comparison with the
cut date orders them; a value that is not a timestamp (never written by the
generator) compares as text and is kept or dropped like the row's date.

Usage: python -m retention_lib.generator.observe SRC DST --before YYYY-MM-DD
       (default: the day of the latest event, i.e. hold back one day)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb

from retention_lib.contract import EXPORTS
from retention_lib.generator.common import COMMENT_TRUTH_FILE, TRUTH_FILE


def _upto(column: str) -> str:
    """The value if it happened before the cut, else NULL."""
    return f"case when {column} < $cut then {column} end as {column}"


# export -> (select list, condition) over full_<export>, the uncut file;
# a condition may read other exports by name (already cut: the exports are
# cut in the contract's order); the columns are written in the contract's
# order
_RULES: dict[str, tuple[str, str]] = {
    "customers": ("*", "created_at < $cut"),
    "plans": ("*", "true"),
    "users": ("*", "created_at < $cut"),
    "events": ("*", "occurred_at < $cut"),
    "payments": ("*", "created_at < $cut"),
    "survey_responses": ("*", "responded_at < $cut"),
    "marketing_spend": ("*", "spend_date < $cut"),
    "fx_rates": ("*", "rate_date < $cut"),
    "orders": ("*", "ordered_at < $cut"),
    "returns": ("*", "returned_at < $cut"),
    "invoices": (
        """* replace (
             case when status = 'paid' and not coalesce(paid_at < $cut, false)
                    then 'open'
                  when status = 'uncollectible'
                       and cast(due_at as timestamp)
                           + to_days(cast($grace as integer))
                           >= cast($cut as timestamp) then 'open'
                  else status end as status,
             """ + _upto("paid_at") + ")",
        "issued_at < $cut"),
    "invoice_line_items": (
        "*", "invoice_id in (select invoice_id from invoices)"),
    "tickets": (
        """* replace (
             case when resolved_at < $cut then status
                  when first_response_at < $cut then 'pending'
                  else 'open' end as status,
             """ + _upto("first_response_at") + ", " + _upto("resolved_at") + ")",
        "opened_at < $cut"),
    "email_sends": (
        "* replace (" + _upto("opened_at") + ", " + _upto("clicked_at") + ")",
        "sent_at < $cut"),
    "order_items": ("*", "order_id in (select order_id from orders)"),
    "checkouts": (
        """* replace (case when order_id in (select order_id from orders)
                            then order_id end as order_id)""",
        "started_at < $cut"),
}

# subscriptions: the state at the cut, from the invoices issued before it.
# A renewal (or a trial's conversion) issued on or after the cut has not
# started: the current period ends where that period starts. A mid-period
# change invoiced on or after the cut has not happened: the plan and seats
# are the old ones (the credited proration line). A cancellation or end
# on or after the cut has not happened: a trial is still trialing, a
# payment failure is past due, a voluntary cancellation is still active
# (cancelled or not yet); a final failed invoice not yet issued leaves the
# subscription active (past due only once its last invoice is out).
_SUBSCRIPTIONS = """
with lines as (
    select invoice_line_items.*, full_invoices.issued_at
    from full_lines as invoice_line_items
    inner join full_invoices using (invoice_id)
),
not_yet_started as (
    select subscription_id, min(period_start) as next_period_start
    from lines
    where line_type = 'subscription' and period_start >= $cut
    group by subscription_id
),
change_not_yet as (
    select subscription_id, plan_id as old_plan_id, quantity as old_quantity
    from lines
    where line_type = 'proration' and issued_at >= $cut
          and amount like '-%'
    qualify row_number() over (
        partition by subscription_id order by issued_at, line_item_id) = 1
),
invoiced_since as (
    select distinct subscription_id from full_invoices where issued_at >= $cut
)
select
    s.subscription_id,
    s.customer_id,
    coalesce(c.old_plan_id, s.plan_id) as plan_id,
    coalesce(c.old_quantity, s.quantity) as quantity,
    case
        when s.ended_at < $cut then s.status
        when s.status = 'canceled' and s.cancel_reason = 'trial_not_converted'
            then 'trialing'
        when (s.status = 'past_due' or s.cancel_reason = 'payment_failed')
             and i.subscription_id is null then 'past_due'
        when s.status in ('canceled', 'past_due') then 'active'
        else s.status
    end as status,
    s.trial_start,
    s.trial_end,
    s.started_at,
    case when n.subscription_id is not null
        then strftime(cast(n.next_period_start as timestamp),
                      '%Y-%m-%dT%H:%M:%SZ')
        else s.current_period_end end as current_period_end,
    case when s.canceled_at < $cut then s.canceled_at end as canceled_at,
    case when s.ended_at < $cut then s.ended_at end as ended_at,
    case when s.canceled_at < $cut then s.cancel_reason end as cancel_reason
from full_subscriptions as s
left join not_yet_started as n using (subscription_id)
left join change_not_yet as c using (subscription_id)
left join invoiced_since as i using (subscription_id)
where s.started_at < $cut
"""


def _file_of(folder: Path, export: str) -> Path | None:
    for suffix in (".parquet", ".csv"):
        if (folder / f"{export}{suffix}").is_file():
            return folder / f"{export}{suffix}"
    return None


def latest_event_day(folder: Path) -> dt.date:
    """The day of the latest event of a generated set."""
    path = _file_of(folder, "events")
    if path is None:
        raise FileNotFoundError(f"no events export in {folder}")
    con = duckdb.connect()
    try:
        return con.execute(
            f"select cast(max(occurred_at) as date) from {reader(path)}"
        ).fetchone()[0]
    finally:
        con.close()


def reader(path: Path) -> str:
    """DuckDB's reader of an export file, every column as text."""
    quoted = "'" + str(path).replace("'", "''") + "'"
    if path.suffix == ".parquet":
        return f"read_parquet({quoted})"
    return f"read_csv({quoted}, all_varchar = true, header = true)"


def export_before(src: str | Path, dst: str | Path, cut: dt.date | str | None = None
                  ) -> dict[str, tuple[int, int]]:
    """Write src's exports as of the start of day `cut` (default: the day
    of the latest event) to dst, in src's formats; return export ->
    (rows in dst, rows in src)."""
    src, dst = Path(src), Path(dst)
    cut = dt.date.fromisoformat(str(cut)) if cut else latest_event_day(src)
    truth = json.loads((src / TRUTH_FILE).read_text())
    grace = int(truth.get("past_due_grace_days", 30))
    dst.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    params = {"cut": cut.isoformat(), "grace": grace}
    counts: dict[str, tuple[int, int]] = {}
    try:
        files = {}
        for export in EXPORTS:
            path = _file_of(src, export)
            if path is not None:
                files[export] = path
                con.execute(f"create view full_{export} as select * from "
                            f"{reader(path)}")
        for export in files:
            if export == "subscriptions":
                continue
            select, condition = _RULES[export]
            sql = f"create table {export} as select {select} from full_{export} " \
                  f"where {condition}"
            con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
        if "subscriptions" in files:
            con.execute("create view full_lines as select * from "
                        "full_invoice_line_items")
            con.execute("create table subscriptions as " + _SUBSCRIPTIONS,
                        {"cut": params["cut"]})
        for export, path in files.items():
            columns = ", ".join(EXPORTS[export]["columns"])
            out = dst / path.name
            options = ("format parquet, compression zstd" if path.suffix == ".parquet"
                       else "format csv, header true")
            con.execute(f"copy (select {columns} from {export}) to "
                        f"'{str(out).replace(chr(39), chr(39) * 2)}' ({options})")
            counts[export] = (
                con.execute(f"select count(*) from {export}").fetchone()[0],
                con.execute(f"select count(*) from full_{export}").fetchone()[0])
    finally:
        con.close()
    for name in (TRUTH_FILE, COMMENT_TRUTH_FILE):
        if (src / name).is_file():
            shutil.copyfile(src / name, dst / name)
    return counts


def daily_exports(raw_dir: Path) -> tuple[Path, Path, dt.date]:
    """Yesterday's and today's export of a generated set, for the daily
    benchmarks: cut at the start of the latest day with renewals (day of
    month <= 28, the generator's billing days) and of the day after it,
    written once beside the set (<set>_before_<day>) and reused; and the
    new day."""
    new_day = latest_event_day(raw_dir)
    while new_day.day > 28:
        new_day -= dt.timedelta(days=1)
    exports = []
    for cut in (new_day, new_day + dt.timedelta(days=1)):
        folder = raw_dir.parent / f"{raw_dir.name}_before_{cut.isoformat()}"
        if not (folder / TRUTH_FILE).exists():
            shutil.rmtree(folder, ignore_errors=True)
            export_before(raw_dir, folder, cut)
        exports.append(folder)
    return exports[0], exports[1], new_day


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src")
    parser.add_argument("dst")
    parser.add_argument("--before", help="YYYY-MM-DD (default: the day of "
                        "the latest event: hold back one day)")
    args = parser.parse_args(argv)
    counts = export_before(args.src, args.dst, args.before)
    for export, (kept, total) in counts.items():
        print(f"{export}: {kept:,} of {total:,} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
