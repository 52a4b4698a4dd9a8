"""The project as a dbt package: another project installs it from a local
path, points it at its exports with one var, and builds every mart,
Python marts included, with a profile that knows nothing of this project
(no module_paths). The package's sample seeds, sample-only tests and
hooks stay off unless the consumer opts in."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import AS_OF, PROJECT_DIR
from retention_lib import runner

pytestmark = pytest.mark.dbt
DBT = runner.dbt_executable()


def test_a_consumer_project_builds_the_marts(small_csv_set, tmp_path):
    consumer = tmp_path / "consumer"
    consumer.mkdir()
    (consumer / "dbt_project.yml").write_text(f"""
name: consumer
version: "1.0.0"
config-version: 2
profile: consumer
vars:
  retention:
    raw_dir: "{small_csv_set}"
    as_of_date: "{AS_OF}"
""")
    (consumer / "packages.yml").write_text(
        f"packages:\n  - local: \"{PROJECT_DIR}\"\n")
    (consumer / "profiles.yml").write_text(f"""
consumer:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{tmp_path / 'consumer.duckdb'}"
      schema: main
      threads: 2
""")
    env = {"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
           "HOME": str(tmp_path), "DBT_PROFILES_DIR": str(consumer),
           "DBT_USE_COLORS": "false", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}

    def dbt(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([DBT, *args], cwd=consumer, env=env,
                              capture_output=True, text=True, timeout=900)

    deps = dbt("deps")
    assert deps.returncode == 0, deps.stdout[-2000:]
    listed = [json.loads(line) for line in dbt(
        "ls", "--resource-type", "seed", "--resource-type", "test",
        "--output", "json", "--output-keys", "name", "resource_type", "-q",
    ).stdout.splitlines()]
    seeds = {node["name"] for node in listed if node["resource_type"] == "seed"}
    # the reference seeds the models need, not the package's sample data
    assert {"voc_topics", "sentiment_lexicon"} <= seeds
    assert "customers" not in seeds
    tests = "\n".join(node["name"] for node in listed
                      if node["resource_type"] == "test")
    assert "validates_on_the_sample" not in tests
    assert "every_movement_on_sample" not in tests
    assert "unique_fct_receivables_monthly_date_month" in tests
    # the package's batches of row and key tests (DECISIONS 129) check
    # nothing here: a build of this project runs the individual tests
    compiled = dbt("compile", "-q", "-s",
                   "test_name:batched_data_tests,fct_receivables_monthly",
                   "batched_data_tests__cover_every_generic_test")
    assert compiled.returncode == 0, compiled.stdout[-2000:]
    batch, guard = (next((consumer / "target" / "compiled").rglob(name)).read_text()
                    for name in ("batched_data_tests_fct_receivables_monthly_.sql",
                                 "batched_data_tests__cover_every_generic_test.sql"))
    assert "where 1 = 0" in batch and "failing_rows from" not in batch
    assert "where 1 = 0" in guard
    # models, seeds and snapshots (the data tests ran in this project)
    built = dbt("build", "--exclude", "resource_type:unit_test",
                "resource_type:test")
    assert built.returncode == 0, built.stdout[-4000:]
    assert "WARNING: quarantined" not in built.stdout  # hooks off
    con = duckdb.connect(str(tmp_path / "consumer.duckdb"), read_only=True)
    try:
        kpis = con.execute("select count(*), max(mrr) from "
                           "fct_retention_kpis_monthly").fetchone()
        clv = con.execute("select count(*) from fct_customer_lifetime_value"
                          ).fetchone()[0]
    finally:
        con.close()
    assert kpis[0] >= 20 and kpis[1] > 0
    assert clv > 100
