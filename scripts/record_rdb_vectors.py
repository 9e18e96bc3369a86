#!/usr/bin/env python3
"""Record DUMP payloads from a live redis-server into engine/src/rdb/vectors.rs.

Each vector is a key built by a few commands, the payload Redis's DUMP returned for it, and
the OBJECT ENCODING Redis reports for a key RESTOREd from it. The Rust tests decode every payload, compare it with
the same key built in Ferrite, and check Ferrite's own DUMP: byte for byte where `exact`
(no LZF-compressed part, whose bytes depend on the compressor's choices), by value otherwise.

usage: scripts/record_rdb_vectors.py PORT > engine/src/rdb/vectors.rs
"""
import sys

import redis

BIG_LIST = [f"item:{i}" for i in range(2000)]
COMPRESSIBLE_LIST = ["x" * 40 + str(i) for i in range(3000)]


def cases():
    """(name, exact, config, commands)"""
    yield "string_int", True, {}, [["set", "k", "12345"]]
    yield "string_int_negative", True, {}, [["set", "k", "-7"]]
    yield "string_int_64bit", True, {}, [["set", "k", "123456789012345"]]
    yield "string_short", True, {}, [["set", "k", "hello world"]]
    yield "string_empty", True, {}, [["set", "k", ""]]
    yield "string_not_canonical_int", True, {}, [["set", "k", "007"]]
    yield "string_lzf", False, {}, [["set", "k", "a" * 100 + "b" * 50]]
    yield "string_binary", True, {}, [["set", "k", "\0\n\r\x01\x7f tail"]]
    yield "string_appended", False, {}, [["set", "k", "abc"], ["append", "k", "defghijklmnopqrstuvwxyz" * 3]]
    yield "hyperloglog", False, {}, [["pfadd", "k", "a", "b", "c", "d"]]
    yield "list_small", True, {}, [["rpush", "k", "a", "1", "-2", "300", "70000", "5000000000", "text"]]
    yield "list_two_nodes", False, {}, [["rpush", "k", *BIG_LIST]]
    yield "list_compressed_nodes", False, {"list-compress-depth": "1"}, [["rpush", "k", *COMPRESSIBLE_LIST]]
    yield "set_intset", True, {}, [["sadd", "k", "1", "2", "3", "-100", "70000"]]
    yield "set_intset_64bit", True, {}, [["sadd", "k", "1", "5000000000", "-5000000000"]]
    yield "set_hashtable", False, {}, [["sadd", "k", "a", "b", "c"]]
    yield "zset_listpack", True, {}, [["zadd", "k", "1", "a", "2.5", "b", "-inf", "c", "inf", "d", "1e300", "e", "-3", "f"]]
    yield "zset_skiplist", False, {}, [["zadd", "k", *[x for i in range(200) for x in (str(i * 0.5), f"m{i}")]]]
    yield "hash_listpack", True, {}, [["hset", "k", "f", "v", "n", "1", "neg", "-20000"]]
    yield "hash_hashtable_long_value", False, {}, [["hset", "k", "f", "v" * 100, "g", "w"]]
    yield "hash_hashtable_many", False, {}, [["hset", "k", *[x for i in range(600) for x in (f"f{i}", str(i))]]]
    yield "stream_simple", False, {}, [
        ["xadd", "k", "1-1", "a", "1"],
        ["xadd", "k", "1-2", "a", "2"],
        ["xadd", "k", "2-0", "b", "x", "c", "y"],
    ]
    yield "stream_deleted_and_group", False, {}, [
        ["xadd", "k", "1-1", "a", "1"],
        ["xadd", "k", "1-2", "a", "2"],
        ["xadd", "k", "2-0", "b", "x"],
        ["xdel", "k", "1-2"],
        ["xgroup", "create", "k", "g", "0"],
        ["xgroup", "create", "k", "h", "$"],
        ["xreadgroup", "group", "g", "alice", "count", "1", "streams", "k", ">"],
        ["xgroup", "createconsumer", "k", "g", "bob"],
    ]
    yield "stream_empty", False, {}, [["xadd", "k", "5-5", "a", "1"], ["xdel", "k", "5-5"]]
    yield "stream_many_nodes", False, {}, [["xadd", "k", f"{i}-0", "field", str(i)] for i in range(1, 251)]


def rust_str(s):
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\0":
            out.append("\\0")
        elif 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            out.append("\\x%02x" % ord(ch))
    return '"' + "".join(out) + '"'


def main():
    port = int(sys.argv[1])
    r = redis.Redis(port=port)
    print("//! DUMP payloads recorded from redis-server 7.0.15 by `scripts/record_rdb_vectors.py`:")
    print("//! each key's commands, its DUMP (hex) and the OBJECT ENCODING of that payload RESTOREd. See `tests.rs`.")
    print("//! Regenerate rather than edit. Kept out of rustfmt: one vector per entry.")
    print()
    print("pub struct Vector {")
    print("    pub name: &'static str,")
    print("    /// Ferrite's DUMP must give these very bytes (no LZF part).")
    print("    pub exact: bool,")
    print("    pub commands: &'static [&'static [&'static str]],")
    print("    pub encoding: &'static str,")
    print("    pub payload_hex: &'static str,")
    print("}")
    print()
    print("#[rustfmt::skip]")
    print("pub static VECTORS: &[Vector] = &[")
    for name, exact, config, commands in cases():
        r.flushall()
        saved = {k: r.config_get(k)[k] for k in config}
        for k, v in config.items():
            r.config_set(k, v)
        for cmd in commands:
            r.execute_command(*cmd)
        payload = r.dump("k")
        r.restore("restored", 0, payload)
        encoding = r.object("encoding", "restored").decode()
        for k, v in saved.items():
            r.config_set(k, v)
        cmds = ", ".join("&[" + ", ".join(rust_str(a) for a in c) + "]" for c in commands)
        print(f"    Vector {{ name: {rust_str(name)}, exact: {'true' if exact else 'false'}, "
              f"encoding: {rust_str(encoding)}, commands: &[{cmds}], payload_hex: \"{payload.hex()}\" }},")
    print("];")
    r.flushall()


if __name__ == "__main__":
    main()
