//! LCS: the longest common subsequence of two strings (Redis 7.0's `lcsCommand`), re-exported
//! by `t_string`.
//!
//! It is the textbook dynamic programme over a `(a+1) x (b+1)` table of `u32`, walked back
//! from the end to recover the subsequence and its matching ranges. The walk's tie-breaking
//! is Redis's exactly, because clients see which of several equally long answers comes out.
//! The table is the only large allocation; like Redis, it is refused before allocating when
//! it would exceed `proto-max-bulk-len`, and an allocation failure is an error, not an abort.

use std::sync::atomic::Ordering;

use bytes::Bytes;

use super::t_string::{db_and_out, option_name};
use super::{SYNTAX, int_arg};
use crate::resp::Reply;
use crate::session::Ctx;

/// What the client asked LCS for.
#[derive(Clone, Copy, Debug, Default)]
struct LcsOptions {
    /// LEN: only the length.
    len: bool,
    /// IDX: the matching ranges and the length.
    idx: bool,
    /// MINMATCHLEN: ranges shorter than this are left out of IDX's answer.
    min_match_len: u64,
    /// WITHMATCHLEN: each IDX range also carries its length.
    with_match_len: bool,
}

/// One run of matching bytes: inclusive ranges in `a` and in `b`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Match {
    a: (u32, u32),
    b: (u32, u32),
}

impl Match {
    fn len(&self) -> u32 {
        self.a.1 - self.a.0 + 1
    }
}

/// The computed answer.
#[derive(Debug, Default, PartialEq, Eq)]
struct Lcs {
    len: u32,
    /// The subsequence itself (empty unless requested).
    text: Vec<u8>,
    /// Matching runs from the end of the strings backwards (empty unless IDX).
    matches: Vec<Match>,
}

/// `LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]` — missing keys
/// read as empty strings.
pub fn lcs(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (key_a, key_b) = (&args[1][..], &args[2][..]);
    // Redis checks both types before it looks at the options.
    let lens = {
        let (mut db, out) = db_and_out(ctx);
        let mut len_of = |key: &[u8]| {
            db.lookup_read(key)
                .map(|e| e.value.is_string().then(|| e.value.string_len()))
        };
        match (len_of(key_a), len_of(key_b)) {
            (Some(None), _) | (_, Some(None)) => {
                return out.error("ERR The specified keys must contain string values");
            }
            (a, b) => (a.flatten().unwrap_or(0), b.flatten().unwrap_or(0)),
        }
    };
    let Some(options) = parse_options(ctx, &args[3..]) else {
        return;
    };
    if options.idx && options.len {
        return ctx
            .out
            .error("ERR If you want both the length and indexes, please just use IDX.");
    }
    let (a_len, b_len) = lens;
    // Redis keeps indexes in 32 bits; with the default proto-max-bulk-len this never fires.
    if a_len as u64 >= u32::MAX as u64 - 1 || b_len as u64 >= u32::MAX as u64 - 1 {
        return ctx.out.error("ERR String too long for LCS");
    }
    let cells = (a_len as u64 + 1) * (b_len as u64 + 1);
    let Some(table_bytes) = cells.checked_mul(size_of::<u32>() as u64) else {
        return ctx.out.error(ALLOC_FAILED);
    };
    if table_bytes > ctx.engine.proto_max_bulk_len.load(Ordering::Relaxed) {
        return ctx
            .out
            .error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    }
    // The values are copied out only now that their sizes have been accepted; `a` is copied
    // so that `b` can be read in place.
    let (mut db, out) = db_and_out(ctx);
    let a = db
        .entry_mut(key_a)
        .map_or_else(Vec::new, |e| e.value.with_bytes(<[u8]>::to_vec));
    let result = match db.entry_mut(key_b) {
        Some(e) => e.value.with_bytes(|b| compute(&a, b, &options)),
        None => compute(&a, b"", &options),
    };
    match result {
        Some(answer) => reply(out, &answer, &options),
        None => out.error(ALLOC_FAILED),
    }
}

const ALLOC_FAILED: &str = "ERR Insufficient memory, failed allocating transient memory for LCS";

/// Parses the options, replying the error on failure.
fn parse_options(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) -> Option<LcsOptions> {
    let mut options = LcsOptions::default();
    let mut i = 0;
    while i < args.len() {
        let name = option_name(&args[i]);
        let is = |word: &str| name.eq_ignore_ascii_case(word.as_bytes());
        if is("idx") {
            options.idx = true;
        } else if is("len") {
            options.len = true;
        } else if is("withmatchlen") {
            options.with_match_len = true;
        } else if is("minmatchlen") && i + 1 < args.len() {
            // Negative means no minimum.
            options.min_match_len = int_arg(ctx, &args[i + 1])?.max(0) as u64;
            i += 1;
        } else {
            ctx.out.error(SYNTAX);
            return None;
        }
        i += 1;
    }
    Some(options)
}

/// Runs the dynamic programme; `None` when the table cannot be allocated.
fn compute(a: &[u8], b: &[u8], options: &LcsOptions) -> Option<Lcs> {
    let (rows, cols) = (a.len() + 1, b.len() + 1);
    let cells = rows.checked_mul(cols)?;
    let mut table: Vec<u32> = Vec::new();
    table.try_reserve_exact(cells).ok()?;
    table.resize(cells, 0);
    // table[i * cols + j] is the LCS length of a[..i] and b[..j]; row 0 and column 0 stay 0.
    for i in 1..rows {
        for j in 1..cols {
            table[i * cols + j] = if a[i - 1] == b[j - 1] {
                table[(i - 1) * cols + j - 1] + 1
            } else {
                table[(i - 1) * cols + j].max(table[i * cols + j - 1])
            };
        }
    }
    let len = table[cells - 1];
    let mut answer = Lcs {
        len,
        ..Lcs::default()
    };
    // LEN alone needs no walk.
    if options.len && !options.idx {
        return Some(answer);
    }
    answer.text = vec![0; len as usize];
    let mut filled = len as usize;
    let mut current: Option<Match> = None;
    let (mut i, mut j) = (a.len(), b.len());
    while i > 0 && j > 0 {
        let emit;
        if a[i - 1] == b[j - 1] {
            filled -= 1;
            answer.text[filled] = a[i - 1];
            let (ai, bj) = ((i - 1) as u32, (j - 1) as u32);
            match current.as_mut() {
                None => {
                    current = Some(Match {
                        a: (ai, ai),
                        b: (bj, bj),
                    })
                }
                // The walk moves diagonally through a run, so a match always extends the
                // current run backwards; any step off the diagonal closes the run below.
                Some(run) => {
                    run.a.0 = ai;
                    run.b.0 = bj;
                }
            }
            // A run touching the start of either string can grow no further.
            emit = ai == 0 || bj == 0;
            i -= 1;
            j -= 1;
        } else {
            // Go towards the larger sub-answer; on a tie Redis moves in `b`.
            if table[(i - 1) * cols + j] > table[i * cols + j - 1] {
                i -= 1;
            } else {
                j -= 1;
            }
            emit = current.is_some();
        }
        if emit {
            let run = current.take().expect("only an open run is emitted");
            if options.idx && run.len() as u64 >= options.min_match_len {
                answer.matches.push(run);
            }
        }
    }
    Some(answer)
}

/// Writes the answer in the shape the options asked for.
fn reply(out: &mut Reply, answer: &Lcs, options: &LcsOptions) {
    if options.idx {
        out.map(2);
        out.bulk(b"matches");
        out.array(answer.matches.len());
        for run in &answer.matches {
            out.array(if options.with_match_len { 3 } else { 2 });
            for (start, end) in [run.a, run.b] {
                out.array(2);
                out.int(start as i64);
                out.int(end as i64);
            }
            if options.with_match_len {
                out.int(run.len() as i64);
            }
        }
        out.bulk(b"len");
        out.int(answer.len as i64);
    } else if options.len {
        out.int(answer.len as i64);
    } else {
        out.bulk(&answer.text);
    }
}

// ---------------------------------------------------------------------------------------------
// Tests. Expected replies in the `script` tables come from a live redis-server 7.0.15.
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::{LcsOptions, compute};
    use crate::cmd::t_string::tests::script;
    use crate::config::Config;
    use crate::resp::Protocol;
    use crate::testing::{client, client_with};

    #[test]
    fn lcs_answers_and_options() {
        let mut t = client();
        // The tie-breaking cases (ABCBDAB/BDCABA both ways, abc/cba, aaaa/aa) pin down which
        // of several equally long answers Redis gives.
        script(
            &mut t,
            &[
                ("set a ohmytext", "+OK\r\n"),
                ("set b mynewtext", "+OK\r\n"),
                ("lcs a b", "$6\r\nmytext\r\n"),
                ("lcs a b len", ":6\r\n"),
                ("lcs a b LEN", ":6\r\n"),
                (
                    "lcs a b idx",
                    "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n",
                ),
                (
                    "lcs a b IDX withmatchlen",
                    "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n",
                ),
                (
                    "lcs a b idx minmatchlen 4",
                    "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n",
                ),
                (
                    "lcs a b idx minmatchlen 4 withmatchlen",
                    "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n",
                ),
                (
                    "lcs a b idx minmatchlen 2 withmatchlen",
                    "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n",
                ),
                (
                    "lcs a b minmatchlen -5 idx",
                    "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n",
                ),
                (
                    "lcs a b idx len",
                    "-ERR If you want both the length and indexes, please just use IDX.\r\n",
                ),
                (
                    "lcs a b len idx",
                    "-ERR If you want both the length and indexes, please just use IDX.\r\n",
                ),
                ("lcs a b minmatchlen", "-ERR syntax error\r\n"),
                (
                    "lcs a b minmatchlen x",
                    "-ERR value is not an integer or out of range\r\n",
                ),
                (
                    "lcs a b minmatchlen x foo",
                    "-ERR value is not an integer or out of range\r\n",
                ),
                ("lcs a b foo", "-ERR syntax error\r\n"),
                ("lcs a b withmatchlen", "$6\r\nmytext\r\n"),
                ("lcs a b len withmatchlen", ":6\r\n"),
                ("lcs a b minmatchlen 100", "$6\r\nmytext\r\n"),
                ("lcs a missing", "$0\r\n\r\n"),
                (
                    "lcs missing a idx",
                    "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n",
                ),
                ("lcs missing missing2", "$0\r\n\r\n"),
                ("lcs missing missing2 len", ":0\r\n"),
                ("lcs a a", "$8\r\nohmytext\r\n"),
                (
                    "lcs a a idx withmatchlen",
                    "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:0\r\n:7\r\n*2\r\n:0\r\n:7\r\n:8\r\n$3\r\nlen\r\n:8\r\n",
                ),
                ("set c ABCBDAB", "+OK\r\n"),
                ("set d BDCABA", "+OK\r\n"),
                ("lcs c d", "$4\r\nBDAB\r\n"),
                ("lcs d c", "$4\r\nBCBA\r\n"),
                (
                    "lcs c d idx withmatchlen",
                    "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:5\r\n:6\r\n*2\r\n:3\r\n:4\r\n:2\r\n*3\r\n*2\r\n:3\r\n:4\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:4\r\n",
                ),
                (
                    "lcs d c idx",
                    "*4\r\n$7\r\nmatches\r\n*4\r\n*2\r\n*2\r\n:5\r\n:5\r\n*2\r\n:5\r\n:5\r\n*2\r\n*2\r\n:4\r\n:4\r\n*2\r\n:3\r\n:3\r\n*2\r\n*2\r\n:2\r\n:2\r\n*2\r\n:2\r\n:2\r\n*2\r\n*2\r\n:0\r\n:0\r\n*2\r\n:1\r\n:1\r\n$3\r\nlen\r\n:4\r\n",
                ),
                ("set e abc", "+OK\r\n"),
                ("set f cba", "+OK\r\n"),
                ("lcs e f", "$1\r\nc\r\n"),
                ("lcs f e", "$1\r\na\r\n"),
                (
                    "lcs e f idx",
                    "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:2\r\n:2\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:1\r\n",
                ),
                ("set g 1234567", "+OK\r\n"),
                ("set h 2468", "+OK\r\n"),
                ("lcs g h", "$3\r\n246\r\n"),
                (
                    "lcs g h idx withmatchlen",
                    "*4\r\n$7\r\nmatches\r\n*3\r\n*3\r\n*2\r\n:5\r\n:5\r\n*2\r\n:2\r\n:2\r\n:1\r\n*3\r\n*2\r\n:3\r\n:3\r\n*2\r\n:1\r\n:1\r\n:1\r\n*3\r\n*2\r\n:1\r\n:1\r\n*2\r\n:0\r\n:0\r\n:1\r\n$3\r\nlen\r\n:3\r\n",
                ),
                ("set i aaaa", "+OK\r\n"),
                ("set j aa", "+OK\r\n"),
                (
                    "lcs i j idx withmatchlen",
                    "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:2\r\n",
                ),
                (
                    "lcs j i idx withmatchlen",
                    "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:0\r\n:1\r\n*2\r\n:2\r\n:3\r\n:2\r\n$3\r\nlen\r\n:2\r\n",
                ),
                ("set x abcdefgh", "+OK\r\n"),
                ("set y xxabcxxdefghxx", "+OK\r\n"),
                (
                    "lcs x y idx withmatchlen",
                    "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:3\r\n:7\r\n*2\r\n:7\r\n:11\r\n:5\r\n*3\r\n*2\r\n:0\r\n:2\r\n*2\r\n:2\r\n:4\r\n:3\r\n$3\r\nlen\r\n:8\r\n",
                ),
                (
                    "lcs y x idx minmatchlen 4 withmatchlen",
                    "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:7\r\n:11\r\n*2\r\n:3\r\n:7\r\n:5\r\n$3\r\nlen\r\n:8\r\n",
                ),
                ("lcs x y", "$8\r\nabcdefgh\r\n"),
                (
                    "lcs a",
                    "-ERR wrong number of arguments for 'lcs' command\r\n",
                ),
            ],
        );
    }

    #[test]
    fn lcs_idx_is_a_map_in_resp3() {
        let mut t = client();
        t.session.out.protocol = Protocol::Resp3;
        script(
            &mut t,
            &[
                ("set a ohmytext", "+OK\r\n"),
                ("set b mynewtext", "+OK\r\n"),
                (
                    "lcs a b idx",
                    "%2\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n",
                ),
                (
                    "lcs a b idx withmatchlen",
                    "%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n",
                ),
                ("lcs a b len", ":6\r\n"),
                ("lcs a b", "$6\r\nmytext\r\n"),
                (
                    "lcs missing b idx",
                    "%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n",
                ),
                (
                    "lcs a b idx len",
                    "-ERR If you want both the length and indexes, please just use IDX.\r\n",
                ),
            ],
        );
    }

    #[test]
    fn lcs_table_is_bounded_by_proto_max_bulk_len() {
        // (511+1) * (511+1) cells of 4 bytes is exactly 1MB: allowed; one byte more is not,
        // whatever the options (checked against redis-server with proto-max-bulk-len 1mb).
        let mut t = client_with(Config {
            proto_max_bulk_len: 1024 * 1024,
            ..Config::default()
        });
        let a = "a".repeat(511);
        t.run(&["set", "a", &a]);
        t.run(&["set", "b", &format!("{a}b")]);
        assert_eq!(t.run(&["lcs", "a", "a", "len"]), ":511\r\n");
        let refused =
            "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n";
        assert_eq!(t.run(&["lcs", "a", "b", "len"]), refused);
        assert_eq!(
            t.run(&["lcs", "a", "b", "idx", "minmatchlen", "500", "withmatchlen"]),
            refused
        );
        assert_eq!(t.run(&["lcs", "b", "b"]), refused);
        // Option errors come first.
        assert_eq!(t.run(&["lcs", "b", "b", "foo"]), "-ERR syntax error\r\n");
    }

    /// The LCS length by a second, independent formulation (one rolling row).
    fn lcs_len(a: &[u8], b: &[u8]) -> u32 {
        let mut row = vec![0u32; b.len() + 1];
        for &x in a {
            let mut diagonal = 0;
            for (j, &y) in b.iter().enumerate() {
                let up = row[j + 1];
                row[j + 1] = if x == y { diagonal + 1 } else { up.max(row[j]) };
                diagonal = up;
            }
        }
        row[b.len()]
    }

    fn is_subsequence(small: &[u8], big: &[u8]) -> bool {
        let mut rest = big.iter();
        small.iter().all(|c| rest.any(|d| d == c))
    }

    #[test]
    fn answers_are_longest_common_subsequences_with_consistent_ranges() {
        let mut seed: u64 = 0x5eed;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let options = LcsOptions {
            idx: true,
            ..LcsOptions::default()
        };
        for _ in 0..300 {
            let alphabet = b"abcd"[..1 + next() % 4].to_vec();
            let (a_len, b_len) = (next() % 12, next() % 12);
            let mut word = |n: usize| {
                (0..n)
                    .map(|_| alphabet[next() % alphabet.len()])
                    .collect::<Vec<u8>>()
            };
            let (a, b) = (word(a_len), word(b_len));
            let answer = compute(&a, &b, &options).expect("small table");
            assert_eq!(answer.len, lcs_len(&a, &b), "{a:?} {b:?}");
            assert_eq!(answer.text.len(), answer.len as usize);
            assert!(is_subsequence(&answer.text, &a) && is_subsequence(&answer.text, &b));
            // The ranges, read from the last back to the first, spell the answer.
            let mut spelled = Vec::new();
            for run in answer.matches.iter().rev() {
                let in_a = &a[run.a.0 as usize..=run.a.1 as usize];
                assert_eq!(in_a, &b[run.b.0 as usize..=run.b.1 as usize]);
                spelled.extend_from_slice(in_a);
            }
            assert_eq!(spelled, answer.text);
        }
    }
}
