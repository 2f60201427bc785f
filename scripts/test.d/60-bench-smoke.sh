#!/usr/bin/env bash
# Bench smoke (about 1.5 minutes on 2 cores): a short bench/run.sh, 2 s per load run at 1 and 64
# connections, a second tokenswap with upstream pooling off as the baseline, a short WAN scenario
# when network namespaces can be made. Checks that every figure was produced, not what it is, and
# that nothing was left running.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

export BENCH_SECONDS=2 BENCH_WARMUP_SECONDS=1 BENCH_CONNECTIONS="1 64" BENCH_WAN_SECONDS=2
export BENCH_MICRO_SECONDS=0.01 BENCH_OUT="$out" BENCH_REPORT="$out/performance.md"
export BENCH_BASELINE_NAME="tokenswap unpooled"
export BENCH_BASELINE_CMD="UPSTREAM_POOLING=false exec $PWD/build/release/src/tokenswap serve"
bash bench/run.sh

expect() {
  if ! jq -e "$1" "$out/results.json" >/dev/null; then
    echo "bench smoke: expected $2" >&2
    exit 1
  fi
}
expect '.runs | length == 12' "12 load runs (3 servers, 2 workloads, 2 concurrencies)"
expect 'all(.runs[]; .requests > 0 and .requests_per_second > 0 and .p99_ms > 0)' \
  "requests and latencies in every run"
expect 'all(.runs[]; .cpu_seconds_per_10k > 0 and .peak_rss_mib > 0)' "CPU and memory figures"
expect 'all(.runs[]; .upstream_connections_per_1k != null)' "upstream connection counts"
expect '[.ratios[] | select(.throughput > 0)] | length == 12' \
  "ratios against nginx and the baseline for each pair"
expect '.micro | length > 10' "microbenchmark figures"
expect '.targets | length > 5' "the targets evaluated"
if ip netns add "tsb-probe-$$" 2>/dev/null; then
  ip netns del "tsb-probe-$$"
  expect '[.wan[] | select(.requests > 0)] | length == 3' "three WAN runs"
fi
for chart in refresh-throughput refresh-p99 exchange-throughput exchange-p99; do
  if [ "$(head -c 4 "$out/$chart.png" 2>/dev/null | tail -c 3)" != PNG ]; then
    echo "bench smoke: no $chart.png" >&2
    exit 1
  fi
done
grep -q '^## Headline' "$out/performance.md"

leftovers=$(
  pgrep -af "tokenswap-bench|delay_link.py|$PWD/build/release/src/tokenswap serve" || true
  ip netns list | grep "^tsb-" || true
)
[ -z "$leftovers" ] || { echo "bench smoke: left running: $leftovers" >&2; exit 1; }
echo "bench smoke: figures produced, nothing left running"
