"""Recover old and new clause labels from flattened tracked changes.

Word's export keeps deleted and inserted text side by side, so a renumbered clause
prints both labels glued, old first: ``910`` (old 9, new 10), ``fg)`` (old f, new g).
A clause inserted by the proposal prints only its new label; a deleted clause keeps
only its old one.  Neither sequence may skip: the old labels of a section count
1, 2, 3 … (or a, b, c …) and so do the new ones.

:func:`reconcile` finds every reading of a section's printed labels that makes both
sequences consecutive, preferring unchanged and explicitly renumbered clauses to
inserted or deleted ones, and reports where the best readings disagree.  The same
label printed twice in a row (``a)`` … ``a)``) is a clause *replaced* under its
label: one of the two is deleted old text, the other the new text; which is which
the labels cannot tell (the caller decides, see :func:`pipeline.sources.structure._assign`).

>>> [(r.old, r.new, r.change) for r in reconcile(["1", "21", "32"]).readings]
[('1', None, 'deleted'), ('2', '1', 'renumbered'), ('3', '2', 'renumbered')]
>>> reconcile(["a", "b", "f", "fg"]).reconciled   # no consistent reading: all uncertain
False
>>> [(r.old, r.new, r.change) for r in reconcile(["a", "b", "c", "cd", "de"]).readings][2:]
[(None, 'c', 'inserted'), ('c', 'd', 'renumbered'), ('d', 'e', 'renumbered')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv",
         "xvi", "xvii", "xviii", "xix", "xx"]
LETTERS = "abcdefghijklmnopqrstuvwxyz"

_DIGITS, _IVX, _NUMBER = re.compile(r"\d+"), re.compile(r"[ivx]+"), re.compile(r"[1-9]\d*")

COST = {"unchanged": 0, "renumbered": 0, "inserted": 1, "deleted": 1, "replaced": 1}


@dataclass(frozen=True)
class Reading:
    printed: str
    old: str | None
    new: str | None
    change: str          # unchanged | renumbered | inserted | deleted | replaced | uncertain


@dataclass
class Reconciliation:
    readings: list[Reading]
    ambiguous: list[int]          # positions where optimal readings disagree
    reconciled: bool              # False when no consistent reading exists


def label_type(labels: list[str]) -> str:
    """``numeric``, ``roman`` or ``letter`` for a list of printed labels (without ``)``)."""
    if all(_DIGITS.fullmatch(s) for s in labels):
        return "numeric"
    if labels and labels[0] == "i" and (len(labels) == 1 or labels[1] in ("ii", "iii", "iiii", "iiiii")) \
            and all(_IVX.fullmatch(s) for s in labels):
        return "roman"
    return "letter"


def _ordinal(s: str, kind: str) -> int | None:
    if kind == "numeric":
        return int(s) if _NUMBER.fullmatch(s) else None
    if kind == "roman":
        return ROMAN.index(s) + 1 if s in ROMAN else None
    if len(s) == 1 and s in LETTERS:
        return LETTERS.index(s) + 1
    return None


def _splits(s: str, kind: str) -> list[tuple[int, int, str, str]]:
    """Ways to read ``s`` as two glued labels (old, new)."""
    out = []
    for i in range(1, len(s)):
        a, b = s[:i], s[i:]
        oa, ob = _ordinal(a, kind), _ordinal(b, kind)
        if oa is not None and ob is not None and oa != ob:
            out.append((oa, ob, a, b))
    return out


#: Longest list of labels :func:`reconcile` reads through tracked changes.  The search
#: visits every (position, old count, new count) state, which grows with the square of
#: the list; real sections have a few dozen clauses (the seed's longest has 21).  A longer
#: list is kept as printed, every label "uncertain" (the caller reports it once).
MAX_LABELS = 400


def reconcile(printed: list[str], kind: str | None = None) -> Reconciliation:
    """Read a section's printed labels (``")"`` already stripped, lower-case)."""
    kind = kind or label_type(printed)
    n = len(printed)
    if n > MAX_LABELS:
        return Reconciliation([Reading(s, None, s, "uncertain") for s in printed], list(range(n)), False)
    ordinals = [_ordinal(s, kind) for s in printed]
    if ordinals == list(range(1, n + 1)):
        # 1, 2, 3 … as printed (most lists): the one reading that costs nothing is "all
        # unchanged", and the search below finds exactly that (from a state where old and new
        # agree, a glued pair would need old label != new label, so no other step is free)
        return Reconciliation([Reading(s, s, s, "unchanged") for s in printed], [], True)
    splits = [_splits(s, kind) for s in printed]
    # A path is a linked list (step, rest) ending in (): the paths of a state share the
    # tails of the states they continue into, so a state costs O(1) memory, not O(n).
    # ``bound``: the caller only needs this state's result when its cost is at most
    # ``bound`` (an option dearer than the best one found so far is dropped anyway), so
    # the search stops as soon as a state costs more; a clean list costs O(n), not O(n²).
    # When the cost is within the bound the result is exactly the unbounded one.
    exact: dict[tuple[int, int, int], tuple[int, tuple]] = {}
    above: dict[tuple[int, int, int], float] = {}   # state -> a bound its cost is known to exceed

    def best(i: int, old: int, new: int, bound: float) -> tuple[int, tuple] | None:
        """(min cost, tuple of optimal choice lists) from position i in state (old, new),
        or None when the cost exceeds ``bound`` (or no reading exists)."""
        key = (i, old, new)
        hit = exact.get(key)
        if hit is not None:
            return hit if hit[0] <= bound else None
        if above.get(key, -1) >= bound:
            return None
        if i == n:
            exact[key] = out = (0, ((),))
            return out if bound >= 0 else None
        s = printed[i]
        options = []
        v = ordinals[i]
        if v is not None:
            if v == old + 1 and v == new + 1:
                options.append(("unchanged", s, s, v, v))
            if v == new + 1:
                options.append(("inserted", None, s, old, v))
            if v == old + 1:
                options.append(("deleted", s, None, v, new))
        for oa, ob, a, b in splits[i]:
            if oa == old + 1 and ob == new + 1:
                options.append(("renumbered", a, b, oa, ob))
        # the same label twice in a row: a clause replaced by a new one under the same label
        if v is not None and v == old + 1 and v == new + 1 and i + 1 < n and printed[i + 1] == s:
            options.append(("replaced", s, s, v, v))
        top, paths = None, []
        for change, o, nw, so, sn in options:
            step = 2 if change == "replaced" else 1
            limit = (bound if top is None else min(bound, top)) - COST[change]
            if limit < 0:
                continue
            sub = best(i + step, so, sn, limit)
            if sub is None:
                continue
            c, rest = sub
            c += COST[change]
            if top is None or c < top:
                top, paths = c, []
            if c == top:
                for r in rest[:4]:
                    if change == "replaced":
                        paths.append((("replaced", o, nw), (("replaced", o, nw), r)))
                    else:
                        paths.append(((change, o, nw), r))
        if top is None:
            above[key] = max(above.get(key, -1), bound)
            return None
        exact[key] = out = (top, tuple(paths[:8]))
        return out

    found = best(0, 0, 0, float("inf"))
    # ``best`` refers to itself through its closure: a reference cycle that holds the whole
    # memo until the cyclic collector runs; drop it now, so it is freed at once
    best = None  # noqa: F841
    cost, paths = found if found is not None else (10**6, ())
    if cost >= 10**6 or not paths:
        return Reconciliation([Reading(s, None, s, "uncertain") for s in printed], list(range(n)), False)
    paths = [_unlink(p) for p in paths]
    chosen = paths[0]
    ambiguous = [i for i in range(n) if any(p[i] != chosen[i] for p in paths[1:])]
    amb = set(ambiguous)
    readings = []
    for i, (change, o, nw) in enumerate(chosen):
        readings.append(Reading(printed[i], o, nw, "uncertain" if i in amb else change))
    return Reconciliation(readings, ambiguous, True)


def _unlink(path: tuple) -> list:
    out = []
    while path:
        step, path = path
        out.append(step)
    return out
