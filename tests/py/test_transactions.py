"""Transactions through redis-py, unmodified: pipelines with transaction=True, the WATCH retry
loop many applications use, and a concurrency test whose final counts must be exact."""

from __future__ import annotations

import threading

import pytest
import redis


def test_pipeline_transaction(r):
    pipe = r.pipeline(transaction=True)
    pipe.set("a", 1).incr("a").get("a").lpush("l", "x").llen("l")
    assert pipe.execute() == [True, 2, "2", 1, 1]


def test_runtime_error_inside_exec_does_not_stop_the_rest(r):
    r.set("s", "text")
    pipe = r.pipeline(transaction=True)
    pipe.incr("s").set("t", "ok")
    results = pipe.execute(raise_on_error=False)
    assert isinstance(results[0], redis.ResponseError)
    assert results[1] is True
    assert r.get("t") == "ok"


def test_queueing_error_aborts_the_transaction(r):
    conn = r.connection_pool.get_connection()
    try:
        conn.send_command("MULTI")
        assert conn.read_response() == "OK"
        conn.send_command("SET", "x")
        with pytest.raises(redis.ResponseError, match="wrong number of arguments"):
            conn.read_response()
        conn.send_command("SET", "y", "1")
        assert conn.read_response() == "QUEUED"
        conn.send_command("EXEC")
        # redis-py maps the EXECABORT code to ExecAbortError and drops the code from the text.
        with pytest.raises(redis.exceptions.ExecAbortError, match="Transaction discarded"):
            conn.read_response()
    finally:
        r.connection_pool.release(conn)
    assert r.get("y") is None


def test_watch_retry_loop(r, ferrite):
    other = ferrite.client(decode_responses=True)
    r.set("balance", 100)
    attempts = 0
    with r.pipeline() as pipe:
        while True:
            attempts += 1
            pipe.watch("balance")
            balance = int(pipe.get("balance"))
            if attempts == 1:
                other.incr("balance", 5)  # a concurrent write: the first EXEC must fail
            pipe.multi()
            pipe.set("balance", balance - 30)
            try:
                pipe.execute()
                break
            except redis.WatchError:
                continue
    assert attempts == 2
    assert r.get("balance") == "75"


def test_transaction_helper_with_watch(r):
    r.set("n", 0)

    def double(pipe):
        value = int(pipe.get("n"))
        pipe.multi()
        pipe.set("n", value * 2 + 1)

    for _ in range(5):
        r.transaction(double, "n")
    assert r.get("n") == "31"


def test_concurrent_watch_multi_incr_counts_are_exact(ferrite):
    """Many clients increment shared counters with WATCH/GET/MULTI/SET/EXEC (a read-modify-write
    that is only correct if EXEC is atomic and WATCH catches every conflict)."""
    clients, rounds, keys = 8, 40, ["c0", "c1", "c2"]
    setup = ferrite.client(decode_responses=True)
    setup.mset({k: 0 for k in keys})
    errors = []

    def worker(index):
        client = ferrite.client(decode_responses=True)
        try:
            for i in range(rounds):
                key = keys[(index + i) % len(keys)]
                with client.pipeline() as pipe:
                    while True:
                        try:
                            pipe.watch(key)
                            value = int(pipe.get(key))
                            pipe.multi()
                            pipe.set(key, value + 1)
                            pipe.execute()
                            break
                        except redis.WatchError:
                            continue
        except Exception as error:  # surfaced below with the thread's index
            errors.append((index, error))
        finally:
            client.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "workers did not finish"
    assert errors == []
    assert sum(int(setup.get(k)) for k in keys) == clients * rounds
