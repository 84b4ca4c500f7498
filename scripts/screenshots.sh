#!/usr/bin/env bash
# Makes docs/screenshots/: the real window over a store of realistic records (bench_seed), each page in a light
# and a dark palette, under Xvfb. Installs what is missing and builds first.
# Usage: scripts/screenshots.sh [--records N]
set -euo pipefail
cd "$(dirname "$0")/.."
records=200000
[[ "${1:-}" == "--records" ]] && records=$2

scripts/install-deps.sh --tests
# PRESET=ci reuses the test command's build (build-ci/).
preset=${PRESET:-default}
build=$([[ $preset == default ]] && echo build || echo "build-$preset")
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)" --target bench_seed window_screenshots

work=$(mktemp -d "${TMPDIR:-/tmp}/llmgw-shots.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$build"/bench/bench_seed --data-dir "$work/store" --records "$records" --days 90 --seed 7 >/dev/null
mkdir -p "$work/empty"
# No provider is reached: the screenshots show the store, and the gateway needs no upstream for that.
env -u OPENAI_API_KEY -u ANTHROPIC_API_KEY -u GEMINI_API_KEY HOME="$work" XDG_CONFIG_HOME="$work/config" \
    xvfb-run -a -s "-screen 0 1280x800x24 -dpi 96" \
    "$build"/bench/window_screenshots --data-dir "$work/store" --empty-data-dir "$work/empty" --out docs/screenshots
