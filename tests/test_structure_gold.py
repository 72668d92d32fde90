"""Score the parser against a structure read by hand (tests/fixtures/structure_gold.json).

Resolutions 11, 25, 48, 70, 101 and [ACP-1]: every section's verb and every clause's
new label and deletion, from the hand reading (see SEED_FACTS.md, "Structure gold").
The figures are printed; the thresholds below are floors that must not regress.
"""
import json
from pathlib import Path


GOLD = json.loads((Path(__file__).parent / "fixtures" / "structure_gold.json").read_text(encoding="utf-8"))


def ours(seed_doc, key):
    for p in seed_doc.proposals:
        r = p.resolution
        if r and ((r.number == key) or (r.draft_label == key)) and r.only_part is None:
            return r
    raise KeyError(key)


def flat(clauses):
    for c in clauses:
        yield c
        yield from flat(c.children)


def gold_flat(clauses):
    for c in clauses:
        yield c
        yield from gold_flat(c.get("children") or [])


def score(seed_doc):
    s = {"sections": 0, "sections_right": 0, "labels": 0, "labels_right": 0,
         "deleted_gold": 0, "deleted_found": 0, "deleted_false": 0, "addressees": 0, "addressees_right": 0}
    for key, g in GOLD["resolutions"].items():
        r = ours(seed_doc, key)
        by_line = {sec.span.line_start: sec for sec in r.sections}
        clause_by_line = {c.span.line_start: c for sec in r.sections for c in flat(sec.clauses)}
        for gs in g["sections"]:
            s["sections"] += 1
            sec = by_line.get(gs["line"])
            if sec is not None and sec.verb == gs["verb"] and sec.kind == gs["kind"]:
                s["sections_right"] += 1
            if gs.get("addressees"):
                s["addressees"] += 1
                if sec is not None and sorted(sec.addressees) == sorted(gs["addressees"]):
                    s["addressees_right"] += 1
            for gc in gold_flat(gs["clauses"]):
                if gc.get("printed") in (None, "–", "•") or gc.get("bullet"):
                    continue
                c = clause_by_line.get(gc["line"])
                gold_deleted = gc["status"] in ("deleted", "replaced-old")
                s["labels"] += 1
                if gold_deleted:
                    s["deleted_gold"] += 1
                if c is None:
                    continue
                got_new = c.label if c.label_change != "uncertain" else None
                want_new = None if gold_deleted else gc.get("new")
                if got_new == want_new:
                    s["labels_right"] += 1
                if gold_deleted and c.label is None:
                    s["deleted_found"] += 1
                if not gold_deleted and c.label is None:
                    s["deleted_false"] += 1
    return s


def test_structure_against_the_hand_reading(seed_doc, capsys):
    s = score(seed_doc)
    with capsys.disabled():
        print(f"\nstructure gold: sections {s['sections_right']}/{s['sections']}, "
              f"labels {s['labels_right']}/{s['labels']}, deletions found {s['deleted_found']}/{s['deleted_gold']} "
              f"(false deletions {s['deleted_false']}), addressees {s['addressees_right']}/{s['addressees']}")
    assert s["sections_right"] / s["sections"] >= 0.95
    assert s["labels_right"] / s["labels"] >= 0.85
    assert s["deleted_found"] / max(1, s["deleted_gold"]) >= 0.6
