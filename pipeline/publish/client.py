"""A small SPARQL 1.1 Protocol / Graph Store Protocol client over httpx, aware of server traps.

Why not SPARQLWrapper: it is stale (last release 2022), hides response headers we must read
(Virtuoso reports truncation only in ``X-SPARQL-MaxRows`` / ``X-SQL-State``) and sends
``application/sparql-query`` POSTs, on which Virtuoso 7.2 hangs.  Here every query is a
form-encoded POST (SPARQL 1.1 Protocol §2.1.2), which every server we know accepts.

Every failure becomes a :class:`RemoteError` with one line a user can act on; credentials
are never part of a message.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import httpx
import pyoxigraph as ox

from .endpoints import Endpoints, redact
from .errors import RemoteError, RemoteTruncated
from .servers import server_kind

XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
RESULTS_JSON = "application/sparql-results+json"
#: What a CONSTRUCT answer may come as (Virtuoso sends N-Triples as text/plain).
GRAPH_FORMATS = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
                 "text/turtle": ox.RdfFormat.TURTLE}


@dataclass
class Rows:
    """Results of a remote SELECT: variable names and rows of pyoxigraph terms (``None`` = unbound).

    ``truncated`` is set (with ``truncation`` saying why) only when the caller allowed
    truncated results; otherwise truncation raises :class:`RemoteTruncated`.
    """

    variables: list[str]
    rows: list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | None]]
    truncated: bool = False
    truncation: str = ""
    headers: dict = field(default_factory=dict, repr=False)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


def term_from_json(binding: dict):
    """One SPARQL 1.1 JSON results binding → a pyoxigraph term.

    Accepts SPARQL 1.0's ``typed-literal`` (Virtuoso still sends it).
    """
    kind = binding.get("type")
    value = binding.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if kind in ("literal", "typed-literal"):
        lang = binding.get("xml:lang")
        if lang:
            return ox.Literal(value, language=lang)
        dt = binding.get("datatype")
        if dt:
            return ox.Literal(value, datatype=ox.NamedNode(dt))
        return ox.Literal(value)
    raise RemoteError(f"the server sent a result term of unknown type {kind!r}")


def _first_line(text: str, limit: int = 240) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line[:limit]
    return ""


class Client:
    """HTTP access to one server's endpoints.

    ``user``/``password`` are sent with HTTP Digest auth to servers that want it (Virtuoso's
    ``-auth`` routes only speak Digest, :attr:`ServerKind.digest_auth`) and Basic auth elsewhere.
    """

    def __init__(self, endpoints: Endpoints, *, user: str | None = None, password: str | None = None,
                 timeout: float = 600.0, connect_timeout: float = 10.0):
        self.endpoints = endpoints
        auth = None
        if user is not None:
            auth = (httpx.DigestAuth(user, password or "") if server_kind(endpoints.kind).digest_auth
                    else httpx.BasicAuth(user, password or ""))
        self._http = httpx.Client(auth=auth, timeout=httpx.Timeout(timeout, connect=connect_timeout),
                                  follow_redirects=False, headers={"User-Agent": "resgraph"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -------------------------------------------------------------- transport --
    def _send(self, method: str, url: str, what: str, **kw) -> httpx.Response:
        try:
            response = self._http.request(method, url, **kw)
        except httpx.ConnectError:
            raise RemoteError(f"cannot reach {redact(url)}: connection refused or host unknown; "
                              "is the server running, and is --to right?") from None
        except httpx.TimeoutException:
            raise RemoteError(f"{redact(url)} did not answer in time ({what}); "
                              "raise --timeout or lower --batch-size") from None
        except httpx.HTTPError as e:
            raise RemoteError(f"{what} at {redact(url)} failed: {type(e).__name__}: {e}") from None
        if response.status_code >= 300:
            error = self._error(response, url, what)
            error.status = response.status_code  # the server answered (serve --endpoint tells 4xx from 5xx)
            raise error
        return response

    def _error(self, response: httpx.Response, url: str, what: str) -> RemoteError:
        status = response.status_code
        text = response.text if response.content else ""
        line = _first_line(text)
        where = redact(url)
        if status == 401:
            return RemoteError(f"{where} refused the credentials (401) for {what}; give --user and --password "
                               "(or RESGRAPH_REMOTE_USER / RESGRAPH_REMOTE_PASSWORD)")
        if status == 403:
            return RemoteError(f"{where} forbids {what} (403){': ' + line if line else ''}; "
                               "the account needs write permission")
        lowered = text.lower()
        if status == 500 and ("permission" in lowered or "security" in lowered or "access denied" in lowered):
            # Virtuoso answers 500 text/plain "SR186:SECURITY: No permission to execute procedure …"
            hint = server_kind(self.endpoints.kind).write_permission_hint
            return RemoteError(f"{where} refused {what}: the account has no permission to write{hint}; "
                               f"server said: {line}")
        if status == 404:
            return RemoteError(f"{where} does not exist (404) for {what}; check --server and --to, "
                               "or give the endpoint explicitly")
        if status == 405:
            return RemoteError(f"{where} does not allow {what} (405); is it a read-only endpoint?")
        return RemoteError(f"{where} failed {what} ({status}){': ' + line if line else ''}")

    # ---------------------------------------------------------------- queries --
    def select(self, query: str, *, allow_truncated: bool = False, url: str | None = None,
               params: dict | None = None) -> Rows:
        """Run a SELECT and return :class:`Rows`; detect the servers' silent truncations.

        Virtuoso caps result sets (``ResultSetMaxRows``, 10,000 by default) and answers
        ``200`` with an ``X-SPARQL-MaxRows`` header; on a timeout it answers ``200`` with
        whatever it had and ``X-SQL-State: S1TAT``.  Both raise :class:`RemoteTruncated`
        unless ``allow_truncated``, in which case the rows are labelled ``truncated``.
        """
        url = url or self.endpoints.query
        response = self._send("POST", url, "a query", data={**(params or {}), "query": query},
                              headers={"Accept": f"{RESULTS_JSON}, application/json;q=0.9"})
        try:
            data = response.json()
        except (ValueError, json.JSONDecodeError):
            ctype = response.headers.get("content-type", "?")
            raise RemoteError(f"{redact(url)} did not answer with SPARQL JSON results (got {ctype}); "
                              "is it a SPARQL query endpoint?") from None
        if "boolean" in data:
            return Rows(["boolean"], [{"boolean": ox.Literal("true" if data["boolean"] else "false",
                                                             datatype=ox.NamedNode(XSD_BOOLEAN))}],
                        headers=dict(response.headers))
        variables = list(data.get("head", {}).get("vars", []))
        rows = []
        fix = server_kind(self.endpoints.kind).canonical_term
        for b in data.get("results", {}).get("bindings", []):
            rows.append({v: (fix(term_from_json(b[v])) if v in b else None) for v in variables})
        result = Rows(variables, rows, headers=dict(response.headers))
        reason = truncation_reason(response.headers, len(rows))
        if reason:
            if not allow_truncated:
                raise RemoteTruncated(f"{redact(url)} returned incomplete results: {reason}")
            result.truncated, result.truncation = True, reason
        return result

    def ask(self, query: str) -> bool:
        rows = self.select(query)
        return rows.rows[0]["boolean"].value == "true"

    def construct(self, query: str, *, params: dict | None = None) -> list[ox.Triple]:
        """Run a CONSTRUCT or DESCRIBE and return its triples (N-Triples asked for, Turtle accepted)."""
        url = self.endpoints.query
        response = self._send("POST", url, "a query", data={**(params or {}), "query": query},
                              headers={"Accept": "application/n-triples, text/turtle;q=0.9, text/plain;q=0.5"})
        ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
        fmt = GRAPH_FORMATS.get(ctype)
        if fmt is None:
            raise RemoteError(f"{redact(url)} answered a CONSTRUCT with {ctype or 'no content type'}, "
                              "not N-Triples or Turtle")
        try:
            return [q.triple for q in ox.parse(response.content, format=fmt)]
        except SyntaxError as e:
            raise RemoteError(f"{redact(url)} sent triples that do not parse: {e}") from None

    # ---------------------------------------------------------------- updates --
    def update(self, update: str, what: str = "an update") -> None:
        """Send one SPARQL Update request (form-encoded POST)."""
        url = self.endpoints.update
        if not url:
            raise RemoteError("no update endpoint; give --update-endpoint")
        self._send("POST", url, what, data={self.endpoints.update_param: update})

    # -------------------------------------------------------- graph store proto --
    def put_graph(self, graph: str, ntriples: bytes, *, append: bool = False, what: str = "a graph upload") -> None:
        """Graph Store Protocol PUT (replace) or POST (append) of N-Triples into ``graph``."""
        url = self.endpoints.graph_store
        if not url:
            raise RemoteError("no graph store endpoint; give --graph-store-endpoint")
        self._send("POST" if append else "PUT", url, what, params={self.endpoints.graph_param: graph},
                   content=ntriples, headers={"Content-Type": "application/n-triples"})


def truncation_reason(headers, n_rows: int) -> str:
    """Why a ``200`` response holds a partial answer, from the server's headers; ``""`` if complete.

    >>> truncation_reason({"X-SPARQL-MaxRows": "10000"}, 10000)
    'the server caps answers at 10000 rows (X-SPARQL-MaxRows)'
    >>> truncation_reason({"X-SPARQL-MaxRows": "10000"}, 12)
    ''
    >>> truncation_reason({"X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results"}, 0)
    'the server stopped the query early (X-SQL-State S1TAT: RC...: Returning incomplete results)'
    """
    h = {k.lower(): v for k, v in dict(headers).items()}
    state = h.get("x-sql-state")
    if state:
        message = _first_line(h.get("x-sql-message", ""), 120)
        return f"the server stopped the query early (X-SQL-State {state}{': ' + message if message else ''})"
    cap = h.get("x-sparql-maxrows")
    if cap:
        try:
            if n_rows >= int(cap):
                return f"the server caps answers at {cap} rows (X-SPARQL-MaxRows)"
        except ValueError:
            pass
    return ""
