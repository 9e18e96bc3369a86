"""Differential tests of the bitmap and HyperLogLog commands: the same commands go to ferrite and
to a real redis-server, and the raw reply bytes must be identical (the machinery, step types and
rules are those of test_differential.py).

* hand-written sequences over every command, option and error, run over RESP2 and RESP3;
* seeded random bitmap workloads (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and
  BITFIELD_RO with edge-case arguments over binary, integer-encoded and missing strings);
* HyperLogLog workloads: growth through the sparse encoding into dense (GET returns the same
  bytes, PFCOUNT the same numbers at every step), merges of sparse and dense HLLs, crafted dense
  register patterns for the estimator, and corrupt HLL strings;
* the counters: INFO's rdb_changes_since_last_save (Redis's `dirty`), keyspace_hits and
  keyspace_misses must move by the same amounts on both servers for every command.

It also keeps the Rust unit-test vectors honest: engine/src/cmd/t_bitmap/vectors.rs and
engine/src/cmd/t_hll/vectors.rs list commands with the reply bytes and counter moves recorded
from redis-server; test_rust_vectors_match_redis replays each line on a live redis-server and
checks the record. Run this file as a script to re-record them (after adding lines):

    python3 tests/py/test_differential_bits.py --record PORT   # a redis-server 7.0 on PORT

Nothing here is excluded from byte comparison.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from rust_literals import rust_escape, rust_unescape as _rust_unescape
from resp_util import RespConn
from test_differential import C, X, compare

I64_MAX = "9223372036854775807"
I64_MIN = "-9223372036854775808"

# --------------------------------------------------------------------------- helpers shared with the vectors


def fnv1a64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def pfadd_args(key, n, prefix):
    return ["PFADD", key] + [f"{prefix}{i}" for i in range(int(n))]


def dense_hll(a, b, c, m) -> bytes:
    """A dense HLL (stale cached count) whose register i is (i*i*a + i*b + c) % m."""
    a, b, c, m = int(a), int(b), int(c), int(m)
    registers = bytearray(12288)
    for i in range(16384):
        value = (i * i * a + i * b + c) % m
        byte, shift = divmod(i * 6, 8)
        registers[byte] |= (value << shift) & 0xFF
        if shift > 2:
            registers[byte + 1] |= value >> (8 - shift)
    return b"HYLL\x00\x00\x00\x00" + b"\x00" * 7 + b"\x80" + bytes(registers)


def expand(args):
    """The real command of a vector line (`!pfadd`, `!dense` are shorthands)."""
    if args[0] == b"!pfadd":
        return pfadd_args(args[1], args[2].decode(), args[3].decode())
    if args[0] == b"!dense":
        return ["SET", args[1], dense_hll(*[a.decode() for a in args[2:6]])]
    return args


LONG_REPLY = 200  # longer replies are recorded as a digest


def recorded_reply(reply: bytes) -> bytes:
    if len(reply) > LONG_REPLY:
        return b"#fnv:%d:%016x" % (len(reply), fnv1a64(reply))
    return reply


# --------------------------------------------------------------------------- hand-written sequences

SEQUENCES = {
    "setbit-getbit": [
        C("SETBIT", "b", "7", "1"), C("GETBIT", "b", "7"), C("GET", "b"), C("SETBIT", "b", "7", "0"),
        C("SETBIT", "b", "100", "1"), C("STRLEN", "b"), C("GETBIT", "b", "100"), C("GETBIT", "b", "4294967295"),
        C("SETBIT", "b", "4294967296", "1"), C("SETBIT", "b", "-1", "1"), C("SETBIT", "b", "1", "2"),
        C("SETBIT", "b", "#1", "1"), C("GETBIT", "b", "x"), C("GETBIT", "missing", "3"), C("SET", "i", "12345"),
        C("GETBIT", "i", "2"), C("SETBIT", "i", "0", "0"), C("OBJECT", "ENCODING", "i"), C("LPUSH", "l", "a"),
        C("SETBIT", "l", "0", "1"), C("GETBIT", "l", "0"),
    ],
    "bitcount-bitpos": [
        C("SET", "s", "foobar"), C("BITCOUNT", "s"), C("BITCOUNT", "s", "1", "1"), C("BITCOUNT", "s", "5", "30", "BIT"),
        C("BITCOUNT", "s", "-1", "-2", "foo"), C("BITCOUNT", "s", "0"), C("BITCOUNT", "nokey", "0"),
        C("BITPOS", "s", "1"), C("BITPOS", "s", "0", "2", "-1"), C("BITPOS", "s", "1", "7", "15", "BIT"),
        C("SET", "ff", b"\xff\xff"), C("BITPOS", "ff", "0"), C("BITPOS", "ff", "0", "0", "-1"), C("BITPOS", "ff", "0", "3", "BIT"),
        C("BITPOS", "nokey", "1"), C("BITPOS", "nokey", "0", "x"), C("BITPOS", "s", "2"), C("SET", "e", ""), C("BITPOS", "e", "0"),
        C("LPUSH", "l", "a"), C("BITCOUNT", "l"), C("BITPOS", "l", "1"),
    ],
    "bitop": [
        C("SET", "a", "foobar"), C("SET", "b", "abc"), C("BITOP", "AND", "d", "a", "b"), C("GET", "d"),
        C("BITOP", "OR", "d", "a", "b", "missing"), C("GET", "d"), C("BITOP", "XOR", "d", "b", "a"), C("GET", "d"),
        C("BITOP", "NOT", "d", "a"), C("GET", "d"), C("OBJECT", "ENCODING", "d"), C("BITOP", "NOT", "d", "a", "b"),
        C("BITOP", "NAND", "d", "a"), C("BITOP", "AND", "d", "missing"), C("EXISTS", "d"), C("LPUSH", "l", "a"),
        C("BITOP", "OR", "d", "a", "l"),
    ],
    "bitfield": [
        C("BITFIELD", "k", "SET", "i8", "0", "-100", "GET", "u8", "0", "INCRBY", "i8", "0", "300", "OVERFLOW", "SAT",
          "INCRBY", "i8", "0", "300", "OVERFLOW", "FAIL", "INCRBY", "u4", "#3", "20", "GET", "i64", "0"),
        C("BITFIELD", "k", "GET", "u64", "0"), C("BITFIELD", "k", "OVERFLOW", "NOPE"), C("BITFIELD", "k", "SET", "u8", "0"),
        C("BITFIELD_RO", "k", "GET", "u8", "0", "GET", "i4", "#1"), C("BITFIELD_RO", "k", "SET", "u8", "0", "1"),
        C("BITFIELD", "new", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "999"), C("GET", "new"), C("BITFIELD", "nokey"),
        C("LPUSH", "l", "a"), C("BITFIELD", "l", "GET", "u8", "0"),
    ],
    "hll-basics": [
        C("PFADD", "h", "a", "b", "c"), C("GET", "h"), C("PFCOUNT", "h"), C("GET", "h"), C("PFADD", "h", "a"),
        C("PFADD", "h2"), C("GET", "h2"), C("PFCOUNT", "h", "h2", "nokey"), C("PFMERGE", "m", "h", "h2"), C("GET", "m"),
        C("PFDEBUG", "ENCODING", "m"), C("PFDEBUG", "DECODE", "m"), C("PFDEBUG", "TODENSE", "m"), C("PFCOUNT", "m"),
        C("PFDEBUG", "NOPE", "m"), C("PFDEBUG", "GETREG", "nokey"), C("SET", "s", "foo"), C("PFADD", "s", "x"),
        C("PFCOUNT", "h", "s"), C("SET", "c", b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe"),
        C("PFCOUNT", "c"), C("PFADD", "c", "a"), C("LPUSH", "l", "a"), C("PFMERGE", "l", "h"), C("PFSELFTEST"),
    ],
}


def _cases():
    for seq_id, steps in SEQUENCES.items():
        yield pytest.param(steps, id=f"resp2-{seq_id}")
        yield pytest.param([X("HELLO", "3")] + steps, id=f"resp3-{seq_id}")


@pytest.mark.parametrize("steps", list(_cases()))
def test_bits_same_replies(request, steps, ferrite, redis_server):
    compare(request.node.callspec.id, steps, ferrite.port, redis_server.port)


# --------------------------------------------------------------------------- random bitmap workloads


def _random_bitmap_steps(rng: random.Random):
    keys = ["a", "b", "c", "i"]

    def num():
        return rng.choice([
            str(rng.randrange(-40, 200)), str(rng.randrange(0, 10)), "-1", "0", "abc", "", I64_MAX, I64_MIN,
            "4294967296", "01", "+1", str(rng.randrange(-(2**63), 2**63)), "#" + str(rng.randrange(20)), "#-1", " 1",
        ])

    def small():
        return str(rng.randrange(-30, 60)) if rng.random() < 0.9 else num()

    def ftype():
        if rng.random() < 0.9:
            return rng.choice("iu") + str(rng.randrange(1, 65))
        return rng.choice(["u64", "i65", "i0", "x8", "U8", "i", "", "u08", "i8\x00z"])

    def foffset():
        if rng.random() < 0.7:
            return str(rng.randrange(0, 120))
        if rng.random() < 0.5:
            return "#" + str(rng.randrange(0, 12))
        return rng.choice(["-1", "abc", "", "#", "#-1", "4294967296", I64_MAX, "#288230376151711744", "01"])

    def fvalue():
        return rng.choice([str(rng.randrange(-300, 300)), str(rng.randrange(-(2**63), 2**63)), I64_MAX, I64_MIN, "0", "x"])

    def bitfield_args():
        args = []
        for _ in range(rng.randrange(0, 5)):
            k = rng.random()
            if k < 0.3:
                args += [rng.choice(["GET", "get"]), ftype(), foffset()]
            elif k < 0.55:
                args += ["SET", ftype(), foffset(), fvalue()]
            elif k < 0.8:
                args += ["INCRBY", ftype(), foffset(), fvalue()]
            elif k < 0.95:
                args += ["OVERFLOW", rng.choice(["WRAP", "SAT", "FAIL", "fail", "bogus"])]
            else:
                args += [rng.choice(["get", "set", "foo", "incrby"])]
        return args

    def value():
        k = rng.random()
        if k < 0.3:
            return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40)))
        if k < 0.5:
            return bytes(rng.choice([0, 255]) for _ in range(rng.randrange(0, 40)))
        if k < 0.7:
            return str(rng.randrange(-10**6, 10**6))
        return bytes(rng.choice([0, 255, rng.randrange(256)]) for _ in range(rng.randrange(60, 200)))

    steps = []
    for _ in range(150):
        k = rng.choice(keys)
        c = rng.random()
        if c < 0.12:
            steps.append(C("SET", k, value()))
        elif c < 0.25:
            steps.append(C("SETBIT", k, rng.choice([str(rng.randrange(0, 400)), num()]), rng.choice(["0", "1", "1", "0", num()])))
        elif c < 0.32:
            steps.append(C("GETBIT", k, rng.choice([str(rng.randrange(0, 400)), num()])))
        elif c < 0.45:
            extra = rng.choice([[], [small(), small()], [small(), small(), rng.choice(["BIT", "BYTE", "bit", "foo"])], [small()]])
            steps.append(C("BITCOUNT", k, *extra))
        elif c < 0.6:
            extra = rng.choice([[], [small()], [small(), small()], [small(), small(), rng.choice(["BIT", "BYTE", "bit", "foo"])]])
            steps.append(C("BITPOS", k, rng.choice(["0", "1", "1", "0", "2", "x"]), *extra))
        elif c < 0.7:
            sources = [rng.choice(keys + ["missing"]) for _ in range(rng.randrange(1, 4))]
            steps.append(C("BITOP", rng.choice(["AND", "OR", "XOR", "NOT", "and", "foo"]), rng.choice(keys + ["d"]), *sources))
        elif c < 0.9:
            steps.append(C(rng.choice(["BITFIELD", "BITFIELD", "BITFIELD_RO"]), k, *bitfield_args()))
        else:
            steps += [C("GET", k), C("STRLEN", k), C("OBJECT", "ENCODING", k)]
    steps += [C("GET", k) for k in keys + ["d"]]
    return steps


@pytest.mark.parametrize("seed", range(40))
def test_bitmap_random(seed, ferrite, redis_server):
    steps = _random_bitmap_steps(random.Random(seed))
    compare(f"bitmap-random-seed-{seed}", steps, ferrite.port, redis_server.port)


# --------------------------------------------------------------------------- HyperLogLog workloads


def _hll_growth_steps(rng: random.Random):
    """HLLs grown batch by batch through sparse into dense: bytes and count after every batch."""
    steps = []
    for key in ["h1", "h2"]:
        added = 0
        while added < 6000:
            batch = rng.choice([1, 3, 10, 50, 200, 700])
            elements = [f"{key}-{rng.random()}" if rng.random() < 0.9 else str(rng.randrange(10**5)) for _ in range(batch)]
            steps += [C("PFADD", key, *elements), C("PFCOUNT", key), C("GET", key)]
            added += batch
        steps.append(C("PFDEBUG", "ENCODING", key))
    steps += [C("PFCOUNT", "h1", "h2"), C("PFMERGE", "m", "h1", "h2"), C("GET", "m"), C("PFCOUNT", "m")]
    for i in range(20):
        a, b = f"s{i}a", f"s{i}b"
        steps += [
            C("PFADD", a, *[f"x{rng.randrange(10**6)}" for _ in range(rng.randrange(0, 400))]),
            C("PFADD", b, *[f"y{rng.randrange(10**6)}" for _ in range(rng.randrange(0, 400))]),
            C("PFMERGE", a, b), C("GET", a), C("PFCOUNT", a), C("PFCOUNT", a, b, "nokey"),
        ]
        if i % 3 == 0:
            steps += [C("PFMERGE", "d" + a, a, "h1"), C("GET", "d" + a), C("PFCOUNT", "d" + a)]
    return steps


@pytest.mark.parametrize("seed", range(3))
def test_hll_growth_and_merge(seed, ferrite, redis_server):
    compare(f"hll-growth-seed-{seed}", _hll_growth_steps(random.Random(seed)), ferrite.port, redis_server.port)


def test_hll_counts_every_element(ferrite, redis_server):
    """PFCOUNT after each of 3000 single-element PFADDs, and the bytes every 50."""
    rng = random.Random(99)
    steps = []
    for i in range(3000):
        steps += [C("PFADD", "e", f"el:{rng.getrandbits(48)}"), C("PFCOUNT", "e")]
        if i % 50 == 0:
            steps.append(C("GET", "e"))
    compare("hll-every-element", steps, ferrite.port, redis_server.port)


def test_hll_large_cardinality(ferrite, redis_server):
    steps = []
    for batch in range(100):
        steps.append(C("PFADD", "big", *[str(batch * 5000 + i) for i in range(5000)]))
        if batch % 10 == 9:
            steps += [C("PFCOUNT", "big"), C("GET", "big")]
    compare("hll-large", steps, ferrite.port, redis_server.port)


def test_hll_crafted_registers(ferrite, redis_server):
    rng = random.Random(4)
    steps = []
    for v in range(64):
        steps += [C("SET", "c", dense_hll(0, 0, v, 64)), C("PFCOUNT", "c"), C("PFCOUNT", "c", "c")]
    for _ in range(60):
        args = (rng.randrange(20), rng.randrange(20), rng.randrange(64), rng.randrange(1, 65))
        steps += [C("SET", "c", dense_hll(*args)), C("PFCOUNT", "c"), C("PFADD", "c", "q"), C("GET", "c")]
    compare("hll-crafted", steps, ferrite.port, redis_server.port)


def test_hll_corrupt_strings(ferrite, redis_server):
    header = b"HYLL\x01\x00\x00\x00" + b"\x00" * 7 + b"\x80"
    rng = random.Random(5)
    bodies = [b"", b"\x7f", b"\x7f\xfe", b"\x7f\xff\x00", b"\x7f\xfd\x83", b"\x3f" * 256, b"\x3f" * 255 + b"\x7f",
              b"\x80" + b"\x7f\xfe", b"\xfc" * 16384, b"\x7f\xfe\x83", b"\x7f\xfc\x83"]
    bodies += [bytes(rng.choice([0x7F, 0xFF, 0x3F, 0x00, 0x80, 0x83, 0xFC, rng.randrange(256)]) for _ in range(rng.randrange(40)))
               for _ in range(80)]
    steps = []
    for body in bodies:
        value = header + body
        steps += [
            C("SET", "c", value), C("PFCOUNT", "c"), C("GET", "c"), C("SET", "c", value), C("PFCOUNT", "c", "c"),
            C("SET", "c", value), C("PFADD", "c", "a", "b", "c", "d"), C("GET", "c"),
            C("SET", "c", value), C("PFMERGE", "d", "c"), C("GET", "d"), C("DEL", "d"),
            C("SET", "c", value), C("PFDEBUG", "DECODE", "c"), C("PFDEBUG", "TODENSE", "c"), C("GET", "c"),
        ]
    compare("hll-corrupt", steps, ferrite.port, redis_server.port)


# --------------------------------------------------------------------------- counters


class _Counters:
    def __init__(self, port, db):
        self.conn = RespConn(port)
        self.conn.call_raw("SELECT", str(db))

    def read(self):
        text = self.conn.call_raw("INFO", "persistence").decode() + self.conn.call_raw("INFO", "stats").decode()
        fields = dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line)
        return tuple(int(fields[k]) for k in ("rdb_changes_since_last_save", "keyspace_hits", "keyspace_misses"))

    def close(self):
        self.conn.close()


def _moves(port, steps):
    """(reply, counter moves) of each step on a fresh connection."""
    counters = _Counters(port, 0)
    out = []
    with RespConn(port) as conn:
        for step in steps:
            before = counters.read()
            reply = conn.call_raw(*step.args)
            after = counters.read()
            out.append((reply, tuple(a - b for a, b in zip(after, before))))
    counters.close()
    return out


@pytest.mark.parametrize("seed", range(6))
def test_counters_move_alike(seed, ferrite, redis_server):
    rng = random.Random(500 + seed)
    steps = _random_bitmap_steps(rng) + _hll_growth_steps(rng)[:150]
    ours, theirs = _moves(ferrite.port, steps), _moves(redis_server.port, steps)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert a == b, f"seed {seed} step {i} {steps[i].label()}:\n ferrite: {a!r}\n redis:   {b!r}"


# --------------------------------------------------------------------------- Rust vectors

ROOT = Path(__file__).resolve().parents[2]
VECTOR_FILES = [ROOT / "engine/src/cmd/t_bitmap/vectors.rs", ROOT / "engine/src/cmd/t_hll/vectors.rs"]
_CASE = re.compile(r'^(\s*)\(&\[(.*)\], (b"(?:[^"\\]|\\.)*"), (\d+), (\d+), (\d+)\),$')
_STRING = re.compile(r'b"((?:[^"\\]|\\.)*)"')


def _rust_escape(data: bytes) -> str:
    """These vectors hold byte-string literals (`b"..."`)."""
    return "b" + rust_escape(data)


# Database the replay uses (flushed before each test function): 15, so that a shared reference
# server keeps its other databases. The counters are server-wide: record against a server
# nobody else is writing to.
DB = 15


def replay_vectors(port, path):
    """Replays one vector file on the redis-server at `port`; returns (lines, [(i, old, new)])."""
    lines = path.read_text().split("\n")
    counters = _Counters(port, DB)
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
        reply = conn.call_raw(*expand(args))
        after = counters.read()
        moved = tuple(a - b for a, b in zip(after, before))
        new = f"{indent}(&[{args_text}], {_rust_escape(recorded_reply(reply))}, {moved[0]}, {moved[1]}, {moved[2]}),"
        if new != line:
            changed.append((i, line, new))
    if conn:
        conn.close()
    counters.conn.call_raw("FLUSHDB")
    counters.close()
    return lines, changed


@pytest.mark.parametrize("path", VECTOR_FILES, ids=lambda p: p.parent.name)
def test_rust_vectors_match_redis(path, redis_server):
    lines, changed = replay_vectors(redis_server.port, path)
    assert sum(1 for line in lines if _CASE.match(line)) > 150
    shown = "\n".join(f"line {i + 1}:\n  recorded: {old.strip()}\n  redis:    {new.strip()}" for i, old, new in changed[:20])
    assert not changed, f"{len(changed)} vectors differ from redis-server:\n{shown}"


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "--record":
        sys.exit("usage: test_differential_bits.py --record PORT  (a redis-server 7.0 on PORT)")
    for path in VECTOR_FILES:
        lines, changed = replay_vectors(int(sys.argv[2]), path)
        for i, _, new in changed:
            lines[i] = new
        path.write_text("\n".join(lines))
        print(f"re-recorded {len(changed)} vectors in {path}")
