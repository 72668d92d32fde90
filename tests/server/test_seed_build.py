"""One check against the real pipeline: the seed document, built by ``resgraph build``, served.

Uses the ``seed_build`` fixture of ``tests/conftest.py``; a seed that does not build fails
these tests (it used to skip them, which hid a broken build).  The example questions of
the home page must all return rows on real data, and a real clause page must render.
"""
from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest

from pipeline.server.app import example_queries

from .conftest import serve_store, stop_server


@pytest.fixture(scope="module")
def seed_server(request, tmp_path_factory):
    # a seed that does not build is a failure of these tests, never a skip
    _res, settings = request.getfixturevalue("seed_build")
    srv = serve_store(settings, tmp_path_factory.mktemp("seed-data"))
    yield srv
    stop_server(srv)


def test_example_questions_answer_on_the_seed(seed_server):
    with httpx.Client(base_url=seed_server.url.rstrip("/"), timeout=30) as c:
        for question, query in example_queries(seed_server.base):
            r = c.get("/sparql?" + urlencode({"query": query}))
            assert r.status_code == 200, (question, r.text)
            assert r.json()["results"]["bindings"], question
        page = c.get("/", headers={"Accept": "text/html"}).text
        assert 'id="count-resolutions">0<' not in page
        # a resource printed with the default base dereferences under /id/ on this server
        cited = c.get("/doc/un/A/RES/70/1", headers={"Accept": "text/html"})
        assert cited.status_code == 200 and "Cited by" in cited.text
