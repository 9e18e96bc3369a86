"""Pub/sub and keyspace notifications through redis-py's `PubSub` (subscribe, psubscribe,
ssubscribe, get_message, listen, run_in_thread, health-check PINGs), over RESP2 and RESP3
(push messages), checked against Redis's behaviour (run with `--target=redis` to re-check)."""

from __future__ import annotations

import threading
import time

import pytest

from resp_util import RespConn


def next_message(pubsub, timeout=5.0, sharded=False):
    """The next message of any type (subscription confirmations included), or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sharded:
            message = pubsub.get_sharded_message(timeout=0.05)
        else:
            message = pubsub.get_message(timeout=0.05)
        if message is not None:
            return message
    return None


def settle(pubsub):
    """Consumes the subscription confirmations an `ignore_subscribe_messages` PubSub hides."""
    for _ in range(4):
        pubsub.get_message(timeout=0.05)


@pytest.fixture(params=[2, 3], ids=["resp2", "resp3"])
def client(request, ferrite):
    c = ferrite.client(protocol=request.param)
    yield c
    c.close()


@pytest.fixture
def notifications(ferrite):
    admin = ferrite.client()
    admin.config_set("notify-keyspace-events", "KEA")
    yield admin
    admin.config_set("notify-keyspace-events", "")
    admin.close()


def test_subscribe_publish_get_message(client):
    p = client.pubsub()
    p.subscribe("news", "sport")
    assert next_message(p) == {"type": "subscribe", "pattern": None, "channel": b"news", "data": 1}
    assert next_message(p) == {"type": "subscribe", "pattern": None, "channel": b"sport", "data": 2}
    assert client.publish("news", "hello") == 1
    assert client.publish("nobody", "x") == 0
    assert next_message(p) == {"type": "message", "pattern": None, "channel": b"news", "data": b"hello"}
    p.unsubscribe("news")
    assert next_message(p) == {"type": "unsubscribe", "pattern": None, "channel": b"news", "data": 1}
    assert client.publish("news", "gone") == 0
    p.close()


def test_psubscribe_pmessage_and_receiver_counts(client):
    p = client.pubsub(ignore_subscribe_messages=True)
    p.psubscribe("user.*")
    p.subscribe("user.1")
    settle(p)
    # The channel and the pattern each count as a receiver, and each delivers a message.
    assert client.publish("user.1", "both") == 2
    got = [next_message(p), next_message(p)]
    assert {"type": "message", "pattern": None, "channel": b"user.1", "data": b"both"} in got
    assert {"type": "pmessage", "pattern": b"user.*", "channel": b"user.1", "data": b"both"} in got
    assert client.pubsub_numpat() == 1
    assert client.pubsub_numsub("user.1", "user.2") == [(b"user.1", 1), (b"user.2", 0)]
    assert client.pubsub_channels() == [b"user.1"]
    assert client.pubsub_channels("nomatch*") == []
    p.close()


def test_handlers_and_run_in_thread(client):
    received = []
    done = threading.Event()

    def handler(message):
        received.append(message["data"])
        if len(received) == 3:
            done.set()

    p = client.pubsub()
    p.subscribe(**{"jobs": handler})
    thread = p.run_in_thread(sleep_time=0.01, daemon=True)
    try:
        deadline = time.monotonic() + 5
        while client.pubsub_numsub("jobs")[0][1] != 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        for i in range(3):
            assert client.publish("jobs", f"job-{i}") == 1
        assert done.wait(5), received
        assert received == [b"job-0", b"job-1", b"job-2"]
    finally:
        thread.stop()
        thread.join(5)
    p.close()


def test_listen_sees_messages_in_publish_order(ferrite, client):
    p = client.pubsub(ignore_subscribe_messages=True)
    p.subscribe("ordered")
    settle(p)
    publisher = ferrite.client()

    def publish():
        for i in range(200):
            publisher.publish("ordered", str(i))

    thread = threading.Thread(target=publish)
    thread.start()
    got = []
    for message in p.listen():
        if message["type"] == "message":
            got.append(int(message["data"]))
            if len(got) == 200:
                break
    thread.join(5)
    assert got == list(range(200))
    publisher.close()
    p.close()


def test_sharded_pubsub(client):
    p = client.pubsub()
    p.ssubscribe("orders")
    assert next_message(p, sharded=True) == {
        "type": "ssubscribe", "pattern": None, "channel": b"orders", "data": 1,
    }
    assert client.spublish("orders", "o1") == 1
    assert client.publish("orders", "not-sharded") == 0
    assert next_message(p, sharded=True) == {
        "type": "smessage", "pattern": None, "channel": b"orders", "data": b"o1",
    }
    assert client.pubsub_shardchannels() == [b"orders"]
    assert client.pubsub_shardnumsub("orders") == [(b"orders", 1)]
    p.sunsubscribe("orders")
    assert next_message(p, sharded=True)["type"] == "sunsubscribe"
    p.close()


def test_health_check_ping_in_subscribed_mode(ferrite):
    # redis-py sends PING while subscribed and expects Redis's subscribed-mode answer.
    c = ferrite.client(health_check_interval=1)
    p = c.pubsub()
    p.subscribe("hc")
    assert next_message(p)["type"] == "subscribe"
    p.ping()
    message = next_message(p)
    assert message["type"] == "pong", message
    time.sleep(1.1)  # due: the next read sends a health-check PING first
    assert c.publish("hc", "after") == 1
    message = next_message(p)
    assert message["data"] == b"after", message
    p.close()
    c.close()


def test_resp3_client_runs_commands_while_subscribed(ferrite):
    c = ferrite.client(protocol=3)
    p = c.pubsub()
    p.subscribe("c3")
    assert next_message(p)["type"] == "subscribe"
    # On the pubsub's own connection, a RESP3 client may run any command.
    p.connection.send_command("SET", "k3", "v")
    assert p.connection.read_response() == b"OK"
    p.connection.send_command("GET", "k3")
    assert p.connection.read_response() == b"v"
    assert c.publish("c3", "m") == 1
    assert next_message(p) == {"type": "message", "pattern": None, "channel": b"c3", "data": b"m"}
    p.close()
    c.close()


def test_resp2_subscribed_mode_refuses_other_commands(ferrite):
    with RespConn(ferrite.port) as conn:
        conn.call_raw("SUBSCRIBE", "x")
        assert conn.call_raw("GET", "k") == (
            b"-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
            b"are allowed in this context\r\n"
        )
        assert conn.call_raw("PING") == b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"
        assert conn.call_raw("RESET") == b"+RESET\r\n"
        assert conn.call_raw("GET", "k") == b"$-1\r\n"


def test_keyspace_notifications(client, notifications):
    p = client.pubsub(ignore_subscribe_messages=True)
    p.psubscribe("__keyspace@0__:*", "__keyevent@0__:*")
    settle(p)
    client.set("watched", "v")
    client.expire("watched", 100)
    client.delete("watched")
    events = []
    for _ in range(6):
        message = next_message(p)
        assert message is not None, events
        events.append((message["channel"], message["data"]))
    assert events == [
        (b"__keyspace@0__:watched", b"set"), (b"__keyevent@0__:set", b"watched"),
        (b"__keyspace@0__:watched", b"expire"), (b"__keyevent@0__:expire", b"watched"),
        (b"__keyspace@0__:watched", b"del"), (b"__keyevent@0__:del", b"watched"),
    ]
    p.close()


def test_expired_event_from_active_expiry(client, notifications):
    p = client.pubsub(ignore_subscribe_messages=True)
    p.subscribe("__keyevent@0__:expired")
    settle(p)
    client.set("short", "v", px=20)
    message = next_message(p, timeout=5)
    assert message == {"type": "message", "pattern": None, "channel": b"__keyevent@0__:expired",
                       "data": b"short"}
    p.close()


def test_config_round_trip(r):
    try:
        assert r.config_set("notify-keyspace-events", "KEA")
        assert r.config_get("notify-keyspace-events") == {"notify-keyspace-events": "AKE"}
        assert r.config_set("client-output-buffer-limit", "pubsub 64mb 16mb 30")
        assert r.config_get("client-output-buffer-limit") == {
            "client-output-buffer-limit": "normal 0 0 0 slave 268435456 67108864 60 pubsub 67108864 16777216 30"
        }
    finally:
        r.config_set("notify-keyspace-events", "")
        r.config_set("client-output-buffer-limit", "pubsub 32mb 8mb 60")
