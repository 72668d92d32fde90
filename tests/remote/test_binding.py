"""VALUES binding for remote queries: typed terms only, inserted where a substitution would be."""
import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from pipeline.query.sparql_text import bind_values, values_block, with_prefixes

T = URIRef("http://ex.org/un/A/RES/70/1")


def test_values_open_the_outermost_where_group():
    q = 'SELECT ?c WHERE { ?c <http://p> ?t } LIMIT 5'
    assert bind_values(q, {"t": T}) == 'SELECT ?c WHERE { VALUES (?t) { (<http://ex.org/un/A/RES/70/1>) } ?c <http://p> ?t } LIMIT 5'


def test_braces_in_strings_iris_and_comments_are_skipped():
    q = '# a { comment\nSELECT ?c (\"{\" AS ?x) FROM <http://g/x?a=1> WHERE { ?c ?p ?t }'
    out = bind_values(q, {"t": T})
    assert out.endswith('WHERE { VALUES (?t) { (<http://ex.org/un/A/RES/70/1>) } ?c ?p ?t }')


def test_construct_template_is_not_the_where_group():
    q = "CONSTRUCT { ?c <http://p> ?t } WHERE { ?c <http://q> ?t }"
    assert "WHERE { VALUES (?t)" in bind_values(q, {"t": T})


def test_alternatives_become_rows_and_keys_may_be_variables():
    block = values_block([{ox.Variable("t"): ox.NamedNode("http://a")}, {ox.Variable("t"): ox.NamedNode("http://b")}])
    assert block == "VALUES (?t) { (<http://a>) (<http://b>) }"


def test_literals_are_serialised_by_the_library_not_pasted():
    block = values_block({"s": Literal('x" } ; DROP ALL ; #')})
    assert block == 'VALUES (?s) { ("x\\" } ; DROP ALL ; #") }'


def test_raw_text_and_unknown_variables_are_refused():
    with pytest.raises(TypeError):
        bind_values("SELECT * { ?s ?p ?t }", {"t": "A/RES/70/1"})
    with pytest.raises(ValueError, match=r"\?nope"):
        bind_values("SELECT * { ?s ?p ?t }", {"nope": T})


def test_declared_prefixes_are_not_redeclared():
    q = with_prefixes("PREFIX ex: <http://other/> SELECT * { ?s a ex:T }", {"ex": "http://ex.org/", "x": "http://x/"})
    assert q.startswith("PREFIX x: <http://x/>\nPREFIX ex: <http://other/>")
