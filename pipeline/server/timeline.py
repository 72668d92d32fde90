"""A resolution's timeline and the word-level diff between any two of its texts, for the compare
page (``/compare/…``, issue 16 item 5, issue 18 item 5).

The reading, pairing and diff live in :mod:`pipeline.export.compare`, shared with the redline
writer (``resgraph export --format docx --compare``) and used by the compare view directly; this
module adds the one thing resource pages need: the link to a work's timeline.
"""
from __future__ import annotations

import pyoxigraph as ox

from ..export.compare import work_of
from ..rdf.uris import URIs


def compare_path(store: ox.Store, uri: str, base: str) -> str | None:
    """``/compare/…`` of the work a resource page belongs to (a work, version or text), or None.

    >>> compare_path(ox.Store(), "http://x/id/resolution/pp/70", "http://x/") is None
    True
    """
    work = work_of(store, uri)
    u = URIs(base)
    if work is None or not u.is_ours(work):
        return None
    return "/compare/" + u.id_path(work)
