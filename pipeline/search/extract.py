"""What the search index holds, read from one published generation with typed-term lookups.

One :class:`Entry` per searchable thing: every clause with an ``rg:text`` (adopted PP-18
texts, the APT's drafts, UN GA resolutions; sub-items and annex paragraphs included), and
the title (``dcterms:title``) of every resolution text.  Each entry carries what a reader
filters on, worked out by walking ``eli:is_part_of`` up to the ``rg:ResolutionText``:

* ``body``   — the ``rg:body`` of the resolution it is a text of (``pp``, ``unga`` …);
* ``kind``   — ``proposed`` (``rg:status`` proposed-text), ``un`` (a UN body) or ``adopted``;
* ``verb``   — the ``rg:verb`` of the clause (UN paragraphs carry their own) or of the nearest
  section above it (``resolves``, ``instructs`` …);
* ``addressees`` — the ``rg:addressee`` values of that section (``member-states`` …);
* ``year``   — ``rg:year`` of the text, else of the version a draft proposes, else the year
  of its ``eli:date_document``.

Only ``quads_for_pattern`` with terms from the closed vocabulary: no query text at all.
On the default corpus this reads ~5,600 clauses in about a second.

For example, ``…/id/resolution/pp/70/dubai-2018/resolves/1`` becomes
``Entry(label="Resolution 70 (Rev. Dubai, 2018), resolves 1", body="pp", kind="adopted",
verb="resolves", addressees=(), year="2018", …)``.
"""
from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..rdf.vocab import CONCEPT_BASE, DCTERMS, ELI, PROV, RDF, RDFS, RG

_TYPE = ox.NamedNode(str(RDF.type))
_CLAUSE = ox.NamedNode(str(RG.Clause))
_SECTION = ox.NamedNode(str(RG.Section))
_TEXT_CLASS = ox.NamedNode(str(RG.ResolutionText))
_TEXT = ox.NamedNode(str(RG.text))
_PART_OF = ox.NamedNode(str(ELI.is_part_of))
_VERB = ox.NamedNode(str(RG.verb))
_ADDRESSEE = ox.NamedNode(str(RG.addressee))
_STATUS = ox.NamedNode(str(RG.status))
_TEXT_OF = ox.NamedNode(str(RG.textOf))
_BODY = ox.NamedNode(str(RG.body))
_YEAR = ox.NamedNode(str(RG.year))
_PROPOSED_VERSION = ox.NamedNode(str(RG.proposedVersion))
_DATE = ox.NamedNode(str(ELI.date_document))
_TITLE = ox.NamedNode(str(DCTERMS.title))
_IDENTIFIER = ox.NamedNode(str(DCTERMS.identifier))
_LABEL = ox.NamedNode(str(RDFS.label))
_DERIVED_FROM = ox.NamedNode(str(PROV.wasDerivedFrom))
_PROPOSED = CONCEPT_BASE + "text-status/proposed-text"
#: bodies whose texts are "UN" texts in the kind facet (the rest are ITU's)
UN_BODIES = frozenset({"unga", "ecosoc", "unsc", "hrc"})
#: the facets, in the order pages show them
FACETS = ("kind", "body", "year", "verb", "addressee")


@dataclass(frozen=True)
class Entry:
    """One searchable row: a clause (``field == "text"``) or a text's title (``"title"``)."""

    uri: str            # the clause, or the text for a title
    text_uri: str       # the resolution text (version, draft, UN resolution) it belongs to
    resolution_uri: str
    label: str          # "Resolution 70 (Rev. Dubai, 2018), resolves 1"
    text_label: str     # "Resolution 70 (Rev. Dubai, 2018)"
    field: str          # "text" | "title"
    content: str
    body: str
    kind: str
    verb: str
    addressees: tuple[str, ...]
    year: str
    position: int


def _objects(store: ox.Store, s, p) -> list:
    return [q.object for q in store.quads_for_pattern(s, p, None, None)]


def _literal(store: ox.Store, s, p) -> str | None:
    """The first literal value, English or untagged preferred."""
    best = None
    for o in _objects(store, s, p):
        if isinstance(o, ox.Literal):
            if o.language in (None, "en"):
                return o.value
            best = best or o.value
    return best


def _slug(node) -> str:
    """The code of a concept IRI (``…/concept/body/pp`` → ``pp``)."""
    return node.value.rstrip("/").rsplit("/", 1)[-1] if isinstance(node, ox.NamedNode) else ""


def _is(store: ox.Store, node, cls) -> bool:
    return any(True for _ in store.quads_for_pattern(node, _TYPE, cls, None))


def _names(store: ox.Store, text) -> list[str]:
    """What a text is called, the best prefix for its clauses' labels first.

    UN texts carry ``"A/RES/80/10"`` and ``"Resolution 80/10 of the General Assembly"@en``;
    their clause labels already start with the symbol (``"A/RES/80/10, operative paragraph 4"``).
    ITU texts' English label is ``"Resolution 70 (Rev. Dubai, 2018)"`` and their clauses are
    labelled within the text (``"resolves 1"``).
    """
    labels = [o for o in _objects(store, text, _LABEL) if isinstance(o, ox.Literal)]
    names = [o.value for o in labels if o.language == "en"] + [o.value for o in labels if o.language != "en"]
    ident = _literal(store, text, _IDENTIFIER)
    if ident:
        names.append(ident)
    return names or [text.value]


class _Texts:
    """Facts about each resolution text, worked out once per text."""

    def __init__(self, store: ox.Store):
        self.store = store
        self._facts: dict = {}

    def facts(self, text) -> dict:
        if text in self._facts:
            return self._facts[text]
        st = self.store
        resolution = next((o for o in _objects(st, text, _TEXT_OF) if isinstance(o, ox.NamedNode)), text)
        body = _slug(next(iter(_objects(st, resolution, _BODY)), None))
        proposed = any(isinstance(o, ox.NamedNode) and o.value == _PROPOSED for o in _objects(st, text, _STATUS))
        kind = "proposed" if proposed else ("un" if body in UN_BODIES else "adopted")
        year = _literal(st, text, _YEAR)
        if not year:
            for version in _objects(st, text, _PROPOSED_VERSION):
                year = _literal(st, version, _YEAR)
                if year:
                    break
        if not year:
            date = _literal(st, text, _DATE)
            year = date[:4] if date and date[:4].isdigit() else ""
        facts = {"resolution": resolution.value, "body": body, "kind": kind, "year": year or "",
                 "names": _names(st, text), "title": _literal(st, text, _TITLE),
                 "sources": tuple(o.value for o in _objects(st, text, _DERIVED_FROM))}
        facts["label"] = facts["names"][0]
        self._facts[text] = facts
        return facts


def entries(store: ox.Store) -> list[Entry]:
    """Every clause with a text and every text's title, with their facets."""
    texts = _Texts(store)
    out: list = []
    seen: set = set()
    for q in store.quads_for_pattern(None, _TEXT, None, None):
        clause, content = q.subject, q.object
        if clause in seen or not isinstance(content, ox.Literal) or not isinstance(clause, ox.NamedNode):
            continue
        if not _is(store, clause, _CLAUSE):
            continue  # footnotes and other records with a text are reached through their clause
        seen.add(clause)
        verb = _slug(next(iter(_objects(store, clause, _VERB)), None))
        addressees: tuple[str, ...] = ()
        node, text = clause, None
        for _ in range(12):  # clause → sub-item → clause → section → (annex) → text
            parent = next((o for o in _objects(store, node, _PART_OF) if isinstance(o, ox.NamedNode)), None)
            if parent is None:
                break
            if _is(store, parent, _TEXT_CLASS):
                text = parent
                break
            if not verb:  # a sub-item speaks with the verb of its paragraph or section
                verb = _slug(next(iter(_objects(store, parent, _VERB)), None))
            if not addressees and _is(store, parent, _SECTION):
                addressees = tuple(sorted(_slug(o) for o in _objects(store, parent, _ADDRESSEE)))
            node = parent
        if text is None:
            continue  # a clause outside any text (none in the corpus): nothing to open it in
        f = texts.facts(text)
        label = _literal(store, clause, _LABEL) or clause.value.rsplit("/", 1)[-1]
        if not any(label.startswith(n) for n in f["names"]):
            label = f"{f['label']}, {label}"
        out.append((clause.value, text, label, content.value, verb, addressees))
    all_texts = sorted({q.subject for q in store.quads_for_pattern(None, _TYPE, _TEXT_CLASS, None)
                        if isinstance(q.subject, ox.NamedNode)}, key=lambda n: n.value)
    for text in all_texts:
        texts.facts(text)
    result: list[Entry] = []
    for uri, text, label, content, verb, addressees in out:
        f = texts.facts(text)
        result.append(Entry(uri, text.value, f["resolution"], label, f["label"], "text", content,
                            f["body"], f["kind"], verb, addressees, f["year"], len(result)))
    for text in all_texts:
        f = texts.facts(text)
        if f["title"]:
            result.append(Entry(text.value, text.value, f["resolution"], f["label"], f["label"], "title", f["title"],
                                f["body"], f["kind"], "", (), f["year"], len(result)))
    return result




_PREF = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
#: the kind facet is ours (it joins rg:status and the body); its labels are fixed here
KIND_LABELS = {"adopted": "adopted text", "proposed": "proposed text (draft)", "un": "UN resolution"}
_SCHEMES = {"body": "body", "verb": "verb", "addressee": "addressee"}


def facet_labels(store: ox.Store, rows: list[Entry]) -> dict[tuple[str, str], str]:
    """(facet, value) → label: the concepts' ``skos:prefLabel`` (``director-bdt`` → "Director of
    the Telecommunication Development Bureau"), the kinds' fixed labels, years as they are."""
    values: set[tuple[str, str]] = set()
    for e in rows:
        values.update({("body", e.body), ("verb", e.verb), ("year", e.year), ("kind", e.kind)})
        values.update(("addressee", a) for a in e.addressees)
    out = {}
    for facet, value in values:
        if not value:
            continue
        label = KIND_LABELS.get(value) if facet == "kind" else None
        if facet in _SCHEMES:
            label = _literal(store, ox.NamedNode(f"{CONCEPT_BASE}{_SCHEMES[facet]}/{value}"), _PREF)
        out[(facet, value)] = label or value
    return out


__all__ = ["Entry", "entries", "facet_labels", "FACETS", "UN_BODIES", "KIND_LABELS"]
