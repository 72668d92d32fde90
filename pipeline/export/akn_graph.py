"""What the Akoma Ntoso writer needs of one text, read from the published graph (never from the
parser's model: whatever the graph holds of a text is written, for every reader's texts alike).

A text is an ``rg:ResolutionText``; its parts are reached by ``eli:has_part`` (sections, annexes,
clauses) and ``rg:footnote``; its citation records are the ``cito:Citation``s whose citing entity is
one of those parts.  Named graphs are merged (the inferred graph repeats some statements).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from ..rdf.vocab import CITO, ELI, RG
from ..store import query_options

_T = {k: ox.NamedNode(str(v)) for k, v in {
    "type": RDF.type, "has_part": ELI.has_part, "is_part_of": ELI.is_part_of, "footnote": RG.footnote,
    "citing": CITO.hasCitingEntity, "prefLabel": SKOS.prefLabel,
}.items()}


@dataclass
class Node:
    """One resource of the text: its URI and its statements (predicate IRI → values, as strings)."""

    uri: str
    props: dict[str, list[str]] = field(default_factory=dict)

    def one(self, pred, default: str | None = None) -> str | None:
        v = self.props.get(str(pred))
        return sorted(v)[0] if v else default

    def all(self, pred) -> list[str]:
        return sorted(self.props.get(str(pred), ()))

    def is_a(self, cls) -> bool:
        return str(cls) in self.props.get(str(RDF.type), ())

    def position(self) -> int:
        try:
            return int(self.one(RG.position, "0"))
        except ValueError:
            return 0


@dataclass
class Citation:
    uri: str
    citing: str
    target: str
    printed: str
    status: str | None


@dataclass
class Part:
    """A section, annex or clause of the text, with its parts in order."""

    node: Node
    kind: str                                   # section | annex | clause
    children: list["Part"] = field(default_factory=list)
    footnotes: list[Node] = field(default_factory=list)


@dataclass
class Text:
    node: Node
    parts: list[Part]                           # sections and annexes, in order
    citations: list[Citation]
    labels: dict[str, str]                      # concept/body/proposal IRI → its label
    proposal: Node | None = None
    proposed_version: Node | None = None


def _node(store: ox.Store, uri: str) -> Node:
    n = Node(uri)
    seen = set()
    for q in store.quads_for_pattern(ox.NamedNode(uri), None, None, None):
        key = (q.predicate.value, q.object.value)
        if key in seen:
            continue
        seen.add(key)
        n.props.setdefault(q.predicate.value, []).append(q.object.value)
    return n


def text_uris(store: ox.Store) -> list[str]:
    """Every text of the published graph, in URI order."""
    out = {q.subject.value for q in store.quads_for_pattern(None, _T["type"], ox.NamedNode(str(RG.ResolutionText)), None)
           if isinstance(q.subject, ox.NamedNode)}
    return sorted(out)


def is_text(store: ox.Store, uri: str) -> bool:
    try:
        node = ox.NamedNode(uri)
    except ValueError:
        return False
    return any(True for _ in store.quads_for_pattern(node, _T["type"], ox.NamedNode(str(RG.ResolutionText)), None))


def _label(store: ox.Store, uri: str) -> str | None:
    for pred in (_T["prefLabel"], ox.NamedNode(str(RDFS.label)), ox.NamedNode(str(DCTERMS.identifier))):
        vals = sorted({q.object.value for q in store.quads_for_pattern(ox.NamedNode(uri), pred, None, None)
                       if isinstance(q.object, ox.Literal) and (q.object.language in (None, "", "en"))})
        if vals:
            return vals[0]
    return None


def load(store: ox.Store, uri: str) -> Text:
    """The text ``uri`` with its parts, footnotes, citation records and the labels of what it names."""
    root = _node(store, uri)
    nodes: dict[str, Node] = {uri: root}

    def part(n: Node, depth: int) -> Part:
        kind = "annex" if n.is_a(RG.Annex) else "section" if n.is_a(RG.Section) else "clause"
        p = Part(n, kind)
        kids = []
        for child in n.all(ELI.has_part):
            if child in nodes or depth > 40:
                continue
            c = nodes[child] = _node(store, child)
            if c.is_a(RG.Footnote):           # a footnote is written at its marker, not as a part
                del nodes[child]
                continue
            # a clause listed by its section and by its parent clause: it belongs to the nearest
            parents = [x for x in c.all(ELI.is_part_of) if x != n.uri]
            if kind == "section" and any(x.startswith(n.uri + "/") for x in parents):
                del nodes[child]
                continue
            kids.append(c)
        for c in sorted(kids, key=lambda c: (c.position(), c.uri)):
            p.children.append(part(c, depth + 1))
        for f in n.all(RG.footnote):
            if f not in nodes:
                nodes[f] = _node(store, f)
                p.footnotes.append(nodes[f])
        p.footnotes.sort(key=lambda f: (int(f.one(RG.charStart, "0")), f.uri))
        return p

    parts = []
    for child in root.all(ELI.has_part):
        if child not in nodes:
            nodes[child] = _node(store, child)
    tops = [nodes[c] for c in root.all(ELI.has_part)]
    for n in sorted(tops, key=lambda n: (n.position(), n.uri)):
        parts.append(part(n, 0))
    citations = []
    seen = set()
    for u in list(nodes):
        for q in store.quads_for_pattern(None, _T["citing"], ox.NamedNode(u), None):
            c = q.subject.value
            if c in seen:
                continue
            seen.add(c)
            cn = _node(store, c)
            target = cn.one(CITO.hasCitedEntity)
            if target is None:
                continue
            citations.append(Citation(c, u, target, cn.one(RG.citedAs, "") or "", cn.one(RG.status)))
    citations.sort(key=lambda c: (c.citing, _num_suffix(c.uri)))
    labels: dict[str, str] = {}
    wanted = set(root.all(RG.body)) | set(root.all(ELI.passed_by)) | set(root.all(RG.status))
    for n in nodes.values():
        wanted |= set(n.all(RG.addressee))
    for w in wanted:
        labels[w] = _label(store, w) or w.rstrip("/").rsplit("/", 1)[-1]
    t = Text(root, parts, citations, labels)
    prop = root.one(RG.proposedIn)
    if prop:
        t.proposal = _node(store, prop)
    pv = root.one(RG.proposedVersion)
    if pv:
        t.proposed_version = _node(store, pv)
    return t


def _num_suffix(uri: str) -> tuple[int, str]:
    tail = uri.rsplit("-", 1)[-1]
    return (int(tail), uri) if tail.isdigit() else (0, uri)


def adoption_date(store: ox.Store, version_uri: str) -> str | None:
    """The adoption date the graph holds for a version (a draft's proposed version, when adopted)."""
    for q in store.quads_for_pattern(ox.NamedNode(version_uri), ox.NamedNode(str(ELI.date_document)), None, None):
        return q.object.value
    return None


def outcome_modifications(store: ox.Store, text_uri: str) -> list[tuple[str, str | None, str | None, str]]:
    """The textual changes a conference made to the drafts it adopted as this text (graph/outcomes:
    ``?draft rg:adoptedAs ?clause ; rg:textualChange ?c``), as ``(kind, old, new, href)`` for the
    writer's ``passiveModifications``; href is the adopted clause.  Empty for a text no outcome names."""
    q = """SELECT ?text ?clause ?kind ?old ?new ?n WHERE {
      ?clause eli:is_part_of+ ?text .
      ?draft rg:adoptedAs ?clause ; rg:textualChange ?c .
      ?c rg:changeKind/skos:notation ?kind ; rg:oldWords ?old ; rg:newWords ?new .
      BIND (STR(?c) AS ?n)
    } ORDER BY ?clause ?n"""
    rows = store.query(q, prefixes={"eli": str(ELI), "rg": str(RG), "skos": str(SKOS)},
                       **query_options(store), substitutions={ox.Variable("text"): ox.NamedNode(text_uri)})
    return [(r["kind"].value, r["old"].value or None, r["new"].value or None, r["clause"].value) for r in rows]
