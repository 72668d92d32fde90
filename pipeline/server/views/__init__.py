"""The views of ``resgraph serve``, one module per concern; each ``routes(ctx)`` returns its routes.

:data:`VIEWS` is the table :func:`pipeline.server.app.create_app` wires, in order."""
from . import dataset, linked_data, ontology, pages, search, sparql
from .common import Context

VIEWS = (pages, sparql, linked_data, ontology, dataset, search)

__all__ = ["VIEWS", "Context"]
