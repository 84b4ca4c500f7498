# Functions of bench/run.sh (sourced): logging, stopping what the run started, building the tools,
# waiting for servers, and the requests each set-up is measured with. They read run.sh's globals
# (OUT, BENCH_DIR, PIDS, RUN_DIR, RAW, CONNECTIONS, URL, MODEL, HDRS, SENT, TARGETS).
# shellcheck shell=bash

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

die() { log "error: $*"; exit 1; }

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        # Bounded wait; zombies are not reaped on some containers, so test the state, not existence.
        for _ in $(seq 50); do
            state=$(awk '/^State:/{print $2}' "/proc/$pid/status" 2>/dev/null || echo X)
            [[ $state == X || $state == Z ]] && break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    done
    rm -rf "$RUN_DIR"
}

alive() {
    local state
    state=$(awk '/^State:/{print $2}' "/proc/$1/status" 2>/dev/null || echo X)
    [[ $state != X && $state != Z ]]
}

build_tool() { # name sources...: compile when the binary is missing or older than a source
    local name=$1 bin="$OUT/bin/$1" f stale=0
    shift
    [[ -x $bin ]] || stale=1
    for f in "$@"; do [[ $BENCH_DIR/$f -nt $bin ]] && stale=1; done
    for f in "$BENCH_DIR"/*.h; do [[ $f -nt $bin ]] && stale=1; done
    if [[ $stale == 1 ]]; then
        log "building $name"
        (cd "$BENCH_DIR" && g++ -O2 -std=c++20 -Wall -Wextra -o "$bin" "$@") || die "could not build $name"
    fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits (bounded) for "Listening on http(s)://127.0.0.1:PORT" in a file; prints PORT.
wait_listening() { # file pid seconds
    local file=$1 pid=$2 secs=$3 i line
    for ((i = 0; i < secs * 20; i++)); do
        line=$(grep -m1 -o 'Listening on https\?://[^ ]*' "$file" 2>/dev/null || true)
        if [[ -n $line ]]; then
            echo "${line##*:}"
            return 0
        fi
        alive "$pid" || return 1
        sleep 0.05
    done
    return 1
}

wait_port() { # port pid seconds: until a TCP connect succeeds
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        alive "$2" || return 1
        sleep 0.1
    done
    return 1
}

# Splits HDRS[target] ('|'-separated) into an array of "-H" "value" pairs for wrk/seqlatency/curl.
header_args() {
    local h parts
    IFS='|' read -ra parts <<<"${HDRS[$1]}"
    HARGS=()
    for h in "${parts[@]}"; do HARGS+=(-H "$h"); done
}

request_body() { # model stream(0|1)
    if [[ $2 == 1 ]]; then
        printf '{"model":"%s","messages":[{"role":"system","content":"You are a helpful assistant. Answer briefly and precisely."},{"role":"user","content":"What is the capital of France? Answer in two sentences and mention one landmark."}],"temperature":0.2,"max_tokens":128,"stream":true,"stream_options":{"include_usage":true}}' "$1"
    else
        printf '{"model":"%s","messages":[{"role":"system","content":"You are a helpful assistant. Answer briefly and precisely."},{"role":"user","content":"What is the capital of France? Answer in two sentences and mention one landmark."}],"temperature":0.2,"max_tokens":128}' "$1"
    fi
}

# wrk: one thread, closed loop, pinned to core 0 with the mock. Returns the WRK_JSON line.
run_wrk() { # target script seconds outfile
    local t=$1 script=$2 secs=$3 out=$4
    header_args "$t"
    BENCH_MODEL=${MODEL[$t]} timeout $((secs + 30)) taskset -c 0 wrk -t1 -c"$CONNECTIONS" -d"${secs}s" --timeout 5s \
        -s "$BENCH_DIR/$script" "${HARGS[@]}" "${URL[$t]}/" >"$out.txt" 2>&1 || true
    if ! grep -m1 '^WRK_JSON ' "$out.txt" | cut -d' ' -f2- >"$out"; then
        log "$t: wrk gave no result (see $out.txt)"
        echo '{}' >"$out"
    fi
    local n
    n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("requests",0))' "$out")
    SENT[$t]=$((SENT[$t] + n))
}

# Round r runs every set-up once, starting with a different one each round.
rotated() { # round -> the targets, rotated by round
    local r=$1 n=${#TARGETS[@]} i
    for ((i = 0; i < n; i++)); do echo "${TARGETS[(i + r) % n]}"; done
}
