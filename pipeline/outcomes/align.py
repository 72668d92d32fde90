"""What a conference did with a proposal, clause by clause (issue 16, item 3).

A pure module: it reads two :class:`~pipeline.model.ResolutionText` (a proposal's draft and the
text the body adopted) and says, for every draft clause, which adopted clause it became (or none),
and for every adopted clause without a draft counterpart that the conference added it.

*Units.*  Every clause and every sub-clause of the sections and annexes is one unit, flattened, so
that a clause can move between sections and change level (Res 25's annex items are top-level in
the draft and children of a lead-in paragraph in the Final Acts).  An annex title is a unit too
(path ``(annex key, "title")``).  Clauses the draft marks as deleted (``label_change`` ``deleted``,
keys ``former-…``) and the old half of a duplicate-label pair (``uncertain-…`` without a label) are
not part of the proposed text (the gold's convention, after ``structure_gold.json``).

*Words.*  Texts are compared as word tokens after normalising NBSP, quotes, dashes, case, hyphens
(dropped together with a following space, so the export's ``crossborder`` = ``cross-border``),
footnote markers and inline footnotes, and punctuation.  The draft prose still carries flattened
tracked changes (old and new words glued): the similarity used for the assignment is a weighted
token Dice (idf weights over the two texts), which such glue lowers only a little.  Two texts are
*identical* when their tokens are equal or when every difference is explained by glue
(:func:`diff`): an old word or number printed right before a new one of its class (``2015 2019``,
``balance parity``, ``the a``; an old function word before a content word, ``the fellowships``, is
a real change), a draft token that is an old word glued to the adopted one (``attentionpriority``,
``dubaihammamet 20122016``, with the rest of the old phrase before it), or spacing only (``50d``).
This is a stand-in for ``pipeline/outcomes/unflatten.py``: when an unflattened proposed wording is
known, pass it as ``proposed_text`` (the one hook) and it is compared strictly, without the glue
tolerance.  The glue rules cannot see the conference keep an OLD word (Res 101 recalling a keeps
``Guadalajara, 2010``: read as identical) nor tell an acronym from a glued word (``the ITU Council``
→ ``the Council``: read as identical).

*Assignment.*  Greedy best-first over the whole similarity matrix (scipy is not installed in the
venv), one-to-one.  A pair is refused below :data:`THRESHOLD` = 0.35, similarity plus a tie-break
bonus of up to 0.10 (same section verb 0.04, same section 0.03, same label 0.03): a pair in the same
slot passes from a raw similarity of 0.25, a pair moved to another section and label needs 0.35.
Calibrated on the four gold proposals (tests/test_align.py; a sweep gives pair precision/recall
within 0.01 from 0.30 to 0.50, below 0.30 precision falls, above 0.50 recall).  A weak pair (raw
similarity below :data:`WEAK`) gives way when the draft clause lies mostly inside another matched
adopted clause: it was *merged* there.  After the assignment, an adopted clause left over whose
words lie mostly inside an adjacent matched draft clause is a *split* part of it (``also_adopted``),
and a draft clause left over whose words lie mostly inside a matched adopted clause (not more than
:data:`MERGE_RATIO` times its size) is *merged* into it.

``outcomes`` pairs a proposal with the adopted text of the same body, instrument and number; a draft
new resolution (ADD, no number) with the adopted text whose title is closest (token Dice at least
:data:`TITLE_MIN` and :data:`TITLE_MARGIN` ahead of the next), among numbers no proposal claims.
"""
from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Union

from ..model import Clause, Proposal, ResolutionText, SourceDocument, Span

#: Minimum score of a draft/adopted pair for the assignment (weighted Dice + tie-break bonus).
THRESHOLD = 0.35
#: Merge: share of a draft clause's (weighted) words found in the adopted clause it was merged into.
CONTAIN = 0.75
#: Split: share of a left-over adopted clause's words found in the (adjacent) draft clause it came from.
SPLIT_CONTAIN = 0.6
#: A pair weaker than this gives way to a merge (see :func:`align`).
WEAK = 0.45
#: Bonus for the same section verb, and for the same label (tie-breakers, never enough alone).
SAME_VERB, SAME_LABEL, SAME_SECTION = 0.04, 0.03, 0.03

Path = tuple[str, ...]
ProposedText = Union[Callable[[Clause, Path], "str | None"], Mapping[Path, str], None]


@dataclass
class WordChange:
    """A word-level change, draft → adopted, in the spirit of AKN ``textualMod``."""

    kind: str       # substitution | insertion | repeal
    old: str
    new: str


@dataclass
class ClauseOutcome:
    draft: Clause | None          # None: added by the conference
    adopted: Clause | None        # None: not adopted
    draft_path: Path              # (section key, clause key[, child key]); annexes: (annex key, section key, …)
    adopted_path: Path | None
    outcome: str                  # identical | modified | not-adopted | added
    similarity: float
    changes: list[WordChange] = field(default_factory=list)
    moved: bool = False           # in another section than in the draft
    renumbered: bool = False      # under another label than in the draft
    also_adopted: list[tuple[Path, Clause]] = field(default_factory=list)  # further parts of a split
    note: str = ""                # how the outcome was decided when not plain (glue, split, merge)


@dataclass
class ProposalOutcome:
    symbol: str
    outcome: str                  # adopted-as-proposed | adopted-with-changes | not-adopted | suppression-confirmed | no-adopted-text
    clauses: list[ClauseOutcome] = field(default_factory=list)
    adopted_number: str | None = None   # the adopted text it was paired with
    pairing: str = ""             # how: "number", "title 0.83" (ADD), "" when none
    counts: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- words

_TRANS = str.maketrans({
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ",
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u01e6": "-",   # the converter's 'ITUǦcoordinated'
})
_INLINE_NOTE = re.compile(r"\[\d+:[^\]]*\]")
_NOTE_REF = re.compile(r"\[footnoteRef:\d+\]\d*")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_HYPHEN = re.compile(r"-\s*")
_TOKEN = re.compile(r"[^\W_]+")


def normalise(text: str, marks: Iterable[str] = ()) -> str:
    """The comparable form of a text: see the module docstring."""
    t = unicodedata.normalize("NFKC", text).translate(_TRANS)
    t = _BOOKMARK.sub(" ", _NOTE_REF.sub(" ", _INLINE_NOTE.sub(" ", t)))
    for m in marks:
        if m:
            t = re.sub(rf"(?<=[A-Za-z\)]){re.escape(m)}\b", "", t)
    t = _HYPHEN.sub("", t.lower())
    return " ".join(t.split())


def tokens(text: str, marks: Iterable[str] = ()) -> list[str]:
    return _TOKEN.findall(normalise(text, marks))


#: A printed word as :func:`tokens` counts it: hyphenated and dash-joined parts are one token there
#: ("2016-2019" → "20162019"), so they are one printed word here.
_PRINTED = re.compile(r"[^\W_]+(?:[-\u2010-\u2014\u2212\u01e6]\s*[^\W_]+)*")


class Printed:
    """The printed words behind the tokens of a text, so that a word change shows the words as the
    text prints them ("2020-2023", "Union's", "the 2030 Agenda") and not their comparable form.

    Notes, bookmarks and footnote marks are set aside exactly as :func:`normalise` does; when the
    printed words do not line up one to one with the tokens (a character NFKC splits), the
    comparable words are shown instead — never wrong words.
    """

    def __init__(self, text: str, marks: Iterable[str] = ()):
        t = unicodedata.normalize("NFKC", text)
        t = _BOOKMARK.sub(" ", _NOTE_REF.sub(" ", _INLINE_NOTE.sub(" ", t)))
        for m in marks:
            if m:
                t = re.sub(rf"(?<=[A-Za-z\)]){re.escape(m)}\b", "", t)
        self.text = t
        spans: list[tuple[int, int]] = []
        for m in _PRINTED.finditer(t):
            inner = _TOKEN.findall(normalise(m.group()))
            if len(inner) == 1:
                spans.append(m.span())
            else:   # e.g. a word NFKC or the translation table splits: its parts one by one
                spans.extend((m.start() + x.start(), m.start() + x.end()) for x in _TOKEN.finditer(m.group()))
        self.spans = spans

    def drop_first(self) -> None:
        self.spans = self.spans[1:]

    def words(self, i: int, j: int, toks: list[str]) -> str:
        """The printed text of tokens ``i:j`` (inner punctuation kept), or the tokens themselves."""
        if i >= j:
            return ""
        if len(self.spans) != len(toks):
            return " ".join(toks[i:j])
        return " ".join(self.text[self.spans[i][0]:self.spans[j - 1][1]].split())


def _label_key(label: str | None) -> str:
    return (label or "").strip().rstrip(").").lower()


# --------------------------------------------------------------------------- units

@dataclass
class _Unit:
    clause: Clause
    path: Path
    section: str                  # the section's slot: its key without "itu" (see :func:`_slot`)
    verb: str
    label: str
    toks: list[str]
    bag: Counter
    mass: float = 0.0             # weighted word count, set by :func:`_weigh`
    printed: "Printed | None" = None   # the printed words behind ``toks``


def _slot(section_key: str) -> str:
    """The section a clause stands in, for *moved*: the Final Acts say "instructs the ITU Council"
    where the drafts say "instructs the Council" (Res 11, 70); that is the same section."""
    return "-".join(w for w in section_key.split("-") if w != "itu")


def _clause_text(c: Clause) -> str:
    return c.text


def _is_proposed(c: Clause) -> bool:
    key = c.key or ""
    if c.label_change == "deleted" or key.startswith("former-"):
        return False
    if key.startswith("uncertain-") and c.label is None:
        return False
    return True


def _walk(clauses: list[Clause], prefix: Path, section: str, verb: str, draft: bool) -> Iterable[tuple[Clause, Path, str, str]]:
    for c in clauses:
        if draft and not _is_proposed(c):
            continue
        path = prefix + ((c.key or c.label or str(c.position)),)
        yield c, path, section, verb
        yield from _walk(c.children, path, section, verb, draft)


def _title_clause(annex, span: Span) -> Clause:
    return Clause(label="title", printed_label=None, former_label=None, label_change="unchanged",
                  text=annex.title, span=span, key="title")


def units(text: ResolutionText, *, draft: bool, only_part: str | None = None,
          proposed_text: ProposedText = None, skip_annexes: Iterable[str] = ()) -> list[_Unit]:
    """Every clause of ``text`` as a unit, in document order (see the module docstring)."""
    raw: list[tuple[Clause, Path, str, str]] = []
    if not (only_part or "").startswith("annex"):
        for s in text.sections:
            raw.extend(_walk(s.clauses, (s.key,), s.key, s.verb, draft))
    for a in text.annexes:
        if (only_part or "").startswith("annex-") and a.number not in (None, only_part.split("-", 1)[1]):
            continue
        if a.number is not None and f"annex-{a.number}" in skip_annexes:
            continue
        akey = a.key or f"annex-{a.number or 1}"
        if a.title:
            raw.append((_title_clause(a, a.span), (akey, "title"), akey, "annex"))
        for s in a.sections:
            raw.extend(_walk(s.clauses, (akey, s.key), f"{akey}/{s.key}", "annex", draft))
        raw.extend(_walk(a.clauses, (akey,), akey, "annex", draft))
    out = []
    for c, path, section, verb in raw:
        words = _clause_text(c)
        if proposed_text is not None:
            alt = proposed_text(c, path) if callable(proposed_text) else proposed_text.get(path)
            if alt is not None:
                words = alt
        marks = [f.mark for f in c.footnotes]
        toks = tokens(words, marks)
        printed = Printed(words, marks)
        lab = _label_key(c.label)
        if toks and toks[0] == lab and c.label not in (None, "title"):
            toks = toks[1:]   # a first list item whose label stayed in the text
            printed.drop_first()
        out.append(_Unit(c, path, _slot(section), verb, lab, toks, Counter(toks), printed=printed))
    return out


# --------------------------------------------------------------------------- similarity

def _idf(all_units: list[_Unit]) -> dict[str, float]:
    df: Counter = Counter()
    for u in all_units:
        df.update(set(u.toks))
    n = max(len(all_units), 1)
    return {w: math.log(1 + n / d) for w, d in df.items()}


def _weigh(us: list[_Unit]) -> dict[str, float]:
    """The idf weights of the words of ``us``, and the mass of every unit under them."""
    idf = _idf(us)
    for u in us:
        u.mass = _mass(u.bag, idf)
    return idf


def _mass(bag: Counter, idf: Mapping[str, float]) -> float:
    return sum(k * idf.get(w, 1.0) for w, k in bag.items())


def _common(a: Counter, b: Counter, idf: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(min(k, b[w]) * idf.get(w, 1.0) for w, k in a.items() if w in b)


def similarity(d: _Unit, a: _Unit, idf: Mapping[str, float]) -> float:
    """Weighted Dice of the two bags of words (order-free, little hurt by glued old words)."""
    md, ma = d.mass or _mass(d.bag, idf), a.mass or _mass(a.bag, idf)
    if not md or not ma:
        return 1.0 if not md and not ma else 0.0
    return 2 * _common(d.bag, a.bag, idf) / (md + ma)


# --------------------------------------------------------------------------- word changes

_NUMERIC = re.compile(r"^\d+$")
#: Function words: an old function word glued before a new one ('the a') is glue, an old function
#: word before a content word ('the fellowships' → 'fellowships') is a real change.
_FUNCTION = frozenset("a an the this that these those its their his her our all each any some such of in on at "
                      "by for with to from into and or as".split())


def _same_class(x: str, y: str) -> bool:
    if _NUMERIC.match(x) or _NUMERIC.match(y):
        return bool(_NUMERIC.match(x) and _NUMERIC.match(y)) and len(x) == len(y)
    return (x in _FUNCTION) == (y in _FUNCTION)


def _glued(draft_run: list[str], adopted_run: list[str]) -> bool:
    """A draft run that is the adopted words with old words glued in: in order, every adopted token
    is a draft token, or the end or start of one ('attentionpriority' → 'priority', 'dubaihammamet
    20122016' → 'hammamet 2016'); draft tokens left over stand right before a glued one (the rest of
    an old phrase: 'working group on gender issuesitu' → 'itu') or are at most two."""
    if not adopted_run:
        return False
    if "".join(draft_run) == "".join(adopted_run):
        return True            # spacing only: '50d' = '50 d'
    i, skipped, glued_at = 0, [], set()
    for a in adopted_run:
        while i < len(draft_run) and not (draft_run[i] == a or (len(draft_run[i]) > len(a) and (
                draft_run[i].endswith(a) or draft_run[i].startswith(a)))):
            skipped.append(i)
            i += 1
        if i == len(draft_run):
            return False
        if draft_run[i] != a:
            glued_at.add(i)
        i += 1
    skipped += list(range(i, len(draft_run)))
    if not glued_at and not skipped:
        return False
    loose = [k for k in skipped if not any(g > k and all(x in skipped for x in range(k, g)) for g in glued_at)]
    return len(loose) <= 2 and (bool(glued_at) or len(skipped) <= 2)


def _old_before_new(old: list[str], nxt: str) -> bool:
    """A deleted run that is the old half of a flattened pair printed old-then-new: one word (or two
    numbers) right before a kept word of the same class ('2015 2019', 'balance parity', 'the a')."""
    if not nxt or not old or len(old) > 2:
        return False
    if len(old) == 2 and not all(_NUMERIC.match(t) for t in old):
        return False
    return _same_class(old[-1], nxt)


def diff(draft_toks: list[str], adopted_toks: list[str], *, glue: bool = True,
         printed: "tuple[Printed | None, Printed | None]" = (None, None)) -> tuple[list[WordChange], bool]:
    """Word changes draft → adopted, and whether every one of them is explained by flattened glue
    (then the adopted text is the draft's new reading: identical).

    Words are compared in their comparable form; with ``printed`` (the two texts' printed words) a
    change carries the words as printed."""
    pd, pa = printed
    sm = difflib.SequenceMatcher(None, draft_toks, adopted_toks, autojunk=False)
    changes: list[WordChange] = []
    all_glue = True
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        old, new = draft_toks[i1:i2], adopted_toks[j1:j2]
        kind = {"replace": "substitution", "insert": "insertion", "delete": "repeal"}[op]
        changes.append(WordChange(kind, pd.words(i1, i2, draft_toks) if pd else " ".join(old),
                                  pa.words(j1, j2, adopted_toks) if pa else " ".join(new)))
        if not glue:
            all_glue = False
        elif op == "replace":
            all_glue = all_glue and _glued(old, new)
        elif op == "delete":
            all_glue = all_glue and _old_before_new(old, draft_toks[i2] if i2 < len(draft_toks) else "")
        else:
            all_glue = False
    return changes, all_glue and bool(changes)


# --------------------------------------------------------------------------- alignment

#: A draft clause merges only into an adopted clause at most this many times its size: a short
#: draft line is inside any long blob (the tables of Res 71's Annex 1 read as one paragraph).
MERGE_RATIO = 4.0


def _mergeable(d: _Unit, a: _Unit) -> bool:
    return a.mass <= MERGE_RATIO * d.mass

def align(draft: ResolutionText, adopted: ResolutionText, *, proposed_text: ProposedText = None,
          skip_annexes: Iterable[str] = ()) -> list[ClauseOutcome]:
    """Every draft clause with its outcome, then every clause the conference added.

    ``proposed_text``: the hook for unflattened wording — a mapping draft path → proposed words, or
    a callable ``(clause, path) -> str | None``; where it gives words they are compared strictly.
    ``skip_annexes``: annexes of the adopted text (``"annex-1"``) that another proposal revises
    (Res 71: ACP/64A1/8 the body, ACP/64A1/9 Annex 1), left out of this alignment."""
    du = units(draft, draft=True, only_part=draft.only_part, proposed_text=proposed_text)
    au = units(adopted, draft=False, only_part=draft.only_part, skip_annexes=skip_annexes)
    idf = _weigh(du + au)
    floor = THRESHOLD - SAME_VERB - SAME_LABEL - SAME_SECTION
    pairs = []
    for i, d in enumerate(du):
        for j, a in enumerate(au):
            if 2 * min(d.mass, a.mass) < floor * (d.mass + a.mass):
                continue          # even all the words of the smaller one would not reach the floor
            raw = similarity(d, a, idf)
            if raw < floor:
                continue
            s = raw + (SAME_VERB if d.verb == a.verb else 0) + (SAME_LABEL if d.label == a.label else 0) \
                + (SAME_SECTION if d.section == a.section else 0)
            if s >= THRESHOLD:
                pairs.append((s, raw, i, j))
    pairs.sort(key=lambda p: (-p[0], p[2], p[3]))
    d_to: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()
    for s, raw, i, j in pairs:
        if i in d_to or j in taken:
            continue
        d_to[i] = (j, raw)
        taken.add(j)
    # a weak pair loses to a merge: a draft clause whose words lie mostly inside another matched
    # adopted clause was merged into it (Res 11 noting further d + h → e), not rewritten elsewhere
    for i, (j, raw) in list(d_to.items()):
        if raw >= WEAK:
            continue
        md = du[i].mass
        inside = max((_common(du[i].bag, au[k].bag, idf) / md for k in taken if k != j and _mergeable(du[i], au[k])),
                     default=0.0) if md else 0.0
        if inside >= CONTAIN and inside > raw + 0.2:
            del d_to[i]
            taken.discard(j)

    strict = proposed_text is not None
    out: list[ClauseOutcome] = []
    by_adopted: dict[int, ClauseOutcome] = {}
    for i, d in enumerate(du):
        if i not in d_to:
            out.append(ClauseOutcome(d.clause, None, d.path, None, "not-adopted", 0.0))
            continue
        j, s = d_to[i]
        a = au[j]
        changes, glue = diff(d.toks, a.toks, glue=not strict, printed=(d.printed, a.printed))
        kind = "identical" if not changes or glue else "modified"
        co = ClauseOutcome(d.clause, a.clause, d.path, a.path, kind, round(s, 3), changes,
                           moved=d.section != a.section, renumbered=d.label != a.label,
                           note="identical once the flattened old words are set aside" if changes and glue else "")
        out.append(co)
        by_adopted[j] = co

    # splits: a left-over adopted clause inside a matched draft clause (an adjacent one)
    draft_of = {j: i for i, (j, _) in d_to.items()}
    added = []
    for j, a in enumerate(au):
        if j in taken:
            continue
        host = None
        for dj in (j - 1, j + 1):
            if dj in draft_of:
                d = du[draft_of[dj]]
                ma = a.mass
                if ma and _common(d.bag, a.bag, idf) / ma >= SPLIT_CONTAIN:
                    host = dj
                    break
        if host is not None:
            co = by_adopted[host]
            co.also_adopted.append((a.path, a.clause))
            co.outcome = "modified"
            co.note = (co.note + "; " if co.note else "") + f"split: also adopted as {'/'.join(a.path)}"
        else:
            added.append(ClauseOutcome(None, a.clause, (), a.path, "added", 0.0))

    # merges: a left-over draft clause inside a matched adopted clause
    for co, d in zip(out, du):
        if co.outcome != "not-adopted":
            continue
        best = None
        md = d.mass
        for j, host in by_adopted.items():
            share = _common(d.bag, au[j].bag, idf) / md if md and _mergeable(d, au[j]) else 0.0
            if share >= CONTAIN and (best is None or share > best[0]):
                best = (share, j)
        if best is not None:
            a = au[best[1]]
            co.adopted, co.adopted_path, co.outcome = a.clause, a.path, "modified"
            co.similarity = round(best[0], 3)
            co.changes, _ = diff(d.toks, a.toks, glue=False, printed=(d.printed, a.printed))
            co.moved, co.renumbered = d.section != a.section, d.label != a.label
            co.note = f"merged with {'/'.join(by_adopted[best[1]].draft_path)} into {'/'.join(a.path)}"
    return out + added


# --------------------------------------------------------------------------- proposals

def _count(clauses: list[ClauseOutcome]) -> dict[str, int]:
    c = Counter(co.outcome for co in clauses)
    return {k: c.get(k, 0) for k in ("identical", "modified", "not-adopted", "added")}


def outcome_of(proposal: Proposal, adopted: ResolutionText | None, *, proposed_text: ProposedText = None,
               pairing: str = "", skip_annexes: Iterable[str] = ()) -> ProposalOutcome:
    """The outcome of one proposal against the adopted text of its resolution (or None)."""
    if adopted is None:
        kind = "suppression-confirmed" if proposal.action == "SUP" else "no-adopted-text"
        return ProposalOutcome(proposal.symbol, kind)
    draft = proposal.resolution
    if proposal.action == "SUP" or draft is None:
        return ProposalOutcome(proposal.symbol, "not-adopted" if proposal.action == "SUP" else "no-adopted-text",
                               adopted_number=adopted.number, pairing=pairing)
    clauses = align(draft, adopted, proposed_text=proposed_text, skip_annexes=skip_annexes)
    counts = _count(clauses)
    n_draft = counts["identical"] + counts["modified"] + counts["not-adopted"]
    if n_draft and counts["not-adopted"] == n_draft:
        kind = "not-adopted"
    elif counts["modified"] == 0 and counts["not-adopted"] == 0 and counts["added"] == 0:
        kind = "adopted-as-proposed"
    else:
        kind = "adopted-with-changes"
    return ProposalOutcome(proposal.symbol, kind, clauses, adopted.number, pairing, counts)


def _title_similarity(a: str, b: str) -> float:
    x, y = Counter(tokens(a)), Counter(tokens(b))
    n = sum(x.values()) + sum(y.values())
    return 2 * sum((x & y).values()) / n if n else 0.0


#: An ADD draft is paired with the adopted text whose title is this close (token Dice) …
TITLE_MIN = 0.6
#: … and at least this far ahead of the second best.
TITLE_MARGIN = 0.15


def adopted_for(proposal: Proposal, adopted: list[ResolutionText], claimed: set[str] = frozenset()) -> tuple[ResolutionText | None, str]:
    """The adopted text a proposal is about, and how it was paired ("number", "title 0.83")."""
    draft = proposal.resolution
    if draft is None:
        return None, ""
    same = [t for t in adopted if t.body == draft.body and t.instrument == draft.instrument]
    if draft.number is not None:
        for t in same:
            if t.number == draft.number:
                return t, "number"
        return None, ""
    scored = sorted(((_title_similarity(draft.title, t.title), t) for t in same if t.number not in claimed),
                    key=lambda p: -p[0])
    if not scored or scored[0][0] < TITLE_MIN:
        return None, ""
    second = scored[1][0] if len(scored) > 1 else 0.0
    if scored[0][0] - second < TITLE_MARGIN:
        return None, ""
    return scored[0][1], f"title {scored[0][0]:.2f} (next {second:.2f})"


def outcomes(docs: list[SourceDocument], *, proposed_text: ProposedText = None) -> list[ProposalOutcome]:
    """Every proposal of the corpus with its outcome against the adopted texts of the corpus.

    ``proposed_text`` must here be a callable ``(clause, path) -> str | None`` (paths repeat across
    proposals; the clause object does not)."""
    adopted = [t for doc in docs for t in doc.texts if t.adopted]
    claimed = {p.resolution.number for doc in docs for p in doc.proposals
               if p.resolution is not None and p.resolution.number is not None}
    # annexes revised by a proposal of their own (Res 71 Annex 1 by ACP/64A1/9)
    parts: dict[tuple, set[str]] = {}
    for doc in docs:
        for p in doc.proposals:
            r = p.resolution
            if r is not None and r.number is not None and (r.only_part or "").startswith("annex-"):
                parts.setdefault((r.body, r.instrument, r.number), set()).add(r.only_part)
    out = []
    for doc in docs:
        for p in doc.proposals:
            t, how = adopted_for(p, adopted, claimed)
            if p.resolution is None:
                out.append(ProposalOutcome(p.symbol, "no-adopted-text"))
                continue
            r = p.resolution
            skip = set() if r.only_part else parts.get((r.body, r.instrument, r.number), set())
            out.append(outcome_of(p, t, proposed_text=proposed_text, pairing=how, skip_annexes=skip))
    return out
