"""``resgraph publish``: push the published local dataset into a remote SPARQL 1.1 server."""
from __future__ import annotations

import click

from .client import Client, RemoteError
from .endpoints import redact
from .errors import EndpointError
from .servers import KINDS, endpoints_for
from .publishing import publish_store
from ..cliutil import UserError, make_settings, settings_options


@click.command("publish")
@click.option("--server", "kind", required=True, type=click.Choice(KINDS, case_sensitive=False),
              help="Kind of server; it decides the endpoint paths and the quirks handled.")
@click.option("--to", "url", metavar="URL", default=None,
              help="Base URL of the server: http://host:7878 (oxigraph), http://host:8890 (virtuoso), "
                   "http://host:3030/DATASET (fuseki), http://host:7200/repositories/REPO (graphdb), "
                   "the query endpoint (generic).")
@click.option("--query-endpoint", metavar="URL", default=None, help="SPARQL query endpoint (overrides --to).")
@click.option("--update-endpoint", metavar="URL", default=None, help="SPARQL update endpoint (overrides --to).")
@click.option("--graph-store-endpoint", metavar="URL", default=None,
              help="Graph Store Protocol endpoint (overrides --to).")
@click.option("--no-graph-store", is_flag=True, default=False,
              help="Send data with SPARQL Update only, even if the server has a graph store.")
@click.option("--user", envvar="RESGRAPH_REMOTE_USER", default=None, metavar="NAME",
              help="Account for updates (env RESGRAPH_REMOTE_USER). Virtuoso: Digest auth on /sparql-auth.")
@click.option("--password", envvar="RESGRAPH_REMOTE_PASSWORD", default=None, metavar="SECRET",
              help="Password (env RESGRAPH_REMOTE_PASSWORD; prefer the environment, never printed).")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, metavar="N",
              help="Triples per request (default: 1000 for Virtuoso updates, 10000 for other updates, "
                   "100000 for graph-store uploads).")
@click.option("--timeout", type=click.FloatRange(min=1), default=600.0, show_default=True, metavar="SECONDS",
              help="Time limit of each HTTP request.")
@click.option("--prune/--no-prune", default=True, show_default=True,
              help="Drop remote graphs under BASE/graph/ that the local dataset no longer has.")
@click.option("--skolemize", is_flag=True, default=False,
              help="Replace blank nodes with stable .well-known/genid IRIs instead of refusing them.")
@click.option("--verify/--no-verify", default=True, show_default=True,
              help="Compare remote and local triple counts of every graph afterwards.")
@click.option("-q", "--quiet", is_flag=True, default=False, help="Print only the summary.")
@settings_options
def publish(kind, url, query_endpoint, update_endpoint, graph_store_endpoint, no_graph_store, user, password,
            batch_size, timeout, prune, skolemize, verify, quiet, base, store_dir):
    """Push the published dataset to a remote SPARQL 1.1 server.

    Each named graph (one per source document, plus the inferred, ontology and reference
    graphs) replaces the remote graph of the same name as a whole: readers see the old
    graph or the new one, never half of it.  Publishing twice changes nothing.

    \b
    Examples:
      resgraph publish --server oxigraph --to http://127.0.0.1:7878
      RESGRAPH_REMOTE_USER=dba RESGRAPH_REMOTE_PASSWORD=… \\
        resgraph publish --server virtuoso --to http://127.0.0.1:8890
    """
    from ..store import StoreError, open_current

    settings = make_settings(base, store_dir)
    kind = kind.lower()
    try:
        endpoints = endpoints_for(kind, url if url or kind != "generic" else query_endpoint,
                                  authenticated=user is not None)
        endpoints = endpoints.with_overrides(query=query_endpoint, update=update_endpoint,
                                             graph_store=graph_store_endpoint)
    except EndpointError as e:
        raise UserError(str(e)) from None
    if not endpoints.query:
        raise UserError("give --to URL or --query-endpoint")
    if user is not None and password is None:
        raise UserError("--user needs a password: set RESGRAPH_REMOTE_PASSWORD (or --password)")
    try:
        store, generation = open_current(settings)
    except StoreError as e:
        raise UserError(str(e)) from None

    def on_event(name, **info):
        if name == "warning":
            click.echo(f"warning: {info['message']}", err=True)
        elif name == "graph-done" and not quiet:
            click.echo(f"  {info['graph']}  {info['triples']:,} triples  ({info['method']})", err=True)
        elif name == "pruned" and not quiet:
            click.echo(f"  dropped stale graph {info['graph']}", err=True)

    if not quiet:
        click.echo(f"publishing generation {generation.name} to {kind} at {redact(endpoints.query)}", err=True)
    try:
        with Client(endpoints, user=user, password=password, timeout=timeout) as client:
            report = publish_store(store, client, base=settings.base, batch_size=batch_size, verify=verify,
                                   prune=prune, skolemize=skolemize, use_graph_store=not no_graph_store,
                                   on_event=on_event)
    except RemoteError as e:
        raise UserError(str(e)) from None
    finally:
        del store
    bad = report.mismatches
    if bad:
        first = bad[0]
        raise UserError(f"{len(bad)} graph(s) differ after publishing, e.g. <{first.graph}>: "
                        f"{first.remote:,} remote triples, {first.local:,} local; the server may have "
                        "merged or normalised literals — republish, or inspect that graph")
    checked = "; remote counts match" if verify else ""
    click.echo(f"published {len(report.graphs)} graphs, {report.triples:,} triples in {report.seconds:.1f} s "
               f"({report.triples_per_second:,.0f} triples/s){checked}")
