"""A real browser opens the quality page of the sample build's gates
(warehouse/quality/index.html) from file:// with the network cut off: it
renders every gate and every expectation (Great Expectations' own Data
Docs index stays blank offline: it loads its styling from CDNs)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import headless

PROJECT_DIR = Path(__file__).resolve().parents[2]
PAGE = Path(os.environ.get(
    "QUALITY_HTML", PROJECT_DIR / "target" / "test-warehouse" / "quality"
    / "index.html"))
SHOTS = Path(os.environ.get("SCREENSHOT_DIR",
                            PROJECT_DIR / "target" / "docs-screenshots"))


def chromium(*args: str) -> subprocess.CompletedProcess:
    return headless.chromium(f"file://{PAGE}", *args)


def test_the_quality_page_renders_every_expectation_offline():
    assert PAGE.exists(), f"{PAGE} missing: build the sample first"
    dom = chromium("--dump-dom").stdout
    gates = dict(re.findall(
        r"data-gate=\"(\w+)\" data-expectations=\"(\d+)\" data-failed=\"0\"", dom))
    assert set(gates) == {"ingest", "publish"}, "a gate is missing or failed"
    rows = re.findall(r"<tr data-outcome=\"(passed|failed)\"", dom)
    assert len(rows) == sum(int(n) for n in gates.values()) > 150
    assert set(rows) == {"passed"}
    tables = re.findall(r"<details class=\"table\" data-table=\"([^\"]+)\"", dom)
    assert "fct_retention_kpis_monthly" in tables and "events" in tables
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / "quality.png"
    shot.unlink(missing_ok=True)
    chromium(f"--screenshot={shot}")
    assert shot.exists() and shot.stat().st_size > 10_000
