"""retention_lib.typed: the dbt Python marts' frames get the SQL marts'
types (DECIMAL(18, 4) money rounded as to_amount does, DATE days)."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pandas as pd
import pytest

from retention_lib.typed import MONEY, relation_with_types


def test_money_and_dates_are_cast_and_other_columns_kept():
    con = duckdb.connect()
    frame = pd.DataFrame({
        "customer_id": ["c1", "c2"],
        "clv": [1.23456, 307.77615],
        "as_of_date": pd.to_datetime(["2024-03-31", "2024-03-31"]),
        "score": [0.5, 0.25]})
    relation = relation_with_types(con, frame, {"clv": MONEY, "as_of_date": "date"})
    assert relation.columns == ["customer_id", "clv", "as_of_date", "score"]
    assert [str(t) for t in relation.types] == [
        "VARCHAR", "DECIMAL(18,4)", "DATE", "DOUBLE"]
    rows = relation.fetchall()
    assert rows[0][1] == Decimal("1.2346")
    # through DECIMAL(38, 9) first: the tie rounds up, as in to_amount
    assert rows[1][1] == Decimal("307.7762")
    assert str(rows[0][2]) == "2024-03-31"


def test_a_cast_of_a_missing_column_is_refused():
    with pytest.raises(KeyError, match="no column"):
        relation_with_types(duckdb.connect(), pd.DataFrame({"a": [1]}),
                            {"b": "date"})


def test_an_empty_frame_gets_typed_text_columns():
    """No snapshot at all (a store with orders only): the text columns of
    the empty frame are VARCHAR, not DuckDB's NULL type."""
    frame = pd.DataFrame({"customer_id": pd.Series([], dtype=object),
                          "health_score": pd.Series([], dtype=float),
                          "snapshot_date": pd.Series([], dtype=object)})
    relation = relation_with_types(duckdb.connect(), frame,
                                   {"snapshot_date": "date"})
    assert [str(t) for t in relation.types] == ["VARCHAR", "DOUBLE", "DATE"]
