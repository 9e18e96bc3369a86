"""Random command sequences for the differential fuzzer.

A sequence is a list of *units*; a unit is a list of commands that the shrinker may only drop
together (a MULTI ... EXEC block keeps its MULTI and EXEC; an SPOP that draws at random is
followed by the commands that make the two servers' keyspaces equal again). A command is a tuple
of bytes.

Everything is drawn from one `random.Random(seed)`, so a seed names a sequence for good (as long
as this file does not change). The value pools are small on purpose: six keys, a handful of
fields and members, small integers, awkward floats and a few binary strings, so that commands
keep meeting each other's keys, types and encodings.

Safety: real Redis executes everything sent here, so no argument may make it allocate without
bound. Offsets (SETRANGE, SETBIT, BITFIELD) stay small apart from values Redis rejects before
allocating; random-draw counts (SRANDMEMBER, HRANDFIELD, ZRANDMEMBER) are small in magnitude
whatever their sign, and malformed arguments never include a large negative number.
"""

from __future__ import annotations

import random

# Six keys; w_1 and w_2 double as SORT BY / GET targets for members "1" and "2".
KEYS = ["a", "b", "c", "{t}d", "w_1", "w_2"]
FIELDS = ["f1", "f2", "f3", "1", ""]
MEMBERS = ["1", "2", "3", "-1", "10", "x", "y", "z", "1.5", "", "a\x00b", "\xff\xfe", "m" * 70]
VALUES = ["v", "1", "2", "-3", "10", "0", "1.5", "", "abc", "\x00\r\n\xff", "7" * 20, "z" * 50, "9223372036854775807",
          "ohmytext", "mynewtext", "abcbdab", "bdcaba", "1e3", "0.1", "-0", "010"]
INTS = ["0", "1", "2", "3", "5", "-1", "-2", "10", "100", "-100"]
BAD_INTS = ["x", "", "1.5", "9223372036854775808", " 1", "01", "+1", "-0", "0x10", "9223372036854775807",
            "-9223372036854775808"]
FLOATS = ["0", "1", "1.5", "-2.5", "3", "inf", "-inf", "+inf", "1e3", "-1e-2", "2.5e1", "1e400", "0.1", "10",
          "-0", ".5", "5.", "1.1", "100.5", "3.14159", "-0.0", "1e-300", "5e-324", "1.7976931348623157e308",
          "9007199254740993", "123456789012345678", "0.3", "-7", "2e-5", "1E2", "0x1p3"]
BAD_FLOATS = ["nan", "x", "", "1.5x", " 1", "0x10", "1e", "--1", "inf1"]
# Malformed replacements for any argument. No large negative numbers: see the module header.
JUNK = ["x", "", "-1", "1.5", "9223372036854775808", "FOO", "inf", "0", "-"]
# Mostly long: a TTL must not run out between the two servers; 0 and negatives delete at once.
TTL_SECONDS = ["100000", "200000", "300000", "100000", "200000", "0", "-5", "9223372036854775807", "x", "1.5"]
FAR = 4102444800  # 2100-01-01: absolute expiry times in the future
DBS = ["0", "1", "2"]


class Gen:
    def __init__(self, rng: random.Random) -> None:
        self.r = rng
        self.stream_ms = 1
        self.kinds: dict[str, str] = {}
        # Each sequence favours one to three families, so that values of those types build up
        # and meet each other instead of mostly meeting WRONGTYPE.
        focus = set(rng.sample(range(len(FAMILIES)), rng.randint(1, 3)))
        self.families = [(w * (6 if i in focus else 1), fn) for i, (w, fn) in enumerate(FAMILIES)]

    # ------------------------------------------------------------------ pools

    def p(self, prob: float) -> bool:
        return self.r.random() < prob

    def pick(self, pool):
        return self.r.choice(pool)

    def key(self, kind: str | None = None) -> str:
        """A key; usually one believed to hold `kind` (or any value, without `kind`), so that
        commands mostly meet values they work on rather than missing keys or WRONGTYPE. The
        belief is what earlier generated commands were for, not the servers' state."""
        if self.p(0.75):
            known = [k for k, t in self.kinds.items() if kind is None or t == kind]
            if known:
                return self.pick(sorted(known))
        return self.pick(KEYS)

    def keys(self, lo=1, hi=3, kind: str | None = None):
        return [self.key(kind) for _ in range(self.r.randint(lo, hi))]

    def int_(self) -> str:
        return self.pick(BAD_INTS) if self.p(0.05) else self.pick(INTS)

    def small(self, lo=0, hi=5) -> str:
        return str(self.r.randint(lo, hi))

    def float_(self) -> str:
        return self.pick(BAD_FLOATS) if self.p(0.04) else self.pick(FLOATS)

    def member(self) -> str:
        return self.pick(MEMBERS)

    def members(self, lo=1, hi=4):
        return [self.member() for _ in range(self.r.randint(lo, hi))]

    def value(self) -> str:
        return self.pick(VALUES)

    def field(self) -> str:
        return self.pick(FIELDS)

    def index(self) -> str:
        if self.p(0.03):
            return self.pick(["9223372036854775807", "-9223372036854775808", "x", "1.0"])
        return self.pick(["0", "1", "2", "-1", "-2", "-100", "100", "3"])

    def count(self) -> str:
        """A count for random draws: small magnitude whatever the sign."""
        return self.pick(["0", "1", "2", "3", "5", "10", "-1", "-3", "-6", "9223372036854775807"])

    def flag(self, *opts) -> list:
        return [self.pick(opts)] if self.p(0.5) else []

    def ttl_opt(self) -> list:
        kind = self.pick(["EX", "PX", "EXAT", "PXAT"])
        if kind == "EX":
            return [kind, self.pick(["100000", "200000", "0", "-1", "x", "9223372036854775807"])]
        if kind == "PX":
            return [kind, self.pick(["100000000", "0", "-5", "1.5"])]
        if kind == "EXAT":
            return [kind, self.pick([str(FAR), "1", "0", str(FAR + 5)])]
        return [kind, self.pick([str(FAR * 1000), str(FAR * 1000 + 77), "1", "-1"])]

    def score_range(self):
        lo = self.pick(["-inf", "0", "1", "(1", "2", "(2.5", "1.5", "x", "10", "+inf"])
        hi = self.pick(["+inf", "3", "(3", "10", "2", "inf", "-inf", "(10", "1e400"])
        return [lo, hi]

    def lex_range(self):
        lo = self.pick(["-", "[a", "(a", "[1", "+", "[", "x", "(x"])
        hi = self.pick(["+", "[z", "(z", "[3", "-", "(y", "b"])
        return [lo, hi]

    def stream_id(self) -> str:
        return self.pick(["0-1", "1-0", "1-1", "2-0", "3-5", "5-0", "0", "1", "3", "-", "+", "x", "0-0",
                          "18446744073709551615-18446744073709551615"])

    def new_stream_id(self) -> str:
        if self.p(0.15):
            return self.pick(["0-0", "1-1", "x", "1-*", "0-*", "5", "18446744073709551615-18446744073709551615"])
        self.stream_ms += self.r.randint(0, 2)
        return self.pick([f"{self.stream_ms}-{self.r.randint(0, 3)}", f"{self.stream_ms}-*", str(self.stream_ms)])

    def group(self) -> str:
        return self.pick(["g1", "g2"])

    def consumer(self) -> str:
        return self.pick(["c1", "c2"])

    def lonlat(self):
        return self.pick([["13.361389", "38.115556"], ["15.087269", "37.502669"], ["-122.27652", "37.805186"],
                          ["0", "0"], ["180", "85.05112878"], ["-180", "-85.05112878"], ["200", "10"],
                          ["13.5", "38.2"], ["x", "1"]])


# ------------------------------------------------------------------ command generators


def g_string(g: Gen):
    k = g.key("string")
    c = g.r.randint(0, 28)
    if c == 0:
        return ["SET", k, g.value()] + g.flag("NX", "XX") + (g.ttl_opt() if g.p(0.3) else []) + g.flag("GET", "KEEPTTL")
    if c == 1:
        return ["GET", k]
    if c == 2:
        return ["GETEX", k] + g.pick([[], ["PERSIST"]] + [g.ttl_opt()] * 3)
    if c == 3:
        return ["INCRBYFLOAT", k, g.float_()]
    if c == 4:
        return ["SETRANGE", k, g.pick(["0", "1", "3", "10", "-1", "536870912", "x"]), g.value()]
    if c == 5:
        return ["GETRANGE", k, g.index(), g.index()]
    if c == 6:
        return ["LCS", k, g.key()] + g.flag("LEN", "IDX") + (["MINMATCHLEN", g.small(0, 3)] if g.p(0.3) else []) + g.flag("WITHMATCHLEN")
    if c == 7:
        return ["APPEND", k, g.value()]
    if c == 8:
        return ["STRLEN", k]
    if c == 9:
        return [g.pick(["INCR", "DECR"]), k]
    if c == 10:
        return [g.pick(["INCRBY", "DECRBY"]), k, g.int_()]
    if c == 11:
        return ["MSET"] + sum(([g.key(), g.value()] for _ in range(g.r.randint(1, 3))), [])
    if c == 12:
        return ["MSETNX"] + sum(([g.key(), g.value()] for _ in range(g.r.randint(1, 2))), [])
    if c == 13:
        return ["MGET"] + g.keys(kind="string")
    if c == 14:
        return ["GETDEL", k]
    if c == 15:
        return ["GETSET", k, g.value()]
    if c == 16:
        return ["SETNX", k, g.value()]
    if c == 17:
        return ["SETEX", k, g.pick(TTL_SECONDS), g.value()]
    if c == 18:
        return ["PSETEX", k, g.pick(["100000000", "0", "-1", "x"]), g.value()]
    if c == 19:
        return ["SUBSTR", k, g.index(), g.index()]
    if c == 20:
        return ["SET", k, g.pick(["1", "10", "-5", "0", "100", "1.5", "3e2"])]
    if c == 21:
        return ["LCS", k, g.key(), "IDX"] + g.flag("WITHMATCHLEN") + (["MINMATCHLEN", g.small(0, 2)] if g.p(0.4) else [])
    if c == 22:
        return ["SET", k, g.value(), "GET"] + g.flag("NX", "XX")
    if c == 23:
        return ["GETEX", k, g.pick(["EX", "PX", "EXAT", "PXAT", "PERSIST", "FOO"]), g.pick(TTL_SECONDS)]
    if c == 24:
        return ["SET", k, g.value(), g.pick(["EX", "PX", "KEEPTTL", "NX", "XX", "GET", "FOO", "EXAT"]),
                g.pick(["100000", "KEEPTTL", "EX", "100000000", "NX"])]
    if c == 25:
        return ["INCRBYFLOAT", k, g.pick(["1e308", "-1e308", "inf", "0.1", "1.7976931348623157e308"])]
    if c == 26:
        return ["SET", k, g.pick(["0.1", "1e3", "-0", " 5", "5 ", "inf", "nan", "1.0"])]
    return ["GET", k]


def g_list(g: Gen):
    k = g.key("list")
    c = g.r.randint(0, 24)
    if c in (0, 1):
        return [g.pick(["LPUSH", "RPUSH"]), k] + g.members()
    if c == 2:
        return [g.pick(["LPUSHX", "RPUSHX"]), k] + g.members(1, 2)
    if c == 3:
        return ["LRANGE", k, g.index(), g.index()]
    if c == 4:
        return [g.pick(["LPOP", "RPOP"]), k] + ([g.pick(["0", "1", "2", "10", "-1"])] if g.p(0.5) else [])
    if c == 5:
        return ["LPOS", k, g.member()] + (["RANK", g.pick(["1", "-1", "2", "0", "-2"])] if g.p(0.4) else []) + \
            (["COUNT", g.pick(["0", "1", "2", "-1"])] if g.p(0.4) else []) + (["MAXLEN", g.pick(["0", "1", "3", "-1"])] if g.p(0.3) else [])
    if c == 6:
        keys = g.keys(1, 3, kind="list")
        return ["LMPOP", str(len(keys)) if g.p(0.9) else g.pick(["0", "-1", "9", "x"])] + keys + \
            [g.pick(["LEFT", "RIGHT", "left", "UP"])] + (["COUNT", g.pick(["1", "2", "5", "0", "-1"])] if g.p(0.5) else [])
    if c == 7:
        return ["LMOVE", k, g.key(), g.pick(["LEFT", "RIGHT"]), g.pick(["LEFT", "RIGHT", "MIDDLE"])]
    if c == 8:
        return ["RPOPLPUSH", k, g.key()]
    if c == 9:
        return ["LINDEX", k, g.index()]
    if c == 10:
        return ["LSET", k, g.index(), g.member()]
    if c == 11:
        return ["LINSERT", k, g.pick(["BEFORE", "AFTER", "MIDDLE"]), g.member(), g.member()]
    if c == 12:
        return ["LREM", k, g.pick(["0", "1", "-1", "2", "-2"]), g.member()]
    if c == 13:
        return ["LTRIM", k, g.index(), g.index()]
    if c == 14:
        return ["LLEN", k]
    if c == 15:
        return ["RPUSH", k] + [g.member() for _ in range(g.r.randint(3, 8))]
    if c == 16:
        return ["SORT", k] + _sort_opts(g)
    if c == 17:
        return ["SORT_RO", k] + _sort_opts(g, store=False)
    return ["LRANGE", k, "0", "-1"]


def _sort_opts(g: Gen, store=True):
    out = []
    if g.p(0.3):
        out += ["BY", g.pick(["w_*", "nosort", "w_*->f1", "x"])]
    if g.p(0.3):
        out += ["LIMIT", g.pick(["0", "1", "-1"]), g.pick(["1", "2", "-1", "10"])]
    for _ in range(g.r.randint(0, 2) if g.p(0.3) else 0):
        out += ["GET", g.pick(["#", "w_*", "w_*->f1", "a"])]
    out += g.flag("ASC", "DESC")
    # Not ALPHA with BY: the order of elements with equal weights is unspecified (observe._sort),
    # and a STORE would carry it into the keyspace.
    if "BY" not in out:
        out += g.flag("ALPHA")
    if store and g.p(0.2):
        out += ["STORE", g.key()]
    if g.p(0.05):
        out += [g.pick(["FOO", "LIMIT", "BY"])]
    return out


def g_hash(g: Gen):
    k = g.key("hash")
    c = g.r.randint(0, 20)
    if c in (0, 1):
        return ["HSET", k] + sum(([g.field(), g.value()] for _ in range(g.r.randint(1, 3))), [])
    if c == 2:
        return ["HGET", k, g.field()]
    if c == 3:
        return ["HMGET", k] + [g.field() for _ in range(g.r.randint(1, 3))]
    if c == 4:
        return ["HDEL", k] + [g.field() for _ in range(g.r.randint(1, 3))]
    if c == 5:
        return ["HGETALL", k]
    if c == 6:
        return [g.pick(["HKEYS", "HVALS", "HLEN"]), k]
    if c == 7:
        return ["HINCRBY", k, g.field(), g.int_()]
    if c == 8:
        return ["HINCRBYFLOAT", k, g.field(), g.float_()]
    if c == 9:
        return ["HSETNX", k, g.field(), g.value()]
    if c == 10:
        return ["HEXISTS", k, g.field()]
    if c == 11:
        return ["HSTRLEN", k, g.field()]
    if c == 12:
        return ["HRANDFIELD", k] + ([g.count()] + g.flag("WITHVALUES") if g.p(0.7) else [])
    if c == 13:
        return ["HMSET", k] + sum(([g.field(), g.value()] for _ in range(g.r.randint(1, 2))), [])
    if c == 14:
        return ["HSCAN", k, "0"] + (["MATCH", g.pick(["f*", "*1", "?", "[f]*"])] if g.p(0.3) else []) + \
            (["COUNT", g.pick(["1", "10", "0", "x"])] if g.p(0.3) else [])
    if c == 15:
        return ["HSET", k, g.field(), "h" * 70]
    return ["HGET", k, g.field()]


def g_set(g: Gen):
    k = g.key("set")
    c = g.r.randint(0, 22)
    if c in (0, 1):
        return ["SADD", k] + g.members()
    if c == 2:
        return ["SADD", k] + [g.pick(INTS) for _ in range(g.r.randint(1, 4))]
    if c == 3:
        return ["SREM", k] + g.members(1, 3)
    if c == 4:
        return ["SMEMBERS", k]
    if c == 5:
        return [g.pick(["SISMEMBER"]), k, g.member()]
    if c == 6:
        return ["SMISMEMBER", k] + g.members(1, 3)
    if c == 7:
        return ["SCARD", k]
    if c == 8:
        return [g.pick(["SINTER", "SUNION", "SDIFF"])] + g.keys(1, 3, kind="set")
    if c == 9:
        return [g.pick(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]), g.key()] + g.keys(1, 3, kind="set")
    if c == 10:
        keys = g.keys(1, 3, kind="set")
        return ["SINTERCARD", str(len(keys)) if g.p(0.9) else g.pick(["0", "5", "x"])] + keys + \
            (["LIMIT", g.pick(["0", "1", "2", "-1"])] if g.p(0.4) else [])
    if c == 11:
        return ["SMOVE", k, g.key(), g.member()]
    if c == 12:
        return ["SRANDMEMBER", k] + ([g.count()] if g.p(0.7) else [])
    if c == 13:
        return ["SSCAN", k, "0"] + (["MATCH", g.pick(["1*", "*", "x"])] if g.p(0.3) else []) + \
            (["COUNT", g.pick(["1", "100"])] if g.p(0.3) else [])
    if c == 14:
        return ["SPOP", k, g.pick(["1000000", "0", "-1", "x"])]
    if c == 15:
        return ["SORT", k] + _sort_opts(g)
    return ["SMEMBERS", k]


def g_zset(g: Gen):
    k = g.key("zset")
    c = g.r.randint(0, 30)
    if c in (0, 1, 2):
        flags = []
        for f in ("NX", "XX", "GT", "LT", "CH", "INCR"):
            if g.p(0.12):
                flags.append(f)
        pairs = sum(([g.float_(), g.member()] for _ in range(g.r.randint(1, 3) if "INCR" not in flags else 1)), [])
        return ["ZADD", k] + flags + pairs
    if c == 3:
        return ["ZRANGE", k, g.index(), g.index()] + g.flag("REV") + g.flag("WITHSCORES")
    if c == 4:
        lo, hi = g.score_range()
        return ["ZRANGE", k, lo, hi, "BYSCORE"] + g.flag("REV") + \
            (["LIMIT", g.pick(["0", "1"]), g.pick(["1", "-1", "2"])] if g.p(0.3) else []) + g.flag("WITHSCORES")
    if c == 5:
        lo, hi = g.lex_range()
        return ["ZRANGE", k, lo, hi, "BYLEX"] + g.flag("REV") + \
            (["LIMIT", g.pick(["0", "1"]), g.pick(["1", "-1", "2"])] if g.p(0.3) else []) + g.flag("WITHSCORES")
    if c == 6:
        lo, hi = g.score_range()
        return [g.pick(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"]), k, lo, hi] + g.flag("WITHSCORES") + \
            (["LIMIT", g.pick(["0", "1"]), g.pick(["1", "-1"])] if g.p(0.3) else [])
    if c == 7:
        lo, hi = g.lex_range()
        return [g.pick(["ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZLEXCOUNT", "ZREMRANGEBYLEX"]), k, lo, hi]
    if c == 8:
        lo, hi = g.score_range()
        return [g.pick(["ZCOUNT", "ZREMRANGEBYSCORE"]), k, lo, hi]
    if c == 9:
        return [g.pick(["ZRANK", "ZREVRANK", "ZSCORE"]), k, g.member()]
    if c == 10:
        return ["ZMSCORE", k] + g.members(1, 3)
    if c == 11:
        return ["ZINCRBY", k, g.float_(), g.member()]
    if c == 12:
        return ["ZREM", k] + g.members(1, 3)
    if c == 13:
        return [g.pick(["ZPOPMIN", "ZPOPMAX"]), k] + ([g.pick(["0", "1", "2", "10", "-1"])] if g.p(0.5) else [])
    if c == 14:
        keys = g.keys(1, 3, kind="zset")
        out = [g.pick(["ZUNIONSTORE", "ZINTERSTORE"]), g.key(), str(len(keys)) if g.p(0.9) else g.pick(["0", "9", "x"])] + keys
        if g.p(0.4):
            out += ["WEIGHTS"] + [g.pick(["1", "2", "-1", "0", "1.5", "inf", "x"]) for _ in keys]
        if g.p(0.4):
            out += ["AGGREGATE", g.pick(["SUM", "MIN", "MAX", "AVG"])]
        return out
    if c == 15:
        keys = g.keys(1, 3, kind="zset")
        out = [g.pick(["ZUNION", "ZINTER", "ZDIFF"]), str(len(keys))] + keys
        if out[0] != "ZDIFF" and g.p(0.3):
            out += ["WEIGHTS"] + [g.pick(["1", "2", "-1", "0.5"]) for _ in keys]
        if out[0] != "ZDIFF" and g.p(0.3):
            out += ["AGGREGATE", g.pick(["SUM", "MIN", "MAX"])]
        return out + g.flag("WITHSCORES")
    if c == 16:
        return ["ZDIFFSTORE", g.key(), "2", g.key(), g.key()]
    if c == 17:
        keys = g.keys(1, 3, kind="zset")
        return ["ZINTERCARD", str(len(keys))] + keys + (["LIMIT", g.pick(["0", "1", "-1"])] if g.p(0.3) else [])
    if c == 18:
        return ["ZRANGESTORE", g.key(), k] + g.pick([[g.index(), g.index()], g.score_range() + ["BYSCORE"],
                                                     g.lex_range() + ["BYLEX"]]) + g.flag("REV")
    if c == 19:
        keys = g.keys(1, 2, kind="zset")
        return ["ZMPOP", str(len(keys))] + keys + [g.pick(["MIN", "MAX", "LEFT"])] + \
            (["COUNT", g.pick(["1", "3", "0"])] if g.p(0.5) else [])
    if c == 20:
        return ["ZRANDMEMBER", k] + ([g.count()] + g.flag("WITHSCORES") if g.p(0.7) else [])
    if c == 21:
        return ["ZREMRANGEBYRANK", k, g.index(), g.index()]
    if c == 22:
        return ["ZCARD", k]
    if c == 23:
        return ["ZREVRANGE", k, g.index(), g.index()] + g.flag("WITHSCORES")
    if c == 24:
        return ["ZSCAN", k, "0"] + (["MATCH", g.pick(["*", "1*"])] if g.p(0.3) else [])
    if c == 25:
        return ["SORT", k] + _sort_opts(g)
    return ["ZRANGE", k, "0", "-1", "WITHSCORES"]


def g_bitmap(g: Gen):
    k = g.key("string")
    c = g.r.randint(0, 12)
    if c in (0, 1):
        return ["SETBIT", k, g.pick(["0", "1", "7", "8", "15", "100", "-1", "4294967296", "x"]), g.pick(["0", "1", "1", "2"])]
    if c == 2:
        return ["GETBIT", k, g.pick(["0", "1", "7", "100", "-1"])]
    if c == 3:
        return ["BITCOUNT", k] + ([g.index(), g.index()] + g.flag("BYTE", "BIT") if g.p(0.6) else [])
    if c == 4:
        return ["BITPOS", k, g.pick(["0", "1", "2"])] + \
            ([g.index()] + ([g.index()] + g.flag("BYTE", "BIT") if g.p(0.5) else []) if g.p(0.6) else [])
    if c == 5:
        op = g.pick(["AND", "OR", "XOR", "NOT", "FOO"])
        return ["BITOP", op, g.key()] + (g.keys(1, 1, kind="string") if op == "NOT" else g.keys(1, 3, kind="string"))
    if c in (6, 7, 8):
        out = ["BITFIELD", k]
        for _ in range(g.r.randint(1, 3)):
            sub = g.pick(["GET", "SET", "INCRBY", "OVERFLOW"])
            if sub == "OVERFLOW":
                out += ["OVERFLOW", g.pick(["WRAP", "SAT", "FAIL", "X"])]
                continue
            t = g.pick(["u8", "i8", "u1", "i5", "u63", "i64", "u64", "i16", "x"])
            off = g.pick(["0", "1", "7", "#1", "#0", "16", "-1", "4294967296"])
            out += [sub, t, off] + ([] if sub == "GET" else [g.pick(["1", "-1", "255", "127", "300", "x"])])
        return out
    if c == 9:
        return ["BITFIELD_RO", k, "GET", g.pick(["u8", "i4", "u16"]), g.pick(["0", "3", "#1"])]
    return ["GETBIT", k, "3"]


def g_hll(g: Gen):
    k = g.key("hll")
    c = g.r.randint(0, 9)
    if c in (0, 1, 2):
        return ["PFADD", k] + g.members(0, 4)
    if c == 3:
        return ["PFCOUNT"] + g.keys(1, 3, kind="hll")
    if c == 4:
        return ["PFMERGE", k] + g.keys(0, 2, kind="hll")
    if c == 5:
        return ["GET", k]  # the representation itself, sparse or dense, byte for byte
    if c == 6:
        # Corrupt it (or not): PFCOUNT must then refuse as Redis does. Only whole one-byte
        # sparse opcodes (ZERO 00xxxxxx, VAL 1xxxxxxx): a two-byte XZERO cut off at the end
        # makes Redis read past the string (docs/COMPATIBILITY.md).
        return g.pick([["SETRANGE", k, g.pick(["4", "8", "15"]), g.pick(["\x80", "\xff", "\x00", "\x02"])],
                       ["APPEND", k, g.pick(["\x00", "\x80"])], ["SETRANGE", k, "0", "HYLL"]])
    if c == 7:
        return ["PFDEBUG", g.pick(["ENCODING", "TODENSE", "GETREG", "DECODE", "FOO"]), k]
    return ["PFADD", k] + [f"e{g.r.randint(0, 400)}" for _ in range(g.r.randint(5, 30))]


def g_geo(g: Gen):
    k = g.key("zset")
    c = g.r.randint(0, 10)
    if c in (0, 1, 2):
        flags = g.flag("NX", "XX") + g.flag("CH")
        return ["GEOADD", k] + flags + sum((g.lonlat() + [g.pick(["Palermo", "Catania", "Oakland", "p1", "p2", "x"])]
                                            for _ in range(g.r.randint(1, 2))), [])
    if c == 3:
        return ["GEODIST", k, g.pick(["Palermo", "Catania", "x"]), g.pick(["Palermo", "Catania", "p1"])] + \
            g.flag("m", "km", "mi", "ft", "yd")
    if c == 4:
        return [g.pick(["GEOPOS", "GEOHASH"]), k] + [g.pick(["Palermo", "Catania", "p1", "x"]) for _ in range(g.r.randint(1, 3))]
    if c in (5, 6):
        frm = g.pick([["FROMMEMBER", g.pick(["Palermo", "p1", "x"])], ["FROMLONLAT"] + g.lonlat()])
        by = g.pick([["BYRADIUS", g.pick(["100", "200", "1000", "0", "-1"]), g.pick(["km", "m", "mi"])],
                     ["BYBOX", g.pick(["400", "1000"]), g.pick(["400", "100"]), g.pick(["km", "m"])]])
        opts = g.flag("ASC", "DESC") + (["COUNT", g.pick(["1", "2", "0"])] if g.p(0.3) else []) + \
            g.flag("WITHCOORD") + g.flag("WITHDIST") + g.flag("WITHHASH")
        if g.p(0.5):
            return ["GEOSEARCH", k] + frm + by + opts
        return ["GEOSEARCHSTORE", g.key(), k] + frm + by + [o for o in opts if not o.startswith("WITH")] + g.flag("STOREDIST")
    if c == 7:
        store = g.pick([[], [], ["STORE", g.key()], ["STOREDIST", g.key()]])
        return [g.pick(["GEORADIUS", "GEORADIUS_RO"] if not store else ["GEORADIUS"]), k] + g.lonlat() + \
            [g.pick(["100", "500", "0", "-1"]), g.pick(["km", "m", "mi", "ft", "xx"])] + g.flag("ASC", "DESC") + \
            ([] if store else g.flag("WITHDIST") + g.flag("WITHHASH")) + (["COUNT", g.pick(["1", "2"])] if g.p(0.3) else []) + store
    if c == 8:
        store = g.pick([[], [], ["STORE", g.key()], ["STOREDIST", g.key()]])
        return [g.pick(["GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO"] if not store else ["GEORADIUSBYMEMBER"]), k,
                g.pick(["Palermo", "p1", "x"]), g.pick(["300", "1000"]), "km"] + g.flag("ASC", "DESC") + \
            ([] if store else g.flag("WITHCOORD")) + store
    return ["ZRANGE", k, "0", "-1", "WITHSCORES"]


def g_stream(g: Gen):
    k = g.key("stream")
    c = g.r.randint(0, 24)
    if c in (0, 1, 2, 3):
        out = ["XADD", k] + g.flag("NOMKSTREAM")
        if g.p(0.2):
            out += [g.pick(["MAXLEN", "MINID"]), g.pick(["=", "~"])] if g.p(0.5) else [g.pick(["MAXLEN", "MINID"])]
            out += [g.pick(["0", "1", "2", "3-0", "x"])]
        return out + [g.new_stream_id()] + sum(([g.field(), g.value()] for _ in range(g.r.randint(1, 2))), [])
    if c == 4:
        return [g.pick(["XRANGE", "XREVRANGE"]), k, g.stream_id(), g.stream_id()] + \
            (["COUNT", g.pick(["1", "2", "0", "-1"])] if g.p(0.3) else [])
    if c == 5:
        return ["XLEN", k]
    if c == 6:
        return ["XDEL", k] + [g.stream_id() for _ in range(g.r.randint(1, 2))]
    if c == 7:
        return ["XTRIM", k, g.pick(["MAXLEN", "MINID"])] + g.flag("=", "~") + [g.pick(["0", "1", "2", "2-0"])]
    if c in (8, 9):
        sub = g.pick(["CREATE", "CREATE", "SETID", "DESTROY", "CREATECONSUMER", "DELCONSUMER"])
        if sub == "CREATE":
            return ["XGROUP", "CREATE", k, g.group(), g.pick(["$", "0", "1-0", "x"])] + g.flag("MKSTREAM") + \
                (["ENTRIESREAD", g.pick(["0", "1", "-1", "x"])] if g.p(0.2) else [])
        if sub == "SETID":
            return ["XGROUP", "SETID", k, g.group(), g.pick(["$", "0", "1-0"])]
        if sub == "DESTROY":
            return ["XGROUP", "DESTROY", k, g.group()]
        return ["XGROUP", sub, k, g.group(), g.consumer()]
    if c in (10, 11):
        out = ["XREADGROUP", "GROUP", g.group(), g.consumer()]
        if g.p(0.4):
            out += ["COUNT", g.pick(["1", "2", "0"])]
        out += g.flag("NOACK")
        return out + ["STREAMS", k, g.pick([">", ">", "0", "1-0"])]
    if c == 12:
        return ["XREAD"] + (["COUNT", g.pick(["1", "2"])] if g.p(0.3) else []) + ["STREAMS", k] + \
            ([g.key(), g.stream_id(), g.stream_id()] if g.p(0.3) else [g.stream_id()])
    if c == 13:
        return ["XACK", k, g.group()] + [g.stream_id() for _ in range(g.r.randint(1, 2))]
    if c == 14:
        out = ["XPENDING", k, g.group()]
        if g.p(0.6):
            out += g.pick([[], ["IDLE", "0"]]) + ["-", "+", g.pick(["10", "1", "0"])] + ([g.consumer()] if g.p(0.4) else [])
        return out
    if c == 15:
        return ["XCLAIM", k, g.group(), g.consumer(), g.pick(["0", "100000000"]), g.stream_id()] + \
            g.flag("JUSTID") + g.flag("FORCE") + (["RETRYCOUNT", "3"] if g.p(0.2) else [])
    if c == 16:
        return ["XAUTOCLAIM", k, g.group(), g.consumer(), g.pick(["0", "100000000"]), g.pick(["0", "0-0", "1-0"])] + \
            (["COUNT", g.pick(["1", "10", "0"])] if g.p(0.4) else []) + g.flag("JUSTID")
    if c == 17:
        return ["XINFO", g.pick(["STREAM", "GROUPS", "CONSUMERS", "CONSUMERS"]), k] + ([g.group()] if g.p(0.5) else [])
    if c == 19:
        return ["XADD", k, "MAXLEN", g.pick(["~", "="]), g.pick(["1", "2"]), "LIMIT", g.pick(["0", "1", "10", "-1"]),
                g.new_stream_id(), "f", "v"]
    if c == 20:
        return ["XCLAIM", k, g.group(), g.consumer(), "0", g.stream_id(), g.stream_id()] + \
            g.pick([["IDLE", "5000000"], ["RETRYCOUNT", "x"], ["LASTID", g.stream_id()], ["FORCE", "JUSTID"], []])
    if c == 21:
        return ["XINFO", g.pick(["STREAM", "FOO", "HELP"]), k] + g.pick([[], ["FULL"], ["FULL", "COUNT", "1"]])[:1 if g.p(0.7) else 3]
    if c == 18:
        return ["XSETID", k, g.pick(["5-0", "10-0", "0-1", "1-0"])] + \
            (["ENTRIESADDED", g.pick(["5", "100", "0"]), "MAXDELETEDID", g.pick(["0-1", "3-0"])] if g.p(0.3) else [])
    return ["XRANGE", k, "-", "+"]


def g_keys(g: Gen):
    k = g.key()
    c = g.r.randint(0, 32)
    if c in (0, 1):
        return [g.pick(["EXISTS", "DEL", "UNLINK", "TOUCH"])] + g.keys(1, 3)
    if c == 2:
        return ["TYPE", k]
    if c == 3:
        return [g.pick(["RENAME", "RENAMENX"]), k, g.key()]
    if c == 4:
        return ["COPY", k, g.key()] + (["DB", g.pick(DBS + ["x", "16"])] if g.p(0.3) else []) + g.flag("REPLACE")
    if c == 5:
        return ["MOVE", k, g.pick(DBS + ["16", "x", "-1"])]
    if c in (6, 7):
        return [g.pick(["EXPIRE", "PEXPIRE"]), k, g.pick(TTL_SECONDS)] + g.flag("NX", "XX", "GT", "LT")
    if c == 8:
        return [g.pick(["EXPIREAT"]), k, g.pick([str(FAR), "1", "0", str(FAR + 100), "-1"])] + g.flag("NX", "XX", "GT", "LT")
    if c == 9:
        return ["PEXPIREAT", k, g.pick([str(FAR * 1000), "1", str(FAR * 1000 + 500)])] + g.flag("NX", "XX", "GT", "LT")
    if c in (10, 11):
        return [g.pick(["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"]), k]
    if c == 12:
        return ["PERSIST", k]
    if c in (13, 14):
        return ["OBJECT", "ENCODING", k]
    if c == 15:
        return ["OBJECT", g.pick(["REFCOUNT", "IDLETIME", "FREQ", "FOO"]), k]
    if c == 16:
        return ["KEYS", g.pick(["*", "w_*", "?", "[ab]", "{t}*", "*\\*"])]
    if c == 17:
        return ["SCAN", "0"] + (["MATCH", g.pick(["*", "w*", "a"])] if g.p(0.3) else []) + \
            (["COUNT", g.pick(["1", "2", "100"])] if g.p(0.3) else []) + \
            (["TYPE", g.pick(["string", "list", "hash", "set", "zset", "stream", "foo"])] if g.p(0.3) else [])
    if c == 18:
        return ["DBSIZE"]
    if c == 19:
        return ["RANDOMKEY"]
    if c == 20:
        return ["SELECT", g.pick(["0", "0", "0", "1", "2", "16", "x", "-1"])]
    if c == 21:
        return ["SWAPDB", g.pick(DBS), g.pick(DBS + ["16", "x"])]
    if c == 22:
        return ["FLUSHDB"] + g.flag("ASYNC", "SYNC")
    if c == 23:
        return ["SORT", k] + _sort_opts(g)
    if c == 24:
        return ["ECHO", g.value()]
    if c == 25:
        return ["PING"] + ([g.value()] if g.p(0.5) else [])
    if c == 26:
        return ["WATCH"] + g.keys(1, 2)
    if c == 27:
        return ["UNWATCH"]
    if c == 28:
        return ["EXPIRE", k, g.pick(["100000", "200000"]), g.pick(["NX", "XX", "GT", "LT", "FOO", "NX"]), g.pick(["GT", "LT", "XX"])]
    if c == 29:
        # Key extraction from the command table, for any generated command.
        return ["COMMAND", "GETKEYS"] + _family(g)(g)
    if c == 30:
        return g.pick([["PUBLISH", "ch", g.value()], ["FLUSHALL"] + g.flag("SYNC", "ASYNC"), ["ECHO"], ["PING", "a", "b"]])
    if c == 31:
        # Switch protocols mid-sequence (the rest of the sequence then runs on the other one).
        return g.pick([["HELLO", "2"], ["HELLO", "3"], ["HELLO", "4"], ["HELLO", "x"], ["HELLO", "3", "AUTH", "a", "b"],
                       ["HELLO", "2", "SETNAME", "n"], ["RESET"]])
    return ["EXISTS", k]


def g_bulk(g: Gen):
    """A large value, to cross the encoding thresholds (128 entries, 64-byte elements, 512
    integers, 8 KiB list nodes, the HyperLogLog sparse limit)."""
    k = g.key()
    n = g.r.randint(60, 200)
    c = g.r.randint(0, 6)
    if c == 0:
        return ["SADD", k] + [str(i * g.r.randint(1, 3)) for i in range(g.r.randint(100, 600))]
    if c == 1:
        return ["SADD", k] + [f"m{i}" for i in range(n)]
    if c == 2:
        return ["ZADD", k] + sum(([str(i % 7), f"m{i}"] for i in range(n)), [])
    if c == 3:
        return ["HSET", k] + sum(([f"f{i}", str(i)] for i in range(n)), [])
    if c == 4:
        return ["RPUSH", k] + [g.pick(["m" * 70, "v", "1", str(i)]) for i in range(n)]
    if c == 5:
        return ["PFADD", k] + [f"e{i}" for i in range(g.r.randint(200, 3000))]
    return ["SETRANGE", k, str(g.r.randint(0, 100)), "q" * g.r.randint(1, 60)]


FAMILIES = [
    (14, g_string), (10, g_list), (9, g_hash), (10, g_set), (12, g_zset), (6, g_bitmap), (4, g_hll),
    (4, g_geo), (9, g_stream), (14, g_keys), (1, g_bulk),
]

FAMILY_KIND = dict(g_string="string", g_list="list", g_hash="hash", g_set="set", g_zset="zset", g_bitmap="string",
                   g_hll="hll", g_geo="zset", g_stream="stream", g_bulk=None)

# Commands that must not be generated outside MULTI (they could block) or at all as a unit of
# their own because they change connection state the harness depends on.
BLOCKING = {"BLPOP", "BRPOP", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "BRPOPLPUSH"}


def _family(g: Gen):
    x = g.r.uniform(0, sum(w for w, _ in g.families))
    for w, fn in g.families:
        x -= w
        if x <= 0:
            return fn
    return g.families[-1][1]


def _mutate(g: Gen, args: list) -> list:
    """Deliberately malformed arguments: wrong arity, bad numbers, bad flags."""
    c = g.r.randint(0, 3)
    if c == 0 and len(args) > 1:
        return args[: g.r.randint(1, len(args) - 1)]
    if c == 1:
        return args + [g.pick(JUNK)]
    if len(args) > 1:
        i = g.r.randint(1, len(args) - 1)
        return args[:i] + [g.pick(JUNK)] + args[i + 1:]
    return args


def _case(g: Gen, word: str) -> str:
    if g.p(0.05) and word.isascii() and word.isalpha():
        return "".join(ch.lower() if g.p(0.5) else ch for ch in word)
    return word


def _case_flags(g: Gen, args: list) -> list:
    """Command names, subcommands and flags are case-insensitive: sometimes lower-case the
    alphabetic arguments (a member changed this way changes both servers alike)."""
    if not g.p(0.05):
        return args
    return [a.lower() if a.isascii() and a.isalpha() and a.isupper() and g.p(0.5) else a for a in args]


# Commands that create their first key argument (or, for the STORE forms, their destination):
# after one, the generator believes that key holds a value of the family's type.
CREATORS = {
    "SET", "SETNX", "SETEX", "PSETEX", "GETSET", "APPEND", "SETRANGE", "INCR", "DECR", "INCRBY", "DECRBY",
    "INCRBYFLOAT", "SETBIT", "BITFIELD", "LPUSH", "RPUSH", "LINSERT", "HSET", "HMSET", "HSETNX", "HINCRBY",
    "HINCRBYFLOAT", "SADD", "ZADD", "ZINCRBY", "PFADD", "GEOADD", "XADD", "SINTERSTORE", "SUNIONSTORE",
    "SDIFFSTORE", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE", "ZRANGESTORE", "GEOSEARCHSTORE", "PFMERGE",
    "BITOP", "MSET",
}


def _believe(g: Gen, kind: str | None, args: list) -> None:
    name = args[0].upper()
    if kind is None or name not in CREATORS or len(args) < 2:
        return
    if name == "MSET":
        for k in args[1::2]:
            g.kinds[k] = "string"
        return
    dest = args[2] if name in ("BITOP",) else args[1]
    g.kinds[dest] = kind


def command(g: Gen) -> list:
    fn = _family(g)
    args = fn(g)
    _believe(g, FAMILY_KIND.get(fn.__name__), args)
    if g.p(0.09):
        args = _mutate(g, args)
    if args[0] == "SPOP" and len(args) == 2:
        args.append("1000000")  # a count past the cardinality: pops all, no random draw
    args = _case_flags(g, args)
    args[0] = _case(g, args[0])
    return args


def _blocking(g: Gen) -> list:
    k = g.key()
    return g.pick([["BLPOP", k, g.key(), "0"], ["BRPOP", k, "1"], ["BLMOVE", k, g.key(), "LEFT", "RIGHT", "0"],
                   ["BLMPOP", "0", "1", k, "LEFT"], ["BZPOPMIN", k, "0"], ["BZPOPMAX", k, g.key(), "0"],
                   ["BZMPOP", "0", "1", k, "MAX", "COUNT", "2"], ["BRPOPLPUSH", k, g.key(), "0"],
                   ["XREAD", "BLOCK", "0", "STREAMS", k, "$"]])


def unit(g: Gen) -> list:
    x = g.r.random()
    if x < 0.06:
        body = []
        for _ in range(g.r.randint(0, 4)):
            cmd = _blocking(g) if g.p(0.15) else command(g)
            if not is_lex([to_bytes(a) for a in cmd]):  # cannot be checked when queued (fuzz.run)
                body.append(cmd)
        end = "DISCARD" if g.p(0.1) else "EXEC"
        return [["MULTI"]] + body + [[end]]
    if x < 0.08:
        # SPOP with a count below the cardinality draws at random; SCARD is compared, then the
        # key is deleted so the keyspaces agree again.
        k = g.key()
        return [["SPOP", k] + ([g.pick(["1", "2", "3"])] if g.p(0.6) else []), ["SCARD", k], ["DEL", k]]
    if x < 0.09:
        return [["MULTI"], ["MULTI"], ["EXEC"], ["EXEC"]] if g.p(0.5) else [["EXEC"]]
    return [command(g)]


LEX_COMMANDS = {b"ZRANGEBYLEX", b"ZREVRANGEBYLEX", b"ZLEXCOUNT", b"ZREMRANGEBYLEX"}


def is_lex(cmd) -> bool:
    """A lexicographic range command. On a skiplist whose scores differ its answer depends on
    the skiplist's random levels in Redis (documented as unspecified): see fuzz.run."""
    name = cmd[0].upper()
    return name in LEX_COMMANDS or (name in (b"ZRANGE", b"ZRANGESTORE") and b"BYLEX" in (a.upper() for a in cmd))


def short_ttl(cmd) -> bool:
    """Sets a TTL short enough to run out between the two servers (the shrinker can make one
    out of a long TTL by simplifying its argument)."""
    name, args = cmd[0].upper(), [a.upper() for a in cmd]

    def short(arg, unit_ms):
        try:
            ms = int(arg) * unit_ms
        except ValueError:
            return False
        return 0 < ms < 60_000

    if name in (b"EXPIRE", b"SETEX") and len(cmd) > 2:
        return short(cmd[2], 1000)
    if name in (b"PEXPIRE", b"PSETEX") and len(cmd) > 2:
        return short(cmd[2], 1)
    return any(a in (b"EX", b"PX") and i + 1 < len(cmd) and short(cmd[i + 1], 1000 if a == b"EX" else 1)
               for i, a in enumerate(args))


def to_bytes(arg) -> bytes:
    if isinstance(arg, bytes):
        return arg
    # Pool strings are code points 0-255 standing for single bytes.
    return arg.encode("latin-1") if all(ord(ch) < 256 for ch in arg) else arg.encode("utf-8")


def sequence(seed: int, length: int | None = None):
    """The sequence for `seed`: (protocol version, units)."""
    rng = random.Random(seed)
    g = Gen(rng)
    proto = 3 if rng.random() < 0.5 else 2
    n = length if length is not None else rng.choice([rng.randint(5, 40), rng.randint(5, 90)])
    units = []
    for _ in range(n):
        units.append([tuple(to_bytes(a) for a in cmd) for cmd in unit(g)])
    return proto, units
