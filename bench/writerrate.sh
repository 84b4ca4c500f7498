#!/bin/bash
# The log writer's sustained rate, two builds side by side in one run: bench_usagequery writes N records through
# the real LogWriter (rollups included) into an empty store, SQLite and PostgreSQL, spread over a month (a
# quiet gateway: nearly a minute rollup row per record, the writer's worst case) and over one hour (a busy one),
# the builds alternating. Prints one JSON line per run: rate, and the CPU seconds of the writing process and,
# on PostgreSQL, of the server (all processes under the postmaster whose data dir is given, reaped ones too).
# Usage: bench/writerrate.sh BEFORE_BIN AFTER_BIN POSTGRES_URL PGDATA [RECORDS (100000)]
# where POSTGRES_URL is a server on which the user may CREATE DATABASE (its path is ignored).
set -euo pipefail
if [ $# -lt 4 ]; then
    echo "usage: $0 BEFORE_BIN AFTER_BIN POSTGRES_URL PGDATA [RECORDS]" >&2
    exit 2
fi
BEFORE=$1 AFTER=$2 SERVER=${3%/*} PGDATA=$4 RECORDS=${5:-100000}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

server_cpu() { # seconds of CPU of the postmaster and its children, the reaped ones included
    local pm total=0 f
    pm=$(head -1 "$PGDATA/postmaster.pid")
    for p in $pm $(pgrep -P "$pm"); do
        read -r -a f <"/proc/$p/stat" 2>/dev/null || continue
        total=$((total + f[13] + f[14] + f[15] + f[16]))
    done
    echo "scale=2; $total / $(getconf CLK_TCK)" | bc
}

for engine in sqlite postgres; do
    for hours in 720 1; do
        for build in before after; do
            bin=$BEFORE
            [ "$build" = after ] && bin=$AFTER
            args=(--records "$RECORDS" --runs 1 --spread-hours "$hours")
            if [ "$engine" = postgres ]; then
                db=llmgw_rate_${build}_${hours}_$$
                psql -q "$SERVER/postgres" -c "CREATE DATABASE $db"
                args+=(--database "$SERVER/$db")
            fi
            before_cpu=$(server_cpu)
            load=$(cut -d' ' -f1 /proc/loadavg)
            /usr/bin/time -f "%U %S" -o "$TMP/time" "$bin" "${args[@]}" >"$TMP/out" 2>/dev/null
            server=$(awk "BEGIN { printf \"%.2f\", $(server_cpu) - $before_cpu }")
            rate=$(sed -n 's/.*written in \([0-9.]*\) s, \([0-9]*\) records\/s.*/\2/p' "$TMP/out")
            read -r user sys <"$TMP/time"
            [ "$engine" = postgres ] && psql -q "$SERVER/postgres" -c "DROP DATABASE $db"
            [ "$engine" = sqlite ] && server=0
            echo "{\"figure\":\"writer\",\"engine\":\"$engine\",\"build\":\"$build\",\"records\":$RECORDS,\"spread_hours\":$hours,\"records_per_s\":$rate,\"client_cpu_s\":$(awk "BEGIN { printf \"%.2f\", $user + $sys }"),\"server_cpu_s\":$server,\"load\":$load,\"at\":\"$(date -u +%FT%TZ)\"}"
        done
    done
done
