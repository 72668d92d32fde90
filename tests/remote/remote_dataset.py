"""Synthetic published datasets shaped like ours, for the remote-publishing tests.

Not real resolutions: generated here so the tests need neither the parser nor the seed.
The shape follows ARCHITECTURE.md — per source document one named graph holding a
resolution (work + version, ``eli:LegalResource``), its clauses
(``eli:LegalResourceSubdivision``, ``eli:is_part_of``), ``cito:cites`` links (A/RES/70/1
is popular) and ``prov:wasDerivedFrom`` — plus the inferred, ontology and reference
graphs, and optionally one *big* graph for the crash tests.  Literals mix datatypes,
language tags, quotes, newlines and non-ASCII text, all in canonical lexical forms
(Virtuoso rewrites non-canonical ones such as ``"042"^^xsd:integer``).
"""
from __future__ import annotations

import hashlib

import pyoxigraph as ox

from pipeline.settings import Settings
from pipeline.store import open_current, publish
from pipeline.rdf.uris import URIs

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ELI = "http://data.europa.eu/eli/ontology#"
CITO = "http://purl.org/spar/cito/"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RG = "https://w3id.org/resgraph/ontology#"


def n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def lit(value, dt: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    if dt:
        return ox.Literal(str(value), datatype=n(XSD + dt))
    return ox.Literal(str(value))


def dataset_quads(base: str, *, docs: int = 12, clauses: int = 25, variant: int = 0,
                  big: int = 0, big_tag: str = "v1") -> list[ox.Quad]:
    """All quads of one synthetic build.  ``variant`` changes titles and drops document 0."""
    u = URIs(base)
    quads: list[ox.Quad] = []
    un70 = n(u.un("A/RES/70/1"))
    for d in range(docs):
        if variant and d == 0:
            continue  # the modified build no longer has this source
        slug = f"pp18-{d:03d}"
        g = n(u.document_graph(slug))
        doc = n(u.document(slug))
        work = n(u.resolution("pp", str(100 + d)))
        version = n(u.version("pp", str(100 + d), "Dubai", 2018))
        title = f"Resolution {100 + d}: “Telecommunications” – rev. {variant}"
        add = lambda s, p, o: quads.append(ox.Quad(s, n(p) if isinstance(p, str) else p, o, g))  # noqa: E731
        add(work, RDF_TYPE, n(ELI + "LegalResource"))
        add(work, ELI + "number", lit(100 + d))
        add(work, DCT + "title", lit(title, lang="en"))
        add(work, DCT + "title", lit(f"Résolution {100 + d}", lang="fr"))
        add(version, RDF_TYPE, n(RG + "ResolutionVersion"))
        add(version, DCT + "isVersionOf", work)
        add(version, ELI + "date_document", lit("2018-11-16", "date"))
        add(version, PROV + "wasDerivedFrom", doc)
        section = n(u.section(str(version.value), "resolves"))
        add(section, ELI + "is_part_of", version)
        n_clauses = clauses - (5 if variant and d == 1 else 0)
        for k in range(1, n_clauses + 1):
            clause = n(u.clause(str(section.value), str(k)))
            add(clause, RDF_TYPE, n(RG + "Clause"))
            add(clause, RDF_TYPE, n(ELI + "LegalResourceSubdivision"))
            add(clause, ELI + "is_part_of", section)
            add(clause, ELI + "number", lit(str(k)))
            add(clause, RG + "text", lit(f'to "invite" Member States {k};\nsee {{annex}} \\ {d}', lang="en"))
            add(clause, PROV + "wasDerivedFrom", doc)
            add(clause, RG + "charStart", lit(k * 100, "integer"))
            if k % 2 == 0:
                add(clause, CITO + "cites", un70)
            if k % 3 == 0:
                add(clause, CITO + "cites", n(u.resolution("pp", str(100 + (d + k) % docs))))
            if k % 7 == 0:
                add(clause, CITO + "cites", n(f"http://metadata.un.org/sdg/{k % 17 + 1}"))
    inferred = n(u.inferred_graph)
    for q in list(quads):
        if q.predicate.value == CITO + "cites":
            quads.append(ox.Quad(q.subject, n(DCT + "references"), q.object, inferred))
    onto = n(u.ontology_graph)
    quads.append(ox.Quad(n(RG + "Clause"), n("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
                         n(ELI + "LegalResourceSubdivision"), onto))
    quads.append(ox.Quad(n(RG + "text"), n("http://www.w3.org/2000/01/rdf-schema#label"), lit("text", lang="en"), onto))
    ref = n(u.reference_graph)
    for goal in range(1, 18):
        quads.append(ox.Quad(n(f"http://metadata.un.org/sdg/{goal}"), n("http://www.w3.org/2004/02/skos/core#notation"),
                             lit(str(goal)), ref))
    if big:
        bg = n(u.document_graph("big-annex"))
        for i in range(big):
            quads.append(ox.Quad(n(f"{base}id/resolution/pp/999/dubai-2018/annex-1/{i}"), n(RG + "text"),
                                 lit(f"{big_tag} paragraph {i} of a very long annex"), bg))
    return quads


def build_store(tmp_path, base: str, **kw) -> Settings:
    """Publish :func:`dataset_quads` into an embedded store under ``tmp_path``; return its settings."""
    settings = Settings(base=base, store_dir=tmp_path)
    publish(dataset_quads(base, **kw), {"base": base, "synthetic": True}, settings=settings)
    return settings


def local_graph_digest(settings: Settings) -> dict[str, tuple[int, str]]:
    """``{graph: (triples, sha256 of sorted N-Triples)}`` of the published local store."""
    store, _ = open_current(settings)
    out = {}
    for g in store.named_graphs():
        lines = sorted(str(ox.Triple(q.subject, q.predicate, q.object))
                       for q in store.quads_for_pattern(None, None, None, g))
        out[g.value] = (len(lines), digest(lines))
    return out


def digest(lines: list[str]) -> str:
    h = hashlib.sha256()
    for line in sorted(lines):
        h.update(line.encode("utf-8") + b"\n")
    return h.hexdigest()
