"""Typed parameters: what a librarian types (\"UNGA 70/1\", \"Council\", \"SUP\") → the RDF terms a query is bound to."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..citations import parse_target, query_target
from ..settings import Settings
from ..rdf.uris import SDG_BASE, URIs
from ..rdf.vocab import CONCEPT_BASE
from .catalogue import CONCEPT_TYPES, IRI, XSD_INTEGER, CannedQuery, Param, QueryError


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
    from ..reference import sdg as sdg_reference
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
    from ..reference import sdg as sdg_reference
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
    from ..reference import rows
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
    from ..settings import PROJECT_ROOT
    names = _schemes(str(ontology_dir or PROJECT_ROOT / "ontology")).get(scheme, {})
    key = " ".join(raw.split()).lower()
    if key in names:
        return names[key]
    codes = sorted({iri.rsplit("/", 1)[1] for iri in names.values()})
    raise QueryError(f"unknown {scheme} {raw!r}; use one of: {', '.join(codes)}")
