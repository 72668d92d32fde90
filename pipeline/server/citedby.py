"""Cited-by that answers the question, and a small picture of a resolution's citations.

Issue 18 item 4.  "Which resolutions cite A/RES/70/1?" was answered by ~120 links in alphabetical
order (clauses, sections, versions and works alike, because every citation is rolled up to the
version and the work).  Here the answer is read from the citation records themselves
(``cito:Citation``: one per citing clause and cited thing, ``rg:citedAs`` the words printed), each
citing clause is placed in its text (up ``eli:is_part_of``), and the texts are grouped:
"cited by N resolutions (T texts, M clauses)", adopted texts before drafts, then by body and by
number read as numbers (25 before 101), each with its clauses in document order.

The picture (:func:`network`) puts the resource in the middle, the texts that cite it on the left
and what it cites on the right, the twelve with the most clauses on each side; it is drawn by this
module as plain SVG geometry that the template writes out (no JavaScript, nothing fetched).

Lookups are ``quads_for_pattern`` with typed terms only.
"""
from __future__ import annotations

import math
import re

import pyoxigraph as ox

from ..rdf.vocab import CITO, DCTERMS, ELI, RG
from .describe import Linker, first_literal, text_of

_CITED = ox.NamedNode(str(CITO.hasCitedEntity))
_CITING = ox.NamedNode(str(CITO.hasCitingEntity))
_CITED_AS = ox.NamedNode(str(RG.citedAs))
_HAS_VERSION = ox.NamedNode(str(DCTERMS.hasVersion))
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_RESOLUTION = ox.NamedNode(str(RG.Resolution))
_STATUS_RANK = {"adopted-text": 0, "proposed-text": 1}
NEIGHBOURS = 12


def natural_key(s: str | None) -> tuple:
    """``"101"`` after ``"25"``; ``"80/9"`` before ``"80/16"``."""
    return tuple((0, int(x), "") if x.isdigit() else (1, 0, x.lower()) for x in re.findall(r"\d+|\D+", s or ""))


def _iri(store: ox.Store, uri: str, pred) -> str | None:
    for q in store.quads_for_pattern(ox.NamedNode(uri), ox.NamedNode(str(pred)), None, None):
        if isinstance(q.object, ox.NamedNode):
            return q.object.value
    return None


def _lit(store: ox.Store, uri: str, pred) -> str | None:
    return first_literal(store, ox.NamedNode(uri), ox.NamedNode(str(pred)))


def targets_of(store: ox.Store, uri: str) -> list[str]:
    """What counts as citing ``uri``: the resource itself, and for a resolution (the work) each of
    its versions and texts ("Resolution 70 (Rev. Busan, 2014)" cites Resolution 70)."""
    node = ox.NamedNode(uri)
    out = [uri]
    if any(True for _ in store.quads_for_pattern(node, _TYPE, _RESOLUTION, None)):
        out += sorted({q.object.value for q in store.quads_for_pattern(node, _HAS_VERSION, None, None)
                       if isinstance(q.object, ox.NamedNode)} - {uri})
    return out


class _Texts:
    """Facts about citing texts, looked up once per page."""

    def __init__(self, store: ox.Store, link: Linker):
        self.store, self.link = store, link
        self.of: dict[str, str | None] = {}
        self.info: dict[str, dict] = {}

    def text(self, part: str) -> str | None:
        if part not in self.of:
            self.of[part] = text_of(self.store, part)
        return self.of[part]

    def about(self, t: str) -> dict:
        if t in self.info:
            return self.info[t]
        s = self.store
        work = _iri(s, t, RG.textOf) or _iri(s, t, DCTERMS.isVersionOf) or t
        status_iri = _iri(s, t, RG.status)
        status = (status_iri or "").rstrip("/").rsplit("/", 1)[-1]
        body = _iri(s, t, RG.body) or _iri(s, work, RG.body)
        number = _lit(s, work, ELI.number) or _lit(s, t, ELI.number)
        ident = self.link.name(t)
        info = self.info[t] = {
            "uri": t, "href": self.link.href(t), "label": ident, "title": _lit(s, t, DCTERMS.title),
            "status": status, "status_label": (self.link.term(ox.NamedNode(status_iri))["label"] if status_iri else None),
            "body": self.link.term(ox.NamedNode(body))["label"] if body else "",
            "work": work, "number": number,
        }
        return info


def cited_by(store: ox.Store, uri: str, link: Linker) -> dict | None:
    """The texts whose clauses cite ``uri`` (or, for a resolution, one of its versions), grouped."""
    targets = targets_of(store, uri)
    texts = _Texts(store, link)
    groups: dict[str, dict] = {}
    seen = set()
    loose = []
    for target in targets:
        for q in store.quads_for_pattern(None, _CITED, ox.NamedNode(target), None):
            rec = q.subject
            for qq in store.quads_for_pattern(rec, _CITING, None, None):
                part = qq.object
                if not isinstance(part, ox.NamedNode) or (part.value, target) in seen:
                    continue
                seen.add((part.value, target))
                printed = first_literal(store, rec, _CITED_AS)
                t = texts.text(part.value)
                term = link.term(part)
                entry = {"uri": part.value, "href": term["href"], "label": term["label"], "printed": printed,
                         "target": link.name(target) if target != uri and link.name(target) != printed else None,
                         "pos": _order(store, part)}
                if t is None:
                    loose.append(entry)
                    continue
                grp = groups.setdefault(t, {**texts.about(t), "clauses": {}})
                have = grp["clauses"].get(part.value)
                if have is None:
                    grp["clauses"][part.value] = entry
                elif entry["target"] and entry["target"] not in (have["target"] or ""):
                    have["target"] = ", ".join(x for x in (have["target"], entry["target"]) if x)
    if not groups and not loose:
        return None
    out = []
    for grp in groups.values():
        grp["clauses"] = sorted(grp["clauses"].values(), key=lambda e: (e["pos"], natural_key(e["label"])))
        out.append(grp)
    out.sort(key=lambda g_: (_STATUS_RANK.get(g_["status"], 2), g_["body"], natural_key(g_["number"]),
                             natural_key(g_["label"])))
    n_clauses = sum(len(g_["clauses"]) for g_ in out)
    works = {g_["work"] for g_ in out}
    by_status: dict[str, int] = {}
    for g_ in out:
        key = g_["status_label"] or "other"
        by_status[key] = by_status.get(key, 0) + 1
    return {"groups": out, "n_resolutions": len(works), "n_texts": len(out), "n_clauses": n_clauses,
            "by_status": sorted(by_status.items(), key=lambda kv: kv[0]), "loose": loose,
            "targets": [{"label": link.name(x), "href": link.href(x)} for x in targets[1:]]}


def _order(store: ox.Store, part: ox.NamedNode) -> int:
    """A part's place in its source (characters from the start): document order within a text."""
    v = first_literal(store, part, ox.NamedNode(str(RG.charStart)))
    try:
        return int(v) if v is not None else 1 << 40
    except ValueError:
        return 1 << 40


# -------------------------------------------------------------------- the picture ---

def outgoing(store: ox.Store, texts_citations: list[list], link: Linker) -> list[dict]:
    """What a text (or the texts of a resolution) cites, with the number of citing clauses each."""
    counts: dict[str, set] = {}
    for citations in texts_citations:
        for c in citations:
            counts.setdefault(c.target, set()).add(c.citing)
    out = []
    for target, clauses in counts.items():
        out.append({"label": link.name(target), "href": link.href(target), "count": len(clauses), "uri": target})
    out.sort(key=lambda x: (-x["count"], natural_key(x["label"])))
    return out


def network(center: dict, citing: list[dict], cited: list[dict], limit: int = NEIGHBOURS) -> dict | None:
    """Geometry of the picture: ``center`` (label, href) in the middle, ``citing`` on the left and
    ``cited`` on the right (each: label, href, count), the ``limit`` with most clauses each side."""
    left, right = citing[:limit], cited[:limit]
    if not left and not right:
        return None
    row, top, width, box_w = 30, 40, 960, 280
    rows = max(len(left), len(right), 1)
    height = top + rows * row + 20
    cy = top + rows * row / 2 - row / 2 + 10
    cx0, cx1 = width / 2 - 140, width / 2 + 140
    mid = {"x": cx0, "y": cy - 14, "w": cx1 - cx0, "h": 36, "label": _short(center["label"], 40),
           "title": center["label"], "href": center.get("href")}

    def place(items, x, side):
        out = []
        n = len(items)
        y0 = top + (rows - n) * row / 2
        biggest = max((i["count"] for i in items), default=1)
        for k, it in enumerate(items):
            y = y0 + k * row
            ex = x + box_w if side == "left" else x
            tx = cx0 if side == "left" else cx1
            out.append({"x": x, "y": y, "w": box_w, "h": row - 6, "label": _short(it["label"], 36),
                        "title": f"{it['label']} ({it['count']} clause{'s' if it['count'] != 1 else ''})",
                        "href": it.get("href"), "count": it["count"],
                        "line": {"x1": ex if side == "left" else cx1, "y1": y + (row - 6) / 2 if side == "left" else cy + 4,
                                 "x2": tx if side == "left" else ex, "y2": cy + 4 if side == "left" else y + (row - 6) / 2,
                                 "w": round(1 + 3 * math.log1p(it["count"]) / math.log1p(biggest), 2)}})
        return out

    return {"width": width, "height": height, "center": mid,
            "left": place(left, 10, "left"), "right": place(right, width - 10 - box_w, "right"),
            "more_left": max(0, len(citing) - limit), "more_right": max(0, len(cited) - limit)}


def _short(s: str, n: int) -> str:
    s = " ".join((s or "").split())
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"
