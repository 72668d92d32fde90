"""Fixtures for the server tests: a small published store and a REAL server on 127.0.0.1.

The server runs as a subprocess through the ``serve`` command (uvicorn, query worker
processes, everything), on a free port; clients talk to it over TCP.  The store is built
from ``fixture.trig`` (our data's shape) plus the W3C protocol graphs, published with
``pipeline.store.publish`` into a temporary directory.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph

from pipeline import store as store_mod
from pipeline.settings import Settings
from pipeline.rdf.triples import graph_quads
from publish_helpers import data_dir_with_reference

HERE = Path(__file__).resolve().parent
PROTOCOL = HERE / "protocol"
ARTIFACTS = HERE.parent / "artifacts"
KASEI = "http://kasei.us/2009/09/sparql/data/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fixture_quads(base: str, *, with_protocol: bool = True) -> list[ox.Quad]:
    """``fixture.trig`` with relative IRIs resolved against ``base``, plus the W3C graphs."""
    quads = list(ox.parse(path=str(HERE / "fixture.trig"), format=ox.RdfFormat.TRIG, base_iri=base))
    if with_protocol:
        for n in (1, 2, 3):
            g = Graph().parse(PROTOCOL / f"data{n}.nt", format="nt")
            quads.extend(graph_quads(g, f"{KASEI}data{n}.rdf"))
    return quads


def require_tool(name: str) -> str:
    """Path of an external tool; missing means skip locally but FAIL in CI (CI=true)."""
    path = shutil.which(name)
    if path:
        return path
    msg = f"{name} is not installed (Debian package listed in .ci/apt-packages.txt)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(msg)
    pytest.skip(msg)


@dataclass
class Server:
    url: str          # ends with /
    base: str         # data URI base (the same as url here)
    settings: Settings
    proc: subprocess.Popen

    def uri(self, path: str) -> str:
        return self.base + path


def start_server(tmp: Path, *, port: int | None = None, quads=None, extra_args=(), base: str | None = None) -> Server:
    """Publish ``quads`` (default: the fixture) into a store under ``tmp`` and serve it."""
    port = port or free_port()
    base = base or f"http://127.0.0.1:{port}/"
    settings = Settings(base=base, store_dir=tmp / "store", data_dir=tmp / "data")
    if quads is None:
        quads = fixture_quads(base)
    store_mod.publish(quads, {"base": base, "source": "tests/server/fixture.trig"}, settings=settings)
    return serve_store(settings, tmp / "data", port=port, extra_args=extra_args)


def serve_store(settings: Settings, data_dir: Path, *, port: int | None = None, extra_args=()) -> Server:
    """A real ``resgraph serve`` on an already published store, once it answers /sparql."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}/"
    data_dir_with_reference(data_dir)
    env = dict(os.environ, RESGRAPH_QUIET="1", RESGRAPH_DATA=str(data_dir))
    cmd = [sys.executable, "-c", "from pipeline.server.command import serve; serve()",
           "--host", "127.0.0.1", "--port", str(port), "--base", settings.base, "--store", str(settings.store_dir),
           *extra_args]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise RuntimeError(f"server exited {proc.returncode}: {err.decode()}")
        try:
            if httpx.get(url + "sparql", timeout=1).status_code == 200:
                return Server(url, settings.base, settings, proc)
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not answer within 30 s")


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait()


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Server:
    """The shared server: row limit 50 (the fixture has more triples), time limit 2 s."""
    tmp = tmp_path_factory.mktemp("served")
    s = start_server(tmp, extra_args=("--row-limit", "50", "--timeout", "2", "--workers", "2"))
    yield s
    stop_server(s)


@pytest.fixture(scope="session")
def corpus_server(corpus_build, tmp_path_factory) -> Server:
    """One real server on the default corpus (the seed, PP-18's Final Acts, 41 GA resolutions),
    shared by every test that needs real texts: built once (``corpus_build``), started once."""
    s = serve_store(corpus_build[1], tmp_path_factory.mktemp("corpus-served") / "data")
    yield s
    stop_server(s)


@pytest.fixture()
def corpus_http(corpus_server) -> httpx.Client:
    with httpx.Client(base_url=corpus_server.url.rstrip("/"), timeout=30) as c:
        yield c


@pytest.fixture()
def http(server) -> httpx.Client:
    with httpx.Client(base_url=server.url.rstrip("/"), timeout=20) as c:
        yield c
