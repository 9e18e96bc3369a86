"""Differential fuzzing in CI: generated command sequences (tests/difffuzz) run on ferrite and on
a real redis-server, replies compared after normalising what Redis leaves unspecified.

Fixed seeds keep CI reproducible; a batch of fresh random seeds adds new coverage on every run
and prints its seeds. A divergence fails the test with a shrunk reproducer (redis-cli lines and
both replies) and the command that replays it. Divergences kept on purpose (difffuzz's
driver.KNOWN, docs/COMPATIBILITY.md) do not fail.

Long runs: `python3 tests/difffuzz --seed N --count 20000 --keep-going`.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "difffuzz"))

import driver  # noqa: E402
import fuzz  # noqa: E402

CHUNK = 250
FIXED_CHUNKS = 8  # seeds 1 .. 2000
RANDOM_SEEDS = 200
SHRINK_BUDGET = 400  # runs; keeps a failing test within the per-test time limit


def _check(ferrite, redis_server, seeds, what):
    ours = fuzz.Endpoint("ferrite", ferrite.port, ferrite)
    theirs = fuzz.Endpoint("redis-server", redis_server.port)
    findings, ran, _ = driver.run_seeds(ours, theirs, seeds, budget=SHRINK_BUDGET)
    assert ran == len(seeds)
    if findings:
        pytest.fail(f"{what}: ferrite and redis-server disagree\n" + findings[0].report(), pytrace=False)


@pytest.mark.parametrize("first", [1 + i * CHUNK for i in range(FIXED_CHUNKS)], ids=lambda s: f"seeds-{s}")
def test_fixed_seeds(first, ferrite, redis_server):
    _check(ferrite, redis_server, range(first, first + CHUNK), f"seeds {first}..{first + CHUNK - 1}")


def test_random_seeds(ferrite, redis_server):
    first = random.SystemRandom().randrange(1_000_000, 1 << 31)
    print(f"difffuzz random seeds {first}..{first + RANDOM_SEEDS - 1}")
    _check(ferrite, redis_server, range(first, first + RANDOM_SEEDS),
           f"random seeds {first}..{first + RANDOM_SEEDS - 1}")


def test_harness_sees_a_divergence(redis_server, request):
    """The harness is not blind: a redis-server whose sorted sets convert to skiplists after 2
    members must be caught by OBJECT ENCODING, and shrunk to a handful of commands."""
    import conftest

    def argv(port, workdir):
        return conftest.redis_argv(None)(port, workdir) + ["--zset-max-listpack-entries", "2"]

    other = conftest.Server("difffuzz-planted", "redis", argv).start()
    request.addfinalizer(other.stop)
    ours = fuzz.Endpoint("planted", other.port)
    theirs = fuzz.Endpoint("redis-server", redis_server.port)
    cmds = [(b"ZADD", b"z", b"1", b"a", b"2", b"b", b"3", b"c"), (b"GET", b"x"), (b"OBJECT", b"ENCODING", b"z")]
    outcome = fuzz.run(ours, theirs, 2, cmds)
    assert outcome.first_diff == 2 and outcome.signature == "OBJECT"
    import shrink

    s = shrink.Shrinker(ours, theirs, "OBJECT", budget=200)
    proto, units = s.shrink(2, [[c] for c in cmds])
    flat = fuzz.flatten(units)
    assert len(flat) == 2 and flat[-1] == (b"OBJECT", b"ENCODING", b"z"), flat
    assert flat[0][:2] == (b"ZADD", b"z") and len(flat[0]) == 8, flat  # three members, simplest names
    assert driver.cli_line((b"SET", b"a b", b"\x00\"")) == 'SET "a b" "\\x00\\""'
