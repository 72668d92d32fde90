"""The parser on damaged input: parsed as far as it is sound, or one SourceError — never a crash."""
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline.parse import SourceError, parse
from pipeline.settings import PROJECT_ROOT

SEED_TEXT = (PROJECT_ROOT / "data" / "sources" / "000_e6762f12f0311554.txt").read_text(encoding="utf-8")
LINES = SEED_TEXT.split("\n")


def parse_or_source_error(text: str):
    try:
        return parse(Path("mutant.txt"), text=text)
    except SourceError:
        return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.integers(0, len(LINES) - 1), length=st.integers(1, 400),
       drops=st.lists(st.integers(0, 399), max_size=20),
       junk=st.lists(st.tuples(st.integers(0, 399), st.text(max_size=30)), max_size=10))
def test_random_mutations_of_the_seed_never_crash(start, length, drops, junk):
    chunk = LINES[start:start + length]
    for i in sorted(set(drops), reverse=True):
        if i < len(chunk):
            del chunk[i]
    for i, s in junk:
        if chunk:
            chunk[i % len(chunk)] = s + chunk[i % len(chunk)][len(s):]
    doc = parse_or_source_error("\n".join(chunk))
    if doc is not None:
        for p in doc.proposals:
            assert p.symbol.count("/") == 2


def test_truncated_mid_resolution_keeps_what_is_sound():
    # cut at line 100: inside Resolution 11 (resolves 7 is on line 102)
    doc = parse(Path("cut.txt"), text="\n".join(LINES[:100]))
    assert [p.symbol for p in doc.proposals] == ["ACP/64A1/1", "ACP/64A1/2", "ACP/64A1/3"]
    res = doc.proposals[2].resolution
    assert res.number == "11"
    assert [s.verb_phrase for s in res.sections][-1] == "resolves"


def test_labels_that_never_fit_are_reported_not_invented():
    text = "\n".join(["\tProposal ACP/64A1/3 - Summary: x", "MOD\tACP/64A1/3", "RESOLUTION 11 (Rev. Busan, 2014Dubai, 2018)",
                      "Title", "considering", "a)\tone;", "q)\ttwo;", "fz)\tthree,", "resolves", "to do"])
    doc = parse(Path("x.txt"), text=text)
    clauses = doc.proposals[0].resolution.sections[0].clauses
    assert [c.label_change for c in clauses] == ["uncertain"] * 3
    assert any(f.kind == "label-uncertain" and f.span.line_start == 7 for f in doc.findings)


def test_resolution_heading_without_sections():
    text = "\tProposal ACP/64A1/3 - Summary: x\nMOD\tACP/64A1/3\nRESOLUTION 11 (Rev. Busan, 2014Dubai, 2018)\nTitle only\n"
    doc = parse(Path("x.txt"), text=text)
    assert doc.proposals[0].resolution.sections == []


@pytest.mark.parametrize("text", ["\x00\x01", "   \n\n", "MOD\tnot a symbol\n"])
def test_not_a_document(tmp_path, text):
    p = tmp_path / "bad.txt"
    p.write_bytes(text.encode())
    with pytest.raises(SourceError):
        from pipeline.parse import read_source
        t, _ = read_source(p)
        parse(p, text=t)
