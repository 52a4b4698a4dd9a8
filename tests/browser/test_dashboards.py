"""A real browser opens every static dashboard page of the sample build
(warehouse/dashboards/*.html) from file:// with the network cut off:
every chart draws an SVG with marks, the sliced charts have their "Slice
by" selector, the headline figures on the page equal the published mart,
and a screenshot of each page is kept in target/dashboard-screenshots/."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import duckdb
import headless
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
WAREHOUSE = PROJECT_DIR / "target" / "test-warehouse"
FOLDER = Path(os.environ.get("DASHBOARD_DIR", WAREHOUSE / "dashboards")).resolve()
PUBLISHED = Path(os.environ.get("PUBLISHED_DB",
                             WAREHOUSE / "retention.duckdb")).resolve()
SHOTS = PROJECT_DIR / "target" / "dashboard-screenshots"
PAGES = sorted(p.stem for p in FOLDER.glob("*.html") if p.stem != "index")
MARK_GROUP = re.compile(r'<g class="mark-(\w+) role-mark[^"]*"[^>]*>(.*?)</g>',
                        re.DOTALL)


def chromium(page: Path, *args: str) -> subprocess.CompletedProcess:
    return headless.chromium(f"file://{page}", *args, size="1400,2400",
                             budget_ms=10000)


def sections(dom: str) -> dict[str, str]:
    """chart key -> the rendered section of that chart."""
    return {part.split('"', 1)[0]: part.split("</section>", 1)[0]
            for part in dom.split('data-chart="')[1:]}


def test_every_exposure_has_a_page():
    assert len(PAGES) >= 7, f"{FOLDER}: pages missing (build the sample first)"
    index = (FOLDER / "index.html").read_text()
    assert all(f'href="{name}.html"' in index for name in PAGES)


@pytest.mark.parametrize("name", PAGES)
def test_every_chart_draws_marks_and_every_tile_equals_the_mart(name):
    page = FOLDER / f"{name}.html"
    dom = chromium(page, "--dump-dom").stdout
    declared = int(re.search(r'data-charts="(\d+)"', dom).group(1))
    charts = sections(dom)
    assert len(charts) == declared >= 1, name
    for key, body in charts.items():
        assert "<svg" in body, f"{name}: chart {key} did not render"
        marks = sum(group.count("<path") for _, group in MARK_GROUP.findall(body))
        assert marks > 0, f"{name}: chart {key} has no marks"
        if "slice_" + key in (page.read_text().split(f"#chart-{key}'", 1)[1]
                              .split("vegaEmbed", 1)[0]):
            assert "<select" in body, f"{name}: chart {key} has no slice selector"
    con = duckdb.connect(str(PUBLISHED), read_only=True)
    try:
        for metric, value in re.findall(
                r'data-metric="(\w+)" data-value="([^"]*)"', dom):
            expected = con.execute("""
                select metric_value from fct_headline_metrics_monthly
                where metric_name = ? and date_month = (
                    select max(date_month) from fct_headline_metrics_monthly
                    where is_complete_period)""", [metric]).fetchone()[0]
            assert (value == "" if expected is None
                    else float(value) == pytest.approx(expected, rel=1e-12)), metric
    finally:
        con.close()
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{name}.png"
    shot.unlink(missing_ok=True)
    chromium(page, f"--screenshot={shot}")
    assert shot.exists() and shot.stat().st_size > 20_000
