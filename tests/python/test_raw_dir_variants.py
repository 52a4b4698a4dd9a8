"""RAW_DIR builds of folders that differ from the clean set in ways that
must not matter or must be said: optional exports absent, harmless file
format variations, a system that delivered an empty export. (The injected
bad rows and bad files are in test_raw_dir_build.py; the two modules run in
parallel under `make test`.)"""

from __future__ import annotations

import csv
import shutil

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from conftest import AS_OF, marts_fingerprint, run_cli
from retention_lib import runner
from retention_lib.gates import gate


def test_harmless_format_variations_give_identical_marts(clean_build,
                                                         small_csv_set,
                                                         tmp_path):
    """A BOM, CRLF, CR-only or mixed line ends, line breaks inside quoted
    values, reordered columns, an extra column (named, or unnamed after a
    trailing comma), minimal quoting and Parquet column names with stray
    spaces or capitals change nothing: every row
    is read and the marts equal the clean build's."""
    folder = tmp_path / "raw"
    shutil.copytree(small_csv_set, folder)
    # a quoted value holding CRLF (and another holding CR) in an LF file:
    # customer names, which no mart reads (survey comments would be
    # analysed, so changing their text changes the voice marts)
    customers = pd.read_csv(folder / "customers.csv", dtype=str,
                            keep_default_na=False)
    customers.loc[0, "name"] = "Company\r\nwith a line break"
    customers.loc[1, "name"] = "a\rb"
    customers.to_csv(folder / "customers.csv", index=False, lineterminator="\n",
                     quoting=csv.QUOTE_ALL)
    customers = (folder / "customers.csv").read_bytes()
    (folder / "customers.csv").write_bytes(b"\xef\xbb\xbf" + customers)
    subscriptions = (folder / "subscriptions.csv").read_bytes()
    (folder / "subscriptions.csv").write_bytes(
        subscriptions.replace(b"\n", b"\r\n"))
    payments = pd.read_csv(folder / "payments.csv", dtype=str, keep_default_na=False)
    payments[list(reversed(payments.columns))].to_csv(
        folder / "payments.csv", index=False)
    tickets = pd.read_csv(folder / "tickets.csv", dtype=str, keep_default_na=False)
    tickets.assign(internal_note="x, y").to_csv(folder / "tickets.csv", index=False)
    # a spreadsheet's trailing comma: a column without a name (ignored)
    plans = (folder / "plans.csv").read_text().splitlines()
    (folder / "plans.csv").write_text("\n".join(line + "," for line in plans)
                                      + "\n")
    users = pd.read_csv(folder / "users.csv", dtype=str, keep_default_na=False)
    users.to_csv(folder / "users.csv", index=False)  # quotes only where needed
    # every value quoted, empty comments too
    survey = pd.read_csv(folder / "survey_responses.csv", dtype=str,
                         keep_default_na=False)
    survey.to_csv(folder / "survey_responses.csv", index=False,
                  lineterminator="\n", quoting=csv.QUOTE_ALL)
    # old Mac line ends (CR only), and CRLF and LF mixed in one file
    sends = (folder / "email_sends.csv").read_bytes()
    (folder / "email_sends.csv").write_bytes(sends.replace(b"\n", b"\r"))
    spend = (folder / "marketing_spend.csv").read_bytes().split(b"\n")
    half = len(spend) // 2
    (folder / "marketing_spend.csv").write_bytes(
        b"\r\n".join(spend[:half]) + b"\r\n" + b"\n".join(spend[half:]))
    # Parquet column names with stray spaces and capitals
    orders = pd.read_csv(folder / "orders.csv", dtype=str, keep_default_na=False)
    (folder / "orders.csv").unlink()
    pq.write_table(pa.Table.from_pandas(orders.rename(columns={
        "ordered_at": "ordered_at ", "amount": " Amount"}), preserve_index=False),
        folder / "orders.parquet")
    warehouse = tmp_path / "warehouse"
    # models only: the marts must equal clean_build's, whose data tests ran
    result = run_cli(warehouse, tmp_path / "target", raw_dir=folder, as_of=AS_OF,
                     data_tests=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "raw export 'tickets' has extra column 'internal_note'" in result.stdout
    assert "raw export 'plans' has extra column 'unnamed_column_" in result.stdout
    clean_warehouse, _ = clean_build
    assert marts_fingerprint(warehouse / "retention.duckdb") == marts_fingerprint(
        clean_warehouse / "retention.duckdb")


def test_an_empty_system_is_flagged_never_read_as_inactivity(
        clean_build, small_csv_set, tmp_path, capsys):
    """Header-only events and tickets exports. On a fresh warehouse the
    build publishes with a warning naming each export, the engagement
    metrics NULL (not zero) and the health components of the missing
    systems neutral and flagged. On a warehouse whose last publish had
    those rows, the same folder stops the publish, even with the row-count
    tolerance off.
    The same folder lacks the optional exports of a business without
    one-off orders (the commerce exports and fx_rates): they are said to
    be missing, their staging is empty, the shipped rates stand in, and the
    build passes (one build for both cases)."""
    folder = tmp_path / "raw"
    shutil.copytree(small_csv_set, folder)
    for export in ("events", "tickets"):
        header = (folder / f"{export}.csv").read_text().splitlines()[0]
        (folder / f"{export}.csv").write_text(header + "\n")
    for export in ("orders", "order_items", "returns", "checkouts", "fx_rates"):
        (folder / f"{export}.csv").unlink()
    warehouse = tmp_path / "warehouse"
    result = run_cli(warehouse, tmp_path / "target", raw_dir=folder, as_of=AS_OF)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    for export in ("events", "tickets"):
        assert f"WARNING: export '{export}' has no staged rows" in result.stdout
    assert "optional raw export 'orders' not found" in result.stdout
    assert "using the shipped seeds/sample/fx_rates.csv" in result.stdout
    con = duckdb.connect(str(warehouse / "retention.duckdb"), read_only=True)
    staged = dict(con.execute("""select export_name, staged_rows
                                 from util_export_reconciliation""").fetchall())
    assert staged["orders"] == 0 and staged["fx_rates"] > 0
    health = con.execute("""
        select count(*), count(*) filter (where has_product_data
                                          or has_support_data),
               count(*) filter (where usage_score != 50 or breadth_score != 50
                                or support_score != 50)
        from dim_customer_health""").fetchone()
    assert health[0] > 0 and health[1:] == (0, 0), health
    kpis = con.execute("""select count(*), count(active_users),
                                 count(stickiness_ratio)
                          from fct_retention_kpis_monthly""").fetchone()
    assert kpis[0] > 0 and kpis[1:] == (0, 0), kpis
    con.close()

    # the published warehouse had events and tickets: an empty export now
    # stops the publish, whatever the tolerance. The gates the CLI runs
    # after a build (retention_lib.gates.gate), on this build against the
    # clean build's publish; the CLI's own "gate failed, nothing
    # published" is tested end to end in test_raw_dir_build.py
    clean_warehouse, _ = clean_build
    judged = tmp_path / "judged"
    judged.mkdir()
    shutil.copy(warehouse / "work.duckdb", judged / "work.duckdb")
    shutil.copy((clean_warehouse / "retention.duckdb").resolve(),
                judged / "retention.duckdb")
    manifest = runner.read_manifest(tmp_path / "target" / "manifest.json")
    passed = gate(judged, runner.published_relations(manifest), manifest,
                  {"as_of_date": AS_OF, "publish_row_count_tolerance": None})
    stderr = capsys.readouterr().err
    assert not passed, stderr
    assert "ingest gate: events__profile.row_count" in stderr
    assert "ingest gate: tickets__profile.row_count" in stderr
    assert "nothing published" in stderr
