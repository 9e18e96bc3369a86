"""Differential tests of the sorted-set commands: the same commands go to ferrite and to a real
redis-server, and the raw reply bytes must be identical (the machinery, step types and rules are
those of test_differential.py).

Three kinds of sequences:

* hand-written ones over every command, option and error, run over RESP2 and RESP3;
* seeded random workloads (small and large sets, so both encodings, every command whose reply
  is deterministic), compared step by step; a failure names the seed;
* set inputs of ZUNION/ZINTER/ZDIFF (SADD is built by another family: skipped while ferrite
  does not answer SADD).

It also keeps the Rust unit-test vectors honest: engine/src/cmd/t_zset/vectors.rs lists
commands with the reply bytes and counter moves recorded from redis-server, and
test_rust_vectors_match_redis replays each line on a live redis-server and checks the record.
Run this file as a script to re-record the vectors (after adding lines):

    python3 tests/py/test_differential_zset.py --record PORT   # a redis-server 7.0 on PORT

Not compared byte for byte: ZRANDMEMBER picks (random on both servers: only the shape and
membership are checked, see test_zrandmember_shape) and ZSCAN cursors of large sets (Redis's
walk its hash table, ferrite's name a score: compared as the union of what a full iteration
returns, like SCAN in test_differential.py).
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from rust_literals import rust_escape as _rust_escape, rust_unescape as _rust_unescape
from resp_util import Error, RespConn, parse
from test_differential import C, X, Step, compare, run_sequence

I64_MAX = "9223372036854775807"
LONG = "L" * 65  # too long for a listpack: forces the skiplist encoding


def ZSCANALL(key, *args):
    """Walks ZSCAN to cursor 0 and compares the set of (member, score) pairs returned."""
    return Step((key,) + args, "zscan")


def _zscan_union(conn: RespConn, key, args):
    pairs = set()
    cursor = b"0"
    for _ in range(10_000):
        raw = conn.call_raw("ZSCAN", key, cursor, *args)
        reply = parse(raw)
        if isinstance(reply, Error):
            return raw
        cursor, batch = reply
        pairs.update(zip(batch[0::2], batch[1::2]))
        if cursor == b"0":
            return ("pairs", tuple(sorted(pairs)))
    return ("ZSCAN did not terminate", tuple(sorted(pairs)))


def run_zset_sequence(port, steps):
    """run_sequence, plus the ZSCANALL step."""
    plain = [s for s in steps if s.mode != "zscan"]
    if len(plain) == len(steps):
        return run_sequence(port, steps)
    out = []
    with RespConn(port) as conn:
        for step in steps:
            if step.mode == "zscan":
                out.append(_zscan_union(conn, step.args[0], step.args[1:]))
            elif step.mode == "skip":
                conn.call_raw(*step.args)
                out.append("(not compared)")
            else:
                out.append(conn.call_raw(*step.args))
    return out


def _label(step: Step) -> str:
    if step.mode == "zscan":
        return "[zscan union] ZSCAN " + " ".join(map(str, step.args))
    return step.label()


def compare_zset(seq_id, steps, ferrite, redis_server):
    if any(s.mode == "zscan" for s in steps):
        ours = run_zset_sequence(ferrite.port, steps)
        theirs = run_zset_sequence(redis_server.port, steps)
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert a == b, f"{seq_id}: step {i} {_label(steps[i])}:\n ferrite: {a!r}\n redis:   {b!r}"
        assert len(ours) == len(theirs)
    else:
        compare(seq_id, steps, ferrite.port, redis_server.port)


def zadd_many(key, n, modulo, prefix="m"):
    args = ["ZADD", key]
    for i in range(n):
        args += [str(i % modulo), f"{prefix}{i:04d}"]
    return C(*args)


SEQUENCES = {
    "zadd-flags": [
        C("ZADD", "z", "1", "a", "2", "b"), C("ZADD", "z", "XX", "NX", "1", "a"),
        C("ZADD", "z", "GT", "LT", "1", "a"), C("ZADD", "z", "NX", "GT", "1", "a"),
        C("ZADD", "z", "INCR", "1", "a", "2", "b"), C("ZADD", "z", "1", "a", "2"),
        C("ZADD", "z", "CH", "XX"), C("ZADD", "z", "abc", "a"), C("ZADD", "z", "1e400", "a"),
        C("ZADD", "z", "0x1p-2", "hex"), C("ZADD", "z", "-0", "negz"), C("ZSCORE", "z", "negz"),
        C("ZADD", "z", "INCR", "inf", "a"), C("ZADD", "z", "INCR", "-inf", "a"),
        C("ZADD", "z", "GT", "CH", "0", "a", "5", "b", "7", "c"), C("ZADD", "z", "LT", "INCR", "1", "c"),
        C("ZADD", "z", "NX", "INCR", "1", "c"), C("ZADD", "z", "XX", "INCR", "1", "new"),
        C("ZRANGE", "z", "0", "-1", "WITHSCORES"), C("ZINCRBY", "z", "1.5", "b"), C("ZINCRBY", "z", "nx", "b"),
        C("SET", "s", "v"), C("ZADD", "s", "1", "a"), C("ZINCRBY", "s", "1", "a"),
        C("OBJECT", "ENCODING", "z"),
    ],
    "ranges": [
        C("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"),
        C("ZRANGE", "z", "0", "-1", "WITHSCORES"), C("ZRANGE", "z", "(1", "3", "BYSCORE"),
        C("ZRANGE", "z", "3", "(1", "BYSCORE", "REV", "LIMIT", "0", "1", "WITHSCORES"),
        C("ZRANGE", "z", "[a", "(c", "BYLEX"), C("ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"),
        C("ZRANGE", "z", "0", "-1", "BYLEX", "WITHSCORES"), C("ZRANGE", "z", "a", "b", "BYSCORE"),
        C("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "2", "WITHSCORES"),
        C("ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "1", "-1"), C("ZRANGEBYLEX", "z", "-", "+"),
        C("ZREVRANGEBYLEX", "z", "+", "-", "LIMIT", "1", "2"), C("ZREVRANGE", "z", "0", "1", "WITHSCORES"),
        C("ZCOUNT", "z", "(1", "5"), C("ZLEXCOUNT", "z", "[b", "+"), C("ZRANK", "z", "c"),
        C("ZREVRANK", "z", "c"), C("ZMSCORE", "z", "a", "nope"), C("ZRANGESTORE", "d", "z", "1", "-2"),
        C("ZRANGE", "d", "0", "-1", "WITHSCORES"), C("ZREMRANGEBYRANK", "z", "0", "0"),
        C("ZREMRANGEBYSCORE", "z", "(4", "+inf"), C("ZREMRANGEBYLEX", "z", "-", "[c"), C("EXISTS", "z"),
    ],
    "pops": [
        C("ZADD", "z", "1", "a", "2", "b", "3", "c"), C("ZPOPMIN", "z"), C("ZPOPMAX", "z", "5"),
        C("EXISTS", "z"), C("ZPOPMIN", "z", "-1"), C("ZADD", "z", "1", "a", "2", "b"),
        C("ZMPOP", "2", "nokey", "z", "MAX", "COUNT", "1"), C("ZMPOP", "1", "nokey", "MIN"),
        C("ZMPOP", "0", "z", "MIN"), C("ZMPOP", "1", "z", "MIN", "COUNT", "0"),
    ],
    "setops": [
        C("ZADD", "z1", "1", "a", "2", "b", "3", "c"), C("ZADD", "z2", "10", "b", "20", "c", "30", "d"),
        C("ZUNION", "2", "z1", "z2", "WITHSCORES"), C("ZINTER", "2", "z1", "z2", "WEIGHTS", "2", "0.5", "WITHSCORES"),
        C("ZDIFF", "2", "z1", "z2", "WITHSCORES"), C("ZUNIONSTORE", "d", "2", "z1", "z2", "AGGREGATE", "MAX"),
        C("ZRANGE", "d", "0", "-1", "WITHSCORES"), C("ZINTERCARD", "2", "z1", "z2", "LIMIT", "1"),
        C("ZINTERSTORE", "d", "2", "z1", "nokey"), C("EXISTS", "d"), C("ZUNION", "0", "z1"),
        C("ZDIFF", "2", "z1", "z2", "WEIGHTS", "1", "1"), C("ZUNION", "1", "z1", "WEIGHTS", "nan"),
        C("ZINTERCARD", "1", "z1", "LIMIT", "-1"),
    ],
    "large": [
        zadd_many("z", 300, 7), C("OBJECT", "ENCODING", "z"), C("ZRANK", "z", "m0150"),
        C("ZRANGE", "z", "100", "110", "WITHSCORES"), C("ZRANGE", "z", "(3", "4", "BYSCORE", "LIMIT", "10", "5"),
        C("ZCOUNT", "z", "2", "(5"), C("ZPOPMIN", "z", "3"), C("ZREMRANGEBYRANK", "z", "50", "250"),
        C("ZCARD", "z"), C("ZRANGE", "z", "0", "-1", "WITHSCORES"), ZSCANALL("z", "COUNT", "7"),
        ZSCANALL("z", "MATCH", "m00*"), C("ZUNIONSTORE", "u", "1", "z"), C("OBJECT", "ENCODING", "u"),
        zadd_many("e", 200, 1), C("ZRANGEBYLEX", "e", "(m0100", "[m0110"), C("ZLEXCOUNT", "e", "-", "(m0050"),
        C("ZREMRANGEBYLEX", "e", "[m0190", "+"), C("ZCARD", "e"),
    ],
}


def _cases():
    for seq_id, steps in SEQUENCES.items():
        yield pytest.param(steps, id=f"resp2-{seq_id}")
        yield pytest.param([X("HELLO", "3")] + steps, id=f"resp3-{seq_id}")


@pytest.mark.parametrize("steps", list(_cases()))
def test_zset_same_replies(request, steps, ferrite, redis_server):
    compare_zset(request.node.callspec.id, steps, ferrite, redis_server)


# --------------------------------------------------------------------------- random workloads

SCORES = ["0", "-0", "1", "-1", "2.5", "1e-3", "inf", "-inf", "3", "7", "1e17", "abc", "0x10", " 1"]
BOUNDS = ["-inf", "+inf", "(1", "2.5", "(0", "0", "-1", "(inf", "3", "x", ""]
LEX = ["-", "+", "[a", "(b", "[m0010", "(m0100", "[", "a", "[z"]


def _random_steps(rng: random.Random, big: bool):
    """A seeded workload. Lexicographic commands only go where Redis's answer is defined:
    sets that stay listpacks (z1, z2 never receive a long member, so mixed scores scan the
    way a listpack does) and, for large sets, `e`, whose scores are all 0 (on a skiplist with
    mixed scores Redis's answer depends on its random node levels)."""
    keys = ["z1", "z2", "z3"]
    lex_keys = ["z1", "z2"] if not big else ["e"]
    members = [f"m{i:04d}" for i in range(300 if big else 12)] + ["a", "b"]
    steps = []
    if big:
        keys = ["z1", "z3"]
        steps.append(zadd_many("z1", 250, 5))
        steps.append(zadd_many("e", 150, 1))
    for _ in range(60):
        k = rng.choice(keys)
        # Only z3 takes long members (and store results, which may carry them).
        pool = members + [LONG] if k == "z3" else members
        m = lambda: rng.choice(pool)  # noqa: E731
        op = rng.randrange(23)
        if op < 5:
            flags = rng.sample(["NX", "XX", "GT", "LT", "CH", "INCR"], rng.randrange(3))
            pairs = []
            for _ in range(1 if "INCR" in flags else rng.randrange(1, 4)):
                pairs += [rng.choice(SCORES), m()]
            steps.append(C("ZADD", k, *flags, *pairs))
        elif op == 5:
            steps.append(C("ZINCRBY", k, rng.choice(SCORES), m()))
        elif op == 6:
            steps.append(C("ZREM", k, m(), m()))
        elif op == 7:
            steps.append(C(rng.choice(["ZSCORE", "ZRANK", "ZREVRANK"]), k, m()))
        elif op == 8:
            steps.append(C("ZMSCORE", k, m(), m(), m()))
        elif op == 9:
            a, b = str(rng.randrange(-20, 20)), str(rng.randrange(-20, 20))
            extra = rng.choice([[], ["WITHSCORES"], ["REV"], ["REV", "WITHSCORES"]])
            steps.append(C(rng.choice(["ZRANGE", "ZREVRANGE"]), k, a, b, *extra))
        elif op == 10:
            lo, hi = rng.choice(BOUNDS), rng.choice(BOUNDS)
            extra = rng.choice([[], ["WITHSCORES"], ["LIMIT", str(rng.randrange(-1, 5)), str(rng.randrange(-1, 5))]])
            steps.append(C(rng.choice(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"]), k, lo, hi, *extra))
        elif op == 11:
            lk = rng.choice(lex_keys)
            cmd = rng.choice(["ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZLEXCOUNT", "ZREMRANGEBYLEX"])
            extra = rng.choice([[], ["LIMIT", str(rng.randrange(-1, 4)), str(rng.randrange(-1, 4))]])
            extra = extra if cmd in ("ZRANGEBYLEX", "ZREVRANGEBYLEX") else []
            steps.append(C(cmd, lk, rng.choice(LEX), rng.choice(LEX), *extra))
        elif op == 12:
            steps.append(C("ZCOUNT", k, rng.choice(BOUNDS), rng.choice(BOUNDS)))
        elif op == 13:
            steps.append(C(rng.choice(["ZPOPMIN", "ZPOPMAX"]), k, *rng.choice([[], ["2"], ["0"]])))
        elif op == 14:
            steps.append(C("ZMPOP", "2", k, rng.choice(keys), rng.choice(["MIN", "MAX"]), "COUNT", str(rng.randrange(1, 4))))
        elif op == 15:
            a, b = str(rng.randrange(-10, 10)), str(rng.randrange(-10, 10))
            steps.append(C("ZREMRANGEBYRANK", k, a, b))
        elif op == 16:
            steps.append(C("ZREMRANGEBYSCORE", k, rng.choice(BOUNDS), rng.choice(BOUNDS)))
        elif op == 17:
            cmd = rng.choice(["ZUNION", "ZINTER", "ZDIFF"])
            extra = [] if cmd == "ZDIFF" else rng.choice([[], ["AGGREGATE", rng.choice(["MIN", "MAX", "SUM"])], ["WEIGHTS", "2", "-1"]])
            steps.append(C(cmd, "2", k, rng.choice(keys), *extra, "WITHSCORES"))
        elif op == 18:
            cmd = rng.choice(["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"])
            steps.append(C(cmd, "z3", "2", k, rng.choice(keys)))
        elif op == 19:
            steps.append(C("ZRANGESTORE", "z3", k, rng.choice(BOUNDS), rng.choice(BOUNDS), "BYSCORE"))
        elif op == 20:
            steps.append(C("ZINTERCARD", "2", k, rng.choice(keys)))
        elif op == 21 and big:
            steps.append(C("ZADD", "e", "0", m()))
        else:
            steps.append(C(rng.choice(["ZCARD", "EXISTS", "TYPE"]), k))
            steps.append(C("OBJECT", "ENCODING", k))
    for k in keys + lex_keys:
        steps.append(C("ZRANGE", k, "0", "-1", "WITHSCORES"))
        steps.append(ZSCANALL(k, "COUNT", "5"))
    return steps


@pytest.mark.parametrize("seed", range(150))
def test_zset_random_small(seed, ferrite, redis_server):
    steps = _random_steps(random.Random(seed), big=False)
    compare_zset(f"random-small-seed-{seed}", steps, ferrite, redis_server)
    ferrite.flush()
    redis_server.flush()
    compare_zset(f"random-small-resp3-seed-{seed}", [X("HELLO", "3")] + steps, ferrite, redis_server)


@pytest.mark.parametrize("seed", range(50))
def test_zset_random_large(seed, ferrite, redis_server):
    steps = _random_steps(random.Random(1000 + seed), big=True)
    compare_zset(f"random-large-seed-{seed}", steps, ferrite, redis_server)


# --------------------------------------------------------------------------- set inputs


def _sadd_supported(server) -> bool:
    with RespConn(server.port) as conn:
        return not conn.call_raw("SADD", "probe-set", "x").startswith(b"-")


def test_zset_ops_with_set_inputs(ferrite, redis_server):
    if not _sadd_supported(ferrite):
        pytest.skip("SADD is not implemented in this build (the set family is built separately)")
    steps = [
        C("ZADD", "z", "1", "a", "2", "b", "3", "c"), C("SADD", "s", "a", "d", "x"), C("SADD", "i", "1", "2", "3"),
        C("ZUNION", "2", "z", "s", "WITHSCORES"), C("ZINTER", "2", "s", "z", "WITHSCORES"),
        C("ZDIFF", "2", "s", "z", "WITHSCORES"), C("ZUNION", "3", "z", "s", "i", "WEIGHTS", "1", "2", "3", "WITHSCORES"),
        C("ZINTERCARD", "2", "z", "s"), C("ZUNIONSTORE", "d", "2", "s", "i"), C("ZRANGE", "d", "0", "-1", "WITHSCORES"),
        C("ZINTERSTORE", "d", "1", "i"), C("OBJECT", "ENCODING", "d"),
    ]
    compare_zset("set-inputs", steps, ferrite, redis_server)


# --------------------------------------------------------------------------- random picks


def test_zrandmember_shape(ferrite, redis_server):
    """ZRANDMEMBER's picks differ; its reply shapes and membership must not."""
    for server in (ferrite, redis_server):
        with RespConn(server.port) as conn:
            conn.call_raw("ZADD", "z", "1", "a", "2", "b", "3", "c")
            for args in (("2",), ("-5",), ("2", "WITHSCORES"), ("-4", "WITHSCORES")):
                reply = parse(conn.call_raw("ZRANDMEMBER", "z", *args))
                n = abs(int(args[0])) * (2 if len(args) == 2 else 1)
                assert len(reply) == n, (server.name, args, reply)
                members = reply[0::2] if len(args) == 2 else reply
                assert set(members) <= {b"a", b"b", b"c"}
            assert conn.call_raw("ZRANDMEMBER", "z", "5") == b"*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"


# --------------------------------------------------------------------------- Rust vectors

VECTORS = Path(__file__).resolve().parents[2] / "engine/src/cmd/t_zset/vectors.rs"
_CASE = re.compile(r'^(\s*)\(&\[(.*)\], ("(?:[^"\\]|\\.)*"), (\d+), (\d+), (\d+)\),$')
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _fill_args(key, n, modulo):
    args = ["ZADD", key]
    for i in range(int(n)):
        args += [str(i % int(modulo)), f"m{i:04d}"]
    return args


# Database the replay uses (flushed before each test function): 14, so that a shared
# reference server keeps its other databases. The counters are server-wide, so record
# against a server nobody else is using.
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
        indent, args_text, reply_text = m.group(1), m.group(2), m.group(3)
        args = [_rust_unescape(a) for a in _STRING.findall(args_text)]
        if args == [b"hello", b"3"]:
            conn.call_raw("HELLO", "3")
            continue
        if args[0] == b"!fill":
            command = _fill_args(*[a.decode() for a in args[1:]])
        else:
            command = args
        before = counters.read()
        reply = conn.call_raw(*command)
        after = counters.read()
        moved = tuple(a - b for a, b in zip(after, before))
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
    assert sum(1 for l in lines if _CASE.match(l)) > 500
    shown = "\n".join(f"line {i + 1}:\n  recorded: {old.strip()}\n  redis:    {new.strip()}" for i, old, new in changed[:20])
    assert not changed, f"{len(changed)} vectors differ from redis-server:\n{shown}"


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "--record":
        sys.exit("usage: test_differential_zset.py --record PORT  (a redis-server 7.0 on PORT)")
    lines, changed = replay_vectors(int(sys.argv[2]))
    for i, _, new in changed:
        lines[i] = new
    VECTORS.write_text("\n".join(lines))
    print(f"re-recorded {len(changed)} vectors in {VECTORS}")
