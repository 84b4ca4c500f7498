#!/usr/bin/env bash
# docs/api-reference.md is rendered from the management API's route table (app/api/apiroutes.cpp).
# scripts/api-reference.sh         fails when the checked-in file differs from the table (as the ctest
#                                  check_api_reference does)
# scripts/api-reference.sh --fix   rewrites it
# The tool is built in BUILD_DIR (default build-ci, configured with `cmake --preset ci`).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${BUILD_DIR:-build-ci}"
cmake --build "$build_dir" --target api_reference >/dev/null
if [[ "${1:-}" == "--fix" ]]; then
    "$build_dir/tests/api/api_reference" --write docs/api-reference.md
    echo "wrote docs/api-reference.md"
else
    "$build_dir/tests/api/api_reference" --check docs/api-reference.md
    echo "docs/api-reference.md matches the route table"
fi
