"""Outcomes: what a conference did with each proposal (issue 16)."""
from .align import ClauseOutcome, ProposalOutcome, WordChange, align, outcome_of, outcomes

__all__ = ["ClauseOutcome", "ProposalOutcome", "WordChange", "align", "outcome_of", "outcomes"]
