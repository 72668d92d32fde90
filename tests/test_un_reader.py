"""The UN General Assembly resolution reader (pipeline/sources/un_text) against the hand reading
(tests/fixtures/un_ga_gold.json, written before any code; see UN_GA_GOLD.md).

Every expected value below comes from the gold, never from running the reader.  Structure is scored
exactly (paragraph counts, sub-item labels, annexes, dates, reports, footnotes); the damage the gold
lists is scored as recall of ``converter-damage`` findings (printed with ``-s``; the floors are what
the reader reaches today, to catch regressions).  Citations are not scored here: the UN citation
family is being taught the GA's conventions separately.

Bad input (not a resolution, cut in half, binary, empty) ends in one error line or in findings,
never a traceback, through ``pipeline.sources.parse`` and through ``resgraph validate``.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.settings import PROJECT_ROOT
from pipeline.sources import READERS, SourceError, parse

GOLD = json.loads((Path(__file__).parent / "fixtures" / "un_ga_gold.json").read_text(encoding="utf-8"))
CORPUS = PROJECT_ROOT / "data" / "sources" / "un-ga-80"
FILES = sorted(CORPUS.glob("A_RES_80_*.md"))
SEED = PROJECT_ROOT / "data" / "sources" / "000_e6762f12f0311554.txt"
BY_SYMBOL = {r["symbol"]: r for r in GOLD["resolutions"]}


@pytest.fixture(scope="module")
def parsed():
    t = time.perf_counter()
    out = {f.name: parse(f) for f in FILES}
    print(f"\nparsed {len(out)} GA resolutions in {time.perf_counter() - t:.2f} s")
    return out


def _text(parsed, symbol):
    return parsed[BY_SYMBOL[symbol]["file"]].texts[0]


def _section(res, key):
    return next((s for s in res.sections if s.key == key), None)


def _labels(clause):
    return [k.label for k in clause.children]


# ----------------------------------------------------------------- every file ---

def test_corpus_is_the_one_the_gold_read():
    import hashlib
    assert len(FILES) == 41
    for r in GOLD["resolutions"]:
        data = (CORPUS / r["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == r["sha256"], r["file"]


def test_every_file_gives_one_resolution_with_its_symbol(parsed):
    assert len(parsed) == 41
    for name, doc in parsed.items():
        symbol = "A/RES/" + re.match(r"A_RES_(\d+)_(\d+)\.md", name).expand(r"\1/\2")
        assert len(doc.texts) == 1, name
        res = doc.texts[0]
        assert (res.symbol, res.number, res.body, res.adopted) == (symbol, symbol[6:], "unga", True)
        assert res.session == "80" and res.instrument == "resolution" and res.new_revision is None
        assert res.heading.startswith(symbol[6:] + ". ")
        assert res.title and not res.title.endswith(":")
        assert not doc.proposals
        keys = [s.key for s in res.sections]
        assert "operative" in keys and keys[-1] == "operative"
        assert res.meeting and res.meeting.endswith("plenary meeting"), name


def test_the_reader_is_chosen_by_content_only():
    un = next(r for r in READERS if r.name == "un-text")
    assert READERS.index(un) < [r.name for r in READERS].index("itu-text")   # before the most lenient one
    assert not un.sniff(SEED.read_text(encoding="utf-8"))
    assert not un.sniff('<?xml version="1.0"?>\n<akomaNtoso><act><preamble>The General Assembly,</preamble></act></akomaNtoso>')
    assert not un.sniff("")
    assert not un.sniff("# Notes\n\nNothing to see here.\n")
    body = "\n\n".join((CORPUS / "A_RES_80_16.md").read_text(encoding="utf-8").split("---\n", 2)[2:])
    assert un.sniff(body)          # no front matter: the body alone is recognised


# ----------------------------------------------------------- against the gold ---

GOLD_IDS = [r["symbol"] for r in GOLD["resolutions"]]


@pytest.mark.parametrize("symbol", GOLD_IDS)
def test_heading_metadata(parsed, symbol):
    g = BY_SYMBOL[symbol]
    res = _text(parsed, symbol)
    assert res.date == g["date_adopted"]
    assert res.report == g["report"]
    assert res.meeting == g["plenary_meeting"]
    assert res.agenda_item == g["agenda_items"][0]["item"]
    assert res.title.casefold() == g["title"].replace(" : ", ": ").casefold() or \
        res.title.replace("\u2011", "-").casefold() == g["title_front_matter"].rstrip(" :").replace(" : ", ": ").casefold()
    assert res.preamble.startswith("The General Assembly")


@pytest.mark.parametrize("symbol", GOLD_IDS)
def test_paragraph_counts_and_sub_items(parsed, symbol):
    g = BY_SYMBOL[symbol]
    res = _text(parsed, symbol)
    pre = _section(res, "preamble")
    op = _section(res, "operative")
    got_pre = pre.clauses if pre else []
    assert len(got_pre) == g["preamble"]["count"]
    assert len(op.clauses) == g["operative"]["count"]
    for c, gp in zip(got_pre, g["preamble"]["paragraphs"]):
        assert c.printed_label is None and c.key == f"p{gp['n']}"
        assert _labels(c) == [s["label"] for s in gp.get("sub_items", [])], (symbol, c.key)
    for c, gp in zip(op.clauses, g["operative"]["paragraphs"]):
        if gp["n"] is not None:
            assert (c.label, c.key, c.printed_label) == (str(gp["n"]), str(gp["n"]), f"{gp['n']}.")
        assert _labels(c) == [s["label"] for s in gp.get("sub_items", [])], (symbol, c.key)
        for k, gs in zip(c.children, gp.get("sub_items", [])):
            assert k.key == gs["label"]
            assert k.printed_label == (f"({gs['label']})" if gs.get("label_printed", True) else None)


@pytest.mark.parametrize("symbol", GOLD_IDS)
def test_annex(parsed, symbol):
    g = BY_SYMBOL[symbol]
    res = _text(parsed, symbol)
    if not g["annex"]:
        assert res.annexes == []
        return
    ga = g["annex"]
    assert len(res.annexes) == 1
    annex = res.annexes[0]
    assert annex.key == "annex" and annex.number is None
    assert annex.title == ga["title"]
    assert all(s.kind == "annex" for s in annex.sections)
    clauses = [c for s in annex.sections for c in s.clauses]
    assert len(clauses) == ga["count"]
    for c, gp in zip(clauses, ga["paragraphs"]):
        assert c.key == str(gp["n"])
        assert _labels(c) == [s["label"] for s in gp.get("sub_items", [])], (symbol, c.key)
    headings = [h["printed"] for h in ga["headings"] if h["role"] != "annex label"]
    assert [s.verb_phrase for s in annex.sections if s.verb_phrase] == headings


def _where(res, clause_path):
    """Location code of the gold ('pp3', 'op7(a)', 'annex 4', 'annex 28(a)')."""
    sec, c, k = clause_path
    base = {"preamble": "pp" + c.key[1:], "operative": "op" + c.key}.get(sec.key, "annex " + c.key)
    return base + (f"({k.key})" if k is not None else "")


def _footnotes(res):
    out = {}
    secs = [s for s in res.sections] + [s for a in res.annexes for s in a.sections]
    for s in secs:
        for c in s.clauses:
            for f in c.footnotes:
                out[int(f.ref)] = (_where(res, (s, c, None)), f)
            for k in c.children:
                for f in k.footnotes:
                    out[int(f.ref)] = (_where(res, (s, c, k)), f)
    return out


def test_footnotes(parsed):
    """Footnote count exact per resolution; where each is attached, scored (the marker forms
    'spaced' and 'glued' are guesses from a bare number)."""
    rows, hit, total = [], 0, 0
    for g in GOLD["resolutions"]:
        res = _text(parsed, g["symbol"])
        got = _footnotes(res)
        assert len(got) == len(g["footnotes"]), g["symbol"]
        ok = 0
        for f in g["footnotes"]:
            where, fn = got.get(f["n"], (None, None))
            if where == f["attached_to"].replace("annex ", "annex "):
                ok += 1
            if fn is not None:
                assert fn.text.split()[:3] == f["text"].split()[:3], (g["symbol"], f["n"])
                assert "[^" not in fn.text
        rows.append((g["symbol"], ok, len(g["footnotes"])))
        hit += ok
        total += len(g["footnotes"])
    print("\nfootnote attachment:", ", ".join(f"{s[6:]} {a}/{b}" for s, a, b in rows), f"— {hit}/{total}")
    assert hit >= FOOTNOTE_FLOOR


#: what the reader attaches where the hand reading does, today (of 126)
FOOTNOTE_FLOOR = 126


def test_marker_and_definition_text_leave_the_clause_text(parsed):
    for g in GOLD["resolutions"]:
        res = _text(parsed, g["symbol"])
        secs = res.sections + [s for a in res.annexes for s in a.sections]
        for s in secs:
            for c in s.clauses:
                for t in [c.text] + [k.text for k in c.children]:
                    assert "[^" not in t, (g["symbol"], c.key)
                    assert not re.search(r"plenary meeting\s*$", t)


def test_verbs_and_addressees(parsed):
    res = _text(parsed, "A/RES/80/16")
    pre, op = _section(res, "preamble"), _section(res, "operative")
    assert [c.verb_phrase for c in pre.clauses] == [p["opening"] for p in BY_SYMBOL["A/RES/80/16"]["preamble"]["paragraphs"]]
    assert [c.verb for c in pre.clauses] == ["recalling"] * 3
    assert [c.verb_phrase for c in op.clauses] == [p["opening"] for p in BY_SYMBOL["A/RES/80/16"]["operative"]["paragraphs"]]
    assert [c.verb for c in op.clauses] == ["decides", "requests", "requests", "decides"]
    assert op.clauses[1].addressees == ["secretary-general"]
    assert op.clauses[0].addressees == []
    res12 = _text(parsed, "A/RES/80/12")
    op12 = _section(res12, "operative")
    assert (op12.clauses[0].verb_phrase, op12.clauses[0].verb, op12.clauses[0].addressees) == \
        ("Calls upon", "calls-upon", ["member-states"])
    # every paragraph's opening as the gold reads it (its first word at least)
    same = total = 0
    for g in GOLD["resolutions"]:
        r = _text(parsed, g["symbol"])
        for key, part in (("preamble", "preamble"), ("operative", "operative")):
            sec = _section(r, key)
            for c, gp in zip(sec.clauses if sec else [], g[part]["paragraphs"]):
                total += 1
                same += (c.verb_phrase or "").split()[:1] == gp["opening"].split()[:1]
    print(f"\nopenings, first word as the gold: {same}/{total}")
    assert same >= total * 0.95


# ------------------------------------------------------------------- damage ---

def _covers(f, line):
    return f.span.line_start <= line <= f.span.line_end


def test_damage_recall(parsed):
    """Each damage the gold lists, found as a converter-damage finding of its type on its line."""
    by_type: dict[str, list[int]] = {}
    for g in GOLD["resolutions"]:
        doc = parsed[g["file"]]
        found = [f for f in doc.findings if f.kind == "converter-damage"]
        for d in g["damage"]:
            kind = d["type"]
            ok = any(f.message.startswith(kind + ":") and _covers(f, d["line"]) for f in found)
            by_type.setdefault(kind, [0, 0])
            by_type[kind][0] += ok
            by_type[kind][1] += 1
    print("\ndamage recall (gold type: found / listed)")
    for kind, (a, b) in sorted(by_type.items(), key=lambda kv: -kv[1][1]):
        print(f"  {kind:28s} {a:4d} / {b:4d}")
    total = sum(a for a, _ in by_type.values()), sum(b for _, b in by_type.values())
    print(f"  {'all':28s} {total[0]:4d} / {total[1]:4d}")
    for kind, floor in DAMAGE_FLOORS.items():
        assert by_type[kind][0] >= floor, (kind, by_type[kind])


#: found today, per gold type (of: lost-sub-item-letter 148, footnote-marker-glued 81, nb-hyphen 41,
#: footnote-marker-spaced 32, page-split 29, hyphen-space 28, line-break-in-paragraph 21, text-lost 14, …).
#: Not found: the two uncertain text-lost entries of 80/9 ("the Protocol to Children": words missing
#: inside a paragraph, which nothing in the layout shows).
DAMAGE_FLOORS: dict[str, int] = {
    "lost-sub-item-letter": 148, "footnote-marker-glued": 81, "nb-hyphen": 41, "footnote-marker-spaced": 32,
    "page-split": 29, "hyphen-space": 28, "line-break-in-paragraph": 21, "text-lost": 12, "paragraph-merged": 5,
    "cut-title": 4, "running-header": 3, "fake-footnote": 2, "agenda-title-lost": 1, "agenda-title-cut": 1,
    "annex-heading-merged": 1, "paragraph-break-lost": 1,
}


def test_damage_false_alarms(parsed):
    """converter-damage findings on lines where the gold lists no damage (the 14 gold files)."""
    extra = []
    for g in GOLD["resolutions"]:
        for f in parsed[g["file"]].findings:
            if f.kind != "converter-damage" or f.message.startswith("note:"):
                continue
            if not any(_covers(f, d["line"]) for d in g["damage"]):
                extra.append((g["symbol"], f.span.line_start, f.message.split(":")[0]))
    print(f"\nconverter-damage findings on lines without gold damage: {len(extra)}", extra)
    # today: three further line breaks in 80/12's first preambular paragraph (the gold lists the first)
    assert len(extra) <= 3


def test_findings_are_info_and_quote_the_text(parsed):
    for name, doc in parsed.items():
        for f in doc.findings:
            if f.kind == "converter-damage":
                assert f.severity == "info"
                assert 1 <= f.span.line_start <= f.span.line_end <= doc.line_count, (name, f)


# ---------------------------------------------------------------- bad input ---

CUT = (CORPUS / "A_RES_80_24.md").read_text(encoding="utf-8")
CUT = CUT[:len(CUT) // 2]
BAD = {
    "not-a-resolution.md": ("---\ntitle: Meeting notes\n---\n\n# Notes\n\nThe committee met on Tuesday.\n", "error"),
    "cut-in-half.md": (CUT, "findings"),
    "empty.md": ("", "error"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_through_parse(tmp_path, name):
    text, outcome = BAD[name]
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    if outcome == "error":
        with pytest.raises(SourceError) as e:
            parse(p)
        assert "\n" not in str(e.value)
        return
    doc = parse(p)
    res = doc.texts[0]
    assert res.symbol == "A/RES/80/24" and res.meeting is None
    assert _section(res, "operative") is not None
    assert any("without the closing" in f.message for f in doc.findings)


def test_binary_input_through_parse(tmp_path):
    p = tmp_path / "binary.md"
    p.write_bytes(b"\x00\x01\xff\xfe" * 200 + "symbol: A/RES/80/1\n".encode())
    with pytest.raises(SourceError) as e:
        parse(p)
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("name", sorted(BAD) + ["binary.md"])
def test_bad_input_through_the_cli(tmp_path, name):
    p = tmp_path / name
    if name == "binary.md":
        p.write_bytes(b"\x00\x01\xff\xfe" * 200)
    else:
        p.write_text(BAD[name][0], encoding="utf-8")
    cmd = [sys.executable, "-c", "import sys; from pipeline.cli import main; sys.argv[0] = 'resgraph'; main()",
           "validate", str(p)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT)
    both = out.stdout + out.stderr
    assert "Traceback" not in both, both[-2000:]
    if name == "cut-in-half.md":
        assert "without the closing" in both or out.returncode == 0, both[-2000:]
    else:
        assert out.returncode != 0
        assert len([ln for ln in out.stderr.splitlines() if ln.startswith("error:")]) == 1, out.stderr


def test_truncated_and_shuffled_resolutions_never_crash():
    """Every file cut at 15 points, and its lines dropped or shuffled: a model or one SourceError line."""
    import random
    rnd = random.Random(15)
    for f in FILES:
        t = f.read_text(encoding="utf-8")
        lines = t.split("\n")
        variants = [t[:rnd.randrange(len(t))] for _ in range(15)]
        variants += ["\n".join(rnd.sample(lines, len(lines))), "\n".join(x for x in lines if rnd.random() > 0.3),
                     t.replace("\n\n", "\n"), t.replace("\n", "\r\n"), t.split("---\n", 2)[-1]]
        for v in variants:
            try:
                parse(f, text=v)
            except SourceError as e:
                assert "\n" not in str(e)


def test_a_lost_operative_number_is_recovered_from_position_and_reported():
    """A_RES_80_16.md with the number of operative paragraph 3 ("3. Also requests …", read in the
    file) lost, as a PDF extraction loses it: still four operative paragraphs 1–4, the third
    recovered from its position, and a converter-damage finding saying so."""
    text = (CORPUS / "A_RES_80_16.md").read_text(encoding="utf-8")
    assert "\n\n3. Also requests the Secretary-General" in text
    damaged = text.replace("\n\n3. Also requests", "\n\nAlso requests")
    doc = parse(Path("A_RES_80_16-damaged.md"), text=damaged)
    (op,) = [s for s in doc.texts[0].sections if s.key == "operative"]
    assert [c.label for c in op.clauses] == ["1", "2", "3", "4"]
    assert op.clauses[2].text.startswith("Also requests the Secretary-General")
    assert not op.clauses[1].text.endswith("A/80/257;") or "Also requests" not in op.clauses[1].text
    lost = [f for f in doc.findings if f.kind == "converter-damage" and "numbered 3" in f.message]
    assert len(lost) == 1 and lost[0].span.line_start == damaged[:damaged.index("\n\nAlso requests")].count("\n") + 3
