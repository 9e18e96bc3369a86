//! Tests of the list commands. Every expected reply was produced by redis-server 7.0.15 for
//! the same commands (the scripted tests were generated from its replies, the others checked
//! against it by hand).

use std::sync::atomic::Ordering;

use crate::testing::{TestClient, client};

/// Runs `command line` / expected reply pairs; words are split on spaces, `''` is empty.
fn script(t: &mut TestClient, steps: &[(&str, &str)]) {
    for (line, expected) in steps {
        let args: Vec<&str> = line
            .split(' ')
            .map(|w| if w == "''" { "" } else { w })
            .collect();
        assert_eq!(t.run(&args), *expected, "reply to `{line}`");
    }
}

fn dirty(t: &TestClient) -> u64 {
    t.engine.keyspace.stats.dirty.load(Ordering::Relaxed)
}

fn hits_misses(t: &TestClient) -> (u64, u64) {
    let stats = &t.engine.keyspace.stats;
    (
        stats.keyspace_hits.load(Ordering::Relaxed),
        stats.keyspace_misses.load(Ordering::Relaxed),
    )
}

fn bulk(text: &str) -> String {
    format!("${}\r\n{text}\r\n", text.len())
}

#[test]
fn push_and_pushx() {
    // LPUSH prepends one by one, so the last argument ends up first; the X variants never create
    // a key. Pushes reply the new length.
    let mut t = client();
    script(
        &mut t,
        &[
            ("lpushx k a", ":0\r\n"),
            ("rpushx k a b", ":0\r\n"),
            ("exists k", ":0\r\n"),
            ("lpush k a b c", ":3\r\n"),
            ("rpush k d e", ":5\r\n"),
            (
                "lrange k 0 -1",
                "*5\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n",
            ),
            ("lpushx k x y", ":7\r\n"),
            ("rpushx k z", ":8\r\n"),
            (
                "lrange k 0 -1",
                "*8\r\n$1\r\ny\r\n$1\r\nx\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nz\r\n",
            ),
            ("llen k", ":8\r\n"),
            ("type k", "+list\r\n"),
            ("object encoding k", "$9\r\nquicklist\r\n"),
            ("rpush k ''", ":9\r\n"),
            ("lindex k -1", "$0\r\n\r\n"),
            ("llen k", ":9\r\n"),
            ("LPUSH k UP", ":10\r\n"),
            ("lindex k 0", "$2\r\nUP\r\n"),
            ("rpush e ''", ":1\r\n"),
            ("llen e", ":1\r\n"),
        ],
    );
}

#[test]
fn lpop_rpop_with_and_without_count() {
    // The count is parsed before the key is looked up; a missing key is a null (array with a
    // count) even for count 0; RPOP with a count replies last element first.
    let mut t = client();
    script(
        &mut t,
        &[
            ("rpush k a b c d e", ":5\r\n"),
            ("lpop k", "$1\r\na\r\n"),
            ("rpop k", "$1\r\ne\r\n"),
            ("lpop k 0", "*0\r\n"),
            ("rpop k 2", "*2\r\n$1\r\nd\r\n$1\r\nc\r\n"),
            ("lrange k 0 -1", "*1\r\n$1\r\nb\r\n"),
            ("lpop k 5", "*1\r\n$1\r\nb\r\n"),
            ("exists k", ":0\r\n"),
            ("lpop k", "$-1\r\n"),
            ("rpop k", "$-1\r\n"),
            ("lpop k 0", "*-1\r\n"),
            ("rpop k 3", "*-1\r\n"),
            (
                "lpop k -1",
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                "lpop k abc",
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                "lpop k 1.5",
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                "lpop k ''",
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                "rpop k 9223372036854775808",
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                "lpop k 1 2",
                "-ERR wrong number of arguments for 'lpop' command\r\n",
            ),
            (
                "rpop k 1 2 3",
                "-ERR wrong number of arguments for 'rpop' command\r\n",
            ),
            ("rpush k a", ":1\r\n"),
            ("lpop k 9223372036854775807", "*1\r\n$1\r\na\r\n"),
            ("exists k", ":0\r\n"),
            ("rpush k a b", ":2\r\n"),
            ("rpop k 0", "*0\r\n"),
            ("llen k", ":2\r\n"),
            (
                "lpop k -1",
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                "lpop k -9223372036854775808",
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                "lpop k 01",
                "-ERR value is out of range, must be positive\r\n",
            ),
            (
                "lpop k +1",
                "-ERR value is out of range, must be positive\r\n",
            ),
        ],
    );
}

#[test]
fn llen_and_lrange_indexes() {
    // LRANGE normalises negative indexes, clamps the end, and replies an empty array for empty
    // ranges; both indexes are parsed before the lookup.
    let mut t = client();
    script(
        &mut t,
        &[
            ("llen missing", ":0\r\n"),
            ("lrange missing 0 -1", "*0\r\n"),
            ("rpush k a b c d e f", ":6\r\n"),
            ("llen k", ":6\r\n"),
            (
                "lrange k 0 -1",
                "*6\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n",
            ),
            ("lrange k 0 0", "*1\r\n$1\r\na\r\n"),
            ("lrange k -1 -1", "*1\r\n$1\r\nf\r\n"),
            ("lrange k -3 -1", "*3\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n"),
            ("lrange k 1 3", "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"),
            ("lrange k 2 1", "*0\r\n"),
            (
                "lrange k -100 100",
                "*6\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n",
            ),
            ("lrange k -100 -50", "*0\r\n"),
            ("lrange k 6 10", "*0\r\n"),
            ("lrange k 5 100", "*1\r\n$1\r\nf\r\n"),
            ("lrange k -1 -2", "*0\r\n"),
            ("lrange k 0 -7", "*0\r\n"),
            ("lrange k 0 -6", "*1\r\n$1\r\na\r\n"),
            ("lrange k -7 0", "*1\r\n$1\r\na\r\n"),
            (
                "lrange k -9223372036854775808 9223372036854775807",
                "*6\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n",
            ),
            (
                "lrange k 9223372036854775807 -9223372036854775808",
                "*0\r\n",
            ),
            ("lrange k 9223372036854775807 -1", "*0\r\n"),
            (
                "lrange k -9223372036854775808 -9223372036854775808",
                "*0\r\n",
            ),
            (
                "lrange k a 1",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "lrange k 1 a",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "lrange missing a 1",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "lrange k 0 9223372036854775808",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "lrange k '' 1",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "lrange k 01 2",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "lrange k -0 1",
                "-ERR value is not an integer or out of range\r\n",
            ),
        ],
    );
}

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
fn lpos_rank_count_maxlen() {
    // RANK (not 0) picks the n-th match, negative from the tail; COUNT 0 means all matches;
    // MAXLEN bounds the elements compared. Options are parsed before the lookup. RANK
    // -9223372036854775808 is accepted by Redis 7.0 (its negation wraps) and finds every match
    // from the tail.
    let mut t = client();
    script(
        &mut t,
        &[
            ("rpush k a b c a b c a", ":7\r\n"),
            ("lpos k a", ":0\r\n"),
            ("lpos k c", ":2\r\n"),
            ("lpos k z", "$-1\r\n"),
            ("lpos k a rank 2", ":3\r\n"),
            ("lpos k a rank -1", ":6\r\n"),
            ("lpos k a rank -2", ":3\r\n"),
            ("lpos k a rank 4", "$-1\r\n"),
            ("lpos k a rank -4", "$-1\r\n"),
            (
                "lpos k a rank 0",
                "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n",
            ),
            ("lpos k a rank -9223372036854775808", ":6\r\n"),
            ("lpos k a rank -9223372036854775807", "$-1\r\n"),
            ("lpos k a rank 9223372036854775807", "$-1\r\n"),
            (
                "lpos k a rank abc",
                "-ERR value is not an integer or out of range\r\n",
            ),
            (
                "lpos k a rank 9223372036854775808",
                "-ERR value is not an integer or out of range\r\n",
            ),
            ("lpos k a count 0", "*3\r\n:0\r\n:3\r\n:6\r\n"),
            ("lpos k a count 2", "*2\r\n:0\r\n:3\r\n"),
            ("lpos k a count 1", "*1\r\n:0\r\n"),
            ("lpos k a count -1", "-ERR COUNT can't be negative\r\n"),
            ("lpos k a count abc", "-ERR COUNT can't be negative\r\n"),
            ("lpos k a count 0 rank -1", "*3\r\n:6\r\n:3\r\n:0\r\n"),
            ("lpos k a count 0 rank 2", "*2\r\n:3\r\n:6\r\n"),
            ("lpos k a count 2 rank -2", "*2\r\n:3\r\n:0\r\n"),
            ("lpos k a count 5 rank 3", "*1\r\n:6\r\n"),
            ("lpos k z count 0", "*0\r\n"),
            ("lpos k a maxlen 3", ":0\r\n"),
            ("lpos k a maxlen 3 rank 2", "$-1\r\n"),
            ("lpos k a maxlen 3 count 0", "*1\r\n:0\r\n"),
            ("lpos k a maxlen 0 count 0", "*3\r\n:0\r\n:3\r\n:6\r\n"),
            ("lpos k a rank -1 maxlen 1", ":6\r\n"),
            ("lpos k a rank -1 maxlen 2 count 0", "*1\r\n:6\r\n"),
            ("lpos k a maxlen -1", "-ERR MAXLEN can't be negative\r\n"),
            ("lpos k a maxlen abc", "-ERR MAXLEN can't be negative\r\n"),
            ("lpos k a maxlen 9223372036854775807", ":0\r\n"),
            (
                "lpos k a rank -9223372036854775808 count 2",
                "*3\r\n:6\r\n:3\r\n:0\r\n",
            ),
            (
                "lpos k a rank -9223372036854775808 count 0",
                "*3\r\n:6\r\n:3\r\n:0\r\n",
            ),
            ("lpos k a rank -9223372036854775808 maxlen 2", ":6\r\n"),
            ("lpos k a rank -9223372036854775807 count 0", "*0\r\n"),
            ("lpos k a rank -3 count 9223372036854775807", "*1\r\n:0\r\n"),
            (
                "lpos k a count 9223372036854775808",
                "-ERR COUNT can't be negative\r\n",
            ),
            ("lpos k a foo", "-ERR syntax error\r\n"),
            ("lpos k a rank", "-ERR syntax error\r\n"),
            ("lpos k a count", "-ERR syntax error\r\n"),
            ("lpos k a maxlen", "-ERR syntax error\r\n"),
            ("lpos k a RANK 1 rank 3", ":6\r\n"),
            ("lpos k a count 1 count 0", "*3\r\n:0\r\n:3\r\n:6\r\n"),
            ("lpos k a COUNT 1 MAXLEN 7 RANK -1", "*1\r\n:6\r\n"),
            ("lpos missing a", "$-1\r\n"),
            ("lpos missing a count 1", "*0\r\n"),
            (
                "lpos missing a rank 0",
                "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n",
            ),
            ("lpos missing a foo", "-ERR syntax error\r\n"),
            (
                "lpos missing a count -1",
                "-ERR COUNT can't be negative\r\n",
            ),
            ("rpush n 1 01 1", ":3\r\n"),
            ("lpos n 1 count 0", "*2\r\n:0\r\n:2\r\n"),
            ("lpos n 01 count 0", "*1\r\n:1\r\n"),
        ],
    );
}

#[test]
fn lmove_and_rpoplpush() {
    // The directions are checked first, then the source (missing: null, before the destination
    // is looked at), then the destination's type. A single key rotates its own list.
    let mut t = client();
    script(
        &mut t,
        &[
            ("rpush k a b c", ":3\r\n"),
            ("lmove k d left right", "$1\r\na\r\n"),
            ("lmove k d right left", "$1\r\nc\r\n"),
            ("lrange k 0 -1", "*1\r\n$1\r\nb\r\n"),
            ("lrange d 0 -1", "*2\r\n$1\r\nc\r\n$1\r\na\r\n"),
            ("lmove k k left right", "$1\r\nb\r\n"),
            ("lmove d d left right", "$1\r\nc\r\n"),
            ("lrange d 0 -1", "*2\r\n$1\r\na\r\n$1\r\nc\r\n"),
            ("lmove d d right left", "$1\r\nc\r\n"),
            ("lrange d 0 -1", "*2\r\n$1\r\nc\r\n$1\r\na\r\n"),
            ("lmove d d left left", "$1\r\nc\r\n"),
            ("lrange d 0 -1", "*2\r\n$1\r\nc\r\n$1\r\na\r\n"),
            ("lmove k d middle left", "-ERR syntax error\r\n"),
            ("lmove k d left middle", "-ERR syntax error\r\n"),
            ("lmove missing d middle left", "-ERR syntax error\r\n"),
            ("lmove missing d left right", "$-1\r\n"),
            ("exists d2", ":0\r\n"),
            ("lmove k d LEFT Right", "$1\r\nb\r\n"),
            ("exists k", ":0\r\n"),
            ("lmove k d left left", "$-1\r\n"),
            ("lrange d 0 -1", "*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n"),
            ("rpoplpush d d", "$1\r\nb\r\n"),
            ("lrange d 0 -1", "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n"),
            ("rpoplpush d e", "$1\r\na\r\n"),
            ("lrange e 0 -1", "*1\r\n$1\r\na\r\n"),
            ("rpoplpush missing e", "$-1\r\n"),
            ("rpush one x", ":1\r\n"),
            ("lmove one one left left", "$1\r\nx\r\n"),
            ("rpoplpush one one", "$1\r\nx\r\n"),
            ("lrange one 0 -1", "*1\r\n$1\r\nx\r\n"),
            ("llen d", ":2\r\n"),
            ("rpush n 7", ":1\r\n"),
            ("lmove n m right left", "$1\r\n7\r\n"),
            ("lindex m 0", "$1\r\n7\r\n"),
            ("exists n", ":0\r\n"),
        ],
    );
}

#[test]
fn lmpop_keys_and_options() {
    // numkeys must be at least 1 and leave room for the direction; COUNT at most once and at
    // least 1; the first non-empty list among the keys is popped; a key of another type met
    // before it is an error.
    let mut t = client();
    script(
        &mut t,
        &[
            ("rpush k a b c d", ":4\r\n"),
            ("rpush k2 x y", ":2\r\n"),
            (
                "lmpop 2 missing k left",
                "*2\r\n$1\r\nk\r\n*1\r\n$1\r\na\r\n",
            ),
            (
                "lmpop 2 missing k right count 2",
                "*2\r\n$1\r\nk\r\n*2\r\n$1\r\nd\r\n$1\r\nc\r\n",
            ),
            (
                "lmpop 1 k left count 10",
                "*2\r\n$1\r\nk\r\n*1\r\n$1\r\nb\r\n",
            ),
            ("exists k", ":0\r\n"),
            (
                "lmpop 2 k k2 left count 1",
                "*2\r\n$2\r\nk2\r\n*1\r\n$1\r\nx\r\n",
            ),
            ("lmpop 1 missing left", "*-1\r\n"),
            ("lmpop 1 missing right count 3", "*-1\r\n"),
            (
                "lmpop 0 k left",
                "-ERR numkeys should be greater than 0\r\n",
            ),
            (
                "lmpop -1 k left",
                "-ERR numkeys should be greater than 0\r\n",
            ),
            (
                "lmpop abc k left",
                "-ERR numkeys should be greater than 0\r\n",
            ),
            ("lmpop 3 k left", "-ERR syntax error\r\n"),
            ("lmpop 2 k left", "-ERR syntax error\r\n"),
            ("lmpop 1 k middle", "-ERR syntax error\r\n"),
            (
                "lmpop 1 k2 left count 0",
                "-ERR count should be greater than 0\r\n",
            ),
            (
                "lmpop 1 k2 left count -1",
                "-ERR count should be greater than 0\r\n",
            ),
            (
                "lmpop 1 k2 left count abc",
                "-ERR count should be greater than 0\r\n",
            ),
            ("lmpop 1 k2 left count", "-ERR syntax error\r\n"),
            ("lmpop 1 k2 left foo", "-ERR syntax error\r\n"),
            ("lmpop 1 k2 left count 1 count 1", "-ERR syntax error\r\n"),
            ("lmpop 1 k2 left count 1 foo", "-ERR syntax error\r\n"),
            ("lmpop 9223372036854775806 k left", "-ERR syntax error\r\n"),
            ("lmpop 9223372036854775807 k left", "-ERR syntax error\r\n"),
            (
                "lmpop 9223372036854775808 k left",
                "-ERR numkeys should be greater than 0\r\n",
            ),
            (
                "lmpop 1 k2 right count 9223372036854775807",
                "*2\r\n$2\r\nk2\r\n*1\r\n$1\r\ny\r\n",
            ),
            (
                "lmpop 1 k2 right count 9223372036854775808",
                "-ERR count should be greater than 0\r\n",
            ),
            ("lmpop 1 k2 LEFT COUNT 1", "*-1\r\n"),
            ("exists k2", ":0\r\n"),
            (
                "lmpop 1 missing left count 0",
                "-ERR count should be greater than 0\r\n",
            ),
            ("rpush a 1 2 3", ":3\r\n"),
            (
                "lmpop 2 a a right count 2",
                "*2\r\n$1\r\na\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n",
            ),
            ("lrange a 0 -1", "*1\r\n$1\r\n1\r\n"),
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

#[test]
fn dirty_counts_as_redis() {
    let mut t = client();
    // Each step with the change of `rdb_changes_since_last_save` redis-server 7.0.15 showed.
    let steps: &[(&[&str], u64)] = &[
        (&["rpush", "k", "a", "b", "c"], 3),
        (&["lpush", "k", "a", "b"], 2),
        (&["lpushx", "k", "a", "b", "c"], 3),
        (&["rpushx", "missing", "a"], 0),
        (&["lpop", "k"], 1),
        (&["lpop", "k", "2"], 2),
        (&["lpop", "k", "0"], 0),
        (&["rpop", "k", "10"], 5),
        (&["rpush", "k", "a", "b", "c", "d", "e", "f"], 6),
        (&["ltrim", "k", "1", "-2"], 2),
        (&["ltrim", "k", "0", "-1"], 0),
        (&["ltrim", "k", "10", "20"], 4),
        (&["rpush", "k", "a", "b", "a", "c", "a"], 5),
        (&["lrem", "k", "0", "a"], 3),
        (&["lrem", "k", "0", "zz"], 0),
        (&["lset", "k", "0", "x"], 1),
        (&["linsert", "k", "before", "x", "y"], 1),
        (&["linsert", "k", "before", "nope", "y"], 0),
        (&["lmove", "k", "d", "left", "right"], 1),
        (&["lmove", "k", "k", "left", "right"], 1),
        (&["rpoplpush", "k", "d"], 1),
        (&["rpush", "m", "1", "2", "3"], 3),
        (&["lmpop", "1", "m", "left", "count", "2"], 2),
        (&["lmpop", "1", "m", "left", "count", "5"], 1),
        (&["lmpop", "1", "m", "left", "count", "5"], 0),
        (&["lrange", "d", "0", "-1"], 0),
        (&["lpos", "d", "a"], 0),
        (&["lindex", "d", "0"], 0),
        (&["llen", "d"], 0),
        (&["lpush", "k"], 0),
        (&["ltrim", "d", "0", "0"], 1),
        (&["lrem", "d", "1", "a"], 0),
        (&["lrem", "d", "0", "c"], 0),
    ];
    for (command, expected) in steps {
        let before = dirty(&t);
        t.run(command);
        assert_eq!(dirty(&t) - before, *expected, "{command:?}");
    }
}

#[test]
fn reads_count_keyspace_hits_and_misses() {
    let mut t = client();
    // Each step with the (hits, misses) redis-server 7.0.15 counted for it.
    let steps: &[(&[&str], (u64, u64))] = &[
        (&["rpush", "k", "a", "b", "c"], (0, 0)),
        (&["llen", "k"], (1, 0)),
        (&["llen", "nope"], (0, 1)),
        (&["lrange", "k", "0", "-1"], (1, 0)),
        (&["lrange", "nope", "0", "-1"], (0, 1)),
        (&["lindex", "k", "0"], (1, 0)),
        (&["lindex", "nope", "0"], (0, 1)),
        (&["lpos", "k", "a"], (1, 0)),
        (&["lpos", "nope", "a"], (0, 1)),
        (&["lpos", "nope", "a", "count", "0"], (0, 1)),
        (&["lpop", "k"], (0, 0)),
        (&["lpop", "nope"], (0, 0)),
        (&["rpop", "k", "1"], (0, 0)),
        (&["lset", "k", "0", "x"], (0, 0)),
        (&["linsert", "k", "before", "x", "y"], (0, 0)),
        (&["lrem", "k", "0", "y"], (0, 0)),
        (&["ltrim", "k", "0", "-1"], (0, 0)),
        (&["lmove", "k", "d", "left", "right"], (0, 0)),
        (&["rpoplpush", "nope", "d"], (0, 0)),
        (&["lmpop", "2", "nope", "d", "left"], (0, 0)),
        (&["lpush", "k", "a"], (0, 0)),
        (&["lpushx", "nope", "a"], (0, 0)),
        (&["set", "s", "x"], (0, 0)),
        (&["llen", "s"], (1, 0)),
    ];
    for (command, (hits, misses)) in steps {
        let before = hits_misses(&t);
        t.run(command);
        let after = hits_misses(&t);
        assert_eq!(
            (after.0 - before.0, after.1 - before.1),
            (*hits, *misses),
            "{command:?}"
        );
    }
}

#[test]
fn keywords_stop_at_a_nul_byte_like_strcasecmp() {
    let mut t = client();
    assert_eq!(t.run(&["rpush", "k", "a", "b"]), ":2\r\n");
    assert_eq!(t.run(&["linsert", "k", "before\0zz", "b", "v"]), ":3\r\n");
    assert_eq!(t.run(&["lmove", "k", "d", "left\0x", "right"]), bulk("a"));
    assert_eq!(t.run(&["lpos", "k", "b", "rank\0", "1"]), ":1\r\n");
    assert_eq!(
        t.run(&["lmpop", "1", "k", "left\0", "count\0x", "1"]),
        "*2\r\n$1\r\nk\r\n*1\r\n$1\r\nv\r\n"
    );
}

#[test]
fn many_chunks_and_elements_bigger_than_a_chunk() {
    let mut t = client();
    for batch in 0..6 {
        let mut args = vec!["rpush".to_string(), "big".to_string()];
        args.extend((batch * 500..batch * 500 + 500).map(|i| format!("e{i}")));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        t.run(&args);
    }
    let x9000 = "x".repeat(9000);
    let y10000 = "y".repeat(10000);
    let steps: Vec<(Vec<&str>, String)> = vec![
        (vec!["llen", "big"], ":3000\r\n".into()),
        (vec!["lindex", "big", "1500"], bulk("e1500")),
        (vec!["lindex", "big", "-1"], bulk("e2999")),
        (vec!["lindex", "big", "-3000"], bulk("e0")),
        (
            vec!["linsert", "big", "before", "e1500", &x9000],
            ":3001\r\n".into(),
        ),
        (vec!["lindex", "big", "1500"], bulk(&x9000)),
        (vec!["lindex", "big", "1501"], bulk("e1500")),
        (vec!["lset", "big", "10", &y10000], "+OK\r\n".into()),
        (vec!["lindex", "big", "10"], bulk(&y10000)),
        (vec!["lrem", "big", "0", "e7"], ":1\r\n".into()),
        (vec!["lpos", "big", "e2000"], ":2000\r\n".into()),
        (
            vec!["lpos", "big", "e2000", "rank", "-1"],
            ":2000\r\n".into(),
        ),
        (vec!["ltrim", "big", "100", "-100"], "+OK\r\n".into()),
        (vec!["llen", "big"], ":2801\r\n".into()),
        (
            vec!["lrange", "big", "0", "2"],
            "*3\r\n$4\r\ne101\r\n$4\r\ne102\r\n$4\r\ne103\r\n".into(),
        ),
        (
            vec!["lrange", "big", "-2", "-1"],
            "*2\r\n$5\r\ne2899\r\n$5\r\ne2900\r\n".into(),
        ),
        (vec!["lpos", "big", "e1499"], ":1398\r\n".into()),
        (vec!["lrem", "big", "-2", "e1499"], ":1\r\n".into()),
        (vec!["lmove", "big", "big", "left", "right"], bulk("e101")),
        (vec!["lindex", "big", "-1"], bulk("e101")),
        (
            vec!["rpop", "big", "3"],
            "*3\r\n$4\r\ne101\r\n$5\r\ne2900\r\n$5\r\ne2899\r\n".into(),
        ),
        (
            vec!["lpop", "big", "2"],
            "*2\r\n$4\r\ne102\r\n$4\r\ne103\r\n".into(),
        ),
        (vec!["llen", "big"], ":2795\r\n".into()),
    ];
    for (command, expected) in &steps {
        assert_eq!(&t.run(command), expected, "{:?}", &command[..2]);
    }
}

#[test]
fn expired_keys_are_missing_and_ttls_survive_writes() {
    let mut t = client();
    script(
        &mut t,
        &[
            ("rpush k a b", ":2\r\n"),
            ("pexpire k 100", ":1\r\n"),
            ("rpush k c", ":3\r\n"),
            ("lpop k", "$1\r\na\r\n"),
            ("lmove k k left right", "$1\r\nb\r\n"),
            ("pttl k", ":100\r\n"),
            ("rpush d x", ":1\r\n"),
        ],
    );
    t.advance_ms(200);
    script(
        &mut t,
        &[
            ("lpushx k a", ":0\r\n"),
            ("llen k", ":0\r\n"),
            ("lmove k d left left", "$-1\r\n"),
            ("rpush k z", ":1\r\n"),
            ("pttl k", ":-1\r\n"),
        ],
    );
}

#[test]
fn emptied_lists_are_deleted_by_every_removal() {
    let mut t = client();
    for (setup, removal) in [
        ("rpush k a", "lpop k"),
        ("rpush k a b", "rpop k 5"),
        ("rpush k a a", "lrem k 0 a"),
        ("rpush k a b", "ltrim k 5 6"),
        ("rpush k a", "lmove k d left left"),
        ("rpush k a", "rpoplpush k d"),
        ("rpush k a b", "lmpop 1 k right count 2"),
    ] {
        let setup_reply = t.run(&setup.split(' ').collect::<Vec<_>>());
        assert!(setup_reply.starts_with(':'), "{setup}: {setup_reply}");
        let reply = t.run(&removal.split(' ').collect::<Vec<_>>());
        assert!(!reply.starts_with('-'), "{removal}: {reply}");
        assert_eq!(t.run(&["exists", "k"]), ":0\r\n", "after {removal}");
        t.run(&["del", "k", "d"]);
    }
}

#[test]
fn huge_counts_and_indexes_allocate_only_for_what_exists() {
    let mut t = client();
    script(
        &mut t,
        &[
            ("rpush k a b", ":2\r\n"),
            ("lrange k 0 999999999999", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
            (
                "lrange k -999999999999 999999999999",
                "*2\r\n$1\r\na\r\n$1\r\nb\r\n",
            ),
            ("lpos k a count 9223372036854775807", "*1\r\n:0\r\n"),
            ("lpos k a maxlen 9223372036854775807", ":0\r\n"),
            ("rpop k 9223372036854775807", "*2\r\n$1\r\nb\r\n$1\r\na\r\n"),
            ("rpush k a", ":1\r\n"),
            (
                "lmpop 1 k left count 9223372036854775807",
                "*2\r\n$1\r\nk\r\n*1\r\n$1\r\na\r\n",
            ),
        ],
    );
}

#[test]
fn lmpop_locks_the_keyspace_itself() {
    // LMPOP's keys come from numkeys, so the dispatcher locks nothing: keys spread over
    // every shard must still be reachable.
    let mut t = client();
    for i in 0..20 {
        t.run(&["rpush", &format!("q{i}"), "v"]);
    }
    let mut args = vec!["lmpop".to_string(), "21".to_string(), "none".to_string()];
    args.extend((0..20).rev().map(|i| format!("q{i}")));
    args.push("right".to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(t.run(&args), "*2\r\n$3\r\nq19\r\n*1\r\n$1\r\nv\r\n");
    assert_eq!(t.run(&["exists", "q19"]), ":0\r\n");
}

#[test]
fn values_report_quicklist_and_their_memory() {
    let mut t = client();
    t.run(&["rpush", "k", "a"]);
    let small = {
        let mut locked = t.engine.keyspace.lock_keys([&b"k"[..]]);
        locked
            .db(0, 0)
            .entry_mut(b"k")
            .map(|e| e.value.heap_bytes())
    };
    let mut args = vec!["rpush", "k"];
    args.extend(std::iter::repeat_n("element", 5000));
    t.run(&args);
    let mut locked = t.engine.keyspace.lock_keys([&b"k"[..]]);
    let entry = locked.db(0, 0).entry_mut(b"k").cloned().expect("k exists");
    assert_eq!(entry.value.encoding(), "quicklist");
    let big = entry.value.heap_bytes();
    assert!(small.is_some_and(|s| s < 128), "{small:?}");
    // 8 bytes per element plus chunk bookkeeping.
    assert!((40_000..48_000).contains(&big), "{big}");
}
