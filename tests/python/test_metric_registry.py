"""The metric registry (macros/metric_registry.sql) is the one list of
headline metrics: the headline columns of fct_retention_kpis_monthly, their
previous_/_change columns and the semantic-layer metrics are checked
against it here, on the parsed manifest (no build). The values are compared
by the data test fct_headline_metrics_monthly__matches_kpis."""

from __future__ import annotations

import pytest
import yaml

from conftest import PROJECT_DIR
from retention_lib.contract import EXPORTS
from retention_lib.registry import KPI_MART, load_registry

UNITS = {"amount", "count", "rate", "ratio", "days", "hours", "months", "score"}
KPI_NON_METRICS = {"date_month", "is_complete_period", "has_product_data",
                   "has_survey_data", "has_support_data"}


@pytest.fixture(scope="module")
def models(ci_manifest) -> dict[str, dict]:
    return {node["name"]: node for node in ci_manifest["nodes"].values()
            if node["resource_type"] == "model"}


@pytest.fixture(scope="module")
def registry() -> list[dict]:
    return load_registry(PROJECT_DIR)


def test_entries_are_well_formed(registry):
    names = [entry["name"] for entry in registry]
    assert len(names) == len(set(names)), "a metric is registered twice"
    allowed = {"name", "model", "column", "month", "where", "unit",
               "when_missing", "covered_by", "trend", "wide"}
    for entry in registry:
        assert set(entry) <= allowed, (entry["name"], set(entry) - allowed)
        assert entry["unit"] in UNITS, entry
        assert entry.get("when_missing") in (None, "zero"), entry
        assert entry.get("covered_by") in {None, *EXPORTS}, entry


def test_each_metric_is_a_documented_column_of_its_model(registry, models):
    for entry in registry:
        assert entry["model"] in models, entry
        columns = models[entry["model"]]["columns"]
        assert entry["column"] in columns, (entry["name"], entry["model"])
        assert columns[entry["column"]]["description"].strip(), entry
        if entry.get("where") == "all":
            assert "dimension_name" in columns, entry


def test_kpi_headline_columns_are_the_wide_registry_in_order(registry, models):
    columns = list(models[KPI_MART]["columns"])
    headline = [c for c in columns if c not in KPI_NON_METRICS
                and not c.startswith("previous_") and not c.endswith("_change")]
    assert headline == [e["name"] for e in registry if e["wide"]]


def test_kpi_copies_name_the_model_that_defines_them(registry, models):
    """A headline column of the KPI mart that copies another mart's figure
    says where it is defined (whose column description is the definition)."""
    columns = models[KPI_MART]["columns"]
    undocumented = [e["name"] for e in registry
                    if e["wide"] and e["model"] != KPI_MART
                    and e["model"] not in columns[e["name"]]["description"]]
    assert undocumented == []


def test_previous_and_change_exactly_for_trend_metrics(registry, models):
    columns = set(models[KPI_MART]["columns"])
    trend = {e["name"] for e in registry if e["wide"] and e["trend"]}
    previous = {c.removeprefix("previous_") for c in columns
                if c.startswith("previous_")}
    change = {c.removesuffix("_change") for c in columns if c.endswith("_change")}
    assert previous == trend
    assert change == trend


def test_semantic_layer_metrics_are_registered(registry):
    semantic = yaml.safe_load((PROJECT_DIR / "models" / "marts" / "finance"
                               / "_finance__semantic.yml").read_text())
    names = {entry["name"] for entry in registry}
    assert {metric["name"] for metric in semantic["metrics"]} <= names


def test_a_broken_registry_is_caught(tmp_path, registry, models):
    """The checks above can fail: a registry missing a wide metric, or
    naming a column its model does not have, is refused."""
    shortened = [e for e in registry if e["name"] != "nps"]
    with pytest.raises(AssertionError):
        test_kpi_headline_columns_are_the_wide_registry_in_order(shortened, models)
    misnamed = [{**e, "column": "npss"} if e["name"] == "nps" else e
                for e in registry]
    with pytest.raises(AssertionError):
        test_each_metric_is_a_documented_column_of_its_model(misnamed, models)
