"""Differential tests of Lua scripting: the same EVAL / FCALL / SCRIPT / FUNCTION commands go to
ferrite and to a real redis-server 7.0, and the replies must match byte for byte (see
test_differential.py for the step types). Each sequence runs over RESP2 and, after HELLO 3,
over RESP3.

What is not compared, and why:
* math.random without math.randomseed: Redis 7.0 no longer reseeds per run, so its numbers
  depend on every script run since start-up; ferrite reseeds every run (deterministic).
  Sequences call math.randomseed first, after which both draw the same rand48 numbers.
* FUNCTION DUMP payloads: ferrite's own format (docs/SCRIPTING.md); a DUMP is only checked to
  RESTORE in ferrite (engine unit tests).
* Tables with several hash keys ({map=...}, {set=...}, pairs()) iterate in Lua's internal
  order, which depends on the Lua build: sequences use one-entry maps and sets.
"""

from __future__ import annotations

import pytest

from test_differential import C, X, compare


def E(script, *rest):
    return C("EVAL", script, *rest)


SEQUENCES = {
    "conversions": [
        E("return 1", "0"), E("return 'x'", "0"), E("return {1,2,3.7,'x',nil,4}", "0"),
        E("return {true, false, 1.9, -1.9, 'a'}", "0"), E("return nil", "0"), E("return true", "0"),
        E("return false", "0"), E("return 3.99e20", "0"), E("return -0.5", "0"), E("return 0/0", "0"),
        E("return {err='boom'}", "0"), E("return {err='-boom'}", "0"), E("return {ok='fine'}", "0"),
        E("return {err='a\\r\\nb'}", "0"), E("return {double=3.5}", "0"), E("return {double=0.1}", "0"),
        E("return {map={a=1}}", "0"), E("return {set={a=true}}", "0"), E("return {big_number='123'}", "0"),
        E("return {{1,{2,{'deep'}}}}", "0"), E("return {1, {err='inner'}, {ok='s'}}", "0"),
        E("return redis.error_reply('x')", "0"), E("return redis.error_reply('MY x')", "0"),
        E("return redis.error_reply('-MY x')", "0"), E("return redis.error_reply('')", "0"),
        E("return redis.status_reply('y')", "0"), E("return redis.error_reply()", "0"),
        E("return redis.status_reply(1)", "0"),
        E("return {KEYS[1], ARGV[1], #KEYS, #ARGV}", "1", "k", "a"),
        E("return KEYS", "3", "a", "b", "c", "d"), E("return ARGV", "0", "x", "", "z"),
    ],
    "calls": [
        E("return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "v"),
        E("return redis.call('get', KEYS[1])", "1", "k"), E("return redis.call('get', 'nokey')", "0"),
        E("return redis.call('incr', 'n')", "0"), E("return redis.call('set', 'f', 0.1)", "0"),
        E("return redis.call('get', 'f')", "0"), E("return redis.call('set', 'f', 1e20)", "0"),
        E("return redis.call('get', 'f')", "0"), E("return redis.call('set', 'f', 7)", "0"),
        E("return redis.call('get', 'f')", "0"),
        E("redis.call('rpush', 'l', 'a', 'b', 'c') return redis.call('lrange', 'l', 0, -1)", "0"),
        E("return redis.call('hset', 'h', 'a', '1')", "0"), E("return redis.call('hgetall', 'h')", "0"),
        E("return redis.call('ping')", "0"), E("return redis.call('type', 'l')", "0"),
        E("return redis.pcall('lpush', 'k', 'x')", "0"), E("return redis.call('lpush', 'k', 'x')", "0"),
        E("local r = redis.pcall('incr', 'k') return r['err']", "0"),
        E("return redis.call('nosuch')", "0"), E("return redis.pcall('nosuch')", "0"),
        E("return redis.call('get')", "0"), E("return redis.call('get', 'a', 'b')", "0"),
        E("return redis.pcall('get', 'a', 'b')", "0"), E("return redis.call()", "0"),
        E("return redis.call({})", "0"), E("return redis.call('set', {}, 1)", "0"),
        E("return redis.call('eval', 'return 1', 0)", "0"), E("return redis.call('blpop', 'l', 0)", "0"),
        E("return redis.call('object', 'nosub')", "0"),
        C("EVAL_RO", "return redis.call('set', 'a', 'b')", "0"),
        C("EVAL_RO", "return redis.call('get', 'k')", "0"),
        E("redis.call('select', 3) redis.call('set', 'in3', 'x') return 1", "0"), C("GET", "in3"),
        C("SELECT", "3"), C("GET", "in3"), C("SELECT", "0"),
        E("redis.setresp(3) return redis.call('hgetall', 'h')", "0"),
        E("redis.setresp(3) return redis.call('hgetall', 'nokey')", "0"),
        E("redis.setresp(3) return redis.call('get', 'nokey') == nil", "0"),
        E("redis.setresp(3) local r = redis.call('hgetall', 'h') return r['map']['a']", "0"),
        E("redis.setresp(3) return redis.call('smembers', 'nokey')", "0"),
        E("return redis.setresp(4)", "0"),
    ],
    "errors-and-sandbox": [
        E("return x", "0"), E("x = 1", "0"), E("KEYS = {}", "0"), E("string.x = 1", "0"),
        E("return string.nope == nil", "0"), E("return rawset(_G, 'zz', 1)", "0"),
        E("error('oops')", "0"), E("error({err='E1 hi'})", "0"), E("error()", "0"),
        E("return print", "0"), E("return os", "0"), E("return io", "0"), E("return debug", "0"),
        E("return loadfile", "0"), E("return dofile", "0"), E("return require", "0"),
        E("return setfenv", "0"), E("return type(loadstring)", "0"), E("return loadstring('x=1')()", "0"),
        E("return type(coroutine)", "0"), E("retur 1", "0"), E("return 1", "-1"), E("return 1", "2", "a"),
        E("return 1", "x"), E("local t = nil return t.x", "0"), E("return 1 + {}", "0"),
        E("\nreturn x", "0"), E("local function f() return y end\nreturn f()", "0"),
        E("return pcall(function() error({err='caught'}) end)", "0"),
        E("local ok, e = pcall(redis.call, 'nosuch') return e['err']", "0"),
        E("return redis.log(redis.LOG_WARNING, 'hi')", "0"), E("return redis.log(99, 'x')", "0"),
        E("return redis.log(1)", "0"), E("return redis.sha1hex('')", "0"), E("return redis.sha1hex()", "0"),
        E("return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM}", "0"),
        E("return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING, redis.REPL_ALL, redis.REPL_AOF, redis.REPL_NONE, redis.REPL_REPLICA, redis.REPL_SLAVE}", "0"),
        E("return redis.set_repl(redis.REPL_ALL)", "0"), E("return redis.set_repl(99)", "0"),
        E("return redis.replicate_commands()", "0"), E("return redis.breakpoint()", "0"),
        E("return redis.debug('x')", "0"), E("return redis.acl_check_cmd('get', 'x')", "0"),
        E("return redis.acl_check_cmd('nope')", "0"),
        E("math.randomseed(42) return {tostring(math.random()), math.random(10), math.random(5, 10)}", "0"),
        E("return math.random(0)", "0"), E("return math.random(1, 2, 3)", "0"),
        E("return tostring(1/3)", "0"), E("return string.format('%5.2f', 3.14159)", "0"),
        E("return table.concat({'a', 'b'}, '-')", "0"), E("return #'abc'", "0"),
    ],
    "shebang-and-cache": [
        E("#!lua\nreturn x", "0"), E("#!lua flags=no-writes\nreturn redis.call('set','a','b')", "0"),
        E("#!lua flags=no-writes,allow-oom\nreturn 1", "0"), E("#!lua flags=bogus\nreturn 1", "0"),
        E("#!lua name=x\nreturn 1", "0"), E("#!py\nreturn 1", "0"), E("#!lua flags=\nreturn 1", "0"),
        C("EVAL_RO", "#!lua\nreturn redis.call('set','a','b')", "0"), E("#!lua", "0"),
        E("#!luax\nreturn 1", "0"),
        C("SCRIPT", "LOAD", "return 'cached'"), C("EVALSHA", "ad52ca41f4dd1b2b6ffee2df8d4a1ad7b5c7bd39", "0"),
        C("EVALSHA", "AD52CA41F4DD1B2B6FFEE2DF8D4A1AD7B5C7BD39", "0"),
        C("SCRIPT", "EXISTS", "ad52ca41f4dd1b2b6ffee2df8d4a1ad7b5c7bd39", "nope"),
        C("EVALSHA_RO", "ad52ca41f4dd1b2b6ffee2df8d4a1ad7b5c7bd39", "0"),
        C("SCRIPT", "LOAD", "retur"), C("SCRIPT", "FLUSH"), C("SCRIPT", "FLUSH", "ASYNC"),
        C("SCRIPT", "FLUSH", "bogus"), C("SCRIPT", "EXISTS", "ad52ca41f4dd1b2b6ffee2df8d4a1ad7b5c7bd39"),
        C("EVALSHA", "ad52ca41f4dd1b2b6ffee2df8d4a1ad7b5c7bd39", "0"), C("EVALSHA", "abc", "0"),
        C("SCRIPT", "KILL"), C("FUNCTION", "KILL"), C("SCRIPT", "HELP"), C("SCRIPT", "NOSUB"),
        C("EVAL"), C("EVALSHA", "x"),
    ],
    "functions": [
        C("FUNCTION", "FLUSH"),
        C("FUNCTION", "LOAD", "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return args[1] end)"),
        C("FUNCTION", "LOAD", "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return args[1] end)"),
        C("FCALL", "myfunc", "0", "hello"), C("FCALL", "nofunc", "0"), C("FCALL_RO", "myfunc", "0", "hello"),
        C("FUNCTION", "LOAD", "#!lua name=lib2\nredis.register_function{function_name='ro', callback=function(keys, args) return redis.call('set','x','1') end, flags={'no-writes'}, description='d'}"),
        C("FCALL", "ro", "0"), C("FCALL_RO", "ro", "0"),
        C("FUNCTION", "LIST", "LIBRARYNAME", "lib2"), C("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "my*"),
        C("FUNCTION", "LIST", "bogus"), C("FUNCTION", "LIST", "LIBRARYNAME"),
        C("FUNCTION", "STATS"),
        C("FUNCTION", "LOAD", "return 1"), C("FUNCTION", "LOAD", "#!lua\nreturn 1"),
        C("FUNCTION", "LOAD", "#!lua name=x\nreturn 1"), C("FUNCTION", "LOAD", "#!lua name=x\nredis.call('ping')"),
        C("FUNCTION", "LOAD", "#!lua name=x\nredis.register_function('a', 5)"),
        C("FUNCTION", "LOAD", "#!lua name=x foo=bar\nredis.register_function('a', function() end)"),
        C("FUNCTION", "LOAD", "#!lua name=x\nredis.register_function('a b', function() end)"),
        C("FUNCTION", "LOAD", "#!lua name=x\nredis.register_function('myfunc', function() end)"),
        C("FUNCTION", "LOAD", "#!py name=x\n"), C("FUNCTION", "LOAD", "#!lua name=x\nretur"),
        C("FUNCTION", "LOAD", "REPLACE", "#!lua name=mylib\nredis.register_function('myfunc2', function(keys, args) return #keys + #args end)"),
        C("FCALL", "myfunc2", "2", "a", "b", "c"), C("FCALL", "myfunc", "0"), C("FCALL", "myfunc2", "x"),
        C("FCALL", "myfunc2", "-1"), C("FCALL", "myfunc2", "5", "a"),
        C("FUNCTION", "LOAD", "#!lua name=errs\nredis.register_function('e', function(keys, args) return x end)"),
        C("FCALL", "e", "0"),
        C("FUNCTION", "DELETE", "nolib"), C("FUNCTION", "DELETE", "errs"), C("FCALL", "e", "0"),
        C("FUNCTION", "RESTORE", "junk"), C("FUNCTION", "RESTORE", "junk", "bogus"),
        C("FUNCTION", "FLUSH", "bogus"), C("FUNCTION", "HELP"), C("FUNCTION", "FLUSH", "SYNC"),
        C("FUNCTION", "LIST"),
    ],
    "multi": [
        C("MULTI"), E("return redis.call('incr', 'c')", "0"), C("INCR", "c"), C("EXEC"),
        C("MULTI"), E("return redis.call('lpush', 'c', 'x')", "0"), C("GET", "c"), C("EXEC"),
    ],
}


@pytest.mark.parametrize("resp3", [False, True], ids=["resp2", "resp3"])
@pytest.mark.parametrize("name", sorted(SEQUENCES))
def test_scripting_same_replies(name, resp3, ferrite, redis_server):
    steps = list(SEQUENCES[name])
    if resp3:
        steps = [X("HELLO", "3")] + steps
    compare(f"{name}-{'resp3' if resp3 else 'resp2'}", steps, ferrite.port, redis_server.port)


# --------------------------------------------------------------------------- real clients

RATE_LIMITER = """
local key, limit, window = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])
local current = redis.call('INCR', key)
if current == 1 then redis.call('PEXPIRE', key, window) end
if current > limit then return {0, redis.call('PTTL', key)} end
return {1, limit - current}
"""


def test_redis_py_lock_unmodified(r):
    """redis-py's Lock is Lua (acquire with SET NX PX, release/extend/reacquire as scripts
    checking the token), run through register_script (EVALSHA, falling back to EVAL)."""
    lock = r.lock("resource", timeout=10)
    assert lock.acquire(blocking=False)
    other = r.lock("resource", timeout=10)
    assert not other.acquire(blocking=False)
    assert lock.extend(5)
    assert lock.reacquire()
    lock.release()
    assert other.acquire(blocking=False)
    # Releasing a lock whose token is gone raises, as against Redis.
    r.delete("resource")
    import redis as redis_module

    with pytest.raises(redis_module.exceptions.LockNotOwnedError):
        other.release()


def test_rate_limiter_script(r):
    limiter = r.register_script(RATE_LIMITER)
    results = [limiter(keys=["rl:user"], args=[3, 60000]) for _ in range(5)]
    assert [x[0] for x in results] == [1, 1, 1, 0, 0]
    assert results[0][1] == 2 and results[2][1] == 0
    assert 0 < results[3][1] <= 60000
    # The script cache survives; SCRIPT FLUSH makes redis-py fall back to EVAL transparently.
    r.script_flush()
    assert limiter(keys=["rl:other"], args=[1, 1000]) == [1, 0]


def test_function_library_from_redis_py(r):
    code = "#!lua name=queue\n" + """
redis.register_function('enqueue', function(keys, args)
  redis.call('LPUSH', keys[1], args[1])
  return redis.call('LLEN', keys[1])
end)
redis.register_function{function_name='peek', callback=function(keys) return redis.call('LINDEX', keys[1], -1) end, flags={'no-writes'}}
"""
    assert r.function_load(code, replace=True) == "queue"
    assert r.fcall("enqueue", 1, "jobs", "a") == 1
    assert r.fcall("enqueue", 1, "jobs", "b") == 2
    assert r.fcall_ro("peek", 1, "jobs") == "a"
    dump = r.function_dump()
    r.function_flush()
    r.function_restore(dump)
    assert r.fcall_ro("peek", 1, "jobs") == "a"
