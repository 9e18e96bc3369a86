//! Searching a geo set. A geo set is a sorted set (`crate::types::zset::ZSet`) whose scores
//! are 52-bit geohashes (`crate::types::geohash`), so it has no structure of its own: OBJECT
//! ENCODING and memory are the sorted set's. This module owns what Redis's `geo.c` does to one:
//! collecting the members inside a shape from the score ranges of the nine boxes around its
//! centre, and ordering them by distance exactly as Redis orders them. The commands are
//! `crate::cmd::t_geo`.
//!
//! Memory is the sorted set's. Measured (`used_memory` deltas, ferrite's counting allocator
//! against redis-server 7.0.15) with random positions and members `m0`, `m1`...: one set of
//! 1,000,000 points, 37.9 bytes per point (Redis: 109.0); 10,000 sets of 100 points, 15.5
//! bytes per point, key overhead included (Redis: 16.1).
//!
//! Order matters to byte-for-byte replies, ties included: without COUNT Redis sorts with
//! glibc's `qsort`, a stable merge sort on glibc 2.36 (Debian 12, which the reference runs),
//! and with a COUNT smaller than the matches with its own partial quicksort (`pqsort.c`, from
//! NetBSD), which is not stable and is reproduced step for step in [`partial_sort`].

use std::cmp::Ordering;
use std::ops::ControlFlow;

use crate::types::geohash::{HashBits, Shape, decode_score};
use crate::types::zset::{ScoreRange, ZSet};

/// A member found by a search (Redis's `geoPoint`). The member itself is named by its rank
/// in the set ([`ZSet::get`]): the set's iteration cannot lend it out, and copying every
/// match would allocate for members a COUNT then drops.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub longitude: f64,
    pub latitude: f64,
    /// From the search's centre, in metres.
    pub distance_m: f64,
    pub score: f64,
    pub rank: usize,
}

/// The order a search's results are given in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    /// As found: box by box, by score within a box.
    Unsorted,
    Asc,
    Desc,
}

/// `membersOfAllNeighbors`: the members inside `shape`, box by box. With `limit` (ANY), the
/// search stops once it has that many.
pub fn search(zset: &ZSet, shape: &Shape, limit: Option<usize>) -> Vec<Point> {
    let boxes = shape.search_boxes();
    let mut points = Vec::new();
    let full = |points: &Vec<Point>| limit.is_some_and(|limit| points.len() >= limit);
    // Redis skips a box equal to the last one it read (huge radii make neighbours coincide),
    // but only once it has read a box other than the centre: its "last processed" index
    // doubles as the "have I read one" flag.
    let mut last = 0;
    for (i, hash) in boxes.iter().enumerate() {
        if hash.is_zero() || (last != 0 && *hash == boxes[last]) {
            continue;
        }
        if full(&points) {
            break;
        }
        members_of_box(zset, *hash, shape, &mut points, limit);
        last = i;
    }
    points
}

/// `membersOfGeoHashBox` / `geoGetPointsInRange`: appends the members of one box that are
/// inside the shape.
fn members_of_box(
    zset: &ZSet,
    hash: HashBits,
    shape: &Shape,
    points: &mut Vec<Point>,
    limit: Option<usize>,
) {
    let (min, max) = hash.score_range();
    // Both below 2^54: exact as doubles.
    let range = ScoreRange {
        min: min as f64,
        max: max as f64,
        min_exclusive: false,
        max_exclusive: true,
    };
    let ranks = zset.score_ranks(&range);
    let mut rank = ranks.start;
    let _ = zset.visit(ranks, false, |score, _| {
        rank += 1;
        let (longitude, latitude) = decode_score(score);
        if let Some(distance_m) = shape.distance_if_inside(longitude, latitude) {
            points.push(Point {
                longitude,
                latitude,
                distance_m,
                score,
                rank: rank - 1,
            });
            if limit.is_some_and(|limit| points.len() >= limit) {
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
}

/// Orders `points` so that the first `returned` are the ones Redis replies, in its order.
pub fn sort(points: &mut [Point], sort: Sort, returned: usize) {
    let cmp = match sort {
        Sort::Unsorted => return,
        Sort::Asc => |a: &Point, b: &Point| cmp_distance(a, b),
        Sort::Desc => |a: &Point, b: &Point| cmp_distance(a, b).reverse(),
    };
    if returned >= points.len() {
        // glibc's qsort: a stable merge sort.
        points.sort_by(cmp);
    } else if returned > 0 {
        partial_sort(points, &cmp, 0, returned - 1);
    }
}

/// Redis's `sort_gp_asc`. Distances are never NaN; a NaN would compare "less", as in C.
fn cmp_distance(a: &Point, b: &Point) -> Ordering {
    if a.distance_m > b.distance_m {
        Ordering::Greater
    } else if a.distance_m == b.distance_m {
        Ordering::Equal
    } else {
        Ordering::Less
    }
}

/// Redis's `pqsort(a, n, size, cmp, lrange, rrange)`: sorts at least the positions
/// `lrange..=rrange` of `v` into their final places (Bentley-McIlroy quicksort that skips the
/// partitions outside the range). Swaps and comparisons happen in the C code's order, so equal
/// elements end up where Redis puts them.
pub fn partial_sort<T>(
    v: &mut [T],
    cmp: &impl Fn(&T, &T) -> Ordering,
    lrange: usize,
    rrange: usize,
) {
    debug_assert!(lrange <= rrange && rrange < v.len());
    pqsort_from(v, cmp, 0, v.len(), lrange, rrange);
}

/// `_pqsort` on `v[a..a + n]`; positions are indexes where the C code has pointers.
fn pqsort_from<T>(
    v: &mut [T],
    cmp: &impl Fn(&T, &T) -> Ordering,
    mut a: usize,
    mut n: usize,
    lrange: usize,
    rrange: usize,
) {
    let c = |v: &[T], i: usize, j: usize| cmp(&v[i], &v[j]);
    let med3 = |v: &[T], a: usize, b: usize, d: usize| {
        if c(v, a, b).is_lt() {
            if c(v, b, d).is_lt() {
                b
            } else if c(v, a, d).is_lt() {
                d
            } else {
                a
            }
        } else if c(v, b, d).is_gt() {
            b
        } else if c(v, a, d).is_lt() {
            a
        } else {
            d
        }
    };
    // The partition [start, start + len) holds part of the wanted range.
    let wanted = |start: usize, len: usize| !(rrange < start || lrange >= start + len);
    loop {
        if n < 7 {
            for pm in a + 1..a + n {
                let mut pl = pm;
                while pl > a && c(v, pl - 1, pl).is_gt() {
                    v.swap(pl, pl - 1);
                    pl -= 1;
                }
            }
            return;
        }
        let mut pm = a + n / 2;
        if n > 7 {
            let mut pl = a;
            let mut pn = a + n - 1;
            if n > 40 {
                let d = n / 8;
                pl = med3(v, pl, pl + d, pl + 2 * d);
                pm = med3(v, pm - d, pm, pm + d);
                pn = med3(v, pn - 2 * d, pn - d, pn);
            }
            pm = med3(v, pl, pm, pn);
        }
        v.swap(a, pm);
        let (mut pa, mut pb) = (a + 1, a + 1);
        let (mut pc, mut pd) = (a + n - 1, a + n - 1);
        loop {
            while pb <= pc {
                let r = c(v, pb, a);
                if r.is_gt() {
                    break;
                }
                if r.is_eq() {
                    v.swap(pa, pb);
                    pa += 1;
                }
                pb += 1;
            }
            while pb <= pc {
                let r = c(v, pc, a);
                if r.is_lt() {
                    break;
                }
                if r.is_eq() {
                    v.swap(pc, pd);
                    pd -= 1;
                }
                pc -= 1;
            }
            if pb > pc {
                break;
            }
            v.swap(pb, pc);
            pb += 1;
            pc -= 1;
        }
        let pn = a + n;
        let r = (pa - a).min(pb - pa);
        swap_runs(v, a, pb - r, r);
        let r = (pd - pc).min(pn - pd - 1);
        swap_runs(v, pb, pn - r, r);
        let r = pb - pa;
        if r > 1 && wanted(a, r) {
            pqsort_from(v, cmp, a, r, lrange, rrange);
        }
        let r = pd - pc;
        if r > 1 {
            // Iterate rather than recurse, as the C code does.
            a = pn - r;
            n = r;
            if wanted(a, r) {
                continue;
            }
        }
        return;
    }
}

/// `vecswap`: swaps `v[a + i]` with `v[b + i]` for each i in turn.
fn swap_runs<T>(v: &mut [T], a: usize, b: usize, n: usize) {
    for i in 0..n {
        v.swap(a + i, b + i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A SplitMix64 stream, for seeded test data.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(crate::util::SPLITMIX_GAMMA);
            crate::util::splitmix64_mix(self.0)
        }
    }

    #[test]
    fn partial_sort_places_the_range_like_a_full_sort() {
        let mut rng = Rng(42);
        for round in 0..3000 {
            let len = 1 + (rng.next() % 120) as usize;
            let distinct = 1 + rng.next() % 50;
            let v: Vec<(u64, usize)> = (0..len).map(|i| (rng.next() % distinct, i)).collect();
            let lo = (rng.next() as usize) % len;
            let hi = lo + (rng.next() as usize) % (len - lo);
            let by_key = |a: &(u64, usize), b: &(u64, usize)| a.0.cmp(&b.0);
            let mut partial = v.clone();
            partial_sort(&mut partial, &by_key, lo, hi);
            let mut full = v.clone();
            full.sort_by(by_key);
            let keys = |s: &[(u64, usize)]| s.iter().map(|e| e.0).collect::<Vec<_>>();
            assert_eq!(
                keys(&partial[lo..=hi]),
                keys(&full[lo..=hi]),
                "round {round}"
            );
            let mut ids: Vec<usize> = partial.iter().map(|e| e.1).collect();
            ids.sort_unstable();
            assert_eq!(ids, (0..len).collect::<Vec<_>>(), "a permutation");
        }
    }

    #[test]
    fn partial_sort_of_few_elements_keeps_ties_in_order() {
        // Fewer than 7 elements: pqsort.c's insertion sort, which keeps equal elements in
        // their order. Larger partitions reorder ties; their order is compared with
        // redis-server's by tests/py/test_differential_geo.py (`test_geo_ties`) and by the
        // recorded vectors (`large_sets_and_ties`).
        let mut small = [(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd')];
        partial_sort(&mut small, &|a: &(i32, char), b| a.0.cmp(&b.0), 0, 2);
        assert_eq!(small, [(1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
    }
}
