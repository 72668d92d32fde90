"""The strategic plan in Annex 1 to Resolution 71, scored against a hand reading
(tests/fixtures/strategic_plan_gold.json; see SEED_FACTS.md, "Structure gold")."""
import json
from pathlib import Path

import pytest

GOLD = json.loads((Path(__file__).parent / "fixtures" / "strategic_plan_gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def plan(seed_doc):
    plans = [a.plan for p in seed_doc.proposals if p.resolution for a in p.resolution.annexes if a.plan]
    assert len(plans) == 1
    return plans[0]


@pytest.mark.parametrize("kind,key", [("goal", "goals"), ("target", "targets"), ("objective", "objectives"),
                                      ("outcome", "outcomes"), ("output", "outputs")])
def test_every_item_with_its_code_and_line(plan, kind, key):
    ours = {(i.code, i.span.line_start) for i in plan.of_kind(kind)}
    gold = {(x.get("code") or x.get("number"), x["line"]) for x in GOLD[key]}
    assert ours == gold


def test_sdg_table_links_each_goal_to_its_targets_and_indicators(plan):
    goals = {g.code: g for g in plan.of_kind("goal")}
    for row in GOLD["sdg_table"]["rows"]:
        assert goals[row["goal"]].sdg_targets == row["sdg_targets"]
        assert goals[row["goal"]].sdg_indicators == row["sdg_indicators"]


def test_period(plan):
    assert plan.period == "2020-2023"
