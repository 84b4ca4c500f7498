#!/usr/bin/env bash
# Fails when a tracked C++ file differs from what clang-format (the repo's .clang-format) makes of it,
# and names each such file. Fix with: scripts/check-format.sh --fix
set -euo pipefail
cd "$(dirname "$0")/.."
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files '*.cpp' '*.h')
else # a source tree without its history
    mapfile -t files < <(find app bench models providers tests ui -name '*.cpp' -o -name '*.h' | grep -v node_modules)
fi
if [[ "${1:-}" == "--fix" ]]; then
    clang-format -i "${files[@]}"
    exit 0
fi
# clang-format names each file it would change in a warning "FILE:LINE:COL: error: code should be ..."
if ! report=$(clang-format --dry-run --Werror "${files[@]}" 2>&1); then
    echo "not formatted (run scripts/check-format.sh --fix):" >&2
    grep -o '^[^:]*:[0-9]*:[0-9]*: error' <<<"$report" | cut -d: -f1 | sort -u | sed 's/^/  /' >&2
    exit 1
fi
echo "format: ${#files[@]} files follow .clang-format"
