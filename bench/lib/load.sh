# One measured run: wrk against one server at one concurrency, with the server's CPU time, peak
# memory and the upstream connections it opened read around it. Prints one JSON line.

# wrk's Lua script and its JSON line, which carries the full latency distribution.
wrk_json() {
  local connections="$1" seconds="$2" url="$3" body="$4"
  local threads=$((connections < 2 ? 1 : 2))
  BENCH_BODY="$body" wrk -t "$threads" -c "$connections" -d "${seconds}s" --timeout 10s \
    -s "$bench_dir/wrk/post.lua" "$url" | sed -n 's/^BENCH_JSON //p'
}

# measure SERVER WORKLOAD CONNECTIONS: the server's pid, address and bodies come from the tables
# filled by run.sh. A warm-up at the same concurrency comes first, so the figures are the warm
# server's (its pool filled, its memory grown).
measure() {
  local server="$1" workload="$2" connections="$3"
  local pid="${server_pid[$server]}" url="${server_url[$server]}${server_path[$server:$workload]}"
  local body="${server_body[$server:$workload]}"

  reset_peak_rss "$pid"
  wrk_json "$connections" "$warmup_seconds" "$url" "$body" >/dev/null
  local accepts_before ticks_before figures
  accepts_before=$(nginx_accepts "$upstream_status_url")
  ticks_before=$(tree_cpu_ticks "$pid")

  figures=$(wrk_json "$connections" "$run_seconds" "$url" "$body")
  local ticks=$(($(tree_cpu_ticks "$pid") - ticks_before))
  local accepts=$(($(nginx_accepts "$upstream_status_url") - accepts_before - 1))
  [ -n "$figures" ] || figures='{"requests":0,"failed":true}'
  jq -c --arg server "$server" --arg workload "$workload" --argjson connections "$connections" \
    --argjson cpu_ticks "$ticks" --argjson clock_ticks "$(getconf CLK_TCK)" \
    --argjson upstream_accepts "$accepts" --argjson peak_rss_kib "$(tree_peak_rss_kib "$pid")" \
    '. + {kind: "load", server: $server, workload: $workload, connections: $connections,
          cpu_ticks: $cpu_ticks, clock_ticks: $clock_ticks, upstream_accepts: $upstream_accepts,
          peak_rss_kib: $peak_rss_kib}' <<<"$figures"
}

# Prints one line a person can follow while the benchmark runs.
progress_line() {
  jq -r '"  \(.server) \(.workload) c=\(.connections): "
    + "\(.requests / (.duration_us / 1e6) | floor) req/s, p99 \(.p99_us / 1000) ms, errors "
    + "\(.non_2xx + .errors_connect + .errors_read + .errors_write + .errors_timeout), "
    + "upstream connections \(.upstream_accepts)"' 2>/dev/null <<<"$1" || true
}
