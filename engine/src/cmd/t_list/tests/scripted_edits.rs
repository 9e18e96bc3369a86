//! Command scripts generated from redis-server 7.0.15: each expected reply is the server's
//! exact reply to the same command line, run in the same order on an empty database.
//! In-place edits, wrong types, arity, RESP3 and integer elements.

use super::script;
use crate::testing::client;

#[test]
fn lindex_and_lset() {
    // LINDEX looks the key up before it parses the index (a missing key answers null whatever the
    // index); LSET reports a missing key first, then a bad index, then an index out of range.
    let mut t = client();
    script(
        &mut t,
        &[
            ("lindex missing 0", "$-1\r\n"),
            ("lindex missing abc", "$-1\r\n"),
            ("rpush k a b c", ":3\r\n"),
            ("lindex k 0", "$1\r\na\r\n"),
            ("lindex k 2", "$1\r\nc\r\n"),
            ("lindex k 3", "$-1\r\n"),
            ("lindex k -1", "$1\r\nc\r\n"),
            ("lindex k -3", "$1\r\na\r\n"),
            ("lindex k -4", "$-1\r\n"),
            (
                "lindex k abc",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("lindex k 9223372036854775807", "$-1\r\n"),
            ("lindex k -9223372036854775808", "$-1\r\n"),
            (
                "lindex k 9223372036854775808",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "lindex k 1.0",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("lset missing 0 x", "-ERR no such key\r\n"),
            ("lset missing abc x", "-ERR no such key\r\n"),
            ("lset k 0 x", "+OK\r\n"),
            ("lset k -1 z", "+OK\r\n"),
            ("lset k 1 ''", "+OK\r\n"),
            ("lrange k 0 -1", "*3\r\n$1\r\nx\r\n$0\r\n\r\n$1\r\nz\r\n"),
            ("lset k 3 x", "-ERR index out of range\r\n"),
            ("lset k -4 x", "-ERR index out of range\r\n"),
            (
                "lset k abc x",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "lset k -9223372036854775808 x",
                "-ERR index out of range\r\n",
            ),
            (
                "lset k 9223372036854775807 x",
                "-ERR index out of range\r\n",
            ),
            ("lset k 1 12345", "+OK\r\n"),
            ("lindex k 1", "$5\r\n12345\r\n"),
            ("lset k 1 -9", "+OK\r\n"),
            ("lindex k -2", "$2\r\n-9\r\n"),
        ],
    );
}

#[test]
fn linsert_before_and_after() {
    // The first pivot from the head wins; a missing pivot is -1 and a missing key 0; the
    // direction is checked before the key.
    let mut t = client();
    script(
        &mut t,
        &[
            ("linsert missing before a x", ":0\r\n"),
            ("linsert missing middle a x", "-ERR syntax error\r\n"),
            ("rpush k a b a", ":3\r\n"),
            ("linsert k before a x", ":4\r\n"),
            ("linsert k after a y", ":5\r\n"),
            (
                "lrange k 0 -1",
                "*5\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\ny\r\n$1\r\nb\r\n$1\r\na\r\n",
            ),
            ("linsert k AFTER b z", ":6\r\n"),
            ("linsert k Before b w", ":7\r\n"),
            ("linsert k before nope v", ":-1\r\n"),
            ("linsert k middle b v", "-ERR syntax error\r\n"),
            ("linsert k '' b v", "-ERR syntax error\r\n"),
            (
                "lrange k 0 -1",
                "*7\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\ny\r\n$1\r\nw\r\n$1\r\nb\r\n$1\r\nz\r\n$1\r\na\r\n",
            ),
            ("linsert k after a ''", ":8\r\n"),
            ("lindex k 2", "$0\r\n\r\n"),
            ("llen k", ":8\r\n"),
            ("rpush n 1 10 100", ":3\r\n"),
            ("linsert n after 10 11", ":4\r\n"),
            ("linsert n before 010 9", ":-1\r\n"),
            (
                "lrange n 0 -1",
                "*4\r\n$1\r\n1\r\n$2\r\n10\r\n$2\r\n11\r\n$3\r\n100\r\n",
            ),
        ],
    );
}

#[test]
fn lrem_by_count_sign() {
    // Positive counts remove from the head, negative from the tail, 0 all; the count is parsed
    // before the lookup; an emptied list is deleted.
    let mut t = client();
    script(
        &mut t,
        &[
            ("lrem missing 1 a", ":0\r\n"),
            (
                "lrem missing abc a",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("rpush k a b a c a b a", ":7\r\n"),
            ("lrem k 2 a", ":2\r\n"),
            (
                "lrange k 0 -1",
                "*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\na\r\n",
            ),
            ("lrem k -1 b", ":1\r\n"),
            (
                "lrange k 0 -1",
                "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\na\r\n",
            ),
            ("lrem k 0 a", ":2\r\n"),
            ("lrange k 0 -1", "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"),
            ("lrem k 1 zz", ":0\r\n"),
            (
                "lrem k abc b",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("lrem k 0 b", ":1\r\n"),
            ("lrem k -5 c", ":1\r\n"),
            ("exists k", ":0\r\n"),
            ("rpush k x x x", ":3\r\n"),
            ("lrem k -9223372036854775808 x", ":3\r\n"),
            ("exists k", ":0\r\n"),
            ("rpush k x y x", ":3\r\n"),
            ("lrem k 9223372036854775807 x", ":2\r\n"),
            ("lrange k 0 -1", "*1\r\n$1\r\ny\r\n"),
            ("rpush n 1 01 1 -0 0", ":5\r\n"),
            ("lrem n 0 1", ":2\r\n"),
            ("lrange n 0 -1", "*3\r\n$2\r\n01\r\n$2\r\n-0\r\n$1\r\n0\r\n"),
            ("lrem n 0 0", ":1\r\n"),
            ("lrange n 0 -1", "*2\r\n$2\r\n01\r\n$2\r\n-0\r\n"),
        ],
    );
}

#[test]
fn ltrim_ranges() {
    // LTRIM keeps the normalised range; an empty range deletes the key; a missing key is OK.
    let mut t = client();
    script(
        &mut t,
        &[
            ("ltrim missing 0 1", "+OK\r\n"),
            (
                "ltrim missing a 1",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("rpush k 1 2 3 4 5 6", ":6\r\n"),
            ("ltrim k 1 -2", "+OK\r\n"),
            (
                "lrange k 0 -1",
                "*4\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n",
            ),
            ("ltrim k -100 100", "+OK\r\n"),
            (
                "lrange k 0 -1",
                "*4\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n",
            ),
            ("ltrim k 1 1", "+OK\r\n"),
            ("lrange k 0 -1", "*1\r\n$1\r\n3\r\n"),
            ("ltrim k 0 -1", "+OK\r\n"),
            (
                "ltrim k a 1",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "ltrim k 1 a",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("ltrim k 2 1", "+OK\r\n"),
            ("exists k", ":0\r\n"),
            ("rpush k 1 2 3", ":3\r\n"),
            (
                "ltrim k -9223372036854775808 9223372036854775807",
                "+OK\r\n",
            ),
            ("llen k", ":3\r\n"),
            ("ltrim k 5 10", "+OK\r\n"),
            ("exists k", ":0\r\n"),
            ("rpush k 1 2 3", ":3\r\n"),
            ("ltrim k -1 -1", "+OK\r\n"),
            ("lrange k 0 -1", "*1\r\n$1\r\n3\r\n"),
            ("rpush k 4 5", ":3\r\n"),
            ("ltrim k 0 -3", "+OK\r\n"),
            ("exists k", ":1\r\n"),
        ],
    );
}

#[test]
fn wrong_type_everywhere() {
    // Every list command on a string key, with the argument errors that win over WRONGTYPE
    // because Redis checks them first.
    let mut t = client();
    script(
        &mut t,
        &[
            ("set s x", "+OK\r\n"),
            (
                "lpush s a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "rpush s a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "lpushx s a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "rpushx s a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "lpop s",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "rpop s 1",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "lpop s 0",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "lpop s -1",
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                "llen s",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "lrange s 0 -1",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "lrange s a b",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "lindex s 0",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "lindex s abc",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "lset s 0 x",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "lset s abc x",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "linsert s before a b",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            ("linsert s middle a b", "-ERR syntax error\r\n"),
            (
                "lrem s 0 a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "lrem s abc a",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "ltrim s 0 1",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "ltrim s a 1",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "lpos s a",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "lpos s a count 1",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "lpos s a rank 0",
                "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n",
            ),
            ("lpos s a foo", "-ERR syntax error\r\n"),
            (
                "lmove s d left right",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            ("lmove s d left middle", "-ERR syntax error\r\n"),
            ("rpush d a", ":1\r\n"),
            (
                "lmove d s left right",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            ("lmove missing s left right", "$-1\r\n"),
            (
                "rpoplpush s d",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "rpoplpush d s",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "lmpop 1 s left",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                "lmpop 2 missing s left",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            ("lmpop 2 d s left", "*2\r\n$1\r\nd\r\n*1\r\n$1\r\na\r\n"),
            (
                "lmpop 2 s d left",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            ("lmpop 1 s middle", "-ERR syntax error\r\n"),
            ("get s", "$1\r\nx\r\n"),
            ("lrange d 0 -1", "*0\r\n"),
        ],
    );
}

#[test]
fn arity_errors() {
    // Wrong argument counts are caught from the table (LPOP/RPOP check their upper bound
    // themselves).
    let mut t = client();
    script(
        &mut t,
        &[
            (
                "lpush k",
                "-ERR wrong number of arguments for 'lpush' command\r\n",
            ),
            (
                "rpush k",
                "-ERR wrong number of arguments for 'rpush' command\r\n",
            ),
            (
                "lpushx k",
                "-ERR wrong number of arguments for 'lpushx' command\r\n",
            ),
            (
                "rpushx k",
                "-ERR wrong number of arguments for 'rpushx' command\r\n",
            ),
            (
                "lpop",
                "-ERR wrong number of arguments for 'lpop' command\r\n",
            ),
            (
                "rpop",
                "-ERR wrong number of arguments for 'rpop' command\r\n",
            ),
            (
                "lpop k 1 2",
                "-ERR wrong number of arguments for 'lpop' command\r\n",
            ),
            (
                "llen",
                "-ERR wrong number of arguments for 'llen' command\r\n",
            ),
            (
                "llen a b",
                "-ERR wrong number of arguments for 'llen' command\r\n",
            ),
            (
                "lrange k 0",
                "-ERR wrong number of arguments for 'lrange' command\r\n",
            ),
            (
                "lindex k",
                "-ERR wrong number of arguments for 'lindex' command\r\n",
            ),
            (
                "lset k 0",
                "-ERR wrong number of arguments for 'lset' command\r\n",
            ),
            (
                "linsert k before a",
                "-ERR wrong number of arguments for 'linsert' command\r\n",
            ),
            (
                "lrem k 0",
                "-ERR wrong number of arguments for 'lrem' command\r\n",
            ),
            (
                "ltrim k 0",
                "-ERR wrong number of arguments for 'ltrim' command\r\n",
            ),
            (
                "lpos k",
                "-ERR wrong number of arguments for 'lpos' command\r\n",
            ),
            (
                "lmove a b left",
                "-ERR wrong number of arguments for 'lmove' command\r\n",
            ),
            (
                "rpoplpush a",
                "-ERR wrong number of arguments for 'rpoplpush' command\r\n",
            ),
            (
                "lmpop 1 k",
                "-ERR wrong number of arguments for 'lmpop' command\r\n",
            ),
            (
                "lmpop 1",
                "-ERR wrong number of arguments for 'lmpop' command\r\n",
            ),
            (
                "lrange k 0 1 2",
                "-ERR wrong number of arguments for 'lrange' command\r\n",
            ),
            (
                "lindex k 0 1",
                "-ERR wrong number of arguments for 'lindex' command\r\n",
            ),
        ],
    );
}

#[test]
fn resp3_replies() {
    // RESP3: nulls are `_`, LMPOP is still a two-element array.
    let mut t = client();
    t.run(&["hello", "3"]);
    script(
        &mut t,
        &[
            ("rpush k a b c", ":3\r\n"),
            ("lpop k 2", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
            ("lpop missing 2", "_\r\n"),
            ("lpop missing", "_\r\n"),
            ("rpop missing 0", "_\r\n"),
            ("lmpop 1 missing left", "_\r\n"),
            ("lmpop 1 k left", "*2\r\n$1\r\nk\r\n*1\r\n$1\r\nc\r\n"),
            ("lpos k z", "_\r\n"),
            ("lpos k z count 0", "*0\r\n"),
            ("lindex k 10", "_\r\n"),
            ("lmove missing x left left", "_\r\n"),
            ("rpoplpush missing x", "_\r\n"),
            ("lrange missing 0 -1", "*0\r\n"),
            ("lpop k 0", "_\r\n"),
            ("llen k", ":0\r\n"),
            ("lpos missing a", "_\r\n"),
        ],
    );
}

#[test]
fn integers_round_trip() {
    // Elements that are canonical integers come back as the same text; near-integers stay
    // strings and compare as bytes.
    let mut t = client();
    script(
        &mut t,
        &[
            (
                "rpush k 0 -0 01 +1 1 -1 9223372036854775807 -9223372036854775808 9223372036854775808 1.0 255 256 -129 65536",
                ":14\r\n",
            ),
            (
                "lrange k 0 -1",
                "*14\r\n$1\r\n0\r\n$2\r\n-0\r\n$2\r\n01\r\n$2\r\n+1\r\n$1\r\n1\r\n$2\r\n-1\r\n$19\r\n9223372036854775807\r\n$20\r\n-9223372036854775808\r\n$19\r\n9223372036854775808\r\n$3\r\n1.0\r\n$3\r\n255\r\n$3\r\n256\r\n$4\r\n-129\r\n$5\r\n65536\r\n",
            ),
            ("lpos k 1", ":4\r\n"),
            ("lpos k 01", ":2\r\n"),
            ("lpos k -0", ":1\r\n"),
            ("lpos k 0", ":0\r\n"),
            ("lpos k -9223372036854775808", ":7\r\n"),
            ("lpos k 9223372036854775808", ":8\r\n"),
            ("lrem k 0 1", ":1\r\n"),
            ("lrem k 0 +1", ":1\r\n"),
            ("lindex k 3", "$2\r\n-1\r\n"),
            ("lset k 0 12", "+OK\r\n"),
            ("lindex k 0", "$2\r\n12\r\n"),
            ("linsert k before 255 254", ":13\r\n"),
            (
                "lrange k 6 9",
                "*4\r\n$19\r\n9223372036854775808\r\n$3\r\n1.0\r\n$3\r\n254\r\n$3\r\n255\r\n",
            ),
            ("lmove k k right left", "$5\r\n65536\r\n"),
            ("lindex k 0", "$5\r\n65536\r\n"),
        ],
    );
}
