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


#: clauses (resolution, line) whose reading differs from the hand reading, and why
KNOWN_LABEL_MISREADS = {
    ("70", 495): "Res 70 recognizing further c) c): the hand reading puts the OLD clause first here (GEM-TECH launch -> "
                 "its renaming as EQUALS in Tech), against the new-first order of every other pair in Res 70 "
                 "(SEED_FACTS hard case 7); the labels cannot tell, and we read the second c) as the deleted one",
    ("70", 498): "Res 70 considering a) a): we read the pair new-first as the hand reading does, but flag it "
                 "uncertain (so no new label is asserted); the hand reading is itself 'uncertain' (weakest pair)",
}
#: clauses the hand reading deletes that we keep, and clauses we delete that it keeps
KNOWN_MISSED_DELETIONS = {
    ("70", 494): "the old half of Res 70 recognizing further c) c), read the other way round (see KNOWN_LABEL_MISREADS)",
}
KNOWN_FALSE_DELETIONS = {
    ("70", 495): "the new half of Res 70 recognizing further c) c), read as the old one (see KNOWN_LABEL_MISREADS)",
}


def compare(seed_doc):
    """Every section, addressee list and clause reading of the gold against ours."""
    out = {"sections": [], "addressees": [], "labels": [], "missed_deletions": [], "false_deletions": [],
           "counts": {"sections": 0, "addressees": 0, "labels": 0, "deleted": 0}}
    for key, g in GOLD["resolutions"].items():
        r = ours(seed_doc, key)
        by_line = {sec.span.line_start: sec for sec in r.sections}
        clause_by_line = {c.span.line_start: c for sec in r.sections for c in flat(sec.clauses)}
        for gs in g["sections"]:
            out["counts"]["sections"] += 1
            sec = by_line.get(gs["line"])
            if sec is None or (sec.verb, sec.kind) != (gs["verb"], gs["kind"]):
                out["sections"].append((key, gs["line"], gs["verb"], gs["kind"], sec and (sec.verb, sec.kind)))
            # every section's addressees, the empty lists of preambular sections included
            out["counts"]["addressees"] += bool(gs["addressees"])
            if sec is None or sorted(sec.addressees) != sorted(gs["addressees"]):
                out["addressees"].append((key, gs["line"], gs["addressees"], sec and sec.addressees))
            for gc in gold_flat(gs["clauses"]):
                if gc.get("printed") in (None, "–", "•") or gc.get("bullet"):
                    continue
                out["counts"]["labels"] += 1
                c = clause_by_line.get(gc["line"])
                gold_deleted = gc["status"] in ("deleted", "replaced-old")
                out["counts"]["deleted"] += gold_deleted
                if c is None:
                    out["labels"].append((key, gc["line"]))
                    continue
                got_new = c.label if c.label_change != "uncertain" else None
                want_new = None if gold_deleted else gc.get("new")
                if got_new != want_new:
                    out["labels"].append((key, gc["line"]))
                if gold_deleted and c.label is not None:
                    out["missed_deletions"].append((key, gc["line"]))
                if not gold_deleted and c.label is None:
                    out["false_deletions"].append((key, gc["line"]))
    return out


def test_structure_against_the_hand_reading(seed_doc, capsys):
    s = compare(seed_doc)
    n = s["counts"]
    with capsys.disabled():
        print(f"\nstructure gold: sections {n['sections'] - len(s['sections'])}/{n['sections']}, "
              f"labels {n['labels'] - len(s['labels'])}/{n['labels']}, "
              f"deletions found {n['deleted'] - len(s['missed_deletions'])}/{n['deleted']} "
              f"(false deletions {len(s['false_deletions'])}), addressee lists wrong {len(s['addressees'])}")
    assert n["sections"] == 66 and n["labels"] == 332 and n["deleted"] == 17 and n["addressees"] == 26
    assert s["sections"] == [], "every section's verb and kind as read by hand"
    assert s["addressees"] == [], "every section's addressees as read by hand"
    assert sorted(set(s["labels"]) - KNOWN_LABEL_MISREADS.keys()) == [], "new label misreads"
    assert sorted(KNOWN_LABEL_MISREADS.keys() - set(s["labels"])) == [], "fixed: take them off KNOWN_LABEL_MISREADS"
    assert sorted(set(s["missed_deletions"]) - KNOWN_MISSED_DELETIONS.keys()) == [], "deleted clauses kept"
    assert sorted(KNOWN_MISSED_DELETIONS.keys() - set(s["missed_deletions"])) == [], "fixed: take them off the list"
    assert sorted(set(s["false_deletions"]) - KNOWN_FALSE_DELETIONS.keys()) == [], "false deletions"
    assert sorted(KNOWN_FALSE_DELETIONS.keys() - set(s["false_deletions"])) == [], "fixed: take them off the list"


def test_replacement_pairs_are_one_deleted_one_new(seed_doc):
    """Two identical labels in a row (a) a), c) c)) are a clause replaced under its label: one
    of the pair is deleted, the other carries the label, as the hand reading's
    replaced-old/replaced-new pairs say (SEED_FACTS.md, "Structure gold")."""
    pairs = 0
    for key, g in GOLD["resolutions"].items():
        r = ours(seed_doc, key)
        clause_by_line = {c.span.line_start: c for sec in r.sections for c in flat(sec.clauses)}
        for gs in g["sections"]:
            cl = [gc for gc in gold_flat(gs["clauses"]) if gc["status"] in ("replaced-old", "replaced-new")]
            for a, b in zip(cl, cl[1:]):
                if a["printed"] != b["printed"] or {a["status"], b["status"]} != {"replaced-old", "replaced-new"}:
                    continue
                pairs += 1
                ca, cb = clause_by_line[a["line"]], clause_by_line[b["line"]]
                label = (a.get("new") or b.get("new"))
                assert sorted([ca.label, cb.label], key=str) == sorted([None, label], key=str), (key, a["line"])
                assert {ca.former_label, cb.former_label} >= {a.get("old") or b.get("old")}, (key, a["line"])
    assert pairs == 7   # Res 48 recalling a) a); Res 70 recalling h) h), noting a a b b c c, recognizing further c) c), considering a) a)
