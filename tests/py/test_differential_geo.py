"""Differential tests of the geo commands: the same commands go to ferrite and to a real
redis-server, and the raw reply bytes must be identical (the machinery, step types and rules are
those of test_differential.py).

Three kinds of sequences:

* hand-written ones over every command, option and error, run over RESP2 and RESP3;
* seeded random workloads: points clustered around a few centres (and on the edges of the
  world), searched with random shapes, radii from decimetres to beyond the Earth's size, every
  unit, order, COUNT (ANY), WITH* option and STORE form, on small (listpack) and large (skiplist)
  sets; a failure names the seed;
* tie workloads: many members on a few positions, searched with and without COUNT, so that
  the order of equal distances (Redis's stable qsort, or its partial quicksort with COUNT) is
  compared;
* distance workloads: STOREDIST results compared to the last bit, with many points sharing a
  longitude.

It also keeps the Rust unit-test vectors honest: engine/src/cmd/t_geo/vectors.rs lists commands
with the reply bytes and counter moves recorded from redis-server, and
test_rust_vectors_match_redis replays each line on a live redis-server and checks the record.
Run this file as a script to re-record the vectors (after adding lines):

    python3 tests/py/test_differential_geo.py --record PORT   # a redis-server 7.0 on PORT
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from rust_literals import rust_escape as _rust_escape, rust_unescape as _rust_unescape
from resp_util import RespConn
from test_differential import C, X, compare

PALERMO = ["13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"]
EDGES = ["12.758489", "38.788135", "edge1", "17.241510", "38.788135", "edge2"]
UNITS = ["m", "km", "ft", "mi", "KM", "Mi"]
LAT_MAX = 85.05112878

SEQUENCES = {
    "geoadd": [
        C("GEOADD", "g", *PALERMO), C("GEOADD", "g", "NX", "13", "38", "Palermo", "14", "38", "Messina"),
        C("GEOADD", "g", "XX", "CH", "13", "38", "Palermo", "1", "1", "nope"), C("GEOADD", "g", "NX", "XX", "1", "2", "x"),
        C("GEOADD", "g", "1", "2"), C("GEOADD", "g", "200", "100", "x"), C("GEOADD", "g", "inf", "1", "x"),
        C("GEOADD", "g", "1e400", "1", "x"), C("GEOADD", "g", "GT", "1", "2", "x"), C("GEOADD", "g", "CH", "CH", "XX"),
        C("ZRANGE", "g", "0", "-1", "WITHSCORES"), C("OBJECT", "ENCODING", "g"), C("SET", "s", "v"),
        C("GEOADD", "s", "1", "2", "x"), C("GEOADD", "s", "500", "2", "x"),
    ],
    "reads": [
        C("GEOADD", "g", *PALERMO, "180", str(LAT_MAX), "corner"), C("GEOPOS", "g", "Palermo", "nosuch", "corner"),
        C("GEOHASH", "g", "Palermo", "nosuch", "corner"), C("GEODIST", "g", "Palermo", "Catania"),
        C("GEODIST", "g", "Palermo", "Catania", "mi"), C("GEODIST", "g", "Palermo", "nosuch"),
        C("GEODIST", "g", "Palermo", "Catania", "parsecs"), C("GEODIST", "g", "a", "b", "km", "x"),
        C("GEODIST", "nokey", "a", "b"), C("GEOPOS", "nokey", "a"), C("GEOHASH", "nokey", "a"),
        C("ZADD", "z", "-1", "neg", "inf", "pinf", "1.5", "frac"), C("GEOPOS", "z", "neg", "pinf", "frac"),
        C("GEOHASH", "z", "neg", "pinf", "frac"),
    ],
    "searches": [
        C("GEOADD", "g", *PALERMO, *EDGES),
        C("GEORADIUS", "g", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH", "ASC"),
        C("GEORADIUS_RO", "g", "15", "37", "200", "km", "COUNT", "1", "DESC"),
        C("GEORADIUSBYMEMBER", "g", "Palermo", "200", "km", "WITHDIST"),
        C("GEORADIUSBYMEMBER_RO", "g", "nosuch", "200", "km"),
        C("GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "ASC", "WITHDIST"),
        C("GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "300", "km", "COUNT", "2", "ANY"),
        C("GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "ANY"),
        C("GEOSEARCH", "g", "BYRADIUS", "1", "km", "WITHDIST", "ASC"),
        C("GEOSEARCH", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "km"),
        C("GEORADIUS", "g", "15", "37", "200", "km", "STORE", "d"), C("ZRANGE", "d", "0", "-1", "WITHSCORES"),
        C("GEORADIUS", "g", "15", "37", "200", "km", "STOREDIST", "d", "WITHDIST"),
        C("GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "300", "km", "STOREDIST"),
        C("ZRANGE", "d", "0", "-1", "WITHSCORES"), C("GEOSEARCHSTORE", "d", "nokey", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "m"),
        C("EXISTS", "d"), C("SET", "s", "v"), C("GEOSEARCH", "s", "FROMLONLAT", "500", "1", "BYRADIUS", "1", "m"),
    ],
}


def _cases():
    for seq_id, steps in SEQUENCES.items():
        yield pytest.param(steps, id=f"resp2-{seq_id}")
        yield pytest.param([X("HELLO", "3")] + steps, id=f"resp3-{seq_id}")


@pytest.mark.parametrize("steps", list(_cases()))
def test_geo_same_replies(request, steps, ferrite, redis_server):
    compare(request.node.callspec.id, steps, ferrite.port, redis_server.port)


# --------------------------------------------------------------------------- random workloads


class _Workload:
    """Seeded random geo commands over keys `g` and `h` (`h` also gets plain ZADD scores)."""

    def __init__(self, rng: random.Random, big: bool):
        self.rng = rng
        self.members = [f"m{i}" for i in range(1500 if big else 60)]
        self.centres = [(rng.uniform(-180, 180), rng.uniform(-85, 85)) for _ in range(4)]
        self.centres += [(179.9, 10), (-179.95, -20), (0.0, 84.9), (10, -84.99), (0.0, 0.0)]

    def coord(self):
        rng = self.rng
        r = rng.random()
        if r < 0.6:
            cx, cy = rng.choice(self.centres)
            spread = 10 ** rng.uniform(-5, 1.5)
            x, y = cx + rng.gauss(0, spread), cy + rng.gauss(0, spread)
        elif r < 0.8:
            x, y = rng.uniform(-180, 180), rng.uniform(-LAT_MAX, LAT_MAX)
        else:
            x = rng.choice([-180, 180, 0, 179.999999, -179.999999, 13.361389, 1e-9])
            y = rng.choice([LAT_MAX, -LAT_MAX, 0, 85, -85, 38.115556, 1e-9])
        x, y = max(-180, min(180, x)), max(-LAT_MAX, min(LAT_MAX, y))
        digits = rng.choice([0, 1, 2, 4, 6, 9, 17])
        if digits == 17:
            return [repr(x), repr(y)]
        return [f"{x:.{digits}f}", f"{y:.{digits}f}"]

    def radius(self):
        rng = self.rng
        if rng.random() < 0.05:
            return rng.choice(["0", "inf", "1e-300", "-1", "abc", "20000000", "5e7"])
        return f"{10 ** rng.uniform(-1, 7.3):.{rng.choice([0, 2, 6])}f}"

    def member(self):
        return self.rng.choice(self.members)

    def key(self):
        return self.rng.choice(["g", "g", "g", "h"])

    def geoadd(self, n=None):
        rng = self.rng
        args = ["GEOADD", self.key()]
        if rng.random() < 0.2:
            args += rng.sample(["NX", "XX", "CH"], rng.randrange(1, 3))
        for _ in range(n or rng.randrange(1, 6)):
            args += self.coord() + [self.member()]
        return args

    def options(self, store_ok, search_store=False):
        rng = self.rng
        opts = []
        if not search_store and rng.random() < 0.5:
            opts += rng.sample(["WITHDIST", "WITHHASH", "WITHCOORD"], rng.randrange(1, 4))
        if rng.random() < 0.35:
            opts.append(rng.choice(["ASC", "DESC"]))
        if rng.random() < 0.4:
            opts += ["COUNT", str(rng.choice([1, 2, 3, 5, 10, 50, rng.randrange(1, 500)]))]
            if rng.random() < 0.3:
                opts.append("ANY")
        if store_ok and rng.random() < 0.15:
            opts = [o for o in opts if not o.startswith("WITH")]
            opts += [rng.choice(["STORE", "STOREDIST"]), rng.choice(["dst", "g", "dst2"])]
        return opts

    def search(self):
        rng = self.rng
        kind, k = rng.randrange(7), self.key()
        if kind == 0:
            return ["GEORADIUS", k, *self.coord(), self.radius(), rng.choice(UNITS), *self.options(True)]
        if kind == 1:
            return ["GEORADIUS_RO", k, *self.coord(), self.radius(), rng.choice(UNITS), *self.options(False)]
        if kind == 2:
            name = rng.choice(["GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO"])
            store_ok = name == "GEORADIUSBYMEMBER"
            return [name, k, self.member(), self.radius(), rng.choice(UNITS), *self.options(store_ok)]
        origin = ["FROMMEMBER", self.member()] if rng.random() < 0.5 else ["FROMLONLAT", *self.coord()]
        if rng.random() < 0.5:
            shape = ["BYRADIUS", self.radius(), rng.choice(UNITS)]
        else:
            shape = ["BYBOX", self.radius(), self.radius(), rng.choice(UNITS)]
        if kind == 6:
            opts = self.options(False, True) + (["STOREDIST"] if rng.random() < 0.5 else [])
            return ["GEOSEARCHSTORE", rng.choice(["dst", "dst2"]), k, *origin, *shape, *opts]
        return ["GEOSEARCH", k, *origin, *shape, *self.options(False)]

    def steps(self):
        rng = self.rng
        r = rng.random()
        if r < 0.25:
            return [self.geoadd()]
        if r < 0.6:
            search = self.search()
            if search[0] == "GEOSEARCHSTORE" or "STORE" in search or "STOREDIST" in search:
                return [search] + [["ZRANGE", d, "0", "-1", "WITHSCORES"] for d in ("dst", "dst2")] + [
                    ["OBJECT", "ENCODING", "dst"]
                ]
            return [search]
        if r < 0.7:
            return [["GEOPOS", self.key(), *(self.member() for _ in range(rng.randrange(1, 5)))]]
        if r < 0.8:
            return [["GEOHASH", self.key(), *(self.member() for _ in range(rng.randrange(1, 5)))]]
        if r < 0.9:
            unit = [rng.choice(UNITS)] if rng.random() < 0.5 else []
            return [["GEODIST", self.key(), self.member(), self.member(), *unit]]
        if r < 0.95:
            return [["ZREM", self.key(), self.member(), self.member()]]
        score = rng.choice(["0", "-1", "1.5", "inf", "-inf", "4503599627370495", "4503599627370496", "1e20"])
        return [["ZADD", "h", score, self.member()]]


def _random_steps(seed: int, big: bool, count: int):
    work = _Workload(random.Random(seed), big)
    steps = [C(*work.geoadd(300)) for _ in range(10)] if big else []
    for _ in range(count):
        steps += [C(*s) for s in work.steps()]
    steps += [C("ZRANGE", k, "0", "-1", "WITHSCORES") for k in ("g", "h")]
    return steps


@pytest.mark.parametrize("seed", range(60))
def test_geo_random_small(seed, ferrite, redis_server):
    steps = _random_steps(seed, big=False, count=120)
    if seed % 2:
        steps = [X("HELLO", "3")] + steps
    compare(f"random-small-seed-{seed}", steps, ferrite.port, redis_server.port)


@pytest.mark.parametrize("seed", range(12))
def test_geo_random_large(seed, ferrite, redis_server):
    steps = _random_steps(1000 + seed, big=True, count=150)
    if seed % 2:
        steps = [X("HELLO", "3")] + steps
    compare(f"random-large-seed-{seed}", steps, ferrite.port, redis_server.port)


@pytest.mark.parametrize("seed", range(40))
def test_geo_ties(seed, ferrite, redis_server):
    """Many members on a few positions: equal distances, ordered as Redis orders them."""
    rng = random.Random(5000 + seed)
    base = (rng.uniform(-170, 170), rng.uniform(-80, 80))
    positions = [(base[0] + rng.uniform(-0.01, 0.01), base[1] + rng.uniform(-0.01, 0.01)) for _ in range(rng.choice([1, 2, 3, 5, 8]))]
    n = rng.choice([5, 8, 20, 45, 100, 129, 300])
    add = ["GEOADD", "g"]
    for _ in range(n):
        x, y = rng.choice(positions)
        add += [f"{x:.6f}", f"{y:.6f}", f"p{rng.randrange(100000)}"]
    steps = [C(*add)]
    for _ in range(12):
        centre = [f"{base[0] + rng.uniform(-0.02, 0.02):.6f}", f"{base[1] + rng.uniform(-0.02, 0.02):.6f}"]
        shape = rng.choice([["BYRADIUS", "10", "km"], ["BYBOX", "5", "5", "km"]])
        order = rng.choice([[], ["ASC"], ["DESC"]])
        count = ["COUNT", str(rng.randrange(1, n + 3))] + (["ANY"] if rng.random() < 0.2 else [])
        withdist = rng.choice([[], ["WITHDIST"]])
        steps += [
            C("GEOSEARCH", "g", "FROMLONLAT", *centre, *shape, *order, *count, *withdist),
            C("GEOSEARCH", "g", "FROMLONLAT", *centre, *shape, *order, *withdist),
            C("GEORADIUS", "g", *centre, "10", "km", *count[:2], "STORE", "d"),
            C("ZRANGE", "d", "0", "-1", "WITHSCORES"),
        ]
    compare(f"ties-seed-{seed}", steps, ferrite.port, redis_server.port)


@pytest.mark.parametrize("seed", range(30))
def test_geo_distance_bits(seed, ferrite, redis_server):
    """Distances to the last bit (STOREDIST keeps all 17 digits), with many points sharing a
    longitude (Redis 7.0.15 then computes the latitude difference, not the haversine)."""
    rng = random.Random(9000 + seed)
    lons = [rng.uniform(-180, 180) for _ in range(5)] + [180, -180, 0]
    add = ["GEOADD", "g"]
    for i in range(200):
        lon = rng.choice(lons) if rng.random() < 0.5 else rng.uniform(-180, 180)
        add += [repr(lon), repr(rng.uniform(-85.05, 85.05)), f"p{i}"]
    steps = [C(*add)]
    for _ in range(10):
        if rng.random() < 0.5:
            centre = ["FROMLONLAT", repr(rng.choice(lons)), repr(rng.uniform(-85, 85))]
        else:
            centre = ["FROMMEMBER", f"p{rng.randrange(200)}"]
        unit, per = rng.choice([("m", 1), ("km", 1000), ("ft", 0.3048), ("mi", 1609.34)])
        if rng.random() < 0.5:
            shape = ["BYRADIUS", repr(rng.uniform(1e5, 2e7) / per), unit]
        else:
            shape = ["BYBOX", repr(rng.uniform(1e3, 4e7) / per), repr(rng.uniform(1e5, 4e7) / per), unit]
        steps += [
            C("GEOSEARCHSTORE", "d", "g", *centre, *shape, "STOREDIST"),
            C("ZRANGE", "d", "0", "-1", "WITHSCORES"),
            C("GEOSEARCH", "g", *centre, *shape, "WITHDIST", "ASC"),
            C("GEODIST", "g", f"p{rng.randrange(200)}", f"p{rng.randrange(200)}", unit),
        ]
    compare(f"distance-bits-seed-{seed}", steps, ferrite.port, redis_server.port)


# --------------------------------------------------------------------------- Rust vectors

VECTORS = Path(__file__).resolve().parents[2] / "engine/src/cmd/t_geo/vectors.rs"
_CASE = re.compile(r'^(\s*)\(&\[(.*)\], ("(?:[^"\\]|\\.)*"), (\d+), (\d+), (\d+)\),$')
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
# The database the replay uses (flushed before each test function). The counters are
# server-wide: record against a server nobody else is using.
DB = 8


def fill_args(key, n):
    """`!fill key n`, as engine/src/cmd/t_geo/tests.rs `fill` builds it: n members p0000...
    on a grid of millidegrees near Palermo (some share a longitude)."""
    args = ["GEOADD", key]
    for i in range(int(n)):
        lon = 13000 + (i % 20) * 10 + (i // 20) * 3
        lat = 38000 + ((i * 7) % 25) * 4
        args += [f"{lon // 1000}.{lon % 1000:03d}", f"{lat // 1000}.{lat % 1000:03d}", f"p{i:04d}"]
    return args


class _Counters:
    def __init__(self, port):
        self.conn = RespConn(port)
        self.conn.call_raw("SELECT", str(DB))

    def read(self):
        text = self.conn.call_raw("INFO", "persistence").decode() + self.conn.call_raw("INFO", "stats").decode()
        fields = dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line)
        return tuple(int(fields[k]) for k in ("rdb_changes_since_last_save", "keyspace_hits", "keyspace_misses"))


def replay_vectors(port):
    """Replays vectors.rs on the redis-server at `port`; returns (lines, [(index, old, new)])."""
    lines = VECTORS.read_text().split("\n")
    counters = _Counters(port)
    conn = None
    changed = []
    for i, line in enumerate(lines):
        if line.startswith("fn "):
            counters.conn.call_raw("FLUSHDB")
            if conn:
                conn.close()
            conn = RespConn(port)
            conn.call_raw("SELECT", str(DB))
            continue
        m = _CASE.match(line)
        if not m:
            continue
        indent, args_text = m.group(1), m.group(2)
        args = [_rust_unescape(a) for a in _STRING.findall(args_text)]
        if args == [b"hello", b"3"]:
            conn.call_raw("HELLO", "3")
            new = f'{indent}(&[{args_text}], "*", 0, 0, 0),'
        else:
            command = fill_args(*[a.decode() for a in args[1:]]) if args[0] == b"!fill" else args
            before = counters.read()
            reply = conn.call_raw(*command)
            after = counters.read()
            moved = tuple(a - b for a, b in zip(after, before))
            new = f"{indent}(&[{args_text}], {_rust_escape(reply)}, {moved[0]}, {moved[1]}, {moved[2]}),"
        if new != line:
            changed.append((i, line, new))
    if conn:
        conn.close()
    counters.conn.call_raw("FLUSHDB")
    counters.conn.close()
    return lines, changed


def test_rust_vectors_match_redis(redis_server):
    lines, changed = replay_vectors(redis_server.port)
    assert sum(1 for l in lines if _CASE.match(l)) > 350
    shown = "\n".join(f"line {i + 1}:\n  recorded: {old.strip()}\n  redis:    {new.strip()}" for i, old, new in changed[:20])
    assert not changed, f"{len(changed)} vectors differ from redis-server:\n{shown}"


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "--record":
        sys.exit("usage: test_differential_geo.py --record PORT  (a redis-server 7.0 on PORT)")
    lines, changed = replay_vectors(int(sys.argv[2]))
    for i, _, new in changed:
        lines[i] = new
    VECTORS.write_text("\n".join(lines))
    print(f"re-recorded {len(changed)} vectors in {VECTORS}")
