"""Shrinks a diverging sequence to a small one that still diverges the same way.

"The same way" means: the first divergence is at a command of the same name (SMEMBERS, EXEC,
...). Without that anchor, shrinking slides from the bug found to any other one.

Passes, repeated until none makes progress (or the evaluation budget is spent):
1. delta debugging over units (drop chunks of halving size, then single units);
2. drop single commands inside MULTI blocks (never the MULTI or EXEC themselves);
3. simplify arguments: drop one argument, or replace it with a simpler one (shorter, or the same
   length and smaller), key names first mapped to "a".
4. try RESP2 instead of RESP3.
Units that restore agreement after a random draw (SPOP; see gen.unit) are never split.
"""

from __future__ import annotations

from dataclasses import dataclass

import fuzz
import gen

SIMPLE = [b"a", b"0", b"1", b"", b"x"]


@dataclass
class Shrinker:
    ferrite: fuzz.Endpoint
    redis: fuzz.Endpoint
    signature: str
    budget: int = 1500
    evals: int = 0

    def fails(self, proto, units) -> bool:
        if self.evals >= self.budget:
            return False
        cmds = fuzz.flatten(units)
        if any(gen.short_ttl(cmd) for cmd in cmds):
            return False  # would depend on timing
        self.evals += 1
        outcome = fuzz.run(self.ferrite, self.redis, proto, cmds)
        return outcome.signature == self.signature

    def shrink(self, proto, units):
        progress = True
        while progress and self.evals < self.budget:
            progress = False
            units, p = self._ddmin(proto, units)
            progress |= p
            units, p = self._drop_in_blocks(proto, units)
            progress |= p
            units, p = self._simplify_args(proto, units)
            progress |= p
            if proto == 3 and self.fails(2, units):
                proto, progress = 2, True
        return proto, units

    def _ddmin(self, proto, units):
        progress = False
        n = 2
        while len(units) >= 2 and self.evals < self.budget:
            chunk = max(1, len(units) // n)
            reduced = False
            for start in range(0, len(units), chunk):
                candidate = units[:start] + units[start + chunk:]
                if candidate and self.fails(proto, candidate):
                    units, reduced, progress = candidate, True, True
                    n = max(n - 1, 2)
                    break
            if not reduced:
                if chunk == 1:
                    break
                n = min(len(units), n * 2)
        return units, progress

    def _drop_in_blocks(self, proto, units):
        progress = False
        for ui in range(len(units)):
            unit = units[ui]
            if not _is_block(unit):
                continue
            ci = 1
            while ci < len(units[ui]) - 1 and self.evals < self.budget:
                smaller = units[ui][:ci] + units[ui][ci + 1:]
                candidate = units[:ui] + [smaller] + units[ui + 1:]
                if self.fails(proto, candidate):
                    units, progress = candidate, True
                else:
                    ci += 1
        return units, progress

    def _simplify_args(self, proto, units):
        progress = False
        for ui in range(len(units)):
            if _is_draw(units[ui]):
                continue
            for ci in range(len(units[ui])):
                ai = 1
                while ai < len(units[ui][ci]) and self.evals < self.budget:
                    cmd = units[ui][ci]
                    if cmd[0].upper() in (b"MULTI", b"EXEC", b"DISCARD", b"SPOP"):
                        break  # structure, or a count that keeps SPOP from drawing at random
                    replaced = False
                    for new in _candidates(cmd[ai]):
                        args = cmd[:ai] + ((new,) if new is not None else ()) + cmd[ai + 1:]
                        unit = units[ui][:ci] + [args] + units[ui][ci + 1:]
                        candidate = units[:ui] + [unit] + units[ui + 1:]
                        if self.fails(proto, candidate):
                            units, progress, replaced = candidate, True, True
                            break
                    if not replaced or ai >= len(units[ui][ci]):
                        ai += 1
        return units, progress


def _candidates(arg: bytes):
    """Simpler replacements for one argument, None meaning "drop it"; each strictly simpler."""
    yield None
    if arg in [gen.to_bytes(k) for k in gen.KEYS] and arg != b"a":
        yield b"a"
    for s in SIMPLE:
        if (len(s), s) < (len(arg), arg):
            yield s
    if len(arg) > 2:
        yield arg[: len(arg) // 2]
    if arg != arg.upper() and arg.isascii():
        yield arg.upper()


def _is_block(unit) -> bool:
    return len(unit) >= 2 and unit[0][0].upper() == b"MULTI"


def _is_draw(unit) -> bool:
    return len(unit) == 3 and unit[0][0].upper() == b"SPOP"
