"""Ferrite through a real client library (redis-py), checked against Redis's documented and
observed behaviour (the expected values were confirmed against redis-server 7.0; run with
`--target=redis` to re-check them)."""

from __future__ import annotations

import time

import pytest
import redis

from conftest import PASSWORD

FAR_FUTURE = 4102444800  # 2100-01-01T00:00:00Z


def wait_until(predicate, timeout=5.0, step=0.02):
    """Polls `predicate` until it is true or `timeout` passes; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(step)


def raw(client, *args):
    """Runs a command on one of the client's connections without redis-py's reply callbacks."""
    conn = client.connection_pool.get_connection()
    try:
        conn.send_command(*args)
        return conn.read_response()
    finally:
        client.connection_pool.release(conn)


# --------------------------------------------------------------------------- strings


def test_set_get_basic(r):
    assert r.get("missing") is None
    assert r.set("k", "v") is True
    assert r.get("k") == "v"
    assert r.set("k", "") is True
    assert r.get("k") == ""
    assert r.strlen("k") == 0
    assert r.set("", "empty key") is True
    assert r.get("") == "empty key"


def test_mset_mget(r):
    assert r.mset({"a": "1", "b": "2", "c": "3"}) is True
    assert r.mget("a", "nope", "c", "b") == ["1", None, "3", "2"]
    assert r.msetnx({"c": "x", "d": "4"}) is False
    assert r.get("d") is None
    assert r.msetnx({"d": "4", "e": "5"}) is True
    assert r.mget(["d", "e"]) == ["4", "5"]


def test_incr_family(r):
    assert r.incr("n") == 1
    assert r.incr("n", 10) == 11
    assert r.decr("n") == 10
    assert r.decr("n", 15) == -5
    assert r.incrby("n", 5) == 0
    assert r.decrby("n", -7) == 7
    assert r.get("n") == "7"
    r.set("big", 2**63 - 1)
    with pytest.raises(redis.ResponseError, match="increment or decrement would overflow"):
        r.incr("big")
    assert r.get("big") == str(2**63 - 1)
    r.set("s", "abc")
    with pytest.raises(redis.ResponseError, match="value is not an integer or out of range"):
        r.incr("s")


def test_incrbyfloat(r):
    assert r.incrbyfloat("f", 10.5) == 10.5
    assert r.incrbyfloat("f", 0.1) == pytest.approx(10.6)
    assert r.get("f") == "10.6"
    r.set("g", "0.1")
    r.incrbyfloat("g", 0.2)
    assert r.get("g") == "0.3"
    r.set("h", "1e3")
    assert r.incrbyfloat("h", "2e2") == 1200.0
    assert r.get("h") == "1200"
    r.set("neg", "5")
    r.incrbyfloat("neg", -7.5)
    assert r.get("neg") == "-2.5"
    r.set("s", "abc")
    with pytest.raises(redis.ResponseError, match="value is not a valid float"):
        r.incrbyfloat("s", 1)


def test_append_strlen(r):
    assert r.append("k", "Hello") == 5
    assert r.append("k", " World") == 11
    assert r.get("k") == "Hello World"
    assert r.strlen("k") == 11
    assert r.strlen("missing") == 0
    r.set("n", 12345)
    assert r.strlen("n") == 5
    assert r.append("n", "6") == 6
    assert r.get("n") == "123456"


def test_getrange_setrange(r):
    r.set("k", "This is a string")
    assert r.getrange("k", 0, 3) == "This"
    assert r.getrange("k", -3, -1) == "ing"
    assert r.getrange("k", 0, -1) == "This is a string"
    assert r.getrange("k", 10, 100) == "string"
    assert r.getrange("k", 5, 2) == ""
    assert r.getrange("missing", 0, -1) == ""
    assert r.setrange("k", 10, "STRING") == 16
    assert r.get("k") == "This is a STRING"
    assert r.setrange("pad", 5, "x") == 6
    assert r.get("pad") == "\x00" * 5 + "x"
    assert r.setrange("nothing", 3, "") == 0
    assert r.exists("nothing") == 0
    with pytest.raises(redis.ResponseError, match="offset is out of range"):
        r.setrange("k", -1, "x")


def test_getex_getdel(r):
    r.set("k", "v")
    assert r.getex("k", ex=100) == "v"
    assert r.ttl("k") in (99, 100)
    assert r.getex("k", px=50_000) == "v"
    assert 0 < r.pttl("k") <= 50_000
    assert r.getex("k", exat=FAR_FUTURE) == "v"
    assert r.expiretime("k") == FAR_FUTURE
    assert r.getex("k", pxat=FAR_FUTURE * 1000 + 123) == "v"
    assert r.execute_command("PEXPIRETIME", "k") == FAR_FUTURE * 1000 + 123
    assert r.getex("k", persist=True) == "v"
    assert r.ttl("k") == -1
    assert r.getex("missing") is None
    assert r.getdel("k") == "v"
    assert r.exists("k") == 0
    assert r.getdel("k") is None
    assert r.getset("gs", "1") is None
    assert r.getset("gs", "2") == "1"
    assert r.get("gs") == "2"


def test_set_options(r):
    assert r.set("k", "v1", nx=True) is True
    assert r.set("k", "v2", nx=True) is None
    assert r.get("k") == "v1"
    assert r.set("k", "v3", xx=True) is True
    assert r.set("other", "v", xx=True) is None
    assert r.exists("other") == 0
    assert r.set("k", "v4", ex=100) is True
    assert r.ttl("k") in (99, 100)
    assert r.set("k", "v5", keepttl=True) is True
    assert r.ttl("k") in (99, 100)
    assert r.set("k", "v6") is True
    assert r.ttl("k") == -1
    assert r.set("k", "v7", px=100_000) is True
    assert 0 < r.pttl("k") <= 100_000
    assert r.set("k", "v8", exat=FAR_FUTURE) is True
    assert r.expiretime("k") == FAR_FUTURE
    assert r.set("k", "v9", get=True) == "v8"
    assert r.set("fresh", "x", get=True) is None
    assert r.get("fresh") == "x"
    assert r.set("k", "v10", nx=True, get=True) == "v9"
    assert r.get("k") == "v9"
    with pytest.raises(redis.ResponseError, match="syntax error"):
        r.execute_command("SET", "k", "v", "NX", "XX")
    with pytest.raises(redis.ResponseError, match="invalid expire time in 'set' command"):
        r.set("k", "v", ex=0)
    assert r.setnx("nx", "1") is True
    assert r.setnx("nx", "2") is False
    assert r.execute_command("SETEX", "sx", 100, "v") is True
    assert r.ttl("sx") in (99, 100)
    assert r.psetex("psx", 100_000, "v") is True
    assert 0 < r.pttl("psx") <= 100_000


def test_lcs(r):
    r.mset({"k1": "ohmytext", "k2": "mynewtext"})
    assert r.lcs("k1", "k2") == "mytext"
    assert r.lcs("k1", "k2", len=True) == 6
    idx = r.lcs("k1", "k2", idx=True, minmatchlen=4, withmatchlen=True)
    assert idx == {"matches": [[[4, 7], [5, 8], 4]], "len": 6} or idx == [
        "matches", [[[4, 7], [5, 8], 4]], "len", 6
    ]


# --------------------------------------------------------------------------- keys


def test_delete_exists_type(r):
    r.mset({"a": 1, "b": 2, "c": 3})
    assert r.exists("a", "a", "b", "zz") == 3
    assert r.delete("a", "zz") == 1
    assert r.unlink("b") == 1
    assert r.exists("a", "b") == 0
    assert r.type("c") == "string"
    assert r.type("a") == "none"
    assert r.touch("c", "a") == 1


def test_keys_and_scan_iter(r):
    names = {f"user:{i}" for i in range(150)} | {"hello", "hallo", "hxllo", "other"}
    with r.pipeline(transaction=False) as p:
        for name in names:
            p.set(name, "x")
        p.execute()
    assert set(r.keys("*")) == names
    assert sorted(r.keys("h?llo")) == ["hallo", "hello", "hxllo"]
    assert sorted(r.keys("h[ae]llo")) == ["hallo", "hello"]
    assert sorted(r.keys("h[^e]llo")) == ["hallo", "hxllo"]
    assert r.keys("nothing*") == []
    assert set(r.scan_iter()) == names
    assert set(r.scan_iter(match="user:1*", count=7)) == {n for n in names if n.startswith("user:1")}
    assert set(r.scan_iter(_type="string")) == names
    assert set(r.scan_iter(_type="hash")) == set()
    assert r.dbsize() == len(names)
    assert r.randomkey() in names


def test_rename_copy_move(r):
    r.set("src", "v", ex=100)
    assert r.rename("src", "dst") is True
    assert r.get("dst") == "v"
    assert r.ttl("dst") in (99, 100)
    with pytest.raises(redis.ResponseError, match="no such key"):
        r.rename("src", "x")
    r.set("other", "o")
    assert r.renamenx("dst", "other") is False
    assert r.renamenx("dst", "fresh") is True
    assert r.copy("fresh", "copied") is True
    assert r.get("copied") == "v"
    assert r.copy("fresh", "other") is False
    assert r.copy("fresh", "other", replace=True) is True
    assert r.get("other") == "v"
    assert r.copy("fresh", "indb1", destination_db=1) is True
    assert r.exists("indb1") == 0
    assert r.move("copied", 1) is True
    assert r.exists("copied") == 0
    assert r.move("missing", 1) is False
    with pytest.raises(redis.ResponseError, match="source and destination objects are the same"):
        r.move("fresh", 0)
    r1 = r.connection_pool.connection_kwargs
    other = redis.Redis(host=r1["host"], port=r1["port"], db=1, decode_responses=True,
                        password=r1.get("password"))
    try:
        assert sorted(other.keys()) == ["copied", "indb1"]
        assert other.get("copied") == "v"
    finally:
        other.close()


def test_expire_ttl_persist(r):
    assert r.ttl("missing") == -2
    assert r.pttl("missing") == -2
    assert r.expiretime("missing") == -2
    r.set("k", "v")
    assert r.ttl("k") == -1
    assert r.pttl("k") == -1
    assert r.expiretime("k") == -1
    assert r.expire("k", 100, xx=True) is False
    assert r.expire("k", 100, nx=True) is True
    assert r.expire("k", 200, nx=True) is False
    assert r.expire("k", 50, gt=True) is False
    assert r.expire("k", 200, gt=True) is True
    assert r.expire("k", 300, lt=True) is False
    assert r.expire("k", 150, lt=True) is True
    assert r.ttl("k") in (149, 150)
    assert r.pexpire("k", 120_000) is True
    assert 0 < r.pttl("k") <= 120_000
    assert r.expireat("k", FAR_FUTURE) is True
    assert r.expiretime("k") == FAR_FUTURE
    assert r.pexpireat("k", FAR_FUTURE * 1000 + 5) is True
    assert r.execute_command("PEXPIRETIME", "k") == FAR_FUTURE * 1000 + 5
    assert r.persist("k") is True
    assert r.persist("k") is False
    assert r.ttl("k") == -1
    assert r.expire("k", 0) is True
    assert r.exists("k") == 0
    r.set("k", "v")
    assert r.expireat("k", 1000) is True
    assert r.get("k") is None


def test_object_encoding(r):
    r.set("int", "12345")
    r.set("emb", "a" * 44)
    r.set("raw", "a" * 45)
    r.set("notint", "012")
    assert r.object("encoding", "int") == "int"
    assert r.object("encoding", "emb") == "embstr"
    assert r.object("encoding", "raw") == "raw"
    assert r.object("encoding", "notint") == "embstr"
    r.append("emb", "x")
    assert r.object("encoding", "emb") == "raw"
    assert r.object("encoding", "missing") is None


def test_expiry_really_expires(r):
    r.set("short", "v", px=300)
    r.set("long", "v")
    r.set("lazy", "v", px=300)
    # Lazy expiry: the key reads as gone once its deadline passed.
    assert wait_until(lambda: r.get("short") is None), "key with PX 300 never expired"
    assert r.exists("short") == 0
    assert r.ttl("short") == -2
    # Active expiry: a key nobody touches is reclaimed, so DBSIZE drops to the persistent key.
    assert wait_until(lambda: r.dbsize() == 1), f"dbsize stuck at {r.dbsize()}"
    assert r.get("long") == "v"


def test_expire_negative_deletes(r):
    r.set("k", "v")
    assert r.pexpire("k", -1) is True
    assert r.exists("k") == 0


# --------------------------------------------------------------------------- pipelines / RESP3


def test_pipeline_hundreds(r):
    n = 500
    with r.pipeline(transaction=False) as p:
        for i in range(n):
            p.set(f"key:{i}", i)
        for i in range(n):
            p.incr(f"key:{i}")
        p.get("key:0")
        p.get("missing")
        p.dbsize()
        results = p.execute()
    assert results[:n] == [True] * n
    assert results[n : 2 * n] == [i + 1 for i in range(n)]
    assert results[2 * n :] == ["1", None, n]


def test_pipeline_errors_inline(r):
    r.set("s", "abc")
    with r.pipeline(transaction=False) as p:
        p.set("a", "1")
        p.incr("s")
        p.get("a")
        results = p.execute(raise_on_error=False)
    assert results[0] is True
    assert isinstance(results[1], redis.ResponseError)
    assert results[2] == "1"


def test_resp3(ferrite):
    c = ferrite.client(protocol=3, decode_responses=True)
    try:
        assert c.ping() is True
        assert c.set("k", "v") is True
        assert c.get("k") == "v"
        assert c.get("missing") is None
        assert c.mget("k", "missing") == ["v", None]
        assert c.incrbyfloat("f", 1.5) == 1.5
        assert c.config_get("hz") == {"hz": "10"}
        assert c.ttl("k") == -1
        assert c.client_getname() is None
        hello = c.execute_command("HELLO", "3")
        assert hello["proto"] == 3
        assert hello["server"] == "redis"
        assert hello["mode"] == "standalone"
        assert hello["role"] == "master"
        assert isinstance(hello["id"], int)
        with c.pipeline(transaction=False) as p:
            for i in range(200):
                p.set(f"p{i}", i)
            p.get("p199")
            assert p.execute()[-1] == "199"
    finally:
        c.close()


# --------------------------------------------------------------------------- connection / server


def test_client_commands(r):
    assert r.client_getname() is None
    assert r.client_setname("tester") is True
    assert r.client_getname() == "tester"
    with pytest.raises(redis.ResponseError, match="Client names cannot contain spaces"):
        r.client_setname("has space")
    cid = r.client_id()
    assert isinstance(cid, int) and cid > 0
    info = r.client_info()
    assert int(info["id"]) == cid
    assert info["name"] == "tester"
    assert info["db"] in (0, "0")
    assert info["cmd"] == "client|info"
    clients = r.client_list()
    mine = [c for c in clients if int(c["id"]) == cid]
    assert len(mine) == 1 and mine[0]["name"] == "tester"
    assert mine[0]["addr"].startswith("127.0.0.1:")


def test_info(r, ferrite):
    info = r.info()
    assert "redis_version" in info
    assert int(info["tcp_port"]) == ferrite.port
    assert int(info["connected_clients"]) >= 1
    r.mset({"a": 1, "b": 2})
    r.set("c", 3, ex=100)
    info = r.info("keyspace")
    assert info["db0"]["keys"] == 3
    assert info["db0"]["expires"] == 1
    assert "db1" not in info
    server = r.info("server")
    assert "redis_version" in server and "connected_clients" not in server
    assert "connected_clients" in r.info("clients")


def test_config_get_set(r):
    assert r.config_get("hz") == {"hz": "10"}
    assert r.config_get("databases") == {"databases": "16"}
    assert r.config_set("hz", 20) is True
    try:
        assert r.config_get("hz") == {"hz": "20"}
    finally:
        r.config_set("hz", 10)
    with pytest.raises(redis.ResponseError, match="Unknown option"):
        r.config_set("no-such-option", 1)
    assert r.config_get("no-such-option") == {}


def test_select_swapdb_flushdb_dbsize(r, ferrite):
    r.set("in0", "a")
    c1 = ferrite.client(db=1, decode_responses=True)
    try:
        c1.set("in1", "b")
        c1.set("in1b", "c")
        assert r.dbsize() == 1
        assert c1.dbsize() == 2
        assert r.swapdb(0, 1) is True
        assert sorted(r.keys()) == ["in1", "in1b"]
        assert c1.keys() == ["in0"]
        assert c1.flushdb() is True
        assert c1.dbsize() == 0
        assert r.dbsize() == 2
        with pytest.raises(redis.ResponseError, match="DB index is out of range"):
            r.execute_command("SELECT", 16)
    finally:
        c1.close()
    conn = r.connection_pool.get_connection()
    try:
        conn.send_command("SELECT", 5)
        assert conn.read_response() == "OK"
        conn.send_command("SET", "five", "5")
        conn.read_response()
        conn.send_command("DBSIZE")
        assert conn.read_response() == 1
        conn.send_command("SELECT", 0)
        conn.read_response()
    finally:
        r.connection_pool.release(conn)
    assert r.exists("five") == 0


def test_auth(ferrite_auth):
    bare = ferrite_auth.client(password=None, decode_responses=True)
    try:
        with pytest.raises(redis.AuthenticationError, match="Authentication required"):
            bare.get("k")
    finally:
        bare.close()
    bare3 = ferrite_auth.client(password=None, protocol=3, decode_responses=True)
    try:
        with pytest.raises(redis.AuthenticationError, match="HELLO must be called with the client"):
            bare3.get("k")
    finally:
        bare3.close()
    wrong = ferrite_auth.client(password="wrong", decode_responses=True)
    try:
        with pytest.raises(redis.AuthenticationError, match="invalid username-password pair"):
            wrong.ping()
    finally:
        wrong.close()
    for protocol in (2, 3):  # RESP2: AUTH <pass>; RESP3: HELLO 3 AUTH default <pass>
        good = ferrite_auth.client(password=PASSWORD, protocol=protocol, decode_responses=True)
        try:
            assert good.ping() is True
            assert good.set("k", "v") is True
            assert good.get("k") == "v"
        finally:
            good.close()
    with ferrite_auth.conn(auth=False) as conn:
        assert conn.call_raw("GET", "k") == b"-NOAUTH Authentication required.\r\n"
        assert conn.call_raw("AUTH", "nope") == (
            b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
        )
        assert conn.call_raw("AUTH", PASSWORD) == b"+OK\r\n"
        assert conn.call_raw("GET", "k") == b"$1\r\nv\r\n"


def test_ping_echo_time(r):
    assert r.ping() is True
    assert r.echo("hello") == "hello"
    assert raw(r, "PING", "msg") == "msg"
    secs, micros = r.time()
    assert abs(secs - time.time()) < 60  # same machine clock; not a timing threshold
    assert 0 <= micros < 1_000_000


def test_command_count_and_info(r):
    count = r.command_count()
    assert isinstance(count, int) and count > 0
    info = raw(r, "COMMAND", "INFO", "get", "set", "nosuchcommand")
    assert info[2] is None
    get = info[0]
    assert get[0] == "get"
    assert get[1] == 2  # arity
    assert "readonly" in get[2] and "fast" in get[2]
    assert get[3:6] == [1, 1, 1]
    assert info[1][0] == "set" and info[1][1] == -3


def test_large_value_round_trip(rb):
    value = bytes(range(256)) * (5 * 1024 * 1024 // 256)
    assert len(value) == 5 * 1024 * 1024
    assert rb.set(b"big", value) is True
    assert rb.strlen(b"big") == len(value)
    assert rb.get(b"big") == value
    assert rb.getrange(b"big", 1_000_000, 1_000_255) == value[1_000_000:1_000_256]
    assert rb.append(b"big", b"tail") == len(value) + 4


def test_binary_safe(rb):
    all_bytes = bytes(range(256))
    for b in range(256):
        key = b"k" + bytes([b]) + b"\r\n\x00"
        assert rb.set(key, bytes([b]) * 3) is True
    for b in range(256):
        key = b"k" + bytes([b]) + b"\r\n\x00"
        assert rb.get(key) == bytes([b]) * 3
    assert rb.dbsize() == 256
    assert rb.set(all_bytes, all_bytes[::-1]) is True
    assert rb.get(all_bytes) == all_bytes[::-1]
    assert all_bytes in rb.keys(b"\x00*")
    assert rb.append(all_bytes, all_bytes) == 512
    assert rb.getrange(all_bytes, 256, -1) == all_bytes
