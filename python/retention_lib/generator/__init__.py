"""Synthetic B2B SaaS company: writes every raw export of the contract.

Vectorised with numpy and deterministic for a given seed: customers are
simulated in chunks (each chunk with its own child random stream), so memory
stays bounded for large sets and the output depends only on the seed and the
chunk size. The true generating parameters are written beside the data
(`_truth.json`) so that tests can check estimates against them.

Usage: python -m retention_lib.generator --customers 500 --out seeds \
           --format csv
"""


from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from retention_lib.contract import EXPORTS
from retention_lib.generator import billing, commerce, marketing, product, support
from retention_lib.generator.common import (
    COMMENT_TRUTH_FILE,
    TRUTH_FILE,
    Chunk,
    Truth,
    add_months,
)
from retention_lib.generator.reference import fx_table

__all__ = ["COMMENT_TRUTH_FILE", "Truth", "generate", "main"]


# ----------------------------------------------------------------- output
class _Writer:
    def __init__(self, out: Path, fmt: str):
        self.out, self.fmt = out, fmt
        self.writers: dict[str, object] = {}
        out.mkdir(parents=True, exist_ok=True)

    def write(self, export: str, table: pa.Table):
        cols = EXPORTS[export]["columns"]
        table = table.select(cols).cast(pa.schema([(c, pa.string()) for c in cols]))
        w = self.writers.get(export)
        path = self.out / f"{export}.{self.fmt}"
        if w is None:
            if self.fmt == "parquet":
                w = pq.ParquetWriter(path, table.schema, compression="zstd")
            else:
                w = pacsv.CSVWriter(path, table.schema)
            self.writers[export] = w
        w.write_table(table)

    def close(self):
        for w in self.writers.values():
            w.close()


def generate(out_dir: str | Path, n_customers: int, seed: int = 42,
             fmt: str = "csv", start_date: str = "2024-01-01", months: int = 24,
             chunk_size: int = 20_000) -> Truth:
    """Simulate the company and write every export to out_dir."""
    truth = Truth(seed=seed, n_customers=n_customers, start_date=start_date,
                  months=months, chunk_size=chunk_size)
    h0 = int(np.datetime64(start_date, "D").astype(np.int64))
    h1 = int(add_months(np.array([h0]), np.array([months]))[0])
    root = np.random.default_rng(seed)
    writer = _Writer(Path(out_dir), fmt)
    plans, price = billing.plans_table(truth)
    writer.write("plans", plans)
    writer.write("fx_rates", fx_table(truth, np.random.default_rng([seed, 1]), h0,
                                      h1))
    all_signups, all_channels, comment_truth = [], [], []
    n_chunks = max(1, -(-n_customers // chunk_size))
    chunk_rngs = root.spawn(n_chunks)
    for i in range(n_chunks):
        first = i * chunk_size
        n = min(chunk_size, n_customers - first)
        chunk = Chunk(truth, price, first + 1, n, chunk_rngs[i], h0, h1,
                      np.random.default_rng([seed, 3, i]))
        # in this order: each system reads what the previous ones left
        billing.customers(chunk)
        billing.subscriptions(chunk)
        billing.billing(chunk)
        product.product(chunk)
        support.support(chunk)
        marketing.emails(chunk)
        commerce.commerce(chunk)
        for export, table in chunk.out.items():
            writer.write(export, table)
        comment_truth += chunk.comment_truth
        all_signups.append(chunk.signup)
        all_channels.append(chunk.channel)
    writer.write("marketing_spend", marketing.marketing_spend(
        truth, np.random.default_rng([seed, 2]), np.concatenate(all_signups),
        np.concatenate(all_channels), h0, h1))
    writer.close()
    (Path(out_dir) / TRUTH_FILE).write_text(json.dumps(asdict(truth), indent=2)
                                               + "\n")
    (Path(out_dir) / COMMENT_TRUTH_FILE).write_text("\n".join(
        ["response_id\ttopics\tsentiment\tlanguage\tpersonal_values",
         *comment_truth]) + "\n")
    return truth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--out", required=True)
    parser.add_argument("--format", choices=["csv", "parquet"], default="parquet")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start-date", default="2024-01-01")
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--chunk-size", type=int, default=20_000)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    generate(args.out, args.customers, args.seed, args.format, args.start_date,
             args.months, args.chunk_size)
    elapsed = time.perf_counter() - began
    print(f"wrote {args.customers} customers to {args.out} "
          f"({args.format}) in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
