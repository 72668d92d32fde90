"""``resgraph serve``: run the HTTP server, or answer one request with ``--get``.

The shared ``--base`` / ``--store`` options and the user-error type come from
:mod:`pipeline.cliutil`, like every other command's.
"""
from __future__ import annotations

import asyncio
import errno
import os
import socket
import sys

import click

from ..cliutil import UserError, make_settings, settings_options
from ..publish.endpoints import redact
from ..publish.servers import KINDS as SERVER_KINDS
from ..settings import DEFAULT_HOST, DEFAULT_PORT


def _user_error(message: str) -> click.ClickException:
    return UserError(message)


def _bind(host: str, port: int) -> socket.socket:
    """Bind before starting uvicorn, so that "port in use" is one clear line, not a log dump."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise _user_error(f"port {port} on {host} is already in use; stop the other server or pass --port") from None
        raise _user_error(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    # Accepted sockets inherit TCP_NODELAY on Linux; without it a response written as
    # headers + body waits ~40 ms for a delayed ACK (Nagle), measured with bench/http_load.py.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _http_protocol():
    """httptools with one write per response (:mod:`.protocol`), or uvicorn's choice without httptools."""
    try:
        from .protocol import CoalescingHttpToolsProtocol
    except ImportError:  # pragma: no cover - httptools is a dependency of uvicorn[standard]
        return "auto"
    return CoalescingHttpToolsProtocol


async def _get_in_process(app, base: str, path: str, accept: str | None):
    """One request through the whole app (lifespan included), no socket: datasette's ``--get``."""
    import httpx

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base.rstrip("/")) as client:
            return await client.get(path, headers={"Accept": accept} if accept else {}, follow_redirects=True)


def _check_endpoint(settings, url: str, kind: str, user: str | None, password: str | None, timeout: float) -> None:
    """Before starting: the remote store answers and holds data published under ``--base``; one error line if not.

    The credentials go into the environment, where the query workers (child processes) read them."""
    from ..publish import RemoteError
    from ..publish.endpoints import EndpointError, check_url
    from . import remote

    try:
        check_url(url)
    except EndpointError as e:
        raise _user_error(f"--endpoint: {e}") from None
    if user is not None:
        os.environ["RESGRAPH_REMOTE_USER"] = user
    if password is not None:
        os.environ["RESGRAPH_REMOTE_PASSWORD"] = password
    try:
        kind = remote.resolve_kind(url, kind, timeout=timeout)
        store = remote.RemoteStore(url, kind=kind, timeout=timeout)
        try:
            remote.stamp(store, settings.base)
        finally:
            store.close()
    except RemoteError as e:
        raise _user_error(f"--endpoint: {e}") from None


@click.command("serve")
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Interface to listen on (127.0.0.1: this machine only).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535), help="TCP port to listen on.")
@settings_options
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Query worker processes (each runs one SPARQL query at a time and is killed at the time limit).")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Time limit of one SPARQL query, in seconds; the query is stopped, the client gets 503.")
@click.option("--row-limit", default=10_000, show_default=True, type=click.IntRange(1),
              help="Most rows (or triples) one query may return; more is labelled truncation or 422.")
@click.option("--sparql-cache", default=1000, show_default=True, type=click.IntRange(0),
              help="How many /sparql answers to keep per published generation (0: keep none). Answers are "
                   "forgotten when a new generation is published; errors, timeouts, truncated answers and "
                   "queries using RAND/NOW/UUID/STRUUID/BNODE are never kept.")
@click.option("--sparql-cache-mb", default=64, show_default=True, type=click.IntRange(0),
              help="Most megabytes of /sparql answers kept per generation.")
@click.option("--worker-memory-mb", default=2048, show_default=True, type=click.IntRange(0),
              help="Heap limit of each query worker process in MB (0: none); a query needing more is stopped "
                   "with an error and the worker replaced.")
@click.option("--endpoint", default=None, metavar="URL",
              help="Serve from a remote SPARQL store that `resgraph publish` filled, not the local store: its "
                   "query endpoint, e.g. http://host:7878/query (Oxigraph server) or http://host:8890/sparql "
                   "(Virtuoso). Pages, /id and /doc, the canned questions and /sparql (the same limits) read it; "
                   "--store is not used. Not served in this mode: /dumps (404). Give the --base the data was "
                   "published with.")
@click.option("--endpoint-kind", default="auto", show_default=True,
              type=click.Choice(("auto", *SERVER_KINDS), case_sensitive=False),
              help="Kind of the remote store (auto: from its Server header), as for `resgraph publish --server`.")
@click.option("--endpoint-user", envvar="RESGRAPH_REMOTE_USER", default=None, metavar="NAME",
              help="Account for the remote store, if it wants one (env RESGRAPH_REMOTE_USER; Virtuoso: Digest).")
@click.option("--endpoint-password", envvar="RESGRAPH_REMOTE_PASSWORD", default=None, metavar="SECRET",
              help="Its password (env RESGRAPH_REMOTE_PASSWORD; prefer the environment, never printed).")
@click.option("--endpoint-check", default=5.0, show_default=True, type=click.FloatRange(0.1, 86400), metavar="SECONDS",
              help="How often to ask the remote store whether a new `resgraph publish` changed it (then the "
                   "answers kept for the old data are dropped).")
@click.option("--get", "get_path", default=None, metavar="PATH",
              help="Answer one request for PATH in-process (no socket), print the body and exit; e.g. --get /sparql?query=ASK%7B%7D")
@click.option("--accept", default=None, metavar="TYPE", help="With --get: the Accept header to send.")
def serve(host, port, base, store_dir, workers, timeout, row_limit, sparql_cache, sparql_cache_mb, worker_memory_mb,
          endpoint, endpoint_kind, endpoint_user, endpoint_password, endpoint_check, get_path, accept):
    """Serve the published graph: SPARQL endpoint at /sparql, linked data under /id/…, pages for people.

    Read-only. A rebuild (`resgraph build`) is picked up without a restart. With --endpoint URL
    the server reads a remote SPARQL store instead (several servers can then share one store
    behind a load balancer); a new `resgraph publish` to it is picked up within --endpoint-check.
    """
    from .. import store as store_mod
    from .app import Config, create_app

    settings = make_settings(base, store_dir)
    if endpoint:
        _check_endpoint(settings, endpoint, endpoint_kind.lower(), endpoint_user, endpoint_password, timeout)
    else:
        try:
            if store_mod.current(settings) is None:
                raise _user_error(f"nothing published in {settings.store_dir} yet; run `resgraph build` first")
        except store_mod.StoreError as e:
            raise _user_error(str(e)) from None
    config = Config(workers=1 if get_path else workers, timeout=timeout, row_limit=row_limit,
                    sparql_cache=sparql_cache, sparql_cache_bytes=sparql_cache_mb * 1024 * 1024,
                    worker_memory_mb=worker_memory_mb, endpoint=endpoint, endpoint_kind=endpoint_kind.lower(),
                    endpoint_check=endpoint_check)
    app = create_app(settings, config)

    if get_path:
        if not get_path.startswith("/"):
            raise _user_error("--get takes a path starting with /, e.g. --get /id/resolution/pp/11")
        resp = asyncio.run(_get_in_process(app, settings.base, get_path, accept))
        sys.stdout.buffer.write(resp.content)
        if resp.content and not resp.content.endswith(b"\n"):
            sys.stdout.buffer.write(b"\n")
        sys.stdout.flush()
        if resp.status_code >= 400:
            raise _user_error(f"GET {get_path} answered {resp.status_code} {resp.reason_phrase}")
        return

    import uvicorn

    sock = _bind(host, port)
    listen = f"http://{host if ':' not in host else f'[{host}]'}:{sock.getsockname()[1]}/"
    if not settings.base.startswith(listen) and os.environ.get("RESGRAPH_QUIET") is None:
        click.echo(f"note: data URIs start with {settings.base}, this server listens on {listen}", err=True)
    source = redact(endpoint) if endpoint else settings.store_dir
    click.echo(f"resgraph serving {source} at {listen} (SPARQL: {listen}sparql); Ctrl-C stops", err=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                                           timeout_graceful_shutdown=5, http=_http_protocol()))
    server.run(sockets=[sock])
    if not server.started:
        raise _user_error("the server did not start; see the messages above")
