#!/usr/bin/env bash
# make bench-spark: the generated set (argument 1: customers, default
# 50000) built on DuckDB and on a private Spark Thrift Server
# (scripts/spark_server.sh, driver memory $RETENTION_SPARK_MEMORY, default
# 8g), models only, yesterday's export in full then the next day's
# export (retention_lib.generator.observe); scripts/bench_spark.py prints the
# table and writes it into docs/BENCHMARKS.md. The server is stopped and
# its folder removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
CUSTOMERS=${1:-50000}
PORT=${RETENTION_SPARK_BENCH_PORT:-10434}
export RETENTION_SPARK_MEMORY=${RETENTION_SPARK_MEMORY:-8g}

source scripts/spark_server.sh
spark_prerequisites
WORK=$(mktemp -d /tmp/retention-spark-bench.XXXXXX)
cleanup() {
    stop_spark_server
    rm -rf "$WORK"
}
trap cleanup EXIT
start_spark_server "$WORK" "$PORT" "$RETENTION_SPARK_MEMORY"
export RETENTION_SPARK_HOST=127.0.0.1 RETENTION_SPARK_PORT=$PORT \
    RETENTION_SPARK_USER=retention
"$BIN/python" scripts/bench_spark.py --customers "$CUSTOMERS" \
    --markdown docs/BENCHMARKS.md
