//! Command scripts generated from redis-server 7.0.15: each expected reply is the server's
//! exact reply to the same command line, run in the same order on an empty database.
//! Pushes, pops, moves and reads.

use super::script;
use crate::testing::client;

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
