"""Unflattening the proposals' flattened tracked changes (issue 16, item 2).

Scored against the hand reading in ``tests/fixtures/outcomes_gold.json`` (part ``unflattening``:
105 printed lines split by hand into proposed and old wording, 8 of them traps), on the printed
line less its bookmark and label, with the adopted clause text the gold's evidence names (a
Final Acts ``<p>`` line number, ``l.N``).  Unit tests use real seed lines, one per signal.  The
share of the seed's clause texts that still look flattened is measured before and after.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from pipeline.outcomes import looks_flattened, unflatten
from pipeline.settings import PROJECT_ROOT

GOLD = json.loads((PROJECT_ROOT / "tests/fixtures/outcomes_gold.json").read_text(encoding="utf-8"))
ENTRIES = GOLD["unflattening"]
SEED = PROJECT_ROOT / "data/sources/000_e6762f12f0311554.txt"
FINAL_ACTS = PROJECT_ROOT / "data/sources/pp18-final-acts/pp18_final_acts_akn.xml"

# Honest floors, a little under what was measured when written (78, 77 and 97 of 105 with the
# adopted text; 70 proposed without it).  Most misses are changes the print does not mark
# (unmarked insertions the gold infers from dates), whole phrases printed new-then-old, and the
# gold's counter-evidence cases where the conference kept the OLD words.
FLOOR_PROPOSED = 0.70     # proposed wording exact, all 105 lines
FLOOR_OLD = 0.70          # old wording exact
FLOOR_CHANGE = 0.88       # change kind
FLOOR_PROPOSED_NO_ADOPTED = 0.64  # proposed wording exact without the adopted text


def _fa_lines() -> list[str]:
    return FINAL_ACTS.read_text(encoding="utf-8").split("\n")


def _words(s: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{3,}", s)}


def _adopted_for(entry: dict, fa: list[str]) -> str | None:
    """The Final Acts ``<p>`` the entry's evidence names by line number: of the ``l.N`` it cites,
    the ``<p>`` line sharing most words with the printed line (at least 30 %)."""
    printed = _words(entry["printed"])
    best, best_score = None, 0.3
    for n in re.findall(r"l\.(\d+)", entry["evidence"]):
        n = int(n)
        if not (0 < n <= len(fa)) or "<p>" not in fa[n - 1]:
            continue
        p = re.sub(r"<[^>]+>", "", fa[n - 1]).strip()
        score = len(printed & _words(p)) / max(1, len(printed))
        if score > best_score:
            best, best_score = p, score
    return best


def _clause_text(entry: dict) -> str:
    text = re.sub(r"^\[bookmark: [^\]]*\]", "", entry["printed"])
    if entry["label_printed"] is not None:
        text = text.split("\t", 1)[1].lstrip(" \t")
    return text


def _label_change(entry: dict) -> str | None:
    new, old = entry["label_proposed"], entry["label_old"]
    if entry["label_printed"] is None:
        return None
    if new is None and old is not None:
        return "deleted"
    if old is None and new is not None:
        return "inserted"
    if new != old:
        return "renumbered"
    return None


def _score(use_adopted: bool) -> list[dict]:
    fa = _fa_lines()
    rows = []
    for e in ENTRIES:
        text = _clause_text(e)
        adopted = _adopted_for(e, fa) if use_adopted else None
        w = unflatten(text, adopted=adopted, label_change=_label_change(e))
        rows.append({
            "entry": e, "wording": w, "adopted": adopted is not None,
            "proposed": (w.proposed or None) == e["proposed"],
            "old": w.old == e["old"],
            "change": w.change == e["change"],
        })
    return rows


@pytest.fixture(scope="module")
def scored():
    return _score(True)


def test_gold_scores(scored, capsys):
    n = len(scored)
    tot = {k: sum(r[k] for r in scored) for k in ("proposed", "old", "change")}
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for r in scored:
        for k in r["entry"]["kinds"]:
            by_kind[k]["n"] += 1
            for f in ("proposed", "old", "change"):
                by_kind[k][f] += r[f]
    by_ev: dict[str, Counter] = defaultdict(Counter)
    for r in scored:
        evs = {s.evidence for s in r["wording"].splits} or {"(no split)"}
        for ev in evs:
            by_ev[ev]["n"] += 1
            for f in ("proposed", "old", "change"):
                by_ev[ev][f] += r[f]
    bare = _score(False)
    bare_prop = sum(r["proposed"] for r in bare)
    with capsys.disabled():
        print(f"\nunflattening gold: {n} lines ({sum(r['adopted'] for r in scored)} with an adopted text)")
        print(f"{'':24} {'n':>4} {'proposed':>9} {'old':>9} {'change':>9}")
        print(f"{'ALL':24} {n:>4} {tot['proposed']:>9} {tot['old']:>9} {tot['change']:>9}")
        print(f"{'ALL, no adopted text':24} {n:>4} {bare_prop:>9} {sum(r['old'] for r in bare):>9} "
              f"{sum(r['change'] for r in bare):>9}")
        print("by gold kind:")
        for k, c in sorted(by_kind.items()):
            print(f"  {k:22} {c['n']:>4} {c['proposed']:>9} {c['old']:>9} {c['change']:>9}")
        print("by split evidence (lines whose splits used it):")
        for k, c in sorted(by_ev.items()):
            print(f"  {k:22} {c['n']:>4} {c['proposed']:>9} {c['old']:>9} {c['change']:>9}")
        amb = [r["entry"]["line"] for r in scored if r["wording"].ambiguous]
        print(f"flagged ambiguous: {len(amb)} lines {amb}")
        print("misses (line: what):", ", ".join(
            f"{r['entry']['line']}:{''.join(c for c, f in (('P', 'proposed'), ('O', 'old'), ('C', 'change')) if not r[f])}"
            for r in scored if not (r["proposed"] and r["old"] and r["change"])))
    assert tot["proposed"] / n >= FLOOR_PROPOSED
    assert tot["old"] / n >= FLOOR_OLD
    assert tot["change"] / n >= FLOOR_CHANGE
    assert bare_prop / n >= FLOOR_PROPOSED_NO_ADOPTED


def test_traps_untouched(scored):
    traps = [r for r in scored if r["entry"]["change"] == "unchanged"]
    assert len(traps) == 8
    for r in traps:
        text = _clause_text(r["entry"])
        w = r["wording"]
        assert w.splits == [] and w.proposed == text and w.old == text and w.change == "unchanged", \
            (r["entry"]["line"], w.splits)
        assert looks_flattened(text) == [], r["entry"]["line"]


# --------------------------------------------------------------------------- one real line per signal

def _seed_line(n: int) -> str:
    line = SEED.read_text(encoding="utf-8").split("\n")[n - 1].replace("\u00a0", " ").rstrip()
    line = re.sub(r"^\[bookmark: [^\]]*\]", "", line)
    return line.split("\t", 1)[1] if "\t" in line[:8] else line


def test_adjacent_periods():
    w = unflatten(_seed_line(578))            # Strategic plan for the Union for 2016-2019 2020-2023
    assert (w.proposed, w.old) == ("Strategic plan for the Union for 2020-2023",
                                   "Strategic plan for the Union for 2016-2019")
    assert w.splits[0].evidence == "adjacent periods" and w.splits[0].confidence == "sure"


def test_periods_edited_year_by_year_and_space_restored():
    w = unflatten(_seed_line(2239))           # the 20112015-2014 2018sessions of the ITU Council
    assert "the 2015-2018 sessions of the ITU Council" in w.proposed
    assert "the 2011-2014 sessions of the ITU Council" in w.old
    assert "(Rev. 2016)" in w.proposed and "(Rev. 2011)" in w.old


def test_adjacent_years():
    w = unflatten(_seed_line(116))            # to propose to the 2015 2019 session of the Council
    assert "the 2019 session" in w.proposed and "the 2015 session" in w.old


def test_revision_heading():
    w = unflatten(_seed_line(58))             # RESOLUTION 11 (Rev. Busan, 2014DUBAI, 2018)
    assert (w.proposed, w.old) == ("RESOLUTION 11 (Rev. DUBAI, 2018)", "RESOLUTION 11 (Rev. Busan, 2014)")
    assert w.splits[0].evidence == "revision heading"


def test_place_and_year_flattened_apart():
    w = unflatten(_seed_line(160))            # Resolution 5 (Rev. DubaiBuenos Aires, 20142017)
    assert w.proposed.startswith("Resolution 5 (Rev. Buenos Aires, 2017)")
    assert w.old.startswith("Resolution 5 (Rev. Dubai, 2014)")


def test_un_symbols():
    w = unflatten(_seed_line(287))            # Resolution 68/19872/200
    assert "72/200" in w.proposed and "68/198" in w.old and "19872" not in w.proposed


def test_glued_words():
    w = unflatten(_seed_line(534))            # particular attentionpriority to gender balance parity
    assert "particular priority to gender" in w.proposed
    assert "particular attention to gender" in w.old
    assert any(s.evidence == "glued words" for s in w.splits)


def test_glued_function_word():
    w = unflatten(_seed_line(218))            # to taketo review ITU regional presence
    assert w.proposed.startswith("to review ITU regional presence")
    assert w.splits[0].evidence == "duplicated function word"


def test_known_replacement_glued():
    w = unflatten(_seed_line(2693))           # the Post-2015 Development Agendathe 2030 Agenda …
    assert "central to the 2030 Agenda for Sustainable Development," in w.proposed
    assert "central to the Post-2015 Development Agenda," in w.old


def test_punctuation():
    w = unflatten(_seed_line(88))             # … and highly appreciated,;
    assert w.proposed.endswith("appreciated;") and w.old.endswith("appreciated,")
    assert w.splits[0].evidence == "punctuation"


def test_glued_label_in_reference():
    w = unflatten(_seed_line(128))            # instructs the Secretary-General 910 above
    assert "instructs the Secretary-General 10 above" in w.proposed
    assert "instructs the Secretary-General 9 above" in w.old


def test_label_change_whole_clause():
    text = _seed_line(89)
    assert unflatten(text, label_change="inserted").old is None
    w = unflatten(text, label_change="deleted")
    assert (w.proposed, w.old, w.change) == ("", text, "deleted")


def _fa_p(n: int) -> str:
    return re.sub(r"<[^>]+>", "", _fa_lines()[n - 1]).strip()


def test_adopted_text_decides_order():
    # 'to provideto ensure input' (l.506) is printed new-then-old; the adopted clause (Final Acts
    # l.3581) reads 'to provide input for further policy developments'
    text = _seed_line(506)
    assert "to ensure input" in unflatten(text).proposed          # the print-order prior alone
    w = unflatten(text, adopted=_fa_p(3581))
    assert "to provide input" in w.proposed and "to ensure input" in w.old
    s = next(s for s in w.splits if s.printed.startswith("to provide"))
    assert (s.evidence, s.confidence) == ("adopted text", "sure")


def test_adopted_text_resolves_glued_endings():
    # 'leveraginge' (l.481): two endings of one stem; the word list cannot order them, the
    # adopted clause (Final Acts l.3473, 'leveraging the power') can
    text = _seed_line(481)
    bare = unflatten(text)
    assert bare.ambiguous and "leveraginge" in bare.proposed and bare.old is None
    w = unflatten(text, adopted=_fa_p(3473))
    assert "leveraging" in w.proposed and "leveraginge" not in w.proposed


def test_ambiguous_is_flagged_not_guessed():
    # 'the a' (l.532): which article is new stays open without outside evidence
    text = _seed_line(532)
    w = unflatten(text)
    assert w.ambiguous and w.proposed == text and w.old is None and w.change == "modified"
    assert [s.confidence for s in w.splits] == ["uncertain"]


# --------------------------------------------------------------------------- the seed, before and after

def _clauses(clauses):
    for c in clauses:
        yield c
        yield from _clauses(c.children)


def test_flattened_share_in_seed():
    from pipeline.sources import parse
    doc = parse(SEED)
    texts = []
    for r in doc.resolutions():
        if r.adopted:
            continue
        for sec in r.sections:
            texts += [(c.text, c.label_change) for c in _clauses(sec.clauses)]
        for a in r.annexes:
            for sec in a.sections:
                texts += [(c.text, c.label_change) for c in _clauses(sec.clauses)]
            texts += [(c.text, c.label_change) for c in _clauses(a.clauses)]
    before = sum(bool(looks_flattened(t)) for t, _ in texts)
    after_rows = [unflatten(t, label_change=lc if lc in ("inserted", "deleted", "renumbered") else None)
                  for t, lc in texts]
    after = sum(bool(looks_flattened(w.proposed)) for w in after_rows)
    flagged = sum(w.ambiguous for w in after_rows)
    n = len(texts)
    print(f"\nseed clause texts: {n}; looks flattened before: {before} ({before / n:.1%}); "
          f"after unflatten: {after} ({after / n:.1%}); flagged ambiguous: {flagged}")
    assert n > 1000
    assert after < before
    # every clause still carrying glue after unflattening is flagged, none silently left
    for w in after_rows:
        if looks_flattened(w.proposed):
            assert w.ambiguous
