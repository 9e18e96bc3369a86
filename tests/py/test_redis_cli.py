"""redis-cli against ferrite and against redis-server: same invocations, same output.

Each case is a list of invocations run in order (state carries over between them) on each
server after both were flushed; stdout, stderr and the exit status must match. Every case runs
in three output modes: the default (raw, since stdout is a pipe), --no-raw (the formatted
"(integer) 1" style), and -3 (RESP3, which redis-cli negotiates with HELLO 3).
"""

from __future__ import annotations

import re
import subprocess

import pytest

from conftest import PASSWORD, REDIS_CLI
from resp_util import encode

CLI_TIMEOUT = 20.0


def cli(port, args, stdin: bytes | None = None, mode=()):
    proc = subprocess.run(
        [REDIS_CLI, "-h", "127.0.0.1", "-p", str(port), *mode, *args],
        input=stdin if stdin is not None else b"",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        timeout=CLI_TIMEOUT,
    )
    return proc.returncode, proc.stdout, proc.stderr


def run_case(port, invocations, mode):
    out = []
    for inv in invocations:
        args, stdin, sort = inv["args"], inv.get("stdin"), inv.get("sort", False)
        rc, stdout, stderr = cli(port, args, stdin, mode)
        if sort:  # order legitimately differs (hash layout): compare the lines, unnumbered
            stdout = b"\n".join(sorted(re.sub(rb"^\s*\d+[)~#] ", b"", line) for line in stdout.splitlines()))
        out.append((rc, stdout, stderr))
    return out


def I(*args, stdin=None, sort=False):  # noqa: E743 - one invocation
    return {"args": [str(a) for a in args], "stdin": stdin, "sort": sort}


def assert_same(case_id, invocations, ours, theirs):
    if ours == theirs:
        return
    lines = [f"redis-cli case {case_id!r}: output differs"]
    for inv, a, b in zip(invocations, ours, theirs):
        mark = "  " if a == b else "!!"
        lines.append(f"{mark} redis-cli {' '.join(inv['args'])}"
                     + (f"  (stdin {inv['stdin'][:60]!r})" if inv["stdin"] else ""))
        if a == b:
            lines.append(f"      both:    rc={a[0]} stdout={a[1]!r} stderr={a[2]!r}")
        else:
            lines.append(f"      ferrite: rc={a[0]} stdout={a[1]!r} stderr={a[2]!r}")
            lines.append(f"      redis:   rc={b[0]} stdout={b[1]!r} stderr={b[2]!r}")
    pytest.fail("\n".join(lines), pytrace=False)


CASES = {
    "strings": [
        I("ping"), I("set", "a", "b"), I("get", "a"), I("get", "missing"), I("set", "e", ""), I("get", "e"),
        I("incr", "n"), I("incrby", "n", "41"), I("incrbyfloat", "f", "1.5"), I("append", "a", "cd"),
        I("strlen", "a"), I("getrange", "a", "0", "1"), I("setrange", "a", "1", "XY"), I("get", "a"),
        I("mset", "x", "1", "y", "2"), I("mget", "x", "y", "z"), I("msetnx", "x", "1", "q", "2"),
        I("getset", "x", "9"), I("getdel", "y"), I("getex", "x", "persist"),
        I("set", "k", "v", "get"), I("set", "k", "w", "nx"), I("echo", "hello world"),
        I("echo", "line1\nline2"), I("set", "u", "h\u00e9llo"), I("get", "u"),
        I("mset", "k1", "ohmytext", "k2", "mynewtext"), I("lcs", "k1", "k2"),
        I("lcs", "k1", "k2", "len"), I("lcs", "k1", "k2", "idx", "withmatchlen"),
    ],
    "keys": [
        I("mset", "hello", "1", "hallo", "2", "other", "3"), I("exists", "hello", "nope", "hello"),
        I("type", "hello"), I("type", "nope"), I("keys", "ot*"), I("keys", "*", sort=True),
        I("ttl", "hello"), I("expire", "hello", "100"), I("ttl", "hello"), I("persist", "hello"),
        I("pttl", "nope"), I("expireat", "hello", "4102444800"), I("expiretime", "hello"),
        I("rename", "hello", "hi"), I("copy", "hi", "hi2"), I("move", "hi2", "1"), I("del", "hallo", "x"),
        I("object", "encoding", "other"), I("set", "num", "123"), I("object", "encoding", "num"),
        I("dbsize"), I("-n", "1", "get", "hi2"), I("-n", "1", "dbsize"), I("-n", "1", "randomkey"),
        I("scan", "0", "match", "ot*", "count", "100"), I("--scan", "--pattern", "h*", sort=True),
    ],
    "errors": [
        I("get"), I("foo", "bar"), I("set", "s", "abc"), I("incr", "s"), I("config", "foo"),
        I("set", "k", "v", "nx", "xx"), I("expire", "s", "10", "nx", "xx"), I("select", "99"),
        I("incrbyfloat", "s", "1"), I("object", "encoding", "nope"),
    ],
    "server": [
        I("config", "get", "hz"), I("config", "get", "databases"), I("config", "set", "hz", "10"),
        I("client", "setname", "cli"), I("client", "getname"), I("dbsize"), I("flushdb"),
        I("command", "info", "get"), I("command", "getkeys", "set", "a", "b"), I("swapdb", "0", "1"),
    ],
    "stdin-commands": [
        I(stdin=b"set a 1\nincr a\nget a\nmget a b\nget\n"),
        I("-x", "set", "fromstdin", stdin=b"payload\nwith newline"), I("get", "fromstdin"),
    ],
    "csv": [I("mset", "a", "1", "b", "x y"), I("--csv", "mget", "a", "b", "c"), I("--csv", "incr", "a")],
}

MODES = {"raw": (), "no-raw": ("--no-raw",), "resp3": ("-3",), "resp3-no-raw": ("-3", "--no-raw")}


@pytest.mark.parametrize("mode", list(MODES), ids=list(MODES))
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_cli_same_output(case, mode, ferrite, redis_server):
    invocations = CASES[case]
    ours = run_case(ferrite.port, invocations, MODES[mode])
    theirs = run_case(redis_server.port, invocations, MODES[mode])
    assert_same(f"{case}/{mode}", invocations, ours, theirs)


def test_cli_sanity(ferrite):
    """Direct checks, so the comparison above cannot pass merely because both sides fail."""
    assert cli(ferrite.port, ["ping"]) == (0, b"PONG\n", b"")
    assert cli(ferrite.port, ["set", "k", "v"])[1] == b"OK\n"
    assert cli(ferrite.port, ["--no-raw", "get", "k"])[1] == b'"v"\n'
    assert cli(ferrite.port, ["--no-raw", "incr", "n"])[1] == b"(integer) 1\n"
    assert cli(ferrite.port, ["-3", "--no-raw", "get", "missing"])[1] == b"(nil)\n"


def test_cli_repeat_incr(ferrite, redis_server):
    ours = cli(ferrite.port, ["-r", "100", "incr", "counter"])
    theirs = cli(redis_server.port, ["-r", "100", "incr", "counter"])
    assert ours == theirs
    assert ours[1] == b"".join(b"%d\n" % i for i in range(1, 101))
    assert cli(ferrite.port, ["get", "counter"])[1] == b"100\n"


def _pipe_input() -> bytes:
    parts = [encode("SET", f"key:{i}", f"value-{i}") for i in range(2000)]
    parts += [encode("INCR", "ctr") for _ in range(500)]
    parts += [encode("GET", "key:7"), encode("SET", "s", "abc"), encode("INCR", "s"), encode("NOSUCHCMD")]
    parts += [b"PING\r\n"]  # an inline command in the stream
    return b"".join(parts)


def test_cli_pipe_mode(ferrite, redis_server):
    data = _pipe_input()
    ours = cli(ferrite.port, ["--pipe"], stdin=data)
    theirs = cli(redis_server.port, ["--pipe"], stdin=data)
    # The error lines' relative order on stderr is deterministic (one connection).
    assert ours == theirs, f"ferrite: {ours!r}\nredis:   {theirs!r}"
    assert b"errors: 2, replies: 2505" in ours[1]
    for port in (ferrite.port, redis_server.port):
        assert cli(port, ["dbsize"])[1] == b"2002\n"
        assert cli(port, ["get", "ctr"])[1] == b"500\n"
        assert cli(port, ["get", "key:1999"])[1] == b"value-1999\n"


def test_cli_with_password(ferrite_auth, redis_auth):
    invocations = [
        I("ping"), I("get", "k"), I("-a", "wrong", "--no-auth-warning", "ping"),
        I("-a", PASSWORD, "--no-auth-warning", "set", "k", "v"),
        I("-a", PASSWORD, "--no-auth-warning", "get", "k"),
        I("--user", "default", "--pass", PASSWORD, "--no-auth-warning", "get", "k"),
        I("-a", PASSWORD, "--no-auth-warning", "-3", "get", "k"),
    ]
    ours = run_case(ferrite_auth.port, invocations, ())
    theirs = run_case(redis_auth.port, invocations, ())
    assert_same("password", invocations, ours, theirs)
    assert ours[4][1] == b"v\n"
