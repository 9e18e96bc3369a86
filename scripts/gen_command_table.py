#!/usr/bin/env python3
"""Bootstrap rows of engine/src/command/table.rs from a live redis-server.

Arity, flags, ACL categories, key positions and key-spec flags are facts of the protocol;
this script reads them off `COMMAND INFO` / `COMMAND DOCS` of a running redis-server so the
table starts out right. The table is then maintained by hand (handlers, new commands), and
tests/tests/command_table.rs checks it against a live server on every run.

usage: scripts/gen_command_table.py PORT cmd [cmd ...]  > rows.rs
"""
import sys
import redis

MODULES = {
    "string": "t_string", "generic": "keys", "connection": "conn", "server": "server",
    "list": "t_list", "hash": "t_hash", "set": "t_set", "sorted-set": "t_zset",
    "bitmap": "t_bitmap", "hyperloglog": "t_hll",
}

def rust_str_list(items):
    return "&[" + ", ".join(f'"{i}"' for i in items) + "]"

def row(name, info, docs, module, indent):
    arity, flags, first, last, step, acl, tips, key_specs, subs = info[1:10]
    flags = [f.decode() for f in flags]
    acl = [c.decode().lstrip("@") for c in acl]
    ks_flags = []
    ks_notes = []
    for spec in key_specs:
        if isinstance(spec, list):
            spec = {spec[i]: spec[i + 1] for i in range(0, len(spec), 2)}
        ks_flags.append(" ".join(f.decode() for f in spec[b"flags"]))
        ks_notes.append(spec.get(b"notes", b"").decode())
    group = docs.get(b"group", b"").decode() if docs else ""
    since = docs.get(b"since", b"").decode() if docs else ""
    handler = f"{module}::" + name.replace("|", "_").replace("-", "_")
    sub_rows = ""
    if subs:
        handler = "container"
        parts = []
        for sub in sorted(subs, key=lambda s: s[0]):
            sub_name = sub[0].decode()
            if SUBCOMMANDS is not None and sub_name not in SUBCOMMANDS:
                continue
            sub_docs = docs.get(b"subcommands", {}).get(sub[0], {}) if docs else {}
            parts.append(row(sub_name, sub, sub_docs, module, indent + 4))
        sub_rows = "\n".join(parts)
    pad = " " * indent
    out = (f'{pad}Spec {{ name: "{name}", arity: {arity}, flags: {rust_str_list(flags)}, '
           f'acl: {rust_str_list(acl)}, keys: ({first}, {last}, {step}), key_flags: {rust_str_list(ks_flags)}, '
           f'key_notes: {rust_str_list(ks_notes) if any(ks_notes) else "&[]"}, '
           f'tips: {rust_str_list([t.decode() for t in tips])}, group: "{group}", since: "{since}", ')
    if subs:
        out += f"handler: None, subcommands: &[\n{sub_rows}\n{pad}] }},"
    else:
        out += f"handler: Some({handler}), subcommands: &[] }},"
    return out

# Only these subcommands are emitted (None: all). Set from --subs a|b,c|d.
SUBCOMMANDS = None

def main():
    global SUBCOMMANDS
    if sys.argv[1] == "--subs":
        SUBCOMMANDS = set(sys.argv[2].split(","))
        del sys.argv[1:3]
    port = int(sys.argv[1])
    conn = redis.Connection(port=port, protocol=2)

    def raw(*args):
        # A bare connection: redis-py's reply callbacks would reshape COMMAND's answers.
        conn.send_command(*args)
        return conn.read_response()

    for name in sys.argv[2:]:
        info = raw("COMMAND", "INFO", name)[0]
        docs_raw = raw("COMMAND", "DOCS", name)
        docs = {}
        if docs_raw:
            def to_dict(flat):
                return {flat[i]: flat[i + 1] for i in range(0, len(flat), 2)}
            d = to_dict(docs_raw[1])
            if b"subcommands" in d:
                subs = to_dict(d[b"subcommands"])
                d[b"subcommands"] = {k: to_dict(v) for k, v in subs.items()}
            docs = d
        group = docs.get(b"group", b"").decode()
        print(row(name, info, docs, MODULES.get(group, group), 4))

main()
