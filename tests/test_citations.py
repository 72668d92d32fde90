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


# ---- kinds added for issue 4: each string copied from the seed, with its line -------------

def kinds(text, kind, context=None):
    return [(c.key, c.status) for c in find_citations(text, context=context) if c.kind == kind]


def test_itu_d_question_with_its_hyphen_lost():
    # line 1807: "221/1" is Question 22-1/1 (non-breaking hyphen dropped), sector from the words after it
    got = kinds("j)\tthe final report on Question\u00a0221/1 (Securing information and communication networks: Best practices "
                "for developing a culture of cybersecurity) of the ITU Telecommunication Development Sector (ITUD),", "question")
    assert got == [(("itu-d", "22-1/1"), "current")]


def test_itu_d_questions_by_prefix_sentence_and_earlier_mention():
    assert kinds("d)\tthat ITUD Study Group 2 continues to carry out the studies called for in ITUD Question\u00a03/2 (Securing",
                 "question") == [(("itu-d", "3/2"), "current")]                                                  # 1825
    # 1840: bare "Question 3/2", the sentence names WTDC only
    assert kinds("that was agreed upon at WTDC1417, including Objective 3 2 and in activities under Question 3/2; ",
                 "question") == [(("itu-d", "3/2"), "current")]
    # a bare question with nothing to say its sector is not guessed
    assert kinds("to contribute to Question 3/2;", "question") == [(("unknown", "3/2"), "uncertain")]
    # ... unless the same resolution cited it earlier with its sector
    ctx = {}
    kinds("under ITUD Question\u00a03/2, to identify", "question", ctx)
    assert kinds("to contribute to Question 3/2;", "question", ctx) == [(("itu-d", "3/2"), "current")]


def test_jiu_reports_by_year():
    assert kinds("the 2016 United Nations Joint Inspection Unit report, which made a recommendation relating to regional "
                 "presence and noted that recommendations from its 2009 report remained relevant,", "jiu-report") == [
        (("2016", None), "current"), (("2009", None), "current")]                                                  # 165
    assert [k for k, _ in kinds("to continue to consider further implementation of the recommendations from the 2009 and "
                                 "2016 JIU reports (Council Documents C09/55 and C16/49);,", "jiu-report")] == [
        ("2009", None), ("2016", None)]                                                                               # 213
    assert kinds("its 2009 report", "jiu-report") == []      # "its report" only after the JIU is named


@pytest.mark.parametrize("text,expected", [
    # 182: flattened change, old plan deleted and new one inserted
    ("the strategic plan for the Union and the Dubai Buenos Aires Action Plan,",
     [(("wtdc", "dubai-2014"), "deleted"), (("wtdc", "buenos-aires-2017"), "inserted")]),
    # 2268: printed new first ("Buenos AiresDubai"): the older conference is still the deleted one
    ("the implementation of the Buenos AiresDubai Action Plan, and in particular",
     [(("wtdc", "buenos-aires-2017"), "inserted"), (("wtdc", "dubai-2014"), "deleted")]),
    # 1836: glued objective 32 = old Objective 3 of Dubai, new Objective 2 of Buenos Aires
    ("Objective\u00a032 of the DubaiBuenos Aires Action Plan; the relevant",
     [(("wtdc", "dubai-2014", "objective-3"), "deleted"), (("wtdc", "buenos-aires-2017", "objective-2"), "inserted")]),
    # 297: output and objective unchanged, plan changed
    ("b)\tOutput 4.4 of Objective 4 of the Dubai Buenos Aires Action Plan for concentrated assistance",
     [(("wtdc", "dubai-2014", "objective-4", "output-4.4"), "deleted"),
      (("wtdc", "buenos-aires-2017", "objective-4", "output-4.4"), "inserted")]),
    # 1544: a year names the conference
    ("its 2010 Hyderabad Action Plan", [(("wtdc", "hyderabad-2010"), "current")]),
    # 477: a UN system-wide action plan is not a WTDC one
    ('advocated the United Nations system-wide "Action Plan to measure gender equality and the empowerment of women"', []),
])
def test_wtdc_action_plans(text, expected):
    assert sorted(kinds(text, "action-plan")) == sorted(expected)


def test_buenos_aires_alone_is_not_guessed():
    # WTDCs met in Buenos Aires in 1994 and 2017: the year must come from the text (line 2772 has it)
    assert kinds("the Buenos Aires Action Plan", "action-plan") == [(("wtdc", "buenos-aires"), "uncertain")]
    assert kinds("the Buenos Aires Declaration and the Buenos Aires Action Plan adopted at the 2017 World Telecommunication "
                 "Development Conference (WTDC-17)", "action-plan") == [(("wtdc", "buenos-aires-2017"), "current")]


@pytest.mark.parametrize("text,expected", [
    ("linked to the strategic plan for the Union for 20162019 and the Dubai Action Plan",                       # 195
     [(("plan", "2016-2019", None), "current")]),
    ("the strategic framework for the Union for 2016-20192020-2023 and set the strategic goals",                 # 2660
     [(("plan", "2016-2019", None), "deleted"), (("plan", "2020-2023", None), "inserted")]),
    ("Global Telecommunication/ICT Targets of the ITU Strategic Plan 2020-2023, and report",                     # 2683
     [(("plan", "2020-2023", None), "current")]),
    ("–\tGoal\u00a03:\tSustainability – Manage challenges", [(("goal", None, "3"), "current")]),                 # 2670
    ("b)\tthat the ITU, in its strategic plan, includes gender equality issues", []),                           # 482
])
def test_itu_strategic_plan(text, expected):
    assert kinds(text, "strategic-plan") == expected


def test_resolution_71_does_not_cite_its_own_plan():
    ctx = {"default_body": "pp", "default_number": "71"}
    assert kinds("\tGoal 1: Growth", "strategic-plan", ctx) == []                                                # 703


def test_named_instruments_and_itr_articles():
    got = [c.key for c in find_citations(
        "h)\tof Article\u00a06, on security and robustness of networks, and Article 7, on unsolicited bulk electronic "
        "communications, of the International Telecommunication Regulations adopted by the World Conference on "
        "International Telecommunications (Dubai, 2012),") if c.kind == "instrument"]                            # 1829
    assert got == [("itu", "itr", "art-6", "2012"), ("itu", "itr", "art-7", "2012")]
    assert [c.key for c in find_citations("e)\tthe ITU Global Cybersecurity Agenda (GCA), which encourages")
            if c.kind == "instrument"] == [("itu", "itu-gca")]                                                   # 1802
    # the Connect 2020 Agenda is adopted by Resolution 200: cited elsewhere, not inside it
    line = "ed)\tResolution\u00a0200 (Busan, 2014) of this conference, on the Connect 2020 Agenda on global"     # 2183
    assert ("itu", "connect-2020-agenda") in [c.key for c in find_citations(line)]
    assert ("itu", "connect-2020-agenda") not in [c.key for c in find_citations(line, context={"default_body": "pp", "default_number": "200"})]


def test_continued_resolution_lists_and_council_lists():
    k = keys("Resolutions\u00a045(Rev.\u00a0Dubai, 2014) and 69 (Rev.\u00a0Dubai, 2014Rev. Buenos Aires, 2017);")    # 1823
    assert ("itu-resolution", ("wtdc", "69"), "current") in k
    k = keys("sessions of the ITU Council, including Resolution\u00a01332 (Rev.\u00a020112016) and 1334 (Rev.\u00a02013);")  # 2239
    assert ("itu-resolution", ("council", "1332"), "current") in k and ("itu-resolution", ("council", "1334"), "current") in k


def test_wsis_paragraph_after_a_quotation_and_action_line_lists():
    k = [c.key for c in find_citations('d)\tthat the Tunis Agenda stated that "each UN agency should act according to its '
                                        'mandate" (§\u00a0102b));') if c.kind == "wsis"]                            # 2196
    assert k == [("tunis-agenda", "102-b")]
    k = [c.key for c in find_citations("for Action Lines\u00a0C2 (Information and communication infrastructure), C5 (Building "
                                        "confidence and security in the use of ICTs) and C6 (Enabling environment) of the "
                                        "Tunis Agenda, and") if c.kind == "wsis"]                                  # 2199
    assert k == [("action-line", "C2"), ("action-line", "C5"), ("action-line", "C6")]


@pytest.mark.parametrize("text,status", [
    ("the Dubai Buenos Aires Action Plan", "resolved"),            # l.182: both WTDCs are in conferences.csv
    ("the Buenos Aires Action Plan", "ambiguous"),                 # WTDC-94 or WTDC-17
    ("Buenos Aires Declaration", "ambiguous"),                     # l.2248 (footnote 35), no year
    ("the strategic plan for the Union", "ambiguous"),             # l.182, no period
    ("ITUD Question 3/2", "unverified"),                           # l.1825: well-formed, no list of Questions ships
    ("ITUD Question 3/5", "broken"),                               # ITU-D has study groups 1 and 2 only
    ("the 2009 United Nations Joint Inspection Unit report", "unverified"),   # l.164
])
def test_registry_status_of_the_new_kinds(text, status):
    from pipeline.citations import status_of
    from pipeline.reference.registry import registry_for
    reg = registry_for([])
    assert {status_of(c, reg)[0] for c in find_citations(text) if c.kind != "itu-resolution"} == {status}


def test_lists_of_questions():
    # not in the seed: a list shares the "Questions" word and the sector named after it
    assert kinds("Questions 3/2 and 5/1 of ITU-D", "question") == [(("itu-d", "3/2"), "current"), (("itu-d", "5/1"), "current")]


def test_three_part_symbol_that_is_no_glue_is_broken_never_minted():
    """'68/68/68/302' (a mutation found by the fuzz run) is neither a UN symbol nor two
    glued ones (the second part is too short to hold a number and a session): the citation
    is kept as broken with a note, and no A/RES/68/68/68 resource is minted."""
    from pipeline.citations import status_of
    from pipeline.reference.registry import Registry
    [c] = [c for c in find_citations("UNGA Resolution 68/68/68/302;") if c.kind == "un"]
    assert c.key == (None,)
    assert "not a well-formed UN symbol" in c.note
    assert status_of(c, Registry())[0] == "broken"


# ---------------------------------------------------------------- bad input (issue 4) ---

def test_bad_citations_in_a_document_are_findings_with_their_line_never_resources():
    """Issue 4, "Bad input": a citation broken across a line, a number that cannot be a
    resolution, a symbol with stray characters, SDG 18, target 9.z — each reported as a
    finding with its line, nothing minted.  The seed's l.289 (Res 30, considering d) is
    replaced by damaged text and a line holding the rest of a broken citation."""
    from pathlib import Path

    from rdflib import URIRef

    from pipeline.mapping import Mapper
    from pipeline.sources import parse
    from pipeline.settings import PROJECT_ROOT, Settings

    seed = PROJECT_ROOT / "data" / "sources" / "000_e6762f12f0311554.txt"
    lines = seed.read_text(encoding="utf-8").split("\n")
    assert lines[288].startswith("d)\tUNGA Resolution 70/1, on transforming our world")
    lines[288] = ("d)\tSDG 18, target 9.z, Resolution 9999 (Rev. Dubai, 2018) of this conference, "
                  "UNGA Resolution 70/1x and the UNGA Resolution")
    lines.insert(289, "70/1 on the follow-up;")
    doc = parse(Path("damaged.txt"), text="\n".join(lines))
    m = Mapper(doc, Settings(base="http://x/"))
    g = m.run()
    at_289 = {(f.kind, f.quote) for f in m.findings if f.span.line_start == 289}
    messages = " | ".join(f.message for f in m.findings if f.span.line_start == 289)
    # SDG 18 and target 9.z cannot exist (the goals are 1-17; goal 9 has targets 9.1-9.5, 9.a-9.c)
    assert ("impossible-reference", "SDG 18") in at_289 and ("impossible-reference", "target 9.z") in at_289
    assert "no resolution of Plenipotentiary Conference can have the number 9999" in messages
    assert "'70/1x' has stray characters" in messages
    assert "broken across lines 289-290" in messages
    minted = {str(t) for t in g.all_nodes() if isinstance(t, URIRef)}
    assert "http://x/id/resolution/pp/9999" not in minted
    assert not any("70/1x" in t or t.endswith("/sdg/18") or t.endswith("/sdg/9.z") for t in minted)


@pytest.mark.parametrize("text", ["Resolution 0 of WTDC", "Resolution 1000 of WTDC", "Resolution 012 of this conference"])
def test_numbers_no_resolution_can_have_are_broken(text):
    from pipeline.citations import status_of
    from pipeline.reference.registry import Registry
    [c] = [c for c in find_citations(text) if c.kind == "itu-resolution"]
    assert status_of(c, Registry())[0] == "broken"


def test_council_resolutions_have_four_digits():
    from pipeline.citations import status_of
    from pipeline.reference.registry import Registry
    [c] = [c for c in find_citations("Council Resolution 1305 (2009)") if c.kind == "itu-resolution"]
    assert c.key == ("council", "1305") and status_of(c, Registry())[0] != "broken"


# --- what each citation says it read (its printed words, its edition, its neighbours) -------

def test_every_citation_of_the_seed_prints_the_words_it_was_read_from(seed_doc):
    """A citation's ``printed`` is the seed's own words (SEED_FACTS.md: NBSP as a space):
    never empty, and its first word stands on its line."""
    lines = seed_doc.text.replace("\u00a0", " ").split("\n")
    n = 0
    for p in seed_doc.proposals:
        cits = list(p.citations)
        r = p.resolution
        if r is not None:
            stack = [c for s in r.sections + [x for a in r.annexes for x in a.sections] for c in s.clauses]
            while stack:
                c = stack.pop()
                stack.extend(c.children)
                cits += c.citations
        for c in cits:
            assert isinstance(c.printed, str) and c.printed.strip(), c
            text = " ".join(lines[c.span.line_start - 1:c.span.line_end])
            head = c.printed.split(" … ")[0].split()[0]   # a list member prints "Resolutions 72 (…)"
            assert head in " ".join(text.split()), (c.span.line_start, c.printed)
            n += 1
    assert n > 700


@pytest.mark.parametrize("typed", ["9.c", "Target 9.c", "5.b.1", "SDG 9", "Goal 9", "WTDC 23", "Council 1305"])
def test_a_typed_shorthand_keeps_what_was_typed(typed):
    (c,) = parse_target(typed)
    assert c.printed == typed


@pytest.mark.parametrize("text,year", [
    # l.302: "Article 6 … and Article 7 … of the International Telecommunication Regulations (ITRs)
    # adopted by WCIT-12": the edition is that of the conference named after them
    ("Article 6 of the International Telecommunication Regulations adopted by WCIT-12", "2012"),
    ("Article 6 of the International Telecommunication Regulations (Dubai, 2012)", "2012"),
    ("Article 6 of the International Telecommunication Regulations adopted by WATTC-88", "1988"),
    ("Article 6 of the International Telecommunication Regulations (Melbourne, 1988)", "1988"),
    ("Article 6 of the International Telecommunication Regulations", None),
])
def test_itr_articles_take_the_edition_printed(text, year):
    (c,) = [c for c in find_citations(text) if c.kind == "instrument"]
    assert c.key == ("itu", "itr", "art-6", year)
    assert c.status == ("current" if year else "uncertain")


def test_a_csw_session_does_not_hide_the_citations_before_it():
    # Res 70 noting a) (l.474) and c) (l.478): a GA resolution and a CSW session in one clause
    text = ("the Strategy referenced in UNGA Resolution 72/234, and the agreed conclusions of the "
            "sixty-second session of the Commission on the Status of Women")
    assert [(c.kind, c.key) for c in find_citations(text)] == [
        ("un", ("A/RES/72/234",)), ("instrument", ("un", "CSW62-agreed-conclusions"))]


def test_a_character_that_defeats_case_folding_changes_no_reading():
    # U+0130 (İ) makes lower-casing change lengths: the aliases are then read without their
    # lower-case prefilter, and must give the same citation
    base = "recognized in the 2030 Agenda for Sustainable Development"
    plain = [(c.kind, c.key) for c in find_citations(base)]
    assert plain == [("un", ("A/RES/70/1",))]
    assert [(c.kind, c.key) for c in find_citations(base + " (\u0130stanbul)")] == plain


def test_questions_in_a_list_each_print_their_own_number():
    # l.1840-style list: "ITU-D Questions 3/1, 5/1 and 7/2"
    cs = [c for c in find_citations("ITU-D Questions 3/1, 5/1 and 7/2") if c.kind == "question"]
    assert [(c.key, c.printed) for c in cs] == [(("itu-d", "3/1"), "ITU-D Questions 3/1"), (("itu-d", "5/1"), "5/1"),
                                               (("itu-d", "7/2"), "7/2")]
    (one,) = [c for c in find_citations("ITU-D Question 3/1") if c.kind == "question"]
    assert one.printed == "ITU-D Question 3/1"


def test_glued_un_symbols_say_how_they_were_read():
    # l.287: "68/19872/200" = 68/198 deleted, 72/200 inserted (SEED_FACTS.md, glued symbols)
    cs = [c for c in find_citations("Resolution 68/19872/200 of the United Nations General Assembly") if c.kind == "un"]
    assert [(c.key, c.status) for c in cs] == [(("A/RES/68/198",), "deleted"), (("A/RES/72/200",), "inserted")]
    assert all(c.note and "68/198" in c.note and "72/200" in c.note for c in cs)


def test_the_strategic_plan_without_a_period_is_one_uncertain_citation():
    (c,) = find_citations("the strategic plan for the Union")
    assert (c.kind, c.key) == ("strategic-plan", ("plan", None, None))
    assert c.printed == "the strategic plan for the Union" and "no period" in c.note


def test_a_period_that_runs_backwards_is_no_plan_period():
    (c,) = find_citations("the strategic plan for the Union for 2019-2016")
    assert (c.kind, c.key, c.status) == ("strategic-plan", ("plan", None, None), "uncertain")
    assert "2019-2016" in c.note


def test_a_flattened_range_reads_only_old_labels_the_section_had():
    """pipeline.citations._range_end: "2 1" is old 2 → new 1 only when 2 was an old label of the
    section and 1 is a new one (the seed's "resolves 2 1 to 13 11", l.250)."""
    from pathlib import Path
    from pipeline.sources import parse
    hdr = ("\tProposal ACP/64A1/3 - Summary: x\nMOD\tACP/64A1/3\nRESOLUTION 11 (Rev. Busan, 2014Dubai, 2018)\nTitle\n"
           "The Plenipotentiary Conference of the International Telecommunication Union (Dubai, 2018),\n")
    text = hdr + ("resolves\n1\tx;\n21\ty;\n32\tz.\ninstructs the Secretary-General\n"
                  "1\tto implement resolves 2 1 to 3 2 above;\n2\tto report on resolves 7 1 to 3 2 above.\n")
    doc = parse(Path("x.txt"), text=text)
    isg = doc.proposals[0].resolution.sections[1]
    assert [(r.target_section, r.target_key, r.status) for r in isg.clauses[0].references] == \
        [("resolves", "1", "current"), ("resolves", "2", "current")]
    assert [(r.target_key, r.status) for r in isg.clauses[1].references] == [(None, "broken")]
    assert any(f.kind == "dangling-reference" and "7 1" in f.message for f in doc.findings)


def test_an_action_plan_with_a_year_no_wtdc_met_in_is_not_guessed():
    # WTDC-10 met at Hyderabad (SEED_FACTS.md: "the Hyderabad Action Plan (l.1544) is WTDC-10's"),
    # WTDC-14 at Dubai, WTDC-17 at Buenos Aires
    (c,) = find_citations("the 2010 Dubai Action Plan")
    assert (c.key, c.status) == (("wtdc", "dubai"), "uncertain")
    assert c.note == "no WTDC met at Dubai in 2010"
    assert [c.key for c in find_citations("the 2014 Dubai Action Plan")] == [("wtdc", "dubai-2014")]
    assert [c.key for c in find_citations("the 2017 Buenos Aires Action Plan")] == [("wtdc", "buenos-aires-2017")]


def test_a_month_and_year_in_parentheses_is_a_date_not_a_un_symbol():
    # l.1566 "(05/2013)", l.2427 "(11/2009)": Recommendation dates (SEED_FACTS.md, n/n false
    # friends); a first number above 12 is no month, so "13/2008" is read as a symbol
    assert [c for c in find_citations("UNGA resolution (12/2008)") if c.kind == "un"] == []
    assert [c.key for c in find_citations("UNGA resolution (13/2008)") if c.kind == "un"] == [("A/RES/13/2008",)]
