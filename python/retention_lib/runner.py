"""The one place that runs dbt: finds the dbt executable beside this
Python, builds the environment (profiles, warehouse folder, target, target
path), checks and merges the vars of a run, and reads the manifest (the
published relations, their documented columns, the raw exports).

The CLI (`make run`), the gates, the bench and the tests use it; it imports
none of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
PUBLISHED_FOLDERS = ("marts", "utilities")


def warehouse_dir() -> Path:
    return Path(os.environ.get("RETENTION_WAREHOUSE_DIR", "warehouse")).resolve()


def target_path(env: dict | None = None) -> Path:
    """dbt's target folder (DBT_TARGET_PATH, as dbt itself reads it) in
    `env`, by default this process's environment."""
    return PROJECT_DIR / (os.environ if env is None else env).get(
        "DBT_TARGET_PATH", "target")


class InvocationError(SystemExit):
    """A bad command line: one line saying what to fix, exit 2, checked
    before anything is built."""

    def __init__(self, message: str):
        super().__init__(message)
        self.code = 2


def parse_extra_vars(extra: str) -> dict:
    """VARS as a dict: a YAML mapping, or an InvocationError naming what
    is wrong with it."""
    try:
        parsed = yaml.safe_load(extra)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        at = f" at column {where.column + 1}" if where is not None else ""
        raise InvocationError(
            f"VARS is not valid YAML{at} ({getattr(error, 'problem', error)}): "
            f"{extra!r}; write a mapping like '{{key: value}}'") from None
    except ValueError as error:  # YAML reads 2025-13-01 as a date and fails
        raise InvocationError(f"VARS holds an impossible date ({error}): "
                              f"{extra!r}") from None
    if not isinstance(parsed, dict):
        raise InvocationError(f"VARS must be a YAML mapping like "
                              f"'{{key: value}}', got: {extra!r}")
    # YAML reads 2025-06-30 as a date; dbt vars travel as JSON text
    return {key: value.isoformat() if isinstance(value, dt.date) else value
            for key, value in parsed.items()}


def check_as_of(as_of: str) -> str:
    """AS_OF as YYYY-MM-DD naming a real day no later than today (UTC),
    else an InvocationError: as_of_date pins "today", and nothing after
    the run can have happened yet."""
    try:
        if len(as_of) != 10:
            raise ValueError("not YYYY-MM-DD")
        day = dt.date.fromisoformat(as_of)
    except ValueError as error:
        raise InvocationError(f"AS_OF must be a real day as YYYY-MM-DD, got "
                              f"{as_of!r} ({error})") from None
    today = dt.datetime.now(dt.UTC).date()
    if day > today:
        raise InvocationError(f"AS_OF {as_of} is after today ({today}): it "
                              "pins the build's today, which cannot be in "
                              "the future")
    return as_of


def check_vars(merged: dict) -> None:
    """Every var must be one dbt_project.yml declares, and of the kind its
    default is (a number for a number, a list for a list, ...): a typo in
    a policy var would otherwise silently use the default."""
    import difflib  # noqa: PLC0415

    declared = project_vars({})
    for key, value in merged.items():
        if key not in declared:
            close = difflib.get_close_matches(key, declared, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise InvocationError(
                f"unknown var {key!r}{hint}: the vars are listed in "
                "dbt_project.yml")
        default = declared[key]
        if default is None or value is None:
            continue
        kinds = {bool: (bool,), int: (int, float), float: (int, float),
                 str: (str,), list: (list,), dict: (dict,)}[type(default)]
        if not isinstance(value, kinds) or (
                isinstance(value, bool) and not isinstance(default, bool)):
            raise InvocationError(
                f"var {key!r} must be a {type(default).__name__} like its "
                f"default {default!r}, got {value!r}")


def build_vars(raw_dir: str | None, as_of: str | None, extra: str | None) -> dict:
    """Merge RAW_DIR, AS_OF and VARS into one dict of dbt vars, checked:
    malformed VARS, an unknown or mistyped var, an impossible AS_OF or a
    missing RAW_DIR stop here with one line (InvocationError, exit 2)."""
    merged: dict = {}
    if extra:
        merged.update(parse_extra_vars(extra))
    if raw_dir:
        folder = Path(raw_dir).resolve()
        if not folder.is_dir():
            raise InvocationError(f"RAW_DIR {raw_dir!r} is not a folder")
        merged["raw_dir"] = str(folder)
    if as_of:
        merged["as_of_date"] = check_as_of(as_of)
    elif merged.get("as_of_date") is not None:
        check_as_of(str(merged["as_of_date"]))
    check_vars(merged)
    return merged


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's virtualenv)."""
    return str(Path(sys.executable).with_name("dbt"))


# A folder of dbt's partial-parse files shared by dbt runs that differ only
# in where they write (the tests set it: each test has its own warehouse
# and target folder, and each new one cost a full parse of the project)
PARSE_CACHE = "RETENTION_DBT_PARSE_CACHE"


def run_dbt(args: list[str], env: dict, *, capture: bool = False,
            timeout: float | None = None) -> subprocess.CompletedProcess:
    """`dbt <args>` in the project folder with `env` (see dbt_env); with
    RETENTION_DBT_PARSE_CACHE set, through the parse cache (parse_cached)."""
    cwd, cached = PROJECT_DIR, None
    if env.get(PARSE_CACHE):
        env, cwd, cached = parse_cached(args, env, Path(env[PARSE_CACHE]))
    result = subprocess.run([dbt_executable(), *args], cwd=cwd, env=env,
                            capture_output=capture, text=True, timeout=timeout)
    if cached is not None and not cached.exists():
        written = target_path(env) / "partial_parse.msgpack"
        if result.returncode == 0 and written.is_file():
            partial = cached.with_suffix(f".{os.getpid()}.partial")
            shutil.copyfile(written, partial)
            os.replace(partial, cached)  # whole or not at all
    return result


def parse_cached(args: list[str], env: dict, cache: Path
                 ) -> tuple[dict, Path, Path]:
    """The environment, working folder and partial-parse file of a dbt run
    through the parse cache. dbt reuses a parse only when the vars, the
    target and the profile as rendered (the DuckDB file's path and access
    mode included) are those it was made with: the run starts in the
    warehouse's parent folder and names the warehouse relative to it (the
    profile's path is then the same for every warehouse of that name), and
    reads the parse that an earlier run with the same vars, target,
    warehouse name and access mode left in the cache (dbt checks it and
    parses in full when anything else differs, so the cache can cost time,
    never a wrong result)."""
    env = dict(env)
    cwd = PROJECT_DIR
    warehouse = Path(env.get("RETENTION_WAREHOUSE_DIR", ""))
    if warehouse.is_absolute():
        cwd = warehouse.parent
        env["RETENTION_WAREHOUSE_DIR"] = warehouse.name
        env["DBT_PROJECT_DIR"] = str(PROJECT_DIR)
    given = args[args.index("--vars") + 1] if "--vars" in args else ""
    # the access mode is part of the profile too: the lineage docs and the
    # freshness report open the working file read-only
    key = json.dumps([given, env.get("DBT_TARGET"),
                      env.get("RETENTION_WAREHOUSE_DIR", ""),
                      env.get("RETENTION_DUCKDB_ACCESS_MODE", "")])
    cache.mkdir(parents=True, exist_ok=True)
    cached = cache / (hashlib.sha256(key.encode()).hexdigest()[:24] + ".msgpack")
    if cached.exists():
        env["DBT_PARTIAL_PARSE_FILE_PATH"] = str(cached)
    return env, cwd, cached


def dbt_env(warehouse: Path, **settings: str) -> dict:
    """The environment of a dbt run on `warehouse`: this process's, with
    the project's profiles and the dev target unless already chosen, no
    colour codes off a terminal, and `settings` (e.g. DBT_TARGET,
    DBT_TARGET_PATH, RAW_DIR) on top."""
    env = dict(os.environ)
    env.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR / "profiles"))
    env["RETENTION_WAREHOUSE_DIR"] = str(warehouse)
    env.setdefault("DBT_TARGET", "dev")
    if not sys.stdout.isatty():  # CI logs and files: no ANSI colour codes
        env.setdefault("DBT_USE_COLORS", "false")
    env.update({key: str(value) for key, value in settings.items()})
    return env


def read_manifest(path: Path) -> dict:
    """dbt's manifest.json, parsed once per run (several MB)."""
    return json.loads(path.read_text())


def _published_models(manifest: dict):
    """Every model under models/marts or models/utilities (dbt keeps
    disabled models out of manifest["nodes"])."""
    for node in manifest["nodes"].values():
        if (node["resource_type"] == "model" and len(node["fqn"]) > 1
                and node["fqn"][1] in PUBLISHED_FOLDERS):
            yield node


def published_relations(manifest: dict) -> list[tuple[str, str]]:
    """(schema, name) of every published model, by name."""
    return sorted(((node["schema"], node["alias"] or node["name"])
                   for node in _published_models(manifest)),
                  key=lambda rel: rel[1])


def declared_columns(manifest: dict) -> dict[str, list[str]]:
    """model name -> its documented columns (the yml), for published models."""
    return {node["name"]: list(node["columns"])
            for node in _published_models(manifest) if node["columns"]}


def published_docs(manifest: dict) -> dict[str, tuple[str, dict[str, str]]]:
    """model name -> (its description, {column: description}) for every
    published model: what BI tools show beside a table and its columns."""
    return {node["name"]: (node.get("description") or "",
                           {name: column.get("description") or ""
                            for name, column in node["columns"].items()})
            for node in _published_models(manifest)}


def row_count_exempt(manifest: dict) -> set[str]:
    """Published models whose row count is not a volume of data (meta
    row_count_gate: false, e.g. the identified CLV fits): the publish gate
    does not hold them to publish_row_count_tolerance, only to never
    dropping to zero rows."""
    return {node["name"] for node in _published_models(manifest)
            if (node.get("config", {}).get("meta") or node.get("meta") or {})
            .get("row_count_gate", True) is False}


def model_relation(manifest: dict, name: str) -> tuple[str, str] | None:
    """(schema, table) of one model, None when it is not in the build."""
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["name"] == name:
            return node["schema"], node["alias"] or node["name"]
    return None


def source_relations(manifest: dict) -> dict[str, tuple[str, str]]:
    """export name -> (schema, table) of every raw export (dbt source)."""
    return {node["name"]: (node["schema"], node["identifier"])
            for node in manifest["sources"].values()}


def project_vars(overrides: dict) -> dict:
    """dbt_project.yml's vars with the command line's overrides on top."""
    declared = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return {**declared.get("vars", {}), **overrides}


def nothing_published(warehouse: Path) -> str:
    """What a reader of the warehouse still sees after a failed run."""
    published = warehouse / "retention.duckdb"
    if published.exists():
        return f"nothing published; the marts in {published} are the last good ones."
    return (f"nothing published; {warehouse} has no published marts yet "
            "(no run has passed).")
