#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs every test: unit, integration,
# fuzz, e2e (official SDK clients through node), and postgres (a throwaway PostgreSQL cluster it starts).
# Extra arguments go to ctest (e.g. -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$(nproc)"
mkdir -p "${HOME:-/tmp}"
exec tests/support/with-postgres.sh ctest --test-dir build-ci --output-on-failure --timeout 300 "$@"
