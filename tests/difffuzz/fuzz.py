"""Runs generated sequences on ferrite and on redis-server side by side and finds divergences.

Each sequence gets a fresh connection to each server, after FLUSHALL (and HELLO 3 for RESP3
sequences; neither is compared). Commands are sent alternately, one to ferrite and the same one
to redis-server, so that both servers see each command at nearly the same wall time (relative
TTLs then agree within a second). The run stops at the first command whose observed replies
differ (see observe.py for what is compared), or when a connection closes or hangs.
"""

from __future__ import annotations

import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "py"))

from resp_util import ConnectionClosed, ProtocolViolation, RespConn  # noqa: E402

import gen  # noqa: E402
import observe  # noqa: E402

SCAN_STEPS_MAX = 5000  # COUNT 1 over a few hundred entries takes a few hundred calls


@dataclass
class Endpoint:
    """A server to talk to; `server` (a conftest.Server) lets a crashed one be restarted."""

    name: str
    port: int
    server: object = None

    def alive(self) -> bool:
        try:
            with RespConn(self.port, timeout=2.0) as conn:
                return conn.call_raw("PING") == b"+PONG\r\n"
        except (OSError, ConnectionClosed, ProtocolViolation):
            return False

    def revive(self) -> bool:
        """Restarts a dead server that we started; False if it is dead and we cannot."""
        if self.alive():
            return True
        if self.server is None:
            return False
        log = self.server.log()
        self.server.stop()
        self.server.start()
        self.port = self.server.port
        sys.stderr.write(f"[difffuzz] {self.name} had died and was restarted; its log ended with:\n{log[-2000:]}\n")
        return True


@dataclass
class Side:
    """One server's connection and MULTI state during a run."""

    conn: RespConn
    in_multi: bool = False
    queued: list = field(default_factory=list)
    dead: bool = False

    def call(self, cmd, timeout_s):
        """Sends `cmd`; returns (raw bytes for display, observed form)."""
        if self.dead:
            return b"", "<not sent: connection gone>"
        try:
            raw = self.conn.call_raw(*cmd)
            obs = self._observe(cmd, raw)
            return raw, obs
        except socket.timeout:
            self.dead = True
            return b"", f"<no reply within {timeout_s} s>"
        except (ConnectionClosed, ConnectionResetError, BrokenPipeError, OSError) as exc:
            self.dead = True
            return b"", f"<connection closed: {type(exc).__name__}>"
        except ProtocolViolation as exc:
            self.dead = True
            return b"", f"<malformed reply: {exc}>"

    def _observe(self, cmd, raw):
        n = observe.name(cmd)
        if n == b"RESET" and raw == b"+RESET\r\n":  # runs even inside MULTI, and ends it
            self.queued, self.in_multi = [], False
            return raw
        if self.in_multi:
            if n == b"EXEC":
                queued, self.queued, self.in_multi = self.queued, [], False
                return observe.observe_exec(queued, raw)
            if n == b"DISCARD":
                if raw == b"+OK\r\n":
                    self.queued, self.in_multi = [], False
                return raw
            if raw == b"+QUEUED\r\n":
                self.queued.append(cmd)
            return raw
        if n == b"MULTI" and raw == b"+OK\r\n":
            self.in_multi = True
            return raw
        if n in observe.SCANS and observe._cursor(cmd) == b"0" and raw[:1] == b"*":
            return self._walk(cmd, raw)
        return observe.observe(cmd, raw)

    def _walk(self, cmd, raw):
        """A SCAN-family command with cursor 0, walked to the end: the union of its items."""
        pairs = observe.name(cmd) in (b"HSCAN", b"ZSCAN")
        at = 1 if observe.name(cmd) == b"SCAN" else 2
        seen = set()
        for _ in range(SCAN_STEPS_MAX):
            try:
                node = observe.parse(raw)
            except observe.Malformed as exc:
                return ("malformed", str(exc))
            if node.kind != b"*" or not node.value or len(node.value) != 2 or not isinstance(node.value[1].value, tuple):
                return ("bad scan reply", raw)
            cursor, items = node.value
            raws = [c.raw for c in items.value]
            if pairs:
                if len(raws) % 2:
                    return ("odd scan reply", raw)
                raws = [raws[i] + raws[i + 1] for i in range(0, len(raws), 2)]
            seen.update(raws)
            if cursor.value == b"0":
                return ("scan-walk", items.kind, tuple(sorted(seen)))
            raw = self.conn.call_raw(*(cmd[:at] + (cursor.value,) + cmd[at + 1:]))
        return ("scan did not finish", tuple(sorted(seen)))


@dataclass
class Outcome:
    cmds: list
    raws: list  # (ferrite raw, redis raw) per command run
    obs: list  # (ferrite observed, redis observed)
    first_diff: int | None

    @property
    def signature(self):
        if self.first_diff is None:
            return None
        cmd = self.cmds[self.first_diff]
        sig = observe.name(cmd).decode("latin-1")
        obs_f, obs_r = self.obs[self.first_diff]
        raw_f, raw_r = self.raws[self.first_diff]
        if sig == "EXEC" and raw_f in (b"*-1\r\n", b"_\r\n") and raw_r[:1] == b"*" and raw_r != b"*-1\r\n":
            return "EXEC/watch-abort"
        if sig == "EXEC" and isinstance(obs_f, tuple) and isinstance(obs_r, tuple) and obs_f[:1] == obs_r[:1] == ("exec",):
            # Name the queued command whose reply differs (the commands since the last MULTI).
            start = max(i for i in range(self.first_diff) if observe.name(self.cmds[i]) == b"MULTI")
            queued = self.cmds[start + 1:self.first_diff]
            for j, (a, b) in enumerate(zip(obs_f[1], obs_r[1])):
                if a != b and j < len(queued):
                    if b == SORT_NOT_DOUBLE and observe.name(queued[j]) in (b"SORT", b"SORT_RO"):
                        return "EXEC/SORT/stale-errno"  # see _stale_errno
                    return "EXEC/" + observe.name(queued[j]).decode("latin-1")
        return sig


SORT_NOT_DOUBLE = b"-ERR One or more scores can't be converted into double\r\n"


def _stale_errno(cmd, raw_f, raw_r, theirs: Side) -> bool:
    """Redis 7.0's SORT converts scores with strtod and reads errno without clearing it first,
    so an ERANGE left by an earlier command (a ZADD of 1e400, any connection) makes a SORT of
    good numbers fail. Such a failure changed nothing, so the SORT can be asked again once
    errno was reset (see _reset_errno)."""
    return (observe.name(cmd) in (b"SORT", b"SORT_RO") and raw_r == SORT_NOT_DOUBLE
            and raw_f != SORT_NOT_DOUBLE and not theirs.in_multi)


def _reset_errno(ep: Endpoint) -> None:
    """Redis accepts connections until accept() fails with EAGAIN, which leaves errno at
    EAGAIN: a new connection resets the ERANGE."""
    with RespConn(ep.port, timeout=2.0) as conn:
        conn.call_raw("PING")


def _mixed_skiplist(side: Side, cmd) -> bool:
    """Whether the lex range command's key is, on redis-server, a skiplist whose scores are not
    all equal. Redis documents lex ranges over different scores as unspecified, and its
    skiplist search then ends where the nodes' random levels take it; listpacks are scanned in
    order, so those are compared."""
    key = cmd[2] if cmd[0].upper() == b"ZRANGESTORE" else cmd[1] if len(cmd) > 1 else None
    if key is None or len(cmd) < 3:
        return False
    try:
        if side.conn.call_raw("OBJECT", "ENCODING", key) != b"$8\r\nskiplist\r\n":
            return False
        first = observe.parse(side.conn.call_raw("ZRANGE", key, 0, 0, "WITHSCORES"))
        last = observe.parse(side.conn.call_raw("ZRANGE", key, -1, -1, "WITHSCORES"))
    except (socket.timeout, ConnectionClosed, ProtocolViolation, OSError, observe.Malformed):
        return False
    return _score(first) != _score(last)


def _score(node):
    """The score in a one-entry ZRANGE WITHSCORES reply (RESP2 flat, RESP3 nested)."""
    items = node.value or ()
    if len(items) == 1 and isinstance(items[0].value, tuple):
        items = items[0].value
    return items[1].value if len(items) == 2 else None


def flatten(units):
    return [cmd for unit in units for cmd in unit]


def _open(ep: Endpoint, proto: int, timeout_s: float) -> RespConn:
    conn = RespConn(ep.port, timeout=timeout_s)
    reply = conn.call_raw("FLUSHALL")
    if reply != b"+OK\r\n":
        raise RuntimeError(f"FLUSHALL on {ep.name} replied {reply!r}")
    if proto == 3:
        reply = conn.call_raw("HELLO", "3")
        if not reply.startswith(b"%"):
            raise RuntimeError(f"HELLO 3 on {ep.name} replied {reply[:200]!r}")
    return conn


def run(ferrite: Endpoint, redis: Endpoint, proto: int, cmds, timeout_s: float = 5.0) -> Outcome:
    ours = Side(_open(ferrite, proto, timeout_s))
    theirs = Side(_open(redis, proto, timeout_s))
    out = Outcome(list(cmds), [], [], None)
    try:
        for i, cmd in enumerate(cmds):
            if gen.is_lex(cmd) and not (ours.in_multi or theirs.in_multi or theirs.dead) and _mixed_skiplist(theirs, cmd):
                out.raws.append((b"", b""))
                out.obs.append(("not sent: lex range over a skiplist with mixed scores",) * 2)
                continue
            if observe.name(cmd) == b"EXEC" and any(observe.name(q) in (b"SORT", b"SORT_RO") for q in theirs.queued):
                _reset_errno(redis)  # see _stale_errno; a queued command may still leave one
            raw_f, obs_f = ours.call(cmd, timeout_s)
            raw_r, obs_r = theirs.call(cmd, timeout_s)
            if obs_f != obs_r and _stale_errno(cmd, raw_f, raw_r, theirs):
                _reset_errno(redis)
                raw_r, obs_r = theirs.call(cmd, timeout_s)
            out.raws.append((raw_f, raw_r))
            out.obs.append((obs_f, obs_r))
            if obs_f != obs_r:
                out.first_diff = i
                break
            if ours.dead or theirs.dead:
                break
    finally:
        ours.conn.close()
        theirs.conn.close()
    if ours.dead:
        ferrite.revive()
    return out
