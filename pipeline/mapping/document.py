"""Map the document model to RDF (ARCHITECTURE.md, "Vocabulary").

One graph per source document: the asserted graph, recorded by :class:`Mapper` as plain
terms and written as N-Triples for the build (:func:`mapped`) or as an rdflib graph
(:func:`map_document`) — the same triples either way.  Citations are asserted
at the most specific level the text gives (``clause cito:cites version``); the
roll-up to sections, versions and works, and inverse links, are inferred by
:mod:`pipeline.checks.reason` from the ontology's property-chain and inverse axioms.

Only citations that stand in the proposed text become ``cito:cites``.  Citations in
text read as deleted by a flattened tracked change are kept as typed
``cito:Citation`` records with ``rg:status`` *deleted*, so a librarian can see them,
but they never count as the version citing anything.
"""
from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache

import pyoxigraph as ox
from rdflib import Graph

from ..model import Clause, Finding, Proposal, ResolutionText, Revision, Section, SourceDocument, Span
from ..rdf.terms import DCTERMS, ELI, PROV, RDF, RDFS, RG, XSD, _ox_term, _rdflib_term, concept, iri, lit
from ..rdf.triples import new_graph
from .citations import CitationMapper
from .plan import PlanMapper
from ..outcomes.unflatten import unflatten
from ..rdf.vocab import concept_codes
from ..reference import BODY_NAMES, document_by_slug, final_acts_titles
from ..reference.registry import registry_for
from ..settings import Settings
from ..rdf.uris import URIs


class Mapper(PlanMapper, CitationMapper):
    """Maps one document model to triples (:meth:`run` → rdflib graph; :meth:`collect`, then
    :meth:`ntriples` → N-Triples for the build, without rdflib)."""

    def __init__(self, doc: SourceDocument | None, settings: Settings, evidence: dict[int, str] | None = None):
        """``doc`` None: a mapper for looking up citation targets only (:func:`target_uri`).
        ``evidence``: the adopted wording of draft clauses, by where they start in the source
        (:func:`pipeline.outcomes.evidence`)."""
        self.doc = doc
        self.evidence = evidence or {}
        self.u = URIs(settings.base)
        #: the triples, in insertion order, of light terms (see :func:`lit`)
        self.triples: dict[tuple, None] = {}
        #: objects per subject of the predicates the mapper looks up (rdf:type, eli:is_part_of)
        self._index: dict[str, dict[str, list]] = {RDF.type: {}, ELI.is_part_of: {}}
        self.doc_uri = iri(self.u.document(doc.slug)) if doc is not None else None
        self.findings: list[Finding] = list(doc.findings) if doc is not None else []
        self.registry = registry_for([doc]) if doc is not None else None
        self._described: set[str] = set()
        self._collected = False
        self._un_symbol: str | None = None   # the UN resolution whose parts are being mapped
        self._draft = False                   # mapping a proposal's draft (its prose carries flattened changes)
        self._line_starts: list[int] | None = None
        self._section_uri = ""

    # -- triples ---------------------------------------------------------------
    def add(self, s: str, p: str, o) -> None:
        t = (s, p, o)
        if t not in self.triples:
            self.triples[t] = None
            idx = self._index.get(p)
            if idx is not None:
                idx.setdefault(s, []).append(o)

    def remove(self, s: str, p: str, o) -> None:
        t = (s, p, o)
        if t in self.triples:
            del self.triples[t]
            idx = self._index.get(p)
            if idx is not None:
                idx[s].remove(o)
                if not idx[s]:
                    del idx[s]

    def value(self, s: str, p: str):
        """The first object of ``s p ?o`` (as ``rdflib.Graph.value``), for the indexed predicates."""
        objs = self._index[p].get(s)
        return objs[0] if objs else None

    def subjects_of_type(self, cls: str) -> list[str]:
        """The subjects typed ``cls`` (each once), e.g. the finding records."""
        return [s for s, types in self._index[RDF.type].items() if cls in types]

    def ox_triples(self) -> list[ox.Triple]:
        """The triples as pyoxigraph triples (terms as :func:`pipeline.rdf.terms.to_ox` makes them)."""
        cache: dict = {}
        out = []
        Triple = ox.Triple
        for s, p, o in self.triples:
            S = cache.get(s)
            if S is None:
                S = cache[s] = _ox_term(s)
            P = cache.get(p)
            if P is None:
                P = cache[p] = _ox_term(p)
            O = cache.get(o)
            if O is None:
                O = cache[o] = _ox_term(o)
            out.append(Triple(S, P, O))
        return out

    def ntriples(self) -> bytes:
        """The triples as N-Triples: the bytes ``pyoxigraph.serialize(self.ox_triples(),
        format=N_TRIPLES)`` gives, three times faster.

        Each distinct term is written once by pyoxigraph (``str`` of a pyoxigraph term is its
        N-Triples form, the one its serialiser writes); the lines are joined here rather
        than by building one ``ox.Triple`` per triple (``tests/test_mapping_terms.py``
        checks the bytes are the same).
        """
        cache: dict = {}
        lines = []
        append = lines.append
        for s, p, o in self.triples:
            S = cache.get(s)
            if S is None:
                S = cache[s] = str(_ox_term(s))
            P = cache.get(p)
            if P is None:
                P = cache[p] = str(_ox_term(p))
            O = cache.get(o)
            if O is None:
                O = cache[o] = str(_ox_term(o))
            append(f"{S} {P} {O} .\n")
        return "".join(lines).encode("utf-8")

    def graph(self, subjects: set[str] | None = None) -> Graph:
        """The triples as an rdflib graph (``subjects``: only the triples about those)."""
        g = new_graph()
        conv = lru_cache(maxsize=None)(_rdflib_term)   # each distinct term converted once
        add = g.add
        for s, p, o in self.triples:
            if subjects is None or s in subjects:
                add((conv(s), conv(p), conv(o)))
        return g

    # -- helpers ---------------------------------------------------------------
    def span(self, node: str, span: Span) -> None:
        self.add(node, RG.lineStart, lit(span.line_start))
        self.add(node, RG.lineEnd, lit(span.line_end))
        self.add(node, RG.charStart, lit(span.char_start))
        self.add(node, RG.charEnd, lit(span.char_end))
        self.add(node, PROV.wasDerivedFrom, self.doc_uri)

    def work(self, body: str, number: str) -> str:
        w = iri(self.u.resolution(body, number))
        if w not in self._described:
            self._described.add(w)
            self.add(w, RDF.type, RG.Resolution)
            self.add(w, RG.body, concept("body", body))
            self.add(w, ELI.number, lit(number))
            name = f"Resolution ITU-R {number}" if body == "ra" else f"Resolution {number}"
            self.add(w, DCTERMS.identifier, lit(f"{BODY_NAMES[body]} {name}" if body != "ra" else name))
            self.add(w, RDFS.label, lit(f"{name} ({BODY_NAMES[body]})", lang="en"))
        return w

    def version(self, work: str, rev: Revision, status: str, label: str) -> str:
        """A version of ``work``.  ``status`` "referenced" asserts none: whether a version's text
        is held is said by the document that holds it (rg:status adopted-text), never denied by
        one that only cites it — the documents of a corpus are mapped one by one."""
        v = iri(self.u.version_of_work(str(work), rev.place, rev.year))
        if v not in self._described:
            self._described.add(v)
            self.add(v, RDF.type, RG.ResolutionVersion)
            self.add(v, DCTERMS.isVersionOf, work)
            self.add(work, DCTERMS.hasVersion, v)
            self.add(v, RG.place, lit(rev.place))
            self.add(v, RG.year, lit(rev.year, datatype=XSD.gYear))
            self.add(v, RDFS.label, lit(f"{label} ({rev})", lang="en"))
        if status != "referenced":
            self.add(v, RG.status, concept("text-status", status))
        return v

    # -- document --------------------------------------------------------------
    def collect(self) -> "Mapper":
        """Map the document (once): its triples are then in :attr:`triples`."""
        if self._collected:
            return self
        self._collected = True
        d = self.doc
        self.add(self.doc_uri, RDF.type, RG.SourceDocument)
        self.add(self.doc_uri, DCTERMS.title, lit(d.title, lang="en"))
        self.add(self.doc_uri, RG.sha256, lit(d.sha256))
        self.add(self.doc_uri, DCTERMS.source, lit(d.path.split("/")[-1]))
        known = document_by_slug(d.slug)
        if known is not None and known.identifier:
            self.add(self.doc_uri, DCTERMS.identifier, lit(known.identifier))
        if known is not None and known.see_also:
            self.add(self.doc_uri, RDFS.seeAlso, iri(known.see_also))
        for p in d.proposals:
            self.proposal(p)
        for r in d.texts:
            self.adopted(r)
        for n, f in enumerate(self.findings, start=1):
            self.finding(n, f)
        return self

    def run(self) -> Graph:
        """Map the document: its asserted graph, as an rdflib graph."""
        return self.collect().graph()

    def proposal(self, p: Proposal) -> None:
        pu = iri(self.u.proposal(p.symbol))
        self.add(self.doc_uri, DCTERMS.hasPart, pu)
        self.add(pu, DCTERMS.isPartOf, self.doc_uri)
        self.add(pu, RDF.type, RG.Proposal)
        self.add(pu, DCTERMS.identifier, lit(p.symbol))
        self.add(pu, RDFS.label, lit(f"Proposal {p.symbol} ({p.action})", lang="en"))
        self.add(pu, RG.action, concept("action", p.action))
        if p.anchor:
            self.add(pu, RG.anchor, lit(p.anchor))
        if p.summary:
            self.add(pu, RG.summary, lit(p.summary, lang="en"))
        if p.reasons:
            self.add(pu, RG.reasons, lit(p.reasons, lang="en"))
        self.span(pu, p.span)
        for c in p.citations:
            self.cite(pu, c, None, n=None)
        if p.target_kind in ("constitution", "convention"):
            inst = iri(self.u.instrument("instrument", "itu", p.target_kind))
            self.add(inst, RDF.type, RG.Instrument)
            self.add(inst, DCTERMS.title, lit(f"{p.target_kind.capitalize()} of the International Telecommunication Union", lang="en"))
            self.add(pu, RG.concerns, inst)
            return
        r = p.resolution
        if r is None:
            return
        self.resolution(pu, p, r)

    def resolution(self, pu: str, p: Proposal, r: ResolutionText) -> None:
        """The text a proposal sets out: its own draft at ``id/proposal/{symbol}/text``, a version
        of the resolution it would revise, never the version URI (that names the adopted text)."""
        if r.number is None:
            work = iri(self.u.draft(r.body, r.draft_label))
            self.add(work, RDF.type, RG.DraftResolution)
            self.add(work, RG.body, concept("body", r.body))
            self.add(work, DCTERMS.identifier, lit(f"Draft new resolution [{r.draft_label}]"))
            self.add(work, RDFS.label, lit(f"Draft new resolution [{r.draft_label}]", lang="en"))
            label = f"Draft new resolution [{r.draft_label}]"
        else:
            work = self.work(r.body, r.number)
            label = f"Resolution {r.number}"
        self.work_title(work, r, adopted=False)
        self.add(pu, RG.concerns, work)
        if r.suppressed:
            # SUP: the proposal concerns the version in force; nothing new is proposed
            if r.old_revision:
                v = self.version(work, r.old_revision, "referenced", label)
            return
        if r.new_revision is None:
            self.findings.append(Finding("export-damage", f"{label}: no revision in the heading; version unknown",
                                         r.heading, r.span))
            return
        v = self.version(work, r.new_revision, "referenced", label)
        t = iri(self.u.proposal_text(p.symbol))
        self.add(t, RDF.type, RG.DraftText)
        self.add(t, RDF.type, RG.ResolutionText)
        self.add(t, RG.textOf, work)
        self.add(t, DCTERMS.isVersionOf, work)
        self.add(work, DCTERMS.hasVersion, t)
        self.add(t, RG.proposedVersion, v)
        self.add(t, RG.proposedIn, pu)
        self.add(t, RG.status, concept("text-status", "proposed-text"))
        if r.title:
            w = unflatten(r.title)
            self.add(t, DCTERMS.title, lit(w.proposed or r.title, lang="en"))
            self.split_findings(w, r.span, "title: ")
        self.add(t, DCTERMS.identifier, lit(f"{label} ({r.new_revision}) as proposed in {p.symbol}"))
        self.add(t, RDFS.label, lit(f"{label} ({r.new_revision}), text proposed in {p.symbol}", lang="en"))
        if r.old_revision and (r.old_revision.place, r.old_revision.year) != (r.new_revision.place, r.new_revision.year):
            old = self.version(work, r.old_revision, "referenced", label)
            self.add(t, PROV.wasRevisionOf, old)
            self.add(v, PROV.wasRevisionOf, old)   # the heading says so of the version, adopted or not
        self.span(t, r.span if r.only_part is None else p.span)
        if r.only_part is None:
            self.add(pu, RG.proposesText, t)
        self.text_parts(t, r, pu)

    def adopted(self, r: ResolutionText) -> None:
        """A text as its body adopted it: an ITU resolution (or decision, recommendation) at its
        version URI, a UN resolution at its symbol's URI."""
        if r.symbol:
            t = self.un_document(r.symbol)
            self.add(t, RG.textOf, t)
            self.add(t, RG.status, concept("text-status", "adopted-text"))
            self.add(t, RDF.type, RG.Resolution)   # a resolution as a work, read in full
            self.add(t, RDFS.label, lit(f"Resolution {r.number} of the General Assembly", lang="en"))
            label = r.symbol
            if r.date:
                self.add(t, ELI.date_document, lit(r.date, datatype=XSD.date))
            if r.session:
                self.add(t, RG.session, lit(r.session))
            if r.report:
                self.add(t, RG.report, self.un_document(r.report))
            if r.meeting:
                self.add(t, RG.meeting, lit(r.meeting, lang="en"))
            if r.agenda_item:
                self.add(t, RG.agendaItem, lit(r.agenda_item, lang="en"))
            if r.number:
                self.add(t, ELI.number, lit(r.number))
        else:
            rev = r.new_revision
            if r.number is None or rev is None:
                self.findings.append(Finding("export-damage", f"adopted text without a number or revision: {r.heading!r}; not published",
                                             r.heading, r.span))
                return
            if r.instrument == "resolution":
                work = self.work(r.body, r.number)
                label = f"Resolution {r.number}"
                t = self.version(work, rev, "adopted-text", label)
            else:
                name = r.instrument.capitalize()   # Decisions 5 and 11, Recommendation 7 of PP-18
                label = f"{name} {r.number}"
                work = self.thing(self.u.instrument(r.instrument, r.body, r.number), f"{label} ({BODY_NAMES[r.body]})")
                self.add(work, RG.body, concept("body", r.body))   # who adopted it, as for a resolution
                t = self.thing_version(self.u.version_of_work(str(work), rev.place, rev.year), f"{label} ({rev})", work)
                self.add(t, RG.status, concept("text-status", "adopted-text"))
            self.work_title(work, r, adopted=True)
            self.add(t, RG.textOf, work)
            self.add(t, DCTERMS.identifier, lit(f"{label} ({rev})"))
            if r.date:
                self.add(t, ELI.date_document, lit(r.date, datatype=XSD.date))
        self.add(t, RDF.type, RG.ResolutionText)
        if r.title:
            self.add(t, DCTERMS.title, lit(r.title, lang="en"))
        if r.source_id:
            self.add(t, RG.sourceIdentifier, lit(r.source_id))
        self.add(self.doc_uri, DCTERMS.hasPart, t)
        self.span(t, r.span)
        self.text_parts(t, r, None)

    def work_title(self, work: str, r: ResolutionText, *, adopted: bool) -> None:
        """One title per work across the corpus, whichever documents it holds: the title of
        PP-18's Final Acts list where it is whole; else the adopted text's own; a draft's title
        only for a work no adopted text of the Final Acts will title (a draft new resolution, a
        resolution the conference did not revise).  A draft's title stays on the draft."""
        if r.number is None:
            if r.title:
                self.add(work, DCTERMS.title, lit(r.title, lang="en"))
            return
        titles = final_acts_titles()
        key = (r.body, r.instrument, r.number)
        title = titles.get(key) or (r.title if adopted or key not in titles else None)
        if title:
            self.add(work, DCTERMS.title, lit(title, lang="en"))

    def text_parts(self, t: str, r: ResolutionText, pu: str | None) -> None:
        """Sections and annexes of a text ``t`` (draft, adopted version or UN resolution)."""
        self._version = t
        self._un_symbol = r.symbol
        self._draft = not r.adopted
        for i, s in enumerate(r.sections, start=1):
            self.section(t, s, i)
        for i, a in enumerate(r.annexes, start=1):
            au = iri(self.u.part(t, a.key))
            self.add(au, RDF.type, RG.Annex)
            self.add(t, ELI.has_part, au)
            self.add(au, ELI.is_part_of, t)
            self.add(au, RG.position, lit(len(r.sections) + i))
            self.add(au, DCTERMS.title, lit(a.title or a.heading, lang="en"))
            self.add(au, RDFS.label, lit(a.heading, lang="en"))
            self.span(au, a.span)
            if pu is not None and r.only_part == a.key:
                self.add(pu, RG.proposesText, au)
                self.add(pu, RG.concerns, au)
            for j, s in enumerate(a.sections, start=1):
                self.section(au, s, j)
            if a.clauses:
                s = Section(a.heading, "text", "annex", [], a.span, a.clauses, key=a.key)
                self._section_uri = au
                for c in a.clauses:
                    self.clause(au, c, s)
            if a.plan is not None:
                self.plan(au, a.plan)

    def section(self, parent: str, s: Section, pos: int) -> None:
        su = iri(self.u.part(parent, s.key))
        self._section_uri = su
        self.add(su, RDF.type, RG.Section)
        self.add(parent, ELI.has_part, su)
        self.add(su, ELI.is_part_of, parent)
        phrase = s.verb_phrase or {"preamble": "preambular part", "operative": "operative part"}.get(s.key, s.key)
        self.add(su, RG.verbPhrase, lit(phrase, lang="en"))
        self.add(su, RDFS.label, lit(f"{self._un_symbol}, {phrase}" if self._un_symbol else phrase, lang="en"))
        if s.verb != "text" and s.verb in known_verbs():   # an unknown one is the reader's unknown-section finding
            self.add(su, RG.verb, concept("verb", s.verb))
        self.add(su, RG.sectionKind, concept("section-kind", s.kind))
        self.add(su, RG.position, lit(pos))
        for a in s.addressees:
            self.add(su, RG.addressee, concept("addressee", a))
        self.span(su, s.span)
        for c in s.clauses:
            self.clause(su, c, s)

    def clause(self, parent: str, c: Clause, s: Section) -> None:
        cu = iri(self._clause_uri(parent, c))
        self.add(cu, RDF.type, RG.Clause)
        self.add(parent, ELI.has_part, cu)
        self.add(cu, ELI.is_part_of, parent)
        if c.label:
            self.add(cu, ELI.number, lit(c.label))
        if c.printed_label and c.printed_label != "•":
            self.add(cu, RG.printedLabel, lit(c.printed_label))
        if c.former_label:
            self.add(cu, RG.formerLabel, lit(c.former_label))
        self.add(cu, RG.labelChange, concept("label-change", c.label_change))
        if self._draft:
            self.draft_wording(cu, c)
        else:
            self.add(cu, RG.text, lit(c.text, lang="en"))
        self.add(cu, RG.position, lit(c.position))
        verb = None
        if self._un_symbol is not None:
            # a UN paragraph: "A/RES/80/16, operative 2 (a)"; it opens with its own verb
            path = cu[len(self._section_uri) + 1:].split("/")
            tail = " ".join([path[0].lstrip("p")] + [f"({x})" for x in path[1:]])
            part = {"preamble": "preambular paragraph", "operative": "operative paragraph"}.get(s.key, s.key.replace("-", " "))
            self.add(cu, RDFS.label, lit(f"{self._un_symbol}, {part} {tail}", lang="en"))
            if c.verb_phrase:
                self.add(cu, RG.verbPhrase, lit(c.verb_phrase, lang="en"))
            if c.verb and c.verb in known_verbs():
                verb = c.verb
                self.add(cu, RG.verb, concept("verb", c.verb))
            for a in c.addressees:
                if a in known_addressees():
                    self.add(cu, RG.addressee, concept("addressee", a))
        else:
            self.add(cu, RDFS.label, lit(f"{s.verb_phrase} {c.label or c.printed_label or ''}".strip(), lang="en"))
        self.span(cu, c.span)
        for n, cit in enumerate(c.citations, start=1):
            self.cite(cu, cit, s, n, verb=verb)
        for fn in c.footnotes:
            fu = iri(self.u.footnote(cu, fn.ref))
            self.add(fu, RDF.type, RG.Footnote)
            self.add(cu, RG.footnote, fu)
            self.add(fu, ELI.is_part_of, cu)
            self.add(fu, RG.printedLabel, lit(fn.mark))
            self.add(fu, RG.text, lit(fn.text, lang="en"))
            self.span(fu, fn.span)
        for ref in c.references:
            if ref.status != "current" or ref.target_section is None:
                continue
            if ref.target_section.startswith("annex"):
                target = iri(self.u.part(self._version, ref.target_section))
            elif ref.target_key:
                target = iri(self.u.part(self.u.part(self._version, ref.target_section), ref.target_key))
            elif ref.label is None:
                target = iri(self.u.part(self._version, ref.target_section))   # "bearing in mind above": the section
            else:
                continue
            self.add(cu, RG.refersTo, target)
        for child in c.children:
            self.clause_child(cu, child, s)

    def draft_wording(self, cu: str, c: Clause) -> None:
        """A draft clause's words read apart (:func:`pipeline.outcomes.unflatten`): ``rg:text`` the
        proposed wording (kept and inserted words), ``rg:replacedText`` the wording it replaces
        where recoverable, ``rg:printedText`` the words as printed when they differ, and
        ``rg:clauseChange``; each split is a ``glued-change`` finding saying on which evidence
        and how sure, and glue left unread stays in the text, flagged."""
        if c.old_text is not None:
            # EXACT (a Word file's tracked changes, pipeline/sources/docx.py): old and new wording as
            # the marks say, nothing inferred, no glued-change findings
            deleted = c.label_change == "deleted"
            self.add(cu, RG.text, lit(c.old_text if deleted else c.text, lang="en"))
            if not deleted and c.label_change != "inserted" and c.old_text != c.text:
                self.add(cu, RG.replacedText, lit(c.old_text, lang="en"))
            change = (c.label_change if c.label_change in ("inserted", "deleted") else
                      "modified" if c.old_text != c.text else c.label_change)
            self.add(cu, RG.clauseChange, concept("clause-change", change if change in known_clause_changes() else "modified"))
            return
        change = c.label_change if c.label_change in ("inserted", "deleted", "renumbered") else None
        w = unflatten(c.text, adopted=self.evidence.get(c.span.char_start), label_change=change)
        proposed = w.proposed if w.proposed or change == "deleted" else c.text
        self.add(cu, RG.text, lit(proposed if proposed else c.text, lang="en"))
        if proposed != c.text:
            self.add(cu, RG.printedText, lit(c.text, lang="en"))
        if w.old is not None and w.old != proposed:
            self.add(cu, RG.replacedText, lit(w.old, lang="en"))
        self.add(cu, RG.clauseChange, concept("clause-change", w.change if w.change in known_clause_changes() else "modified"))
        self.split_findings(w, c.span, "")

    def split_findings(self, w, within: Span, prefix: str) -> None:
        """One glued-change finding per split of ``w``, on the line of its words: how it was read
        (evidence, confidence), or that it was left as printed."""
        for sp in w.splits:
            span = self.span_of(sp.printed, within)
            if sp.confidence == "uncertain" or sp.old is None or sp.new is None:
                self.findings.append(Finding("glued-change", f"{prefix}old and new words glued in {sp.printed!r} ({sp.evidence}); "
                                             "could not be read apart: left as printed", sp.printed, span, "warning"))
            else:
                self.findings.append(Finding("glued-change", f"{prefix}read {sp.printed!r} as {sp.old!r} replaced by {sp.new!r} "
                                             f"({sp.evidence}, {sp.confidence})", sp.printed, span, "info"))

    def span_of(self, words: str, within: Span) -> Span:
        """Where ``words`` stand in the source within ``within`` (the first occurrence), else ``within``."""
        text = self.doc.text
        i = text.find(words, within.char_start, within.char_end + len(words))
        if i < 0:
            return within
        if self._line_starts is None:
            self._line_starts = [0] + [k + 1 for k, ch in enumerate(text) if ch == "\n"]
        line = bisect_right(self._line_starts, i)
        return Span(line, line + words.count("\n"), i, i + len(words))

    def clause_child(self, parent: str, c: Clause, s: Section) -> None:
        self.clause(parent, c, s)

    def _clause_uri(self, parent: str, c: Clause) -> str:
        # children keys already carry their parent's key as prefix ("2-iii"); they hang off the section
        p = str(parent)
        if "-" in c.key and self.value(parent, RDF.type) == RG.Clause:
            p = p.rsplit("/", 1)[0]
        return self.u.part(p, c.key)

    def finding(self, n: int, f: Finding) -> None:
        fu = iri(self.u.finding(self.doc.slug, n))
        self.add(fu, RDF.type, RG.Finding)
        self.add(fu, RG.findingKind, concept("finding-kind", f.kind))
        self.add(fu, RG.message, lit(f.message, lang="en"))
        self.add(fu, RG.quote, lit(f.quote))
        self.add(fu, RG.about, self.doc_uri)
        self.add(fu, RDFS.label, lit(f"{f.kind} at line {f.span.line_start}", lang="en"))
        self.span(fu, f.span)


@lru_cache(maxsize=1)
def known_verbs() -> frozenset[str]:
    """Codes of the section-verb scheme (``ontology/concepts.ttl``)."""
    return frozenset(concept_codes("verb"))


@lru_cache(maxsize=1)
def known_clause_changes() -> frozenset[str]:
    return frozenset(concept_codes("clause-change"))


@lru_cache(maxsize=1)
def known_addressees() -> frozenset[str]:
    return frozenset(concept_codes("addressee"))


def map_document(doc: SourceDocument, *, settings: Settings, evidence: dict[int, str] | None = None) -> Graph:
    """The asserted graph of one source document."""
    return Mapper(doc, settings, evidence).run()


def mapped(doc: SourceDocument, *, settings: Settings, evidence: dict[int, str] | None = None) -> Mapper:
    """One source document mapped, without rdflib: :meth:`Mapper.ntriples` is its asserted
    graph as N-Triples (the same triples as :func:`map_document`), :meth:`Mapper.graph` the
    rdflib graph when one is needed after all."""
    return Mapper(doc, settings, evidence).collect()
