"""The frames of the dbt Python models, with the types SQL marts use.

pandas has no DECIMAL or DATE: a frame's money comes out DOUBLE and its
days TIMESTAMP. `relation_with_types` casts the named columns on the way
into DuckDB (money through DECIMAL(38, 9), as the SQL marts' to_amount
macro does, so rounding is the same on every path). An empty frame's text
columns have no type at all (pandas object, DuckDB NULL), which breaks the
contracts of the SQL marts that read them (a business without product or
support data): they become VARCHAR.
"""

from __future__ import annotations

MONEY = "decimal(18, 4)"


def cast_expression(column: str, sql_type: str) -> str:
    quoted = '"' + column.replace('"', '""') + '"'
    if sql_type == MONEY:
        return f"cast(cast({quoted} as decimal(38, 9)) as {MONEY}) as {quoted}"
    return f"cast({quoted} as {sql_type}) as {quoted}"


def relation_with_types(session, frame, types: dict[str, str]):
    """`frame` as a DuckDB relation of `session`, columns of `types`
    (name -> SQL type) cast, the others as they are, in the frame's order."""
    unknown = set(types) - set(frame.columns)
    if unknown:
        raise KeyError(f"no column {sorted(unknown)} to cast")
    if frame.empty:
        types = {**{c: "varchar" for c in frame.columns
                    if frame[c].dtype == object}, **types}
    items = [cast_expression(c, types[c]) if c in types
             else '"' + c.replace('"', '""') + '"' for c in frame.columns]
    return session.from_df(frame).project(", ".join(items))
