#!/usr/bin/env bash
# Samples where tokenswap's CPU time goes while it serves /refresh, beside nginx proxying the same
# requests to the same upstream: perf, on the running servers, with wrk as in the benchmark.
#
#   bench/profile.sh
#
# Settings (environment):
#   PROFILE_CONNECTIONS  wrk connections (default 16)
#   PROFILE_SECONDS      seconds sampled per server (default 10)
#   PROFILE_TOP          functions listed (default 25)
#   BENCH_TOKENSWAP      a tokenswap binary to use instead of building build/release
# The upstream is the benchmark's nginx answering like Spotify's token endpoint, every answer with
# a new refresh token (the costliest case for tokenswap, which seals and remembers it).
set -euo pipefail
bench_dir="$(cd "$(dirname "$0")" && pwd)"
repo_dir="$(dirname "$bench_dir")"
source "$repo_dir/scripts/lib.sh"
source "$bench_dir/lib/nginx.sh"
source "$bench_dir/lib/processes.sh"
source "$bench_dir/lib/load.sh"

connections="${PROFILE_CONNECTIONS:-16}"
seconds="${PROFILE_SECONDS:-10}"
top="${PROFILE_TOP:-25}"
CLIENT_ID=bench-client
CLIENT_SECRET=bench-secret
authorization="Basic $(printf '%s:%s' "$CLIENT_ID" "$CLIENT_SECRET" | base64 -w0)"

fail() {
  echo "profile: $1" >&2
  [ -n "${2:-}" ] && [ -f "$2" ] && tail -n 20 "$2" >&2
  exit 1
}

need_packages linux-perf nginx wrk curl jq python3 >/dev/null
if [ -n "${BENCH_TOKENSWAP:-}" ]; then
  tokenswap_bin=$(realpath "$BENCH_TOKENSWAP")
else
  need_build_packages >/dev/null
  (cd "$repo_dir" && build_preset release --target tokenswap >/dev/null)
  tokenswap_bin="$repo_dir/build/release/src/tokenswap"
fi

work_dir=$(mktemp -d)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    stop_tree "$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$work_dir"
}
trap cleanup EXIT

upstream_port=$(free_port)
pids+=("$(start_nginx "$work_dir" upstream \
  "$(upstream_config "$work_dir" "127.0.0.1:$upstream_port" "127.0.0.1:$(free_port)")")")
wait_for_port 127.0.0.1 "$upstream_port" "${pids[-1]}" ||
  fail "the upstream did not start" "$work_dir/upstream-error.log"

# sample NAME URL PID: refresh tokens from the server's own exchanges, a warm-up, then perf
# samples the server's processes while wrk refreshes.
sample() {
  local name="$1" url="$2" pid="$3" tree
  # More tokens than tokenswap remembers rotated answers for (20,000), so none is a repeat.
  collect_tokens "$name" "$url/exchange" 32768
  wrk_json "$connections" 2 "$url/refresh" "$work_dir/$name.tokens" "$work_dir/$name.positions" \
    >/dev/null
  tree=$(process_tree "$pid" | paste -sd, -)
  wrk_json "$connections" "$((seconds + 1))" "$url/refresh" "$work_dir/$name.tokens" \
    "$work_dir/$name.positions" >"$work_dir/$name.json" &
  local wrk_pid=$!
  perf record -q -F 999 -p "$tree" -o "$work_dir/$name.perf" -- sleep "$seconds" \
    >/dev/null 2>&1 || fail "perf could not sample $name"
  wait "$wrk_pid"
  jq -r --arg name "$name" '"\($name): \(.requests / (.duration_us / 1e6) | floor) req/s"' \
    "$work_dir/$name.json"
}

# report NAME: CPU time by library, then the functions with the most samples of their own.
report() {
  local name="$1"
  echo "$name, share of its CPU samples by library:"
  perf report -q --stdio --no-children -i "$work_dir/$name.perf" --sort dso 2>/dev/null |
    awk 'NF >= 2 && $1 ~ /%$/ { printf "  %8s  %s\n", $1, $2 }' | head -n 8
}

tokenswap_port=$(free_port)
env HOST=127.0.0.1 PORT="$tokenswap_port" RATE_LIMIT=0 \
  SPOTIFY_ACCOUNTS_URL="http://127.0.0.1:$upstream_port" CLIENT_ID="$CLIENT_ID" \
  CLIENT_SECRET="$CLIENT_SECRET" CLIENT_CALLBACK_URL=bench-app://callback \
  ENCRYPTION_SECRET=bench-encryption-secret-of-forty-characters \
  "$tokenswap_bin" serve </dev/null >/dev/null 2>"$work_dir/tokenswap.err" &
pids+=("$!")
wait_for_port 127.0.0.1 "$tokenswap_port" "${pids[-1]}" ||
  fail "tokenswap did not start" "$work_dir/tokenswap.err"
sample tokenswap "http://127.0.0.1:$tokenswap_port" "${pids[-1]}"

proxy_port=$(free_port)
pids+=("$(start_nginx "$work_dir" proxy \
  "$(proxy_config "$work_dir" "127.0.0.1:$proxy_port" "127.0.0.1:$upstream_port" \
    "$authorization")")")
wait_for_port 127.0.0.1 "$proxy_port" "${pids[-1]}" ||
  fail "the proxy nginx did not start" "$work_dir/proxy-error.log"
sample nginx "http://127.0.0.1:$proxy_port" "${pids[-1]}"

echo
report tokenswap
report nginx
echo
echo "tokenswap, functions by their own share of its CPU samples:"
perf report -q --stdio --no-children -i "$work_dir/tokenswap.perf" --sort dso,symbol \
  2>/dev/null | awk 'NF >= 3 && $1 ~ /%$/' | cut -c1-160 | head -n "$top"
