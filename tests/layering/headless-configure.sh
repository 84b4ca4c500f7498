#!/usr/bin/env bash
# The headless gateway (GATEWAY_BUILD_WINDOW=OFF, for servers) configures, and its build links neither
# QtWidgets nor QtCharts nor the window's libraries. Configure only, into a throwaway build dir: cheap enough
# for every test run. Usage: headless-configure.sh SOURCE_DIR CMAKE
set -euo pipefail
source_dir=$1
cmake=${2:-cmake}
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
"$cmake" -S "$source_dir" -B "$build" -G Ninja -DGATEWAY_BUILD_WINDOW=OFF >"$build/configure.log" 2>&1 \
    || { cat "$build/configure.log"; echo "FAIL: the headless build does not configure"; exit 1; }
grep -q 'build llm-gateway' "$build/build.ninja" || { echo "FAIL: no llm-gateway target"; exit 1; }
if grep -nE 'Qt6Widgets|Qt6Charts|libQt6Widgets|libQt6Charts|gateway_ui|gateway_window' "$build/build.ninja" | head -5; then
    echo "FAIL: the headless build still uses the window's libraries (above)"
    exit 1
fi
echo "PASS: the headless build configures without QtWidgets, QtCharts and the window"
