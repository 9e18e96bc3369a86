//! Geo command vectors recorded from redis-server 7.0.15: each line is a command, the exact
//! reply bytes, and how much it moved the dirty, keyspace-hit and keyspace-miss counters
//! (`expect` in `tests.rs` runs them). Each test starts from an empty database.
//!
//! `tests/py/test_differential_geo.py` replays every line against a live redis-server and
//! fails if a recorded reply or counter is no longer what Redis answers; run it as a script
//! (`python3 tests/py/test_differential_geo.py --record PORT`) to re-record this file after
//! adding lines (write the new reply as `""`). `!fill key n` adds n members `p0000`... on a
//! grid near Palermo (see `tests::fill`). Kept out of rustfmt: one line per vector.

use super::tests::expect;
use crate::testing::client;

#[rustfmt::skip]
#[test]
fn geoadd_options_and_errors() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["geoadd", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"], ":2\r\n", 2, 0, 0),
            (&["geoadd", "g", "13.361389", "38.115556", "Palermo"], ":0\r\n", 0, 0, 0),
            (&["geoadd", "g", "nx", "13", "38", "Palermo", "14", "38", "Messina"], ":1\r\n", 1, 0, 0),
            (&["geoadd", "g", "xx", "13", "38", "Palermo", "14", "39", "Nowhere"], ":0\r\n", 1, 0, 0),
            (&["geoadd", "g", "ch", "13.361389", "38.115556", "Palermo", "15", "37", "Catania", "12", "37", "Trapani"], ":3\r\n", 3, 0, 0),
            (&["geoadd", "g", "xx", "ch", "13", "38", "Palermo"], ":1\r\n", 1, 0, 0),
            (&["geoadd", "g", "CH", "NX", "Xx\0", "13", "38", "Palermo"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["geoadd", "g", "ch", "ch", "nx", "1", "2", "Dup"], ":1\r\n", 1, 0, 0),
            (&["geoadd", "g", "1", "2", "same", "3", "4", "same"], ":1\r\n", 2, 0, 0),
            (&["geopos", "g", "same"], "*1\r\n*2\r\n$19\r\n2.99999982118606567\r\n$19\r\n3.99999910393250957\r\n", 0, 1, 0),
            (&["geoadd", "g", "nx", "xx", "1", "2", "x"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["geoadd", "g", "nx", "ch", "ch"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["geoadd", "g", "gt", "1", "2", "x"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["geoadd", "g", "gt", "1", "2"], "-ERR value is not a valid float\r\n", 0, 0, 0),
            (&["geoadd", "g", "1", "2", "x", "3"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["geoadd", "g", "1", "2"], "-ERR wrong number of arguments for 'geoadd' command\r\n", 0, 0, 0),
            (&["geoadd", "g", "200", "100", "x"], "-ERR invalid longitude,latitude pair 200.000000,100.000000\r\n", 0, 0, 0),
            (&["geoadd", "g", "1", "85.06", "x"], "-ERR invalid longitude,latitude pair 1.000000,85.060000\r\n", 0, 0, 0),
            (&["geoadd", "g", "-180.0000001", "0", "x"], "-ERR invalid longitude,latitude pair -180.000000,0.000000\r\n", 0, 0, 0),
            (&["geoadd", "g", "1", "-85.05112879", "x"], "-ERR invalid longitude,latitude pair 1.000000,-85.051129\r\n", 0, 0, 0),
            (&["geoadd", "g", "1", "2", "x", "500", "1", "y"], "-ERR invalid longitude,latitude pair 500.000000,1.000000\r\n", 0, 0, 0),
            (&["exists", "x"], ":0\r\n", 0, 0, 1),
            (&["geoadd", "g", "abc", "1", "x"], "-ERR value is not a valid float\r\n", 0, 0, 0),
            (&["geoadd", "g", "1", "abc", "x"], "-ERR value is not a valid float\r\n", 0, 0, 0),
            (&["geoadd", "g", "1e400", "2", "x"], "-ERR value is not a valid float\r\n", 0, 0, 0),
            (&["geoadd", "g", "inf", "2", "x"], "-ERR invalid longitude,latitude pair inf,2.000000\r\n", 0, 0, 0),
            (&["geoadd", "g", "-inf", "2", "x"], "-ERR invalid longitude,latitude pair -inf,2.000000\r\n", 0, 0, 0),
            (&["geoadd", "g", "1", "nan", "x"], "-ERR value is not a valid float\r\n", 0, 0, 0),
            (&["geoadd", "g", " 1", "2", "x"], "-ERR value is not a valid float\r\n", 0, 0, 0),
            (&["geoadd", "g", "1\0", "2", "x"], "-ERR value is not a valid float\r\n", 0, 0, 0),
            (&["geoadd", "g", "1e400", "200", "x"], "-ERR value is not a valid float\r\n", 0, 0, 0),
            (&["geoadd", "g", "123456789012345678901234567890", "2", "x"], "-ERR invalid longitude,latitude pair 123456789012345677877719597056.000000,2.000000\r\n", 0, 0, 0),
            (&["geoadd", "g", "0x10", "0x1p-2", "hex"], ":1\r\n", 1, 0, 0),
            (&["geoadd", "g", "1e-320", "-0", "tiny"], ":1\r\n", 1, 0, 0),
            (&["geoadd", "g", "180", "85.05112878", "ne", "-180", "-85.05112878", "sw", "180", "-85.05112878", "se", "-180", "85.05112878", "nw"], ":4\r\n", 4, 0, 0),
            (&["zrange", "g", "0", "-1", "withscores"], "*24\r\n$2\r\nsw\r\n$1\r\n0\r\n$4\r\ntiny\r\n$16\r\n3377699720527872\r\n$3\r\nDup\r\n$16\r\n3378080408407459\r\n$4\r\nsame\r\n$16\r\n3379626039612548\r\n$3\r\nhex\r\n$16\r\n3387199115080340\r\n$7\r\nTrapani\r\n$16\r\n3475952690022668\r\n$7\r\nCatania\r\n$16\r\n3476504601741708\r\n$7\r\nPalermo\r\n$16\r\n3479065152021743\r\n$7\r\nMessina\r\n$16\r\n3479107959090919\r\n$2\r\nnw\r\n$16\r\n4503599627370496\r\n$2\r\nse\r\n$16\r\n9007199254740992\r\n$2\r\nne\r\n$17\r\n13510798882111488\r\n", 0, 1, 0),
            (&["object", "encoding", "g"], "$8\r\nlistpack\r\n", 0, 1, 0),
            (&["zcard", "g"], ":12\r\n", 0, 1, 0),
            (&["geoadd", "nokey", "xx", "1", "2", "a"], ":0\r\n", 0, 0, 0),
            (&["exists", "nokey"], ":0\r\n", 0, 0, 1),
            (&["geoadd", "nokey", "xx", "ch", "1", "2", "a"], ":0\r\n", 0, 0, 0),
            (&["set", "str", "v"], "+OK\r\n", 1, 0, 0),
            (&["geoadd", "str", "1", "2", "x"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 0, 0),
            (&["geoadd", "str", "500", "2", "x"], "-ERR invalid longitude,latitude pair 500.000000,2.000000\r\n", 0, 0, 0),
            (&["geoadd", "str", "nx", "xx", "1", "2", "x"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["type", "g"], "+zset\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn geoadd_encodings() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["!fill", "g", "128"], ":128\r\n", 128, 0, 0),
            (&["object", "encoding", "g"], "$8\r\nlistpack\r\n", 0, 1, 0),
            (&["geoadd", "g", "1", "1", "one-more"], ":1\r\n", 1, 0, 0),
            (&["object", "encoding", "g"], "$8\r\nskiplist\r\n", 0, 1, 0),
            (&["zcard", "g"], ":129\r\n", 0, 1, 0),
            (&["geoadd", "h", "1", "1", "a", "2", "2", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"], ":2\r\n", 2, 0, 0),
            (&["object", "encoding", "h"], "$8\r\nskiplist\r\n", 0, 1, 0),
            (&["geoadd", "l", "1", "1", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"], ":1\r\n", 1, 0, 0),
            (&["object", "encoding", "l"], "$8\r\nlistpack\r\n", 0, 1, 0),
            (&["!fill", "big", "400"], ":400\r\n", 400, 0, 0),
            (&["object", "encoding", "big"], "$8\r\nskiplist\r\n", 0, 1, 0),
            (&["zcard", "big"], ":400\r\n", 0, 1, 0),
            (&["geopos", "big", "p0000", "p0399", "p0400"], "*3\r\n*2\r\n$20\r\n12.99999922513961792\r\n$19\r\n38.0000009925631943\r\n*2\r\n$20\r\n13.24699848890304565\r\n$20\r\n38.07199974709421753\r\n*-1\r\n", 0, 1, 0),
            (&["geohash", "big", "p0000", "p0200"], "*2\r\n$11\r\nsqc0pvdq1c0\r\n$11\r\nsqc20t8nj10\r\n", 0, 1, 0),
            (&["geodist", "big", "p0000", "p0399", "km"], "$7\r\n23.0726\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn geopos_geohash_geodist() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["geoadd", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania", "180", "85.05112878", "corner", "-180", "-85.05112878", "corner2", "0", "0", "origin"], ":5\r\n", 5, 0, 0),
            (&["geopos", "g", "Palermo", "Catania", "nosuch", "corner", "corner2", "origin"], "*6\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n*-1\r\n*2\r\n$3\r\n180\r\n$19\r\n85.0511287799999991\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-85.05112751263942528\r\n*2\r\n$19\r\n0.00000268220901489\r\n$19\r\n0.00000126736058093\r\n", 0, 1, 0),
            (&["geohash", "g", "Palermo", "Catania", "nosuch", "corner", "corner2", "origin"], "*6\r\n$11\r\nsqc8b49rny0\r\n$11\r\nsqdtr74hyu0\r\n$-1\r\n$11\r\nbp05b5048p0\r\n$11\r\n00bh0hbj200\r\n$11\r\ns0000000000\r\n", 0, 1, 0),
            (&["geopos", "g"], "*0\r\n", 0, 1, 0),
            (&["geohash", "g"], "*0\r\n", 0, 1, 0),
            (&["geopos", "nokey", "a", "b"], "*2\r\n*-1\r\n*-1\r\n", 0, 0, 1),
            (&["geohash", "nokey", "a"], "*1\r\n$-1\r\n", 0, 0, 1),
            (&["geopos", "nokey"], "*0\r\n", 0, 0, 1),
            (&["geodist", "g", "Palermo", "Catania"], "$11\r\n166274.1516\r\n", 0, 1, 0),
            (&["geodist", "g", "Palermo", "Catania", "m"], "$11\r\n166274.1516\r\n", 0, 1, 0),
            (&["geodist", "g", "Palermo", "Catania", "km"], "$8\r\n166.2742\r\n", 0, 1, 0),
            (&["geodist", "g", "Palermo", "Catania", "KM"], "$8\r\n166.2742\r\n", 0, 1, 0),
            (&["geodist", "g", "Palermo", "Catania", "ft"], "$11\r\n545518.8700\r\n", 0, 1, 0),
            (&["geodist", "g", "Palermo", "Catania", "mi"], "$8\r\n103.3182\r\n", 0, 1, 0),
            (&["geodist", "g", "Palermo", "Catania", "Mi\0ignored"], "$8\r\n103.3182\r\n", 0, 1, 0),
            (&["geodist", "g", "Palermo", "Palermo"], "$6\r\n0.0000\r\n", 0, 1, 0),
            (&["geodist", "g", "corner", "corner2"], "$13\r\n18919844.5891\r\n", 0, 1, 0),
            (&["geodist", "g", "origin", "corner"], "$13\r\n10560811.4940\r\n", 0, 1, 0),
            (&["geodist", "g", "Palermo", "nosuch"], "$-1\r\n", 0, 1, 0),
            (&["geodist", "g", "nosuch", "Palermo", "km"], "$-1\r\n", 0, 1, 0),
            (&["geodist", "nokey", "a", "b"], "$-1\r\n", 0, 0, 1),
            (&["geodist", "g", "Palermo", "Catania", "parsecs"], "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n", 0, 0, 0),
            (&["geodist", "nokey", "a", "b", "parsecs"], "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n", 0, 0, 0),
            (&["geodist", "g", "Palermo", "Catania", "km", "extra"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["geodist", "nokey", "a", "b", "parsecs", "extra"], "-ERR syntax error\r\n", 0, 0, 0),
            (&["geoadd", "same", "-130.0511544777728", "9.250408943782034", "a", "-130.0511544777728", "-57.48847384891022", "b"], ":2\r\n", 2, 0, 0),
            (&["geodist", "same", "a", "b"], "$12\r\n7423118.8160\r\n", 0, 1, 0),
            (&["set", "str", "v"], "+OK\r\n", 1, 0, 0),
            (&["geopos", "str", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["geohash", "str", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["geodist", "str", "a", "b"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["geodist", "str", "a", "b", "parsecs"], "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n", 0, 0, 0),
            (&["hello", "3"], "*", 0, 0, 0),
            (&["geopos", "g", "Palermo", "nosuch"], "*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n", 0, 1, 0),
            (&["geohash", "g", "Palermo", "nosuch"], "*2\r\n$11\r\nsqc8b49rny0\r\n_\r\n", 0, 1, 0),
            (&["geodist", "g", "Palermo", "Catania"], "$11\r\n166274.1516\r\n", 0, 1, 0),
            (&["geodist", "g", "Palermo", "nosuch"], "_\r\n", 0, 1, 0),
            (&["geopos", "nokey", "a"], "*1\r\n_\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn scores_that_are_not_geohashes() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["zadd", "z", "-1", "neg", "1.5", "frac", "1e20", "big", "inf", "pinf", "-inf", "ninf", "-1e30", "vneg", "9.3e18", "over63", "4503599627370495.5", "f52", "-4503599627370496", "n52", "0", "zero", "-0", "negzero", "4503599627370496", "two52", "13510798882111488", "corner"], ":13\r\n", 13, 0, 0),
            (&["geopos", "z", "neg", "frac", "big", "pinf", "ninf", "vneg", "over63", "f52", "n52", "zero", "negzero", "two52", "corner"], "*13\r\n*2\r\n$3\r\n180\r\n$19\r\n85.0511287799999991\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-85.05112497791824921\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-85.05112751263942528\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-85.05112751263942528\r\n*2\r\n$3\r\n180\r\n$21\r\n-85.05112751263942528\r\n*2\r\n$3\r\n180\r\n$21\r\n-85.05112751263942528\r\n*2\r\n$3\r\n180\r\n$19\r\n85.0511287799999991\r\n*2\r\n$21\r\n179.99999731779098511\r\n$20\r\n85.05112751263942528\r\n*2\r\n$3\r\n180\r\n$19\r\n85.0511287799999991\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-85.05112751263942528\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-85.05112751263942528\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$19\r\n85.0511287799999991\r\n*2\r\n$3\r\n180\r\n$19\r\n85.0511287799999991\r\n", 0, 1, 0),
            (&["geohash", "z", "neg", "frac", "big", "pinf", "ninf", "vneg", "over63", "f52", "n52", "zero", "negzero", "two52", "corner"], "*13\r\n$11\r\nbp05b5048p0\r\n$11\r\n00bh0hbj210\r\n$11\r\n00bh0hbj200\r\n$11\r\n00bh0hbj200\r\n$11\r\n00bh0hbj200\r\n$11\r\n00bh0hbj200\r\n$11\r\nbp05b5048p0\r\n$11\r\nzzpgzgpfxz0\r\n$11\r\nbp05b5048p0\r\n$11\r\n00bh0hbj200\r\n$11\r\n00bh0hbj200\r\n$11\r\nbp05b5048p0\r\n$11\r\nbp05b5048p0\r\n", 0, 1, 0),
            (&["geodist", "z", "neg", "frac"], "$13\r\n18919844.3072\r\n", 0, 1, 0),
            (&["geodist", "z", "pinf", "ninf", "km"], "$6\r\n0.0000\r\n", 0, 1, 0),
            (&["geosearch", "z", "frommember", "pinf", "byradius", "1", "m", "withhash", "withcoord"], "*3\r\n*3\r\n$7\r\nnegzero\r\n:0\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-85.05112751263942528\r\n*3\r\n$4\r\nzero\r\n:0\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-85.05112751263942528\r\n*3\r\n$4\r\nfrac\r\n:1\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-85.05112497791824921\r\n", 0, 1, 0),
            (&["geosearch", "z", "fromlonlat", "0", "0", "byradius", "30000", "km", "withhash", "asc"], "*4\r\n*2\r\n$3\r\nf52\r\n:4503599627370495\r\n*2\r\n$7\r\nnegzero\r\n:0\r\n*2\r\n$4\r\nzero\r\n:0\r\n*2\r\n$4\r\nfrac\r\n:1\r\n", 0, 1, 0),
            (&["georadius", "z", "-179.9999", "-85.05", "100", "km", "withhash", "withdist", "asc"], "*3\r\n*3\r\n$4\r\nfrac\r\n$6\r\n0.1251\r\n:1\r\n*3\r\n$7\r\nnegzero\r\n$6\r\n0.1254\r\n:0\r\n*3\r\n$4\r\nzero\r\n$6\r\n0.1254\r\n:0\r\n", 0, 1, 0),
            (&["georadiusbymember", "z", "frac", "10", "m", "withhash"], "*3\r\n*2\r\n$7\r\nnegzero\r\n:0\r\n*2\r\n$4\r\nzero\r\n:0\r\n*2\r\n$4\r\nfrac\r\n:1\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn georadius_replies() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["geoadd", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania", "12.758489", "38.788135", "edge1", "17.241510", "38.788135", "edge2"], ":4\r\n", 4, 0, 0),
            (&["georadius", "g", "15", "37", "200", "km"], "*2\r\n$7\r\nPalermo\r\n$7\r\nCatania\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "asc"], "*2\r\n$7\r\nCatania\r\n$7\r\nPalermo\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "desc"], "*2\r\n$7\r\nPalermo\r\n$7\r\nCatania\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "withdist", "withcoord", "withhash", "asc"], "*2\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "withcoord"], "*2\r\n*2\r\n$7\r\nPalermo\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*2\r\n$7\r\nCatania\r\n*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "withhash", "withdist"], "*2\r\n*3\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n*3\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "WITHDIST", "WITHDIST"], "*2\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "count", "1"], "*1\r\n$7\r\nCatania\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "desc", "count", "1"], "*1\r\n$7\r\nPalermo\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "count", "1", "any"], "*1\r\n$7\r\nPalermo\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "any", "count", "5"], "*2\r\n$7\r\nPalermo\r\n$7\r\nCatania\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "count", "1", "count", "2"], "*2\r\n$7\r\nCatania\r\n$7\r\nPalermo\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "asc", "desc", "count", "1"], "*1\r\n$7\r\nPalermo\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "count", "9223372036854775807"], "*2\r\n$7\r\nCatania\r\n$7\r\nPalermo\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "400", "km", "withdist", "asc"], "*4\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n*2\r\n$5\r\nedge2\r\n$8\r\n279.7403\r\n*2\r\n$5\r\nedge1\r\n$8\r\n279.7405\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "400000", "m", "withdist", "asc"], "*4\r\n*2\r\n$7\r\nCatania\r\n$10\r\n56441.2579\r\n*2\r\n$7\r\nPalermo\r\n$11\r\n190442.4298\r\n*2\r\n$5\r\nedge2\r\n$11\r\n279740.3418\r\n*2\r\n$5\r\nedge1\r\n$11\r\n279740.4521\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "250", "mi", "withdist", "asc"], "*4\r\n*2\r\n$7\r\nCatania\r\n$7\r\n35.0711\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n118.3357\r\n*2\r\n$5\r\nedge2\r\n$8\r\n173.8230\r\n*2\r\n$5\r\nedge1\r\n$8\r\n173.8231\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "1312335.958", "ft", "withdist", "asc"], "*4\r\n*2\r\n$7\r\nCatania\r\n$11\r\n185174.7305\r\n*2\r\n$7\r\nPalermo\r\n$11\r\n624811.1215\r\n*2\r\n$5\r\nedge2\r\n$11\r\n917783.2736\r\n*2\r\n$5\r\nedge1\r\n$11\r\n917783.6356\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "0", "m"], "*0\r\n", 0, 1, 0),
            (&["georadius", "g", "15.087269", "37.502669", "0", "m", "withdist"], "*0\r\n", 0, 1, 0),
            (&["georadius", "g", "15.087269", "37.502669", "1", "m", "withdist"], "*1\r\n*2\r\n$7\r\nCatania\r\n$6\r\n0.1504\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "inf", "m"], "*4\r\n$7\r\nPalermo\r\n$5\r\nedge1\r\n$7\r\nCatania\r\n$5\r\nedge2\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "1e308", "m"], "*4\r\n$7\r\nPalermo\r\n$5\r\nedge1\r\n$7\r\nCatania\r\n$5\r\nedge2\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "5000", "km", "withdist"], "*4\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n*2\r\n$5\r\nedge1\r\n$8\r\n279.7405\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n$5\r\nedge2\r\n$8\r\n279.7403\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "20000", "km", "withdist"], "*4\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n*2\r\n$5\r\nedge1\r\n$8\r\n279.7405\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n$5\r\nedge2\r\n$8\r\n279.7403\r\n", 0, 1, 0),
            (&["georadius", "g", "-165", "-37", "20000", "km", "withdist"], "*4\r\n*2\r\n$7\r\nPalermo\r\n$10\r\n19830.2916\r\n*2\r\n$5\r\nedge1\r\n$10\r\n19740.9935\r\n*2\r\n$7\r\nCatania\r\n$10\r\n19964.2927\r\n*2\r\n$5\r\nedge2\r\n$10\r\n19740.9937\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "1", "km"], "*0\r\n", 0, 1, 0),
            (&["georadius_ro", "g", "15", "37", "200", "km", "withdist", "asc"], "*2\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n", 0, 1, 0),
            (&["georadius_ro", "g", "15", "37", "200", "km", "count", "1", "desc", "withcoord"], "*1\r\n*2\r\n$7\r\nPalermo\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n", 0, 1, 0),
            (&["georadius", "nokey", "15", "37", "200", "km"], "*0\r\n", 0, 0, 1),
            (&["georadius", "nokey", "15", "37", "200", "km", "withdist", "count", "3"], "*0\r\n", 0, 0, 1),
            (&["georadius_ro", "nokey", "15", "37", "200", "km"], "*0\r\n", 0, 0, 1),
            (&["hello", "3"], "*", 0, 0, 0),
            (&["georadius", "g", "15", "37", "200", "km", "withdist", "withcoord", "withhash", "asc"], "*2\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n*2\r\n,15.08726745843887329\r\n,37.50266842333162032\r\n*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km"], "*2\r\n$7\r\nPalermo\r\n$7\r\nCatania\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "1", "km"], "*0\r\n", 0, 1, 0),
            (&["georadius", "nokey", "15", "37", "1", "km"], "*0\r\n", 0, 0, 1),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn georadius_errors() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["geoadd", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"], ":2\r\n", 2, 0, 0),
            (&["georadius", "g", "15", "37", "200", "km", "any"], "-ERR the ANY argument requires COUNT argument\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "count", "0"], "-ERR COUNT must be > 0\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "count", "-1"], "-ERR COUNT must be > 0\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "count", "abc"], "-ERR value is not an integer or out of range\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "count", "1.5"], "-ERR value is not an integer or out of range\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "count", "99999999999999999999"], "-ERR value is not an integer or out of range\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "count"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "count", "0", "bogus"], "-ERR COUNT must be > 0\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "bogus", "count", "0"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "-1", "km"], "-ERR radius cannot be negative\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "-0", "km"], "*0\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "abc", "km"], "-ERR need numeric radius\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "1", "parsecs"], "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "abc", "parsecs"], "-ERR need numeric radius\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "-1", "parsecs"], "-ERR radius cannot be negative\r\n", 0, 1, 0),
            (&["georadius", "g", "200", "37", "abc", "km"], "-ERR invalid longitude,latitude pair 200.000000,37.000000\r\n", 0, 1, 0),
            (&["georadius", "g", "abc", "37", "1", "km"], "-ERR value is not a valid float\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "abc", "1", "km"], "-ERR value is not a valid float\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "store"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "storedist"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "store", "dst", "withdist"], "-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "withhash", "storedist", "dst"], "-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n", 0, 1, 0),
            (&["georadius_ro", "g", "15", "37", "200", "km", "store", "dst"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["georadius_ro", "g", "15", "37", "200", "km", "storedist", "dst"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "frommember", "x"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "fromlonlat", "1", "2"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "byradius", "1", "km"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "bogus"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "withdist\0x"], "*2\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200"], "-ERR wrong number of arguments for 'georadius' command\r\n", 0, 0, 0),
            (&["georadius", "nokey", "500", "37", "200", "km"], "-ERR invalid longitude,latitude pair 500.000000,37.000000\r\n", 0, 0, 1),
            (&["georadius", "nokey", "15", "37", "-5", "km"], "-ERR radius cannot be negative\r\n", 0, 0, 1),
            (&["georadius", "nokey", "15", "37", "200", "km", "bogus"], "-ERR syntax error\r\n", 0, 0, 1),
            (&["georadius", "nokey", "15", "37", "200", "km", "any"], "-ERR the ANY argument requires COUNT argument\r\n", 0, 0, 1),
            (&["georadius", "nokey", "15", "37", "200", "km", "store", "dst", "withdist"], "-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n", 0, 0, 1),
            (&["set", "str", "v"], "+OK\r\n", 1, 0, 0),
            (&["georadius", "str", "500", "37", "abc", "km"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["georadius_ro", "str", "15", "37", "1", "km"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["georadius", "str", "15", "37", "1", "km", "store", "dst"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn georadius_store() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["geoadd", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania", "12.758489", "38.788135", "edge1", "17.241510", "38.788135", "edge2"], ":4\r\n", 4, 0, 0),
            (&["georadius", "g", "15", "37", "200", "km", "store", "dst"], ":2\r\n", 2, 1, 0),
            (&["zrange", "dst", "0", "-1", "withscores"], "*4\r\n$7\r\nPalermo\r\n$16\r\n3479099956230698\r\n$7\r\nCatania\r\n$16\r\n3479447370796909\r\n", 0, 1, 0),
            (&["object", "encoding", "dst"], "$8\r\nlistpack\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "400", "km", "storedist", "dst"], ":4\r\n", 4, 1, 0),
            (&["zrange", "dst", "0", "-1", "withscores"], "*8\r\n$7\r\nCatania\r\n$18\r\n56.441257870158204\r\n$7\r\nPalermo\r\n$18\r\n190.44242984775784\r\n$5\r\nedge2\r\n$17\r\n279.7403417843143\r\n$5\r\nedge1\r\n$18\r\n279.74045213563431\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "400", "mi", "storedist", "dst", "count", "2", "desc"], ":2\r\n", 2, 1, 0),
            (&["zrange", "dst", "0", "-1", "withscores"], "*4\r\n$5\r\nedge2\r\n$18\r\n173.82302172587168\r\n$5\r\nedge1\r\n$18\r\n173.82309029517339\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "store", "dst", "storedist", "dst2"], ":2\r\n", 2, 1, 0),
            (&["exists", "dst", "dst2"], ":2\r\n", 0, 2, 0),
            (&["zrange", "dst2", "0", "-1", "withscores"], "*4\r\n$7\r\nCatania\r\n$18\r\n56.441257870158204\r\n$7\r\nPalermo\r\n$18\r\n190.44242984775784\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "200", "km", "storedist", "dst2", "store", "dst3"], ":2\r\n", 2, 1, 0),
            (&["zrange", "dst3", "0", "-1", "withscores"], "*4\r\n$7\r\nPalermo\r\n$16\r\n3479099956230698\r\n$7\r\nCatania\r\n$16\r\n3479447370796909\r\n", 0, 1, 0),
            (&["exists", "dst2"], ":1\r\n", 0, 1, 0),
            (&["set", "dst", "v", "ex", "100"], "+OK\r\n", 1, 0, 0),
            (&["georadius", "g", "15", "37", "200", "km", "STORE", "dst"], ":2\r\n", 2, 1, 0),
            (&["ttl", "dst"], ":-1\r\n", 0, 1, 0),
            (&["type", "dst"], "+zset\r\n", 0, 1, 0),
            (&["georadius", "g", "15", "37", "1", "km", "store", "dst"], ":0\r\n", 1, 1, 0),
            (&["exists", "dst"], ":0\r\n", 0, 0, 1),
            (&["georadius", "g", "15", "37", "1", "km", "store", "dst"], ":0\r\n", 0, 1, 0),
            (&["georadius", "nokey", "15", "37", "200", "km", "store", "dst2"], ":0\r\n", 1, 0, 1),
            (&["exists", "dst2"], ":0\r\n", 0, 0, 1),
            (&["georadius", "nokey", "15", "37", "200", "km", "store", "dst2"], ":0\r\n", 0, 0, 1),
            (&["georadiusbymember", "g", "Palermo", "200", "km", "store", "g"], ":3\r\n", 3, 1, 0),
            (&["zrange", "g", "0", "-1", "withscores"], "*6\r\n$7\r\nPalermo\r\n$16\r\n3479099956230698\r\n$5\r\nedge1\r\n$16\r\n3479273021651468\r\n$7\r\nCatania\r\n$16\r\n3479447370796909\r\n", 0, 1, 0),
            (&["georadiusbymember", "g", "Palermo", "200", "km", "count", "1", "any", "storedist", "byme"], ":1\r\n", 1, 1, 0),
            (&["zrange", "byme", "0", "-1", "withscores"], "*2\r\n$7\r\nPalermo\r\n$1\r\n0\r\n", 0, 1, 0),
            (&["georadiusbymember", "nokey", "x", "200", "km", "store", "byme"], ":0\r\n", 1, 0, 1),
            (&["exists", "byme"], ":0\r\n", 0, 0, 1),
            (&["set", "str", "v"], "+OK\r\n", 1, 0, 0),
            (&["georadius", "g", "15", "37", "200", "km", "store", "str"], ":2\r\n", 2, 1, 0),
            (&["type", "str"], "+zset\r\n", 0, 1, 0),
            (&["hello", "3"], "*", 0, 0, 0),
            (&["georadius", "g", "15", "37", "200", "km", "storedist", "dst"], ":2\r\n", 2, 1, 0),
            (&["zrange", "dst", "0", "-1", "withscores"], "*2\r\n*2\r\n$7\r\nCatania\r\n,56.441257870158204\r\n*2\r\n$7\r\nPalermo\r\n,190.44242984775784\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn georadiusbymember_replies_and_errors() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["geoadd", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania", "12.758489", "38.788135", "edge1", "17.241510", "38.788135", "edge2"], ":4\r\n", 4, 0, 0),
            (&["georadiusbymember", "g", "Palermo", "200", "km"], "*3\r\n$7\r\nPalermo\r\n$5\r\nedge1\r\n$7\r\nCatania\r\n", 0, 1, 0),
            (&["georadiusbymember", "g", "Palermo", "200", "km", "withdist", "withcoord", "withhash"], "*3\r\n*4\r\n$7\r\nPalermo\r\n$6\r\n0.0000\r\n:3479099956230698\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*4\r\n$5\r\nedge1\r\n$7\r\n91.4007\r\n:3479273021651468\r\n*2\r\n$19\r\n12.7584877610206604\r\n$20\r\n38.78813451624225195\r\n*4\r\n$7\r\nCatania\r\n$8\r\n166.2742\r\n:3479447370796909\r\n*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n", 0, 1, 0),
            (&["georadiusbymember", "g", "Palermo", "200", "km", "desc", "count", "2"], "*2\r\n$7\r\nCatania\r\n$5\r\nedge1\r\n", 0, 1, 0),
            (&["georadiusbymember", "g", "Palermo", "0", "km", "withdist"], "*1\r\n*2\r\n$7\r\nPalermo\r\n$6\r\n0.0000\r\n", 0, 1, 0),
            (&["georadiusbymember_ro", "g", "edge2", "300", "km", "withdist", "asc"], "*2\r\n*2\r\n$5\r\nedge2\r\n$6\r\n0.0000\r\n*2\r\n$7\r\nCatania\r\n$8\r\n236.5292\r\n", 0, 1, 0),
            (&["georadiusbymember_ro", "g", "edge2", "300", "km", "store", "x"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["georadiusbymember", "g", "nosuch", "200", "km", "withdist"], "-ERR could not decode requested zset member\r\n", 0, 1, 0),
            (&["georadiusbymember", "g", "nosuch", "abc", "km"], "-ERR could not decode requested zset member\r\n", 0, 1, 0),
            (&["georadiusbymember", "g", "Palermo", "abc", "km"], "-ERR need numeric radius\r\n", 0, 1, 0),
            (&["georadiusbymember", "g", "Palermo", "-1", "km"], "-ERR radius cannot be negative\r\n", 0, 1, 0),
            (&["georadiusbymember", "g", "Palermo", "1", "lightyears"], "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n", 0, 1, 0),
            (&["georadiusbymember", "g", "Palermo", "1", "km", "bogus"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["georadiusbymember", "g", "Palermo", "1", "km", "any"], "-ERR the ANY argument requires COUNT argument\r\n", 0, 1, 0),
            (&["georadiusbymember", "nokey", "nosuch", "abc", "km"], "*0\r\n", 0, 0, 1),
            (&["georadiusbymember", "nokey", "nosuch", "1", "parsecs"], "*0\r\n", 0, 0, 1),
            (&["georadiusbymember", "nokey", "nosuch", "1", "km", "bogus"], "-ERR syntax error\r\n", 0, 0, 1),
            (&["georadiusbymember", "nokey", "nosuch", "1", "km", "any"], "-ERR the ANY argument requires COUNT argument\r\n", 0, 0, 1),
            (&["georadiusbymember", "nokey", "nosuch", "1", "km", "store", "dst"], ":0\r\n", 0, 0, 1),
            (&["georadiusbymember", "nokey", "nosuch", "1", "km", "store", "dst", "withdist"], "-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n", 0, 0, 1),
            (&["georadiusbymember", "g", "Palermo", "1"], "-ERR wrong number of arguments for 'georadiusbymember' command\r\n", 0, 0, 0),
            (&["set", "str", "v"], "+OK\r\n", 1, 0, 0),
            (&["georadiusbymember", "str", "nosuch", "abc", "km"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["georadiusbymember_ro", "str", "a", "1", "km"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn geosearch_replies() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["geoadd", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania", "12.758489", "38.788135", "edge1", "17.241510", "38.788135", "edge2"], ":4\r\n", 4, 0, 0),
            (&["geosearch", "g", "frommember", "Palermo", "byradius", "200", "km"], "*3\r\n$7\r\nPalermo\r\n$5\r\nedge1\r\n$7\r\nCatania\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "byradius", "200", "km", "asc"], "*2\r\n$7\r\nCatania\r\n$7\r\nPalermo\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "bybox", "400", "400", "km", "asc", "withdist"], "*4\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n*2\r\n$5\r\nedge2\r\n$8\r\n279.7403\r\n*2\r\n$5\r\nedge1\r\n$8\r\n279.7405\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "bybox", "400", "400", "km", "desc", "withcoord", "withhash"], "*4\r\n*3\r\n$5\r\nedge1\r\n:3479273021651468\r\n*2\r\n$19\r\n12.7584877610206604\r\n$20\r\n38.78813451624225195\r\n*3\r\n$5\r\nedge2\r\n:3481342659049484\r\n*2\r\n$20\r\n17.24151045083999634\r\n$20\r\n38.78813451624225195\r\n*3\r\n$7\r\nPalermo\r\n:3479099956230698\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*3\r\n$7\r\nCatania\r\n:3479447370796909\r\n*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "bybox", "100", "400", "km", "withdist"], "*1\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "bybox", "400", "100", "km", "withdist"], "*0\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "bybox", "560", "400", "km", "withdist"], "*4\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n*2\r\n$5\r\nedge1\r\n$8\r\n279.7405\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n$5\r\nedge2\r\n$8\r\n279.7403\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "bybox", "0", "0", "km"], "*0\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15.087269", "37.502669", "bybox", "0", "0", "km", "withdist"], "*0\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "bybox", "inf", "1", "m"], "*0\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "bybox", "1e300", "1e300", "m"], "*4\r\n$7\r\nPalermo\r\n$5\r\nedge1\r\n$7\r\nCatania\r\n$5\r\nedge2\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "bybox", "40000", "40000", "km"], "*4\r\n$7\r\nPalermo\r\n$5\r\nedge1\r\n$7\r\nCatania\r\n$5\r\nedge2\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "byradius", "inf", "m"], "*4\r\n$7\r\nPalermo\r\n$5\r\nedge1\r\n$7\r\nCatania\r\n$5\r\nedge2\r\n", 0, 1, 0),
            (&["geosearch", "g", "frommember", "Palermo", "frommember", "Catania", "byradius", "1", "km"], "*1\r\n$7\r\nCatania\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "fromlonlat", "16", "37", "byradius", "1", "km"], "*0\r\n", 0, 1, 0),
            (&["geosearch", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "KM", "COUNT", "1", "DESC"], "*1\r\n$7\r\nPalermo\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "byradius", "1000", "km", "count", "1", "any", "withdist"], "*1\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "byradius", "1000", "km", "count", "3", "any", "desc", "withdist"], "*3\r\n*2\r\n$5\r\nedge1\r\n$8\r\n279.7405\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "byradius", "1000", "km", "count", "10"], "*4\r\n$7\r\nCatania\r\n$7\r\nPalermo\r\n$5\r\nedge2\r\n$5\r\nedge1\r\n", 0, 1, 0),
            (&["geosearch", "g", "byradius", "1000", "km", "fromlonlat", "15", "37", "withdist"], "*4\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n*2\r\n$5\r\nedge1\r\n$8\r\n279.7405\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n$5\r\nedge2\r\n$8\r\n279.7403\r\n", 0, 1, 0),
            (&["geosearch", "g", "frommember", "Palermo", "byradius", "300", "km", "withdist", "asc"], "*3\r\n*2\r\n$7\r\nPalermo\r\n$6\r\n0.0000\r\n*2\r\n$5\r\nedge1\r\n$7\r\n91.4007\r\n*2\r\n$7\r\nCatania\r\n$8\r\n166.2742\r\n", 0, 1, 0),
            (&["geosearch", "g", "frommember", "Palermo", "bybox", "300", "300", "ft", "withdist", "asc"], "*1\r\n*2\r\n$7\r\nPalermo\r\n$6\r\n0.0000\r\n", 0, 1, 0),
            (&["geosearch", "g", "frommember", "Palermo", "bybox", "300", "300", "mi", "withdist", "asc"], "*3\r\n*2\r\n$7\r\nPalermo\r\n$6\r\n0.0000\r\n*2\r\n$5\r\nedge1\r\n$7\r\n56.7939\r\n*2\r\n$7\r\nCatania\r\n$8\r\n103.3182\r\n", 0, 1, 0),
            (&["geosearch", "nokey", "frommember", "nosuch", "byradius", "1", "km"], "*0\r\n", 0, 0, 1),
            (&["geosearch", "nokey", "fromlonlat", "15", "37", "byradius", "1", "km"], "*0\r\n", 0, 0, 1),
            (&["hello", "3"], "*", 0, 0, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "bybox", "400", "400", "km", "asc", "withdist", "withcoord", "withhash"], "*4\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n*2\r\n,15.08726745843887329\r\n,37.50266842333162032\r\n*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n*4\r\n$5\r\nedge2\r\n$8\r\n279.7403\r\n:3481342659049484\r\n*2\r\n,17.24151045083999634\r\n,38.78813451624225195\r\n*4\r\n$5\r\nedge1\r\n$8\r\n279.7405\r\n:3479273021651468\r\n*2\r\n,12.7584877610206604\r\n,38.78813451624225195\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "byradius", "1", "km"], "*0\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn geosearch_errors() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["geoadd", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"], ":2\r\n", 2, 0, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "bybox", "400", "400", "km", "byradius", "1", "km"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "byradius", "1", "km", "bybox", "400", "400", "km"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "frommember", "Palermo", "byradius", "1", "km"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["geosearch", "g", "frommember", "Palermo", "fromlonlat", "15", "37", "byradius", "1", "km"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["geosearch", "g", "byradius", "1", "km"], "-ERR wrong number of arguments for 'geosearch' command\r\n", 0, 0, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37"], "-ERR wrong number of arguments for 'geosearch' command\r\n", 0, 0, 0),
            (&["GeoSearch", "g", "byradius", "1", "km", "withdist", "asc"], "-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GeoSearch\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "1", "2", "asc", "desc", "withhash"], "-ERR exactly one of BYRADIUS and BYBOX can be specified for geosearch\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "byradius", "1", "km", "store", "dst"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "byradius", "1", "km", "storedist"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["geosearch", "g", "frommember", "nosuch", "byradius", "1", "km"], "-ERR could not decode requested zset member\r\n", 0, 1, 0),
            (&["geosearch", "g", "frommember", "nosuch", "byradius", "abc", "km"], "-ERR could not decode requested zset member\r\n", 0, 1, 0),
            (&["geosearch", "g", "byradius", "abc", "km", "frommember", "nosuch"], "-ERR need numeric radius\r\n", 0, 1, 0),
            (&["geosearch", "g", "frommember", "nosuch", "bogus", "x", "y"], "-ERR could not decode requested zset member\r\n", 0, 1, 0),
            (&["geosearch", "nokey", "frommember", "nosuch", "bogus", "x", "y"], "-ERR syntax error\r\n", 0, 0, 1),
            (&["geosearch", "nokey", "frommember", "nosuch", "byradius", "abc", "km"], "-ERR need numeric radius\r\n", 0, 0, 1),
            (&["geosearch", "nokey", "frommember", "nosuch", "fromlonlat", "1", "2", "byradius", "1", "km"], "-ERR syntax error\r\n", 0, 0, 1),
            (&["geosearch", "g", "fromlonlat", "15", "37", "bybox", "-1", "2", "km"], "-ERR height or width cannot be negative\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "bybox", "abc", "2", "km"], "-ERR need numeric width\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "bybox", "1", "abc", "km"], "-ERR need numeric height\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "bybox", "abc", "abc", "km"], "-ERR need numeric width\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "bybox", "1", "-2", "xx"], "-ERR height or width cannot be negative\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "bybox", "1", "2", "xx"], "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "bybox", "1", "2"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "byradius", "1"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "byradius", "1", "km"], "-ERR value is not a valid float\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "abc", "37", "byradius", "1", "km"], "-ERR value is not a valid float\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "100", "byradius", "1", "km"], "-ERR invalid longitude,latitude pair 15.000000,100.000000\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "byradius", "-1", "km"], "-ERR radius cannot be negative\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "byradius", "1", "km", "any"], "-ERR the ANY argument requires COUNT argument\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "byradius", "1", "km", "count", "0"], "-ERR COUNT must be > 0\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "byradius", "1", "km", "count", "x", "any"], "-ERR value is not an integer or out of range\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "byradius", "1", "km", "count"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["geosearch", "g", "fromlonlat", "15", "37", "byradius", "1", "km", "withdist", "any"], "-ERR the ANY argument requires COUNT argument\r\n", 0, 1, 0),
            (&["geosearch", "nokey", "fromlonlat", "15", "37", "byradius", "1", "km", "any"], "-ERR the ANY argument requires COUNT argument\r\n", 0, 0, 1),
            (&["set", "str", "v"], "+OK\r\n", 1, 0, 0),
            (&["geosearch", "str", "fromlonlat", "500", "37", "byradius", "1", "km"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["geosearch", "str", "bogus", "1", "2", "3", "4"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn geosearchstore() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["geoadd", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania", "12.758489", "38.788135", "edge1", "17.241510", "38.788135", "edge2"], ":4\r\n", 4, 0, 0),
            (&["geosearchstore", "dst", "g", "fromlonlat", "15", "37", "byradius", "1000", "km", "withdist"], "-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n", 0, 1, 0),
            (&["geosearchstore", "dst", "g", "fromlonlat", "15", "37", "byradius", "1000", "km", "store", "x"], "-ERR syntax error\r\n", 0, 1, 0),
            (&["geosearchstore", "dst", "g", "fromlonlat", "15", "37", "byradius", "1000", "km", "storedist"], ":4\r\n", 4, 1, 0),
            (&["zrange", "dst", "0", "-1", "withscores"], "*8\r\n$7\r\nCatania\r\n$18\r\n56.441257870158204\r\n$7\r\nPalermo\r\n$18\r\n190.44242984775784\r\n$5\r\nedge2\r\n$17\r\n279.7403417843143\r\n$5\r\nedge1\r\n$18\r\n279.74045213563431\r\n", 0, 1, 0),
            (&["geosearchstore", "dst", "g", "fromlonlat", "15", "37", "byradius", "1000", "km"], ":4\r\n", 4, 1, 0),
            (&["zrange", "dst", "0", "-1", "withscores"], "*8\r\n$7\r\nPalermo\r\n$16\r\n3479099956230698\r\n$5\r\nedge1\r\n$16\r\n3479273021651468\r\n$7\r\nCatania\r\n$16\r\n3479447370796909\r\n$5\r\nedge2\r\n$16\r\n3481342659049484\r\n", 0, 1, 0),
            (&["object", "encoding", "dst"], "$8\r\nlistpack\r\n", 0, 1, 0),
            (&["geosearchstore", "dst", "g", "frommember", "Palermo", "bybox", "400", "400", "km", "count", "2", "desc", "STOREDIST"], ":2\r\n", 2, 1, 0),
            (&["zrange", "dst", "0", "-1", "withscores"], "*4\r\n$5\r\nedge1\r\n$18\r\n91.400658605814272\r\n$7\r\nCatania\r\n$18\r\n166.27415156960032\r\n", 0, 1, 0),
            (&["geosearchstore", "dst", "g", "fromlonlat", "15", "37", "byradius", "1", "km"], ":0\r\n", 1, 1, 0),
            (&["exists", "dst"], ":0\r\n", 0, 0, 1),
            (&["geosearchstore", "dst", "g", "fromlonlat", "15", "37", "byradius", "1", "km"], ":0\r\n", 0, 1, 0),
            (&["geosearchstore", "dst", "nokey", "fromlonlat", "15", "37", "byradius", "1", "km"], ":0\r\n", 0, 0, 1),
            (&["geosearchstore", "g", "g", "frommember", "Catania", "byradius", "100", "km"], ":1\r\n", 1, 1, 0),
            (&["zrange", "g", "0", "-1", "withscores"], "*2\r\n$7\r\nCatania\r\n$16\r\n3479447370796909\r\n", 0, 1, 0),
            (&["GEOSEARCHSTORE", "dst", "g", "fromlonlat", "1", "2", "asc", "desc", "withhash"], "-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n", 0, 1, 0),
            (&["GEOSEARCHSTORE", "dst", "g", "fromlonlat", "1", "2", "asc", "desc", "storedist"], "-ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCHSTORE\r\n", 0, 1, 0),
            (&["geosearchstore", "dst", "g", "asc", "byradius", "1", "km"], "-ERR wrong number of arguments for 'geosearchstore' command\r\n", 0, 0, 0),
            (&["geosearchstore", "dst", "g", "frommember", "nosuch", "byradius", "1", "km"], "-ERR could not decode requested zset member\r\n", 0, 1, 0),
            (&["geosearchstore", "dst", "nokey", "frommember", "nosuch", "byradius", "1", "km", "storedist"], ":0\r\n", 0, 0, 1),
            (&["set", "dst", "v", "ex", "100"], "+OK\r\n", 1, 0, 0),
            (&["geosearchstore", "dst", "g", "fromlonlat", "15", "37", "byradius", "1000", "km"], ":1\r\n", 1, 1, 0),
            (&["ttl", "dst"], ":-1\r\n", 0, 1, 0),
            (&["set", "str", "v"], "+OK\r\n", 1, 0, 0),
            (&["geosearchstore", "dst", "str", "fromlonlat", "15", "37", "byradius", "1", "km"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 0, 1, 0),
            (&["geosearchstore", "str", "g", "fromlonlat", "15", "37", "byradius", "1000", "km"], ":1\r\n", 1, 1, 0),
            (&["type", "str"], "+zset\r\n", 0, 1, 0),
            (&["!fill", "big", "300"], ":300\r\n", 300, 0, 0),
            (&["geosearchstore", "dst", "big", "fromlonlat", "13.1", "38.05", "byradius", "100", "km"], ":300\r\n", 300, 1, 0),
            (&["object", "encoding", "dst"], "$8\r\nskiplist\r\n", 0, 1, 0),
            (&["geosearchstore", "dst", "big", "fromlonlat", "13.1", "38.05", "byradius", "100", "km", "count", "128"], ":128\r\n", 128, 1, 0),
            (&["object", "encoding", "dst"], "$8\r\nlistpack\r\n", 0, 1, 0),
            (&["geosearchstore", "dst", "big", "fromlonlat", "13.1", "38.05", "byradius", "2", "km", "storedist"], ":20\r\n", 20, 1, 0),
            (&["zrange", "dst", "0", "-1", "withscores"], "*40\r\n$5\r\np0266\r\n$19\r\n0.23898516008702403\r\n$5\r\np0109\r\n$18\r\n0.4914157730681869\r\n$5\r\np0148\r\n$19\r\n0.67295280823087533\r\n$5\r\np0227\r\n$18\r\n0.7173267102409856\r\n$5\r\np0009\r\n$19\r\n0.90385915134378514\r\n$5\r\np0030\r\n$18\r\n1.1430319966636424\r\n$5\r\np0127\r\n$18\r\n1.2448349979292566\r\n$5\r\np0070\r\n$18\r\n1.3632230190657644\r\n$5\r\np0048\r\n$18\r\n1.3959248741125294\r\n$5\r\np0166\r\n$18\r\n1.4188947584734466\r\n$5\r\np0248\r\n$18\r\n1.5521378027731469\r\n$5\r\np0187\r\n$18\r\n1.5793050396367205\r\n$5\r\np0284\r\n$18\r\n1.5922110294558638\r\n$5\r\np0245\r\n$18\r\n1.6553894481552023\r\n$5\r\np0188\r\n$18\r\n1.6734524179424697\r\n$5\r\np0088\r\n$17\r\n1.707584042383971\r\n$5\r\np0209\r\n$18\r\n1.7659191386560427\r\n$5\r\np0287\r\n$18\r\n1.8787109311759056\r\n$5\r\np0130\r\n$18\r\n1.9296204444981484\r\n$5\r\np0091\r\n$18\r\n1.9399313078893385\r\n", 0, 1, 0),
            (&["hello", "3"], "*", 0, 0, 0),
            (&["geosearchstore", "dst", "g", "fromlonlat", "15", "37", "byradius", "1000", "km", "storedist"], ":1\r\n", 1, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn large_sets_and_ties() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["!fill", "big", "400"], ":400\r\n", 400, 0, 0),
            (&["geosearch", "big", "fromlonlat", "13.1", "38.05", "byradius", "3", "km", "withdist"], "*57\r\n*2\r\n$5\r\np0148\r\n$6\r\n0.6730\r\n*2\r\n$5\r\np0266\r\n$6\r\n0.2390\r\n*2\r\n$5\r\np0248\r\n$6\r\n1.5521\r\n*2\r\n$5\r\np0366\r\n$6\r\n1.2461\r\n*2\r\n$5\r\np0384\r\n$6\r\n0.3444\r\n*2\r\n$5\r\np0109\r\n$6\r\n0.4914\r\n*2\r\n$5\r\np0227\r\n$6\r\n0.7173\r\n*2\r\n$5\r\np0345\r\n$6\r\n1.1158\r\n*2\r\n$5\r\np0070\r\n$6\r\n1.3632\r\n*2\r\n$5\r\np0091\r\n$6\r\n1.9399\r\n*2\r\n$5\r\np0348\r\n$6\r\n2.7960\r\n*2\r\n$5\r\np0209\r\n$6\r\n1.7659\r\n*2\r\n$5\r\np0327\r\n$6\r\n1.7120\r\n*2\r\n$5\r\np0052\r\n$6\r\n2.3729\r\n*2\r\n$5\r\np0170\r\n$6\r\n2.3779\r\n*2\r\n$5\r\np0306\r\n$6\r\n2.0494\r\n*2\r\n$5\r\np0188\r\n$6\r\n1.6735\r\n*2\r\n$5\r\np0031\r\n$6\r\n2.3032\r\n*2\r\n$5\r\np0049\r\n$6\r\n2.4719\r\n*2\r\n$5\r\np0149\r\n$6\r\n2.6297\r\n*2\r\n$5\r\np0267\r\n$6\r\n2.9973\r\n*2\r\n$5\r\np0288\r\n$6\r\n2.4775\r\n*2\r\n$5\r\np0326\r\n$6\r\n2.5454\r\n*2\r\n$5\r\np0051\r\n$6\r\n2.8200\r\n*2\r\n$5\r\np0069\r\n$6\r\n2.0041\r\n*2\r\n$5\r\np0187\r\n$6\r\n1.5793\r\n*2\r\n$5\r\np0030\r\n$6\r\n1.1430\r\n*2\r\n$5\r\np0169\r\n$6\r\n2.3478\r\n*2\r\n$5\r\np0287\r\n$6\r\n1.8787\r\n*2\r\n$5\r\np0012\r\n$6\r\n2.3441\r\n*2\r\n$5\r\np0130\r\n$6\r\n1.9296\r\n*2\r\n$5\r\np0387\r\n$6\r\n2.8319\r\n*2\r\n$5\r\np0066\r\n$6\r\n2.7242\r\n*2\r\n$5\r\np0184\r\n$6\r\n2.8988\r\n*2\r\n$5\r\np0027\r\n$6\r\n2.4573\r\n*2\r\n$5\r\np0145\r\n$6\r\n2.7725\r\n*2\r\n$5\r\np0323\r\n$6\r\n2.0394\r\n*2\r\n$5\r\np0166\r\n$6\r\n1.4189\r\n*2\r\n$5\r\np0048\r\n$6\r\n1.3959\r\n*2\r\n$5\r\np0284\r\n$6\r\n1.5922\r\n*2\r\n$5\r\np0009\r\n$6\r\n0.9039\r\n*2\r\n$5\r\np0127\r\n$6\r\n1.2448\r\n*2\r\n$5\r\np0245\r\n$6\r\n1.6554\r\n*2\r\n$5\r\np0363\r\n$6\r\n2.0948\r\n*2\r\n$5\r\np0106\r\n$6\r\n2.9668\r\n*2\r\n$5\r\np0088\r\n$6\r\n1.7076\r\n*2\r\n$5\r\np0206\r\n$6\r\n2.1853\r\n*2\r\n$5\r\np0324\r\n$6\r\n2.6630\r\n*2\r\n$5\r\np0167\r\n$6\r\n2.9392\r\n*2\r\n$5\r\np0108\r\n$6\r\n2.9249\r\n*2\r\n$5\r\np0226\r\n$6\r\n2.5226\r\n*2\r\n$5\r\np0244\r\n$6\r\n2.9030\r\n*2\r\n$5\r\np0362\r\n$6\r\n2.7589\r\n*2\r\n$5\r\np0087\r\n$6\r\n2.2161\r\n*2\r\n$5\r\np0205\r\n$6\r\n2.0753\r\n*2\r\n$5\r\np0344\r\n$6\r\n2.1517\r\n*2\r\n$5\r\np0305\r\n$6\r\n1.1956\r\n", 0, 1, 0),
            (&["geosearch", "big", "fromlonlat", "13.1", "38.05", "byradius", "3", "km", "asc", "withdist", "withhash"], "*57\r\n*3\r\n$5\r\np0266\r\n$6\r\n0.2390\r\n:3479074375560248\r\n*3\r\n$5\r\np0384\r\n$6\r\n0.3444\r\n:3479074387393110\r\n*3\r\n$5\r\np0109\r\n$6\r\n0.4914\r\n:3479074390012022\r\n*3\r\n$5\r\np0148\r\n$6\r\n0.6730\r\n:3479074372302798\r\n*3\r\n$5\r\np0227\r\n$6\r\n0.7173\r\n:3479074390898496\r\n*3\r\n$5\r\np0009\r\n$6\r\n0.9039\r\n:3479074027336404\r\n*3\r\n$5\r\np0345\r\n$6\r\n1.1158\r\n:3479074393466510\r\n*3\r\n$5\r\np0030\r\n$6\r\n1.1430\r\n:3479071509394005\r\n*3\r\n$5\r\np0305\r\n$6\r\n1.1956\r\n:3479071149210357\r\n*3\r\n$5\r\np0127\r\n$6\r\n1.2448\r\n:3479074028485984\r\n*3\r\n$5\r\np0366\r\n$6\r\n1.2461\r\n:3479074385651224\r\n*3\r\n$5\r\np0070\r\n$6\r\n1.3632\r\n:3479074401324204\r\n*3\r\n$5\r\np0048\r\n$6\r\n1.3959\r\n:3479074010938862\r\n*3\r\n$5\r\np0166\r\n$6\r\n1.4189\r\n:3479074008690328\r\n*3\r\n$5\r\np0248\r\n$6\r\n1.5521\r\n:3479074382656878\r\n*3\r\n$5\r\np0187\r\n$6\r\n1.5793\r\n:3479071505886739\r\n*3\r\n$5\r\np0284\r\n$6\r\n1.5922\r\n:3479074020872310\r\n*3\r\n$5\r\np0245\r\n$6\r\n1.6554\r\n:3479074032102574\r\n*3\r\n$5\r\np0188\r\n$6\r\n1.6735\r\n:3479074447039186\r\n*3\r\n$5\r\np0088\r\n$6\r\n1.7076\r\n:3479074080174322\r\n*3\r\n$5\r\np0327\r\n$6\r\n1.7120\r\n:3479074422218720\r\n*3\r\n$5\r\np0209\r\n$6\r\n1.7659\r\n:3479074421070422\r\n*3\r\n$5\r\np0287\r\n$6\r\n1.8787\r\n:3479071514928819\r\n*3\r\n$5\r\np0130\r\n$6\r\n1.9296\r\n:3479071540714229\r\n*3\r\n$5\r\np0091\r\n$6\r\n1.9399\r\n:3479074409237560\r\n*3\r\n$5\r\np0069\r\n$6\r\n2.0041\r\n:3479071502400877\r\n*3\r\n$5\r\np0323\r\n$6\r\n2.0394\r\n:3479074003163086\r\n*3\r\n$5\r\np0306\r\n$6\r\n2.0494\r\n:3479074444719414\r\n*3\r\n$5\r\np0205\r\n$6\r\n2.0753\r\n:3479071140188757\r\n*3\r\n$5\r\np0363\r\n$6\r\n2.0948\r\n:3479074072312536\r\n*3\r\n$5\r\np0344\r\n$6\r\n2.1517\r\n:3479071143286607\r\n*3\r\n$5\r\np0206\r\n$6\r\n2.1853\r\n:3479074082043796\r\n*3\r\n$5\r\np0087\r\n$6\r\n2.2161\r\n:3479071139365939\r\n*3\r\n$5\r\np0031\r\n$6\r\n2.3032\r\n:3479074452576148\r\n*3\r\n$5\r\np0012\r\n$6\r\n2.3441\r\n:3479071539564051\r\n*3\r\n$5\r\np0169\r\n$6\r\n2.3478\r\n:3479071512491853\r\n*3\r\n$5\r\np0052\r\n$6\r\n2.3729\r\n:3479074424837610\r\n*3\r\n$5\r\np0170\r\n$6\r\n2.3779\r\n:3479074428454540\r\n*3\r\n$5\r\np0027\r\n$6\r\n2.4573\r\n:3479073997160298\r\n*3\r\n$5\r\np0049\r\n$6\r\n2.4719\r\n:3479074454392362\r\n*3\r\n$5\r\np0288\r\n$6\r\n2.4775\r\n:3479074472859768\r\n*3\r\n$5\r\np0226\r\n$6\r\n2.5226\r\n:3479071131980161\r\n*3\r\n$5\r\np0326\r\n$6\r\n2.5454\r\n:3479071498500897\r\n*3\r\n$5\r\np0149\r\n$6\r\n2.6297\r\n:3479074463435786\r\n*3\r\n$5\r\np0324\r\n$6\r\n2.6630\r\n:3479074094214176\r\n*3\r\n$5\r\np0066\r\n$6\r\n2.7242\r\n:3479073982891192\r\n*3\r\n$5\r\np0362\r\n$6\r\n2.7589\r\n:3479071136747033\r\n*3\r\n$5\r\np0145\r\n$6\r\n2.7725\r\n:3479074001126414\r\n*3\r\n$5\r\np0348\r\n$6\r\n2.7960\r\n:3479074413715278\r\n*3\r\n$5\r\np0051\r\n$6\r\n2.8200\r\n:3479071501119787\r\n*3\r\n$5\r\np0387\r\n$6\r\n2.8319\r\n:3479071542060185\r\n*3\r\n$5\r\np0184\r\n$6\r\n2.8988\r\n:3479073993741014\r\n*3\r\n$5\r\np0244\r\n$6\r\n2.9030\r\n:3479071132933487\r\n*3\r\n$5\r\np0108\r\n$6\r\n2.9249\r\n:3479071128186549\r\n*3\r\n$5\r\np0167\r\n$6\r\n2.9392\r\n:3479074097655884\r\n*3\r\n$5\r\np0106\r\n$6\r\n2.9668\r\n:3479074073001396\r\n*3\r\n$5\r\np0267\r\n$6\r\n2.9973\r\n:3479074464258284\r\n", 0, 1, 0),
            (&["geosearch", "big", "fromlonlat", "13.1", "38.05", "byradius", "3", "km", "desc", "count", "7"], "*7\r\n$5\r\np0267\r\n$5\r\np0106\r\n$5\r\np0167\r\n$5\r\np0108\r\n$5\r\np0244\r\n$5\r\np0184\r\n$5\r\np0387\r\n", 0, 1, 0),
            (&["geosearch", "big", "fromlonlat", "13.1", "38.05", "bybox", "4", "3", "km", "withcoord"], "*23\r\n*2\r\n$5\r\np0148\r\n*2\r\n$20\r\n13.10100048780441284\r\n$20\r\n38.04400121716815875\r\n*2\r\n$5\r\np0266\r\n*2\r\n$20\r\n13.09899955987930298\r\n$19\r\n38.0480010071576018\r\n*2\r\n$5\r\np0248\r\n*2\r\n$20\r\n13.11599940061569214\r\n$20\r\n38.04400121716815875\r\n*2\r\n$5\r\np0366\r\n*2\r\n$20\r\n13.11399847269058228\r\n$19\r\n38.0480010071576018\r\n*2\r\n$5\r\np0384\r\n*2\r\n$20\r\n13.09699863195419312\r\n$20\r\n38.05200079714703776\r\n*2\r\n$5\r\np0109\r\n*2\r\n$20\r\n13.10500234365463257\r\n$20\r\n38.05200079714703776\r\n*2\r\n$5\r\np0227\r\n*2\r\n$20\r\n13.10300141572952271\r\n$20\r\n38.05600058713647371\r\n*2\r\n$5\r\np0345\r\n*2\r\n$20\r\n13.10100048780441284\r\n$20\r\n38.06000037712590967\r\n*2\r\n$5\r\np0070\r\n*2\r\n$20\r\n13.10899883508682251\r\n$20\r\n38.06000037712590967\r\n*2\r\n$5\r\np0091\r\n*2\r\n$20\r\n13.12200218439102173\r\n$19\r\n38.0480010071576018\r\n*2\r\n$5\r\np0209\r\n*2\r\n$20\r\n13.12000125646591187\r\n$20\r\n38.05200079714703776\r\n*2\r\n$5\r\np0327\r\n*2\r\n$18\r\n13.118000328540802\r\n$20\r\n38.05600058713647371\r\n*2\r\n$5\r\np0030\r\n*2\r\n$20\r\n13.10300141572952271\r\n$20\r\n38.03999889245756805\r\n*2\r\n$5\r\np0130\r\n*2\r\n$18\r\n13.118000328540802\r\n$20\r\n38.03999889245756805\r\n*2\r\n$5\r\np0323\r\n*2\r\n$20\r\n13.07799786329269409\r\n$20\r\n38.04400121716815875\r\n*2\r\n$5\r\np0166\r\n*2\r\n$20\r\n13.08400064706802368\r\n$19\r\n38.0480010071576018\r\n*2\r\n$5\r\np0048\r\n*2\r\n$20\r\n13.08600157499313354\r\n$20\r\n38.04400121716815875\r\n*2\r\n$5\r\np0284\r\n*2\r\n$20\r\n13.08199971914291382\r\n$20\r\n38.05200079714703776\r\n*2\r\n$5\r\np0009\r\n*2\r\n$20\r\n13.08999806642532349\r\n$20\r\n38.05200079714703776\r\n*2\r\n$5\r\np0127\r\n*2\r\n$20\r\n13.08800250291824341\r\n$20\r\n38.05600058713647371\r\n*2\r\n$5\r\np0245\r\n*2\r\n$20\r\n13.08600157499313354\r\n$20\r\n38.06000037712590967\r\n*2\r\n$5\r\np0205\r\n*2\r\n$20\r\n13.07999879121780396\r\n$20\r\n38.03999889245756805\r\n*2\r\n$5\r\np0305\r\n*2\r\n$20\r\n13.09499770402908325\r\n$20\r\n38.03999889245756805\r\n", 0, 1, 0),
            (&["geosearch", "big", "fromlonlat", "13.1", "38.05", "byradius", "50", "km", "count", "5", "any"], "*5\r\n$5\r\np0000\r\n$5\r\np0040\r\n$5\r\np0020\r\n$5\r\np0100\r\n$5\r\np0061\r\n", 0, 1, 0),
            (&["geosearch", "big", "frommember", "p0123", "byradius", "1", "km", "withdist"], "*7\r\n*2\r\n$5\r\np0123\r\n$6\r\n0.0000\r\n*2\r\n$5\r\np0241\r\n$6\r\n0.4782\r\n*2\r\n$5\r\np0162\r\n$6\r\n0.9566\r\n*2\r\n$5\r\np0280\r\n$6\r\n0.6886\r\n*2\r\n$5\r\np0005\r\n$6\r\n0.4784\r\n*2\r\n$5\r\np0084\r\n$6\r\n0.9563\r\n*2\r\n$5\r\np0380\r\n$6\r\n0.9055\r\n", 0, 1, 0),
            (&["georadius", "big", "13.1", "38.05", "2", "km", "withdist", "count", "3"], "*3\r\n*2\r\n$5\r\np0266\r\n$6\r\n0.2390\r\n*2\r\n$5\r\np0384\r\n$6\r\n0.3444\r\n*2\r\n$5\r\np0109\r\n$6\r\n0.4914\r\n", 0, 1, 0),
            (&["georadiusbymember", "big", "p0200", "1500", "m", "withdist", "desc"], "*6\r\n*2\r\n$5\r\np0100\r\n$9\r\n1315.0877\r\n*2\r\n$5\r\np0300\r\n$9\r\n1314.6175\r\n*2\r\n$5\r\np0061\r\n$9\r\n1312.0670\r\n*2\r\n$5\r\np0161\r\n$8\r\n956.2238\r\n*2\r\n$5\r\np0043\r\n$8\r\n688.6379\r\n*2\r\n$5\r\np0200\r\n$6\r\n0.0000\r\n", 0, 1, 0),
            (&["geoadd", "ties", "13.5", "38.1", "a", "13.5", "38.1", "b", "13.5", "38.1", "c", "13.51", "38.1", "d", "13.51", "38.1", "e", "13.49", "38.1", "f", "13.5", "38.11", "g", "13.5", "38.11", "h", "13.5", "38.1", "i", "13.49", "38.1", "j", "13.5", "38.1", "k", "13.51", "38.1", "l"], ":12\r\n", 12, 0, 0),
            (&["geosearch", "ties", "fromlonlat", "13.5", "38.1", "byradius", "10", "km", "asc"], "*12\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\ni\r\n$1\r\nk\r\n$1\r\nf\r\n$1\r\nj\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nl\r\n$1\r\ng\r\n$1\r\nh\r\n", 0, 1, 0),
            (&["geosearch", "ties", "fromlonlat", "13.5", "38.1", "byradius", "10", "km", "desc"], "*12\r\n$1\r\ng\r\n$1\r\nh\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nl\r\n$1\r\nf\r\n$1\r\nj\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\ni\r\n$1\r\nk\r\n", 0, 1, 0),
            (&["geosearch", "ties", "fromlonlat", "13.5", "38.1", "byradius", "10", "km", "count", "3"], "*3\r\n$1\r\ni\r\n$1\r\nk\r\n$1\r\na\r\n", 0, 1, 0),
            (&["geosearch", "ties", "fromlonlat", "13.5", "38.1", "byradius", "10", "km", "count", "5", "desc"], "*5\r\n$1\r\nh\r\n$1\r\ng\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nl\r\n", 0, 1, 0),
            (&["geosearch", "ties", "fromlonlat", "13.5", "38.1", "byradius", "10", "km", "count", "8", "withdist"], "*8\r\n*2\r\n$1\r\ni\r\n$6\r\n0.0001\r\n*2\r\n$1\r\nk\r\n$6\r\n0.0001\r\n*2\r\n$1\r\na\r\n$6\r\n0.0001\r\n*2\r\n$1\r\nb\r\n$6\r\n0.0001\r\n*2\r\n$1\r\nc\r\n$6\r\n0.0001\r\n*2\r\n$1\r\nf\r\n$6\r\n0.8752\r\n*2\r\n$1\r\nj\r\n$6\r\n0.8752\r\n*2\r\n$1\r\nd\r\n$6\r\n0.8753\r\n", 0, 1, 0),
            (&["geosearch", "ties", "fromlonlat", "13.5", "38.1", "byradius", "10", "km", "count", "11", "desc"], "*11\r\n$1\r\nh\r\n$1\r\ng\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nl\r\n$1\r\nf\r\n$1\r\nj\r\n$1\r\nk\r\n$1\r\ni\r\n$1\r\nc\r\n$1\r\nb\r\n", 0, 1, 0),
            (&["geosearch", "ties", "fromlonlat", "13.5", "38.1", "byradius", "10", "km", "count", "12"], "*12\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\ni\r\n$1\r\nk\r\n$1\r\nf\r\n$1\r\nj\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nl\r\n$1\r\ng\r\n$1\r\nh\r\n", 0, 1, 0),
            (&["geosearch", "ties", "fromlonlat", "13.5", "38.1", "byradius", "10", "km", "count", "2", "any"], "*2\r\n$1\r\nf\r\n$1\r\nj\r\n", 0, 1, 0),
            (&["geosearch", "ties", "fromlonlat", "13.5", "38.1", "byradius", "10", "km", "count", "20", "any", "desc"], "*12\r\n$1\r\ng\r\n$1\r\nh\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nl\r\n$1\r\nf\r\n$1\r\nj\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\ni\r\n$1\r\nk\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn edges_of_the_world() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["geoadd", "w", "179.99", "10", "east", "-179.99", "10", "west", "0", "85.05", "north", "0", "-85.05", "south", "180", "0", "e180", "-180", "0", "w180", "90", "84.9", "n1", "-90", "84.9", "n2"], ":8\r\n", 8, 0, 0),
            (&["geosearch", "w", "fromlonlat", "180", "10", "byradius", "10", "km", "withdist", "asc"], "*1\r\n*2\r\n$4\r\neast\r\n$6\r\n1.0956\r\n", 0, 1, 0),
            (&["geosearch", "w", "fromlonlat", "-180", "10", "byradius", "10", "km", "withdist", "asc"], "*2\r\n*2\r\n$4\r\neast\r\n$6\r\n1.0956\r\n*2\r\n$4\r\nwest\r\n$6\r\n1.0956\r\n", 0, 1, 0),
            (&["geosearch", "w", "fromlonlat", "179.999", "0", "bybox", "100", "100", "km", "withdist", "asc"], "*1\r\n*2\r\n$4\r\nw180\r\n$6\r\n0.1115\r\n", 0, 1, 0),
            (&["geosearch", "w", "fromlonlat", "0", "85", "byradius", "2000", "km", "withdist", "asc"], "*3\r\n*2\r\n$5\r\nnorth\r\n$6\r\n5.5613\r\n*2\r\n$2\r\nn2\r\n$8\r\n793.8777\r\n*2\r\n$2\r\nn1\r\n$8\r\n793.8777\r\n", 0, 1, 0),
            (&["geosearch", "w", "fromlonlat", "0", "-85", "byradius", "100", "km", "withdist", "asc"], "*1\r\n*2\r\n$5\r\nsouth\r\n$6\r\n5.5613\r\n", 0, 1, 0),
            (&["geosearch", "w", "fromlonlat", "0", "85.05112878", "bybox", "20000", "200", "km", "withdist", "asc"], "*3\r\n*2\r\n$5\r\nnorth\r\n$6\r\n0.1256\r\n*2\r\n$2\r\nn2\r\n$8\r\n789.9149\r\n*2\r\n$2\r\nn1\r\n$8\r\n789.9149\r\n", 0, 1, 0),
            (&["georadius", "w", "0", "0", "20000", "km", "withdist", "asc"], "*6\r\n*2\r\n$5\r\nnorth\r\n$9\r\n9459.7968\r\n*2\r\n$5\r\nsouth\r\n$9\r\n9459.7968\r\n*2\r\n$2\r\nn2\r\n$10\r\n10010.3670\r\n*2\r\n$2\r\nn1\r\n$10\r\n10010.3670\r\n*2\r\n$4\r\neast\r\n$10\r\n18908.4703\r\n*2\r\n$4\r\nwest\r\n$10\r\n18908.4703\r\n", 0, 1, 0),
            (&["georadius", "w", "0", "80", "20000", "km", "withdist", "asc"], "*7\r\n*2\r\n$5\r\nnorth\r\n$8\r\n561.6928\r\n*2\r\n$2\r\nn2\r\n$9\r\n1247.2492\r\n*2\r\n$2\r\nn1\r\n$9\r\n1247.2492\r\n*2\r\n$4\r\neast\r\n$10\r\n10010.3669\r\n*2\r\n$4\r\nwest\r\n$10\r\n10010.3669\r\n*2\r\n$4\r\nw180\r\n$10\r\n11122.6299\r\n*2\r\n$5\r\nsouth\r\n$10\r\n18357.9008\r\n", 0, 1, 0),
            (&["georadius", "w", "180", "85.05112878", "30000", "km"], "*4\r\n$4\r\ne180\r\n$5\r\nnorth\r\n$4\r\neast\r\n$2\r\nn1\r\n", 0, 1, 0),
            (&["georadius", "w", "-180", "-85.05112878", "1", "m", "withdist"], "*0\r\n", 0, 1, 0),
            (&["geodist", "w", "east", "west"], "$9\r\n2191.1593\r\n", 0, 1, 0),
            (&["geodist", "w", "e180", "w180"], "$6\r\n0.2983\r\n", 0, 1, 0),
            (&["geodist", "w", "north", "south", "mi"], "$10\r\n11756.1196\r\n", 0, 1, 0),
            (&["geohash", "w", "east", "west", "north", "south", "e180", "w180"], "*6\r\n$11\r\nxczbzu2wnz0\r\n$11\r\n81b0bhrq1p0\r\n$11\r\nup05b4bh0j0\r\n$11\r\nh0bh0j05b40\r\n$11\r\n80000000000\r\n$11\r\n80000000000\r\n", 0, 1, 0),
            (&["geopos", "w", "east", "west", "north", "south", "e180", "w180"], "*6\r\n*2\r\n$21\r\n179.98999804258346558\r\n$20\r\n10.00000092823272979\r\n*2\r\n$22\r\n-179.98999804258346558\r\n$20\r\n10.00000092823272979\r\n*2\r\n$19\r\n0.00000268220901489\r\n$20\r\n85.04999956172351006\r\n*2\r\n$19\r\n0.00000268220901489\r\n$21\r\n-85.04999956172352427\r\n*2\r\n$3\r\n180\r\n$19\r\n0.00000126736058093\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$19\r\n0.00000126736058093\r\n", 0, 1, 0),
        ],
    );
}

#[rustfmt::skip]
#[test]
fn equal_longitudes_and_distance_rounding() {
    let mut t = client();
    expect(
        &mut t,
        &[
            (&["geoadd", "s", "180", "-85.00000218685555", "p", "180", "84", "q", "-130.0511544777728", "9.250408943782034", "a", "-130.0511544777728", "-57.48847384891022", "b"], ":4\r\n", 4, 0, 0),
            (&["geosearchstore", "d", "s", "fromlonlat", "180", "10", "bybox", "0.695687", "4936981.99", "KM", "storedist"], ":2\r\n", 2, 1, 0),
            (&["zrange", "d", "0", "-1", "withscores"], "*4\r\n$1\r\nq\r\n$18\r\n8230.7457985743022\r\n$1\r\np\r\n$18\r\n10566.498743235936\r\n", 0, 1, 0),
            (&["geosearchstore", "d", "s", "fromlonlat", "180", "10", "byradius", "20000", "km", "storedist"], ":2\r\n", 2, 1, 0),
            (&["zrange", "d", "0", "-1", "withscores"], "*4\r\n$1\r\nq\r\n$18\r\n8230.7457985743022\r\n$1\r\np\r\n$18\r\n10566.498743235936\r\n", 0, 1, 0),
            (&["geosearch", "s", "fromlonlat", "180", "10", "byradius", "20000", "km", "withdist", "asc"], "*2\r\n*2\r\n$1\r\nq\r\n$9\r\n8230.7458\r\n*2\r\n$1\r\np\r\n$10\r\n10566.4987\r\n", 0, 1, 0),
            (&["geodist", "s", "a", "b"], "$12\r\n7423118.8160\r\n", 0, 1, 0),
            (&["geodist", "s", "b", "a", "km"], "$9\r\n7423.1188\r\n", 0, 1, 0),
            (&["geodist", "s", "p", "q"], "$13\r\n18797244.5418\r\n", 0, 1, 0),
            (&["geosearch", "s", "frommember", "a", "byradius", "10000", "km", "withdist"], "*2\r\n*2\r\n$1\r\na\r\n$6\r\n0.0000\r\n*2\r\n$1\r\nb\r\n$9\r\n7423.1188\r\n", 0, 1, 0),
            (&["geosearchstore", "d", "s", "frommember", "a", "bybox", "1", "20000000", "m", "storedist"], ":2\r\n", 2, 1, 0),
            (&["zrange", "d", "0", "-1", "withscores"], "*4\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$18\r\n7423118.8160500005\r\n", 0, 1, 0),
            (&["geosearch", "s", "frommember", "a", "bybox", "1", "14846237.6321", "m", "withdist"], "*1\r\n*2\r\n$1\r\na\r\n$6\r\n0.0000\r\n", 0, 1, 0),
            (&["geosearch", "s", "frommember", "a", "bybox", "1", "14846237.632", "m", "withdist"], "*1\r\n*2\r\n$1\r\na\r\n$6\r\n0.0000\r\n", 0, 1, 0),
        ],
    );
}
