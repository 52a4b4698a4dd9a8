"""The metric registry (macros/metric_registry.sql) read from Python: the
YAML list between the macro's `set registry_yaml` and `endset` tags, the
same text dbt parses with fromyaml."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REGISTRY_FILE = Path("macros") / "metric_registry.sql"
KPI_MART = "fct_retention_kpis_monthly"
_BLOCK = re.compile(r"\{%-?\s*set registry_yaml\s*-?%\}(.*?)\{%-?\s*endset\s*-?%\}",
                    re.DOTALL)


def load_registry(project_dir: Path) -> list[dict]:
    """Every registry entry, in order, with the defaults filled in
    (column = name, month = date_month, trend and wide false)."""
    text = (Path(project_dir) / REGISTRY_FILE).read_text()
    match = _BLOCK.search(text)
    if match is None:
        raise ValueError(f"{REGISTRY_FILE}: no `set registry_yaml` block")
    entries = yaml.safe_load(match.group(1)) or []
    return [{"column": entry["name"], "month": "date_month", "trend": False,
             "wide": False, **entry} for entry in entries]
