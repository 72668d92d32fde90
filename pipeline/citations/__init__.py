"""Read citations in resolution text, and normalise what a librarian types.

The same code serves both directions (ARCHITECTURE.md, canned query ``cites``):
:func:`find_citations` reads citations in documents, :func:`parse_target` reads a
query parameter such as ``"UNGA 70/1"`` or ``"Resolution 123 (Rev. Busan, 2014)"``, and
:func:`target_uri` names what either designates, through the family that owns the citation's kind.

Every kind of citation is one *family* (:class:`~pipeline.citations.base.Family`): one module of
this package and one line of :data:`FAMILIES`, which owns its trigger, its reader, and for its
kinds the target URI, the label of the resource and the status against the registry.  To add one,
see ``docs/architecture.md``.

What a citation is and which body adopted it comes from the text, never from a
number alone: "Resolution 23 (Rev. Buenos Aires, 2017) of WTDC" is WTDC 23.  When
the body is not stated, the conference place and year may identify it (Buenos Aires
2017 was only WTDC-17); each such inference is written into ``Citation.note``.
Tracked changes flattened into symbols (``68/19872/200``) are split into the deleted
old symbol and the inserted new one; never published as one glued symbol.
:func:`resolve_internal_references` (:mod:`.internal_refs`) reads references inside a resolution
("considering b), c), and h) and i) above", "resolves 2 1 to 13 11") once its clauses are numbered.

>>> [c.key for c in find_citations("Resolution 70/1 of the United Nations General Assembly")]
[('A/RES/70/1',)]
>>> [(c.key, c.status) for c in find_citations("Resolution 68/19872/200 of the United Nations General Assembly (UNGA)")]
[(('A/RES/68/198',), 'deleted'), (('A/RES/72/200',), 'inserted')]
>>> [c.key for c in find_citations("Resolution 23 (Rev. Buenos Aires, 2017) of the World Telecommunication Development Conference")]
[('wtdc', '23')]
"""
from __future__ import annotations

import re

from ..model import Citation
from ..reference.registry import Registry
from ..rdf.uris import URIs
from . import (action_plan, agency, aliases, council_document, csw, decision, instrument, itr, itu_resolution, jiu,
               opinion, provision, question, recommendation, sdg, strategic_plan, un, un_document, un_ga, wsis)
from .base import NBSP, Family, SpanMaker, Targets, _default_span
from .internal_refs import resolve_internal_references
from .prefilter import _filter_of, _folded
from .revisions import canonical_place, is_known_conference, parse_revisions, slug_place

__all__ = ["FAMILIES", "Family", "Targets", "find_citations", "parse_target", "target_uri", "status_of",
           "family_of", "resolve_internal_references", "parse_revisions", "canonical_place", "is_known_conference",
           "slug_place"]

#: Every citation family, in reading order (citations starting at the same character keep it).
#: A family whose ``merge`` adjusts what the others found comes after them.
FAMILIES: list[Family] = [
    un.FAMILY,
    itu_resolution.FAMILY,
    sdg.FAMILY,
    recommendation.FAMILY,
    decision.FAMILY,
    opinion.FAMILY,
    council_document.FAMILY,
    provision.FAMILY,
    wsis.FAMILY,
    instrument.FAMILY,
    question.FAMILY,
    jiu.FAMILY,
    action_plan.FAMILY,
    strategic_plan.FAMILY,
    csw.FAMILY,
    itr.FAMILY,
    un_ga.FAMILY,
    un_document.FAMILY,
    agency.FAMILY,
    aliases.FAMILY,
]


def family_of(kind: str) -> Family | None:
    """The family that decides the target and status of citations of ``kind``."""
    for fam in FAMILIES:
        if kind in fam.kinds:
            return fam
    return None


def target_uri(c: Citation, targets: Targets) -> str | None:
    """The URI ``c`` designates (None: the text does not name one resource, e.g. no body, sector
    or year), named through ``targets`` — a :class:`Targets` for a query parameter, the mapper for
    a document (which also describes the resource)."""
    fam = family_of(c.kind)
    return fam.target(c, targets) if fam is not None and fam.target is not None else None


def status_of(c: Citation, reg: Registry) -> tuple[str, list[str]]:
    """(status, candidates) of one citation against the registry: resolved, unverified, broken or
    ambiguous (candidates: ``body/number`` of the resolutions an ambiguous one may be)."""
    fam = family_of(c.kind)
    return fam.status(c, reg) if fam is not None and fam.status is not None else ("unverified", [])


def query_target(c: Citation, base: str) -> str | None:
    """:func:`target_uri` for a query parameter: names only, nothing is mapped."""
    return target_uri(c, Targets(URIs(base)))


_GATES: dict = {}


def _family_gates() -> tuple:
    """(family, trigger, the trigger's literal conditions) in reading order (recomputed when the
    table changes, so a family added at run time is read)."""
    key = tuple(FAMILIES)
    hit = _GATES.get(key)
    if hit is None:
        out = []
        for fam in FAMILIES:
            conds: tuple = ()
            if fam.trigger is not None:
                _rx, ic, conds = _filter_of(fam.trigger)
                conds = () if ic else conds
            out.append((fam, fam.trigger, conds))
        _GATES.clear()   # the table changed: forget the gates and words of the old one
        hit = _GATES[key] = tuple(out)
    return hit


def _quick_words(organ: str = "itu") -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    key = ("quick", organ, *FAMILIES)
    if key not in _GATES:
        _GATES[key] = _compute_quick_words(organ)
    return _GATES[key]


def _compute_quick_words(organ: str = "itu") -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Words (case-sensitive, and lower-case for the aliases) one of which a line holds when
    any family that reads the texts of ``organ`` may be read in it; None when some family has no
    such words (then no line is passed over)."""
    cs: set[str] = set()
    low: tuple[str, ...] = ()
    for fam, trigger, conds in _family_gates():
        if organ not in fam.organs:
            continue
        if fam.gate is aliases.FAMILY.gate:
            words = aliases._alias_low_words()
            if words is None:
                return None
            low = words
            continue
        if trigger is None or fam.gate is not None:
            return None
        if not conds:
            return None
        cs |= set(conds[0])
    return tuple(sorted(cs, key=len, reverse=True)), low


def find_citations(text: str, *, base: int = 0, span: SpanMaker = _default_span,
                   context: dict | None = None) -> list[Citation]:
    """Every citation in ``text``; offsets are ``base`` + position in ``text``.

    ``context`` may carry ``default_body``/``default_number`` (the resolution a
    proposal concerns), used only for a bare "Resolution N" with nothing else to go on, and
    ``organ``: whose text this is ("unga": a General Assembly resolution, read by the families
    of the UN's own conventions; none: an ITU text).
    """
    context = {} if context is None else context   # the same dict across a resolution: questions seen
    organ = context.get("organ") or "itu"
    t = text.replace(NBSP, " ")
    # most lines cite nothing: one that holds none of the words any reader needs is done
    low = None
    quick = _quick_words(organ)
    if quick is not None:
        for w in quick[0]:
            if w in t:
                break
        else:
            low = _folded(t)
            if low is not None:
                for w in quick[1]:
                    if w in low:
                        break
                else:
                    return []
    # cheap triggers first: each family costs several regexes
    cites: list[Citation] = []
    for fam, trigger, conds in _family_gates():
        if organ not in fam.organs:
            continue
        if fam.gate is not None:
            if not fam.gate(t, low):
                continue
        elif trigger is not None:
            ok = True
            for cond in conds:   # the trigger's literal words (inlined _holds)
                for w in cond:
                    if w in t:
                        break
                else:
                    ok = False
                    break
            if not ok or not trigger.search(t):
                continue
        if fam.read is not None:
            cites += fam.read(t, span, base, context) if fam.wants_context else fam.read(t, span, base)
        if fam.merge is not None:
            cites = fam.merge(cites, t, span, base, context)
    # a title next to its symbol ("Resolution 70/1 … on the 2030 Agenda …") is one citation, not two
    by_target: dict = {}
    for c in cites:
        by_target.setdefault((c.kind, c.key), []).append(c)
    final = []
    for c in cites:
        if c.note and c.note.startswith("cited by title") and any(
                o is not c and not (o.note or "").startswith("cited by title") for o in by_target[(c.kind, c.key)]):
            continue
        final.append(c)
    final.sort(key=lambda c: c.span.char_start)
    return final




def parse_target(text: str) -> list[Citation]:
    """Normalise what a librarian types into citation targets (same reading as documents).

    >>> [c.key for c in parse_target("UNGA 70/1")]
    [('A/RES/70/1',)]
    >>> [c.key for c in parse_target("A/RES/70/1")]
    [('A/RES/70/1',)]
    >>> [c.key for c in parse_target("SDG 9")]
    [('goal', '9')]
    >>> [c.key for c in parse_target("S/RES/2282(2016)")] + [c.key for c in parse_target("A/DEC/77/512")]
    [('S/RES/2282(2016)',), ('A/DEC/77/512',)]
    """
    t = " ".join(text.replace(NBSP, " ").split())
    if not t:
        return []
    # shorthands a librarian types that documents do not use
    m = re.fullmatch(r"(?:UNGA|GA|UN\s*GA|UN\s+General\s+Assembly)\s*(?:[Rr]esolution\s+)?(\d{1,3}/\d{1,4})\s*([A-Z])?", t)
    if m:
        t = f"United Nations General Assembly Resolution {m.group(1)}{(' ' + m.group(2)) if m.group(2) else ''}"
    m = re.fullmatch(r"(?:SDG\s+)?[Tt]arget\s+(\d{1,2}\.[0-9a-z]{1,2})|(\d{1,2}\.[0-9a-z]{1,2})", t)
    if m:
        return [Citation("sdg", ("target", m.group(1) or m.group(2)), text, _default_span(0, len(t)))]
    m = re.fullmatch(r"(?:SDG\s+)?(?:[Ii]ndicator\s+)?(\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2})", t)
    if m:
        return [Citation("sdg", ("indicator", m.group(1)), text, _default_span(0, len(t)))]
    m = re.fullmatch(r"(?:SDG|[Gg]oal|Sustainable Development Goal)\s*(\d{1,2})", t)
    if m:
        return [Citation("sdg", ("goal", str(int(m.group(1)))), text, _default_span(0, len(t)))]
    m = re.fullmatch(r"(?:PP|WTDC|WTSA|RA|Council|WCIT|WRC)\s*(?:[Rr]esolution\s+)?(\d{1,4})", t, re.I)
    if m:
        body = t.split()[0].lower()
        return [Citation("itu-resolution", (body if body != "ra" else "ra", m.group(1)), text, _default_span(0, len(t)))]
    found = [c for c in find_citations(t) if c.status in ("current", "inserted", "uncertain")]
    if not found:
        # a UN symbol as the UN writes it (S/RES/2282(2016), A/DEC/77/512, A/RES/217A(III)), an IAEA
        # resolution or a COP decision: read as a General Assembly resolution would cite it
        found = [c for c in find_citations(t, context={"organ": "unga"})
                 if c.kind in ("un", "iaea-resolution", "cop-decision") and c.printed == t]
        sym = re.fullmatch(r"(?:A|S|E)(?:/HRC)?/(?:RES|DEC)/(?:(?:ES|S)-)?\d{1,4}(?:/\d{1,4}[A-Z]?|[A-Z]?\(\w+\))", t)
        if not found and sym:
            found = [Citation("un", (t,), text, _default_span(0, len(t)))]
    return found


