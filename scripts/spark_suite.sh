#!/usr/bin/env bash
# make test-spark: every mart on a real Spark Thrift Server.
#
# Installs what is missing (Java from Debian, the project's `spark` extra:
# pyspark, which ships Spark and the Thrift server),
# starts a private Thrift server from pyspark (master local[2], 127.0.0.1, a
# non-default port, its warehouse, metastore and scratch space in a
# temporary folder), builds the shipped sample on it through the CLI from
# RAW_DIR files (tables over the files; seeds, snapshots and models: the
# data tests already ran on DuckDB), then runs tests/spark: every mart
# equals its twin in the DuckDB build of `make build-sample` (argument 1:
# the published DuckDB file; each mart is printed with its row count),
# the raw exports are tables over the files, bad files are refused as on
# DuckDB, bad values are quarantined as on DuckDB, and a bad connection is
# one clear line.
# The server is stopped and its folder removed on exit, whatever happened.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
DUCKDB_FILE=$(realpath "${1:?usage: spark_suite.sh PUBLISHED_DUCKDB_FILE}")
PORT=${RETENTION_SPARK_TEST_PORT:-10433}

source scripts/spark_server.sh
spark_prerequisites
WORK=$(mktemp -d /tmp/retention-spark.XXXXXX)
cleanup() {
    stop_spark_server
    rm -rf "$WORK"
}
trap cleanup EXIT
began=$(date +%s)
start_spark_server "$WORK" "$PORT"
echo "Spark Thrift Server on 127.0.0.1:$PORT after $(( $(date +%s) - began )) s"

export RETENTION_SPARK_HOST=127.0.0.1 RETENTION_SPARK_PORT=$PORT \
    RETENTION_SPARK_USER=retention RETENTION_DUCKDB_FILE=$DUCKDB_FILE
# the sample, from files written the ways real exports differ (Parquet,
# a byte-order mark, CRLF, padded headers, reordered and extra columns):
# Spark reads them as tables over the files, and the marts must still
# equal the DuckDB build of the seeds
"$BIN/python" -c "import sys; sys.path.insert(0, 'tests'); \
import engine_parity; engine_parity.write_varied_exports('$WORK/raw')"
export RETENTION_SPARK_RAW_DIR=$WORK/raw
DBT_TARGET=spark DBT_TARGET_PATH=target/spark RAW_DIR="$WORK/raw" AS_OF= VARS= \
    "$BIN/python" -m retention_lib.cli run --no-docs --models-only
"$BIN/pytest" -q -s -p no:cacheprovider tests/spark
echo "Spark suite: $(( $(date +%s) - began )) s from the server's start"
