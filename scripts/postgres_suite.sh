#!/usr/bin/env bash
# make test-postgres: every mart on a real PostgreSQL server.
#
# Installs Debian's postgresql package if no server binaries are found,
# starts a private cluster on 127.0.0.1 (a non-default port, a temporary
# directory, password authentication), creates the build role and the
# read-only `reporter` role, builds the sample with dbt (seeds, models,
# data tests, unit tests) through the CLI from RAW_DIR files written the
# ways real exports differ (as the Spark suite: the CLI checks them and
# copies them into schema raw_files), then runs tests/postgres: equality
# with the DuckDB marts of `make build-sample` (argument 1: the published
# DuckDB file), the loaded files, bad files refused, access control,
# connection errors, bad raw values quarantined as on DuckDB (in a clone
# of the database). The cluster is stopped and removed on exit, whatever
# happened.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
DUCKDB_FILE=$(realpath "${1:?usage: postgres_suite.sh PUBLISHED_DUCKDB_FILE}")
PORT=${RETENTION_PG_TEST_PORT:-55439}

if [ "$(id -u)" != 0 ]; then
    echo "the PostgreSQL suite needs root: it may apt-get install postgresql" \
        "and runs initdb and pg_ctl as the postgres user" >&2
    exit 1
fi

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
PGBIN=$(pg_bin || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    echo "PostgreSQL not found: installing Debian's postgresql package"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PGBIN=$(pg_bin)
fi
id postgres >/dev/null 2>&1 || { echo "no postgres OS user (install postgresql)"; exit 1; }

WORK=$(mktemp -d /tmp/retention-pg.XXXXXX)
cleanup() {
    su postgres -c "'$PGBIN/pg_ctl' -D '$WORK/data' -m fast -w stop" \
        >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
chown postgres "$WORK"                    # initdb refuses to run as root
secret() { "$BIN/python" -c 'import secrets; print(secrets.token_hex(16))'; }
SUPER_PASSWORD=$(secret)
BUILD_PASSWORD=$(secret)
REPORTER_PASSWORD=$(secret)
echo "$SUPER_PASSWORD" > "$WORK/superuser"
chown postgres "$WORK/superuser"
su postgres -c "'$PGBIN/initdb' -D '$WORK/data' -U postgres \
    --pwfile='$WORK/superuser' --auth-local=trust \
    --auth-host=scram-sha-256" >/dev/null
su postgres -c "'$PGBIN/pg_ctl' -D '$WORK/data' -l '$WORK/server.log' -w \
    -o \"-p $PORT -k '$WORK' -c listen_addresses=127.0.0.1\" start" >/dev/null
sql() { su postgres -c "psql -X -q -h '$WORK' -p $PORT -U postgres -v ON_ERROR_STOP=1 -c \"$1\""; }
sql "create role retention login password '$BUILD_PASSWORD'"
sql "create database retention owner retention"
sql "create role reporter login password '$REPORTER_PASSWORD'"
sql "revoke all on database retention from public"
sql "grant connect on database retention to reporter"

export RETENTION_PG_HOST=127.0.0.1 RETENTION_PG_PORT=$PORT \
    RETENTION_PG_DATABASE=retention RETENTION_PG_USER=retention \
    RETENTION_PG_PASSWORD=$BUILD_PASSWORD RETENTION_PG_REPORTER=reporter \
    RETENTION_PG_REPORTER_PASSWORD=$REPORTER_PASSWORD \
    RETENTION_DUCKDB_FILE=$DUCKDB_FILE
began=$(date +%s)
"$BIN/python" -c "import sys; sys.path.insert(0, 'tests'); \
import engine_parity; engine_parity.write_varied_exports('$WORK/raw')"
export RETENTION_PG_RAW_DIR=$WORK/raw
DBT_TARGET=postgres DBT_TARGET_PATH=target/postgres RAW_DIR="$WORK/raw" AS_OF= VARS= \
    "$BIN/python" -m retention_lib.cli run --no-docs
# a clone of the built database for the bad-value suite (its own raw schema)
sql "create database retention_faults template retention owner retention"
sql "grant connect on database retention_faults to reporter"
"$BIN/pytest" -q -p no:cacheprovider tests/postgres
marts=$(su postgres -c "psql -X -q -t -A -h '$WORK' -p $PORT -U postgres -d retention \
    -c \"select count(*) from information_schema.tables where table_schema = 'marts'\"")
echo "PostgreSQL suite: $marts marts compared with DuckDB; $(( $(date +%s) - began )) s after the cluster started"
