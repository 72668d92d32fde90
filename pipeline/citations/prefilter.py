"""Word prefilters: the literal words every match of a regular expression must contain, read
from the compiled pattern, tested with ``in`` before the regex scans a text."""
from __future__ import annotations

import re
from functools import lru_cache

# ----------------------------------------------------------- prefilters ---
#
# Most lines cite nothing, and a regular expression costs time at every position of the
# text it scans.  Before a regex scans a text, :func:`_may_match` checks (with ``in``, at C
# speed) the literal words that every match of that regex must contain, read from the
# regex itself (:func:`_required`): "Resolution" for ``[Rr]esolution`` is "esolution",
# ``Action\s+Plan|Declaration`` needs "Action" or "Declaration".  A text without them
# cannot match, so skipping the scan changes nothing; a text with them is scanned as before.

try:   # Python 3.11+
    from re import _constants as _sre_c, _parser as _sre_p
except ImportError:   # pragma: no cover - Python < 3.11
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_p  # type: ignore[no-redef]

#: characters other than ASCII that a case-insensitive ASCII letter matches although their
#: ``str.lower()`` is not that letter (dotted/dotless i, long s, Kelvin sign): a text holding
#: one is always scanned by a case-insensitive regex
_CASE_SPECIAL = re.compile("[\u0130\u0131\u017f\u212a]")
_REPEATS = (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT) + ((_sre_c.POSSESSIVE_REPEAT,) if hasattr(_sre_c, "POSSESSIVE_REPEAT") else ())


def _score(clause: frozenset) -> tuple:
    """How rarely a condition holds, roughly: long words, and digits or punctuation (rarer
    than letters in prose: "wsis+10" before "implementation"), in few alternatives."""
    return (min(len(x) + 3 * sum(1 for ch in x if not ch.isalpha()) for x in clause), -len(clause))


def _cnf(items, ic: bool) -> list[frozenset]:
    """Conditions every match of the parsed ``items`` meets: a list of sets of strings, each
    set meaning "the matched text contains one of these" (lower-case when ``ic``).
    Conservative: what it does not understand adds no condition."""
    out: list[frozenset] = []
    run: list[str] = []

    def flush():
        if run:
            out.append(frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op is _sre_c.LITERAL:
            ch = chr(av)
            if ic and not ch.isascii():   # case folding beyond ASCII: not a literal to test
                flush()
                continue
            run.append(ch.lower() if ic else ch)
            continue
        flush()
        if op is _sre_c.SUBPATTERN:
            _group, add, dele, sub = av
            if not ((add | dele) & re.IGNORECASE):
                out += _cnf(sub, ic)
        elif op in _REPEATS:
            lo, _hi, sub = av
            if lo >= 1:
                out += _cnf(sub, ic)
        elif op is _sre_c.BRANCH:
            alts: set = set()
            for b in av[1]:
                cs = _cnf(b, ic)
                if not cs:
                    alts = set()
                    break
                alts |= max(cs, key=_score)
            if alts:
                out.append(frozenset(alts))
        elif getattr(_sre_c, "ATOMIC_GROUP", None) is not None and op is _sre_c.ATOMIC_GROUP:
            out += _cnf(av, ic)
        # anything else (classes, anchors, lookarounds, back-references): no condition
    flush()
    return out


@lru_cache(maxsize=4096)
def _required(pattern: str, flags: int) -> tuple[bool, tuple[tuple[str, ...], ...]]:
    """(case-insensitive?, up to three conditions, most selective first) for a regex."""
    try:
        parsed = _sre_p.parse(pattern, flags)
        ic = bool(parsed.state.flags & re.IGNORECASE)
        cnf = _cnf(list(parsed), ic)
    except Exception:   # never let the prefilter break a scan: no condition, always scan
        return False, ()
    best = sorted(set(cnf), key=_score, reverse=True)[:4]
    return ic, tuple(tuple(sorted(c, key=len, reverse=True)) for c in best)


_FILTERS: dict[int, tuple] = {}   # id(regex) -> (regex, case-insensitive?, conditions)


def _filter_of(rx: re.Pattern) -> tuple:
    e = _FILTERS.get(id(rx))   # by id: hashing a compiled regex hashes its whole code
    if e is None or e[0] is not rx:
        if len(_FILTERS) > 4096:
            _FILTERS.clear()
        e = _FILTERS[id(rx)] = (rx,) + _required(rx.pattern, rx.flags)
    return e


def _holds(conds: tuple, text: str) -> bool:
    """Whether ``text`` contains, for each condition, one of its strings."""
    for cond in conds:
        for s in cond:
            if s in text:
                break
        else:
            return False
    return True


def _may_match(rx: re.Pattern, text: str) -> bool:
    """False only when ``rx`` cannot match anywhere in ``text`` (see :func:`_required`)."""
    _rx, ic, conds = _filter_of(rx)
    if not conds:
        return True
    if ic:
        if not text.isascii() and _CASE_SPECIAL.search(text):
            return True
        text = text.lower()
    return _holds(conds, text)


def _finditer(rx: re.Pattern, text: str):
    """``rx.finditer(text)``, skipped when the text lacks what every match needs
    (:func:`_may_match`, inlined: this runs for every regex of every line that cites)."""
    e = _FILTERS.get(id(rx))
    if e is None or e[0] is not rx:
        e = _filter_of(rx)
    conds = e[2]
    if conds:
        low = text
        if e[1]:
            if not text.isascii() and _CASE_SPECIAL.search(text):
                return rx.finditer(text)
            low = text.lower()
        for cond in conds:
            for s in cond:
                if s in low:
                    break
            else:
                return ()
    return rx.finditer(text)

# ------------------------------------------------------------- revisions ---



def _folded(t: str) -> str | None:
    """``t.lower()`` for the literal tests of case-insensitive regexes, or None when ``t``
    holds a character that such a regex matches beyond ``str.lower`` (then no test holds)."""
    return None if (not t.isascii() and _CASE_SPECIAL.search(t)) else t.lower()
