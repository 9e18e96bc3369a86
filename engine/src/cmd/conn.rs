//! Connection commands: PING, ECHO, SELECT, QUIT, RESET, HELLO, AUTH and CLIENT.

use std::sync::atomic::Ordering;

use bytes::Bytes;

use crate::cmd::{SYNTAX, db_arg, reply_help};
use crate::resp::Protocol;
use crate::resp::parse::parse_i64;
use crate::session::Ctx;
use crate::util::eq_ignore_case;

/// The Redis version Ferrite answers to clients (HELLO, INFO): the behaviour it matches.
pub const REDIS_VERSION: &str = "7.0.15";

const WRONGPASS: &str = "WRONGPASS invalid username-password pair or user is disabled.";

/// PING [message]. A RESP2 client in subscribed mode gets `pong` and the message (or an
/// empty string) as an array, as Redis answers there.
pub fn ping(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if args.len() > 2 {
        return ctx
            .out
            .error("ERR wrong number of arguments for 'ping' command");
    }
    if ctx.client.subscriptions.total() > 0 && !ctx.out.resp3() {
        ctx.out.array(2);
        ctx.out.bulk(b"pong");
        ctx.out.bulk(args.get(1).map_or(&b""[..], |m| &m[..]));
        return;
    }
    match args.get(1) {
        None => ctx.out.simple("PONG"),
        Some(message) => ctx.out.bulk(message),
    }
}

/// ECHO message
pub fn echo(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    ctx.out.bulk(&args[1]);
}

/// SELECT index
pub fn select(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if let Some(index) = db_arg(ctx, &args[1]) {
        ctx.client.db = index;
        ctx.out.ok();
    }
}

/// QUIT: reply OK, then close.
pub fn quit(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.ok();
    ctx.client.close_after_reply = true;
}

/// RESET: back to a fresh connection's state (database 0, RESP2, no name, no subscriptions,
/// and unauthenticated when a password is required).
pub fn reset(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.client.end_transaction(ctx.engine);
    ctx.client.unsubscribe_all(ctx.engine);
    ctx.client.db = 0;
    if std::mem::take(&mut ctx.client.monitoring) {
        ctx.engine.monitors.remove(ctx.client.handle.id);
    }
    ctx.client.reply_off = false;
    ctx.client.reply_skip = false;
    ctx.client.reply_skip_next = false;
    ctx.out.protocol = Protocol::Resp2;
    ctx.client
        .handle
        .names
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .name
        .clear();
    ctx.client.handle.no_evict.store(false, Ordering::Relaxed);
    ctx.client.handle.no_touch.store(false, Ordering::Relaxed);
    ctx.engine.keyspace.tracking.disable(&ctx.client.handle);
    ctx.client.authenticated = !ctx.engine.auth_required.load(Ordering::Relaxed);
    ctx.out.simple("RESET");
}

/// Checks `password` for `user` (only the `default` user exists until ACLs arrive). With no
/// `requirepass` the default user has no password and any password is accepted, as in Redis.
fn authenticate(ctx: &mut Ctx<'_, '_>, user: &[u8], password: &[u8]) -> bool {
    let ok = user == b"default"
        && (!ctx.engine.auth_required.load(Ordering::Relaxed)
            || ctx.engine.password_matches(password));
    if ok {
        ctx.client.authenticated = true;
    }
    ok
}

/// AUTH [username] password
pub fn auth(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    match args.len() {
        2 => {
            if !ctx.engine.auth_required.load(Ordering::Relaxed) {
                ctx.out.error(
                    "ERR AUTH <password> called without any password configured for the default user. \
                     Are you sure your configuration is correct?",
                );
            } else if authenticate(ctx, b"default", &args[1]) {
                ctx.out.ok();
            } else {
                ctx.out.error(WRONGPASS);
            }
        }
        3 => {
            if authenticate(ctx, &args[1], &args[2]) {
                ctx.out.ok();
            } else {
                ctx.out.error(WRONGPASS);
            }
        }
        _ => ctx.out.error(SYNTAX),
    }
}

/// Client names (and library names) are printable ASCII without spaces.
fn valid_name(name: &[u8]) -> bool {
    name.iter().all(|&c| (b'!'..=b'~').contains(&c))
}

const BAD_CLIENT_NAME: &str =
    "ERR Client names cannot contain spaces, newlines or special characters.";

/// HELLO [protover [AUTH username password] [SETNAME clientname]]
pub fn hello(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let mut protocol = ctx.out.protocol;
    if args.len() >= 2 {
        match parse_i64(&args[1]) {
            None => {
                return ctx
                    .out
                    .error("ERR Protocol version is not an integer or out of range");
            }
            Some(2) => protocol = Protocol::Resp2,
            Some(3) => protocol = Protocol::Resp3,
            Some(_) => return ctx.out.error("NOPROTO unsupported protocol version"),
        }
    }
    let mut name = None;
    let mut i = 2;
    while i < args.len() {
        let more = args.len() - 1 - i;
        if eq_ignore_case(&args[i], "auth") && more >= 2 {
            // Redis authenticates as soon as it reads the option, before it has seen the
            // rest (an option after it may then be a syntax error, the login stands).
            if !authenticate(ctx, &args[i + 1], &args[i + 2]) {
                return ctx.out.error(WRONGPASS);
            }
            i += 3;
        } else if eq_ignore_case(&args[i], "setname") && more >= 1 {
            if !valid_name(&args[i + 1]) {
                return ctx.out.error(BAD_CLIENT_NAME);
            }
            name = Some(&args[i + 1]);
            i += 2;
        } else {
            let mut text = b"ERR Syntax error in HELLO option '".to_vec();
            text.extend_from_slice(&args[i]);
            text.push(b'\'');
            return ctx.out.error(text);
        }
    }
    if !ctx.client.authenticated {
        return ctx.out.error(
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> \
             <pass> option can be used to authenticate the client and select the RESP protocol version at \
             the same time",
        );
    }
    if let Some(name) = name {
        ctx.client
            .handle
            .names
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .name = name.to_vec();
    }
    ctx.out.protocol = protocol;
    ctx.out.map(7);
    ctx.out.bulk(b"server");
    ctx.out.bulk(b"redis");
    ctx.out.bulk(b"version");
    ctx.out.bulk(REDIS_VERSION.as_bytes());
    ctx.out.bulk(b"proto");
    ctx.out.int(if protocol == Protocol::Resp3 { 3 } else { 2 });
    ctx.out.bulk(b"id");
    ctx.out.int(ctx.client.handle.id as i64);
    ctx.out.bulk(b"mode");
    ctx.out.bulk(b"standalone");
    ctx.out.bulk(b"role");
    ctx.out.bulk(b"master");
    ctx.out.bulk(b"modules");
    ctx.out.array(0);
}

/// CLIENT ID
pub fn client_id(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    ctx.out.int(ctx.client.handle.id as i64);
}

/// CLIENT SETNAME name (empty clears it)
pub fn client_setname(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if !valid_name(&args[2]) {
        return ctx.out.error(BAD_CLIENT_NAME);
    }
    ctx.client
        .handle
        .names
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .name = args[2].to_vec();
    ctx.out.ok();
}

/// CLIENT GETNAME
pub fn client_getname(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    let name = ctx.client.handle.names().name;
    if name.is_empty() {
        ctx.out.null()
    } else {
        ctx.out.bulk(&name)
    }
}

/// CLIENT SETINFO LIB-NAME name | LIB-VER version
pub fn client_setinfo(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let attr = String::from_utf8_lossy(&args[2]).to_ascii_lowercase();
    if attr != "lib-name" && attr != "lib-ver" {
        let mut text = b"ERR Unrecognized option '".to_vec();
        text.extend_from_slice(&args[2]);
        text.push(b'\'');
        return ctx.out.error(text);
    }
    if !valid_name(&args[3]) {
        return ctx.out.error(format!(
            "ERR {attr} cannot contain spaces, newlines or special characters."
        ));
    }
    let mut names = ctx
        .client
        .handle
        .names
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if attr == "lib-name" {
        names.lib_name = args[3].to_vec();
    } else {
        names.lib_ver = args[3].to_vec();
    }
    drop(names);
    ctx.out.ok();
}

/// CLIENT NO-EVICT ON|OFF
pub fn client_no_evict(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let on = if eq_ignore_case(&args[2], "on") {
        true
    } else if eq_ignore_case(&args[2], "off") {
        false
    } else {
        return ctx.out.error(SYNTAX);
    };
    ctx.client.handle.no_evict.store(on, Ordering::Relaxed);
    ctx.out.ok();
}

/// CLIENT INFO
pub fn client_info(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    let line = ctx.client.handle.info_line(ctx.now.mono_us);
    ctx.out.verbatim(format!("{line}\n").as_bytes());
}

/// The client types of CLIENT LIST TYPE / CLIENT KILL TYPE: `Some(Some(pubsub))` selects
/// the clients whose `is_pubsub()` is `pubsub`, `Some(None)` selects none (no replication
/// yet), `None` means the error was replied.
fn client_type(ctx: &mut Ctx<'_, '_>, name: &[u8]) -> Option<Option<bool>> {
    let lower = String::from_utf8_lossy(name).to_ascii_lowercase();
    match lower.as_str() {
        "normal" => Some(Some(false)),
        "pubsub" => Some(Some(true)),
        "master" | "replica" | "slave" => Some(None),
        _ => {
            let mut text = b"ERR Unknown client type '".to_vec();
            text.extend_from_slice(name);
            text.push(b'\'');
            ctx.out.error(text);
            None
        }
    }
}

/// CLIENT LIST [TYPE type] [ID id ...]
pub fn client_list(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let mut ids: Option<Vec<u64>> = None;
    let mut wanted_type: Option<Option<bool>> = None;
    if args.len() == 4 && eq_ignore_case(&args[2], "type") {
        match client_type(ctx, &args[3]) {
            Some(wanted) => wanted_type = Some(wanted),
            None => return,
        }
    } else if args.len() >= 4 && eq_ignore_case(&args[2], "id") {
        let mut wanted = Vec::new();
        for arg in &args[3..] {
            match parse_i64(arg) {
                Some(id) if id > 0 => wanted.push(id as u64),
                _ => return ctx.out.error("ERR Invalid client ID"),
            }
        }
        ids = Some(wanted);
    } else if args.len() != 2 {
        return ctx.out.error(SYNTAX);
    }
    let mut text = String::new();
    for client in ctx.engine.clients() {
        if ids.as_ref().is_some_and(|ids| !ids.contains(&client.id))
            || wanted_type.is_some_and(|wanted| wanted != Some(client.is_pubsub()))
        {
            continue;
        }
        text.push_str(&client.info_line(ctx.now.mono_us));
        text.push('\n');
    }
    ctx.out.verbatim(text.as_bytes());
}

/// CLIENT KILL addr:port | CLIENT KILL [ID id] [TYPE type] [USER user] [ADDR addr]
/// [LADDR addr] [SKIPME yes|no]
pub fn client_kill(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    if args.len() == 3 {
        let addr = &args[2][..];
        let target = ctx
            .engine
            .clients()
            .into_iter()
            .find(|c| c.addr.as_bytes() == addr);
        let Some(target) = target else {
            return ctx.out.error("ERR No such client");
        };
        kill(ctx, &target);
        return ctx.out.ok();
    }
    if !args.len().is_multiple_of(2) {
        return ctx.out.error(SYNTAX);
    }
    let mut id = None;
    let mut wanted_type: Option<Option<bool>> = None;
    let mut user = None;
    let mut addr = None;
    let mut laddr = None;
    let mut skip_me = true;
    for pair in args[2..].chunks(2) {
        let (option, value) = (&pair[0], &pair[1]);
        if eq_ignore_case(option, "id") {
            match parse_i64(value) {
                Some(n) if n > 0 => id = Some(n as u64),
                _ => return ctx.out.error("ERR client-id should be greater than 0"),
            }
        } else if eq_ignore_case(option, "type") {
            match client_type(ctx, value) {
                Some(wanted) => wanted_type = Some(wanted),
                None => return,
            }
        } else if eq_ignore_case(option, "user") {
            user = Some(value.clone());
        } else if eq_ignore_case(option, "addr") {
            addr = Some(value.clone());
        } else if eq_ignore_case(option, "laddr") {
            laddr = Some(value.clone());
        } else if eq_ignore_case(option, "skipme") {
            if eq_ignore_case(value, "yes") {
                skip_me = true;
            } else if eq_ignore_case(value, "no") {
                skip_me = false;
            } else {
                return ctx.out.error(SYNTAX);
            }
        } else {
            return ctx.out.error(SYNTAX);
        }
    }
    let mut killed = 0;
    for client in ctx.engine.clients() {
        let matches = wanted_type.is_none_or(|wanted| wanted == Some(client.is_pubsub()))
            && id.is_none_or(|id| client.id == id)
            && user.as_ref().is_none_or(|u| &u[..] == b"default")
            && addr
                .as_ref()
                .is_none_or(|a| client.addr.as_bytes() == &a[..])
            && laddr
                .as_ref()
                .is_none_or(|a| client.laddr.as_bytes() == &a[..])
            && !(skip_me && client.id == ctx.client.handle.id);
        if matches {
            kill(ctx, &client);
            killed += 1;
        }
    }
    ctx.out.int(killed);
}

/// Kills another client now, or this one once its reply is written.
fn kill(ctx: &mut Ctx<'_, '_>, target: &crate::client::ClientHandle) {
    if target.id == ctx.client.handle.id {
        ctx.client.close_after_reply = true;
    } else {
        target.kill();
    }
}

/// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]
pub fn client_unblock(ctx: &mut Ctx<'_, '_>, args: &[Bytes]) {
    let Some(id) = crate::cmd::int_arg(ctx, &args[2]) else {
        return;
    };
    let as_error = match args.get(3) {
        None => false,
        Some(reason) if eq_ignore_case(reason, "timeout") && args.len() == 4 => false,
        Some(reason) if eq_ignore_case(reason, "error") && args.len() == 4 => true,
        Some(_) => {
            return ctx
                .out
                .error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
        }
    };
    let Ok(id) = u64::try_from(id) else {
        return ctx.out.int(0);
    };
    match ctx.engine.blocking.cancel(ctx.engine, id) {
        Some((handle, protocol)) => {
            let reply = if as_error {
                b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n".to_vec()
            } else {
                crate::blocking::timeout_reply(protocol)
            };
            handle.deliver(reply, 0);
            ctx.out.int(1);
        }
        None => ctx.out.int(0),
    }
}

/// CLIENT HELP
pub fn client_help(ctx: &mut Ctx<'_, '_>, _args: &[Bytes]) {
    reply_help(
        ctx,
        "client",
        &[
            "CACHING (YES|NO)",
            "    Cache (OPTIN) or do not cache (OPTOUT) the keys of the next command.",
            "GETNAME",
            "    Return the name of this connection.",
            "GETREDIR",
            "    Return the client ID invalidations are redirected to (0: none, -1: not tracking).",
            "ID",
            "    Return the ID of this connection.",
            "INFO",
            "    Return information about this connection.",
            "KILL <ip:port>",
            "    Close the connection made from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Close connections matching every option given: ID <id>, TYPE (NORMAL|MASTER|REPLICA|PUBSUB),",
            "    USER <username>, ADDR <ip:port>, LADDR <ip:port>, SKIPME (YES|NO) (default YES).",
            "LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <id> [<id> ...]]",
            "    Return information about connections.",
            "NO-EVICT (ON|OFF)",
            "    Protect this connection from client eviction.",
            "NO-TOUCH (ON|OFF)",
            "    Leave the access time of the keys this connection reads alone (TOUCH still touches).",
            "PAUSE <timeout> [WRITE|ALL]",
            "    Hold back every command (ALL, the default), or only writes (WRITE), for <timeout> ms.",
            "REPLY (ON|OFF|SKIP)",
            "    Send replies to this connection, send none, or skip the next command's reply.",
            "SETINFO (LIB-NAME|LIB-VER) <value>",
            "    Record the client library's name or version.",
            "SETNAME <name>",
            "    Name this connection.",
            "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
            "         [OPTIN] [OPTOUT] [NOLOOP]",
            "    Control server assisted client side caching.",
            "TRACKINGINFO",
            "    Report the tracking state of this connection.",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]",
            "    Unblock a client blocked in a blocking command, as if it timed out or with an error.",
            "UNPAUSE",
            "    End a pause started by CLIENT PAUSE.",
        ],
    );
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::testing::{TestClient, client, client_with};

    #[test]
    fn ping_echo_select() {
        let mut t = client();
        assert_eq!(t.run(&["PING"]), "+PONG\r\n");
        assert_eq!(t.run(&["ping", "hi"]), "$2\r\nhi\r\n");
        assert_eq!(
            t.run(&["ping", "a", "b"]),
            "-ERR wrong number of arguments for 'ping' command\r\n"
        );
        assert_eq!(t.run(&["echo", "x"]), "$1\r\nx\r\n");
        assert_eq!(t.run(&["select", "15"]), "+OK\r\n");
        assert_eq!(t.session.client.db, 15);
        assert_eq!(
            t.run(&["select", "16"]),
            "-ERR DB index is out of range\r\n"
        );
        assert_eq!(
            t.run(&["select", "x"]),
            "-ERR value is not an integer or out of range\r\n"
        );
    }

    #[test]
    fn dispatcher_errors() {
        let mut t = client();
        assert_eq!(
            t.run(&["foo", "a", "b"]),
            "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n"
        );
        assert_eq!(
            t.run(&["foo"]),
            "-ERR unknown command 'foo', with args beginning with: \r\n"
        );
        assert_eq!(
            t.run(&["client", "foo"]),
            "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n"
        );
        assert_eq!(
            t.run(&["client"]),
            "-ERR wrong number of arguments for 'client' command\r\n"
        );
        assert_eq!(
            t.run(&["client", "setname"]),
            "-ERR wrong number of arguments for 'client|setname' command\r\n"
        );
    }

    #[test]
    fn hello_switches_protocol() {
        let mut t = client();
        assert_eq!(
            t.run(&["hello", "4"]),
            "-NOPROTO unsupported protocol version\r\n"
        );
        assert_eq!(
            t.run(&["hello", "x"]),
            "-ERR Protocol version is not an integer or out of range\r\n"
        );
        // Found by tests/difffuzz: AUTH is tried when it is read, before a later bad option.
        assert_eq!(
            t.run(&["hello", "3", "auth", "a", "b", "foo"]),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n"
        );
        assert_eq!(
            t.run(&["hello", "3", "auth", "default", "x", "foo"]),
            "-ERR Syntax error in HELLO option 'foo'\r\n"
        );
        assert_eq!(
            t.run(&["hello", "3", "foo"]),
            "-ERR Syntax error in HELLO option 'foo'\r\n"
        );
        let reply = t.run(&["hello", "3", "setname", "me"]);
        assert!(
            reply.starts_with("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n"),
            "{reply}"
        );
        assert!(reply.contains("$5\r\nproto\r\n:3\r\n"));
        assert_eq!(t.run(&["client", "getname"]), "$2\r\nme\r\n");
        assert_eq!(t.run(&["get", "nope"]), "_\r\n");
        assert_eq!(t.run(&["reset"]), "+RESET\r\n");
        assert_eq!(t.run(&["client", "getname"]), "$-1\r\n");
    }

    #[test]
    fn requirepass_gates_commands() {
        let config = Config {
            requirepass: Some(b"secret".to_vec()),
            ..Config::default()
        };
        let mut t = client_with(config);
        assert_eq!(t.run(&["get", "k"]), "-NOAUTH Authentication required.\r\n");
        assert_eq!(
            t.run(&["auth", "wrong"]),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n"
        );
        assert!(
            t.run(&["hello", "3"])
                .starts_with("-NOAUTH HELLO must be called")
        );
        assert!(
            t.run(&["hello", "3", "auth", "default", "secret"])
                .starts_with("%7")
        );
        assert_eq!(t.run(&["get", "k"]), "_\r\n");
        assert_eq!(t.run(&["reset"]), "+RESET\r\n");
        assert_eq!(t.run(&["ping"]), "-NOAUTH Authentication required.\r\n");
        assert_eq!(t.run(&["auth", "default", "secret"]), "+OK\r\n");
        assert_eq!(t.run(&["ping"]), "+PONG\r\n");
    }

    #[test]
    fn auth_without_password() {
        let mut t = client();
        assert!(
            t.run(&["auth", "x"])
                .starts_with("-ERR AUTH <password> called without any password")
        );
        assert_eq!(t.run(&["auth", "default", "anything"]), "+OK\r\n");
        assert_eq!(
            t.run(&["auth", "bob", "x"]),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n"
        );
    }

    #[test]
    fn client_names_list_and_kill() {
        let mut a = client();
        let mut b = TestClient::connect(a.engine, a.now);
        assert_eq!(
            a.run(&["client", "setname", "a b"]),
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n"
        );
        assert_eq!(a.run(&["client", "setname", "alice"]), "+OK\r\n");
        assert_eq!(
            a.run(&["client", "setinfo", "lib-name", "redis-py"]),
            "+OK\r\n"
        );
        assert_eq!(
            a.run(&["client", "setinfo", "color", "x"]),
            "-ERR Unrecognized option 'color'\r\n"
        );
        let list = a.run(&["client", "list"]);
        assert!(
            list.contains("name=alice") && list.contains("lib-name=redis-py"),
            "{list}"
        );
        assert_eq!(list.matches("id=").count(), 2);
        let b_id = b.session.id().to_string();
        assert_eq!(
            a.run(&["client", "list", "id", "abc"]),
            "-ERR Invalid client ID\r\n"
        );
        assert_eq!(
            a.run(&["client", "kill", "id", "0"]),
            "-ERR client-id should be greater than 0\r\n"
        );
        assert_eq!(
            a.run(&["client", "kill", "type", "foo"]),
            "-ERR Unknown client type 'foo'\r\n"
        );
        assert_eq!(
            a.run(&["client", "kill", "1.2.3.4:5"]),
            "-ERR No such client\r\n"
        );
        assert_eq!(a.run(&["client", "kill", "id", &b_id]), ":1\r\n");
        assert!(b.session.client.handle.is_killed());
        assert_eq!(b.feed(b"PING\r\n"), (String::new(), true));
        assert_eq!(
            a.run(&["client", "no-evict", "maybe"]),
            "-ERR syntax error\r\n"
        );
        assert_eq!(
            a.run(&["client", "kill", "skipme", "x"]),
            "-ERR syntax error\r\n"
        );
    }

    #[test]
    fn quit_and_protocol_errors_close() {
        let mut t = client();
        assert_eq!(t.feed(b"QUIT\r\nPING\r\n"), ("+OK\r\n".to_string(), true));
        let mut t = client();
        assert_eq!(
            t.feed(b"*1\r\n+x\r\n"),
            (
                "-ERR Protocol error: expected '$', got '+'\r\n".to_string(),
                true
            )
        );
    }
}
