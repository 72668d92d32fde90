"""The canned questions of ``queries/`` on the query page (``/query?name=…``).

The parameters a person types in the form go through the same code as ``resgraph query``:
:func:`pipeline.query.bind` turns them into typed RDF terms (or a one-line
:class:`~pipeline.query.QueryError`), and :func:`pipeline.query.bound_text` carries those
terms into the query as a ``VALUES`` block built from the terms, never from the text typed.
The bound query then runs like any other ``/sparql`` request: in a worker process, under
the server's time and row limits.

``/query?name=cites&target=UNGA+70/1&run=1`` shows the answer as a table;
``&format=csv`` (``tsv``, ``json``) returns the SPARQL results document instead.
"""
from __future__ import annotations

import json
from urllib.parse import urlencode
from dataclasses import dataclass, field

from .. import query as qmod
from ..settings import Settings

FORMATS = {"json": ("json", "application/sparql-results+json"),
           "csv": ("csv", "text/csv; charset=utf-8"),
           "tsv": ("tsv", "text/tab-separated-values; charset=utf-8")}
RESERVED = {"name", "run", "format", "query"}


@dataclass
class Form:
    """What the template needs to draw one question, its form and (maybe) its answer."""

    query: qmod.CannedQuery
    values: dict[str, str]
    error: str | None = None
    sparql: str | None = None
    variables: list[str] = field(default_factory=list)
    rows: list[list[dict | None]] = field(default_factory=list)
    truncated: bool = False
    ran: bool = False

    def url(self, fmt: str | None = None) -> str:
        """This question with these values, as a /query URL (``fmt``: csv, tsv or json)."""
        pairs = [("name", self.query.name), *self.values.items()]
        pairs.append(("format", fmt) if fmt else ("run", "1"))
        return "/query?" + urlencode(pairs)

    @property
    def fields(self) -> list[dict]:
        examples = self.query.example_values()
        return [{"name": p.name, "type": p.type, "doc": p.doc, "optional": p.optional,
                 "value": self.values.get(p.name, ""), "example": examples.get(p.name, "")}
                for p in self.query.params]


def catalogue(settings: Settings) -> list[qmod.CannedQuery]:
    return list(qmod.catalogue(settings).values())


def prepare(settings: Settings, name: str, pairs: list[tuple[str, str]]) -> tuple[Form, list]:
    """Form for ``name`` with the submitted values; bindings (empty when binding failed).

    Raises :class:`KeyError` for an unknown query name.
    """
    cat = qmod.catalogue(settings)
    if name not in cat:
        raise KeyError(name)
    q = cat[name]
    values: dict[str, str] = {}
    for k, v in pairs:
        if k in RESERVED:
            continue
        if k in values:
            return Form(q, values, error=f"parameter {k!r} given twice; give each once"), []
        values[k] = v
    # an empty optional field means "not given"
    for p in q.params:
        if p.optional and not values.get(p.name, "").strip():
            values.pop(p.name, None)
    form = Form(q, values)
    try:
        bindings = qmod.bind(q, values, settings)
        form.sparql = qmod.bound_text(q, bindings)
    except qmod.QueryError as e:
        form.error = str(e)
        return form, []
    return form, bindings


def read_json_results(payload: bytes) -> tuple[list[str], list[list[dict | None]], bool]:
    """SPARQL JSON results → (variables, rows of term dicts or None, truncated)."""
    doc = json.loads(payload)
    variables = doc["head"]["vars"]
    rows = [[b.get(v) for v in variables] for b in doc["results"]["bindings"]]
    return variables, rows, bool(doc.get("resgraph:truncated"))


def cell(term: dict | None, base: str) -> dict:
    """One result cell for the template: text, and a link for IRIs (ours resolve here)."""
    if term is None:
        return {"text": "", "href": None}
    if term["type"] == "uri":
        iri = term["value"]
        if iri.startswith(base):
            return {"text": iri, "href": "/" + iri[len(base):]}
        return {"text": iri, "href": iri if iri.startswith(("http://", "https://")) else None}
    return {"text": term["value"], "href": None}
