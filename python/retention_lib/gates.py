"""Great Expectations gates run between `dbt build` and publishing.

Two checkpoints, both on pandas frames read from the working DuckDB
database (Great Expectations 1.24's SQL datasource on DuckDB errors on every
expectation without failing, so the data goes through pandas):

- ingest: every raw export as loaded: contract columns, volumes (never-empty
  exports have rows; raw rows within a tolerance of the last publish's),
  value ranges (keys present, amounts, survey scores, parseable timestamps)
  and freshness of the product events against as_of_date.
- publish: every published relation: exactly its documented columns, each
  rate and share within its bounds, the headline KPIs of the recent
  complete months inside plausible bands, and row counts within a
  tolerance of the last publish's.

An expectation that errors (e.g. a column that is not there) counts as a
failure. A published relation larger than var gate_sample_rows, and a raw
export larger than var ingest_gate_sample_rows, is validated on a repeatable
sample of about that many rows; its row count and the latest event are exact
(a one-row "<table>__profile" frame computed in DuckDB). Of a raw export
or a published relation, only the columns an expectation reads are read
(keys, amounts, timestamps and scores; the rate columns; all of the KPI
mart): the others stay empty in the frame, whose column set is still
checked. Data Docs HTML is written to
<warehouse>/quality/.
"""

from __future__ import annotations

import logging
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from retention_lib import runner
from retention_lib.contract import EXPORTS
from retention_lib.quality_page import write_quality_page

# Rates and shares that are fractions of a whole. Everything named *_rate or
# *_share is in [0, 1] unless listed here with its own bounds (None = open).
RATE_PATTERN = re.compile(r"(_rate|_share|^stickiness_ratio|^dau_mau_ratio|^grr_.*)$")
OPEN_BOUNDS = {
    "mrr_growth_rate": (-1, None),
    "existing_customer_revenue_growth_rate": (-1, None),
    "net_revenue_churn_rate": (None, 1),
    "expansion_mrr_rate": (0, None),
    "revenue_retention_rate": (0, None),
}
AMOUNT_COLUMNS = {"amount", "total", "subtotal", "list_price", "unit_price"}
TIMESTAMP_SUFFIXES = ("_at", "_date")


@dataclass
class GateResult:
    name: str
    failures: list[str] = field(default_factory=list)
    checked: int = 0
    # one dict per expectation checked, for the quality page
    records: list[dict] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return not self.failures


def rate_bounds(column: str) -> tuple[float | None, float | None] | None:
    """(min, max) for a rate or share column, None for any other column."""
    if column.startswith("previous_") or column.endswith("_change"):
        return None
    if column in OPEN_BOUNDS:
        return OPEN_BOUNDS[column]
    if RATE_PATTERN.search(column):
        return (0, 1)
    return None


def _count_bounds(previous: int | None, tolerance: float | None):
    if previous is None or tolerance is None or previous == 0:
        return None
    return (int(previous * (1 - tolerance)), int(previous * (1 + tolerance)) + 1)


def mart_expectations(name: str, columns, declared: list[str] | None,
                      bands: dict) -> list:
    import great_expectations.expectations as gxe  # noqa: PLC0415

    out = []
    if declared:
        out.append(gxe.ExpectTableColumnsToMatchSet(
            column_set=declared, exact_match=True))
    for column in columns:
        bounds = rate_bounds(column)
        if bounds is not None:
            out.append(gxe.ExpectColumnValuesToBeBetween(
                column=column, min_value=bounds[0], max_value=bounds[1]))
    if name == "fct_retention_kpis_monthly__recent_complete":
        for column, (low, high) in bands.items():
            out.append(gxe.ExpectColumnValuesToBeBetween(
                column=column, min_value=low, max_value=high))
    return out


def raw_expectations(export: str, has_rows: bool, settings: dict) -> list:
    """A raw export's expectations: its contract's columns present and,
    when it has rows, the shares of rows with a key, a parseable amount or
    timestamp and a score in range (each at least 1 - quarantine_max_share;
    read from the <col>__number and <col>__parsed companions that
    with_parsed_columns adds)."""
    import great_expectations.expectations as gxe  # noqa: PLC0415

    contract = EXPORTS[export]
    mostly = max(0.0, 1 - float(settings["quarantine_max_share"]))
    out = [gxe.ExpectTableColumnsToMatchSet(
        column_set=[*contract["columns"]], exact_match=False)]
    if not has_rows:
        return out
    for key in contract["key"]:
        out.append(gxe.ExpectColumnValuesToNotBeNull(column=key, mostly=mostly))
    limit = float(settings["max_plausible_amount"])
    for column in contract["columns"]:
        if column in AMOUNT_COLUMNS:
            out.append(gxe.ExpectColumnValuesToBeBetween(
                column=f"{column}__number", min_value=-limit, max_value=limit,
                mostly=mostly))
        if column.endswith(TIMESTAMP_SUFFIXES):
            out.append(gxe.ExpectColumnValuesToNotBeNull(
                column=f"{column}__parsed", mostly=mostly))
    if export == "survey_responses":
        out.append(gxe.ExpectColumnValuesToBeBetween(
            column="score__number", min_value=0, max_value=10, mostly=mostly))
    return out


def raw_columns_read(expectations: list) -> set[str]:
    """The raw columns that raw_expectations read (a companion column
    <col>__number or <col>__parsed reads <col>)."""
    return {re.sub(r"__(number|parsed)$", "", e.column) for e in expectations
            if getattr(e, "column", None)}


def profile_expectations(previous_rows: int | None, tolerance: float | None,
                         at_least_one: bool, freshness: tuple | None) -> list:
    """On a table's one-row profile (exact figures of the whole table, even
    when its rows were sampled): row_count at least 1 when the table must
    not be empty or had rows at the last publish, row_count within the
    tolerance of the last publish and, for the product events, the latest
    staged occurred_at against as_of_date."""
    import great_expectations.expectations as gxe  # noqa: PLC0415

    out = []
    # a table that had rows at the last publish must not drop to none,
    # whatever the tolerance: an empty export reads as "customers did nothing"
    if at_least_one or (previous_rows or 0) > 0:
        out.append(gxe.ExpectColumnValuesToBeBetween(column="row_count", min_value=1))
    counts = _count_bounds(previous_rows, tolerance)
    if counts is not None:
        out.append(gxe.ExpectColumnValuesToBeBetween(
            column="row_count", min_value=counts[0], max_value=counts[1]))
    if freshness is not None:
        out.append(gxe.ExpectColumnValuesToBeBetween(
            column="occurred_at_max", min_value=freshness[0],
            max_value=freshness[1]))
    return out


def with_parsed_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The raw text frame plus <col>__number / <col>__parsed companions."""
    extra = {}
    for column in frame.columns:
        text = frame[column].astype("string").str.strip()
        if column in AMOUNT_COLUMNS or column == "score":
            extra[f"{column}__number"] = pd.to_numeric(text, errors="coerce")
        if column.endswith(TIMESTAMP_SUFFIXES):
            parsed = pd.to_datetime(text, errors="coerce", utc=True,
                                    format="ISO8601").dt.tz_localize(None)
            # a value that was never there is not a parsing failure (a
            # missing required value is staging's job): an epoch stand-in
            extra[f"{column}__parsed"] = parsed.mask(
                text.isna(), pd.Timestamp("1970-01-01"))
    return pd.concat([frame, pd.DataFrame(extra, index=frame.index)], axis=1)


class _Runner:
    """One in-memory Great Expectations context; its Data Docs site is
    written under <root> (emptied first)."""

    def __init__(self, root: Path):
        import great_expectations as gx  # noqa: PLC0415
        from great_expectations.execution_engine import (  # noqa: PLC0415
            pandas_execution_engine,
        )

        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        # Great Expectations fingerprints every frame under this size (an md5
        # of pandas' hash of every row) for a batch marker the gates never
        # read: about 3 of the 19.5 s the gates took at 50,000 customers
        # (DECISIONS 116). Zero: no frame is fingerprinted.
        pandas_execution_engine.HASH_THRESHOLD = 0
        root = root.resolve()  # the Data Docs store wants an absolute path
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        self.gx = gx
        self.root = root
        # in memory: a file context re-reads and rewrites its YAML on every
        # call (19 s against 14 s on the sample); only Data Docs go to disk
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = {
            "globally": False, "metric_calculations": False}
        self.context.add_data_docs_site(site_name="retention", site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(root)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}})
        source = self.context.data_sources.add_or_update_pandas(name="warehouse")
        # one asset and batch definition for every frame (each frame comes
        # with its run): adding them per table re-serialised the context's
        # whole configuration twice per table; results are filed under the
        # suite's name (ingest__<export>, publish__<relation>) all the same
        self.batch = source.add_dataframe_asset(
            name="frame").add_batch_definition_whole_dataframe(name="frame")

    def validate(self, gate: GateResult, table: str, frame: pd.DataFrame,
                 expectations: list) -> None:
        gx = self.gx
        name = f"{gate.name}__{table}"
        # the suite whole (adding expectations one by one saves the suite
        # each time), and the validation definition run on its own: it
        # stores its result for the Data Docs as a checkpoint run does, and
        # a checkpoint of one definition only added its own bookkeeping
        suite = self.context.suites.add_or_update(
            gx.ExpectationSuite(name=name, expectations=expectations))
        definition = self.context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=name, data=self.batch, suite=suite))
        run = definition.run(batch_parameters={"dataframe": frame})
        for item in run.results:
            gate.checked += 1
            raised = (item.exception_info or {}).get("raised_exception", False)
            config = item.expectation_config
            column = config.kwargs.get("column")
            observed = (item.result or {}).get("observed_value")
            unexpected = (item.result or {}).get("partial_unexpected_list")
            gate.records.append({
                "table": table, "expectation": config.type,
                "column": column, "bounds": _bounds(config.kwargs),
                "success": bool(item.success and not raised),
                "observed": observed if observed is not None else (
                    f"unexpected e.g. {unexpected[:3]!r}" if unexpected
                    else None)})
            if item.success and not raised:
                continue
            detail = ("errored: " + str(item.exception_info.get(
                "exception_message"))[:200] if raised else
                f"observed {observed!r}" if observed is not None else
                f"unexpected values e.g. {unexpected[:3]!r}")
            gate.failures.append(
                f"{gate.name} gate: {table}"
                f"{'.' + column if column else ''}: {config.type} "
                f"({_bounds(config.kwargs)}) failed, {detail}")

    def build_docs(self, results: list[GateResult], as_of_date=None) -> Path:
        """Great Expectations' Data Docs (their index renamed ge_index.html:
        it needs CDNs) and the project's offline page as index.html."""
        self.context.build_data_docs(site_names=["retention"])
        (self.root / "index.html").rename(self.root / "ge_index.html")
        return write_quality_page(self.root, results, as_of_date)


def _bounds(kwargs: dict) -> str:
    parts = [f"{k}={kwargs[k]}" for k in ("min_value", "max_value", "mostly",
                                           "column_set") if kwargs.get(k) is not None]
    return ", ".join(parts)


def _previous_counts(published: Path) -> tuple[dict, dict]:
    """Row counts per relation and raw rows per export of the last publish."""
    if not published.exists():
        return {}, {}
    con = duckdb.connect(str(published), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables").fetchall()]
        counts = {t: con.execute(f'select count(*) from "{t}"').fetchone()[0]
                  for t in tables}
        raw = {}
        if "util_export_reconciliation" in tables:
            raw = dict(con.execute("""select export_name, raw_rows
                                      from util_export_reconciliation""").fetchall())
    finally:
        con.close()
    return counts, raw


def _columns(con, relation: str) -> list[str]:
    return [d[0] for d in con.execute(
        f"select * from {relation} limit 0").description]


def _read(con, schema: str, table: str, limit: int,
          read: set[str] | None = None) -> tuple[pd.DataFrame, int]:
    """The table as a dataframe, or a repeatable sample of about `limit`
    rows when it is larger (row-level expectations carry a `mostly` or hold
    for every row of the sample); and its exact row count. The sample keeps
    each row with probability limit / rows (Bernoulli): a reservoir sample
    returns its rows out of order and took 17 s to hand 1 M of the 10.7 M
    events to pandas, this one 2 s. `read`, when given, is the columns the
    expectations read: only those are read, the frame keeps every other
    column of the table empty (its column set is still checked), and a
    table with none is not read at all."""
    relation = f'"{schema}"."{table}"'
    rows = con.execute(f"select count(*) from {relation}").fetchone()[0]
    columns = _columns(con, relation)
    selected = [c for c in columns if read is None or c in read]
    if not selected:
        return pd.DataFrame(columns=columns), rows
    select = ", ".join('"' + c.replace('"', '""') + '"' for c in selected)
    sample = ""
    if rows > limit:
        percent = 100.0 * limit / rows
        sample = f" using sample bernoulli({percent!r} percent) repeatable (42)"
    frame = con.execute(f"select {select} from {relation}{sample}").df()
    return frame.reindex(columns=columns), rows


def run_gates(work_db: Path, published: Path, relations: list[tuple[str, str]],
              sources: dict[str, tuple[str, str]], settings: dict,
              quality_dir: Path, declared: dict[str, list[str]] | None,
              staged_events: tuple[str, str],
              row_count_exempt: set[str] = frozenset()
              ) -> tuple[list[GateResult], Path]:
    """Run the ingest and publish checkpoints; returns both results and the
    Data Docs index. `declared`: the documented columns of each relation
    (the published columns must be exactly these). `staged_events`: the
    (schema, table) of the staged product events, whose latest event is
    the freshness figure: a row that was quarantined (dated 2099, say) must
    not count as fresh data, nor fail the gate. `row_count_exempt`: the
    relations whose row count is no volume of data (fitted parameters):
    they are held only to never dropping to zero rows."""
    declared = declared or {}
    previous, previous_raw = _previous_counts(published)
    runner = _Runner(quality_dir)
    con = duckdb.connect(str(work_db), read_only=True)
    try:
        settings = dict(settings)
        if settings.get("as_of_date") is None:
            schema = dict((n, s) for s, n in relations)["util_as_of_date"]
            settings["as_of_date"] = con.execute(
                f'select as_of_date from "{schema}".util_as_of_date').fetchone()[0]
        limit = int(settings["gate_sample_rows"])
        # every row-level check of a raw export is a share (`mostly`): a
        # smaller sample estimates it well enough (DECISIONS 126)
        raw_limit = int(settings["ingest_gate_sample_rows"])
        tolerance = settings["publish_row_count_tolerance"]
        as_of = pd.Timestamp(settings["as_of_date"])
        ingest = GateResult("ingest")
        for export, (schema, table) in sorted(sources.items()):
            # only the columns the row checks read: the other columns of
            # a 10 M-row export cost 1.1 of the 1.5 s its sample took
            expectations = raw_expectations(export, True, settings)
            frame, rows = _read(con, schema, table, raw_limit,
                                raw_columns_read(expectations))
            if frame.empty:
                expectations = raw_expectations(export, False, settings)
            runner.validate(ingest, export, with_parsed_columns(frame),
                            expectations)
            profile = pd.DataFrame({"row_count": [rows]})
            freshness = None
            if export == "events" and rows:
                latest = con.execute(
                    "select max(occurred_at) from "
                    '"{}"."{}"'.format(*staged_events)).fetchone()[0]
                profile["occurred_at_max"] = pd.Series([latest],
                                                       dtype="datetime64[us]")
                freshness = (as_of - pd.Timedelta(
                    days=settings["ingest_freshness_days"]),
                    as_of + pd.Timedelta(days=1))
            runner.validate(ingest, f"{export}__profile", profile,
                            profile_expectations(
                                previous_raw.get(export), tolerance,
                                export in settings["raw_exports_never_empty"],
                                freshness))
        publish = GateResult("publish")
        for schema, name in relations:
            expectations = mart_expectations(
                name, _columns(con, f'"{schema}"."{name}"'),
                declared.get(name), {})
            # only the columns these expectations read; the KPI mart whole
            # (its recent complete months are checked against bands below)
            frame, rows = _read(
                con, schema, name, limit,
                None if name == "fct_retention_kpis_monthly"
                else {getattr(e, "column", None) for e in expectations})
            runner.validate(publish, name, frame, expectations)
            checks = profile_expectations(
                previous.get(name),
                None if name in row_count_exempt else tolerance, False, None)
            if checks:
                runner.validate(publish, f"{name}__profile",
                                pd.DataFrame({"row_count": [rows]}), checks)
            if name == "fct_retention_kpis_monthly":
                recent = frame[frame["is_complete_period"]].sort_values(
                    "date_month").tail(12)
                table = f"{name}__recent_complete"
                runner.validate(publish, table, recent, mart_expectations(
                    table, recent.columns, None,
                    settings["kpi_plausible_bands"]))
    finally:
        con.close()
    return [ingest, publish], runner.build_docs(
        [ingest, publish], settings.get("as_of_date"))



def gate(warehouse: Path, relations: list[tuple[str, str]], manifest: dict,
         dbt_vars: dict) -> bool:
    """The Great Expectations ingest and publish checkpoints on the working
    database; prints each failure. True when both passed."""
    results, docs = run_gates(
        warehouse / "work.duckdb", warehouse / "retention.duckdb", relations,
        runner.source_relations(manifest), runner.project_vars(dbt_vars),
        warehouse / "quality", runner.declared_columns(manifest),
        runner.model_relation(manifest, "stg_product__events"),
        runner.row_count_exempt(manifest))
    for result in results:
        print(f"Great Expectations {result.name} gate: {result.checked} "
              f"expectations, {len(result.failures)} failed")
        for failure in result.failures:
            print(f"  FAIL {failure}", file=sys.stderr)
    print(f"Data Docs: {docs}")
    if any(not result.success for result in results):
        print(f"Great Expectations gate failed: {runner.nothing_published(warehouse)}",
              file=sys.stderr)
        if any("row_count" in f for result in results for f in result.failures):
            print("Row counts moved against the last publish. If this is a "
                  "deliberate change of data set, rerun with "
                  "VARS='{publish_row_count_tolerance: null}'.", file=sys.stderr)
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    """Run both gates on a built warehouse without publishing:
    python -m retention_lib.gates [--warehouse DIR] [--manifest FILE]
    Prints every failure, the time taken and the peak memory; exit 1 when a
    gate failed."""
    import argparse  # noqa: PLC0415
    import resource  # noqa: PLC0415
    import time  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--warehouse", type=Path, default=runner.warehouse_dir())
    parser.add_argument("--manifest", type=Path,
                        default=runner.target_path() / "manifest.json")
    args = parser.parse_args(argv)
    manifest = runner.read_manifest(args.manifest)
    started = time.perf_counter()
    passed = gate(args.warehouse.resolve(), runner.published_relations(manifest),
                      manifest, {})
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"gates took {seconds:.1f} s, peak RSS {peak:,.0f} MB")
    return 0 if passed else 1

if __name__ == "__main__":
    raise SystemExit(main())
