"""The views of ``resgraph serve``, one module per concern; each ``routes(ctx)`` returns its routes.

:data:`VIEWS` is the table :func:`pipeline.server.app.create_app` wires, in order."""
from . import browse, dataset, linked_data, ontology, pages, sparql
from .common import Context

VIEWS = (pages, sparql, browse, linked_data, ontology, dataset)  # browse before linked_data: it claims list paths only

__all__ = ["VIEWS", "Context"]
