#!/usr/bin/env bash
# Proves the layering ARCHITECTURE.md states: nothing in ui/ or models/ includes a header of app/ (the window
# reaches the gateway through /api/v1 alone). Prints one line per offending #include and exits 1; exits 0
# when there is none. Usage: scripts/check-includes.sh [SOURCE_DIR] (default: this repository).
set -euo pipefail
root=${1:-"$(dirname "$0")/.."}
cd "$root"
for dir in app ui models; do
    [[ -d $dir ]] || { echo "check-includes: no $dir/ in $(pwd)" >&2; exit 2; }
done

# The file names of app/'s headers, less those that ui/ and models/ have of their own (an include of one of
# those finds their own first).
app_headers=$(find app -name '*.h' -printf '%f\n' | sort -u)
own_headers=$(find ui models -name '*.h' -printf '%f\n' | sort -u)
forbidden=$(comm -23 <(echo "$app_headers") <(echo "$own_headers"))

# One pass: each #include line of ui/ and models/ against that list, or any path under app/.
grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' ui models --include='*.h' --include='*.cpp' \
    | awk -v forbidden="$forbidden" '
        BEGIN { n = split(forbidden, names, "\n"); for (i = 1; i <= n; ++i) bad[names[i]] = 1 }
        {
            split($0, parts, ":"); file = parts[1]; line = parts[2]
            header = $0; sub(/^[^<"]*[<"]/, "", header); sub(/[">].*$/, "", header)
            base = header; sub(/^.*\//, "", base)
            if (header ~ /^app\// || (base in bad)) {
                print file ":" line ": includes " header ", a header of app/ (ui/ and models/ reach the gateway through /api/v1 only)"
                found = 1
            }
        }
        END { exit found ? 1 : 0 }'
