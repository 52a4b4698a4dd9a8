"""dbt builds on a folder of raw exports (RAW_DIR), the fault-injection suite:
bad rows injected into a generated set end in quarantine under the right
reason (27 cases), reconciliation holds, AS_OF pins as_of_date; bad files
(empty, not UTF-8, wrong delimiter, truncated, malformed, header-only,
missing export or column, unreadable Parquet) fail with one clear error
naming each export and its line or column; a failed build or gate
publishes nothing; no personal value reaches a published table. Harmless
format variations, absent optional exports and empty systems are in
test_raw_dir_variants.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import AS_OF, marts_fingerprint, run_cli, sha
from retention_lib.contract import EXPORTS

pytestmark = pytest.mark.dbt

# (export, marker or key, reason, column). A marker identifies rows whose key
# is missing (matched in raw_values instead of row_key).
EXPECTED = [
    ("customers", "marker:INJ-missing-key", "missing_key", "customer_id"),
    ("customers", "cus_dup", "duplicate_key", "customer_id"),
    ("customers", "cus_badts", "unparseable", "created_at"),
    ("customers", "cus_impossible", "unparseable", "created_at"),
    ("customers", "cus_country", "invalid_format", "country"),
    ("customers", "cus_future", "future_timestamp", "created_at"),
    ("customers", "cus_nocreated", "missing_value", "created_at"),
    ("invoices", "inv_ccy", "unknown_currency", "currency"),
    ("invoices", "inv_comma", "unparseable", "total"),
    ("invoices", "inv_status", "invalid_enum", "status"),
    ("invoices", "inv_absurd", "out_of_range", "total"),
    ("invoices", "inv_orphan", "orphan_reference", "customer_id"),
    ("invoice_line_items", "li_cascade", "orphan_reference", "invoice_id"),
    ("invoice_line_items", "li_period", "invalid_period", "period_end"),
    ("invoice_line_items", "li_type", "invalid_enum", "line_type"),
    ("payments", "pay_negative", "out_of_range", "amount"),
    ("payments", "pay_type", "invalid_enum", "payment_type"),
    ("subscriptions", "sub_seats", "unparseable", "quantity"),
    ("events", "evt_orphan", "orphan_reference", "user_id"),
    ("events", "evt_notime", "missing_value", "occurred_at"),
    ("tickets", "tkt_priority", "invalid_enum", "priority"),
    ("survey_responses", "rsp_nps11", "out_of_range", "score"),
    ("survey_responses", "rsp_csat0", "out_of_range", "score"),
    ("survey_responses", "rsp_text", "unparseable", "score"),
    ("email_sends", "snd_bool", "unparseable", "delivered"),
    ("marketing_spend", "2025-01-15|paid_search_twice", "duplicate_key",
     "spend_date+channel"),
    ("fx_rates", "2025-01-15|JPY", "out_of_range", "rate_to_usd"),
    # numbers too large for their type and impossible dates and times: a
    # reason, never a conversion error
    ("invoices", "inv_huge", "out_of_range", "total"),
    ("invoice_line_items", "li_huge_qty", "out_of_range", "quantity"),
    ("survey_responses", "rsp_huge", "out_of_range", "score"),
    ("order_items", "itm_huge", "out_of_range", "unit_price"),
    ("marketing_spend", "2024-02-30|organic", "unparseable", "spend_date"),
    ("fx_rates", "2025-02-29|EUR", "unparseable", "rate_date"),
    ("events", "evt_hour", "unparseable", "occurred_at"),
    ("tickets", "tkt_feb30", "unparseable", "opened_at"),
    # billing checks
    ("invoice_line_items", "li_negative", "out_of_range", "amount"),
    ("invoice_line_items", "li_credit", "out_of_range", "amount"),
    ("invoice_line_items", "li_discount", "out_of_range", "discount_amount"),
    ("invoice_line_items", "li_2099", "invalid_period", "period_end"),
    ("invoice_line_items", "li_1900", "no_fx_rate", "period_start"),
    ("invoice_line_items", "li_ccy", "currency_mismatch", "currency"),
    ("invoices", "inv_1900", "no_fx_rate", "issued_at"),
    ("invoices", "inv_sum", "inconsistent_amounts", "total"),
    ("payments", "pay_ccy", "currency_mismatch", "currency"),
    ("payments", "pay_pii", "unparseable", "amount"),
    ("subscriptions", "sub_cancel", "inconsistent_dates", "canceled_at"),
    ("subscriptions", "sub_trial", "inconsistent_dates", "trial_end"),
    ("orders", "ord_1900", "no_fx_rate", "ordered_at"),
    ("orders", "ord_inf", "unparseable", "amount"),
    ("marketing_spend", "2099-06-01|organic", "no_fx_rate", "spend_date"),
    ("invoices", "inv_old_usd", "out_of_range", "issued_at"),
    ("invoice_line_items", "li_neg_qty", "out_of_range", "quantity"),
    ("customers", "cus_year0", "unparseable", "created_at"),
    ("customers", "cus_offset", "unparseable", "created_at"),
    # quarantined rows that must not block the publish: the freshness gate
    # reads the staged events
    ("events", "evt_future", "future_timestamp", "occurred_at"),
    # personal data inside free text never reaches raw_values
    ("survey_responses", "rsp_pii", "unparseable", "score"),
]
PERSONAL_TEXT = ("call me on +49 30 1234 5678 or jane.doe@example.com, "
                 "Jane Doe")
PARQUET_EXPORTS = ("events", "invoices", "plans", "fx_rates")


def add_rows(frames: dict[str, pd.DataFrame], export: str, rows: list[dict]):
    frame = frames[export]
    new = pd.DataFrame([{**frame.iloc[0].to_dict(), **row} for row in rows])
    frames[export] = pd.concat([frame, new], ignore_index=True)


def inject(frames: dict[str, pd.DataFrame]) -> None:
    """Append one bad row per case of EXPECTED (plus the exact duplicate and
    the tz-offset row, which must be staged)."""
    first_customer = frames["customers"].iloc[0]
    add_rows(frames, "customers", [
        {"customer_id": "", "segment": "INJ-missing-key"},
        {"customer_id": "cus_dup", "name": "A"},
        {"customer_id": "cus_dup", "name": "B"},
        {"customer_id": "cus_badts", "created_at": "yesterday"},
        {"customer_id": "cus_impossible", "created_at": "2024-02-30T10:00:00Z"},
        {"customer_id": "cus_country", "country": "usa"},
        {"customer_id": "cus_future", "created_at": "2999-01-01T00:00:00Z"},
        {"customer_id": "cus_nocreated", "created_at": ""},
    ])
    # an exact duplicate of an existing row: collapsed, counted, staged once
    frames["customers"] = pd.concat(
        [frames["customers"], first_customer.to_frame().T], ignore_index=True)
    add_rows(frames, "invoices", [
        {"invoice_id": "inv_ccy", "currency": "XYZ"},
        {"invoice_id": "inv_comma", "total": "12,50"},
        {"invoice_id": "inv_status", "status": "settled"},
        {"invoice_id": "inv_absurd", "total": "999999999999.00"},
        {"invoice_id": "inv_orphan", "customer_id": "cus_nope"},
    ])
    add_rows(frames, "invoice_line_items", [
        {"line_item_id": "li_cascade", "invoice_id": "inv_ccy"},
        {"line_item_id": "li_period", "period_start": "2025-02-01T00:00:00Z",
         "period_end": "2025-01-01T00:00:00Z"},
        {"line_item_id": "li_type", "line_type": "tax"},
    ])
    add_rows(frames, "payments", [
        {"payment_id": "pay_negative", "amount": "-5.00"},
        {"payment_id": "pay_type", "payment_type": "chargeback"},
    ])
    add_rows(frames, "subscriptions", [
        {"subscription_id": "sub_seats", "quantity": "2.5"}])
    add_rows(frames, "events", [
        {"event_id": "evt_orphan", "user_id": "usr_nope"},
        {"event_id": "evt_notime", "occurred_at": ""},
    ])
    add_rows(frames, "tickets", [
        {"ticket_id": "tkt_priority", "priority": "critical"}])
    add_rows(frames, "survey_responses", [
        {"response_id": "rsp_nps11", "survey_type": "nps", "score": "11"},
        {"response_id": "rsp_csat0", "survey_type": "csat", "score": "0"},
        {"response_id": "rsp_text", "survey_type": "nps", "score": "ten"},
    ])
    add_rows(frames, "email_sends", [
        {"send_id": "snd_bool", "delivered": "maybe"}])
    add_rows(frames, "marketing_spend", [
        {"spend_date": "2025-01-15", "channel": "paid_search_twice",
         "amount": "1.00"},
        {"spend_date": "2025-01-15", "channel": "paid_search_twice",
         "amount": "2.00"},
        {"spend_date": "2024-02-30", "channel": "organic"},
        {"spend_date": "2099-06-01", "channel": "organic", "currency": "EUR"},
    ])
    add_rows(frames, "fx_rates", [
        {"rate_date": "2025-01-15", "currency": "JPY", "rate_to_usd": "-0.01"},
        {"rate_date": "2025-02-29", "currency": "EUR", "rate_to_usd": "1.1"}])
    inject_overflow_and_billing_checks(frames)
    pad_keys_and_offset_timestamps(frames)


def inject_overflow_and_billing_checks(frames: dict[str, pd.DataFrame]) -> None:
    """Rows the billing checks, the overflow guards and the staged-only
    gates must handle (the later cases of EXPECTED)."""
    add_rows(frames, "invoices", [
        {"invoice_id": "inv_huge", "total": "123456789012345678901.00"},
        {"invoice_id": "inv_1900", "currency": "GBP",
         "issued_at": "1900-01-05T00:00:00Z", "due_at": "1900-01-19T00:00:00Z"},
        {"invoice_id": "inv_sum", "subtotal": "100.00", "discount": "0.00",
         "tax": "0.00", "total": "90.00"},
        {"invoice_id": "inv_old_usd", "currency": "USD",
         "issued_at": "1900-01-05T00:00:00Z"},
    ])
    add_rows(frames, "customers", [
        {"customer_id": "cus_year0", "created_at": "0000-01-01T00:00:00Z"},
        {"customer_id": "cus_offset", "created_at": "2024-02-10T10:00:00+25:00"},
    ])
    invoice = frames["invoices"].iloc[0]
    add_rows(frames, "invoice_line_items", [
        {"line_item_id": "li_huge_qty", "quantity": "12345678901234567890"},
        {"line_item_id": "li_neg_qty", "quantity": "-2"},
        {"line_item_id": "li_negative", "line_type": "subscription",
         "amount": "-58.00", "discount_amount": "0.00"},
        {"line_item_id": "li_credit", "line_type": "credit", "amount": "5.00",
         "discount_amount": "0.00"},
        {"line_item_id": "li_discount", "amount": "10.00",
         "discount_amount": "12.00"},
        {"line_item_id": "li_2099", "line_type": "subscription",
         "period_end": "2099-01-01T00:00:00Z"},
        {"line_item_id": "li_1900", "currency": "EUR",
         "period_start": "1900-01-01T00:00:00Z",
         "period_end": "1900-02-01T00:00:00Z"},
        {"line_item_id": "li_ccy",
         "currency": "EUR" if invoice["currency"] != "EUR" else "GBP"},
    ])
    payment_invoice = frames["invoices"].set_index("invoice_id").loc[
        frames["payments"].iloc[0]["invoice_id"]]
    add_rows(frames, "payments", [
        {"payment_id": "pay_ccy",
         "currency": "EUR" if payment_invoice["currency"] != "EUR" else "GBP"},
        {"payment_id": "pay_pii", "amount": "abc",
         "failure_reason": PERSONAL_TEXT},
    ])
    add_rows(frames, "subscriptions", [
        {"subscription_id": "sub_cancel", "canceled_at": "2000-01-01T00:00:00Z"},
        {"subscription_id": "sub_trial", "trial_start": "2025-05-10T00:00:00Z",
         "trial_end": "2025-05-01T00:00:00Z"},
    ])
    add_rows(frames, "survey_responses", [
        {"response_id": "rsp_huge", "score": "12345678901234567890"},
        {"response_id": "rsp_pii", "score": "ten", "comment": PERSONAL_TEXT},
    ])
    add_rows(frames, "order_items", [
        {"order_item_id": "itm_huge", "unit_price": "1" + "0" * 20}])
    add_rows(frames, "orders", [
        {"order_id": "ord_1900", "currency": "CAD",
         "ordered_at": "1900-03-01T00:00:00Z"},
        {"order_id": "ord_inf", "amount": "Infinity"},
    ])
    add_rows(frames, "events", [
        {"event_id": "evt_hour", "occurred_at": "2025-03-01T25:00:00Z"},
        {"event_id": "evt_future", "occurred_at": "2099-01-01T00:00:00Z"},
    ])
    add_rows(frames, "tickets", [
        {"ticket_id": "tkt_feb30", "opened_at": "2025-02-30T10:00:00Z"}])


def pad_keys_and_offset_timestamps(frames: dict[str, pd.DataFrame]) -> None:
    """Valid rows written differently: keys padded with tabs, no-break
    spaces and line breaks, and a timestamp with a +02:00 offset naming the
    same instant. They must stage as the clean rows do (marts unchanged)."""
    frames["invoices"].loc[1, "customer_id"] = (
        "\t" + frames["invoices"].loc[1, "customer_id"] + "\u00a0")
    frames["invoice_line_items"].loc[2, "invoice_id"] = (
        frames["invoice_line_items"].loc[2, "invoice_id"] + " \t")
    frames["users"].loc[3, "user_id"] = "\u2003" + frames["users"].loc[3, "user_id"]
    frames["events"].loc[4, "user_id"] = frames["events"].loc[4, "user_id"] + "\n"
    ordered = pd.Timestamp(frames["orders"].loc[1, "ordered_at"])
    frames["orders"].loc[1, "ordered_at"] = (
        ordered.tz_convert("Etc/GMT-2").strftime("%Y-%m-%dT%H:%M:%S+02:00"))


def write_folder(frames: dict[str, pd.DataFrame], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for export, frame in frames.items():
        if export in PARQUET_EXPORTS:
            table = pa.Table.from_pandas(
                frame.replace("", None), preserve_index=False,
                schema=pa.schema([(c, pa.string()) for c in frame.columns]))
            pq.write_table(table, folder / f"{export}.parquet")
        else:
            frame.to_csv(folder / f"{export}.csv", index=False)


def read_frames(folder: Path) -> dict[str, pd.DataFrame]:
    return {export: pd.read_csv(folder / f"{export}.csv", dtype=str,
                                keep_default_na=False)
            for export in EXPORTS}



@pytest.fixture(scope="module")
def injected(small_csv_set, tmp_path_factory) -> Path:
    frames = read_frames(small_csv_set)
    inject(frames)
    folder = tmp_path_factory.mktemp("raw_injected")
    write_folder(frames, folder)
    return folder


@pytest.fixture(scope="module")
def published(injected, tmp_path_factory):
    """One successful build on the injected folder (threshold relaxed)."""
    warehouse = tmp_path_factory.mktemp("warehouse")
    target = tmp_path_factory.mktemp("target")
    result = run_cli(warehouse, target, raw_dir=injected, as_of="2025-12-31",
                     dbt_vars="{quarantine_max_share: 0.5}")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return warehouse, target, result


def test_every_injected_row_is_quarantined_under_its_reason(published):
    warehouse, _, result = published
    con = duckdb.connect(str(warehouse / "retention.duckdb"), read_only=True)
    rows = con.execute("""select export_name, row_key, reason, column_name,
                                 raw_values from util_quarantined_rows""").fetchall()
    found = {}
    for export, key, reason, column, raw in rows:
        found.setdefault((export, key), set()).add((reason, column))
        if key is None:
            marker = raw.split("segment=")[1].split(";")[0] if "segment=" in raw else ""
            found.setdefault((export, f"marker:{marker}"), set()).add(
                (reason, column))
    for export, key, reason, column in EXPECTED:
        assert (reason, column) in found.get((export, key), set()), (
            export, key, found.get((export, key)))
    injected_keys = {(e, k) for e, k, _, _ in EXPECTED}
    unexpected = {k for k in found if k not in injected_keys and k[1] is not None
                  and not k[1].startswith("marker:")}
    assert unexpected == set(), "quarantined rows nobody injected"
    # warnings name the export and reason
    assert "WARNING: quarantined" in result.stdout
    assert "of export 'invoices': unknown_currency (currency)" in result.stdout


def test_reconciliation_holds_and_duplicates_are_counted(published, injected):
    warehouse, _, _ = published
    con = duckdb.connect(str(warehouse / "retention.duckdb"), read_only=True)
    recon = {r[0]: r[1:] for r in con.execute(
        """select export_name, raw_rows, staged_rows, quarantined_rows,
                  duplicate_rows_removed from util_export_reconciliation""").fetchall()}
    for export in EXPORTS:
        raw, staged, quarantined, dupes = recon[export]
        path = next(injected.glob(f"{export}.*"))
        file_rows = duckdb.connect().execute(
            f"select count(*) from '{path}'").fetchone()[0]
        assert raw == file_rows == staged + quarantined + dupes, export
    assert recon["customers"][3] == 1  # the exact duplicate


def test_as_of_pins_the_date_and_offsets_convert_to_utc(published,
                                                       small_csv_set):
    warehouse, _, _ = published
    con = duckdb.connect(str(warehouse / "retention.duckdb"), read_only=True)
    assert str(con.execute("select as_of_date from util_as_of_date").fetchone()[0]) \
        == "2025-12-31"
    order = pd.read_csv(small_csv_set / "orders.csv", dtype=str).iloc[1]
    work = duckdb.connect(str(warehouse / "work.duckdb"), read_only=True)
    ordered = work.execute("""select ordered_at from main.stg_commerce__orders
                              where order_id = ?""",
                           [order["order_id"]]).fetchone()[0]
    work.close()
    assert pd.Timestamp(ordered) == pd.Timestamp(
        order["ordered_at"]).tz_localize(None)


def test_quarantine_over_threshold_fails_and_publishes_nothing(published, injected):
    warehouse, target, _ = published
    before = sha(warehouse / "retention.duckdb")
    result = run_cli(warehouse, target, raw_dir=injected,
                     dbt_vars="{quarantine_max_share: 0.001}")
    assert result.returncode != 0
    assert "quarantine_within_threshold" in result.stdout
    assert "nothing published" in result.stderr
    assert sha(warehouse / "retention.duckdb") == before


@pytest.mark.parametrize(("breakage", "message"), [
    ("missing_export", "raw export 'customers' not found"),
    ("missing_column", "raw export 'users'"),
    ("unreadable_file", "events.parquet"),
])
def test_bad_folder_fails_naming_export_and_column(published, small_csv_set,
                                                   tmp_path, breakage, message):
    warehouse, target, _ = published
    before = sha(warehouse / "retention.duckdb")
    folder = tmp_path / "raw"
    shutil.copytree(small_csv_set, folder)
    if breakage == "missing_export":
        (folder / "customers.csv").unlink()
    elif breakage == "missing_column":
        frame = pd.read_csv(folder / "users.csv", dtype=str)
        frame.drop(columns=["email"]).to_csv(folder / "users.csv", index=False)
        message += " (" + str(folder / "users.csv") + ") is missing column 'email'"
    else:
        (folder / "events.csv").unlink()
        (folder / "events.parquet").write_bytes(b"PAR1 this is not parquet")
    result = run_cli(warehouse, target, raw_dir=folder)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert sha(warehouse / "retention.duckdb") == before


def test_quarantine_shows_no_personal_values(published, small_csv_set):
    """Names and emails of quarantined customer and user rows are masked."""
    warehouse, _, _ = published
    con = duckdb.connect(str(warehouse / "retention.duckdb"), read_only=True)
    raw = " ".join(r[0] for r in con.execute(
        "select raw_values from util_quarantined_rows "
        "where export_name = 'customers'").fetchall())
    assert "; email=<personal:" in raw and "@" not in raw
    assert "name=A;" not in raw and "name=<personal:" in raw
    # free text a person typed (a comment, a failure reason) is masked
    # whole: an e-mail, a phone number or a name inside it stays out
    everything = " ".join(r[0] for r in con.execute(
        "select raw_values from util_quarantined_rows").fetchall())
    for secret in ("jane.doe", "example.com", "1234 5678", "Jane Doe"):
        assert secret not in everything, secret
    assert "comment=<personal:" in everything
    assert "failure_reason=<personal:" in everything


def test_only_quarantined_rows_changed_so_no_published_mart_changed(
        published, clean_build):
    """The injected folder is the clean set plus rows that are all
    quarantined (or exact duplicates), with keys padded by tabs and other
    white space and a timestamp written with an offset: every published
    mart equals the clean build's, table by table; only the quarantine and
    the reconciliation differ."""
    warehouse, _, _ = published
    clean_warehouse, _ = clean_build
    injected = marts_fingerprint(warehouse / "retention.duckdb")
    clean = marts_fingerprint(clean_warehouse / "retention.duckdb")
    assert injected.keys() == clean.keys()
    differing = {name for name in clean if injected[name] != clean[name]}
    assert differing == {"util_quarantined_rows", "util_export_reconciliation"}


def test_a_failed_gate_publishes_nothing(published, injected):
    """Every model builds, but the KPIs leave a (deliberately narrow)
    plausible band: the Great Expectations gate stops the publish. (The
    data tests are left out: `published` ran them on the same data.)"""
    warehouse, target, _ = published
    before = sha(warehouse / "retention.duckdb")
    result = run_cli(warehouse, target, raw_dir=injected, as_of=AS_OF,
                     dbt_vars="{quarantine_max_share: 0.5, kpi_plausible_bands: "
                              "{nrr_monthly: [1.5, 2.0]}}", data_tests=False)
    assert result.returncode == 1, result.stdout[-2000:]
    assert " ERROR=0 " in result.stdout  # every model built
    assert ("publish gate: fct_retention_kpis_monthly__recent_complete."
            "nrr_monthly") in result.stderr
    assert "Great Expectations gate failed: nothing published" in result.stderr
    assert sha(warehouse / "retention.duckdb") == before


def break_files(folder: Path) -> list[str]:
    """Corrupt one file per export in distinct ways; the messages expected."""
    def lines(export):
        return (folder / f"{export}.csv").read_text().splitlines()

    def write(export, rows):
        (folder / f"{export}.csv").write_text("\n".join(rows) + "\n")

    (folder / "tickets.csv").write_bytes(b"")
    with open(folder / "customers.csv", "ab") as handle:
        handle.write(b'"cus_latin","Caf\xe9 GmbH","x@y.de","DE","smb","organic",'
                     b'"2025-01-01T00:00:00Z"\n')
    payments = lines("payments")
    write("payments", [row.replace(",", ";") for row in payments])
    invoice_bytes = (folder / "invoices.csv").read_bytes()
    (folder / "invoices.csv").write_bytes(invoice_bytes[:-25])
    write("plans", lines("plans")[:1])
    users = lines("users")
    users[5] += ',"surplus"'
    write("users", users)
    events = lines("events")
    events[7] = events[7][:-1]  # a quote left open to the end of the file
    write("events", events)
    (folder / "email_sends.csv").unlink()
    survey = lines("survey_responses")
    write("survey_responses", [survey[0].replace('"score",', "")] + survey[1:3])
    checkouts = lines("checkouts")
    write("checkouts", [checkouts[0] + ',"Order_ID "'] + [
        row + ",x" for row in checkouts[1:]])
    # Parquet: ' Unit_Price' is fine (names are trimmed, case-folded), but
    # 'quantity' and 'Quantity ' are the same column twice
    items = pd.read_csv(folder / "order_items.csv", dtype=str)
    (folder / "order_items.csv").unlink()
    pq.write_table(pa.Table.from_arrays(
        [pa.array(items[c]) for c in ("order_item_id", "order_id", "product_id",
                                      "quantity", "unit_price", "quantity")],
        names=["order_item_id", "order_id", "product_id", "quantity",
               " Unit_Price", "Quantity "]), folder / "order_items.parquet")
    return [
        "raw export 'tickets' (" + str(folder / "tickets.csv") + ") is empty",
        "raw export 'customers' (" + str(folder / "customers.csv")
        + ") is not UTF-8 encoded",
        "raw export 'payments' (" + str(folder / "payments.csv")
        + ") is not comma-separated: its header line uses ';'",
        "raw export 'invoices' (" + str(folder / "invoices.csv") + ") line ",
        "raw export 'plans' (" + str(folder / "plans.csv")
        + ") has a header but no rows",
        "raw export 'users' (" + str(folder / "users.csv")
        + ") line 6: TOO MANY COLUMNS",
        "raw export 'events' (" + str(folder / "events.csv") + ") line 8",
        "raw export 'email_sends' not found",
        "raw export 'survey_responses' (" + str(folder / "survey_responses.csv")
        + ") is missing column 'score'",
        "raw export 'checkouts' (" + str(folder / "checkouts.csv")
        + ") has column 'order_id' more than once",
        "raw export 'order_items' (" + str(folder / "order_items.parquet")
        + ") has column 'quantity' more than once",
    ]


def test_bad_files_fail_once_naming_every_export(published, small_csv_set,
                                                 tmp_path):
    warehouse, target, _ = published
    before = sha(warehouse / "retention.duckdb")
    folder = tmp_path / "raw"
    shutil.copytree(small_csv_set, folder)
    expected = break_files(folder)
    result = run_cli(warehouse, target, raw_dir=folder)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert f"{len(expected)} problem(s) with the raw exports" in output
    for message in expected:
        assert message in output, message
    assert "Traceback" not in result.stderr
    assert sha(warehouse / "retention.duckdb") == before
