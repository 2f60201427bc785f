#!/usr/bin/env bash
# Install check: installs tokenswap into a scratch prefix (cmake --install) and builds the example
# app in examples/consumer/ against it twice, through find_package(tokenswap) and through
# pkg-config; runs both once without a session (each must say a login is needed, exit 3). Checks
# that the installed headers pull in no Asio or Beast. About 40 s on 2 cores once the release
# build exists.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh

need_build_packages
build_preset release -j 2 >/dev/null

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
prefix="$scratch/prefix"
timeout 300 cmake --install build/release --prefix "$prefix" >/dev/null

if grep -rlE 'boost/(asio|beast)' "$prefix/include"; then
  echo "the installed headers include Asio or Beast" >&2
  exit 1
fi

echo "building examples/consumer with find_package(tokenswap)"
timeout 300 cmake -S examples/consumer -B "$scratch/cmake" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
timeout 300 cmake --build "$scratch/cmake" >/dev/null

echo "building examples/consumer with pkg-config"
pc_dir="$(dirname "$(find "$prefix" -name tokenswap.pc)")"
flags="$(PKG_CONFIG_PATH="$pc_dir" pkg-config --cflags --libs tokenswap)"
# shellcheck disable=SC2086 # the flags are a list of words
timeout 300 g++ -std=c++20 examples/consumer/main.cpp $flags -o "$scratch/whoami-pc"

for app in "$scratch/cmake/whoami" "$scratch/whoami-pc"; do
  status=0
  XDG_CONFIG_HOME="$scratch/config" timeout 30 "$app" --server http://127.0.0.1:9 \
    --client-id example --no-login 2>"$scratch/stderr" || status=$?
  if [ "$status" -ne 3 ] || ! grep -q needs_login "$scratch/stderr"; then
    echo "$(basename "$app") exited $status, expected 3 (needs_login):" >&2
    cat "$scratch/stderr" >&2
    exit 1
  fi
done
echo "consumer: built and ran through find_package and pkg-config"
