"""Proposals meet outcomes (issue 16): unflattened proposed texts and, alongside, their alignment
with the adopted texts."""
from pipeline.outcomes.unflatten import Split, Wording, looks_flattened, unflatten

__all__ = ["Split", "Wording", "looks_flattened", "unflatten"]
