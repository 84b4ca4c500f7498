#!/bin/bash
# Runs CMD with LLMGW_TEST_POSTGRES_URL set to a throwaway PostgreSQL cluster on a free port of 127.0.0.1,
# then stops the cluster and deletes it. Works as root (the server runs as the postgres user) or as any
# other user. Usage: tests/support/with-postgres.sh ctest --test-dir build -L postgres
set -euo pipefail

if [ $# -lt 1 ]; then
    echo "usage: $0 CMD [ARG...]" >&2
    exit 2
fi
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    echo "with-postgres.sh: no PostgreSQL server found (apt-get install postgresql)" >&2
    exit 2
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/llmgw-pg.XXXXXX")
if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$DIR"
    as_server() { su postgres -s /bin/sh -c "$1"; }
else
    as_server() { sh -c "$1"; }
fi

started=""
cleanup() {
    if [ -n "$started" ]; then
        as_server "'$PGBIN/pg_ctl' -D '$DIR/data' -m fast -w stop" >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR"
}
trap cleanup EXIT

as_server "'$PGBIN/initdb' -D '$DIR/data' -U postgres --auth-local=trust --auth-host=trust -E UTF8 --no-sync" \
    >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; exit 1; }

# A port is free when the server manages to listen on it; try a few random ones rather than guess once.
start_command() {
    echo "'$PGBIN/pg_ctl' -D '$DIR/data' -l '$DIR/log' -s -w -t 30 \
-o '-k $DIR -p $1 -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off' start"
}
for attempt in 1 2 3 4 5 6 7 8 9 10; do
    PORT=$((20000 + RANDOM % 40000))
    if as_server "$(start_command "$PORT")" >/dev/null 2>&1; then
        started=1
        break
    fi
done
if [ -z "$started" ]; then
    echo "with-postgres.sh: the PostgreSQL server did not start; its log:" >&2
    cat "$DIR/log" >&2 || true
    exit 1
fi

export LLMGW_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
echo "with-postgres.sh: PostgreSQL on 127.0.0.1:$PORT" >&2

# For tests of a server that goes away and comes back: `$LLMGW_TEST_POSTGRES_CTL stop|start`.
ctl="$DIR/ctl.sh"
cat >"$ctl" <<CTL
#!/bin/sh
# Stops or starts the throwaway server of with-postgres.sh, as its user.
run() { if [ "\$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "\$1"; else sh -c "\$1"; fi; }
case "\$1" in
    stop) run "'$PGBIN/pg_ctl' -D '$DIR/data' -s -m fast -w stop" ;;
    start) run "$(start_command "$PORT")" ;;
    *) echo "usage: \$0 stop|start" >&2; exit 2 ;;
esac
CTL
chmod 755 "$ctl"
export LLMGW_TEST_POSTGRES_CTL="$ctl"
status=0
"$@" || status=$?
exit $status
