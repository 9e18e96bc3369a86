"""Differential fuzzing of ferrite against a real redis-server.

    python3 tests/difffuzz --seed 1 --count 1000           # stop at the first divergence
    python3 tests/difffuzz --seed 1 --count 20000 --keep-going
    python3 tests/difffuzz --seed 42 --count 1             # replay one sequence

Starts its own redis-server and ferrite on free ports (ferrite: --ferrite-bin, else $FERRITE_BIN,
else the newer of target/release/ferrite and target/debug/ferrite), unless --redis-port and
--ferrite-port point at running servers (which are FLUSHALLed). Exit status 1 if any divergence
was found. See docs/COMPATIBILITY.md for what was found so far.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "py"))

import driver  # noqa: E402
import fuzz  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(prog="difffuzz", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=None, help="first seed (default: random, printed)")
    ap.add_argument("--count", type=int, default=100, help="number of sequences (seeds seed..seed+count-1)")
    ap.add_argument("--length", type=int, default=None, help="units per sequence (default: 5..40 by seed)")
    ap.add_argument("--keep-going", action="store_true", help="continue after a divergence; one report per command")
    ap.add_argument("--no-shrink", action="store_true")
    ap.add_argument("--budget", type=int, default=1500, help="runs allowed for shrinking one divergence")
    ap.add_argument("--ignore", default="", help="comma-separated signatures (command names) to skip")
    ap.add_argument("--strict", action="store_true", help="also report the known divergences (driver.KNOWN)")
    ap.add_argument("--ferrite-bin", default=None)
    ap.add_argument("--ferrite-port", type=int, default=None)
    ap.add_argument("--redis-port", type=int, default=None)
    args = ap.parse_args()

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 31)
    print(f"[difffuzz] seeds {seed}..{seed + args.count - 1}", flush=True)

    started = []
    if args.ferrite_bin:
        os.environ["FERRITE_BIN"] = args.ferrite_bin
    if os.environ.get("FERRITE_BIN"):
        # The servers run in their own work directories.
        os.environ["FERRITE_BIN"] = os.path.abspath(os.environ["FERRITE_BIN"])
    import conftest  # the test suite's server launcher

    if args.redis_port:
        redis = fuzz.Endpoint("redis-server", args.redis_port)
    else:
        srv = conftest.Server("difffuzz-redis", "redis", conftest.redis_argv(None)).start()
        started.append(srv)
        redis = fuzz.Endpoint("redis-server", srv.port, srv)
    if args.ferrite_port:
        ferrite = fuzz.Endpoint("ferrite", args.ferrite_port)
    else:
        binary = conftest.find_ferrite_bin()
        srv = conftest.Server("difffuzz-ferrite", "ferrite", conftest.ferrite_argv(binary, None)).start()
        started.append(srv)
        ferrite = fuzz.Endpoint("ferrite", srv.port, srv)
        print(f"[difffuzz] ferrite binary {binary}", flush=True)

    t0 = time.monotonic()
    try:
        known = {s for s in args.ignore.split(",") if s} | (set() if args.strict else driver.KNOWN)
        findings, ran, cmds = driver.run_seeds(
            ferrite, redis, range(seed, seed + args.count), args.length, not args.no_shrink,
            args.keep_going, args.budget, log=lambda s: print(s, flush=True), known=known)
    finally:
        for srv in started:
            srv.stop()
    dt = time.monotonic() - t0
    print(f"[difffuzz] {ran} sequences, {cmds} commands in {dt:.1f} s; {len(findings)} divergences"
          + (f": {', '.join(sorted({f.signature for f in findings}))}" if findings else ""), flush=True)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
