#!/usr/bin/env bash
# Side-by-side benchmark of the gateway on loopback, in one run:
#   direct  - the load generator talks straight to the mock upstream
#   ours    - through `llm-gateway serve` (recording on, the default), OpenAI to OpenAI (passthrough)
#   ours_anthropic, ours_google - the same OpenAI client through the gateway to the mock's Anthropic
#             Messages and Gemini APIs (translated both ways)
#   portkey - through the Portkey gateway (a peer), same mock behind it
# The load generator and the mock share core 0; the gateway under test is pinned to core 1.
# Every figure is reported as a ratio to the direct figure of the same run (machines are shared).
# See bench/README.md. Writes bench/out/results.{json,md} and prints the table.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
OUT="$BENCH_DIR/out"
# shellcheck source=runlib.sh
source "$BENCH_DIR/runlib.sh"

GATEWAY="$ROOT/build/app/llm-gateway"
DURATION=10
WARMUP=2
CONNECTIONS=32
ROUNDS=5
LAT_REQUESTS=5000
LAT_WARMUP=200
CHUNKS=16
USE_PORTKEY=1
USE_OURS=1
USE_RELAY=1
USE_TRANSLATED=1
PACE=20x20
PACE_RUNS=5
BUILD_GATEWAY=1
QUICK=0

usage() {
    cat <<EOF
usage: bench/run.sh [options]
  --gateway PATH      llm-gateway binary (default build/app/llm-gateway; built with the default preset if missing)
  --duration S        seconds per throughput measurement (default $DURATION)
  --connections N     wrk connections, closed loop (default $CONNECTIONS)
  --rounds N          split each measurement into N rounds that alternate between the set-ups, so a
                      burst of load from other users hits them alike (default $ROUNDS; --quick: 1)
  --latency-requests N  sequential requests per latency measurement (default $LAT_REQUESTS)
  --quick             short smoke run (< 30 s): 1 s per measurement, 500 latency requests
  --no-portkey        skip the Portkey peer
  --no-gateway        skip our gateway (direct and Portkey only)
  --no-relay          skip the TCP relay floor (a byte relay on core 1: the cost of the topology itself)
  --no-translated     skip our gateway's translated set-ups (OpenAI client to Anthropic and Gemini upstreams)
  --pace NxMS         paced streams for the relay timing: N events MS ms apart (default $PACE)
  --pace-runs R       paced streams per set-up (default $PACE_RUNS)
  --no-build          do not build llm-gateway when the binary is missing; skip it instead
  -h, --help          this text
EOF
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --gateway) GATEWAY=$(realpath -m "$2"); shift 2 ;;
        --duration) DURATION=$2; SET_DURATION=1; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --rounds) ROUNDS=$2; SET_ROUNDS=1; shift 2 ;;
        --latency-requests) LAT_REQUESTS=$2; SET_LAT=1; shift 2 ;;
        --quick) QUICK=1; shift ;;
        --no-portkey) USE_PORTKEY=0; shift ;;
        --no-gateway) USE_OURS=0; shift ;;
        --no-relay) USE_RELAY=0; shift ;;
        --no-translated) USE_TRANSLATED=0; shift ;;
        --pace) PACE=$2; shift 2 ;;
        --pace-runs) PACE_RUNS=$2; shift 2 ;;
        --no-build) BUILD_GATEWAY=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [[ $QUICK == 1 ]]; then # short defaults; explicit options still win
    [[ -n ${SET_DURATION:-} ]] || DURATION=1
    [[ -n ${SET_LAT:-} ]] || LAT_REQUESTS=500
    [[ -n ${SET_ROUNDS:-} ]] || ROUNDS=1
    WARMUP=0; LAT_WARMUP=100 # only Portkey's JIT still gets a warm-up (1 s)
fi
[[ $PACE =~ ^([1-9][0-9]*)x([0-9]+)$ ]] || { echo "run.sh: --pace must look like 20x20 (events x ms)" >&2; exit 2; }
PACE_EVENTS=${BASH_REMATCH[1]}
for v in DURATION CONNECTIONS LAT_REQUESTS ROUNDS PACE_RUNS; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --${v,,} must be a positive integer" >&2; exit 2; }
done

# ---------------------------------------------------------------- cleanup: stop what we started
PIDS=()
RUN_DIR=$(mktemp -d /tmp/llmgw-bench.XXXXXX)
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- tools
CORES=$(nproc --all)
[[ $CORES -ge 2 ]] || die "needs 2 cores (load generator + mock on core 0, gateway on core 1); this machine has $CORES"
for t in taskset curl python3 g++ timeout; do
    command -v "$t" >/dev/null || die "$t not found (Debian: util-linux, curl, python3, g++, coreutils)"
done
if ! command -v wrk >/dev/null; then
    log "installing wrk (Debian package)"
    if [[ $(id -u) == 0 ]]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >/dev/null \
            || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >/dev/null; } \
            || die "could not install wrk"
    else
        sudo apt-get install -y --no-install-recommends wrk >/dev/null || die "wrk missing; apt-get install wrk"
    fi
fi

mkdir -p "$OUT/bin" "$OUT/logs"
# Logs of an earlier run must not be read as this run's: a background job truncates its log only
# once it has forked, after the wait below may have begun reading.
rm -f "$OUT"/logs/*
build_tool mockupstream mockupstream.cpp mockresponses.cpp mockhttp.cpp mockstreams.cpp mockpacing.cpp
build_tool seqlatency seqlatency.cpp httpclient.cpp
build_tool streamtiming streamtiming.cpp httpclient.cpp
build_tool tcprelay tcprelay.cpp
MOCK_BIN="$OUT/bin/mockupstream"
SEQ_BIN="$OUT/bin/seqlatency"

RAW="$RUN_DIR/raw"
mkdir -p "$RAW"
meta() { printf '%s=%s\n' "$1" "$2" >>"$RAW/meta.txt"; }
meta started_at "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
meta host "$(hostname)"
meta cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
meta cores "$CORES"
meta duration_s "$DURATION"
meta connections "$CONNECTIONS"
(( ROUNDS <= DURATION )) || ROUNDS=$DURATION
ROUND_SECS=$((DURATION / ROUNDS))
meta rounds "$ROUNDS"
meta round_s "$ROUND_SECS"
meta latency_requests "$LAT_REQUESTS"
meta chunks "$CHUNKS"
meta pace "$PACE"
meta pace_runs "$PACE_RUNS"
meta quick "$QUICK"
meta wrk_version "$(wrk -v 2>&1 | head -1 | awk '{print $2}')"

# ---------------------------------------------------------------- mock upstream (core 0)
taskset -c 0 "$MOCK_BIN" --port 0 --chunks "$CHUNKS" >"$OUT/logs/mock.log" 2>&1 &
MOCK_PID=$!
PIDS+=("$MOCK_PID")
MOCK_PORT=$(wait_listening "$OUT/logs/mock.log" "$MOCK_PID" 5) || die "mock upstream did not start (see $OUT/logs/mock.log)"
log "mock upstream on 127.0.0.1:$MOCK_PORT (pid $MOCK_PID, core 0)"

TARGETS=(direct)
declare -A URL MODEL HDRS PID
URL[direct]="http://127.0.0.1:$MOCK_PORT"
MODEL[direct]="gpt-4o-mini"
HDRS[direct]="Authorization: Bearer sk-bench"

# ---------------------------------------------------------------- TCP relay floor (core 1)
# Any proxy on core 1 pays two more loopback hops and cross-core wake-ups; this byte relay pays only
# that, so its figures are the floor a gateway can approach in this topology.
if [[ $USE_RELAY == 1 ]]; then
    taskset -c 1 "$OUT/bin/tcprelay" --upstream-port "$MOCK_PORT" >"$OUT/logs/relay.log" 2>&1 &
    PID[relay]=$!
    PIDS+=("${PID[relay]}")
    if RELAY_PORT=$(wait_listening "$OUT/logs/relay.log" "${PID[relay]}" 5); then
        log "TCP relay on 127.0.0.1:$RELAY_PORT (pid ${PID[relay]}, core 1)"
        TARGETS+=(relay)
        URL[relay]="http://127.0.0.1:$RELAY_PORT"
        MODEL[relay]="gpt-4o-mini"
        HDRS[relay]="Authorization: Bearer sk-bench"
    else
        log "TCP relay did not start (see $OUT/logs/relay.log): skipping it"
        meta relay_skipped "did not start"
    fi
fi

# ---------------------------------------------------------------- our gateway (core 1)
OURS_DATA="$RUN_DIR/ours-data"
if [[ $USE_OURS == 1 ]]; then
    if [[ ! -x $GATEWAY && $BUILD_GATEWAY == 1 && $GATEWAY == "$ROOT/build/app/llm-gateway" ]]; then
        log "building llm-gateway (cmake --preset default, Release)"
        (cd "$ROOT" && cmake --preset default >"$OUT/logs/build.log" 2>&1 \
            && cmake --build build --target llm-gateway -j2 >>"$OUT/logs/build.log" 2>&1) \
            || log "build failed (see $OUT/logs/build.log)"
    fi
    if [[ ! -x $GATEWAY ]]; then
        log "no gateway binary at $GATEWAY: skipping our gateway"
        meta ours_skipped "no binary at $GATEWAY"
        USE_OURS=0
    fi
fi
if [[ $USE_OURS == 1 ]]; then
    cache="$(dirname "$(dirname "$GATEWAY")")/CMakeCache.txt"
    btype=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$cache" 2>/dev/null || true)
    meta ours_binary "$GATEWAY"
    meta ours_build_type "${btype:-unknown}"
    [[ ${btype:-} == Release || ${btype:-} == RelWithDebInfo ]] \
        || log "warning: $GATEWAY is a '${btype:-unknown}' build; figures of a Debug build mean little"
    mkdir -p "$OURS_DATA"
    KEY=$(timeout 60 "$GATEWAY" keys create --name bench --data-dir "$OURS_DATA" 2>"$OUT/logs/keys.log" | tail -n 1) \
        || true
    if [[ -z $KEY ]]; then
        log "llm-gateway keys create failed (see $OUT/logs/keys.log): skipping our gateway"
        meta ours_skipped "keys create failed"
        USE_OURS=0
    fi
fi
if [[ $USE_OURS == 1 ]]; then
    OURS_PORT=$(free_port)
    OPENAI_BASE_URL="http://127.0.0.1:$MOCK_PORT/v1" OPENAI_API_KEY=sk-bench \
        ANTHROPIC_BASE_URL="http://127.0.0.1:$MOCK_PORT" ANTHROPIC_API_KEY=sk-ant-bench \
        GEMINI_BASE_URL="http://127.0.0.1:$MOCK_PORT" GEMINI_API_KEY=gm-bench \
        taskset -c 1 "$GATEWAY" serve --port "$OURS_PORT" --data-dir "$OURS_DATA" >"$OUT/logs/ours.log" 2>&1 &
    PID[ours]=$!
    PIDS+=("${PID[ours]}")
    if OURS_PORT=$(wait_listening "$OUT/logs/ours.log" "${PID[ours]}" 30); then
        log "llm-gateway serve on 127.0.0.1:$OURS_PORT (pid ${PID[ours]}, core 1)"
        TARGETS+=(ours)
        URL[ours]="http://127.0.0.1:$OURS_PORT"
        MODEL[ours]="openai/gpt-4o-mini"
        HDRS[ours]="Authorization: Bearer $KEY"
        # The same gateway and client, translating to the mock's Anthropic and Gemini APIs.
        if [[ $USE_TRANSLATED == 1 ]]; then
            for t in ours_anthropic ours_google; do
                TARGETS+=("$t")
                URL[$t]=${URL[ours]}
                HDRS[$t]=${HDRS[ours]}
            done
            MODEL[ours_anthropic]="anthropic/claude-haiku-4-5"
            MODEL[ours_google]="google/gemini-2.5-flash"
        fi
    else
        log "llm-gateway serve did not print 'Listening on' (see $OUT/logs/ours.log): skipping it"
        meta ours_skipped "serve did not start"
        USE_OURS=0
    fi
fi

# ---------------------------------------------------------------- Portkey (core 1)
if [[ $USE_PORTKEY == 1 ]]; then
    PK_DIR="$BENCH_DIR/portkey"
    PK_MAIN="$PK_DIR/node_modules/@portkey-ai/gateway/build/start-server.js"
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        log "node/npm not found: skipping Portkey (Debian: nodejs npm, node >= 18)"
        meta portkey_skipped "node/npm missing"
        USE_PORTKEY=0
    elif [[ ! -f $PK_MAIN || $PK_DIR/package-lock.json -nt $PK_DIR/node_modules/.package-lock.json ]]; then
        log "npm ci in bench/portkey"
        (cd "$PK_DIR" && timeout 300 npm ci --no-audit --no-fund >"$OUT/logs/npm.log" 2>&1) \
            || { log "npm ci failed (see $OUT/logs/npm.log): skipping Portkey"; meta portkey_skipped "npm ci failed"; USE_PORTKEY=0; }
    fi
fi
if [[ $USE_PORTKEY == 1 ]]; then
    PK_PORT=$(free_port)
    # --headless: no web console; NODE_ENV=production: its documented production mode, no log UI.
    # loopback.cjs binds its listener to 127.0.0.1 (the start script has no option for the address).
    (cd "$PK_DIR" && NODE_ENV=production exec taskset -c 1 node -r ./loopback.cjs "$PK_MAIN" --port="$PK_PORT" --headless) \
        >"$OUT/logs/portkey.log" 2>&1 &
    PID[portkey]=$!
    PIDS+=("${PID[portkey]}")
    if wait_port "$PK_PORT" "${PID[portkey]}" 30; then
        log "Portkey gateway $(node -p "require('$PK_DIR/node_modules/@portkey-ai/gateway/package.json').version") on 127.0.0.1:$PK_PORT (pid ${PID[portkey]}, core 1)"
        meta portkey_version "$(node -p "require('$PK_DIR/node_modules/@portkey-ai/gateway/package.json').version")"
        meta node_version "$(node --version)"
        TARGETS+=(portkey)
        URL[portkey]="http://127.0.0.1:$PK_PORT"
        MODEL[portkey]="gpt-4o-mini"
        HDRS[portkey]="Authorization: Bearer sk-bench|x-portkey-provider: openai|x-portkey-custom-host: http://127.0.0.1:$MOCK_PORT/v1"
    else
        log "Portkey did not start listening (see $OUT/logs/portkey.log): skipping it"
        meta portkey_skipped "did not start"
        USE_PORTKEY=0
    fi
fi

# ---------------------------------------------------------------- sanity: each set-up answers correctly
declare -A SENT
GOOD=()
for t in "${TARGETS[@]}"; do
    header_args "$t"
    SENT[$t]=0
    plain=$(timeout 15 curl -sS -m 10 -w '\n%{http_code}' "${HARGS[@]}" -H 'Content-Type: application/json' \
        --data-binary "$(request_body "${MODEL[$t]}" 0)" "${URL[$t]}/v1/chat/completions" 2>&1 || true)
    code=${plain##*$'\n'}
    streamed=$(timeout 15 curl -sS -N -m 10 "${HARGS[@]}" -H 'Content-Type: application/json' \
        --data-binary "$(request_body "${MODEL[$t]}" 1)" "${URL[$t]}/v1/chat/completions" 2>&1 || true)
    SENT[$t]=2
    events=$(grep -c '^data: ' <<<"$streamed" || true)
    printf '%s\n' "$plain" >"$OUT/logs/sanity-$t-plain.txt"
    printf '%s\n' "$streamed" >"$OUT/logs/sanity-$t-stream.txt"
    if [[ $code != 200 || $plain != *'"completion_tokens"'* ]]; then
        log "$t: a plain chat completion failed (HTTP $code; see $OUT/logs/sanity-$t-plain.txt): not measured"
        meta "${t}_skipped" "plain request answered HTTP $code"
        continue
    fi
    if [[ $streamed != *'data: [DONE]'* || $streamed != *'"completion_tokens"'* ]]; then
        log "$t: the streamed answer lacks its usage chunk or [DONE] (see $OUT/logs/sanity-$t-stream.txt): not measured"
        meta "${t}_skipped" "stream incomplete"
        continue
    fi
    meta "${t}_stream_events" "$events"
    GOOD+=("$t")
done
TARGETS=("${GOOD[@]}")
[[ " ${TARGETS[*]} " == *" direct "* ]] || die "the mock upstream itself does not answer correctly"
log "measuring: ${TARGETS[*]}"

# ---------------------------------------------------------------- measurements

for kind in post stream; do
    script=$([[ $kind == post ]] && echo post.lua || echo stream.lua)
    for t in "${TARGETS[@]}"; do
        warm=$WARMUP
        [[ $t == portkey && $warm == 0 ]] && warm=1
        [[ $warm == 0 ]] && continue
        log "$t: $kind warm-up ${warm}s"
        run_wrk "$t" "$script" "$warm" "$RAW/warm_${kind}_$t.json"
    done
    for ((r = 1; r <= ROUNDS; r++)); do
        log "$kind round $r/$ROUNDS: ${ROUND_SECS}s per set-up with $CONNECTIONS connections"
        for t in $(rotated "$r"); do
            run_wrk "$t" "$script" "$ROUND_SECS" "$RAW/wrk_${kind}_${t}_r$r.json"
            cat "$RAW/wrk_${kind}_${t}_r$r.json.txt" >>"$OUT/logs/wrk-$kind-$t.txt"
        done
    done
done

LAT_PER_ROUND=$(( (LAT_REQUESTS + ROUNDS - 1) / ROUNDS ))
for ((r = 1; r <= ROUNDS; r++)); do
    log "latency round $r/$ROUNDS: $LAT_PER_ROUND sequential requests per set-up on one connection"
    for t in $(rotated "$r"); do
        header_args "$t"
        warm=$(( r == 1 ? LAT_WARMUP : 50 ))
        timeout 300 taskset -c 0 "$SEQ_BIN" --url "${URL[$t]}/v1/chat/completions" "${HARGS[@]}" \
            --body "$(request_body "${MODEL[$t]}" 0)" --expect '"completion_tokens"' \
            -n "$LAT_PER_ROUND" --warmup "$warm" --max-seconds 120 --json --samples "$RAW/seq_${t}_r$r.samples" \
            >"$RAW/seq_${t}_r$r.txt" 2>>"$OUT/logs/seq-$t.err" || true
        grep -m1 '^SEQ_JSON ' "$RAW/seq_${t}_r$r.txt" | cut -d' ' -f2- >"$RAW/seq_${t}_r$r.json" || echo '{}' >"$RAW/seq_${t}_r$r.json"
        n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("sent",0))' "$RAW/seq_${t}_r$r.json")
        SENT[$t]=$((SENT[$t] + n))
    done
done

# ---------------------------------------------------------------- relay timing of paced streams
log "paced streams: $PACE_RUNS per set-up, $PACE_EVENTS events ${PACE#*x} ms apart"
# Each set-up streams N events the mock sends MS ms apart; streamtiming records per event its arrival
# against the mock's send time. A relay that buffered would show the first event only after N x MS.
for ((r = 1; r <= PACE_RUNS; r++)); do
    for t in $(rotated "$r"); do
        header_args "$t"
        timeout 120 taskset -c 0 "$OUT/bin/streamtiming" --url "${URL[$t]}/v1/chat/completions" "${HARGS[@]}" \
            --body "$(request_body "${MODEL[$t]}-paced-$PACE" 1)" --events "$PACE_EVENTS" --runs 1 --json \
            >"$RAW/timing_${t}_r$r.txt" 2>>"$OUT/logs/timing-$t.err" || true
        grep -m1 '^TIMING_JSON ' "$RAW/timing_${t}_r$r.txt" | cut -d' ' -f2- >"$RAW/timing_${t}_r$r.json" \
            || echo '{}' >"$RAW/timing_${t}_r$r.json"
        SENT[$t]=$((SENT[$t] + 1))
    done
done

# ---------------------------------------------------------------- peak memory, then records
for t in ours portkey; do
    [[ -n ${PID[$t]:-} ]] || continue
    [[ " ${TARGETS[*]} " == *" $t "* ]] || continue
    hwm=$(awk '/^VmHWM:/{print $2}' "/proc/${PID[$t]}/status" 2>/dev/null || echo 0)
    rss=$(awk '/^VmRSS:/{print $2}' "/proc/${PID[$t]}/status" 2>/dev/null || echo 0)
    meta "${t}_vmhwm_kb" "$hwm"
    meta "${t}_vmrss_kb" "$rss"
    completed=${SENT[$t]}
    # The translated set-ups go through the same gateway process, so into the same records.
    [[ $t == ours ]] && completed=$((completed + ${SENT[ours_anthropic]:-0} + ${SENT[ours_google]:-0}))
    meta "${t}_requests_completed" "$completed"
done

if [[ " ${TARGETS[*]} " == *" ours "* ]]; then
    log "stopping llm-gateway (SIGTERM) and counting its records"
    kill -TERM "${PID[ours]}" 2>/dev/null || true
    stopped=0
    for _ in $(seq 300); do
        if ! alive "${PID[ours]}"; then stopped=1; break; fi
        sleep 0.1
    done
    meta ours_stopped_within_30s "$stopped"
    records=$(timeout 120 "$GATEWAY" export --format jsonl --data-dir "$OURS_DATA" 2>"$OUT/logs/export.err" | wc -l || true)
    meta ours_records "$records"
fi

# ---------------------------------------------------------------- report
python3 "$BENCH_DIR/report.py" "$RAW" "$OUT"
