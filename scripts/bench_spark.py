"""`make bench-spark`: the same generated set built on DuckDB and on Spark.

Run by scripts/spark_bench.sh, which starts a private Spark Thrift Server
(RETENTION_SPARK_HOST/PORT). Both engines build models only (seeds,
snapshots, models; the data tests are DuckDB's job, as in the engine
suites) from RAW_DIR: on DuckDB into a fresh working file (the hook loads
the files), on Spark through the CLI (the exports become tables over the
files). Each engine then
builds a second time on the same data (the incremental models process
their lookback window only). Prints, and with --markdown writes into that
file between its own markers, the wall times, the Spark/DuckDB ratios and
the slowest models of each engine.

Usage: python scripts/bench_spark.py --customers 50000 [--markdown FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR / "python"))

from markdown_section import replace_section  # noqa: E402
from retention_lib import runner  # noqa: E402
from retention_lib.generator import generate  # noqa: E402
from retention_lib.generator.observe import daily_exports  # noqa: E402

SPARK_SETTINGS = ("master local[2], driver memory {memory}, "
                  "spark.sql.shuffle.partitions=4, parquet tables")


def build(engine: str, raw_dir: Path, warehouse: Path,
          target: Path) -> tuple[float, dict[str, float]]:
    """One models-only build from raw_dir: on DuckDB `dbt build` without
    tests (the on-run-start hook loads the files), on Spark the CLI with
    --models-only (it checks and loads the files, then the same dbt
    build); wall seconds and per-node times from run_results.json."""
    env = runner.dbt_env(warehouse, DBT_TARGET=engine, DBT_TARGET_PATH=target,
                         RAW_DIR=str(raw_dir), AS_OF="", VARS="")
    if engine == "spark":
        command = [sys.executable, "-m", "retention_lib.cli", "run",
                   "--no-docs", "--models-only"]
    else:
        command = [runner.dbt_executable(), "build", "--quiet",
                   "--exclude-resource-type", "test", "--exclude-resource-type",
                   "unit_test", "--vars", json.dumps({"raw_dir": str(raw_dir)})]
    began = time.perf_counter()
    code = subprocess.run(command, cwd=PROJECT_DIR, env=env,
                          stdout=subprocess.DEVNULL).returncode
    elapsed = time.perf_counter() - began
    if code != 0:
        raise SystemExit(f"the {engine} build failed (exit {code})")
    # the CLI keeps every dbt invocation of its run (two on Spark, around
    # the lifetime-value fits) in run_results_build.json
    name = "run_results_build.json" if engine == "spark" else "run_results.json"
    results = json.loads((target / name).read_text())
    return elapsed, {r["unique_id"]: r["execution_time"]
                     for r in results["results"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)
    if "RETENTION_SPARK_PORT" not in os.environ:
        raise SystemExit("run through `make bench-spark` (scripts/spark_bench.sh)")

    raw_dir = PROJECT_DIR / "data" / "generated" / f"customers_{args.customers}"
    if not (raw_dir / "_truth.json").exists():
        generate(raw_dir, args.customers, fmt="parquet")
    yesterday, today, new_day = daily_exports(raw_dir)
    runs: dict[str, list[tuple[float, dict]]] = {}
    for engine in ("dev", "spark"):
        warehouse = PROJECT_DIR / "target" / f"bench-{engine}-warehouse"
        target = PROJECT_DIR / "target" / f"bench-{engine}-target"
        shutil.rmtree(warehouse, ignore_errors=True)
        warehouse.mkdir(parents=True)
        runs[engine] = [build(engine, folder, warehouse, target)
                        for folder in (yesterday, today)]
        print(f"{engine}: full {runs[engine][0][0]:.1f} s, one new day "
              f"{runs[engine][1][0]:.1f} s", flush=True)

    duck_full, duck_nodes = runs["dev"][0]
    spark_full, spark_nodes = runs["spark"][0]
    load = os.getloadavg()
    memory = os.environ.get("RETENTION_SPARK_MEMORY", "?")
    lines = [
        f"Models only (seeds, snapshots, models; the data tests ran on "
        f"DuckDB), {args.customers:,} generated customers from RAW_DIR "
        f"(Parquet): the export at the start of {new_day}, then the next "
        f"day's export on the same warehouse (incremental); one run of "
        "`make bench-spark` on "
        f"{time.strftime('%Y-%m-%d')}, load average {load[0]:.1f} at the "
        f"end. Spark: {SPARK_SETTINGS.format(memory=memory)}."
        " Both include loading the exports (DuckDB: into its file; Spark: "
        "the checks, then tables over the files).",
        "",
        "| measure | DuckDB | Spark | Spark / DuckDB |",
        "|---|---|---|---|",
        f"| full build (wall) | {duck_full:.1f} s | {spark_full:.1f} s | "
        f"{spark_full / duck_full:.1f} |",
        f"| one new day, incremental (wall) | {runs['dev'][1][0]:.1f} s | "
        f"{runs['spark'][1][0]:.1f} s | "
        f"{runs['spark'][1][0] / runs['dev'][1][0]:.1f} |",
        "",
        f"Slowest {args.top} models on Spark (full build), with DuckDB's "
        "time for the same model and both in the one-new-day run:",
        "",
        "| model | Spark (s) | DuckDB (s) | ratio | Spark, new day (s) | "
        "DuckDB, new day (s) |",
        "|---|---|---|---|---|---|",
    ]
    spark_day, duck_day = runs["spark"][1][1], runs["dev"][1][1]
    slowest = sorted(((seconds, node) for node, seconds in spark_nodes.items()
                      if node.startswith("model.")), reverse=True)[: args.top]
    for seconds, node in slowest:
        duck = duck_nodes.get(node)
        lines.append(
            f"| {node.split('.')[-1]} | {seconds:.1f} | "
            + (f"{duck:.1f} | {seconds / duck:.1f} |" if duck else "- | - |")
            + f" {spark_day.get(node, float('nan')):.1f} | "
            f"{duck_day.get(node, float('nan')):.1f} |")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        replace_section(args.markdown, "make bench-spark", text, "Spark and DuckDB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
