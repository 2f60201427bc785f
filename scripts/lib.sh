# Shared shell helpers for the project's scripts. Source it; do not run it.

# Installs the Debian packages that are not installed yet (as root, the way CI runs).
need_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# What building tokenswap needs.
need_build_packages() {
  need_packages g++ cmake ninja-build ccache pkg-config libssl-dev libboost1.81-dev \
    libboost-json1.81-dev libboost-url1.81-dev libjemalloc-dev googletest libgtest-dev clang-format
}

# ccache keeps rebuilds quick; the same cache serves every build folder.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"

# Configures and builds one CMake preset.
build_preset() {
  local preset="$1"
  shift
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" "$@"
}

# A loopback port free at the moment of asking (the kernel picks it), for servers the scripts
# start beside whatever else runs on the machine.
free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
