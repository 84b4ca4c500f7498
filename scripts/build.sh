#!/usr/bin/env bash
# Configures and builds with the given preset (default: "default"), in build/ (asan: build-asan/).
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-default}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
