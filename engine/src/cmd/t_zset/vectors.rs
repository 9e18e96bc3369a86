//! Sorted-set command vectors recorded from redis-server 7.0.15: each line is a command, the
//! exact reply bytes, and how much it moved the dirty, keyspace-hit and keyspace-miss
//! counters (`expect` in `tests.rs` runs them). Each test starts from an empty database.
//!
//! `tests/py/test_differential_zset.py` replays every line against a live redis-server and
//! fails if a recorded reply or counter is no longer what Redis answers; run it as a script
//! (`python3 tests/py/test_differential_zset.py --record PORT`) to re-record this file after
//! adding lines (write the new reply as `""`). Kept out of rustfmt: one line per vector.

use super::tests::expect;
use crate::testing::client;

#[rustfmt::skip]
#[test]
fn zadd_options_and_errors() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["zadd", "z", "1", "a", "2", "b"], ":2\r\n", 2, 0, 0),
            (&["zadd", "z", "xx", "nx", "1", "a"], "-ERR XX and NX options at the same time are not compatible\r\n", 0, 0, 0),
            (&["zadd", "z", "gt", "lt", "1", "a"], "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n", 0, 0, 0),
            (&["zadd", "z", "nx", "gt", "1", "a"], "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n", 0, 0, 0),
            (&["zadd", "z", "nx", "lt", "1", "a"], "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n", 0, 0, 0),
            (&["zadd", "z", "incr", "1", "a", "2", "b"], "-ERR INCR option supports a single increment-element pair\r\n", 0, 0, 0),
            (&["zadd", "z", "1", "a", "2"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zadd", "z", "incr", "nx"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zadd", "z", "xx", "nx", "1", "a", "x"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zadd", "z", "ch", "xx"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zadd", "z", "abc", "a"], "-ERR value is not a valid float\r\n", 0, 0, 0),
            (&["zadd", "z", "1e400", "a"], "-ERR value is not a valid float\r\n", 0, 0, 0),
            (&["zadd", "z", "1e-400", "a"], "-ERR value is not a valid float\r\n", 0, 0, 0),
            (&["zadd", "z", " 1", "sp"], "-ERR value is not a valid float\r\n", 0, 0, 0),
            (&["zadd", "z", "1 ", "sp"], "-ERR value is not a valid float\r\n", 0, 0, 0),
            (&["zadd", "z", "", "e"], "-ERR value is not a valid float\r\n", 0, 0, 0),
            (&["zadd", "z", "nan", "n"], "-ERR value is not a valid float\r\n", 0, 0, 0),
            (&["zadd", "z", "1\0", "a"], "-ERR value is not a valid float\r\n", 0, 0, 0),
            (&["zadd", "z", "0x10", "hex"], ":1\r\n", 1, 0, 0),
            (&["zadd", "z", "infinity", "inf1"], ":1\r\n", 1, 0, 0),
            (&["zadd", "z", "-Infinity", "inf2"], ":1\r\n", 1, 0, 0),
            (&["zadd", "z", "4.9e-324", "den"], ":1\r\n", 1, 0, 0),
            (&["zadd", "z", "-0", "negz"], ":1\r\n", 1, 0, 0),
            (&["zscore", "z", "negz"], "$1\r\n0\r\n", 0, 1, 0),
            (&["zscore", "z", "hex"], "$2\r\n16\r\n", 0, 1, 0),
            (&["zscore", "z", "den"], "$23\r\n4.9406564584124654e-324\r\n", 0, 1, 0),
            (&["zadd", "z", "incr", "inf", "a"], "$3\r\ninf\r\n", 1, 0, 0),
            (&["zadd", "z", "incr", "-inf", "a"], "-ERR resulting score is not a number (NaN)\r\n", 0, 0, 0),
            (&["zadd", "z", "gt", "ch", "0", "a", "5", "b", "7", "c"], ":2\r\n", 2, 0, 0),
            (&["zadd", "z", "lt", "incr", "1", "c"], "$-1\r\n", 0, 0, 0),
            (&["zadd", "z", "gt", "incr", "-1", "c"], "$-1\r\n", 0, 0, 0),
            (&["zadd", "z", "gt", "incr", "1", "c"], "$1\r\n8\r\n", 1, 0, 0),
            (&["zadd", "z", "nx", "incr", "1", "c"], "$-1\r\n", 0, 0, 0),
            (&["zadd", "z", "xx", "incr", "1", "new"], "$-1\r\n", 0, 0, 0),
            (&["zadd", "z", "incr", "0", "c"], "$1\r\n8\r\n", 0, 0, 0),
            (&["zadd", "z", "ch", "7", "c", "8", "c"], ":2\r\n", 2, 0, 0),
            (&["zadd", "z", "NX", "CH", "100", "b", "100", "nb"], ":1\r\n", 1, 0, 0),
            (&["zadd", "z", "XX", "CH", "100", "b", "100", "nb2"], ":1\r\n", 1, 0, 0),
            (&["zadd", "z", "LT", "CH", "1", "b", "200", "nb"], ":1\r\n", 1, 0, 0),
            (&["zadd", "z", "GT", "1", "b", "200", "nb"], ":0\r\n", 1, 0, 0),
            (&["zadd", "z", "nx\0junk", "1", "a"], ":0\r\n", 0, 0, 0),
            (&["zrange", "z", "0", "-1", "withscores"], "*18\r\n$4\r\ninf2\r\n$4\r\n-inf\r\n$4\r\nnegz\r\n$1\r\n0\r\n$3\r\nden\r\n$23\r\n4.9406564584124654e-324\r\n$1\r\nb\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n8\r\n$3\r\nhex\r\n$2\r\n16\r\n$2\r\nnb\r\n$3\r\n200\r\n$1\r\na\r\n$3\r\ninf\r\n$4\r\ninf1\r\n$3\r\ninf\r\n", 0, 1, 0),
            (&["set", "s", "v"], "+OK\r\n", 1, 0, 0),
            (&["zadd", "s", "1", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 0, 0),
            (&["zadd", "s", "xx", "nx", "1", "a"], "-ERR XX and NX options at the same time are not compatible\r\n", 0, 0, 0),
            (&["zadd", "s", "abc", "a"], "-ERR value is not a valid float\r\n", 0, 0, 0),
            (&["zadd", "s", "xx", "incr", "1", "a", "1", "b"], "-ERR INCR option supports a single increment-element pair\r\n", 0, 0, 0),
            (&["del", "z"], ":1\r\n", 1, 0, 0),
            (&["zadd", "nk", "xx", "1", "a"], ":0\r\n", 0, 0, 0),
            (&["zadd", "nk", "xx", "incr", "1", "a"], "$-1\r\n", 0, 0, 0),
            (&["exists", "nk"], ":0\r\n", 0, 0, 1),
            (&["zadd", "z", "1", "a", "2", "a", "3", "a"], ":1\r\n", 3, 0, 0),
            (&["zrange", "z", "0", "-1", "withscores"], "*2\r\n$1\r\na\r\n$1\r\n3\r\n", 0, 1, 0),
            (&["zadd", "z", "incr", "-0", "n"], "$2\r\n-0\r\n", 1, 0, 0),
            (&["zscore", "z", "n"], "$1\r\n0\r\n", 0, 1, 0),
            (&["object", "encoding", "z"], "$8\r\nlistpack\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn zincrby_shares_the_zadd_parser() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["zincrby", "z", "1", "a"], "$1\r\n1\r\n", 1, 0, 0),
            (&["zincrby", "z", "2.5", "a"], "$3\r\n3.5\r\n", 1, 0, 0),
            (&["zincrby", "z", "abc", "a"], "-ERR value is not a valid float\r\n", 0, 0, 0),
            (&["zincrby", "z", "nx", "a"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zincrby", "z", "incr", "a"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zincrby", "z", "1", "nx"], "$1\r\n1\r\n", 1, 0, 0),
            (&["zincrby", "z", "inf", "a"], "$3\r\ninf\r\n", 1, 0, 0),
            (&["zincrby", "z", "-inf", "a"], "-ERR resulting score is not a number (NaN)\r\n", 0, 0, 0),
            (&["zincrby", "z", "-0", "m"], "$2\r\n-0\r\n", 1, 0, 0),
            (&["zscore", "z", "m"], "$1\r\n0\r\n", 0, 1, 0),
            (&["set", "s", "v"], "+OK\r\n", 1, 0, 0),
            (&["zincrby", "s", "1", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 0, 0),
            (&["zincrby", "s", "x", "a"], "-ERR value is not a valid float\r\n", 0, 0, 0),
            (&["hello", "3"], "*", 0, 0, 0),
            (&["zincrby", "z", "1.5", "q"], ",1.5\r\n", 1, 0, 0),
            (&["zadd", "z", "incr", "1", "q"], ",2.5\r\n", 1, 0, 0),
            (&["zadd", "z", "nx", "incr", "1", "q"], "_\r\n", 0, 0, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn zrem_zcard_zscore_zmscore() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["zadd", "z", "1", "a", "2", "b", "3", "c"], ":3\r\n", 3, 0, 0),
            (&["zrem", "z", "a", "zz", "a"], ":1\r\n", 1, 0, 0),
            (&["zrem", "z", "b", "c"], ":2\r\n", 2, 0, 0),
            (&["exists", "z"], ":0\r\n", 0, 0, 1),
            (&["zrem", "z", "a"], ":0\r\n", 0, 0, 0),
            (&["zadd", "z", "1", "a", "2", "b"], ":2\r\n", 2, 0, 0),
            (&["zcard", "z"], ":2\r\n", 0, 1, 0),
            (&["zcard", "nokey"], ":0\r\n", 0, 0, 1),
            (&["zscore", "z", "a"], "$1\r\n1\r\n", 0, 1, 0),
            (&["zscore", "z", "zz"], "$-1\r\n", 0, 1, 0),
            (&["zscore", "nokey", "a"], "$-1\r\n", 0, 0, 1),
            (&["zmscore", "z", "a", "zz", "b"], "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n", 0, 1, 0),
            (&["zmscore", "nokey", "a", "b"], "*2\r\n$-1\r\n$-1\r\n", 0, 0, 1),
            (&["set", "s", "v"], "+OK\r\n", 1, 0, 0),
            (&["zrem", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 0, 0),
            (&["zcard", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["zscore", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["zmscore", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["hello", "3"], "*", 0, 0, 0),
            (&["zscore", "z", "b"], ",2\r\n", 0, 1, 0),
            (&["zscore", "z", "zz"], "_\r\n", 0, 1, 0),
            (&["zmscore", "z", "a", "zz"], "*2\r\n,1\r\n_\r\n", 0, 1, 0),
            (&["zmscore", "nokey", "a"], "*1\r\n_\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn zrank_and_zrevrank() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"], ":5\r\n", 5, 0, 0),
            (&["zrank", "z", "a"], ":0\r\n", 0, 1, 0),
            (&["zrank", "z", "c"], ":2\r\n", 0, 1, 0),
            (&["zrevrank", "z", "a"], ":4\r\n", 0, 1, 0),
            (&["zrevrank", "z", "e"], ":0\r\n", 0, 1, 0),
            (&["zrank", "z", "zz"], "$-1\r\n", 0, 1, 0),
            (&["zrevrank", "nokey", "a"], "$-1\r\n", 0, 0, 1),
            (&["zrank", "nokey", "a"], "$-1\r\n", 0, 0, 1),
            (&["set", "s", "v"], "+OK\r\n", 1, 0, 0),
            (&["zrank", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["zrevrank", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn zcount_and_zlexcount() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"], ":5\r\n", 5, 0, 0),
            (&["zcount", "z", "-inf", "+inf"], ":5\r\n", 0, 1, 0),
            (&["zcount", "z", "(1", "(5"], ":3\r\n", 0, 1, 0),
            (&["zcount", "z", "2", "2"], ":1\r\n", 0, 1, 0),
            (&["zcount", "z", "(2", "2"], ":0\r\n", 0, 1, 0),
            (&["zcount", "z", "5", "1"], ":0\r\n", 0, 1, 0),
            (&["zcount", "z", "a", "b"], "-ERR min or max is not a float\r\n", 0, 0, 0),
            (&["zcount", "nokey", "a", "b"], "-ERR min or max is not a float\r\n", 0, 0, 0),
            (&["zcount", "nokey", "0", "1"], ":0\r\n", 0, 0, 1),
            (&["zcount", "z", "", ""], ":0\r\n", 0, 1, 0),
            (&["zcount", "z", " 1", "3"], ":3\r\n", 0, 1, 0),
            (&["zcount", "z", "0x1", "0x3"], ":3\r\n", 0, 1, 0),
            (&["zcount", "z", "1e400", "inf"], ":0\r\n", 0, 1, 0),
            (&["zcount", "z", "-1e400", "inf"], ":5\r\n", 0, 1, 0),
            (&["zcount", "z", "nan", "1"], "-ERR min or max is not a float\r\n", 0, 0, 0),
            (&["zcount", "z", "[1", "3"], "-ERR min or max is not a float\r\n", 0, 0, 0),
            (&["zlexcount", "z", "-", "+"], ":5\r\n", 0, 1, 0),
            (&["zlexcount", "z", "[b", "(d"], ":2\r\n", 0, 1, 0),
            (&["zlexcount", "z", "(b", "[d"], ":2\r\n", 0, 1, 0),
            (&["zlexcount", "z", "a", "b"], "-ERR min or max not valid string range item\r\n", 0, 0, 0),
            (&["zlexcount", "z", "+", "-"], ":0\r\n", 0, 1, 0),
            (&["zlexcount", "z", "-", "-"], ":0\r\n", 0, 1, 0),
            (&["zlexcount", "nokey", "-", "+"], ":0\r\n", 0, 0, 1),
            (&["zlexcount", "nokey", "a", "b"], "-ERR min or max not valid string range item\r\n", 0, 0, 0),
            (&["set", "s", "v"], "+OK\r\n", 1, 0, 0),
            (&["zcount", "s", "0", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["zlexcount", "s", "-", "+"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["zcount", "s", "a", "b"], "-ERR min or max is not a float\r\n", 0, 0, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn zrange_by_rank() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"], ":5\r\n", 5, 0, 0),
            (&["zrange", "z", "0", "-1"], "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n", 0, 1, 0),
            (&["zrange", "z", "0", "-1", "withscores"], "*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n", 0, 1, 0),
            (&["zrange", "z", "1", "2", "WITHSCORES"], "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n", 0, 1, 0),
            (&["zrange", "z", "-2", "-1"], "*2\r\n$1\r\nd\r\n$1\r\ne\r\n", 0, 1, 0),
            (&["zrange", "z", "10", "20"], "*0\r\n", 0, 1, 0),
            (&["zrange", "z", "-100", "100"], "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n", 0, 1, 0),
            (&["zrange", "z", "3", "1"], "*0\r\n", 0, 1, 0),
            (&["zrange", "z", "-1", "-1"], "*1\r\n$1\r\ne\r\n", 0, 1, 0),
            (&["zrange", "z", "0", "-1", "rev"], "*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n", 0, 1, 0),
            (&["zrange", "z", "0", "1", "rev", "withscores"], "*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n", 0, 1, 0),
            (&["zrange", "z", "0", "-1", "limit", "0", "1"], "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n", 0, 0, 0),
            (&["zrange", "z", "0", "-1", "limit", "5", "-1"], "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n", 0, 1, 0),
            (&["zrange", "z", "0", "-1", "bylex", "withscores"], "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n", 0, 0, 0),
            (&["zrange", "z", "0", "-1", "byscore", "byscore"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zrange", "z", "0", "-1", "bylex", "byscore"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zrange", "z", "0", "-1", "rev", "rev"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zrange", "z", "0", "-1", "foo"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zrange", "z", "a", "b"], "-ERR value is not an integer or out of range\r\n", 0, 0, 0),
            (&["zrange", "z", "0", "b"], "-ERR value is not an integer or out of range\r\n", 0, 0, 0),
            (&["zrange", "z", "0", "1", "limit", "1"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zrange", "nokey", "0", "-1"], "*0\r\n", 0, 0, 1),
            (&["zrange", "nokey", "0", "-1", "limit", "0", "1"], "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n", 0, 0, 0),
            (&["zrange", "nokey", "a", "b"], "-ERR value is not an integer or out of range\r\n", 0, 0, 0),
            (&["zrevrange", "z", "0", "1"], "*2\r\n$1\r\ne\r\n$1\r\nd\r\n", 0, 1, 0),
            (&["zrevrange", "z", "0", "1", "withscores"], "*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n", 0, 1, 0),
            (&["zrevrange", "z", "-2", "-1"], "*2\r\n$1\r\nb\r\n$1\r\na\r\n", 0, 1, 0),
            (&["zrevrange", "z", "0", "1", "limit", "0", "1"], "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n", 0, 0, 0),
            (&["zrevrange", "z", "0", "1", "byscore"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zrevrange", "z", "0", "1", "rev"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zrange", "z", "0", "-1", "withscores\0"], "*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n", 0, 1, 0),
            (&["set", "s", "v"], "+OK\r\n", 1, 0, 0),
            (&["zrange", "s", "0", "-1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["zrange", "s", "a", "b"], "-ERR value is not an integer or out of range\r\n", 0, 0, 0),
            (&["hello", "3"], "*", 0, 0, 0),
            (&["zrange", "z", "0", "1", "withscores"], "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n", 0, 1, 0),
            (&["zrevrange", "z", "0", "1", "withscores"], "*2\r\n*2\r\n$1\r\ne\r\n,5\r\n*2\r\n$1\r\nd\r\n,4\r\n", 0, 1, 0),
            (&["zrange", "z", "0", "1"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn zrange_by_score() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"], ":5\r\n", 5, 0, 0),
            (&["zrange", "z", "(1", "3", "byscore"], "*2\r\n$1\r\nb\r\n$1\r\nc\r\n", 0, 1, 0),
            (&["zrange", "z", "(1", "3", "byscore", "rev"], "*0\r\n", 0, 1, 0),
            (&["zrange", "z", "3", "(1", "byscore", "rev"], "*2\r\n$1\r\nc\r\n$1\r\nb\r\n", 0, 1, 0),
            (&["zrange", "z", "-inf", "+inf", "byscore", "limit", "1", "2"], "*2\r\n$1\r\nb\r\n$1\r\nc\r\n", 0, 1, 0),
            (&["zrange", "z", "-inf", "+inf", "byscore", "limit", "1"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zrange", "z", "-inf", "+inf", "byscore", "limit", "1", "2", "3"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zrange", "z", "-inf", "+inf", "byscore", "limit", "-1", "2"], "*0\r\n", 0, 1, 0),
            (&["zrange", "z", "-inf", "+inf", "byscore", "limit", "1", "-1"], "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n", 0, 1, 0),
            (&["zrange", "z", "-inf", "+inf", "byscore", "limit", "1", "0"], "*0\r\n", 0, 1, 0),
            (&["zrange", "z", "-inf", "+inf", "byscore", "limit", "a", "0"], "-ERR value is not an integer or out of range\r\n", 0, 0, 0),
            (&["zrange", "z", "-inf", "+inf", "byscore", "limit", "0", "a"], "-ERR value is not an integer or out of range\r\n", 0, 0, 0),
            (&["zrange", "z", "a", "b", "byscore"], "-ERR min or max is not a float\r\n", 0, 0, 0),
            (&["zrange", "nokey", "a", "b", "byscore"], "-ERR min or max is not a float\r\n", 0, 0, 0),
            (&["zrange", "z", "-inf", "+inf", "byscore", "withscores", "limit", "4", "10"], "*2\r\n$1\r\ne\r\n$1\r\n5\r\n", 0, 1, 0),
            (&["zrange", "z", "-inf", "+inf", "byscore", "limit", "5", "10"], "*0\r\n", 0, 1, 0),
            (&["zrangebyscore", "z", "-inf", "+inf", "withscores", "limit", "0", "2"], "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", 0, 1, 0),
            (&["zrangebyscore", "z", "-inf", "+inf", "rev"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zrangebyscore", "z", "-inf", "+inf", "byscore"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zrangebyscore", "z", "-inf", "+inf", "bylex"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zrangebyscore", "z", "(-inf", "(inf"], "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n", 0, 1, 0),
            (&["zrangebyscore", "z", "", ""], "*0\r\n", 0, 1, 0),
            (&["zrangebyscore", "z", "(", "("], "*0\r\n", 0, 1, 0),
            (&["zrangebyscore", "z", " 1", " 3"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", 0, 1, 0),
            (&["zrangebyscore", "z", "1 ", "3"], "-ERR min or max is not a float\r\n", 0, 0, 0),
            (&["zrangebyscore", "z", "-inf\0x", "+inf"], "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n", 0, 1, 0),
            (&["zrangebyscore", "z", "1", "8", "limit", "4", "5"], "*1\r\n$1\r\ne\r\n", 0, 1, 0),
            (&["zrangebyscore", "z", "1", "8", "limit", "5", "5"], "*0\r\n", 0, 1, 0),
            (&["zrevrangebyscore", "z", "+inf", "-inf", "limit", "0", "2"], "*2\r\n$1\r\ne\r\n$1\r\nd\r\n", 0, 1, 0),
            (&["zrevrangebyscore", "z", "-inf", "+inf"], "*0\r\n", 0, 1, 0),
            (&["zrevrangebyscore", "z", "4", "(2", "withscores"], "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n", 0, 1, 0),
            (&["zrevrangebyscore", "z", "8", "1", "limit", "4", "5"], "*1\r\n$1\r\na\r\n", 0, 1, 0),
            (&["zrevrangebyscore", "z", "a", "1"], "-ERR min or max is not a float\r\n", 0, 0, 0),
            (&["hello", "3"], "*", 0, 0, 0),
            (&["zrangebyscore", "z", "2", "3", "withscores"], "*2\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\nc\r\n,3\r\n", 0, 1, 0),
            (&["zrevrangebyscore", "z", "3", "2", "withscores"], "*2\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nb\r\n,2\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn zrange_by_lex() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["zadd", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e"], ":5\r\n", 5, 0, 0),
            (&["zrange", "z", "[a", "[c", "bylex"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", 0, 1, 0),
            (&["zrange", "z", "[c", "[a", "bylex", "rev"], "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n", 0, 1, 0),
            (&["zrange", "z", "-", "+", "bylex", "limit", "1", "2"], "*2\r\n$1\r\nb\r\n$1\r\nc\r\n", 0, 1, 0),
            (&["zrange", "z", "+", "-", "bylex", "rev", "limit", "1", "2"], "*2\r\n$1\r\nd\r\n$1\r\nc\r\n", 0, 1, 0),
            (&["zrange", "z", "a", "b", "bylex"], "-ERR min or max not valid string range item\r\n", 0, 0, 0),
            (&["zrangebylex", "z", "-", "+"], "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n", 0, 1, 0),
            (&["zrangebylex", "z", "-", "+", "withscores"], "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n", 0, 0, 0),
            (&["zrangebylex", "z", "-", "+", "limit", "1", "1"], "*1\r\n$1\r\nb\r\n", 0, 1, 0),
            (&["zrangebylex", "z", "-", "+", "limit", "0", "-5"], "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n", 0, 1, 0),
            (&["zrangebylex", "z", "a", "b"], "-ERR min or max not valid string range item\r\n", 0, 0, 0),
            (&["zrangebylex", "z", "[a", "b"], "-ERR min or max not valid string range item\r\n", 0, 0, 0),
            (&["zrangebylex", "z", "(a", "+b"], "-ERR min or max not valid string range item\r\n", 0, 0, 0),
            (&["zrangebylex", "z", "-", "(c"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n", 0, 1, 0),
            (&["zrangebylex", "z", "+", "-"], "*0\r\n", 0, 1, 0),
            (&["zrangebylex", "z", "-", "-"], "*0\r\n", 0, 1, 0),
            (&["zrangebylex", "z", "+", "+"], "*0\r\n", 0, 1, 0),
            (&["zrangebylex", "z", "[", "+"], "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n", 0, 1, 0),
            (&["zrangebylex", "z", "(", "+"], "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n", 0, 1, 0),
            (&["zrangebylex", "z", "[c", "[c"], "*1\r\n$1\r\nc\r\n", 0, 1, 0),
            (&["zrangebylex", "z", "[b", "(b"], "*0\r\n", 0, 1, 0),
            (&["zrangebylex", "z", "+\0b", "-"], "*0\r\n", 0, 1, 0),
            (&["zrevrangebylex", "z", "+", "-", "limit", "1", "1"], "*1\r\n$1\r\nd\r\n", 0, 1, 0),
            (&["zrevrangebylex", "z", "[c", "(a"], "*2\r\n$1\r\nc\r\n$1\r\nb\r\n", 0, 1, 0),
            (&["zrevrangebylex", "z", "-", "+"], "*0\r\n", 0, 1, 0),
            (&["zrangebylex", "nokey", "-", "+"], "*0\r\n", 0, 0, 1),
            (&["zrangebylex", "nokey", "a", "b"], "-ERR min or max not valid string range item\r\n", 0, 0, 0),
            (&["del", "z"], ":1\r\n", 1, 0, 0),
            (&["zadd", "z", "1", "b", "2", "a", "3", "c"], ":3\r\n", 3, 0, 0),
            (&["zrangebylex", "z", "[a", "[b"], "*2\r\n$1\r\nb\r\n$1\r\na\r\n", 0, 1, 0),
            (&["zrevrangebylex", "z", "[b", "[a"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n", 0, 1, 0),
            (&["zlexcount", "z", "[a", "[b"], ":2\r\n", 0, 1, 0),
            (&["zrangebylex", "z", "[a", "[b", "limit", "1", "5"], "*1\r\n$1\r\na\r\n", 0, 1, 0),
            (&["zrevrangebylex", "z", "[b", "[a", "limit", "1", "5"], "*1\r\n$1\r\nb\r\n", 0, 1, 0),
            (&["zrangebylex", "z", "(a", "[c"], "*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n", 0, 1, 0),
            (&["zrevrangebylex", "z", "[c", "(a"], "*1\r\n$1\r\nc\r\n", 0, 1, 0),
            (&["zremrangebylex", "z", "[a", "[b"], ":2\r\n", 2, 0, 0),
            (&["zrange", "z", "0", "-1"], "*1\r\n$1\r\nc\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn zrangestore() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["zadd", "z", "1", "a", "2", "b", "3", "c"], ":3\r\n", 3, 0, 0),
            (&["zrangestore", "dst", "z", "0", "-1"], ":3\r\n", 1, 1, 0),
            (&["zrange", "dst", "0", "-1", "withscores"], "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n", 0, 1, 0),
            (&["object", "encoding", "dst"], "$8\r\nlistpack\r\n", 0, 1, 0),
            (&["zrangestore", "dst", "z", "0", "-1", "withscores"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zrangestore", "dst", "z", "0", "-1", "limit", "0", "1"], "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n", 0, 0, 0),
            (&["zrangestore", "dst", "z", "2", "1", "byscore", "rev", "limit", "0", "1"], ":1\r\n", 1, 1, 0),
            (&["zrange", "dst", "0", "-1", "withscores"], "*2\r\n$1\r\nb\r\n$1\r\n2\r\n", 0, 1, 0),
            (&["zrangestore", "dst", "z", "10", "20"], ":0\r\n", 1, 1, 0),
            (&["exists", "dst"], ":0\r\n", 0, 0, 1),
            (&["zrangestore", "dst", "z", "10", "20"], ":0\r\n", 0, 1, 0),
            (&["zrangestore", "dst", "nokey", "0", "-1"], ":0\r\n", 0, 0, 1),
            (&["set", "dst", "x"], "+OK\r\n", 1, 0, 0),
            (&["expire", "dst", "100"], ":1\r\n", 1, 0, 0),
            (&["zrangestore", "dst", "z", "0", "0"], ":1\r\n", 1, 1, 0),
            (&["type", "dst"], "+zset\r\n", 0, 1, 0),
            (&["ttl", "dst"], ":-1\r\n", 0, 1, 0),
            (&["zrangestore", "dst", "str", "0", "0"], ":0\r\n", 1, 0, 1),
            (&["set", "str", "x"], "+OK\r\n", 1, 0, 0),
            (&["zrangestore", "dst", "str", "0", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["zrangestore", "dst", "z", "[a", "[b", "bylex"], ":2\r\n", 1, 1, 0),
            (&["zrange", "dst", "0", "-1", "withscores"], "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", 0, 1, 0),
            (&["zrangestore", "str", "z", "0", "-1"], ":3\r\n", 1, 1, 0),
            (&["type", "str"], "+zset\r\n", 0, 1, 0),
            (&["zrangestore", "z", "z", "1", "-1"], ":2\r\n", 1, 1, 0),
            (&["zrange", "z", "0", "-1", "withscores"], "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n", 0, 1, 0),
            (&["zrangestore", "dst", "z", "a", "b"], "-ERR value is not an integer or out of range\r\n", 0, 0, 0),
            (&["zrangestore", "dst", "z", "a", "b", "byscore"], "-ERR min or max is not a float\r\n", 0, 0, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn zremrange() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"], ":5\r\n", 5, 0, 0),
            (&["zremrangebyrank", "z", "a", "1"], "-ERR value is not an integer or out of range\r\n", 0, 0, 0),
            (&["zremrangebyrank", "nokey", "0", "1"], ":0\r\n", 0, 0, 0),
            (&["zremrangebyscore", "z", "a", "b"], "-ERR min or max is not a float\r\n", 0, 0, 0),
            (&["zremrangebyscore", "nokey", "a", "b"], "-ERR min or max is not a float\r\n", 0, 0, 0),
            (&["zremrangebylex", "z", "a", "b"], "-ERR min or max not valid string range item\r\n", 0, 0, 0),
            (&["zremrangebyrank", "z", "5", "10"], ":0\r\n", 0, 0, 0),
            (&["zremrangebyrank", "z", "3", "1"], ":0\r\n", 0, 0, 0),
            (&["zremrangebyrank", "z", "0", "0"], ":1\r\n", 1, 0, 0),
            (&["zremrangebyscore", "z", "(3", "+inf"], ":2\r\n", 2, 0, 0),
            (&["zremrangebylex", "z", "-", "+"], ":2\r\n", 2, 0, 0),
            (&["exists", "z"], ":0\r\n", 0, 0, 1),
            (&["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"], ":5\r\n", 5, 0, 0),
            (&["zremrangebyrank", "z", "-2", "-1"], ":2\r\n", 2, 0, 0),
            (&["zremrangebyscore", "z", "2", "(3"], ":1\r\n", 1, 0, 0),
            (&["zrange", "z", "0", "-1", "withscores"], "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n3\r\n", 0, 1, 0),
            (&["zremrangebyrank", "z", "0", "-1"], ":2\r\n", 2, 0, 0),
            (&["exists", "z"], ":0\r\n", 0, 0, 1),
            (&["set", "str", "x"], "+OK\r\n", 1, 0, 0),
            (&["zremrangebyrank", "str", "0", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 0, 0),
            (&["zremrangebyscore", "str", "0", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 0, 0),
            (&["zremrangebylex", "str", "-", "+"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 0, 0),
            (&["zremrangebyscore", "str", "a", "b"], "-ERR min or max is not a float\r\n", 0, 0, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn zpop() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"], ":5\r\n", 5, 0, 0),
            (&["set", "str", "x"], "+OK\r\n", 1, 0, 0),
            (&["zpopmin", "z", "abc"], "-ERR value is out of range, must be positive\r\n", 0, 0, 0),
            (&["zpopmin", "z", "-1"], "-ERR value is out of range, must be positive\r\n", 0, 0, 0),
            (&["zpopmin", "z", "0"], "*0\r\n", 0, 0, 0),
            (&["zpopmin", "z", "1", "2"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zpopmin", "nokey", "abc"], "-ERR value is out of range, must be positive\r\n", 0, 0, 0),
            (&["zpopmin", "nokey"], "*0\r\n", 0, 0, 0),
            (&["zpopmin", "nokey", "0"], "*0\r\n", 0, 0, 0),
            (&["zpopmin", "str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 0, 0),
            (&["zpopmin", "str", "abc"], "-ERR value is out of range, must be positive\r\n", 0, 0, 0),
            (&["zpopmin", "str", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 0, 0),
            (&["zpopmax", "z", "2"], "*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n", 2, 0, 0),
            (&["zpopmin", "z"], "*2\r\n$1\r\na\r\n$1\r\n1\r\n", 1, 0, 0),
            (&["zpopmin", "z", "10"], "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n", 2, 0, 0),
            (&["exists", "z"], ":0\r\n", 0, 0, 1),
            (&["zadd", "z", "1", "a", "2", "b", "3", "c"], ":3\r\n", 3, 0, 0),
            (&["zpopmax", "z", "9223372036854775807"], "*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n", 3, 0, 0),
            (&["zadd", "z", "1", "a", "2", "b", "3", "c"], ":3\r\n", 3, 0, 0),
            (&["hello", "3"], "*", 0, 0, 0),
            (&["zpopmin", "z"], "*2\r\n$1\r\na\r\n,1\r\n", 1, 0, 0),
            (&["zpopmin", "z", "1"], "*1\r\n*2\r\n$1\r\nb\r\n,2\r\n", 1, 0, 0),
            (&["zpopmax", "z", "5"], "*1\r\n*2\r\n$1\r\nc\r\n,3\r\n", 1, 0, 0),
            (&["zpopmin", "z"], "*0\r\n", 0, 0, 0),
            (&["zpopmin", "z", "2"], "*0\r\n", 0, 0, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn zmpop() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["zadd", "z", "1", "a", "2", "b", "3", "c"], ":3\r\n", 3, 0, 0),
            (&["set", "str", "x"], "+OK\r\n", 1, 0, 0),
            (&["zmpop", "0", "z", "min"], "-ERR numkeys should be greater than 0\r\n", 0, 0, 0),
            (&["zmpop", "abc", "z", "min"], "-ERR numkeys should be greater than 0\r\n", 0, 0, 0),
            (&["zmpop", "-1", "z", "min"], "-ERR numkeys should be greater than 0\r\n", 0, 0, 0),
            (&["zmpop", "2", "z", "min"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zmpop", "1", "z", "foo"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zmpop", "1", "z", "min", "count", "0"], "-ERR count should be greater than 0\r\n", 0, 0, 0),
            (&["zmpop", "1", "z", "min", "count", "-1"], "-ERR count should be greater than 0\r\n", 0, 0, 0),
            (&["zmpop", "1", "z", "min", "count", "abc"], "-ERR count should be greater than 0\r\n", 0, 0, 0),
            (&["zmpop", "1", "z", "min", "count", "1", "count", "1"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zmpop", "1", "z", "min", "count"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zmpop", "1", "z", "min", "foo"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zmpop", "2", "nokey", "z", "max", "count", "2"], "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", 2, 0, 0),
            (&["zmpop", "2", "str", "z", "max", "count", "2"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 0, 0),
            (&["zmpop", "2", "nokey", "z", "max", "count", "9223372036854775807"], "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", 1, 0, 0),
            (&["exists", "z"], ":0\r\n", 0, 0, 1),
            (&["zmpop", "2", "nokey", "z", "max", "count", "9223372036854775808"], "-ERR count should be greater than 0\r\n", 0, 0, 0),
            (&["zmpop", "9223372036854775807", "z", "min"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zmpop", "1", "nokey", "min"], "*-1\r\n", 0, 0, 0),
            (&["zmpop", "1", "nokey", "MAX", "COUNT", "2"], "*-1\r\n", 0, 0, 0),
            (&["zadd", "z", "1", "a", "2", "b", "3", "c"], ":3\r\n", 3, 0, 0),
            (&["hello", "3"], "*", 0, 0, 0),
            (&["zmpop", "1", "z", "MIN"], "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n,1\r\n", 1, 0, 0),
            (&["zmpop", "1", "z", "max", "count", "5"], "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nb\r\n,2\r\n", 2, 0, 0),
            (&["zmpop", "1", "z", "min"], "_\r\n", 0, 0, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn zrandmember_deterministic() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["zadd", "z", "1", "a", "2", "b", "3", "c"], ":3\r\n", 3, 0, 0),
            (&["set", "str", "x"], "+OK\r\n", 1, 0, 0),
            (&["zrandmember", "nokey"], "$-1\r\n", 0, 0, 1),
            (&["zrandmember", "nokey", "5"], "*0\r\n", 0, 0, 1),
            (&["zrandmember", "nokey", "5", "withscores"], "*0\r\n", 0, 0, 1),
            (&["zrandmember", "str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["zrandmember", "nokey", "abc"], "-ERR value is not an integer or out of range\r\n", 0, 0, 0),
            (&["zrandmember", "nokey", "1", "foo"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zrandmember", "nokey", "1", "withscores", "foo"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zrandmember", "nokey", "-9223372036854775808"], "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n", 0, 0, 0),
            (&["zrandmember", "nokey", "-9223372036854775807"], "*0\r\n", 0, 0, 1),
            (&["zrandmember", "nokey", "9223372036854775807", "withscores"], "-ERR value is out of range\r\n", 0, 0, 0),
            (&["zrandmember", "nokey", "4611686018427387903", "withscores"], "*0\r\n", 0, 0, 1),
            (&["zrandmember", "nokey", "4611686018427387904", "withscores"], "-ERR value is out of range\r\n", 0, 0, 0),
            (&["zrandmember", "nokey", "-4611686018427387904", "withscores"], "-ERR value is out of range\r\n", 0, 0, 0),
            (&["zrandmember", "nokey", "-4611686018427387903", "withscores"], "*0\r\n", 0, 0, 1),
            (&["zrandmember", "str", "abc"], "-ERR value is not an integer or out of range\r\n", 0, 0, 0),
            (&["zrandmember", "str", "1", "foo"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zrandmember", "str", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["zrandmember", "z", "0"], "*0\r\n", 0, 1, 0),
            (&["zrandmember", "z", "0", "withscores"], "*0\r\n", 0, 1, 0),
            (&["zrandmember", "z", "3"], "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n", 0, 1, 0),
            (&["zrandmember", "z", "10", "withscores"], "*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["zadd", "one", "1.5", "a"], ":1\r\n", 1, 0, 0),
            (&["zrandmember", "one"], "$1\r\na\r\n", 0, 1, 0),
            (&["zrandmember", "one", "-3"], "*3\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n", 0, 1, 0),
            (&["zrandmember", "one", "-2", "withscores"], "*4\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\na\r\n$3\r\n1.5\r\n", 0, 1, 0),
            (&["zrandmember", "one", "1", "withscores"], "*2\r\n$1\r\na\r\n$3\r\n1.5\r\n", 0, 1, 0),
            (&["hello", "3"], "*", 0, 0, 0),
            (&["zrandmember", "z", "3", "withscores"], "*3\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,1\r\n", 0, 1, 0),
            (&["zrandmember", "one", "-2", "withscores"], "*2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*2\r\n$1\r\na\r\n,1.5\r\n", 0, 1, 0),
            (&["zrandmember", "nokey"], "_\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn zscan_small() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"], ":5\r\n", 5, 0, 0),
            (&["set", "str", "x"], "+OK\r\n", 1, 0, 0),
            (&["zscan", "z", "0"], "*2\r\n$1\r\n0\r\n*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n", 0, 1, 0),
            (&["zscan", "z", "0", "count", "1"], "*2\r\n$1\r\n0\r\n*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n", 0, 1, 0),
            (&["zscan", "z", "0", "match", "[ab]*"], "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", 0, 1, 0),
            (&["zscan", "z", "0", "match", "*"], "*2\r\n$1\r\n0\r\n*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n", 0, 1, 0),
            (&["zscan", "z", "0", "count", "0"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["zscan", "z", "0", "count", "abc"], "-ERR value is not an integer or out of range\r\n", 0, 1, 0),
            (&["zscan", "z", "0", "type", "zset"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["zscan", "z", "abc"], "-ERR invalid cursor\r\n", 0, 0, 0),
            (&["zscan", "z", "-1"], "*2\r\n$1\r\n0\r\n*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n", 0, 1, 0),
            (&["zscan", "z", "12345"], "*2\r\n$1\r\n0\r\n*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n", 0, 1, 0),
            (&["zscan", "nokey", "0"], "*2\r\n$1\r\n0\r\n*0\r\n", 0, 0, 1),
            (&["zscan", "nokey", "abc"], "-ERR invalid cursor\r\n", 0, 0, 0),
            (&["zscan", "nokey", "0", "count", "0"], "*2\r\n$1\r\n0\r\n*0\r\n", 0, 0, 1),
            (&["zscan", "str", "0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["zscan", "z", "0", "match"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["zadd", "f", "1.5", "x", "-0", "y", "inf", "z", "0.1", "w"], ":4\r\n", 4, 0, 0),
            (&["zscan", "f", "0"], "*2\r\n$1\r\n0\r\n*8\r\n$1\r\ny\r\n$1\r\n0\r\n$1\r\nw\r\n$19\r\n0.10000000000000001\r\n$1\r\nx\r\n$3\r\n1.5\r\n$1\r\nz\r\n$3\r\ninf\r\n", 0, 1, 0),
            (&["zadd", "big17", "1e17", "a", "123456789012345678", "b", "5e18", "c", "4611686018427387904", "d"], ":4\r\n", 4, 0, 0),
            (&["zscan", "big17", "0"], "*2\r\n$1\r\n0\r\n*8\r\n$1\r\na\r\n$18\r\n100000000000000000\r\n$1\r\nb\r\n$18\r\n123456789012345680\r\n$1\r\nd\r\n$19\r\n4611686018427387904\r\n$1\r\nc\r\n$5\r\n5e+18\r\n", 0, 1, 0),
            (&["zrange", "big17", "0", "-1", "withscores"], "*8\r\n$1\r\na\r\n$5\r\n1e+17\r\n$1\r\nb\r\n$22\r\n1.2345678901234568e+17\r\n$1\r\nd\r\n$22\r\n4.6116860184273879e+18\r\n$1\r\nc\r\n$5\r\n5e+18\r\n", 0, 1, 0),
            (&["zadd", "sk17", "1e17", "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"], ":1\r\n", 1, 0, 0),
            (&["zscan", "sk17", "0"], "*2\r\n$1\r\n0\r\n*2\r\n$65\r\nLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL\r\n$5\r\n1e+17\r\n", 0, 1, 0),
            (&["hello", "3"], "*", 0, 0, 0),
            (&["zscan", "f", "0"], "*2\r\n$1\r\n0\r\n*8\r\n$1\r\ny\r\n$1\r\n0\r\n$1\r\nw\r\n$19\r\n0.10000000000000001\r\n$1\r\nx\r\n$3\r\n1.5\r\n$1\r\nz\r\n$3\r\ninf\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn setops_errors() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["zadd", "z1", "1", "a", "2", "b", "3", "c"], ":3\r\n", 3, 0, 0),
            (&["zadd", "z2", "10", "b", "20", "c", "30", "d"], ":3\r\n", 3, 0, 0),
            (&["set", "str", "x"], "+OK\r\n", 1, 0, 0),
            (&["zunion", "0", "z1"], "-ERR at least 1 input key is needed for 'zunion' command\r\n", 0, 0, 0),
            (&["zunion", "abc", "z1"], "-ERR value is not an integer or out of range\r\n", 0, 0, 0),
            (&["zunion", "-1", "z1"], "-ERR at least 1 input key is needed for 'zunion' command\r\n", 0, 0, 0),
            (&["zunion", "3", "z1", "z2"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zunionstore", "dst", "0", "z1"], "-ERR at least 1 input key is needed for 'zunionstore' command\r\n", 0, 0, 0),
            (&["zinterstore", "dst", "0", "z1"], "-ERR at least 1 input key is needed for 'zinterstore' command\r\n", 0, 0, 0),
            (&["zdiffstore", "dst", "0", "z1"], "-ERR at least 1 input key is needed for 'zdiffstore' command\r\n", 0, 0, 0),
            (&["zintercard", "0", "z1"], "-ERR at least 1 input key is needed for 'zintercard' command\r\n", 0, 0, 0),
            (&["zintercard", "-1", "z1"], "-ERR at least 1 input key is needed for 'zintercard' command\r\n", 0, 0, 0),
            (&["zintercard", "abc", "z1"], "-ERR value is not an integer or out of range\r\n", 0, 0, 0),
            (&["zdiff", "0", "z1"], "-ERR at least 1 input key is needed for 'zdiff' command\r\n", 0, 0, 0),
            (&["zinter", "0", "z1"], "-ERR at least 1 input key is needed for 'zinter' command\r\n", 0, 0, 0),
            (&["zunion", "2", "z1", "z2", "weights", "1", "withscores"], "-ERR weight value is not a float\r\n", 0, 2, 0),
            (&["zunion", "2", "z1", "z2", "weights", "1", "a", "withscores"], "-ERR weight value is not a float\r\n", 0, 2, 0),
            (&["zunion", "2", "z1", "z2", "aggregate", "foo"], "-ERR syntax error\r\n", 0, 2, 0),
            (&["zunion", "2", "z1", "z2", "aggregate"], "-ERR syntax error\r\n", 0, 2, 0),
            (&["zunion", "1", "z1", "weights", "nan"], "-ERR weight value is not a float\r\n", 0, 1, 0),
            (&["zunion", "1", "z1", "weights", "1e400"], "-ERR weight value is not a float\r\n", 0, 1, 0),
            (&["zdiff", "2", "z1", "z2", "weights", "1", "1"], "-ERR syntax error\r\n", 0, 2, 0),
            (&["zdiff", "2", "z1", "z2", "aggregate", "sum"], "-ERR syntax error\r\n", 0, 2, 0),
            (&["zdiff", "2", "z1", "str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 2, 0),
            (&["zunion", "2", "z1", "str", "aggregate", "foo"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 2, 0),
            (&["zunionstore", "dst", "1", "str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["zunionstore", "dst", "2", "z1", "z2", "withscores"], "-ERR syntax error\r\n", 0, 2, 0),
            (&["zintercard", "2", "z1", "z2", "limit", "-1"], "-ERR LIMIT can't be negative\r\n", 0, 2, 0),
            (&["zintercard", "2", "z1", "z2", "limit", "abc"], "-ERR LIMIT can't be negative\r\n", 0, 2, 0),
            (&["zintercard", "2", "z1", "z2", "withscores"], "-ERR syntax error\r\n", 0, 2, 0),
            (&["zintercard", "2", "z1", "z2", "weights", "1", "1"], "-ERR syntax error\r\n", 0, 2, 0),
            (&["zintercard", "3", "z1", "z2"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["zintercard", "2", "z1", "z2", "limit"], "-ERR syntax error\r\n", 0, 2, 0),
            (&["zinter", "2", "z1", "z2", "limit", "1"], "-ERR syntax error\r\n", 0, 2, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn setops_results() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["zadd", "z1", "1", "a", "2", "b", "3", "c"], ":3\r\n", 3, 0, 0),
            (&["zadd", "z2", "10", "b", "20", "c", "30", "d"], ":3\r\n", 3, 0, 0),
            (&["zunion", "2", "z1", "z2", "withscores"], "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n$1\r\nd\r\n$2\r\n30\r\n", 0, 2, 0),
            (&["zunion", "2", "z1", "z2"], "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n", 0, 2, 0),
            (&["zunion", "2", "z1", "z2", "weights", "1", "2", "withscores"], "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n22\r\n$1\r\nc\r\n$2\r\n43\r\n$1\r\nd\r\n$2\r\n60\r\n", 0, 2, 0),
            (&["zunion", "2", "z1", "z2", "aggregate", "max", "withscores"], "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n10\r\n$1\r\nc\r\n$2\r\n20\r\n$1\r\nd\r\n$2\r\n30\r\n", 0, 2, 0),
            (&["zunion", "2", "z1", "z2", "aggregate", "min", "withscores"], "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$2\r\n30\r\n", 0, 2, 0),
            (&["zunion", "2", "z1", "z2", "withscores", "withscores"], "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n$1\r\nd\r\n$2\r\n30\r\n", 0, 2, 0),
            (&["zinter", "2", "z1", "z2", "withscores"], "*4\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n", 0, 2, 0),
            (&["zinter", "2", "z1", "z2", "weights", "2", "0.5", "aggregate", "min", "withscores"], "*4\r\n$1\r\nb\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n6\r\n", 0, 2, 0),
            (&["zdiff", "2", "z1", "z2", "withscores"], "*2\r\n$1\r\na\r\n$1\r\n1\r\n", 0, 2, 0),
            (&["zdiff", "2", "z2", "z1"], "*1\r\n$1\r\nd\r\n", 0, 2, 0),
            (&["zunion", "2", "z1", "nokey", "withscores"], "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n", 0, 1, 1),
            (&["zinter", "2", "z1", "nokey", "withscores"], "*0\r\n", 0, 1, 1),
            (&["zdiff", "2", "nokey", "z1", "withscores"], "*0\r\n", 0, 1, 1),
            (&["zdiff", "1", "z1"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", 0, 1, 0),
            (&["zintercard", "2", "z1", "z2"], ":2\r\n", 0, 2, 0),
            (&["zintercard", "2", "z1", "z2", "limit", "1"], ":1\r\n", 0, 2, 0),
            (&["zintercard", "2", "z1", "z2", "limit", "0"], ":2\r\n", 0, 2, 0),
            (&["zintercard", "2", "z1", "nokey"], ":0\r\n", 0, 1, 1),
            (&["zintercard", "1", "z1", "LIMIT", "2"], ":2\r\n", 0, 1, 0),
            (&["zunionstore", "dst", "2", "z1", "z2"], ":4\r\n", 1, 2, 0),
            (&["zrange", "dst", "0", "-1", "withscores"], "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n$1\r\nd\r\n$2\r\n30\r\n", 0, 1, 0),
            (&["object", "encoding", "dst"], "$8\r\nlistpack\r\n", 0, 1, 0),
            (&["set", "dst2", "x"], "+OK\r\n", 1, 0, 0),
            (&["expire", "dst2", "100"], ":1\r\n", 1, 0, 0),
            (&["zinterstore", "dst2", "2", "z1", "z2"], ":2\r\n", 1, 2, 0),
            (&["ttl", "dst2"], ":-1\r\n", 0, 1, 0),
            (&["zrange", "dst2", "0", "-1", "withscores"], "*4\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n", 0, 1, 0),
            (&["zinterstore", "dst", "2", "z1", "nokey"], ":0\r\n", 1, 1, 1),
            (&["exists", "dst"], ":0\r\n", 0, 0, 1),
            (&["zinterstore", "dst", "2", "z1", "nokey"], ":0\r\n", 0, 1, 1),
            (&["zdiffstore", "dst", "2", "z1", "z2"], ":1\r\n", 1, 2, 0),
            (&["zrange", "dst", "0", "-1", "withscores"], "*2\r\n$1\r\na\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["zdiffstore", "z1", "2", "z1", "z2"], ":1\r\n", 1, 2, 0),
            (&["zrange", "z1", "0", "-1", "withscores"], "*2\r\n$1\r\na\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["zunion", "1", "z2", "weights", "inf", "withscores"], "*6\r\n$1\r\nb\r\n$3\r\ninf\r\n$1\r\nc\r\n$3\r\ninf\r\n$1\r\nd\r\n$3\r\ninf\r\n", 0, 1, 0),
            (&["zunion", "2", "z2", "z2", "weights", "inf", "-inf", "withscores"], "*6\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nc\r\n$1\r\n0\r\n$1\r\nd\r\n$1\r\n0\r\n", 0, 2, 0),
            (&["zinter", "2", "z2", "z2", "weights", "inf", "-inf", "withscores"], "*6\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nc\r\n$1\r\n0\r\n$1\r\nd\r\n$1\r\n0\r\n", 0, 2, 0),
            (&["zinter", "2", "z2", "z2", "weights", "inf", "-inf", "aggregate", "min", "withscores"], "*6\r\n$1\r\nb\r\n$4\r\n-inf\r\n$1\r\nc\r\n$4\r\n-inf\r\n$1\r\nd\r\n$4\r\n-inf\r\n", 0, 2, 0),
            (&["zinter", "2", "z2", "z2", "weights", "inf", "-inf", "aggregate", "max", "withscores"], "*6\r\n$1\r\nb\r\n$3\r\ninf\r\n$1\r\nc\r\n$3\r\ninf\r\n$1\r\nd\r\n$3\r\ninf\r\n", 0, 2, 0),
            (&["zunion", "2", "z2", "z2", "weights", "0", "inf", "withscores"], "*6\r\n$1\r\nb\r\n$3\r\ninf\r\n$1\r\nc\r\n$3\r\ninf\r\n$1\r\nd\r\n$3\r\ninf\r\n", 0, 2, 0),
            (&["zunion", "1", "z2", "WEIGHTS", "2", "AGGREGATE", "MAX", "WITHSCORES"], "*6\r\n$1\r\nb\r\n$2\r\n20\r\n$1\r\nc\r\n$2\r\n40\r\n$1\r\nd\r\n$2\r\n60\r\n", 0, 1, 0),
            (&["zunion", "1", "z2", "weights", "-1", "withscores"], "*6\r\n$1\r\nd\r\n$3\r\n-30\r\n$1\r\nc\r\n$3\r\n-20\r\n$1\r\nb\r\n$3\r\n-10\r\n", 0, 1, 0),
            (&["zunionstore", "dst", "1", "z2", "weights", "-1"], ":3\r\n", 1, 1, 0),
            (&["zrange", "dst", "0", "-1", "withscores"], "*6\r\n$1\r\nd\r\n$3\r\n-30\r\n$1\r\nc\r\n$3\r\n-20\r\n$1\r\nb\r\n$3\r\n-10\r\n", 0, 1, 0),
            (&["zunion", "3", "z2", "z2", "z2", "weights", "0.1", "0.2", "0.3", "withscores"], "*6\r\n$1\r\nb\r\n$1\r\n6\r\n$1\r\nc\r\n$2\r\n12\r\n$1\r\nd\r\n$2\r\n18\r\n", 0, 3, 0),
            (&["hello", "3"], "*", 0, 0, 0),
            (&["zunion", "2", "z1", "z2", "withscores"], "*4\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,10\r\n*2\r\n$1\r\nc\r\n,20\r\n*2\r\n$1\r\nd\r\n,30\r\n", 0, 2, 0),
            (&["zinter", "1", "z2", "weights", "-1", "withscores"], "*3\r\n*2\r\n$1\r\nd\r\n,-30\r\n*2\r\n$1\r\nc\r\n,-20\r\n*2\r\n$1\r\nb\r\n,-10\r\n", 0, 1, 0),
            (&["zdiff", "1", "z2", "withscores"], "*3\r\n*2\r\n$1\r\nb\r\n,10\r\n*2\r\n$1\r\nc\r\n,20\r\n*2\r\n$1\r\nd\r\n,30\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn encodings() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["zadd", "z", "1", "a"], ":1\r\n", 1, 0, 0),
            (&["object", "encoding", "z"], "$8\r\nlistpack\r\n", 0, 1, 0),
            (&["zadd", "long", "1", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"], ":1\r\n", 1, 0, 0),
            (&["object", "encoding", "long"], "$8\r\nskiplist\r\n", 0, 1, 0),
            (&["zadd", "long64", "1", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"], ":1\r\n", 1, 0, 0),
            (&["object", "encoding", "long64"], "$8\r\nlistpack\r\n", 0, 1, 0),
            (&["zrem", "long", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"], ":1\r\n", 1, 0, 0),
            (&["exists", "long"], ":0\r\n", 0, 0, 1),
            (&["zadd", "long", "1", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "2", "y"], ":2\r\n", 2, 0, 0),
            (&["zrem", "long", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"], ":1\r\n", 1, 0, 0),
            (&["object", "encoding", "long"], "$8\r\nskiplist\r\n", 0, 1, 0),
            (&["zunionstore", "u", "1", "long"], ":1\r\n", 1, 1, 0),
            (&["object", "encoding", "u"], "$8\r\nlistpack\r\n", 0, 1, 0),
            (&["zrangestore", "r", "long", "0", "-1"], ":1\r\n", 1, 1, 0),
            (&["object", "encoding", "r"], "$8\r\nlistpack\r\n", 0, 1, 0),
            (&["zincrby", "inc", "1", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"], "$1\r\n1\r\n", 1, 0, 0),
            (&["object", "encoding", "inc"], "$8\r\nskiplist\r\n", 0, 1, 0),
            (&["zadd", "neg", "-0", "a"], ":1\r\n", 1, 0, 0),
            (&["zadd", "negbig", "-0", "a", "1", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"], ":2\r\n", 2, 0, 0),
            (&["zscore", "neg", "a"], "$1\r\n0\r\n", 0, 1, 0),
            (&["zscore", "negbig", "a"], "$1\r\n0\r\n", 0, 1, 0),
            (&["zrange", "negbig", "0", "-1", "withscores"], "*4\r\n$1\r\na\r\n$1\r\n0\r\n$65\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["zunionstore", "negu", "1", "negbig"], ":2\r\n", 1, 1, 0),
            (&["zscore", "negu", "a"], "$1\r\n0\r\n", 0, 1, 0),
            (&["zadd", "negbig", "0", "a"], ":0\r\n", 0, 0, 0),
            (&["zscore", "negbig", "a"], "$1\r\n0\r\n", 0, 1, 0),
            (&["zscan", "negbig", "0", "match", "a"], "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\n0\r\n", 0, 1, 0),
            (&["zunion", "1", "negbig", "withscores"], "*4\r\n$1\r\na\r\n$1\r\n0\r\n$65\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["!fill", "src", "200", "7"], ":200\r\n", 200, 0, 0),
            (&["zadd", "src", "-0", "m0001"], ":0\r\n", 1, 0, 0),
            (&["zrangestore", "d1", "src", "0", "-1"], ":200\r\n", 1, 1, 0),
            (&["zscore", "d1", "m0001"], "$2\r\n-0\r\n", 0, 1, 0),
            (&["zrangestore", "d2", "src", "-inf", "+inf", "byscore"], ":200\r\n", 1, 1, 0),
            (&["zscore", "d2", "m0001"], "$1\r\n0\r\n", 0, 1, 0),
            (&["zrangestore", "d3", "src", "+inf", "-inf", "byscore", "rev"], ":200\r\n", 1, 1, 0),
            (&["zscore", "d3", "m0001"], "$2\r\n-0\r\n", 0, 1, 0),
            (&["zrangestore", "d4", "src", "-", "+", "bylex", "limit", "0", "150"], ":150\r\n", 1, 1, 0),
            (&["zscore", "d4", "m0001"], "$1\r\n0\r\n", 0, 1, 0),
            (&["zunionstore", "d5", "1", "src"], ":200\r\n", 1, 1, 0),
            (&["zscore", "d5", "m0001"], "$2\r\n-0\r\n", 0, 1, 0),
            (&["zrangestore", "d6", "src", "0", "9"], ":10\r\n", 1, 1, 0),
            (&["zscore", "d6", "m0001"], "$1\r\n0\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn large_sets() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["!fill", "z", "300", "7"], ":300\r\n", 300, 0, 0),
            (&["object", "encoding", "z"], "$8\r\nskiplist\r\n", 0, 1, 0),
            (&["zcard", "z"], ":300\r\n", 0, 1, 0),
            (&["zscore", "z", "m0123"], "$1\r\n4\r\n", 0, 1, 0),
            (&["zscore", "z", "m9999"], "$-1\r\n", 0, 1, 0),
            (&["zrank", "z", "m0123"], ":189\r\n", 0, 1, 0),
            (&["zrevrank", "z", "m0123"], ":110\r\n", 0, 1, 0),
            (&["zrank", "z", "m0299"], ":257\r\n", 0, 1, 0),
            (&["zmscore", "z", "m0000", "m0299", "nope"], "*3\r\n$1\r\n0\r\n$1\r\n5\r\n$-1\r\n", 0, 1, 0),
            (&["zcount", "z", "2", "(4"], ":86\r\n", 0, 1, 0),
            (&["zcount", "z", "-inf", "+inf"], ":300\r\n", 0, 1, 0),
            (&["zcount", "z", "(6", "+inf"], ":0\r\n", 0, 1, 0),
            (&["zrange", "z", "40", "45", "withscores"], "*12\r\n$5\r\nm0280\r\n$1\r\n0\r\n$5\r\nm0287\r\n$1\r\n0\r\n$5\r\nm0294\r\n$1\r\n0\r\n$5\r\nm0001\r\n$1\r\n1\r\n$5\r\nm0008\r\n$1\r\n1\r\n$5\r\nm0015\r\n$1\r\n1\r\n", 0, 1, 0),
            (&["zrange", "z", "-3", "-1"], "*3\r\n$5\r\nm0279\r\n$5\r\nm0286\r\n$5\r\nm0293\r\n", 0, 1, 0),
            (&["zrevrange", "z", "0", "4", "withscores"], "*10\r\n$5\r\nm0293\r\n$1\r\n6\r\n$5\r\nm0286\r\n$1\r\n6\r\n$5\r\nm0279\r\n$1\r\n6\r\n$5\r\nm0272\r\n$1\r\n6\r\n$5\r\nm0265\r\n$1\r\n6\r\n", 0, 1, 0),
            (&["zrevrange", "z", "297", "400"], "*3\r\n$5\r\nm0014\r\n$5\r\nm0007\r\n$5\r\nm0000\r\n", 0, 1, 0),
            (&["zrange", "z", "(2", "3", "byscore", "limit", "5", "4", "withscores"], "*8\r\n$5\r\nm0038\r\n$1\r\n3\r\n$5\r\nm0045\r\n$1\r\n3\r\n$5\r\nm0052\r\n$1\r\n3\r\n$5\r\nm0059\r\n$1\r\n3\r\n", 0, 1, 0),
            (&["zrange", "z", "3", "(2", "byscore", "rev", "limit", "5", "4", "withscores"], "*8\r\n$5\r\nm0262\r\n$1\r\n3\r\n$5\r\nm0255\r\n$1\r\n3\r\n$5\r\nm0248\r\n$1\r\n3\r\n$5\r\nm0241\r\n$1\r\n3\r\n", 0, 1, 0),
            (&["zrangebyscore", "z", "6", "6", "limit", "40", "10"], "*2\r\n$5\r\nm0286\r\n$5\r\nm0293\r\n", 0, 1, 0),
            (&["zrevrangebyscore", "z", "0", "0", "limit", "40", "10"], "*3\r\n$5\r\nm0014\r\n$5\r\nm0007\r\n$5\r\nm0000\r\n", 0, 1, 0),
            (&["zrangebyscore", "z", "(5", "+inf", "limit", "80", "5"], "*0\r\n", 0, 1, 0),
            (&["zadd", "z", "3.5", "newmember"], ":1\r\n", 1, 0, 0),
            (&["zrank", "z", "newmember"], ":172\r\n", 0, 1, 0),
            (&["zincrby", "z", "-10", "m0100"], "$2\r\n-8\r\n", 1, 0, 0),
            (&["zrank", "z", "m0100"], ":0\r\n", 0, 1, 0),
            (&["zrange", "z", "0", "2", "withscores"], "*6\r\n$5\r\nm0100\r\n$2\r\n-8\r\n$5\r\nm0000\r\n$1\r\n0\r\n$5\r\nm0007\r\n$1\r\n0\r\n", 0, 1, 0),
            (&["zrem", "z", "m0100", "newmember", "nope"], ":2\r\n", 2, 0, 0),
            (&["zremrangebyrank", "z", "10", "19"], ":10\r\n", 10, 0, 0),
            (&["zcard", "z"], ":289\r\n", 0, 1, 0),
            (&["zremrangebyscore", "z", "1", "(2"], ":43\r\n", 43, 0, 0),
            (&["zcard", "z"], ":246\r\n", 0, 1, 0),
            (&["zrange", "z", "0", "-1", "byscore", "limit", "0", "5", "withscores"], "*0\r\n", 0, 1, 0),
            (&["zpopmin", "z", "3"], "*6\r\n$5\r\nm0000\r\n$1\r\n0\r\n$5\r\nm0007\r\n$1\r\n0\r\n$5\r\nm0014\r\n$1\r\n0\r\n", 3, 0, 0),
            (&["zpopmax", "z", "2"], "*4\r\n$5\r\nm0293\r\n$1\r\n6\r\n$5\r\nm0286\r\n$1\r\n6\r\n", 2, 0, 0),
            (&["zcard", "z"], ":241\r\n", 0, 1, 0),
            (&["zrangestore", "dst", "z", "0", "127"], ":128\r\n", 1, 1, 0),
            (&["object", "encoding", "dst"], "$8\r\nlistpack\r\n", 0, 1, 0),
            (&["zrangestore", "dst", "z", "0", "128"], ":129\r\n", 1, 1, 0),
            (&["object", "encoding", "dst"], "$8\r\nskiplist\r\n", 0, 1, 0),
            (&["zrangestore", "dst", "z", "5", "(6", "byscore"], ":43\r\n", 1, 1, 0),
            (&["object", "encoding", "dst"], "$8\r\nlistpack\r\n", 0, 1, 0),
            (&["zcard", "dst"], ":43\r\n", 0, 1, 0),
            (&["zunionstore", "u", "1", "z"], ":241\r\n", 1, 1, 0),
            (&["object", "encoding", "u"], "$8\r\nskiplist\r\n", 0, 1, 0),
            (&["zinterstore", "i", "2", "z", "dst"], ":43\r\n", 1, 2, 0),
            (&["object", "encoding", "i"], "$8\r\nlistpack\r\n", 0, 1, 0),
            (&["zcard", "i"], ":43\r\n", 0, 1, 0),
            (&["zdiffstore", "d", "2", "z", "dst"], ":198\r\n", 1, 2, 0),
            (&["object", "encoding", "d"], "$8\r\nskiplist\r\n", 0, 1, 0),
            (&["zcard", "d"], ":198\r\n", 0, 1, 0),
            (&["zrange", "d", "0", "3", "withscores"], "*8\r\n$5\r\nm0021\r\n$1\r\n0\r\n$5\r\nm0028\r\n$1\r\n0\r\n$5\r\nm0035\r\n$1\r\n0\r\n$5\r\nm0042\r\n$1\r\n0\r\n", 0, 1, 0),
            (&["zremrangebyrank", "z", "0", "-1"], ":241\r\n", 241, 0, 0),
            (&["exists", "z"], ":0\r\n", 0, 0, 1),
            (&["!fill", "e", "300", "1"], ":300\r\n", 300, 0, 0),
            (&["object", "encoding", "e"], "$8\r\nskiplist\r\n", 0, 1, 0),
            (&["zlexcount", "e", "-", "+"], ":300\r\n", 0, 1, 0),
            (&["zlexcount", "e", "[m0100", "(m0200"], ":100\r\n", 0, 1, 0),
            (&["zrangebylex", "e", "[m0100", "(m0200", "limit", "5", "3"], "*3\r\n$5\r\nm0105\r\n$5\r\nm0106\r\n$5\r\nm0107\r\n", 0, 1, 0),
            (&["zrevrangebylex", "e", "(m0200", "[m0100", "limit", "5", "3"], "*3\r\n$5\r\nm0194\r\n$5\r\nm0193\r\n$5\r\nm0192\r\n", 0, 1, 0),
            (&["zrange", "e", "[m0290", "+", "bylex"], "*10\r\n$5\r\nm0290\r\n$5\r\nm0291\r\n$5\r\nm0292\r\n$5\r\nm0293\r\n$5\r\nm0294\r\n$5\r\nm0295\r\n$5\r\nm0296\r\n$5\r\nm0297\r\n$5\r\nm0298\r\n$5\r\nm0299\r\n", 0, 1, 0),
            (&["zremrangebylex", "e", "-", "[m0009"], ":10\r\n", 10, 0, 0),
            (&["zcard", "e"], ":290\r\n", 0, 1, 0),
            (&["zrange", "e", "0", "1"], "*2\r\n$5\r\nm0010\r\n$5\r\nm0011\r\n", 0, 1, 0),
            (&["hello", "3"], "*", 0, 0, 0),
            (&["zrange", "e", "0", "1", "withscores"], "*2\r\n*2\r\n$5\r\nm0010\r\n,0\r\n*2\r\n$5\r\nm0011\r\n,0\r\n", 0, 1, 0),
            (&["zpopmin", "e", "2"], "*2\r\n*2\r\n$5\r\nm0010\r\n,0\r\n*2\r\n$5\r\nm0011\r\n,0\r\n", 2, 0, 0),
            (&["zscore", "e", "m0050"], ",0\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn large_setops() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["!fill", "a", "300", "7"], ":300\r\n", 300, 0, 0),
            (&["!fill", "b", "200", "3"], ":200\r\n", 200, 0, 0),
            (&["zadd", "c", "1", "m0001", "1", "m0002", "5", "m0250", "1", "zzz"], ":4\r\n", 4, 0, 0),
            (&["zunion", "3", "a", "b", "c", "weights", "1", "2", "3", "aggregate", "max", "withscores", "limit"], "-ERR syntax error\r\n", 0, 3, 0),
            (&["zunionstore", "u", "3", "a", "b", "c", "weights", "1", "2", "3", "aggregate", "max"], ":301\r\n", 1, 3, 0),
            (&["zcard", "u"], ":301\r\n", 0, 1, 0),
            (&["zrange", "u", "0", "5", "withscores"], "*12\r\n$5\r\nm0000\r\n$1\r\n0\r\n$5\r\nm0021\r\n$1\r\n0\r\n$5\r\nm0042\r\n$1\r\n0\r\n$5\r\nm0063\r\n$1\r\n0\r\n$5\r\nm0084\r\n$1\r\n0\r\n$5\r\nm0105\r\n$1\r\n0\r\n", 0, 1, 0),
            (&["zrange", "u", "-3", "-1", "withscores"], "*6\r\n$5\r\nm0286\r\n$1\r\n6\r\n$5\r\nm0293\r\n$1\r\n6\r\n$5\r\nm0250\r\n$2\r\n15\r\n", 0, 1, 0),
            (&["zinter", "3", "a", "b", "c", "withscores"], "*4\r\n$5\r\nm0001\r\n$1\r\n3\r\n$5\r\nm0002\r\n$1\r\n5\r\n", 0, 3, 0),
            (&["zinterstore", "i", "2", "a", "b", "weights", "2", "3"], ":200\r\n", 1, 2, 0),
            (&["zcard", "i"], ":200\r\n", 0, 1, 0),
            (&["zrange", "i", "100", "104", "withscores"], "*10\r\n$5\r\nm0094\r\n$1\r\n9\r\n$5\r\nm0115\r\n$1\r\n9\r\n$5\r\nm0136\r\n$1\r\n9\r\n$5\r\nm0157\r\n$1\r\n9\r\n$5\r\nm0178\r\n$1\r\n9\r\n", 0, 1, 0),
            (&["zintercard", "2", "a", "b"], ":200\r\n", 0, 2, 0),
            (&["zintercard", "2", "a", "b", "limit", "50"], ":50\r\n", 0, 2, 0),
            (&["zintercard", "3", "a", "b", "c"], ":2\r\n", 0, 3, 0),
            (&["zdiff", "2", "c", "a", "withscores"], "*2\r\n$3\r\nzzz\r\n$1\r\n1\r\n", 0, 2, 0),
            (&["zdiffstore", "d", "2", "a", "b"], ":100\r\n", 1, 2, 0),
            (&["zcard", "d"], ":100\r\n", 0, 1, 0),
            (&["zrange", "d", "0", "3", "withscores"], "*8\r\n$5\r\nm0203\r\n$1\r\n0\r\n$5\r\nm0210\r\n$1\r\n0\r\n$5\r\nm0217\r\n$1\r\n0\r\n$5\r\nm0224\r\n$1\r\n0\r\n", 0, 1, 0),
            (&["object", "encoding", "d"], "$8\r\nlistpack\r\n", 0, 1, 0),
        ],
    );
}
