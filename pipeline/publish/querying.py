"""Run a (canned) SPARQL query on a remote endpoint with parameters bound as typed terms.

A remote server cannot take pyoxigraph's ``substitutions=``, so the bindings travel inside
the query as a ``VALUES`` block.  The block is built only from RDF terms serialised by
rdflib (``term.n3()``) or pyoxigraph (``str(term)``), never from user text, and it is put
*at the start of the outermost WHERE group*, where it joins like a substitution.  (A
trailing ``VALUES`` after the whole query — what rdflib's SPARQLStore does with
``initBindings`` — joins after aggregation, projection and LIMIT and can change the answer.)
"""
from __future__ import annotations

import os


from .client import Client, RemoteError
from .endpoints import Endpoints, check_url
from .servers import KINDS
from .servers import SERVERS, server_kind
from ..query.sparql_text import bind_values, with_prefixes

class RemoteAnswer(tuple):
    """``(variables, rows)`` — unpack it like the embedded ``query.run`` — plus a truncation label.

    ``rows`` are lists of pyoxigraph terms (``None`` = unbound) in ``variables`` order.
    """

    def __new__(cls, variables: list[str], rows: list[list], truncation: str = ""):
        self = super().__new__(cls, (variables, rows))
        self.truncation = truncation
        return self

    @property
    def variables(self) -> list[str]:
        return self[0]

    @property
    def rows(self) -> list[list]:
        return self[1]

    @property
    def truncated(self) -> bool:
        return bool(self.truncation)


def detect_kind(client: Client) -> str:
    """Guess the server kind from the ``Server`` header of a tiny query (``ASK {}``)."""
    rows = client.select("ASK {}")
    server = str(rows.headers.get("server") or rows.headers.get("Server") or "").lower()
    for kind in SERVERS.values():
        if any(marker in server for marker in kind.server_header):
            return kind.name
    return "generic"


def run_remote_query(endpoint_url: str, query_text: str, bindings=None, *,
                     kind: str = "auto", user: str | None = None, password: str | None = None,
                     prefixes: dict[str, str] | None = None, union_default_graph: bool = True,
                     timeout: float = 60.0, allow_truncated: bool = False) -> RemoteAnswer:
    """Run ``query_text`` (SELECT or ASK) on ``endpoint_url`` with ``bindings`` bound; return rows.

    Signature, for ``resgraph query … --endpoint URL``:

    - ``endpoint_url``: the SPARQL *query* endpoint (e.g. ``http://host:7878/query``,
      ``http://host:8890/sparql``).
    - ``query_text``: the query, with the variables to bind written as ``?name``.
    - ``bindings``: ``{"name": term}`` or a list of such dicts (alternatives: one VALUES row
      each, answers merged — as the embedded store runs one query per alternative); keys are
      ``str`` or ``pyoxigraph.Variable``; each term an rdflib ``URIRef``/``Literal`` or a
      pyoxigraph ``NamedNode``/``Literal`` (raw strings are refused with ``TypeError``;
      normalise user input into a term first).  ``None``, ``{}`` or ``[{}]`` bind nothing.
    - ``kind``: ``auto`` (default: read the ``Server`` header of one ``ASK {}``),
      ``oxigraph``, ``virtuoso``, ``fuseki``, ``graphdb`` or ``generic``.
    - ``user``/``password``: default to ``RESGRAPH_REMOTE_USER`` / ``RESGRAPH_REMOTE_PASSWORD``.
    - ``prefixes``: declared for the query unless it declares them (default:
      :data:`pipeline.rdf.vocab.PREFIXES`, as the embedded store uses).
    - ``union_default_graph``: query the union of the named graphs as the default graph, like
      the embedded store (Oxigraph: ``union-default-graph``; Fuseki: ``urn:x-arq:UnionGraph``;
      Virtuoso and GraphDB do so anyway).
    - ``timeout``: seconds for each HTTP request.
    - ``allow_truncated``: if false (default) a capped or timed-out answer raises
      :class:`RemoteTruncated`; if true it is returned with ``answer.truncation`` saying why.

    Returns a :class:`RemoteAnswer`, i.e. ``variables, rows = run_remote_query(…)`` with
    ``rows`` a list of lists of pyoxigraph terms (``None`` = unbound), duplicates removed as
    in the embedded ``query.run``; an ASK gives ``["boolean"], [[Literal]]``.
    Raises :class:`RemoteError` (one line, for ``error: …``) when the server is unreachable,
    refuses, or answers badly; ``ValueError`` when a binding names a variable the query lacks.

    >>> variables, rows = run_remote_query("http://127.0.0.1:7878/query",
    ...     "SELECT ?clause WHERE { ?clause cito:cites ?target }",
    ...     {"target": URIRef("http://127.0.0.1:8000/id/un/A/RES/70/1")})  # doctest: +SKIP
    """
    if kind not in KINDS + ("auto",):
        raise ValueError(f"unknown server kind {kind!r}; use auto or one of {', '.join(KINDS)}")
    try:
        url = check_url(endpoint_url)
    except ValueError as e:
        raise RemoteError(str(e)) from None
    if prefixes is None:
        from ..rdf.vocab import PREFIXES as prefixes
    text = with_prefixes(bind_values(query_text, bindings), prefixes)
    user = user if user is not None else os.environ.get("RESGRAPH_REMOTE_USER") or None
    password = password if password is not None else os.environ.get("RESGRAPH_REMOTE_PASSWORD")
    with Client(Endpoints("generic" if kind == "auto" else kind, query=url, update=None, graph_store=None),
                user=user, password=password, timeout=timeout) as client:
        if kind == "auto":
            kind = detect_kind(client)
            client.endpoints = Endpoints(kind, query=url, update=None, graph_store=None)
        extra = (server_kind(kind).union_default_graph or {}) if union_default_graph else {}
        result = client.select(text, allow_truncated=allow_truncated, params=extra)
    rows, seen = [], set()
    for r in result.rows:
        row = [r[v] for v in result.variables]
        key = tuple(str(t) for t in row)
        if key not in seen:
            seen.add(key)
            rows.append(row)
    return RemoteAnswer(result.variables, rows, result.truncation)
