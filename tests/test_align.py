"""Outcome alignment (issue 16, item 3): APT's proposals to PP-18 against what PP-18 adopted.

Scored against the hand reading ``tests/fixtures/outcomes_gold.json`` (part ``outcomes``, written
before any code; see OUTCOMES_GOLD.md): four MOD proposals, 285 draft clauses.  Run with ``-s`` to
see the score table, the outcome of every proposal of the seed and the time of ``outcomes()``.

Mapping the gold to the model: a gold draft clause is the model clause on the same line of the
proposals file (the annex title: the annex's ``title`` unit); a gold adopted clause is the model
clause on the same ``<p>`` line of the Final Acts, told apart from the others on that line by label,
parent, index and section.  A gold draft clause the reader does not hold as a proposed clause
counts as missed.
"""
from __future__ import annotations

import json
import time
from collections import Counter

import pytest

from pipeline.model import Clause, ResolutionText, Section, Span
from pipeline.outcomes.align import THRESHOLD, _slot, align, diff, outcomes, tokens, units
from pipeline.rdf.uris import slug
from pipeline.settings import PROJECT_ROOT
from pipeline.sources import parse

SEED = PROJECT_ROOT / "data" / "sources" / "000_e6762f12f0311554.txt"
FINAL_ACTS = PROJECT_ROOT / "data" / "sources" / "pp18-final-acts" / "pp18_final_acts_akn.xml"
GOLD = json.loads((PROJECT_ROOT / "tests" / "fixtures" / "outcomes_gold.json").read_text(encoding="utf-8"))["outcomes"]
KIND = {"identical": "identical", "modified": "modified", "none": "not-adopted"}

#: Floors, a little under what the aligner reached when this was written (pairs P 0.992 R 0.981,
#: kind accuracy 0.972, added P 0.964 R 1.000 at THRESHOLD 0.35), so that a regression shows.  The
#: threshold was calibrated on these same four proposals (no held-out gold): a sweep gives the same
#: pair scores within 0.01 from 0.30 to 0.50.
FLOOR_PRECISION = 0.95
FLOOR_RECALL = 0.95
FLOOR_KIND = 0.93
FLOOR_ADDED_F1 = 0.90


@pytest.fixture(scope="module")
def docs():
    return [parse(SEED), parse(FINAL_ACTS)]


def _adopted_text(docs, number):
    return next(t for t in docs[1].texts if t.number == number and t.instrument == "resolution")


def _proposal(docs, symbol):
    return next(p for p in docs[0].proposals if p.symbol == symbol)


def _find(us, ref, *, draft: bool):
    """The path of the model unit a gold reference names, or None."""
    lab, par, idx = ref.get("label"), ref.get("parent"), ref.get("index")
    if lab == "title":
        c = [u for u in us if u.path[-1] == "title"]
        return c[0].path if c else None
    c = [u for u in us if u.clause.span.line_start == ref["line"]]
    if not c and not draft:
        c = [u for u in us if u.clause.label == lab]
    if len(c) > 1:
        want = None if lab in ("–", "•") else lab
        c = [u for u in c if u.clause.label == want] or c
    if len(c) > 1 and par:
        c = [u for u in c if len(u.path) > 2 and u.path[-2].split("-")[-1] == par] or c
    if len(c) > 1 and idx:
        c = [u for u in c if u.path[-1].endswith(f"-{idx}") or u.path[-1] == f"p{idx}"] or c
    if len(c) > 1:
        c = [u for u in c if u.path[0] == slug(ref["section"])] or c
    if len(c) > 1:
        c = [u for u in c if u.path[0].startswith(slug(ref["section"])[:12])] or c
    return c[0].path if len(c) == 1 else None


def _score(docs, g):
    p = _proposal(docs, g["symbol"])
    ad = _adopted_text(docs, g["resolution"])
    du, au = units(p.resolution, draft=True), units(ad, draft=False)
    got = align(p.resolution, ad)
    by_draft = {co.draft_path: co for co in got if co.draft is not None}
    gold_pairs, got_pairs, kinds_ok, n, moved_ok, moved_n = set(), set(), 0, 0, 0, 0
    mismatches = []
    for c in g["clauses"]:
        n += 1
        dp = _find(du, c, draft=True)
        want = set()
        if c["adopted"]:
            for ref in [c["adopted"], *c.get("also_adopted_as", [])]:
                want.add((dp or ("?", c["line"]), _find(au, ref, draft=False)))
        gold_pairs |= want
        co = by_draft.get(dp)
        if co is None:
            mismatches.append((c["line"], c["section"], c["label"], "not a proposed clause in the model"))
            continue
        have = set()
        if co.adopted_path is not None:
            have = {(dp, co.adopted_path)} | {(dp, q) for q, _ in co.also_adopted}
        got_pairs |= have
        if c["adopted"] and co.adopted_path is not None:
            want_moved = _slot(slug(c["section"])) != _slot(slug(c["adopted"]["section"]))
            moved_ok += co.moved == want_moved
            moved_n += 1
            if co.moved != want_moved:
                mismatches.append((c["line"], c["section"], c["label"], f"moved {co.moved}, gold section "
                                   f"{c['adopted']['section']!r}"))
        ok_kind = co.outcome == KIND[c["match"]]
        kinds_ok += ok_kind
        if have != want or not ok_kind:
            mismatches.append((c["line"], c["section"], c["label"], f"gold {c['match']} {sorted(x[1] for x in want if x[1])} "
                               f"got {co.outcome} {sorted(x[1] for x in have)} sim {co.similarity}"))
    gold_added = {_find(au, c, draft=False) for c in g["added_by_conference"]}
    got_added = {co.adopted_path for co in got if co.outcome == "added"}
    return dict(moved_ok=moved_ok, moved_n=moved_n, n=n, tp=len(gold_pairs & got_pairs), gold=len(gold_pairs), got=len(got_pairs), kinds=kinds_ok,
                added_tp=len(gold_added & got_added), added_gold=len(gold_added), added_got=len(got_added),
                counts=Counter(co.outcome for co in got), mismatches=mismatches,
                added_missed=sorted(gold_added - got_added, key=str), added_extra=sorted(got_added - gold_added))


def _f1(p, r):
    return 2 * p * r / (p + r) if p + r else 0.0


def test_gold_score(docs):
    rows = [(g["symbol"], _score(docs, g)) for g in GOLD]
    tot = Counter()
    print(f"\nthreshold {THRESHOLD}")
    print(f"{'proposal':<12} {'draft':>5} {'pairs P':>8} {'pairs R':>8} {'kind acc':>8} {'added P':>8} {'added R':>8}   got id/mod/not/added")
    for sym, s in rows:
        for k in ("n", "tp", "gold", "got", "kinds", "added_tp", "added_gold", "added_got", "moved_ok", "moved_n"):
            tot[k] += s[k]
        c = s["counts"]
        print(f"{sym:<12} {s['n']:>5} {s['tp'] / max(s['got'], 1):>8.3f} {s['tp'] / max(s['gold'], 1):>8.3f} "
              f"{s['kinds'] / s['n']:>8.3f} {s['added_tp'] / max(s['added_got'], 1):>8.3f} "
              f"{s['added_tp'] / max(s['added_gold'], 1):>8.3f}   "
              f"{c['identical']}/{c['modified']}/{c['not-adopted']}/{c['added']}")
    P, R = tot["tp"] / tot["got"], tot["tp"] / tot["gold"]
    K = tot["kinds"] / tot["n"]
    aP, aR = tot["added_tp"] / max(tot["added_got"], 1), tot["added_tp"] / tot["added_gold"]
    print(f"{'total':<12} {tot['n']:>5} {P:>8.3f} {R:>8.3f} {K:>8.3f} {aP:>8.3f} {aR:>8.3f}")
    print(f"moved flag right on {tot['moved_ok']} of {tot['moved_n']} adopted draft clauses")
    for sym, s in rows:
        for m in s["mismatches"]:
            print("  ", sym, *m)
        if s["added_missed"] or s["added_extra"]:
            print("  ", sym, "added missed", s["added_missed"], "added extra", s["added_extra"])
    assert P >= FLOOR_PRECISION and R >= FLOOR_RECALL
    assert K >= FLOOR_KIND
    assert _f1(aP, aR) >= FLOOR_ADDED_F1
    assert tot["moved_ok"] >= 0.95 * tot["moved_n"]


def test_outcomes_over_the_corpus(docs):
    t0 = time.perf_counter()
    res = outcomes(docs)
    took = time.perf_counter() - t0
    print(f"\noutcomes() over the two documents: {took:.2f} s, {len(res)} proposals")
    print(f"{'proposal':<12} {'pairing':<24} {'adopted':>7} {'outcome':<22} id/mod/not/added")
    for po in res:
        c = po.counts
        print(f"{po.symbol:<12} {po.pairing:<24} {po.adopted_number or '-':>7} {po.outcome:<22} "
              + (f"{c['identical']}/{c['modified']}/{c['not-adopted']}/{c['added']}" if c else ""))
    by = {po.symbol: po for po in res}
    assert by["ACP/64A1/20"].outcome == "suppression-confirmed"        # Res 185 is not in the Final Acts
    assert by["ACP/64A1/1"].outcome == "no-adopted-text"               # NOC on the Constitution
    for sym in ("ACP/64A1/3", "ACP/64A1/4", "ACP/64A1/7", "ACP/64A1/10"):
        assert by[sym].outcome == "adopted-with-changes"               # the gold's reading of all four
    assert by["ACP/64A1/25"].adopted_number == "205"                   # the APT's draft new resolution [ACP-1]


# ------------------------------------------------------------------ small hand-made texts

SP = Span(1, 1, 0, 0)


def _c(label, text, children=()):
    return Clause(label=label, printed_label=f"{label})" if label else None, former_label=None,
                  label_change="unchanged", text=text, span=SP, key=label or "p1", children=list(children))


def _s(verb_phrase, *clauses, verb=None):
    return Section(verb_phrase=verb_phrase, verb=verb or verb_phrase.split()[0], kind="operative",
                   addressees=[], span=SP, clauses=list(clauses), key=slug(verb_phrase))


def _r(*sections, adopted=False):
    return ResolutionText(body="pp", number="999", draft_label=None, title="Test", heading="", old_revision=None,
                          new_revision=None, span=SP, sections=list(sections), adopted=adopted)


A1 = "to promote the participation of small and medium enterprises in the work of the Union"
A2 = "to report annually to the Council on the implementation of this resolution"
A3 = "that the Secretary-General shall prepare a business plan for each proposed event"
A4 = "to ensure the financial viability of all telecommunication events organized by the Union"


def _by_draft(got):
    return {co.draft_path: co for co in got if co.draft is not None}


def test_renumbered_clause():
    draft = _r(_s("resolves", _c("1", A1), _c("2", A2), _c("3", A3)))
    adopted = _r(_s("resolves", _c("1", A1), _c("2", A2), _c("3", A4), _c("4", A3)), adopted=True)
    got = align(draft, adopted)
    co = _by_draft(got)[("resolves", "3")]
    assert co.adopted_path == ("resolves", "4") and co.outcome == "identical" and co.renumbered and not co.moved
    assert [x.adopted_path for x in got if x.outcome == "added"] == [("resolves", "3")]


def test_clause_moved_across_sections():
    draft = _r(_s("resolves", _c("1", A1)), _s("instructs the Secretary-General", _c("1", A2), _c("2", A3)))
    adopted = _r(_s("resolves", _c("1", A1), _c("2", A3)), _s("instructs the Secretary-General", _c("1", A2)),
                 adopted=True)
    co = _by_draft(align(draft, adopted))[("instructs-the-secretary-general", "2")]
    assert co.adopted_path == ("resolves", "2") and co.moved and co.outcome == "identical"


def test_split_clause():
    draft = _r(_s("resolves", _c("1", A1 + ", and " + A4), _c("2", A2)))
    adopted = _r(_s("resolves", _c("1", A1), _c("2", A4), _c("3", A2)), adopted=True)
    got = align(draft, adopted)
    co = _by_draft(got)[("resolves", "1")]
    assert co.outcome == "modified"
    assert {co.adopted_path, *(p for p, _ in co.also_adopted)} == {("resolves", "1"), ("resolves", "2")}
    assert not [x for x in got if x.outcome == "added"]


def test_two_clauses_merged_into_one():
    draft = _r(_s("noting", _c("a", A1), _c("b", A4), _c("c", A2)))
    adopted = _r(_s("noting", _c("a", A1 + ", and " + A4.replace("to ensure", "ensuring")), _c("b", A2)), adopted=True)
    got = _by_draft(align(draft, adopted))
    assert got[("noting", "a")].adopted_path == got[("noting", "b")].adopted_path == ("noting", "a")
    assert got[("noting", "b")].outcome == "modified" and "merged" in (got[("noting", "a")].note + got[("noting", "b")].note)
    assert got[("noting", "c")].adopted_path == ("noting", "b") and got[("noting", "c")].renumbered


def test_same_words_other_punctuation_quotes_dashes_and_case():
    draft = _r(_s("resolves", _c("1", "to invite ITU\u2019s members\u00a0to the ITU TELECOM event \u2013 in cross-border  fora;")))
    adopted = _r(_s("Resolves", _c("1", "to invite ITU's members to the ITU Telecom event - in crossborder fora."),
                    verb="resolves"), adopted=True)
    co = align(draft, adopted)[0]
    assert co.outcome == "identical" and co.changes == [] and not co.moved


def test_word_changes_and_glue():
    ch, glue = diff(tokens("to propose to the 2015 2019 session of the Council"), tokens("to propose to the 2019 session of the Council"))
    assert glue and ch[0].kind == "repeal"
    ch, glue = diff(tokens("to give particular attentionpriority to gender"), tokens("to give particular priority to gender"))
    assert glue and ch[0].kind == "substitution"
    ch, glue = diff(tokens("the fellowships awarded"), tokens("fellowships awarded"))
    assert not glue and ch[0].kind == "repeal" and ch[0].old == "the"
    ch, glue = diff(tokens("are also facing challenges"), tokens("continue to face challenges"))
    assert not glue and [c.kind for c in ch] == ["substitution"]
    ch, _ = diff(tokens("a b c"), tokens("a b x c"))
    assert ch[0].kind == "insertion" and ch[0].new == "x"


def test_changes_show_the_words_as_printed():
    """The comparable form ('20162019', 'itus') is for comparing; a change shows the printed words."""
    draft = _r(_s("resolves", _c("1", "to implement the Strategic Plan for 2016-2019 and the Union\u2019s budget")))
    adopted = _r(_s("resolves", _c("1", "to implement the strategic plan for 2020-2023 and ITU's budget")), adopted=True)
    co = align(draft, adopted)[0]
    assert co.outcome == "modified"
    assert [(c.kind, c.old, c.new) for c in co.changes] == [
        ("substitution", "2016-2019", "2020-2023"), ("substitution", "the Union", "ITU")]   # the possessive 's is kept


def test_printed_words_on_the_corpus(docs):
    """ACP/64A1/3 (Resolution 11): the draft's "ICT Development Fund" in instructs the Council 2;
    the Final Acts print "ICT-DF" there (…transferred to ITU's ICT Development Fund (ICT-DF) in
    resolves 11, "ICT-DF;" in instructs the Council)."""
    r = next(r for r in outcomes(docs) if r.symbol == "ACP/64A1/3")
    news = {c.new for co in r.clauses if co.draft_path[:1] == ("instructs-the-council",) for c in co.changes}
    assert "ICT-DF" in news


def test_the_proposed_text_hook_is_compared_strictly():
    draft = _r(_s("resolves", _c("1", "to propose to the 2015 2019 session of the Council a mechanism")))
    adopted = _r(_s("resolves", _c("1", "to propose to the 2019 session of the Council a mechanism")), adopted=True)
    assert align(draft, adopted)[0].outcome == "identical"            # glue tolerated
    hook = {("resolves", "1"): "to propose to the 2015 session of the Council a mechanism"}
    co = align(draft, adopted, proposed_text=hook)[0]
    assert co.outcome == "modified" and co.changes[0].old == "2015" and co.changes[0].new == "2019"


def test_unrelated_clauses_stay_apart():
    draft = _r(_s("resolves", _c("1", A1)))
    adopted = _r(_s("resolves", _c("1", A3)), adopted=True)
    kinds = sorted(co.outcome for co in align(draft, adopted))
    assert kinds == ["added", "not-adopted"]
