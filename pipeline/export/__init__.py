"""Writers: every output format is one module and one line of :data:`WRITERS`, shared by
``resgraph export --format NAME`` (the whole dataset, :attr:`Writer.dataset`) and the content
negotiation of ``/doc/…`` (one resource's description, :attr:`Writer.resource`; the media type and
the fixed-format suffix come from here).  To add one, see ``docs/architecture.md``.

>>> [w.name for w in WRITERS if w.resource]
['turtle', 'ntriples', 'jsonld', 'rdfxml']
>>> sorted(w.cli for w in WRITERS if w.dataset)
['jsonld', 'nq', 'nt', 'trig', 'ttl']
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Callable

import pyoxigraph as ox

from . import rdf


@dataclass(frozen=True)
class Writer:
    """One output format.

    ``name``: the key negotiation and the serialisers use; ``cli``: the ``--format`` value of
    ``resgraph export`` (None: not offered there); ``media_type``, ``suffix`` (``/doc/x.ttl``) and
    ``aliases`` (other media types answered with it).  ``resource(triples, context_url=…)`` writes
    one resource's description (None: not served at ``/doc``); ``dataset(store, out)`` writes the
    whole published dataset (None: not an export format).  ``keeps_graphs``: the export keeps the
    named graphs.
    """

    name: str
    cli: str | None
    media_type: str
    suffix: str | None
    resource: Callable[..., bytes] | None = None
    dataset: Callable[[ox.Store, BinaryIO], None] | None = None
    aliases: tuple[str, ...] = ()
    keeps_graphs: bool = False


#: Every writer; those with ``resource`` are offered at ``/doc/…`` in this order, the first the default.
WRITERS: list[Writer] = [
    Writer("turtle", "ttl", "text/turtle", ".ttl", rdf.write_turtle, rdf.dump_turtle, ("application/x-turtle",)),
    Writer("ntriples", "nt", "application/n-triples", ".nt", rdf.write_ntriples, rdf.dump_ntriples),
    Writer("jsonld", "jsonld", "application/ld+json", ".jsonld", rdf.write_jsonld, rdf.dump_jsonld),
    Writer("rdfxml", None, "application/rdf+xml", ".rdf", rdf.write_rdfxml),
    Writer("nquads", "nq", "application/n-quads", ".nq", None, rdf.dump_nquads, keeps_graphs=True),
    Writer("trig", "trig", "application/trig", ".trig", None, rdf.dump_trig, keeps_graphs=True),
]


def writer(name: str) -> Writer:
    """The writer called ``name`` (or whose ``cli`` name it is)."""
    for w in WRITERS:
        if name in (w.name, w.cli):
            return w
    raise KeyError(name)


def serialise(triples: list[ox.Triple], name: str, *, context_url: str) -> bytes:
    """One resource's description in the format ``name`` (a :attr:`Writer.name`)."""
    w = writer(name)
    if w.resource is None:
        raise KeyError(f"{name} does not write one resource")
    return w.resource(triples, context_url=context_url)


__all__ = ["WRITERS", "Writer", "serialise", "writer"]
