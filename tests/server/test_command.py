"""``resgraph serve``: ``--get`` in-process, one-line user errors, and a rebuild picked up live."""
from __future__ import annotations

import socket
import subprocess
import sys

import httpx
from click.testing import CliRunner

from pipeline import store as store_mod
from pipeline.server.command import serve

from .conftest import fixture_quads, free_port, start_server, stop_server


def test_get_runs_one_request_in_process(server):
    r = CliRunner().invoke(serve, ["--store", str(server.settings.store_dir), "--base", server.base,
                                   "--get", "/id/resolution/pp/11", "--accept", "application/n-triples"])
    assert r.exit_code == 0, r.output
    assert f"<{server.base}id/resolution/pp/11> <http://purl.org/dc/terms/title>" in r.output
    r = CliRunner().invoke(serve, ["--store", str(server.settings.store_dir), "--base", server.base,
                                   "--get", "/sparql?query=ASK%7B%7D"])
    assert r.exit_code == 0 and '"boolean":true' in r.output


def test_get_404_exits_non_zero(server):
    r = CliRunner().invoke(serve, ["--store", str(server.settings.store_dir), "--base", server.base, "--get", "/id/nothing"])
    assert r.exit_code == 1
    assert "error: GET /id/nothing answered 404" in r.output


def run_cli(*args):
    return subprocess.run([sys.executable, "-c", "from pipeline.server.command import serve; serve()", *args],
                          capture_output=True, text=True, timeout=60)


def test_nothing_published_is_one_line(tmp_path):
    out = run_cli("--store", str(tmp_path / "empty"), "--port", str(free_port()))
    assert out.returncode != 0
    assert out.stderr.strip().splitlines() == [f"error: nothing published in {tmp_path / 'empty'} yet; run `resgraph build` first"]


def test_port_in_use_is_one_line(server):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        out = run_cli("--store", str(server.settings.store_dir), "--port", str(port))
    assert out.returncode != 0
    assert out.stderr.strip().splitlines()[-1] == f"error: port {port} on 127.0.0.1 is already in use; stop the other server or pass --port"
    assert "Traceback" not in out.stderr


def test_rebuild_is_picked_up_without_restart(tmp_path):
    """Publishing a new generation switches readers over; no request fails meanwhile."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    srv = start_server(tmp_path, port=port)
    try:
        with httpx.Client(base_url=base.rstrip("/"), timeout=20) as c:
            assert c.get("/doc/resolution/pp/12.ttl").status_code == 404
            before = c.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) {?s ?p ?o}"}).json()
            import pyoxigraph as ox
            extra = ox.Quad(ox.NamedNode(base + "id/resolution/pp/12"),
                            ox.NamedNode("http://purl.org/dc/terms/title"), ox.Literal("New resolution", language="en"),
                            ox.NamedNode(base + "graph/document/new"))
            store_mod.publish([*fixture_quads(base), extra], {"base": base}, settings=srv.settings)
            r = c.get("/doc/resolution/pp/12.ttl")
            assert r.status_code == 200 and "New resolution" in r.text
            after = c.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) {?s ?p ?o}"}).json()
            n = lambda d: int(d["results"]["bindings"][0]["n"]["value"])  # noqa: E731
            assert n(after) == n(before) + 1
            assert c.get("/").status_code == 200
    finally:
        stop_server(srv)
