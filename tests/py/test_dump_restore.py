"""DUMP and RESTORE between ferrite and a real redis-server 7.0: a key DUMPed by one RESTOREs
in the other with the same content, TTL and encoding, for every value type (streams with
consumer groups included), and both refuse the same damaged payloads the same way.
"""

from __future__ import annotations

import pytest
import redis as redis_py

BIG_LIST = [f"element {i}" for i in range(3000)]

# (key, commands building it); the same on both servers.
KEYS = [
    ("int", [["set", "int", "12345"]]),
    ("bigint", [["set", "bigint", "-9223372036854775808"]]),
    ("str", [["set", "str", "hello"]]),
    ("lzf", [["set", "lzf", "abcd" * 200]]),
    ("binary", [["set", "binary", b"\x00\xff\r\n" * 10]]),
    ("hll", [["pfadd", "hll", "a", "b", "c"]]),
    ("list", [["rpush", "list", "a", "1", "-70000", "5000000000", "b"]]),
    ("biglist", [["rpush", "biglist", *BIG_LIST]]),
    ("intset", [["sadd", "intset", "1", "-2", "5000000000"]]),
    ("set", [["sadd", "set", "a", "b", "c"]]),
    ("bigintset", [["sadd", "bigintset", *[str(i) for i in range(600)]]]),
    ("zset", [["zadd", "zset", "1.5", "a", "-inf", "b", "3", "c", "0.1", "d"]]),
    ("bigzset", [["zadd", "bigzset", *[x for i in range(300) for x in (str(i / 7), f"m{i}")]]]),
    ("hash", [["hset", "hash", "f", "v", "n", "7"]]),
    ("bighash", [["hset", "bighash", *[x for i in range(600) for x in (f"f{i}", str(i))]]]),
    ("longhash", [["hset", "longhash", "f", "x" * 100]]),
    ("stream", [
        *[["xadd", "stream", f"{i}-1", "a", str(i), *(["b", "x"] if i % 3 == 0 else [])]
          for i in range(1, 251)],
        ["xdel", "stream", "2-1", "50-1"],
        ["xgroup", "create", "stream", "g1", "0"],
        ["xgroup", "create", "stream", "g2", "$"],
        ["xreadgroup", "group", "g1", "alice", "count", "5", "streams", "stream", ">"],
        ["xreadgroup", "group", "g1", "bob", "count", "3", "streams", "stream", ">"],
        ["xack", "stream", "g1", "3-1"],
        ["xgroup", "createconsumer", "stream", "g2", "carol"],
    ]),
    ("emptystream", [["xadd", "emptystream", "5-5", "a", "1"], ["xdel", "emptystream", "5-5"]]),
]


def build(client):
    for _key, commands in KEYS:
        for command in commands:
            client.execute_command(*command)


def describe(client, key):
    """What a client sees of a key, independent of encoding and iteration order."""
    kind = client.type(key).decode()
    if kind == "string":
        out = [client.get(key)]
    elif kind == "list":
        out = client.lrange(key, 0, -1)
    elif kind == "set":
        out = sorted(client.smembers(key))
    elif kind == "zset":
        out = client.zrange(key, 0, -1, withscores=True)
    elif kind == "hash":
        out = sorted(client.hgetall(key).items())
    elif kind == "stream":
        out = [client.xrange(key)]
        info = client.xinfo_stream(key)
        out.append((info["length"], info["last-generated-id"], info["max-deleted-entry-id"],
                    info["entries-added"], info["recorded-first-entry-id"]))
        for group in client.xinfo_groups(key):
            out.append(sorted((k, v) for k, v in group.items() if k != "lag"))
            for consumer in client.xinfo_consumers(key, group["name"]):
                out.append((consumer["name"], consumer["pending"]))
            out.append([(p["message_id"], p["consumer"], p["times_delivered"])
                        for p in client.xpending_range(key, group["name"], "-", "+", 100)])
    else:
        raise AssertionError(f"unexpected type {kind}")
    return kind, out


@pytest.fixture
def pair(ferrite, redis_server):
    f = ferrite.client()
    r = redis_server.client()
    build(f)
    build(r)
    yield f, r
    f.close()
    r.close()


@pytest.mark.parametrize("key", [k for k, _ in KEYS])
def test_redis_dump_restores_in_ferrite_and_back(pair, key):
    f, r = pair
    payload = r.dump(key)
    assert f.restore(f"from-redis:{key}", 0, payload)
    assert describe(f, f"from-redis:{key}") == describe(r, key)
    assert f.object("encoding", f"from-redis:{key}") == r.object("encoding", key) or key == "hll"


@pytest.mark.parametrize("key", [k for k, _ in KEYS])
def test_ferrite_dump_restores_in_redis(pair, key):
    f, r = pair
    payload = f.dump(key)
    assert r.restore(f"from-ferrite:{key}", 0, payload)
    assert describe(r, f"from-ferrite:{key}") == describe(r, key)
    # The encoding Redis gives the restored key is the one a Redis-made DUMP gives it.
    assert r.restore(f"from-redis:{key}", 0, r.dump(key))
    assert r.object("encoding", f"from-ferrite:{key}") == r.object("encoding", f"from-redis:{key}")


@pytest.mark.parametrize("key", ["int", "bigint", "str", "list", "hash", "zset"])
def test_uncompressed_payloads_are_byte_identical(pair, key):
    """Where Redis writes no LZF-compressed part (whose bytes depend on the compressor's
    heuristics), ferrite's DUMP is Redis's, byte for byte."""
    f, r = pair
    assert f.dump(key) == r.dump(key)


def test_ttl_absttl_idletime_and_errors_match(pair):
    f, r = pair
    payload = r.dump("str")
    for client in (f, r):
        client.restore("t1", 100000, payload)
        assert 99000 < client.pttl("t1") <= 100000
        client.restore("t2", 100000, payload, idletime=500)
        assert client.object("idletime", "t2") >= 500
    errors = []
    for client in (f, r):
        got = []
        for args in (
            ["restore", "t1", "0", payload],
            ["restore", "new", "-1", payload],
            ["restore", "new", "0", payload[:-1] + bytes([payload[-1] ^ 1])],
            ["restore", "new", "0", payload, "freq", "256"],
            ["restore", "new", "0", payload, "bogus"],
        ):
            try:
                client.execute_command(*args)
                got.append("OK")
            except redis_py.ResponseError as e:
                got.append(str(e))
        errors.append(got)
    assert errors[0] == errors[1]


def test_hash_field_ttls_use_redis_74_encoding(pair, ferrite):
    if ferrite.kind == "redis":
        pytest.skip("field TTLs are Redis 7.4 commands")
    f, r = pair
    f.execute_command("hset", "ttlhash", "a", "1", "b", "2")
    f.execute_command("hpexpire", "ttlhash", "100000", "fields", "1", "a")
    payload = f.dump("ttlhash")
    assert payload[0] == 25  # RDB_TYPE_HASH_LISTPACK_EX
    assert f.restore("copy", 0, payload)
    assert f.execute_command("hpttl", "copy", "fields", "2", "a", "b")[1] == -1
    # Redis 7.0 does not know the encoding, and says so as for a newer payload.
    with pytest.raises(redis_py.ResponseError, match="DUMP payload version or checksum are wrong"):
        r.restore("copy", 0, payload)
