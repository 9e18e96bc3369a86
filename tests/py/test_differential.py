"""Differential tests: the same byte stream goes to ferrite and to a real redis-server, and the
raw reply bytes must be identical.

Each sequence runs on a fresh connection to each server after both were flushed. A sequence is a
list of steps:

* `C(*args)`    send one command, compare the raw reply bytes exactly.
* `S(*args)`    the reply is an array (KEYS ...): compare its elements sorted; errors exactly.
* `P(*args)`    the reply is a map / flat key-value array (CONFIG GET pattern): compare the
                pairs sorted.
* `SCAN(*args)` walk SCAN 0 <args> to cursor 0 and compare the union of keys returned (cursor
                values legitimately differ); errors are compared exactly.
* `NEAR(tol, *args)` an integer reply (PTTL, OBJECT IDLETIME) compared within `tol`; errors and
                non-integers exactly.
* `X(*args)`    send and read a reply but do not compare it (see EXCLUSIONS).
* `SLEEP(s)`     pause briefly so that short expiries pass (state, not a timing assertion).
* `FRESH(*args)` send one command on a new connection (is the server still serving others?).
* `RAW(data, replies=1, close=False)` write raw bytes, read `replies` replies; with close=True
                also require that the server closed the connection afterwards (both must agree).

After the last step (unless the connection was expected to close) an ECHO sentinel checks that
neither server sent extra, unrequested replies.

EXCLUSIONS: replies that legitimately differ between ferrite and redis-server and are never
compared byte for byte:
* INFO                      - versions, pids, run ids, memory and timing figures.
* CLIENT LIST / ID / INFO   - connection ids, addresses, ages, memory figures.
* TIME                      - the clock.
* HELLO (successful reply)  - carries the connection id and server version; errors from HELLO
                              are compared.
* COMMAND COUNT / COMMAND / COMMAND LIST - ferrite implements a subset of the command table.
* CLIENT SETINFO            - Redis 7.2 command ferrite accepts for redis-py; redis 7.0 lacks it.
* DEBUG                     - implementation specific.
* <CMD> HELP                - the help lines are written in Ferrite's own words; their shape
                              (header line, HELP line last) is checked by test_help_shape.
* COMMAND DOCS              - Ferrite answers group and since only; Redis's summaries, complexity
                              texts and argument trees are its documentation prose, not copied.
* SCAN cursors              - depend on the hash table layout (compared as key unions).
* PTTL / PEXPIRE... relative figures and OBJECT IDLETIME - depend on when each server ran the
                              command (compared within a tolerance via NEAR).
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field

import pytest

from conftest import PASSWORD
from resp_util import NULL, ConnectionClosed, Error, ProtocolViolation, RespConn, encode, parse

FAR = 4102444800  # 2100-01-01T00:00:00Z, an absolute expiry far enough in the future
I64_MAX = "9223372036854775807"
I64_MIN = "-9223372036854775808"


# --------------------------------------------------------------------------- step types


@dataclass
class Step:
    args: tuple = ()
    mode: str = "exact"
    tol: int = 0
    data: bytes = b""
    replies: int = 1
    close: bool = False
    chunked: bool = False
    final: bool = False  # the connection is left unusable: no sentinel afterwards

    def label(self) -> str:
        if self.mode == "raw":
            shown = self.data if len(self.data) <= 80 else self.data[:60] + b"...(%d bytes)" % len(self.data)
            return f"RAW {shown!r}" + (" [expect close]" if self.close else "")
        parts = []
        for a in self.args:
            b = a if isinstance(a, bytes) else str(a).encode()
            parts.append(repr(b)[2:-1] if len(b) <= 60 else repr(b[:40])[2:-1] + f"...({len(b)} bytes)")
        if self.mode == "sleep":
            return f"(sleep {self.data.decode()} s)"
        prefix = {"fresh": "[new connection] ", "exact": "", "sorted": "[sorted] ", "pairs": "[pairs] ", "scan": "[scan] SCAN * ",
                  "near": f"[near {self.tol}] ", "skip": "[not compared] "}[self.mode]
        return prefix + " ".join(parts)


def C(*args):
    return Step(args, "exact")


def S(*args):
    return Step(args, "sorted")


def P(*args):
    return Step(args, "pairs")


def SCAN(*args):
    return Step(args, "scan")


def NEAR(tol, *args):
    return Step(args, "near", tol=tol)


def X(*args):
    return Step(args, "skip")


def SLEEP(seconds: float):
    """Pause (bounded, small): lets short expiries pass. Not a timing assertion."""
    return Step(mode="sleep", tol=0, data=str(seconds).encode())


def RAW(data: bytes, replies: int = 1, close: bool = False, chunked: bool = False, final=False):
    return Step(mode="raw", data=data, replies=replies, close=close, chunked=chunked, final=final)


def FRESH(*args):
    """Send one command on a new, separate connection (the server still serves others)."""
    return Step(args, "fresh")


@dataclass(frozen=True)
class Near:
    value: int
    tol: int

    def __eq__(self, other):
        return isinstance(other, Near) and abs(self.value - other.value) <= max(self.tol, other.tol)

    def __hash__(self):
        return 0

    def __repr__(self):
        return f"~{self.value}"


@dataclass(frozen=True)
class Skipped:
    raw: bytes

    def __eq__(self, other):
        return isinstance(other, Skipped)

    def __hash__(self):
        return 0

    def __repr__(self):
        return f"(not compared) {self.raw[:120]!r}"


# --------------------------------------------------------------------------- running


def _scan_union(conn: RespConn, args) -> object:
    keys = set()
    cursor = b"0"
    for _ in range(10_000):  # bounded: small keyspaces finish in a handful of calls
        raw = conn.call_raw("SCAN", cursor, *args)
        reply = parse(raw)
        if isinstance(reply, Error):
            return raw
        if not (isinstance(reply, list) and len(reply) == 2 and isinstance(reply[1], list)):
            return ("malformed SCAN reply", raw)
        cursor, batch = reply
        keys.update(batch)
        if cursor == b"0":
            return ("keys", tuple(sorted(keys)))
    return ("SCAN did not terminate", tuple(sorted(keys)))


def _normalise(step: Step, raw: bytes):
    if step.mode == "exact":
        return raw
    if step.mode == "skip":
        return Skipped(raw)
    value = parse(raw)
    if isinstance(value, Error):
        return raw
    if step.mode == "sorted":
        if not isinstance(value, list):
            return raw
        return ("sorted", raw[:1], tuple(sorted(value, key=repr)))
    if step.mode == "pairs":
        if isinstance(value, list) and value and not isinstance(value[0], tuple):
            value = list(zip(value[0::2], value[1::2]))
        if not isinstance(value, list):
            return raw
        return ("pairs", raw[:1], tuple(sorted(value)))
    if step.mode == "near":
        if isinstance(value, int) and not isinstance(value, bool):
            return Near(value, step.tol)
        return raw
    raise AssertionError(step.mode)


def run_sequence(port: int, steps, password: str | None = None, timeout: float = 30.0):
    """Runs the steps on a fresh connection; returns one observation per step (+ the sentinel).

    The timeout only bounds a hang: a loaded CI machine running a debug build can take seconds
    over a heavy command (PFSELFTEST), which must not read as a missing reply."""
    out = []
    conn = RespConn(port, timeout=timeout)
    closed = False
    try:
        if password:
            reply = conn.call_raw("AUTH", password)
            assert reply == b"+OK\r\n", reply
        for step in steps:
            try:
                if step.mode == "sleep":
                    time.sleep(float(step.data))
                    obs = None
                elif step.mode == "raw":
                    if step.chunked:
                        for i in range(len(step.data)):
                            conn.send_raw(step.data[i : i + 1])
                            time.sleep(0.001)
                    else:
                        conn.send_raw(step.data)
                    obs = tuple(conn.read_reply() for _ in range(step.replies))
                    if step.close:
                        obs = obs + (conn.state_after(2.0),)
                        closed = True
                    closed = closed or step.final
                elif step.mode == "fresh":
                    try:
                        with RespConn(port, timeout=2.0) as other:
                            obs = ("fresh", other.call_raw(*step.args))
                    except socket.timeout:
                        obs = ("fresh", "<no reply within 2 s>")
                elif step.mode == "scan":
                    obs = _scan_union(conn, step.args)
                else:
                    obs = _normalise(step, conn.call_raw(*step.args))
            except socket.timeout:
                out.append("<no reply within %g s>" % timeout)
                return out
            except (ConnectionClosed, ConnectionResetError, BrokenPipeError) as exc:
                out.append(f"<connection closed: {exc}>")
                return out
            except ProtocolViolation as exc:
                out.append(f"<malformed reply: {exc}>")
                return out
            out.append(obs)
        if not closed:
            try:
                out.append(("sentinel", conn.call_raw("ECHO", "sentinel-4f2a")))
            except (socket.timeout, ConnectionClosed, OSError, ProtocolViolation) as exc:
                out.append(("sentinel", f"<{type(exc).__name__}: {exc}>"))
    finally:
        conn.close()
    return out


def compare(seq_id, steps, ferrite_port, redis_port, password=None, timeout=30.0):
    ours = run_sequence(ferrite_port, steps, password, timeout)
    theirs = run_sequence(redis_port, steps, password, timeout)
    if ours == theirs:
        return
    labels = [s.label() for s in steps] + ["ECHO sentinel-4f2a (no stray replies)"]
    lines = [f"sequence {seq_id!r}: ferrite and redis-server disagree"]
    for i in range(max(len(ours), len(theirs))):
        a = ours[i] if i < len(ours) else "<missing>"
        b = theirs[i] if i < len(theirs) else "<missing>"
        mark = "  " if a == b else "!!"
        label = labels[i] if i < len(labels) else "?"
        lines.append(f"{mark} [{i}] {label}")
        if a == b:
            lines.append(f"        both:    {_show(a)}")
        else:
            lines.append(f"        ferrite: {_show(a)}")
            lines.append(f"        redis:   {_show(b)}")
            if isinstance(a, bytes) and isinstance(b, bytes):
                at = next((j for j, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
                lines.append(f"        first difference at byte {at} (lengths {len(a)} / {len(b)})")
    pytest.fail("\n".join(lines), pytrace=False)


def _show(obs, limit=3000) -> str:
    text = repr(obs)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars of repr)"


# --------------------------------------------------------------------------- sequences
#
# COMMAND_SEQUENCES run twice: over RESP2 and, after HELLO 3, over RESP3.

LONG45 = "x" * 45
LONG44 = "y" * 44

COMMAND_SEQUENCES = {
    # ---- strings
    "set-get": [
        C("SET", "k", "v"), C("GET", "k"), C("GET", "missing"), C("SET", "k", ""), C("GET", "k"),
        C("SET", "", "empty-key"), C("GET", ""), C("gEt", "k"), C("STRLEN", "k"),
        C("SET", "k", "a\r\nb\x00c"), C("GET", "k"), C("STRLEN", "k"),
    ],
    "set-nx-xx": [
        C("SET", "k", "v", "NX"), C("SET", "k", "v2", "NX"), C("GET", "k"),
        C("SET", "k", "v3", "XX"), C("SET", "nokey", "v", "XX"), C("EXISTS", "nokey"),
        C("SET", "k", "v", "NX", "XX"), C("SET", "k", "v", "XX", "NX"), C("SET", "k", "v4", "xx"),
        C("GET", "k"), C("SET", "k", "v5", "nx"), C("GET", "k"),
    ],
    "set-expire-options": [
        C("SET", "k", "v", "EX", 100), C("TTL", "k"), NEAR(2000, "PTTL", "k"),
        C("SET", "k", "v", "PX", 100000), C("TTL", "k"),
        C("SET", "k", "v", "EXAT", FAR), C("EXPIRETIME", "k"), C("PEXPIRETIME", "k"),
        C("SET", "k", "v", "PXAT", FAR * 1000 + 1), C("PEXPIRETIME", "k"), C("EXPIRETIME", "k"),
        C("SET", "k", "v2", "KEEPTTL"), C("PEXPIRETIME", "k"), C("GET", "k"),
        C("SET", "k", "v3"), C("TTL", "k"), C("SET", "k", "v4", "ex", "50", "xx"), C("TTL", "k"),
        C("SET", "k2", "v", "px", "1500", "nx"), C("EXISTS", "k2"),
    ],
    "set-expire-errors": [
        C("SET", "k", "v", "EX", 0), C("SET", "k", "v", "EX", -1), C("SET", "k", "v", "EX", "abc"),
        C("SET", "k", "v", "EX", "1.5"), C("SET", "k", "v", "PX", 0), C("SET", "k", "v", "PX", -10),
        C("SET", "k", "v", "EX", I64_MAX), C("SET", "k", "v", "PX", I64_MAX),
        C("SET", "k", "v", "EX", "9223372036854775"), C("SET", "k", "v", "EXAT", 0),
        C("SET", "k", "v", "PXAT", -1), C("SET", "k", "v", "EXAT", I64_MAX),
        C("SET", "k", "v", "EX"), C("SET", "k", "v", "EX", 10, "PX", 10),
        C("SET", "k", "v", "EX", 10, "KEEPTTL"), C("SET", "k", "v", "KEEPTTL", "PX", 10),
        C("SET", "k", "v", "EX", 10, "EX", 20), C("SET", "k", "v", "KEEPTTL", "KEEPTTL"),
        C("SET", "k", "v", "EXAT", FAR, "PXAT", FAR), C("SET", "k", "v", "GET", "GET"),
        C("SET", "k", "v", "FOO"), C("SET", "k", "v", "EX", 10, "FOO"), C("SET", "k", "v", "NX", "NX"),
        C("EXISTS", "k"),
    ],
    "set-get-option": [
        C("SET", "k", "v", "GET"), C("SET", "k", "v2", "GET"), C("SET", "k", "v3", "NX", "GET"),
        C("GET", "k"), C("SET", "k2", "v", "XX", "GET"), C("EXISTS", "k2"),
        C("SET", "k", "v4", "GET", "EX", 100), C("TTL", "k"), C("SET", "k", "v5", "KEEPTTL", "GET"),
        C("TTL", "k"), C("SET", "k", "v6", "get", "xx"), C("GET", "k"),
    ],
    "set-arity": [
        C("SET"), C("SET", "k"), C("GET"), C("GET", "a", "b"), C("STRLEN"), C("GETDEL"),
        C("APPEND", "k"), C("SETNX", "k"), C("GETRANGE", "k", 0), C("SETRANGE", "k", 0),
        C("MGET"), C("INCR"), C("INCRBYFLOAT", "k"), C("DECRBY", "k"), C("LCS", "a"),
    ],
    "setnx-setex-psetex": [
        C("SETNX", "k", 1), C("SETNX", "k", 2), C("GET", "k"),
        C("SETEX", "k2", 100, "v"), C("TTL", "k2"), C("GET", "k2"), C("SETEX", "k2", 0, "v"),
        C("SETEX", "k2", -5, "v"), C("SETEX", "k2", "abc", "v"), C("SETEX", "k2", I64_MAX, "v"),
        C("SETEX", "k2", 100), C("PSETEX", "k3", 100000, "v"), NEAR(2000, "PTTL", "k3"),
        C("PSETEX", "k3", 0, "v"), C("GET", "k3"), C("SETEX", "k", 100, "new"), C("GET", "k"),
        C("TTL", "k"),
    ],
    "mset-mget": [
        C("MSET", "a", 1, "b", 2), C("MGET", "a", "b", "c"), C("MSET", "a"), C("MSET", "a", 1, "b"),
        C("MSET"), C("MGET"), C("MSET", "a", 1, "a", 2), C("GET", "a"),
        C("MSETNX", "x", 1, "a", 3), C("MGET", "x", "a"), C("MSETNX", "x", 1, "y", 2),
        C("MGET", "x", "y", "a"), C("MSETNX", "x"), C("MSETNX", "z", 1, "z", 2), C("GET", "z"),
        C("SET", "e", "v", "EX", 100), C("MSET", "e", "w"), C("TTL", "e"),
    ],
    "getset-getdel": [
        C("GETSET", "k", "v"), C("GETSET", "k", "w"), C("GET", "k"), C("GETDEL", "k"),
        C("GETDEL", "k"), C("EXISTS", "k"), C("GETSET", "k"), C("GETDEL", "a", "b"),
        C("SET", "e", "v", "EX", 100), C("GETSET", "e", "w"), C("TTL", "e"),
    ],
    "getex": [
        C("SET", "k", "v"), C("GETEX", "k"), C("TTL", "k"), C("GETEX", "k", "EX", 100), C("TTL", "k"),
        C("GETEX", "k", "PX", 200000), NEAR(2000, "PTTL", "k"), C("GETEX", "k", "EXAT", FAR),
        C("EXPIRETIME", "k"), C("GETEX", "k", "PXAT", FAR * 1000 + 7), C("PEXPIRETIME", "k"),
        C("GETEX", "k", "PERSIST"), C("TTL", "k"), C("GETEX", "missing"),
        C("GETEX", "missing", "EX", 10), C("EXISTS", "missing"),
        C("GETEX", "k", "EX", 0), C("GETEX", "k", "EX", -1), C("GETEX", "k", "PX", 0),
        C("GETEX", "k", "EX", "abc"), C("GETEX", "k", "EX", I64_MAX), C("GETEX", "k", "EX", 10, "PX", 10),
        C("GETEX", "k", "PERSIST", "EX", 10), C("GETEX", "k", "EX", 10, "PERSIST"),
        C("GETEX", "k", "FOO"), C("GETEX", "k", "EX"), C("GETEX"), C("GETEX", "k", "persist"),
        C("TTL", "k"), C("GETEX", "k", "EXAT", 1), C("EXISTS", "k"),
    ],
    "append-strlen": [
        C("APPEND", "k", "Hello"), C("APPEND", "k", " World"), C("GET", "k"), C("STRLEN", "k"),
        C("APPEND", "k", ""), C("STRLEN", "missing"), C("SET", "n", 123), C("APPEND", "n", 4),
        C("GET", "n"), C("STRLEN", "n"), C("APPEND", "e", ""), C("EXISTS", "e"),
        C("STRLEN", "a", "b"), C("SET", "t", "v", "EX", 100), C("APPEND", "t", "w"), C("TTL", "t"),
    ],
    "incr-basic": [
        C("INCR", "n"), C("INCR", "n"), C("DECR", "n"), C("INCRBY", "n", 10), C("DECRBY", "n", 3),
        C("INCRBY", "n", -20), C("DECRBY", "n", -5), C("GET", "n"), C("DECR", "m"),
        C("INCRBY", "z", 0), C("GET", "z"), C("SET", "t", 5, "EX", 100), C("INCR", "t"), C("TTL", "t"),
        C("SET", "sp", "  "), C("INCRBY", "n", "-0"), C("incr", "n"),
    ],
    "incr-errors": [
        C("SET", "s", "abc"), C("INCR", "s"), C("SET", "s", "1.5"), C("INCR", "s"),
        C("SET", "s", " 1"), C("INCR", "s"), C("SET", "s", "1 "), C("INCR", "s"),
        C("SET", "s", "+1"), C("INCR", "s"), C("SET", "s", "-0"), C("INCR", "s"),
        C("SET", "s", "007"), C("INCR", "s"), C("SET", "s", ""), C("INCR", "s"),
        C("SET", "s", "0x10"), C("DECR", "s"), C("GET", "s"),
        C("INCRBY", "n", "abc"), C("INCRBY", "n", "1.0"), C("INCRBY", "n", "99999999999999999999"),
        C("DECRBY", "n", "abc"), C("INCRBY", "n", ""), C("INCRBY", "n", " 5"), C("INCR", "a", "b"),
        C("EXISTS", "n"),
    ],
    "incr-overflow": [
        C("SET", "n", I64_MAX), C("INCR", "n"), C("INCRBY", "n", 1), C("INCRBY", "n", 0),
        C("DECRBY", "n", -1), C("GET", "n"), C("SET", "n", I64_MIN), C("DECR", "n"),
        C("INCRBY", "n", -1), C("DECRBY", "n", 1), C("DECRBY", "n", I64_MIN),
        C("INCRBY", "n", I64_MAX), C("SET", "m", "9223372036854775808"), C("INCR", "m"),
        C("INCRBY", "x", I64_MIN), C("GET", "x"), C("DECRBY", "y", I64_MAX), C("GET", "y"),
        C("DECRBY", "w", I64_MIN), C("EXISTS", "w"), C("SET", "v", "-9223372036854775809"),
        C("DECR", "v"),
    ],
    "incrbyfloat": [
        C("INCRBYFLOAT", "f", "10.5"), C("INCRBYFLOAT", "f", "0.1"), C("GET", "f"),
        C("SET", "g", "0.1"), C("INCRBYFLOAT", "g", "0.2"), C("SET", "h", "1e3"),
        C("INCRBYFLOAT", "h", "2e2"), C("SET", "i", "5"), C("INCRBYFLOAT", "i", "-7.5"),
        C("INCRBYFLOAT", "j", "-0.0000001"), C("INCRBYFLOAT", "k", "3.0e3"), C("INCRBYFLOAT", "k", "0"),
        C("INCRBYFLOAT", "l", "1.5"), C("INCRBYFLOAT", "l", "-1.5"), C("GET", "l"),
        C("INCRBYFLOAT", "m", "-5"), C("INCRBYFLOAT", "n", "100"), C("OBJECT", "ENCODING", "n"),
        C("SET", "t", "1", "EX", 100), C("INCRBYFLOAT", "t", "1"), C("TTL", "t"),
        C("INCRBYFLOAT", "o", "1e-5"), C("INCRBYFLOAT", "p", "123456789.123456789"),
    ],
    "incrbyfloat-precision": [
        C("SET", "a", "1.1"), C("INCRBYFLOAT", "a", "2.2"), C("INCRBYFLOAT", "b", "0.3333333333333333333"),
        C("SET", "c", "0.1"), C("INCRBYFLOAT", "c", "0.7"), C("INCRBYFLOAT", "d", "3.14159265358979"),
        C("INCRBYFLOAT", "e", "5.0e3"), C("INCRBYFLOAT", "e", "1e-3"),
        C("SET", "f", "100"), C("INCRBYFLOAT", "f", "-99.99"),
    ],
    "incrbyfloat-huge": [
        C("INCRBYFLOAT", "a", "1e308"), C("INCRBYFLOAT", "a", "1e308"), C("INCRBYFLOAT", "b", "1e20"),
        C("INCRBYFLOAT", "c", "1.7976931348623157e308"),
    ],
    "incrbyfloat-input-forms": [
        C("INCRBYFLOAT", "a", ".5"), C("INCRBYFLOAT", "a", "5."), C("INCRBYFLOAT", "a", "-.5"),
        C("INCRBYFLOAT", "a", "+1.5"), C("INCRBYFLOAT", "a", "1E2"), C("INCRBYFLOAT", "a", "0x10"),
        C("INCRBYFLOAT", "a", "1_0"), C("INCRBYFLOAT", "a", "1e"), C("INCRBYFLOAT", "a", " 1"),
        C("INCRBYFLOAT", "a", "1 "), C("INCRBYFLOAT", "a", ""), C("GET", "a"),
    ],
    "incrbyfloat-errors": [
        C("SET", "s", "abc"), C("INCRBYFLOAT", "s", 1), C("INCRBYFLOAT", "f", "abc"),
        C("INCRBYFLOAT", "f", "inf"), C("INCRBYFLOAT", "f", "-inf"), C("INCRBYFLOAT", "f", "nan"),
        C("INCRBYFLOAT", "f"), C("EXISTS", "f"), C("SET", "g", "1.5x"), C("INCRBYFLOAT", "g", "1"),
        C("SET", "h", " 1.5"), C("INCRBYFLOAT", "h", "1"),
    ],
    "getrange": [
        C("SET", "k", "This is a string"), C("GETRANGE", "k", 0, 3), C("GETRANGE", "k", -3, -1),
        C("GETRANGE", "k", 0, -1), C("GETRANGE", "k", 10, 100), C("GETRANGE", "k", 5, 2),
        C("GETRANGE", "k", -100, -50), C("GETRANGE", "k", -100, 2), C("GETRANGE", "k", 100, 200),
        C("GETRANGE", "k", 0, 0), C("GETRANGE", "k", -1, -1), C("GETRANGE", "k", 16, 16),
        C("GETRANGE", "k", 15, 15), C("GETRANGE", "k", -1, 0), C("GETRANGE", "missing", 0, -1),
        C("GETRANGE", "k", "a", "b"), C("GETRANGE", "k", 0, "1.5"), C("SET", "n", 12345),
        C("GETRANGE", "n", 1, 2), C("GETRANGE", "n", -2, -1), C("SUBSTR", "k", 0, 3),
        C("GETRANGE", "k", I64_MAX, I64_MAX), C("GETRANGE", "k", I64_MIN, -1),
        C("GETRANGE", "k", 0, I64_MIN), C("SET", "e", ""), C("GETRANGE", "e", 0, -1),
        C("GETRANGE", "e", 0, 0), C("GETRANGE", "e", -1, -1), C("GETRANGE", "k", 3, -20),
    ],
    "setrange": [
        C("SET", "k", "Hello World"), C("SETRANGE", "k", 6, "Redis"), C("GET", "k"),
        C("SETRANGE", "k", 20, "x"), C("GET", "k"), C("SETRANGE", "k", 0, ""), C("STRLEN", "k"),
        C("SETRANGE", "nk", 0, ""), C("EXISTS", "nk"), C("SETRANGE", "nk", 3, ""), C("EXISTS", "nk"),
        C("SETRANGE", "nk", -1, "x"), C("SETRANGE", "nk", 536870912, "x"),
        C("SETRANGE", "nk", 536870911, ""), C("SETRANGE", "k", 536870912, ""),
        C("SETRANGE", "k", 536870912, "x"), C("SETRANGE", "k", "abc", "x"),
        C("SETRANGE", "nk", 2, "ab"), C("GET", "nk"), C("SET", "n", 123),
        C("SETRANGE", "n", 1, "9"), C("GET", "n"), C("OBJECT", "ENCODING", "n"),
        C("SET", "t", "v", "EX", 100), C("SETRANGE", "t", 0, "w"), C("TTL", "t"),
        C("SETRANGE", "k", I64_MAX, "x"),
    ],
    "lcs": [
        C("MSET", "k1", "ohmytext", "k2", "mynewtext"), C("LCS", "k1", "k2"), C("LCS", "k1", "k2", "LEN"),
        C("LCS", "k1", "k2", "IDX"), C("LCS", "k1", "k2", "IDX", "MINMATCHLEN", 4),
        C("LCS", "k1", "k2", "IDX", "WITHMATCHLEN"),
        C("LCS", "k1", "k2", "IDX", "MINMATCHLEN", 4, "WITHMATCHLEN"),
        C("LCS", "k1", "k2", "LEN", "IDX"), C("LCS", "k1", "missing"),
        C("LCS", "missing", "missing2", "LEN"), C("LCS", "missing", "missing2", "IDX"),
        C("LCS", "k1", "k2", "FOO"), C("LCS", "k1", "k2", "IDX", "MINMATCHLEN", "abc"),
        C("LCS", "k1", "k2", "IDX", "MINMATCHLEN", -1), C("LCS", "k1", "k2", "IDX", "MINMATCHLEN"),
        C("LCS", "k1", "k1"), C("LCS", "k1", "k1", "IDX"), C("LCS", "k1", "k2", "MINMATCHLEN", 2),
        C("LCS", "k1", "k2", "idx", "withmatchlen", "minmatchlen", "0"),
        C("MSET", "a", "ABCBDAB", "b", "BDCABA"), C("LCS", "a", "b"), C("LCS", "b", "a"),
        C("LCS", "a", "b", "IDX", "WITHMATCHLEN"), C("MSET", "e1", "", "e2", "abc"),
        C("LCS", "e1", "e2"), C("LCS", "e1", "e2", "IDX"), C("LCS", "e1", "e2", "LEN"),
        C("MSET", "x", "aaaa", "y", "aa"), C("LCS", "x", "y", "IDX", "WITHMATCHLEN"),
    ],
    # ---- keys
    "del-exists-touch-type": [
        C("MSET", "a", 1, "b", 2, "c", 3), C("DEL", "a", "b", "zz"), C("EXISTS", "a", "b", "c", "c"),
        C("UNLINK", "c"), C("EXISTS", "c"), C("DEL"), C("EXISTS"), C("UNLINK"), C("SET", "d", "x"),
        C("TOUCH", "a", "d", "d"), C("TOUCH"), C("TYPE", "d"), C("TYPE", "missing"), C("TYPE"),
        C("DEL", "d", "d"), C("EXISTS", "d"),
    ],
    "keys-patterns": [
        C("MSET", "hello", 1, "hallo", 2, "hxllo", 3, "hllo", 4, "heeello", 5, "h*llo", 6,
          "a[b", 7, "h-llo", 8, "H", 9),
        S("KEYS", "*"), S("KEYS", "h?llo"), S("KEYS", "h*llo"), S("KEYS", "h[ae]llo"),
        S("KEYS", "h[^e]llo"), S("KEYS", "h[a-b]llo"), S("KEYS", "h[b-a]llo"), S("KEYS", "h\\*llo"),
        S("KEYS", "a[b"), S("KEYS", "a\\[b"), S("KEYS", "*[b"), S("KEYS", "h[!e]llo"),
        S("KEYS", ""), S("KEYS", "h"), S("KEYS", "[hH]"), S("KEYS", "h[-]llo"), S("KEYS", "*llo*"),
        S("KEYS", "?"), S("KEYS", "h[]llo"), C("KEYS"), C("KEYS", "a", "b"), C("KEYS", "nothing*"),
    ],
    "scan": [
        C("SCAN", 0),
        C("MSET", *[x for i in range(40) for x in (f"user:{i}", i)]),
        C("MSET", "hello", 1, "hallo", 2, "other", "x", "big", "y" * 100),
        SCAN(), SCAN("MATCH", "user:1*"), SCAN("COUNT", 5), SCAN("MATCH", "h?llo", "COUNT", 3),
        SCAN("TYPE", "string"), SCAN("TYPE", "hash"), SCAN("TYPE", "STRING"), SCAN("TYPE", "foo"),
        SCAN("MATCH", "nothing*"), SCAN("count", "1000", "match", "*o*"),
        SCAN("MATCH", "user:*", "MATCH", "hello"), C("SCAN", "abc"),
        C("SCAN", 0, "COUNT", 0), C("SCAN", 0, "COUNT", -1), C("SCAN", 0, "COUNT", "abc"),
        C("SCAN", 0, "MATCH"), C("SCAN", 0, "FOO", "bar"), C("SCAN", 0, "TYPE"), C("SCAN"),
        C("SCAN", "1.5"),
    ],
    "scan-empty": [
        C("SCAN", 0), C("SCAN", 0, "MATCH", "*"), C("SCAN", 0, "TYPE", "string"),
    ],
    "randomkey": [
        C("RANDOMKEY"), C("SET", "only", 1), C("RANDOMKEY"), C("RANDOMKEY", "x"),
    ],
    "rename": [
        C("SET", "a", 1, "EX", 100), C("RENAME", "a", "b"), C("TTL", "b"), C("EXISTS", "a"),
        C("RENAME", "a", "c"), C("RENAME", "b", "b"), C("GET", "b"), C("SET", "c", 2, "EX", 50),
        C("RENAME", "b", "c"), C("GET", "c"), C("TTL", "c"), C("RENAMENX", "c", "d"), C("SET", "e", 1),
        C("RENAMENX", "d", "e"), C("GET", "e"), C("RENAMENX", "d", "d"), C("RENAMENX", "missing", "x"),
        C("RENAME", "a"), C("RENAME", "missing", "missing"), C("RENAMENX", "missing", "missing"),
    ],
    "copy": [
        C("SET", "s", "v", "EX", 100), C("COPY", "s", "d"), C("GET", "d"), C("TTL", "d"),
        C("COPY", "s", "d"), C("COPY", "s", "d", "REPLACE"), C("COPY", "s", "s"),
        C("COPY", "missing", "d"), C("COPY", "missing", "missing"), C("COPY", "s", "d", "DB", 1),
        C("COPY", "s", "d", "DB", 16), C("COPY", "s", "d", "DB", "abc"), C("COPY", "s", "d", "DB", -1),
        C("COPY", "s", "d", "FOO"), C("COPY", "s", "d", "DB"), C("COPY", "s", "d", "DB", 1, "REPLACE"),
        C("COPY", "s", "s", "DB", 1), C("COPY", "s", "s", "DB", 0), C("COPY", "s"),
        C("SELECT", 1), C("GET", "d"), C("TTL", "d"), C("GET", "s"), C("DBSIZE"),
        C("COPY", "d", "fromdb1", "DB", 0), C("SELECT", 0), C("GET", "fromdb1"),
        C("SET", "n", 42), C("COPY", "n", "n2"), C("OBJECT", "ENCODING", "n2"),
    ],
    "move": [
        C("SET", "a", 1), C("MOVE", "a", 1), C("EXISTS", "a"), C("SELECT", 1), C("GET", "a"),
        C("SET", "b", "x"), C("SELECT", 0), C("SET", "b", "y"), C("MOVE", "b", 1), C("GET", "b"),
        C("MOVE", "a", 1), C("MOVE", "b", 0), C("MOVE", "b", 16), C("MOVE", "b", "abc"),
        C("MOVE", "b", -1), C("MOVE", "b"), C("SET", "t", "v", "EX", 100), C("MOVE", "t", 2),
        C("SELECT", 2), C("TTL", "t"), C("MOVE", "missing", 0),
    ],
    "expire-options": [
        C("SET", "k", "v"), C("EXPIRE", "k", 100, "XX"), C("EXPIRE", "k", 100, "NX"),
        C("EXPIRE", "k", 200, "NX"), C("EXPIRE", "k", 50, "GT"), C("EXPIRE", "k", 200, "GT"),
        C("TTL", "k"), C("EXPIRE", "k", 300, "LT"), C("EXPIRE", "k", 150, "LT"), C("TTL", "k"),
        C("EXPIRE", "k", 150, "XX"), C("EXPIRE", "k", 10, "NX", "XX"), C("EXPIRE", "k", 10, "GT", "LT"),
        C("EXPIRE", "k", 10, "NX", "GT"), C("EXPIRE", "k", 10, "NX", "LT"),
        C("EXPIRE", "k", 10, "XX", "GT"), C("EXPIRE", "k", 1000, "XX", "GT"), C("TTL", "k"),
        C("EXPIRE", "k", 10, "FOO"), C("EXPIRE", "k", 10, "xx", "xx"), C("EXPIRE", "missing", 100),
        C("EXPIRE", "missing", 100, "NX"), C("SET", "p", "v"), C("EXPIRE", "p", 100, "GT"),
        C("EXPIRE", "p", 100, "LT"), C("TTL", "p"), C("SET", "q", "v"), C("EXPIRE", "q", 100, "XX", "LT"),
        C("PEXPIRE", "k", 500000, "GT"), NEAR(2000, "PTTL", "k"), C("PEXPIRE", "k", 500000, "NX"),
        C("EXPIREAT", "k", FAR, "NX"), C("EXPIREAT", "k", FAR, "XX"), C("EXPIRETIME", "k"),
        C("EXPIREAT", "k", FAR - 1, "GT"), C("PEXPIREAT", "k", FAR * 1000 + 1, "GT"),
        C("PEXPIRETIME", "k"), C("PEXPIREAT", "k", FAR * 1000, "LT"), C("PEXPIRETIME", "k"),
        C("EXPIRE", "k"), C("EXPIRE", "k", "10s"),
    ],
    "expire-values": [
        C("SET", "k", "v"), C("EXPIRE", "k", "abc"), C("EXPIRE", "k", I64_MAX),
        C("EXPIRE", "k", "9223372036854775"), C("EXPIRE", "k", "9223372036854770"),
        C("PEXPIRE", "k", I64_MAX), C("EXPIREAT", "k", "9223372036854775"),
        C("EXPIRE", "k", I64_MIN), NEAR(2, "TTL", "k"), C("PEXPIREAT", "k", I64_MAX),
        C("PEXPIRETIME", "k"), C("EXISTS", "k"), C("EXPIRE", "k", 0), C("EXISTS", "k"),
        C("SET", "k", "v"), C("EXPIRE", "k", -1), C("EXISTS", "k"), C("SET", "k", "v"),
        C("EXPIREAT", "k", 1000), C("EXISTS", "k"), C("SET", "k", "v"), C("PEXPIREAT", "k", 1),
        C("GET", "k"), C("SET", "k", "v"), C("PEXPIRE", "k", 0), C("DBSIZE"),
        C("SET", "k", "v"), C("EXPIRE", "k", 0, "XX"), C("EXISTS", "k"), C("EXPIRE", "k", 0, "NX"),
        C("EXISTS", "k"), C("SET", "k", "v", "EX", 100), C("EXPIRE", "k", -5, "GT"), C("EXISTS", "k"),
        C("EXPIRE", "k", -5, "LT"), C("EXISTS", "k"),
    ],
    "ttl-persist": [
        C("TTL", "missing"), C("PTTL", "missing"), C("EXPIRETIME", "missing"),
        C("PEXPIRETIME", "missing"), C("SET", "k", "v"), C("TTL", "k"), C("PTTL", "k"),
        C("EXPIRETIME", "k"), C("PEXPIRETIME", "k"), C("EXPIREAT", "k", FAR), C("EXPIRETIME", "k"),
        C("PEXPIRETIME", "k"), C("PERSIST", "k"), C("PERSIST", "k"), C("PERSIST", "missing"),
        C("TTL", "k"), C("TTL"), C("TTL", "a", "b"), C("PERSIST"), C("PTTL"), C("EXPIRETIME"),
        C("SET", "k", "v", "PX", 100000), C("TTL", "k"), C("SET", "k", "v", "PX", 1499), C("TTL", "k"),
    ],
    "object": [
        C("SET", "i", 12345), C("SET", "e", "abc"), C("SET", "r", LONG45), C("SET", "e44", LONG44),
        C("SET", "neg", -5), C("SET", "big", I64_MAX), C("SET", "bigger", "9223372036854775808"),
        C("SET", "lz", "0123"), C("SET", "sp", " 1"), C("SET", "f", "1.5"), C("SET", "z", "0"),
        C("SET", "mz", "-0"), C("SET", "small", 5), C("SET", "empty", ""), C("SET", "n20", "12345678901234567890"),
        *[C("OBJECT", "ENCODING", k) for k in
          ("i", "e", "r", "e44", "neg", "big", "bigger", "lz", "sp", "f", "z", "mz", "small", "empty", "n20")],
        C("OBJECT", "ENCODING", "missing"), C("APPEND", "e", "x"), C("OBJECT", "ENCODING", "e"),
        C("INCR", "i"), C("OBJECT", "ENCODING", "i"), C("SETRANGE", "e44", 0, "a"),
        C("OBJECT", "ENCODING", "e44"), C("INCRBYFLOAT", "fl", "1.5"), C("OBJECT", "ENCODING", "fl"),
        C("INCRBYFLOAT", "fi", "3"), C("OBJECT", "ENCODING", "fi"), C("SET", "k10001", 10001),
        C("OBJECT", "ENCODING", "k10001"), C("SET", "ex", 5, "EX", 100), C("OBJECT", "ENCODING", "ex"),
        C("OBJECT", "REFCOUNT", "small"), C("OBJECT", "REFCOUNT", "e"), C("OBJECT", "REFCOUNT", "i"),
        C("OBJECT", "REFCOUNT", "missing"), C("OBJECT", "FREQ", "e"), NEAR(1, "OBJECT", "IDLETIME", "e"),
        C("OBJECT", "IDLETIME", "missing"), C("OBJECT", "FOO"), C("OBJECT", "FOO", "e"), C("OBJECT"),
        C("OBJECT", "ENCODING"), C("OBJECT", "ENCODING", "a", "b"), C("object", "encoding", "r"),
        X("OBJECT", "HELP"),
    ],
    "select-swapdb-flush": [
        C("SELECT", 1), C("SET", "a", 1), C("DBSIZE"), C("SELECT", 0), C("DBSIZE"), C("SWAPDB", 0, 1),
        C("DBSIZE"), C("GET", "a"), C("SWAPDB", 0, 16), C("SWAPDB", "a", "b"), C("SWAPDB", 0, "b"),
        C("SWAPDB", -1, 0), C("SWAPDB", 0, 0), C("SWAPDB", 0), C("SELECT", 16), C("SELECT", -1),
        C("SELECT", "abc"), C("SELECT", 1, 2), C("SELECT", "1.0"), C("FLUSHDB"), C("DBSIZE"),
        C("SET", "b", 1), C("FLUSHDB", "ASYNC"), C("DBSIZE"), C("FLUSHDB", "SYNC"), C("FLUSHDB", "FOO"),
        C("FLUSHDB", "SYNC", "ASYNC"), C("FLUSHALL", "FOO"), C("DBSIZE", "x"), C("SELECT", 1),
        C("DBSIZE"), C("SET", "c", 1), C("FLUSHALL"), C("DBSIZE"), C("SELECT", 0), C("DBSIZE"),
    ],
    "ping-echo": [
        C("PING"), C("PING", "hi"), C("PING", "a", "b"), C("ECHO", "x"), C("ECHO"), C("ECHO", "a", "b"),
        C("ECHO", ""), C("PING", ""), C("ECHO", bytes(range(256))), C("ping"), C("Echo", "MiXeD"),
    ],
    "config": [
        C("CONFIG", "GET", "hz"), C("CONFIG", "GET", "databases"), C("CONFIG", "GET", "timeout"),
        C("CONFIG", "GET", "HZ"), C("CONFIG", "GET", "nosuch"), C("CONFIG", "GET", "maxclients"),
        C("CONFIG", "GET", "proto-max-bulk-len"), C("CONFIG", "GET", "requirepass"),
        C("CONFIG", "GET", "client-query-buffer-limit"),
        P("CONFIG", "GET", "hz", "timeout"), P("CONFIG", "GET", "databas*"),
        C("CONFIG", "SET", "hz", 10), C("CONFIG", "SET", "hz", "abc"), C("CONFIG", "SET", "nosuch", 1),
        C("CONFIG", "SET", "hz"), C("CONFIG", "SET", "hz", 10, "timeout", 0), C("CONFIG", "SET", "hz", 10, "hz", 10),
        C("CONFIG", "SET", "timeout", -1), C("CONFIG", "SET", "databases", 4), C("CONFIG", "GET", "timeout"),
        C("CONFIG", "RESETSTAT"), C("CONFIG", "FOO"), C("CONFIG"), C("CONFIG", "GET"),
        C("config", "get", "Hz"),
    ],
    "command-introspection": [
        C("COMMAND", "INFO", "get"), C("COMMAND", "INFO", "set", "nosuch", "GETEX"),
        C("COMMAND", "INFO", "lcs", "incrbyfloat", "expire", "scan", "object|encoding"),
        C("COMMAND", "INFO", "config|get"),
        C("COMMAND", "GETKEYS", "set", "a", "b"), C("COMMAND", "GETKEYS", "mset", "a", 1, "b", 2),
        C("COMMAND", "GETKEYS", "get"), C("COMMAND", "GETKEYS", "foo"), C("COMMAND", "GETKEYS", "ping"),
        C("COMMAND", "GETKEYS", "lcs", "x", "y"), C("COMMAND", "GETKEYS"), C("COMMAND", "FOO"),
        X("COMMAND", "COUNT"),
        # Found by tests/difffuzz: "no key arguments" comes before the arity check, a not_key
        # spec (a shard channel) is no key, and a key-taking command whose arguments name no
        # key is refused.
        C("COMMAND", "GETKEYS", "keys", "a", "b"), C("COMMAND", "GETKEYS", "object", "help"),
        C("COMMAND", "GETKEYS", "spublish", "ch", "m"), C("COMMAND", "GETKEYS", "ssubscribe", "ch"),
        C("COMMAND", "GETKEYS", "xread", "x", "y", "z"), C("COMMAND", "GETKEYS", "lmpop", 0, "a", "LEFT"),
        C("COMMAND", "GETKEYS", "object", "encoding"),
    ],
    "client": [
        C("CLIENT", "GETNAME"), C("CLIENT", "SETNAME", "foo"), C("CLIENT", "GETNAME"),
        C("CLIENT", "SETNAME", "a b"), C("CLIENT", "SETNAME", "a\nb"), C("CLIENT", "GETNAME"),
        C("CLIENT", "SETNAME", ""), C("CLIENT", "GETNAME"), C("CLIENT", "SETNAME", "a", "b"),
        C("CLIENT", "NO-EVICT", "on"), C("CLIENT", "NO-EVICT", "off"), C("CLIENT", "NO-EVICT", "maybe"),
        C("CLIENT", "FOO"), C("CLIENT"), C("CLIENT", "KILL", "ID", 99999999),
        C("CLIENT", "KILL", "1.2.3.4:5"), C("CLIENT", "KILL", "ID", "abc"), C("CLIENT", "GETNAME", "x"),
        X("CLIENT", "ID"), X("CLIENT", "LIST"), X("CLIENT", "INFO"),
    ],
    "reset": [
        C("CLIENT", "SETNAME", "x"), C("SELECT", 1), C("SET", "k", "in1"), C("RESET"),
        C("CLIENT", "GETNAME"), C("GET", "k"), C("RESET", "x"),
    ],
    "multi-exec": [
        C("MULTI"), C("MULTI"), C("SET", "a", 1), C("INCR", "a"), C("LPUSH", "a", "x"), C("GET", "a"),
        C("EXEC"), C("EXEC"), C("DISCARD"), C("MULTI"), C("PING"), C("DISCARD"), C("GET", "a"),
        C("MULTI"), C("SET", "b"), C("NOSUCHCMD"), C("SET", "b", 1), C("EXEC"), C("GET", "b"),
        C("MULTI"), C("WATCH", "a"), C("SELECT", 3), C("SET", "a", "in3"), C("EXEC"), C("GET", "a"),
        C("SELECT", 0), C("MULTI"), C("EXEC"), C("WATCH", "a", "b"), C("UNWATCH"), C("WATCH"),
        C("MULTI", "x"), C("EXEC", "x"), C("MULTI"), C("RESET"), C("EXEC"),
    ],
    "watch": [
        C("SET", "k", 1), C("WATCH", "k"), C("SET", "k", 2), C("MULTI"), C("INCR", "k"), C("EXEC"),
        C("GET", "k"), C("WATCH", "k"), C("MULTI"), C("INCR", "k"), C("EXEC"), C("WATCH", "missing"),
        C("MULTI"), C("PING"), C("EXEC"), C("WATCH", "k"), C("FLUSHDB"), C("MULTI"), C("PING"), C("EXEC"),
        C("SET", "e", 1, "PX", 50), C("WATCH", "e"), SLEEP(0.15), C("MULTI"), C("PING"), C("EXEC"),
    ],
    "hello-errors": [
        C("HELLO", 4), C("HELLO", "abc"), C("HELLO", 1), C("HELLO", 3, "FOO"), C("HELLO", 3, "AUTH", "default"),
        C("HELLO", 3, "SETNAME", "a b"), C("HELLO", 2, "FOO"), C("HELLO", "-1"), C("PING"),
    ],
    "auth-without-password": [
        C("AUTH", "x"), C("AUTH", "default", "x"), C("AUTH", "a", "b", "c"), C("AUTH"),
        C("AUTH", "nouser", "x"), C("PING"),
    ],
    "unknown-commands": [
        C("FOO"), C("FOO", "a", "b"), C(""), C("FOO", *["a" * 40] * 6), C("F" * 200),
        C("FO\r\nO", "x\ny"), C("GET|x", "k"), C("CONFIG|GET", "hz"), C("PING"),
    ],
    "hello-switch-protocol": [
        X("HELLO", 3), C("GET", "missing"), C("CONFIG", "GET", "hz"), C("SET", "k", "v", "GET"),
        X("HELLO", 2), C("GET", "missing"), C("CONFIG", "GET", "hz"), C("MGET", "k", "missing"),
    ],
    "big-values": [
        C("SET", "k", "x" * 1_000_000), C("STRLEN", "k"), C("GETRANGE", "k", 999_990, -1),
        C("APPEND", "k", "y" * 100_000), C("STRLEN", "k"), C("SETRANGE", "k", 2_000_000, "z"),
        C("STRLEN", "k"), C("GETRANGE", "k", 1_999_995, -1), C("OBJECT", "ENCODING", "k"),
        C("GET", "k"), C("LCS", "k", "k", "LEN"),
    ],
    "empty-and-odd-arguments": [
        C("SET", "k", "v"), C("EXPIRE", "k", ""), C("GETRANGE", "k", "", 1), C("SETRANGE", "k", "", "x"),
        C("INCRBY", "k", ""), C("SET", "k", "v", "EX", ""), C("SET", "k", "v", ""), C("MGET", "", ""),
        C("COPY", "k", "k2", "DB", ""), C("SELECT", ""), C("SET", "k", "v", "EX", "+5"),
        C("EXPIRE", "k", " 5"), C("EXPIRE", "k", "05"), C("TTL", "k"), C("SET", "k", "v", "EX", "0010"),
        C("TTL", "k"),
    ],
    "expired-key-semantics": [
        C("SET", "a", "v", "PX", 1), C("SET", "n", "5", "PX", 1), C("SET", "b", "v"), SLEEP(0.05),
        S("KEYS", "*"), SCAN(), C("EXISTS", "a"), C("RANDOMKEY"), C("TTL", "a"), C("PTTL", "a"),
        C("TYPE", "a"), C("GET", "a"), C("STRLEN", "a"), C("GETRANGE", "a", 0, -1),
        C("OBJECT", "ENCODING", "a"), C("RENAME", "a", "c"), C("COPY", "a", "c"), C("MOVE", "a", 1),
        C("PERSIST", "a"), C("EXPIRE", "a", 100), C("SET", "a", "new", "GET"), C("TTL", "a"),
        C("INCR", "n"), C("TTL", "n"), C("EXISTS", "a", "b", "n"),
    ],
    "object-encoding-by-command": [
        C("MSET", "m", 123, "mr", "x" * 50), C("SETNX", "sn", 456), C("GETSET", "gs", 789),
        C("APPEND", "ap", 123), C("SETEX", "se", 100, 42), C("PSETEX", "ps", 100000, 42),
        C("SET", "sg", 42, "GET"), C("SETRANGE", "sr", 0, "123"), C("INCRBY", "ib", 5), C("DECR", "d"),
        C("SET", "nonshared", 10000), C("SET", "e", ""), C("SET", "neg", -1),
        C("SET", "long", "1234567890123456789012"), C("MSETNX", "mn", "7", "mn2", "abc"),
        C("SET", "k", "10"), C("GETEX", "k", "EX", 100), C("COPY", "ap", "apc"),
        C("INCRBYFLOAT", "fl", "2"), C("SET", "x", "abc"), C("GETDEL", "x"),
        *[C("OBJECT", "ENCODING", k) for k in
          ("m", "mr", "sn", "gs", "ap", "se", "ps", "sg", "sr", "ib", "d", "nonshared", "e", "neg",
           "long", "mn", "mn2", "k", "apc", "fl")],
        C("APPEND", "m", "4"), C("OBJECT", "ENCODING", "m"), C("INCR", "m"), C("OBJECT", "ENCODING", "m"),
        C("RENAME", "ib", "ib2"), C("OBJECT", "ENCODING", "ib2"),
    ],
    "many-arguments": [
        C("MSET", *[x for i in range(1000) for x in (f"k{i}", i)]), C("DBSIZE"),
        C("MGET", *[f"k{i}" for i in range(0, 1100, 3)]),
        C("EXISTS", *[f"k{i}" for i in range(1500)]), C("DEL", *[f"k{i}" for i in range(0, 1000, 2)]),
        C("DBSIZE"), C("UNLINK", *[f"k{i}" for i in range(1000)]), C("DBSIZE"),
    ],
    "pipeline-batch": [
        RAW(b"".join(encode("INCR", "ctr") for _ in range(100)), replies=100),
        RAW(b"".join(encode("SET", f"k{i}", "v" * i) for i in range(50))
            + b"".join(encode("GET", f"k{i}") for i in range(50)), replies=100),
        C("DBSIZE"),
    ],
}

# Sequences that only make sense over RESP2 (raw protocol bytes, inline commands).
PROTOCOL_SEQUENCES = {
    "inline-basic": [
        RAW(b"PING\r\n"), RAW(b"ping\n"), RAW(b'set a "b c"\r\n'), RAW(b"get a\r\n"),
        RAW(b"SET b 'x y'\r\n"), RAW(b"get b\r\n"), RAW(b'set c "\\x41\\n\\t"\r\n'), RAW(b"get c\r\n"),
        RAW(b"\r\n", replies=0), RAW(b"   \r\n", replies=0), RAW(b"echo   spaced    out  \r\n"),
        RAW(b"PING\r\nPING\r\n", replies=2), RAW(b"set d 'it\\'s'\r\n"), RAW(b"get d\r\n"),
        RAW(b'set e ""\r\n'), RAW(b"strlen e\r\n"), RAW(b"ECHO x\r\n*1\r\n$4\r\nPING\r\n", replies=2),
        RAW(b"GET\r\n"), RAW(b"foo bar\r\n"),
    ],
    "inline-edge-cases": [
        RAW(b"set a b\rc\r\n"), RAW(b'echo "a\\"b"\r\n'), RAW(b'echo "\\x4g"\r\n'),
        RAW(b'echo "\\u0041\\q"\r\n'), RAW(b"\tPING\t\r\n"), RAW(b"PING\n\n"), RAW(b"PING\r\r\n"),
        RAW(b"echo 'a\\'b'\r\n"), RAW(b"echo '\\x41'\r\n"), RAW(b"echo " + b"z" * 60000 + b"\r\n"),
    ],
    "inline-empty-quotes-glued": [RAW(b'echo """"\r\n', close=True)],
    "inline-unbalanced-double": [RAW(b'set a "b\r\n', close=True)],
    "inline-unbalanced-single": [RAW(b"set a 'b\r\n", close=True)],
    "inline-quote-not-followed-by-space": [RAW(b'set a "b"c\r\n', close=True)],
    "inline-too-big": [RAW(b"a" * (65 * 1024), close=True)],
    "proto-expected-dollar": [RAW(b"*1\r\n+x\r\n", close=True)],
    "proto-expected-dollar-inline-char": [RAW(b"*1\r\nPING\r\n", close=True)],
    "proto-negative-multibulk": [RAW(b"*-5\r\n", replies=0), C("PING")],
    "proto-zero-multibulk": [RAW(b"*0\r\n", replies=0), C("PING")],
    "proto-minus-one-multibulk": [RAW(b"*-1\r\n*0\r\n*-1\r\n", replies=0), C("PING")],
    "proto-invalid-multibulk": [RAW(b"*abc\r\n", close=True)],
    "proto-multibulk-trailing-space": [RAW(b"*1 \r\n", close=True)],
    "proto-multibulk-over-int-max": [RAW(b"*2147483648\r\n", close=True)],
    "proto-invalid-bulk": [RAW(b"*1\r\n$abc\r\n", close=True)],
    "proto-negative-bulk": [RAW(b"*1\r\n$-1\r\n", close=True)],
    "proto-plus-bulk-length": [RAW(b"*1\r\n$+4\r\nPING\r\n", close=True)],
    "proto-huge-bulk": [RAW(b"*1\r\n$600000000\r\n", close=True)],
    "proto-leading-zero-multibulk": [RAW(b"*01\r\n$4\r\nPING\r\n", close=True)],
    "proto-leading-zero-bulk": [RAW(b"*1\r\n$04\r\nPING\r\n", close=True)],
    "proto-incomplete-then-complete": [
        RAW(b"*2\r\n$4\r\nECHO\r\n$5\r\nhel", replies=0), RAW(b"lo\r\n"),
        RAW(b"*1\r", replies=0), RAW(b"\n$4\r\nPING\r\n"),
    ],
    "proto-bulk-without-crlf": [RAW(b"*1\r\n$4\r\nPINGxx"), C("PING")],
    "proto-too-big-mbulk-count": [RAW(b"*" + b"1" * 70000, close=True)],
    "proto-too-big-bulk-count": [RAW(b"*1\r\n$" + b"1" * 70000, close=True)],
    "proto-empty-bulk-command": [RAW(b"*1\r\n$0\r\n\r\n"), C("PING")],
    "proto-error-after-good": [RAW(b"*1\r\n$4\r\nPING\r\n*1\r\n+x\r\n", replies=2, close=True)],
    "proto-split-writes": [RAW(encode("SET", "k", "split") + encode("GET", "k"), replies=2, chunked=True)],
    "proto-mixed-inline-multibulk": [
        RAW(b"SET k 1\r\n*2\r\n$4\r\nINCR\r\n$1\r\nk\r\nINCR k\r\n", replies=3), C("GET", "k"),
    ],
    "quit": [C("PING"), RAW(encode("QUIT"), close=True)],
    "quit-inline": [RAW(b"QUIT\r\n", close=True)],
    "quit-with-pipelined-tail": [RAW(encode("QUIT") + encode("PING"), close=True)],
}

# Sequences that may wedge or crash a server: each runs against a private ferrite.
HAZARD_SEQUENCES = {
    # Redis looks for the inline newline with strchr(), which stops at a NUL byte: the request
    # never completes, the connection keeps buffering until the inline limit (64 KiB) is
    # exceeded, and then gets "too big inline request"; other connections are served meanwhile.
    "inline-nul-byte": [
        RAW(b"echo a\x00b\r\n", replies=0), FRESH("PING"), FRESH("ECHO", "ok"),
        RAW(b"x" * 70000, close=True),
    ],
    "inline-nul-byte-alone": [RAW(b"\x00\r\n", replies=0), FRESH("PING"), RAW(b"y" * 70000, close=True)],
}

# Sequences against servers started with --requirepass.
AUTH_SEQUENCES = {
    "auth-flow": [
        C("GET", "k"), C("PING"), C("SET", "k", "v"), C("AUTH", "wrong"), C("AUTH", "default", "wrong"),
        C("AUTH", "nouser", PASSWORD), C("AUTH", "a", "b", "c"), C("AUTH", PASSWORD), C("GET", "k"),
        C("SET", "k", "v"), C("GET", "k"), C("AUTH", "default", PASSWORD), C("AUTH", "wrong"), C("GET", "k"),
    ],
    "auth-checks-order": [C("GET"), C("FOO"), C("CONFIG", "FOO"), C("AUTH"), C("HELLO", 4), C("ECHO", "x")],
    "auth-hello": [
        C("HELLO", 3), C("HELLO", 3, "AUTH", "default", "wrong"), C("HELLO", "2", "AUTH", "default"),
        X("HELLO", 3, "AUTH", "default", PASSWORD), C("GET", "k"), C("PING"),
    ],
    # Found by tests/difffuzz: HELLO authenticates when it reads AUTH, before later options.
    "auth-hello-option-order": [
        C("HELLO", 3, "AUTH", "default", "wrong", "junk"), C("GET", "k"),
        C("HELLO", 3, "AUTH", "default", "wrong", "SETNAME", "a b"), C("HELLO", 3, "SETNAME", "a b", "AUTH", "x", "y"),
        C("HELLO", 2, "AUTH", "default", PASSWORD, "junk"), C("GET", "k"), C("PING"),
    ],
    "auth-reset": [C("AUTH", PASSWORD), C("SET", "k", "v"), C("RESET"), C("GET", "k"), C("AUTH", PASSWORD), C("GET", "k")],
    "auth-quit": [RAW(encode("QUIT"), close=True)],
    "auth-unauthenticated-multibulk": [RAW(b"*20\r\n", close=True)],
    "auth-unauthenticated-bulk": [RAW(b"*1\r\n$20000\r\n", close=True)],
    "auth-unauthenticated-small-ok": [RAW(b"*10\r\n" + b"$1\r\nx\r\n" * 10), C("PING")],
    "auth-after-auth-large-ok": [
        C("AUTH", PASSWORD), RAW(encode("SET", "k", "x" * 20000)), C("STRLEN", "k"),
        RAW(encode("MSET", *[f"k{i}" for i in range(40)])),
    ],
}


def _cases():
    for seq_id, steps in COMMAND_SEQUENCES.items():
        yield pytest.param(steps, id=f"resp2-{seq_id}")
    for seq_id, steps in COMMAND_SEQUENCES.items():
        yield pytest.param([X("HELLO", "3")] + steps, id=f"resp3-{seq_id}")
    for seq_id, steps in PROTOCOL_SEQUENCES.items():
        yield pytest.param(steps, id=seq_id)


@pytest.mark.parametrize("steps", list(_cases()))
def test_same_replies(request, steps, ferrite, redis_server):
    compare(request.node.callspec.id, steps, ferrite.port, redis_server.port)


@pytest.mark.parametrize("steps", [pytest.param(s, id=k) for k, s in AUTH_SEQUENCES.items()])
def test_same_replies_with_requirepass(request, steps, ferrite_auth, redis_auth):
    compare(request.node.callspec.id, steps, ferrite_auth.port, redis_auth.port, password=None)


@pytest.mark.parametrize("steps", [pytest.param(s, id=k) for k, s in HAZARD_SEQUENCES.items()])
def test_same_replies_hazardous(request, steps, private_ferrite, redis_server):
    compare(request.node.callspec.id, steps, private_ferrite.port, redis_server.port, timeout=3.0)


# --------------------------------------------------------------------------- self-checks


def test_resp_reader_handles_all_types():
    """The reader itself: every RESP2/RESP3 type parses and round-trips as raw bytes."""
    from resp_util import _BytesSource

    samples = [
        b"+OK\r\n", b"-ERR x\r\n", b":-12\r\n", b"_\r\n", b",3.14\r\n", b"#t\r\n", b"(12345678901234567890\r\n",
        b"$3\r\na\r\n\r\n", b"$-1\r\n", b"=8\r\ntxt:abcd\r\n", b"!5\r\nERR x\r\n", b"*-1\r\n",
        b"*2\r\n:1\r\n*1\r\n$0\r\n\r\n", b"~2\r\n+a\r\n+b\r\n", b">2\r\n+message\r\n:1\r\n",
        b"%1\r\n+k\r\n*0\r\n", b"|1\r\n+key\r\n+val\r\n:7\r\n",
    ]
    stream = _BytesSource(b"".join(samples))
    for sample in samples:
        assert stream.read_raw_reply() == sample
    assert parse(b"%1\r\n+k\r\n:1\r\n") == [(b"k", 1)]
    assert parse(b"$-1\r\n") is NULL or parse(b"$-1\r\n") == NULL
    assert isinstance(parse(b"-ERR x\r\n"), Error)
    with pytest.raises(ProtocolViolation):
        parse(b"*2\r\n:1\r\n")


def test_sequences_are_meaningful(redis_server):
    """Guards the differential tests against vacuous sequences: on real Redis, most steps of the
    command sequences must succeed (a typo'd command would make every step an error on both
    servers and still 'match')."""
    errors = total = 0
    for seq_id, steps in COMMAND_SEQUENCES.items():
        for obs in run_sequence(redis_server.port, steps):
            if isinstance(obs, bytes):
                total += 1
                errors += obs.startswith(b"-")
        redis_server.flush()
    assert total > 400
    assert errors < total * 0.45, (errors, total)


@pytest.mark.parametrize("command", ["OBJECT", "CONFIG", "CLIENT", "COMMAND"])
def test_help_shape(command, ferrite, redis_server):
    """HELP replies are excluded from byte comparison (their wording is Ferrite's own), but their
    shape must be Redis's: an array of status lines, the same header line first, and the HELP
    entry last, so tools that print or parse them keep working."""
    replies = {}
    for name, server in (("ferrite", ferrite), ("redis", redis_server)):
        with RespConn(server.port) as conn:
            replies[name] = parse(conn.call_raw(command, "HELP"))
    ours, theirs = replies["ferrite"], replies["redis"]
    assert isinstance(ours, list) and len(ours) >= 5
    assert ours[0] == theirs[0]
    assert ours[-2:] == theirs[-2:]
    assert all(isinstance(line, (bytes, str)) for line in ours)
