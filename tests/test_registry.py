"""The resolution status of a citation (pipeline.citations.status_of): resolved, unverified,
broken or ambiguous, with the candidates of an ambiguous one.

Expected values come from the hand readings (SEED_FACTS.md) or from facts the source
text states: "Dubai, 2012" was both WCIT-12 and WTSA-12; SDG 18 and target 9.z do not
exist; the ITRs exist in a 1988 and a 2012 edition; the Council numbers its resolutions
in four digits.
"""
import pytest

from pipeline.citations import find_citations
from pipeline.citations import status_of
from pipeline.reference.registry import registry_for


@pytest.fixture(scope="module")
def reg():
    return registry_for([])


def status(text, reg, kind=None):
    out = [status_of(c, reg) for c in find_citations(text) if kind is None or c.kind == kind]
    assert out, text
    return out


@pytest.mark.parametrize("text,expected", [
    # SEED_FACTS.md: "Dubai, 2012" is both WCIT-12 and WTSA-12; no body printed, no "Rev."
    ("Resolution 1 (Dubai, 2012)", ("ambiguous", ["wcit/1", "wtsa/1"])),
    ("Resolution 58 (Dubai, 2012)", ("ambiguous", ["wcit/58", "wtsa/58"])),
    ("Decision 5", ("ambiguous", [])),                                  # body of a decision not stated
    ("Question 3/2", ("ambiguous", [])),                                # sector not stated (l.1825 has it)
    ("Article 6 of the International Telecommunication Regulations", ("ambiguous", [])),   # 1988 or 2012
    ("Buenos Aires Declaration", ("ambiguous", [])),                    # WTDC-94 or WTDC-17 (l.2248)
    ("the strategic plan for the Union", ("ambiguous", [])),            # no period printed
    ("SDG 9", ("resolved", [])), ("Target 9.c", ("resolved", [])), ("indicator 9.c.1", ("resolved", [])),
    ("SDG 18", ("broken", [])), ("Target 9.z", ("broken", [])),        # no such goal, no such target
    ("ITUD Question 3/5", ("broken", [])),                              # ITU-D has study groups 1 and 2
    ("ITUD Question 22-1/1", ("unverified", [])),                       # l.1807, well-formed
    ("Resolution 0 of WTDC", ("broken", [])),
])
def test_status_read_from_the_text(text, expected, reg):
    assert status(text, reg) == [expected]


def test_a_bare_number_only_one_body_uses_is_unverified_with_that_candidate(reg):
    # "Resolution 179" with no body and no revision (l.1795 prints it so, body from context): only
    # the Plenipotentiary Conference has resolutions numbered above 100 in the PP-18 lists
    assert status("Resolution 179", reg) == [("unverified", ["pp/179"])]
    assert status("Resolution 203", reg) == [("unverified", ["pp/203"])]


def test_strategic_plan_resolved_only_when_the_corpus_holds_it(seed_doc):
    """The corpus holds the 2020-2023 plan (Annex 1 to Res 71, strategic_plan_gold.json); the
    2016-2019 plan it replaces is cited but not held."""
    with_seed, without = registry_for([seed_doc]), registry_for([])
    new = "the Strategic Plan for the Union for 2020-2023"
    old = "the Strategic Plan for the Union for 2016-2019"
    assert status(new, with_seed, "strategic-plan") == [("resolved", [])]
    assert status(old, with_seed, "strategic-plan") == [("unverified", [])]
    assert status(new, without, "strategic-plan") == [("unverified", [])]


def test_itu_resolutions_in_the_corpus_are_resolved(seed_doc, facts):
    reg = registry_for([seed_doc])
    for r in facts["resolutions"]:
        (c,) = [c for c in find_citations(f"Resolution {r['number']} (Rev. Dubai, 2018) of the Plenipotentiary Conference")
                if c.kind == "itu-resolution"]
        assert status_of(c, reg) == ("resolved", []), r["number"]


@pytest.mark.xfail(strict=True, reason="pipeline/citations/itu_resolution.py (status) calls a four-digit number with body 'unknown' broken "
                                       "(plausible_resolution_number('unknown', '1306') is False), though Council "
                                       "resolutions have four digits: seed l.2421 'Resolution 1306 adopted by the 2009 "
                                       "session of the Council' is reported as a broken reference")
def test_a_four_digit_resolution_of_an_unread_body_is_not_broken(reg):
    st = status("Resolution 1306 adopted by the 2009 session of the Council", reg, "itu-resolution")
    assert st[0][0] != "broken"
