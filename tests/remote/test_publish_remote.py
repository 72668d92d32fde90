"""`resgraph publish --server KIND --to URL` and remote queries, against REAL servers (issue 7).

Every test here runs once per server kind (Oxigraph server, Virtuoso 7.2; see conftest.py),
except the Virtuoso-only ones, which run on Virtuoso alone.
"""
from __future__ import annotations

import threading
import time

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.publish import RemoteError, RemoteTruncated, publish_store, run_remote_query
from pipeline.store import open_current
from pipeline.rdf.uris import URIs
from remote_dataset import build_store, local_graph_digest
from remote_servers import remote_digest

pytestmark = pytest.mark.server

#: a Virtuoso-only case runs on the Virtuoso server alone: no Oxigraph case is generated
#: (overrides the ``server`` fixture's parameters; it used to be generated and skipped)
VIRTUOSO_ONLY = pytest.mark.parametrize("server", ["virtuoso"], indirect=True)

CITES = """SELECT DISTINCT ?resolution ?number ?clause ?label ?target WHERE {
  ?clause cito:cites ?target ; a rg:Clause ; eli:is_part_of+ ?version .
  ?version a rg:ResolutionVersion ; dcterms:isVersionOf ?resolution .
  OPTIONAL { ?resolution eli:number ?number }
  OPTIONAL { ?clause eli:number ?label }
}"""


def run_cli(server, settings, *extra):
    result = CliRunner().invoke(main, ["publish", *server.cli_args(), "--store", str(settings.store_dir),
                                       "--base", settings.base, "-q", *extra], env=server.cli_env())
    return result


def assert_remote_equals_local(server, settings):
    local = local_graph_digest(settings)
    with server.client() as client:
        for graph, (count, checksum) in local.items():
            assert remote_digest(client, graph) == (count, checksum), graph
    return local


@pytest.fixture(scope="module")
def published(server, tmp_path_factory):
    """The first dataset, published once through the CLI."""
    settings = build_store(tmp_path_factory.mktemp("store-v1"), "http://resgraph.test/", big=12_000)
    t0 = time.perf_counter()
    result = run_cli(server, settings)
    elapsed = time.perf_counter() - t0
    assert result.exit_code == 0, result.output
    assert "remote counts match" in result.output
    print(f"\n[{server.kind}] first publish: {result.output.strip()} (wall {elapsed:.1f} s)")
    return settings


def test_publish_then_remote_equals_local(server, published):
    assert_remote_equals_local(server, published)


def test_remote_query_gives_the_embedded_answer(server, published):
    target = ox.NamedNode(URIs(published.base).un("A/RES/70/1"))
    from pipeline.rdf.vocab import PREFIXES
    store, _ = open_current(published)
    embedded = {tuple(str(s[v]) if s[v] is not None else None for v in ("resolution", "number", "clause", "label", "target"))
                for s in store.query(CITES, prefixes=PREFIXES, substitutions={ox.Variable("target"): target})}
    endpoint = server.endpoints().query
    variables, rows = run_remote_query(endpoint, CITES, [{ox.Variable("target"): target}])
    assert variables == ["resolution", "number", "clause", "label", "target"]
    remote = {tuple(str(t) if t is not None else None for t in row) for row in rows}
    assert len(embedded) > 100
    assert remote == embedded


def test_republish_changes_nothing(server, published):
    with server.client() as client:
        before = {g: remote_digest(client, g) for g in local_graph_digest(published)}
    result = run_cli(server, published)
    assert result.exit_code == 0, result.output
    with server.client() as client:
        after = {g: remote_digest(client, g) for g in before}
    assert after == before


def test_modified_dataset_replaces_graphs_and_drops_removed_ones(server, published, tmp_path):
    settings = build_store(tmp_path / "store-v2", published.base, variant=1, big=12_000, big_tag="v2")
    result = run_cli(server, settings)
    assert result.exit_code == 0, result.output
    local = assert_remote_equals_local(server, settings)  # replaced, not merged
    u = URIs(settings.base)
    removed = u.document_graph("pp18-000")
    assert removed not in local
    with server.client() as client:
        assert client.select(f"SELECT * WHERE {{ GRAPH <{removed}> {{ ?s ?p ?o }} }} LIMIT 1").rows == []
        leftovers = client.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                                  'FILTER(CONTAINS(STR(?g), "_staging")) }').rows
        assert leftovers == []
    # back to v1 for the other tests of this module
    assert run_cli(server, published).exit_code == 0


def test_sigkill_mid_publish_leaves_the_previous_graph_whole(server, tmp_path):
    """Kill the server while a big graph is being replaced; after restart it is old or new, never half."""
    base = "http://resgraph.test/"
    big = 60_000
    v1 = build_store(tmp_path / "v1", base, docs=2, clauses=5, big=big, big_tag="v1")
    v2 = build_store(tmp_path / "v2", base, docs=2, clauses=5, big=big, big_tag="v2")
    graph = URIs(base).document_graph("big-annex")
    want_v1 = local_graph_digest(v1)[graph]
    want_v2 = local_graph_digest(v2)[graph]

    def publish(settings, on_event=None, batch_size=10_000):
        store, _ = open_current(settings)
        with server.client() as client:
            return publish_store(store, client, base=base, batch_size=batch_size, on_event=on_event, prune=False)

    t0 = time.perf_counter()
    report = publish(v1)
    seconds = time.perf_counter() - t0
    print(f"\n[{server.kind}] {report.triples:,} triples in {seconds:.1f} s "
          f"({report.triples / seconds:,.0f} triples/s); methods: {sorted({g.method for g in report.graphs})}")
    assert not report.mismatches

    for moment in ("upload", "swap"):
        killed = threading.Event()
        timers = []

        def on_event(name, **info):
            if killed.is_set() or info.get("graph") != graph:
                return
            if moment == "upload" and name == "batch" and info["sent"] >= 2 * 10_000:
                killed.set()
                server.kill()
            if moment == "swap" and name == "swap":
                killed.set()
                # the swap request is on its way when the server dies
                timers.append(threading.Timer(0.3, server.kill))
                timers[-1].start()

        try:
            publish(v2, on_event=on_event)
            finished = True
        except RemoteError:
            finished = False
        assert killed.is_set()
        # a kill during the upload always stops the publish; the kill timed 0.3 s after the swap
        # request left may land after a loaded server has already answered it (then: the new graph)
        assert moment == "swap" or not finished, "the publish survived a kill during the upload"
        for t in timers:
            t.join()
        server.start()
        print(f"[{server.kind}] restarted after a kill during the {moment}:", (server.data_dir / f"{server.kind}.pid").read_text().strip())
        with server.client() as client:
            state = remote_digest(client, graph)
        if moment == "upload":
            assert state == want_v1, "a kill during the upload must leave the previous graph"
        else:
            assert state in (want_v1, want_v2), "after a kill during the swap the graph is old or new, never half"
            print(f"[{server.kind}] kill during swap left the {'old' if state == want_v1 else 'new'} graph")
        # a clean publish afterwards repairs everything (and cleans the staging graph)
        report = publish(v1)
        assert not report.mismatches
        with server.client() as client:
            assert remote_digest(client, graph) == want_v1


def test_user_errors_are_one_line(server, published, tmp_path):
    runner = CliRunner()
    # unreachable
    r = runner.invoke(main, ["publish", "--server", server.kind, "--to", "http://127.0.0.1:9", "-q",
                             "--store", str(published.store_dir)], env=server.cli_env())
    assert r.exit_code != 0 and r.output.startswith("error: cannot reach http://127.0.0.1:9/")
    assert "Traceback" not in r.output and r.output.count("\n") == 1
    # nothing published locally
    r = runner.invoke(main, ["publish", *server.cli_args(), "--store", str(tmp_path / "empty")])
    assert r.exit_code != 0 and r.output.startswith("error: no published graph")
    # wrong kind of server: the endpoints do not exist
    other = "virtuoso" if server.kind == "oxigraph" else "oxigraph"
    r = runner.invoke(main, ["publish", "--server", other, "--to", server.url, "-q", "--store", str(published.store_dir)],
                      env={"RESGRAPH_REMOTE_USER": "dba", "RESGRAPH_REMOTE_PASSWORD": "dba"})
    assert r.exit_code != 0 and r.output.startswith("error: ") and "Traceback" not in r.output, r.output
    print(f"\n[{server.kind}] published as {other}: {r.output.strip()}")


@VIRTUOSO_ONLY
def test_virtuoso_permissions_and_credentials(server, published):
    runner = CliRunner()
    # no credentials: the anonymous /sparql answers 500 text/plain "SR186:SECURITY: No permission"
    r = runner.invoke(main, ["publish", *server.cli_args(), "-q", "--store", str(published.store_dir),
                             "--base", published.base], env={"RESGRAPH_REMOTE_USER": None})
    assert r.exit_code != 0
    assert r.output.startswith("error: ") and "no permission to write" in r.output, r.output
    # wrong password: 401 from the Digest-protected /sparql-auth; the password is never echoed
    r = runner.invoke(main, ["publish", *server.cli_args(), "-q", "--store", str(published.store_dir),
                             "--base", published.base],
                      env={"RESGRAPH_REMOTE_USER": "dba", "RESGRAPH_REMOTE_PASSWORD": "hunter2-wrong"})
    assert r.exit_code != 0 and "refused the credentials (401)" in r.output
    assert "hunter2" not in r.output


@VIRTUOSO_ONLY
def test_virtuoso_row_cap_is_an_error_or_a_labelled_truncation(server, published):
    endpoint = server.endpoints().query
    query = "SELECT ?s ?o WHERE { ?s ?p ?o }"  # > 10,000 rows: Virtuoso's default ResultSetMaxRows
    with pytest.raises(RemoteTruncated, match="X-SPARQL-MaxRows"):
        run_remote_query(endpoint, query)
    answer = run_remote_query(endpoint, query, allow_truncated=True)
    assert answer.truncated and "10000" in answer.truncation
