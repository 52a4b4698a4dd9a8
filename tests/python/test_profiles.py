"""The DuckDB profiles survive a build that spills to disk.

dbt-duckdb runs the profile's `settings` as SET statements on every cursor
it opens (each model and test), while `config_options` are set once, when
the database opens. DuckDB refuses to set temp_directory again once it has
spilled, so with temp_directory among the settings every node after the
first spill failed (found on the 500,000-customer set). This test spills
with each DuckDB output's own options, then opens a cursor and runs its
settings as dbt-duckdb does.
"""

from __future__ import annotations

import re

import duckdb
import pytest
import yaml

from conftest import PROJECT_DIR

PROFILES = yaml.safe_load((PROJECT_DIR / "profiles" / "profiles.yml").read_text())


def rendered(value, warehouse) -> str:
    """A profile value with its env_var() defaults (the warehouse folder
    replaced by `warehouse`)."""
    def default(match: re.Match) -> str:
        name, fallback = match.group(1), match.group(2)
        return str(warehouse) if name == "RETENTION_WAREHOUSE_DIR" else fallback

    return re.sub(r"\{\{\s*env_var\('(\w+)',\s*'([^']*)'\)\s*\}\}", default, str(value))


# the outputs that write a file by default (the dev output's access mode is
# `automatic` unless the CLI's freshness report asks for read_only)
OUTPUTS = {name: output for name, output in PROFILES["retention"]["outputs"].items()
           if output["type"] == "duckdb" and output["path"] != ":memory:"
           and rendered(output.get("config_options", {}).get(
               "access_mode", "automatic"), "").lower() != "read_only"}
# never none: a filter that left none would make the test below vacuous
assert {"dev", "prod"} <= set(OUTPUTS), sorted(OUTPUTS)


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_a_cursor_opened_after_a_spill_takes_the_settings(name, tmp_path):
    output = OUTPUTS[name]
    config = {key: rendered(value, tmp_path)
              for key, value in output.get("config_options", {}).items()}
    assert "temp_directory" in config, "spilling needs a temp_directory set at open"
    config["memory_limit"] = "64MB"  # small enough that the grouping below spills
    con = duckdb.connect(str(tmp_path / "work.duckdb"), config=config)
    try:
        groups = """select count(*) from (select md5(i::varchar) as h, count(*)
                    from range(3000000) as t(i) group by h)"""
        assert con.execute(groups).fetchone()[0] == 3_000_000
        assert (tmp_path / ".spill").is_dir(), "nothing spilled"
        cursor = con.cursor()
        for key, value in (output.get("settings") or {}).items():
            cursor.execute(f"SET {key} = '{rendered(value, tmp_path)}'")
        assert cursor.execute(groups).fetchone()[0] == 3_000_000
        # the failure the profile avoids is real: once spilled, DuckDB
        # refuses temp_directory again, even to the same folder
        with pytest.raises(duckdb.Error, match="temporary directory"):
            cursor.execute(f"SET temp_directory = '{config['temp_directory']}'")
    finally:
        con.close()
