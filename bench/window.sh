#!/usr/bin/env bash
# The window's figures (bench/README.md): window shown and first data painted over 1M and 10M records, range and
# grouping changes repainted, and the GUI thread's longest stall while `hey` sends 1,000 requests/s through the
# hosted gateway for 30 s (to bench/mockupstream). Under Xvfb, on the release build.
# Usage: bench/window.sh [--records "1000000 10000000"] [--load-seconds 30] [--load-rate 1000]
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
cd "$BENCH_DIR/.."
records="1000000 10000000"
load_seconds=30
load_rate=1000
while [[ $# -gt 0 ]]; do
    case $1 in
    --records) records=$2; shift 2 ;;
    --load-seconds) load_seconds=$2; shift 2 ;;
    --load-rate) load_rate=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done

scripts/install-deps.sh --tests
command -v hey >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends hey >/dev/null
# PRESET=ci reuses the test command's build (build-ci/).
preset=${PRESET:-default}
build=$([[ $preset == default ]] && echo build || echo "build-$preset")
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)" --target bench_seed bench_window

OUT=${BENCH_OUT:-$BENCH_DIR/out}
mkdir -p "$OUT/bin" "$OUT/stores"
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/llmgw-window.XXXXXX")
PIDS=()
RAW=$RUN_DIR
# shellcheck source=runlib.sh
source "$BENCH_DIR/runlib.sh"
trap cleanup EXIT
build_tool mockupstream mockupstream.cpp mockresponses.cpp mockhttp.cpp mockstreams.cpp mockpacing.cpp
mock_port=$(free_port)
"$OUT/bin/mockupstream" --port "$mock_port" >"$RUN_DIR/mock.log" 2>&1 &
PIDS+=($!)
wait_listening "$RUN_DIR/mock.log" "${PIDS[-1]}" 10 >/dev/null || die "the mock upstream did not start"

results="$OUT/window-$(date +%Y%m%d-%H%M%S).jsonl"
for n in $records; do
    store="$OUT/stores/records-$n"
    if [[ ! -f $store/gateway.db ]]; then
        log "seeding $n records"
        "$build"/bench/bench_seed --data-dir "$store" --records "$n" --days 90 --seed 1 >&2
    fi
    log "measuring the window over $n records"
    OPENAI_BASE_URL="http://127.0.0.1:$mock_port/v1" OPENAI_API_KEY=bench HOME="$RUN_DIR" \
        xvfb-run -a -s "-screen 0 1280x800x24" \
        "$build"/bench/bench_window --data-dir "$store" --load-seconds "$load_seconds" --load-rate "$load_rate" \
        | sed "s/^{/{\"records\":$n,/" | tee -a "$results"
done
log "figures in $results"
