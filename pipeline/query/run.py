"""Run a bound query on the embedded store; render answers as a table, CSV, TSV or JSON."""
from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox

from ..rdf.vocab import PREFIXES
from ..store import query_options
from .catalogue import CannedQuery, QueryError
from .sparql_text import bind_values, with_prefixes


def bound_text(q: CannedQuery | str, bindings: list[dict] | None) -> str:
    """The query as plain SPARQL for any endpoint: PREFIX lines, and the bindings as a VALUES
    block opening the outermost WHERE group (built from RDF terms, never from user text)."""
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
    options = query_options(store)
    for subs in bindings or [{}]:
        try:
            res = store.query(text, prefixes=PREFIXES, substitutions=subs or None, **options)
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
