"""Canned SPARQL queries (``queries/*.rq``): read, describe, bind, run.

Each file holds one question and a header of ``# key: value`` lines (name, summary,
param, example, notes).  Parameters are *bound* as typed terms with pyoxigraph's
``substitutions=`` (SEP-0007), never pasted into the query text.  Parameter types:

``citation``  normalised by :func:`pipeline.citations.parse_target` (the same code that
              reads citations in documents) and bound to the cited resource's IRI;
``iri``       an absolute IRI; ``string``; ``integer``; ``addressee`` (a code or label
              from data/reference/addressees.csv).

Prefixes are declared once, in :data:`pipeline.vocab.PREFIXES`.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .citations import parse_target
from .settings import Settings
from .uris import URIs, sdg_goal
from .vocab import PREFIXES

HEADER_LINE = re.compile(r"^#\s*(?P<key>[a-z-]+):\s*(?P<value>.*)$")
PARAM = re.compile(r"^(?P<name>[a-z_][a-z0-9_]*)\s*\((?P<type>[a-z]+)\)\s*(?P<doc>.*)$")
PARAM_TYPES = ("citation", "iri", "string", "integer", "addressee")


class QueryError(Exception):
    """A user-facing problem with a query or its parameters (one line)."""


@dataclass
class Param:
    name: str
    type: str
    doc: str


@dataclass
class CannedQuery:
    name: str
    path: Path
    text: str
    summary: str = ""
    params: list[Param] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    notes: str = ""

    @property
    def header(self) -> str:
        return "\n".join(line for line in self.text.splitlines() if line.startswith("#"))


def load(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    q = CannedQuery(name=path.stem, path=path, text=text)
    for line in text.splitlines():
        m = HEADER_LINE.match(line)
        if not m:
            continue
        key, value = m.group("key"), m.group("value").strip()
        if key == "name" and value != path.stem:
            raise QueryError(f"{path}: header says name {value!r} but the file is {path.stem}.rq")
        if key == "summary":
            q.summary = value
        elif key == "param":
            pm = PARAM.match(value)
            if not pm or pm.group("type") not in PARAM_TYPES:
                raise QueryError(f"{path}: malformed param header {value!r}; expected 'name (type) doc' with type in {PARAM_TYPES}")
            q.params.append(Param(pm.group("name"), pm.group("type"), pm.group("doc")))
        elif key == "example":
            q.examples.append(value)
        elif key == "notes":
            q.notes = value
    return q


def catalogue(settings: Settings) -> dict[str, CannedQuery]:
    return {p.stem: load(p) for p in sorted(Path(settings.queries_dir).glob("*.rq"))}


def get(name: str, settings: Settings) -> CannedQuery:
    cat = catalogue(settings)
    if name not in cat:
        close = [n for n in cat if n.startswith(name[:3])] or list(cat)
        raise QueryError(f"no canned query named {name!r}; try one of: {', '.join(close)} (resgraph query --list)")
    return cat[name]


def bind(q: CannedQuery, values: dict[str, str], settings: Settings) -> list[dict[ox.Variable, ox.NamedNode | ox.Literal]]:
    """Typed bindings for the parameters; a list because one citation may name several targets."""
    unknown = set(values) - {p.name for p in q.params}
    if unknown:
        raise QueryError(f"query {q.name!r} has no parameter {', '.join(sorted(unknown))}; it takes: "
                         f"{', '.join(p.name for p in q.params) or 'none'}")
    combos: list[dict] = [{}]
    u = URIs(settings.base)
    for p in q.params:
        if p.name not in values:
            raise QueryError(f"query {q.name!r} needs -p {p.name}=… ({p.type}): {p.doc}")
        raw = values[p.name]
        terms = _terms(p, raw, u)
        combos = [dict(c, **{p.name: t}) for c in combos for t in terms]
    return [{ox.Variable(k): v for k, v in c.items()} for c in combos]


def _terms(p: Param, raw: str, u: URIs) -> list:
    if p.type == "string":
        return [ox.Literal(raw)]
    if p.type == "integer":
        if not re.fullmatch(r"-?\d+", raw.strip()):
            raise QueryError(f"parameter {p.name} must be a whole number, got {raw!r}")
        return [ox.Literal(raw.strip(), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))]
    if p.type == "iri":
        if not re.fullmatch(r"[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]+", raw.strip()):
            raise QueryError(f"parameter {p.name} must be an absolute IRI, got {raw!r}")
        return [ox.NamedNode(raw.strip())]
    if p.type == "addressee":
        return [ox.NamedNode(u.concept("addressee", raw))]
    # citation
    if re.fullmatch(r"https?://\S+", raw.strip()):
        return [ox.NamedNode(raw.strip())]
    cites = parse_target(raw)
    if not cites:
        raise QueryError(f"cannot read {raw!r} as a citation; try forms such as 'UNGA 70/1', 'A/RES/70/1', "
                         f"'Resolution 23 (Rev. Buenos Aires, 2017) of WTDC', 'SDG 9', 'target 9.c'")
    out = []
    for c in cites:
        iri = target_iri(c, u)
        if iri is None:
            raise QueryError(f"{raw!r} does not say which body adopted it (e.g. 'of WTDC', 'of this conference'); "
                             f"resgraph never guesses a body from a number")
        out.append(ox.NamedNode(iri))
    return list(dict.fromkeys(out))


def target_iri(c, u: URIs) -> str | None:
    from .reference import sdg as sdg_reference
    if c.kind == "un":
        return u.un(c.key[0])
    if c.kind == "itu-resolution":
        body, number = c.key
        if body == "unknown":
            return None
        work = u.resolution(body, number)
        return u.version_of_work(work, c.revision.place, c.revision.year) if c.revision else work
    if c.kind == "sdg":
        level, code = c.key
        entry = sdg_reference().get((level, code))
        if entry is None:
            raise QueryError(f"SDG {level} {code} is not in the SDG framework")
        return entry.uri
    return None


def run(q: CannedQuery | str, store: ox.Store, bindings: list[dict] | None = None) -> tuple[list[str], list[list]]:
    """Run a query (canned or ad-hoc text) on ``store``; returns (variables, rows of terms)."""
    text = q.text if isinstance(q, CannedQuery) else q
    rows: list[list] = []
    variables: list[str] = []
    seen = set()
    for subs in bindings or [{}]:
        try:
            res = store.query(text, prefixes=PREFIXES, substitutions=subs or None, use_default_graph_as_union=True)
        except SyntaxError as e:
            raise QueryError(f"SPARQL syntax error: {str(e).splitlines()[0]}") from None
        except (RuntimeError, ValueError) as e:
            raise QueryError(f"the query could not run: {str(e).splitlines()[0]}") from None
        if isinstance(res, ox.QueryBoolean):
            return ["boolean"], [[ox.Literal("true" if bool(res) else "false")]]
        if isinstance(res, ox.QueryTriples):
            variables = ["subject", "predicate", "object"]
            for t in res:
                row = [t.subject, t.predicate, t.object]
                if tuple(map(str, row)) not in seen:
                    seen.add(tuple(map(str, row)))
                    rows.append(row)
            continue
        variables = [v.value for v in res.variables]
        for sol in res:
            row = [sol[v] for v in variables]
            key = tuple(str(x) for x in row)
            if key not in seen:
                seen.add(key)
                rows.append(row)
    return variables, rows


def _plain(term) -> str:
    if term is None:
        return ""
    return term.value


def render(variables: list[str], rows: list[list], fmt: str) -> str:
    """table | csv | tsv | json.  Machine formats carry full URIs."""
    if fmt == "json":
        out = {"head": {"vars": variables}, "results": {"bindings": []}}
        for row in rows:
            b = {}
            for v, t in zip(variables, row):
                if t is None:
                    continue
                if isinstance(t, ox.NamedNode):
                    b[v] = {"type": "uri", "value": t.value}
                elif isinstance(t, ox.BlankNode):
                    b[v] = {"type": "bnode", "value": t.value}
                else:
                    d = {"type": "literal", "value": t.value}
                    if t.language:
                        d["xml:lang"] = t.language
                    elif t.datatype and t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
                        d["datatype"] = t.datatype.value
                    b[v] = d
            out["results"]["bindings"].append(b)
        return json.dumps(out, indent=2, ensure_ascii=False) + "\n"
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(variables)
        for row in rows:
            w.writerow([_plain(t) for t in row])
        return buf.getvalue()
    # table
    cells = [[_plain(t) for t in row] for row in rows]
    widths = [min(max([len(v)] + [len(r[i]) for r in cells]), 90) for i, v in enumerate(variables)]

    def line(vals):
        return "  ".join((x if len(x) <= 90 else x[:87] + "...").ljust(w) for x, w in zip(vals, widths)).rstrip()

    out = [line(variables), line(["-" * w for w in widths])] + [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
