"""Convention check on the dbt manifest (layout and naming: README, Layout).

dbt_project_evaluator cannot be installed here (no package hub), so this
script checks the rules that matter to us and exits 1 listing every breach:
- every model, source and source table has a description; a model's first
  sentence states its grain ("One row ..." / "One row per ...");
- model names carry their layer's prefix (staging stg_/base_, intermediate
  int_, marts fct_/dim_ or a stable published name, utilities util_);
- every model has a test on its key (unique + not_null, a combination test,
  or a single_row test), except base_ validation models (one row per
  distinct raw row, duplicates included by design);
- marts enforce a contract (Python marts, which cannot, carry the
  matches_columns test); marts and utilities (published) describe every
  column;
- only staging models call source();
- every mart feeds at least one exposure (its BI consumers).
Usage: python scripts/check_conventions.py target/manifest.json
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PREFIXES = {
    "staging": ("stg_", "base_"),
    "intermediate": ("int_",),
    "marts": ("fct_", "dim_"),
    "utilities": ("util_",),
}
# Stable published mart names without a fct_/dim_ prefix.
STABLE_MART_NAMES = {"clv_model_parameters"}
KEY_TESTS = {"unique", "unique_combination_of_columns", "single_row"}


def check(manifest: dict) -> list[str]:
    problems: list[str] = []
    tests_by_model: dict[str, set[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test":
            continue
        name = (node.get("test_metadata") or {}).get("name")
        for parent in node["depends_on"]["nodes"]:
            tests_by_model.setdefault(parent, set()).add(name)
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] != "model" or node["package_name"] != "retention":
            continue
        name, folder = node["name"], node["fqn"][1]
        desc = (node.get("description") or "").strip()
        if not desc:
            problems.append(f"{name}: no description")
        elif not re.match(r"^one row", desc, re.IGNORECASE):
            problems.append(f"{name}: description must start with its grain "
                            f"('One row per ...'), got: {desc[:50]!r}")
        prefixes = PREFIXES.get(folder)
        if prefixes is None:
            problems.append(f"{name}: models/{folder} is not a layer folder")
        elif not name.startswith(prefixes) and name not in STABLE_MART_NAMES:
            problems.append(f"{name}: models in {folder}/ start with {prefixes}")
        if not name.startswith("base_") and not (
                tests_by_model.get(uid, set()) & KEY_TESTS):
            problems.append(f"{name}: no key test (unique, "
                            "unique_combination_of_columns or single_row)")
        if folder == "marts":
            # dbt cannot enforce contracts on Python models: they must
            # carry the matches_columns test instead
            if node.get("language") == "python":
                if "matches_columns" not in tests_by_model.get(uid, set()):
                    problems.append(f"{name}: Python marts need the "
                                    "matches_columns test")
            elif not node["config"].get("contract", {}).get("enforced"):
                problems.append(f"{name}: marts must enforce a contract")
        if folder in ("marts", "utilities"):
            # published: every column described (the publish gate checks
            # that the built relation has exactly these columns)
            if not node["columns"]:
                problems.append(f"{name}: published model documents no columns")
            for col, spec in node["columns"].items():
                if not (spec.get("description") or "").strip():
                    problems.append(f"{name}.{col}: published column undescribed")
        if folder != "staging" and node["depends_on"].get("nodes") and any(
                dep.startswith("source.") for dep in node["depends_on"]["nodes"]):
            problems.append(f"{name}: only staging models may call source()")
    exposed = {dep for exposure in manifest.get("exposures", {}).values()
               for dep in exposure["depends_on"]["nodes"]}
    for uid, node in manifest["nodes"].items():
        if (node["resource_type"] == "model" and node["fqn"][1] == "marts"
                and uid not in exposed):
            problems.append(f"{node['name']}: no exposure declares this mart's "
                            "BI consumer (models/exposures/)")
    for source in manifest["sources"].values():
        label = f"source {source['source_name']}.{source['name']}"
        if not (source.get("source_description") or "").strip():
            problems.append(f"{label}: source has no description")
        if not (source.get("description") or "").strip():
            problems.append(f"{label}: table has no description")
        for col, spec in source["columns"].items():
            if not (spec.get("description") or "").strip():
                problems.append(f"{label}.{col}: column undescribed")
    return problems


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else "target/manifest.json")
    problems = check(json.loads(path.read_text()))
    for problem in problems:
        print(f"convention: {problem}")
    print(f"{len(problems)} convention problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
