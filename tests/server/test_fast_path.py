"""The dereference fast path (issue 6, "Measured"): what it keeps and how it writes must not
change what a client gets.

- answers worked out from a generation (which URI a path names, a serialised description)
  are kept per generation, bounded, and forgotten at the next swap;
- a response is handed to the socket in one write (:mod:`pipeline.server.protocol`);
- ``used_prefixes`` and ``negotiate`` remember what they worked out, with the same answers.
"""
from __future__ import annotations

import asyncio
import random
import re
import socket

import httpx
import pyoxigraph as ox
import pytest

from pipeline import store as store_mod
from pipeline.export.rdf import used_prefixes
from pipeline.server.app import DEFAULT_ANSWER_ENTRIES, Config
from pipeline.server.dataset import Answers
from pipeline.server.negotiation import (BOOLEAN_TYPES, RDF_TYPES, RESOURCE_TYPES, SOLUTION_TYPES, BadAccept,
                                         _negotiate, negotiate)
from pipeline.server.protocol import MAX_HELD, CoalescingTransport
from pipeline.rdf.vocab import PREFIXES

from .conftest import fixture_quads, free_port, start_server, stop_server

RES = "resolution/pp/11"


# ------------------------------------------------------- one write per response ---

class FakeTransport:
    def __init__(self):
        self.writes: list[bytes] = []
        self.closed = False
        self.paused = False

    def write(self, data):
        assert not self.closed
        self.writes.append(bytes(data))

    def is_closing(self):
        return self.closed

    def close(self):
        self.closed = True

    def pause_reading(self):
        self.paused = True


def test_writes_of_one_loop_step_go_out_as_one():
    async def run():
        fake = FakeTransport()
        t = CoalescingTransport(fake, asyncio.get_running_loop())
        t.write(b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\n")
        t.write(b"body")
        assert fake.writes == []
        await asyncio.sleep(0)
        assert fake.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nbody"]
        t.write(b"next")
        await asyncio.sleep(0)
        assert fake.writes[1:] == [b"next"]
        t.pause_reading()  # everything else is the real transport's
        assert fake.paused

    asyncio.run(run())


def test_large_writes_are_not_held_and_keep_their_order():
    async def run():
        fake = FakeTransport()
        t = CoalescingTransport(fake, asyncio.get_running_loop())
        big = b"x" * MAX_HELD
        t.write(big)  # nothing held: straight through
        assert fake.writes == [big]
        t.write(b"head")
        t.write(big)  # what is held goes first, then the large write, not copied
        assert fake.writes[1:] == [b"head", big]
        t.write(b"a" * (MAX_HELD // 2))
        t.write(b"b" * (MAX_HELD // 2))  # held writes that reach the limit go out at once
        assert fake.writes[3:] == [b"a" * (MAX_HELD // 2) + b"b" * (MAX_HELD // 2)]
        await asyncio.sleep(0)
        assert len(fake.writes) == 4

    asyncio.run(run())


def test_close_sends_what_is_held_first_and_nothing_after():
    async def run():
        fake = FakeTransport()
        t = CoalescingTransport(fake, asyncio.get_running_loop())
        t.write(b"last words")
        t.close()
        assert fake.writes == [b"last words"] and fake.closed
        await asyncio.sleep(0)  # the scheduled flush finds nothing
        assert fake.writes == [b"last words"]
        fake2 = FakeTransport()
        t2 = CoalescingTransport(fake2, asyncio.get_running_loop())
        t2.write(b"lost")
        fake2.closed = True  # connection went away before the end of the step
        await asyncio.sleep(0)
        assert fake2.writes == []

    asyncio.run(run())


def test_a_response_arrives_in_one_piece(server):
    """Status line, headers and body in the first read: one segment on loopback."""
    host, port = server.url.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        for _ in range(5):  # also on a kept-alive connection
            s.sendall(f"GET /doc/{RES}.nt HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            data = s.recv(1 << 20)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(re.search(rb"content-length: (\d+)", head, re.I).group(1))
            assert head.startswith(b"HTTP/1.1 200")
            assert len(body) == length and body.endswith(b" .\n")


# ------------------------------------------------------ answers per generation ---

def test_answers_are_bounded_least_recently_used_first():
    a = Answers(max_entries=3, max_bytes=100, max_entry_bytes=60)
    for k in "abc":
        a.put(k, k.upper(), 10)
    assert a.get("a") == "A"  # a is now the most recent
    a.put("d", "D", 10)
    assert a.get("b") is None and a.get("a") == "A" and len(a) == 3
    a.put("big", "X", 61)  # larger than one entry may be: not kept
    assert a.get("big") is None
    a.put("e", "E", 60)
    a.put("f", "F", 35)  # 10 + 10 + 60 + 35 > 100 bytes: the oldest go
    assert len(a) <= 3 and a.get("f") == "F" and a.get("e") == "E"
    assert a._bytes <= 100
    a.put("none", None, 5)  # None is an answer (an unknown path), told apart from "not kept"
    assert a.get("none", "unseen") is None and a.get("other", "unseen") == "unseen"
    off = Answers(max_entries=0)
    off.put("a", "A", 1)
    assert off.get("a") is None and len(off) == 0


def test_answer_cache_size_from_the_environment(monkeypatch):
    monkeypatch.setenv("RESGRAPH_ANSWER_CACHE", "0")
    assert Config().answer_entries == 0
    monkeypatch.setenv("RESGRAPH_ANSWER_CACHE", "many")
    assert Config().answer_entries == DEFAULT_ANSWER_ENTRIES
    assert Config(answer_entries=5).answer_entries == 5


def _headers(r: httpx.Response) -> dict:
    return {k: v for k, v in r.headers.items() if k != "date"}


@pytest.mark.parametrize("path,accept", [
    (f"/doc/{RES}.ttl", None), (f"/doc/{RES}", "application/n-triples"), (f"/doc/{RES}", "text/turtle"),
    (f"/doc/{RES}.jsonld", None), (f"/doc/{RES}.rdf", None), (f"/doc/{RES}", "text/html"),
    ("/doc/un/A/RES/70/1.ttl", None), ("/doc/nothing-here.ttl", None),
])
def test_asked_again_the_same_answer(http, path, accept):
    headers = {"Accept": accept} if accept else {}
    first, second = http.get(path, headers=headers), http.get(path, headers=headers)
    assert first.status_code == second.status_code
    assert first.content == second.content
    assert _headers(first) == _headers(second)
    head = http.head(path, headers=headers)
    assert head.status_code == first.status_code and head.content == b""
    if first.status_code == 200:
        # the length and coding a GET sends (gzipped bodies: the compressed length)
        assert head.headers["content-length"] == first.headers["content-length"]
        assert head.headers.get("content-encoding") == first.headers.get("content-encoding")
        if "content-encoding" not in first.headers:
            assert head.headers["content-length"] == str(len(first.content))


def test_jsonld_context_follows_the_host_asked_for(http):
    """The JSON-LD document names the context at the server root it was asked through."""
    a = http.get(f"/doc/{RES}.jsonld", headers={"Host": "a.example:8001"})
    b = http.get(f"/doc/{RES}.jsonld", headers={"Host": "b.example:8002"})
    assert a.json()["@context"] == "http://a.example:8001/context.jsonld"
    assert b.json()["@context"] == "http://b.example:8002/context.jsonld"
    assert a.json()["@graph"] == b.json()["@graph"]


def test_a_kept_document_is_replaced_by_a_rebuild(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    srv = start_server(tmp_path, port=port)
    try:
        with httpx.Client(base_url=base.rstrip("/"), timeout=20) as c:
            before = c.get(f"/doc/{RES}.ttl")
            assert before.status_code == 200 and "A later note" not in before.text
            assert c.get(f"/doc/{RES}.ttl").content == before.content  # kept
            assert c.get("/id/resolution/pp/99").status_code == 404  # unknown, also kept
            extra = [ox.Quad(ox.NamedNode(base + "id/" + RES), ox.NamedNode("http://www.w3.org/2004/02/skos/core#note"),
                             ox.Literal("A later note", language="en"), ox.NamedNode(base + "graph/document/new")),
                     ox.Quad(ox.NamedNode(base + "id/resolution/pp/99"), ox.NamedNode("http://purl.org/dc/terms/title"),
                             ox.Literal("Resolution 99", language="en"), ox.NamedNode(base + "graph/document/new"))]
            store_mod.publish([*fixture_quads(base), *extra], {"base": base}, settings=srv.settings)
            after = c.get(f"/doc/{RES}.ttl")
            assert after.status_code == 200 and "A later note" in after.text
            assert c.get("/id/resolution/pp/99", follow_redirects=False).status_code == 303
    finally:
        stop_server(srv)


# --------------------------------------------------------- remembered helpers ---

def _used_prefixes_reference(triples, prefixes=PREFIXES):
    """The straightforward version: every prefix against every IRI."""
    iris = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    out = {}
    for p, ns in prefixes.items():
        locals_ = [i[len(ns):] for i in iris if i.startswith(ns)]
        if locals_ and all(re.match(r"^[A-Za-z_][A-Za-z0-9_\-]*$", x) for x in locals_):
            out[p] = ns
    return out


def test_used_prefixes_agrees_with_the_straightforward_version():
    rng = random.Random(6)
    namespaces = [*PREFIXES.values(), "http://example.org/"]
    locals_ = ["Clause", "text", "body/pp", "1", "x-y", "", "a b", "_z", "ns.frag", "a/b", "a/c"]
    nested = {"ex": "http://example.org/", "exa": "http://example.org/a/"}
    for _ in range(300):
        triples = []
        for _ in range(rng.randint(1, 8)):
            s = ox.NamedNode(rng.choice(namespaces) + rng.choice(locals_).replace(" ", "%20"))
            p = ox.NamedNode(rng.choice(namespaces) + rng.choice(["p", "has_part", "q/r"]))
            o = rng.choice([ox.NamedNode(rng.choice(namespaces) + rng.choice(["o", "o/p", "1a"])),
                            ox.Literal("v", datatype=ox.NamedNode(rng.choice(namespaces) + "dt")),
                            ox.Literal("v", language="en"), ox.BlankNode()])
            triples.append(ox.Triple(s, p, o))
        for prefixes in (PREFIXES, nested):
            want = _used_prefixes_reference(triples, prefixes)
            assert used_prefixes(triples, prefixes) == want
            assert used_prefixes(triples, prefixes) == want  # remembered: same again
            assert list(used_prefixes(triples, prefixes)) == list(want)  # same order


ACCEPTS = ["*/*", "text/turtle", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
           "application/rdf+xml;q=0.5, text/turtle;q=0.5", "image/png", "application/json", "text/*;q=0.2, */*;q=0.1",
           "application/x-turtle", "text/turtle;q=0, */*", "application/sparql-results+xml"]


@pytest.mark.parametrize("offers", [RESOURCE_TYPES, RDF_TYPES, SOLUTION_TYPES, BOOLEAN_TYPES, list(RESOURCE_TYPES)])
def test_negotiate_remembers_the_same_answers(offers):
    for accept in ACCEPTS * 2:
        assert negotiate(accept, offers) is _negotiate(accept, offers)


def test_a_bad_accept_header_is_refused_every_time():
    for _ in range(3):
        with pytest.raises(BadAccept):
            negotiate("garbage", RESOURCE_TYPES)
