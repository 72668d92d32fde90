"""The checked-in ontology documentation: docs/ontology.html (pyLODE) and docs/classes.svg/.png.

Which terms must appear is read from ontology/resgraph.ttl with rdflib, never listed here.
"""
from __future__ import annotations

import importlib.util
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
HTML_PAGE = DOCS / "ontology.html"
SVG = DOCS / "classes.svg"
PNG = DOCS / "classes.png"
RG = "https://w3id.org/resgraph/ontology#"
ONTOLOGY_IRI = URIRef("https://w3id.org/resgraph/ontology")
SVG_NS = "{http://www.w3.org/2000/svg}"
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ROOT / "ontology" / "resgraph.ttl", format="turtle")


@pytest.fixture(scope="module")
def page() -> str:
    return HTML_PAGE.read_text(encoding="utf-8")


def terms(g: Graph, *types) -> list[URIRef]:
    return sorted({s for t in types for s in g.subjects(RDF.type, t) if isinstance(s, URIRef)}, key=str)


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, DOCS / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def curie(g: Graph, iri: URIRef) -> str:
    """``rg:Clause``, ``eli:LegalResource``: with the prefixes resgraph.ttl declares."""
    return g.namespace_manager.normalizeUri(iri)


# ---------------------------------------------------------------- ontology.html --

class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.ids: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.append(a["id"])
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


@pytest.fixture(scope="module")
def parsed(page) -> Tags:
    p = Tags()
    p.feed(page)
    return p


def test_page_documents_every_class_and_property(onto, page):
    declared = terms(onto, *TERM_TYPES)
    assert len(declared) > 60  # 28 classes, 36 object and 22 datatype properties as of 0.2.0
    missing = [str(t) for t in declared if f"<code>{t}</code>" not in page]
    assert not missing, f"docs/ontology.html lacks {missing}; run docs/make_ontology_html.py"


def test_each_term_of_ours_is_anchored_at_its_local_name(onto, parsed):
    """So that https://w3id.org/resgraph/ontology#ResolutionVersion lands on the term."""
    ours = [t for t in terms(onto, *TERM_TYPES) if str(t).startswith(RG)]
    assert ours
    ids = set(parsed.ids)
    missing = [str(t)[len(RG):] for t in ours if str(t)[len(RG):] not in ids]
    assert not missing, f"no id= for {missing}"


def test_page_title_and_version_are_the_ontology_s(onto, parsed, page):
    assert parsed.title == str(onto.value(ONTOLOGY_IRI, DCTERMS.title))
    assert str(onto.value(ONTOLOGY_IRI, OWL.versionIRI)) in page
    label = str(onto.value(URIRef(RG + "ResolutionVersion"), RDFS.label))
    assert label == "Resolution version" and label in page


def test_page_works_offline(parsed):
    """No stylesheet, script, image or font fetched from anywhere: pyLODE's CSS is inlined."""
    fetched = []
    for tag, a in parsed.tags:
        if tag == "link" and a.get("rel") in ("stylesheet", "preload", "import"):
            fetched.append(a.get("href"))
        if tag == "link" and "icon" in (a.get("rel") or "") and not (a.get("href") or "").startswith("data:"):
            fetched.append(a.get("href"))
        if tag in ("script", "img", "iframe") and a.get("src"):
            fetched.append(a.get("src"))
    assert not fetched, fetched
    assert any(tag == "style" for tag, _ in parsed.tags)


def test_page_is_what_the_script_makes_now():
    """docs/ontology.html is regenerated after every change of ontology/resgraph.ttl."""
    pytest.importorskip("pylode", reason="pyLODE not installed (pip install 'pylode==3.3.4')")
    mod = load_script("make_ontology_html")
    html = mod.render()
    assert html.rstrip("\n") == HTML_PAGE.read_text(encoding="utf-8").rstrip("\n"), \
        "docs/ontology.html is out of date: run .venv/bin/python docs/make_ontology_html.py"


# ---------------------------------------------------------------- classes.svg --

def svg_parts(path: Path) -> tuple[set[str], set[tuple[str, str]], dict[tuple[str, str], str], set[str]]:
    """Node names, edges (tail, head), edge labels (of all edges between the two, sorted),
    and every text drawn in a Graphviz SVG."""
    root = ET.parse(path).getroot()
    nodes, edges, texts = set(), set(), set()
    labels: dict[tuple[str, str], list[str]] = {}
    for g in root.iter(f"{SVG_NS}g"):
        title = g.find(f"{SVG_NS}title")
        cls = g.get("class")
        if title is None or cls not in ("node", "edge"):
            continue
        own = " ".join(t.text or "" for t in g.iter(f"{SVG_NS}text"))
        if cls == "node":
            nodes.add(title.text)
        else:
            tail, _, head = title.text.partition("->")
            edges.add((tail, head))
            labels.setdefault((tail, head), []).append(own)
    for t in root.iter(f"{SVG_NS}text"):
        texts.add((t.text or "").strip())
    return nodes, edges, {k: " | ".join(sorted(v)) for k, v in labels.items()}, texts


def test_svg_names_every_class_of_ours(onto):
    nodes, _, _, texts = svg_parts(SVG)
    ours = [t for t in terms(onto, OWL.Class) if str(t).startswith(RG)]
    assert len(ours) >= 20
    for c in ours:
        assert curie(onto, c) in nodes and curie(onto, c) in texts, c
        assert str(onto.value(c, RDFS.label)) in texts, f"label of {c} not drawn"
    for main in ("rg:Resolution", "rg:ResolutionVersion", "rg:Section", "rg:Clause", "rg:Annex", "rg:Proposal",
                 "rg:SourceDocument", "rg:Finding", "rg:Footnote", "rg:Addressee", "rg:UNDocument"):
        assert main in texts


def test_svg_draws_the_alignments(onto):
    """Each class of ours that is not a controlled list has a dashed edge to each superclass."""
    _, edges, _, texts = svg_parts(SVG)
    concept = URIRef("http://www.w3.org/2004/02/skos/core#Concept")
    drawn = 0
    for c in terms(onto, OWL.Class):
        if not str(c).startswith(RG):
            continue
        for sup in onto.objects(c, RDFS.subClassOf):
            if sup == concept:
                continue  # the controlled lists share one edge from their box
            assert (curie(onto, c), curie(onto, sup)) in edges, f"{c} ⊑ {sup} not drawn"
            drawn += 1
    assert drawn >= 14
    assert any(head == "skos:Concept" for _, head in edges)
    for reused in ("eli:LegalResource", "eli:LegalResourceSubdivision", "cito:Citation", "prov:Entity"):
        assert reused in texts


def test_svg_draws_object_properties_between_domain_and_range(onto):
    _, edges, labels, _ = svg_parts(SVG)
    checked = 0
    for p in terms(onto, OWL.ObjectProperty):
        d, r = onto.value(p, RDFS.domain), onto.value(p, RDFS.range)
        if d is None or r is None or not str(p).startswith(RG):
            continue
        pair = (curie(onto, d), curie(onto, r))
        found = [e for e in (pair, pair[::-1]) if e in edges and curie(onto, p) in labels[e]]
        assert found, f"{p}: no edge {pair[0]} → {pair[1]} labelled with it"
        checked += 1
    assert checked >= 7  # rg:action, sectionKind, addressee, labelChange, findingKind, footnote, resolutionStatus


def test_png_is_a_rendered_image():
    data = PNG.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert 800 < width < 4000 and 400 < height < 3000, (width, height)


def test_dot_mentions_every_domain_and_range_class(onto):
    mod = load_script("make_diagram")
    dot = mod.make_dot()
    ends = set()
    for p in terms(onto, OWL.ObjectProperty):
        if str(p).startswith(RG):
            ends.update(o for o in onto.objects(p, RDFS.domain))
            ends.update(o for o in onto.objects(p, RDFS.range))
    assert URIRef(RG + "Proposal") in ends and URIRef("http://purl.org/spar/cito/Citation") in ends
    for c in ends:
        assert f'"{curie(onto, c)}"' in dot, c
    # the structure only the shapes state: a version is a version of a work, a section part of a text
    # (adopted version, draft, UN resolution), a clause part of a section (drawn whole -> part with dir=back)
    edges = [line for line in dot.splitlines() if "->" in line]
    for whole, part, prop in (("rg:Resolution", "rg:ResolutionVersion", "dcterms:isVersionOf"),
                              ("rg:ResolutionText", "rg:Section", "eli:is_part_of"),
                              ("rg:Section", "rg:Clause", "eli:is_part_of")):
        assert any(f'"{whole}" -> "{part}"' in e and prop in e and "dir=back" in e for e in edges), (whole, part)


def test_checked_in_svg_matches_a_fresh_rendering(tmp_path):
    """Same nodes and edges as the script draws now (coordinates may differ between Graphviz versions)."""
    if shutil.which("dot") is None:
        pytest.skip("Graphviz `dot` is not installed (Debian package graphviz, .ci/apt-packages.txt)")
    subprocess.run([sys.executable, str(DOCS / "make_diagram.py"), "-o", str(tmp_path)], check=True, capture_output=True)
    fresh_nodes, fresh_edges, fresh_labels, _ = svg_parts(tmp_path / "classes.svg")
    nodes, edges, labels, _ = svg_parts(SVG)
    assert (nodes, edges, labels) == (fresh_nodes, fresh_edges, fresh_labels), \
        "docs/classes.svg is out of date: run .venv/bin/python docs/make_diagram.py"
