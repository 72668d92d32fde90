"""Headless Chromium loads the pages a person would: what does a person see?

``--dump-dom`` gives the DOM after scripts ran (``--virtual-time-budget`` lets YASGUI send
its query and render the table); ``--screenshot`` keeps a picture in ``tests/artifacts/``.
"""
from __future__ import annotations

import re
import subprocess
import tempfile
from urllib.parse import urlencode

import pytest

from .conftest import ARTIFACTS, require_tool

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         "--window-size=1280,1100"]


def chromium(url: str, *extra: str, budget_ms: int = 8000) -> str:
    exe = require_tool("chromium")
    with tempfile.TemporaryDirectory() as profile:
        out = subprocess.run([exe, *FLAGS, f"--user-data-dir={profile}", f"--virtual-time-budget={budget_ms}", *extra, url],
                             capture_output=True, text=True, timeout=90)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


@pytest.mark.server
def test_resource_page_in_a_browser(server, http):
    url = server.url + "id/resolution/pp/11/dubai-2018/considering/a"
    dom = chromium(url, "--dump-dom")
    assert "<title>Clause a · resgraph</title>" in dom
    assert '<h1 id="title">Clause a</h1>' in dom
    assert "sets out the 2030 Agenda" in dom
    assert 'id="source-line">42<' in dom
    # a working link: the cited UN resolution, followed like a click would
    href = re.search(r'href="(/id/un/A/RES/70/1)"', dom).group(1)
    page = http.get(href, headers={"Accept": "text/html"}, follow_redirects=True)
    assert page.status_code == 200 and "Cited by" in page.text
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "resource-page.png"
    chromium(url, f"--screenshot={shot}")
    assert shot.stat().st_size > 10_000


@pytest.mark.server
def test_query_page_runs_a_query_offline(server):
    query = ("PREFIX cito: <http://purl.org/spar/cito/>\n"
             "SELECT ?clause ?cited WHERE { ?clause cito:cites ?cited } ORDER BY ?clause")
    url = server.url + "query?" + urlencode({"query": query, "run": "1"})
    dom = chromium(url, "--dump-dom")
    assert "6 results" in dom, dom[-3000:]
    assert "Showing 1 to 6 of 6 entries" in dom
    assert server.uri("id/resolution/pp/11/dubai-2018/considering/a") in dom
    shot = ARTIFACTS / "query-page.png"
    ARTIFACTS.mkdir(exist_ok=True)
    chromium(url, f"--screenshot={shot}")
    assert shot.stat().st_size > 10_000
