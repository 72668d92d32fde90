"""The synthetic corpus generator's UN-shaped documents (bench/corpus.py, issue 19 item 3).

Expected values come from the scheme the generator documents (UN document j is
``A/RES/{j mod 80 + 1}/{j div 80 + 1}``, adopted in 1945 + session) and from the real GA
resolutions in data/sources/un-ga-80 (41 files, each citing earlier GA resolutions by number);
every generated file is read by the real UN reader.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from pipeline.model import Citation
from pipeline.sources import parse, reader_for

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import corpus  # noqa: E402

#: 85 documents: every session 1..80 once, then sessions 1..5 a second time
M = 85
EXPECTED = [f"A/RES/{s}/1" for s in range(1, 81)] + [f"A/RES/{s}/2" for s in range(1, 6)]


def citations(model) -> list[Citation]:
    """Every Citation object reachable from a document model."""
    out, seen = [], set()

    def walk(o, depth=0):
        if id(o) in seen or depth > 14:
            return
        seen.add(id(o))
        if isinstance(o, Citation):
            out.append(o)
        elif isinstance(o, (list, tuple)):
            for x in o:
                walk(x, depth + 1)
        elif hasattr(o, "__dict__"):
            for x in vars(o).values():
                walk(x, depth + 1)
    walk(model)
    return out


@pytest.fixture(scope="module")
def un_docs(tmp_path_factory):
    out = tmp_path_factory.mktemp("un-corpus")
    paths = corpus.write(0, out, un=M)
    return paths, [parse(p) for p in paths]


def test_un_documents_are_distinct_ga_resolutions_with_the_expected_symbols(un_docs):
    paths, docs = un_docs
    assert len(paths) == M and all(p.suffix == ".md" for p in paths)
    assert {reader_for(p, p.read_text(encoding="utf-8")).name for p in paths} == {"un-text"}
    symbols = [d.texts[0].symbol for d in docs]
    assert symbols == EXPECTED                       # in generation order, none repeated
    assert len({d.slug for d in docs}) == M
    for d in docs:
        res = d.texts[0]
        session = int(res.symbol.split("/")[2])
        assert res.session == str(session)
        assert res.date.startswith(f"{1945 + session}-")
        assert res.title.endswith(f", {1945 + session}")


def test_un_documents_keep_their_templates_shape(un_docs):
    """Document j is template j mod 41 renumbered: same number of findings and citations."""
    _paths, docs = un_docs
    templates = sorted((ROOT / "data" / "sources" / "un-ga-80").glob("*.md"))
    assert len(templates) == 41
    for j in (0, 1, 40, 41, 84):
        t = parse(templates[j % 41])
        assert len(docs[j].findings) == len(t.findings)
        assert len(citations(docs[j])) == len(citations(t))


def test_un_citations_form_a_web_among_the_generated_resolutions(un_docs):
    _paths, docs = un_docs
    generated = set(EXPECTED)
    ga = Counter(c.key[0] for d in docs for c in citations(d)
                 if c.kind == "un" and c.key and str(c.key[0]).startswith("A/RES/"))
    inside = sum(n for k, n in ga.items() if k in generated)
    # the templates' "resolution 70/1", "A/RES/75/240" … all become generated symbols; what is
    # left are old-style and lettered symbols (217 A (III), S-10/2, 51/45 L)
    assert inside >= 0.8 * sum(ga.values())
    hub, n = max(((k, n) for k, n in ga.items() if k in generated), key=lambda x: x[1])
    assert n >= 20                                   # a hub, as A/RES/70/1 is among the real ones
    cited = {k for k in ga if k in generated}
    assert len(cited) >= M // 2                      # and not a handful of targets


def test_mixed_corpus_holds_both_shapes(tmp_path):
    paths = corpus.write(2, tmp_path, un=3)
    assert sorted(p.name for p in paths) == sorted(
        ["000_e6762f12f0311554.txt", "00001-synthetic.txt", "A_RES_1_1.md", "A_RES_2_1.md", "A_RES_3_1.md"])
    assert {reader_for(p, p.read_text(encoding="utf-8")).name for p in paths if p.suffix == ".md"} == {"un-text"}
