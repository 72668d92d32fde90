"""Hostile documents (issue 9, part 3): each bad input ends, within a measured wall-clock
time and peak memory, either in ONE clear error line and a non-zero exit — with the
published store unchanged (SHA-256 of its sorted N-Quads) — or in a parsed graph plus
findings.  Never a traceback.

Two ways in:

* the real command line (``resgraph build FILE --store <tmp>``, a subprocess whose peak RSS
  is read from ``os.wait4``): every input the reader rejects, including the 50 MB document
  and the 10 MB line, plus deep nesting and mutations of the seed that get built;
* the parser in a subprocess (``pipeline.sources.parse(path, text=...)``, the child reports its
  own ``getrusage`` peak): the heavy inputs that parse — 100,000 clauses, 100,000 paragraphs
  or references, the seed replicated up to the size limit — because mapping and SHACL of a
  100,000-clause graph would take many minutes; the parser is what must stay bounded.

The limits a source may reach are ``pipeline.sources.MAX_BYTES`` (16 MiB) and
``MAX_LINE_CHARS`` (262,144 characters a line); the error names them.  Time limits are
generous (two cores shared by a whole test run); the measured figures are printed.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from pipeline.sources import MAX_BYTES, MAX_LINE_CHARS
from pipeline.settings import PROJECT_ROOT, Settings
from pipeline.store import open_current

SEED = PROJECT_ROOT / "data" / "sources" / "000_e6762f12f0311554.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")
BASE = "http://127.0.0.1:8000/"
# Peak RSS of a child: VmHWM of its own address space, written at exit to the file named by
# HOSTILE_HWM.  (ru_maxrss from wait4/getrusage would not do: Linux carries the parent's peak
# across fork+exec, so every child would seem to peak at least at pytest's own size.)
PEAK = ("import atexit, os\n"
        "def _peak():\n"
        "    f = os.environ.get('HOSTILE_HWM')\n"
        "    if f:\n"
        "        kb = next(int(x.split()[1]) for x in open('/proc/self/status') if x.startswith('VmHWM:'))\n"
        "        open(f, 'w').write(str(kb / 1024))\n"
        "atexit.register(_peak)\n")
RESGRAPH = [sys.executable, "-c", PEAK + "import sys; from pipeline.cli import main; sys.argv[0] = 'resgraph'; main()"]
HDR = ("\tProposal ACP/64A1/3 - Summary: x\nMOD\tACP/64A1/3\nRESOLUTION 11 (Rev. Busan, 2014Dubai, 2018)\nTitle\n"
       "The Plenipotentiary Conference of the International Telecommunication Union (Dubai, 2018),\n")

# A rejected input is rejected before anything heavy runs: the memory of reading it.  An
# input that is built pays for the imports, mapping, SHACL and publishing.  The seconds are
# only a hang guard (the child is killed after them); how long each input takes is measured
# by bench/limits.py, as a ratio against the seed's own parse and build.
REJECT_SECONDS, REJECT_RSS_MB = 60, 400
BUILD_SECONDS, BUILD_RSS_MB = 240, 1200


def small_seed(proposals: int = 5) -> str:
    """The seed cut after its first ``proposals`` proposals (as tests/test_incremental.py)."""
    seps = [m.start() for m in re.finditer(r"(?m)^\s*\*(?:\s+\*){3,}\s*$", SEED_TEXT)]
    return SEED_TEXT[:seps[proposals - 1]]


# ---------------------------------------------------------------- helpers ---

def run_measured(cmd: list[str], timeout: float) -> tuple[int, str, str, float, float]:
    """Run ``cmd``; return (exit status, stdout, stderr, seconds, peak RSS in MiB of the child)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as d:
        hwm = Path(d) / "hwm"
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=PROJECT_ROOT, env={**os.environ, "HOSTILE_HWM": str(hwm)})
        killer = threading.Timer(timeout, p.kill)
        killer.start()
        try:
            p.wait()
        finally:
            killer.cancel()
        secs = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        assert hwm.is_file(), "the child did not report its peak memory (killed after the time limit?)"
        return (p.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                secs, float(hwm.read_text()))


def store_digest(store: Path) -> str:
    """SHA-256 of the published graph's sorted N-Quads."""
    st, _gen = open_current(Settings(base=BASE, store_dir=store))
    try:
        lines = sorted(st.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines())
    finally:
        del st
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def cli_build(path: Path, store: Path, timeout: float = BUILD_SECONDS):
    return run_measured(RESGRAPH + ["build", "-q", "--jobs", "1", str(path), "--store", str(store)], timeout)


def assert_one_error_line(rc: int, err: str, words: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert rc != 0, err
    assert "Traceback" not in err, err
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert words in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A store with the first five proposals of the seed published."""
    d = tmp_path_factory.mktemp("hostile")
    src = d / "small-seed.txt"
    src.write_text(small_seed(), encoding="utf-8")
    store = d / "store"
    rc, _out, err, _s, _rss = cli_build(src, store)
    assert rc == 0, err
    return store


# ------------------------------------------------------------ bad inputs ---

def _random_bytes(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


def _with_latin1(text: str, line: int) -> bytes:
    lines = text.split("\n")
    return ("\n".join(lines[:line - 1])).encode("utf-8") + b"\n" + "Résolution à Genève".encode("latin-1") + b"\n" + \
        "\n".join(lines[line:]).encode("utf-8")


def _with_nul(text: str) -> bytes:
    b = text.encode("utf-8")
    return b[:len(b) // 2] + b"\x00" + b[len(b) // 2:]


def _fifty_mb() -> bytes:
    seed = SEED_TEXT.encode("utf-8")
    return (seed + b"\n* * * * *\n") * (50 * 1024 * 1024 // len(seed) + 1)


def _ten_mb_line() -> bytes:
    words = "Resolution 123 (Rev. Busan, 2014) of this conference and UNGA Resolution 70/1; "
    return (HDR + "resolves\n1\t" + words * (10 * 1024 * 1024 // len(words)) + "\n2\tend.\n").encode("utf-8")


REJECTED = {
    # name: (bytes, words the one error line must hold)
    "empty": (lambda: b"", "the file is empty"),
    "white-space": (lambda: b" \n\t\n\r\n   \n", "only white space"),
    "random-bytes": (lambda: _random_bytes(64 * 1024, 1), "binary"),
    "nul-in-the-middle": (lambda: _with_nul(small_seed(2)), "binary (NUL byte at offset"),
    "utf16-bom": (lambda: small_seed(2).encode("utf-16"), "UTF-16"),
    "utf16le-no-bom": (lambda: small_seed(2).encode("utf-16-le"), "UTF-16LE without a byte-order mark"),
    "utf16be-no-bom": (lambda: small_seed(2).encode("utf-16-be"), "UTF-16BE without a byte-order mark"),
    "utf32": (lambda: small_seed(2).encode("utf-32"), "UTF-32"),
    "latin1-inside-utf8": (lambda: _with_latin1(small_seed(2), 20), "not valid UTF-8 at byte"),
    "cp1252-whole": (lambda: small_seed(2).replace("-", "\u2013").encode("cp1252"), "not valid UTF-8"),
    "prose": (lambda: b"Dear colleagues,\nplease find attached our proposals.\n", "no proposals found"),
    "cr-only-line-ends": (lambda: small_seed(2).replace("\n", "\r").encode("utf-8"), "lines end in CR only"),
    "fifty-mb": (_fifty_mb, f"more than the {MAX_BYTES // (1024 * 1024)} MiB a source may have"),
    "ten-mb-line": (_ten_mb_line, f"characters, more than the {MAX_LINE_CHARS} a line may have"),
}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_rejected_by_the_cli_in_one_line_store_unchanged(published, tmp_path, name):
    make, words = REJECTED[name]
    path = tmp_path / f"{name}.txt"
    path.write_bytes(make())
    before = store_digest(published)
    rc, _out, err, secs, rss = cli_build(path, published, timeout=REJECT_SECONDS * 2)
    line = assert_one_error_line(rc, err, words)
    print(f"{name}: {path.stat().st_size} bytes -> {line!r} in {secs:.1f} s, peak RSS {rss:.0f} MiB")
    assert rss < REJECT_RSS_MB, f"{name} peaked at {rss:.0f} MiB"
    assert store_digest(published) == before


def test_error_line_stays_one_line_with_a_line_break_in_the_file_name(published, tmp_path):
    path = tmp_path / "two\nlines.txt"
    path.write_bytes(b"")
    before = store_digest(published)
    rc, _out, err, _secs, _rss = cli_build(path, published, timeout=REJECT_SECONDS * 2)
    assert_one_error_line(rc, err, "the file is empty")
    assert store_digest(published) == before


# ---------------------------------------------- inputs that get built ---

def _deep_nesting() -> str:
    labels = "\n".join(".".join(["1"] * k) + "\tdeep item " + str(k) + ";" for k in range(1, 501))
    parens = "(" * 5000 + "Resolution 123 (Rev. Busan, 2014)" + ")" * 5000
    brackets = "[bookmark: " * 300 + "x" + "]" * 300 + "[footnoteRef:1]1" * 50 + "[1: " * 100 + "note" + "]" * 100
    return (HDR + "considering\n" + labels + "\na)\t" + parens + ";\nb)\t" + brackets + ";\n"
            + "\n".join("–\t" * k + "bullet" for k in range(1, 200)) + "\nresolves\n1\tdone.\n")


def _mutated_seed(seed: int) -> str:
    rng = random.Random(seed)
    lines = small_seed().split("\n")
    for _ in range(60):
        i = rng.randrange(len(lines))
        op = rng.randrange(5)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op == 2:
            j = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:j] + rng.choice(["\t", ")", "1", "(", "[", "]", "a)", "\u00a0", "\x0b", "é"]) + lines[i][j:]
        elif op == 3:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
        else:
            lines[i] = rng.choice(["resolves", "considering", "instructs the Secretary-General", "5\tx", "* * * * *"])
    return "\n".join(lines)


@pytest.mark.parametrize("name", ["deep-nesting", "mutated-seed-1", "mutated-seed-2", "mutated-seed-3"])
def test_built_by_the_cli_or_rejected_in_one_line(published, tmp_path, name):
    text = _deep_nesting() if name == "deep-nesting" else _mutated_seed(int(name.rsplit("-", 1)[1]))
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    before = store_digest(published)
    rc, _out, err, secs, rss = cli_build(path, published)
    print(f"{name}: exit {rc} in {secs:.1f} s, peak RSS {rss:.0f} MiB: {err.strip().splitlines()[-1]!r}")
    assert "Traceback" not in err, err
    assert rss < BUILD_RSS_MB
    if rc == 0:
        summary = err.strip().splitlines()[-1]
        assert re.search(r"built .*: \d+ proposals?, .* (\d+) findings", summary), summary
        assert store_digest(published) != before
    else:
        lines = [line for line in err.splitlines() if line.startswith("error:")]
        assert len(lines) == 1 and err.strip().splitlines()[-1] == lines[0], err
        assert store_digest(published) == before
    if name == "deep-nesting":
        assert rc == 0, err


# ------------------------------------------- heavy inputs, parser only ---

CHILD = PEAK + textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from pipeline.sources import SourceError, parse
    path, word = Path(sys.argv[1]), sys.argv[2]
    text = path.read_text(encoding="utf-8")
    t = time.perf_counter()
    out = {}
    try:
        doc = parse(path, text=text)
        def clauses(cs):
            return sum(1 + clauses(c.children) for c in cs)
        out = {"outcome": "parsed", "proposals": len(doc.proposals),
               "clauses": sum(clauses(s.clauses) for r in doc.resolutions() for s in r.sections),
               "findings": len(doc.findings), "kinds": sorted({f.kind for f in doc.findings}),
               "messages": [f.message for f in doc.findings[:3]],
               "found": next((f.message for f in doc.findings if word and word in f.message), None)}
    except SourceError as e:
        out = {"outcome": "error", "message": str(e)}
    out["seconds"] = time.perf_counter() - t
    print(json.dumps(out))
""")


def parse_in_child(tmp_path: Path, name: str, text: str, word: str = "", timeout: float = 600) -> dict:
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    del text
    rc, out, err, secs, rss = run_measured([sys.executable, "-c", CHILD, str(path), word], timeout)
    assert rc == 0 and "Traceback" not in err, err
    res = json.loads(out)
    res["rss_mb"] = rss
    print(f"{name}: {path.stat().st_size / 1e6:.1f} MB -> {res['outcome']} in {res['seconds']:.1f} s "
          f"(child {secs:.1f} s), peak RSS {res['rss_mb']:.0f} MiB: {res.get('message') or res.get('found')}")
    return res


def test_fifty_mb_is_refused_by_the_parser_itself(tmp_path):
    res = parse_in_child(tmp_path, "fifty-mb", _fifty_mb().decode("utf-8"))
    assert res["outcome"] == "error" and "more than the 16 MiB a source may have" in res["message"]


def test_ten_mb_line_is_refused_by_the_parser_itself(tmp_path):
    res = parse_in_child(tmp_path, "ten-mb-line", _ten_mb_line().decode("utf-8"))
    assert res["outcome"] == "error" and "line 7 has 10485" in res["message"] and str(MAX_LINE_CHARS) in res["message"]


HEAVY = {
    # name: (text, clauses expected, a word of a finding expected or None)
    "100k-numbered-clauses": (lambda: HDR + "resolves\n" + "\n".join(f"{i}\tclause {i};" for i in range(1, 100_001)),
                              100_000, "more than the 400 that tracked-change recovery reads"),
    "100k-lettered-clauses": (lambda: HDR + "considering\n" + "\n".join(f"{chr(97 + i % 26)})\tclause {i};"
                                                                         for i in range(100_000)),
                              100_000, "two clauses would both be"),
    "100k-paragraphs": (lambda: HDR + "considering\na)\tfirst\n" + "\n".join(f"paragraph {i} goes on" for i in range(100_000)),
                        1, None),
    "100k-references": (lambda: HDR + "considering\na)\tfirst\nresolves\n"
                        + "\n".join(f"{i}\tas in resolves 1 and considering a) above;" for i in range(1, 100_001)),
                        100_001, "more than the 400"),
    "50k-sections": (lambda: HDR + "\n".join(f"considering\na)\tx {i}" for i in range(50_000)), 50_000, "appears again"),
    "20k-proposals": (lambda: "\n* * * * *\n".join(f"MOD\tACP/64A1/{i}\nRESOLUTION {i} (Dubai, 2018)\nT\nresolves\n1\tx"
                                                  for i in range(1, 20_001)), 20_000, None),
    "seed-up-to-the-size-limit": (lambda: "\n* * * * *\n".join(
        [SEED_TEXT] * (MAX_BYTES // len(SEED_TEXT.encode("utf-8")))), None, "label"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HEAVY))
def test_heavy_inputs_parse_in_bounded_memory(tmp_path, name):
    make, clauses, finding = HEAVY[name]
    res = parse_in_child(tmp_path, name, make(), finding or "")
    assert res["outcome"] == "parsed"
    if clauses is not None:
        assert res["clauses"] == clauses
    if finding is not None:
        assert res["found"], res
    assert res["rss_mb"] < 1024, f"{name}: {res['rss_mb']:.0f} MiB"


def test_one_bad_file_among_good_ones_stops_the_whole_build(published, tmp_path):
    src = tmp_path / "sources"
    src.mkdir()
    (src / "a-good.txt").write_text(small_seed(3), encoding="utf-8")
    (src / "b-bad.txt").write_bytes(small_seed(2).encode("utf-16-le"))
    before = store_digest(published)
    rc, _out, err, secs, rss = cli_build(src, published, timeout=REJECT_SECONDS * 2)
    line = assert_one_error_line(rc, err, "b-bad.txt: the file looks like UTF-16LE")
    print(f"directory with one bad file -> {line!r} in {secs:.1f} s, peak RSS {rss:.0f} MiB")
    assert store_digest(published) == before
