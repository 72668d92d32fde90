"""Citations as data: the family of each citation names (and this mapper describes) the resource it
designates, decides its status against the registry; the mapper writes ``cito:cites`` for text that
stands in the version, a typed ``cito:Citation`` record for every citation, and findings for the
ones that name no one resource."""
from __future__ import annotations

from ..model import Citation, Finding, Section
from ..rdf.terms import CITO, DCTERMS, ELI, RDF, RDFS, RG, concept, iri, lit
from ..rdf.uris import undocs
from ..citations import Targets, family_of, status_of, target_uri
from ..reference import BODY_NAMES, aliases


class CitationMapper(Targets):
    """The citation part of :class:`pipeline.mapping.Mapper`: :class:`Targets` that describe
    what they name (type, identifier, label, part of a whole), once."""

    # -- citations ---------------------------------------------------------------
    # The families (pipeline.citations) decide each citation's target and name its resource
    # through the methods of Targets, which the mapper implements so that each resource it names
    # is also described once.
    def target(self, c: Citation) -> str | None:
        return target_uri(c, self)

    def un_document(self, symbol: str) -> str:
        """A UN document by its symbol (``A/RES/70/1``, ``JIU/REP/2016/1``), described once."""
        t = iri(self.u.un(symbol))
        if t not in self._described:
            self._described.add(t)
            is_res = "/RES/" in symbol
            self.add(t, RDF.type, RG.UNResolution if is_res else RG.UNDocument)
            self.add(t, DCTERMS.identifier, lit(symbol))
            self.add(t, RDFS.label, lit(symbol))
            self.add(t, RDFS.seeAlso, iri(undocs(symbol.replace(" ", ""))))
            title = next((a.title for a in aliases() if a.kind == "un" and a.target == symbol and a.title), None)
            if title:
                self.add(t, DCTERMS.title, lit(title, lang="en"))
            organ = ("ecosoc" if symbol.startswith("E/") else "hrc" if symbol.startswith("A/HRC/")
                     else "unsc" if symbol.startswith("S/") else "unga" if symbol.startswith("A/") else None)
            if organ is not None:
                self.add(t, RG.body, concept("body", organ))
        return t

    def thing(self, uri: str, label: str, whole: str | None = None) -> str:
        t = iri(uri)
        if t not in self._described:
            self._described.add(t)
            self.add(t, RDF.type, RG.Instrument)
            self.add(t, DCTERMS.identifier, lit(label))
            self.add(t, RDFS.label, lit(label, lang="en"))
            if whole is not None:
                self.add(t, ELI.is_part_of, whole)
                self.add(whole, ELI.has_part, t)
        return t

    def thing_version(self, uri: str, label: str, work: str) -> str:
        v = iri(uri)
        if v not in self._described:
            self.thing(v, label)
            self.add(v, DCTERMS.isVersionOf, work)
            self.add(work, DCTERMS.hasVersion, v)
        return v

    def report(self, f: Finding) -> None:
        self.findings.append(f)

    def cite(self, citing: str, c: Citation, s: Section | None, n: int | None, verb: str | None = None) -> None:
        """``verb``: the citing paragraph's own verb (UN paragraphs), else the section's characterises it."""
        t = self.target(c)
        if t is None:
            status, candidates = status_of(c, self.registry)
            if status == "ambiguous" and candidates:
                self.findings.append(Finding("ambiguous-reference", f"citation may designate {' or '.join(candidates)}; not linked"
                                             + (f" ({c.note})" if c.note else ""), c.printed, c.span))
            elif status == "broken":
                if c.kind == "sdg":
                    return           # reported by the family's target as unknown-sdg, with the framework it was checked against
                why = c.note or (f"no resolution of {BODY_NAMES.get(c.key[0], c.key[0])} can have the number {c.key[1]}"
                                 if c.kind == "itu-resolution" else f"{c.kind} {' '.join(str(k) for k in c.key)} cannot exist")
                # a number the body had not reached by the cited revision's year cannot exist
                kind = "impossible-reference" if c.kind == "itu-resolution" else "unresolved-reference"
                self.findings.append(Finding(kind, f"broken reference, not linked: {why}",
                                             c.printed, c.span, "warning"))
            else:
                # a generic "the strategic plan" is worth a note, not a warning
                fam = family_of(c.kind)
                severity = fam.unresolved_severity if fam is not None else "warning"
                self.findings.append(Finding("unresolved-reference", f"citation not resolved to one resource: {c.note or c.kind}",
                                             c.printed, c.span, severity))
            return
        if c.status in ("current", "inserted"):
            self.add(citing, CITO.cites, t)
            fam = family_of(c.kind)
            whole = self.value(t, ELI.is_part_of) if fam is not None and fam.part_of_whole else None
            if whole is not None:
                self.add(citing, CITO.cites, whole)  # citing § 50 of the Tunis Agenda cites the Tunis Agenda
        if n is None:
            return
        rec = iri(self.u.citation(str(citing), n))
        self.add(rec, RDF.type, CITO.Citation)
        self.add(rec, CITO.hasCitingEntity, citing)
        self.add(rec, CITO.hasCitedEntity, t)
        self.add(rec, RG.citedAs, lit(c.printed))
        self.add(rec, RG.status, concept("text-status", c.status))
        status, candidates = status_of(c, self.registry)
        self.add(rec, RG.resolutionStatus, concept("citation-status", status))
        for cand in candidates:
            body, _, number = cand.partition("/")
            if body in BODY_NAMES:
                self.add(rec, RG.candidate, self.work(body, number))
        if verb is not None:
            self.add(rec, RG.verb, concept("verb", verb))
        elif s is not None and s.verb != "text":
            self.add(rec, RG.verb, concept("verb", s.verb))
        if c.note:
            self.add(rec, RDFS.comment, lit(c.note, lang="en"))
        self.span(rec, c.span)

