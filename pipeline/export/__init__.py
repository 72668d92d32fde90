"""Writers: every output format is one module and one line of :data:`WRITERS`, shared by
``resgraph export --format NAME`` (the whole dataset, :attr:`Writer.dataset`) and the content
negotiation of ``/doc/…`` (one resource's description, :attr:`Writer.resource`; the media type and
the fixed-format suffix come from here).  To add one, see ``docs/architecture.md``.

>>> [w.name for w in WRITERS if w.resource]
['turtle', 'ntriples', 'jsonld', 'rdfxml']
>>> sorted(w.cli for w in WRITERS if w.dataset)
['akn', 'jsonld', 'nq', 'nt', 'trig', 'ttl']
>>> [w.name for w in WRITERS if w.document]
['akn']
>>> [w.cli for w in WRITERS if w.compare]
['docx']
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable

import pyoxigraph as ox

from . import akn, docx, rdf


@dataclass(frozen=True)
class Writer:
    """One output format.

    ``name``: the key negotiation and the serialisers use; ``cli``: the ``--format`` value of
    ``resgraph export`` (None: not offered there); ``media_type``, ``suffix`` (``/doc/x.ttl``) and
    ``aliases`` (other media types answered with it).  ``resource(triples, context_url=…)`` writes
    one resource's description (None: not served at ``/doc``); ``dataset(store, out)`` writes the
    whole published dataset (None: not an export format).  ``keeps_graphs``: the export keeps the
    named graphs.  ``document(store, uri)`` writes one text as a document of its own (None: the URI is
    not a text; served at ``/doc/…`` for texts only); ``files(store, directory)`` writes one file per
    text (``resgraph export --output DIR``).  ``compare(store, draft, version, base, output)`` writes
    a redline of a proposal's draft against an adopted text (``resgraph export --compare``).
    """

    name: str
    cli: str | None
    media_type: str
    suffix: str | None
    resource: Callable[..., bytes] | None = None
    dataset: Callable[[ox.Store, BinaryIO], None] | None = None
    aliases: tuple[str, ...] = ()
    keeps_graphs: bool = False
    document: Callable[[ox.Store, str], bytes | None] | None = None
    files: Callable[[ox.Store, Path], dict] | None = None
    compare: Callable[..., tuple] | None = None


#: Every writer; those with ``resource`` are offered at ``/doc/…`` in this order, the first the default.
WRITERS: list[Writer] = [
    Writer("turtle", "ttl", "text/turtle", ".ttl", rdf.write_turtle, rdf.dump_turtle, ("application/x-turtle",)),
    Writer("ntriples", "nt", "application/n-triples", ".nt", rdf.write_ntriples, rdf.dump_ntriples),
    Writer("jsonld", "jsonld", "application/ld+json", ".jsonld", rdf.write_jsonld, rdf.dump_jsonld),
    Writer("rdfxml", None, "application/rdf+xml", ".rdf", rdf.write_rdfxml),
    Writer("nquads", "nq", "application/n-quads", ".nq", None, rdf.dump_nquads, keeps_graphs=True),
    Writer("trig", "trig", "application/trig", ".trig", None, rdf.dump_trig, keeps_graphs=True),
    Writer("akn", "akn", "application/akn+xml", ".akn.xml", None, akn.dataset, document=akn.document, files=akn.export_dir),
    Writer("docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", compare=docx.write),
]


def writer(name: str) -> Writer:
    """The writer called ``name`` (or whose ``cli`` name it is)."""
    for w in WRITERS:
        if name in (w.name, w.cli):
            return w
    raise KeyError(name)


def document(store: ox.Store, uri: str, name: str) -> bytes | None:
    """One text as a document in the format ``name`` (a :attr:`Writer.name` with ``document``);
    None when ``uri`` is not a text."""
    w = writer(name)
    if w.document is None:
        raise KeyError(f"{name} does not write one text")
    return w.document(store, uri)


def serialise(triples: list[ox.Triple], name: str, *, context_url: str) -> bytes:
    """One resource's description in the format ``name`` (a :attr:`Writer.name`)."""
    w = writer(name)
    if w.resource is None:
        raise KeyError(f"{name} does not write one resource")
    return w.resource(triples, context_url=context_url)


__all__ = ["WRITERS", "Writer", "document", "serialise", "writer"]
