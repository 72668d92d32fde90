"""Reference data (``data/reference/``, read through :mod:`.data`) and the registry of known
instruments built from it and from the corpus (:mod:`.registry`)."""
from .data import (BODY_NAMES, Alias, Conference, KnownDocument, SDGEntry, adopts_strategic_plan, aliases, bodies_for,
                   conferences, document_by_slug, final_acts_titles, known_document, known_documents, known_places, reference_dir, rows,
                   sdg, strategic_plan_adoptions)

__all__ = ["BODY_NAMES", "Alias", "Conference", "KnownDocument", "SDGEntry", "adopts_strategic_plan", "aliases",
           "bodies_for", "conferences", "document_by_slug", "final_acts_titles", "known_document", "known_documents", "known_places",
           "reference_dir", "rows", "sdg", "strategic_plan_adoptions"]
