"""The redline writer (issue 21 item 3): ``resgraph export --format docx --compare DRAFT VERSION``.

On the default corpus: proposal ACP/64A1/7 (the APT's revision of Resolution 70, seed lines
457-563) against Resolution 70 (Rev. Dubai, 2018) as PP-18 adopted it (Final Acts,
``pp18_final_acts_akn.xml`` lines 3353-3812).  The document is read back twice: with lxml
(accepting every change must give the adopted text clause by clause, rejecting every change the
draft's proposed wording), and by LibreOffice headless (``soffice --convert-to odt``: its tracked
changes, and the text once they are accepted).  The changes checked by name were read in the two
sources, not taken from the writer.
"""
from __future__ import annotations

import re
import subprocess
import time
import zipfile
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from lxml import etree

from server.conftest import require_tool

BASE = "http://127.0.0.1:8000/"
DRAFT = BASE + "id/proposal/ACP/64A1/7/text"
VERSION = BASE + "id/resolution/pp/70/dubai-2018"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NAME = "redline-ACP-64A1-7-pp-70-dubai-2018.docx"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _cli(store_dir, *args):
    from click.testing import CliRunner
    from pipeline.cli import main
    return CliRunner().invoke(main, ["export", *args, "--store", str(store_dir)])


@pytest.fixture(scope="module")
def written(corpus_build, tmp_path_factory):
    """The redline written by the command, the short forms of both texts; (path, stderr, seconds)."""
    out = tmp_path_factory.mktemp("redline")
    t0 = time.perf_counter()
    r = _cli(corpus_build[1].store_dir, "--format", "docx", "--compare", "ACP/64A1/7",
             "Resolution 70 (Rev. Dubai, 2018)", "--output", str(out))
    seconds = time.perf_counter() - t0
    assert r.exit_code == 0, r.output
    return out / NAME, r.stderr, seconds


# ------------------------------------------------------------------ reading a .docx ---

class Para:
    """One ``w:p``: its style, its text with every change accepted / rejected, its tracked mark."""

    def __init__(self, p, styles: dict[str, str]):
        sid = p.find(f"{W}pPr/{W}pStyle")
        self.style = (styles.get(sid.get(f"{W}val"), "Normal") if sid is not None else "Normal").lower()
        self.mark = next((etree.QName(m).localname for m in p.findall(f"{W}pPr/{W}rPr/*")
                          if etree.QName(m).localname in ("ins", "del")), None)
        self.el = p
        self.accept, self.reject = self._text(True), self._text(False)

    def _text(self, accept: bool) -> str:
        out = []
        for el in self.el.iter(f"{W}t", f"{W}delText", f"{W}tab", f"{W}br"):
            if el.getparent().getparent().tag == f"{W}pPr":
                continue
            wrap = el.getparent().getparent().tag   # w:r's parent: w:p, w:ins or w:del
            if (wrap == f"{W}ins" and not accept) or (wrap == f"{W}del" and accept):
                continue
            tag = etree.QName(el).localname
            out.append("\t" if tag == "tab" else "\n" if tag == "br" else el.text or "")
        return "".join(out)

    def changes(self, kind: str) -> list[str]:
        return ["".join("\t" if t.tag == f"{W}tab" else t.text or "" for t in c.iter(f"{W}t", f"{W}delText", f"{W}tab"))
                for c in self.el.findall(f"{W}{kind}")]


def read_docx(path: Path) -> tuple[list[Para], etree._Element]:
    with zipfile.ZipFile(path) as z:
        doc = etree.fromstring(z.read("word/document.xml"))
        st = etree.fromstring(z.read("word/styles.xml"))
    styles = {s.get(f"{W}styleId"): s.find(f"{W}name").get(f"{W}val") for s in st.iter(f"{W}style")}
    return [Para(p, styles) for p in doc.iter(f"{W}p")], doc


def resolved(paras: list[Para], accept: bool) -> list[tuple[str, str]]:
    """(style, text) of the paragraphs left once every change is accepted (or rejected): a paragraph
    whose mark goes joins the next one, as in Word."""
    out, carry = [], ""
    for p in paras:
        text = carry + (p.accept if accept else p.reject)
        if p.mark == ("del" if accept else "ins"):
            carry = text
            continue
        out.append((p.style, text))
        carry = ""
    assert carry == ""
    return out


def revisions(doc: etree._Element) -> Counter:
    """Changes as LibreOffice lists them: neighbouring marks of one kind with nothing between them
    (across a tracked paragraph mark too) are one change; and a paragraph inserted (or deleted) whole
    counts from the end of the paragraph before it (LibreOffice inserts a paragraph as its break
    and its text after the previous one), so a change ending that paragraph joins it."""
    seq = []
    for p in doc.iter(f"{W}p"):
        inner = []
        for c in p:
            name = etree.QName(c).localname
            if name in ("ins", "del"):
                inner.append(name)
            elif name == "r" and len(c.xpath("w:t|w:tab|w:br", namespaces={"w": W[1:-1]})):
                inner.append("text")
        mark = p.find(f"{W}pPr/{W}rPr")
        kinds = [etree.QName(m).localname for m in mark] if mark is not None else []
        mark = "ins" if "ins" in kinds else "del" if "del" in kinds else "para"
        if mark != "para" and set(inner) == {mark} and seq and seq[-1] == "para":
            seq.pop()
        seq += inner + [mark]
    return Counter(k for i, k in enumerate(seq) if k in ("ins", "del") and (i == 0 or seq[i - 1] != k))


# ------------------------------------------------------------------ what the graph holds ---

RG_ = "https://w3id.org/resgraph/ontology#"
ELI_ = "http://data.europa.eu/eli/ontology#"


def _lit(store: ox.Store, node, pred: str) -> str | None:
    vals = sorted(q.object.value for q in store.quads_for_pattern(node, ox.NamedNode(pred), None, None))
    return vals[0] if vals else None


def _clauses(store: ox.Store, text: str, drop_deleted: bool) -> list[str]:
    """Every clause of a text as a paragraph ("a)", a tab, the words), in document order (charStart),
    found by walking ``eli:has_part`` from the text; a letter label is printed with a parenthesis,
    as the Final Acts print it."""
    clause_cls = ox.NamedNode(RG_ + "Clause")
    seen, todo, found = set(), [ox.NamedNode(text)], []
    while todo:
        node = todo.pop()
        for q in store.quads_for_pattern(node, ox.NamedNode(ELI_ + "has_part"), None, None):
            part = q.object
            if part in seen or not isinstance(part, ox.NamedNode):
                continue
            seen.add(part)
            todo.append(part)
            if any(True for _ in store.quads_for_pattern(part, ox.NamedNode(RDF_TYPE), clause_cls, None)):
                words = _lit(store, part, RG_ + "text")
                if words is None:
                    continue
                if drop_deleted and (_lit(store, part, RG_ + "clauseChange") or "").endswith("/deleted"):
                    continue
                label = _lit(store, part, ELI_ + "number") or _lit(store, part, RG_ + "formerLabel") or ""
                label = label + ")" if re.fullmatch(r"[a-z]+", label) else label
                found.append((int(_lit(store, part, RG_ + "charStart")), f"{label}\t{words}" if label else words))
    return [t for _, t in sorted(found)]


def _sections(store: ox.Store, text: str) -> list[str]:
    q = """
    PREFIX rg: <https://w3id.org/resgraph/ontology#>
    PREFIX eli: <http://data.europa.eu/eli/ontology#>
    SELECT ?text ?w WHERE { ?s a rg:Section ; eli:is_part_of ?text ; rg:verbPhrase ?w ; rg:charStart ?start } ORDER BY ?start"""
    return [row["w"].value for row in store.query(q, substitutions={ox.Variable("text"): ox.NamedNode(text)})]


# ------------------------------------------------------------------ the document ---

def test_accepting_every_change_gives_the_adopted_text(written, corpus_store):
    paras, _ = read_docx(written[0])
    accepted = resolved(paras, accept=True)
    clauses = [t for s, t in accepted if s == "clause"]
    assert clauses == _clauses(corpus_store, VERSION, False)
    assert len(clauses) == 91
    assert [t for s, t in accepted if s == "heading 2"] == _sections(corpus_store, VERSION)
    assert accepted[0] == ("title", "Resolution 70 (Rev. Dubai, 2018)")


def test_rejecting_every_change_gives_the_proposed_wording(written, corpus_store):
    paras, _ = read_docx(written[0])
    rejected = resolved(paras, accept=False)
    clauses = [t for s, t in rejected if s == "clause"]
    expected = _clauses(corpus_store, DRAFT, True)
    # the same clauses; in the adopted order, so a clause the conference moved (recalling h, which
    # became a) stands where it went
    assert Counter(clauses) == Counter(expected) and len(clauses) == 81
    assert clauses[0] == next(c for c in expected if c.startswith("h)\tResolution 70/1 of the United Nations"))
    headings = [t for s, t in rejected if s == "heading 2"]
    assert "instructs the Council" in headings and "instructs the ITU Council" not in headings


def _para(paras, start: str, accept: bool = True) -> Para:
    found = [p for p in paras if (p.accept if accept else p.reject).startswith(start)]
    assert len(found) == 1, (start, len(found))
    return found[0]


def test_changes_read_in_the_sources(written):
    """Each read in the seed (the APT's draft) and the Final Acts (what PP-18 adopted)."""
    paras, doc = read_docx(written[0])
    # resolves 1 — seed l. 521 "…socio-economic conditions for women, particularly in developing
    # countries"; Final Acts l. 3606 "…for women and girls, particularly in developing countries"
    p = _para(paras, "1\tto continue the work being done at ITU, and particularly in BDT")
    assert p.changes("ins") == [" and girls"] and p.changes("del") == []
    assert "conditions for women and girls, particularly in developing countries;" in p.accept
    assert "conditions for women, particularly in developing countries;" in p.reject
    # noting a) — seed l. 474 "the UN Secretary General’s commitment to achieve full gender parity";
    # Final Acts "the United Nations Secretary-General's commitment to achieving full gender parity"
    p = _para(paras, "a)\tthe United Nations Secretary-General's commitment to achieving full gender parity")
    assert p.reject.startswith("a)\tthe UN Secretary General’s commitment to achieve full gender parity")
    # recalling: the draft's h) (seed l. 469, Resolution 70/1 of the UNGA) is the adopted a) (Final Acts)
    p = _para(paras, "a)\tResolution 70/1 of the United Nations General Assembly (UNGA), on Sustainable Development Goal")
    assert p.reject.startswith("h)\tResolution 70/1 of the United Nations General Assembly on the 2030 Agenda")
    assert p.changes("del")[0] == "h)" and p.changes("ins")[0] == "a)"
    # a clause dropped (seed l. 468, recalling g): a deleted paragraph, its mark deleted too
    p = _para(paras, "g)\tResolution 70/125 of the United Nations General Assembly, which commits to closing", accept=False)
    assert p.mark == "del" and p.accept == "" and p.changes("del") == [p.reject]
    # a clause added (Final Acts recognizing further c), not in the seed's draft): an inserted paragraph
    p = _para(paras, "c)\tthe EQUALS Global Partnership, of which ITU is a founder member")
    assert p.mark == "ins" and p.reject == "" and p.changes("ins") == [p.accept]
    # a section heading: seed l. 526 "instructs the Council"; Final Acts "instructs the ITU Council"
    h = _para(paras, "instructs the ITU Council")
    assert h.style == "heading 2" and h.reject == "instructs the Council" and h.changes("ins") == [" ITU"]
    # the title is the same in both (seed l. 458, Final Acts): no change
    t = [p for p in paras if p.style == "subtitle"][0]
    assert t.accept == t.reject == ("Mainstreaming a gender perspective in ITU and promotion of gender equality and "
                                    "the empowerment of women through information and communication technologies")
    assert not t.el.findall(f"{W}ins") and not t.el.findall(f"{W}del")
    # every change is PP-18's, dated with the adoption (Final Acts FRBRdate 2018-11-15), ids unique
    marks = doc.xpath("//w:ins|//w:del", namespaces={"w": W[1:-1]})
    assert {(m.get(f"{W}author"), m.get(f"{W}date")) for m in marks} == {("PP-18", "2018-11-15T00:00:00Z")}
    assert len({m.get(f"{W}id") for m in marks}) == len(marks)


def test_the_counts_the_command_reports(written):
    path, stderr, _ = written
    paras, doc = read_docx(path)
    runs_ins = len(doc.xpath("//w:p/w:ins", namespaces={"w": W[1:-1]}))
    runs_del = len(doc.xpath("//w:p/w:del", namespaces={"w": W[1:-1]}))
    m = re.search(r"(\d+) insertion\(s\), (\d+) deletion\(s\) by PP-18 \((\d+) clause\(s\) changed, (\d+) added, "
                  r"(\d+) dropped, (\d+) unchanged\), (\d+) bytes", stderr)
    assert m, stderr
    assert (int(m[1]), int(m[2])) == (runs_ins, runs_del)
    added, dropped = int(m[4]), int(m[5])
    clause_marks = Counter(p.mark for p in paras if p.style == "clause")
    assert (clause_marks["ins"], clause_marks["del"]) == (added, dropped)
    assert added + int(m[3]) + int(m[6]) == 91 and dropped + int(m[3]) + int(m[6]) == 81
    assert int(m[7]) == path.stat().st_size


def test_python_docx_opens_it(written):
    import docx
    d = docx.Document(str(written[0]))
    assert d.paragraphs[0].style.name == "Title"
    assert d.core_properties.title == "Resolution 70 (Rev. Dubai, 2018): changes to ACP/64A1/7"


def test_every_proposal_with_an_outcome(corpus_store, tmp_path):
    """All 22 proposals of the seed that PP-18 acted on: the same two readings hold for each."""
    from pipeline.export import docx as redline_writer
    outcome = ox.NamedNode("https://w3id.org/resgraph/ontology#outcomeText")
    pairs = sorted({(q.subject.value, q.object.value) for q in corpus_store.quads_for_pattern(None, outcome, None, None)})
    assert len(pairs) == 22
    for proposal, version in pairs:
        draft = redline_writer.draft_uri(corpus_store, proposal, BASE)
        r = redline_writer.redline(corpus_store, draft, version)
        (tmp_path / "r.docx").write_bytes(r.data)
        paras, _ = read_docx(tmp_path / "r.docx")
        assert [t for s, t in resolved(paras, True) if s == "clause"] == _clauses(corpus_store, version, False), proposal
        assert Counter(t for s, t in resolved(paras, False) if s == "clause") == Counter(_clauses(corpus_store, draft, True)), proposal


# ------------------------------------------------------------------ LibreOffice ---

ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODF = {"text": ODF_TEXT, "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
       "dc": "http://purl.org/dc/elements/1.1/"}


@pytest.fixture(scope="module")
def libreoffice(written, tmp_path_factory):
    """The redline opened by LibreOffice headless and saved as ODF: (content.xml root, seconds)."""
    soffice = require_tool("soffice")
    out = tmp_path_factory.mktemp("lo")
    t0 = time.perf_counter()
    r = subprocess.run([soffice, f"-env:UserInstallation=file://{out / 'profile'}", "--headless",
                        "--convert-to", "odt", "--outdir", str(out), str(written[0])],
                       capture_output=True, text=True, timeout=180)
    odt = out / NAME.replace(".docx", ".odt")
    assert r.returncode == 0 and odt.is_file(), r.stderr
    with zipfile.ZipFile(odt) as z:
        return etree.fromstring(z.read("content.xml")), time.perf_counter() - t0


def _odf_text(el) -> str:
    """The text of an ODF paragraph as shown with every change accepted (deletions are kept in
    ``text:tracked-changes``; a ``text:change`` point in the body is where one was)."""
    out = [el.text or ""]
    for c in el:
        name = etree.QName(c).localname
        if name == "tab":
            out.append("\t")
        elif name == "line-break":
            out.append("\n")
        elif name == "s":
            out.append(" " * int(c.get(f"{{{ODF_TEXT}}}c", "1")))
        elif name == "span" or name == "a":
            out.append(_odf_text(c))
        out.append(c.tail or "")
    return "".join(out)


def test_libreoffice_reads_the_changes(written, libreoffice):
    root, _ = libreoffice
    _, doc = read_docx(written[0])
    regions = root.findall(".//text:tracked-changes/text:changed-region", ODF)
    kinds = Counter(etree.QName(r[0]).localname for r in regions)
    want = revisions(doc)
    assert (kinds["insertion"], kinds["deletion"]) == (want["ins"], want["del"])
    assert kinds["format-change"] == 0
    assert {r.findtext(".//dc:creator", namespaces=ODF) for r in regions} == {"PP-18"}
    deleted = "".join("".join(r.itertext()) for r in regions)
    assert "Resolution 70/125 of the United Nations General Assembly, which commits to closing" in deleted


def test_libreoffice_shows_the_adopted_text_once_accepted(written, libreoffice, corpus_store):
    root, _ = libreoffice
    body = root.find(".//office:text", ODF)
    shown = [_odf_text(p) for p in body.iter(f"{{{ODF_TEXT}}}p", f"{{{ODF_TEXT}}}h")
             if not p.xpath("ancestor::text:tracked-changes", namespaces=ODF)]
    paras, _ = read_docx(written[0])
    assert shown == [t for _, t in resolved(paras, accept=True)]
    assert [t for t in shown if t.startswith("1\tto continue the work being done at ITU, and particularly in BDT")] == [
        c for c in _clauses(corpus_store, VERSION, False) if c.startswith("1\tto continue the work being done at ITU, and")]


# ------------------------------------------------------------------ forms and bad input ---

def test_the_long_forms_give_the_same_document(corpus_build, written, tmp_path):
    r = _cli(corpus_build[1].store_dir, "--format", "docx", "--compare", DRAFT, "PP Resolution 70",
             "--output", str(tmp_path / "r.docx"))
    assert r.exit_code == 0, r.output
    same = lambda p: zipfile.ZipFile(p).read("word/document.xml")  # noqa: E731
    assert same(tmp_path / "r.docx") == same(written[0])
    r = _cli(corpus_build[1].store_dir, "--format", "docx", "--compare", BASE + "id/proposal/ACP/64A1/7",
             "resolution/pp/70/dubai-2018")
    assert r.exit_code == 0 and r.stdout_bytes[:2] == b"PK"          # not a terminal: the bytes to stdout


@pytest.mark.parametrize("args, message", [
    (["--compare", "ACP/99/99", VERSION], "no proposal ACP/99/99"),
    (["--compare", "ACP/64A1/7", BASE + "id/resolution/pp/70/nowhere-2099"], "is not in the published graph"),
    (["--compare", "ACP/64A1/7", DRAFT], "is a proposal's draft, not an adopted text"),
    (["--compare", VERSION, VERSION], "is not a proposal's draft text"),
    (["--compare", "ACP/64A1/7", "Resolution 70"], "cannot read 'Resolution 70' as one resolution"),
    (["--compare", "ACP/64A1/7", BASE + "id/resolution/pp/70/busan-2014"], "is not an adopted text"),
    ([], "give --compare DRAFT VERSION"),
])
def test_bad_texts(corpus_build, tmp_path, args, message):
    r = _cli(corpus_build[1].store_dir, "--format", "docx", *args, "--output", str(tmp_path / "x.docx"))
    assert r.exit_code != 0
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], r.output
    assert not (tmp_path / "x.docx").exists()


def test_compare_is_for_docx_only(corpus_build):
    r = _cli(corpus_build[1].store_dir, "--format", "ttl", "--compare", "ACP/64A1/7", VERSION)
    assert r.exit_code != 0 and r.output.startswith("error: --compare writes a redline; use it with --format docx")


@pytest.mark.parametrize("where", ["missing/dir/r.docx", "file/r.docx", "/proc/redline.docx"])
def test_unwritable_output(corpus_build, tmp_path, where):
    (tmp_path / "file").write_text("x")
    target = where if where.startswith("/") else str(tmp_path / where)
    r = _cli(corpus_build[1].store_dir, "--format", "docx", "--compare", "ACP/64A1/7", VERSION, "--output", target)
    assert r.exit_code != 0
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: cannot write {target}"), r.output
    assert "Traceback" not in r.output
