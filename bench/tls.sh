#!/usr/bin/env bash
# What HTTPS on the listener costs: two `llm-gateway serve` processes on core 1, one plain and one with the
# throwaway certificate of tests/tls/certs (EC P-256), in front of the same mock upstream; wrk (core 0, with the
# mock) sends small non-streamed chat completions, with keep-alive and with a new connection per request. The
# set-ups alternate in rounds (only one is loaded at a time), and each is reported as a ratio to plain HTTP in the
# same rounds. See bench/README.md ("TLS"). Writes bench/out/tls.md and prints it.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
OUT="$BENCH_DIR/out"
# shellcheck source=runlib.sh
source "$BENCH_DIR/runlib.sh"

GATEWAY="$ROOT/build/app/llm-gateway"
DURATION=10
CONNECTIONS=32
ROUNDS=5
CERTS="$ROOT/tests/tls/certs"

usage() {
    cat <<EOF
usage: bench/tls.sh [options]
  --gateway PATH      llm-gateway binary (default build/app/llm-gateway)
  --duration S        seconds per set-up, split over the rounds (default $DURATION)
  --connections N     wrk connections, closed loop (default $CONNECTIONS)
  --rounds N          rounds alternating the set-ups (default $ROUNDS)
  -h, --help          this text
EOF
}
while [[ $# -gt 0 ]]; do
    case "$1" in
        --gateway) GATEWAY=$(realpath -m "$2"); shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "tls.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

PIDS=()
RUN_DIR=$(mktemp -d)
trap cleanup EXIT
[[ $(nproc) -ge 2 ]] || die "needs 2 cores (wrk + mock on core 0, the gateway on core 1)"
for t in wrk taskset python3 g++ curl; do command -v "$t" >/dev/null || die "$t is missing (apt-get install $t)"; done
[[ -x $GATEWAY ]] || die "no gateway binary at $GATEWAY (build it, or give --gateway)"
(( ROUNDS <= DURATION )) || ROUNDS=$DURATION
ROUND_SECS=$((DURATION / ROUNDS))

mkdir -p "$OUT/bin" "$OUT/logs"
rm -f "$OUT"/logs/tls-*
build_tool mockupstream mockupstream.cpp mockresponses.cpp mockhttp.cpp mockstreams.cpp mockpacing.cpp
taskset -c 0 "$OUT/bin/mockupstream" --port 0 --chunks 16 >"$OUT/logs/tls-mock.log" 2>&1 &
MOCK_PID=$!
PIDS+=("$MOCK_PID")
MOCK_PORT=$(wait_listening "$OUT/logs/tls-mock.log" "$MOCK_PID" 5) || die "mock upstream did not start"

declare -A URL KEY
start_gateway() { # name extra-args...
    local name=$1 data="$RUN_DIR/$1-data" pid
    shift
    mkdir -p "$data"
    KEY[$name]=$(timeout 60 "$GATEWAY" keys create --name bench --data-dir "$data" 2>>"$OUT/logs/tls-$name.log" \
        | tail -n 1)
    [[ -n ${KEY[$name]} ]] || die "keys create failed for $name (see $OUT/logs/tls-$name.log)"
    OPENAI_BASE_URL="http://127.0.0.1:$MOCK_PORT/v1" OPENAI_API_KEY=sk-bench \
        taskset -c 1 "$GATEWAY" serve --port 0 --data-dir "$data" "$@" >>"$OUT/logs/tls-$name.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    wait_listening "$OUT/logs/tls-$name.log" "$pid" 30 >/dev/null || die "$name did not start (see $OUT/logs/tls-$name.log)"
    URL[$name]=$(grep -m1 -o 'Listening on https\?://127.0.0.1:[0-9]*' "$OUT/logs/tls-$name.log" | cut -d' ' -f3)
    log "$name: ${URL[$name]} (pid $pid, core 1)"
}
start_gateway plain
start_gateway tls --tls-cert "$CERTS/gateway-a.pem" --tls-key "$CERTS/gateway-a.key"

BODY="$RUN_DIR/body.json" # for the sanity check; wrk sends post.lua's, the same
request_body gpt-4o-mini 0 >"$BODY"
for name in plain tls; do # each answers correctly before it is measured
    status=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CERTS/gateway-a.pem" -X POST \
        -H "Authorization: Bearer ${KEY[$name]}" -H 'Content-Type: application/json' --data-binary "@$BODY" \
        "${URL[$name]}/v1/chat/completions")
    [[ $status == 200 ]] || die "$name answered $status to a chat completion"
done

RAW="$RUN_DIR/raw"
mkdir -p "$RAW"
# wrk (core 0, with the mock; one thread, closed loop, post.lua): `Connection: close` makes it open a new
# connection, with a full handshake, for every request.
declare -A MODEL HDRS SENT
TARGETS=(plain-keepalive tls-keepalive plain-newconn tls-newconn)
for t in "${TARGETS[@]}"; do
    gateway=${t%%-*}
    URL[$t]=${URL[$gateway]}
    MODEL[$t]=gpt-4o-mini
    HDRS[$t]="Authorization: Bearer ${KEY[$gateway]}"
    [[ $t == *newconn ]] && HDRS[$t]+="|Connection: close"
    SENT[$t]=0
done
for ((r = 0; r < ROUNDS; r++)); do
    while read -r t; do
        run_wrk "$t" post.lua "$ROUND_SECS" "$RAW/$t.$r.json"
    done < <(rotated "$r")
    log "round $((r + 1))/$ROUNDS done"
done

python3 "$BENCH_DIR/reporttls.py" "$RAW" "$ROUNDS" "$ROUND_SECS" "$CONNECTIONS" >"$OUT/tls.md"
cat "$OUT/tls.md"
