"""A real browser opens the single-file static dbt docs (the CLI writes
target/static_index.html after a publish; `make docs` writes it too): the
lineage graph of a mart renders, with its upstream models and the BI
exposures it feeds, and a screenshot is kept as an artifact.

Run by `make test-docs` after the sample build:
    DOCS_HTML=target/static_index.html pytest tests/browser
"""

from __future__ import annotations

import os
import subprocess
from collections import Counter
from pathlib import Path

import headless
from PIL import Image

PROJECT_DIR = Path(__file__).resolve().parents[2]
DOCS = Path(os.environ.get("DOCS_HTML", PROJECT_DIR / "target" / "static_index.html"))
SHOTS = Path(os.environ.get("SCREENSHOT_DIR",
                            PROJECT_DIR / "target" / "docs-screenshots"))
MART = "fct_cohort_revenue_monthly"
# the lineage graph of the mart, two levels up and one down (its exposures)
PAGE = (f"#!/model/model.retention.{MART}?g_v=1"
        f"&g_i=2%2B{MART}%2B1")
GRAPH_BACKGROUND = (0, 94, 122)
MODEL_NODE = (0, 148, 179)


def chromium(*args: str) -> subprocess.CompletedProcess:
    return headless.chromium(f"file://{DOCS}{PAGE}", *args, size="1600,1000",
                             budget_ms=20000, offline=False)


def is_exposure_orange(rgb) -> bool:
    red, green, blue = rgb
    return red > 230 and 80 < green < 130 and blue < 100


def test_the_lineage_graph_renders_with_models_and_exposures():
    assert DOCS.exists(), f"{DOCS} missing: build the sample first"
    text = DOCS.read_text()
    assert len(text) > 1_000_000 and "manifest" in text  # one self-contained file
    # the docs carry the SQL the build compiled (the CLI reuses the build's
    # manifest, DECISIONS 115): every node the build ran, the models,
    # snapshots, the tests that run alone and each model's batch of row and
    # key tests (DECISIONS 129), whose SQL names every test in it
    assert text.count('"compiled": true') > 250
    assert text.count("as failing_test, count(*) as failing_rows") > 600
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / "lineage.png"
    shot.unlink(missing_ok=True)
    chromium(f"--screenshot={shot}")
    assert shot.exists(), "chromium wrote no screenshot"
    pixels = Counter(Image.open(shot).convert("RGB").get_flattened_data())
    total = sum(pixels.values())
    # the graph overlay is open ...
    assert pixels[GRAPH_BACKGROUND] > total * 0.5
    # ... and drew model nodes and the orange exposure nodes
    assert pixels[MODEL_NODE] > 5_000
    assert sum(n for rgb, n in pixels.items() if is_exposure_orange(rgb)) > 1_000
    dom = chromium("--dump-dom").stdout
    assert "Lineage Graph" in dom and MART in dom
