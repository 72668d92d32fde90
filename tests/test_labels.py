"""Reading clause labels through flattened tracked changes (pipeline.sources.labels).

Sequences are copied from the seed; the expected readings were worked out by hand
(tests/fixtures/SEED_FACTS.md).
"""
from pipeline.sources.labels import reconcile


def readings(seq):
    return [(r.old, r.new, r.change) for r in reconcile(seq).readings]


def test_res11_instructs_sg_renumbered_after_inserted_7():
    # seed lines 104-121: 1..6, 7 (new), 78, 89, 910, 1011, 1112, 1213
    seq = ["1", "2", "3", "4", "5", "6", "7", "78", "89", "910", "1011", "1112", "1213"]
    r = readings(seq)
    assert r[6] == (None, "7", "inserted")
    assert r[9] == ("9", "10", "renumbered")
    assert r[12] == ("12", "13", "renumbered")


def test_res11_considering_fg_is_old_f_new_g():
    r = readings(["a", "b", "c", "d", "e", "f", "fg", "gh"])
    assert r[5] == (None, "f", "inserted")
    assert r[6] == ("f", "g", "renumbered")
    assert r[7] == ("g", "h", "renumbered")


def test_res25_resolves_first_clause_deleted():
    # seed lines 191-204: 1, 21, 32, 43, 54, 65, 76, 8, 97, 108, 119, 1210, 11, 13
    r = readings(["1", "21", "32", "43", "54", "65", "76", "8", "97", "108", "119", "1210", "11", "13"])
    assert r[0] == ("1", None, "deleted")
    assert r[1] == ("2", "1", "renumbered")
    assert r[7] == ("8", None, "deleted")
    assert r[11] == ("12", "10", "renumbered")
    assert r[12] == (None, "11", "inserted")


def test_repeated_label_is_a_replacement():
    r = reconcile(["a", "a", "b"])
    assert [x.change for x in r.readings] == ["replaced", "replaced", "unchanged"]


def test_inconsistent_sequence_is_flagged_not_guessed():
    r = reconcile(["a", "b", "f", "fg"])
    assert not r.reconciled
    assert all(x.change == "uncertain" for x in r.readings)


# --- from the module's own rules (pipeline/sources/labels.py docstring and comments) ----------------

def test_label_type():
    from pipeline.sources.labels import label_type
    assert label_type(["1", "21", "32"]) == "numeric"
    assert label_type(["i", "ii", "iii"]) == "roman"
    assert label_type(["i"]) == "roman"                 # a lone i) is the first of a roman list
    assert label_type(["i", "iii", "iiiii"]) == "roman"   # i inserted, then ii glued: "i"+"ii", "ii"+"iii"
    assert label_type(["v"]) == "letter" and label_type(["x", "y"]) == "letter"   # v), x) alone are letters
    assert label_type(["h", "i", "j"]) == "letter"
    assert label_type(["i", "j"]) == "letter"


def test_roman_sub_items_glued_both_ways_are_ambiguous():
    # "iii" is old i -> new ii, or old ii -> new i: a new i) inserted before it, or an old i)
    # deleted; both cost one change, so every position is flagged, none guessed
    r = reconcile(["i", "iii", "iiiii"])
    assert r.reconciled and r.ambiguous == [0, 1, 2]
    assert {x.change for x in r.readings} == {"uncertain"}


def test_a_list_longer_than_the_limit_is_kept_as_printed_all_uncertain():
    from pipeline.sources.labels import MAX_LABELS
    printed = [str(i) for i in range(1, MAX_LABELS + 2)]
    printed[5] = "67"   # not clean, so that only the limit can stop the search
    r = reconcile(printed)
    assert r.reconciled is False
    assert r.ambiguous == list(range(len(printed)))
    assert [(x.printed, x.old, x.new, x.change) for x in r.readings] == [(s, None, s, "uncertain") for s in printed]


def test_an_unambiguous_reading_lists_no_ambiguous_position():
    r = reconcile(["1", "21", "32"])
    assert r.reconciled and r.ambiguous == []
    r = reconcile(["a", "b", "c", "cd", "de"])
    assert r.reconciled and r.ambiguous == []


def test_inconsistent_sequence_is_printed_labels_all_uncertain():
    r = reconcile(["a", "b", "f", "fg"])
    assert r.ambiguous == [0, 1, 2, 3]
    assert [(x.printed, x.old, x.new) for x in r.readings] == [("a", None, "a"), ("b", None, "b"), ("f", None, "f"),
                                                                ("fg", None, "fg")]


# --- sequences of the seed, read by hand (tests/fixtures/structure_gold.json, SEED_FACTS.md) ---

def test_res70_recalling_deleted_c_inserted_g_replaced_h():
    # l.461-472: a) b) c) dc) ed) fe) gf) g) h) h): old c deleted, g inserted, h replaced
    r = readings(["a", "b", "c", "dc", "ed", "fe", "gf", "g", "h", "h"])
    assert r[2] == ("c", None, "deleted")
    assert r[3:7] == [("d", "c", "renumbered"), ("e", "d", "renumbered"), ("f", "e", "renumbered"), ("g", "f", "renumbered")]
    assert r[7] == (None, "g", "inserted")
    assert [x[2] for x in r[8:]] == ["replaced", "replaced"]


def test_res70_noting_three_replacements():
    # l.474-479: a a b b c c
    assert [x[2] for x in readings(["a", "a", "b", "b", "c", "c"])] == ["replaced"] * 6


def test_res25_annex_and_instructs_renumbering():
    # Res 25 annex (l.254-262): a b c d de ef fg gh hi i j: d inserted, i deleted, j (hand reading:
    # unchanged, SEED_FACTS "Structure gold" hard case 1)
    r = readings(["a", "b", "c", "d", "de", "ef", "fg", "gh", "hi", "i", "j"])
    assert r[3] == (None, "d", "inserted")
    assert r[8] == ("h", "i", "renumbered")
    assert r[9] == ("i", None, "deleted")
    assert r[10] == ("j", "j", "unchanged")
    # Res 25 instructs the Council / the SG: 1 2 3 4 5 65 6: old 5 deleted, 6 -> 5, new 6 inserted
    r = readings(["1", "2", "3", "4", "5", "65", "6"])
    assert r[4:] == [("5", None, "deleted"), ("6", "5", "renumbered"), (None, "6", "inserted")]


def test_res48_instructs_sg_deleted_3_and_appended_7_8():
    # l.387-395: 1 2 3 43 54 65 76 7 8 (Structure gold hard case 2)
    r = readings(["1", "2", "3", "43", "54", "65", "76", "7", "8"])
    assert r[:3] == [("1", "1", "unchanged"), ("2", "2", "unchanged"), ("3", None, "deleted")]
    assert r[3:7] == [("4", "3", "renumbered"), ("5", "4", "renumbered"), ("6", "5", "renumbered"), ("7", "6", "renumbered")]
    assert r[7] == (None, "7", "inserted")
    # 8: new 8; whether an old 8 existed the labels cannot tell (the hand reading calls it
    # inserted from the ',;' of 76), and the cheaper reading, unchanged, is taken
    assert r[8][1:] == ("8", "unchanged")


# --- the module's rule on any flattened section: both numberings consecutive ------------------

def _flattened(rng, n, kind):
    """n old clauses edited by a proposal (some deleted, some inserted, the rest kept and maybe
    renumbered), printed as the export flattens them: old and new label glued when they differ."""
    name = str if kind == "numeric" else (lambda i: "abcdefghijklmnopqrstuvwxyz"[i - 1])
    out, old, new, i = [], 0, 0, 0
    while i < n:
        op = rng.random()
        if op < 0.15:
            old += 1
            i += 1
            out.append((name(old), None))
        elif op < 0.3 and new < 25:
            new += 1
            out.append((None, name(new)))
        else:
            old, new, i = old + 1, new + 1, i + 1
            out.append((name(old), name(new)))
    printed = [o if nw is None else nw if o is None else (o if o == nw else o + nw) for o, nw in out]
    cost = sum(1 for o, nw in out if o is None or nw is None)
    return printed, cost


def test_every_reading_numbers_old_and_new_consecutively():
    """pipeline.labels: "Neither sequence may skip: the old labels of a section count 1, 2, 3 …
    (or a, b, c …) and so do the new ones", and the reading chosen costs no more inserted or
    deleted clauses than the edit that made the section."""
    import random
    from pipeline.sources.labels import COST
    rng = random.Random(14)
    for k in range(300):
        kind = "numeric" if k % 2 else "letter"
        printed, cost = _flattened(rng, rng.randint(3, 12), kind)
        r = reconcile(printed, kind)
        assert r.reconciled, printed
        # a replaced pair (the same label twice: one old clause, one new) counts once each way
        readings, skip = [], False
        for x, nxt in zip(r.readings, r.readings[1:] + [None]):
            if skip:
                skip = False
                continue
            readings.append(x)
            skip = x.change == "replaced" and nxt is not None and nxt.change == "replaced" and nxt.printed == x.printed
        olds = [x.old for x in readings if x.old is not None]
        news = [x.new for x in readings if x.new is not None]
        ordinal = int if kind == "numeric" else (lambda s: ord(s) - 96)
        assert [ordinal(x) for x in olds] == list(range(1, len(olds) + 1)), (printed, r.readings)
        assert [ordinal(x) for x in news] == list(range(1, len(news) + 1)), (printed, r.readings)
        for x in r.readings:
            assert x.printed in (x.old, x.new, (x.old or "") + (x.new or "")), x
        assert sum(COST.get(x.change, 0) for x in r.readings if x.change != "uncertain") <= cost
