"""Proposals meet outcomes (issue 16): the proposed wording of a draft read apart from the words
it replaces (:mod:`.unflatten`), and what a conference did with each proposal, clause by clause
(:mod:`.align`).  Pure functions over the document model; the mapping publishes their results."""
import hashlib
import json

from .align import ClauseOutcome, ProposalOutcome, WordChange, outcome_of, outcomes
from .unflatten import Split, Wording, looks_flattened, unflatten

__all__ = ["ClauseOutcome", "ProposalOutcome", "WordChange", "outcome_of", "outcomes",
           "Split", "Wording", "looks_flattened", "unflatten", "evidence", "evidence_digest"]


def evidence(docs, results: list[ProposalOutcome]) -> dict[str, dict[int, str]]:
    """The adopted wording of every draft clause the conference adopted (as proposed or with
    changes), per document slug, keyed by where the draft clause starts in its source
    (``span.char_start``: the same in every parse of the same text).

    The mapping of a proposals document reads its flattened tracked changes with this as evidence
    of which words are new (:func:`unflatten`, ``adopted=``), so the published proposed wording uses
    every signal the corpus holds.  A document's graph then depends on the adopted texts too:
    :func:`evidence_digest` is part of what makes the build reuse it or map it again."""
    slug_of = {p.symbol: d.slug for d in docs for p in d.proposals}
    out: dict[str, dict[int, str]] = {}
    for r in results:
        slug = slug_of.get(r.symbol)
        if slug is None:
            continue
        for co in r.clauses:
            if co.draft is None or co.adopted is None or co.draft.key == "title" or co.draft_path[-1:] == ("title",):
                continue
            if co.outcome in ("identical", "modified") and co.adopted.text:
                out.setdefault(slug, {})[co.draft.span.char_start] = co.adopted.text
    return out


def evidence_digest(ev: dict[int, str] | None) -> str:
    """A short, stable digest of one document's evidence ("" for none)."""
    if not ev:
        return ""
    blob = json.dumps(sorted(ev.items()), ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]
