"""Differential tests of the set commands: the same commands go to ferrite and to a real
redis-server, over RESP2 and RESP3, and the replies must agree (see test_differential.py for the
step types and the runner).

What cannot agree byte for byte, and how it is compared instead:
* the order of a hashtable set's members (SMEMBERS, SINTER, SUNION, SDIFF of text members):
  `S` steps compare the elements sorted, and the reply type (`*` or `~`) exactly. Intsets iterate
  in ascending order on both servers, so their replies are compared exactly.
* which members SRANDMEMBER and SPOP draw: `X` steps, followed by compared SCARD / SISMEMBER
  steps; test_random_draws_have_the_same_shape checks counts and uniqueness on both servers.
* SSCAN cursors over hashtables: test_sscan_walks_agree compares the union of a full walk.
"""

from __future__ import annotations

import pytest

from resp_util import Error, RespConn, parse
from test_differential import C, S, X, compare

I64_MAX = "9223372036854775807"
I64_MIN = "-9223372036854775808"
WRONGTYPE_KEYS = [C("SET", "str", "v"), C("SADD", "s", 1, 2), C("SADD", "h", "a", "b")]

SET_SEQUENCES = {
    "sadd-srem-scard": [
        C("SADD", "s", 3, 1, 2), C("SADD", "s", 2, 4, 4), C("SCARD", "s"), C("SMEMBERS", "s"),
        C("OBJECT", "ENCODING", "s"), C("SREM", "s", 1, 9), C("SREM", "s", 2, 3, 4, 5), C("EXISTS", "s"),
        C("SADD", "h", "b", "a", "c", "a"), S("SMEMBERS", "h"), C("OBJECT", "ENCODING", "h"),
        C("SREM", "h", "a", "zz"), S("SMEMBERS", "h"), C("SCARD", "h"), C("SADD", "s"), C("SREM", "s"),
        C("SCARD"), C("SADD", "bin", "a\r\nb", "\x00", ""), S("SMEMBERS", "bin"), C("SISMEMBER", "bin", ""),
        C("SADD", "n", -5, 0, I64_MIN, I64_MAX, 70000), C("SMEMBERS", "n"), C("SREM", "n", I64_MIN, "01", "+5", "-0"),
        C("SMEMBERS", "n"),
    ],
    "wrongtype": WRONGTYPE_KEYS + [
        C("SADD", "str", "a"), C("SREM", "str", "a"), C("SCARD", "str"), C("SISMEMBER", "str", "a"),
        C("SMISMEMBER", "str", "a"), C("SMEMBERS", "str"), C("SRANDMEMBER", "str"), C("SRANDMEMBER", "str", 2),
        C("SPOP", "str"), C("SPOP", "str", 0), C("SMOVE", "str", "s", 1), C("SMOVE", "s", "str", 1),
        C("SMOVE", "nokey", "str", 1), C("SMOVE", "str", "nokey", 1), C("SINTER", "nokey", "str"),
        C("SUNION", "s", "str"), C("SDIFF", "nokey", "str"), C("SINTERSTORE", "d", "nokey", "str"),
        C("SUNIONSTORE", "d", "s", "str"), C("SDIFFSTORE", "d", "s", "str"), C("SINTERCARD", 2, "nokey", "str"),
        C("SSCAN", "str", 0), C("SSCAN", "str", "x"), C("EXISTS", "d"), C("SUNIONSTORE", "str", "s"),
        C("TYPE", "str"), C("SMEMBERS", "str"), C("SMEMBERS", "s"),
    ],
    "membership": [
        C("SADD", "s", 1, 2, 3), C("SISMEMBER", "s", 2), C("SISMEMBER", "s", "02"), C("SISMEMBER", "nokey", 1),
        C("SMISMEMBER", "s", 1, "x", 3, "01"), C("SMISMEMBER", "nokey", "a", "b"), C("SADD", "h", "a", "b"),
        C("SISMEMBER", "h", "a"), C("SMISMEMBER", "h", "c", "a"), C("SISMEMBER", "s"), C("SMISMEMBER", "s"),
    ],
    "encodings": [
        C("SADD", "big", *range(512)), C("OBJECT", "ENCODING", "big"), C("SADD", "big", 512),
        C("OBJECT", "ENCODING", "big"), C("SREM", "big", *range(500)), C("OBJECT", "ENCODING", "big"),
        C("SCARD", "big"), C("SADD", "x", "01"), C("OBJECT", "ENCODING", "x"), C("SADD", "y", "9223372036854775808"),
        C("OBJECT", "ENCODING", "y"), C("SADD", "z", -70000, 5), C("OBJECT", "ENCODING", "z"),
        C("SADD", "z", "word"), C("OBJECT", "ENCODING", "z"), C("SREM", "z", "word"), C("OBJECT", "ENCODING", "z"),
    ],
    "srandmember": [
        C("SADD", "s", 3, 1, 2), C("SRANDMEMBER", "s", 0), C("SRANDMEMBER", "s", 3), C("SRANDMEMBER", "s", 100),
        C("SRANDMEMBER", "s", I64_MAX), C("SRANDMEMBER", "s", "9223372036854775808"), C("SRANDMEMBER", "s", I64_MIN),
        C("SRANDMEMBER", "s", "x"), C("SRANDMEMBER", "s", 1, 2), C("SRANDMEMBER", "nokey"),
        C("SRANDMEMBER", "nokey", 5), C("SRANDMEMBER", "nokey", -5), C("SADD", "one", "only"),
        C("SRANDMEMBER", "one"), C("SRANDMEMBER", "one", -3), C("SRANDMEMBER", "one", 5),
        X("SRANDMEMBER", "s", 2), X("SRANDMEMBER", "s", -7), C("SCARD", "s"),
        C("SADD", "h", "a", "b", "c"), S("SRANDMEMBER", "h", 3), S("SRANDMEMBER", "h", 10),
    ],
    "spop": [
        C("SADD", "s", 3, 1, 2), C("SPOP", "s", "x"), C("SPOP", "s", -1), C("SPOP", "s", 1, 2),
        C("SPOP", "nokey"), C("SPOP", "nokey", 0), C("SPOP", "nokey", 3), C("SPOP", "s", 0),
        C("SPOP", "s", 3), C("EXISTS", "s"), C("SADD", "s", 5, 4), C("SPOP", "s", 100), C("EXISTS", "s"),
        C("SADD", "one", "x"), C("SPOP", "one"), C("EXISTS", "one"), C("SADD", "h", *range(20)),
        X("SPOP", "h"), X("SPOP", "h", 3), C("SCARD", "h"), X("SPOP", "h", 15), C("SCARD", "h"),
        C("SADD", "big", *range(600)), C("EXPIRE", "big", 100), X("SPOP", "big", 550),
        C("OBJECT", "ENCODING", "big"), C("SCARD", "big"), C("TTL", "big"),
        C("SADD", "b2", *range(600)), X("SPOP", "b2", 100), C("OBJECT", "ENCODING", "b2"), C("SCARD", "b2"),
    ],
    "smove": [
        C("SADD", "a", 1, 2, 3), C("SADD", "b", "x"), C("SMOVE", "nokey", "b", 1), C("SMOVE", "a", "b", 9),
        C("SMOVE", "a", "b", 1), C("SMEMBERS", "a"), S("SMEMBERS", "b"), C("SMOVE", "a", "c", 2),
        C("OBJECT", "ENCODING", "c"), C("SMOVE", "a", "a", 3), C("SMOVE", "a", "a", 9), C("SMOVE", "a", "c", 3),
        C("EXISTS", "a"), C("SMEMBERS", "c"), C("SMOVE", "c", "w", "word"), C("SET", "str", "v"),
        C("SMOVE", "c", "str", 2), C("SMOVE", "nokey", "str", 2), C("SMOVE", "c", "nokey2"),
        C("SADD", "t", 5), C("EXPIRE", "t", 100), C("SMOVE", "t", "u", 5), C("EXISTS", "t"), C("TTL", "u"),
    ],
    "algebra": [
        C("SADD", "a", 1, 2, 3, 4), C("SADD", "b", 3, 4, 5), C("SADD", "c", 4, 5, 6), C("SADD", "h", "x", "y", 3),
        C("SINTER", "a", "b"), C("SINTER", "a", "b", "c"), C("SINTER", "a", "nokey"), C("SINTER", "a", "a"),
        S("SINTER", "h", "a"), S("SINTER", "h", "h"), C("SUNION", "a", "b", "c"), S("SUNION", "a", "h"),
        C("SUNION", "nokey"), C("SDIFF", "a", "b"), C("SDIFF", "a", "b", "c"), C("SDIFF", "a", "a"),
        C("SDIFF", "nokey", "a"), S("SDIFF", "h", "a"), C("SDIFF", "a", "h"), C("SDIFF", "b", "a", "c"),
        C("SINTER"), C("SUNION"), C("SDIFF"),
    ],
    "stores": [
        C("SADD", "a", 1, 2, 3, 4), C("SADD", "b", 3, 4, 5), C("SADD", "h", "x", "y", 3),
        C("SINTERSTORE", "d", "a", "b"), C("SMEMBERS", "d"), C("OBJECT", "ENCODING", "d"),
        C("SINTERSTORE", "d", "a", "h"), C("OBJECT", "ENCODING", "d"), C("SUNIONSTORE", "d", "a", "h"),
        S("SMEMBERS", "d"), C("OBJECT", "ENCODING", "d"), C("SDIFFSTORE", "d", "h", "a"), S("SMEMBERS", "d"),
        C("SINTERSTORE", "d", "a", "nokey"), C("EXISTS", "d"), C("SUNIONSTORE", "d", "nokey"),
        C("SDIFFSTORE", "d", "a", "a"), C("SET", "d", "v"), C("EXPIRE", "d", 100), C("SUNIONSTORE", "d", "a"),
        C("TTL", "d"), C("TYPE", "d"), C("SINTERSTORE", "d", "d", "b"), C("SMEMBERS", "d"),
        C("SDIFFSTORE", "a", "a", "b"), C("SMEMBERS", "a"), C("SUNIONSTORE", "a"),
        C("SADD", "big", *range(1000)), C("SDIFFSTORE", "d", "big", "a"), C("SCARD", "d"),
        C("OBJECT", "ENCODING", "d"), C("SINTERSTORE", "d", "big", "b"), C("OBJECT", "ENCODING", "d"),
    ],
    "sintercard": [
        C("SADD", "a", 1, 2, 3, 4), C("SADD", "b", 2, 3, 4, 5), C("SINTERCARD", 2, "a", "b"),
        C("SINTERCARD", 2, "a", "b", "LIMIT", 2), C("SINTERCARD", 2, "a", "b", "limit", 0),
        C("SINTERCARD", 1, "a"), C("SINTERCARD", 2, "a", "nokey"), C("SINTERCARD", 3, "a", "b", "a"),
        C("SINTERCARD", 0, "a"), C("SINTERCARD", -1, "a"), C("SINTERCARD", "x", "a"), C("SINTERCARD", 3, "a", "b"),
        C("SINTERCARD", I64_MAX, "a"), C("SINTERCARD", 1, "a", "LIMIT"), C("SINTERCARD", 1, "a", "LIMIT", "x"),
        C("SINTERCARD", 1, "a", "LIMIT", -1), C("SINTERCARD", 1, "a", "FOO", 1),
        C("SINTERCARD", 1, "a", "LIMIT", 1, "LIMIT", 3), C("SINTERCARD", 1), C("SINTERCARD", 1, "a", "LIMIT", 1, "x"),
    ],
    "sscan": [
        C("SADD", "s", 1, 2, 3, 10, 20), C("SSCAN", "s", 0), C("SSCAN", "s", 7), C("SSCAN", "s", 0, "COUNT", 1),
        C("SSCAN", "s", 0, "MATCH", "1*"), C("SSCAN", "s", 0, "match", "*0", "count", 2), C("SSCAN", "s", 0, "COUNT", 0),
        C("SSCAN", "s", 0, "COUNT", -1), C("SSCAN", "s", 0, "COUNT", "x"), C("SSCAN", "s", 0, "MATCH"),
        C("SSCAN", "s", 0, "TYPE", "string"), C("SSCAN", "s", 0, "FOO", "bar"), C("SSCAN", "s", "x"),
        C("SSCAN", "s", -1), C("SSCAN", "s", "18446744073709551616"), C("SSCAN", "nokey", 0),
        C("SSCAN", "nokey", 0, "COUNT", "x"), C("SSCAN", "nokey", "x"), C("SSCAN", "s"),
        C("SADD", "h", "word"), C("SSCAN", "h", 0), C("SSCAN", "h", 0, "MATCH", "z*"),
    ],
}


def _cases():
    for seq_id, steps in SET_SEQUENCES.items():
        yield pytest.param(steps, id=f"resp2-{seq_id}")
    for seq_id, steps in SET_SEQUENCES.items():
        yield pytest.param([X("HELLO", "3")] + steps, id=f"resp3-{seq_id}")


@pytest.mark.parametrize("steps", list(_cases()))
def test_set_same_replies(request, steps, ferrite, redis_server):
    compare(request.node.callspec.id, steps, ferrite.port, redis_server.port)


def _sscan_union(port, key, *options):
    """Walks SSCAN to the end; returns the members seen (or the error) and the calls made."""
    seen, cursor, calls = set(), b"0", 0
    with RespConn(port) as conn:
        while True:
            reply = parse(conn.call_raw("SSCAN", key, cursor, *options))
            if isinstance(reply, Error):
                return reply, calls
            cursor, batch = reply
            seen.update(batch)
            calls += 1
            if cursor == b"0" or calls > 10_000:
                return seen, calls


@pytest.mark.parametrize("options", [(), ("COUNT", 3), ("COUNT", 1000), ("MATCH", "m1*"), ("MATCH", "m*7", "COUNT", 50)])
def test_sscan_walks_agree(options, ferrite, redis_server):
    members = [f"m{i}" for i in range(700)]
    for server in (ferrite, redis_server):
        with RespConn(server.port) as conn:
            conn.call("SADD", "h", *members)
            conn.call("SADD", "i", *range(100))
    for key in ("h", "i", "nokey"):
        ours, _ = _sscan_union(ferrite.port, key, *options)
        theirs, _ = _sscan_union(redis_server.port, key, *options)
        assert ours == theirs, (key, options)


def test_random_draws_have_the_same_shape(ferrite, redis_server):
    """SRANDMEMBER and SPOP draw different members on the two servers; what is observable (how
    many, distinct or not, from the set, what is left) must agree."""
    def shape(port):
        out = []
        with RespConn(port) as conn:
            conn.call("SADD", "h", *[f"w{i}" for i in range(40)])
            conn.call("SADD", "i", *range(40))
            for key in ("h", "i"):
                everything = set(parse(conn.call_raw("SMEMBERS", key)))
                for count in (1, 5, 13, 14, 39, 40, 41, -1, -5, -100):
                    drawn = parse(conn.call_raw("SRANDMEMBER", key, count))
                    distinct = len(set(drawn)) == len(drawn)
                    out.append((key, count, len(drawn), distinct or count < 0, set(drawn) <= everything))
                for count in (3, 30):
                    popped = parse(conn.call_raw("SPOP", key, count))
                    left = set(parse(conn.call_raw("SMEMBERS", key)))
                    out.append((key, "spop", count, len(popped), len(set(popped)),
                                set(popped) | left == everything, not set(popped) & left))
                    everything = left
        return out

    assert shape(ferrite.port) == shape(redis_server.port)
