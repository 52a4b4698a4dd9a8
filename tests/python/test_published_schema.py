"""The published interface BI users depend on: every table and column of
tests/fixtures/published_schema.csv is still published with the same type
(add, never rename or drop). Read from the session's clean build."""

from __future__ import annotations

import csv
import importlib.util

from conftest import PROJECT_DIR

spec = importlib.util.spec_from_file_location(
    "published_schema", PROJECT_DIR / "scripts" / "published_schema.py")
published_schema = importlib.util.module_from_spec(spec)
spec.loader.exec_module(published_schema)

CHECKED_IN = PROJECT_DIR / "tests" / "fixtures" / "published_schema.csv"


def compare(listed: set[tuple], built: set[tuple]) -> tuple[list, list]:
    """(listed columns missing or retyped in the build, built additions)."""
    return sorted(listed - built), sorted(built - listed)


def test_every_published_column_is_kept(clean_build):
    warehouse, _ = clean_build
    with CHECKED_IN.open() as handle:
        listed = {tuple(row.values()) for row in csv.DictReader(handle)}
    built = set(published_schema.published_schema(
        str(warehouse / "retention.duckdb")))
    gone, added = compare(listed, built)
    assert gone == [], (
        f"published columns renamed, dropped or retyped: {gone}; a breaking "
        f"change needs a new model version. (Added, fine: {added})")


def test_a_dropped_or_retyped_column_is_caught():
    listed = {("fct_x", "mrr", "DECIMAL(18,4)"), ("fct_x", "nps", "DOUBLE")}
    built = {("fct_x", "mrr", "DOUBLE"), ("fct_x", "extra", "BIGINT")}
    gone, added = compare(listed, built)
    assert gone == [("fct_x", "mrr", "DECIMAL(18,4)"), ("fct_x", "nps", "DOUBLE")]
    assert added == [("fct_x", "extra", "BIGINT"), ("fct_x", "mrr", "DOUBLE")]
