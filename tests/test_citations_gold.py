"""Citation extraction and resolution scored against a hand-labelled gold standard.

tests/fixtures/citations_gold.json: every citation in the texts of Resolutions 25, 30,
70, 101, 130, 140, 200 and [ACP-1], labelled by hand (SEED_FACTS.md, "Citations gold").
A citation counts as found when the same line yields the same target; only citations
that stand in the proposed text (current/inserted) are compared, deleted ones apart.
Figures are printed per kind; the floors below must not regress, and no ITU resolution
may ever be assigned to the wrong body.
"""
import json
import os
from collections import defaultdict
from pathlib import Path


from pipeline.rdf.uris import slug

GOLD = json.loads((Path(__file__).parent / "fixtures" / "citations_gold.json").read_text(encoding="utf-8"))
LIVE = ("current", "inserted")
FAMILY = {"itu-resolution": "itu-resolution", "un-resolution": "un", "un-document": "un", "agenda-2030-title": "un",
          "sdg-goal": "sdg", "sdg-target": "sdg", "sdg-indicator": "sdg", "constitution": "cs-cv", "convention": "cs-cv",
          "council-document": "council-document", "wsis": "wsis", "recommendation": "recommendation",
          "itu-decision": "itu-decision", "internal": "internal", "question": "question", "jiu-report": "jiu-report",
          "action-plan": "action-plan", "strategic-plan": "strategic-plan", "other": "other"}


def target_of(c) -> tuple[str, str] | None:
    k = c.kind
    if k == "itu-resolution":
        return ("itu-resolution", f"{c.key[0]}/{c.key[1]}")
    if k == "un":
        return ("un", c.key[0])
    if k == "sdg":
        return ("sdg", f"sdg/{c.key[1]}")
    if k in ("constitution", "convention"):
        return ("cs-cv", f"{k}/{c.key[0] or 'whole'}")
    if k == "council-document":
        return ("council-document", f"council-document/{c.key[0]}")
    if k == "wsis":
        if c.key[0] == "action-line":
            return ("wsis", f"wsis/action-line/{c.key[1]}")
        return ("wsis", f"wsis/{c.key[0]}" + (f"/para-{c.key[1]}" if c.key[1] else ""))
    if k == "recommendation":
        return ("recommendation", f"recommendation/{c.key[0]}/{c.key[1]}")
    if k == "supplement":
        rec, _, n = c.key[1].partition("-suppl-")
        return ("recommendation", f"recommendation/{c.key[0]}/{rec}.Suppl.{n}")
    if k == "itu-decision":
        return ("itu-decision", f"{c.key[0]}-decision/{c.key[1]}")
    if k == "question":
        return ("question", f"question/{c.key[0]}/{c.key[1]}")
    if k == "jiu-report":
        return ("jiu-report", f"jiu-report/{c.key[0]}")
    if k == "action-plan":
        return ("action-plan", "action-plan/" + "/".join(x for x in c.key[1:] if x))
    if k == "strategic-plan":
        level, period, code = c.key
        return ("strategic-plan", f"strategic-goal/{code}" if level == "goal" else f"strategic-plan/{period or 'unspecified'}")
    if k == "wtpf-opinion":
        return ("other", f"wtpf/{c.revision.year}/opinion-{c.key[1]}")
    if k == "instrument":
        body, key = c.key[:2]
        if key == "itr" and len(c.key) > 2:
            return ("other", f"itrs/2012/{c.key[2]}")
        if key in ("radio-regulations", "itr"):
            return ("other", key)
        if body == "un" and key.startswith("CSW"):   # UN documents named, not numbered: the gold's un-document
            return ("un", f"un-document/{key}")
        return ("other", f"other/{key}")
    return None


def gold_target(g) -> tuple[str, str] | None:
    fam = FAMILY.get(g["kind"])
    if fam is None:
        return None
    t = g["target"]
    if fam == "internal":
        sec, _, label = t.rpartition("/")
        return ("internal", f"{slug(sec)}/{label}" if sec else t)
    return (fam, t)


def ours(seed_doc):
    wanted = set(GOLD["resolutions"])
    live, dead = set(), set()
    for p in seed_doc.proposals:
        r = p.resolution
        if r is None or (r.number or r.draft_label) not in wanted or r.only_part:
            continue
        stack = [c for s in r.sections + [x for a in r.annexes for x in a.sections] for c in s.clauses]
        while stack:
            c = stack.pop()
            stack.extend(c.children)
            for cit in c.citations:
                t = target_of(cit)
                if t:
                    (live if cit.status in LIVE else dead).add((cit.span.line_start,) + t)
            ranges: dict = {}
            for ref in c.references:
                if ref.target_section is None:
                    continue
                if ref.target_section.startswith("annex"):
                    t = ref.target_section
                elif ref.target_key is None:
                    if ref.label is not None:
                        continue        # not resolved to a clause: a finding, not a link
                    t = f"{ref.target_section}/-"   # the whole section ("bearing in mind above")
                elif " to " in ref.printed:
                    # a range yields one reference per clause; the gold writes it "first-last"
                    ranges.setdefault((ref.span.char_start, ref.target_section, ref.status), []).append(ref)
                    continue
                else:
                    t = f"{ref.target_section}/{ref.target_key}"
                # deleted/uncertain are text statuses; unverified/ambiguous/broken concern the target only
                (dead if ref.status in ("deleted", "uncertain") else live).add((ref.span.line_start, "internal", t))
            for (_a, sec, status), refs in ranges.items():
                t = f"{sec}/{refs[0].target_key}-{refs[-1].target_key}"
                (dead if status in ("deleted", "uncertain") else live).add((refs[0].span.line_start, "internal", t))
    return live, dead


def test_citations_against_the_hand_labelled_gold(seed_doc, capsys):
    live, _dead = ours(seed_doc)
    gold_live = set()
    for g in GOLD["citations"]:
        t = gold_target(g)
        if t and g["status"] in LIVE:
            gold_live.add((g["line"],) + t)
    fams = sorted({t[1] for t in gold_live} | {t[1] for t in live})
    rows = {}
    for f in fams:
        o = {t for t in live if t[1] == f}
        gl = {t for t in gold_live if t[1] == f}
        hit = len(o & gl)
        rows[f] = (hit, len(o), len(gl))
    with capsys.disabled():
        print("\ncitations gold: family  found/ours (precision)  found/gold (recall)")
        for f, (hit, no, ng) in rows.items():
            print(f"  {f:17} {hit:3}/{no:<3} ({hit / no if no else 1:.2f})   {hit:3}/{ng:<3} ({hit / ng if ng else 1:.2f})")
    if os.environ.get("GOLD_DETAIL"):   # GOLD_DETAIL=1 pytest -s …: every miss and false positive
        with capsys.disabled():
            for t in sorted(gold_live - live, key=lambda t: (t[1], t[0])):
                print("  MISS", *t)
            for t in sorted(live - gold_live, key=lambda t: (t[1], t[0])):
                print("  FP  ", *t)
    hit = sum(r[0] for r in rows.values())
    n_ours = sum(r[1] for r in rows.values())
    n_gold = sum(r[2] for r in rows.values())
    with capsys.disabled():
        print(f"  {'all':17} {hit:3}/{n_ours:<3} ({hit / n_ours:.2f})   {hit:3}/{n_gold:<3} ({hit / n_gold:.2f})")
    # floors (measured 2026-11-28, before: precision 0.97, recall 0.75 once questions, JIU reports,
    # action plans, strategic plans and named instruments were scored (0.98 / 0.92 without them);
    # after: 0.99 / 0.97; ITU resolutions 1.00 / 0.98)
    assert hit / n_ours >= 0.97
    assert hit / n_gold >= 0.96
    assert rows["itu-resolution"][0] == rows["itu-resolution"][1], "an ITU resolution citation not in the gold"
    assert rows["itu-resolution"][0] / rows["itu-resolution"][2] >= 0.97
    for fam in ("question", "jiu-report", "action-plan", "strategic-plan", "wsis", "recommendation", "cs-cv"):
        h, no, ng = rows[fam]
        assert h / no >= 0.97 and h / ng >= 0.97, (fam, rows[fam])


def test_no_itu_resolution_is_given_the_wrong_body(seed_doc):
    live, dead = ours(seed_doc)
    gold_bodies = defaultdict(set)
    for g in GOLD["citations"]:
        if g["kind"] == "itu-resolution":
            body, _, n = g["target"].partition("/")
            gold_bodies[(g["line"], n)].add(body)
    wrong = []
    for t in live | dead:
        if t[1] == "itu-resolution":
            body, _, n = t[2].partition("/")
            if body != "unknown" and (t[0], n) in gold_bodies and body not in gold_bodies[(t[0], n)]:
                wrong.append(t)
    assert wrong == []


def test_no_question_plan_or_decision_is_given_the_wrong_body(seed_doc):
    """An ITU-D Question is not an ITU-T one, the Dubai Action Plan is not the Buenos Aires one,
    a PP decision is not a Council one: where the gold and we read the same line and number,
    the body (sector, plan) must agree."""
    live, dead = ours(seed_doc)

    def split(fam, target):   # → (number, body): question/itu-d/22-1/1 → ("22-1/1", "itu-d"); pp-decision/8 → ("8", "pp")
        if fam == "question":
            _q, body, code = target.split("/", 2)
            return code, body
        head, _, n = target.rpartition("/")
        return n, head.removesuffix("-decision")

    gold = defaultdict(set)
    for g in GOLD["citations"]:
        t = gold_target(g)
        if t and t[0] in ("question", "itu-decision"):
            n, body = split(t[0], t[1])
            gold[(g["line"], t[0], n)].add(body)
    wrong = []
    for t in live | dead:
        if t[1] in ("question", "itu-decision"):
            n, body = split(t[1], t[2])
            if (t[0], t[1], n) in gold and body not in gold[(t[0], t[1], n)]:
                wrong.append(t)
    assert wrong == []
