#!/usr/bin/env bash
# Snapshot and load times, side by side: ferrite and redis-server each get the same data set
# (redis-benchmark SETs of KEYS random keys with VALUE-byte values, plus LPUSH/HSET/ZADD), then
# SAVE is timed, the snapshot's size read, and each server restarted on its snapshot and timed
# until it answers PING.
#
# usage: benches/persistence.sh [keys] [value bytes]     defaults: 1000000 32
set -euo pipefail
cd "$(dirname "$0")/.."

KEYS=${1:-1000000}
VALUE=${2:-32}
cargo build -q --release -p ferrite-server --bin ferrite

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WORK=$(mktemp -d)
mkdir -p "$WORK/ferrite" "$WORK/redis"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; sleep 0.5; rm -rf "$WORK"' EXIT

start() { # NAME PORT -> pid in PIDS
  if [ "$1" = ferrite ]; then
    ./target/release/ferrite --port "$2" --save "" --dir "$WORK/ferrite" --loglevel warning &
  else
    redis-server --port "$2" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK/redis" --loglevel warning &
  fi
  PIDS+=($!)
}
wait_ping() { for _ in $(seq 6000); do [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ] && return; sleep 0.01; done; }
now() { date +%s.%N; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -srm)"
echo "data: SET of $KEYS random keys (-r $KEYS) with $VALUE-byte values, plus 100000 LPUSH/HSET/ZADD"
printf "%-8s %8s %12s %10s %10s\n" server keys "rdb bytes" "save s" "load s"
for name in ferrite redis; do
  port=$(free_port)
  start "$name" "$port"
  wait_ping "$port"
  redis-benchmark -p "$port" -t set -n "$KEYS" -r "$KEYS" -d "$VALUE" -P 64 -q >/dev/null
  redis-benchmark -p "$port" -t lpush,hset,zadd -n 100000 -r 100000 -P 64 -q >/dev/null
  keys=$(redis-cli -p "$port" dbsize)
  t0=$(now); redis-cli -p "$port" save >/dev/null; t1=$(now)
  size=$(stat -c %s "$WORK/$name/dump.rdb")
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  sleep 0.5
  t2=$(now); start "$name" "$port"; wait_ping "$port"; t3=$(now)
  loaded=$(redis-cli -p "$port" dbsize)
  [ "$loaded" = "$keys" ] || { echo "$name loaded $loaded of $keys keys"; exit 1; }
  printf "%-8s %8s %12s %10.2f %10.2f\n" "$name" "$keys" "$size" "$(echo "$t1 - $t0" | bc)" "$(echo "$t3 - $t2" | bc)"
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
done
