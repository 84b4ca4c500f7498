#!/usr/bin/env bash
# Where does llm-gateway's time go? Runs `llm-gateway serve` (recording on) in front of the mock
# upstream under a short closed-loop load and prints the top functions.
# Uses `perf record` (cpu-clock sampling) when hardware counters work here (`perf stat -e instructions
# true` counts; `--tool perf` forces it, cpu-clock needs no counters),
# otherwise valgrind's callgrind with collection switched on only while the load runs, so start-up
# (migrations, Qt init) does not show. Output: bench/out/profile/.
#
# usage: bench/profile.sh [--gateway PATH] [--seconds S] [--stream] [--model M] [--tool perf|callgrind]
#   --model M   the model asked for (default openai/gpt-4o-mini; anthropic/... and google/... profile the
#               translation to the mock's Anthropic and Gemini APIs)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
OUT="$BENCH_DIR/out"
GATEWAY="$ROOT/build/app/llm-gateway"
SECONDS_LOAD=10
SCRIPT=post.lua
MODEL=openai/gpt-4o-mini
TOOL=

while [[ $# -gt 0 ]]; do
    case "$1" in
        --gateway) GATEWAY=$(realpath -m "$2"); shift 2 ;;
        --seconds) SECONDS_LOAD=$2; shift 2 ;;
        --stream) SCRIPT=stream.lua; shift ;;
        --model) MODEL=$2; shift 2 ;;
        --tool) TOOL=$2; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "profile.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[[ $SECONDS_LOAD =~ ^[1-9][0-9]*$ ]] || { echo "profile.sh: --seconds must be a positive integer" >&2; exit 2; }
[[ -x $GATEWAY ]] || { echo "profile.sh: no llm-gateway at $GATEWAY (--gateway PATH)" >&2; exit 2; }
if [[ -z $TOOL ]]; then
    if perf stat -x, -e instructions true 2>&1 >/dev/null | grep -q '^[0-9]'; then TOOL=perf; else TOOL=callgrind; fi
fi
command -v wrk >/dev/null || { echo "profile.sh: wrk missing (apt-get install wrk, or run bench/run.sh once)" >&2; exit 1; }

log() { printf '[profile %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
PIDS=()
RUN_DIR=$(mktemp -d /tmp/llmgw-profile.XXXXXX)
alive() {
    local state
    state=$(awk '/^State:/{print $2}' "/proc/$1/status" 2>/dev/null || echo X)
    [[ $state != X && $state != Z ]]
}
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    rm -rf "$RUN_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PROF="$OUT/profile"
mkdir -p "$OUT/bin" "$PROF"
rm -f "$PROF"/* # an earlier run's logs must not be read as this run's "Listening on" line
MOCK_SOURCES=(mockupstream.cpp mockresponses.cpp mockhttp.cpp mockstreams.cpp mockpacing.cpp)
stale=0
[[ -x $OUT/bin/mockupstream ]] || stale=1
for f in "${MOCK_SOURCES[@]}" mock*.h; do [[ $BENCH_DIR/$f -nt $OUT/bin/mockupstream ]] && stale=1; done
if [[ $stale == 1 ]]; then
    (cd "$BENCH_DIR" && g++ -O2 -std=c++20 -o "$OUT/bin/mockupstream" "${MOCK_SOURCES[@]}")
fi

wait_listening() { # file pid seconds -> port
    local i line
    for ((i = 0; i < $3 * 10; i++)); do
        line=$(grep -m1 -o 'Listening on http://[^ ]*' "$1" 2>/dev/null || true)
        [[ -n $line ]] && { echo "${line##*:}"; return 0; }
        alive "$2" || return 1
        sleep 0.1
    done
    return 1
}

taskset -c 0 "$OUT/bin/mockupstream" --port 0 >"$PROF/mock.log" 2>&1 &
PIDS+=($!)
MOCK_PORT=$(wait_listening "$PROF/mock.log" "${PIDS[0]}" 5) || { log "mock did not start"; exit 1; }

DATA="$RUN_DIR/data"
mkdir -p "$DATA"
KEY=$(timeout 60 "$GATEWAY" keys create --name profile --data-dir "$DATA" | tail -n 1)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
export OPENAI_BASE_URL="http://127.0.0.1:$MOCK_PORT/v1" OPENAI_API_KEY=sk-bench \
    ANTHROPIC_BASE_URL="http://127.0.0.1:$MOCK_PORT" ANTHROPIC_API_KEY=sk-ant-bench \
    GEMINI_BASE_URL="http://127.0.0.1:$MOCK_PORT" GEMINI_API_KEY=gm-bench

if [[ $TOOL == perf ]]; then
    taskset -c 1 "$GATEWAY" serve --port "$PORT" --data-dir "$DATA" >"$PROF/gateway.log" 2>&1 &
    GW=$!
else
    taskset -c 1 valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$PROF/callgrind.out" \
        "$GATEWAY" serve --port "$PORT" --data-dir "$DATA" >"$PROF/gateway.log" 2>&1 &
    GW=$!
fi
PIDS+=("$GW")
PORT=$(wait_listening "$PROF/gateway.log" "$GW" 120) || { log "gateway did not start (see $PROF/gateway.log)"; exit 1; }
log "gateway on 127.0.0.1:$PORT under $TOOL; loading it for ${SECONDS_LOAD}s ($SCRIPT)"

if [[ $TOOL == perf ]]; then
    perf record -e cpu-clock -F 2000 -g -p "$GW" -o "$PROF/perf.data" -- sleep "$SECONDS_LOAD" >/dev/null 2>&1 &
    REC=$!
    PIDS+=("$REC")
else
    callgrind_control -i on "$GW" >/dev/null
fi
BENCH_MODEL=$MODEL timeout $((SECONDS_LOAD + 30)) taskset -c 0 wrk -t1 -c8 -d"${SECONDS_LOAD}s" --timeout 10s \
    -s "$BENCH_DIR/$SCRIPT" -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/" | tee "$PROF/wrk.txt" | grep -E 'Requests/sec|Non-2xx' >&2 || true
if [[ $TOOL == perf ]]; then
    wait "$REC" || true
    kill -TERM "$GW"
    { perf report -i "$PROF/perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null \
        | grep -v -e '^#' -e '^$' | head -40 >"$PROF/top.txt"; } || true
    { perf report -i "$PROF/perf.data" --children --sort symbol --stdio -g none 2>/dev/null \
        | grep -v -e '^#' -e '^$' | head -40 >"$PROF/top-inclusive.txt"; } || true
else
    callgrind_control -i off "$GW" >/dev/null || true
    kill -TERM "$GW"
    for _ in $(seq 600); do alive "$GW" || break; sleep 0.1; done
    { callgrind_annotate --inclusive=no "$PROF/callgrind.out" 2>/dev/null | head -60 >"$PROF/top.txt"; } || true
    { callgrind_annotate --inclusive=yes "$PROF/callgrind.out" 2>/dev/null | head -60 >"$PROF/top-inclusive.txt"; } || true
fi
echo "== self cost ($TOOL) =="
cat "$PROF/top.txt"
echo "== inclusive =="
cat "$PROF/top-inclusive.txt"
log "written: $PROF/"
