"""The Akoma Ntoso reader on the PP-18 Final Acts, scored against the hand reading
(tests/fixtures/final_acts_gold.json, FINAL_ACTS_GOLD.md: written before any code), and on
hostile XML.  Run with ``-s`` for the score table.

Floors (measured when written: sections 66/66 exact and in order, clause keys 386/386, footnotes
14/14, citations precision 0.94 recall 0.87; sections and footnotes are held exact, clauses at 0.98,
citations at 0.9/0.8 because pipeline.citations, not this reader, decides most of what they miss):
sections (verb phrase, in order) and clause labels per section are scored by precision/recall
over the six gold resolutions; footnotes by (marker, section, clause); citations per kind by
(kind, section, top clause), optional gold entries neither counted nor penalised.  A resolution
naming its own current version (the gold's ``self: true`` with the resolution's own revision) is
not a citation for the readers (as in the text reader), so those entries count as optional.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from pipeline.settings import PROJECT_ROOT
from pipeline.sources import SourceError, parse

FA = PROJECT_ROOT / "data" / "sources" / "pp18-final-acts" / "pp18_final_acts_akn.xml"
GOLD = json.loads((PROJECT_ROOT / "tests" / "fixtures" / "final_acts_gold.json").read_text(encoding="utf-8"))
RESOLUTIONS = ("2 11 21 25 30 34 41 48 64 66 70 71 77 94 99 101 102 123 125 130 131 133 135 136 137 139 140 146 150 "
               "151 154 157 160 165 167 169 175 176 177 179 180 186 188 189 191 196 197 198 200 201 203 "
               "204 205 206 207 208 209 210 211 212 213").split()
NS_ROOT = '<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">'


@pytest.fixture(scope="module")
def sd():
    return parse(FA)


def res_of(sd, number):
    return next(r for r in sd.texts if r.instrument == "resolution" and r.number == number)


def all_clauses(cs):
    for c in cs:
        yield c
        yield from all_clauses(c.children)


def sections_of(r):
    """(section name as the gold names it, section) — annex sections are 'annex' / 'annex N'."""
    out = [(s.verb_phrase, s) for s in r.sections]
    for a in r.annexes:
        out += [(f"annex {a.number}" if a.number else "annex", s) for s in a.sections]
    return out


def prf(got: Counter, want: Counter, optional: Counter = Counter()):
    tp = sum((got & want).values())
    extra = got - want - optional
    fp = sum(extra.values())
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / sum(want.values()) if want else 1.0
    return p, r, tp, fp, sum(want.values()) - tp


# ---------------------------------------------------------------- the collection ---

def test_the_collection_holds_64_adopted_texts(sd):
    assert len(sd.texts) == 64
    kinds = Counter(r.instrument for r in sd.texts)
    assert kinds == {"resolution": 61, "decision": 2, "recommendation": 1}
    assert sorted((r.number for r in sd.texts if r.instrument == "resolution"), key=int) == RESOLUTIONS
    assert sorted(r.number for r in sd.texts if r.instrument == "decision") == ["11", "5"]
    assert [r.number for r in sd.texts if r.instrument == "recommendation"] == ["7"]
    assert all(r.adopted and r.body == "pp" and r.date == "2018-11-15" and not sd.proposals for r in sd.texts)
    assert sd.title.startswith("FINAL ACTS")


def test_headings_revisions_and_identifiers(sd):
    r11 = res_of(sd, "11")
    assert r11.heading == "RESOLUTION 11 (REV. DUBAI, 2018)"
    assert (r11.new_revision.place, r11.new_revision.year, r11.new_revision.rev) == ("Dubai", "2018", True)
    assert r11.old_revision is None and r11.draft_label is None
    assert r11.preamble == "The Plenipotentiary Conference of the International Telecommunication Union (Dubai, 2018),"
    assert r11.source_id.startswith(GOLD["resolutions"]["11"]["component"]["frbr_work"])
    for n in ("204", "207", "213"):
        assert res_of(sd, n).new_revision.rev is False
    for n, g in GOLD["resolutions"].items():
        r = res_of(sd, n)
        if g["title"] is None:   # cut, and the rest is not in the file: kept as printed
            assert r.title == g["title_printed"], n
        if g["title"] and not g.get("title_cut"):
            assert r.title == g["title"], n
    assert res_of(sd, "70").title == GOLD["resolutions"]["70"]["title"]


# ------------------------------------------------------------------- the scores ---

def _gold_labels(clauses, prefix=""):
    for c in clauses:
        key = prefix + c["label"]
        yield key
        kids = c.get("children", [])
        yield from _gold_labels(kids, key + "-")


def test_gold_score(sd):
    rows, totals = [], {}
    for n, g in GOLD["resolutions"].items():
        r = res_of(sd, n)
        # sections, in order
        want_s = [s["verb_phrase"] for s in g["sections"]]
        got_s = [s.verb_phrase for s in r.sections]
        # clause keys per section (children included)
        want_c = Counter((s["verb_phrase"], k) for s in g["sections"] for k in _gold_labels(s["clauses"]))
        want_c += Counter((f"annex {a['number']}" if a["number"] else "annex", k)
                          for a in g["annexes"] for k in _gold_labels(a["items"]))
        got_c = Counter((name, c.key) for name, s in sections_of(r) for c in all_clauses(s.clauses))
        # footnotes by the clause holding the mark
        want_f = Counter((f["marker"], f["attached_to"]["section"], f["attached_to"]["clause"]) for f in g["footnotes"])
        got_f = Counter((f.mark, name, c.key) for name, s in sections_of(r) for c in all_clauses(s.clauses) for f in c.footnotes)
        # citations per kind
        want_k = Counter((c["kind"], c["section"], leaf(str(c["clause"]))) for c in g["citations"] if not optional(c, n))
        opt_k = Counter((c["kind"], c["section"], leaf(str(c["clause"]))) for c in g["citations"] if optional(c, n))
        got_k = Counter((gold_kind(x), name, leaf(d.key)) for name, s in sections_of(r)
                        for d in all_clauses(s.clauses) for x in d.citations)
        for what, got, want, opt in (("sections", Counter(got_s), Counter(want_s), Counter()),
                                     ("clauses", got_c, want_c, Counter()), ("footnotes", got_f, want_f, Counter()),
                                     ("citations", got_k, want_k, opt_k)):
            p, rc, tp, fp, fn = prf(got, want, opt)
            rows.append((n, what, p, rc))
            t = totals.setdefault(what, [0, 0, 0])
            t[0] += tp
            t[1] += fp
            t[2] += fn
        rows.append((n, "section order", 1.0 if got_s == want_s else 0.0, 1.0 if got_s == want_s else 0.0))
    by_kind: dict[str, list[int]] = {}
    for n, g in GOLD["resolutions"].items():
        r = res_of(sd, n)
        want = Counter((c["kind"], c["section"], leaf(str(c["clause"]))) for c in g["citations"] if not optional(c, n))
        opt = Counter((c["kind"], c["section"], leaf(str(c["clause"]))) for c in g["citations"] if optional(c, n))
        got = Counter((gold_kind(x), name, leaf(d.key)) for name, s in sections_of(r)
                      for d in all_clauses(s.clauses) for x in d.citations)
        for kind in set(k for k, _, _ in want) | set(k for k, _, _ in got):
            w = Counter({k: v for k, v in want.items() if k[0] == kind})
            o = Counter({k: v for k, v in opt.items() if k[0] == kind})
            gk = Counter({k: v for k, v in got.items() if k[0] == kind})
            p, rc, tp, fp, fn = prf(gk, w, o)
            t = by_kind.setdefault(kind, [0, 0, 0])
            t[0] += tp
            t[1] += fp
            t[2] += fn
    print("\nres   what           precision recall")
    for n, what, p, rc in rows:
        print(f"{n:>4}  {what:<14} {p:9.2f} {rc:6.2f}")
    print("\ntotal what           precision recall  (tp/fp/fn)")
    score = {}
    for what, (tp, fp, fn) in list(totals.items()) + [(f"cite:{k}", v) for k, v in sorted(by_kind.items())]:
        p = tp / (tp + fp) if tp + fp else 1.0
        rc = tp / (tp + fn) if tp + fn else 1.0
        score[what] = (p, rc)
        print(f"      {what:<26} {p:9.2f} {rc:6.2f}  ({tp}/{fp}/{fn})")
    # floors: measured by the gold, set a little below what the reader reaches (see the report)
    assert score["sections"] == (1.0, 1.0)
    assert score["clauses"][0] >= 0.98 and score["clauses"][1] >= 0.98
    assert score["footnotes"] == (1.0, 1.0)
    # citations are read by pipeline.citations (not this reader): sdg, wsis and un-document recall is theirs
    assert score["citations"][0] >= 0.9 and score["citations"][1] >= 0.8
    assert score["cite:itu-resolution"][1] >= 0.95


def leaf(key: str) -> str:
    """The clause's own label: "p2-a" → "a", "1.iv" (the gold's child notation) → "iv"."""
    return re.split(r"[-.]", key)[-1] if not key.startswith("bullet") else key


def optional(c: dict, number: str) -> bool:
    t = c.get("target", {})
    return bool(c.get("optional")) or (bool(c.get("self")) and t.get("number") == number
                                       and t.get("revision") == "Rev. Dubai, 2018")


def gold_kind(c) -> str:
    k = c.kind
    if k == "un":
        return "un-ga-resolution" if str(c.key[0] if isinstance(c.key, tuple) else c.key).startswith("A/RES/") else "un-document"
    return {"constitution": "constitution-provision", "convention": "convention-provision", "supplement": "recommendation",
            "itu-resolution": "itu-resolution", "itu-decision": "itu-decision", "sdg": "sdg", "wsis": "wsis",
            "recommendation": "recommendation"}.get(k, "other")


# ------------------------------------------------------------------ the damage ---

REPAIRED = {  # gold damage kind -> words the finding's message holds
    "first-item-label-in-text": "left at the start of the paragraph",
    "footnote-inline": "printed inline after a '____' rule",
    "footnote-marker-glued": "glued to the word before it",
    "merged-paragraphs": ("merged into one paragraph", "split at sentence ends"),
    "sub-items-merged": "merged into one paragraph",
    "section-keyword-merged": "glued to the end of the previous item",
    "annex-merged-into-body": "glued into the last paragraph",
    "title-cut": "title cut",
    "duplicate-eId": "eIds not unique",
    "bullets-inline": "read as bullets",
    "hyphen-space": "hyphen followed by a space",
    "character-mangled": "non-breaking hyphen",
    "title-hyphen-dropped": "hyphen lost at a line break",
    "sub-items-flattened": "given as a sibling of item",
}


def test_every_damage_kind_of_the_gold_is_a_finding_at_its_resolution(sd):
    missing = []
    for n, g in GOLD["resolutions"].items():
        r = res_of(sd, n)
        found = [f for f in sd.findings if f.kind == "converter-damage" and r.span.char_start <= f.span.char_start <= r.span.char_end]
        for kind in sorted({d["kind"] for d in g["damages"]} & set(REPAIRED)):
            if not any(said(kind, f.message) for f in found):
                missing.append((n, kind))
        assert all(f.severity == "info" and len(f.quote) <= 200 and f"resolution {n}" in f.message for f in found)
    assert missing == []


def said(kind: str, message: str) -> bool:
    words = REPAIRED[kind]
    return any(w in message for w in ((words,) if isinstance(words, str) else words))


def test_every_damage_of_the_gold_is_a_finding_on_its_line(sd):
    """Each damage the hand reading lists (of the kinds this reader repairs) has a finding whose span
    holds its line; and no converter-damage finding in the six resolutions stands on a line the
    hand reading saw no damage on."""
    found = [f for f in sd.findings if f.kind == "converter-damage"]
    missing, lines = [], set()
    for n, g in GOLD["resolutions"].items():
        for d in g["damages"]:
            lines.add(d["line"])
            if d["kind"] in REPAIRED and not any(f.span.line_start <= d["line"] <= f.span.line_end and said(d["kind"], f.message)
                                                 for f in found):
                missing.append((n, d["kind"], d["line"]))
    print(f"\ngold damages of repaired kinds without a finding on their line: {missing}")
    assert missing == []
    extra = []
    for n in GOLD["resolutions"]:
        r = res_of(sd, n)
        extra += [(n, f.span.line_start, f.message[:80]) for f in found
                  if r.span.char_start <= f.span.char_start <= r.span.char_end
                  and not any(f.span.line_start <= x <= f.span.line_end for x in lines)]
    assert extra == []


def test_recommendation_7_stops_before_the_end_of_the_book(sd):
    rec = next(r for r in sd.texts if r.instrument == "recommendation")
    words = " ".join(c.text for s in rec.sections for c in all_clauses(s.clauses))
    assert "SIGNATORIES" not in words and "For Georgia" not in words
    assert any("rest of the book" in f.message for f in sd.findings)


def test_spans_point_into_the_xml(sd):
    text = sd.text
    for r in sd.texts:
        for _, s in sections_of(r):
            for c in all_clauses(s.clauses):
                raw = text[c.span.char_start:c.span.char_end]
                assert c.span.line_start == text.count("\n", 0, c.span.char_start) + 1
                # the words at the span are the clause's (an annex table's number, kept in the text, stood in <num>)
                assert raw.split()[:1] in (c.text.split()[:1], c.text.split()[1:2]) or "&" in raw or c.footnotes or "-" in raw


# ---------------------------------------------------------------- hostile input ---

BAD = {
    "not-well-formed.xml": (f"<?xml version='1.0'?>\n{NS_ROOT}<act><p>open</act></akomaNtoso>", "not well-formed XML"),
    "billion-laughs.xml": ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
                           '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>\n' + NS_ROOT + "<act>&lol3;</act></akomaNtoso>",
                           "declares entities; refused"),
    "external-entity.xml": ('<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' + NS_ROOT
                            + "<act><p>&xxe;</p></act></akomaNtoso>", "declares entities; refused"),
    "empty-collection.xml": (f"<?xml version='1.0'?>\n{NS_ROOT}<documentCollection name='x'><components/></documentCollection></akomaNtoso>",
                             "no readable resolution"),
    "not-akn.xml": ("<?xml version='1.0'?>\n<html xmlns='http://www.w3.org/1999/xhtml'><p>akomaNtoso</p></html>",
                    "no reader recognises"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_xml_is_one_line_source_error(tmp_path, name):
    text, words = BAD[name]
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as e:
        parse(p)
    msg = str(e.value)
    assert words in msg and "\n" not in msg
    assert "root:" not in msg and "passwd" not in msg.replace(str(p), "")


@pytest.mark.parametrize("name", ["not-well-formed.xml", "billion-laughs.xml", "external-entity.xml"])
def test_cli_validate_refuses_bad_xml_without_traceback(tmp_path, name):
    p = tmp_path / name
    p.write_text(BAD[name][0], encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", "import sys; from pipeline.cli import main; sys.argv[0] = 'resgraph'; main()",
                          "validate", str(p)], capture_output=True, text=True, cwd=str(PROJECT_ROOT), timeout=120)
    assert run.returncode != 0
    err = [ln for ln in run.stderr.splitlines() if ln.strip()]
    assert len([ln for ln in err if ln.startswith("error:")]) == 1, run.stderr
    assert "Traceback" not in run.stderr + run.stdout


SINGLE = f"""<?xml version="1.0" encoding="UTF-8"?>
{NS_ROOT}
  <statement name="resolution">
    <meta><identification source="#x"><FRBRWork><FRBRthis value="/akn/un/statement/deliberation/itu-pp/2018-11-15/res-999/!main"/>
      <FRBRdate date="2018-11-15" name="adoption"/><FRBRauthor href="#itu-pp"/></FRBRWork></identification></meta>
    <preface><longTitle><p><docType>RESOLUTION</docType><docNumber>999 (DUBAI, 2018)</docNumber></p></longTitle>
      <container name="title"><p>A test &amp; nothing more</p></container></preface>
    <preamble><formula name="enactingFormula"><p>The Plenipotentiary Conference of the International Telecommunication Union (Dubai, 2018),</p></formula>
      <recitals><intro><p><i>considering</i></p></intro>
        <recital><p>a) that one &amp; two, see Resolution 25 (Rev. Dubai, 2018) of this conference;</p></recital>
        <recital><num>b)</num><p>that three,</p></recital></recitals></preamble>
    <mainBody><hcontainer name="resolves"><heading><i>resolves</i></heading>
      <paragraph><content><p>1 to do a thing; 2 to do another thing, instructs the Secretary-General</p></content></paragraph>
      <paragraph><num>1</num><content><p>to report.</p></content></paragraph></hcontainer></mainBody>
  </statement>
</akomaNtoso>
"""


def test_a_single_akn_document(tmp_path):
    p = tmp_path / "one.xml"
    p.write_text(SINGLE, encoding="utf-8")
    doc = parse(p)
    (r,) = doc.texts
    assert (r.instrument, r.body, r.number, r.new_revision.rev, r.title) == ("resolution", "pp", "999", False, "A test & nothing more")
    assert [s.verb_phrase for s in r.sections] == ["considering", "resolves", "instructs the Secretary-General"]
    assert [[c.key for c in s.clauses] for s in r.sections] == [["a", "b"], ["1", "2"], ["1"]]
    a = r.sections[0].clauses[0]
    assert a.text.startswith("that one & two") and doc.text[a.span.char_start:a.span.char_end].startswith("that one &amp; two")
    cite = next(c for c in a.citations if c.kind == "itu-resolution")
    assert cite.key == ("pp", "25") and doc.text[cite.span.char_start:cite.span.char_end].startswith("Resolution 25")


def test_sniff_is_cheap_and_never_raises():
    from pipeline.sources.akn import sniff
    assert sniff(SINGLE) and not sniff("MOD\tACP/64A1/7\n") and not sniff("") and not sniff("<akomaNtoso>no namespace</akomaNtoso>")
