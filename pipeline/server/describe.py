"""What the server says about one resource, for machines (RDF) and for people (HTML).

The description of a URI is every triple with that URI as subject, from all graphs
(asserted, inferred, reference), plus the triples of blank nodes it points to (a Concise
Bounded Description) and of its hash-URI records (``…#citation-1``, which a browser cannot
ask for on their own).  A URI that appears only as an *object* (a UN resolution we cite but
hold no data about) is still described, by the triples that point to it: it is 404 only
when it appears nowhere.

All lookups go through ``quads_for_pattern`` with typed terms: no query text is built from
the request.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from ..settings import Settings
from ..rdf.vocab import CITO, CONCEPT_BASE, DCTERMS, ELI, ONTOLOGY_IRI, PREFIXES, PROV, RG, SKOS, ontology_graph
from ..rdf.uris import URIs
from .timeline import compare_path

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
INCOMING_LIMIT = 1000

_RDF_TYPE = ox.NamedNode(str(RDF.type))
# The first of these that a resource has is its label (English preferred).
LABEL_PREDICATES = tuple(ox.NamedNode(str(p)) for p in (
    DCTERMS.title, SKOS.prefLabel, RDFS.label, DCTERMS.identifier, ELI.number, RG.verbPhrase, RG.message))
_TEXT = ox.NamedNode(str(RG.text))
_LINE = ox.NamedNode(str(RG.lineStart))
_CITES = ox.NamedNode(str(CITO.cites))
_CONCERNS = ox.NamedNode(str(RG.concerns))
_IDENTIFIER = ox.NamedNode(str(DCTERMS.identifier))

@lru_cache(maxsize=1)
def _inverses() -> dict[str, str]:
    """Property → its inverse, both ways, as the ontology declares them (``owl:inverseOf``)."""
    out: dict[str, str] = {}
    for a, b in ontology_graph().subject_objects(URIRef("http://www.w3.org/2002/07/owl#inverseOf")):
        out[str(a)], out[str(b)] = str(b), str(a)
    return out


def _incoming_row(link: "Linker", p: str, subjects: list) -> dict:
    """One row of "other links to this", read forwards: ``X eli:has_part <this>`` is shown as
    "is part of: X" (the inverse the ontology declares); a property with no declared inverse as
    "linked by «text of»: X" — never "text of of"."""
    inverse = _inverses().get(p)
    if inverse is not None:
        return {"predicate": link.term(ox.NamedNode(inverse)), "objects": subjects, "inverse": True}
    return {"predicate": link.term(ox.NamedNode(p)), "objects": subjects, "inverse": False}


@dataclass
class Description:
    uri: str
    triples: list[ox.Triple] = field(default_factory=list)     # outgoing (+ CBD, + hash records)
    incoming: list[ox.Triple] = field(default_factory=list)    # ?s ?p <uri>, at most INCOMING_LIMIT
    incoming_truncated: bool = False

    @property
    def exists(self) -> bool:
        return bool(self.triples or self.incoming)

    def rdf_triples(self) -> list[ox.Triple]:
        """What the RDF formats carry: the outgoing description, or the incoming links when
        the resource is known only as an object."""
        return self.triples if self.triples else self.incoming


def _dedup(quads) -> list[ox.Triple]:
    seen = set()
    out = []
    for q in quads:
        t = q.triple
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


def exists(store: ox.Store, uri: str) -> bool:
    node = ox.NamedNode(uri)
    for _ in store.quads_for_pattern(node, None, None, None):
        return True
    for _ in store.quads_for_pattern(None, None, node, None):
        return True
    return False


def describe(store: ox.Store, uri: str, *, incoming_limit: int = INCOMING_LIMIT) -> Description:
    node = ox.NamedNode(uri)
    d = Description(uri)
    d.triples = _dedup(store.quads_for_pattern(node, None, None, None))
    # Blank nodes reachable from the resource (CBD).
    seen_bnodes: set = set()
    stack = [t.object for t in d.triples if isinstance(t.object, ox.BlankNode)]
    while stack:
        b = stack.pop()
        if b in seen_bnodes:
            continue
        seen_bnodes.add(b)
        more = _dedup(store.quads_for_pattern(b, None, None, None))
        d.triples.extend(more)
        stack.extend(t.object for t in more if isinstance(t.object, ox.BlankNode))
    # Incoming links are needed even for the RDF formats: they find the hash-URI records
    # and describe a resource known only as an object.
    inc: list[ox.Triple] = []
    seen = set()
    for q in store.quads_for_pattern(None, None, node, None):
        t = q.triple
        if t in seen:
            continue
        seen.add(t)
        if len(inc) >= incoming_limit:
            d.incoming_truncated = True
            break
        inc.append(t)
    d.incoming = inc
    # Hash-URI records about this resource (…#citation-1): part of its document.
    prefix = uri + "#"
    records = {t.subject for t in inc if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(prefix)}
    if records and d.triples:
        have = set(d.triples)
        for r in sorted(records, key=lambda n: n.value):
            for t in _dedup(store.quads_for_pattern(r, None, None, None)):
                if t not in have:
                    have.add(t)
                    d.triples.append(t)
    return d


from ..export.akn_graph import is_text
from ..export.rdf import _curie


# ---------------------------------------------------------------- labels ---

@lru_cache(maxsize=4)
def _ontology_labels(ontology_dir: str) -> dict[str, str]:
    try:
        g: Graph = ontology_graph(Path(ontology_dir))
    except Exception:  # pragma: no cover - a broken ontology must not break pages
        return {}
    out: dict[str, str] = {}
    for s, o in g.subject_objects(RDFS.label):
        if isinstance(s, URIRef) and (getattr(o, "language", None) in (None, "en") or str(s) not in out):
            out[str(s)] = str(o)
    for s, o in g.subject_objects(SKOS.prefLabel):
        if isinstance(s, URIRef) and str(s) not in out:
            out[str(s)] = str(o)
    return out


def term_labels(settings: Settings) -> dict[str, str]:
    return _ontology_labels(str(settings.ontology_dir))


def label_of(store: ox.Store, node) -> str | None:
    """The resource's own label, English preferred, from any graph."""
    if not isinstance(node, (ox.NamedNode, ox.BlankNode)):
        return None
    for p in LABEL_PREDICATES:
        best = None
        for q in store.quads_for_pattern(node, p, None, None):
            o = q.object
            if isinstance(o, ox.Literal):
                if o.language in ("en", None) or best is None:
                    best = o.value
                    if o.language == "en":
                        break
        if best:
            return best
    return None


def first_literal(store: ox.Store, node, predicate: ox.NamedNode) -> str | None:
    for q in store.quads_for_pattern(node, predicate, None, None):
        if isinstance(q.object, ox.Literal):
            return q.object.value
    return None


# -------------------------------------------------------- page contexts ---

# Our ontology and concepts are named under https://w3id.org/resgraph/, whose redirect is not
# registered yet: pages link the terms to /ontology#Term and the concepts (from the ontology
# graph of the store) to /doc/concept/…, which this server answers.
_ONTOLOGY_NS = str(RG._NS)
_CONCEPT_DOC = "concept/"


def w3id_path(iri: str) -> str | None:
    """The local path of an ontology term or concept IRI; None for any other IRI.

    >>> w3id_path(str(RG.ResolutionVersion))
    '/ontology#ResolutionVersion'
    >>> w3id_path(CONCEPT_BASE + "action/MOD")
    '/doc/concept/action/MOD'
    """
    if iri.startswith(_ONTOLOGY_NS):
        return "/ontology#" + iri[len(_ONTOLOGY_NS):]
    if iri == str(ONTOLOGY_IRI):
        return "/ontology"
    if iri.startswith(CONCEPT_BASE) and len(iri) > len(CONCEPT_BASE):
        return "/doc/" + _CONCEPT_DOC + iri[len(CONCEPT_BASE):]
    return None


def concept_iri(doc_path: str) -> str | None:
    """The concept IRI a path under ``/doc/`` names (``concept/action/MOD``), the inverse of
    :func:`w3id_path`; None for a path that is not a concept's."""
    if doc_path.startswith(_CONCEPT_DOC) and len(doc_path) > len(_CONCEPT_DOC):
        return CONCEPT_BASE + doc_path[len(_CONCEPT_DOC):]
    return None


class Linker:
    """Turns RDF terms into what a template shows: a label and, when safe, a link."""

    def __init__(self, store: ox.Store, settings: Settings):
        self.store = store
        self.base = settings.base
        self.labels = term_labels(settings)
        self._cache: dict = {}
        self._names: dict[str, str] = {}

    def href(self, iri: str) -> str | None:
        if iri.startswith(self.base):
            return "/" + iri[len(self.base):]
        local = w3id_path(iri)
        if local is not None:
            return local
        if iri.startswith(("http://", "https://")):
            return iri  # never javascript: or data: links from data
        return None

    def name(self, iri: str) -> str:
        """How a resource is cited: its identifier ("Resolution 70 (Rev. Dubai, 2018)", "A/RES/80/16")
        when it has one, else its label: short enough for a list, a breadcrumb or a picture."""
        if iri not in self._names:
            try:
                ident = first_literal(self.store, ox.NamedNode(iri), _IDENTIFIER)
            except ValueError:
                ident = None
            self._names[iri] = ident or self.term(ox.NamedNode(iri))["label"]
        return self._names[iri]

    def short(self, iri: str) -> str:
        if URIs(self.base).is_ours(iri):
            return iri[len(self.base) + 3:]
        return _curie(iri, PREFIXES)

    def term(self, t, *, snippet: bool = False) -> dict:
        if isinstance(t, ox.Literal):
            dt = t.datatype.value
            return {"kind": "literal", "label": t.value, "lang": t.language,
                    "datatype": None if (t.language or dt == XSD_STRING) else _curie(dt, PREFIXES)}
        if isinstance(t, ox.BlankNode):
            return {"kind": "bnode", "label": label_of(self.store, t) or f"_:{t.value}", "iri": None, "href": None}
        if isinstance(t, ox.Triple):
            return {"kind": "literal", "label": str(t), "lang": None, "datatype": None}
        key = (t.value, snippet)
        if key in self._cache:
            return self._cache[key]
        iri = t.value
        label = self.labels.get(iri) or label_of(self.store, t)
        out = {"kind": "iri", "iri": iri, "href": self.href(iri), "label": label or self.short(iri),
               "short": self.short(iri), "snippet": None}
        if snippet:
            text = first_literal(self.store, t, _TEXT)
            if text:
                out["snippet"] = text if len(text) <= 200 else text[:197] + "…"
        self._cache[key] = out
        return out


# Predicates shown first, in this order; the rest alphabetically by label.
_ORDER = [str(p) for p in (DCTERMS.title, DCTERMS.identifier, ELI.number, RG.verbPhrase, RG.text, RG.lineStart,
                           DCTERMS.hasVersion, DCTERMS.isVersionOf, ELI.is_part_of, ELI.has_part, CITO.cites,
                           RG.action, RG.concerns, PROV.wasDerivedFrom)]


def page_context(store: ox.Store, d: Description, settings: Settings) -> dict:
    """Everything the resource template needs, generic over resource types."""
    link = Linker(store, settings)
    node = ox.NamedNode(d.uri)
    own = [t for t in d.triples if t.subject == node]
    types = [link.term(t.object) for t in own if t.predicate == _RDF_TYPE]
    groups: dict[str, list] = {}
    for t in own:
        if t.predicate == _RDF_TYPE:
            continue
        snippet = t.predicate.value == str(ELI.has_part)
        groups.setdefault(t.predicate.value, []).append(link.term(t.object, snippet=snippet))

    def order(p: str):
        return (_ORDER.index(p) if p in _ORDER else len(_ORDER), link.term(ox.NamedNode(p))["label"].lower())

    properties = [{"predicate": link.term(ox.NamedNode(p)), "objects": sorted(v, key=_value_sort_key)}
                  for p, v in sorted(groups.items(), key=lambda kv: order(kv[0]))]
    others = [t for t in d.triples if t.subject != node]
    records: dict[str, list] = {}
    for t in others:
        records.setdefault(t.subject.value if isinstance(t.subject, ox.NamedNode) else f"_:{t.subject.value}", []).append(
            {"predicate": link.term(t.predicate), "value": link.term(t.object)})
    cited_by, concerning, incoming = [], [], {}
    for t in d.incoming:
        if t.predicate == _CITES:
            cited_by.append(link.term(t.subject, snippet=True))
        elif t.predicate == _CONCERNS:
            concerning.append(link.term(t.subject))
        elif not (isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(d.uri + "#")):
            incoming.setdefault(t.predicate.value, []).append(link.term(t.subject))
    text = [t.object.value for t in own if t.predicate == _TEXT and isinstance(t.object, ox.Literal)]
    line = next((t.object.value for t in own if t.predicate == _LINE and isinstance(t.object, ox.Literal)), None)
    title = label_of(store, node) or link.short(d.uri)
    if types and len(title) <= 12 and types[0]["label"] != title:
        title = f"{types[0]['label']} {title}"  # "Clause 5.1" reads better than "5.1"
    return {
        "uri": d.uri, "title": title, "breadcrumbs": _breadcrumbs(store, node, link), "types": types, "properties": properties, "records": records,
        "text": text, "line": line,
        "cited_by": sorted(cited_by, key=lambda v: v["label"]),
        "concerning": sorted(concerning, key=lambda v: v["label"]),
        "incoming": [_incoming_row(link, p, v) for p, v in sorted(incoming.items())],
        "incoming_truncated": d.incoming_truncated, "incoming_limit": INCOMING_LIMIT,
        "only_incoming": not own,
        "compare_href": compare_path(store, d.uri, settings.base),   # the work's timeline, if it has a text
    }


def _value_sort_key(v: dict):
    label = v.get("label") or ""
    # natural sort so that clause 10 comes after 9
    parts = []
    num = ""
    for ch in label:
        if ch.isdigit():
            num += ch
        else:
            if num:
                parts.append((0, int(num), ""))
                num = ""
            parts.append((1, 0, ch.lower()))
    if num:
        parts.append((0, int(num), ""))
    return parts


_PART_OF = ox.NamedNode(str(ELI.is_part_of))
_VERSION_OF = ox.NamedNode(str(DCTERMS.isVersionOf))


def _breadcrumbs(store: ox.Store, node, link: "Linker") -> list[dict]:
    """The chain of wholes a part belongs to (clause → section → version → resolution)."""
    out = []
    seen = {node}
    current = node
    for _ in range(8):
        parent = None
        for p in (_PART_OF, _VERSION_OF):
            for q in store.quads_for_pattern(current, p, None, None):
                if isinstance(q.object, ox.NamedNode) and q.object not in seen:
                    parent = q.object
                    break
            if parent is not None:
                break
        if parent is None:
            break
        seen.add(parent)
        out.append({**link.term(parent), "label": link.name(parent.value)})
        current = parent
    return list(reversed(out))


def text_of(store: ox.Store, uri: str) -> str | None:
    """The text a part belongs to (itself for a text): up ``eli:is_part_of`` until a text."""
    current, seen = uri, set()
    for _ in range(12):
        if is_text(store, current):
            return current
        seen.add(current)
        parents = sorted(q.object.value for q in store.quads_for_pattern(ox.NamedNode(current), _PART_OF, None, None)
                         if isinstance(q.object, ox.NamedNode) and q.object.value not in seen)
        if not parents:
            return None
        # the nearest whole: the longest URI that prefixes ours, else the first
        nested = [p for p in parents if current.startswith(p + "/")]
        current = max(nested, key=len) if nested else parents[0]
    return None
