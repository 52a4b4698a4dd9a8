"""Settings of the private Spark Thrift Server started by
scripts/spark_suite.sh."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "python"))
# the comparison with the DuckDB build, shared with tests/postgres
sys.path.insert(0, str(PROJECT_DIR / "tests"))


@pytest.fixture(scope="session")
def settings() -> dict:
    if "RETENTION_SPARK_PORT" not in os.environ:
        pytest.fail("run through `make test-spark` (scripts/spark_suite.sh)")
    return {"host": os.environ["RETENTION_SPARK_HOST"],
            "port": int(os.environ["RETENTION_SPARK_PORT"]),
            "username": os.environ.get("RETENTION_SPARK_USER", "retention")}


@pytest.fixture(scope="session")
def cursor(settings):
    from pyhive import hive

    con = hive.connect(**settings)
    cur = con.cursor()
    yield cur
    cur.close()
    con.close()
