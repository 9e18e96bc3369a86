//! Tests of the geo commands. The byte-exact expectations recorded from a live redis-server
//! 7.0.15 are in `vectors.rs` (run through [`expect`]); the tests here cover what the vectors
//! cannot: a model check of the search against brute force, locking of the STORE forms,
//! transactions, and bounds on untrusted counts.

use std::sync::atomic::Ordering::Relaxed;

use crate::testing::{TestClient, client};
use crate::types::geohash::{self, Shape, ShapeKind, decode_score, position_score};

fn counters(t: &TestClient) -> (u64, u64, u64) {
    let stats = &t.engine.keyspace.stats;
    (
        stats.dirty.load(Relaxed),
        stats.keyspace_hits.load(Relaxed),
        stats.keyspace_misses.load(Relaxed),
    )
}

/// `GEOADD key` of `n` members `p0000`... on a grid of millidegrees near Palermo (some share a
/// longitude), as one command; `fill_args` in `tests/py/test_differential_geo.py` builds the
/// same one for recording.
pub(super) fn fill(t: &mut TestClient, key: &str, n: usize) -> String {
    let mut args = vec!["geoadd".to_string(), key.to_string()];
    let millis = |m: usize| format!("{}.{:03}", m / 1000, m % 1000);
    for i in 0..n {
        args.push(millis(13000 + (i % 20) * 10 + (i / 20) * 3));
        args.push(millis(38000 + ((i * 7) % 25) * 4));
        args.push(format!("p{i:04}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    t.run(&args)
}

/// Runs each command and checks its reply and how much it moved the dirty, keyspace-hit and
/// keyspace-miss counters. A reply of `"*"` is not checked (HELLO's server details differ);
/// `!fill key n` runs [`fill`].
pub(super) fn expect(t: &mut TestClient, cases: &[(&[&str], &str, u64, u64, u64)]) {
    for &(args, reply, dirty, hits, misses) in cases {
        let before = counters(t);
        let got = if args[0] == "!fill" {
            fill(t, args[1], args[2].parse().expect("n"))
        } else {
            t.run(args)
        };
        if reply != "*" {
            assert_eq!(got, reply, "reply to {args:?}");
        }
        let after = counters(t);
        let moved = (after.0 - before.0, after.1 - before.1, after.2 - before.2);
        assert_eq!(
            moved,
            (dirty, hits, misses),
            "dirty/hits/misses of {args:?}"
        );
    }
}

/// A SplitMix64 stream, for seeded test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(crate::util::SPLITMIX_GAMMA);
        crate::util::splitmix64_mix(self.0)
    }

    /// Uniform in [lo, hi).
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (self.next() >> 11) as f64 / (1u64 << 53) as f64 * (hi - lo)
    }
}

/// Splits a RESP2 array of bulk strings into its items (test replies only).
fn bulks(reply: &str) -> Vec<String> {
    let mut lines = reply.split("\r\n");
    let header = lines.next().expect("a header");
    let n: usize = header[1..].parse().expect("an array");
    let mut items = Vec::with_capacity(n);
    for _ in 0..n {
        lines.next().expect("a bulk header");
        items.push(lines.next().expect("a bulk").to_string());
    }
    items
}

/// The search against a model: every member whose decoded position is inside the shape (by
/// the same distance test) must be found, and nothing else, when the search boxes cover the
/// shape. Redis's boxes do not always cover it (it is an estimate); the model allows misses
/// only for points outside the bounding boxes' reach, so here the shapes stay well inside
/// the latitude range, where the estimate is known to cover.
#[test]
fn search_finds_what_brute_force_finds() {
    let mut rng = Rng(2024);
    let mut t = client();
    let mut positions = Vec::new();
    let mut args = vec!["geoadd".to_string(), "g".to_string()];
    for i in 0..2000 {
        let lon = rng.uniform(10.0, 16.0);
        let lat = rng.uniform(36.0, 42.0);
        positions.push((format!("m{i}"), position_score(lon, lat)));
        args.extend([lon.to_string(), lat.to_string(), format!("m{i}")]);
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(t.run(&refs), ":2000\r\n");
    for round in 0..200 {
        let lon = rng.uniform(11.0, 15.0);
        let lat = rng.uniform(37.0, 41.0);
        let radius_km = rng.uniform(0.5, 150.0);
        let (width_km, height_km) = (rng.uniform(1.0, 300.0), rng.uniform(1.0, 300.0));
        let by_box = round % 2 == 1;
        let shape = Shape {
            longitude: lon,
            latitude: lat,
            kind: if by_box {
                ShapeKind::Box {
                    width: width_km,
                    height: height_km,
                }
            } else {
                ShapeKind::Radius(radius_km)
            },
            conversion: 1000.0,
        };
        let mut expected: Vec<(f64, &str)> = positions
            .iter()
            .filter_map(|(member, score)| {
                let (x, y) = decode_score(*score);
                shape.distance_if_inside(x, y).map(|d| (d, member.as_str()))
            })
            .collect();
        expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
        let (lon, lat) = (lon.to_string(), lat.to_string());
        let (r, w, h) = (
            radius_km.to_string(),
            width_km.to_string(),
            height_km.to_string(),
        );
        let mut cmd = vec!["geosearch", "g", "fromlonlat", &lon, &lat];
        if by_box {
            cmd.extend(["bybox", &w, &h, "km"]);
        } else {
            cmd.extend(["byradius", &r, "km"]);
        }
        let mut found = bulks(&t.run(&cmd));
        found.sort();
        let mut want: Vec<String> = expected.iter().map(|e| e.1.to_string()).collect();
        want.sort();
        assert_eq!(found, want, "round {round}: {cmd:?}");
        // Sorted and counted: the nearest ones, in order (ties broken by the partial sort,
        // so compare distances only).
        cmd.extend(["asc", "count", "7", "withdist"]);
        let reply = t.run(&cmd);
        let n = expected.len().min(7);
        assert!(reply.starts_with(&format!("*{n}\r\n")), "round {round}");
        for (d, _) in &expected[..n] {
            let text = format!("{:.4}", d / 1000.0);
            assert!(reply.contains(&format!("${}\r\n{text}\r\n", text.len())));
        }
    }
}

#[test]
fn store_forms_lock_their_destination() {
    // Keys on different shards: a destination outside the table's key positions must be
    // locked by the handler (an unlocked access panics).
    let mut t = client();
    t.run(&["geoadd", "src", "13.361389", "38.115556", "Palermo"]);
    for dst in ["d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8"] {
        assert_eq!(
            t.run(&["georadius", "src", "13", "38", "100", "km", "store", dst]),
            ":1\r\n"
        );
        assert_eq!(
            t.run(&[
                "georadiusbymember",
                "src",
                "Palermo",
                "1",
                "km",
                "storedist",
                dst
            ]),
            ":1\r\n"
        );
        assert_eq!(t.run(&["zscore", dst, "Palermo"]), "$1\r\n0\r\n");
        assert_eq!(
            t.run(&["georadius", "nokey", "13", "38", "100", "km", "store", dst]),
            ":0\r\n"
        );
        assert_eq!(t.run(&["exists", dst]), ":0\r\n");
    }
}

#[test]
fn store_forms_run_inside_transactions() {
    let mut t = client();
    t.run(&["geoadd", "src", "13.361389", "38.115556", "Palermo"]);
    assert_eq!(t.run(&["multi"]), "+OK\r\n");
    assert_eq!(
        t.run(&["georadius", "src", "13", "38", "100", "km", "store", "dst"]),
        "+QUEUED\r\n"
    );
    assert_eq!(
        t.run(&[
            "geosearchstore",
            "dst2",
            "src",
            "frommember",
            "Palermo",
            "byradius",
            "1",
            "m",
            "storedist"
        ]),
        "+QUEUED\r\n"
    );
    assert_eq!(t.run(&["exec"]), "*2\r\n:1\r\n:1\r\n");
    assert_eq!(t.run(&["zcard", "dst"]), ":1\r\n");
    assert_eq!(t.run(&["zscore", "dst2", "Palermo"]), "$1\r\n0\r\n");
}

#[test]
fn huge_counts_allocate_only_what_is_found() {
    let mut t = client();
    fill(&mut t, "g", 50);
    let reply = t.run(&[
        "geosearch",
        "g",
        "fromlonlat",
        "13.1",
        "38.05",
        "byradius",
        "1000",
        "km",
        "count",
        "9223372036854775807",
    ]);
    assert!(reply.starts_with("*50\r\n"));
    let reply = t.run(&[
        "georadius",
        "g",
        "13.1",
        "38.05",
        "1000",
        "km",
        "count",
        "9223372036854775807",
        "any",
        "store",
        "d",
    ]);
    assert_eq!(reply, ":50\r\n");
}

#[test]
fn geoadd_then_geopos_round_trips_to_the_cell_centre() {
    let mut rng = Rng(7);
    let mut t = client();
    for i in 0..300 {
        let lon = rng.uniform(-180.0, 180.0);
        let lat = rng.uniform(geohash::LAT_MIN, geohash::LAT_MAX);
        let member = format!("m{i}");
        t.run(&["geoadd", "g", &lon.to_string(), &lat.to_string(), &member]);
        let (x, y) = decode_score(position_score(lon, lat));
        // The centre of a 26-bit cell is within half a cell of the point.
        assert!((x - lon).abs() <= 360.0 / (1u64 << 27) as f64 + 1e-12);
        assert!((y - lat).abs() <= 170.2 / (1u64 << 27) as f64 + 1e-12);
        let reply = t.run(&["geopos", "g", &member]);
        assert!(reply.starts_with("*1\r\n*2\r\n$"), "{reply}");
    }
    assert_eq!(t.run(&["zcard", "g"]), ":300\r\n");
    assert_eq!(t.run(&["object", "encoding", "g"]), "$8\r\nskiplist\r\n");
}

#[test]
fn distances_print_like_fixedpoint_d2string() {
    use super::distance_text;
    assert_eq!(distance_text(0.0), "0.0000");
    assert_eq!(distance_text(-0.0), "0.0000");
    assert_eq!(distance_text(0.00004), "0.0000");
    assert_eq!(distance_text(1.23456), "1.2346");
    assert_eq!(distance_text(166274.15156960033), "166274.1516");
    // `%.4f` would say 7423118.8161: the product by 10^4 is exactly ...60.5, a tie to even.
    assert_eq!(distance_text(7423118.8160500005), "7423118.8160");
    assert_eq!(distance_text(12.0), "12.0000");
}
