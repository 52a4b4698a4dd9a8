"""Shared fixtures: generated data sets and a helper that runs the CLI/dbt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "python"))

from retention_lib.generator import generate  # noqa: E402


@pytest.fixture(scope="session")
def small_csv_set(tmp_path_factory) -> Path:
    """300 customers as CSV (seed 7), generated once per session."""
    out = tmp_path_factory.mktemp("raw_csv")
    generate(out, 300, seed=7, fmt="csv")
    return out


def run_cli(warehouse: Path, target_path: Path, *, raw_dir: Path | None = None,
            as_of: str | None = None, dbt_vars: str | None = None,
            timeout: int = 900) -> subprocess.CompletedProcess:
    """`python -m retention_lib.cli run --no-docs` in an isolated warehouse."""
    env = dict(os.environ)
    env.update({
        "RETENTION_WAREHOUSE_DIR": str(warehouse),
        "DBT_TARGET_PATH": str(target_path),
        "DBT_PROFILES_DIR": str(PROJECT_DIR / "profiles"),
        "DBT_TARGET": "dev",
        "RAW_DIR": str(raw_dir) if raw_dir else "",
        "AS_OF": as_of or "",
        "VARS": dbt_vars or "",
    })
    return subprocess.run(
        [sys.executable, "-m", "retention_lib.cli", "run", "--no-docs"],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True,
        timeout=timeout)
