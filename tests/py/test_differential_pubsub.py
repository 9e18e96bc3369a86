"""Differential tests of pub/sub and keyspace notifications: the same scenario runs against
ferrite and a real redis-server, and what every connection receives must be identical.

A scenario drives several named connections. After each command a connection also sends
`PING <token>` and reads every frame up to that PING's reply: the command's reply together with
the pushes that arrived around it, in order, byte for byte. Another connection's messages are
collected the same way (`pending`): the PING travels behind them.

Keyspace notification streams are compared per command: a subscriber connection
PSUBSCRIBEs to `__key*__:*`, and after each command of a sequence it collects its messages up
to a PING, so every event is attributed to the command that caused it. The same sequences
also run with the commanding connection subscribed to its own events over RESP3, where Redis
7.0 writes each event into the reply at the moment it is published (a SET's event before its
`+OK`, a GETDEL's after its value), and that interleaving is compared too.

What cannot agree byte for byte, and how it is compared instead:
* UNSUBSCRIBE without arguments answers in the order of Redis's hash table of the client's
  channels (ferrite: subscription order): `unordered` steps compare the names and the counts
  as multisets.
* PUBSUB CHANNELS / SHARDCHANNELS list in hash-table order (ferrite: byte order): compared
  sorted.
* A message matching several patterns of one subscriber is delivered in the order of Redis's
  pattern hash table (ferrite: byte order): scenarios use at most one matching pattern per
  subscriber.
* CLIENT LIST lines carry ids, addresses and ages: only the pub/sub fields are compared; the
  connection id in HELLO's reply is masked.
"""

from __future__ import annotations

import re
import time

import pytest

from resp_util import RespConn, encode, parse

# --------------------------------------------------------------------------- connections


class Conn:
    """One connection of a scenario, reading everything up to a PING sentinel."""

    def __init__(self, port: int, name: str):
        self.conn = RespConn(port, timeout=5.0)
        self.name = name
        self.n = 0
        # Inside MULTI a PING would be queued: commands then read their one reply.
        self.in_multi = False

    def _ping_reply(self, raw: bytes, token: bytes) -> bool:
        bulk = b"$%d\r\n%s\r\n" % (len(token), token)
        pong = b"*2\r\n$4\r\npong\r\n" + bulk
        return raw == bulk or raw == pong

    def _until_ping(self) -> list[bytes]:
        self.n += 1
        token = f"{self.name}-sentinel-{self.n}".encode()
        self.conn.send_raw(encode("PING", token))
        frames = []
        for _ in range(100_000):
            raw = self.conn.read_reply()
            if self._ping_reply(raw, token):
                return frames
            frames.append(raw)
        raise AssertionError("no end to the frames")

    def cmd(self, *args) -> list[bytes]:
        """Sends a command; returns its reply and every push around it."""
        self.conn.send_raw(encode(*args))
        name = str(args[0]).upper()
        if self.in_multi and name not in ("EXEC", "DISCARD", "RESET", "MULTI"):
            return [self.conn.read_reply()]
        if self.in_multi and name == "MULTI":
            return [self.conn.read_reply()]
        frames = self._until_ping() if not (name == "MULTI") else [self.conn.read_reply()]
        if name == "MULTI":
            self.in_multi = frames == [b"+OK\r\n"]
            if not self.in_multi:
                frames += self._until_ping()
        else:
            self.in_multi = False
        return frames

    def pending(self) -> list[bytes]:
        """What arrived since the last read (messages published by others)."""
        return self._until_ping()

    def send(self, *args) -> None:
        self.conn.send_raw(encode(*args))

    def read(self) -> bytes:
        return self.conn.read_reply()

    def close(self):
        self.conn.close()


class Transcript:
    """Runs steps against one server, recording what each connection saw."""

    def __init__(self, port: int):
        self.port = port
        self.conns: dict[str, Conn] = {}
        self.log: list[tuple[str, object]] = []

    def __getitem__(self, name: str) -> Conn:
        if name not in self.conns:
            self.conns[name] = Conn(self.port, name)
        return self.conns[name]

    def record(self, label: str, observed):
        self.log.append((label, observed))

    def close(self):
        for conn in self.conns.values():
            conn.close()


# Step helpers: (connection, args, mode). Modes: "exact", "unordered" (frames as a multiset),
# "sorted" (one array reply compared sorted), "pending" (collect messages), "clients" (CLIENT
# LIST pub/sub fields).


def C(conn, *args):
    return (conn, args, "exact")


def U(conn, *args):
    return (conn, args, "unordered")


def S(conn, *args):
    return (conn, args, "sorted")


def P(conn):
    return (conn, (), "pending")


def CL(conn, *args):
    return (conn, args, "clients")


def _client_fields(raw: bytes):
    text = parse(raw)
    if not isinstance(text, bytes):
        return raw
    rows = []
    for line in text.decode().splitlines():
        fields = dict(f.split("=", 1) for f in line.split(" ") if "=" in f)
        rows.append(tuple(fields.get(k) for k in ("flags", "sub", "psub", "ssub")))
    return sorted(rows)


def _without_client_id(frame: bytes) -> bytes:
    """HELLO's reply carries the connection id, which legitimately differs."""
    return re.sub(rb"\$2\r\nid\r\n:\d+\r\n", b"$2\r\nid\r\n:<id>\r\n", frame)


def run(port: int, steps) -> list:
    t = Transcript(port)
    try:
        for conn, args, mode in steps:
            label = f"{conn}: {' '.join(str(a)[:40] for a in args) or '(pending)'} [{mode}]"
            try:
                if mode == "pending":
                    obs = t[conn].pending()
                else:
                    frames = t[conn].cmd(*args)
                    if mode == "unordered":
                        # Names in any order; the running counts then count down whatever
                        # the order, so compare them as a multiset too.
                        parsed = [parse(f) for f in frames]
                        obs = (sorted(repr(p[:2]) for p in parsed), sorted(repr(p[2:]) for p in parsed))
                    elif mode == "sorted":
                        obs = [sorted(parse(f), key=repr) if isinstance(parse(f), list) else f for f in frames]
                    elif mode == "clients":
                        obs = [_client_fields(f) for f in frames]
                    else:
                        obs = [_without_client_id(f) for f in frames]
            except Exception as exc:  # noqa: BLE001 - recorded and compared
                t.record(label, f"<{type(exc).__name__}: {exc}>")
                break
            t.record(label, obs)
    finally:
        t.close()
    return t.log


def compare(name, steps, ferrite, redis_server):
    ours = run(ferrite.port, steps)
    theirs = run(redis_server.port, steps)
    if ours == theirs:
        return
    lines = [f"scenario {name!r}: ferrite and redis-server disagree"]
    for i in range(max(len(ours), len(theirs))):
        a = ours[i] if i < len(ours) else ("<missing>", None)
        b = theirs[i] if i < len(theirs) else ("<missing>", None)
        mark = "  " if a == b else "!!"
        lines.append(f"{mark} [{i}] {a[0]}")
        if a != b:
            lines.append(f"        ferrite: {a[1]!r}"[:3000])
            lines.append(f"        redis:   {b[1]!r}"[:3000])
    pytest.fail("\n".join(lines), pytrace=False)


# --------------------------------------------------------------------------- pub/sub scenarios

BIN = "bin\r\n\x00ary"

SCENARIOS = {
    "subscribe-publish-unsubscribe": [
        C("a", "SUBSCRIBE", "ch1", "ch2", "ch1"), C("b", "PUBLISH", "ch1", "hello"),
        C("b", "PUBLISH", "nobody", "x"), P("a"), C("b", "PUBLISH", "ch2", ""), P("a"),
        C("a", "PING"), C("a", "PING", "msg"), C("a", "GET", "k"), C("a", "SET", "k", "v"),
        C("a", "CLIENT", "LIST"), C("a", "UNSUBSCRIBE", "nope"), C("a", "UNSUBSCRIBE", "ch1"),
        C("b", "PUBLISH", "ch1", "gone"), C("a", "UNSUBSCRIBE", "ch2"), C("a", "UNSUBSCRIBE"),
        C("a", "PUNSUBSCRIBE"), C("a", "SUNSUBSCRIBE"), C("a", "GET", "k"), C("a", "PING"),
    ],
    "unsubscribe-all": [
        C("a", "SUBSCRIBE", "x", "y", "z"), U("a", "UNSUBSCRIBE"), C("a", "SUBSCRIBE", "x"),
        C("a", "PSUBSCRIBE", "p1", "p2", "p3"), C("a", "PUNSUBSCRIBE"), C("a", "UNSUBSCRIBE"),
        C("a", "PSUBSCRIBE", "q"), C("a", "UNSUBSCRIBE"), C("a", "PUNSUBSCRIBE", "q", "r"),
    ],
    "patterns": [
        C("a", "PSUBSCRIBE", "news.*", "h?llo", "x[ab]y", "esc\\*"), C("b", "PUBLISH", "news.tech", "1"),
        C("b", "PUBLISH", "hello", "2"), C("b", "PUBLISH", "hallo", "3"), C("b", "PUBLISH", "haallo", "4"),
        C("b", "PUBLISH", "xay", "5"), C("b", "PUBLISH", "xcy", "6"), C("b", "PUBLISH", "esc*", "7"),
        C("b", "PUBLISH", "escX", "8"), C("b", "PUBLISH", "NEWS.tech", "9"), P("a"),
        C("b", "PUBSUB", "NUMPAT"), C("a", "PUNSUBSCRIBE", "news.*"), C("b", "PUBLISH", "news.x", "10"),
        P("a"), C("a", "PUNSUBSCRIBE", "h?llo", "x[ab]y", "nope"), C("b", "PUBSUB", "NUMPAT"),
    ],
    "channel-and-pattern-count-twice": [
        C("a", "SUBSCRIBE", "ch"), C("a", "PSUBSCRIBE", "c*"), C("b", "PSUBSCRIBE", "c*"),
        C("c", "SUBSCRIBE", "ch"), C("d", "PUBLISH", "ch", "m"), P("a"), P("b"), P("c"),
        C("d", "PUBSUB", "NUMSUB", "ch", "c*", "none"), C("d", "PUBSUB", "NUMPAT"),
        C("a", "UNSUBSCRIBE", "ch"), C("d", "PUBLISH", "ch", "m2"), P("a"), P("c"),
    ],
    "subscribers-in-subscription-order": [
        C("s3", "SUBSCRIBE", "ch"), C("s1", "SUBSCRIBE", "ch"), C("s2", "SUBSCRIBE", "ch"),
        C("p", "PUBLISH", "ch", "one"), C("p", "PUBLISH", "ch", "two"), P("s1"), P("s2"), P("s3"),
        C("s1", "UNSUBSCRIBE"), C("p", "PUBLISH", "ch", "three"), P("s2"), P("s3"),
        C("p", "PUBSUB", "NUMSUB", "ch"),
    ],
    "shard-channels": [
        C("a", "SSUBSCRIBE", "s1", "s2", "s1"), C("a", "SUBSCRIBE", "s1"), C("b", "SPUBLISH", "s1", "x"),
        C("b", "PUBLISH", "s1", "y"), C("b", "SPUBLISH", "nobody", "z"), P("a"),
        S("b", "PUBSUB", "SHARDCHANNELS"), C("b", "PUBSUB", "SHARDCHANNELS", "s2"),
        C("b", "PUBSUB", "SHARDNUMSUB", "s1", "s2", "s3"), C("b", "PUBSUB", "SHARDNUMSUB"),
        C("b", "PUBSUB", "NUMSUB", "s1"), C("a", "UNSUBSCRIBE", "s1"), C("a", "GET", "k"),
        C("a", "SUNSUBSCRIBE", "s1"), C("a", "SUNSUBSCRIBE", "s9"), C("a", "SUNSUBSCRIBE"),
        C("a", "SUNSUBSCRIBE"), C("a", "GET", "k"), C("b", "PUBSUB", "SHARDNUMSUB", "s1"),
    ],
    "resp3-pushes": [
        C("a", "HELLO", "3"), C("a", "SUBSCRIBE", "ch"), C("b", "PUBLISH", "ch", "from-b"), P("a"),
        C("a", "PUBLISH", "ch", "from-self"), C("a", "GET", "k"), C("a", "SET", "k", "v"), C("a", "PING"),
        C("a", "PSUBSCRIBE", "c?"), C("a", "PUBLISH", "ch", "twice"), C("a", "UNSUBSCRIBE"),
        C("a", "PUNSUBSCRIBE"), C("a", "UNSUBSCRIBE"), C("a", "SSUBSCRIBE", "sh"), C("a", "SPUBLISH", "sh", "s"),
        C("a", "SUNSUBSCRIBE"), C("a", "HELLO", "2"),
    ],
    "protocol-switch-while-subscribed": [
        C("a", "HELLO", "3"), C("a", "SUBSCRIBE", "ch"), C("a", "HELLO", "2"), C("b", "PUBLISH", "ch", "r2"),
        P("a"), C("a", "GET", "k"), C("a", "RESET"), C("a", "GET", "k"), C("b", "PUBLISH", "ch", "none"),
        C("b", "PUBSUB", "NUMSUB", "ch"),
    ],
    "transactions": [
        C("a", "MULTI"), C("a", "SUBSCRIBE", "ch"), C("a", "PUBLISH", "ch", "in-exec"), C("a", "GET", "k"),
        C("a", "EXEC"), C("a", "MULTI"), C("a", "RESET"), C("a", "MULTI"), C("a", "SSUBSCRIBE", "s"),
        C("a", "PSUBSCRIBE", "p"), C("a", "EXEC"), C("a", "PUNSUBSCRIBE"), C("a", "GET", "k"),
        C("b", "HELLO", "3"), C("b", "SUBSCRIBE", "q"), C("b", "MULTI"), C("b", "PUBLISH", "q", "1"),
        C("b", "SET", "k", "v"), C("b", "EXEC"), C("b", "WATCH", "k"), C("b", "UNWATCH"),
    ],
    "reset-and-quit": [
        C("a", "SUBSCRIBE", "ch"), C("a", "PSUBSCRIBE", "p*"), C("a", "SSUBSCRIBE", "s"),
        C("a", "RESET"), C("b", "PUBLISH", "ch", "x"), C("b", "PUBLISH", "pq", "x"),
        C("b", "SPUBLISH", "s", "x"), P("a"), C("b", "PUBSUB", "NUMPAT"),
        C("b", "PUBSUB", "NUMSUB", "ch"), C("b", "PUBSUB", "SHARDNUMSUB", "s"),
    ],
    "binary-and-large": [
        C("a", "SUBSCRIBE", BIN, ""), C("b", "PUBLISH", BIN, BIN), C("b", "PUBLISH", "", ""),
        C("b", "PUBLISH", BIN, "z" * 100_000), P("a"), C("a", "PSUBSCRIBE", "bin*"), C("b", "PUBLISH", BIN, "p"),
        P("a"), C("b", "PUBSUB", "NUMSUB", BIN, ""),
    ],
    "errors": [
        C("a", "SUBSCRIBE"), C("a", "PSUBSCRIBE"), C("a", "SSUBSCRIBE"), C("a", "PUBLISH", "x"),
        C("a", "PUBLISH", "x", "y", "z"), C("a", "SPUBLISH", "x"), C("a", "PUBSUB"), C("a", "PUBSUB", "FOO"),
        C("a", "PUBSUB", "CHANNELS", "a", "b"), C("a", "PUBSUB", "SHARDCHANNELS", "a", "b"),
        C("a", "PUBSUB", "NUMPAT", "x"), C("a", "PUBSUB", "HELP"), C("a", "PUBSUB", "help", "x"),
        C("a", "PUBSUB", "NUMSUB"), C("a", "PUBSUB", "CHANNELS"), C("a", "SUBSCRIBE", "c"),
        C("a", "PUBSUB", "NUMSUB"), C("a", "MULTI"), C("a", "HELLO"), C("a", "CLIENT", "KILL", "TYPE", "pubsub"),
    ],
    "pubsub-introspection": [
        C("a", "SUBSCRIBE", "news.1", "news.2", "other"), C("b", "SUBSCRIBE", "news.1"),
        C("c", "PSUBSCRIBE", "news.*", "x"), S("d", "PUBSUB", "CHANNELS"), S("d", "PUBSUB", "CHANNELS", "news.*"),
        S("d", "PUBSUB", "CHANNELS", "NEWS.*"), S("d", "PUBSUB", "CHANNELS", "*"), C("d", "PUBSUB", "NUMPAT"),
        C("d", "PUBSUB", "NUMSUB", "news.1", "news.2", "news.*", "x"), CL("d", "CLIENT", "LIST", "TYPE", "pubsub"),
        CL("d", "CLIENT", "LIST", "TYPE", "normal"), C("d", "CLIENT", "KILL", "TYPE", "pubsub", "SKIPME", "no"),
        S("d", "PUBSUB", "CHANNELS"), C("d", "PUBSUB", "NUMPAT"),
    ],
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_pubsub_scenarios(name, ferrite, redis_server):
    compare(name, SCENARIOS[name], ferrite, redis_server)


def test_config_values(ferrite, redis_server):
    steps = []
    for value in ["KEA", "KA", "Kg$lshzxetdnm", "gE", "", "Elshn", "mK", "AKEmn", "xe", "KEAq", "X",
                  "kea", "A"]:
        steps += [C("a", "CONFIG", "SET", "notify-keyspace-events", value),
                  C("a", "CONFIG", "GET", "notify-keyspace-events")]
    for value in ["pubsub 1mb 0 0", "pubsub 1mb 0", "foo 1mb 0 0", "pubsub x 0 0", "pubsub 1 2 -1",
                  "pubsub 1 2 x", "replica 1k 2k 3 normal 5 6 7", "master 1k 2k 3", "", "Pubsub 1gb 1GB 1",
                  "slave 1 2 3 slave 4 5 6", "pubsub 10kb 5kb +2", "normal 0 0 0 slave 268435456 67108864 60 "
                  "pubsub 33554432 8388608 60"]:
        steps += [C("a", "CONFIG", "SET", "client-output-buffer-limit", value),
                  C("a", "CONFIG", "GET", "client-output-buffer-limit")]
    steps += [C("a", "CONFIG", "SET", "notify-keyspace-events", "")]
    compare("config", steps, ferrite, redis_server)


# --------------------------------------------------------------------------- notification streams

NOTIFY_SEQUENCES = {
    "strings": [
        ("SET", "k", "v"), ("SET", "k", "v2", "EX", 100), ("SET", "k", "v3", "KEEPTTL"),
        ("SET", "k", "v4", "GET", "PX", 50000), ("SET", "k", "v", "NX"), ("SET", "nk", "v", "XX"),
        ("SET", "gk", "v", "GET"), ("GETSET", "k", "g"), ("GETDEL", "k"), ("GETDEL", "k"),
        ("GETEX", "gk", "EX", 100), ("GETEX", "gk", "PERSIST"), ("GETEX", "gk", "PERSIST"),
        ("GETEX", "gk", "PXAT", 1), ("GETEX", "missing", "EX", 5), ("SETNX", "a", 1), ("SETNX", "a", 2),
        ("SETEX", "b", 100, "v"), ("PSETEX", "b", 100000, "v"), ("MSET", "a", 1, "c", 2),
        ("MSETNX", "a", 1, "d", 2), ("MSETNX", "d", 1, "e", 2), ("INCR", "n"), ("INCRBY", "n", 5),
        ("DECR", "n"), ("DECRBY", "n", 2), ("INCRBYFLOAT", "n", "1.5"), ("INCR", "n"), ("APPEND", "n", "x"),
        ("APPEND", "new", "x"), ("SETRANGE", "new", 0, ""), ("SETRANGE", "sr", 0, ""), ("SETRANGE", "sr", 3, "ab"),
        ("SETRANGE", "sr", 0, "Z"), ("GET", "nokey"), ("MGET", "a", "nokey", "b"), ("STRLEN", "nokey"),
        ("GETRANGE", "nokey", 0, 1), ("LCS", "nokey", "a"), ("GET", "a"), ("SET", "k", "v", "PXAT", 1),
        ("GET", "k"), ("SET", "k", "v", "EXAT", 1), ("SET", "k", "again"),
    ],
    "generic": [
        ("SET", "k", "v"), ("EXPIRE", "k", 100), ("EXPIRE", "k", 100, "NX"), ("PEXPIRE", "k", 5000, "XX"),
        ("EXPIREAT", "k", 4102444800, "GT"), ("PEXPIREAT", "k", 1, "GT"), ("TYPE", "k"), ("PERSIST", "k"),
        ("PERSIST", "k"), ("EXPIRE", "nokey", 5), ("EXPIRE", "k", 0), ("SET", "k", "v"), ("PEXPIREAT", "k", 1),
        ("SET", "k", "v"), ("EXPIRE", "k", -5), ("SET", "k", "v"), ("RENAME", "k", "k2"), ("RENAME", "k2", "k2"),
        ("SET", "k3", "x"), ("RENAME", "k2", "k3"), ("RENAMENX", "k3", "k4"), ("SET", "k5", "y"),
        ("RENAMENX", "k4", "k5"), ("RENAME", "nokey", "x"), ("COPY", "k4", "c1"), ("COPY", "k4", "c1"),
        ("COPY", "k4", "c1", "REPLACE"), ("COPY", "k4", "c2", "DB", 3), ("COPY", "nokey", "c3"),
        ("MOVE", "c1", 2), ("MOVE", "k5", 2), ("SET", "k5", "z"), ("MOVE", "k5", 2), ("DEL", "k4", "nokey", "k5"),
        ("UNLINK", "c1", "k3"), ("EXISTS", "k3", "nokey"), ("TYPE", "nokey"), ("TOUCH", "nokey"),
        ("OBJECT", "ENCODING", "nokey"), ("PTTL", "nokey"), ("EXPIRETIME", "nokey"), ("DBSIZE",),
        ("SET", "e", "1", "EX", 100), ("RENAME", "e", "e2"), ("EXISTS", "e2"), ("SELECT", 4), ("SET", "k", "v4"),
        ("DEL", "k"), ("SELECT", 0), ("FLUSHDB",), ("SET", "x", 1), ("FLUSHALL",), ("SET", "x", 1),
        ("SWAPDB", 0, 1), ("SWAPDB", 0, 1),
    ],
    "lists": [
        ("LPUSH", "l", "a", "b", "c"), ("RPUSH", "l", "d"), ("LPUSHX", "nol", "a"), ("RPUSHX", "l", "e"),
        ("LPOP", "l"), ("RPOP", "l", 2), ("LPOP", "l", 0), ("LPOP", "nol"), ("RPOP", "nol", 3),
        ("LINSERT", "l", "BEFORE", "b", "x"), ("LINSERT", "l", "AFTER", "zz", "x"), ("LINSERT", "nol", "BEFORE", "b", "x"),
        ("LSET", "l", 0, "y"), ("LSET", "l", 99, "y"), ("LSET", "nol", 0, "y"), ("LREM", "l", 0, "nothing"),
        ("LREM", "l", 1, "y"), ("LTRIM", "l", 0, -1), ("LTRIM", "nol", 0, 1), ("LTRIM", "l", 5, 10),
        ("RPUSH", "src", 1, 2, 3), ("RPOPLPUSH", "src", "dst"), ("LMOVE", "src", "dst", "LEFT", "RIGHT"),
        ("LMOVE", "dst", "dst", "LEFT", "RIGHT"), ("LMOVE", "src", "dst", "LEFT", "LEFT"), ("LMOVE", "nosrc", "dst", "LEFT", "LEFT"),
        ("LMPOP", 2, "nol", "dst", "LEFT", "COUNT", 2), ("LMPOP", 1, "dst", "RIGHT", "COUNT", 5),
        ("RPUSH", "b", 1), ("BLPOP", "b", 1), ("BRPOP", "nol", "0.01"), ("RPUSH", "b", 1, 2),
        ("BLMOVE", "b", "c", "RIGHT", "LEFT", 1), ("BRPOPLPUSH", "b", "c", 1), ("BLMPOP", 1, 1, "c", "RIGHT", "COUNT", 9),
        ("LRANGE", "nol", 0, 1), ("LLEN", "nol"), ("LINDEX", "nol", 0), ("LPOS", "nol", "a"),
        ("RPUSH", "x", "a", "a"), ("LREM", "x", 0, "a"), ("RPUSH", "x", "a"), ("LPOP", "x", 1),
    ],
    "hashes": [
        ("HSET", "h", "a", 1, "b", 2), ("HSET", "h", "a", 1), ("HMSET", "h", "c", 3), ("HSETNX", "h", "a", 9),
        ("HSETNX", "h", "z", 9), ("HSETNX", "h2", "z", 9), ("HINCRBY", "h", "a", 5), ("HINCRBY", "h3", "a", 5),
        ("HINCRBY", "h", "c", "x"), ("HSET", "h", "s", "str"), ("HINCRBY", "h", "s", 1),
        ("HINCRBYFLOAT", "h", "a", "1.5"), ("HINCRBYFLOAT", "h4", "a", "1.5"), ("HINCRBYFLOAT", "h", "s", "1"),
        ("HDEL", "h", "nope"), ("HDEL", "h", "a", "b"), ("HDEL", "h2", "z"), ("HDEL", "nokey", "z"),
        ("HGET", "noh", "a"), ("HGETALL", "noh"), ("HLEN", "noh"), ("HMGET", "noh", "a"), ("HEXISTS", "noh", "a"),
        ("HKEYS", "noh"), ("HVALS", "noh"), ("HSTRLEN", "noh", "a"), ("HRANDFIELD", "noh"), ("HSCAN", "noh", 0),
        ("HDEL", "h", "c", "s", "z"), ("EXISTS", "h"),
    ],
    "sets": [
        ("SADD", "s", "a", "b"), ("SADD", "s", "a"), ("SREM", "s", "zz"), ("SREM", "s", "a"), ("SREM", "s", "b"),
        ("SREM", "nos", "b"), ("SADD", "s", 1, 2, 3), ("SMOVE", "s", "d", 1), ("SMOVE", "s", "d", 1),
        ("SMOVE", "s", "s", 2), ("SMOVE", "nos", "d", 2), ("SADD", "d", 2), ("SMOVE", "s", "d", 2),
        ("SMOVE", "s", "d", 3), ("SPOP", "nos"), ("SADD", "p", 1), ("SPOP", "p"), ("SADD", "p", 1, 2),
        ("SPOP", "p", 0), ("SPOP", "p", 5), ("SPOP", "p", 5), ("SADD", "a", 1, 2, 3), ("SADD", "b", 2, 3, 4),
        ("SINTERSTORE", "dst", "a", "b"), ("SINTERSTORE", "dst", "a", "b"), ("SINTERSTORE", "dst", "a", "nokey"),
        ("SINTERSTORE", "dst", "a", "nokey"), ("SUNIONSTORE", "dst", "a", "b"), ("SDIFFSTORE", "dst", "a", "a"),
        ("SDIFFSTORE", "dst", "a", "a"), ("SDIFFSTORE", "dst", "a", "b"), ("SUNIONSTORE", "dst", "nokey"),
        ("SINTER", "a", "nokey"), ("SINTERCARD", 2, "a", "nokey"), ("SMEMBERS", "nokey"),
        ("SISMEMBER", "nokey", "a"), ("SMISMEMBER", "nokey", "a"), ("SCARD", "nokey"), ("SRANDMEMBER", "nokey"),
        ("SUNION", "nokey", "a"), ("SDIFF", "nokey", "a"), ("SSCAN", "nokey", 0),
    ],
    "sorted-sets": [
        ("ZADD", "z", 1, "a", 2, "b"), ("ZADD", "z", 1, "a"), ("ZADD", "z", "CH", 5, "a"), ("ZADD", "z", "XX", 1, "nope"),
        ("ZADD", "noz", "XX", 1, "a"), ("ZADD", "z", "NX", 1, "a"), ("ZADD", "z", "GT", 0, "a"),
        ("ZADD", "z", "LT", 0, "a"), ("ZINCRBY", "z", 1, "a"), ("ZADD", "z", "INCR", 1, "a"),
        ("ZADD", "z", "NX", "INCR", 1, "a"), ("ZADD", "z2", "INCR", 1, "a"), ("ZREM", "z", "nope"),
        ("ZREM", "z", "a"), ("ZREM", "z2", "a"), ("ZADD", "z", 1, "a", 3, "c", 4, "d"),
        ("ZREMRANGEBYRANK", "z", 0, 0), ("ZREMRANGEBYRANK", "z", 10, 20), ("ZREMRANGEBYSCORE", "z", 3, 3),
        ("ZREMRANGEBYLEX", "z", "-", "+"), ("ZADD", "z", 1, "a", 2, "b", 3, "c"), ("ZPOPMIN", "z"),
        ("ZPOPMAX", "z", 5), ("ZPOPMIN", "z"), ("ZPOPMIN", "noz", 0), ("ZADD", "z", 1, "a", 2, "b", 3, "c"),
        ("ZPOPMIN", "z", 0), ("ZMPOP", 2, "noz", "z", "MIN", "COUNT", 2), ("BZPOPMAX", "z", 1),
        ("BZPOPMIN", "noz", "0.01"), ("ZADD", "z", 1, "a", 2, "b"), ("BZMPOP", 1, 1, "z", "MAX", "COUNT", 3),
        ("ZADD", "z", 1, "a", 2, "b"), ("ZADD", "y", 2, "b", 3, "c"), ("ZUNIONSTORE", "d", 2, "z", "y"),
        ("ZINTERSTORE", "d", 2, "z", "y"), ("ZDIFFSTORE", "d", 2, "z", "z"), ("ZDIFFSTORE", "d", 2, "z", "y"),
        ("ZINTERSTORE", "d", 2, "z", "nokey"), ("ZRANGESTORE", "d2", "z", 0, -1), ("ZRANGESTORE", "d2", "z", 5, 10),
        ("ZRANGESTORE", "d2", "z", 5, 10), ("ZRANGE", "noz", 0, 1), ("ZSCORE", "noz", "a"), ("ZCARD", "noz"),
        ("ZRANK", "noz", "a"), ("ZCOUNT", "noz", 0, 1), ("ZUNION", 2, "noz", "z"), ("ZINTERCARD", 2, "noz", "z"),
        ("ZRANDMEMBER", "noz"), ("ZMSCORE", "noz", "a"), ("ZRANGEBYSCORE", "noz", 0, 1), ("ZSCAN", "noz", 0),
    ],
    "streams": [
        ("XADD", "s", "1-1", "f", "v"), ("XADD", "s", "MAXLEN", 1, "2-1", "f", "v"),
        ("XADD", "s", "MAXLEN", 5, "3-1", "f", "v"), ("XADD", "nos", "NOMKSTREAM", "*", "f", "v"),
        ("XTRIM", "s", "MAXLEN", 0), ("XTRIM", "s", "MAXLEN", 0), ("XTRIM", "nos", "MAXLEN", 0),
        ("XADD", "s", "4-1", "f", "v"), ("XADD", "s", "5-1", "f", "v"), ("XDEL", "s", "4-1", "9-9"),
        ("XDEL", "s", "9-9"), ("XGROUP", "CREATE", "s", "g", 0), ("XGROUP", "CREATE", "s", "g", 0),
        ("XGROUP", "CREATE", "m", "g", "$", "MKSTREAM"), ("XGROUP", "SETID", "s", "g", 0),
        ("XGROUP", "CREATECONSUMER", "s", "g", "c1"), ("XGROUP", "CREATECONSUMER", "s", "g", "c1"),
        ("XREADGROUP", "GROUP", "g", "c2", "COUNT", 1, "STREAMS", "s", ">"),
        ("XREADGROUP", "GROUP", "g", "c2", "COUNT", 1, "STREAMS", "s", ">"),
        ("XCLAIM", "s", "g", "c3", 0, "5-1"), ("XCLAIM", "s", "g", "c3", 0, "5-1"),
        ("XAUTOCLAIM", "s", "g", "c4", 0, 0), ("XAUTOCLAIM", "s", "g", "c4", 0, 0, "JUSTID"),
        ("XGROUP", "DELCONSUMER", "s", "g", "c1"), ("XGROUP", "DELCONSUMER", "s", "g", "zz"),
        ("XACK", "s", "g", "5-1"), ("XSETID", "s", "10-1"), ("XSETID", "nos", "10-1"),
        ("XGROUP", "DESTROY", "s", "g"), ("XGROUP", "DESTROY", "s", "g"), ("XRANGE", "nos", "-", "+"),
        ("XLEN", "nos"), ("DEL", "s"),
    ],
    "geo": [
        ("GEOADD", "g", 1, 1, "a", 2, "2", "b"), ("GEOADD", "g", 1, 1, "a"), ("GEOADD", "g", "XX", 3, 3, "zz"),
        ("GEOSEARCHSTORE", "d1", "g", "FROMLONLAT", 1, 1, "BYRADIUS", 500, "km"),
        ("GEOSEARCHSTORE", "d2", "g", "FROMLONLAT", 1, 1, "BYRADIUS", 500, "km", "STOREDIST"),
        ("GEOSEARCHSTORE", "d1", "g", "FROMLONLAT", 50, 50, "BYRADIUS", 1, "km"),
        ("GEOSEARCHSTORE", "d9", "g", "FROMLONLAT", 50, 50, "BYRADIUS", 1, "km"),
        ("GEORADIUS", "g", 1, 1, 500, "km", "STORE", "d3"), ("GEORADIUS", "g", 1, 1, 500, "km", "STOREDIST", "d4"),
        ("GEORADIUSBYMEMBER", "g", "a", 500, "km", "STORE", "d5"), ("GEORADIUS", "g", 50, 50, 1, "km", "STORE", "d3"),
        ("GEOPOS", "nog", "a"), ("GEODIST", "nog", "a", "b"), ("GEOSEARCH", "nog", "FROMLONLAT", 1, 1, "BYRADIUS", 1, "km"),
    ],
    "transactions-and-wrongtype": [
        ("SET", "str", "v"), ("LPUSH", "str", "x"), ("SADD", "str", "x"), ("HSET", "str", "a", 1),
        ("ZADD", "str", 1, "a"), ("INCR", "str"), ("MULTI",), ("SET", "a", 1), ("INCR", "a"), ("LPUSH", "l", 1),
        ("DEL", "a", "l"), ("EXEC",), ("MULTI",), ("SET", "a", 1), ("DISCARD",), ("EXISTS", "a"),
    ],
}


def _notify_steps(commands):
    return [("cmd", args) for args in commands]


def _stream(port: int, commands, classes: str, self_subscribed: bool):
    """One observation per command: its reply frames and the subscriber's messages."""
    admin = RespConn(port)
    out = []
    try:
        admin.call_raw("CONFIG", "SET", "notify-keyspace-events", classes)
        cmd = Conn(port, "cmd")
        sub = None
        if self_subscribed:
            cmd.cmd("HELLO", "3")
            cmd.cmd("PSUBSCRIBE", "__key*__:*")
        else:
            sub = Conn(port, "sub")
            sub.cmd("PSUBSCRIBE", "__key*__:*")
        try:
            for args in commands:
                frames = cmd.cmd(*args)
                messages = sub.pending() if sub else None
                out.append((" ".join(map(str, args)), frames, messages))
        finally:
            cmd.close()
            if sub:
                sub.close()
    finally:
        admin.call_raw("CONFIG", "SET", "notify-keyspace-events", "")
        admin.call_raw("FLUSHALL")
        admin.close()
    return out


def _compare_streams(name, ours, theirs):
    if ours == theirs:
        return
    lines = [f"notification stream {name!r}: ferrite and redis-server disagree"]
    for i in range(max(len(ours), len(theirs))):
        a = ours[i] if i < len(ours) else ("<missing>", None, None)
        b = theirs[i] if i < len(theirs) else ("<missing>", None, None)
        mark = "  " if a == b else "!!"
        lines.append(f"{mark} [{i}] {a[0]}")
        if a != b:
            lines.append(f"        ferrite: {a[1:]!r}"[:3000])
            lines.append(f"        redis:   {b[1:]!r}"[:3000])
    pytest.fail("\n".join(lines), pytrace=False)


@pytest.mark.parametrize("classes", ["KEA", "KEAmn"])
@pytest.mark.parametrize("name", list(NOTIFY_SEQUENCES))
def test_notification_streams(name, classes, ferrite, redis_server):
    commands = NOTIFY_SEQUENCES[name]
    ours = _stream(ferrite.port, commands, classes, self_subscribed=False)
    theirs = _stream(redis_server.port, commands, classes, self_subscribed=False)
    _compare_streams(f"{name} ({classes})", ours, theirs)


@pytest.mark.parametrize("name", list(NOTIFY_SEQUENCES))
def test_notification_streams_to_the_commanding_client(name, ferrite, redis_server):
    """RESP3, subscribed to its own events: pushes interleave with replies as in Redis."""
    commands = [c for c in NOTIFY_SEQUENCES[name] if c[0] not in ("MULTI", "EXEC", "DISCARD")]
    ours = _stream(ferrite.port, commands, "KEAmn", self_subscribed=True)
    theirs = _stream(redis_server.port, commands, "KEAmn", self_subscribed=True)
    _compare_streams(f"{name} (self-subscribed, RESP3)", ours, theirs)


@pytest.mark.parametrize("classes", ["K$", "El", "Kgx", "Eh", "Ksz", "KEg$lshzxe", "KE", "A", "Kn", "Em"])
def test_class_filters(classes, ferrite, redis_server):
    commands = [("SET", "k", "v"), ("LPUSH", "l", 1), ("LPOP", "l"), ("SADD", "s", 1), ("HSET", "h", "f", 1),
                ("ZADD", "z", 1, "m"), ("EXPIRE", "k", 100), ("DEL", "k", "s"), ("GET", "nokey"),
                ("SET", "t", "v", "PXAT", 1), ("GET", "t")]
    ours = _stream(ferrite.port, commands, classes, self_subscribed=False)
    theirs = _stream(redis_server.port, commands, classes, self_subscribed=False)
    _compare_streams(f"classes {classes}", ours, theirs)


def test_lazy_expiry_and_served_blocked_clients(ferrite, redis_server):
    """`expired` from lazy expiry; a blocked client served by another's push, subscribed to
    its own events over RESP3, receives events and reply in Redis's order."""

    def scenario(port):
        admin = RespConn(port)
        admin.call_raw("CONFIG", "SET", "notify-keyspace-events", "KEAn")
        log = []
        try:
            sub = Conn(port, "sub")
            sub.cmd("PSUBSCRIBE", "__keyevent@*")
            writer = Conn(port, "w")
            log.append(writer.cmd("SET", "k", "v", "PX", 30))
            log.append(sub.pending())
            time.sleep(0.3)
            log.append(writer.cmd("GET", "k"))
            log.append(sub.pending())
            waiter = Conn(port, "waiter")
            waiter.cmd("HELLO", "3")
            waiter.cmd("PSUBSCRIBE", "__keyevent@0__:*")
            waiter.send("BLPOP", "list", 0)
            time.sleep(0.2)
            log.append(writer.cmd("RPUSH", "list", "x"))
            log.append(waiter.pending())
            log.append(sub.pending())
            waiter.send("BLMOVE", "src", "dst", "LEFT", "RIGHT", 0)
            time.sleep(0.2)
            log.append(writer.cmd("RPUSH", "src", "y"))
            log.append(waiter.pending())
            log.append(sub.pending())
            for c in (sub, writer, waiter):
                c.close()
        finally:
            admin.call_raw("CONFIG", "SET", "notify-keyspace-events", "")
            admin.close()
        return log

    ours = scenario(ferrite.port)
    theirs = scenario(redis_server.port)
    assert ours == theirs


def test_active_expiry_publishes_expired(ferrite, redis_server):
    """A key nobody touches still expires with an `expired` event (active expiry)."""

    def expired_events(port):
        admin = RespConn(port)
        admin.call_raw("CONFIG", "SET", "notify-keyspace-events", "Ex")
        sub = RespConn(port)
        sub.call_raw("SUBSCRIBE", "__keyevent@0__:expired")
        try:
            admin.call_raw("SET", "short", "v", "PX", 20)
            return parse(sub.read_reply())  # waits (5 s socket timeout) for active expiry
        finally:
            admin.call_raw("CONFIG", "SET", "notify-keyspace-events", "")
            admin.close()
            sub.close()

    assert expired_events(ferrite.port) == expired_events(redis_server.port)
    assert expired_events(ferrite.port) == [b"message", b"__keyevent@0__:expired", b"short"]
