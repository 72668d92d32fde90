"""Every canned question and its minimal counterpart (``bench/minimal/NAME.rq``) give the same
answer (issue 19, item 1): the same rows, in the same order as far as the canned query's
ORDER BY keys go, with the first example's parameters — on the seed and on the default
corpus (seed + PP-18's Final Acts + 41 GA resolutions), where the adopted-text questions
answer too.  ``bench/queries.py`` times the pairs.

Also: the ``rg:inText`` link the build materialises (docs/ontology.md, "Reasoning") is what
``eli:is_part_of+`` to a text gives, and what the seed says about one clause.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pipeline import query as qmod
from pipeline.settings import PROJECT_ROOT, Settings

sys.path.insert(0, str(PROJECT_ROOT / "bench"))
import queries as bench  # noqa: E402

NAMES = sorted(qmod.catalogue(Settings()))


def test_every_canned_query_has_a_minimal_counterpart():
    minimal = sorted(p.stem for p in (PROJECT_ROOT / "bench" / "minimal").glob("*.rq"))
    assert minimal == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_same_answer_on_the_seed(name, seed_build, seed_store):
    ok, why = bench.same_answer(name, seed_store, seed_build[1])
    assert ok, f"{name}: {why}"


@pytest.mark.parametrize("name", NAMES)
def test_same_answer_on_the_default_corpus(name, corpus_build, corpus_store):
    ok, why = bench.same_answer(name, corpus_store, corpus_build[1])
    assert ok, f"{name}: {why}"


def test_the_comparison_can_fail(seed_build, seed_store):
    """A counterpart that loses a row, or orders differently, is told apart."""
    settings = seed_build[1]
    q = qmod.get("dropped-citations", settings)
    b = qmod.bind(q, q.example_values(), settings)
    minimal = bench.minimal_text("dropped-citations")
    assert bench.compare(q.text, minimal, seed_store, b)[0]
    # SEED_FACTS: Resolution 30's draft strikes A/RES/68/198 (line 287) and A/RES/68/220 (line 288)
    lines = {int(r[-1].split('"')[1]) for r in bench.rows_of(q.text, seed_store, b)[1]}
    assert {287, 288} <= lines
    fewer = minimal.replace("  OPTIONAL { ?resolution eli:number ?number }",
                            "  OPTIONAL { ?resolution eli:number ?number }\n  FILTER (?line != 287)")
    ok, why = bench.compare(q.text, fewer, seed_store, b)
    assert not ok and "rows" in why
    assert bench.order_keys(q.text) == ["line", "citedAs"]
    backwards = minimal.replace("ORDER BY ?line", "ORDER BY DESC(?line)")
    assert bench.compare(q.text, backwards, seed_store, b) == (False, "same rows in another order")


def test_in_text_is_the_nearest_text_above_every_part(seed_store):
    """rg:inText holds exactly the (part, text) pairs eli:is_part_of+ reaches."""
    from pipeline.rdf.vocab import PREFIXES

    def pairs(where: str) -> set:
        return {(s["p"].value, s["t"].value) for s in seed_store.query(
            f"SELECT DISTINCT ?p ?t WHERE {{ {where} }}", prefixes=PREFIXES)}
    linked = pairs("?p rg:inText ?t")
    walked = pairs("?t a rg:ResolutionText . ?p eli:is_part_of+ ?t")
    assert linked == walked
    # seed line 1894: ACP/64A1/13's draft, "invites Member States, Sector Members and Associates" 2)
    base = "http://127.0.0.1:8000/id/proposal/ACP/64A1/13/text"
    assert (f"{base}/invites-member-states-sector-members-and-associates/2", base) in linked
    assert len(linked) > 1523   # every one of the seed's 1523 clauses, and its sections
