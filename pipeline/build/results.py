"""What a build returns: per document and for the whole build; the one error a build raises."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable

from rdflib import Graph

from ..rdf.triples import graph_of_ntriples
from ..model import SourceDocument
from ..checks import Report



Progress = Callable[[str, str], None]

#: bump when the layout of the per-source metadata changes (forces a full build)
CACHE_FORMAT = 1


class BuildError(Exception):
    """The build stopped; nothing was published (one line for the user)."""

    def __init__(self, message: str, report: Report | None = None):
        super().__init__(message)
        self.report = report


@dataclass
class DocResult:
    """One source document, built (or taken over unchanged from the published generation).

    ``doc`` and ``graph`` are kept only when the build was asked for them (``keep_docs``)
    and the document was built in this process or returned by a worker; ``ntriples`` is
    the named graph's content, dropped once loaded.  ``graph``, the asserted graph as an
    rdflib graph, is made from ``asserted`` (its N-Triples) on first use: the build itself
    never needs rdflib terms.
    """
    slug: str
    path: str
    sha256: str
    report: Report
    counts: dict
    evidence: str = ""                  # digest of the adopted wording its drafts were read with
    doc: SourceDocument | None = None
    asserted: bytes | None = None       # kept (keep_docs): the asserted graph as N-Triples, for .graph
    ntriples: bytes | None = None
    reused: bool = False
    seconds: dict = field(default_factory=dict)
    peak_rss_mb: float = 0.0           # of the process that built it (a worker's, when parallel)

    @cached_property
    def graph(self) -> Graph | None:
        """The asserted graph as an rdflib graph (:func:`pipeline.mapping.map_document`'s),
        when it was kept."""
        return graph_of_ntriples(self.asserted) if self.asserted is not None else None

    def manifest(self) -> dict:
        """What the generation's metadata keeps about this source, for the next build."""
        return {"path": self.path, "slug": self.slug, "sha256": self.sha256, "counts": self.counts,
                "evidence": self.evidence,
                "results": [r.as_dict() for r in self.report.results]}


@dataclass
class BuildResult:
    docs: list[DocResult] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    counts: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    generation: str | None = None
    built: list[str] = field(default_factory=list)      # slugs parsed in this build
    reused: list[str] = field(default_factory=list)     # slugs taken over from the published generation
    removed: list[str] = field(default_factory=list)    # slugs whose source is gone
    up_to_date: bool = False


@dataclass(frozen=True)
class Source:
    path: Path
    text: str
    sha256: str
    slug: str
