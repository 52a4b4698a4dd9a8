"""The conventions dbt-bouncer cannot express (dbt-bouncer.yml has the
rest; `make conventions` runs both on target/manifest.json):
- a dbt Python mart, which cannot enforce a contract, carries the
  matches_columns test (its columns and their documented types);
- every column of every raw-export source is described (dbt-bouncer checks
  source columns only against a catalog, which needs a built warehouse);
- customer attributes reach marts only through dim_customers and
  int_customer_slices_by_month: no mart but dim_customers reads
  stg_billing__customers;
- a base model (models/staging/<system>/base) is a Jinja comment, an
  optional config() and the validate_source call, no SQL of its own:
  sqlfluff skips these files (.sqlfluffignore), whose compiled text is
  the validation macro's output (DECISIONS 123).
Exits 1 listing every breach.
Usage: python scripts/check_conventions.py target/manifest.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jinja2 import Environment

CONFORMED_DIMENSION = "dim_customers"
CUSTOMER_EXPORT = "stg_billing__customers"


def hand_written_text(code: str) -> str:
    """code without its Jinja comments and {{ ... }} expressions, as Jinja's
    own lexer splits it: the text around them, and the start of any
    {% ... %} statement (a base model has none)."""
    return "".join(value for _, token, value in Environment().lex(code)
                   if token in ("data", "block_begin"))


def base_model_problem(node: dict) -> str | None:
    """Why a base model is more than its validate_source call, if it is."""
    code = node.get("raw_code") or ""
    if "validate_source(" not in code:
        return "a base model calls validate_source"
    if hand_written_text(code).strip():
        return ("a base model holds no SQL of its own (sqlfluff skips base "
                "models)")
    return None


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
        if (node["resource_type"] == "model" and node["fqn"][1] == "marts"
                and node.get("language") == "python"
                and "matches_columns" not in tests_by_model.get(uid, set())):
            problems.append(f"{node['name']}: Python marts need the "
                            "matches_columns test")
        if (node["resource_type"] == "model" and node["fqn"][1] == "marts"
                and node["name"] != CONFORMED_DIMENSION
                and any(parent.endswith(f".{CUSTOMER_EXPORT}")
                        for parent in node["depends_on"]["nodes"])):
            problems.append(f"{node['name']}: reads {CUSTOMER_EXPORT}; "
                            f"customer attributes come from "
                            f"{CONFORMED_DIMENSION} or "
                            "int_customer_slices_by_month")
        if (node["resource_type"] == "model" and len(node["fqn"]) > 3
                and node["fqn"][1] == "staging" and node["fqn"][3] == "base"):
            problem = base_model_problem(node)
            if problem:
                problems.append(f"{node['name']}: {problem}")
    for source in manifest["sources"].values():
        label = f"source {source['source_name']}.{source['name']}"
        for col, spec in source["columns"].items():
            if not (spec.get("description") or "").strip():
                problems.append(f"{label}.{col}: column undescribed")
    return problems


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else "target/manifest.json")
    problems = check(json.loads(path.read_text()))
    for problem in problems:
        print(f"convention: {problem}")
    print(f"{len(problems)} convention problem(s) beyond dbt-bouncer's")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
