"""The canned questions of ``queries/`` on the query page (issue 8), over real HTTP.

The shared ``server`` fixture serves ``fixture.trig`` (Resolution 11 with one clause citing
A/RES/70/1, proposal ACP/64A1/7, one finding); ``seed_server`` serves the seed build, for
answers read from the seed by hand (``tests/fixtures/seed_facts.json``).
"""
from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import httpx
import pytest

from pipeline import query as qmod
from pipeline.settings import Settings

from test_queries import NEED_ADOPTED

from .conftest import ARTIFACTS, serve_store, stop_server

NAMES = sorted(qmod.catalogue(Settings()))
HOSTILE = '"} ; DELETE WHERE { ?s ?p ?o } #'


def ask(http, **params):
    return http.get("/query?" + urlencode(params), headers={"Accept": "text/html"})


def triples(http) -> int:
    r = http.get("/sparql?" + urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}),
                 headers={"Accept": "application/sparql-results+json"})
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_query_page_lists_every_question(http):
    r = ask(http)
    assert r.status_code == 200
    for name in NAMES:
        assert f'href="/query?name={name}"' in r.text, name
    assert 'id="yasgui"' in r.text  # the editor is still there


def test_question_form_without_answer(http):
    r = ask(http, name="cites")
    assert r.status_code == 200
    assert 'name="target"' in r.text and 'placeholder="e.g. UNGA 70/1"' in r.text
    assert 'id="answer"' not in r.text and "yasgui.min.js" not in r.text


def test_question_answered_as_html(http, server):
    r = ask(http, name="cites", target="UNGA 70/1", run="1")
    assert r.status_code == 200, r.text
    assert "Answer: 1 row<" in r.text
    clause = server.uri("id/resolution/pp/11/dubai-2018/considering/a")
    # a URI cell shows the name of what it names, linked; the URI itself is the link's title
    assert f'<a href="/id/resolution/pp/11/dubai-2018/considering/a" title="{clause}">' in r.text
    assert "VALUES (?target)" in r.text  # the SPARQL that ran, bound as terms
    assert 'value="UNGA 70/1"' in r.text


@pytest.mark.parametrize("fmt,media", [("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
                                       ("json", "application/sparql-results+json")])
def test_question_answered_in_machine_formats(http, server, fmt, media):
    r = http.get("/query?" + urlencode({"name": "cites", "target": "A/RES/70/1", "format": fmt}))
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    clause = server.uri("id/resolution/pp/11/dubai-2018/considering/a")
    if fmt == "json":
        rows = r.json()["results"]["bindings"]
        assert [b["clause"]["value"] for b in rows] == [clause]
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert [row["clause"] for row in rows] == [clause] and rows[0]["label"] == "a"
    else:
        assert f"<{clause}>" in r.text


def test_optional_parameter_left_empty(http, server):
    r = http.get("/query?" + urlencode({"name": "proposals", "document": "pp18-res11", "action": "", "format": "csv"}))
    assert r.status_code == 200
    # the fixture's proposal is not part of a document (no dcterms:isPartOf): no rows, no error
    assert r.text.splitlines()[0].startswith("symbol,actionCode")
    mod = http.get("/query?" + urlencode({"name": "broken-references", "document": "pp18-res11", "kind": "unresolved-reference",
                                          "format": "csv"}))
    assert mod.status_code == 200


@pytest.mark.parametrize("params,status,message", [
    ({"name": "cites", "run": "1"}, 400, "needs -p target"),
    ({"name": "cites", "target": "Resolution 23", "run": "1"}, 400, "does not say which body"),
    ({"name": "proposals", "document": "pp18-64-add1", "action": "DELETE", "run": "1"}, 400, "unknown action"),
    ({"name": "sdg-links", "target": "SDG 99", "run": "1"}, 400, "not in the SDG framework"),
    ({"name": "cites", "target": HOSTILE, "run": "1"}, 400, "cannot read"),
    ({"name": "cites", "target": "http://x/> } ; DROP ALL #", "run": "1"}, 400, "absolute IRI"),
])
def test_bad_parameters_are_one_line_errors(http, params, status, message):
    r = ask(http, **params)
    assert r.status_code == status and message in r.text
    assert 'id="error"' in r.text
    plain = http.get("/query?" + urlencode({**params, "format": "csv"}))
    assert plain.status_code == status and message in plain.text and len(plain.text.strip().splitlines()) == 1


def test_unknown_question_is_404(http):
    assert ask(http, name="no-such-question").status_code == 404
    r = http.get("/query?" + urlencode({"name": "no-such-question", "format": "csv"}))
    assert r.status_code == 404 and "cites" in r.text
    assert http.get("/query?" + urlencode({"name": "cites", "target": "UNGA 70/1", "format": "xml"})).status_code == 400


def test_hostile_phrase_matches_nothing_and_changes_nothing(http):
    before = triples(http)
    for value in (HOSTILE, '"""', "} UNION { ?s ?p ?o", "<http://x/>", "\\"):
        r = http.get("/query?" + urlencode({"name": "clauses-mentioning", "phrase": value, "format": "json"}))
        assert r.status_code == 200, (value, r.text)
        assert r.json()["results"]["bindings"] == [], value
    page = ask(http, name="clauses-mentioning", phrase=HOSTILE, run="1")
    assert page.status_code == 200 and 'id="no-rows"' in page.text
    # the value travels as one string literal of a VALUES row, escaped by the RDF serialiser
    assert 'VALUES (?phrase) { (&#34;\\&#34;} ; DELETE WHERE { ?s ?p ?o } #&#34;) }' in page.text
    assert triples(http) == before


def test_phrase_is_bound_as_a_literal(http):
    r = http.get("/query?" + urlencode({"name": "clauses-mentioning", "phrase": "ITU TELECOM", "format": "csv"}))
    # the fixture paraphrases Res 11: "… to which ITU Telecom events contribute" (case-insensitive)
    assert r.status_code == 200 and "considering/a" in r.text


# ----------------------------------------------------------- on the seed ---

@pytest.fixture(scope="module")
def seed_server(request, tmp_path_factory):
    # a seed that does not build is a failure of these tests, never a skip
    _res, settings = request.getfixturevalue("seed_build")
    srv = serve_store(settings, tmp_path_factory.mktemp("canned-seed-data"))
    yield srv
    stop_server(srv)


def test_seed_proposals_and_instructions(seed_server, facts):
    with httpx.Client(base_url=seed_server.url.rstrip("/"), timeout=30) as c:
        r = c.get("/query?" + urlencode({"name": "proposals", "document": "pp18-64-add1", "action": "SUP", "format": "csv"}))
        rows = list(csv.DictReader(io.StringIO(r.text)))
        sup = [p for p in facts["proposals"] if p["action"] == "SUP"]
        assert [(row["symbol"], row["concerns"].rsplit("/", 1)[1]) for row in rows] \
            == [(p["symbol"], p["concerns"]["number"]) for p in sup]  # ACP/64A1/20, Resolution 185
        page = c.get("/query?" + urlencode({"name": "instructions", "addressee": "Council", "verb": "instructs", "run": "1"}))
        assert page.status_code == 200
        # seed l.126-132: Resolution 11 "instructs the Council" 1..7, in the draft ACP/64A1/3 sets out
        for label in range(1, 8):
            assert f'href="/id/proposal/ACP/64A1/3/text/instructs-the-council/{label}"' in page.text


def test_every_question_answers_on_the_seed_over_http(seed_server):
    with httpx.Client(base_url=seed_server.url.rstrip("/"), timeout=60) as c:
        for name in NAMES:
            q = qmod.get(name, Settings())
            r = c.get("/query?" + urlencode({"name": name, **q.example_values(), "format": "json"}))
            assert r.status_code == 200, (name, r.text)
            # a question about what a conference did with the proposals needs the adopted texts too
            assert bool(r.json()["results"]["bindings"]) == (name not in NEED_ADOPTED), name


@pytest.mark.server
def test_canned_question_in_a_browser(server):
    """What a person sees: the form, and the answer table, without any script."""
    from .test_browser import chromium

    url = server.url + "query?" + urlencode({"name": "cites", "target": "UNGA 70/1", "run": "1"})
    dom = chromium(url, "--dump-dom")
    assert 'id="results"' in dom and "Answer: 1 row" in dom
    assert server.uri("id/resolution/pp/11/dubai-2018/considering/a") in dom
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "canned-query-page.png"
    chromium(url, f"--screenshot={shot}")
    assert shot.stat().st_size > 10_000
