//! Geo commands: GEOADD, GEODIST, GEOHASH, GEOPOS, and the searches GEOSEARCH,
//! GEOSEARCHSTORE, GEORADIUS, GEORADIUS_RO, GEORADIUSBYMEMBER, GEORADIUSBYMEMBER_RO.
//!
//! A geo set is a sorted set whose scores are geohashes, so these commands read and write
//! `Value::ZSet` and share the sorted-set helpers of `t_zset` (type checks, key locking). The
//! arithmetic is `crate::types::geohash`, the search and its ordering `crate::types::geo`.
//!
//! Behaviour follows `geo.c` as redis-server 7.0.15 is built (with the distance code of 7.2,
//! see `crate::types::geohash`, and distances printed by `fixedpoint_d2string`, not `%.4f`),
//! checked against a live one: the same order of checks (so the same error wins when several
//! apply: a WRONGTYPE source is reported before any argument error, a missing FROMMEMBER
//! member before a later syntax error), the same error texts, reply shapes in RESP2 and RESP3,
//! keyspace hit/miss counting and `dirty` accounting (a store counts one per stored member, as
//! Redis's does).

#[cfg(test)]
mod tests;
#[cfg(test)]
mod vectors;

use bytes::Bytes;

use super::keys::add_dirty;
use super::t_string::db_and_out;
use super::t_zset::{WrongType, is_option, lock_keys, read, write};
use super::{NOT_FLOAT, NOT_INTEGER, SYNTAX};
use crate::keyspace::Value;
use crate::ldouble::LongDouble;
use crate::pubsub::class;
use crate::resp::Reply;
use crate::resp::parse::parse_i64;
use crate::session::Ctx;
use crate::types::geo::{self, Point, Sort};
use crate::types::geohash::{
    self, Shape, ShapeKind, c_double_to_i64, decode_score, geohash_string, position_score,
    valid_position,
};
use crate::types::zset::{AddFlags, AddOutcome, ZSet, cmp_entry, parse_score};

const BAD_UNIT: &str = "ERR unsupported unit provided. please use M, KM, FT, MI";
const NO_MEMBER: &str = "ERR could not decode requested zset member";

/// `extractUnitOrReply`: metres per unit.
fn unit_arg(out: &mut Reply, arg: &[u8]) -> Option<f64> {
    let conversion = if is_option(arg, "m") {
        1.0
    } else if is_option(arg, "km") {
        1000.0
    } else if is_option(arg, "ft") {
        0.3048
    } else if is_option(arg, "mi") {
        1609.34
    } else {
        out.error(BAD_UNIT);
        return None;
    };
    Some(conversion)
}

/// `getDoubleFromObjectOrReply` with the caller's error text.
fn double_arg(out: &mut Reply, arg: &[u8], error: &str) -> Option<f64> {
    let value = parse_score(arg);
    if value.is_none() {
        out.error(error);
    }
    value
}

/// `extractLongLatOrReply`: a longitude and a latitude, inside Redis's ranges.
fn position_args(out: &mut Reply, args: &[Bytes]) -> Option<(f64, f64)> {
    let longitude = double_arg(out, &args[0], NOT_FLOAT)?;
    let latitude = double_arg(out, &args[1], NOT_FLOAT)?;
    if !valid_position(longitude, latitude) {
        out.error(format!(
            "ERR invalid longitude,latitude pair {longitude:.6},{latitude:.6}"
        ));
        return None;
    }
    Some((longitude, latitude))
}

/// `extractDistanceOrReply`: a radius and its unit, as (radius, metres per unit).
fn radius_args(out: &mut Reply, args: &[Bytes]) -> Option<(f64, f64)> {
    let radius = double_arg(out, &args[0], "ERR need numeric radius")?;
    if radius < 0.0 {
        out.error("ERR radius cannot be negative");
        return None;
    }
    Some((radius, unit_arg(out, &args[1])?))
}

/// `extractBoxOrReply`: width, height and unit, as (width, height, metres per unit).
fn box_args(out: &mut Reply, args: &[Bytes]) -> Option<(f64, f64, f64)> {
    let width = double_arg(out, &args[0], "ERR need numeric width")?;
    let height = double_arg(out, &args[1], "ERR need numeric height")?;
    if height < 0.0 || width < 0.0 {
        out.error("ERR height or width cannot be negative");
        return None;
    }
    Some((width, height, unit_arg(out, &args[2])?))
}

/// `addReplyDoubleDistance`: four decimals, a bulk string in both protocols.
fn reply_distance(out: &mut Reply, distance: f64) {
    out.bulk(distance_text(distance).as_bytes());
}

/// Redis's `fixedpoint_d2string(d, 4)`: `d * 10^4` rounded to an integer by `llrint` (ties
/// to even), printed with four decimals. Not `%.4f`, which rounds the exact value once: the
/// product rounds first, so 7423118.81605000049 prints as `7423118.8160` (`%.4f`: `...8161`).
fn distance_text(distance: f64) -> String {
    if distance == 0.0 {
        return "0.0000".into();
    }
    let scaled = llrint(distance * 10_000.0);
    let sign = if scaled < 0 { "-" } else { "" };
    let magnitude = scaled.unsigned_abs();
    format!("{sign}{}.{:04}", magnitude / 10_000, magnitude % 10_000)
}

/// C's `llrint` on x86-64: round to nearest, ties to even; NaN and values out of range give
/// the "integer indefinite" `i64::MIN`.
fn llrint(x: f64) -> i64 {
    geohash::c_double_to_i64(x.round_ties_even())
}

/// `addReplyHumanLongDouble`: `%.17Lf` of the value without trailing zeros; a bulk string in
/// RESP2, a double in RESP3.
fn reply_coordinate(out: &mut Reply, value: f64) {
    let text = LongDouble::from_f64(value).format_human();
    if out.resp3() {
        out.raw(b",");
        out.raw(text.as_bytes());
        out.raw(b"\r\n");
    } else {
        out.bulk(text.as_bytes());
    }
}

/// `GEOADD key [NX|XX] [CH] longitude latitude member [longitude latitude member ...]`: adds
/// members at positions (or moves them); replies the number added (changed, with CH).
pub fn geoadd(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let mut flags = AddFlags::default();
    let mut ch = false;
    let mut first = 2;
    while first < args.len() {
        let arg = &args[first];
        if is_option(arg, "nx") {
            flags.nx = true;
        } else if is_option(arg, "xx") {
            flags.xx = true;
        } else if is_option(arg, "ch") {
            ch = true;
        } else {
            break;
        }
        first += 1;
    }
    let triples = &args[first..];
    // No triple at all is ZADD's syntax error: Redis hands the rest over to ZADD.
    if triples.is_empty() || !triples.len().is_multiple_of(3) || (flags.xx && flags.nx) {
        ctx.out.error(SYNTAX);
        return;
    }
    // Every position is checked before anything changes.
    let mut scores = Vec::with_capacity(triples.len() / 3);
    for triple in triples.chunks_exact(3) {
        let Some((longitude, latitude)) = position_args(ctx.out, &triple[..2]) else {
            return;
        };
        scores.push(position_score(longitude, latitude));
    }

    let key = &args[1];
    let (mut db, out) = db_and_out(ctx);
    let hasher = db.value_hasher();
    let mut created = None;
    let zset = match write(&mut db, out, key) {
        Err(WrongType) => return,
        Ok(Some(zset)) => zset,
        Ok(None) if flags.xx => {
            out.int(0);
            return;
        }
        Ok(None) => created.insert(ZSet::new()),
    };
    let (mut added, mut updated) = (0, 0);
    for (triple, &score) in triples.chunks_exact(3).zip(&scores) {
        match zset.add(&triple[2], score, flags, &hasher) {
            AddOutcome::Added(_) => added += 1,
            AddOutcome::Updated(_) => updated += 1,
            AddOutcome::Unchanged(_) | AddOutcome::Skipped | AddOutcome::NotANumber => {}
        }
    }
    if let Some(zset) = created
        && !zset.is_empty()
    {
        db.set(key, Value::ZSet(Box::new(zset)), 0);
    }
    add_dirty(ctx, added + updated);
    ctx.out
        .int((if ch { added + updated } else { added }) as i64);
    if added + updated > 0 {
        // GEOADD is ZADD in Redis, and publishes its event after the reply.
        ctx.db().notify(class::ZSET, "zadd", key);
    }
}

/// `GEODIST key member1 member2 [M|KM|FT|MI]`: the distance between two members (four
/// decimals), or null when either is missing.
pub fn geodist(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let mut conversion = 1.0;
    if args.len() == 5 {
        match unit_arg(ctx.out, &args[4]) {
            Some(c) => conversion = c,
            None => return,
        }
    } else if args.len() > 5 {
        ctx.out.error(SYNTAX);
        return;
    }
    let (mut db, out) = db_and_out(ctx);
    let Ok(found) = read(&mut db, out, &args[1]) else {
        return;
    };
    let scores = found.and_then(|z| Some((z.score(&args[2])?, z.score(&args[3])?)));
    match scores {
        None => out.null(),
        Some((a, b)) => {
            let ((lon1, lat1), (lon2, lat2)) = (decode_score(a), decode_score(b));
            reply_distance(out, geohash::distance(lon1, lat1, lon2, lat2) / conversion);
        }
    }
}

/// `GEOHASH key [member ...]`: each member's position as an 11-character geohash, null for
/// missing members.
pub fn geohash(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    let Ok(found) = read(&mut db, out, &args[1]) else {
        return;
    };
    out.array(args.len() - 2);
    for member in &args[2..] {
        match found.and_then(|z| z.score(member)) {
            Some(score) => out.bulk(&geohash_string(score)),
            None => out.null(),
        }
    }
}

/// `GEOPOS key [member ...]`: each member's [longitude, latitude], a null array for missing
/// members.
pub fn geopos(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let (mut db, out) = db_and_out(ctx);
    let Ok(found) = read(&mut db, out, &args[1]) else {
        return;
    };
    out.array(args.len() - 2);
    for member in &args[2..] {
        match found.and_then(|z| z.score(member)) {
            Some(score) => {
                let (longitude, latitude) = decode_score(score);
                out.array(2);
                reply_coordinate(out, longitude);
                reply_coordinate(out, latitude);
            }
            None => out.null_array(),
        }
    }
}

/// Which search command runs (Redis's `RADIUS_*` and `GEOSEARCH*` flags).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    /// GEORADIUS, GEORADIUS_RO: the centre is `args[2..4]`.
    Coords,
    /// GEORADIUSBYMEMBER, GEORADIUSBYMEMBER_RO: the centre is member `args[2]`.
    Member,
    GeoSearch,
    GeoSearchStore,
}

impl Form {
    fn is_search(self) -> bool {
        matches!(self, Form::GeoSearch | Form::GeoSearchStore)
    }
}

/// `GEORADIUS key longitude latitude radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH]
/// [COUNT count [ANY]] [ASC|DESC] [STORE key|STOREDIST key]`: the members within a radius of
/// a position.
pub fn georadius(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    search_generic(ctx, args, Form::Coords, true);
}

/// `GEORADIUS_RO key longitude latitude radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH]
/// [COUNT count [ANY]] [ASC|DESC]`: GEORADIUS without STORE.
pub fn georadius_ro(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    search_generic(ctx, args, Form::Coords, false);
}

/// `GEORADIUSBYMEMBER key member radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH]
/// [COUNT count [ANY]] [ASC|DESC] [STORE key|STOREDIST key]`: the members within a radius of
/// a member.
pub fn georadiusbymember(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    search_generic(ctx, args, Form::Member, true);
}

/// `GEORADIUSBYMEMBER_RO key member radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH]
/// [COUNT count [ANY]] [ASC|DESC]`: GEORADIUSBYMEMBER without STORE.
pub fn georadiusbymember_ro(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    search_generic(ctx, args, Form::Member, false);
}

/// `GEOSEARCH key FROMMEMBER member|FROMLONLAT longitude latitude
/// BYRADIUS radius M|KM|FT|MI|BYBOX width height M|KM|FT|MI [ASC|DESC] [COUNT count [ANY]]
/// [WITHCOORD] [WITHDIST] [WITHHASH]`: the members inside a circle or a box.
pub fn geosearch(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    search_generic(ctx, args, Form::GeoSearch, false);
}

/// `GEOSEARCHSTORE destination source FROMMEMBER member|FROMLONLAT longitude latitude
/// BYRADIUS radius M|KM|FT|MI|BYBOX width height M|KM|FT|MI [ASC|DESC] [COUNT count [ANY]]
/// [STOREDIST]`: GEOSEARCH, stored as a sorted set at `destination` (scores are geohashes, or
/// distances with STOREDIST); replies the number stored.
pub fn geosearchstore(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    search_generic(ctx, args, Form::GeoSearchStore, false);
}

/// A parsed search.
struct Query {
    shape: Shape,
    withdist: bool,
    withhash: bool,
    withcoord: bool,
    sort: Sort,
    /// ANY: stop searching once COUNT members are found.
    any: bool,
    /// COUNT; 0 means none.
    count: u64,
    /// The destination of a store form, and whether it stores distances (STOREDIST).
    store: Option<(usize, bool)>,
}

/// What a search leaves for its caller once the source is no longer borrowed.
enum Outcome {
    /// The reply was written (results or an error).
    Replied,
    /// Store these (score, member) entries at the destination (none: delete it).
    Store(usize, Vec<(f64, Box<[u8]>)>),
}

/// Redis's `georadiusGeneric`. `store_allowed` is false for the `_RO` forms.
fn search_generic(ctx: &mut Ctx<'_, '_>, args: &[Bytes], form: Form, store_allowed: bool) {
    // GEORADIUS's destination (STORE/STOREDIST) is not a key position the table can list:
    // lock every argument that follows one of those words (a superset is harmless).
    if store_allowed {
        let after_store = args
            .windows(2)
            .skip(5)
            .filter(|w| is_option(&w[0], "store") || is_option(&w[0], "storedist"))
            .map(|w| &w[1][..]);
        let mut destinations = after_store.peekable();
        if destinations.peek().is_some() {
            lock_keys(ctx, std::iter::once(&args[1][..]).chain(destinations));
        }
    }
    let outcome = {
        let (mut db, out) = db_and_out(ctx);
        let src = if form == Form::GeoSearchStore { 2 } else { 1 };
        match read(&mut db, out, &args[src]) {
            Err(WrongType) => Outcome::Replied,
            Ok(found) => search_source(out, args, form, store_allowed, found),
        }
    };
    match outcome {
        Outcome::Replied => {}
        Outcome::Store(dst, mut entries) => {
            entries.sort_by(|a, b| cmp_entry(a.0, &a.1, b.0, &b.1));
            // The nine boxes never overlap in practice; were a member found twice, Redis would
            // fail an assertion. Keep one.
            entries.dedup_by(|a, b| a.1 == b.1);
            let stored = entries.len();
            let mut db = ctx.db();
            if entries.is_empty() {
                let deleted = db.remove(&args[dst]).is_some();
                if deleted {
                    db.notify(class::GENERIC, "del", &args[dst]);
                }
                add_dirty(ctx, usize::from(deleted));
            } else {
                let zset = ZSet::from_sorted(&entries, &db.value_hasher());
                db.set(&args[dst], Value::ZSet(Box::new(zset)), 0);
                let event = if form == Form::GeoSearchStore {
                    "geosearchstore"
                } else {
                    "georadiusstore"
                };
                db.notify(class::ZSET, event, &args[dst]);
                add_dirty(ctx, stored);
            }
            ctx.out.int(stored as i64);
        }
    }
}

/// Parses the arguments (the member positions come from `found`), searches, and replies or
/// hands the entries to store back.
fn search_source(
    out: &mut Reply,
    args: &[Bytes],
    form: Form,
    store_allowed: bool,
    found: Option<&ZSet>,
) -> Outcome {
    let Some(query) = parse_query(out, args, form, store_allowed, found) else {
        return Outcome::Replied;
    };
    let Some(zset) = found else {
        if let Some((dst, _)) = query.store {
            return Outcome::Store(dst, Vec::new());
        }
        out.array(0);
        return Outcome::Replied;
    };
    let mut sort = query.sort;
    // COUNT without an order means the nearest ones, except with ANY.
    if query.count != 0 && sort == Sort::Unsorted && !query.any {
        sort = Sort::Asc;
    }
    let limit = query
        .any
        .then(|| usize::try_from(query.count).unwrap_or(usize::MAX));
    let mut points = geo::search(zset, &query.shape, limit);
    if points.is_empty() && query.store.is_none() {
        out.array(0);
        return Outcome::Replied;
    }
    let returned = match usize::try_from(query.count) {
        Ok(count) if count != 0 => count.min(points.len()),
        _ => points.len(),
    };
    geo::sort(&mut points, sort, returned);
    let points = &points[..returned];
    let conversion = query.shape.conversion;
    if let Some((dst, storedist)) = query.store {
        let entries = points
            .iter()
            .map(|p| {
                let score = if storedist {
                    p.distance_m / conversion
                } else {
                    p.score
                };
                (score, Box::<[u8]>::from(member_at(zset, p)))
            })
            .collect();
        return Outcome::Store(dst, entries);
    }
    reply_points(out, &query, zset, points);
    Outcome::Replied
}

fn reply_points(out: &mut Reply, query: &Query, zset: &ZSet, points: &[Point]) {
    let options =
        usize::from(query.withdist) + usize::from(query.withhash) + usize::from(query.withcoord);
    out.array(points.len());
    for point in points {
        if options > 0 {
            out.array(options + 1);
        }
        out.bulk(member_at(zset, point));
        if query.withdist {
            reply_distance(out, point.distance_m / query.shape.conversion);
        }
        if query.withhash {
            out.int(c_double_to_i64(point.score));
        }
        if query.withcoord {
            out.array(2);
            reply_coordinate(out, point.longitude);
            reply_coordinate(out, point.latitude);
        }
    }
}

/// `longLatFromMember`: a member's position, or Redis's error when it is missing.
fn member_position(out: &mut Reply, zset: &ZSet, member: &[u8]) -> Option<(f64, f64)> {
    match zset.score(member) {
        Some(score) => Some(decode_score(score)),
        None => {
            out.error(NO_MEMBER);
            None
        }
    }
}

/// The member a search found.
fn member_at<'z>(zset: &'z ZSet, point: &Point) -> &'z [u8] {
    zset.get(point.rank)
        .expect("a point's rank is in the set it was found in")
        .1
}

/// The argument parsing of `georadiusGeneric`, in its order: the fixed arguments of the
/// GEORADIUS forms, then the options left to right, then the checks of how they combine.
fn parse_query(
    out: &mut Reply,
    args: &[Bytes],
    form: Form,
    store_allowed: bool,
    found: Option<&ZSet>,
) -> Option<Query> {
    let mut shape = Shape {
        longitude: 0.0,
        latitude: 0.0,
        kind: ShapeKind::Radius(0.0),
        conversion: 1.0,
    };
    let mut store = None;
    let base = match form {
        Form::Coords => {
            (shape.longitude, shape.latitude) = position_args(out, &args[2..4])?;
            let (radius, conversion) = radius_args(out, &args[4..6])?;
            (shape.kind, shape.conversion) = (ShapeKind::Radius(radius), conversion);
            6
        }
        Form::Member => {
            // Without a source the reply is empty whatever the radius: it is not parsed.
            if let Some(zset) = found {
                (shape.longitude, shape.latitude) = member_position(out, zset, &args[2])?;
                let (radius, conversion) = radius_args(out, &args[3..5])?;
                (shape.kind, shape.conversion) = (ShapeKind::Radius(radius), conversion);
            }
            5
        }
        Form::GeoSearch => 2,
        Form::GeoSearchStore => {
            store = Some((1, false));
            3
        }
    };
    let mut query = Query {
        shape,
        withdist: false,
        withhash: false,
        withcoord: false,
        sort: Sort::Unsorted,
        any: false,
        count: 0,
        store,
    };
    let search = form.is_search();
    let (mut from_member, mut from_lonlat, mut by_radius, mut by_box) =
        (false, false, false, false);
    let mut i = base;
    while i < args.len() {
        let arg = &args[i];
        // How many arguments follow this one.
        let left = args.len() - i - 1;
        if is_option(arg, "withdist") {
            query.withdist = true;
        } else if is_option(arg, "withhash") {
            query.withhash = true;
        } else if is_option(arg, "withcoord") {
            query.withcoord = true;
        } else if is_option(arg, "any") {
            query.any = true;
        } else if is_option(arg, "asc") {
            query.sort = Sort::Asc;
        } else if is_option(arg, "desc") {
            query.sort = Sort::Desc;
        } else if is_option(arg, "count") && left >= 1 {
            let Some(count) = parse_i64(&args[i + 1]) else {
                out.error(NOT_INTEGER);
                return None;
            };
            if count <= 0 {
                out.error("ERR COUNT must be > 0");
                return None;
            }
            query.count = count as u64;
            i += 1;
        } else if (is_option(arg, "store") || is_option(arg, "storedist"))
            && left >= 1
            && store_allowed
            && !search
        {
            query.store = Some((i + 1, is_option(arg, "storedist")));
            i += 1;
        } else if is_option(arg, "storedist") && form == Form::GeoSearchStore {
            query.store = Some((1, true));
        } else if is_option(arg, "frommember") && left >= 1 && search && !from_lonlat {
            // Without a source the member cannot be looked up; parsing goes on so that the
            // reply depends on the options only (empty array, or 0 for a store).
            if let Some(zset) = found {
                (query.shape.longitude, query.shape.latitude) =
                    member_position(out, zset, &args[i + 1])?;
            }
            from_member = true;
            i += 1;
        } else if is_option(arg, "fromlonlat") && left >= 2 && search && !from_member {
            (query.shape.longitude, query.shape.latitude) =
                position_args(out, &args[i + 1..i + 3])?;
            from_lonlat = true;
            i += 2;
        } else if is_option(arg, "byradius") && left >= 2 && search && !by_box {
            let (radius, conversion) = radius_args(out, &args[i + 1..i + 3])?;
            (query.shape.kind, query.shape.conversion) = (ShapeKind::Radius(radius), conversion);
            by_radius = true;
            i += 2;
        } else if is_option(arg, "bybox") && left >= 3 && search && !by_radius {
            let (width, height, conversion) = box_args(out, &args[i + 1..i + 4])?;
            query.shape.kind = ShapeKind::Box { width, height };
            query.shape.conversion = conversion;
            by_box = true;
            i += 3;
        } else {
            out.error(SYNTAX);
            return None;
        }
        i += 1;
    }
    if query.store.is_some() && (query.withdist || query.withhash || query.withcoord) {
        out.error(if form == Form::GeoSearchStore {
            "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
        } else {
            "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
        });
        return None;
    }
    if search && !(from_member || from_lonlat) {
        out.error(
            [
                &b"ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for "[..],
                &args[0],
            ]
            .concat(),
        );
        return None;
    }
    if search && !(by_radius || by_box) {
        out.error(
            [
                &b"ERR exactly one of BYRADIUS and BYBOX can be specified for "[..],
                &args[0],
            ]
            .concat(),
        );
        return None;
    }
    if query.any && query.count == 0 {
        out.error("ERR the ANY argument requires COUNT argument");
        return None;
    }
    Some(query)
}
