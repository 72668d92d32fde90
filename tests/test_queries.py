"""The query library (issue 8): every query parses, runs on the seed and gives an answer
read from the seed by hand.

Expected values come from ``tests/fixtures/seed_facts.json`` / ``SEED_FACTS.md`` (a hand
reading of the seed) or are read here from the seed's own lines (``SEED``), never from
what the code printed.  Line numbers are 1-based lines of
``data/sources/000_e6762f12f0311554.txt``.
"""
from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from pipeline import query as qmod
from pipeline.settings import PROJECT_ROOT, Settings
from pipeline.rdf.vocab import PREFIXES

SEED = PROJECT_ROOT / "data" / "sources" / "000_e6762f12f0311554.txt"  # as in conftest.py
BASE = "http://127.0.0.1:8000/"  # the seed fixtures' base (conftest.py)
COOKBOOK = PROJECT_ROOT / "docs" / "cookbook.md"
REQUIRED = ("cites", "cited-by", "instructions", "sdg-links", "proposals", "broken-references")
CATALOGUE = qmod.catalogue(Settings(base=BASE))
NAMES = sorted(CATALOGUE)
SEED_LINES = SEED.read_text(encoding="utf-8").split("\n")


#: questions about what a conference did with the proposals: they need the adopted texts beside the
#: proposals (tests/test_corpus.py asks them of the whole corpus); on the seed alone they answer nothing
NEED_ADOPTED = {"resolution-changes", "clause-history", "clauses-not-adopted", "clauses-added"}


def seed_line(n: int) -> str:
    """Line ``n`` (1-based) of the seed, with the normalisation SEED_FACTS.md uses."""
    return " ".join(SEED_LINES[n - 1].replace("\u00a0", " ").split())


def ask(store, settings, name: str, **params) -> list[dict[str, str]]:
    q = qmod.get(name, settings)
    variables, rows = qmod.run(q, store, qmod.bind(q, params, settings))
    return [{v: (t.value if t is not None else None) for v, t in zip(variables, row)} for row in rows]


def R(n) -> str:
    return f"{BASE}id/resolution/pp/{n}"


@pytest.fixture(scope="module")
def seed(seed_build, seed_store):
    settings = seed_build[1]
    return lambda name, **params: ask(seed_store, settings, name, **params)


# ------------------------------------------------------------------ the library ---

def test_at_least_fifteen_queries_with_the_required_names():
    assert len(NAMES) >= 15
    assert set(REQUIRED) <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_header(name):
    q = CATALOGUE[name]
    text = q.path.read_text(encoding="utf-8")
    assert text.startswith(f"# name: {name}\n")
    assert q.summary and q.notes and q.examples
    assert re.match(rf"resgraph query {re.escape(name)}\b", q.examples[0])
    assert set(q.example_values()) <= {p.name for p in q.params}
    assert {p.name for p in q.params if not p.optional} <= set(q.example_values())
    assert not re.search(r"(?im)^\s*PREFIX\b", text), "prefixes are declared once, in pipeline.rdf.vocab.PREFIXES"
    for p in q.params:
        assert p.doc, p.name
        # pyoxigraph binds only variables of the SELECT projection
        projection = text.split("WHERE", 1)[0]
        assert f"?{p.name}" in projection, f"{name}: ?{p.name} must be projected"


@pytest.mark.parametrize("name", NAMES)
def test_parses_in_pyoxigraph_and_rdflib(name):
    """CI parses every query: Oxigraph (runs on an empty store) and rdflib (another parser)."""
    from rdflib.plugins.sparql import prepareQuery

    q = CATALOGUE[name]
    ox.Store().query(q.text, prefixes=PREFIXES)
    prepareQuery(q.text, initNs=PREFIXES)


@pytest.mark.parametrize("name", NAMES)
def test_example_runs_on_the_seed_and_answers(name, seed_build, seed_store):
    settings = seed_build[1]
    q = CATALOGUE[name]
    bindings = qmod.bind(q, q.example_values(), settings)
    variables, rows = qmod.run(q, seed_store, bindings)
    if name in NEED_ADOPTED:
        assert rows == [], f"{name}: the seed alone holds no adopted text to compare with"
        return
    assert rows, f"{name}: the example call answers nothing on the seed"


@pytest.mark.parametrize("name", NAMES)
def test_values_block_answers_like_substitution(name, seed_build, seed_store):
    """Remote endpoints and the web page bind with VALUES; the answer must not change."""
    settings = seed_build[1]
    q = CATALOGUE[name]
    bindings = qmod.bind(q, q.example_values(), settings)
    _v1, by_substitution = qmod.run(q, seed_store, bindings)
    _v2, by_values = qmod.run(qmod.bound_text(q, bindings), seed_store)
    # how long each form takes (the web page runs the VALUES form under the server's time
    # limit) is measured by bench/limits.py, not asserted here
    key = lambda rows: sorted(tuple(str(t) for t in r) for r in rows)  # noqa: E731
    assert key(by_substitution) == key(by_values)


# ------------------------------------------------------------ known answers ---

def test_cites_unga_70_1(seed, facts):
    rows = seed("cites", target="UNGA 70/1")
    numbers = {r["number"] for r in rows if r["number"]}
    expected = set(facts["resolutions_citing_A_RES_70_1"]) | set(facts["resolutions_naming_2030_agenda_only"])
    assert numbers == expected
    assert f"{BASE}id/resolution/pp/draft-acp-1" in {r["resolution"] for r in rows}  # l.2771 "A/Res/70/1"


def test_cited_by_resolution_197(seed, facts):
    rows = seed("cited-by", source="PP Resolution 197")
    lines = {int(r["line"]) for r in rows}
    # l.2587 recognizing c) "Sustainable Development Goal 11"; l.2590 recognizing e) cites 70/1
    assert "Sustainable Development Goal 11" in seed_line(2587)
    assert {"line": 2587, "cited": "http://metadata.un.org/sdg/11"} in [
        {"line": int(r["line"]), "cited": r["cited"]} for r in rows]
    assert 2590 in lines and "70/1" in seed_line(2590)
    assert f"{BASE}id/un/A/RES/70/1" in {r["cited"] for r in rows}
    # every row is a line of Resolution 197 (heading l.2566 .. next proposal l.2620)
    heading = next(r["heading_line"] for r in facts["resolutions"] if r["number"] == "197")
    assert all(heading < n < 2620 for n in lines)


def test_cited_by_a_single_clause(seed):
    clause = f"{BASE}id/proposal/ACP/64A1/5/text/considering/d"   # ACP/64A1/5's draft of Resolution 30
    assert seed_line(289) == "d) UNGA Resolution 70/1, on transforming our world: the 2030 Agenda for Sustainable Development;"
    rows = seed("cited-by", source=clause)
    assert [(r["clause"], r["cited"], int(r["line"])) for r in rows] == [(clause, f"{BASE}id/un/A/RES/70/1", 289)]


def _resolution_at(line: int, facts) -> str:
    """The resolution whose text holds ``line``: the last heading at or before it."""
    heads = sorted((r["heading_line"], r["number"]) for r in facts["resolutions"])
    return [n for h, n in heads if h <= line][-1]


def test_instructions_for_the_council(seed, facts):
    rows = seed("instructions", addressee="Council", verb="instructs")
    res11 = [r for r in rows if r["number"] == "11"]
    # seed l.125 "instructs the Council", clauses 1..7 at l.126-132
    assert seed_line(125) == "instructs the Council"
    assert [(r["label"], int(r["line"])) for r in res11] == [(str(i), 125 + i) for i in range(1, 8)]
    for r in res11:
        assert seed_line(int(r["line"])).startswith(f"{r['label']} ")
    # every "instructs the Council" verb line of the seed, mapped to its resolution
    verb_lines = [i + 1 for i, text in enumerate(SEED_LINES) if text.strip() == "instructs the Council"]
    assert len(verb_lines) == 10
    assert {r["number"] for r in rows} == {_resolution_at(n, facts) for n in verb_lines}


def test_instructions_accepts_labels_and_codes(seed):
    by_label = seed("instructions", addressee="Director of the Telecommunication Development Bureau", verb="instructs")
    by_code = seed("instructions", addressee="director-bdt", verb="instructs")
    assert by_label == by_code and by_label
    # l.1572: Resolution 101 "instructs the Director of the Telecommunication Development Bureau"
    assert seed_line(1572) == "instructs the Director of the Telecommunication Development Bureau"
    assert 1573 in {int(r["line"]) for r in by_label}
    sg = seed("instructions", addressee="Secretary-General")
    assert {r["label"] for r in sg if r["number"] == "11" and r["verbPhrase"] == "instructs the Secretary-General"
            and r["label"]} == {str(i) for i in range(1, 14)}  # l.104-121, new labels 1..13
    assert seed("instructions", addressee="Member States")


def _through_the_plan(rows) -> set[tuple[str, str]]:
    """(strategic goal number, SDG code) of the rows linked through the strategic plan, whichever route."""
    out = set()
    for r in rows:
        if r["via"] in ("strategic plan", "strategic plan linkage table"):
            out.add((re.match(r"Goal (\d+)", r["evidence"]).group(1), r["code"]))
    return out


def test_sdg_links_goal_11(seed):
    rows = seed("sdg-links", target="SDG 11")
    cites = {(r["number"], int(r["line"])) for r in rows if r["via"] == "cites"}
    assert ("197", 2587) in cites  # "Sustainable Development Goal 11"
    # Res 71 Annex 1 linkage table, Goal 1 – Growth (l.1431) → row at l.1433 lists 11.3 and 11.5
    assert seed_line(1431) == "Goal 1 – Growth" and "11.3 (11.3.2), 11.5 (11.5.2)" in seed_line(1433)
    assert {("1", "11.3"), ("1", "11.5")} <= _through_the_plan(rows)
    # the strategic plan comes from Resolution 71 Annex 1 (l.630)
    assert {r["number"] for r in rows if r["via"].startswith("strategic plan")} == {"71"}


def test_sdg_links_target_and_indicator(seed):
    rows = seed("sdg-links", target="9.c")
    assert "Target 9.c" in seed_line(1421)
    assert any(r["via"] == "cites" and int(r["line"]) == 1421 for r in rows)
    assert seed("sdg-links", target="target 9.C") == rows
    ind = seed("sdg-links", target="17.8.1")
    assert "17.8 (17.8.1)" in seed_line(1437)
    assert "17.8 (17.8.1)" in seed_line(1449) or "17.8.1" in seed_line(1449)
    assert {goal for goal, _code in _through_the_plan(ind)} == {"2", "5"}  # rows at l.1437 and l.1449
    assert all(r["concept"] == "http://metadata.un.org/sdg/C170801" for r in ind)


def test_sdg_links_indicator_in_running_text(seed):
    assert "17.8.1" in seed_line(1427)
    assert any(r["via"] == "cites" and int(r["line"]) == 1427 for r in seed("sdg-links", target="17.8.1"))


def test_sdg_links_ignores_itu_strategic_targets(seed):
    """ITU's own "Target 1.1: by 2023, 65% of households …" (l.705-759) are not SDG targets."""
    assert seed_line(705).startswith("Target 1.1: by 2023")
    assert not any(705 <= int(r["line"] or 0) <= 759 for r in seed("sdg-links", target="SDG 1") if r["via"] == "cites")


def test_proposals_all_and_sup(seed, facts):
    rows = seed("proposals", document="pp18-64-add1")
    assert [(r["symbol"], r["actionCode"]) for r in rows] == [(p["symbol"], p["action"]) for p in facts["proposals"]]
    for p, r in zip(facts["proposals"], rows):
        c = p["concerns"]
        if c["kind"] == "resolution":
            assert r["concerns"] == f"{BASE}id/resolution/{c['body']}/{c['number']}", p["symbol"]
        elif c["kind"] == "draft":
            assert r["concerns"] == f"{BASE}id/resolution/pp/draft-{c['label'].lower()}"
        else:
            assert r["concerns"].endswith("/" + c["kind"])
    sup = seed("proposals", document="pp18-64-add1", action="SUP")
    assert [(r["symbol"], r["concerns"]) for r in sup] == [("ACP/64A1/20", R(185))]
    assert seed("proposals", document="pp18-64-add1", action="suppression") == sup
    assert SEED_LINES[2500 - 1].startswith("SUP\tACP/64A1/20")
    nine = next(r for r in rows if r["symbol"] == "ACP/64A1/9")
    assert nine["part"] == f"{BASE}id/proposal/ACP/64A1/9/text/annex-1"  # ACP/64A1/9 revises only Annex 1 (l.630)
    assert [r["symbol"] for r in seed("proposals", document="pp18-64-add1", action="NOC")] == ["ACP/64A1/1", "ACP/64A1/2"]


def test_broken_references_by_kind(seed):
    rows = seed("broken-references", document="pp18-64-add1")
    kinds = [r["kindCode"] for r in rows]
    assert kinds == sorted(kinds) and len(set(kinds)) > 1
    unresolved = seed("broken-references", document="pp18-64-add1", kind="unresolved-reference")
    assert unresolved and {r["kindCode"] for r in unresolved} == {"unresolved-reference"}
    # l.44: the proposal's summary says "Resolution 11" with no body
    assert "revision to Resolution 11 on ITU Telecom Events" in seed_line(44)
    assert any(int(r["line"]) == 44 and r["quote"] == "Resolution 11" for r in unresolved)
    for r in rows:  # each finding quotes the source text at its line
        if r["quote"] and r["line"]:
            assert " ".join(r["quote"].split())[:12] in " ".join(seed_line(int(r["line"]) + k) for k in range(0, 40))


def test_revisions_of_resolution_25(seed):
    rows = {r["version"].rsplit("/", 1)[1]: r for r in seed("revisions", resolution="PP Resolution 25")}
    assert set(rows) == {"busan-2014", "dubai-2018"}  # heading l.149 "(Rev. Busan, 2014dubai, 2018)"
    new = rows["dubai-2018"]
    # the seed alone holds no adopted text of it: the version is only referenced (proposed, not adopted)
    assert new["statusCode"] == "referenced" and new["revises"].endswith("/busan-2014")
    assert new["proposals"] == "ACP/64A1/4"
    assert int(new["deleted"]) >= 7 and int(new["inserted"]) >= 4
    assert rows["busan-2014"]["statusCode"] == "referenced"


def test_clause_changes_resolution_11(seed, facts):
    rows = seed("clause-changes", resolution="PP Resolution 11")
    got = {(r["section"], r["label"], r["formerLabel"], r["changeCode"]) for r in rows}
    # SEED_FACTS: considering f inserted, fg, gh; instructs the SG 7 inserted, then 78 … 1213
    assert ("considering", "f", None, "inserted") in got
    assert ("considering", "g", "f", "renumbered") in got and ("considering", "h", "g", "renumbered") in got
    assert ("instructs the Secretary-General", "7", None, "inserted") in got
    for old in range(7, 13):
        assert ("instructs the Secretary-General", str(old + 1), str(old), "renumbered") in got
    assert seed_line(118).startswith("910 that an ITU TELECOM event")


def test_clause_changes_resolution_25_deleted(seed, facts):
    rows = seed("clause-changes", resolution="PP Resolution 25", change="deleted")
    assert {r["changeCode"] for r in rows} == {"deleted"}
    got = {int(r["line"]) for r in rows}
    expected = {c["line"] for c in facts["clause_labels"]
                if c["resolution"] == "25" and c.get("new") is None and c.get("old") is not None}
    assert expected - {261} <= got
    assert all(r["clause"].rsplit("/", 1)[1].startswith("former-") for r in rows)


def test_clause_changes_resolution_25_annex_i_deleted(seed):
    assert 261 in {int(r["line"]) for r in seed("clause-changes", resolution="PP Resolution 25", change="deleted")}


def test_most_cited(seed, facts):
    rows = seed("most-cited")
    top = rows[0]
    assert top["cited"] == f"{BASE}id/un/A/RES/70/1" and top["kind"] == "UN resolution"
    expected = set(facts["resolutions_citing_A_RES_70_1"]) | set(facts["resolutions_naming_2030_agenda_only"])
    assert int(top["resolutions"]) == len(expected) + 1  # + the draft [ACP-1] (l.2771)
    counts = [int(r["clauses"]) for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_unregistered_un_documents(seed, facts):
    rows = {r["symbol"]: r for r in seed("unregistered-un-documents")}
    # A/RES/70/1 is registered: data/reference/aliases.csv knows its title
    assert "A/RES/70/1" not in rows
    assert {u["symbol"] for u in facts["unga_citations"]} - {"A/RES/70/1"} <= set(rows)
    # SEED_FACTS: A/72/492 (l.363) is an SG report, A/68/189 (l.2524) a report; ECOSOC and HRC resolutions
    assert rows["A/72/492"]["kind"] == "document" and rows["A/68/189"]["kind"] == "document"
    assert {"E/RES/2012/24", "E/RES/2018/7", "A/HRC/RES/20/8"} <= set(rows)
    assert rows["A/RES/71/243"]["undocs"] == "https://undocs.org/A/RES/71/243"
    # 60/252 stands only in Res 140 considering old m) (l.2205), read as deleted
    assert rows["A/RES/60/252"]["deletedOnly"] == "true"


def test_clauses_mentioning(seed, facts):
    rows = seed("clauses-mentioning", phrase="digital divide")
    lines = {int(r["line"]) for r in rows}
    assert "reducing the digital divide" in seed_line(260) and 260 in lines  # Res 25 annex
    assert all("digital divide" in r["text"].lower() for r in rows)
    # every resolution answered has the phrase in its text in the seed
    in_seed = [i + 1 for i, t in enumerate(SEED_LINES) if "digital divide" in t.lower()]
    heads = sorted((r["heading_line"], r["number"]) for r in facts["resolutions"])
    near = {[n for h, n in heads if h <= line][-1] for line in in_seed if line >= heads[0][0]}
    assert {r["number"] for r in rows if r["number"]} <= near
    strip = lambda rs: [{k: v for k, v in r.items() if k != "phrase"} for r in rs]  # noqa: E731
    assert strip(seed("clauses-mentioning", phrase="DIGITAL Divide")) == strip(rows)
    # a flattened change glues "Connect 2020 2030 Agenda" (l.2667-2688, all in Resolution 200): the
    # draft's text is its proposed wording, so the new name is found and the glued words are not
    assert "Connect 2030 Agenda" not in SEED.read_text(encoding="utf-8")
    assert "Connect 2020 2030 Agenda" in seed_line(2674)
    connect = seed("clauses-mentioning", phrase="Connect 2030 Agenda")
    assert {r["number"] for r in connect} == {"200"}
    assert {2674, 2675, 2676} <= {int(r["line"]) for r in connect}
    assert seed("clauses-mentioning", phrase="Connect 2020 2030 Agenda") == []


def test_annex_contents_resolution_25(seed, facts):
    rows = seed("annex-contents", resolution="PP Resolution 25")
    annex = next(r for r in facts["resolutions"] if r["number"] == "25")["annexes"][0]
    assert {r["annexTitle"] for r in rows} == {annex["title_printed"]}
    labels = [r["label"] for r in rows if r["label"] and int(r["line"]) != 261]
    assert labels == list("abcdefghij")  # l.251-262, new labels; l.261 is the deleted old i)
    assert [r["line"] for r in rows] == sorted(r["line"] for r in rows)
    assert all(int(r["line"]) > annex["heading_line"] for r in rows)
    res71 = seed("annex-contents", resolution="Resolution 71 (Rev. Dubai, 2018) of this conference")
    assert {r["annexTitle"] for r in res71} == {"ITU Strategic plan for 2020-2023"}


def test_co_cited_with_2030_agenda(seed):
    rows = {r["other"]: r for r in seed("co-cited", target="A/RES/70/1")}
    # l.490 Res 70 recognizing g) names the 2030 Agenda and "Sustainable Development Goal 5 (SDG5)"
    assert "Sustainable Development Goal 5" in seed_line(490) and "2030 Agenda" in seed_line(490)
    assert int(rows["http://metadata.un.org/sdg/5"]["sameClause"]) >= 1
    # l.167-169: Res 25 "notes with appreciation" cites 70/1, 71/243 and 72/279 in one section
    assert int(rows[f"{BASE}id/un/A/RES/71/243"]["sameResolution"]) >= 1
    assert f"{BASE}id/un/A/RES/70/1" not in rows


def test_strategic_plan_sdg_targets(seed):
    rows = seed("strategic-plan-sdg-targets")
    got: dict[str, set[str]] = {}
    for r in rows:
        goal = re.match(r"Goal (\d+)\W+(\w+)", r["strategicGoal"])
        got.setdefault(f"Goal {goal.group(1)} {goal.group(2)}", set()).add(r["code"])
    # l.1431 … l.1447: "Goal 1 – Growth" … "Goal 5 – Partnership"
    assert set(got) == {" ".join(seed_line(n).replace("–", "").split()) for n in (1431, 1435, 1439, 1443, 1447)}
    # Read the Goal 1 row (l.1433) here: every target code outside parentheses, lower-cased
    row = seed_line(1433).split(":", 1)[1]
    outside = re.sub(r"\([^)]*\)", "", row)
    expected = {c.lower() for c in re.findall(r"\d{1,2}\.[0-9A-Za-z]{1,2}", outside)}
    assert "9.c" in expected and len(expected) >= 20
    assert got["Goal 1 Growth"] == expected


def test_resolutions_by_body(seed, facts):
    rows = seed("resolutions", body="pp")
    with_text = {r["number"] for r in rows if r["withText"] == "true" and r["number"]}
    assert with_text == {r["number"] for r in facts["resolutions"]} - {"185"}  # 185: SUP, no new text
    assert any(r["identifier"] == "Draft new resolution [ACP-1]" for r in rows)
    wtdc = seed("resolutions", body="World Telecommunication Development Conference")
    assert "23" in {r["number"] for r in wtdc}  # l.1519 "Resolution 23 … of the WTDC"


def test_outline_of_resolution_11(seed):
    rows = seed("outline", resolution="PP Resolution 11")
    verbs = [r["verbPhrase"] for r in rows]
    # verb lines of the seed between the Res 11 heading (l.58) and the separator (l.134)
    expected = [seed_line(n) for n in range(59, 134) if SEED_LINES[n - 1].strip() and "\t" not in SEED_LINES[n - 1]
                and re.match(r"(considering|emphasizing|noting|recognizing|resolves|instructs|invites|recalling|"
                             r"bearing|encourages|requests)\b", seed_line(n))]
    assert verbs == expected
    council = rows[verbs.index("instructs the Council")]
    assert council["addressees"] == "council" and int(council["clauses"]) == 7 and council["kind"] == "operative"


def test_dropped_citations_resolution_30(seed, facts):
    rows = seed("dropped-citations", resolution="PP Resolution 30")
    got = {(r["cited"].rsplit("/id/un/", 1)[-1], int(r["line"])) for r in rows}
    expected = {(u["symbol"], u["line"]) for u in facts["unga_citations"]
                if u["resolution"] == "30" and u["status"] == "deleted"}
    assert expected == {("A/RES/68/198", 287), ("A/RES/68/220", 288)}
    assert expected <= got
    everywhere = seed("dropped-citations")
    assert len(everywhere) >= len(rows)


def test_addressees(seed):
    import csv
    with open(PROJECT_ROOT / "data" / "reference" / "addressees.csv", encoding="utf-8") as fh:
        codes = {c for r in csv.DictReader(fh) for c in r["code"].split(";")}  # a row may name several
    answer = seed("addressees")
    rows = {r["code"]: r for r in answer}
    assert set(rows) == codes and len(answer) == len(codes)
    verb_lines = [t for t in SEED_LINES if t.strip() == "instructs the Council"]
    assert int(rows["council"]["sections"]) >= len(verb_lines)


def test_cited_itu_resolutions_wtdc(seed, facts):
    rows = seed("cited-itu-resolutions", body="wtdc")
    assert {r["body"] for r in rows} == {"https://w3id.org/resgraph/concept/body/wtdc"}
    got = {(r["number"], int(r["line"])) for r in rows}
    # body traps: WTDC Resolution 23 inside PP Resolution 101 (l.1519, l.1539)
    for trap in facts["body_traps"]:
        m = re.match(r"Resolution (\d+)", trap["printed"])
        if trap["correct_body"] == "wtdc" and m and m.group(1) == "23":
            assert (m.group(1), trap["line"]) in got
    assert {r["citingNumber"] for r in rows if r["number"] == "23"} == {"101"}
    assert not any(r["number"] == "23" for r in seed("cited-itu-resolutions", body="pp"))


# ------------------------------------------------------------- parameters ---

HOSTILE = ['"', "'", "}", '"} ; DELETE WHERE { ?s ?p ?o } #', "\\", "?target", "<http://x/>",
           "} UNION { ?a ?b ?c", '""" ) } #']


def _size(store) -> int:
    return len(store)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_strings_match_nothing_and_change_nothing(value, seed_build, seed_store):
    settings = seed_build[1]
    before = _size(seed_store)
    q = qmod.get("clauses-mentioning", settings)
    _v, rows = qmod.run(q, seed_store, qmod.bind(q, {"phrase": value}, settings))
    for r in rows:  # a quote may really occur in the text: then only clauses that contain it
        assert value.lower() in r[4].value.lower()
    if value.lower() not in SEED.read_text(encoding="utf-8").lower():
        assert rows == []
    assert _size(seed_store) == before


@pytest.mark.parametrize("name,param,value", [
    ("cites", "target", "http://x/>} ; DELETE WHERE { ?s ?p ?o }"),
    ("cites", "target", '"} ; DELETE WHERE { ?s ?p ?o } #'),
    ("cited-by", "source", "<http://127.0.0.1:8000/id/resolution/pp/11>"),
    ("sdg-links", "target", "11 } UNION {"),
    ("instructions", "addressee", 'Council" }'),
    ("proposals", "document", "pp18-64-add1> } ; DROP ALL #"),
    ("broken-references", "document", "http://x/a b"),
])
def test_hostile_values_are_refused(name, param, value, seed_build):
    settings = seed_build[1]
    q = qmod.get(name, settings)
    with pytest.raises(qmod.QueryError):
        qmod.bind(q, {param: value} | {p.name: v for p, v in ((p, q.example_values().get(p.name)) for p in q.params)
                                       if p.name != param and v}, settings)


def test_iri_with_angle_bracket_is_refused_not_pasted():
    p = qmod.Param("x", "iri", "")
    with pytest.raises(qmod.QueryError):
        qmod._terms(p, "http://ex.org/a>b", None, Settings(base=BASE))


@pytest.mark.parametrize("raw,code", [
    ("SDG 11", "11"), ("Goal 11", "11"), ("Sustainable Development Goal 5", "5"), ("9.c", "9.c"), ("9.C", "9.c"),
    ("target 9.c", "9.c"), ("SDG target 9.c", "9.c"), ("17.8.1", "C170801"), ("indicator 17.8.1", "C170801"),
    ("C170801", "C170801"), ("http://metadata.un.org/sdg/9.c", "9.c"),
])
def test_sdg_parameter(raw, code):
    assert qmod.sdg_iri(raw) == "http://metadata.un.org/sdg/" + code


@pytest.mark.parametrize("raw", ["SDG 18", "9.z", "17.8.9", "UNGA 70/1", "", "C999999"])
def test_sdg_parameter_errors(raw):
    with pytest.raises(qmod.QueryError):
        qmod.sdg_iri(raw)


@pytest.mark.parametrize("raw,code", [
    ("Council", "council"), ("council", "council"), ("the ITU Council", "council"), ("Secretary-General", "secretary-general"),
    ("Director of the Telecommunication Development Bureau", "director-bdt"), ("director-bdt", "director-bdt"),
    ("BDT", "director-bdt"), ("Member States", "member-states"), ("the Member States", "member-states"),
])
def test_addressee_parameter(raw, code):
    assert qmod.addressee_code(raw) == code


def test_concept_parameters():
    assert qmod.concept_iri("action", "sup").endswith("/action/SUP")
    assert qmod.concept_iri("action", "suppression").endswith("/action/SUP")
    assert qmod.concept_iri("body", "World Telecommunication Development Conference").endswith("/body/wtdc")
    assert qmod.concept_iri("finding-kind", "unresolved-reference").endswith("/finding-kind/unresolved-reference")
    with pytest.raises(qmod.QueryError, match="ADD, MOD, NOC, SUP"):
        qmod.concept_iri("action", "DELETE")


def test_missing_optional_and_unknown_parameters():
    s = Settings(base=BASE)
    q = qmod.get("proposals", s)
    assert [set(map(str, b)) for b in qmod.bind(q, {"document": "pp18-64-add1"}, s)] == [{"?document"}]
    assert [set(map(str, b)) for b in qmod.bind(q, {"document": "pp18-64-add1", "action": ""}, s)] == [{"?document"}]
    with pytest.raises(qmod.QueryError, match="needs -p document"):
        qmod.bind(q, {}, s)
    with pytest.raises(qmod.QueryError, match="no parameter colour"):
        qmod.bind(q, {"document": "pp18-64-add1", "colour": "red"}, s)
    with pytest.raises(qmod.QueryError, match="malformed param header"):
        bad = Path(__file__).parent / "artifacts" / "bad-param.rq"
        bad.parent.mkdir(exist_ok=True)
        bad.write_text("# name: bad-param\n# param: x (colour) doc\nSELECT * WHERE { ?s ?p ?x }\n", encoding="utf-8")
        try:
            qmod.load(bad)
        finally:
            bad.unlink()


def test_bound_text_is_plain_sparql_for_other_tools(seed_build, seed_store):
    settings = seed_build[1]
    q = qmod.get("proposals", settings)
    text = qmod.bound_text(q, qmod.bind(q, {"document": "pp18-64-add1", "action": "SUP"}, settings))
    assert text.startswith("PREFIX ")
    from rdflib.plugins.sparql import prepareQuery
    prepareQuery(text)  # self-contained: no prefixes passed
    res = seed_store.query(text)
    assert [s["symbol"].value for s in res] == ["ACP/64A1/20"]


# -------------------------------------------------------------- the CLI ---

def test_cli_list_describe_errors_and_sparql(seed_build):
    from click.testing import CliRunner

    from pipeline.cli import main
    settings = seed_build[1]
    common = ["--store", str(settings.store_dir), "--base", settings.base]
    run = lambda *a: CliRunner().invoke(main, ["query", *a, *common])  # noqa: E731
    listed = run("--list")
    assert listed.exit_code == 0 and len(listed.output.strip().splitlines()) == len(NAMES)
    described = run("--describe", "sdg-links")
    assert "# param: target (sdg)" in described.output
    out = run("proposals", "-p", "document=pp18-64-add1", "-p", "action=SUP", "--format", "csv")
    assert out.exit_code == 0 and out.output.splitlines()[1].startswith("ACP/64A1/20,SUP,")
    for args, message in [
        (("no-such-query",), "no canned query"),
        (("proposals",), "needs -p document"),
        (("proposals", "-p", "document=pp18-64-add1", "-p", "action=XYZ"), "unknown action"),
        (("sdg-links", "-p", "target=SDG 99"), "not in the SDG framework"),
        (("instructions", "-p", "addressee=the Pope"), "unknown addressee"),
        (("proposals", "-p", "document=a", "-p", "document=b"), "given twice"),
    ]:
        r = run(*args)
        assert r.exit_code != 0, args
        lines = r.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0], (args, r.output)
    sparql = run("cites", "-p", "target=UNGA 70/1", "--sparql")
    assert sparql.exit_code == 0 and "VALUES (?target)" in sparql.output and "PREFIX cito:" in sparql.output


# ------------------------------------------------------------- cookbook ---

def test_cookbook_uses_only_real_queries_and_shows_each():
    text, _, errors = COOKBOOK.read_text(encoding="utf-8").partition("\n## Errors")
    assert set(re.findall(r"resgraph query ([a-z][a-z0-9-]*)", errors)) - set(NAMES) == {"no-such-query"}
    used = set(re.findall(r"resgraph query ([a-z][a-z0-9-]*)", text))
    assert used, "the cookbook shows no calls"
    assert used <= set(NAMES), sorted(used - set(NAMES))
    assert set(NAMES) <= used, f"not in the cookbook: {sorted(set(NAMES) - used)}"
    for name in NAMES:
        for m in re.finditer(rf"^\$ resgraph query {re.escape(name)}\b(.*)$", text, re.M):
            values = qmod.example_values("resgraph query " + name + m.group(1))
            qmod.bind(CATALOGUE[name], values, Settings(base=BASE))  # the shown parameters are valid


def test_docstring_examples():
    """Every example in a docstring of the package runs and prints what it shows (STYLE.md)."""
    import doctest
    import importlib
    import pkgutil

    import pipeline
    failed, tried = {}, 0
    for m in pkgutil.walk_packages(pipeline.__path__, "pipeline."):
        r = doctest.testmod(importlib.import_module(m.name), report=False)
        tried += r.attempted
        if r.failed:
            failed[m.name] = r.failed
    assert not failed and tried > 50


def test_cites_other_instruments_by_what_a_librarian_types(seed):
    """Kinds besides resolutions, UN documents and SDGs are found by the same reading as
    the documents (pipeline.citations.target_uri): an ITU-D Question (printed "221/1", its
    hyphen lost) and an ITU-T Recommendation."""
    assert "Question 221/1" in seed_line(1807) and "(ITUD)" in seed_line(1807)   # Res 130 considering j)
    rows = seed("cites", target="Question 22-1/1 of ITU-D")
    assert {r["number"] for r in rows} == {"130"}
    assert "Recommendation ITUT D.50" in seed_line(1521) and "Recommendation ITUT D.50" in seed_line(1566)
    assert {r["number"] for r in seed("cites", target="Recommendation ITU-T D.50")} == {"101"}


def test_cites_refuses_what_does_not_name_one_resource(seed_build):
    settings = seed_build[1]
    q = qmod.get("cites", settings)
    with pytest.raises(qmod.QueryError, match="does not name one resource"):
        qmod.bind(q, {"target": "Question 22-1/1"}, settings)     # which sector: not said
