#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs every test: unit, integration,
# fuzz, e2e (official SDK clients through node), postgres (a throwaway PostgreSQL cluster it starts), and
# keychain (a real Secret Service: a private D-Bus session with an unlocked gnome-keyring), and the stream
# and API-threading suites again under AddressSanitizer.
# Extra arguments go to ctest (e.g. -L unit). Fails when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$(nproc)"
export HOME="${HOME:-/tmp/llmgw-home}"
mkdir -p "$HOME" # the Secret Service and QtKeychain need one; without it the keychain hangs first

# Suites in parallel, one per core: none shares a port (the kernel picks them, or a ReservedPort holds them), a
# file (each has its own QTemporaryDir) or a database (each its own name in the cluster); the one that restarts
# the cluster runs alone (RUN_SERIAL).
status=0
tests/support/with-postgres.sh ctest --test-dir build-ci --output-on-failure --timeout 300 -j "$(nproc)" \
    -LE keychain "$@" || status=$?

# The keychain suite in a HOME and runtime dir of its own, so that it neither reads nor changes the user's
# own keyring, and gnome-keyring's login keyring is created afresh with a known password.
keyring_home=$(mktemp -d "${TMPDIR:-/tmp}/llmgw-keyring.XXXXXX")
trap 'rm -rf "$keyring_home"' EXIT
chmod 700 "$keyring_home"
HOME="$keyring_home" XDG_RUNTIME_DIR="$keyring_home" XDG_DATA_HOME="$keyring_home/.local/share" \
    dbus-run-session -- sh -c 'echo -n llmgw-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null \
        && exec ctest --test-dir build-ci --output-on-failure --timeout 300 -L keychain "$@"' sh "$@" \
    || status=$?

# The suites where threads and connections meet, once more under AddressSanitizer (full runs only): a client
# hanging up in the middle of a stream once freed its exchange under the code still writing to it, which a
# release build survives by luck and a sanitizer reports at once; the management API answers from a pool.
if [[ $# -eq 0 ]]; then
    asan_suites=(tst_proxystream tst_proxytranslatestream tst_apiconcurrency tst_apidata)
    cmake --preset asan >/dev/null
    cmake --build --preset asan -j "$(nproc)" --target "${asan_suites[@]}"
    ctest --test-dir build-asan --output-on-failure --timeout 300 -j "$(nproc)" \
        -R "^($(IFS='|'; echo "${asan_suites[*]}"))\$" || status=$?
fi
exit "$status"
