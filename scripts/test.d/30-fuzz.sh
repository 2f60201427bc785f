#!/usr/bin/env bash
# Fuzzing: builds the libFuzzer targets in fuzz/ (clang, AddressSanitizer and UBSan) and runs each
# for FUZZ_SECONDS (default 18) on a scratch copy of its seed corpus, so the committed corpus stays
# as it is. Fails on any crash, leak, timeout or broken property; the input that shows it is kept in
# build/fuzz/findings/. About 3.5 minutes on 2 cores, the build included.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh

need_build_packages
# clang 14 is Debian 12's; libFuzzer's runtime (libclang_rt.fuzzer) comes in libclang-rt-14-dev.
need_packages clang libclang-rt-14-dev

seconds="${FUZZ_SECONDS:-18}"
build_preset fuzz -j 2

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
findings=build/fuzz/findings
mkdir -p "$findings"

stat() { sed -n "s/^stat::$1: *//p" "$2"; }

failed=0
for target in build/fuzz/fuzz/*_fuzz; do
  name="$(basename "$target" _fuzz)"
  mkdir "$scratch/$name"
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
    -artifact_prefix="$findings/$name-")
  [ -f "fuzz/$name.dict" ] && options+=(-dict="fuzz/$name.dict")
  log="$scratch/$name.log"

  if "$target" "${options[@]}" "$scratch/$name" "fuzz/corpus/$name" >"$log" 2>&1; then
    echo "$name: $(stat number_of_executed_units "$log") runs, $(stat average_exec_per_sec "$log")" \
      "per second, $(ls "fuzz/corpus/$name" | wc -l) seeds, $(stat new_units_added "$log") new inputs"
  else
    failed=$((failed + 1))
    echo "$name: FAILED"
    grep -v '^#' "$log" | tail -n 40
  fi
done

[ "$failed" -eq 0 ]
