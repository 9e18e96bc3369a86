#!/usr/bin/env bash
# Fuzzing in CI: builds every cargo-fuzz target, replays its committed corpus (fuzz/corpus/T,
# a regression run: every input once), then fuzzes it for a bounded time with its dictionary.
# Any crash, panic, timeout or out-of-memory fails the run and prints the reproducer's path.
# New inputs found here go to a scratch directory, never into the committed corpus.
#
#   FUZZ_SECONDS=30 scripts/fuzz_ci.sh            # all targets
#   FUZZ_SECONDS=600 scripts/fuzz_ci.sh command_sequence
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds=${FUZZ_SECONDS:-30}
export PATH="$HOME/.cargo/bin:$PATH"
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi

echo "== building fuzz targets (stable toolchain, no sanitizer)"
cargo fuzz build -s none

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=0
for target in "${targets[@]}"; do
  corpus="corpus/$target"
  mkdir -p "$corpus" "artifacts/$target" "$scratch/$target"
  flags=(-timeout=10 -rss_limit_mb=2048 "-artifact_prefix=artifacts/$target/")
  [ -f "dict/$target.dict" ] && flags+=("-dict=dict/$target.dict")
  echo "== $target: regression over $(ls "$corpus" | wc -l) committed inputs"
  if ! cargo fuzz run -s none "$target" "$corpus" -- "${flags[@]}" -runs=0 >"$scratch/$target.log" 2>&1; then
    tail -n 40 "$scratch/$target.log"
    echo "FAILED: $target regression; reproducer: $(ls -t artifacts/$target/* 2>/dev/null | head -1)"
    failed=1
    continue
  fi
  echo "== $target: fuzzing for ${seconds}s"
  if ! cargo fuzz run -s none "$target" "$scratch/$target" "$corpus" -- "${flags[@]}" \
      -max_total_time="$seconds" >"$scratch/$target.log" 2>&1; then
    tail -n 40 "$scratch/$target.log"
    echo "FAILED: $target; reproducer: $(ls -t artifacts/$target/* 2>/dev/null | head -1)"
    echo "  replay: cd fuzz && cargo fuzz run -s none $target <that file>"
    failed=1
    continue
  fi
  grep -E '^Done|DONE' "$scratch/$target.log" | tail -1
done
exit $failed
