"""Where each report result stands in its source file, and a fingerprint of what it says.

CI systems show a result at a file, line and column range (SARIF ``region``, JUnit
``file``/``line``), and a CI run must fail only on results a change *introduced*
(``resgraph validate --baseline``).  Both need more than a :class:`~.report.Result` carries
when a validator makes it, and both are read from the dataset the report is about (the
validated sources, a published generation), so that a saved report and a generation are
compared the same way:

* the **span**: every finding record and every clause, section, text and proposal has
  ``rg:lineStart``/``rg:charStart``/``rg:charEnd`` (``mapping.Mapper.span``); columns are
  computed from the character span and the source text (1-based, code points, end column
  exclusive, as SARIF's ``columnKind: unicodeCodePoints``).
* the **fingerprint**: matched by content, never by line or by the finding's number (both
  move when a line is inserted above).  A finding: its kind, its quoted words (whitespace
  folded), its document and the narrowest clause, section, text or proposal whose span holds
  it (whose URI says the resolution and the clause label); a SHACL or graph-check result: its
  shape, constraint, path, value and focus node.  URIs are taken relative to the dataset's base,
  so a baseline built under another ``--base`` still matches.  Equal contents are told apart by
  their order in the document (the second "Resolution 25" of one clause is ``…#1``).

``tests/test_validate_ci.py`` shows that a line inserted above every finding leaves all
fingerprints as they were, and that one injected broken reference is the one new fingerprint.
"""
from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from dataclasses import dataclass

import pyoxigraph as ox

from ..rdf.vocab import RG
from .report import Result

#: nodes whose span can hold a finding; the narrowest is the finding's place (not citations
#: or footnote marks: those are numbered by position)
_PLACES = tuple(str(t) for t in (RG.Clause, RG.Section, RG.Annex, RG.DraftText, RG.ResolutionText, RG.Proposal,
                                 RG.Footnote))
FINGERPRINT_KEY = "resgraphContent/v1"

_SPANS = f"""SELECT ?g ?s ?t ?ls ?le ?cs ?ce WHERE {{ GRAPH ?g {{
    ?s <{RG.lineStart}> ?ls ; <{RG.lineEnd}> ?le ; <{RG.charStart}> ?cs ; <{RG.charEnd}> ?ce .
    OPTIONAL {{ ?s a ?t }} }} }}"""
_FINDINGS = f"""SELECT ?g ?f ?k ?quote WHERE {{ GRAPH ?g {{
    ?f a <{RG.Finding}> ; <{RG.findingKind}> ?k . OPTIONAL {{ ?f <{RG.quote}> ?quote }} }} }}"""


@dataclass
class _Span:
    graph: str
    line_start: int
    line_end: int
    char_start: int
    char_end: int


class Locator:
    """Spans, places and finding records of one dataset (read once), to locate many results.

    ``base``: the dataset's base URI; ``texts``: document slug → (file path as shown, source
    text as read by the build), for columns; without a text a result gets lines only.
    """

    def __init__(self, store: ox.Store, *, base: str, texts: dict[str, tuple[str, str | None]] | None = None):
        self.base = base
        self.graph_prefix = f"{base}graph/document/"
        self.texts = texts or {}
        self.spans: dict[str, _Span] = {}
        places: dict[str, list[tuple[int, int, str]]] = {}
        for row in store.query(_SPANS):
            s, g = row["s"].value, row["g"].value
            if s not in self.spans:
                self.spans[s] = _Span(g, int(row["ls"].value), int(row["le"].value),
                                      int(row["cs"].value), int(row["ce"].value))
            t = row["t"]
            if t is not None and t.value in _PLACES:
                sp = self.spans[s]
                places.setdefault(g, []).append((sp.char_start, -sp.char_end, s))
        self.places = {g: sorted(set(v)) for g, v in places.items()}
        self.starts = {g: [p[0] for p in v] for g, v in self.places.items()}
        self.findings: dict[str, tuple[str, str, str]] = {}
        for row in store.query(_FINDINGS):
            q = row["quote"]
            self.findings[row["f"].value] = (row["g"].value, row["k"].value.rsplit("/", 1)[-1], q.value if q else "")
        self._line_starts: dict[str, list[int]] = {}

    # ------------------------------------------------------------------ helpers ---
    def rel(self, uri: str | None) -> str:
        if not uri:
            return ""
        return uri[len(self.base):] if uri.startswith(self.base) else uri

    def slug(self, graph: str) -> str | None:
        return graph[len(self.graph_prefix):] if graph.startswith(self.graph_prefix) else None

    def place(self, graph: str, sp: _Span) -> str | None:
        """The narrowest place (clause, section, text…) of ``graph`` whose span holds ``sp``."""
        places = self.places.get(graph)
        if not places:
            return None
        i = bisect_right(self.starts[graph], sp.char_start)
        for j in range(i - 1, -1, -1):
            start, neg_end, s = places[j]
            if -neg_end >= sp.char_end:
                return s
        return None

    def columns(self, slug: str, sp: _Span) -> tuple[int, int, int, int] | None:
        """(start line, start column, end line, end column) from the character span and the text."""
        text = self.texts.get(slug, (None, None))[1]
        if text is None or not (0 <= sp.char_start <= sp.char_end <= len(text)):
            return None
        starts = self._line_starts.get(slug)
        if starts is None:
            starts = self._line_starts[slug] = [0] + [m.end() for m in re.finditer("\n", text)]
        ls = bisect_right(starts, sp.char_start)
        le = bisect_right(starts, max(sp.char_start, sp.char_end - 1)) if sp.char_end > sp.char_start else ls
        return ls, sp.char_start - starts[ls - 1] + 1, le, sp.char_end - starts[le - 1] + 1

    # ------------------------------------------------------------------ locate ---
    def locate(self, results: list[Result]) -> list[Result]:
        """Set ``document``, ``file``, lines, columns, ``kind`` and ``fingerprint`` of each result
        (in place; returns ``results``)."""
        keyed: dict[tuple, list[tuple[int, Result]]] = {}
        for r in results:
            sp = self.spans.get(r.focus)
            rec = self.findings.get(r.focus)
            graph = rec[0] if rec else (sp.graph if sp else None)
            slug = self.slug(graph) if graph else None
            if slug is None and r.source == "finding":
                # no record in this dataset (a build stopped by violations): the URI names the document
                m = re.search(r"/id/finding/([^/]+)/\d+$", r.focus)
                slug = m.group(1) if m else None
            r.document = slug or r.document
            if slug in self.texts:
                r.file = self.texts[slug][0]
            if sp is not None:
                cols = self.columns(slug, sp) if slug else None
                if cols:
                    r.line, r.column, r.line_end, r.end_column = cols
                else:
                    r.line, r.line_end = r.line or sp.line_start, sp.line_end
            if r.source == "finding":
                kind = rec[1] if rec else r.message.split(":", 1)[0]
                quote = rec[2] if rec else (r.quote or "")
                r.kind = kind
                where = self.place(graph, sp) if (graph and sp) else None
                key = ("finding", kind, " ".join(quote.split()), slug or "", self.rel(where))
            else:
                key = (r.source, self.rel(r.shape), self.rel(r.component), self.rel(r.path), self.rel(r.value),
                       self.rel(r.focus), r.message if not r.shape else "")
            keyed.setdefault(key, []).append((sp.char_start if sp else (r.line or 0), r))
        for key, group in keyed.items():
            group.sort(key=lambda x: (x[0], x[1].focus))
            digest = hashlib.sha256("\x1f".join(key).encode("utf-8")).hexdigest()[:24]
            for n, (_pos, r) in enumerate(group):
                r.fingerprint = f"{digest}#{n}"
        return results


def locate(results: list[Result], store: ox.Store | None, *, base: str,
           texts: dict[str, tuple[str, str | None]] | None = None) -> list[Result]:
    """:meth:`Locator.locate` over ``store`` (None: an empty dataset, fingerprints from the
    results alone)."""
    return Locator(store if store is not None else ox.Store(), base=base, texts=texts).locate(results)
