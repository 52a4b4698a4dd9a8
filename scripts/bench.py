"""`make bench`: the daily run of a generated business, as users run it.

Generates (or reuses) a set of --customers customers, then, through the
CLI that `make run` calls (dbt build, gates, publish, docs, dashboards):

1. full: yesterday's export (the set as exported at the start of its last
   day with renewals; retention_lib.generator.observe) on an empty
   warehouse;
2. no new data: the same export again on the same warehouse;
3. one new day: the next day's export (new events, invoices, line items,
   payments, tickets, survey responses with new ids, and the state of
   older rows moved on), incremental on the same warehouse.

For each: wall time, its ratio to the full run, the dbt build's own time,
the data tests (sum of test times), the raw load, gates, publish, and the
peak resident memory of the run's processes; then the slowest models with
their time in each run, and the physical anchor: the event-derived models'
time against one bare `count(distinct user_id)` over the events file.
Medians over --repeat runs of the three. Then, for each --scale size
(e.g. 150000 500000), the full run alone on a set of that size as
generated (scale L of issue #16): wall time, its ratio to the daily set's
full run and to the size ratio, peak memory, and the events-scan ratio.
With --markdown FILE the tables replace the section between this script's
markers there (docs/BENCHMARKS.md).

Usage: python scripts/bench.py --customers 50000 [--repeat 1]
       [--scale 150000 500000] [--markdown docs/BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR / "python"))

from markdown_section import replace_section  # noqa: E402
from retention_lib import runner  # noqa: E402
from retention_lib.generator import generate  # noqa: E402
from retention_lib.generator.observe import daily_exports, reader  # noqa: E402

RUNS = ("full", "no new data", "one new day")
NOT_RUN = float("nan")  # a step the run did not take (printed "-")
# runs a command and prints the peak resident set of its process tree
# (the largest of the processes it waited for) on its last stderr line
PEAK_WRAPPER = ("import resource, subprocess, sys\n"
                "code = subprocess.run(sys.argv[1:]).returncode\n"
                "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
                "print(f'peak_rss_kb={peak}', file=sys.stderr)\n"
                "raise SystemExit(code)\n")


def cli_run(raw_dir: Path, warehouse: Path, target: Path) -> dict:
    """One `make run` (the CLI) on raw_dir into warehouse: its measures."""
    env = runner.dbt_env(warehouse, DBT_TARGET_PATH=str(target), DBT_TARGET="dev",
                         RAW_DIR=str(raw_dir), AS_OF="", VARS="", FULL_REFRESH="")
    command = [sys.executable, "-c", PEAK_WRAPPER, sys.executable, "-m",
               "retention_lib.cli", "run"]
    began = time.perf_counter()
    proc = subprocess.run(command, env=env, cwd=PROJECT_DIR, capture_output=True,
                          text=True)
    wall = time.perf_counter() - began
    if proc.returncode != 0:
        raise SystemExit(f"make run failed on {raw_dir} (exit {proc.returncode}):\n"
                         + proc.stdout[-3000:] + proc.stderr[-3000:])
    peak_kb = int(re.findall(r"peak_rss_kb=(\d+)", proc.stderr)[-1])
    if "Nothing new since" in proc.stdout:  # skipped: nothing was built
        results, nodes = {"elapsed_time": NOT_RUN}, {}
    else:
        results = json.loads((target / "run_results_build.json").read_text())
        nodes = {r["unique_id"]: r["execution_time"] for r in results["results"]}

    def step(name: str) -> float:
        found = re.findall(rf"{name} took (\d+) s", proc.stdout)
        return float(found[-1]) if found else NOT_RUN

    def total(keep) -> float:
        return sum(v for k, v in nodes.items() if keep(k)) if nodes else NOT_RUN

    docs = re.findall(r"docs and dashboards (\d+) s", proc.stdout)
    steps = {"dbt": step("dbt build"), "gates": step("gates"),
             "publish": step("publish"),
             "docs": float(docs[-1]) if docs else NOT_RUN}
    return {
        "wall": wall, "peak_mb": peak_kb / 1024, "build": results["elapsed_time"],
        "tests": total(lambda k: k.startswith(("test.", "unit_test."))),
        "load": total(lambda k: "on-run-start" in k), **steps,
        # start-up, fingerprints, waiting for the freshness report: what
        # the steps the CLI times leave of the wall time ("-" when a step
        # was not taken: NOT_RUN is NaN)
        "rest": wall - sum(steps.values()),
        "nodes": nodes,
    }


def cell(value: float, spec: str, unit: str = "") -> str:
    """A table cell: the value in format `spec` with its unit, or "-" for a
    step the run did not take."""
    return "-" if math.isnan(value) else f"{value:{spec}}{unit}"


def event_scan_seconds(raw_dir: Path, repeat: int = 3) -> float:
    """One bare pass over the events: count(distinct user_id), median."""
    import duckdb  # noqa: PLC0415

    events = reader(next(raw_dir.glob("events.*")))
    times = []
    for _ in range(repeat):
        con = duckdb.connect()
        began = time.perf_counter()
        con.execute(f"select count(distinct user_id) from {events}").fetchone()
        times.append(time.perf_counter() - began)
        con.close()
    return statistics.median(times)


def event_derived_models(manifest: dict) -> set[str]:
    """Every model downstream of the events export."""
    children = manifest["child_map"]
    todo = [k for k in children if k.startswith("source.") and k.endswith(".events")]
    seen: set[str] = set()
    while todo:
        node = todo.pop()
        for child in children.get(node, []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return {k for k in seen if k.startswith("model.")}


def generated_set(customers: int) -> tuple[Path, float | None]:
    """The generated set of that size (Parquet, seed 42), generated unless
    it is there; and the seconds its generation took (None: reused)."""
    raw_dir = PROJECT_DIR / "data" / "generated" / f"customers_{customers}"
    if (raw_dir / "_truth.json").exists():
        return raw_dir, None
    began = time.perf_counter()
    generate(raw_dir, customers, fmt="parquet")
    return raw_dir, time.perf_counter() - began


def scale_rows(sizes: list[int], repeat: int, base: tuple[int, float]) -> list[str]:
    """The full run alone on each generated set of `sizes` customers (on a
    fresh warehouse, removed after): a markdown table against the daily
    set's full run (`base`: its customers and median wall time)."""
    import duckdb  # noqa: PLC0415

    base_customers, base_wall = base
    lines = [
        "", "Scale: the full run alone on larger generated sets (the set as "
        "generated, on an empty warehouse; medians of "
        f"{repeat} run(s)):", "",
        "| customers | events | generated in | wall time | dbt build | gates "
        "| peak RSS | time / the daily set's full | customers ratio "
        "| events-scan anchor | event-derived models |",
        "|---|---|---|---|---|---|---|---|---|---|---|"]
    for size in sizes:
        raw_dir, generated = generated_set(size)
        con = duckdb.connect()
        events_file = reader(raw_dir / "events.parquet")
        events = con.execute(f"select count(*) from {events_file}").fetchone()[0]
        con.close()
        warehouse = PROJECT_DIR / "target" / f"bench-warehouse-{size}"
        target = PROJECT_DIR / "target" / f"bench-target-{size}"
        runs = []
        for _ in range(repeat):
            shutil.rmtree(warehouse, ignore_errors=True)
            runs.append(cli_run(raw_dir, warehouse, target))
            print(f"full, {size:,} customers: {runs[-1]['wall']:.1f} s", flush=True)
        shutil.rmtree(warehouse, ignore_errors=True)
        scan = event_scan_seconds(raw_dir)
        derived = event_derived_models(
            json.loads((target / "manifest.json").read_text()))
        model_seconds = statistics.median(
            sum(r["nodes"].get(n, 0.0) for n in derived) for r in runs)

        def med(key: str, runs=runs) -> float:
            return statistics.median(r[key] for r in runs)

        lines.append(
            f"| {size:,} | {events:,} | "
            + ("reused" if generated is None else f"{generated:.0f} s")
            + f" | {med('wall'):,.1f} s | {med('build'):,.1f} s | "
            f"{cell(med('gates'), ',.0f', ' s')} | {med('peak_mb'):,.0f} MB | "
            f"{med('wall') / base_wall:.1f} | {size / base_customers:.3g} | "
            f"{scan:.2f} s | {model_seconds:,.0f} s: "
            f"{model_seconds / scan:,.0f} passes |")
    return lines


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--scale", type=int, nargs="*", default=[])
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)

    raw_dir, generated = generated_set(args.customers)
    yesterday, today, new_day = daily_exports(raw_dir)
    import duckdb  # noqa: PLC0415 (after generation: keeps its import light)

    con = duckdb.connect()
    rows = {p.stem: con.execute(f"select count(*) from '{p}'").fetchone()[0]
            for p in sorted(yesterday.glob("*.parquet"))}
    new_rows = {p.stem: con.execute(f"select count(*) from '{p}'").fetchone()[0]
                - rows.get(p.stem, 0) for p in sorted(today.glob("*.parquet"))}
    con.close()

    warehouse = PROJECT_DIR / "target" / "bench-warehouse"
    target = PROJECT_DIR / "target" / "bench-target"
    measured: dict[str, list[dict]] = {run: [] for run in RUNS}
    for _ in range(args.repeat):
        shutil.rmtree(warehouse, ignore_errors=True)
        for run, folder in zip(RUNS, (yesterday, yesterday, today), strict=True):
            measured[run].append(cli_run(folder, warehouse, target))
            print(f"{run}: {measured[run][-1]['wall']:.1f} s", flush=True)
    scan = event_scan_seconds(yesterday)
    manifest = json.loads((target / "manifest.json").read_text())
    events_models = event_derived_models(manifest)

    def med(run: str, key: str) -> float:
        return statistics.median(m[key] for m in measured[run])

    def node_med(run: str, node: str) -> float:
        return statistics.median(m["nodes"].get(node, float("nan"))
                                 for m in measured[run])

    full_wall = med("full", "wall")
    lines = [
        f"Data: {args.customers:,} customers (Parquet, retention_lib.generator, "
        f"seed 42), exported at the start of {new_day} (yesterday) and of the "
        "day after (one new day): "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(rows.items(),
                                                    key=lambda kv: -kv[1])[:4])
        + "; the new day adds "
        + ", ".join(f"{k} {v:,}" for k, v in new_rows.items() if v) + ".",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{args.repeat} run(s) of the three (medians); load average at the end "
        f"{load_average()}. Each run is `make run` (build, gates, publish, docs, "
        "dashboards) on the same warehouse.",
        "",
        "| measure | " + " | ".join(RUNS) + " |",
        "|---|" + "---|" * len(RUNS),
    ]
    if generated is not None:
        lines.insert(2, f"Generating the set took {generated:.1f} s.")
    for label, key, unit in (
            ("wall time", "wall", "s"),
            ("dbt process (parse and build)", "dbt", "s"),
            ("dbt build", "build", "s"),
            ("data and unit tests (sum)", "tests", "s"),
            ("raw load (on-run-start)", "load", "s"), ("gates", "gates", "s"),
            ("publish", "publish", "s"),
            ("docs and dashboards", "docs", "s"),
            ("the rest (start-up, fingerprints, freshness)", "rest", "s"),
            ("peak RSS", "peak_mb", "MB")):
        cells = [cell(med(run, key), ",.1f", f" {unit}") for run in RUNS]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("| wall time / full | " + " | ".join(
        f"{med(run, 'wall') / full_wall:.0%}" for run in RUNS) + " |")
    derived = sum(node_med("full", n) for n in events_models)
    lines += [
        "",
        f"Events scan anchor: one bare `count(distinct user_id)` over the events "
        f"takes {scan:.2f} s; the {len(events_models)} event-derived models take "
        f"{derived:.1f} s together in the full build: {derived / scan:.0f} passes' "
        "worth.",
        "",
        f"Slowest {args.top} models of the full run (median seconds):",
        "",
        "| model | " + " | ".join(RUNS) + " |",
        "|---|" + "---|" * len(RUNS),
    ]
    models = sorted((k for k in measured["full"][0]["nodes"] if k.startswith("model.")),
                    key=lambda k: -node_med("full", k))
    lines += ["| " + k.split(".")[-1] + " | " + " | ".join(
        cell(node_med(run, k), ".2f") for run in RUNS) + " |"
        for k in models[: args.top]]
    if args.scale:
        lines += scale_rows(args.scale, args.repeat, (args.customers, full_wall))
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        replace_section(args.markdown, "make bench", text,
                        "The daily run on the generated set")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
