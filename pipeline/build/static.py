"""What every build shares: the ontology and reference graphs (skolemised), the instance rules of
the ontology, and the fingerprint of everything besides the sources that a graph depends on."""
from __future__ import annotations

import hashlib
import importlib.metadata
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph

from ..checks import reason
from ..settings import PROJECT_ROOT, Settings
from ..rdf.uris import URIs
from ..rdf.vocab import ontology_graph
from ..rdf.triples import graph_quads
from .results import CACHE_FORMAT



def skolemized(g: Graph, settings: Settings) -> Graph:
    """``g`` with its blank nodes (OWL lists, restrictions) replaced by skolem IRIs.

    The labels come from rdflib's canonical labelling, so the same input gives the same
    IRIs in every build: a remote store (``resgraph publish``) can match them, and a
    rebuild of unchanged input publishes an identical graph (RDF 1.1 §3.5,
    ``/.well-known/genid/``).
    """
    canon = to_canonical_graph(g)
    out = Graph()
    prefix = URIs(settings.base).skolem_prefix()
    sk = lambda t: URIRef(prefix + str(t)) if isinstance(t, BNode) else t  # noqa: E731
    for s, p, o in canon:
        out.add((sk(s), p, sk(o)))
    return out


def static_quads(settings: Settings) -> Iterator[ox.Quad]:
    """The ontology and reference graphs (skolemised), the same for every document."""
    u = URIs(settings.base)
    yield from graph_quads(skolemized(ontology_graph(settings.ontology_dir), settings), u.ontology_graph)
    ref = Graph()
    sdg_ttl = settings.reference_dir / "sdg-kos-goals-targets-indicators.ttl"
    if sdg_ttl.exists():
        ref.parse(sdg_ttl, format="turtle")
    yield from graph_quads(skolemized(ref, settings), u.reference_graph)




def fingerprint(settings: Settings) -> str:
    """Everything besides a source's text that its graph depends on; a change means a full build."""
    h = hashlib.sha256()
    h.update(f"format {CACHE_FORMAT}\nbase {settings.base}\n".encode())
    for dist in ("resgraph", "rdflib", "pyoxigraph", "pyshacl", "owlrl"):
        try:
            h.update(f"{dist} {importlib.metadata.version(dist)}\n".encode())
        except importlib.metadata.PackageNotFoundError:
            pass
    # Every Python file of the package, sub-packages included, named by its path inside the
    # package: moving code into a sub-package must never reuse a build made by the old code.
    code_root = PROJECT_ROOT / "pipeline"
    files: list[tuple[str, Path]] = [(f"pipeline/{p.relative_to(code_root).as_posix()}", p)
                                     for p in sorted(code_root.rglob("*.py"))]
    for d in (settings.ontology_dir, settings.shapes_dir, settings.reference_dir):
        if Path(d).is_dir():
            files.extend((p.relative_to(d).as_posix(), p) for p in sorted(Path(d).rglob("*"))
                         if p.is_file() and not p.name.startswith("."))
    for name, f in files:
        h.update(f"{name}\0".encode())
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()




def _rules(settings: Settings, previous: dict | None, fp: str) -> dict:
    """The instance rules of the ontology (owlrl closure: ~0.5 s), reused while the fingerprint holds."""
    if previous and previous.get("fingerprint") == fp and isinstance(previous.get("rules"), dict):
        return previous["rules"]
    rules = reason.rules_from(reason.closed_ontology(settings))
    return {k: [list(x) for x in v] for k, v in rules.items()}
