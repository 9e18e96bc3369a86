//! Pub/sub command replies. Every expected byte string was produced by redis-server 7.0.15
//! running the same commands.

use crate::testing::{TestClient, client};

const GET_REFUSED: &str = "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n";

#[test]
fn subscribe_and_unsubscribe_confirmations_count_channels_and_patterns() {
    let mut t = client();
    assert_eq!(
        t.run(&["subscribe", "a", "b", "a"]),
        "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n\
         *3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:2\r\n"
    );
    assert_eq!(
        t.run(&["psubscribe", "p*"]),
        "*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:3\r\n"
    );
    // Shard channels count on their own.
    assert_eq!(
        t.run(&["ssubscribe", "s"]),
        "*3\r\n$10\r\nssubscribe\r\n$1\r\ns\r\n:1\r\n"
    );
    assert_eq!(
        t.run(&["unsubscribe", "nope"]),
        "*3\r\n$11\r\nunsubscribe\r\n$4\r\nnope\r\n:3\r\n"
    );
    // Without arguments: every channel, in subscription order.
    assert_eq!(
        t.run(&["unsubscribe"]),
        "*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:2\r\n*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:1\r\n"
    );
    assert_eq!(
        t.run(&["unsubscribe"]),
        "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:1\r\n"
    );
    assert_eq!(
        t.run(&["punsubscribe"]),
        "*3\r\n$12\r\npunsubscribe\r\n$2\r\np*\r\n:0\r\n"
    );
    // Still subscribed to a shard channel: still in subscribed mode.
    assert_eq!(t.run(&["get", "k"]), GET_REFUSED);
    assert_eq!(
        t.run(&["sunsubscribe"]),
        "*3\r\n$12\r\nsunsubscribe\r\n$1\r\ns\r\n:0\r\n"
    );
    assert_eq!(
        t.run(&["sunsubscribe"]),
        "*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n"
    );
    assert_eq!(t.run(&["get", "k"]), "$-1\r\n");
}

#[test]
fn resp2_subscribed_mode_allows_only_some_commands() {
    let mut t = client();
    t.run(&["subscribe", "x"]);
    assert_eq!(t.run(&["get", "k"]), GET_REFUSED);
    assert_eq!(
        t.run(&["client", "list"]),
        "-ERR Can't execute 'client|list': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"
    );
    assert!(t.run(&["multi"]).starts_with("-ERR Can't execute 'multi'"));
    assert_eq!(t.run(&["ping"]), "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    assert_eq!(t.run(&["ping", "hi"]), "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
    assert_eq!(
        t.run(&["ping", "a", "b"]),
        "-ERR wrong number of arguments for 'ping' command\r\n"
    );
    // Unknown commands and arity errors are reported as usual.
    assert!(
        t.run(&["nosuch"])
            .starts_with("-ERR unknown command 'nosuch'")
    );
    assert_eq!(t.run(&["reset"]), "+RESET\r\n");
    assert_eq!(t.run(&["get", "k"]), "$-1\r\n");
    assert_eq!(t.run(&["ping"]), "+PONG\r\n");
    // RESET dropped the subscription silently.
    let mut other = TestClient::connect(t.engine, t.now);
    assert_eq!(other.run(&["publish", "x", "m"]), ":0\r\n");
}

#[test]
fn resp3_clients_run_anything_and_get_pushes() {
    let mut t = client();
    t.run(&["hello", "3"]);
    assert_eq!(
        t.run(&["subscribe", "ch"]),
        ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"
    );
    assert_eq!(t.run(&["get", "k"]), "_\r\n");
    assert_eq!(t.run(&["ping"]), "+PONG\r\n");
    // Published to itself: the push comes before PUBLISH's own reply, as in Redis 7.0.
    assert_eq!(
        t.run(&["publish", "ch", "x"]),
        ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nx\r\n:1\r\n"
    );
    assert_eq!(
        t.run(&["unsubscribe"]),
        ">3\r\n$11\r\nunsubscribe\r\n$2\r\nch\r\n:0\r\n"
    );
    assert_eq!(
        t.run(&["unsubscribe"]),
        ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n"
    );
}

#[test]
fn messages_reach_other_clients_in_their_protocols() {
    let mut publisher = client();
    let (engine, now) = (publisher.engine, publisher.now);
    let mut resp2 = TestClient::connect(engine, now);
    let mut resp3 = TestClient::connect(engine, now);
    resp3.run(&["hello", "3"]);
    resp2.run(&["subscribe", "ch"]);
    resp2.run(&["psubscribe", "c*"]);
    resp3.run(&["psubscribe", "c?"]);
    assert_eq!(publisher.run(&["publish", "ch", "hi"]), ":3\r\n");
    assert_eq!(publisher.run(&["publish", "cx", ""]), ":2\r\n");
    assert_eq!(publisher.run(&["publish", "zz", "none"]), ":0\r\n");
    assert_eq!(
        resp2.pushes(),
        "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n\
         *4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$2\r\nhi\r\n\
         *4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\ncx\r\n$0\r\n\r\n"
    );
    assert_eq!(
        resp3.pushes(),
        ">4\r\n$8\r\npmessage\r\n$2\r\nc?\r\n$2\r\nch\r\n$2\r\nhi\r\n\
         >4\r\n$8\r\npmessage\r\n$2\r\nc?\r\n$2\r\ncx\r\n$0\r\n\r\n"
    );
    assert_eq!(resp2.pushes(), "");
}

#[test]
fn subscribers_are_served_in_subscription_order() {
    let mut publisher = client();
    let (engine, now) = (publisher.engine, publisher.now);
    let mut subscribers: Vec<TestClient> =
        (0..3).map(|_| TestClient::connect(engine, now)).collect();
    for s in &mut subscribers {
        s.run(&["subscribe", "ch"]);
    }
    let ids: Vec<u64> = subscribers.iter().map(|s| s.session.id()).collect();
    let state = engine.pubsub();
    assert_eq!(
        state.subscriber_count(crate::pubsub::Kind::Channel, b"ch"),
        3
    );
    assert_eq!(publisher.run(&["publish", "ch", "m"]), ":3\r\n");
    for s in &mut subscribers {
        assert_eq!(s.pushes(), "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n");
    }
    // A client that goes away is unsubscribed.
    subscribers[1].session.disconnect(engine);
    engine.unregister_client(ids[1]);
    assert_eq!(publisher.run(&["publish", "ch", "m"]), ":2\r\n");
}

#[test]
fn shard_channels_are_their_own_namespace() {
    let mut publisher = client();
    let mut s = TestClient::connect(publisher.engine, publisher.now);
    s.run(&["ssubscribe", "orders"]);
    assert_eq!(publisher.run(&["publish", "orders", "x"]), ":0\r\n");
    assert_eq!(publisher.run(&["spublish", "orders", "y"]), ":1\r\n");
    assert_eq!(
        s.pushes(),
        "*3\r\n$8\r\nsmessage\r\n$6\r\norders\r\n$1\r\ny\r\n"
    );
    assert_eq!(
        publisher.run(&["pubsub", "shardchannels"]),
        "*1\r\n$6\r\norders\r\n"
    );
    assert_eq!(
        publisher.run(&["pubsub", "shardnumsub", "orders", "x"]),
        "*4\r\n$6\r\norders\r\n:1\r\n$1\r\nx\r\n:0\r\n"
    );
    assert_eq!(publisher.run(&["pubsub", "channels"]), "*0\r\n");
}

#[test]
fn pubsub_introspection_and_errors() {
    let mut t = client();
    let mut a = TestClient::connect(t.engine, t.now);
    a.run(&["subscribe", "news.b", "news.a", "other"]);
    a.run(&["psubscribe", "x", "y", "x"]);
    assert_eq!(
        t.run(&["pubsub", "channels"]),
        "*3\r\n$6\r\nnews.a\r\n$6\r\nnews.b\r\n$5\r\nother\r\n"
    );
    assert_eq!(
        t.run(&["pubsub", "channels", "news.*"]),
        "*2\r\n$6\r\nnews.a\r\n$6\r\nnews.b\r\n"
    );
    assert_eq!(t.run(&["pubsub", "channels", "NEWS.*"]), "*0\r\n");
    assert_eq!(t.run(&["pubsub", "numpat"]), ":2\r\n");
    assert_eq!(t.run(&["pubsub", "numsub"]), "*0\r\n");
    assert_eq!(
        t.run(&["pubsub", "numsub", "other", "x"]),
        "*4\r\n$5\r\nother\r\n:1\r\n$1\r\nx\r\n:0\r\n"
    );
    assert_eq!(
        t.run(&["pubsub", "channels", "a", "b"]),
        "-ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.\r\n"
    );
    assert_eq!(
        t.run(&["pubsub", "numpat", "x"]),
        "-ERR wrong number of arguments for 'pubsub|numpat' command\r\n"
    );
    assert_eq!(
        t.run(&["pubsub", "foo"]),
        "-ERR unknown subcommand 'foo'. Try PUBSUB HELP.\r\n"
    );
    assert_eq!(
        t.run(&["publish", "x"]),
        "-ERR wrong number of arguments for 'publish' command\r\n"
    );
    let help = t.run(&["pubsub", "help"]);
    assert!(help.starts_with(
        "*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
    ));
    assert!(help.ends_with("+HELP\r\n+    Prints this help.\r\n"));
}

#[test]
fn transactions() {
    let mut t = client();
    t.run(&["multi"]);
    assert_eq!(t.run(&["subscribe", "ch"]), "+QUEUED\r\n");
    assert_eq!(t.run(&["publish", "ch", "m"]), "+QUEUED\r\n");
    assert_eq!(t.run(&["get", "k"]), "+QUEUED\r\n");
    // Inside EXEC nothing is refused, and the message lands inside the EXEC array.
    assert_eq!(
        t.run(&["exec"]),
        "*3\r\n*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n:1\r\n$-1\r\n"
    );
    assert_eq!(t.run(&["reset"]), "+RESET\r\n");
    t.run(&["multi"]);
    t.run(&["ssubscribe", "s"]);
    assert_eq!(
        t.run(&["exec"]),
        "*1\r\n-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n"
    );
}

#[test]
fn client_list_shows_subscriptions_and_type_pubsub() {
    let mut t = client();
    let mut s = TestClient::connect(t.engine, t.now);
    s.run(&["subscribe", "a", "b"]);
    s.run(&["psubscribe", "p"]);
    s.run(&["ssubscribe", "x"]);
    let list = t.run(&["client", "list"]);
    let line = list
        .lines()
        .find(|l| l.contains(&format!("id={} ", s.session.id())))
        .expect("listed");
    assert!(line.contains(" flags=P "), "{line}");
    assert!(line.contains(" sub=2 psub=1 ssub=1 "), "{line}");
    let pubsub = t.run(&["client", "list", "type", "pubsub"]);
    assert_eq!(pubsub.matches("id=").count(), 1, "{pubsub}");
    let normal = t.run(&["client", "list", "type", "normal"]);
    assert_eq!(normal.matches("id=").count(), 1, "{normal}");
    assert_eq!(t.run(&["client", "kill", "type", "pubsub"]), ":1\r\n");
    assert!(s.session.client.handle.is_killed());
}
