"""Differential tests of SORT and SORT_RO: the same commands go to ferrite and to a real
redis-server, and the raw reply bytes must be identical (the machinery, step types and rules are
those of test_differential.py).

* hand-written sequences over the options, patterns and errors, over RESP2 and RESP3;
* seeded random workloads on lists (whose order both servers agree on), with weights that tie
  often, so the order Redis's stable sort and its partial quicksort (BY with LIMIT) leave equal
  elements in is compared too; a failure names the seed;
* the byte order of ALPHA (binary bytes, NULs) that the Rust vectors cannot carry.

It also keeps the Rust unit-test vectors honest: engine/src/cmd/sort/vectors.rs lists commands
with the reply bytes and counter moves recorded from redis-server, and
test_rust_vectors_match_redis replays each line on a live redis-server and checks the record.
Run this file as a script to re-record the vectors (after adding lines):

    python3 tests/py/test_differential_sort.py --record PORT   # a redis-server 7.0 on PORT

Not compared: the order of a set's members under `BY nosort` without STORE (each server's own
iteration order) and ties between members of sets and sorted sets (they enter the sort in each
server's iteration order). A numeric parse that fails with ERANGE leaves errno set in Redis,
which can fail later SORTs on the same server thread: such values only appear last in a
sequence, and only in the vectors (one test each).
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from resp_util import RespConn
from test_differential import C, X, compare
from test_differential_zset import _CASE, _STRING, _rust_escape, _rust_unescape

SEQUENCES = {
    "options": [
        C("RPUSH", "l", "3", "1", "2", "10", "-5", "1.5"), C("SORT", "l"), C("SORT", "l", "DESC"),
        C("SORT", "l", "ALPHA"), C("SORT", "l", "LIMIT", "1", "2"), C("SORT", "l", "LIMIT", "1"),
        C("SORT", "l", "LIMIT", "x", "1"), C("SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"),
        C("SORT_RO", "l", "STORE", "d"), C("SORT", "l", "STORE", "d"), C("LRANGE", "d", "0", "-1"),
        C("SET", "s", "x"), C("SORT", "s"), C("SORT", "missing"), C("SORT", "missing", "STORE", "d"),
        C("EXISTS", "d"),
    ],
    "patterns": [
        C("RPUSH", "l", "1", "2", "3"), C("MSET", "w_1", "30", "w_2", "10", "w_3", "20", "o_1", "one"),
        C("HSET", "h_1", "f", "3", "g", "x"), C("HSET", "h_2", "f", "1"), C("SORT", "l", "BY", "w_*"),
        C("SORT", "l", "BY", "w_*", "GET", "o_*", "GET", "#", "GET", "h_*->g"),
        C("SORT", "l", "BY", "h_*->f", "DESC"), C("SORT", "l", "BY", "h_*->g", "ALPHA"),
        C("SORT", "l", "BY", "w_*", "GET", "o_*", "STORE", "d"), C("LRANGE", "d", "0", "-1"),
        C("SORT", "l", "BY", "nokey", "GET", "#", "GET", "nokey_*"),
    ],
    "sets-and-zsets": [
        C("SADD", "s", "5", "3", "9", "1"), C("SORT", "s"), C("SORT", "s", "BY", "nosort"),
        C("SORT", "s", "BY", "nosort", "STORE", "d"), C("LRANGE", "d", "0", "-1"),
        C("SADD", "t", "b", "a", "c"), C("SORT", "t", "ALPHA"), C("SORT", "t"),
        C("SORT", "t", "BY", "nosort", "DESC", "STORE", "d"), C("LRANGE", "d", "0", "-1"),
        C("ZADD", "z", "1", "c", "2", "b", "3", "a"), C("SORT", "z", "ALPHA"), C("SORT", "z", "BY", "nosort"),
        C("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "1"), C("SORT", "z"),
    ],
    # Found by tests/difffuzz (docs/COMPATIBILITY.md): SORT and SORT_RO convert the sorted set
    # they sort to a skiplist for good, even when the sort fails.
    "zset-encoding-after-sort": [
        C("ZADD", "z", 1, "a", 2, "b"), C("OBJECT", "ENCODING", "z"), C("SORT_RO", "z", "ALPHA"),
        C("OBJECT", "ENCODING", "z"), C("ZADD", "y", 0, "x"), C("SORT", "y"), C("OBJECT", "ENCODING", "y"),
        C("ZADD", "w", 0, "1"), C("SORT", "w", "BY", "nosort", "STORE", "d"), C("OBJECT", "ENCODING", "w"),
        C("ZADD", "v", 0, "1"), C("SORT", "v", "LIMIT"), C("OBJECT", "ENCODING", "v"),
        C("ZADD", "-0", "-0", "m"), C("ZSCORE", "-0", "m"), C("SORT", "-0"), C("ZSCORE", "-0", "m"),
    ],
    "bytes": [
        C("RPUSH", "l", b"\xc3\xa9", "f", "E", "e", b"\x80", b"\xff", "a_b", "aB", b"a\x00b", b"a\x00a", "a"),
        C("SORT", "l", "ALPHA"), C("SORT", "l", "ALPHA", "DESC"), C("SORT", "l", "ALPHA", "STORE", "d"),
        C("LRANGE", "d", "0", "-1"), C("MSET", b"w_\xff", b"\xfe", "w_f", b"\x7f", b"w_a\x00b", "b"),
        C("SORT", "l", "BY", "w_*", "ALPHA"), C("SORT", "l", "BY", "w_*", "ALPHA", "LIMIT", "1", "3"),
        C("SORT", "l", "BY", "w_*", "ALPHA", "STORE", "d"), C("LRANGE", "d", "0", "-1"),
    ],
    # maxmemory and its policies (this file also owns eviction): configuration, the LFU
    # counter as OBJECT FREQ shows it, and the OOM refusal under noeviction. Each sequence
    # restores the defaults at its end.
    "eviction-config": [
        C("CONFIG", "GET", "maxmemory"), C("CONFIG", "GET", "maxmemory-policy"),
        C("CONFIG", "GET", "maxmemory-samples"), C("CONFIG", "GET", "lfu-log-factor"),
        C("CONFIG", "GET", "lfu-decay-time"), C("CONFIG", "SET", "maxmemory", "1.5gb"),
        C("CONFIG", "SET", "maxmemory", "-1"), C("CONFIG", "SET", "maxmemory-policy", "lru"),
        C("CONFIG", "SET", "maxmemory-samples", "0"), C("CONFIG", "SET", "lfu-log-factor", "-1"),
        C("CONFIG", "SET", "lfu-decay-time", "x"), C("CONFIG", "SET", "maxmemory", "3gb"),
        C("CONFIG", "GET", "maxmemory"), C("SET", "k", "v"), C("OBJECT", "FREQ", "k"),
        C("CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LFU"), C("CONFIG", "GET", "maxmemory-policy"),
        C("SET", "k2", "v"), C("OBJECT", "FREQ", "k2"), C("GET", "k2"), C("OBJECT", "FREQ", "k2"),
        C("OBJECT", "IDLETIME", "k2"), C("OBJECT", "FREQ", "nokey"), C("OBJECT", "IDLETIME", "nokey"),
        C("CONFIG", "SET", "maxmemory-policy", "volatile-ttl"), C("OBJECT", "FREQ", "k2"),
        C("CONFIG", "SET", "maxmemory", "0", "maxmemory-policy", "noeviction"),
    ],
    "oom-noeviction": [
        C("SET", "a", "1"), C("CONFIG", "SET", "maxmemory", "1"), C("SET", "k", "v"),
        C("RPUSH", "l", "x"), C("SORT", "a", "STORE", "d"), C("SORT_RO", "nokey"), C("GET", "a"),
        C("MULTI"), C("GET", "a"), C("EXEC"), C("MULTI"), C("DISCARD"), C("DEL", "a"),
        C("INFO", "nosuchsection"), C("CONFIG", "SET", "maxmemory", "0"), C("SET", "k", "v"),
    ],
}


def _cases():
    for seq_id, steps in SEQUENCES.items():
        yield pytest.param(steps, id=f"resp2-{seq_id}")
        yield pytest.param([X("HELLO", "3")] + steps, id=f"resp3-{seq_id}")


@pytest.mark.parametrize("steps", list(_cases()))
def test_sort_same_replies(request, steps, ferrite, redis_server):
    compare(request.node.callspec.id, steps, ferrite.port, redis_server.port)


# --------------------------------------------------------------------------- random workloads

WEIGHTS = ["0", "1", "2", "-1", "1.5", "a", "b", "", "10", "abc", "0x10", " 3", "-0", "inf"]


def _random_steps(rng: random.Random, n: int):
    """A list of `n` elements drawn from a small pool (many duplicates), weights w_<elem> and
    hash fields h_<elem>->f drawn from a small pool (many ties, some non-numbers), then SORTs
    with random options. Lists only: both servers feed the sort the same order."""
    pool = [str(i) for i in range(12)] + ["a", "b", "c", "x1", "-2", "1.5"]
    elems = [rng.choice(pool) for _ in range(n)]
    steps = [C("RPUSH", "l", *elems)]
    for e in pool:
        if rng.random() < 0.7:
            steps.append(C("SET", f"w_{e}", rng.choice(WEIGHTS)))
        if rng.random() < 0.5:
            steps.append(C("HSET", f"h_{e}", "f", rng.choice(WEIGHTS)))
    for _ in range(40):
        args = ["SORT", "l"]
        opts = []
        r = rng.random()
        if r < 0.4:
            opts += ["BY", "w_*"]
        elif r < 0.6:
            opts += ["BY", "h_*->f"]
        elif r < 0.7:
            opts += ["BY", "nosort"]
        elif r < 0.8:
            opts += ["BY", "nokey_*"]
        if rng.random() < 0.6:
            opts += ["LIMIT", str(rng.randrange(-2, n + 3)), str(rng.randrange(-2, 12))]
        if rng.random() < 0.5:
            opts.append("ALPHA")
        if rng.random() < 0.4:
            opts.append(rng.choice(["ASC", "DESC"]))
        for _ in range(rng.randrange(3)):
            opts += ["GET", rng.choice(["#", "w_*", "h_*->f", "nokey_*", "nostar"])]
        if rng.random() < 0.2:
            opts += ["STORE", "dst"]
        steps.append(C(*args, *opts))
        if "STORE" in opts:
            steps.append(C("LRANGE", "dst", "0", "-1"))
    return steps


@pytest.mark.parametrize("seed", range(200))
def test_sort_random_lists(seed, ferrite, redis_server):
    rng = random.Random(seed)
    n = rng.choice([3, 6, 7, 8, 20, 41, 45, 120, 400])
    steps = _random_steps(rng, n)
    compare(f"random-seed-{seed}", steps, ferrite.port, redis_server.port)


# --------------------------------------------------------------------------- Rust vectors

VECTORS = Path(__file__).resolve().parents[2] / "engine/src/cmd/sort/vectors.rs"
# Database the replay uses (flushed before each test function), so that a shared reference
# server keeps its other databases. The counters are server-wide: record against a server
# nobody else is using.
DB = 14


class _Counters:
    def __init__(self, port):
        self.conn = RespConn(port)
        self.conn.call_raw("SELECT", str(DB))

    def read(self):
        text = self.conn.call_raw("INFO", "persistence").decode() + self.conn.call_raw("INFO", "stats").decode()
        fields = dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line)
        return tuple(int(fields[k]) for k in ("rdb_changes_since_last_save", "keyspace_hits", "keyspace_misses"))


def replay_vectors(port):
    """Replays vectors.rs on the redis-server at `port`; returns (lines, [(index, old, new)])."""
    lines = VECTORS.read_text().split("\n")
    counters = _Counters(port)
    conn = None
    changed = []
    for i, line in enumerate(lines):
        if line.startswith("fn "):
            counters.conn.call_raw("FLUSHDB")
            if conn:
                conn.close()
            conn = RespConn(port)
            conn.call_raw("SELECT", str(DB))
            continue
        m = _CASE.match(line)
        if not m:
            continue
        indent, args_text = m.group(1), m.group(2)
        args = [_rust_unescape(a) for a in _STRING.findall(args_text)]
        before = counters.read()
        reply = conn.call_raw(*args)
        after = counters.read()
        moved = tuple(a - b for a, b in zip(after, before))
        if args == [b"hello", b"3"]:
            reply = b"*"
        new = f"{indent}(&[{args_text}], {_rust_escape(reply)}, {moved[0]}, {moved[1]}, {moved[2]}),"
        if new != line:
            changed.append((i, line, new))
    if conn:
        conn.close()
    counters.conn.call_raw("FLUSHDB")
    counters.conn.close()
    return lines, changed


def test_rust_vectors_match_redis(redis_server):
    lines, changed = replay_vectors(redis_server.port)
    assert sum(1 for line in lines if _CASE.match(line)) > 300
    shown = "\n".join(f"line {i + 1}:\n  recorded: {old.strip()}\n  redis:    {new.strip()}" for i, old, new in changed[:20])
    assert not changed, f"{len(changed)} vectors differ from redis-server:\n{shown}"


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "--record":
        sys.exit("usage: test_differential_sort.py --record PORT  (a redis-server 7.0 on PORT)")
    lines, changed = replay_vectors(int(sys.argv[2]))
    for i, _, new in changed:
        lines[i] = new
    VECTORS.write_text("\n".join(lines))
    print(f"re-recorded {len(changed)} vectors in {VECTORS}")
