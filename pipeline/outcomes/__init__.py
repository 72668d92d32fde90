"""Proposals meet outcomes (issue 16): the proposed wording of a draft read apart from the words
it replaces (:mod:`.unflatten`), and what a conference did with each proposal, clause by clause
(:mod:`.align`).  Pure functions over the document model; the mapping publishes their results."""
from .align import ClauseOutcome, ProposalOutcome, WordChange, outcome_of, outcomes
from .unflatten import Split, Wording, looks_flattened, unflatten

__all__ = ["ClauseOutcome", "ProposalOutcome", "WordChange", "outcome_of", "outcomes",
           "Split", "Wording", "looks_flattened", "unflatten"]
