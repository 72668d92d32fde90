"""Content negotiation: one function, explicit tables of what we serve.

Starlette has no ``Accept`` handling, and ``mimeparse.best_match`` breaks ties in favour of
the *last* offer, so ``Accept: */*`` would pick whatever happens to be listed last.  We
want the opposite: every table below lists its default first, and a tie (same quality,
same specificity) goes to the earlier entry (RFC 9110 §12.5.1 leaves tie-breaking to the
server).

>>> negotiate("*/*", RESOURCE_TYPES).media_type
'text/turtle'
>>> negotiate("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", RESOURCE_TYPES).media_type
'text/html'
>>> negotiate("application/rdf+xml;q=0.5, text/turtle;q=0.5", RESOURCE_TYPES).media_type
'text/turtle'
>>> negotiate("image/png", RESOURCE_TYPES) is None
True
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import mimeparse

from ..export import WRITERS


class BadAccept(ValueError):
    """The ``Accept`` header cannot be parsed (answered with 400, never 500)."""


@dataclass(frozen=True)
class Format:
    """One representation we can produce.

    ``media_type`` is what we send in ``Content-Type``; ``aliases`` are other media types a
    client may ask for that we answer with this format (``application/json`` for SPARQL JSON
    results); ``suffix`` is the fixed-format URL suffix for linked-data documents; ``name``
    is the key the serialisers use.
    """

    name: str
    media_type: str
    suffix: str | None = None
    aliases: tuple[str, ...] = ()
    charset: bool = True

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type


# Linked-data documents (/doc/…, /ontology, /.well-known/void): every writer of one resource
# (pipeline.export.WRITERS, default first), then HTML.
_RDF = {w.name: Format(w.name, w.media_type, w.suffix, w.aliases) for w in WRITERS if w.resource is not None}
TURTLE, NTRIPLES, JSONLD, RDFXML = _RDF["turtle"], _RDF["ntriples"], _RDF["jsonld"], _RDF["rdfxml"]
HTML = Format("html", "text/html", ".html", ("application/xhtml+xml",))

RDF_TYPES: tuple[Format, ...] = tuple(_RDF.values())
# Documents of one text (Akoma Ntoso): offered at /doc/… for texts only, after HTML.
DOCUMENT_TYPES: tuple[Format, ...] = tuple(Format(w.name, w.media_type, w.suffix, w.aliases)
                                           for w in WRITERS if w.document is not None)
# A client that asks for plain JSON gets the JSON-LD (compacted against our context, so it reads
# as ordinary JSON), labelled application/json; listed last so that it never wins a tie.
JSON = Format("jsonld", "application/json", ".json")
RESOURCE_TYPES: tuple[Format, ...] = (*RDF_TYPES, HTML, *DOCUMENT_TYPES, JSON)
NON_TEXT_TYPES: tuple[Format, ...] = (*RDF_TYPES, HTML, JSON)
# N-Triples is listed with text/plain as an alias for the SPARQL endpoint only: old clients
# (and the SPARQL 1.0 era) ask for it that way.
NTRIPLES_PLAIN = Format("ntriples", "application/n-triples", ".nt", ("text/plain",))
GRAPH_RESULT_TYPES: tuple[Format, ...] = tuple(NTRIPLES_PLAIN if f is NTRIPLES else f for f in RDF_TYPES)

# SPARQL results (SELECT): JSON default, as most JavaScript clients expect.
RESULTS_JSON = Format("json", "application/sparql-results+json", ".srj", ("application/json",))
RESULTS_XML = Format("xml", "application/sparql-results+xml", ".srx", ("application/xml", "text/xml"))
RESULTS_CSV = Format("csv", "text/csv", ".csv", ())
RESULTS_TSV = Format("tsv", "text/tab-separated-values", ".tsv", ())
SOLUTION_TYPES: tuple[Format, ...] = (RESULTS_JSON, RESULTS_XML, RESULTS_CSV, RESULTS_TSV)
# ASK: the boolean has no CSV/TSV form in the W3C specs.
BOOLEAN_TYPES: tuple[Format, ...] = (RESULTS_JSON, RESULTS_XML)
# Service description: RDF; HTML clients get Turtle too (it is readable).
SERVICE_DESCRIPTION_TYPES: tuple[Format, ...] = RDF_TYPES

BY_SUFFIX = {f.suffix: f for f in RESOURCE_TYPES}


def negotiate(accept: str | None, offers: Sequence[Format]) -> Format | None:
    """The best of ``offers`` for an ``Accept`` header; ``None`` if none is acceptable.

    A missing or empty header means "anything" (RFC 9110 §12.5.1) and yields the default,
    ``offers[0]``.  Raises :class:`BadAccept` for a header that does not parse.

    Clients send few distinct headers (a browser's, ``*/*``, one RDF type), so answers are
    remembered: parsing with mimeparse costs more than the rest of a cached request.
    """
    if accept is None or not accept.strip():
        return offers[0]
    if len(accept) > MAX_ACCEPT:
        # parsing is linear but slow (mimeparse, per offer): a 400 KB header held the
        # event loop for a second
        raise BadAccept(f"the Accept header is longer than {MAX_ACCEPT} characters")
    if not isinstance(offers, tuple) or len(accept) > 1000:
        return _negotiate(accept, offers)
    key = (accept, offers)
    chosen = _CHOSEN.get(key, _UNSEEN)
    if chosen is _UNSEEN:
        chosen = _negotiate(accept, offers)  # BadAccept propagates, and is not remembered
        if len(_CHOSEN) >= _CHOSEN_SIZE:
            _CHOSEN.clear()
        _CHOSEN[key] = chosen
    return chosen


MAX_ACCEPT = 4096
_CHOSEN: dict = {}
_CHOSEN_SIZE = 2048
_UNSEEN = object()


def _negotiate(accept: str, offers: Sequence[Format]) -> Format | None:
    try:
        ranges = [mimeparse.parse_media_range(r) for r in accept.split(",") if r.strip()]
    except (ValueError, IndexError) as e:  # MimeTypeParseException is a ValueError
        raise BadAccept(f"cannot parse Accept header {accept!r}: {e}") from None
    if not ranges:
        return offers[0]
    best: tuple[float, int, int] | None = None
    chosen: Format | None = None
    for index, offer in enumerate(offers):
        for media_type in (offer.media_type, *offer.aliases):
            try:
                q, fitness = mimeparse.quality_and_fitness_parsed(media_type, ranges)
            except (ValueError, IndexError) as e:
                raise BadAccept(f"cannot parse Accept header {accept!r}: {e}") from None
            if q <= 0:
                continue
            if media_type != offer.media_type and fitness < 110:
                # an alias counts only when named outright: "*/*" or "application/*" must
                # not let application/x-turtle override an explicit "text/turtle;q=0"
                continue
            key = (q, fitness, -index)
            if best is None or key > best:
                best, chosen = key, offer
    return chosen


def supported_list(offers: Sequence[Format]) -> str:
    """The media types of ``offers``, comma-separated, for 406 bodies."""
    return ", ".join(f.media_type for f in offers)
