"""Reference data: daily exchange rates to USD (a random walk per currency)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from retention_lib.generator.common import (
    CURRENCIES,
    FX_BASE,
    Truth,
    date_text,
)


def fx_table(truth: Truth, rng: np.random.Generator, first_day: int,
             last_day: int) -> pa.Table:
    days = np.arange(first_day - 31, last_day + 1)
    parts = []
    for ccy in CURRENCIES:
        if ccy == "USD":
            rate = np.ones(len(days))
        else:
            walk = np.cumsum(rng.normal(0, 0.003, len(days)))
            rate = FX_BASE[ccy] * np.exp(walk - walk.mean())
        parts.append(pa.table({
            "rate_date": date_text(days), "currency": pa.array([ccy] * len(days)),
            "rate_to_usd": pa.array(np.char.mod("%.6f", rate)),
        }))
    return pa.concat_tables(parts)
