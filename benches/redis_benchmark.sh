#!/usr/bin/env bash
# Side-by-side throughput: ferrite and redis-server on the same machine, in one run, measured
# with redis-benchmark, printed as ops/s and the ratio ferrite/redis.
#
# usage: benches/redis_benchmark.sh [requests] [tests] [pipelines] [extra redis-benchmark args]
#   defaults: 200000 requests, "set,get", pipelines "1 16", 50 clients
# SERVER_ARGS is given to both servers, e.g. SERVER_ARGS="--appendonly yes --appendfsync always"
# (each server then works in a temporary directory of its own).
# Each (test, pipeline) pair runs against both servers alternately, ROUNDS times, and the
# median is reported, so background noise hits both sides alike.
set -euo pipefail
cd "$(dirname "$0")/.."

REQUESTS=${1:-200000}
TESTS=${2:-set,get}
PIPELINES=${3:-1 16}
EXTRA=${4:-}
CLIENTS=${CLIENTS:-50}
ROUNDS=${ROUNDS:-3}
SERVER_ARGS=${SERVER_ARGS:-}
WORK=$(mktemp -d)
mkdir -p "$WORK/ferrite" "$WORK/redis"

cargo build -q --release -p ferrite-server --bin ferrite

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
FERRITE_PORT=$(free_port)
REDIS_PORT=$(free_port)

# shellcheck disable=SC2086
./target/release/ferrite --port "$FERRITE_PORT" --save "" --dir "$WORK/ferrite" --loglevel warning $SERVER_ARGS &
FERRITE_PID=$!
# shellcheck disable=SC2086
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK/redis" --loglevel warning $SERVER_ARGS &
REDIS_PID=$!
trap 'kill $FERRITE_PID $REDIS_PID 2>/dev/null || true; sleep 0.5; rm -rf "$WORK"' EXIT

for port in "$FERRITE_PORT" "$REDIS_PORT"; do
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
done

# run PORT TEST PIPELINE -> ops/s
run() {
  # shellcheck disable=SC2086
  redis-benchmark -p "$1" -t "$2" -n "$REQUESTS" -c "$CLIENTS" -P "$3" -r 100000 --csv $EXTRA 2>/dev/null |
    awk -F'"' 'NR>1 {print $4; exit}'
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -srm)"
echo "redis-benchmark -n $REQUESTS -c $CLIENTS -r 100000, median of $ROUNDS rounds${SERVER_ARGS:+, servers: $SERVER_ARGS}"
printf "%-10s %-9s %14s %14s %8s\n" test pipeline ferrite redis ratio
IFS=',' read -ra TEST_LIST <<< "$TESTS"
for test in "${TEST_LIST[@]}"; do
  for pipeline in $PIPELINES; do
    f_runs=(); r_runs=()
    for _ in $(seq "$ROUNDS"); do
      f_runs+=("$(run "$FERRITE_PORT" "$test" "$pipeline")")
      r_runs+=("$(run "$REDIS_PORT" "$test" "$pipeline")")
    done
    f=$(printf '%s\n' "${f_runs[@]}" | median)
    r=$(printf '%s\n' "${r_runs[@]}" | median)
    ratio=$(awk -v f="$f" -v r="$r" 'BEGIN { if (r > 0) printf "%.2f", f / r; else print "n/a" }')
    printf "%-10s %-9s %14s %14s %8s\n" "$test" "$pipeline" "$f" "$r" "$ratio"
  done
done
