"""The contract in retention_lib.contract (used by the generator) and the one
dbt uses (sources and seeds yml) are the same contract."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from retention_lib.contract import EXPORTS

PROJECT_DIR = Path(__file__).resolve().parents[2]


def load_sources() -> dict[str, dict]:
    tables = {}
    for path in (PROJECT_DIR / "models" / "staging").glob("*/_*__sources.yml"):
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                tables[table["name"]] = {"system": source["name"], **table}
    return tables


def test_sources_declare_every_export_with_its_columns_in_order():
    sources = load_sources()
    assert set(sources) == set(EXPORTS)
    for export, spec in EXPORTS.items():
        declared = [col["name"] for col in sources[export]["columns"]]
        assert declared == spec["columns"], export
        assert sources[export]["system"] == spec["system"], export
        optional = sources[export].get("config", {}).get("meta", {}).get("optional")
        assert bool(optional) == bool(spec.get("optional")), export


def test_seeds_type_every_column_as_text():
    seeds = yaml.safe_load((PROJECT_DIR / "seeds" / "_seeds.yml").read_text())["seeds"]
    by_name = {seed["name"]: seed for seed in seeds}
    assert set(by_name) == set(EXPORTS)
    for export, spec in EXPORTS.items():
        types = by_name[export]["config"]["column_types"]
        assert list(types) == spec["columns"], export
        assert set(types.values()) == {"varchar"}, export


def test_the_shipped_sample_has_every_export():
    sample = PROJECT_DIR / "seeds" / "sample"
    assert {p.stem for p in sample.glob("*.csv")} == set(EXPORTS)
    assert (sample / "_truth.json").exists()


def test_raw_exports_macro_lists_every_export():
    text = (PROJECT_DIR / "macros" / "raw_exports.sql").read_text()
    pairs = set(re.findall(r"\('(\w+)', '(\w+)'\)", text))
    assert pairs == {(spec["system"], export) for export, spec in EXPORTS.items()}
