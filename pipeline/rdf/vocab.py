"""Closed namespaces: the only way code reaches an RDF term.

Terms we mint are declared in ``ontology/resgraph.ttl`` (classes, properties) and
``ontology/concepts.ttl`` (controlled lists, addressees included).  The classes below are
rdflib ``DefinedNamespace``s with ``_fail = True``: a misspelt term raises instead of
silently minting an IRI.  ``tests/test_vocab.py`` checks that ``RG`` declares exactly what
the ontology declares; that every ``rg:`` term and every concept IRI used in code,
``shapes/`` and ``queries/`` exists; and that the ELI, CiTO and SDGO terms used are declared
in the ontology and exist in the vendored term lists (``ontology/vendor/``).

Concepts are looked up by scheme and code, e.g. ``concept("action", "MOD")``; an
unknown code raises ``KeyError``.
"""
from __future__ import annotations

from functools import lru_cache

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace, VOID  # noqa: F401

from ..settings import PROJECT_ROOT

ONTOLOGY_IRI = URIRef("https://w3id.org/resgraph/ontology")
CONCEPT_BASE = "https://w3id.org/resgraph/concept/"


class RG(DefinedNamespace):
    """resgraph ontology, ``https://w3id.org/resgraph/ontology#`` (prefix ``rg``)."""

    _NS = Namespace("https://w3id.org/resgraph/ontology#")
    _fail = True

    # classes
    Resolution: URIRef
    DraftResolution: URIRef
    ResolutionVersion: URIRef
    Section: URIRef
    Clause: URIRef
    Annex: URIRef
    Proposal: URIRef
    SourceDocument: URIRef
    UNDocument: URIRef
    UNResolution: URIRef
    Instrument: URIRef
    Finding: URIRef
    Body: URIRef
    Addressee: URIRef
    SectionVerb: URIRef
    SectionKind: URIRef
    ProposalAction: URIRef
    LabelChange: URIRef
    TextStatus: URIRef
    FindingKind: URIRef
    ResolutionText: URIRef
    DraftText: URIRef
    ClauseOutcome: URIRef
    ProposalOutcome: URIRef
    ChangeKind: URIRef
    ClauseChange: URIRef
    TextualChange: URIRef
    # object properties
    action: URIRef
    concerns: URIRef
    proposesText: URIRef
    proposedIn: URIRef
    body: URIRef
    sectionKind: URIRef
    verb: URIRef
    addressee: URIRef
    labelChange: URIRef
    status: URIRef
    findingKind: URIRef
    about: URIRef
    refersTo: URIRef
    isConcernedBy: URIRef
    isReferredToBy: URIRef
    # citation roll-up (inferred only; property chains in the ontology)
    citesInPart: URIRef
    citesInVersion: URIRef
    citesVersionOf: URIRef
    # datatype properties
    text: URIRef
    verbPhrase: URIRef
    printedLabel: URIRef
    formerLabel: URIRef
    position: URIRef
    place: URIRef
    year: URIRef
    anchor: URIRef
    summary: URIRef
    reasons: URIRef
    citedAs: URIRef
    message: URIRef
    quote: URIRef
    lineStart: URIRef
    lineEnd: URIRef
    charStart: URIRef
    charEnd: URIRef
    sha256: URIRef
    truncatedResult: URIRef
    Footnote: URIRef
    CitationStatus: URIRef
    footnote: URIRef
    resolutionStatus: URIRef
    candidate: URIRef
    # texts (the corpus: adopted, proposed, UN)
    textOf: URIRef
    inText: URIRef
    proposedVersion: URIRef
    report: URIRef
    session: URIRef
    meeting: URIRef
    agendaItem: URIRef
    sourceIdentifier: URIRef
    # outcomes (what a conference did with a proposal) and unflattened drafts
    adoptedAs: URIRef
    draftedAs: URIRef
    clauseOutcome: URIRef
    comparedWith: URIRef
    proposalOutcome: URIRef
    outcomeText: URIRef
    textualChange: URIRef
    changeKind: URIRef
    clauseChange: URIRef
    oldWords: URIRef
    newWords: URIRef
    similarity: URIRef
    printedText: URIRef
    replacedText: URIRef


class ELI(DefinedNamespace):
    """European Legislation Identifier ontology (the terms resgraph uses)."""

    _NS = Namespace("http://data.europa.eu/eli/ontology#")
    _fail = True

    LegalResource: URIRef
    LegalResourceSubdivision: URIRef
    is_part_of: URIRef
    has_part: URIRef
    passed_by: URIRef
    cites: URIRef
    amends: URIRef
    changes: URIRef
    number: URIRef
    title: URIRef
    date_document: URIRef


class CITO(DefinedNamespace):
    """Citation Typing Ontology (the terms resgraph uses)."""

    _NS = Namespace("http://purl.org/spar/cito/")
    _fail = True

    cites: URIRef
    isCitedBy: URIRef
    Citation: URIRef
    hasCitingEntity: URIRef
    hasCitedEntity: URIRef
    hasCitationCharacterization: URIRef


class SDGO(DefinedNamespace):
    """UN SDG ontology (the terms resgraph uses)."""

    _NS = Namespace("http://metadata.un.org/sdg/ontology#")
    _fail = True

    Goal: URIRef
    Target: URIRef
    Indicator: URIRef
    hasTarget: URIRef
    isTargetOf: URIRef
    hasIndicator: URIRef
    isIndicatorOf: URIRef
    SDGCodeCompact: URIRef


#: Prefixes used in serialisations and in ``queries/``.
PREFIXES: dict[str, str] = {
    "rg": str(RG._NS),
    "rgc": CONCEPT_BASE,
    "eli": str(ELI._NS),
    "cito": str(CITO._NS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "skos": str(SKOS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "sdgo": str(SDGO._NS),
    "void": str(VOID),
}

ONTOLOGY_FILES = ("resgraph.ttl", "concepts.ttl")


def ontology_graph(ontology_dir=None) -> Graph:
    """The ontology (classes, properties, concept schemes) as one rdflib graph."""
    ontology_dir = ontology_dir or PROJECT_ROOT / "ontology"
    g = Graph()
    for name in ONTOLOGY_FILES:
        g.parse(ontology_dir / name, format="turtle")
    return g


@lru_cache(maxsize=1)
def _concepts() -> dict[tuple[str, str], URIRef]:
    g = Graph().parse(PROJECT_ROOT / "ontology" / "concepts.ttl", format="turtle")
    out = {}
    for c in g.subjects(RDF.type, SKOS.Concept):
        rest = str(c)[len(CONCEPT_BASE):]
        scheme, _, code = rest.partition("/")
        out[(scheme, code)] = URIRef(c)
    return out


def concept(scheme: str, code: str) -> URIRef:
    """The IRI of a controlled-list concept; ``KeyError`` when the list lacks it.

    >>> concept("action", "MOD")
    rdflib.term.URIRef('https://w3id.org/resgraph/concept/action/MOD')
    """
    try:
        return _concepts()[(scheme, code)]
    except KeyError:
        raise KeyError(f"no concept {code!r} in scheme {scheme!r} (ontology/concepts.ttl)") from None


def concept_codes(scheme: str) -> list[str]:
    return sorted(code for (s, code) in _concepts() if s == scheme)
