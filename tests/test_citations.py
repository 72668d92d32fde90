"""Citation reading (pipeline.citations); every input string is copied from the seed."""
import pytest

from pipeline.citations import find_citations, parse_revisions, parse_target


def keys(text):
    return [(c.kind, c.key, c.status) for c in find_citations(text)]


@pytest.mark.parametrize("text", [
    "UNGA Resolution 70/1, on transforming our world",                 # line 289
    "Resolution 70/1 of the United Nations General Assembly (UNGA) on", # line 167
    "paragraph 15 in the document A/Res/70/1 of the UN Assembly on",    # line 2771
])
def test_unga_70_1_in_every_shape(text):
    assert ("un", ("A/RES/70/1",), "current") in keys(text)


def test_glued_unga_symbol_is_split_never_published_glued():
    # line 287
    k = keys("Resolution 68/19872/200 of the United Nations General Assembly (UNGA), on")
    assert ("un", ("A/RES/68/198",), "deleted") in k
    assert ("un", ("A/RES/72/200",), "inserted") in k
    assert not any("19872" in key[0] for _, key, _ in k)


def test_wtdc_23_is_not_pp_23():
    # line 1519
    k = keys("Resolution 23 (Rev. DubaiBuenos Aires, 20142017) of the World Telecommunication Development Conference (WTDC), on")
    assert ("itu-resolution", ("wtdc", "23"), "current") in k
    assert not any(key == ("pp", "23") for _, key, _ in k)


def test_lists_of_this_conference():
    k = keys("Resolutions 102, 130, 133 and 180 (Rev. Busan, 2014) of this conference")
    assert [key for _, key, _ in k] == [("pp", "102"), ("pp", "130"), ("pp", "133"), ("pp", "180")]


def test_itu_r_and_other_un_organs():
    assert ("itu-resolution", ("ra", "48"), "current") in keys("Resolution ITU-R 48 (Rev. Geneva, 20122015) of the Radiocommunication Assembly")
    assert ("un", ("E/RES/2012/24",), "current") in keys("ECOSOC Resolution 2012/24, on mainstreaming")
    assert ("un", ("A/HRC/RES/20/8",), "current") in keys("United Nations Human Rights Council Resolution 20/8, adopted on 5 July 2012")


@pytest.mark.parametrize("text", [
    "the final report on Question 221/1 (Securing information",            # ITU-D Question, not UN
    "Supplement 2 to Recommendation ITUT D.50 (05/2013), to complete",      # a date
    "(Council Documents C09/55 and C16/49)",                                  # Council documents
])
def test_not_un_documents(text):
    assert not [k for k in keys(text) if k[0] == "un"]


def test_glued_revision():
    old, new, _ = parse_revisions("Rev. DubaiBuenos Aires, 20142017")
    assert (old.place, old.year, new.place, new.year) == ("Dubai", "2014", "Buenos Aires", "2017")


@pytest.mark.parametrize("typed,key", [
    ("UNGA 70/1", ("A/RES/70/1",)),
    ("A/RES/70/1", ("A/RES/70/1",)),
    ("Resolution 70/1 of the United Nations General Assembly", ("A/RES/70/1",)),
    ("WTDC 23", ("wtdc", "23")),
    ("SDG 9", ("goal", "9")),
    ("target 9.c", ("target", "9.c")),
])
def test_query_targets_use_the_same_reading(typed, key):
    assert [c.key for c in parse_target(typed)] == [key]


@pytest.mark.parametrize("text,expected", [
    # each string copied from the seed, with its line
    ("§§ 27 c) and 50 d) of the Tunis Agenda for the Information Society, relating",          # 1515
     [("wsis", ("tunis-agenda", "27-c")), ("wsis", ("tunis-agenda", "50-d"))]),
    ("No. 196 of the ITU Convention, which stipulates", [("convention", ("no-196",))]),     # 1517
    ("hi)\tRecommendation ITUT D.50, on general tariff principles", [("recommendation", ("itu-t", "D.50"))]),  # 1521
    ("Opinion 4 (Lisbon, 2009) of the World Telecommunication Policy Forum", [("wtpf-opinion", ("wtpf", "4"))]),  # 1816
    ("(Council Documents C09/55 and C16/49);", [("council-document", ("C09/55",)), ("council-document", ("C16/49",))]),  # 213
    ("Decision 517, adopted by the ITU Council at its 2004 session", [("itu-decision", ("council", "517"))]),  # 352
    ("Annex 1 to Decision 5 (Rev. Busan, 2014) of this conference", [("itu-decision", ("pp", "5"))]),  # 593
    ("(No. 13 in Article 1 of the ITU Constitution);", [("constitution", ("no-13",))]),     # 1708
])
def test_other_instruments(text, expected):
    got = [(c.kind, c.key) for c in find_citations(text) if c.kind not in ("un", "itu-resolution", "sdg")]
    assert got == expected


def test_un_convention_on_the_rights_of_the_child_is_not_the_itu_convention():
    # line 2415
    assert not [c for c in find_citations("a)\tthe United Nations Convention on the Rights of the Child (1989), the")
                if c.kind == "convention"]


def test_strategic_plan_targets_are_not_sdg_targets():
    # line 705: ITU strategic target 1.1 — not SDG target 1.1
    assert not [c for c in find_citations("\tTarget 1.1: by 2023, 65% of households worldwide with access to the Internet")
                if c.kind == "sdg"]
    # line 1421: "Target 9.c" next to SDG 9 is the SDG target
    assert ("sdg", ("target", "9.c")) in [(c.kind, c.key) for c in find_citations(
        "ITU's work contributes to SDG 9, in particular Target 9.c")]


@pytest.mark.parametrize("text,goal", [
    ("Member States have committed to Sustainable Development Goal 5 (SDG5): Achieve gender equality", "5"),  # 490
    ("UN-Women and WMO to achieve Sustainable Development Goal 11: \"Make cities", "11"),                      # 2587
    ("b)\tthe Goal 9 in the 2030 Agenda for Sustainable Development: “build resilient", "9"),                 # 2777
])
def test_sdg_goals_in_running_text(text, goal):
    assert ("sdg", ("goal", goal)) in [(c.kind, c.key) for c in find_citations(text)]
