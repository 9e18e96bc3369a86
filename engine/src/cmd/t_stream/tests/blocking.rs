//! Blocking XREAD and XREADGROUP: served by later writes (only the key that became ready),
//! COUNT and the default of 1000, `$` pinned when blocking, errors when the group or key
//! goes, timeouts, MULTI, and every stream waiter getting its try.

use super::{counters, pair, served};
use crate::testing::{TestClient, client};

#[test]
fn xread_block_dollar_waits_for_entries_after_it() {
    let (mut a, mut b) = pair();
    b.run(&["xadd", "s", "1-0", "a", "1"]);
    assert_eq!(
        a.run(&["xread", "block", "0", "streams", "s2", "s", "$", "$"]),
        ""
    );
    assert!(a.session.is_blocked());
    b.run(&["xadd", "s", "2-0", "b", "2"]);
    b.run(&["xadd", "s", "3-0", "c", "3"]);
    // Only the stream that became ready, from the entry after the one `$` stood for.
    assert_eq!(a.poll_blocked().unwrap(), served("s", &[("2-0", "b", "2")]));
    assert!(b.run(&["info", "clients"]).contains("blocked_clients:0"));
}

#[test]
fn xread_block_count_and_the_default_of_1000() {
    let (mut a, mut b) = pair();
    b.run(&["xadd", "s", "3-0", "c", "3"]);
    a.run(&["xread", "count", "1", "block", "0", "streams", "s", "3-0"]);
    b.run(&["multi"]);
    b.run(&["xadd", "s", "4-0", "d", "4"]);
    b.run(&["xadd", "s", "5-0", "e", "5"]);
    b.run(&["exec"]);
    assert_eq!(a.poll_blocked().unwrap(), served("s", &[("4-0", "d", "4")]));
    a.run(&["xread", "block", "0", "streams", "big", "0"]);
    b.run(&["multi"]);
    for i in 1..=1005 {
        b.run(&["xadd", "big", &format!("{i}-0"), "f", "v"]);
    }
    b.run(&["exec"]);
    let reply = a.poll_blocked().unwrap();
    assert!(
        reply.starts_with("*1\r\n*2\r\n$3\r\nbig\r\n*1000\r\n"),
        "{}",
        &reply[..40]
    );
}

#[test]
fn xread_block_future_id_deleted_key_and_other_types() {
    let (mut a, mut b) = pair();
    b.run(&["xadd", "s", "5-0", "a", "1"]);
    a.run(&["xread", "block", "0", "streams", "s", "9-0"]);
    b.run(&["xadd", "s", "6-0", "b", "2"]);
    assert_eq!(a.poll_blocked(), None);
    b.run(&["xadd", "s", "10-0", "e", "5"]);
    assert_eq!(
        a.poll_blocked().unwrap(),
        served("s", &[("10-0", "e", "5")])
    );
    // A deleted key, or one of another type, keeps an XREAD waiting.
    a.run(&["xread", "block", "0", "streams", "s", "$"]);
    b.run(&["del", "s"]);
    b.run(&["set", "s", "str"]);
    b.run(&["del", "s"]);
    b.run(&["xadd", "s", "1-0", "x", "1"]);
    assert_eq!(
        a.poll_blocked(),
        None,
        "1-0 is not past the 10-0 that `$` stood for"
    );
    b.run(&["xadd", "s", "11-0", "y", "2"]);
    assert_eq!(
        a.poll_blocked().unwrap(),
        served("s", &[("11-0", "y", "2")])
    );
}

#[test]
fn xread_block_entries_added_and_deleted_serve_an_empty_list() {
    let (mut a, mut b) = pair();
    b.run(&["xadd", "s", "1-0", "a", "1"]);
    a.run(&["xread", "block", "0", "streams", "s", "$"]);
    b.run(&["multi"]);
    b.run(&["xadd", "s", "2-0", "a", "1"]);
    b.run(&["xdel", "s", "2-0"]);
    assert_eq!(b.run(&["exec"]), "*2\r\n$3\r\n2-0\r\n:1\r\n");
    assert_eq!(a.poll_blocked().unwrap(), "*1\r\n*2\r\n$1\r\ns\r\n*0\r\n");
    // Redis only wakes readers on XADD, XDEL, XTRIM and friends; EXPIRE wakes nobody who can
    // be served.
    a.run(&["xread", "block", "0", "streams", "s", "$"]);
    b.run(&["expire", "s", "100"]);
    assert_eq!(a.poll_blocked(), None);
}

#[test]
fn xreadgroup_block_served_reads_and_records_pending() {
    let (mut a, mut b) = pair();
    b.run(&["xgroup", "create", "s", "g", "$", "mkstream"]);
    let dirty = counters(&b).0;
    a.run(&[
        "xreadgroup",
        "group",
        "g",
        "c",
        "count",
        "1",
        "block",
        "0",
        "streams",
        "s",
        ">",
    ]);
    assert_eq!(
        b.run(&["xinfo", "consumers", "s", "g"]),
        "*0\r\n",
        "a consumer is created when it is served, not when it blocks"
    );
    b.run(&["xadd", "s", "1-0", "x", "1", "y", "2"]);
    assert_eq!(
        a.poll_blocked().unwrap(),
        "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*4\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n"
    );
    // XADD, then the consumer's creation (Redis does not count the served read itself).
    assert_eq!(counters(&b).0 - dirty, 2);
    assert_eq!(
        b.run(&["xpending", "s", "g"]),
        "*4\r\n:1\r\n$3\r\n1-0\r\n$3\r\n1-0\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n1\r\n"
    );
}

#[test]
fn xreadgroup_block_noack_and_history_ids() {
    let (mut a, mut b) = pair();
    b.run(&["xgroup", "create", "s", "g", "$", "mkstream"]);
    // A history id never blocks: it is served at once, empty.
    assert_eq!(
        a.run(&[
            "xreadgroup",
            "group",
            "g",
            "c1",
            "block",
            "100",
            "streams",
            "s",
            "0"
        ]),
        "*1\r\n*2\r\n$1\r\ns\r\n*0\r\n"
    );
    a.run(&[
        "xreadgroup",
        "group",
        "g",
        "c1",
        "noack",
        "block",
        "0",
        "streams",
        "s",
        ">",
    ]);
    b.run(&["xadd", "s", "1-0", "x", "1"]);
    assert_eq!(a.poll_blocked().unwrap(), served("s", &[("1-0", "x", "1")]));
    assert_eq!(
        b.run(&["xpending", "s", "g"]),
        "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n"
    );
    assert_eq!(
        b.run(&["xinfo", "groups", "s"]),
        "*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:0\r\n\
         $17\r\nlast-delivered-id\r\n$3\r\n1-0\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:0\r\n"
    );
}

#[test]
fn xreadgroup_block_errors_when_the_group_or_key_goes() {
    let (mut a, mut b) = pair();
    b.run(&["xgroup", "create", "s", "g", "$", "mkstream"]);
    a.run(&[
        "xreadgroup",
        "group",
        "g",
        "c",
        "block",
        "0",
        "streams",
        "s",
        ">",
    ]);
    b.run(&["xgroup", "destroy", "s", "g"]);
    assert_eq!(
        a.poll_blocked().unwrap(),
        "-NOGROUP the consumer group this client was blocked on no longer exists\r\n"
    );
    for replace in [&["del", "s"][..], &["set", "s", "x"]] {
        b.run(&["del", "s"]);
        b.run(&["xgroup", "create", "s", "g", "$", "mkstream"]);
        a.run(&[
            "xreadgroup",
            "group",
            "g",
            "c",
            "block",
            "0",
            "streams",
            "s",
            ">",
        ]);
        b.run(replace);
        assert_eq!(
            a.poll_blocked().unwrap(),
            "-UNBLOCKED the stream key no longer exists\r\n"
        );
    }
    // Deleted and created again in one transaction: still a stream with the group.
    b.run(&["del", "s"]);
    b.run(&["xgroup", "create", "s", "g", "$", "mkstream"]);
    a.run(&[
        "xreadgroup",
        "group",
        "g",
        "c",
        "block",
        "0",
        "streams",
        "s",
        ">",
    ]);
    b.run(&["multi"]);
    b.run(&["del", "s"]);
    b.run(&["xgroup", "create", "s", "g", "$", "mkstream"]);
    b.run(&["exec"]);
    assert_eq!(a.poll_blocked(), None);
    b.run(&["xadd", "s", "1-0", "x", "1"]);
    assert_eq!(a.poll_blocked().unwrap(), served("s", &[("1-0", "x", "1")]));
}

#[test]
fn xreadgroup_block_setid_back_does_not_wake() {
    let (mut a, mut b) = pair();
    b.run(&["xadd", "s", "1-0", "a", "1"]);
    b.run(&["xgroup", "create", "s", "g", "$"]);
    a.run(&[
        "xreadgroup",
        "group",
        "g",
        "c",
        "block",
        "0",
        "streams",
        "s",
        ">",
    ]);
    b.run(&["xgroup", "setid", "s", "g", "0"]);
    assert_eq!(a.poll_blocked(), None);
    // The next write serves it, from the group's (moved) last id.
    b.run(&["xadd", "s", "2-0", "b", "2"]);
    assert_eq!(
        a.poll_blocked().unwrap(),
        served("s", &[("1-0", "a", "1"), ("2-0", "b", "2")])
    );
}

#[test]
fn every_stream_waiter_gets_a_try() {
    let a = client();
    let mut clients: Vec<TestClient> = (0..3)
        .map(|_| TestClient::connect(a.engine, a.now))
        .collect();
    let mut writer = a;
    writer.run(&["xgroup", "create", "s", "g", "$", "mkstream"]);
    clients[0].run(&[
        "xreadgroup",
        "group",
        "g",
        "w1",
        "block",
        "0",
        "streams",
        "s",
        ">",
    ]);
    clients[1].run(&[
        "xreadgroup",
        "group",
        "g",
        "w2",
        "block",
        "0",
        "streams",
        "s",
        ">",
    ]);
    clients[2].run(&["xread", "block", "0", "streams", "s", "$"]);
    writer.run(&["xadd", "s", "1-0", "job", "1"]);
    let one = served("s", &[("1-0", "job", "1")]);
    assert_eq!(clients[0].poll_blocked().unwrap(), one);
    assert_eq!(
        clients[1].poll_blocked(),
        None,
        "the group's entry went to w1"
    );
    assert_eq!(
        clients[2].poll_blocked().unwrap(),
        one,
        "a plain reader sees it too"
    );
    writer.run(&["xadd", "s", "2-0", "job", "2"]);
    assert_eq!(
        clients[1].poll_blocked().unwrap(),
        served("s", &[("2-0", "job", "2")])
    );
    // A list waiter that finds a stream keeps waiting, and does not stop the stream reader
    // queued behind it from being served.
    clients[0].run(&["blpop", "m", "0"]);
    clients[1].run(&["xread", "block", "0", "streams", "m", "0"]);
    writer.run(&["xadd", "m", "1-0", "a", "1"]);
    assert_eq!(clients[0].poll_blocked(), None);
    assert_eq!(
        clients[1].poll_blocked().unwrap(),
        served("m", &[("1-0", "a", "1")])
    );
}

#[test]
fn block_inside_multi_and_timeouts() {
    let (mut a, mut b) = pair();
    b.run(&["multi"]);
    b.run(&["xread", "block", "0", "streams", "s", "$"]);
    b.run(&["xgroup", "create", "s", "g", "$", "mkstream"]);
    b.run(&[
        "xreadgroup",
        "group",
        "g",
        "c",
        "block",
        "0",
        "streams",
        "s",
        ">",
    ]);
    assert_eq!(b.run(&["exec"]), "*3\r\n*-1\r\n+OK\r\n*-1\r\n");
    a.run(&["xread", "block", "200", "streams", "nokey", "0"]);
    a.advance_ms(150);
    assert_eq!(a.poll_blocked(), None);
    a.advance_ms(60);
    assert_eq!(a.poll_blocked().unwrap(), "*-1\r\n");
    a.run(&["hello", "3"]);
    a.run(&[
        "xreadgroup",
        "group",
        "g",
        "c",
        "block",
        "10",
        "streams",
        "s",
        ">",
    ]);
    a.advance_ms(20);
    assert_eq!(a.poll_blocked().unwrap(), "_\r\n");
    // RESP3: a map of stream to entries.
    a.run(&["xread", "block", "0", "streams", "s", "$"]);
    b.run(&["xadd", "s", "1-0", "x", "1"]);
    assert_eq!(
        a.poll_blocked().unwrap(),
        "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n"
    );
    assert_eq!(
        a.run(&["xread", "block", "0", "block", "1", "streams", "s", "0"]),
        "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n"
    );
}

#[test]
fn client_unblock_and_disconnect_of_a_stream_reader() {
    let (mut a, mut b) = pair();
    let id = a.session.id().to_string();
    a.run(&["xread", "block", "0", "streams", "s", "$"]);
    assert_eq!(b.run(&["client", "unblock", &id]), ":1\r\n");
    assert_eq!(a.poll_blocked().unwrap(), "*-1\r\n");
    a.run(&["xread", "block", "0", "streams", "s", "$"]);
    a.session.disconnect(a.engine);
    b.run(&["xadd", "s", "1-0", "x", "1"]);
    assert!(b.run(&["info", "clients"]).contains("blocked_clients:0"));
}
