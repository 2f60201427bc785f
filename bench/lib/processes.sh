# What a server process costs, read from /proc: CPU time and peak memory of the process and every
# process below it (nginx's workers, or whatever a baseline's start command spawns).

# The pid and every descendant's pid, one per line.
process_tree() {
  ps -e -o pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2 }
    END {
      for (pid in parent) {
        for (p = pid; p != "" && p != 0 && p != 1; p = parent[p]) {
          if (p == root) { print pid; break }
        }
      }
    }'
}

# User plus system CPU time of the whole tree, in clock ticks (fields 14 and 15 of stat, counted
# after the command name, which may hold spaces).
tree_cpu_ticks() {
  local total=0 pid fields
  for pid in $(process_tree "$1"); do
    fields=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
    set -- $fields
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}

# Peak resident memory (VmHWM) summed over the tree, in KiB.
tree_peak_rss_kib() {
  local total=0 pid kib
  for pid in $(process_tree "$1"); do
    kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || continue
    total=$((total + ${kib:-0}))
  done
  echo "$total"
}

# Starts the peak over again from the current resident size (clear_refs value 5, Linux 4.0+).
reset_peak_rss() {
  local pid
  for pid in $(process_tree "$1"); do
    echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || true
  done
}

# Waits until something accepts TCP connections on HOST:PORT (in NETNS when given), at most
# SECONDS; fails if PID died meanwhile.
wait_for_port() {
  local host="$1" port="$2" pid="$3" seconds="${4:-20}" netns="${5:-}"
  local run=() tries=$((seconds * 10))
  [ -n "$netns" ] && run=(ip netns exec "$netns")
  while ((tries-- > 0)); do
    kill -0 "$pid" 2>/dev/null || return 1
    "${run[@]}" bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

any_alive() {
  local pid
  for pid in "$@"; do
    kill -0 "$pid" 2>/dev/null && return 0
  done
  return 1
}

# Stops a process tree: TERM, then KILL for what is still there after two seconds.
stop_tree() {
  local pids
  pids=$(process_tree "$1")
  [ -z "$pids" ] && return 0
  kill -TERM $pids 2>/dev/null || true
  for _ in $(seq 20); do
    any_alive $pids || return 0
    sleep 0.1
  done
  kill -KILL $pids 2>/dev/null || true
}
