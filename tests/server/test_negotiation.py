"""Content negotiation, table-tested (STYLE.md habit 11): one function, explicit offers, a default."""
from __future__ import annotations

import pytest

from pipeline.server.negotiation import (BOOLEAN_TYPES, GRAPH_RESULT_TYPES, RESOURCE_TYPES, SOLUTION_TYPES,
                                         BadAccept, negotiate)

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
SPARQLWRAPPER_SELECT = "application/sparql-results+json,application/json,text/javascript,application/javascript"
RAPPER = "application/rdf+xml;q=1.0, text/turtle;q=0.9, application/n-triples;q=0.8, */*;q=0.1"

TABLE = [
    # offers, Accept, expected media type (None = 406)
    (RESOURCE_TYPES, None, "text/turtle"),
    (RESOURCE_TYPES, "", "text/turtle"),
    (RESOURCE_TYPES, "*/*", "text/turtle"),
    (RESOURCE_TYPES, BROWSER, "text/html"),
    (RESOURCE_TYPES, "application/ld+json", "application/ld+json"),
    (RESOURCE_TYPES, "application/n-triples", "application/n-triples"),
    (RESOURCE_TYPES, "application/rdf+xml", "application/rdf+xml"),
    (RESOURCE_TYPES, "application/x-turtle", "text/turtle"),
    (RESOURCE_TYPES, "application/xhtml+xml", "text/html"),
    (RESOURCE_TYPES, "text/*", "text/turtle"),
    (RESOURCE_TYPES, "text/turtle;q=0.2, application/ld+json;q=0.9", "application/ld+json"),
    (RESOURCE_TYPES, "application/rdf+xml;q=0.5, text/turtle;q=0.5", "text/turtle"),  # tie → table order
    (RESOURCE_TYPES, RAPPER, "application/rdf+xml"),
    (RESOURCE_TYPES, "text/turtle;q=0, */*;q=0.1", "application/n-triples"),
    (RESOURCE_TYPES, "image/png", None),
    (RESOURCE_TYPES, "text/turtle;q=0", None),
    (SOLUTION_TYPES, "*/*", "application/sparql-results+json"),
    (SOLUTION_TYPES, SPARQLWRAPPER_SELECT, "application/sparql-results+json"),
    (SOLUTION_TYPES, "application/sparql-results+xml", "application/sparql-results+xml"),
    (SOLUTION_TYPES, "application/xml", "application/sparql-results+xml"),
    (SOLUTION_TYPES, "text/csv", "text/csv"),
    (SOLUTION_TYPES, "text/tab-separated-values", "text/tab-separated-values"),
    (SOLUTION_TYPES, "text/turtle", None),
    (BOOLEAN_TYPES, "text/csv", None),
    (BOOLEAN_TYPES, "application/sparql-results+xml, */*;q=0.1", "application/sparql-results+xml"),
    (GRAPH_RESULT_TYPES, "*/*", "text/turtle"),
    (GRAPH_RESULT_TYPES, "text/plain", "application/n-triples"),
    (GRAPH_RESULT_TYPES, "application/ld+json", "application/ld+json"),
]


@pytest.mark.parametrize("offers,accept,expected", TABLE)
def test_negotiation_table(offers, accept, expected):
    chosen = negotiate(accept, offers)
    assert (chosen.media_type if chosen else None) == expected


@pytest.mark.parametrize("accept", ["garbage", ";q=1", "a/b/c", "text/html,,;"])
def test_malformed_accept_raises_bad_accept(accept):
    with pytest.raises(BadAccept):
        negotiate(accept, RESOURCE_TYPES)


def test_every_table_lists_its_default_first():
    """The default of each table is what a client without preferences gets."""
    assert negotiate("*/*", RESOURCE_TYPES) is RESOURCE_TYPES[0]
    assert negotiate("*/*", SOLUTION_TYPES) is SOLUTION_TYPES[0]
    assert negotiate("*/*", GRAPH_RESULT_TYPES) is GRAPH_RESULT_TYPES[0]


def test_docstring_examples_run():
    """STYLE.md habit 10: docstrings carry runnable examples, and a test runs them."""
    import doctest

    from pipeline.server import negotiation, sparql

    for mod in (negotiation, sparql):
        result = doctest.testmod(mod)
        assert result.failed == 0 and result.attempted > 0, mod.__name__
