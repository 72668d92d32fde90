"""Real SPARQL servers for the tests, driven through ``.ci/services/*.sh``.

Each server binds 127.0.0.1 only, keeps its data in a temporary folder and is stopped at
the end.  When a server's binary is missing, the test *fails* under ``CI=true`` (a skip
would hide a broken CI image) and skips with the reason elsewhere.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest

from pipeline.publish import Client, Endpoints, endpoints_for

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / ".ci" / "services"

from remote_dataset import digest  # noqa: E402  (tests/remote is on sys.path)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require(binary: str | None, what: str, install: str) -> None:
    if binary:
        return
    message = f"{what} is not installed ({install}); see .ci/services/README.md"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {message}", pytrace=False)
    pytest.skip(message)


def oxigraph_binary() -> str | None:
    env = os.environ.get("OXIGRAPH_BIN")
    if env:
        return env
    local = Path(sys.executable).parent / "oxigraph"
    if local.exists():
        return str(local)
    return shutil.which("oxigraph")


def virtuoso_binary() -> str | None:
    return os.environ.get("VIRTUOSO_BIN") or shutil.which("virtuoso-t")


@dataclass
class Server:
    kind: str
    data_dir: Path
    ports: tuple[int, ...]
    user: str | None = None
    password: str | None = None
    env: dict = field(default_factory=dict)

    @property
    def script(self) -> Path:
        return SERVICES / f"{self.kind}.sh"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports[-1]}"

    def _run(self, *args: str, timeout: float = 180) -> None:
        proc = subprocess.run(["bash", str(self.script), *args], capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, **self.env})
        if proc.returncode:
            raise RuntimeError(f"{self.script.name} {' '.join(args)} failed: {proc.stderr.strip()}")

    def start(self) -> None:
        self._run("start", str(self.data_dir), *map(str, self.ports))

    def stop(self) -> None:
        self._run("stop", str(self.data_dir))

    def kill(self) -> None:
        """SIGKILL — a crash, no clean shutdown."""
        self._run("kill", str(self.data_dir))

    def endpoints(self) -> Endpoints:
        return endpoints_for(self.kind, self.url, authenticated=self.user is not None)

    def client(self) -> Client:
        return Client(self.endpoints(), user=self.user, password=self.password, timeout=300)

    def cli_args(self) -> list[str]:
        return ["--server", self.kind, "--to", self.url]

    def cli_env(self) -> dict:
        if self.user is None:
            return {}
        return {"RESGRAPH_REMOTE_USER": self.user, "RESGRAPH_REMOTE_PASSWORD": self.password}


def start_oxigraph(tmp: Path) -> Server:
    binary = oxigraph_binary()
    require(binary, "the Oxigraph server", "pip install oxigraph")
    server = Server("oxigraph", tmp, (free_port(),), env={"OXIGRAPH_BIN": binary})
    server.start()
    return server


def start_virtuoso(tmp: Path) -> Server:
    binary = virtuoso_binary()
    require(binary, "Virtuoso (virtuoso-t)", "apt-get install virtuoso-opensource")
    server = Server("virtuoso", tmp, (free_port(), free_port()), user="dba", password="dba",
                    env={"VIRTUOSO_BIN": binary})
    server.start()
    return server


def remote_graph_lines(client: Client, graph: str, prefix: str = "", page: int | None = None) -> list[str]:
    """All triples of a remote graph as N-Triples lines, read past row caps.

    Virtuoso caps every answer (10,000 rows) and its ``/sparql-graph-crud`` GET truncates
    silently, so the graph is read in subject partitions (``MD5(STR(?s))`` prefixes),
    each split further while it fills a page.
    """
    if page is None:  # Virtuoso caps at ResultSetMaxRows (10,000); Oxigraph has no cap
        page = 10_000 if client.endpoints.kind == "virtuoso" else 10_000_000
    flt = f'FILTER(STRSTARTS(MD5(STR(?s)), "{prefix}"))' if prefix else ""
    rows = client.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o {flt} }} }} "
                         f"LIMIT {page}", allow_truncated=True)
    if len(rows) < page and not rows.truncated:
        return [str(ox.Triple(r["s"], r["p"], r["o"])) for r in rows]
    out: list[str] = []
    for h in "0123456789abcdef":
        out.extend(remote_graph_lines(client, graph, prefix + h, page))
    return out


def remote_digest(client: Client, graph: str) -> tuple[int, str]:
    lines = remote_graph_lines(client, graph)
    return len(lines), digest(lines)
