"""`make bench` (CLV part): fit BG/NBD on 1,000,000 simulated customers.

Customers get an integer age of 1..365 days and integer-day recency (what
transaction dates give), so identical (frequency, recency, age) rows
collapse into weighted unique rows before the fit. Prints the median of
--repeat timings of: simulation, collapsing, and the fit itself, plus the
recovered parameters against the truth.

Integer days are a discretisation of the model's continuous time, so the
estimates sit a little off the truth (a few standard errors at this size);
tests/python/test_clv.py checks recovery on continuous times.

With --markdown FILE the table replaces the CLV section of that file
(between its two markers).

Usage: python scripts/bench_clv.py [--customers 1000000] [--repeat 3]
       [--markdown docs/BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))

from markdown_section import replace_section  # noqa: E402
from retention_lib import clv  # noqa: E402

TRUTH = (0.243, 4.414 * 7, 0.793, 2.426)  # the CDNOW estimates, in days


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(42)
    began = time.perf_counter()
    age = rng.integers(1, 366, args.customers).astype(float)
    frequency, recency = clv.simulate_bgnbd(TRUTH, age, rng)
    recency = np.floor(recency)
    simulated = time.perf_counter() - began

    collapse_s, fit_s, fits = [], [], []
    for _ in range(args.repeat):
        began = time.perf_counter()
        (x, t_x, t), weights = clv.collapse(frequency, recency, age)
        collapse_s.append(time.perf_counter() - began)
        began = time.perf_counter()
        fits.append(clv.fit_bgnbd(x, t_x, t, weights=weights))
        fit_s.append(time.perf_counter() - began)
    fit = fits[-1]
    total = [c + f for c, f in zip(collapse_s, fit_s, strict=True)]
    lines = [
        f"BG/NBD on {args.customers:,} simulated customers "
        f"({weights.size:,} unique rows), medians of {args.repeat}:",
        "",
        "| measure | seconds |",
        "|---|---|",
        f"| simulate (once) | {simulated:.2f} |",
        f"| collapse to unique rows | {statistics.median(collapse_s):.2f} |",
        "| maximum-likelihood fit with standard errors | "
        f"{statistics.median(fit_s):.2f} |",
        f"| collapse + fit | {statistics.median(total):.2f} |",
        "",
        "| parameter | truth | estimate | standard error |",
        "|---|---|---|---|",
    ]
    lines += [f"| {name} | {value:.4f} | {fit[name]:.4f} | "
              f"{fit.standard_errors[name]:.4f} |"
              for name, value in zip(["r", "alpha", "a", "b"], TRUTH,
                                     strict=True)]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        replace_section(args.markdown, "make bench (CLV)", text,
                        "Lifetime value fits (retention_lib.clv)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
