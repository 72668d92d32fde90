"""The SPARQL 1.1 Protocol, query operation only (https://www.w3.org/TR/sparql11-protocol/).

Read-only by design: the update operation (``update=``, ``application/sparql-update``, or an
update sent as a query) is refused with 403, ``SERVICE`` is refused with 400 (the server
must not fetch URLs a client names), ``LOAD`` is an update and refused with it.  The user's
query is passed to pyoxigraph as it is: nothing here builds query text.

Dataset semantics (documented in the service description):

* no ``FROM`` / ``FROM NAMED`` and no ``default-graph-uri`` / ``named-graph-uri``: the
  default graph is the **union of all graphs** (asserted, inferred, ontology, reference),
  so ``SELECT ?s WHERE { ?s cito:cites ?o }`` needs no ``GRAPH``; ``GRAPH ?g`` still sees
  each named graph on its own;
* ``FROM`` / ``FROM NAMED`` in the query: exactly those graphs (SPARQL 1.1 Query §13.2);
* ``default-graph-uri`` / ``named-graph-uri``: exactly those, overriding the query's
  ``FROM`` (Protocol §2.1.4); a missing one of the two is the empty set.

Which query mentions ``SERVICE`` or ``FROM`` is decided by parsing, not by searching text:
pyoxigraph does not expose its algebra, so a query whose text contains either word is
parsed with rdflib's SPARQL grammar and its syntax tree inspected.  Queries without either
word (nearly all) skip that parse.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import pyoxigraph as ox

from .negotiation import BOOLEAN_TYPES, GRAPH_RESULT_TYPES, SOLUTION_TYPES, BadAccept, Format, negotiate, supported_list

MAX_QUERY_CHARS = 100_000
MAX_GRAPH_PARAMS = 100


class ProtocolError(Exception):
    """A request we answer with a 4xx and a one-paragraph plain-text message."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


READ_ONLY = ("This SPARQL endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, "
             "CREATE, DROP, COPY, MOVE, ADD) is not accepted. Query with SELECT, ASK, CONSTRUCT or DESCRIBE.")


def parse_pairs(raw: bytes | str, where: str) -> list[tuple[str, str]]:
    """``application/x-www-form-urlencoded`` pairs, strictly UTF-8 (400 otherwise).

    Starlette's own parsing replaces undecodable bytes silently; a query is program text
    and must not change on the way in.
    """
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("ascii")
        except UnicodeDecodeError:
            raise ProtocolError(400, f"the {where} is not URL-encoded ASCII") from None
    try:
        return parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=1000)
    except UnicodeDecodeError:
        raise ProtocolError(400, f"the {where} has percent-encoded bytes that are not UTF-8") from None
    except ValueError as e:
        raise ProtocolError(400, f"cannot parse the {where}: {e}") from None


def _media_type(content_type: str) -> tuple[str, dict[str, str]]:
    parts = [p.strip() for p in content_type.split(";")]
    params = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        params[k.strip().lower()] = v.strip().strip('"').lower()
    return parts[0].lower(), params


@dataclass
class QueryRequest:
    query: str | None
    default_graph_uri: list[str] = field(default_factory=list)
    named_graph_uri: list[str] = field(default_factory=list)
    no_parameters: bool = False  # a bare GET: answer with the service description


def read_request(method: str, query_string: bytes, content_type: str | None, body: bytes) -> QueryRequest:
    """Protocol §2.1: where the query and the dataset come from, for each of the three ways."""
    url = parse_pairs(query_string, "URL query string")
    if method in ("GET", "HEAD"):
        params = url
    elif method == "POST":
        if not content_type:
            raise ProtocolError(415, "a POST to /sparql needs a Content-Type: application/x-www-form-urlencoded "
                                     "(query=…) or application/sparql-query (the query as the body)")
        media, ct_params = _media_type(content_type)
        charset = ct_params.get("charset", "utf-8")
        if media == "application/sparql-update":
            raise ProtocolError(403, READ_ONLY)
        if charset not in ("utf-8", "utf8"):
            raise ProtocolError(415, f"charset {charset!r} is not supported: send UTF-8 (SPARQL 1.1 Protocol §2.1.2–2.1.3)")
        if media == "application/x-www-form-urlencoded":
            params = url + parse_pairs(body, "form body")
        elif media == "application/sparql-query":
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise ProtocolError(400, "the query body is not valid UTF-8") from None
            if any(k == "query" for k, _ in url):
                raise ProtocolError(400, "a direct POST carries the query in the body; do not also send query= in the URL")
            params = url + [("query", text)]
        else:
            raise ProtocolError(415, f"unsupported Content-Type {media!r}: use application/x-www-form-urlencoded "
                                     "or application/sparql-query")
    else:
        raise ProtocolError(405, f"method {method} is not allowed on /sparql: use GET or POST",
                            {"Allow": "GET, HEAD, POST, OPTIONS"})

    if any(k in ("update", "using-graph-uri", "using-named-graph-uri") for k, _ in params):
        raise ProtocolError(403, READ_ONLY)
    queries = [v for k, v in params if k == "query"]
    if len(queries) > 1:
        raise ProtocolError(400, "more than one query= parameter: send exactly one query")
    dg = [v for k, v in params if k == "default-graph-uri"]
    ng = [v for k, v in params if k == "named-graph-uri"]
    if len(dg) + len(ng) > MAX_GRAPH_PARAMS:
        raise ProtocolError(400, f"at most {MAX_GRAPH_PARAMS} default-graph-uri / named-graph-uri parameters")
    for iri in dg + ng:
        try:
            ox.NamedNode(iri)
        except ValueError as e:
            raise ProtocolError(400, f"default-graph-uri / named-graph-uri must be absolute IRIs: {iri!r} ({e})") from None
    if not queries:
        if method in ("GET", "HEAD") and not params:
            return QueryRequest(None, no_parameters=True)
        raise ProtocolError(400, "missing query: pass query=… (GET or form POST) or POST the query as application/sparql-query")
    query = queries[0]
    if len(query) > MAX_QUERY_CHARS:
        raise ProtocolError(413 if method == "POST" else 414, f"the query is longer than {MAX_QUERY_CHARS} characters")
    if not query.strip():
        raise ProtocolError(400, "the query is empty")
    return QueryRequest(query, dg, ng)


# ------------------------------------------------------------- inspection ---

@dataclass(frozen=True)
class Inspection:
    service: bool
    dataset_clause: bool
    parsed: bool  # False when rdflib could not parse it and we fell back to a word search


_rdflib_lock = threading.Lock()  # pyparsing's packrat cache is not thread-safe
_WORD_SERVICE = re.compile(r"(?<![\w:?$])service(?![\w:])", re.I)
_WORD_FROM = re.compile(r"(?<![\w:?$])from(?![\w:])", re.I)


def _walk_names(node):
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        x = stack.pop()
        if isinstance(x, CompValue):
            yield x.name
            stack.extend(x.values())
        elif isinstance(x, (list, tuple)) or type(x).__name__ == "ParseResults":
            stack.extend(x)


def inspect(query: str) -> Inspection:
    """Does the query use ``SERVICE``, or name its dataset with ``FROM``?

    >>> inspect("SELECT * WHERE { ?s ?p ?o }")
    Inspection(service=False, dataset_clause=False, parsed=False)
    >>> inspect("SELECT * WHERE { ?s ?p 'service from' }")
    Inspection(service=False, dataset_clause=False, parsed=True)
    >>> inspect("SELECT * FROM <http://x/g> WHERE { SERVICE <http://x/> { ?s ?p ?o } }")
    Inspection(service=True, dataset_clause=True, parsed=True)
    """
    low = query.lower()
    if "service" not in low and "from" not in low:
        return Inspection(False, False, False)
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        with _rdflib_lock:
            tree = parseQuery(query)
    except Exception:
        # rdflib's grammar disagrees (or the query is invalid): be conservative.
        return Inspection(bool(_WORD_SERVICE.search(query)), bool(_WORD_FROM.search(query)), False)
    names = set(_walk_names(tree))
    return Inspection("ServiceGraphPattern" in names, "DatasetClause" in names, True)


_CALL = re.compile(r"(?:>|[A-Za-z0-9_.\-]*:[A-Za-z0-9_.\-%]*)\s*\(")
XSD_NS = "http://www.w3.org/2001/XMLSchema#"


def foreign_functions(query: str) -> list[str]:
    """Functions named by IRI that the query calls, other than the XSD casts: what a remote store
    may define with side effects (Virtuoso's ``bif:`` and ``sql:`` functions read files, run SQL).
    ``serve --endpoint`` does not pass such a query on; the embedded store defines none.
    A query that rdflib cannot parse but seems to call one counts as calling one.

    >>> foreign_functions('PREFIX bif: <bif:> SELECT (bif:exec("x") AS ?a) {}')
    ['bif:exec']
    >>> foreign_functions('PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT (xsd:integer("1") AS ?a) (STR(1) AS ?b) {}')
    []
    >>> foreign_functions('SELECT * { ?s ?p ?o FILTER(<http://e/f>(?o)) }')
    ['http://e/f']
    """
    if not _CALL.search(query):
        return []
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        with _rdflib_lock:
            tree = parseQuery(query)
    except Exception:
        return ["(a call rdflib could not read)"]
    prefixes: dict[str, str] = {}
    calls = []
    stack = [tree]
    while stack:
        x = stack.pop()
        if isinstance(x, CompValue):
            if x.name == "PrefixDecl":
                prefixes[str(x.get("prefix") or "")] = str(x.get("iri"))
            elif x.name == "Function":
                calls.append(x.get("iri"))
            stack.extend(x.values())
        elif isinstance(x, (list, tuple)) or type(x).__name__ == "ParseResults":
            stack.extend(x)
    out = []
    for iri in calls:
        if isinstance(iri, CompValue):  # prefix:local
            prefix, local = str(iri.get("prefix") or ""), str(iri.get("localname") or "")
            full = prefixes.get(prefix, f"{prefix}:") + local
        else:
            full = str(iri)
        if not full.startswith(XSD_NS) and full not in out:
            out.append(full)
    return sorted(out)


def is_update(text: str) -> bool:
    """Whether text that failed to parse as a query parses as an update (then: 403, not 400)."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        with _rdflib_lock:
            parseUpdate(text)
        return True
    except Exception:
        return False


# ---------------------------------------------------------- answer cache ---

# Functions whose value may differ between two runs of the same query on the same graph
# (SPARQL 1.1 Query §17.4: RAND, NOW, UUID, STRUUID, BNODE).  Matched as whole words,
# case-insensitively, anywhere in the text -- also in strings, IRIs, comments and variable
# names (``?now``): a conservative test that may refuse to keep an answer that could have
# been kept, never the other way round.  Function names cannot be hidden behind codepoint
# escapes (pyoxigraph rejects ``R\u0041ND()``), but a query with ``\u`` / ``\U`` is not
# kept either, so that this does not depend on it.  Every other SPARQL 1.1 function is a
# function of its arguments; pyoxigraph is given no custom functions.
_VOLATILE = re.compile(r"(?<![A-Za-z0-9_])(?:rand|now|uuid|struuid|bnode)(?![A-Za-z0-9_])", re.I)


def cacheable(query: str) -> bool:
    """Whether the answer to ``query`` is the same every time it runs on one generation.

    >>> cacheable("SELECT ?s WHERE { ?s ?p ?o } LIMIT 5")
    True
    >>> [cacheable(q) for q in ("SELECT (RAND() AS ?r) {}", "select (now() as ?t) {}", "SELECT (StrUUID() AS ?u) {}",
    ...                         "CONSTRUCT { ?s <http://e/p> ?b } WHERE { ?s ?p ?o BIND(BNODE() AS ?b) }")]
    [False, False, False, False]
    >>> cacheable("SELECT ?now WHERE { ?now ?p ?o }"), cacheable("SELECT * { ?s <http://e/knows> ?o }")
    (False, True)
    >>> cacheable("SELECT (1-NOW() AS ?t) {}"), cacheable('SELECT ("\\\\u0041" AS ?a) {}')
    (False, False)
    """
    if "\\u" in query or "\\U" in query:
        return False
    return _VOLATILE.search(query) is None


# ----------------------------------------------------------- negotiation ---

def result_formats(accept: str | None) -> dict[str, str | None]:
    """The format per result kind for one ``Accept`` header (the worker picks by kind)."""
    try:
        return {
            "solutions": _name(negotiate(accept, SOLUTION_TYPES)),
            "boolean": _name(negotiate(accept, BOOLEAN_TYPES)),
            "graph": _name(negotiate(accept, GRAPH_RESULT_TYPES)),
        }
    except BadAccept as e:
        raise ProtocolError(400, str(e)) from None


def _name(f: Format | None) -> str | None:
    return f.name if f else None


KIND_TYPES = {"solutions": SOLUTION_TYPES, "boolean": BOOLEAN_TYPES, "graph": GRAPH_RESULT_TYPES}


def format_by_name(kind: str, name: str) -> Format:
    return next(f for f in KIND_TYPES[kind] if f.name == name)


def not_acceptable(kind: str) -> ProtocolError:
    what = {"solutions": "SELECT results", "boolean": "ASK results", "graph": "CONSTRUCT/DESCRIBE results"}[kind]
    return ProtocolError(406, f"none of the media types in Accept can carry {what}; supported: {supported_list(KIND_TYPES[kind])}")
