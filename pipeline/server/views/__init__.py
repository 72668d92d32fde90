"""The views of ``resgraph serve``, one module per concern; each ``routes(ctx)`` returns its routes.

:data:`VIEWS` is the table :func:`pipeline.server.app.create_app` wires, in order."""
from . import browse, compare, dataset, linked_data, ontology, pages, search, sparql, validation
from .common import Context

VIEWS = (
    pages,
    sparql,
    browse,          # before linked_data: it claims list paths only (/id/resolution/pp …)
    linked_data,
    ontology,
    dataset,
    compare,
    validation,
    search,
)

__all__ = ["VIEWS", "Context"]
