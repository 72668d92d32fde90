"""The one place where resgraph mints URIs (ARCHITECTURE.md, "URI scheme").

Every data URI lives under one configurable base.  Paths are stable and pinned by
tests; change them only with a migration note.

>>> u = URIs("http://127.0.0.1:8000/")
>>> u.resolution("pp", "71")
'http://127.0.0.1:8000/id/resolution/pp/71'
>>> u.version("pp", "11", "Dubai", "2018")
'http://127.0.0.1:8000/id/resolution/pp/11/dubai-2018'
>>> u.clause(u.section(u.version("pp", "11", "Dubai", "2018"), "instructs the Secretary-General"), "10")
'http://127.0.0.1:8000/id/resolution/pp/11/dubai-2018/instructs-the-secretary-general/10'
>>> u.un("A/RES/70/1")
'http://127.0.0.1:8000/id/un/A/RES/70/1'
>>> sdg_target("9.c")
'http://metadata.un.org/sdg/9.c'
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

#: ``{body}`` slugs allowed in resolution URIs (ARCHITECTURE.md).
BODIES = ("pp", "council", "wtdc", "wtsa", "ra", "wrc", "wcit", "wtpf")

SDG_BASE = "http://metadata.un.org/sdg/"
UNDOCS_BASE = "https://undocs.org/"


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: ``"Buenos Aires"`` → ``buenos-aires``.

    >>> slug("instructs the Secretary-General, in cooperation with the Directors")
    'instructs-the-secretary-general-in-cooperation-with-the-directors'
    >>> slug("Florianópolis")
    'florianopolis'
    """
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9.]+", "-", text.lower()).strip("-")
    return re.sub(r"-{2,}", "-", text).strip(".-")


def label_slug(label: str) -> str:
    """A clause label as a path segment: ``5.1`` stays, ``2 iii)`` → ``2-iii``, ``a)`` → ``a``."""
    s = re.sub(r"[()\s]+", "-", label.strip()).strip("-").lower()
    s = re.sub(r"[^a-z0-9.\-]", "", s)
    return re.sub(r"-{2,}", "-", s)


def version_slug(place: str, year: str | int) -> str:
    """``("Dubai", 2018)`` → ``dubai-2018``."""
    return f"{slug(place)}-{year}"


class URIs:
    """Mint URIs under ``base`` (which ends with ``/``)."""

    def __init__(self, base: str):
        if not base.endswith("/"):
            base += "/"
        self.base = base

    # -- resolutions -----------------------------------------------------------
    def resolution(self, body: str, number: str) -> str:
        if body not in BODIES:
            raise ValueError(f"unknown body slug {body!r}; expected one of {', '.join(BODIES)}")
        return f"{self.base}id/resolution/{body}/{quote(str(number), safe='.-')}"

    def draft(self, body: str, label: str) -> str:
        return f"{self.base}id/resolution/{body}/draft-{slug(label)}"

    def version(self, body: str, number: str, place: str, year: str | int) -> str:
        return f"{self.resolution(body, number)}/{version_slug(place, year)}"

    def version_of_work(self, work_uri: str, place: str, year: str | int) -> str:
        return f"{work_uri}/{version_slug(place, year)}"

    def section(self, parent_uri: str, words: str) -> str:
        return f"{parent_uri}/{slug(words)}"

    def clause(self, section_uri: str, label: str) -> str:
        return f"{section_uri}/{label_slug(label)}"

    def annex(self, version_uri: str, n: str | int | None) -> str:
        return f"{version_uri}/annex-{n}" if n not in (None, "") else f"{version_uri}/annex"

    # -- other things ----------------------------------------------------------
    def proposal(self, symbol: str) -> str:
        return f"{self.base}id/proposal/{quote(symbol, safe='/')}"

    def proposal_text(self, symbol: str) -> str:
        """The text a proposal sets out (its draft of a resolution), never a version URI
        (ARCHITECTURE.md, "The corpus": adopted and proposed texts are different things).

        >>> URIs("http://x/").proposal_text("ACP/64A1/3")
        'http://x/id/proposal/ACP/64A1/3/text'
        """
        return f"{self.proposal(symbol)}/text"

    def document(self, doc_slug: str) -> str:
        return f"{self.base}id/document/{doc_slug}"

    def un(self, symbol: str) -> str:
        """A UN document by its symbol, as the UN prints it: parentheses stay (RFC 3986 sub-delims).

        >>> URIs("http://x/").un("S/RES/2282(2016)")
        'http://x/id/un/S/RES/2282(2016)'
        """
        return f"{self.base}id/un/{quote(symbol, safe='/()')}"

    def instrument(self, kind: str, body: str, number: str) -> str:
        return f"{self.base}id/{slug(kind)}/{slug(body)}/{quote(number, safe='.-/')}"

    def strategic_plan(self, period: str, kind: str, code: str) -> str:
        return f"{self.base}id/strategic-plan/{period}/{slug(kind)}/{quote(code, safe='.-')}"

    def strategic_plan_scheme(self, period: str) -> str:
        """The ITU strategic plan of a period, as cited ("the strategic plan for 2016-2019")."""
        return f"{self.base}id/strategic-plan/{period}"

    def finding(self, doc_slug: str, n: int) -> str:
        return f"{self.base}id/finding/{doc_slug}/{n}"

    def textual_change(self, clause_uri: str, n: int) -> str:
        """The n-th word-level change from a draft clause to the clause adopted from it."""
        return f"{clause_uri}#change-{n}"

    def citation(self, citing_uri: str, n: int) -> str:
        return f"{citing_uri}#citation-{n}"

    def report(self, doc_slug: str, result: str | None = None) -> str:
        """The validation report of one source document, or one result of it (``result``: a
        stable key, e.g. a digest of the result's content, so a rebuild mints the same URI).

        >>> URIs("http://x/").report("pp18-64-add1", "3f2a")
        'http://x/id/report/pp18-64-add1#result-3f2a'
        """
        uri = f"{self.base}id/report/{doc_slug}"
        return f"{uri}#result-{result}" if result else uri

    # -- parts ----------------------------------------------------------------
    def part(self, whole_uri: str, key: str) -> str:
        """A part of one of our resources, named by its key under the whole: a section, clause or
        annex of a version (``…/dubai-2018/resolves/5``), a sub-item (``…/resolves/2-iii``), a
        provision of an instrument (``…/constitution/art-1``), a paragraph (``…/tunis-agenda/para-50-d``),
        a collection of a strategic plan (``…/strategic-plan/2020-2023/goal``).

        >>> URIs("http://x/").part("http://x/id/resolution/pp/11/dubai-2018", "resolves")
        'http://x/id/resolution/pp/11/dubai-2018/resolves'
        """
        return f"{whole_uri}/{key}"

    def footnote(self, clause_uri: str, ref: str) -> str:
        """A footnote of a clause, by its printed marker."""
        return f"{clause_uri}/footnote-{ref}"

    def skolem_prefix(self) -> str:
        """Where blank nodes of the ontology and reference data become IRIs (RDF 1.1 §3.5)."""
        return f"{self.base}.well-known/genid/"

    # -- named graphs ----------------------------------------------------------
    def document_graph(self, doc_slug: str) -> str:
        return f"{self.base}graph/document/{doc_slug}"

    @property
    def inferred_graph(self) -> str:
        return f"{self.base}graph/inferred"

    @property
    def outcomes_graph(self) -> str:
        """What conferences did with the proposals: made across documents, by the build."""
        return f"{self.base}graph/outcomes"

    @property
    def ontology_graph(self) -> str:
        return f"{self.base}graph/ontology"

    @property
    def reference_graph(self) -> str:
        return f"{self.base}graph/reference"

    # -- web: URIs <-> paths ---------------------------------------------------
    @property
    def id_space(self) -> str:
        """Where every resource URI lives (VoID ``uriSpace``)."""
        return self.base + "id/"

    def is_ours(self, uri: str) -> bool:
        return uri.startswith(self.base + "id/")

    def from_id_path(self, path: str) -> str:
        """The URI named by a path under ``/id/`` (what the server receives), the inverse of
        :meth:`id_path`.

        >>> u = URIs("http://x/"); u.from_id_path("resolution/pp/71")
        'http://x/id/resolution/pp/71'
        >>> u.id_path(u.from_id_path("un/A/RES/70/1"))
        'un/A/RES/70/1'
        """
        return self.base + "id/" + path

    def id_path(self, uri: str) -> str:
        """``…/id/resolution/pp/71`` → ``resolution/pp/71``."""
        if not self.is_ours(uri):
            raise ValueError(f"not one of our resource URIs: {uri}")
        return uri[len(self.base) + 3:]

    def doc_url(self, uri: str) -> str:
        """``…/id/x`` → ``…/doc/x`` (the 303 target)."""
        if not self.is_ours(uri):
            raise ValueError(f"not one of our resource URIs: {uri}")
        return self.base + "doc/" + uri[len(self.base) + 3:]


def undocs(symbol: str) -> str:
    return UNDOCS_BASE + symbol


def sdg_goal(n: str | int) -> str:
    return f"{SDG_BASE}{int(n)}"


def sdg_target(code: str) -> str:
    return f"{SDG_BASE}{code}"


def sdg_indicator(unsd_code: str) -> str:
    return f"{SDG_BASE}{unsd_code}"
