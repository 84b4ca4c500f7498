#!/usr/bin/env bash
# Runs clang-tidy (the repo's .clang-tidy) on the C++ sources changed since BASE (default: main's merge base,
# or HEAD~1 on main itself), with the compile commands of build-ci. Fails when clang-tidy reports a finding.
# Usage: scripts/tidy-changed.sh [BASE]
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-ci
[[ -f "$build/compile_commands.json" ]] || { echo "configure first: cmake --preset ci" >&2; exit 2; }

base="${1:-}"
if [[ -z "$base" ]]; then
    base=$(git merge-base HEAD main 2>/dev/null || true)
    [[ -z "$base" || "$base" == "$(git rev-parse HEAD)" ]] && base=HEAD~1
fi
# Headers are checked through the sources that include them (HeaderFilterRegex in .clang-tidy).
mapfile -t files < <(git diff --name-only --diff-filter=d "$base" -- '*.cpp' | while read -r f; do
    grep -q "\"file\": \".*/$f\"" "$build/compile_commands.json" && echo "$f"; done)
if [[ ${#files[@]} -eq 0 ]]; then
    echo "tidy: no compiled C++ source changed since $base"
    exit 0
fi
echo "tidy: ${#files[@]} sources changed since $base" >&2
# run-clang-tidy colours its output; the findings are read without the colour codes.
report=$(run-clang-tidy -quiet -p "$build" -j "$(nproc)" "${files[@]/#/$PWD/}" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' || true)
findings=$(grep -E '^[^ ].*:[0-9]+:[0-9]+: (warning|error):' <<<"$report" | sort -u || true)
if [[ -n "$findings" ]]; then
    echo "$findings"
    echo "tidy: $(wc -l <<<"$findings") findings" >&2
    exit 1
fi
echo "tidy: no findings in ${#files[@]} sources"
