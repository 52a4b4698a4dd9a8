"""Settings of the private cluster started by scripts/postgres_suite.sh."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import psycopg2
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "python"))
# the comparison with the DuckDB build, shared with tests/spark
sys.path.insert(0, str(PROJECT_DIR / "tests"))


@pytest.fixture(scope="session")
def settings() -> dict:
    if "RETENTION_PG_PORT" not in os.environ:
        pytest.fail("run through `make test-postgres` (scripts/postgres_suite.sh)")
    return {"host": os.environ["RETENTION_PG_HOST"],
            "port": int(os.environ["RETENTION_PG_PORT"]),
            "dbname": os.environ["RETENTION_PG_DATABASE"]}


def connect(settings, user_env="RETENTION_PG_USER",
            password_env="RETENTION_PG_PASSWORD", user=None):
    return psycopg2.connect(user=user or os.environ[user_env],
                            password=os.environ[password_env], **settings)
