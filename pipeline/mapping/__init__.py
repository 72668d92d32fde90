"""Map the document model to RDF (ARCHITECTURE.md, "Vocabulary"): :mod:`.document` (proposals,
resolutions, versions, sections, clauses, findings), :mod:`.citations` (asks each citation's family
for its target and status), :mod:`.plan` (the strategic plan as a SKOS scheme)."""
from .document import Mapper, map_document, mapped

__all__ = ["Mapper", "map_document", "mapped"]
