"""The raw-export contract is written once, in the sources yml
(retention_lib.contract reads it for the generator and the gates, and the
base models validate by it through macro validate_source); the copies that
dbt cannot derive (the sample seeds' column types, the raw_exports macro
list) are checked against it."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from retention_lib.contract import EXPORTS

# raw exports are text on every engine (Spark's text type is `string`)
TEXT_TYPE = "{{ 'string' if target.type == 'spark' else 'varchar' }}"

PROJECT_DIR = Path(__file__).resolve().parents[2]


KINDS = {"string", "integer", "money", "number", "timestamp", "date", "boolean"}
META_KEYS = {"key", "optional", "required", "types", "enums", "personal",
             "currency", "checks", "references", "date_floor"}


def base_model(spec: dict, export: str) -> str:
    path = (PROJECT_DIR / "models" / "staging" / spec["system"] / "base"
            / f"base_{spec['system']}__{export}.sql")
    return path.read_text()


def test_every_rule_names_a_contract_column():
    """The sources yml is the one hand-written contract: its meta names
    only columns the export has, known kinds and known rule forms."""
    for export, spec in EXPORTS.items():
        meta, columns = spec["meta"], set(spec["columns"])
        assert set(meta) <= META_KEYS, (export, set(meta) - META_KEYS)
        named = [*meta["key"], *meta.get("required", []),
                 *meta.get("types", {}), *meta.get("enums", {}),
                 *meta.get("personal", []),
                 *[check["column"] for check in meta.get("checks", [])],
                 *[ref["column"] for ref in meta.get("references", [])]]
        currency = meta.get("currency", {})
        named += [currency[k] for k in ("column", "fx_date_column") if k in currency]
        assert set(named) <= columns, (export, set(named) - columns)
        assert set(meta.get("types", {}).values()) <= KINDS, export
        for check in meta.get("checks", []):
            assert set(check) in ({"reason", "column", "when"},
                                  {"reason", "column", "not_matching"}), check
        for ref in meta.get("references", []):
            assert ref["export"] in EXPORTS, ref
            assert ref["to"] in EXPORTS[ref["export"]]["columns"], ref


def test_base_models_are_one_call_with_the_parents_the_contract_needs():
    """A base model only names its export and passes the base models its
    contract refers to (dbt needs them while parsing): no second copy of
    columns, keys or rules, and no parent missing or extra."""
    call = re.compile(r"retention\.validate_source\('(\w+)', '(\w+)'")
    for export, spec in EXPORTS.items():
        text = base_model(spec, export)
        assert call.findall(text) == [(spec["system"], export)], export
        parents = set(re.findall(r"ref\('base_\w+__(\w+)'\)", text))
        needed = {ref["export"] for ref in spec["meta"].get("references", [])}
        if "currency" in spec["meta"]:
            needed.add("fx_rates")
        assert parents == needed, export
        assert "columns=" not in text and "key=" not in text, export


def test_seeds_type_every_column_as_text():
    seeds = yaml.safe_load((PROJECT_DIR / "seeds" / "_seeds.yml").read_text())["seeds"]
    by_name = {seed["name"]: seed for seed in seeds}
    assert set(by_name) == set(EXPORTS)
    for export, spec in EXPORTS.items():
        types = by_name[export]["config"]["column_types"]
        assert list(types) == spec["columns"], export
        assert set(types.values()) == {TEXT_TYPE}, export


def test_the_shipped_sample_has_every_export():
    sample = PROJECT_DIR / "seeds" / "sample"
    assert {p.stem for p in sample.glob("*.csv")} == set(EXPORTS)
    assert (sample / "_truth.json").exists()


def test_raw_exports_macro_lists_every_export():
    text = (PROJECT_DIR / "macros" / "raw_exports.sql").read_text()
    pairs = set(re.findall(r"\('(\w+)', '(\w+)'\)", text))
    assert pairs == {(spec["system"], export) for export, spec in EXPORTS.items()}
