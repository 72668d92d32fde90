"""A citation family is one module and one line of ``pipeline.citations.FAMILIES`` (issue 14):
a toy family added through the table alone is read in a document, linked in its graph, labelled
and given a status — no other module is touched."""
from __future__ import annotations

import re
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from pipeline import citations
from pipeline.citations import Family, Targets, find_citations, parse_target, query_target
from pipeline.mapping import map_document
from pipeline.model import Citation
from pipeline.rdf.vocab import CITO, RG
from pipeline.settings import Settings
from pipeline.sources import parse

BASE = "http://127.0.0.1:8000/"
TOY = re.compile(r"\bToy\s+Accord\s+(?P<n>\d{1,3})\b")

DOC = """Proposal ACP/64A1/3 - Summary: toy
MOD\tACP/64A1/3
RESOLUTION 11 (Rev. Busan, 2014DUBAI, 2018)
A title
The Plenipotentiary Conference of the International Telecommunication Union (Dubai, 2018),
recalling
a)\tToy Accord 7 and Resolution 123 (Rev. Busan, 2014) of this conference;
resolves
1\tto apply Toy Accord 8;
"""


def _read(text: str, mk, base: int) -> list[Citation]:
    return [Citation("toy-accord", (m.group("n"),), m.group(0), mk(base + m.start(), base + m.end()))
            for m in TOY.finditer(text)]


def _target(c: Citation, ctx: Targets) -> str | None:
    return ctx.thing(ctx.u.instrument("accord", "toy", c.key[0]), f"Toy Accord {c.key[0]}")


def _status(c: Citation, reg) -> tuple[str, list[str]]:
    return ("resolved" if c.key[0] == "7" else "unverified"), []


TOY_FAMILY = Family("toy-accord", re.compile(r"Toy"), _read, kinds=("toy-accord",), target=_target, status=_status)


def test_a_family_added_to_the_table_is_read_linked_and_checked(monkeypatch):
    monkeypatch.setattr(citations, "FAMILIES", [*citations.FAMILIES, TOY_FAMILY])
    assert [c.key for c in find_citations("Toy Accord 7 and Toy Accord 8")] == [("7",), ("8",)]
    settings = Settings(base=BASE)
    g = map_document(parse(Path("toy.txt"), text=DOC), settings=settings)
    accord7 = URIRef(f"{BASE}id/accord/toy/7")
    clause = URIRef(f"{BASE}id/proposal/ACP/64A1/3/text/recalling/a")
    assert (clause, CITO.cites, accord7) in g
    assert (accord7, RDFS.label, Literal("Toy Accord 7", lang="en")) in g
    assert (URIRef(f"{BASE}id/proposal/ACP/64A1/3/text/resolves/1"), CITO.cites, URIRef(f"{BASE}id/accord/toy/8")) in g
    statuses = {str(o).rsplit("/", 1)[-1] for s, o in g.subject_objects(RG.resolutionStatus)
                if (s, CITO.hasCitedEntity, accord7) in g}
    assert statuses == {"resolved"}
    # the other families still read their citations in the same text
    assert (clause, CITO.cites, URIRef(f"{BASE}id/resolution/pp/123/busan-2014")) in g
    # and a librarian's parameter is named by the same family code, without mapping anything
    assert query_target(parse_target("Toy Accord 7")[0], BASE) == str(accord7)


def test_without_the_line_the_family_is_not_read():
    assert find_citations("Toy Accord 7") == []
