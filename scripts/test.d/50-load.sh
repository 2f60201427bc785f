#!/usr/bin/env bash
# Load stage (about 40 s): `tokenswap serve` against `tokenswap emulator` on 127.0.0.1.
#  1. wrk, 20 s at 512 connections, refreshing 64 users' tokens: zero errors and non-2xx
#     answers required; the rate, latency and the server's peak RSS (VmHWM) are reported.
#  2. SIGTERM during a second run with 200 ms of emulated Spotify latency: the server must finish
#     every request in flight and exit 0, and wrk must see no timeouts.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
need_packages wrk curl python3 >/dev/null
build_preset release --target tokenswap >/dev/null

bin=build/release/src/tokenswap
work=$(mktemp -d)
emulator_port=$(free_port)
server_port=$(free_port)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

start_emulator() {
  "$bin" emulator --port $emulator_port --threads 1 --client-id load-app \
    --client-secret load-secret-value --redirect-uri myapp://callback "$@" \
    >"$work/emulator.log" 2>&1 &
  pids+=($!)
}

start_server() {
  CLIENT_ID=load-app CLIENT_SECRET=load-secret-value CLIENT_CALLBACK_URL=myapp://callback \
    ENCRYPTION_SECRET=load-test-encryption-secret-0123456789abcdef HOST=127.0.0.1 \
    PORT=$server_port SPOTIFY_ACCOUNTS_URL=http://127.0.0.1:$emulator_port LOG_LEVEL=warn \
    "$bin" serve >"$work/server.log" 2>&1 &
  server_pid=$!
  pids+=($server_pid)
}

wait_for_port() {
  for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$1/${2:-}" && return 0
    sleep 0.1
  done
  echo "nothing answered on port $1" >&2
  return 1
}

# Logs in `count` users through the server and writes a wrk script refreshing their tokens.
write_refresh_script() {
  local count="$1" tokens=""
  for _ in $(seq "$count"); do
    local code token
    code=$(curl -s -X POST "http://127.0.0.1:$emulator_port/emulator/codes" \
      -d '{"client_id":"load-app","redirect_uri":"myapp://callback","scope":"user-read-email"}' |
      sed -E 's/.*"code":"([^"]+)".*/\1/')
    token=$(curl -s -X POST "http://127.0.0.1:$server_port/exchange" -d "code=$code" |
      sed -E 's/.*"refresh_token":"([^"]+)".*/\1/')
    tokens+="\"$token\","
  done
  cat >"$work/refresh.lua" <<LUA
local tokens = {$tokens}
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
request = function()
  n = n + 1
  return wrk.format(nil, "/refresh", nil, "refresh_token=" .. tokens[n % #tokens + 1])
end
LUA
}

# Fails when wrk reported errors, non-2xx answers or timeouts.
check_wrk() {
  local report="$1" allow_connect="${2:-no}"
  if grep -q "Non-2xx" "$report"; then
    echo "non-2xx answers under load" >&2
    return 1
  fi
  local errors
  errors=$(grep "Socket errors" "$report" || true)
  if [ -n "$errors" ]; then
    if [ "$allow_connect" = no ] || ! echo "$errors" | grep -q "timeout 0$"; then
      echo "wrk saw socket errors: $errors" >&2
      return 1
    fi
  fi
}

start_emulator
wait_for_port $emulator_port emulator/settings
start_server
wait_for_port $server_port health
write_refresh_script 64

echo "-- 20 s at 512 connections, POST /refresh"
wrk -t2 -c512 -d20s --timeout 5s --latency -s "$work/refresh.lua" \
  "http://127.0.0.1:$server_port" | tee "$work/wrk.txt"
check_wrk "$work/wrk.txt"
rss=$(grep VmHWM "/proc/$server_pid/status" | awk '{print $2}')
echo "server peak RSS: $((rss / 1024)) MiB"
threads=$(grep Threads "/proc/$server_pid/status" | awk '{print $2}')
echo "server threads: $threads"

echo "-- SIGTERM during load (Spotify answering in 200 ms)"
curl -s -X POST "http://127.0.0.1:$emulator_port/emulator/settings" -d '{"latency_ms":200}' \
  >/dev/null
wrk -t2 -c512 -d6s --timeout 5s -s "$work/refresh.lua" "http://127.0.0.1:$server_port" \
  >"$work/wrk-term.txt" 2>&1 &
wrk_pid=$!
sleep 3
kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
wait "$wrk_pid" || true
cat "$work/wrk-term.txt"
grep -E "stopp" "$work/server.log" || true
if [ "$status" -ne 0 ]; then
  echo "the server exited with $status after SIGTERM" >&2
  exit 1
fi
if grep -q "Socket errors" "$work/wrk-term.txt" &&
  ! grep "Socket errors" "$work/wrk-term.txt" | grep -q "timeout 0$"; then
  echo "requests timed out during shutdown" >&2
  exit 1
fi
echo "SIGTERM under load: every request in flight finished, exit 0"
