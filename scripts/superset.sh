#!/usr/bin/env bash
# make superset / make test-superset: Apache Superset with the project's
# dashboard bundle (retention_lib.superset_bundle).
#
#   scripts/superset.sh serve WAREHOUSE MANIFEST   (make superset)
#   scripts/superset.sh test  WAREHOUSE MANIFEST   (make test-superset)
#
# Installs Superset into its own environment (.venv-superset; Superset pins
# its own Flask, SQLAlchemy and pandas), keeps its metadata database and
# config in a private folder, writes the bundle for the published DuckDB
# file of WAREHOUSE (registered read-only), imports it, and starts the
# server on 127.0.0.1. `serve` keeps it running (admin / admin, local
# only) until Ctrl-C; `test` uses a fresh temporary folder, lets anonymous
# viewers see the dashboards, opens each one in headless Chromium
# (tests/superset), and stops the server whatever happened.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:?usage: superset.sh serve|test WAREHOUSE MANIFEST}
WAREHOUSE=$(realpath "${2:?warehouse folder}")
MANIFEST=$(realpath "${3:?manifest.json}")
BIN=${BIN:-.venv/bin}
PORT=${SUPERSET_PORT:-8089}
SVENV=.venv-superset
STARTED=$(date +%s)

if [ ! -f "$SVENV/.installed-stamp" ]; then
    echo "Setting up $SVENV (first run: a few minutes) ..."
    python3 -m venv "$SVENV"
    "$SVENV/bin/pip" install --progress-bar off --quiet \
        "apache-superset==6.1.0" "flask-caching<2.4" rich cachetools \
        "duckdb-engine==0.17.0" "duckdb>=1.4,<2"
    touch "$SVENV/.installed-stamp"
    echo "$SVENV ready in $(( $(date +%s) - STARTED )) s"
fi
STARTED=$(date +%s)

if [ "$MODE" = test ]; then
    HOME_DIR=$(mktemp -d /tmp/retention-superset.XXXXXX)
else
    HOME_DIR=$PWD/target/superset
    mkdir -p "$HOME_DIR"
fi
export SUPERSET_CONFIG_PATH=$HOME_DIR/superset_config.py FLASK_APP=superset
cat > "$SUPERSET_CONFIG_PATH" <<CONFIG
SECRET_KEY = "$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
SQLALCHEMY_DATABASE_URI = "sqlite:///$HOME_DIR/superset.db"
# a file path to DuckDB is the point here (read-only, engine_params)
PREVENT_UNSAFE_DB_CONNECTIONS = False
CONFIG
if [ "$MODE" = test ]; then
    cat >> "$SUPERSET_CONFIG_PATH" <<CONFIG
# the test instance only: anonymous viewers see every dashboard, so the
# browser needs no login
PUBLIC_ROLE_LIKE = "Admin"
WTF_CSRF_ENABLED = False
TALISMAN_ENABLED = False
CONFIG
fi

SERVER_PID=
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    if [ "$MODE" = test ]; then rm -rf "$HOME_DIR"; fi
}
trap cleanup EXIT

"$BIN/python" -m retention_lib.superset_bundle --warehouse "$WAREHOUSE" \
    --manifest "$MANIFEST" --out "$HOME_DIR/retention_bundle.zip"
S="$SVENV/bin/superset"
"$S" db upgrade >"$HOME_DIR/setup.log" 2>&1
"$S" fab create-admin --username admin --firstname Retention --lastname Admin \
    --email admin@localhost --password admin >>"$HOME_DIR/setup.log" 2>&1 || true
"$S" init >>"$HOME_DIR/setup.log" 2>&1
"$S" import-dashboards -p "$HOME_DIR/retention_bundle.zip" -u admin \
    >"$HOME_DIR/import.log" 2>&1 || { tail -20 "$HOME_DIR/import.log"; exit 1; }
echo "Imported $HOME_DIR/retention_bundle.zip"

"$S" run -h 127.0.0.1 -p "$PORT" --with-threads >"$HOME_DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 90); do
    curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$HOME_DIR/server.log"; exit 1; }
    sleep 1
done
curl -sf "http://127.0.0.1:$PORT/health" >/dev/null || {
    echo "Superset did not start on 127.0.0.1:$PORT"; exit 2; }

if [ "$MODE" = test ]; then
    SUPERSET_URL="http://127.0.0.1:$PORT" SUPERSET_DB="$HOME_DIR/superset.db" \
        "$BIN/pytest" -p no:cacheprovider tests/superset
    echo "Superset suite: $(( $(date +%s) - STARTED )) s (set-up, import, server" \
        "start and the browser checks; the first install apart)"
else
    echo "Superset: http://127.0.0.1:$PORT/dashboard/list/ (admin / admin, this" \
        "machine only); Ctrl-C stops it"
    wait "$SERVER_PID"
fi
