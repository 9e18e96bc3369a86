//! CLIENT TRACKING, CACHING, GETREDIR, TRACKINGINFO (client-side caching, see `tracking`) and
//! CLIENT NO-TOUCH.

use std::sync::atomic::Ordering;

use bytes::Bytes;

use crate::cmd::SYNTAX;
use crate::resp::parse::parse_i64;
use crate::session::Ctx;
use crate::tracking::flag;
use crate::util::eq_ignore_case;

/// Redis's `stringCheckPrefix`: one is a prefix of the other.
fn overlaps(a: &[u8], b: &[u8]) -> bool {
    let n = a.len().min(b.len());
    a[..n] == b[..n]
}

/// Redis's `checkPrefixCollisionsOrReply`.
fn prefix_collision(existing: &[Box<[u8]>], given: &[&[u8]]) -> Option<String> {
    for (i, prefix) in given.iter().enumerate() {
        if let Some(old) = existing.iter().find(|old| overlaps(old, prefix)) {
            return Some(format!(
                "ERR Prefix '{}' overlaps with an existing prefix '{}'. Prefixes for a single client must not overlap.",
                String::from_utf8_lossy(prefix),
                String::from_utf8_lossy(old)
            ));
        }
        if let Some(other) = given[i + 1..].iter().find(|other| overlaps(prefix, other)) {
            return Some(format!(
                "ERR Prefix '{}' overlaps with another provided prefix '{}'. Prefixes for a single client must not overlap.",
                String::from_utf8_lossy(prefix),
                String::from_utf8_lossy(other)
            ));
        }
    }
    None
}

/// CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
pub fn client_tracking(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let mut redirect: i64 = 0;
    let mut options = 0;
    let mut prefixes: Vec<&[u8]> = Vec::new();
    let mut j = 3;
    while j < args.len() {
        let more = j + 1 < args.len();
        let arg = &args[j];
        if eq_ignore_case(arg, "redirect") && more {
            j += 1;
            if redirect != 0 {
                return ctx
                    .out
                    .error("ERR A client can only redirect to a single other client");
            }
            let Some(id) = parse_i64(&args[j]) else {
                return ctx.out.error(crate::cmd::NOT_INTEGER);
            };
            redirect = id;
            let exists = id > 0
                && ctx
                    .engine
                    .clients()
                    .iter()
                    .any(|client| client.id == id as u64);
            if !exists {
                return ctx
                    .out
                    .error("ERR The client ID you want redirect to does not exist");
            }
        } else if eq_ignore_case(arg, "bcast") {
            options |= flag::BCAST;
        } else if eq_ignore_case(arg, "optin") {
            options |= flag::OPTIN;
        } else if eq_ignore_case(arg, "optout") {
            options |= flag::OPTOUT;
        } else if eq_ignore_case(arg, "noloop") {
            options |= flag::NOLOOP;
        } else if eq_ignore_case(arg, "prefix") && more {
            j += 1;
            prefixes.push(&args[j]);
        } else {
            return ctx.out.error(SYNTAX);
        }
        j += 1;
    }
    let handle = ctx.client.handle.clone();
    let tracking = &ctx.engine.keyspace.tracking;
    if eq_ignore_case(&args[2], "on") {
        let current = handle.tracking.flags();
        if options & flag::BCAST == 0 && !prefixes.is_empty() {
            return ctx
                .out
                .error("ERR PREFIX option requires BCAST mode to be enabled");
        }
        if current & flag::ON != 0 && (current & flag::BCAST != 0) != (options & flag::BCAST != 0) {
            return ctx.out.error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.");
        }
        if options & flag::BCAST != 0 && options & (flag::OPTIN | flag::OPTOUT) != 0 {
            return ctx
                .out
                .error("ERR OPTIN and OPTOUT are not compatible with BCAST");
        }
        if options & flag::OPTIN != 0 && options & flag::OPTOUT != 0 {
            return ctx
                .out
                .error("ERR You can't specify both OPTIN mode and OPTOUT mode");
        }
        if (options & flag::OPTIN != 0 && current & flag::OPTOUT != 0)
            || (options & flag::OPTOUT != 0 && current & flag::OPTIN != 0)
        {
            return ctx.out.error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.");
        }
        if options & flag::BCAST != 0
            && let Some(error) = prefix_collision(&handle.tracking.prefixes(), &prefixes)
        {
            return ctx.out.error(error);
        }
        tracking.enable(&handle, redirect as u64, options, &prefixes);
    } else if eq_ignore_case(&args[2], "off") {
        tracking.disable(&handle);
    } else {
        return ctx.out.error(SYNTAX);
    }
    ctx.out.ok();
}

/// CLIENT CACHING YES|NO
pub fn client_caching(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let t = &ctx.client.handle.tracking;
    if !t.has(flag::ON) {
        return ctx.out.error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled");
    }
    if eq_ignore_case(&args[2], "yes") {
        if !t.has(flag::OPTIN) {
            return ctx.out.error(
                "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.",
            );
        }
    } else if eq_ignore_case(&args[2], "no") {
        if !t.has(flag::OPTOUT) {
            return ctx.out.error(
                "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.",
            );
        }
    } else {
        return ctx.out.error(SYNTAX);
    }
    t.set_caching();
    ctx.out.ok();
}

/// The redirect id CLIENT GETREDIR and TRACKINGINFO show: -1 when tracking is off.
fn shown_redirect(ctx: &Ctx<'_, '_>) -> i64 {
    let t = &ctx.client.handle.tracking;
    if t.has(flag::ON) {
        t.redirect() as i64
    } else {
        -1
    }
}

/// CLIENT GETREDIR
pub fn client_getredir(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    let redirect = shown_redirect(ctx);
    ctx.out.int(redirect);
}

/// CLIENT TRACKINGINFO
pub fn client_trackinginfo(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    let t = &ctx.client.handle.tracking;
    let flags = t.flags();
    let mut names: Vec<&str> = vec![if flags & flag::ON != 0 { "on" } else { "off" }];
    let caching = flags & flag::CACHING != 0;
    if flags & flag::BCAST != 0 {
        names.push("bcast");
    }
    if flags & flag::OPTIN != 0 {
        names.push("optin");
        if caching {
            names.push("caching-yes");
        }
    }
    if flags & flag::OPTOUT != 0 {
        names.push("optout");
        if caching {
            names.push("caching-no");
        }
    }
    if flags & flag::NOLOOP != 0 {
        names.push("noloop");
    }
    if flags & flag::BROKEN_REDIR != 0 {
        names.push("broken_redirect");
    }
    let prefixes = t.prefixes();
    let redirect = shown_redirect(ctx);
    let out = &mut *ctx.out;
    out.map(3);
    out.bulk(b"flags");
    out.set(names.len());
    for name in names {
        out.bulk(name.as_bytes());
    }
    out.bulk(b"redirect");
    out.int(redirect);
    out.bulk(b"prefixes");
    out.array(prefixes.len());
    for prefix in prefixes {
        out.bulk(&prefix);
    }
}

/// CLIENT NO-TOUCH ON|OFF (Redis 7.2): this client's commands, except TOUCH, leave the
/// access time (LRU/LFU) of the keys they read alone.
pub fn client_no_touch(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let on = if eq_ignore_case(&args[2], "on") {
        true
    } else if eq_ignore_case(&args[2], "off") {
        false
    } else {
        return ctx.out.error(SYNTAX);
    };
    ctx.client.handle.no_touch.store(on, Ordering::Relaxed);
    ctx.out.ok();
}
