"""Format-neutral structure of a section: nest sub-items under their clause, read the printed
labels through flattened tracked changes (:mod:`.labels`), give every clause its key.

Every reader builds flat :class:`~pipeline.model.Section` clause lists with printed labels; this
module does the rest, and records each inference as a finding on the document.
"""
from __future__ import annotations

import re

from ..model import Clause, Finding, Section, SourceDocument, Span
from . import labels as labels_mod


def structure(section: Section, sd: SourceDocument, tracked: bool = True) -> None:
    """Nest sub-items, read labels through tracked changes, assign keys.

    ``tracked=False``: an adopted text with no flattened tracked changes (Akoma Ntoso Final Acts):
    labels are taken as printed (no reconciliation), and every paragraph stays its own clause
    (an unlabelled paragraph after labelled ones does not continue the previous clause).
    Clauses may already carry children (the reader nested them); those are kept and keyed."""
    flat = section.clauses
    top_type = None
    for c in flat:
        if c.printed_label and c.printed_label != "•":
            top_type = _ltype(c.printed_label)
            break
    tops: list[Clause] = []
    more_text: dict[int, list[str]] = {}   # id(clause) -> paragraphs that continue it (joined once: no quadratic +=)
    for c in flat:
        lt = _ltype(c.printed_label) if c.printed_label and c.printed_label != "•" else None
        if lt == "roman-or-letter" and top_type == "letter" and tops and tops[-1].printed_label:
            prev = tops[-1].printed_label.rstrip(")")
            cur = c.printed_label.rstrip(")")
            if len(cur) == 1 and any(ord(cur) in (ord(p), ord(p) + 1) for p in prev if p.isalpha()):
                lt = "letter"  # "i)" after "h)" or "hi)" is the letter i, not a roman sub-item
        if tracked and c.printed_label is None and tops and tops[-1].printed_label is not None:
            # an unlabeled paragraph after labeled clauses continues the previous clause
            more_text.setdefault(id(tops[-1]), [tops[-1].text]).append(c.text)
            tops[-1].citations += c.citations
            tops[-1].span = Span(tops[-1].span.line_start, c.span.line_end, tops[-1].span.char_start, c.span.char_end)
            continue
        if tops and (c.printed_label == "•" or (lt is not None and lt != top_type)
                     or (lt == "numeric" and "." in c.printed_label.strip(".") and top_type == "numeric")):
            parent = tops[-1]
            parent.children.append(c)
            continue
        tops.append(c)
    for c in tops:
        if id(c) in more_text:
            c.text = "\n".join(more_text[id(c)])
    section.clauses = tops
    if tracked:
        _assign(section.clauses, sd, section.verb_phrase)
    else:
        _assign_printed(section.clauses, sd, section.verb_phrase)


def _assign_printed(clauses: list[Clause], sd: SourceDocument, where: str, prefix: str = "") -> None:
    """Keys of an adopted text's clauses, labels as printed: ``a``, ``10``, ``2-iii``, ``p1``, ``bullet-1``."""
    para = bullet = 0
    used: set[str] = set()
    for pos, c in enumerate(clauses, start=1):
        c.position = pos
        c.label_change, c.former_label = "unchanged", None
        if c.printed_label is None:
            para += 1
            c.key = f"{prefix}p{para}"
        elif c.printed_label == "\u2022":
            bullet += 1
            c.key = f"{prefix}bullet-{bullet}"
        else:
            c.label = c.printed_label.rstrip(")").rstrip(".")
            c.key = prefix + c.label
        _unique_key(c, used, {}, sd, where)
        if c.children:
            _assign_printed(c.children, sd, where, prefix=c.key + "-")


def _unique_key(c: Clause, used: set[str], next_free: dict[str, int], sd: SourceDocument, where: str) -> None:
    """Give ``c`` a key no other clause of its list has: a second "a" becomes "a-2" (a finding says
    so).  ``next_free``: the smallest n that may still be free for "key-n" (no rescans of a long list)."""
    if c.key in used:
        n = next_free.get(c.key, 2)
        while f"{c.key}-{n}" in used:
            n += 1
        next_free[c.key] = n + 1
        sd.findings.append(Finding("duplicate-label", f"in '{where}', two clauses would both be '{c.key}'; the second is '{c.key}-{n}'",
                                   c.text[:200], c.span))
        c.key = f"{c.key}-{n}"
    used.add(c.key)


def _years(text: str) -> int:
    ys = [int(y) for y in re.findall(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)", text)]
    return max(ys) if ys else 0


def _order_replaced(labeled: list[Clause], readings: list, sd: SourceDocument) -> None:
    """Decide, for each clause printed twice under one label, which is the new text.

    Evidence, strongest first: both clauses mention years and one mentions a later year
    (that one is new); otherwise the order that the decided pairs of the same section
    follow (Word printed them old-first or new-first consistently within a list);
    otherwise only one mentions a year (weak: that one is read as new).  Without any
    evidence both stay uncertain.  Every reading is a finding.
    """
    pairs = _pair_starts(readings)
    decided: dict[int, bool] = {}     # pair start -> new comes first?
    notes: dict[int, str] = {}
    for i in pairs:
        ya, yb = _years(labeled[i].text), _years(labeled[i + 1].text)
        if ya and yb and ya != yb:
            decided[i] = ya > yb
            notes[i] = (f"the {'first' if ya > yb else 'second'} mentions {max(ya, yb)}, the other only {min(ya, yb)}: "
                        f"it is read as the new text")
    votes = list(decided.values())
    majority = None
    if votes and all(v == votes[0] for v in votes):
        majority = votes[0]
    for i in pairs:
        if i in decided:
            continue
        ya, yb = _years(labeled[i].text), _years(labeled[i + 1].text)
        if majority is not None:
            decided[i] = majority
            notes[i] = f"no date decides; read {'new-first' if majority else 'old-first'} like the other pairs of this list"
        elif ya != yb:
            decided[i] = ya > yb
            notes[i] = f"only the {'first' if ya > yb else 'second'} mentions a year ({max(ya, yb)}); weakly read as the new text"
    kind = labels_mod.Reading
    for i in pairs:
        a, b = readings[i], readings[i + 1]
        if i not in decided:
            readings[i] = kind(a.printed, a.old, a.new, "uncertain")
            readings[i + 1] = kind(b.printed, b.old, None, "uncertain")
            note = "nothing tells which is new; the second is kept apart as uncertain"
        elif decided[i]:
            readings[i] = kind(a.printed, None, a.new, "inserted")
            readings[i + 1] = kind(b.printed, b.old, None, "deleted")
            note = notes[i]
        else:
            readings[i] = kind(a.printed, a.old, None, "deleted")
            readings[i + 1] = kind(b.printed, None, b.new, "inserted")
            note = notes[i]
        sd.findings.append(Finding("label-uncertain", f"label '{a.printed}' is printed twice in a row (a clause replaced by a flattened tracked change); {note}",
                                   labeled[i].text[:160], Span(labeled[i].span.line_start, labeled[i + 1].span.line_end,
                                                               labeled[i].span.char_start, labeled[i + 1].span.char_end), "info"))


def _pair_starts(readings: list) -> list[int]:
    out, i = [], 0
    while i < len(readings) - 1:
        if readings[i].change == "replaced" and readings[i + 1].change == "replaced":
            out.append(i)
            i += 2
        else:
            i += 1
    return out


_NUMERIC_LABEL = re.compile(r"\d+(?:\.\d+)*")


def _ltype(label: str) -> str:
    s = label.rstrip(")").rstrip(".")
    if _NUMERIC_LABEL.fullmatch(s):
        return "numeric"
    if s in ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"):
        return "roman-or-letter"
    return "letter"


def _assign(clauses: list[Clause], sd: SourceDocument, where: str, prefix: str = "") -> None:
    labeled = [c for c in clauses if c.printed_label not in (None, "•")]
    plain = [c.printed_label.rstrip(")").rstrip(".") for c in labeled]
    dotted = [p for p in plain if "." in p]
    if dotted:
        # sub-items such as 5.1: the last component counts
        plain = [p.split(".")[-1] for p in plain]
    kind = labels_mod.label_type(plain) if plain else None
    rec = labels_mod.reconcile(plain, kind) if plain else None
    readings = list(rec.readings) if rec else []
    too_long = len(plain) > labels_mod.MAX_LABELS
    if too_long:
        sd.findings.append(Finding(
            "label-uncertain", f"in '{where}', {len(plain)} labelled clauses in one list: more than the "
            f"{labels_mod.MAX_LABELS} that tracked-change recovery reads; every label kept as printed, none reconciled",
            labeled[0].text[:200], Span(labeled[0].span.line_start, labeled[-1].span.line_end,
                                        labeled[0].span.char_start, labeled[-1].span.char_end)))
    _order_replaced(labeled, readings, sd)
    readings = iter(readings)
    para = bullet = 0
    used: set[str] = set()
    next_free: dict[str, int] = {}   # key -> the smallest n that may still be free for "key-n"
    for pos, c in enumerate(clauses, start=1):
        c.position = pos
        if c.printed_label is None:
            para += 1
            c.key = f"{prefix}p{para}"
            c.label_change = "unchanged"
        elif c.printed_label == "•":
            bullet += 1
            c.key = f"{prefix}bullet-{bullet}"
            c.label_change = "unchanged"
        else:
            r = next(readings)
            head = c.printed_label.rstrip(")").rstrip(".")
            stem = head.rsplit(".", 1)[0] + "." if "." in head else ""
            c.label = (stem + r.new) if r.new else None
            c.former_label = (stem + r.old) if (r.old and r.old != r.new) else None
            c.label_change = r.change
            if r.new:
                c.key = prefix + c.label
            elif r.change == "uncertain":
                c.key = f"{prefix}uncertain-{stem}{r.old or head}"
            else:
                c.key = f"{prefix}former-{stem}{r.old or head}"
            if too_long:
                c.label, c.key = head, prefix + head
            elif r.change in ("deleted", "uncertain") or (rec and not rec.reconciled):
                msg = (f"in '{where}', clause printed '{c.printed_label}' does not fit the new numbering; read as deleted by a flattened tracked change"
                       if r.change == "deleted" else
                       f"in '{where}', clause label '{c.printed_label}' could be read more than one way; kept as printed")
                sd.findings.append(Finding("label-uncertain", msg, c.text[:200], c.span,
                                           "info" if r.change == "deleted" else "warning"))
                if r.change == "uncertain" and c.label is None and not (rec and rec.reconciled):
                    c.label = head
                    c.key = prefix + head
            if r.change in ("deleted", "uncertain") and c.label is None:
                for cit in c.citations:
                    if cit.status == "current":
                        cit.status = "deleted" if r.change == "deleted" else "uncertain"
                        cit.note = ((cit.note + "; ") if cit.note else "") + f"in a clause read as {r.change}"
        _unique_key(c, used, next_free, sd, where)
        if c.children:
            _assign(c.children, sd, where, prefix=c.key + "-")
