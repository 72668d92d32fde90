"""Terms are defined once, in ontology/; code, shapes and queries may use only declared terms.

* our terms (``rg:``): declared in ``ontology/resgraph.ttl``, with a label and a definition,
  and reached from Python only through :mod:`pipeline.rdf.vocab`;
* our concepts (``rgc:``): every concept IRI in code, shapes or queries exists in
  ``ontology/concepts.ttl``, and every concept is documented;
* reused terms (``eli:``, ``cito:``, ``sdgo:``, ``dcterms:``, ``prov:``, ``skos:``): declared in
  the ontology and present in the vendored term lists (``ontology/vendor/``, the SDG ontology
  in ``data/reference/``, rdflib's closed namespaces).
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from pipeline.rdf import vocab
from pipeline.settings import PROJECT_ROOT
from pipeline.rdf.vocab import CITO, CONCEPT_BASE, ELI, ONTOLOGY_IRI, RG, SDGO, ontology_graph

NS = str(RG._NS)
ONTOLOGY = PROJECT_ROOT / "ontology"
FOREIGN = {"eli": str(ELI._NS), "cito": str(CITO._NS), "sdgo": str(SDGO._NS)}
DEFINED_BY = {"eli": URIRef("http://data.europa.eu/eli/ontology"), "cito": URIRef("http://purl.org/spar/cito"),
              "sdgo": URIRef("http://metadata.un.org/sdg/ontology")}
CLOSED = {"dcterms": DCTERMS, "prov": PROV, "skos": SKOS}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology_graph()


def declared(g: Graph | None = None) -> set[str]:
    g = g if g is not None else ontology_graph()
    out = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        out |= {str(s) for s in g.subjects(RDF.type, kind) if str(s).startswith(NS)}
    return out


def sources() -> list[Path]:
    """Every file whose terms must be declared: shapes, queries, Python code."""
    files = sorted((PROJECT_ROOT / "shapes").glob("*.ttl")) + sorted((PROJECT_ROOT / "queries").glob("*.rq"))
    files += sorted((PROJECT_ROOT / "pipeline").rglob("*.py"))
    return files


def text_of(f: Path) -> str:
    text = f.read_text(encoding="utf-8")
    if f.suffix == ".rq":  # header lines are prose, not SPARQL
        text = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return text


# ------------------------------------------------------------------ our terms ---

def test_namespace_module_matches_ontology(onto):
    in_code = {NS + name for name in RG.__annotations__}
    assert in_code == declared(onto)


def test_ontology_header(onto):
    for p in (OWL.versionIRI, OWL.versionInfo, DCTERMS.license, DCTERMS.title, RDFS.label, DCTERMS.description):
        assert onto.value(ONTOLOGY_IRI, p) is not None, p
    assert str(onto.value(ONTOLOGY_IRI, OWL.versionIRI)).endswith(str(onto.value(ONTOLOGY_IRI, OWL.versionInfo)))


@pytest.mark.parametrize("prop", [RDFS.label, SKOS.definition, RDFS.isDefinedBy])
def test_every_class_and_property_is_documented(onto, prop):
    missing = sorted(t for t in declared(onto) if onto.value(URIRef(t), prop) is None)
    assert not missing, f"no {prop} on {missing}"


def used_terms(text: str) -> set[str]:
    terms = set(re.findall(r"(?<![\w/#])rg:([A-Za-z][A-Za-z0-9_]*)", text))
    terms |= set(re.findall(re.escape(NS) + r"([A-Za-z][A-Za-z0-9_]*)", text))
    return {NS + t for t in terms}


def test_shapes_and_queries_use_only_declared_terms(onto):
    files = [f for f in sources() if f.suffix in (".ttl", ".rq")]
    assert files
    known = declared(onto)
    for f in files:
        undeclared = used_terms(text_of(f)) - known
        assert not undeclared, f"{f.name}: {sorted(undeclared)}"


def test_python_never_types_our_iris():
    for f in (PROJECT_ROOT / "pipeline").rglob("*.py"):
        if f.name == "vocab.py":
            continue
        text = f.read_text(encoding="utf-8")
        assert NS not in text, f"{f} types an ontology IRI; use pipeline.rdf.vocab.RG"
        assert CONCEPT_BASE not in text, f"{f} types a concept IRI; use pipeline.rdf.vocab.concept()"


def test_python_reaches_rg_terms_only_through_the_closed_namespace():
    """``RG.xxx`` in code must be declared (DefinedNamespace raises at runtime; this catches it statically)."""
    names = set(RG.__annotations__)
    for f in (PROJECT_ROOT / "pipeline").rglob("*.py"):
        for name in re.findall(r"\bRG\.([A-Za-z_][A-Za-z0-9_]*)", f.read_text(encoding="utf-8")):
            assert name in names or name.startswith("_"), f"{f.name}: RG.{name} is not in the ontology"


# ------------------------------------------------------------------ concepts ---

def concept_graph() -> Graph:
    return Graph().parse(ONTOLOGY / "concepts.ttl")


def test_every_concept_is_documented():
    g = concept_graph()
    concepts = set(g.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 80
    for c in concepts:
        for p in (SKOS.prefLabel, SKOS.definition, SKOS.notation, SKOS.inScheme):
            assert g.value(c, p) is not None, f"{c} has no {p}"
        scheme = g.value(c, SKOS.inScheme)
        assert str(c) == f"{scheme}/{g.value(c, SKOS.notation)}", f"{c}: IRI is not {{scheme}}/{{notation}}"
        # every concept is typed with the class of its list, so sh:class can check it
        assert any(str(t).startswith(NS) for t in g.objects(c, RDF.type)), c
    for s in g.subjects(RDF.type, SKOS.ConceptScheme):
        for p in (SKOS.prefLabel, SKOS.definition):
            assert g.value(s, p) is not None, f"{s} has no {p}"


def concept_iris_in(text: str) -> set[str]:
    iris = set(re.findall(re.escape(CONCEPT_BASE) + r"[A-Za-z0-9_\-]+(?:/[A-Za-z0-9_.\-]+)?", text))
    iris |= {CONCEPT_BASE + m.replace("\\/", "/") for m in re.findall(r"(?<![\w/#])rgc:((?:[A-Za-z0-9_\-]|\\/)+)", text)}
    return iris


def test_concept_iris_used_exist():
    g = concept_graph()
    known = {str(s) for s in g.subjects(RDF.type, SKOS.Concept)} | {str(s) for s in g.subjects(RDF.type, SKOS.ConceptScheme)}
    for f in sources():
        unknown = concept_iris_in(text_of(f)) - known
        assert not unknown, f"{f.name}: {sorted(unknown)} not in ontology/concepts.ttl"


def test_concept_lookups_in_code_exist():
    """``concept("scheme", "code")`` with literal arguments names a concept that exists."""
    for f in (PROJECT_ROOT / "pipeline").rglob("*.py"):
        for scheme, code in re.findall(r"(?<![\w.])concept\(\s*\"([a-z\-]+)\"\s*,\s*\"([^\"]+)\"\s*\)", f.read_text(encoding="utf-8")):
            vocab.concept(scheme, code)  # raises KeyError with the file's lookup in the message


def test_addressee_list_matches_reference_csv():
    """data/reference/addressees.csv (the parser's patterns) and the rgc:addressee scheme agree."""
    with open(PROJECT_ROOT / "data" / "reference" / "addressees.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    codes = {c for r in rows for c in r["code"].split(";")}
    assert codes == set(vocab.concept_codes("addressee"))
    g = concept_graph()
    for r in rows:
        if ";" not in r["code"]:
            assert str(g.value(vocab.concept("addressee", r["code"]), SKOS.prefLabel)) == r["label"]


# -------------------------------------------------------------- reused terms ---

def vendored() -> dict[str, set[str]]:
    out = {}
    for prefix in ("eli", "cito"):
        lines = (ONTOLOGY / "vendor" / f"{prefix}-terms.txt").read_text(encoding="utf-8").splitlines()
        out[prefix] = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    sdgo = Graph().parse(PROJECT_ROOT / "data" / "reference" / "sdgs-ontology.ttl")
    out["sdgo"] = {str(s)[len(FOREIGN["sdgo"]):] for s in sdgo.subjects() if str(s).startswith(FOREIGN["sdgo"])}
    return out


def foreign_terms_in(text: str) -> set[tuple[str, str]]:
    out = set()
    for prefix, ns in FOREIGN.items():
        out |= {(prefix, t) for t in re.findall(rf"(?<![\w/#]){prefix}:([A-Za-z][A-Za-z0-9_]*)", text)}
        out |= {(prefix, t) for t in re.findall(re.escape(ns) + r"([A-Za-z][A-Za-z0-9_]*)", text)}
    return out


def test_reused_terms_exist_in_their_vocabularies(onto):
    lists = vendored()
    used = {(p, name) for p, ns_cls in (("eli", ELI), ("cito", CITO), ("sdgo", SDGO)) for name in ns_cls.__annotations__}
    for f in sources() + [ONTOLOGY / "resgraph.ttl"]:
        used |= foreign_terms_in(text_of(f))
    unknown = sorted(f"{p}:{t}" for p, t in used if t not in lists[p])
    assert not unknown, f"not in the vendored term lists: {unknown}"


def test_reused_terms_are_declared_in_the_ontology(onto):
    used = set()
    for f in sources():
        used |= foreign_terms_in(text_of(f))
    for p, t in sorted(used):
        iri = URIRef(FOREIGN[p] + t)
        assert onto.value(iri, RDFS.isDefinedBy) == DEFINED_BY[p], f"{p}:{t} is used but not declared in ontology/resgraph.ttl"


def test_closed_vocabularies_in_shapes_and_queries():
    for f in sources():
        if f.suffix not in (".ttl", ".rq"):
            continue
        for prefix, ns in CLOSED.items():
            for t in re.findall(rf"(?<![\w/#]){prefix}:([A-Za-z][A-Za-z0-9_]*)", text_of(f)):
                assert t in dir(ns) or hasattr(ns, t), f"{f.name}: {prefix}:{t} does not exist"


def test_alignments_point_at_declared_terms(onto):
    """subClassOf / subPropertyOf / equivalentClass / inverseOf of our terms name declared terms."""
    closed = {str(ns) for ns in CLOSED.values()}
    for s in declared(onto):
        for p in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty, OWL.inverseOf):
            for o in onto.objects(URIRef(s), p):
                o = str(o)
                ok = (o in declared(onto) or onto.value(URIRef(o), RDFS.isDefinedBy) is not None
                      or any(o.startswith(ns) for ns in closed))
                assert ok, f"{s} {p} {o}: target not declared"


def test_no_axioms_on_terms_we_do_not_own(onto):
    """Property chains and class axioms sit on our terms only (no change to CiTO's or ELI's meaning)."""
    for p in (OWL.propertyChainAxiom, RDFS.domain, RDFS.range, RDFS.subClassOf, RDFS.subPropertyOf):
        for s in onto.subjects(p, None):
            assert str(s).startswith(NS), f"{s} {p}: an axiom on a term we do not mint"


def test_ontology_and_shapes_parse():
    for f in (PROJECT_ROOT / "shapes").glob("*.ttl"):
        Graph().parse(f)
    assert len(ontology_graph()) > 300


def test_the_checks_catch_misspellings(onto):
    """The detectors above do find what they are meant to find (guards against a silent regex)."""
    sample = ("SELECT * { ?c rg:citesInPart ?x ; rg:citesInParts ?y ; cito:citedBy ?z ; eli:ispartof ?w ; "
              "rg:status <https://w3id.org/resgraph/concept/text-status/curent> ; rg:verb rgc:verb\\/resolve }")
    assert used_terms(sample) - declared(onto) == {NS + "citesInParts"}
    assert {("cito", "citedBy"), ("eli", "ispartof")} <= foreign_terms_in(sample)
    assert {"citedBy", "ispartof"} - vendored()["cito"] - vendored()["eli"] == {"citedBy", "ispartof"}
    known = {str(s) for s in concept_graph().subjects(RDF.type, SKOS.Concept)}
    assert concept_iris_in(sample) - known == {CONCEPT_BASE + "text-status/curent", CONCEPT_BASE + "verb/resolve"}


def test_every_term_is_in_the_documentation(onto):
    """docs/ontology.md names every class and property we mint (a new term needs a line there)."""
    doc = (PROJECT_ROOT / "docs" / "ontology.md").read_text(encoding="utf-8")
    missing = sorted(t for t in declared(onto) if f"`rg:{t[len(NS):]}`" not in doc)
    assert not missing, f"not documented in docs/ontology.md: {missing}"


def test_ontology_and_docs_mention_only_declared_terms(onto):
    """Definitions and docs/ontology.md that name an rg: term or rgc: concept name a real one."""
    known = declared(onto)
    concepts = {str(s) for s in concept_graph().subjects()}
    for f in (ONTOLOGY / "resgraph.ttl", ONTOLOGY / "concepts.ttl", PROJECT_ROOT / "docs" / "ontology.md"):
        text = f.read_text(encoding="utf-8")
        assert not used_terms(text) - known, f"{f.name}: {sorted(used_terms(text) - known)}"
        unknown = {i for i in concept_iris_in(text) if not i.endswith("/")} - concepts
        assert not unknown, f"{f.name}: {sorted(unknown)}"


def test_only_uris_py_builds_data_uris():
    """URIs are minted in exactly one module (STYLE.md habit 4): no other module of the package
    writes the ``id/`` space or appends a path to a resource URI by string formatting."""
    import re
    from pipeline.settings import PROJECT_ROOT
    minting = re.compile(r"""["']id/|\+\s*["']id/|f["'][^"']*\.well-known/genid|iri\(f["']\{|thing\(f["']\{""")
    offenders = []
    for f in sorted((PROJECT_ROOT / "pipeline").rglob("*.py")):
        if f.name == "uris.py" and f.parent.name == "rdf":
            continue
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if minting.search(code) and "Route(" not in code and "_rest(" not in code and "startswith" not in code:
                offenders.append(f"{f.relative_to(PROJECT_ROOT)}:{n}: {line.strip()}")
    assert not offenders, "data URIs built outside pipeline/rdf/uris.py:\n" + "\n".join(offenders)


def test_uris_both_ways():
    from pipeline.rdf.uris import URIs
    u = URIs("http://example.org/")
    for uri in (u.resolution("pp", "71"), u.version("wtdc", "23", "Buenos Aires", 2017), u.un("A/RES/70/1"),
                u.part(u.version("pp", "11", "Dubai", 2018), "resolves"), u.proposal("ACP/64A1/7")):
        assert u.from_id_path(u.id_path(uri)) == uri
    assert u.id_path("http://example.org/id/un/A/RES/70/1") == "un/A/RES/70/1"
    import pytest
    with pytest.raises(ValueError):
        u.id_path("http://elsewhere.org/id/x")
