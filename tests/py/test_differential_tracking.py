"""Differential tests of client-side caching (CLIENT TRACKING): the same scenario runs against
ferrite and a real redis-server, and every connection's complete stream — replies,
invalidation pushes (RESP3) and `__redis__:invalidate` messages (RESP2 redirect) — must be
identical, byte for byte.

Connections are the pub/sub differential test's (`Conn`): after each command a connection
sends `PING <token>` and reads every frame up to its reply, so pushes are attributed to the
command they arrived with (an invalidation of the client's own write comes after its reply in
Redis 7.0). `P(conn)` collects what arrived for a connection since its last command.

What cannot agree byte for byte, and how it is compared instead:
* Client ids differ between servers: a step argument `ID("b")` stands for connection b's id,
  and ids in CLIENT GETREDIR / TRACKINGINFO replies and `tracking-redir-broken` pushes are
  replaced by the connection's name.
* A BCAST invalidation of a connection's own write: see `W`.
* INFO is compared on its `tracking_*` lines only; CLIENT INFO on its flags and redir fields.
"""

from __future__ import annotations

import re
import time

import pytest

from resp_util import RespConn, parse
from test_differential_pubsub import Conn


class ID:
    """A step argument: the client id of a connection of the scenario."""

    def __init__(self, name: str):
        self.name = name


def C(conn, *args):
    return (conn, args, "exact")


def P(conn):
    return (conn, (), "pending")


def W(conn, *args):
    """A command whose BCAST invalidation for its own connection Redis sends before or after
    the following PING's reply depending on how the two arrive (one read or two): its frames
    and the connection's next pending messages are compared together."""
    return (conn, args, "settle")


def CLOSE(conn):
    return (conn, (), "close")


def INFO(conn):
    return (conn, ("INFO", "everything"), "info")


def FLAGS(conn):
    return (conn, ("CLIENT", "INFO"), "flags")


class Run:
    def __init__(self, port: int):
        self.port = port
        self.conns: dict[str, Conn] = {}
        self.ids: dict[str, int] = {}
        self.admin = RespConn(port)

    def conn(self, name: str) -> Conn:
        if name not in self.conns:
            self.conns[name] = Conn(self.port, name)
            reply = self.conns[name].cmd("CLIENT", "ID")
            self.ids[name] = int(parse(reply[0]))
        return self.conns[name]

    def resolve(self, arg):
        if isinstance(arg, ID):
            self.conn(arg.name)
            return self.ids[arg.name]
        return arg

    def mask(self, args, frame: bytes) -> bytes:
        named = {v: k for k, v in self.ids.items()}
        sub = str(args[1]).upper() if len(args) > 1 else ""
        if args and str(args[0]).upper() == "CLIENT" and sub in ("GETREDIR", "TRACKINGINFO"):
            frame = re.sub(rb":(\d+)\r\n", lambda m: b":<%s>\r\n" % named.get(int(m.group(1)), m.group(1).decode()).encode(), frame)
        if b"tracking-redir-broken" in frame:
            frame = re.sub(rb":(\d+)\r\n", lambda m: b":<%s>\r\n" % named.get(int(m.group(1)), m.group(1).decode()).encode(), frame)
        return re.sub(rb"\$2\r\nid\r\n:\d+\r\n", b"$2\r\nid\r\n:<id>\r\n", frame)

    def close(self, name: str):
        conn = self.conns.pop(name)
        conn.close()
        gone = f"id={self.ids[name]} "
        for _ in range(500):
            listing = parse(self.admin.call_raw("CLIENT", "LIST"))
            if gone not in listing.decode():
                return
            time.sleep(0.01)
        raise AssertionError("the server kept the closed connection")

    def finish(self):
        for conn in self.conns.values():
            conn.close()
        self.admin.call_raw("FLUSHALL")
        self.admin.call_raw("CONFIG", "SET", "tracking-table-max-keys", "1000000")
        self.admin.close()


def _info_lines(frame: bytes):
    text = parse(frame)
    if not isinstance(text, bytes):
        return frame
    return sorted(line for line in text.decode().splitlines() if line.startswith("tracking"))


def _flags(frame: bytes):
    text = parse(frame)
    if not isinstance(text, bytes):
        return frame
    fields = dict(f.split("=", 1) for f in text.decode().split() if "=" in f)
    return (fields.get("flags"), fields.get("redir") not in (None, "-1", "0"), fields.get("redir") == "0")


def run(port: int, steps) -> list:
    r = Run(port)
    log = []
    try:
        for conn, args, mode in steps:
            label = f"{conn}: {' '.join(str(getattr(a, 'name', a))[:40] for a in args) or mode}"
            try:
                if mode == "close":
                    r.close(conn)
                    obs = None
                elif mode == "pending":
                    obs = [r.mask((), f) for f in r.conn(conn).pending()]
                else:
                    resolved = [r.resolve(a) for a in args]
                    frames = r.conn(conn).cmd(*resolved)
                    if mode == "settle":
                        frames += r.conn(conn).pending()
                    if mode == "info":
                        obs = [_info_lines(f) for f in frames]
                    elif mode == "flags":
                        obs = [_flags(f) for f in frames]
                    else:
                        obs = [r.mask(args, f) for f in frames]
            except Exception as exc:  # noqa: BLE001 - recorded and compared
                log.append((label, f"<{type(exc).__name__}: {exc}>"))
                break
            log.append((label, obs))
    finally:
        r.finish()
    return log


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


SCENARIOS = {
    "resp3-default-mode": [
        C("a", "HELLO", "3"), C("a", "CLIENT", "TRACKING", "ON"), C("a", "GET", "k"),
        C("a", "MGET", "k2", "k3"), C("b", "SET", "k", "v"), P("a"), C("b", "SET", "k", "v2"), P("a"),
        C("a", "GET", "k"), C("a", "SET", "k", "mine"), C("a", "GET", "k"), C("b", "DEL", "k"), P("a"),
        C("a", "HGETALL", "h"), C("a", "SMEMBERS", "s"), C("a", "ZRANGE", "z", 0, -1), C("a", "LRANGE", "l", 0, -1),
        C("b", "HSET", "h", "f", 1), C("b", "SADD", "s", 1), C("b", "ZADD", "z", 1, "m"), C("b", "RPUSH", "l", 1),
        P("a"), C("a", "GET", "x"), C("a", "SELECT", 1), C("b", "SET", "x", 1), P("a"), C("a", "SELECT", 0),
        C("a", "GET", "r1"), C("b", "SET", "r1", 1), C("b", "RENAME", "r1", "r2"), P("a"),
        C("a", "GET", "m1"), C("b", "SET", "m1", 1), C("b", "MOVE", "m1", 2), P("a"),
        C("a", "CLIENT", "TRACKINGINFO"), C("a", "CLIENT", "GETREDIR"), FLAGS("a"), INFO("a"),
        C("a", "CLIENT", "TRACKING", "OFF"), C("b", "SET", "k", 1), P("a"), FLAGS("a"), INFO("a"),
    ],
    "multi-exec-and-scripts": [
        C("a", "HELLO", "3"), C("a", "CLIENT", "TRACKING", "ON"), C("a", "GET", "m"), C("a", "MULTI"),
        C("a", "SET", "m", 1), C("a", "GET", "m"), C("a", "SET", "m", 2), C("a", "EXEC"),
        C("a", "GET", "s1"), C("a", "EVAL", "return redis.call('get', KEYS[1])", 1, "s2"),
        C("a", "EVAL", "redis.call('set', KEYS[1], 'x') return 1", 1, "s1"),
        C("b", "SET", "s2", 1), P("a"), C("a", "EVAL_RO", "return redis.call('get', KEYS[1])", 1, "s3"),
        C("b", "SET", "s3", 1), P("a"), C("b", "MULTI"), C("b", "SET", "m", 9), C("b", "EXEC"), P("a"),
        C("a", "GET", "m"), C("b", "EVAL", "redis.call('del', KEYS[1]) return 1", 1, "m"), P("a"),
    ],
    "noloop": [
        C("a", "HELLO", "3"), C("a", "CLIENT", "TRACKING", "ON", "NOLOOP"), C("a", "GET", "n"),
        C("a", "SET", "n", 1), C("a", "GET", "n"), C("b", "SET", "n", 2), P("a"), C("a", "GET", "n"),
        C("a", "MULTI"), C("a", "SET", "n", 3), C("a", "EXEC"), C("a", "CLIENT", "TRACKINGINFO"),
    ],
    "redirect-resp2": [
        C("r", "SUBSCRIBE", "__redis__:invalidate"), C("a", "CLIENT", "TRACKING", "ON", "REDIRECT", ID("r")),
        C("a", "GET", "k1"), C("a", "MGET", "k2", "k3"), C("b", "SET", "k1", "v"), P("r"),
        C("a", "SET", "k2", "v"), P("r"), P("a"), C("b", "MSET", "k3", 1, "k1", 2), P("r"),
        C("a", "GET", "k1"), C("b", "FLUSHDB"), P("r"), P("a"), C("a", "CLIENT", "GETREDIR"),
        C("a", "CLIENT", "TRACKINGINFO"), FLAGS("a"),
    ],
    "redirect-to-resp3": [
        C("r", "HELLO", "3"), C("a", "CLIENT", "TRACKING", "ON", "REDIRECT", ID("r")), C("a", "GET", "k"),
        C("b", "SET", "k", 1), P("r"), C("a", "GET", "k"), C("r", "SET", "k", 2), C("b", "FLUSHALL"), P("r"),
    ],
    "redirect-to-plain-resp2-gets-nothing": [
        C("a", "CLIENT", "TRACKING", "ON", "REDIRECT", ID("r")), C("a", "GET", "k"), C("b", "SET", "k", 1),
        P("r"), C("r", "GET", "k"),
    ],
    "broken-redirect": [
        C("a", "HELLO", "3"), C("a", "CLIENT", "TRACKING", "ON", "REDIRECT", ID("r")), C("a", "GET", "k"),
        CLOSE("r"), C("b", "SET", "k", 1), P("a"), C("a", "CLIENT", "TRACKINGINFO"), FLAGS("a"),
        C("a", "CLIENT", "TRACKING", "OFF"), C("a", "CLIENT", "TRACKINGINFO"), FLAGS("a"),
    ],
    "bcast": [
        C("a", "HELLO", "3"), C("a", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "p", "PREFIX", "q"),
        C("b", "MSET", "pb", 1, "pa", 1, "x", 1), P("a"), W("a", "SET", "pc", 1), C("a", "GET", "pc"),
        C("b", "SET", "qq", 1), P("a"), C("b", "DEL", "pa", "pb"), P("a"), C("b", "SET", "zz", 1), P("a"),
        C("c", "HELLO", "3"), C("c", "CLIENT", "TRACKING", "ON", "BCAST", "NOLOOP"), W("c", "SET", "pz", 1),
        P("c"), P("a"), C("b", "SET", "pz", 2), P("c"), P("a"), C("a", "CLIENT", "TRACKINGINFO"),
        C("c", "CLIENT", "TRACKINGINFO"), INFO("a"), C("a", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "r"),
        C("a", "CLIENT", "TRACKINGINFO"), C("b", "FLUSHALL"), P("a"), P("c"), FLAGS("c"),
        C("c", "CLIENT", "TRACKING", "OFF"), INFO("a"),
    ],
    "bcast-redirect-resp2": [
        C("r", "SUBSCRIBE", "__redis__:invalidate"),
        C("a", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "u:", "REDIRECT", ID("r")),
        C("b", "MSET", "u:2", 1, "u:1", 1, "v:1", 1), P("r"), C("b", "DEL", "u:1"), P("r"),
    ],
    "optin-optout": [
        C("a", "HELLO", "3"), C("a", "CLIENT", "TRACKING", "ON", "OPTIN"), C("a", "GET", "o1"),
        C("a", "CLIENT", "CACHING", "YES"), C("a", "GET", "o2"), C("a", "GET", "o3"),
        C("b", "MSET", "o1", 1, "o2", 1, "o3", 1), P("a"), C("a", "CLIENT", "CACHING", "YES"),
        C("a", "CLIENT", "TRACKINGINFO"), C("a", "MULTI"), C("a", "GET", "o4"), C("a", "GET", "o5"), C("a", "EXEC"),
        C("b", "MSET", "o4", 1, "o5", 1), P("a"), C("a", "CLIENT", "CACHING", "NO"),
        C("a", "CLIENT", "TRACKING", "ON", "OPTOUT"), C("a", "CLIENT", "TRACKING", "OFF"),
        C("a", "CLIENT", "TRACKING", "ON", "OPTOUT"), C("a", "GET", "p1"), C("a", "CLIENT", "CACHING", "NO"),
        C("a", "GET", "p2"), C("a", "GET", "p3"), C("b", "MSET", "p1", 1, "p2", 1, "p3", 1), P("a"),
        C("a", "CLIENT", "CACHING", "YES"), C("a", "CLIENT", "TRACKINGINFO"),
    ],
    "errors": [
        C("a", "CLIENT", "TRACKING"), C("a", "CLIENT", "TRACKING", "maybe"), C("a", "CLIENT", "TRACKING", "on", "foo"),
        C("a", "CLIENT", "TRACKING", "on", "PREFIX", "a"), C("a", "CLIENT", "TRACKING", "on", "REDIRECT"),
        C("a", "CLIENT", "TRACKING", "on", "REDIRECT", "x"), C("a", "CLIENT", "TRACKING", "on", "REDIRECT", "-1"),
        C("a", "CLIENT", "TRACKING", "on", "REDIRECT", "999999"),
        C("a", "CLIENT", "TRACKING", "on", "REDIRECT", ID("b"), "REDIRECT", ID("b")),
        C("a", "CLIENT", "TRACKING", "on", "BCAST", "OPTIN"), C("a", "CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"),
        C("a", "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "ab", "PREFIX", "a"),
        C("a", "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "ab"),
        C("a", "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "abc"),
        C("a", "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "ab"), C("a", "CLIENT", "TRACKING", "on"),
        C("a", "CLIENT", "CACHING", "yes"), C("a", "CLIENT", "CACHING", "maybe"), C("a", "CLIENT", "CACHING"),
        C("a", "CLIENT", "TRACKING", "off"), C("a", "CLIENT", "TRACKING", "off"), C("a", "CLIENT", "CACHING", "yes"),
        C("a", "CLIENT", "TRACKING", "on", "optin"), C("a", "CLIENT", "CACHING", "no"),
        C("a", "CLIENT", "TRACKING", "on", "optout"), C("a", "CLIENT", "GETREDIR", "x"),
        C("a", "CLIENT", "TRACKINGINFO", "x"), C("a", "RESET"), C("a", "CLIENT", "TRACKINGINFO"), FLAGS("a"),
    ],
    "table-limit": [
        C("x", "CONFIG", "SET", "tracking-table-max-keys", 2), C("x", "CONFIG", "GET", "tracking-table-max-keys"),
        C("x", "CONFIG", "SET", "tracking-table-max-keys", -1), C("a", "HELLO", "3"),
        C("a", "CLIENT", "TRACKING", "ON"), C("a", "MGET", "t1", "t2"), INFO("a"),
    ],
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_tracking_scenarios(name, ferrite, redis_server):
    compare(name, SCENARIOS[name], ferrite, redis_server)
