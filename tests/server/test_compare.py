"""The compare page (issue 16 item 5, issue 18 item 5): a resolution's timeline and the inline
diff between any two of its texts, on a real server over the default corpus.

Expected words come from reading the sources, not from the code's output:
- the seed (``data/sources/000_e6762f12f0311554.txt``), MOD ACP/64A1/7 of Resolution 70 (lines
  456-563): resolves 3 reads "to incorporate a gender perspective in the implementation of the ITU
  strategic plans and financial plans for 2016-2019 as well as in the operational plans …";
  instructs the Council 2 "to continue and expand on the existing initiatives carried out over the
  past eight years, and to accelerate the gender and equity mainstreaming process in ITU as a
  whole, … including ITU elected positions;"; resolves 1 ends "socio-economic conditions for
  women, particularly in developing countries"; recalling "dc) Resolution 55 (Rev. Dubai,
  2012Hammamet, 2016) of the World Telecommunication Standardization Assembly" (old d, new c);
  instructs the Council "34 to examine the possibility …" (old 3, new 4) after an inserted
  "3 to explore allocation of resources …"; instructs the Secretary-General "1514 to announce a
  year-long call to action …" and "1716 to fulfil the obligations of submitting reports as
  required by UN-SWAP …".
- the Final Acts (``pp18_final_acts_akn.xml``, Resolution 70 (Rev. Dubai, 2018), lines 3353-3812):
  resolves 3 "to incorporate the gender perspective in the implementation of the ITU strategic and
  financial plans as well as in the operational plans …"; instructs the ITU Council 2 "to continue
  and expand existing initiatives, and to accelerate the gender mainstreaming process, including
  through affirmative measures when necessary, in ITU as a whole, … including ITU elected
  positions, and also in recruitment for internships;"; resolves 1 "… for women and girls,
  particularly in developing countries"; recalling e) "Resolution 55 (Rev. Hammamet, 2016) of the
  World Telecommunication Standardization Assembly …"; instructs the Secretary-General 15 "to
  fulfil the obligations …"; no "year-long call to action"; instructs the Director of BDT 5 "to
  continue to assist developing countries in order to expedite bridging the digital gender
  divide;" (not in the seed).
"""
from __future__ import annotations

import re

import pytest

R70 = "/compare/resolution/pp/70"


def _json(client, url: str, **params) -> dict:
    r = client.get(url, params={**params, "format": "json"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def _clause(data: dict, section: str, to_label: str | None = None, *, from_label: str | None = None) -> dict:
    """The diff row whose "to" (or, for a deleted clause, "from") side is that clause."""
    for r in data["clauses"]:
        side = r["to"] if to_label is not None else r["from"]
        label = to_label if to_label is not None else from_label
        if side is not None and side["section"] == section and side["label"] == label:
            return r
    raise AssertionError(f"no clause {section} {to_label or from_label} in the diff")


def _ops(row: dict, op: str) -> list[str]:
    return [s["text"].strip() for s in row["segments"] if s["op"] == op]


# ------------------------------------------------------------------ timeline ---

def test_timeline_of_resolution_70(corpus_http):
    data = _json(corpus_http, R70)
    assert data["resolution"]["uri"].endswith("/id/resolution/pp/70")
    texts = data["texts"]
    # Busan-2014 (as the APT's draft shows it replaced) → the APT's draft → Dubai-2018 adopted
    assert [(t["key"], t["kind"]) for t in texts] == [
        ("busan-2014", "replaced"), ("draft-ACP-64A1-7", "draft"), ("dubai-2018", "adopted")]
    assert texts[0]["conference"] == "Busan, 2014" and texts[0]["proposalLabel"] == "ACP/64A1/7"
    assert texts[1]["href"] == "/id/proposal/ACP/64A1/7/text" and texts[1]["proposalLabel"] == "ACP/64A1/7"
    assert texts[2]["href"] == "/id/resolution/pp/70/dubai-2018" and texts[2]["date"] == "2018-11-15"
    # the 1998 version is cited ("Resolution 70 (Minneapolis, 1998)") but no text of it is held
    assert [v["conference"] for v in data["versionsWithoutText"]] == ["Minneapolis, 1998"]
    # by default: the draft against the text adopted from it
    assert (data["from"], data["to"]) == ("draft-ACP-64A1-7", "dubai-2018")
    assert data["alignedByBuild"] is True


def test_page_for_people(corpus_http):
    r = corpus_http.get(R70, headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<nav class="breadcrumbs" aria-label="Breadcrumb">' in html
    assert html.count("<h1") == 1 and "<h2 id=\"timeline-h\">Timeline</h2>" in html
    for key in ("busan-2014", "draft-ACP-64A1-7", "dubai-2018"):
        assert f'<option value="{key}"' in html
    assert '<label for="from">' in html and '<label for="to">' in html
    assert "Changes from draft-ACP-64A1-7 to dubai-2018" in html
    # unchanged clauses are collapsed, changed ones show their words
    assert '<details class="clause unchanged"' in html
    assert html.count("<ins>") > 20 and html.count("<del>") > 20
    assert "<script" not in html


# ------------------------------------------------------- words, draft → adopted ---

def test_words_changed_by_the_conference(corpus_http):
    data = _json(corpus_http, R70)
    r3 = _clause(data, "resolves", "3")
    assert r3["status"] == "changed" and r3["pairedBy"] == "outcome"
    assert _ops(r3, "delete") == ["a", "plans", "for 2016-2019"]
    assert _ops(r3, "insert") == ["the"]

    c2 = _clause(data, "instructs the ITU Council", "2")
    assert c2["from"]["section"] == "instructs the Council"      # the section's words changed too
    deleted, inserted = _ops(c2, "delete"), _ops(c2, "insert")
    assert "on the" in deleted and "carried out over the past eight years" in deleted and "and equity" in deleted
    assert ", including through affirmative measures when necessary," in inserted
    assert ", and also in recruitment for internships" in inserted

    r1 = _clause(data, "resolves", "1")
    assert _ops(r1, "insert") == ["and girls"] and _ops(r1, "delete") == []

    html = corpus_http.get(R70).text
    assert "<del>for 2016-2019</del>" in html and "<ins>and girls</ins>" in html


def test_clauses_added_dropped_and_renumbered_by_the_conference(corpus_http):
    data = _json(corpus_http, R70)
    added = _clause(data, "instructs the Director of the Telecommunication Development Bureau", "5")
    assert added["status"] == "inserted" and added["from"] is None
    assert added["to"]["text"].startswith("to continue to assist developing countries in order to expedite bridging")
    dropped = _clause(data, "instructs the Secretary-General", from_label="14")
    assert dropped["status"] == "deleted" and dropped["to"] is None
    assert "year-long call to action" in dropped["from"]["text"]
    # draft 16 is adopted word for word as 15 (one clause before it was not adopted)
    moved = _clause(data, "instructs the Secretary-General", "15")
    assert moved["from"]["label"] == "16" and moved["status"] == "unchanged" and moved["relabelled"]
    assert moved["to"]["text"].startswith("to fulfil the obligations of submitting reports")
    # in document order of the adopted text: the dropped clause right after the one before it
    labels = [(r["from"] or {}).get("label") for r in data["clauses"] if (r["to"] or r["from"])["section"] == "instructs the Secretary-General"]
    assert labels.index("14") == labels.index("13") + 1


def test_segments_rebuild_both_texts(corpus_http):
    """Equal and deleted words give the old text back, equal and inserted words the new one (an
    equal word spelt with other spaces, quotes or dashes keeps its old spelling as "old")."""
    for frm, to in (("draft-ACP-64A1-7", "dubai-2018"), ("busan-2014", "dubai-2018"), ("busan-2014", "draft-ACP-64A1-7")):
        data = _json(corpus_http, R70, **{"from": frm, "to": to})
        assert data["clauses"]
        for r in data["clauses"]:
            old = "".join(s.get("old", s["text"]) for s in r["segments"] if s["op"] != "insert")
            new = "".join(s["text"] for s in r["segments"] if s["op"] != "delete")
            assert old == (r["from"]["text"] if r["from"] else "")
            assert new == (r["to"]["text"] if r["to"] else "")


# --------------------------------------------------- Busan-2014 and the draft ---

def test_busan_text_against_its_draft(corpus_http):
    data = _json(corpus_http, R70, **{"from": "busan-2014", "to": "draft-ACP-64A1-7"})
    assert data["alignedByBuild"] is True
    # "34 to examine the possibility …": old 3, new 4, words unchanged; the new 3 was inserted
    moved = _clause(data, "instructs the Council", "4")
    assert (moved["from"]["label"], moved["status"], moved["pairedBy"]) == ("3", "unchanged", "same clause")
    assert moved["to"]["text"].startswith("to examine the possibility for ITU")
    new3 = _clause(data, "instructs the Council", "3")
    assert new3["status"] == "inserted" and new3["to"]["text"].startswith("to explore allocation of resources")


def test_busan_text_against_the_adopted_text(corpus_http):
    """Two steps at once: Busan's recalling d) is the draft's c) and PP-18's e)."""
    data = _json(corpus_http, R70, **{"from": "busan-2014", "to": "dubai-2018"})
    r = _clause(data, "recalling", "e")
    assert r["from"]["label"] == "d" and r["relabelled"]
    assert _ops(r, "delete") == ["Dubai", "2012"] and _ops(r, "insert") == ["Hammamet", "2016"]


# -------------------------------------------------------------- several drafts ---

def test_a_resolution_with_two_drafts_lists_both(corpus_http):
    """Resolution 71: MOD ACP/64A1/8 and MOD ACP/64A1/9 both revise it (seed lines 576, 629)."""
    data = _json(corpus_http, "/compare/resolution/pp/71")
    keys = [t["key"] for t in data["texts"]]
    assert "draft-ACP-64A1-8" in keys and "draft-ACP-64A1-9" in keys and "dubai-2018" in keys
    assert "busan-2014-as-in-ACP-64A1-8" in keys and "busan-2014-as-in-ACP-64A1-9" in keys
    other = _json(corpus_http, "/compare/resolution/pp/71", **{"from": "draft-ACP-64A1-8", "to": "draft-ACP-64A1-9"})
    assert other["from"] == "draft-ACP-64A1-8" and other["clauses"]


def test_only_one_text(corpus_http):
    """Resolution 2: PP-18 revised it (Final Acts) and no APT proposal touched it."""
    r = corpus_http.get("/compare/resolution/pp/2")
    assert r.status_code == 200
    assert 'id="single"' in r.text and "nothing to compare" in r.text
    data = _json(corpus_http, "/compare/resolution/pp/2")
    assert [t["key"] for t in data["texts"]] == ["dubai-2018"] and data["clauses"] == []


# -------------------------------------------------------------------- links ---

@pytest.mark.parametrize("path", ["resolution/pp/70", "resolution/pp/70/dubai-2018", "resolution/pp/70/busan-2014",
                                  "proposal/ACP/64A1/7/text"])
def test_linked_from_the_resolution_its_versions_and_drafts(corpus_http, path):
    page = corpus_http.get(f"/doc/{path}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert 'href="/compare/resolution/pp/70" id="compare-link">Compare versions / timeline</a>' in page.text


def test_no_link_on_a_clause(corpus_http):
    page = corpus_http.get("/doc/resolution/pp/70/dubai-2018/resolves/1", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "compare-link" not in page.text


def test_a_version_path_leads_to_its_resolution(corpus_http):
    r = corpus_http.get("/compare/resolution/pp/70/dubai-2018?from=busan-2014", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/compare/resolution/pp/70?from=busan-2014"


def test_json_by_accept(corpus_http):
    r = corpus_http.get(R70, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert "Accept" in r.headers["vary"] and r.json()["to"] == "dubai-2018"


# ---------------------------------------------------------------- bad input ---

def test_unknown_resolution_is_404(corpus_http):
    r = corpus_http.get("/compare/resolution/pp/9999")
    assert r.status_code == 404 and "no resolution" in r.text and "/compare/resolution/pp/70" in r.text
    j = corpus_http.get("/compare/resolution/pp/9999", params={"format": "json"})
    assert j.status_code == 404 and "no resolution" in j.json()["error"]
    for path in ("/compare/", "/compare/%3Cscript%3E", "/compare/" + "x/" * 1500):
        assert corpus_http.get(path).status_code == 404, path
    # known, but not something with a text
    r = corpus_http.get("/compare/resolution/pp/70/dubai-2018/resolves/1")
    assert r.status_code == 404 and "no text" in r.text


@pytest.mark.parametrize("params", [{"from": "busan-2015"}, {"to": "draft-ACP-64A1-99"}, {"from": "x" * 20000},
                                    {"from": "dubai-2018", "to": "dubai-2018"}])
def test_bad_keys_are_400_with_the_keys(corpus_http, params):
    r = corpus_http.get(R70, params=params)
    assert r.status_code == 400 and 'id="error"' in r.text
    assert "busan-2014, draft-ACP-64A1-7, dubai-2018" in r.text
    j = corpus_http.get(R70, params={**params, "format": "json"})
    assert j.status_code == 400 and j.json()["keys"] == ["busan-2014", "draft-ACP-64A1-7", "dubai-2018"]


@pytest.mark.parametrize("query", ["colour=red", "colour=red&from=busan-2014&to=busan-2014", "from=busan-2014&from=dubai-2018", "format=xml", "from=%FF", "from=%ZZ", "=x"])
def test_odd_query_strings_are_400(corpus_http, query):
    r = corpus_http.get(f"{R70}?{query}")
    assert r.status_code == 400, (query, r.status_code, r.text[:200])
    assert "Traceback" not in r.text


def test_bad_parameters_on_a_version_path(corpus_http):
    r = corpus_http.get("/compare/resolution/pp/70/dubai-2018?colour=red")
    assert r.status_code == 400 and "unknown parameter" in r.text


def test_empty_parameters_are_an_error_not_a_guess(corpus_http):
    r = corpus_http.get(R70 + "?from=")
    assert r.status_code == 400 and "keys are" in r.text
    assert corpus_http.get(R70 + "?&&&").status_code == 200     # no parameter at all


def test_only_ours_in_links(corpus_http):
    html = corpus_http.get(R70).text
    assert not re.search(r'href="(javascript|data):', html)
