"""ITU resolutions: "Resolution 123 (Rev. Busan, 2014) of this conference", "Resolution ITU-R 48",
"Resolutions 102, 130 and 180"; the body from the text, never from the number alone."""
from __future__ import annotations

import re

from ..model import Citation
from .base import Family, SpanMaker, Targets
from .prefilter import _finditer
from .revisions import _BODY_AFTER_RE, _BODY_BEFORE_RE, _bodies, _body_from_phrase, is_known_conference, parse_revisions
from ..reference import bodies_for
from ..reference.registry import Registry, impossible_resolution, plausible_resolution_number


# ------------------------------------------------------------ ITU resolutions ---

_NUM_LIST = r"\d{1,4}(?![\d/])(?:\s*(?:,\s*(?:and\s+)?|and\s+)\d{1,4}(?![\d/]))*"
_ITU_RE = re.compile(
    r"\b(?P<word>[Rr]esolutions?)\s+(?P<itur>ITU[\-\u2011]?R\s+)?(?P<nums>" + _NUM_LIST + r")"
    r"(?:\s*\((?P<rev>[^()]*\d{4}[^()]*)\))?")



class _Hit:
    """One "Resolution(s) N (…)" match, or a continuation "… and 69 (Rev. …)" after one."""

    def __init__(self, text: str, a: int, b: int, groups: dict, spans: dict):
        self._text, self._a, self._b, self._g, self._s = text, a, b, groups, spans

    def group(self, name=0):
        return self._text[self._a:self._b] if name == 0 else self._g.get(name)

    def start(self, name=None):
        return self._a if name is None else self._s[name]

    def end(self):
        return self._b


_ITU_CONT_RE = re.compile(r"\s*(?:,\s*)?and\s+(?P<nums>\d{1,4})(?![\d/])\s*\((?P<rev>[^()]*\d{4}[^()]*)\)")


def _itu_hits(text: str):
    """Matches of :data:`_ITU_RE`, each followed by its continuations: in "Resolutions 45 (Rev.
    Dubai, 2014) and 69 (Rev. Buenos Aires, 2017)" the bare 69 with its own revision is a
    resolution too (same word, its own revision)."""
    for m in _finditer(_ITU_RE, text):
        yield m
        if not m.group("rev"):
            continue
        end = m.end()
        while True:
            c = _ITU_CONT_RE.match(text, end)
            if not c:
                break
            yield _Hit(text, c.start("nums"), c.end(), {"word": m.group("word"), "itur": m.group("itur"),
                                                        "nums": c.group("nums"), "rev": c.group("rev")},
                       {"nums": c.start("nums")})
            end = c.end()


def _itu_citations(text: str, mk: SpanMaker, base: int, context: dict) -> list[Citation]:
    out: list[Citation] = []
    head_body = None   # the body a head match states in words, shared by its continuations
    for m in _itu_hits(text):
        cont = isinstance(m, _Hit)
        nums = re.findall(r"\d{1,4}", m.group("nums"))
        rev_text = m.group("rev")
        old = new = None
        notes: list[str] = []
        if rev_text:
            if re.fullmatch(r"\s*\d{4}\s*", rev_text):  # Council Resolution 1292 (2008)
                new = None
            else:
                old, new, notes = parse_revisions(rev_text)
        after = text[m.end():m.end() + 120]
        before = text[max(0, m.start() - 40):m.start()]
        body = None
        if m.group("itur"):
            body = "ra"
        else:
            ba = _BODY_AFTER_RE.match(after)
            if ba:
                body = _body_from_phrase(ba.group("b"))
            else:
                bb = _BODY_BEFORE_RE.search(before)
                if bb:
                    word = bb.group("b").lower()
                    body = "council" if word == "council" else re.sub(r"-\d\d$", "", word)
        if not cont:
            head_body = body
        elif body is None and head_body is not None and (new is None or head_body in _bodies(new.place, new.year)):
            body = head_body
            notes.append(f"body of the list it continues ({head_body.upper()})")
        if body is None and new is not None:
            # WRC resolutions are cited "(Rev.WRC-15)", never by place and year
            cands = [b for b in _bodies(new.place, new.year, revision=new.rev) if b != "wrc"]
            if len(cands) == 1:
                body = cands[0]
                notes.append(f"body not stated; {new.place} {new.year} was only {cands[0].upper()}"
                             + (" among conferences that revise resolutions" if new.rev else ""))
            elif len(cands) > 1:
                notes.append(f"body not stated and {new.place} {new.year} hosted {', '.join(c.upper() for c in cands)}")
        if body is None and rev_text is None and context.get("default_body") and nums == [context.get("default_number")]:
            body = context["default_body"]
            notes.append("bare number: read as the resolution the proposal concerns")
        status = "current" if body else "uncertain"
        if body is None:
            notes.append("body not stated")
        if new is not None and not is_known_conference(new):
            notes.append(f"no conference met at {new.place} in {new.year}: the revision is cited as printed but no version is minted")
            new = None
        # glued revisions: the old one was deleted
        for i, n in enumerate(nums):
            # (a number no resolution can have, "Resolution 9999", is told by the mapping)
            why = (impossible_resolution(body, n, new.year)
                   if body and new is not None and plausible_resolution_number(body, n) else None)
            nnotes = notes + [why] if why else notes   # "Resolution 250 (Rev. Dubai, 2018)" of PP
            nm = re.search(rf"\b{n}\b", m.group(0)[m.start("nums") - m.start():])
            a = m.start("nums") + (nm.start() if nm else 0)
            sp = mk(base + a, base + a + len(n)) if len(nums) > 1 else mk(base + m.start(), base + m.end())
            printed = m.group(0) if len(nums) == 1 else f"{m.group('word')} {n}" + (f" ({rev_text})" if rev_text else "")
            if old is not None and new is not None and rev_text and re.search(r"\d{8}|\d{4}\s*[^\W\d]", rev_text):
                out.append(Citation("itu-resolution", (body or "unknown", n), printed, sp,
                                    "deleted" if body else "uncertain", revision=old,
                                    note="; ".join(notes + [w for w in [impossible_resolution(body, n, old.year) if body and plausible_resolution_number(body, n) else None] if w]
                                                   + ["old revision of a flattened tracked change"])))
            out.append(Citation("itu-resolution", (body or "unknown", n), printed, sp, status,
                                revision=new, note="; ".join(nnotes) or None))
    return out




def _impossible(c: Citation) -> str | None:
    body, number = c.key
    return impossible_resolution(body, number, c.revision.year) if c.revision is not None else None


def target(c: Citation, ctx: Targets) -> str | None:
    body, number = c.key
    if body == "unknown" or (number.isdigit() and not plausible_resolution_number(body, number)):
        return None      # no body in the text, or a number no resolution of that body can have
    if _impossible(c):
        return None      # a number the body had not reached by the revision's year (the note says why)
    w = ctx.work(body, number)
    if c.revision is not None:
        return ctx.version(w, c.revision, "referenced", f"Resolution {number}")
    return w


def status(c: Citation, reg: Registry) -> tuple[str, list[str]]:
    body, number = c.key
    if number.isdigit() and not plausible_resolution_number(body, number):
        return "broken", []                 # "Resolution 9999 … of this conference" cannot exist
    if _impossible(c):
        return "broken", []                 # "Resolution 250 (Rev. Dubai, 2018)" of PP: PP had reached 213
    if body == "unknown":
        cands = []
        if c.revision is not None:
            cands = [b for b in bodies_for(c.revision.place, c.revision.year, revision=c.revision.rev)]
        cands = cands or sorted(b for b, n in reg.itu if n == number)
        return ("ambiguous" if len(cands) > 1 else "unverified"), [f"{b}/{number}" for b in cands]
    return ("resolved" if (body, number) in reg.itu else "unverified"), []


FAMILY = Family("itu-resolution", re.compile(r"[Rr]esolution"), _itu_citations, wants_context=True,
                kinds=("itu-resolution",), target=target, status=status)
