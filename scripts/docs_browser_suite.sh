#!/usr/bin/env bash
# make test-docs: a real browser opens the static lineage docs, the
# quality page of the gates and every static dashboard page.
#
# Installs Debian's chromium package if no chromium is found (needs root,
# as make test-postgres does), then runs tests/browser on the single-file
# docs the CLI wrote after publishing the sample (argument 1). The
# screenshot is kept in target/docs-screenshots/lineage.png.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
DOCS_HTML=$(realpath "${1:?usage: docs_browser_suite.sh STATIC_INDEX_HTML [QUALITY_HTML]}")
QUALITY_HTML=$(realpath "${2:-target/test-warehouse/quality/index.html}")

if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
        echo "chromium is missing and only root can apt-get install it" >&2
        exit 1
    fi
    echo "chromium not found: installing Debian's chromium package"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
WAREHOUSE_DIR=$(dirname "$QUALITY_HTML")/..
DOCS_HTML=$DOCS_HTML QUALITY_HTML=$QUALITY_HTML \
    DASHBOARD_DIR=$(realpath "$WAREHOUSE_DIR/dashboards") \
    PUBLISHED_DB=$(realpath "$WAREHOUSE_DIR/retention.duckdb") \
    SCREENSHOT_DIR=$PWD/target/docs-screenshots \
    "$BIN/pytest" -p no:cacheprovider tests/browser
echo "Screenshots: $PWD/target/docs-screenshots/lineage.png, quality.png;" \
    "dashboards: $PWD/target/dashboard-screenshots/*.png"
