"""Privacy: no email address, customer name or other personal value in any
published table (every column of every mart and utility scanned);
dim_customers has no personal column; the profiles hold no secrets."""

from __future__ import annotations

import re

import duckdb
import pandas as pd
import pytest
import yaml

from conftest import PROJECT_DIR

EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
PERSONAL_COLUMNS = {"email", "email_address", "name", "customer_name", "user_name",
                    "first_name", "last_name", "full_name", "contact_name",
                    "phone", "phone_number", "address", "street", "ip_address"}

def personal_values_in(database, personal: set[str]) -> list[str]:
    """Every (table.column: value) of a text-castable column holding an
    email-like string or one of the given personal values."""
    con = duckdb.connect(str(database), read_only=True)
    found = []
    try:
        columns = con.execute("""select table_name, column_name
                                 from information_schema.columns""").fetchall()
        con.execute("create temp table personal (value varchar)")
        con.executemany("insert into personal values (?)", [[v] for v in personal])
        for table, column in columns:
            hits = con.execute(f"""
                select distinct cast("{column}" as varchar) as value
                from "{table}"
                where regexp_matches(cast("{column}" as varchar), '{EMAIL}')
                   or cast("{column}" as varchar) in (select value from personal)
                limit 3""").fetchall()
            found += [f"{table}.{column}: {value}" for (value,) in hits]
    finally:
        con.close()
    return found


def test_the_scan_finds_planted_values(tmp_path):
    database = tmp_path / "planted.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("""create table fct_x as select 'ok' as note, 1 as n
                       union all select 'mail jane.doe@example.com', 2
                       union all select 'Jane Doe', 3""")
    assert sorted(personal_values_in(database, {"Jane Doe"})) == [
        "fct_x.note: Jane Doe", "fct_x.note: mail jane.doe@example.com"]


@pytest.mark.dbt
def test_no_personal_value_in_any_published_table(clean_build, small_csv_set):
    warehouse, _ = clean_build
    customers = pd.read_csv(small_csv_set / "customers.csv", dtype=str)
    users = pd.read_csv(small_csv_set / "users.csv", dtype=str)
    personal = set(customers["name"].dropna()) | set(customers["email"].dropna()) \
        | set(users["email"].dropna())
    assert len(personal) > 300
    assert personal_values_in(warehouse / "retention.duckdb", personal) == []
    con = duckdb.connect(str(warehouse / "retention.duckdb"), read_only=True)
    columns = con.execute("""select table_name, column_name
                             from information_schema.columns""").fetchall()
    assert len({t for t, _ in columns}) >= 30
    flagged = [f"{t}.{c}" for t, c in columns if c in PERSONAL_COLUMNS]
    assert flagged == []
    dim = {c for t, c in columns if t == "dim_customers"}
    assert dim and not dim & {"customer_name", "name", "email"}


def test_profiles_hold_no_secrets():
    """Every credential-like setting of every target comes from env_var()."""
    profiles = yaml.safe_load((PROJECT_DIR / "profiles" / "profiles.yml").read_text())
    checked = 0
    for profile in profiles.values():
        if not isinstance(profile, dict):
            continue
        for target in profile.get("outputs", {}).values():
            for key, value in target.items():
                if re.search(r"pass|secret|token|key", key, re.IGNORECASE):
                    checked += 1
                    assert isinstance(value, str) and "env_var(" in value, key
    assert checked >= 1
