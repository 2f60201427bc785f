# One measured run: wrk against one server at one concurrency, with the server's CPU time, peak
# memory and the upstream connections it opened read around it. Prints one JSON line.

# wrk_json CONNECTIONS SECONDS URL TOKENS_FILE POSITIONS_FILE: wrk's Lua script sends a new body
# on every request and prints a JSON line with the full latency distribution.
wrk_json() {
  local connections="$1" seconds="$2" url="$3" tokens="$4" positions="$5"
  local threads=$((connections < 2 ? 1 : 2))
  BENCH_TOKENS="$tokens" BENCH_POSITIONS="$positions" BENCH_THREADS="$threads" \
    wrk -t "$threads" -c "$connections" -d "${seconds}s" --timeout 10s \
    -s "$bench_dir/wrk/post.lua" "$url" | sed -n 's/^BENCH_JSON //p'
}

# collect_tokens NAME URL COUNT: refresh tokens from COUNT code exchanges, into NAME.tokens.
collect_tokens() {
  local name="$1" url="$2" count="$3" dir="$work_dir/$1-tokens"
  mkdir -p "$dir"
  # wrk runs for its whole duration even when its threads have stopped: it is ended here once
  # the tokens are in.
  BENCH_COUNT="$count" BENCH_THREADS=2 BENCH_TOKENS_DIR="$dir" \
    wrk -t 2 -c 32 -d 120s --timeout 10s -s "$bench_dir/wrk/collect.lua" "$url" >/dev/null &
  local wrk_pid=$!
  while kill -0 "$wrk_pid" 2>/dev/null; do
    if [ "$(cat "$dir"/tokens.* 2>/dev/null | wc -l)" -ge "$count" ]; then
      kill "$wrk_pid"
      break
    fi
    sleep 0.2
  done
  wait "$wrk_pid" 2>/dev/null || true
  cat "$dir"/tokens.* >"$work_dir/$name.tokens"
  local got
  got=$(wc -l <"$work_dir/$name.tokens")
  [ "$got" -ge "$count" ] || fail "$name handed out $got refresh tokens for $count codes"
}

# measure SERVER WORKLOAD CONNECTIONS: the server's pid, address and tokens come from the tables
# filled by run.sh. A warm-up at the same concurrency comes first, so the figures are the warm
# server's (its pool filled, its memory grown).
measure() {
  local server="$1" workload="$2" connections="$3"
  local pid="${server_pid[$server]}" url="${server_url[$server]}${server_path[$server:$workload]}"
  local tokens="" positions="$work_dir/$server.positions"
  [ "$workload" = refresh ] && tokens="$work_dir/$server.tokens"

  reset_peak_rss "$pid"
  wrk_json "$connections" "$warmup_seconds" "$url" "$tokens" "$positions" >/dev/null
  local before ticks_before figures
  before=$(nginx_counters "$upstream_status_url")
  ticks_before=$(tree_cpu_ticks "$pid")

  figures=$(wrk_json "$connections" "$run_seconds" "$url" "$tokens" "$positions")
  local ticks=$(($(tree_cpu_ticks "$pid") - ticks_before)) after
  after=$(nginx_counters "$upstream_status_url")
  [ -n "$figures" ] || figures='{"requests":0,"failed":true}'
  jq -c --arg server "$server" --arg workload "$workload" --argjson connections "$connections" \
    --argjson cpu_ticks "$ticks" --argjson clock_ticks "$(getconf CLK_TCK)" \
    --argjson accepts "$((${after% *} - ${before% *} - 1))" \
    --argjson upstream_requests "$((${after#* } - ${before#* } - 1))" \
    --argjson peak_rss_kib "$(tree_peak_rss_kib "$pid")" \
    '. + {kind: "load", server: $server, workload: $workload, connections: $connections,
          cpu_ticks: $cpu_ticks, clock_ticks: $clock_ticks, upstream_accepts: $accepts,
          upstream_requests: $upstream_requests, peak_rss_kib: $peak_rss_kib}' <<<"$figures"
}

# Prints one line a person can follow while the benchmark runs.
progress_line() {
  jq -r '"  \(.server) \(.workload) c=\(.connections): "
    + "\(.requests / (.duration_us / 1e6) | floor) req/s, p99 \(.p99_us / 1000) ms, errors "
    + "\(.non_2xx + .errors_connect + .errors_read + .errors_write + .errors_timeout), "
    + "upstream connections \(.upstream_accepts), upstream requests \(.upstream_requests)"' \
    2>/dev/null <<<"$1" || true
}
