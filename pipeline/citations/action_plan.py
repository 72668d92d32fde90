"""WTDC action plans and declarations, with their objectives and outputs ("Objective 32 of the
DubaiBuenos Aires Action Plan" is old Objective 3 of the Dubai plan, new Objective 2 of the Buenos
Aires one).  Declarations are citations of kind ``instrument`` (target and status: :mod:`.instrument`)."""
from __future__ import annotations

import re
from functools import lru_cache

from ..model import Citation
from .base import Family, SpanMaker, Targets, _sentence_bounds
from .prefilter import _finditer
from .revisions import slug_place
from ..reference import conferences
from ..reference.registry import Registry
from ..rdf.uris import slug


@lru_cache(maxsize=1)
def _wtdc_places() -> dict[str, list[str]]:
    from ..reference import conferences
    out: dict[str, list[str]] = {}
    for c in conferences():
        if c.body == "wtdc":
            out.setdefault(c.place, []).append(c.year)
    return out


def _wtdc_place_re() -> str:
    places = sorted(_wtdc_places(), key=len, reverse=True)
    one = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in places)
    return rf"(?:{one})(?:\s*(?:{one}))?"


def _split_wtdc_places(raw: str) -> list[str]:
    low = " ".join(raw.split())
    out = []
    while low:
        for p in sorted(_wtdc_places(), key=len, reverse=True):
            if low.lower().startswith(p.lower()):
                out.append(p)
                low = low[len(p):].strip()
                break
        else:
            break
    return out


def _wtdc_years(text: str) -> set[str]:
    """Years of the WTDCs named in ``text`` ("WTDC-17", "WTDC1417", "2017 World Telecommunication Development Conference")."""
    ys = set()
    for m in re.finditer(r"WTDC[\-\u2011]?(\d\d)(\d\d)?\b", text):
        ys |= {"20" + y for y in m.groups() if y}
    for m in re.finditer(r"\b((?:19|20)\d\d)\s+(?:World\s+Telecommunication\s+Development\s+Conference|WTDC)", text):
        ys.add(m.group(1))
    return ys


def _plan_versions(places: list[str], text: str) -> tuple[list[tuple[str, str | None, str]], list[str]]:
    """[(place, year, status)] for one printed plan name; two glued places are a flattened
    change, the older WTDC deleted and the later inserted, whatever order they were printed in."""
    notes: list[str] = []
    if len(places) == 2:
        pairs = [(p, y) for p in places for y in _wtdc_places()[p]]
        # the pair of conferences closest in time, the earlier first
        cands = [(a, b) for a in pairs for b in pairs if a[0] == places[0] and b[0] == places[1] and a[1] != b[1]]
        if not cands:   # "Dubai Dubai": a doubled word, not two conferences
            notes.append(f"'{' '.join(places)}' names the same WTDC twice")
            return [(places[0], None, "uncertain")], notes
        best = min(cands, key=lambda ab: abs(int(ab[0][1]) - int(ab[1][1])))
        old, new = sorted(best, key=lambda x: x[1])
        notes.append(f"glued '{' '.join(places)}': {old[0]} {old[1]} (deleted) → {new[0]} {new[1]} (inserted)"
                     + (" (printed new first)" if places[0] == new[0] else ""))
        return [(old[0], old[1], "deleted"), (new[0], new[1], "inserted")], notes
    place = places[0]
    years = _wtdc_places()[place]
    if len(years) == 1:
        return [(place, years[0], "current")], notes
    named = [y for y in years if y in _wtdc_years(text)]
    if len(named) == 1:
        notes.append(f"WTDCs met at {place} in {', '.join(years)}; the text names WTDC {named[0]}")
        return [(place, named[0], "current")], notes
    notes.append(f"WTDCs met at {place} in {', '.join(years)}; the text does not say which")
    return [(place, None, "uncertain")], notes


def _objective_pair(raw: str, glued_plan: bool) -> list[tuple[str, str]] | None:
    """"3" → [("3", "both")]; "3 2" or (with a glued plan) "32" → old 3, new 2."""
    raw = raw.strip()
    if " " in raw:
        a, b = raw.split()
        return [(a, "old"), (b, "new")]
    if len(raw) == 2 and glued_plan and raw[0] != raw[1] and all(1 <= int(d) <= 9 for d in raw):
        return [(raw[0], "old"), (raw[1], "new")]
    if len(raw) <= 2 and int(raw) <= 10:
        return [(raw, "both")]
    return None


_PLAN_RE: re.Pattern | None = None


def _plan_re() -> re.Pattern:
    global _PLAN_RE
    if _PLAN_RE is None:
        _PLAN_RE = re.compile(
            r"(?:(?:Output\s+(?P<out>\d{1,2}\.\d{1,2})\s+of\s+)?Objective\s+(?P<obj>\d{1,2}(?:\s\d)?)\s+of\s+)?"
            r"(?:the\s+|its\s+)?(?:(?P<year>(?:19|20)\d\d)\s+)?(?:WTDC[\-\u2011]?\d\d(?:\s?\d\d)?\s+)?"
            r"(?P<places>" + _wtdc_place_re() + r")\s+(?P<what>Action\s+Plan|Declaration)\b")
    return _PLAN_RE


_OBJECTIVE_ALONE_RE = re.compile(r"\b(?:its\s+)?Objective\s+(?P<obj>\d{1,2}(?:\s\d(?!\d))?)\b(?!\s?\d)(?!\s+of\b)(?P<outs>(?:,?\s+in\s+particular)?\s+Output\s+(?P<out>\d{1,2}\.\d{1,2}))?")


def _plan_citations(text: str, mk: SpanMaker, base: int) -> list[Citation]:
    """WTDC action plans and declarations ("the Dubai Buenos Aires Action Plan", "Objective 3 2
    of the Dubai Buenos Aires Action Plan", "Output 4.4 of Objective 4 of …"), and a bare
    "Objective 32" in a sentence that names its plan or its WTDC."""
    out: list[Citation] = []
    last_plans: list[tuple[int, list[tuple[str, str | None, str]], bool]] = []
    for m in _finditer(_plan_re(), text):
        places = _split_wtdc_places(m.group("places"))
        if not places:
            continue
        a, b = _sentence_bounds(text, m.start())
        versions, notes = _plan_versions(places, text[a:b])
        if m.group("year") and len(places) == 1:
            ys = _wtdc_places()[places[0]]
            if m.group("year") in ys:
                versions = [(places[0], m.group("year"), "current")]
            else:
                notes.append(f"no WTDC met at {places[0]} in {m.group('year')}")
                versions = [(places[0], None, "uncertain")]
        sp = mk(base + m.start(), base + m.end())
        if m.group("what").startswith("Declaration"):
            for place, year, status in versions:
                # without a year the declaration is named but not identified: kept as uncertain, never linked
                key = f"{slug_place(place)}-declaration" + (f"-{year}" if year else "")
                out.append(Citation("instrument", ("wtdc", key), m.group(0), sp, status if year else "uncertain",
                                    note="; ".join(notes) or None))
            continue
        glued = len(places) == 2
        last_plans.append((m.end(), versions, glued))
        objs = _objective_pair(m.group("obj"), glued) if m.group("obj") else [(None, "both")]
        if objs is None:
            notes.append(f"objective number {m.group('obj')!r} not understood")
            objs = [(None, "both")]
        if m.group("obj") and len(objs) == 2:
            notes.append(f"objective {m.group('obj')!r} read as old Objective {objs[0][0]} → new Objective {objs[1][0]}")
        for place, year, status in versions:
            for obj, which in objs:
                if which == "old" and status == "inserted" or which == "new" and status == "deleted":
                    continue
                st = status
                if which in ("old", "new") and status == "current":
                    st = "deleted" if which == "old" else "inserted"
                key = ["wtdc", f"{slug_place(place)}-{year}" if year else slug_place(place)]
                outp = m.group("out")
                if obj:
                    key.append(f"objective-{obj}")
                    if outp:
                        if outp.split(".")[0] == obj:
                            key.append(f"output-{outp}")
                        elif st != "deleted":
                            notes.append(f"Output {outp} belongs to Objective {outp.split('.')[0]}, not to the new Objective {obj}: left standing from the old text; not linked")
                out.append(Citation("action-plan", tuple(key), m.group(0), sp, st if year else "uncertain",
                                    note="; ".join(notes) or None))
    for m in _finditer(_OBJECTIVE_ALONE_RE, text):
        if m.group("obj") is None:
            continue
        prior = [p for p in last_plans if p[0] <= m.start()]
        a, b = _sentence_bounds(text, m.start())
        notes: list[str] = []
        if prior:
            _end, versions, glued = prior[-1]
            notes.append("plan of the objective: the action plan named before it")
        else:
            ys = sorted(_wtdc_years(text[a:b]))
            if not ys:
                continue
            by_year = {y: p for p, yy in _wtdc_places().items() for y in yy}
            vs = [(by_year[y], y) for y in ys if y in by_year]
            if not vs:
                continue
            glued = len(vs) == 2
            versions = ([(vs[0][0], vs[0][1], "deleted"), (vs[1][0], vs[1][1], "inserted")] if glued
                        else [(vs[0][0], vs[0][1], "current")] if len(vs) == 1 else [])
            notes.append(f"plan of the objective: the action plan of WTDC {'/'.join(ys)}, named in the same sentence")
        objs = _objective_pair(m.group("obj"), glued)
        if not objs or not versions:
            continue
        sp = mk(base + m.start(), base + m.start() + len(m.group(0)) - len(m.group("outs") or ""))
        for place, year, status in versions:
            for obj, which in objs:
                if which == "old" and status == "inserted" or which == "new" and status == "deleted":
                    continue
                st = status if which == "both" else ("deleted" if which == "old" else "inserted")
                out.append(Citation("action-plan", ("wtdc", f"{slug_place(place)}-{year}", f"objective-{obj}"), m.group(0), sp, st,
                                    note="; ".join(notes) or None))
                if m.group("out"):
                    outp = m.group("out")
                    po = outp.split(".")[0]
                    osp = mk(base + m.start("out"), base + m.end("out"))
                    if po == obj and which == "both":
                        out.append(Citation("action-plan", ("wtdc", f"{slug_place(place)}-{year}", f"objective-{obj}", f"output-{outp}"),
                                            f"Output {outp}", osp, st, note="; ".join(notes) or None))
                    elif po == obj:
                        # the output number was left standing next to a renumbered objective
                        out.append(Citation("action-plan", ("wtdc", f"{slug_place(place)}-{year}", f"objective-{obj}", f"output-{outp}"),
                                            f"Output {outp}", osp, "uncertain",
                                            note="; ".join(notes + [f"Output {outp} of old Objective {obj} left standing next to the renumbered objective"])))
    return out




def target(c: Citation, ctx: Targets) -> str | None:
    u = ctx.u
    body, plan, *parts = c.key
    if not re.search(r"-\d{4}$", plan):
        return None      # a WTDC place that hosted several conferences, the year not printed
    place, year = plan.rsplit("-", 1)
    t = ctx.thing(u.instrument("action-plan", body, plan), f"{place.replace('-', ' ').title()} Action Plan (WTDC-{year[2:]})")
    path = plan
    for part in parts:
        path = f"{path}/{part}"
        kind, _, n = part.partition("-")
        t = ctx.thing(u.instrument("action-plan", body, path),
                      f"{kind.capitalize()} {n} of the {place.replace('-', ' ').title()} Action Plan", t)
    return t


def status(c: Citation, reg: Registry) -> tuple[str, list[str]]:
    _body, plan, *parts = c.key
    m = re.fullmatch(r"(.+)-(\d{4})", plan)
    if m is None:
        return "ambiguous", []              # a place that hosted several WTDCs, year not printed
    known = any(x.body == "wtdc" and x.year == m.group(2) and slug(x.place) == m.group(1) for x in conferences())
    if not known:
        return "broken", []                 # no WTDC met there that year
    return ("resolved" if not parts else "unverified"), []   # objectives/outputs: no list ships


FAMILY = Family("action-plan", re.compile(r"Action\s+Plan|Declaration|Objective"), _plan_citations,
                kinds=("action-plan",), target=target, status=status, part_of_whole=True, unresolved_severity="info")
