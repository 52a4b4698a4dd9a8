"""The Superset bundle (retention_lib.superset_bundle) as a file: Superset's
import layout, every reference resolved (chart -> dataset -> database,
dashboard -> charts), the published file registered read-only, column
descriptions and the registry's saved metrics in the datasets, a dashboard
per exposure. (make test-superset imports it into a real Superset.)"""

from __future__ import annotations

import io
import zipfile

import yaml

from conftest import PROJECT_DIR
from retention_lib.registry import load_registry
from retention_lib.runner import read_manifest
from retention_lib.superset_bundle import build_bundle


def test_the_bundle_resolves_every_reference(clean_build):
    warehouse, target = clean_build
    manifest = read_manifest(target / "manifest.json")
    data = build_bundle(warehouse / "retention.duckdb", manifest)
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        files = {name: yaml.safe_load(bundle.read(name)) for name in bundle.namelist()}
    kinds: dict[str, list[dict]] = {}
    for name, content in files.items():
        kinds.setdefault(name.split("/")[1], []).append(content)
    assert files["retention_dashboards/metadata.yaml"]["type"] == "Dashboard"
    (database,) = kinds["databases"]
    assert database["sqlalchemy_uri"].endswith("retention.duckdb")
    assert database["extra"]["engine_params"]["connect_args"] == {"read_only": True}
    datasets = {d["uuid"]: d for d in kinds["datasets"]}
    assert all(d["database_uuid"] == database["uuid"] for d in datasets.values())
    charts = {c["uuid"]: c for c in kinds["charts"]}
    assert all(c["dataset_uuid"] in datasets for c in charts.values())
    exposures = {e["label"] for e in manifest["exposures"].values()}
    assert {d["dashboard_title"] for d in kinds["dashboards"]} == exposures
    placed = [item["meta"]["uuid"] for d in kinds["dashboards"]
              for item in d["position"].values()
              if isinstance(item, dict) and item.get("type") == "CHART"]
    assert sorted(placed) == sorted(charts)
    kpis = next(d for d in datasets.values()
                if d["table_name"] == "fct_retention_kpis_monthly")
    wide = {m["name"] for m in load_registry(PROJECT_DIR) if m["wide"]}
    assert {m["metric_name"] for m in kpis["metrics"]} == wide
    described = [c for d in datasets.values() for c in d["columns"]
                 if c["description"]]
    assert len(described) == sum(len(d["columns"]) for d in datasets.values())
