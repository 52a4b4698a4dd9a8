"""What a published run was built from, so that a run with nothing new
costs seconds instead of a full build.

After a run publishes, the CLI writes `last_run.json` in the warehouse: a
fingerprint of everything the marts depend on (the content of every raw
export file, the project's code, seeds and settings, the dbt vars and
target) and when it ran. The next run on the same warehouse computes the
same fingerprint first; when it is equal, and the release the record names
is still the published one, nothing is rebuilt, gated or published, and
the run says so in one line. Anything else (a new or changed export, a
code change, other vars, FULL_REFRESH, a failed or killed run since, a
deleted release) builds as usual.

The record also lets a run with new exports skip the dbt unit tests: they
read their own fixtures, never an export, so when the code and settings
(all but where the exports are) equal those of the last published run,
whose unit tests passed, they would pass again (DECISIONS 117). In the
same case the data tests of the incremental event models check only the
rows the run wrote, with every row checked again on a schedule; the record
keeps when that last happened (all_rows_checked_at; DECISIONS 125).

One exception keeps a skip honest: a run that quarantined rows as
future_timestamp (dated after the moment the run started) never lets the
next run skip, since time alone makes those rows valid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from retention_lib.runner import PROJECT_DIR

RECORD = "last_run.json"
# the project's code and settings: a change in any of these rebuilds
PROJECT_INPUTS = ("models", "macros", "seeds", "snapshots", "data-tests",
                  "dbt_project.yml", "selectors.yml", "profiles/profiles.yml",
                  "python/retention_lib", "pyproject.toml", "constraints.txt")
# the environment the profile and the project read (no secrets are stored:
# only the digest of the whole), less where things are written
ENV_PREFIXES = ("DBT_TARGET", "RETENTION_")
# (RETENTION_DATA_TESTS decides which rows the data tests read, not what
# is built: see data_test_rows)
ENV_IGNORED = ("DBT_TARGET_PATH", "RETENTION_WAREHOUSE_DIR",
               "RETENTION_DATA_TESTS")
# where the exports are read from (the CLI passes the folder in this
# variable too): no input of the unit tests, only whether it is set
EXPORT_LOCATION = "RETENTION_RAW_DIR"


def _digest_file(path: Path, digest) -> None:
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file()
                  and "__pycache__" not in p.parts and not p.name.endswith(".pyc"))


def fingerprint(dbt_vars: dict, env: dict, outputs: dict) -> dict:
    """{'exports': {file: sha256}, 'project': sha256, 'settings': sha256};
    `outputs` names what the run writes besides the marts (e.g. docs).
    Without RAW_DIR the exports are the shipped seeds, which the project
    digest already covers."""
    raw_dir = dbt_vars.get("raw_dir")
    exports = {}
    for path in _files(Path(raw_dir)) if raw_dir else []:
        digest = hashlib.sha256()
        _digest_file(path, digest)
        exports[str(path.relative_to(raw_dir))] = digest.hexdigest()
    project = hashlib.sha256()
    for name in PROJECT_INPUTS:
        for path in _files(PROJECT_DIR / name):
            project.update(str(path.relative_to(PROJECT_DIR)).encode() + b"\0")
            _digest_file(path, project)
    settings = {key: value for key, value in sorted(env.items())
                if key.startswith(ENV_PREFIXES) and key not in ENV_IGNORED}
    settings["vars"] = json.dumps(dbt_vars, sort_keys=True)
    settings["outputs"] = json.dumps(outputs, sort_keys=True)
    project_digest = project.hexdigest()
    code = {key: value for key, value in settings.items() if key != EXPORT_LOCATION}
    code["vars"] = json.dumps({**dbt_vars, "raw_dir": bool(raw_dir)}, sort_keys=True)
    code["project"] = project_digest
    return {
        "exports": exports,
        "project": project_digest,
        "settings": _digest(settings),
        "code": _digest(code),
    }


def export_stats(dbt_vars: dict) -> dict[str, tuple[int, int, int]]:
    """Size, modification time (ns) and inode of every file of RAW_DIR:
    taken before a build and again before its publish, they show an
    export rewritten or replaced in place during the run (a Parquet export
    is read from its file by every model that reads it: DECISIONS 122)."""
    raw_dir = dbt_vars.get("raw_dir")
    stats = {}
    for path in _files(Path(raw_dir)) if raw_dir else []:
        stat = path.stat()
        stats[str(path.relative_to(raw_dir))] = (stat.st_size, stat.st_mtime_ns,
                                                 stat.st_ino)
    return stats


def changed_exports(dbt_vars: dict, before: dict[str, tuple[int, int, int]]
                    ) -> list[str]:
    """The files of RAW_DIR added, removed or changed since `before`
    (export_stats)."""
    now = export_stats(dbt_vars)
    return sorted(name for name in set(before) | set(now)
                  if before.get(name) != now.get(name))


def _digest(mapping: dict) -> str:
    return hashlib.sha256(json.dumps(mapping, sort_keys=True).encode()).hexdigest()


def current_release(warehouse: Path) -> str | None:
    current = warehouse / "current"
    return os.readlink(current).split("/")[-1] if current.is_symlink() else None


def _last(warehouse: Path) -> dict | None:
    try:
        return json.loads((warehouse / RECORD).read_text())
    except (OSError, ValueError):
        return None


def unchanged_since(warehouse: Path, now_fingerprint: dict) -> dict | None:
    """The record of the last published run when nothing changed since and
    its release is still the published one; otherwise None."""
    record = _last(warehouse)
    if (record is None
            or record.get("fingerprint") != now_fingerprint
            or record.get("future_quarantined", 1) != 0
            or record.get("release") is None
            or record.get("release") != current_release(warehouse)
            or not (warehouse / "retention.duckdb").exists()):
        return None
    return record


def unit_tests_passed(warehouse: Path, now_fingerprint: dict) -> dict | None:
    """The record of the last published run when it was built from the same
    code and settings as now (the export files and their folder may
    differ): its unit tests passed on exactly these. Otherwise None."""
    record = _last(warehouse) or {}
    if record.get("fingerprint", {}).get("code") != now_fingerprint["code"]:
        return None
    return record


def data_test_rows(warehouse: Path, now_fingerprint: dict, every_days: float,
                   now: dt.datetime) -> tuple[str, str]:
    """Which rows the data tests of the incremental models check (macro
    new_rows_data_tests), and why: ('new_rows', ...) when the last
    published run had the same code and settings (its tests passed on
    every row it kept) and some run checked all rows less than
    `every_days` days ago; else ('all_rows', ...)."""
    record = unit_tests_passed(warehouse, now_fingerprint)
    if record is None:
        return "all_rows", "no published run of this code and settings"
    checked = record.get("all_rows_checked_at")
    if checked is None:
        return "all_rows", "no run of this code has checked every row"
    age = now - dt.datetime.strptime(checked, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=dt.UTC)
    if age >= dt.timedelta(days=every_days):
        return "all_rows", (f"every row was last checked at {checked}, "
                            f"{every_days:g} or more days ago")
    return "new_rows", f"every row was checked at {checked}"


def all_rows_checked_at(warehouse: Path, rows: str, started: dt.datetime,
                        now_fingerprint: dict) -> str | None:
    """When a run of this code last checked every row: this run's start
    when it did, else the last published run's record."""
    if rows == "all_rows":
        return started.strftime("%Y-%m-%dT%H:%M:%SZ")
    record = unit_tests_passed(warehouse, now_fingerprint) or {}
    return record.get("all_rows_checked_at")


def forget(warehouse: Path) -> None:
    """A run that builds removes the record first: a failed or killed run
    leaves none, so the next one builds."""
    (warehouse / RECORD).unlink(missing_ok=True)


def write(warehouse: Path, now_fingerprint: dict, future_quarantined: int,
          all_rows_checked: str | None = None) -> None:
    record = {
        "fingerprint": now_fingerprint,
        "release": current_release(warehouse),
        "future_quarantined": future_quarantined,
        "all_rows_checked_at": all_rows_checked,
        "published_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    temporary = warehouse / (RECORD + ".writing")
    temporary.write_text(json.dumps(record, indent=2) + "\n")
    os.replace(temporary, warehouse / RECORD)
