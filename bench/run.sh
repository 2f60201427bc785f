#!/usr/bin/env bash
# Measures tokenswap beside nginx as a reverse proxy (the limit of what a proxy does on this
# machine) and, when BENCH_BASELINE_CMD is set, beside another token-swap server, all in one run
# against the same fast upstream; then a WAN scenario and the microbenchmarks. Writes every figure
# as JSON, a Markdown report with charts, and leaves nothing running.
#
# Settings (environment):
#   BENCH_SECONDS        seconds per measured run (10); BENCH_WARMUP_SECONDS before each (2)
#   BENCH_CONNECTIONS    concurrencies ("1 16 128 512 2048")
#   BENCH_WORKLOADS      "refresh exchange"
#   BENCH_WAN            on, off (on); BENCH_WAN_SECONDS per WAN run (10)
#   BENCH_MICRO_SECONDS  minimum time per microbenchmark (0.2)
#   BENCH_OUT            folder for results.json and the charts (docs/performance)
#   BENCH_REPORT         the Markdown report (docs/performance.md)
#   BENCH_TOKENSWAP      a tokenswap binary to use instead of building build/release
#   BENCH_BASELINE_CMD   start command of another server; it gets HOST, PORT, CLIENT_ID,
#                        CLIENT_SECRET, CLIENT_CALLBACK_URL, ENCRYPTION_SECRET,
#                        SPOTIFY_ACCOUNTS_URL (and the SPOTIFY_-prefixed names) and must send
#                        its token calls to that URL
#   BENCH_BASELINE_NAME  its name in the figures (baseline); BENCH_BASELINE_EXCHANGE_PATH and
#                        BENCH_BASELINE_REFRESH_PATH its routes (/exchange, /refresh)
set -euo pipefail
repo_dir=$(cd "$(dirname "$0")/.." && pwd)
bench_dir="$repo_dir/bench"
cd "$repo_dir"
source scripts/lib.sh
for part in processes nginx load wan; do
  source "$bench_dir/lib/$part.sh"
done

run_seconds="${BENCH_SECONDS:-10}"
warmup_seconds="${BENCH_WARMUP_SECONDS:-2}"
read -r -a connection_counts <<<"${BENCH_CONNECTIONS:-1 16 128 512 2048}"
read -r -a workloads <<<"${BENCH_WORKLOADS:-refresh exchange}"
out_dir=$(realpath -m "${BENCH_OUT:-docs/performance}")
report_file=$(realpath -m "${BENCH_REPORT:-docs/performance.md}")

# Fixed, made-up credentials: the upstream accepts anything, and the figures must not depend on
# a random secret.
export CLIENT_ID="bench0123456789abcdef0123456789ab"
export CLIENT_SECRET="bench-secret-0123456789abcdef0123"
export CLIENT_CALLBACK_URL="http://127.0.0.1/callback"
export ENCRYPTION_SECRET="bench-encryption-secret-of-43-characters-x"
authorization="Basic $(printf '%s:%s' "$CLIENT_ID" "$CLIENT_SECRET" | base64 -w0)"
# Enough distinct refresh tokens that none comes round again while the server may still
# remember it (tokenswap keeps the answers of the last 20,000 rotated refreshes).
refresh_tokens="${BENCH_REFRESH_TOKENS:-32768}"

declare -A server_pid server_url server_path
servers=()
work_dir=""

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local name
  for name in "${!server_pid[@]}"; do
    stop_tree "${server_pid[$name]}"
  done
  wan_cleanup
  [ -n "$work_dir" ] && rm -rf "$work_dir"
  exit "$status"
}

install_tools() {
  need_packages nginx wrk gnuplot-nox jq curl python3 procps openssl iproute2 libbenchmark-dev
}

build_binaries() {
  if [ -n "${BENCH_TOKENSWAP:-}" ]; then
    tokenswap_bin=$(realpath "$BENCH_TOKENSWAP")
    micro_bin=""
    return
  fi
  need_build_packages
  cmake --preset release -DTOKENSWAP_BENCH=ON >/dev/null
  cmake --build --preset release -j 2 --target tokenswap micro_bench
  tokenswap_bin="$repo_dir/build/release/src/tokenswap"
  micro_bin="$repo_dir/build/release/bench/micro_bench"
}

# register NAME PID URL EXCHANGE_PATH REFRESH_PATH TOKEN_COUNT: the server's refresh tokens
# come from its own code exchanges, so they are sealed its own way.
register() {
  local name="$1" pid="$2" url="$3" exchange_path="$4" refresh_path="$5" count="$6"
  servers+=("$name")
  server_pid[$name]="$pid"
  server_url[$name]="$url"
  server_path[$name:exchange]="$exchange_path"
  server_path[$name:refresh]="$refresh_path"
  jq -nc --arg server "$name" --argjson kib "$(tree_peak_rss_kib "$pid")" \
    '{kind: "server", server: $server, startup_peak_rss_kib: $kib}' >>"$work_dir/results.jsonl"
  if [[ " ${workloads[*]} " == *" refresh "* ]]; then
    collect_tokens "$name" "$url$exchange_path" "$count"
  fi
}

start_upstream() {
  upstream_port=$(free_port)
  local status_port
  status_port=$(free_port)
  upstream_status_url="http://127.0.0.1:$status_port/"
  upstream_pid=$(start_nginx "$work_dir" upstream \
    "$(upstream_config "$work_dir" "127.0.0.1:$upstream_port" "127.0.0.1:$status_port")")
  server_pid[upstream]="$upstream_pid"
  wait_for_port 127.0.0.1 "$upstream_port" "$upstream_pid" ||
    fail "the upstream nginx did not start" "$work_dir/upstream-error.log"
}

# Per-client rate limiting is switched off (every wrk connection comes from one address, so it
# would answer 429 and the figures would show the protection, not the work); the other limits
# stay as they ship.
tokenswap_environment() {
  echo "HOST=127.0.0.1" "PORT=$1" "SPOTIFY_ACCOUNTS_URL=$2" "RATE_LIMIT=0"
}

start_tokenswap() {
  local port
  port=$(free_port)
  # Its log goes to /dev/null, as nginx's access log does; should it not start, the settings
  # check says why.
  env $(tokenswap_environment "$port" "http://127.0.0.1:$upstream_port") \
    "$tokenswap_bin" serve </dev/null >/dev/null 2>/dev/null &
  local pid=$!
  server_pid[tokenswap]="$pid"
  if ! wait_for_port 127.0.0.1 "$port" "$pid"; then
    env $(tokenswap_environment "$port" "http://127.0.0.1:$upstream_port") \
      "$tokenswap_bin" serve --check >"$work_dir/tokenswap.err" 2>&1 || true
    fail "tokenswap did not start" "$work_dir/tokenswap.err"
  fi
  register tokenswap "$pid" "http://127.0.0.1:$port" /exchange /refresh "$refresh_tokens"
}

start_proxy() {
  local port
  port=$(free_port)
  local pid
  pid=$(start_nginx "$work_dir" proxy \
    "$(proxy_config "$work_dir" "127.0.0.1:$port" "127.0.0.1:$upstream_port" "$authorization")")
  server_pid[nginx]="$pid"
  wait_for_port 127.0.0.1 "$port" "$pid" || fail "the proxy nginx did not start" \
    "$work_dir/proxy-error.log"
  register nginx "$pid" "http://127.0.0.1:$port" /exchange /refresh 512
}

start_baseline() {
  [ -n "${BENCH_BASELINE_CMD:-}" ] || return 0
  local name="${BENCH_BASELINE_NAME:-baseline}" port
  port=$(free_port)
  local exchange="${BENCH_BASELINE_EXCHANGE_PATH:-/exchange}"
  local refresh="${BENCH_BASELINE_REFRESH_PATH:-/refresh}"
  HOST=127.0.0.1 PORT="$port" SPOTIFY_ACCOUNTS_URL="http://127.0.0.1:$upstream_port" \
    SPOTIFY_CLIENT_ID="$CLIENT_ID" SPOTIFY_CLIENT_SECRET="$CLIENT_SECRET" \
    SPOTIFY_CLIENT_CALLBACK_URL="$CLIENT_CALLBACK_URL" \
    SPOTIFY_CLIENT_CALLBACK="$CLIENT_CALLBACK_URL" \
    bash -c "$BENCH_BASELINE_CMD" </dev/null >/dev/null 2>"$work_dir/baseline.err" &
  local pid=$!
  server_pid[$name]="$pid"
  wait_for_port 127.0.0.1 "$port" "$pid" 60 || fail "the baseline did not start" \
    "$work_dir/baseline.err"
  register "$name" "$pid" "http://127.0.0.1:$port" "$exchange" "$refresh" 4096
}

fail() {
  echo "bench: $1" >&2
  [ -n "${2:-}" ] && [ -f "$2" ] && tail -n 20 "$2" >&2
  exit 1
}

machine_json() {
  jq -n --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --arg cpu "$(lscpu | sed -n 's/^Model name: *//p')" \
    --arg kernel "$(uname -sr)" --argjson cores "$(nproc)" \
    --arg memory "$(free -g | awk '/^Mem:/ { print $2 " GiB" }')" \
    --arg load_before "$1" --arg load_after "$(cut -d' ' -f1-3 /proc/loadavg)" \
    --arg nginx "$(nginx -v 2>&1 | sed 's/.*: //')" \
    --arg wrk "$(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)" \
    --arg commit "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    --argjson seconds "$run_seconds" --argjson warmup "$warmup_seconds" \
    '{date: $date, cpu: $cpu, kernel: $kernel, cores: $cores, memory: $memory,
      load_before: $load_before, load_after: $load_after, nginx: $nginx, wrk: $wrk,
      commit: $commit, seconds_per_run: $seconds, warmup_seconds: $warmup}'
}

# 2,048 connections take 2,048 descriptors in wrk and up to twice that in a proxy.
raise_file_limit() {
  local hard
  hard=$(ulimit -Hn)
  [ "$hard" = unlimited ] && hard=65536
  ulimit -n "$((hard < 65536 ? hard : 65536))"
  [ "$(ulimit -n)" -ge 8192 ] ||
    fail "the open-file limit is $(ulimit -n); 2,048 connections need 8,192"
}

run_load_matrix() {
  local workload connections server figures
  for workload in "${workloads[@]}"; do
    for connections in "${connection_counts[@]}"; do
      for server in "${servers[@]}"; do
        figures=$(measure "$server" "$workload" "$connections")
        echo "$figures" >>"$work_dir/results.jsonl"
        progress_line "$figures"
      done
    done
  done
}

run_micro() {
  [ -n "$micro_bin" ] || return 0
  "$micro_bin" --benchmark_min_time="${BENCH_MICRO_SECONDS:-0.2}" --benchmark_format=json \
    >"$work_dir/micro.json" 2>/dev/null
}

main() {
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  install_tools
  build_binaries
  raise_file_limit
  work_dir=$(mktemp -d /tmp/tokenswap-bench.XXXXXX)
  chmod 755 "$work_dir"
  : >"$work_dir/results.jsonl"
  local load_before
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)

  start_upstream
  start_tokenswap
  start_proxy
  start_baseline
  echo "bench: ${servers[*]}: ${workloads[*]} at ${connection_counts[*]} connections," \
    "${run_seconds} s each"
  run_load_matrix
  run_wan
  run_micro
  machine_json "$load_before" >"$work_dir/machine.json"
  mkdir -p "$out_dir" "$(dirname "$report_file")"
  python3 "$bench_dir/report.py" --work "$work_dir" --out "$out_dir" --report "$report_file"
}

main "$@"
