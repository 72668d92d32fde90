"""The librarian's pages in a real browser (issue 18, items 8 and 9): headless Chromium, driven by
Playwright, loads each main page of a real server on the default corpus at desktop and phone width.

For each page and width it checks what a person relies on: the page answers, its landmark elements
are there, nothing overflows sideways (``scrollWidth`` no wider than the window: long URIs wrap),
and the axe-core accessibility rules (npm ``axe-core``, run offline inside the page) find no
violation of impact *serious* or *critical*.  A screenshot of each is kept in
``tests/artifacts/pages/`` (``NAME-WIDTH.png``) to look at.

Chromium is Debian's (``/usr/bin/chromium``, .ci/apt-packages.txt); axe-core is installed by
``scripts/test`` from ``tests/node/package-lock.json``.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import ARTIFACTS, require_tool

AXE = Path(__file__).resolve().parents[1] / "node" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ARTIFACTS / "pages"
WIDTHS = {"desktop": 1280, "phone": 390}
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]

#: name → (path, CSS selectors that must match on the page)
PAGES = {
    "home": ("/", ["header nav[aria-label]", "main h1", "a.skip-link", "form[role=search] input[name=q]"]),
    "browse": ("/doc/resolution/pp", ["main h1", "main table", "nav.breadcrumbs, nav[aria-label]"]),
    "search": ("/search?q=gender+equality", ["main h1", "main form[role=search]", "main a[href^='/doc/']"]),
    "reading": ("/doc/resolution/pp/70/dubai-2018", ["main h1", "main nav[aria-label]", "main [id='resolves-1'], main [id$='resolves/1'], main [id*='resolves']"]),
    "draft": ("/doc/proposal/ACP/64A1/7/text", ["main h1"]),
    "clause": ("/doc/resolution/pp/70/dubai-2018/resolves/1", ["main h1", "a[rel=prev], a[rel=next]"]),
    "compare": ("/compare/resolution/pp/70", ["main h1", "main ins", "main del"]),
    "cited-by": ("/doc/un/A/RES/70/1", ["main h1", "main svg"]),
    "un-resolution": ("/doc/un/A/RES/80/16", ["main h1"]),
    "validation": ("/validation", ["main h1", "main table"]),
    "source": ("/source/pp18-64-add1#L44", ["main h1", "[id=L44]"]),
    "query": ("/query", ["main h1", "#yasgui"]),
    "canned": ("/query?name=cites&target=UNGA+70%2F1&run=1", ["main table"]),
}


def _axe_path() -> Path:
    if AXE.exists():
        return AXE
    msg = f"axe-core is not installed at {AXE} (scripts/test installs it with npm)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(scope="module")
def browser():
    exe = require_tool("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=FLAGS)
        yield b
        b.close()


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", list(PAGES))
def test_page_in_a_real_browser(browser, corpus_server, name, width):
    path, selectors = PAGES[name]
    axe = _axe_path()
    page = browser.new_page(viewport={"width": WIDTHS[width], "height": 900})
    try:
        resp = page.goto(corpus_server.url.rstrip("/") + path, wait_until="load", timeout=60_000)
        assert resp is not None and resp.status == 200, (path, resp and resp.status)
        missing = [s for s in selectors if page.query_selector(s) is None]
        assert not missing, f"{path}: no element for {missing}"
        overflow = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert overflow[0] <= overflow[1] + 1, f"{path} at {WIDTHS[width]} px: {overflow[0]} px wide"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=False)
        page.add_script_tag(path=str(axe))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        bad = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"]) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
        assert not bad, f"{path} at {WIDTHS[width]} px: {bad}"
    finally:
        page.close()
