"""What a conference did with each proposal, as triples (issue 16): the outcome of every proposal
whose resolution the corpus also holds as adopted, of every draft clause (adopted as proposed,
with changes, not adopted) with its word-level changes, and the adopted clauses the conference
added.

This is the one corpus-level mapping: it needs two documents (a proposals document and the
adopted texts), so the build makes it after every document is read, into its own named graph
(``graph/outcomes``), never into a document's graph.  The alignment itself is
:mod:`pipeline.outcomes.align`.
"""
from __future__ import annotations

from ..model import Clause, ResolutionText, SourceDocument
from ..rdf.terms import DCTERMS, RDF, RDFS, RG, XSD, concept, iri, lit
from ..rdf.uris import URIs


def _clause_uri(u: URIs, text: str, path: tuple[str, ...]) -> str:
    """A clause's URI from its path of keys in a text: (section, clause[, child …]); a sub-item
    whose key carries its parent's ("2-iii", ITU texts) hangs off the section, one keyed by its
    own label ("a", UN texts) off its clause (as :class:`pipeline.mapping.Mapper` mints them)."""
    uri = u.part(text, path[0])
    parent_key = None
    for key in path[1:]:
        if parent_key is not None and key.startswith(parent_key + "-"):
            uri = uri.rsplit("/", 1)[0]
        uri = u.part(uri, key)
        parent_key = key
    return uri


def adopted_text_uri(u: URIs, r: ResolutionText) -> str:
    if r.instrument == "resolution":
        return u.version(r.body, r.number, r.new_revision.place, r.new_revision.year)
    return u.version_of_work(u.instrument(r.instrument, r.body, r.number), r.new_revision.place, r.new_revision.year)


def outcome_triples(docs: list[SourceDocument], u: URIs, results) -> list[tuple]:
    """Triples (of light terms, as :mod:`pipeline.rdf.terms` makes them) of ``results``, the
    :class:`~pipeline.outcomes.align.ProposalOutcome` list of :func:`pipeline.outcomes.align.outcomes`."""
    out: list[tuple] = []
    add = lambda s, p, o: out.append((s, p, o))  # noqa: E731
    drafts = {p.symbol: p.resolution for d in docs for p in d.proposals}
    adopted_texts = {(r.body, r.number): r for d in docs for r in d.texts
                     if r.adopted and not r.symbol and r.instrument == "resolution" and r.new_revision is not None}
    for po in results:
        pu = iri(u.proposal(po.symbol))
        add(pu, RG.proposalOutcome, concept("proposal-outcome", po.outcome))
        draft_text = iri(u.proposal_text(po.symbol))
        draft = drafts.get(po.symbol)
        adopted = adopted_texts.get((draft.body if draft is not None else "pp", po.adopted_number)) if po.adopted_number else None
        adopted_uri = iri(adopted_text_uri(u, adopted)) if adopted is not None else None
        if adopted_uri is not None:
            add(pu, RG.outcomeText, adopted_uri)
        for co in po.clauses:
            if (co.draft_path and co.draft_path[-1] == "title") or (co.adopted_path and co.adopted_path[-1] == "title"):
                continue   # an annex title: compared, but not a clause
            d = iri(_clause_uri(u, draft_text, co.draft_path)) if co.draft is not None else None
            a = (iri(_clause_uri(u, adopted_uri, co.adopted_path))
                 if co.adopted is not None and adopted_uri is not None and co.adopted_path else None)
            if d is not None:
                add(d, RG.clauseOutcome, concept("clause-outcome", co.outcome))
                if a is not None:
                    add(d, RG.adoptedAs, a)
                    add(a, RG.draftedAs, d)
                    add(d, RG.similarity, lit(f"{co.similarity:.3f}", datatype=XSD.decimal))
                for n, ch in enumerate(co.changes, start=1):
                    c = iri(u.textual_change(d, n))
                    add(d, RG.textualChange, c)
                    add(c, RDF.type, RG.TextualChange)
                    add(c, RG.changeKind, concept("change-kind", ch.kind))
                    add(c, RG.oldWords, lit(ch.old))
                    add(c, RG.newWords, lit(ch.new))
                    add(c, RDFS.label, lit(f"{ch.kind}: {ch.old!r} → {ch.new!r}"[:200], lang="en"))
            elif a is not None:
                add(a, RG.clauseOutcome, concept("clause-outcome", "added"))
                add(a, RG.comparedWith, draft_text)
    return out
