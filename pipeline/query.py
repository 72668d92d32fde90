"""Canned SPARQL queries (``queries/*.rq``): read, describe, bind, run.

Each file holds one question and a header of ``# key: value`` lines (name, summary,
param, example, notes).  Parameters are *bound* as typed terms with pyoxigraph's
``substitutions=`` (SEP-0007), never pasted into the query text; on a remote endpoint and
on the web page the same terms travel as a ``VALUES`` block that opens the outermost
WHERE group (:func:`bound_text`), which joins like a substitution.

A parameter header is ``# param: NAME (TYPE) doc`` or ``# param: NAME (TYPE, optional) doc``.
An optional parameter that is not given leaves its variable unbound, so the query answers
for every value (``proposals`` without ``action`` lists every proposal).  Types:

``citation``     normalised by :func:`pipeline.citations.parse_target` (the same code that
                 reads citations in documents) and bound to the cited resource's IRI; an
                 absolute IRI is taken as it is;
``sdg``          an SDG goal, target or indicator ("SDG 11", "Goal 11", "9.c", "target 9.c",
                 "17.8.1", "C170801" or the UN IRI), checked against the SDG framework in
                 ``data/reference`` and bound to the UN's IRI (``http://metadata.un.org/sdg/9.c``);
``document``     a source document by slug (``pp18-64-add1``) or IRI;
``addressee``    a code, label or printed form from ``data/reference/addressees.csv``
                 ("Council", "council", "the ITU Council", "Director of the Telecommunication
                 Development Bureau", "director-bdt", "BDT"), bound as the code (a literal that
                 queries match with ``skos:notation``);
``action``, ``finding-kind``, ``label-change``, ``body``, ``verb``, ``text-status``
                 a concept of that scheme in ``ontology/concepts.ttl``, by code or label
                 ("SUP" or "suppression"; "wtdc" or "World Telecommunication Development
                 Conference");
``iri``          an absolute IRI; ``string`` (a plain literal); ``integer``.

Prefixes are declared once, in :data:`pipeline.rdf.vocab.PREFIXES`; ``.rq`` files carry none.

>>> from pipeline.settings import Settings
>>> q = get("proposals", Settings())
>>> [(p.name, p.type, p.optional) for p in q.params]
[('document', 'document', False), ('action', 'action', True)]
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from .citations import parse_target, query_target
from .settings import Settings
from .rdf.uris import SDG_BASE, URIs
from .rdf.vocab import CONCEPT_BASE, PREFIXES

HEADER_LINE = re.compile(r"^#\s*(?P<key>[a-z-]+):\s*(?P<value>.*)$")
PARAM = re.compile(r"^(?P<name>[a-z_][a-z0-9_]*)\s*\((?P<type>[a-z-]+)(?:\s*,\s*(?P<optional>optional))?\)\s*(?P<doc>.*)$")
#: parameter types bound from a concept scheme of ontology/concepts.ttl (type name = scheme)
CONCEPT_TYPES = ("action", "finding-kind", "label-change", "body", "verb", "text-status")
PARAM_TYPES = ("citation", "sdg", "document", "addressee", "iri", "string", "integer") + CONCEPT_TYPES
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
IRI = re.compile(r"[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]+", re.I)


class QueryError(Exception):
    """A user-facing problem with a query or its parameters (one line)."""


@dataclass
class Param:
    name: str
    type: str
    doc: str
    optional: bool = False


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

    def example_values(self) -> dict[str, str]:
        """The ``-p name=value`` pairs of the first example call (for forms and tests)."""
        return example_values(self.examples[0]) if self.examples else {}


def example_values(call: str) -> dict[str, str]:
    """``resgraph query cites -p target="UNGA 70/1"`` → ``{"target": "UNGA 70/1"}``.

    >>> example_values('resgraph query proposals -p document=pp18-64-add1 -p action=SUP --format csv')
    {'document': 'pp18-64-add1', 'action': 'SUP'}
    """
    import shlex
    words = shlex.split(call.split("|")[0])
    out = {}
    for i, w in enumerate(words):
        if w in ("-p", "--param") and i + 1 < len(words) and "=" in words[i + 1]:
            k, v = words[i + 1].split("=", 1)
            out[k] = v
    return out


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
                raise QueryError(f"{path}: malformed param header {value!r}; expected 'name (type) doc' or "
                                 f"'name (type, optional) doc' with type in {', '.join(PARAM_TYPES)}")
            q.params.append(Param(pm.group("name"), pm.group("type"), pm.group("doc"), bool(pm.group("optional"))))
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
    """Typed bindings for the parameters; a list because one citation may name several targets.

    Optional parameters that are not given (or given empty) stay unbound.
    """
    unknown = set(values) - {p.name for p in q.params}
    if unknown:
        raise QueryError(f"query {q.name!r} has no parameter {', '.join(sorted(unknown))}; it takes: "
                         f"{', '.join(p.name for p in q.params) or 'none'}")
    combos: list[dict] = [{}]
    u = URIs(settings.base)
    for p in q.params:
        raw = values.get(p.name)
        if raw is None or (p.optional and not raw.strip()):
            if p.optional:
                continue
            raise QueryError(f"query {q.name!r} needs -p {p.name}=… ({p.type}): {p.doc}")
        if not raw.strip() and p.type != "string":
            raise QueryError(f"parameter {p.name} is empty; query {q.name!r} needs a {p.type}: {p.doc}")
        terms = _terms(p, raw, u, settings)
        combos = [dict(c, **{p.name: t}) for c in combos for t in terms]
    return [{ox.Variable(k): v for k, v in c.items()} for c in combos]


def _iri(p: Param, raw: str) -> ox.NamedNode:
    value = raw.strip()
    if not IRI.fullmatch(value):
        raise QueryError(f"parameter {p.name} must be an absolute IRI, got {raw!r}")
    try:
        return ox.NamedNode(value)
    except ValueError:
        raise QueryError(f"parameter {p.name} must be an absolute IRI, got {raw!r}") from None


def _terms(p: Param, raw: str, u: URIs, settings: Settings) -> list:
    if p.type == "string":
        return [ox.Literal(raw)]
    if p.type == "integer":
        if not re.fullmatch(r"-?\d+", raw.strip()):
            raise QueryError(f"parameter {p.name} must be a whole number, got {raw!r}")
        return [ox.Literal(raw.strip(), datatype=ox.NamedNode(XSD_INTEGER))]
    if p.type == "iri":
        return [_iri(p, raw)]
    if p.type == "addressee":  # bound as its code, matched with skos:notation wherever the concept is minted
        return [ox.Literal(addressee_code(raw))]
    if p.type == "sdg":
        return [ox.NamedNode(sdg_iri(raw))]
    if p.type == "document":
        value = raw.strip()
        if re.fullmatch(r"[a-z0-9][a-z0-9._-]*", value):
            return [ox.NamedNode(u.document(value))]
        if re.match(r"https?://", value):
            return [_iri(p, value)]
        raise QueryError(f"parameter {p.name} must be a source document's slug (e.g. pp18-64-add1) or its IRI, got {raw!r}")
    if p.type in CONCEPT_TYPES:
        return [ox.NamedNode(concept_iri(p.type, raw, str(settings.ontology_dir)))]
    # citation
    if re.match(r"https?://", raw.strip()):
        return [_iri(p, raw)]
    cites = parse_target(raw)
    if not cites:
        raise QueryError(f"cannot read {raw!r} as a citation; try forms such as 'UNGA 70/1', 'A/RES/70/1', "
                         f"'Resolution 23 (Rev. Buenos Aires, 2017) of WTDC', 'PP Resolution 11', 'SDG 9', 'target 9.c'")
    out = []
    for c in cites:
        iri = target_iri(c, settings)
        if iri is None:
            if c.kind in ("itu-resolution", "itu-decision"):
                raise QueryError(f"{raw!r} does not say which body adopted it (e.g. 'of WTDC', 'of this conference'); "
                                 f"resgraph never guesses a body from a number")
            raise QueryError(f"{raw!r} does not name one resource (say the sector, the body or the year, e.g. "
                             f"'Question 22-1/1 of ITU-D'); resgraph never guesses")
        out.append(ox.NamedNode(iri))
    return list(dict.fromkeys(out))


def target_iri(c, settings: Settings) -> str | None:
    """The IRI a citation read from a parameter stands for: the same as a document's citation
    (:func:`pipeline.citations.target_uri`, named without mapping anything), except that an SDG code
    outside the framework is an error."""
    from .reference import sdg as sdg_reference
    if c.kind == "sdg":
        level, code = c.key
        entry = sdg_reference().get((level, code))
        if entry is None:
            raise QueryError(f"SDG {level} {code} is not in the SDG framework")
        return entry.uri
    return query_target(c, settings.base)


# -- typed parameters: SDG concepts, addressees, controlled lists -----------------

SDG_WORDS = re.compile(r"^(?:sustainable\s+development\s+goal|sdg|goal|target|indicator)s?\s*", re.I)


def sdg_iri(raw: str) -> str:
    """The UN IRI of an SDG goal, target or indicator as a librarian types it.

    >>> sdg_iri("SDG 11"), sdg_iri("9.C"), sdg_iri("target 9.c"), sdg_iri("17.8.1"), sdg_iri("C170801")
    ('http://metadata.un.org/sdg/11', 'http://metadata.un.org/sdg/9.c', 'http://metadata.un.org/sdg/9.c', 'http://metadata.un.org/sdg/C170801', 'http://metadata.un.org/sdg/C170801')
    """
    from .reference import sdg as sdg_reference
    ref = sdg_reference()
    by_uri = {e.uri: e for e in ref.values()}
    t = " ".join(raw.split())
    if t in by_uri:
        return t
    code = t
    while True:  # "SDG target 9.c", "Goal 11"
        stripped = SDG_WORDS.sub("", code, count=1)
        if stripped == code:
            break
        code = stripped
    kind = None
    if re.fullmatch(r"\d{1,2}", code):
        kind, code = "goal", str(int(code))
    elif re.fullmatch(r"\d{1,2}\.[0-9a-z]{1,2}", code, re.I):
        kind, code = "target", code.lower()
    elif re.fullmatch(r"\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2}", code, re.I):
        kind, code = "indicator", code.lower()
    elif re.fullmatch(r"C\d{2}[0-9a-z]{2}\d{2}", code, re.I):
        uri = SDG_BASE + "C" + code[1:].lower()
        if uri in by_uri:
            return uri
        raise QueryError(f"{raw!r} is not an indicator code of the SDG framework (data/reference)")
    if kind is None:
        raise QueryError(f"cannot read {raw!r} as an SDG goal, target or indicator; try 'SDG 11', '9.c' or '17.8.1'")
    entry = ref.get((kind, code))
    if entry is None:
        raise QueryError(f"SDG {kind} {code} is not in the SDG framework (data/reference, 2019 edition)")
    return entry.uri


@lru_cache(maxsize=None)
def _addressees() -> list[tuple[str, str, re.Pattern]]:
    from .reference import rows
    return [(r["code"], r["label"], re.compile(r["pattern"], re.I)) for r in rows("addressees.csv")]


def addressee_code(raw: str) -> str:
    """The addressee code (data/reference/addressees.csv) for a code, label or printed form.

    >>> addressee_code("Council"), addressee_code("the ITU Council"), addressee_code("BDT")
    ('council', 'council', 'director-bdt')
    >>> addressee_code("Director of the Telecommunication Development Bureau")
    'director-bdt'
    """
    t = " ".join(raw.split())
    low = t.lower()
    rows = _addressees()
    for code, label, _ in rows:
        if low in (code.lower(), label.lower()):
            return code
    for code, _label, pattern in rows:
        if pattern.search(t):
            return code
    shorthand = {"bdt": "director-bdt", "tsb": "director-tsb", "br": "director-br", "sg": "secretary-general"}
    if low in shorthand:
        return shorthand[low]
    raise QueryError(f"unknown addressee {raw!r}; use a code or label from data/reference/addressees.csv, e.g. "
                     + ", ".join(repr(label) for _c, label, _p in rows[:5]) + " (resgraph query addressees lists them)")


@lru_cache(maxsize=None)
def _schemes(ontology_dir: str) -> dict[str, dict[str, str]]:
    """scheme → {lower-case code or label: concept IRI}, from ontology/concepts.ttl."""
    from rdflib import Graph
    from rdflib.namespace import SKOS
    g = Graph().parse(Path(ontology_dir) / "concepts.ttl", format="turtle")
    out: dict[str, dict[str, str]] = {}
    for c, code in g.subject_objects(SKOS.notation):
        s = str(c)
        if not s.startswith(CONCEPT_BASE):
            continue
        scheme = s[len(CONCEPT_BASE):].partition("/")[0]
        names = out.setdefault(scheme, {})
        names[str(code).lower()] = s
        for prop in (SKOS.prefLabel, SKOS.altLabel):
            for label in g.objects(c, prop):
                names.setdefault(str(label).lower(), s)
    return out


def concept_iri(scheme: str, raw: str, ontology_dir: str | None = None) -> str:
    """A controlled-list concept by code or label (``("action", "sup")`` → the SUP concept)."""
    from .settings import PROJECT_ROOT
    names = _schemes(str(ontology_dir or PROJECT_ROOT / "ontology")).get(scheme, {})
    key = " ".join(raw.split()).lower()
    if key in names:
        return names[key]
    codes = sorted({iri.rsplit("/", 1)[1] for iri in names.values()})
    raise QueryError(f"unknown {scheme} {raw!r}; use one of: {', '.join(codes)}")


def bound_text(q: CannedQuery | str, bindings: list[dict] | None) -> str:
    """The query as plain SPARQL for any endpoint: PREFIX lines, and the bindings as a VALUES
    block opening the outermost WHERE group (built from RDF terms, never from user text)."""
    from .remote.querying import bind_values, with_prefixes
    text = q.text if isinstance(q, CannedQuery) else q
    rows = [b for b in (bindings or []) if b]
    body = bind_values(text, rows) if rows else text
    return with_prefixes(body, PREFIXES)


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
