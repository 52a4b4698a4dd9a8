"""Results of deterministic computations kept from one run to the next
(DECISIONS 133).

A daily run fits again models whose data did not change: the back-tests'
calibration fits (their windows are whole past months), the MRR
forecast's back-test origins, most sBG cohorts at as_of_date, the
bootstrap of a back-test whose evaluation rows are in the past. Each such
computation is a function of its input arrays and settings alone, so its
result is kept under a key that hashes all of them: the kind of
computation, every input array (dtype, shape and bytes), the settings,
and the code that computes it (the library's source files and the numpy
and scipy versions). The same key is the same computation on the same
machine and gives the same result bit for bit, so a kept result is what
computing it again would give; any change of data, settings or code is a
new key, computed afresh.

Results are kept only inside `kept_in` (the dbt Python models on DuckDB:
a table beside the model, `<model>__memo`, rewritten at the end of each
successful run with the entries that run used, so it never grows beyond
one run's computations). Everywhere else (the tests of the statistics,
the CLI on server targets) `remembered` just computes.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

_STORE: contextvars.ContextVar[_Store | None] = contextvars.ContextVar(
    "retention_memo", default=None)


class _Store:
    def __init__(self, kept: dict[str, str]):
        self.kept = kept
        self.used: dict[str, str] = {}
        self.hits = 0


@functools.cache
def code_version() -> str:
    """The library's source and the numeric packages' versions, hashed."""
    import scipy  # noqa: PLC0415

    digest = hashlib.sha256(f"numpy {np.__version__} scipy {scipy.__version__}"
                            .encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0"
                      + path.read_bytes())
    return digest.hexdigest()


def key(kind: str, arrays: tuple, settings: tuple) -> str:
    """The hash of one computation: kind, input arrays, settings, code."""
    digest = hashlib.sha256(f"{code_version()}\0{kind}\0{settings!r}".encode())
    for value in arrays:
        array = np.ascontiguousarray(value)
        if array.dtype == object:
            raise TypeError(f"{kind}: cannot key an object array")
        digest.update(f"\0{array.dtype.str}{array.shape}\0".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def remembered(kind: str, arrays: tuple, settings: tuple, compute: Callable,
               encode: Callable[[object], object],
               decode: Callable[[object], object],
               failure: type[Exception] | None = None):
    """compute(), or the result kept for the same kind, arrays and settings.
    encode/decode turn the result into JSON-able values and back (floats
    round-trip exactly). A `failure` raised by compute is kept too and
    raised again, with its message, on a hit."""
    store = _STORE.get()
    if store is None:
        return compute()
    name = key(kind, arrays, settings)
    if name not in store.kept:
        try:
            value = {"result": encode(compute())}
        except Exception as error:
            if failure is None or not isinstance(error, failure):
                raise
            value = {"failure": str(error)}
        store.kept[name] = json.dumps(value)
    else:
        store.hits += 1
    text = store.kept[name]
    store.used[name] = text
    value = json.loads(text)
    if "failure" in value:
        raise failure(value["failure"])
    return decode(value["result"])


def table_of(this) -> str:
    """The memo table of a dbt Python model (its `dbt.this`)."""
    return ".".join('"' + str(part).replace('"', '""') + '"' for part in
                    (this.database, this.schema, f"{this.identifier}__memo"))


@contextlib.contextmanager
def kept_in(session, table: str) -> Iterator[_Store]:
    """Keep results in `table` of a DuckDB `session` within the block: the
    entries kept there are read first, and after the block completes the
    table holds exactly the entries the block used (a block that fails
    leaves the table as it was)."""
    import duckdb  # noqa: PLC0415 (only where results are kept)

    try:
        kept = dict(session.execute(f"select key, value from {table}").fetchall())
    except duckdb.CatalogException:  # no table yet: nothing kept
        kept = {}
    store = _Store(kept)
    token = _STORE.set(store)
    try:
        yield store
    finally:
        _STORE.reset(token)
    session.execute(f"create or replace table {table} "
                    "(key varchar not null, value varchar not null)")
    if store.used:
        session.executemany(f"insert into {table} values (?, ?)",
                            sorted(store.used.items()))
