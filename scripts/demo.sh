#!/usr/bin/env bash
# Builds tokenswap and runs `tokenswap demo`: the accounts emulator, the token-swap server and
# the demo web page in one process on 127.0.0.1. Installs what the build needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

need_build_packages
build_preset release --target tokenswap
exec ./build/release/src/tokenswap demo "$@"
