"""What a citation family is, and what it is given to name the resources it cites.

A :class:`Family` is one kind of citation, found through one table
(:data:`pipeline.citations.FAMILIES`): its *trigger* (a regex a line must match before the family
reads it; its literal words also feed the line prefilter), its *reader* (text → citations), and,
for the citation kinds it owns, the *target* (the URI and label of the resource cited) and the
*status* against the registry of known instruments (resolved, unverified, broken, ambiguous).
The reader and the target are the same code for documents and for query parameters: a librarian's
"Question 22-1/1 of ITU-D" names what the documents cite.

Targets are named through a :class:`Targets` object.  This class only names (the query
parameters use it, without mapping anything); :class:`pipeline.mapping.Mapper` subclasses it and
also describes each resource once (type, identifier, label, part of a whole).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from ..model import Citation, Finding, Revision, Span
from ..rdf.uris import URIs

if TYPE_CHECKING:   # annotations only
    from ..reference.registry import Registry

NBSP = "\u00a0"

SpanMaker = Callable[[int, int], Span]


def _default_span(a: int, b: int) -> Span:
    return Span(0, 0, a, b)


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """The clause-sentence around ``pos``: from the previous ``;`` to the next ``;``."""
    a = max(text.rfind(";", 0, pos), text.rfind("\n", 0, pos)) + 1
    b_candidates = [i for i in (text.find(";", pos), text.find("\n", pos)) if i != -1]
    b = min(b_candidates) if b_candidates else len(text)
    return a, b


class Targets:
    """Names the resources citations designate (URIs only, nothing described).

    >>> t = Targets(URIs("http://example.org/"))
    >>> t.version(t.work("wtdc", "23"), Revision("Buenos Aires", "2017", True), "referenced", "Resolution 23")
    'http://example.org/id/resolution/wtdc/23/buenos-aires-2017'
    """

    def __init__(self, uris: URIs):
        self.u = uris

    def work(self, body: str, number: str) -> str:
        """An ITU resolution (the work, all versions)."""
        return self.u.resolution(body, number)

    def version(self, work: str, rev: Revision, status: str, label: str) -> str:
        """A version of a resolution, by the place and year of its revision."""
        return self.u.version_of_work(str(work), rev.place, rev.year)

    def un_document(self, symbol: str) -> str:
        """A UN document by its symbol (``A/RES/70/1``)."""
        return self.u.un(symbol)

    def thing(self, uri: str, label: str, whole: str | None = None) -> str:
        """Any other instrument: ``uri`` with its ``label``, part of ``whole`` if given."""
        return str(uri)

    def thing_version(self, uri: str, label: str, work: str) -> str:
        """A dated version of an instrument (a decision as revised at a conference)."""
        return str(uri)

    def report(self, finding: Finding) -> None:
        """A finding about the citation (e.g. an SDG code outside the framework); dropped here."""


@dataclass(frozen=True)
class Family:
    """One citation family.

    ``read(text, mk, base[, context])`` returns the citations in ``text`` (offsets ``base`` +
    position, spans made by ``mk``); ``wants_context``: whether it takes the resolution's context
    (``default_body``/``default_number``, questions seen so far).  ``trigger``: a regex every line
    it can read matches (None: ``gate`` decides, or the family always runs).  ``merge(found, text,
    mk, base, context)``: for families that adjust what the others found (read after them all).
    ``kinds``: the citation kinds whose ``target``/``status`` this family decides (a family may
    read citations of a kind another family owns).  ``part_of_whole``: citing a part (§ 50 of the
    Tunis Agenda) also cites the whole.  ``unresolved_severity``: of the finding when a citation
    names no one resource.  ``organs``: the texts it reads, by ``context["organ"]`` ("itu": no
    organ given, the ITU texts; "unga": a General Assembly resolution).
    """

    name: str
    trigger: re.Pattern | None
    read: Callable[..., list[Citation]] | None
    wants_context: bool = False
    kinds: tuple[str, ...] = ()
    target: Callable[[Citation, Targets], str | None] | None = None
    status: Callable[[Citation, "Registry"], tuple[str, list[str]]] | None = None
    part_of_whole: bool = False
    unresolved_severity: str = "warning"
    merge: Callable[..., list[Citation]] | None = None
    gate: Callable[[str, str | None], bool] | None = None
    organs: tuple[str, ...] = ("itu",)
