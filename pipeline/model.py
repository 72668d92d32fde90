"""The document model: plain dataclasses, no RDF (ARCHITECTURE.md, "Data flow").

Every node keeps its source span: 1-based first/last line and 0-based character
offsets into the document text, so that every published statement can be traced
back to the words it came from.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Span:
    line_start: int
    line_end: int
    char_start: int
    char_end: int


@dataclass
class Revision:
    """``Rev. Dubai, 2018`` → place ``Dubai``, year ``2018``, ``rev=True``."""

    place: str
    year: str
    rev: bool = False

    @property
    def slug_place(self) -> str:
        return self.place

    def __str__(self) -> str:
        return f"{'Rev. ' if self.rev else ''}{self.place}, {self.year}"


@dataclass
class Citation:
    """One citation found in text.

    ``kind``: ``itu-resolution`` | ``un`` | ``sdg`` | … ; ``key`` identifies the target
    independently of the base URI (e.g. ``("pp", "123")``, ``"A/RES/70/1"``).
    ``status``: ``current`` (stands in the proposed text), ``deleted`` (old text that a
    flattened tracked change removed), ``inserted``, or ``uncertain``.
    """

    kind: str
    key: tuple
    printed: str
    span: Span
    status: str = "current"
    revision: Revision | None = None
    note: str | None = None  # every inference made to read it


@dataclass
class Finding:
    kind: str           # a code of the finding-kind scheme in ontology/concepts.ttl
    message: str
    quote: str
    span: Span
    severity: str = "warning"   # warning | info
    about: object | None = None  # the model node it is about (set by the parser)


@dataclass
class Footnote:
    """A footnote, attached where its marker stands (``[footnoteRef:5]1`` … ``[5: 1 These include …]``)."""

    ref: str          # the export's footnote id ("5")
    mark: str         # the mark printed in the text ("1")
    text: str
    span: Span        # of the marker


@dataclass
class Change:
    """One tracked change read from a Word document (:mod:`pipeline.sources.docx`): ``kind`` is
    ``insert``, ``delete`` or ``replace`` (a deletion next to an insertion), ``old``/``new`` the words
    removed and put in (``""`` for none), ``author`` and ``date`` as Word recorded them (``w:author``,
    ``w:date``; None when absent)."""

    kind: str
    old: str
    new: str
    author: str | None = None
    date: str | None = None


@dataclass
class Clause:
    label: str | None            # under the new numbering; None when probably deleted
    printed_label: str | None    # as printed ("910", "fg)"), None for unlabeled paragraphs
    former_label: str | None     # under the old numbering, when it changed or was deleted
    label_change: str            # unchanged | renumbered | inserted | deleted | uncertain
    text: str
    span: Span
    position: int = 0
    children: list["Clause"] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    references: list["InternalReference"] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    key: str = ""                # path segment (set by the parser): "10", "5.1", "2-iii", "p1", "former-e"
    #: UN resolutions: the paragraph's own opening verb, as printed ("Recalling also", "Requests")
    #: and normalised ("recalling", "requests"); ITU texts carry the verb on the section instead
    verb_phrase: str | None = None
    verb: str | None = None
    addressees: list[str] = field(default_factory=list)   # "Requests the Secretary-General" → ["secretary-general"]
    #: the clause's old wording read exactly (a Word document's tracked changes: kept and deleted
    #: runs; ``text`` is then kept and inserted runs); None when the reader only has a flattened
    #: text and the old wording must be inferred (:func:`pipeline.outcomes.unflatten`)
    old_text: str | None = None
    changes: list[Change] = field(default_factory=list)   # the tracked changes, in document order


@dataclass
class Section:
    verb_phrase: str             # exactly as printed
    verb: str                    # normalised (a code of the verb scheme)
    kind: str                    # preambular | operative | annex
    addressees: list[str]
    span: Span
    clauses: list[Clause] = field(default_factory=list)
    key: str = ""                # path segment: slug of the verb phrase (+ "-2" if repeated)


@dataclass
class Annex:
    number: str | None           # "1", "2" or None for a single unnumbered annex
    heading: str
    title: str
    span: Span
    sections: list[Section] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    key: str = ""
    plan: object | None = None   # pipeline.sources.plan.StrategicPlan, for Annex 1 to Resolution 71


@dataclass
class ResolutionText:
    """A resolution text: as printed in a proposal (the proposed new version, ``adopted`` False),
    or as a body adopted it (``adopted`` True: PP-18's Final Acts, a UN resolution).

    For an ITU text ``body`` is ``pp``, ``wtdc`` …; for a UN resolution ``body`` is ``unga`` and
    ``symbol`` its UN symbol (``A/RES/80/16``), ``number`` ``80/16``.  Sections of a UN resolution
    are keyed ``preamble`` and ``operative`` (annexes as annexes), its clauses ``p1``, ``p2`` …
    and ``1``, ``2`` …, sub-items keyed by their own label (``a``, ``iii``) under their paragraph.
    """

    body: str                    # pp, wtdc, ...
    number: str | None           # None for a draft new resolution
    draft_label: str | None      # "ACP-1"
    title: str
    heading: str                 # the heading line as printed
    old_revision: Revision | None
    new_revision: Revision | None
    span: Span
    preamble: str = ""           # "The Plenipotentiary Conference of ... (Busan, 2014Dubai, 2018),"
    sections: list[Section] = field(default_factory=list)
    annexes: list[Annex] = field(default_factory=list)
    suppressed: bool = False
    only_part: str | None = None  # "annex-1" when the proposal targets only that part
    adopted: bool = False         # the adopted text (Final Acts, UN resolution), not a proposal's draft
    instrument: str = "resolution"  # resolution | decision | recommendation
    symbol: str | None = None     # UN symbol "A/RES/80/16" (UN texts)
    date: str | None = None       # adoption date, ISO 8601 ("2025-09-08")
    session: str | None = None    # UN session ("80")
    report: str | None = None     # committee report the GA acted on ("A/80/442")
    meeting: str | None = None    # "45th plenary meeting"
    agenda_item: str | None = None
    source_id: str | None = None  # the source's own identifier (AKN FRBR work IRI or eId)


@dataclass
class InternalReference:
    """A reference from a clause to a part of the same version ("resolves 5")."""

    printed: str
    section_words: str           # as printed ("instructs the Secretary-General")
    label: str | None            # the label as printed, split if glued
    span: Span
    status: str = "current"
    target_section: str | None = None  # resolved section key
    target_key: str | None = None      # resolved clause key


@dataclass
class Proposal:
    symbol: str                  # ACP/64A1/7
    anchor: str | None           # "48507" for ACP/64A1/9#48507
    action: str                  # NOC | MOD | ADD | SUP
    summary: str
    introduction: str
    proposal_text: str
    reasons: str
    span: Span
    action_line: int
    target_kind: str             # resolution | draft | constitution | convention | unknown
    resolution: ResolutionText | None = None
    has_header: bool = True
    citations: list[Citation] = field(default_factory=list)  # in summary/introduction/reasons


@dataclass
class SourceDocument:
    slug: str
    path: str
    sha256: str
    title: str
    text: str
    proposals: list[Proposal] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    line_count: int = 0
    #: adopted texts read in full (Final Acts, UN resolutions), in document order
    texts: list[ResolutionText] = field(default_factory=list)

    def resolutions(self) -> list[ResolutionText]:
        """Every resolution text of the document: proposals' drafts, then adopted texts."""
        return [p.resolution for p in self.proposals if p.resolution is not None] + list(self.texts)
