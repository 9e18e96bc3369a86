"""What of a reply is compared: the raw bytes, unless Redis leaves part of it unspecified.

`observe(cmd, raw)` turns one reply into a value that must be equal on both servers:
* most replies: the raw bytes, exactly (errors always exactly);
* order-free replies (SMEMBERS, SINTER/SUNION/SDIFF, KEYS, HKEYS, HVALS, HGETALL, geo searches
  without ASC/DESC, SORT ... BY nosort): the type byte and the sorted elements (or pairs);
* random draws (SRANDMEMBER, SPOP, RANDOMKEY, HRANDFIELD, ZRANDMEMBER): the shape only — the
  reply types and lengths all the way down, and whether a positive count drew distinct items;
* clock-relative integers (TTL, PTTL, EXPIRETIME, PEXPIRETIME): within a tolerance; OBJECT
  IDLETIME: the type only (see observe_node);
* XINFO / XPENDING: idle times and radix-tree node counts (implementation figures) blanked;
* EXEC: each element observed as the command queued at its place.
SCAN-family commands with cursor 0 are walked to the end by the runner (see fuzz.py) and
compared as the union of what they returned.
"""

from __future__ import annotations

from dataclasses import dataclass


class Malformed(Exception):
    pass


@dataclass(frozen=True)
class Node:
    kind: bytes  # the RESP type byte
    value: object  # bytes for scalars, tuple of Nodes for aggregates (maps: flattened k, v, ...)
    raw: bytes


def parse(raw: bytes) -> Node:
    node, pos = _parse(raw, 0)
    if pos != len(raw):
        raise Malformed(f"trailing bytes after reply {raw[:80]!r}")
    return node


def _line(raw: bytes, pos: int):
    end = raw.find(b"\r\n", pos)
    if end < 0:
        raise Malformed(f"unterminated line {raw[pos:pos + 80]!r}")
    return raw[pos:end], end + 2


def _parse(raw: bytes, pos: int):
    start = pos
    line, pos = _line(raw, pos)
    kind, body = line[:1], line[1:]
    if kind in (b"+", b"-", b":", b"_", b",", b"#", b"("):
        return Node(kind, body, raw[start:pos]), pos
    try:
        n = int(body)
    except ValueError:
        raise Malformed(f"bad length {line[:80]!r}") from None
    if kind in (b"$", b"=", b"!"):
        if n < 0:
            return Node(kind, None, raw[start:pos]), pos
        data = raw[pos:pos + n]
        pos += n + 2
        return Node(kind, data, raw[start:pos]), pos
    if kind in (b"*", b"~", b">", b"%", b"|"):
        if n < 0:
            return Node(kind, None, raw[start:pos]), pos
        items = []
        for _ in range(n * 2 if kind in (b"%", b"|") else n):
            item, pos = _parse(raw, pos)
            items.append(item)
        if kind == b"|":
            inner, pos = _parse(raw, pos)
            return inner, pos
        return Node(kind, tuple(items), raw[start:pos]), pos
    raise Malformed(f"unknown reply type {line[:80]!r}")


# ------------------------------------------------------------------ comparable forms


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


def shape(node: Node):
    if isinstance(node.value, tuple):
        return (node.kind, tuple(shape(c) for c in node.value))
    return (node.kind, node.value is None)


def unordered(node: Node, pairs: bool = False):
    if not isinstance(node.value, tuple):
        return node.raw
    items = [c.raw for c in node.value]
    if pairs or node.kind == b"%":
        items = [items[i] + items[i + 1] for i in range(0, len(items) - 1, 2)]
    return ("unordered", node.kind, len(node.value), tuple(sorted(items)))


def _distinct(node: Node, with_values: bool) -> bool:
    """Whether the drawn fields / members are distinct (values and scores may repeat)."""
    if not isinstance(node.value, tuple):
        return True
    items = list(node.value)
    if with_values:
        if items and isinstance(items[0].value, tuple):  # RESP3: [field, value] pairs
            items = [c.value[0] for c in items if c.value]
        else:
            items = items[0::2]
    raws = [c.raw for c in items]
    return len(set(raws)) == len(raws)


BLANK_KEYS = {b"idle", b"inactive", b"seen-time", b"active-time", b"radix-tree-keys", b"radix-tree-nodes"}


def _blank(node: Node):
    """Reply tree with the values that follow idle/radix keys blanked, and millisecond
    timestamps (XINFO STREAM FULL's delivery times) compared within 2 s."""
    if not isinstance(node.value, tuple):
        if node.kind == b":" and 10**12 <= int(node.value) < 10**13:
            return Near(int(node.value), 2000)
        return node.raw
    out, skip = [], False
    for c in node.value:
        if skip:
            out.append("<blank>")
            skip = False
            continue
        out.append(_blank(c))
        if c.kind in (b"$", b"+") and c.value in BLANK_KEYS:
            skip = True
    return (node.kind, tuple(out))


def _xpending(node: Node):
    """Extended XPENDING: [id, consumer, idle-ms, deliveries] per entry; blank idle-ms."""
    if not isinstance(node.value, tuple):
        return node.raw
    out = []
    for entry in node.value:
        if isinstance(entry.value, tuple) and len(entry.value) == 4:
            out.append(tuple(c.raw for c in entry.value[:2]) + ("<idle>", entry.value[3].raw))
        else:
            out.append(entry.raw)
    return (node.kind, tuple(out))


NEAR = {b"TTL": 1, b"PTTL": 1500, b"EXPIRETIME": 1, b"PEXPIRETIME": 1500}
SORTED = {b"SMEMBERS", b"SINTER", b"SUNION", b"SDIFF", b"KEYS", b"HKEYS", b"HVALS"}
PAIRS = {b"HGETALL"}
SHAPE = {b"RANDOMKEY", b"SPOP"}
GEO_SEARCH = {b"GEOSEARCH", b"GEORADIUS", b"GEORADIUS_RO", b"GEORADIUSBYMEMBER", b"GEORADIUSBYMEMBER_RO"}
SCANS = {b"SCAN", b"SSCAN", b"HSCAN", b"ZSCAN"}
# Commands whose keys Redis finds from a key count or a keyword (its getkeys procedures);
# Ferrite's COMMAND GETKEYS reads (first, last, step) only.
MOVABLE_KEYS = {b"XREAD", b"XREADGROUP", b"LMPOP", b"BLMPOP", b"ZMPOP", b"BZMPOP", b"ZUNION", b"ZINTER", b"ZDIFF",
                b"ZUNIONSTORE", b"ZINTERSTORE", b"ZDIFFSTORE", b"SINTERCARD", b"ZINTERCARD", b"SORT", b"GEORADIUS",
                b"GEORADIUSBYMEMBER", b"MIGRATE", b"EVAL", b"EVALSHA", b"EVAL_RO", b"EVALSHA_RO", b"FCALL", b"FCALL_RO"}


def _cursor(cmd):
    at = 1 if name(cmd) == b"SCAN" else 2
    return cmd[at] if len(cmd) > at else None


def _sort(cmd, node: Node):
    """SORT leaves two orders unspecified: BY a pattern without '*' (no sorting: a set's
    iteration order), and ties under ALPHA with BY (Redis compares nothing further; with LIMIT
    its partial quicksort picks which of the tied elements come first)."""
    opts = [a.upper() for a in cmd[2:]]
    by = [cmd[2 + i + 1] for i, a in enumerate(opts[:-1]) if a == b"BY"]
    nosort = any(b"*" not in pattern for pattern in by[-1:])
    if nosort or (by and b"ALPHA" in opts):
        return shape(node) if b"LIMIT" in opts else unordered(node)
    return node.raw


def name(cmd) -> bytes:
    return cmd[0].upper() if cmd else b""


def upper_args(cmd):
    return {a.upper() for a in cmd[1:]}


def observe(cmd, raw: bytes):
    """The comparable form of the reply `raw` to command `cmd` (a tuple of bytes)."""
    try:
        node = parse(raw)
    except Malformed as exc:
        return ("malformed", str(exc))
    return observe_node(cmd, node)


def observe_node(cmd, node: Node):
    n = name(cmd)
    if n == b"COMMAND" and len(cmd) > 2 and cmd[1].upper() == b"GETKEYS" and (
            cmd[2].upper() in MOVABLE_KEYS or (cmd[2].upper() == b"PFMERGE" and len(cmd) == 4)):
        # Ferrite finds keys from (first, last, step) only; and Redis 7.0 refuses a PFMERGE
        # without source keys here (an empty key range). docs/COMPATIBILITY.md.
        return "getkeys not compared"
    if node.kind in (b"-", b"!"):
        return node.raw
    if n == b"HELLO":
        return ("hello", node.kind)  # server name, version and connection id differ
    if len(cmd) > 1 and cmd[1].upper() == b"HELP":
        return shape(node)  # help lines are each server's own prose
    if n == b"COMMAND" and (len(cmd) < 2 or cmd[1].upper() != b"GETKEYS"):
        # Ferrite's table is a subset, and COMMAND DOCS carries no prose (test_differential.py).
        return ("command table", node.kind)
    if n in NEAR and node.kind == b":":
        v = int(node.value)
        return v if v < 0 else Near(v, NEAR[n])
    if n == b"OBJECT" and len(cmd) > 1 and cmd[1].upper() in (b"IDLETIME", b"REFCOUNT"):
        # Redis shares the objects of small integers (0-9999) between keys, with one access
        # time for all: a key set to 4 reports the idle time of every other 4 in the server.
        # Reference counts are Redis's memory management (a COPY of a shared integer is not
        # shared; a value still referenced by a queued command's arguments counts 2).
        return shape(node)
    if n in SORTED:
        return unordered(node)
    if n in PAIRS:
        return unordered(node, pairs=True)
    if n in SHAPE:
        return shape(node)
    if n in (b"SRANDMEMBER", b"HRANDFIELD", b"ZRANDMEMBER"):
        distinct = None
        if len(cmd) > 2:
            try:
                with_values = len(cmd) > 3 and cmd[3].upper() in (b"WITHVALUES", b"WITHSCORES")
                distinct = int(cmd[2]) >= 0 and _distinct(node, with_values)
            except ValueError:
                pass
        return (shape(node), distinct)
    if n in (b"SORT", b"SORT_RO"):
        return _sort(cmd, node)
    if n in GEO_SEARCH:
        opts = upper_args(cmd)
        if b"ANY" in opts:
            return shape(node)
        if not opts & {b"ASC", b"DESC"}:
            return unordered(node)
        return node.raw
    if n == b"XINFO":
        return _blank(node)
    if n == b"XPENDING" and len(cmd) > 4:
        return _xpending(node)
    if n in SCANS and isinstance(node.value, tuple) and len(node.value) == 2:
        # Not walked (inside EXEC, or a cursor other than 0, which only means something to the
        # server that returned it): how much one call returns is up to the server.
        return ("scan", node.value[0].kind, node.value[1].kind)
    return node.raw


def observe_exec(queued, raw: bytes):
    """EXEC's reply, each element observed as the command queued at its place."""
    try:
        node = parse(raw)
    except Malformed as exc:
        return ("malformed", str(exc))
    if node.kind not in (b"*",) or node.value is None or len(node.value) != len(queued):
        return raw
    return ("exec", tuple(observe_node(cmd, item) for cmd, item in zip(queued, node.value)))
