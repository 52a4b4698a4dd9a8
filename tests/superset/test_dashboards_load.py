"""The Superset bundle in a fresh Superset (scripts/superset.sh test, make
test-superset): every dashboard exposure was imported with its charts; the
datasets carry the column descriptions and the registry's saved metrics;
headless Chromium opens each dashboard and every chart draws (a canvas, a
big number or a table) with no error alert; a deliberately broken chart is
caught. Screenshots in target/superset-screenshots/."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "python"))
sys.path.insert(0, str(PROJECT_DIR / "tests"))

import headless  # noqa: E402

from retention_lib.registry import load_registry  # noqa: E402
from retention_lib.superset_bundle import DASHBOARDS  # noqa: E402

URL = os.environ.get("SUPERSET_URL", "http://127.0.0.1:8089")
DB = Path(os.environ.get("SUPERSET_DB", "superset.db"))
SHOTS = PROJECT_DIR / "target" / "superset-screenshots"


def metadata(sql: str, args: tuple = ()) -> list[tuple]:
    con = sqlite3.connect(DB)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def chromium(slug: str, *args: str) -> str:
    return headless.chromium(f"{URL}/superset/dashboard/{slug}/?standalone=1",
                             *args, size="1400,2400", budget_ms=30000,
                             offline=False).stdout


def chart_states(dom: str) -> dict[int, str]:
    """chart id -> drawn, error or empty, from the dashboard's DOM."""
    parts = re.split(r"dashboard-chart-id-(\d+)", dom)
    states = {}
    for chart_id, body in zip(parts[1::2], parts[2::2], strict=True):
        if 'role="alert"' in body:
            states[int(chart_id)] = "error"
        elif any(mark in body for mark in (
                "<canvas", "superset-legacy-chart-big-number", "<table")):
            states[int(chart_id)] = "drawn"
        else:
            states[int(chart_id)] = "empty"
    return states


def dashboards() -> dict[str, list[int]]:
    """slug -> its chart ids, as imported."""
    rows = metadata("""select d.slug, ds.slice_id from dashboards as d
                       join dashboard_slices as ds on ds.dashboard_id = d.id""")
    found: dict[str, list[int]] = {}
    for slug, chart in rows:
        found.setdefault(slug, []).append(chart)
    return found


def test_every_dashboard_and_chart_was_imported():
    imported = dashboards()
    expected = {name.replace("_", "-"): len(charts)
                for name, charts in DASHBOARDS.items()}
    assert {slug: len(ids) for slug, ids in imported.items()} == expected


def test_datasets_carry_descriptions_and_saved_metrics():
    described, columns = metadata("""
        select count(description), count(*) from table_columns""")[0]
    assert columns > 100 and described / columns > 0.95
    metrics = {name for (name,) in metadata("select metric_name from sql_metrics")}
    wide = {m["name"] for m in load_registry(PROJECT_DIR) if m["wide"]}
    assert wide <= metrics


@pytest.mark.parametrize("slug", sorted(n.replace("_", "-") for n in DASHBOARDS))
def test_every_chart_draws_without_error(slug):
    states = chart_states(chromium(slug, "--dump-dom"))
    assert sorted(states) == sorted(dashboards()[slug]), "a chart is missing"
    assert set(states.values()) == {"drawn"}, states
    SHOTS.mkdir(parents=True, exist_ok=True)
    chromium(slug, f"--screenshot={SHOTS / (slug + '.png')}")


def test_a_broken_chart_is_caught():
    """The check above can fail: a chart whose metric names a missing
    column shows an error alert and counts as an error."""
    slug = "finance-revenue-retention-dashboard"
    chart = dashboards()[slug][-1]
    params = json.loads(metadata("select params from slices where id = ?",
                                 (chart,))[0][0])
    params["metrics"] = [{"expressionType": "SQL", "label": "broken",
                          "sqlExpression": "MAX(no_such_column)"}]
    params.pop("metric", None)
    params["metric"] = params["metrics"][0]
    con = sqlite3.connect(DB)
    con.execute("update slices set params = ? where id = ?",
                (json.dumps(params), chart))
    con.commit()
    con.close()
    assert chart_states(chromium(slug, "--dump-dom"))[chart] == "error"
