"""Every shape tested twice: the conforming graph passes, each violating graph fails exactly so.

Fixtures are in ``tests/fixtures/shapes/`` (see its README): ``conforming.ttl`` has one
valid instance of every class we publish; each ``violating-*.ttl`` is *added* to it and
must produce exactly the (severity, shape, focus, message) rows listed below — SHACL Core
shapes through pyshacl (:func:`pipeline.checks.shacl`), SHACL-SPARQL shapes through the
one-pass pyoxigraph executor (:func:`pipeline.checks.graph_checks`).  A last test runs
pyshacl itself on the SHACL-SPARQL shapes and checks that it reports the same rows.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from pipeline.settings import Settings
from pipeline.checks import SEVERITY, all_shapes, graph_checks, shacl, shapes_graph, sparql_checks
from pipeline.rdf.vocab import ontology_graph
from pipeline.rdf.triples import graph_quads

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
EX = "http://example.org/id/"
RGS = "https://w3id.org/resgraph/shapes#"
SETTINGS = Settings()


@pytest.fixture(scope="module")
def env():
    return {"core": shapes_graph(SETTINGS), "all": all_shapes(SETTINGS), "onto": ontology_graph()}


def data(name: str | None) -> Graph:
    g = Graph().parse(FIXTURES / "conforming.ttl")
    if name:
        g.parse(FIXTURES / name)
    return g


def short(iri: str, base: str) -> str:
    return iri[len(base):] if iri.startswith(base) else iri


def rows(results) -> list[tuple]:
    return sorted({(r.severity, short(r.shape, RGS), short(r.focus, EX), r.message) for r in results})


def validate(g: Graph, env) -> list[tuple]:
    core = shacl(g, settings=SETTINGS, shapes=env["core"], ontology=env["onto"])
    st = ox.Store()
    st.extend(graph_quads(g, "urn:x-test:data"))
    st.extend(graph_quads(env["onto"], "urn:x-test:ontology"))
    return rows(core.results + graph_checks(st, shapes=env["all"]).results)


#: fixture → the exact (severity, shape, focus, message) rows it must produce
EXPECTED = {
    'violating-addressee.ttl': [
        ('violation', 'AddresseeKnownShape', 'proposal/ACP/64A1/4/text/instructs-the-secretary-general', 'This section addresses https://w3id.org/resgraph/concept/addressee/the-moon, which is not an entry of the addressee list.'),
    ],
    'violating-annex.ttl': [
        ('violation', 'Annex-isPartOf', 'proposal/ACP/64A1/4/text/annex-9', 'An annex must belong to exactly one text (adopted version, draft, UN resolution).'),
        ('violation', 'Annex-position', 'proposal/ACP/64A1/4/text/annex-9', 'An annex needs its position among the parts of its version.'),
        ('violation', 'Annex-title', 'proposal/ACP/64A1/4/text/annex-9', 'An annex needs a title (or at least its heading, e.g. ANNEX 2 TO RESOLUTION 48).'),
    ],
    'violating-citation-target.ttl': [
        ('violation', 'Citation-cited', 'proposal/ACP/64A1/4/text/instructs-the-secretary-general/2#citation-1', 'A citation must resolve to exactly one cited resource.'),
        ('violation', 'CitationTargetShape', 'proposal/ACP/64A1/4/text/instructs-the-secretary-general/2#citation-1', 'This citation points at http://example.org/id/un/A/RES/70/999, which the graph does not describe (it has no type): a reader cannot look it up.'),
        ('violation', 'CitationTargetShape', 'proposal/ACP/64A1/4/text/instructs-the-secretary-general/2#citation-1', 'This citation resolves to more than one resource (one of them: http://example.org/id/un/A/RES/70/1); a citation must have exactly one target.'),
        ('violation', 'CitationTargetShape', 'proposal/ACP/64A1/4/text/instructs-the-secretary-general/2#citation-1', 'This citation resolves to more than one resource (one of them: http://example.org/id/un/A/RES/70/999); a citation must have exactly one target.'),
        ('violation', 'CitationTargetShape', 'proposal/ACP/64A1/4/text/instructs-the-secretary-general/2#citation-1', 'This citation stands in the proposed text, but its clause does not cite http://example.org/id/un/A/RES/70/1 (cito:cites is missing).'),
        ('violation', 'CitationTargetShape', 'proposal/ACP/64A1/4/text/instructs-the-secretary-general/2#citation-1', 'This citation stands in the proposed text, but its clause does not cite http://example.org/id/un/A/RES/70/999 (cito:cites is missing).'),
    ],
    'violating-citation.ttl': [
        ('violation', 'Citation-cited', 'citation-bad', 'A citation must resolve to exactly one cited resource.'),
        ('violation', 'Citation-citedAs', 'citation-bad', 'A citation must keep the words it was printed with.'),
        ('violation', 'Citation-citing', 'citation-bad', 'A citation must have exactly one citing clause.'),
        ('violation', 'Citation-resolutionStatus', 'citation-bad', 'A citation must say how it ended against the registry of known instruments: resolved, unverified, broken or ambiguous.'),
        ('violation', 'Citation-status', 'citation-bad', 'A citation must say whether it stands in the proposed text or in deleted text.'),
        ('violation', 'Citation-verb', 'citation-bad', 'A citation is characterised by at most one section verb (recalling, noting, instructs …).'),
    ],
    'violating-clause.ttl': [
        ('info', 'DeletedClause-labelChange', 'proposal/ACP/64A1/4/text/instructs-the-secretary-general/former-3', 'This clause does not fit the new numbering and was read as deleted by a flattened tracked change; check it against the original document.'),
        ('violation', 'Clause-cites', 'proposal/ACP/64A1/4/text/bad', 'A clause cites resources by IRI, never by text.'),
        ('violation', 'Clause-isPartOf', 'proposal/ACP/64A1/4/text/bad', 'A clause must belong to exactly one section or clause.'),
        ('violation', 'Clause-labelChange', 'proposal/ACP/64A1/4/text/bad', 'A clause must say how its label fared (unchanged, renumbered, inserted, deleted, uncertain).'),
        ('violation', 'Clause-lineStart', 'proposal/ACP/64A1/4/text/bad', 'A clause must keep its source line.'),
        ('violation', 'Clause-number', 'proposal/ACP/64A1/4/text/bad', 'A clause has at most one label under the new numbering.'),
        ('violation', 'Clause-text', 'proposal/ACP/64A1/4/text/bad', 'A clause needs its text.'),
        ('violation', 'Clause-wasDerivedFrom', 'proposal/ACP/64A1/4/text/bad', 'A clause must name the source document it came from.'),
    ],
    'violating-concept.ttl': [
        ('violation', 'Concept-definition', 'https://w3id.org/resgraph/concept/addressee/nobody', 'An entry of a controlled list needs a definition.'),
        ('violation', 'Concept-inScheme', 'https://w3id.org/resgraph/concept/addressee/nobody', 'An entry of a controlled list must belong to exactly one list (concept scheme).'),
        ('violation', 'Concept-notation', 'https://w3id.org/resgraph/concept/addressee/nobody', 'An entry of a controlled list needs exactly one code (skos:notation).'),
        ('violation', 'Concept-prefLabel', 'https://w3id.org/resgraph/concept/addressee/nobody', 'An entry of a controlled list needs one preferred label per language.'),
    ],
    'violating-finding.ttl': [
        ('violation', 'Finding-about', 'finding/bad', 'A finding must say which resource or document it is about.'),
        ('violation', 'Finding-kind', 'finding/bad', 'A finding needs exactly one kind, from the list of finding kinds.'),
        ('violation', 'Finding-lineStart', 'finding/bad', 'A finding must point at a source line.'),
        ('violation', 'Finding-message', 'finding/bad', 'A finding needs a message.'),
    ],
    'violating-footnote.ttl': [
        ('violation', 'Footnote-isPartOf', 'footnote-bad', 'A footnote must be attached to exactly one clause.'),
        ('violation', 'Footnote-text', 'footnote-bad', 'A footnote needs its text.'),
    ],
    'violating-instrument.ttl': [
        ('violation', 'Instrument-title', 'instrument/itu/convention', 'An instrument (Constitution, Convention, Recommendation, decision, Council document …) needs exactly one identifier as cited (its title is often not in the citing text and is never invented).'),
    ],
    'violating-proposal-target.ttl': [
        ('violation', 'ProposalTargetExistsShape', 'proposal/ACP/64A1/90', 'This proposal concerns http://example.org/id/resolution/pp/404, which the graph does not describe (it has no type).'),
        ('warning', 'ProposalTargetFitsActionShape', 'proposal/ACP/64A1/91', 'This proposal adds text (ADD) to http://example.org/id/resolution/pp/25, an existing resolution, instead of announcing a draft new resolution; check its action and heading.'),
        ('warning', 'ProposalTargetFitsActionShape', 'proposal/ACP/64A1/92', 'This proposal keeps, modifies or suppresses http://example.org/id/resolution/pp/draft-acp-1, which is a draft new resolution, not an existing one; check its action and heading.'),
        ('warning', 'ProposalTargetFitsActionShape', 'proposal/ACP/64A1/92', 'This proposal modifies a resolution, but the text it sets out (http://example.org/id/proposal/ACP/64A1/92/text) does not say which earlier version it revises; the heading should read (Rev. Place, Year).'),
    ],
    'violating-proposal.ttl': [
        ('violation', 'Proposal-action', 'proposal/bad', 'A proposal needs exactly one action: NOC, MOD, ADD or SUP.'),
        ('violation', 'Proposal-concerns', 'proposal/bad', 'A proposal must say which instrument it concerns.'),
        ('violation', 'Proposal-identifier', 'proposal/bad', 'A proposal needs exactly one symbol such as ACP/64A1/7.'),
        ('violation', 'Proposal-isPartOf', 'proposal/bad', 'A proposal must belong to a source document.'),
        ('violation', 'Proposal-lineStart', 'proposal/bad', 'A proposal must keep the line where it starts in the source.'),
        ('violation', 'Proposal-proposesText', 'proposal/bad', 'A proposal can only set out a draft text of a resolution or of an annex.'),
    ],
    'violating-resolution.ttl': [
        ('violation', 'DraftResolution-number', 'resolution/pp/draft-bad', 'A draft new resolution has no number until a conference adopts it.'),
        ('violation', 'Resolution-body', 'resolution/pp/bad', 'A resolution needs exactly one adopting body (PP, WTDC, WTSA, RA, Council …); it is never guessed from the number.'),
        ('violation', 'Resolution-identifier', 'resolution/pp/bad', 'A resolution needs exactly one identifier, as a librarian would cite it.'),
        ('violation', 'Resolution-label', 'resolution/pp/bad', 'A resolution needs a label for people.'),
        ('violation', 'ResolutionShape', 'resolution/pp/bad', 'A resolution needs exactly one number, unless it is a draft new resolution.'),
    ],
    'violating-section.ttl': [
        ('violation', 'AddresseeKnownShape', 'proposal/ACP/64A1/4/text/bad', 'This section addresses the Secretary-General, which is not an entry of the addressee list.'),
        ('violation', 'Section-addressee', 'proposal/ACP/64A1/4/text/bad', 'An addressee must be an entry of the addressee list (an IRI), not text.'),
        ('violation', 'Section-isPartOf', 'proposal/ACP/64A1/4/text/bad', 'A section must belong to exactly one text (adopted version, draft, UN resolution) or annex.'),
        ('violation', 'Section-kind', 'proposal/ACP/64A1/4/text/bad', 'A section must be preambular, operative or annex text.'),
        ('violation', 'Section-lineStart', 'proposal/ACP/64A1/4/text/bad', 'A section must keep the line where it starts in the source.'),
        ('violation', 'Section-verb', 'proposal/ACP/64A1/4/text/bad', 'A section has at most one verb, from the list of section verbs.'),
        ('violation', 'Section-verbPhrase', 'proposal/ACP/64A1/4/text/bad', 'A section needs its verb phrase as printed.'),
    ],
    'violating-source-document.ttl': [
        ('violation', 'SourceDocument-sha256', 'document/bad', 'A source document needs exactly one SHA-256 checksum of its bytes (64 hexadecimal digits).'),
        ('violation', 'SourceDocument-title', 'document/bad', 'A source document needs a title.'),
    ],
    'violating-un-document.ttl': [
        ('violation', 'UNDocument-body', 'un/A/RES/68/19872', 'A UN document has at most one UN organ (General Assembly, ECOSOC, Human Rights Council).'),
        ('violation', 'UNDocument-identifier', 'un/A/RES/68/19872', "A UN document needs exactly one UN symbol in the UN's own form (A/RES/70/1, A/RES/1653(XVI), S/RES/2282(2016), A/AC.292/2025/INF/5/Rev.1); a glued symbol such as 68/19872/200 is a parsing defect."),
        ('violation', 'UNDocument-seeAlso', 'un/A/RES/68/19872', "A UN document must link to the UN's own copy (https://undocs.org/{symbol})."),
        ('violation', 'UNResolution-identifier', 'un/A/72/493', "A UN resolution's symbol contains /RES/ (A/RES/70/1, E/RES/2012/24); other symbols are UN documents."),
    ],
    'violating-text.ttl': [
        ('violation', 'DraftText-isVersionOf', 'proposal/ACP/64A1/93/text', 'A draft text is a version of exactly one resolution.'),
        ('violation', 'DraftText-proposedIn', 'proposal/ACP/64A1/93/text', 'A draft text is set out by exactly one proposal.'),
        ('violation', 'DraftText-proposedVersion', 'proposal/ACP/64A1/93/text', 'A draft text proposes at most one version.'),
        ('violation', 'ResolutionText-status', 'proposal/ACP/64A1/93/text', 'A text is either adopted or proposed, never both.'),
        ('violation', 'ResolutionText-status', 'resolution/pp/25/text-x', 'A text is either adopted or proposed, never both.'),
        ('violation', 'ResolutionText-textOf', 'resolution/pp/25/text-x', 'A text names exactly one resolution it is a text of (rg:textOf).'),
        ('violation', 'ResolutionText-wasDerivedFrom', 'resolution/pp/25/text-x', 'A text comes from a source document.'),
    ],
    'violating-unique-label.ttl': [
        ('violation', 'UniqueClauseLabelShape', 'proposal/ACP/64A1/4/text/instructs-the-secretary-general', 'Two or more clauses of this part carry the label "1" under the new numbering; each clause needs its own label.'),
    ],
    'violating-version-place-year.ttl': [
        ('violation', 'VersionPlaceYearShape', 'resolution/pp/25/dubai-2019', "This version's URI does not end with the place and year it names (Dubai, 2018); versions are named {place}-{year}, e.g. dubai-2018."),
        ('violation', 'VersionPlaceYearShape', 'resolution/pp/25/kyoto-1994', 'This version is said to revise http://example.org/id/resolution/pp/25/busan-2014, which is not older; the later year is always the new revision.'),
        ('warning', 'VersionPlaceSpellingShape', 'resolution/pp/25/dubai-2018', 'Another version of this resolution has the same year but names its place differently (Dubay); the source probably misspells the place.'),
        ('warning', 'VersionPlaceSpellingShape', 'resolution/pp/25/dubai-2019', 'Another version of this resolution has the same year but names its place differently (Dubay); the source probably misspells the place.'),
        ('warning', 'VersionPlaceSpellingShape', 'resolution/pp/25/dubay-2018', 'Another version of this resolution has the same year but names its place differently (Dubai); the source probably misspells the place.'),
    ],
    'violating-version.ttl': [
        ('violation', 'ResolutionVersion-isVersionOf', 'resolution/pp/25/x-2018', 'A version must be a version of exactly one resolution.'),
        ('violation', 'ResolutionVersion-place', 'resolution/pp/25/x-2018', 'A version must name the place of its conference (e.g. Dubai).'),
        ('violation', 'ResolutionVersion-proposedIn', 'resolution/pp/25/x-2018', 'A version can only be proposed in a proposal.'),
        ('violation', 'ResolutionVersion-status', 'resolution/pp/25/x-2018', 'A version has at most one text status (adopted-text where the graph holds its adopted text; none when it is only referenced).'),
        ('violation', 'ResolutionVersion-wasRevisionOf', 'resolution/pp/25/x-2018', 'A version revises at most one earlier version of the same resolution.'),
        ('violation', 'ResolutionVersion-year', 'resolution/pp/25/x-2018', 'A version must name the year of its conference (e.g. 2018).'),
        ('violation', 'VersionPlaceYearShape', 'resolution/pp/25/x-2018', 'This version is said to revise http://example.org/id/resolution/pp/25/dubai-2018, which is not older; the later year is always the new revision.'),
        ('violation', 'VersionPlaceYearShape', 'resolution/pp/25/x-2018', "This version's URI does not end with the place and year it names (Doha, 2018); versions are named {place}-{year}, e.g. dubai-2018."),
        ('violation', 'VersionPlaceYearShape', 'resolution/pp/25/x-2018', "This version's URI does not end with the place and year it names (Dubai, 2018); versions are named {place}-{year}, e.g. dubai-2018."),
    ],
}


def test_conforming_graph_conforms(env):
    assert validate(data(None), env) == []


def test_conforming_graph_exercises_every_node_shape(env):
    """Each node shape has at least one focus node in conforming.ttl (so 'conforms' means something)."""
    g = data(None) + env["onto"]
    for shape in set(env["all"].subjects(RDF.type, SH.NodeShape)):
        classes = list(env["all"].objects(shape, SH.targetClass))
        instances = {s for c in classes for s in g.transitive_subjects(RDFS.subClassOf, c)
                     for s in g.subjects(RDF.type, s)}
        assert instances, f"no instance of {classes} in conforming.ttl for {shape}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_violating_graph_fires_exactly(env, name):
    assert validate(data(name), env) == EXPECTED[name]


def test_every_violating_fixture_is_listed():
    assert sorted(p.name for p in FIXTURES.glob("violating-*.ttl")) == sorted(EXPECTED)


def test_every_shape_fires_in_some_fixture(env):
    """Every property shape, every node shape with its own constraint and every SPARQL shape."""
    g = env["all"]
    named = {short(str(s), RGS) for s in g.subjects(RDF.type, SH.PropertyShape)}
    named |= {short(str(s), RGS) for s, _ in g.subject_objects(SH.sparql)}
    named |= {short(str(s), RGS) for s in g.subjects(RDF.type, SH.NodeShape) if g.value(s, SH["or"]) is not None}
    fired = {row[1] for rows_ in EXPECTED.values() for row in rows_}
    assert named - fired == set()


# Findings about the sources are warnings/notes (published and reported); everything else
# is a defect of our own output and blocks publishing.
SOURCE_FINDINGS = {"DeletedClause-labelChange": "info", "DeletedClauseShape": "info",
                   "VersionPlaceSpellingShape": "warning", "ProposalTargetFitsActionShape": "warning"}


def test_severity_is_on_purpose(env):
    g = env["all"]
    for s in set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape)):
        sev = SEVERITY.get(g.value(s, SH.severity), "violation")
        assert sev == SOURCE_FINDINGS.get(short(str(s), RGS), "violation"), s


SPARQL_FIXTURES = ["violating-addressee.ttl", "violating-citation-target.ttl", "violating-proposal-target.ttl",
                   "violating-unique-label.ttl", "violating-version-place-year.ttl"]


@pytest.mark.parametrize("name", SPARQL_FIXTURES)
def test_one_pass_executor_equals_pyshacl(env, name):
    """pyshacl (one query per focus node, $this pre-bound) reports what graph_checks reports."""
    sparql_shapes = Graph()
    for s, c in env["all"].subject_objects(SH.sparql):
        for t in env["all"].triples((s, None, None)):
            sparql_shapes.add(t)
        for t in env["all"].cbd(c):
            sparql_shapes.add(t)
    for t in env["all"].cbd(URIRef(RGS)):
        sparql_shapes.add(t)
    g = data(name) + env["onto"]
    _ok, report, _text = pyshacl_validate(g, shacl_graph=sparql_shapes, advanced=True, inference="none",
                                          allow_warnings=True)
    theirs = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        theirs.add((SEVERITY[report.value(r, SH.resultSeverity)], short(str(report.value(r, SH.sourceShape)), RGS),
                    short(str(report.value(r, SH.focusNode)), EX), str(report.value(r, SH.resultMessage))))
    st = ox.Store()
    st.extend(graph_quads(g, "urn:x-test:data"))
    ours = set(rows(graph_checks(st, shapes=env["all"]).results))
    assert ours == theirs
    assert ours, "the fixture should violate a SHACL-SPARQL shape"


def test_sparql_constraints_are_runnable(env):
    checks = sparql_checks(env["all"])
    assert len(checks) >= 10
    for c in checks:
        assert "?this" in c.query and "$this" not in c.query
