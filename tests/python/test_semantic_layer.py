"""The dbt semantic layer (models/marts/finance/_finance__semantic.yml):
MetricFlow validates it, and metrics queried through `mf query` on the
published file (target `published`, read-only, as the README shows BI
users) equal the columns of fct_retention_kpis_monthly of the same name,
month by month."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from conftest import PROJECT_DIR
from retention_lib import runner

pytestmark = pytest.mark.dbt
METRICS = ["mrr", "paying_customers", "customer_churn_rate", "nrr_monthly",
           "grr_monthly"]
BIN = Path(sys.executable).parent


def project_view(folder: Path) -> Path:
    """The project's files linked into `folder/project`, without its
    target folder. MetricFlow reads <project>/target/semantic_manifest.json
    whatever DBT_TARGET_PATH says: parsing and querying in this view keeps
    the project's own target folder (which `make test` builds the sample
    into meanwhile) out of the test."""
    view = folder / "project"
    view.mkdir()
    for entry in PROJECT_DIR.iterdir():
        if entry.name not in {"target", "logs", "warehouse", ".git"}:
            (view / entry.name).symlink_to(entry)
    return view


def run(command: list[str], warehouse: Path, project: Path
        ) -> subprocess.CompletedProcess:
    env = runner.dbt_env(warehouse, DBT_TARGET="published")
    env.pop("DBT_TARGET_PATH", None)
    return subprocess.run(command, cwd=project, env=env, capture_output=True,
                          text=True, timeout=600)


def test_mf_query_equals_the_kpi_mart(clean_build, tmp_path):
    warehouse, _ = clean_build
    project = project_view(tmp_path)
    parsed = run([str(BIN / "dbt"), "parse", "--quiet"], warehouse, project)
    assert parsed.returncode == 0, parsed.stdout[-2000:]
    assert (project / "target" / "semantic_manifest.json").is_file()
    validated = run([str(BIN / "mf"), "validate-configs", "--skip-dw"],
                    warehouse, project)
    assert validated.returncode == 0, validated.stdout[-2000:]
    assert "ERRORS: 0" in validated.stdout
    out = tmp_path / "metrics.csv"
    queried = run([str(BIN / "mf"), "query", "--metrics", ",".join(METRICS),
                   "--group-by", "metric_time__month", "--order",
                   "metric_time__month", "--csv", str(out)], warehouse, project)
    assert queried.returncode == 0, queried.stdout[-3000:]
    semantic = pd.read_csv(out, parse_dates=["metric_time__month"])
    con = duckdb.connect(str(warehouse / "retention.duckdb"), read_only=True)
    mart = con.execute(f"""select date_month, {", ".join(METRICS)}
                           from fct_retention_kpis_monthly
                           where paying_customers > 0 or mrr_start > 0
                           order by 1""").df()
    con.close()
    assert len(semantic) == len(mart) >= 20
    assert (pd.to_datetime(mart["date_month"]).to_numpy()
            == semantic["metric_time__month"].to_numpy()).all()
    for metric in METRICS:
        ours = semantic[metric].to_numpy(dtype=float)
        theirs = mart[metric].to_numpy(dtype=float)
        assert np.array_equal(np.isnan(ours), np.isnan(theirs)), metric
        known = ~np.isnan(theirs)
        assert np.allclose(ours[known], theirs[known], rtol=1e-9, atol=1e-9), metric
