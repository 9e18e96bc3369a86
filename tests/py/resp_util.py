"""A tiny RESP2/RESP3 client used by the fixtures and the differential tests.

`RespConn.read_reply()` returns the raw bytes of exactly one complete reply (including any
nested aggregates and a leading RESP3 attribute), so the differential tests can compare what
two servers wrote byte for byte. `parse()` turns such raw bytes into Python values when a test
needs to normalise a reply (sorting KEYS, walking a SCAN).
"""

from __future__ import annotations

import socket
import time

CRLF = b"\r\n"

# Reply types whose payload is a single line.
LINE_TYPES = b"+-:_,#("
# Length-prefixed blob types: bulk string, verbatim string, blob error.
BLOB_TYPES = b"$=!"
# Aggregates of N elements: array, set, push.
ARRAY_TYPES = b"*~>"
# Aggregates of N key/value pairs: map, attribute.
MAP_TYPES = b"%|"


class ProtocolViolation(Exception):
    """The server wrote something that is not a well-formed RESP reply."""


class ConnectionClosed(Exception):
    """The server closed the connection before a complete reply arrived."""


def to_bytes(arg) -> bytes:
    if isinstance(arg, bytes):
        return arg
    if isinstance(arg, bytearray):
        return bytes(arg)
    if isinstance(arg, str):
        return arg.encode("utf-8")
    if isinstance(arg, (int, float)):
        return str(arg).encode("ascii")
    raise TypeError(f"cannot encode {arg!r}")


def encode(*args) -> bytes:
    """Encodes one command as a RESP array of bulk strings."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = to_bytes(arg)
        parts.append(b"$%d\r\n" % len(data))
        parts.append(data)
        parts.append(CRLF)
    return b"".join(parts)


class _Source:
    """Line/exact reads over some byte supply; subclasses implement _fill()."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.pos = 0

    def _fill(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def read_line(self) -> bytes:
        while True:
            idx = self.buf.find(CRLF, self.pos)
            if idx >= 0:
                line = bytes(self.buf[self.pos : idx + 2])
                self.pos = idx + 2
                return line
            self._fill()

    def read_exact(self, n: int) -> bytes:
        while len(self.buf) - self.pos < n:
            self._fill()
        data = bytes(self.buf[self.pos : self.pos + n])
        self.pos += n
        return data

    def compact(self) -> None:
        if self.pos:
            del self.buf[: self.pos]
            self.pos = 0

    def read_raw_reply(self) -> bytes:
        """Reads one complete reply and returns its raw bytes."""
        out = bytearray()
        self._read_one(out)
        self.compact()
        return bytes(out)

    def _read_one(self, out: bytearray) -> None:
        line = self.read_line()
        out += line
        kind = line[:1]
        body = line[1:-2]
        if not kind:
            raise ProtocolViolation(f"empty reply line {line!r}")
        if kind in (b"+", b"-", b":", b"_", b",", b"#", b"("):
            return
        try:
            n = int(body)
        except ValueError:
            raise ProtocolViolation(f"bad length in {line!r}") from None
        if kind in (b"$", b"=", b"!"):
            if n < 0:
                return  # RESP2 null bulk ($-1)
            out += self.read_exact(n + 2)
            if out[-2:] != CRLF:
                raise ProtocolViolation(f"blob not terminated by CRLF after {line!r}")
            return
        if kind in (b"*", b"~", b">"):
            for _ in range(max(n, 0)):  # *-1 is the RESP2 null array
                self._read_one(out)
            return
        if kind in (b"%", b"|"):
            for _ in range(2 * n):
                self._read_one(out)
            if kind == b"|":
                # An attribute is followed by the reply it decorates.
                self._read_one(out)
            return
        raise ProtocolViolation(f"unknown reply type in {line!r}")


class _BytesSource(_Source):
    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.buf = bytearray(data)

    def _fill(self) -> None:
        raise ProtocolViolation("truncated reply")


class _SocketSource(_Source):
    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self.sock = sock

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionClosed("connection closed by server")
        self.buf += chunk


class Error(str):
    """A parsed error reply (its text, without the leading '-' / blob header)."""

    def __repr__(self) -> str:
        return f"Error({str.__repr__(self)})"


class Null:
    def __repr__(self) -> str:
        return "Null"

    def __eq__(self, other) -> bool:
        return isinstance(other, Null)

    def __hash__(self) -> int:
        return 0


NULL = Null()


def _parse(src: _Source):
    line = src.read_line()
    kind, body = line[:1], line[1:-2]
    if kind == b"+":
        return body
    if kind == b"-":
        return Error(body.decode("utf-8", "replace"))
    if kind in (b":", b"("):
        return int(body)
    if kind == b"_":
        return NULL
    if kind == b",":
        return float(body)
    if kind == b"#":
        return body == b"t"
    n = int(body)
    if kind in (b"$", b"=", b"!"):
        if n < 0:
            return NULL
        data = src.read_exact(n + 2)[:-2]
        if kind == b"!":
            return Error(data.decode("utf-8", "replace"))
        if kind == b"=":
            return data[4:]  # strip the "txt:" format prefix
        return data
    if kind in (b"*", b"~", b">"):
        if n < 0:
            return NULL
        return [_parse(src) for _ in range(n)]
    if kind == b"%":
        return [(_parse(src), _parse(src)) for _ in range(n)]
    if kind == b"|":
        for _ in range(2 * n):
            _parse(src)
        return _parse(src)
    raise ProtocolViolation(f"unknown reply type in {line!r}")


def parse(raw: bytes):
    """Parses the raw bytes of one reply into Python values."""
    src = _BytesSource(raw)
    value = _parse(src)
    if src.pos != len(src.buf):
        raise ProtocolViolation(f"trailing bytes after reply: {raw!r}")
    return value


class RespConn:
    """A blocking loopback connection with bounded waits."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 5.0) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.settimeout(timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.src = _SocketSource(self.sock)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self) -> "RespConn":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def send(self, *args) -> None:
        self.sock.sendall(encode(*args))

    def read_reply(self) -> bytes:
        return self.src.read_raw_reply()

    def call_raw(self, *args) -> bytes:
        self.send(*args)
        return self.read_reply()

    def call(self, *args):
        return parse(self.call_raw(*args))

    def state_after(self, wait: float = 2.0) -> str:
        """Whether the server closed the connection: 'closed', 'open' or 'extra:<bytes>'.

        Waits at most `wait` seconds for the server to close; a connection that is still open
        then reports 'open'. Unread buffered bytes count as extra data.
        """
        if self.src.pos < len(self.src.buf):
            return f"extra:{bytes(self.src.buf[self.src.pos:])!r}"
        deadline = time.monotonic() + wait
        old = self.sock.gettimeout()
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return "open"
                self.sock.settimeout(left)
                try:
                    chunk = self.sock.recv(65536)
                except socket.timeout:
                    return "open"
                except (ConnectionResetError, BrokenPipeError):
                    return "closed"
                if not chunk:
                    return "closed"
                return f"extra:{chunk!r}"
        finally:
            try:
                self.sock.settimeout(old)
            except OSError:
                pass


def wait_for_ping(port: int, deadline: float, password: str | None = None) -> bool:
    """True once something on `port` answers PING with a RESP reply (PONG or NOAUTH)."""
    while time.monotonic() < deadline:
        try:
            with RespConn(port, timeout=1.0) as conn:
                reply = conn.call_raw("PING")
                if reply.startswith(b"+PONG") or reply.startswith(b"-NOAUTH"):
                    return True
        except (OSError, ConnectionClosed, ProtocolViolation):
            pass
        time.sleep(0.05)
    return False
