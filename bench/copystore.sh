#!/bin/bash
# Copies a gateway's SQLite store (bench_seed's, say) into an empty PostgreSQL database, table by table with
# COPY, so that both engines can be measured on the same records: the schema comes from the gateway's own
# migrations (bench_seed --records 0 opens the database), the rows from the SQLite file, which must be at the
# same schema version (open it once with the same build: bench_dashboard --data-dir DIR --size-only).
# Usage: bench/copystore.sh SQLITE_FILE POSTGRES_URL [BENCH_SEED (default build-ci/bench/bench_seed)]
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 SQLITE_FILE POSTGRES_URL [BENCH_SEED]" >&2
    exit 2
fi
SOURCE=$1
URL=$2
SEED=${3:-build-ci/bench/bench_seed}

"$SEED" --database "$URL" --records 0 >/dev/null
source_version=$(sqlite3 "$SOURCE" "SELECT MAX(version) FROM schema_migrations")
target_version=$(psql -tA -v ON_ERROR_STOP=1 "$URL" -c "SELECT MAX(version) FROM schema_migrations")
if [ "$source_version" != "$target_version" ]; then
    echo "$0: $SOURCE is at schema version $source_version, the build's is $target_version: open it with this build first" >&2
    exit 1
fi
# Every rollup table: the full rows and their per-dimension slices.
ROLLUPS=$(sqlite3 "$SOURCE" "SELECT group_concat(name, ' ') FROM sqlite_master WHERE type = 'table' AND name GLOB 'usage_rollups*'")
TABLES="members api_keys access_tokens audit_log settings requests $ROLLUPS"
psql -q -v ON_ERROR_STOP=1 "$URL" -c "TRUNCATE ${TABLES// /, } RESTART IDENTITY"
for table in $TABLES; do
    # Blobs as bytea's hex input; NULL as \N (an empty text stays empty).
    columns=$(sqlite3 "$SOURCE" "SELECT group_concat(name, ',') FROM pragma_table_info('$table')")
    selected=$(sqlite3 "$SOURCE" "SELECT group_concat(CASE WHEN type = 'BLOB' THEN
        'CASE WHEN ' || name || ' IS NULL THEN NULL ELSE ''\\x'' || hex(' || name || ') END' ELSE name END, ',')
        FROM pragma_table_info('$table')")
    echo "copying $table ($(sqlite3 "$SOURCE" "SELECT COUNT(*) FROM $table") rows)" >&2
    sqlite3 -csv -nullvalue '\N' "$SOURCE" "SELECT $selected FROM $table" \
        | psql -q -v ON_ERROR_STOP=1 "$URL" -c "COPY $table ($columns) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    if [[ ",$columns," == *",id,"* ]]; then
        psql -q -v ON_ERROR_STOP=1 "$URL" \
            -c "SELECT setval(pg_get_serial_sequence('$table', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM $table" >/dev/null
    fi
done
psql -q -v ON_ERROR_STOP=1 "$URL" -c "VACUUM ANALYZE"
