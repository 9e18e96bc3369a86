"""Differential tests of the admin and introspection commands (SLOWLOG, LATENCY, MONITOR,
CLIENT PAUSE / UNPAUSE / REPLY, WAIT, DEBUG): the same commands go to ferrite and to a real
redis-server and the replies must agree.

Exact bytes wherever the reply is deterministic (errors, counts, CLIENT REPLY's silences,
the LATENCY DOCTOR texts, WAIT's answer). What cannot agree byte for byte, and how it is
compared instead:
* SLOWLOG entries carry an id, a timestamp, a duration and the client's address: the
  arguments (with Redis's truncation) and the client name are compared; ids only for order.
* DEBUG OBJECT prints an address, the LRU clock and the idle time (a shared integer's is
  the server's age): they are masked, the rest is compared.
  Strings long enough for LZF compression are left out: Ferrite's LZF output is not byte
  for byte Redis's, so their serialized lengths may differ (see COMPATIBILITY.md).
* MONITOR lines start with a timestamp and the client's address: compared after them.
* CLIENT PAUSE is checked by its effect on a second client (a write waits, a read does not),
  never by how long anything took.
"""

from __future__ import annotations

import re
import threading
import time

import pytest

from resp_util import RespConn, parse


def both(ferrite, redis_server):
    return (("ferrite", ferrite), ("redis", redis_server))


def replies(server, commands):
    with RespConn(server.port) as conn:
        return [conn.call_raw(*c) for c in commands]


def same_replies(ferrite, redis_server, commands):
    ours = replies(ferrite, commands)
    theirs = replies(redis_server, commands)
    for command, a, b in zip(commands, ours, theirs):
        assert a == b, f"{command}: ferrite {a!r} != redis {b!r}"


@pytest.fixture(autouse=True)
def _restore_config(ferrite, redis_server):
    yield
    for _, server in both(ferrite, redis_server):
        with RespConn(server.port) as conn:
            conn.call_raw("CLIENT", "UNPAUSE")
            conn.call_raw("CONFIG", "SET", "slowlog-log-slower-than", "10000")
            conn.call_raw("CONFIG", "SET", "slowlog-max-len", "128")
            conn.call_raw("CONFIG", "SET", "latency-monitor-threshold", "0")
            conn.call_raw("SLOWLOG", "RESET")
            conn.call_raw("LATENCY", "RESET")
            conn.call_raw("DEBUG", "SET-ACTIVE-EXPIRE", "1")


ERRORS = [
    ("SLOWLOG", "GET", "x"),
    ("SLOWLOG", "GET", "-2"),
    ("SLOWLOG", "GET", "99999999999999999999"),
    ("SLOWLOG", "GET", "1", "2"),
    ("SLOWLOG", "LEN", "1"),
    ("SLOWLOG", "NOPE"),
    ("SLOWLOG",),
    ("LATENCY", "HISTORY"),
    ("LATENCY", "NOPE"),
    ("CLIENT", "PAUSE"),
    ("CLIENT", "PAUSE", "abc"),
    ("CLIENT", "PAUSE", "-1"),
    ("CLIENT", "PAUSE", "1.5"),
    ("CLIENT", "PAUSE", "10", "sometimes"),
    ("CLIENT", "PAUSE", "abc", "foo"),
    ("CLIENT", "PAUSE", "10", "write", "x"),
    ("CLIENT", "REPLY", "maybe"),
    ("CLIENT", "REPLY"),
    ("WAIT", "a", "0"),
    ("WAIT", "0", "-1"),
    ("WAIT", "0", "a"),
    ("WAIT", "0"),
    ("DEBUG",),
    ("DEBUG", "OBJECT"),
    ("DEBUG", "Object", "a", "b"),
    ("DEBUG", "OBJECT", "missing"),
    ("DEBUG", "SLEEP"),
    ("DEBUG", "SET-ACTIVE-EXPIRE"),
    ("DEBUG", "RELOAD", "x"),
    ("DEBUG", "NO-SUCH-SUBCOMMAND"),
    ("CONFIG", "SET", "slowlog-log-slower-than", "-2"),
    ("CONFIG", "SET", "slowlog-max-len", "-1"),
    ("CONFIG", "SET", "latency-monitor-threshold", "-1"),
]


@pytest.mark.parametrize("command", ERRORS, ids=lambda c: " ".join(c))
def test_errors_match(command, ferrite, redis_server):
    same_replies(ferrite, redis_server, [command])


def test_deterministic_replies_match(ferrite, redis_server):
    same_replies(ferrite, redis_server, [
        ("CONFIG", "GET", "slowlog-log-slower-than"),
        ("CONFIG", "GET", "slowlog-max-len"),
        ("CONFIG", "GET", "latency-monitor-threshold"),
        ("SLOWLOG", "RESET"),
        ("LATENCY", "RESET"),
        ("LATENCY", "LATEST"),
        ("LATENCY", "HISTORY", "command"),
        ("LATENCY", "RESET", "command", "nope"),
        ("LATENCY", "DOCTOR"),
        ("CONFIG", "SET", "latency-monitor-threshold", "100000"),
        ("LATENCY", "DOCTOR"),
        ("WAIT", "0", "0"),
        ("WAIT", "-1", "0"),
        ("WAIT", "1", "50"),
        ("CLIENT", "PAUSE", "0"),
        ("CLIENT", "PAUSE", "0", "WRITE"),
        ("CLIENT", "UNPAUSE"),
        ("DEBUG", "SLEEP", "0"),
        ("DEBUG", "SLEEP", "abc"),
        ("DEBUG", "SLEEP", "-1"),
        ("DEBUG", "SLEEP", "0.01"),
        ("DEBUG", "SET-ACTIVE-EXPIRE", "0"),
        ("DEBUG", "SET-ACTIVE-EXPIRE", "1"),
        ("SET", "k", "v"),
        ("DEBUG", "RELOAD"),
        ("DEBUG", "RELOAD", "NOSAVE", "MERGE"),
        ("GET", "k"),
    ])


def test_client_reply_matches(ferrite, redis_server):
    """A pipeline through OFF, SKIP and ON: the bytes that come back must be identical."""
    pipeline = (
        b"CLIENT REPLY SKIP\r\nSET a 1\r\nGET a\r\n"
        b"CLIENT REPLY OFF\r\nGET a\r\nCLIENT REPLY SKIP\r\nGET a\r\nNOSUCH\r\n"
        b"CLIENT REPLY ON\r\nGET a\r\nCLIENT REPLY SKIP\r\nCLIENT REPLY SKIP\r\nGET a\r\n"
        b"PING done\r\n"
    )
    got = {}
    for name, server in both(ferrite, redis_server):
        with RespConn(server.port) as conn:
            conn.send_raw(pipeline)
            frames = []
            while not frames or frames[-1] != b"$4\r\ndone\r\n":
                frames.append(conn.read_reply())
            got[name] = frames
    assert got["ferrite"] == got["redis"]
    assert got["ferrite"] == [b"$1\r\n1\r\n", b"+OK\r\n", b"$1\r\n1\r\n", b"$4\r\ndone\r\n"]


def slowlog_entries(server, commands, count="-1"):
    with RespConn(server.port) as conn:
        conn.call_raw("CONFIG", "SET", "slowlog-log-slower-than", "0")
        conn.call_raw("CLIENT", "SETNAME", "slowpoke")
        conn.call_raw("SLOWLOG", "RESET")
        for command in commands:
            conn.call_raw(*command)
        entries = conn.call("SLOWLOG", "GET", count)
        conn.call_raw("CONFIG", "SET", "slowlog-log-slower-than", "10000")
    return entries


def test_slowlog_entries_match(ferrite, redis_server):
    commands = [
        ("SET", "x" * 130, "v"),
        ("DEL", *[str(i) for i in range(40)]),
        ("DEL", *[str(i) for i in range(32)]),
        ("ECHO", "y" * 128),
    ]
    got = {}
    for name, server in both(ferrite, redis_server):
        entries = slowlog_entries(server, commands)
        ids = [e[0] for e in entries]
        assert ids == sorted(ids, reverse=True), "newest first"
        for entry in entries:
            assert isinstance(entry[1], int) and isinstance(entry[2], int)
            assert entry[4].startswith(b"127.0.0.1:")
        got[name] = [(e[3], e[5]) for e in entries]
    assert got["ferrite"] == got["redis"]
    # SLOWLOG RESET's own entry (the first logged) and the four commands.
    assert len(got["ferrite"]) == 5
    assert got["ferrite"][2][0][-1] == b"... (10 more arguments)"


def test_slowlog_max_len_and_count_match(ferrite, redis_server):
    got = {}
    for name, server in both(ferrite, redis_server):
        with RespConn(server.port) as conn:
            conn.call_raw("CONFIG", "SET", "slowlog-log-slower-than", "0")
            conn.call_raw("CONFIG", "SET", "slowlog-max-len", "3")
            for i in range(6):
                conn.call_raw("SET", f"k{i}", "v")
            conn.call_raw("CONFIG", "SET", "slowlog-log-slower-than", "-1")
            got[name] = (
                conn.call("SLOWLOG", "LEN"),
                [e[3] for e in conn.call("SLOWLOG", "GET", "2")],
                [e[3] for e in conn.call("SLOWLOG", "GET")],
            )
    assert got["ferrite"] == got["redis"]
    assert got["ferrite"][0] == 3


def test_debug_sleep_is_logged_and_sampled(ferrite, redis_server):
    """A command that takes 20 ms lands in the slow log and the "command" latency event."""
    for name, server in both(ferrite, redis_server):
        with RespConn(server.port) as conn:
            conn.call_raw("CONFIG", "SET", "slowlog-log-slower-than", "15000")
            conn.call_raw("CONFIG", "SET", "latency-monitor-threshold", "15")
            assert conn.call_raw("DEBUG", "SLEEP", "0.02") == b"+OK\r\n"
            latest = conn.call("LATENCY", "LATEST")
            assert [e[0] for e in latest] == [b"command"], (name, latest)
            assert latest[0][2] >= 20 and latest[0][3] >= 20, (name, latest)
            history = conn.call("LATENCY", "HISTORY", "command")
            assert len(history) == 1 and history[0][1] >= 20, (name, history)
            entries = conn.call("SLOWLOG", "GET", "1")
            assert entries[0][3] == [b"DEBUG", b"SLEEP", b"0.02"], (name, entries)
            assert entries[0][2] >= 20000, (name, entries)
            doctor = conn.call("LATENCY", "DOCTOR")
            assert b"1. command: 1 latency spikes" in doctor, (name, doctor)


def masked_debug_object(reply: bytes) -> bytes:
    reply = re.sub(rb"at:0x[0-9a-f]+", b"at:ADDR", reply)
    reply = re.sub(rb" lru_seconds_idle:\d+", b" lru_seconds_idle:N", reply)
    return re.sub(rb" lru:\d+", b" lru:N", reply)


def test_debug_object_matches(ferrite, redis_server):
    setup = [
        ("SET", "str", "hello"),
        ("SET", "raw", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMN"),
        ("SET", "small", "123"),
        ("SET", "big", "12345678"),
        ("RPUSH", "list", "a", "b", "c", "1", "300", "70000"),
        ("SADD", "ints", "1", "2", "3"),
        ("SADD", "strs", "a", "b"),
        ("HSET", "hash", "f", "v"),
        ("ZADD", "zset", "1", "a"),
        ("XADD", "stream", "1-1", "f", "v"),
    ]
    keys = [c[1] for c in setup]
    got = {}
    for name, server in both(ferrite, redis_server):
        with RespConn(server.port) as conn:
            for command in setup:
                conn.call_raw(*command)
            got[name] = [masked_debug_object(conn.call_raw("DEBUG", "OBJECT", k)) for k in keys]
    for key, a, b in zip(keys, got["ferrite"], got["redis"]):
        assert a == b, f"{key}: ferrite {a!r} != redis {b!r}"


def test_debug_reload_keeps_values_and_ttls(ferrite):
    with RespConn(ferrite.port) as conn:
        conn.call_raw("RPUSH", "l", "a", "1", "b")
        conn.call_raw("HSET", "h", "f", "v")
        conn.call_raw("SET", "t", "v", "EX", "1000")
        assert conn.call_raw("DEBUG", "RELOAD") == b"+OK\r\n"
        assert conn.call("LRANGE", "l", "0", "-1") == [b"a", b"1", b"b"]
        assert conn.call("HGET", "h", "f") == b"v"
        assert 0 < conn.call("TTL", "t") <= 1000


def test_set_active_expire_keeps_expired_keys_in_memory(ferrite, redis_server):
    """With active expiry off an expired key stays counted by DBSIZE until it is touched."""
    for name, server in both(ferrite, redis_server):
        with RespConn(server.port) as conn:
            assert conn.call_raw("DEBUG", "SET-ACTIVE-EXPIRE", "0") == b"+OK\r\n"
            conn.call_raw("SET", "gone", "v", "PX", "1")
            time.sleep(0.3)  # state: the key is past its deadline, and cron ran meanwhile
            assert conn.call("DBSIZE") == 1, name
            assert conn.call("GET", "gone") is None or conn.call("EXISTS", "gone") == 0
            assert conn.call("DBSIZE") == 0, name


def monitor_lines(server, commands):
    """What a redis-py monitor sees while another client runs `commands`."""
    client = server.client()
    seen = []
    with client.monitor() as monitor:
        with RespConn(server.port) as conn:
            for command in commands:
                conn.call_raw(*command)
            conn.call_raw("ECHO", "monitor-end")
        while True:
            event = monitor.next_command()
            seen.append((event["db"], event["client_type"], event["command"]))
            if event["command"] == "ECHO monitor-end":
                break
    return seen


def test_monitor_matches(ferrite, redis_server):
    commands = [
        ("SET", "k", "a\x01\"b\n"),
        ("GET", "k"),
        ("AUTH", "secret"),
        ("AUTH", "user", "secret"),
        ("HELLO", "2", "AUTH", "default", "secret"),
        ("NOSUCHCOMMAND", "x"),
        ("GET",),
        ("CONFIG", "GET", "hz"),
        ("SLOWLOG", "LEN"),
        ("MULTI",),
        ("INCR", "n"),
        ("EXEC",),
        ("EVAL", "return redis.call('set', KEYS[1], 'x')", "1", "s"),
        ("SELECT", "3"),
        ("SET", "in3", "v"),
    ]
    got = {name: monitor_lines(server, commands) for name, server in both(ferrite, redis_server)}
    assert got["ferrite"] == got["redis"]
    assert ("0", "lua", "set s x") in [(str(d), t, c) for d, t, c in got["ferrite"]]


def test_monitor_raw_lines_match(ferrite, redis_server):
    """The raw status line after its timestamp, and RESET leaving monitor mode."""
    got = {}
    for name, server in both(ferrite, redis_server):
        with RespConn(server.port) as monitor, RespConn(server.port) as conn:
            assert monitor.call_raw("MONITOR") == b"+OK\r\n"
            conn.call_raw("SET", "k", "tab\there")
            line = monitor.read_reply()
            assert re.match(rb"^\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] ", line), line
            rest = line.split(b"] ", 1)[1]
            refused = monitor.call_raw("GET", "k")
            reset = monitor.call_raw("RESET")
            conn.call_raw("SET", "k", "after")
            after = monitor.call_raw("PING")
            got[name] = (rest, refused, reset, after)
    assert got["ferrite"] == got["redis"]


def test_client_pause_write_holds_writes_only(ferrite, redis_server):
    """Two clients: while one has paused writes, the other's read answers and its write waits
    (the key keeps its old value) until CLIENT UNPAUSE; then the write's reply arrives."""
    for name, server in both(ferrite, redis_server):
        with RespConn(server.port) as admin, RespConn(server.port, timeout=10) as writer:
            admin.call_raw("SET", "k", "old")
            assert admin.call_raw("CLIENT", "PAUSE", "60000", "WRITE") == b"+OK\r\n"
            assert writer.call_raw("GET", "k") == b"$3\r\nold\r\n", name
            writer.send("SET", "k", "new")
            time.sleep(0.3)  # state: give a wrongly unpaused write the time to run
            assert admin.call_raw("GET", "k") == b"$3\r\nold\r\n", name
            assert admin.call_raw("CLIENT", "UNPAUSE") == b"+OK\r\n"
            assert writer.read_reply() == b"+OK\r\n", name
            assert admin.call_raw("GET", "k") == b"$3\r\nnew\r\n", name


def test_client_pause_all_holds_every_command_until_it_ends(ferrite, redis_server):
    for name, server in both(ferrite, redis_server):
        with RespConn(server.port) as admin, RespConn(server.port, timeout=10) as other:
            assert admin.call_raw("CLIENT", "PAUSE", "300") == b"+OK\r\n"
            other.send("PING")
            # The pause ends by itself: PING then answers (no UNPAUSE is sent).
            assert other.read_reply() == b"+PONG\r\n", name


@pytest.mark.parametrize("command", ["SLOWLOG", "LATENCY", "DEBUG"])
def test_help_shape(command, ferrite, redis_server):
    """HELP is in Ferrite's own words; its shape (header first, HELP entry last) is Redis's."""
    got = {}
    for name, server in both(ferrite, redis_server):
        with RespConn(server.port) as conn:
            got[name] = parse(conn.call_raw(command, "HELP"))
    assert got["ferrite"][0] == got["redis"][0]
    assert got["ferrite"][-2:] == got["redis"][-2:]
