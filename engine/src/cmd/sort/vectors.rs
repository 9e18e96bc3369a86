//! SORT and SORT_RO vectors recorded from redis-server 7.0.15: each line is a command, the
//! exact reply bytes, and how much it moved the dirty, keyspace-hit and keyspace-miss
//! counters (`expect` in `tests.rs` runs them). Each test starts from an empty database.
//!
//! `tests/py/test_differential_sort.py` replays every line against a live redis-server and
//! fails if a recorded reply or counter is no longer what Redis answers; run it as a script
//! (`python3 tests/py/test_differential_sort.py --record PORT`) to re-record this file after
//! adding lines (write the new reply as `""`). Kept out of rustfmt: one line per vector.
//!
//! A numeric parse that fails with `ERANGE` leaves `errno` set in Redis and, since SORT never
//! clears it, can fail later SORTs on the same server thread until some other call resets it:
//! so each refused number has a test of its own (the replay opens a connection per test).

use super::tests::expect;
use crate::testing::client;

#[rustfmt::skip]
#[test]
fn options_limits_and_errors() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "3", "1", "2", "10", "-5", "1.5"], ":6\r\n", 6, 0, 0),
            (&["sort", "l"], "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n", 0, 1, 0),
            (&["sort", "l", "desc"], "*6\r\n$2\r\n10\r\n$1\r\n3\r\n$1\r\n2\r\n$3\r\n1.5\r\n$1\r\n1\r\n$2\r\n-5\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n3\r\n", 0, 1, 0),
            (&["sort", "l", "alpha", "desc"], "*6\r\n$1\r\n3\r\n$1\r\n2\r\n$2\r\n10\r\n$3\r\n1.5\r\n$1\r\n1\r\n$2\r\n-5\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "1", "2"], "*2\r\n$1\r\n1\r\n$3\r\n1.5\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "1"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["sort", "l", "limit", "a", "2"], "-ERR value is not an integer or out of range\r\n", 0, 0, 0),
            (&["sort", "l", "limit", "1", "b"], "-ERR value is not an integer or out of range\r\n", 0, 0, 0),
            (&["sort", "l", "limit", "-1", "2"], "*2\r\n$2\r\n-5\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "2", "-1"], "*4\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "10", "2"], "*0\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "0"], "*0\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "2", "9223372036854775807"], "*4\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "9223372036854775807", "9223372036854775807"], "*0\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "-9223372036854775808", "2"], "*2\r\n$2\r\n-5\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "-9223372036854775808"], "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "1", "1", "limit", "2", "1"], "*1\r\n$3\r\n1.5\r\n", 0, 1, 0),
            (&["sort", "l", "ASC", "desc", "alpha", "ALPHA"], "*6\r\n$1\r\n3\r\n$1\r\n2\r\n$2\r\n10\r\n$3\r\n1.5\r\n$1\r\n1\r\n$2\r\n-5\r\n", 0, 1, 0),
            (&["sort", "l", "LiMiT", "01", "1"], "-ERR value is not an integer or out of range\r\n", 0, 0, 0),
            (&["sort", "l", "limit", "+1", "1"], "-ERR value is not an integer or out of range\r\n", 0, 0, 0),
            (&["sort", "l", "limit", "9223372036854775808", "1"], "-ERR value is not an integer or out of range\r\n", 0, 0, 0),
            (&["sort", "l", "bogus"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["sort", "l", "store"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["sort_ro", "l", "store", "d"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["sort", "l", "get"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["sort", "l", "by"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["sort", "l", "desc", "asc"], "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n", 0, 1, 0),
            (&["sort", "l", "desc\0x"], "*6\r\n$2\r\n10\r\n$1\r\n3\r\n$1\r\n2\r\n$3\r\n1.5\r\n$1\r\n1\r\n$2\r\n-5\r\n", 0, 1, 0),
            (&["sort", "l", "limit\0", "0", "1"], "*1\r\n$2\r\n-5\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "a", "b", "bogus"], "-ERR value is not an integer or out of range\r\n", 0, 0, 0),
            (&["sort", "l", "bogus", "limit", "a", "b"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["sort", "l", "alpha", "limit", "0"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["set", "s", "foo"], "+OK\r\n", 1, 0, 0),
            (&["sort", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["sort", "s", "by", "nosort"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["sort", "s", "limit", "a", "1"], "-ERR value is not an integer or out of range\r\n", 0, 0, 0),
            (&["sort_ro", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["sort_ro", "s", "bogus"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["sort", "missing"], "*0\r\n", 0, 0, 1),
            (&["sort", "missing", "store", "d"], ":0\r\n", 0, 0, 1),
            (&["sort_ro", "missing"], "*0\r\n", 0, 0, 1),
            (&["sort_ro", "missing", "by", "w_*", "get", "#"], "*0\r\n", 0, 0, 1),
            (&["sort_ro", "l"], "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n", 0, 1, 0),
            (&["sort_ro", "l", "desc", "limit", "0", "2", "alpha"], "*2\r\n$1\r\n3\r\n$1\r\n2\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn store() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "3", "1", "2", "10", "-5", "1.5"], ":6\r\n", 6, 0, 0),
            (&["sort", "l", "store", "dst"], ":6\r\n", 6, 1, 0),
            (&["lrange", "dst", "0", "-1"], "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n", 0, 1, 0),
            (&["type", "dst"], "+list\r\n", 0, 1, 0),
            (&["object", "encoding", "dst"], "$9\r\nquicklist\r\n", 0, 1, 0),
            (&["set", "d2", "x"], "+OK\r\n", 1, 0, 0),
            (&["expire", "d2", "100"], ":1\r\n", 1, 0, 0),
            (&["sort", "l", "desc", "store", "d2"], ":6\r\n", 6, 1, 0),
            (&["ttl", "d2"], ":-1\r\n", 0, 1, 0),
            (&["lrange", "d2", "0", "-1"], "*6\r\n$2\r\n10\r\n$1\r\n3\r\n$1\r\n2\r\n$3\r\n1.5\r\n$1\r\n1\r\n$2\r\n-5\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "2", "store", "d2"], ":2\r\n", 2, 1, 0),
            (&["lrange", "d2", "0", "-1"], "*2\r\n$2\r\n-5\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "10", "2", "store", "d2"], ":0\r\n", 1, 1, 0),
            (&["exists", "d2"], ":0\r\n", 0, 0, 1),
            (&["sort", "l", "limit", "10", "2", "store", "d2"], ":0\r\n", 0, 1, 0),
            (&["sort", "missing", "store", "dst"], ":0\r\n", 1, 0, 1),
            (&["exists", "dst"], ":0\r\n", 0, 0, 1),
            (&["sort", "l", "store", "l"], ":6\r\n", 6, 1, 0),
            (&["lrange", "l", "0", "-1"], "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n", 0, 1, 0),
            (&["sort", "l", "get", "nokey_*", "store", "d3"], ":6\r\n", 6, 1, 6),
            (&["lrange", "d3", "0", "-1"], "*6\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n", 0, 1, 0),
            (&["sort", "l", "get", "#", "get", "nokey_*", "store", "d3"], ":12\r\n", 12, 1, 6),
            (&["llen", "d3"], ":12\r\n", 0, 1, 0),
            (&["lrange", "d3", "0", "3"], "*4\r\n$2\r\n-5\r\n$0\r\n\r\n$1\r\n1\r\n$0\r\n\r\n", 0, 1, 0),
            (&["sadd", "st", "1"], ":1\r\n", 1, 0, 0),
            (&["sort", "l", "store", "st"], ":6\r\n", 6, 1, 0),
            (&["type", "st"], "+list\r\n", 0, 1, 0),
            (&["sort", "l", "alpha", "store", "dst", "by", "nosort"], ":6\r\n", 6, 1, 0),
            (&["lrange", "dst", "0", "-1"], "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$3\r\n1.5\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort", "desc", "limit", "1", "2", "store", "dst"], ":2\r\n", 2, 1, 0),
            (&["lrange", "dst", "0", "-1"], "*2\r\n$1\r\n3\r\n$1\r\n2\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn by_nosort_keeps_native_order() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "3", "1", "2", "10", "-5", "1.5"], ":6\r\n", 6, 0, 0),
            (&["sort", "l", "by", "nosort"], "*6\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n$2\r\n10\r\n$2\r\n-5\r\n$3\r\n1.5\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort", "desc"], "*6\r\n$3\r\n1.5\r\n$2\r\n-5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort", "limit", "1", "2"], "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort", "desc", "limit", "1", "2"], "*2\r\n$2\r\n-5\r\n$2\r\n10\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort", "limit", "5", "10"], "*1\r\n$3\r\n1.5\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort", "desc", "limit", "5", "10"], "*1\r\n$1\r\n3\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort", "limit", "6", "1"], "*0\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort", "limit", "-1", "-1"], "*6\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n$2\r\n10\r\n$2\r\n-5\r\n$3\r\n1.5\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort", "alpha", "desc"], "*6\r\n$3\r\n1.5\r\n$2\r\n-5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n", 0, 1, 0),
            (&["sort", "l", "by", "x\0*"], "*6\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n$2\r\n10\r\n$2\r\n-5\r\n$3\r\n1.5\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort", "get", "#", "get", "nope_*"], "*12\r\n$1\r\n3\r\n$-1\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n$-1\r\n$2\r\n10\r\n$-1\r\n$2\r\n-5\r\n$-1\r\n$3\r\n1.5\r\n$-1\r\n", 0, 1, 6),
            (&["sort", "l", "by", "#", "desc"], "*6\r\n$3\r\n1.5\r\n$2\r\n-5\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n", 0, 1, 0),
            (&["zadd", "z2", "1", "3", "2", "1", "3", "2"], ":3\r\n", 3, 0, 0),
            (&["sort", "z2"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", 0, 1, 0),
            (&["sort", "z2", "by", "nosort"], "*3\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n", 0, 1, 0),
            (&["sort", "z2", "by", "nosort", "desc"], "*3\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n", 0, 1, 0),
            (&["sort", "z2", "by", "nosort", "limit", "1", "1"], "*1\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["sort", "z2", "by", "nosort", "desc", "limit", "1", "5"], "*2\r\n$1\r\n1\r\n$1\r\n3\r\n", 0, 1, 0),
            (&["sort", "z2", "by", "nosort", "limit", "3", "5"], "*0\r\n", 0, 1, 0),
            (&["sort", "z2", "by", "nosort", "desc", "limit", "0", "1"], "*1\r\n$1\r\n2\r\n", 0, 1, 0),
            (&["sort", "z2", "by", "nosort", "store", "zd"], ":3\r\n", 3, 1, 0),
            (&["lrange", "zd", "0", "-1"], "*3\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n", 0, 1, 0),
            (&["sort", "z2", "by", "nosort", "desc", "limit", "1", "1", "store", "zd"], ":1\r\n", 1, 1, 0),
            (&["lrange", "zd", "0", "-1"], "*1\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["sort", "z2", "by", "nosort", "get", "#", "get", "nope_*"], "*6\r\n$1\r\n3\r\n$-1\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n$-1\r\n", 0, 1, 3),
            (&["sadd", "s", "5", "3", "9", "1"], ":4\r\n", 4, 0, 0),
            (&["sort", "s", "by", "nosort"], "*4\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n9\r\n", 0, 1, 0),
            (&["sort", "s", "by", "nosort", "desc"], "*4\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n9\r\n", 0, 1, 0),
            (&["sort", "s", "by", "nosort", "limit", "1", "2"], "*2\r\n$1\r\n3\r\n$1\r\n5\r\n", 0, 1, 0),
            (&["sort", "s", "by", "nosort", "store", "sd"], ":4\r\n", 4, 1, 0),
            (&["lrange", "sd", "0", "-1"], "*4\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n$1\r\n9\r\n", 0, 1, 0),
            (&["sort", "s", "by", "nosort", "desc", "store", "sd"], ":4\r\n", 4, 1, 0),
            (&["lrange", "sd", "0", "-1"], "*4\r\n$1\r\n9\r\n$1\r\n5\r\n$1\r\n3\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["sort", "s", "by", "nosort", "limit", "1", "2", "store", "sd"], ":2\r\n", 2, 1, 0),
            (&["lrange", "sd", "0", "-1"], "*2\r\n$1\r\n3\r\n$1\r\n5\r\n", 0, 1, 0),
            (&["sadd", "s2", "b", "a", "c", "10", "9"], ":5\r\n", 5, 0, 0),
            (&["sort", "s2", "by", "nosort", "store", "sd2"], ":5\r\n", 5, 1, 0),
            (&["lrange", "sd2", "0", "-1"], "*5\r\n$2\r\n10\r\n$1\r\n9\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", 0, 1, 0),
            (&["sort", "s2", "by", "nosort", "desc", "get", "#", "store", "sd2"], ":5\r\n", 5, 1, 0),
            (&["lrange", "sd2", "0", "-1"], "*5\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\n9\r\n$2\r\n10\r\n", 0, 1, 0),
            (&["sort", "s2", "by", "nosort", "get", "nokey_*", "store", "sd2"], ":5\r\n", 5, 1, 5),
            (&["lrange", "sd2", "0", "-1"], "*5\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn by_and_get_patterns() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "2", "3"], ":3\r\n", 3, 0, 0),
            (&["mset", "w_1", "30", "w_2", "10", "w_3", "20", "o_1", "one", "o_2", "two"], "+OK\r\n", 5, 0, 0),
            (&["hset", "h_1", "f", "3", "g", "x"], ":2\r\n", 2, 0, 0),
            (&["hset", "h_2", "f", "1"], ":1\r\n", 1, 0, 0),
            (&["hset", "h_3", "f", "2", "g", "z"], ":2\r\n", 2, 0, 0),
            (&["sort", "l", "by", "w_*"], "*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n1\r\n", 0, 4, 0),
            (&["sort", "l", "by", "w_*", "desc"], "*3\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n2\r\n", 0, 4, 0),
            (&["sort", "l", "by", "w_*", "get", "o_*", "get", "#", "get", "h_*->g"], "*9\r\n$3\r\ntwo\r\n$1\r\n2\r\n$-1\r\n$-1\r\n$1\r\n3\r\n$1\r\nz\r\n$3\r\none\r\n$1\r\n1\r\n$1\r\nx\r\n", 0, 9, 1),
            (&["sort", "l", "by", "h_*->f"], "*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n1\r\n", 0, 4, 0),
            (&["sort", "l", "by", "h_*->g", "alpha"], "*3\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n", 0, 4, 0),
            (&["sort", "l", "by", "h_*->g"], "-ERR One or more scores can't be converted into double\r\n", 0, 4, 0),
            (&["sort", "l", "by", "w_*", "limit", "0", "1", "get", "o_*"], "*1\r\n$3\r\ntwo\r\n", 0, 5, 0),
            (&["sort", "l", "get", "nostar"], "*3\r\n$-1\r\n$-1\r\n$-1\r\n", 0, 1, 0),
            (&["sort", "l", "get", "#"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nostar", "get", "#", "get", "o_*"], "*6\r\n$1\r\n1\r\n$3\r\none\r\n$1\r\n2\r\n$3\r\ntwo\r\n$1\r\n3\r\n$-1\r\n", 0, 3, 1),
            (&["sort", "l", "get", "#\0x"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", 0, 1, 0),
            (&["sort", "l", "get", "o_\0*"], "*3\r\n$-1\r\n$-1\r\n$-1\r\n", 0, 1, 0),
            (&["sort", "l", "by", "h_*->"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", 0, 1, 3),
            (&["sort", "l", "by", "h_*->"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", 0, 1, 3),
            (&["sort", "l", "by", "h_->*"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", 0, 1, 3),
            (&["set", "x_", "5"], "+OK\r\n", 1, 0, 0),
            (&["sort", "l", "by", "*->"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", 0, 1, 3),
            (&["sort", "l", "get", "h_*->f"], "*3\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n", 0, 4, 0),
            (&["sort", "l", "get", "h_*->g"], "*3\r\n$1\r\nx\r\n$-1\r\n$1\r\nz\r\n", 0, 4, 0),
            (&["sort", "l", "get", "w_*->f"], "*3\r\n$-1\r\n$-1\r\n$-1\r\n", 0, 4, 0),
            (&["sort", "l", "get", "h_*"], "*3\r\n$-1\r\n$-1\r\n$-1\r\n", 0, 4, 0),
            (&["sort", "l", "by", "w_*-"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", 0, 1, 3),
            (&["sort", "l", "by", "w_*", "get", "h_*->f->g"], "*3\r\n$-1\r\n$-1\r\n$-1\r\n", 0, 7, 0),
            (&["hset", "hh_1", "f->g", "7"], ":1\r\n", 1, 0, 0),
            (&["sort", "l", "get", "hh_*->f->g"], "*3\r\n$1\r\n7\r\n$-1\r\n$-1\r\n", 0, 2, 2),
            (&["hset", "hz_2", "f\0g", "nul"], ":1\r\n", 1, 0, 0),
            (&["sort", "l", "get", "hz_*->f\0g"], "*3\r\n$-1\r\n$3\r\nnul\r\n$-1\r\n", 0, 2, 2),
            (&["sort", "l", "get", "hz_*->f"], "*3\r\n$-1\r\n$-1\r\n$-1\r\n", 0, 2, 2),
            (&["mset", "1", "c", "2", "a", "3", "b"], "+OK\r\n", 3, 0, 0),
            (&["sort", "l", "by", "*", "alpha"], "*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n1\r\n", 0, 4, 0),
            (&["sort", "l", "by", "*", "alpha", "get", "*"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", 0, 7, 0),
            (&["sort", "l", "by", "*", "desc", "alpha", "get", "*", "get", "#"], "*6\r\n$1\r\nc\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n3\r\n$1\r\na\r\n$1\r\n2\r\n", 0, 7, 0),
            (&["mset", "p_1_q", "3", "p_2_q", "2", "p_3_q", "1"], "+OK\r\n", 3, 0, 0),
            (&["sort", "l", "by", "p_*_q"], "*3\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n", 0, 4, 0),
            (&["sort", "l", "by", "p_*_q", "get", "p_*_q"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", 0, 7, 0),
            (&["sort", "l", "by", "p_*_*"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", 0, 1, 3),
            (&["mset", "p_1_*", "9", "p_2_*", "8"], "+OK\r\n", 2, 0, 0),
            (&["sort", "l", "by", "p_*_*", "get", "p_*_*"], "*3\r\n$-1\r\n$1\r\n8\r\n$1\r\n9\r\n", 0, 5, 2),
            (&["rpush", "lw", "1", "2", "3"], ":3\r\n", 3, 0, 0),
            (&["sort", "l", "by", "lw", "get", "lw_*"], "*3\r\n$-1\r\n$-1\r\n$-1\r\n", 0, 1, 3),
            (&["sort", "l", "by", "w_*", "store", "dst"], ":3\r\n", 3, 4, 0),
            (&["ttl", "dst"], ":-1\r\n", 0, 1, 0),
            (&["sort", "l", "by", "w_*", "get", "o_*", "store", "dst2"], ":3\r\n", 3, 6, 1),
            (&["lrange", "dst2", "0", "-1"], "*3\r\n$3\r\ntwo\r\n$0\r\n\r\n$3\r\none\r\n", 0, 1, 0),
            (&["sort", "l", "by", "w_*", "get", "o_*", "store", "dst2"], ":3\r\n", 3, 6, 1),
            (&["sort", "l", "by", "w_*", "get", "o_*", "get", "#", "store", "dst2"], ":6\r\n", 6, 6, 1),
            (&["lrange", "dst2", "0", "-1"], "*6\r\n$3\r\ntwo\r\n$1\r\n2\r\n$0\r\n\r\n$1\r\n3\r\n$3\r\none\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["sort_ro", "l", "by", "w_*", "get", "o_*", "get", "#"], "*6\r\n$3\r\ntwo\r\n$1\r\n2\r\n$-1\r\n$1\r\n3\r\n$3\r\none\r\n$1\r\n1\r\n", 0, 6, 1),
            (&["sort", "l", "by", "w_*", "get", "#", "get", "#", "limit", "1", "1"], "*2\r\n$1\r\n3\r\n$1\r\n3\r\n", 0, 4, 0),
            (&["mset", "w_1", "x"], "+OK\r\n", 1, 0, 0),
            (&["sort", "l", "by", "w_*"], "-ERR One or more scores can't be converted into double\r\n", 0, 4, 0),
            (&["sort", "l", "by", "w_*", "alpha"], "*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n1\r\n", 0, 4, 0),
            (&["sort", "l", "by", "w_*", "alpha", "desc"], "*3\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n2\r\n", 0, 4, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn missing_weights_and_ties() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "c", "a", "b", "3", "1", "2"], ":6\r\n", 6, 0, 0),
            (&["sort", "l", "by", "nokey_*"], "*6\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", 0, 1, 6),
            (&["sort", "l", "by", "nokey_*", "desc"], "*6\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n", 0, 1, 6),
            (&["sort", "l", "by", "nokey_*", "alpha"], "*6\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n", 0, 1, 6),
            (&["sort", "l", "by", "nokey_*", "alpha", "desc"], "*6\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n", 0, 1, 6),
            (&["sort", "l", "by", "nokey_*", "alpha", "limit", "0", "2"], "*2\r\n$1\r\nc\r\n$1\r\na\r\n", 0, 1, 6),
            (&["sort", "l", "by", "nokey_*", "alpha", "limit", "1", "2"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n", 0, 1, 6),
            (&["mset", "w_a", "1", "w_c", "1", "w_3", "1", "w_b", "0"], "+OK\r\n", 4, 0, 0),
            (&["sort", "l", "by", "w_*"], "*6\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n3\r\n$1\r\na\r\n$1\r\nc\r\n", 0, 5, 2),
            (&["sort", "l", "by", "w_*", "desc"], "*6\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\n1\r\n", 0, 5, 2),
            (&["sort", "l", "by", "w_*", "alpha"], "*6\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\n3\r\n", 0, 5, 2),
            (&["sort", "l", "by", "w_*", "alpha", "desc"], "*6\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n1\r\n$1\r\n2\r\n", 0, 5, 2),
            (&["sort", "l", "by", "w_*", "alpha", "limit", "2", "2"], "*2\r\n$1\r\nb\r\n$1\r\nc\r\n", 0, 5, 2),
            (&["sort", "l", "by", "w_*", "alpha", "store", "d"], ":6\r\n", 6, 5, 2),
            (&["lrange", "d", "0", "-1"], "*6\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\n3\r\n", 0, 1, 0),
            (&["rpush", "p", "9", "8", "7", "6", "5", "4", "3", "2", "1", "0", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z"], ":36\r\n", 36, 0, 0),
            (&["sort", "p", "by", "nokey_*", "alpha", "limit", "0", "5"], "*5\r\n$1\r\nz\r\n$1\r\n8\r\n$1\r\n7\r\n$1\r\n6\r\n$1\r\n5\r\n", 0, 1, 36),
            (&["sort", "p", "by", "nokey_*", "alpha", "limit", "3", "5"], "*5\r\n$1\r\n6\r\n$1\r\n5\r\n$1\r\n4\r\n$1\r\n3\r\n$1\r\n2\r\n", 0, 1, 36),
            (&["sort", "p", "by", "nokey_*", "alpha", "limit", "0", "100"], "*36\r\n$1\r\n9\r\n$1\r\n8\r\n$1\r\n7\r\n$1\r\n6\r\n$1\r\n5\r\n$1\r\n4\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n0\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n$1\r\nh\r\n$1\r\ni\r\n$1\r\nj\r\n$1\r\nk\r\n$1\r\nl\r\n$1\r\nm\r\n$1\r\nn\r\n$1\r\no\r\n$1\r\np\r\n$1\r\nq\r\n$1\r\nr\r\n$1\r\ns\r\n$1\r\nt\r\n$1\r\nu\r\n$1\r\nv\r\n$1\r\nw\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n", 0, 1, 36),
            (&["sort", "p", "by", "nokey_*", "alpha", "desc", "limit", "10", "10"], "*10\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n$1\r\nh\r\n$1\r\ni\r\n$1\r\nj\r\n", 0, 1, 36),
            (&["sort", "p", "by", "nokey_*", "alpha", "limit", "30", "10"], "*6\r\n$1\r\nu\r\n$1\r\nv\r\n$1\r\nw\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\n9\r\n", 0, 1, 36),
            (&["sort", "p", "by", "nokey_*", "limit", "7", "7"], "*7\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n", 0, 1, 36),
            (&["sort", "p", "by", "nokey_*", "alpha", "limit", "35", "1"], "*1\r\n$1\r\n9\r\n", 0, 1, 36),
            (&["sort", "p", "by", "nokey_*", "alpha", "limit", "-5", "3"], "*3\r\n$1\r\nz\r\n$1\r\n8\r\n$1\r\n7\r\n", 0, 1, 36),
            (&["sort", "p", "by", "nokey_*", "alpha", "limit", "36", "1"], "*0\r\n", 0, 1, 36),
            (&["sort", "p", "by", "nokey_*", "alpha", "limit", "0", "0"], "*0\r\n", 0, 1, 36),
            (&["mset", "w_9", "b", "w_8", "a", "w_7", "b", "w_z", "a", "w_y", "b"], "+OK\r\n", 5, 0, 0),
            (&["sort", "p", "by", "w_*", "alpha", "limit", "0", "6"], "*6\r\n$1\r\nu\r\n$1\r\nw\r\n$1\r\nx\r\n$1\r\n6\r\n$1\r\n5\r\n$1\r\n4\r\n", 0, 10, 27),
            (&["sort", "p", "by", "w_*", "alpha", "desc", "limit", "2", "6"], "*6\r\n$1\r\n7\r\n$1\r\nz\r\n$1\r\n8\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\na\r\n", 0, 10, 27),
            (&["sort", "p", "by", "w_*", "alpha", "limit", "20", "6", "store", "d"], ":6\r\n", 6, 10, 27),
            (&["lrange", "d", "0", "-1"], "*6\r\n$1\r\nk\r\n$1\r\nl\r\n$1\r\nm\r\n$1\r\nn\r\n$1\r\no\r\n$1\r\np\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn alpha_and_collation() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "b", "A", "a_b", "aB", "Ab", "a~b", "10", "9", "-1"], ":9\r\n", 9, 0, 0),
            (&["sort", "l", "alpha"], "*9\r\n$2\r\n-1\r\n$2\r\n10\r\n$1\r\n9\r\n$1\r\nA\r\n$2\r\nAb\r\n$2\r\naB\r\n$3\r\na_b\r\n$3\r\na~b\r\n$1\r\nb\r\n", 0, 1, 0),
            (&["sort", "l", "alpha", "desc"], "*9\r\n$1\r\nb\r\n$3\r\na~b\r\n$3\r\na_b\r\n$2\r\naB\r\n$2\r\nAb\r\n$1\r\nA\r\n$1\r\n9\r\n$2\r\n10\r\n$2\r\n-1\r\n", 0, 1, 0),
            (&["sort", "l", "alpha", "store", "d"], ":9\r\n", 9, 1, 0),
            (&["lrange", "d", "0", "-1"], "*9\r\n$2\r\n-1\r\n$2\r\n10\r\n$1\r\n9\r\n$1\r\nA\r\n$2\r\nAb\r\n$2\r\naB\r\n$3\r\na_b\r\n$3\r\na~b\r\n$1\r\nb\r\n", 0, 1, 0),
            (&["sort", "l", "alpha", "limit", "2", "3"], "*3\r\n$1\r\n9\r\n$1\r\nA\r\n$2\r\nAb\r\n", 0, 1, 0),
            (&["rpush", "n", "a\0b", "a\0a", "a\0c", "a", "a\0"], ":5\r\n", 5, 0, 0),
            (&["sort", "n", "alpha"], "*5\r\n$3\r\na\0b\r\n$3\r\na\0a\r\n$3\r\na\0c\r\n$1\r\na\r\n$2\r\na\0\r\n", 0, 1, 0),
            (&["sort", "n", "alpha", "desc"], "*5\r\n$3\r\na\0b\r\n$3\r\na\0a\r\n$3\r\na\0c\r\n$1\r\na\r\n$2\r\na\0\r\n", 0, 1, 0),
            (&["sort", "n", "alpha", "store", "d2"], ":5\r\n", 5, 1, 0),
            (&["lrange", "d2", "0", "-1"], "*5\r\n$1\r\na\r\n$2\r\na\0\r\n$3\r\na\0a\r\n$3\r\na\0b\r\n$3\r\na\0c\r\n", 0, 1, 0),
            (&["sort", "n", "alpha", "desc", "store", "d2"], ":5\r\n", 5, 1, 0),
            (&["lrange", "d2", "0", "-1"], "*5\r\n$3\r\na\0c\r\n$3\r\na\0b\r\n$3\r\na\0a\r\n$2\r\na\0\r\n$1\r\na\r\n", 0, 1, 0),
            (&["sort", "n", "alpha", "limit", "1", "2"], "*2\r\n$3\r\na\0a\r\n$3\r\na\0c\r\n", 0, 1, 0),
            (&["mset", "k_1", "x\0b", "k_2", "x\0a", "k_3", "x"], "+OK\r\n", 3, 0, 0),
            (&["rpush", "m", "1", "2", "3"], ":3\r\n", 3, 0, 0),
            (&["sort", "m", "by", "k_*", "alpha"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", 0, 4, 0),
            (&["sort", "m", "by", "k_*", "alpha", "store", "d3"], ":3\r\n", 3, 4, 0),
            (&["lrange", "d3", "0", "-1"], "*3\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["sort", "m", "by", "k_*", "alpha", "desc"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", 0, 4, 0),
            (&["sort", "m", "by", "k_*", "alpha", "desc", "limit", "0", "2"], "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", 0, 4, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_parse() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "d", "inf", "-inf", "0x10", " 5", "", "0x1p-2", "1e2", ".5", "5.", "+3", "-0", "0", "0.0", "1E1", "0X1P3", "\t7", "\n8", "Infinity", "-INF"], ":19\r\n", 19, 0, 0),
            (&["sort", "d"], "*19\r\n$4\r\n-INF\r\n$4\r\n-inf\r\n$0\r\n\r\n$2\r\n-0\r\n$1\r\n0\r\n$3\r\n0.0\r\n$6\r\n0x1p-2\r\n$2\r\n.5\r\n$2\r\n+3\r\n$2\r\n 5\r\n$2\r\n5.\r\n$2\r\n\x097\r\n$2\r\n\n8\r\n$5\r\n0X1P3\r\n$3\r\n1E1\r\n$4\r\n0x10\r\n$3\r\n1e2\r\n$8\r\nInfinity\r\n$3\r\ninf\r\n", 0, 1, 0),
            (&["sort", "d", "desc"], "*19\r\n$3\r\ninf\r\n$8\r\nInfinity\r\n$3\r\n1e2\r\n$4\r\n0x10\r\n$3\r\n1E1\r\n$5\r\n0X1P3\r\n$2\r\n\n8\r\n$2\r\n\x097\r\n$2\r\n5.\r\n$2\r\n 5\r\n$2\r\n+3\r\n$2\r\n.5\r\n$6\r\n0x1p-2\r\n$3\r\n0.0\r\n$1\r\n0\r\n$2\r\n-0\r\n$0\r\n\r\n$4\r\n-inf\r\n$4\r\n-INF\r\n", 0, 1, 0),
            (&["sort", "d", "limit", "3", "4"], "*4\r\n$2\r\n-0\r\n$1\r\n0\r\n$3\r\n0.0\r\n$6\r\n0x1p-2\r\n", 0, 1, 0),
            (&["rpush", "h", "1\0zz", "0", "\0x"], ":3\r\n", 3, 0, 0),
            (&["sort", "h"], "*3\r\n$2\r\n\0x\r\n$1\r\n0\r\n$4\r\n1\0zz\r\n", 0, 1, 0),
            (&["rpush", "j", "2.2250738585072014e-308", "0x1p-1070", "0x1p-1074", "0e-400", "1e308"], ":5\r\n", 5, 0, 0),
            (&["sort", "j"], "*5\r\n$6\r\n0e-400\r\n$9\r\n0x1p-1074\r\n$9\r\n0x1p-1070\r\n$23\r\n2.2250738585072014e-308\r\n$5\r\n1e308\r\n", 0, 1, 0),
            (&["sort", "j", "desc"], "*5\r\n$5\r\n1e308\r\n$23\r\n2.2250738585072014e-308\r\n$9\r\n0x1p-1070\r\n$9\r\n0x1p-1074\r\n$6\r\n0e-400\r\n", 0, 1, 0),
            (&["rpush", "big", "9007199254740993", "9007199254740992", "-9223372036854775808", "9223372036854775807", "1e19"], ":5\r\n", 5, 0, 0),
            (&["sort", "big"], "*5\r\n$20\r\n-9223372036854775808\r\n$16\r\n9007199254740992\r\n$16\r\n9007199254740993\r\n$19\r\n9223372036854775807\r\n$4\r\n1e19\r\n", 0, 1, 0),
            (&["sort", "big", "desc"], "*5\r\n$4\r\n1e19\r\n$19\r\n9223372036854775807\r\n$16\r\n9007199254740993\r\n$16\r\n9007199254740992\r\n$20\r\n-9223372036854775808\r\n", 0, 1, 0),
            (&["sadd", "s", "10", "-3", "7", "0"], ":4\r\n", 4, 0, 0),
            (&["sort", "s"], "*4\r\n$2\r\n-3\r\n$1\r\n0\r\n$1\r\n7\r\n$2\r\n10\r\n", 0, 1, 0),
            (&["sort", "s", "desc", "limit", "1", "2"], "*2\r\n$1\r\n7\r\n$1\r\n0\r\n", 0, 1, 0),
            (&["sadd", "s2", "1.5", "abc"], ":2\r\n", 2, 0, 0),
            (&["sort", "s2", "alpha"], "*2\r\n$3\r\n1.5\r\n$3\r\nabc\r\n", 0, 1, 0),
            (&["zadd", "z", "1", "c", "2", "b", "3", "a", "4", "10"], ":4\r\n", 4, 0, 0),
            (&["sort", "z", "alpha"], "*4\r\n$2\r\n10\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", 0, 1, 0),
            (&["sort", "z", "alpha", "desc", "limit", "1", "2"], "*2\r\n$1\r\nb\r\n$1\r\na\r\n", 0, 1, 0),
            (&["zadd", "z2", "5", "1.5", "4", "-2", "3", "0x10"], ":3\r\n", 3, 0, 0),
            (&["sort", "z2"], "*3\r\n$2\r\n-2\r\n$3\r\n1.5\r\n$4\r\n0x10\r\n", 0, 1, 0),
            (&["sort", "z2", "desc"], "*3\r\n$4\r\n0x10\r\n$3\r\n1.5\r\n$2\r\n-2\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_00() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "5 "], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$1\r\n1\r\n$2\r\n5 \r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$2\r\n5 \r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_01() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", " "], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$1\r\n \r\n$1\r\n1\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$1\r\n \r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_02() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "+"], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$1\r\n+\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$1\r\n+\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_03() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "."], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$1\r\n.\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$1\r\n.\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_04() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "1e"], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$1\r\n1\r\n$2\r\n1e\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$2\r\n1e\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_05() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "1e+"], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$1\r\n1\r\n$3\r\n1e+\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$3\r\n1e+\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_06() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "0x"], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$2\r\n0x\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$2\r\n0x\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_07() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "0x1p"], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$4\r\n0x1p\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$4\r\n0x1p\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_08() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "nan"], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$1\r\n1\r\n$3\r\nnan\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$3\r\nnan\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_09() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "-nan(1)"], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$7\r\n-nan(1)\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$7\r\n-nan(1)\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_10() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "infx"], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$1\r\n1\r\n$4\r\ninfx\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$4\r\ninfx\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_11() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "abc"], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$1\r\n1\r\n$3\r\nabc\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$3\r\nabc\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_12() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "1e400"], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$1\r\n1\r\n$5\r\n1e400\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$5\r\n1e400\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_13() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "1e-400"], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$1\r\n1\r\n$6\r\n1e-400\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$6\r\n1e-400\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_14() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "1e-310"], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$1\r\n1\r\n$6\r\n1e-310\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$6\r\n1e-310\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_15() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "4.9e-324"], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$1\r\n1\r\n$8\r\n4.9e-324\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$8\r\n4.9e-324\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_16() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "2.2250738585072011e-308"], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$1\r\n1\r\n$23\r\n2.2250738585072011e-308\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$23\r\n2.2250738585072011e-308\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_17() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "0x1p1024"], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$8\r\n0x1p1024\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$8\r\n0x1p1024\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_18() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "0x1.8p-1074"], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$11\r\n0x1.8p-1074\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$11\r\n0x1.8p-1074\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn numeric_refused_19() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "0x1p-1080"], ":2\r\n", 2, 0, 0),
            (&["sort", "l"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "alpha"], "*2\r\n$9\r\n0x1p-1080\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["sort", "l", "by", "nosort"], "*2\r\n$1\r\n1\r\n$9\r\n0x1p-1080\r\n", 0, 1, 0),
            (&["sort", "l", "limit", "0", "1"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 1, 0),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn weights_refused() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "2"], ":2\r\n", 2, 0, 0),
            (&["set", "w_1", "abc"], "+OK\r\n", 1, 0, 0),
            (&["sort", "l", "by", "w_*"], "-ERR One or more scores can't be converted into double\r\n", 0, 2, 1),
            (&["sort", "l", "by", "w_*", "store", "d"], "-ERR One or more scores can't be converted into double\r\n", 0, 2, 1),
            (&["exists", "d"], ":0\r\n", 0, 0, 1),
            (&["sort", "l", "by", "w_*", "alpha"], "*2\r\n$1\r\n2\r\n$1\r\n1\r\n", 0, 2, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn weights_refused_range() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "2"], ":2\r\n", 2, 0, 0),
            (&["set", "w_2", "1e999"], "+OK\r\n", 1, 0, 0),
            (&["sort", "l", "by", "w_*", "get", "#"], "-ERR One or more scores can't be converted into double\r\n", 0, 2, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn resp3_replies() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["hello", "3"], "*", 0, 0, 0),
            (&["rpush", "l", "1", "2", "3"], ":3\r\n", 3, 0, 0),
            (&["set", "o_2", "two"], "+OK\r\n", 1, 0, 0),
            (&["sort", "l", "get", "o_*", "get", "#"], "*6\r\n_\r\n$1\r\n1\r\n$3\r\ntwo\r\n$1\r\n2\r\n_\r\n$1\r\n3\r\n", 0, 2, 2),
            (&["sort", "l", "by", "nosort", "limit", "0", "1"], "*1\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["sort", "l", "store", "d"], ":3\r\n", 3, 1, 0),
            (&["sort", "missing"], "*0\r\n", 0, 0, 1),
            (&["sort_ro", "l", "get", "nope"], "*3\r\n_\r\n_\r\n_\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn other_types_as_weights() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["rpush", "l", "1", "2", "3"], ":3\r\n", 3, 0, 0),
            (&["rpush", "w_1", "5"], ":1\r\n", 1, 0, 0),
            (&["sadd", "w_2", "5"], ":1\r\n", 1, 0, 0),
            (&["set", "w_3", "5"], "+OK\r\n", 1, 0, 0),
            (&["sort", "l", "by", "w_*"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", 0, 4, 0),
            (&["sort", "l", "by", "w_*", "desc"], "*3\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n", 0, 4, 0),
            (&["sort", "l", "get", "w_*"], "*3\r\n$-1\r\n$-1\r\n$1\r\n5\r\n", 0, 4, 0),
            (&["hset", "w_4", "f", "1"], ":1\r\n", 1, 0, 0),
            (&["sort", "l", "by", "w_*->f", "get", "w_*->f"], "*3\r\n$-1\r\n$-1\r\n$-1\r\n", 0, 7, 0),
            (&["zadd", "zz_1", "1", "a"], ":1\r\n", 1, 0, 0),
            (&["sort", "l", "get", "zz_*->a"], "*3\r\n$-1\r\n$-1\r\n$-1\r\n", 0, 2, 2),
            (&["sort", "l", "by", "zz_*->a"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", 0, 2, 2),
        ],
    );
}
