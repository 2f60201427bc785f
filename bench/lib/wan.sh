# The WAN scenario: tokenswap and its client in one network namespace, the upstream (TLS, test
# certificate) in another, joined by a veth pair with 25 ms of delay each way. Sequential code
# exchanges with pooled upstream connections against the same server with pooling off show what
# reuse saves per login. Only addresses inside the two namespaces made here are used.

wan_delay_ms="${BENCH_WAN_DELAY_MS:-25}"
wan_ns_up=""
wan_ns_app=""
wan_up_address=10.200.0.1
wan_app_address=10.200.0.2

# Ends every process inside the namespaces, then the namespaces (which takes the veth pair along).
wan_cleanup() {
  local ns
  for ns in $wan_ns_app $wan_ns_up; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  wan_ns_up=""
  wan_ns_app=""
}

in_ns() {
  local ns="$1"
  shift
  ip netns exec "$ns" "$@"
}

wan_namespaces() {
  [ "$(id -u)" -eq 0 ] || return 1
  ip netns add "tsb-up-$$" 2>/dev/null || return 1
  wan_ns_up="tsb-up-$$"
  ip netns add "tsb-app-$$" || return 1
  wan_ns_app="tsb-app-$$"
  ip link add "tsbu$$" netns "$wan_ns_up" type veth peer name "tsba$$" netns "$wan_ns_app" ||
    return 1
  in_ns "$wan_ns_up" ip addr add "$wan_up_address/24" dev "tsbu$$"
  in_ns "$wan_ns_app" ip addr add "$wan_app_address/24" dev "tsba$$"
  local ns
  for ns in "$wan_ns_up:tsbu$$" "$wan_ns_app:tsba$$"; do
    in_ns "${ns%%:*}" ip link set lo up
    in_ns "${ns%%:*}" ip link set "${ns##*:}" up
  done
}

# The delay, from the kernel (netem) where it has it, else from a user-space relay that delays
# each chunk and a new connection's handshake the same way. Sets wan_link and wan_upstream_port.
# The relay runs at a real-time priority: the link's timing must not wait for a busy CPU.
wan_delay() {
  local wan_dir="$1"
  local delay=(netem delay "${wan_delay_ms}ms")
  if in_ns "$wan_ns_up" tc qdisc add dev "tsbu$$" root "${delay[@]}" 2>/dev/null &&
    in_ns "$wan_ns_app" tc qdisc add dev "tsba$$" root "${delay[@]}"; then
    wan_link="netem"
    wan_upstream_port=8443
    return 0
  fi
  wan_link="relay"
  wan_upstream_port=443
  in_ns "$wan_ns_up" chrt -f 1 python3 "$bench_dir/delay_link.py" --listen "$wan_up_address:443" \
    --target "$wan_up_address:8443" --delay-ms "$wan_delay_ms" >"$wan_dir/relay.err" 2>&1 &
  wait_for_port "$wan_up_address" 443 $! 10 "$wan_ns_up"
}

# A test CA and a certificate for the upstream's address, made with the openssl command line.
wan_certificates() {
  local dir="$1"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=tokenswap bench CA" -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj "/CN=$wan_up_address" -keyout "$dir/upstream.key" -out "$dir/upstream.csr" 2>/dev/null
  printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth\n' "$wan_up_address" >"$dir/san.ext"
  openssl x509 -req -in "$dir/upstream.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -days 2 -extfile "$dir/san.ext" -out "$dir/upstream.pem" 2>/dev/null
}

# wan_tokenswap PORT POOLING: tokenswap in the app namespace, trusting the test CA.
wan_tokenswap() {
  local port="$1" pooling="$2" dir="$work_dir/wan"
  in_ns "$wan_ns_app" env $(tokenswap_environment "$port" \
    "https://$wan_up_address:$wan_upstream_port") UPSTREAM_CA_FILE="$dir/ca.pem" \
    UPSTREAM_POOLING="$pooling" "$tokenswap_bin" serve </dev/null >/dev/null \
    2>"$dir/tokenswap-$port.err" &
  wait_for_port 127.0.0.1 "$port" $! 20 "$wan_ns_app" ||
    fail "tokenswap did not start in the WAN namespace" "$dir/tokenswap-$port.err"
}

# wan_measure NAME URL: one connection, code exchanges one after another, after a short warm-up.
wan_measure() {
  local name="$1" url="$2" seconds="${BENCH_WAN_SECONDS:-10}" figures
  local run=(in_ns "$wan_ns_app" env BENCH_THREADS=1 wrk -t1 -c1 --timeout 10s
    -s "$bench_dir/wrk/post.lua")
  "${run[@]}" -d2s "$url" >/dev/null
  figures=$("${run[@]}" -d "${seconds}s" "$url" | sed -n 's/^BENCH_JSON //p')
  [ -n "$figures" ] || figures='{"requests":0,"failed":true}'
  jq -c --arg server "$name" --arg link "$wan_link" --argjson delay "$wan_delay_ms" \
    '. + {kind: "wan", server: $server, link: $link, one_way_delay_ms: $delay}' <<<"$figures"
}

run_wan() {
  if [ "${BENCH_WAN:-on}" = off ]; then
    echo "bench: WAN scenario off (BENCH_WAN=off)"
    return 0
  fi
  if ! wan_namespaces; then
    echo "bench: WAN scenario skipped: cannot create network namespaces and a veth pair" \
      "(needs root and iproute2)"
    wan_cleanup
    return 0
  fi
  local dir="$work_dir/wan"
  mkdir -p "$dir"
  chmod 755 "$dir"
  wan_certificates "$dir"
  wan_delay "$dir" || fail "the WAN link did not come up" "$dir/relay.err"
  echo "bench: WAN scenario, ${wan_delay_ms} ms each way ($wan_link)"
  wan_run "$dir"
  wan_cleanup
}

wan_run() {
  local dir="$1" pid
  pid=$(start_nginx "$dir" upstream "$(upstream_config "$dir" "$wan_up_address:8443" \
    "127.0.0.1:8080" "$dir/upstream.pem" "$dir/upstream.key")" "$wan_ns_up")
  wait_for_port "$wan_up_address" 8443 "$pid" 10 "$wan_ns_up" ||
    fail "the WAN upstream did not start" "$dir/upstream-error.log"
  wan_tokenswap 5001 true
  wan_tokenswap 5002 false

  local figures
  for run in "upstream direct|https://$wan_up_address:$wan_upstream_port/api/token" \
    "tokenswap pooled|http://127.0.0.1:5001/exchange" \
    "tokenswap unpooled|http://127.0.0.1:5002/exchange"; do
    figures=$(wan_measure "${run%%|*}" "${run##*|}")
    echo "$figures" >>"$work_dir/results.jsonl"
    jq -r '"  \(.server): \(.requests) requests, p50 \(.p50_us / 1000) ms, "
      + "mean \(.mean_us / 1000 | floor) ms"' <<<"$figures"
  done
}
