#!/usr/bin/env bash
# make test-engines (part of make test): the PostgreSQL suite
# (scripts/postgres_suite.sh) and the Spark suite (scripts/spark_suite.sh)
# side by side. Neither keeps both cores busy for long (the PostgreSQL
# build waits on its server, the Spark build on the Thrift server's
# queries), so together they take little more than the Spark suite alone.
# What is missing is installed first, one thing at a time (apt-get holds a
# lock). Each output line is prefixed with its suite's name; the exit
# status is non-zero when either suite failed, and the failing ones are
# named at the end. They share nothing but the read-only DuckDB file:
# separate servers, ports, temporary folders and dbt target folders
# (target/postgres, target/spark).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
DUCKDB_FILE=$(realpath "${1:?usage: engine_suites.sh PUBLISHED_DUCKDB_FILE}")

source scripts/postgres_server.sh
postgres_prerequisites
source scripts/spark_server.sh
spark_prerequisites

export BIN PYTHONUNBUFFERED=1
suite() {  # NAME SCRIPT: the suite's lines prefixed with [NAME]
    bash "$2" "$DUCKDB_FILE" 2>&1 | sed -u "s/^/[$1] /"
}
suite postgres scripts/postgres_suite.sh &
postgres=$!
suite spark scripts/spark_suite.sh &
spark=$!
failed=()
wait "$postgres" || failed+=(PostgreSQL)
wait "$spark" || failed+=(Spark)
if [ ${#failed[@]} -gt 0 ]; then
    echo "engine suites failed: ${failed[*]} (the lines prefixed with its name above)" >&2
    exit 1
fi
echo "engine suites passed: PostgreSQL and Spark"
