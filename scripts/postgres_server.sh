# Sourced by scripts/postgres_suite.sh and scripts/engine_suites.sh.
#
# postgres_prerequisites: refuses unless root (apt-get, and initdb and
#   pg_ctl run as the postgres user), installs Debian's postgresql package
#   when no server binaries are found, sets PGBIN.

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

postgres_prerequisites() {
    if [ "$(id -u)" != 0 ]; then
        echo "the PostgreSQL suite needs root: it may apt-get install postgresql" \
            "and runs initdb and pg_ctl as the postgres user" >&2
        return 1
    fi
    PGBIN=$(pg_bin || true)
    if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
        echo "PostgreSQL not found: installing Debian's postgresql package"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        PGBIN=$(pg_bin)
    fi
    id postgres >/dev/null 2>&1 || { echo "no postgres OS user (install postgresql)" >&2; return 1; }
}
