"""``/ontology[.ext]``: the ontology, negotiated; HTML is the pyLODE page ``docs/ontology.html``.

Validators (:mod:`..caching`): the tag is a digest of the ontology files and the page, the
format and the server root; ``Last-Modified`` the newest of those files."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ...rdf.terms import to_ox
from ...rdf.vocab import ONTOLOGY_FILES, PREFIXES, ontology_graph
from .. import caching, describe as describe_mod
from ..negotiation import BY_SUFFIX, HTML, NON_TEXT_TYPES
from .common import Context, _choose, _server_root
from ...export import serialise


@lru_cache(maxsize=2)
def _ontology_triples(ontology_dir: str) -> list[ox.Triple]:
    g = ontology_graph(Path(ontology_dir))
    return [ox.Triple(*(to_ox(t) for t in spo)) for spo in g]


@lru_cache(maxsize=2)
def _ontology_html(ontology_dir: str) -> str | None:
    """The pyLODE page of the ontology (``docs/ontology.html`` beside ``ontology/``, made by
    ``docs/make_ontology_html.py``); ``None`` without one, and the template page is served."""
    path = Path(ontology_dir).parent / "docs" / "ontology.html"
    return path.read_text(encoding="utf-8") if path.is_file() else None


@lru_cache(maxsize=2)
def _ontology_page(ontology_dir: str) -> dict:
    from rdflib.namespace import OWL, RDF, RDFS, SKOS
    from rdflib import URIRef

    g = ontology_graph(Path(ontology_dir))

    def entries(kind):
        out = []
        for s in sorted(set(g.subjects(RDF.type, kind)), key=str):
            if not isinstance(s, URIRef):
                continue
            out.append({"iri": str(s), "curie": describe_mod._curie(str(s), PREFIXES),
                        "label": str(g.value(s, RDFS.label) or g.value(s, SKOS.prefLabel) or ""),
                        "definition": str(g.value(s, SKOS.definition) or g.value(s, RDFS.comment) or ""),
                        "parents": [describe_mod._curie(str(o), PREFIXES) for o in g.objects(s, RDFS.subClassOf)
                                    if isinstance(o, URIRef)]})
        return out

    return {"classes": entries(OWL.Class), "object_properties": entries(OWL.ObjectProperty),
            "datatype_properties": entries(OWL.DatatypeProperty), "schemes": entries(SKOS.ConceptScheme)}



@lru_cache(maxsize=2)
def _ontology_state(ontology_dir: str) -> tuple[str, str | None]:
    """(digest of the ontology files and of the pyLODE page, their newest time as an HTTP date):
    read once, like the triples and the page above (a new ontology means a restart)."""
    import hashlib

    files = [Path(ontology_dir) / name for name in ONTOLOGY_FILES] + [Path(ontology_dir).parent / "docs" / "ontology.html"]
    h = hashlib.sha256()
    newest = None
    for f in files:
        if f.is_file():
            h.update(f.name.encode() + b"\0" + f.read_bytes())
            newest = max(newest or 0, f.stat().st_mtime)
    return h.hexdigest()[:16], caching.http_date(newest)


def routes(ctx: Context) -> list[Route]:
    settings, render = ctx.settings, ctx.render

    async def ontology(request: Request) -> Response:
        path = request.url.path
        fixed = None
        for suffix, f in BY_SUFFIX.items():
            if path == "/ontology" + suffix:
                fixed = f
        fmt = _choose(request, NON_TEXT_TYPES, fixed)  # RDF and HTML: Akoma Ntoso is for texts
        headers = {"Link": ", ".join(f'</ontology{f.suffix}>; rel="alternate"; type="{f.media_type}"'
                                     for f in NON_TEXT_TYPES if f is not fmt)}
        if fixed is None:
            headers["Vary"] = "Accept"
        digest, modified = _ontology_state(str(settings.ontology_dir))
        headers.update(caching.validators(caching.etag("ontology", digest, fmt.media_type, _server_root(request)), modified))
        headers["Cache-Control"] = "no-cache"
        if caching.not_modified(request, headers["ETag"], headers.get("Last-Modified")):
            return caching.not_modified_response(headers)
        if fmt is HTML:
            page = _ontology_html(str(settings.ontology_dir))
            if page is not None:  # docs/ontology.html, the checked-in pyLODE page
                return HTMLResponse(page, headers=headers)
            return render("ontology.html", request, headers=headers, **_ontology_page(str(settings.ontology_dir)))
        triples = _ontology_triples(str(settings.ontology_dir))
        body = serialise(triples, fmt.name, context_url=_server_root(request) + "context.jsonld")
        return Response(body, headers={**headers, "Content-Type": fmt.content_type})

    # the ontology is RDF: one route per RDF suffix (Akoma Ntoso is for texts, not for the ontology)
    return [Route("/ontology", ontology), *[Route(f"/ontology{s}", ontology) for s, f in BY_SUFFIX.items() if f.name != "akn"]]
