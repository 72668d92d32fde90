"""The seed build's whole graph, pinned by digest (issue 14's safety net).

Every graph the build publishes — the document's asserted graph, the inferred graph, the report
graph, the ontology and reference graphs — is dumped as sorted N-Quads and hashed.  A refactoring
that keeps the output keeps the digest; a deliberate change of output updates
``tests/fixtures/golden_seed.sha256`` in the same commit and says why in its message.

On a mismatch the dump is written to ``tests/artifacts/golden_seed.nq`` so that it can be diffed
against a dump of the previous commit (``RESGRAPH_GOLDEN_UPDATE=1`` rewrites the digest).

The default graph is left out of the digest: it is derived, the merge of the named graphs
(pipeline.store.merge_default), and a test below checks it is exactly that.
"""
from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from pipeline.store import open_current

HERE = Path(__file__).parent
DIGEST = HERE / "fixtures" / "golden_seed.sha256"
ARTIFACT = HERE / "artifacts" / "golden_seed.nq"


def sorted_nquads(store) -> bytes:
    return "".join(sorted(f"{q} .\n" for q in store if q.graph_name != ox.DefaultGraph())).encode()


def test_seed_build_is_the_golden_graph(seed_build):
    res, settings = seed_build
    st, _gen = open_current(settings)
    data = sorted_nquads(st)
    digest = hashlib.sha256(data).hexdigest()
    if os.environ.get("RESGRAPH_GOLDEN_UPDATE") == "1":
        DIGEST.write_text(digest + "\n")
    expected = DIGEST.read_text().split()[0]
    if digest != expected:
        ARTIFACT.parent.mkdir(exist_ok=True)
        ARTIFACT.write_bytes(data)
    graphs = Counter(str(q.graph_name) for q in st if q.graph_name != ox.DefaultGraph())
    assert digest == expected, (f"the seed build's graph changed ({len(data)} bytes, graphs {dict(graphs)}); "
                                f"dump written to {ARTIFACT}")


def test_golden_dump_holds_every_published_graph(seed_build):
    """The digest covers asserted, inferred, report, ontology and reference graphs, not one of them."""
    _res, settings = seed_build
    st, _gen = open_current(settings)
    graphs = {str(q.graph_name).strip("<>").removeprefix(settings.base) for q in st
              if q.graph_name != ox.DefaultGraph()}
    assert graphs == {"graph/document/pp18-64-add1", "graph/inferred", "graph/ontology", "graph/reference",
                      "id/report/pp18-64-add1"}


def test_default_graph_is_the_merge_of_the_named_graphs(seed_build):
    """Each triple of any named graph once in the default graph, and nothing else there."""
    _res, settings = seed_build
    st, _gen = open_current(settings)
    named, default = set(), set()
    for q in st:
        t = (q.subject, q.predicate, q.object)
        if q.graph_name == ox.DefaultGraph():
            default.add(t)
        else:
            named.add(t)
    assert default == named
    # and what queries see: one row per triple
    n = int(next(iter(st.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0].value)
    assert n == len(named)
