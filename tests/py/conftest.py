"""Fixtures for the Python-level tests of Ferrite.

* `ferrite_bin`: the ferrite binary (env FERRITE_BIN, else the newer of target/release/ferrite
  and target/debug/ferrite; if neither exists, `cargo build -p ferrite-server` runs once).
* `ferrite`, `redis_server`: session-scoped servers on free loopback ports. `ferrite_auth`,
  `redis_auth`: the same with `--requirepass` (PASSWORD).
* Every test starts with all running servers flushed (FLUSHALL, autouse).
* `r` / `rb`: redis-py clients for `ferrite` (decoded strings / raw bytes).

Everything is bounded: server start (STARTUP_TIMEOUT), stop (SHUTDOWN NOSAVE, then SIGTERM,
then SIGKILL), socket reads (5 s), and each test (`--timeout`, default 60 s; implemented here
with SIGALRM unless pytest-timeout is installed, in which case its own option is used).

`--target=redis` runs the "ferrite" fixtures against redis-server instead: a self-check that
the suite encodes Redis's real behaviour (every test should pass in that mode).
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from resp_util import ConnectionClosed, ProtocolViolation, RespConn, wait_for_ping

REPO_ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "s3cret-pass"
STARTUP_TIMEOUT = 15.0
STOP_TIMEOUT = 5.0
BUILD_TIMEOUT = 900.0
DEFAULT_TEST_TIMEOUT = 60.0
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
REDIS_CLI = shutil.which("redis-cli") or "/usr/bin/redis-cli"


# --------------------------------------------------------------------------- options / timeout


def pytest_addoption(parser, pluginmanager):
    group = parser.getgroup("ferrite")
    group.addoption(
        "--target",
        choices=("ferrite", "redis"),
        default=os.environ.get("FERRITE_TEST_TARGET", "ferrite"),
        help="server behind the 'ferrite' fixtures (redis = self-check of the suite)",
    )
    if not pluginmanager.hasplugin("timeout"):
        group.addoption(
            "--timeout",
            type=float,
            default=DEFAULT_TEST_TIMEOUT,
            help="per-test time limit in seconds (SIGALRM based; 0 disables)",
        )


class TestTimeout(Exception):
    pass


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    config = item.config
    if config.pluginmanager.hasplugin("timeout") or not hasattr(signal, "setitimer"):
        return (yield)
    limit = config.getoption("--timeout") or 0
    if limit <= 0:
        return (yield)

    def on_alarm(signum, frame):
        raise TestTimeout(f"test exceeded {limit} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return (yield)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# --------------------------------------------------------------------------- binary


_build_failure: str | None = None


def _newest(paths):
    existing = [p for p in paths if p.is_file()]
    if not existing:
        return None
    return max(existing, key=lambda p: p.stat().st_mtime)


def find_ferrite_bin() -> Path:
    global _build_failure
    env = os.environ.get("FERRITE_BIN")
    if env:
        path = Path(env)
        if not path.is_file():
            raise RuntimeError(f"FERRITE_BIN={env} does not exist")
        return path
    release = REPO_ROOT / "target" / "release" / "ferrite"
    debug = REPO_ROOT / "target" / "debug" / "ferrite"
    found = _newest([release, debug])
    if found:
        return found
    if _build_failure is not None:
        raise RuntimeError(_build_failure)
    try:
        proc = subprocess.run(
            ["cargo", "build", "-p", "ferrite-server"],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=BUILD_TIMEOUT,
        )
        output = proc.stdout.decode("utf-8", "replace")
        ok = proc.returncode == 0 and debug.is_file()
    except (OSError, subprocess.TimeoutExpired) as exc:
        output, ok = str(exc), False
    if not ok:
        _build_failure = "cargo build -p ferrite-server failed:\n" + output[-4000:]
        raise RuntimeError(_build_failure)
    return debug


@pytest.fixture(scope="session")
def ferrite_bin() -> Path:
    return find_ferrite_bin()


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_running: list["Server"] = []


class Server:
    """One server process on a loopback port, with a bounded start and stop."""

    def __init__(self, name: str, kind: str, argv_for_port, password: str | None = None,
                 stop_timeout: float = STOP_TIMEOUT):
        self.name = name
        self.stop_timeout = stop_timeout
        self.kind = kind  # "ferrite" or "redis"
        self.argv_for_port = argv_for_port
        self.password = password
        self.port: int | None = None
        self.proc: subprocess.Popen | None = None
        self.workdir = Path(tempfile.mkdtemp(prefix=f"ferrite-pytest-{name}-"))
        self.log_path = self.workdir / "server.log"

    # -- lifecycle

    def start(self) -> "Server":
        last_log = ""
        for _attempt in range(3):
            self.port = free_port()
            argv = [str(a) for a in self.argv_for_port(self.port, self.workdir)]
            with open(self.log_path, "wb") as log:
                self.proc = subprocess.Popen(
                    argv,
                    cwd=self.workdir,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                if wait_for_ping(self.port, min(deadline, time.monotonic() + 0.5)):
                    _running.append(self)
                    return self
            last_log = self.log()
            exited = self.proc.poll() is not None
            self._kill()
            if exited and "in use" in last_log.lower():
                continue  # lost the race for the port: try another one
            why = (
                f"exited with code {self.proc.returncode} before answering PING"
                if exited
                else f"did not answer PING within {STARTUP_TIMEOUT} s (killed)"
            )
            raise RuntimeError(
                f"{self.name} on port {self.port} {why}.\n"
                f"argv: {' '.join(argv)}\n--- output (stdout+stderr) ---\n{last_log[-4000:]}"
            )
        raise RuntimeError(f"{self.name} could not bind a port:\n{last_log[-4000:]}")

    def log(self) -> str:
        try:
            return self.log_path.read_text("utf-8", "replace")
        except OSError:
            return ""

    def _kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass

    def stop(self) -> None:
        if self in _running:
            _running.remove(self)
        if not self.proc or self.proc.poll() is not None:
            return
        grace = self.stop_timeout
        try:
            with RespConn(self.port, timeout=min(2.0, grace)) as conn:
                if self.password:
                    conn.call_raw("AUTH", self.password)
                conn.send("SHUTDOWN", "NOSAVE")
                conn.state_after(min(2.0, grace))
        except (OSError, ConnectionClosed, ProtocolViolation):
            pass
        try:
            self.proc.wait(grace)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self._kill()
        shutil.rmtree(self.workdir, ignore_errors=True)

    # -- helpers

    def conn(self, timeout: float = 5.0, auth: bool = True) -> RespConn:
        conn = RespConn(self.port, timeout=timeout)
        if self.password and auth:
            reply = conn.call_raw("AUTH", self.password)
            assert reply == b"+OK\r\n", reply
        return conn

    def flush(self) -> None:
        with self.conn() as conn:
            reply = conn.call_raw("FLUSHALL")
        if reply != b"+OK\r\n":
            raise RuntimeError(f"FLUSHALL on {self.name} replied {reply!r}")

    def client(self, **kwargs):
        import redis

        kwargs.setdefault("socket_timeout", 10)
        kwargs.setdefault("socket_connect_timeout", 5)
        # redis-py 8 defaults to RESP3; the fixtures default to RESP2 and the RESP3 tests ask
        # for protocol=3 explicitly.
        kwargs.setdefault("protocol", 2)
        # No silent reconnect-and-retry: a failure should surface at once (and redis-py's
        # default backoff would make auth-failure tests slow).
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        kwargs.setdefault("retry", Retry(NoBackoff(), 0))
        if self.password:
            kwargs.setdefault("password", self.password)
        return redis.Redis(host="127.0.0.1", port=self.port, **kwargs)

    def __repr__(self) -> str:
        return f"<{self.name} port={self.port}>"


def _kill_leftovers() -> None:
    for server in list(_running):
        server._kill()


atexit.register(_kill_leftovers)


def redis_argv(password: str | None):
    def argv(port, workdir):
        args = [
            REDIS_SERVER,
            "--port", port,
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--dir", workdir,
            "--logfile", "",
            # DEBUG is off by default in Redis 7; Ferrite always answers it (as Redis's own
            # test suite configures it), so the reference must too.
            "--enable-debug-command", "yes",
        ]
        if password:
            args += ["--requirepass", password]
        return args

    return argv


def ferrite_argv(binary: Path, password: str | None):
    def argv(port, workdir):
        args = [binary, "--port", port, "--bind", "127.0.0.1"]
        if password:
            args += ["--requirepass", password]
        return args

    return argv


def _start(request, name, kind, argv, password=None, stop_timeout=STOP_TIMEOUT):
    server = Server(name, kind, argv, password, stop_timeout).start()
    request.addfinalizer(server.stop)
    return server


def _target(request) -> str:
    return request.config.getoption("--target")


@pytest.fixture(scope="session")
def ferrite(request) -> Server:
    if _target(request) == "redis":
        return _start(request, "ferrite(redis-server)", "redis", redis_argv(None))
    binary = find_ferrite_bin()
    return _start(request, "ferrite", "ferrite", ferrite_argv(binary, None))


@pytest.fixture(scope="session")
def ferrite_auth(request) -> Server:
    if _target(request) == "redis":
        return _start(request, "ferrite-auth(redis-server)", "redis", redis_argv(PASSWORD), PASSWORD)
    binary = find_ferrite_bin()
    return _start(request, "ferrite-auth", "ferrite", ferrite_argv(binary, PASSWORD), PASSWORD)


@pytest.fixture(scope="session")
def redis_server(request) -> Server:
    return _start(request, "redis-server", "redis", redis_argv(None))


@pytest.fixture(scope="session")
def redis_auth(request) -> Server:
    return _start(request, "redis-server-auth", "redis", redis_argv(PASSWORD), PASSWORD)


@pytest.fixture
def private_ferrite(request) -> Server:
    """A ferrite (or, with --target=redis, a redis-server) of the test's own, for sequences
    that may wedge or crash the server; stopped (killed if need be) after the test."""
    if _target(request) == "redis":
        return _start(request, "private-ferrite(redis-server)", "redis", redis_argv(None),
                      stop_timeout=1.0)
    binary = find_ferrite_bin()
    return _start(request, "private-ferrite", "ferrite", ferrite_argv(binary, None), stop_timeout=1.0)


@pytest.fixture(autouse=True)
def _flush_servers():
    """Every test starts from empty keyspaces on every running server."""
    for server in list(_running):
        server.flush()
    yield


@pytest.fixture
def r(ferrite):
    client = ferrite.client(decode_responses=True)
    yield client
    client.close()


@pytest.fixture
def rb(ferrite):
    client = ferrite.client()
    yield client
    client.close()


@pytest.fixture
def redis_cli() -> str:
    return REDIS_CLI
