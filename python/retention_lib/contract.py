"""The raw-export contract, read from the dbt sources yml
(models/staging/<system>/_<system>__sources.yml), its one hand-written copy:
export -> system, columns in order, key, optional, and the rest of the
table's `config.meta` (types, required, enums, checks, references ...)
that the base models validate by (macro validate_source). The generator,
the gates and the tests read it from here."""

from __future__ import annotations

from pathlib import Path

import yaml

STAGING_DIR = Path(__file__).resolve().parents[2] / "models" / "staging"
# the order exports are listed in (and the generator's systems)
SYSTEMS = ("billing", "product", "support", "marketing", "commerce", "reference")


def load_contract(staging_dir: Path = STAGING_DIR) -> dict[str, dict]:
    """export -> {system, columns, key, optional, meta}, by SYSTEMS and
    then the order of each sources yml."""
    exports: dict[str, dict] = {}
    for system in SYSTEMS:
        path = staging_dir / system / f"_{system}__sources.yml"
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                meta = (table.get("config") or {}).get("meta") or {}
                exports[table["name"]] = {
                    "system": source["name"],
                    "columns": [column["name"] for column in table["columns"]],
                    "key": list(meta["key"]),
                    "optional": bool(meta.get("optional", False)),
                    "meta": meta,
                }
    return exports


EXPORTS: dict[str, dict] = load_contract()
