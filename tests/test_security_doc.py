"""SECURITY.md states the server's limits and defaults; this keeps it true.

Each figure is read from the table in SECURITY.md and compared with the constant or the
command-line default that enforces it, so changing one without the other fails here.
"""
from __future__ import annotations

import re

import click

from pipeline.server import app, negotiation, protocol, sparql
from pipeline.server.command import serve
from pipeline.settings import PROJECT_ROOT

DOC = (PROJECT_ROOT / "SECURITY.md").read_text(encoding="utf-8")


def row(limit: str) -> str:
    m = re.search(rf"^\| {re.escape(limit)} \| ([^|]+) \|", DOC, re.M)
    assert m, f"SECURITY.md has no row for {limit!r}"
    return m.group(1)


def number(text: str) -> float:
    return float(re.search(r"[\d,.]+", text).group(0).replace(",", "").rstrip("."))


def default(option: str):
    return next(p.default for p in serve.params if isinstance(p, click.Option) and option in p.opts)


def test_command_line_defaults_are_the_documented_ones():
    assert number(row("query time")) == default("--timeout")
    assert number(row("result size")) == default("--row-limit")
    assert number(row("worker memory")) == default("--worker-memory-mb")
    assert number(row("concurrent queries")) == default("--workers")
    cache = row("answer cache")
    assert number(cache) == default("--sparql-cache")
    assert f"{default('--sparql-cache-mb')} MB" in cache


def test_request_limits_are_the_enforced_ones():
    assert number(row("query text")) == sparql.MAX_QUERY_CHARS
    assert number(row("URL")) * 1024 >= protocol.MAX_URL > (number(row("URL")) - 1) * 1024
    assert number(row("request line + headers")) * 1024 == protocol.MAX_HEAD
    assert number(row("POST body")) * 1_000_000 == app.DEFAULT_MAX_BODY
    assert number(row("`Accept` header")) == negotiation.MAX_ACCEPT


def test_every_route_of_the_app_is_listed():
    """Every Route/Mount path the application serves (pipeline/server/views/, wired by app.py) has its row."""
    listed = {p for first in re.findall(r"^\| (`/[^|]*) \|", DOC, re.M) for p in re.findall(r"`(/[^`]*)`", first)}
    source = "\n".join(f.read_text(encoding="utf-8") for f in [PROJECT_ROOT / "pipeline" / "server" / "app.py",
                        *sorted((PROJECT_ROOT / "pipeline" / "server" / "views").glob("*.py"))])
    paths = re.findall(r"(?:Route|Mount)\(f?\"([^\"]+)\"", source)
    assert "/sparql" in paths and "/doc/{rest:path}" in paths
    for path in paths:
        shown = re.sub(r"\{rest:path\}", "…", path)
        shown = "/static/…" if path == "/static" else shown
        if path == "/ontology{s}":     # one route per fixed-format suffix
            from pipeline.server.negotiation import BY_SUFFIX
            suffixes = re.search(r"`/ontology\.\{([^}]*)\}`", DOC).group(1).split(",")
            assert {f".{x}" for x in suffixes} == {s for s, f in BY_SUFFIX.items() if f.name != "akn"}
            continue
        assert shown in listed, f"{path} is served but not in SECURITY.md"
