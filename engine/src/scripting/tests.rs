//! Scripting tests: commands in, exact reply bytes out (expected strings from Redis 7.0.15).

use crate::testing::client;

fn eval(t: &mut crate::testing::TestClient, script: &str, rest: &[&str]) -> String {
    let mut args = vec!["eval", script];
    args.extend_from_slice(rest);
    t.run(&args)
}

fn raw(t: &mut crate::testing::TestClient, args: &[&[u8]]) -> Vec<u8> {
    let args: Vec<bytes::Bytes> = args
        .iter()
        .map(|a| bytes::Bytes::copy_from_slice(a))
        .collect();
    t.session.execute(t.engine, &args, t.now);
    t.session.out.buf.split().to_vec()
}

#[test]
fn conversions_lua_to_resp() {
    let mut t = client();
    assert_eq!(eval(&mut t, "return 1", &["0"]), ":1\r\n");
    assert_eq!(
        eval(&mut t, "return {1,2,3.7,'x',nil,4}", &["0"]),
        "*4\r\n:1\r\n:2\r\n:3\r\n$1\r\nx\r\n"
    );
    assert_eq!(
        eval(&mut t, "return {true, false, 1.9, -1.9, 'a'}", &["0"]),
        "*5\r\n:1\r\n$-1\r\n:1\r\n:-1\r\n$1\r\na\r\n"
    );
    assert_eq!(eval(&mut t, "return {err='boom'}", &["0"]), "-boom\r\n");
    assert_eq!(eval(&mut t, "return {ok='fine'}", &["0"]), "+fine\r\n");
    assert_eq!(
        eval(&mut t, "return redis.error_reply('x')", &["0"]),
        "-ERR x\r\n"
    );
    assert_eq!(
        eval(&mut t, "return redis.error_reply('MY x')", &["0"]),
        "-MY x\r\n"
    );
    assert_eq!(
        eval(&mut t, "return redis.status_reply('y')", &["0"]),
        "+y\r\n"
    );
    assert_eq!(
        eval(&mut t, "return 3.99e20", &["0"]),
        ":-9223372036854775808\r\n"
    );
    assert_eq!(
        eval(&mut t, "return {double=0.1}", &["0"]),
        "$19\r\n0.10000000000000001\r\n"
    );
    assert_eq!(
        eval(
            &mut t,
            "return {KEYS[1], ARGV[1], #KEYS, #ARGV}",
            &["1", "k", "a"]
        ),
        "*4\r\n$1\r\nk\r\n$1\r\na\r\n:1\r\n:1\r\n"
    );
}

#[test]
fn errors_match_redis() {
    let mut t = client();
    assert_eq!(
        eval(&mut t, "return x", &["0"]),
        "-ERR user_script:1: Script attempted to access nonexistent global variable 'x' script: 03c387736bb5cc009ff35151572cee04677aa374, on @user_script:1.\r\n"
    );
    assert_eq!(
        eval(&mut t, "x=1", &["0"]),
        "-ERR user_script:1: Attempt to modify a readonly table script: 7caf6056913504f0508c65faf2dc3f94ff65bcfd, on @user_script:1.\r\n"
    );
    assert_eq!(
        eval(&mut t, "return redis.call('nosuch')", &["0"]),
        "-ERR Unknown Redis command called from script script: 206396248e12c6e742fd7296250433c8d7343b74, on @user_script:1.\r\n"
    );
    assert_eq!(
        eval(&mut t, "return redis.pcall('get','a','b')", &["0"]),
        "-ERR Wrong number of args calling Redis command from script\r\n"
    );
    t.run(&["set", "a", "b"]);
    assert_eq!(
        eval(&mut t, "return redis.call('lpush','a','b')", &["0"]),
        "-WRONGTYPE Operation against a key holding the wrong kind of value script: 8cd48b23dfd62dba7eb07b919780a110bb9c5d46, on @user_script:1.\r\n"
    );
    assert_eq!(
        t.run(&["eval_ro", "return redis.call('set','a','b')", "0"]),
        "-ERR Write commands are not allowed from read-only scripts. script: ff967d0ae0e68b4f9e360fa91c54598bc25ad9b6, on @user_script:1.\r\n"
    );
    assert_eq!(
        eval(&mut t, "error('oops')", &["0"]),
        "-ERR user_script:1: oops script: ecbfd853fb31b2d3e1c05e7dc59c79ae5f9ae363, on @user_script:1.\r\n"
    );
    assert_eq!(
        eval(&mut t, "error({err='E1 hi'})", &["0"]),
        "-E1 hi script: 2618f94ce2c275fd10a35470773fc9b9c63db238, on @user_script:1.\r\n"
    );
    assert_eq!(
        eval(&mut t, "return redis.call('eval','return 1',0)", &["0"]),
        "-ERR This Redis command is not allowed from script script: 595931feb16e9cba240a2e4c6a852627761118e3, on @user_script:1.\r\n"
    );
    assert_eq!(
        eval(&mut t, "retur 1", &["0"]),
        "-ERR Error compiling script (new function): user_script:1: '=' expected near '1'\r\n"
    );
    assert_eq!(
        eval(&mut t, "return 1", &["-1"]),
        "-ERR Number of keys can't be negative\r\n"
    );
    assert_eq!(
        t.run(&["evalsha", "ffffffffffffffffffffffffffffffffffffffff", "0"]),
        "-NOSCRIPT No matching script. Please use EVAL.\r\n"
    );
    assert_eq!(
        eval(&mut t, "return redis.call()", &["0"]),
        "-ERR Please specify at least one argument for this redis lib call script: 0a907e1429221a4d85516cab7fd219a82a9439d8, on @user_script:1.\r\n"
    );
    assert_eq!(
        eval(&mut t, "return math.random(0)", &["0"]),
        "-ERR user_script:1: bad argument #1 to 'random' (interval is empty) script: 008bcb60f86ee36d26c67b641b46674578d9cba0, on @user_script:1.\r\n"
    );
    assert_eq!(
        eval(&mut t, "return redis.log(1)", &["0"]),
        "-ERR redis.log() requires two arguments or more. script: f5438245431406aa19fc387d93c6d03a0d5bcb0f, on @user_script:1.\r\n"
    );
    assert_eq!(
        eval(&mut t, "return rawset(_G, 'zz', 1)", &["0"]),
        "-ERR Attempt to modify a readonly table script: 4ac486d43ab354f24b38fb638a899db7598bf8a1, on @user_script:1.\r\n"
    );
}

#[test]
fn calls_and_cache() {
    let mut t = client();
    assert_eq!(
        eval(
            &mut t,
            "return redis.call('set', KEYS[1], ARGV[1])",
            &["1", "k", "v"]
        ),
        "+OK\r\n"
    );
    assert_eq!(
        eval(&mut t, "return redis.call('get', 'k')", &["0"]),
        "$1\r\nv\r\n"
    );
    assert_eq!(
        eval(&mut t, "return redis.call('get', 'nokey')", &["0"]),
        "$-1\r\n"
    );
    let sha = "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"; // return 1
    assert_eq!(
        t.run(&["script", "load", "return 1"]),
        format!("$40\r\n{sha}\r\n")
    );
    assert_eq!(t.run(&["evalsha", sha, "0"]), ":1\r\n");
    assert_eq!(
        t.run(&["script", "exists", sha, "nope"]),
        "*2\r\n:1\r\n:0\r\n"
    );
    assert_eq!(t.run(&["script", "flush"]), "+OK\r\n");
    assert_eq!(t.run(&["script", "exists", sha]), "*1\r\n:0\r\n");
    assert_eq!(
        t.run(&["script", "kill"]),
        "-NOTBUSY No scripts in execution right now.\r\n"
    );
    // SELECT inside a script does not change the caller's database.
    eval(
        &mut t,
        "redis.call('select', 3); redis.call('set', 'in3', 'x')",
        &["0"],
    );
    assert_eq!(t.run(&["get", "in3"]), "$-1\r\n");
    t.run(&["select", "3"]);
    assert_eq!(t.run(&["get", "in3"]), "$1\r\nx\r\n");
    // RESP3 from inside the script.
    assert_eq!(
        eval(
            &mut t,
            "redis.setresp(3); return redis.call('hgetall', 'nokey')",
            &["0"]
        ),
        "*0\r\n"
    );
}

#[test]
fn a_long_script_times_out_and_can_be_killed() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    let mut t = client();
    let engine = t.engine;
    let ticks = Arc::new(AtomicU64::new(0));
    let start = t.now;
    let clock_ticks = ticks.clone();
    // Every read of the clock is 1 s later; at 5 s (the default threshold) the clock plays
    // the part of another client's SCRIPT KILL.
    engine.scripting.set_clock(Arc::new(move || {
        let n = clock_ticks.fetch_add(1, Ordering::SeqCst);
        if n == 5 {
            assert!(engine.scripting.gate().held());
            assert_eq!(engine.scripting.kill(true), Some(super::BUSY_SCRIPT));
            assert_eq!(engine.scripting.kill(false), None);
        }
        crate::Now {
            unix_us: start.unix_us + n * 1_000_000,
            mono_us: start.mono_us + n * 1_000_000,
        }
    }));
    assert_eq!(
        eval(&mut t, "local i = 0 while true do i = i + 1 end", &["0"]),
        "-ERR Script killed by user with SCRIPT KILL... script: 3fcf51a9b854b8f66cb8685600b0d7df968f4398, on @user_script:1.\r\n"
    );
    assert!(!engine.scripting.gate().held());
    // A script that wrote cannot be killed.
    ticks.store(0, Ordering::SeqCst);
    let engine2 = t.engine;
    engine.scripting.set_clock(Arc::new(move || {
        let n = ticks.fetch_add(1, Ordering::SeqCst);
        if n == 5 {
            assert_eq!(engine2.scripting.kill(false), Some(super::UNKILLABLE));
            engine2.scripting.shared.kill.store(true, Ordering::SeqCst);
        }
        crate::Now {
            unix_us: start.unix_us + n * 1_000_000,
            mono_us: start.mono_us + n * 1_000_000,
        }
    }));
    let reply = eval(
        &mut t,
        "redis.call('set','w','1') local i = 0 while true do i = i + 1 end",
        &["0"],
    );
    assert!(reply.starts_with("-ERR Script killed"), "{reply}");
    assert_eq!(t.run(&["get", "w"]), "$1\r\n1\r\n");
}

#[test]
fn functions_load_call_list_dump_restore() {
    let mut t = client();
    let lib = "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return args[1] end)";
    assert_eq!(t.run(&["function", "load", lib]), "$5\r\nmylib\r\n");
    assert_eq!(
        t.run(&["function", "load", lib]),
        "-ERR Library 'mylib' already exists\r\n"
    );
    assert_eq!(t.run(&["fcall", "myfunc", "0", "hello"]), "$5\r\nhello\r\n");
    assert_eq!(
        t.run(&["fcall", "nofunc", "0"]),
        "-ERR Function not found\r\n"
    );
    assert_eq!(
        t.run(&["fcall_ro", "myfunc", "0", "hello"]),
        "-ERR Can not execute a script with write flag using *_ro command.\r\n"
    );
    assert_eq!(
        t.run(&["fcall", "myfunc", "x"]),
        "-ERR Bad number of keys provided\r\n"
    );
    let ro = "#!lua name=lib2\nredis.register_function{function_name='ro', callback=function(keys, args) return redis.call('set','x','1') end, flags={'no-writes'}, description='d'}";
    assert_eq!(t.run(&["function", "load", ro]), "$4\r\nlib2\r\n");
    assert_eq!(
        t.run(&["fcall", "ro", "0"]),
        "-ERR Write commands are not allowed from read-only scripts. script: ro, on @user_function:2.\r\n"
    );
    assert_eq!(
        t.run(&["function", "list", "libraryname", "lib2"]),
        "*1\r\n*6\r\n$12\r\nlibrary_name\r\n$4\r\nlib2\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*1\r\n*6\r\n$4\r\nname\r\n$2\r\nro\r\n$11\r\ndescription\r\n$1\r\nd\r\n$5\r\nflags\r\n*1\r\n+no-writes\r\n"
    );
    assert_eq!(
        t.run(&["function", "load", "#!lua name=x\nredis.call('ping')"]),
        "-ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'call'\r\n"
    );
    assert_eq!(
        t.run(&[
            "function",
            "load",
            "#!lua name=x\nredis.register_function('a', 5)"
        ]),
        "-ERR Error registering functions: ERR second argument to redis.register_function must be a function\r\n"
    );
    assert_eq!(
        t.run(&["function", "load", "#!lua name=x\nreturn 1"]),
        "-ERR No functions registered\r\n"
    );
    assert_eq!(
        t.run(&[
            "function",
            "load",
            "#!lua name=x\nredis.register_function('myfunc', function() end)"
        ]),
        "-ERR Function myfunc already exists\r\n"
    );
    // DUMP, FLUSH, RESTORE round trip.
    let dump = raw(&mut t, &[b"function", b"dump"]);
    let start = dump.iter().position(|&b| b == b'\n').unwrap() + 1;
    let payload = &dump[start..dump.len() - 2];
    assert_eq!(t.run(&["function", "flush"]), "+OK\r\n");
    assert_eq!(
        t.run(&["fcall", "myfunc", "0", "a"]),
        "-ERR Function not found\r\n"
    );
    assert_eq!(raw(&mut t, &[b"function", b"restore", payload]), b"+OK\r\n");
    assert_eq!(t.run(&["fcall", "myfunc", "0", "a"]), "$1\r\na\r\n");
    assert_eq!(
        raw(&mut t, &[b"function", b"restore", payload]),
        b"-ERR Library lib2 already exists\r\n"
    );
    assert_eq!(
        raw(&mut t, &[b"function", b"restore", payload, b"replace"]),
        b"+OK\r\n"
    );
    assert_eq!(
        t.run(&["function", "restore", "junk"]),
        "-ERR DUMP payload version or checksum are wrong\r\n"
    );
    assert_eq!(
        t.run(&["function", "delete", "nolib"]),
        "-ERR Library not found\r\n"
    );
    assert_eq!(t.run(&["function", "delete", "lib2"]), "+OK\r\n");
    assert_eq!(t.run(&["fcall", "ro", "0"]), "-ERR Function not found\r\n");
}

#[test]
fn script_effects_are_logged_as_one_record_and_replay() {
    use crate::aof::record;
    let config = crate::config::Config {
        appendonly: true,
        ..crate::config::Config::default()
    };
    let mut t = crate::testing::client_with(config);
    t.run(&["function", "load", "#!lua name=l\nredis.register_function('incr2', function(keys) redis.call('incr', keys[1]) return redis.call('incr', keys[1]) end)"]);
    // The script's writes, not the script: a random choice replays as what it chose.
    eval(
        &mut t,
        "redis.call('sadd', 's', 'a', 'b', 'c') redis.call('spop', 's') redis.call('get', 'nothing') return redis.call('set', KEYS[1], ARGV[1])",
        &["1", "k", "v"],
    );
    t.run(&["fcall", "incr2", "1", "n"]);
    eval(
        &mut t,
        "redis.set_repl(redis.REPL_NONE) redis.call('set', 'unlogged', '1')",
        &["0"],
    );
    let (tail, _) = t.engine.aof.take_tail();
    let mut records = Vec::new();
    record::read_all(&tail, 0, |r| records.push(r)).expect("well-formed records");
    let names: Vec<Vec<String>> = records
        .iter()
        .map(|r| {
            r.commands
                .iter()
                .map(|(_, args)| String::from_utf8_lossy(&args[0]).to_ascii_lowercase())
                .collect()
        })
        .collect();
    assert_eq!(
        names,
        vec![
            vec!["function".to_string()],
            vec!["sadd".into(), "srem".into(), "set".into()],
            vec!["incr".into(), "incr".into()],
        ]
    );
    let mut fresh = client();
    for r in &records {
        crate::aof::replay(fresh.engine, r).expect("replays");
    }
    for query in [
        &["smembers", "s"][..],
        &["get", "k"],
        &["get", "n"],
        &["fcall", "incr2", "1", "n"],
    ] {
        assert_eq!(fresh.run(query), t.run(query), "{query:?}");
    }
}

#[test]
fn scripts_inside_multi_and_sandbox() {
    let mut t = client();
    t.run(&["multi"]);
    assert_eq!(
        eval(&mut t, "return redis.call('incr', 'c')", &["0"]),
        "+QUEUED\r\n"
    );
    t.run(&["incr", "c"]);
    assert_eq!(t.run(&["exec"]), "*2\r\n:1\r\n:2\r\n");
    for global in [
        "os", "io", "print", "debug", "loadfile", "dofile", "require", "setfenv",
    ] {
        let reply = eval(&mut t, &format!("return {global}"), &["0"]);
        assert!(
            reply.contains(&format!("nonexistent global variable '{global}'")),
            "{global}: {reply}"
        );
    }
    // loadstring'd code runs in the same read-only sandbox.
    let reply = eval(&mut t, "return loadstring('x = 1')()", &["0"]);
    assert!(
        reply.contains("Attempt to modify a readonly table"),
        "{reply}"
    );
    assert_eq!(eval(&mut t, "return string.nope == nil", &["0"]), ":1\r\n");
    // Blocking commands are `noscript` in Redis 7.0.
    assert!(
        eval(&mut t, "return redis.call('blpop', 'nolist', 0)", &["0"])
            .starts_with("-ERR This Redis command is not allowed from script")
    );
}

#[test]
fn function_load_stops_library_code_after_500_ms() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    let mut t = client();
    let start = t.now;
    let ticks = Arc::new(AtomicU64::new(0));
    let clock_ticks = ticks.clone();
    // Every read of the clock is 100 ms later.
    t.engine.scripting.set_clock(Arc::new(move || {
        let n = clock_ticks.fetch_add(1, Ordering::SeqCst);
        crate::Now {
            unix_us: start.unix_us + n * 100_000,
            mono_us: start.mono_us + n * 100_000,
        }
    }));
    assert_eq!(
        t.run(&[
            "function",
            "load",
            "#!lua name=slow\nlocal i = 0 while true do i = i + 1 end"
        ]),
        "-ERR Error registering functions: ERR FUNCTION LOAD timeout\r\n"
    );
    assert!(
        ticks.load(Ordering::SeqCst) >= 5,
        "the limit is read from the clock"
    );
    // Nothing was loaded, and a quick library still loads; a long *call* is not limited.
    assert_eq!(t.run(&["function", "list"]), "*0\r\n");
    let code = "#!lua name=quick\nredis.register_function('f', function() local i = 0 while i < 1000000 do i = i + 1 end return bit.band(i, 255) end)";
    assert_eq!(t.run(&["function", "load", code]), "$5\r\nquick\r\n");
    assert_eq!(t.run(&["fcall", "f", "0"]), ":64\r\n");
}

#[test]
fn bundled_libraries_in_scripts_and_functions() {
    let mut t = client();
    let script =
        "return cjson.encode({bit.tohex(255, 2), struct.pack('>H', 258), cmsgpack.pack(1, 'a')})";
    let expected: &[u8] = b"$32\r\n[\"ff\",\"\\u0001\\u0002\",\"\\u0001\xa1a\"]\r\n";
    assert_eq!(raw(&mut t, &[b"eval", script.as_bytes(), b"0"]), expected);
    // The library tables are read-only, like the rest of the sandbox.
    let script = "cjson.x = 1";
    assert_eq!(
        eval(&mut t, script, &["0"]),
        format!(
            "-ERR user_script:1: Attempt to modify a readonly table script: {}, on @user_script:1.\r\n",
            super::sha1_hex(script.as_bytes())
        )
    );
    let code = "#!lua name=libs\nredis.register_function('j', function() return cjson.decode('[7]')[1] + bit.lshift(1, 4) end)";
    assert_eq!(t.run(&["function", "load", code]), "$4\r\nlibs\r\n");
    assert_eq!(t.run(&["fcall", "j", "0"]), ":23\r\n");
}
