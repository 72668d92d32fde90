"""The parser on damaged input: parsed as far as it is sound, or one SourceError — never a crash."""
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline.sources import SourceError, parse
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
        from pipeline.sources import read_source
        t, _ = read_source(p)
        parse(p, text=t)


# ------------------------------------------------ fuzzing (bench/fuzz.py) ---

def _fuzz_module():
    import importlib.util
    spec = importlib.util.spec_from_file_location("bench_fuzz", PROJECT_ROOT / "bench" / "fuzz.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_fuzz_corpus_is_small_slices_of_the_seed_that_parse():
    fuzz = _fuzz_module()
    corpus = fuzz.load_corpus()
    assert len(corpus) >= 50
    for data in corpus:
        assert len(data) <= fuzz.SLICE_BYTES
        text = data.decode("utf-8")
        assert text.split("\n")[1] in SEED_TEXT or text.split("\n")[0] in SEED_TEXT
    # most slices are proposals the parser reads (the rest: text before the first proposal)
    parsed = [fuzz.run_one(d) for d in corpus]
    assert sum(d is not None and len(d.proposals) >= 1 for d in parsed) >= 0.9 * len(corpus)


def test_short_fuzz_run_finds_no_crash():
    """2,000 mutants (fixed seed) of the corpus; `bench/fuzz.py` runs 100,000 and more."""
    fuzz = _fuzz_module()
    r = fuzz.fuzz(2000, seed=12345, timeout=10.0)
    assert r["crashes"] == {}, {k: v for k, v in r["crashes"].items()}
    assert r["parsed"] + r["rejected"] == 2000
    assert r["parsed"] > 1000 and r["rejected"] > 100   # the mutations reach both outcomes


def test_a_crash_in_the_parser_would_be_counted(monkeypatch):
    fuzz = _fuzz_module()
    import pipeline.sources as sources

    def broken(path, *, text=None, sha256=None, limits=True):
        if "resolves" in (text or ""):
            raise KeyError("boom")
        return sources.parse(path, text=text)
    monkeypatch.setattr(fuzz, "parse", broken)
    r = fuzz.fuzz(50, seed=1, timeout=0)
    assert sum(r["crashes"].values()) > 0 and all(k.startswith("KeyError") for k in r["crashes"])


def test_long_sections_and_duplicate_annexes_are_findings_not_crashes():
    from pipeline.sources import labels
    hdr = "\tProposal ACP/64A1/3 - Summary: x\nMOD\tACP/64A1/3\nRESOLUTION 11 (Rev. Busan, 2014Dubai, 2018)\nTitle\n"
    n = labels.MAX_LABELS + 1
    text = hdr + "resolves\n" + "\n".join(f"{i}\tclause {i};" for i in range(1, n + 1))
    text += "\nANNEX TO RESOLUTION 11\nA title\nnoting\na)\tx\nANNEX TO RESOLUTION 11\nA title\nnoting\na)\ty\n"
    doc = parse(Path("x.txt"), text=text)
    res = doc.proposals[0].resolution
    assert [c.label for c in res.sections[0].clauses] == [str(i) for i in range(1, n + 1)]
    assert {c.label_change for c in res.sections[0].clauses} == {"uncertain"}
    assert [f.kind for f in doc.findings if "tracked-change recovery reads" in f.message] == ["label-uncertain"]
    assert [a.key for a in res.annexes] == ["annex", "annex-2"]
    assert any(f.kind == "duplicate-label" and "annex" in f.message for f in doc.findings)


def test_a_clean_list_just_under_the_limit_is_still_reconciled():
    # how long it takes (it used to be asserted < 2 s): bench/limits.py, part "documents"
    from pipeline.sources import labels
    rec = labels.reconcile([str(i) for i in range(1, labels.MAX_LABELS + 1)])
    assert rec.reconciled and {r.change for r in rec.readings} == {"unchanged"}


def test_crlf_line_ends_read_like_lf():
    def shape(doc):
        count = lambda cs: sum(1 + count(c.children) for c in cs)  # noqa: E731
        return ([p.symbol for p in doc.proposals], sum(count(s.clauses) for r in doc.resolutions() for s in r.sections),
                sorted(f.kind for f in doc.findings))
    lf = parse(Path("lf.txt"), text="\n".join(LINES[:400]))
    crlf = parse(Path("crlf.txt"), text="\r\n".join(LINES[:400]))
    assert shape(crlf) == shape(lf) and len(lf.proposals) >= 3


def test_annex_without_its_resolution_heading_is_read_from_the_annex_heading():
    text = "\n".join(["MOD\tACP/64A1/9#48507", "ANNEX 1 TO RESOLUTION 71 (Rev. Dubai, 2018)",
                      "Strategic plan for the Union for 2020-2023", "considering", "a)\tone;", "b)\ttwo,",
                      "", "Reasons:\tx"])
    doc = parse(Path("x.txt"), text=text)
    p = doc.proposals[0]
    assert p.target_kind == "resolution" and p.anchor == "48507"
    res = p.resolution
    assert (res.number, res.only_part, str(res.new_revision), res.title) == ("71", "annex-1", "Rev. Dubai, 2018", "")
    assert [a.key for a in res.annexes] == ["annex-1"]
    assert [c.label for c in res.annexes[0].sections[0].clauses] == ["a", "b"]
    assert any(f.kind == "export-damage" and "read from the annex heading" in f.message and f.span.line_start == 2
               for f in doc.findings)
