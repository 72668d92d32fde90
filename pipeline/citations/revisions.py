"""Revisions ("Rev. Busan, 2014DUBAI, 2018") and the bodies named after a citation ("of WTDC").

Shared by the families that read ITU instruments with a revision."""
from __future__ import annotations

import re

from ..model import Revision
from ..reference import bodies_for, conferences, known_places

NBSP = "\u00a0"


_REV_RE = re.compile(r"(?:(rev\.?)\s*)?([^\d,()]*?[^\W\d_][^\d,()]*?),\s*(\d{4})(\d{4})?", re.I)


def canonical_place(raw: str) -> tuple[str, bool]:
    """``"DUBAI"`` → ``("Dubai", True)``; unknown places are title-cased, flagged False."""
    key = " ".join(raw.replace(NBSP, " ").split()).strip(" .").lower()
    places = known_places()
    if key in places:
        return places[key], True
    return " ".join(w.capitalize() for w in key.split()), False


def _split_glued_place(raw: str) -> tuple[str, str] | None:
    """``"DubaiBuenos Aires"`` → ``("Dubai", "Buenos Aires")`` when both parts are known places."""
    low = " ".join(raw.split()).lower()
    for p in sorted(known_places(), key=len, reverse=True):
        if low.startswith(p) and len(low) > len(p):
            rest = low[len(p):].strip()
            if rest in known_places():
                return known_places()[p], known_places()[rest]
    return None


def parse_revisions(s: str) -> tuple[Revision | None, Revision | None, list[str]]:
    """Read ``(Rev. Busan, 2014DUBAI, 2018)``-style text into (old, new) revisions.

    >>> o, n, _ = parse_revisions("Rev. Busan, 2014DUBAI, 2018"); (str(o), str(n))
    ('Rev. Busan, 2014', 'Rev. Dubai, 2018')
    >>> o, n, _ = parse_revisions("Rev. DubaiBuenos Aires, 20142017"); (str(o), str(n))
    ('Rev. Dubai, 2014', 'Rev. Buenos Aires, 2017')
    >>> o, n, _ = parse_revisions("Busan, 2014rev. dubai, 2018"); (str(o), str(n))
    ('Busan, 2014', 'Rev. Dubai, 2018')
    >>> o, n, _ = parse_revisions("Busan, 2014"); (o, str(n))
    (None, 'Busan, 2014')
    """
    notes: list[str] = []
    revs: list[Revision] = []
    s = s.replace(NBSP, " ")
    for m in _REV_RE.finditer(s):
        rev_kw, place_raw, y1, y2 = m.groups()
        rev = bool(rev_kw) or (bool(revs) and revs[0].rev)
        if y2:
            split = _split_glued_place(place_raw)
            if split:
                # Word may print the places new→old but the years old→new ("Buenos AiresDubai,
                # 20142017"): pair them so that both are conferences that took place.
                straight = [(split[0], y1), (split[1], y2)]
                crossed = [(split[1], y1), (split[0], y2)]
                known = lambda pairs: sum(1 for p, y in pairs if _bodies(p, y))  # noqa: E731
                pairs = crossed if known(crossed) > known(straight) else straight
                revs.append(Revision(pairs[0][0], pairs[0][1], rev))
                revs.append(Revision(pairs[1][0], pairs[1][1], rev))
                notes.append(f"glued revision {place_raw.strip()}, {y1}{y2} read as {pairs[0][0]}, {pairs[0][1]} → {pairs[1][0]}, {pairs[1][1]}"
                             + (" (places printed new first)" if pairs is crossed else ""))
            else:
                place, known = canonical_place(place_raw)
                revs.append(Revision(place, y1, rev))
                revs.append(Revision(place, y2, rev))
                notes.append(f"glued years {y1}{y2} read as {y1} → {y2}")
            continue
        place, known = canonical_place(place_raw)
        if not known:
            notes.append(f"unknown conference place {place_raw.strip()!r}")
        revs.append(Revision(place, y1, rev))
    if not revs:
        return None, None, notes
    if len(revs) == 1:
        return None, revs[0], notes
    if len(revs) > 2:
        notes.append(f"more than two revisions in {s!r}; kept the first and the last")
    old, new = revs[0], revs[-1]
    if int(old.year) > int(new.year):
        notes.append(f"revisions printed new first ({new} after {old}); the later year is read as the new one")
        old, new = new, old
    return old, new, notes


_BODIES: list = [None, None, {}]   # [conferences() read, bodies_for used, (place, year, revision) -> bodies]


def _bodies(place: str, year: str, revision: bool = False) -> list[str]:
    """:func:`~pipeline.reference.bodies_for`, remembered: it reads every conference on each
    call, and the same few places and years come back on every line that cites one.
    Read-only: callers never change the list.  Forgotten when the conference list or
    ``bodies_for`` itself is replaced."""
    confs = conferences()
    if _BODIES[0] is not confs or _BODIES[1] is not bodies_for:
        _BODIES[:] = [confs, bodies_for, {}]
    memo = _BODIES[2]
    key = (place, year, revision)
    hit = memo.get(key)
    if hit is None:
        if len(memo) > 4096:   # places are read from documents: keep the memo bounded
            memo.clear()
        hit = memo[key] = bodies_for(place, year, revision=revision)
    return hit


def is_known_conference(rev: Revision) -> bool:
    return bool(_bodies(rev.place, rev.year))


# --------------------------------------------------------------- bodies ---

#: Body phrases that may follow "Resolution N (…)": "of …" / "adopted by …".
_BODY_AFTER = [
    (r"this\s+conference|the\s+plenipotentiary\s+conference|pp", "pp"),
    (r"(?:the\s+)?world\s+telecommunication\s+development\s+conference(?:\s*\(WTDC\))?|wtdc(?:-\d\d)?", "wtdc"),
    (r"(?:the\s+)?world\s+telecommunication\s+standardization\s+assembly(?:\s*\(WTSA\))?|wtsa(?:-\d\d)?", "wtsa"),
    (r"(?:the\s+)?radiocommunication\s+assembly", "ra"),
    (r"(?:the\s+)?world\s+radiocommunication\s+conference|wrc(?:-\d\d)?", "wrc"),
    (r"(?:the\s+)?world\s+conference\s+on\s+international\s+telecommunications|wcit(?:-\d\d)?", "wcit"),
    (r"(?:the\s+)?(?:itu\s+)?council", "council"),
]
_BODY_AFTER_RE = re.compile(
    r"^\s*,?\s*(?:of|adopted\s+by|by)\s+(?P<b>" + "|".join(f"(?:{p})" for p, _ in _BODY_AFTER) + r")\b", re.I)

_BODY_BEFORE_RE = re.compile(r"(?P<b>\bWTDC(?:-\d\d)?|\bWTSA(?:-\d\d)?|\bCouncil|\bPP(?:-\d\d)?|\bWCIT(?:-\d\d)?)"
                             r"(?:,?\s+including|,?\s+in\s+particular)?\s+$", re.I)


_BODY_AFTER_COMPILED = [(re.compile(pat, re.I), body) for pat, body in _BODY_AFTER]


def _body_from_phrase(phrase: str) -> str:
    stripped = phrase.strip()
    for rx, body in _BODY_AFTER_COMPILED:
        if rx.fullmatch(stripped):
            return body
    raise ValueError(phrase)



def slug_place(place: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", place.lower().replace("ó", "o")).strip("-")
