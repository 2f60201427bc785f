#!/usr/bin/env bash
# Builds tokenswap and runs every test suite: the unit and integration tests first, then each
# stage in scripts/test.d in name order (browser, sanitizers, fuzzing, ...). Installs what it
# needs first. Exit status is non-zero when any suite failed.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

need_build_packages || exit 1

passed=0
failed=0
run_suite() {
  local name="$1"
  shift
  echo "== $name"
  local started=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "== $name: ok ($((SECONDS - started)) s)"
  else
    failed=$((failed + 1))
    echo "== $name: FAILED ($((SECONDS - started)) s)"
  fi
}

check_format() {
  git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run -Werror
}

build_and_test() {
  build_preset release && ctest --preset release -j 2
}

run_suite "format" check_format
run_suite "build and ctest (release)" build_and_test
for stage in scripts/test.d/*.sh; do
  [ -e "$stage" ] || continue
  run_suite "$(basename "$stage" .sh)" bash "$stage"
done

echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
