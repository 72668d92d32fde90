"""Mutation fuzzing of the parser: random damage to small slices of the seed, fed to
:func:`pipeline.sources.decode_source` and :func:`pipeline.sources.parse`.

    nice -n 10 .venv/bin/python bench/fuzz.py [--inputs 100000] [--seed 0] [--crashes DIR]
    .venv/bin/python bench/fuzz.py --make-corpus     # rewrite tests/fuzz_corpus/ from the seed

Every input must end in a parsed document or in our own :class:`SourceError`; anything
else is a crash, and an input that takes longer than ``--timeout`` seconds is a hang.
Both are counted by kind (exception type and the line of pipeline code that raised it);
the first input of each kind is written to ``--crashes`` to be replayed with ``--replay``.

The corpus (tests/fuzz_corpus/*.txt, a few KB each, so one parse takes milliseconds) holds
the start of every proposal of the seed and windows into its longest resolutions (glued
labels, footnotes, annexes, the strategic plan), each behind the proposal's own header so
the parser reaches the clauses.  Mutations work on bytes (so encodings, NULs and broken
UTF-8 are exercised too) or on lines and tokens of the text (labels, section verbs,
headings, separators, export artefacts).  A fixed ``--seed`` replays the same inputs; no
extra dependency (atheris needs a compiler toolchain; this loop runs anywhere).
"""
from __future__ import annotations

import argparse
import collections
import random
import signal
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.sources import SourceError, decode_source, parse  # noqa: E402
from pipeline.sources.itu_text.reader import SEPARATOR  # noqa: E402

SEED = ROOT / "data" / "sources" / "000_e6762f12f0311554.txt"
CORPUS = ROOT / "tests" / "fuzz_corpus"
SLICE_BYTES = 4096

TOKENS = [
    "\t", "\n", "\r\n", "\r", " ", "\u00a0", "\u2011", "\ufeff", "\x0b", "\x0c", "\x1e", "\x07", "\u2028",
    ")", "(", "((((", "))))", ".", "..", "1.", "1.1.1.1.1", "910", "fg)", "a)", "i)", "iii)", "xx)", "zz)", "–\t", "•\t",
    "1\t", "10\t", "a)\t", "i)\t", "1.1\t", "99999999999999999999\t",
    "considering", "resolves", "instructs the Secretary-General", "invites Member States", "further resolves",
    "resolves to instruct", "requests", "noting", "recalling", "decides",
    "RESOLUTION 11 (Rev. Busan, 2014Dubai, 2018)", "RESOLUTION 71 (", "RESOLUTION ", "Draft New Resolution [ACP-1]",
    "Draft new resolution [", "ANNEX 1 TO RESOLUTION 71", "ANNEX TO RESOLUTION 11 (Rev. Dubai, 2018)", "ANNEX 2 to resolution",
    "The Plenipotentiary Conference of the International Telecommunication Union (Dubai, 2018),",
    "MOD\tACP/64A1/3", "ADD\tACP/64A1/99#1", "SUP\tACP/64A1/4", "NOC\tACP/64A1/1", "\tProposal ACP/64A1/3 - Summary: ",
    "Reasons:", "INTRODUCTION", "PROPOSAL", "* * * * *", "*\t*\t*\t*",
    "[bookmark: x]", "[bookmark:", "[footnoteRef:1]1", "[footnoteRef:", "[1: a note]", "[1: ", "[image: ]", "]", "[",
    "Resolution 123 (Rev. Busan, 2014) of this conference", "Resolutions 102, 130, 133 and 180 (Rev. Busan, 2014)",
    "UNGA Resolution 70/1", "Resolution 68/19872/200", "A/RES/70/1", "ECOSOC Resolution 2012/24", "No. 196 of the ITU Convention",
    "§ 50 d) of the Tunis Agenda", "Recommendation ITU-T D.50", "SDG 9", "Target 9.c", "Council Documents C09/55 and C16/49",
    "resolves 910 above", "considering c) above", "Annex 2 to this resolution", "(Rev. ", "2014Dubai, 2018", "2015 2019",
    "Goal 1 – Growth: ", "Target 1.1: ", "R.1 (Title): ", "R.1-a: ", "R.1-1: ", "SDG Targets (indicator(s)): 1.4 (1.4.1), ",
    "ITUT", "ITUD", "IPbased", "\ud800", "\U0001f600", "\u202e", "\x00",
]


# ------------------------------------------------------------------ corpus ---

def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last+1) line index of each proposal (between separator lines)."""
    out, start = [], 0
    for i, line in enumerate(lines + ["* * * * *"]):
        if SEPARATOR.match(line):
            if i > start:
                out.append((start, i))
            start = i + 1
    return out


def make_corpus(out: Path = CORPUS) -> list[Path]:
    """Slices of the seed, each at most ``SLICE_BYTES``: every proposal's start, and for the
    long ones windows into the resolution text behind the proposal's header lines."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()

    def take(first: list[str], body: list[str]) -> str:
        text = "\n".join(first)
        for line in body:
            if len((text + "\n" + line).encode("utf-8")) > SLICE_BYTES:
                break
            text += "\n" + line
        return text + "\n"

    written = []
    for n, (a, b) in enumerate(_blocks(lines), start=1):
        block = lines[a:b]
        act = next((i for i, line in enumerate(block) if line.startswith(("MOD\t", "ADD\t", "SUP\t", "NOC\t"))), None)
        p = out / f"p{n:02d}-start.txt"
        p.write_text(take([], block), encoding="utf-8")
        written.append(p)
        if act is None:
            continue
        head = [x for x in block[:act + 1] if x.lstrip().startswith("Proposal ")] + block[act:act + 3]
        body = block[act + 3:]
        w = 0
        pos = 0
        while pos < len(body) and w < 6:
            text = take(head, body[pos:])
            taken = text.count("\n") - len(head)
            if pos > 0 or taken < len(body):
                p = out / f"p{n:02d}-w{w}.txt"
                p.write_text(text, encoding="utf-8")
                written.append(p)
                w += 1
            pos += max(1, taken) * 2 if w > 2 else max(1, taken)
    return written


def load_corpus(d: Path = CORPUS) -> list[bytes]:
    files = sorted(d.glob("*.txt"))
    if not files:
        raise SystemExit(f"no corpus in {d}: run bench/fuzz.py --make-corpus")
    return [f.read_bytes() for f in files]


# --------------------------------------------------------------- mutations ---

def _mutate_text(rng: random.Random, text: str, corpus: list[bytes]) -> str:
    lines = text.split("\n")
    for _ in range(rng.choice((1, 1, 2, 3, 5, 8))):
        op = rng.randrange(12)
        i = rng.randrange(len(lines)) if lines else 0
        if not lines:
            lines = [""]
        line = lines[i]
        j = rng.randrange(len(line) + 1)
        if op == 0:      # insert a token inside a line
            lines[i] = line[:j] + rng.choice(TOKENS) + line[j:]
        elif op == 1:    # a token as a line of its own
            lines.insert(i, rng.choice(TOKENS) + (rng.choice(("", "\t", " x", ";")) if rng.random() < .5 else ""))
        elif op == 2:    # delete a line or a run of lines
            del lines[i:i + rng.choice((1, 1, 2, 5, 20))]
        elif op == 3:    # duplicate a run of lines (repeated labels, sections)
            k = rng.choice((1, 2, 3, 10))
            lines[i:i] = lines[i:i + k] * rng.choice((1, 2, 5))
        elif op == 4:    # delete characters
            lines[i] = line[:j] + line[j + rng.choice((1, 1, 2, 8, 50)):]
        elif op == 5:    # swap two lines
            k = rng.randrange(len(lines))
            lines[i], lines[k] = lines[k], lines[i]
        elif op == 6:    # replace a label by another
            lines[i] = rng.choice(("1", "2", "910", "a)", "ab)", "i)", "5.1", "–", "")) + "\t" + line.split("\t", 1)[-1]
        elif op == 7:    # cut the text here (truncated export)
            lines = lines[:i]
        elif op == 8:    # splice in lines of another corpus entry
            other = rng.choice(corpus).decode("utf-8").split("\n")
            k = rng.randrange(len(other))
            lines[i:i] = other[k:k + rng.choice((1, 5, 30))]
        elif op == 9:    # a random character, anywhere in the unicode range
            lines[i] = line[:j] + chr(rng.choice((rng.randrange(0x20), rng.randrange(0x80, 0x800),
                                                   rng.randrange(0x800, 0x10000), rng.randrange(0x10000, 0x110000)))) + line[j:]
        elif op == 10:   # change case / strip the line
            lines[i] = rng.choice((line.upper(), line.lower(), line.strip(), " " + line, "\t" + line))
        else:            # repeat a piece of a line
            piece = line[j:j + rng.choice((1, 3, 10))]
            lines[i] = line[:j] + piece * rng.choice((2, 10, 100)) + line[j:]
    return "\n".join(lines)


def _mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 4, 16))):
        op = rng.randrange(6)
        i = rng.randrange(len(b) + 1)
        if op == 0 and b:
            b[min(i, len(b) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            b[i:i] = bytes([rng.randrange(256)])
        elif op == 2:
            del b[i:i + rng.choice((1, 2, 3, 100))]
        elif op == 3:
            b[i:i] = rng.choice((b"\x00", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\xe9", b"\xc3", b"\xed\xa0\x80",
                                 b"\xf4\x90\x80\x80", b"\r", b"\x1a"))
        elif op == 4:    # re-encode the whole input
            enc = rng.choice(("utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252", "utf-32"))
            b = bytearray(bytes(b).decode("utf-8", "replace").encode(enc, "replace"))
        else:            # a random run
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.choice((1, 4, 32))))
    return bytes(b)


def mutant(rng: random.Random, corpus: list[bytes]) -> bytes:
    data = rng.choice(corpus)
    r = rng.random()
    if r < 0.75:
        return _mutate_text(rng, data.decode("utf-8"), corpus).encode("utf-8", "surrogatepass")
    if r < 0.95:
        return _mutate_bytes(rng, data)
    return _mutate_bytes(rng, _mutate_text(rng, data.decode("utf-8"), corpus).encode("utf-8", "surrogatepass"))


# -------------------------------------------------------------------- run ---

class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def run_one(data: bytes, name: str = "fuzz.txt"):
    """Decode and parse ``data`` as a source file would be: the document, or None for a SourceError."""
    try:
        text = decode_source(Path(name), data)
        return parse(Path(name), text=text)
    except SourceError:
        return None


def crash_kind(e: BaseException) -> str:
    tb = traceback.extract_tb(e.__traceback__)
    ours = [f for f in tb if "/pipeline/" in f.filename] or tb[-1:]
    where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno} in {ours[-1].name}" if ours else "?"
    return f"{type(e).__name__} at {where}"


def fuzz(n: int, seed: int = 0, timeout: float = 5.0, crashes: Path | None = None, corpus: list[bytes] | None = None,
         progress: bool = False) -> dict:
    """Run ``n`` inputs; return counts (inputs, parsed, rejected, crashes by kind, hangs, slowest)."""
    corpus = corpus if corpus is not None else load_corpus()
    rng = random.Random(seed)
    kinds: collections.Counter = collections.Counter()
    first: dict[str, bytes] = {}
    parsed = rejected = 0
    slowest = (0.0, -1)
    use_alarm = timeout > 0 and hasattr(signal, "SIGALRM")
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _alarm)
    t0 = time.perf_counter()
    try:
        for k in range(n):
            data = mutant(rng, corpus)
            t = time.perf_counter()
            try:
                if use_alarm:
                    signal.setitimer(signal.ITIMER_REAL, timeout)
                doc = run_one(data)
                if use_alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                if doc is None:
                    rejected += 1
                else:
                    parsed += 1
            except Hang:
                kinds[f"hang (> {timeout:g} s)"] += 1
                first.setdefault(f"hang (> {timeout:g} s)", data)
            except Exception as e:  # noqa: BLE001 - counting is the point
                if use_alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                kind = crash_kind(e)
                kinds[kind] += 1
                first.setdefault(kind, data)
            dt = time.perf_counter() - t
            if dt > slowest[0]:
                slowest = (dt, k)
            if progress and (k + 1) % 10000 == 0:
                print(f"  {k + 1} inputs, {time.perf_counter() - t0:.0f} s, {sum(kinds.values())} crashes", flush=True)
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    if crashes is not None and first:
        crashes.mkdir(parents=True, exist_ok=True)
        for i, (kind, data) in enumerate(first.items()):
            (crashes / f"crash-{i:03d}.bin").write_bytes(data)
            (crashes / f"crash-{i:03d}.txt").write_text(kind + "\n", encoding="utf-8")
    return {"inputs": n, "parsed": parsed, "rejected": rejected, "crashes": dict(kinds), "first": first,
            "seconds": time.perf_counter() - t0, "slowest": slowest}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inputs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=5.0, help="seconds one input may take before it counts as a hang")
    ap.add_argument("--crashes", type=Path, default=None, help="write the first input of each crash kind here")
    ap.add_argument("--make-corpus", action="store_true", help="rewrite tests/fuzz_corpus/ from the seed and stop")
    ap.add_argument("--replay", type=Path, nargs="*", help="parse these files and show any traceback")
    args = ap.parse_args()
    if args.make_corpus:
        files = make_corpus()
        print(f"{len(files)} slices written to {CORPUS} "
              f"({sum(f.stat().st_size for f in files) / 1024:.0f} KiB, at most {SLICE_BYTES} bytes each)")
        return
    if args.replay:
        for p in args.replay:
            doc = run_one(p.read_bytes(), p.name)
            print(p, "->", "SourceError" if doc is None else f"{len(doc.proposals)} proposals, {len(doc.findings)} findings")
        return
    corpus = load_corpus()
    print(f"fuzzing the parser: {args.inputs} inputs, seed {args.seed}, corpus of {len(corpus)} slices")
    r = fuzz(args.inputs, args.seed, args.timeout, args.crashes, corpus, progress=True)
    print(f"inputs {r['inputs']}: parsed {r['parsed']}, rejected with SourceError {r['rejected']}, "
          f"crashes {sum(r['crashes'].values())} ({len(r['crashes'])} kinds); {r['seconds']:.0f} s "
          f"({r['inputs'] / r['seconds']:.0f} inputs/s); slowest input {r['slowest'][0] * 1000:.0f} ms (#{r['slowest'][1]})")
    for kind, count in sorted(r["crashes"].items(), key=lambda kv: -kv[1]):
        print(f"  {count:6d}  {kind}")
    sys.exit(1 if r["crashes"] else 0)


if __name__ == "__main__":
    main()
