"""Hostile requests against the real running server (issue 9, part 4).

Every request here is answered with the right 4xx, a timeout error or a labelled truncation
-- never a 500, a traceback, a hang or a file from outside the data -- and the server keeps
answering other clients meanwhile.  Requests that an HTTP client library would refuse to
send, or would "fix" on the way (``..`` segments, NUL bytes, 100 KB URLs, 400 KB headers),
go over a raw socket.

Already covered elsewhere, not repeated here: the three protocol ways and their 4xx
(test_sparql.py ``test_bad_requests_get_4xx_never_500``), the W3C update cases
(test_protocol_w3c.py), row-limit labelling on the small result (test_sparql.py).  This
file adds what a hostile client would try on top, with the store compared byte for byte.

The shared server (conftest.py) runs with ``--row-limit 50 --timeout 2 --workers 2``.
"""
from __future__ import annotations

import hashlib
import os
import re
import socket
import threading
import time
import uuid

import httpx
import pyoxigraph as ox
import pytest

from pipeline import store as store_mod
from pipeline.server.negotiation import MAX_ACCEPT
from pipeline.server.protocol import MAX_HEAD, MAX_URL

from .conftest import start_server, stop_server



# ------------------------------------------------------------------ helpers ---

def _port(server) -> int:
    return int(server.url.rstrip("/").rsplit(":", 1)[1])


def exchange(server, request: bytes, *, timeout: float = 15) -> tuple[int, dict, bytes]:
    """Send raw bytes (from another thread, so that a server answering before the client has
    finished sending is read), read one response; return status, headers, body."""
    s = socket.create_connection(("127.0.0.1", _port(server)), timeout=timeout)

    def send():
        try:
            s.sendall(request)
        except OSError:  # the server answered and stopped reading: expected for refusals
            pass

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        m = re.search(rb"\r\ncontent-length: *(\d+)", head, re.I)
        length = int(m.group(1)) if m else None
        while length is not None and len(body) < length:
            chunk = s.recv(65536)
            if not chunk:
                break
            body += chunk
    finally:
        s.close()
        sender.join(timeout=5)
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0].startswith("HTTP/1.1 "), f"no HTTP response: {data[:200]!r}"
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def get_raw(server, target: bytes, headers: bytes = b"") -> tuple[int, dict, bytes]:
    return exchange(server, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + b"Connection: close\r\n\r\n")


def rss(pid: int) -> int:
    """Resident memory of a process, in bytes (Linux)."""
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def store_fingerprint(server) -> tuple[int, str]:
    """Quad count and a checksum of the sorted N-Quads of the published store, read directly."""
    store, _gen = store_mod.open_current(server.settings)
    lines = sorted(str(q) for q in store)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


class Listener:
    """A TCP port that records whether anything connected to it (a SERVICE or LOAD target)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop:
            try:
                c, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            c.close()

    def close(self):
        self._stop = True
        self._thread.join()
        self.sock.close()


@pytest.fixture()
def listener():
    lst = Listener()
    yield lst
    lst.close()


def fresh(query: str) -> str:
    """A query text no other request sent (so that the answer cache cannot answer it)."""
    return f"# {uuid.uuid4()}\n{query}"


def alive(http) -> None:
    r = http.get("/sparql", params={"query": fresh("ASK { ?s ?p ?o }")})
    assert r.status_code == 200 and r.json()["boolean"] is True


# ------------------------------------------------------- huge URLs, headers, bodies ---

@pytest.mark.parametrize("target", [
    b"/sparql?query=" + b"ASK%7B%7D%23" + b"A" * 100_000,          # a 100 KB GET query
    b"/sparql?query=" + b"A" * 3_000_000,                           # 3 MB
    b"/doc/" + b"a/" * 60_000,                                      # a 120 KB resource path
    b"/id/resolution/pp/11?" + b"x=1&" * 30_000,
])
def test_urls_longer_than_the_limit_are_414(server, http, target):
    status, headers, body = get_raw(server, target)
    assert status == 414, body[:200]
    assert b"POST" in body and headers["connection"] == "close"
    alive(http)


def test_a_url_just_under_the_limit_is_read(server):
    pad = MAX_URL - len(b"/sparql?query=ASK%7B%7D%23") - 10
    status, _, body = get_raw(server, b"/sparql?query=ASK%7B%7D%23" + b"A" * pad)
    assert status == 200 and b'"boolean":true' in body


@pytest.mark.parametrize("headers", [
    b"Accept: " + b"text/turtle;q=0.5," * 25_000 + b"\r\n",         # one 450 KB header
    b"".join(b"X-H%d: v\r\n" % i for i in range(40_000)),             # 40,000 small ones
    b"X-Big: " + b"a" * 20_000_000 + b"\r\n",                          # 20 MB
])
def test_oversized_headers_are_431_and_not_kept(server, http, headers):
    before = rss(server.proc.pid)
    status, _, body = get_raw(server, b"/doc/resolution/pp/11", headers)
    assert status == 431, body[:200]
    assert str(MAX_HEAD).encode() in body
    grew = rss(server.proc.pid) - before
    assert grew < 30 * 1024 * 1024, f"server grew by {grew >> 20} MB holding a header"
    alive(http)


@pytest.mark.parametrize("how", ["content-length", "chunked"])
def test_bodies_of_several_megabytes_are_413(server, http, how):
    body = b"query=" + b"A" * 6_000_000
    if how == "content-length":
        head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(body)
        payload = body
    else:
        head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n\r\n"
        payload = b"".join(b"%x\r\n" % 65536 + b"#" * 65536 + b"\r\n" for _ in range(100)) + b"0\r\n\r\n"
    status, _, text = exchange(server, head + payload)
    assert status == 413, text[:200]
    alive(http)


def test_content_length_claims_are_checked(server):
    status, _, _ = exchange(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                                    b"Content-Length: 99999999999\r\n\r\nASK{}")
    assert status == 413
    status, _, _ = exchange(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                                    b"Content-Length: abc\r\n\r\nASK{}")
    assert status == 400


@pytest.mark.parametrize("request_bytes", [
    b"GARBAGE\r\n\r\n",
    b"GET /sparql HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n",
    b"GET /doc/res\x00olution/pp/11 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(64),   # a TLS hello on the plain port
])
def test_malformed_http_is_400(server, http, request_bytes):
    status, _, _ = exchange(server, request_bytes)
    assert status == 400
    alive(http)


# ------------------------------------------------------------------ Accept ---

@pytest.mark.parametrize("accept,status", [
    (b";;;", 400),
    (b"text/turtle;q=abc", 200),             # a q-value that is not a number is read as 1 (mimeparse), not refused
    (b"text", 400),
    (b"a/b/c", 400),
    (b"text/turtle;q=0", 406),               # well formed: "anything but Turtle", and only RDF is offered
    (b"image/png, audio/*;q=0.5", 406),
    (b"\xff\xfe/\xc3\xa9", 406),              # bytes that are not ASCII: well formed, names nothing we have
    (b"*/*;q=" + b"9" * 500, 200),            # the same for one out of range
    (b"text/turtle," * (MAX_ACCEPT // 12 + 1), 400),  # longer than MAX_ACCEPT
])
@pytest.mark.parametrize("path", [b"/doc/resolution/pp/11", b"/sparql?query=ASK%7B%7D", b"/.well-known/void"])
def test_malformed_accept_headers(server, accept, status, path):
    got, headers, body = get_raw(server, path, b"Accept: " + accept + b"\r\n")
    if path.startswith(b"/sparql") and accept == b"text/turtle;q=abc":
        status = 406  # read as "Turtle", which cannot carry an ASK answer
    assert got == status, body[:300]
    assert headers["content-type"].startswith("text/plain") == (got != 200)
    if got == 406:
        assert b"supported" in body


# ---------------------------------------------------------- path traversal ---

TRAVERSALS = [
    b"/doc/../../etc/passwd",
    b"/doc/../../../../../../etc/passwd.ttl",
    b"/doc/resolution/pp/11/../../../../../etc/passwd",
    b"/doc/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    b"/doc/%2E%2E/%2E%2E/etc/passwd",
    b"/doc/%252e%252e%252f%252e%252e%252fetc%252fpasswd",          # double-encoded
    b"/doc/..%c0%af..%c0%afetc/passwd",                             # overlong UTF-8 slash
    b"/doc/..\\..\\..\\etc\\passwd",
    b"/doc/resolution/pp/11%00.ttl",                                 # NUL
    b"/doc/resolution/pp/11%00/../../../etc/passwd",
    b"/id/..%2f..%2f..%2fetc/passwd",
    b"/static/../../app.py",
    b"/static/..%2f..%2fapp.py",
    b"/static/%2e%2e/%2e%2e/pipeline/server/app.py",
    b"/static/....//....//app.py",
    b"/dumps/../../../../etc/passwd",
    b"/dumps/resgraph.nq.gz/../../../../etc/passwd",
    b"/ontology/../../../etc/passwd",
    b"//etc/passwd",
    b"/doc/file:///etc/passwd",
    b"/doc/resolution/pp/11%3E%20%3Chttp://evil.example/x%3E.ttl",   # an IRI that would break out of <...>
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_path_traversal_finds_nothing(server, target):
    status, headers, body = get_raw(server, target)
    assert status in (400, 404), (status, body[:300])
    assert b"root:" not in body and b"import " not in body and b"def " not in body
    assert headers.get("content-type", "text/plain").startswith("text/plain")


def test_encoded_slashes_name_the_same_resource_and_nothing_else(server, http):
    """``%2F`` inside a resource path is read as ``/`` (one resource, not a different file)."""
    plain = http.get("/doc/resolution/pp/11.nt")
    status, _, body = get_raw(server, b"/doc/resolution%2Fpp%2F11.nt")
    assert plain.status_code == status == 200 and body == plain.content


# ------------------------------------------------- updates, LOAD and SERVICE ---

UPDATES = [
    "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }",
    "insert data { graph <http://e/g> { <http://e/s> <http://e/p> 'x' } }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 'changed' } WHERE { ?s ?p ?o }",
    "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "CLEAR ALL", "CLEAR DEFAULT", "clear silent named",
    "DROP ALL", "DROP SILENT GRAPH <http://e/g>",
    "CREATE GRAPH <http://e/new>",
    "COPY DEFAULT TO <http://e/g>", "MOVE <http://e/a> TO <http://e/b>", "ADD <http://e/a> TO <http://e/b>",
    "PREFIX x: <http://e/>\n# a comment\nDELETE DATA { x:s x:p x:o } ; CLEAR ALL",
    "LOAD <http://127.0.0.1:{port}/data.ttl>",
    "LOAD SILENT <file:///etc/passwd> INTO GRAPH <http://e/g>",
    "ASK {} ; DROP ALL",
]


@pytest.mark.parametrize("update", UPDATES)
@pytest.mark.parametrize("way", ["query-get", "query-post-direct", "update-form", "update-direct"])
def test_updates_are_refused_and_change_nothing(server, http, listener, update, way):
    before = store_fingerprint(server)
    text = update.replace("{port}", str(listener.port))
    if way == "query-get":
        r = http.get("/sparql", params={"query": text})
    elif way == "query-post-direct":
        r = http.post("/sparql", content=text.encode(), headers={"Content-Type": "application/sparql-query"})
    elif way == "update-form":
        r = http.post("/sparql", data={"update": text})
    else:
        r = http.post("/sparql", content=text.encode(), headers={"Content-Type": "application/sparql-update"})
    assert r.status_code in (400, 403), r.text
    if not text.startswith("ASK"):
        assert r.status_code == 403 and "read-only" in r.text
    time.sleep(0.05)
    assert listener.connections == 0
    assert store_fingerprint(server) == before


SERVICES = [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SeRvIcE#comment\n<http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }} }}",
    "ASK {{ FILTER EXISTS {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }}",
    "PREFIX ep: <http://127.0.0.1:{port}/>\nSELECT * FROM <http://e/g> WHERE {{ SERVICE ep:sparql {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE ?ep {{ ?s ?p ?o }} VALUES ?ep {{ <http://127.0.0.1:{port}/> }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "DESCRIBE ?s WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("template", SERVICES)
def test_service_is_refused_and_nothing_is_fetched(http, listener, template):
    q = template.format(port=listener.port)
    for send in (lambda: http.get("/sparql", params={"query": q}),
                 lambda: http.post("/sparql", data={"query": q})):
        r = send()
        assert r.status_code == 400 and "SERVICE" in r.text, r.text
    time.sleep(0.1)
    assert listener.connections == 0


# --------------------------------------------- long queries, huge results ---

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o2 . ?x ?y ?z }"


def test_a_query_for_minutes_is_stopped_and_others_stay_fast(server):
    """While one client's query runs into the time limit, another's trivial ASK is answered at once."""
    result: dict = {}

    def heavy():
        with httpx.Client(timeout=30) as c:
            r = c.get(server.url + "sparql", params={"query": fresh(HEAVY)})
        result["status"], result["text"] = r.status_code, r.text

    thread = threading.Thread(target=heavy)
    thread.start()
    time.sleep(0.4)  # the heavy query is running now
    with httpx.Client(timeout=10) as c:
        for _ in range(5):
            r = c.get(server.url + "sparql", params={"query": fresh("ASK { ?s a ?type }")})
            assert r.status_code == 200 and r.json()["boolean"] is True
            assert r.headers["x-cache"] == "miss"  # really run in a worker, not answered from the cache
            d = c.get(server.url + "doc/resolution/pp/11.ttl")
            assert d.status_code == 200
    # all five ASKs (and pages) were answered while the heavy query still ran; how fast: bench/limits.py
    assert "status" not in result, "the heavy query finished before the ASKs were answered"
    thread.join(timeout=30)
    assert result["status"] == 503 and "time limit" in result["text"]


CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # the fixture's quads to the 4th: millions


@pytest.mark.parametrize("accept,check", [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "refused"),
    ("text/tab-separated-values", "refused"),
])
def test_millions_of_rows_are_a_labelled_truncation_or_an_explicit_error(server, http, accept, check):
    n = store_fingerprint(server)[0]
    assert n ** 4 > 1_000_000
    r = http.get("/sparql", params={"query": fresh(CROSS)}, headers={"Accept": accept})
    if check == "refused":
        assert r.status_code == 422 and "LIMIT" in r.text
        return
    assert r.status_code == 200 and r.headers["x-resgraph-truncated"] == "true"
    if check == "json":
        doc = r.json()
        assert doc["resgraph:truncated"] is True and doc["head"]["link"]
        assert len(doc["results"]["bindings"]) == 50
    else:
        assert b"truncatedResult" in r.content
        assert len(list(ox.parse_query_results(r.content, format=ox.QueryResultsFormat.XML))) == 50


@pytest.mark.parametrize("accept,status", [("text/turtle", 200), ("application/n-triples", 200),
                                           ("application/rdf+xml", 200), ("application/ld+json", 422)])
def test_a_construct_of_millions_of_triples_is_cut_and_labelled(http, accept, status):
    q = fresh("CONSTRUCT { ?a ?b ?f . ?d ?e ?c } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    r = http.get("/sparql", params={"query": q}, headers={"Accept": accept})
    assert r.status_code == status, r.text[:300]
    if status == 200:
        assert r.headers["x-resgraph-truncated"] == "true" and b"truncated" in r.content[:300]


def test_sorting_a_cross_product_is_stopped_by_the_time_limit(http):
    r = http.get("/sparql", params={"query": fresh(CROSS + " ORDER BY DESC(?a) ?l")})
    # sorting needs every row first: whichever limit it reaches first, time or memory, stops it
    assert r.status_code == 503 and ("time limit" in r.text or "memory" in r.text), r.text
    alive(http)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 20_000 + "}" * 20_000,
    "SELECT * WHERE { FILTER(" + "(" * 45_000 + "1" + ")" * 45_000 + ") }",
    "SELECT * WHERE { FILTER(" + "!" * 90_000 + "true) }",
    "SELECT * WHERE { ?s " + "(" * 30_000 + "<http://e/p>" + ")" * 30_000 + " ?o }",
])
def test_deeply_nested_queries_do_not_crash_a_worker(http, query):
    """pyoxigraph recurses while parsing; with the default 8 MB stack these killed the worker (SIGSEGV)."""
    r = http.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 200, r.text[:300]
    alive(http)


@pytest.mark.parametrize("query", [
    "}{" * 40_000,
    "SELECT * FROM " + "<" * 90_000,
    "SELECT * FROM <http://e/g> WHERE " + "{" * 30_000,
    "INSERT DATA { " + "<a> " * 20_000,
    "\x00\x01\x02 SELECT",
    "SELECT ?x WHERE { ?x ?p 'unterminated }",
])
def test_garbage_queries_are_400(http, query):
    r = http.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400, r.text[:300]
    assert r.text.startswith("SPARQL syntax error")


@pytest.mark.parametrize("target", [
    b"/sparql?query=%FF%FE%FD",                  # not UTF-8
    b"/sparql?query=%",                          # a broken escape
    b"/sparql?query=%zz",
    b"/sparql?query=ASK%7B%7D&query=ASK%7B%7D",
    b"/sparql?" + b"&".join(b"default-graph-uri=http://e/%d" % i for i in range(200)) + b"&query=ASK%7B%7D",
    b"/sparql?query=ASK%7B%7D&default-graph-uri=%3Cnot%20an%20iri%3E",
    b"/sparql?" + b"a=1&" * 2000,
    b"/query?name=cites&target=%FF&format=json",
    b"/query?name=cites&target=" + b"A" * 20_000 + b"&format=json",
    b"/query?name=..%2F..%2Fetc%2Fpasswd&format=csv",
])
def test_url_encoded_tricks_are_4xx(server, target):
    status, _, body = get_raw(server, target)
    assert 400 <= status < 500, (status, body[:300])
    assert b"Traceback" not in body


# ----------------------------------------------------- memory of a query ---

def test_a_query_needing_too_much_memory_is_stopped(tmp_path):
    """Each doubling of a string doubles the memory: 34 doublings would need 256 GB."""
    srv = start_server(tmp_path, extra_args=("--worker-memory-mb", "300", "--timeout", "20", "--workers", "2"))
    try:
        binds = 'BIND("aaaaaaaaaaaaaaaa" AS ?x0) ' + " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(34))
        with httpx.Client(base_url=srv.url.rstrip("/"), timeout=30) as c:
            r = c.post("/sparql", data={"query": f"SELECT (STRLEN(?x34) AS ?n) {{ {binds} }}"})
            # the memory limit, not the time limit, stopped it
            assert r.status_code == 503 and "memory" in r.text and "300 MB" in r.text, r.text
            assert rss(srv.proc.pid) < 400 * 1024 * 1024
            for _ in range(4):  # a new worker took its place: every worker answers
                alive(c)
    finally:
        stop_server(srv)
        _, err = srv.proc.communicate(timeout=10)
    assert b"Traceback" not in err


def test_the_shared_server_never_logged_a_traceback(server, http):
    """Runs last in this file: whatever was sent above, the server wrote no traceback."""
    alive(http)
    fd = server.proc.stderr.fileno()
    os.set_blocking(fd, False)
    try:
        err = server.proc.stderr.read() or b""
    finally:
        os.set_blocking(fd, True)
    assert b"Traceback" not in err, err.decode(errors="replace")[-3000:]
    assert server.proc.poll() is None
