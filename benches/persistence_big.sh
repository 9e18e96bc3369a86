#!/usr/bin/env bash
# Large-data persistence, side by side: each server gets about SIZE_MB of string data
# (keys of VALUE bytes), then:
#   1. BGSAVE while redis-benchmark keeps writing (SET on the same keys): the save time, the
#      copy-on-write figure each server reports (rdb_last_cow_size) and the peak RSS of the
#      server process(es) (VmHWM; for Redis, the forked child's too);
#   2. restart on the snapshot: time to the first PONG;
#   3. the same data written through the log (appendonly yes, everysec), restart: time to the
#      first PONG (Ferrite rewrites the log at startup, which is included).
#
# usage: benches/persistence_big.sh [size MB] [value bytes]    defaults: 1024 256
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MB=${1:-1024}
VALUE=${2:-256}
KEYS=$((SIZE_MB * 1024 * 1024 / VALUE))
cargo build -q --release -p ferrite-server --bin ferrite

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WORK=$(mktemp -d)
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; sleep 0.5; rm -rf "$WORK"' EXIT

start() { # NAME PORT DIR EXTRA...
  local name=$1 port=$2 dir=$3; shift 3
  mkdir -p "$dir"
  if [ "$name" = ferrite ]; then
    ./target/release/ferrite --port "$port" --save "" --dir "$dir" --loglevel warning "$@" &
  else
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --loglevel warning "$@" &
  fi
  PID=$!
}
wait_ping() { for _ in $(seq 60000); do [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ] && return; sleep 0.01; done; }
now() { date +%s.%N; }
hwm_kb() { # peak RSS of a process and its children, summed
  local total=0
  for p in $1 $(pgrep -P "$1" || true); do
    local kb; kb=$(awk '/VmHWM/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    total=$((total + ${kb:-0}))
  done
  echo $total
}
info() { redis-cli -p "$1" info persistence | tr -d '\r' | awk -F: -v f="$2" '$1 == f {print $2}'; }
fill() { redis-benchmark -p "$1" -t set -n "$KEYS" -r "$KEYS" -d "$VALUE" -P 64 -c 8 -q >/dev/null; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -srm)"
echo "data: SET of $KEYS random keys (-r $KEYS) with $VALUE-byte values (~${SIZE_MB} MB of values)"
printf "%-8s %9s %8s %13s %13s %12s %12s\n" server keys "bgsave s" "cow MB" "peak RSS MB" "rdb load s" "aof load s"
for name in ferrite redis; do
  port=$(free_port)
  start "$name" "$port" "$WORK/$name"
  wait_ping "$port"
  fill "$port"
  keys=$(redis-cli -p "$port" dbsize)
  before=$(info "$port" rdb_saves)
  # Writes keep going during the snapshot.
  redis-benchmark -p "$port" -t set -n $((KEYS / 2)) -r "$KEYS" -d "$VALUE" -P 16 -c 4 -q >/dev/null &
  load=$!
  sleep 0.2
  t0=$(now); redis-cli -p "$port" bgsave >/dev/null
  # Started (Redis counts a save when it forks, Ferrite when it ends), then finished.
  while [ "$(info "$port" rdb_saves)" = "$before" ]; do sleep 0.02; done
  while [ "$(info "$port" rdb_bgsave_in_progress)" != 0 ]; do sleep 0.02; done
  t1=$(now)
  wait $load || true
  cow=$(info "$port" rdb_last_cow_size)
  peak=$(hwm_kb "$PID")
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  wait $PID 2>/dev/null || true
  t2=$(now); start "$name" "$port" "$WORK/$name"; wait_ping "$port"; t3=$(now)
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  wait $PID 2>/dev/null || true
  # The same data through the log.
  rm -rf "$WORK/$name-aof"
  start "$name" "$port" "$WORK/$name-aof" --appendonly yes --appendfsync everysec
  wait_ping "$port"
  fill "$port"
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  wait $PID 2>/dev/null || true
  aof_mb=$(du -sm "$WORK/$name-aof" | cut -f1)
  t4=$(now); start "$name" "$port" "$WORK/$name-aof" --appendonly yes --appendfsync everysec; wait_ping "$port"; t5=$(now)
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  wait $PID 2>/dev/null || true
  PID=""
  printf "%-8s %9s %8.2f %13.1f %13.1f %12.2f %12.2f  (log %s MB)\n" "$name" "$keys" "$(echo "$t1 - $t0" | bc)" \
    "$(echo "${cow:-0} / 1048576" | bc -l)" "$(echo "$peak / 1024" | bc -l)" "$(echo "$t3 - $t2" | bc)" "$(echo "$t5 - $t4" | bc)" "$aof_mb"
  rm -rf "$WORK/$name" "$WORK/$name-aof"
done
