"""Query text for servers that cannot bind parameters: bindings as a ``VALUES`` block that opens
the outermost WHERE group, and the ``PREFIX`` lines a query lacks.

A remote server cannot take pyoxigraph's ``substitutions=``, so the bindings travel inside
the query as a ``VALUES`` block.  The block is built only from RDF terms serialised by
rdflib (``term.n3()``) or pyoxigraph (``str(term)``), never from user text, and it is put
*at the start of the outermost WHERE group*, where it joins like a substitution.  (A
trailing ``VALUES`` after the whole query — what rdflib's SPARQLStore does with
``initBindings`` — joins after aggregation, projection and LIMIT and can change the answer.)
"""
from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib.term import BNode, Literal, URIRef

_VAR = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def term_to_sparql(term) -> str:
    """Serialise one RDF term for a VALUES block (rdflib ``n3()`` / pyoxigraph ``str()``).

    >>> term_to_sparql(URIRef("http://ex.org/a"))
    '<http://ex.org/a>'
    >>> term_to_sparql(ox.Literal('say "hi"', language="en"))
    '"say \\\\"hi\\\\""@en'
    >>> term_to_sparql("A/RES/70/1")
    Traceback (most recent call last):
    ...
    TypeError: binding values must be RDF terms (rdflib or pyoxigraph), not str
    """
    if isinstance(term, (URIRef, Literal)):
        return term.n3()
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term)
    if isinstance(term, (BNode, ox.BlankNode)):
        raise TypeError("a blank node cannot be bound in a remote query (it means nothing to the server)")
    raise TypeError(f"binding values must be RDF terms (rdflib or pyoxigraph), not {type(term).__name__}")


def _name(key) -> str:
    name = key.value if isinstance(key, ox.Variable) else str(key)
    name = name.lstrip("?$")
    if not _VAR.match(name):
        raise ValueError(f"{name!r} is not a SPARQL variable name")
    return name


def normalise_bindings(bindings) -> list[dict[str, object]]:
    """Bindings as a list of ``{name: term}`` rows (``None`` = UNDEF).

    Accepts ``{name: term}``, ``{name: [term, …]}`` (one row per term, single variable),
    or a list of such dicts (alternatives, e.g. the several IRIs one citation may name);
    keys may be ``str`` or ``pyoxigraph.Variable``.
    """
    if not bindings:
        return []
    if isinstance(bindings, dict):
        items = {_name(k): v for k, v in bindings.items()}
        if len(items) == 1:
            (name, value), = items.items()
            if isinstance(value, (list, tuple)):
                return [{name: t} for t in value]
        return [items]
    rows = [{_name(k): v for k, v in b.items()} for b in bindings]
    return [r for r in rows if r] if any(rows) else []


def values_block(bindings) -> str:
    """``{"target": <…>}`` → ``VALUES (?target) { (<…>) }``; see :func:`normalise_bindings`.

    >>> values_block([{"t": URIRef("http://ex.org/a")}, {"t": URIRef("http://ex.org/b")}])
    'VALUES (?t) { (<http://ex.org/a>) (<http://ex.org/b>) }'
    """
    rows = normalise_bindings(bindings)
    names = list(dict.fromkeys(n for r in rows for n in r))
    cells = ["(" + " ".join(term_to_sparql(r[n]) if r.get(n) is not None else "UNDEF" for n in names) + ")"
             for r in rows]
    return f"VALUES ({' '.join('?' + n for n in names)}) {{ {' '.join(cells)} }}"


def _scan(query: str):
    """Yield ``(index, char)`` for characters outside strings, IRIs and comments."""
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c == "#":
            j = query.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if c in "\"'":
            quote3 = query[i:i + 3]
            if quote3 == c * 3:
                j = query.find(quote3, i + 3)
                while j > 0 and query[j - 1] == "\\" and query[j - 2] != "\\":
                    j = query.find(quote3, j + 1)
                i = n if j < 0 else j + 3
                continue
            j = i + 1
            while j < n and query[j] != c:
                j += 2 if query[j] == "\\" else 1
            i = j + 1
            continue
        if c == "<":
            m = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>").match(query, i)
            if m:
                i = m.end()
                continue
        yield i, c
        i += 1


def _where_brace(query: str) -> int:
    """Index of the ``{`` that opens the outermost WHERE group pattern of ``query``."""
    positions = list(_scan(query))
    text = "".join(c for _, c in positions)
    # A CONSTRUCT with a template: skip the template group.
    m = re.search(r"\bCONSTRUCT\s*\{", text, re.IGNORECASE)
    start = 0
    if m:
        depth, k = 0, m.end() - 1
        while k < len(text):
            if text[k] == "{":
                depth += 1
            elif text[k] == "}":
                depth -= 1
                if depth == 0:
                    break
            k += 1
        start = k + 1
    k = text.find("{", start)
    if k < 0:
        raise ValueError("the query has no WHERE group to bind parameters into")
    return positions[k][0]


def bind_values(query: str, bindings: dict) -> str:
    """``query`` with a VALUES block for ``bindings`` opening its outermost WHERE group.

    >>> print(bind_values("SELECT ?c WHERE { ?c <http://purl.org/spar/cito/cites> ?target }",
    ...                   {"target": URIRef("http://ex.org/un/A/RES/70/1")}))
    SELECT ?c WHERE { VALUES (?target) { (<http://ex.org/un/A/RES/70/1>) } ?c <http://purl.org/spar/cito/cites> ?target }
    """
    rows = normalise_bindings(bindings)
    if not rows:
        return query
    for name in dict.fromkeys(n for r in rows for n in r):
        if not re.search(r"[?$]" + re.escape(name) + r"(?![A-Za-z0-9_])", query):
            raise ValueError(f"the query has no variable ?{name} to bind")
    at = _where_brace(query)
    return query[: at + 1] + " " + values_block(bindings) + query[at + 1:]




def with_prefixes(query: str, prefixes: dict[str, str]) -> str:
    """Prepend ``PREFIX`` declarations for the prefixes the query does not declare itself.

    >>> with_prefixes("SELECT * { ?s a ex:T }", {"ex": "http://ex.org/", "ex2": "http://ex2.org/"})
    'PREFIX ex: <http://ex.org/>\\nPREFIX ex2: <http://ex2.org/>\\nSELECT * { ?s a ex:T }'
    """
    declared = {m.group(1) for m in re.finditer(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?:", query)}
    lines = [f"PREFIX {p}: {str(ox.NamedNode(ns))}" for p, ns in prefixes.items() if p not in declared]
    return "\n".join(lines + [query])
