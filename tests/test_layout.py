"""The layout of the package (issue 14, docs/architecture.md): no import cycle among the modules
of ``pipeline`` (imports inside functions included), no module over 900 lines, and the seams —
``sources/``, ``citations/`` (one module per family), ``export/``, ``publish/servers/`` — each found
through its table."""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from pipeline.settings import PROJECT_ROOT

ROOT = PROJECT_ROOT / "pipeline"
MAX_LINES = 900


def _modules() -> dict[str, Path]:
    out = {}
    for f in ROOT.rglob("*.py"):
        parts = f.relative_to(PROJECT_ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = f
    return out


def import_graph() -> dict[str, set[str]]:
    """Module → the modules it imports (every ``import`` statement, at any depth of the file)."""
    mods = _modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, f in mods.items():
        pkg = name if f.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = pkg.split(".")[: len(pkg.split(".")) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                named = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in mods]
                targets = named if len(named) == len(node.names) else [target, *named]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            graph[name].update(t for t in targets if t in mods and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(set(graph) | {w for ws in graph.values() for w in ws}):
        if v not in index:
            visit(v)
    return out


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle():
    assert cycles(import_graph()) == []


def test_no_module_over_900_lines():
    long = {str(f.relative_to(PROJECT_ROOT)): n for f in ROOT.rglob("*.py")
            if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long


def test_the_seams_exist_with_their_tables():
    from pipeline.citations import FAMILIES
    from pipeline.export import WRITERS
    from pipeline.publish.servers import SERVERS
    from pipeline.sources import READERS

    assert [r.name for r in READERS] == ["docx", "akn", "un-text", "itu-text"]
    assert {w.name for w in WRITERS} >= {"turtle", "ntriples", "jsonld", "rdfxml", "nquads", "trig"}
    assert set(SERVERS) == {"oxigraph", "virtuoso", "fuseki", "graphdb", "generic"}
    # one module per family, each holding exactly the family the table lists
    modules = {f.__module__ for f in (fam.read or fam.merge for fam in FAMILIES)}
    assert len(modules) == len(FAMILIES)
    kinds = [k for fam in FAMILIES for k in fam.kinds]
    assert len(kinds) == len(set(kinds)), "each citation kind is owned by one family"


def test_old_module_paths_are_gone():
    for old in ("parse.py", "labels.py", "plan.py", "citations.py", "mapping.py", "registry.py", "reference.py",
                "validate.py", "shacl_sparql.py", "reason.py", "uris.py", "vocab.py", "query.py", "build.py"):
        assert not (ROOT / old).exists(), old
    assert not (ROOT / "remote").exists()
