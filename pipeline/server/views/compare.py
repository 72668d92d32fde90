"""``/compare/{resolution}``: a resolution's timeline (Busan-2014 as the draft shows it replaced →
the APT's draft → Dubai-2018 adopted) and an inline diff between any two of its texts.

The URL is the resolution's path under ``/id/`` (``/compare/resolution/pp/70``), so it can be
typed; ``?from=KEY&to=KEY`` picks the texts (keys in :mod:`pipeline.export.compare`, listed on
the page and in every 400); ``?format=json`` or ``Accept: application/json`` gives the same
answer as JSON.  Without ``from``/``to`` the page compares a draft with the text adopted from it.
A version or text path (``/compare/resolution/pp/70/dubai-2018``) is sent to its resolution's page.

The texts are read with typed store lookups in a thread (no query text, no worker job: the
three texts of Resolution 70 load in ~0.2 s) and kept per generation with the diffs asked of them.
"""
from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .. import describe as describe_mod, sparql as sparql_mod
from ...export import compare as timeline   # the texts, keys, pairing and diff, shared with the redline writer
from ..negotiation import HTML, Format
from .common import Context, _choose, _server_root

JSON = Format("json", "application/json", None, ("application/ld+json",))
OFFERS = (HTML, JSON)
PARAMS = ("from", "to", "format")
FORMATS = {"html": HTML, "json": JSON}
_UNSEEN = object()


class _Refusal(Exception):
    def __init__(self, status: int, message: str, keys: list[str] | None = None):
        super().__init__(message)
        self.status, self.message, self.keys = status, message, keys


def routes(ctx: Context) -> list[Route]:
    settings, published, uris, render = ctx.settings, ctx.published, ctx.uris, ctx.render

    def _params(request: Request) -> dict[str, str]:
        pairs = sparql_mod.parse_pairs(request.scope.get("query_string", b""), "URL query string")
        out: dict[str, str] = {}
        for k, v in pairs:
            if k not in PARAMS:
                raise _Refusal(400, f"unknown parameter {k[:50]!r}; /compare takes: {', '.join(PARAMS)}")
            if k in out:
                raise _Refusal(400, f"parameter {k!r} given twice")
            out[k] = v
        if "format" in out and out["format"] not in FORMATS:
            raise _Refusal(400, f"unknown format {out['format'][:50]!r}; use one of: {', '.join(FORMATS)}")
        return out

    def _texts(snap, work: str):
        key = ("compare-texts", work)
        found = snap.answers.get(key, _UNSEEN)
        if found is _UNSEEN:
            found = timeline.texts_of(snap.store, work, settings.base)
            size = sum(len(r.text) + 200 for t in found[0] for r in t.rows) + 2000
            snap.answers.put(key, found, size)
        return found

    def _diff(snap, work: str, a: timeline.Text, b: timeline.Text) -> dict:
        key = ("compare-diff", work, a.key, b.key)
        found = snap.answers.get(key)
        if found is None:
            found = timeline.compare(snap.store, a, b)
            size = sum(len(s["text"]) + 40 for r in found["clauses"] for s in r["segments"]) * 2 + 2000
            snap.answers.put(key, found, size)
        return found

    def build(snap, rest: str, params: dict[str, str]) -> dict:
        """Everything the page and the JSON say (raises :class:`_Refusal` for 4xx)."""
        uri = uris.from_id_path(rest)
        if not rest or len(rest) > 2000 or any(c in rest for c in '<>"{}|\\^` '):
            raise _Refusal(404, f"no resolution {uri[:300]}: /compare/ takes the path of a resolution under /id/, "
                                "e.g. /compare/resolution/pp/70")
        work = timeline.work_of(snap.store, uri)
        if work is None:
            if describe_mod.exists(snap.store, uri):
                raise _Refusal(404, f"resgraph holds no text of {uri}: nothing to compare")
            raise _Refusal(404, f"no resolution {uri}: /compare/ takes the path of a resolution under /id/, "
                                "e.g. /compare/resolution/pp/70")
        if work != uri:
            return {"redirect": "/compare/" + uris.id_path(work)}
        texts, others = _texts(snap, work)
        keys = [t.key for t in texts]
        link = describe_mod.Linker(snap.store, settings)
        href = lambda u: link.href(u)  # noqa: E731
        out = {"resolution": {"uri": work, "label": timeline.label(snap.store, work) or work,
                              "title": timeline.title_of(snap.store, work),
                              "href": href(work)},
               "texts": [t.summary(href) for t in texts], "versionsWithoutText": others, "keys": keys,
               "from": None, "to": None, "diff": None, "error": None}
        for o in others:
            o["href"] = href(o["uri"])
        picked = {}
        for side in ("from", "to"):
            if side in params:
                t = timeline.find(texts, params[side][:timeline.MAX_KEY])
                if t is None:
                    raise _Refusal(400, f"no text {params[side][:80]!r} of {out['resolution']['label']}; "
                                        f"the keys are: {', '.join(keys)}", keys)
                picked[side] = t
        if picked.get("from") is not None and picked.get("to") is not None and picked["from"] is picked["to"]:
            raise _Refusal(400, f"from and to name the same text; the keys are: {', '.join(keys)}", keys)
        if len(texts) < 2:
            return out
        default = timeline.default_pair(texts)
        a = picked.get("from") or (default[0] if picked.get("to") is not default[0] else default[1])
        b = picked.get("to") or (default[1] if a is not default[1] else default[0])
        out["from"], out["to"] = a.key, b.key
        diff = _diff(snap, work, a, b)
        for r in diff["clauses"]:
            for s in ("from", "to"):
                if r[s] is not None:
                    r[s]["href"] = href(r[s]["uri"])
        out["diff"] = diff
        return out

    async def compare(request: Request) -> Response:
        rest = request.path_params.get("rest", "")
        fmt = None
        try:
            params = _params(request)
            fmt = FORMATS[params["format"]] if "format" in params else _choose(request, OFFERS)
            snap = published.get()
            data = await run_in_threadpool(build, snap, rest, params)
        except _Refusal as e:
            fmt = fmt or _choose(request, OFFERS)
            if fmt is JSON:
                body = {"error": e.message, **({"keys": e.keys} if e.keys else {})}
                return Response(json.dumps(body, ensure_ascii=False), status_code=e.status,
                                media_type="application/json", headers={"Vary": "Accept"})
            data = None
            if e.status == 400:   # the page still shows the timeline and its keys
                try:
                    data = await run_in_threadpool(build, published.get(), rest, {})
                except _Refusal:
                    data = None
                if data is not None:
                    data = None if "redirect" in data else {**data, "diff": None}
            return render("compare.html", request, status=e.status, c=data, error=e.message,
                          headers={"Vary": "Accept"})
        if "redirect" in data:
            q = request.scope.get("query_string", b"").decode("ascii")
            return RedirectResponse(data["redirect"] + ("?" + q if q else ""), status_code=303)
        if fmt is JSON:
            return Response(json.dumps(_for_json(data), ensure_ascii=False), media_type="application/json",
                            headers={"Vary": "Accept"})
        # the page depends on the generation, the texts compared and the server root only: rendered once
        # (rendering the ~180 clauses of Resolution 70 costs more than everything else together)
        key = ("compare-page", data["resolution"]["uri"], data["from"], data["to"], _server_root(request))
        body = snap.answers.get(key)
        if body is None:
            body = render("compare.html", request, c=data, error=None).body
            snap.answers.put(key, body, len(body) + 500)
        return Response(body, media_type="text/html", headers={"Vary": "Accept"})

    return [Route("/compare/{rest:path}", compare)]


def _for_json(data: dict) -> dict:
    """The JSON form: the same content, the diff's clauses under ``clauses``."""
    out = {k: v for k, v in data.items() if k not in ("diff", "error")}
    diff = data.get("diff")
    if diff is not None:
        out.update({"counts": diff["counts"], "alignedByBuild": diff["alignedByBuild"], "title": diff["title"],
                    "clauses": diff["clauses"]})
    else:
        out["clauses"] = []
        out["note"] = "resgraph holds one text of this resolution: nothing to compare"
    return out
