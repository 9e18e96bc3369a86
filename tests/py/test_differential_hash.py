"""Differential tests of the hash type: the same commands go to ferrite and to a real
redis-server 7.0 and the replies must match (see test_differential.py for the step types).

What is compared exactly, and what is not:
* Small hashes (listpack) iterate in insertion order on both servers: HGETALL, HKEYS, HVALS,
  HSCAN and HRANDFIELD with a count at least the size are compared byte for byte.
* Large hashes (hashtable) iterate in an order that depends on each server's hash table:
  HKEYS/HVALS are compared sorted (S), HGETALL as sorted pairs (P), and HSCAN walks are compared
  as the union of what they return (test_hscan_walk_union).
* HRANDFIELD picks at random: only its shape is compared (test_hrandfield_shapes).
* HINCRBYFLOAT results whose digits come from long-double arithmetic (past 17 significant
  digits) are left out: that text is util::incr_by_float's, shared with INCRBYFLOAT.
* Field TTLs (HEXPIRE ...) are Redis 7.4 commands that redis-server 7.0 does not have; the
  Rust unit tests (engine/src/cmd/t_hash/tests/ttl.rs) cover them.

Run as a script, the file prints the Rust vectors of engine/src/cmd/t_hash/tests/vectors.rs
from a live redis-server (replies, and the moves of dirty, keyspace hits and misses):
    python3 tests/py/test_differential_hash.py --rust-vectors PORT > vectors.rs
"""

from __future__ import annotations

import json
import shlex
import sys

import pytest

from resp_util import RespConn, parse
from test_differential import C, P, S, X, compare

# --------------------------------------------------------------------------- command lists
#
# (name, RESP3?, command lines). Shared by the differential test and the vector generator.

MANY = " ".join(f"f{i} v{i}" for i in range(512))
MANY513 = " ".join(f"f{i} v{i}" for i in range(513))
DUP = " ".join("same v" for _ in range(600))
V64 = "x" * 64
V65 = "x" * 65

SECTIONS = [
    ("vectors_set_get_basics", False, [
        "hset h a 1 b 2", "hset h a 1", "hset h a 3 c 4", "hget h a", "hget h zz", "hmget h a zz b",
        "hlen h", "hstrlen h a", "hstrlen h zz", "hexists h b", "hexists h zz", "hkeys h", "hvals h",
        "hgetall h", "type h", "object encoding h", "hmset h d 5 e 6", "hmset h d 7", "hgetall h",
        "hsetnx h a 9", "hsetnx h n 9", "hsetnx h2 x y", "hget h n", "hgetall h2",
        "hdel h zz", "hdel h a a b", "hdel h c d e n zz", "exists h", "hdel h2 x", "exists h2",
        "hdel nokey a", "hset h '' ''", "hget h ''", "hstrlen h ''", "hset h 'a b' 'c d'",
        "hgetall h", "hset h 12 34", "hincrby h 12 1", "hgetall h",
    ]),
    ("vectors_arity_and_odd_arguments", False, [
        "hset h", "hset h a", "hset h a 1 b", "hmset h a", "hmset h a 1 b", "hsetnx h a",
        "hsetnx h a 1 2", "hget h", "hget h a b", "hmget h", "hdel h", "hlen", "hlen h x",
        "hstrlen h", "hexists h", "hkeys", "hvals h x", "hgetall", "hincrby h a",
        "hincrbyfloat h a", "hrandfield", "hscan h", "exists h",
    ]),
    ("vectors_wrong_type", False, [
        "set s x", "hset s a 1", "hmset s a 1", "hsetnx s a 1", "hget s a", "hmget s a", "hdel s a",
        "hlen s", "hstrlen s a", "hexists s a", "hkeys s", "hvals s", "hgetall s", "hincrby s a 1",
        "hincrby s a x", "hincrbyfloat s a 1", "hincrbyfloat s a x", "hincrbyfloat s a inf",
        "hrandfield s", "hrandfield s 2", "hrandfield s x", "hrandfield s 2 bad", "hscan s 0",
        "hscan s x", "hscan s 0 count 0", "get s",
    ]),
    ("vectors_missing_keys", False, [
        "hget m a", "hmget m a b", "hlen m", "hstrlen m a", "hexists m a", "hkeys m", "hvals m",
        "hgetall m", "hrandfield m", "hrandfield m 3", "hrandfield m -3",
        "hrandfield m 3 withvalues", "hrandfield m 0", "hscan m 0", "hscan m 0 count 0",
        "hscan m 0 match", "hscan m 5 match * count 2", "hdel m a", "exists m",
    ]),
    ("vectors_hincrby", False, [
        "hset h a 1 b x c 1.5 d 9223372036854775807 e ' 12' f -9223372036854775808 g +5 i 010 "
        "j -0 k 0",
        "hincrby h a 5", "hincrby h a -10", "hincrby h b 1", "hincrby h c 1", "hincrby h d 1",
        "hincrby h d 0", "hincrby h d -1", "hincrby h f -1", "hincrby h f 1", "hincrby h e 1",
        "hincrby h g 1", "hincrby h i 1", "hincrby h j 1", "hincrby h k -3", "hincrby h a x",
        "hincrby h a ''", "hincrby h a 1.0", "hincrby h a 99999999999999999999",
        "hincrby h new -3", "hincrby h a 9223372036854775807", "hincrby h a -9223372036854775808",
        "hincrby n f 7", "hgetall n", "hgetall h", "hincrby n2 f x", "exists n2",
    ]),
    ("vectors_hincrbyfloat", False, [
        "hset h a 10.50 b x c 1 e ' 12' g +5 i 010 sp '1 ' z 5.0e3",
        "hincrbyfloat h a 0.1", "hincrbyfloat h a -10.6", "hincrbyfloat h c 1",
        "hincrbyfloat h b 1", "hincrbyfloat h e 1", "hincrbyfloat h g 1", "hincrbyfloat h i 1",
        "hincrbyfloat h sp 1", "hincrbyfloat h z 2.0e2", "hincrbyfloat h new 1.5",
        "hincrbyfloat h a x", "hincrbyfloat h a ''", "hincrbyfloat h a ' 1'",
        "hincrbyfloat h a inf", "hincrbyfloat h a -inf", "hincrbyfloat h a +inf",
        "hincrbyfloat h a nan", "hincrbyfloat h a 1e3", "hincrbyfloat n f inf", "exists n",
        "hincrbyfloat n f 0.1", "hincrbyfloat n f 0.2", "hget n f", "hset h big inf",
        "hincrbyfloat h big 1", "hgetall h",
    ]),
    ("vectors_encoding_conversions", False, [
        "hset h " + MANY, "object encoding h", "hlen h", "hset h f0 again", "object encoding h",
        "hset h extra 1", "object encoding h", "hdel h extra f1 f2 f3", "object encoding h",
        "hlen h", f"hset v a {V64}", "object encoding v", f"hset v {V64} b", "object encoding v",
        f"hset v c {V65}", "object encoding v", f"hset w {V65} 1", "object encoding w",
        "hset x a 1", f"hsetnx x a {V65}", "object encoding x", f"hsetnx x b {V65}",
        "object encoding x", "hset y a 1", f"hincrby y {V65} 1", "object encoding y", "hset z a 1",
        f"hincrbyfloat z {V64} 1", "object encoding z", "hset d " + DUP, "object encoding d",
        "hlen d", "hset e " + MANY513, "object encoding e", "hlen e", "hget e f512",
    ]),
    ("vectors_hrandfield_deterministic", False, [
        "hset h a 1 b 2 c 3", "hrandfield h 3", "hrandfield h 10", "hrandfield h 3 withvalues",
        "hrandfield h 10 WITHVALUES", "hrandfield h 0", "hrandfield h 0 withvalues",
        "hrandfield h x", "hrandfield h 1.5", "hrandfield h 1 withvalue",
        "hrandfield h 1 withvalues extra", "hrandfield m x", "hrandfield m 1 foo",
        "hrandfield h -9223372036854775808", "hrandfield m -9223372036854775808",
        "hrandfield h -4611686018427387904 withvalues",
        "hrandfield h 4611686018427387904 withvalues",
        "hrandfield m -4611686018427387904 withvalues", "hrandfield h 9223372036854775808",
        "hset one only v", "hrandfield one", "hrandfield one -3", "hrandfield one -2 withvalues",
        "hrandfield one 1 withvalues",
    ]),
    ("vectors_hscan_packed", False, [
        "hset h a 1 b 2 c 3 ab 4", "hscan h 0", "hscan h 0 match a*", "hscan h 0 MATCH a* COUNT 1",
        "hscan h 0 match zz", "hscan h 0 count 1", "hscan h 7", "hscan h -1",
        "hscan h 18446744073709551615", "hscan h 18446744073709551616", "hscan h x", "hscan h ''",
        "hscan h ' 1'", "hscan h +1", "hscan h 00", "hscan h 0 count 0", "hscan h 0 count -1",
        "hscan h 0 count x", "hscan h 0 match", "hscan h 0 count 1 count 2",
        "hscan h 0 match b match a", "hscan h 0 novalues", "hscan h 0 type string",
        "hscan h 0 count 9223372036854775807", "hscan h 0 count 9223372036854775808",
        "hscan h 0 match [ab]",
    ]),
    ("vectors_resp3_shapes", True, [
        "hset h a 1 b 2", "hgetall h", "hgetall m", "hkeys h", "hvals m", "hget h zz", "hget m a",
        "hmget h a zz", "hmget m a", "hrandfield m", "hrandfield m 2", "hrandfield m 2 withvalues",
        "hrandfield h 5 withvalues", "hrandfield h 5", "hrandfield h 0 withvalues", "hscan h 0",
        "hscan m 0", "hincrbyfloat h f 1.5", "hlen h", "hexists h a", "hsetnx h a 1",
    ]),
]

# Large hashes: order-independent comparisons (and regressions found by tests/difffuzz).
TABLE_SEQUENCES = {
    "hashtable-contents": [
        C(*("HSET big " + MANY513).split()), C("OBJECT", "ENCODING", "big"), C("HLEN", "big"),
        S("HKEYS", "big"), S("HVALS", "big"), P("HGETALL", "big"), C("HGET", "big", "f300"),
        C("HMGET", "big", "f1", "nope", "f512"), C("HDEL", "big", *[f"f{i}" for i in range(0, 513, 2)]),
        C("HLEN", "big"), S("HKEYS", "big"), C("HEXISTS", "big", "f2"), C("HEXISTS", "big", "f3"),
        C("HSTRLEN", "big", "f3"), C("HINCRBY", "big", "f3", 1), C("HSET", "big", "f3", 41),
        C("HINCRBY", "big", "f3", 1), C("HINCRBYFLOAT", "big", "f3", "0.5"),
        C("HSETNX", "big", "f3", "x"), C("HSETNX", "big", "f4", "x"), C("OBJECT", "ENCODING", "big"),
        C("HRANDFIELD", "big", 0), C("HDEL", "big", *[f"f{i}" for i in range(513)]),
        C("EXISTS", "big"),
    ],
    "hashtable-from-long-value": [
        C("HSET", "h", "a", "1", "b", "x" * 100), C("OBJECT", "ENCODING", "h"), P("HGETALL", "h"),
        C("HDEL", "h", "b"), C("OBJECT", "ENCODING", "h"), C("HGETALL", "h"),
        C("HRANDFIELD", "h", 5, "WITHVALUES"), C("HSCAN", "h", 0),
    ],
    # Found by tests/difffuzz (docs/COMPATIBILITY.md): HINCRBYFLOAT reads both operands as
    # long doubles, as INCRBYFLOAT does, so 1e400 is an increment and not infinity.
    "hincrbyfloat-long-double": [
        C("HINCRBYFLOAT", "h", "a", "1e400"), C("HINCRBYFLOAT", "h", "b", "-1E400"),
        C("HSET", "h", "c", "1e400"), C("HINCRBYFLOAT", "h", "c", 1), C("HINCRBYFLOAT", "h", "d", "1e4932"),
        C("HINCRBYFLOAT", "h", "e", "1e4933"), C("HINCRBYFLOAT", "h", "a", "-1e400"), C("OBJECT", "ENCODING", "h"), P("HGETALL", "h"),
    ],
}


def _args(line: str) -> list[str]:
    return shlex.split(line)


def _cases():
    for name, resp3, lines in SECTIONS:
        steps = [C(*_args(line)) for line in lines]
        if resp3:
            yield pytest.param([X("HELLO", "3")] + steps, id=f"resp3-{name}")
        else:
            yield pytest.param(steps, id=f"resp2-{name}")
            yield pytest.param([X("HELLO", "3")] + steps, id=f"resp3-{name}")
    for name, steps in TABLE_SEQUENCES.items():
        yield pytest.param(steps, id=f"resp2-{name}")
        yield pytest.param([X("HELLO", "3")] + steps, id=f"resp3-{name}")


@pytest.mark.parametrize("steps", list(_cases()))
def test_same_hash_replies(request, steps, ferrite, redis_server):
    compare(request.node.callspec.id, steps, ferrite.port, redis_server.port)


def _hscan_walk(port: int, key: str, *options) -> tuple[set, int]:
    """Walks HSCAN to cursor 0 (bounded); returns the (field, value) pairs seen and the calls."""
    seen = set()
    with RespConn(port) as conn:
        cursor = b"0"
        for calls in range(1, 10_000):
            reply = parse(conn.call_raw("HSCAN", key, cursor, *options))
            cursor, flat = reply
            seen.update(zip(flat[0::2], flat[1::2]))
            if cursor == b"0":
                return seen, calls
    raise AssertionError("HSCAN did not terminate")


@pytest.mark.parametrize("options", [(), ("COUNT", "7"), ("MATCH", "f1*", "COUNT", "50")])
def test_hscan_walk_union(options, ferrite, redis_server):
    for server in (ferrite, redis_server):
        with RespConn(server.port) as conn:
            conn.call_raw(*("HSET big " + MANY513).split())
            conn.call_raw("HSET", "small", "a", "1", "b", "2")
    for key in ("big", "small"):
        ours, _ = _hscan_walk(ferrite.port, key, *options)
        theirs, _ = _hscan_walk(redis_server.port, key, *options)
        assert ours == theirs, (key, options)


def _shape(raw: bytes):
    """An HRANDFIELD reply with the random parts removed: type, length, nested shapes."""
    value = parse(raw)
    if isinstance(value, list):
        return ("list", raw[:1], len(value), tuple(sorted({_shape_of(v) for v in value})))
    return ("value", raw[:1], type(value).__name__)


def _shape_of(value):
    if isinstance(value, list):
        return ("list", len(value))
    return type(value).__name__


@pytest.mark.parametrize("resp3", [False, True])
def test_hrandfield_shapes(resp3, ferrite, redis_server):
    shapes = {}
    for name, server in (("ferrite", ferrite), ("redis", redis_server)):
        with RespConn(server.port) as conn:
            if resp3:
                conn.call_raw("HELLO", "3")
            conn.call_raw("HSET", "h", "a", "1", "b", "2", "c", "3")
            conn.call_raw(*("HSET big " + MANY513).split())
            shapes[name] = [
                _shape(conn.call_raw("HRANDFIELD", key, *args))
                for key in ("h", "big")
                for args in [(), ("2",), ("-5",), ("1",), ("-1",), ("2", "WITHVALUES"),
                             ("-5", "WITHVALUES"), ("1", "WITHVALUES"), ("600", "WITHVALUES"),
                             ("-2000",)]
            ]
    assert shapes["ferrite"] == shapes["redis"]


# --------------------------------------------------------------------------- vector generator


def _counters(conn: RespConn) -> tuple[int, int, int]:
    info = parse(conn.call_raw("INFO", "all"))
    fields = dict(line.split(":", 1) for line in info.decode().split("\r\n") if ":" in line)
    return (int(fields["rdb_changes_since_last_save"]), int(fields["keyspace_hits"]),
            int(fields["keyspace_misses"]))


def print_rust_vectors(port: int) -> None:
    """Prints one Rust test per section with the live server's replies and counter moves."""
    conn = RespConn(port)
    total = 0
    for name, resp3, lines in SECTIONS:
        conn.call_raw("HELLO", "3" if resp3 else "2")
        conn.call_raw("SELECT", "11")
        conn.call_raw("FLUSHDB")
        print("#[test]")
        print(f"fn {name}() {{")
        print("    let mut t = client();")
        if resp3:
            print('    t.run(&["hello", "3"]);')
        print("    script(")
        print("        &mut t,")
        print("        &[")
        for line in lines:
            args = _args(line)
            before = _counters(conn)
            reply = conn.call_raw(*args).decode("latin1")
            after = _counters(conn)
            moved = [a - b for a, b in zip(after, before)]
            total += 1
            rust_args = "&[" + ", ".join(json.dumps(a) for a in args) + "]"
            print(f"            ({rust_args}, {json.dumps(reply)}, {moved[0]}, {moved[1]}, {moved[2]}),")
        print("        ],")
        print("    );")
        print("}")
        print()
    conn.call_raw("FLUSHDB")
    conn.close()
    print(f"// {total} vectors", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "--rust-vectors":
        sys.exit(__doc__)
    print_rust_vectors(int(sys.argv[2]))
