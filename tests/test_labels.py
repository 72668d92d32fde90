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
