"""Fixtures: one real server of each kind per test module, with its data in a temporary folder."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from remote_servers import start_oxigraph, start_virtuoso  # noqa: E402

BASE = "http://resgraph.test/"


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request, tmp_path_factory):
    """A running server (parametrised over the kinds), stopped after the module."""
    tmp = tmp_path_factory.mktemp(f"{request.param}-data")
    srv = start_oxigraph(tmp) if request.param == "oxigraph" else start_virtuoso(tmp)
    yield srv
    srv.stop()


@pytest.fixture
def base() -> str:
    return BASE
