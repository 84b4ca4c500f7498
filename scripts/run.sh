#!/usr/bin/env bash
# Installs what is missing, builds, and starts LLM Gateway Desktop: the window when a display is
# available, the headless gateway (`serve`) otherwise. Arguments go to llm-gateway.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh default
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
  exec build/app/llm-gateway "$@"
else
  exec build/app/llm-gateway serve "$@"
fi
