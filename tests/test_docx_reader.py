"""The Word reader (pipeline/sources/docx.py) on hand-made fixtures (tests/fixtures/docx/).

The fixtures are three of the seed's proposals written back as Word files with real tracked
changes (``make_fixtures.py``: the marks encode the hand readings in tests/fixtures/
structure_gold.json and outcomes_gold.json).  Expected values come from those hand readings
and from the seed, never from what the reader printed:

(a) the reader gives each clause's old and new wording and its labels exactly as the hand
    reading says, and each change's author and date;
(b) the same file flattened as Word's text export flattened the seed (``flatten`` below, written
    here from the XML, independently of the reader) and read by the text reader gives the same
    sections and clause labels as the Word reader: the text reader checked against ground truth;
(c) bad Word files: one ``error:`` line from ``resgraph build`` / ``validate``, store untouched.
"""
from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from pipeline.model import Change
from pipeline.sources import SourceError, parse, read_source
from pipeline.sources.itu_text import reader as itu_text

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests/fixtures/docx"
SEED = ROOT / "data/sources/000_e6762f12f0311554.txt"
FILES = {"ACP/64A1/3": FIX / "acp-64a1-3.docx", "ACP/64A1/7": FIX / "acp-64a1-7.docx", "ACP/64A1/25": FIX / "acp-64a1-25.docx"}
RESOLUTION = {"ACP/64A1/3": "11", "ACP/64A1/7": "70", "ACP/64A1/25": "ACP-1"}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RESGRAPH = [sys.executable, "-m", "pipeline.cli"]
BASE = "http://127.0.0.1:8000/"

ARTEFACTS = re.compile(r"\[bookmark:[^\]]*\]|\[footnoteRef:\d+\]\d*|\s*\[\d+:\s[^\]]*\]")


def words(s: str | None) -> str:
    """Artefacts of the text export out, white space runs as one space (the hand reading's spacing
    is the export's, not Word's)."""
    return " ".join(ARTEFACTS.sub("", s or "").split())


def _make_fixtures_module():
    spec = importlib.util.spec_from_file_location("make_fixtures", FIX / "make_fixtures.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def seed_lines():
    return SEED.read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="module")
def docs():
    return {sym: parse(p) for sym, p in FILES.items()}


@pytest.fixture(scope="module")
def offset(seed_lines):
    """Seed line → line of the fixture's export: one paragraph per seed line, from the separator before."""
    mf = _make_fixtures_module()
    return {sym: mf.proposal_lines(seed_lines, sym)[0] - 2 for sym in FILES}


def all_clauses(res):
    def walk(cs):
        for c in cs:
            yield c
            yield from walk(c.children)
    for s in res.sections:
        for c in walk(s.clauses):
            yield s, c


def clause_at(doc, line):
    for s, c in all_clauses(doc.proposals[0].resolution):
        if c.span.line_start == line:
            return c
    return None


# -------------------------------------------------------------- (a) exact ---

def test_the_fixtures_are_what_make_fixtures_writes(tmp_path):
    """The committed .docx files are the generator's output (same paragraphs and marks)."""
    for p in FILES.values():
        with zipfile.ZipFile(p) as z:
            xml = z.read("word/document.xml")
        assert b"<w:ins " in xml or b"w:ins " in xml, p
        assert xml.count(b"w:numPr") > 5, p


def test_one_proposal_per_fixture_with_its_resolution(docs):
    for sym, d in docs.items():
        assert [p.symbol for p in d.proposals] == [sym]
        r = d.proposals[0].resolution
        assert (r.number or r.draft_label) == RESOLUTION[sym]


def test_headings_read_from_the_marks(docs):
    """RESOLUTION 11 (Rev. Busan, 2014DUBAI, 2018): old and new revision from w:del / w:ins."""
    r = docs["ACP/64A1/3"].proposals[0].resolution
    assert (str(r.old_revision), str(r.new_revision)) == ("Rev. Busan, 2014", "Rev. Dubai, 2018")
    assert r.heading == "RESOLUTION 11 (Rev. DUBAI, 2018)"          # the hand reading's proposed heading
    assert r.preamble.endswith("(Dubai, 2018),")
    r7 = docs["ACP/64A1/7"].proposals[0].resolution
    assert (str(r7.old_revision), str(r7.new_revision)) == ("Rev. Busan, 2014", "Rev. Dubai, 2018")


def test_old_and_new_wording_exactly_as_the_hand_reading(docs, offset):
    gold = json.loads((ROOT / "tests/fixtures/outcomes_gold.json").read_text(encoding="utf-8"))["unflattening"]
    checked = 0
    for u in gold:
        if u["proposal"] not in FILES or u["section"] in ("heading", "preamble"):
            continue
        doc = docs[u["proposal"]]
        c = clause_at(doc, u["line"] - offset[u["proposal"]])
        assert c is not None, u["line"]
        assert words(c.text) == words(u["proposed"]), (u["line"], c.text)
        assert words(c.old_text) == words(u["old"]), (u["line"], c.old_text)
        checked += 1
    assert checked == 32          # 9 of ACP/64A1/3 and 23 of ACP/64A1/7 (outcomes_gold.json)


def test_every_label_as_the_hand_reading(docs, offset):
    """Old and new label of every clause of the three resolutions = structure_gold.json."""
    gold = json.loads((ROOT / "tests/fixtures/structure_gold.json").read_text(encoding="utf-8"))["resolutions"]
    status_of = {"replaced-new": "inserted", "replaced-old": "deleted"}
    n = 0
    for sym, doc in docs.items():
        for sec in gold[RESOLUTION[sym]]["sections"]:
            stack = list(sec["clauses"])
            while stack:
                g = stack.pop()
                stack.extend(g.get("children", []))
                if g.get("printed") is None or g.get("bullet"):
                    continue
                c = clause_at(doc, g["line"] - offset[sym])
                assert c is not None, (sym, g["line"])
                old = c.former_label if c.former_label is not None else (c.label if c.label_change != "inserted" else None)
                assert (old, c.label) == (g["old"], g["new"]), (sym, g["line"])
                assert c.label_change == status_of.get(g["status"], g["status"]), (sym, g["line"])
                n += 1
    assert n == 161, n     # every labelled clause (bullets aside) of Res 11, Res 70, draft ACP-1 in structure_gold.json


def test_changes_keep_author_and_date(docs, offset):
    c = clause_at(docs["ACP/64A1/3"], 116 - offset["ACP/64A1/3"])     # "78 to propose to the 2015 2019 session"
    assert c.changes[0] == Change("renumber", "7", "8")
    assert Change("replace", "2015", "2019", "APT", "2018-09-10T00:00:00Z") in c.changes
    inserted = clause_at(docs["ACP/64A1/3"], 68 - offset["ACP/64A1/3"])   # f) inserted
    assert [ch.kind for ch in inserted.changes] == ["insert"] and inserted.changes[0].author == "APT"


def test_footnotes_and_citations_in_deleted_runs(docs, offset):
    d = clause_at(docs["ACP/64A1/3"], 65 - offset["ACP/64A1/3"])
    assert [(f.mark, f.text) for f in d.footnotes] == [("1", "These include the least developed countries, small island "
                                                         "developing states, landlocked developing countries and countries "
                                                         "with economies in transition.")]
    # recalling h) of Res 70, deleted whole: every citation in it is deleted
    gone = clause_at(docs["ACP/64A1/7"], 472 - offset["ACP/64A1/7"])
    assert gone.label_change == "deleted" and gone.key == "former-h"
    assert all(c.status == "deleted" for c in gone.citations)


def test_the_mapping_publishes_the_exact_wording(docs, offset):
    from pipeline.mapping.document import mapped
    from pipeline.settings import Settings
    m = mapped(docs["ACP/64A1/3"], settings=Settings(base=BASE))
    nt = m.ntriples().decode("utf-8")
    assert '"that financial difficulties are the main limitation' in nt
    assert "to propose to the 2015 session of the Council" in nt          # rg:replacedText, read not inferred
    assert "to propose to the 2019 session of the Council" in nt
    assert not any(f.kind == "glued-change" for f in m.findings + docs["ACP/64A1/3"].findings)


# ----------------------------------------------------- (b) flattened text ---

def flatten(path: Path) -> str:
    """Word's plain-text export of a .docx as the seed shows it, written from the XML alone: deleted
    and inserted runs both kept in document order; a numbered paragraph prints its label (a
    renumbered one old and new glued, "910", "fg)"), a tab, its text; footnote references
    "[footnoteRef:N]M" with the footnote "[N: M<TAB>text]" after the paragraph; "[bookmark: X]"."""
    with zipfile.ZipFile(path) as z:
        doc = etree.fromstring(z.read("word/document.xml"))
        num = etree.fromstring(z.read("word/numbering.xml"))
        notes = etree.fromstring(z.read("word/footnotes.xml"))
    fmt = {}
    for a in num.iter(W + "abstractNum"):
        fmt[a.get(W + "abstractNumId")] = {int(l.get(W + "ilvl")): (l.find(W + "numFmt").get(W + "val"), l.find(W + "lvlText").get(W + "val"))
                                           for l in a.iter(W + "lvl")}
    abstract = {n.get(W + "numId"): n.find(W + "abstractNumId").get(W + "val") for n in num.iter(W + "num")}
    note_text = {f.get(W + "id"): "".join(t.text or "" for t in f.iter(W + "t")).strip() for f in notes.iter(W + "footnote")}
    count = {}          # (old|new, numId) -> [counter per level]

    def show(n, f):
        return chr(ord("a") + n - 1) if f == "lowerLetter" else str(n)

    def label(which, nid, lvl):
        c = count.setdefault((which, nid), [0] * 9)
        c[lvl] += 1
        c[lvl + 1:] = [0] * (8 - lvl)
        f, text = fmt[abstract[nid]][lvl]
        return text if f == "bullet" else re.sub(r"%(\d)", lambda m: show(c[int(m.group(1)) - 1], fmt[abstract[nid]][int(m.group(1)) - 1][0]), text)

    out, mark = [], 0
    for p in doc.iter(W + "p"):
        text, tail = "", ""
        for el in p.iter(W + "t", W + "delText", W + "tab", W + "footnoteReference", W + "bookmarkStart"):
            if el.tag in (W + "t", W + "delText"):
                text += el.text or ""
            elif el.tag == W + "tab":
                text += "\t"
            elif el.tag == W + "bookmarkStart":
                text += f"[bookmark: {el.get(W + 'name')}]"
            else:
                mark += 1
                text += f"[footnoteRef:{el.get(W + 'id')}]{mark}"
                tail += f" [{el.get(W + 'id')}: {mark}\t{note_text[el.get(W + 'id')]}]"
        np_ = p.find(f"{W}pPr/{W}numPr")
        if np_ is not None:
            nid, lvl = np_.find(W + "numId").get(W + "val"), int(np_.find(W + "ilvl").get(W + "val"))
            ins = p.find(f"{W}pPr/{W}rPr/{W}ins") is not None
            dele = p.find(f"{W}pPr/{W}rPr/{W}del") is not None
            old = None if ins else label("old", nid, lvl)
            new = None if dele else label("new", nid, lvl)
            if old and new and old != new:
                suffix = ")" if old.endswith(")") else ""
                lab = old[:len(old) - len(suffix)] + new
            else:
                lab = new or old
            text = f"{lab}\t{text}"
        out.append(text + tail)
    return "\n".join(out) + "\n"


def test_the_readers_export_is_the_flattened_text():
    """Two flatteners written apart (the reader's and this file's) agree on every fixture."""
    for p in FILES.values():
        text, _sha = read_source(p)
        assert str(text) == flatten(p)


def test_the_export_looks_like_the_seed(seed_lines, offset):
    """Lines the hand readings did not touch come out of the Word file as the seed printed them."""
    flat = flatten(FILES["ACP/64A1/3"]).split("\n")
    off = offset["ACP/64A1/3"]
    for seed_no in (57, 62, 69, 70, 95, 96, 118):       # action line, a), fg), gh), 5, 5.1, 910
        assert flat[seed_no - off - 1].rstrip() == seed_lines[seed_no - 1].rstrip(), seed_no


def _labels(doc):
    out = []
    for s in doc.proposals[0].resolution.sections:
        out.append((s.key, s.verb))
        out.extend((s.key, c.key, c.label, c.former_label, c.label_change) for _s, c in all_clauses_of(s))
    return out


def all_clauses_of(s):
    def walk(cs):
        for c in cs:
            yield s, c
            yield from walk(c.children)
    return walk(s.clauses)


#: Replaced clauses (the same label printed twice) that the text reader cannot order: neither of
#: the two mentions a later year (Res 70 recognizing further c): GEM-TECH Award, seed lines
#: 492-493; considering a): seed lines 496-497), so it keeps both "uncertain"; the marks say
#: new first, old second.  Checked by hand against the seed.
UNORDERED_PAIRS = {"ACP/64A1/7": {("recognizing-further", "c"), ("recognizing-further", "former-c"),
                                  ("considering", "a"), ("considering", "former-a")}}


def _appended(exact: list, i: int) -> bool:
    """Clause i and every clause after it in its section are inserted: a list extended at its end
    (or a new list) prints the labels an unchanged list would, so no flattened text can show it."""
    sec = exact[i][0]
    rest = [x for x in exact[i:] if len(x) == 5 and x[0] == sec]
    return all(x[4] == "inserted" for x in rest)


@pytest.mark.parametrize("sym", list(FILES))
def test_the_text_reader_on_the_flattened_file_finds_the_same_structure_and_labels(sym, docs):
    text = flatten(FILES[sym])
    from_text = itu_text.read(FILES[sym], text, hashlib.sha256(text.encode()).hexdigest(), "x")
    exact, inferred = _labels(docs[sym]), _labels(from_text)
    assert [x for x in exact if len(x) == 2] == [x for x in inferred if len(x) == 2]      # the same sections
    assert len(exact) == len(inferred)
    appended = unordered = 0
    for i, (e, t) in enumerate(zip(exact, inferred)):
        if e == t:
            continue
        if (e[0], e[1]) in UNORDERED_PAIRS.get(sym, ()) and t[4] == "uncertain":
            unordered += 1
            continue
        # the one thing labels cannot show: clauses appended at the end of a list
        assert e[:4] == t[:4] and (e[4], t[4]) == ("inserted", "unchanged") and _appended(exact, i), (e, t)
        appended += 1
    assert unordered == len(UNORDERED_PAIRS.get(sym, ()))
    # Res 11: noting further h); Res 70: recognizing g), encourages 8 and 9; draft ACP-1: its 17 numbered clauses
    assert appended == {"ACP/64A1/3": 1, "ACP/64A1/7": 3, "ACP/64A1/25": 17}[sym]


# ---------------------------------------------------------- (c) bad input ---

def _docx_bytes(mutate) -> bytes:
    src = FILES["ACP/64A1/3"].read_bytes()
    zin = zipfile.ZipFile(io.BytesIO(src))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            res = mutate(info.filename, data)
            if res is not None:
                zout.writestr(info.filename, res)
        extra = mutate(None, None)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return buf.getvalue()


def _bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(100):                  # 100 MiB of zeros: about 100 KiB compressed
                fh.write(chunk)
    return buf.getvalue()


def _no_resolution() -> bytes:
    import docx
    d = docx.Document()
    d.add_paragraph("Minutes of the third meeting of the working group.")
    d.add_paragraph("The meeting was opened at 09:30.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


BAD = {
    "not-a-zip.docx": (lambda: b"This is plain text with a .docx name.\n", "not a Word document"),
    "bomb.docx": (_bomb, "zip bomb"),
    "macros.docx": (lambda: _docx_bytes(lambda n, d: {"word/vbaProject.bin": b"\0" * 64} if n is None else d), "macros"),
    "macro-type.docm": (lambda: _docx_bytes(lambda n, d: None if n is None else (
        d.replace(b"wordprocessingml.document.main+xml", b"x") .replace(b'ContentType="application/vnd.openxmlformats-officedocument.x"',
                                                                       b'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"')
        if n == "[Content_Types].xml" else d)), "macro-enabled"),
    "encrypted.docx": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 512,
                       "encrypted"),
    "no-resolution.docx": (_no_resolution, "no ITU proposal"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_word_files_are_refused_by_the_reader(tmp_path, name):
    make, words_ = BAD[name]
    p = tmp_path / name
    p.write_bytes(make())
    with pytest.raises(SourceError) as e:
        parse(p)
    assert words_ in str(e.value) and "\n" not in str(e.value)


def _cli(*args, timeout=600):
    r = subprocess.run(RESGRAPH + list(args), capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    return r.returncode, r.stdout, r.stderr


def _one_error_line(rc, err, words_):
    lines = [x for x in err.splitlines() if x.strip()]
    assert rc != 0 and "Traceback" not in err, err
    assert len(lines) == 1 and lines[0].startswith("error: ") and words_ in lines[0], err


def _published(store: Path) -> str:
    """The published generation (the name CURRENT points at) and a digest of the store's files."""
    h = hashlib.sha256()
    for f in sorted(store.rglob("*")):
        if f.is_file() and "LOG" not in f.name:
            h.update(str(f.relative_to(store)).encode())
            h.update(f.read_bytes() if f.stat().st_size < 1 << 20 else str(f.stat().st_size).encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def docx_store(tmp_path_factory):
    """A store with one Word fixture published through the CLI."""
    d = tmp_path_factory.mktemp("docx-store")
    store = d / "store"
    rc, _out, err = _cli("build", "-q", "--jobs", "1", str(FILES["ACP/64A1/3"]), "--store", str(store))
    assert rc == 0, err
    return store


def test_a_word_file_builds_and_validates_through_the_cli(docx_store, tmp_path):
    rc, out, err = _cli("validate", str(FILES["ACP/64A1/7"]), "--store", str(tmp_path / "v"))
    assert rc == 0 and "Traceback" not in err, err
    both = out + err
    assert "0 violation(s)" in both
    # findings located in the Word file's export: line 52 is paragraph 52 (recognizing further, old c)
    assert f"{FILES['ACP/64A1/7'].relative_to(ROOT)}:52:1:" in both or f"{FILES['ACP/64A1/7']}:52:1:" in both, both


@pytest.mark.parametrize("name", ["not-a-zip.docx", "bomb.docx", "macros.docx", "encrypted.docx", "no-resolution.docx"])
def test_bad_word_files_leave_the_store_untouched(docx_store, tmp_path, name):
    make, words_ = BAD[name]
    p = tmp_path / name
    p.write_bytes(make())
    before = _published(docx_store)
    rc, _out, err = _cli("build", "-q", "--jobs", "1", str(p), "--store", str(docx_store))
    _one_error_line(rc, err, words_)
    rc, _out, err = _cli("validate", str(p), "--store", str(docx_store))
    _one_error_line(rc, err, words_)
    assert _published(docx_store) == before
