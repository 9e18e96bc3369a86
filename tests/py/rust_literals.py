"""Rust string literals as the recorded-vector files (`engine/src/cmd/*/vectors.rs`) write
them: the differential suites read those vectors back and re-record them."""

from __future__ import annotations

_ESCAPES = {"r": b"\r", "n": b"\n", "t": b"\t", "0": b"\0", '"': b'"', "\\": b"\\"}


def rust_unescape(body: str) -> bytes:
    """The bytes of a Rust string literal's body (without the quotes)."""
    out, i = bytearray(), 0
    while i < len(body):
        if body[i] == "\\":
            if body[i + 1] == "x":
                out.append(int(body[i + 2 : i + 4], 16))
                i += 4
            else:
                out += _ESCAPES[body[i + 1]]
                i += 2
        else:
            out += body[i].encode()
            i += 1
    return bytes(out)


def rust_escape(data: bytes) -> str:
    """A Rust string literal (with quotes) holding `data`."""
    out = []
    for c in data:
        ch = chr(c)
        if ch in "\"\\":
            out.append("\\" + ch)
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\n":
            out.append("\\n")
        elif c == 0:
            out.append("\\0")
        elif 32 <= c < 127:
            out.append(ch)
        else:
            out.append("\\x%02x" % c)
    return '"' + "".join(out) + '"'
