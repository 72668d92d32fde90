"""ITU strategic plans and their goals ("the strategic plan for the Union for 2020-2023", "Goal 1:").
An ITU strategic "Target 1.1" is not an SDG target."""
from __future__ import annotations

import re

from ..model import Citation
from .base import Family, SpanMaker, Targets
from .prefilter import _finditer
from ..reference import adopts_strategic_plan
from ..reference.registry import Registry


_PERIOD = r"(?P<period>(?:19|20)\d\d\s*[-–]?\s*(?:19|20)\d\d(?:\s?(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d)?)"
_STRATEGIC_PLAN_RE = re.compile(
    r"\bthe\s+(?:ITU\s+)?[Ss]trategic\s+(?:[Pp]lans?|framework)(?:\s+and\s+financial\s+plans?)?"
    r"(?:\s+(?:for|of)\s+the\s+Union)?(?:\s+(?:for\s+(?:the\s+(?:period\s+)?)?)?" + _PERIOD + r")?")
_STRATEGIC_GOAL_RE = re.compile(r"^\W*Goal\s+(?P<n>\d)\s*:\s*\w")


def _periods(raw: str) -> tuple[list[tuple[str, str]], list[str]]:
    ys = re.findall(r"(?:19|20)\d\d", raw)
    if len(ys) == 2 and int(ys[1]) - int(ys[0]) in (3, 4):
        note = [f"'{raw}' read as {ys[0]}-{ys[1]}: the non-breaking hyphen was dropped"] if not re.search(r"[-–]", raw) else []
        return [(f"{ys[0]}-{ys[1]}", "current")], note
    if len(ys) == 4:
        return ([(f"{ys[0]}-{ys[1]}", "deleted"), (f"{ys[2]}-{ys[3]}", "inserted")],
                [f"glued periods '{raw}' read as {ys[0]}-{ys[1]} (deleted) → {ys[2]}-{ys[3]} (inserted)"])
    return [], [f"period {raw!r} not understood"]


def _strategic_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    """The ITU strategic plan ("the strategic plan for the Union for 2016-2019", glued
    "2016-20192020-2023", "20162019" with its hyphen lost) and strategic goals listed as
    "Goal 1: Growth"."""
    out: list[Citation] = []
    for m in _finditer(_STRATEGIC_PLAN_RE, text):
        sp = mk(base + m.start(), base + m.end())
        if m.group("period"):
            periods, notes = _periods(m.group("period"))
            if not periods:
                out.append(Citation("strategic-plan", ("plan", None, None), m.group(0), sp, "uncertain", note="; ".join(notes)))
            for period, status in periods:
                out.append(Citation("strategic-plan", ("plan", period, None), m.group(0), sp, status, note="; ".join(notes) or None))
        else:
            out.append(Citation("strategic-plan", ("plan", None, None), m.group(0), sp,
                                note="no period printed: which strategic plan is not stated"))
    m = _STRATEGIC_GOAL_RE.match(text)
    if m and not re.search(r"SDG|Sustainable\s+Development", text):
        out.append(Citation("strategic-plan", ("goal", None, m.group("n")), text[m.start("n") - 5:m.end("n")].strip(),
                            mk(base + m.start("n"), base + m.end("n")),
                            note="ITU strategic goal listed by number and title; the plan period is not printed"))
    return out




def _read(text: str, mk: SpanMaker, base: int, context: dict) -> list[Citation]:
    cites = _strategic_citations(text, mk, base)
    if adopts_strategic_plan(context.get("default_body"), context.get("default_number")):
        # the resolution that adopts the strategic plan: its goals and "the strategic plan" are its
        # own text, not citations; only a plan of another period ("for 2016-2019") is cited there
        cites = [c for c in cites if c.key[0] == "plan" and c.key[1] is not None]
    return cites


def target(c: Citation, ctx: Targets) -> str | None:
    level, period, code = c.key
    if period is None:
        return None      # "the strategic plan for the Union": which plan is not printed
    plan = ctx.thing(ctx.u.strategic_plan_scheme(period), f"ITU Strategic Plan {period}")
    if level == "goal":
        return ctx.thing(ctx.u.strategic_plan(period, "goal", code), f"Goal {code} of the ITU Strategic Plan {period}", plan)
    return plan


def status(c: Citation, reg: Registry) -> tuple[str, list[str]]:
    level, period, _code = c.key
    if period is None:
        return "ambiguous", []              # "the strategic plan": which period is not printed
    return ("resolved" if period in reg.plans and level == "plan" else "unverified"), []


FAMILY = Family("strategic-plan", re.compile(r"[Ss]trategic\s+(?:[Pp]lan|framework)|Goal\s+\d\s*:"), _read,
                wants_context=True, kinds=("strategic-plan",), target=target, status=status, part_of_whole=True,
                unresolved_severity="info")
