#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine and runs every test:
# the determinism lint, the Rust unit and black-box tests, and the Python client and
# differential suites (which compare Ferrite with a real redis-server).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null || ! command -v redis-benchmark >/dev/null; then
  echo "== installing redis-server and redis-tools (the reference implementation and its clients)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools >/dev/null
fi
if ! python3 -c 'import redis, pytest' 2>/dev/null; then
  echo "== installing Python test clients"
  python3 -m pip install -q -r tests/py/requirements.txt
fi

echo "== clippy (includes the determinism guard of clippy.toml)"
cargo clippy --workspace --all-targets -q -- -D warnings

echo "== building the server"
cargo build -q -p ferrite-server --bin ferrite

echo "== Rust tests (unit, I/O conformance, black-box, command table vs redis-server)"
cargo test --workspace

echo "== simulator: every planted bug must be caught within a bounded number of seeds"
cargo test -q -p ferrite-sim --features planted-bugs --test planted

echo "== simulator: a random batch of seeds, each run twice to check determinism"
first_seed=$(( (RANDOM << 15 | RANDOM) * 1000 ))
# Seed counts keep each scenario's batch under about a minute on 2 cores (each seed runs twice).
for entry in single-node:2000 single-node-aof:2000 single-node-aof-everysec:1500 pubsub:2000; do
  scenario=${entry%%:*}
  seeds=${SIM_SEEDS:-${entry##*:}}
  cargo run -q --release -p ferrite-sim -- swarm --scenario "$scenario" \
    --seeds "$first_seed..$((first_seed + seeds - 1))" --check-determinism
done

echo "== loom: the keyspace lock path and the AOF group commit under every interleaving (bounded)"
# Own target dir so the normal build is not invalidated; no LTO or debug info: loom's
# exploration wants optimised code, not a slow link.
RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom \
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_DEBUG=0 \
  cargo test -q -p ferrite-engine --release --test 'loom_*'

echo "== fuzzing: every target's committed corpus, then ${FUZZ_SECONDS:-20}s of new inputs each"
FUZZ_SECONDS=${FUZZ_SECONDS:-20} scripts/fuzz_ci.sh

echo "== Python tests (redis-py, redis-cli, differential against redis-server)"
FERRITE_BIN="$PWD/target/debug/ferrite" python3 -m pytest tests/py -q
