"""Pages for people: home, the query editor and canned questions (the findings: :mod:`.validation`)."""
from __future__ import annotations

from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...rdf.vocab import PREFIXES
from .. import canned as canned_mod, dataset, describe as describe_mod, sparql as sparql_mod
from .common import TRUNCATED_MARKER, Context, _plain, _server_root, run_job


def example_queries(base: str) -> list[tuple[str, str]]:
    """Questions shown on the home page (fixed text; IRIs from settings and the closed vocab).

    They follow the model of ``queries/`` (ARCHITECTURE.md, "The corpus"): a clause belongs to a
    *text* (``?text rg:textOf ?resolution``: an adopted version, a proposal's draft, a UN
    resolution read in full) whose status says which; a clause without a printed label (an
    unnumbered paragraph, e.g. Resolution 123's *recognizing further*) still counts, so its label
    is OPTIONAL; numbers sort as numbers (``xsd:integer``), so 25 comes before 101.
    """
    prologue = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("rg", "eli", "cito", "dcterms", "prov", "skos", "xsd"))
    target = f"<{base}id/un/A/RES/70/1>"
    return [
        ("Which clauses cite UN General Assembly resolution A/RES/70/1 (the 2030 Agenda)?",
         prologue + "SELECT DISTINCT ?resolution ?body ?number ?title ?textStatus ?text ?clause ?label WHERE {\n"
         f"  ?clause a rg:Clause ; cito:cites {target} ;\n          eli:is_part_of+ ?text .\n"
         "  ?text rg:textOf ?resolution .\n"
         "  OPTIONAL { ?text rg:status/skos:notation ?textStatus }\n"
         "  OPTIONAL { ?resolution rg:body/skos:notation ?body }\n"
         "  OPTIONAL { ?resolution eli:number ?number }\n  OPTIONAL { ?resolution dcterms:title ?title }\n"
         "  OPTIONAL { ?clause eli:number ?label }   # unnumbered paragraphs have none\n"
         "}\n# numbers as numbers: ITU \"25\" before \"101\"; UN \"80/9\" (session/number) before \"80/10\"\n"
         "ORDER BY ?textStatus ?body xsd:integer(?number)\n"
         "         xsd:integer(STRBEFORE(?number, \"/\")) xsd:integer(STRAFTER(?number, \"/\")) ?text ?clause"),
        ("Resolutions and their texts and versions (adopted, proposed, referenced only)",
         prologue + "SELECT DISTINCT ?resolution ?body ?number ?title ?version ?textStatus WHERE {\n"
         "  ?resolution a rg:Resolution ; rg:body/skos:notation ?body .\n"
         "  OPTIONAL { ?resolution eli:number ?number }\n  OPTIONAL { ?resolution dcterms:title ?title }\n"
         "  OPTIONAL {\n    { ?resolution dcterms:hasVersion ?version } UNION { ?version rg:textOf ?resolution }\n"
         "    FILTER (?version != ?resolution)\n"
         "    OPTIONAL { ?version rg:status/skos:notation ?textStatus }\n  }\n"
         "}\nORDER BY ?body xsd:integer(?number) xsd:integer(STRBEFORE(?number, \"/\")) xsd:integer(STRAFTER(?number, \"/\"))\n"
         "         ?resolution ?version"),
        ("What do resolutions cite most?",
         prologue + "SELECT ?cited (COUNT(DISTINCT ?clause) AS ?clauses) WHERE {\n  ?clause a rg:Clause ; cito:cites ?cited .\n"
         "} GROUP BY ?cited ORDER BY DESC(?clauses) LIMIT 20"),
        ("Proposals and what they do",
         prologue + "SELECT ?proposal ?symbol ?action ?target WHERE {\n  ?proposal a rg:Proposal .\n"
         "  OPTIONAL { ?proposal dcterms:identifier ?symbol }\n"
         "  OPTIONAL { ?proposal rg:action/skos:notation ?action }\n  OPTIONAL { ?proposal rg:concerns ?target }\n"
         "} ORDER BY xsd:integer(REPLACE(?symbol, \"^.*/\", \"\")) ?symbol"),
        ("Findings a librarian should check",
         prologue + "SELECT ?finding ?message ?quote ?line WHERE {\n  ?finding a rg:Finding ; rg:message ?message .\n"
         "  OPTIONAL { ?finding rg:quote ?quote }\n  OPTIONAL { ?finding rg:lineStart ?line }\n} ORDER BY ?finding"),
    ]


#: The browse lists the home page links to (paths under /id/, served by :mod:`.browse`).
BROWSE_LINKS = (("resolution", "Resolutions by body"), ("resolution/pp", "Plenipotentiary Conference resolutions"),
                ("un", "UN documents by series"), ("un/A/RES", "General Assembly resolutions"),
                ("proposal", "Proposals"), ("document", "Source documents"))


def routes(ctx: Context) -> list[Route]:
    settings, config, published, render = ctx.settings, ctx.config, ctx.published, ctx.render

    # -- pages ------------------------------------------------------------------
    async def home(request: Request) -> Response:
        snap = published.get()
        stats = await run_in_threadpool(dataset.statistics, snap)
        examples = [{"question": q, "href": "/query?" + urlencode({"query": text})}
                    for q, text in example_queries(settings.base)]
        return render("home.html", request, stats=stats, examples=examples, generation=snap.generation,
                      config=config, browse=BROWSE_LINKS)

    async def query_page(request: Request) -> Response:
        # a URL that does not decode (bytes that are not UTF-8) is the client's error: 400,
        # not the default page
        params = sparql_mod.parse_pairs(request.scope.get("query_string", b""), "URL query string")
        name = next((v for k, v in params if k == "name"), None)
        if name is not None:
            return await canned_query(request, name, params)
        q = next((v for k, v in params if k == "query"), None) or example_queries(settings.base)[1][1]
        run = any(k == "run" for k, _ in params)
        return render("query.html", request, query=q, run=run, endpoint=_server_root(request) + "sparql",
                      config=config, questions=canned_mod.catalogue(settings), form=None)

    async def canned_query(request: Request, name: str, params: list[tuple[str, str]]) -> Response:
        """A canned question of queries/: its form, and its answer when asked (run=1 or format=…)."""
        fmt = next((v for k, v in params if k == "format"), None)
        if fmt is not None and fmt not in canned_mod.FORMATS:
            return _plain(400, f"unknown format {fmt!r}; use one of: {', '.join(canned_mod.FORMATS)} (or none for HTML)")
        questions = canned_mod.catalogue(settings)
        try:
            form, bindings = await run_in_threadpool(canned_mod.prepare, settings, name, params)
        except KeyError:
            names = ", ".join(q.name for q in questions)
            if fmt:
                return _plain(404, f"no canned query named {name!r}; the questions are: {names}")
            return render("query.html", request, status=404, query=None, run=False,
                          endpoint=_server_root(request) + "sparql", config=config, questions=questions, form=None,
                          missing=name)
        ask = fmt is not None or any(k == "run" for k, _ in params)
        if form.error:
            if fmt:
                return _plain(400, form.error)
            return render("query.html", request, status=400 if ask else 200, query=None, run=False,
                          endpoint=_server_root(request) + "sparql", config=config, questions=questions, form=form)
        if ask:
            snap = published.get()
            job = {"path": snap.path, "query": form.sparql, "base_iri": None, "union": True,
                   "default_graph": None, "named_graphs": None,
                   "formats": {"solutions": canned_mod.FORMATS[fmt][0] if fmt else "json"},
                   "row_limit": config.row_limit, "marker": TRUNCATED_MARKER}
            # the bound text of a canned question is kept like a /sparql answer (same cache,
            # same rules: only complete answers of deterministic queries, per generation)
            cache = snap.sparql_answers if config.sparql_cache else None
            key = None
            reply = None
            if cache is not None and sparql_mod.cacheable(form.sparql):
                key = ("canned", snap.name, form.sparql, job["formats"]["solutions"], config.row_limit)
                reply = cache.get(key)
            cache_state = "bypass" if key is None else "hit" if reply is not None else "miss"
            if reply is None:
                reply = await run_job(ctx, job)
                if isinstance(reply, Response):
                    return reply
                if key is not None and reply[0] == "ok" and not reply[4]:
                    cache.put(key, reply, len(reply[3]) + len(form.sparql) + 500)
            if reply[0] == "too_many":
                return _plain(422, f"the answer has more than {config.row_limit} rows; CSV and TSV cannot label a "
                                   "truncation: ask for format=json (truncated and labelled)")
            if reply[0] == "unavailable":  # serve --endpoint: the remote store failed
                return _plain(reply[2], f"the SPARQL store behind this server failed: {reply[1]}")
            if reply[0] != "ok":
                return _plain(500, f"query failed: {reply[1]}")
            _, _kind, _fmt_name, payload, truncated, _n = reply
            if fmt:
                headers = {"X-Resgraph-Row-Limit": str(config.row_limit), "X-Cache": cache_state}
                if truncated:
                    headers["X-Resgraph-Truncated"] = "true"
                return Response(payload, headers={**headers, "Content-Type": canned_mod.FORMATS[fmt][1]})
            variables, rows, form.truncated = canned_mod.read_json_results(payload)
            form.variables = variables
            form.rows = await run_in_threadpool(labelled_rows, snap, rows)
            form.ran = True
        return render("query.html", request, query=None, run=False, endpoint=_server_root(request) + "sparql",
                      config=config, questions=questions, form=form)

    def labelled_rows(snap: dataset.Snapshot, rows: list) -> list[list[dict]]:
        """Answer cells for people: an IRI shows the name of what it names (its identifier or label,
        looked up once per distinct IRI), linked, the IRI itself in the title; machine formats keep
        the IRIs."""
        link = describe_mod.Linker(snap.store, settings)
        names: dict[str, str] = {}
        out = []
        for row in rows:
            cells = []
            for t in row:
                c = canned_mod.cell(t, settings.base)
                if t is not None and t["type"] == "uri":
                    iri = t["value"]
                    if iri not in names:
                        try:
                            name = link.name(iri)
                        except ValueError:      # not an IRI the store takes
                            name = iri
                        names[iri] = name if "://" not in name else (iri.rstrip("/").rsplit("/", 1)[-1] or iri)
                    c = {**c, "text": names[iri], "title": iri}
                cells.append(c)
            out.append(cells)
        return out

    return [Route("/", home), Route("/query", query_page)]
