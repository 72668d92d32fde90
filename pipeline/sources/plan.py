"""The ITU strategic plan in Annex 1 to Resolution 71: goals, targets, objectives,
outcomes, outputs, and the table linking each strategic goal to SDG targets and
indicators.

The export keeps the plan's tables as tab-indented lines; items are recognised by
their codes as printed (``Target 1.1:``, ``1. R.1 (Title): …``, ``R.1-a:``,
``R.1-1:``, ``SDG Targets (indicator(s)): 1.4 (1.4.1), …``).  Codes damaged by the
export (``D.1.e``, ``D-4-a``) are read as the outcome codes they stand for, with a
finding.  Plain dataclasses; no RDF.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Finding, Span

GOAL = re.compile(r"^Goal\s+(?P<n>[1-5])\s+[–-]\s+(?P<name>[A-Z][a-z]+):\s+(?P<text>.+)$")
TARGET = re.compile(r"^Target\s+(?P<code>[1-5]\.\d{1,2}):\s*(?P<text>.+)$")
OBJECTIVE = re.compile(r"^(?:\d+\.\s+)?(?P<code>[RTDI])\.(?P<n>\d)\.?\s+\((?P<title>[^)]+)\):?\s*(?P<text>.*)$")
OUTCOME = re.compile(r"^(?P<code>[RTDI])[.-](?P<n>\d)[.-](?P<x>[a-z]):?\s+(?P<text>.+)$")
OUTPUT = re.compile(r"^(?P<code>[RTDI])\.(?P<n>\d)-(?P<x>\d{1,2}):?\s+(?P<text>.+)$")
SDG_GOAL_ROW = re.compile(r"^Goal\s+(?P<n>[1-5])\s+[–-]\s+(?P<name>[A-Z][a-z]+)\s*$")
SDG_ROW = re.compile(r"^SDG\s+Targets?\s+\(indicator\(s\)\):\s*(?P<list>.+)$")
SDG_ITEM = re.compile(r"(?P<t>\d{1,2}\.(?:\d{1,2}|[A-Za-z]))(?![.\d])(?:\s*,?\s*\((?P<i>[^)]*)\))?")
SECTORS = {"R": "ITU-R", "T": "ITU-T", "D": "ITU-D", "I": "inter-sectoral"}


@dataclass
class PlanItem:
    kind: str            # goal | target | objective | outcome | output
    code: str            # "1", "1.1", "R.1", "R.1-a", "R.1-1"
    text: str
    span: Span
    title: str = ""
    parent: str | None = None
    sdg_targets: list[str] = field(default_factory=list)
    sdg_indicators: list[str] = field(default_factory=list)


@dataclass
class StrategicPlan:
    period: str
    items: list[PlanItem] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[PlanItem]:
        return [i for i in self.items if i.kind == kind]


def parse_plan(lines, period: str, findings: list[Finding], span_of) -> StrategicPlan:
    """``lines``: the annex's lines (objects with ``no`` and ``clean``); ``span_of(no)`` → Span."""
    plan = StrategicPlan(period)
    seen: set[tuple[str, str]] = set()
    goals: dict[str, PlanItem] = {}
    sdg_goal: str | None = None

    def add(item: PlanItem) -> None:
        if (item.kind, item.code) in seen:
            return
        seen.add((item.kind, item.code))
        plan.items.append(item)

    for ln in lines:
        s = ln.clean.strip()
        if not s:
            continue
        if s.startswith("[") and re.match(r"^\[\s*[RTDI]\.\d", s):
            # text in square brackets: pending at the time of the proposal ("Pending discussions at PP-18")
            findings.append(Finding("export-damage", "strategic-plan item printed in square brackets (pending text); kept, marked as pending",
                                    s[:160], span_of(ln.no), "info"))
            s = s[1:].strip().rstrip("]").rstrip()
        m = GOAL.match(s)
        if m:
            g = PlanItem("goal", m.group("n"), m.group("text").strip(), span_of(ln.no), title=m.group("name"))
            goals[g.code] = g
            add(g)
            continue
        m = TARGET.match(s)
        if m:
            add(PlanItem("target", m.group("code"), m.group("text").strip(), span_of(ln.no), parent=m.group("code").split(".")[0]))
            continue
        m = OBJECTIVE.match(s)
        if m:
            code = f"{m.group('code')}.{m.group('n')}"
            add(PlanItem("objective", code, m.group("text").strip(), span_of(ln.no), title=m.group("title").strip(),
                         parent=SECTORS[m.group("code")]))
            continue
        m = OUTCOME.match(s)
        if m:
            code = f"{m.group('code')}.{m.group('n')}-{m.group('x')}"
            printed = s.split()[0].rstrip(":")
            if printed != code:
                findings.append(Finding("export-damage", f"strategic-plan outcome code printed '{printed}', read as {code}",
                                        s[:160], span_of(ln.no), "info"))
            add(PlanItem("outcome", code, m.group("text").strip(), span_of(ln.no), parent=f"{m.group('code')}.{m.group('n')}"))
            continue
        m = OUTPUT.match(s)
        if m:
            code = f"{m.group('code')}.{m.group('n')}-{m.group('x')}"
            add(PlanItem("output", code, m.group("text").strip(), span_of(ln.no), parent=f"{m.group('code')}.{m.group('n')}"))
            continue
        m = SDG_GOAL_ROW.match(s)
        if m:
            sdg_goal = m.group("n")
            continue
        m = SDG_ROW.match(s)
        if m and sdg_goal in goals:
            g = goals[sdg_goal]
            for im in SDG_ITEM.finditer(m.group("list")):
                t = im.group("t").lower()
                if t not in g.sdg_targets:
                    g.sdg_targets.append(t)
                for ind in re.findall(r"\d{1,2}\.(?:\d{1,2}|[A-Za-z])\.\d{1,2}", im.group("i") or ""):
                    ind = ind.lower()
                    if ind not in g.sdg_indicators:
                        g.sdg_indicators.append(ind)
            sdg_goal = None
    return plan
