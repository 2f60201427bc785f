#!/usr/bin/env bash
# The end-to-end browser test: Debian's headless Chromium drives `tokenswap demo` through the
# whole login flow (tests/browser). Needs the release build (scripts/test.sh builds it first).
# Screenshots of each step land in artifacts/browser/. Takes about 40 s on two cores, half of it
# waiting for a short-lived token to expire.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh

started=$SECONDS
need_packages chromium chromium-driver
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  need_packages nodejs npm
fi

binary="${TOKENSWAP_BINARY:-$PWD/build/release/src/tokenswap}"
if [ ! -x "$binary" ]; then
  build_preset release --target tokenswap
fi

cd tests/browser
# The browser is Debian's; playwright-core never downloads one.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
timeout 300 npm ci --no-audit --no-fund --loglevel=error
status=0
TOKENSWAP_BINARY="$binary" timeout --kill-after=10 300 \
  node --test --test-concurrency=1 --test-timeout=240000 demo.test.js || status=$?
echo "browser test: $((SECONDS - started)) s (exit $status)"
exit "$status"
