//! Tracking paths the differential test cannot reach deterministically: expiry (lazy and
//! active) on a controlled clock, the table limit, and CLIENT NO-TOUCH.

use crate::Now;
use crate::testing::{TestClient, client};

const INVALIDATE_K: &str = ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n";

fn tracking_pair() -> (TestClient, TestClient) {
    let mut a = client();
    let b = TestClient::connect(a.engine, a.now);
    a.run(&["hello", "3"]);
    assert_eq!(a.run(&["client", "tracking", "on"]), "+OK\r\n");
    (a, b)
}

#[test]
fn lazy_expiry_invalidates() {
    let (mut a, mut b) = tracking_pair();
    b.run(&["set", "k", "v", "px", "100"]);
    assert_eq!(a.run(&["get", "k"]), "$1\r\nv\r\n");
    assert_eq!(a.pushes(), "");
    b.advance_ms(200);
    assert_eq!(b.run(&["exists", "k"]), ":0\r\n");
    assert_eq!(a.pushes(), INVALIDATE_K);
    // Forgotten once sent.
    b.run(&["set", "k", "v"]);
    assert_eq!(a.pushes(), "");
}

#[test]
fn active_expiry_invalidates() {
    let (mut a, mut b) = tracking_pair();
    b.run(&["set", "k", "v", "px", "100"]);
    a.run(&["get", "k"]);
    let later = Now {
        unix_us: a.now.unix_us + 200_000,
        mono_us: a.now.mono_us + 200_000,
    };
    let (removed, _) = a.engine.active_expire(later, 100);
    assert_eq!(removed, 1);
    assert_eq!(a.pushes(), INVALIDATE_K);
}

#[test]
fn own_write_is_invalidated_after_the_reply_unless_noloop() {
    let (mut a, _b) = tracking_pair();
    a.run(&["get", "k"]);
    assert_eq!(a.run(&["set", "k", "1"]), format!("+OK\r\n{INVALIDATE_K}"));
    a.run(&["client", "tracking", "on", "noloop"]);
    a.run(&["get", "k"]);
    assert_eq!(a.run(&["set", "k", "2"]), "+OK\r\n");
}

#[test]
fn table_limit_invalidates_the_overflow() {
    let (mut a, mut b) = tracking_pair();
    b.run(&["config", "set", "tracking-table-max-keys", "2"]);
    let reply = a.run(&["mget", "k", "x", "y"]);
    assert!(
        reply.ends_with(INVALIDATE_K) || a.pushes() == INVALIDATE_K,
        "{reply:?}"
    );
    let info = b.run(&["info", "stats"]);
    assert!(info.contains("tracking_total_keys:2\r\n"), "{info}");
    assert!(info.contains("tracking_total_items:2\r\n"), "{info}");
}

#[test]
fn nobody_tracking_keeps_the_table_empty() {
    let mut a = client();
    a.run(&["set", "k", "v"]);
    a.run(&["get", "k"]);
    let info = a.run(&["info", "everything"]);
    assert!(info.contains("tracking_clients:0\r\n"), "{info}");
    assert!(info.contains("tracking_total_keys:0\r\n"), "{info}");
}

#[test]
fn disconnect_forgets_the_client() {
    let (mut a, mut b) = tracking_pair();
    a.run(&["get", "k"]);
    a.session.disconnect(a.engine);
    b.run(&["set", "k", "v"]);
    let info = b.run(&["info", "clients"]);
    assert!(info.contains("tracking_clients:0\r\n"), "{info}");
}

#[test]
fn no_touch_leaves_idle_time_alone_but_touch_touches() {
    let mut a = client();
    a.run(&["set", "k", "v"]);
    a.advance_ms(10_000);
    assert_eq!(a.run(&["client", "no-touch", "on"]), "+OK\r\n");
    assert!(a.run(&["client", "info"]).contains(" flags=T "));
    a.run(&["get", "k"]);
    assert_eq!(a.run(&["object", "idletime", "k"]), ":10\r\n");
    a.run(&["touch", "k"]);
    assert_eq!(a.run(&["object", "idletime", "k"]), ":0\r\n");
    a.advance_ms(5_000);
    assert_eq!(a.run(&["client", "no-touch", "off"]), "+OK\r\n");
    a.run(&["get", "k"]);
    assert_eq!(a.run(&["object", "idletime", "k"]), ":0\r\n");
    assert_eq!(
        a.run(&["client", "no-touch", "maybe"]),
        "-ERR syntax error\r\n"
    );
}
