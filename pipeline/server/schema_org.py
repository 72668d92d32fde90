"""schema.org ``Legislation`` for the page of a text (an adopted or proposed resolution, a UN
resolution): the JSON-LD that search engines and generic crawlers read, embedded in the page's
``<script type="application/ld+json">``.

Computed from the text's own description in the store, never written by hand:

=========================  ==================================================================
``legislationIdentifier``  ``dcterms:identifier`` ("Resolution 70 (Rev. Dubai, 2018)", "A/RES/80/16")
``name``                   ``dcterms:title`` (its language is ``inLanguage``)
``legislationDate``        ``eli:date_document``
``legislationPassedBy``    the body (``eli:passed_by``, else ``rg:body``, of the text or of the
                           resolution it is a text of), by its label
``exampleOfWork``          the resolution (``dcterms:isVersionOf``)
``isPartOf``               the document it was read from (``dcterms:isPartOf``)
``hasPart``                its sections and annexes (``eli:has_part``), in document order
``legislationLegalForce``  ``InForce`` for an adopted text (``rg:status`` adopted-text); a
                           proposed text has none and says ``creativeWorkStatus`` instead
``sameAs``                 ``rdfs:seeAlso`` (the UN's own page of a UN resolution)
=========================  ==================================================================
"""
from __future__ import annotations

import json
from typing import Callable

import pyoxigraph as ox
from markupsafe import Markup
from rdflib.namespace import RDFS

from ..rdf.vocab import DCTERMS, ELI, RG, concept
from .describe import first_literal, label_of

_P = {name: ox.NamedNode(str(iri)) for name, iri in {
    "identifier": DCTERMS.identifier, "title": DCTERMS.title, "date": ELI.date_document,
    "passed_by": ELI.passed_by, "body": RG.body, "version_of": DCTERMS.isVersionOf,
    "part_of": DCTERMS.isPartOf, "has_part": ELI.has_part, "status": RG.status, "see_also": RDFS.seeAlso,
}.items()}
_POSITION = ox.NamedNode(str(RG.position))
_ADOPTED = ox.NamedNode(str(concept("text-status", "adopted-text")))


def _objects(store: ox.Store, node, name: str) -> list:
    seen, out = set(), []
    for q in store.quads_for_pattern(node, _P[name], None, None):
        if q.object not in seen:
            seen.add(q.object)
            out.append(q.object)
    return out


def _first_iri(store: ox.Store, node, *names: str):
    for name in names:
        for o in _objects(store, node, name):
            if isinstance(o, ox.NamedNode):
                return o
    return None


def _position(store: ox.Store, node) -> int:
    value = first_literal(store, node, _POSITION)
    return int(value) if value and value.lstrip("-").isdigit() else 1 << 30


def legislation(store: ox.Store, uri: str, url_of: Callable[[str], str | None]) -> dict:
    """The schema.org description of the text ``uri``; ``url_of(iri)`` is the page of a
    resource on this server (None when it has none)."""
    node = ox.NamedNode(uri)

    def ref(iri_node) -> dict:
        out = {"@id": iri_node.value}
        url = url_of(iri_node.value)
        if url:
            out["url"] = url
        name = label_of(store, iri_node)
        if name:
            out["name"] = name
        return out

    out: dict = {"@context": "https://schema.org", "@type": "Legislation", "@id": uri}
    url = url_of(uri)
    if url:
        out["url"] = url
    ident = first_literal(store, node, _P["identifier"])
    if ident:
        out["legislationIdentifier"] = ident
    titles = [o for o in _objects(store, node, "title") if isinstance(o, ox.Literal)]
    title = next((t for t in titles if t.language == "en"), titles[0] if titles else None)
    if title is not None:
        out["name"] = title.value
        if title.language:
            out["inLanguage"] = title.language
    date = first_literal(store, node, _P["date"])
    if date:
        out["legislationDate"] = date
    work = _first_iri(store, node, "version_of")
    body = _first_iri(store, node, "passed_by", "body") or (work and _first_iri(store, work, "passed_by", "body"))
    if body is not None:
        out["legislationPassedBy"] = {"@type": "Organization", "name": label_of(store, body) or body.value}
    if work is not None:
        out["exampleOfWork"] = ref(work)
    parts_of = [o for o in _objects(store, node, "part_of") if isinstance(o, ox.NamedNode)]
    if parts_of:
        out["isPartOf"] = [ref(o) for o in parts_of]
    parts = sorted((o for o in _objects(store, node, "has_part") if isinstance(o, ox.NamedNode)),
                   key=lambda n: (_position(store, n), n.value))  # document order
    if parts:
        out["hasPart"] = [{"@type": "Legislation", **ref(o)} for o in parts]
    status = _first_iri(store, node, "status")
    if status == _ADOPTED:
        out["legislationLegalForce"] = "https://schema.org/InForce"
    elif status is not None:
        out["creativeWorkStatus"] = label_of(store, status) or status.value
    same = [o.value for o in _objects(store, node, "see_also") if isinstance(o, ox.NamedNode)]
    if same:
        out["sameAs"] = same
    return out


def script_json(data: dict) -> Markup:
    """``data`` as JSON safe inside ``<script>``: ``<``, ``>`` and ``&`` escaped as JSON ``\\u``
    sequences, so that no text from the data can close the element."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


__all__ = ["legislation", "script_json"]
