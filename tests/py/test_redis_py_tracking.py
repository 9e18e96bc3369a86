"""Client-side caching through redis-py (run with `--target=redis` to re-check against
redis-server 7.0).

redis-py's own cache (`cache_config=CacheConfig()`) refuses servers older than 7.4 by their
HELLO version, and ferrite reports 7.0.15, so these tests drive the two invalidation channels
with redis-py's tracking commands the way a hand-rolled cache does: RESP2 with a `PubSub`
connection subscribed to `__redis__:invalidate` as the REDIRECT target, and RESP3 with the
parser's invalidation push handler.
"""

from __future__ import annotations

import time

import redis


def _next_invalidation(pubsub, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.1)
        if message and message["type"] == "message":
            return message
    return None


def _pubsub_client_id(admin) -> int:
    for client in admin.client_list():
        if client["sub"] == "1" and client["cmd"] == "subscribe":
            return int(client["id"])
    raise AssertionError("no subscribed connection")


def test_resp2_redirect_to_pubsub_connection(ferrite):
    admin = ferrite.client()
    pubsub = admin.pubsub()
    pubsub.subscribe("__redis__:invalidate")
    assert pubsub.get_message(timeout=5)["type"] == "subscribe"
    target = _pubsub_client_id(admin)
    cache = ferrite.client(single_connection_client=True)
    writer = ferrite.client()
    try:
        assert cache.client_tracking_on(clientid=target)
        assert cache.client_getredir() == target
        info = cache.client_trackinginfo()
        assert info[1] == [b"on"] and info[3] == target and info[5] == []
        writer.set("user:1", "alice")
        assert cache.get("user:1") == b"alice"
        writer.set("user:1", "bob")
        message = _next_invalidation(pubsub)
        assert message["channel"] == b"__redis__:invalidate"
        assert message["data"] == [b"user:1"]
        # Forgotten once invalidated: a second write says nothing until it is read again.
        writer.set("user:1", "carol")
        assert cache.get("user:1") == b"carol"
        writer.delete("user:1")
        assert _next_invalidation(pubsub)["data"] == [b"user:1"]
        # FLUSHALL: the null invalidation (an empty data field through redis-py).
        writer.flushall()
        assert _next_invalidation(pubsub)["data"] is None
        assert cache.client_tracking_off()
        assert cache.client_getredir() == -1
    finally:
        pubsub.close()
        cache.close()
        writer.close()
        admin.close()


def test_resp2_bcast_prefixes(ferrite):
    admin = ferrite.client()
    pubsub = admin.pubsub()
    pubsub.subscribe("__redis__:invalidate")
    assert pubsub.get_message(timeout=5)["type"] == "subscribe"
    target = _pubsub_client_id(admin)
    cache = ferrite.client(single_connection_client=True)
    writer = ferrite.client()
    try:
        assert cache.client_tracking_on(clientid=target, bcast=True, prefix=["session:"])
        writer.mset({"session:b": 1, "session:a": 2, "other": 3})
        assert _next_invalidation(pubsub)["data"] == [b"session:a", b"session:b"]
        writer.set("other", 4)
        writer.set("session:c", 5)
        assert _next_invalidation(pubsub)["data"] == [b"session:c"]
    finally:
        pubsub.close()
        cache.close()
        writer.close()
        admin.close()


def test_resp3_invalidation_push_handler(ferrite):
    cache = ferrite.client(protocol=3, single_connection_client=True)
    writer = ferrite.client()
    seen = []
    try:
        cache.ping()
        cache.connection._parser.set_invalidation_push_handler(lambda push: seen.append(push))
        assert cache.client_tracking_on()
        writer.set("k", "v1")
        assert cache.get("k") == b"v1"
        writer.set("k", "v2")
        # The push arrives ahead of the next reply on the tracking connection.
        deadline = time.monotonic() + 5
        while not seen and time.monotonic() < deadline:
            cache.ping()
        assert seen == [[b"invalidate", [b"k"]]]
        assert cache.get("k") == b"v2"
    finally:
        cache.close()
        writer.close()
