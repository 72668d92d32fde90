"""References from a clause to a part of the same version ("resolves 5", "considering b), c),
and h) and i) above", "resolves 2 1 to 13 11", "bearing in mind above", "Annex 2 to this
resolution"), resolved under the new numbering.  The parser calls
:func:`resolve_internal_references` once the clauses of a resolution are numbered.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..model import Finding, InternalReference
from .prefilter import _CASE_SPECIAL

_REF_LABEL = r"(?:\d+(?:\.\d+)*|[a-z]{1,2}\s?\))"
_REF_SEP = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+)"
_REF_PAIR = r"\d+(?:\.\d+)*(?:\s\d+(?:\.\d+)*)?"
_ANNEX_REF = re.compile(r"\b(?:(?P<the>the\s+)?[Aa]nnex(?:\s+(?P<n>\d+))?)\s+to\s+this\s+resolution")


def _all_clauses(clauses):
    for c in clauses:
        yield c
        yield from _all_clauses(c.children)


def resolve_internal_references(res, doc, findings: list) -> None:
    """Resolve "resolves 5", "instructs the Secretary-General 910 above", "considering c) above",
    a range "resolves 2 1 to 13 11" (flattened: old 2-13, new 1-11), a whole section
    ("described under bearing in mind above") and "Annex 2 to this resolution" to parts of
    the same version, under the new numbering.

    ``res`` is a :class:`~pipeline.model.ResolutionText` whose clauses carry their labels;
    ``doc`` gives ``text`` and ``char_span(a, b)``; findings are appended to ``findings``.
    A printed label is read against the target section: a label of the new numbering
    resolves directly; two glued labels (910) resolve when the clause now numbered 10 was
    numbered 9 before; a label that exists only in the old numbering, or not at all, is a
    finding, never a guess.  A range yields one reference per clause it covers.
    """
    sections = [s for s in res.sections if s.verb != "text"]
    if not sections:
        return
    phrases = sorted({s.verb_phrase.lower() for s in sections}, key=len, reverse=True)
    pat, range_pat, whole_pat, firsts = _ref_patterns(tuple(phrases))
    by_phrase: dict[str, list] = {}
    for s in sections:
        by_phrase.setdefault(s.verb_phrase.lower(), []).append(s)
    annex_keys = {a.key for a in res.annexes}
    cache: dict = {}   # id(section) -> its clauses by new and by former label

    def targets_of(m):
        return by_phrase.get(" ".join(m.group("sec").lower().split()), [])

    def in_dead_words(c, ref):
        if c.label is None and c.label_change in ("deleted", "uncertain") and ref.status == "current":
            ref.status = c.label_change  # in words read as deleted: not a link of the new text

    text = doc.text
    for sec in res.sections + [x for a in res.annexes for x in a.sections]:
        for c in _all_clauses(sec.clauses):
            base = c.span.char_start
            raw = text[c.span.char_start:c.span.char_end]
            starts = _phrase_starts(raw, firsts)
            if starts is not None and not starts:
                # no section's name in the clause: none of the three section patterns can match
                if "nnex" in raw:
                    _annex_refs(c, raw, base, doc, annex_keys)
                continue
            taken: list[tuple[int, int]] = []
            for m in _matches_at(range_pat, raw, starts):
                if m.group("sec").lower() == sec.verb_phrase.lower() and m.start() == 0:
                    continue
                taken.append((m.start(), m.end()))
                a = base + m.start("a")
                span = doc.char_span(a, base + m.end("b"))
                printed = f"{m.group('sec')} {m.group('a')} to {m.group('b')}"
                refs = _resolve_range(printed, m.group("sec"), m.group("a"), m.group("b"), targets_of(m), span, findings, c.text,
                                      cache)
                for ref in refs:
                    in_dead_words(c, ref)
                    c.references.append(ref)
            for m in _matches_at(pat, raw, starts):
                if any(a <= m.start() < b for a, b in taken):
                    continue
                if m.group("sec").lower() == sec.verb_phrase.lower() and m.start() == 0:
                    continue
                taken.append((m.start(), m.end()))
                for lm in re.finditer(_REF_LABEL, m.group("labels")):
                    printed = lm.group(0).replace(" ", "")
                    a = base + m.start("labels") + lm.start()
                    span = doc.char_span(a, a + len(lm.group(0)))
                    ref = InternalReference(printed=f"{m.group('sec')} {lm.group(0)}", section_words=m.group("sec"),
                                            label=printed, span=span)
                    _resolve_ref(ref, targets_of(m), findings, c.text, cache)
                    in_dead_words(c, ref)
                    c.references.append(ref)
            for m in _matches_at(whole_pat, raw, starts):
                if any(a <= m.start() < b for a, b in taken):
                    continue
                targets = targets_of(m)
                ref = InternalReference(printed=m.group(0), section_words=m.group("sec"), label=None,
                                        span=doc.char_span(base + m.start(), base + m.end()))
                if len(targets) == 1:
                    ref.target_section = targets[0].key    # the whole section: no clause key
                else:
                    ref.status = "ambiguous" if targets else "broken"
                    findings.append(Finding("ambiguous-reference" if targets else "dangling-reference",
                                            f"reference '{ref.printed}': {len(targets)} sections of this resolution are called '{ref.section_words}'",
                                            c.text[:200], ref.span))
                in_dead_words(c, ref)
                c.references.append(ref)
            if "nnex" in raw:   # every _ANNEX_REF match holds "[Aa]nnex"
                _annex_refs(c, raw, base, doc, annex_keys)


def _annex_refs(c, raw: str, base: int, doc, annex_keys: set) -> None:
    """References to an annex ("Annex 2 to this resolution") in the clause ``c`` (text ``raw``)."""
    for m in _ANNEX_REF.finditer(raw):
        n = m.group("n")
        key = f"annex-{n}" if n else ("annex" if "annex" in annex_keys or not annex_keys else None)
        a = base + m.start()
        ref = InternalReference(printed=m.group(0), section_words="annex", label=n,
                                span=doc.char_span(a, base + m.end()))
        if key is None and len(annex_keys) == 1:
            key = next(iter(annex_keys))
        ref.target_section = key
        if key not in annex_keys:
            ref.status = "unverified"
        elif c.label is None and c.label_change in ("deleted", "uncertain"):
            ref.status = c.label_change
        c.references.append(ref)


@lru_cache(maxsize=256)
def _ref_patterns(phrases: tuple[str, ...]):
    """The patterns of :func:`resolve_internal_references` for a resolution's section phrases
    (lower-case, longest first), and the first words of the phrases (None: not usable).

    Every match of the three patterns starts where a phrase starts: its first word (up to
    the first space; the pattern reads the spaces as ``\\s+``), case aside.  Only ASCII
    words are used (case folding beyond ASCII is not ``str.lower``)."""
    sec_re = r"(?<![\w-])(?P<sec>" + "|".join(re.escape(p).replace("\\ ", "\\s+") for p in phrases) + r")"
    pat = re.compile(sec_re + r"\s+(?P<labels>" + _REF_LABEL + r"(?:" + _REF_SEP + _REF_LABEL + r")*)(?![\w/])", re.I)
    range_pat = re.compile(sec_re + r"\s+(?P<a>" + _REF_PAIR + r")\s+(?:to|-|–)\s+(?P<b>" + _REF_PAIR + r")(?![\w/.])", re.I)
    whole_pat = re.compile(sec_re + r"\s+(?:above|below)\b", re.I)
    firsts = {p.split(" ")[0] for p in phrases}
    usable = all(w and w.isascii() and w == w.lower() for w in firsts)
    return pat, range_pat, whole_pat, (tuple(sorted(firsts)) if usable else None)


def _phrase_starts(raw: str, firsts: tuple[str, ...] | None) -> list[int] | None:
    """Positions in ``raw`` where one of the phrases may start (see :func:`_ref_patterns`),
    in order; None when they cannot be told (then every position is tried)."""
    if firsts is None or (not raw.isascii() and _CASE_SPECIAL.search(raw)):
        return None
    low = raw.lower()
    if len(low) != len(raw):
        return None
    found: set[int] = set()
    for w in firsts:
        i = low.find(w)
        while i != -1:
            found.add(i)
            i = low.find(w, i + 1)
    return sorted(found)


def _matches_at(rx: re.Pattern, raw: str, starts: list[int] | None):
    """``rx.finditer(raw)`` when every match starts at one of ``starts``: the same matches,
    tried only there (a match is looked for from the end of the previous one, as finditer does)."""
    if starts is None:
        yield from rx.finditer(raw)
        return
    end = 0
    for p in starts:
        if p < end:
            continue
        m = rx.match(raw, p)
        if m is not None:
            yield m
            end = m.end()


def _label_maps(sec, cache: dict | None = None):
    """(clauses by new label, clauses by former label) of a section, cached per section."""
    hit = cache.get(id(sec)) if cache is not None else None
    if hit is None:
        clauses = [c for c in _all_clauses(sec.clauses) if "-" not in c.key or c.label]
        hit = ({c.label: c for c in clauses if c.label}, {c.former_label: c for c in clauses if c.former_label})
        if cache is not None:
            cache[id(sec)] = hit
    return hit


def _resolve_ref(ref, targets: list, findings: list, quote: str, cache: dict | None = None) -> None:
    label = ref.label.rstrip(")")
    if len(targets) != 1:
        kind = "ambiguous-reference" if targets else "dangling-reference"
        ref.status = "ambiguous" if targets else "broken"
        findings.append(Finding(kind, f"reference '{ref.printed}': {len(targets)} sections of this resolution are called '{ref.section_words}'",
                                quote[:200], ref.span))
        return
    sec = targets[0]
    new, former = _label_maps(sec, cache)
    ref.target_section = sec.key
    if label in new and (label not in former or former[label] is new[label]):
        ref.target_key = new[label].key
        return
    for i in range(1, len(label)):
        a, b = label[:i], label[i:]
        if b in new and new[b].former_label == a:
            ref.target_key = new[b].key
            return
    if label in former and former[label].label:
        ref.status = "uncertain"
        findings.append(Finding("ambiguous-reference",
                                f"reference '{ref.printed}' uses the old numbering: old {label} is now {former[label].label}, "
                                f"and the new {label} is another clause; not linked",
                                quote[:200], ref.span))
        return
    ref.status = "broken"
    findings.append(Finding("dangling-reference", f"reference '{ref.printed}': section '{sec.verb_phrase}' has no clause {label} under the new numbering",
                            quote[:200], ref.span))


def _range_end(raw: str, new: dict, former: dict, olds: set) -> tuple[str | None, str | None]:
    """One end of a printed range under the new numbering: "1" → 1; "2 1" (flattened: old 2,
    new 1) → 1 when the old label is known to the section and the new one exists."""
    parts = raw.split()
    if len(parts) == 1:
        lab = parts[0]
        if lab in new and (lab not in former or former[lab] is new[lab]):
            return lab, None
        return None, f"no clause {lab} under the new numbering" if lab not in new else f"{lab} is ambiguous between the old and the new numbering"
    old, nw = parts
    if nw in new and (old in former or old in olds):
        return nw, None
    return None, f"'{raw}' is neither an old→new pair of labels of this section nor one label"


def _resolve_range(printed: str, words: str, a: str, b: str, targets: list, span, findings: list, quote: str,
                   cache: dict | None = None) -> list:
    if len(targets) != 1:
        ref = InternalReference(printed=printed, section_words=words, label=f"{a}-{b}", span=span,
                                status="ambiguous" if targets else "broken")
        findings.append(Finding("ambiguous-reference" if targets else "dangling-reference",
                                f"reference '{printed}': {len(targets)} sections of this resolution are called '{words}'", quote[:200], span))
        return [ref]
    sec = targets[0]
    new, former = _label_maps(sec, cache)
    olds = {c.former_label for c in sec.clauses if c.former_label}   # deleted clauses too
    first, why1 = _range_end(a, new, former, olds)
    last, why2 = _range_end(b, new, former, olds)
    tops = [c for c in sec.clauses if c.label]
    order = [c.label for c in tops]
    if first is None or last is None or first not in order or last not in order or order.index(first) > order.index(last):
        ref = InternalReference(printed=printed, section_words=words, label=f"{a}-{b}", span=span, status="broken",
                                target_section=sec.key)
        why = "; ".join(w for w in (why1, why2) if w) or "its ends are out of order"
        findings.append(Finding("dangling-reference", f"range '{printed}' not read against section '{sec.verb_phrase}': {why}",
                                quote[:200], span))
        return [ref]
    if (a, b) != (first, last):
        findings.append(Finding("export-damage", f"range '{printed}' read as flattened old/new labels: {words} {first} to {last} under the new numbering",
                                quote[:200], span, "info"))
    out = []
    for c in tops[order.index(first):order.index(last) + 1]:
        out.append(InternalReference(printed=printed, section_words=words, label=c.label, span=span,
                                     target_section=sec.key, target_key=c.key))
    return out

