"""Runs seeds, confirms and shrinks divergences, and formats reproducers.

A seed names one sequence (gen.sequence). `--seed N --count M` runs seeds N .. N+M-1, so any
finding replays with `--seed K --count 1`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import fuzz
import gen
import shrink


@dataclass
class Finding:
    seed: int
    signature: str
    proto: int
    units: list  # the shrunk sequence
    outcome: fuzz.Outcome  # its run
    original_len: int
    evals: int
    flaky: bool = False

    def report(self) -> str:
        lines = [f"DIVERGENCE at {self.signature} (seed {self.seed}, RESP{self.proto}; "
                 f"shrunk from {self.original_len} to {len(fuzz.flatten(self.units))} commands in {self.evals} runs)"]
        if self.flaky:
            lines.append("  (did not reproduce on a second run: flaky, not shrunk)")
        lines.append(f"  replay: python3 tests/difffuzz --seed {self.seed} --count 1")
        lines.append("  redis-cli lines:" + ("  (start redis-cli with -3)" if self.proto == 3 else ""))
        for cmd in self.outcome.cmds:
            lines.append("    " + cli_line(cmd))
        lines.append("  replies:")
        for i, cmd in enumerate(self.outcome.cmds[: len(self.outcome.raws)]):
            (raw_f, raw_r), (obs_f, obs_r) = self.outcome.raws[i], self.outcome.obs[i]
            mark = "!!" if i == self.outcome.first_diff else "  "
            lines.append(f"  {mark} {cli_line(cmd)}")
            if obs_f == obs_r:
                lines.append(f"       both:    {_short(raw_f)}")
            else:
                lines.append(f"       ferrite: {_short(raw_f)}  observed {_short(obs_f)}")
                lines.append(f"       redis:   {_short(raw_r)}  observed {_short(obs_r)}")
        return "\n".join(lines)


def _short(x, limit=600) -> str:
    text = repr(x)
    return text if len(text) <= limit else text[:limit] + f"...({len(text)} chars)"


def cli_line(cmd) -> str:
    return " ".join(_cli_quote(a) for a in cmd)


def _cli_quote(arg: bytes) -> str:
    """An argument as redis-cli reads it back (sdssplitargs quoting)."""
    plain = arg and all(0x21 <= b <= 0x7E and b not in b"\"'\\" for b in arg)
    if plain:
        return arg.decode("ascii")
    out = []
    for b in arg:
        if b == 0x22:
            out.append('\\"')
        elif b == 0x5C:
            out.append("\\\\")
        elif b == 0x0A:
            out.append("\\n")
        elif b == 0x0D:
            out.append("\\r")
        elif b == 0x09:
            out.append("\\t")
        elif 0x20 <= b <= 0x7E:
            out.append(chr(b))
        else:
            out.append(f"\\x{b:02x}")
    return '"' + "".join(out) + '"'


def check_seed(ferrite: fuzz.Endpoint, redis: fuzz.Endpoint, seed: int, length=None, do_shrink=True,
               budget=1500) -> Finding | None:
    proto, units = gen.sequence(seed, length)
    cmds = fuzz.flatten(units)
    outcome = fuzz.run(ferrite, redis, proto, cmds)
    if outcome.first_diff is None:
        return None
    sig = outcome.signature
    # Confirm on a fresh run before spending effort: a divergence that does not come back is
    # reported as flaky (timing), with the original sequence.
    again = fuzz.run(ferrite, redis, proto, cmds)
    if again.signature != sig:
        return Finding(seed, sig, proto, units, outcome, len(cmds), 2, flaky=True)
    # Cut the tail after the divergence: it cannot matter.
    keep, n = [], 0
    for unit in units:
        keep.append(unit)
        n += len(unit)
        if n > outcome.first_diff:
            break
    units = keep
    evals = 2
    if do_shrink:
        s = shrink.Shrinker(ferrite, redis, sig, budget=budget)
        proto, units = s.shrink(proto, units)
        evals += s.evals
    final = fuzz.run(ferrite, redis, proto, fuzz.flatten(units))
    return Finding(seed, sig, proto, units, final, len(cmds), evals)


# Divergences kept on purpose (docs/COMPATIBILITY.md): a run that meets one goes on with the
# next seed instead of failing. `--strict` reports them too.
KNOWN = {
    # Ferrite's WATCH counts every write lookup as a modification, even one that fails or
    # changes nothing; Redis only counts real modifications. Stricter, never weaker.
    "EXEC/watch-abort",
    # Redis's SORT reads a stale errno (ERANGE from an earlier 1e400) and fails; outside
    # MULTI the runner asks again, inside EXEC it cannot when a queued command left it.
    "EXEC/SORT/stale-errno",
}


def run_seeds(ferrite, redis, seeds, length=None, do_shrink=True, keep_going=False, budget=1500,
              log=None, known=frozenset(KNOWN)):
    """Runs the seeds; returns (findings, sequences run, commands run). Stops at the first
    finding unless keep_going, in which case only the first finding per signature is shrunk
    and reported. Signatures in `known` are skipped."""
    findings, seen, ran, cmds_run = [], set(known), 0, 0
    started = time.monotonic()
    for seed in seeds:
        if log and ran and ran % 1000 == 0:
            log(f"[{ran} sequences, {cmds_run} commands, {time.monotonic() - started:.0f} s, "
                f"{len(findings)} findings]")
        proto, units = gen.sequence(seed, length)
        ran += 1
        cmds_run += len(fuzz.flatten(units))
        outcome = fuzz.run(ferrite, redis, proto, fuzz.flatten(units))
        if outcome.first_diff is None:
            continue
        if outcome.signature in seen:
            if log:
                log(f"seed {seed}: divergence at {outcome.signature} (" +
                    ("known" if outcome.signature in known else "already seen") + ")")
            continue
        finding = check_seed(ferrite, redis, seed, length, do_shrink, budget)
        if finding is None:
            continue
        findings.append(finding)
        seen.add(finding.signature)
        if log:
            log(finding.report())
        if not keep_going:
            break
    return findings, ran, cmds_run
